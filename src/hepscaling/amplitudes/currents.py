"""Colour-ordered Berends-Giele recursion, batched over phase-space points and helicities.

Every off-shell current carries the Lorentz or Dirac index first, then one tensor axis per external leg it contains
(the helicity/polarisation index of that leg, legs in ascending order), then the phase-space points last:
``(4, h_l1, h_l2, ..., N)`` -- points innermost keeps every broadcast product a contiguous, vectorised loop.  Combining two
currents is a broadcast product, so a sub-current is computed once for all helicity states of its own legs and reused
by every larger current and every colour ordering that contains it (currents are memoised by their ordered gluon
content and their set of colourless legs).  Amplitudes are multilinear in the polarisations, so this is the
helicity sum done in one batched pass.

Momenta in currents are *outgoing*: ``q_i = p_i`` for final-state legs and ``q_i = -p_i`` for incoming legs.

Feynman rules (colour-ordered, Tr(T^a T^b) = delta^{ab}, see :mod:`colour`):

* gluon propagator ``-i g_{mu nu} / P^2``; 3-vertex ``(i g_s/sqrt 2) G3 [(J1.J2)(P1-P2) + (P1+2P2).J1 J2 - (2P1+P2).J2 J1]``;
  4-vertex ``(i g_s^2 / 2) [2 J2 (J1.J3) - J1 (J2.J3) - J3 (J1.J2)]``;
* quark-gluon ``(i g_s / sqrt 2) gamma^mu``; quark propagator ``i (Pslash + m) / (P^2 - m^2 + i m Gamma)``;
* electroweak vertices and propagators as in :mod:`model` (unitary gauge for W, Z; fixed widths).
"""
from __future__ import annotations

import itertools
import math

import torch

from .model import QUARKS, SMParameters
from .wavefunctions import u_spinor, v_spinor


# ---- component-first (axis 0) versions of the Dirac/Lorentz helpers used inside the recursion
def dot0(a, b):
    """Minkowski product over axis 0 (broadcasting): one product and three fused multiply-subtracts in place."""
    a0, a1, a2, a3 = a.unbind(0)
    b0, b1, b2, b3 = b.unbind(0)
    t = a0 * b0
    if t.dtype != torch.promote_types(a1.dtype, b1.dtype):  # a real, b complex or the reverse: keep it plain
        return t - a1 * b1 - a2 * b2 - a3 * b3
    return t.addcmul_(a1, b1, value=-1).addcmul_(a2, b2, value=-1).addcmul_(a3, b3, value=-1)


def slash0(J, psi):
    J0, J1, J2, J3 = J[0], J[1], J[2], J[3]
    p0, p1, p2, p3 = psi[0], psi[1], psi[2], psi[3]
    a = J0 + J3
    d = J0 - J3
    b = J1 - 1j * J2
    c = J1 + 1j * J2
    return torch.stack((d * p2 - b * p3, a * p3 - c * p2, a * p0 + b * p1, c * p0 + d * p1), 0)


def chiral0(psi, cL, cR):
    if cL == cR:
        return psi * cL
    if cR == 0:
        return torch.cat((psi[:2] * cL, torch.zeros_like(psi[2:])), 0)
    return torch.cat((psi[:2] * cL, psi[2:] * cR), 0)


def bar_dot0(r, psi):
    return (r[2:].conj() * psi[:2]).sum(0) + (r[:2].conj() * psi[2:]).sum(0)


def to_cf(t: torch.Tensor) -> torch.Tensor:
    """(N, ..., k) -> (k, ..., N) contiguous."""
    return t.permute((t.ndim - 1,) + tuple(range(1, t.ndim - 1)) + (0,)).contiguous()

G3 = -1.0  # relative sign of the 3-gluon vertex w.r.t. the quark-gluon vertex (fixed by the gauge-invariance tests)

CHARGE = {"a": 0, "z": 0, "h": 0, "w+": 1, "w-": -1}
ANTI = {"a": "a", "z": "z", "h": "h", "w+": "w-", "w-": "w+"}
EW_SPECIES = ("a", "z", "w+", "w-", "h")


class Cur:
    """An off-shell current: ``legs`` (sorted tuple) and tensor ``t`` of shape ([4], *h[legs], N)."""

    __slots__ = ("legs", "t", "scalar")

    def __init__(self, legs, t, scalar=False):
        self.legs = tuple(legs)
        self.t = t
        self.scalar = scalar


