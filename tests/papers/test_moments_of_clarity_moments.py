"""Paper E, moment-pooling vignette: the page helpers' closed forms (AUC errors, the log-latent fit, log-angularity
moments) and the configuration's checks.  No jets are generated here."""
import copy

import numpy as np
import pandas as pd
import pytest

from hepscaling import profiles
from hepscaling.papers.moments_of_clarity import moments as mo
from hepscaling.papers.moments_of_clarity.config import ConfigError


def test_hanley_mcneil_error_matches_the_spread_of_repeated_test_sets():
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(0)
    n = 200
    aucs = []
    for _ in range(400):                      # quark scores N(1, 1), gluon N(0, 1): AUC = Φ(1/√2) = 0.760
        s = np.r_[rng.normal(1, 1, n), rng.normal(0, 1, n)]
        aucs.append(roc_auc_score(np.r_[np.ones(n), np.zeros(n)], s))
    spread = np.std(aucs)
    assert abs(np.mean(aucs) - 0.7602) < 0.005
    assert abs(mo.auc_error(np.mean(aucs), n, n) / spread - 1) < 0.15, (mo.auc_error(np.mean(aucs), n, n), spread)
    # the closed form at AUC = 1/2: var = (1/4 + (n + m - 2)/12) / (n m)
    assert mo.auc_error(0.5, 500, 500) == pytest.approx(np.sqrt((0.25 + 998 / 12) / 500 ** 2))


def test_log_latent_fit_recovers_a_known_log_angularity():
    r = np.geomspace(1e-4, 0.4, 41)
    phi = 0.7 - 1.3 * np.log(0.004 + r) + 1e-4 * np.random.default_rng(1).normal(size=r.size)
    fit = mo.fit_log_latent(r, phi)
    assert fit["c"] == pytest.approx(0.004, rel=0.05)
    assert fit["b"] == pytest.approx(-1.3, rel=0.02) and fit["a"] == pytest.approx(0.7, abs=0.02)
    assert fit["r2"] > 0.9999 and fit["r2_log"] < 0.99          # the regulator matters below r ~ c


def test_log_latent_fit_of_a_linear_latent_has_no_logarithm():
    r = np.geomspace(1e-4, 0.4, 41)
    fit = mo.fit_log_latent(r, 2.0 - 3.0 * r)                    # linear in r: log(c + r) with c >> r
    # the form contains the straight line as its c -> infinity limit: c runs to its bound and the fit is good, which
    # is why the page tests c itself (a small c = a logarithm across the jet) besides the fit's quality
    assert fit["c"] == pytest.approx(1.0) and fit["r2"] > 0.99


def test_log_angularity_moments_closed_form():
    # one jet: two massless particles at (y, phi) = (0.1, 0) and (-0.1, 0) around y = 0, pT 300 and 100 GeV
    def p4(pt, y, phi):
        return [pt * np.cosh(y), pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(y)]
    jet = np.array([[p4(300.0, 0.1, 0.0), p4(100.0, -0.1, 0.0)]])
    z = np.array([0.75, 0.25])
    centroid = 0.75 * 0.1 - 0.25 * 0.1                          # pT-weighted centroid in y
    r = np.abs(np.array([0.1, -0.1]) - centroid)
    c = 0.01
    want = [(z * np.log(c + r) ** n).sum() for n in range(1, 5)]
    np.testing.assert_allclose(mo.log_angularity_moments(jet, c)[0], want, rtol=1e-10)
    with pytest.raises(ValueError, match="IRC safety"):
        mo.log_angularity_moments(jet, 0.0)


def test_summarize_combines_test_set_error_and_repeat_spread():
    runs = pd.DataFrame({"k": [1, 1], "L": [1, 1], "repeat": [0, 1], "auc": [0.70, 0.72], "L_eff": [2, 2],
                         "n_pooled": [1, 1], "n_params": [10, 10], "flops_train": [1, 1], "wall_s": [1.0, 1.0],
                         "epochs_run": [3, 3], "n_test_quark": [500, 500], "n_test_gluon": [500, 500]})
    s = mo.summarize(runs)
    assert s.auc.iloc[0] == pytest.approx(0.71) and s.n.iloc[0] == 2
    stat = mo.auc_error(0.71, 500, 500)
    assert s.auc_err.iloc[0] == pytest.approx(np.hypot(stat, np.std([0.70, 0.72], ddof=1) / np.sqrt(2)))
    assert mo.auc_at(s, 1, 1)[0] == pytest.approx(0.71)
    with pytest.raises(KeyError, match="k = 4, L = 1"):
        mo.auc_at(s, 4, 1)


def _tiny_with(**changes):
    prof = copy.deepcopy(profiles.load("tiny"))
    prof["papers"]["moments_of_clarity"]["moments"].update(changes)
    return prof


def test_config_reads_every_profile_and_refuses_bad_sections():
    for name in ("tiny", "quick", "paper"):
        cfg = mo.config(name)
        assert {(1, 1), (4, 1), (1, 4)} <= {(k, L) for k in cfg["k_values"] for L in cfg["L_values"]}
        assert len(mo.grid_points(cfg)) == len(cfg["k_values"]) * len(cfg["L_values"]) * cfg["repeats"]
    assert mo.data_used(mo.config("paper")).sizes == "paper"
    assert mo.data_used(mo.config("quick")).sizes == "reduced"
    with pytest.raises(ConfigError, match=r"lacks \[\(4, 1\)\]"):
        mo.config(_tiny_with(k_values=[1, 2]))
    with pytest.raises(ConfigError, match="pthat_window"):
        mo.config(_tiny_with(pthat_window=[520.0, 650.0]))
    with pytest.raises(ConfigError, match="n_test must be even"):
        mo.config(_tiny_with(n_test=201))
    with pytest.raises(ConfigError, match="increasing"):
        mo.config(_tiny_with(L_values=[4, 1]))
    bad = _tiny_with()
    bad["papers"]["moments_of_clarity"]["moments"]["epoch"] = 3
    with pytest.raises(ConfigError, match="unknown keys"):
        mo.config(bad)
