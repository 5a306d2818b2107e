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