class Context:
    """Per-evaluation data: momenta, outgoing-convention momenta, polarisation sets and helicity dimensions."""

    def __init__(self, p: torch.Tensor, hdims: dict[int, int], incoming: tuple[int, ...]):
        self.p = p
        self.N = p.shape[0]
        sign = torch.ones(p.shape[1], dtype=p.dtype, device=p.device)
        for i in incoming:
            sign[i] = -1.0
        self.q = p * sign[None, :, None]
        self.qT = self.q.permute(2, 1, 0).contiguous()  # (4, n, N)
        self.hdims = dict(hdims)
        self.ctype = torch.complex128 if p.dtype == torch.float64 else torch.complex64

    def align(self, cur: Cur, legs: tuple[int, ...]) -> torch.Tensor:
        shape = [self.hdims[l] if l in cur.legs else 1 for l in legs] + [self.N]
        if not cur.scalar:
            shape.insert(0, cur.t.shape[0])
        return cur.t.reshape(shape)

    def mom(self, legs, nh: int) -> torch.Tensor:
        """Sum of outgoing momenta of ``legs``, shaped (4, 1*nh, N)."""
        legs = list(legs)
        P = self.qT[:, legs[0]] if len(legs) == 1 else self.qT[:, legs].sum(1)
        return P.reshape([4] + [1] * nh + [self.N])


def _union(*legsets):
    return tuple(sorted(set().union(*legsets)))


# ------------------------------------------------------------------------------------------------------------ gluons
class GluonCurrents:
    """Colour-ordered gluon currents J(seq) (with propagator) and amputated currents, memoised by ``seq``."""

    def __init__(self, ctx: Context, pols: dict[int, torch.Tensor], gs: float):
        self.ctx, self.pols, self.gs = ctx, pols, gs
        self.memo: dict[tuple, Cur] = {}
        self.amemo: dict[tuple, Cur] = {}
        self.dmemo: dict[tuple, Cur] = {}

    def jdot(self, X: tuple, Y: tuple, legs: tuple) -> torch.Tensor:
        """J(X).J(Y) (memoised per ordered pair of blocks), aligned to ``legs``."""
        key = (X, Y)
        d = self.dmemo.get(key)
        if d is None:
            xy = tuple(sorted(X + Y))
            d = Cur(xy, dot0(self.ctx.align(self.current(X), xy), self.ctx.align(self.current(Y), xy)), scalar=True)
            self.dmemo[key] = d
        return self.ctx.align(d, legs)

    def current(self, seq: tuple[int, ...]) -> Cur:
        if seq in self.memo:
            return self.memo[seq]
        if len(seq) == 1:
            cur = Cur(seq, self.pols[seq[0]])
        else:
            raw = self._raw(seq)
            legs = raw.legs
            P = self.ctx.mom(seq, len(legs))
            # (i g/sqrt2 G3) (sum V3 + ratio sum V4) times the propagator -i / P^2, applied once: a real factor,
            # so gluon currents stay real (real polarisations and momenta)
            cur = Cur(legs, raw.t.mul_((self.gs / math.sqrt(2) * G3) / dot0(P, P)))
        self.memo[seq] = cur
        return cur

    def amputated(self, seq: tuple[int, ...]) -> Cur:
        """The sum of vertices feeding J(seq), without the propagator (vertex factors included)."""
        if seq in self.amemo:
            return self.amemo[seq]
        raw = self._raw(seq)
        cur = Cur(raw.legs, raw.t * (1j * self.gs / math.sqrt(2) * G3))
        self.amemo[seq] = cur
        return cur

    def _raw(self, seq: tuple[int, ...]) -> Cur:
        """sum_splits V3 + (c4/c3) sum_splits V4 (a fresh tensor)."""
        ctx = self.ctx
        legs = tuple(sorted(seq))
        nh = len(legs)
        total = None
        for k in range(1, len(seq)):
            s1, s2 = seq[:k], seq[k:]
            a = ctx.align(self.current(s1), legs)
            b = ctx.align(self.current(s2), legs)
            P1 = ctx.mom(s1, nh)
            P2 = ctx.mom(s2, nh)
            if total is None:
                total = self.jdot(s1, s2, legs)[None] * (P1 - P2)  # full shape: legs of s1 and s2, Lorentz index
            else:
                total.addcmul_(self.jdot(s1, s2, legs)[None], P1 - P2)
            total.addcmul_(dot0(P1 + 2 * P2, a)[None], b)
            total.addcmul_(dot0(2 * P1 + P2, b)[None], a, value=-1)
        ratio = (self.gs**2 / 2) / (self.gs / math.sqrt(2) * G3)  # c4 / c3, real
        for j in range(1, len(seq) - 1):
            for k in range(j + 1, len(seq)):
                a = ctx.align(self.current(seq[:j]), legs)
                b = ctx.align(self.current(seq[j:k]), legs)
                c = ctx.align(self.current(seq[k:]), legs)
                total.addcmul_(b, self.jdot(seq[:j], seq[k:], legs)[None], value=2 * ratio)
                total.addcmul_(a, self.jdot(seq[j:k], seq[k:], legs)[None], value=-ratio)
                total.addcmul_(c, self.jdot(seq[:j], seq[j:k], legs)[None], value=-ratio)
        return Cur(legs, total)


