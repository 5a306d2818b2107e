"""The numbers paper D's pages show: means over repeats, the loss-surface fit L(N, D) = E + A/N^α + B/D^β, the
compute-optimal frontier by both methods, the repetition fit, and the per-group data laws of the feature sets and
multiplicity caps.  Everything a page computes from the sweep tables lives here; the pages hold narrative and plots.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ...scaling.fit import FitError, compute_frontier, fit_loss_surface, fit_power_law
from ...scaling.repetition import data_curve, fit_repetition

KEYS = ("N", "D", "epochs", "feature_set", "max_particles")
METRICS = ("test_loss", "accuracy", "n_params", "flops", "samples_seen", "wall_s", "best_step", "steps_run",
           "best_val_loss", "val_loss_0")


def _untrained_loss(curve) -> float:
    """The validation loss at step 0 of a run's ``val_curve`` (nan when not recorded)."""
    for step, _, v in curve:
        if step == 0:
            return float(v)
    return float("nan")


def summarize(table: pd.DataFrame) -> pd.DataFrame:
    """Mean of every metric over repeats per point, with the test loss's standard deviation ``test_loss_std`` and the
    number of repeats ``n``; ``val_loss_0`` is the untrained network's validation loss (step 0 of ``val_curve``)."""
    if "val_curve" in table.columns and "val_loss_0" not in table.columns:
        table = table.assign(val_loss_0=[_untrained_loss(c) for c in table["val_curve"]])
    by = [k for k in KEYS if k in table.columns]
    cols = [m for m in METRICS if m in table.columns]
    g = table.groupby(by, dropna=False)
    s = g[cols].mean()
    s["test_loss_std"] = g["test_loss"].std().fillna(0.0)
    s["n"] = g["test_loss"].count()
    return s.reset_index().sort_values(by).reset_index(drop=True)


# ------------------------------------------------------------------------------------------------- size and data
def loss_drop(summary: pd.DataFrame) -> pd.Series:
    """Relative decrease of the best validation loss from the untrained network's: (L_0 − L_best) / L_0."""
    return (summary["val_loss_0"] - summary["best_val_loss"]) / summary["val_loss_0"]


def trained_runs(summary: pd.DataFrame, cfg: dict) -> pd.Series:
    """Which runs the surface fit takes (boolean, aligned with ``summary``): at least ``cfg["fit_min_steps"]``
    optimiser steps and a best validation loss at least ``cfg["fit_min_drop"]`` (a fraction) below the untrained
    network's (:func:`loss_drop`).  The others are optimiser-limited: their loss says how far a few steps get, not
    what D jets are worth (see the profile keys in :mod:`~.config`)."""
    steps_ok = summary["steps_run"] >= int(cfg["fit_min_steps"])
    drop_ok = loss_drop(summary) >= float(cfg["fit_min_drop"])
    return (steps_ok & drop_ok).rename("trained")


def surface_fit(grid: pd.DataFrame, n_boot: int = 100, seed: int = 0):
    """L(N, D) = E + A/N^α + B/D^β on the grid's mean test losses (N = non-embedding parameters, D = training jets),
    Huber loss in log L with bootstrap errors (Hoffmann et al.'s method 3); C ≈ 6 N D · M per jet is not used here
    (the frontier exponents a = β/(α+β), b = α/(α+β) hold for any C ∝ N D)."""
    return fit_loss_surface(grid["n_params"], grid["D"], grid["test_loss"], method="huber", errors="bootstrap",
                            n_boot=int(n_boot), seed=int(seed))


def log_residual_rms(fit) -> float:
    """Root mean square of log L − log L_fit over the fitted runs (0.05 = the fit describes them to 5 %)."""
    r = np.log(fit.L) - np.log(fit.predict(fit.N, fit.D))
    return float(np.sqrt(np.mean(r * r)))


def fitted_gain(fit, along: str) -> float:
    """Relative loss decrease of the fitted surface from the smallest to the largest ``along`` ("N" or "D") of the
    runs, the other variable at the largest value every ``along`` value was trained with (on a rectangular grid: its
    largest value; on a grid cut at N · D <= max_ND: the largest D of the largest N, resp. the largest N of the
    largest D, so that the comparison stays inside the runs): (L_fit(min) − L_fit(max)) / L_fit(min).  An exponent
    alone can mislead: a term whose prefactor vanishes over the grid can carry any α."""
    N, D = np.asarray(fit.N, float), np.asarray(fit.D, float)
    runs = pd.DataFrame({"N": N, "D": D})
    if along == "N":
        d = float(runs.groupby("N")["D"].max().min())
        lo, hi = fit.predict(N.min(), d), fit.predict(N.max(), d)
    elif along == "D":
        n = float(runs.groupby("D")["N"].max().min())
        lo, hi = fit.predict(n, D.min()), fit.predict(n, D.max())
    else:
        raise ValueError(f"fitted_gain: along must be 'N' or 'D', got {along!r}")
    return float((lo - hi) / lo)


