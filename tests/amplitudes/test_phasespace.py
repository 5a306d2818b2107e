"""Massive RAMBO: momentum conservation, on-shell, flat weights against analytic phase-space volumes, cuts."""
import math

import numpy as np
import pytest
import scipy.integrate
import torch

from hepscaling.amplitudes import DEFAULT_CUTS, phase_space, rambo, unweighted_events, matrix_element


def _lam(a, b, c):
    return a * a + b * b + c * c - 2 * a * b - 2 * a * c - 2 * b * c


def _phi2(s, m1, m2):
    return math.sqrt(_lam(s, m1 * m1, m2 * m2)) / (8 * math.pi * s)


@pytest.mark.parametrize("masses", [[0, 0, 0, 0], [173, 173, 125], [91.188, 0, 0, 0, 0], [80.4, 91.188]])
def test_conservation_and_on_shell(masses):
    p, w = rambo(masses, 500, 1500.0, seed=3)
    tot = p.sum(1)
    assert torch.allclose(tot[:, 0], torch.full_like(tot[:, 0], 1500.0), rtol=1e-12)
    assert tot[:, 1:].abs().max() < 1e-9
    m2 = p[..., 0] ** 2 - (p[..., 1:] ** 2).sum(-1)
    assert torch.allclose(m2, torch.tensor(masses, dtype=torch.float64) ** 2 * torch.ones_like(m2), atol=1e-6 * 1500**2 * 1e-3)
    # weights: the massless n-body volume (2 pi)^(4-3n) (pi/2)^(n-1) s^(n-2) / ((n-1)! (n-2)!) for every massless
    # point; masses shrink the phase space: massive weights are positive and below it
    n, s = len(masses), 1500.0**2
    vol = ((2 * math.pi) ** (4 - 3 * n) * (math.pi / 2) ** (n - 1) * s ** (n - 2)
           / (math.factorial(n - 1) * math.factorial(n - 2)))
    if not any(masses):
        assert torch.allclose(w, torch.full_like(w, vol), rtol=1e-12)
    else:
        assert (w > 0).all() and (w < vol).all()


def test_two_body_weight_is_analytic_volume():
    for m1, m2 in [(0.0, 0.0), (91.188, 0.0), (80.419, 91.188), (173.0, 173.0)]:
        s = 600.0**2
        _, w = rambo([m1, m2], 50, 600.0, seed=1)
        assert torch.allclose(w, torch.full_like(w, _phi2(s, m1, m2)), rtol=1e-10)


def test_massless_three_body_volume():
    s = 1000.0**2
    _, w = rambo([0, 0, 0], 10, 1000.0, seed=0)
    assert torch.allclose(w, torch.full_like(w, s / (256 * math.pi**3)), rtol=1e-12)


def test_massive_three_body_volume_matches_recursive_integral():
    """<w> of massive RAMBO = Phi_3 = int dm23^2/(2 pi) Phi_2(s; m1, m23) Phi_2(m23^2; m2, m3)."""
    rs, (m1, m2, m3) = 1000.0, (125.0, 173.0, 173.0)
    s = rs * rs
    ref, _ = scipy.integrate.quad(lambda m23sq: _phi2(s, m1, math.sqrt(m23sq)) * _phi2(m23sq, m2, m3) / (2 * math.pi),
                                  (m2 + m3) ** 2, (rs - m1) ** 2, epsabs=0, epsrel=1e-10)
    _, w = rambo([m1, m2, m3], 200000, rs, seed=11)
    mean, err = float(w.mean()), float(w.std() / math.sqrt(len(w)))
    assert abs(mean - ref) < 5 * err + 1e-12
    assert err / mean < 3e-3


def test_phase_space_layout_cuts_and_determinism():
    p, w = phase_space("u u~ > z g g g", 300, 1000.0, seed=4)
    assert p.shape == (300, 6, 4)
    assert torch.allclose(p[:, 0], torch.tensor([500.0, 0, 0, 500.0], dtype=torch.float64).expand(300, 4))
    assert torch.allclose(p[:, 1], torch.tensor([500.0, 0, 0, -500.0], dtype=torch.float64).expand(300, 4))
    g = p[:, 3:]
    pt = torch.sqrt(g[..., 1] ** 2 + g[..., 2] ** 2)
    assert (pt > DEFAULT_CUTS["pt_min"]).all()
    y = 0.5 * torch.log((g[..., 0] + g[..., 3]) / (g[..., 0] - g[..., 3]))
    phi = torch.atan2(g[..., 2], g[..., 1])
    for i in range(3):
        for j in range(i + 1, 3):
            dphi = torch.remainder(phi[:, i] - phi[:, j] + math.pi, 2 * math.pi) - math.pi
            assert (torch.sqrt((y[:, i] - y[:, j]) ** 2 + dphi**2) > DEFAULT_CUTS["dr_min"]).all()
    p2, w2 = phase_space("u u~ > z g g g", 300, 1000.0, seed=4)
    assert torch.equal(p, p2) and torch.equal(w, w2)
    p3, _ = phase_space("u u~ > z g g g", 300, 1000.0, seed=5)
    assert not torch.equal(p, p3)
    # weights carry the acceptance: tighter cuts => smaller estimated volume
    _, wt = phase_space("u u~ > z g g g", 3000, 1000.0, cuts={"pt_min": 100.0}, seed=4)
    _, wl = phase_space("u u~ > z g g g", 3000, 1000.0, cuts={"pt_min": 20.0}, seed=4)
    assert wt.mean() < 0.8 * wl.mean()


def test_phase_space_bad_input():
    with pytest.raises(ValueError, match="below the threshold.*short by 46"):
        phase_space("u u~ > t t~ h", 10, 425.0)
    with pytest.raises(ValueError, match="unknown process"):
        phase_space("u u~ > z z", 10, 1000.0)
    with pytest.raises(ValueError, match="unknown cut"):
        phase_space("u u~ > z g", 10, 1000.0, cuts={"ptmin": 3})


def test_unweighted_events_follow_matrix_element():
    mom, me, info = unweighted_events("u u~ > t t~ h", 400, 1000.0, seed=2, n_pilot=4000)
    assert mom.shape == (400, 5, 4)
    assert np.allclose(np.asarray(me), np.asarray(matrix_element("u u~ > t t~ h", mom)))
    assert info["overweight_fraction"] < 0.05
    # the reported efficiency (0 < eff <= 1 holds by construction) is the accept-reject probability
    # <min(|M|^2 w / f_max, 1)>, estimated independently on a flat sample
    q, wq = phase_space("u u~ > t t~ h", 20000, 1000.0, seed=99)
    acc = np.minimum(np.asarray(matrix_element("u u~ > t t~ h", q)) * wq.numpy() / info["f_max"], 1.0)
    eff = info["efficiency"]
    sd = math.sqrt(eff * (1 - eff) / info["n_tried"] + acc.var() / len(acc))
    assert abs(eff - acc.mean()) < 4 * sd, (eff, acc.mean(), sd)
    assert eff * info["n_tried"] >= 400
    # unweighted sample is biased towards large |M|^2 relative to the flat sample
    flat, _ = phase_space("u u~ > t t~ h", 400, 1000.0, seed=2)
    assert np.median(np.asarray(me)) > np.median(np.asarray(matrix_element("u u~ > t t~ h", flat)))
