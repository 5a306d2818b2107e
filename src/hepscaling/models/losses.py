"""Binary cross-entropy of paper A, eq. (7), as scikit-learn's ``log_loss`` computes it.

    L = -1/T_test * sum_i [ y_i log p_i + (1 - y_i) log(1 - p_i) ]

``y = 1`` for top jets, ``0`` for QCD jets; ``p`` is the classifier's probability that a jet is top.  A probability of
exactly 0 or 1 on a wrongly classified jet would give an infinite loss, and kNN fractions are often exactly 0 or 1.
Paper A computes its classifiers with scikit-learn, whose ``sklearn.metrics.log_loss`` clips the probabilities to
``[eps, 1 - eps]`` with ``eps`` the machine epsilon of float64 (2.2e-16): a confident miss costs ln(1/eps) = 36.0.
That is our default (``DEFAULT_EPS``), checked against ``log_loss`` in the tests; ``LEGACY_EPS = 1e-3`` (a confident
miss costs 6.9) is what this book used before and what the Fig. 1 page compares with.  ln 2 = 0.693 is the loss of the
uninformative guess p = 1/2.

Training losses (torch; ``loss(output, target) -> scalar``, the mean over the batch, as
:func:`hepscaling.models.train.train` expects):

``bce_with_logits``      binary cross-entropy of a logit output (paper A's DNN; the sigmoid is inside the loss)
``mse``                  mean squared error
``heteroscedastic_nll``  Gaussian negative log-likelihood with a predicted log-variance (mean, log sigma^2)

An output with one trailing column more than the target (``(B, 1)`` against ``(B,)``) is squeezed.  ``get_loss`` maps
a name of ``LOSSES`` (or a callable, returned as is) to the function.  torch is imported only when a training loss is
called, so the numpy metric above stays light.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

LN2 = math.log(2.0)
DEFAULT_EPS = float(np.finfo(np.float64).eps)   # sklearn.metrics.log_loss's clipping
LEGACY_EPS = 1e-3


def clip_probabilities(p, eps: float = DEFAULT_EPS) -> np.ndarray:
    """``p`` clipped to ``[eps, 1 - eps]``."""
    if not (0.0 < eps < 0.5):
        raise ValueError(f"clip_probabilities: eps must lie in (0, 0.5), got {eps!r}")
    return np.clip(np.asarray(p, dtype=np.float64), eps, 1.0 - eps)


def binary_cross_entropy(y_true, p, eps: float = DEFAULT_EPS) -> float:
    """Mean binary cross-entropy (eq. 7) of labels ``y_true`` (0/1) and top probabilities ``p`` (clipped by ``eps``)."""
    y = np.asarray(y_true)
    p = np.asarray(p, dtype=np.float64)
    if y.ndim != 1 or p.shape != y.shape:
        raise ValueError(f"binary_cross_entropy: expected 1-d labels and probabilities of the same length, got shapes "
                         f"{y.shape} and {p.shape}")
    if y.size == 0:
        raise ValueError("binary_cross_entropy: empty test set")
    if not np.all((y == 0) | (y == 1)):
        bad = int(np.flatnonzero((y != 0) & (y != 1))[0])
        raise ValueError(f"binary_cross_entropy: labels must be 0 (QCD) or 1 (top); label at index {bad} is {y[bad]!r}")
    if not np.all(np.isfinite(p)) or np.any((p < 0) | (p > 1)):
        bad = int(np.flatnonzero(~np.isfinite(p) | (p < 0) | (p > 1))[0])
        raise ValueError(f"binary_cross_entropy: probabilities must lie in [0, 1]; index {bad} has {p[bad]!r}")
    pc = clip_probabilities(p, eps)
    yf = y.astype(np.float64)
    return float(-np.mean(yf * np.log(pc) + (1.0 - yf) * np.log1p(-pc)))


# ------------------------------------------------------------------------------------------------ training losses
def _matched(output, target, who: str):
    """``output`` with a trailing singleton column dropped when the target lacks it; shapes must then agree."""
    if output.ndim == target.ndim + 1 and output.shape[-1] == 1:
        output = output.squeeze(-1)
    if output.shape != target.shape:
        raise ValueError(f"{who}: output shape {tuple(output.shape)} does not match target shape "
                         f"{tuple(target.shape)} (a trailing output column of size 1 is dropped)")
    return output


def bce_with_logits(logits, target):
    """Mean binary cross-entropy of logits ``z`` and 0/1 (or soft) targets ``y``:
    ``mean[-y log sigmoid(z) - (1 - y) log(1 - sigmoid(z))]``, computed stably from the logits
    (``torch.nn.functional.binary_cross_entropy_with_logits``); no clipping (unlike :func:`binary_cross_entropy`)."""
    import torch.nn.functional as F
    logits = _matched(logits, target, "bce_with_logits")
    return F.binary_cross_entropy_with_logits(logits, target.to(logits.dtype))


def mse(output, target):
    """Mean squared error ``mean[(output - target)^2]`` over all elements."""
    import torch.nn.functional as F
    output = _matched(output, target, "mse")
    return F.mse_loss(output, target.to(output.dtype))


def split_mean_logvar(output, target_shape):
    """(mean, log-variance) of a heteroscedastic output, for targets of shape ``target_shape``.

    Either ``output.shape == target_shape + (2,)`` (``output[..., 0]`` the mean, ``output[..., 1]`` the log-variance:
    a scalar target and a network with ``n_out=2``), or ``output.shape[-1] == 2 * target_shape[-1]`` with the same
    leading dimensions (the first half of the last dimension the means, the second half the log-variances)."""
    target_shape = tuple(target_shape)
    shape = tuple(output.shape)
    if shape == target_shape + (2,):
        return output[..., 0], output[..., 1]
    if len(shape) == len(target_shape) >= 1 and shape[:-1] == target_shape[:-1] and shape[-1] == 2 * target_shape[-1]:
        d = target_shape[-1]
        return output[..., :d], output[..., d:]
    raise ValueError(f"heteroscedastic_nll: output shape {shape} must be target shape {target_shape} + (2,) or "
                     f"have twice the target's last dimension (means, then log-variances)")


def heteroscedastic_nll(output, target):
    """Gaussian negative log-likelihood with a predicted variance, per target element and averaged:

        L = mean[ (y - mu)^2 / (2 sigma^2) + log(sigma^2) / 2 ]

    The network predicts ``mu`` and ``s = log sigma^2`` (layout: :func:`split_mean_logvar`); predicting the
    log-variance keeps sigma^2 = exp(s) positive without clamping.  The constant ``log(2 pi) / 2`` of the full
    negative log-likelihood is dropped.  This equals ``torch.nn.GaussianNLLLoss(full=False)`` with ``var = exp(s)``
    whenever ``var`` exceeds that loss's ``eps`` clamp (1e-6).  For a fixed residual r = y - mu the minimum over s
    is at sigma^2 = r^2, so the fitted variance is the conditional mean squared residual."""
    import torch
    mu, log_var = split_mean_logvar(output, target.shape)
    target = target.to(mu.dtype)
    return torch.mean(0.5 * (target - mu) ** 2 * torch.exp(-log_var) + 0.5 * log_var)


#: Name -> training loss.
LOSSES: dict[str, Callable] = {
    "bce_with_logits": bce_with_logits, "bce": bce_with_logits,
    "mse": mse,
    "heteroscedastic_nll": heteroscedastic_nll, "gaussian_nll": heteroscedastic_nll,
}


def get_loss(name_or_callable) -> Callable:
    """The training loss called ``name_or_callable`` in :data:`LOSSES`, or the callable itself."""
    if callable(name_or_callable):
        return name_or_callable
    if isinstance(name_or_callable, str) and name_or_callable in LOSSES:
        return LOSSES[name_or_callable]
    raise ValueError(f"get_loss: loss must be one of {tuple(LOSSES)} or a callable loss(output, target), "
                     f"got {name_or_callable!r}")
