"""The paper-A per-point task and summaries, on synthetic features (two Gaussian classes standing in for jets)."""
import numpy as np
import pandas as pd
import pytest

from hepscaling import paper_a
from hepscaling.models.losses import LN2
from hepscaling.scaling.sweep import build_grid, run_sweep


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
    monkeypatch.setattr(paper_a, "_features_memo", synthetic_features)
    monkeypatch.setattr(paper_a, "efp_degree_order", lambda dmax: np.arange(6))   # 6 synthetic "EFPs"
    dcfg = paper_a.data_config(paper_a.preset("tiny"), 0)
    dcfg["dnn_max_epochs"], dcfg["dnn_patience"] = 15, 3
    return dcfg


def test_every_classifier_learns(synthetic):
    for clf in paper_a.CLASSIFIERS:
        r = paper_a.point_task({"classifier": clf, "T": 400, "repeat": 0}, 3, synthetic)
        assert 0.2 < r["loss"] < LN2 - 0.1, (clf, r["loss"])
    r1 = paper_a.point_task({"classifier": "lr_efp", "T": 400, "repeat": 0, "n_features": 1}, 3, synthetic)
    r3 = paper_a.point_task({"classifier": "lr_efp", "T": 400, "repeat": 0, "n_features": 3}, 3, synthetic)
    assert r1["n_features"] == 1 and r1["loss"] < LN2 - 0.1      # the informative feature is the first one
    r0 = paper_a.point_task({"classifier": "dnn_efp", "T": 400, "repeat": 0}, 3, synthetic)
    assert r0 == paper_a.point_task({"classifier": "dnn_efp", "T": 400, "repeat": 0}, 3, synthetic)
    assert r3["loss"] > 0


def test_subsample_is_seeded_and_has_both_classes():
    y = np.array([0] * 99 + [1])
    a = paper_a.subsample(y, 5, 1)
    assert len(set(a)) == 5 and set(y[a]) == {0, 1}
    assert np.array_equal(a, paper_a.subsample(y, 5, 1))
    with pytest.raises(ValueError, match="training-set size"):
        paper_a.subsample(y, 101, 0)


def test_sweep_summary_and_slopes(synthetic, tmp_path):
    pts = build_grid(["knn_emd", "knn_lot", "lr_efp"], [25, 50, 100, 200, 400, 600], repeats=3,
                     T_ranges={"lr_efp": (50, 1e9)})
    table = run_sweep(paper_a.point_task, pts, tmp_path / "sw", scheduler="sync", context={"dcfg": synthetic})
    s = paper_a.summarize(table)
    assert set(s["n"]) == {3}
    fits = paper_a.fit_slopes(s, T_min=25)
    for clf, f in fits.items():      # the loss falls with more data for every classifier
        assert f.params["alpha"] > 0, clf
    la = paper_a.loss_at(s, 410)
    assert set(la) == {"knn_emd", "knn_lot", "lr_efp"}


def test_grid_follows_the_paper_and_drops_identical_repeats():
    cfg = paper_a.preset("quick")
    pts = paper_a.main_points("quick")
    by = {}
    for p in pts:
        by.setdefault((p["classifier"], p["T"]), []).append(p["repeat"])
    assert min(T for c, T in by if c == "lr_efp") >= 400                      # LR only for T >= 400
    assert max(T for c, T in by if c == "knn_emd") <= cfg["emd"]["n_pool"]    # EMD from its own pool
    assert len(by[("knn_lot", 5000)]) == 3 and len(by[("knn_lot", 10000)]) == 1
    assert len(by[("dnn_efp", 200)]) == 3 and len(by[("dnn_efp", 500)]) == 1
    assert len(by[("lr_efp", cfg["n_train"])]) == 1                          # T = whole pool: one draw only
    assert len(by[("lr_efp", 10000)]) == 3
