"""The JetClass loader on fixture files written in the public layout (both counter layouts uproot can write, and an
in-memory std::vector tree), our writer, and bad-input errors."""
import awkward as ak
import numpy as np
import pytest
import uproot

from hepscaling import provenance
from hepscaling.data import jetclass as jc
from hepscaling.data.jetclass import DataFormatError
from hepscaling.data.jetsample import JetSample, summed_jets
from jetclass_fixtures import VectorTree, random_jetclass_jets, write_public_like

MIXED = ["QCD", "Tbqq", "Hbb", "QCD", "Wqq", "Tbqq", "Tbl", "Zqq", "H4q", "Hqql", "Hcc", "Hgg", "QCD", "Tbqq"]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("jetclass")
    qcd = random_jetclass_jets(["QCD"] * 11, seed=1)
    top = random_jetclass_jets(["Tbqq"] * 9, seed=2)
    mixed = random_jetclass_jets(MIXED, seed=3)
    return {"qcd": (write_public_like(d / "ZJetsToNuNu_100.root", *qcd), qcd),
            "top": (jc.write(d / "TTBar_100.root", *top, basket_entries=4), top),  # our writer: one counter npart
            "mixed": (write_public_like(d / "mixed.root", *mixed), mixed)}


def test_layout_names():
    assert jc.LABEL_NAMES == ("QCD", "Hbb", "Hcc", "Hgg", "H4q", "Hqql", "Zqq", "Wqq", "Tbqq", "Tbl")
    assert jc.LABEL_BRANCHES[0] == "label_QCD" and jc.LABEL_BRANCHES[-1] == "label_Tbl"
    assert len(jc.PARTICLE_BRANCHES) == 16 and jc.PARTICLE_BRANCHES[:4] == ("part_px", "part_py", "part_pz",
                                                                            "part_energy")
    assert jc.JET_BRANCHES == ("jet_pt", "jet_eta", "jet_phi", "jet_energy", "jet_nparticles", "jet_sdmass",
                               "jet_tau1", "jet_tau2", "jet_tau3", "jet_tau4")
    assert [jc.class_of_file(f"{p}_{i}.root") for p, i in [("ZJetsToNuNu", 3), ("TTBar", 10), ("TTBarLep", 1),
                                                           ("HToWW2Q1L", 0), ("HToWW4Q", 7), ("WToQQ", 2)]] == \
        ["QCD", "Tbqq", "Tbl", "Hqql", "H4q", "Wqq"]
    assert jc.class_of_file("mixed.root") is None and jc.class_of_file("TTBarX_1.root") is None


def test_written_file_has_the_public_branch_types(files):
    t = uproot.open(files["top"][0])["tree"]
    types = {b.name: b.typename for b in t.values()}
    assert {types[b] for b in jc.PARTICLE_BRANCHES[:11]} == {"float[]"}
    assert {types[b] for b in jc.PARTICLE_BRANCHES[11:]} == {"int32_t[]"}
    assert types["label_QCD"] == "float" and types["label_Hbb"] == "bool" and types["label_Tbqq"] == "int32_t"
    assert {types[b] for b in jc.JET_BRANCHES} == {"float"}
    assert types["npart"] == "int32_t"  # one shared counter


