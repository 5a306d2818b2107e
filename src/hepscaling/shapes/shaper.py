"""SHAPER observables: the exact EMD between a jet and the closest member of a manifold of shapes, and its parameters.

For a jet ℰ (particles x_i in the (y, φ) plane with pT fractions z_i, Σ z_i = 1) and a manifold ℳ of energy flows
(:mod:`hepscaling.shapes.manifolds`), SHAPER (Ba, Dogra, Gambhir, Tasissa, Thaler, arXiv 2302.12266) defines

    O_ℳ(ℰ) = min_{ℰ'∈ℳ} EMD_{β,R}(ℰ, ℰ'),      θ_ℳ(ℰ) = argmin_{ℰ'∈ℳ} EMD_{β,R}(ℰ, ℰ').

**EMD convention.**  ``convention="energyflow"`` (default): ``EMD = min_π Σ_ij π_ij (d_ij / R)^β`` over transport
plans π between the normalised jet and shape (EnergyFlow's ``emd.emd(..., norm=True)``, paper A's eq. 3).
``convention="shaper"``: the talk's and SHAPER's ``(1/(β R^β)) Σ π_ij d_ij^β`` — the same at β = 1, half of it at
β = 2 (pyshaper's geomloss cost ``|x − y|²/2``).  Both energies are normalised, so the ``|ΔE_tot|`` term vanishes.
With the default, 1-subjettiness at β = 2 is ``Σ z_i |x_i − x̄|² / R²`` (the pT-weighted variance); with
``"shaper"`` it is half of that.

**Exact transport.**  Every EMD is the exact optimal transport (network simplex, POT's ``ot.emd``) between the jet's
particles and the shape's fixed, quasi-uniform discretisation (``n_points`` per ring/disk/ellipse; see
:mod:`~hepscaling.shapes.manifolds` for the discretisation error, at most ``π r/(2n)`` in distance for a ring).

**The fit: majorise–minimise on the transport plan.**  SHAPER follows gradients of a Sinkhorn loss with Adam; we
minimise the exact EMD with a monotone majorise–minimise (MM) iteration that uses the optimal plan:

1. solve the OT at the current parameters θ: plan π, EMD E(θ), and the duals v_k of the shape's points;
2. *positions.*  With π held fixed, ``F_π(θ') = Σ π_ik |x_i − s_k(θ')|^β`` bounds ``E(θ')`` from above (π is a
   feasible plan for θ') and equals E at θ.  For 0 < β ≤ 2, ``t^{β/2}`` is concave, so
   ``|d|^β ≤ |a|^β + (β/2)|a|^{β−2}(|d|² − |a|²)`` for any a > 0: one weighted least-squares step with weights
   ``π_ik |a_ik|^{β−2}``, ``a_ik = max(|d₀_ik|, 10⁻³R)`` (Weiszfeld's step at β = 1), decreases the bound and hence
   E.  The floor 10⁻³R keeps a shape point that sits on a particle (where |d|^β has a kink) from being pinned there;
   it makes the bound exceed E(θ) by at most ~10⁻³ × the mass of such pairs, so a step may raise E by that much and
   the iteration keeps the best parameters seen.  Shape points are linear in the parameters (``s_k = c + B v_k``, B a
   similarity for rings/disks, any 2×2 matrix for ellipses), so the step is a closed-form weighted regression of the
   plan's barycentric targets on the template points;
3. *weights* (several components, ``+point``, ``+pileup``).  The EMD is convex in the shape's weights and
   ``∂E/∂f_p`` is the mean dual over part p (the envelope theorem: dual potentials are the derivatives of the LP's
   value with respect to its marginals); one exponentiated-gradient step on the simplex, with a step size that grows
   by 1.5 after an accepted step and shrinks by 0.3 after a rejected one.  A step that raises E is rejected and the
   position step alone is kept;
4. repeat until the best EMD seen improved by less than ``tol·E`` in ``patience`` consecutive iterations (converged)
   or ``max_iter`` transport problems were solved (not converged; flagged in the output).  Every start is first run
   for 4 iterations; only the best one continues.

The result is the best EMD seen over all starts, and the N-subjettiness solution (each shape of radius 0 on an
axis) is always among the configurations evaluated, which guarantees ``N-ringiness ≤ N-subjettiness`` (and likewise
for disks and ellipses) — a ring of radius 0 *is* a point.  Each fit starts from ``n_init`` initialisations (in this
order): the components' moments (centre from N-subjettiness, radius from the pT-weighted mean distance — ×1.5 for a
disk, whose mean distance is 2/3 of its radius —, ellipse from twice the square root of the covariance), the
N-subjettiness axes with a radius of 10⁻³R (not exactly 0: with all of a shape's points on one spot the optimal plan
is degenerate, and the first step would follow the solver's arbitrary choice — a soft particle could then change
the result), half the moment radius; the best EMD wins.  Like every local method, MM may stop at a local minimum:
the discretised shapes have shallow local minima in the rotation of their points, which move the value by about a
per cent on real jets, below the discretisation error itself; more starts or more points lower both.

**N-subjettiness** needs no transport solver: with free weights every particle goes to its nearest axis, so the
observable is ``Σ_i z_i min_k (d_ik/R)^β`` — minimised exactly by Lloyd's alternation with the MM (Weiszfeld) centre
step, from the pT-weighted centroid (N = 1: the problem is convex for β ≥ 1, the minimum is global) or from
deterministic farthest-hard-particle and seeded k-means++ starts (N ≥ 2).  An axis on a particle uses Vardi and
Zhang's modified Weiszfeld step, so the optimum may sit on a hard particle without the iteration sticking there;
it stops when the value improved by less than ``tol/100`` (relative) twice in a row.  Its fitted weights are the pT fractions
assigned to each axis.  ``tests/shapes`` checks it against the transport-based fit and energyflow's ``emd.emd``.

Public API
----------
``shaper(jets, observable, R=0.8, beta=1.0, ...)`` → ``{"emd": (N,), "params": {...}, "axis": (N, 2),
``"n_solves": (N,), "converged": (N,)}`` — see :func:`shaper`.
``emd(points, weights, shape_points, shape_weights, R, beta, convention)`` one exact EMD (arrays in the plane).
``shape_points(observable, params, i, ...)`` the fitted shape of jet i as points and weights (input frame).
``prepare(jets)`` the jets as (x, z) lists, relative to their axes, and the axes.
"""
from __future__ import annotations

