"""A small checksummed downloader: resume, verify, a data directory from ``$HEPSCALING_DATA``.

Datasets are described by :class:`RemoteFile` entries (URL, size, checksums) grouped in :data:`DATASETS`.  A file is
downloaded to ``<name>.part`` (resuming a partial download with an HTTP Range request), verified against the record's
checksum(s) and size, and only then renamed into place; its sha256 is written beside it as ``<name>.sha256`` so later
runs (and the provenance footer) need not recompute it.  On a machine without network the error is one line naming
the files and where to put them by hand.

Command line::

    python -m hepscaling.data.download toptagging            # download + verify into $HEPSCALING_DATA (default data/)
    python -m hepscaling.data.download toptagging --verify   # only verify files already there
"""
from __future__ import annotations

import argparse
import hashlib
import http.client
import os
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ..paths import data_dir
from ..progress import progress

__all__ = ["RemoteFile", "DATASETS", "fetch", "fetch_dataset", "verify", "DownloadError", "ChecksumError",
           "download_hint"]


class DownloadError(RuntimeError):
    pass


class ChecksumError(ValueError):
    pass


@dataclass(frozen=True)
class RemoteFile:
    name: str                 # file name inside the dataset directory
    url: str
    size: int | None = None   # bytes
    md5: str | None = None    # as published by the record (Zenodo publishes md5)
    sha256: str | None = None


# Top Tagging Landscape, Zenodo record 2603256 (Kasieczka, Plehn, Thompson, Russell: "Top Quark Tagging Reference
# Dataset", doi:10.5281/zenodo.2603256).  md5 and sizes as published by the Zenodo record; Zenodo does not publish
# sha256 — ours is computed on download and stored beside each file (<name>.sha256).
TOPTAGGING = [
    RemoteFile("train.h5", "https://zenodo.org/records/2603256/files/train.h5?download=1", 1_038_496_555,
               md5="45663819f47c13724f67eb0fd80bfa5c"),
    RemoteFile("val.h5", "https://zenodo.org/records/2603256/files/val.h5?download=1", 347_378_076,
               md5="dca4b7248027618f041f9baa86d360fc"),
    RemoteFile("test.h5", "https://zenodo.org/records/2603256/files/test.h5?download=1", 347_849_376,
               md5="13163479dee30a5fe546e4536cc3d04d"),
]
DATASETS: dict[str, dict] = {
    "toptagging": {"files": TOPTAGGING, "subdir": "",
                   "record": "Zenodo record 2603256 (doi:10.5281/zenodo.2603256), Top Tagging Landscape"},
}


def dataset_dir(dataset: str) -> Path:
    return data_dir() / DATASETS[dataset]["subdir"] if DATASETS[dataset]["subdir"] else data_dir()


def download_hint(dataset: str = "toptagging") -> str:
    files = ", ".join(f.name for f in DATASETS[dataset]["files"])
    return (f"run `python -m hepscaling.data.download {dataset}` (needs network), or place {files} from "
            f"{DATASETS[dataset]['record']} by hand into {dataset_dir(dataset)} (set HEPSCALING_DATA to use another "
            "directory)")


def _digests(path: Path, chunk: int = 1 << 22) -> dict[str, str]:
    md5, sha = hashlib.md5(usedforsecurity=False), hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk), b""):
            md5.update(block)
            sha.update(block)
    return {"md5": md5.hexdigest(), "sha256": sha.hexdigest()}


def verify(path, rf: RemoteFile) -> str:
    """Check a local file against the record (size, md5/sha256); returns its sha256 or raises ChecksumError."""
    path = Path(path)
    if rf.size is not None and path.stat().st_size != rf.size:
        raise ChecksumError(f"{path}: size {path.stat().st_size} bytes, expected {rf.size} ({rf.url})")
    d = _digests(path)
    for algo in ("md5", "sha256"):
        want = getattr(rf, algo)
        if want and d[algo] != want:
            raise ChecksumError(f"{path}: {algo} {d[algo]} does not match the record's {want} ({rf.url})")
    Path(str(path) + ".sha256").write_text(f"{d['sha256']}  {path.name}\n")
    return d["sha256"]