@pytest.mark.parametrize("which", ["qcd", "top", "mixed"])
def test_round_trip_physics(files, which):
    """Constituents come back as stored, in file order; their sum reproduces the jet_* branches written from them;
    labels are the one-hot classes written."""
    path, (parts, jets, labels) = files[which]
    s = jc.load(path)
    assert isinstance(s, JetSample) and s.dataset == "jetclass" and s.label_names == jc.LABEL_NAMES
    counts = ak.to_numpy(ak.num(parts["part_px"]))
    assert s.constituents.shape == (len(counts), counts.max(), 4) and s.constituents.dtype == np.float64
    np.testing.assert_array_equal(s.n_constituents, counts)
    np.testing.assert_array_equal(s.n_constituents, s.jets["jet_nparticles"])
    for k, b in enumerate(("part_energy", "part_px", "part_py", "part_pz")):
        for i in range(len(counts)):
            np.testing.assert_array_equal(s.constituents[i, :counts[i], k], ak.to_numpy(parts[b][i]))
        assert not s.constituents[..., k][~s.mask].any()
    j = summed_jets(s.constituents, s.mask)
    np.testing.assert_allclose(j["pt"], s.jets["jet_pt"], rtol=1e-6)
    np.testing.assert_allclose(j["eta"], s.jets["jet_eta"], atol=1e-6)
    np.testing.assert_allclose(j["phi"], s.jets["jet_phi"], atol=1e-6)
    np.testing.assert_allclose(j["energy"], s.jets["jet_energy"], rtol=1e-6)
    np.testing.assert_allclose(j["mass"], s.jets["jet_sdmass"], rtol=1e-3, atol=1e-2)
    # labels: exactly the written classes; the written one-hot branches have one 1 per jet, at the label
    onehot = np.stack([np.asarray(labels[b], np.float64) for b in jc.LABEL_BRANCHES], 1)
    assert (onehot.sum(1) == 1).all()
    np.testing.assert_array_equal(s.labels, onehot.argmax(1))
    # the other part_* branches under their names, dtypes as stored, zero-padded
    assert s.fields["part_isMuon"].dtype == np.int32 and s.fields["part_charge"].dtype == np.float32
    for b in ("part_charge", "part_isPhoton", "part_d0val"):
        np.testing.assert_array_equal(s.fields[b][s.mask], ak.to_numpy(ak.flatten(parts[b])))
        assert not s.fields[b][~s.mask].any()
    # the species flags are exclusive: one per constituent
    flags = sum(s.fields[b] for b in jc.PARTICLE_BRANCHES[11:])
    np.testing.assert_array_equal(flags, s.mask.astype(int))
    assert str(path.resolve()) in provenance.inputs()


def test_classes_filter(files):
    path, (_, _, labels) = files["mixed"]
    s = jc.load(path, classes=["Tbqq", "label_QCD"])
    assert s.label_names == ("QCD", "Tbqq")  # in the branch order, whatever order they were asked in
    want = [c for c in MIXED if c in ("QCD", "Tbqq")]
    assert [s.label_names[k] for k in s.labels] == want
    full = jc.load(path)
    keep = np.isin(np.array(MIXED), ["QCD", "Tbqq"])
    np.testing.assert_array_equal(s.constituents, full.constituents[keep][:, :s.constituents.shape[1]])
    np.testing.assert_array_equal(s.jets.to_numpy(), full.jets.to_numpy()[keep])
    assert jc.load(path, classes="Hgg").labels.tolist() == [0]
    with pytest.raises(ValueError, match=r"classes: expected names among .*'Top'"):
        jc.load(path, classes=["Top"])


def test_n_jets_across_files_and_chunk_boundaries(files):
    paths = [files["qcd"][0], files["top"][0], files["mixed"][0]]
    full = jc.load(paths)
    assert len(full) == 11 + 9 + len(MIXED)
    assert full.files == tuple(str(p) for p in paths)
    for n, chunk in [(0, 3), (1, 3), (11, 3), (12, 4), (20, 7), (25, 5), (len(full), 1000)]:
        s = jc.load(paths, n_jets=n, chunk_size=chunk, max_constituents=full.constituents.shape[1])
        assert len(s) == n
        np.testing.assert_array_equal(s.constituents, full.constituents[:n])
        np.testing.assert_array_equal(s.labels, full.labels[:n])
        np.testing.assert_array_equal(s.jets.to_numpy(), full.jets.to_numpy()[:n])
        assert len(s.files) == (0 if n == 0 else 1 if n <= 11 else 2 if n <= 20 else 3)  # later files not opened
    # with a class filter, n_jets counts the kept jets: 11 QCD + 3 QCD of the mixed file
    s = jc.load(paths, n_jets=13, classes=["QCD"], chunk_size=4)
    assert s.labels.tolist() == [0] * 13 and s.label_names == ("QCD",)
    with pytest.raises(ValueError, match="hold only 14 jets of the classes \\['QCD'\\]"):
        jc.load(paths, n_jets=15, classes=["QCD"])


