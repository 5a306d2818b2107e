"""The AspenOpenJets loader on fixture files written in the released layout, our writer, and bad-input errors."""
import h5py
import numpy as np
import pytest

from hepscaling import provenance
from hepscaling.data import aspen
from hepscaling.data.aspen import DataFormatError
from hepscaling.data.jetsample import JetSample, summed_jets
from aspen_fixtures import random_aoj_jets, write_public_like

N = 23


@pytest.fixture(scope="module")
def fixture_file(tmp_path_factory):
    arrays = random_aoj_jets(N, seed=1)
    path = write_public_like(tmp_path_factory.mktemp("aoj") / "RunG_batch0.h5", *arrays, chunk_rows=5)
    return path, arrays


def test_layout_names():
    assert aspen.PFCANDS_FEATURES == ("px", "py", "pz", "E", "d0", "d0Err", "dz", "dzErr", "charge", "pdgId",
                                      "puppiWeight")
    assert aspen.JET_KINEMATICS == ("pt", "eta", "phi", "msoftdrop")
    assert len(aspen.JET_TAGGING) == 13 and aspen.JET_TAGGING[:5] == ("nConstituents", "tau1", "tau2", "tau3", "tau4")
    assert aspen.JET_TAGGING[-1] == "particleNet_mass" and aspen.JET_TAGGING[9] == "particleNet_TvsQCD"
    assert aspen.EVENT_INFO == ("run", "luminosityBlock", "event")


def test_load_reads_the_file_as_stored(fixture_file):
    path, (pf, kin, tag, evt) = fixture_file
    s = aspen.load(path)
    assert isinstance(s, JetSample) and len(s) == N and s.dataset == "aspen"
    assert s.constituents.dtype == np.float64 and s.constituents.shape == (N, 150, 4)
    # (E, px, py, pz) from columns 3, 0, 1, 2, in file order, exactly the stored float32 values
    np.testing.assert_array_equal(s.constituents, pf[..., [3, 0, 1, 2]].astype(np.float64))
    real = (pf[..., :4] != 0).any(axis=2)
    np.testing.assert_array_equal(s.mask, real)
    np.testing.assert_array_equal(s.n_constituents, tag[:, 0])           # nConstituents of the fixture
    for k, name in enumerate(aspen.PFCANDS_FEATURES[4:]):
        np.testing.assert_array_equal(s.fields[name], pf[..., 4 + k])
    assert set(np.unique(np.abs(s.fields["pdgId"][s.mask]))) <= {11, 13, 22, 130, 211}
    assert (s.fields["d0"][s.mask & (s.fields["charge"] == 0)] == -1).all()  # no track: the -1 sentinel
    assert list(s.jets.columns) == list(aspen.JET_KINEMATICS + aspen.JET_TAGGING)
    np.testing.assert_array_equal(s.jets[list(aspen.JET_KINEMATICS)].to_numpy(), kin)
    np.testing.assert_array_equal(s.jets[list(aspen.JET_TAGGING)].to_numpy(), tag)
    np.testing.assert_array_equal(s.event_info.to_numpy(), evt)
    assert str(path.resolve()) in provenance.inputs()


def test_constituents_sum_to_the_jet(fixture_file):
    """The fixture's jet pt, eta, phi were computed from the same candidates: the loaded four-momenta reproduce them
    (up to the float32 storage of the jet columns).  (In the released files pt is the JEC-corrected jet pT and the
    candidates sum to the uncorrected jet, so there the agreement is only approximate.)"""
    path, _ = fixture_file
    s = aspen.load(path)
    j = summed_jets(s.constituents, s.mask)
    np.testing.assert_allclose(j["pt"], s.jets["pt"], rtol=1e-6)
    np.testing.assert_allclose(j["eta"], s.jets["eta"], atol=1e-6)
    np.testing.assert_allclose(j["phi"], s.jets["phi"], atol=1e-6)
    np.testing.assert_allclose(j["mass"], s.jets["msoftdrop"], rtol=1e-4, atol=1e-3)
    # a massive sum of (nearly) collinear massless-ish candidates: m^2 = E^2 - p^2 > 0 for every multi-candidate jet
    assert (j["mass"][s.n_constituents > 1] > 0).all()


