"""Paper D's set transformer: permutation and padding invariance, the hand count of its (non-)embedding parameters,
analytic FLOPs equal to torch's flop counter, seeded initialisation, the shape constructor, and learning a toy
10-class problem through the common training loop."""
from __future__ import annotations

import math

import pytest
import torch
from torch.nn import functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

from hepscaling.models.flops import measure_flops as _measure_flops
from hepscaling.models.set_transformer import SetTransformer, non_embedding_params, set_transformer_shape
from hepscaling.models.train import train

torch.set_num_threads(1)


def measure_flops(*args):
    """torch's flop counter, on the matmul-softmax-matmul ("math") path of scaled_dot_product_attention: the fused
    CPU kernel the model otherwise runs computes the same products but is invisible to the counter."""
    with sdpa_kernel(SDPBackend.MATH):
        return _measure_flops(*args)


def _gen(seed=0):
    return torch.Generator().manual_seed(seed)


def random_jets(n=6, m=12, f=5, seed=1):
    """Inputs with 2..m real particles per jet scattered among the slots, garbage values in the padded slots."""
    g = _gen(seed)
    x = torch.randn(n, m, f, generator=g) * 3
    mask = torch.zeros(n, m, dtype=torch.bool)
    for i in range(n):
        k = int(torch.randint(2, m + 1, (1,), generator=g))
        mask[i, torch.randperm(m, generator=g)[:k]] = True
    return x, mask


def live_model(pooling, f=5, m=12, dropout=0.0, seed=0):
    """A model whose head is not zero (the default zero head would make every output trivially equal)."""
    model = SetTransformer(f, 16, 2, 4, 2, 10, n_particles=m, pooling=pooling, dropout=dropout, generator=_gen(seed))
    with torch.no_grad():
        model.head.weight.normal_(0, 1, generator=_gen(seed + 100))
        model.head.bias.normal_(0, 1, generator=_gen(seed + 101))
    return model.eval()


@pytest.mark.parametrize("pooling", ["cls", "mean"])
def test_permutation_invariance(pooling):
    model = live_model(pooling)
    x, mask = random_jets()
    out = model(x, mask)
    assert out.std(0).min() > 1e-3                              # jets give different outputs: the test can fail
    for seed in range(3):
        perm = torch.randperm(x.shape[1], generator=_gen(seed))
        torch.testing.assert_close(model(x[:, perm], mask[:, perm]), out, rtol=1e-5, atol=1e-5)
    # ... and is not invariant under changing a real particle
    x2 = x.clone()
    i = int(mask[0].nonzero()[0])
    x2[0, i] += 1.0
    assert (model(x2, mask)[0] - out[0]).abs().max() > 1e-4


@pytest.mark.parametrize("pooling, trim", [("cls", True), ("mean", True), ("cls", False), ("mean", False)])
def test_padding_invariance(pooling, trim):
    """Appending padded slots (with garbage values) or changing the values in padded slots leaves the output alone,
    with and without trimming the batch's trailing padding (without it, the masks alone must do it)."""
    model = live_model(pooling)
    model.trim_padding = trim
    x, mask = random_jets()
    out = model(x, mask)
    junk = torch.randn(x.shape[0], 7, x.shape[2], generator=_gen(9)) * 100
    xl, ml = torch.cat([x, junk], 1), torch.cat([mask, torch.zeros(x.shape[0], 7, dtype=torch.bool)], 1)
    model.n_particles = x.shape[1] + 7
    torch.testing.assert_close(model(xl, ml), out, rtol=1e-5, atol=1e-5)
    model.n_particles = x.shape[1]
    x3 = torch.where(mask[..., None], x, torch.full_like(x, 1e4))
    torch.testing.assert_close(model(x3, mask), out, rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="n_particles"):
        model(xl, ml)


def test_parameter_count_by_hand():
    """F = 3, d = 8, 1 block, 2 heads, MLP 2d, 10 classes, class token."""
    model = SetTransformer(3, d_model=8, n_blocks=1, n_heads=2, ff_mult=2, n_classes=10, n_particles=4)
    block = (2 * 8) + (8 * 24 + 24) + (8 * 8 + 8) + (2 * 8) + (8 * 16 + 16) + (16 * 8 + 8)   # ln1 qkv proj ln2 ff1 ff2
    assert block == 600
    assert model.n_params == block + 2 * 8 + (8 * 10 + 10) == 706                          # + final LN + head
    assert model.n_embedding_params == (3 * 8 + 8) + (8 * 8 + 8) + 8 == 112               # embedding MLP + cls token
    assert model.n_params_total == 818 == sum(p.numel() for p in model.parameters())
    assert non_embedding_params(8, 1, 2, 10) == 706
    mean = SetTransformer(3, d_model=8, n_blocks=1, n_heads=2, ff_mult=2, n_classes=10, pooling="mean")
    assert mean.n_params == 706 and mean.n_embedding_params == 104
    for d, nb, f in ((16, 3, 4), (48, 2, 1)):
        assert SetTransformer(7, d, nb, 4, f).n_params == non_embedding_params(d, nb, f, 10)