import numpy as np

from .manifolds import Model, ObservableError, ShapeSpec, build_model, parse

__all__ = ["shaper", "emd", "shape_points", "prepare", "nsubjettiness", "CONVENTIONS"]

CONVENTIONS = ("energyflow", "shaper")
_EPS_DIST = 1e-9          # distances below this (in units of R) count as zero (a centre on a particle)
_KINK = 1e-3              # the transport fit's MM weights use max(d, _KINK·R)^(β−2) (module docstring, step 2)


# ------------------------------------------------------------------------------------------------------ the jets
def prepare(jets, name: str = "jets"):
    """Jets ``(N, M, 3)`` (pT, y, φ), zero-padded → list of ``(x (M_i, 2), z (M_i,))`` relative to each jet's axis
    (pT-weighted centroid, φ first unwrapped around the hardest particle, so the ±π seam never splits a jet) with
    ``Σ z = 1``, and the axes ``(N, 2)`` as (y, φ) in the input's frame."""
    a = np.asarray(jets, dtype=np.float64)
    if a.ndim == 2:
        a = a[None]
    if a.ndim != 3 or a.shape[-1] != 3:
        raise ValueError(f"{name}: expected zero-padded jets of shape (N, M, 3) as (pT, y, phi), got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name}: contains NaN or infinite values")
    if np.any(a[..., 0] < 0):
        raise ValueError(f"{name}: negative pT in column 0 (expected pT >= 0, 0 marking padding)")
    out, axes = [], np.zeros((len(a), 2))
    for i, jet in enumerate(a):
        real = jet[:, 0] > 0
        if not real.any():
            raise ValueError(f"{name}[{i}]: no particle with pT > 0")
        pt, y, phi = jet[real, 0], jet[real, 1], jet[real, 2]
        z = pt / pt.sum()
        ref = phi[np.argmax(pt)]
        dphi = np.mod(phi - ref + np.pi, 2 * np.pi) - np.pi
        cy, cphi = float(z @ y), float(z @ dphi)
        axes[i] = (cy, ref + cphi)
        out.append((np.stack([y - cy, dphi - cphi], axis=1), z))
    return out, axes


