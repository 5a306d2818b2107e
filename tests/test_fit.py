"""Scaling-law fits: known parameters are recovered from synthetic noisy points within their errors."""
import numpy as np
import pytest

from hepscaling.scaling.fit import FitError, crossing, crossing_error, fit_power_law

X = np.geomspace(20, 1e6, 15)
TRUE = {
    "pure": {"A": 2.0, "alpha": 0.4, "C": 0.0},
    "floor": {"A": 2.0, "alpha": 0.5, "C": 0.1},
    "offset": {"Xc": 50.0, "alpha": 0.8, "K": 0.02},
}


def truth(form, x):
    p = TRUE[form]
    if form == "offset":
        return (p["Xc"] / x) ** p["alpha"] + p["K"]
    return p["A"] * x ** -p["alpha"] + p["C"]


@pytest.mark.parametrize("form", ["pure", "floor", "offset"])
def test_pulls_over_seeds(form):
    """(fitted - true) / error is distributed as a unit normal over 60 noise realisations."""
    y0 = truth(form, X)
    sigma = 0.03 * y0
    pulls = {k: [] for k in TRUE[form] if not (form == "pure" and k == "C")}
    for seed in range(60):
        y = y0 + np.random.default_rng(seed).normal(size=X.size) * sigma
        fit = fit_power_law(X, y, form, sigma=sigma)
        for k in pulls:
            assert fit.errors[k] > 0
            pulls[k].append((fit.params[k] - TRUE[form][k]) / fit.errors[k])
    for k, p in pulls.items():
        p = np.array(p)
        assert abs(p.mean()) < 0.45, (form, k, p.mean())
        assert 0.7 < p.std() < 1.35, (form, k, p.std())
        assert np.all(np.abs(p) < 4.5), (form, k, p)


@pytest.mark.parametrize("form", ["pure", "floor", "offset"])
def test_unweighted_errors_cover_truth(form):
    """Without sigma the errors come from the residual scatter; they still cover the truth ~68 % of the time.

    The noise model matches the fit's space: relative noise for the log-space forms, constant noise for "floor"
    (a linear-space fit without sigma assumes equal errors on every point)."""
    y0 = truth(form, X)
    inside = []
    for seed in range(60):
        z = np.random.default_rng(100 + seed).normal(size=X.size)
        y = y0 + 0.003 * z if form == "floor" else y0 * (1 + 0.03 * z)
        fit = fit_power_law(X, y, form)
        inside.append(abs(fit.params["alpha"] - TRUE[form]["alpha"]) < fit.errors["alpha"])
    assert 0.45 < np.mean(inside) < 0.9


def test_exact_points_are_recovered_exactly():
    for form in ("pure", "floor", "offset"):
        fit = fit_power_law(X, truth(form, X), form)
        for k, v in TRUE[form].items():
            assert fit.params[k] == pytest.approx(v, rel=1e-5, abs=1e-9), (form, k)
        np.testing.assert_allclose(fit.predict(1e8), truth(form, np.array(1e8)), rtol=1e-4)


def test_keys_and_pure_has_no_floor():
    assert set(fit_power_law(X, truth("pure", X), "pure").params) == {"A", "alpha", "C"}
    assert set(fit_power_law(X, truth("floor", X), "floor").errors) == {"A", "alpha", "C"}
    assert set(fit_power_law(X, truth("offset", X), "offset").params) == {"Xc", "alpha", "K"}
    fit = fit_power_law(X, truth("pure", X), "pure")
    assert fit.params["C"] == 0 and fit.errors["C"] == 0 and fit.free == ("A", "alpha")


def test_offset_is_floor_reparametrised():
    """(Xc/X)^α + K is A·X^-α + C with A = Xc^α; both fits (in the same space) must agree."""
    rng = np.random.default_rng(7)
    y = truth("floor", X) * (1 + 0.02 * rng.normal(size=X.size))
    f = fit_power_law(X, y, "floor", log_space=True)
    o = fit_power_law(X, y, "offset")
    assert o.params["alpha"] == pytest.approx(f.params["alpha"], rel=1e-4)
    assert o.params["Xc"] ** o.params["alpha"] == pytest.approx(f.params["A"], rel=1e-3)
    assert o.params["K"] == pytest.approx(f.params["C"], rel=1e-3)
    assert o.errors["alpha"] == pytest.approx(f.errors["alpha"], rel=1e-2)


def test_fit_range_selects_the_regime_of_a_broken_power_law():
    """Below T = 1000 slope 0.2, above slope 0.6: a fit restricted to T >= 1000 finds 0.6, the full one neither."""
    x = np.geomspace(10, 1e6, 30)
    y = np.where(x < 1e3, x ** -0.2, 1e3 ** 0.4 * x ** -0.6)
    hi = fit_power_law(x, y, "pure", x_range=(1e3, None))
    assert hi.params["alpha"] == pytest.approx(0.6, rel=1e-9)
    assert hi.n_points == int(np.sum(x >= 1e3)) and hi.x_range[0] >= 1e3
    full = fit_power_law(x, y, "pure")
    assert 0.25 < full.params["alpha"] < 0.55


