"""What every page of paper B's ttH chapter starts with: the configuration (profile and the page's overrides), the
claims sheet, the scans it reads (each computed by the first page that needs it) and the data statement."""
from __future__ import annotations

from functools import cached_property

import pandas as pd

from ...claims import ClaimSheet
from .config import data_used, load_config, pool_sizes
from .grids import compute_points, eta_points, grid_points, het_points, lloca_points, run_points
from .summaries import summarize


class Page:
    """``Page(profile, seed, D_max=..., N_max=..., scheduler=..., items=["Fig. 2"])``: ``.cfg``, ``.claims``, and the
    summaries (means over repeats) of ``.grid`` (D × N, MSE), ``.eta`` (η scan), ``.compute`` (C scan, MSE),
    ``.het_grid``, ``.het_compute`` and ``.lloca``; ``.tables[name]`` holds the per-run tables."""

    def __init__(self, profile: str, seed: int = 0, D_max: int = 0, N_max: int = 0, scheduler: str = "local",
                 items=()):
        self.cfg = load_config(profile, D_max=D_max, N_max=N_max)
        self.seed = int(seed)
        self.scheduler = scheduler
        self.claims = ClaimSheet("B", data_used(self.cfg), items=items)
        self.tables: dict[str, pd.DataFrame] = {}

    def run(self, name: str, points: list[dict]) -> pd.DataFrame:
        self.tables[name] = run_points(self.cfg, points, seed=self.seed, scheduler=self.scheduler)
        return summarize(self.tables[name])

    @cached_property
    def grid(self) -> pd.DataFrame:
        return self.run("grid", grid_points(self.cfg))

    @cached_property
    def eta(self) -> pd.DataFrame:
        return self.run("eta", eta_points(self.cfg))

    @cached_property
    def compute(self) -> pd.DataFrame:
        return self.run("compute", compute_points(self.cfg))

    @cached_property
    def het_grid(self) -> pd.DataFrame:
        return self.run("het_grid", het_points(self.cfg)["D"])

    @cached_property
    def het_compute(self) -> pd.DataFrame:
        return self.run("het_compute", het_points(self.cfg)["C"])

    @cached_property
    def lloca(self) -> pd.DataFrame:
        return self.run("lloca", lloca_points(self.cfg))

    def uncertainty_runs(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The heteroscedastic runs of Figs. 5 and 6, one row per run: the compute scan at its largest D and the D
        scan at its largest N."""
        _ = (self.het_compute, self.het_grid)      # computed (or read) by the first page that needs them
        runs_c, runs_d = self.tables["het_compute"], self.tables["het_grid"]
        return runs_c[runs_c.D == runs_c.D.max()], runs_d[runs_d.N == runs_d.N.max()]

    def input_dimension(self) -> tuple[float, float]:
        """TwoNN on the standardised inputs z_ij themselves, at the points whose last-layer activations give a run's
        dimension (the first ``n_dim`` of the training pool and test set): (estimate, spread over 5 subsets).  What
        the estimator finds on the data manifold at this number of points — the value a surrogate that has learned
        the manifold can reach (twoNN is biased low on curved, bounded manifolds)."""
        import numpy as np

        from ...geometry.twonn import twonn, twonn_subsets
        from .config import data_config
        from .task import prepared
        data = prepared(data_config(self.cfg, self.seed))
        x = np.concatenate([data["train"]["x"], data["test"]["x"]])[: int(self.cfg["n_dim"])]
        return twonn(x), twonn_subsets(x, n_subsets=5, seed=self.seed)[1]

    def statement(self) -> str:
        """Markdown paragraph: the data, sizes and training setup of the page."""
        c, pools = self.cfg, pool_sizes(self.cfg)
        tgt = ("|M|² divided by its training-pool mean (the paper trains ttH on non-preprocessed targets, §4)"
               if c["targets"] == "raw" else "standardised log|M|²")
        return (f"**Data** (profile `{c['label']}`, seed {self.seed}): {data_used(c).text}; training pool "
                f"{pools['train']:,}, validation pool {pools['val']:,} (each run validates on D/4), test set "
                f"{pools['test']:,} events. Targets: {tgt}. **Training:** MLP-I with µP (base width "
                f"{c['base_width']}, width/depth ≈ {c['width_ratio']:g}, {c['activation']}), Adam, η₀ = {c['lr']:g}, "
                f"batch {c['batch_size']}, cosine annealing over each run, validation every {c['eval_every']} steps, "
                f"best-validation weights, {c['epochs']:,} epochs capped at {c['max_steps']:,} steps "
                f"(paper: 10⁴ epochs uncapped), {c['repeats']} run(s) per point.")

    @property
    def data(self):
        from IPython.display import Markdown
        return Markdown(self.statement())
