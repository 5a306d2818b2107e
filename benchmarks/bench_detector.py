"""Benchmark: cost of the parametrised detector (hepscaling.detector) per event, as a ratio to Pythia's own generation.

Both are measured in the same run on the same events: Pythia 8 generates batches (``Pythia.nextBatch``, the anchor:
its generation including the conversion to awkward arrays) with the local generator's settings
(``hepscaling.data.pythia.GeneratorSettings``: 14 TeV, MPI off, 500 < pTHat < 700 GeV); then
``particles_from_pythia`` (visible final state with production vertices) and ``simulate`` with each card run on the
same batches.  CPU time of this process (robust when other jobs share the cores); wall time is printed as well.
Target: detector (particles_from_pythia + simulate) / Pythia <= 0.15 per event.

    python benchmarks/bench_detector.py [--events 2000] [--batch 400] [--process qcd] [--cards cms delphes_atlas]
"""
from __future__ import annotations

import argparse
import os
import sys
import time


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=400)
    ap.add_argument("--process", default="qcd", choices=("qcd", "top"))
    ap.add_argument("--seed", type=int, default=12345)
    ap.add_argument("--cards", nargs="+", default=["cms", "delphes_atlas"])
    a = ap.parse_args(argv)

    import awkward as ak

    from hepscaling import detector as D
    from hepscaling.data import pythia as P
    from hepscaling.jets._quiet import quiet_stdout

    py = P.make_pythia(a.process, a.seed)
    for c in a.cards:  # one-off costs (card and cell-grid construction, imports) are not per-event work
        D.simulate(D.particles_from_pythia(py.nextBatch(5)), c, seed=0)
    cpu = {"pythia": 0.0, "from_pythia": 0.0, **{c: 0.0 for c in a.cards}}
    wall = dict.fromkeys(cpu, 0.0)
    n_events = n_particles = 0
    n_cand = dict.fromkeys(a.cards, 0)
    i = 0
    while n_events < a.events:
        want = min(a.batch, a.events - n_events)
        t, c = time.perf_counter(), time.process_time()
        with quiet_stdout():
            batch = py.nextBatch(want)
        wall["pythia"] += time.perf_counter() - t
        cpu["pythia"] += time.process_time() - c
        t, c = time.perf_counter(), time.process_time()
        parts = D.particles_from_pythia(batch)
        wall["from_pythia"] += time.perf_counter() - t
        cpu["from_pythia"] += time.process_time() - c
        for card in a.cards:
            t, c = time.perf_counter(), time.process_time()
            out = D.simulate(parts, card, seed=i)
            wall[card] += time.perf_counter() - t
            cpu[card] += time.process_time() - c
            n_cand[card] += int(ak.sum(ak.num(out)))
        n_events += len(batch)
        n_particles += int(ak.sum(ak.num(parts)))
        i += 1
    per = {k: 1e3 * v / n_events for k, v in cpu.items()}
    print(f"{n_events} {a.process} events in batches of {a.batch}, {n_particles / n_events:.0f} visible particles "
          f"per event, on {os.cpu_count()} cores (1 process)")
    print(f"Pythia generation (anchor): {per['pythia']:.3f} ms CPU/event ({n_events / cpu['pythia']:.0f} events/s)")
    print(f"particles_from_pythia:      {per['from_pythia']:.3f} ms CPU/event (ratio "
          f"{cpu['from_pythia'] / cpu['pythia']:.3f})")
    worst = 0.0
    for card in a.cards:
        r = (cpu[card] + cpu["from_pythia"]) / cpu["pythia"]
        rw = (wall[card] + wall["from_pythia"]) / wall["pythia"]
        worst = max(worst, r)
        print(f"simulate({card!r}): {per[card]:.3f} ms CPU/event, {n_cand[card] / n_events:.0f} candidates/event; "
              f"DETECTOR RATIO (CPU, with particles_from_pythia) = {r:.3f} (wall {rw:.3f})")
    print(f"target <= 0.15: {'PASS' if worst <= 0.15 else 'FAIL'}  (no Python loop over events or particles: "
          f"every step is numpy over the whole batch)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
