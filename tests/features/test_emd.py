"""EMD: agreement with energyflow, symmetry, IRC safety, exact lower bounds, exact kNN = brute force."""
import numpy as np
import pytest

from hepscaling.features import JetInputError
from hepscaling.features.emd import (emd, emd_lower_bounds, knn_emd, pairwise_emd, prepare_jets)

from feature_helpers import add_zero_particle, collinear_split, permute


def test_prepared_jets_are_centred_and_normalised(real_jets):
    for ev in prepare_jets(real_jets[0][:5]):
        assert abs(ev[:, 0].sum() - 1) < 1e-12
        assert np.abs(ev[:, 0] @ ev[:, 1:]).max() < 1e-12
        assert (ev[:, 0] > 0).all()


def test_matches_energyflow(real_jets):
    import energyflow as ef

    jets = real_jets[0]
    ev = prepare_jets(jets[:6])
    D = pairwise_emd(jets[:3], jets[3:6])
    ref = np.array([[ef.emd.emd(a, b, R=0.8, beta=1.0) for b in ev[3:]] for a in ev[:3]])
    assert np.allclose(D, ref, rtol=1e-12, atol=0)
    assert abs(emd(jets[0], jets[4]) - ref[0, 1]) < 1e-12
    # beta = 2 as well
    D2 = pairwise_emd(jets[:2], jets[2:4], R=0.4, beta=2.0)
    ref2 = [[ef.emd.emd(a, b, R=0.4, beta=2.0) for b in ev[2:4]] for a in ev[:2]]
    assert np.allclose(D2, ref2, rtol=1e-12, atol=0)


def test_symmetric_matrix_tiles_and_memmap(real_jets, tmp_path):
    jets = real_jets[0][:25]
    full = pairwise_emd(jets, jets)
    sym = pairwise_emd(jets, block=7)
    assert np.allclose(sym, full, rtol=1e-12, atol=1e-15)
    assert np.array_equal(sym, sym.T) and np.all(np.diag(sym) == 0)
    mm = np.lib.format.open_memmap(tmp_path / "D.npy", mode="w+", dtype=np.float64, shape=(25, 10))
    pairwise_emd(jets, jets[:10], out=mm, block=8)
    mm.flush()
    assert np.allclose(np.load(tmp_path / "D.npy"), full[:, :10], rtol=1e-12, atol=1e-15)
    # physics: a metric, and top jets (three prongs) are farther from QCD jets than QCD jets from each other
    i, j, k = np.triu_indices(25, 1)[0][:50], np.triu_indices(25, 1)[1][:50], (np.arange(50) * 7) % 25
    assert np.all(full[i, j] <= full[i, k] + full[k, j] + 1e-12)


def test_irc_and_permutation(real_jets):
    rng = np.random.default_rng(1)
    jets = real_jets[0][:4]
    base = pairwise_emd(jets[:1], jets[1:])
    mod = np.stack([collinear_split(add_zero_particle(permute(jets[0], rng)), i=1, frac=0.4)])
    assert np.allclose(pairwise_emd(mod, jets[1:]), base, rtol=1e-12, atol=1e-14)
    assert emd(jets[0], mod[0]) < 1e-12
    assert emd(jets[0], jets[1]) > 1e-3  # different jets are apart (the test can fail)


def test_lower_bounds_are_below_the_emd(real_jets):
    jets = real_jets[0]
    D = pairwise_emd(jets[:10], jets)
    for i in range(10):
        lb = emd_lower_bounds(jets[i], jets)
        assert np.all(lb <= D[i])
        off = np.arange(len(jets)) != i
        assert np.median(lb[off] / D[i, off]) > 0.5  # and useful


@pytest.mark.slow
def test_knn_equals_brute_force_on_a_few_hundred_jets():
    from hepscaling.data.topqcd import get_jets
    from hepscaling.jets.kinematics import to_ptyphi

    p4, _ = get_jets("test", 320, source="local", seed=0)
    jets = to_ptyphi(p4)
    train, query = jets[:280], jets[280:]
    D = pairwise_emd(query, train)
    for k in (1, 10, 50):
        idx, dist, st = knn_emd(train, query, k, return_stats=True)
        ref = np.lexsort((np.broadcast_to(np.arange(len(train)), D.shape), D), axis=1)[:, :k]
        assert np.array_equal(idx, ref)
        assert np.allclose(dist, np.take_along_axis(D, ref, 1), rtol=1e-12, atol=1e-15)
        assert st["solves"] < st["brute_force_solves"]
    idx1, d1 = knn_emd(train, query[:5], 10, n_jobs=1)
    assert np.array_equal(idx1, knn_emd(train, query[:5], 10, n_jobs=2)[0])


