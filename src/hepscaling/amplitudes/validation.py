"""Validation checks of the amplitude engine (used by the tests and the book chapter).

* :func:`gauge_residual` -- a gluon's polarisation replaced by its momentum: every colour-ordered amplitude vanishes;
* :func:`lorentz_residual` -- |M|^2 unchanged under random boosts and rotations;
* :func:`permutation_residual` -- |M|^2 symmetric under permutations of identical final-state gluons;
* :func:`unitarity_scan` -- s^(n_f - 2) |M|^2 at growing sqrt(s) (widths off) stays bounded for W Z and W W Z: the
  gauge cancellations between diagrams hold (a wrong triple/quartic coupling makes it grow like s^2);
* :func:`soft_limit_ratio` -- a soft gluon factorises with the colour-correlated eikonal factor;
* :func:`collinear_limit_ratio` -- two final-state gluons becoming collinear factorise with the g -> g g splitting
  function (2 g_s^2 / s_ij) P_gg(z), once averaged over the splitting's azimuth (:func:`collinear_split`);
* :func:`initial_collinear_ratio` -- a gluon emitted along an incoming parton factorises with (1/x) P_qq(x) or
  P_gg(x) (Catani-Seymour's exact initial-state momentum mapping);
* closed forms: :func:`gg_gg_closed_form`, :func:`zg_closed_form`, :func:`five_gluon_parke_taylor`;
* :func:`tth_trace_reference` -- an independent u u~ > t t~ h evaluation by the trace technique (Dirac
  representation, explicit gamma matrices, completeness relations; no helicity spinors).
"""
from __future__ import annotations

import itertools
import math

import numpy as np
import torch

from .model import DEFAULT, SMParameters
from .phasespace import phase_space
from .processes import get_process, helicity_amplitudes, matrix_element


def _d(a, b):
    return a[..., 0] * b[..., 0] - (a[..., 1:] * b[..., 1:]).sum(-1)


def random_lorentz(n: int, seed: int = 0, max_rapidity: float = 2.0, dtype=torch.float64) -> torch.Tensor:
    """Random proper orthochronous Lorentz transformations Lambda (n, 4, 4): rotation, boost, rotation."""
    g = torch.Generator().manual_seed(seed)

    def rot():
        q = torch.randn((n, 4), generator=g, dtype=dtype)
        q = q / q.norm(dim=1, keepdim=True)
        a, b, c, d = q.unbind(1)
        R = torch.stack([
            torch.stack([a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)], -1),
            torch.stack([2 * (b * c + a * d), a * a - b * b + c * c - d * d, 2 * (c * d - a * b)], -1),
            torch.stack([2 * (b * d - a * c), 2 * (c * d + a * b), a * a - b * b - c * c + d * d], -1)], 1)
        L = torch.zeros((n, 4, 4), dtype=dtype)
        L[:, 0, 0] = 1
        L[:, 1:, 1:] = R
        return L

    y = (2 * torch.rand(n, generator=g, dtype=dtype) - 1) * max_rapidity
    B = torch.zeros((n, 4, 4), dtype=dtype)
    B[:, 0, 0] = B[:, 3, 3] = torch.cosh(y)
    B[:, 0, 3] = B[:, 3, 0] = torch.sinh(y)
    B[:, 1, 1] = B[:, 2, 2] = 1
    return rot() @ B @ rot()


def lorentz_residual(process, p: torch.Tensor, seed: int = 0, sm: SMParameters = DEFAULT) -> np.ndarray:
    L = random_lorentz(p.shape[0], seed)
    p2 = torch.einsum("nij,nkj->nki", L, p)
    a = matrix_element(process, p, sm)
    b = matrix_element(process, p2, sm, tol=1e-5)
    return (np.abs(b / a - 1)).cpu().numpy() if isinstance(a, torch.Tensor) else np.abs(b / a - 1)


def gauge_residual(process, p: torch.Tensor, sm: SMParameters = DEFAULT) -> np.ndarray:
    """max over helicities and orderings of |A(eps_g -> k_g/E_g)| / max |A|, for every gluon; shape (N, n_gluons)."""
    proc = get_process(process)
    with torch.no_grad():
        A, _ = helicity_amplitudes(proc, p, sm)
        ref = A.abs().amax((1, 2))
        out = []
        for g in proc.gluon_legs:
            k = (p[:, g] / p[:, g, :1])[:, None, :]
            A2, _ = helicity_amplitudes(proc, p, sm, replace={g: k})
            out.append((A2.abs().amax((1, 2)) / ref).cpu().numpy())
    return np.stack(out, 1)


