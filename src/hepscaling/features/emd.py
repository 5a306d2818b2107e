"""Energy mover's distance between jets (paper A eq. 3-4): exact pairwise matrices and exact k nearest neighbours.

Conventions (as paper A): each jet is *centred* (pT-weighted centroid of (y, phi) moved to the origin, phi taken
relative to the hardest particle first so that the 2 pi wrap never splits a jet) and *pT-normalised* (sum pT = 1)
before the EMD, so the unbalanced term ``|sum E - sum E'|`` of eq. 3 vanishes and, for beta = 1,
``EMD = W_1 / R`` with the Euclidean ground distance in the (y, phi) plane.  Exact EMDs come from the network-simplex
solver of the ``wasserstein`` package (the one energyflow uses); ``energyflow.emd.emd(a, b, R=R, beta=beta)`` on the
prepared jets gives the same numbers.

Public API
----------
``prepare_jets(jets, normalised=True)``       -> list of (M_i, 3) arrays (z, y, phi), centred and normalised
``emd(jet_a, jet_b, R=0.8, beta=1.0)``        -> float, one exact EMD (jets as (M, 3) (pT, y, phi))
``emd_flow(jet_a, jet_b, R=0.8, beta=1.0)``   -> (emd, transport plan, prepared jets) for pictures
``pairwise_emd(jets_a, jets_b=None, R=0.8, beta=1.0, *, out=None, block=1024, n_jobs=None)`` -> (Na, Nb)
    exact, computed block by block (``block`` x ``block`` sub-matrices, threads over cores inside each); pass
    ``out=np.lib.format.open_memmap(...)`` (or any writable (Na, Nb) array) so the full matrix never has to sit in
    memory; ``jets_b=None`` computes the symmetric matrix of ``jets_a`` once per pair.
    ``normalised=False`` (also for ``prepare_jets`` and ``emd``) keeps the pT in GeV: eq. 3 in full, the transport
    cost ``sum f_ij (theta_ij / R)^beta`` plus ``|sum pT - sum pT'|``.  With normalised jets R only rescales every
    distance (EMD = W_1 / R for beta = 1), so it cannot change a kNN classifier; the R dependence of paper A's
    Fig. 6 lives in the balance between the two terms, which this variant keeps.
``knn_emd(train_jets, query_jets, k, R=0.8, beta=1.0, *, n_jobs=None, return_stats=False)``
    -> (indices (Nq, k), distances (Nq, k)) sorted by distance: the exact k nearest training jets, identical to brute
    force, with far fewer exact EMD solves (see below).
``emd_lower_bounds(query_jet, train_jets, R, beta)`` -> the cheap exact lower bounds used by ``knn_emd``.
Cached wrappers (``hepscaling.cache.cached``) for the notebooks: ``pairwise_emd_for(jets_a, jets_b, R, beta)`` and
``knn_emd_for(train_jets, query_jets, k, R, beta)``.

Exact lower bounds for the kNN search
-------------------------------------
For probability measures mu, nu and any 1-Lipschitz map g of the plane to the line, pushing an optimal coupling
forward through g gives a coupling of g#mu, g#nu whose cost is not larger, because ``|g(x)-g(y)|^beta <=
|x-y|^beta``.  Hence ``W_beta^beta(g#mu, g#nu) <= W_beta^beta(mu, nu)`` and, for beta >= 1, the left side is the
1-D optimal transport cost, computed exactly in O(M) from the sorted values (quantile coupling).  With equal total
pT the unbalanced term of eq. 3 is zero on both sides, so ``LB = max_g W_1D(g) / R^beta <= EMD``.  We use the
projections onto 8 directions and the radial map ``r = |x|`` (all 1-Lipschitz).  Candidates are visited in
increasing LB; exact EMDs are solved until the LB exceeds the current k-th smallest exact distance, so the result is
exactly the brute-force one.  (For beta < 1 the quantile coupling is not optimal in 1-D; the search then falls back to
solving every pair.)
"""
from __future__ import annotations

import numpy as np

from ..cache import cached
from ._validate import check_jets, n_cores

__all__ = ["prepare_jets", "emd", "emd_flow", "pairwise_emd", "knn_emd", "emd_lower_bounds", "pairwise_emd_for",
           "knn_emd_for", "n_cores"]

