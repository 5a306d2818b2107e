"""Correlation dimension (eq. 9) and covariance spectrum (eq. 8) on data of known geometry."""
import numpy as np
import pytest

from hepscaling.geometry import correlation_dimension, covariance_spectrum, pair_counts


def _torus_distances(a, b):
    d = np.abs(a[:, None] - b[None])
    d = np.minimum(d, 1 - d)
    return np.sqrt((d ** 2).sum(-1))


@pytest.mark.parametrize("d", [1, 2, 3])
def test_recovers_dimension_of_flat_torus(d):
    rng = np.random.default_rng(d)
    x = rng.random((1200, d))
    Q, dim = correlation_dimension(_torus_distances(x, x), np.geomspace(0.08, 0.3, 6))
    assert np.all(np.abs(dim - d) < 0.15 * d), dim


def test_embedding_in_more_dimensions_keeps_intrinsic_dimension():
    rng = np.random.default_rng(5)
    t = rng.random((1500, 2)) * 2 * np.pi  # a 2-torus in R^4 (Clifford torus), locally flat
    X = np.c_[np.cos(t[:, 0]), np.sin(t[:, 0]), np.cos(t[:, 1]), np.sin(t[:, 1])]
    D = np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1))
    Q, dim = correlation_dimension(D, np.geomspace(0.1, 0.4, 5))
    assert np.all(np.abs(dim - 2) < 0.25), dim


def test_cross_class_dimension():
    rng = np.random.default_rng(3)
    a, b = rng.random((800, 2)), rng.random((900, 2))
    Q, dim = correlation_dimension(_torus_distances(a, b), np.geomspace(0.08, 0.3, 5), within=False)
    assert np.all(np.abs(dim - 2) < 0.3), dim
    # counts: all 800*900 entries for the cross matrix, i<j pairs within
    D = _torus_distances(a, a)
    assert pair_counts(D, [10.0])[0] == 800 * 799 // 2
    assert pair_counts(_torus_distances(a, b), [10.0], within=False)[0] == 800 * 900


def test_bad_matrices():
    with pytest.raises(ValueError, match="square"):
        correlation_dimension(np.ones((3, 4)))
    D = np.zeros((3, 3))
    D[0, 2] = -1
    with pytest.raises(ValueError, match=r"negative distance at entry \(0, 2\)"):
        correlation_dimension(D)


def test_covariance_spectrum_eq8():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20000, 4)) * np.array([4.0, 3.0, 2.0, 1.0])
    ev = covariance_spectrum(X)
    assert np.allclose(ev, [16, 9, 4, 1], rtol=0.05)
    # eq. 8 is the uncentred second moment: a constant offset c gives one eigenvalue |c|^2
    c = np.array([1.0, 2.0, 2.0])
    ev = covariance_spectrum(np.tile(c, (10, 1)))
    assert np.allclose(ev, [9.0, 0, 0], atol=1e-12)
    assert np.allclose(covariance_spectrum(np.tile(c, (10, 1)), center=True), 0, atol=1e-12)
    with pytest.raises(ValueError, match="row \\(data point\\) 1"):
        covariance_spectrum(np.array([[1.0, 2.0], [np.nan, 1.0]]))


def test_spectrum_power_law_recovers_a_known_spectrum():
    from hepscaling.geometry import covariance_spectrum, spectrum_power_law
    rng = np.random.default_rng(0)
    F = 40
    lam = np.arange(1, F + 1, dtype=float) ** -1.5                  # population eigenvalues i^-1.5
    X = rng.normal(size=(20000, F)) * np.sqrt(lam)
    fit = spectrum_power_law(covariance_spectrum(X), ranks=(2, 20))
    assert fit.params["alpha"] == pytest.approx(1.5, abs=0.05)
    assert 0 < fit.errors["alpha"] < 0.05
    with pytest.raises(ValueError, match="fewer than two positive"):
        spectrum_power_law(np.array([1.0, 0.0, 0.0]), ranks=(1, 3))
