"""get_jets / describe on both sources: local shards (tiny shard size) and public-format fixture files."""
import numpy as np
import pytest

from hepscaling.data import topqcd

from toptagging_fixtures import random_jets, write_public_like


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("HEPSCALING_DATA", str(tmp_path))
    monkeypatch.setenv("HEPSCALING_WORKERS", "1")
    return tmp_path


def test_bad_arguments():
    with pytest.raises(ValueError, match="split"):
        topqcd.get_jets("training", 10)
    with pytest.raises(ValueError, match="source"):
        topqcd.get_jets("train", 10, source="delphes")
    with pytest.raises(ValueError, match="n_jets"):
        topqcd.get_jets("train", 0)


def test_public_missing_names_files_and_command(data_dir):
    with pytest.raises(FileNotFoundError) as e:
        topqcd.get_jets("test", 10, source="public")
    msg = str(e.value)
    assert "test.h5" in msg and "python -m hepscaling.data.download toptagging" in msg and str(data_dir) in msg


def test_public_balanced_nested(data_dir):
    p4, labels = random_jets(300, seed=5)
    write_public_like(data_dir / "val.h5", p4, labels)
    a, la = topqcd.get_jets("val", 41, source="public", seed=2)
    b, lb = topqcd.get_jets("val", 80, source="public", seed=2)
    assert a.shape == (41, 200, 4) and abs(la.sum() - 20.5) == 0.5
    assert lb.sum() == 40
    np.testing.assert_array_equal(a, b[:41])
    np.testing.assert_array_equal(la, lb[:41])
    # every returned jet is a file jet with the right label
    file_jets = {j.astype(np.float32).tobytes(): l for j, l in zip(p4, labels)}
    assert all(file_jets[j.tobytes()] == l for j, l in zip(b, lb))
    c, _ = topqcd.get_jets("val", 80, source="public", seed=3)
    assert not np.array_equal(b, c)
    assert "val.h5 sha256" in topqcd.describe("public") and "test.h5 missing" in topqcd.describe("public")


@pytest.mark.slow
def test_local_shards_balanced_nested_disjoint(data_dir, monkeypatch):
    pytest.importorskip("pythia8mc")
    monkeypatch.setattr(topqcd, "SHARD_JETS_PER_CLASS", 12)
    a, la = topqcd.get_jets("train", 30)          # 2 shards
    assert a.shape == (30, 200, 4) and la.sum() == 15
    files = sorted(p.name for p in (data_dir / "topqcd_local").rglob("*.h5"))
    assert len(files) == 2 and all(f.startswith("train-seed0-n12-") for f in files)
    b, lb = topqcd.get_jets("train", 17)         # reuses the first shard: no new file
    assert len(list((data_dir / "topqcd_local").rglob("*.h5"))) == 2
    np.testing.assert_array_equal(b, a[:17])
    np.testing.assert_array_equal(lb, la[:17])
    t, _ = topqcd.get_jets("test", 20)
    s1, _ = topqcd.get_jets("train", 20, seed=1)
    train = {j.tobytes() for j in a}
    assert not train & {j.tobytes() for j in t}      # splits share no jet
    assert not train & {j.tobytes() for j in s1}     # another seed: another sample
    from hepscaling import jets as J
    m = J.mass(a)
    assert np.median(m[la == 1]) > np.median(m[la == 0])
    assert "Pythia 8.317" in topqcd.describe("local") and "particle level" in topqcd.describe("local")


def test_stale_temporaries_are_removed_fresh_ones_kept(data_dir):
    import os
    import time

    from hepscaling.data.pythia import shard_dir
    d = shard_dir(topqcd.SETTINGS)
    d.mkdir(parents=True)
    old, new = d / ".tmp-old.h5", d / ".tmp-new.h5"
    old.write_bytes(b"half")
    new.write_bytes(b"half")
    t = time.time() - 7200
    os.utime(old, (t, t))
    topqcd._clean_stale_temporaries()
    assert not old.exists() and new.exists()
