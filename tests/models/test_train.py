"""The common training loop (hepscaling.models.train), its losses (models.losses) and FLOP counts (models.flops)."""
import math

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from hepscaling.models.flops import linear_flops, measure_flops, weight_count
from hepscaling.models.losses import (LOSSES, binary_cross_entropy, bce_with_logits, get_loss, heteroscedastic_nll,
                                      mse)
from hepscaling.models.networks import MLP
from hepscaling.models.train import cosine_factor, evaluate, pick_device, train

torch.set_num_threads(1)


def linear_data(n, seed, noise=0.01):
    """y = X W^T + b + noise, with a known W (2x3) and b."""
    g = torch.Generator().manual_seed(seed)
    W = torch.tensor([[1.5, -2.0, 0.5], [0.0, 0.7, -1.2]])
    b = torch.tensor([0.3, -0.8])
    X = torch.randn(n, 3, generator=g)
    return X, X @ W.T + b + noise * torch.randn(n, 2, generator=g), W, b


def tiny_run(**kw):
    X, Y, _, _ = linear_data(10, 0)
    Xv, Yv, _, _ = linear_data(7, 1)
    model = MLP(3, (5,), n_out=2, generator=torch.Generator().manual_seed(0))
    args = dict(lr=1e-2, batch_size=4, epochs=3, seed=0, progress=False)
    args.update(kw)
    return model, train(model, "mse", (X, Y), (Xv, Yv), **args)


# ------------------------------------------------------------------------------------------------------------ losses
def test_bce_with_logits_matches_closed_form_and_numpy_metric():
    g = torch.Generator().manual_seed(0)
    z = 3 * torch.randn(200, 1, generator=g, dtype=torch.float64)
    y = (torch.rand(200, generator=g) < 0.4).double()
    p = 1 / (1 + torch.exp(-z[:, 0]))
    closed = -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
    assert float(bce_with_logits(z, y)) == pytest.approx(float(closed), rel=1e-12)
    # the numpy metric of paper A's eq. (7) agrees when clipping is inactive
    assert float(bce_with_logits(z, y)) == pytest.approx(binary_cross_entropy(y.numpy(), p.numpy(), eps=1e-12),
                                                         rel=1e-12)
    # a confident correct logit costs ~exp(-z); a confident wrong one ~z
    assert float(bce_with_logits(torch.tensor([20.0]), torch.tensor([1.0]))) == pytest.approx(math.exp(-20), rel=1e-3)
    assert float(bce_with_logits(torch.tensor([20.0]), torch.tensor([0.0]))) == pytest.approx(20.0, rel=1e-6)


def test_mse_closed_form_and_shape_check():
    out = torch.tensor([[1.0], [2.0], [4.0]])
    assert float(mse(out, torch.tensor([0.0, 0.0, 1.0]))) == pytest.approx((1 + 4 + 9) / 3)
    with pytest.raises(ValueError, match="does not match target shape"):
        mse(torch.zeros(3, 2), torch.zeros(3))     # would broadcast silently in torch


