"""The Lorentz invariants paper B's MLP-I reads: z_ij = log(p_i · p_j) over all pairs i < j of external momenta
(eq. 9), in the order (0,1), (0,2), ..., (0,n-1), (1,2), ...  For a 2 → n_f process that is (n choose 2) numbers,
n = n_f + 2; they depend on only 3 n_f − 4 degrees of freedom when √ŝ varies (the intrinsic dimension of the data).

Every p_i · p_j of physical momenta is positive (time-like or light-like, future-pointing, and not collinear after
cuts); a non-positive product — collinear massless momenta, or rows that are not momenta at all — is refused with the
row and the pair named, rather than turned into nan."""
from __future__ import annotations

import itertools

import numpy as np

__all__ = ["pair_indices", "minkowski_products", "log_invariants"]


def pair_indices(n: int) -> list[tuple[int, int]]:
    """The pairs (i, j), i < j, of n particles in the order of the columns of :func:`log_invariants`."""
    return list(itertools.combinations(range(n), 2))


def minkowski_products(momenta) -> np.ndarray:
    """p_i · p_j = E_i E_j − p⃗_i · p⃗_j for every pair i < j: (N, n(n−1)/2) float64 from momenta (N, n, 4) as
    (E, px, py, pz) (numpy or torch)."""
    p = momenta.detach().cpu().numpy() if hasattr(momenta, "detach") else np.asarray(momenta)
    p = p.astype(np.float64, copy=False)
    if p.ndim != 3 or p.shape[-1] != 4 or p.shape[1] < 2:
        raise ValueError(f"log_invariants: momenta must be (N, n >= 2, 4) as (E, px, py, pz), got shape {p.shape}")
    i, j = np.array(pair_indices(p.shape[1])).T
    return p[:, i, 0] * p[:, j, 0] - np.einsum("nka,nka->nk", p[:, i, 1:], p[:, j, 1:])


def log_invariants(momenta) -> np.ndarray:
    """z_ij = log(p_i · p_j), (N, n(n−1)/2) float64 (paper B, eq. 9)."""
    dots = minkowski_products(momenta)
    bad = ~(dots > 0)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        i, j = pair_indices(np.shape(momenta)[1])[col]
        raise ValueError(f"log_invariants: p_{i} · p_{j} = {dots[row, col]!r} <= 0 in row {row} "
                         f"({int(bad.sum())} products in all): the logarithm needs physical, non-collinear momenta")
    return np.log(dots)