@pytest.mark.parametrize("n_jets, chunk", [(0, 4), (1, 4), (5, 5), (12, 5), (13, 4), (N, 7), (N, 100)])
def test_n_jets_and_chunk_boundaries(fixture_file, monkeypatch, n_jets, chunk):
    path, _ = fixture_file
    full = aspen.load(path)
    spans = []
    real_read = aspen._read
    monkeypatch.setattr(aspen, "_read", lambda p, ds, name, a, b: spans.append((a, b)) or real_read(p, ds, name, a, b))
    s = aspen.load(path, n_jets=n_jets, chunk_size=chunk)
    assert len(s) == n_jets
    np.testing.assert_array_equal(s.constituents, full.constituents[:n_jets])
    np.testing.assert_array_equal(s.mask, full.mask[:n_jets])
    np.testing.assert_array_equal(s.fields["pdgId"], full.fields["pdgId"][:n_jets])
    np.testing.assert_array_equal(s.jets.to_numpy(), full.jets.to_numpy()[:n_jets])
    np.testing.assert_array_equal(s.event_info.to_numpy(), full.event_info.to_numpy()[:n_jets])
    # read in chunks of at most `chunk` rows, never past the last jet asked for: the file is never read whole
    assert all(b - a <= chunk for a, b in spans)
    assert max((b for _, b in spans), default=0) == n_jets


def test_n_jets_in_and_too_many(fixture_file):
    path, _ = fixture_file
    assert aspen.n_jets_in(path) == N
    with pytest.raises(ValueError, match=f"holds only {N}"):
        aspen.load(path, n_jets=N + 1)
    for bad in (-1, 1.5, True):
        with pytest.raises(ValueError, match="n_jets"):
            aspen.load(path, n_jets=bad)


# ------------------------------------------------------------------------------------------------------- writer
def test_writer_round_trip_and_layout(tmp_path):
    pf, kin, tag, evt = random_aoj_jets(12, seed=2, max_cands=30, n_slots=40)  # fewer slots: padded to 150
    path = aspen.write(tmp_path / "sub" / "local.h5", pf, kin, tag, evt, sidecar={"generator": "test", "seed": 2},
                       chunk_rows=5)
    with h5py.File(path) as f:
        assert sorted(f) == ["PFCands", "event_info", "jet_kinematics", "jet_tagging"]
        assert f["PFCands"].shape == (12, 150, 11) and f["PFCands"].dtype == np.float32
        assert f["jet_kinematics"].shape == (12, 4) and f["jet_tagging"].shape == (12, 13)
        assert f["event_info"].shape == (12, 3) and f["event_info"].dtype == np.int64
        for name in f:
            assert f[name].compression == "gzip" and f[name].chunks[0] == 5
        assert not f["PFCands"][:, 40:].any()                       # zero-padded at the end
    s = aspen.load(path, chunk_size=4)
    np.testing.assert_array_equal(s.constituents[:, :40], pf[..., [3, 0, 1, 2]].astype(np.float64))
    np.testing.assert_array_equal(s.jets[list(aspen.JET_KINEMATICS)].to_numpy(), kin)
    np.testing.assert_array_equal(s.event_info.to_numpy(), evt)
    assert aspen.read_sidecar(path) == {"generator": "test", "seed": 2}
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".tmp")]


def test_writer_refuses_bad_shapes_and_leaves_nothing(tmp_path):
    pf, kin, tag, evt = random_aoj_jets(4, seed=3, max_cands=5, n_slots=10)
    with pytest.raises(ValueError, match=r"jet_tagging must have shape \(N, 13\)"):
        aspen.write(tmp_path / "x.h5", pf, kin, tag[:, :12], evt)
    with pytest.raises(ValueError, match="event_info has 3 rows but PFCands has 4"):
        aspen.write(tmp_path / "x.h5", pf, kin, tag, evt[:3])
    with pytest.raises(ValueError, match=r"PFCands must have shape \(N, M<=150, 11\)"):
        aspen.write(tmp_path / "x.h5", np.zeros((4, 151, 11)), kin, tag, evt)
    kin[1, 0] = np.nan
    with pytest.raises(ValueError, match="jet_kinematics holds non-finite"):
        aspen.write(tmp_path / "x.h5", pf, kin, tag, evt)
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.9])
def test_truncated_file(tmp_path, fixture_file, fraction):
    src = fixture_file[0].read_bytes()
    bad = tmp_path / "truncated.h5"
    bad.write_bytes(src[: int(len(src) * fraction)])
    with pytest.raises(DataFormatError, match=r"truncated\.h5.*(truncated|corrupt)"):
        aspen.load(bad)


