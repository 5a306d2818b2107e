"""EFPs (d <= 6, 313 per jet): hepscaling vs energyflow on the same real jets and cores.

    python benchmarks/bench_efp.py [--n-jets 64] [--dmax 6]

Prints the throughput ratio and writes data/benchmarks/efp.json (shown on the features chapter page).
"""
import argparse

from hepscaling.features.benchmarks import run_efp, save_result


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n-jets", type=int, default=64)
    p.add_argument("--dmax", type=int, default=6)
    a = p.parse_args()
    r = run_efp(a.n_jets, a.dmax)
    print(f"EFP d<={r['dmax']} ({r['n_efp']} EFPs), {r['n_jets']} real jets (mean multiplicity "
          f"{r['mean_multiplicity']:.0f}), {r['cores']} cores")
    print(f"  energyflow: {r['energyflow_ms_per_jet']:.1f} ms/jet ({r['energyflow_ms_per_jet_core']:.0f} ms/jet/core)")
    print(f"  hepscaling: {r['ours_ms_per_jet']:.2f} ms/jet")
    print(f"  speedup: {r['speedup']:.1f}x on {r['cores']} cores, {r['speedup_1core']:.1f}x on one core   "
          f"(max relative difference {r['max_rel_diff']:.1e})")
    print("  written:", save_result("efp", r))


if __name__ == "__main__":  # worker processes re-import this file
    main()
