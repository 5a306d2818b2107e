"""Paper D — Vigl, Hartman, Kagan, Heinrich, "Neural scaling laws for boosted jet tagging" (arXiv:2602.15781).

Our copy is a press summary: claims come from the abstract only (``../shared/papers/D_NOTE.md``); numbers of the
summary are marked as from a secondary source. ``paper.yaml`` holds the items and the claims.

Modules: ``config`` (sizes from the profile), ``data`` (JetClass-like jets, splits, inputs through the cache),
``task`` (one set-transformer training run), ``grids`` (the runs each page needs, on the shared sweep engine),
``summaries`` (means, surface fit, frontier, repetition, per-group laws), ``page`` (what every page starts with),
``figures``.  A page::

    from hepscaling.papers import jet_tagging_scaling as pd_
    page = pd_.Page(profile, seed, scheduler=scheduler, items=["Size and data"])
    fit = pd_.surface_fit(page.grid, n_boot=page.cfg["n_boot"])
    page.claims.check("size_data.alpha_positive", fit.params["alpha"], error=fit.errors["alpha"])
"""
from .config import data_config, data_used, grid_pairs, load_config, train_sizes
from .figures import X_LABELS, Y_LABEL, colors, plot_family
from .grids import feature_points, grid_points, multiplicity_points, point, repetition_points, run_points
from .page import Page
from .summaries import (curve_envelope_frontier, envelope_frontier, fitted_gain, flops_per_nd, fresh_law,
                        frontier_verdicts, group_fits, log_residual_rms, log_slope, loss_at_largest_D, loss_drop,
                        measured_gains, ordered_by_loss, rank_correlation, repeated_vs_fresh, repetition_fit,
                        summarize, surface_fit, trained_runs, training_curves)

PAPER = "D"

__all__ = ["PAPER", "Page", "data_config", "data_used", "load_config", "train_sizes", "X_LABELS", "Y_LABEL", "colors",
           "plot_family", "feature_points", "grid_points", "multiplicity_points", "point", "repetition_points",
           "run_points", "grid_pairs", "curve_envelope_frontier", "training_curves", "envelope_frontier",
           "fitted_gain", "flops_per_nd", "fresh_law", "frontier_verdicts", "group_fits", "loss_drop",
           "trained_runs", "log_residual_rms",
           "log_slope", "loss_at_largest_D", "measured_gains", "ordered_by_loss", "rank_correlation", "repeated_vs_fresh",
           "repetition_fit", "summarize", "surface_fit"]
