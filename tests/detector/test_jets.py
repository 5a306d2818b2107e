"""Matched particle-level / detector-level jets (hepscaling.detector.jets) and the GA JES page's configuration."""
import copy

import numpy as np
import pytest

from hepscaling import profiles
from hepscaling.detector import jets as dj
from hepscaling.papers.moments_of_clarity import gaussian_ansatz as gav
from hepscaling.papers.moments_of_clarity.config import ConfigError

N_EVENTS = 120


@pytest.fixture(scope="module")
def sample():
    return dj.matched_jets.uncached(N_EVENTS, 11, batch_events=60)


def test_matched_jets_agree_within_the_detector_response(sample):
    """A particle-flow detector with tracking measures jets of 100–1000 GeV to a few per cent: the mean response
    pT_det/pT_particle lies within 5 % of 1 and its core spread within 1–10 %; the matched axes are close."""
    r = sample["pt_det"] / sample["pt_gen"]
    assert len(r) > 100                                  # ~2 jets above 100 GeV per event
    assert abs(np.median(r) - 1) < 0.05
    q16, q84 = np.percentile(r, [15.865, 84.135])
    assert 0.01 < 0.5 * (q84 - q16) < 0.10
    assert np.all(sample["dR"] < 0.2) and np.median(sample["dR"]) < 0.05
    assert np.all((sample["pt_gen"] > 100) & (sample["pt_gen"] < 1000) & (np.abs(sample["eta_gen"]) < 2.4))
    assert sample["n_unmatched"] <= 0.05 * sample["n_gen_jets"]
    # the particle jet has more constituents than the detector jet (neutrals merged into cells, thresholds)
    assert np.median(sample["n_det"]) < np.median(sample["n_gen"])
    # pTHat bias ∝ pTHat⁴: harder events weigh less
    assert np.corrcoef(np.log(sample["pthat"]), np.log(sample["weight"]))[0, 1] < -0.9


def test_matched_jets_are_deterministic_in_the_seed(sample):
    again = dj.matched_jets.uncached(N_EVENTS, 11, batch_events=60)
    for k in ("pt_gen", "pt_det", "eta_det", "n_det"):
        np.testing.assert_array_equal(sample[k], again[k])
    other = dj.matched_jets.uncached(60, 12, batch_events=60)
    assert not np.array_equal(sample["pt_gen"][:10], other["pt_gen"][:10])


def test_match_nearest_picks_the_closest_jet_of_the_same_event():
    best, dr = dj.match_nearest([0, 0, 2], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0],
                                [0, 0, 1], [0.9, 0.05, 0.0], [0.0, 0.0, 0.0])
    assert best.tolist() == [1, 0, -1]
    np.testing.assert_allclose(dr[:2], [0.05, 0.1])
    assert np.isinf(dr[2])
    # φ wraps around: 3.1 and −3.1 are 0.083 apart
    best, dr = dj.match_nearest([0], [0.0], [3.1], [0], [0.0], [-3.1])
    np.testing.assert_allclose(dr, [2 * np.pi - 6.2])


def test_bad_arguments_are_refused_by_name():
    with pytest.raises(ValueError, match="pthat_min"):
        dj.matched_jets.uncached(10, 0, pthat_min=500.0, pthat_max=100.0)
    with pytest.raises(ValueError, match="event_b"):
        dj.match_nearest([0], [0.0], [0.0], [1, 0], [0.0, 0.0], [0.0, 0.0])


@pytest.mark.parametrize("name", ["tiny", "quick", "paper"])
def test_every_profile_configures_the_jes_block(name):
    cfg = gav.load_jes_config(name)
    assert cfg["pt_min"] < cfg["closure_pt_min"] < cfg["closure_pt_max"] < cfg["pt_max"]
    assert gav.jes_data_used(cfg).dataset == "substitute"


def test_jes_block_typos_are_refused_by_name():
    bad = copy.deepcopy(profiles.load("tiny"))
    sec = bad["papers"]["moments_of_clarity"]["gaussian_ansatz"]["jes"]
    sec["n_event"] = sec.pop("n_events")
    with pytest.raises(ConfigError, match="n_event"):
        gav.load_jes_config(bad)
    bad = copy.deepcopy(profiles.load("tiny"))
    bad["papers"]["moments_of_clarity"]["gaussian_ansatz"]["jes"]["closure_pt_max"] = 5000.0
    with pytest.raises(ConfigError, match="closure_pt_max"):
        gav.load_jes_config(bad)


def test_binned_stats_core_width_of_a_gaussian():
    rng = np.random.default_rng(0)
    key = rng.uniform(100, 1000, 200_000)
    v = rng.normal(0.01, 0.05, key.size)
    s = gav.binned_stats(key, {"v": v}, np.geomspace(100, 1000, 4))
    np.testing.assert_allclose(s["v"], 0.01, atol=0.002)
    np.testing.assert_allclose(s["v_core"], 0.05, rtol=0.03)
    np.testing.assert_allclose(s["v_std"], 0.05, rtol=0.03)
