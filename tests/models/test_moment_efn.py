"""Moment pooling (arXiv 2403.08854): closed forms, symmetries, IRC safety, and what k = 2 buys over k = 1."""
import itertools
from math import comb

import numpy as np
import pytest
import torch

from hepscaling.models.moment_efn import (MomentEFN, effective_latent_dimension, moment_pool, monomials, n_pooled)
from hepscaling.models.train import train

torch.set_num_threads(1)


def _jets(B=5, M=7, seed=0):
    g = torch.Generator().manual_seed(seed)
    z = torch.rand(B, M, generator=g, dtype=torch.float64)
    z = z / z.sum(1, keepdim=True)
    x = 0.4 * torch.randn(B, M, 2, generator=g, dtype=torch.float64)
    return z, x


@pytest.mark.parametrize("L,k", [(1, 1), (1, 4), (3, 1), (3, 3), (4, 2), (2, 4)])
def test_counts_are_binomials(L, k):
    mons = monomials(L, k)
    assert len(mons) == n_pooled(L, k) == comb(L + k, k) - 1
    assert effective_latent_dimension(L, k) == comb(L + k, k)
    assert len(set(mons)) == len(mons)                      # each monomial once
    for d in range(1, k + 1):                               # C(L + d - 1, d) monomials of degree d
        assert sum(len(m) == d for m in mons) == comb(L + d - 1, d)


@pytest.mark.parametrize("L,k", [(1, 4), (3, 3), (4, 2), (2, 4)])
def test_pooled_equals_brute_force(L, k):
    torch.manual_seed(0)
    model = MomentEFN(L, k, phi_sizes=(8,), F_sizes=(4,), generator=torch.Generator().manual_seed(1)).double()
    z, x = _jets()
    got = model.pooled(z, x).detach().numpy()
    phi = model.latent(x).detach().numpy()                  # (B, M, L)
    zz = z.numpy()
    want = []
    for d in range(1, k + 1):                               # every sorted index tuple, one particle at a time
        for a in itertools.combinations_with_replacement(range(L), d):
            col = np.zeros(len(zz))
            for b in range(len(zz)):
                for i in range(zz.shape[1]):
                    col[b] += zz[b, i] * np.prod([phi[b, i, j] for j in a])
            want.append(col)
    np.testing.assert_allclose(got, np.stack(want, 1), rtol=1e-12, atol=1e-14)
    # the functional form agrees with the module's
    np.testing.assert_allclose(moment_pool(z, model.latent(x), k).detach().numpy(), got, rtol=1e-12)


def test_permutation_invariance():
    model = MomentEFN(3, 3, phi_sizes=(16, 16), F_sizes=(16,), generator=torch.Generator().manual_seed(2)).double()
    z, x = _jets(B=4, M=9, seed=3)
    perm = torch.randperm(9, generator=torch.Generator().manual_seed(4))
    a, b = model(z, x), model(z[:, perm], x[:, perm])
    assert not torch.equal(perm, torch.arange(9))
    torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-12)


def test_infrared_safety_zero_pt_particle_changes_nothing():
    model = MomentEFN(2, 4, phi_sizes=(16,), F_sizes=(16,), generator=torch.Generator().manual_seed(5)).double()
    z, x = _jets(B=3, M=6, seed=6)
    z0 = torch.cat([z, torch.zeros(3, 1, dtype=z.dtype)], 1)
    x0 = torch.cat([x, torch.full((3, 1, 2), 0.31, dtype=x.dtype)], 1)   # anywhere: it carries no energy
    torch.testing.assert_close(model.pooled(z0, x0), model.pooled(z, x), rtol=0, atol=1e-15)
    torch.testing.assert_close(model(z0, x0), model(z, x), rtol=0, atol=1e-14)


def test_collinear_safety_split_particle_pools_as_one():
    model = MomentEFN(2, 4, phi_sizes=(16,), F_sizes=(16,), generator=torch.Generator().manual_seed(7)).double()
    z, x = _jets(B=3, M=6, seed=8)
    f = 0.3                                                  # split particle 0 into f and 1 - f at the same place
    zs = torch.cat([z[:, :1] * f, z[:, :1] * (1 - f), z[:, 1:]], 1)
    xs = torch.cat([x[:, :1], x[:, :1], x[:, 1:]], 1)
    torch.testing.assert_close(model.pooled(zs, xs), model.pooled(z, x), rtol=1e-12, atol=1e-14)
    # a nearly collinear split moves the output by little (continuity), a macroscopic one does not
    xn = xs.clone()
    xn[:, 1] += 1e-7
    assert (model(zs, xn) - model(z, x)).abs().max() < 1e-5
    xf = xs.clone()
    xf[:, 1] += 0.5
    assert (model(zs, xf) - model(z, x)).abs().max() > 1e-4


def test_k1_is_an_ordinary_efn():
    model = MomentEFN(4, 1, phi_sizes=(8,), F_sizes=(8,), generator=torch.Generator().manual_seed(9)).double()
    z, x = _jets()
    want = (z[..., None] * model.latent(x)).sum(1)
    torch.testing.assert_close(model.pooled(z, x), want)


def _variance_sets(n, M=8, seed=0):
    """Sets whose target is the z-weighted variance of y: Σ z y² − (Σ z y)², a function of the first two moments of
    Φ = y, with centres and spreads that vary so that no single sum Σ z Φ(y) determines it."""
    g = torch.Generator().manual_seed(seed)
    c = 2 * torch.rand(n, 1, generator=g) - 1
    s = 0.1 + 0.6 * torch.rand(n, 1, generator=g)
    y = c + s * torch.randn(n, M, generator=g)
    z = torch.rand(n, M, generator=g) + 0.1
    z = z / z.sum(1, keepdim=True)
    x = torch.stack([y, torch.zeros_like(y)], -1)
    m1 = (z * y).sum(1)
    var = (z * y * y).sum(1) - m1 ** 2
    return z, x, var / var.std()


def _fit(k, data, val):
    model = MomentEFN(1, k, phi_sizes=(16, 16), F_sizes=(32, 32), generator=torch.Generator().manual_seed(11))
    train(model, "mse", data, val, lr=3e-3, batch_size=64, epochs=20, seed=12, progress=False)
    with torch.no_grad():
        pred = model(*val[:2])
    return float(1 - ((pred - val[2]) ** 2).mean() / val[2].var())


def test_k2_L1_learns_a_quadratic_moment_that_k1_L1_cannot():
    data, val = _variance_sets(3000, seed=1), _variance_sets(500, seed=2)
    r2_k2, r2_k1 = _fit(2, data, val), _fit(1, data, val)
    assert r2_k2 > 0.97, r2_k2           # F(<y>, <y^2>) = <y^2> - <y>^2 is representable
    assert r2_k1 < r2_k2 - 0.1, (r2_k1, r2_k2)   # one pooled sum is not enough


def test_bad_arguments():
    with pytest.raises(ValueError, match="L must be a positive integer"):
        MomentEFN(0, 2)
    with pytest.raises(ValueError, match="k must be a positive integer"):
        monomials(2, 0)
    model = MomentEFN(1, 2, phi_sizes=(4,), F_sizes=(4,))
    with pytest.raises(ValueError, match="expected z"):
        model(torch.zeros(2, 3), torch.zeros(2, 4, 2))
