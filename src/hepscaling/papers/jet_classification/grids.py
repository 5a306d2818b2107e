"""The grids of points paper A's pages need, and running them on the shared sweep engine.

One sweep directory per data configuration and task code version (``data/sweeps/paper_a-<hash>``) holds every point
of the chapter: the main sweep (classifier x T x repeat; Figs. 1, 2, 5, 7 and Table 1), LR on fewer EFPs (Fig. 3) and
the R and reference-size scans (Fig. 6). A point is identified by its content, so e.g. the LOT points of Fig. 6 with
the default reference size are the main sweep's; the first page that needs a point computes it, the others read it,
and an interrupted run resumes.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...scaling.sweep import make_grid, run_sweep, with_repeats
from ...scaling.sweep import sweep_directory as keyed_directory
from . import task as _task
from .config import ConfigError, data_config
from .data import prepare
from .task import CLASSIFIERS, FEATURE_OF, efp_degree_counts, point_task


def family(classifier: str) -> str:
    """``lr``, ``knn`` or ``dnn``: the part of the classifier's name that sets its repeats (§4)."""
    return classifier.split("_")[0]


def repeats_rule(cfg: dict, override: int | None = None):
    """Number of random training sets of a point: the profile's ``repeats`` (``{family: (n, up_to_T)}``: n for
    T <= up_to_T, one above; paper: LR 10x for T <= 1e5, kNN 10x for T <= 5000, DNN 5x for T <= 300), or
    ``override`` for every T."""
    def n(point: dict) -> int:
        if override is not None:
            return int(override)
        reps, up_to = cfg["repeats"].get(family(point["classifier"]), (1, 0))
        return int(reps) if point["T"] <= up_to else 1
    return n


def pool_size(cfg: dict, point: dict) -> int:
    """Size of the training pool a point draws its T jets from."""
    if point["classifier"] == "knn_emd":
        return int((cfg["emd_small"] if point.get("emd_set") == "small" else cfg["emd"])["n_pool"])
    return int(cfg["n_train"])


def drop_redundant_repeats(points: list[dict], cfg: dict) -> list[dict]:
    """Drop repeats > 0 of deterministic classifiers (kNN, LR) at T = the whole pool: every repeat would draw the
    same training set and give the same loss (the paper's pool of 1.2M never hits this; small profiles do)."""
    return [p for p in points if not (p.get("repeat", 0) > 0 and family(p["classifier"]) != "dnn"
                                      and int(p["T"]) >= pool_size(cfg, p))]


def _classifier_points(cfg: dict, classifier: str, Ts, repeats: int | None = None, **extra) -> list[dict]:
    lo = cfg["lr_T_min"] if classifier == "lr_efp" else 0
    Ts = [T for T in Ts if T >= lo and T <= pool_size(cfg, {"classifier": classifier, **extra})]
    if not Ts:
        return []
    pts = with_repeats(make_grid(classifier=[classifier], T=Ts), repeats_rule(cfg, repeats))
    return [{**p, **extra} for p in pts]


def main_points(cfg: dict, classifiers=CLASSIFIERS) -> list[dict]:
    """The main sweep (Figs. 1, 2, 5, 7 and Table 1): classifier x T x repeat (kNN EMD on its own T grid)."""
    pts = []
    for c in classifiers:
        pts += _classifier_points(cfg, c, cfg["T_values_emd"] if c == "knn_emd" else cfg["T_values"])
    return drop_redundant_repeats(pts, cfg)


def lr_nefp_points(cfg: dict, n_features: list[int], T_values: list | None = None,
                   repeats: int | None = None) -> list[dict]:
    """LR on the first n EFPs (degree order) for each n and T (Fig. 3); n = all EFPs gives the main sweep's points."""
    total = efp_degree_counts(cfg["efp_dmax"])[cfg["efp_dmax"]]
    pts = []
    for n in n_features:
        if not 1 <= n <= total:
            raise ConfigError(f"paper A: n_features = {n} outside [1, {total}]")
        extra = {} if n == total else {"n_features": int(n)}
        pts += _classifier_points(cfg, "lr_efp", T_values or cfg["T_values"], repeats, **extra)
    return drop_redundant_repeats(pts, cfg)


