import numpy as np
import pytest

from hepscaling.models.logistic import logistic_on_features
from hepscaling.models.losses import LN2
from hepscaling.models.mlp import build_mlp, default_batch_size, train_mlp


def xor_data(n, seed):
    """Class = sign(x0 * x1): no linear boundary exists, a ReLU network finds it."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    return X, y


def test_paper_hyperparameters():
    assert default_batch_size(300) == 16 and default_batch_size(301) == 128
    net = build_mlp(313)
    sizes = [m.out_features for m in net if hasattr(m, "out_features")]
    assert sizes == [128, 128, 128, 1]


def test_mlp_learns_nonlinear_boundary_lr_cannot():
    Xtr, ytr = xor_data(2000, 0)
    Xv, yv = xor_data(500, 1)
    Xt, yt = xor_data(1000, 2)
    res, predict = train_mlp(Xtr, ytr, Xv, yv, Xt, yt, seed=0, max_epochs=60, patience=10, n_threads=1)
    lr = logistic_on_features(Xtr, ytr, Xt, yt)
    assert lr.test_loss > LN2 - 0.02           # linear model: no better than a coin
    assert res.test_loss < 0.35                # the network resolves the quadrants
    assert res.val_loss == pytest.approx(min(res.history), abs=2e-3)  # best epoch restored (up to clipping)
    p = predict(np.array([[2.0, 2.0, 0, 0], [2.0, -2.0, 0, 0]]))
    assert p[0] > 0.8 and p[1] < 0.2


def test_mlp_is_deterministic_per_seed_and_stops_early():
    Xtr, ytr = xor_data(300, 3)
    Xv, yv = xor_data(200, 4)
    a, _ = train_mlp(Xtr, ytr, Xv, yv, Xv, yv, seed=7, max_epochs=200, patience=3, n_threads=1)
    b, _ = train_mlp(Xtr, ytr, Xv, yv, Xv, yv, seed=7, max_epochs=200, patience=3, n_threads=1)
    c, _ = train_mlp(Xtr, ytr, Xv, yv, Xv, yv, seed=8, max_epochs=200, patience=3, n_threads=1)
    assert a.history == b.history and a.test_loss == b.test_loss
    assert a.history != c.history
    assert a.stopped_early and a.epochs_run == a.best_epoch + 3


def reference_paper_a_network(n_in, hidden, generator):
    """Paper A's network as first written: nn.Sequential, Kaiming-normal (relu) weights drawn layer by layer from
    the generator, zero biases."""
    import torch
    from torch import nn

    layers, prev = [], n_in
    for h in hidden:
        layers += [nn.Linear(prev, h), nn.ReLU()]
        prev = h
    layers.append(nn.Linear(prev, 1))
    net = nn.Sequential(*layers)
    with torch.no_grad():
        for m in net:
            if isinstance(m, nn.Linear):
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu", generator=generator)
                nn.init.zeros_(m.bias)
    return net


def test_build_mlp_reproduces_the_paper_a_network_exactly():
    import torch

    for seed, hidden in ((0, (128, 128, 128)), (5, (16, 4))):
        ref = reference_paper_a_network(11, hidden, torch.Generator().manual_seed(seed))
        net = build_mlp(11, hidden, generator=torch.Generator().manual_seed(seed))
        assert [type(m) for m in net] == [type(m) for m in ref]
        assert all(torch.equal(a, b) for a, b in zip(net.parameters(), ref.parameters()))
        x = torch.randn(64, 11)
        assert torch.equal(net(x), ref(x))
    # critical initialisation: weight variance 2 / fan_in, zero biases
    net = build_mlp(313, generator=torch.Generator().manual_seed(0))
    assert float(net[2].weight.detach().var()) == pytest.approx(2 / 128, rel=0.03)
    assert all(not m.bias.detach().any() for m in net if isinstance(m, torch.nn.Linear))


def test_mlp_result_counts_the_training_flops():
    """T = 50 with batch 16: batches 16, 16, 16, 2 per epoch; per sample and step 6 N_w - 2 n_in w_1 FLOPs."""
    Xtr, ytr = xor_data(50, 5)
    Xv, yv = xor_data(40, 6)
    res, _ = train_mlp(Xtr, ytr, Xv, yv, seed=1, max_epochs=7, patience=2, n_threads=1)
    n_weights = 4 * 128 + 128 * 128 + 128 * 128 + 128 * 1
    per_sample = 6 * n_weights - 2 * 4 * 128
    assert res.flops == res.epochs_run * 50 * per_sample
    assert res.epochs_run == len(res.history) and 1 <= res.epochs_run <= 7
