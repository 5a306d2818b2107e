"""One point of paper D's sweeps: train one set transformer on D JetClass-like jets and measure its test loss.

The sweep directory is keyed on this module's code (and what it imports: the data, the network, the training
loop), so editing the grids, summaries or pages never invalidates finished points.

A point is ``{"N": target non-embedding parameters, "D": unique training jets, "epochs": passes over them,
"feature_set": ..., "max_particles": ..., "repeat": r}``.  Every run:

* :class:`hepscaling.models.set_transformer.SetTransformer` of the shape :func:`set_transformer_shape` gives for N
  (class token, no dropout), inputs standardised on its own training jets;
* AdamW (weight decay on weight matrices only), cosine schedule to 0 over ``ceil(epochs · D / batch)`` steps, 10-class
  cross-entropy; validation every ``eval_every`` steps, best-validation weights;
* the test loss is the mean cross-entropy (nats) on the test jets; C is the training FLOP count of the shared loop
  (2 per multiply-add, matrix products, forward + backward, padded slots included).
"""
from __future__ import annotations

import functools
import json
import math

import numpy as np
import torch
import torch.nn.functional as F

from ...models.set_transformer import SetTransformer, set_transformer_shape
from ...models.train import train
from .data import split_inputs

N_CLASSES = 10


class TaskError(ValueError):
    pass


@functools.lru_cache(maxsize=4)
def _inputs(key: str) -> dict:
    dcfg, feature_set, cap, rows = json.loads(key)
    return {s: split_inputs(dcfg, s, feature_set, cap, rows.get(s)) for s in ("train", "val", "test")}


def inputs(dcfg: dict, feature_set: str, max_particles: int, rows: dict | None = None) -> dict:
    """The three splits' inputs, once per process, data configuration, feature set, cap and ``rows`` (``{split:
    number of jets}``, the first ones of the shuffled split; a split not named: all of it)."""
    return _inputs(json.dumps([dcfg, feature_set, int(max_particles), rows or {}], sort_keys=True))


def build_model(N: float, n_features: int, max_particles: int, dcfg: dict, seed: int) -> SetTransformer:
    shape = set_transformer_shape(float(N), ratio=float(dcfg["width_ratio"]), head_dim=int(dcfg["head_dim"]),
                                  ff_mult=int(dcfg["ff_mult"]), n_classes=N_CLASSES)
    return SetTransformer(n_features, **shape, n_classes=N_CLASSES, n_particles=int(max_particles), pooling="cls",
                          generator=torch.Generator().manual_seed(int(seed)))


def _tensors(part: dict, n: int | None = None):
    return (torch.from_numpy(part["x"][:n]), torch.from_numpy(part["mask"][:n]), torch.from_numpy(part["y"][:n]))


def test_metrics(net: SetTransformer, part: dict, device: str, n: int | None = None, batch: int = 1024) -> dict:
    """Mean cross-entropy (nats) and accuracy of ``net`` on the first ``n`` jets of ``part``."""
    x, m, y = _tensors(part, n)
    net.eval()
    loss, correct = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(y), batch):
            out = net(x[i:i + batch].to(device), m[i:i + batch].to(device)).double().cpu()
            loss += float(F.cross_entropy(out, y[i:i + batch], reduction="sum"))
            correct += int((out.argmax(1) == y[i:i + batch]).sum())
    return {"test_loss": loss / len(y), "accuracy": correct / len(y)}


def run_point(point: dict, seed: int, data: dict, dcfg: dict, device: str | None = None) -> dict:
    """Train the network of ``point`` on ``data`` (``{"train"|"val"|"test": {"x", "mask", "y"}}``) and measure it."""
    D, epochs = int(point["D"]), int(point.get("epochs", 1))
    tr, va, te = data["train"], data["val"], data["test"]
    if not 1 <= D <= len(tr["y"]):
        raise TaskError(f"paper D: training-set size D = {D} must lie in [1, {len(tr['y'])}] (the training split)")
    if epochs < 1:
        raise TaskError(f"paper D: epochs = {epochs} must be >= 1")
    cap = tr["x"].shape[1]
    net = build_model(point["N"], tr["x"].shape[2], cap, dcfg, seed)
    xt, mt, yt = _tensors(tr, D)
    net.init_standardization(xt, mt)
    bs = min(int(dcfg["batch_size"]), D)
    steps = max(1, math.ceil(epochs * D / bs))
    n_val, n_test = int(dcfg["n_val"]), int(dcfg["n_test"])
    fit = train(net, F.cross_entropy, (xt, mt, yt), _tensors(va, n_val), optimizer="adamw", lr=float(dcfg["lr"]),
                param_groups=net.param_groups(weight_decay=float(dcfg["weight_decay"])), batch_size=bs, steps=steps,
                schedule="cosine", eval_every=int(dcfg["eval_every"]), seed=seed + 1, device=device, progress=False,
                n_threads=1 if device in (None, "cpu") and not torch.cuda.is_available() else None, fused=True)
    result = test_metrics(net, te, fit.device, n_test)
    result.update(n_params=int(net.n_params), n_params_total=int(net.n_params_total), d_model=net.d_model,
                  n_blocks=net.n_blocks, n_heads=net.n_heads, steps_run=fit.steps_run, batch_size=bs,
                  samples_seen=int(fit.samples_seen), flops=float(fit.flops_train), flops_val=float(fit.flops_val),
                  best_val_loss=float(fit.best_val_loss), best_step=int(fit.best_step), wall_s=float(fit.wall_s),
                  device=fit.device, val_curve=[[h["step"], h["flops_train"], h["val_loss"]] for h in fit.history])
    return result


def inputs_key(feature_set: str, max_particles: int) -> str:
    """The key of a feature set and cap in :func:`point_task`'s ``rows``."""
    return f"{feature_set}/{int(max_particles)}"


def point_task(point: dict, seed: int, dcfg: dict, rows: dict | None = None, device: str | None = None) -> dict:
    """Sweep task: the inputs of the point's feature set and cap, then :func:`run_point`.  ``rows``: ``{inputs_key:
    {split: jets}}``, the rows computed for the chapter (:func:`~.grids.chapter_inputs`; None: whole splits).  The
    result does not depend on it: a run reads the first D training jets, the first n_val and n_test of the others."""
    fs, cap = point["feature_set"], int(point["max_particles"])
    return run_point(point, seed, inputs(dcfg, fs, cap, (rows or {}).get(inputs_key(fs, cap))), dcfg, device)
