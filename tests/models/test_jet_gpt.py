import math

import numpy as np
import pytest
import torch

from hepscaling.models.jet_gpt import (JetGPT, from_sequences, generate, gpt_loss, gpt_train_data, n_params,
                                       next_token_loss, sample_categorical, special_tokens, to_sequences)
from hepscaling.models.train import train

torch.set_num_threads(1)

# A known Markov chain over 3 codes + stop: the first code from P0, then P[c] over (code 0, 1, 2, stop);
# after L_MAX codes the stop is certain.
N_CODES, L_MAX = 3, 6
P0 = np.array([0.6, 0.3, 0.1, 0.0])
P = np.array([[0.1, 0.5, 0.2, 0.2],
              [0.4, 0.1, 0.2, 0.3],
              [0.3, 0.3, 0.1, 0.3]])


def markov_jets(n, seed):
    rng = np.random.default_rng(seed)
    codes = np.full((n, L_MAX), -1)
    for i in range(n):
        p = P0
        for t in range(L_MAX):
            c = rng.choice(4, p=p)
            if c == 3:
                break
            codes[i, t] = c
            p = P[c]
    return codes


def true_nll(codes):
    """Mean -log p of every target (codes and the stop) under the true chain."""
    total, count = 0.0, 0
    for row in codes:
        p = P0
        k = int((row >= 0).sum())
        for t in range(k):
            total -= math.log(p[row[t]])
            p = P[row[t]]
        if k < L_MAX:
            total -= math.log(p[3])
        count += k + 1
    return total / count


def small_gpt(seed=0, **kw):
    torch.manual_seed(seed)
    cfg = dict(d_model=32, n_layers=2, n_heads=2, max_len=L_MAX + 2)
    cfg.update(kw)
    return JetGPT(N_CODES, **cfg)


def test_sequences_round_trip_and_vocabulary():
    sp = special_tokens(5)
    assert (sp["start"], sp["stop"], sp["pad"], sp["vocab"]) == (5, 6, 7, 8)
    codes = torch.tensor([[3, 0, 4], [2, -1, -1], [-1, -1, -1]])
    tok = to_sequences(codes, 5)
    assert tok.tolist() == [[5, 3, 0, 4, 6], [5, 2, 6, 7, 7], [5, 6, 7, 7, 7]]
    back, mask = from_sequences(tok, 5)
    assert torch.equal(back, codes) and torch.equal(mask, codes >= 0)
    # truncation at the first stop, whatever follows it
    back2, _ = from_sequences(torch.tensor([[5, 1, 6, 2, 3]]), 5)
    assert back2.tolist() == [[1, -1, -1]]
    with pytest.raises(ValueError, match="padding"):
        to_sequences(torch.tensor([[-1, 2]]), 5)
    with pytest.raises(ValueError, match="0..4"):
        to_sequences(torch.tensor([[5]]), 5)
    with pytest.raises(ValueError, match="start token"):
        from_sequences(torch.tensor([[1, 6]]), 5)


def test_causal_mask_later_tokens_never_change_earlier_logits():
    model = small_gpt().eval()
    g = torch.Generator().manual_seed(1)
    tok = torch.randint(0, N_CODES + 2, (4, L_MAX + 2), generator=g)
    base = model(tok)
    for j in range(1, tok.shape[1]):
        alt = tok.clone()
        alt[:, j] = (alt[:, j] + 1) % (N_CODES + 2)
        out = model(alt)
        assert torch.allclose(out[:, :j], base[:, :j], atol=1e-6)
        assert not torch.allclose(out[:, j:], base[:, j:], atol=1e-4)


def test_kv_cache_gives_the_full_forward_logits():
    model = small_gpt().eval()
    tok = torch.randint(0, N_CODES + 2, (3, L_MAX + 2), generator=torch.Generator().manual_seed(2))
    full = model(tok)
    logits, past = model(tok[:, :3], use_cache=True)       # a prefix of 3, then one token at a time
    steps = [logits]
    for t in range(3, tok.shape[1]):
        logits, past = model(tok[:, t:t + 1], past_key_values=past, use_cache=True)
        steps.append(logits)
    assert torch.allclose(torch.cat(steps, dim=1), full, atol=1e-5)
    assert len(past) == 2 and past[0][0].shape == (3, 2, L_MAX + 2, 16)
    # a multi-token chunk after a cache (the explicit offset mask)
    l1, p1 = model(tok[:, :2], use_cache=True)
    l2, _ = model(tok[:, 2:5], past_key_values=p1, use_cache=True)
    assert torch.allclose(l2, full[:, 2:5], atol=1e-5)


