"""A small checksummed downloader: resume, verify, a data directory from ``$HEPSCALING_DATA``.

Datasets are described by :class:`RemoteFile` entries (URL, size, checksums) grouped in :data:`DATASETS`.  A file is
downloaded to ``<name>.part`` (resuming a partial download with an HTTP Range request), verified against the record's
checksum(s) and size, and only then renamed into place; its sha256 is written beside it as ``<name>.sha256`` so later
runs (and the provenance footer) need not recompute it.  On a machine without network the error is one line naming
the files and where to put them by hand.

Command line::

    python -m hepscaling.data.download toptagging            # download + verify into $HEPSCALING_DATA (default data/)
    python -m hepscaling.data.download toptagging --verify   # only verify files already there
    python -m hepscaling.data.download jetclass --only JetClass_Pythia_val_5M.tar   # one archive, unpacked
    python -m hepscaling.data.download aspen --only RunG_batch0.h5                  # one of the 80 AOJ files

Datasets: ``toptagging`` (Top Tagging Landscape, 1.7 GB), ``jetclass`` (JetClass, 12 tar archives of ROOT files,
~190 GB; unpacked into ``jetclass/``), ``aspen`` (AspenOpenJets, 80 HDF5 files, ~207 GB, into ``aspen/``).
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

__all__ = ["RemoteFile", "DATASETS", "fetch", "fetch_dataset", "verify", "extract_tar", "DownloadError",
           "ChecksumError", "ArchiveError", "download_hint"]


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
    extract_to: str | None = None  # a tar archive: unpacked (safely) into this folder of the dataset directory


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

# JetClass, Zenodo record 6619768 (Qu, Li, Qian: "JetClass: A Large-Scale Dataset for Deep Learning in Jet Physics",
# doi:10.5281/zenodo.6619768): tar archives of ROOT files, 100 M training jets in ten parts (~15 GB each), 5 M
# validation (~7.6 GB), 20 M test (~30 GB).  md5 as published for these archives (the same values are listed by the
# dataset authors' download script, jet-universe/particle_transformer get_datasets.py, and by users quoting the
# Zenodo record).  The record's exact byte sizes were not available to us: size is None, the md5 alone verifies.
# Training parts unpack into train_100M/, val/test into the dataset directory (their members are expected under
# val_5M/ and test_20M/, as the authors' training script reads them; a training part whose members already sit in a
# train_100M/ folder is not nested twice — see extract_tar).
JETCLASS_RECORD = "https://zenodo.org/records/6619768/files"
_JETCLASS_MD5 = {
    "JetClass_Pythia_train_100M_part0.tar": "de4fd2dca2e68ab3c85d5cfd3bcc65c3",
    "JetClass_Pythia_train_100M_part1.tar": "9722a359c5ef697bea0fbf79bf50f003",
    "JetClass_Pythia_train_100M_part2.tar": "1e9f66cd1f915f9d10e90ae1d7761720",
    "JetClass_Pythia_train_100M_part3.tar": "47348fc8985319fa4806da87500482fa",
    "JetClass_Pythia_train_100M_part4.tar": "6b0ce16bd93b442a8d51914466990279",
    "JetClass_Pythia_train_100M_part5.tar": "416e347512e716de51d392bee327b8e9",
    "JetClass_Pythia_train_100M_part6.tar": "e9b9c1557b1b39bf0a16e4ab631ae451",
    "JetClass_Pythia_train_100M_part7.tar": "5bfc6cb285ccb7680cefa9ac82ad1a2e",
    "JetClass_Pythia_train_100M_part8.tar": "540c1a0d66dfad78d2b363c5740ccf86",
    "JetClass_Pythia_train_100M_part9.tar": "668f40b3275167ff7104c48317c0ae2a",
    "JetClass_Pythia_val_5M.tar": "7235ccb577ed85023ea3ab4d5e6160cf",
    "JetClass_Pythia_test_20M.tar": "64e5156d26d101adeb43b8388207d767",
}
JETCLASS = [RemoteFile(name, f"{JETCLASS_RECORD}/{name}?download=1", None, md5=md5,
                       extract_to="train_100M" if "_train_" in name else "")
            for name, md5 in _JETCLASS_MD5.items()]

# AspenOpenJets, record doi:10.25592/uhhfdm.16505 (Research Data Repository of the University of Hamburg, record
# 16505; Amram et al., arXiv:2412.10504): 80 HDF5 files, ~207 GB.  Sizes and md5 as listed by the record's file API;
# we took them from a copy of that listing (retrieved 2026-09-22) in a public repository that downloads the record
# (raunavm/transferlearningsophon, configs/aoj/aspenopenjets_files.json), not from the record itself (no network
# here): a mismatch reported by `verify` should be checked against the record's own listing before a file is blamed.
ASPEN_RECORD = "https://www.fdr.uni-hamburg.de/record/16505/files"
_ASPEN_FILES = """
    RunG_batch0.h5  2_379_411_451  bed9c27139f6651fb9511da39210e9e8
    RunG_batch1.h5  2_478_381_156  7c5d85bbef57d52168cbf6e7b6f9293d
    RunG_batch2.h5  2_303_714_277  8845537f51e6680e36820511665715f5
    RunG_batch3.h5  2_433_390_761  b81d16257b371acc4021d1a27cae5ed5
    RunG_batch4.h5  2_561_304_003  b94165566ff2a3085ce30fb201cf4783
    RunG_batch5.h5  2_647_538_523  d81d867fc7a5b09665d725140003827c
    RunG_batch6.h5  2_374_408_679  d05108f7d3913bb1a204052834332e2a
    RunG_batch7.h5  2_339_834_059  eb522dd62f6abffd936e51cec5ef0e1b
    RunG_batch8.h5  2_396_718_208  96cd7df0741cae05a42005ac434bc6cf
    RunG_batch9.h5  2_476_090_230  9ddfc6bd753a3fdcfb53195eec492333
    RunG_batch10.h5 2_412_987_323  d1d6526c38ac2e1f822e8db958151f5c
    RunG_batch11.h5 2_499_439_167  9b2046dbdbc26cee5754917c6c15c5c1
    RunG_batch12.h5 2_446_902_437  1789b978073651698cceda6a11044ae7
    RunG_batch13.h5 2_520_493_759  43b7600c25047e7ca09ea062fc77c3c8
    RunG_batch14.h5 2_543_447_621  8fa23f0dd377a61035cd5936a7fcfab7
    RunG_batch15.h5 2_428_600_713  4d0af0a9d38e24a1ab7ebb169d2f6484
    RunG_batch16.h5 2_598_881_853  8e1fb1b737fd666c4d794cc003f95813
    RunG_batch17.h5 2_577_044_198  d895ea7f4478819dcfb35d672c130c49
    RunG_batch18.h5 2_428_676_700  3ec969ce6935c16254283231117abfc1
    RunG_batch19.h5 2_544_742_858  09abd20e0dc46eee72c13a61c765abea
    RunG_batch20.h5 2_301_768_945  870ac08cd2377bb1e068539a664aeda2
    RunG_batch21.h5 2_398_116_867  7a29a047ccecbfe18439bd466d1ea86e
    RunG_batch22.h5 2_570_285_154  bea18b4d90dbc7ef01f0db8c2e0772f9
    RunG_batch23.h5 2_530_806_950  1a9aa5f09ea8d0e5687859cf79aace59
    RunG_batch24.h5 2_377_331_608  c8267f474419b27f1472c750396532d4
    RunG_batch25.h5 2_483_818_764  bc6de5075284ea7e1db4f78eb2a8490c
    RunG_batch26.h5 2_461_819_129  533c98643f63abbc9c95161b39494c8b
    RunG_batch27.h5 2_443_577_046  94f9b1e957c6cc9f3f3489d362cc9b92
    RunG_batch28.h5 2_518_198_030  bff3cd0eb05b6c11f55511956cd65936
    RunG_batch29.h5 2_303_659_941  a3f6500c20681554361570a2e3005352
    RunG_batch30.h5 2_403_518_390  bdde11c6af382b8a360582999f09742f
    RunG_batch31.h5 2_440_842_206  d84931fec851266e8e8d08ff11ba32cf
    RunG_batch32.h5 2_465_383_068  cff8da1b4f62f83fdc7f4d23fd2478d9
    RunG_batch33.h5 2_343_624_815  b8df08c907e0d3ff880a29efb0d4b250
    RunG_batch34.h5 2_579_147_179  5f1f739d0be0aaa7ea667aa72257fefb
    RunG_batch35.h5 2_499_670_754  7a73ecf750f1c98829fb675cde4b49f9
    RunG_batch36.h5 2_541_561_498  278d9b722c0748dc9cebc066d677b447
    RunG_batch37.h5 2_487_409_906  e1931a2d81f8dd6afa6dccdf1295ba22
    RunG_batch38.h5 2_490_464_942  f157af70dde0dd9f9bee533adf494195
    RunG_batch39.h5 5_280_446_668  c893435a6b2b19e804360a86035a3577
    RunH_batch0.h5  2_373_231_012  e1f80505da028e2f800a84e592c6eb61
    RunH_batch1.h5  2_509_312_881  8d4431e6a9e9a4ee00ab4dee8e62be9a
    RunH_batch2.h5  2_404_910_941  10e9f3d65e32652fae939444eaae0154
    RunH_batch3.h5  2_321_783_962  a46b299502af449c1d12a0082c89ee5d
    RunH_batch4.h5  2_435_159_447  5078689e3acb6c97616235223dfd893e
    RunH_batch5.h5  2_462_704_947  194597a9ca6b7f5f9d57d06ecfc88955
    RunH_batch6.h5  2_581_991_169  f90dda1ad19b2d66a0fd9540ecf0d9f7
    RunH_batch7.h5  2_618_306_959  e3b5f858b3f6b0b3cd2b0e371fa19a9b
    RunH_batch8.h5  2_525_973_138  926cd17ac27a2673b665998a82d5aa20
    RunH_batch9.h5  2_334_807_666  890444d314f7b90c89919a369ab467e6
    RunH_batch10.h5 2_504_185_468  7e5fa5f3cb065a623702e2b9a6f55a82
    RunH_batch11.h5 2_588_807_592  40cf917c2d0e6164f5c5d3c12a0405de
    RunH_batch12.h5 2_645_562_672  90f2bdb87fc3adbadb161d7e9ee94191
    RunH_batch13.h5 2_557_596_911  eb9cf126983144ebf57e905aa263ae69
    RunH_batch14.h5 2_632_865_777  1ce5a82dba4253da5e1451468dc32654
    RunH_batch15.h5 2_697_861_022  64f7ff3bb44b4fd6169fb30490cad676
    RunH_batch16.h5 2_757_022_978  9c92564610df6d88a58ef3dda1a007b7
    RunH_batch17.h5 2_658_405_249  da3593c4840042ef655f898632bfe364
    RunH_batch18.h5 2_763_862_111  cbac393a793e8d39532582df63100598
    RunH_batch19.h5 2_703_528_303  3170d1560f1db00e55eef4e486fb2c92
    RunH_batch20.h5 2_641_481_312  15b63c56e79aa06a85edb6a74ddcd8ee
    RunH_batch21.h5 2_471_379_510  b159025f556277fdf0cfb20468db008d
    RunH_batch22.h5 2_649_802_372  93d7104826c94a1ab5506ddffaba7aa0
    RunH_batch23.h5 2_495_112_071  b24e8ff61f111984f512bbda88bca082
    RunH_batch24.h5 2_596_669_145  ecdcea8320892754f4ff1af1da3f1c02
    RunH_batch25.h5 2_707_149_514  848fb914bbcb2a9c91d82806f076e582
    RunH_batch26.h5 2_607_187_548  7efdb2313d3c56be8f7e4488e10774ad
    RunH_batch27.h5 2_769_923_065  4e7288e32424df99fc05984236c1e6da
    RunH_batch28.h5 2_637_973_434  555b12702cd2a00a3dd6eddf795f1290
    RunH_batch29.h5 2_627_317_882  65a26fac1db7513bfb445f9b95a06e7f
    RunH_batch30.h5 2_642_510_304  8affe7bc849c5a221566ba0cac49abf7
    RunH_batch31.h5 2_574_878_035  d054602f665e15c84921c5aed0c474bd
    RunH_batch32.h5 2_685_088_734  1f81308608b0ca5d5651ccf89f445a0f
    RunH_batch33.h5 2_648_706_767  fcf3e84e3e20f7852bca0eeb606d1dfe
    RunH_batch34.h5 2_570_723_331  db6ddc517b92f8f95c660394ebc22596
    RunH_batch35.h5 2_580_402_583  80c65779443b2301e7af6f1a9ef9c2d3
    RunH_batch36.h5 2_523_934_432  41557437e64bc7be233092de90e1a529
    RunH_batch37.h5 2_713_430_567  0a2f0e51c68c646d2b703135e0423bc8
    RunH_batch38.h5 2_700_504_487  69494b6c28b1cb5f54a1a8bb77049b21
    RunH_batch39.h5 5_057_106_355  6714459031414b332cde2420ac52ddb5