def _check_common(R, beta, convention):
    if isinstance(R, bool) or not isinstance(R, (int, float, np.floating)) or not R > 0:
        raise ValueError(f"R: expected a positive jet radius, got {R!r}")
    if isinstance(beta, bool) or not isinstance(beta, (int, float, np.floating)) or not 0 < beta <= 2:
        raise ValueError(f"beta: expected 0 < beta <= 2 (the majorise-minimise step needs beta <= 2), got {beta!r}")
    if convention not in CONVENTIONS:
        raise ValueError(f"convention: expected one of {CONVENTIONS}, got {convention!r}")
    return float(R), float(beta), (float(beta) if convention == "shaper" else 1.0)


# ------------------------------------------------------------------------------------------------ exact transport
def _distances(x, s):
    d = x[:, None, :] - s[None, :, :]
    return np.sqrt(np.einsum("mkj,mkj->mk", d, d))


def _solve(z, b, D, R, beta, scale):
    """Exact OT between weights z (jet) and b (shape) with ground distances D: (EMD, plan, shape duals)."""
    import ot

    C = (D / R) ** beta / scale
    plan, log = ot.emd(z, b, C, log=True, numItermax=1_000_000, center_dual=False, check_marginals=False)
    return float(log["cost"]), plan, np.asarray(log["v"])


def emd(points, weights, shape_points, shape_weights, R: float = 0.8, beta: float = 1.0,
        convention: str = "energyflow") -> float:
    """One exact EMD between two weighted point sets in the (y, φ) plane (weights normalised to 1 each)."""
    import ot

    R, beta, scale = _check_common(R, beta, convention)
    x, s = np.asarray(points, float).reshape(-1, 2), np.asarray(shape_points, float).reshape(-1, 2)
    z, b = np.asarray(weights, float).ravel(), np.asarray(shape_weights, float).ravel()
    if len(z) != len(x) or len(b) != len(s):
        raise ValueError("emd: each point set needs one weight per point")
    return float(ot.emd2(z / z.sum(), b / b.sum(), (_distances(x, s) / R) ** beta / scale, numItermax=1_000_000))


# ------------------------------------------------------------------------------------------- N-subjettiness (Lloyd)
def _centre_step(x, z, d, c, beta, R):
    """One MM step for the point minimising ``Σ z_i |x_i − c|^β``: the weighted mean with weights ``z d^(β−2)``
    (Weiszfeld's step at β = 1).  At β = 1 a centre sitting on a particle uses Vardi & Zhang's modification (PNAS
    97, 1423 (2000)): it stays if that particle's weight outweighs the pull of the others, else it moves off it —
    so a centre is never stuck on a particle, and the optimum may lie on one (a hard core)."""
    if beta == 2.0:
        return z @ x / z.sum()
    on = d <= _EPS_DIST * R
    if beta != 1.0 or not on.any():
        w = z * np.maximum(d, _EPS_DIST * R) ** (beta - 2.0)
        return w @ x / w.sum()
    off = ~on
    if not off.any():
        return c
    w = z[off] / d[off]
    T = w @ x[off] / w.sum()
    pull = np.linalg.norm(w @ (x[off] - c))
    eta = z[on].sum()
    if pull <= eta:
        return c
    g = eta / pull
    return (1 - g) * T + g * c