def test_heteroscedastic_nll_equals_torch_gaussian_nll_and_is_minimised_at_the_residual():
    g = torch.Generator().manual_seed(1)
    y = torch.randn(500, generator=g, dtype=torch.float64)
    out = torch.randn(500, 2, generator=g, dtype=torch.float64)
    mu, s = out[:, 0], out[:, 1]
    ours = float(heteroscedastic_nll(out, y))
    assert ours == pytest.approx(float(nn.GaussianNLLLoss(full=False)(mu, y, torch.exp(s))), rel=1e-12)
    # the full likelihood differs by the dropped constant log(2 pi) / 2
    assert float(nn.GaussianNLLLoss(full=True)(mu, y, torch.exp(s))) - ours == pytest.approx(
        0.5 * math.log(2 * math.pi), rel=1e-12)
    # layout for multi-dimensional targets: means first, then log-variances
    y2 = torch.randn(50, 3, generator=g, dtype=torch.float64)
    out2 = torch.randn(50, 6, generator=g, dtype=torch.float64)
    ref = nn.GaussianNLLLoss(full=False)(out2[:, :3], y2, torch.exp(out2[:, 3:]))
    assert float(heteroscedastic_nll(out2, y2)) == pytest.approx(float(ref), rel=1e-12)
    # for a fixed residual r the minimum over s = log sigma^2 is at sigma^2 = r^2, with value (1 + log r^2) / 2
    r = torch.tensor([0.05, 0.3, 2.0, 7.0], dtype=torch.float64)
    s_opt = torch.log(r ** 2).requires_grad_(True)
    per = [heteroscedastic_nll(torch.stack([torch.zeros(1, dtype=torch.float64), s_opt[i:i + 1]], -1), r[i:i + 1])
           for i in range(4)]
    assert float(torch.autograd.grad(sum(per), s_opt)[0].abs().max()) < 1e-12
    for i, v in enumerate(per):
        v = v.detach()
        assert float(v) == pytest.approx(0.5 * (1 + math.log(r[i] ** 2)), rel=1e-12)
        for ds in (-0.1, 0.1):
            moved = torch.tensor([[0.0, float(s_opt[i].detach()) + ds]], dtype=torch.float64)
            assert float(heteroscedastic_nll(moved, r[i:i + 1])) > float(v)
    with pytest.raises(ValueError, match="heteroscedastic_nll"):
        heteroscedastic_nll(torch.zeros(4, 3), torch.zeros(4))


def test_get_loss_registry():
    assert get_loss("mse") is mse and get_loss("bce") is bce_with_logits
    assert get_loss("heteroscedastic_nll") is heteroscedastic_nll and set(LOSSES) >= {"bce_with_logits", "mse"}
    f = lambda out, y: (out - y).abs().mean()   # noqa: E731
    assert get_loss(f) is f
    with pytest.raises(ValueError, match="one of"):
        get_loss("hinge")


# -------------------------------------------------------------------------------------------------------- training
def test_mse_regression_recovers_a_known_linear_map():
    X, Y, W, b = linear_data(512, 0)
    Xv, Yv, _, _ = linear_data(256, 1)
    model = MLP(3, (), n_out=2, init="torch", generator=torch.Generator().manual_seed(0))
    res = train(model, "mse", (X, Y), (Xv, Yv), lr=0.05, batch_size=64, epochs=60, seed=0, progress=False)
    lin = model[0]
    assert torch.allclose(lin.weight, W, atol=5e-3) and torch.allclose(lin.bias, b, atol=5e-3)
    assert res.best_val_loss < 2 * 0.01 ** 2          # down to the noise variance (1e-4)
    assert res.history[0]["val_loss"] > 1.0           # from far away
    assert res.flops_method == "analytic" and res.device == "cpu"


def test_heteroscedastic_training_learns_the_noise_level():
    """y = sin(2x) + sigma(x) eps with sigma(x) = 0.05 + 0.3 x^2: the predicted sigma follows sigma(x)."""
    g = torch.Generator().manual_seed(3)

    def sample(n):
        x = 2 * torch.rand(n, 1, generator=g) - 1
        sigma = 0.05 + 0.3 * x[:, 0] ** 2
        return x, torch.sin(2 * x[:, 0]) + sigma * torch.randn(n, generator=g)

    X, y = sample(6000)
    Xv, yv = sample(2000)
    model = MLP(1, (32, 32), n_out=2, activation="tanh", init="xavier", generator=torch.Generator().manual_seed(1))
    res = train(model, "heteroscedastic_nll", (X, y), (Xv, yv), lr=3e-3, batch_size=200, epochs=30,
                schedule="cosine", seed=0, progress=False)
    grid = torch.linspace(-0.9, 0.9, 7)[:, None]
    with torch.no_grad():
        out = model(grid)
    sigma_true = 0.05 + 0.3 * grid[:, 0] ** 2
    sigma_fit = torch.exp(0.5 * out[:, 1])
    assert torch.allclose(sigma_fit, sigma_true, rtol=0.15), (sigma_fit, sigma_true)
    assert torch.allclose(out[:, 0], torch.sin(2 * grid[:, 0]), atol=0.05)
    # the ratio sigma(0.9) / sigma(0) = 5.9 is learned, not a constant noise level
    assert float(sigma_fit[-1] / sigma_fit[3]) > 3.5
    # validation NLL close to the true model's on the same sample (a constant sigma would be ~0.3 worse)
    truth = torch.stack([torch.sin(2 * Xv[:, 0]), 2 * torch.log(0.05 + 0.3 * Xv[:, 0] ** 2)], -1)
    true_nll = float(heteroscedastic_nll(truth, yv))
    assert true_nll - 0.01 < res.best_val_loss < true_nll + 0.05


