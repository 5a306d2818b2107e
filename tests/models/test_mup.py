"""MLPI (paper B's MLP-I) in muP and SP: against Microsoft's ``mup`` package, a coordinate check, init, groups, shape.

Mapping to ``mup`` 1.0.0 (read from its source: ``mup/shape.py``, ``layer.py``, ``optim.py``, ``infshape.py``)
-----------------------------------------------------------------------------------------------------------------
``set_base_shapes(model, base, delta=delta)`` marks every dimension that differs between ``base`` and ``delta`` as
"infinite" and attaches ``p.infshape``; ``width_mult() = dim / base_dim`` of the infinite fan-in (or the only
infinite dimension), here ``m = width / base_width`` for every width-dependent tensor.

* ``MuAdam(lr=eta)`` gives matrix-like tensors (two infinite dims: the hidden ``width x width`` weights) ``eta / m``
  and every other tensor (input weight ``(width, d_in)``, readout weight ``(n_out, width)``, all biases) ``eta``.
* ``MuReadout`` computes ``Linear(output_mult * x / m)``; with ``rescale_params=True`` ``set_base_shapes`` multiplies
  its weight (and bias) by ``sqrt(m)``, converting a fan-in (SP) init ``std = 1/sqrt(width)`` to a stored std
  ``sqrt(m / width)``.  The other ``nn.Linear`` biases are multiplied by ``sqrt(fan-in m)`` (zero stays zero).
* A forward multiplier ``c`` on a weight ``W`` trained by Adam with learning rate ``lr`` is the same function as the
  plain weight ``c W`` trained with learning rate ``c lr`` (Adam's step is invariant to the gradient's scale, up to
  eps).  So the *effective* readout weight is ``W / m`` (std ``1 / sqrt(width m)``, var ``base_width / width^2``)
  with effective learning rate ``eta / m`` -- exactly our muP readout; input weight (``1/d_in``, ``eta``), hidden
  weights (``1/width``, ``eta/m``) and biases (0, ``eta``) match directly.
"""
from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from hepscaling.models.flops import measure_flops
from hepscaling.models.mup import MLPI, mlp_i_shape
from hepscaling.models.train import train

BASE = 32


def _gen(seed=0):
    return torch.Generator().manual_seed(seed)


# ----------------------------------------------------------------------------------------------- mup oracle
class _MuMLP(nn.Module):
    """The same network written the ``mup`` way (same parameter names as MLPI)."""

    def __init__(self, n_in, width, depth, n_out):
        super().__init__()
        import mup

        self.input = nn.Linear(n_in, width)
        self.hidden = nn.ModuleList(nn.Linear(width, width) for _ in range(depth - 1))
        self.readout = mup.MuReadout(width, n_out)
        self.act = nn.GELU()

    def forward(self, x):
        h = self.act(self.input(x))
        for layer in self.hidden:
            h = self.act(layer(h))
        return self.readout(h)


def _mup_model(n_in, width, depth, n_out, generator):
    """mup model with an SP (fan-in, eq. 18) init, then set_base_shapes (which rescales the readout)."""
    import mup

    model = _MuMLP(n_in, width, depth, n_out)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0.0, m.in_features ** -0.5, generator=generator)
                nn.init.zeros_(m.bias)
    mup.set_base_shapes(model, _MuMLP(n_in, BASE, depth, n_out), delta=_MuMLP(n_in, 2 * BASE, depth, n_out))
    return model


def _mup_effective(model, opt):
    """name -> (effective weight, effective Adam lr) of a mup model: forward multiplier c folded into both."""
    lr_of = {id(p): g["lr"] for g in opt.param_groups for p in g["params"]}
    out = {}
    for name, p in model.named_parameters():
        c = model.readout.output_mult / model.readout.width_mult() if name == "readout.weight" else 1.0
        out[name] = (p.detach() * c, lr_of[id(p)] * c)
    return out


def _our_lrs(model, eta):
    return {id(p): g["lr"] for g in model.param_groups(eta) for p in g["params"]}


