"""Mandatory closed forms and independent references for the amplitude engine."""
import numpy as np
import pytest

from hepscaling.amplitudes import matrix_element, phase_space
from hepscaling.amplitudes.validation import (five_gluon_parke_taylor, gg_gg_closed_form, tth_trace_reference,
                                              zg_closed_form)


def test_gg_to_gg_closed_form():
    p, _ = phase_space("g g > g g", 50, 800.0, seed=1)
    assert np.allclose(matrix_element("g g > g g", p), gg_gg_closed_form(p).numpy(), rtol=1e-11, atol=0)


def test_uu_to_zg_closed_form():
    p, _ = phase_space("u u~ > z g", 50, 500.0, seed=2)
    assert np.allclose(matrix_element("u u~ > z g", p), zg_closed_form(p).numpy(), rtol=1e-11, atol=0)


def test_five_gluon_parke_taylor():
    p, _ = phase_space("g g > g g g", 30, 1000.0, seed=3)
    assert np.allclose(matrix_element("g g > g g g", p), five_gluon_parke_taylor(p).numpy(), rtol=1e-10, atol=0)


def test_tth_against_trace_technique():
    p, _ = phase_space("u u~ > t t~ h", 8, 1200.0, seed=4)
    assert np.allclose(matrix_element("u u~ > t t~ h", p), tth_trace_reference(p), rtol=1e-10, atol=0)


def test_alpha_s_scaling():
    """|M|^2 scales as g_s^(2 n_g) (u u~ > z g g: alpha_s^2)."""
    import dataclasses

    from hepscaling.amplitudes import SM_DEFAULT

    p, _ = phase_space("u u~ > z g g", 5, 1000.0, seed=5)
    a = matrix_element("u u~ > z g g", p)
    b = matrix_element("u u~ > z g g", p, dataclasses.replace(SM_DEFAULT, alphas=0.236))
    assert np.allclose(b / a, 4.0, rtol=1e-12)


@pytest.mark.parametrize("proc", ["u u~ > z g", "u d~ > w+ z"])
def test_soft_gluon_factorisation(proc):
    """Adding a soft gluon multiplies |M|^2 by the colour-correlated eikonal factor (exact colour), with O(E_k)
    corrections: u u~ > z g -> z g g (colour matrices of 1 and 2 gluons) and u d~ > w+ z -> w+ z g."""
    from hepscaling.amplitudes.validation import soft_limit_ratio

    dev = [np.abs(soft_limit_ratio(proc, eps) - 1).max() for eps in (1.0, 1e-2)]
    assert dev[1] < 1e-4
    assert dev[1] < 0.05 * dev[0]  # converges linearly as the gluon gets softer


@pytest.mark.parametrize("proc", ["u u~ > z g", "u u~ > z g g", "u u~ > z g g g"])
def test_parity_shortcut_equals_both_chiralities(proc):
    """matrix_element computes only the left-handed chain for Z + n g; the full two-chain sum must agree."""
    from hepscaling.amplitudes import helicity_amplitudes
    from hepscaling.amplitudes.processes import colour_sum, get_process

    p, _ = phase_space(proc, 6, 1000.0, seed=12)
    A, C = helicity_amplitudes(proc, p)
    P = get_process(proc)
    full = colour_sum(A, C).numpy() * P.average_factor * P.symmetry_factor
    assert np.allclose(matrix_element(proc, p), full, rtol=1e-12, atol=0)
