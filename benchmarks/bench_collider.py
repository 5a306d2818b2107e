"""Unweighted events per CPU second: the pp-collider generator (VEGAS-adapted multichannel map,
hepscaling.amplitudes.collider) against today's flat-RAMBO unweighting at a fixed sqrt(s) = 1 TeV, same run, same
process, same |M|^2 code.

    .venv/bin/python benchmarks/bench_collider.py [--events 2000] [--processes "u u~ > z g" ...] [--threads 1]

The anchor, apples to apples: flat RAMBO points (phasespace.phase_space, the points of phasespace.unweighted_events)
of a pilot (--flat-pilot) choose w_max by two rules, both from hepscaling.amplitudes.unweighting: the 0.9999 quantile
(phasespace.unweighted_events' default, the anchor of earlier runs) and the reduced maximum at the generator's
overweight fraction (--overweight, the generator's rule). An independent flat sample (--flat-test points, seed 2)
is then unweighted by accept-reject with both w_max on the same points and random numbers: the realised efficiency
(accepted / tried; tried = points inside the cuts, the cheap cut failures of flat RAMBO not counted) and the
realised overweight share (the share of the cross section above w_max on that sample: the bias of keeping the
overweights with weight 1; the quantile rule does not bound it) of each rule.

The generator (seed 1): efficiency (accepted / tried, cut failures counted), the overweight share of its accepted
events and of the points after its pilot, CPU seconds of the whole run (adaptation + pilot + unweighting) and of the
adaptation. Events per CPU second: ours with the adaptation, and both without (efficiency / CPU seconds per tried
point). Projections for the issue's sizes (10^6 events of t t~ h, Z g, W Z; 10^5 of Z g g g g and g g > g g g g):
CPU seconds = adaptation + events / efficiency x CPU seconds per tried point; on 2 cores: two independent runs
(seeds) of half the events each, every one with its own adaptation (wall = adaptation + events / 2 / efficiency x
CPU per point; run with --threads 1 so that CPU seconds are those of one core). CPU seconds, not wall seconds: on a
shared machine CPU time is what a run costs on idle cores. Results as JSON in data/benchmarks/<name>.json (shown on
the amplitude engine page).

The issue's sizes measured directly, not projected: ``--flat-test 0`` (no anchor) and half the events in each of two
single-thread processes with different seeds, run side by side; the 2-core wall estimate is the larger of the two
processes' CPU seconds (each one runs on one core), e.g. for 1e5 events of Z g g g g::

    for s in 1 2; do OMP_NUM_THREADS=1 /usr/bin/time -v .venv/bin/python benchmarks/bench_collider.py --events 50000 \\
        --flat-test 0 --processes "u u~ > z g g g g" --seed $s --name collider_direct_zgggg_seed$s & done; wait
"""
from __future__ import annotations

import argparse
import json
import os
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402

from hepscaling.amplitudes import collider_events, matrix_element, phase_space  # noqa: E402
from hepscaling.amplitudes.unweighting import (expected_efficiency, overweight_share, quantile_maximum,  # noqa: E402
                                               reduced_maximum)
from hepscaling.features.benchmarks import save_result  # noqa: E402

DEFAULT = ["u u~ > t t~ h", "u u~ > z g", "u d~ > w+ z", "u u~ > z g g", "u d~ > w+ z g", "g g > g g",
           "g g > g g g", "u u~ > z g g g", "u u~ > z g g g g", "g g > g g g g"]
GOAL_EVENTS = {"u u~ > t t~ h": 10**6, "u u~ > z g": 10**6, "u d~ > w+ z": 10**6, "u u~ > z g g g g": 10**5,
               "g g > g g g g": 10**5}
GOAL_SECONDS = {10**6: 600, 10**5: 1800}
#: VEGAS iterations, points per iteration, pilot points where the default (8, 2e4, 5e4) is too short: Z g g g g's
#: 96 channels in four grids need 16 iterations, and its maximum weight a larger pilot (the pilot's points are
#: unweighted like every later batch, so a larger pilot costs nothing when the events need more points anyway; a 5e4
#: pilot misses part of the weight tail: efficiency 0.017 on it, 0.0071 realised with 2e5, same grid). 1e5, not 2e5:
#: one 2e5-point batch of Z g g g g held 7-11 GB (two such runs were killed for memory on the 23 GB machine; since
#: then collider_events evaluates at most ``batch`` = 5e4 points at once: 0.8 GB peak for this benchmark's Z g g g g)
ADAPT = {"u u~ > z g g g g": [16, 20000, 100000]}


