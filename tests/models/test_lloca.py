"""LLoCa-Transformer amplitude surrogate (hepscaling.models.lloca): symmetries, training, reproducibility."""
import math

import pytest
import torch

pytest.importorskip("lloca")

from hepscaling.amplitudes import matrix_element, phase_space  # noqa: E402
from hepscaling.models.lloca import LLoCaTransformer, lloca_size, particle_types_for  # noqa: E402
from hepscaling.models.train import train  # noqa: E402

TTH = "u u~ > t t~ h"
ZGG = "u u~ > z g g"
METRIC = torch.diag(torch.tensor([1.0, -1.0, -1.0, -1.0], dtype=torch.float64))


@pytest.fixture(scope="module")
def tth():
    p, _ = phase_space(TTH, 64, sqrt_s=1000.0, seed=0)
    return p


def rotation(axis, angle):
    a = torch.as_tensor(axis, dtype=torch.float64)
    a = a / a.norm()
    K = torch.tensor([[0.0, -a[2], a[1]], [a[2], 0.0, -a[0]], [-a[1], a[0], 0.0]], dtype=torch.float64)
    L = torch.eye(4, dtype=torch.float64)
    L[1:, 1:] = torch.eye(3, dtype=torch.float64) + math.sin(angle) * K + (1 - math.cos(angle)) * K @ K
    return L


def boost(direction, rapidity):
    n = torch.as_tensor(direction, dtype=torch.float64)
    n = n / n.norm()
    ch, sh = math.cosh(rapidity), math.sinh(rapidity)
    L = torch.eye(4, dtype=torch.float64)
    L[0, 0] = ch
    L[0, 1:] = L[1:, 0] = sh * n
    L[1:, 1:] += (ch - 1) * torch.outer(n, n)
    return L


def random_lorentz(gen, max_rapidity=2.0):
    """Rotation x boost (random direction, rapidity up to max_rapidity: gamma <= 3.8) x rotation, in SO+(1,3)."""
    def vec():
        return torch.randn(3, generator=gen, dtype=torch.float64)

    def unif():
        return float(torch.rand((), generator=gen, dtype=torch.float64))
    L = rotation(vec(), 2 * math.pi * unif()) @ boost(vec(), max_rapidity * unif()) @ rotation(vec(), math.pi * unif())
    assert torch.allclose(L.T @ METRIC @ L, METRIC, atol=1e-12) and L[0, 0] >= 1 and torch.det(L) > 0
    return L


def apply(L, p):
    return p @ L.T


def predict(model, p):
    with torch.no_grad():
        return model(p)[:, 0]


def rel_dev(a, b):
    """Largest deviation relative to the size of the outputs."""
    return float((a - b).abs().max() / b.abs().max())


# ---------------------------------------------------------------------------------------------------------------------
# 1. Lorentz symmetry: invariant under SO+(1,3) (p_ref = sum of incoming momenta is covariant), not under parity
# ---------------------------------------------------------------------------------------------------------------------
def test_invariant_under_proper_orthochronous_lorentz_group(tth):
    model = LLoCaTransformer(5, generator_seed=1).double()
    y = predict(model, tth)
    assert float(y.std()) > 1e-3                       # the outputs depend on the event: the check below is not vacuous
    gen = torch.Generator().manual_seed(7)
    for _ in range(6):
        L = random_lorentz(gen)
        assert rel_dev(predict(model, apply(L, tth)), y) < 1e-9
    # a pure longitudinal boost (what a pp collider's varying parton momenta do) with gamma = 10
    assert rel_dev(predict(model, apply(boost([0, 0, 1], 3.0), tth)), y) < 1e-9
    # the default float32 network (frames still float64) holds the symmetry to float32 precision
    model32 = LLoCaTransformer(5, generator_seed=1)
    y32 = predict(model32, tth)
    assert rel_dev(predict(model32, apply(random_lorentz(gen), tth)), y32) < 1e-4


