import numpy as np
import pytest
import torch

from hepscaling.models.jet_tokenizer import (JetTokenizer, reconstruction_resolution, standardise_constituents,
                                             train_tokenizer, unstandardise_constituents)

torch.set_num_threads(1)
NOISE = 0.02
K = 6


def toy(n, seed, L=12):
    """Jets of 3..L constituents whose standardised features sit on K known cluster centres (+ NOISE)."""
    rng = np.random.default_rng(seed)
    centres = np.random.default_rng(99).uniform(-1.5, 1.5, (K, 3))
    k = rng.integers(0, K, (n, L))
    x = centres[k] + NOISE * rng.normal(size=(n, L, 3))
    m = np.arange(L)[None] < rng.integers(3, L + 1, n)[:, None]
    x[~m] = 0
    return x.astype(np.float32), m, k


@pytest.fixture(scope="module")
def trained():
    x, m, _ = toy(500, 0)
    xv, mv, kv = toy(200, 1)
    tok, hist = train_tokenizer(x, m, n_codes=16, steps=160, batch_size=64, lr=3e-3, seed=0, val=(xv, mv),
                                hidden=32, n_layers=1, n_heads=2, latent_dim=4, eval_every=40, progress=False)
    return tok, hist, (xv, mv, kv)


def test_tokenizer_reconstructs_clustered_constituents_and_uses_codes(trained):
    tok, hist, (xv, mv, kv) = trained
    rms = np.sqrt(((tok.decode(tok.encode(xv, mv), mv).numpy() - xv)[mv] ** 2).mean(0))
    assert (rms < 2.5 * NOISE).all()                 # down to the within-cluster noise (0.02), from ~1 at the start
    first, last = hist["evals"][0], hist["evals"][-1]
    assert last["val_rec_loss"] < 0.05 * first["val_rec_loss"]
    res = reconstruction_resolution(tok, xv, mv)
    assert res["codebook_usage"]["n_used"] >= K      # at least one code per cluster
    assert res["codebook_usage"]["perplexity"] >= K - 1
    # physical units: 3 dEta -> dEta, so the angular resolution is a third of the standardised rms
    assert res["deta"]["rms"] == pytest.approx(rms[1] / 3, rel=1e-3)
    assert res["pt_rel"]["resolution"] < 2.5 * NOISE  # d(log pT) ~ dpT / pT
    # each true cluster is carried by its own codes: codes never mix two clusters
    codes = tok.encode(xv, mv).numpy()
    for c in np.unique(codes[mv]):
        assert len(np.unique(kv[mv][codes[mv] == c])) == 1


def test_encode_decode_round_trip(trained):
    tok, _, (xv, mv, kv) = trained
    codes = tok.encode(xv, mv)
    assert ((codes >= 0) == torch.as_tensor(mv)).all()
    xr = tok.decode(codes, mv)
    assert torch.allclose(tok(xv, mv)["x_rec"][torch.as_tensor(mv)], xr[torch.as_tensor(mv)], atol=1e-5)
    assert (xr[~torch.as_tensor(mv)] == 0).all()
    # re-encoding the reconstruction: mostly the same tokens, and always tokens of the same cluster (a cluster may
    # own several codes that split its noise; a reconstruction near such an internal boundary may change code)
    again = tok.encode(xr, mv)
    mt = torch.as_tensor(mv)
    assert (again == codes)[mt].float().mean() > 0.9
    cluster_of = {int(c): int(k) for c, k in zip(codes[mt], kv[mv])}
    assert all(cluster_of.get(int(a), -1) == int(k) for a, k in zip(again[mt], kv[mv]))


def test_encoder_is_permutation_equivariant_and_ignores_padding_values(trained):
    tok, _, (xv, mv, _) = trained
    perm = np.random.default_rng(5).permutation(xv.shape[1])
    codes = tok.encode(xv, mv)
    codes_p = tok.encode(xv[:, perm], mv[:, perm])
    assert (codes_p == codes[:, perm]).float().mean() > 0.995
    junk = xv.copy()
    junk[~mv] = 7.0
    assert torch.equal(tok.encode(junk, mv), codes)


