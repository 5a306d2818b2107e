"""Paper C's data on our pages: the AOJ-like and JetClass-like substitutes, generated through their shard caches
(:mod:`hepscaling.data.aspen_like`, :mod:`hepscaling.data.jetclass_like`) and read back with the loaders of the real
files (:mod:`hepscaling.data.aspen`, :mod:`hepscaling.data.jetclass`) — so every page exercises the real formats.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

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