def test_not_invariant_outside_the_group(tth):
    """Parity (an improper Lorentz transformation) is not a symmetry: the frames' third axis is a cross product.
    A non-Lorentz linear map changes the output too (the invariance test above can fail)."""
    model = LLoCaTransformer(5, generator_seed=1).double()
    y = predict(model, tth)
    spread = float(y.std())
    parity = torch.diag(torch.tensor([1.0, -1.0, -1.0, -1.0], dtype=torch.float64))
    y_p = predict(model, apply(parity, tth))
    assert float((y_p - y).abs().max()) > 0.1 * spread
    # parity composed with any proper transformation gives the same (non-invariant) answer as parity alone
    L = random_lorentz(torch.Generator().manual_seed(3))
    assert rel_dev(predict(model, apply(parity @ L, tth)), y_p) < 1e-9
    stretch = torch.diag(torch.tensor([1.0, 1.1, 1.1, 1.1], dtype=torch.float64))
    assert float((predict(model, apply(stretch, tth)) - y).abs().max()) > 0.1 * spread


def test_fixed_reference_would_break_boosts(tth, monkeypatch):
    """What lloca 2.0 does with p_ref: gamma_i = (L_i p_ref)^0 / |p_ref| rescales the attention's frame changes.
    Our p_ref (sum of incoming momenta) is covariant, hence no symmetry is lost; a fixed lab vector (1, 0, 0, 0)
    instead reduces the symmetry to its little group, the rotations."""
    model = LLoCaTransformer(5, generator_seed=1).double()
    predict(model, tth)                                 # initialise the standardisation
    monkeypatch.setattr(model, "reference",
                        lambda p: torch.tensor([1.0, 0.0, 0.0, 0.0], dtype=p.dtype).expand(len(p), 4))
    y = predict(model, tth)
    assert rel_dev(predict(model, apply(rotation([1.0, -2.0, 0.5], 2.0), tth)), y) < 1e-9
    assert float((predict(model, apply(boost([0.3, 0.2, 1.0], 1.0), tth)) - y).abs().max()) > 1e-4


def test_prediction_independent_of_momentum_unit(tth):
    """The global momentum scale (mean sqrt(s_hat) of the first batch) makes the model unit-free: GeV and TeV inputs
    give the same predictions, and the scale is the invariant mass of the incoming pair (1000 GeV here)."""
    gev = LLoCaTransformer(5, generator_seed=4).double()
    tev = LLoCaTransformer(5, generator_seed=4).double()
    y = predict(gev, tth)
    assert float(gev.momentum_scale) == pytest.approx(1000.0, rel=1e-12)
    assert rel_dev(predict(tev, tth / 1000.0), y) < 1e-9
    boosted = LLoCaTransformer(5, generator_seed=4).double()   # first batch in another frame: same scale
    predict(boosted, apply(boost([1.0, 0.0, 1.0], 1.5), tth))
    assert float(boosted.momentum_scale) == pytest.approx(1000.0, rel=1e-10)


# ---------------------------------------------------------------------------------------------------------------------
# 2. Permutations: invariant under swapping particles of the same type only
# ---------------------------------------------------------------------------------------------------------------------
def test_permutation_of_identical_particles():
    p, _ = phase_space(ZGG, 64, sqrt_s=1000.0, seed=1)
    types = particle_types_for(ZGG)
    assert types == [0, 1, 2, 3, 3]
    model = LLoCaTransformer(5, types, generator_seed=2).double()
    y = predict(model, p)
    spread = float(y.std())
    assert float((predict(model, p[:, [0, 1, 2, 4, 3]]) - y).abs().max()) < 1e-10 * max(1.0, float(y.abs().max()))
    # different types (u and u~; Z and g) are not interchangeable
    assert float((predict(model, p[:, [1, 0, 2, 3, 4]]) - y).abs().max()) > 0.1 * spread
    assert float((predict(model, p[:, [0, 1, 3, 2, 4]]) - y).abs().max()) > 0.1 * spread
    # with one type per position (the default) even the gluons are told apart
    plain = LLoCaTransformer(5, generator_seed=2).double()
    y0 = predict(plain, p)
    assert float((predict(plain, p[:, [0, 1, 2, 4, 3]]) - y0).abs().max()) > 0.1 * float(y0.std())


