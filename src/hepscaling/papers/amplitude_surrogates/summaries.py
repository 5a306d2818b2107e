"""The numbers paper B's pages show: means over repeats, the eq. (1) fits of App. C, the η optimum, the trends the
paper states.  Everything a page computes from the sweep tables lives here; the pages hold narrative and plots."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ...scaling.fit import fit_groups

#: Paper B, App. C: every fit assumes a 10 % relative error on each test loss.
RELATIVE_ERROR = 0.1
METRICS = ("mse", "l1", "epsilon", "flops", "n_params", "dimension", "dimension_err", "sigma_median", "pull_std",
           "pull_within_1", "wall_s", "best_step")


def summarize(table: pd.DataFrame, by=("model", "loss", "N", "D", "steps", "lr")) -> pd.DataFrame:
    """Mean of every metric over repeats per point (without ``repeat``), with the test MSE's standard deviation and
    the number of repeats ``n``."""
    by = [b for b in by if b in table.columns]
    cols = [m for m in METRICS if m in table.columns]
    g = table.groupby(by, dropna=False)
    s = g[cols].mean()
    s["mse_std"] = g["mse"].std().fillna(0.0)
    s["n"] = g["mse"].count()
    return s.reset_index().sort_values(by).reset_index(drop=True)


def fit_scan(summary: pd.DataFrame, x: str, by: str, y: str = "mse", x_range=None) -> dict:
    """Eq. (1), L = (X_c/X)^α + K, fitted per group ``by`` as the paper's App. C: on log L, with a 10 % relative
    error on every loss.  ``{group: PowerLawFit or None}`` (None: fewer than four points, no fit, or a fit that
    does not constrain α, :func:`constrained`)."""
    s = summary.assign(_sigma=RELATIVE_ERROR * summary[y])
    fits = fit_groups(s, by=by, x=x, y=y, form="offset", sigma="_sigma", x_range=x_range, min_points=4)
    return {k: (f if constrained(f) else None) for k, f in fits.items()}


def constrained(fit) -> bool:
    """A fit whose exponent says something: α > 0 with a finite error smaller than α.  Losses that do not fall
    (a flat or rising scan) give α ≤ 0 or an error of many orders of magnitude, which would pass any test."""
    if fit is None:
        return False
    a, e = fit.params["alpha"], fit.errors["alpha"]
    return bool(np.isfinite(a) and np.isfinite(e) and a > 0 and e < a)


def fit_rows(fits: dict, x_name: str, by_name: str) -> list[list]:
    """Table rows ``[X, second parameter, X_c, α, K]`` (the paper's Table 2 layout) of :func:`fit_scan` results."""
    rows = []
    for key, f in fits.items():
        if f is None:
            rows.append([x_name, f"{by_name} = {key:.3g}", "no constrained fit", "", ""])
            continue
        p, e = f.params, f.errors
        rows.append([x_name, f"{by_name} = {key:.3g}", f"{p['Xc']:.3g} ± {e['Xc']:.2g}",
                     f"{p['alpha']:.3f} ± {e['alpha']:.3f}", f"{p['K']:.3g} ± {e['K']:.2g}"])
    return rows


def best_learning_rates(eta_summary: pd.DataFrame) -> pd.Series:
    """η₀ of the lowest test MSE per network size N (Fig. 1 left)."""
    idx = eta_summary.groupby("N")["mse"].idxmin()
    return eta_summary.loc[idx].set_index("N")["lr"]


def optimum_spread_decades(eta_summary: pd.DataFrame) -> float:
    """How far the optimal η₀ moves across network sizes: max − min of log10 η₀* (0 when it does not move)."""
    lr = np.log10(best_learning_rates(eta_summary).to_numpy(float))
    return float(lr.max() - lr.min())


def decades_gained(summary: pd.DataFrame, x: str, at: dict, y: str = "mse") -> float:
    """log10(L at the smallest x / L at the largest x) along ``x`` with the other columns fixed to ``at``."""
    s = summary
    for k, v in at.items():
        s = s[s[k] == v]
    s = s.sort_values(x)
    if len(s) < 2:
        return float("nan")
    return float(np.log10(s[y].iloc[0] / s[y].iloc[-1]))


def rank_correlation(x, y) -> float:
    """Spearman rank correlation of two sequences (the sign says whether y falls as x grows)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    if len(x) < 3:
        return float("nan")
    return float(stats.spearmanr(x, y).statistic)


def compute_limited_by_data(compute_summary: pd.DataFrame, y: str = "mse") -> float:
    """Spearman rank correlation of the loss at the most steps of each D's compute scan with D: negative when more
    data lowers the loss reached at large compute (NaN with fewer than three D)."""
    top = compute_summary.loc[compute_summary.groupby("D")["steps"].idxmax()].sort_values("D")
    return rank_correlation(top["D"], top[y])


def nearest(values, target: float) -> float:
    """The value of ``values`` nearest to ``target`` in log."""
    values = np.asarray(sorted(set(map(float, values))))
    return float(values[np.argmin(np.abs(np.log(values / target)))])


def log_range_coverage(ours: tuple[float, float], paper: tuple[float, float]) -> float:
    """The share of the paper's range ``paper = (lo, hi)`` that ours covers, measured in decades: the overlap of the
    two intervals in log10 over the paper's width (1: ours spans all of it; a single paper value counts as covered
    when it lies inside ours)."""
    (a, b), (lo, hi) = (sorted(map(float, ours)), sorted(map(float, paper)))
    if min(a, lo) <= 0:
        raise ValueError(f"log_range_coverage needs positive ranges, got ours {ours} and paper {paper}")
    if lo == hi:
        return float(a <= lo <= b)
    overlap = np.log10(min(b, hi)) - np.log10(max(a, lo))
    return float(max(overlap, 0.0) / np.log10(hi / lo))


def histogram_mean(table: pd.DataFrame, column: str) -> np.ndarray:
    """Sum of the per-repeat histograms in ``column`` (lists of counts) of the rows of ``table``, normalised to unit
    area on their bins' index."""
    h = np.sum(np.stack([np.asarray(v, float) for v in table[column]]), axis=0)
    return h / max(h.sum(), 1.0)


def fit_near(fits: dict, target: float, factor: float = 3.0):
    """``(key, fit)`` of the fitted group nearest to ``target`` in log, if within ``factor`` of it and fitted;
    else ``(key or None, None)``: a paper's row at N = 10⁶ is only compared with ours at N within 3·10⁵…3·10⁶."""
    keys = [k for k in fits if fits[k] is not None]
    if not keys:
        return None, None
    key = min(keys, key=lambda k: abs(np.log(float(k) / target)))
    return (key, fits[key]) if abs(np.log(float(key) / target)) <= np.log(factor) else (key, None)


def check_alpha(claims, claim_id: str, fits: dict, target: float, name: str) -> None:
    """Test a paper's α (claim ``claim_id``) against our fit at the group nearest ``target`` (:func:`fit_near`)."""
    key, f = fit_near(fits, target)
    if f is None:
        claims.check(claim_id, None, reason=f"no fitted {name} within a factor 3 of {target:.3g} in our grid")
    else:
        claims.check(claim_id, f.params["alpha"], error=f.errors["alpha"], detail=f"ours at {name} = {key:.3g}")
