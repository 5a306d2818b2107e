"""Paper A's data and features: the top/QCD jets of each split and their EFP, LOT and EMD representations.

Features are computed once per data configuration through the cache (:func:`features`) and memoised per process, so a
Dask worker reads them from the cache file the parent wrote (:func:`prepare` passes the file names along) instead of
recomputing them. This module imports no configuration or page code, so editing those never invalidates the cached
features.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ...cache import cached, read_entry


class DataError(ValueError):
    pass


_MEMO: dict = {}


def describe_source(source: str) -> str:
    from ...data import topqcd
    return topqcd.describe(source)


def load_split(source: str, split: str, n: int, seed: int = 0):
    """(pT, y, phi) jets (n, M, 3) and labels (1 = top) of one split, memoised in this process."""
    key = ("jets", source, split, int(n), int(seed))
    if key not in _MEMO:
        from ...data.topqcd import get_jets
        from ...jets import to_ptyphi
        p4, labels = get_jets(split, int(n), source=source, seed=int(seed))
        if len(labels) < n:
            raise DataError(f"paper A: source {source!r} split {split!r} gave {len(labels)} jets, {n} needed")
        _MEMO[key] = (np.asarray(to_ptyphi(p4), dtype=np.float64), np.asarray(labels).astype(np.int8))
    return _MEMO[key]


@cached
def features(kind: str, source: str, source_text: str, n_train: int, n_val: int, n_test: int, data_seed: int,
             params: dict) -> dict:
    """Features of the train/val/test splits for one feature kind (computed once per data configuration).

    ``kind``: ``"efp"`` (params: dmax) -> X_* (n, 313); ``"lot"`` (params: n_ref) -> X_* (n, 2 n_ref);
    ``"emd"`` (params: R, beta, normalised) -> D_val (n_val, n_train), D_test (n_test, n_train): EMDs between
    centred jets (``hepscaling.features.emd.pairwise_emd``), pT-normalised or, with ``normalised=False``, in GeV with
    the energy-difference term of eq. (3); plus each jet's pT. With ``within`` = [n_train', n_val', n_test'] (each at
    least as large), the corner of that larger request's matrices (computed once, through the cache).
    ``source_text`` (the source's description, with its file hashes) keys the data version."""
    tr, ytr = load_split(source, "train", n_train, data_seed)
    va, yva = load_split(source, "val", n_val, data_seed)
    te, yte = load_split(source, "test", n_test, data_seed)
    tr, va, te = tr[:n_train], va[:n_val], te[:n_test]
    out = {"y_train": ytr[:n_train], "y_val": yva[:n_val], "y_test": yte[:n_test]}
    if kind == "efp":
        from ...features.efp import efps_for   # cached per jet array: shared with the features chapter
        for name, j in (("train", tr), ("val", va), ("test", te)):
            out[f"X_{name}"] = np.asarray(efps_for(j, dmax=params["dmax"], beta=1.0, normed=True))
    elif kind == "lot":
        from ...features.lot import lot_for   # cached per jet array: shared with the features chapter
        for name, j in (("train", tr), ("val", va), ("test", te)):
            out[f"X_{name}"] = np.asarray(lot_for(j, n_ref=params["n_ref"]))
    elif kind == "emd" and params.get("within"):
        # the top-left corner of the larger sets' matrix (a split's first n jets are the first n of any larger
        # request, and every EMD is solved on its own pair: the same numbers, without solving them twice)
        big = features(kind, source, source_text, *params["within"], data_seed,
                       {k: v for k, v in params.items() if k != "within"})
        out["D_val"] = big["D_val"][:n_val, :n_train].copy()
        out["D_test"] = big["D_test"][:n_test, :n_train].copy()
        out["pt_train"], out["pt_val"], out["pt_test"] = (big[f"pt_{s}"][:n] for s, n in
                                                          (("train", n_train), ("val", n_val), ("test", n_test)))
    elif kind == "emd":
        from ...features.emd import pairwise_emd
        kw = {"R": params["R"], "beta": params.get("beta", 1.0), "normalised": params.get("normalised", True)}
        out["D_val"] = np.asarray(pairwise_emd(va, tr, **kw), dtype=np.float32)
        out["D_test"] = np.asarray(pairwise_emd(te, tr, **kw), dtype=np.float32)
        out["pt_train"], out["pt_val"], out["pt_test"] = (j[..., 0].sum(1) for j in (tr, va, te))
    else:
        raise DataError(f"paper A features: unknown kind {kind!r}; expected 'efp', 'lot' or 'emd'")
    return out


def feature_args(dcfg: dict, kind: str, point: dict | None = None) -> tuple:
    """The arguments of :func:`features` that a point needs (``emd_set="small"``, ``R`` and ``emd_normalised`` select
    kNN EMD's variant — by default eq. (3): pT in GeV with the energy-difference term —, ``n_ref`` the LOT reference
    size)."""
    point = point or {}
    src = dcfg["source"]
    text = dcfg.get("source_text") or ""
    if kind == "emd":
        full = dcfg["emd"]
        sizes = dcfg["emd_small"] if point.get("emd_set") == "small" else full
        params = {"R": float(point.get("R", full["R"])), "beta": 1.0,
                  "normalised": bool(point.get("emd_normalised", False))}
        keys = ("n_pool", "n_val", "n_test")
        if (sizes is not full and params["R"] == float(full["R"]) and not params["normalised"]
                and all(sizes[k] <= full[k] for k in keys)):
            # the main sweep's matrix (eq. 3 at the sets' R) holds the smaller sets' one as its corner
            params["within"] = [full[k] for k in keys]
        return ("emd", src, text, *(sizes[k] for k in keys), dcfg["data_seed"], params)
    n = (dcfg["n_train"], dcfg["n_val"], dcfg["n_test"])
    if kind == "lot":
        return ("lot", src, text, *n, dcfg["data_seed"], {"n_ref": int(point.get("n_ref", dcfg["lot_n_ref"]))})
    return ("efp", src, text, *n, dcfg["data_seed"], {"dmax": int(dcfg["efp_dmax"])})


def _args_key(args: tuple) -> str:
    return json.dumps(args, sort_keys=True, default=str)


def _features_memo(args: tuple, path: str | None = None) -> dict:
    key = ("features", _args_key(args))
    if key not in _MEMO:
        value = None
        if path:
            ok, value = read_entry(Path(path))
            value = value if ok else None
        _MEMO[key] = value if value is not None else features(*args)
    return _MEMO[key]


def get_features(dcfg: dict, kind: str, point: dict | None = None) -> dict:
    """The features for a point (memoised per process). ``dcfg["feature_files"]`` (set by :func:`prepare` in the
    process that computed them) maps the feature arguments to their cache files, so workers read exactly what the
    parent computed, without recomputing the cache key."""
    args = feature_args(dcfg, kind, point)
    return _features_memo(args, (dcfg.get("feature_files") or {}).get(_args_key(args)))


def prepare(dcfg: dict, kinds: list[str]) -> dict:
    """Load the data and compute the features of the given kinds (``feature_args`` tuples, or kind names) in this
    process, through the cache, so that workers only read them. Returns ``dcfg`` with the source's description and
    the feature files."""
    dcfg = dict(dcfg)
    dcfg["source_text"] = describe_source(dcfg["source"])
    for split, n in (("train", dcfg["n_train"]), ("val", dcfg["n_val"]), ("test", dcfg["n_test"])):
        load_split(dcfg["source"], split, n, dcfg["data_seed"])  # registers the input files in the provenance footer
    needed = {}
    for k in kinds:
        args = feature_args(dcfg, k) if isinstance(k, str) else feature_args(dcfg, *k)
        needed[_args_key(args)] = args
    files = {}
    for key in sorted(needed):
        _features_memo(needed[key])
        path = features.cache_path(*needed[key])
        if path is not None and path.exists():
            files[key] = str(path)
    dcfg["feature_files"] = files
    return dcfg