def test_particle_types_for():
    assert particle_types_for(TTH) == [0, 1, 2, 3, 4]
    assert particle_types_for("g g > g g g") == [0, 0, 1, 1, 1]      # incoming and outgoing gluons differ


# ---------------------------------------------------------------------------------------------------------------------
# 3. Training through the book's loop on the exact ttH amplitude
# ---------------------------------------------------------------------------------------------------------------------
def test_training_learns_log_amplitude():
    """200 Adam steps (batch 128) on the standardised log|M|^2 of ttH at sqrt(s) = 1 TeV: ~10 s on one thread."""
    p, _ = phase_space(TTH, 2500, sqrt_s=1000.0, seed=0)
    logm = torch.log(matrix_element(TTH, p))
    y = ((logm - logm[:2000].mean()) / logm[:2000].std()).float()
    model = LLoCaTransformer(5, generator_seed=0)
    threads = torch.get_num_threads()
    try:
        res = train(model, "mse", (p[:2000], y[:2000]), (p[2000:], y[2000:]), lr=3e-3, batch_size=128, steps=200,
                    eval_every=100, seed=0, progress=False, n_threads=1)
    finally:
        torch.set_num_threads(threads)
    first, last = res.history[0]["val_loss"], res.best_val_loss
    assert last < first / 20
    assert last < 0.1 * float(y[2000:].var())            # 10x better than predicting the mean
    assert res.flops_method == "measured" and res.flops_train > 200 * 128 * 6 * model.n_params


# ---------------------------------------------------------------------------------------------------------------------
# 4. Reproducibility, bad input, sizes
# ---------------------------------------------------------------------------------------------------------------------
def test_same_seed_same_network(tth):
    state = torch.get_rng_state()
    nets = [LLoCaTransformer(5, generator_seed=s) for s in (5, 5, 6)]
    assert torch.equal(torch.get_rng_state(), state)        # building leaves the global generator untouched
    a, b, c = (predict(net, tth) for net in nets)
    assert torch.equal(torch.get_rng_state(), state)        # and so does running it
    assert torch.equal(a, b) and not torch.allclose(a, c)
    # the standardisation set by the first batch is part of the state: a loaded copy predicts the same on any batch
    twin = LLoCaTransformer(5, generator_seed=7)
    twin.load_state_dict(nets[0].state_dict())
    assert torch.equal(predict(twin, tth[:8] * 2.0), predict(nets[0], tth[:8] * 2.0))
    g1, g2 = torch.Generator().manual_seed(9), torch.Generator().manual_seed(9)
    assert torch.equal(predict(LLoCaTransformer(5, generator_seed=g1), tth),
                       predict(LLoCaTransformer(5, generator_seed=g2), tth))


def test_bad_input_raises(tth):
    model = LLoCaTransformer(5, generator_seed=0)
    for bad in (tth[:, :4], tth[..., :3], tth[0], tth.numpy(), tth.long()):
        with pytest.raises(ValueError, match="momenta"):
            model(bad)
    with pytest.raises(ValueError, match="particle_types"):
        LLoCaTransformer(5, [0, 1, 2, 3])
    with pytest.raises(ValueError, match="n_heads"):
        LLoCaTransformer(5, channels=30, n_heads=4)
    with pytest.raises(ValueError, match="n_particles"):
        LLoCaTransformer(1)


def test_lloca_size():
    small = lloca_size(2e4, 5)
    assert small == {"channels": 32, "n_blocks": 2, "n_heads": 2, "frames_channels": 16,
                     "n_params": LLoCaTransformer(5).n_params}
    cfg = lloca_size(1.5e5, 7)
    n = cfg.pop("n_params")
    assert n == LLoCaTransformer(7, **cfg).n_params and 1 / 2 < n / 1.5e5 < 2
