"""The training loop of every neural network of the book.

:func:`train` fits a model by mini-batch gradient descent (Adam or AdamW) on ``(inputs..., targets)`` tensors:

* **Batches.** Each epoch draws ``torch.randperm(n, generator=generator)`` and walks the permutation in batches of
  ``batch_size``, the last partial batch included.  A run lasts ``epochs`` epochs or ``steps`` optimiser steps
  (the last epoch of a ``steps`` run may be partial).
* **Learning rates.** ``param_groups`` (a list of dicts as torch optimisers take them: e.g. one learning rate per
  group for muP) or one group with ``lr``.  ``schedule="cosine"`` multiplies every group's own initial learning rate
  by ``(1 + cos(pi t / T)) / 2`` at step ``t`` of a run of ``T`` steps (paper B, eq. 22); ``"constant"`` keeps it.
* **Validation and early stopping.** The mean loss on ``val_data`` (eval mode, no gradients, in batches of
  ``val_batch_size``) is evaluated before training (step 0), every ``eval_every`` steps (default: at the end of every
  epoch) and at the end.  A strict improvement by more than ``min_delta`` checkpoints the weights (a copy of the
  ``state_dict``); ``patience`` evaluations in a row without one stop the run; with ``restore_best`` the best
  weights are loaded back at the end.
* **Compute.** ``flops_train`` is the sum over the steps taken of each step's forward + backward FLOPs for that
  step's batch size, ``flops_val`` the forward FLOPs of every validation pass (convention and methods:
  :mod:`hepscaling.models.flops`).
* **Reproducibility.** Shuffling draws only from ``generator`` (or a new one seeded by ``seed``): the same seed, model
  and data give identical results on CPU.  Stochastic layers (dropout) draw from torch's global generator.
* **Device.** CUDA when available and ``device=None``, else CPU; data are moved to the device once.

The model is trained in place and left in eval mode on the device.
"""
from __future__ import annotations

import math
import numbers
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

import torch
from torch import nn

from ..progress import progress as progress_bar
from .flops import StepFlops
from .losses import get_loss

__all__ = ["TrainResult", "train", "evaluate", "pick_device", "cosine_factor", "OPTIMIZERS", "SCHEDULES"]

OPTIMIZERS = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW}
SCHEDULES = ("constant", "cosine")


@dataclass
class TrainResult:
    """What :func:`train` did.

    * ``best_step`` / ``best_epoch``: optimiser steps / epochs begun at the best evaluation (0 = before training);
      without validation data (or if every validation loss is nan) the end of the run, and ``best_val_loss`` is nan.
    * ``steps_run``, ``epochs_run`` (epochs begun: a partial last epoch of a ``steps`` run counts), ``samples_seen``.
    * ``stopped_early``: patience ran out before the planned number of steps.
    * ``history``: one dict per evaluation with ``step``, ``epoch`` (epochs begun), ``val_loss`` (nan without
      validation data), ``train_loss`` (mean training batch loss since the previous evaluation; nan at step 0),
      ``lr`` (the first group's learning rate for the next step), ``lrs`` (every group's), ``samples_seen`` and
      ``flops_train`` (cumulative).
    * ``flops_train``, ``flops_val``, ``flops_method`` (``"analytic"`` or ``"measured"``): convention of
      :mod:`hepscaling.models.flops`.
    * ``wall_s``: wall-clock seconds of the whole call; ``device``: where it ran."""
    best_step: int
    best_epoch: int
    best_val_loss: float
    steps_run: int
    epochs_run: int
    stopped_early: bool
    history: list[dict] = field(default_factory=list)
    flops_train: int = 0
    flops_val: int = 0
    flops_method: str = "analytic"
    samples_seen: int = 0
    wall_s: float = 0.0
    device: str = "cpu"


def pick_device(device: str | None = None) -> str:
    """``device`` if given, else ``"cuda"`` when torch sees a GPU, else ``"cpu"``."""
    if device is not None:
        return str(device)
    return "cuda" if torch.cuda.is_available() else "cpu"


def cosine_factor(step: int, total_steps: int) -> float:
    """Cosine decay of paper B, eq. (22): ``(1 + cos(pi * step / total_steps)) / 2`` (1 at the start, 0 at the end)."""
    return 0.5 * (1.0 + math.cos(math.pi * step / total_steps))


