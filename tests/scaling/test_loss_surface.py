"""L(N, D) = E + A/N^α + B/D^β (Hoffmann et al. 2022): known surfaces are recovered within their errors by both fit
methods, the compute-optimal allocation is the true minimum at fixed C = k N D with exponents β/(α+β), α/(α+β), and
the lower envelope of loss-vs-compute curves (Chinchilla's method 1) finds the same exponents."""
import math

import numpy as np
import pytest

from hepscaling.scaling.fit import (SURFACE_PARAMS, FitError, LossSurfaceFit, compute_frontier, fit_loss_surface)

TRUE = {"E": 0.15, "A": 40.0, "alpha": 0.34, "B": 60.0, "beta": 0.28}
A_TRUE = TRUE["beta"] / (TRUE["alpha"] + TRUE["beta"])
B_TRUE = TRUE["alpha"] / (TRUE["alpha"] + TRUE["beta"])


def surface(N, D, p=TRUE):
    return p["E"] + p["A"] * N ** -p["alpha"] + p["B"] * D ** -p["beta"]


def grid(nN=6, nD=7):
    N, D = np.meshgrid(np.geomspace(1e4, 1e7, nN), np.geomspace(1e4, 1e8, nD))
    return N.ravel(), D.ravel()


def check_pulls(pulls, mean_tol, std_range):
    for k, p in pulls.items():
        p = np.asarray(p)
        assert abs(p.mean()) < mean_tol, (k, p.mean(), p)
        assert std_range[0] < p.std(ddof=1) < std_range[1], (k, p.std(ddof=1), p)
        assert np.all(np.abs(p) < 4.5), (k, p)


def test_exact_surface_is_recovered_by_both_methods():
    N, D = grid()
    L = surface(N, D)
    for fit in (fit_loss_surface(N, D, L, errors="none"), fit_loss_surface(N, D, L, sigma=1e-3 * L)):
        for k in SURFACE_PARAMS:
            assert fit.params[k] == pytest.approx(TRUE[k], rel=1e-4), (fit.method, k)
        assert fit.a == pytest.approx(A_TRUE, rel=1e-4) and fit.b == pytest.approx(B_TRUE, rel=1e-4)
        assert fit.a + fit.b == pytest.approx(1.0, abs=1e-12)
        np.testing.assert_allclose(fit.predict(1e9, 1e11), surface(1e9, 1e11), rtol=1e-4)


def test_weighted_least_squares_pulls_over_seeds():
    """(fitted - true) / error ~ N(0, 1) over 30 noise realisations, errors from the covariance (absolute sigma)."""
    N, D = grid()
    L0 = surface(N, D)
    sigma = 0.01 * L0
    pulls = {k: [] for k in (*SURFACE_PARAMS, "a")}
    for seed in range(30):
        L = L0 + sigma * np.random.default_rng(seed).standard_normal(L0.size)
        fit = fit_loss_surface(N, D, L, sigma=sigma)
        assert fit.method == "wls" and fit.error_method == "covariance"
        for k in SURFACE_PARAMS:
            pulls[k].append((fit.params[k] - TRUE[k]) / fit.errors[k])
        pulls["a"].append((fit.a - A_TRUE) / fit.a_err)
    check_pulls(pulls, 0.5, (0.65, 1.45))


@pytest.mark.slow
def test_huber_bootstrap_pulls_over_seeds():
    """Chinchilla's method 3 (Huber in log L, δ = 1e-3) with bootstrap errors: pulls ~ N(0, 1) over 12 seeds."""
    N, D = grid()
    L0 = surface(N, D)
    pulls = {k: [] for k in (*SURFACE_PARAMS, "a")}
    for seed in range(12):
        L = L0 * np.exp(0.01 * np.random.default_rng(seed).standard_normal(L0.size))
        fit = fit_loss_surface(N, D, L, n_boot=40, seed=seed)
        assert fit.method == "huber" and fit.error_method == "bootstrap" and fit.bootstrap.shape == (40, 5)
        for k in SURFACE_PARAMS:
            pulls[k].append((fit.params[k] - TRUE[k]) / fit.errors[k])
        pulls["a"].append((fit.a - A_TRUE) / fit.a_err)
    check_pulls(pulls, 0.75, (0.5, 1.7))


