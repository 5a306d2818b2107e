"""LOT: reference maps to the grid, agreement with a POT loop, symmetries, IRC."""
import numpy as np
import pytest

from hepscaling.features import JetInputError
from hepscaling.features.lot import lot_embedding, lot_embedding_pot, reference_grid

from feature_helpers import add_zero_particle, collinear_split, permute


def test_reference_grid():
    g = reference_grid(16, R=0.8)
    assert g.shape == (16, 2)
    assert np.allclose(np.unique(g[:, 0]), [-0.6, -0.2, 0.2, 0.6])
    with pytest.raises(ValueError, match="perfect square"):
        reference_grid(200)


def test_lot_of_reference_is_the_grid():
    ref = reference_grid(49, R=0.8)
    jet = np.c_[np.full(49, 3.0), ref]  # equal pT, already centred
    emb = lot_embedding(jet[None], n_ref=49, n_jobs=1)
    assert emb.shape == (1, 98)
    assert np.allclose(emb.reshape(49, 2), ref, atol=1e-12)


def test_matches_pot_loop(real_jets):
    jets = real_jets[0][::3]
    ours = lot_embedding(jets, n_ref=100)
    pot = lot_embedding_pot(jets, n_ref=100)
    assert ours.shape == (len(jets), 200)
    assert np.allclose(ours, pot, atol=1e-9)
    # the barycentric projections are centred like the jet: their mean is the jet centroid (0, 0)
    assert np.abs(ours.reshape(len(jets), 100, 2).mean(1)).max() < 1e-9


def test_symmetries_and_irc(real_jets):
    rng = np.random.default_rng(2)
    jets = real_jets[0][:3]
    base = lot_embedding(jets, n_ref=64, n_jobs=1)
    mod = np.stack([collinear_split(add_zero_particle(permute(j, rng)), i=0, frac=0.25) for j in jets])
    assert np.allclose(lot_embedding(mod, n_ref=64, n_jobs=1), base, atol=1e-9)
    assert np.abs(base[0] - base[1]).max() > 1e-3  # different jets differ


def test_bad_input(real_jets):
    jets = real_jets[0][:4].copy()
    jets[1, 0, 0] = np.nan
    with pytest.raises(JetInputError, match="jet index 1"):
        lot_embedding(jets)


def test_worker_processes_give_the_same_embedding(real_jets, monkeypatch):
    import torch  # a multi-threaded parent (torch/OpenMP pools started) must not hang the worker pool

    from hepscaling.features import lot

    monkeypatch.setattr(lot, "_MIN_JETS_FOR_PROCESSES", 100)
    torch.ones(100, 100) @ torch.ones(100, 100)
    jets = np.tile(real_jets[0][:20], (13, 1, 1))  # 260 jets: the pooled path
    a = lot_embedding(jets, n_ref=16, n_jobs=2)
    b = lot_embedding(jets, n_ref=16, n_jobs=1)
    assert np.array_equal(a, b)
