"""Effective data under repetition (Muennighoff et al. 2023, eq. 5): closed-form limits, and a known R* recovered from
synthetic repeated-data runs within its error, through each accepted form of the data law."""
import math

import numpy as np
import pytest

from hepscaling.scaling.fit import FitError, fit_loss_surface, fit_power_law
from hepscaling.scaling.repetition import data_law, effective_data, fit_repetition, repetition_gain

LAW = {"E": 0.2, "B": 5.0, "beta": 0.3}
R_STAR = 15.0


def law(D):
    return LAW["E"] + LAW["B"] * np.asarray(D, float) ** -LAW["beta"]


def runs():
    U, ep = np.meshgrid(np.geomspace(1e3, 1e6, 7), [1, 2, 4, 8, 16, 32, 64, 128])
    return U.ravel(), ep.ravel().astype(float)


def test_small_repetition_counts_as_fresh_data():
    """R << R*: D' = U (1 + R) - U R^2 / (2 R*) + O(R^3)."""
    U, R_star = 1e5, 15.0
    for R in (1e-3, 1e-2, 1e-1):
        d = effective_data(U, 1 + R, R_star)
        assert d == pytest.approx(U * (1 + R) - U * R ** 2 / (2 * R_star), rel=1e-3 * R ** 2)
        assert d < U * (1 + R)                                   # repetition is never better than fresh data
    assert effective_data(U, 1, R_star) == U                     # one epoch: no repetition


def test_endless_repetition_saturates_at_one_plus_r_star():
    for R_star in (0.5, 5.0, 40.0):
        assert repetition_gain(1 + 60 * R_star, R_star) == pytest.approx(1 + R_star, rel=1e-20 + 1e-12)
        g = repetition_gain(1 + R_star * np.array([0.1, 0.5, 1, 3, 10]), R_star)
        assert np.all(np.diff(g) > 0) and np.all(g < 1 + R_star)
    # at R = R*, a fraction 1 - 1/e of the maximal extra data
    assert repetition_gain(1 + 15.0, 15.0) == pytest.approx(1 + 15 * (1 - math.exp(-1)), rel=1e-14)
    np.testing.assert_allclose(effective_data([1e3, 1e4], [3, 3], 15.0) / [1e3, 1e4], repetition_gain(3, 15.0))


def test_exact_r_star_is_recovered():
    U, ep = runs()
    L = law(effective_data(U, ep, R_STAR))
    for given in (law, LAW, data_law(**LAW)):
        fit = fit_repetition(U, ep, L, given)
        assert fit.R_star == pytest.approx(R_STAR, rel=1e-6)
        assert fit.chi2 < 1e-20 and not fit.at_bound
    assert fit.max_gain == pytest.approx(1 + R_STAR, rel=1e-6)
    np.testing.assert_allclose(fit.predict(), L, rtol=1e-9)


def test_r_star_pulls_over_seeds():
    """0.3 % noise on L with known sigma: (R*_fit - R*) / error ~ N(0, 1) over 40 seeds."""
    U, ep = runs()
    L0 = law(effective_data(U, ep, R_STAR))
    sigma = 0.003 * L0
    pulls = []
    for seed in range(40):
        L = L0 + sigma * np.random.default_rng(seed).standard_normal(L0.size)
        fit = fit_repetition(U, ep, L, law, sigma=sigma)
        pulls.append((fit.R_star - R_STAR) / fit.R_star_err)
    pulls = np.array(pulls)
    assert abs(pulls.mean()) < 0.45 and 0.7 < pulls.std(ddof=1) < 1.35, (pulls.mean(), pulls.std(ddof=1))


def test_law_from_fresh_runs_then_r_star_from_repeated_runs():
    """The workflow of a page: fit E + B/D^beta on one-epoch runs, then R* on all runs, both from noisy losses."""
    U, ep = runs()
    rng = np.random.default_rng(3)
    L = law(effective_data(U, ep, R_STAR)) * (1 + 0.002 * rng.standard_normal(U.size))
    fresh = ep == 1
    d = np.geomspace(1e3, 1e8, 20)                                # fresh-data scan up to the largest D seen
    ld = law(d) * (1 + 0.002 * rng.standard_normal(d.size))
    floor = fit_power_law(d, ld, "floor", sigma=0.002 * law(d))
    fit = fit_repetition(U, ep, L, floor)
    assert abs(fit.R_star - R_STAR) < 3 * fit.R_star_err and fit.R_star_err < 0.3 * R_STAR
    assert fit.n_repeating == int((~fresh).sum())


def test_loss_surface_law_with_model_size():
    """A fitted L(N, D) surface is the law at the runs' N."""
    true = {"E": 0.15, "A": 40.0, "alpha": 0.34, "B": 60.0, "beta": 0.28}
    n_grid, d_grid = (a.ravel() for a in np.meshgrid(np.geomspace(1e4, 1e7, 5), np.geomspace(1e3, 1e8, 6)))

    def surf(N, D):
        return true["E"] + true["A"] * N ** -true["alpha"] + true["B"] * D ** -true["beta"]

    surface = fit_loss_surface(n_grid, d_grid, surf(n_grid, d_grid), errors="none")
    U, ep = runs()
    N = np.where(U > 1e4, 1e6, 1e5)
    fit = fit_repetition(U, ep, surf(N, effective_data(U, ep, 7.0)), surface, N=N)
    assert fit.R_star == pytest.approx(7.0, rel=1e-3)
    with pytest.raises(FitError, match="needs N="):
        fit_repetition(U, ep, surf(N, U), surface)