# ---------------------------------------------------------------------------------------------- compute frontier
def envelope_frontier(grid: pd.DataFrame):
    """The lower envelope of the loss-vs-compute curves (one curve per N: its runs of different D), with power laws
    N_opt ∝ C^a, D_opt ∝ C^b through its interior optima; ``(frontier, None)`` or ``(None, reason)`` (a frontier
    without exponents, ``frontier.has_fit`` false, when too few optima are interior: ``frontier.why``)."""
    try:
        return compute_frontier(grid["n_params"], grid["D"], grid["flops"], grid["test_loss"],
                                require_fit=False), None
    except FitError as e:
        return None, str(e)


def training_curves(table: pd.DataFrame) -> pd.DataFrame:
    """The validation checkpoints along every run of a per-run table (``val_curve`` = [step, cumulative training
    FLOPs, validation loss] per evaluation, recorded by the shared loop): one row per checkpoint after step 0 with
    ``run`` (the run's row), ``n_params``, ``C`` (FLOPs so far), ``D`` (jets seen so far: C over the run's FLOPs per
    jet) and ``L`` (validation loss, nats)."""
    rows = []
    for i, r in enumerate(table.itertuples()):
        per_jet = float(r.flops) / float(r.samples_seen)
        for step, c, v in r.val_curve:
            if step > 0 and c > 0 and np.isfinite(v):
                rows.append({"run": i, "n_params": int(r.n_params), "C": float(c), "D": float(c) / per_jet,
                             "L": float(v)})
    return pd.DataFrame(rows, columns=["run", "n_params", "C", "D", "L"])


def curve_envelope_frontier(table: pd.DataFrame):
    """Chinchilla's method 1 proper: the lower envelope of the *training curves* (validation loss at every checkpoint
    of every run against the compute spent so far; each run its own curve, :func:`training_curves`) and power laws
    N_opt ∝ C^a, D_opt ∝ C^b through its interior optima.  A checkpoint inside a cosine run sits at a higher
    learning rate than a run that ends there (Hoffmann et al. take the envelope of such curves all the same), so the
    envelope is slightly pessimistic for the longer runs.  ``(frontier, None)`` or ``(None, reason)``; with too few
    interior optima the frontier has no exponents (``frontier.has_fit`` false, the reason in ``frontier.why``)."""
    cur = training_curves(table)
    if cur.empty:
        return None, "no validation checkpoints recorded"
    try:
        return compute_frontier(cur["n_params"], cur["D"], cur["C"], cur["L"], runs=cur["run"],
                                require_fit=False), None
    except FitError as e:
        return None, str(e)


def frontier_verdicts(fit, env) -> dict:
    """The numbers the frontier claims test, with the reason for each one that cannot be computed:
    ``n_interior`` (compute values whose envelope optimum lies strictly inside the model sizes covering them: a
    finite compute-optimal N on our grid), the envelope's ``a``, ``b`` (nan without a fit), ``E_sigma`` (the fitted
    E over its bootstrap error) and ``fit_vs_envelope`` (a_fit − a_env over the combined error)."""
    out = {"n_interior": 0 if env is None else int(env.interior.sum()),
           "n_opt_sizes": 0 if env is None else int(np.unique(env.N_opt[env.interior]).size),
           "a": float("nan"), "a_err": float("nan"), "b": float("nan"), "b_err": float("nan"),
           "fit_vs_envelope": float("nan")}
    if env is not None and env.has_fit:
        out.update(a=env.a, a_err=env.a_err, b=env.b, b_err=env.b_err,
                   fit_vs_envelope=float((fit.a - env.a) / np.hypot(fit.a_err, env.a_err)))
    E, sE = fit.params["E"], fit.errors["E"]
    out["E_sigma"] = float(E / sE) if np.isfinite(sE) and sE > 0 else float("nan")
    return out


def flops_per_nd(grid: pd.DataFrame) -> float:
    """k of C = k N D fitted through the runs (median of C / (N D)); for a set transformer k ≈ 6 M (M = cap) plus
    attention and embedding terms."""
    return float(np.median(grid["flops"] / (grid["n_params"] * grid["D"] * grid["epochs"])))


