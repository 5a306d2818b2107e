"""Loop-induced g g -> gamma gamma (g) through a massless quark loop: exact one-loop amplitudes in closed form.

Paper B's processes ``g g > a a g`` (and ``g g > a a g g``) have no tree level: the photons couple to the gluons
through a quark box (pentagon). This module evaluates g g -> gamma gamma g exactly from the published analytic
one-loop amplitudes, and g g -> gamma gamma from its closed form, vectorised with numpy over N points.

Sources (formulas written from the papers; the Fortran of MCFM (``src/Gamgam``, GPL) was read for the conventions
and the choice of orderings, none of it is copied):

* Five-gluon fermion-loop primitive amplitudes A_{5;1}^{[1/2]}: Z. Bern, L. Dixon, D. Kosower, "One-loop
  corrections to five-gluon amplitudes", Phys. Rev. Lett. 70 (1993) 2677, hep-ph/9302280, eqs. (4), (8)-(10),
  with the functions L_0, L_1, L_2, Ls_{-1}, Ls_1 of that paper (defined below).
* Photons from gluons (de Florian & Kunszt, hep-ph/9904320; Bern, Dixon & Schmidt, hep-ph/0206194, eq. (8)): a
  photon is a gluon with T^a -> 1, so the amplitude with gluons 1, 2, 3 and photons 4, 5 is the sum of the primitive
  amplitudes over the 12 cyclic orderings of the five legs in which the gluons stand in the cyclic order (1, 2, 3).
  The reflection identity A(5,4,3,2,1) = -A(1,2,3,4,5) turns the two traces Tr(T1 T2 T3), Tr(T1 T3 T2) into
  Tr([T1, T2] T3) = i sqrt(2) f^{a1 a2 a3}: the d^{abc} part (Furry) cancels, the colour factor is f^{abc}. The
  1/epsilon poles and the mu dependence of the primitive amplitudes multiply the tree amplitudes, whose sum over the
  photon insertions vanishes (photon decoupling), so the photon amplitude is finite (checked numerically).
* g g -> gamma gamma: the one-loop helicity amplitudes of Bern, De Freitas & Dixon (hep-ph/0109078, eqs. 2.9-2.11;
  also Bern, Dixon & Schmidt eqs. 2-3), M = 4 alpha alpha_s delta^{a b} (sum_q Q_q^2) M^(1) with M^(1)_{++++} = 1
  and logarithms of s, t, u.

Normalisation (Tr(T^a T^b) = delta^{ab}; g T^a -> sqrt(2) e Q_q for a photon; A^{[1/2]} = i / (16 pi^2) x
:func:`_primitive` at epsilon -> 0), summed over colours and helicities, averaged over the initial ones, with the
identical-photon factor 1/2::

    |M|^2(g g -> a a g) = e^4 g_s^6 / (4 pi)^4 N_c / (N_c^2 - 1) (sum_q Q_q^2)^2 sum_h |sum_orderings A_h|^2
    |M|^2(g g -> a a)   = (N_c^2 - 1) / 256 (4 alpha alpha_s sum_q Q_q^2)^2 sum_h |M^(1)_h|^2 / 2

with e^2 = 4 pi alpha, g_s^2 = 4 pi alpha_s from :class:`.model.SMParameters` (MadGraph's ``sm``: 1/alpha =
132.507, alpha_s = 0.118) and 5 massless flavours (sum_q Q_q^2 = 11/9). The two normalisations are independent; the
soft-gluon limit of the first equals the eikonal factor times the second (``tests/amplitudes/test_loop_photons.py``).

Validation (``tests/amplitudes/test_loop_photons.py``; numbers on the development machine): the 1/epsilon poles and
the mu dependence of the primitive amplitudes cancel in the photon sum to 1e-14 (:func:`scale_residual`); |M|^2 is
symmetric under the photon exchange and every permutation of the three gluons (crossed to all outgoing) to 1e-13 and
Lorentz invariant to <= 1e-10; the soft-gluon limit (:func:`soft_limit_ratio`) approaches the eikonal factor times
the closed-form g g -> gamma gamma like omega / sqrt(s) (|ratio - 1| ~ 6e-6 at omega = 1e-3 GeV, sqrt(s) = 500 GeV)
and the initial-state collinear limit (:func:`collinear_limit_ratio`) the splitting function P_gg times it (~2e-6 at
theta = 1e-3); the box agrees with the textbook form of Berger, Braaten & Field (:func:`gg_aa_textbook`) to 1e-15.
Speed: ~1.2e4 points per CPU-second (numpy, one core), ``benchmarks/bench_amplitudes.py``.

Spinor conventions: all momenta outgoing (incoming ones negated), <ij>[ji] = s_ij = 2 p_i.p_j; a negative-energy
momentum p gets lambda(p) = i lambda(-p), lambda~(p) = i lambda~(-p). Invariants are continued as
ln(-s - i0) = ln|s| - i pi theta(s).
"""
from __future__ import annotations