def test_cosine_schedule_start_middle_end_for_every_group():
    X, Y, _, _ = linear_data(40, 0)
    model = MLP(3, (4,), n_out=2, generator=torch.Generator().manual_seed(0))
    groups = [{"params": model[0].parameters(), "lr": 0.02}, {"params": model[2].parameters()}]
    res = train(model, "mse", (X, Y), lr=0.1, param_groups=groups, batch_size=4, steps=10, eval_every=1,
                schedule="cosine", seed=0, progress=False)
    lrs = {h["step"]: h["lrs"] for h in res.history}
    assert sorted(lrs) == list(range(11))
    assert lrs[0] == pytest.approx([0.02, 0.1], rel=1e-12)
    assert lrs[5] == pytest.approx([0.01, 0.05], rel=1e-12)         # half way: eta_0 / 2
    assert lrs[10] == pytest.approx([0.0, 0.0], abs=1e-15)          # end: 0
    for t, (a, b) in lrs.items():                                   # eq. (22) at every step, each group's own eta_0
        assert (a, b) == pytest.approx((0.02 * cosine_factor(t, 10), 0.1 * cosine_factor(t, 10)), rel=1e-12)
    # with epochs, T_total is the run's own number of steps: 3 epochs x ceil(10 / 4) = 9 steps
    _, res = tiny_run(schedule="cosine", eval_every=1)
    assert res.steps_run == 9 and res.history[-1]["lr"] == pytest.approx(0.0, abs=1e-15)
    assert res.history[3]["lr"] == pytest.approx(0.01 * 0.5 * (1 + math.cos(math.pi / 3)), rel=1e-12)
    _, res = tiny_run()
    assert {h["lr"] for h in res.history} == {0.01}                 # constant


def test_a_parameter_group_with_zero_learning_rate_does_not_move():
    X, Y, _, _ = linear_data(64, 0)
    model = MLP(3, (8, 8), n_out=2, generator=torch.Generator().manual_seed(0))
    frozen = [p.detach().clone() for p in model[0].parameters()]
    others = [p.detach().clone() for p in model[4].parameters()]
    groups = [{"params": model[0].parameters(), "lr": 0.0},
              {"params": list(model[2].parameters()) + list(model[4].parameters())}]
    train(model, "mse", (X, Y), lr=1e-2, param_groups=groups, batch_size=16, epochs=3, seed=0, progress=False)
    assert all(torch.equal(a, p) for a, p in zip(frozen, model[0].parameters()))
    assert all(not torch.equal(a, p) for a, p in zip(others, model[4].parameters()))
    with pytest.raises(ValueError, match="not the model's"):
        train(model, "mse", (X, Y), lr=1e-2, param_groups=[{"params": [nn.Parameter(torch.zeros(2))]}],
              batch_size=16, epochs=1, seed=0, progress=False)


