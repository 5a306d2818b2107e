"""The generative backbone of paper C (OmniJet-α): a decoder-only transformer over jet token sequences.

**Vocabulary.** Codes ``0 .. n_codes-1`` of the tokenizer (:mod:`hepscaling.models.jet_tokenizer`), then
``start = n_codes``, ``stop = n_codes + 1``, ``pad = n_codes + 2`` (:func:`special_tokens`).  A jet of ``k``
constituents is the sequence ``start, c_1 .. c_k, stop, pad ..`` (:func:`to_sequences`; :func:`from_sequences`
inverts it, truncating at the first stop).

**Model** (:class:`JetGPT`): token + learned positional embeddings, ``n_layers`` pre-LN blocks of causal multi-head
self-attention and a 4x GELU MLP, a final LayerNorm and a linear head to the vocabulary (GPT-2 layout, weights
initialised N(0, 0.02)); the defaults are the public OmniJet-α generative backbone's shape
(``configs/model/backbone_generative.yaml``: embedding 256, 3 GPT blocks, 8 heads; it uses attention dropout 0.1, here
``dropout`` applies to the residual branches and attention alike, default 0). ``forward(tokens, past_key_values=None,
use_cache=False)`` returns the logits and, with ``use_cache``, the per-layer ``(key, value)`` tensors ``(B, heads,
T_past + T, head_dim)`` to feed back: the **KV cache** lets generation run one new token per step instead of the whole
prefix.

**Loss** (:func:`next_token_loss`, or :func:`gpt_loss` for :func:`hepscaling.models.train.train`): cross-entropy of
each next token, averaged over the targets up to and including each sequence's first stop (padding, and anything
after the stop, never counts; the stop token is a target, the start token never is).  The start and pad logits are
masked (-inf) both in the loss and at sampling: the model's distribution is over codes and stop only.

**Generation** (:func:`generate`): from the start token, multinomial sampling of ``softmax(logits / temperature)``
(:func:`sample_categorical`: one uniform number per jet and step, by inverse CDF) with an explicit
``torch.Generator``, one token per step for every jet of a batch, until every jet has emitted a
stop or ``max_len`` codes have been drawn (a jet without a stop is truncated at ``max_len`` codes).  With and
without the KV cache the same seed draws the same random numbers in the same order, so the tokens agree (up to
floating-point reordering of the attention sums, which would have to land a draw within ~1e-7 of a cumulative
probability boundary to change it; ``benchmarks/bench_kv_cache.py`` checks identity).
"""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..progress import progress as progress_bar
from .train import pick_device

__all__ = ["JetGPT", "special_tokens", "to_sequences", "from_sequences", "next_token_loss", "sequence_loss",
           "gpt_loss", "gpt_train_data", "generate", "sample_categorical", "n_params"]


def special_tokens(n_codes: int) -> dict:
    """``{"start": n_codes, "stop": n_codes + 1, "pad": n_codes + 2, "vocab": n_codes + 3}``."""
    return {"start": n_codes, "stop": n_codes + 1, "pad": n_codes + 2, "vocab": n_codes + 3}


def _long(x) -> torch.Tensor:
    return (x if isinstance(x, torch.Tensor) else torch.as_tensor(np.asarray(x))).long()


def to_sequences(codes, n_codes: int) -> torch.Tensor:
    """Codes ``(N, L)`` (-1 at padding, padding after the constituents) -> tokens ``(N, L + 2)``:
    ``start, codes.., stop, pad..`` (torch long)."""
    c = _long(codes)
    if c.ndim != 2:
        raise ValueError(f"to_sequences: codes must be 2-d (jets, constituents), got shape {tuple(c.shape)}")
    valid = c >= 0
    if (c >= n_codes).any() or (c < -1).any():
        raise ValueError(f"to_sequences: codes must lie in 0..{n_codes - 1} (or -1 for padding)")
    if (valid[:, 1:] & ~valid[:, :-1]).any():
        raise ValueError("to_sequences: padding (-1) must come after every jet's codes")
    sp = special_tokens(n_codes)
    N, L = c.shape
    tokens = torch.full((N, L + 2), sp["pad"], dtype=torch.long, device=c.device)
    tokens[:, 0] = sp["start"]
    tokens[:, 1:L + 1] = torch.where(valid, c, sp["pad"])
    n = valid.sum(1)
    tokens[torch.arange(N, device=c.device), n + 1] = sp["stop"]
    return tokens


