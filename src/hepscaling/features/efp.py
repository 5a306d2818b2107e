"""Energy flow polynomials (paper A eq. 2), exact and batched.

Public API
----------
``compute_efps(jets, dmax=6, beta=1.0, normed=True)`` -> ``(N, n_efp)`` float64
    Every nontrivial EFP of degree <= ``dmax`` (313 for dmax=6, 999 for dmax=7) in the column order of
    ``energyflow.EFPSet(('d<=', dmax), measure='hadr', beta=beta, normed=normed)`` with its trivial first column
    (the empty graph, = 1) dropped.  ``jets`` is ``(N, M, 3)`` = (pT, y, phi) per particle, pT == 0 marks padding;
    hadronic measure: ``z_i = pT_i / sum pT`` (``normed``) and ``theta_ij = (dy^2 + dphi^2)^(beta/2)`` with dphi
    taken modulo 2 pi, exactly as energyflow does.
``efp_graphs(dmax=6)`` -> list of :class:`EFPGraph` (degree, edges, vertices, connected components ...) in the same
    order as the columns.
``efps_for(jets, dmax=6, beta=1.0, normed=True)``
    the cached wrapper (``hepscaling.cache.cached``) that paper A notebooks call: same result, computed once per
    dataset.

How it is fast
--------------
energyflow evaluates each graph per jet with ``numpy.einsum``.  Here all graphs are compiled once into a single
*program* of batched tensor contractions (variable elimination) that runs over a batch of jets of similar
multiplicity at a time (torch, float64, CUDA when present):

* each connected graph is put in a canonical labelling and eliminated vertex by vertex (a vertex with at most two
  remaining neighbours costs one batched matrix product ``(Theta^a diag(w) Theta^b)`` or a matrix-vector product);
* every intermediate tensor gets a canonical key (which leaves, contracted how), so the same partial contraction,
  shared by many graphs, is computed once per batch (hash-consing);
* graphs of tree-width 3 (for d <= 6 only K4) are *conditioned* on one vertex c: for every c the remaining graph has
  tree-width <= 2 with vertex weights ``z_v Theta_cv^m``; the batch is expanded by the particle index of c and all
  such graphs share one expanded program.  K4 then costs one batched matrix product per (jet, particle);
* disconnected graphs are products of their connected components, each computed once.
"""
from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from ..cache import cached
from ._validate import check_jets, multiplicities, n_cores

__all__ = ["compute_efps", "efp_graphs", "efps_for", "EFPGraph", "n_efps"]


# ----------------------------------------------------------------------------------------------------- graph list
@dataclass(frozen=True)
class EFPGraph:
    """One EFP: its multigraph and summary numbers (energyflow's spec columns)."""

    index: int                      # column in compute_efps output
    edges: tuple                    # ((i, j), ...) multigraph edges, energyflow's labelling
    n_vertices: int                 # n
    n_edges: int                    # e (distinct vertex pairs)
    degree: int                     # d (number of edges counted with multiplicity)
    max_valency: int                # v
    complexity: int                 # c (energyflow's variable-elimination complexity)
    n_components: int               # p (number of connected components, "prime factors")
    components: tuple = field(default=())  # edge lists of the connected components

    @property
    def connected(self) -> bool:
        return self.n_components == 1


@functools.lru_cache(maxsize=None)
def _ef_graph_list(dmax: int):
    import energyflow as ef

    s = ef.EFPSet(("d<=", dmax), measure="hadr", beta=1, normed=True)
    cols = list(s.cols)
    specs = np.asarray(s.specs)
    graphs = [tuple(tuple(int(x) for x in e) for e in g) for g in s.graphs()]
    return graphs, specs, cols


def _components(edges):
    verts = sorted({v for e in edges for v in e})
    parent = {v: v for v in verts}

    def find(v):
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for a, b in edges:
        parent[find(a)] = find(b)
    groups: dict = {}
    for e in edges:
        groups.setdefault(find(e[0]), []).append(e)
    return [tuple(g) for g in groups.values()]