def permutation_residual(process, p: torch.Tensor, seed: int = 0, sm: SMParameters = DEFAULT) -> np.ndarray:
    """|M^2(final gluons permuted) / M^2 - 1| for a random permutation per call; also swaps the initial gluons."""
    proc = get_process(process)
    g_out = [i for i in proc.gluon_legs if i >= 2]
    rng = np.random.default_rng(seed)
    perm = list(range(len(proc.particles)))
    shuffled = list(rng.permutation(g_out))
    if shuffled == g_out and len(g_out) > 1:
        shuffled = g_out[1:] + g_out[:1]
    for a, b in zip(g_out, shuffled):
        perm[a] = int(b)
    if proc.initial == ("g", "g"):
        perm[0], perm[1] = 1, 0
    a = matrix_element(proc, p, sm)
    b = matrix_element(proc, p[:, perm], sm)
    return np.abs(np.asarray(b) / np.asarray(a) - 1)


def unitarity_scan(process, energies=(1e3, 1e4, 1e5), n: int = 4, seed: int = 5,
                   sm: SMParameters = DEFAULT) -> np.ndarray:
    """s^(n_f-2) |M|^2 (widths off) at the same RAMBO random numbers and growing sqrt(s): (n, len(energies))."""
    proc = get_process(process)
    smw = sm.without_widths()
    cols = []
    for rs in energies:
        p, _ = phase_space(proc, n, float(rs), cuts={"pt_min": 0.0, "dr_min": 0.0}, seed=seed, sm=smw)
        cols.append(np.asarray(matrix_element(proc, p, smw)) * rs ** (2 * (proc.n_final - 2)))
    return np.stack(cols, 1)


# ------------------------------------------------------------------------------------------------- closed forms
def gg_gg_closed_form(p: torch.Tensor, sm: SMParameters = DEFAULT) -> torch.Tensor:
    """(9/2) g^4 (3 - tu/s^2 - su/t^2 - st/u^2) x 1/2 (identical gluons), averaged."""
    s = _d(p[:, 0] + p[:, 1], p[:, 0] + p[:, 1])
    t = _d(p[:, 0] - p[:, 2], p[:, 0] - p[:, 2])
    u = _d(p[:, 0] - p[:, 3], p[:, 0] - p[:, 3])
    return 4.5 * sm.gs**4 * (3 - t * u / s**2 - s * u / t**2 - s * t / u**2) / 2


def zg_closed_form(p: torch.Tensor, sm: SMParameters = DEFAULT) -> torch.Tensor:
    """(8/9) g_s^2 e^2/(s_W^2 c_W^2) (g_L^2 + g_R^2)/2 (t^2 + u^2 + 2 s M_Z^2)/(t u) for u u~ > z g."""
    s = _d(p[:, 0] + p[:, 1], p[:, 0] + p[:, 1])
    t = _d(p[:, 0] - p[:, 3], p[:, 0] - p[:, 3])
    u = _d(p[:, 1] - p[:, 3], p[:, 1] - p[:, 3])
    gL, gR = 0.5 - 2 / 3 * sm.sw2, -2 / 3 * sm.sw2
    return 8 / 9 * sm.gs**2 * sm.ee**2 / (sm.sw2 * sm.cw**2) * (gL**2 + gR**2) / 2 * (t * t + u * u + 2 * s * sm.MZ**2) / (t * u)


def five_gluon_parke_taylor(p: torch.Tensor, sm: SMParameters = DEFAULT) -> torch.Tensor:
    """g g > g g g from the Parke-Taylor MHV formula; for five gluons all helicity amplitudes are (anti-)MHV and the
    colour sum is exactly g^6 N^3 (N^2-1) sum_{sigma in S_5/Z_5} |A_sigma|^2.  Averaged, with the 1/3! factor."""
    q = p.clone()
    q[:, :2] *= -1
    S = {}
    for i, j in itertools.combinations(range(5), 2):
        S[i, j] = S[j, i] = _d(q[:, i] + q[:, j], q[:, i] + q[:, j])
    num = sum(S[i, j] ** 4 for i, j in itertools.combinations(range(5), 2))
    den = 0
    for perm in itertools.permutations(range(1, 5)):
        o = (0,) + perm
        prod = 1
        for k in range(5):
            prod = prod * S[o[k], o[(k + 1) % 5]]
        den = den + 1 / prod
    N = 3
    return sm.gs**6 * N**3 * (N**2 - 1) * 2 * num * den / 256 / 6


