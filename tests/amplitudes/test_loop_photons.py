"""The one-loop g g -> a a g (BDK primitive amplitudes summed over photon insertions) and g g -> a a (quark box):
spinor identities, analytic continuation, finiteness, Bose symmetry, Lorentz invariance, the soft-gluon limit onto
g g -> a a, the collinear limit, and g g -> a a against an independent closed form."""
import math

import numpy as np
import pytest
from scipy.special import spence

from hepscaling.amplitudes import loop_photons as lp
from hepscaling.amplitudes import phase_space
from hepscaling.amplitudes.model import DEFAULT


def _points(n, sqrt_s=500.0, seed=1):
    p, _ = phase_space("g g > g g g", n, sqrt_s, seed=seed)   # massless 2 -> 3 kinematics
    return p.numpy()


def _boost(p, beta):
    """Boost four-vectors p (..., 4) by the velocity beta (3,)."""
    b2 = float(beta @ beta)
    g = 1 / math.sqrt(1 - b2)
    bp = p[..., 1:] @ beta
    E = g * (p[..., 0] + bp)
    x = p[..., 1:] + ((g - 1) * bp / b2 + g * p[..., 0])[..., None] * beta
    return np.concatenate([E[..., None], x], -1)


def _rotate(p, axis, angle):
    axis = axis / np.linalg.norm(axis)
    K = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    R = np.eye(3) + math.sin(angle) * K + (1 - math.cos(angle)) * K @ K
    out = p.copy()
    out[..., 1:] = p[..., 1:] @ R.T
    return out


def test_spinor_products():
    """<ij>[ji] = s_ij (incoming momenta negated) and momentum conservation sum_k <ik>[kj] = 0."""
    q = lp.all_outgoing(_points(50))
    za, zb = lp.spinors(q)
    s = lp.invariants(q)
    scale = np.abs(s).max()
    assert np.abs(za * np.swapaxes(zb, 1, 2) - s).max() < 1e-12 * scale
    assert np.abs(np.einsum("nik,nkj->nij", za, zb)).max() < 1e-12 * scale
    assert np.abs(za + np.swapaxes(za, 1, 2)).max() < 1e-12 * scale


def test_loop_functions_continuation_and_series():
    """Li_2(1 - r) with r = (x - i0)/(y - i0) against scipy's complex dilogarithm just off the cut; L_0, L_1, L_2
    continuous across their series near r = 1."""
    rng = np.random.default_rng(0)
    x = rng.uniform(-5, 5, 200)
    y = rng.uniform(-5, 5, 200)
    xm, ym = x - 1e-14j * np.abs(x), y - 1e-14j * np.abs(y)   # x - i0, y - i0
    r = xm / ym
    ref = spence(r)   # Li_2(1 - r)
    assert np.allclose(lp.li2_one_minus(x, y), ref, rtol=1e-9, atol=1e-9)
    assert np.allclose(lp.lnrat(x, y), np.log(xm) - np.log(ym), rtol=1e-12, atol=1e-12)
    y1 = np.array([-1.0])
    for f, eps in ((lp.L0, 1e-6), (lp.L1, 1e-4), (lp.L2, 1e-3)):   # series used for |1 - r| < eps
        d = 0.99 * eps
        r, lr = 1 - d, np.log1p(-d)
        l0 = lr / d
        exact = {lp.L0: l0, lp.L1: (l0 + 1) / d, lp.L2: (lr - 0.5 * (r - 1 / r)) / d ** 3}[f]
        assert abs(f(np.array([-r]), y1)[0] - exact) < 1e-6
    # the defining formulas away from r = 1: L_1 = (L_0 + 1)/(1 - r), L_2 = (ln r - (r - 1/r)/2)/(1 - r)^3
    xr = np.array([-0.3, -2.0, 0.5])
    r, lr = xr / y1, lp.lnrat(xr, y1)
    assert np.allclose(lp.L1(xr, y1), (lr / (1 - r) + 1) / (1 - r), rtol=1e-13)
    assert np.allclose(lp.L2(xr, y1) * (1 - r) ** 3, lr - 0.5 * (r - 1 / r), rtol=1e-13)
    assert np.allclose(lr.imag, [0, 0, np.pi])   # ln((0.5 - i0) / (-1 - i0)) = ln(0.5) + i pi