def nsubjettiness(x, z, n: int, R: float, beta: float, scale: float = 1.0, n_starts: int = 3, seed=0,
                  max_iter: int = 200, tol: float = 1e-9):
    """Exact N-subjettiness of one jet: min over N axes of ``Σ z_i min_k (d_ik/R)^β / scale`` (Lloyd + Weiszfeld).
    Returns (value, axes (n, 2), weights (n,), labels (M,), iterations)."""
    rng = np.random.default_rng(seed)
    starts = []
    if n == 1:
        starts.append(np.zeros((1, 2)))                   # the centroid (x is centred); convex for β >= 1
    else:
        c = [x[np.argmax(z)]]                             # hardest particle, then farthest hard particles
        for _ in range(n - 1):
            dmin = _distances(x, np.asarray(c)).min(axis=1)
            c.append(x[np.argmax(z * dmin ** beta)])
        starts.append(np.asarray(c))
        for _ in range(max(n_starts - 1, 0)):             # seeded k-means++ draws
            c = [x[rng.choice(len(x), p=z)]]
            for _ in range(n - 1):
                p = z * _distances(x, np.asarray(c)).min(axis=1) ** beta
                c.append(x[rng.choice(len(x), p=p / p.sum())] if p.sum() > 0 else x[rng.integers(len(x))])
            starts.append(np.asarray(c))
    best = None
    total_iter = 0
    for c in starts:
        c = c.astype(np.float64).copy()
        prev, quiet = np.inf, 0
        for it in range(max_iter):
            D = _distances(x, c)
            lab = np.argmin(D, axis=1)
            dm = D[np.arange(len(x)), lab]
            val = float(z @ (dm / R) ** beta) / scale
            total_iter += 1
            quiet = quiet + 1 if prev - val <= tol * max(val, 1e-300) else 0
            if quiet >= 2:
                break
            prev = min(prev, val)
            for k in range(n):
                m = lab == k
                if m.any():
                    c[k] = _centre_step(x[m], z[m], dm[m], c[k], beta, R)
        D = _distances(x, c)
        lab = np.argmin(D, axis=1)
        val = float(z @ (D[np.arange(len(x)), lab] / R) ** beta) / scale
        if best is None or val < best[0]:
            best = (val, c, np.bincount(lab, weights=z, minlength=n), lab)
    return best + (total_iter,)


# -------------------------------------------------------------------------------------------- the MM fit
def _mm_step(model: Model, x, plan, D, centres, transforms, beta, R):
    """One majorise-minimise position step (module docstring, step 2): new (centres, transforms)."""
    W = plan * np.maximum(D, _KINK * R) ** (beta - 2.0) if beta != 2.0 else plan
    w = W.sum(axis=0)
    yw = W.T @ x                                           # w_k · (barycentric target of shape point k)
    centres, transforms = centres.copy(), transforms.copy()
    for b, kind in enumerate(model.block_kind):
        rows = model.block_rows(b)
        wt = w[rows].sum()
        if wt <= 1e-300:
            continue
        V = model.templates[rows]
        vbar = w[rows] @ V / wt
        ybar = yw[rows].sum(axis=0) / wt
        lam = 1e-10 * wt                                   # tiny proximal term: keeps degenerate blocks in place
        if kind == "translation":
            centres[b] = ybar
            continue
        Vc = V - vbar
        den = float(w[rows] @ np.einsum("kj,kj->k", Vc, Vc))
        B0 = transforms[b]
        if kind == "similarity":
            JVc = np.stack([-Vc[:, 1], Vc[:, 0]], axis=1)
            a = (np.einsum("kj,kj->", Vc, yw[rows]) + lam * B0[0, 0]) / (den + lam)
            s = (np.einsum("kj,kj->", JVc, yw[rows]) + lam * B0[1, 0]) / (den + lam)
            B = np.array([[a, -s], [s, a]])
        else:                                              # affine
            Syv = yw[rows].T @ Vc
            Svv = (Vc * w[rows, None]).T @ Vc
            B = (Syv + lam * B0) @ np.linalg.inv(Svv + lam * np.eye(2))
        transforms[b] = B
        centres[b] = ybar - B @ vbar
    return centres, transforms