def _positive_int(value, name: str, allow_none: bool = False, who: str = "train"):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{who}: {name} must be a positive integer{' or None' if allow_none else ''}, got {value!r}")
    return int(value)


def _check_data(data, name: str, who: str = "train") -> tuple[torch.Tensor, ...]:
    if not isinstance(data, (tuple, list)) or len(data) < 2 or not all(isinstance(t, torch.Tensor) for t in data):
        raise ValueError(f"{who}: {name} must be a tuple (inputs..., targets) of at least two torch tensors, got "
                         f"{type(data).__name__}" + (f" of {[type(t).__name__ for t in data]}"
                                                     if isinstance(data, (tuple, list)) else ""))
    counts = [len(t) if t.ndim else None for t in data]
    if len(set(counts)) != 1 or counts[0] is None:
        raise ValueError(f"{who}: {name} tensors must share their first (sample) dimension, got sample counts "
                         f"{counts} for the inputs and the targets")
    if counts[0] == 0:
        raise ValueError(f"{who}: {name} has no samples")
    return tuple(data)


def _batches(data: tuple[torch.Tensor, ...], batch_size: int):
    n = len(data[0])
    for i in range(0, n, batch_size):
        yield tuple(t[i:i + batch_size] for t in data)


def evaluate(model: nn.Module, loss: Callable | str, data: Sequence[torch.Tensor], batch_size: int | None = None,
             flop_counter: StepFlops | None = None) -> float:
    """Mean ``loss`` of ``model`` on ``data = (inputs..., targets)`` in eval mode without gradients, in batches of
    ``batch_size`` (all at once if None); each batch's forward FLOPs are added to ``flop_counter`` if given.

    The mean is ``sum_b n_b L_b / n`` in float64 over batches b of n_b samples with mean loss L_b; for one batch it
    is exactly that batch's loss (float32 losses, n < 2**29).  The model is left in eval mode."""
    loss = get_loss(loss)
    data = _check_data(data, "data", "evaluate")
    n = len(data[0])
    bs = n if batch_size is None else _positive_int(batch_size, "batch_size", who="evaluate")
    model.eval()
    total = None
    with torch.no_grad():
        for batch in _batches(data, bs):
            value = loss(model(*batch[:-1]), batch[-1]).detach().double() * len(batch[-1])
            total = value if total is None else total + value
            if flop_counter is not None:
                flop_counter.count_forward(batch)
    return float(total) / n


def _optimizer(model: nn.Module, optimizer: str, lr, param_groups, weight_decay: float, betas, fused: bool = False):
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"train: optimizer must be one of {tuple(OPTIMIZERS)}, got {optimizer!r}")
    if param_groups is None:
        groups = [{"params": list(model.parameters())}]
    else:
        if not isinstance(param_groups, (list, tuple)) or not param_groups or \
                not all(isinstance(g, dict) and "params" in g for g in param_groups):
            raise ValueError("train: param_groups must be a non-empty list of dicts with a 'params' entry (as torch "
                             "optimisers take them)")
        groups = [dict(g, params=list(g["params"])) for g in param_groups]
        own = {id(p) for p in model.parameters()}
        if any(id(p) not in own for g in groups for p in g["params"]):
            raise ValueError("train: param_groups contain parameters that are not the model's")
    if lr is None and any("lr" not in g for g in groups):
        raise ValueError("train: lr is required (unless every entry of param_groups sets its own 'lr')")
    for g in groups:
        if float(g.get("lr", lr)) < 0:
            raise ValueError(f"train: learning rates must be >= 0, got {g.get('lr', lr)!r}")
    kwargs = {"betas": tuple(betas), "weight_decay": weight_decay}
    if fused:
        kwargs["fused"] = True
    if lr is not None:
        kwargs["lr"] = lr
    return OPTIMIZERS[optimizer](groups, **kwargs)


def _scheduler(opt, schedule, total_steps: int):
    if schedule == "constant":
        return None
    if schedule == "cosine":
        return torch.optim.lr_scheduler.LambdaLR(opt, lambda t: cosine_factor(t, total_steps))
    raise ValueError(f"train: schedule must be one of {SCHEDULES}, got {schedule!r}")