def from_sequences(tokens, n_codes: int, length: int | None = None):
    """Tokens ``(N, T)`` starting with ``start`` -> ``(codes, mask)`` of shape ``(N, length)`` (default
    ``T - 2``): the codes after start up to the first non-code token (stop, pad or start), -1 after; codes beyond
    ``length`` are dropped."""
    t = _long(tokens)
    sp = special_tokens(n_codes)
    if t.ndim != 2 or t.shape[1] < 1 or not (t[:, 0] == sp["start"]).all():
        raise ValueError(f"from_sequences: tokens must be 2-d with the start token {sp['start']} in column 0")
    body = t[:, 1:]
    is_code = (body >= 0) & (body < n_codes)
    keep = torch.cumprod(is_code.long(), dim=1).bool()   # codes before the first non-code token
    L = t.shape[1] - 2 if length is None else int(length)
    codes = torch.full((len(t), L), -1, dtype=torch.long, device=t.device)
    w = min(L, body.shape[1])
    codes[:, :w] = torch.where(keep[:, :w], body[:, :w], -1)
    return codes, codes >= 0


class _Block(nn.Module):
    def __init__(self, d_model: int, n_heads: int, dropout: float):
        super().__init__()
        self.n_heads, self.dropout = n_heads, dropout
        self.ln1, self.ln2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.qkv, self.proj = nn.Linear(d_model, 3 * d_model), nn.Linear(d_model, d_model)
        self.mlp = nn.Sequential(nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model))
        self.drop = nn.Dropout(dropout)

    def forward(self, x, past=None):
        B, T, D = x.shape
        H = self.n_heads
        q, k, v = (t.view(B, T, H, D // H).transpose(1, 2) for t in self.qkv(self.ln1(x)).split(D, dim=-1))
        if past is not None:
            k, v = torch.cat([past[0], k], dim=2), torch.cat([past[1], v], dim=2)
        P = k.shape[2] - T
        p = self.dropout if self.training else 0.0
        if T == 1:     # one new query sees every cached key
            y = F.scaled_dot_product_attention(q, k, v, dropout_p=p)
        elif P == 0:
            y = F.scaled_dot_product_attention(q, k, v, dropout_p=p, is_causal=True)
        else:          # query i (absolute position P + i) sees keys 0 .. P + i
            allowed = torch.ones(T, P + T, dtype=torch.bool, device=x.device).tril(diagonal=P)
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed, dropout_p=p)
        x = x + self.drop(self.proj(y.transpose(1, 2).reshape(B, T, D)))
        x = x + self.drop(self.mlp(self.ln2(x)))
        return x, (k, v)


class JetGPT(nn.Module):
    """Causal decoder-only transformer over jet tokens (module docstring).  ``max_len``: the longest token sequence
    (start + codes + stop), i.e. ``max_constituents + 2``."""

    def __init__(self, n_codes: int, d_model: int = 256, n_layers: int = 3, n_heads: int = 8, max_len: int = 130,
                 dropout: float = 0.0):
        super().__init__()
        if d_model % n_heads:
            raise ValueError(f"JetGPT: d_model ({d_model}) must be a multiple of n_heads ({n_heads})")
        if n_codes < 1 or max_len < 2:
            raise ValueError(f"JetGPT: n_codes must be >= 1 and max_len >= 2, got {n_codes}, {max_len}")
        self.config = dict(n_codes=n_codes, d_model=d_model, n_layers=n_layers, n_heads=n_heads, max_len=max_len,
                           dropout=dropout)
        self.n_codes, self.max_len = n_codes, max_len
        sp = special_tokens(n_codes)
        self.start, self.stop, self.pad, self.vocab = sp["start"], sp["stop"], sp["pad"], sp["vocab"]
        self.tok_emb = nn.Embedding(self.vocab, d_model)
        self.pos_emb = nn.Embedding(max_len, d_model)
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList(_Block(d_model, n_heads, dropout) for _ in range(n_layers))
        self.ln_f = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, self.vocab, bias=False)
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, 0.0, 0.02)
                if getattr(m, "bias", None) is not None:
                    nn.init.zeros_(m.bias)

    def forward(self, tokens: torch.Tensor, past_key_values=None, use_cache: bool = False):
        B, T = tokens.shape
        P = 0 if past_key_values is None else past_key_values[0][0].shape[2]
        if P + T > self.max_len:
            raise ValueError(f"JetGPT: {P + T} positions exceed max_len={self.max_len}")
        pos = torch.arange(P, P + T, device=tokens.device)
        x = self.drop(self.tok_emb(tokens) + self.pos_emb(pos))
        present = []
        for i, block in enumerate(self.blocks):
            x, kv = block(x, None if past_key_values is None else past_key_values[i])
            present.append(kv)
        logits = self.head(self.ln_f(x))
        return (logits, present) if use_cache else logits


