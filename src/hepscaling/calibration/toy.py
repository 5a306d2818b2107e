"""The Gaussian toy of the Gaussian Ansatz papers (Gambhir, Nachman, Thaler, arXiv 2205.03413, 2205.05084).

A "truth" z is drawn from a prior and "measured" as x = z + ε with Gaussian noise, x | z ~ N(z, σ² 1) in each of
``z_dim`` independent components.  Two priors:

``uniform``  z ~ U(−a, a)         (``half_width`` a; the talk's example: a = 5, σ = 1)
``normal``   z ~ N(0, s²)          (``prior_sigma`` s)

Everything a calibration is judged against has a closed form (per component; the components are independent):

* the likelihood p(x | z) = N(x; z, σ²): its maximum is ẑ = x and its curvature gives σ̂ = σ, whatever the prior —
  what a prior-independent calibration must return;
* the posterior mean E[z | x], which a mean-squared-error regression learns: x s²/(s² + σ²) for the normal prior
  (bias b(z) = E[E[z|x] − z | z] = −z σ²/(s² + σ²)), the mean of N(x, σ²) truncated to [−a, a] for the uniform one;
* the mutual information I(X; Z) = h(X) − h(X | Z) = h(X) − ½ log(2πe σ²): ½ log(1 + s²/σ²) for the normal prior;
  for the uniform prior h(X) is an integral of the marginal density (a difference of two error functions), done by
  quadrature here (a = 5, σ = 1: 1.0642 nats).

:func:`mutual_information_quadrature` does both integrals numerically from the prior's density alone (the
convolution for p(x), then −∫ p log p), so the normal prior's closed form tests it.
"""
from __future__ import annotations

import math
import numbers

import numpy as np
from scipy import integrate, special, stats

__all__ = ["PRIORS", "gaussian_toy", "prior_pdf", "marginal_pdf", "exact_mutual_information",
           "mutual_information_quadrature", "posterior_mean", "mse_bias"]

PRIORS = ("uniform", "normal")


def _check(prior: str, noise: float, half_width: float, prior_sigma: float, who: str) -> None:
    if prior not in PRIORS:
        raise ValueError(f"{who}: prior must be one of {PRIORS}, got {prior!r}")
    for name, v in (("noise", noise), ("half_width", half_width), ("prior_sigma", prior_sigma)):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not v > 0:
            raise ValueError(f"{who}: {name} must be a positive number, got {v!r}")


