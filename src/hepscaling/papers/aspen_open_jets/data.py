"""Paper C's data on our pages: the AOJ-like and JetClass-like substitutes, generated through their shard caches
(:mod:`hepscaling.data.aspen_like`, :mod:`hepscaling.data.jetclass_like`) and read back with the loaders of the real
files (:mod:`hepscaling.data.aspen`, :mod:`hepscaling.data.jetclass`) — so every page exercises the real formats.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ...cache import cached
from ...claims import DataUsed
from ...data import aspen, aspen_like, jetclass, jetclass_like
from ...data.jetsample import JetSample, concatenate

#: PF candidate species by |pdgId|, as the paper's Fig. 1 (last panel) names them
SPECIES = {211: "charged hadron", 130: "neutral hadron", 22: "photon", 11: "electron", 13: "muon"}
#: the JetClass flags of the same species
JETCLASS_FLAGS = {211: "part_isChargedHadron", 130: "part_isNeutralHadron", 22: "part_isPhoton",
                  11: "part_isElectron", 13: "part_isMuon"}


def aoj_like(cfg: dict, seed: int = 0) -> tuple[JetSample, list]:
    """``(sample, paths)``: the profile's ``aoj_jets`` AOJ-like jets (generated when missing), read with
    :func:`hepscaling.data.aspen.load`."""
    settings = aspen_like.AspenLikeSettings(jets_per_shard=cfg["aoj_per_shard"],
                                            calibration_events=cfg["aoj_calibration_events"])
    paths = aspen_like.ensure(cfg["aoj_jets"], seed=seed, settings=settings)
    sample = concatenate([aspen.load(p) for p in paths])
    return sample.take(np.arange(min(len(sample), cfg["aoj_jets"]))), paths


def jetclass_like_jets(cfg: dict, classes, seed: int = 0, split: str = "train") -> JetSample:
    """The profile's ``jetclass_per_class`` JetClass-like jets of each of ``classes`` (labels such as ``"QCD"``,
    ``"Tbqq"``), read with :func:`hepscaling.data.jetclass.load`."""
    settings = jetclass_like.JetClassLikeSettings(jets_per_shard=cfg["jetclass_per_shard"])
    paths = jetclass_like.ensure(cfg["jetclass_per_class"], split=split, seed=seed, classes=list(classes),
                                 settings=settings)
    out = []
    for c in classes:
        mine = [p for p in paths if jetclass.class_of_file(p) == c]
        out.append(jetclass.load(mine, n_jets=cfg["jetclass_per_class"], classes=[c]))
    return out[0] if len(out) == 1 else out


def particles(sample: JetSample) -> pd.DataFrame:
    """One row per constituent: ``jet`` (index), ``pt``, ``eta``, ``phi`` (absolute), ``deta``, ``dphi`` (to the
    jet axis summed from the constituents), ``species`` (|pdgId| as in :data:`SPECIES`)."""
    E, px, py, pz = np.moveaxis(sample.constituents, -1, 0)
    m = sample.mask
    pt = np.hypot(px, py)
    with np.errstate(divide="ignore", invalid="ignore"):
        eta = np.arcsinh(np.where(pt > 0, pz / np.where(pt > 0, pt, 1), 0))
    phi = np.arctan2(py, px)
    J = px.sum(1), py.sum(1), pz.sum(1)
    jpt = np.hypot(J[0], J[1])
    jeta, jphi = np.arcsinh(J[2] / jpt), np.arctan2(J[1], J[0])
    species = np.zeros(m.shape, dtype=np.int64)
    if "pdgId" in sample.fields:
        species = np.abs(np.rint(sample.fields["pdgId"])).astype(np.int64)
    else:
        for pid, flag in JETCLASS_FLAGS.items():
            species[sample.fields[flag].astype(bool)] = pid
    jet = np.broadcast_to(np.arange(len(m))[:, None], m.shape)
    dphi = (phi - jphi[:, None] + np.pi) % (2 * np.pi) - np.pi
    return pd.DataFrame({"jet": jet[m], "pt": pt[m], "eta": eta[m], "phi": phi[m],
                         "deta": (eta - jeta[:, None])[m], "dphi": dphi[m], "species": species[m]})


def species_counts(sample: JetSample) -> pd.DataFrame:
    """Constituents of each species per jet: mean and standard deviation over the jets (Fig. 1, last panel)."""
    p = particles(sample)
    counts = (p.groupby(["jet", "species"]).size().unstack(fill_value=0)
              .reindex(index=range(len(sample)), columns=list(SPECIES), fill_value=0))
    return pd.DataFrame({"species": [SPECIES[c] for c in SPECIES], "mean": counts.mean().values,
                         "std": counts.std().values})


def data_used(cfg: dict, what: str) -> DataUsed:
    return DataUsed(f"local substitute: {what} (Pythia 8 at {cfg['ecm'] / 1000:g} TeV through our CMS-like "
                    "particle-flow detector model, hepscaling.detector), written in the real files' layouts and "
                    "read with their loaders", dataset="substitute", sizes="reduced")


# ------------------------------------------------------------------------------------------ the §III experiment
#: fine-tuning targets of Figs. 3 and 4 -> JetClass labels
TARGETS = {"qcd": "QCD", "top": "Tbqq"}


def _jetclass_settings(cfg: dict) -> jetclass_like.JetClassLikeSettings:
    return jetclass_like.JetClassLikeSettings(jets_per_shard=cfg["jetclass_per_shard"])


@cached
def _aspen_features(paths: tuple, n_jets: int) -> tuple:
    from .constituents import features
    s = concatenate([aspen.load(p) for p in paths])
    s = s.take(np.arange(min(len(s), n_jets)))
    return features(s.constituents, s.mask)


@cached
def _jetclass_features(paths: tuple, n_per_class: int, classes: tuple, seed: int) -> tuple:
    """Features of ``n_per_class`` jets of each class (the first ones of their files), shuffled with ``seed``."""
    from .constituents import features
    parts = []
    for c in classes:
        mine = [p for p in paths if jetclass.class_of_file(p) == c]
        s = jetclass.load(mine, n_jets=n_per_class, classes=[c])
        parts.append(features(s.constituents, s.mask))
    width = max(a[0].shape[1] for a in parts)            # classes' files differ in their widest jet: pad
    arrays = [np.concatenate([np.pad(x, [(0, 0), (0, width - x.shape[1])]) for x in a]) for a in zip(*parts)]
    order = np.random.default_rng(seed).permutation(len(arrays[0]))
    return tuple(a[order] for a in arrays)


def _split(arrays: tuple, a: int, b: int) -> dict:
    return dict(zip(("pt", "deta", "dphi", "mask"), (x[a:b] for x in arrays)))


def pretraining_jets(cfg: dict, seed: int = 0) -> dict:
    """The AOJ-like jets of the pretraining (``omnijet.pretrain.jets``, generated when missing with the section's
    AOJ-like settings): ``{"train": ..., "val": ...}``, the last ``val_jets`` validating; each a dict of
    ``pt, deta, dphi, mask`` of all constituents (:func:`constituents.features`)."""
    o = cfg["omnijet"]
    n = o["pretrain"]["jets"]
    settings = aspen_like.AspenLikeSettings(jets_per_shard=cfg["aoj_per_shard"],
                                            calibration_events=cfg["aoj_calibration_events"])
    paths = tuple(Path(p) for p in aspen_like.ensure(n, seed=seed, settings=settings))
    arrays = _aspen_features(paths, n)
    cut = len(arrays[0]) - o["pretrain"]["val_jets"]
    return {"train": _split(arrays, 0, cut), "val": _split(arrays, cut, len(arrays[0]))}


def scratch_tokenizer_jets(cfg: dict, seed: int = 0) -> dict:
    """The jets of the scratch baseline's tokenizer: JetClass-like jets of all ten classes (as the paper's baseline
    uses OmniJet-α's tokenizer trained on all of JetClass), ``jetclass_per_class`` each from the training split,
    shuffled; the last 10 % validate."""
    n = cfg["jetclass_per_class"]
    paths = jetclass_like.ensure(n, split="train", seed=seed, settings=_jetclass_settings(cfg))
    arrays = _jetclass_features(tuple(Path(p) for p in paths), n, tuple(jetclass_like.CLASSES), seed)
    cut = len(arrays[0]) - max(1, len(arrays[0]) // 10)
    return {"train": _split(arrays, 0, cut), "val": _split(arrays, cut, len(arrays[0]))}


def target_pool_size(cfg: dict) -> int:
    """JetClass-like training-split jets per target: the largest D and its validation set."""
    from .config import validation_size
    d = max(cfg["omnijet"]["finetune"]["D_values"])
    return d + validation_size(d)


def target_jets(cfg: dict, target: str, seed: int = 0) -> dict:
    """One target's jets (``"qcd"`` or ``"top"``): the training split's :func:`target_pool_size` jets, shuffled,
    as ``"train"`` (the first max D: a run with D jets takes the first D, nested subsets) and ``"val"`` (the rest: a
    run validates on its first ``validation_size(D)``); ``"test"``: ``n_test`` jets of the test split."""
    if target not in TARGETS:
        raise ValueError(f"target_jets: target must be one of {list(TARGETS)}, got {target!r}")
    o, label = cfg["omnijet"], TARGETS[target]
    n, d = target_pool_size(cfg), max(cfg["omnijet"]["finetune"]["D_values"])
    out = {}
    for split, n_jets in (("train", n), ("test", o["n_test"])):
        paths = jetclass_like.ensure(n_jets, split=split, seed=seed, classes=[label], settings=_jetclass_settings(cfg))
        out[split] = _jetclass_features(tuple(Path(p) for p in paths), n_jets, (label,), seed)
    pool = out["train"]
    return {"train": _split(pool, 0, d), "val": _split(pool, d, n), "test": _split(out["test"], 0, o["n_test"])}


def experiment_data_used(cfg: dict) -> DataUsed:
    o = cfg["omnijet"]
    return data_used(cfg, f"{o['pretrain']['jets']:,} AOJ-like jets for pretraining; JetClass-like QCD and top jets: "
                          f"up to {max(o['finetune']['D_values']):,} for fine-tuning (as many to validate), "
                          f"{o['n_test']:,} held out per target")
