"""TwoNN: the intrinsic dimension of a point cloud from the ratio of each point's two nearest-neighbour distances
(Facco, d'Errico, Rodriguez, Laio, Sci. Rep. 7 (2017) 12140), the estimator paper B uses for its amplitude data.

For points drawn from a locally uniform density on a d-dimensional manifold, mu = r2 / r1 follows the Pareto law
F(mu) = 1 - mu^(-d). The estimate is the slope, through the origin, of -log(1 - F_emp(mu)) against log(mu) over the
points with the smallest mu (the largest ``discard`` fraction is dropped: those ratios come from the tails of the
density, where local uniformity fails), as in Facco et al.; :func:`twonn_mle` is the maximum-likelihood variant
d = (N - 1) / sum log mu.

Public API: ``twonn(X, discard=0.1) -> float``, ``twonn_mle(X) -> float``, ``neighbour_ratios(X) -> mu``.
"""
from __future__ import annotations

import numpy as np

__all__ = ["twonn", "twonn_mle", "neighbour_ratios"]


def neighbour_ratios(X) -> np.ndarray:
    """mu_i = r2 / r1 for every point (points with a duplicate, r1 = 0, are left out)."""
    from sklearn.neighbors import NearestNeighbors

    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] < 10:
        raise ValueError(f"twonn needs a 2-d array of at least 10 points, got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError("twonn: the points contain non-finite coordinates")
    dist, _ = NearestNeighbors(n_neighbors=3).fit(X).kneighbors(X)
    r1, r2 = dist[:, 1], dist[:, 2]
    keep = r1 > 0
    return r2[keep] / r1[keep]


def twonn(X, discard: float = 0.1) -> float:
    """Intrinsic dimension by the TwoNN linear fit (see module docstring)."""
    if not 0 <= discard < 1:
        raise ValueError(f"discard = {discard!r}: expected a fraction in [0, 1)")
    mu = np.sort(neighbour_ratios(X))
    n = mu.size
    F = np.arange(n) / n
    m = int(np.floor(n * (1 - discard)))
    x, y = np.log(mu[:m]), -np.log(1 - F[:m])
    return float((x @ y) / (x @ x))


def twonn_mle(X) -> float:
    """Intrinsic dimension by maximum likelihood on all ratios: (N - 1) / sum log mu."""
    mu = neighbour_ratios(X)
    return float((mu.size - 1) / np.log(mu).sum())