def test_matches_mup_package_init_scale_and_lr():
    mup = pytest.importorskip("mup")
    eta, width, depth = 1e-3, 1024, 3
    ours = MLPI(10, width, depth, n_out=4, base_width=BASE, generator=_gen(1))
    ref = _mup_model(10, width, depth, 4, _gen(2))
    assert ref.readout.width_mult() == ours.width_mult == width / BASE
    eff = _mup_effective(ref, mup.MuAdam(ref.parameters(), lr=eta))
    lrs = _our_lrs(ours, eta)
    assert set(eff) == {n for n, _ in ours.named_parameters()}
    for name, p in ours.named_parameters():
        w_ref, lr_ref = eff[name]
        assert lrs[id(p)] == pytest.approx(lr_ref, rel=1e-12), name
        if name.endswith("bias"):
            assert torch.count_nonzero(p) == 0 and torch.count_nonzero(w_ref) == 0, name
        else:  # independent draws: the stds agree within sampling error (>= 4096 entries: ~1-2 %)
            assert p.std().item() == pytest.approx(w_ref.std().item(), rel=0.08), name
    # the readout is where muP differs from SP: the effective readout std is 1/sqrt(width m), m = 32 here
    assert eff["readout.weight"][0].std().item() == pytest.approx((width * ours.width_mult) ** -0.5, rel=0.08)


def test_same_training_trajectory_as_mup_package():
    """Same effective initial weights -> MuAdam on the mup model and Adam on our groups give the same function."""
    mup = pytest.importorskip("mup")
    eta, width = 3e-3, 256
    g = _gen(3)
    x, y = torch.randn(128, 10, generator=g), torch.randn(128, 1, generator=g)
    ours = MLPI(10, width, 3, generator=g)
    ref = _mup_model(10, width, 3, 1, _gen(4))
    c = ref.readout.output_mult / ref.readout.width_mult()
    with torch.no_grad():
        for (name, p), (name_r, q) in zip(ours.named_parameters(), ref.named_parameters()):
            assert name == name_r
            q.copy_(p / c if name == "readout.weight" else p)
    torch.testing.assert_close(ref(x), ours(x), rtol=1e-5, atol=1e-7)
    init = {k: t.clone() for k, t in ours.state_dict().items()}

    def run(model, opt):
        for _ in range(5):
            opt.zero_grad()
            ((model(x) - y) ** 2).mean().backward()
            opt.step()
        return model(x).detach()

    f0 = ours(x).detach()
    f_ref = run(ref, mup.MuAdam(ref.parameters(), lr=eta))
    f_ours = run(ours, torch.optim.Adam(ours.param_groups(eta)))
    moved = (f_ours - f0).abs().max().item()
    assert moved > 1e-2                                   # the steps did something ...
    assert (f_ours - f_ref).abs().max().item() < 1e-3 * moved  # ... and the same thing
    # the check has teeth: SP learning rates (every lr = eta) from the same weights end elsewhere
    ours.load_state_dict(init)
    f_sp = run(ours, torch.optim.Adam([dict(g, lr=eta) for g in ours.param_groups(eta)]))
    assert (f_sp - f_ref).abs().max().item() > 0.1 * moved

# ----------------------------------------------------------------------------------------------- coordinate check
def _coord_check(parametrization, widths=(64, 128, 256, 512), eta=1e-4, steps=3, seeds=(0, 1, 2)):
    """width -> (RMS change of the last hidden layer's activations, RMS change of the output) after `steps` Adam
    steps on one fixed regression batch, averaged over seeds."""
    out = {}
    for w in widths:
        dh = df = 0.0
        for s in seeds:
            g = _gen(s)
            x, y = torch.randn(256, 10, generator=g), torch.randn(256, 1, generator=g)
            model = MLPI(10, w, 3, base_width=BASE, parametrization=parametrization, generator=g)
            opt = torch.optim.Adam(model.param_groups(eta))
            with torch.no_grad():
                h0, f0 = model.features(x), model(x)
            for _ in range(steps):
                opt.zero_grad()
                ((model(x) - y) ** 2).mean().backward()
                opt.step()
            with torch.no_grad():
                dh += (model.features(x) - h0).pow(2).mean().sqrt().item() / len(seeds)
                df += (model(x) - f0).pow(2).mean().sqrt().item() / len(seeds)
        out[w] = (dh, df)
    return out


