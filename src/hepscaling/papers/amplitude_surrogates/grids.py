"""The grids of points paper B's ttH pages need, and running them on the shared sweep engine.

One sweep directory per data configuration and task code version (``data/sweeps/paper_b-<hash>``) holds every run of
the chapter: the D × N grid (Figs. 2, 3, 11, Table 2), the η scan (Fig. 1 left), the compute scan (Fig. 1 right), the
heteroscedastic runs (Figs. 4–6, Table 3) and the LLoCa-Transformer D scan (Fig. 7, Table 4).  A point is its
content, so the η scan's runs at the default η₀ on the grid's sizes *are* the grid's runs: the first page that needs a
run computes it, the others read it, and an interrupted build resumes.
"""
from __future__ import annotations

import pandas as pd

from ...scaling.sweep import run_sweep, sweep_directory, with_repeats
from . import task as _task
from .config import data_config


def steps_for(cfg: dict, D: int) -> int:
    """Training steps of a D or N scan run: ``epochs`` epochs of batches of min(batch_size, D) (paper: 10⁴ epochs
    for every D, §4.1), capped at ``max_steps`` (the profile's compute budget)."""
    bs = min(int(cfg["batch_size"]), int(D))
    return int(min(cfg["epochs"] * -(-int(D) // bs), cfg["max_steps"]))


def mlp_point(cfg: dict, D: int, N: int, *, loss: str = "mse", lr: float | None = None,
              steps: int | None = None) -> dict:
    """One MLP-I run.  The default η₀ and the D scan's number of steps unless given; MSE runs at those defaults
    measure the intrinsic dimension too (Fig. 3), and so coincide with the D × N grid's runs wherever they meet."""
    lr = float(cfg["lr"] if lr is None else lr)
    steps = steps_for(cfg, D) if steps is None else int(steps)
    point = {"model": "mlp_i", "loss": loss, "N": int(N), "D": int(D), "steps": steps, "lr": lr}
    if loss == "mse" and lr == float(cfg["lr"]) and steps == steps_for(cfg, D):
        point["dim"] = True
    return point


def _repeat(cfg: dict, points: list[dict]) -> list[dict]:
    return with_repeats(points, int(cfg["repeats"]))


def grid_points(cfg: dict, loss: str = "mse", N_values=None, D_values=None) -> list[dict]:
    """The D × N grid (Figs. 2, 3, 11; Table 2's D and N rows; with ``loss="het"`` Fig. 4 right and Table 3)."""
    return _repeat(cfg, [mlp_point(cfg, D, N, loss=loss) for N in (N_values or cfg["N_values"])
                         for D in (D_values or cfg["D_values"])])


def eta_points(cfg: dict) -> list[dict]:
    """Fig. 1 left: test MSE against the initial learning rate η₀ for several network sizes at one D."""
    e = cfg["eta"]
    return _repeat(cfg, [mlp_point(cfg, e["D"], N, lr=lr) for N in e["N_values"] for lr in e["lr_values"]])


def compute_points(cfg: dict, loss: str = "mse", D_values=None) -> list[dict]:
    """Fig. 1 right (and Fig. 4 left with ``loss="het"``): one run per number of steps — each with its own cosine
    schedule, as the paper's compute points — at a fixed network size, for several D."""
    c = cfg["compute"]
    return _repeat(cfg, [mlp_point(cfg, D, c["N"], loss=loss, steps=s) for D in (D_values or c["D_values"])
                         for s in c["steps"]])


def het_points(cfg: dict) -> dict:
    """The heteroscedastic runs: ``{"D": the D scan per N, "C": the compute scan per D}`` (Figs. 4–6, Table 3)."""
    h = cfg["het"]
    return {"D": grid_points(cfg, "het", h["N_values"], h["D_values"]),
            "C": compute_points(cfg, "het", h["compute_D_values"])}


def lloca_points(cfg: dict) -> list[dict]:
    """Fig. 7 / Table 4: the LLoCa-Transformer D scan (fixed size and number of steps)."""
    c = cfg["lloca"]
    return _repeat(cfg, [{"model": "lloca", "loss": "mse", "D": int(D), "steps": c["steps"], "lr": c["lr"],
                          "batch_size": c["batch_size"], "channels": c["channels"], "n_blocks": c["n_blocks"],
                          "n_heads": c["n_heads"]} for D in c["D_values"]])


def _cost(point: dict) -> float:
    """Relative cost of a run, to start the expensive ones first."""
    size = point.get("N", 2e5 * point.get("channels", 1))
    return float(size) * point["steps"] * min(point.get("batch_size", 256), point["D"])


def run_points(cfg: dict, points: list[dict], seed: int = 0, scheduler: str = "local",
               n_workers: int | None = None) -> pd.DataFrame:
    """Run (or read) paper-B points; returns the tidy table (one row per point)."""
    dcfg = data_config(cfg, seed)
    _task.prepared(dcfg)            # the events, generated (or read from the cache) once, before the workers start
    return run_sweep(_task.point_task, points, sweep_directory("paper_b", dcfg, _task.__name__), base_seed=seed,
                     scheduler=scheduler, n_workers=n_workers, context={"dcfg": dcfg}, priority=_cost,
                     meta={"paper": "B", "profile": cfg["label"]})
