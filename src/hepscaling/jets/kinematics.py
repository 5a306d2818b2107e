"""Jet kinematics on padded arrays: (E, px, py, pz) -> (pT, rapidity, phi), centring, normalisation, rotation.

Conventions (shared by the whole package):

* jets from a source are float arrays ``(N, M, 4)`` = (E, px, py, pz), constituents pT-ordered, zero-padded;
* features use ``(N, M, 3)`` = (pT, y, phi) with pT == 0 marking padding (padding has y = phi = 0);
* phi is *unwrapped around the jet axis*: each constituent's phi is the jet's phi plus the constituent's azimuthal
  distance to it, wrapped into (-pi, pi], so that a jet sitting on the +-pi boundary stays contiguous in (y, phi).
"""
from __future__ import annotations

import numpy as np

__all__ = ["to_ptyphi", "jet_p4", "jet_ptyphim", "wrap_phi", "centre", "center", "normalise", "normalize",
           "rotate", "preprocess"]


def _check_p4(p4) -> np.ndarray:
    p4 = np.asarray(p4, dtype=np.float64)
    if p4.ndim == 2:
        p4 = p4[None]
    if p4.ndim != 3 or p4.shape[-1] != 4:
        raise ValueError(f"p4: expected an array of shape (N, M, 4) as (E, px, py, pz), got shape {p4.shape}")
    return p4


def wrap_phi(dphi):
    """Wrap an azimuthal difference into (-pi, pi]."""
    dphi = np.asarray(dphi, dtype=np.float64)
    return dphi - 2 * np.pi * np.ceil((dphi - np.pi) / (2 * np.pi))


def jet_p4(p4) -> np.ndarray:
    """The jet four-momenta ``(N, 4)``: the sum of the constituents (E-scheme)."""
    return _check_p4(p4).sum(axis=1)


def rapidity(E, pz):
    """Rapidity 0.5 ln((E + pz)/(E - pz)); 0 where E == 0 (padding).  Massless particles along the beam are clipped."""
    E = np.asarray(E, dtype=np.float64)
    pz = np.asarray(pz, dtype=np.float64)
    num = E + pz
    den = E - pz
    tiny = 1e-300
    with np.errstate(divide="ignore", invalid="ignore"):
        y = 0.5 * np.log(np.maximum(num, tiny) / np.maximum(den, tiny))
    return np.where(E > 0, y, 0.0)


def jet_ptyphim(p4) -> np.ndarray:
    """(pT, y, phi, m) of each jet ``(N, 4)``."""
    j = jet_p4(p4)
    E, px, py, pz = j.T
    pt = np.hypot(px, py)
    m = np.sqrt(np.maximum(E ** 2 - px ** 2 - py ** 2 - pz ** 2, 0.0))
    return np.stack([pt, rapidity(E, pz), np.arctan2(py, px), m], axis=1)


def to_ptyphi(p4) -> np.ndarray:
    """Convert padded (E, px, py, pz) jets ``(N, M, 4)`` to (pT, rapidity, phi) ``(N, M, 3)``.

    phi is unwrapped around the jet axis (see module docstring); padding (pT == 0) gives (0, 0, 0).
    """
    p4 = _check_p4(p4)
    E, px, py, pz = (p4[..., k] for k in range(4))
    pt = np.hypot(px, py)
    real = pt > 0
    y = np.where(real, rapidity(E, pz), 0.0)
    phi = np.arctan2(py, px)
    jphi = np.arctan2(py.sum(axis=1), px.sum(axis=1))[:, None]
    phi = np.where(real, jphi + wrap_phi(phi - jphi), 0.0)
    return np.stack([pt, y, phi], axis=-1)


def _check_ptyphi(x) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 3 or x.shape[-1] != 3:
        raise ValueError(f"expected (pT, y, phi) jets of shape (N, M, 3), got shape {x.shape}")
    return x


def centre(ptyphi) -> np.ndarray:
    """Move each jet's pT-weighted centroid in (y, phi) to the origin (padding stays at 0)."""
    x = _check_ptyphi(ptyphi).copy()
    pt = x[..., 0]
    real = pt > 0
    w = pt / np.maximum(pt.sum(axis=1, keepdims=True), 1e-300)
    for k in (1, 2):
        c = (w * x[..., k]).sum(axis=1, keepdims=True)
        x[..., k] = np.where(real, x[..., k] - c, 0.0)
    return x


center = centre


def normalise(ptyphi) -> np.ndarray:
    """Scale the constituents' pT so that each jet's pT sum is 1."""
    x = _check_ptyphi(ptyphi).copy()
    s = x[..., 0].sum(axis=1, keepdims=True)
    x[..., 0] = x[..., 0] / np.where(s > 0, s, 1.0)
    return x


normalize = normalise


def rotate(ptyphi) -> np.ndarray:
    """Rotate centred jets so the pT-weighted principal axis lies along y, then flip so the half-plane y > 0 and
    phi > 0 carry the larger pT.  Use on centred jets (see :func:`centre`)."""
    x = _check_ptyphi(ptyphi).copy()
    pt, y, phi = x[..., 0], x[..., 1], x[..., 2]
    syy = (pt * y * y).sum(1)
    spp = (pt * phi * phi).sum(1)
    syp = (pt * y * phi).sum(1)
    theta = 0.5 * np.arctan2(2 * syp, syy - spp)  # angle of the principal axis
    c, s = np.cos(theta)[:, None], np.sin(theta)[:, None]
    yr = c * y + s * phi
    pr = -s * y + c * phi
    fy = np.where((pt * (yr > 0)).sum(1) >= (pt * (yr < 0)).sum(1), 1.0, -1.0)[:, None]
    fp = np.where((pt * (pr > 0)).sum(1) >= (pt * (pr < 0)).sum(1), 1.0, -1.0)[:, None]
    real = pt > 0
    x[..., 1] = np.where(real, yr * fy, 0.0)
    x[..., 2] = np.where(real, pr * fp, 0.0)
    return x


def preprocess(p4, centre_jets: bool = True, normalise_pt: bool = True, rotate_jets: bool = False) -> np.ndarray:
    """The usual chain: :func:`to_ptyphi`, then centring, pT normalisation and (optionally) rotation."""
    x = to_ptyphi(p4)
    if centre_jets:
        x = centre(x)
    if rotate_jets:
        x = rotate(x)
    if normalise_pt:
        x = normalise(x)
    return x
