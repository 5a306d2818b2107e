"""Paper A's package: the per-point task and summaries on synthetic features (two Gaussian classes standing in for
jets), its grids, and its configuration read from the profiles."""
import numpy as np
import pytest

from hepscaling import profiles
from hepscaling.models.losses import LN2
from hepscaling.papers import jet_classification as jc
from hepscaling.papers.jet_classification import config as C
from hepscaling.papers.jet_classification import data as jc_data
from hepscaling.papers.jet_classification import grids, summaries, task
from hepscaling.scaling.sweep import make_grid, run_sweep, with_repeats


def _blobs(n, d, seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n).astype(np.int8)
    X = rng.normal(size=(n, d))
    X[:, 0] += 1.5 * y
    X[:, 1] += 0.8 * y * X[:, 2]          # a little non-linear structure
    return X, y


def synthetic_features(args, path=None):
    kind = args[0]
    Xtr, ytr = _blobs(600, 6, 1)
    Xv, yv = _blobs(300, 6, 2)
    Xt, yt = _blobs(400, 6, 3)
    out = {"y_train": ytr, "y_val": yv, "y_test": yt}
    if kind == "emd":
        out["D_val"] = np.linalg.norm(Xv[:, None] - Xtr[None], axis=-1)
        out["D_test"] = np.linalg.norm(Xt[:, None] - Xtr[None], axis=-1)
    else:
        out.update(X_train=Xtr, X_val=Xv, X_test=Xt)
    return out


@pytest.fixture
def synthetic(monkeypatch):
    monkeypatch.setattr(jc_data, "_features_memo", synthetic_features)
    monkeypatch.setattr(task, "efp_degree_order", lambda dmax: np.arange(6))   # 6 synthetic "EFPs", in order
    dcfg = jc.data_config(jc.load_config("tiny"), 0)
    dcfg["dnn_max_epochs"], dcfg["dnn_patience"] = 15, 3
    return dcfg


def test_every_classifier_learns_and_the_informative_features_matter(synthetic):
    for clf in jc.CLASSIFIERS:
        r = task.point_task({"classifier": clf, "T": 400, "repeat": 0}, 3, synthetic)
        assert 0.2 < r["loss"] < LN2 - 0.1, (clf, r["loss"])
    # LR on feature 0 alone (the class shift) learns; on feature 5 alone (noise) it cannot beat the coin flip by much
    r1 = task.point_task({"classifier": "lr_efp", "T": 400, "repeat": 0, "n_features": 1}, 3, synthetic)
    assert r1["n_features"] == 1 and r1["loss"] < LN2 - 0.1
    r_all = task.point_task({"classifier": "lr_efp", "T": 400, "repeat": 0}, 3, synthetic)
    assert r_all["n_features"] == 6 and r_all["loss"] < r1["loss"] + 0.02   # more features: no worse
    r0 = task.point_task({"classifier": "dnn_efp", "T": 400, "repeat": 0}, 3, synthetic)
    assert r0 == task.point_task({"classifier": "dnn_efp", "T": 400, "repeat": 0}, 3, synthetic)   # seeded
    assert r0 != task.point_task({"classifier": "dnn_efp", "T": 400, "repeat": 0}, 4, synthetic)
    with pytest.raises(task.TaskError, match="unknown classifier"):
        task.point_task({"classifier": "svm", "T": 10}, 0, synthetic)


def test_subsample_is_seeded_and_has_both_classes():
    y = np.array([0] * 99 + [1])
    a = task.subsample(y, 5, 1)
    assert len(set(a)) == 5 and set(y[a]) == {0, 1}
    assert np.array_equal(a, task.subsample(y, 5, 1))
    with pytest.raises(ValueError, match="training-set size"):
        task.subsample(y, 101, 0)


def test_sweep_summary_and_slopes(synthetic, tmp_path):
    pts = []
    for clf in ("knn_emd", "knn_lot", "lr_efp"):
        Ts = [T for T in (25, 50, 100, 200, 400, 600) if clf != "lr_efp" or T >= 50]
        pts += with_repeats(make_grid(classifier=[clf], T=Ts), 3)
    table = run_sweep(task.point_task, pts, tmp_path / "sw", scheduler="sync", context={"dcfg": synthetic})
    s = jc.summarize(table)
    assert set(s["n"]) == {3} and len(s) == 6 + 6 + 5
    fits = jc.fit_slopes(s, T_min=25)
    assert set(fits) == {"knn_emd", "knn_lot", "lr_efp"}       # every classifier fitted ...
    for clf, f in fits.items():                                # ... and its loss falls with more data
        assert f.params["alpha"] > 0, clf
    la = summaries.loss_at(s, 410)
    assert set(la) == {"knn_emd", "knn_lot", "lr_efp"}
    assert la["knn_lot"] == pytest.approx(s[(s.classifier == "knn_lot") & (s["T"] == 400)]["loss"].iloc[0])


