"""Our fitted scaling laws of eq. (1) per process — stored by the pages, read by the precision planner — and the
planner's backtest.

    L(X) = (X_c / X)^α_X + K_X,   X in {D, N, C}

Per process, one law per resource, each from the scan least limited by the others (as the paper's closing recipe
uses them): D at the largest N of the grid, N at the largest D, C at the largest D of the compute scan.  A law is
stored with its covariance (X_c, α, K) from the fit (10 % errors on every loss, App. C), its fit range and the
value of the resource held fixed.  File: ``data/laws/amplitude_surrogates-<profile>.json`` (``$HEPSCALING_DATA``),
written by :func:`store` (the planner page and the across-process pages call it), read by :func:`load` and by
``python -m hepscaling plan --source ours``.

Backtest (:func:`backtest`): fit the D scan at the largest N on every D but the largest, predict the loss at the
largest D with its 1σ band from the covariance, compare with the measured loss (its own 10 % error).  The paper's
recipe (:func:`recipe`, §5): α from the bound 4/d, K = 0 and X_c from the cheapest run (the smallest D) — a
conservative prediction when α_D ≥ 4/d.
"""
from __future__ import annotations

import json
import math
import time
from pathlib import Path

import numpy as np

from ...atomic import write_text
from ...scaling.fit import FitError, PowerLawFit, fit_power_law
from ...scaling.planner import PARAMS, plan as _plan
from .summaries import RELATIVE_ERROR, constrained

X_NAMES = {"D": ("D", "N"), "N": ("n_params", "D"), "C": ("flops", "D")}
LABELS = {"D": "D_train", "N": "N (parameters)", "C": "C [FLOPs]"}


class LawsError(ValueError):
    pass


def path(profile: str) -> Path:
    """The laws file of a profile."""
    from ...paths import data_dir
    return data_dir() / "laws" / f"amplitude_surrogates-{profile}.json"


def record(fit: PowerLawFit | None, X: str, second: str, second_value: float, reason: str = "") -> dict:
    """One law as plain JSON: params, covariance in (X_c, α, K), errors, fit range, the fixed resource; or, without a
    constrained fit, ``{"missing": reason}``."""
    if fit is None or not constrained(fit):
        return {"X": X, "second": second, "second_value": float(second_value),
                "missing": reason or "no constrained fit (fewer than four points, or α not constrained)"}
    idx = [fit.free.index(p) for p in PARAMS]
    cov = np.asarray(fit.cov, float)[np.ix_(idx, idx)]
    return {"X": X, "second": second, "second_value": float(second_value),
            "params": {k: float(fit.params[k]) for k in PARAMS}, "errors": {k: float(fit.errors[k]) for k in PARAMS},
            "cov": cov.tolist(), "x_range": [float(v) for v in fit.x_range], "n_points": int(fit.n_points),
            "chi2": float(fit.chi2), "ndof": int(fit.ndof)}


def fit_laws(grid, compute=None, n_values=None) -> dict:
    """``{X: law record}`` from a process's grid (summary with ``D``, ``N``, ``n_params``, ``mse``) and its compute
    scan (``D``, ``flops``, ``mse``): D at the largest N of the D scans (``n_values``; default every N of the grid),
    N at the largest D, C at the compute scan's largest D.  Fits as the pages' (:func:`.summaries.fit_scan`)."""
    from .summaries import fit_scan
    out = {}
    n_top = max(n_values) if n_values is not None else grid["N"].max()
    d_top = grid["D"].max()
    fD = fit_scan(grid[grid["N"] == n_top], x="D", by="N").get(n_top)
    out["D"] = record(fD, "D", "N", n_top)
    g = grid[grid["D"] == d_top]
    fN = fit_scan(g, x="n_params", by="D").get(d_top) if g["N"].nunique() >= 4 else None
    out["N"] = record(fN, "N", "D", d_top, "" if g["N"].nunique() >= 4 else
                      f"fewer than four network sizes at D = {d_top:,}")
    if compute is not None and len(compute):
        dc = compute["D"].max()
        fC = fit_scan(compute[compute["D"] == dc], x="flops", by="D").get(dc)
        out["C"] = record(fC, "C", "D", dc)
    return out