def _dirac():
    I2, Z2 = np.eye(2), np.zeros((2, 2))
    sig = [np.array([[0, 1], [1, 0]], complex), np.array([[0, -1j], [1j, 0]]), np.array([[1, 0], [0, -1]], complex)]
    g0 = np.block([[I2, Z2], [Z2, -I2]]).astype(complex)
    gs = [g0] + [np.block([[Z2, s], [-s, Z2]]) for s in sig]
    return np.array(gs)


def tth_trace_reference(p, sm: SMParameters = DEFAULT) -> np.ndarray:
    """u u~ > t t~ h by the trace technique, point by point in numpy (Dirac representation)."""
    p = np.asarray(p, dtype=float)
    G = _dirac()
    metric = np.diag([1.0, -1, -1, -1])
    Gl = np.einsum("mn,nij->mij", metric, G)  # gamma_mu

    def sl(k):
        return np.einsum("m,mij->ij", k, Gl)

    mt, wt, y = sm.MT, sm.WT, sm.ymt / sm.vev
    I4 = np.eye(4)
    out = []
    for pt in p:
        p0, p1, p2, p3, p4 = pt
        s = _d(p0 + p1, p0 + p1)
        L = np.array([[np.trace(sl(p1) @ G[m] @ sl(p0) @ G[n]) for n in range(4)] for m in range(4)])
        q1, q2 = p2 + p4, -(p3 + p4)
        D1 = _d(q1, q1) - mt**2 + 1j * mt * wt
        D2 = _d(q2, q2) - mt**2 + 1j * mt * wt
        S1 = (sl(q1) + mt * I4) / D1
        S2 = (sl(q2) + mt * I4) / D2
        S1b = (sl(q1) + mt * I4) / np.conj(D1)
        S2b = (sl(q2) + mt * I4) / np.conj(D2)
        H = np.zeros((4, 4), complex)
        for m in range(4):
            Gm = S1 @ G[m] + G[m] @ S2
            for n in range(4):
                Gnb = G[n] @ S1b + S2b @ G[n]
                H[m, n] = np.trace((sl(p2) + mt * I4) @ Gm @ (sl(p3) - mt * I4) @ Gnb)
        LH = np.einsum("mn,ma,nb,ab->", L, metric, metric, H)
        out.append((sm.gs**4 * y**2 / s**2 * 2 * LH).real / 36)
    return np.array(out)


