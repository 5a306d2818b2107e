"""Exact EMD kNN (k = 50): lower-bound pruned search vs brute force on the same real jets and cores.

    python benchmarks/bench_emd_knn.py [--n-train 4000] [--n-query 64] [--k 50]

Prints the ratio of exact EMD solves and of wall time; writes data/benchmarks/emd_knn.json.
"""
import argparse

from hepscaling.features.benchmarks import run_emd_knn, save_result


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n-train", type=int, default=4000)
    p.add_argument("--n-query", type=int, default=64)
    p.add_argument("--k", type=int, default=50)
    a = p.parse_args()
    r = run_emd_knn(a.n_train, a.n_query, a.k)
    print(f"EMD kNN, k={r['k']}, {r['n_train']} training x {r['n_query']} query real jets, {r['cores']} cores")
    print(f"  exact solves: {r['exact_solves']} vs brute force {r['brute_force_solves']}  ->  {r['solve_ratio']:.1f}x fewer")
    print(f"  wall time:    {r['knn_s']:.1f} s vs brute force {r['brute_force_s']:.1f} s  ->  {r['wall_ratio']:.1f}x faster")
    print(f"  same neighbours and distances as brute force: {r['same_as_brute_force']}")
    print("  written:", save_result("emd_knn", r))


if __name__ == "__main__":  # worker processes re-import this file
    main()
