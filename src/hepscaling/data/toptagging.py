"""The Top Tagging Landscape format: loader and writer.

The public dataset (Kasieczka, Plehn et al., "The Machine Learning Landscape of Top Taggers", SciPost Phys. 7 (2019)
014, arXiv:1902.09914; Zenodo record 2603256, files ``train.h5`` / ``val.h5`` / ``test.h5`` with 1.2M / 400k / 400k
jets) is a pandas HDF5 file in the PyTables "table" format under the key ``table``, one row per jet and 806 columns::

    E_0, PX_0, PY_0, PZ_0, E_1, ..., PZ_199,   truthE, truthPX, truthPY, truthPZ,   ttv,   is_signal_new

with up to 200 constituents per jet, pT-ordered and zero-padded, ``is_signal_new`` = 1 for top jets and 0 for QCD
jets, ``truth*`` the top quark's four-momentum (zero for QCD) and ``ttv`` a train/test/validation flag (the loader does
not use it; the files we write set 0 = train, 1 = test, 2 = val).  The public jets went through Delphes (ATLAS card);
our local substitute (:mod:`hepscaling.data.pythia`) is written in exactly this format so that one loader reads both.

Bad input stops with one :class:`DataFormatError` (a ``ValueError``) naming the file and the column or jet index.
"""
from __future__ import annotations

import json
import os
import tempfile
import warnings
from pathlib import Path

import numpy as np

from ..provenance import register_input

__all__ = ["load", "read_labels", "write", "n_jets_in", "read_sidecar", "COLUMNS", "P4_COLUMNS", "DataFormatError", "N_CONST",
           "TTV"]

N_CONST = 200
KEY = "table"
P4_COLUMNS = [f"{c}_{i}" for i in range(N_CONST) for c in ("E", "PX", "PY", "PZ")]
TRUTH_COLUMNS = ["truthE", "truthPX", "truthPY", "truthPZ"]
COLUMNS = P4_COLUMNS + TRUTH_COLUMNS + ["ttv", "is_signal_new"]
TTV = {"train": 0, "test": 1, "val": 2}
DEFAULT_CHUNK = 50_000


class DataFormatError(ValueError):
    """A data file is not in the expected Top Tagging format (the message names the file and column or jet)."""


# ------------------------------------------------------------------------------------------------------------ reading
def _open(path: Path):
    import pandas as pd

    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file (expected a Top Tagging HDF5 file with key {KEY!r})")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pytables' warnings about foreign/old files; errors are reported below
            store = pd.HDFStore(path, mode="r")
    except Exception as e:  # tables raises HDF5ExtError / OSError / ValueError for truncated or foreign files
        raise DataFormatError(f"{path}: cannot be opened as an HDF5 file ({type(e).__name__}: {e}); the file is "
                              "truncated, corrupt or not HDF5 — delete it and download/generate it again") from None
    return store


def _storer_info(path: Path, store, key: str) -> tuple[int, list[str]]:
    keys = [k.lstrip("/") for k in store.keys()]
    if key.lstrip("/") not in keys:
        raise DataFormatError(f"{path}: no key {key!r} in the file (found keys {keys}); the Top Tagging files store "
                              f"their jets under the key {KEY!r}")
    try:
        storer = store.get_storer(key)
        nrows = int(storer.nrows)
        head = store.select(key, start=0, stop=1)
    except Exception as e:
        raise DataFormatError(f"{path}: key {key!r} cannot be read ({type(e).__name__}: {e}); the file is truncated "
                              "or corrupt") from None
    return nrows, [str(c) for c in head.columns]


def _check_columns(path: Path, columns: list[str]) -> None:
    have = set(columns)
    missing = [c for c in P4_COLUMNS + ["is_signal_new"] if c not in have]
    if missing:
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise DataFormatError(f"{path}: missing column(s) {missing[:5]}{more}; expected columns E_i, PX_i, PY_i, PZ_i "
                              f"for i < {N_CONST} and is_signal_new")


def _validate_chunk(path: Path, p4flat: np.ndarray, labels: np.ndarray, rows: np.ndarray) -> None:
    """Check a chunk: finite momenta, at least one constituent per jet, labels 0/1.  ``rows`` are file row indices."""
    finite = np.isfinite(p4flat)
    if not finite.all():
        r, c = np.argwhere(~finite)[0]
        raise DataFormatError(f"{path}: non-finite value {p4flat[r, c]} in column {P4_COLUMNS[c]} of jet (row) "
                              f"{int(rows[r])}; momenta must be finite")
    empty = ~(p4flat != 0).any(axis=1)
    if empty.any():
        r = int(np.flatnonzero(empty)[0])
        raise DataFormatError(f"{path}: jet (row) {int(rows[r])} has no constituents (all E_i, PX_i, PY_i, PZ_i are "
                              "zero); every jet needs at least one")
    bad = ~np.isin(labels, (0, 1))
    if bad.any():
        r = int(np.flatnonzero(bad)[0])
        raise DataFormatError(f"{path}: column is_signal_new of jet (row) {int(rows[r])} is {labels[r]!r}; "
                              "expected 0 (QCD) or 1 (top)")