class _Run:
    """One MM run from one start (module docstring, steps 1-4); :meth:`step` does one iteration."""

    def __init__(self, model: Model, x, z, start, R, beta, scale, tol, patience):
        self.model, self.x, self.z = model, x, z
        self.R, self.beta, self.scale, self.tol, self.patience = R, beta, scale, tol, patience
        self.centres, self.transforms, w = (np.asarray(a, float) for a in start)
        self.weights = w / w.sum()
        self.multi = model.n_parts > 1
        self.eta, self.quiet, self.done, self.converged, self.n_solves = None, 0, False, False, 0
        S, _ = model.support(self.centres, self.transforms, self.weights)
        self.D = _distances(x, S)
        self.E, self.plan, self.v = self._solve(self.weights, self.D)
        self.best = (self.E, self.centres, self.transforms, self.weights)

    def _solve(self, weights, D):
        self.n_solves += 1
        b = self.model.point_weights(weights)
        return _solve(self.z, b / b.sum(), D, self.R, self.beta, self.scale)

    def step(self) -> None:
        model = self.model
        c_new, t_new = _mm_step(model, self.x, self.plan, self.D, self.centres, self.transforms, self.beta, self.R)
        S_new, _ = model.support(c_new, t_new, self.weights)
        D_new = _distances(self.x, S_new)
        w_new = self.weights
        if self.multi:
            g = np.bincount(model.part, weights=self.v, minlength=model.n_parts) / model.part_size
            g = g - self.weights @ g
            if self.eta is None:
                self.eta = 0.5 / max(np.ptp(g), 1e-12)
            w_new = self.weights * np.exp(-np.clip(self.eta * g, -30, 30))
            w_new = np.maximum(w_new / w_new.sum(), 1e-12)
            w_new = w_new / w_new.sum()
        E_new, plan_new, v_new = self._solve(w_new, D_new)
        if self.multi and E_new > self.E * (1 + 1e-12):    # the weight step hurt: keep the position step only
            self.eta *= 0.3
            w_new = self.weights
            E_new, plan_new, v_new = self._solve(w_new, D_new)
        elif self.multi:
            self.eta *= 1.5
        self.centres, self.transforms, self.weights, self.D = c_new, t_new, w_new, D_new
        self.E, self.plan, self.v = E_new, plan_new, v_new
        if E_new < self.best[0] * (1 - self.tol):
            self.quiet = 0
        else:
            self.quiet += 1
        if E_new < self.best[0]:
            self.best = (E_new, c_new, t_new, w_new)
        if self.quiet >= self.patience:
            self.done = self.converged = True


def _fit_one(model: Model, x, z, starts, R, beta, scale, max_iter, tol, patience, n_screen=4, candidates=()):
    """MM from every start for ``n_screen`` iterations, then the best one (lowest EMD) on to convergence or
    ``max_iter`` iterations; ``candidates`` are only evaluated.  Returns (emd, centres, transforms, weights,
    converged, n_solves)."""
    fixed = [_Run(model, x, z, c, R, beta, scale, tol, patience) for c in candidates]
    for run in fixed:
        run.done = run.converged = True
    runs = [_Run(model, x, z, s, R, beta, scale, tol, patience) for s in starts]
    for run in runs if len(runs) > 1 else []:
        for _ in range(min(n_screen, max_iter - 1)):
            if run.done:
                break
            run.step()
    best = min(runs, key=lambda r: r.best[0])
    while not best.done and best.n_solves < max_iter:
        best.step()
    best = min(runs + fixed, key=lambda r: r.best[0])
    return best.best + (best.converged, sum(r.n_solves for r in runs + fixed))


