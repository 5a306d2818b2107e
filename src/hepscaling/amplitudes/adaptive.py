"""VEGAS: an adaptive, separable importance-sampling map of the unit hypercube (Lepage, J. Comput. Phys. 27 (1978)).

Each of the ``dim`` coordinates has its own piecewise-linear map of [0, 1] onto itself with ``n_bins`` bins of equal
probability; a sample is drawn uniformly in the bins and carries the Jacobian of the map. After a batch of weighted
points, :meth:`VegasGrid.adapt` moves the bin edges so that each bin holds an equal share of the (smoothed, damped)
sum of squared weights per coordinate: the standard VEGAS update, which shrinks the bins where the integrand is
large.

Why our own 100 lines and not the ``vegas`` package: the map runs in torch on the device of the amplitudes (CPU or
CUDA), draws from the caller's seeded ``torch.Generator`` (so a seed fixes the events), and has no compiled
dependency. The event generator only needs the map; cross sections come from its own weighted sums.
"""
from __future__ import annotations

import torch


class VegasGrid:
    """Separable adaptive map of [0, 1]^dim (see module docstring)."""

    def __init__(self, dim: int, n_bins: int = 64, device=None, dtype=torch.float64):
        if dim < 1 or n_bins < 2:
            raise ValueError(f"VegasGrid needs dim >= 1 and n_bins >= 2, got dim={dim}, n_bins={n_bins}")
        self.dim, self.n_bins = int(dim), int(n_bins)
        self.device = torch.device(device) if device is not None else torch.device("cpu")
        self.dtype = dtype
        self.edges = torch.linspace(0, 1, n_bins + 1, dtype=dtype, device=self.device).repeat(dim, 1)
        self._acc = torch.zeros(dim, n_bins, dtype=dtype, device=self.device)

    @property
    def widths(self) -> torch.Tensor:
        return self.edges[:, 1:] - self.edges[:, :-1]

    def sample(self, n: int, generator: torch.Generator):
        """``n`` points: ``x`` (n, dim) in [0, 1]^dim, ``jacobian`` (n,) (the inverse sampling density) and the bin
        index of every coordinate (n, dim), for :meth:`accumulate`."""
        y = torch.rand((n, self.dim), generator=generator, dtype=self.dtype).to(self.device)
        pos = y * self.n_bins
        idx = torch.clamp(pos.long(), max=self.n_bins - 1)
        frac = pos - idx
        lo = torch.gather(self.edges, 1, idx.T).T
        w = torch.gather(self.widths, 1, idx.T).T
        x = lo + frac * w
        jac = (w * self.n_bins).prod(1)
        return x, jac, idx

    def density(self, x: torch.Tensor, dims=None) -> torch.Tensor:
        """The sampling density at points ``x`` (n, len(dims)) of the coordinates ``dims`` (all by default): the
        product over those coordinates of 1 / (n_bins * width of the bin holding x)."""
        dims = list(range(self.dim)) if dims is None else list(dims)
        edges = self.edges[dims]
        b = torch.clamp(torch.searchsorted(edges, x.T.contiguous(), right=True) - 1, 0, self.n_bins - 1)
        w = torch.gather(edges[:, 1:] - edges[:, :-1], 1, b)          # (len(dims), n): the width of each bin
        return 1 / (self.n_bins * w).prod(0)

    def jacobian(self, idx: torch.Tensor, dims) -> torch.Tensor:
        """The Jacobian of the coordinates ``dims`` for points in the bins ``idx`` (n, len(dims))."""
        out = torch.ones(idx.shape[0], dtype=self.dtype, device=self.device)
        for k, d in enumerate(dims):
            out = out * self.n_bins * self.widths[d, idx[:, k]]
        return out

    def accumulate(self, idx: torch.Tensor, weights: torch.Tensor) -> None:
        """Add the squared weights (integrand times Jacobian) of a batch to the per-bin sums."""
        w2 = (weights.to(self.dtype) ** 2)
        for d in range(self.dim):
            self._acc[d].index_add_(0, idx[:, d], w2)

    def adapt(self, alpha: float = 1.5) -> None:
        """Move the bin edges (smoothed, damped by ``alpha``) and reset the sums. A coordinate without any weight
        keeps its edges."""
        acc = self._acc
        new = self.edges.clone()
        for d in range(self.dim):
            a = acc[d]
            if float(a.sum()) <= 0:
                continue
            s = a.clone()
            s[1:-1] = (a[:-2] + a[1:-1] + a[2:]) / 3
            s[0] = (a[0] + a[1]) / 2
            s[-1] = (a[-2] + a[-1]) / 2
            s = s / s.sum()
            r = torch.where(s > 0, ((1 - s) / -torch.log(torch.clamp(s, min=1e-300))) ** alpha,
                            torch.zeros_like(s))
            if float(r.sum()) <= 0:
                continue
            cum = torch.cat((torch.zeros(1, dtype=self.dtype, device=self.device), torch.cumsum(r, 0)))
            targets = torch.linspace(0, float(cum[-1]), self.n_bins + 1, dtype=self.dtype, device=self.device)[1:-1]
            j = torch.clamp(torch.searchsorted(cum, targets, right=True) - 1, 0, self.n_bins - 1)
            frac = (targets - cum[j]) / torch.clamp(r[j], min=1e-300)
            new[d, 1:-1] = self.edges[d, j] + frac * (self.edges[d, j + 1] - self.edges[d, j])
        self.edges = new
        self._acc.zero_()


