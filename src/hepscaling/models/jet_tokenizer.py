"""The jet tokenizer of paper C (OmniJet-α, Birk, Hallin & Kasieczka 2024): a VQ-VAE on per-constituent features.

**Preprocessing** (:func:`standardise_constituents`), the public OmniJet-α tokenisation config
(``configs/experiment/experiment_tokenization_transformer.yaml`` of github.com/uhh-pd-ml/omnijet_alpha)::

    part_pt:     {multiply_by: 1, subtract_by: 1.8, func: "np.log", inv_func: "np.exp"}
    part_etarel: {multiply_by: 3, larger_than: -0.8, smaller_than: 0.8}
    part_phirel: {multiply_by: 3, larger_than: -0.8, smaller_than: 0.8}
    pad_length: 128

i.e. features ``(log(pT / GeV) - 1.8, 3 Δη, 3 Δφ)`` with the **absolute** constituent pT in GeV (JetClass's
``part_pt``, not pT/pT_jet).  Constituents with ``|Δη| >= 0.8`` or ``|Δφ| >= 0.8`` (or pT <= 0) are **removed**
before the first ``max_constituents`` (128) are kept, as the public code applies the cut to the jagged constituent
list before padding; here the survivors are pT-ordered (descending) explicitly, the public code relies on the
input files' (JetClass) pT order.  Padding positions hold zeros and ``mask == False``.

**Model** (:class:`JetTokenizer`): as OmniJet-α's transformer VQ-VAE, the encoder and the decoder are stacks of pre-LN
self-attention blocks over the jet's constituents (padding masked, no positional encoding: the encoder is permutation-
equivariant), so a constituent's latent and its reconstruction are conditioned on the whole jet; the quantiser
(:class:`hepscaling.models.vq.VectorQuantizer`) sits per constituent on a ``latent_dim``-dimensional latent. Defaults:
the public OmniJet-α tokenizer's shape (hidden 128, latent 4, 4 blocks) with the 4 attention heads and 8192 codes of
paper C. ``encode`` gives one code per constituent (-1 at padding), ``decode`` maps a jet's codes back to the 3
standardised features. Loss: mean squared reconstruction error over valid constituents and features + ``vq_weight`` x
(codebook + ``beta`` commitment loss).

Trained by :func:`train_tokenizer` (AdamW, gradient-norm clip 5 as the public config, seeded); evaluated by
:func:`reconstruction_resolution` (per-feature resolution in physical units and codebook usage).
"""
from __future__ import annotations

import time

import numpy as np
import torch
from torch import nn

from ..progress import progress as progress_bar
from .train import pick_device
from .vq import VectorQuantizer

__all__ = ["standardise_constituents", "unstandardise_constituents", "JetTokenizer", "train_tokenizer",
           "reconstruction_resolution", "tokenize", "PT_SHIFT", "ANGLE_SCALE", "ANGLE_CUT", "MAX_CONSTITUENTS"]

PT_SHIFT = 1.8          # log(pT / GeV) - 1.8
ANGLE_SCALE = 3.0       # Δη x 3, Δφ x 3
ANGLE_CUT = 0.8         # |Δη|, |Δφ| < 0.8
MAX_CONSTITUENTS = 128  # paper C: the first 128 pT-ordered constituents