"""
ASPEN = [RemoteFile(name, f"{ASPEN_RECORD}/{name}?download=1", int(size.replace("_", "")), md5=md5)
         for name, size, md5 in (line.split() for line in _ASPEN_FILES.strip().splitlines())]

DATASETS: dict[str, dict] = {
    "toptagging": {"files": TOPTAGGING, "subdir": "",
                   "record": "Zenodo record 2603256 (doi:10.5281/zenodo.2603256), Top Tagging Landscape"},
    "jetclass": {"files": JETCLASS, "subdir": "jetclass",
                 "record": "Zenodo record 6619768 (doi:10.5281/zenodo.6619768), JetClass"},
    "aspen": {"files": ASPEN, "subdir": "aspen",
              "record": "record 16505 of the University of Hamburg research data repository "
                        "(doi:10.25592/uhhfdm.16505), AspenOpenJets"},
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


class ArchiveError(ValueError):
    pass


def _extract_marker(archive: Path) -> Path:
    return archive.with_name(archive.name + ".extracted")


def extract_tar(archive, destination) -> list[Path]:
    """Unpack a tar archive's regular files and folders into ``destination``, safely; returns the files written.

    Refuses (ArchiveError, before writing anything) absolute member names, ``..`` components, links, devices and
    any other special member.  When every member already sits in a folder named like ``destination``
    (``train_100M/x.root`` unpacked into ``.../train_100M``), they go into ``destination``'s parent instead of a
    nested copy.  Each file is written to a temporary name and renamed, so an interrupted extraction leaves only
    whole files (the next call rewrites them).  A list of the files goes to ``<archive>.extracted``.
    """
    import json
    import tarfile

    from ..atomic import atomic_path, write_text

    archive, destination = Path(archive), Path(destination)
    try:
        tf = tarfile.open(archive, "r:*")
    except (tarfile.TarError, OSError) as e:
        raise ArchiveError(f"{archive}: not a readable tar archive ({e})") from None
    with tf:
        members = tf.getmembers()
        for m in members:
            parts = Path(m.name).parts
            if m.name.startswith(("/", "\\")) or Path(m.name).is_absolute() or ".." in parts or not parts:
                raise ArchiveError(f"{archive}: member {m.name!r} would be written outside {destination}; refusing "
                                   "to extract")
            if not (m.isreg() or m.isdir()):
                raise ArchiveError(f"{archive}: member {m.name!r} is a link or special file; refusing to extract")
        files = [m for m in members if m.isreg()]
        if files and all(Path(m.name).parts[0] == destination.name and len(Path(m.name).parts) > 1 for m in files):
            destination = destination.parent
        root = destination.resolve()
        written = []
        for m in files:
            target = (destination / m.name).resolve()
            if root not in target.parents:
                raise ArchiveError(f"{archive}: member {m.name!r} resolves outside {destination}; refusing")
            src = tf.extractfile(m)
            with atomic_path(target) as tmp, open(tmp, "wb") as out:
                while block := src.read(1 << 22):
                    out.write(block)
            written.append(target)
    write_text(_extract_marker(archive), json.dumps({"destination": str(root),
                                                     "files": [str(p.relative_to(root)) for p in written]}, indent=1))
    return written


def _already_extracted(archive: Path) -> bool:
    """True when ``<archive>.extracted`` lists files that are all present (the archive itself may be gone)."""
    import json

    marker = _extract_marker(archive)
    if not marker.is_file():
        return False
    try:
        info = json.loads(marker.read_text())
        root = Path(info["destination"])
        return all((root / f).is_file() for f in info["files"])
    except (ValueError, KeyError, TypeError):
        return False


def fetch_dataset(dataset: str = "toptagging", only_verify: bool = False, only=None,
                  remove_archives: bool = False) -> list[Path]:
    """Download and verify a dataset's files (all, or the names in ``only``) into its directory; returns their paths.

    Tar archives (JetClass) are unpacked safely beside them (:func:`extract_tar`); ``remove_archives`` deletes each
    archive once unpacked, and an archive whose unpacked files are all present is not downloaded again.
    ``only_verify`` checks the files already there (size, checksums) and downloads nothing.
    """
    if dataset not in DATASETS:
        raise ValueError(f"dataset: expected one of {sorted(DATASETS)}, got {dataset!r}")
    d = dataset_dir(dataset)
    files = DATASETS[dataset]["files"]
    if only is not None:
        only = [only] if isinstance(only, str) else list(only)
        names = [f.name for f in files]
        unknown = [n for n in only if n not in names]
        if unknown:
            raise ValueError(f"only: {unknown} are not files of {dataset!r}; its files are {names}")
        files = [f for f in files if f.name in only]
    out = []
    for rf in files:
        p = d / rf.name
        if rf.extract_to is not None and not p.is_file() and _already_extracted(p):
            out.append(p)  # unpacked earlier and the archive removed: nothing to download
            continue
        if only_verify:
            if not p.is_file():
                raise DownloadError(f"{p} is missing; {download_hint(dataset)}")
            verify(p, rf)
        else:
            p = fetch(rf, d)
            if rf.extract_to is not None:
                if not _already_extracted(p):
                    extract_tar(p, d / rf.extract_to if rf.extract_to else d)
                if remove_archives:
                    p.unlink()
        out.append(p)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m hepscaling.data.download", description=__doc__.split("\n")[0])
    ap.add_argument("dataset", choices=sorted(DATASETS))
    ap.add_argument("--verify", action="store_true", help="only verify files already in the data directory")
    ap.add_argument("--only", nargs="+", metavar="FILE", help="only these files of the dataset (names as listed)")
    ap.add_argument("--remove-archives", action="store_true", help="delete tar archives once unpacked (JetClass)")
    a = ap.parse_args(argv)
    try:
        for p in fetch_dataset(a.dataset, only_verify=a.verify, only=a.only, remove_archives=a.remove_archives):
            print(f"ok  {p}  sha256 {recorded_sha256(p)}")
    except (DownloadError, ChecksumError, ArchiveError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