def hyperparameter_points(cfg: dict, R_values: list[float], n_ref_values: list[int], repeats: int) -> list[dict]:
    """Fig. 6: kNN EMD (eq. 3, on the smaller EMD sets) for each R, kNN LOT for each reference size."""
    T_emd = [T for T in cfg["T_values"] if T <= cfg["emd_small"]["n_pool"]]
    pts = []
    for R in R_values:
        pts += _classifier_points(cfg, "knn_emd", T_emd, repeats, R=float(R), emd_set="small")
    for n in n_ref_values:
        extra = {} if n == cfg["lot_n_ref"] else {"n_ref": int(n)}
        pts += _classifier_points(cfg, "knn_lot", cfg["T_values"], repeats, **extra)
    return drop_redundant_repeats(pts, cfg)


#: Definitions where the paper is silent or where we keep the other reading as an option: the point keys of the
#: book's reading and of the other one (the definitions page shows both). kNN EMD is compared on Fig. 6's smaller EMD
#: sets (the EMD matrix dominates the chapter's cost; these points are shared with Fig. 6's R = 0.8 curve).
VARIANTS = {"knn_emd": ({"emd_set": "small"}, {"emd_set": "small", "emd_normalised": True}),  # eq. (3) / pT-normalised
            "knn_efp": ({}, {"standardize": True}),     # the paper's Euclidean distance / standardised EFPs
            "lr_efp": ({}, {"scale": False})}           # our standardised EFPs / raw EFPs


def definition_points(cfg: dict) -> dict:
    """``{classifier: (points of the book's reading, points of the other reading)}`` for :data:`VARIANTS`, on the
    main sweep's T grid and repeats (kNN EMD: Fig. 6's sets and R, up to their pool)."""
    out = {}
    for c, (book, other) in VARIANTS.items():
        Ts = cfg["T_values"]
        extra = {}
        if c == "knn_emd":
            Ts = [T for T in cfg["T_values"] if T <= cfg["emd_small"]["n_pool"]]
            extra = {"R": float(cfg["emd"]["R"])}
        out[c] = tuple(drop_redundant_repeats(_classifier_points(cfg, c, Ts, **extra, **reading), cfg)
                       for reading in (book, other))
    return out


def size_check_points(cfg: dict, T: int, width: int = 384, depth: int = 9, repeats: int = 1) -> list[dict]:
    """§4 / §6: the DNNs with three times the width and depth (384 x 9) at training-set size T."""
    if T > cfg["n_train"]:
        raise ConfigError(f"paper A: T = {T} exceeds the training pool of {cfg['n_train']} jets")
    return [{"classifier": c, "T": int(T), "width": int(width), "depth": int(depth), "repeat": r}
            for c in ("dnn_efp", "dnn_lot") for r in range(int(repeats))]


def sweep_directory(dcfg: dict) -> Path:
    """``data/sweeps/paper_a-<hash>``: one directory per data configuration and version of the task's code."""
    return keyed_directory("paper_a", dcfg, _task.__name__)


def point_cost(point: dict) -> float:
    """Rough relative cost of a point, for the order in which the sweep starts them (largest first, so that the
    longest trainings do not end up alone on one core at the end): T, times 10 for a DNN, times its weights relative
    to the 3 x 128 network (a 9 x 384 network has ~17 times as many; the inputs count as 300 features)."""
    cost = float(point["T"])
    if point["classifier"].startswith("dnn"):
        w, d = int(point.get("width", 128)), int(point.get("depth", 3))
        cost *= 10.0 * (300 * w + (d - 1) * w * w) / (300 * 128 + 2 * 128 * 128)
    return cost


def run_points(cfg: dict, points: list[dict], seed: int = 0, scheduler: str = "local",
               n_workers: int | None = None) -> pd.DataFrame:
    """Run (or read) paper-A points; returns the tidy table (one row per point)."""
    dcfg = data_config(cfg, seed)
    full = prepare(dcfg, [(FEATURE_OF[p["classifier"]], p) for p in points])
    return run_sweep(point_task, points, sweep_directory(dcfg), base_seed=seed, scheduler=scheduler,
                     n_workers=n_workers, context={"dcfg": full}, priority=point_cost,
                     meta={"paper": "A", "profile": cfg["label"]})


def run_main_sweep(cfg: dict, seed: int = 0, scheduler: str = "local", n_workers: int | None = None,
                   classifiers=CLASSIFIERS) -> pd.DataFrame:
    """The main sweep of paper A. The first page that calls it computes it; the others read it."""
    return run_points(cfg, main_points(cfg, classifiers), seed, scheduler, n_workers)
