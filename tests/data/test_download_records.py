"""The JetClass and AspenOpenJets records in the downloader, and safe tar extraction — offline (file:// URLs)."""
import hashlib
import io
import json
import re
import tarfile

import pytest

from hepscaling.data import download as D


def test_jetclass_record_entries():
    files = D.DATASETS["jetclass"]["files"]
    assert [f.name for f in files] == [f"JetClass_Pythia_train_100M_part{i}.tar" for i in range(10)] + \
        ["JetClass_Pythia_val_5M.tar", "JetClass_Pythia_test_20M.tar"]
    assert all(re.fullmatch(r"[0-9a-f]{32}", f.md5) for f in files) and len({f.md5 for f in files}) == 12
    assert all(f.url.startswith("https://zenodo.org/records/6619768/files/") for f in files)
    assert all(f.size is None for f in files)  # the record's byte sizes were not available: md5 only
    assert [f.extract_to for f in files] == ["train_100M"] * 10 + ["", ""]


def test_aspen_record_entries():
    files = D.DATASETS["aspen"]["files"]
    assert [f.name for f in files] == [f"Run{r}_batch{i}.h5" for r in "GH" for i in range(40)]
    assert all(re.fullmatch(r"[0-9a-f]{32}", f.md5) for f in files) and len({f.md5 for f in files}) == 80
    assert all(2.2e9 < f.size < 5.3e9 for f in files)
    assert 2.0e11 < sum(f.size for f in files) < 2.1e11  # ~207 GB
    assert all(f.url.startswith("https://www.fdr.uni-hamburg.de/record/16505/files/") for f in files)
    assert all(f.extract_to is None for f in files)


def _tar(path, members):
    """Write a tar with ``members``: (name, bytes) regular files, or (name, tarinfo type, linkname) specials."""
    with tarfile.open(path, "w") as tf:
        for m in members:
            if len(m) == 3:
                name, kind, link = m
                info = tarfile.TarInfo(name)
                info.type, info.linkname = kind, link
                tf.addfile(info)
            else:
                name, data = m
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tf.addfile(info, io.BytesIO(data))
    return path


def test_extract_tar_writes_files_and_a_marker(tmp_path):
    arc = _tar(tmp_path / "a.tar", [("val_5M/HToBB_120.root", b"abc"), ("val_5M/TTBar_120.root", b"defg")])
    out = D.extract_tar(arc, tmp_path / "jc")
    assert sorted(p.name for p in out) == ["HToBB_120.root", "TTBar_120.root"]
    assert (tmp_path / "jc" / "val_5M" / "TTBar_120.root").read_bytes() == b"defg"
    info = json.loads((tmp_path / "a.tar.extracted").read_text())
    assert sorted(info["files"]) == ["val_5M/HToBB_120.root", "val_5M/TTBar_120.root"]
    # members already in a folder named like the destination are not nested twice
    arc2 = _tar(tmp_path / "b.tar", [("train_100M/HToBB_0.root", b"x")])
    D.extract_tar(arc2, tmp_path / "jc" / "train_100M")
    assert (tmp_path / "jc" / "train_100M" / "HToBB_0.root").read_bytes() == b"x"
    assert not (tmp_path / "jc" / "train_100M" / "train_100M").exists()


@pytest.mark.parametrize("member", [("../evil.root", b"x"), ("/abs/evil.root", b"x"), ("a/../../evil.root", b"x"),
                                    ("link.root", tarfile.SYMTYPE, "/etc/passwd"),
                                    ("hard.root", tarfile.LNKTYPE, "ok.root"), ("fifo", tarfile.FIFOTYPE, "")])
def test_extract_tar_refuses_unsafe_members(tmp_path, member):
    arc = _tar(tmp_path / "evil.tar", [("ok.root", b"fine"), member])
    dest = tmp_path / "out"
    with pytest.raises(D.ArchiveError, match=r"evil\.tar: member .* refusing"):
        D.extract_tar(arc, dest)
    assert not dest.exists() and not (tmp_path / "evil.root").exists()  # nothing written, not even ok.root


def _register(monkeypatch, tmp_path, payload):
    """A one-file 'jetclass' dataset served from a file:// URL, with the data directory in tmp_path/data."""
    src = tmp_path / "server" / "JetClass_Pythia_val_5M.tar"
    src.parent.mkdir()
    src.write_bytes(payload)
    rf = D.RemoteFile(src.name, src.as_uri(), len(payload), md5=hashlib.md5(payload).hexdigest(), extract_to="")
    monkeypatch.setitem(D.DATASETS, "jetclass", dict(D.DATASETS["jetclass"], files=[rf]))
    monkeypatch.setenv("HEPSCALING_DATA", str(tmp_path / "data"))
    return src


def test_fetch_dataset_downloads_verifies_and_unpacks(tmp_path, monkeypatch):
    buf = tmp_path / "build.tar"
    _tar(buf, [("val_5M/ZJetsToNuNu_120.root", b"qcd jets"), ("val_5M/TTBar_120.root", b"top jets")])
    src = _register(monkeypatch, tmp_path, buf.read_bytes())
    out = D.fetch_dataset("jetclass", only=["JetClass_Pythia_val_5M.tar"], remove_archives=True)
    d = tmp_path / "data" / "jetclass"
    assert out == [d / "JetClass_Pythia_val_5M.tar"] and not out[0].exists()  # removed once unpacked
    assert (d / "val_5M" / "TTBar_120.root").read_bytes() == b"top jets"
    # unpacked files present: the archive is not downloaded again (the source is gone: a download would fail)
    src.unlink()
    assert D.fetch_dataset("jetclass") == out
    # a file of the unpacked set missing: it must be downloaded again, and the source is gone -> a clear error
    (d / "val_5M" / "TTBar_120.root").unlink()
    with pytest.raises(D.DownloadError, match=r"JetClass_Pythia_val_5M\.tar.*by hand"):
        D.fetch_dataset("jetclass")


def test_fetch_dataset_bad_archive_checksum_unpacks_nothing(tmp_path, monkeypatch):
    buf = tmp_path / "build.tar"
    _tar(buf, [("val_5M/HToBB_1.root", b"x")])
    _register(monkeypatch, tmp_path, buf.read_bytes())
    rf = D.DATASETS["jetclass"]["files"][0]
    monkeypatch.setitem(D.DATASETS, "jetclass", dict(D.DATASETS["jetclass"], files=[
        D.RemoteFile(rf.name, rf.url, rf.size, md5="0" * 32, extract_to="")]))
    with pytest.raises(D.ChecksumError, match="md5"):
        D.fetch_dataset("jetclass")
    assert not (tmp_path / "data" / "jetclass" / "val_5M").exists()


def test_only_names_files_of_the_dataset(monkeypatch, tmp_path):
    monkeypatch.setenv("HEPSCALING_DATA", str(tmp_path))
    with pytest.raises(ValueError, match=r"only: \['RunX.h5'\] are not files of 'aspen'"):
        D.fetch_dataset("aspen", only=["RunX.h5"])


def test_cli_verify_offline_names_the_missing_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HEPSCALING_DATA", str(tmp_path))
    assert D.main(["aspen", "--verify", "--only", "RunH_batch7.h5"]) == 1
    err = capsys.readouterr().err
    assert "RunH_batch7.h5 is missing" in err and "uhhfdm.16505" in err
    assert D.main(["jetclass", "--verify"]) == 1
    assert "JetClass_Pythia_train_100M_part0.tar is missing" in capsys.readouterr().err
