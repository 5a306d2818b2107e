"""Moment energy flow networks (Gambhir, Osathapan, Tasissa, Thaler, arXiv 2403.08854): moment pooling.

An energy flow network (EFN) maps a jet — particles i with momentum fractions z_i and angular positions x_i = (y_i,
φ_i) relative to the jet axis — to

    O = F( Σ_i z_i Φ_a(x_i) ),      a = 1 .. L,

with a per-particle network Φ: R² → R^L (the *latent* space) and a network F on the pooled sums.  *Moment pooling* of
order k also keeps the higher moments of the latent distribution:

    O_k = F_k( ⟨Φ_a⟩, ⟨Φ_a Φ_b⟩, …, ⟨Φ_a1 ⋯ Φ_ak⟩ ),        ⟨g⟩ = Σ_i z_i g(x_i),

one pooled feature per monomial Φ_a1 ⋯ Φ_ad with a1 ≤ … ≤ ad and 1 ≤ d ≤ k.  There are C(L + d − 1, d) monomials of
degree d, so the network pools

    n_pooled(L, k) = Σ_{d=1..k} C(L + d − 1, d) = C(L + k, k) − 1

features.  The constant monomial (d = 0) pools to Σ z_i = 1 for every jet and is left out; counting it, the paper's
*effective latent dimension* is L_eff = C(L + k, k) (:func:`effective_latent_dimension`).  k = 1 is an ordinary EFN.

IRC safety: every pooled feature is linear in the z_i, so a particle with z = 0 (infrared) changes nothing, and two
particles at the same x (collinear) pool exactly as one with their summed z; with a continuous Φ the observable is
IRC safe.  Padding (z = 0) is therefore harmless.

Networks: Φ and F are :class:`hepscaling.models.networks.MLP` (a linear last layer) with LeakyReLU activations as
in the paper (its Φ: two hidden layers of 100, F: three of 100); one logit output for classification
(``bce_with_logits``).  Inputs: ``z`` ``(B, M)`` and ``x`` ``(B, M, 2)`` — call ``model(z, x)``, as
:func:`hepscaling.models.train.train` does with ``train_data = (z, x, y)``.
"""
from __future__ import annotations

import itertools
from math import comb
from typing import Sequence

import torch
from torch import nn

from .networks import MLP

__all__ = ["MomentEFN", "monomials", "n_pooled", "effective_latent_dimension", "moment_pool"]