N_DIRECTIONS = 8


# --------------------------------------------------------------------------------------------------- preparation
def prepare_jets(jets, name: str = "jets", normalised: bool = True) -> list:
    """Centre and pT-normalise every jet; returns a list of (M_i, 3) float64 arrays (z, y, phi) without padding
    (with ``normalised=False``: (pT, y, phi), pT in GeV).

    phi is first unwrapped around each jet's hardest particle (``to_ptyphi`` output already is), then
    ``hepscaling.jets.kinematics.centre`` and ``normalise`` are applied.
    """
    from ..jets.kinematics import centre, normalise, wrap_phi

    a = check_jets(jets, name).copy()
    if len(a) == 0:
        return []
    real = a[..., 0] > 0
    ref = np.take_along_axis(a[..., 2], np.argmax(a[..., 0], axis=1)[:, None], axis=1)
    a[..., 2] = np.where(real, ref + wrap_phi(a[..., 2] - ref), 0.0)
    x = normalise(centre(a)) if normalised else centre(a)
    return [np.ascontiguousarray(j[m]) for j, m in zip(x, real)]


def emd(jet_a, jet_b, R: float = 0.8, beta: float = 1.0, normalised: bool = True) -> float:
    """Exact EMD between two (M, 3) (pT, y, phi) jets after centring and pT-normalisation (``normalised=False``:
    pT in GeV, with the ``|sum pT - sum pT'|`` term of eq. 3)."""
    import wasserstein

    (a,), (b,) = (prepare_jets(np.asarray(jet_a)[None], "jet_a", normalised),
                  prepare_jets(np.asarray(jet_b)[None], "jet_b", normalised))
    solver = wasserstein.EMD(R=R, beta=beta, norm=False)
    return float(solver(a[:, 0], a[:, 1:], b[:, 0], b[:, 1:]))


def emd_flow(jet_a, jet_b, R: float = 0.8, beta: float = 1.0):
    """The exact EMD and its transport plan between two jets: ``(emd, flow (m_a, m_b), prepared_a, prepared_b)``
    with the prepared (z, y, phi) particles (centred, pT-normalised); ``flow[i, j]`` is the pT fraction moved from
    particle i of jet a to particle j of jet b."""
    import wasserstein

    (a,), (b,) = prepare_jets(np.asarray(jet_a)[None], "jet_a"), prepare_jets(np.asarray(jet_b)[None], "jet_b")
    solver = wasserstein.EMD(R=R, beta=beta, norm=False)
    d = float(solver(a[:, 0], a[:, 1:], b[:, 0], b[:, 1:]))
    return d, np.asarray(solver.flows())[:len(a), :len(b)], a, b


def _check_params(R, beta):
    if not (np.isfinite(R) and R > 0):
        raise ValueError(f"R: expected a positive number, got {R!r}")
    if not (np.isfinite(beta) and beta > 0):
        raise ValueError(f"beta: expected a positive number, got {beta!r}")


# --------------------------------------------------------------------------------------------------- pairwise
def _pairwise_block(ev_a, ev_b, R, beta, n_jobs):
    import wasserstein

    pe = wasserstein.PairwiseEMD(R=R, beta=beta, norm=False, num_threads=n_jobs, print_every=0, verbose=0,
                                 throw_on_error=True)
    if ev_b is None:
        pe(ev_a)
    else:
        pe(ev_a, ev_b)
    return np.asarray(pe.emds(), dtype=np.float64)


