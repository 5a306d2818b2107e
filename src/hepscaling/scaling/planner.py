"""Precision planner: the smallest resource X that reaches a loss target, from a fitted law of paper B's eq. (1).

    L(X) = (X_c / X)^α + K      =>      X*(t) = X_c · (t − K)^(−1/α)   for a target t > K

For t ≤ K no X reaches the target: :func:`required` then returns a :class:`Requirement` with ``reachable=False``
and the reason (never an exception).  Bad input — t ≤ 0, α ≤ 0, X_c ≤ 0, a negative error, a missing parameter —
raises ``ValueError`` naming the parameter.

A law is given as
  * a :class:`hepscaling.scaling.fit.PowerLawFit` of form ``"offset"`` (its ``.params`` and ``.cov``), or
  * plain values ``{"Xc", "alpha", "K"}`` with, optionally, errors: a 3×3 covariance in the order (Xc, alpha, K), or
    a dict ``name -> e`` (symmetric 1σ) or ``name -> (up, down)`` (asymmetric, both positive, as printed; ``None`` for
    a side that is not printed, which then takes the other side's value).  ``{"params": ..., "errors": ...}`` and
    ``(params, errors)`` are accepted too (:func:`hepscaling.papers.amplitude_surrogates.fit_tables.law` gives the
    former).  Without errors the uncertainty is zero.

Uncertainty: linear propagation in log X*, with log X* = log X_c − ln(t − K)/α and the derivatives
``g = (∂/∂log X_c, ∂/∂α, ∂/∂K) = (1, ln(t − K)/α², 1/(α (t − K)))``.
  * From a covariance (e.g. a fit's): σ² = gᵀ Σ g, with Σ taken to (log X_c, α, K); symmetric in log X*.
  * From errors: parameters independent (the paper's tables publish no correlations) and **both sides propagated**:
    the upper error of log X* sums in quadrature, per parameter, |g_i| times that parameter's error on the side that
    raises X* (the "+" side of X_c and K; for α the "−" side when t − K < 1), the lower error likewise.  Asymmetric
    X_c errors are read as errors of log X_c (paper B fits with symmetric errors on the logarithms of the
    parameters): σ₊ = ln(1 + e₊/X_c), σ₋ = −ln(1 − e₋/X_c); a symmetric X_c error e gives e/X_c.
The linear error fails close to the floor: ``near_floor`` is set when K plus its upper error reaches t (X* diverges
within 1σ); :func:`monte_carlo` is the cross-check: it draws the parameters (multivariate normal in
(log X_c, α, K) from a covariance, independent split normals from errors), counts draws with K ≥ t as X* = ∞ and
drops draws with α ≤ 0, and returns the median and the 16 / 84 % quantiles of X*.

:func:`plan` applies :func:`required` to one law per resource (D, N, C).  Each answer holds with the other resources
at the values of its scan (a law fitted at fixed N says nothing about smaller N).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .fit import PowerLawFit

PARAMS = ("Xc", "alpha", "K")


@dataclass(frozen=True)
class Requirement:
    """The smallest X with L(X) ≤ target (``value``; ``inf`` when not reachable) and its 1σ range."""
    target: float
    reachable: bool
    value: float
    lower: float                     # value · exp(−log_sigma_down)
    upper: float                     # value · exp(+log_sigma_up)
    log_sigma_down: float            # natural-log errors of X*
    log_sigma_up: float
    params: dict
    near_floor: bool = False         # K + its upper error ≥ target: the linear error is unreliable
    reason: str = ""                 # why not reachable

    @property
    def err_up(self) -> float:
        return self.upper - self.value

    @property
    def err_down(self) -> float:
        return self.value - self.lower

    def __str__(self) -> str:
        if not self.reachable:
            return f"not reachable ({self.reason})"
        s = f"{self.value:.3g} (+{self.err_up:.2g} / −{self.err_down:.2g})"
        return s + ("  [target within 1σ of K: upper error unreliable]" if self.near_floor else "")


@dataclass(frozen=True)
class MonteCarlo:
    """Quantiles of X* over parameter draws; unreachable draws count as X* = ∞."""
    median: float
    lower: float                     # 16 % quantile
    upper: float                     # 84 % quantile
    frac_unreachable: float
    n_used: int
    n_dropped: int                   # draws with alpha ≤ 0

    @property
    def log_sigma_down(self) -> float:
        return math.log(self.median / self.lower) if np.isfinite(self.median) else math.nan

    @property
    def log_sigma_up(self) -> float:
        return math.log(self.upper / self.median) if np.isfinite(self.median) else math.nan


@dataclass
class Plan:
    """One :class:`Requirement` per resource (``plan["D"]``), for one target."""
    target: float
    requirements: dict = field(default_factory=dict)

    def __getitem__(self, x: str) -> Requirement:
        return self.requirements[x]

    def __iter__(self):
        return iter(self.requirements)

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame([{"X": x, "reachable": r.reachable, "value": r.value, "lower": r.lower, "upper": r.upper,
                              "near_floor": r.near_floor, "reason": r.reason} for x, r in self.requirements.items()])

    def __str__(self) -> str:
        return "\n".join([f"target L = {self.target:.3g}"] + [f"  {x}: {r}" for x, r in self.requirements.items()])


# ------------------------------------------------------------------------------------------------------- inputs
def check_target(target) -> float:
    """``target`` as a float, or ValueError unless it is a finite loss > 0."""
    try:
        t = float(target)
    except (TypeError, ValueError):
        raise ValueError(f"target must be a loss > 0, got {target!r}") from None
    if not (np.isfinite(t) and t > 0):
        raise ValueError(f"target must be a finite loss > 0, got {target!r}")
    return t


def _unpack(fit, errors):
    """-> (params, errors) with params a dict of floats and errors None, an array or a dict."""
    if isinstance(fit, PowerLawFit):
        if fit.form != "offset":
            raise ValueError(f"fit: the planner needs a law of eq. (1), form 'offset', got form {fit.form!r}")
        if errors is None:
            idx = [fit.free.index(p) for p in PARAMS]
            errors = np.asarray(fit.cov, dtype=float)[np.ix_(idx, idx)]
        return dict(fit.params), errors
    if isinstance(fit, (tuple, list)) and len(fit) == 2 and errors is None:
        return _unpack(fit[0], fit[1])
    if isinstance(fit, Mapping) and "params" in fit:
        return _unpack(fit["params"], fit.get("errors", fit.get("cov")) if errors is None else errors)
    if isinstance(fit, Mapping):
        missing = [p for p in PARAMS if p not in fit]
        if missing:
            raise ValueError(f"fit: parameter(s) {missing} missing; eq. (1) needs Xc, alpha and K, got {list(fit)}")
        return {p: fit[p] for p in PARAMS}, errors
    raise ValueError(f"fit: expected a PowerLawFit, a dict of Xc, alpha, K or {{'params', 'errors'}}, got "
                     f"{type(fit).__name__}")


def _params(p: dict) -> tuple[float, float, float]:
    vals = {}
    for name in PARAMS:
        try:
            vals[name] = float(p[name])
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a number, got {p[name]!r}") from None
        if not np.isfinite(vals[name]):
            raise ValueError(f"{name} must be finite, got {p[name]!r}")
    if vals["alpha"] <= 0:
        raise ValueError(f"alpha must be > 0 (a loss that falls with X), got {vals['alpha']}")
    if vals["Xc"] <= 0:
        raise ValueError(f"Xc must be > 0, got {vals['Xc']}")
    return vals["Xc"], vals["alpha"], vals["K"]


def _log_errors(xc: float, errors):
    """-> ("cov", Σ in (log Xc, alpha, K)) or ("sides", up[3], down[3]) in (log Xc, alpha, K)."""
    if errors is None:
        return "sides", np.zeros(3), np.zeros(3)
    if not isinstance(errors, Mapping):
        cov = np.asarray(errors, dtype=float)
        if cov.shape != (3, 3):
            raise ValueError(f"covariance must be 3×3 in the order {PARAMS}, got shape {cov.shape}")
        if np.any(np.diag(cov) < 0):
            bad = [PARAMS[i] for i in range(3) if cov[i, i] < 0]
            raise ValueError(f"covariance: negative variance of {bad}")
        J = np.diag([1.0 / xc, 1.0, 1.0])
        return "cov", J @ cov @ J.T
    unknown = set(errors) - set(PARAMS)
    if unknown:
        raise ValueError(f"errors: unknown parameter(s) {sorted(unknown)}; expected {PARAMS}")
    up, down = np.zeros(3), np.zeros(3)
    for i, name in enumerate(PARAMS):
        e = errors.get(name)
        if e is None:
            continue
        pair = tuple(e) if isinstance(e, (tuple, list)) else None
        if pair is not None and len(pair) != 2:
            raise ValueError(f"errors of {name}: expected e or (up, down), got {e!r}")
        u, d = pair if pair is not None else (e, e)
        if any(v is not None and not (np.isfinite(float(v)) and float(v) >= 0) for v in (u, d)):
            raise ValueError(f"errors of {name} must be finite and >= 0 (give (up, down) as positive numbers), "
                             f"got {e!r}")
        if name == "Xc" and pair is None:
            u = d = float(u) / xc
        elif name == "Xc":                              # printed sides -> errors of log Xc
            u = None if u is None else math.log1p(float(u) / xc)
            d = None if d is None else (-math.log1p(-float(d) / xc) if float(d) < xc else math.inf)
        u, d = (d if u is None else u), (u if d is None else d)       # an unprinted side takes the other's value
        up[i], down[i] = (0.0 if u is None else float(u)), (0.0 if d is None else float(d))
    return "sides", up, down


# ----------------------------------------------------------------------------------------------------- planner
def _law(fit_params, fit_cov_or_errors, target):
    """(target, X_c, α, K, error kind, errors) of a call of :func:`required` or :func:`monte_carlo`; a PowerLawFit may
    be followed by the target as second positional argument."""
    if target is None and isinstance(fit_params, PowerLawFit) and np.isscalar(fit_cov_or_errors):
        fit_cov_or_errors, target = None, fit_cov_or_errors
    t = check_target(target)
    params, errors = _unpack(fit_params, fit_cov_or_errors)
    xc, a, k = _params(params)
    kind, *err = _log_errors(xc, errors)
    return t, xc, a, k, kind, err


def required(fit_params, fit_cov_or_errors=None, target=None) -> Requirement:
    """The smallest X with L(X) ≤ ``target`` for a law of eq. (1), with its 1σ range (see the module docstring).

    ``required(fit, target=1e-4)`` for a PowerLawFit (its covariance), ``required({"Xc": .., "alpha": .., "K": ..},
    errors, 1e-4)`` for plain values.
    """
    t, xc, a, k, kind, err = _law(fit_params, fit_cov_or_errors, target)
    k_up = math.sqrt(err[0][2, 2]) if kind == "cov" else err[0][2]
    p = {"Xc": xc, "alpha": a, "K": k}
    if t <= k:
        return Requirement(t, False, math.inf, math.inf, math.inf, math.nan, math.nan, p, False,
                           f"target {t:.3g} below K = {k:.3g}")
    gap = t - k
    value = xc * gap ** (-1.0 / a)
    g = np.array([1.0, math.log(gap) / a ** 2, 1.0 / (a * gap)])
    if kind == "cov":
        su = sd = math.sqrt(max(float(g @ err[0] @ g), 0.0))
    else:
        up, down = err
        raise_side = np.where(g >= 0, up, down)      # the parameter's error on the side that raises X*
        lower_side = np.where(g >= 0, down, up)
        su = float(np.sqrt(np.sum((g * raise_side) ** 2)))
        sd = float(np.sqrt(np.sum((g * lower_side) ** 2)))
    return Requirement(t, True, value, value * math.exp(-sd), value * math.exp(su), sd, su, p,
                       bool(k + k_up >= t))


def monte_carlo(fit_params, fit_cov_or_errors=None, target=None, n: int = 20000, seed: int = 0) -> MonteCarlo:
    """Monte-Carlo cross-check of :func:`required`'s error: quantiles of X* over ``n`` parameter draws."""
    t, xc, a, k, kind, err = _law(fit_params, fit_cov_or_errors, target)
    rng = np.random.default_rng(seed)
    mean = np.array([math.log(xc), a, k])
    if kind == "cov":
        cov = np.where(np.isfinite(err[0]), err[0], 0.0)
        draws = rng.multivariate_normal(mean, cov, size=n, method="eigh")
    else:
        z = rng.standard_normal((n, 3))
        with np.errstate(invalid="ignore"):
            draws = mean + np.where(z > 0, z * err[0], z * err[1])
    ok = draws[:, 1] > 0
    lxc, al, kk = draws[ok].T
    gap = t - kk
    with np.errstate(invalid="ignore", divide="ignore"):
        x = np.where(gap > 0, np.exp(lxc - np.log(np.where(gap > 0, gap, 1.0)) / al), np.inf)
    q = np.quantile(x, [0.5, 0.16, 0.84], method="inverted_cdf") if x.size else np.full(3, np.nan)
    return MonteCarlo(float(q[0]), float(q[1]), float(q[2]), float(np.mean(gap <= 0)) if x.size else math.nan,
                      int(x.size), int(n - x.size))


def plan(fits: Mapping, target) -> Plan:
    """``{X: law}`` (X = "D", "N", "C" or any name; a law as :func:`required` takes it) -> a :class:`Plan`."""
    t = check_target(target)
    if not fits:
        raise ValueError("fits: no laws given; expected e.g. {'D': fit_D, 'N': fit_N, 'C': fit_C}")
    out = Plan(t)
    for x, f in fits.items():
        try:
            out.requirements[x] = required(f, None, t)
        except ValueError as e:
            raise ValueError(f"law for {x}: {e}") from None
    return out