# -------------------------------------------------------------------------------------------------------- electroweak
class EWCurrents:
    """Off-shell electroweak boson currents J_X(S) for sets S of external colourless legs (unordered)."""

    def __init__(self, ctx: Context, species: dict[int, str], pols: dict[int, torch.Tensor], sm: SMParameters):
        self.ctx, self.species, self.pols, self.sm = ctx, species, pols, sm
        self.memo: dict[tuple, Cur | None] = {}
        e, sw, cw, MW = sm.ee, sm.sw, sm.cw, sm.MW
        self.gvvv = {"a": sm.s3 * e, "z": sm.s3 * e * cw / sw}
        self.g4 = {"a": e, "z": e * cw / sw}
        self.ghvv = {"w": e * MW / sw, "z": e * MW / (sw * cw * cw)}

    def charge(self, S) -> int:
        return sum(CHARGE[self.species[l]] for l in S)

    def propagate(self, X: str, S, t: torch.Tensor, nh: int) -> torch.Tensor:
        ctx, sm = self.ctx, self.sm
        P = ctx.mom(S, nh)
        P2 = dot0(P, P)
        if X == "h":
            return 1j * t / (P2 - sm.MH**2 + 1j * sm.MH * sm.WH)
        if X == "a":
            return -1j * t / P2[None]
        M, W = sm.mass(X), sm.width(X)
        t = t - P * (dot0(P, t) / M**2)[None]
        return -1j * t / (P2 - M**2 + 1j * M * W)[None]

    def current(self, S: frozenset, X: str) -> Cur | None:
        key = (S, X)
        if key in self.memo:
            return self.memo[key]
        res = self._build(S, X)
        self.memo[key] = res
        return res

    def _build(self, S: frozenset, X: str) -> Cur | None:
        if self.charge(S) != CHARGE[X]:
            return None
        if len(S) == 1:
            (l,) = S
            if self.species[l] != X:
                return None
            return Cur((l,), self.pols[l])
        legs = tuple(sorted(S))
        nh = len(legs)
        total = None
        items = sorted(S)
        first, rest = items[0], items[1:]
        # ---- three-point vertices: unordered splits S = S1 + S2 with min(S) in S1
        for r in range(0, len(rest)):
            for extra in itertools.combinations(rest, r):
                S1 = frozenset((first,) + extra)
                S2 = S - S1
                for Y in EW_SPECIES:
                    c1 = self.current(S1, Y)
                    if c1 is None:
                        continue
                    for Z in EW_SPECIES:
                        c2 = self.current(S2, Z)
                        if c2 is None:
                            continue
                        v = self._vertex3(X, (Y, c1, S1), (Z, c2, S2), legs, nh)
                        if v is not None:
                            total = v if total is None else total + v
        # ---- four-point vertices: unordered splits into three parts
        if len(S) >= 3 and X != "h":
            for parts in _set_partitions3(items):
                curs = []
                for part in parts:
                    opts = [(Y, self.current(frozenset(part), Y)) for Y in EW_SPECIES if Y != "h"]
                    curs.append([(Y, c) for Y, c in opts if c is not None])
                for (Y1, c1), (Y2, c2), (Y3, c3) in itertools.product(*curs):
                    v = self._vertex4(X, [(Y1, c1), (Y2, c2), (Y3, c3)], legs)
                    if v is not None:
                        total = v if total is None else total + v
        if total is None:
            return None
        if X == "h":
            return Cur(legs, self.propagate("h", S, total, nh), scalar=True)
        return Cur(legs, self.propagate(X, S, total, nh))

    def _vertex3(self, X, y, z, legs, nh):
        ctx = self.ctx
        (Y, c1, S1), (Z, c2, S2) = y, z
        fields = [X, ANTI[Y], ANTI[Z]]
        P = ctx.mom(S1 | S2, nh)
        moms = [P, -ctx.mom(S1, nh), -ctx.mom(S2, nh)]
        vecs = [None, ctx.align(c1, legs), ctx.align(c2, legs)]
        if "h" in fields:
            hs = [i for i, f in enumerate(fields) if f == "h"]
            if len(hs) != 1:
                return None
            others = sorted(f for f in fields if f != "h")
            if others == ["w+", "w-"]:
                g = self.ghvv["w"]
            elif others == ["z", "z"]:
                g = self.ghvv["z"]
            else:
                return None
            if X == "h":
                return 1j * g * dot0(vecs[1], vecs[2])
            # X vector: the other slot holding a vector, and the scalar
            if fields[1] == "h":
                return 1j * g * vecs[1][None] * vecs[2]
            return 1j * g * vecs[2][None] * vecs[1]
        # VVV: slots (W-, W+, V)
        if fields.count("w-") != 1 or fields.count("w+") != 1:
            return None
        i1 = fields.index("w-")
        i2 = fields.index("w+")
        i3 = 3 - i1 - i2
        V = fields[i3]
        if V not in ("a", "z"):
            return None
        k1, k2, k3 = moms[i1], moms[i2], moms[i3]
        A, B, D = vecs[i1], vecs[i2], vecs[i3]
        if i1 == 0:
            out = B * dot0(k1 - k2, D)[None] + dot0(B, D)[None] * (k2 - k3) + D * dot0(k3 - k1, B)[None]
        elif i2 == 0:
            out = A * dot0(k1 - k2, D)[None] + D * dot0(k2 - k3, A)[None] + dot0(D, A)[None] * (k3 - k1)
        else:
            out = dot0(A, B)[None] * (k1 - k2) + B * dot0(k2 - k3, A)[None] + A * dot0(k3 - k1, B)[None]
        return 1j * self.gvvv[V] * out

    def _vertex4(self, X, ys, legs):
        ctx = self.ctx
        fields = [X] + [ANTI[Y] for Y, _ in ys]
        if sorted(f for f in fields if f in ("w+", "w-")) != ["w+", "w-"]:
            return None
        neutral = [i for i, f in enumerate(fields) if f in ("a", "z")]
        if len(neutral) != 2:
            return None
        vecs = [None] + [ctx.align(c, legs) for _, c in ys]
        iA, iB = fields.index("w-"), fields.index("w+")
        iC, iD = neutral
        g = self.sm.s4 * self.g4[fields[iC]] * self.g4[fields[iD]]
        slots = {"A": iA, "B": iB, "C": iC, "D": iD}
        open_slot = [k for k, v in slots.items() if v == 0][0]
        v = {k: vecs[i] for k, i in slots.items() if i != 0}
        # S = 2 (A.B)(C.D) - (A.C)(B.D) - (A.D)(B.C)
        pair = {"A": "B", "B": "A", "C": "D", "D": "C"}
        cross = {"A": ("C", "D"), "B": ("D", "C"), "C": ("A", "B"), "D": ("B", "A")}
        p = pair[open_slot]
        x1, x2 = cross[open_slot]  # open.x1 partner: term -(open.x1)(p.x2) ...
        out = 2 * v[p] * dot0(v[x1], v[x2])[None] - v[x1] * dot0(v[p], v[x2])[None] - v[x2] * dot0(v[p], v[x1])[None]
        return 1j * g * out


