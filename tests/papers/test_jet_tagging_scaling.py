"""Paper D's package: the profile section, one training run end to end, and the page summaries on synthetic tables
with known laws."""
import math

import numpy as np
import pandas as pd
import pytest
import torch

from hepscaling import profiles
from hepscaling.papers import jet_tagging_scaling as pd_
from hepscaling.papers.jet_tagging_scaling import config as cfg_mod
from hepscaling.papers.jet_tagging_scaling.data import sample_inputs
from hepscaling.papers.jet_tagging_scaling.task import run_point
from hepscaling.scaling.repetition import effective_data


def _section(name="tiny"):
    return profiles.paper_config(profiles.load(name), cfg_mod.PACKAGE)


@pytest.mark.parametrize("name", ["tiny", "quick", "paper"])
def test_every_profile_has_a_valid_section(name):
    cfg = pd_.load_config(name)
    assert max(pd_.train_sizes(cfg)) <= 10 * cfg["n_per_class"]["train"]


def test_config_refuses_unknown_and_missing_keys():
    sec = _section()
    with pytest.raises(cfg_mod.ConfigError, match="unknown keys.*D_valeus"):
        cfg_mod.validate({**sec, "D_valeus": [1, 2]}, "here")
    sec2 = dict(sec)
    del sec2["n_boot"]
    with pytest.raises(cfg_mod.ConfigError, match="missing keys.*n_boot"):
        cfg_mod.validate(sec2, "here")
    with pytest.raises(cfg_mod.ConfigError, match="repetition.*unknown keys.*epoch"):
        cfg_mod.validate({**sec, "repetition": {**sec["repetition"], "epoch": 3}}, "here")


def test_config_refuses_training_sets_larger_than_the_split():
    sec = _section()
    with pytest.raises(cfg_mod.ConfigError, match="exceeds the training split"):
        cfg_mod.validate({**sec, "D_values": [50, 10 * sec["n_per_class"]["train"] + 1]}, "here")
    with pytest.raises(cfg_mod.ConfigError, match="feature_set"):
        cfg_mod.validate({**sec, "feature_set": "images"}, "here")


def _toy_sample(n_per_class: int, seed: int, m: int = 12):
    """Jets whose constituent pT scale encodes the class (pT ~ 10 (c + 1) GeV): learnable from the kinematic inputs."""
    rng = np.random.default_rng(seed)
    n = 10 * n_per_class
    labels = np.repeat(np.arange(10), n_per_class)
    k = rng.integers(3, m + 1, n)
    mask = np.arange(m)[None, :] < k[:, None]
    pt = 10.0 * (labels[:, None] + 1) * rng.uniform(0.7, 1.3, (n, m))
    eta, phi = rng.normal(0, 0.2, (n, m)), rng.normal(0, 0.2, (n, m))
    p4 = np.stack([pt * np.cosh(eta), pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta)], -1)
    p4 = np.where(mask[..., None], p4, 0.0)
    return {"constituents": p4, "mask": mask}, labels


def test_one_point_trains_below_a_uniform_guess():
    torch.set_num_threads(1)
    data = {}
    for split, n, s in (("train", 60, 1), ("val", 10, 2), ("test", 20, 3)):
        sample, y = _toy_sample(n, s)
        data[split] = sample_inputs(sample, y, "kinematic", 8, seed=s)
    dcfg = pd_.data_config(pd_.load_config("tiny"))
    dcfg.update(n_val=100, n_test=200, batch_size=64, lr=0.003)
    out = run_point({"N": 1000, "D": 600, "epochs": 8, "feature_set": "kinematic", "max_particles": 8}, 0, data,
                    dcfg, device="cpu")
    assert out["test_loss"] < 0.8 * math.log(10)          # a uniform guess is ln 10 = 2.303
    assert out["accuracy"] > 0.3                           # chance is 0.1
    # the compute is the loop's analytic count: steps x (forward + backward) of full batches
    assert out["flops"] > 0 and out["steps_run"] == math.ceil(8 * 600 / 64)
    assert 500 <= out["n_params"] <= 2000


