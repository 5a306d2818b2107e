"""Vector quantisation with a straight-through estimator, k-means initialisation and dead-code replacement.

:class:`VectorQuantizer` maps each vector ``z`` (last axis ``dim``) to its nearest code ``e_k`` of a codebook of
``n_codes`` (squared Euclidean distance) and passes gradients straight through: ``z_q = z + sg(e_k - z)``.  Its loss
is the VQ-VAE one (van den Oord et al. 2017), ``|sg(z) - e_k|^2 + beta |z - sg(e_k)|^2`` (codebook + commitment),
averaged over the valid vectors.

* **k-means initialisation.** On the first training call the codebook is set by k-means (k-means++ seeding, then
  ``kmeans_iters`` Lloyd iterations) on that batch's valid vectors, drawn from the quantiser's own
  ``torch.Generator`` (``seed``), so an initialisation is reproducible and independent of torch's global state.
  With fewer vectors than codes, the surplus codes start on randomly drawn vectors (duplicates), which the dead-code
  replacement spreads out.
* **Dead-code replacement.** Every training call counts how long each code has gone unused; a code unused for
  ``dead_after`` training calls is moved onto a randomly drawn encoder output of the current batch (the recent
  encoder outputs).
* **Usage.** ``codebook_usage()`` reports the codes used since ``reset_usage()`` (counts in every mode): the
  fraction of codes used and the perplexity ``exp(H)`` of the code frequencies (= ``n_codes`` for uniform use).

Written here (≈ 50 lines of logic) rather than taking ``vector-quantize-pytorch``: one dependency less, the k-means
initialisation and replacement draws are seeded through an explicit generator (the book's rule: every random draw
takes a seed), and the few behaviours the tests check are all in view.
"""
from __future__ import annotations

import math

import torch
from torch import nn

__all__ = ["VectorQuantizer", "kmeans", "nearest_code"]


def nearest_code(z: torch.Tensor, codebook: torch.Tensor, chunk: int = 8192) -> torch.Tensor:
    """Index of the nearest codebook row (squared Euclidean) for each row of ``z`` (2-d), in chunks of rows."""
    c2 = (codebook * codebook).sum(1)
    out = [torch.argmin(c2 - 2.0 * zc @ codebook.T, dim=1) for zc in z.split(chunk)]  # |z|^2 is the same per row
    return torch.cat(out) if out else torch.zeros(0, dtype=torch.long, device=z.device)


def kmeans(x: torch.Tensor, k: int, iters: int = 10, generator: torch.Generator | None = None) -> torch.Tensor:
    """k-means of the rows of ``x`` (2-d): k-means++ seeding from ``generator`` (CPU), then Lloyd iterations (an
    empty cluster keeps its centre).  Fewer rows than ``k``: the centres are rows drawn with replacement."""
    n = len(x)
    if n < k:
        return x[torch.randint(n, (k,), generator=generator).to(x.device)].clone()
    centres = x[torch.randint(n, (1,), generator=generator).to(x.device)]
    d2 = ((x - centres[0]) ** 2).sum(1)
    for _ in range(1, k):   # k-means++: the next centre drawn with probability proportional to d^2
        w = d2.double().cpu()
        i = torch.multinomial(w / w.sum(), 1, generator=generator) if w.sum() > 0 else torch.randint(n, (1,))
        c = x[i.to(x.device)]
        centres = torch.cat([centres, c])
        d2 = torch.minimum(d2, ((x - c) ** 2).sum(1))
    for _ in range(iters):
        a = nearest_code(x, centres)
        sums = torch.zeros_like(centres).index_add_(0, a, x)
        counts = torch.bincount(a, minlength=k).to(x.dtype)
        filled = counts > 0
        centres[filled] = sums[filled] / counts[filled, None]
    return centres