def flat_anchor(proc: str, n_pilot: int, n_test: int, overweight: float, quantile: float = 0.9999,
                batch: int = 50_000, sqrt_s: float = 1000.0) -> dict:
    """Flat RAMBO at fixed ``sqrt_s`` unweighted with both w_max rules on the same points (see module docstring)."""
    c0 = time.process_time()
    f_pilot = _flat_weights(proc, n_pilot, sqrt_s, seed=1, batch=batch)
    c_pilot = time.process_time() - c0
    w_q, w_r = quantile_maximum(f_pilot, quantile), reduced_maximum(f_pilot, overweight)
    c0 = time.process_time()
    f = _flat_weights(proc, n_test, sqrt_s, seed=2, batch=batch)
    c_test = time.process_time() - c0
    r = torch.rand(f.shape[0], generator=torch.Generator().manual_seed(3), dtype=torch.float64)
    out = {"flat_pilot": n_pilot, "flat_test": n_test, "flat_cpu_per_point": (c_pilot + c_test) / (n_pilot + n_test)}
    for tag, wm in (("quantile", w_q), ("reduced", w_r)):
        acc = r * wm < f
        out[f"flat_{tag}_w_max"] = wm
        out[f"flat_{tag}_accepted"] = int(acc.sum())
        out[f"efficiency_flat_{tag}"] = int(acc.sum()) / f.shape[0]
        out[f"efficiency_flat_{tag}_expected"] = expected_efficiency(f, wm)
        out[f"overweight_share_flat_{tag}"] = overweight_share(f, wm)
        out[f"overweight_share_flat_{tag}_pilot"] = overweight_share(f_pilot, wm)
        out[f"events_per_cpu_s_flat_{tag}"] = out[f"efficiency_flat_{tag}"] / out["flat_cpu_per_point"]
    return out