def gaussian_toy(n: int, prior: str = "uniform", seed: int = 0, *, z_dim: int = 1, noise: float = 1.0,
                 half_width: float = 5.0, prior_sigma: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` pairs ``(x, z)``, each of shape ``(n, z_dim)`` (float32): z from the prior, x = z + N(0, noise²).

    The draws come from ``numpy.random.default_rng(seed)``: z first, then the noise."""
    _check(prior, noise, half_width, prior_sigma, "gaussian_toy")
    for name, v in (("n", n), ("z_dim", z_dim)):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1:
            raise ValueError(f"gaussian_toy: {name} must be a positive integer, got {v!r}")
    rng = np.random.default_rng(seed)
    if prior == "uniform":
        z = rng.uniform(-half_width, half_width, size=(n, z_dim))
    else:
        z = rng.normal(0.0, prior_sigma, size=(n, z_dim))
    x = z + rng.normal(0.0, noise, size=(n, z_dim))
    return x.astype(np.float32), z.astype(np.float32)


def prior_pdf(z, prior: str = "uniform", *, half_width: float = 5.0, prior_sigma: float = 2.0) -> np.ndarray:
    """The prior's density of one component."""
    _check(prior, 1.0, half_width, prior_sigma, "prior_pdf")
    z = np.asarray(z, dtype=float)
    if prior == "uniform":
        return np.where(np.abs(z) <= half_width, 0.5 / half_width, 0.0)
    return stats.norm.pdf(z, scale=prior_sigma)


def marginal_pdf(x, prior: str = "uniform", *, noise: float = 1.0, half_width: float = 5.0,
                 prior_sigma: float = 2.0) -> np.ndarray:
    """p(x) = ∫ p(z) N(x; z, noise²) dz of one component, in closed form: [Φ((x + a)/σ) − Φ((x − a)/σ)] / 2a for the
    uniform prior, N(x; 0, s² + σ²) for the normal one."""
    _check(prior, noise, half_width, prior_sigma, "marginal_pdf")
    x = np.asarray(x, dtype=float)
    if prior == "uniform":
        a = half_width
        return (special.ndtr((x + a) / noise) - special.ndtr((x - a) / noise)) / (2 * a)
    return stats.norm.pdf(x, scale=math.hypot(prior_sigma, noise))


def _entropy(pdf, lo: float, hi: float, breaks=()) -> float:
    """Differential entropy −∫ p log p over [lo, hi] (p negligible outside), adaptive quadrature."""
    def f(t):
        p = pdf(t)
        return -p * math.log(p) if p > 0 else 0.0
    edges = [lo, *sorted(b for b in breaks if lo < b < hi), hi]
    return sum(integrate.quad(f, a, b, limit=200, epsabs=1e-12, epsrel=1e-10)[0] for a, b in zip(edges, edges[1:]))


def mutual_information_quadrature(prior: str = "uniform", *, noise: float = 1.0, half_width: float = 5.0,
                                  prior_sigma: float = 2.0, z_dim: int = 1) -> float:
    """I(X; Z) in nats by quadrature from the prior's density alone: p(x) = ∫ p(z) N(x; z, σ²) dz numerically at
    every x, then I = −∫ p(x) log p(x) dx − ½ log(2πe σ²), times ``z_dim`` (independent components)."""
    _check(prior, noise, half_width, prior_sigma, "mutual_information_quadrature")
    if prior == "uniform":
        zlo, zhi = -half_width, half_width
        density = lambda z: 0.5 / half_width                                          # noqa: E731
    else:
        zlo, zhi = -12 * prior_sigma, 12 * prior_sigma
        density = lambda z: math.exp(-0.5 * (z / prior_sigma) ** 2) / (prior_sigma * math.sqrt(2 * math.pi))  # noqa
    norm = 1.0 / (noise * math.sqrt(2 * math.pi))

    def p_x(x: float) -> float:
        lo, hi = max(zlo, x - 12 * noise), min(zhi, x + 12 * noise)
        if hi <= lo:
            return 0.0
        return integrate.quad(lambda z: density(z) * norm * math.exp(-0.5 * ((x - z) / noise) ** 2), lo, hi,
                              points=[x] if lo < x < hi else None, limit=200, epsabs=1e-14, epsrel=1e-11)[0]

    margin = 12 * noise
    h_x = _entropy(p_x, zlo - margin, zhi + margin, breaks=(zlo, 0.0, zhi))
    return z_dim * (h_x - 0.5 * math.log(2 * math.pi * math.e * noise ** 2))


def exact_mutual_information(prior: str = "uniform", *, noise: float = 1.0, half_width: float = 5.0,
                             prior_sigma: float = 2.0, z_dim: int = 1) -> float:
    """I(X; Z) in nats: ``z_dim`` · ½ log(1 + s²/σ²) for the normal prior; for the uniform prior h(X) of the
    closed-form marginal (:func:`marginal_pdf`) by quadrature, minus ½ log(2πe σ²)."""
    _check(prior, noise, half_width, prior_sigma, "exact_mutual_information")
    if prior == "normal":
        return z_dim * 0.5 * math.log1p((prior_sigma / noise) ** 2)
    a = half_width
    h_x = _entropy(lambda t: float(marginal_pdf(t, "uniform", noise=noise, half_width=a)),
                   -a - 12 * noise, a + 12 * noise, breaks=(-a, 0.0, a))
    return z_dim * (h_x - 0.5 * math.log(2 * math.pi * math.e * noise ** 2))


def posterior_mean(x, prior: str = "uniform", *, noise: float = 1.0, half_width: float = 5.0,
                   prior_sigma: float = 2.0) -> np.ndarray:
    """E[z | x] per component — what a mean-squared-error regression of z on x converges to.

    Normal prior: x s²/(s² + σ²).  Uniform prior: the mean of N(x, σ²) truncated to [−a, a],
    x + σ [φ(α) − φ(β)] / [Φ(β) − Φ(α)] with α = (−a − x)/σ, β = (a − x)/σ."""
    _check(prior, noise, half_width, prior_sigma, "posterior_mean")
    x = np.asarray(x, dtype=float)
    if prior == "normal":
        return x * prior_sigma ** 2 / (prior_sigma ** 2 + noise ** 2)
    alpha, beta = (-half_width - x) / noise, (half_width - x) / noise
    # stats.truncnorm is accurate far in the tails, where a difference of Φ's loses every digit
    return stats.truncnorm.mean(alpha, beta, loc=x, scale=noise)


def mse_bias(z, prior: str = "normal", *, noise: float = 1.0, half_width: float = 5.0,
             prior_sigma: float = 2.0) -> np.ndarray:
    """The closure bias b(z) = E[E[z|X] − z | Z = z] of the posterior mean (a converged MSE regression).

    Normal prior: −z σ²/(s² + σ²), exactly.  Uniform prior: E over x ~ N(z, σ²) of the truncated mean minus z, by
    Gauss–Hermite quadrature (60 nodes)."""
    _check(prior, noise, half_width, prior_sigma, "mse_bias")
    z = np.asarray(z, dtype=float)
    if prior == "normal":
        return -z * noise ** 2 / (prior_sigma ** 2 + noise ** 2)
    t, w = np.polynomial.hermite_e.hermegauss(60)           # ∫ f(t) e^{−t²/2} dt ≈ Σ w f(t)
    x = z[..., None] + noise * t
    m = posterior_mean(x, "uniform", noise=noise, half_width=half_width)
    return (m * w).sum(-1) / w.sum() - z