def test_unconstrained_r_star_is_flagged():
    """Repeating only twice: for R* >> 1 the gain is 2 whatever R*; the fit runs to the upper bound and says so."""
    U = np.geomspace(1e3, 1e6, 8)
    ep = np.full(U.size, 2.0)
    fit = fit_repetition(U, ep, law(2 * U), law)
    assert fit.at_bound and fit.R_star > 1e3


@pytest.mark.parametrize("kwargs, match", [
    (dict(epochs=0.5), "epochs must be >= 1"),
    (dict(U=-1.0), "U must be > 0"),
    (dict(L=np.nan), "L must be finite"),
    (dict(epochs=np.ones(56)), "no run repeats"),
    (dict(law="E + B/D"), "law must be a function"),
    (dict(law={"E": 0.1, "B": 1.0}), "missing"),
    (dict(bounds=(10, 1)), "bounds must satisfy"),
])
def test_bad_input_names_the_problem(kwargs, match):
    U, ep = runs()
    args = dict(U=U.copy(), epochs=ep.copy(), L=law(U * ep), law=law)
    for k in ("U", "epochs", "L"):
        if k in kwargs and np.ndim(kwargs[k]) == 0:
            args[k][5] = kwargs.pop(k)
    args.update(kwargs)
    with pytest.raises(FitError, match=match):
        fit_repetition(**args)
    with pytest.raises(FitError, match="R_star must be > 0"):
        effective_data(1e3, 2, 0.0)
    with pytest.raises(FitError, match="same length"):
        fit_repetition(U, ep[:-1], law(U), law)


def test_data_curve_is_the_isotonic_fit_and_inverts_exactly():
    """Pool adjacent violators against a brute-force check, interpolation in log D, and D' read back from a loss."""
    from hepscaling.scaling.repetition import data_curve
    D = np.array([1e3, 2e3, 4e3, 8e3, 16e3, 32e3])
    L = np.array([2.2, 1.9, 2.0, 1.5, 1.6, 1.1])          # two violators: (1.9, 2.0) and (1.5, 1.6)
    c = data_curve(D, L)
    np.testing.assert_allclose(c.L, [2.2, 1.95, 1.95, 1.55, 1.55, 1.1])
    assert np.all(np.diff(c.L) <= 0) and np.sum((c.L - L) ** 2) == pytest.approx(0.01)
    # linear in log D between the points, constant beyond
    assert c.predict(np.sqrt(1e3 * 2e3)) == pytest.approx((2.2 + 1.95) / 2)
    assert c.predict(10.0) == pytest.approx(2.2) and c.predict(1e9) == pytest.approx(1.1)
    # inverse: exact on decreasing pieces, the smallest D on a flat piece, clamped outside
    for d in (1.3e3, 5e3, 2e4, 3e4):
        if not 2e3 < d < 4e3:
            assert c.effective_data(c.predict(d)) == pytest.approx(d, rel=1e-12)
    assert c.effective_data(1.95) == pytest.approx(2e3) and c.effective_data(1.55) == pytest.approx(8e3)
    assert c.effective_data(3.0) == pytest.approx(1e3) and c.effective_data(0.5) == pytest.approx(32e3)
    # repeated D average (weights = runs)
    c2 = data_curve([1e3, 1e3, 2e3], [2.0, 2.2, 1.0])
    np.testing.assert_allclose(c2.L_raw, [2.1, 1.0])
    with pytest.raises(FitError, match=">= 2 distinct D"):
        data_curve([1e3, 1e3], [2.0, 2.1])


def test_r_star_through_a_data_curve_of_fresh_runs():
    """The page's workflow with a law that steepens in log D (no E + B/D^beta fits it): the fresh runs sampled
    densely enough recover R* through the interpolated curve, and D' of each repeated run read off the curve
    matches U · gain."""
    from hepscaling.scaling.repetition import data_curve

    def steep(D):                                            # concave in log D, like step-limited one-pass runs
        x = np.log(np.asarray(D, float) / 500.0)
        return 2.3 - 0.05 * x - 0.04 * x ** 2

    U = np.array([500.0] * 5 + [1000.0] * 5)
    ep = np.array([2, 4, 8, 16, 30] * 2, float)
    R_true = 12.0
    L = steep(effective_data(U, ep, R_true))
    fresh_D = np.geomspace(500, 30000, 25)
    curve = data_curve(fresh_D, steep(fresh_D))
    fit = fit_repetition(U, ep, L, curve)
    assert fit.R_star == pytest.approx(R_true, rel=0.03) and not fit.at_bound
    np.testing.assert_allclose(curve.effective_data(L) / U, repetition_gain(ep, R_true), rtol=0.02)