def test_bootstrap_leaves_out_resamples_whose_refit_diverges(monkeypatch):
    """A resample can leave a term unconstrained, and its refit runs off to log A ~ 10³ (exp overflows): such
    refits are left out and counted, not an OverflowError and not infinite errors."""
    import hepscaling.scaling.fit as fitmod

    N, D = grid()
    L = surface(N, D) * np.exp(0.01 * np.random.default_rng(3).standard_normal(N.size))
    ref = fit_loss_surface(N, D, L, n_boot=30, seed=3)
    real, calls = fitmod._fit_surface_once, []

    def every_third_diverges(method, starts, *args):
        th, obj = real(method, starts, *args)
        calls.append(1)
        if len(calls) > 1 and len(calls) % 3 == 0:        # the first call is the fit itself
            th = np.array(th, dtype=float)
            th[1] = 1000.0                                   # log A
        return th, obj

    monkeypatch.setattr(fitmod, "_fit_surface_once", every_third_diverges)
    fit = fit_loss_surface(N, D, L, n_boot=30, seed=3)
    assert fit.bootstrap.shape == (30, 5) and np.all(np.isfinite(fit.bootstrap))
    assert fit.n_boot_diverged == (len(calls) - 1) // 3 > 0
    assert "diverging resamples left out" in fit.summary() and ref.n_boot_diverged == 0
    assert all(np.isfinite(v) for v in fit.errors.values())
    assert fit.params == ref.params                          # the fit itself is untouched


def test_unweighted_errors_scale_with_the_scatter():
    """Without sigma the covariance is scaled by chi2/ndof: the same data with 10x the noise give ~10x the errors."""
    N, D = grid()
    L0 = surface(N, D)
    z = np.random.default_rng(5).standard_normal(L0.size)
    small = fit_loss_surface(N, D, L0 + 0.001 * z, method="wls")
    large = fit_loss_surface(N, D, L0 + 0.01 * z, method="wls")
    assert small.chi2 / small.ndof == pytest.approx(0.001 ** 2 * np.sum(z ** 2) / small.ndof, rel=0.3)
    assert 5 < large.errors["alpha"] / small.errors["alpha"] < 20


def test_optimal_allocation_minimises_the_surface_at_fixed_compute():
    """N_opt(C) from the closed form is the brute-force minimum of L(N, C/(kN)); its log slope is a = β/(α+β)."""
    N, D = grid()
    fit = fit_loss_surface(N, D, surface(N, D), errors="none", flops_per_nd=6.0)
    for C in (1e15, 1e18, 1e21):
        n = np.geomspace(1e2, 1e12, 200001)
        brute = n[np.argmin(surface(n, C / (6 * n)))]
        n_opt, d_opt = fit.optimal_allocation(C)
        assert n_opt == pytest.approx(brute, rel=2e-3)
        assert 6 * n_opt * d_opt == pytest.approx(C, rel=1e-12)
        assert fit.optimal_loss(C) == pytest.approx(surface(brute, C / (6 * brute)), rel=1e-6)
    n1, d1 = fit.optimal_allocation(1e16)
    n2, d2 = fit.optimal_allocation(1e20)
    assert math.log(n2 / n1) / math.log(1e4) == pytest.approx(A_TRUE, rel=1e-4)
    assert math.log(d2 / d1) / math.log(1e4) == pytest.approx(B_TRUE, rel=1e-4)
    # another FLOPs-per-(N D) factor moves the frontier, not its exponents: N_opt(C; k) = N_opt(6 C / k; 6)
    fit2 = fit_loss_surface(N, D, surface(N, D), errors="none", flops_per_nd=2.0)
    assert fit2.optimal_allocation(1e18)[0] == pytest.approx(fit.optimal_allocation(3e18)[0], rel=1e-6)


