"""Network builders for the book's neural networks.

Every network here is an ``nn.Module`` with an analytic FLOP count, ``model.flops(batch_size) -> (forward,
backward)`` (convention of :mod:`hepscaling.models.flops`), which :func:`hepscaling.models.train.train` uses to count
training compute exactly.

``MLP``  fully-connected network ``n_in -> widths[0] -> ... -> widths[-1] -> n_out`` with an activation after every
         hidden layer and a linear output layer; initial weights drawn layer by layer, in order, from a
         ``torch.Generator``.  Paper A's DNN is ``MLP(n_in, (128, 128, 128), 1, "relu", "kaiming", generator)``
         (:func:`hepscaling.models.mlp.build_mlp`).
"""
from __future__ import annotations

import math
from typing import Callable, Sequence

import torch
from torch import nn

from .flops import linear_flops, weight_count

__all__ = ["ACTIVATIONS", "INITS", "MLP", "init_linear"]

#: Activation name -> module class.
ACTIVATIONS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU, "gelu": nn.GELU, "silu": nn.SiLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid,
    "identity": nn.Identity,
}

#: Initialisation schemes of :func:`init_linear`.
INITS = ("kaiming", "xavier", "torch")


def init_linear(layer: nn.Linear, init: str = "kaiming", generator: torch.Generator | None = None) -> None:
    """Re-initialise one ``nn.Linear`` layer in place, drawing from ``generator`` (torch's global RNG if None).

    ``"kaiming"``  He/Kaiming normal weights, std = sqrt(2 / fan_in) (``nonlinearity="relu"``), zero bias: the ReLU
                   critical point of Roberts, Yaida & Hanin, as in paper A.
    ``"xavier"``   Glorot normal weights, std = sqrt(2 / (fan_in + fan_out)), zero bias.
    ``"torch"``    PyTorch's default ``nn.Linear`` initialisation (uniform weights and biases, bound 1/sqrt(fan_in)),
                   but drawn from ``generator``.
    """
    with torch.no_grad():
        if init == "kaiming":
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu", generator=generator)
            if layer.bias is not None:
                nn.init.zeros_(layer.bias)
        elif init == "xavier":
            nn.init.xavier_normal_(layer.weight, generator=generator)
            if layer.bias is not None:
                nn.init.zeros_(layer.bias)
        elif init == "torch":
            nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=generator)
            if layer.bias is not None:
                bound = 1.0 / math.sqrt(layer.in_features)
                nn.init.uniform_(layer.bias, -bound, bound, generator=generator)
        else:
            raise ValueError(f"init_linear: init must be one of {INITS} or a callable, got {init!r}")


class MLP(nn.Module):
    """Fully-connected network: ``Linear, act, Linear, act, ..., Linear`` in ``self.layers`` (an ``nn.Sequential``).

    Parameters
    ----------
    n_in : number of input features.
    widths : hidden-layer widths (may be empty: a linear model).
    n_out : number of outputs (1 logit for a binary classifier, 2 for mean and log-variance of a heteroscedastic
        regression, ...).
    activation : a name of :data:`ACTIVATIONS`, or a zero-argument callable returning a module (one instance per
        hidden layer).
    init : a name of :data:`INITS` (see :func:`init_linear`), or ``init(layer, generator)`` called on every
        ``nn.Linear`` in order.
    generator : the ``torch.Generator`` the initial weights are drawn from, layer by layer in order (weights, then
        bias).  ``None``: torch's global generator.

    ``self.layers[i]`` is the i-th layer and the network iterates, indexes and has a length like that
    ``nn.Sequential``; ``state_dict`` keys are ``layers.<i>.weight`` / ``layers.<i>.bias``.
    """

    def __init__(self, n_in: int, widths: Sequence[int], n_out: int = 1, activation: str | Callable = "relu",
                 init: str | Callable = "kaiming", generator: torch.Generator | None = None):
        super().__init__()
        for name, value in (("n_in", n_in), ("n_out", n_out)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"MLP: {name} must be a positive integer, got {value!r}")
        widths = tuple(widths)
        if any(isinstance(w, bool) or not isinstance(w, int) or w < 1 for w in widths):
            raise ValueError(f"MLP: widths must be positive integers, got {widths!r}")
        if isinstance(activation, str):
            if activation not in ACTIVATIONS:
                raise ValueError(f"MLP: activation must be one of {tuple(ACTIVATIONS)} or a callable, "
                                 f"got {activation!r}")
            make_act = ACTIVATIONS[activation]
        elif callable(activation):
            make_act = activation
        else:
            raise ValueError(f"MLP: activation must be a name or a callable, got {activation!r}")
        if isinstance(init, str) and init not in INITS:
            raise ValueError(f"MLP: init must be one of {INITS} or a callable, got {init!r}")
        elif not isinstance(init, str) and not callable(init):
            raise ValueError(f"MLP: init must be a name or a callable, got {init!r}")

        layers, prev = [], n_in
        for w in widths:
            layers += [nn.Linear(prev, w), make_act()]
            prev = w
        layers.append(nn.Linear(prev, n_out))
        self.layers = nn.Sequential(*layers)
        self.n_in, self.widths, self.n_out = n_in, widths, n_out
        for m in self.layers:
            if isinstance(m, nn.Linear):
                if callable(init):
                    init(m, generator)
                else:
                    init_linear(m, init, generator)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)

    def __iter__(self):
        return iter(self.layers)

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, i):
        return self.layers[i]

    @property
    def n_weights(self) -> int:
        """Number of weights (biases excluded), ``sum_l in_l * out_l``: the N of the scaling laws' C = 6 N D."""
        return weight_count(self)

    def flops(self, batch_size: int) -> tuple[int, int]:
        """(forward, backward) FLOPs of one pass of ``batch_size`` samples (:func:`~.flops.linear_flops`)."""
        return linear_flops(self, batch_size)

    def extra_repr(self) -> str:
        return f"n_in={self.n_in}, widths={self.widths}, n_out={self.n_out}"