def store(profile: str, process: str, laws: dict, *, engine_process: str | None = None, units: str = "",
          page: str = "") -> Path:
    """Write (or replace) one process's laws in the profile's laws file; the other processes' entries stay."""
    p = path(profile)
    doc = _read(p) or {"profile": profile, "processes": {}}
    doc["processes"][process] = {"engine_process": engine_process or process, "units": units, "page": page,
                                 "written": time.strftime("%Y-%m-%d %H:%M:%S"), "laws": laws}
    p.parent.mkdir(parents=True, exist_ok=True)
    write_text(p, json.dumps(doc, indent=1, sort_keys=True))
    return p


def _read(p: Path) -> dict | None:
    if not p.is_file():
        return None
    try:
        doc = json.loads(p.read_text())
    except ValueError as e:
        raise LawsError(f"laws file {p} is not valid JSON ({e}); delete it and rerun the planner page") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("processes"), dict):
        raise LawsError(f"laws file {p}: expected {{'profile', 'processes': {{...}}}}")
    return doc


def load(profile: str) -> dict:
    """``{process: entry}`` of the profile's laws file ({} when no page has written one)."""
    doc = _read(path(profile))
    return {} if doc is None else doc["processes"]


def law(rec: dict) -> dict:
    """A stored law in the form :mod:`hepscaling.scaling.planner` takes (params and the covariance)."""
    return {"params": rec["params"], "errors": np.asarray(rec["cov"], float)}


def plan(entry: dict, target: float):
    """``(Plan, {X: record})`` for one stored process entry: every X with a law."""
    recs = {x: r for x, r in entry["laws"].items() if "params" in r}
    if not recs:
        raise LawsError("no constrained law for any resource")
    return _plan({x: law(r) for x, r in recs.items()}, target), recs


# ------------------------------------------------------------------------------------------------------ backtest
def backtest(scan, x: str = "D", y: str = "mse", hold_out: int = 1) -> dict:
    """Fit eq. (1) on all but the ``hold_out`` largest x of one scan (a summary at fixed second resource), predict
    the loss at the largest x: ``{x_pred, measured, predicted, band, sigma, pull, ratio, fit}``.

    ``band`` is the 1σ of the prediction (fit covariance), ``sigma`` the total (band and the measured loss's 10 %
    error in quadrature), ``pull`` = (measured − predicted) / sigma, ``ratio`` = measured / predicted.  Raises
    :class:`LawsError` when fewer than four points remain for the fit or the fit leaves α unconstrained."""
    s = scan.sort_values(x)
    xs, ys = s[x].to_numpy(float), s[y].to_numpy(float)
    if len(xs) - hold_out < 4:
        raise LawsError(f"backtest: {len(xs)} points in the scan; eq. (1) needs four below the held-out largest")
    xf, yf = xs[:-hold_out], ys[:-hold_out]
    try:
        f = fit_power_law(xf, yf, "offset", sigma=RELATIVE_ERROR * yf)
    except FitError as e:
        raise LawsError(f"backtest: {e}") from None
    if not constrained(f):
        raise LawsError(f"backtest: α = {f.params['alpha']:.3g} ± {f.errors['alpha']:.2g} not constrained")
    x_p, meas = xs[-1], ys[-1]
    pred, band = float(f.predict(x_p)), float(f.band(x_p))
    sig = math.hypot(band, RELATIVE_ERROR * meas)
    return {"x_pred": float(x_p), "x_fit_max": float(xf.max()), "measured": float(meas), "predicted": pred,
            "band": band, "sigma": sig, "pull": (meas - pred) / sig if sig > 0 else math.nan,
            "ratio": meas / pred if pred > 0 else math.nan, "fit": f}


def recipe(scan, n_final: int, x: str = "D", y: str = "mse") -> dict:
    """The paper's §5 recipe on one scan: α = 4/d (d = 3n_f − 4), K = 0, X_c from the run at the smallest x; its
    prediction at the largest x against the measured loss (``conservative``: measured ≤ predicted)."""
    s = s0 = scan.sort_values(x)
    a = 4.0 / (3 * n_final - 4)
    x0, l0 = float(s0[x].iloc[0]), float(s0[y].iloc[0])
    xc = x0 * l0 ** (1.0 / a)
    x1, meas = float(s[x].iloc[-1]), float(s[y].iloc[-1])
    pred = (xc / x1) ** a
    return {"alpha": a, "Xc": xc, "x_anchor": x0, "x_pred": x1, "predicted": pred, "measured": meas,
            "ratio": meas / pred, "conservative": bool(meas <= pred)}