@functools.lru_cache(maxsize=None)
def efp_graphs(dmax: int = 6) -> tuple:
    """The nontrivial EFP graphs of degree <= ``dmax`` in ``compute_efps`` column order (energyflow's order)."""
    graphs, specs, cols = _ef_graph_list(int(dmax))
    ci = {c: i for i, c in enumerate(cols)}
    out = []
    for k, (g, sp) in enumerate(zip(graphs, specs)):
        if len(g) == 0:
            continue  # trivial EFP (empty graph) = sum z = 1
        comps = tuple(_components(g))
        out.append(EFPGraph(index=len(out), edges=g, n_vertices=int(sp[ci["n"]]), n_edges=int(sp[ci["e"]]),
                            degree=int(sp[ci["d"]]), max_valency=int(sp[ci["v"]]),
                            complexity=int(sp[ci["c"]]), n_components=len(comps), components=comps))
    return tuple(out)


def n_efps(dmax: int = 6) -> int:
    """Number of nontrivial EFPs with degree <= dmax (313 for 6, 999 for 7)."""
    return len(efp_graphs(dmax))


# --------------------------------------------------------------------------------------------- canonical labelling
def _canonical_graph(edges) -> tuple:
    """Canonical (isomorphism-invariant) edge list of a connected multigraph, vertices relabelled 0..n-1."""
    verts = sorted({v for e in edges for v in e})
    mult: dict = {}
    for a, b in edges:
        k = (min(a, b), max(a, b))
        mult[k] = mult.get(k, 0) + 1
    inv = {}
    for v in verts:
        ms = sorted(m for (a, b), m in mult.items() if v in (a, b))
        inv[v] = (sum(ms), len(ms), tuple(ms))
    # refine once more with neighbours' invariants
    inv2 = {v: (inv[v], tuple(sorted((m, inv[b if a == v else a]) for (a, b), m in mult.items() if v in (a, b))))
            for v in verts}
    classes = sorted({inv2[v] for v in verts})
    groups = [[v for v in verts if inv2[v] == c] for c in classes]
    best = None
    for perms in itertools.product(*[itertools.permutations(g) for g in groups]):
        order = [v for p in perms for v in p]
        lab = {v: i for i, v in enumerate(order)}
        key = tuple(sorted((min(lab[a], lab[b]), max(lab[a], lab[b]), m) for (a, b), m in mult.items()))
        if best is None or key < best:
            best = key
    return best  # ((i, j, multiplicity), ...)


# ------------------------------------------------------------------------------------------------ program planning
_K4 = ((0, 1, 1), (0, 2, 1), (0, 3, 1), (1, 2, 1), (1, 3, 1), (2, 3, 1))


def _k4_kernel():
    """numba kernel: K4 EFP = 24 * sum_{i<j<k<l} z_i z_j z_k z_l th_ij th_ik th_il th_jk th_jl th_kl per jet.

    Terms with a repeated index vanish (theta_ii = 0 and every pair of K4's vertices is joined), so the sum over
    ordered distinct 4-tuples is 4! times the sum over increasing ones: M^4/24 multiply-adds instead of ~2 M^4.
    """
    global _K4_FN
    if _K4_FN is None:
        import numba

        @numba.njit(nogil=True, fastmath=True, cache=True)
        def k4(z, th, n):
            B = z.shape[0]
            M = z.shape[1]
            out = np.zeros(B)
            q = np.empty(M)
            for b in range(B):
                m = n[b]
                s = 0.0
                for i in range(m):
                    for j in range(i + 1, m):
                        zij = z[b, i] * z[b, j] * th[b, i, j]
                        for l in range(j + 1, m):
                            q[l] = z[b, l] * th[b, i, l] * th[b, j, l]
                        for k in range(j + 1, m):
                            acc = 0.0
                            for l in range(k + 1, m):
                                acc += q[l] * th[b, k, l]
                            s += zij * q[k] * acc
                out[b] = 24.0 * s
            return out

        _K4_FN = k4
    return _K4_FN


