"""Paper B's MLP-I with the maximal update parametrisation (muP, Yang et al.), and its standard-parametrisation twin.

``MLPI(n_in, width, depth)`` is ``x -> W_in -> act -> (W_l -> act) x (depth - 1) -> W_out``: ``depth`` hidden layers
of ``width`` units (``depth - 1`` hidden ``width x width`` matrices) and a linear readout.  Its inputs are the
standardised ``log p_i.p_j`` of paper B, eq. (9), computed elsewhere.

Parametrisation (paper B, eqs. 17-21)
-------------------------------------
Paper B writes muP as: zero biases, ``W_in ~ N(0, 1/d_in)``, hidden ``W ~ N(0, 1/n)``, ``W_out ~ N(0, 1/n^2)``, Adam
learning rate ``eta`` for ``W_in`` and all biases, ``eta/n`` for the hidden and readout weights.  Taken literally
(``eta/256`` at ``n = 256``) the learning rate would not transfer from a tuned small network; ``n`` is the width
*relative to the base width* at which ``eta`` was tuned, as in Yang et al. and the ``mup`` package.  With the width
multiplier ``m = width / base_width`` this module implements (``parametrization="mup"``)

* ``W_in ~ N(0, 1/d_in)``; hidden ``W ~ N(0, 1/width)`` (fan-in); ``W_out ~ N(0, 1/(width m)) = N(0, base_width /
  width^2)``; every bias 0;
* Adam learning rates: ``eta`` for ``W_in`` and every bias, ``eta/m`` for the hidden weights and ``W_out``.

At ``m = 1`` this is the standard parametrisation (SP) of eqs. (18)/(20), offered for comparison as
``parametrization="sp"`` at every width: ``W_out ~ N(0, 1/width)`` and every learning rate ``eta``.  It is the
``mup`` package's ``MuReadout`` + ``MuAdam`` recipe written without a forward multiplier: ``MuReadout`` stores
``W`` with std ``1/sqrt(base_width)`` and multiplies its input by ``1/m`` with learning rate ``eta``, which under
Adam is the same as a weight ``W/m`` with learning rate ``eta/m`` (checked in ``tests/models/test_mup.py``).

``model.param_groups(eta)`` gives the groups for :func:`hepscaling.models.train.train` (``param_groups=``).
"""
from __future__ import annotations

import math
import numbers

import torch
from torch import nn

from .flops import linear_flops
from .networks import ACTIVATIONS

__all__ = ["MLPI", "mlp_i_shape", "PARAMETRIZATIONS"]

PARAMETRIZATIONS = ("mup", "sp")