def _set_partitions3(items):
    """Unordered partitions of ``items`` into exactly three non-empty blocks."""
    items = list(items)
    n = len(items)
    seen = set()
    for labels in itertools.product(range(3), repeat=n):
        if set(labels) != {0, 1, 2}:
            continue
        blocks = tuple(sorted(tuple(x for x, l in zip(items, labels) if l == b) for b in range(3)))
        if blocks in seen:
            continue
        seen.add(blocks)
        yield blocks


# -------------------------------------------------------------------------------------------------------- quark line
def quark_line_amplitudes(*args, **kw) -> torch.Tensor:
    """:func:`quark_line_amplitudes_hn` as (N, len(orderings), 2 H_rest)."""
    return quark_line_amplitudes_hn(*args, **kw).permute(2, 0, 1)


def quark_line_amplitudes_hn(ctx: Context, flav_in: str, flav_out: str, gluons: tuple[int, ...],
                             ew: tuple[int, ...], species: dict[int, str], pols: dict[int, torch.Tensor],
                             sm: SMParameters, orderings: list[tuple[int, ...]],
                             chains: tuple[bool, ...] = (True, False)) -> torch.Tensor:
    """Colour-ordered amplitudes for q(leg 0, incoming) qbar(leg 1, incoming) -> gluons + colourless bosons.

    ``chains``: which chiralities to compute (True = left); the default computes both.

    Massless quark line: helicity is conserved along the line, so each chirality is run separately on two-component
    Weyl spinors (left: u(p0,-) ... vbar(p1,+); right: u(p0,+) ... vbar(p1,-)); every other helicity configuration of
    the quarks vanishes identically and is dropped.  Returns (len(orderings), 2 H_rest, N) complex with the
    left-chain helicities first, the rest in ascending leg order.
    """
    gs = sm.gs
    gl = GluonCurrents(ctx, pols, gs)
    ewc = EWCurrents(ctx, species, pols, sm)
    Qin = QUARKS[flav_in][0]
    E_all = frozenset(ew)
    cq = 1j * gs / math.sqrt(2)
    us = u_spinor(ctx.p[:, 0])  # (N, 2, 4), helicity +, -
    vs = v_spinor(ctx.p[:, 1])
    all_legs = tuple(range(2, 2 + len(gluons) + len(ew)))

    def flavour(E) -> str:
        Q = Qin - ewc.charge(E)
        return "u" if abs(Q - 2 / 3) < 1e-9 else "d"

    def coupling(X, f_before, left):
        Q, T3 = QUARKS[f_before]
        if X == "a":
            return sm.ee * Q
        if X == "z":
            return sm.gz * (T3 - Q * sm.sw2) if left else -sm.gz * Q * sm.sw2
        if X == "w+" and f_before == "u" or X == "w-" and f_before == "d":
            return sm.ee / (math.sqrt(2) * sm.sw) if left else 0.0
        return 0.0

    def chain(left: bool):
        # left chain: psi holds upper (L) components, phi lower; vertices (J0 + sigma.J), propagators (P0 - sigma.P)
        vplus = left
        u0 = us[:, 1, :2] if left else us[:, 0, 2:]
        base = Cur((), to_cf(u0))  # (2, N)
        psi_memo: dict = {((), frozenset()): base}
        phi_memo: dict = {}

        def ew_insertions(G, E):
            """(coupling, boson current, fermion current) for each colourless boson X = a, z, w+, w- attached at the
            outermost vertex and carrying a non-empty subset E' of the colourless legs E; the fermion line before
            that vertex carries the gluons G and the legs E - E'."""
            Es = sorted(E)
            for r in range(1, len(Es) + 1):
                for sub in itertools.combinations(Es, r):
                    Ep = frozenset(sub)
                    rest = E - Ep
                    f_before = flavour(rest)
                    for X in ("a", "z", "w+", "w-"):
                        c = coupling(X, f_before, left)
                        if c == 0.0:
                            continue
                        cur = ewc.current(Ep, X)
                        if cur is None:
                            continue
                        pc = psi(G, rest)
                        if pc is not None:
                            yield c, cur, pc

        vmemo: dict = {}

        def vertex(cur: Cur, coup: complex):
            """Entries a = J0 + J3, b = J1 - i J2, c = J1 + i J2, d = J0 - J3 of the vertex matrix coup (J0 +- sigma.J),
            on the current's own legs: once per current and coupling (shared by every fermion current using it)."""
            key = (id(cur), coup)
            hit = vmemo.get(key)
            if hit is None:
                J0, J1, J2, J3 = cur.t.unbind(0)
                if cur.t.is_complex():
                    b, c = J1 - 1j * J2, J1 + 1j * J2
                else:
                    b, c = torch.complex(J1, -J2), torch.complex(J1, J2)
                hit = (cur, tuple(Cur(cur.legs, x, scalar=True) for x in ((J0 + J3) * coup, b * coup, c * coup,
                                                                            (J0 - J3) * coup)))
                vmemo[key] = hit
            return hit[1]

        def apply(tot, m, p0, p1, plus: bool):
            """tot += (J0 + sigma.J) psi (plus) or (J0 - sigma.J) psi, accumulated in place; m = (a, b, c, d)."""
            a, b, c, d = m
            if plus:
                tot[0].addcmul_(a, p0).addcmul_(b, p1)
                tot[1].addcmul_(c, p0).addcmul_(d, p1)
            else:
                tot[0].addcmul_(d, p0).addcmul_(b, p1, value=-1)
                tot[1].addcmul_(a, p1).addcmul_(c, p0, value=-1)

        def zeros(lead, legs):
            return torch.zeros([lead] + [ctx.hdims[l] for l in legs] + [ctx.N], dtype=ctx.ctype, device=ctx.p.device)

        def phi(G, E):
            key = (G, E)
            if key in phi_memo:
                return phi_memo[key]
            legs = _union(G, E)
            total = None
            terms = [(psi(G[:j], E), gl.current(G[j:]), cq) for j in range(len(G))]
            terms += [(pc, cur, 1j * c) for c, cur, pc in ew_insertions(G, E)]
            for pc, cur, coup in terms:
                if pc is None:
                    continue
                if total is None:
                    total = zeros(2, legs)
                m = tuple(ctx.align(x, legs) for x in vertex(cur, coup))
                ps = ctx.align(pc, legs)
                apply(total, m, ps[0], ps[1], vplus)
            res = None if total is None else Cur(legs, total)
            phi_memo[key] = res
            return res

        def psi(G, E):
            key = (G, E)
            if key in psi_memo:
                return psi_memo[key]
            f = phi(G, E)
            if f is None:
                psi_memo[key] = None
                return None
            nh = len(f.legs)
            P = -ctx.qT[:, 0] - ctx.qT[:, list(G) + list(E)].sum(1)  # momentum along the fermion arrow
            P = P * (1j / dot0(P, P))
            P0, P1, P2, P3 = (x.reshape([1] * nh + [ctx.N]) for x in P.unbind(0))
            out = zeros(2, f.legs)
            apply(out, (P0 + P3, P1 - 1j * P2, P1 + 1j * P2, P0 - P3), f.t[0], f.t[1], not vplus)
            cur = Cur(f.legs, out)
            psi_memo[key] = cur
            return cur

        w = (vs[:, 0, :2] if left else vs[:, 1, 2:]).conj()  # (N, 2): conj of the relevant components of v(p1)
        w = to_cf(w)  # (2, N)
        rmemo: dict = {}

        def row(cur: Cur, coup: complex):
            """(w^T M) for the vertex matrix M = coup (J0 + sigma.J) (left) or coup (J0 - sigma.J) (right), on the
            current's own legs, once per current and coupling."""
            key = (id(cur), coup)
            hit = rmemo.get(key)
            if hit is None:
                a, b, c, d = (x.t for x in vertex(cur, coup))
                nh = len(cur.legs)
                w0 = w[0].reshape([1] * nh + [ctx.N])
                w1 = w[1].reshape([1] * nh + [ctx.N])
                r = (w0 * a + w1 * c, w0 * b + w1 * d) if vplus else (w0 * d - w1 * c, w1 * a - w0 * b)
                hit = (cur, tuple(Cur(cur.legs, x, scalar=True) for x in r))
                rmemo[key] = hit
            return hit[1]

        def top(G, E):
            """The colour-ordered amplitude vbar(p1) phi(G, E), contracted term by term."""
            legs = all_legs
            total = zeros(1, legs)[0]
            terms = [(psi(G[:j], E), gl.current(G[j:]), cq) for j in range(len(G))]
            terms += [(pc, cur, 1j * c) for c, cur, pc in ew_insertions(G, E)]
            for pc, cur, coup in terms:
                if pc is None:
                    continue
                r0, r1 = (ctx.align(x, legs) for x in row(cur, coup))
                ps = ctx.align(pc, legs)
                total.addcmul_(r0, ps[0]).addcmul_(r1, ps[1])
            return total.reshape(-1, ctx.N)

        out = [top(tuple(order), E_all) for order in orderings]
        return torch.stack(out, 0)

    assert flavour(E_all) == flav_out
    if len(chains) == 1:
        return chain(chains[0])
    return torch.cat([chain(c) for c in chains], 1)