def test_knn_small_matches_brute_force(real_jets):
    jets = real_jets[0]
    train, query = jets[:45], jets[45:]
    D = pairwise_emd(query, train)
    idx, dist = knn_emd(train, query, 7, n_jobs=1)
    ref = np.lexsort((np.broadcast_to(np.arange(45), D.shape), D), axis=1)[:, :7]
    assert np.array_equal(idx, ref)
    assert np.allclose(dist, np.take_along_axis(D, ref, 1), rtol=1e-12, atol=1e-15)


def test_bad_input(real_jets):
    jets = real_jets[0][:6].copy()
    jets[4, 2, 2] = np.inf
    with pytest.raises(JetInputError, match="jets_b: jet index 4"):
        pairwise_emd(real_jets[0][:2], jets)
    bad = real_jets[0][:6].copy()
    bad[2] = 0
    with pytest.raises(JetInputError, match="train_jets: jet index 2 has no particle"):
        knn_emd(bad, real_jets[0][:2], 1)
    with pytest.raises(ValueError, match="k: expected"):
        knn_emd(real_jets[0][:5], real_jets[0][:2], 6)
    with pytest.raises(ValueError, match="out: expected shape"):
        pairwise_emd(real_jets[0][:3], out=np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"\(N, M, 3\)"):
        pairwise_emd(np.zeros((3, 5)))


def test_unnormalised_emd_keeps_the_energy_term_and_its_r_dependence():
    """Eq. 3 in GeV: two symmetric two-prong jets of 200 and 300 GeV whose prongs are 0.1 apart cost
    200 GeV x 0.1 / R of transport plus |200 - 300| GeV; normalised, R only rescales the distance."""
    a = np.array([[100.0, 0.1, 0.0], [100.0, -0.1, 0.0]])
    b = np.array([[150.0, 0.2, 0.0], [150.0, -0.2, 0.0]])
    for R in (0.8, 0.4):
        assert abs(emd(a, b, R=R, normalised=False) - (200 * 0.1 / R + 100)) < 1e-9
        assert abs(emd(a, b, R=R) - 0.1 / R) < 1e-12
    D = pairwise_emd(np.stack([a, b]), np.stack([b]), R=0.4, normalised=False)
    np.testing.assert_allclose(D[:, 0], [150.0, 0.0], atol=1e-9)


def test_unnormalised_emd_on_real_jets(real_jets):
    """Agrees with energyflow (norm=False) on centred jets in GeV; for jets of equal total pT it is that pT times
    the normalised EMD; IRC safe."""
    import energyflow as ef

    jets = real_jets[0][:6]
    ev = prepare_jets(jets, normalised=False)
    assert all(abs(e[:, 0].sum() - j[:, 0].sum()) < 1e-9 * j[:, 0].sum() for e, j in zip(ev, jets))
    D = pairwise_emd(jets[:3], jets[3:], R=0.4, normalised=False)
    ref = np.array([[ef.emd.emd(x, y, R=0.4, beta=1.0, norm=False) for y in ev[3:]] for x in ev[:3]])
    np.testing.assert_allclose(D, ref, rtol=1e-12)
    pt = jets[..., 0].sum(1)
    assert np.abs(pt[:3, None] - pt[None, 3:]).min() > 1e-3  # the energy term is really there ...
    assert np.all(D >= np.abs(pt[:3, None] - pt[None, 3:]) - 1e-9)
    scaled = jets[3:].copy()
    scaled[..., 0] *= (pt[0] / pt[3:])[:, None]  # ... and vanishes at equal pT, leaving pT x the normalised EMD
    np.testing.assert_allclose(pairwise_emd(jets[:1], scaled, normalised=False)[0],
                               pt[0] * pairwise_emd(jets[:1], jets[3:])[0], rtol=1e-9)
    rng = np.random.default_rng(2)
    mod = collinear_split(add_zero_particle(permute(jets[0], rng)), i=1, frac=0.3)
    assert emd(jets[0], mod, normalised=False) < 1e-9 * pt[0]