def _pos_int(value, name: str, who: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{who}: {name} must be a positive integer, got {value!r}")
    return int(value)


class MLPI(nn.Module):
    """MLP-I of paper B: inputs are the standardised log p_i.p_j (computed elsewhere); `depth` hidden layers of `width`.

    ``input``, ``hidden`` (an ``nn.ModuleList`` of ``depth - 1`` layers) and ``readout`` are ``nn.Linear`` layers;
    the initial weights are drawn from ``generator`` (torch's global one if None) in that order (biases are zero)."""

    def __init__(self, n_in: int, width: int, depth: int, n_out: int = 1, *, base_width: int = 32,
                 activation: str = "gelu", parametrization: str = "mup", generator: torch.Generator | None = None):
        super().__init__()
        n_in, width, depth, n_out, base_width = (
            _pos_int(v, k, "MLPI") for k, v in (("n_in", n_in), ("width", width), ("depth", depth),
                                                 ("n_out", n_out), ("base_width", base_width)))
        if activation not in ACTIVATIONS:
            raise ValueError(f"MLPI: activation must be one of {tuple(ACTIVATIONS)}, got {activation!r}")
        if parametrization not in PARAMETRIZATIONS:
            raise ValueError(f"MLPI: parametrization must be one of {PARAMETRIZATIONS}, got {parametrization!r}")
        if generator is not None and not isinstance(generator, torch.Generator):
            raise ValueError(f"MLPI: generator must be a torch.Generator or None, got {type(generator).__name__}")
        self.n_in, self.width, self.depth, self.n_out = n_in, width, depth, n_out
        self.base_width, self.activation, self.parametrization = base_width, activation, parametrization
        self.input = nn.Linear(n_in, width)
        self.hidden = nn.ModuleList(nn.Linear(width, width) for _ in range(depth - 1))
        self.readout = nn.Linear(width, n_out)
        self.act = ACTIVATIONS[activation]()
        out_var = 1.0 / (width * self.width_mult) if parametrization == "mup" else 1.0 / width
        with torch.no_grad():
            for layer, var in [(self.input, 1.0 / n_in), *((h, 1.0 / width) for h in self.hidden),
                               (self.readout, out_var)]:
                nn.init.normal_(layer.weight, 0.0, math.sqrt(var), generator=generator)
                nn.init.zeros_(layer.bias)

    @property
    def width_mult(self) -> float:
        """m = width / base_width (1 for the base model)."""
        return self.width / self.base_width

    @property
    def n_params(self) -> int:
        """Number of trainable parameters, weights and biases (paper B's N)."""
        return sum(p.numel() for p in self.parameters() if p.requires_grad)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """(B, width) activations of the last hidden layer (after the activation)."""
        h = self.act(self.input(x))
        for layer in self.hidden:
            h = self.act(layer(h))
        return h

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.readout(self.features(x))

    def flops(self, batch_size: int) -> tuple[int, int]:
        """(forward, backward) FLOPs of one pass of ``batch_size`` samples (:func:`~.flops.linear_flops`)."""
        return linear_flops(self, batch_size)

    def param_groups(self, lr: float) -> list[dict]:
        """Adam parameter groups for base learning rate ``lr`` (eta): ``"input"`` (W_in, eta), ``"hidden"`` (hidden
        weights, eta/m under muP; omitted when depth = 1), ``"readout"`` (W_out, eta/m under muP) and ``"biases"``
        (every bias, eta); under ``"sp"`` every group has eta.  Each dict has ``name``, ``params`` and ``lr``."""
        if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not math.isfinite(lr) or lr < 0:
            raise ValueError(f"MLPI.param_groups: lr must be a finite number >= 0, got {lr!r}")
        scaled = float(lr) / self.width_mult if self.parametrization == "mup" else float(lr)
        groups = [{"name": "input", "params": [self.input.weight], "lr": float(lr)},
                  {"name": "hidden", "params": [h.weight for h in self.hidden], "lr": scaled},
                  {"name": "readout", "params": [self.readout.weight], "lr": scaled},
                  {"name": "biases", "params": [self.input.bias, *(h.bias for h in self.hidden), self.readout.bias],
                   "lr": float(lr)}]
        return [g for g in groups if g["params"]]

    def extra_repr(self) -> str:
        return (f"n_in={self.n_in}, width={self.width}, depth={self.depth}, n_out={self.n_out}, "
                f"base_width={self.base_width}, parametrization={self.parametrization!r}")


def _mlp_i_count(width: int, depth: int, n_in: int, n_out: int) -> int:
    return (n_in + 1) * width + (depth - 1) * (width + 1) * width + (width + 1) * n_out


def mlp_i_shape(n_params: float, n_in: int, n_out: int = 1, ratio: float = 16.0) -> tuple[int, int]:
    """(width, depth) whose MLPI has about n_params parameters with width/depth ~ ratio (depth >= 1), the paper's
    'depth grows with width at a fixed width-to-depth ratio'; the closest parameter count over integer widths.

    For each depth d the width w_d is the integer width whose count is closest to ``n_params`` (the smaller on a
    tie); w_d / d falls with d, and the depth whose w_d / d is closest to ``ratio`` in log wins (depth 1 when even
    that is narrower than ``ratio``).  The count is then within half a width step of ``n_params``."""
    if isinstance(n_params, bool) or not isinstance(n_params, numbers.Real) or not math.isfinite(n_params) \
            or n_params <= 0:
        raise ValueError(f"mlp_i_shape: n_params must be a finite positive number, got {n_params!r}")
    n_in, n_out = _pos_int(n_in, "n_in", "mlp_i_shape"), _pos_int(n_out, "n_out", "mlp_i_shape")
    if isinstance(ratio, bool) or not isinstance(ratio, numbers.Real) or not math.isfinite(ratio) or ratio <= 0:
        raise ValueError(f"mlp_i_shape: ratio must be a finite positive number, got {ratio!r}")

    def closest_width(d: int) -> int:
        a, b, c = d - 1, n_in + 1 + (d - 1) + n_out, n_out - n_params   # count(w) = a w^2 + b w + n_out
        w = -c / b if a == 0 else (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)
        lo = max(1, math.floor(w))
        return min((lo, lo + 1), key=lambda v: abs(_mlp_i_count(v, d, n_in, n_out) - n_params))

    best, d = None, 1
    while True:
        w = closest_width(d)
        miss = abs(math.log(w / d / ratio))
        if best is None or miss < best[2]:
            best = (w, d, miss)
        if w / d <= ratio:
            return best[0], best[1]
        d += 1
