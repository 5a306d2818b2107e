"""The checksummed downloader, offline: file:// URLs, checksum failures, no network."""
import hashlib

import pytest

from hepscaling.data import download as D


def remote(tmp_path, payload=b"jets" * 1000, **kw):
    src = tmp_path / "server" / "train.h5"
    src.parent.mkdir()
    src.write_bytes(payload)
    args = dict(size=len(payload), md5=hashlib.md5(payload).hexdigest())
    args.update(kw)
    return D.RemoteFile("train.h5", src.as_uri(), **args), payload


def test_fetch_verifies_and_records_sha256(tmp_path):
    rf, payload = remote(tmp_path)
    out = D.fetch(rf, tmp_path / "data")
    assert out.read_bytes() == payload
    assert D.recorded_sha256(out) == hashlib.sha256(payload).hexdigest()
    assert not (tmp_path / "data" / "train.h5.part").exists()
    assert D.fetch(rf, tmp_path / "data") == out  # present and valid: kept


def test_partial_download_is_completed(tmp_path):
    rf, payload = remote(tmp_path)
    d = tmp_path / "data"
    d.mkdir()
    (d / "train.h5.part").write_bytes(payload[:1000])  # file:// ignores Range: the downloader starts over
    assert D.fetch(rf, d).read_bytes() == payload


def test_checksum_mismatch_leaves_no_file(tmp_path):
    rf, _ = remote(tmp_path, md5="0" * 32)
    with pytest.raises(D.ChecksumError, match="md5"):
        D.fetch(rf, tmp_path / "data")
    assert not (tmp_path / "data" / "train.h5").exists()
    assert not (tmp_path / "data" / "train.h5.part").exists()


def test_no_network_names_file(tmp_path):
    rf = D.RemoteFile("val.h5", "http://127.0.0.1:9/val.h5", 10)
    with pytest.raises(D.DownloadError, match=r"val\.h5.*by hand"):
        D.fetch(rf, tmp_path, timeout=2)


def test_record_entries_and_cli_verify(tmp_path, monkeypatch, capsys):
    names = [f.name for f in D.DATASETS["toptagging"]["files"]]
    assert names == ["train.h5", "val.h5", "test.h5"]
    assert all(len(f.md5) == 32 and f.size > 3e8 for f in D.DATASETS["toptagging"]["files"])
    monkeypatch.setenv("HEPSCALING_DATA", str(tmp_path))
    assert D.main(["toptagging", "--verify"]) == 1
    assert "train.h5" in capsys.readouterr().err
