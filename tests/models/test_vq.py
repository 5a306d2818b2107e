import copy
import pickle

import pytest
import torch

from hepscaling.models.vq import VectorQuantizer, kmeans, nearest_code

torch.set_num_threads(1)

CENTRES = torch.tensor([[3.0, 0.0], [-3.0, 0.0], [0.0, 3.0], [0.0, -3.0], [2.5, 2.5]])


def blobs(n_per, seed, sigma=0.1):
    g = torch.Generator().manual_seed(seed)
    x = CENTRES.repeat_interleave(n_per, 0)
    return x + sigma * torch.randn(x.shape, generator=g)


def match_error(found, true):
    """Largest distance from a true centre to its nearest found one."""
    return torch.cdist(true, found).min(1).values.max().item()


def test_nearest_code_matches_brute_force():
    g = torch.Generator().manual_seed(0)
    z, cb = torch.randn(1000, 4, generator=g), torch.randn(37, 4, generator=g)
    assert torch.equal(nearest_code(z, cb, chunk=128), torch.cdist(z, cb).argmin(1))


def test_kmeans_recovers_known_centres():
    x = blobs(200, 1)
    c = kmeans(x, 5, generator=torch.Generator().manual_seed(0))
    assert match_error(c, CENTRES) < 0.03        # sigma/sqrt(200) ~ 0.007 per coordinate


def test_first_training_batch_initialises_codebook_by_kmeans_and_is_seeded():
    x = blobs(100, 2)
    vq = VectorQuantizer(5, 2, seed=3).train()
    before = vq.codebook.detach().clone()
    vq(x)
    assert match_error(vq.codebook.detach(), CENTRES) < 0.05
    assert not torch.allclose(before, vq.codebook.detach())
    twin = VectorQuantizer(5, 2, seed=3).train()
    twin(x)
    assert torch.equal(twin.codebook, vq.codebook)
    # eval mode never initialises
    ev = VectorQuantizer(5, 2, seed=3).eval()
    ev(x)
    assert torch.equal(ev.codebook.detach(), before)


def test_straight_through_gradient_and_losses():
    vq = VectorQuantizer(4, 3, beta=0.5, kmeans_init=False, seed=0)
    z = torch.randn(10, 3, generator=torch.Generator().manual_seed(1), requires_grad=True)
    zq, codes, loss = vq(z)
    e = vq.codebook[codes].detach()
    assert torch.allclose(zq, e)                          # forward: the code vectors
    zq.sum().backward(retain_graph=True)
    assert torch.allclose(z.grad, torch.ones_like(z))     # backward: identity (straight through)
    d2 = ((z.detach() - e) ** 2).sum(1).mean()
    assert loss.item() == pytest.approx((1 + 0.5) * d2.item(), rel=1e-5)


def test_mask_excludes_vectors_and_marks_codes():
    vq = VectorQuantizer(4, 2, kmeans_init=False, seed=0)
    z = torch.randn(2, 5, 2, generator=torch.Generator().manual_seed(2))
    mask = torch.tensor([[1, 1, 1, 0, 0], [1, 0, 0, 0, 0]], dtype=torch.bool)
    zq, codes, loss = vq(z, mask)
    assert (codes[~mask] == -1).all() and (codes[mask] >= 0).all()
    assert torch.equal(zq[~mask], z[~mask])
    _, _, loss_valid = vq(z[mask])
    assert loss.item() == pytest.approx(loss_valid.item(), rel=1e-6)
    assert vq.codebook_usage()["n_vectors"] == 8


def test_dead_codes_are_revived_from_recent_encoder_outputs():
    x = blobs(50, 4)[:100]                             # only the first two blobs
    vq = VectorQuantizer(8, 2, kmeans_init=False, dead_after=3, seed=0).train()
    with torch.no_grad():
        vq.codebook.copy_(torch.tensor([[3.0, 0.0], [-3.0, 0.0]] + [[40.0, 40.0]] * 6))   # 6 codes far away
    for _ in range(3):
        vq(x)
    assert vq.n_replaced == 6
    cb = vq.codebook.detach()
    assert torch.cdist(cb[2:], x).min(1).values.max() < 1e-6       # each moved onto an encoder output
    vq.reset_usage()
    vq.eval()
    vq(x)
    assert vq.codebook_usage()["n_used"] > 2                        # and they now take part


def test_codebook_usage_statistics():
    vq = VectorQuantizer(4, 1, kmeans_init=False, seed=0)
    with torch.no_grad():
        vq.codebook.copy_(torch.tensor([[0.0], [1.0], [2.0], [3.0]]))
    vq(torch.tensor([[0.0], [1.0], [0.1], [1.1]]))                  # two codes, equally often
    u = vq.codebook_usage()
    assert u["n_used"] == 2 and u["fraction_used"] == 0.5 and u["perplexity"] == pytest.approx(2.0)


def test_copy_and_pickle():
    vq = VectorQuantizer(4, 2, seed=0).train()
    vq(blobs(10, 5))
    for other in (copy.deepcopy(vq), pickle.loads(pickle.dumps(vq))):
        assert torch.equal(other.codebook, vq.codebook)
