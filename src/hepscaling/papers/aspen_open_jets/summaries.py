"""The numbers Figs. 3 and 4 show and test: means and envelopes over seeds, fits ∝ D^−γ, how many more jets the
scratch baseline needs, saturation, agreement at the largest D, and the mode of the jet mass.

Conventions (stated on the pages):

* a *curve* is one metric (``kl`` or ``w1``) of one observable for one target and strategy, against D: the mean over
  seeds with the envelope (min, max) as the paper shows;
* **fit** (:func:`gamma_fit`): metric = A·D^−γ, least squares in log–log (:func:`hepscaling.scaling.fit.fit_power_law`,
  form ``pure``) through the mean curve; a curve whose metric falls by less than :data:`SATURATED_DROP` from the
  smallest to the largest D is *saturated* and not fitted (the paper: "when not in the saturated regime");
* **data multiplier** (:func:`data_multiplier`): the D the scratch curve needs to reach the fine-tuned curve's value
  at ``D_ref``, divided by ``D_ref`` (interpolation of log metric in log D between the scratch points; beyond the
  largest D the multiplier is only known to exceed D_max / D_ref);
* **near-optimal** (:func:`optimality_ratio`): the mean metric at D over the best mean metric at any D of the curve.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ...scaling.fit import FitError, fit_power_law
from .constituents import OBSERVABLES

METRICS = {"kl": "KL divergence", "w1": "Wasserstein-1"}
#: a curve whose mean metric drops by less than this factor over the D range is "saturated" (flat): not fitted
SATURATED_DROP = 1.5
KEYS = ("target", "strategy", "D")


def metric_columns() -> list[str]:
    return [f"{m}_{o}" for m in METRICS for o in OBSERVABLES]


def summarize(table: pd.DataFrame) -> pd.DataFrame:
    """Fine-tuning points: one row per (target, strategy, D) with each metric's ``mean``, ``lo``, ``hi`` (envelope
    over seeds) as columns ``<metric>``, ``<metric>_lo``, ``<metric>_hi``, and ``n`` (seeds)."""
    t = table[table["stage"] == "finetune"]
    cols = [c for c in metric_columns() if c in t.columns]
    g = t.groupby(list(KEYS))
    out = g[cols].mean()
    for c in cols:
        out[f"{c}_lo"] = g[c].min()
        out[f"{c}_hi"] = g[c].max()
    for c in ("best_val_loss", "epochs_run", "best_epoch", "empty_jets", "train_wall_s"):
        if c in t.columns:
            out[c] = g[c].mean()
    out["n"] = g[cols[0]].count()
    return out.reset_index().sort_values(list(KEYS)).reset_index(drop=True)


def curve(summary: pd.DataFrame, target: str, strategy: str, column: str) -> pd.DataFrame:
    """``D``, ``mean``, ``lo``, ``hi`` of one curve, by increasing D."""
    s = summary[(summary["target"] == target) & (summary["strategy"] == strategy)].sort_values("D")
    return pd.DataFrame({"D": s["D"].to_numpy(float), "mean": s[column].to_numpy(float),
                         "lo": s[f"{column}_lo"].to_numpy(float), "hi": s[f"{column}_hi"].to_numpy(float)})


def is_saturated(values) -> bool:
    """True when the curve (by increasing D) drops by less than :data:`SATURATED_DROP` overall."""
    v = np.asarray(values, float)
    return bool(len(v) < 2 or not (v[0] > 0 and v[-1] > 0) or v[0] / v[-1] < SATURATED_DROP)


def gamma_fit(summary: pd.DataFrame, target: str, strategy: str, column: str):
    """The fit metric = A·D^−γ through the mean curve (a :class:`PowerLawFit`, γ = ``params["alpha"]``), or None
    when the curve is saturated or cannot be fitted (fewer than 3 positive points)."""
    c = curve(summary, target, strategy, column)
    c = c[c["mean"] > 0]
    if len(c) < 3 or is_saturated(c["mean"]):
        return None
    try:
        return fit_power_law(c["D"], c["mean"], "pure")
    except FitError:
        return None


def gamma_table(summary: pd.DataFrame, target: str, strategies=("finetuned", "scratch")) -> pd.DataFrame:
    """One row per (strategy, metric, observable): ``gamma``, ``gamma_err`` (NaN where not fitted) and
    ``saturated``."""
    rows = []
    for s in strategies:
        for m in METRICS:
            for o in OBSERVABLES:
                col = f"{m}_{o}"
                fit = gamma_fit(summary, target, s, col)
                rows.append({"strategy": s, "metric": m, "observable": o,
                             "gamma": fit.params["alpha"] if fit else np.nan,
                             "gamma_err": fit.errors["alpha"] if fit else np.nan,
                             "saturated": is_saturated(curve(summary, target, s, col)["mean"])})
    return pd.DataFrame(rows)


def median_gamma(gammas: pd.DataFrame, strategy: str = "finetuned", exclude=("multiplicity",)) -> tuple[float, int]:
    """Median γ of the fitted curves of ``strategy`` (observables in ``exclude`` left out) and how many there are."""
    g = gammas[(gammas["strategy"] == strategy) & ~gammas["observable"].isin(exclude)]["gamma"].dropna()
    return (float(g.median()) if len(g) else np.nan), int(len(g))


def interpolate_D(D, values, level: float) -> float:
    """The D where a curve (values by increasing D) first falls to ``level``: linear interpolation of log value in
    log D between the two points around the crossing; the smallest D if it starts below; NaN if it never gets
    there."""
    D, v = np.log(np.asarray(D, float)), np.asarray(values, float)
    if v[0] <= level:
        return float(np.exp(D[0]))
    for i in range(1, len(v)):
        if v[i] <= level:
            a, b = np.log(v[i - 1]), np.log(max(v[i], 1e-300))
            t = (a - np.log(level)) / (a - b) if a != b else 1.0
            return float(np.exp(D[i - 1] + t * (D[i] - D[i - 1])))
    return float("nan")


def data_multiplier(summary: pd.DataFrame, target: str, column: str, D_ref: float) -> tuple[float, bool]:
    """``(k, reached)``: the scratch curve reaches the fine-tuned mean at ``D_ref`` at D = k·D_ref; when it never
    does within our D range, ``k = D_max / D_ref`` is a lower bound and ``reached`` is False."""
    ft = curve(summary, target, "finetuned", column)
    sc = curve(summary, target, "scratch", column)
    level = float(np.interp(np.log(D_ref), np.log(ft["D"]), ft["mean"]))
    d = interpolate_D(sc["D"], sc["mean"], level)
    if np.isnan(d):
        return float(sc["D"].max() / D_ref), False
    return float(d / D_ref), True


def optimality_ratio(summary: pd.DataFrame, target: str, strategy: str, column: str, D: float) -> float:
    """Mean metric at ``D`` over the best (smallest) mean metric of the curve at any D (1 = optimal)."""
    c = curve(summary, target, strategy, column)
    at = c[c["D"] == D]["mean"]
    if at.empty:
        raise ValueError(f"optimality_ratio: D = {D:g} is not among the curve's D values {list(c['D'])}")
    return float(at.iloc[0] / c["mean"].min())


def finetuned_better_fraction(summary: pd.DataFrame, target: str, D_max: float | None = None) -> tuple[float, int]:
    """Share of the (D, metric, observable) comparisons (D ≤ ``D_max``) where the fine-tuned mean is below the
    scratch mean, and their number."""
    wins = []
    for col in metric_columns():
        ft = curve(summary, target, "finetuned", col).set_index("D")["mean"]
        sc = curve(summary, target, "scratch", col).set_index("D")["mean"]
        for D in ft.index.intersection(sc.index):
            if D_max is None or D <= D_max:
                wins.append(bool(ft[D] < sc[D]))
    return (float(np.mean(wins)) if wins else np.nan), len(wins)


def largest_D_ratio(summary: pd.DataFrame, target: str) -> float:
    """Median over the metrics of scratch mean / fine-tuned mean at the largest D (1 = the strategies agree)."""
    D = summary["D"].max()
    r = [curve(summary, target, "scratch", c).set_index("D")["mean"][D]
         / curve(summary, target, "finetuned", c).set_index("D")["mean"][D] for c in metric_columns()]
    return float(np.median(r))


def mode(values, lo: float, hi: float, n_grid: int = 801) -> float:
    """The mode of a sample: the maximum of its Gaussian kernel density estimate (Scott's bandwidth) on a grid of
    ``n_grid`` points in [lo, hi]."""
    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    if len(v) < 2 or np.ptp(v) == 0:
        return float(v[0]) if len(v) else float("nan")
    x = np.linspace(lo, hi, n_grid)
    return float(x[np.argmax(stats.gaussian_kde(v)(x))])