def n_jets_in(path, key: str = KEY) -> int:
    """Number of jets (rows) in a Top Tagging file, without reading them."""
    path = Path(path)
    store = _open(path)
    try:
        return _storer_info(path, store, key)[0]
    finally:
        store.close()


def read_labels(path, key: str = KEY, chunk_size: int = 200_000) -> np.ndarray:
    """Only the ``is_signal_new`` column (cheap), as int64; registers the file."""
    path = Path(path)
    store = _open(path)
    try:
        nrows, columns = _storer_info(path, store, key)
        _check_columns(path, columns)
        try:
            lab = np.concatenate([np.zeros(0, np.int64)] + [
                store.select(key, columns=["is_signal_new"], start=a, stop=min(a + chunk_size, nrows))
                ["is_signal_new"].to_numpy() for a in range(0, nrows, chunk_size)])
        except Exception as e:
            raise DataFormatError(f"{path}: column is_signal_new cannot be read ({type(e).__name__}: {e})") from None
    finally:
        store.close()
    bad = ~np.isin(lab, (0, 1))
    if bad.any():
        r = int(np.flatnonzero(bad)[0])
        raise DataFormatError(f"{path}: column is_signal_new of jet (row) {r} is {lab[r]!r}; expected 0 or 1")
    register_input(path)
    return lab.astype(np.int64)


def load(path, n_jets: int | None = None, seed: int | None = None, key: str = KEY, chunk_size: int = DEFAULT_CHUNK,
         with_truth: bool = False, rows=None):
    """Read jets from a Top Tagging HDF5 file.

    Returns ``(p4, labels)``: ``p4`` float32 ``(N, 200, 4)`` as (E, px, py, pz), pT-ordered, zero-padded, and
    ``labels`` int64 ``(N,)`` with 1 = top.  ``n_jets=None`` reads every jet; with ``n_jets`` and no ``seed`` the
    first ``n_jets`` rows; with a ``seed`` a random subset of ``n_jets`` rows drawn by ``np.random.default_rng(seed)``
    (in the drawn, i.e. random, order).  Large files are read in chunks of ``chunk_size`` rows.
    ``with_truth=True`` also returns the ``(N, 4)`` truth four-momenta (zeros when the file has none).
    ``rows`` (instead of ``n_jets``/``seed``) reads exactly those row indices, in that order.
    Registers the file with :func:`hepscaling.provenance.register_input`.
    """
    path = Path(path)
    if n_jets is not None and (not isinstance(n_jets, (int, np.integer)) or n_jets < 0):
        raise ValueError(f"n_jets: expected a non-negative integer or None, got {n_jets!r}")
    store = _open(path)
    try:
        nrows, columns = _storer_info(path, store, key)
        _check_columns(path, columns)
        if rows is not None:
            order = np.asarray(rows, dtype=np.int64)
            if order.ndim != 1 or (len(order) and (order.min() < 0 or order.max() >= nrows)):
                raise ValueError(f"{path}: rows must be indices in [0, {nrows}), got {rows!r}")
            n_jets = len(order)
            coords = np.unique(order)
            if len(coords) != n_jets:
                raise ValueError(f"{path}: rows must not repeat")
            seed = -1  # read by coordinates
        elif n_jets is None:
            n_jets = nrows
        if n_jets > nrows:
            raise ValueError(f"{path}: asked for n_jets={n_jets} but the file holds only {nrows} jets")
        if rows is not None:
            pass
        elif seed is None:
            order = None
            coords = np.arange(n_jets)
        else:
            order = np.random.default_rng(seed).choice(nrows, size=n_jets, replace=False)
            coords = np.sort(order)
        p4 = np.zeros((n_jets, N_CONST, 4), dtype=np.float32)
        labels = np.zeros(n_jets, dtype=np.int64)
        truth = np.zeros((n_jets, 4), dtype=np.float32)
        has_truth = all(c in columns for c in TRUTH_COLUMNS)
        for a in range(0, n_jets, chunk_size):
            rows = coords[a:a + chunk_size]
            try:
                if seed is None:
                    df = store.select(key, start=int(rows[0]), stop=int(rows[-1]) + 1)
                else:
                    try:
                        df = store.select(key, where=rows)
                    except (TypeError, ValueError, NotImplementedError):  # a "fixed"-format file: read the span
                        df = store.select(key, start=int(rows[0]), stop=int(rows[-1]) + 1).iloc[rows - rows[0]]
            except DataFormatError:
                raise
            except Exception as e:
                raise DataFormatError(f"{path}: reading jets (rows) {int(rows[0])}..{int(rows[-1])} failed "
                                      f"({type(e).__name__}: {e}); the file is truncated or corrupt") from None
            if len(df) != len(rows):
                raise DataFormatError(f"{path}: expected {len(rows)} jets in rows {int(rows[0])}..{int(rows[-1])}, "
                                      f"read {len(df)}; the file is truncated or corrupt")
            try:
                flat = df[P4_COLUMNS].to_numpy(dtype=np.float64)
            except (TypeError, ValueError) as e:
                raise DataFormatError(f"{path}: momentum columns are not numeric ({e})") from None
            lab = df["is_signal_new"].to_numpy()
            _validate_chunk(path, flat, lab, rows)
            p4[a:a + len(rows)] = flat.reshape(len(rows), N_CONST, 4)
            labels[a:a + len(rows)] = lab.astype(np.int64)
            if has_truth:
                truth[a:a + len(rows)] = df[TRUTH_COLUMNS].to_numpy(dtype=np.float64)
    finally:
        store.close()
    if order is not None:  # back to the drawn (random) order
        pos = np.searchsorted(coords, order)
        p4, labels, truth = p4[pos], labels[pos], truth[pos]
    register_input(path)
    if with_truth:
        return p4, labels, truth
    return p4, labels


