"""Training throughput of the shared loop (:func:`hepscaling.models.train.train`) vs a plain PyTorch loop.

    .venv/bin/python benchmarks/bench_train.py [--steps 200] [--repeats 21] [--threads 1] [--profile]

Same MLPI (muP groups), same random data, same batches (the same shuffling seed: both loops draw the same
permutations, so they end on bitwise-identical weights, checked), same number of Adam steps with a cosine schedule:

* plain: ``randperm`` per epoch, index a batch, ``zero_grad / mse_loss / backward / step``, set each group's lr by
  hand; no validation, no bookkeeping;
* shared: ``train(model, "mse", train, val, param_groups=..., schedule="cosine", eval_every=k, progress=False)``,
  i.e. with everything it does besides (FLOP counting, running train loss, validation on a small set every ``k``
  steps, best-weights checkpoints; ``restore_best=False`` so that the final weights can be compared).

Each repeat runs the two back to back (alternating which goes first); samples/s are medians over repeats, and the
overhead is the median over repeats of the paired ratio ``t_shared / t_plain - 1`` in wall-clock and in CPU (process)
time -- on a shared machine the load drifts within seconds, and the paired median is what stays put (the ratio of the
best runs is reported too).  Goal (issue): overhead < 10 %.  Writes
``data/benchmarks/train_loop.json``.  ``--profile`` prints where the shared loop's extra time goes.
"""
from __future__ import annotations

import argparse
import copy
import math
import os
import statistics
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see bench_amplitudes.py: no spinning threads on a shared box

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from hepscaling.features.benchmarks import save_result  # noqa: E402
from hepscaling.models.mup import MLPI, mlp_i_shape  # noqa: E402
from hepscaling.models.train import train  # noqa: E402

N_IN = 10  # u u~ > t t~ h: 5 particles, 10 invariants log p_i.p_j


def plain_loop(model, groups, X, Y, steps: int, batch_size: int, seed: int) -> None:
    """Minimal hand-written Adam + cosine loop (per-group lrs), the same batches as train(seed=seed)."""
    opt = torch.optim.Adam(groups)
    lr0 = [g["lr"] for g in opt.param_groups]
    gen = torch.Generator().manual_seed(seed)
    n, step = len(X), 0
    model.train()
    while step < steps:
        perm = torch.randperm(n, generator=gen)
        for i in range(0, n, batch_size):
            idx = perm[i:i + batch_size]
            opt.zero_grad(set_to_none=True)
            F.mse_loss(model(X[idx]), Y[idx]).backward()
            opt.step()
            step += 1
            f = 0.5 * (1.0 + math.cos(math.pi * step / steps))
            for g, lr in zip(opt.param_groups, lr0):
                g["lr"] = lr * f
            if step == steps:
                return


def shared_loop(model, groups, X, Y, Xv, Yv, steps: int, batch_size: int, seed: int, eval_every: int):
    return train(model, "mse", (X, Y), (Xv, Yv), param_groups=groups, schedule="cosine", steps=steps,
                 batch_size=batch_size, eval_every=eval_every, seed=seed, device="cpu", progress=False,
                 restore_best=False)


def _timed(fn):
    t, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t, time.process_time() - c


