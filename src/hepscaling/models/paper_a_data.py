"""Data and features of paper A, computed once per data configuration (through the cache).

Kept apart from :mod:`hepscaling.paper_a` so that editing the sweep/summary code there does not invalidate the cached
features (the cache key covers the source of this module and of the hepscaling modules it imports).
"""
from __future__ import annotations

import numpy as np

from ..cache import cached


class PaperADataError(ValueError):
    pass


# ------------------------------------------------------------------------------------------------------------ data
_MEMO: dict = {}


def describe_source(source: str) -> str:
    from ..data import topqcd
    return topqcd.describe(source)


def load_split(source: str, split: str, n: int, seed: int = 0):
    """(pT, y, phi) jets (n, M, 3) and labels (1 = top) of one split, memoised in this process."""
    key = ("jets", source, split, int(n), int(seed))
    if key not in _MEMO:
        from ..data.topqcd import get_jets
        from ..jets import to_ptyphi
        p4, labels = get_jets(split, int(n), source=source, seed=int(seed))
        if len(labels) < n:
            raise PaperADataError(f"paper_a: source {source!r} split {split!r} gave {len(labels)} jets, {n} needed")
        _MEMO[key] = (np.asarray(to_ptyphi(p4), dtype=np.float64), np.asarray(labels).astype(np.int8))
    return _MEMO[key]


@cached
def features(kind: str, source: str, source_text: str, n_train: int, n_val: int, n_test: int, data_seed: int,
             params: dict) -> dict:
    """Features of the train/val/test splits for one feature kind (computed once per data configuration).

    ``kind``: ``"efp"`` (params: dmax) -> X_* (n, 313); ``"lot"`` (params: n_ref) -> X_* (n, 2 n_ref);
    ``"emd"`` (params: R, beta, normalised) -> D_val (n_val, n_train), D_test (n_test, n_train): EMDs between
    centred jets (``hepscaling.features.emd.pairwise_emd``), pT-normalised or, with ``normalised=False``, in GeV with
    the energy-difference term of eq. (3); plus each jet's pT.
    ``source_text`` (the source's description, with its file hashes) keys the data version."""
    tr, ytr = load_split(source, "train", n_train, data_seed)
    va, yva = load_split(source, "val", n_val, data_seed)
    te, yte = load_split(source, "test", n_test, data_seed)
    tr, va, te = tr[:n_train], va[:n_val], te[:n_test]
    out = {"y_train": ytr[:n_train], "y_val": yva[:n_val], "y_test": yte[:n_test]}
    if kind == "efp":
        from ..features.efp import efps_for   # cached per jet array: shared with the features chapter
        for name, j in (("train", tr), ("val", va), ("test", te)):
            out[f"X_{name}"] = np.asarray(efps_for(j, dmax=params["dmax"], beta=1.0, normed=True))
    elif kind == "lot":
        from ..features.lot import lot_for   # cached per jet array: shared with the features chapter
        for name, j in (("train", tr), ("val", va), ("test", te)):
            out[f"X_{name}"] = np.asarray(lot_for(j, n_ref=params["n_ref"]))
    elif kind == "emd":
        from ..features.emd import pairwise_emd
        kw = {"R": params["R"], "beta": params.get("beta", 1.0), "normalised": params.get("normalised", True)}
        out["D_val"] = np.asarray(pairwise_emd(va, tr, **kw), dtype=np.float32)
        out["D_test"] = np.asarray(pairwise_emd(te, tr, **kw), dtype=np.float32)
        out["pt_train"], out["pt_val"], out["pt_test"] = (j[..., 0].sum(1) for j in (tr, va, te))
    else:
        raise PaperADataError(f"paper_a.features: unknown kind {kind!r}; expected 'efp', 'lot' or 'emd'")
    return out