def standardise_constituents(pt, deta, dphi, mask=None, *, max_constituents: int = MAX_CONSTITUENTS,
                             cut: float = ANGLE_CUT):
    """Padded constituent arrays ``(N, M)`` (absolute pT in GeV, Δη, Δφ to the jet axis; ``mask`` True where a
    constituent exists, default ``pt > 0``) -> ``(x, mask)``: ``x`` float32 ``(N, max_constituents, 3)`` with
    ``(log pT - 1.8, 3 Δη, 3 Δφ)``, pT-descending, constituents outside ``|Δη|, |Δφ| < cut`` removed, then the
    first ``max_constituents`` kept; ``mask`` bool ``(N, max_constituents)``, padding zeros."""
    pt, deta, dphi = (np.asarray(a, dtype=np.float64) for a in (pt, deta, dphi))
    if pt.ndim != 2 or pt.shape != deta.shape or pt.shape != dphi.shape:
        raise ValueError("standardise_constituents: pt, deta, dphi must be 2-d arrays (jets, constituents) of one "
                         f"shape, got {pt.shape}, {deta.shape}, {dphi.shape}")
    m = pt > 0 if mask is None else np.asarray(mask, dtype=bool)
    if m.shape != pt.shape:
        raise ValueError(f"standardise_constituents: mask must have shape {pt.shape}, got {m.shape}")
    if max_constituents < 1:
        raise ValueError(f"standardise_constituents: max_constituents must be >= 1, got {max_constituents}")
    finite = np.isfinite(pt) & np.isfinite(deta) & np.isfinite(dphi)
    if (m & ~finite).any():
        raise ValueError(f"standardise_constituents: {int((m & ~finite).sum())} constituent(s) with non-finite "
                         "pt/deta/dphi inside the mask")
    keep = m & (pt > 0) & (np.abs(deta) < cut) & (np.abs(dphi) < cut)
    key = np.where(keep, -pt, np.inf)                 # kept ones first, by descending pT; stable for ties
    order = np.argsort(key, axis=1, kind="stable")[:, :max_constituents]
    take = lambda a: np.take_along_axis(a, order, axis=1)  # noqa: E731
    k = take(keep)
    x = np.stack([np.log(np.where(k, take(pt), 1.0)) - PT_SHIFT, ANGLE_SCALE * take(deta),
                  ANGLE_SCALE * take(dphi)], axis=-1)
    x[~k] = 0.0
    L = order.shape[1]
    if L < max_constituents:   # fewer input columns than max_constituents: pad
        x = np.concatenate([x, np.zeros((len(x), max_constituents - L, 3))], axis=1)
        k = np.concatenate([k, np.zeros((len(k), max_constituents - L), dtype=bool)], axis=1)
    return x.astype(np.float32), k


def unstandardise_constituents(x, mask):
    """Inverse of :func:`standardise_constituents`: ``(pt, deta, dphi)`` arrays ``(N, L)``, zeros at padding."""
    x = x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)
    mask = mask.detach().cpu().numpy() if isinstance(mask, torch.Tensor) else np.asarray(mask)
    x = x.astype(np.float64)
    m = mask.astype(bool)
    pt = np.where(m, np.exp(x[..., 0] + PT_SHIFT), 0.0)
    return pt, np.where(m, x[..., 1] / ANGLE_SCALE, 0.0), np.where(m, x[..., 2] / ANGLE_SCALE, 0.0)


def _as_tensor(x, dtype, device=None):
    t = x if isinstance(x, torch.Tensor) else torch.as_tensor(np.asarray(x))
    return t.to(dtype=dtype, device=device)


class _SetStack(nn.Module):
    """Linear in -> ``n_layers`` pre-LN self-attention blocks with a padding mask -> LayerNorm -> Linear out."""

    def __init__(self, d_in: int, d_out: int, hidden: int, n_layers: int, n_heads: int, dropout: float):
        super().__init__()
        self.inp = nn.Linear(d_in, hidden)
        layer = nn.TransformerEncoderLayer(hidden, n_heads, 2 * hidden, dropout, activation="gelu",
                                           batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False) if n_layers else None
        self.norm = nn.LayerNorm(hidden)
        self.out = nn.Linear(hidden, d_out)

    def forward(self, x, mask):
        h = self.inp(x)
        if self.blocks is not None:
            pad = ~mask
            pad[:, 0] &= mask.any(1)   # an empty jet attends to its first (padding) slot: no all-masked softmax
            h = self.blocks(h, src_key_padding_mask=pad)
        return self.out(self.norm(h))