# ---------------------------------------------------------------------------------------------------- repetition
def fresh_law(rep: pd.DataFrame):
    """The fresh-data law of the repetition scan: the one-pass runs' losses as a curve in D, made non-increasing and
    interpolated in log D (:func:`~hepscaling.scaling.repetition.data_curve`, means over repeats weighted by their
    number); None with fewer than two fresh D.  No fitted form: one-pass runs on few jets are limited by their
    optimiser steps and steepen with D, which E + A/D^β cannot follow (on the batch-32 quick sweep the losses at
    D = 1000 … 16000 were 2.18, 1.97, 1.87, 1.49, 1.18)."""
    fresh = rep[rep["epochs"] == 1].sort_values("D")
    w = fresh["n"] if "n" in fresh.columns else None
    try:
        return data_curve(fresh["D"], fresh["test_loss"], weights=w)
    except FitError:
        return None


def repetition_fit(rep: pd.DataFrame, law=None):
    """R* of the effective data D' = U + U R* (1 − exp(−R/R*)) (Muennighoff et al.), fitted so that the fresh-data law
    at D' predicts the repeated runs (least squares in log L); None when there is no fresh-data law."""
    law = fresh_law(rep) if law is None else law
    if law is None:
        return None
    r = rep[rep["epochs"] > 1]
    return fit_repetition(r["D"], r["epochs"], r["test_loss"], law)


def measured_gains(rep: pd.DataFrame, law) -> pd.DataFrame:
    """D'/U of every repeated run read off the fresh-data curve, with no R*: the fresh D that reaches the run's loss
    (:meth:`~hepscaling.scaling.repetition.DataCurve.effective_data`), over U.  ``clipped`` marks losses outside the
    curve's range (then D' is a bound: at most the smallest fresh D, or at least the largest)."""
    r = rep[rep["epochs"] > 1].sort_values(["D", "epochs"])
    d_eff = law.effective_data(r["test_loss"].to_numpy())
    lo, hi = float(law.L.min()), float(law.L.max())
    return pd.DataFrame({"U": r["D"].to_numpy(int), "epochs": r["epochs"].to_numpy(int),
                         "L": r["test_loss"].to_numpy(), "D_eff": d_eff, "gain": d_eff / r["D"].to_numpy(),
                         "clipped": ~r["test_loss"].between(lo, hi).to_numpy()})


def repeated_vs_fresh(rep: pd.DataFrame) -> pd.DataFrame:
    """One row per repeated run (U, epochs): its loss, the loss of the fresh run that saw as many jets (D = U ·
    epochs) and ``log_ratio`` = log(L_repeated / L_fresh) (> 0: repeating is worth less than fresh data)."""
    fresh = rep[rep["epochs"] == 1].set_index("D")["test_loss"]
    rows = []
    for r in rep[rep["epochs"] > 1].itertuples():
        seen = int(r.D * r.epochs)
        lf = float(fresh.get(seen, np.nan))
        rows.append({"U": int(r.D), "epochs": int(r.epochs), "L_repeated": r.test_loss, "L_fresh_same_seen": lf,
                     "L_fresh_U": float(fresh.get(int(r.D), np.nan)), "log_ratio": float(np.log(r.test_loss / lf))})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------ features and multiplicity
def group_fits(summary: pd.DataFrame, by: str) -> dict:
    """Per group of ``by``: L(D) = A D^-β + E (form ``floor``) over its D scan; ``{group: PowerLawFit or None}``."""
    out = {}
    for key, g in summary.groupby(by, sort=True):
        g = g.sort_values("D")
        try:
            f = fit_power_law(g["D"], g["test_loss"], "floor")
            out[key] = f if np.isfinite(f.params["alpha"]) and f.params["alpha"] > 0 else None
        except FitError:
            out[key] = None
    return out


def loss_at_largest_D(summary: pd.DataFrame, by: str) -> pd.Series:
    """Mean test loss at the largest D of each group of ``by``."""
    top = summary[summary["D"] == summary["D"].max()]
    return top.groupby(by)["test_loss"].mean()


def ordered_by_loss(values: pd.Series) -> list:
    """Group names by increasing loss (the best first)."""
    return [str(k) for k in values.sort_values().index]


def rank_correlation(x, y) -> float:
    """Spearman rank correlation; for two points the sign of the change (±1, 0), nan with fewer."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    if len(x) < 2:
        return float("nan")
    if len(x) == 2:
        return float(np.sign((x[1] - x[0]) * (y[1] - y[0])))
    return float(stats.spearmanr(x, y).statistic)


def log_slope(x, y) -> float:
    """Slope of log y against log x (least squares); for two points the secant."""
    x, y = np.log(np.asarray(x, float)), np.log(np.asarray(y, float))
    return float(np.polyfit(x, y, 1)[0])