def test_rank_summaries_on_a_hand_made_table():
    import pandas as pd
    rows = [("a", 10, 0.5), ("b", 10, 0.6), ("c", 10, 0.7),
            ("a", 100, 0.4), ("b", 100, 0.3), ("c", 100, 0.35),      # order changes: b < c < a
            ("a", 1000, 0.2), ("b", 1000, 0.25), ("c", 1000, 0.3)]   # and again: a < b < c
    s = pd.DataFrame(rows, columns=["classifier", "T", "loss"]).assign(loss_sem=0.01)
    assert summaries.rank_changes(s) == 2
    assert summaries.lowest_at_each_T(s) == {10.0: "a", 100.0: "b", 1000.0: "a"}
    assert summaries.rank_order(summaries.losses_at_grid_T(s, 90)) == ["b", "c", "a"]
    assert summaries.improves_with_T(s) == {"a": True, "b": True, "c": True}


def test_grid_follows_the_profile_and_drops_identical_repeats():
    cfg = jc.load_config("quick")
    pts = jc.main_points(cfg)
    by = {}
    for p in pts:
        by.setdefault((p["classifier"], p["T"]), []).append(p["repeat"])
    assert min(T for c, T in by if c == "lr_efp") >= cfg["lr_T_min"]           # LR only for T >= 400
    assert max(T for c, T in by if c == "knn_emd") <= cfg["emd"]["n_pool"]      # EMD from its own pool
    assert len(by[("knn_lot", 5000)]) == 3 and len(by[("knn_lot", 10000)]) == 1
    assert len(by[("dnn_efp", 200)]) == 3 and len(by[("dnn_efp", 500)]) == 1
    assert len(by[("lr_efp", cfg["n_train"])]) == 1                            # T = whole pool: one draw only
    assert len(by[("lr_efp", 10000)]) == 3
    # Fig. 6 points: the R scan on the small EMD sets, LOT with the default reference size shared with the main sweep
    hp = jc.hyperparameter_points(cfg, [0.8, 0.4], [cfg["lot_n_ref"], 16], repeats=2)
    assert all(p["T"] <= cfg["emd_small"]["n_pool"] for p in hp if p["classifier"] == "knn_emd")
    shared = [p for p in hp if p["classifier"] == "knn_lot" and "n_ref" not in p]
    assert shared and all(p in pts for p in shared if p["repeat"] == 0)       # same content = same point
    assert not any(p in pts for p in hp if "n_ref" in p or p["classifier"] == "knn_emd")


def test_sweep_directory_is_keyed_on_the_task_code_only(monkeypatch):
    """Editing the page helpers (summaries, figures, grids) must not move finished points; editing the task must."""
    from hepscaling import cache
    dcfg = jc.data_config(jc.load_config("tiny"), 0)
    before = grids.sweep_directory(dcfg)
    real = cache.code_version

    def fake(name):
        return "edited" if name.endswith(("summaries", "figures", "grids", "config")) else real(name)
    monkeypatch.setattr(cache, "code_version", fake)
    assert grids.sweep_directory(dcfg) == before
    monkeypatch.setattr(cache, "code_version", lambda name: "edited" if name.endswith(".task") else real(name))
    assert grids.sweep_directory(dcfg) != before
    assert grids.sweep_directory({**dcfg, "n_val": dcfg["n_val"] + 1}) != before


# ------------------------------------------------------------------------------------------------ configuration
def test_every_profile_configures_paper_a():
    for name in profiles.available():
        cfg = jc.load_config(name)
        assert cfg["profile"] == name and cfg["label"] == name
        assert max(cfg["T_values"]) <= cfg["n_train"] and max(cfg["T_values_emd"]) <= cfg["emd"]["n_pool"]
    assert jc.data_used(jc.load_config("paper")).is_papers                 # public data at the paper's sizes
    q = jc.data_used(jc.load_config("quick"))
    assert (q.dataset, q.sizes) == ("substitute", "reduced")


