"""Binary cross-entropy of paper A, eq. (7), with probabilities clipped away from 0 and 1.

    L = -1/T_test * sum_i [ y_i log p_i + (1 - y_i) log(1 - p_i) ]

``y = 1`` for top jets, ``0`` for QCD jets; ``p`` is the classifier's probability that a jet is top.  A probability of
exactly 0 or 1 on a wrongly classified jet would give an infinite loss, so ``p`` is clipped to ``[eps, 1 - eps]``
(kNN fractions are often exactly 0 or 1).  ln 2 = 0.693 is the loss of the uninformative guess p = 1/2.
"""
from __future__ import annotations

import math

import numpy as np

LN2 = math.log(2.0)
DEFAULT_EPS = 1e-3


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
