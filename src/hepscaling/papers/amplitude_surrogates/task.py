"""One point of paper B's sweeps: train one surrogate on the first D events of the training pool and measure it.

The sweep directory is keyed on this module's code (and what it imports: the data, the networks, the training loop),
so editing the grids, summaries or pages never invalidates finished points.

A point is ``{"model": "mlp_i" | "lloca", "loss": "mse" | "het", "D": ..., "steps": ..., "lr": ..., "repeat": r}``
plus ``"N"`` (MLP-I: target number of parameters), ``"dim": True`` (measure the intrinsic dimension) and, for LLoCa,
``"channels"``, ``"n_blocks"``, ``"n_heads"``, ``"batch_size"``.  Every run (paper §3):

* MLP-I with µP (:class:`hepscaling.models.mup.MLPI`, shape from :func:`~hepscaling.models.mup.mlp_i_shape`), Adam
  with the µP learning rates, cosine annealing to 0 over the run's own ``steps`` (eq. 22);
* validation on ⌈D/4⌉ events every ``eval_every`` steps (and at the start and the end), no early stopping; the test
  metrics are those of the best-validation weights;
* the training compute C is the FLOP count of the shared loop (:mod:`hepscaling.models.flops`: 2 FLOPs per
  multiply-add, matrix products only, forward + backward);
* ``loss="het"``: two outputs, mean and log σ², trained with the heteroscedastic loss (eq. 15); the test MSE is that
  of the mean, and the learned σ and the pulls t = (A_NN − A_true)/σ (eq. 16) are histogrammed on fixed bins.
"""
from __future__ import annotations

import functools
import json
import math

import numpy as np
import torch

from ...geometry.twonn import twonn, twonn_subsets
from ...models.mup import MLPI, mlp_i_shape
from ...models.train import train
from .data import prepare, to_me

MODELS = ("mlp_i", "lloca")
LOSSES = {"mse": "mse", "het": "heteroscedastic_nll"}
#: Fixed bins of the σ and pull histograms (Figs. 5 and 6): log10 σ and t.
SIGMA_BINS = np.linspace(-5.0, 1.0, 61)
PULL_BINS = np.linspace(-5.0, 5.0, 51)


class TaskError(ValueError):
    pass


@functools.lru_cache(maxsize=2)
def _prepared(key: str) -> dict:
    return prepare(json.loads(key))


def prepared(dcfg: dict) -> dict:
    """:func:`.data.prepare` once per process and data configuration."""
    return _prepared(json.dumps(dcfg, sort_keys=True))


def _check(point: dict, dcfg: dict) -> tuple[str, str, int, int]:
    model, loss = point.get("model"), point.get("loss")
    if model not in MODELS:
        raise TaskError(f"paper B: unknown model {model!r}; expected one of {MODELS}")
    if loss not in LOSSES:
        raise TaskError(f"paper B: unknown loss {loss!r}; expected one of {tuple(LOSSES)}")
    D, steps = int(point["D"]), int(point["steps"])
    if not 1 <= D <= dcfg["pools"]["train"]:
        raise TaskError(f"paper B: training-set size D = {D} must lie in [1, {dcfg['pools']['train']}] (the pool)")
    if steps < 1:
        raise TaskError(f"paper B: steps = {steps} must be >= 1")
    return model, loss, D, steps


def build_model(point: dict, dcfg: dict, n_in: int, n_particles: int, seed: int) -> torch.nn.Module:
    """The network of a point, its initial weights drawn from ``seed``."""
    n_out = 2 if point["loss"] == "het" else 1
    if point["model"] == "mlp_i":
        width, depth = mlp_i_shape(float(point["N"]), n_in, n_out, ratio=float(dcfg["width_ratio"]))
        return MLPI(n_in, width, depth, n_out, base_width=int(dcfg["base_width"]), activation=dcfg["activation"],
                    generator=torch.Generator().manual_seed(seed))
    from ...models.lloca import LLoCaTransformer
    return LLoCaTransformer(n_particles, channels=int(point["channels"]), n_blocks=int(point["n_blocks"]),
                            n_heads=int(point["n_heads"]), n_out=n_out, generator_seed=seed)