def _flat_weights(proc, n, sqrt_s, seed, batch):
    """|M|^2 x phase-space weight of ``n`` flat RAMBO points inside the cuts, in batches of at most ``batch``."""
    parts = []
    for i, start in enumerate(range(0, n, batch)):
        p, w = phase_space(proc, min(batch, n - start), sqrt_s, seed=seed * 1_000_003 + i)
        parts.append(matrix_element(proc, p) * w)
    return torch.cat(parts)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=2000, help="unweighted events per process (collider generator)")
    ap.add_argument("--flat-test", type=int, default=100000,
                    help="flat RAMBO points (inside the cuts) unweighted with both w_max rules; 0: no anchor")
    ap.add_argument("--flat-pilot", type=int, default=50000,
                    help="pilot points of the flat-RAMBO anchor (both of its w_max rules are taken from them)")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (1: CPU seconds are one core's)")
    ap.add_argument("--processes", nargs="*", default=DEFAULT)
    ap.add_argument("--channels", default="recoil", choices=("one", "orders", "recoil"),
                    help="channel set of the generator's (p_T, y) map (hepscaling.amplitudes.collider.CHANNEL_SETS)")
    ap.add_argument("--pair-map", default="both", choices=("box", "dr", "both"),
                    help="how the generator draws a gluon after a gluon (hepscaling.amplitudes.collider.PAIR_MAPS)")
    ap.add_argument("--adapt", type=int, nargs=3, default=None, metavar=("ITER", "POINTS", "PILOT"),
                    help="the generator's VEGAS iterations, points per iteration and pilot points (default: "
                         "8 20000 50000, ADAPT for the processes listed there)")
    ap.add_argument("--overweight", type=float, default=1e-3,
                    help="overweight fraction of the reduced-maximum rule (the generator's, and the anchor's second "
                         "rule)")
    ap.add_argument("--batch", type=int, default=50_000, help="points per |M|^2 batch (memory)")
    ap.add_argument("--seed", type=int, default=1, help="the generator's seed")
    ap.add_argument("--name", default="collider", help="result name: data/benchmarks/<name>.json")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, load average {os.getloadavg()[0]:.2f}")
    load0 = os.getloadavg()[0]
    rows = []
    for proc in args.processes:
        r = {"process": proc, "events": args.events, "seed": args.seed, "overweight": args.overweight}
        if args.flat_test > 0:
            r.update(flat_anchor(proc, args.flat_pilot, args.flat_test, args.overweight, batch=args.batch))
        adapt = args.adapt or ADAPT.get(proc, [8, 20000, 50000])
        it, pts, pil = adapt
        try:
            _, _, ours = collider_events(proc, args.events, seed=args.seed, adapt_iterations=it, adapt_points=pts,
                                         n_pilot=pil, overweight=args.overweight, channels=args.channels,
                                         pair_map=args.pair_map, batch=args.batch)
        except ValueError as e:          # the pilot missed the weight tail: say so, keep benchmarking
            print(f"{proc}: {e}", flush=True)
            r["error"] = str(e)
            rows.append(r)
            continue
        per_point = (ours["cpu_seconds"] - ours["cpu_seconds_adapt"]) / ours["n_tried"]
        r.update({"efficiency_collider": ours["efficiency"], "n_tried": ours["n_tried"],
                  "inside_fraction": ours["n_inside"] / ours["n_tried"],
                  "overweight_share": ours["overweight_share"],
                  "overweight_share_tried": ours["overweight_share_tried"],
                  "cpu_seconds_collider": ours["cpu_seconds"], "cpu_seconds_adapt": ours["cpu_seconds_adapt"],
                  "seconds_collider": ours["seconds"], "cpu_per_point_collider": per_point,
                  "events_per_cpu_s_collider": args.events / ours["cpu_seconds"],
                  "events_per_cpu_s_collider_asymptotic": ours["efficiency"] / per_point,
                  "cross_section_pb": ours["cross_section_pb"], "cross_section_error_pb": ours["cross_section_error_pb"],
                  "channels": args.channels, "pair_map": args.pair_map, "n_channels": ours["n_channels"],
                  "channel_weights": ours["channel_weights"], "adapt": list(adapt)})
        if proc in GOAL_EVENTS:
            n = GOAL_EVENTS[proc]
            r["goal_events"], r["goal_seconds"] = n, GOAL_SECONDS[n]
            r["projected_cpu_seconds"] = ours["cpu_seconds_adapt"] + n / ours["efficiency"] * per_point
            r["projected_seconds_2cores"] = ours["cpu_seconds_adapt"] + n / 2 / ours["efficiency"] * per_point
            if args.flat_test > 0:
                for tag in ("quantile", "reduced"):
                    eff = r[f"efficiency_flat_{tag}"]
                    r[f"projected_cpu_seconds_flat_{tag}"] = (n / eff * r["flat_cpu_per_point"] if eff > 0
                                                              else float("inf"))
        rows.append(r)
        print(json.dumps({k: v for k, v in r.items() if k != "channel_weights"}), flush=True)
    print()
    hdr = (f"{'process':18s} {'eff ours':>9s} {'flat q':>9s} {'flat red':>9s} {'r(q)':>6s} {'r(red)':>6s} "
           f"{'share ours':>10s} {'sh ours>pil':>11s} {'sh flat q':>9s} {'sh flat r':>9s} {'ev/CPUs ours':>12s} "
           f"{'asym':>8s} {'flat q':>8s} {'flat red':>8s} {'goal: CPU-min':>13s} {'2-core min':>10s}")
    print(hdr)
    nan = float("nan")
    for r in rows:
        if "error" in r:
            print(f"{r['process']:18s} generator failed: {r['error']}")
            continue
        eq, er = r.get("efficiency_flat_quantile", nan), r.get("efficiency_flat_reduced", nan)
        ec = r["efficiency_collider"]
        print(f"{r['process']:18s} {ec:9.2e} {eq:9.2e} {er:9.2e} {ec / eq if eq else nan:6.1f} "
              f"{ec / er if er else nan:6.1f} {r['overweight_share']:10.2e} {r['overweight_share_tried']:11.2e} "
              f"{r.get('overweight_share_flat_quantile', nan):9.2e} {r.get('overweight_share_flat_reduced', nan):9.2e} "
              f"{r['events_per_cpu_s_collider']:12.2f} {r['events_per_cpu_s_collider_asymptotic']:8.2f} "
              f"{r.get('events_per_cpu_s_flat_quantile', nan):8.3f} {r.get('events_per_cpu_s_flat_reduced', nan):8.3f} "
              + (f"{r['projected_cpu_seconds'] / 60:13.1f} {r['projected_seconds_2cores'] / 60:10.1f}"
                 if "goal_events" in r else ""))
    for r in rows:
        if "goal_events" in r and "error" not in r:
            verdict = "meets" if r["projected_seconds_2cores"] <= r["goal_seconds"] else "MISSES"
            print(f"goal {r['process']}: {r['goal_events']:.0e} events in {r['goal_seconds'] / 60:.0f} min on 2 cores "
                  f"-> {r['projected_cpu_seconds'] / 60:.1f} CPU-min, {r['projected_seconds_2cores'] / 60:.1f} min "
                  f"as two runs of half the events ({verdict}); adaptation {r['cpu_seconds_adapt']:.0f} CPU-s, "
                  f"{r['cpu_per_point_collider'] * 1e3:.3f} CPU-ms per tried point")
    print(f"load average {load0:.2f} at the start, {os.getloadavg()[0]:.2f} at the end")
    out = save_result(args.name, {"threads": args.threads, "channels": args.channels, "pair_map": args.pair_map,
                                  "load_average": [load0, os.getloadavg()[0]], "rows": rows})
    print(f"wrote {out}")
    return rows


if __name__ == "__main__":
    main()