def _starts(model: Model, x, z, sub_axes, labels, n_init, R):
    """The initial (centres, transforms, part weights) of the MM fit (module docstring)."""
    spec = model.spec
    n = spec.n
    m = np.bincount(labels, weights=z, minlength=n)
    moments = np.zeros((n, 2, 2))
    for j in range(n):
        sel = labels == j
        if not sel.any() or m[j] <= 0:
            moments[j] = 0.1 * R * np.eye(2)
            continue
        d = x[sel] - sub_axes[j]
        zz = z[sel] / z[sel].sum()
        if spec.shape == "ellipsiness":
            cov = (d * zz[:, None]).T @ d + 1e-6 * R ** 2 * np.eye(2)
            lam, U = np.linalg.eigh(cov)
            moments[j] = 2.0 * (U * np.sqrt(np.maximum(lam, 0))) @ U.T
        else:
            rbar = float(zz @ np.linalg.norm(d, axis=1))
            moments[j] = (1.5 if spec.shape == "diskiness" else 1.0) * rbar * np.eye(2)
    if spec.shape == "subjettiness":
        moments[:] = 0.0
    m = np.where(m > 0, m, 1e-6)
    recipes = [("moments", 1.0, 0.1), ("nested", 0.0, 1e-3), ("half", 0.5, 0.3)]
    if spec.shape == "subjettiness":
        recipes = [("nested", 0.0, 0.1), ("nested", 0.0, 1e-3), ("nested", 0.0, 0.3)]
    starts, candidates = [], []
    for kind, factor, f_pu in recipes[: max(1, min(n_init, len(recipes)))]:
        parts = [m] + ([m] if spec.point else [])
        w = np.concatenate(parts) / np.sum(np.concatenate(parts))
        if spec.pileup:
            w = np.append(w * (1 - f_pu), f_pu)
        if kind == "nested" and spec.shape != "subjettiness":
            # radius exactly 0 is evaluated (it is the N-points solution) but not iterated from: with all of a
            # shape's points on one spot the optimal plan is degenerate and the first step would follow the
            # solver's arbitrary choice; the iteration starts from a radius of 10⁻³ R instead
            candidates.append((sub_axes.copy(), np.zeros_like(moments), w))
            starts.append((sub_axes.copy(), 1e-3 * R * np.repeat(np.eye(2)[None], n, axis=0), w))
        else:
            starts.append((sub_axes.copy(), moments * factor, w))
    return starts, candidates


