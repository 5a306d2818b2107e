"""Physics and bookkeeping of the AspenOpenJets-like substitute (Pythia 8 + hepscaling.detector) at tiny sizes."""
import dataclasses
import os

import numpy as np
import pytest

pytest.importorskip("pythia8mc")
pytest.importorskip("fastjet")

from hepscaling.data import aspen  # noqa: E402
from hepscaling.data import aspen_like as AL  # noqa: E402
from hepscaling.data.jetgen import generate  # noqa: E402

TINY = AL.AspenLikeSettings(jets_per_shard=150, calibration_events=300)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("aspen_like")
    old = os.environ.get("HEPSCALING_DATA")
    os.environ["HEPSCALING_DATA"] = str(d)
    yield d
    if old is None:
        os.environ.pop("HEPSCALING_DATA", None)
    else:
        os.environ["HEPSCALING_DATA"] = old


@pytest.fixture(scope="module")
def files(data_dir):
    return AL.ensure(300, seed=4, settings=TINY, workers=2)


def test_files_load_with_the_aspen_loader_and_satisfy_the_cuts(files):
    assert [p.name for p in files] == ["AOJlike_batch000.h5", "AOJlike_batch001.h5"]
    for shard, path in enumerate(files):
        s = aspen.load(path)
        assert len(s) == TINY.jets_per_shard
        j = s.jets
        assert (j.pt > 300).all() and (j.eta.abs() < 2.5).all()
        assert ((j.msoftdrop >= 0) & (j.msoftdrop < j.pt)).all()
        # every candidate stored up to 150, the count of all of them kept
        assert (s.n_constituents == np.minimum(j.nConstituents, 150)).all()
        # the jet is the sum of its candidates (PUPPI weights are 1 without pile-up) when none was cut off
        full = j.nConstituents.to_numpy() <= 150
        p = (s.constituents * s.mask[..., None]).sum(axis=1)
        assert full.mean() > 0.9 and np.allclose(np.hypot(p[full, 1], p[full, 2]), j.pt[full], rtol=1e-4)
        cpt = np.hypot(s.constituents[..., 1], s.constituents[..., 2])
        assert (np.diff(np.where(s.mask, cpt, 0), axis=1) <= 1e-3).all()
        # ParticleNet columns are the documented "missing" value; tau_N fall with N (with exclusive-kT axes, not
        # minimised, for nearly every jet rather than strictly every one)
        pn = [c for c in j.columns if c.startswith("particleNet")]
        assert len(pn) == 8 and (j[pn] == AL.MISSING).all().all()
        for a, b in (("tau2", "tau1"), ("tau3", "tau2"), ("tau4", "tau3")):
            assert (j[a] <= j[b]).mean() > 0.97, (a, b, (j[a] <= j[b]).mean())
        assert (j.tau1 > 0).all() and (j.tau1 < 1).all()
        # neutral candidates carry no track: d0, d0Err, dz, dzErr = -1; charged ones a positive error
        f = s.fields
        neutral = s.mask & (f["charge"] == 0)
        charged = s.mask & (f["charge"] != 0)
        assert neutral.any() and charged.any()
        for k in ("d0", "d0Err", "dz", "dzErr"):
            assert (f[k][neutral] == -1).all()
        assert (f["d0Err"][charged] > 0).all()
        assert set(np.unique(np.abs(f["pdgId"][s.mask])).astype(int)) <= {11, 13, 22, 130, 211}
        assert (f["puppiWeight"][s.mask] == 1).all()
        # event_info: run 1, lumi = shard, events numbered in order; jets of one event in pT order
        ev = s.event_info
        assert (ev.run == 1).all() and (ev.luminosityBlock == shard).all()
        e = ev.event.to_numpy()
        assert e[0] == 0 and (np.diff(e) >= 0).all() and (np.diff(e) <= 1).all()
        same = np.diff(e) == 0
        assert same.any() and (np.diff(j.pt.to_numpy())[same] <= 0).all()