_K4_FN = None
class _Program:
    """A list of batched tensor operations shared by all graphs, built by hash-consed variable elimination.

    Tensors are identified by keys; ``self.ops`` holds, in execution order, ``(key, kind, payload)``.  Context 0 is
    the plain batch (shape (B, ...)); context 1 is conditioned on one particle c (shape (B, M_c, ...)).
    """

    def __init__(self):
        self.ops = []
        self.sym = {}
        self.known = set()

    def leaf(self, key, sym):
        if key not in self.known:
            self.known.add(key)
            self.sym[key] = sym
            self.ops.append((key, "leaf", None))
        return key

    def contract(self, ctx, children, outv, summed):
        """Product of children (key, vars) summed over vertex ``summed`` (or None); returns (key, out var order)."""
        orders = [tuple(outv)] if len(outv) < 2 else list(itertools.permutations(outv))
        keys = []
        for o in orders:
            pos = {v: i for i, v in enumerate(o)}
            ent = []
            for ck, cv in children:
                p = tuple(-1 if v == summed else pos[v] for v in cv)
                if self.sym.get(ck, False):
                    p = tuple(sorted(p))
                ent.append((ck, p))
            k = ("c", ctx, summed is not None, len(o), tuple(sorted(ent, key=repr)))
            keys.append((repr(k), k, o, ent))
        keys.sort(key=lambda t: t[0])
        _, key, order, ent = keys[0]
        sym = len(keys) == 2 and keys[0][0] == keys[1][0]
        if key not in self.known:
            self.known.add(key)
            self.sym[key] = sym
            ent = [(ck, p, self.sym.get(ck, False)) for ck, p in ent]
            self.ops.append((key, "contract", (ent, len(order), summed is not None)))
        return key, order

    def product(self, keys):
        key = ("prod", tuple(sorted(keys, key=repr)))
        if key not in self.known:
            self.known.add(key)
            self.ops.append((key, "prod", key[1]))
        return key

    def condsum(self, key):
        k = ("condsum", key)
        if k not in self.known:
            self.known.add(k)
            self.ops.append((k, "condsum", key))
        return k

    # -------------------------------------------------------------------------------------------------------------
    def eliminate(self, ctx, factors, vertices, allow_condition=True, graph=None):
        """Variable elimination of ``vertices`` given factors [(key, vars)]; returns a scalar key (product)."""
        factors = list(factors)
        remaining = set(vertices)
        scalars = []
        while remaining:
            def nbrs(v):
                s = set()
                for _, vs in factors:
                    if v in vs:
                        s.update(vs)
                s.discard(v)
                return s

            cand = sorted(remaining, key=lambda v: (len(nbrs(v)), sum(v in vs for _, vs in factors), v))
            v = cand[0]
            nb = nbrs(v)
            if len(nb) >= 3:
                if not allow_condition or graph is None:
                    raise NotImplementedError("EFP graph of tree-width > 3 (needs dmax <= 7)")
                return self._conditioned(graph)
            # merge factors over identical variable sets that contain v
            touching = [f for f in factors if v in f[1]]
            factors = [f for f in factors if v not in f[1]]
            groups: dict = {}
            for k, vs in touching:
                groups.setdefault(frozenset(vs), []).append((k, vs))
            merged = []
            for s, fs in groups.items():
                if len(fs) == 1:
                    merged.append(fs[0])
                else:
                    outv = tuple(sorted(s))
                    k, o = self.contract(ctx, fs, outv, None)
                    merged.append((k, o))
            k, o = self.contract(ctx, merged, tuple(sorted(nb)), v)
            remaining.discard(v)
            if len(o) == 0:
                scalars.append(k)
            else:
                factors.append((k, o))
        assert not factors, factors
        return self.product(scalars) if len(scalars) > 1 else scalars[0]

    def graph(self, canon):
        """Plan one connected canonical graph ((i, j, m), ...); returns its scalar key (context 0)."""
        verts = sorted({x for e in canon for x in e[:2]})
        if not canon:
            raise ValueError("empty graph")
        if canon == _K4:  # the complete graph on 4 vertices: a dedicated compiled kernel
            key = ("k4",)
            if key not in self.known:
                self.known.add(key)
                self.ops.append((key, "k4", None))
            return key
        factors = [(self.leaf(("z", 0), False), (v,)) for v in verts]
        factors += [(self.leaf(("theta", 0, m), True), (a, b)) for a, b, m in canon]
        return self.eliminate(0, factors, verts, graph=canon)

    def _conditioned(self, canon):
        verts = sorted({x for e in canon for x in e[:2]})
        deg = {v: sum(m for a, b, m in canon if v in (a, b)) for v in verts}
        c = max(verts, key=lambda v: (sum(1 for a, b, m in canon if v in (a, b)), deg[v], -v))
        rest = [v for v in verts if v != c]
        factors = []
        for v in rest:
            m = sum(mm for a, b, mm in canon if {a, b} == {c, v})
            factors.append((self.leaf(("zc", 1, m) if m else ("z", 1), False), (v,)))
        factors += [(self.leaf(("theta", 1, m), True), (a, b)) for a, b, m in canon if c not in (a, b)]
        s = self.eliminate(1, factors, rest, allow_condition=False)
        return self.condsum(s)


