"""The JetClass ROOT format: loader and writer.

Dataset card.  JetClass (Qu, Li, Qian, "Particle Transformer for Jet Tagging", arXiv:2202.03772; Zenodo record
6619768, doi:10.5281/zenodo.6619768) holds 125 M simulated AK8 jets (MadGraph + Pythia 8 + Delphes with the CMS
card; 500 < pT < 1000 GeV, |eta| < 2) of ten classes, 100 M for training, 5 M for validation, 20 M for testing.
The record ships tar archives of ROOT files with 100k jets each, named by process::

    ZJetsToNuNu_* -> QCD    HToBB_* -> Hbb     HToCC_* -> Hcc    HToGG_* -> Hgg     HToWW4Q_* -> H4q
    HToWW2Q1L_* -> Hqql     ZToQQ_* -> Zqq     WToQQ_* -> Wqq    TTBar_* -> Tbqq    TTBarLep_* -> Tbl

Each file has one TTree ``tree``, one entry per jet, with the branches

* ``part_*`` (jagged, one value per constituent): px, py, pz, energy, deta, dphi, d0val, d0err, dzval, dzerr,
  charge (``std::vector<float>``) and isChargedHadron, isNeutralHadron, isPhoton, isElectron, isMuon
  (``std::vector<int32_t>``);
* ``label_*`` (one-hot, one per class, mixed types as in the public files): label_QCD ``float``; label_Hbb,
  label_Hcc, label_Hgg, label_H4q, label_Hqql ``bool``; label_Zqq, label_Wqq, label_Tbqq, label_Tbl ``int32_t``;
* ``jet_*`` (``float``): pt, eta, phi, energy, nparticles, sdmass, tau1, tau2, tau3, tau4;
* ``aux_*`` (generator truth; not read here).

The public files store ``part_*`` as ``std::vector`` branches; uproot cannot write those, so the files we write
(:func:`write`, via ``uproot``'s ``mktree``) store them as ``float[]`` / ``int32_t[]`` branches with one shared
counter branch ``npart``.  The loader reads branches by name and accepts both flavours: uproot turns either into the
same jagged array (tested on both: a small file written by ROOT itself with genuine ``std::vector`` branches,
``tests/data/files/jetclass_std_vector.root``, and files in uproot's counter layout).  Bad input stops with one :class:`DataFormatError` naming the file, the branch and the jet
(entry).
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from ..atomic import atomic_path, write_text
from ..provenance import register_input
from .jetsample import JetSample
from .toptagging import DataFormatError, read_sidecar

__all__ = ["load", "write", "one_hot_labels", "class_of_file", "n_jets_in", "read_sidecar", "DataFormatError",
           "TREE", "PARTICLE_BRANCHES", "PARTICLE_DTYPES", "LABEL_NAMES", "LABEL_BRANCHES", "LABEL_DTYPES",
           "JET_BRANCHES", "FILE_CLASSES"]

TREE = "tree"
P4_BRANCHES = ("part_energy", "part_px", "part_py", "part_pz")  # in the order of JetSample.constituents
PARTICLE_BRANCHES = ("part_px", "part_py", "part_pz", "part_energy", "part_deta", "part_dphi", "part_d0val",
                     "part_d0err", "part_dzval", "part_dzerr", "part_charge", "part_isChargedHadron",
                     "part_isNeutralHadron", "part_isPhoton", "part_isElectron", "part_isMuon")
PARTICLE_DTYPES = {b: (np.int32 if b.startswith("part_is") else np.float32) for b in PARTICLE_BRANCHES}
LABEL_NAMES = ("QCD", "Hbb", "Hcc", "Hgg", "H4q", "Hqql", "Zqq", "Wqq", "Tbqq", "Tbl")
LABEL_BRANCHES = tuple(f"label_{n}" for n in LABEL_NAMES)
LABEL_DTYPES = {"label_QCD": np.float32, **{f"label_{n}": np.bool_ for n in ("Hbb", "Hcc", "Hgg", "H4q", "Hqql")},
                **{f"label_{n}": np.int32 for n in ("Zqq", "Wqq", "Tbqq", "Tbl")}}
JET_BRANCHES = ("jet_pt", "jet_eta", "jet_phi", "jet_energy", "jet_nparticles", "jet_sdmass", "jet_tau1",
                "jet_tau2", "jet_tau3", "jet_tau4")
FILE_CLASSES = {"ZJetsToNuNu": "QCD", "HToBB": "Hbb", "HToCC": "Hcc", "HToGG": "Hgg", "HToWW4Q": "H4q",
                "HToWW2Q1L": "Hqql", "ZToQQ": "Zqq", "WToQQ": "Wqq", "TTBar": "Tbqq", "TTBarLep": "Tbl"}
DEFAULT_CHUNK = 50_000  # entries per read


def class_of_file(path) -> str | None:
    """The class a JetClass file holds by its name (``TTBar_12.root`` -> ``"Tbqq"``), or None for another name."""
    m = re.fullmatch(r"([A-Za-z0-9]+?)_[^/]*\.root", Path(path).name)
    return FILE_CLASSES.get(m.group(1)) if m else None


# ------------------------------------------------------------------------------------------------------------ reading
class _Tree:
    """What the loader needs from a TTree: its entries, each branch's type, and arrays by branch name.

    Reading goes through this small interface only, so that both branch flavours — ``std::vector<T>`` (the public
    files) and ``T[]`` with a counter (what uproot writes) — take the same path; the tests also substitute an in-memory
    tree with ``std::vector`` type names here (to control the chunked reads), besides reading a ROOT-written
    ``std::vector`` fixture file.
    """

    def __init__(self, path: Path, file, ttree):
        self.path, self._file, self._tree = path, file, ttree
        self.num_entries = int(ttree.num_entries)

    def branches(self) -> dict[str, tuple[str, bool]]:
        """branch name -> (type name, jagged?)"""
        import uproot

        out = {}
        for name, b in self._tree.iteritems(recursive=True):
            try:
                interp = b.interpretation
            except Exception:  # uninterpretable branch: report it as such
                interp = None
            out[name] = (str(b.typename), isinstance(interp, uproot.AsJagged))
        return out

    def arrays(self, names: list[str], start: int, stop: int) -> dict:
        return self._tree.arrays(names, entry_start=start, entry_stop=stop, library="ak", how=dict)

    def close(self) -> None:
        self._file.close()


def _open_tree(path: Path) -> _Tree:
    import uproot

    try:
        f = uproot.open(path)
    except Exception as e:
        raise DataFormatError(f"{path}: cannot be opened as a ROOT file ({type(e).__name__}: {e}); the file is "
                              "truncated, corrupt or not ROOT — delete it and download/generate it again") from None
    try:
        keys = [k.split(";")[0] for k in f.keys(recursive=False)]
        if TREE not in keys:
            raise DataFormatError(f"{path}: no TTree {TREE!r} in the file (found {keys}); JetClass files store "
                                  f"their jets in the TTree {TREE!r}")
        try:
            t = f[TREE]
        except Exception as e:
            raise DataFormatError(f"{path}: the TTree {TREE!r} cannot be read ({type(e).__name__}: {e}); the file "
                                  "is truncated or corrupt") from None
        if not isinstance(t, uproot.TTree):
            raise DataFormatError(f"{path}: {TREE!r} is a {type(t).__name__}, not a TTree")
        return _Tree(path, f, t)
    except BaseException:
        f.close()
        raise


def _check_branches(path: Path, tree) -> None:
    have = tree.branches()
    for names, jagged, what in ((PARTICLE_BRANCHES, True, "jagged (one value per constituent)"),
                                (LABEL_BRANCHES + JET_BRANCHES, False, "one number per jet")):
        missing = [b for b in names if b not in have]
        if missing:
            raise DataFormatError(f"{path}: missing branch(es) {missing} in TTree {TREE!r}; a JetClass file has "
                                  f"part_* {list(PARTICLE_BRANCHES)}, label_* {list(LABEL_BRANCHES)} and jet_* "
                                  f"{list(JET_BRANCHES)}")
        for b in names:
            typename, is_jagged = have[b]
            if is_jagged != jagged:
                raise DataFormatError(f"{path}: branch {b} has type {typename}; expected {what} (std::vector<T> or "
                                      "T[] for part_*, a scalar for label_* and jet_*)")


def _numpy(path: Path, branch: str, arr, start: int) -> np.ndarray:
    import awkward as ak

    try:
        a = ak.to_numpy(arr)
    except Exception as e:
        raise DataFormatError(f"{path}: branch {branch} (entries from {start}) is not one number per jet "
                              f"({type(e).__name__}: {e})") from None
    if a.dtype.kind not in "fiub":
        raise DataFormatError(f"{path}: branch {branch} has dtype {a.dtype}, expected numbers")
    return a


def _labels(path: Path, arrays: dict, start: int) -> np.ndarray:
    """Class index (into LABEL_NAMES) of each jet, from the one-hot label_* branches."""
    onehot = np.stack([_numpy(path, b, arrays[b], start).astype(np.float64) for b in LABEL_BRANCHES], axis=1)
    bad = ~np.isin(onehot, (0.0, 1.0))
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise DataFormatError(f"{path}: branch {LABEL_BRANCHES[c]} of jet (entry) {start + r} is {onehot[r, c]!r}; "
                              "labels must be 0 or 1")
    total = onehot.sum(axis=1)
    if (total != 1).any():
        r = int(np.flatnonzero(total != 1)[0])
        on = [LABEL_BRANCHES[c] for c in np.flatnonzero(onehot[r])]
        raise DataFormatError(f"{path}: jet (entry) {start + r} has {int(total[r])} labels set ({on}); exactly one "
                              f"of {list(LABEL_BRANCHES)} must be 1 (one-hot)")
    return onehot.argmax(axis=1)


def _check_particles(path: Path, arrays: dict, rows: np.ndarray) -> np.ndarray:
    """Check the part_* branches of the selected jets (``rows`` are file entries); returns the constituent counts."""
    import awkward as ak

    counts = None
    for b in PARTICLE_BRANCHES:
        arr = arrays[b]
        try:
            n = ak.to_numpy(ak.num(arr, axis=1)).astype(np.int64)
        except Exception as e:
            raise DataFormatError(f"{path}: branch {b} is not one list of values per jet ({type(e).__name__}: {e})") \
                from None
        if counts is None:
            counts = n
        elif (n != counts).any():
            r = int(np.flatnonzero(n != counts)[0])
            raise DataFormatError(f"{path}: jet (entry) {rows[r]} has {n[r]} values in branch {b} but {counts[r]} in "
                                  f"{PARTICLE_BRANCHES[0]}; every part_* branch needs one value per constituent")
        flat = ak.to_numpy(ak.flatten(arr, axis=1))
        if flat.dtype.kind == "f" and not np.isfinite(flat).all():
            k = int(np.flatnonzero(~np.isfinite(flat))[0])
            jet = int(np.searchsorted(np.cumsum(counts), k, side="right"))
            const = k - (int(np.cumsum(counts)[jet - 1]) if jet else 0)
            raise DataFormatError(f"{path}: non-finite value {flat[k]} in branch {b} of jet (entry) {rows[jet]}, "
                                  f"constituent {const}; values must be finite")
    empty = counts == 0
    if empty.any():
        r = int(np.flatnonzero(empty)[0])
        raise DataFormatError(f"{path}: jet (entry) {rows[r]} has no constituents (empty part_* lists); every jet "
                              "needs at least one")
    return counts


def _paths(paths) -> list[Path]:
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    out = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found = sorted(p.glob("*.root"))
            if not found:
                raise FileNotFoundError(f"{p}: a directory without .root files (expected JetClass ROOT files)")
            out += found
        elif not p.is_file():
            raise FileNotFoundError(f"{p}: no such file (expected a JetClass ROOT file with a TTree {TREE!r})")
        else:
            out.append(p)
    if not out:
        raise ValueError("paths: expected at least one JetClass ROOT file")
    return out


def _classes(classes) -> tuple[str, ...]:
    if classes is None:
        return LABEL_NAMES
    if isinstance(classes, str):
        classes = [classes]
    names = [c[len("label_"):] if isinstance(c, str) and c.startswith("label_") else c for c in classes]
    unknown = [c for c in names if c not in LABEL_NAMES]
    if unknown or not names:
        raise ValueError(f"classes: expected names among {list(LABEL_NAMES)} (or label_*), got {list(classes)!r}")
    return tuple(n for n in LABEL_NAMES if n in names)


def n_jets_in(path) -> int:
    """Number of jets (entries) in a JetClass file, without reading them."""
    path = _paths([path])[0]
    tree = _open_tree(path)
    try:
        return tree.num_entries
    finally:
        tree.close()


def load(paths, n_jets: int | None = None, classes: Iterable[str] | None = None, chunk_size: int = DEFAULT_CHUNK,
         max_constituents: int | None = None) -> JetSample:
    """Read jets from JetClass ROOT files: the first ``n_jets`` (all with None) of the classes ``classes``.

    ``paths``: a file, a directory (its ``*.root`` files, sorted) or a list of either; read in that order,
    ``chunk_size`` entries at a time.  ``classes``: class names from :data:`LABEL_NAMES` (``"QCD"``, ``"Tbqq"``,
    ...; ``label_*`` also accepted) — only jets of these classes are kept.  ``max_constituents``: pad (or truncate,
    keeping the first ones in file order) every jet to this many constituents; None pads to the longest jet read.

    Returns a :class:`JetSample`: ``constituents`` float64 ``(N, M, 4)`` as (E, px, py, pz) from part_energy,
    part_px, part_py, part_pz in file order; ``mask``; ``jets`` with the :data:`JET_BRANCHES` columns (float32 as
    stored); ``fields`` the other ``part_*`` branches ``(N, M)`` under their branch names (float32 / int32 as
    stored, zero-padded); ``labels`` int64 indexing ``label_names`` — the selected classes in the order of
    :data:`LABEL_NAMES`.  A file named by class (``TTBar_*``, ...) must hold only jets of that class.
    Registers every file read with :func:`hepscaling.provenance.register_input`.
    """
    if n_jets is not None and (not isinstance(n_jets, (int, np.integer)) or isinstance(n_jets, bool) or n_jets < 0):
        raise ValueError(f"n_jets: expected a non-negative integer or None, got {n_jets!r}")
    if not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1:
        raise ValueError(f"chunk_size: expected a positive integer, got {chunk_size!r}")
    if max_constituents is not None and (not isinstance(max_constituents, (int, np.integer)) or max_constituents < 1):
        raise ValueError(f"max_constituents: expected a positive integer or None, got {max_constituents!r}")
    files = _paths(paths)
    names = _classes(classes)
    keep_index = np.array([LABEL_NAMES.index(n) for n in names])
    remap = np.full(len(LABEL_NAMES), -1, dtype=np.int64)
    remap[keep_index] = np.arange(len(names))
    wanted = np.inf if n_jets is None else n_jets
    parts, jets, labels, read = [], [], [], []
    have = 0
    for path in files:
        if have >= wanted:
            break
        tree = _open_tree(path)
        try:
            _check_branches(path, tree)
            expect = class_of_file(path)
            for a in range(0, tree.num_entries, chunk_size):
                if have >= wanted:
                    break
                b = min(a + chunk_size, tree.num_entries)
                lab = _labels(path, _read(path, tree, list(LABEL_BRANCHES), a, b), a)
                if expect is not None and (lab != LABEL_NAMES.index(expect)).any():
                    r = int(np.flatnonzero(lab != LABEL_NAMES.index(expect))[0])
                    raise DataFormatError(f"{path}: jet (entry) {a + r} is labelled {LABEL_NAMES[lab[r]]}, but a file "
                                          f"named {path.name.split('_')[0]}_* holds {expect} jets only")
                sel = np.flatnonzero(remap[lab] >= 0)
                if np.isfinite(wanted):
                    sel = sel[:int(wanted - have)]
                if not len(sel):
                    continue
                stop = a + int(sel[-1]) + 1  # read no further than the last jet kept
                arrays = _read(path, tree, list(PARTICLE_BRANCHES + JET_BRANCHES), a, stop)
                arrays = {k: v[sel] for k, v in arrays.items()}
                _check_particles(path, arrays, a + sel)
                jet_cols = {}
                for jb in JET_BRANCHES:
                    v = _numpy(path, jb, arrays[jb], a)
                    if v.dtype.kind == "f" and not np.isfinite(v).all():
                        r = int(np.flatnonzero(~np.isfinite(v))[0])
                        raise DataFormatError(f"{path}: non-finite value {v[r]} in branch {jb} of jet (entry) "
                                              f"{a + sel[r]}; values must be finite")
                    jet_cols[jb] = v
                parts.append({k: arrays[k] for k in PARTICLE_BRANCHES})
                jets.append(pd.DataFrame(jet_cols))
                labels.append(remap[lab[sel]])
                have += len(sel)
            read.append(path)
        finally:
            tree.close()
    if n_jets is not None and have < n_jets:
        raise ValueError(f"asked for n_jets={n_jets} but {[str(p) for p in files]} hold only {have} jets of the "
                         f"classes {list(names)}")
    for p in read:
        register_input(p)
    return _assemble(parts, jets, labels, names, max_constituents, read)


def _read(path: Path, tree, names: list[str], a: int, b: int) -> dict:
    try:
        return tree.arrays(names, a, b)
    except DataFormatError:
        raise
    except Exception as e:
        raise DataFormatError(f"{path}: reading branches {names[0]}..{names[-1]} of jets (entries) {a}..{b - 1} "
                              f"failed ({type(e).__name__}: {e}); the file is truncated or corrupt") from None


def _assemble(parts, jets, labels, names, max_constituents, read) -> JetSample:
    import awkward as ak

    counts = np.concatenate([ak.to_numpy(ak.num(p[PARTICLE_BRANCHES[0]], axis=1)) for p in parts]).astype(np.int64) \
        if parts else np.zeros(0, np.int64)
    m = int(max_constituents) if max_constituents is not None else max(int(counts.max(initial=0)), 1)
    n = len(counts)
    # the stored values fill each row of the (n, m) arrays from the left, in file order; values past m are dropped
    slot = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    keep = slot < m
    mask = np.arange(m)[None, :] < np.minimum(counts, m)[:, None]

    def padded(b):  # (n, m) zero-padded, in the dtype the file stores
        flat = np.concatenate([ak.to_numpy(ak.flatten(p[b], axis=1)) for p in parts]) if parts else \
            np.zeros(0, PARTICLE_DTYPES[b])
        out = np.zeros((n, m), flat.dtype)
        out[mask] = flat[keep]  # row-major order of mask == jet-major, constituent order of the flat values
        return out

    const = np.stack([padded(b).astype(np.float64) for b in P4_BRANCHES], axis=-1)
    fields = {b: padded(b) for b in PARTICLE_BRANCHES if b not in P4_BRANCHES}
    jet_df = pd.concat(jets, ignore_index=True) if jets else pd.DataFrame({b: np.zeros(0, np.float32)
                                                                           for b in JET_BRANCHES})
    lab = np.concatenate(labels).astype(np.int64) if labels else np.zeros(0, np.int64)
    return JetSample(constituents=const, mask=mask, jets=jet_df, fields=fields, labels=lab, label_names=names,
                     files=tuple(str(p) for p in read), dataset="jetclass")


# ------------------------------------------------------------------------------------------------------------ writing
def one_hot_labels(classes) -> dict[str, np.ndarray]:
    """The ten ``label_*`` branches, with the public files' dtypes, for jets of the given classes (one name each)."""
    cls = np.asarray([c[len("label_"):] if str(c).startswith("label_") else c for c in classes], dtype=object)
    unknown = sorted({str(c) for c in cls if c not in LABEL_NAMES})
    if unknown:
        raise ValueError(f"classes: unknown class name(s) {unknown}; expected names among {list(LABEL_NAMES)}")
    return {b: (cls == n).astype(LABEL_DTYPES[b]) for n, b in zip(LABEL_NAMES, LABEL_BRANCHES)}