def _inputs(model: str, part: dict, n: int | None = None) -> torch.Tensor:
    if model == "mlp_i":
        return torch.from_numpy(part["x"][:n])
    return torch.from_numpy(np.asarray(part["momenta"][:n], dtype=np.float64))


def _predict(net, x: torch.Tensor, device: str, batch: int = 4096) -> np.ndarray:
    net.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(x), batch):
            out.append(net(x[i:i + batch].to(device)).double().cpu())
    return torch.cat(out).numpy()


def point_task(point: dict, seed: int, dcfg: dict, device: str | None = None) -> dict:
    """Train the surrogate of ``point`` (initial weights and batch order from ``seed``) and return its metrics."""
    model, loss, D, steps = _check(point, dcfg)
    data = prepared(dcfg)
    tr, va, te = data["train"], data["val"], data["test"]
    n_val = max(1, -(-D // 4))
    net = build_model(point, dcfg, tr["x"].shape[1], data["n_particles"], seed)
    bs = int(point.get("batch_size", dcfg["batch_size"]))
    lr = float(point["lr"])
    groups = net.param_groups(lr) if model == "mlp_i" else None
    fit = train(net, LOSSES[loss], (_inputs(model, tr, D), torch.from_numpy(tr["y"][:D])),
                (_inputs(model, va, n_val), torch.from_numpy(va["y"][:n_val])),
                optimizer="adam", lr=None if groups else lr, param_groups=groups, batch_size=min(bs, D), steps=steps,
                schedule="cosine", eval_every=int(dcfg["eval_every"]), seed=seed + 1, device=device, progress=False,
                n_threads=1)
    out = _predict(net, _inputs(model, te), fit.device)
    y = te["y"].astype(np.float64)
    mean = out[:, 0]
    res = y - mean
    me_nn = to_me(mean, data["scale"])
    result = {
        "mse": float(np.mean(res ** 2)), "l1": float(np.mean(np.abs(res))),
        "epsilon": float(np.sum(np.abs(me_nn - te["me"])) / np.sum(te["me"])),
        "best_val_loss": fit.best_val_loss, "best_step": fit.best_step, "steps_run": fit.steps_run,
        "flops": float(fit.flops_train), "flops_val": float(fit.flops_val), "wall_s": fit.wall_s,
        "device": fit.device, "n_params": int(sum(p.numel() for p in net.parameters())),
        "batch_size": min(bs, D), "n_val": n_val,
        "val_curve": [[h["step"], h["flops_train"], h["val_loss"]] for h in fit.history],
    }
    if model == "mlp_i":
        result.update(width=net.width, depth=net.depth)
    if loss == "het":
        sigma = np.exp(0.5 * out[:, 1])
        pulls = (mean - y) / sigma
        result.update(
            sigma_hist=np.histogram(np.log10(sigma), SIGMA_BINS)[0].tolist(),
            pull_hist=np.histogram(pulls, PULL_BINS)[0].tolist(),
            sigma_median=float(np.median(sigma)), pull_mean=float(np.mean(pulls)), pull_std=float(np.std(pulls)),
            pull_within_1=float(np.mean(np.abs(pulls) < 1)), pull_within_2=float(np.mean(np.abs(pulls) < 2)),
            pull_median_abs=float(np.median(np.abs(pulls))))
    if point.get("dim") and model == "mlp_i":
        n_dim = int(dcfg["n_dim"])
        x = torch.from_numpy(np.concatenate([tr["x"], te["x"]])[:n_dim]).to(fit.device)
        with torch.no_grad():
            feats = net.features(x).double().cpu().numpy()
        try:
            d = twonn(feats)
            _, d_err = twonn_subsets(feats, n_subsets=5, seed=seed)
        except ValueError:        # e.g. collapsed activations: every point a duplicate
            d, d_err = math.nan, math.nan
        result.update(dimension=d, dimension_err=d_err)
    return result