@functools.lru_cache(maxsize=None)
def _plan(dmax: int):
    graphs = efp_graphs(dmax)
    prog = _Program()
    comp_keys = {}
    columns = []
    for g in graphs:
        keys = []
        for comp in g.components:
            canon = _canonical_graph(comp)
            if canon not in comp_keys:
                comp_keys[canon] = prog.graph(canon)
            keys.append(comp_keys[canon])
        columns.append(tuple(keys))
    max_m = max(m for canon in comp_keys for _, _, m in canon)
    needs_cond = any(op[1] == "condsum" for op in prog.ops)
    return prog, columns, max_m, needs_cond


# ------------------------------------------------------------------------------------------------------- execution


def _run_program(prog, columns, z, theta, max_m, needs_cond, cond_chunk):
    """Execute the program on one batch: z (B, M), theta (B, M, M) torch float64 tensors -> (B, n_cols)."""
    import torch

    B, M = z.shape
    powers = {1: theta}
    for m in range(2, max_m + 1):
        powers[m] = powers[m - 1] * theta
    vals = {}
    ctx1_ops = [op for op in prog.ops if _ctx(op[0]) == 1]
    targets = [op[2] for op in prog.ops if op[1] == "condsum"]
    if targets:
        acc = {t: torch.zeros(B, dtype=z.dtype, device=z.device) for t in targets}
        for c0 in range(0, M, cond_chunk):
            c1 = min(M, c0 + cond_chunk)
            v1 = _run_ctx1(ctx1_ops, z, powers, c0, c1)
            for t in targets:
                acc[t] = acc[t] + (v1[t] * z[:, c0:c1]).sum(-1)
    last_use = _last_use(prog)
    for n, (key, kind, payload) in enumerate(prog.ops):
        if _ctx(key) == 1:
            continue
        if kind == "leaf":
            vals[key] = z if key[0] == "z" else powers[key[2]]
        elif kind == "condsum":
            vals[key] = acc[payload]
        elif kind == "k4":
            zn = z.cpu().numpy()
            k4 = _k4_kernel()(zn, theta.cpu().numpy(), (zn > 0).sum(1).astype(np.int64))
            vals[key] = torch.from_numpy(k4).to(z.device)
        else:
            vals[key] = _exec(kind, payload, vals, key)
            for ck in last_use.get(n, ()):
                if vals[ck].dim() > 1:  # keep the per-jet scalars, free vectors and matrices
                    del vals[ck]
    out = torch.empty((B, len(columns)), dtype=z.dtype, device=z.device)
    for j, keys in enumerate(columns):
        v = vals[keys[0]]
        for k in keys[1:]:
            v = v * vals[k]
        out[:, j] = v
    return out


def _last_use(prog):
    """{op position: keys whose last reader is that op} for the context-0 operations."""
    if getattr(prog, "_last", None) is None:
        last = {}
        for n, (key, kind, payload) in enumerate(prog.ops):
            if kind == "contract":
                for ck, _, _ in payload[0]:
                    last[ck] = n
        inv: dict = {}
        for ck, n in last.items():
            inv.setdefault(n, []).append(ck)
        prog._last = inv
    return prog._last


