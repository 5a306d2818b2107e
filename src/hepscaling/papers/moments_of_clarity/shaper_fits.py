"""The SHAPER vignette's expensive steps, through the cache: one fit of one observable on a set of jets.

Kept apart from :mod:`.shaper_vignette` so that editing the pages' helpers never invalidates finished fits (the
cache key covers this module's code and the ``hepscaling`` modules it imports: :mod:`hepscaling.shapes`).
"""
from __future__ import annotations

import time

import numpy as np

from ...cache import cached
from ...shapes import shaper


@cached
def fit(jets: np.ndarray, observable: str, R: float, beta: float, n_points: int, n_pileup_points: int, n_init: int,
        max_iter: int, tol: float, seed: int) -> dict:
    """:func:`hepscaling.shapes.shaper` on ``jets`` ``(N, M, 3)``, with the wall time (``seconds``) and the CPU time
    of this process (``cpu_seconds``: the cost on one core, unaffected by other jobs sharing it) of the fit, measured
    when it was computed."""
    import ot  # noqa: F401  (imported before the clock starts: the first import takes seconds)

    t0, c0 = time.perf_counter(), time.process_time()
    out = shaper(jets, observable, R=R, beta=beta, n_points=n_points, n_pileup_points=n_pileup_points,
                 n_init=n_init, max_iter=max_iter, tol=tol, seed=seed)
    out["seconds"] = time.perf_counter() - t0
    out["cpu_seconds"] = time.process_time() - c0
    return out
