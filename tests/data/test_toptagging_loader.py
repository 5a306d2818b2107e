"""The Top Tagging loader on fixture files written in exactly the public format, and its bad-input errors."""
import numpy as np
import pandas as pd
import pytest

from hepscaling import provenance
from hepscaling.data import toptagging as tt
from hepscaling.data.toptagging import DataFormatError
from toptagging_fixtures import random_jets, write_public_like


@pytest.fixture(scope="module")
def fixture_file(tmp_path_factory):
    p4, labels = random_jets(257, seed=1)
    path = tmp_path_factory.mktemp("tt") / "val.h5"
    write_public_like(path, p4, labels)
    return path, p4.astype(np.float32), labels


def test_columns_are_the_public_layout():
    assert len(tt.COLUMNS) == 806
    assert tt.COLUMNS[:5] == ["E_0", "PX_0", "PY_0", "PZ_0", "E_1"]
    assert tt.COLUMNS[799] == "PZ_199"
    assert tt.COLUMNS[-6:] == ["truthE", "truthPX", "truthPY", "truthPZ", "ttv", "is_signal_new"]


def test_load_all_first_n_and_chunks(fixture_file):
    path, p4, labels = fixture_file
    a, la = tt.load(path)
    assert a.shape == (257, 200, 4) and a.dtype == np.float32 and la.dtype == np.int64
    np.testing.assert_array_equal(a, p4)
    np.testing.assert_array_equal(la, labels)
    b, lb = tt.load(path, n_jets=100, chunk_size=7)  # many small chunks
    np.testing.assert_array_equal(b, p4[:100])
    np.testing.assert_array_equal(lb, labels[:100])
    assert str(path.resolve()) in provenance.inputs()


def _file_rows(jets, file_p4):
    """The file row of each jet, matched by its exact float32 bytes; fails for a jet that is not one of the file's."""
    index = {j.tobytes(): i for i, j in enumerate(file_p4)}
    assert len(index) == len(file_p4)  # the fixture's jets are distinct, so a match is unambiguous
    rows = [index.get(j.tobytes(), -1) for j in jets]
    missing = [k for k, r in enumerate(rows) if r < 0]
    assert not missing, f"returned jets {missing[:5]} are not jets of the file"
    return np.array(rows)


def test_seeded_subset(fixture_file):
    """Properties of a seeded random subset that do not depend on how it is drawn."""
    path, p4, labels = fixture_file
    full, lfull = tt.load(path, n_jets=None)
    np.testing.assert_array_equal(full, p4)
    np.testing.assert_array_equal(lfull, labels)
    n, N = 50, len(p4)
    a, la = tt.load(path, n_jets=n, seed=3, chunk_size=16)  # several chunks
    assert len(a) == len(la) == n
    rows = _file_rows(a, p4)                                 # every jet is one of the file's jets ...
    assert len(set(rows.tolist())) == n                      # ... without repeats
    np.testing.assert_array_equal(la, labels[rows])          # ... each with its own label
    # the same seed: the same jets in the same order, however the file is chunked; `rows=` reads the same jets
    b, lb = tt.load(path, n_jets=n, seed=3)
    np.testing.assert_array_equal(b, a)
    np.testing.assert_array_equal(lb, la)
    r, lr = tt.load(path, rows=rows)
    np.testing.assert_array_equal(r, a)
    np.testing.assert_array_equal(lr, la)
    # another seed: another set of jets (not a reordering of the same ones)
    c, lc = tt.load(path, n_jets=n, seed=4)
    rows_c = _file_rows(c, p4)
    np.testing.assert_array_equal(lc, labels[rows_c])
    assert set(rows_c.tolist()) != set(rows.tolist())
    # random rows, not the first n, nor a block: the mean row index of a uniform n-subset of N rows is (N - 1) / 2
    # with standard deviation sqrt((N^2 - 1) / 12 / n * (N - n) / (N - 1)) (~ 9.4 here)
    assert set(rows.tolist()) != set(range(n))
    sd = np.sqrt((N ** 2 - 1) / 12 / n * (N - n) / (N - 1))
    assert abs(rows.mean() - (N - 1) / 2) < 4 * sd, rows.mean()
    assert rows.max() - rows.min() > N / 2
    # in the drawn (random) order, as documented, not sorted by row
    assert not (np.diff(rows) > 0).all()
    # both classes, in the file's proportion (binomial tolerance, 4 sigma)
    f = labels.mean()
    for lab in (la, lc):
        assert 0 < lab.sum() < n
        assert abs(lab.sum() - n * f) < 4 * np.sqrt(n * f * (1 - f)), (lab.sum(), n * f)
    # over ten seeds the subsets reach most of the file: uniform draws of 50 cover ~ 227 of 257 rows
    seen = set()
    for seed in range(10):
        seen |= set(_file_rows(tt.load(path, n_jets=n, seed=seed)[0], p4).tolist())
    assert len(seen) > 190, len(seen)