def test_sample_inputs_in_chunks_equal_the_whole():
    """Chunking is a memory bound only: the inputs of 60 jets in chunks of 7 are those computed at once."""
    sample, y = _toy_sample(60, 5)
    whole = sample_inputs(sample, y, "kinematic", 8, n_per_class=5, seed=1, chunk=10_000)
    parts = sample_inputs(sample, y, "kinematic", 8, n_per_class=5, seed=1, chunk=7)
    np.testing.assert_array_equal(whole["x"], parts["x"])
    np.testing.assert_array_equal(whole["mask"], parts["mask"])
    np.testing.assert_array_equal(whole["y"], parts["y"])
    assert len(whole["y"]) == 5 * len(np.unique(y))


def test_the_first_rows_are_those_of_the_whole_split():
    """Computing only the rows the runs read (the first ``rows`` jets of the shuffled selection) gives the first rows
    of the whole selection's inputs: a run's data do not depend on how many rows the chapter computed."""
    sample, y = _toy_sample(60, 5)
    whole = sample_inputs(sample, y, "kinematic", 8, n_per_class=5, seed=1)
    first = sample_inputs(sample, y, "kinematic", 8, n_per_class=5, seed=1, rows=17, chunk=7)
    assert len(first["y"]) == 17 and len(np.unique(whole["y"][:17])) > 1
    for k in ("x", "mask", "y"):
        np.testing.assert_array_equal(first[k], whole[k][:17])
    for bad in (0, 51, 2.5):
        with pytest.raises(ValueError, match="rows must be an integer in \\[1, 50\\]"):
            sample_inputs(sample, y, "kinematic", 8, n_per_class=5, seed=1, rows=bad)


