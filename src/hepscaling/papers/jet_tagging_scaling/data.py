"""The jets paper D's set transformers train on: the JetClass-like substitute (ten classes, JetClass ROOT layout),
split into train / validation / test, and the per-particle inputs of each feature set and multiplicity cap.

* Jets: :func:`hepscaling.data.jetclass_like.ensure` generates (or finds) ``n_per_class[split]`` jets of each class
  for each split (independent seeds per split, so the three sets are disjoint), read with
  :func:`hepscaling.data.jetclass.load`; the first ``n_per_class[split]`` of each class are kept.
* Order: the jets of a split are shuffled once with ``data_seed``; a run with training-set size D takes the first D
  jets of the shuffled training split (random, nested subsets: a D scan is smooth), validates on the first
  ``n_val`` of the validation split and is tested on the first ``n_test`` of the test split.
* Inputs: :func:`hepscaling.features.jetclass.jetclass_inputs` (``kinematic`` 7, ``pid`` 13, ``full`` 17 features
  per particle, the ``max_particles`` highest-pT constituents), computed once per split, feature set, cap and number
  of rows and stored in the cache (:func:`hepscaling.cache.cached`, keyed on the files' contents).  Only the rows
  some run reads are computed (``rows``: the first ``rows`` jets of the shuffled split, the same values as the first
  rows of the whole split's inputs, tested): the multiplicity scan at cap 128 reads 16 000 of 100 000 training jets.
"""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from ...cache import cached
from ...data import jetclass
from ...features.jetclass import jetclass_inputs

SPLITS = ("train", "val", "test")


def files(dcfg: dict, split: str) -> list[Path]:
    """The JetClass-like files of ``split`` (generated when missing)."""
    from ...data import jetclass_like
    if split not in SPLITS:
        raise ValueError(f"paper D data: split must be one of {SPLITS}, got {split!r}")
    settings = jetclass_like.JetClassLikeSettings(jets_per_shard=int(dcfg["jets_per_shard"]))
    return jetclass_like.ensure(int(dcfg["n_per_class"][split]), split=split, seed=0, settings=settings)


def sample_inputs(sample: dict, labels, feature_set: str, max_particles: int, n_per_class: int | None = None,
                  seed: int = 0, chunk: int = 10_000, rows: int | None = None) -> dict:
    """Inputs of a sample dict (``constituents``, ``mask`` and the ``part_*`` fields) with ``labels``: at most
    ``n_per_class`` jets of each class (the first ones), shuffled with ``seed``, and of those the first ``rows``
    (all if None).  ``{"x": (N, M, F) float32, "mask": (N, M) bool, "y": (N,) int64, "names": feature names}``.
    Computed ``chunk`` jets at a time: the intermediate arrays span every particle of a jet, not just the kept ones
    (1e5 JetClass-like jets at once took 9 GB)."""
    y = np.asarray(labels, dtype=np.int64)
    keep = np.arange(len(y))
    if n_per_class is not None:
        keep = np.concatenate([np.flatnonzero(y == c)[:n_per_class] for c in np.unique(y)])
    keep = keep[np.random.default_rng(seed).permutation(len(keep))]
    if rows is not None:
        if isinstance(rows, bool) or int(rows) != rows or not 1 <= rows <= len(keep):
            raise ValueError(f"sample_inputs: rows must be an integer in [1, {len(keep)}] (the jets selected), "
                             f"got {rows!r}")
        keep = keep[:int(rows)]
    xs, ms, names = [], [], None
    for i in range(0, max(len(keep), 1), int(chunk)):
        rows = keep[i:i + int(chunk)]
        inp = jetclass_inputs({k: np.asarray(v)[rows] for k, v in sample.items()}, feature_set, int(max_particles))
        xs.append(inp.features)
        ms.append(inp.mask)
        names = inp.names
    return {"x": np.concatenate(xs), "mask": np.concatenate(ms), "y": y[keep], "names": names}


@functools.lru_cache(maxsize=1)
def _load(paths: tuple):
    """The jets of one split, read once per process for all the feature sets and caps a page computes."""
    return jetclass.load(list(paths))


@cached
def _split_inputs(paths: tuple, n_per_class: int, feature_set: str, max_particles: int, seed: int,
                  rows: int | None = None) -> dict:
    s = _load(paths)
    sample = {"constituents": s.constituents, "mask": s.mask, **s.fields}
    out = sample_inputs(sample, s.labels, feature_set, max_particles, n_per_class, seed, rows=rows)
    out["label_names"] = tuple(s.label_names)
    return out


def _arguments(dcfg: dict, split: str, feature_set: str, max_particles: int, rows: int | None) -> tuple:
    paths = tuple(Path(p) for p in files(dcfg, split))
    return (paths, int(dcfg["n_per_class"][split]), feature_set, int(max_particles),
            int(dcfg["data_seed"]) + SPLITS.index(split), None if rows is None else int(rows))


def split_inputs(dcfg: dict, split: str, feature_set: str, max_particles: int, rows: int | None = None) -> dict:
    """Inputs of the first ``rows`` jets (all if None) of one split for one feature set and cap (cached): see
    :func:`sample_inputs`."""
    return _split_inputs(*_arguments(dcfg, split, feature_set, max_particles, rows))


def ensure_inputs(dcfg: dict, wanted: dict) -> None:
    """Compute and cache, without loading what is cached already, the inputs ``wanted``:
    ``{(feature_set, cap): {split: rows}}``.  The jets of a split are read once for all of them.  Without a cache
    directory there is nothing to keep, and nothing is computed."""
    for split in SPLITS:
        for (feature_set, cap), splits in sorted(wanted.items()):
            if split in splits:
                args = _arguments(dcfg, split, feature_set, cap, splits[split])
                path = _split_inputs.cache_path(*args)
                if path is not None and not path.exists():
                    _split_inputs(*args)


def class_counts(dcfg: dict, split: str = "train") -> np.ndarray:
    """Jets per class in ``split`` (a check that the substitute is balanced)."""
    d = split_inputs(dcfg, split, "kinematic", 8)
    return np.bincount(d["y"], minlength=10)
