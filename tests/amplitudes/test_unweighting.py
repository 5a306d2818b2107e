"""The w_max rules of hepscaling.amplitudes.unweighting against closed forms of an exponential weight distribution.

For w ~ Exp(1): the share of sum(w) above m is e^-m, so the reduced maximum at overweight fraction eps is -log(eps);
the acceptance mean(min(1, w / m)) is (1 - e^-m) / m; the q quantile is -log(1 - q).
"""
import math

import numpy as np
import pytest
import torch

from hepscaling.amplitudes.unweighting import (expected_efficiency, overweight_share, quantile_maximum,
                                               reduced_maximum)


def _exp(n, seed):
    return -torch.log(torch.rand(n, generator=torch.Generator().manual_seed(seed), dtype=torch.float64))


@pytest.mark.parametrize("eps", [1e-2, 1e-3])
def test_realised_overweight_share_is_the_requested_fraction(eps):
    pilot, fresh = _exp(1_000_000, 1), _exp(1_000_000, 2)
    w_max = reduced_maximum(pilot, eps)
    assert w_max == pytest.approx(-math.log(eps), rel=0.02)
    assert overweight_share(pilot, w_max) <= eps            # on the pilot: at most eps by construction
    assert overweight_share(pilot, w_max) == pytest.approx(eps, rel=1e-3)
    # on an independent sample: eps up to Monte-Carlo fluctuations (the tail above -log(1e-3) holds ~1e3 points)
    assert overweight_share(fresh, w_max) == pytest.approx(eps, rel=0.15)
    m = -math.log(eps)
    assert expected_efficiency(fresh, w_max) == pytest.approx((1 - math.exp(-m)) / m, rel=0.02)


def test_quantile_rule_and_its_bias():
    w = _exp(1_000_000, 3)
    q = quantile_maximum(w, 0.9999)
    assert q == pytest.approx(float(np.quantile(w.numpy(), 0.9999)))
    assert q == pytest.approx(-math.log(1e-4), rel=0.05)
    # the quantile rule's overweight share is e^-q (1e-4 of the points, ~1e-4 (1 + ...) of the cross section here)
    assert overweight_share(w, q) == pytest.approx(math.exp(-q), rel=0.3)
    assert quantile_maximum(w, 1.0) == float(w.max())


def test_bad_input_names_the_parameter():
    w = _exp(100, 4)
    with pytest.raises(ValueError, match="overweight"):
        reduced_maximum(w, 0.0)
    with pytest.raises(ValueError, match="quantile"):
        quantile_maximum(w, 1.5)
    with pytest.raises(ValueError, match="no pilot point"):
        reduced_maximum(torch.zeros(10, dtype=torch.float64), 1e-3)
    with pytest.raises(ValueError, match="non-negative"):
        reduced_maximum(torch.tensor([1.0, -1.0]), 1e-3)


def test_flat_unweighting_uses_the_rule_it_is_given():
    """phasespace.unweighted_events with overweight=: w_max is the reduced maximum of its pilot, and the realised
    overweight share on the later points is of the order of the requested fraction (t t~ h: a mild weight tail)."""
    from hepscaling.amplitudes import matrix_element, phase_space, unweighted_events
    proc, n_pilot, seed = "u u~ > t t~ h", 4000, 2
    _, _, info = unweighted_events(proc, 300, 1000.0, seed=seed, n_pilot=n_pilot, overweight=1e-2)
    p, w = phase_space(proc, n_pilot, 1000.0, seed=seed + 7919)          # the pilot unweighted_events draws
    assert info["f_max"] == pytest.approx(reduced_maximum(matrix_element(proc, p) * w, 1e-2), rel=1e-12)
    assert 0 < info["overweight_share"] < 0.05
    _, _, info_q = unweighted_events(proc, 300, 1000.0, seed=seed, n_pilot=n_pilot)
    assert info_q["f_max"] == pytest.approx(quantile_maximum(matrix_element(proc, p) * w, 0.9999), rel=1e-12)
