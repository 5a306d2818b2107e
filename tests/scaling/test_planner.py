"""The precision planner on eq. (1): closed-form round trip, a known synthetic law recovered through a fit, "not
reachable" below the floor, linear error propagation against Monte Carlo, both-sided asymmetric errors, bad input."""
import math

import numpy as np
import pytest

from hepscaling.scaling.fit import fit_power_law
from hepscaling.scaling.planner import Plan, monte_carlo, plan, required

TRUE = {"Xc": 50.0, "alpha": 1.5, "K": 1e-6}


def eq1(p, x):
    return (p["Xc"] / x) ** p["alpha"] + p["K"]


def synthetic_fit(seed, noise=0.05, p=TRUE):
    """Losses from a known eq. (1) with 5 % multiplicative noise on a D scan 1e2..1e6, fitted with known errors."""
    x = np.geomspace(1e2, 1e6, 13)
    y = eq1(p, x) * np.exp(noise * np.random.default_rng(seed).standard_normal(x.size))
    return fit_power_law(x, y, form="offset", sigma=noise * y)


@pytest.mark.parametrize("p", [TRUE, {"Xc": 6.6e11, "alpha": 2.08, "K": 2e-7}, {"Xc": 0.6, "alpha": 0.6, "K": 0.0}])
@pytest.mark.parametrize("target", [1e-5, 3e-4, 0.5])
def test_closed_form_round_trip(p, target):
    r = required(p, None, target)
    assert r.reachable and eq1(p, r.value) == pytest.approx(target, rel=1e-10)
    assert eq1(p, r.value * 0.999) > target                  # and it is the smallest such X
    assert r.lower == r.upper == r.value                      # no errors given: none propagated


def test_round_trip_on_a_fit_object():
    fit = synthetic_fit(0)
    r = required(fit, target=1e-4)
    assert float(fit.predict(r.value)) == pytest.approx(1e-4, rel=1e-10)
    assert required(fit, 1e-4) == r                          # the target may come second for a fit object
    assert r.lower < r.value < r.upper and r.log_sigma_up == pytest.approx(r.log_sigma_down)


def test_synthetic_law_recovered_within_its_error():
    target = 1e-5
    truth = TRUE["Xc"] * (target - TRUE["K"]) ** (-1 / TRUE["alpha"])
    r = required(synthetic_fit(1), target=target)
    assert r.reachable and not r.near_floor
    assert abs(math.log(r.value / truth)) < 2 * r.log_sigma_up
    pulls = []                                                # and the 1σ error covers the truth about 68 % of the time
    for seed in range(40):
        q = required(synthetic_fit(100 + seed), target=target)
        pulls.append(math.log(q.value / truth) / q.log_sigma_up)
    assert 0.5 <= np.mean(np.abs(pulls) < 1) <= 0.9


def test_not_reachable_below_the_floor():
    p = {"Xc": 2.58e11, "alpha": 3.67, "K": 0.347}            # paper B, Table 2, C at D = 1e2
    for target in (0.347, 1e-4):
        r = required(p, {"Xc": (6.4e10, 1.8e10), "alpha": 0.43, "K": (0.054, 0.021)}, target)
        assert not r.reachable and r.value == math.inf and "below K = 0.347" in r.reason
        assert str(r).startswith("not reachable (target")
    r = required(p, {"K": (0.054, 0.021)}, 0.36)               # reachable, but K + 1σ is above the target
    assert r.reachable and r.near_floor
    mc = monte_carlo(p, {"K": (0.054, 0.021)}, 0.36)
    assert mc.frac_unreachable > 0.16 and mc.upper == math.inf


@pytest.mark.parametrize("target", [1e-5, 1e-4])
def test_linear_error_matches_monte_carlo_for_a_fit(target):
    fit = synthetic_fit(2)
    r = required(fit, target=target)
    mc = monte_carlo(fit, target=target, n=20000, seed=3)
    assert mc.median == pytest.approx(r.value, rel=0.05)
    assert mc.log_sigma_up == pytest.approx(r.log_sigma_up, rel=0.2)
    assert mc.log_sigma_down == pytest.approx(r.log_sigma_down, rel=0.2)
    assert mc.frac_unreachable == 0 and mc.n_dropped == 0