def train(model: nn.Module, loss: Callable | str, train_data: Sequence[torch.Tensor],
          val_data: Sequence[torch.Tensor] | None = None, *, optimizer: str = "adam", lr: float | None = None,
          param_groups: list[dict] | None = None, weight_decay: float = 0.0, betas=(0.9, 0.999), batch_size: int,
          epochs: int | None = None, steps: int | None = None, schedule: str = "constant",
          eval_every: int | None = None, val_batch_size: int | None = None, patience: int | None = None,
          min_delta: float = 1e-7, restore_best: bool = True, generator: torch.Generator | None = None,
          seed: int | None = None, device: str | None = None, progress: bool = True, desc: str | None = None,
          n_threads: int | None = None, fused: bool = False) -> TrainResult:
    """Train ``model`` in place; see the module docstring for the algorithm.

    Parameters
    ----------
    model : the network; called as ``model(*inputs)``.
    loss : ``loss(output, targets) -> scalar`` mean over the batch, or a name of
        :data:`hepscaling.models.losses.LOSSES` (``"bce_with_logits"``, ``"mse"``, ``"heteroscedastic_nll"``).
    train_data, val_data : tuples ``(inputs..., targets)`` of tensors with the samples along the first dimension
        (usually ``(X, y)``).  Without ``val_data`` there is no early stopping and the final weights are kept.
    optimizer : ``"adam"`` or ``"adamw"``, with ``betas`` and ``weight_decay``.
    lr : learning rate of every group that does not set its own.
    param_groups : list of dicts ``{"params": [...], "lr": ..., ...}``; default one group of all parameters.
    batch_size : training batch size; ``val_batch_size`` the evaluation one (default ``max(batch_size, 1024)``).
    epochs, steps : length of the run; give exactly one.
    schedule : ``"constant"`` or ``"cosine"`` (decay to 0 over the run's own number of steps).
    eval_every : evaluate every this many steps (None: at the end of every epoch); always also at step 0 and at the
        end.
    patience : evaluations in a row without improvement before stopping (None: never stop early); needs
        ``val_data``.
    min_delta : an evaluation improves iff ``val_loss < best - min_delta``.
    restore_best : load the best evaluation's weights at the end.
    generator, seed : the shuffling's random source: ``generator``, or ``torch.Generator().manual_seed(seed)``;
        give exactly one.
    device : torch device; None picks CUDA when available, else CPU.
    progress, desc : show a progress bar (:func:`hepscaling.progress.progress`, quiet when non-interactive).
    n_threads : ``torch.set_num_threads`` (process-wide) if given.
    fused : torch's fused (one-kernel) Adam/AdamW update, CPU or CUDA: the same algorithm, rounded differently; for
        small networks it removes most of the optimiser's per-tensor overhead (set_transformer with 1e4 parameters,
        one CPU thread: 1.3 -> 0.3 ms a step of 8.9, measured 2026-12-03).  Off by default, so that runs of the
        other chapters keep their exact numbers.
    """
    loss = get_loss(loss)
    batch_size = _positive_int(batch_size, "batch_size")
    val_batch_size = _positive_int(val_batch_size, "val_batch_size", allow_none=True)
    eval_every = _positive_int(eval_every, "eval_every", allow_none=True)
    patience = _positive_int(patience, "patience", allow_none=True)
    if (epochs is None) == (steps is None):
        raise ValueError(f"train: give exactly one of epochs or steps (the run's length), got epochs={epochs!r}, "
                         f"steps={steps!r}")
    if steps is None:
        epochs = _positive_int(epochs, "epochs")
    else:
        steps = _positive_int(steps, "steps")
    if not min_delta >= 0:
        raise ValueError(f"train: min_delta must be >= 0, got {min_delta!r}")
    if (generator is None) == (seed is None):
        raise ValueError("train: give exactly one of generator (a torch.Generator) or seed (an int) for the batch "
                         f"order, got generator={generator!r}, seed={seed!r}")
    train_data = _check_data(train_data, "train_data")
    if val_data is not None:
        val_data = _check_data(val_data, "val_data")
        if len(val_data) != len(train_data):
            raise ValueError(f"train: val_data has {len(val_data)} tensors but train_data has {len(train_data)}")
    elif patience is not None:
        raise ValueError("train: patience (early stopping) needs val_data")
    if n_threads is not None:
        torch.set_num_threads(int(n_threads))
    if generator is None:
        generator = torch.Generator().manual_seed(int(seed))
    val_batch_size = max(batch_size, 1024) if val_batch_size is None else val_batch_size

    t0 = time.perf_counter()
    dev = torch.device(pick_device(device))
    model.to(dev)
    train_data = tuple(t.to(dev) for t in train_data)
    val_data = None if val_data is None else tuple(t.to(dev) for t in val_data)
    n = len(train_data[0])
    steps_per_epoch = -(-n // batch_size)
    total_steps = epochs * steps_per_epoch if steps is None else steps
    opt = _optimizer(model, optimizer, lr, param_groups, weight_decay, betas, bool(fused))
    sched = _scheduler(opt, schedule, total_steps)
    counter = StepFlops(model, loss)

    history: list[dict] = []
    state = {"step": 0, "epoch": 0, "samples": 0,
             "best": math.inf, "best_step": 0, "best_epoch": 0, "best_state": None, "bad": 0}
    train_sum, train_n = None, 0

    def checkpoint() -> bool:
        """Evaluate, record, keep the best weights; True when patience has run out."""
        nonlocal train_sum, train_n
        v = math.nan
        if val_data is not None:
            v = evaluate(model, loss, val_data, val_batch_size, counter)
            model.train()
        history.append({"step": state["step"], "epoch": state["epoch"], "val_loss": v,
                        "train_loss": float(train_sum) / train_n if train_n else math.nan,
                        "lr": opt.param_groups[0]["lr"], "lrs": [g["lr"] for g in opt.param_groups],
                        "samples_seen": state["samples"], "flops_train": counter.train_total})
        train_sum, train_n = None, 0
        if val_data is None:
            return False
        if v < state["best"] - min_delta:
            state.update(best=v, best_step=state["step"], best_epoch=state["epoch"], bad=0,
                         best_state={k: t.detach().clone() for k, t in model.state_dict().items()})
            return False
        state["bad"] += 1
        return patience is not None and state["bad"] >= patience

    bar = progress_bar(total=total_steps, desc=desc or "train") if progress else None
    stop = checkpoint()
    model.train()
    while not stop and state["step"] < total_steps:
        state["epoch"] += 1
        perm = torch.randperm(n, generator=generator).to(dev)
        for i in range(0, n, batch_size):
            batch = tuple(t[perm[i:i + batch_size]] for t in train_data)
            counter.count_train_step(batch)
            opt.zero_grad(set_to_none=True)
            value = loss(model(*batch[:-1]), batch[-1])
            value.backward()
            opt.step()
            if sched is not None:
                sched.step()
            nb = len(batch[-1])
            state["step"] += 1
            state["samples"] += nb
            contrib = value.detach().double() * nb
            train_sum, train_n = (contrib if train_sum is None else train_sum + contrib), train_n + nb
            if bar is not None:
                bar.update(1)
            done = state["step"] == total_steps
            due = state["step"] % eval_every == 0 if eval_every is not None else i + batch_size >= n
            if done or due:
                stop = checkpoint()
                if bar is not None and val_data is not None:
                    bar.set_postfix(val_loss=f"{history[-1]['val_loss']:.4g}", refresh=False)
            if stop or done:
                break
    if bar is not None:
        bar.close()

    if restore_best and state["best_state"] is not None:
        model.load_state_dict(state["best_state"])
    model.eval()
    found = state["best_state"] is not None    # False without val_data (or with nothing but nan losses)
    return TrainResult(
        best_step=state["best_step"] if found else state["step"],
        best_epoch=state["best_epoch"] if found else state["epoch"],
        best_val_loss=state["best"] if found else math.nan,
        steps_run=state["step"], epochs_run=state["epoch"], stopped_early=state["step"] < total_steps,
        history=history, flops_train=counter.train_total, flops_val=counter.forward_total,
        flops_method=counter.method, samples_seen=state["samples"], wall_s=time.perf_counter() - t0,
        device=str(dev))