def _surface_table(E=0.4, A=30.0, alpha=0.45, B=50.0, beta=0.3, noise=0.003, seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    for N in np.geomspace(1e3, 1e6, 7):
        for D in np.geomspace(1e3, 1e6, 7):
            L = (E + A / N ** alpha + B / D ** beta) * math.exp(noise * rng.normal())
            rows.append({"N": int(N), "n_params": N, "D": int(D), "epochs": 1, "test_loss": L,
                         "flops": 6 * 32 * N * D})
    return pd.DataFrame(rows)


def test_surface_fit_recovers_the_law():
    fit = pd_.surface_fit(_surface_table(), n_boot=10)
    assert fit.params["alpha"] == pytest.approx(0.45, abs=0.05)
    assert fit.params["beta"] == pytest.approx(0.3, abs=0.05)
    assert fit.params["E"] == pytest.approx(0.4, abs=0.05)
    assert pd_.log_residual_rms(fit) < 0.006
    assert pd_.flops_per_nd(_surface_table()) == pytest.approx(6 * 32)


def test_envelope_frontier_splits_compute_between_model_and_data():
    """With C ∝ N D the envelope's exponents add up to about 1, and N* grows with C."""
    rows = []
    for N in np.geomspace(1e3, 1e7, 17):
        for D in np.geomspace(1e2, 1e8, 25):
            rows.append({"N": N, "n_params": N, "D": D, "epochs": 1, "flops": 6 * N * D,
                         "test_loss": 0.4 + 30 / N ** 0.4 + 30 / D ** 0.4})
    env, why = pd_.envelope_frontier(pd.DataFrame(rows))
    assert env is not None, why
    assert env.a + env.b == pytest.approx(1.0, abs=0.1)
    assert env.a == pytest.approx(0.5, abs=0.12)          # α = β: N* and D* grow alike


def test_curve_envelope_recovers_the_frontier_of_a_known_law():
    """Runs whose validation curves follow L = E + A/N^α + B/D^β along training (D = jets seen so far, C = 6 N D per
    checkpoint): the envelope of the curves gives N* ∝ C^(β/(α+β)), D* ∝ C^(α/(α+β))."""
    alpha, beta = 0.5, 0.25                    # a = 1/3, b = 2/3
    rows = []
    for N in np.round(np.geomspace(1e2, 1e7, 26)):
        for D_run in (1e4, 1e6, 1e8):            # three run lengths per size, checkpoints every 1/40 of a run
            curve = [[0, 0.0, math.log(10)]]
            for j in range(1, 41):
                D = D_run * j / 40
                curve.append([j, 6 * N * D, 0.3 + 20 / N ** alpha + 20 / D ** beta])
            rows.append({"N": N, "n_params": N, "D": D_run, "epochs": 1, "flops": 6 * N * D_run,
                         "samples_seen": D_run, "test_loss": curve[-1][2], "val_curve": curve})
    table = pd.DataFrame(rows)
    cur = pd_.training_curves(table)
    assert len(cur) == 40 * len(table)         # step 0 (no compute yet) is dropped
    assert np.allclose(cur["D"], cur["C"] / (6 * cur["n_params"]))
    env, why = pd_.curve_envelope_frontier(table)
    assert env is not None, why
    assert env.interior.sum() >= 10
    assert env.a == pytest.approx(beta / (alpha + beta), abs=0.06)
    assert env.b == pytest.approx(alpha / (alpha + beta), abs=0.06)


def test_grid_cut_keeps_pairs_below_max_ND_and_refuses_a_cut_that_starves_a_size():
    sec = _section("quick")
    cfg = cfg_mod.validate(sec, "here")
    Ns, Ds = pd_.grid_pairs(cfg)
    assert all(N * D <= cfg["max_ND"] for N, D in zip(Ns, Ds))
    assert len(Ns) == sum(1 for N in cfg["N_values"] for D in cfg["D_values"] if N * D <= cfg["max_ND"])
    assert max(Ns) == max(cfg["N_values"]) and max(Ds) == max(cfg["D_values"])
    with pytest.raises(cfg_mod.ConfigError, match="max_ND"):
        cfg_mod.validate({**sec, "max_ND": max(sec["N_values"]) * sec["D_values"][0]}, "here")


def test_repetition_fit_recovers_R_star():
    E, B, beta, R_star = 0.5, 5.0, 0.4, 3.0
    rows = []
    for U in (1000, 3000):
        for e in (1, 2, 4, 8, 16):
            rows.append({"D": U, "epochs": e, "test_loss": E + B * effective_data(U, e, R_star) ** -beta})
    for D in sorted({U * e for U in (1000, 3000) for e in (2, 4, 8, 16)}):
        rows.append({"D": D, "epochs": 1, "test_loss": E + B * D ** -beta})
    rep = pd.DataFrame(rows).drop_duplicates(["D", "epochs"])
    fit = pd_.repetition_fit(rep)
    assert fit.R_star == pytest.approx(R_star, rel=0.05)
    assert not fit.at_bound
    cmp = pd_.repeated_vs_fresh(rep)
    assert (cmp.log_ratio > 0).all()                       # a repeated jet is worth less than a fresh one
    assert (fit.gain(16) < 1 + fit.R_star) and fit.gain(16) > 1
    g = pd_.measured_gains(rep, pd_.fresh_law(rep))        # D'/U read off the fresh curve, run by run
    np.testing.assert_allclose(g.gain, effective_data(g.U, g.epochs, R_star) / g.U, rtol=0.05)
    assert not g.clipped.any()


def test_group_fits_and_orderings_recover_the_floors():
    rows = []
    for name, E in (("kinematic", 0.9), ("pid", 0.7), ("full", 0.5)):
        for D in np.geomspace(1e3, 1e6, 6):
            rows.append({"feature_set": name, "D": D, "test_loss": E + 4.0 * D ** -0.35})
    table = pd.DataFrame(rows)
    fits = pd_.group_fits(table, "feature_set")
    floors = pd.Series({k: f.params["C"] for k, f in fits.items()})
    assert floors.to_dict() == pytest.approx({"kinematic": 0.9, "pid": 0.7, "full": 0.5}, abs=0.02)
    assert pd_.ordered_by_loss(floors) == ["full", "pid", "kinematic"]
    assert pd_.ordered_by_loss(pd_.loss_at_largest_D(table, "feature_set")) == ["full", "pid", "kinematic"]
    assert pd_.rank_correlation([16, 32, 64], [1.0, 0.9, 0.8]) == pytest.approx(-1.0)
    assert pd_.rank_correlation([8, 16], [1.0, 0.9]) == -1.0


def test_fitted_gain_is_the_relative_decrease_of_the_fitted_surface():
    fit = pd_.surface_fit(_surface_table(noise=0.0), n_boot=4)
    lo, hi = 0.4 + 30 / 1e3 ** 0.45 + 50 / 1e6 ** 0.3, 0.4 + 30 / 1e6 ** 0.45 + 50 / 1e6 ** 0.3
    assert pd_.fitted_gain(fit, "N") == pytest.approx((lo - hi) / lo, rel=0.02)
    assert pd_.fitted_gain(fit, "D") > 0.3
    # a grid cut at N · D <= 1e9: the gain over N is taken at the largest D of the largest N (N = 1e6: D = 1e3),
    # the gain over D at the largest N of the largest D (D = 1e6: N = 1e3); both inside the runs
    table = _surface_table(noise=0.0)
    cut = table[table["N"] * table["D"] <= 1.01e9]
    fit = pd_.surface_fit(cut, n_boot=4)
    d_ref = cut.groupby("N")["D"].max().min()
    n_ref = cut.groupby("D")["N"].max().min()
    lo, hi = (0.4 + 30 / 1e3 ** 0.45 + 50 / d_ref ** 0.3, 0.4 + 30 / 1e6 ** 0.45 + 50 / d_ref ** 0.3)
    assert d_ref == 1000 and n_ref == 1000
    assert pd_.fitted_gain(fit, "N") == pytest.approx((lo - hi) / lo, rel=0.02)
    lo, hi = (0.4 + 30 / n_ref ** 0.45 + 50 / 1e3 ** 0.3, 0.4 + 30 / n_ref ** 0.45 + 50 / 1e6 ** 0.3)
    assert pd_.fitted_gain(fit, "D") == pytest.approx((lo - hi) / lo, rel=0.02)


def test_trained_runs_drop_step_limited_runs_and_restore_the_floor():
    """Runs with few optimiser steps end near the untrained loss L_0 whatever their D: fitted with the others they
    drag E away from the truth; the trained-run criterion (steps, relative validation-loss drop) leaves them out and
    the fit recovers E, α, β."""
    t = _surface_table(noise=0.002)
    L0 = 10.0                                              # the untrained loss (above every loss of the law here)
    t["steps_run"] = (t["D"] / 32).astype(int)             # batch 32: D = 1000 is 31 steps
    t["val_loss_0"] = L0
    short = t["steps_run"] < 50
    # a step-limited run gets only part of the way from L_0 down to the law
    t.loc[short, "test_loss"] = L0 - 0.3 * (L0 - t.loc[short, "test_loss"])
    t["best_val_loss"] = t["test_loss"]
    cfg = {"fit_min_steps": 50, "fit_min_drop": 0.1}
    keep = pd_.trained_runs(t, cfg)
    assert keep.tolist() == (~short).tolist()              # every short run, and only those, fails the step cut
    assert pd_.loss_drop(t)[~short].min() > 0.1
    good = pd_.surface_fit(t[keep], n_boot=10)
    assert good.params["E"] == pytest.approx(0.4, abs=0.05)
    assert good.params["beta"] == pytest.approx(0.3, abs=0.05)
    biased = pd_.surface_fit(t, n_boot=4)
    assert abs(biased.params["E"] - 0.4) > 2 * abs(good.params["E"] - 0.4)
    # the loss-drop criterion alone catches a run that took enough steps but learnt nothing
    t2 = t.copy()
    t2.loc[t2.index[-1], "best_val_loss"] = 0.95 * L0
    assert not pd_.trained_runs(t2, {"fit_min_steps": 0, "fit_min_drop": 0.1}).iloc[-1]
    assert pd_.trained_runs(t2, {"fit_min_steps": 0, "fit_min_drop": 0.0}).all()


def test_frontier_verdicts_report_E_over_its_error_and_no_exponents_without_interior_optima():
    fit = pd_.surface_fit(_surface_table(), n_boot=10)
    v = pd_.frontier_verdicts(fit, None)
    assert v["n_interior"] == 0 and math.isnan(v["a"])
    assert v["E_sigma"] == pytest.approx(fit.params["E"] / fit.errors["E"])
    assert v["E_sigma"] > 2                                 # E = 0.4 with 0.3 % noise is far from 0
