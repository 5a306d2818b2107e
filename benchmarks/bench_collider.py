"""Unweighted events per second: the pp-collider generator (VEGAS-adapted map, hepscaling.amplitudes.collider)
against today's flat-RAMBO unweighting at a fixed sqrt(s) = 1 TeV (phasespace.unweighted_events), same run, same
process, same |M|^2 code.

    .venv/bin/python benchmarks/bench_collider.py [--events 2000] [--processes "u u~ > z g" ...] [--channels recoil]

For each process: unweighting efficiency and unweighted events per second of both (the generator's time includes
its VEGAS adaptation and pilot), their ratios, the cross section with its Monte-Carlo error, and the time the
issue's dataset sizes would take (the adaptation once, then events / efficiency points at the measured time per
point; 10^6 events for t t~ h, Z g and W Z; 10^5 for Z g g g g and g g > g g g g). Results as JSON in
collider.json in the
benchmark results (data/benchmarks/, shown on the amplitude engine page).
"""
from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402

from hepscaling.amplitudes import collider_events, unweighted_events  # noqa: E402
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
#: one 2e5-point batch of Z g g g g held 7-11 GB (two such runs were killed for memory on the 23 GB machine)
ADAPT = {"u u~ > z g g g g": [16, 20000, 100000]}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=2000, help="unweighted events per process (collider generator)")
    ap.add_argument("--flat-events", type=int, default=200,
                    help="unweighted events per process of the flat-RAMBO anchor (its efficiency is ~1e-4 for 3 "
                         "or more gluons); 0: no anchor in this run")
    ap.add_argument("--flat-pilot", type=int, default=50000,
                    help="pilot points of the flat-RAMBO anchor (its maximum weight: their 0.9999 quantile)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--processes", nargs="*", default=DEFAULT)
    ap.add_argument("--channels", default="recoil", choices=("one", "orders", "recoil"),
                    help="channel set of the generator's (p_T, y) map (hepscaling.amplitudes.collider.CHANNEL_SETS)")
    ap.add_argument("--compare-channels", default=None, choices=("one", "orders", "recoil"),
                    help="also run the generator with this channel set (same seed) and report its efficiency and "
                         "events per second beside --channels'")
    ap.add_argument("--pair-map", default="both", choices=("box", "dr", "both"),
                    help="how the generator draws a gluon after a gluon (hepscaling.amplitudes.collider.PAIR_MAPS)")
    ap.add_argument("--compare-pair-map", default=None, choices=("box", "dr", "both"),
                    help="the --compare-channels run with this pair map instead (e.g. --compare-channels recoil "
                         "--compare-pair-map box: the previous default)")
    ap.add_argument("--adapt", type=int, nargs=3, default=None, metavar=("ITER", "POINTS", "PILOT"),
                    help="the generator's VEGAS iterations, points per iteration and pilot points (default: "
                         "8 20000 50000, ADAPT for the processes listed there)")
    ap.add_argument("--overweight", type=float, default=1e-3,
                    help="the generator's overweight fraction (share of the cross section above w_max, kept as "
                         "weighted events)")
    ap.add_argument("--name", default="collider", help="result name: data/benchmarks/<name>.json")
    args = ap.parse_args(argv)
    if args.compare_pair_map and not args.compare_channels:
        ap.error("--compare-pair-map needs --compare-channels")
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, load average {os.getloadavg()[0]:.2f}")
    load0 = os.getloadavg()[0]
    print(f"{'process':18s} {'eff flat':>9s} {'eff ours':>9s} {'ratio':>6s} {'ev/s flat':>10s} {'ev/s ours':>10s} "
          f"{'ratio':>6s} {'sigma [pb]':>20s}")
    rows = []
    for proc in args.processes:
        t0 = time.perf_counter()
        if args.flat_events > 0:
            _, _, flat = unweighted_events(proc, args.flat_events, 1000.0, seed=1, n_pilot=args.flat_pilot)
        else:                       # no anchor in this run: ratios are NaN (measure it in a separate run)
            flat = {"efficiency": float("nan")}
        t_flat = time.perf_counter() - t0 if args.flat_events > 0 else float("nan")
        t0, c0 = time.perf_counter(), time.process_time()
        adapt = args.adapt or ADAPT.get(proc, [8, 20000, 50000])
        it, pts, pil = adapt
        kw = dict(seed=1, adapt_iterations=it, adapt_points=pts, n_pilot=pil, overweight=args.overweight)
        _, _, ours = collider_events(proc, args.events, channels=args.channels, pair_map=args.pair_map, **kw)
        t_ours, cpu_ours = time.perf_counter() - t0, time.process_time() - c0
        r = {"process": proc, "events": args.events, "efficiency_flat_1TeV": flat["efficiency"],
             "efficiency_collider": ours["efficiency"], "seconds_flat": t_flat, "seconds_collider": t_ours,
             "events_flat": args.flat_events,
             "events_per_s_flat": args.flat_events / t_flat if args.flat_events > 0 else float("nan"), "events_per_s_collider": args.events / t_ours,
             "cross_section_pb": ours["cross_section_pb"], "cross_section_error_pb": ours["cross_section_error_pb"],
             "overweight_share": ours["overweight_share"], "channels": args.channels, "pair_map": args.pair_map,
             "overweight": args.overweight, "n_channels": ours["n_channels"], "channel_weights": ours["channel_weights"], "adapt": list(adapt)}
        if args.compare_channels:
            t0 = time.perf_counter()
            try:
                _, _, base = collider_events(proc, args.events, channels=args.compare_channels,
                                             pair_map=args.compare_pair_map or args.pair_map, **kw)
            except ValueError as e:          # the pilot missed the weight tail: say so, keep benchmarking
                print(f"{'':18s} channels {args.compare_channels}: {e}", flush=True)
                base = None
            t_base = time.perf_counter() - t0
        if args.compare_channels and base is not None:
            r.update({"compare_channels": args.compare_channels, "efficiency_compare": base["efficiency"],
                      "events_per_s_compare": args.events / t_base,
                      "cross_section_compare_pb": base["cross_section_pb"],
                      "cross_section_compare_error_pb": base["cross_section_error_pb"]})
        if proc in GOAL_EVENTS:
            n = GOAL_EVENTS[proc]
            r["goal_events"], r["goal_seconds"] = n, GOAL_SECONDS[n]
            per_tried = (ours["seconds"] - ours["seconds_adapt"]) / ours["n_tried"]
            r["projected_seconds"] = ours["seconds_adapt"] + n / ours["efficiency"] * per_tried
            # the same in CPU seconds of this process (all its threads; the adaptation's share of the CPU time taken
            # as its share of the wall time): on a shared machine, CPU seconds / threads is the time of idle cores
            r["cpu_seconds_collider"] = cpu_ours
            r["projected_cpu_seconds"] = r["projected_seconds"] * cpu_ours / ours["seconds"]
        rows.append(r)
        print(f"{proc:18s} {r['efficiency_flat_1TeV']:9.2e} {r['efficiency_collider']:9.2e} "
              f"{r['efficiency_collider'] / r['efficiency_flat_1TeV']:6.1f} {r['events_per_s_flat']:10.1f} "
              f"{r['events_per_s_collider']:10.1f} {r['events_per_s_collider'] / r['events_per_s_flat']:6.1f} "
              f"{r['cross_section_pb']:12.5g} +- {r['cross_section_error_pb']:.2g}", flush=True)
        if "efficiency_compare" in r:
            print(f"{'':18s} channels {args.compare_channels}: efficiency {r['efficiency_compare']:.2e} (ours / it "
                  f"{r['efficiency_collider'] / r['efficiency_compare']:.2f}), events/s {r['events_per_s_compare']:.1f}"
                  f" (ours / it {r['events_per_s_collider'] / r['events_per_s_compare']:.2f}), sigma "
                  f"{r['cross_section_compare_pb']:.5g} +- {r['cross_section_compare_error_pb']:.2g}", flush=True)
    for r in rows:
        if "goal_events" in r:
            verdict = "meets" if r["projected_seconds"] <= r["goal_seconds"] else "MISSES"
            print(f"goal {r['process']}: {r['goal_events']:.0e} events in {r['goal_seconds'] / 60:.0f} min -> "
                  f"projected {r['projected_seconds'] / 60:.1f} min ({verdict}; "
                  f"{r['projected_cpu_seconds'] / 60:.1f} CPU-min, / {args.threads} threads = "
                  f"{r['projected_cpu_seconds'] / args.threads / 60:.1f} min on idle cores): the adaptation once, "
                  f"then events / efficiency points at the measured time per point")
    print(f"load average {load0:.2f} at the start, {os.getloadavg()[0]:.2f} at the end")
    out = save_result(args.name, {"threads": args.threads, "channels": args.channels, "pair_map": args.pair_map,
                                  "load_average": [load0, os.getloadavg()[0]], "rows": rows})
    print(f"wrote {out}")
    return rows


if __name__ == "__main__":
    main()