# ----------------------------------------------------------------------------------------------- public entry
def shaper(jets, observable: str, R: float = 0.8, beta: float = 1.0, *, n_points: int = 64,
           n_pileup_points: int | None = None, n_init: int = 2, max_iter: int = 60, tol: float = 1e-4,
           patience: int = 3, seed: int = 0, convention: str = "energyflow") -> dict:
    """SHAPER observable ``observable`` (e.g. ``"1-ringiness"``, ``"2-subjettiness"``, ``"1-ellipsiness+point"``,
    ``"1-diskiness+pileup"``; :mod:`~hepscaling.shapes.manifolds`) of each jet and its fitted shape parameters.

    ``jets``: zero-padded ``(N, M, 3)`` (pT, y, φ) (φ absolute or relative; each jet is centred on its pT-weighted
    axis first).  ``n_points``: points per ring/disk/ellipse; ``n_pileup_points``: points of the pileup disk
    (default ``n_points``); ``n_init``: starts per jet (1–3); ``max_iter``: transport problems per start at most;
    ``tol``, ``patience``: converged when the EMD improved by less than ``tol·EMD`` in ``patience`` consecutive
    iterations; ``seed``: for the k-means++ starts of N-subjettiness, N ≥ 2 (jet i uses ``[seed, i]``).

    Returns a dict: ``emd`` ``(N,)`` the observable; ``params`` — ``centres`` ``(N, n, 2)`` in the input's (y, φ)
    frame, ``weights`` ``(N, n)`` (each component's pT fraction), and as the shape has them ``radii`` ``(N, n)``
    (ellipses: √(ab)), ``semi_axes`` ``(N, n, 2)`` (a ≥ b), ``angles`` ``(N, n)`` (major axis, from the y axis),
    ``eccentricities`` ``(N, n)`` (√(1 − b²/a²)), ``point_weights`` ``(N, n)``, ``pileup_weight`` ``(N,)``,
    ``transforms`` ``(N, n, 2, 2)`` (the linear maps B; with ``centres`` they rebuild the discretised shape:
    :func:`shape_points`); ``axis`` ``(N, 2)``; ``n_solves`` ``(N,)`` transport problems solved;
    ``converged`` ``(N,)``.
    """
    spec = parse(observable)
    R, beta, scale = _check_common(R, beta, convention)
    for name, val, lo in (("n_init", n_init, 1), ("max_iter", max_iter, 2), ("patience", patience, 1)):
        if isinstance(val, bool) or not isinstance(val, (int, np.integer)) or val < lo:
            raise ValueError(f"{name}: expected an integer >= {lo}, got {val!r}")
    if not (isinstance(tol, (int, float)) and tol >= 0):
        raise ValueError(f"tol: expected a number >= 0, got {tol!r}")
    model = build_model(spec, n_points, n_pileup_points, R)
    prepared, axes = prepare(jets)
    N, n = len(prepared), spec.n
    out_emd = np.zeros(N)
    centres = np.zeros((N, n, 2))
    transforms = np.zeros((N, n, 2, 2))
    weights = np.zeros((N, model.n_parts))
    n_solves = np.zeros(N, dtype=np.int64)
    converged = np.ones(N, dtype=bool)
    plain_subjettiness = spec.shape == "subjettiness" and not spec.pileup
    for i, (x, z) in enumerate(prepared):
        val, sub_axes, sub_w, labels, it = nsubjettiness(x, z, n, R, beta, scale, n_starts=max(n_init, 1),
                                                         seed=[int(seed), i], tol=1e-2 * tol, max_iter=500)
        if plain_subjettiness:
            out_emd[i], centres[i], weights[i] = val, sub_axes, sub_w
            continue
        starts, candidates = _starts(model, x, z, sub_axes, labels, n_init, R)
        E, c, t, w, conv, ns = _fit_one(model, x, z, starts, R, beta, scale, max_iter, tol, patience,
                                        candidates=candidates)
        out_emd[i], centres[i], transforms[i], weights[i], converged[i], n_solves[i] = E, c, t, w, conv, ns
    params = {"centres": centres + axes[:, None, :], "weights": weights[:, :n].copy()}
    if spec.shape != "subjettiness":
        params["transforms"] = transforms
        sv = np.linalg.svd(transforms, compute_uv=False)                     # (N, n, 2), descending
        params["radii"] = np.sqrt(sv[..., 0] * sv[..., 1])
        if spec.shape == "ellipsiness":
            U, S, _ = np.linalg.svd(transforms)
            params["semi_axes"] = S
            ang = np.arctan2(U[..., 1, 0], U[..., 0, 0])
            params["angles"] = np.mod(ang + np.pi / 2, np.pi) - np.pi / 2
            params["eccentricities"] = np.sqrt(np.clip(1 - (S[..., 1] / np.maximum(S[..., 0], 1e-300)) ** 2, 0, 1))
    if spec.point:
        params["point_weights"] = weights[:, n:2 * n].copy()
    if spec.pileup:
        params["pileup_weight"] = weights[:, -1].copy()
    return {"emd": out_emd, "params": params, "axis": axes, "n_solves": n_solves, "converged": converged,
            "observable": spec.name, "R": R, "beta": beta, "convention": convention}


def shape_points(observable: str | ShapeSpec, params: dict, i: int, axis=None, R: float = 0.8, n_points: int = 64,
                 n_pileup_points: int | None = None):
    """The fitted, discretised shape of jet ``i``: points ``(K, 2)`` in the input's (y, φ) frame and weights
    ``(K,)``.  ``axis``: jet i's axis (the pileup disk sits on it; required with ``+pileup``).  ``n_points`` and
    ``n_pileup_points`` must be those of the fit for the points to be the fitted ones."""
    spec = parse(observable) if isinstance(observable, str) else observable
    model = build_model(spec, n_points, n_pileup_points, R)
    n = spec.n
    c = np.asarray(params["centres"][i], float)
    ref = np.zeros(2) if axis is None else np.asarray(axis, float)
    if spec.pileup and axis is None:
        raise ObservableError("shape_points: a '+pileup' shape needs the jet's axis (the fit's 'axis'[i])")
    t = np.asarray(params["transforms"][i], float) if "transforms" in params else np.zeros((n, 2, 2))
    w = [np.asarray(params["weights"][i], float)]
    if spec.point:
        w.append(np.asarray(params["point_weights"][i], float))
    if spec.pileup:
        w.append(np.atleast_1d(params["pileup_weight"][i]))
    pts, wts = model.support(c - ref, t, np.concatenate(w))
    return pts + ref, wts