def test_training_is_seeded():
    x, m, _ = toy(64, 3)
    kw = dict(n_codes=8, steps=6, batch_size=16, seed=4, hidden=16, n_layers=1, n_heads=2, progress=False)
    a, ha = train_tokenizer(x, m, **kw)
    b, hb = train_tokenizer(x, m, **kw)
    c, _ = train_tokenizer(x, m, **{**kw, "seed": 5})
    assert all(torch.equal(p, q) for p, q in zip(a.state_dict().values(), b.state_dict().values()))
    assert ha["evals"][-1]["train_loss"] == hb["evals"][-1]["train_loss"]
    assert not torch.equal(a.vq.codebook, c.vq.codebook)


def test_standardise_follows_omnijet_and_inverts():
    pt = np.array([[10.0, 50.0, 2.0, 30.0, 0.0], [5.0, 0.0, 0.0, 0.0, 0.0]])
    deta = np.array([[0.1, -0.2, 0.3, 0.85, 0.0], [-0.79, 0, 0, 0, 0]])
    dphi = np.array([[0.0, 0.5, -0.7, 0.0, 0.0], [0.2, 0, 0, 0, 0]])
    x, m = standardise_constituents(pt, deta, dphi, max_constituents=4)
    assert x.shape == (2, 4, 3) and x.dtype == np.float32
    assert m.tolist() == [[True, True, True, False], [True, False, False, False]]   # |deta| = 0.85 removed
    np.testing.assert_allclose(x[0, :3, 0], np.log([50.0, 10.0, 2.0]) - 1.8, rtol=1e-6)  # pT-descending
    np.testing.assert_allclose(x[0, :3, 1], 3 * np.array([-0.2, 0.1, 0.3]), rtol=1e-6)
    np.testing.assert_allclose(x[0, :3, 2], 3 * np.array([0.5, 0.0, -0.7]), atol=1e-7)
    assert (x[~m] == 0).all()
    p2, e2, f2 = unstandardise_constituents(x, m)
    np.testing.assert_allclose(p2[0, :3], [50.0, 10.0, 2.0], rtol=1e-5)
    np.testing.assert_allclose(e2[1, 0], -0.79, rtol=1e-6)
    assert p2[0, 3] == 0 and f2[1, 1] == 0
    # the first max_constituents are the hardest ones inside the cut
    x1, m1 = standardise_constituents(pt, deta, dphi, max_constituents=1)
    assert m1.all() and x1[0, 0, 0] == pytest.approx(np.log(50.0) - 1.8)
    # wider padding than the input
    x8, m8 = standardise_constituents(pt, deta, dphi, max_constituents=8)
    assert x8.shape == (2, 8, 3) and m8.sum() == 4


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="same shape|one shape"):
        standardise_constituents(np.ones((2, 3)), np.ones((2, 4)), np.ones((2, 3)))
    with pytest.raises(ValueError, match="non-finite"):
        standardise_constituents(np.array([[1.0, np.nan]]), np.zeros((1, 2)), np.zeros((1, 2)),
                                 mask=np.ones((1, 2), bool))
    tok = JetTokenizer(8, hidden=16, n_layers=1, n_heads=2)
    with pytest.raises(ValueError, match=r"x must be \(N, L, 3\)"):
        tok.encode(np.zeros((2, 5, 2)), np.ones((2, 5), bool))
    with pytest.raises(ValueError, match="codes must lie in 0..7"):
        tok.decode(torch.tensor([[8, -1]]))
    with pytest.raises(ValueError, match="steps or epochs"):
        train_tokenizer(np.zeros((2, 3, 3)), np.ones((2, 3), bool), steps=1, epochs=1)