def pairwise_emd(jets_a, jets_b=None, R: float = 0.8, beta: float = 1.0, *, out=None, block: int = 1024,
                 n_jobs: int | None = None, progress: bool = True, normalised: bool = True) -> np.ndarray:
    """Exact EMD matrix between centred, pT-normalised jets (paper A eq. 3-4); ``normalised=False`` keeps the pT in
    GeV and the ``|sum pT - sum pT'|`` term of eq. 3 (see the module docstring).

    ``jets_b=None`` gives the symmetric matrix of ``jets_a`` (each pair solved once, zero diagonal).  The matrix is
    computed in ``block`` x ``block`` tiles with ``n_jobs`` threads (default: all cores) and written into ``out``
    (default: a new array); pass a memory-mapped array to keep a large matrix out of memory.
    """
    from ..progress import progress as _progress

    _check_params(R, beta)
    ev_a = prepare_jets(jets_a, "jets_a", normalised)
    sym = jets_b is None
    ev_b = ev_a if sym else prepare_jets(jets_b, "jets_b", normalised)
    na, nb = len(ev_a), len(ev_b)
    if out is None:
        out = np.zeros((na, nb), dtype=np.float64)
    elif tuple(out.shape) != (na, nb):
        raise ValueError(f"out: expected shape {(na, nb)}, got {tuple(out.shape)}")
    n_jobs = n_cores() if n_jobs is None else int(n_jobs)
    block = max(1, int(block))
    tiles = []
    for i0 in range(0, na, block):
        for j0 in range(i0 if sym else 0, nb, block):
            tiles.append((i0, j0))
    for i0, j0 in _progress(tiles, desc="pairwise EMD") if progress else tiles:
        i1, j1 = min(na, i0 + block), min(nb, j0 + block)
        if sym and i0 == j0:
            d = _pairwise_block(ev_a[i0:i1], None, R, beta, n_jobs)
            out[i0:i1, j0:j1] = d
        else:
            d = _pairwise_block(ev_a[i0:i1], ev_b[j0:j1], R, beta, n_jobs)
            out[i0:i1, j0:j1] = d
            if sym:
                out[j0:j1, i0:i1] = d.T
    return out


@cached
def pairwise_emd_for(jets_a, jets_b=None, R: float = 0.8, beta: float = 1.0) -> np.ndarray:
    """Cached :func:`pairwise_emd` (in memory; fine for the notebooks' sizes)."""
    return pairwise_emd(jets_a, jets_b, R=R, beta=beta, progress=False)


# --------------------------------------------------------------------------------------------------- lower bounds
def _projections(ev: np.ndarray, n_dir: int | None = None):
    """Values of the 1-Lipschitz maps (n_dir projections + radius) for one prepared jet: (P, m) values, sorted, and
    the matching cumulative weights (last entry exactly 1)."""
    n_dir = N_DIRECTIONS if n_dir is None else n_dir
    z, x = ev[:, 0], ev[:, 1:]
    ang = np.pi * np.arange(n_dir) / n_dir
    u = np.stack([np.cos(ang), np.sin(ang)], axis=0)  # (2, n_dir)
    vals = np.concatenate([x @ u, np.sqrt((x * x).sum(1))[:, None]], axis=1).T  # (P, m)
    order = np.argsort(vals, axis=1, kind="stable")
    sv = np.take_along_axis(vals, order, axis=1)
    cw = np.cumsum(z[order], axis=1)
    cw /= cw[:, -1:]
    cw[:, -1] = 1.0
    return np.ascontiguousarray(sv), np.ascontiguousarray(cw)


class _BoundIndex:
    """Ragged storage of every training jet's sorted projections, for the lower-bound kernel."""

    def __init__(self, events):
        n = np.array([len(e) for e in events], dtype=np.int64)
        self.offsets = np.concatenate([[0], np.cumsum(n)]).astype(np.int64)
        P = N_DIRECTIONS + 1
        self.vals = np.empty((P, self.offsets[-1]))
        self.cw = np.empty((P, self.offsets[-1]))
        for i, e in enumerate(events):
            v, c = _projections(e)
            self.vals[:, self.offsets[i]:self.offsets[i + 1]] = v
            self.cw[:, self.offsets[i]:self.offsets[i + 1]] = c


_LB_FN: dict = {}


def _lb_kernel(parallel: bool = True):
    if parallel not in _LB_FN:
        import numba

        @numba.njit(parallel=parallel, cache=True)
        def lb(qv, qc, tv, tc, offs, beta, cand, projs, out):
            mq = qv.shape[1]
            for n in numba.prange(cand.shape[0]):
                t = cand[n]
                o0 = offs[t]
                mt = offs[t + 1] - o0
                best = 0.0
                for pp in range(projs.shape[0]):
                    p = projs[pp]
                    i = 0
                    j = 0
                    prev = 0.0
                    cost = 0.0
                    while i < mq and j < mt:
                        a = qc[p, i]
                        b = tc[p, o0 + j]
                        nxt = a if a < b else b
                        d = abs(qv[p, i] - tv[p, o0 + j])
                        if beta != 1.0:
                            d = d ** beta
                        cost += (nxt - prev) * d
                        prev = nxt
                        if a < b:
                            i += 1
                        elif b < a:
                            j += 1
                        else:
                            i += 1
                            j += 1
                    if cost > best:
                        best = cost
                out[n] = best
            return out

        _LB_FN[parallel] = lb
    return _LB_FN[parallel]


