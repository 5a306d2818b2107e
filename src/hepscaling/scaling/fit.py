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

Two-variable laws (paper D; Hoffmann et al. 2022, "Chinchilla")
----------------------------------------------------------------
``fit_loss_surface(N, D, L, sigma=None)`` fits ``L(N, D) = E + A/N^α + B/D^β`` to runs of N parameters trained on D
samples: in log space with a Huber loss (Chinchilla's method 3, errors from a bootstrap over runs) or by weighted
least squares on L (errors from the covariance). It returns a :class:`LossSurfaceFit` with the compute-optimal
frontier exponents ``a = β/(α+β)``, ``b = α/(α+β)`` for ``C = k N D`` and ``optimal_allocation(C)``.
``compute_frontier(N, D, C, L)`` finds the same frontier from the lower envelope of the loss-vs-compute curves
(Chinchilla's method 1) and fits ``N_opt ∝ C^a``, ``D_opt ∝ C^b``.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Sequence

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


# ===================================================================================== loss surfaces L(N, D)
SURFACE_PARAMS = ("E", "A", "alpha", "B", "beta")
SURFACE_METHODS = ("huber", "wls")
SURFACE_ERRORS = ("covariance", "bootstrap", "none")
HUBER_DELTA = 1e-3                        # Hoffmann et al. (2022), App. D.2
SURFACE_FORMULA = "L = E + A/N^α + B/D^β"


def _check_arrays(who: str, names: Sequence[str], arrays, positive: Sequence[str] = ()) -> list[np.ndarray]:
    """1-d float arrays of equal length, every value finite; those named in ``positive`` > 0."""
    out = []
    for name, a in zip(names, arrays):
        try:
            v = np.asarray(a, dtype=float)
        except (TypeError, ValueError):
            raise FitError(f"{who}: {name} must be an array of numbers, got {type(a).__name__}") from None
        if v.ndim > 1 and v.size == max(v.shape):          # a column or row vector
            v = v.ravel()
        if v.ndim != 1:
            raise FitError(f"{who}: {name} must be one-dimensional (one value per run), got shape {v.shape}")
        out.append(v)
    sizes = {n: v.size for n, v in zip(names, out)}
    if len(set(sizes.values())) != 1:
        raise FitError(f"{who}: {', '.join(names)} must have the same length (one entry per run), got "
                       + ", ".join(f"{n}: {k}" for n, k in sizes.items()))
    for name, v in zip(names, out):
        bad = ~np.isfinite(v)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise FitError(f"{who}: {name} must be finite; {name}[{i}] = {v[i]} ({int(bad.sum())} such entries)")
        if name in positive and np.any(v <= 0):
            i = int(np.flatnonzero(v <= 0)[0])
            raise FitError(f"{who}: {name} must be > 0; {name}[{i}] = {v[i]:.6g}")
    return out


def _surface_log_model(theta, logN, logD):
    """log L(N, D) for internal parameters theta = (log E, log A, alpha, log B, beta), and d log L / d theta."""
    e, a, al, b, be = theta
    t = np.stack([np.full_like(logN, e), a - al * logN, b - be * logD])          # (3, n): log of the three terms
    m = t.max(axis=0)
    w = np.exp(t - m)
    s = w.sum(axis=0)
    w /= s                                                                       # each term's share of L
    jac = np.stack([w[0], w[1], -logN * w[1], w[2], -logD * w[2]], axis=1)       # (n, 5)
    return m + np.log(s), jac


def _huber_objective(theta, logN, logD, logL, delta):
    """Σ Huber_δ(log L_model - log L) / δ and its gradient (divided by δ so that L-BFGS sees O(1) gradients)."""
    lse, jac = _surface_log_model(theta, logN, logD)
    r = lse - logL
    ar = np.abs(r)
    quad = ar <= delta
    f = np.where(quad, 0.5 * r * r / delta, ar - 0.5 * delta)
    psi = np.where(quad, r / delta, np.sign(r))
    return float(f.sum()), psi @ jac


def _surface_starts(logN, logD, L, s, method, delta, inits=None, n_starts: int = 5) -> list[np.ndarray]:
    """Starting points in internal parameters (log E, log A, alpha, log B, beta).

    ``inits`` (dicts or 5-tuples of E, A, alpha, B, beta) are used as given. Otherwise a grid of 12 x 12 exponents
    alpha, beta in [0.05, 2] (log-spaced): at fixed exponents the surface is linear in (E, A, B), which
    non-negative least squares on (L - model)/s gives; the ``n_starts`` grid points with the lowest objective of
    ``method`` start the local fits (zero coefficients are lifted to 1e-6 of the loss scale to have a logarithm)."""
    if inits is not None:
        starts = []
        for k, p in enumerate(inits):
            vals = [p[n] for n in SURFACE_PARAMS] if isinstance(p, dict) else list(p)
            if len(vals) != 5 or not all(np.isfinite(vals)) or min(vals[0], vals[1], vals[3]) <= 0:
                raise FitError(f"fit_loss_surface: inits[{k}] must give finite (E, A, alpha, B, beta) with E, A, B "
                               f"> 0, got {p!r}")
            E0, A0, al, B0, be = (float(v) for v in vals)
            starts.append(np.array([math.log(E0), math.log(A0), al, math.log(B0), be]))
        if not starts:
            raise FitError("fit_loss_surface: inits is empty")
        return starts
    N, D = np.exp(logN), np.exp(logD)
    floor = 1e-6 * float(np.min(L))
    cands = []
    for al in np.geomspace(0.05, 2.0, 12):
        for be in np.geomspace(0.05, 2.0, 12):
            tN, tD = N ** -al, D ** -be
            X = np.stack([np.ones_like(L), tN, tD], axis=1) / s[:, None]
            coef, _ = optimize.nnls(X, L / s)
            E0, A0, B0 = (max(c, floor / t) for c, t in zip(coef, (1.0, tN.max(), tD.max())))
            theta = np.array([math.log(E0), math.log(A0), al, math.log(B0), be])
            if method == "huber":
                obj = _huber_objective(theta, logN, logD, np.log(L), delta)[0]
            else:
                lse, _ = _surface_log_model(theta, logN, logD)
                obj = float(np.sum(((np.exp(lse) - L) / s) ** 2))
            if np.isfinite(obj):
                cands.append((obj, theta))
    cands.sort(key=lambda t: t[0])
    return [t for _, t in cands[:n_starts]]


def _one_blas_thread():
    """Context limiting BLAS to one thread: scipy's L-BFGS-B calls BLAS on 5x5 problems, where thread start-up
    dominates (16x slower on a loaded machine with the default thread pool)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:                       # pragma: no cover - threadpoolctl comes with scikit-learn
        import contextlib
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _fit_surface_once(method, starts, logN, logD, L, s, delta):
    """Best of local fits from every start: (theta, objective)."""
    logL = np.log(L)
    best = None
    for x0 in starts:
        if method == "huber":
            res = optimize.minimize(_huber_objective, x0, args=(logN, logD, logL, delta), jac=True,
                                    method="L-BFGS-B", options={"maxiter": 5000, "ftol": 1e-13, "gtol": 1e-9})
            theta, obj = res.x, float(res.fun) * delta        # report the objective of Hoffmann et al. (unscaled)
        else:
            def resid(th):
                lse, _ = _surface_log_model(th, logN, logD)
                return (np.exp(lse) - L) / s

            def jac(th):
                lse, j = _surface_log_model(th, logN, logD)
                return (np.exp(lse) / s)[:, None] * j

            with np.errstate(over="ignore", invalid="ignore"):
                res = optimize.least_squares(resid, x0, jac=jac, method="trf", x_scale="jac", ftol=1e-14,
                                             xtol=1e-14, gtol=1e-14, max_nfev=2000)
            theta, obj = res.x, 2.0 * float(res.cost)        # chi^2
        if np.all(np.isfinite(theta)) and np.isfinite(obj) and (best is None or obj < best[1]):
            best = (theta, obj)
    if best is None:
        raise FitError("fit_loss_surface: no start converged to a finite fit; give starting values with inits=")
    return best


def _natural(theta) -> np.ndarray:
    """(log E, log A, alpha, log B, beta) -> (E, A, alpha, B, beta)."""
    e, a, al, b, be = theta
    with np.errstate(over="ignore"):
        return np.array([np.exp(e), np.exp(a), al, np.exp(b), be], dtype=float)


@dataclass
class LossSurfaceFit:
    """Result of :func:`fit_loss_surface`: ``L(N, D) = E + A/N^α + B/D^β``.

    * ``params``, ``errors``: dicts keyed ``E, A, alpha, B, beta``; ``cov`` their 5x5 covariance in that order.
    * ``error_method``: ``"covariance"`` (inverse of the Gauss-Newton Hessian JᵀJ of the weighted least squares,
      scaled by χ²/ndof when no ``sigma`` was given), ``"bootstrap"`` (standard deviations and covariance of the
      parameters refitted on ``n_boot`` resamplings of the runs with replacement; ``bootstrap`` holds the samples,
      one row of (E, A, alpha, B, beta) each; a resample whose refit runs off to an infinite parameter — a term it
      cannot pin down — is left out and counted in ``n_boot_diverged``) or ``"none"`` (nan).
    * ``method``: ``"huber"`` (log space, Huber loss with ``delta``) or ``"wls"``; ``objective``: the minimised
      Σ Huber_δ(residual of log L) or χ²; ``chi2``/``ndof`` of the weighted least squares (nan for Huber).
    * ``flops_per_nd``: k of ``C = k N D`` (6 for a transformer's forward + backward pass).
    * ``a``, ``b``: compute-optimal exponents ``N_opt ∝ C^a``, ``D_opt ∝ C^b``: ``a = β/(α+β)``, ``b = α/(α+β)``
      (Hoffmann et al. 2022, eq. 4); ``a_err``/``b_err`` from the same error method.
    * :meth:`interval`: the central bootstrap interval of a parameter (percentiles of the refits).  The amplitudes A
      and B are often log-normal-like: when α or β is loosely pinned, a few resamples send A or B up by orders of
      magnitude, so their standard deviation says little and the interval says what the runs allow; ``summary``
      prints both.
    """
    params: dict
    errors: dict
    cov: np.ndarray
    error_method: str
    method: str
    delta: float | None
    objective: float
    chi2: float
    ndof: int
    n_points: int
    n_starts: int
    flops_per_nd: float
    N: np.ndarray = field(repr=False)
    D: np.ndarray = field(repr=False)
    L: np.ndarray = field(repr=False)
    sigma: np.ndarray | None = field(repr=False, default=None)
    bootstrap: np.ndarray | None = field(repr=False, default=None)
    n_boot_diverged: int = 0

    def predict(self, N, D) -> np.ndarray:
        """The fitted surface at (N, D) (broadcast against each other)."""
        p = self.params
        N, D = np.asarray(N, dtype=float), np.asarray(D, dtype=float)
        return p["E"] + p["A"] * N ** (-p["alpha"]) + p["B"] * D ** (-p["beta"])

    @property
    def a(self) -> float:
        """Exponent of N_opt ∝ C^a: β/(α+β)."""
        return self.params["beta"] / (self.params["alpha"] + self.params["beta"])

    @property
    def b(self) -> float:
        """Exponent of D_opt ∝ C^b: α/(α+β) (= 1 - a)."""
        return self.params["alpha"] / (self.params["alpha"] + self.params["beta"])

    @property
    def a_err(self) -> float:
        if self.error_method == "bootstrap" and self.bootstrap is not None:
            al, be = self.bootstrap[:, 2], self.bootstrap[:, 4]
            return float(np.std(be / (al + be), ddof=1))
        al, be = self.params["alpha"], self.params["beta"]
        g = np.array([-be, al]) / (al + be) ** 2                   # d a / d(alpha, beta)
        c = self.cov[np.ix_([2, 4], [2, 4])]
        v = float(g @ c @ g)
        return math.sqrt(v) if v >= 0 else float("nan")

    b_err = a_err                                                  # b = 1 - a

    @property
    def G(self) -> float:
        """Prefactor of N_opt = G (C/k)^a, D_opt = (C/k)^b / G: G = (α A / (β B))^(1/(α+β))."""
        p = self.params
        return (p["alpha"] * p["A"] / (p["beta"] * p["B"])) ** (1.0 / (p["alpha"] + p["beta"]))

    def frontier_exponents(self) -> dict:
        return {"a": self.a, "a_err": self.a_err, "b": self.b, "b_err": self.b_err}

    def optimal_allocation(self, C) -> tuple[np.ndarray, np.ndarray]:
        """(N_opt, D_opt) minimising the fitted L(N, D) at fixed compute ``C = k N D`` (k = ``flops_per_nd``):
        ``N_opt = G (C/k)^a``, ``D_opt = (C/k)^b / G``."""
        C = np.asarray(C, dtype=float)
        if np.any(~np.isfinite(C)) or np.any(C <= 0):
            raise FitError(f"optimal_allocation: C must be finite and > 0, got {C}")
        x = C / self.flops_per_nd
        return self.G * x ** self.a, x ** self.b / self.G

    def optimal_loss(self, C) -> np.ndarray:
        """The fitted loss on the compute-optimal frontier at compute C."""
        return self.predict(*self.optimal_allocation(C))

    def residuals(self) -> np.ndarray:
        """log L - log L_fit for Huber fits, (L - L_fit) / sigma for weighted least squares."""
        if self.method == "huber":
            return np.log(self.L) - np.log(self.predict(self.N, self.D))
        s = 1.0 if self.sigma is None else self.sigma
        return (self.L - self.predict(self.N, self.D)) / s

    def interval(self, name: str, level: float = 0.6827) -> tuple[float, float]:
        """Central ``level`` interval of parameter ``name`` (one of ``E, A, alpha, B, beta``) over the bootstrap
        refits: their ``(1 - level)/2`` and ``(1 + level)/2`` quantiles (default: the 1σ-equivalent 68.27 %);
        ``(nan, nan)`` without bootstrap samples."""
        if name not in SURFACE_PARAMS:
            raise FitError(f"LossSurfaceFit.interval: name must be one of {SURFACE_PARAMS}, got {name!r}")
        if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0 < level < 1:
            raise FitError(f"LossSurfaceFit.interval: level must lie in (0, 1), got {level!r}")
        if self.bootstrap is None or len(self.bootstrap) == 0:
            return float("nan"), float("nan")
        lo, hi = np.quantile(self.bootstrap[:, SURFACE_PARAMS.index(name)], [(1 - level) / 2, (1 + level) / 2])
        return float(lo), float(hi)

    def summary(self) -> str:
        parts = ", ".join(f"{k} = {_fmt(self.params[k], self.errors[k])}" for k in SURFACE_PARAMS)
        extra = (f"χ²/ndof = {self.chi2:.2f}/{self.ndof}" if self.method == "wls"
                 else f"Huber δ = {self.delta:g}")
        if self.n_boot_diverged:
            extra += f", {self.n_boot_diverged} diverging resamples left out"
        out = (f"{SURFACE_FORMULA}: {parts}; a = {_fmt(self.a, self.a_err)}, b = {_fmt(self.b, self.b_err)}  "
               f"[{self.n_points} runs, {self.method}, errors: {self.error_method}, {extra}]")
        if self.bootstrap is not None and len(self.bootstrap):
            out += "\n  central 68 % bootstrap intervals: " + ", ".join(
                f"{k} [{lo:.3g}, {hi:.3g}]" for k in SURFACE_PARAMS for lo, hi in [self.interval(k)])
        return out

    def __str__(self) -> str:
        return self.summary()


def fit_loss_surface(N, D, L, sigma=None, *, method: str | None = None, delta: float = HUBER_DELTA,
                     errors: str | None = None, n_boot: int = 200, seed: int = 0, flops_per_nd: float = 6.0,
                     inits=None, n_starts: int = 5) -> LossSurfaceFit:
    """Fit ``L(N, D) = E + A/N^α + B/D^β`` (Hoffmann et al. 2022) to runs of N parameters trained on D samples.

    Parameters
    ----------
    N, D, L : array-like, one entry per run, all > 0 and finite.
    sigma : array-like or float, optional
        Absolute 1σ errors of L (for ``method="wls"``).
    method : ``"huber"`` — minimise Σ Huber_δ(log L_model − log L) over (log E, log A, α, log B, β) with L-BFGS from
        every start, as Chinchilla's method 3 (δ = ``delta``, default 10⁻³); ``"wls"`` — least squares on
        (L − L_model)/σ (σ = 1 without ``sigma``). Default: ``"wls"`` when ``sigma`` is given, else ``"huber"``.
    errors : ``"covariance"`` (wls only: (JᵀJ)⁻¹, absolute with ``sigma``, scaled by χ²/ndof without),
        ``"bootstrap"`` (``n_boot`` resamplings of the runs with replacement, drawn with ``seed``, each refitted from
        the best fit) or ``"none"``. Default: covariance for wls, bootstrap for huber (a Huber loss with δ far below
        the scatter is an L1 fit, whose curvature says nothing about the errors).
    flops_per_nd : k in ``C = k N D`` for the frontier (default 6).
    inits : starting values, a list of dicts (or 5-tuples) of E, A, alpha, B, beta. Default: the ``n_starts`` best
        points of a 12 x 12 grid of exponents (α, β) in [0.05, 2], each with the (E, A, B) of a non-negative linear
        least-squares fit at those exponents (:func:`_surface_starts`); the lowest local minimum wins.
    """
    who = "fit_loss_surface"
    N, D, L = _check_arrays(who, ("N", "D", "L"), (N, D, L), positive=("N", "D", "L"))
    if method is None:
        method = "huber" if sigma is None else "wls"
    if method not in SURFACE_METHODS:
        raise FitError(f"{who}: method must be one of {SURFACE_METHODS}, got {method!r}")
    if sigma is not None:
        if method == "huber":
            raise FitError(f"{who}: sigma is used by method='wls' only (the Huber fit weighs every run equally in "
                           "log L); drop sigma or use method='wls'")
        try:
            s = np.broadcast_to(np.asarray(sigma, dtype=float), L.shape)
        except ValueError:
            raise FitError(f"{who}: sigma must be one number or one per run ({L.size}), got shape "
                           f"{np.shape(sigma)}") from None
        (s,) = _check_arrays(who, ("sigma",), (s,), positive=("sigma",))
    else:
        s = None
    if errors is None:
        errors = "covariance" if method == "wls" else "bootstrap"
    if errors not in SURFACE_ERRORS:
        raise FitError(f"{who}: errors must be one of {SURFACE_ERRORS}, got {errors!r}")
    if errors == "covariance" and method == "huber":
        raise FitError(f"{who}: errors='covariance' needs method='wls'; the Huber fit's errors come from "
                       "errors='bootstrap'")
    if not (isinstance(delta, (int, float)) and math.isfinite(delta) and delta > 0):
        raise FitError(f"{who}: delta must be a finite number > 0, got {delta!r}")
    if not (isinstance(flops_per_nd, (int, float)) and math.isfinite(flops_per_nd) and flops_per_nd > 0):
        raise FitError(f"{who}: flops_per_nd must be a finite number > 0, got {flops_per_nd!r}")
    if L.size < 6:
        raise FitError(f"{who}: five parameters need at least 6 runs, got {L.size}")
    for name, v in (("N", N), ("D", D)):
        if np.unique(v).size < 3:
            raise FitError(f"{who}: need at least 3 distinct values of {name} to fit its power law, got "
                           f"{np.unique(v).size} ({np.unique(v).tolist()})")
    if errors == "bootstrap" and (isinstance(n_boot, bool) or not isinstance(n_boot, int) or n_boot < 2):
        raise FitError(f"{who}: n_boot must be an integer >= 2, got {n_boot!r}")

    if isinstance(n_starts, bool) or not isinstance(n_starts, int) or n_starts < 1:
        raise FitError(f"{who}: n_starts must be a positive integer, got {n_starts!r}")
    with _one_blas_thread():
        return _fit_loss_surface(N, D, L, s, method, delta, errors, n_boot, seed, flops_per_nd, inits, n_starts)


def _fit_loss_surface(N, D, L, s, method, delta, errors, n_boot, seed, flops_per_nd, inits, n_starts):
    who = "fit_loss_surface"
    logN, logD = np.log(N), np.log(D)
    ws = np.ones_like(L) if s is None else s
    starts = _surface_starts(logN, logD, L, ws, method, delta, inits, n_starts)
    theta, obj = _fit_surface_once(method, starts, logN, logD, L, ws, delta)
    nat = _natural(theta)
    n = L.size
    ndof = n - 5
    chi2 = obj if method == "wls" else float("nan")
    boot = None
    if errors == "covariance":
        lse, j = _surface_log_model(theta, logN, logD)
        J = (np.exp(lse) / ws)[:, None] * j
        try:
            cov_t = np.linalg.inv(J.T @ J)
        except np.linalg.LinAlgError:
            cov_t = np.full((5, 5), np.inf)
        if s is None:
            cov_t = cov_t * (chi2 / ndof if ndof > 0 else np.nan)
        T = np.diag([nat[0], nat[1], 1.0, nat[3], 1.0])            # d(E, A, alpha, B, beta)/d(theta)
        cov = T @ cov_t @ T.T
    elif errors == "bootstrap":
        rng = np.random.default_rng(seed)
        rows, tries, diverged = [], 0, 0
        while len(rows) < n_boot:
            tries += 1
            if tries > 20 * n_boot:
                raise FitError(f"{who}: bootstrap resamples keep having fewer than 3 distinct N or D, or refits "
                               f"that diverge ({diverged}); add runs")
            idx = rng.integers(0, n, n)
            if np.unique(N[idx]).size < 3 or np.unique(D[idx]).size < 3:
                continue
            th, _ = _fit_surface_once(method, [theta], logN[idx], logD[idx], L[idx], ws[idx], delta)
            row = _natural(th)
            if not np.all(np.isfinite(row)):
                diverged += 1
                continue
            rows.append(row)
        boot = np.array(rows)
        cov = np.cov(boot.T, ddof=1)
    else:
        cov = np.full((5, 5), np.nan)
    with np.errstate(invalid="ignore"):
        errs = {k: float(math.sqrt(cov[i, i])) if cov[i, i] >= 0 else float("nan")
                for i, k in enumerate(SURFACE_PARAMS)}
    return LossSurfaceFit(params={k: float(v) for k, v in zip(SURFACE_PARAMS, nat)}, errors=errs,
                          cov=np.asarray(cov, dtype=float), error_method=errors, method=method,
                          delta=float(delta) if method == "huber" else None, objective=float(obj), chi2=chi2,
                          ndof=int(ndof), n_points=int(n), n_starts=len(starts), flops_per_nd=float(flops_per_nd),
                          N=N, D=D, L=L, sigma=s, bootstrap=boot,
                          n_boot_diverged=int(diverged) if errors == "bootstrap" else 0)


# ============================================================================ compute frontier: lower envelope
@dataclass
class ComputeFrontier:
    """Result of :func:`compute_frontier`: the lower envelope of loss vs compute and power laws through it.

    ``C``, ``L``, ``N_opt``, ``D_opt``: one entry per compute value of the envelope (grid point or bin);
    ``interior``: whether the optimum lies strictly inside the model sizes available at that C (only those enter the
    fits: at the edges the true optimum may lie outside the sizes trained). ``a``/``b`` (and errors, scaled by the
    residual scatter): exponents of ``N_opt = kN C^a`` and ``D_opt = kD C^b``; ``N_fit``/``D_fit`` the
    :class:`PowerLawFit` of the ``"pure"`` form (whose ``alpha`` is ``-a`` / ``-b``).  An envelope returned with
    ``require_fit=False`` and too few interior optima has ``a``, ``b`` and their errors nan, ``N_fit``/``D_fit``
    None and ``why`` the reason."""
    C: np.ndarray
    L: np.ndarray
    N_opt: np.ndarray
    D_opt: np.ndarray
    interior: np.ndarray
    a: float
    a_err: float
    b: float
    b_err: float
    N_fit: PowerLawFit | None = field(repr=False)
    D_fit: PowerLawFit | None = field(repr=False)
    why: str = ""

    @property
    def has_fit(self) -> bool:
        """Whether power laws were fitted through the interior optima (else ``why`` says why not)."""
        return self.N_fit is not None

    def N_at(self, C) -> np.ndarray:
        """Compute-optimal model size from the fitted power law."""
        return self.N_fit.predict(C)

    def D_at(self, C) -> np.ndarray:
        """Compute-optimal dataset size from the fitted power law."""
        return self.D_fit.predict(C)

    def table(self):
        import pandas as pd
        return pd.DataFrame({"C": self.C, "L": self.L, "N_opt": self.N_opt, "D_opt": self.D_opt,
                             "interior": self.interior})

    def summary(self) -> str:
        if not self.has_fit:
            return f"lower envelope: no exponents ({self.why})"
        return (f"lower envelope: N_opt ∝ C^{_fmt(self.a, self.a_err)}, D_opt ∝ C^{_fmt(self.b, self.b_err)}"
                f"  [{int(self.interior.sum())} of {self.C.size} compute values with an interior optimum]")

    def __str__(self) -> str:
        return self.summary()


def compute_frontier(N, D, C, L, *, runs=None, n_grid: int = 60, require_fit: bool = True) -> ComputeFrontier:
    """Compute-optimal frontier from the lower envelope of the loss-vs-compute curves (Chinchilla's method 1).

    Every entry is one point of a run: model size ``N``, samples seen ``D``, compute spent ``C`` (FLOPs as counted,
    not necessarily k N D) and loss ``L``. The points of one run form its loss-vs-compute curve: checkpoints along a
    run, or the final losses of runs of one N with different D. Curves are the points grouped by ``runs`` (a label
    per point; default: by N, the losses of repeated (N, C) averaged, e.g. seeds).

    On ``n_grid`` log-spaced compute values, each curve covering that C gives its loss by linear interpolation in
    log C (and its D by interpolation in log-log); the envelope is the lowest loss, and ``N_opt``, ``D_opt`` those of
    its curve, as in Hoffmann et al. (2022), §3.1. A compute value is *interior* when ``N_opt`` is neither the
    smallest nor the largest N whose curve covers it; ``N_opt`` and ``D_opt`` of the interior values are fitted with
    pure power laws in C (log-log least squares, errors from the residual scatter). ``N_opt`` is quantised to the
    sizes trained: the exponents need many sizes (about ten per decade for ±0.02).

    (Taking the lowest point in bins of C instead, without interpolation, is biased: within a bin it picks whichever
    run happens to have a checkpoint near the bin's upper edge.)

    Fewer than 3 interior compute values (or fewer than 2 distinct interior ``N_opt``) raise :class:`FitError`, or,
    with ``require_fit=False``, return the envelope with nan exponents and the reason in ``why``.
    """
    who = "compute_frontier"
    N, D, C, L = _check_arrays(who, ("N", "D", "C", "L"), (N, D, C, L), positive=("N", "D", "C", "L"))
    if isinstance(n_grid, bool) or not isinstance(n_grid, int) or n_grid < 3:
        raise FitError(f"{who}: n_grid must be an integer >= 3, got {n_grid!r}")
    if np.unique(N).size < 3:
        raise FitError(f"{who}: need runs of at least 3 distinct model sizes N, got {np.unique(N).size}")
    if runs is None:
        labels = N
    else:
        labels = np.asarray(runs).ravel()
        if labels.size != N.size:
            raise FitError(f"{who}: runs must give one label per point ({N.size}), got {labels.size}")
    curves = []
    for lab in np.unique(labels):
        sel = labels == lab
        n_run = np.unique(N[sel])
        if n_run.size != 1:
            raise FitError(f"{who}: run {lab!r} has points of several model sizes {n_run.tolist()}; one run is one "
                           "model size")
        lc, inv = np.unique(np.log(C[sel]), return_inverse=True)
        if lc.size < 2:
            continue                         # a single point is no curve: it covers one compute value only
        cnt = np.bincount(inv)
        curves.append((float(n_run[0]), lc, np.bincount(inv, L[sel]) / cnt, np.bincount(inv, np.log(D[sel])) / cnt))
    if len({c[0] for c in curves}) < 3:
        raise FitError(f"{who}: need curves (>= 2 compute values each) for at least 3 model sizes")
    grid = np.linspace(min(c[1][0] for c in curves), max(c[1][-1] for c in curves), n_grid)
    rows = []
    for lc in grid:
        cover = [(n, np.interp(lc, x, l), np.interp(lc, x, ld)) for n, x, l, ld in curves if x[0] <= lc <= x[-1]]
        if not cover:                        # a gap between the compute ranges of the runs
            continue
        n_best, l_best, ld_best = min(cover, key=lambda t: t[1])
        sizes = [t[0] for t in cover]
        rows.append((math.exp(lc), l_best, n_best, math.exp(ld_best), min(sizes) < n_best < max(sizes)))
    Cg, Lg, Ng, Dg, inner = (np.array(v) for v in zip(*rows))
    inner = inner.astype(bool)
    if inner.sum() < 3 or np.unique(Ng[inner]).size < 2:
        why = (f"only {int(inner.sum())} of {Cg.size} compute values have their optimum strictly inside the model "
               f"sizes covering them ({np.unique(Ng[inner]).size} distinct N_opt; a fit needs >= 3 values and >= 2 "
               "sizes)")
        if not require_fit:
            nan = float("nan")
            return ComputeFrontier(C=Cg, L=Lg, N_opt=Ng, D_opt=Dg, interior=inner, a=nan, a_err=nan, b=nan,
                                   b_err=nan, N_fit=None, D_fit=None, why=why)
        raise FitError(f"{who}: only {int(inner.sum())} compute values have their optimum strictly inside the model "
                       f"sizes trained ({np.unique(Ng[inner]).size} distinct N_opt); train smaller and larger models "
                       "or longer runs")
    nf = fit_power_law(Cg[inner], Ng[inner], "pure")
    df = fit_power_law(Cg[inner], Dg[inner], "pure")
    return ComputeFrontier(C=Cg, L=Lg, N_opt=Ng, D_opt=Dg, interior=inner, a=-nf.params["alpha"],
                           a_err=nf.errors["alpha"], b=-df.params["alpha"], b_err=df.errors["alpha"], N_fit=nf,
                           D_fit=df)
