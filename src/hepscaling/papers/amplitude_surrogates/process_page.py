"""What every across-process page of paper B (§5, App. A.2–A.4, B.2, C) starts with: the configuration, the claims
sheet, the runs of every process (one shared set, computed by the first page that needs them) and the data
statement, whose first line says what replaced what."""
from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from ...claims import ClaimSheet, DataUsed
from . import laws as _laws
from .config import load_config
from .processes import (ACROSS, SUBSTITUTES, bound, dof, engine_process, n_final, pool_events, process_config,
                        replacement_note, run_all, short, split)
from .summaries import fit_scan, summarize


class ProcessPage:
    """``ProcessPage(profile, seed, scheduler=..., items=["Fig. 8"], processes=None)``: ``.cfg``, ``.claims``,
    ``.processes`` (the paper's processes this profile runs, in the paper's order, or the subset asked for),
    ``.pcfg[process]`` and, per process, the summaries ``.grid(p)`` (D × N), ``.compute(p)`` (C scan),
    ``.lloca(p)``; ``.fits(p)`` the eq. (1) fits, ``.exponents()`` one row per process."""

    def __init__(self, profile: str, seed: int = 0, scheduler: str = "local", items=(), processes=None):
        self.cfg = load_config(profile)
        self.seed = int(seed)
        self.scheduler = scheduler
        sec = self.cfg.get("processes")
        if sec is None:
            from .config import ConfigError
            raise ConfigError(f"profile {self.cfg['profile']!r}: papers.amplitude_surrogates has no `processes` "
                              "section; the across-process pages need one (hepscaling.papers.amplitude_surrogates."
                              "processes)")
        wanted = ACROSS if processes is None else [" ".join(p.split()) for p in processes]
        self.processes = [p for p in ACROSS if p in wanted and p in sec["runs"]]
        self.skipped = [p for p in wanted if p not in sec["runs"]]
        self.pcfg = {p: process_config(self.cfg, p) for p in self.processes}
        self.claims = ClaimSheet("B", self.data_used(), items=items)

    # ------------------------------------------------------------------------------------------------ the runs
    @cached_property
    def runs(self) -> dict:
        """``{process: {"D": runs, "C": runs, "lloca": runs}}`` (per-run tables), running what is missing."""
        tables = run_all([self.pcfg[p] for p in self.processes], seed=self.seed, scheduler=self.scheduler)
        return {p: split(tables[p], self.pcfg[p]) for p in self.processes}

    def grid(self, p: str) -> pd.DataFrame:
        """Every MLP-I run of the D scans and the N scan of ``p`` (means over repeats)."""
        return summarize(self.runs[p]["D"])

    def d_scans(self, p: str) -> pd.DataFrame:
        """The D scans of ``p``: the grid at the network sizes of ``N_values``."""
        g = self.grid(p)
        return g[g.N.isin(self.pcfg[p]["N_values"])].reset_index(drop=True)

    def compute(self, p: str) -> pd.DataFrame:
        return summarize(self.runs[p]["C"])

    def lloca(self, p: str) -> pd.DataFrame:
        t = self.runs[p]["lloca"]
        return summarize(t) if len(t) else t

    def fits(self, p: str) -> dict:
        """``{"D": {N: fit}, "N": {D: fit}, "C": {D: fit}}`` (None where not constrained)."""
        g, c = self.grid(p), self.compute(p)
        top = g[g.D == g.D.max()]
        return {"D": fit_scan(self.d_scans(p), x="D", by="N"), "N": fit_scan(top, x="n_params", by="D"),
                "C": fit_scan(c, x="flops", by="D")}

    def exponents(self) -> pd.DataFrame:
        """One row per process: n_f, d, 4/d, α_D at the largest N, α_N at the largest D, α_C at the compute scan's
        largest D (NaN where not constrained), with errors and the value of the fixed resource."""
        rows = []
        for p in self.processes:
            f = self.fits(p)
            g, c = self.d_scans(p), self.compute(p)
            row = {"process": p, "short": short(p), "n_f": n_final(p), "d": dof(p), "bound": bound(n_final(p))}
            for X, fits, key in (("D", f["D"], g.N.max()), ("N", f["N"], g.D.max()), ("C", f["C"], c.D.max())):
                fit = fits.get(key)
                row[f"alpha_{X}"] = np.nan if fit is None else fit.params["alpha"]
                row[f"alpha_{X}_err"] = np.nan if fit is None else fit.errors["alpha"]
                row[f"{X}_at"] = key
            rows.append(row)
        return pd.DataFrame(rows)

    def input_dimension(self, p: str) -> tuple[float, float]:
        """TwoNN on the standardised inputs z_ij of process ``p`` at the points whose last-layer activations give a
        run's dimension: (estimate, spread over 5 subsets) — what the estimator finds on the data manifold itself."""
        from ...geometry.twonn import twonn, twonn_subsets
        from .processes import data_config
        from .task import prepared
        data = prepared(data_config(self.pcfg[p], self.seed))
        x = np.concatenate([data["train"]["x"], data["test"]["x"]])[: int(self.pcfg[p]["n_dim"])]
        return twonn(x), twonn_subsets(x, n_subsets=5, seed=self.seed)[1]

    def network_gain(self, n_ref: float = 1e4):
        """``(largest log10(MSE at N ≈ n_ref / MSE at the largest N), detail)`` over the processes, at each one's
        largest D, or None when no grid's largest network has at least 3·n_ref parameters."""
        vals = {}
        for p in self.processes:
            g = self.grid(p)
            g = g[g.D == g.D.max()]
            big = g.loc[g.n_params.idxmax()]
            if big.n_params < 3 * n_ref:
                continue
            ref = g.loc[(np.log(g.n_params / n_ref)).abs().idxmin()]
            vals[p] = (float(np.log10(ref.mse / big.mse)), int(ref.n_params), int(big.n_params))
        if not vals:
            return None
        worst = max(vals, key=lambda p: vals[p][0])
        v, a, b = vals[worst]
        return v, f"largest at {short(worst)}: N = {a:,} vs {b:,}"

    def store_laws(self, page: str = "") -> dict:
        """Fit and store every process's laws (:mod:`.laws`) in the profile's laws file; returns ``{process: laws}``."""
        out = {}
        for p in self.processes:
            out[p] = _laws.fit_laws(self.grid(p), self.compute(p), n_values=self.pcfg[p]["N_values"])
            _laws.store(self.cfg["profile"], p, out[p], engine_process=engine_process(p), page=page,
                        units=self.units())
        return out

    # ------------------------------------------------------------------------------------------------ the text
    def units(self) -> str:
        return ("standardised log|M|² (mean 0, variance 1 over the training pool)"
                if self.cfg["processes"]["targets"] == "log" else "|M|² over its training-pool mean")

    def data_used(self) -> DataUsed:
        rep = replacement_note(self.processes)
        names = ", ".join(short(p) for p in self.processes)
        return DataUsed(f"local substitute: our exact tree-level |M|² of {names} on unweighted "
                        f"{self.cfg['collider_energy'] / 1000:g} TeV pp events (hepscaling.amplitudes)"
                        + (f"; {rep}" if rep else ""), dataset="substitute", sizes="reduced")

    def statement(self) -> str:
        """Markdown: first the replacements (if any), then the data, sizes and training setup."""
        c, sec = self.cfg, self.cfg["processes"]
        first = replacement_note(self.processes) or "No process replaced: every process is the paper's own."
        rows = ["| process | engine process | n_f | d = 3n_f − 4 | events (train + val + test) | D values | "
                "VEGAS [iterations, points, pilot] |", "|---|---|---|---|---|---|---|"]
        for p in self.processes:
            q = self.pcfg[p]
            rows.append(f"| {short(p)} | `{q['engine_process']}` | {n_final(p)} | {dof(p)} | {pool_events(q):,} | "
                        f"{', '.join(f'{d:,}' for d in q['D_values'])} | {q['collider_adapt']} |")
        skipped = (f" Not run at this profile: {', '.join(short(p) for p in self.skipped)}." if self.skipped else "")
        comp = sec["compute"]
        return "\n".join([
            f"**{first}**", "",
            f"**Data** (profile `{c['label']}`, seed {self.seed}): our exact tree-level |M|² on unweighted "
            f"{c['collider_energy'] / 1000:g} TeV pp events (`hepscaling.amplitudes.collider_events`), per process a "
            f"training pool (the largest D), a validation pool of a quarter of it and a test set of {sec['n_test']:,} "
            f"events. Targets: {self.units()}.{skipped}", "", *rows, "",
            f"**Training** (the ttH chapter's setup): MLP-I with µP (base width {c['base_width']}, width/depth ≈ "
            f"{c['width_ratio']:g}, {c['activation']}), Adam, η₀ = {c['lr']:g}, batch {c['batch_size']}, cosine "
            f"annealing, validation on D/4 every {c['eval_every']} steps, best-validation weights, {c['epochs']:,} "
            f"epochs capped at {c['max_steps']:,} steps; D scans at N = {', '.join(f'{n:,}' for n in sec['N_values'])}, "
            f"N scan at the largest D over N = {', '.join(f'{n:,}' for n in sec['N_scan'])}; "
            f"compute scans at N = {comp['N']:,}, D = {', '.join(f'{d:,}' for d in comp['D_values'])} (capped at "
            f"each process's largest D), steps {comp['steps']}; {c['repeats']} run(s) per point."])

    @property
    def data(self):
        from IPython.display import Markdown
        return Markdown(self.statement())


def tth_exponents(profile: str, seed: int = 0, scheduler: str = "local") -> dict:
    """ttH's row of :meth:`ProcessPage.exponents` from the ttH chapter's runs (Fig. 2's grid, Fig. 1's compute scan;
    targets as that chapter's)."""
    from .page import Page
    page = Page(profile, seed, scheduler=scheduler)
    g, c = page.grid, page.compute
    fD = fit_scan(g, x="D", by="N").get(g.N.max())
    fN = fit_scan(g, x="n_params", by="D").get(g.D.max())
    fC = fit_scan(c, x="flops", by="D").get(c.D.max())
    p = "u u~ > t t~ h"
    row = {"process": p, "short": "ttH", "n_f": 3, "d": 5, "bound": bound(3)}
    for X, fit, key in (("D", fD, g.N.max()), ("N", fN, g.D.max()), ("C", fC, c.D.max())):
        row[f"alpha_{X}"] = np.nan if fit is None else fit.params["alpha"]
        row[f"alpha_{X}_err"] = np.nan if fit is None else fit.errors["alpha"]
        row[f"{X}_at"] = key
    return row, page


__all__ = ["ProcessPage", "tth_exponents", "SUBSTITUTES"]