def overfitting_setup():
    """32 samples with random labels: a wide network memorises them and its loss on fresh random labels rises."""
    g = torch.Generator().manual_seed(0)
    X, Xv = torch.randn(32, 5, generator=g), torch.randn(200, 5, generator=g)
    y, yv = (torch.rand(32, generator=g) < 0.5).float(), (torch.rand(200, generator=g) < 0.5).float()
    return (X, y), (Xv, yv)


def test_early_stopping_restores_the_best_weights():
    tr, va = overfitting_setup()
    model = MLP(5, (64, 64), generator=torch.Generator().manual_seed(0))
    res = train(model, "bce", tr, va, lr=1e-2, batch_size=8, epochs=200, patience=4, val_batch_size=64, seed=0,
                progress=False)
    vals = [h["val_loss"] for h in res.history]
    assert res.stopped_early and res.steps_run < 200 * 4
    assert res.epochs_run == res.best_epoch + 4 and res.steps_run == 4 * res.epochs_run
    assert res.best_val_loss == min(vals) and vals[-1] > res.best_val_loss
    assert res.best_step == 4 * res.best_epoch
    # the model holds the best weights: its validation loss is exactly the best one, not the last
    assert evaluate(model, "bce", va, 64) == res.best_val_loss
    # the training loss kept falling while the validation loss rose (memorisation)
    assert res.history[-1]["train_loss"] < res.history[1]["train_loss"]

    model2 = MLP(5, (64, 64), generator=torch.Generator().manual_seed(0))
    res2 = train(model2, "bce", tr, va, lr=1e-2, batch_size=8, epochs=200, patience=4, val_batch_size=64, seed=0,
                 progress=False, restore_best=False)
    assert [h["val_loss"] for h in res2.history] == vals
    assert evaluate(model2, "bce", va, 64) == vals[-1]

    # min_delta: improvements smaller than it do not count
    model3 = MLP(5, (64, 64), generator=torch.Generator().manual_seed(0))
    res3 = train(model3, "bce", tr, va, lr=1e-2, batch_size=8, epochs=200, patience=4, val_batch_size=64, seed=0,
                 progress=False, min_delta=10.0)
    assert res3.best_step == 0 and res3.epochs_run == 4 and evaluate(model3, "bce", va, 64) == vals[0]


def test_determinism_same_seed_same_run():
    tr, va = overfitting_setup()

    def run(**kw):
        model = MLP(5, (16,), generator=torch.Generator().manual_seed(0))
        res = train(model, "bce", tr, va, lr=1e-2, batch_size=8, epochs=5, progress=False, **kw)
        return res, [p.detach().clone() for p in model.parameters()]

    (a, pa), (b, pb) = run(seed=3), run(seed=3)
    (c, pc), (d, pd_) = run(generator=torch.Generator().manual_seed(3)), run(seed=4)
    assert a.history == b.history == c.history and all(torch.equal(x, y) for x, y in zip(pa, pb))
    assert all(torch.equal(x, y) for x, y in zip(pa, pc))
    assert [h["val_loss"] for h in a.history] != [h["val_loss"] for h in d.history]
    with pytest.raises(ValueError, match="seed"):
        run()
    with pytest.raises(ValueError, match="exactly one of generator"):
        run(seed=1, generator=torch.Generator())


@pytest.mark.parametrize("optimizer", ["adam", "adamw"])
def test_fused_update_is_the_same_algorithm(optimizer):
    """fused=True runs torch's one-kernel Adam/AdamW: the same trajectory to rounding, not a different optimiser."""
    tr, va = overfitting_setup()

    def run(fused):
        model = MLP(5, (16,), generator=torch.Generator().manual_seed(0))
        res = train(model, "bce", tr, va, optimizer=optimizer, lr=1e-2, weight_decay=0.1, batch_size=8, epochs=5,
                    seed=3, progress=False, fused=fused)
        return res, torch.cat([p.detach().flatten() for p in model.parameters()])

    (a, pa), (b, pb) = run(False), run(True)
    moved = torch.cat([p.detach().flatten() for p in MLP(5, (16,), generator=torch.Generator().manual_seed(0))
                       .parameters()])
    assert (pa - moved).abs().max() > 1e-2                          # training moved the weights ...
    torch.testing.assert_close(pb, pa, rtol=1e-4, atol=1e-5)       # ... and both updates moved them alike
    np.testing.assert_allclose([h["val_loss"] for h in b.history], [h["val_loss"] for h in a.history], rtol=1e-4)