def test_coordinate_check_mup_flat_sp_grows():
    mu, sp = _coord_check("mup"), _coord_check("sp")
    for k, what in enumerate(("hidden activations", "output")):
        ratio_mu = mu[512][k] / mu[64][k]
        ratio_sp = sp[512][k] / sp[64][k]
        assert 0.5 < ratio_mu < 2.0, (what, mu)
        assert all(0.5 < mu[w][k] / mu[64][k] < 2.0 for w in mu), (what, mu)
        assert mu[64][k] > 0
        # SP: the update grows with width (x8 in width: ~x5 for the hidden activations, ~x13 for the output)
        assert ratio_sp > (2.5 if k == 0 else 4.0), (what, sp)
        assert sp[64][k] < sp[128][k] < sp[256][k] < sp[512][k], (what, sp)


# ----------------------------------------------------------------------------------------------- init and groups
@pytest.mark.parametrize("parametrization", ["mup", "sp"])
def test_init_distributions(parametrization):
    width, n_in = 1024, 10
    model = MLPI(n_in, width, 3, n_out=8, base_width=BASE, parametrization=parametrization, generator=_gen(0))
    m = width / BASE
    expected = {"input.weight": 1 / n_in, "hidden.0.weight": 1 / width, "hidden.1.weight": 1 / width,
                "readout.weight": 1 / (width * m) if parametrization == "mup" else 1 / width}
    for name, p in model.named_parameters():
        if name.endswith("bias"):
            assert torch.count_nonzero(p) == 0, name
        else:
            assert p.mean().abs().item() < 4 * math.sqrt(expected[name] / p.numel()), name
            assert p.std().item() == pytest.approx(math.sqrt(expected[name]), rel=0.06), name
    assert set(expected) == {n for n, _ in model.named_parameters() if n.endswith("weight")}


def test_base_width_mup_equals_sp():
    a = MLPI(10, BASE, 2, parametrization="mup", generator=_gen(7))
    b = MLPI(10, BASE, 2, parametrization="sp", generator=_gen(7))
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)
    assert [g["lr"] for g in a.param_groups(0.01)] == [g["lr"] for g in b.param_groups(0.01)] == [0.01] * 4


@pytest.mark.parametrize("depth", [1, 3])
def test_param_groups_cover_every_parameter_once(depth):
    eta = 2e-3
    for par, scale in (("mup", 4.0), ("sp", 1.0)):
        model = MLPI(7, 128, depth, n_out=2, base_width=BASE, parametrization=par)
        groups = model.param_groups(eta)
        ids = [id(p) for g in groups for p in g["params"]]
        assert len(ids) == len(set(ids)) and set(ids) == {id(p) for p in model.parameters()}
        want = {"input": eta, "hidden": eta / scale, "readout": eta / scale, "biases": eta}
        assert [g["name"] for g in groups] == [n for n in want if depth > 1 or n != "hidden"]
        for g in groups:
            assert g["lr"] == pytest.approx(want[g["name"]], rel=1e-15)
        names = {id(p): n for n, p in model.named_parameters()}
        assert all(names[id(p)].endswith("bias") for p in groups[-1]["params"])
        assert len(groups[-1]["params"]) == depth + 1


def test_param_groups_work_with_train_loop():
    g = _gen(0)
    x, y = torch.randn(64, 5, generator=g), torch.randn(64, 1, generator=g)
    model = MLPI(5, 64, 2, base_width=16, generator=g)
    res = train(model, "mse", (x, y), (x, y), param_groups=model.param_groups(1e-2), schedule="cosine", steps=4,
                batch_size=16, eval_every=2, seed=0, progress=False, device="cpu")
    assert res.history[0]["lrs"] == [1e-2, 2.5e-3, 2.5e-3, 1e-2]
    assert res.flops_method == "analytic" and res.flops_train == 4 * sum(model.flops(16))


