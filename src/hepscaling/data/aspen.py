"""The AspenOpenJets (AOJ) HDF5 format: loader and writer.

Dataset card.  AspenOpenJets (Amram et al., arXiv:2412.10504; record doi:10.25592/uhhfdm.16505 at
https://www.fdr.uni-hamburg.de/record/16505, CC-BY 4.0) holds ~178 M AK8 jets with pT > ~250 GeV from the CMS 2016
JetHT Open Data (runs G and H), in 80 HDF5 files ``RunG_batch{0..39}.h5`` and ``RunH_batch{0..39}.h5`` of ~2.4 GB
each.  Every file holds four datasets with one row per jet (chunked and gzip-compressed; read here in chunks of rows,
never whole):

==================  ==================  ===================================================================
``PFCands``         (N, 150, 11) f4     px, py, pz, E, d0, d0Err, dz, dzErr, charge, pdgId, puppiWeight per
                                        PF candidate; zero-padded at the end
``jet_kinematics``  (N, 4) f4           pt, eta, phi, msoftdrop
``jet_tagging``     (N, 13) f4          nConstituents, tau1, tau2, tau3, tau4, ParticleNet H4qvsQCD, HbbvsQCD,
                                        HccvsQCD, QCD, TvsQCD, WvsQCD, ZvsQCD, ParticleNet regressed mass
``event_info``      (N, 3) i8           run, luminosityBlock, event
==================  ==================  ===================================================================

The column names are ours, following the CMS NanoAOD ``FatJet_*`` / ``PFCands_*`` names the producer
(github.com/OzAmram/AOJProcessing, ``H5_maker.py``) reads; the files themselves carry no column names.  Facts about
the real files worth knowing (from the producer as documented by its users; not re-checked here without network):
the candidates' four-momenta are *not* PUPPI-weighted (``puppiWeight`` is a separate column); ``jet_kinematics``
pt is the jet-energy-corrected FatJet pT, so the constituents sum to the *uncorrected* jet and do not reproduce the
stored pt exactly; d0, d0Err, dz, dzErr are -1 for candidates without track details (all neutrals);
``nConstituents`` counts all candidates and can exceed 150; a jet with more than 150 candidates keeps 150 of them.

:func:`load` returns a :class:`~hepscaling.data.jetsample.JetSample`; bad input stops with one
:class:`DataFormatError` naming the file, the dataset and column, and the jet (row) index.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..atomic import atomic_path, write_text
from ..provenance import register_input
from .jetsample import JetSample
from .toptagging import DataFormatError, read_sidecar

__all__ = ["load", "write", "n_jets_in", "read_sidecar", "DataFormatError", "PFCANDS_FEATURES", "JET_KINEMATICS",
           "JET_TAGGING", "EVENT_INFO", "DATASETS", "N_CANDS"]

N_CANDS = 150
PFCANDS_FEATURES = ("px", "py", "pz", "E", "d0", "d0Err", "dz", "dzErr", "charge", "pdgId", "puppiWeight")
JET_KINEMATICS = ("pt", "eta", "phi", "msoftdrop")
JET_TAGGING = ("nConstituents", "tau1", "tau2", "tau3", "tau4", "particleNet_H4qvsQCD", "particleNet_HbbvsQCD",
               "particleNet_HccvsQCD", "particleNet_QCD", "particleNet_TvsQCD", "particleNet_WvsQCD",
               "particleNet_ZvsQCD", "particleNet_mass")
EVENT_INFO = ("run", "luminosityBlock", "event")
# dataset name -> (column names, dtype written, shape after the row axis)
DATASETS = {
    "PFCands": (PFCANDS_FEATURES, np.float32, (N_CANDS, len(PFCANDS_FEATURES))),
    "jet_kinematics": (JET_KINEMATICS, np.float32, (len(JET_KINEMATICS),)),
    "jet_tagging": (JET_TAGGING, np.float32, (len(JET_TAGGING),)),
    "event_info": (EVENT_INFO, np.int64, (len(EVENT_INFO),)),
}
DEFAULT_CHUNK = 20_000  # jets per read: 20k x 150 x 11 float32 = 132 MB


# ------------------------------------------------------------------------------------------------------------ reading
def _open(path: Path):
    import h5py

    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file (expected an AspenOpenJets HDF5 file with datasets "
                                f"{', '.join(DATASETS)})")
    try:
        return h5py.File(path, "r")
    except Exception as e:  # OSError for truncated / foreign files
        raise DataFormatError(f"{path}: cannot be opened as an HDF5 file ({type(e).__name__}: {e}); the file is "
                              "truncated, corrupt or not HDF5 — delete it and download/generate it again") from None


def _check_layout(path: Path, f) -> int:
    """Check the four datasets' presence, shapes and dtypes; returns the number of jets."""
    have = list(f.keys())
    rows = {}
    for name, (cols, dtype, shape) in DATASETS.items():
        if name not in f:
            raise DataFormatError(f"{path}: no dataset {name!r} (found {have}); an AspenOpenJets file holds "
                                  f"{', '.join(DATASETS)}")
        ds = f[name]
        if not hasattr(ds, "shape") or ds.shape is None:
            raise DataFormatError(f"{path}: {name!r} is not a dataset")
        want = shape if name != "PFCands" else (None, len(PFCANDS_FEATURES))
        got = ds.shape[1:]
        if len(got) != len(want) or any(w is not None and g != w for g, w in zip(got, want)):
            expect = "(N, M, 11)" if name == "PFCands" else f"(N, {shape[0]})"
            raise DataFormatError(f"{path}: dataset {name!r} has shape {ds.shape}, expected {expect} with columns "
                                  f"{', '.join(cols)}")
        if ds.dtype.kind not in "fiu":
            raise DataFormatError(f"{path}: dataset {name!r} has dtype {ds.dtype}, expected numbers")
        rows[name] = ds.shape[0]
    if len(set(rows.values())) != 1:
        raise DataFormatError(f"{path}: the datasets disagree on the number of jets ({rows}); the file is truncated "
                              "or was written inconsistently")
    return rows["PFCands"]