def _named(d: Mapping, branches: tuple[str, ...], prefix: str, what: str, path: Path) -> dict:
    if not isinstance(d, Mapping):
        raise TypeError(f"write {path}: {what} must be a dict of branch name -> values, got {type(d).__name__}")
    out = {}
    for k, v in d.items():
        name = k if k.startswith(prefix) else prefix + k
        if name not in branches:
            raise ValueError(f"write {path}: unknown {what} branch {k!r}; expected {list(branches)}")
        out[name] = v
    missing = [b for b in branches if b not in out]
    if missing:
        raise ValueError(f"write {path}: missing {what} branch(es) {missing}")
    return out


def write(path, particles: Mapping, jets: Mapping, labels: Mapping, sidecar: dict | None = None,
          basket_entries: int = 10_000) -> Path:
    """Write jets as a JetClass ROOT file (TTree ``tree``), atomically.

    ``particles``: the 16 :data:`PARTICLE_BRANCHES` (``part_`` prefix optional), each an awkward jagged array or a
    list of 1-d arrays (one per jet), all with the same number of values per jet; ``jets``: the 10
    :data:`JET_BRANCHES` (``jet_`` prefix optional), ``(N,)`` each; ``labels``: the 10 :data:`LABEL_BRANCHES`
    (``label_`` prefix optional, see :func:`one_hot_labels`), one-hot.  Written with the public files' dtypes;
    ``part_*`` become ``T[]`` branches with the counter ``npart`` (uproot cannot write ``std::vector``).
    ``basket_entries`` jets go in each basket.  ``sidecar`` (a dict) goes to ``<path>.json``.  Written to a temporary
    file in the same directory and renamed, so no half-written file is left.
    """
    import awkward as ak
    import uproot

    path = Path(path)
    parts = _named(particles, PARTICLE_BRANCHES, "part_", "particle", path)
    jet = _named(jets, JET_BRANCHES, "jet_", "jet", path)
    lab = _named(labels, LABEL_BRANCHES, "label_", "label", path)
    cols = {}
    counts = None
    for b in PARTICLE_BRANCHES:
        v = parts[b]
        try:
            if isinstance(v, ak.Array):
                arr = ak.values_astype(v, PARTICLE_DTYPES[b])
            else:  # a list of 1-d arrays, one per jet
                rows = [np.asarray(x) for x in v]
                if any(r.ndim != 1 for r in rows):
                    raise ValueError("every jet's values must be a 1-d array")
                flat = np.concatenate(rows) if rows else np.zeros(0)
                arr = ak.unflatten(flat.astype(PARTICLE_DTYPES[b]), np.array([len(r) for r in rows], np.int64))
            n = ak.to_numpy(ak.num(arr, axis=1))
        except Exception as e:
            raise ValueError(f"write {path}: particle branch {b} must be a jagged array (one list per jet): "
                             f"{type(e).__name__}: {e}") from None
        if counts is None:
            counts = n
        elif len(n) != len(counts) or (n != counts).any():
            bad = int(np.flatnonzero(n != counts)[0]) if len(n) == len(counts) else None
            raise ValueError(f"write {path}: particle branch {b} " + (f"has {len(n)} jets, {PARTICLE_BRANCHES[0]} "
                             f"{len(counts)}" if bad is None else f"has {n[bad]} values for jet {bad}, "
                             f"{PARTICLE_BRANCHES[0]} {counts[bad]}"))
        if PARTICLE_DTYPES[b] is np.float32 and not np.isfinite(ak.to_numpy(ak.flatten(arr, axis=1))).all():
            raise ValueError(f"write {path}: particle branch {b} holds non-finite values")
        cols[b[len("part_"):]] = arr
    n_jets = len(counts)
    scalars = {}
    for b, v in list(jet.items()) + list(lab.items()):
        a = np.asarray(v)
        if a.shape != (n_jets,):
            raise ValueError(f"write {path}: branch {b} must have shape ({n_jets},), got {a.shape}")
        scalars[b] = a.astype(LABEL_DTYPES.get(b, np.float32))
    for b in JET_BRANCHES:
        if not np.isfinite(scalars[b]).all():
            raise ValueError(f"write {path}: jet branch {b} holds non-finite values")
    onehot = np.stack([np.asarray(lab[b], dtype=np.float64) for b in LABEL_BRANCHES], axis=1)
    bad = (onehot.sum(axis=1) != 1) | ~np.isin(onehot, (0.0, 1.0)).all(axis=1)
    if bad.any():
        r = int(np.flatnonzero(bad)[0])
        raise ValueError(f"write {path}: the label_* branches of jet {r} are not one-hot")
    part = ak.zip(cols)
    with atomic_path(path, suffix=".root") as tmp:
        with uproot.recreate(tmp) as f:
            types = {"part": part.type, **{b: scalars[b].dtype for b in JET_BRANCHES + LABEL_BRANCHES}}
            tree = f.mktree(TREE, types, title="JetClass-format jets")
            step = max(1, int(basket_entries))
            for a in range(0, n_jets, step):
                chunk = {"part": part[a:a + step], **{b: scalars[b][a:a + step] for b in scalars}}
                tree.extend(chunk)
        if sidecar is not None:
            write_text(path.with_suffix(".json"), json.dumps(sidecar, indent=2, sort_keys=True, default=str))
    return path
