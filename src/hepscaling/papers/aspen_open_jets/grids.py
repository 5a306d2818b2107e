"""The points of paper C's experiment and running them, stage after stage, on the shared sweep engine.

One sweep directory per data configuration and task code version (``data/sweeps/paper_c-<hash>``) holds every point
of both figures: the two tokenizers, the pretrained backbone, the metric floors and the fine-tuning / scratch runs.
A stage's points run only when the stages before it are finished (a fine-tuning point loads the backbone and the
tokenizer as artifacts of their points), so the first page that needs them computes them and the other reads them.
"""
from __future__ import annotations

import copy

import pandas as pd

from ...scaling.sweep import finished, get_client, run_sweep, sweep_directory, with_repeats
from . import task as _task
from .data import TARGETS

DATA_KEYS = ("aoj_per_shard", "aoj_calibration_events", "jetclass_per_class", "jetclass_per_shard", "omnijet")


def data_config(cfg: dict, seed: int = 0) -> dict:
    """What determines the jets and every run (the identity of the sweep directory, with the task's code)."""
    out = {k: copy.deepcopy(cfg[k]) for k in DATA_KEYS}
    out["omnijet"].pop("repeats")           # more seeds add points, they do not change the others
    out["data_seed"] = int(seed)
    return out


def tokenizer_points() -> list[dict]:
    return [{"stage": "tokenizer", "source": s} for s in ("aoj", "jetclass")]


def pretrain_points() -> list[dict]:
    return [{"stage": "pretrain"}]


def reference_points(targets=tuple(TARGETS)) -> list[dict]:
    return [{"stage": "reference", "target": t, "tokenizer": k} for t in targets for k in ("none", "aoj", "jetclass")]


def finetune_points(cfg: dict, targets=tuple(TARGETS)) -> list[dict]:
    """Every (target, strategy, D) with ``omnijet.repeats`` seeds each."""
    o = cfg["omnijet"]
    pts = [{"stage": "finetune", "target": t, "strategy": s, "D": int(D)} for t in targets
           for s in _task.STRATEGIES for D in o["finetune"]["D_values"]]
    return with_repeats(pts, int(o["repeats"]))


def _cost(p: dict) -> float:
    return float(p.get("D", 0))


def directory(cfg: dict, seed: int = 0):
    return sweep_directory("paper_c", data_config(cfg, seed), _task.__name__)


def _priority(p: dict) -> float:
    """Larger first: the backbone (the fine-tuned points wait for it), then the runs by D."""
    return float("inf") if p["stage"] == "pretrain" else _cost(p)


def run_points(cfg: dict, points: list[dict], seed: int = 0, scheduler: str = "local",
               n_workers: int | None = None) -> pd.DataFrame:
    """Run (or read) paper-C points; returns the tidy table (one row per point). The stages run in three rounds on
    single-threaded workers: the two tokenizers side by side; then the backbone's pretraining alongside the points
    that do not need it (the scratch runs and the metric floors), so that no core idles while it trains; then the
    fine-tuned runs, which load it. With ``scheduler="local"`` the three rounds share one set of worker processes
    (started only when a point is left to run), which keep the jets they have read."""
    dcfg = data_config(cfg, seed)
    where = directory(cfg, seed)
    stages = {p["stage"] for p in points}
    for what in ("aoj", "jetclass", *sorted({p["target"] for p in points if "target" in p})):
        _task.jets(dcfg, what)      # jets generated and read once, before any worker starts
    kw = dict(base_seed=seed, context={"dcfg": dcfg, "directory": str(where)},
              meta={"paper": "C", "profile": cfg["profile"]})
    needs_backbone = [p for p in points if p["stage"] == "finetune" and p["strategy"] == "finetuned"]
    second = [p for p in points if p["stage"] in ("reference", "finetune") and p not in needs_backbone]
    if needs_backbone or "pretrain" in stages:
        second = pretrain_points() + second
    rounds = [r for r in (tokenizer_points(), second, needs_backbone) if r]
    close = None
    if str(scheduler) == "local" and any(not all(finished(where, p) for p in r) for r in rounds):
        # one set of worker processes for the three rounds (each round of its own would start and import them anew)
        scheduler, close = get_client("local", n_workers=n_workers)
    try:
        for i, batch in enumerate(rounds):
            run_sweep(_task.point_task, batch, where, scheduler=scheduler, n_workers=n_workers,
                      priority=None if i == 0 else _priority, **kw)
    finally:
        if close is not None:
            close()
    return run_sweep(_task.point_task, points, where, scheduler="sync", **kw)
