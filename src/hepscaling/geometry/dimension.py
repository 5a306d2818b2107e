"""Correlation dimension from a pairwise distance matrix (paper A eq. 9; Komiske, Metodiev, Thaler 2019).

``dim(Q) = Q d/dQ ln N(Q)`` with ``N(Q) = sum_{i<j} Theta(Q - d_ij)`` the number of pairs closer than Q.  Within one
class the pairs are i < j of a symmetric matrix; across classes (QCD jet i, top jet j) all entries of the
rectangular matrix count.  The derivative is the finite difference of ln N between neighbouring Q of a logarithmic
grid, reported at the geometric midpoints.

Public API
----------
``pair_counts(D, Q, within=True)`` -> N(Q) for each Q (int64)
``correlation_dimension(D, Q=None, within=True, n_q=40)`` -> (Q_mid, dim)
"""
from __future__ import annotations

import numpy as np

__all__ = ["pair_distances", "pair_counts", "correlation_dimension"]


def pair_distances(D, within: bool = True) -> np.ndarray:
    """The distances of all distinct pairs: the upper triangle (i < j) of a square symmetric matrix when
    ``within``, else every entry of a (possibly rectangular) cross-class matrix.  Sorted, float64."""
    D = np.asarray(D, dtype=np.float64)
    if D.ndim != 2:
        raise ValueError(f"D: expected a 2-d distance matrix, got shape {D.shape}")
    if not np.isfinite(D).all():
        r, c = np.argwhere(~np.isfinite(D))[0]
        raise ValueError(f"D: non-finite distance at entry ({r}, {c})")
    if (D < 0).any():
        r, c = np.argwhere(D < 0)[0]
        raise ValueError(f"D: negative distance at entry ({r}, {c})")
    if within:
        if D.shape[0] != D.shape[1]:
            raise ValueError(f"D: within-class dimension needs a square matrix, got shape {D.shape}")
        d = D[np.triu_indices(D.shape[0], k=1)]
    else:
        d = D.ravel()
    return np.sort(d)


def pair_counts(D, Q, within: bool = True) -> np.ndarray:
    """N(Q) = number of pairs with distance < Q, for each Q."""
    d = pair_distances(D, within)
    return np.searchsorted(d, np.asarray(Q, dtype=np.float64), side="left").astype(np.int64)


def correlation_dimension(D, Q=None, within: bool = True, n_q: int = 40):
    """Correlation dimension ``Q d ln N / dQ`` on a grid of Q.

    ``Q``: increasing positive grid (default: ``n_q`` log-spaced values from the 0.1 % to the 100 % quantile of the
    pair distances).  Returns ``(Q_mid, dim)`` with ``Q_mid`` the geometric midpoints; ``dim`` is NaN where a
    count is zero.
    """
    d = pair_distances(D, within)
    pos = d[d > 0]
    if Q is None:
        if len(pos) < 2:
            raise ValueError("D: need at least two positive pair distances to choose a Q grid")
        lo, hi = np.quantile(pos, 1e-3), pos[-1] * (1 + 1e-12)
        Q = np.geomspace(lo, hi, n_q)
    Q = np.asarray(Q, dtype=np.float64)
    if Q.ndim != 1 or len(Q) < 2 or (Q <= 0).any() or (np.diff(Q) <= 0).any():
        raise ValueError("Q: expected an increasing 1-d grid of at least two positive values")
    N = np.searchsorted(d, Q, side="left").astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        lnN = np.where(N > 0, np.log(N), np.nan)
        dim = np.diff(lnN) / np.diff(np.log(Q))
    return np.sqrt(Q[1:] * Q[:-1]), dim
