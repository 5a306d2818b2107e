"""Jet images: the pT of the constituents binned on a (y, phi) grid around the jet axis (paper A §2's picture)."""
from __future__ import annotations

import numpy as np

from .kinematics import _check_ptyphi

__all__ = ["jet_images"]


def jet_images(ptyphi, npix: int = 33, half_width: float = 1.0) -> np.ndarray:
    """Images ``(N, npix, npix)`` (axis 0 = rapidity, axis 1 = phi) of (pT, y, phi) jets, usually centred, rotated
    and pT-normalised first (:func:`hepscaling.jets.preprocess`).  Pixels span [-half_width, half_width] in both
    directions; constituents outside are dropped; padding is ignored."""
    x = _check_ptyphi(ptyphi)
    n = len(x)
    edges = np.linspace(-half_width, half_width, npix + 1)
    iy = np.digitize(x[..., 1], edges) - 1
    ip = np.digitize(x[..., 2], edges) - 1
    ok = (x[..., 0] > 0) & (iy >= 0) & (iy < npix) & (ip >= 0) & (ip < npix)
    jet = np.broadcast_to(np.arange(n)[:, None], ok.shape)
    img = np.zeros((n, npix, npix))
    np.add.at(img, (jet[ok], iy[ok], ip[ok]), x[..., 0][ok])
    return img