def measure(n_params: float, batch_size: int, steps: int, repeats: int, eval_every: int, n_train: int = 16384,
            n_val: int = 1024, lr: float = 1e-3, seed: int = 0) -> dict:
    width, depth = mlp_i_shape(n_params, N_IN)
    g = torch.Generator().manual_seed(seed)
    X, Y = torch.randn(n_train, N_IN, generator=g), torch.randn(n_train, 1, generator=g)
    Xv, Yv = torch.randn(n_val, N_IN, generator=g), torch.randn(n_val, 1, generator=g)
    init = MLPI(N_IN, width, depth, generator=g)
    runs = {"plain": [], "shared": []}
    finals = {}
    for r in range(repeats + 1):  # repeat 0 is a warm-up (first-call costs of autograd and Adam), not counted
        for kind in (("plain", "shared") if r % 2 else ("shared", "plain")):
            model = copy.deepcopy(init)
            groups = model.param_groups(lr)
            if kind == "plain":
                t = _timed(lambda: plain_loop(model, groups, X, Y, steps, batch_size, seed))
            else:
                t = _timed(lambda: shared_loop(model, groups, X, Y, Xv, Yv, steps, batch_size, seed, eval_every))
            if r:
                runs[kind].append(t)
            finals[kind] = model
    same = all(torch.equal(p, q) for p, q in zip(finals["plain"].parameters(), finals["shared"].parameters()))
    samples = steps * batch_size
    med = lambda v: float(statistics.median(v))  # noqa: E731
    wall = {k: [w for w, _ in v] for k, v in runs.items()}
    cpu = {k: [c for _, c in v] for k, v in runs.items()}
    return {"n_params_target": n_params, "n_params": init.n_params, "width": width, "depth": depth,
            "batch_size": batch_size, "steps": steps, "repeats": repeats, "eval_every": eval_every,
            "n_train": n_train, "n_val": n_val,
            "plain_samples_per_s": samples / med(wall["plain"]), "shared_samples_per_s": samples / med(wall["shared"]),
            "plain_samples_per_cpu_s": samples / med(cpu["plain"]),
            "shared_samples_per_cpu_s": samples / med(cpu["shared"]),
            # each repeat runs the two loops back to back: the median of the paired ratios is robust to load drifts
            "overhead_wall": med([s / p for s, p in zip(wall["shared"], wall["plain"])]) - 1,
            "overhead_cpu": med([s / p for s, p in zip(cpu["shared"], cpu["plain"])]) - 1,
            "overhead_wall_best": min(wall["shared"]) / min(wall["plain"]) - 1,
            "overhead_cpu_best": min(cpu["shared"]) / min(cpu["plain"]) - 1,
            "runs_wall_s": wall, "runs_cpu_s": cpu, "same_final_weights": same}


def profile(n_params: float, batch_size: int, steps: int, eval_every: int) -> None:
    """cProfile of one shared-loop run: the functions of train.py, flops.py, losses.py and torch.optim."""
    import cProfile
    import pstats

    width, depth = mlp_i_shape(n_params, N_IN)
    g = torch.Generator().manual_seed(0)
    X, Y = torch.randn(16384, N_IN, generator=g), torch.randn(16384, 1, generator=g)
    Xv, Yv = torch.randn(1024, N_IN, generator=g), torch.randn(1024, 1, generator=g)
    model = MLPI(N_IN, width, depth, generator=g)
    twin = copy.deepcopy(model)  # warm-up run: first-call costs of autograd and Adam
    shared_loop(twin, twin.param_groups(1e-3), X, Y, Xv, Yv, 20, batch_size, 0, eval_every)
    pr = cProfile.Profile()
    pr.enable()
    shared_loop(model, model.param_groups(1e-3), X, Y, Xv, Yv, steps, batch_size, 0, eval_every)
    pr.disable()
    pstats.Stats(pr).sort_stats("tottime").print_stats(25)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=21)
    ap.add_argument("--eval-every", type=int, default=100)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--configs", nargs="*", default=["1e4:256", "1e5:256", "1e5:1024"],
                    help="N:batch_size pairs")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--no-save", action="store_true")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), cpu, load average before: "
          f"{os.getloadavg()[0]:.2f}; {args.steps} steps x {args.repeats} repeats, val every {args.eval_every} steps")
    print(f"{'N':>7s} {'w x d':>8s} {'batch':>5s} {'plain samples/s':>15s} {'shared samples/s':>16s} "
          f"{'overhead: wall':>14s} {'cpu':>6s} {'best wall':>9s} {'best cpu':>8s}  same weights")
    rows = []
    for cfg in args.configs:
        n, bs = cfg.split(":")
        r = measure(float(n), int(bs), args.steps, args.repeats, args.eval_every)
        rows.append(r)
        print(f"{r['n_params']:7d} {r['width']:4d}x{r['depth']:<3d} {r['batch_size']:5d} "
              f"{r['plain_samples_per_s']:15,.0f} {r['shared_samples_per_s']:16,.0f} {100 * r['overhead_wall']:13.1f}% "
              f"{100 * r['overhead_cpu']:5.1f}% {100 * r['overhead_wall_best']:8.1f}% "
              f"{100 * r['overhead_cpu_best']:7.1f}%  {r['same_final_weights']}", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    worst = max(r["overhead_wall"] for r in rows)
    print(f"goal: shared loop < 10 % extra -> {'met' if worst < 0.10 else 'MISSED'} (worst {100 * worst:.1f} %)")
    if not args.no_save:
        print("  written:", save_result("train_loop", {"benchmark": "train_loop", "threads": args.threads,
                                                        "goal_overhead": 0.10, "rows": rows}))
    if args.profile:
        n, bs = args.configs[0].split(":")
        profile(float(n), int(bs), args.steps, args.eval_every)
    return rows


if __name__ == "__main__":
    main()
