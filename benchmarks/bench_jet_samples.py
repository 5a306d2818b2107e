"""Benchmark: cost of the JetClass-like and AOJ-like jets per class against Pythia alone, measured in the same run.

For every JetClass-like class (its first variant) and every AOJ-like component, with the default settings:

* anchor — Pythia alone: ``nextBatch`` of the same process with the same seed, CPU seconds per event;
* full pipeline — :func:`hepscaling.data.jetgen.generate` (Pythia, truth, detector, anti-kT, selection and
  matching, soft drop, N-subjettiness): CPU seconds per event and per selected jet, and the efficiency (selected
  jets per generated event).

RATIO = (full pipeline CPU per event) / (Pythia CPU per event): what the detector-level jets cost on top of the
events themselves.  CPU time of this process is used (robust when other jobs share the cores); Pythia's
initialisation is reported separately (it is paid once per shard and variant).  At the end: the CPU time the
quick-profile sizes would take, from these rates, and the mean constituent multiplicities of AOJ-like QCD and
JetClass-like QCD jets (the paper: ~50 and ~30).

    python benchmarks/bench_jet_samples.py [--jets 200] [--classes QCD,Tbqq] [--components QCD,W]
"""
from __future__ import annotations

import argparse
import time


def measure(proc, selection, n_jets, seed, expected_yield):
    from hepscaling.data.jetgen import generate, make_pythia
    from hepscaling.jets._quiet import quiet_stdout

    c0 = time.process_time()
    jets, st = generate(proc, n_jets, seed, selection, expected_yield=expected_yield)
    cpu_full = time.process_time() - c0
    n_events = st["n_events"]
    # Pythia alone: the same process, seed and number of events
    c0 = time.process_time()
    py = make_pythia(proc, seed, selection)
    cpu_init = time.process_time() - c0
    c0 = time.process_time()
    done = 0
    while done < n_events:
        k = min(selection.batch_events, n_events - done)
        with quiet_stdout():
            py.nextBatch(k)
        done += k
    cpu_pythia = time.process_time() - c0
    cpu_full_run = cpu_full - cpu_init  # the same initialisation is inside the full run
    return jets, {"events": n_events, "jets_selected": st["n_jets_selected"], "eff": st["jets_per_event"],
                  "cpu_init": cpu_init, "pythia_ms_per_event": 1e3 * cpu_pythia / n_events,
                  "full_ms_per_event": 1e3 * cpu_full_run / n_events,
                  "full_ms_per_jet": 1e3 * cpu_full_run / st["n_jets_selected"],
                  "ratio": cpu_full_run / cpu_pythia, "sigma_pb": st.get("sigma_pb", 0.0)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jets", type=int, default=200, help="selected jets per class / component")
    ap.add_argument("--classes", default=None, help="JetClass-like labels, comma-separated (default: all ten)")
    ap.add_argument("--components", default=None, help="AOJ-like components, comma-separated (default: all five)")
    ap.add_argument("--quick-jetclass", type=int, default=1500, help="jets per class of the quick profile")
    ap.add_argument("--quick-aoj", type=int, default=20000, help="AOJ-like jets of the quick profile")
    a = ap.parse_args(argv)

    import numpy as np

    from hepscaling.data import aspen_like as AL
    from hepscaling.data import jetclass_like as JL
    from hepscaling.data.jetgen import stream_seed

    with __import__("hepscaling.jets._quiet", fromlist=["quiet_stdout"]).quiet_stdout():
        import fastjet  # noqa: F401  (import and numba compile costs are not part of any class)
    from hepscaling.jets.softdrop import softdrop_mass
    softdrop_mass([1.0, 1.0], [0.0, 0.1], [0.0, 0.0], [1.0, 1.01], [0, 2])

    classes = a.classes.split(",") if a.classes else list(JL.CLASSES)
    comps = a.components.split(",") if a.components else list(AL.COMPONENTS)
    rows, mult = {}, {}
    jsel = JL.JetClassLikeSettings().selection
    print(f"{'sample':18s} {'events':>7s} {'jets/ev':>8s} {'Pythia ms/ev':>12s} {'full ms/ev':>10s} "
          f"{'ms/jet':>7s} {'RATIO':>6s} {'init s':>6s}")
    for c in classes:
        jets, r = measure(JL.CLASSES[c][0], jsel, a.jets, stream_seed("bench", c), 0.4)
        rows[f"JetClass {c}"] = r
        mult[f"JetClass {c}"] = jets.jets["nparticles"]
        print(f"{'JetClass ' + c:18s} {r['events']:7d} {r['eff']:8.3f} {r['pythia_ms_per_event']:12.2f} "
              f"{r['full_ms_per_event']:10.2f} {r['full_ms_per_jet']:7.1f} {r['ratio']:6.2f} {r['cpu_init']:6.2f}",
              flush=True)
    asel = AL.AspenLikeSettings().selection
    for c in comps:
        jets, r = measure(AL.COMPONENTS[c], asel, a.jets, stream_seed("bench", "aoj", c), 1.0)
        rows[f"AOJ {c}"] = r
        mult[f"AOJ {c}"] = jets.jets["nparticles"]
        print(f"{'AOJ ' + c:18s} {r['events']:7d} {r['eff']:8.3f} {r['pythia_ms_per_event']:12.2f} "
              f"{r['full_ms_per_event']:10.2f} {r['full_ms_per_jet']:7.1f} {r['ratio']:6.2f} {r['cpu_init']:6.2f}",
              flush=True)
    tot_pythia = sum(r["pythia_ms_per_event"] * r["events"] for r in rows.values())
    tot_full = sum(r["full_ms_per_event"] * r["events"] for r in rows.values())
    print(f"OVERALL RATIO (full pipeline / Pythia alone, CPU, all samples) = {tot_full / tot_pythia:.2f}")
    # the quick profile from these rates
    jc = [f"JetClass {c}" for c in classes]
    init = {k: r["cpu_init"] for k, r in rows.items()}
    if len(jc) == len(JL.CLASSES):
        n_variants = sum(len(v) for v in JL.CLASSES.values())
        shards = -(-a.quick_jetclass // JL.JetClassLikeSettings().jets_per_shard)
        cpu_jc = sum(a.quick_jetclass * rows[k]["full_ms_per_jet"] / 1e3 for k in jc) + \
            shards * n_variants * np.mean([init[k] for k in jc])
        print(f"quick JetClass-like ({a.quick_jetclass} jets x 10 classes): ~{cpu_jc:.0f} CPU s")
    if "AOJ QCD" in rows:
        st = AL.AspenLikeSettings()
        shards = -(-a.quick_aoj // st.jets_per_shard)
        cpu_aoj = a.quick_aoj * rows["AOJ QCD"]["full_ms_per_jet"] / 1e3 + shards * 3 * init["AOJ QCD"]
        cpu_cal = sum(st.calibration_events * rows[f"AOJ {c}"]["full_ms_per_event"] / 1e3 + init[f"AOJ {c}"]
                      for c in comps)
        print(f"quick AOJ-like ({a.quick_aoj} jets): ~{cpu_aoj:.0f} CPU s + calibration ~{cpu_cal:.0f} CPU s")
    for k in ("AOJ QCD", "JetClass QCD"):
        if k in mult:
            m = mult[k]
            print(f"mean constituents {k}: {m.mean():.1f} +- {m.std() / np.sqrt(len(m)):.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