import itertools
import math

import numpy as np
from scipy.special import spence

from .model import DEFAULT, SMParameters

NC = 3
#: sum of the squared charges of the five light quarks (u, d, s, c, b) circulating in the loop
SUM_Q2_LIGHT = 2 * (2 / 3) ** 2 + 3 * (1 / 3) ** 2
PI2_6 = math.pi ** 2 / 6


# ----------------------------------------------------------------------------------------------- spinor products
def all_outgoing(momenta: np.ndarray, n_in: int = 2) -> np.ndarray:
    """(N, n, 4) momenta with the first ``n_in`` (incoming) negated: the all-outgoing convention."""
    q = np.array(momenta, dtype=np.float64, copy=True)
    q[:, :n_in] *= -1
    return q


def spinors(q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Angle and square products ``(za, zb)``, each (N, n, n) complex, of all-outgoing massless momenta ``q``.

    <ij> = l_i^1 l_j^2 - l_i^2 l_j^1 with l = (sqrt(p+), p_perp / sqrt(p+)) (or the equivalent
    (conj(p_perp) / sqrt(p-), sqrt(p-)) where p+ = E + p_z is small), [ij] = -(lt_i^1 lt_j^2 - lt_i^2 lt_j^1) with
    lt = conj(l); so [ji] = conj(<ij>) and <ij>[ji] = s_ij for positive energies; a negative-energy momentum
    takes i times the spinors of its negative.
    """
    E, px, py, pz = (q[..., k] for k in range(4))
    sign = np.where(E < 0, -1.0, 1.0)
    E, px, py, pz = E * sign, px * sign, py * sign, pz * sign
    pp, pm = E + pz, E - pz
    perp = px + 1j * py
    use_plus = pp >= pm
    sp = np.sqrt(np.where(use_plus, pp, 1.0))
    sm = np.sqrt(np.where(use_plus, 1.0, pm))
    l1 = np.where(use_plus, sp, np.conj(perp) / sm)
    l2 = np.where(use_plus, perp / sp, sm)
    lt1, lt2 = np.conj(l1), np.conj(l2)
    phase = np.where(sign < 0, 1j, 1.0)
    l1, l2, lt1, lt2 = l1 * phase, l2 * phase, lt1 * phase, lt2 * phase
    za = l1[:, :, None] * l2[:, None, :] - l2[:, :, None] * l1[:, None, :]
    zb = -(lt1[:, :, None] * lt2[:, None, :] - lt2[:, :, None] * lt1[:, None, :])
    return za, zb


def invariants(q: np.ndarray) -> np.ndarray:
    """s_ij = (q_i + q_j)^2 = 2 q_i.q_j, (N, n, n) float64, of all-outgoing massless momenta."""
    g = np.array([1.0, -1.0, -1.0, -1.0])
    return 2 * np.einsum("nik,njk->nij", q * g, q)


# ---------------------------------------------------------------------------------- BDK's one-loop functions
def lnrat(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """ln((x - i0) / (y - i0)) for real x, y (x, y are minus the invariants): ln|x/y| - i pi (theta(-x) - theta(-y))."""
    return np.log(np.abs(x / y)) - 1j * np.pi * ((x < 0).astype(float) - (y < 0).astype(float))


#: |1 - r| below which L_0, L_1, L_2 use their Taylor series in d = 1 - r (24 terms: 0.1^24 below double precision);
#: above it the closed forms lose at most ~1e-16 / |d|^2 (L_1) and 1e-16 / |d|^3 (L_2) relative
SERIES_D = 0.1
_K = np.arange(1, 25)


def _series(d, coef):
    """sum_k coef[k] d^k (Horner) for real d."""
    out = np.zeros_like(d)
    for c in coef[::-1]:
        out = out * d + c
    return out


_L0_COEF = -1.0 / _K                     # L_0 = ln(1 - d)/d = -sum_{k>=1} d^(k-1)/k
_L1_COEF = -1.0 / (_K + 1)               # L_1 = -sum_{k>=1} d^(k-1)/(k+1)
_L2_COEF = 0.5 - 1.0 / (_K + 2)          # L_2 = sum_{k>=3} (1/2 - 1/k) d^(k-3)


def L0(x, y, lr=None):
    """L_0(r) = ln(r) / (1 - r), r = x / y (BDK), with its Taylor series near r = 1; ``lr`` = lnrat(x, y) if known."""
    d = 1 - x / y
    small = np.abs(d) < SERIES_D
    safe = np.where(small, 1.0, d)
    lr = lnrat(x, y) if lr is None else lr
    return np.where(small, _series(np.where(small, d, 0.0), _L0_COEF), lr / safe)


def L1(x, y, lr=None):
    """L_1(r) = (L_0(r) + 1) / (1 - r)."""
    d = 1 - x / y
    small = np.abs(d) < SERIES_D
    safe = np.where(small, 1.0, d)
    return np.where(small, _series(np.where(small, d, 0.0), _L1_COEF), (L0(x, y, lr) + 1) / safe)


def L2(x, y, lr=None):
    """L_2(r) = (ln(r) - (r - 1/r) / 2) / (1 - r)^3."""
    r = x / y
    d = 1 - r
    small = np.abs(d) < SERIES_D
    safe = np.where(small, 1.0, d)
    lr = lnrat(x, y) if lr is None else lr
    return np.where(small, _series(np.where(small, d, 0.0), _L2_COEF), (lr - 0.5 * (r - 1 / r)) / safe ** 3)


def li2_one_minus(x, y, lr=None):
    """Li_2(1 - r), r = (x - i0) / (y - i0): real for r > 0; for r < 0, pi^2/6 - Li_2(r) - ln(r) ln(1 - r)."""
    r = x / y
    pos = r > 0
    out = spence(np.where(pos, r, 1.0)).astype(complex)  # scipy: spence(z) = Li_2(1 - z)
    rn = np.where(pos, -1.0, r)
    lr = lnrat(x, y) if lr is None else lr
    neg = PI2_6 - spence(1 - rn) - lr * np.log(1 - rn)
    return np.where(pos, out, neg)


def Lsm1(x1, y1, x2, y2, parts=None):
    """Ls_{-1}(r1, r2) = Li_2(1 - r1) + Li_2(1 - r2) + ln r1 ln r2 - pi^2 / 6 (the finite box function);
    ``parts`` = (Li_2(1 - r1), Li_2(1 - r2), ln r1, ln r2) if known."""
    if parts is None:
        parts = (li2_one_minus(x1, y1), li2_one_minus(x2, y2), lnrat(x1, y1), lnrat(x2, y2))
    d1, d2, l1, l2 = parts
    return d1 + d2 + l1 * l2 - PI2_6


def Ls1(x1, y1, x2, y2, parts=None):
    """Ls_1(r1, r2) = [Ls_{-1}(r1, r2) / (1 - r1 - r2) + L_0(r1) + L_0(r2)] / (1 - r1 - r2)."""
    d = 1 - x1 / y1 - x2 / y2
    if parts is None:
        parts = (li2_one_minus(x1, y1), li2_one_minus(x2, y2), lnrat(x1, y1), lnrat(x2, y2))
    return (Lsm1(x1, y1, x2, y2, parts) / d + L0(x1, y1, parts[2]) + L0(x2, y2, parts[3])) / d


# -------------------------------------------------------------------------------------- primitive amplitudes
class _Kin:
    """Spinor products, their inverses and the invariants of one batch in an (n, n, N) layout (each product a
    contiguous row), with the loop functions cached by their (leg-index) arguments: the same functions recur across
    orderings and helicities."""

    def __init__(self, q: np.ndarray, epinv: float = 0.0, musq: float = 1.0):
        za, zb = spinors(q)
        n = q.shape[1]
        eye = np.eye(n, dtype=bool)[:, :, None]
        self.za = np.ascontiguousarray(za.transpose(1, 2, 0))
        self.zb = np.ascontiguousarray(zb.transpose(1, 2, 0))
        with np.errstate(divide="ignore", invalid="ignore"):
            self.iza = np.where(eye, 0, 1 / np.where(eye, 1, self.za))
            self.izb = np.where(eye, 0, 1 / np.where(eye, 1, self.zb))
        self.s = np.ascontiguousarray(invariants(q).transpose(1, 2, 0))
        with np.errstate(divide="ignore"):
            self.lg = np.log(np.abs(self.s)) - 1j * np.pi * (self.s > 0)   # ln(-s - i0)
        self.epinv, self.musq = epinv, musq
        self._cache: dict = {}

    def spinors(self, parity: bool):
        """(<>, [], 1/<>, 1/[]); with ``parity`` the angle and square products exchanged (the parity image)."""
        if parity:
            return self.zb, self.za, self.izb, self.iza
        return self.za, self.zb, self.iza, self.izb

    def lnrat(self, p, q):
        """ln((-s_p - i0) / (-s_q - i0)) from the cached ln(-s - i0) of the two invariants."""
        return self.lg[p] - self.lg[q]

    def li2(self, p, q):
        key = ("li2", p, q)
        if key not in self._cache:
            self._cache[key] = li2_one_minus(-self.s[p], -self.s[q], self.lnrat(p, q))
        return self._cache[key]

    def f(self, name, *pairs):
        """Loop function ``name`` of the arguments -s_{pair}; cached on the (ordered) pairs."""
        pairs = tuple(tuple(sorted(p)) for p in pairs)
        key = (name,) + pairs
        if key not in self._cache:
            args = [-self.s[p] for p in pairs]
            if name == "Ls1":
                p1, q1, p2, q2 = pairs
                parts = (self.li2(p1, q1), self.li2(p2, q2), self.lnrat(p1, q1), self.lnrat(p2, q2))
                val = Ls1(*args, parts=parts)
            else:
                val = {"L0": L0, "L1": L1, "L2": L2}[name](*args, lr=self.lnrat(*pairs))
            self._cache[key] = val
        return self._cache[key]

    def lnmu(self, i, j):
        """ln(mu^2 / (-s_ij - i0))."""
        return math.log(self.musq) - self.lg[i, j]


def _A_ppppp(k: _Kin, sp, j):
    """(16 pi^2)(-i) A^{[1/2]}_{5;1}(1+,2+,3+,4+,5+) (BDK eq. 4, the fermion-loop part, -1/2 of the scalar loop's N_p
    = 2 term), legs ``j``; ``sp`` the spinor products (exchanged for the parity image)."""
    a, b, ia, ib = sp
    s = k.s
    j1, j2, j3, j4, j5 = j
    sym = (s[j1, j2] * s[j2, j3] + s[j2, j3] * s[j3, j4] + s[j3, j4] * s[j4, j5]
           + s[j4, j5] * s[j5, j1] + s[j5, j1] * s[j1, j2])
    eps = b[j1, j2] * a[j2, j3] * b[j3, j4] * a[j4, j1] - a[j1, j2] * b[j2, j3] * a[j3, j4] * b[j4, j1]
    return (sym + eps) * (ia[j1, j2] * ia[j2, j3] * ia[j3, j4] * ia[j4, j5] * ia[j5, j1]) * (-1 / 6)


def _A_mpppp(k: _Kin, sp, j):
    """(16 pi^2)(-i) A^{[1/2]}_{5;1}(1-,2+,3+,4+,5+) (BDK eq. 4)."""
    a, b, ia, ib = sp
    s = k.s
    j1, j2, j3, j4, j5 = j
    a13, a14 = a[j1, j3], a[j1, j4]
    num = ((s[j2, j3] + s[j3, j4] + s[j4, j5]) * b[j2, j5] ** 2
           - b[j2, j4] * a[j4, j3] * b[j3, j5] * b[j2, j5]
           - b[j1, j2] * b[j1, j5] * ia[j1, j2] * ia[j1, j5]
           * (a[j1, j2] ** 2 * a13 ** 2 * b[j2, j3] * ia[j2, j3]
              + a13 ** 2 * a14 ** 2 * b[j3, j4] * ia[j3, j4]
              + a14 ** 2 * a[j1, j5] ** 2 * b[j4, j5] * ia[j4, j5]))
    return num * (ib[j1, j2] * ia[j2, j3] * ia[j3, j4] * ia[j4, j5] * ib[j5, j1]) * (-1 / 3)


def _V(k: _Kin, p, q):
    """V^f + V^s (BDK eq. 10) for the two invariants s_p, s_q: V^f = -5/(2 eps) - 2 - (ln(mu^2/-s_p) +
    ln(mu^2/-s_q)) / 2, V^s = -V^f / 3 + 2/9."""
    vf = -2.5 * k.epinv - 2 - 0.5 * (k.lnmu(*p) + k.lnmu(*q))
    return vf * (2 / 3) + 2 / 9


def _A_mmppp(k: _Kin, sp, j):
    """(16 pi^2)(-i) A^{[1/2]}_{5;1}(1-,2-,3+,4+,5+) (BDK eqs. 8, 10): -(V^f + V^s) A_tree - (F^f + F^s) with
    F^s = -F^f / 3 + (rational and L_2 terms), so F^f + F^s = (2/3) F^f + ..."""
    a, b, ia, ib = sp
    s = k.s
    j1, j2, j3, j4, j5 = j
    a12 = a[j1, j2]
    i345 = ia[j3, j4] * ia[j4, j5]
    i51 = 1 / s[j5, j1]
    tree = a12 ** 3 * (ia[j2, j3] * i345 * ia[j5, j1])
    chain = a[j2, j3] * b[j3, j4] * a[j4, j1] + a[j2, j4] * b[j4, j5] * a[j5, j1]
    ff = (-0.5) * a12 ** 2 * k.f("L0", (j2, j3), (j5, j1)) * chain * (ia[j2, j3] * i345 * ia[j5, j1] * i51)
    x = b[j3, j4] * a[j4, j1] * a[j2, j4] * b[j4, j5] * i345 * i51
    ib51 = ib[j5, j1]
    rest = (-(1 / 3) * x * k.f("L2", (j2, j3), (j5, j1)) * chain * i51 ** 2
            - (1 / 3) * a[j3, j5] * b[j3, j5] ** 3 * ib[j1, j2] * ib[j2, j3] * i345 * ib51
            + (1 / 3) * a12 * b[j3, j5] ** 2 * ib[j2, j3] * i345 * ib51
            + (1 / 6) * a12 * x / s[j2, j3])
    return -_V(k, (j2, j3), (j5, j1)) * tree - ((2 / 3) * ff + rest)


def _A_mpmpp(k: _Kin, sp, j):
    """(16 pi^2)(-i) A^{[1/2]}_{5;1}(1-,2+,3-,4+,5+) (BDK eqs. 9, 10): -(V^f + V^s) A_tree - (F^f + F^s); the two
    L_0 terms (-1/2 in F^f, +1/6 in F^s) are combined."""
    a, b, ia, ib = sp
    s = k.s
    j1, j2, j3, j4, j5 = j
    i51, i34 = 1 / s[j5, j1], 1 / s[j3, j4]
    a13 = a[j1, j3]
    a13sq = a13 * a13
    ia45 = ia[j4, j5]
    icyc = ia[j1, j2] * ia[j2, j3] * ia[j3, j4] * ia45 * ia[j5, j1]
    tree = a13sq * a13sq * icyc
    ls_a = k.f("Ls1", (j2, j3), (j5, j1), (j3, j4), (j5, j1))   # Ls_1(-s23/-s51, -s34/-s51)
    ls_b = k.f("Ls1", (j1, j2), (j3, j4), (j5, j1), (j3, j4))   # Ls_1(-s12/-s34, -s51/-s34)
    chain = a[j1, j5] * b[j5, j2] * a[j2, j3] - a[j3, j4] * b[j4, j2] * a[j2, j1]
    b24, b25 = b[j2, j4], b[j2, j5]
    c4 = a[j4, j1] * b24
    c5 = a[j5, j3] * b25
    r4 = ia45 * ia[j5, j1] * ia[j2, j4]          # 1 / (<45><51><24>)
    r5 = ia[j5, j4] * ia[j4, j3] * ia[j2, j5]    # 1 / (<54><43><25>)
    u4 = c4 * c4 * r4 * i51 ** 2                 # (<41>[24])^2 / (<45><51><24> s51^2)
    u5 = c5 * c5 * r5 * i34 ** 2
    # F^f without its L_0 term
    ff = a13sq * (-a[j4, j1] * b24 ** 2 * ia45 * ia[j5, j1] * i51 ** 2 * ls_a
                  + a[j5, j3] * b25 ** 2 * ia[j3, j4] * ia45 * i34 ** 2 * ls_b)
    fs = (-a[j1, j2] * a[j2, j3] * a[j3, j4] * u4 * ia[j2, j4]
          * (2 * ls_a + k.f("L1", (j2, j3), (j5, j1)) + k.f("L1", (j3, j4), (j5, j1)))
          + a[j3, j2] * a[j2, j1] * a[j1, j5] * u5 * ia[j2, j5]
          * (2 * ls_b + k.f("L1", (j1, j2), (j3, j4)) + k.f("L1", (j5, j1), (j3, j4)))
          + (2 / 3) * a[j2, j3] ** 2 * c4 * u4 * i51 * k.f("L2", (j2, j3), (j5, j1))
          - (2 / 3) * a[j2, j1] ** 2 * c5 * u5 * i34 * k.f("L2", (j1, j2), (j3, j4))
          + k.f("L2", (j3, j4), (j5, j1)) * i51 ** 3
          * ((1 / 3) * a13 * b24 * b25 * ia45 * chain
             + (2 / 3) * (a[j1, j2] * a[j3, j4]) ** 2 * a[j4, j1] * b24 ** 3 * r4
             - (2 / 3) * (a[j3, j2] * a[j1, j5]) ** 2 * a[j5, j3] * b25 ** 3 * r5)
          - (1 / 3) * a13sq * a13 * k.f("L0", (j3, j4), (j5, j1)) * chain * icyc * i51
          + (1 / 3) * (b24 * b25) ** 2 * ib[j1, j2] * ib[j2, j3] * ib[j3, j4] * ia45 * ib[j5, j1]
          - (1 / 3) * a[j1, j2] * a[j4, j1] ** 2 * b24 ** 3 * r4 * ib[j2, j3] * ib[j3, j4] * i51
          + (1 / 3) * a[j3, j2] * a[j5, j3] ** 2 * b25 ** 3 * r5 * ib[j2, j1] * ib[j1, j5] * i34
          + (1 / 6) * a13sq * b24 * b25 * i34 * ia45 * i51)
    return -_V(k, (j3, j4), (j5, j1)) * tree - (ff + fs)


HELICITIES5 = list(itertools.product((1, -1), repeat=5))


def primitive(k: _Kin, order: tuple[int, ...], hel: tuple[int, ...]) -> np.ndarray:
    """(16 pi^2)(-i) A^{[1/2]}_{5;1} for the colour ordering ``order`` (leg indices) and helicities ``hel`` (per leg,
    +1 / -1, all outgoing): the independent configurations of BDK by cyclic rotation and parity (<> <-> [])."""
    h = [hel[i] for i in order]
    n_minus = h.count(-1)
    parity = n_minus > 2
    if parity:  # parity image: flip every helicity and exchange angle and square products
        h = [-x for x in h]
        n_minus = 5 - n_minus
    sp = k.spinors(parity)
    if n_minus == 0:
        return _A_ppppp(k, sp, order)
    minus = [i for i in range(5) if h[i] == -1]
    rot = lambda r: tuple(order[(r + i) % 5] for i in range(5))  # noqa: E731
    if n_minus == 1:
        return _A_mpppp(k, sp, rot(minus[0]))
    i, j = minus
    if (j - i) % 5 == 1:
        return _A_mmppp(k, sp, rot(i))
    if (i - j) % 5 == 1:
        return _A_mmppp(k, sp, rot(j))
    if (j - i) % 5 == 2:
        return _A_mpmpp(k, sp, rot(i))
    return _A_mpmpp(k, sp, rot(j))


def photon_orderings(gluons: tuple[int, int, int], photons: tuple[int, int]) -> list[tuple[int, ...]]:
    """The 12 cyclic orderings of the five legs in which the gluons stand in the cyclic order ``gluons`` (the last
    gluon fixed at the end)."""
    g1, g2, g3 = gluons
    out = []
    for perm in itertools.permutations((g1, g2) + tuple(photons)):
        if perm.index(g1) < perm.index(g2):
            out.append(perm + (g3,))
    return out


def photon_amplitudes(q: np.ndarray, gluons=(0, 1, 4), photons=(2, 3), epinv: float = 0.0,
                      musq: float = 1.0) -> np.ndarray:
    """The reduced amplitudes sum over photon insertions of (16 pi^2)(-i) A^{[1/2]}_{5;1}, (N, 32) complex, for the
    all-outgoing momenta ``q`` (N, 5, 4), helicities in the order of :data:`HELICITIES5`. ``epinv`` (the coefficient
    of 1/epsilon) and ``musq`` (mu^2 in GeV^2) enter the primitive amplitudes; the sum does not depend on them."""
    k = _Kin(q, epinv, musq)
    orders = photon_orderings(tuple(gluons), tuple(photons))
    out = np.zeros((q.shape[0], len(HELICITIES5)), dtype=complex)
    for ih, hel in enumerate(HELICITIES5):
        for o in orders:
            out[:, ih] += primitive(k, o, hel)
    return out


# ---------------------------------------------------------------------------------------------- |M|^2
def _couplings(sm: SMParameters):
    e2 = 4 * math.pi * sm.alpha
    g2 = 4 * math.pi * sm.alphas
    return e2, g2


def me2_aag(momenta: np.ndarray, sm: SMParameters = DEFAULT, sum_q2: float = SUM_Q2_LIGHT,
            batch_size: int = 4096) -> np.ndarray:
    """|M|^2 of g(p0) g(p1) -> a(p2) a(p3) g(p4) through a loop of massless quarks, (N,) float64: summed over final
    and averaged over initial helicities and colours, identical-photon factor 1/2 (module docstring)."""
    p = np.asarray(momenta, dtype=np.float64)
    if p.ndim != 3 or p.shape[1:] != (5, 4):
        raise ValueError(f"momenta for 'g g > a a g' must have shape (N, 5, 4); got {p.shape}")
    e2, g2 = _couplings(sm)
    fac = e2 ** 2 * g2 ** 3 / (4 * math.pi) ** 4 * NC / (NC ** 2 - 1) * sum_q2 ** 2
    out = np.empty(p.shape[0])
    for s0 in range(0, p.shape[0], batch_size):
        q = all_outgoing(p[s0:s0 + batch_size])
        A = photon_amplitudes(q)
        out[s0:s0 + batch_size] = fac * (A.real ** 2 + A.imag ** 2).sum(1)
    return out


def gg_aa_helicity(s, t, u) -> np.ndarray:
    """The one-loop g g -> gamma gamma helicity amplitudes M^(1) (Bern, De Freitas & Dixon, hep-ph/0109078), (N, 16)
    complex, for g(1) g(2) -> a(3) a(4) in the physical region s = s12 > 0, t = s13 < 0, u = s23 < 0. Ten of the 16
    (all equal, one flipped, ...) are 1; the three with two gluon and two photon helicities opposite carry the logs,
    and their parity images are equal."""
    s, t, u = (np.asarray(x, dtype=np.float64) for x in (s, t, u))
    pi2 = math.pi ** 2
    ltu = np.log(t / u)
    lts = np.log(-t / s)
    lus = np.log(-u / s)
    m = np.ones(s.shape + (16,), dtype=complex)
    m_mmpp = -0.5 * (t ** 2 + u ** 2) / s ** 2 * (ltu ** 2 + pi2) - (t - u) / s * ltu - 1
    m_mpmp = (-0.5 * (t ** 2 + s ** 2) / u ** 2 * lts ** 2 - (t - s) / u * lts - 1
              - 1j * np.pi * ((t ** 2 + s ** 2) / u ** 2 * lts + (t - s) / u))
    m_pmmp = (-0.5 * (u ** 2 + s ** 2) / t ** 2 * lus ** 2 - (u - s) / t * lus - 1
              - 1j * np.pi * ((u ** 2 + s ** 2) / t ** 2 * lus + (u - s) / t))
    idx = {h: i for i, h in enumerate(itertools.product((-1, 1), repeat=4))}
    for h, val in (((-1, -1, 1, 1), m_mmpp), ((-1, 1, -1, 1), m_mpmp), ((1, -1, -1, 1), m_pmmp)):
        m[..., idx[h]] = val
        m[..., idx[tuple(-x for x in h)]] = val
    return m


def me2_aa(momenta: np.ndarray, sm: SMParameters = DEFAULT, sum_q2: float = SUM_Q2_LIGHT) -> np.ndarray:
    """|M|^2 of g(p0) g(p1) -> a(p2) a(p3) through a massless quark box, (N,) float64, same conventions as
    :func:`me2_aag`: (N_c^2 - 1) / 256 (4 alpha alpha_s sum_q Q_q^2)^2 sum_h |M^(1)_h|^2 / 2."""
    p = np.asarray(momenta, dtype=np.float64)
    if p.ndim != 3 or p.shape[1:] != (4, 4):
        raise ValueError(f"momenta for 'g g > a a' must have shape (N, 4, 4); got {p.shape}")
    q = all_outgoing(p)
    s = invariants(q)
    m = gg_aa_helicity(s[:, 0, 1], s[:, 0, 2], s[:, 1, 2])
    amp = 4 * sm.alpha * sm.alphas * sum_q2
    return (NC ** 2 - 1) / 256 * amp ** 2 * (np.abs(m) ** 2).sum(1) / 2



# ------------------------------------------------------------------------------------------- limits (validation)
def boost(p: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Four-vectors ``p`` (..., 4) boosted by the velocity ``beta`` (3,)."""
    beta = np.asarray(beta, dtype=np.float64)
    b2 = float(beta @ beta)
    if b2 == 0:
        return np.array(p, dtype=np.float64)
    g = 1 / math.sqrt(1 - b2)
    bp = p[..., 1:] @ beta
    E = g * (p[..., 0] + bp)
    x = p[..., 1:] + ((g - 1) * bp / b2 + g * p[..., 0])[..., None] * beta
    return np.concatenate([E[..., None], x], -1)


def _photon_pair(P: np.ndarray, d: np.ndarray):
    """Two photons back to back along +-d in the rest frame of P, boosted to the frame of P."""
    M = math.sqrt(P[0] ** 2 - P[1:] @ P[1:])
    k3, k4 = np.concatenate([[M / 2], M / 2 * d]), np.concatenate([[M / 2], -M / 2 * d])
    return boost(k3, P[1:] / P[0]), boost(k4, P[1:] / P[0])


def _unit(theta, phi):
    return np.array([math.sin(theta) * math.cos(phi), math.sin(theta) * math.sin(phi), math.cos(theta)])


def soft_limit_ratio(omega: float, angles=(1.1, 0.3, 0.7, 2.0), sqrt_s: float = 500.0,
                     sm: SMParameters = DEFAULT) -> float:
    """|M(g g -> a a g)|^2 / (eikonal x |M(g g -> a a)|^2) with a gluon of energy ``omega`` GeV; -> 1 as omega -> 0.

    Beams along +-z at ``sqrt_s``; ``angles`` = (theta, phi) of the photons in their rest frame and (theta, phi) of
    the gluon. Eikonal factor of two gluons in a colour singlet (T_1.T_2 = -C_A): g_s^2 C_A 4 s_12 / (s_1q s_2q);
    |M(g g -> a a)|^2 at the limiting (omega = 0) kinematics, from the closed form (:func:`me2_aa`)."""
    th, ph, thq, phq = angles
    E = sqrt_s / 2
    p1, p2 = np.array([E, 0, 0, E]), np.array([E, 0, 0, -E])
    q = omega * np.concatenate([[1.0], _unit(thq, phq)])
    k3, k4 = _photon_pair(p1 + p2 - q, _unit(th, ph))
    p5 = np.stack([p1, p2, k3, k4, q])[None]
    l3, l4 = _photon_pair(p1 + p2, _unit(th, ph))
    m4 = me2_aa(np.stack([p1, p2, l3, l4])[None], sm)[0]
    s = invariants(all_outgoing(p5))[0]
    eik = 4 * math.pi * sm.alphas * NC * 4 * s[0, 1] / (s[0, 4] * s[1, 4])
    return float(me2_aag(p5, sm)[0] / (eik * m4))


def collinear_limit_ratio(theta: float, z: float = 0.7, sqrt_s: float = 500.0, n_phi: int = 8,
                          sm: SMParameters = DEFAULT) -> float:
    """Initial-state collinear limit: the gluon at angle ``theta`` to incoming gluon 1, carrying 1 - z of its energy
    (z p_1 enters g g -> a a), averaged over ``n_phi`` equally spaced azimuths (removes the spin correlation):
    |M_5|^2 / [(1/z) 8 pi alpha_s / (2 p_1.q) P_gg(z) |M_4(z p_1, p_2)|^2] -> 1 as theta -> 0, with
    P_gg(z) = 2 C_A [z/(1-z) + (1-z)/z + z(1-z)] (Catani & Seymour)."""
    E = sqrt_s / 2
    p1, p2 = np.array([E, 0, 0, E]), np.array([E, 0, 0, -E])
    d = np.array([0.6, 0.0, 0.8])
    l3, l4 = _photon_pair(z * p1 + p2, d)
    m4 = me2_aa(np.stack([z * p1, p2, l3, l4])[None], sm)[0]
    p_gg = 2 * NC * (z / (1 - z) + (1 - z) / z + z * (1 - z))
    out = 0.0
    for phi in np.linspace(0, 2 * math.pi, n_phi, endpoint=False):
        q = (1 - z) * E * np.concatenate([[1.0], _unit(theta, phi)])
        k3, k4 = _photon_pair(p1 + p2 - q, d)
        p5 = np.stack([p1, p2, k3, k4, q])[None]
        pq = p1[0] * q[0] - p1[1:] @ q[1:]
        out += me2_aag(p5, sm)[0] / ((1 / z) * 8 * math.pi * sm.alphas / (2 * pq) * p_gg * m4) / n_phi
    return float(out)


def scale_residual(momenta: np.ndarray) -> np.ndarray:
    """Per point, max over helicities of |A(eps^-1 = 3, mu^2 = 1e5 GeV^2) - A(0, 1 GeV^2)| / max |A|: the 1/epsilon
    poles and the mu dependence of the primitive amplitudes cancel in the sum over photon insertions."""
    q = all_outgoing(np.asarray(momenta, dtype=np.float64))
    a1 = photon_amplitudes(q, epinv=0.0, musq=1.0)
    a2 = photon_amplitudes(q, epinv=3.0, musq=1e5)
    return np.abs(a1 - a2).max(1) / np.abs(a1).max(1)


def gg_aa_textbook(momenta: np.ndarray, sm: SMParameters = DEFAULT, sum_q2: float = SUM_Q2_LIGHT) -> np.ndarray:
    """g g -> a a in the form of Berger, Braaten & Field (Nucl. Phys. B239 (1984) 52; the form Pythia 8 uses):
    |M|^2 = 16 pi s^2 dsigma/dt, dsigma/dt = alpha_s^2 alpha^2 (sum Q^2)^2 / (32 pi s^2) [|B(s,t,u)|^2 + |B(t,s,u)|^2
    + |B(u,t,s)|^2 + 5], B written with real logarithms ln(-s/t), ln(-s/u), ln(t/u) and explicit i pi terms.
    An independent writing of :func:`me2_aa` (checks its normalisation and continuation)."""
    q = all_outgoing(np.asarray(momenta, dtype=np.float64))
    sv = invariants(q)
    s, t, u = sv[:, 0, 1], sv[:, 0, 2], sv[:, 1, 2]
    lst, lsu, ltu = np.log(-s / t), np.log(-s / u), np.log(t / u)
    b_stu = 1 + (t - u) / s * ltu + 0.5 * (t * t + u * u) / s ** 2 * (ltu ** 2 + math.pi ** 2)
    b_tsu = (1 + (s - u) / t * lsu + 0.5 * (s * s + u * u) / t ** 2 * lsu ** 2
             - 1j * math.pi * ((s - u) / t + (s * s + u * u) / t ** 2 * lsu))
    b_uts = (1 + (s - t) / u * lst + 0.5 * (s * s + t * t) / u ** 2 * lst ** 2
             - 1j * math.pi * ((s - t) / u + (s * s + t * t) / u ** 2 * lst))
    box = np.abs(b_stu) ** 2 + np.abs(b_tsu) ** 2 + np.abs(b_uts) ** 2 + 5
    return sm.alphas ** 2 * sm.alpha ** 2 * sum_q2 ** 2 * box / 2

__all__ = ["me2_aag", "me2_aa", "photon_amplitudes", "primitive", "spinors", "invariants", "all_outgoing",
           "gg_aa_helicity", "photon_orderings", "HELICITIES5", "SUM_Q2_LIGHT", "L0", "L1", "L2", "Lsm1", "Ls1",
           "lnrat", "li2_one_minus", "soft_limit_ratio", "collinear_limit_ratio", "scale_residual", "gg_aa_textbook",
           "boost"]