def test_steps_runs_and_evaluation_schedule():
    _, res = tiny_run(epochs=None, steps=7, eval_every=3, progress=True, desc="tiny")
    assert [h["step"] for h in res.history] == [0, 3, 6, 7]          # step 0, every 3 steps, the end
    assert [h["epoch"] for h in res.history] == [0, 1, 2, 3]         # epochs begun (3 steps per epoch)
    assert res.epochs_run == 3 and res.samples_seen == 4 + 4 + 2 + 4 + 4 + 2 + 4
    assert [h["samples_seen"] for h in res.history] == [0, 10, 20, 24]
    _, res = tiny_run()
    assert [h["step"] for h in res.history] == [0, 3, 6, 9] and [h["epoch"] for h in res.history] == [0, 1, 2, 3]
    assert not res.stopped_early and res.best_epoch == res.history[
        int(np.argmin([h["val_loss"] for h in res.history]))]["epoch"]
    # without validation data: the final weights, nan losses
    X, Y, _, _ = linear_data(10, 0)
    res = train(MLP(3, (), n_out=2), "mse", (X, Y), lr=1e-2, batch_size=4, epochs=2, seed=0, progress=False)
    assert res.best_step == res.steps_run == 6 and math.isnan(res.best_val_loss) and res.flops_val == 0


def test_validation_in_batches_is_the_sample_weighted_mean():
    X, Y, _, _ = linear_data(103, 0)
    model = MLP(3, (7,), n_out=2, generator=torch.Generator().manual_seed(0))
    whole = evaluate(model, "mse", (X, Y))
    with torch.no_grad():
        assert whole == float(mse(model(X), Y))                  # one batch: exactly that batch's loss
    for bs in (1, 10, 64):
        assert evaluate(model, "mse", (X, Y), bs) == pytest.approx(whole, rel=1e-6)


def test_argument_errors_name_the_argument():
    X, Y, _, _ = linear_data(10, 0)
    m = MLP(3, (), n_out=2)
    base = dict(lr=1e-2, batch_size=4, epochs=1, seed=0, progress=False)
    cases = [
        (dict(batch_size=0), "batch_size must be a positive integer"),
        (dict(epochs=None), "exactly one of epochs or steps"),
        (dict(steps=5), "exactly one of epochs or steps"),
        (dict(epochs=0), "epochs must be a positive integer"),
        (dict(optimizer="sgd"), "optimizer must be one of"),
        (dict(schedule="linear"), "schedule must be one of"),
        (dict(patience=3), "patience .* needs val_data"),
        (dict(lr=None), "lr is required"),
        (dict(eval_every=0), "eval_every"),
    ]
    for kw, msg in cases:
        with pytest.raises(ValueError, match=msg):
            train(m, "mse", (X, Y), **{**base, **kw})
    with pytest.raises(ValueError, match="sample counts \\[10, 9\\]"):
        train(m, "mse", (X, Y[:9]), **base)
    with pytest.raises(ValueError, match="val_data .* first .*dimension"):
        train(m, "mse", (X, Y), (X[:3], Y), **base)
    with pytest.raises(ValueError, match="train_data must be a tuple"):
        train(m, "mse", X, **base)
    with pytest.raises(ValueError, match="n_in must be a positive integer"):
        MLP(0, (3,))