def test_corrupt_and_missing_file(tmp_path):
    bad = tmp_path / "corrupt.h5"
    bad.write_bytes(np.random.default_rng(0).bytes(5000))
    with pytest.raises(DataFormatError, match=r"corrupt\.h5.*not HDF5"):
        aspen.load(bad)
    with pytest.raises(FileNotFoundError, match="nothere.h5"):
        aspen.load(tmp_path / "nothere.h5")


@pytest.mark.parametrize("name", ["PFCands", "jet_kinematics", "jet_tagging", "event_info"])
def test_missing_dataset(tmp_path, name):
    path = write_public_like(tmp_path / "m.h5", *random_aoj_jets(6, seed=4, max_cands=9), drop=[name])
    with pytest.raises(DataFormatError, match=rf"m\.h5: no dataset '{name}'"):
        aspen.load(path)


@pytest.mark.parametrize("name, shape, message", [
    ("PFCands", (6, 150, 10), r"'PFCands' has shape \(6, 150, 10\), expected \(N, M, 11\)"),
    ("jet_tagging", (6, 12), r"'jet_tagging' has shape \(6, 12\), expected \(N, 13\)"),
    ("jet_kinematics", (5, 4), r"disagree on the number of jets"),
])
def test_wrong_shapes(tmp_path, name, shape, message):
    path = write_public_like(tmp_path / "s.h5", *random_aoj_jets(6, seed=5, max_cands=9),
                             replace={name: np.ones(shape, np.float32)})
    with pytest.raises(DataFormatError, match=rf"s\.h5: .*{message}"):
        aspen.load(path)


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_candidate(tmp_path, value):
    pf, kin, tag, evt = random_aoj_jets(10, seed=6, max_cands=20)
    pf[7, 2, 9] = value  # pdgId of jet 7, constituent 2
    path = write_public_like(tmp_path / "nan.h5", pf, kin, tag, evt)
    with pytest.raises(DataFormatError, match=r"nan\.h5: .*'PFCands' column pdgId of jet \(row\) 7, constituent 2"):
        aspen.load(path, chunk_size=3)
    # the jets before the bad one load fine
    assert len(aspen.load(path, n_jets=7)) == 7


def test_non_finite_jet_column(tmp_path):
    pf, kin, tag, evt = random_aoj_jets(10, seed=7, max_cands=20)
    tag[4, 9] = np.nan
    path = write_public_like(tmp_path / "tag.h5", pf, kin, tag, evt)
    with pytest.raises(DataFormatError, match=r"tag\.h5: .*'jet_tagging' column particleNet_TvsQCD of jet \(row\) 4"):
        aspen.load(path)


def test_empty_jet(tmp_path):
    pf, kin, tag, evt = random_aoj_jets(10, seed=8, max_cands=20)
    pf[4] = 0.0
    path = write_public_like(tmp_path / "empty.h5", pf, kin, tag, evt)
    with pytest.raises(DataFormatError, match=r"empty\.h5: jet \(row\) 4 has no constituents"):
        aspen.load(path, chunk_size=3)


def test_empty_file_round_trip(tmp_path):
    path = aspen.write(tmp_path / "none.h5", np.zeros((0, 150, 11)), np.zeros((0, 4)), np.zeros((0, 13)),
                       np.zeros((0, 3), int))
    s = aspen.load(path)
    assert len(s) == 0 and s.constituents.shape == (0, 150, 4) and aspen.n_jets_in(path) == 0