def soft_limit_ratio(process: str, eps: float, n: int = 4, sqrt_s: float = 1000.0, seed: int = 6,
                     sm: SMParameters = DEFAULT) -> np.ndarray:
    """|M|^2(process + soft gluon) / (eikonal x |M|^2(process)) for a 2 -> 2 ``process`` with a q q~ initial state.

    The soft gluon (energy ``eps``, random direction) is added and the two final-state particles are re-generated
    back-to-back in the rest frame of P - k along their original direction.  The eikonal factor is colour-correlated
    and exact (C_F = 4/3, C_A = 3): q q~ -> colourless: 2 C_F s_12 / (p1.k p2.k) (times g_s^2); q q~ -> X g:
    (2 C_F - C_A) p1.p2/(p1.k p2.k) + C_A [p1.p3/(p1.k p3.k) + p2.p3/(p2.k p3.k)].  Tends to 1 as eps -> 0.
    """
    proc = get_process(process)
    big = get_process(process + " g")
    p, _ = phase_space(proc, n, sqrt_s, cuts={"pt_min": 0.0, "dr_min": 0.0}, seed=seed, sm=sm)
    m3, m4 = sm.mass(proc.final[0]), sm.mass(proc.final[1])
    g = torch.Generator().manual_seed(seed)
    d_k = torch.randn((n, 3), generator=g, dtype=torch.float64)
    d_k = d_k / d_k.norm(dim=1, keepdim=True)
    k = torch.cat((torch.full((n, 1), eps, dtype=torch.float64), eps * d_k), 1)
    Q = p[:, 0] + p[:, 1] - k
    M2 = Q[:, 0] ** 2 - (Q[:, 1:] ** 2).sum(-1)
    M = torch.sqrt(M2)
    d = p[:, 2, 1:] / p[:, 2, 1:].norm(dim=1, keepdim=True)
    lam = (M2 - (m3 + m4) ** 2) * (M2 - (m3 - m4) ** 2)
    pst = torch.sqrt(lam) / (2 * M)
    a = torch.cat((torch.sqrt(pst**2 + m3**2)[:, None], pst[:, None] * d), 1)
    b = torch.cat((torch.sqrt(pst**2 + m4**2)[:, None], -pst[:, None] * d), 1)
    bvec = Q[:, 1:] / Q[:, :1]

    def boost(v):
        b2 = (bvec**2).sum(1, keepdim=True)
        gam = 1 / torch.sqrt(1 - b2)
        bp = (bvec * v[:, 1:]).sum(1, keepdim=True)
        return torch.cat((gam * (v[:, :1] + bp), v[:, 1:] + ((gam - 1) * bp / b2 + gam * v[:, :1]) * bvec), 1)

    # the new gluon goes where the process string puts it (after the existing final state)
    mom = torch.stack((p[:, 0], p[:, 1], boost(a), boost(b), k), 1)
    CF, CA = 4 / 3, 3.0
    p1, p2 = p[:, 0], p[:, 1]
    if "g" in proc.final:
        p3 = p[:, 2 + proc.final.index("g")]
        S = ((2 * CF - CA) * _d(p1, p2) / (_d(p1, k) * _d(p2, k)) + CA * _d(p1, p3) / (_d(p1, k) * _d(p3, k))
             + CA * _d(p2, p3) / (_d(p2, k) * _d(p3, k)))
    else:
        S = 2 * CF * _d(p1, p2) / (_d(p1, k) * _d(p2, k))
    sym = big.symmetry_factor / proc.symmetry_factor
    num = np.asarray(matrix_element(big, mom, sm))
    den = np.asarray(matrix_element(proc, p, sm)) * (sm.gs**2 * S.numpy() * sym)
    return num / den


# ------------------------------------------------------------------------------------------------ collinear limit
def _boost(v: torch.Tensor, beta: torch.Tensor) -> torch.Tensor:
    """Boost four-vectors ``v`` (N, 4) by velocity ``beta`` (N, 3) (a particle at rest gets velocity beta)."""
    b2 = (beta**2).sum(1, keepdim=True)
    safe = torch.where(b2 > 0, b2, torch.ones_like(b2))
    gam = 1 / torch.sqrt(1 - b2)
    bp = (beta * v[:, 1:]).sum(1, keepdim=True)
    coef = torch.where(b2 > 0, (gam - 1) * bp / safe, torch.zeros_like(b2))
    return torch.cat((gam * (v[:, :1] + bp), v[:, 1:] + (coef + gam * v[:, :1]) * beta), 1)


def p_gg(z) -> float:
    """Unpolarised (azimuth-averaged) g -> g g Altarelli-Parisi kernel, 2 C_A [z/(1-z) + (1-z)/z + z(1-z)]."""
    return 2 * 3.0 * (z / (1 - z) + (1 - z) / z + z * (1 - z))


