"""LOT embedding: hepscaling vs a plain per-jet POT loop on the same real jets.

    python benchmarks/bench_lot.py [--n-jets 3000] [--n-ref 225]

Prints jets/s for both and their ratio; writes data/benchmarks/lot.json.
"""
import argparse

from hepscaling.features.benchmarks import run_lot, save_result


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n-jets", type=int, default=3000)
    p.add_argument("--n-ref", type=int, default=225)
    a = p.parse_args()
    r = run_lot(a.n_jets, a.n_ref)
    print(f"LOT, n_ref={r['n_ref']}, {r['n_jets']} real jets, {r['cores']} cores")
    print(f"  POT loop:   {r['pot_loop_jets_per_s']:.0f} jets/s")
    print(f"  hepscaling: {r['ours_jets_per_s']:.0f} jets/s ({r['cores']} processes), "
          f"{r['ours_1proc_jets_per_s']:.0f} jets/s (1 process)")
    print(f"  speedup: {r['speedup']:.1f}x, {r['speedup_1proc']:.1f}x on one core   "
          f"(max abs difference {r['max_abs_diff']:.1e})")
    print("  written:", save_result("lot", r))


if __name__ == "__main__":  # worker processes re-import this file
    main()