def test_poles_and_scale_cancel_in_the_photon_sum():
    """Each primitive amplitude has 1/epsilon poles and mu dependence; the sum over photon insertions has neither."""
    q = lp.all_outgoing(_points(40, seed=2))
    a1 = lp.photon_amplitudes(q, epinv=0.0, musq=1.0)
    a2 = lp.photon_amplitudes(q, epinv=3.0, musq=1e5)
    assert np.abs(a1 - a2).max() < 1e-10 * np.abs(a1).max()
    k1, k2 = lp._Kin(q, 0.0, 1.0), lp._Kin(q, 3.0, 1e5)
    o, h = lp.photon_orderings((0, 1, 4), (2, 3))[0], (-1, -1, 1, 1, 1)
    assert np.abs(lp.primitive(k1, o, h) - lp.primitive(k2, o, h)).min() > 1e-3 * np.abs(lp.primitive(k1, o, h)).max()


def test_bose_symmetry():
    """|M|^2 symmetric under the exchange of the photons, of the incoming gluons, and under every permutation of the
    three gluons in the all-outgoing (crossed) amplitude."""
    p = _points(60, seed=3)
    m = lp.me2_aag(p)
    assert np.allclose(lp.me2_aag(p[:, [0, 1, 3, 2, 4]]), m, rtol=1e-11, atol=0)
    assert np.allclose(lp.me2_aag(p[:, [1, 0, 2, 3, 4]]), m, rtol=1e-11, atol=0)
    q = lp.all_outgoing(p)
    ref = (np.abs(lp.photon_amplitudes(q)) ** 2).sum(1)
    for perm in ([4, 1, 2, 3, 0], [0, 4, 2, 3, 1], [1, 4, 2, 3, 0], [4, 0, 2, 3, 1]):
        crossed = (np.abs(lp.photon_amplitudes(q[:, perm])) ** 2).sum(1)
        assert np.allclose(crossed, ref, rtol=1e-11, atol=0), perm


def test_lorentz_invariance():
    rng = np.random.default_rng(4)
    p = _points(40, seed=4)
    m = lp.me2_aag(p)
    for _ in range(3):
        beta = rng.uniform(-0.5, 0.5, 3)
        p2 = _rotate(_boost(p, beta), rng.normal(size=3), rng.uniform(0, 2 * math.pi))
        assert np.allclose(lp.me2_aag(p2), m, rtol=1e-9, atol=0)


def _soft_config(omega, sqrt_s, th, ph, thq, phq):
    """g g -> a a g with a gluon of energy omega in the direction (thq, phq); the photons back to back at (th, ph)
    in the rest frame of the photon pair. omega = 0: the g g -> a a limit."""
    E = sqrt_s / 2
    p1, p2 = np.array([E, 0, 0, E]), np.array([E, 0, 0, -E])
    n = np.array([math.sin(thq) * math.cos(phq), math.sin(thq) * math.sin(phq), math.cos(thq)])
    q = np.concatenate([[omega], omega * n])
    P = p1 + p2 - q
    M = math.sqrt(P[0] ** 2 - P[1:] @ P[1:])
    d = np.array([math.sin(th) * math.cos(ph), math.sin(th) * math.sin(ph), math.cos(th)])
    k3, k4 = np.concatenate([[M / 2], M / 2 * d]), np.concatenate([[M / 2], -M / 2 * d])
    if omega > 0:
        k3, k4 = _boost(k3, P[1:] / P[0]), _boost(k4, P[1:] / P[0])
    return np.stack([p1, p2, k3, k4, q])


