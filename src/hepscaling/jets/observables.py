"""Jet observables on padded (E, px, py, pz) arrays ``(N, M, 4)``: mass, multiplicity, N-subjettiness.

N-subjettiness (Thaler & Van Tilburg, arXiv:1011.2268), normalised, with beta = 1 by default::

    tau_N = sum_i pT_i min_k dR_ik^beta  /  sum_i pT_i R0^beta,      R0 = 0.8 (the jet radius)

dR is measured in (rapidity, phi).  **Axes**: exclusive-kT axes — the jet's constituents are reclustered with the kT
distance d_ij = min(pT_i^2, pT_j^2) dR_ij^2, E-scheme (four-vector) recombination and no beam distance (R -> infinity),
until exactly N pseudojets remain; those are the axes (no further minimisation).  This is FastJet's
``exclusive_jets(N)`` for the kt algorithm with a very large R, which we use here (scikit-hep ``fastjet``, vectorised
over jets); ``tests/jets`` checks it against a brute-force implementation of the same definition.
A jet with fewer than N constituents has tau_N = 0.
"""
from __future__ import annotations

import warnings

import numpy as np

from ._quiet import quiet_stdout
from .kinematics import _check_p4, jet_p4, rapidity, wrap_phi

__all__ = ["mass", "pt", "multiplicity", "exclusive_kt_axes", "nsubjettiness", "tau21", "tau32"]

KT_R_INFINITE = 1000.0  # FastJet's largest allowed R; with it no beam merging happens before N pseudojets remain


def mass(p4) -> np.ndarray:
    """Invariant mass of each jet (sum of constituents), ``(N,)``; negative m^2 from rounding gives 0."""
    E, px, py, pz = jet_p4(p4).T
    return np.sqrt(np.maximum(E ** 2 - px ** 2 - py ** 2 - pz ** 2, 0.0))


def pt(p4) -> np.ndarray:
    """Transverse momentum of each jet, ``(N,)``."""
    j = jet_p4(p4)
    return np.hypot(j[:, 1], j[:, 2])


def multiplicity(p4) -> np.ndarray:
    """Number of constituents (entries with E > 0) of each jet, ``(N,)`` int."""
    p4 = _check_p4(p4)
    return (p4[..., 0] > 0).sum(axis=1)


def _to_awkward(p4, mask):
    import awkward as ak

    counts = mask.sum(axis=1)
    flat = p4[mask]
    rec = ak.zip({"px": flat[:, 1], "py": flat[:, 2], "pz": flat[:, 3], "E": flat[:, 0]}, with_name="Momentum4D")
    return ak.unflatten(rec, counts)


def exclusive_kt_axes(p4, n_axes: int) -> np.ndarray:
    """Exclusive-kT axes ``(N, n_axes, 4)`` as (E, px, py, pz); jets with fewer constituents get zero axes."""
    import awkward as ak
    import fastjet

    p4 = _check_p4(p4)
    mask = p4[..., 0] > 0
    counts = mask.sum(axis=1)
    out = np.zeros((len(p4), n_axes, 4))
    ok = counts >= n_axes
    if not ok.any():
        return out
    sub = p4[ok]
    arr = _to_awkward(sub, mask[ok])
    jd = fastjet.JetDefinition(fastjet.kt_algorithm, KT_R_INFINITE)
    with quiet_stdout(), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # fastjet warns about exclusive jets even for kt
        cs = fastjet.ClusterSequence(arr, jd)
        ex = cs.exclusive_jets(n_jets=n_axes)
    ax = np.stack([ak.to_numpy(ak.flatten(ex[c])).reshape(-1, n_axes) for c in ("E", "px", "py", "pz")], axis=-1)
    out[ok] = ax
    return out


def nsubjettiness(p4, n_axes: int, beta: float = 1.0, R0: float = 0.8, axes=None) -> np.ndarray:
    """Normalised N-subjettiness tau_N ``(N,)`` with exclusive-kT axes (see module docstring)."""
    p4 = _check_p4(p4)
    if axes is None:
        axes = exclusive_kt_axes(p4, n_axes)
    E, px, py, pz = (p4[..., k] for k in range(4))
    cpt = np.hypot(px, py)
    real = cpt > 0
    cy = rapidity(E, pz)
    cphi = np.arctan2(py, px)
    aE, apx, apy, apz = (axes[..., k] for k in range(4))
    ay = rapidity(aE, apz)
    aphi = np.arctan2(apy, apx)
    dy = cy[:, :, None] - ay[:, None, :]
    dphi = wrap_phi(cphi[:, :, None] - aphi[:, None, :])
    dr = np.sqrt(dy ** 2 + dphi ** 2)
    dmin = dr.min(axis=2)
    num = (cpt * np.where(real, dmin ** beta, 0.0)).sum(axis=1)
    den = cpt.sum(axis=1) * R0 ** beta
    tau = np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)
    counts = real.sum(axis=1)
    return np.where(counts >= n_axes, tau, 0.0)


def _ratio(a, b):
    return np.where(b > 0, a / np.where(b > 0, b, 1.0), 0.0)


def tau21(p4, beta: float = 1.0, R0: float = 0.8) -> np.ndarray:
    """tau_2 / tau_1 (0 where tau_1 = 0)."""
    return _ratio(nsubjettiness(p4, 2, beta, R0), nsubjettiness(p4, 1, beta, R0))


def tau32(p4, beta: float = 1.0, R0: float = 0.8) -> np.ndarray:
    """tau_3 / tau_2 (0 where tau_2 = 0)."""
    return _ratio(nsubjettiness(p4, 3, beta, R0), nsubjettiness(p4, 2, beta, R0))