def _check_Lk(L, k, who: str) -> tuple[int, int]:
    for name, v in (("L", L), ("k", k)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(f"{who}: {name} must be a positive integer, got {v!r}")
    return L, k


def monomials(L: int, k: int) -> list[tuple[int, ...]]:
    """The monomials of the pooling, as sorted index tuples ``(a1 <= ... <= ad)``, degree d = 1 .. k, by degree and
    then lexicographically: ``monomials(2, 2) == [(0,), (1,), (0, 0), (0, 1), (1, 1)]``."""
    L, k = _check_Lk(L, k, "monomials")
    return [t for d in range(1, k + 1) for t in itertools.combinations_with_replacement(range(L), d)]


def n_pooled(L: int, k: int) -> int:
    """Number of pooled features, C(L + k, k) − 1 (the constant monomial is not pooled)."""
    L, k = _check_Lk(L, k, "n_pooled")
    return comb(L + k, k) - 1


def effective_latent_dimension(L: int, k: int) -> int:
    """The paper's effective latent dimension of a Moment EFN, C(L + k, k) (the pooled moments and the constant)."""
    L, k = _check_Lk(L, k, "effective_latent_dimension")
    return comb(L + k, k)


class _MonomialIndex(nn.Module):
    """Index tables to build degree-d monomials from degree-(d−1) ones: monomial (a1..ad) = (a1..a(d−1)) · Φ_ad."""

    def __init__(self, L: int, k: int):
        super().__init__()
        self.L, self.k = L, k
        mons = monomials(L, k)
        pos = {m: i for i, m in enumerate(mons)}
        parents, lasts, self.sizes = [], [], []
        for d in range(2, k + 1):
            level = [m for m in mons if len(m) == d]
            first = min(pos[m[:-1]] for m in level)  # offset of the degree-(d-1) block
            parents.append(torch.tensor([pos[m[:-1]] - first for m in level], dtype=torch.long))
            lasts.append(torch.tensor([m[-1] for m in level], dtype=torch.long))
        for i, (p, q) in enumerate(zip(parents, lasts)):
            self.register_buffer(f"parent{i}", p, persistent=False)
            self.register_buffer(f"last{i}", q, persistent=False)
        self.n_levels = len(parents)

    def forward(self, phi: torch.Tensor) -> torch.Tensor:
        """All monomials of ``phi`` ``(..., L)`` up to degree k: ``(..., n_pooled)``, in :func:`monomials` order."""
        out, level = [phi], phi
        for i in range(self.n_levels):
            level = level[..., getattr(self, f"parent{i}")] * phi[..., getattr(self, f"last{i}")]
            out.append(level)
        return torch.cat(out, dim=-1) if len(out) > 1 else phi


def moment_pool(z: torch.Tensor, phi: torch.Tensor, k: int) -> torch.Tensor:
    """The pooled moments ``Σ_i z_i Φ_a1(x_i) ⋯ Φ_ad(x_i)`` of per-particle latents ``phi`` ``(B, M, L)`` with
    weights ``z`` ``(B, M)``, all monomials of degree 1 .. k: ``(B, n_pooled(L, k))``."""
    if phi.ndim != 3 or z.shape != phi.shape[:2]:
        raise ValueError(f"moment_pool: expected z (B, M) and phi (B, M, L), got {tuple(z.shape)} and "
                         f"{tuple(phi.shape)}")
    mon = _MonomialIndex(phi.shape[-1], k).to(phi.device)(phi)
    return torch.einsum("bm,bmf->bf", z.to(mon.dtype), mon)


class MomentEFN(nn.Module):
    """Moment EFN of order ``k`` with latent dimension ``L``: ``model(z, x) -> (B,)`` logits (or ``(B, n_out)``).

    ``phi_sizes`` / ``F_sizes``: hidden widths of Φ (``n_in -> ... -> L``) and of F (``n_pooled -> ... -> n_out``);
    ``generator``: the ``torch.Generator`` the initial weights are drawn from (Φ first, then F)."""

    def __init__(self, L: int, k: int, phi_sizes: Sequence[int] = (100, 100), F_sizes: Sequence[int] = (100, 100, 100),
                 n_in: int = 2, n_out: int = 1, negative_slope: float = 0.01, init: str = "kaiming",
                 generator: torch.Generator | None = None):
        super().__init__()
        L, k = _check_Lk(L, k, "MomentEFN")
        act = lambda: nn.LeakyReLU(negative_slope)  # noqa: E731  (one module per layer)
        self.L, self.k, self.n_out = L, k, n_out
        self.phi = MLP(n_in, tuple(phi_sizes), L, activation=act, init=init, generator=generator)
        self.monomials = _MonomialIndex(L, k)
        self.F = MLP(n_pooled(L, k), tuple(F_sizes), n_out, activation=act, init=init, generator=generator)

    @property
    def n_pooled(self) -> int:
        return n_pooled(self.L, self.k)

    @property
    def effective_latent_dimension(self) -> int:
        return effective_latent_dimension(self.L, self.k)

    def latent(self, x: torch.Tensor) -> torch.Tensor:
        """Φ at positions ``x`` ``(..., n_in)``: ``(..., L)``."""
        return self.phi(x)

    def pooled(self, z: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """The pooled moments ``(B, n_pooled)`` of jets ``(z, x)``."""
        if z.ndim != 2 or x.ndim != 3 or x.shape[:2] != z.shape:
            raise ValueError(f"MomentEFN: expected z (B, M) and x (B, M, {self.phi.n_in}), got {tuple(z.shape)} and "
                             f"{tuple(x.shape)}")
        return torch.einsum("bm,bmf->bf", z, self.monomials(self.phi(x)))

    def forward(self, z: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        out = self.F(self.pooled(z, x))
        return out.squeeze(-1) if self.n_out == 1 else out

    def extra_repr(self) -> str:
        return f"L={self.L}, k={self.k}, n_pooled={self.n_pooled}, L_eff={self.effective_latent_dimension}"