def gluon_amplitudes(ctx: Context, pols: dict[int, torch.Tensor], gs: float, orderings) -> torch.Tensor:
    """:func:`gluon_amplitudes_hn` as (N, len(orderings), H)."""
    return gluon_amplitudes_hn(ctx, pols, gs, orderings).permute(2, 0, 1)


def gluon_amplitudes_hn(ctx: Context, pols: dict[int, torch.Tensor], gs: float, orderings) -> torch.Tensor:
    """Pure-gluon colour-ordered amplitudes A(order..., n-1) for the given orderings of legs 0..n-2.

    The last vertex is contracted with the polarisation eps of leg n-1 (momentum q) directly.  With momentum
    conservation (P1 + P2 = -q for the two currents J1, J2 meeting there), every scalar product in that contraction
    belongs to one current and is computed once for all orderings and splits that contain it:
    (P1 - P2).eps = (2 P1 + q).eps, (P1 + 2 P2).J1 = -(P1 + 2 q).J1, (2 P1 + P2).J2 = -(P2 + 2 q).J2, J.eps;
    only J1.J2 belongs to a pair.
    Returns (len(orderings), H, N)."""
    gl = GluonCurrents(ctx, pols, gs)
    n = len(orderings[0]) + 1
    last = n - 1
    legs = tuple(range(n))
    eps = Cur((last,), pols[last])
    q = ctx.qT[:, last]
    memo: dict = {}

    def edot(s):  # J(s).eps
        key = ("e", s)
        if key not in memo:
            J = gl.current(s)
            L = tuple(sorted(J.legs + (last,)))
            memo[key] = Cur(L, dot0(ctx.align(J, L), ctx.align(eps, L)), scalar=True)
        return ctx.align(memo[key], legs)

    def xdot(s):  # (P_s + 2 q).J(s)
        key = ("x", s)
        if key not in memo:
            J = gl.current(s)
            P = ctx.mom(s, len(J.legs)) + 2 * q.reshape([4] + [1] * len(J.legs) + [ctx.N])
            memo[key] = Cur(J.legs, dot0(P, J.t), scalar=True)
        return ctx.align(memo[key], legs)

    def ydot(s):  # (2 P_s + q).eps
        key = ("y", s)
        if key not in memo:
            P = 2 * ctx.mom(s, 1) + q.reshape(4, 1, ctx.N)
            memo[key] = Cur((last,), dot0(P, eps.t), scalar=True)
        return ctx.align(memo[key], legs)

    # vertex factors i g/sqrt2 G3 and i g^2/2: the common factor i is a global phase and dropped (A stays real)
    c3 = gs / math.sqrt(2) * G3
    c4 = gs**2 / 2
    out = []
    r4 = c4 / c3
    full = [ctx.hdims[l] for l in legs] + [ctx.N]
    out = torch.empty([len(orderings)] + full, dtype=eps.t.dtype, device=ctx.p.device)
    for i, order in enumerate(orderings):
        seq = tuple(order)
        total = out[i]  # accumulated in place: one pass over the full helicity tensor per term
        torch.mul(gl.jdot(seq[:1], seq[1:], legs), ydot(seq[:1]), out=total.expand(full))
        for k in range(1, len(seq)):
            s1, s2 = seq[:k], seq[k:]
            if k > 1:
                total.addcmul_(gl.jdot(s1, s2, legs), ydot(s1))
            total.addcmul_(xdot(s1), edot(s2), value=-1)
            total.addcmul_(xdot(s2), edot(s1))
        for j in range(1, len(seq) - 1):
            for k in range(j + 1, len(seq)):
                a, b, c = seq[:j], seq[j:k], seq[k:]
                total.addcmul_(edot(b), gl.jdot(a, c, legs), value=2 * r4)
                total.addcmul_(edot(a), gl.jdot(b, c, legs), value=-r4)
                total.addcmul_(edot(c), gl.jdot(a, b, legs), value=-r4)
    out.mul_(c3)
    return out.reshape(len(orderings), -1, ctx.N)