def read_sidecar(path) -> dict | None:
    """The JSON sidecar (generator settings, seeds, versions) written next to a local file, or None."""
    side = Path(path).with_suffix(".json")
    if not side.is_file():
        return None
    return json.loads(side.read_text())


# ------------------------------------------------------------------------------------------------------------ writing
def write(path, p4, labels, truth=None, ttv: int = 0, sidecar: dict | None = None, complevel: int = 5) -> Path:
    """Write jets in the public Top Tagging format (pandas "table", key ``table``, 806 columns), atomically.

    ``p4`` ``(N, M<=200, 4)`` (E, px, py, pz) pT-ordered; ``labels`` ``(N,)`` 0/1; ``truth`` ``(N, 4)`` or None
    (zeros); ``ttv`` the flag written into every row.  ``sidecar`` (a dict) goes to ``<path>.json`` beside it.
    The file is written to a temporary name in the same directory and renamed, so no half-written file is left.
    """
    import pandas as pd

    path = Path(path)
    p4 = np.asarray(p4, dtype=np.float32)
    labels = np.asarray(labels)
    if p4.ndim != 3 or p4.shape[2] != 4 or p4.shape[1] > N_CONST:
        raise ValueError(f"write {path}: p4 must have shape (N, M<={N_CONST}, 4), got {p4.shape}")
    n = len(p4)
    if labels.shape != (n,):
        raise ValueError(f"write {path}: labels must have shape ({n},), got {labels.shape}")
    if p4.shape[1] < N_CONST:
        p4 = np.concatenate([p4, np.zeros((n, N_CONST - p4.shape[1], 4), np.float32)], axis=1)
    truth = np.zeros((n, 4), np.float32) if truth is None else np.asarray(truth, dtype=np.float32)
    data = np.concatenate([p4.reshape(n, -1), truth], axis=1)
    df = pd.DataFrame(data, columns=P4_COLUMNS + TRUTH_COLUMNS)
    df["ttv"] = np.full(n, ttv, dtype=np.int64)
    df["is_signal_new"] = labels.astype(np.int64)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".h5")
    os.close(fd)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # PerformanceWarning about many columns
            df.to_hdf(tmp, key=KEY, mode="w", format="table", complevel=complevel,
                      complib="blosc:lz4" if complevel else None)
        if sidecar is not None:
            side_tmp = tmp + ".json"
            Path(side_tmp).write_text(json.dumps(sidecar, indent=2, sort_keys=True, default=str))
            os.chmod(side_tmp, 0o644)
            os.replace(side_tmp, path.with_suffix(".json"))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        for t in (tmp, tmp + ".json"):
            try:
                os.unlink(t)
            except OSError:
                pass
        raise
    return path
