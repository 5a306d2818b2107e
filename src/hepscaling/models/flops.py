"""Exact FLOP counts of training and evaluation.

Convention (the one quoted in the book)
---------------------------------------
* A multiply-add in a matrix multiplication counts as **2 FLOPs**: ``A @ B`` with ``A`` of shape (m, k) and ``B`` of
  shape (k, n) costs ``2 m k n``.
* **Only matrix multiplications are counted** (``mm``, ``addmm``, ``bmm``, ``matmul`` and attention's matrix products,
  exactly as :class:`torch.utils.flop_counter.FlopCounterMode` counts them).  Bias additions, activations, softmax
  normalisations, the loss, and the optimiser's update are *not* counted: they are O(N) per sample against O(N) for
  the matrix products too, but with a small constant that depends on the implementation.

For a stack of ``nn.Linear`` layers (weights ``W_l`` of shape (out_l, in_l)) on a batch of ``B`` samples this gives

    forward  = 2 B sum_l in_l out_l
    backward = 2 B sum_l in_l out_l               (weight gradients  dL/dW_l = delta_l^T a_{l-1})
             + 2 B sum_{l >= 2} in_l out_l        (input gradients   dL/da_{l-1} = delta_l W_l; the first layer's
                                                   input is data and needs no gradient, so autograd skips it)

so one training step costs ``2 B (3 N_w - in_1 out_1)`` with ``N_w = sum_l in_l out_l`` the number of weights:
paper B's eq. (7), ``C ~ zeta N D`` per epoch, holds with ``zeta = 6`` up to the first layer's missing
input-gradient term, and is exactly computable.

Two ways to count:

* :func:`linear_flops` — the analytic formula above, for models whose matrix multiplications are all ``nn.Linear``
  layers applied one after the other to the input (the first ``nn.Linear`` in ``model.modules()`` order is the one
  that sees the data).  Networks of :mod:`hepscaling.models.networks` expose it as ``model.flops(batch_size)``.
* :func:`measure_flops` — :class:`~torch.utils.flop_counter.FlopCounterMode` on one forward and one backward pass, on
  a deep copy of the model (the real model, its gradients and torch's global random state are untouched).

:class:`StepFlops` counts a run for the training loop with one of the two (analytic when the model has a ``flops``
method, measured once per distinct batch size otherwise).
"""
from __future__ import annotations

import copy
from typing import Callable, Sequence

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

__all__ = ["linear_flops", "measure_flops", "weight_count", "StepFlops"]


def _check_batch_size(batch_size, who: str) -> int:
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
        raise ValueError(f"{who}: batch_size must be a positive integer, got {batch_size!r}")
    return batch_size


def _linears(model: nn.Module, who: str) -> list[nn.Linear]:
    layers = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if not layers:
        raise ValueError(f"{who}: model {type(model).__name__} has no nn.Linear layer")
    return layers


def weight_count(model: nn.Module) -> int:
    """Number of weights ``N_w = sum_l in_l * out_l`` of the ``nn.Linear`` layers of ``model`` (biases excluded)."""
    return sum(m.in_features * m.out_features for m in _linears(model, "weight_count"))


def linear_flops(model: nn.Module, batch_size: int) -> tuple[int, int]:
    """(forward, backward) FLOPs of one pass of ``batch_size`` samples through a chain of ``nn.Linear`` layers.

    ``forward = 2 B sum in*out``; ``backward = 2 B sum in*out`` (weight gradients) ``+ 2 B sum in*out`` over every
    layer but the first (input gradients).  Valid when every matrix multiplication of the model is one of its
    ``nn.Linear`` layers and the first of them (in ``model.modules()`` order) is applied to the data."""
    B = _check_batch_size(batch_size, "linear_flops")
    sizes = [m.in_features * m.out_features for m in _linears(model, "linear_flops")]
    forward = 2 * B * sum(sizes)
    backward = 2 * B * sum(sizes) + 2 * B * sum(sizes[1:])
    return forward, backward


def _model_inputs_and_target(batch: Sequence[torch.Tensor], who: str):
    if not isinstance(batch, (tuple, list)) or len(batch) < 2:
        raise ValueError(f"{who}: batch must be a tuple (inputs..., targets) of at least two tensors, got "
                         f"{type(batch).__name__}")
    return tuple(batch[:-1]), batch[-1]


def measure_flops(model: nn.Module, loss: Callable, batch: Sequence[torch.Tensor], backward: bool = True,
                  ) -> tuple[int, int]:
    """(forward, backward) FLOPs of one training step on ``batch``, counted by ``FlopCounterMode``.

    ``batch`` is ``(inputs..., targets)``; the model is called as ``model(*inputs)`` and the loss as
    ``loss(output, targets)``.  The count runs on a deep copy of ``model`` (in the model's current train/eval mode)
    inside :func:`torch.random.fork_rng`, so neither the model, its gradients, nor torch's global random state change.
    With ``backward=False`` only the forward pass is run (under ``torch.no_grad``) and the backward count is 0."""
    inputs, target = _model_inputs_and_target(batch, "measure_flops")
    twin = copy.deepcopy(model)
    for p in twin.parameters():
        p.grad = None
    cuda = [t.device for t in batch if t.device.type == "cuda"]
    with torch.random.fork_rng(devices=cuda[:1]):
        if not backward:
            with torch.no_grad(), FlopCounterMode(display=False) as fwd:
                twin(*inputs)
            return fwd.get_total_flops(), 0
        with FlopCounterMode(display=False) as fwd:
            value = loss(twin(*inputs), target)
        with FlopCounterMode(display=False) as bwd:
            value.backward()
    return fwd.get_total_flops(), bwd.get_total_flops()


class StepFlops:
    """Counts the FLOPs of a run of one model and loss: ``count_train_step(batch)`` and ``count_forward(batch)`` add
    one training step's (forward + backward) or one evaluation batch's (forward) FLOPs to ``train_total`` /
    ``forward_total`` and return them.

    ``method`` is ``"analytic"`` when the model has a ``flops(batch_size) -> (forward, backward)`` method (the
    networks of :mod:`hepscaling.models.networks`), else ``"measured"``: :func:`measure_flops` once per distinct
    batch size (on the first batch of that size); counts are cached per batch size."""

    def __init__(self, model: nn.Module, loss: Callable):
        self.model, self.loss = model, loss
        self.method = "analytic" if callable(getattr(model, "flops", None)) else "measured"
        self.train_total = 0
        self.forward_total = 0
        self._train: dict[int, int] = {}
        self._forward: dict[int, int] = {}

    def count_train_step(self, batch: Sequence[torch.Tensor]) -> int:
        """Forward + backward FLOPs of one training step on ``batch = (inputs..., targets)``."""
        n = len(batch[-1])
        if n not in self._train:
            fwd, bwd = (self.model.flops(n) if self.method == "analytic"
                        else measure_flops(self.model, self.loss, batch))
            self._train[n] = int(fwd) + int(bwd)
        self.train_total += self._train[n]
        return self._train[n]

    def count_forward(self, batch: Sequence[torch.Tensor]) -> int:
        """Forward FLOPs of one evaluation pass on ``batch = (inputs..., targets)``."""
        n = len(batch[-1])
        if n not in self._forward:
            fwd = (self.model.flops(n)[0] if self.method == "analytic"
                   else measure_flops(self.model, self.loss, batch, backward=False)[0])
            self._forward[n] = int(fwd)
        self.forward_total += self._forward[n]
        return self._forward[n]