def test_directory_and_max_constituents(files):
    d = files["qcd"][0].parent
    s = jc.load(d, classes=["Tbqq"])
    assert len(s) == 9 + MIXED.count("Tbqq")
    t = jc.load(files["qcd"][0], max_constituents=5)
    full = jc.load(files["qcd"][0])
    assert t.constituents.shape[1] == 5
    np.testing.assert_array_equal(t.constituents, full.constituents[:, :5])  # the first five, in file order
    np.testing.assert_array_equal(t.n_constituents, np.minimum(full.n_constituents, 5))


def test_std_vector_branches_read_the_same(files, monkeypatch, tmp_path):
    """A public file's part_* are std::vector<float>/<int32_t> with no counter branch (not writable offline): the
    same jets served through the tree interface with those type names load identically."""
    path, arrays = files["top"]
    trees = {}

    def open_vector_tree(p):
        trees[p] = VectorTree(*arrays)
        return trees[p]

    monkeypatch.setattr(jc, "_open_tree", open_vector_tree)
    assert trees == {}
    s = jc.load(path, chunk_size=4)
    assert trees[path].branches()["part_px"] == ("std::vector<float>", True)
    assert trees[path].branches()["part_isMuon"] == ("std::vector<int32_t>", True)
    assert trees[path].reads[:2] == [(0, 4), (0, 4)]  # labels, then the other branches, chunk by chunk
    monkeypatch.undo()
    ref = jc.load(path)
    np.testing.assert_array_equal(s.constituents, ref.constituents)
    np.testing.assert_array_equal(s.labels, ref.labels)
    np.testing.assert_array_equal(s.jets.to_numpy(), ref.jets.to_numpy())
    for b in ref.fields:
        np.testing.assert_array_equal(s.fields[b], ref.fields[b])