@pytest.mark.parametrize("angles", [(1.1, 0.3, 0.7, 2.0), (2.2, 4.0, 1.9, 0.4), (0.5, 1.0, 2.6, 5.0)])
def test_soft_gluon_limit(angles):
    """As the gluon becomes soft, |M(g g -> a a g)|^2 -> g_s^2 C_A 4 s_12 / (s_1q s_2q) |M(g g -> a a)|^2 (eikonal
    factor of two gluons in a colour singlet, T_1.T_2 = -C_A) with the closed-form box amplitudes: two independent
    normalisations meet."""
    sqrt_s = 500.0
    m4 = lp.me2_aa(_soft_config(0.0, sqrt_s, *angles)[None, :4])[0]
    dev = []
    for omega in (1.0, 0.1, 0.01, 0.001):
        p5 = _soft_config(omega, sqrt_s, *angles)[None]
        s = lp.invariants(lp.all_outgoing(p5))[0]
        eik = 4 * math.pi * DEFAULT.alphas * 3 * 4 * s[0, 1] / (s[0, 4] * s[1, 4])
        dev.append(abs(lp.me2_aag(p5)[0] / (eik * m4) - 1))
    assert dev[-1] < 1e-4
    assert all(b < a for a, b in zip(dev, dev[1:]))


def _photons_from(P, d):
    """Photons back to back along +-d in the rest frame of P, boosted to the frame of P."""
    M = math.sqrt(P[0] ** 2 - P[1:] @ P[1:])
    k3, k4 = np.concatenate([[M / 2], M / 2 * d]), np.concatenate([[M / 2], -M / 2 * d])
    return _boost(k3, P[1:] / P[0]), _boost(k4, P[1:] / P[0])


@pytest.mark.parametrize("z", [0.3, 0.7])
def test_collinear_initial_state_limit(z):
    """The gluon collinear to incoming gluon 1 (it carries 1 - z of p_1; z p_1 enters g g -> a a): averaged over the
    azimuth (which removes the spin correlation), |M_5|^2 -> (1/z) 8 pi alpha_s / (2 p_1.q) P_gg(z) |M_4(z p_1, p_2)|^2
    with P_gg(z) = 2 C_A [z/(1-z) + (1-z)/z + z(1-z)] (Catani & Seymour's initial-state collinear limit)."""
    sqrt_s = 500.0
    E = sqrt_s / 2
    p1, p2 = np.array([E, 0, 0, E]), np.array([E, 0, 0, -E])
    d = np.array([0.6, 0.0, 0.8])
    k3, k4 = _photons_from(z * p1 + p2, d)
    m4 = lp.me2_aa(np.stack([z * p1, p2, k3, k4])[None])[0]
    p_gg = 2 * 3 * (z / (1 - z) + (1 - z) / z + z * (1 - z))
    dev = []
    for theta in (1e-1, 1e-2, 1e-3):
        phis = np.linspace(0, 2 * math.pi, 8, endpoint=False)
        ratio = 0.0
        for phi in phis:
            q = (1 - z) * E * np.array([1, math.sin(theta) * math.cos(phi), math.sin(theta) * math.sin(phi),
                                        math.cos(theta)])
            k3, k4 = _photons_from(p1 + p2 - q, d)
            p5 = np.stack([p1, p2, k3, k4, q])[None]
            pq = p1[0] * q[0] - p1[1:] @ q[1:]
            ratio += lp.me2_aag(p5)[0] / ((1 / z) * 8 * math.pi * DEFAULT.alphas / (2 * pq) * p_gg * m4) / len(phis)
        dev.append(abs(ratio - 1))
    assert dev[-1] < 1e-4
    assert dev[2] < dev[1] < dev[0]