def synthetic_runs(noise=0.0, seed=0):
    """One run per model size (30 sizes, 1e5..1e8) with 60 checkpoints, D from 1e5 to 1e11, C = 6 N D."""
    rows = []
    rng = np.random.default_rng(seed)
    for n in np.geomspace(1e5, 1e8, 30):
        d = np.geomspace(1e5, 1e11, 60)
        L = surface(n, d) * (1 + noise * rng.standard_normal(d.size))
        rows += [(n, di, 6 * n * di, li) for di, li in zip(d, L)]
    return (np.array(c) for c in zip(*rows))


def test_lower_envelope_recovers_the_frontier_exponents():
    N, D, C, L = synthetic_runs()
    fr = compute_frontier(N, D, C, L)
    assert fr.interior.sum() >= 10
    assert fr.a == pytest.approx(A_TRUE, abs=0.02), fr.summary()
    assert fr.b == pytest.approx(B_TRUE, abs=0.02), fr.summary()
    # the envelope lies on or above the true frontier L*(C) and close to it
    fit = fit_loss_surface(N[::7], D[::7], L[::7], errors="none")
    best = fit.optimal_loss(fr.C)
    assert np.all(fr.L >= best * (1 - 1e-9))
    assert np.all(fr.L[fr.interior] < best[fr.interior] * 1.01)


def test_lower_envelope_with_noise_and_repeated_seeds():
    """0.1 % noise on every checkpoint; two seeds per run averaged by the default grouping by N."""
    N1, D1, C1, L1 = synthetic_runs(noise=1e-3, seed=1)
    N2, D2, C2, L2 = synthetic_runs(noise=1e-3, seed=2)
    fr = compute_frontier(*(np.concatenate(p) for p in ((N1, N2), (D1, D2), (C1, C2), (L1, L2))))
    assert fr.a == pytest.approx(A_TRUE, abs=0.05) and fr.b == pytest.approx(B_TRUE, abs=0.05)
    np.testing.assert_allclose(fr.N_at(1e18) * fr.D_at(1e18) * 6, 1e18, rtol=0.3)


def test_envelope_needs_interior_optima():
    """Runs too short to reach the frontier of the larger models: every optimum is the largest model trained."""
    n = np.geomspace(1e5, 1e6, 5)
    N, D = (a.ravel() for a in np.meshgrid(n, np.geomspace(1e12, 1e13, 10)))
    with pytest.raises(FitError, match="strictly inside"):
        compute_frontier(N, D, 6 * N * D, surface(N, D))
    # without require_fit: the envelope itself, every optimum at the largest model, no exponents and the reason
    fr = compute_frontier(N, D, 6 * N * D, surface(N, D), require_fit=False)
    assert not fr.has_fit and fr.interior.sum() < 3 and np.isnan(fr.a) and "strictly inside" in fr.why
    assert fr.interior.sum() == 0


@pytest.mark.parametrize("change, match", [
    (dict(N=-1.0), r"N must be > 0; N\[3\]"),
    (dict(D=np.nan), r"D must be finite; D\[3\] = nan"),
    (dict(L=0.0), r"L must be > 0"),
    (dict(short="L"), "same length"),
    (dict(kw={"method": "ols"}), "method must be one of"),
    (dict(kw={"sigma": 0.01, "method": "huber"}), "sigma is used by method='wls' only"),
    (dict(kw={"method": "huber", "errors": "covariance"}), "needs method='wls'"),
    (dict(kw={"sigma": -0.01}), "sigma must be > 0"),
    (dict(kw={"sigma": [0.01, 0.02]}), "sigma must be one number or one per run"),
    (dict(kw={"inits": [(0.1, 1.0, 0.3, -1.0, 0.3)]}), r"inits\[0\]"),
])
def test_bad_input_names_the_problem(change, match):
    N, D = grid()
    L = surface(N, D)
    arrays = {"N": N.copy(), "D": D.copy(), "L": L.copy()}
    for k in ("N", "D", "L"):
        if k in change:
            arrays[k][3] = change[k]
    if "short" in change:
        arrays[change["short"]] = arrays[change["short"]][:-1]
    with pytest.raises(FitError, match=match):
        fit_loss_surface(arrays["N"], arrays["D"], arrays["L"], **change.get("kw", {}))


