"""Repeated data: the effective dataset size of Muennighoff et al. (2023), "Scaling data-constrained language models"
(arXiv:2305.16264), eq. (5), and a fit of its one parameter R* to the losses of runs that repeat their data.

A run that sees ``U`` unique samples for ``epochs`` epochs has ``R = epochs - 1`` repetitions and sees
``D = U (1 + R)`` samples; repeated samples are worth less than fresh ones, by a factor that decays with the
number of repetitions. The effective dataset size is

    D' = U + U R* (1 - exp(-R / R*)),

so that D' -> U (1 + R) (every repetition as good as fresh data) for R << R*, and D' -> U (1 + R*) for R -> inf:
``R*`` is the number of repetitions after which repeating stops helping, and ``1 + R*`` the most that repetition can
multiply the unique data by. The *gain* ``D'/U = 1 + R* (1 - exp(-R/R*))`` does not depend on U.

``fit_repetition(U, epochs, L, law)`` finds R* such that a data law L(D), fitted on runs with fresh data (e.g.
``E + B/D^β`` from :func:`hepscaling.scaling.fit.fit_power_law` with form ``"floor"``, or the surface of
:func:`hepscaling.scaling.fit.fit_loss_surface` at the runs' N), predicts the losses of the repeating runs when
evaluated at D' instead of D.

Where the fresh-data losses follow no simple law (runs limited by their optimiser steps rather than by their data
steepen with D instead of flattening), :func:`data_curve` is the law without a form: the fresh losses made
non-increasing in D and interpolated in log D. Its :meth:`DataCurve.effective_data` also reads off D' of a single
repeated run directly (the fresh D with the same loss), with no R* at all.

Muennighoff et al. also decay excess *parameters* (their R*_N); that term is not modelled here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from scipy import optimize

from .fit import FitError, LossSurfaceFit

__all__ = ["effective_data", "repetition_gain", "data_law", "data_curve", "DataCurve", "fit_repetition",
           "RepetitionFit"]


def _array(value, name: str, who: str, minimum: float | None = None, strict: bool = True) -> np.ndarray:
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise FitError(f"{who}: {name} must be numbers, got {type(value).__name__}") from None
    bad = ~np.isfinite(a)
    if bad.any():
        raise FitError(f"{who}: {name} must be finite, got {a[bad].ravel()[0]} at index "
                       f"{tuple(int(i) for i in np.argwhere(bad)[0])}")
    if minimum is not None:
        low = a <= minimum if strict else a < minimum
        if low.any():
            i = tuple(int(k) for k in np.argwhere(low)[0])
            raise FitError(f"{who}: {name} must be {'>' if strict else '>='} {minimum:g}, got {a[i]:.6g} at index {i}"
                           + (" (epochs counts passes over the unique data; a run of less than one epoch saw "
                              "U·epochs unique samples: pass those as U with epochs = 1)" if name == "epochs" else ""))
    return a


def repetition_gain(epochs, R_star) -> np.ndarray:
    """D'/U = 1 + R* (1 - exp(-R/R*)) with R = epochs - 1 (broadcast)."""
    who = "repetition_gain"
    ep = _array(epochs, "epochs", who, 1.0, strict=False)
    rs = _array(R_star, "R_star", who, 0.0)
    R = ep - 1.0
    return 1.0 + rs * -np.expm1(-R / rs)


def effective_data(U, epochs, R_star) -> np.ndarray:
    """Effective dataset size D' = U + U R* (1 - exp(-R/R*)), R = epochs - 1, of U unique samples seen for
    ``epochs`` epochs (Muennighoff et al. 2023, eq. 5); arrays broadcast."""
    u = _array(U, "U", "effective_data", 0.0)
    return u * repetition_gain(epochs, R_star)


