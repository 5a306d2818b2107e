"""Electroweak processes: gauge cancellations at high energy (unitarity), and their sensitivity."""
import dataclasses

import numpy as np
import pytest

from hepscaling.amplitudes import SM_DEFAULT, matrix_element, phase_space
from hepscaling.amplitudes.validation import unitarity_scan

E = (1e3, 1e4, 1e5)


@pytest.mark.parametrize("proc", ["u d~ > w+ z", "u u~ > w+ w- z"])
def test_high_energy_behaviour_is_bounded(proc):
    """s^(n_f-2) |M|^2 at fixed angles must approach a constant: the W/Z/H diagrams cancel their s/M^2 growth."""
    v = unitarity_scan(proc, E)
    r = v[:, 2] / v[:, 1]
    assert (r < 1.2).all() and (r > 0.5).all()


def test_wrong_triple_gauge_coupling_breaks_unitarity():
    bad = dataclasses.replace(SM_DEFAULT, s3=-SM_DEFAULT.s3)
    v = unitarity_scan("u d~ > w+ z", E, sm=bad)
    assert (v[:, 2] / v[:, 1] > 1e3).all()


def test_wrong_quartic_coupling_breaks_unitarity():
    bad = dataclasses.replace(SM_DEFAULT, s4=-SM_DEFAULT.s4)
    v = unitarity_scan("u u~ > w+ w- z", E, sm=bad)
    assert (v[:, 2] / v[:, 1] > 1e3).all()


def test_wwz_needs_the_higgs():
    """With a decoupled (very heavy) Higgs the longitudinal W W Z amplitude grows with energy."""
    heavy = dataclasses.replace(SM_DEFAULT, MH=1e7)
    v = unitarity_scan("u u~ > w+ w- z", (1e3, 1e4, 1e5), sm=heavy)
    good = unitarity_scan("u u~ > w+ w- z", (1e3, 1e4, 1e5))
    assert (v[:, 2] / v[:, 1]).max() > 10 * (good[:, 2] / good[:, 1]).max()


def test_widths_only_matter_near_resonances():
    p, _ = phase_space("u d~ > w+ z g", 20, 1000.0, seed=3)
    a = matrix_element("u d~ > w+ z g", p)
    b = matrix_element("u d~ > w+ z g", p, SM_DEFAULT.without_widths())
    assert np.abs(b / a - 1).max() < 0.05
    assert np.abs(b / a - 1).max() > 1e-4  # ... but they are used: O(Gamma^2 / M^2) away from the peaks


def test_derived_parameters_match_madgraph_sm():
    sm = SM_DEFAULT
    assert abs(sm.MW - 80.419) < 1e-3
    assert abs(sm.sw2 - 0.2222) < 1e-3
    assert abs(sm.vev - 246.22) < 0.05