class JetTokenizer(nn.Module):
    """VQ-VAE tokenizer of jet constituents (module docstring).  ``forward(x, mask) -> dict`` with ``x_rec``,
    ``codes``, ``loss`` (total), ``rec_loss``, ``vq_loss``."""

    def __init__(self, n_codes: int = 8192, latent_dim: int = 4, hidden: int = 128, n_layers: int = 4,
                 n_heads: int = 4, *, n_features: int = 3, dropout: float = 0.0, beta: float = 0.25,
                 vq_weight: float = 1.0, dead_after: int | None = 50, kmeans_iters: int = 10, seed: int = 0):
        super().__init__()
        self.config = dict(n_codes=n_codes, latent_dim=latent_dim, hidden=hidden, n_layers=n_layers,
                           n_heads=n_heads, n_features=n_features, dropout=dropout, beta=beta, vq_weight=vq_weight,
                           dead_after=dead_after, kmeans_iters=kmeans_iters, seed=seed)
        self.n_codes, self.n_features, self.vq_weight = n_codes, n_features, vq_weight
        self.encoder = _SetStack(n_features, latent_dim, hidden, n_layers, n_heads, dropout)
        self.vq = VectorQuantizer(n_codes, latent_dim, beta=beta, dead_after=dead_after, kmeans_iters=kmeans_iters,
                                  seed=seed)
        self.decoder = _SetStack(latent_dim, n_features, hidden, n_layers, n_heads, dropout)

    def _check(self, x, mask):
        dev = self.vq.codebook.device
        x, mask = _as_tensor(x, torch.float32, dev), _as_tensor(mask, torch.bool, dev)
        if x.ndim != 3 or x.shape[-1] != self.n_features or mask.shape != x.shape[:2]:
            raise ValueError(f"JetTokenizer: x must be (N, L, {self.n_features}) and mask (N, L), got "
                             f"{tuple(x.shape)} and {tuple(mask.shape)}")
        return x, mask

    def forward(self, x, mask):
        x, mask = self._check(x, mask)
        z = self.encoder(x, mask)
        zq, codes, vq_loss = self.vq(z, mask)
        x_rec = self.decoder(zq, mask)
        rec_loss = ((x_rec - x) ** 2)[mask].mean() if mask.any() else x_rec.sum() * 0.0
        return {"x_rec": x_rec, "codes": codes, "rec_loss": rec_loss, "vq_loss": vq_loss,
                "loss": rec_loss + self.vq_weight * vq_loss}

    @torch.no_grad()
    def encode(self, x, mask, batch_size: int = 1024) -> torch.Tensor:
        """Codes ``(N, L)`` long, -1 at padding (eval mode, in batches of jets)."""
        x, mask = self._check(x, mask)
        was = self.training
        self.eval()
        out = [self.vq(self.encoder(xb, mb), mb)[1] for xb, mb in zip(x.split(batch_size), mask.split(batch_size))]
        self.train(was)
        return torch.cat(out) if out else torch.zeros(mask.shape, dtype=torch.long)

    @torch.no_grad()
    def decode(self, codes, mask=None, batch_size: int = 1024) -> torch.Tensor:
        """Standardised features ``(N, L, 3)`` of the codes (``mask`` default ``codes >= 0``), zeros at padding."""
        codes = _as_tensor(codes, torch.long, self.vq.codebook.device)
        mask = codes >= 0 if mask is None else _as_tensor(mask, torch.bool, codes.device)
        if codes.ndim != 2 or mask.shape != codes.shape:
            raise ValueError(f"JetTokenizer.decode: codes and mask must be (N, L), got {tuple(codes.shape)}, "
                             f"{tuple(mask.shape)}")
        if ((codes >= self.n_codes) | (mask & (codes < 0))).any():
            raise ValueError(f"JetTokenizer.decode: codes must lie in 0..{self.n_codes - 1} where mask is True")
        was = self.training
        self.eval()
        out = []
        for cb, mb in zip(codes.split(batch_size), mask.split(batch_size)):
            cb = torch.where(mb, cb, -1)
            out.append(self.decoder(self.vq.lookup(cb), mb) * mb.unsqueeze(-1))
        self.train(was)
        return torch.cat(out) if out else torch.zeros((*codes.shape, self.n_features))