def _read(path: Path, ds, name: str, a: int, b: int) -> np.ndarray:
    try:
        return ds[a:b]
    except Exception as e:
        raise DataFormatError(f"{path}: reading jets (rows) {a}..{b - 1} of dataset {name!r} failed "
                              f"({type(e).__name__}: {e}); the file is truncated or corrupt") from None


def _check_finite(path: Path, name: str, block: np.ndarray, a: int) -> None:
    if block.dtype.kind != "f":
        return
    bad = ~np.isfinite(block)
    if bad.any():
        idx = np.argwhere(bad)[0]
        cols = DATASETS[name][0]
        where = f"jet (row) {a + idx[0]}"
        if block.ndim == 3:
            where += f", constituent {idx[1]}"
        raise DataFormatError(f"{path}: non-finite value {block[tuple(idx)]} in dataset {name!r} column "
                              f"{cols[idx[-1]]} of {where}; values must be finite")


def n_jets_in(path) -> int:
    """Number of jets in an AspenOpenJets file, without reading them."""
    path = Path(path)
    with _open(path) as f:
        return _check_layout(path, f)


def load(path, n_jets: int | None = None, chunk_size: int = DEFAULT_CHUNK) -> JetSample:
    """Read the first ``n_jets`` jets (all with None) of an AspenOpenJets HDF5 file, ``chunk_size`` rows at a time.

    Returns a :class:`JetSample`: ``constituents`` float64 ``(N, 150, 4)`` as (E, px, py, pz) in file order;
    ``mask`` True where any of E, px, py, pz is non-zero; ``jets`` with the columns pt, eta, phi, msoftdrop
    (``jet_kinematics``) and :data:`JET_TAGGING` (``jet_tagging``); ``fields`` d0, d0Err, dz, dzErr, charge, pdgId,
    puppiWeight ``(N, 150)`` float32 as stored (zero where padded); ``event_info`` run, luminosityBlock, event.
    Registers the file with :func:`hepscaling.provenance.register_input`.
    """
    path = Path(path)
    if n_jets is not None and (not isinstance(n_jets, (int, np.integer)) or isinstance(n_jets, bool) or n_jets < 0):
        raise ValueError(f"n_jets: expected a non-negative integer or None, got {n_jets!r}")
    if not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1:
        raise ValueError(f"chunk_size: expected a positive integer, got {chunk_size!r}")
    with _open(path) as f:
        nrows = _check_layout(path, f)
        if n_jets is None:
            n_jets = nrows
        if n_jets > nrows:
            raise ValueError(f"{path}: asked for n_jets={n_jets} but the file holds only {nrows} jets")
        m = f["PFCands"].shape[1]
        const = np.zeros((n_jets, m, 4), dtype=np.float64)
        mask = np.zeros((n_jets, m), dtype=bool)
        extra = PFCANDS_FEATURES[4:]
        fields = {k: np.zeros((n_jets, m), dtype=np.float32) for k in extra}
        kin = np.zeros((n_jets, len(JET_KINEMATICS)), dtype=np.float32)
        tag = np.zeros((n_jets, len(JET_TAGGING)), dtype=np.float32)
        evt = np.zeros((n_jets, len(EVENT_INFO)), dtype=np.int64)
        for a in range(0, n_jets, chunk_size):
            b = min(a + chunk_size, n_jets)
            blocks = {name: _read(path, f[name], name, a, b) for name in DATASETS}
            for name, block in blocks.items():
                _check_finite(path, name, block, a)
            pf = blocks["PFCands"]
            p4 = pf[..., [3, 0, 1, 2]].astype(np.float64)  # (E, px, py, pz)
            real = (p4 != 0).any(axis=2)
            empty = ~real.any(axis=1)
            if empty.any():
                r = int(np.flatnonzero(empty)[0])
                raise DataFormatError(f"{path}: jet (row) {a + r} has no constituents (PFCands px, py, pz, E are all "
                                      "zero); every jet needs at least one")
            const[a:b] = np.where(real[..., None], p4, 0.0)
            mask[a:b] = real
            for k, name in enumerate(extra):
                fields[name][a:b] = np.where(real, pf[..., 4 + k], 0.0)
            kin[a:b] = blocks["jet_kinematics"]
            tag[a:b] = blocks["jet_tagging"]
            evt[a:b] = blocks["event_info"]
    jets = pd.concat([pd.DataFrame(kin, columns=list(JET_KINEMATICS)), pd.DataFrame(tag, columns=list(JET_TAGGING))],
                     axis=1)
    register_input(path)
    return JetSample(constituents=const, mask=mask, jets=jets, fields=fields,
                     event_info=pd.DataFrame(evt, columns=list(EVENT_INFO)), files=(str(path),), dataset="aspen")