def test_cached_and_uncached_generation_draw_identical_tokens():
    model = small_gpt(seed=3, max_len=22)
    a = generate(model, 300, seed=11, use_kv_cache=True, batch_size=128)
    b = generate(model, 300, seed=11, use_kv_cache=False, batch_size=128)
    assert torch.equal(a, b)
    assert a.shape == (300, 20) and (a >= 0).sum() > 300           # an untrained model: long, varied jets
    c = generate(model, 300, generator=torch.Generator().manual_seed(12), batch_size=128)
    assert not torch.equal(a, c)


def test_loss_ignores_padding_and_anything_after_the_stop():
    model = small_gpt(seed=4).eval()
    codes = torch.as_tensor(markov_jets(16, 5))
    tok = to_sequences(codes, N_CODES)
    loss = next_token_loss(model, tok)
    junk = tok.clone()
    after = torch.cumsum((tok == N_CODES + 1).long(), 1) - (tok == N_CODES + 1).long() > 0   # past the stop
    junk[after] = torch.randint(0, N_CODES + 3, (int(after.sum()),), generator=torch.Generator().manual_seed(6))
    assert next_token_loss(model, junk).item() == pytest.approx(loss.item(), rel=1e-6)
    # = the token-weighted mean of each unpadded sequence's own loss, over codes and stop only (start/pad masked)
    tot, cnt = 0.0, 0
    for row in tok:
        k = int((row == N_CODES + 1).nonzero()[0]) + 1
        lg = model(row[None, :k - 1])[0]
        allowed = list(range(N_CODES)) + [N_CODES + 1]                # codes and stop
        lp = torch.log_softmax(lg[:, allowed], dim=-1)
        tot -= lp[torch.arange(k - 1), row[1:k].clamp(max=N_CODES)].sum().item()   # stop -> column N_CODES
        cnt += k - 1
    assert loss.item() == pytest.approx(tot / cnt, rel=1e-5)


def test_tiny_gpt_learns_a_markov_chain():
    train_codes, val_codes, test_codes = markov_jets(3000, 7), markov_jets(500, 8), markov_jets(2000, 9)
    model = small_gpt(seed=5, n_layers=1)       # a first-order chain needs one attention layer
    res = train(model, gpt_loss(N_CODES), gpt_train_data(to_sequences(train_codes, N_CODES)),
                gpt_train_data(to_sequences(val_codes, N_CODES)), optimizer="adamw", lr=3e-3, batch_size=128,
                steps=200, eval_every=50, seed=0, device="cpu", progress=False)
    h_true = true_nll(test_codes)
    with torch.no_grad():
        test_loss = next_token_loss(model, to_sequences(test_codes, N_CODES)).item()
    assert test_loss == pytest.approx(h_true, abs=0.03)              # the true conditional entropy, ~1.2 nats
    assert res.history[0]["val_loss"] > h_true + 0.1                 # from ~log(5) at the start
    n = 4000
    gen = generate(model, n, seed=1, batch_size=2000).numpy()
    assert ((gen >= -1) & (gen < N_CODES)).all()
    first = np.array([(gen[:, 0] == c).mean() for c in range(N_CODES)])
    assert np.abs(first - P0[:3]).max() < 4 * np.sqrt(0.25 / n) + 0.02
    # transitions c -> (c', stop) among generated jets. The trained model itself is off by up to 0.04 (c = 1 -> stop:
    # 0.34 against 0.30, the same with torch.multinomial as with generate()'s sampler, mean of 5 generation seeds;
    # within the 0.03 nats asserted above): allow 0.05 beyond the sampling noise (the sampler's exactness is tested
    # on known distributions below and in test_sampling_follows_the_tempered_model_distribution)
    for c in range(N_CODES):
        frm, nxt = gen[:, :-1], gen[:, 1:]
        sel = frm == c
        counts = np.array([np.sum(nxt[sel] == k) for k in range(N_CODES)] + [np.sum(nxt[sel] == -1)])
        assert np.abs(counts / counts.sum() - P[c]).max() < 4 * np.sqrt(0.25 / counts.sum()) + 0.05
    lengths = (gen >= 0).sum(1)
    true_len = (markov_jets(4000, 10) >= 0).sum(1)
    assert abs(lengths.mean() - true_len.mean()) < 0.1


