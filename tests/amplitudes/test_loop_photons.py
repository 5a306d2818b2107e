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


_boost = lp.boost


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
    mp = pytest.importorskip("mpmath")   # (a dependency of sympy, itself of torch)
    mp.mp.dps = 40
    for d in (1e-5, 1e-3, 0.03, 0.99 * lp.SERIES_D, 1.01 * lp.SERIES_D, 0.5):   # Taylor series for |1 - r| < SERIES_D
        dm = mp.mpf(d)
        rm = 1 - dm
        l0 = mp.log(rm) / dm
        for f, exact in ((lp.L0, l0), (lp.L1, (l0 + 1) / dm), (lp.L2, (mp.log(rm) - (rm - 1 / rm) / 2) / dm ** 3)):
            assert abs(f(np.array([-(1 - d)]), y1)[0] - float(exact)) < 1e-12 * abs(float(exact)), (f.__name__, d)
    # the defining formulas away from r = 1: L_1 = (L_0 + 1)/(1 - r), L_2 = (ln r - (r - 1/r)/2)/(1 - r)^3
    xr = np.array([-0.3, -2.0, 0.5])
    r, lr = xr / y1, lp.lnrat(xr, y1)
    assert np.allclose(lp.L1(xr, y1), (lr / (1 - r) + 1) / (1 - r), rtol=1e-13)
    assert np.allclose(lp.L2(xr, y1) * (1 - r) ** 3, lr - 0.5 * (r - 1 / r), rtol=1e-13)
    assert np.allclose(lr.imag, [0, 0, np.pi])   # ln((0.5 - i0) / (-1 - i0)) = ln(0.5) + i pi


def test_poles_and_scale_cancel_in_the_photon_sum():
    """Each primitive amplitude has 1/epsilon poles and mu dependence; the sum over photon insertions has neither."""
    assert lp.scale_residual(_points(40, seed=2)).max() < 1e-10
    q = lp.all_outgoing(_points(40, seed=2))
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


@pytest.mark.parametrize("angles", [(1.1, 0.3, 0.7, 2.0), (2.2, 4.0, 1.9, 0.4), (0.5, 1.0, 2.6, 5.0)])
def test_soft_gluon_limit(angles):
    """As the gluon becomes soft, |M(g g -> a a g)|^2 -> g_s^2 C_A 4 s_12 / (s_1q s_2q) |M(g g -> a a)|^2 (eikonal
    factor of two gluons in a colour singlet, T_1.T_2 = -C_A) with the closed-form box amplitudes: two independent
    normalisations meet; the deviation falls like omega."""
    dev = [abs(lp.soft_limit_ratio(omega, angles) - 1) for omega in (1.0, 0.1, 0.01, 0.001)]
    assert dev[-1] < 1e-4
    assert all(b < a / 5 for a, b in zip(dev, dev[1:]))


@pytest.mark.parametrize("z", [0.3, 0.7])
def test_collinear_initial_state_limit(z):
    """The gluon collinear to incoming gluon 1 (it carries 1 - z of p_1; z p_1 enters g g -> a a): averaged over the
    azimuth (which removes the spin correlation), |M_5|^2 -> (1/z) 8 pi alpha_s / (2 p_1.q) P_gg(z) |M_4|^2."""
    dev = [abs(lp.collinear_limit_ratio(theta, z) - 1) for theta in (1e-1, 1e-2, 1e-3)]
    assert dev[-1] < 1e-4
    assert dev[2] < dev[1] < dev[0]


def test_gg_to_aa_against_independent_closed_form():
    """g g -> a a (BDD helicity amplitudes) against the textbook form of the cross section (Berger, Braaten & Field
    1984), written with real logarithms and explicit i pi terms; and symmetric under the photon exchange."""
    import dataclasses

    p, _ = phase_space("g g > g g", 40, 300.0, seed=6)
    p = p.numpy()
    assert np.allclose(lp.me2_aa(p), lp.gg_aa_textbook(p), rtol=1e-12, atol=0)
    assert np.allclose(lp.me2_aa(p[:, [0, 1, 3, 2]]), lp.me2_aa(p), rtol=1e-12, atol=0)
    sm2 = dataclasses.replace(DEFAULT, alphas=2 * DEFAULT.alphas)   # |M|^2 ~ alpha_s^2
    assert np.allclose(lp.me2_aa(p, sm2) / lp.me2_aa(p), 4, rtol=1e-12)


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