def test_ignoring_a_floor_biases_alpha_low():
    """A pure power law fitted to data with a floor gives a shallower slope than the true one (paper A, Fig. 5)."""
    y = truth("floor", X)
    assert fit_power_law(X, y, "pure").params["alpha"] < 0.8 * TRUE["floor"]["alpha"]


def test_band_and_covariance():
    rng = np.random.default_rng(3)
    y0 = truth("floor", X)
    fit = fit_power_law(X, y0 * (1 + 0.03 * rng.normal(size=X.size)), "floor", sigma=0.03 * y0)
    cov = fit.covariance
    assert cov["A"]["alpha"] == pytest.approx(cov["alpha"]["A"])
    assert cov["C"]["C"] == pytest.approx(fit.errors["C"] ** 2)
    band = fit.band(np.array([1e2, 1e6, 1e9]))
    assert np.all(band > 0)
    assert band[2] == pytest.approx(fit.errors["C"], rel=0.05)   # far out only the floor is left
    assert np.isclose(fit.correlation()[0, 0], 1.0)
    assert "alpha" in fit.summary()


def test_crossing_of_two_power_laws():
    f1 = fit_power_law(X, 2 * X ** -0.3, "pure")
    f2 = fit_power_law(X, 5 * X ** -0.4, "pure")
    expected = (5 / 2) ** (1 / 0.1)
    assert crossing(f1, f2, (1, 1e12)) == pytest.approx(expected, rel=1e-6)
    assert crossing(f1, f2, (1, 1e3)) is None
    parallel = fit_power_law(X, 3 * X ** -0.3, "pure")
    assert crossing(f1, parallel, (1, 1e12)) is None
    # a floor makes curves cross (the steeper curve with the lower floor wins at large T)
    g1 = fit_power_law(X, 1.0 * X ** -0.3 + 0.10, "floor")
    g2 = fit_power_law(X, 3.0 * X ** -0.5 + 0.05, "floor")
    xs = crossing(g1, g2, (1, 1e12), all=True)
    assert len(xs) >= 1
    for xc in xs:
        assert g1.predict(xc) == pytest.approx(g2.predict(xc), rel=1e-8)


def test_crossing_error_brackets_the_crossing():
    rng = np.random.default_rng(11)
    y1, y2 = 2 * X ** -0.3, 5 * X ** -0.4
    f1 = fit_power_law(X, y1 * (1 + 0.01 * rng.normal(size=X.size)), "pure", sigma=0.01 * y1)
    f2 = fit_power_law(X, y2 * (1 + 0.01 * rng.normal(size=X.size)), "pure", sigma=0.01 * y2)
    med, lo, hi, frac = crossing_error(f1, f2, (1, 1e14), n_samples=200)
    assert lo < crossing(f1, f2, (1, 1e14)) < hi and frac > 0.9


@pytest.mark.parametrize("kwargs, match", [
    (dict(form="quadratic"), "unknown form 'quadratic'"),
    (dict(form="pure", y=-np.ones(15)), "every y must be > 0"),
    (dict(form="floor", x_range=(1e5, None)), "at least 4 points"),
    (dict(form="pure", y=np.ones(3)), "same length"),
    (dict(form="pure", sigma=np.zeros(15)), "sigma must be finite and > 0"),
])
def test_bad_input_names_the_problem(kwargs, match):
    args = dict(x=X, y=truth("pure", X))
    args.update(kwargs)
    with pytest.raises(FitError, match=match):
        fit_power_law(**args)


def test_fit_groups_fits_each_group_in_its_own_range():
    import pandas as pd

    from hepscaling.scaling.fit import fit_groups
    x = np.geomspace(10, 1e5, 13)
    rows = [(g, xi, A * xi ** -a) for g, A, a in (("steep", 3.0, 0.5), ("shallow", 1.0, 0.1)) for xi in x]
    rows += [("short", 10.0, 1.0), ("short", 100.0, 0.5)]
    t = pd.DataFrame(rows, columns=["clf", "T", "loss"])
    fits = fit_groups(t, by="clf", x="T", y="loss", x_range=lambda g: (100, 1e4 if g == "steep" else None))
    assert fits["short"] is None                                      # too few points: reported, not dropped
    assert fits["steep"].params["alpha"] == pytest.approx(0.5, rel=1e-10)
    assert fits["shallow"].params["alpha"] == pytest.approx(0.1, rel=1e-10)
    assert fits["steep"].x_range[1] <= 1e4 and fits["shallow"].x_range[1] == pytest.approx(1e5)
    with pytest.raises(FitError, match="no column"):
        fit_groups(t, by="classifier", x="T", y="loss")
