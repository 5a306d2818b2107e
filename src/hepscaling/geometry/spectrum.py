"""Spectrum of the data-data covariance matrix (paper A eq. 8).

``C_ij = (1/T) sum_alpha x_{i,alpha} x_{j,alpha}`` over the T training points (rows of X) and features i, j — the
uncentred second-moment matrix exactly as eq. 8 writes it (``center=True`` subtracts the feature means first).

Public API: ``covariance_spectrum(X, center=False, standardize=False)`` -> eigenvalues, descending;
``spectrum_power_law(ev, ranks)`` -> power-law fit of the spectrum over a range of ranks.
"""
from __future__ import annotations

import numpy as np

__all__ = ["covariance_matrix", "covariance_spectrum", "spectrum_power_law"]


def covariance_matrix(X, center: bool = False, standardize: bool = False) -> np.ndarray:
    """(F, F) matrix (1/T) X^T X of a (T, F) data matrix (optionally centred / scaled to unit variance first)."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] < 1:
        raise ValueError(f"X: expected a (T, F) data matrix with T >= 1, got shape {X.shape}")
    if not np.isfinite(X).all():
        r = int(np.argwhere(~np.isfinite(X))[0, 0])
        raise ValueError(f"X: non-finite value in row (data point) {r}")
    if center:
        X = X - X.mean(axis=0)
    if standardize:
        s = X.std(axis=0)
        X = X / np.where(s > 0, s, 1.0)
    return X.T @ X / X.shape[0]


def covariance_spectrum(X, center: bool = False, standardize: bool = False) -> np.ndarray:
    """Eigenvalues of eq. 8's covariance matrix, in descending order (tiny negative round-off clipped to 0)."""
    ev = np.linalg.eigvalsh(covariance_matrix(X, center, standardize))[::-1]
    return np.clip(ev, 0.0, None)


def spectrum_power_law(ev, ranks=(2, 30)):
    """Power-law fit λ_i = A i^-α of a spectrum over the ranks ``lo <= i <= hi`` (1-based; ``hi`` is cut at the
    last positive eigenvalue): a :class:`hepscaling.scaling.fit.PowerLawFit` (``.params["alpha"]`` is the slope,
    with its error)."""
    from ..scaling.fit import fit_power_law
    ev = np.asarray(ev, dtype=np.float64)
    lo, hi = ranks
    hi = min(int(hi), int((ev > 0).sum()))
    if not 1 <= lo < hi:
        raise ValueError(f"spectrum_power_law: ranks {ranks} leave fewer than two positive eigenvalues "
                         f"({int((ev > 0).sum())} positive)")
    i = np.arange(1, len(ev) + 1)[lo - 1:hi]
    return fit_power_law(i, ev[lo - 1:hi], "pure")