def test_bad_input_compute_frontier_and_too_few_sizes():
    N, D, C, L = synthetic_runs()
    with pytest.raises(FitError, match="same length"):
        compute_frontier(N, D, C[:-1], L)
    with pytest.raises(FitError, match=r"C must be finite; C\[0\]"):
        compute_frontier(N, D, np.r_[np.nan, C[1:]], L)
    with pytest.raises(FitError, match="at least 3 distinct values of N"):
        fit_loss_surface(np.r_[[1e4] * 4, [1e5] * 4], np.geomspace(1e4, 1e8, 8), np.ones(8))
    with pytest.raises(FitError, match="several model sizes"):
        compute_frontier(N, D, C, L, runs=np.zeros(N.size))


def test_result_object():
    N, D = grid()
    fit = fit_loss_surface(N, D, surface(N, D) * 1.001, sigma=0.001 * surface(N, D))
    assert isinstance(fit, LossSurfaceFit) and fit.cov.shape == (5, 5)
    assert np.allclose(fit.cov, fit.cov.T)
    assert fit.errors["alpha"] == pytest.approx(math.sqrt(fit.cov[2, 2]))
    assert fit.frontier_exponents()["a_err"] == fit.a_err == fit.b_err > 0
    assert "a = " in fit.summary() and "covariance" in fit.summary()


def test_bootstrap_interval_is_the_refits_central_quantiles_and_holds_the_truth():
    """The 68 % interval of each parameter is the 15.87 / 84.13 % quantiles of its bootstrap refits; on a surface
    with 1 % noise each contains the best fit, and the truth lies inside the central 99 % one; without bootstrap
    samples there is no interval, and a bad name or level is one clear error."""
    N, D = grid()
    L = surface(N, D) * np.exp(0.01 * np.random.default_rng(5).standard_normal(N.size))
    fit = fit_loss_surface(N, D, L, n_boot=40, seed=5)
    for i, k in enumerate(SURFACE_PARAMS):
        lo, hi = fit.interval(k)
        ref = np.sort(fit.bootstrap[:, i])
        # numpy's linear quantile, by hand: position q (n - 1) between the sorted refits
        pos = np.array([0.5 - 0.6827 / 2, 0.5 + 0.6827 / 2]) * (len(ref) - 1)
        j = np.floor(pos).astype(int)
        want = ref[j] + (pos - j) * (ref[j + 1] - ref[j])
        assert (lo, hi) == pytest.approx(tuple(want), rel=1e-12), k
        assert lo <= fit.params[k] <= hi, (k, lo, fit.params[k], hi)
        lo99, hi99 = fit.interval(k, level=0.99)
        assert lo99 <= lo and hi <= hi99 and lo99 < TRUE[k] < hi99, (k, lo99, TRUE[k], hi99)
    assert "68 % bootstrap intervals: E [" in fit.summary()
    wls = fit_loss_surface(N, D, L, sigma=0.01 * L)
    assert all(math.isnan(v) for v in wls.interval("A")) and "intervals" not in wls.summary()
    with pytest.raises(FitError, match="name must be one of"):
        fit.interval("gamma")
    with pytest.raises(FitError, match="level must lie in"):
        fit.interval("A", level=1.0)