def collinear_split(p: torch.Tensor, parent: int, kt: float, z: float, phi: float, others: list[int],
                    sqrt_s: float) -> torch.Tensor:
    """Split the massless final-state ``parent`` of a CM-frame configuration ``p`` (N, n, 4) into two massless
    partons i, j with light-cone fractions z, 1-z along the parent and relative transverse momentum ``kt`` at azimuth
    ``phi`` around the parent direction: s_ij = kt^2 / (z (1-z)).

    Exact kinematics: the pair Q = p_i + p_j (mass^2 = s_ij) keeps the parent's direction in the CM frame; the other
    final-state particles ``others`` recoil as a rigid system (boosted along the parent axis from their old to
    their new common velocity), so every momentum moves by O(kt^2) and tends to ``p`` as kt -> 0.
    Returns (N, n + 1, 4): ``p`` with the parent replaced by p_i and p_j appended as the last leg.
    """
    N = p.shape[0]
    P = p[:, parent]
    nh = P[:, 1:] / P[:, 1:].norm(dim=1, keepdim=True)
    m2 = kt**2 / (z * (1 - z))
    R = p[:, others].sum(1)
    MR2 = torch.clamp(R[:, 0] ** 2 - (R[:, 1:] ** 2).sum(-1), min=0.0)
    s = sqrt_s**2
    lam = (s - m2 - MR2) ** 2 - 4 * m2 * MR2
    q = torch.sqrt(lam) / (2 * sqrt_s)
    EQ = torch.sqrt(q**2 + m2)
    Rnew = torch.cat(((sqrt_s - EQ)[:, None], -q[:, None] * nh), 1)
    out = p.clone()
    if len(others) == 1:  # a single recoiler (possibly massless) is R itself
        out[:, others[0]] = Rnew
    else:
        for o in others:  # old R rest frame -> new R velocity
            rest = _boost(p[:, o], -R[:, 1:] / R[:, :1])
            out[:, o] = _boost(rest, Rnew[:, 1:] / Rnew[:, :1])
    A = (EQ + q) / 2
    Pl = torch.cat((A[:, None], A[:, None] * nh), 1)               # light-like, along the parent
    nl = torch.cat((torch.ones(N, 1, dtype=p.dtype), -nh), 1)      # light-like reference, opposite
    ref = torch.zeros_like(nh)
    ref[:, 0] = 1.0
    ref = torch.where((nh[:, :1].abs() > 0.9), torch.tensor([0.0, 1.0, 0.0], dtype=p.dtype), ref)
    e1 = torch.linalg.cross(nh, ref)
    e1 = e1 / e1.norm(dim=1, keepdim=True)
    e2 = torch.linalg.cross(nh, e1)
    kperp = torch.cat((torch.zeros(N, 1, dtype=p.dtype), kt * (math.cos(phi) * e1 + math.sin(phi) * e2)), 1)
    pi = z * Pl + kperp + (kt**2 / (4 * A * z))[:, None] * nl
    pj = (1 - z) * Pl - kperp + (kt**2 / (4 * A * (1 - z)))[:, None] * nl
    out[:, parent] = pi
    return torch.cat((out, pj[:, None]), 1)


def collinear_limit_ratio(process: str, kt: float, z: float = 0.3, n: int = 4, sqrt_s: float = 1000.0,
                          seed: int = 6, phis=(0.0, math.pi / 2), kernel=None,
                          sm: SMParameters = DEFAULT) -> np.ndarray:
    """Collinear g -> g g factorisation: <|M|^2(process + g)>_phi / [(2 g_s^2 / s_ij) P_gg(z) |M|^2(process)].

    ``process`` has a final-state gluon (its last leg is taken as the parent).  The parent is split by
    :func:`collinear_split` into two gluons with momentum fractions z, 1-z and relative transverse momentum ``kt``
    (GeV); the ratio tends to 1 as kt -> 0 at fixed z.  g -> g g has azimuthal (spin) correlations: the splitting
    amplitude squared carries a cos 2(phi - phi_0) term, which averaging |M|^2 over ``phis`` = (phi, phi + pi/2)
    removes exactly; a single azimuth does not converge to 1.  ``kernel`` (default :func:`p_gg`) can be replaced
    to show that the check is sensitive to the splitting function's normalisation.  Identical-particle factors
    are included (ratio of the two processes' 1/prod n_i!).
    """
    proc = get_process(process)
    big = get_process(process + " g")
    parent = len(proc.particles) - 1
    if proc.particles[parent] != "g":
        raise ValueError(f"collinear_limit_ratio: the last leg of {process!r} must be a final-state gluon")
    kernel = kernel or p_gg
    p, _ = phase_space(proc, n, sqrt_s, seed=seed, sm=sm)
    others = [i for i in range(2, len(proc.particles)) if i != parent]
    num = 0.0
    for phi in phis:
        q = collinear_split(p, parent, kt, z, phi, others, sqrt_s)
        num = num + np.asarray(matrix_element(big, q, sm)) / len(phis)
    sij = kt**2 / (z * (1 - z))
    sym = big.symmetry_factor / proc.symmetry_factor
    den = np.asarray(matrix_element(proc, p, sm)) * 2 * sm.gs**2 / sij * kernel(z) * sym
    return num / den


def p_qq(x) -> float:
    """Unpolarised q -> q g Altarelli-Parisi kernel (the quark keeps the fraction x), C_F (1 + x^2) / (1 - x)."""
    return 4 / 3 * (1 + x**2) / (1 - x)