def _lower_bounds(q_ev, index: _BoundIndex, R, beta, parallel=True, cand=None, projs=None, qproj=None):
    """Bounds of one prepared query against the training jets ``cand`` (default: all), using the 1-D maps
    ``projs`` (default: all)."""
    qv, qc = _projections(q_ev) if qproj is None else qproj
    if cand is None:
        cand = np.arange(len(index.offsets) - 1, dtype=np.int64)
    if projs is None:
        projs = np.arange(qv.shape[0], dtype=np.int64)
    out = np.empty(len(cand))
    _lb_kernel(parallel)(qv, qc, index.vals, index.cw, index.offsets, float(beta), np.asarray(cand, np.int64),
                         np.asarray(projs, np.int64), out)
    # 1-D costs are sums of ~M positive terms: shrink by a relative 1e-9 so rounding can never make a bound exceed
    # the exact EMD (the solver's own relative accuracy is ~1e-12).
    return out * (1.0 - 1e-9) / R ** beta


def emd_lower_bounds(query_jet, train_jets, R: float = 0.8, beta: float = 1.0) -> np.ndarray:
    """Exact lower bounds (<= EMD) between one (M, 3) jet and each training jet (max of 1-D transport costs)."""
    _check_params(R, beta)
    if beta < 1:
        raise ValueError(f"beta: the 1-D lower bounds need beta >= 1, got {beta}")
    (q,) = prepare_jets(np.asarray(query_jet)[None], "query_jet")
    return _lower_bounds(q, _BoundIndex(prepare_jets(train_jets, "train_jets")), R, beta)


# --------------------------------------------------------------------------------------------------- exact kNN
_WORKER_STATE: dict = {}


def _knn_init(state):
    _WORKER_STATE.clear()
    _WORKER_STATE.update(state)


def _knn_one(q, st):
    """Exact kNN of one prepared query: candidates in increasing lower bound, solved exactly until the bound of the
    next candidate exceeds the current k-th distance.  (Visiting in the order of a cheaper partial bound and
    computing the full bound lazily was tried: more visits and call overhead made it slower.)"""
    import wasserstein

    k, R, beta = st["k"], st["R"], st["beta"]
    train = st["train"]
    T = len(train)
    solver = st.get("solver")
    if solver is None:
        solver = st["solver"] = wasserstein.EMD(R=R, beta=beta, norm=False)
    if st["use_bounds"]:
        lb = _lower_bounds(q, st["index"], R, beta, parallel=st.get("parallel_lb", False))
        order = np.argsort(lb, kind="stable")
    else:
        lb = np.zeros(T)
        order = np.arange(T)
    qw, qx = q[:, 0], q[:, 1:]
    best_d = np.empty(k)
    best_i = np.empty(k, dtype=np.int64)
    for n in range(k):
        c = order[n]
        e = train[c]
        best_d[n] = solver(qw, qx, e[:, 0], e[:, 1:])
        best_i[n] = c
    worst = int(np.lexsort((best_i, best_d))[-1])
    solves = k
    for n in range(k, T):
        c = order[n]
        if lb[c] > best_d[worst]:
            break  # every remaining candidate has a lower bound above the current k-th distance
        e = train[c]
        d = solver(qw, qx, e[:, 0], e[:, 1:])
        solves += 1
        if d < best_d[worst] or (d == best_d[worst] and c < best_i[worst]):
            best_d[worst] = d
            best_i[worst] = c
            worst = int(np.lexsort((best_i, best_d))[-1])
    srt = np.lexsort((best_i, best_d))
    return best_i[srt], best_d[srt], solves


def _knn_chunk(task):
    i0, queries = task
    return i0, [_knn_one(q, _WORKER_STATE) for q in queries]