def test_page_overrides_of_source_and_T_max():
    base = jc.load_config("quick")
    assert jc.load_config("quick", source="local", T_max=max(base["T_values"])) == base   # no-op overrides
    big = jc.load_config("quick", T_max=100000)
    assert big["T_values"] == [T for T in base["T_values"]] + [100000]
    assert big["n_train"] == 100000 and big["label"] == "quick, T_max=100000"
    assert jc.load_config("quick", T_max=1000)["T_values"][-1] == 1000
    assert len(jc.main_points(jc.load_config("quick", T_max=1000))) < len(jc.main_points(base))
    assert C.extend_grid([20, 500, 30000], 1_000_000) == [20, 500, 30000, 100000, 300000, 1000000]
    assert jc.load_config("quick", source="public")["label"] == "quick, source=public"
    with pytest.raises(C.ConfigError, match="source must be"):
        jc.load_config("quick", source="lhc")
    with pytest.raises(C.ConfigError, match="T_max"):
        jc.load_config("quick", T_max=1)


def test_custom_profile_file_configures_paper_a(tmp_path):
    p = tmp_path / "mine.yaml"
    p.write_text("description: small\nextends: tiny\npapers:\n  jet_classification:\n    n_test: 123\n")
    cfg = jc.load_config(str(p))
    assert cfg["n_test"] == 123 and cfg["n_train"] == jc.load_config("tiny")["n_train"] and cfg["profile"] == "mine"
    bad = tmp_path / "bad.yaml"
    bad.write_text("extends: tiny\npapers:\n  jet_classification:\n    n_tset: 123\n")
    with pytest.raises(C.ConfigError, match=r"bad\.yaml.*unknown keys \['n_tset'\]"):
        jc.load_config(str(bad))
    lonely = tmp_path / "lonely.yaml"
    lonely.write_text("description: no papers section\n")
    with pytest.raises(profiles.ProfileError, match="papers.jet_classification"):
        jc.load_config(str(lonely))


def test_variants_switch_the_definitions(synthetic):
    p = {"classifier": "knn_efp", "T": 400, "repeat": 0}
    raw, std = task.point_task(p, 3, synthetic), task.point_task({**p, "standardize": True}, 3, synthetic)
    assert raw["loss"] != std["loss"]                                  # the flag reaches the kNN
    assert "loss_eps1e-3" in raw and raw["k_eps1e-3"] in raw["k_grid"]
    lr = {"classifier": "lr_efp", "T": 400, "repeat": 0}
    assert task.point_task(lr, 3, synthetic)["loss"] != task.point_task({**lr, "scale": False}, 3, synthetic)["loss"]
    big = task.point_task({"classifier": "dnn_efp", "T": 400, "repeat": 0, "width": 16, "depth": 1}, 3, synthetic)
    small = task.point_task({"classifier": "dnn_efp", "T": 400, "repeat": 0}, 3, synthetic)
    assert big["train_flops"] < small["train_flops"] / big["epochs_run"] * small["epochs_run"]   # a smaller net
    dcfg = jc.data_config(jc.load_config("tiny"), 0)
    assert jc_data.feature_args(dcfg, "emd")[-1]["normalised"] is False          # eq. (3) by default
    assert jc_data.feature_args(dcfg, "emd", {"emd_normalised": True})[-1]["normalised"] is True
    cfg = jc.load_config("tiny")
    readings = jc.definition_points(cfg)
    assert set(readings) == set(jc.VARIANTS)
    main = jc.main_points(cfg)
    assert all(p in main for p in readings["knn_efp"][0] + readings["lr_efp"][0])   # the book's reading: main sweep
    assert not any(p in main for c in readings for p in readings[c][1])              # the other reading: new points
    fig6 = jc.hyperparameter_points(cfg, [cfg["emd"]["R"]], [], repeats=2)
    assert any(p in fig6 for p in readings["knn_emd"][0])                            # shared with Fig. 6
    sc = jc.size_check_points(cfg, 400)
    assert {(p["width"], p["depth"]) for p in sc} == {(384, 9)} and len(sc) == 2
    # the sweep starts the 9 x 384 trainings before the standard DNNs at three times their T (they cost ~17x per jet)
    assert grids.point_cost(sc[0]) > grids.point_cost({"classifier": "dnn_efp", "T": 1200}) > \
        grids.point_cost({"classifier": "knn_efp", "T": 1200})
    with pytest.raises(C.ConfigError, match="exceeds the training pool"):
        jc.size_check_points(cfg, 10 ** 6)