def initial_collinear_ratio(process: str, theta: float, x: float = 0.7, beam: int = 0, n: int = 4,
                            sqrt_s: float = 1000.0, seed: int = 7, phis=(0.0, math.pi / 2), kernel=None,
                            flux_factor: bool = True, sm: SMParameters = DEFAULT) -> np.ndarray:
    """Initial-state collinear factorisation: incoming parton ``beam`` (0 or 1) of ``process + " g"`` emits the extra
    gluon at angle ``theta`` to the beam, keeping the fraction ``x`` of its momentum.  Returns

        <|M|^2(process + g)>_phi / [ (1/x) (2 g_s^2 / (2 p_a.p_c)) P(x) |M|^2(process)(x p_a, p_b, k~) ],

    which tends to 1 as theta -> 0 at fixed x (Catani-Seymour's initial-state limit; the 1/x is the flux change,
    dropped with ``flux_factor=False`` to show the check sees it).  ``P`` is :func:`p_qq` for an incoming (anti)quark
    and :func:`p_gg` for a gluon (spin-correlated: averaged over ``phis`` = (phi, phi + pi/2) like the final-state
    check), or ``kernel``.

    Exact kinematics, in the CM frame of the (n+1)-body process: p_c = (1 - x) E_beam (1, sin theta cos phi,
    sin theta sin phi, +-cos theta), so Catani-Seymour's x_{c,ab} = 1 - p_c.(p_a + p_b)/p_a.p_b equals ``x``
    exactly.  The reduced configuration (a phase-space point of ``process`` at sqrt(x s), boosted to the frame of
    x p_a + p_b) is mapped to the (n+1)-body final state by the inverse of Catani-Seymour's Lorentz transformation
    K~ = x p_a + p_b -> K = p_a + p_b - p_c (which has the same mass), so both sides conserve momentum and stay on
    shell at every theta.
    """
    if beam not in (0, 1):
        raise ValueError(f"initial_collinear_ratio: beam must be 0 or 1, got {beam!r}")
    if not 0 < x < 1:
        raise ValueError(f"initial_collinear_ratio: x must lie in (0, 1), got {x!r}")
    proc = get_process(process)
    big = get_process(process + " g")
    parton = proc.particles[beam]
    kernel = kernel or (p_gg if parton == "g" else p_qq)
    E = sqrt_s / 2
    sign = 1.0 if beam == 0 else -1.0
    pa = torch.tensor([E, 0.0, 0.0, sign * E], dtype=torch.float64)  # the emitting beam
    pb = torch.tensor([E, 0.0, 0.0, -sign * E], dtype=torch.float64)
    # reduced point at sqrt(x s) in its CM frame (leg 0 along +z, as here), boosted along z to x p_a + p_b
    pr, _ = phase_space(proc, n, math.sqrt(x) * sqrt_s, seed=seed, sm=sm)
    Kt = x * pa + pb
    red = _boost(pr.reshape(-1, 4), (Kt[1:] / Kt[0]).expand(pr.shape[0] * pr.shape[1], 3)).reshape(pr.shape)
    N, nleg = pr.shape[0], pr.shape[1]
    Ec = (1 - x) * E
    num = 0.0
    for phi in phis:
        pc = torch.tensor([Ec, Ec * math.sin(theta) * math.cos(phi), Ec * math.sin(theta) * math.sin(phi),
                           sign * Ec * math.cos(theta)], dtype=torch.float64)
        K = pa + pb - pc
        S = K + Kt
        final = red[:, 2:]
        # inverse Catani-Seymour map: k = k~ - 2 k~.(K + K~)/(K + K~)^2 (K + K~) + 2 k~.K~ / K~^2 K
        k = (final - (2 * _d(final, S) / _d(S, S))[..., None] * S
             + (2 * _d(final, Kt) / _d(Kt, Kt))[..., None] * K)
        full = torch.empty((N, nleg + 1, 4), dtype=torch.float64)
        full[:, 0] = pa if beam == 0 else pb
        full[:, 1] = pb if beam == 0 else pa
        full[:, 2:nleg] = k
        full[:, nleg] = pc
        num = num + np.asarray(matrix_element(big, full, sm)) / len(phis)
    sac = 2 * float(_d(pa, pc))
    sym = big.symmetry_factor / proc.symmetry_factor
    flux = 1 / x if flux_factor else 1.0
    den = np.asarray(matrix_element(proc, red, sm)) * flux * 2 * sm.gs**2 / sac * kernel(x) * sym
    return num / den