def n_params(model: nn.Module, non_embedding: bool = False) -> int:
    """Number of parameters (``non_embedding``: without the token and position embeddings)."""
    n = sum(p.numel() for p in model.parameters())
    if non_embedding and isinstance(model, JetGPT):
        n -= model.tok_emb.weight.numel() + model.pos_emb.weight.numel()
    return n


def _mask_special(logits: torch.Tensor, n_codes: int) -> torch.Tensor:
    sp = special_tokens(n_codes)
    out = logits.clone()
    out[..., sp["start"]] = -math.inf
    out[..., sp["pad"]] = -math.inf
    return out


def sequence_loss(logits: torch.Tensor, targets: torch.Tensor, n_codes: int) -> torch.Tensor:
    """Mean cross-entropy of ``logits (B, T, V)`` against ``targets (B, T)`` (the tokens shifted by one), over the
    targets up to and including each row's first stop; start and pad logits masked."""
    sp = special_tokens(n_codes)
    is_stop = targets == sp["stop"]
    stops_before = torch.cumsum(is_stop.long(), dim=1) - is_stop.long()
    valid = (targets != sp["pad"]) & (targets != sp["start"]) & (stops_before == 0)
    if not valid.any():
        return logits.sum() * 0.0
    lg = logits[valid]                                  # a copy already: mask start and pad in place (one copy less)
    lg[:, [sp["start"], sp["pad"]]] = -math.inf
    return F.cross_entropy(lg, targets[valid])


def next_token_loss(model: JetGPT, tokens: torch.Tensor) -> torch.Tensor:
    """Next-token cross-entropy of ``model`` on ``tokens (B, T)`` (module docstring), a scalar."""
    tokens = _long(tokens).to(next(model.parameters()).device)
    if tokens.ndim != 2 or tokens.shape[1] < 2:
        raise ValueError(f"next_token_loss: tokens must be (B, T >= 2), got {tuple(tokens.shape)}")
    return sequence_loss(model(tokens[:, :-1]), tokens[:, 1:], model.n_codes)


def gpt_train_data(tokens) -> tuple[torch.Tensor, torch.Tensor]:
    """``(inputs, targets) = (tokens[:, :-1], tokens[:, 1:])``, the data tuple of
    :func:`hepscaling.models.train.train` for a :class:`JetGPT` with ``loss=gpt_loss(n_codes)``."""
    t = _long(tokens)
    return t[:, :-1].contiguous(), t[:, 1:].contiguous()


def gpt_loss(n_codes: int):
    """``loss(logits, targets)`` for :func:`hepscaling.models.train.train` (:func:`sequence_loss`).  Note: the
    shared loop averages per batch, i.e. per jet batch rather than per token across batches."""
    def loss(logits, targets):
        return sequence_loss(logits, targets, n_codes)
    return loss


