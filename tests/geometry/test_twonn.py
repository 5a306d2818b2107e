"""TwoNN (hepscaling.geometry.twonn): neighbour ratios against a brute-force distance matrix, and the dimension of
manifolds whose dimension is known (flat, curved, embedded in more coordinates)."""
import numpy as np
import pytest
from scipy.spatial.distance import cdist

from hepscaling.geometry import neighbour_ratios, twonn, twonn_mle, twonn_subsets


def test_neighbour_ratios_match_brute_force():
    X = np.random.default_rng(0).normal(size=(300, 4))
    D = cdist(X, X)
    np.fill_diagonal(D, np.inf)
    D.sort(axis=1)
    assert np.allclose(np.sort(neighbour_ratios(X)), np.sort(D[:, 1] / D[:, 0]), rtol=1e-12)


@pytest.mark.parametrize("d", [1, 2, 3, 4])
def test_dimension_of_a_curved_manifold_in_more_coordinates(d):
    rng = np.random.default_rng(d)
    Z = rng.uniform(size=(8000, d))
    X = np.tanh(Z @ rng.normal(size=(d, 12)))          # a smooth, curved d-manifold in 12 coordinates
    # the boundaries of the cube pull the estimate down by a few per cent per dimension
    assert abs(twonn(X) - d) < 0.05 + 0.08 * d
    assert abs(twonn_mle(X) - d) < 0.05 + 0.1 * d


def test_helix_is_one_dimensional_and_plane_two():
    t = np.random.default_rng(3).uniform(0, 20, 5000)
    helix = np.stack((np.cos(t), np.sin(t), 0.1 * t), 1)
    assert abs(twonn(helix) - 1) < 0.1
    plane = np.random.default_rng(4).uniform(size=(5000, 2)) @ np.array([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0]])
    assert abs(twonn(plane) - 2) < 0.15


def test_duplicates_and_bad_input():
    X = np.random.default_rng(5).normal(size=(500, 3))
    assert abs(twonn(np.vstack((X, X[:50]))) - twonn(X)) < 0.3     # duplicated points are left out, not infinite
    with pytest.raises(ValueError, match="at least 10"):
        twonn(np.zeros((5, 2)))
    with pytest.raises(ValueError, match="non-finite"):
        twonn(np.full((20, 2), np.nan))
    with pytest.raises(ValueError, match="discard"):
        twonn(X, discard_fraction=1.5)


def test_agrees_with_scikit_dimension():
    skdim = pytest.importorskip("skdim")
    rng = np.random.default_rng(6)
    X = np.tanh(rng.uniform(size=(4000, 3)) @ rng.normal(size=(3, 7)))
    for frac in (0.1, 0.3, 0.5):
        ref = skdim.id.TwoNN(discard_fraction=frac).fit(X).dimension_
        assert twonn(X, discard_fraction=frac) == pytest.approx(ref, rel=1e-10)


def test_subsets_spread_shrinks_with_the_subset_size():
    X = np.random.default_rng(7).normal(size=(20000, 4))
    mean_small, sd_small = twonn_subsets(X[:2000], n_subsets=5, seed=1)
    mean_big, sd_big = twonn_subsets(X, n_subsets=5, seed=1)
    assert abs(mean_big - 4) < 0.15 and abs(mean_small - 4) < 0.4
    assert 0 < sd_big < sd_small          # 1/sqrt(n) statistics: ten times the points, about a third of the spread
    with pytest.raises(ValueError, match="n_subsets"):
        twonn_subsets(X, n_subsets=1)