@pytest.mark.parametrize("pooling, dropout, train_mode", [("cls", 0.0, False), ("mean", 0.0, False),
                                                           ("cls", 0.2, True), ("mean", 0.1, True)])
def test_analytic_flops_equal_torch_flop_counter(pooling, dropout, train_mode):
    m, f = 9, 5
    model = SetTransformer(f, 24, 2, 3, 3, 10, n_particles=m, pooling=pooling, dropout=dropout, embed_hidden=20,
                           generator=_gen(), trim_padding=False)      # the count is that of the dense padded batch
    model.train(train_mode)
    for B in (1, 7):
        x, mask = random_jets(B, m, f)
        batch = (x, mask, torch.randint(0, 10, (B,), generator=_gen(B)))
        assert model.flops(B) == measure_flops(model, F.cross_entropy, batch)
    # per jet: 6 FLOPs per block weight per token (Kaplan's C = 6 N D) + attention's 12 n_blocks S^2 d
    # + embedding (the first layer without input gradient: 4 instead of 6) + head
    S, d, e = m + (pooling == "cls"), 24, 20
    block_weights = 2 * (4 + 2 * 3) * d * d
    assert sum(model.flops(1)) == (6 * block_weights * S + 12 * 2 * S * S * d + (4 * f * e + 6 * e * d) * m
                                   + 6 * d * 10)


@pytest.mark.parametrize("pooling", ["cls", "mean"])
def test_trimmed_batches_give_the_dense_outputs_and_gradients(pooling):
    """pT-ordered jets shorter than the cap: trimming the trailing padding changes neither the outputs nor any
    gradient (it must do less work: the FLOP counter sees the shorter sequence)."""
    m, f = 16, 5
    g = _gen(5)
    x = torch.randn(4, m, f, generator=g)
    mask = torch.arange(m)[None, :] < torch.tensor([[3], [9], [5], [1]])       # longest jet: 9 of 16 slots
    y = torch.randint(0, 10, (4,), generator=g)
    grads, outs = [], []
    for trim in (False, True):
        model = live_model(pooling, f=f, m=m)
        model.trim_padding = trim
        out = model(x, mask)
        F.cross_entropy(out, y).backward()
        outs.append(out.detach())
        grads.append([p.grad.clone() for p in model.parameters()])
    torch.testing.assert_close(outs[1], outs[0], rtol=1e-5, atol=1e-6)
    for a, b in zip(grads[1], grads[0]):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6)
    fwd_trim, _ = measure_flops(model, F.cross_entropy, (x, mask, y))
    model.trim_padding = False
    fwd_dense, _ = measure_flops(model, F.cross_entropy, (x, mask, y))
    assert fwd_dense == model.flops(4)[0] and fwd_trim < 0.7 * fwd_dense


