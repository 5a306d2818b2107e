"""Input checks shared by the feature modules: one clear error naming the jet at fault."""
from __future__ import annotations

import os

import numpy as np


def n_cores() -> int:
    """CPU cores available to this process."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover
        return os.cpu_count() or 1


class JetInputError(ValueError):
    """Bad jet array: the message names the jet index (and the argument) at fault."""


def check_jets(jets, name: str = "jets") -> np.ndarray:
    """Validate an ``(N, M, 3)`` array of (pT, y, phi) jets with pT == 0 padding and return it as float64.

    Raises :class:`JetInputError` (a ``ValueError``) for a wrong shape, NaN/inf, negative pT, or a jet without any
    particle of positive pT, naming the first jet index at fault.
    """
    a = np.asarray(jets)
    if a.ndim == 2 and a.shape[-1] == 3:  # a single jet
        a = a[None]
    if a.ndim != 3 or a.shape[-1] != 3:
        raise JetInputError(f"{name}: expected an array of shape (N, M, 3) = (pT, y, phi) per particle, "
                            f"got shape {a.shape}")
    if not np.issubdtype(a.dtype, np.number):
        raise JetInputError(f"{name}: expected a numeric array, got dtype {a.dtype}")
    a = np.ascontiguousarray(a, dtype=np.float64)
    if a.shape[0] == 0:
        return a
    bad = ~np.isfinite(a).all(axis=(1, 2))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise JetInputError(f"{name}: jet index {i} contains NaN or inf values ({int(bad.sum())} such jets)")
    neg = (a[..., 0] < 0).any(axis=1)
    if neg.any():
        i = int(np.flatnonzero(neg)[0])
        raise JetInputError(f"{name}: jet index {i} has a particle with negative pT (pT must be >= 0; 0 marks "
                            f"padding) ({int(neg.sum())} such jets)")
    empty = ~(a[..., 0] > 0).any(axis=1)
    if empty.any():
        i = int(np.flatnonzero(empty)[0])
        raise JetInputError(f"{name}: jet index {i} has no particle with pT > 0 (empty jet) "
                            f"({int(empty.sum())} such jets)")
    return a


def multiplicities(a: np.ndarray) -> np.ndarray:
    """Number of particles with pT > 0 per jet."""
    return (a[..., 0] > 0).sum(axis=1)


def compact(a: np.ndarray) -> np.ndarray:
    """Move the pT > 0 particles of each jet to the front (stable) and trim the padding to the largest multiplicity."""
    mask = a[..., 0] > 0
    if mask.all():
        return a
    order = np.argsort(~mask, axis=1, kind="stable")
    b = np.take_along_axis(a, order[..., None], axis=1)
    m = int(mask.sum(axis=1).max()) if len(a) else 0
    b = b[:, :max(m, 1)].copy()
    b[~(b[..., 0] > 0)] = 0.0
    return b