def recorded_sha256(path) -> str | None:
    """The sha256 stored beside a downloaded file, if any."""
    side = Path(str(path) + ".sha256")
    if side.is_file():
        return side.read_text().split()[0]
    return None


def fetch(rf: RemoteFile, directory: str | os.PathLike | None = None, timeout: float = 30.0) -> Path:
    """Download one file (resuming a ``.part`` file), verify it, rename it into place; returns the path.

    An existing, verified file is not downloaded again.  Raises DownloadError (no network: one line naming the file
    and where to put it) or ChecksumError (the bad download is kept as ``.part`` only if it can still be resumed).
    """
    directory = Path(directory) if directory is not None else data_dir()
    directory.mkdir(parents=True, exist_ok=True)
    dest = directory / rf.name
    if dest.is_file():
        verify(dest, rf)
        return dest
    part = directory / (rf.name + ".part")
    have = part.stat().st_size if part.is_file() else 0
    if rf.size is not None and have > rf.size:
        part.unlink()
        have = 0
    if rf.size is None or have < rf.size:  # a .part with every byte (interrupted before the rename) is only verified
        _download(rf, part, have, dest, timeout)
    try:
        verify(part, rf)
    except ChecksumError:
        if rf.size is None or part.stat().st_size >= rf.size:
            part.unlink()  # complete but wrong: a resume cannot fix it
        raise
    os.replace(part, dest)
    os.replace(str(part) + ".sha256", str(dest) + ".sha256")
    return dest


def _download(rf: RemoteFile, part: Path, have: int, dest: Path, timeout: float) -> None:
    """Append the missing bytes to ``part`` (``have`` of them present) with a Range request, or rewrite it whole when
    the server ignores Range.  Any network failure, also in the middle of the body, is a DownloadError that keeps
    the bytes received so far for the next attempt to resume."""
    def fail(e):
        return DownloadError(f"cannot download {rf.name} from {rf.url} ({getattr(e, 'reason', e)}); place the file by "
                             f"hand at {dest}")

    req = urllib.request.Request(rf.url, headers={"User-Agent": "hepscaling"})
    if have:
        req.add_header("Range", f"bytes={have}-")
    try:
        resp = urllib.request.urlopen(req, timeout=timeout)
    except urllib.error.HTTPError as e:
        if have and e.code == 416:  # Range Not Satisfiable: nothing after byte `have`, the .part is complete
            e.close()
            return
        raise fail(e) from None
    except (urllib.error.URLError, OSError) as e:
        raise fail(e) from None
    with resp:
        if have and getattr(resp, "status", 200) != 206:  # server ignored the Range request: start over
            have = 0
        mode = "ab" if have else "wb"
        read = getattr(resp, "read1", resp.read)  # read1: what has arrived, so a stall loses no received byte
        with open(part, mode) as f, progress(total=rf.size, initial=have, unit="B", unit_scale=True,
                                             desc=rf.name) as bar:
            while True:
                try:
                    block = read(1 << 20)
                except (OSError, http.client.HTTPException) as e:  # timeout / reset in the middle of the body
                    raise fail(e) from None
                if not block:
                    break
                f.write(block)
                bar.update(len(block))


def fetch_dataset(dataset: str = "toptagging", only_verify: bool = False) -> list[Path]:
    if dataset not in DATASETS:
        raise ValueError(f"dataset: expected one of {sorted(DATASETS)}, got {dataset!r}")
    d = dataset_dir(dataset)
    out = []
    for rf in DATASETS[dataset]["files"]:
        if only_verify:
            p = d / rf.name
            if not p.is_file():
                raise DownloadError(f"{p} is missing; {download_hint(dataset)}")
            verify(p, rf)
            out.append(p)
        else:
            out.append(fetch(rf, d))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m hepscaling.data.download", description=__doc__.split("\n")[0])
    ap.add_argument("dataset", choices=sorted(DATASETS))
    ap.add_argument("--verify", action="store_true", help="only verify files already in the data directory")
    a = ap.parse_args(argv)
    try:
        for p in fetch_dataset(a.dataset, only_verify=a.verify):
            print(f"ok  {p}  sha256 {recorded_sha256(p)}")
    except (DownloadError, ChecksumError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