def test_rows_and_too_many(fixture_file):
    path, p4, _ = fixture_file
    a, _ = tt.load(path, rows=[5, 1, 200])
    np.testing.assert_array_equal(a, p4[[5, 1, 200]])
    with pytest.raises(ValueError, match="holds only 257"):
        tt.load(path, n_jets=1000)


def test_writer_round_trip_with_sidecar(tmp_path):
    p4, labels = random_jets(30, seed=2)
    truth = np.random.default_rng(0).normal(size=(30, 4))
    path = tt.write(tmp_path / "x.h5", p4[:, :120], labels, truth, ttv=2, sidecar={"generator": "test"})
    a, la, tr = tt.load(path, with_truth=True)
    np.testing.assert_allclose(a, p4.astype(np.float32))
    np.testing.assert_array_equal(la, labels)
    np.testing.assert_allclose(tr, truth.astype(np.float32))
    df = pd.read_hdf(path, "table")
    assert list(df.columns) == tt.COLUMNS and (df["ttv"] == 2).all()
    assert tt.read_sidecar(path) == {"generator": "test"}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp")]


# ---------------------------------------------------------------------------------------------------- bad input
def test_truncated_file(tmp_path, fixture_file):
    src = fixture_file[0].read_bytes()
    bad = tmp_path / "truncated.h5"
    bad.write_bytes(src[: len(src) // 2])
    with pytest.raises(DataFormatError, match="truncated.h5"):
        tt.load(bad)


def test_corrupt_file(tmp_path):
    bad = tmp_path / "corrupt.h5"
    bad.write_bytes(np.random.default_rng(0).bytes(5000))
    with pytest.raises(DataFormatError, match="corrupt.h5.*(truncated|corrupt|HDF5)"):
        tt.load(bad)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothere.h5"):
        tt.load(tmp_path / "nothere.h5")


def test_missing_column(tmp_path):
    p4, labels = random_jets(10)
    path = write_public_like(tmp_path / "m.h5", p4, labels, drop=["PZ_17"])
    with pytest.raises(DataFormatError, match=r"m\.h5.*PZ_17"):
        tt.load(path)


def test_missing_label_column(tmp_path):
    p4, labels = random_jets(10)
    path = write_public_like(tmp_path / "m.h5", p4, labels, drop=["is_signal_new"])
    with pytest.raises(DataFormatError, match="is_signal_new"):
        tt.load(path)


def test_wrong_key(tmp_path):
    p4, labels = random_jets(10)
    path = write_public_like(tmp_path / "k.h5", p4, labels, key="jets")
    with pytest.raises(DataFormatError, match=r"k\.h5.*no key 'table'.*jets"):
        tt.load(path)


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite(tmp_path, value):
    p4, labels = random_jets(10)
    p4[7, 5, 1] = value
    path = write_public_like(tmp_path / "nan.h5", p4, labels)
    with pytest.raises(DataFormatError, match=r"nan\.h5.*PX_5.*jet \(row\) 7"):
        tt.load(path, chunk_size=4)


def test_empty_jet(tmp_path):
    p4, labels = random_jets(10)
    p4[4] = 0.0
    path = write_public_like(tmp_path / "empty.h5", p4, labels)
    with pytest.raises(DataFormatError, match=r"empty\.h5.*jet \(row\) 4.*no constituents"):
        tt.load(path)
    # a subset that avoids the bad jet loads fine
    a, la = tt.load(path, n_jets=4)
    np.testing.assert_array_equal(a, p4[:4].astype(np.float32))
    np.testing.assert_array_equal(la, labels[:4])


def test_bad_label(tmp_path):
    p4, labels = random_jets(10)
    labels[2] = 3
    path = write_public_like(tmp_path / "lab.h5", p4, labels)
    with pytest.raises(DataFormatError, match=r"is_signal_new of jet \(row\) 2"):
        tt.load(path)


def test_bad_arguments(fixture_file):
    with pytest.raises(ValueError, match="n_jets"):
        tt.load(fixture_file[0], n_jets=-1)
