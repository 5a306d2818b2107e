"""What every page of paper D's chapter starts with: the configuration, the claims sheet, the scans it reads (each
computed by the first page that needs it) and the data statement."""
from __future__ import annotations

from functools import cached_property

import pandas as pd

from ...claims import ClaimSheet
from .config import data_used, load_config
from .grids import feature_points, grid_points, multiplicity_points, repetition_points, run_points
from .summaries import summarize


class Page:
    """``Page(profile, seed, scheduler=..., items=["Size and data"])``: ``.cfg``, ``.claims`` and the summaries
    (means over repeats) of ``.grid`` (N × D), ``.repetition``, ``.features`` and ``.multiplicity``;
    ``.tables[name]`` holds the per-run tables."""

    def __init__(self, profile: str, seed: int = 0, scheduler: str = "local", items=()):
        self.cfg = load_config(profile)
        self.seed = int(seed)
        self.scheduler = scheduler
        self.claims = ClaimSheet("D", data_used(self.cfg), items=items)
        self.tables: dict[str, pd.DataFrame] = {}

    def run(self, name: str, points: list[dict]) -> pd.DataFrame:
        self.tables[name] = run_points(self.cfg, points, seed=self.seed, scheduler=self.scheduler)
        return summarize(self.tables[name])

    @cached_property
    def grid(self) -> pd.DataFrame:
        return self.run("grid", grid_points(self.cfg))

    @cached_property
    def repetition(self) -> pd.DataFrame:
        return self.run("repetition", repetition_points(self.cfg))

    @cached_property
    def features(self) -> pd.DataFrame:
        return self.run("features", feature_points(self.cfg))

    @cached_property
    def multiplicity(self) -> pd.DataFrame:
        return self.run("multiplicity", multiplicity_points(self.cfg))

    def statement(self) -> str:
        """Markdown paragraph: the data, sizes and training setup of the page."""
        c = self.cfg
        n = c["n_per_class"]
        return (f"**Data** (profile `{c['label']}`, seed {self.seed}): {data_used(c).text}. Each run trains on the "
                f"first D jets of the shuffled training split, validates on {c['n_val']:,} and is tested on "
                f"{c['n_test']:,} jets (10-class cross-entropy, nats; ln 10 = 2.303 is a uniform guess). "
                f"**Network:** set transformer (`hepscaling.models.set_transformer`), class token, width/depth ≈ "
                f"{c['width_ratio']:g}, heads of {c['head_dim']}, MLP ×{c['ff_mult']}; N counts non-embedding "
                f"parameters. **Training:** AdamW, lr {c['lr']:g}, weight decay {c['weight_decay']:g}, batch "
                f"{c['batch_size']}, cosine schedule, best-validation weights (validation every {c['eval_every']} "
                f"steps), one pass over D jets unless stated; inputs `{c['feature_set']}`, the "
                f"{c['max_particles']} highest-pT particles; {c['repeats']} run(s) per point. Training split: "
                f"{10 * n['train']:,} jets.")

    @property
    def data(self):
        from IPython.display import Markdown
        return Markdown(self.statement())
