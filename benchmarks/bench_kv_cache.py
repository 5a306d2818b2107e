"""Jet generation with the KV cache vs without it: :func:`hepscaling.models.jet_gpt.generate`, same model, same seeds.

    .venv/bin/python benchmarks/bench_kv_cache.py [--configs quick paper] [--jets 128] [--repeats 3] [--threads 1]

For each model shape (``quick``: 512 codes, d_model 128, 4 layers, 4 heads, 64 constituents; ``paper``-like: 8192 codes,
d_model 256, 3 layers, 8 heads, 128 constituents: OmniJet-α's backbone) one randomly initialised :class:`JetGPT` (seed
0) samples ``--jets`` jets at temperature 1, once re-running the whole prefix at every step (``use_kv_cache=False``) and
once feeding one token per step against the cached keys/values (``use_kv_cache=True``), with the same seed. An untrained
model rarely draws the stop token (1 in n_codes + 1), so its jets run to the full length: the longest, costliest
sequences, where the cache matters most (cost per jet ~ L^2 without, ~ L with).

The tokens must be identical (asserted; the run fails otherwise).  Each repeat runs the two back to back
(alternating which goes first); jets/s are medians over repeats and the speed-up is the median of the paired ratios
``t_uncached / t_cached`` (robust to load drifts on a shared machine).  Writes ``data/benchmarks/kv_cache.json``.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see bench_amplitudes.py: no spinning threads on a shared box

import torch  # noqa: E402

from hepscaling.features.benchmarks import save_result  # noqa: E402
from hepscaling.models.jet_gpt import JetGPT, generate, n_params  # noqa: E402

CONFIGS = {
    "quick": dict(n_codes=512, d_model=128, n_layers=4, n_heads=4, max_constituents=64),
    "paper": dict(n_codes=8192, d_model=256, n_layers=3, n_heads=8, max_constituents=128),
}


def measure(name: str, n_jets: int, repeats: int, batch_size: int, device: str, seed: int = 0) -> dict:
    cfg = dict(CONFIGS[name])
    L = cfg.pop("max_constituents")
    torch.manual_seed(seed)
    model = JetGPT(max_len=L + 2, **cfg).to(device)
    runs = {"cached": [], "uncached": []}
    tokens = {}
    identical = True
    for r in range(repeats + 1):   # repeat 0: warm-up (first-call costs), not counted
        for kind in (("cached", "uncached") if r % 2 else ("uncached", "cached")):
            if device.startswith("cuda"):
                torch.cuda.synchronize()
            t = time.perf_counter()
            out = generate(model, n_jets, max_len=L, seed=seed + 1, use_kv_cache=(kind == "cached"),
                           batch_size=batch_size, device=device)
            if device.startswith("cuda"):
                torch.cuda.synchronize()
            dt = time.perf_counter() - t
            if r:
                runs[kind].append(dt)
            tokens[kind] = out
        identical &= torch.equal(tokens["cached"], tokens["uncached"])
    med = lambda v: float(statistics.median(v))  # noqa: E731
    n_tok = int((tokens["cached"] >= 0).sum()) + int((tokens["cached"] < 0).any(1).sum())  # codes + stops drawn
    return {"config": name, **CONFIGS[name], "n_params": n_params(model), "n_jets": n_jets, "batch_size": batch_size,
            "repeats": repeats, "device": device, "tokens_drawn": n_tok,
            "mean_codes_per_jet": float((tokens["cached"] >= 0).sum(1).float().mean()),
            "cached_jets_per_s": n_jets / med(runs["cached"]), "uncached_jets_per_s": n_jets / med(runs["uncached"]),
            "speedup": med([u / c for u, c in zip(runs["uncached"], runs["cached"])]),
            "speedup_best": min(runs["uncached"]) / min(runs["cached"]),
            "identical_tokens": bool(identical), "runs_s": runs}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--configs", nargs="*", default=["quick"], choices=sorted(CONFIGS))
    ap.add_argument("--jets", type=int, default=128)
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--no-save", action="store_true")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), {args.device}, load average before: "
          f"{os.getloadavg()[0]:.2f}; {args.jets} jets x {args.repeats} repeats")
    print(f"{'config':>7s} {'params':>9s} {'L':>4s} {'codes/jet':>9s} {'uncached jets/s':>15s} "
          f"{'cached jets/s':>13s} {'speed-up':>8s} {'best':>6s}  identical tokens")
    rows = []
    for name in args.configs:
        r = measure(name, args.jets, args.repeats, args.batch_size, args.device)
        rows.append(r)
        print(f"{name:>7s} {r['n_params']:9d} {r['max_constituents']:4d} {r['mean_codes_per_jet']:9.1f} "
              f"{r['uncached_jets_per_s']:15.1f} {r['cached_jets_per_s']:13.1f} {r['speedup']:7.1f}x "
              f"{r['speedup_best']:5.1f}x  {r['identical_tokens']}", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    ok = all(r["identical_tokens"] for r in rows)
    if not args.no_save:
        print("  written:", save_result("kv_cache", {"benchmark": "kv_cache", "threads": args.threads, "rows": rows}))
    if not ok:
        raise SystemExit("FAILED: cached and uncached sampling drew different tokens")
    return rows


if __name__ == "__main__":
    main()
