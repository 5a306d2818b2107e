"""Paper C's §III experiment: configuration, jets rebuilt from constituents, the D^−γ fits and data multipliers, the
grids, and one tiny end-to-end run of every stage."""
import copy

import numpy as np
import pandas as pd
import pytest

from hepscaling import profiles
from hepscaling.papers.aspen_open_jets import config, constituents, grids, summaries
from hepscaling.papers.aspen_open_jets.constituents import features, jet_observables, massless_p4


# ------------------------------------------------------------------------------------------------ configuration
def _profile(mutate):
    prof = copy.deepcopy(profiles.load("tiny"))
    mutate(prof["papers"]["aspen_open_jets"]["omnijet"])
    return prof


def test_every_profile_has_a_valid_omnijet_section():
    for name in ("tiny", "quick", "paper"):
        o = config.load_config(name)["omnijet"]
        assert o["finetune"]["D_values"] == sorted(o["finetune"]["D_values"])
    assert config.load_config("paper")["omnijet"]["n_codes"] == 8192
    assert config.load_config("paper")["omnijet"]["repeats"] == 5
    assert config.load_config("quick")["omnijet"]["repeats"] >= 2


@pytest.mark.parametrize("mutate, match", [
    (lambda o: o.update(typo=1), "typo"),
    (lambda o: o["gpt"].update(n_heads=3), "multiple of gpt.n_heads"),
    (lambda o: o["finetune"].update(D_values=[100, 10]), "increasing"),
    (lambda o: o["pretrain"].update(val_jets=10 ** 9), "val_jets"),
    (lambda o: o["tokenizer"].update(seed=3), "set by the task"),
    (lambda o: o.pop("kl_bins"), "missing keys \\['kl_bins'\\]"),
])
def test_config_refuses_bad_omnijet_sections(mutate, match):
    with pytest.raises(config.ConfigError, match=match):
        config.load_config(_profile(mutate))


def test_validation_size_is_the_papers_rule():
    assert [config.validation_size(d) for d in (100, 10 ** 5, 10 ** 6, 10 ** 7)] == [100, 10 ** 5, 200_000, 500_000]


# ------------------------------------------------------------------------------------- jets from constituents
def test_mass_of_two_massless_constituents_is_the_closed_form():
    pt = np.array([[300.0, 120.0]])
    deta, dphi = np.array([[0.05, -0.25]]), np.array([[-0.1, 0.2]])
    o = jet_observables(pt, deta, dphi, pt > 0)
    m2 = 2 * 300 * 120 * (np.cosh(0.30) - np.cos(0.30))
    assert o["mass"][0] == pytest.approx(np.sqrt(m2), rel=1e-12)
    assert o["pt"][0] == pytest.approx(np.hypot(300 * np.cos(-0.1) + 120 * np.cos(0.2),
                                                300 * np.sin(-0.1) + 120 * np.sin(0.2)), rel=1e-12)
    assert o["multiplicity"][0] == 2


def test_rebuilt_jets_keep_mass_and_pt_of_jets_anywhere_in_eta_phi():
    """Features to the summed axis, rebuilt at η = φ = 0: pT, mass and τ21 are those of the original massless jet
    (a longitudinal boost and a rotation), wherever it was."""
    rng = np.random.default_rng(3)
    n, m = 50, 12
    pt = rng.exponential(40, (n, m)) + 1
    eta = rng.uniform(-2, 2, (n, 1)) + rng.normal(0, 0.2, (n, m))
    phi = rng.uniform(-np.pi, np.pi, (n, 1)) + rng.normal(0, 0.2, (n, m))
    mask = rng.random((n, m)) < 0.8
    mask[:, :2] = True
    p4 = np.stack([pt * np.cosh(eta), pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta)], -1)
    p4 = np.where(mask[..., None], p4, 0.0)
    f_pt, f_de, f_dp, f_m = features(p4, mask)
    assert (f_m.sum(1) == mask.sum(1)).all()
    assert (np.diff(np.where(f_m, f_pt, -1), axis=1) <= 1e-4).all()           # pT-ordered
    from hepscaling.jets import observables as obs
    rebuilt = jet_observables(f_pt, f_de, f_dp, f_m)
    np.testing.assert_allclose(rebuilt["mass"], obs.mass(p4), rtol=2e-4)
    np.testing.assert_allclose(rebuilt["pt"], obs.pt(p4), rtol=2e-5)
    np.testing.assert_allclose(rebuilt["tau21"], obs.tau21(p4), rtol=2e-3, atol=1e-4)