def _ctx(key):
    """Context of a tensor key: 1 for tensors inside a conditioned sub-program, else 0."""
    if key[0] in ("z", "zc", "theta", "c"):
        return key[1]
    if key[0] == "prod":
        return max(_ctx(k) for k in key[1])
    return 0  # condsum lives in context 0


def _run_ctx1(ops, z, powers, c0, c1):
    vals = {}
    for key, kind, payload in ops:
        if kind == "leaf":
            name = key[0]
            if name == "z":
                vals[key] = z[:, None, :]
            elif name == "zc":
                vals[key] = z[:, None, :] * powers[key[2]][:, c0:c1, :]
            else:
                vals[key] = powers[key[2]][:, None, :, :]
        else:
            vals[key] = _exec(kind, payload, vals, key)
    return vals


def _mat(t, pos, first, sym):
    """Orient a matrix operand: as (out, summed) when ``first`` else as (summed, out)."""
    if sym:
        return t
    want_t = (pos[0] == -1) if first else (pos[1] == -1)
    return t.transpose(-1, -2) if want_t else t


def _matmul(a, b):
    """Batched a @ b where either operand may carry a broadcast (size-1) conditioning axis: (B, 1, M, M)."""
    import torch

    if a.dim() == 4 and b.dim() == 4:
        if b.shape[1] == 1 and a.shape[1] > 1:
            B, C, M, K = a.shape
            return torch.matmul(a.reshape(B, C * M, K), b[:, 0]).reshape(B, C, M, b.shape[-1])
        if a.shape[1] == 1 and b.shape[1] > 1:
            bt = b.transpose(-1, -2)
            B, C, N, K = bt.shape
            r = torch.matmul(bt.reshape(B, C * N, K), a[:, 0].transpose(-1, -2)).reshape(B, C, N, a.shape[-2])
            return r.transpose(-1, -2)
    return torch.matmul(a, b)


def _exec(kind, payload, vals, key):
    if kind == "prod":
        v = vals[payload[0]]
        for k in payload[1:]:
            v = v * vals[k]
        return v
    ent, n_out, summed = payload
    vecs = [vals[ck] for ck, pos, _ in ent if len(pos) == 1]
    mats = [(vals[ck], pos, sym) for ck, pos, sym in ent if len(pos) == 2]
    if not summed:  # elementwise product over the same variables
        v = None
        if n_out == 1:
            for t in vecs:
                v = t if v is None else v * t
            return v
        for t, pos, sym in mats:
            t = t if (sym or pos == (0, 1)) else t.transpose(-1, -2)
            v = t if v is None else v * t
        return v
    # summed over one vertex: all vectors are on the summed vertex (its weight)
    w = vecs[0]
    for t in vecs[1:]:
        w = w * t
    if n_out == 0:
        return w.sum(-1)
    if n_out == 1:
        (m, pos, sym), = mats
        m = _mat(m, pos, True, sym)  # (i, z)
        if m.dim() == w.dim() + 1 and m.shape[:-2] == w.shape[:-1]:
            return _matvec(m, w)
        return _matmul(m, w.unsqueeze(-1)).squeeze(-1) if m.dim() == 4 else (m * w.unsqueeze(-2)).sum(-1)
    (a, pa, sa), (b, pb, sb) = mats
    if 1 in pa:  # make ``a`` the factor carrying output axis 0
        (a, pa, sa), (b, pb, sb) = (b, pb, sb), (a, pa, sa)
    a = _mat(a, pa, True, sa)   # (i, z)
    b = _mat(b, pb, False, sb)  # (z, j)
    return _matmul(a * w.unsqueeze(-2), b)


def _matvec(m, w):
    import torch

    return torch.matmul(m, w.unsqueeze(-1)).squeeze(-1)