def test_gg_to_aa_against_independent_closed_form():
    """g g -> a a against the textbook form of the cross section (Berger, Braaten & Field 1984; the form Pythia 8
    uses): dsigma/dt = alpha_s^2 alpha^2 (sum Q^2)^2 / (32 pi s^2) x [|B(s,t,u)|^2 + |B(t,s,u)|^2 + |B(u,t,s)|^2
    + 5] with B written through ln(-s/t), ln(-s/u), and |M|^2 = 16 pi s^2 dsigma/dt."""
    p, _ = phase_space("g g > g g", 40, 300.0, seed=6)
    p = p.numpy()
    q = lp.all_outgoing(p)
    sv = lp.invariants(q)
    s, t, u = sv[:, 0, 1], sv[:, 0, 2], sv[:, 1, 2]
    lst, lsu, ltu = np.log(-s / t), np.log(-s / u), np.log(t / u)
    b_stu = 1 + (t - u) / s * ltu + 0.5 * (t * t + u * u) / s ** 2 * (ltu ** 2 + math.pi ** 2)
    b_tsu = (1 + (s - u) / t * lsu + 0.5 * (s * s + u * u) / t ** 2 * lsu ** 2
             - 1j * math.pi * ((s - u) / t + (s * s + u * u) / t ** 2 * lsu))
    b_uts = (1 + (s - t) / u * lst + 0.5 * (s * s + t * t) / u ** 2 * lst ** 2
             - 1j * math.pi * ((s - t) / u + (s * s + t * t) / u ** 2 * lst))
    box = np.abs(b_stu) ** 2 + np.abs(b_tsu) ** 2 + np.abs(b_uts) ** 2 + 5
    ref = DEFAULT.alphas ** 2 * DEFAULT.alpha ** 2 * lp.SUM_Q2_LIGHT ** 2 * box / 2
    assert np.allclose(lp.me2_aa(p), ref, rtol=1e-12, atol=0)
    assert np.allclose(lp.me2_aa(p[:, [0, 1, 3, 2]]), lp.me2_aa(p), rtol=1e-12, atol=0)


def test_bad_input():
    with pytest.raises(ValueError, match=r"\(N, 5, 4\)"):
        lp.me2_aag(np.zeros((3, 4, 4)))
    with pytest.raises(ValueError, match=r"\(N, 4, 4\)"):
        lp.me2_aa(np.zeros((3, 5, 4)))


def test_engine_interface():
    """``g g > a a g`` through the engine's entry points: matrix_element (numpy and torch), and the pp generator with
    the photon cuts (every event inside them, |M|^2 as recomputed)."""
    import torch

    from hepscaling.amplitudes import collider_events, get_process, helicity_amplitudes, matrix_element
    from hepscaling.amplitudes.collider import PHOTON_CUTS, photon_cuts

    p = _points(20, seed=7)
    assert np.allclose(matrix_element("g g > a a g", p), lp.me2_aag(p), rtol=1e-14, atol=0)
    t = matrix_element("g g > a a g", torch.from_numpy(p), batch_size=7)
    assert isinstance(t, torch.Tensor) and np.allclose(t.numpy(), lp.me2_aag(p), rtol=1e-14, atol=0)
    proc = get_process("g g > a a g")
    assert proc.average_factor == 1 / 256 and proc.symmetry_factor == 0.5
    with pytest.raises(ValueError, match="loop-induced"):
        helicity_amplitudes("g g > a a g", torch.from_numpy(p))
    mom, me, info = collider_events("g g > a a g", 100, seed=3, adapt_iterations=2, adapt_points=2000, n_pilot=4000,
                                    frame="lab")   # the cuts are lab-frame cuts
    assert mom.shape == (100, 5, 4) and info["photon_cuts"] == PHOTON_CUTS
    assert bool(photon_cuts(mom[:, 2:], [0, 1], [2]).all())
    pt_g = torch.sqrt(mom[:, 4, 1] ** 2 + mom[:, 4, 2] ** 2)
    assert bool((pt_g > 20.0).all())
    assert np.allclose(matrix_element("g g > a a g", mom).numpy(), me.numpy(), rtol=1e-6, atol=0)
    assert info["cross_section_pb"] > 0
