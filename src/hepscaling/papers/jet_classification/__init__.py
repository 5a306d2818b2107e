"""Paper A — Batson & Kahn, "Scaling laws in jet classification": six IRC-safe classifiers (kNN on EMD, LOT and EFPs;
logistic regression on EFPs; DNNs on EFPs and LOT), their test loss vs training-set size T, power-law fits.

Modules: ``config`` (sizes from the profile), ``data`` (jets and features, cached), ``task`` (one sweep point),
``grids`` (the points each page needs, run on the shared sweep engine), ``summaries`` (mean losses, fits, ranks),
``figures`` (plot helpers), ``page`` (what every page starts with); ``paper.yaml`` holds the paper's figures and
statements (claims). A page::

    from hepscaling.papers import jet_classification as jc
    page = jc.Page(profile, seed, source=source, T_max=T_max, scheduler=scheduler, items=["Fig. 1"])
    summary = page.main_summary
    display(page.data)
    ...
    page.claims.check("fig1.dnn_efp_lowest", fraction)
"""
from ... import plotting
from .config import data_config, data_statement, data_used, load_config
from .figures import plot_fit, plot_losses
from .page import Page
from .grids import (VARIANTS, hyperparameter_points, lr_nefp_points, main_points, run_main_sweep, run_points,
                    definition_points, size_check_points, sweep_directory)
from .summaries import fit_slopes, floor_fits, summarize
from .task import CLASSIFIERS, FEATURE_OF, efp_degree_counts, efp_degree_order

PAPER = "A"

plotting.register(
    colors={"knn_emd": "#1f77b4", "knn_lot": "#ff7f0e", "knn_efp": "#2ca02c", "lr_efp": "#d62728",
            "dnn_efp": "#9467bd", "dnn_lot": "#8c564b"},
    labels={"knn_emd": "kNN EMD", "knn_lot": "kNN LOT", "knn_efp": "kNN EFP", "lr_efp": "LR EFP",
            "dnn_efp": "DNN EFP", "dnn_lot": "DNN LOT"},
    markers={"knn_emd": "o", "knn_lot": "s", "knn_efp": "^", "lr_efp": "v", "dnn_efp": "D", "dnn_lot": "P"})

__all__ = ["PAPER", "Page", "CLASSIFIERS", "FEATURE_OF", "data_config", "load_config", "data_statement", "data_used", "efp_degree_counts",
           "efp_degree_order", "fit_slopes", "floor_fits", "hyperparameter_points", "lr_nefp_points", "main_points",
           "plot_fit", "plot_losses", "run_main_sweep", "run_points", "size_check_points", "summarize",
           "sweep_directory", "VARIANTS", "definition_points"]