def _device(device):
    import torch

    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def compute_efps(jets, dmax: int = 6, beta: float = 1.0, normed: bool = True, *, batch_elements: int = 1 << 20,
                 spread: float = 1.15, n_jobs: int | None = None, device=None) -> np.ndarray:
    """All nontrivial EFPs of degree <= ``dmax`` for each jet (energyflow's column order, trivial column dropped).

    Parameters
    ----------
    jets : (N, M, 3) array of (pT, y, phi), pT == 0 marks padding.
    dmax : maximal degree (number of edges); 6 -> 313 columns, 7 -> 999.
    beta : angular exponent, ``theta_ij = (dy^2 + dphi^2)^(beta/2)``.
    normed : use energy fractions ``z_i = pT_i / sum_j pT_j`` (True) or raw pT (False), as energyflow.
    batch_elements : memory knob: jets are processed in batches of similar multiplicity with
        ``B * M^2 <= batch_elements``; graphs conditioned on a particle use (B, C, M, M) tensors with the chunk C
        of conditioning particles chosen so that ``B * C * M^2 <= 4 * batch_elements``.
    spread : a batch holds jets whose multiplicities lie within ``[m, spread * m + 4]`` (less padding work).
    n_jobs : CPU threads over batches (default: all cores).
    device : torch device (default: CUDA when available, else CPU).

    Returns
    -------
    (N, n_efp) float64 array.
    """
    import torch

    a = check_jets(jets)
    dmax = int(dmax)
    if dmax < 1:
        raise ValueError(f"dmax: expected an integer >= 1, got {dmax}")
    prog, columns, max_m, needs_cond = _plan(dmax)
    N = a.shape[0]
    out = np.empty((N, len(columns)), dtype=np.float64)
    if N == 0:
        return out
    dev = _device(device)
    mult = multiplicities(a)
    order = np.argsort(mult, kind="stable")
    batches = []
    i = 0
    while i < N:
        m_here = m_first = int(mult[order[i]])
        # grow the batch while B * M^2 stays within budget and the multiplicities stay similar (little padding)
        j = i
        while j < N:
            m_new = int(mult[order[j]])
            if j > i and ((j - i + 1) * max(m_new, 1) ** 2 > batch_elements or m_new > spread * m_first + 4):
                break
            j += 1
            m_here = m_new
        batches.append((order[i:j], max(m_here, 1)))
        i = j

    def run(batch):
        idx, m_here = batch
        sub = a[idx]
        # move real particles to the front and trim padding
        msk = sub[..., 0] > 0
        srt = np.argsort(~msk, axis=1, kind="stable")
        sub = np.take_along_axis(sub, srt[..., None], axis=1)[:, :m_here]
        t = torch.from_numpy(np.ascontiguousarray(sub)).to(dev)
        pt, y, phi = t[..., 0], t[..., 1], t[..., 2]
        z = pt / pt.sum(-1, keepdim=True) if normed else pt
        dy = y[:, :, None] - y[:, None, :]
        dphi = math.pi - torch.abs(torch.abs(phi[:, :, None] - phi[:, None, :]) - math.pi)
        th2 = dy * dy + dphi * dphi
        theta = torch.sqrt(th2) if beta == 1.0 else th2 ** (beta / 2.0)
        if beta != 1.0:
            theta = torch.where(th2 > 0, theta, torch.zeros_like(theta))
        Mb = z.shape[1]
        cond_chunk = max(1, min(Mb, 4 * batch_elements // max(1, len(idx) * Mb * Mb)))
        res = _run_program(prog, columns, z, theta, max_m, needs_cond, cond_chunk)
        out[idx] = res.cpu().numpy()

    if dev.type == "cpu":
        # Many small batched products: one intra-op thread each (an OpenMP barrier per tiny op costs milliseconds on
        # a busy machine), and the batches spread over the cores with threads (torch and the K4 kernel release the
        # GIL).
        from concurrent.futures import ThreadPoolExecutor

        workers = n_cores() if n_jobs is None else max(1, int(n_jobs))
        prev = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            if workers > 1 and len(batches) > 1:
                with ThreadPoolExecutor(workers) as ex:
                    list(ex.map(run, batches))
            else:
                for b in batches:
                    run(b)
        finally:
            torch.set_num_threads(prev)
    else:
        for b in batches:
            run(b)
    return out


@cached
def efps_for(jets, dmax: int = 6, beta: float = 1.0, normed: bool = True) -> np.ndarray:
    """Cached :func:`compute_efps` (content-addressed on the jets array and parameters)."""
    return compute_efps(jets, dmax=dmax, beta=beta, normed=normed)