def tokenize(tokenizer: JetTokenizer, x, mask, batch_size: int = 1024) -> np.ndarray:
    """Codes of every jet as a numpy int64 array ``(N, L)`` with -1 at padding (CPU)."""
    return tokenizer.encode(x, mask, batch_size).cpu().numpy()


def train_tokenizer(x, mask, *, n_codes: int = 8192, steps: int | None = None, epochs: int | None = None,
                    batch_size: int = 256, lr: float = 1e-3, weight_decay: float = 1e-2, seed: int = 0,
                    device: str | None = None, val=None, eval_every: int | None = None, grad_clip: float = 5.0,
                    progress: bool = True, **model_kwargs):
    """Train a :class:`JetTokenizer` (``model_kwargs``: its other arguments) on standardised ``(x, mask)``.

    ``steps`` optimiser steps or ``epochs`` passes (one of them; default 1 epoch) over mini-batches of jets
    drawn by ``torch.randperm`` from a generator seeded by ``seed``; the weights are initialised under
    ``torch.manual_seed(seed)`` in a forked RNG state (the global state is left alone).  AdamW (``weight_decay`` on
    the weight matrices, none on the codebook, biases and norms; the public config's 1e-2), constant ``lr``,
    gradient-norm clip ``grad_clip``.  ``val=(x_val, mask_val)``: the validation loss (total and reconstruction)
    every ``eval_every`` steps (default: once per epoch) and at the end.  Returns ``(tokenizer, history)`` with
    the tokenizer in eval mode on ``device`` (``pick_device``: CUDA when present) and ``history`` a dict:
    ``evals`` (list of {step, train_loss, train_rec_loss, val_loss, val_rec_loss, fraction_used, perplexity}),
    ``steps``, ``wall_s``, ``device``, ``n_params``, ``n_replaced``."""
    dev = pick_device(device)
    x, mask = _as_tensor(x, torch.float32), _as_tensor(mask, torch.bool)
    if x.ndim != 3 or mask.shape != x.shape[:2] or len(x) == 0:
        raise ValueError(f"train_tokenizer: x must be (N, L, F) with N >= 1 and mask (N, L), got {tuple(x.shape)} "
                         f"and {tuple(mask.shape)}")
    if steps is not None and epochs is not None:
        raise ValueError("train_tokenizer: give steps or epochs, not both")
    n = len(x)
    per_epoch = (n + batch_size - 1) // batch_size
    total = steps if steps is not None else per_epoch * (epochs if epochs is not None else 1)
    if total < 1:
        raise ValueError(f"train_tokenizer: steps/epochs must be positive, got steps={steps}, epochs={epochs}")
    eval_every = eval_every or per_epoch
    model_kwargs.setdefault("n_features", x.shape[-1])
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        tok = JetTokenizer(n_codes=n_codes, seed=seed, **model_kwargs)
    tok.to(dev)
    x, mask = x.to(dev), mask.to(dev)
    if val is not None:
        xv, mv = _as_tensor(val[0], torch.float32, dev), _as_tensor(val[1], torch.bool, dev)
    # weight decay on the weight matrices only: not on the codebook (it would pull the codes towards 0), biases, norms
    decay = [p for name, p in tok.named_parameters() if p.ndim >= 2 and name != "vq.codebook"]
    no_decay = [p for name, p in tok.named_parameters() if not (p.ndim >= 2 and name != "vq.codebook")]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=lr)
    gen = torch.Generator().manual_seed(seed)
    t0, step, evals = time.perf_counter(), 0, []
    run_loss, run_rec, run_n = 0.0, 0.0, 0

    def evaluate():
        row = {"step": step, "train_loss": run_loss / max(run_n, 1) if run_n else float("nan"),
               "train_rec_loss": run_rec / max(run_n, 1) if run_n else float("nan"),
               "val_loss": float("nan"), "val_rec_loss": float("nan")}
        if val is not None:
            tok.eval()
            tok.vq.reset_usage()
            with torch.no_grad():
                tot, rec, cnt = 0.0, 0.0, 0
                for xb, mb in zip(xv.split(1024), mv.split(1024)):
                    out = tok(xb, mb)
                    k = int(mb.sum())
                    tot, rec, cnt = tot + float(out["loss"]) * k, rec + float(out["rec_loss"]) * k, cnt + k
            row.update(val_loss=tot / max(cnt, 1), val_rec_loss=rec / max(cnt, 1))
            u = tok.vq.codebook_usage()
            row.update(fraction_used=u["fraction_used"], perplexity=u["perplexity"])
            tok.vq.reset_usage()
            tok.train()
        evals.append(row)

    tok.train()
    bar = progress_bar(total=total, desc="tokenizer") if progress else None
    while step < total:
        perm = torch.randperm(n, generator=gen).to(dev)
        for i in range(0, n, batch_size):
            idx = perm[i:i + batch_size]
            out = tok(x[idx], mask[idx])
            opt.zero_grad(set_to_none=True)
            out["loss"].backward()
            if grad_clip:
                nn.utils.clip_grad_norm_(tok.parameters(), grad_clip)
            opt.step()
            step += 1
            run_loss, run_rec = run_loss + out["loss"].item(), run_rec + out["rec_loss"].item()
            run_n += 1
            if bar is not None:
                bar.update(1)
            if step % eval_every == 0 or step == total:
                evaluate()
                run_loss, run_rec, run_n = 0.0, 0.0, 0
            if step == total:
                break
    if bar is not None:
        bar.close()
    tok.eval()
    tok.vq.reset_usage()
    history = {"evals": evals, "steps": step, "wall_s": time.perf_counter() - t0, "device": dev,
               "n_params": sum(p.numel() for p in tok.parameters()), "n_replaced": tok.vq.n_replaced}
    return tok, history


