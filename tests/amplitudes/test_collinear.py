"""Collinear factorisation: g -> g g of final-state gluons (with the azimuthal spin correlations of the splitting),
and initial-state emission q -> q g and g -> g g along the beam (with the 1/x flux factor)."""
import math

import numpy as np
import pytest

from hepscaling.amplitudes.validation import collinear_limit_ratio, initial_collinear_ratio, p_gg, p_qq

KTS = (10.0, 1.0, 0.1)  # GeV, at sqrt(s) = 1 TeV and z = 0.3


@pytest.mark.parametrize("proc", ["g g > g g", "g g > g g g", "u u~ > z g", "u u~ > z g g"])
def test_collinear_gluon_factorisation(proc):
    """<|M|^2(proc + g)>_phi -> (2 g_s^2 / s_ij) P_gg(z) |M|^2(proc), with O(kt) corrections."""
    dev = [np.abs(collinear_limit_ratio(proc, kt, n=3) - 1).max() for kt in KTS]
    assert dev[-1] < 1e-3
    assert dev[-1] < 0.03 * dev[0]  # converges (linearly: x 0.01 over two decades of kt)


def test_collinear_check_detects_a_wrong_splitting_normalisation():
    """C_A [z/(1-z) + ...] (half the Altarelli-Parisi P_gg) leaves a ratio of 2 that does not go away as kt -> 0."""
    r = collinear_limit_ratio("u u~ > z g", 0.1, n=3, kernel=lambda z: p_gg(z) / 2)
    assert np.abs(r - 2).max() < 1e-3
    assert np.abs(r - 1).min() > 0.5


def test_collinear_limit_has_azimuthal_correlations():
    """g -> g g is spin-correlated: at one azimuth the ratio keeps an O(1e-3) cos 2phi term as kt -> 0 (for Z g);
    the (phi, phi + pi/2) average removes it exactly.  For g g > g g there is none: A(..., +) A(..., -)^* = 0 for
    every helicity of the other three gluons (four-gluon amplitudes are MHV)."""
    kt = 0.01
    a = collinear_limit_ratio("u u~ > z g", kt, n=3, phis=(0.3,))
    b = collinear_limit_ratio("u u~ > z g", kt, n=3, phis=(0.3 + math.pi / 2,))
    avg = collinear_limit_ratio("u u~ > z g", kt, n=3, phis=(0.3, 0.3 + math.pi / 2))
    assert np.abs(a - b).min() > 1e-3
    assert np.abs(avg - 1).max() < 1e-4
    a = collinear_limit_ratio("g g > g g", kt, n=3, phis=(0.3,))
    b = collinear_limit_ratio("g g > g g", kt, n=3, phis=(0.3 + math.pi / 2,))
    assert np.abs(a - b).max() < 1e-4


THETAS = (1e-2, 1e-3, 1e-4)  # emission angle to the beam, at sqrt(s) = 1 TeV and x = 0.7


@pytest.mark.parametrize("proc,beam", [("u d~ > w+ z", 0), ("u d~ > w+ z", 1), ("u u~ > z g", 0),
                                       ("g g > g g", 0), ("g g > g g g", 1)])
def test_initial_state_collinear_factorisation(proc, beam):
    """A gluon emitted along an incoming parton: <|M|^2(proc + g)>_phi -> (1/x) (2 g_s^2 / 2 p_a.p_c) P(x)
    |M|^2(proc)(x p_a), with P_qq for (anti)quark beams and P_gg for gluon beams; corrections O(theta)."""
    dev = [np.abs(initial_collinear_ratio(proc, th, beam=beam, n=3) - 1).max() for th in THETAS]
    assert dev[-1] < 1e-3
    assert dev[-1] < 0.03 * dev[0]


def test_initial_state_check_sees_the_flux_factor_and_the_kernel():
    """Dropping the 1/x (the reduced process's flux 1/(2 x s)) leaves exactly 1/x; the gluon kernel on a quark beam
    leaves P_gg / P_qq: neither goes away as theta -> 0."""
    x = 0.7
    r = initial_collinear_ratio("u d~ > w+ z", 1e-4, x=x, n=3, flux_factor=False)
    np.testing.assert_allclose(r, 1 / x, rtol=1e-4)
    r = initial_collinear_ratio("u d~ > w+ z", 1e-4, x=x, n=3, kernel=p_gg)
    np.testing.assert_allclose(r, p_qq(x) / p_gg(x), rtol=1e-4)
    assert abs(p_qq(x) / p_gg(x) - 1) > 0.3