def test_n_params_features_and_forward():
    model = MLPI(10, 8, 2, n_out=1, activation="relu", generator=_gen(0))
    assert model.n_params == (10 * 8 + 8) + (8 * 8 + 8) + (8 + 1) == 169
    assert model.width_mult == 0.25
    x = torch.randn(32, 10, generator=_gen(1))
    h = torch.relu(model.hidden[0](torch.relu(model.input(x))))
    torch.testing.assert_close(model.features(x), h)
    torch.testing.assert_close(model(x), h @ model.readout.weight.T + model.readout.bias)


@pytest.mark.parametrize("depth", [1, 4])
def test_flops_match_flop_counter(depth):
    model = MLPI(10, 48, depth, n_out=2, generator=_gen(0))
    batch = (torch.randn(33, 10), torch.randn(33, 2))
    assert model.flops(33) == measure_flops(model, nn.functional.mse_loss, batch)


def test_reproducible():
    a, b, c = (MLPI(10, 64, 3, generator=_gen(s)) for s in (5, 5, 6))
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert not torch.equal(a.hidden[1].weight, c.hidden[1].weight)


def _count(width, depth, n_in=10, n_out=1):
    """MLPI parameter count by hand: input layer, depth - 1 hidden layers, readout (weights and biases)."""
    return (n_in + 1) * width + (depth - 1) * (width + 1) * width + (width + 1) * n_out


def test_mlp_i_shape_hits_targets():
    for target in torch.logspace(2, 6, 17).tolist():
        width, depth = mlp_i_shape(target, 10)
        n = MLPI(10, width, depth).n_params
        assert n == _count(width, depth)
        assert abs(n / target - 1) < 0.05, (target, width, depth, n)
        assert depth >= 1
        if target >= 1e4:
            assert abs(width / depth / 16 - 1) < 0.25, (target, width, depth)
        # no other width at that depth is closer, and the neighbouring depths are further from the ratio
        for w in (width - 1, width + 1):
            assert w < 1 or abs(_count(w, depth) - target) >= abs(n - target)
        for d in (depth - 1, depth + 1):
            if d >= 1:
                w = min(range(1, 4 * width), key=lambda v: abs(_count(v, d) - target))
                assert abs(math.log(w / d / 16)) >= abs(math.log(width / depth / 16)), (target, d, w)
    assert mlp_i_shape(1e5, 10, ratio=8)[1] > mlp_i_shape(1e5, 10, ratio=32)[1]
    assert mlp_i_shape(1, 10) == (1, 1)


# ----------------------------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("kwargs, word", [
    (dict(width=0), "width"), (dict(depth=0), "depth"), (dict(n_in=-1), "n_in"), (dict(n_out=1.5), "n_out"),
    (dict(base_width=0), "base_width"), (dict(activation="swish2"), "activation"),
    (dict(parametrization="ntk"), "parametrization"), (dict(generator=0), "generator"), (dict(width=True), "width"),
])
def test_bad_model_inputs(kwargs, word):
    args = dict(n_in=10, width=32, depth=2) | kwargs
    with pytest.raises(ValueError, match=word):
        MLPI(**args)


def test_bad_other_inputs():
    model = MLPI(10, 32, 2)
    for lr in (-1.0, float("nan"), "0.1"):
        with pytest.raises(ValueError, match="lr"):
            model.param_groups(lr)
    for kwargs, word in ((dict(n_params=0), "n_params"), (dict(n_params=float("inf")), "n_params"),
                         (dict(n_in=0), "n_in"), (dict(n_out=0), "n_out"), (dict(ratio=0.0), "ratio")):
        with pytest.raises(ValueError, match=word):
            mlp_i_shape(**(dict(n_params=1e4, n_in=10) | kwargs))
