import math

import numpy as np
import pytest

from hepscaling.models.knn import (knn_from_neighbours, knn_on_distances, knn_on_features, knn_on_neighbour_lists,
                                   usable_k_grid)
from hepscaling.models.logistic import logistic_on_features
from hepscaling.models.losses import LN2, binary_cross_entropy


def blobs(n, d=5, sep=1.0, seed=0):
    """Two Gaussian classes in d dimensions whose means differ by `sep` along the first axis."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    X = rng.normal(size=(n, d))
    X[:, 0] += sep * y
    return X, y


def bayes_loss(sep, n=200000, seed=1, X=None, y=None):
    """Exact-posterior cross-entropy for the blobs (Monte Carlo over the data, or on given X, y)."""
    if X is None:
        X, y = blobs(n, 1, sep, seed)
    logit = sep * X[:, 0] - sep ** 2 / 2
    p = 1 / (1 + np.exp(-logit))
    return binary_cross_entropy(y, p, eps=1e-12)


def test_bce_known_values():
    assert binary_cross_entropy([0, 1], [0.5, 0.5]) == pytest.approx(LN2)
    assert binary_cross_entropy([1], [0.9]) == pytest.approx(-math.log(0.9))
    # clipping: a confident wrong answer costs -ln(eps), not infinity
    assert binary_cross_entropy([1], [0.0], eps=1e-3) == pytest.approx(-math.log(1e-3))


def test_bce_rejects_bad_input():
    with pytest.raises(ValueError, match="labels"):
        binary_cross_entropy([0, 2], [0.5, 0.5])
    with pytest.raises(ValueError, match="probabilities"):
        binary_cross_entropy([0, 1], [0.5, 1.5])
    with pytest.raises(ValueError, match="shape"):
        binary_cross_entropy([0, 1], [0.5])


def test_knn_fraction_of_top_neighbours():
    nl = np.array([[1, 0, 1, 1], [0, 0, 0, 1]])
    p = knn_from_neighbours(nl, [1, 2, 4])
    np.testing.assert_allclose(p, [[1, 0], [0.5, 0], [0.75, 0.25]])
    assert usable_k_grid([1, 5, 50], 10) == [1, 5]
    assert usable_k_grid([50], 10) == [10]


def test_knn_distances_match_features_and_lists():
    Xtr, ytr = blobs(300, seed=1)
    Xv, yv = blobs(100, seed=2)
    Xt, yt = blobs(150, seed=3)
    a = knn_on_features(Xtr, ytr, Xv, yv, Xt, yt, k_grid=[1, 5, 25])
    Dv = np.linalg.norm(Xv[:, None] - Xtr[None], axis=-1)
    Dt = np.linalg.norm(Xt[:, None] - Xtr[None], axis=-1)
    b = knn_on_distances(Dv, yv, Dt, yt, ytr, k_grid=[1, 5, 25])
    c = knn_on_neighbour_lists(np.argsort(Dv, 1)[:, :25], yv, np.argsort(Dt, 1)[:, :25], yt, ytr, k_grid=[1, 5, 25])
    assert a.k == b.k == c.k
    np.testing.assert_allclose(a.test_losses, b.test_losses)
    np.testing.assert_allclose(b.test_losses, c.test_losses)
    # the chosen k is the validation minimum
    assert a.val_loss == min(a.val_losses)


def test_knn_learns_and_improves_with_data():
    """On overlapping classes kNN beats ln 2, improves with T, prefers k > 1, and stays above the Bayes loss."""
    Xv, yv = blobs(1000, d=2, sep=2.0, seed=20)
    Xt, yt = blobs(2000, d=2, sep=2.0, seed=21)
    losses = []
    for T in (50, 3000):
        Xtr, ytr = blobs(T, d=2, sep=2.0, seed=T)
        r = knn_on_features(Xtr, ytr, Xv, yv, Xt, yt)
        losses.append(r.test_loss)
    assert losses[1] < losses[0] < LN2
    assert r.k > 3
    assert losses[1] > bayes_loss(2.0, X=Xt, y=yt)


def test_knn_shape_errors():
    with pytest.raises(ValueError, match="D_val"):
        knn_on_distances(np.zeros((3, 4)), [0, 1, 0], np.zeros((2, 5)), [0, 1], [0, 1, 0, 1, 1])


def test_logistic_approaches_bayes_on_linear_problem():
    """Two Gaussians with equal covariance: the Bayes classifier is linear, so LR should get close to it."""
    Xtr, ytr = blobs(5000, d=3, sep=1.5, seed=4)
    Xt, yt = blobs(5000, d=3, sep=1.5, seed=5)
    r = logistic_on_features(Xtr, ytr, Xt, yt)
    assert r.test_loss == pytest.approx(bayes_loss(1.5), abs=0.02)
    r1 = logistic_on_features(Xtr, ytr, Xt, yt, n_features=1)   # the informative feature alone is enough
    assert r1.test_loss == pytest.approx(bayes_loss(1.5), abs=0.02)
    r2 = logistic_on_features(Xtr[:, 1:], ytr, Xt[:, 1:], yt)   # without it: no information
    assert r2.test_loss == pytest.approx(LN2, abs=0.01)
    with pytest.raises(ValueError, match="both classes"):
        logistic_on_features(Xtr[ytr == 1], ytr[ytr == 1], Xt, yt)


def test_eq7_is_sklearns_log_loss_including_confident_misses():
    from sklearn.metrics import log_loss

    from hepscaling.models.losses import DEFAULT_EPS, LEGACY_EPS
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 400)
    p = rng.uniform(0, 1, 400)
    p[:40] = np.round(p[:40])                  # kNN-like exact 0/1 fractions, half of them confident misses
    assert binary_cross_entropy(y, p) == pytest.approx(log_loss(y, p), rel=1e-12)
    assert DEFAULT_EPS == np.finfo(np.float64).eps
    # one confident miss costs ln(1/eps) = 36.04 with sklearn's clipping, 6.91 with the book's old one
    assert binary_cross_entropy([1], [0.0]) == pytest.approx(36.04365338911715)
    assert binary_cross_entropy([1], [0.0], eps=LEGACY_EPS) == pytest.approx(6.907755278982137)


def test_knn_alternative_clipping_chooses_its_own_k():
    from hepscaling.models.losses import LEGACY_EPS
    rng = np.random.default_rng(5)
    X = rng.normal(size=(300, 3))
    y = (X[:, 0] + 0.7 * rng.normal(size=300) > 0).astype(int)
    Xv, yv = X[:100], y[:100]
    r = knn_on_features(X[100:], y[100:], Xv, yv, Xv, yv, k_grid=(1, 2, 5, 20), alt_eps=(LEGACY_EPS,))
    alone = knn_on_features(X[100:], y[100:], Xv, yv, Xv, yv, k_grid=(1, 2, 5, 20), eps=LEGACY_EPS)
    assert r.alt[LEGACY_EPS] == {"k": alone.k, "val_loss": alone.val_loss, "test_loss": alone.test_loss}
    plain = knn_on_features(X[100:], y[100:], Xv, yv, Xv, yv, k_grid=(1, 2, 5, 20))
    assert (r.k, r.test_loss) == (plain.k, plain.test_loss)              # the main result is unchanged by alt_eps
    assert r.val_losses[0] > r.alt[LEGACY_EPS]["val_loss"]               # k = 1: every miss is confident


def test_logistic_regression_with_and_without_standardisation():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(600, 4)) * np.array([1.0, 1e-3, 1e-6, 10.0])     # EFP-like spread of scales
    y = (X[:, 1] * 1e3 + 0.5 * rng.normal(size=600) > 0).astype(int)       # the informative feature is tiny
    a = logistic_on_features(X[:400], y[:400], X[400:], y[400:], scale=True)
    b = logistic_on_features(X[:400], y[:400], X[400:], y[400:], scale=False)
    assert a.test_loss < 0.45 < b.test_loss    # C = 1 on the raw scale all but ignores the 1e-3 feature