def test_n_params_and_input_checks():
    model = small_gpt()
    d, V, T = 32, N_CODES + 3, L_MAX + 2
    per_block = 2 * 2 * d + (3 * d * d + 3 * d) + (d * d + d) + (4 * d * d + 4 * d) + (4 * d * d + d)
    assert n_params(model) == V * d + T * d + 2 * per_block + 2 * d + d * V
    assert n_params(model, non_embedding=True) == n_params(model) - V * d - T * d
    with pytest.raises(ValueError, match="exceed max_len"):
        model(torch.zeros((1, T + 1), dtype=torch.long))
    with pytest.raises(ValueError, match="exactly one of generator and seed"):
        generate(model, 2)
    with pytest.raises(ValueError, match="max_len must be in"):
        generate(model, 2, seed=0, max_len=T)


@pytest.mark.parametrize("temperature", [0.5, 1.0, 2.0])
def test_sampling_follows_the_tempered_model_distribution(temperature):
    """First tokens drawn by generate() vs softmax(logits / T) of the model at the start token (start and pad
    excluded): frequencies within 4 sigma (binomial), and the start/pad tokens are never drawn."""
    model = small_gpt(seed=6).eval()
    with torch.no_grad():
        model.head.weight.mul_(10.0)                     # a peaked, far from uniform distribution
        logits = model(torch.tensor([[N_CODES]]))[0, -1]
    allowed = list(range(N_CODES)) + [N_CODES + 1]
    p = torch.softmax(logits[allowed].double() / temperature, 0).numpy()
    n = 20000
    first = generate(model, n, max_len=1, seed=3, temperature=temperature, batch_size=n).numpy()[:, 0]
    freq = np.array([(first == c).mean() for c in range(N_CODES)] + [(first == -1).mean()])   # -1: stop drawn
    assert np.all(np.abs(freq - p) < 4 * np.sqrt(p * (1 - p) / n) + 1e-3)
    assert 0.4 < p.max() < 0.97                          # neither degenerate nor uniform


def test_sample_categorical_matches_the_distribution_and_never_draws_zero_probability():
    """Inverse-CDF draws against the categorical law (chi-square, scipy), unnormalised rows, zeros at the start,
    middle and end of a row never drawn, and one uniform per row: the same generator state gives the same draws."""
    from scipy.stats import chisquare
    w = torch.tensor([0.0, 3.0, 0.0, 1.0, 0.5, 2.5, 0.0, 0.0])      # unnormalised, zeros everywhere
    n = 40000
    draws = sample_categorical(w.expand(n, -1).float(), torch.Generator().manual_seed(5)).numpy()
    counts = np.bincount(draws, minlength=len(w))
    assert counts[w.numpy() == 0].sum() == 0
    nz = w.numpy() > 0
    assert chisquare(counts[nz], n * w.numpy()[nz] / w.numpy().sum()).pvalue > 1e-3
    # a one-hot row always gives its index, including the last column
    onehot = torch.eye(5)
    assert sample_categorical(onehot, torch.Generator().manual_seed(0)).tolist() == [0, 1, 2, 3, 4]
    g1, g2 = torch.Generator().manual_seed(9), torch.Generator().manual_seed(9)
    a = sample_categorical(w.expand(100, -1), g1)
    torch.rand(100, generator=g2, dtype=torch.float64)             # one float64 uniform per row consumed
    assert torch.equal(a, sample_categorical(w.expand(100, -1), torch.Generator().manual_seed(9)))
    assert torch.rand(1, generator=g1).item() == torch.rand(1, generator=g2).item()
