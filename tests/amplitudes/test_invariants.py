"""log p_i·p_j (paper B, eq. 9): Lorentz invariance, the closed form of 2 → 2 kinematics, bad input named."""
import numpy as np
import pytest

from hepscaling.amplitudes import log_invariants, phase_space
from hepscaling.amplitudes.invariants import pair_indices


def _boost_z(p, beta):
    g = 1 / np.sqrt(1 - beta ** 2)
    out = p.copy()
    out[..., 0] = g * (p[..., 0] - beta * p[..., 3])
    out[..., 3] = g * (p[..., 3] - beta * p[..., 0])
    return out


def test_invariant_under_boosts_and_rotations():
    p, _ = phase_space("u u~ > t t~ h", 200, 1000.0, seed=0)
    p = p.numpy()
    z = log_invariants(p)
    c, s = np.cos(0.7), np.sin(0.7)
    rot = p.copy()
    rot[..., 1], rot[..., 2] = c * p[..., 1] - s * p[..., 2], s * p[..., 1] + c * p[..., 2]
    assert np.allclose(log_invariants(_boost_z(rot, 0.8)), z, rtol=0, atol=1e-10)
    assert z.shape == (200, 10) and pair_indices(5)[:3] == [(0, 1), (0, 2), (0, 3)]


def test_massless_two_to_two_closed_form():
    p, _ = phase_space("g g > g g", 100, 500.0, seed=1)
    z = log_invariants(p)
    # p1.p2 = s/2 for massless incoming partons at sqrt(s) = 500, and p1.p3 + p1.p4 = p1.(p1 + p2) = s/2
    assert np.allclose(z[:, 0], np.log(500.0 ** 2 / 2), rtol=1e-12)
    assert np.allclose(np.exp(z[:, 1]) + np.exp(z[:, 2]), 500.0 ** 2 / 2, rtol=1e-9)


def test_bad_input_named():
    p, _ = phase_space("g g > g g", 10, 500.0, seed=1)
    p = p.numpy().copy()
    p[3, 2] = p[3, 1]                                      # two identical massless momenta: p_1 . p_2 = 0
    with pytest.raises(ValueError, match=r"p_1 · p_2 .* row 3"):
        log_invariants(p)
    with pytest.raises(ValueError, match="shape"):
        log_invariants(p[:, :, :3])
