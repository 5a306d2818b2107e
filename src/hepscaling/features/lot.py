"""Linearized optimal transport (LOT) embedding of jets (Cai, Cheng, Craig, Craig 2020; paper A eq. 5-6).

Each jet is centred and pT-normalised exactly as for the EMD (:func:`hepscaling.features.emd.prepare_jets`).  The
reference jet has ``n_ref`` particles of equal weight ``1/n_ref`` on a square grid of equally spaced points (cell
centres of ``[-R, R]^2`` in (y, phi), ``n_ref`` a perfect square).  For each jet the exact 2-Wasserstein plan
``f_ij`` from the reference to the jet (squared Euclidean cost, network simplex) gives the barycentric projection
``z_i = (1/R_i) sum_j f_ij x_j`` (eq. 6); the embedding is ``(z_1y, z_1phi, z_2y, z_2phi, ...)``, shape
``(N, 2 n_ref)``.  Euclidean distances between embeddings, scaled by ``1/sqrt(n_ref)``, approximate W_2.

Public API
----------
``reference_grid(n_ref=225, R=0.8)`` -> (n_ref, 2) reference positions
``lot_embedding(jets, n_ref=225, R=0.8, *, n_jobs=None)`` -> (N, 2 n_ref)
``lot_embedding_pot(jets, n_ref=225, R=0.8)`` -> the same with a plain per-jet POT loop (``ot.emd``): the anchor of
    the benchmark and the reference of the tests.
``lot_for(jets, n_ref=225, R=0.8)`` -> cached (``hepscaling.cache.cached``) :func:`lot_embedding`.

The exact plans come from the C++ network simplex of the ``wasserstein`` package (``beta=2`` gives the squared
Euclidean cost; the cost matrix is built inside C++), split over cores with forked worker processes.
"""
from __future__ import annotations

import math

import numpy as np

from ..cache import cached
from .emd import n_cores, prepare_jets

__all__ = ["reference_grid", "lot_embedding", "lot_embedding_pot", "lot_for"]


def reference_grid(n_ref: int = 225, R: float = 0.8) -> np.ndarray:
    """Equally spaced reference points: the cell centres of an s x s grid on [-R, R]^2 (n_ref = s^2)."""
    s = int(round(math.sqrt(n_ref)))
    if s * s != n_ref or s < 1:
        raise ValueError(f"n_ref: expected a perfect square (s x s grid of reference particles), got {n_ref}")
    if not (np.isfinite(R) and R > 0):
        raise ValueError(f"R: expected a positive number, got {R!r}")
    h = 2.0 * R / s
    g = -R + h * (np.arange(s) + 0.5)
    yy, pp = np.meshgrid(g, g, indexing="ij")
    return np.stack([yy.ravel(), pp.ravel()], axis=1)


def _embed_chunk(task):
    import wasserstein

    i0, ref, events = task
    n_ref = len(ref)
    w_ref = np.full(n_ref, 1.0 / n_ref)
    solver = wasserstein.EMD(R=1.0, beta=2.0, norm=False)
    out = np.empty((len(events), 2 * n_ref))
    for n, e in enumerate(events):
        solver(w_ref, ref, e[:, 0], e[:, 1:])
        if solver.status() != 0:
            raise RuntimeError(f"LOT: optimal transport failed for jet index {i0 + n} (status {solver.status()})")
        # (n_ref, m) plan; the solver may append a zero-cost "extra particle" row/column carrying the rounding-level
        # difference of the total weights (~1e-16), which is dropped
        f = solver.flows()[:n_ref, :len(e)]
        out[n] = ((f @ e[:, 1:]) * n_ref).ravel()
    return i0, out


_MIN_JETS_FOR_PROCESSES = 2048


def lot_embedding(jets, n_ref: int = 225, R: float = 0.8, *, n_jobs: int | None = None) -> np.ndarray:
    """LOT embedding ``(N, 2 n_ref)`` of (N, M, 3) (pT, y, phi) jets (centred and pT-normalised first).

    ``n_jobs`` worker processes (default: all cores; one process below 2048 jets, where starting the workers and
    shipping the jets costs more than it saves)."""
    from .emd import can_use_processes, map_in_processes

    ref = reference_grid(n_ref, R)
    events = prepare_jets(jets)
    N = len(events)
    out = np.empty((N, 2 * len(ref)))
    if N == 0:
        return out
    n_jobs = n_cores() if n_jobs is None else int(n_jobs)
    step = max(1, min(1024, -(-N // (4 * n_jobs))))
    tasks = [(i, ref, events[i:i + step]) for i in range(0, N, step)]
    if n_jobs > 1 and N >= _MIN_JETS_FOR_PROCESSES and can_use_processes():
        for i0, block in map_in_processes(_embed_chunk, tasks, n_jobs):
            out[i0:i0 + len(block)] = block
    else:
        for t in tasks:
            i0, block = _embed_chunk(t)
            out[i0:i0 + len(block)] = block
    return out


def lot_embedding_pot(jets, n_ref: int = 225, R: float = 0.8) -> np.ndarray:
    """The same embedding from a plain per-jet loop over POT's exact solver ``ot.emd`` (benchmark anchor)."""
    import ot

    ref = reference_grid(n_ref, R)
    a = np.full(len(ref), 1.0 / len(ref))
    out = []
    for e in prepare_jets(jets):
        M = ot.dist(ref, e[:, 1:], metric="sqeuclidean")
        f = ot.emd(a, e[:, 0], M)
        out.append(((f @ e[:, 1:]) / a[:, None]).ravel())
    return np.array(out).reshape(-1, 2 * len(ref))


@cached
def lot_for(jets, n_ref: int = 225, R: float = 0.8) -> np.ndarray:
    """Cached :func:`lot_embedding`."""
    return lot_embedding(jets, n_ref=n_ref, R=R)
