"""What every page of paper A starts with: its configuration (from the profile and the page's overrides), its claims
sheet, the sweep it reads, and the statement of the data it ran on."""
from __future__ import annotations

from functools import cached_property

import pandas as pd

from ...claims import ClaimSheet
from ...scaling.sweep import point_id
from .config import data_statement, data_used, load_config
from .grids import main_points, run_main_sweep, run_points
from .summaries import summarize


class Page:
    """``Page(profile, seed, source=..., T_max=..., scheduler=..., items=["Fig. 2"])`` on a notebook of paper A:
    ``.cfg`` (the configuration), ``.claims`` (the :class:`~hepscaling.claims.ClaimSheet` of its items),
    ``.main_summary`` (mean losses of the main sweep, computed by the first page that needs them),
    ``.run(points)`` (other points of the chapter's sweep; ``with_main=True``: together with the main sweep) and
    ``.data`` (the data statement, for ``display``)."""

    def __init__(self, profile: str, seed: int = 0, source: str = "", T_max: int = 0, scheduler: str = "local",
                 items=()):
        self.cfg = load_config(profile, source=source, T_max=T_max)
        self.seed = int(seed)
        self.scheduler = scheduler
        self.claims = ClaimSheet("A", data_used(self.cfg), items=items)

    @cached_property
    def main_table(self) -> pd.DataFrame:
        """The main sweep (classifier x T x repeat), one row per point."""
        return run_main_sweep(self.cfg, seed=self.seed, scheduler=self.scheduler)

    @cached_property
    def main_summary(self) -> pd.DataFrame:
        """Mean test loss over repeats per classifier and T, with standard deviation and error."""
        return summarize(self.main_table)

    def run(self, points: list[dict], with_main: bool = False) -> pd.DataFrame:
        """The table of ``points`` (run or read). ``with_main=True`` first runs them in one sweep with the main
        sweep's points (for the first page that needs both: one pool of workers packs the long trainings of both,
        instead of one core idling while the other finishes the longest point of each sweep)."""
        if with_main:
            ids = {point_id(p) for p in points}
            run_points(self.cfg, points + [p for p in main_points(self.cfg) if point_id(p) not in ids],
                       seed=self.seed, scheduler=self.scheduler)
        return run_points(self.cfg, points, seed=self.seed, scheduler=self.scheduler)

    @property
    def data(self):
        """The data statement of the page (an IPython Markdown object)."""
        from IPython.display import Markdown
        return Markdown(data_statement(self.cfg, self.seed))