def test_statement_summaries_on_known_inputs():
    import pandas as pd
    # a broken power law: slope 0.1 below T = 50, 0.4 above, tiny errors -> a clear break
    Ts = [10, 20, 50, 100, 200, 500]
    L = [0.5 * (T / 50) ** (-0.1 if T <= 50 else -0.4) for T in Ts]
    s = pd.DataFrame({"classifier": "knn_efp", "T": Ts, "loss": L, "loss_sem": [1e-4] * 6})
    d, e = summaries.slope_change(s, "knn_efp", T_break=50)
    assert d == pytest.approx(0.3, abs=1e-6) and 0 < e < 0.01
    flat = s.assign(loss=[0.5 * T ** -0.2 for T in Ts])
    assert abs(summaries.slope_change(flat, "knn_efp")[0]) < 1e-9
    assert summaries.decades_measured(s) == {"knn_efp": pytest.approx(np.log10(50))}
    t = pd.DataFrame({"classifier": ["dnn_efp", "dnn_lot", "knn_lot"], "stopped_early": [True, False, None]})
    assert summaries.stopped_early(t) == (1, 2)
    two = pd.DataFrame({"n_ref": [16, 64, 16, 64], "T": [100, 100, 1000, 1000], "loss": [0.3, 0.31, 0.2, 0.26],
                        "loss_sem": [0.01, 0.01, 0.01, 0.02]})
    assert summaries.loss_pull(two, "n_ref") == pytest.approx(0.06 / np.hypot(0.01, 0.02))
    assert np.isnan(summaries.loss_pull(two.assign(loss_sem=0.0), "n_ref"))


def test_correlation_dimension_in_units_of_the_pair_pt():
    rng = np.random.default_rng(0)
    n_q, n_p = 30, 40
    pt_q, pt_p = rng.uniform(550, 650, n_q), rng.uniform(550, 650, n_p)
    ratio = rng.uniform(0.01, 0.4, (n_q, n_p))                        # EMD / pair pT, by construction
    D = ratio * 0.5 * (pt_q[:, None] + pt_p[None, :])
    emd = {"D_val": D[:10], "D_test": D[10:], "y_val": np.r_[np.zeros(5), np.ones(5)].astype(int),
           "y_test": (np.arange(20) % 2).astype(int), "y_train": (np.arange(n_p) % 2).astype(int),
           "pt_val": pt_q[:10], "pt_test": pt_q[10:], "pt_train": pt_p}
    dims, pos, n = summaries.emd_correlation_dimensions(emd, n_q=12, per_pt=True)
    assert pos.max() == pytest.approx(ratio.max()) and n == n_q * n_p
    _, pos_gev, _ = summaries.emd_correlation_dimensions(emd, n_q=12, per_pt=False)
    assert pos_gev.max() == pytest.approx(D.max())


def test_smaller_emd_sets_are_the_corner_of_the_main_matrix(monkeypatch, tmp_cache):
    """Fig. 6's eq. (3) EMDs at the main R are read from the main sweep's matrix (the same pairs), not solved again."""
    rng = np.random.default_rng(5)
    pools = {}
    for split in ("train", "val", "test"):        # nested like get_jets: a request is the first n of the split
        j = np.zeros((12, 8, 3))
        j[:, :6, 0] = rng.uniform(1, 50, (12, 6))
        j[:, :6, 1:] = rng.normal(scale=0.3, size=(12, 6, 2))
        pools[split] = (j, rng.integers(0, 2, 12).astype(np.int8))
    monkeypatch.setattr(jc_data, "load_split", lambda source, split, n, seed=0: pools[split])
    dcfg = {"source": "local", "source_text": "synthetic", "data_seed": 0, "n_train": 12, "n_val": 12, "n_test": 12,
            "lot_n_ref": 4, "efp_dmax": 2, "emd": {"n_pool": 10, "n_val": 7, "n_test": 9, "R": 0.8},
            "emd_small": {"n_pool": 6, "n_val": 4, "n_test": 5}}
    small = {"emd_set": "small"}
    args = jc_data.feature_args(dcfg, "emd", small)
    assert args[-1]["within"] == [10, 7, 9]
    for other in ({"R": 0.4}, {"emd_normalised": True}):                      # no larger matrix of these exists
        assert "within" not in jc_data.feature_args(dcfg, "emd", {**small, **other})[-1]
    corner = jc_data.features(*args)
    direct = jc_data.features.uncached(*args[:-1], {k: v for k, v in args[-1].items() if k != "within"})
    assert jc_data.features.cache_path(*jc_data.feature_args(dcfg, "emd")).exists()   # the main matrix, cached
    for k in ("D_val", "D_test", "y_train", "y_val", "y_test", "pt_train", "pt_val", "pt_test"):
        np.testing.assert_array_equal(corner[k], direct[k], err_msg=k)
    assert corner["D_val"].shape == (4, 6) and corner["D_test"].shape == (5, 6)