# ------------------------------------------------------------------------------------------------------- writer
def test_writer_accepts_lists_and_short_names_and_refuses_bad_input(tmp_path):
    parts, jets, labels = random_jetclass_jets(["Hbb", "Zqq", "Hbb"], seed=4, max_const=6)
    as_lists = {b[len("part_"):]: [np.asarray(x) for x in ak.to_list(v)] for b, v in parts.items()}
    path = jc.write(tmp_path / "mixed_3.root", as_lists, {b[4:]: v for b, v in jets.items()},
                    {b[6:]: v for b, v in labels.items()}, sidecar={"seed": 4})
    s = jc.load(path)
    assert [s.label_names[k] for k in s.labels] == ["Hbb", "Zqq", "Hbb"]
    assert jc.read_sidecar(path) == {"seed": 4}
    bad = dict(parts, part_py=parts["part_py"][:, :-1])
    with pytest.raises(ValueError, match="particle branch part_py has .* values for jet 0"):
        jc.write(tmp_path / "bad.root", bad, jets, labels)
    two = dict(labels, label_Zqq=np.array([0, 1, 1], np.int32))  # jet 2 is Hbb and Zqq
    with pytest.raises(ValueError, match="label_\\* branches of jet 2 are not one-hot"):
        jc.write(tmp_path / "bad.root", parts, jets, two)
    with pytest.raises(ValueError, match=r"missing particle branch\(es\) \['part_dzerr'\]"):
        jc.write(tmp_path / "bad.root", {k: v for k, v in parts.items() if k != "part_dzerr"}, jets, labels)
    with pytest.raises(ValueError, match="unknown class name"):
        jc.one_hot_labels(["top"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mixed_3.json", "mixed_3.root"]


# ---------------------------------------------------------------------------------------------------- bad input
def _bad_file(tmp_path, name="bad.root", classes=("QCD",) * 6, **kw):
    return write_public_like(tmp_path / name, *random_jetclass_jets(list(classes), seed=5, max_const=8), **kw)


def test_file_named_by_class_must_hold_that_class(tmp_path):
    path = write_public_like(tmp_path / "TTBar_3.root", *random_jetclass_jets(["Tbqq", "Tbqq", "QCD"], seed=6))
    with pytest.raises(DataFormatError, match=r"TTBar_3\.root: jet \(entry\) 2 is labelled QCD, but a file named "
                                              r"TTBar_\* holds Tbqq jets only"):
        jc.load(path)


@pytest.mark.parametrize("fraction", [0.3, 0.7, 0.95])
def test_truncated_file(tmp_path, files, fraction):
    src = files["qcd"][0].read_bytes()
    bad = tmp_path / "truncated.root"
    bad.write_bytes(src[: int(len(src) * fraction)])
    with pytest.raises(DataFormatError, match=r"truncated\.root.*(truncated|corrupt)"):
        jc.load(bad)


def test_corrupt_and_missing_file(tmp_path):
    bad = tmp_path / "corrupt.root"
    bad.write_bytes(np.random.default_rng(0).bytes(5000))
    with pytest.raises(DataFormatError, match=r"corrupt\.root: cannot be opened as a ROOT file"):
        jc.load(bad)
    with pytest.raises(FileNotFoundError, match="nothere.root"):
        jc.load(tmp_path / "nothere.root")


def test_missing_tree(tmp_path):
    path = _bad_file(tmp_path, tree="jets")
    with pytest.raises(DataFormatError, match=r"bad\.root: no TTree 'tree' in the file \(found \['jets'\]\)"):
        jc.load(path)


@pytest.mark.parametrize("branch", ["part_dzerr", "part_isMuon", "label_Hcc", "jet_tau4"])
def test_missing_branch(tmp_path, branch):
    path = _bad_file(tmp_path, drop=[branch])
    with pytest.raises(DataFormatError, match=rf"bad\.root: missing branch\(es\) \['{branch}'\]"):
        jc.load(path)


def test_scalar_where_jagged_expected(tmp_path):
    parts, jets, labels = random_jetclass_jets(["QCD"] * 4, seed=7)
    parts["part_charge"] = np.ones(4, np.float32)
    path = write_public_like(tmp_path / "bad.root", parts, jets, labels)
    with pytest.raises(DataFormatError, match=r"branch part_charge has type float; expected jagged"):
        jc.load(path)


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_constituent(tmp_path, value):
    parts, jets, labels = random_jetclass_jets(["QCD"] * 8, seed=8, max_const=8)
    flat = ak.to_numpy(ak.flatten(parts["part_px"])).copy()
    counts = ak.to_numpy(ak.num(parts["part_px"]))
    flat[counts[:5].sum() + 1 if counts[5] > 1 else counts[:5].sum()] = value
    parts["part_px"] = ak.unflatten(flat, counts)
    path = write_public_like(tmp_path / "nan.root", parts, jets, labels)
    const = 1 if counts[5] > 1 else 0
    with pytest.raises(DataFormatError, match=rf"nan\.root: non-finite value .* in branch part_px of jet \(entry\) 5, "
                                              rf"constituent {const}"):
        jc.load(path, chunk_size=3)
    assert len(jc.load(path, n_jets=5)) == 5  # the jets before it load


def test_non_finite_jet_branch(tmp_path):
    parts, jets, labels = random_jetclass_jets(["QCD"] * 6, seed=9)
    jets["jet_pt"][3] = np.nan
    path = write_public_like(tmp_path / "nan.root", parts, jets, labels)
    with pytest.raises(DataFormatError, match=r"nan\.root: non-finite value nan in branch jet_pt of jet \(entry\) 3"):
        jc.load(path)


def test_empty_jet(tmp_path):
    parts, jets, labels = random_jetclass_jets(["QCD"] * 6, seed=10)
    counts = ak.to_numpy(ak.num(parts["part_px"])).copy()
    drop = counts[4]
    keep = np.ones(counts.sum(), bool)
    keep[counts[:4].sum():counts[:4].sum() + drop] = False
    counts[4] = 0
    parts = {b: ak.unflatten(ak.to_numpy(ak.flatten(v))[keep], counts) for b, v in parts.items()}
    path = write_public_like(tmp_path / "empty.root", parts, jets, labels)
    with pytest.raises(DataFormatError, match=r"empty\.root: jet \(entry\) 4 has no constituents"):
        jc.load(path, chunk_size=2)


def test_inconsistent_particle_lists(tmp_path):
    parts, jets, labels = random_jetclass_jets(["QCD"] * 5, seed=11, max_const=6)
    counts = ak.to_numpy(ak.num(parts["part_px"])).copy()
    counts[2] += 1
    parts["part_d0err"] = ak.unflatten(np.zeros(counts.sum(), np.float32), counts)
    path = write_public_like(tmp_path / "ragged.root", parts, jets, labels)  # one counter per branch allows it
    with pytest.raises(DataFormatError, match=r"ragged\.root: jet \(entry\) 2 has \d+ values in branch part_d0err"):
        jc.load(path)


@pytest.mark.parametrize("branch, value, message", [
    ("label_Zqq", 1, r"jet \(entry\) 2 has 2 labels set \(\['label_QCD', 'label_Zqq'\]\)"),
    ("label_QCD", 0.0, r"jet \(entry\) 2 has 0 labels set"),
    ("label_Tbqq", 2, r"branch label_Tbqq of jet \(entry\) 2 is 2.0; labels must be 0 or 1"),
])
def test_bad_labels(tmp_path, branch, value, message):
    parts, jets, labels = random_jetclass_jets(["QCD"] * 5, seed=12)
    labels[branch] = labels[branch].copy()
    labels[branch][2] = value
    path = write_public_like(tmp_path / "lab.root", parts, jets, labels)
    with pytest.raises(DataFormatError, match=rf"lab\.root: {message}"):
        jc.load(path, chunk_size=2)


def test_bad_arguments(files):
    path = files["qcd"][0]
    for kw in ({"n_jets": -1}, {"chunk_size": 0}, {"max_constituents": 0}):
        with pytest.raises(ValueError, match=next(iter(kw))):
            jc.load(path, **kw)
    with pytest.raises(ValueError, match="hold only 11 jets"):
        jc.load(path, n_jets=12)


def test_empty_file_round_trip(tmp_path):
    path = jc.write(tmp_path / "none.root", {b: [] for b in jc.PARTICLE_BRANCHES},
                    {b: np.zeros(0) for b in jc.JET_BRANCHES}, jc.one_hot_labels([]))
    s = jc.load(path)
    assert len(s) == 0 and s.constituents.shape == (0, 1, 4) and list(s.jets.columns) == list(jc.JET_BRANCHES)


def test_real_std_vector_file_reads_like_the_counter_layout(tmp_path):
    """tests/data/files/jetclass_std_vector.root was written by ROOT itself (tests/data/make_std_vector_fixture.py):
    its part_* are genuine std::vector<float>/<int32_t> TBranchElements without counters, as in the public files.
    The loader must read the very jets the fixture maker put there, exactly as from the counter layout."""
    import make_std_vector_fixture as mk

    path = mk.OUT
    tree = uproot.open(path)[jc.TREE]
    assert tree["part_px"].typename == "std::vector<float>" and tree["part_isMuon"].typename == "std::vector<int32_t>"
    assert not any(k.startswith("n") for k in tree.keys())            # no counter branch anywhere
    parts, jets, labels = random_jetclass_jets(mk.CLASSES, seed=mk.SEED, max_const=mk.MAX_CONST)
    s = jc.load(path, chunk_size=4)                                    # two chunks: 4 + 2 jets
    ref = jc.load(write_public_like(tmp_path / "same.root", parts, jets, labels))
    assert [jc.LABEL_NAMES[i] for i in s.labels] == mk.CLASSES
    np.testing.assert_array_equal(s.n_constituents, ak.to_numpy(ak.num(parts["part_px"])))
    np.testing.assert_array_equal(s.constituents, ref.constituents)
    np.testing.assert_array_equal(s.mask, ref.mask)
    np.testing.assert_array_equal(s.jets.to_numpy(), ref.jets.to_numpy())
    for b in ref.fields:
        np.testing.assert_array_equal(s.fields[b], ref.fields[b])
    # and the values are the fixture's: the first jet's energies in file order
    np.testing.assert_array_equal(s.constituents[0, :s.n_constituents[0], 0], ak.to_numpy(parts["part_energy"][0]))