class MultiChannelGrids:
    """Adaptive multichannel sampling (Kleiss & Pittau, Comput. Phys. Commun. 83 (1994) 141) with one VEGAS grid per
    class of channels.

    A point is drawn from class ``k`` with probability ``alpha[k]``, through that class's :class:`VegasGrid`; the
    caller maps it with one of the class's channels and weights it with the density of all classes together,
    ``g(x) = sum_k alpha_k g_k(x)``. :meth:`accumulate` takes, per point, its class, its grid bins and the shares
    ``alpha_k g_k(x) / g(x)``; :meth:`adapt` adapts every grid on the points it drew and moves the channel weights
    towards the minimum of the variance, ``alpha_k <- alpha_k sqrt(W_k)`` with ``W_k = <w^2 g_k / g>`` (normalised,
    each at least ``floor / K`` so that no class is starved before its grid has adapted)."""

    def __init__(self, n_classes: int, dim: int, n_bins: int = 64, device=None, dtype=torch.float64,
                 floor: float = 0.1):
        if n_classes < 1:
            raise ValueError(f"MultiChannelGrids needs n_classes >= 1, got {n_classes}")
        self.grids = [VegasGrid(dim, n_bins, device=device, dtype=dtype) for _ in range(n_classes)]
        self.dim, self.n_bins, self.dtype = dim, n_bins, dtype
        self.device = self.grids[0].device
        self.alpha = torch.full((n_classes,), 1.0 / n_classes, dtype=dtype)
        self.floor = float(floor)
        self._W = torch.zeros(n_classes, dtype=dtype)

    def draw_classes(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """The class of each of ``n`` points (n,), drawn with probabilities ``alpha``."""
        r = torch.rand(n, generator=generator, dtype=self.dtype)
        cum = torch.cumsum(self.alpha, 0)
        return torch.clamp(torch.searchsorted(cum, r, right=True), max=len(self.grids) - 1)

    def accumulate(self, record, weights: torch.Tensor) -> None:
        """Add a batch: ``record = (classes (n,), bins (n, dim), shares (n, K))`` from the sampler, ``weights`` (n,)
        the full event weights."""
        cls, idx, shares = record
        w = weights.to(self.dtype)
        cls_cpu = cls.to("cpu")
        for k, grid in enumerate(self.grids):
            sel = (cls_cpu == k).to(w.device)
            if bool(sel.any()):
                grid.accumulate(idx[sel], w[sel])
        self._W += ((w[:, None] ** 2) * shares).sum(0).to("cpu") / self.alpha

    def adapt(self, alpha: float = 1.5) -> None:
        for grid in self.grids:
            grid.adapt(alpha)
        K = len(self.grids)
        if K > 1 and float(self._W.sum()) > 0:
            a = self.alpha * torch.sqrt(self._W)
            a = a / a.sum()
            a = torch.clamp(a, min=self.floor / K)
            self.alpha = a / a.sum()
        self._W.zero_()
