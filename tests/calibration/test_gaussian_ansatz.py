"""The Gaussian Ansatz and its toy: closed forms, the DV loss, and a trained GA's prior-independent calibration."""
import math

import numpy as np
import pytest
import torch
from scipy import stats

from hepscaling.calibration import (GaussianAnsatz, calibrate, covariance, dv_bound, dv_loss,
                                    exact_mutual_information, gaussian_toy, marginal_pdf, mse_bias,
                                    mutual_information, mutual_information_quadrature, posterior_mean, predict,
                                    train_gaussian_ansatz, train_mse_regressor)

S = 2.0                     # the normal prior's width in the trained tests
BULK = np.linspace(-3.5, 3.5, 57)


# ------------------------------------------------------------------------------------------------- closed forms
@pytest.mark.parametrize("s, noise", [(0.5, 1.0), (2.0, 1.0), (3.0, 0.5)])
def test_quadrature_mi_equals_closed_form_for_normal_prior(s, noise):
    """I = ½ log(1 + s²/σ²): the quadrature (convolution for p(x), then h(X)) from the prior's density alone."""
    q = mutual_information_quadrature("normal", noise=noise, prior_sigma=s)
    assert q == pytest.approx(0.5 * math.log1p((s / noise) ** 2), abs=1e-7)
    assert exact_mutual_information("normal", noise=noise, prior_sigma=s, z_dim=3) == pytest.approx(3 * q, abs=1e-6)


def test_uniform_prior_mi_value_and_two_routes_agree():
    exact = exact_mutual_information("uniform", half_width=5.0, noise=1.0)
    assert exact == pytest.approx(1.06429, abs=5e-5)
    assert mutual_information_quadrature("uniform", half_width=5.0, noise=1.0) == pytest.approx(exact, abs=1e-7)
    # a narrow prior carries little information, a wide one log(2a) − ½ log(2πe)
    assert exact_mutual_information("uniform", half_width=0.05) < 2e-3
    wide = exact_mutual_information("uniform", half_width=500.0)
    assert wide == pytest.approx(math.log(1000.0) - 0.5 * math.log(2 * math.pi * math.e), abs=2e-3)


@pytest.mark.parametrize("prior", ["uniform", "normal"])
def test_monte_carlo_mi_matches_exact(prior):
    """E_joint[log p(x|z) − log p(x)] on samples of :func:`gaussian_toy` with the closed-form marginal."""
    x, z = gaussian_toy(400_000, prior, seed=11)
    x, z = x[:, 0].astype(float), z[:, 0].astype(float)
    t = stats.norm.logpdf(x - z) - np.log(marginal_pdf(x, prior))
    assert abs(t.mean() - exact_mutual_information(prior)) < 4 * t.std() / math.sqrt(len(t))


def test_posterior_mean_and_bias_against_samples():
    for prior in ("uniform", "normal"):
        x, z = gaussian_toy(600_000, prior, seed=5)
        x, z = x[:, 0], z[:, 0]
        for x0 in (-4.0, 0.7, 3.0, 5.5):
            sel = np.abs(x - x0) < 0.03
            assert z[sel].mean() == pytest.approx(float(posterior_mean(x0, prior)), abs=4 * z[sel].std()
                                                  / math.sqrt(sel.sum()))
    assert posterior_mean(3.0, "normal") == pytest.approx(3.0 * S ** 2 / (S ** 2 + 1))
    x, z = gaussian_toy(600_000, "normal", seed=6)
    for z0 in (-3.0, 2.0):
        sel = np.abs(z[:, 0] - z0) < 0.03
        b = (posterior_mean(x[sel, 0], "normal") - z[sel, 0]).mean()
        assert b == pytest.approx(-z0 / (S ** 2 + 1), abs=0.02)
        assert float(mse_bias(z0, "normal")) == pytest.approx(-z0 / (S ** 2 + 1))
    # uniform prior: no bias in the middle, pulled inwards near the edges
    assert abs(float(mse_bias(0.0, "uniform"))) < 1e-12 and float(mse_bias(4.5, "uniform")) < -0.2


def test_bad_input_is_refused_by_name():
    with pytest.raises(ValueError, match="prior"):
        gaussian_toy(10, "cauchy")
    with pytest.raises(ValueError, match="noise"):
        exact_mutual_information("normal", noise=0.0)
    with pytest.raises(ValueError, match="z_dim"):
        gaussian_toy(10, z_dim=0)


# ------------------------------------------------------------------------------------------------------- DV loss
def test_dv_loss_closed_form_tiny_case():
    tj = torch.tensor([1.0, 2.0, 3.0])
    tm = torch.tensor([0.0, math.log(2.0)])
    assert float(dv_bound(tj, tm)) == pytest.approx(2.0 - math.log(1.5), abs=1e-6)
    assert float(dv_loss(tj, tm)) == pytest.approx(-(2.0 - math.log(1.5)), abs=1e-6)
    # invariant under T -> T + c; zero for a constant T; stable for large T
    assert float(dv_bound(tj + 7.0, tm + 7.0)) == pytest.approx(float(dv_bound(tj, tm)), abs=1e-5)
    assert float(dv_bound(torch.full((4,), 3.0), torch.full((5,), 3.0))) == pytest.approx(0.0, abs=1e-6)
    assert math.isfinite(float(dv_bound(tj, tm + 500.0)))
    with pytest.raises(ValueError, match="non-empty 1-d"):
        dv_bound(tj[:, None], tm)