def test_empty_generated_jets_have_zero_observables():
    z = np.zeros((2, 3))
    o = jet_observables(z, z, z, z > 0)
    assert all((v == 0).all() for v in o.values())
    assert massless_p4(z, z, z, z > 0).shape == (2, 3, 4)


# ----------------------------------------------------------------------------------------------- fits, multipliers
def _summary(curves: dict) -> pd.DataFrame:
    """A summary table from {(strategy, column): values over D}."""
    D = np.array([100, 300, 1000, 3000, 10000])
    rows = []
    for s in ("finetuned", "scratch"):
        row = [{"target": "qcd", "strategy": s, "D": d} for d in D]
        for (ss, col), v in curves.items():
            if ss == s:
                for r, x in zip(row, v(D)):
                    r[col], r[f"{col}_lo"], r[f"{col}_hi"] = x, 0.9 * x, 1.1 * x
        rows += row
    return pd.DataFrame(rows)


def test_gamma_fit_recovers_a_known_exponent():
    rng = np.random.default_rng(0)
    noise = np.exp(rng.normal(0, 0.03, 5))
    s = _summary({("finetuned", "kl_pt"): lambda D: 2.0 * D ** -0.31 * noise,
                  ("finetuned", "kl_mass"): lambda D: 0.01 * (1 + 0.1 * D ** -0.5)})
    fit = summaries.gamma_fit(s, "qcd", "finetuned", "kl_pt")
    assert fit.params["alpha"] == pytest.approx(0.31, abs=0.03)
    assert summaries.gamma_fit(s, "qcd", "finetuned", "kl_mass") is None          # saturated: not fitted


def test_data_multiplier_of_a_shifted_power_law_is_the_shift():
    s = _summary({("finetuned", "w1_pt"): lambda D: 5.0 * D ** -0.4,
                  ("scratch", "w1_pt"): lambda D: 5.0 * (D / 10.0) ** -0.4})
    k, reached = summaries.data_multiplier(s, "qcd", "w1_pt", 300)
    assert reached and k == pytest.approx(10.0, rel=1e-9)
    k, reached = summaries.data_multiplier(s, "qcd", "w1_pt", 3000)              # scratch never gets there
    assert not reached and k == pytest.approx(10000 / 3000)


def test_finetuned_better_fraction_and_optimality():
    s = _summary({(st, c): (lambda D, f=f: f * D ** -0.3) for st, f in (("finetuned", 1.0), ("scratch", 2.0))
                  for c in summaries.metric_columns()})
    frac, n = summaries.finetuned_better_fraction(s, "qcd")
    assert frac == 1.0 and n == 5 * len(summaries.metric_columns())
    assert summaries.optimality_ratio(s, "qcd", "finetuned", "kl_pt", 1000) == pytest.approx(10 ** (0.3))
    assert summaries.largest_D_ratio(s, "qcd") == pytest.approx(2.0)


def test_mode_of_a_gaussian_sample():
    x = np.random.default_rng(1).normal(172.5, 12.0, 20_000)
    assert summaries.mode(x, 0, 400) == pytest.approx(172.5, abs=1.5)