@pytest.mark.parametrize("pooling", ["cls", "mean"])
def test_attention_is_the_masked_softmax_formula(pooling):
    """Both attention paths (fused kernel without gradients, explicit with) give softmax(q k^T / sqrt(d_h) + bias) v with bias -inf on padded keys, as the
    module docstring states: the whole network evaluated with the attention written out by hand agrees."""
    model = live_model(pooling)
    x, mask = random_jets(8)

    def by_hand(block, h, key_bias):
        B, S, d = h.shape
        q, k, v = block.qkv(block.ln1(h)).view(B, S, 3, block.n_heads, block.head_dim).permute(2, 0, 3, 1, 4)
        w = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(block.head_dim) + key_bias, dim=-1)
        h = h + block.proj((w @ v).transpose(1, 2).reshape(B, S, d))
        return h + block.ff2(block.act(block.ff1(block.ln2(h))))

    with torch.no_grad():
        fused = model(x, mask)                  # without gradients: torch's fused attention kernel
    explicit = model(x, mask)                   # with gradients: matmul, softmax, matmul
    for block in model.blocks:
        block.forward = lambda h, key_bias, block=block: by_hand(block, h, key_bias)
    reference = model(x, mask)
    torch.testing.assert_close(fused, reference, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(explicit, reference, rtol=1e-5, atol=1e-5)
    assert fused.std(0).min() > 1e-3


def test_seeded_initialisation():
    a = SetTransformer(5, 16, 2, 2, generator=_gen(3))
    b = SetTransformer(5, 16, 2, 2, generator=_gen(3))
    c = SetTransformer(5, 16, 2, 2, generator=_gen(4))
    state = torch.get_rng_state()
    SetTransformer(5, 16, 2, 2, generator=_gen(5))
    assert torch.equal(torch.get_rng_state(), state)              # the global generator is untouched
    for k, v in a.state_dict().items():
        assert torch.equal(v, b.state_dict()[k]), k
    assert not torch.equal(a.blocks[0].qkv.weight, c.blocks[0].qkv.weight)
    w = SetTransformer(5, 256, 2, 2, generator=_gen(0)).blocks[1].ff1.weight
    assert w.std().item() == pytest.approx(1 / math.sqrt(256), rel=0.02)


def test_zero_head_gives_ln10_and_standardisation():
    model = SetTransformer(5, 16, 1, 2, n_particles=12, generator=_gen())
    x, mask = random_jets()
    y = torch.arange(6) % 10
    assert F.cross_entropy(model(x, mask), y).item() == pytest.approx(math.log(10), rel=1e-6)   # float32
    model.init_standardization(x * 4 + 7, mask)
    z = ((x * 4 + 7) - model.input_mean) / model.input_std
    torch.testing.assert_close(z[mask].mean(0), torch.zeros(5), atol=1e-5, rtol=0)
    torch.testing.assert_close(z[mask].std(0), torch.ones(5), atol=1e-5, rtol=0)


@pytest.mark.parametrize("target", [2e4, 3e5, 5e6])
def test_shape_from_a_parameter_count(target):
    shape = set_transformer_shape(target, ratio=32, head_dim=16)
    n = non_embedding_params(shape["d_model"], shape["n_blocks"], shape["ff_mult"], 10)
    step = non_embedding_params(shape["d_model"] + 16, shape["n_blocks"]) - n                 # one head wider
    assert abs(n - target) <= step / 2 + 1
    assert shape["d_model"] == 16 * shape["n_heads"]
    ratio = shape["d_model"] / shape["n_blocks"]
    assert 32 / 2 < ratio < 32 * 2 or shape["n_blocks"] == 1
    model = SetTransformer(7, **shape, n_particles=8)
    assert model.n_params == n
    bigger = set_transformer_shape(target * 8)
    assert bigger["d_model"] > shape["d_model"] and bigger["n_blocks"] >= shape["n_blocks"]


def toy_jets(n, seed, m=16, f=4):
    """10 classes; each particle's features ~ N(mu_class, 1), mu_class fixed random directions of norm 1.2;
    3..12 particles per jet, scattered among m slots."""
    mus = torch.randn(10, f, generator=_gen(1234))
    mus = 1.2 * mus / mus.norm(dim=1, keepdim=True)
    g = _gen(seed)
    y = torch.randint(0, 10, (n,), generator=g)
    x = mus[y][:, None, :] + torch.randn(n, m, f, generator=g)
    mask = torch.zeros(n, m, dtype=torch.bool)
    for i in range(n):
        mask[i, torch.randperm(m, generator=g)[:int(torch.randint(3, 13, (1,), generator=g))]] = True
    return x, mask, y


@pytest.mark.parametrize("pooling", ["cls", "mean"])
def test_learns_a_toy_ten_class_problem(pooling):
    xt, mt, yt = toy_jets(2000, 0)
    xv, mv, yv = toy_jets(600, 1)
    torch.manual_seed(0)                                          # dropout
    model = SetTransformer(4, 32, 1, 2, 2, n_particles=16, pooling=pooling, dropout=0.05, generator=_gen(7))
    model.init_standardization(xt, mt)
    res = train(model, F.cross_entropy, (xt, mt, yt), (xv, mv, yv), optimizer="adamw", lr=3e-3,
                param_groups=model.param_groups(weight_decay=1e-2), batch_size=64, steps=200, schedule="cosine",
                eval_every=50, seed=0, device="cpu", progress=False)
    assert res.history[0]["val_loss"] == pytest.approx(math.log(10), rel=1e-6)       # zero head at step 0
    acc = (model(xv, mv).argmax(1) == yv).float().mean().item()
    assert acc > 0.6, acc                                          # chance is 0.1
    assert res.best_val_loss < 0.5 * math.log(10)
    assert res.flops_method == "analytic"
    assert res.flops_train == res.samples_seen * model.flops_per_jet()   # FLOPs are linear in the batch size
    # the optimiser groups: decay on weight matrices only
    opt_groups = model.param_groups(weight_decay=0.1)
    assert all(p.ndim == 2 for p in opt_groups[0]["params"])
    assert {id(p) for g in opt_groups for p in g["params"]} == {id(p) for p in model.parameters()}


@pytest.mark.parametrize("kwargs, match", [
    (dict(d_model=30, n_heads=4), "divisible"),
    (dict(pooling="max"), "pooling must be one of"),
    (dict(dropout=1.0), r"dropout must be a number in \[0, 1\)"),
    (dict(n_blocks=0), "n_blocks must be an integer >= 1"),
])
def test_bad_input_names_the_problem(kwargs, match):
    with pytest.raises(ValueError, match=match):
        SetTransformer(5, **kwargs)
    model = SetTransformer(5, 16, 1, 2, n_particles=12)
    x, mask = random_jets()
    with pytest.raises(ValueError, match=r"x must be a \(B, M, 5\)"):
        model(x[..., :4], mask)
    with pytest.raises(ValueError, match="mask must be"):
        model(x, mask[:, :5])
    with pytest.raises(ValueError, match="n_params must be a finite positive number"):
        set_transformer_shape(-5)
