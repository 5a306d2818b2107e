"""Paper B — Bahl et al., "Scaling laws for amplitude surrogates": MLP-I (µP) and LLoCa-Transformer surrogates of
exact |M|², their test loss against training-set size D, network size N and compute C, eq. (1) fits, intrinsic
dimension, heteroscedastic uncertainties.

Modules: ``config`` (sizes from the profile), ``data`` (events, inputs, targets), ``task`` (one training run),
``grids`` (the runs each page needs, on the shared sweep engine), ``summaries`` (means, fits, trends), ``page`` (what
every page starts with); across processes (§5): ``processes`` (the processes, their configuration and runs),
``process_page`` (what those pages start with), ``laws`` (our fitted laws for the planner, its backtest);
``paper.yaml`` holds the paper's figures and statements (claims).  The exact amplitude engine the surrogates learn is
the shared layer :mod:`hepscaling.amplitudes`.  A page::

    from hepscaling.papers import amplitude_surrogates as ps
    page = ps.Page(profile, seed, D_max=D_max, N_max=N_max, scheduler=scheduler, items=["Fig. 2"])
    grid = page.grid                     # D x N runs, means over repeats
    fits = ps.fit_scan(grid, x="D", by="N")
    page.claims.check("table2.alpha_D_N1e4", fits[10000].params["alpha"], error=fits[10000].errors["alpha"])
"""
from ... import plotting
from .config import data_config, data_used, load_config, pool_sizes
from .data import degrees_of_freedom
from .figures import X_LABELS, Y_LABELS, colors, plot_family
from .grids import compute_points, eta_points, grid_points, het_points, lloca_points, mlp_point, run_points, steps_for
from .page import Page
from .process_page import ProcessPage, tth_exponents
from .summaries import (best_learning_rates, check_alpha, compute_limited_by_data, fit_near, decades_gained, fit_rows, fit_scan, histogram_mean, log_range_coverage, nearest,
                        optimum_spread_decades, rank_correlation, summarize)
from .task import PULL_BINS, SIGMA_BINS

PAPER = "B"

plotting.register(colors={
    "u u~ > t t~ h": "#1b9e77",
    "u u~ > z g": "#d95f02",
    "u u~ > z g g": "#7570b3",
    "u u~ > z g g g": "#e7298a",
    "u u~ > z g g g g": "#66a61e",
    "u d~ > w+ z": "#e6ab02",
    "u d~ > w+ z g": "#a6761d",
    "u d~ > w+ z g g": "#666666",
    "u u~ > w+ w- z": "#17becf",
    "g g > g g": "#bcbd22",
    "g g > g g g": "#7f7f7f",
    "g g > g g g g": "#aec7e8",
    "g g > a a g": "#9467bd",
})

__all__ = ["PAPER", "Page", "ProcessPage", "tth_exponents", "compute_limited_by_data", "data_config", "data_used", "load_config", "pool_sizes", "degrees_of_freedom",
           "compute_points", "eta_points", "grid_points", "het_points", "lloca_points", "mlp_point", "run_points",
           "steps_for", "best_learning_rates", "check_alpha", "fit_near", "decades_gained", "fit_rows", "fit_scan", "histogram_mean", "nearest",
           "optimum_spread_decades", "rank_correlation", "summarize", "PULL_BINS", "SIGMA_BINS", "X_LABELS", "Y_LABELS", "colors", "plot_family"]