def test_cuda_is_used_only_when_available(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert pick_device() == "cpu"
    _, res = tiny_run()
    assert res.device == "cpu"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert pick_device() == "cuda" and pick_device("cpu") == "cpu"
    _, res = tiny_run(device="cpu")        # an explicit device wins over an available GPU
    assert res.device == "cpu"


# ------------------------------------------------------------------------------------------------------------ FLOPs
@pytest.mark.parametrize("n_in,widths,n_out,B", [(3, (), 1, 5), (7, (16,), 1, 9), (13, (128, 128, 128), 1, 16),
                                                 (5, (32, 8, 64), 4, 3)])
def test_analytic_flops_equal_flop_counter_mode_for_one_training_step(n_in, widths, n_out, B):
    model = MLP(n_in, widths, n_out)
    x, y = torch.randn(B, n_in), torch.randn(B, n_out)
    with FlopCounterMode(display=False) as fwd:
        loss = mse(model(x), y)
    with FlopCounterMode(display=False) as bwd:
        loss.backward()
    assert model.flops(B) == linear_flops(model, B) == (fwd.get_total_flops(), bwd.get_total_flops())
    # measure_flops agrees and leaves the real model alone (no gradients, same weights)
    model.zero_grad(set_to_none=True)
    before = [p.detach().clone() for p in model.parameters()]
    assert measure_flops(model, mse, (x, y)) == model.flops(B)
    assert all(p.grad is None for p in model.parameters())
    assert all(torch.equal(a, p) for a, p in zip(before, model.parameters()))
    # paper B, eq. (7): per sample and step, 6 x weights minus the first layer's input-gradient term
    first = model[0]
    per_sample = sum(model.flops(B)) / B
    assert per_sample == 6 * model.n_weights - 2 * first.in_features * first.out_features
    assert model.n_weights == weight_count(model) == sum(m.weight.numel() for m in model if isinstance(m, nn.Linear))


def test_loop_flops_sum_over_the_steps_taken_with_a_partial_last_batch():
    model, res = tiny_run(val_batch_size=3)           # 10 samples, batch 4 -> batches 4, 4, 2; 3 epochs
    per_sample_step = 2 * (3 * 5 + 5 * 2) + 2 * (3 * 5 + 5 * 2) + 2 * (5 * 2)   # fwd + weight grads + input grads
    assert res.flops_train == 3 * (4 + 4 + 2) * per_sample_step == 3 * sum(sum(model.flops(b)) for b in (4, 4, 2))
    # validation: 7 samples in batches 3, 3, 1, four evaluations (step 0 and three epochs), forward only
    assert res.flops_val == 4 * sum(model.flops(b)[0] for b in (3, 3, 1)) == 4 * 7 * 2 * (3 * 5 + 5 * 2)
    assert res.history[-1]["flops_train"] == res.flops_train and res.flops_method == "analytic"
    # early stop: only the steps taken count
    tr, va = overfitting_setup()
    model = MLP(5, (64, 64), generator=torch.Generator().manual_seed(0))
    res = train(model, "bce", tr, va, lr=1e-2, batch_size=10, epochs=200, patience=4, seed=0, progress=False)
    assert res.stopped_early and res.flops_train == res.epochs_run * sum(sum(model.flops(b)) for b in (10, 10, 10, 2))


def test_measured_flops_for_models_without_an_analytic_count():
    """A plain nn.Sequential has no .flops: the loop measures once per batch size and gets the same numbers."""
    X, Y, _, _ = linear_data(10, 0)
    Xv, Yv, _, _ = linear_data(7, 1)
    ref = MLP(3, (5,), n_out=2, generator=torch.Generator().manual_seed(0))
    plain = nn.Sequential(*[m for m in ref])
    res = train(plain, "mse", (X, Y), (Xv, Yv), lr=1e-2, batch_size=4, epochs=3, val_batch_size=3, seed=0,
                progress=False)
    _, res_analytic = tiny_run(val_batch_size=3)
    assert res.flops_method == "measured"
    assert (res.flops_train, res.flops_val) == (res_analytic.flops_train, res_analytic.flops_val)
    assert [h["val_loss"] for h in res.history] == [h["val_loss"] for h in res_analytic.history]  # no side effects
