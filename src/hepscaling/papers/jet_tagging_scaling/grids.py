"""The grids of points paper D's pages need, and running them on the shared sweep engine.

One sweep directory per data configuration and task code version (``data/sweeps/paper_d-<hash>``) holds every run of
the chapter.  A point is its content, so a feature-set or multiplicity run that coincides with a grid run (same N,
D, inputs and cap) *is* that run: the first page that needs it computes it, the others read it.
"""
from __future__ import annotations

import pandas as pd

from ...scaling.sweep import run_sweep, sweep_directory, with_repeats
from . import data as _data
from . import task as _task
from .config import data_config, grid_pairs


def point(N: int, D: int, feature_set: str, max_particles: int, epochs: int = 1) -> dict:
    return {"N": int(N), "D": int(D), "epochs": int(epochs), "feature_set": str(feature_set),
            "max_particles": int(max_particles)}


def _repeat(cfg: dict, points: list[dict]) -> list[dict]:
    return with_repeats(points, int(cfg["repeats"]))


def grid_points(cfg: dict) -> list[dict]:
    """The N × D grid cut at N · D <= max_ND (:func:`~.config.grid_pairs`; one pass over D fresh jets), main inputs
    and cap."""
    return _repeat(cfg, [point(N, D, cfg["feature_set"], cfg["max_particles"]) for N, D in zip(*grid_pairs(cfg))])


def repetition_points(cfg: dict) -> list[dict]:
    """U unique jets for each number of epochs, and the fresh-data runs at D = U · epochs and D = U (one pass), each
    ``repetition.repeats`` times (at least ``repeats``)."""
    r = cfg["repetition"]
    fs, cap = cfg["feature_set"], cfg["max_particles"]
    rep = [point(r["N"], U, fs, cap, e) for U in r["U_values"] for e in r["epochs"]]
    fresh = sorted({U * e for U in r["U_values"] for e in (1, *r["epochs"])})
    return with_repeats(rep + [point(r["N"], D, fs, cap) for D in fresh], max(int(r["repeats"]), int(cfg["repeats"])))


def feature_points(cfg: dict) -> list[dict]:
    f = cfg["features"]
    return _repeat(cfg, [point(f["N"], D, s, cfg["max_particles"]) for s in f["sets"] for D in f["D_values"]])


def multiplicity_points(cfg: dict) -> list[dict]:
    m = cfg["multiplicity"]
    return _repeat(cfg, [point(m["N"], D, cfg["feature_set"], c) for c in m["caps"] for D in m["D_values"]])


def _cost(p: dict) -> float:
    """Relative cost of a run (to start the expensive ones first): N · jets seen · cap."""
    return float(p["N"]) * p["D"] * p["epochs"] * p["max_particles"]


def chapter_inputs(cfg: dict) -> dict:
    """The inputs every run of the chapter reads: ``{(feature_set, cap): {"train": the largest D of a run with
    them, "val": n_val, "test": n_test}}`` (a repeated run reads its U unique jets)."""
    out: dict = {}
    for p in grid_points(cfg) + repetition_points(cfg) + feature_points(cfg) + multiplicity_points(cfg):
        rows = out.setdefault((p["feature_set"], p["max_particles"]),
                              {"train": 0, "val": int(cfg["n_val"]), "test": int(cfg["n_test"])})
        rows["train"] = max(rows["train"], p["D"])
    return out


def run_points(cfg: dict, points: list[dict], seed: int = 0, scheduler: str = "local",
               n_workers: int | None = None) -> pd.DataFrame:
    """Run (or read) paper-D points; returns the tidy table (one row per point).  Before the workers start, the
    inputs of the whole chapter (:func:`chapter_inputs`) are computed and cached if missing, so that the jets are
    read once for all the pages, and the workers only load them."""
    dcfg = data_config(cfg, seed)
    wanted = chapter_inputs(cfg)
    extra = {(p["feature_set"], p["max_particles"]) for p in points} - set(wanted)
    if extra:
        raise ValueError(f"paper D: points with feature set and cap {sorted(extra)} are not among the chapter's "
                         f"({sorted(wanted)}): run_points takes the points of grids' *_points functions")
    _data.ensure_inputs(dcfg, wanted)
    rows = {_task.inputs_key(fs, cap): r for (fs, cap), r in wanted.items()}
    return run_sweep(_task.point_task, points, sweep_directory("paper_d", dcfg, _task.__name__), base_seed=seed,
                     scheduler=scheduler, n_workers=n_workers, context={"dcfg": dcfg, "rows": rows},
                     priority=_cost, meta={"paper": "D", "profile": cfg["label"]})
