"""TwoNN: the intrinsic dimension of a point cloud from the ratio of each point's two nearest-neighbour distances
(Facco, d'Errico, Rodriguez, Laio, Sci. Rep. 7 (2017) 12140), the estimator paper B uses for its amplitude data.

For points drawn from a locally uniform density on a d-dimensional manifold, mu = r2 / r1 follows the Pareto law
F(mu) = 1 - mu^(-d). The estimate is the slope, through the origin, of -log(1 - F_emp(mu)) against log(mu) over the
points with the smallest mu (the largest ``discard_fraction`` is dropped: those ratios come from the tails of the
density, where local uniformity fails), with the empirical cumulative F_emp(mu_(i)) = i / N of the i-th smallest of
the N ratios (i = 1, 2, ...) — the convention of Facco et al., of the code of Ansuini et al. (2019) that paper B
uses (its Ref. [109]) and of scikit-dimension's ``TwoNN``, which the tests match to rounding.
:func:`twonn_mle` is the maximum-likelihood variant d = (N - 1) / sum log mu; :func:`twonn_subsets` the estimate on
disjoint random subsets with their spread, paper B's error bar ("the standard deviation obtained by sampling
different subsets", App. B).

Public API: ``twonn(X, discard_fraction=0.1) -> float``, ``twonn_mle(X) -> float``,
``twonn_subsets(X, n_subsets, seed) -> (mean, std)``, ``neighbour_ratios(X) -> mu``.
"""
from __future__ import annotations

import numpy as np

__all__ = ["twonn", "twonn_mle", "twonn_subsets", "neighbour_ratios"]


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


def twonn(X, discard_fraction: float = 0.1) -> float:
    """Intrinsic dimension by the TwoNN linear fit (see module docstring)."""
    if isinstance(discard_fraction, bool) or not isinstance(discard_fraction, (int, float)) \
            or not 0 <= discard_fraction < 1:
        raise ValueError(f"twonn: discard_fraction = {discard_fraction!r}: expected a fraction in [0, 1)")
    mu = np.sort(neighbour_ratios(X))
    n = mu.size
    m = min(int(n * (1 - discard_fraction)), n - 1)     # F_emp = 1 at the largest ratio: always left out
    F = np.arange(1, m + 1) / n
    x, y = np.log(mu[:m]), -np.log(1 - F)
    return float((x @ y) / (x @ x))


def twonn_mle(X) -> float:
    """Intrinsic dimension by maximum likelihood on all ratios: (N - 1) / sum log mu."""
    mu = neighbour_ratios(X)
    return float((mu.size - 1) / np.log(mu).sum())


def twonn_subsets(X, n_subsets: int = 5, seed: int = 0, discard_fraction: float = 0.1) -> tuple[float, float]:
    """TwoNN on ``n_subsets`` disjoint random subsets of the rows of ``X`` (drawn with ``seed``): the mean and the
    standard deviation (ddof = 1) of the estimates.  Each subset has ``len(X) // n_subsets`` points: the estimate of a
    smaller set probes larger distances, so compare sets of one size."""
    X = np.asarray(X, dtype=np.float64)
    if isinstance(n_subsets, bool) or not isinstance(n_subsets, int) or n_subsets < 2:
        raise ValueError(f"twonn_subsets: n_subsets must be an integer >= 2, got {n_subsets!r}")
    if X.ndim != 2 or len(X) // n_subsets < 10:
        raise ValueError(f"twonn_subsets: {n_subsets} subsets of at least 10 points need a 2-d array of at least "
                         f"{10 * n_subsets} rows, got shape {X.shape}")
    order = np.random.default_rng(seed).permutation(len(X))
    size = len(X) // n_subsets
    d = [twonn(X[order[i * size:(i + 1) * size]], discard_fraction) for i in range(n_subsets)]
    return float(np.mean(d)), float(np.std(d, ddof=1))
