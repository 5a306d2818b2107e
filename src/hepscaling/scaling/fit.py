"""Scaling-law fits used by every paper of the companion.

Three forms, in the order the papers use them::

    "pure"    L = A * X**(-alpha)            least squares on log L vs log X (paper A, Fig. 2 / Table 1, C = 0)
    "floor"   L = A * X**(-alpha) + C        nonlinear least squares on L (paper A, Fig. 5; scipy curve_fit)
    "offset"  L = (Xc / X)**alpha + K        paper B, eq. (1); fitted on log L as in paper B, App. C

``fit_power_law(x, y, form, x_range=None, sigma=None)`` returns a :class:`PowerLawFit` with ``.params`` and
``.errors`` (dicts keyed ``A, alpha, C`` or ``Xc, alpha, K``; for ``"pure"`` ``C`` is fixed to 0 with error 0),
``.cov`` (covariance of the free parameters, in the order of ``.free``), ``.predict(x)`` (valid outside the fit range
too: that is the extrapolation), ``.band(x)`` (1σ band of the prediction from the covariance) and goodness of fit.
:func:`crossing` finds where two fitted curves cross.

Errors: with ``sigma`` (absolute 1σ errors of ``y``) the parameter errors follow from those errors
(``absolute_sigma``); without it they are scaled by the residual scatter (reduced χ² = 1), as in the papers, where
the fit errors are quoted as a lower bound on the true uncertainty.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize

FORMS = ("pure", "floor", "offset")
PARAM_NAMES = {"pure": ("A", "alpha", "C"), "floor": ("A", "alpha", "C"), "offset": ("Xc", "alpha", "K")}
FORMULAS = {"pure": "L = A·X^-α", "floor": "L = A·X^-α + C", "offset": "L = (Xc/X)^α + K"}


class FitError(ValueError):
    """Bad input to a fit, or a fit that did not converge."""


@dataclass
class PowerLawFit:
    form: str
    params: dict
    errors: dict
    free: tuple                      # names of the fitted parameters (order of ``cov``)
    cov: np.ndarray                  # covariance of the free parameters
    x_range: tuple                   # (lo, hi) of the points actually used
    n_points: int
    chi2: float                      # Σ residual² / σ² in the space the fit was done in (log or linear)
    ndof: int
    log_space: bool
    x: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    sigma: np.ndarray | None = field(repr=False, default=None)

    # --------------------------------------------------------------------------------------------- evaluation
    def predict(self, x) -> np.ndarray:
        """The fitted curve at ``x`` (any x > 0; outside ``x_range`` this is an extrapolation)."""
        return _model(self.form, np.asarray(x, dtype=float), self.params)

    extrapolate = predict

    @property
    def covariance(self) -> dict:
        """Covariance as a dict of dicts keyed by parameter name (free parameters only)."""
        return {a: {b: float(self.cov[i, j]) for j, b in enumerate(self.free)} for i, a in enumerate(self.free)}

    def correlation(self) -> np.ndarray:
        d = np.sqrt(np.diag(self.cov))
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.cov / np.outer(d, d)

    def band(self, x) -> np.ndarray:
        """1σ error of the prediction at ``x`` (linear error propagation with the full covariance)."""
        x = np.asarray(x, dtype=float)
        J = np.stack([_dmodel(self.form, x, self.params, p) for p in self.free], axis=-1)
        return np.sqrt(np.einsum("...i,ij,...j->...", J, self.cov, J))

    @property
    def reduced_chi2(self) -> float:
        return self.chi2 / self.ndof if self.ndof > 0 else float("nan")

    @property
    def alpha(self) -> float:
        return self.params["alpha"]

    def summary(self) -> str:
        parts = [f"{k} = {_fmt(self.params[k], self.errors[k])}" for k in PARAM_NAMES[self.form]
                 if not (self.form == "pure" and k == "C")]
        lo, hi = self.x_range
        return (f"{FORMULAS[self.form]}: " + ", ".join(parts)
                + f"  [{self.n_points} points, X in {lo:.3g}..{hi:.3g}, χ²/ndof = {self.chi2:.2f}/{self.ndof}]")

    def __str__(self) -> str:
        return self.summary()


def _fmt(v: float, e: float) -> str:
    if not np.isfinite(e) or e == 0:
        return f"{v:.4g}"
    digits = max(0, 2 - int(math.floor(math.log10(abs(e)))) - 1) if e > 0 else 3
    if abs(v) >= 1e4 or (abs(v) < 1e-3 and v != 0):
        return f"{v:.3e} ± {e:.2e}"
    return f"{v:.{digits}f} ± {e:.{digits}f}"


# ----------------------------------------------------------------------------------------------------- models
def _model(form: str, x: np.ndarray, p: dict) -> np.ndarray:
    if form == "pure":
        return p["A"] * x ** (-p["alpha"])
    if form == "floor":
        return p["A"] * x ** (-p["alpha"]) + p["C"]
    if form == "offset":
        return (p["Xc"] / x) ** p["alpha"] + p["K"]
    raise FitError(f"unknown form {form!r}; expected one of {FORMS}")


def _dmodel(form: str, x: np.ndarray, p: dict, name: str) -> np.ndarray:
    """Partial derivative of the model with respect to one parameter."""
    a = p["alpha"]
    if form in ("pure", "floor"):
        t = x ** (-a)
        if name == "A":
            return t
        if name == "alpha":
            return -p["A"] * t * np.log(x)
        if name == "C":
            return np.ones_like(x)
    else:
        t = (p["Xc"] / x) ** a
        if name == "Xc":
            return a * t / p["Xc"]
        if name == "alpha":
            return t * np.log(p["Xc"] / x)
        if name == "K":
            return np.ones_like(x)
    raise FitError(f"no parameter {name!r} in form {form!r}")


# ------------------------------------------------------------------------------------------------------- fits
def _prepare(x, y, sigma, x_range, npar: int, form: str):
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if x.shape != y.shape:
        raise FitError(f"fit_power_law: x and y must have the same length, got {x.size} and {y.size}")
    if sigma is not None:
        s = np.broadcast_to(np.asarray(sigma, dtype=float), x.shape).astype(float)
    else:
        s = None
    keep = np.isfinite(x) & np.isfinite(y)
    if x_range is not None:
        try:
            lo, hi = x_range
        except (TypeError, ValueError):
            raise FitError(f"fit_power_law: x_range must be (lo, hi) with None for open ends, got {x_range!r}") \
                from None
        lo = -np.inf if lo is None else float(lo)
        hi = np.inf if hi is None else float(hi)
        keep &= (x >= lo) & (x <= hi)
    x, y = x[keep], y[keep]
    if s is not None:
        s = s[keep]
        if np.any(~np.isfinite(s)) or np.any(s <= 0):
            raise FitError("fit_power_law: sigma must be finite and > 0 for every point used")
    if np.any(x <= 0):
        raise FitError(f"fit_power_law: x must be > 0 (power laws in X), got min x = {x.min():.3g}")
    if form in ("pure", "offset") and np.any(y <= 0):
        raise FitError(f"fit_power_law: form {form!r} fits log L, so every y must be > 0; got min y = {y.min():.3g}")
    if x.size < npar + 1:
        raise FitError(f"fit_power_law: form {form!r} needs at least {npar + 1} points in the fit range, got {x.size}"
                       + (f" (x_range={x_range})" if x_range is not None else ""))
    if np.unique(x).size < npar:
        raise FitError(f"fit_power_law: need at least {npar} distinct x values, got {np.unique(x).size}")
    order = np.argsort(x)
    return x[order], y[order], (s[order] if s is not None else None)


def _fit_pure(x, y, s):
    lx, ly = np.log(x), np.log(y)
    w = np.ones_like(x) if s is None else (y / s) ** 2   # σ(log y) = σ / y
    X = np.stack([np.ones_like(lx), -lx], axis=1)
    WX = X * w[:, None]
    cov_b = np.linalg.inv(X.T @ WX)
    b = cov_b @ (WX.T @ ly)
    r = ly - X @ b
    chi2 = float(np.sum(w * r ** 2))
    ndof = x.size - 2
    if s is None:
        cov_b = cov_b * (chi2 / ndof if ndof > 0 else np.nan)
    A = math.exp(b[0])
    J = np.array([[A, 0.0], [0.0, 1.0]])           # (log A, alpha) -> (A, alpha)
    cov = J @ cov_b @ J.T
    params = {"A": A, "alpha": float(b[1]), "C": 0.0}
    return params, ("A", "alpha"), cov, chi2, ndof


def _start_values(x, y):
    """Starting (log A, alpha, C) for A x^-alpha + C: scan C over fractions of min(y), pure fit of y - C."""
    best = None
    ymin = float(np.min(y))
    for frac in (0.0, 0.3, 0.6, 0.8, 0.9, 0.95, 0.99):
        c = frac * ymin if ymin > 0 else ymin - abs(ymin) * (1 - frac) - 1e-12
        z = y - c
        if np.any(z <= 0):
            continue
        slope, icpt = np.polyfit(np.log(x), np.log(z), 1)
        pred = np.exp(icpt) * x ** slope + c
        ssr = float(np.sum(((y - pred) / y) ** 2)) if ymin > 0 else float(np.sum((y - pred) ** 2))
        if best is None or ssr < best[0]:
            best = (ssr, (icpt, -slope, c))
    if best is None:
        slope, icpt = np.polyfit(np.log(x), np.log(np.abs(y) + 1e-12), 1)
        return np.array([icpt, -slope, 0.0])
    return np.array(best[1])


def _fit_nonlinear(x, y, s, log_space: bool, p0=None):
    """Fit A x^-alpha + C with internal parameters (log A, alpha, C); returns params/cov in (A, alpha, C)."""
    start = _start_values(x, y) if p0 is None else np.array([math.log(p0[0]), p0[1], p0[2]], dtype=float)

    def f_lin(xx, la, a, c):
        return np.exp(la - a * np.log(xx)) + c

    if log_space:
        def f(xx, la, a, c):
            v = f_lin(xx, la, a, c)
            return np.log(np.where(v > 0, v, 1e-300))
        ydata = np.log(y)
        sd = None if s is None else s / y
        bounds = ([-np.inf, -np.inf, 0.0], [np.inf, np.inf, np.inf])   # K, C >= 0 keeps log L defined
        start[2] = max(start[2], 0.0)
    else:
        f = f_lin
        ydata = y
        sd = s
        bounds = (-np.inf, np.inf)
    try:
        popt, pcov = optimize.curve_fit(f, x, ydata, p0=start, sigma=sd, absolute_sigma=s is not None,
                                        bounds=bounds, maxfev=20000)
    except (RuntimeError, ValueError) as e:
        raise FitError(f"fit_power_law: nonlinear fit did not converge ({e}); try a wider x_range or form 'pure'") \
            from None
    r = ydata - f(x, *popt)
    chi2 = float(np.sum((r / (sd if sd is not None else 1.0)) ** 2))
    ndof = x.size - 3
    if s is None and not np.all(np.isfinite(pcov)) and ndof > 0:
        pcov = np.full((3, 3), np.inf)
    A = math.exp(popt[0])
    J = np.diag([A, 1.0, 1.0])
    cov = J @ pcov @ J.T
    return {"A": A, "alpha": float(popt[1]), "C": float(popt[2])}, cov, chi2, ndof


def fit_power_law(x, y, form: str = "pure", x_range=None, sigma=None, *, log_space: bool | None = None,
                  p0=None) -> PowerLawFit:
    """Fit a scaling law to points (x, y).

    Parameters
    ----------
    x, y : array-like
        Scaling variable (training-set size T, dataset size D, parameters N, compute C) and loss, both > 0.
    form : ``"pure"`` (A·x^-α), ``"floor"`` (A·x^-α + C) or ``"offset"`` ((Xc/x)^α + K, paper B eq. 1).
    x_range : (lo, hi), optional
        Only points with lo <= x <= hi enter the fit (None for an open end).
    sigma : array-like or float, optional
        Absolute 1σ errors of y. Given: errors are absolute (χ² meaningful). Omitted: errors scaled by residuals.
    log_space : bool, optional
        Fit log L instead of L (default: ``True`` for "pure" and "offset", ``False`` for "floor", as in the papers).
    p0 : (A, alpha, C), optional
        Starting values for the nonlinear forms (default: a scan of C below min(y)).
    """
    if form not in FORMS:
        raise FitError(f"fit_power_law: unknown form {form!r}; expected one of {FORMS} "
                       "(pure: A·X^-α, floor: A·X^-α + C, offset: (Xc/X)^α + K)")
    npar = 2 if form == "pure" else 3
    x, y, s = _prepare(x, y, sigma, x_range, npar, form)
    if form == "pure":
        if log_space is False:
            raise FitError("fit_power_law: form 'pure' is a straight line in log-log, log_space=False is not supported")
        params, free, cov, chi2, ndof = _fit_pure(x, y, s)
        errors = {"A": math.sqrt(cov[0, 0]), "alpha": math.sqrt(cov[1, 1]), "C": 0.0}
        ls = True
    else:
        ls = (form == "offset") if log_space is None else bool(log_space)
        if p0 is not None and form == "offset":
            xc, a, k = p0
            p0 = (xc ** a, a, k)
        pf, cov, chi2, ndof = _fit_nonlinear(x, y, s, ls, p0)
        if form == "floor":
            params, free = pf, ("A", "alpha", "C")
        else:
            A, a = pf["A"], pf["alpha"]
            if a == 0:
                raise FitError("fit_power_law: fitted alpha = 0, Xc is undefined; the data show no power law")
            Xc = A ** (1.0 / a)
            # (A, alpha, C) -> (Xc, alpha, K):  Xc = A^(1/alpha)
            J = np.array([[Xc / (a * A), -Xc * math.log(A) / a ** 2, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
            cov = J @ cov @ J.T
            params, free = {"Xc": Xc, "alpha": a, "K": pf["C"]}, ("Xc", "alpha", "K")
        with np.errstate(invalid="ignore"):
            errors = {k: float(math.sqrt(cov[i, i])) if cov[i, i] >= 0 else float("nan") for i, k in enumerate(free)}
    params = {k: float(v) for k, v in params.items()}
    return PowerLawFit(form=form, params=params, errors=errors, free=free, cov=np.asarray(cov, dtype=float),
                       x_range=(float(x.min()), float(x.max())), n_points=int(x.size), chi2=chi2, ndof=int(ndof),
                       log_space=ls, x=x, y=y, sigma=s)


# --------------------------------------------------------------------------------------------------- crossing
def crossing(fit1: PowerLawFit, fit2: PowerLawFit, x_range=None, n_grid: int = 2000, all: bool = False):
    """Where two fitted curves cross: x with fit1.predict(x) == fit2.predict(x) inside ``x_range`` (lo, hi).

    Searches a log-spaced grid for sign changes of the difference and refines each with Brent's method.
    Returns the first (smallest) crossing, or ``None`` when the curves do not cross in the range; with
    ``all=True`` returns the sorted list of every crossing.  ``x_range`` defaults to the union of the two fit ranges
    extended by three decades upwards (where extrapolated curves typically cross).
    """
    if x_range is None:
        lo = min(fit1.x_range[0], fit2.x_range[0])
        hi = max(fit1.x_range[1], fit2.x_range[1]) * 1e3
    else:
        lo, hi = (float(v) for v in x_range)
    if not (0 < lo < hi):
        raise FitError(f"crossing: x_range must satisfy 0 < lo < hi, got {(lo, hi)}")

    def d(t):
        return float(fit1.predict(np.array([t]))[0] - fit2.predict(np.array([t]))[0])

    grid = np.geomspace(lo, hi, n_grid)
    vals = fit1.predict(grid) - fit2.predict(grid)
    roots = []
    for i in range(n_grid - 1):
        a, b = vals[i], vals[i + 1]
        if a == 0:
            roots.append(float(grid[i]))
        elif np.sign(a) != np.sign(b) and np.isfinite(a) and np.isfinite(b) and b != 0:
            roots.append(float(optimize.brentq(d, grid[i], grid[i + 1], xtol=1e-12 * grid[i], rtol=1e-12)))
    if vals[-1] == 0:
        roots.append(float(grid[-1]))
    roots = sorted(set(roots))
    if all:
        return roots
    return roots[0] if roots else None


def crossing_error(fit1: PowerLawFit, fit2: PowerLawFit, x_range=None, n_samples: int = 400, seed: int = 0):
    """Median and 16/84 % quantiles of the first crossing over parameter samples from both fits' covariances.

    Returns ``(median, lo, hi, fraction_crossing)``; samples in which the curves do not cross are counted in
    ``fraction_crossing`` only.
    """
    rng = np.random.default_rng(seed)
    xs = []
    for _ in range(n_samples):
        f1, f2 = _sample(fit1, rng), _sample(fit2, rng)
        c = crossing(f1, f2, x_range, n_grid=400)
        if c is not None:
            xs.append(c)
    if not xs:
        return None, None, None, 0.0
    q = np.quantile(np.log(xs), [0.5, 0.16, 0.84])
    return float(np.exp(q[0])), float(np.exp(q[1])), float(np.exp(q[2])), len(xs) / n_samples


def _sample(fit: PowerLawFit, rng) -> PowerLawFit:
    mean = np.array([fit.params[k] for k in fit.free])
    cov = np.where(np.isfinite(fit.cov), fit.cov, 0.0)
    draw = rng.multivariate_normal(mean, cov)
    params = dict(fit.params)
    params.update({k: float(v) for k, v in zip(fit.free, draw)})
    return PowerLawFit(form=fit.form, params=params, errors=fit.errors, free=fit.free, cov=fit.cov,
                       x_range=fit.x_range, n_points=fit.n_points, chi2=fit.chi2, ndof=fit.ndof,
                       log_space=fit.log_space, x=fit.x, y=fit.y, sigma=fit.sigma)


# ------------------------------------------------------------------------------------------------ fits per group
def fit_groups(table, by: str, x: str, y: str, form: str = "pure", x_range=None, sigma: str | None = None,
               min_points: int | None = None, **kw) -> dict:
    """One power-law fit per group of a tidy table: ``{group value: PowerLawFit or None}``.

    ``table``: a pandas DataFrame with columns ``by``, ``x``, ``y`` (and ``sigma``, the name of a column of 1σ errors,
    if given). ``x_range``: ``(lo, hi)`` for every group, or a function ``group -> (lo, hi)`` (e.g. the DNNs of
    paper A only up to T = 2e5). A group with fewer than ``min_points`` points in range (default: the form's minimum)
    or whose fit fails gets ``None``, so a page can say which groups could not be fitted. Extra keywords go to
    :func:`fit_power_law`.
    """
    missing = [c for c in (by, x, y, sigma) if c is not None and c not in table.columns]
    if missing:
        raise FitError(f"fit_groups: the table has no column(s) {missing}; it has {list(table.columns)}")
    npar = 2 if form == "pure" else 3
    need = npar + 1 if min_points is None else int(min_points)
    out = {}
    for key, g in table.groupby(by, sort=True):
        rng = x_range(key) if callable(x_range) else x_range
        xs = g[x].to_numpy(float)
        if rng is not None:
            lo, hi = rng
            sel = (xs >= (-np.inf if lo is None else lo)) & (xs <= (np.inf if hi is None else hi))
        else:
            sel = np.ones(len(xs), bool)
        if sel.sum() < need:
            out[key] = None
            continue
        try:
            out[key] = fit_power_law(xs[sel], g[y].to_numpy(float)[sel], form,
                                     sigma=None if sigma is None else g[sigma].to_numpy(float)[sel], **kw)
        except FitError:
            out[key] = None
    return out
