import numpy as np
import pandas as pd
import pytest
import scipy.stats

from hepscaling.metrics import distribution_distances, kl_divergence, quantile_edges, wasserstein_1


def kl_gauss(mu_p, s_p, mu_q, s_q):
    """Closed form KL(N(mu_p, s_p) || N(mu_q, s_q))."""
    return np.log(s_q / s_p) + (s_p ** 2 + (mu_p - mu_q) ** 2) / (2 * s_q ** 2) - 0.5


def test_counts_kl_equals_scipy_entropy_of_histograms():
    rng = np.random.default_rng(0)
    ref, gen = rng.exponential(1.0, 20000), rng.gamma(2.0, 0.6, 20000)
    edges = np.linspace(0, 6, 25)
    h_ref, h_gen = np.histogram(ref, edges)[0], np.histogram(gen, edges)[0]
    assert kl_divergence(gen, ref, edges, weights="counts", eps=0.0) == pytest.approx(
        scipy.stats.entropy(h_ref, h_gen), rel=1e-12)
    assert kl_divergence(gen, ref, edges, weights="counts", eps=0.0, direction="gen||ref") == pytest.approx(
        scipy.stats.entropy(h_gen, h_ref), rel=1e-12)


def test_default_is_the_public_omnijet_convention():
    """30 edges at the reference's 0.1-99.9 % quantiles, density histograms + 1e-8, KL(ref || gen)."""
    rng = np.random.default_rng(1)
    ref, gen = rng.lognormal(0, 0.5, 5000), rng.lognormal(0.1, 0.6, 4000)
    e = np.quantile(ref, np.linspace(0.001, 0.999, 30))
    expected = scipy.stats.entropy(np.histogram(ref, e, density=True)[0] + 1e-8,
                                   np.histogram(gen, e, density=True)[0] + 1e-8)
    assert kl_divergence(gen, ref) == pytest.approx(expected, rel=1e-10)
    np.testing.assert_allclose(quantile_edges(ref), e)


@pytest.mark.parametrize("direction,p,q", [("ref||gen", (0.0, 1.0), (0.5, 1.15)),
                                           ("gen||ref", (0.5, 1.15), (0.0, 1.0))])
def test_kl_of_gaussians_recovers_closed_form(direction, p, q):
    """Bins of 0.05 sigma over [-4, 4.5] sigma plus two overflow bins: the binning (and the merged tails) cost
    < 1e-3 nats, the finite samples' bias ~ n_bins / (2 N) ~ 2e-4."""
    rng = np.random.default_rng(2)
    ref = rng.normal(0.0, 1.0, 400_000)
    gen = rng.normal(0.5, 1.15, 400_000)
    edges = np.linspace(-4, 4.5, 171)
    kl = kl_divergence(gen, ref, edges, direction=direction, weights="counts", outside="overflow", eps=1e-12)
    assert kl == pytest.approx(kl_gauss(*p, *q), abs=2e-3)
    assert abs(kl - kl_gauss(*q, *p)) > 0.03        # the direction matters: the other order is far off


def test_kl_of_a_sample_with_itself_is_zero_and_positive_otherwise():
    x = np.random.default_rng(3).normal(size=3000)
    for kw in ({}, {"weights": "counts"}, {"outside": "clip"}, {"bins": 10, "edges": "uniform"}):
        assert kl_divergence(x, x, **kw) == pytest.approx(0.0, abs=1e-12)
    assert kl_divergence(x + 0.3, x) > 0.01


def test_outside_handling():
    ref = np.random.default_rng(4).uniform(0, 1, 10000)
    gen = np.concatenate([ref[:5000], np.full(5000, 5.0)])       # half the generated mass far outside
    edges = np.linspace(0, 1, 11)
    dropped = kl_divergence(gen, ref, edges, weights="counts", outside="drop")
    clipped = kl_divergence(gen, ref, edges, weights="counts", outside="clip")
    overflow = kl_divergence(gen, ref, edges, weights="counts", outside="overflow")
    assert dropped < 0.01                        # dropped: only the inside shape is compared
    assert clipped > 0.3 and overflow > 0.5      # kept: the misplaced half is penalised


def test_w1_of_shifted_distributions_is_the_shift():
    x = np.random.default_rng(5).gamma(2.0, 1.0, 5000)
    assert wasserstein_1(x + 0.37, x) == pytest.approx(0.37, rel=1e-9)
    assert wasserstein_1(x, x) == 0.0
    assert wasserstein_1(2 * x, x) == pytest.approx(np.mean(x), rel=1e-9)   # scaling: W1 = (2-1) E|x|


def test_distribution_distances_table():
    rng = np.random.default_rng(6)
    ref = {"pt": rng.normal(500, 50, 4000), "mass": rng.gamma(3, 20, 4000)}
    gen = {"mass": ref["mass"] + 5.0, "pt": ref["pt"].copy(), "extra": np.ones(3)}
    df = distribution_distances(gen, ref)
    assert isinstance(df, pd.DataFrame) and list(df.index) == ["pt", "mass"]
    assert df.loc["pt", "kl"] == pytest.approx(0.0, abs=1e-12) and df.loc["pt", "w1"] == 0.0
    assert df.loc["mass", "w1"] == pytest.approx(5.0) and df.loc["mass", "kl"] > 0
    assert df.loc["mass", "kl"] == pytest.approx(kl_divergence(gen["mass"], ref["mass"]))


def test_bad_input_names_the_parameter():
    x = np.arange(10.0)
    with pytest.raises(ValueError, match="generated is empty"):
        kl_divergence([], x)
    with pytest.raises(ValueError, match="reference has 1 non-finite"):
        wasserstein_1(x, np.r_[x, np.nan])
    with pytest.raises(ValueError, match="direction"):
        kl_divergence(x, x, direction="P||Q")
    with pytest.raises(ValueError, match="strictly increasing"):
        kl_divergence(x, x, [0, 2, 1])
    with pytest.raises(ValueError, match="constant"):
        kl_divergence(x, np.ones(10))
    with pytest.raises(ValueError, match="observable 'mass'.*generated is empty"):
        distribution_distances({"mass": []}, {"mass": x})
    with pytest.raises(ValueError, match=r"\['pt'\] of reference missing"):
        distribution_distances({"mass": x}, {"mass": x, "pt": x})
