"""Paper E, vignette I (Gaussian Ansatz): the configuration and the page helpers' closed-form pieces."""
import copy

import numpy as np
import pytest

from hepscaling import profiles
from hepscaling.papers.moments_of_clarity import gaussian_ansatz as gav
from hepscaling.papers.moments_of_clarity.config import ConfigError


@pytest.mark.parametrize("name", ["tiny", "quick", "paper"])
def test_every_profile_configures_the_vignette(name):
    cfg = gav.load_config(name)
    assert set(gav.KEYS) <= set(cfg) and cfg["bulk"] < cfg["half_width"]
    assert gav.data_used(cfg).dataset == "synthetic"
    assert gav.data_used(cfg).sizes == ("paper" if name == "paper" else "reduced")


def test_typo_and_bad_values_are_refused_by_name():
    prof = profiles.load("tiny")
    bad = copy.deepcopy(prof)
    sec = bad["papers"]["moments_of_clarity"]["gaussian_ansatz"]
    sec["n_trian"] = sec.pop("n_train")
    with pytest.raises(ConfigError, match="n_trian"):
        gav.load_config(bad)
    bad = copy.deepcopy(prof)
    bad["papers"]["moments_of_clarity"]["gaussian_ansatz"]["c_uses_z"] = 1
    with pytest.raises(ConfigError, match="c_uses_z"):
        gav.load_config(bad)
    bad = copy.deepcopy(prof)
    bad["papers"]["moments_of_clarity"]["gaussian_ansatz"]["bulk"] = 6.0
    with pytest.raises(ValueError, match="bulk"):
        gav.load_config(bad)


def test_binned_bias_and_slope_recover_a_known_bias():
    rng = np.random.default_rng(0)
    z = rng.uniform(-3, 3, 200_000)
    est = z - 0.2 * z + rng.normal(0, 1, z.size)           # b(z) = −0.2 z, unit noise
    b = gav.binned_bias(z, est, np.linspace(-3, 3, 13))
    assert np.all(np.abs(b["bias"] + 0.2 * b["z"]) < 5 * b["err"])
    assert b["n"].sum() == z.size
    k, dk = gav.fit_slope(b["z"], b["bias"], b["err"])
    assert abs(k + 0.2) < 4 * dk and dk < 0.01


def test_samples_are_seeded_and_distinct_per_role_and_prior():
    cfg = gav.load_config("tiny")
    a = gav.sample(cfg, "uniform", "train", 0)
    assert np.array_equal(a[0], gav.sample(cfg, "uniform", "train", 0)[0])
    assert not np.array_equal(a[1][:100], gav.sample(cfg, "uniform", "test", 0)[1][:100])
    assert not np.array_equal(a[1][:100], gav.sample(cfg, "uniform", "train", 1)[1][:100])
    assert np.abs(gav.sample(cfg, "normal", "train", 0)[1]).max() > cfg["half_width"] * 0.9
