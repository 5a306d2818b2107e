"""Physics of the quark/gluon Z + jet generator at tiny size (a couple of hundred jets per class, ~15 s)."""
import json

import numpy as np
import pytest

pytest.importorskip("pythia8mc")
pytest.importorskip("fastjet")

from hepscaling import jets as J  # noqa: E402
from hepscaling.data import quark_gluon as Q  # noqa: E402

N = 150
S = Q.QGSettings()


@pytest.fixture(scope="module")
def samples():
    quark = Q.generate_jets("quark", N, seed=101)
    gluon = Q.generate_jets("gluon", N, seed=202)
    return quark, gluon


def _rapidity(j):
    return 0.5 * np.log((j[:, 0] + j[:, 3]) / (j[:, 0] - j[:, 3]))


def test_jets_pass_the_cuts(samples):
    for p4, n_con, stats in samples:
        assert p4.shape == (N, S.max_constituents, 4) and p4.dtype == np.float32
        full = n_con <= S.max_constituents
        assert full.all()                                  # R = 0.4 jets at 500 GeV stay far below 150 particles
        j = J.jet_p4(p4)
        pt = np.hypot(j[:, 1], j[:, 2])
        assert np.all((pt > S.jet_pt_min - 1e-2) & (pt < S.jet_pt_max + 1e-2)), (pt.min(), pt.max())
        y = _rapidity(j.astype(float))
        assert np.all(np.abs(y) < S.jet_absy_max + 1e-4)
        assert np.abs(y).max() > 1.0                       # the rapidity cut, not pTHat, is what limits |y|
        np.testing.assert_array_equal(J.multiplicity(p4), n_con)
        cpt = np.hypot(p4[..., 1], p4[..., 2])
        assert np.all(np.diff(cpt, axis=1) <= 1e-3)        # pT-ordered, padding last
        # constituents lie within the jet radius of the axis (anti-kT jets are nearly cones of radius R)
        x = J.preprocess(p4)
        r = np.hypot(x[..., 1], x[..., 2])[x[..., 0] > 0]
        assert r.max() < 1.5 * S.jet_R and np.mean(r < S.jet_R) > 0.99
        assert 0.05 < stats["efficiency"] < 0.6


def test_gluon_jets_have_more_constituents_and_are_broader(samples):
    (qp4, qn, _), (gp4, gn, _) = samples
    # Casimir scaling: C_A / C_F = 9/4 drives the gluon's higher multiplicity; at 500 GeV about 1.5x
    diff = gn.mean() - qn.mean()
    err = np.hypot(gn.std() / np.sqrt(N), qn.std() / np.sqrt(N))
    assert diff > 5 * err and 1.2 < gn.mean() / qn.mean() < 2.2, (gn.mean(), qn.mean())

    def girth(p4):
        x = J.preprocess(p4)
        return (x[..., 0] * np.hypot(x[..., 1], x[..., 2])).sum(1)
    assert girth(gp4).mean() > 1.2 * girth(qp4).mean()


def test_heavy_quark_events_are_vetoed_in_the_quark_sample_only(samples):
    (_, _, qs), (_, _, gs) = samples
    # c and b from the proton in q g -> Z q: a few per cent of the events
    assert 0.01 < qs["n_events_vetoed_heavy_quark"] / qs["n_events"] < 0.2
    assert gs["n_events_vetoed_heavy_quark"] == 0


def test_same_seed_same_jets_other_seed_other_jets():
    a, na, _ = Q.generate_jets("gluon", 20, seed=7)
    b, nb, _ = Q.generate_jets("gluon", 20, seed=7)
    c, _, _ = Q.generate_jets("gluon", 20, seed=8)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(na, nb)
    assert not np.array_equal(a[:, 0], c[:, 0])


def test_shards_sidecar_and_resume(tmp_path, monkeypatch):
    monkeypatch.setenv("HEPSCALING_DATA", str(tmp_path))
    data = Q.load({"train": 20, "test": 10}, seed=3, shard_size=20, workers=1)
    assert set(data) == {"train", "test"}
    tr = data["train"]
    assert len(tr["p4"]) == 20 and np.sum(tr["label"] == Q.QUARK) == 10
    path = Q.shard_path("train", 0, 3, 10)
    side = json.loads(path.with_suffix(".json").read_text())
    assert side["settings"] == S.as_dict() and side["seed"] == 3 and side["n_per_class"] == 10
    assert "WeakBosonAndParton:qg2gmZq = on" in side["pythia_settings"]["quark"]
    assert "23:onIfAny = 12 14 16" in side["pythia_settings"]["gluon"]
    assert side["pythia_settings"]["quark"][-2:] != side["pythia_settings"]["gluon"][-2:]
    # train and test shards come from different Pythia streams
    assert not np.array_equal(tr["p4"][:10, 0], data["test"]["p4"][:10, 0])
    mtime = path.stat().st_mtime_ns
    again = Q.load({"train": 10}, seed=3, shard_size=20, workers=1)   # a smaller request reads the same shard
    assert path.stat().st_mtime_ns == mtime
    np.testing.assert_array_equal(again["train"]["p4"], tr["p4"][:10])


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="pthat_min < pthat_max"):
        Q.QGSettings(pthat_min=600, pthat_max=500)
    with pytest.raises(ValueError, match="expected one of"):
        S.pythia_strings("top", 1)
    with pytest.raises(ValueError, match="unknown splits"):
        Q.load({"training": 10})