def knn_emd(train_jets, query_jets, k: int, R: float = 0.8, beta: float = 1.0, *, n_jobs: int | None = None,
            return_stats: bool = False, progress: bool = True):
    """Exact k nearest training jets under the EMD for each query jet.

    Returns ``(indices, distances)``, each (Nq, k), sorted by increasing distance (ties by training index) — the same
    as brute force (``pairwise_emd`` + sort).  With ``return_stats=True`` a third item gives
    ``{"solves": exact EMD solves, "brute_force_solves": Nq * Nt}``.  ``n_jobs`` worker processes (default: all
    cores; a single process with threaded bounds for fewer than 32 queries).  Neighbours for every k' <= k are the
    first k' columns, so one call serves a scan over k.
    """
    from ..progress import progress as _progress

    _check_params(R, beta)
    train = prepare_jets(train_jets, "train_jets")
    query = prepare_jets(query_jets, "query_jets")
    k = int(k)
    if not 1 <= k <= len(train):
        raise ValueError(f"k: expected 1 <= k <= number of training jets ({len(train)}), got {k}")
    use_bounds = beta >= 1.0
    nq = len(query)
    n_jobs = n_cores() if n_jobs is None else int(n_jobs)
    pooled = n_jobs > 1 and nq >= 32 and can_use_processes()
    state = dict(train=train, k=k, R=float(R), beta=float(beta), use_bounds=use_bounds,
                 index=_BoundIndex(train) if use_bounds else None, parallel_lb=not pooled)
    idx_out = np.empty((nq, k), dtype=np.int64)
    d_out = np.empty((nq, k), dtype=np.float64)
    solves = 0
    step = max(1, min(64, -(-nq // (4 * n_jobs))))
    tasks = [(i, query[i:i + step]) for i in range(0, nq, step)]
    if pooled:
        it = map_in_processes(_knn_chunk, tasks, n_jobs, state)
        for i0, res in (_progress(it, total=len(tasks), desc="kNN EMD") if progress else it):
            for n, (ii, dd, s) in enumerate(res):
                idx_out[i0 + n], d_out[i0 + n] = ii, dd
                solves += s
    else:
        for i0, queries in (_progress(tasks, desc="kNN EMD") if progress else tasks):
            for n, q in enumerate(queries):
                ii, dd, s = _knn_one(q, state)
                idx_out[i0 + n], d_out[i0 + n] = ii, dd
                solves += s
    if return_stats:
        return idx_out, d_out, {"solves": int(solves), "brute_force_solves": int(nq * len(train))}
    return idx_out, d_out


def _pool_init(n_jobs, state=None, init=None):
    """A process pool that is safe to start from a multi-threaded parent (torch, OpenMP, numba threads): workers
    come from a clean fork server, not from a fork of this process; ``state`` is sent once to each worker."""
    import multiprocessing as mp
    import sys
    import types

    ctx = mp.get_context("forkserver")
    # The workers only run functions of this package; hide the caller's __main__ while they start so that a script
    # without an `if __name__ == "__main__":` guard is not re-executed in every worker.
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        if state is None:
            return ctx.Pool(n_jobs)
        return ctx.Pool(n_jobs, initializer=init or _knn_init, initargs=(state,))
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def can_use_processes() -> bool:
    """False inside daemonic processes (e.g. Dask/multiprocessing workers), which may not start children."""
    import multiprocessing as mp

    return not mp.current_process().daemon


def map_in_processes(fn, tasks, n_jobs, state=None, init=None):
    """``imap_unordered(fn, tasks)`` over ``n_jobs`` fork-server workers; runs in this process (with a warning)
    if the pool cannot start."""
    import warnings

    try:
        pool = _pool_init(n_jobs, state, init)
    except (OSError, RuntimeError, EOFError) as err:  # pragma: no cover - depends on the caller's script
        warnings.warn(f"hepscaling.features: worker processes could not start ({err!r}); running in one process.")
        if state is not None:
            (init or _knn_init)(state)
        for t in tasks:
            yield fn(t)
        return
    with pool:
        yield from pool.imap_unordered(fn, tasks)


@cached
def knn_emd_for(train_jets, query_jets, k: int, R: float = 0.8, beta: float = 1.0):
    """Cached :func:`knn_emd` -> (indices, distances)."""
    return knn_emd(train_jets, query_jets, k, R=R, beta=beta, progress=False)