def test_dv_of_the_optimal_critic_is_the_mutual_information():
    """T* = log p(x|z)/p(x) on a large normal-prior sample gives I = ½ log(1 + s²); a worse critic gives less."""
    x, z = gaussian_toy(300_000, "normal", seed=3, prior_sigma=S)
    x, z = torch.tensor(x[:, 0], dtype=torch.float64), torch.tensor(z[:, 0], dtype=torch.float64)

    def t_star(xx, zz, width=1.0):
        return (torch.distributions.Normal(zz, width).log_prob(xx)
                - torch.distributions.Normal(0.0, math.hypot(S, 1.0)).log_prob(xx))
    exact = 0.5 * math.log1p(S ** 2)
    zm = torch.roll(z, 1)
    assert float(dv_bound(t_star(x, z), t_star(x, zm))) == pytest.approx(exact, abs=0.01)
    assert float(dv_bound(t_star(x, z, 1.5), t_star(x, zm, 1.5))) < exact - 0.05


# ------------------------------------------------------------------------------------------ the Ansatz's algebra
def test_ansatz_algebra_in_two_dimensions():
    """T from forward() equals A + (z − B)·D + ½ (z − B)ᵀ C (z − B) from parts(); C is negative definite; the
    covariance is −C(x, B(x))⁻¹ in the units of z."""
    torch.manual_seed(0)
    m = GaussianAnsatz(3, 2, hidden=8, seed=4)
    x, z = torch.randn(50, 3) * 2 + 1, torch.randn(50, 2) * 3 - 2
    m.set_scales(x, z)
    with torch.no_grad():
        a, b, c, d = m.parts(x, z)
        r = (z - m.z_loc) / m.z_scale - b
        t = a + (r * d).sum(1) + 0.5 * torch.einsum("ni,nij,nj->n", r, c, r)
        assert torch.allclose(m(x, z), t, atol=1e-5)
        assert (torch.linalg.eigvalsh(c) < 0).all()
        z_hat, cov = covariance(m, x)
        xt = (x - m.x_loc) / m.x_scale
        c_hat = m.curvature(xt, m.abd(xt)[1]).double()
        s = torch.diag(m.z_scale.double())
        expect = s @ torch.linalg.inv(-c_hat) @ s
    np.testing.assert_allclose(cov, expect.numpy(), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(z_hat, (m.z_loc + m.z_scale * m.abd(xt)[1]).detach().numpy(), rtol=1e-6)
    assert np.allclose(calibrate(m, x)[1], np.sqrt(np.diagonal(cov, axis1=1, axis2=2)))
    with pytest.raises(ValueError, match="2 components"):
        calibrate(m, x[:, :2])


# --------------------------------------------------------------------------------------------- trained on the toy
@pytest.fixture(scope="module")
def trained():
    """GA under both priors and the MSE regression under the normal prior: small and fast (one thread)."""
    torch.set_num_threads(1)
    kw = {"hidden": 32, "depth": 2, "steps": 1500, "batch_size": 2048, "lr": 1e-2, "seed": 0}
    out = {}
    for prior in ("uniform", "normal"):
        x, z = gaussian_toy(50_000, prior, seed=1, prior_sigma=S)
        out["ga", prior] = train_gaussian_ansatz(x, z, c_uses_z=False, **kw)[0]
        out["test", prior] = gaussian_toy(50_000, prior, seed=2, prior_sigma=S)
        if prior == "normal":
            out["mse", prior] = train_mse_regressor(x, z, **kw)[0]
    return out


def test_ga_is_the_likelihood_maximum_under_both_priors(trained):
    for prior in ("uniform", "normal"):
        z_hat, sigma = calibrate(trained["ga", prior], BULK)
        assert np.abs(z_hat[:, 0] - BULK).max() < 0.1, prior
        assert np.abs(sigma[:, 0] - 1.0).max() < 0.1, prior
    zu, su = calibrate(trained["ga", "uniform"], BULK)
    zn, sn = calibrate(trained["ga", "normal"], BULK)
    assert np.abs(zu - zn).max() < 0.1 and np.abs(su - sn).max() < 0.1


def test_mse_regression_is_biased_towards_the_normal_prior(trained):
    f = predict(trained["mse", "normal"], BULK)[:, 0]
    assert np.abs(f - posterior_mean(BULK, "normal", prior_sigma=S)).max() < 0.1
    assert np.abs(f - BULK).max() > 0.5                      # 3.5/(s² + 1) = 0.7 at the bulk's edge
    x, z = trained["test", "normal"]
    bulk = np.abs(z[:, 0]) < 3.5
    bias_mse = predict(trained["mse", "normal"], x)[bulk, 0] - z[bulk, 0]
    bias_ga = calibrate(trained["ga", "normal"], x)[0][bulk, 0] - z[bulk, 0]
    zz = z[bulk, 0]
    slope_mse = float((bias_mse * zz).sum() / (zz * zz).sum())
    slope_ga = float((bias_ga * zz).sum() / (zz * zz).sum())
    assert slope_mse == pytest.approx(-1 / (S ** 2 + 1), abs=0.03)
    assert abs(slope_ga) < 0.03


def test_dv_estimate_bounds_the_exact_mi(trained):
    for prior in ("uniform", "normal"):
        x, z = trained["test", prior]
        est = mutual_information(trained["ga", prior], x, z, n_shifts=8, seed=0)
        exact = exact_mutual_information(prior, prior_sigma=S)
        assert est.value <= exact + 2 * est.error, (prior, est, exact)
        assert abs(est.value - exact) < 0.05, (prior, est, exact)
        assert 0 < est.error < 0.02