class VectorQuantizer(nn.Module):
    """Nearest-code quantiser of vectors of size ``dim`` with ``n_codes`` codes (module docstring).

    ``forward(z, mask=None) -> (z_q, codes, loss)``: ``z`` of shape ``(..., dim)``, ``mask`` (bool, ``z.shape[:-1]``)
    marks the valid vectors (loss, k-means, usage and replacement see only those); ``codes`` is long with -1 at
    invalid positions; ``z_q`` is the straight-through quantised ``z`` (``z`` itself at invalid positions)."""

    def __init__(self, n_codes: int, dim: int, *, beta: float = 0.25, kmeans_init: bool = True,
                 kmeans_iters: int = 10, dead_after: int | None = 50, seed: int = 0):
        super().__init__()
        if n_codes < 1 or dim < 1:
            raise ValueError(f"VectorQuantizer: n_codes and dim must be >= 1, got {n_codes}, {dim}")
        self.n_codes, self.dim, self.beta = int(n_codes), int(dim), float(beta)
        self.kmeans_iters, self.dead_after = int(kmeans_iters), dead_after
        self.generator = torch.Generator().manual_seed(int(seed))
        self.codebook = nn.Parameter(torch.randn(n_codes, dim, generator=self.generator) / math.sqrt(dim))
        self.register_buffer("initialised", torch.tensor(not kmeans_init))
        self.register_buffer("idle", torch.zeros(n_codes, dtype=torch.long))      # training calls since last use
        self.register_buffer("usage", torch.zeros(n_codes, dtype=torch.long))     # counts since reset_usage()
        self.n_replaced = 0

    def lookup(self, codes: torch.Tensor) -> torch.Tensor:
        """Code vectors of ``codes`` (zeros where a code is -1)."""
        out = self.codebook[codes.clamp(min=0)]
        return out * (codes >= 0).unsqueeze(-1).to(out.dtype)

    @torch.no_grad()
    def _init_and_replace(self, zv: torch.Tensor, codes: torch.Tensor) -> None:
        used = torch.bincount(codes, minlength=self.n_codes) > 0
        self.idle += 1
        self.idle[used] = 0
        if self.dead_after is None or len(zv) == 0:
            return
        dead = torch.nonzero(self.idle >= self.dead_after).flatten()
        if len(dead):
            pick = torch.randint(len(zv), (len(dead),), generator=self.generator).to(zv.device)
            self.codebook.data[dead] = zv[pick].to(self.codebook.dtype)
            self.idle[dead] = 0
            self.n_replaced += len(dead)

    def forward(self, z: torch.Tensor, mask: torch.Tensor | None = None):
        if z.shape[-1] != self.dim:
            raise ValueError(f"VectorQuantizer: z must end in dim={self.dim}, got shape {tuple(z.shape)}")
        mask = torch.ones(z.shape[:-1], dtype=torch.bool, device=z.device) if mask is None else mask.bool()
        zv = z[mask]
        if self.training and not bool(self.initialised) and len(zv):
            with torch.no_grad():
                self.codebook.data.copy_(kmeans(zv.detach().float(), self.n_codes, self.kmeans_iters,
                                                self.generator).to(self.codebook.dtype))
            self.initialised.fill_(True)
        cv = nearest_code(zv.detach(), self.codebook.detach())
        ev = self.codebook[cv]
        loss = ((zv.detach() - ev) ** 2).sum(-1).mean() + self.beta * ((zv - ev.detach()) ** 2).sum(-1).mean() \
            if len(zv) else z.sum() * 0.0
        codes = torch.full(z.shape[:-1], -1, dtype=torch.long, device=z.device)
        codes[mask] = cv
        z_q = z.clone()
        z_q[mask] = zv + (ev - zv).detach()
        with torch.no_grad():
            self.usage += torch.bincount(cv, minlength=self.n_codes)
            if self.training:
                self._init_and_replace(zv.detach(), cv)
        return z_q, codes, loss

    def reset_usage(self) -> None:
        self.usage.zero_()

    def codebook_usage(self) -> dict:
        """``n_used``, ``fraction_used``, ``perplexity`` (exp of the entropy of the code frequencies) and
        ``n_vectors`` since the last ``reset_usage()``, plus ``n_replaced`` (dead codes re-seeded so far)."""
        c = self.usage.double()
        total = float(c.sum())
        p = c[c > 0] / total if total else c[:0]
        return {"n_codes": self.n_codes, "n_used": int((c > 0).sum()), "fraction_used": float((c > 0).double().mean()),
                "perplexity": float(torch.exp(-(p * p.log()).sum())) if total else 0.0, "n_vectors": int(total),
                "n_replaced": self.n_replaced}