def tth_amplitudes(ctx: Context, sm: SMParameters) -> torch.Tensor:
    """:func:`tth_amplitudes_hn` as (N, 1, 8)."""
    return tth_amplitudes_hn(ctx, sm).permute(2, 0, 1)


def _row_slash(r, J):
    """The row spinor ``r Jslash`` (``r . (Jslash psi) = (r Jslash) . psi``) as a tuple of components."""
    a, d = J[0] + J[3], J[0] - J[3]
    b, c = J[1] - 1j * J[2], J[1] + 1j * J[2]
    return (r[2] * a + r[3] * c, r[2] * b + r[3] * d, r[0] * d - r[1] * c, r[1] * a - r[0] * b)


def _slash_t(J, psi):
    """:func:`slash0` as a tuple of components (no stacking)."""
    a, d = J[0] + J[3], J[0] - J[3]
    b, c = J[1] - 1j * J[2], J[1] + 1j * J[2]
    p0, p1, p2, p3 = psi
    return (d * p2 - b * p3, a * p3 - c * p2, a * p0 + b * p1, c * p0 + d * p1)


def tth_amplitudes_hn(ctx: Context, sm: SMParameters) -> torch.Tensor:
    """u(0) u~(1) -> t(2) t~(3) h(4) through an s-channel gluon (the two QCD diagrams).

    Colour-stripped with the colour factor T^a_{i1 i0} T^a_{i2 i3} (T = lambda/2), i.e. colour sum 2.
    Component-first: the light current vbar(p1) gamma^mu u(p0) is formed for the two light-quark helicity
    configurations that do not vanish identically (massless quarks: u(+) v(-) and u(-) v(+)); the top line
    ubar(p2) [S(q1) Lslash + Lslash S(q2)] v(p3) is contracted as row spinor times column spinor.
    Returns (1, 8, N): (light configuration, top helicity, anti-top helicity)."""
    p = ctx.p
    N = ctx.N
    gs = sm.gs
    mt, wt = sm.MT, sm.WT
    y = sm.ymt / sm.vev
    u0 = to_cf(u_spinor(p[:, 0]))   # (4, 2, N), helicities +, -
    v1 = to_cf(v_spinor(p[:, 1]))
    psi = torch.stack((u0[:, 0], u0[:, 1]), 1)                       # u(+), u(-)
    w = v1[[2, 3, 0, 1]][:, [1, 0]].conj()                           # vbar as a row: v(-), v(+) with u(+), u(-)
    r0, r1, r2, r3 = w
    s0, s1, s2, s3 = u0
    pT = p.permute(2, 1, 0)                                          # (4, n, N)
    P01 = pT[:, 0] + pT[:, 1]
    # i g_s gamma^mu (vertex) * -i/s (propagator) * i g_s gamma_mu (vertex)
    f0 = (1j * gs * gs) / dot0(P01, P01)
    # L^mu = vbar gamma^mu u (contravariant), times f0: (2, 1, 1, N) per component
    Lc = tuple((x * f0).reshape(2, 1, 1, N) for x in (r0 * s2 + r1 * s3 + r2 * s0 + r3 * s1,
                                                     r0 * s3 + r1 * s2 - r2 * s1 - r3 * s0,
                                                     -1j * (r0 * s3 - r1 * s2 - r2 * s1 + r3 * s0),
                                                     r0 * s2 - r1 * s3 - r2 * s0 + r3 * s1))
    v3 = to_cf(v_spinor(p[:, 3])).reshape(4, 1, 1, 2, N).unbind(0)
    rb = to_cf(u_spinor(p[:, 2]))[[2, 3, 0, 1]].conj().reshape(4, 1, 2, 1, N).unbind(0)  # ubar(p2) as a row
    q1 = pT[:, 2] + pT[:, 4]
    q2 = -(pT[:, 3] + pT[:, 4])
    f1 = 1j / (dot0(q1, q1) - mt**2 + 1j * mt * wt)
    f2 = 1j / (dot0(q2, q2) - mt**2 + 1j * mt * wt)
    q1 = q1.reshape(4, 1, 1, 1, N).unbind(0)
    q2 = q2.reshape(4, 1, 1, 1, N).unbind(0)
    rq = _row_slash(rb, q1)
    rS1 = [(rq[k] + mt * rb[k]) * f1 for k in range(4)]             # ubar S(q1): (1, 2, 1, N) each
    chi = _slash_t(Lc, v3)                                           # Lslash v:   (2, 1, 2, N)
    qv = _slash_t(q2, v3)
    S2v = [(qv[k] + mt * v3[k]) * f2 for k in range(4)]             # S(q2) v:    (1, 1, 2, N)
    rL = _row_slash(rb, Lc)                                          # ubar Lslash: (2, 2, 1, N)
    A = rS1[0] * chi[0]                                              # (2, 2, 2, N), accumulated in place
    for k in range(1, 4):
        A.addcmul_(rS1[k], chi[k])
    for k in range(4):
        A.addcmul_(rL[k], S2v[k])
    return (A * (-1j * y)).reshape(1, 8, N)
