"""Paper E, SHAPER vignette: its profile section, the injected contamination and the IRC variations of the pages."""
import copy

import numpy as np
import pytest

from hepscaling import profiles
from hepscaling.papers.moments_of_clarity import shaper_vignette as sv
from hepscaling.papers.moments_of_clarity.config import ConfigError
from hepscaling.shapes import prepare


def _jets(n=3, m=12, seed=0):
    rng = np.random.default_rng(seed)
    j = np.zeros((n, m + 3, 3))
    j[:, :m, 0] = rng.exponential(10.0, (n, m))
    j[:, :m, 1] = 0.3 + rng.normal(0, 0.1, (n, m))
    j[:, :m, 2] = np.pi - 0.05 + rng.normal(0, 0.1, (n, m))     # straddles the φ seam before wrapping
    j[:, :m, 2] = np.mod(j[:, :m, 2] + np.pi, 2 * np.pi) - np.pi
    return j


@pytest.mark.parametrize("name", ["tiny", "quick", "paper"])
def test_every_shipped_profile_has_a_valid_shaper_section(name):
    cfg = sv.load_config(name)
    assert 0.0 in cfg["groom_fractions"] and cfg["n_jets"] >= 2 * cfg["n_display"]


def test_bad_profile_entries_are_refused_naming_the_key():
    prof = profiles.load("tiny")
    bad = copy.deepcopy(prof)
    bad["papers"]["moments_of_clarity"]["shaper"]["observables"] = ["1-ringiness", "1-blobiness"]
    with pytest.raises(ConfigError, match="1-blobiness"):
        sv.load_config(bad)
    bad = copy.deepcopy(prof)
    bad["papers"]["moments_of_clarity"]["shaper"]["groom_fractions"] = [0.1, 0.2]
    with pytest.raises(ConfigError, match="groom_fractions"):
        sv.load_config(bad)
    bad = copy.deepcopy(prof)
    bad["papers"]["moments_of_clarity"]["shaper"]["groom_observable"] = "1-diskiness+pileup"
    with pytest.raises(ConfigError, match="groom_observable"):
        sv.load_config(bad)
    bad = copy.deepcopy(prof)
    del bad["papers"]["moments_of_clarity"]["shaper"]["tol"]
    with pytest.raises(ConfigError, match="missing keys"):
        sv.load_config(bad)


@pytest.mark.parametrize("f", [0.1, 0.3])
def test_contamination_carries_the_injected_fraction_uniformly_within_R(f):
    jets = _jets()
    R, n = 0.8, 4000
    cj = sv.contaminate(jets, f, n, R, seed=1)
    added = cj[:, -n:]
    assert np.allclose(added[..., 0].sum(axis=1) / cj[..., 0].sum(axis=1), f, rtol=1e-12)
    _, axes = prepare(jets)
    dy = added[..., 1] - axes[:, :1]
    dphi = added[..., 2] - axes[:, 1:]
    r2 = (dy ** 2 + dphi ** 2) / R ** 2
    assert r2.max() <= 1 + 1e-12
    assert np.mean(r2) == pytest.approx(0.5, abs=0.02)      # uniform in the disk: <r²> = R²/2
    assert np.array_equal(sv.contaminate(jets, f, n, R, seed=1), cj)
    assert not np.array_equal(sv.contaminate(jets, f, n, R, seed=2), cj)


def test_irc_variants_add_a_soft_particle_and_split_the_hardest_collinearly():
    jets = _jets()
    soft, split = sv.irc_variants(jets, seed=0)
    pt = jets[..., 0].sum(axis=1)
    assert np.allclose(soft[:, -1, 0] / pt, 1e-9)
    assert np.allclose(split[..., 0].sum(axis=1), pt)
    hard = np.argmax(jets[..., 0], axis=1)
    idx = np.arange(len(jets))
    assert np.allclose(split[idx, -1, 1:], jets[idx, hard, 1:])
    assert np.allclose(split[idx, hard, 0] + split[idx, -1, 0], jets[idx, hard, 0])


def test_ring_bound_is_what_a_ring_of_n_points_achieves():
    from hepscaling.shapes import shaper
    r, R = 0.25, 0.8
    out = shaper(sv.ring_jet(r, n=96)[None], "1-ringiness", R=R, n_points=24)
    assert 0.3 * sv.ring_bound(r, 24, 96, R) < out["emd"][0] <= sv.ring_bound(r, 24, 96, R)