# ------------------------------------------------------------------------------------------------------- grids
def test_grids_cover_every_target_strategy_size_and_seed():
    cfg = config.load_config("quick")
    pts = grids.finetune_points(cfg)
    o = cfg["omnijet"]
    assert len(pts) == 2 * 2 * len(o["finetune"]["D_values"]) * o["repeats"]
    assert {(p["target"], p["strategy"]) for p in pts} == {(t, s) for t in ("qcd", "top")
                                                           for s in ("finetuned", "scratch")}
    assert len(grids.reference_points()) == 6 and len(grids.tokenizer_points()) == 2
    more = copy.deepcopy(cfg)
    more["omnijet"]["repeats"] = 5                 # more seeds add points and keep the sweep directory
    assert grids.data_config(more) == grids.data_config(cfg)
    assert "repeats" not in grids.data_config(cfg)["omnijet"]


# ------------------------------------------------------------------------------------------ end to end (synthetic)
def _synthetic(n: int, mean_n: float, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    m = 16
    k = np.clip(rng.poisson(mean_n, n), 2, m)
    mask = np.arange(m)[None] < k[:, None]
    pt = np.where(mask, np.sort(rng.exponential(30.0, (n, m)), axis=1)[:, ::-1] + 1.0, 0.0)
    return {"pt": pt, "deta": np.where(mask, rng.normal(0, 0.1, (n, m)), 0.0),
            "dphi": np.where(mask, rng.normal(0, 0.1, (n, m)), 0.0), "mask": mask}


def test_every_stage_runs_and_fine_tuning_starts_from_the_backbone(tmp_path, monkeypatch):
    """Tokenizers, backbone, floors and fine-tuning on synthetic jets (no event generation): the fine-tuned run
    starts from the pretrained backbone (its first validation loss is below a fresh network's ln(n_codes + 1)),
    the scratch run from a fresh one."""
    from hepscaling.papers.aspen_open_jets import task
    monkeypatch.setenv("HEPSCALING_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("HEPSCALING_CACHE", str(tmp_path / "cache"))
    pools = {"aoj": {"train": _synthetic(150, 9, 1), "val": _synthetic(50, 9, 2)},
             "jetclass": {"train": _synthetic(150, 6, 3), "val": _synthetic(50, 6, 4)},
             "qcd": {"train": _synthetic(20, 6, 5), "val": _synthetic(60, 6, 6), "test": _synthetic(40, 6, 7)}}
    monkeypatch.setattr(task, "jets", lambda dcfg, what: pools[what])
    task._test_observables.cache_clear()
    cfg = config.load_config("tiny")
    cfg["omnijet"]["max_constituents"] = 16
    cfg["omnijet"]["pretrain"].update(max_epochs=6, patience=6)
    pts = (grids.tokenizer_points() + grids.pretrain_points() + grids.reference_points(["qcd"])
           + grids.finetune_points(cfg, ["qcd"]))
    table = grids.run_points(cfg, pts, scheduler="sync")
    task._test_observables.cache_clear()
    ft = table[(table.stage == "finetune") & (table.D == 20)].set_index("strategy")
    first = {s: ft.loc[s, "val_curve"][0][1] for s in ("finetuned", "scratch")}
    n_codes = cfg["omnijet"]["n_codes"]
    assert first["scratch"] == pytest.approx(np.log(n_codes + 1), abs=0.05)
    assert first["finetuned"] < first["scratch"] - 0.1
    pre = table[table.stage == "pretrain"].iloc[0]
    assert pre.best_val_loss < np.log(n_codes + 1) - 0.1
    # the floor of real jets is a metric between two samples of one distribution: small against a shifted one
    floor = table[(table.stage == "reference") & (table.tokenizer == "none")].iloc[0]
    assert floor.w1_multiplicity < 1.0
    summary = summaries.summarize(table)
    assert set(summary.strategy) == {"finetuned", "scratch"} and (summary.n == 1).all()
    # CPU accounting: a fine-tuning point's phases are parts of its total (process CPU time only grows)
    phases = ft[["cpu_tokens_s", "cpu_train_s", "cpu_generate_s", "cpu_metrics_s"]]
    assert (phases >= 0).all().all()
    assert (phases.sum(axis=1) <= ft["cpu_s"] + 1e-6).all()
    assert (table["cpu_s"] > 0).all()