def test_linear_error_matches_monte_carlo_for_asymmetric_errors():
    p = {"Xc": 53.6, "alpha": 1.928, "K": 2e-6}
    errors = {"Xc": (4.0, 2.3), "alpha": 0.027, "K": (4e-7, 1e-7)}
    r = required(p, errors, 1e-4)
    mc = monte_carlo(p, errors, 1e-4, n=40000)
    assert r.log_sigma_up > r.log_sigma_down                  # the larger "+" errors raise X*
    assert mc.log_sigma_up == pytest.approx(r.log_sigma_up, rel=0.2)
    assert mc.log_sigma_down == pytest.approx(r.log_sigma_down, rel=0.2)


def test_both_sides_are_propagated():
    p = {"Xc": 10.0, "alpha": 2.0, "K": 0.0}
    r = required(p, {"Xc": (5.0, 1.0)}, 1e-2)                 # errors of log Xc: ln 1.5 up, −ln 0.9 down
    assert (r.log_sigma_up, r.log_sigma_down) == pytest.approx((math.log(1.5), -math.log(0.9)))
    assert r.upper == pytest.approx(r.value * 1.5) and r.lower == pytest.approx(r.value * 0.9)
    assert required(p, {"Xc": (5.0, None)}, 1e-2).log_sigma_down == pytest.approx(math.log(1.5))   # unprinted side
    assert required(p, {"Xc": 1.0}, 1e-2).log_sigma_up == pytest.approx(0.1)                        # symmetric: e/Xc
    # alpha: ln(t − K) < 0, so the lower alpha raises X*: its "−" error goes into the upper error of X*
    r = required(p, {"alpha": (0.1, 0.3)}, 1e-2)
    g = abs(math.log(1e-2)) / 4
    assert (r.log_sigma_up, r.log_sigma_down) == pytest.approx((0.3 * g, 0.1 * g))
    cov = np.diag([1.0, 0.0, 0.0])                            # a covariance is symmetric: sigma(Xc) = 1 -> 0.1 in log
    r = required(p, cov, 1e-2)
    assert r.log_sigma_up == r.log_sigma_down == pytest.approx(0.1)


def test_plan():
    fits = {"D": synthetic_fit(4), "N": {"params": {"Xc": 2.06, "alpha": 1.85, "K": 5.97e-8},
                                         "errors": {"Xc": (2.0, 0.19), "alpha": 0.07, "K": (8e-9, 3.4e-9)}},
            "C": ({"Xc": 2.58e11, "alpha": 3.67, "K": 0.347}, None)}
    pl = plan(fits, 1e-4)
    assert isinstance(pl, Plan) and list(pl) == ["D", "N", "C"]
    assert pl["D"].reachable and pl["N"].reachable and not pl["C"].reachable
    frame = pl.to_frame()
    assert list(frame["X"]) == ["D", "N", "C"] and list(frame["reachable"]) == [True, True, False]
    assert "C: not reachable (target 0.0001 below K = 0.347)" in str(pl)


@pytest.mark.parametrize("args, match", [
    ((TRUE, None, 0), "target must be a finite loss > 0"),
    ((TRUE, None, -1e-3), "target must be a finite loss > 0"),
    ((TRUE, None, float("nan")), "target"),
    ((TRUE, None, "small"), "target"),
    (({**TRUE, "alpha": 0.0}, None, 1e-3), "alpha must be > 0"),
    (({**TRUE, "alpha": -1.0}, None, 1e-3), "alpha must be > 0"),
    (({**TRUE, "Xc": -5.0}, None, 1e-3), "Xc must be > 0"),
    (({"Xc": 1.0, "alpha": 1.0}, None, 1e-3), "parameter(s) ['K'] missing"),
    ((TRUE, {"K": -1e-7}, 1e-3), "errors of K"),
    ((TRUE, {"alpha": (0.1, -0.1)}, 1e-3), "errors of alpha"),
    ((TRUE, {"beta": 0.1}, 1e-3), "unknown parameter(s) ['beta']"),
    ((TRUE, np.eye(2), 1e-3), "covariance must be 3×3"),
])
def test_bad_input_names_the_parameter(args, match):
    with pytest.raises(ValueError, match=match.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")
                       .replace("]", r"\]")):
        required(*args)


def test_bad_fits():
    with pytest.raises(ValueError, match="form 'offset'"):
        required(fit_power_law(np.geomspace(1, 100, 8), np.geomspace(1, 0.01, 8), form="pure"), target=1e-3)
    with pytest.raises(ValueError, match="target"):
        plan({"D": TRUE}, 0)
    with pytest.raises(ValueError, match="law for N: alpha must be > 0"):
        plan({"D": TRUE, "N": {**TRUE, "alpha": 0}}, 1e-3)
    with pytest.raises(ValueError, match="no laws given"):
        plan({}, 1e-3)