def test_composition_from_pythia_cross_sections(files):
    table = AL.composition_table(files).set_index("component")
    assert table.jet_fraction.sum() == pytest.approx(1.0, rel=1e-12)
    assert table.jet_fraction["QCD"] > 0.99
    assert table.jets_in_sample.sum() == 2 * TINY.jets_per_shard
    assert (table.merged_in_sample <= table.jets_in_sample).all() and table.merged_in_sample["QCD"] == 0
    # the cross sections are Pythia's: QCD dijets dominate; sigma(W -> qq) > sigma(Z -> qq); H -> bb the smallest
    s = table.sigma_pb
    assert s["QCD"] > 100 * s["W"] and s["W"] > s["Z"] > s["Hbb"] and s["top"] > s["Hbb"]
    # the paper's Table I ordering of merged jets among AOJ's 1.78e8: QCD >> W > Z > top >> H -> bb
    m = table.expected_merged_in_aoj
    assert m["QCD"] > 100 * m["W"] and m["W"] > m["Z"] > m["top"] > 10 * m["Hbb"]
    cal = AL.calibrate(4, TINY)["components"]
    w = cal["W"]
    assert w["jet_fraction"] == pytest.approx(s["W"] * w["jets_per_event"]
                                              / sum(c["sigma_pb"] * c["jets_per_event"] for c in cal.values()))
    # a forced decay's branching fraction is in Pythia's sigma: W -> qq' forced (BR ~ 0.67) and Z -> qq~ (~0.70)
    assert any(x == "24:onIfAny = 1 2 3 4 5" for x in w["pythia_settings"])


def test_forced_decays_scale_pythias_cross_section():
    sel = dataclasses.replace(TINY.selection, pthat_min=300.0)
    free = dataclasses.replace(AL.COMPONENTS["W"], strings=AL.COMPONENTS["W"].strings[:2])
    _, forced_stats = generate(AL.COMPONENTS["W"], 20, 8, sel)
    _, free_stats = generate(free, 20, 8, dataclasses.replace(sel, require_match=False))
    ratio = forced_stats["sigma_pb"] / free_stats["sigma_pb"]
    assert ratio == pytest.approx(0.676, abs=0.08), ratio   # BR(W -> hadrons) = 67.4 %


@pytest.fixture(scope="module")
def merged():
    """Merged W, Z and top jets of the admixture processes (only merged jets kept)."""
    sel = dataclasses.replace(TINY.selection, require_match=True)
    return {c: generate(AL.COMPONENTS[c], 40, 31, sel)[0].jets for c in ("W", "Z", "top")}


def test_merged_resonance_jets_have_the_resonance_mass(merged):
    assert 65 < np.median(merged["W"]["sdmass"]) < 92
    assert 75 < np.median(merged["Z"]["sdmass"]) < 102
    assert 145 < np.median(merged["top"]["sdmass"]) < 195
    for c, n in (("W", 2), ("Z", 2), ("top", 3)):
        j = merged[c]
        ok = j["leaf_pid"] != 0
        dl = np.hypot(j["leaf_eta"] - j["eta"][:, None],
                      np.mod(j["leaf_phi"] - j["phi"][:, None] + np.pi, 2 * np.pi) - np.pi)
        assert (ok.sum(axis=1) == n).all() and (dl[ok] < 0.8).all()


def test_same_seed_same_files_and_interrupted_run_resumes(tmp_path, monkeypatch):
    s = dataclasses.replace(TINY, jets_per_shard=20, calibration_events=40, components=("QCD", "W"))
    monkeypatch.setenv("HEPSCALING_DATA", str(tmp_path / "clean"))
    clean = [aspen.load(p) for p in AL.ensure(40, seed=2, settings=s, workers=1)]

    monkeypatch.setenv("HEPSCALING_DATA", str(tmp_path / "resumed"))
    real, calls = aspen.write_text, []

    def crash_on_second(path, text):  # the sidecar is written after the HDF5 file, before the rename
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt("interrupted while writing the second shard")
        return real(path, text)

    monkeypatch.setattr(aspen, "write_text", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        AL.ensure(40, seed=2, settings=s, workers=1)
    first, second = AL.shard_path(0, 2, s), AL.shard_path(1, 2, s)
    assert first.is_file() and not second.exists()
    assert not [p for p in first.parent.iterdir() if p.name.startswith(".tmp")]
    mtime = first.stat().st_mtime_ns
    monkeypatch.setattr(aspen, "write_text", real)
    resumed = [aspen.load(p) for p in AL.ensure(40, seed=2, settings=s, workers=1)]
    assert first.stat().st_mtime_ns == mtime
    for a, b in zip(clean, resumed):
        assert np.array_equal(a.constituents, b.constituents) and a.jets.equals(b.jets)
        assert np.array_equal(a.fields["d0"], b.fields["d0"]) and a.event_info.equals(b.event_info)

    monkeypatch.setenv("HEPSCALING_DATA", str(tmp_path / "other"))
    other = aspen.load(AL.ensure(20, seed=3, settings=s, workers=1)[0])
    assert not np.array_equal(other.jets.pt, clean[0].jets.pt)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="n_jets"):
        AL.ensure(0)
    with pytest.raises(ValueError, match="components"):
        AL.AspenLikeSettings(components=("W", "Z"))