def reconstruction_resolution(tokenizer: JetTokenizer, x, mask, batch_size: int = 1024) -> dict:
    """Encode -> decode ``(x, mask)`` and compare with the input in physical units, over valid constituents.

    Per feature ``pt_rel`` ((pT_rec - pT) / pT), ``deta`` and ``dphi`` (rec - true): ``mean``, ``std``,
    ``resolution`` (half the 16-84 % inter-quantile range, robust to tails) and ``rms``; plus
    ``codebook_usage`` of these jets (``n_used``, ``fraction_used``, ``perplexity``; codes counted once per
    constituent) and ``n_constituents``."""
    x_t, m_t = tokenizer._check(x, mask)
    codes = tokenizer.encode(x_t, m_t, batch_size)
    x_rec = tokenizer.decode(codes, m_t, batch_size)
    pt, de, dp = unstandardise_constituents(x_t, m_t)
    pt_r, de_r, dp_r = unstandardise_constituents(x_rec, m_t)
    m = m_t.cpu().numpy()
    res = {}
    for name, d in (("pt_rel", (pt_r[m] - pt[m]) / pt[m]), ("deta", de_r[m] - de[m]), ("dphi", dp_r[m] - dp[m])):
        q16, q84 = np.quantile(d, [0.16, 0.84]) if d.size else (np.nan, np.nan)
        res[name] = {"mean": float(np.mean(d)) if d.size else np.nan, "std": float(np.std(d)) if d.size else np.nan,
                     "resolution": float(0.5 * (q84 - q16)), "rms": float(np.sqrt(np.mean(d ** 2))) if d.size
                     else np.nan}
    c = codes[m_t].cpu()
    counts = torch.bincount(c, minlength=tokenizer.n_codes).double()
    p = counts[counts > 0] / max(float(counts.sum()), 1.0)
    res["codebook_usage"] = {"n_codes": tokenizer.n_codes, "n_used": int((counts > 0).sum()),
                             "fraction_used": float((counts > 0).double().mean()),
                             "perplexity": float(torch.exp(-(p * p.log()).sum()))}
    res["n_constituents"] = int(m.sum())
    return res