def data_law(E: float, B: float, beta: float) -> Callable[[np.ndarray], np.ndarray]:
    """The data law ``L(D) = E + B / D^beta`` as a function of D."""
    for name, v in (("E", E), ("B", B), ("beta", beta)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise FitError(f"data_law: {name} must be a finite number, got {v!r}")

    def law(D):
        return E + B * np.asarray(D, dtype=float) ** (-beta)

    law.__doc__ = f"L(D) = {E:.6g} + {B:.6g} / D^{beta:.6g}"
    return law


def _non_increasing(y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted least-squares non-increasing fit to ``y`` (pool adjacent violators)."""
    blocks: list[list[float]] = []                  # [weighted mean, weight, count]
    for yi, wi in zip(y, w):
        blocks.append([float(yi), float(wi), 1])
        while len(blocks) > 1 and blocks[-2][0] < blocks[-1][0]:
            m2, w2, c2 = blocks.pop()
            m1, w1, c1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, c1 + c2])
    return np.concatenate([np.full(c, m) for m, _, c in blocks])


@dataclass
class DataCurve:
    """The fresh-data loss as a function of D without a fitted form (:func:`data_curve`).

    ``D`` (increasing, distinct), ``L_raw`` (mean loss per D) and ``L`` (the non-increasing least-squares fit to
    ``L_raw``, pool adjacent violators).  :meth:`predict` interpolates ``L`` linearly in log D and is constant
    beyond the ends; :meth:`effective_data` inverts it."""
    D: np.ndarray
    L_raw: np.ndarray
    L: np.ndarray

    def predict(self, D) -> np.ndarray:
        d = _array(D, "D", "DataCurve.predict", 0.0)
        return np.interp(np.log(d), np.log(self.D), self.L)

    __call__ = predict

    def effective_data(self, L) -> np.ndarray:
        """The fresh D whose (interpolated) loss is ``L``: D' of a run that reached ``L`` some other way.  Where the
        curve is flat the smallest such D; losses above the curve's first value give its first D, below its last
        value its last D (read them as "at most" and "at least")."""
        y = _array(L, "L", "DataCurve.effective_data")
        x, ld = self.L[::-1], np.log(self.D)[::-1]          # increasing loss, decreasing log D
        out = np.exp(np.interp(y, x, ld))                     # between distinct levels: the one decreasing piece
        for level in np.unique(self.L):                       # exactly on a level: its smallest D
            out = np.where(y == level, self.D[self.L == level].min(), out)
        return out

    def summary(self) -> str:
        pairs = ", ".join(f"{d:,.0f}: {lr:.4g}" + ("" if np.isclose(lr, l) else f" → {l:.4g}")
                          for d, lr, l in zip(self.D, self.L_raw, self.L))
        return (f"fresh-data curve (no fitted form; non-increasing, interpolated in log D), D: L = {pairs}")

    def __str__(self) -> str:
        return self.summary()


def data_curve(D, L, weights=None) -> DataCurve:
    """The fresh-data law as a curve, not a form: mean ``L`` per distinct ``D``, made non-increasing in D by a
    (weighted, ``weights`` per run, default 1) least-squares isotonic fit, interpolated in log D.  Use it as the
    ``law`` of :func:`fit_repetition` where E + B/D^β does not describe the fresh runs; it does not extrapolate, so
    the fresh runs must span the repeated runs' U to U · epochs (D' lies in between)."""
    who = "data_curve"
    d = _array(D, "D", who, 0.0).ravel()
    y = _array(L, "L", who).ravel()
    w = np.ones_like(y) if weights is None else _array(weights, "weights", who, 0.0).ravel()
    if not (d.size == y.size == w.size):
        raise FitError(f"{who}: D, L (and weights) must have the same length, got {d.size}, {y.size}, {w.size}")
    u, inv = np.unique(d, return_inverse=True)
    if u.size < 2:
        raise FitError(f"{who}: need fresh runs at >= 2 distinct D, got {u.size}")
    wsum = np.bincount(inv, w)
    mean = np.bincount(inv, w * y) / wsum
    return DataCurve(D=u, L_raw=mean, L=_non_increasing(mean, wsum))


def _as_law(law, N, who: str) -> Callable[[np.ndarray], np.ndarray]:
    """Turn the accepted forms of ``law`` into a function of D (per run, same length as the runs)."""
    if isinstance(law, LossSurfaceFit):
        if N is None:
            raise FitError(f"{who}: a LossSurfaceFit law needs N= (the model size of the runs, one value or one per "
                           "run)")
        n = _array(N, "N", who, 0.0)
        return lambda D: law.predict(n, D)
    if N is not None:
        raise FitError(f"{who}: N= is only used with a LossSurfaceFit law")
    if isinstance(law, dict):
        missing = [k for k in ("E", "B", "beta") if k not in law]
        if missing:
            raise FitError(f"{who}: a law given as a dict needs keys E, B, beta (L = E + B/D^beta); missing {missing}")
        return data_law(float(law["E"]), float(law["B"]), float(law["beta"]))
    if hasattr(law, "predict") and callable(law.predict):          # e.g. a PowerLawFit of L vs D
        return law.predict
    if callable(law):
        return law
    raise FitError(f"{who}: law must be a function of D, a dict of E, B, beta, a fit with .predict(D), or a "
                   f"LossSurfaceFit with N=; got {type(law).__name__}")


@dataclass
class RepetitionFit:
    """Result of :func:`fit_repetition`.

    ``R_star`` ± ``R_star_err`` (linear error propagation from the Gauss-Newton curvature of the χ² in R*, absolute
    with ``sigma``, scaled by χ²/ndof without; ``log_R_star_err`` the same in log R*). ``at_bound``: R* ended on an
    end of ``bounds`` (the data do not constrain it: repetition did not yet cost anything, or the law is flat).
    ``max_gain = 1 + R*``: the limit of D'/U for endless repetition."""
    R_star: float
    R_star_err: float
    log_R_star_err: float
    chi2: float
    ndof: int
    n_runs: int
    n_repeating: int
    at_bound: bool
    log_space: bool
    law: Callable = field(repr=False)
    U: np.ndarray = field(repr=False)
    epochs: np.ndarray = field(repr=False)
    L: np.ndarray = field(repr=False)
    sigma: np.ndarray | None = field(repr=False, default=None)

    @property
    def max_gain(self) -> float:
        return 1.0 + self.R_star

    def gain(self, epochs) -> np.ndarray:
        """D'/U after ``epochs`` epochs."""
        return repetition_gain(epochs, self.R_star)

    def effective_data(self, U, epochs) -> np.ndarray:
        return effective_data(U, epochs, self.R_star)

    def predict(self, U=None, epochs=None) -> np.ndarray:
        """Loss predicted by the law at D'(U, epochs) (default: the fitted runs; a LossSurfaceFit law keeps its N,
        so give U and epochs of the same length as the runs, or use the law directly)."""
        U = self.U if U is None else U
        epochs = self.epochs if epochs is None else epochs
        return self.law(self.effective_data(U, epochs))

    def summary(self) -> str:
        return (f"D' = U + U·R*·(1 - exp(-R/R*)): R* = {self.R_star:.4g} ± {self.R_star_err:.2g} (max gain 1 + R* = "
                f"{self.max_gain:.4g})  [{self.n_runs} runs, {self.n_repeating} repeating, χ²/ndof = "
                f"{self.chi2:.2f}/{self.ndof}{', at bound' if self.at_bound else ''}]")

    def __str__(self) -> str:
        return self.summary()


def fit_repetition(U, epochs, L, law, *, sigma=None, N=None, bounds=(1e-2, 1e4), n_scan: int = 200,
                   log_space: bool | None = None) -> RepetitionFit:
    """Fit R* of the effective data D'(U, epochs; R*) such that ``law(D')`` matches the losses ``L`` of the runs.

    Parameters
    ----------
    U, epochs, L : one entry per run: unique samples, epochs (>= 1; R = epochs - 1 repetitions), final loss.
        Runs with one epoch do not depend on R* but enter the χ² (they test the law); at least one run must repeat.
    law : the data law L(D) fitted on fresh data: a function of D, a dict ``{E, B, beta}`` (E + B/D^β), a fit with
        ``.predict(D)`` (:class:`~hepscaling.scaling.fit.PowerLawFit`, a :class:`DataCurve`), or a
        :class:`~hepscaling.scaling.fit.LossSurfaceFit` with ``N=`` (one N, or one per run).
    sigma : absolute 1σ errors of L (least squares on (L - law(D'))/σ); without it the fit is least squares on
        log L - log law(D') (``log_space``; default True without sigma, False with) and the error of R* is scaled by
        the residual scatter.
    bounds : (lo, hi) of R*; the χ² is scanned on ``n_scan`` log-spaced values and refined around the minimum.
    """
    who = "fit_repetition"
    u = _array(U, "U", who, 0.0).ravel()
    ep = _array(epochs, "epochs", who, 1.0, strict=False).ravel()
    y = _array(L, "L", who).ravel()
    if not (u.size == ep.size == y.size):
        raise FitError(f"{who}: U, epochs and L must have the same length (one per run), got {u.size}, {ep.size}, "
                       f"{y.size}")
    f = _as_law(law, N, who)
    if sigma is not None:
        try:
            s = np.broadcast_to(np.asarray(sigma, dtype=float), y.shape)
        except ValueError:
            raise FitError(f"{who}: sigma must be one number or one per run ({y.size}), got shape "
                           f"{np.shape(sigma)}") from None
        s = _array(s, "sigma", who, 0.0)
    else:
        s = None
    ls = (s is None) if log_space is None else bool(log_space)
    if ls and np.any(y <= 0):
        raise FitError(f"{who}: log-space fit needs L > 0, got min L = {y.min():.6g}")
    n_rep = int(np.sum(ep > 1))
    if n_rep == 0:
        raise FitError(f"{who}: no run repeats its data (every epochs = 1); R* needs runs with epochs > 1")
    try:
        lo, hi = (float(b) for b in bounds)
    except (TypeError, ValueError):
        raise FitError(f"{who}: bounds must be (lo, hi), got {bounds!r}") from None
    if not (0 < lo < hi and math.isfinite(hi)):
        raise FitError(f"{who}: bounds must satisfy 0 < lo < hi < inf, got {bounds!r}")
    if isinstance(n_scan, bool) or not isinstance(n_scan, int) or n_scan < 3:
        raise FitError(f"{who}: n_scan must be an integer >= 3, got {n_scan!r}")
    sd = np.ones_like(y) if s is None else (s / y if ls else s)

    def residuals(log_rs: float) -> np.ndarray:
        pred = np.asarray(f(effective_data(u, ep, math.exp(log_rs))), dtype=float)
        if pred.shape != y.shape:
            pred = np.broadcast_to(pred, y.shape)
        if ls:
            with np.errstate(invalid="ignore", divide="ignore"):
                return (np.log(y) - np.log(pred)) / sd
        return (y - pred) / sd

    def chi2(log_rs: float) -> float:
        r = residuals(log_rs)
        return float(np.sum(r * r)) if np.all(np.isfinite(r)) else math.inf

    grid = np.linspace(math.log(lo), math.log(hi), n_scan)
    values = np.array([chi2(g) for g in grid])
    if not np.any(np.isfinite(values)):
        raise FitError(f"{who}: the law gives no finite (and, in log space, positive) loss at any R* in {bounds}")
    k = int(np.nanargmin(values))
    a, b = grid[max(k - 1, 0)], grid[min(k + 1, n_scan - 1)]
    res = optimize.minimize_scalar(chi2, bounds=(a, b), method="bounded", options={"xatol": 1e-10})
    x = float(res.x) if res.fun <= values[k] else float(grid[k])
    best = chi2(x)
    at_bound = x <= grid[0] + (grid[1] - grid[0]) or x >= grid[-1] - (grid[1] - grid[0])
    # Gauss-Newton curvature in log R*: J = d r / d log R* by central differences
    h = 1e-4
    J = (residuals(x + h) - residuals(x - h)) / (2 * h)
    jj = float(J @ J)
    ndof = y.size - 1
    var = 1.0 / jj if jj > 0 else math.inf
    if s is None:
        var *= best / ndof if ndof > 0 else math.nan
    rs = math.exp(x)
    err_log = math.sqrt(var) if var >= 0 else math.nan
    return RepetitionFit(R_star=rs, R_star_err=rs * err_log, log_R_star_err=err_log, chi2=best, ndof=ndof,
                         n_runs=int(y.size), n_repeating=n_rep, at_bound=bool(at_bound), log_space=ls, law=f, U=u,
                         epochs=ep, L=y, sigma=s)