def sample_categorical(probs: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """One draw per row of ``probs`` (``(B, V)``, non-negative, rows need not be normalised) from the categorical
    distribution it defines, by inverting its cumulative sum (float64) with one uniform number per row from
    ``generator`` (on ``probs``' device): index ``i`` with probability ``probs[i] / sum(probs)``, never an index of
    zero probability.  The same distribution as ``torch.multinomial(probs, 1)``, but that draws one exponential
    number per category (515 per jet and step for 512 codes: 40 % of generation's CPU time, measured) where this
    draws one."""
    cdf = probs.double().cumsum(dim=-1)
    u = torch.rand((len(probs), 1), generator=generator, dtype=torch.float64, device=probs.device)
    idx = torch.searchsorted(cdf, u * cdf[:, -1:], right=True).squeeze(1)
    # u * total can round up to the total itself: fall back on the last category of non-zero probability
    last = probs.shape[1] - 1 - torch.argmax(torch.flip(probs > 0, dims=[1]).to(torch.uint8), dim=1)
    return torch.minimum(idx, last)


@torch.no_grad()
def generate(model: JetGPT, n_jets: int, *, max_len: int | None = None, generator: torch.Generator | None = None,
             seed: int | None = None, temperature: float = 1.0, use_kv_cache: bool = True, batch_size: int = 256,
             device: str | None = None, progress: bool = False) -> torch.Tensor:
    """Sample ``n_jets`` jets: codes ``(n_jets, max_len)`` (CPU long, -1 after each jet's stop).

    ``max_len``: the most codes per jet (default ``model.max_len - 2``).  Random draws come only from
    ``generator`` (on the device it lives on) or ``torch.Generator(device).manual_seed(seed)``; give one.
    The model is used in eval mode (and left in the mode it was in)."""
    if (generator is None) == (seed is None):
        raise ValueError("generate: give exactly one of generator and seed")
    if not temperature > 0:
        raise ValueError(f"generate: temperature must be > 0, got {temperature}")
    L = model.max_len - 2 if max_len is None else int(max_len)
    if not 1 <= L <= model.max_len - 1:
        raise ValueError(f"generate: max_len must be in 1..{model.max_len - 1} (model.max_len - 1), got {L}")
    if n_jets < 0 or batch_size < 1:
        raise ValueError(f"generate: n_jets must be >= 0 and batch_size >= 1, got {n_jets}, {batch_size}")
    dev = pick_device(device)
    was = model.training
    model.to(dev).eval()
    if generator is None:
        generator = torch.Generator(device=dev).manual_seed(int(seed))
    gdev = generator.device
    out = []
    bar = progress_bar(total=n_jets, desc="generate") if progress else None
    for b0 in range(0, n_jets, batch_size):
        b = min(batch_size, n_jets - b0)
        tokens = torch.full((b, 1), model.start, dtype=torch.long, device=dev)
        done = torch.zeros(b, dtype=torch.bool, device=dev)
        past = None
        for _ in range(L):
            if use_kv_cache:
                logits, past = model(tokens if past is None else tokens[:, -1:], past_key_values=past,
                                     use_cache=True)
            else:
                logits = model(tokens)
            lg = _mask_special(logits[:, -1].float(), model.n_codes) / temperature
            probs = torch.softmax(lg, dim=-1)
            nxt = sample_categorical(probs.to(gdev), generator).to(dev)
            nxt = torch.where(done, torch.full_like(nxt, model.pad), nxt)
            done |= nxt == model.stop
            tokens = torch.cat([tokens, nxt[:, None]], dim=1)
            if bool(done.all()):
                break
        out.append(from_sequences(tokens.cpu(), model.n_codes, length=L)[0])
        if bar is not None:
            bar.update(b)
    if bar is not None:
        bar.close()
    model.train(was)
    return torch.cat(out) if out else torch.zeros((0, L), dtype=torch.long)
