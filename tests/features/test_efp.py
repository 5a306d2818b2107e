"""EFPs: agreement with energyflow on real jets, symmetries, IRC safety, bad input."""
import numpy as np
import pytest

from hepscaling.features import JetInputError
from hepscaling.features.efp import compute_efps, efp_graphs, n_efps

from feature_helpers import add_zero_particle, collinear_split, permute

RTOL = 1e-10


def _rel(a, b):
    return np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300))


def _ef(jets, dmax=6, beta=1.0, normed=True):
    import energyflow as ef

    s = ef.EFPSet(("d<=", dmax), measure="hadr", beta=beta, normed=normed)
    return np.array([s.compute(j[j[:, 0] > 0]) for j in jets])[:, 1:]


@pytest.fixture(scope="module")
def ours(real_jets):
    return compute_efps(real_jets[0])


def test_graph_list_matches_energyflow_counts_and_degrees():
    import energyflow as ef

    g6 = efp_graphs(6)
    assert n_efps(6) == len(g6) == 313
    s = ef.EFPSet(("d<=", 6), measure="hadr", beta=1, normed=True)
    ds = s.specs[1:, list(s.cols).index("d")]
    assert [g.degree for g in g6] == list(ds)
    assert all(len(g.edges) == g.degree for g in g6)
    assert [g.edges for g in g6] == [tuple(map(tuple, e)) for e in s.graphs()[1:]]


def test_matches_energyflow_on_real_jets(real_jets, ours):
    jets, labels = real_jets
    pick = np.r_[np.flatnonzero(labels == 1)[:3], np.flatnonzero(labels == 0)[:3]]
    ref = _ef(jets[pick])
    assert ours.shape == (len(jets), 313)
    assert _rel(ours[pick], ref) < RTOL
    # physics sanity: the degree-1 EFP is sum_ij z_i z_j theta_ij ~ twice the jet "angularity", larger for tops
    assert ours[labels == 1, 0].mean() > ours[labels == 0, 0].mean()


def test_dmax7_beta2_unnormalised_match_energyflow(real_jets):
    jets = real_jets[0][[1, 2]]
    assert _rel(compute_efps(jets[:1], dmax=7), _ef(jets[:1], dmax=7)) < RTOL  # conditioned graphs (tree-width 3)
    assert _rel(compute_efps(jets, dmax=4, beta=2.0, normed=False), _ef(jets, 4, beta=2.0, normed=False)) < RTOL


def test_batch_composition_does_not_matter(real_jets, ours):
    jets = real_jets[0]
    rev = compute_efps(jets[::-1][:10], batch_elements=1 << 14)  # other batches, other padding
    assert _rel(rev, ours[::-1][:10]) < 1e-12
    assert _rel(compute_efps(jets[5]), ours[5:6]) < 1e-12


def test_permutation_invariance(real_jets, ours):
    rng = np.random.default_rng(0)
    jets = real_jets[0][:4]
    perm = np.stack([permute(j, rng) for j in jets])
    assert _rel(compute_efps(perm), ours[:4]) < 1e-12


def test_irc_safety(real_jets, ours):
    jets = real_jets[0][:3]
    soft = np.stack([add_zero_particle(j) for j in jets])
    split = np.stack([collinear_split(j, i=2, frac=0.37) for j in jets])
    assert _rel(compute_efps(soft), ours[:3]) < 1e-12
    assert _rel(compute_efps(split), ours[:3]) < 1e-12
    # a hard extra particle does change them (the test can fail)
    hard = soft[:1].copy()
    hard[0, -1, 0] = jets[0][0, 0]
    assert _rel(compute_efps(hard), ours[:1]) > 1e-3


@pytest.mark.parametrize("bad, what", [
    ("nan", "NaN"), ("neg", "negative pT"), ("empty", "no particle"),
])
def test_bad_input_names_the_jet(real_jets, bad, what):
    jets = real_jets[0][:5].copy()
    if bad == "nan":
        jets[3, 4, 1] = np.nan
    elif bad == "neg":
        jets[3, 0, 0] = -1.0
    else:
        jets[3] = 0.0
    with pytest.raises(JetInputError, match=f"jet index 3.*{what}|{what}.*jet index 3"):
        compute_efps(jets)


def test_bad_shape():
    with pytest.raises(ValueError, match=r"\(N, M, 3\)"):
        compute_efps(np.ones((4, 10, 4)))
    with pytest.raises(ValueError, match="dmax"):
        compute_efps(np.ones((1, 2, 3)), dmax=0)


def test_cached_wrapper(real_jets, tmp_cache):
    from hepscaling.cache import stats
    from hepscaling.features.efp import efps_for

    jets = real_jets[0][:3]
    a = efps_for(jets, dmax=3)
    h = stats()["hits"]
    b = efps_for(jets, dmax=3)
    assert stats()["hits"] == h + 1 and np.array_equal(a, b)
    assert _rel(a, compute_efps(jets, dmax=3)) == 0