# ------------------------------------------------------------------------------------------------------------ writing
def _as_table(name: str, x, n: int | None, path: Path) -> np.ndarray:
    cols, dtype, shape = DATASETS[name]
    a = np.asarray(x)
    if name == "PFCands":
        if a.ndim != 3 or a.shape[2] != len(cols) or a.shape[1] > N_CANDS:
            raise ValueError(f"write {path}: {name} must have shape (N, M<={N_CANDS}, {len(cols)}) with columns "
                             f"{', '.join(cols)}, got {a.shape}")
        if a.shape[1] < N_CANDS:
            a = np.concatenate([a, np.zeros((len(a), N_CANDS - a.shape[1], len(cols)), a.dtype)], axis=1)
    elif a.shape[1:] != shape or a.ndim != 2:
        raise ValueError(f"write {path}: {name} must have shape (N, {shape[0]}) with columns {', '.join(cols)}, "
                         f"got {a.shape}")
    if n is not None and len(a) != n:
        raise ValueError(f"write {path}: {name} has {len(a)} rows but PFCands has {n}")
    if dtype is np.int64:
        if a.dtype.kind == "f" and not np.array_equal(a, np.round(a)):
            raise ValueError(f"write {path}: {name} ({', '.join(cols)}) must hold integers")
    elif not np.isfinite(a).all():
        raise ValueError(f"write {path}: {name} holds non-finite values")
    return np.ascontiguousarray(a, dtype=dtype)


def write(path, pfcands, jet_kinematics, jet_tagging, event_info, sidecar: dict | None = None,
          chunk_rows: int = 1000, complevel: int = 4) -> Path:
    """Write jets in the AspenOpenJets layout (four chunked, gzip-compressed datasets), atomically.

    ``pfcands`` ``(N, M<=150, 11)`` (zero-padded to 150), ``jet_kinematics`` ``(N, 4)``, ``jet_tagging``
    ``(N, 13)``, ``event_info`` ``(N, 3)`` integers — columns as in :data:`DATASETS`.  Chunks hold ``chunk_rows``
    jets; the datasets are resizable along the jet axis.  ``sidecar`` (a dict: generator settings, seeds) goes to
    ``<path>.json``.  Written to a temporary file in the same directory and renamed, so no half-written file is left.
    """
    import h5py

    path = Path(path)
    pf = _as_table("PFCands", pfcands, None, path)
    n = len(pf)
    tables = {"PFCands": pf, "jet_kinematics": _as_table("jet_kinematics", jet_kinematics, n, path),
              "jet_tagging": _as_table("jet_tagging", jet_tagging, n, path),
              "event_info": _as_table("event_info", event_info, n, path)}
    with atomic_path(path, suffix=".h5") as tmp:
        with h5py.File(tmp, "w") as f:
            for name, data in tables.items():
                f.create_dataset(name, data=data, chunks=(max(1, min(chunk_rows, max(n, 1))),) + data.shape[1:],
                                 maxshape=(None,) + data.shape[1:], compression="gzip", compression_opts=complevel)
        if sidecar is not None:
            write_text(path.with_suffix(".json"), json.dumps(sidecar, indent=2, sort_keys=True, default=str))
    return path
