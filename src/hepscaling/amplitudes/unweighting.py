"""The maximum weight of accept-reject unweighting, and what a chosen maximum costs and biases.

Accept-reject keeps a point of weight w with probability min(1, w / w_max). Every rule for w_max trades efficiency
(the mean of min(1, w / w_max), about mean(w) / w_max) against the share of the cross section that lies above
w_max (the overweight share, the bias of a sample whose overweight points are kept with weight 1):

* :func:`reduced_maximum` (the rule of :func:`.collider.collider_events` and, with ``overweight`` set, of
  :func:`.phasespace.unweighted_events`): the smallest w_max whose overweight share on the pilot is at most a stated
  fraction — robust against single outliers of the pilot, and the fraction is the stated bias;
* :func:`quantile_maximum`: a quantile of the pilot weights (0.9999 in :func:`.phasespace.unweighted_events` by
  default) — a fixed share of the points above w_max, whatever share of the cross section they carry.

:func:`overweight_share` and :func:`expected_efficiency` evaluate a w_max on a sample (best an independent one: on the
pilot that chose w_max the overweight share is the requested fraction by construction).
"""
from __future__ import annotations

import torch


def _positive(w: torch.Tensor) -> torch.Tensor:
    w = torch.as_tensor(w, dtype=torch.float64).flatten()
    if not bool(torch.isfinite(w).all()) or bool((w < 0).any()):
        raise ValueError("w: weights must be finite and non-negative")
    return w[w > 0]


def reduced_maximum(w: torch.Tensor, overweight: float) -> float:
    """The smallest w_max for which sum(max(w - w_max, 0)) <= ``overweight`` * sum(w) (w: pilot weights)."""
    if not (0 < overweight < 1):
        raise ValueError(f"overweight = {overweight!r}: expected a fraction in (0, 1)")
    ws = torch.sort(_positive(w), descending=True).values
    if ws.numel() == 0:
        raise ValueError("no pilot point passed the cuts: the cuts leave no phase space")
    total = float(ws.sum())
    # excess(k) for w_max = ws[k]: sum_{j<k} ws[j] - k ws[k]; it grows with k
    k = torch.arange(ws.numel(), dtype=ws.dtype, device=ws.device)
    excess = torch.cumsum(ws, 0) - ws - k * ws
    ok = torch.nonzero(excess <= overweight * total)
    return float(ws[int(ok[-1])])


def quantile_maximum(w: torch.Tensor, quantile: float) -> float:
    """The ``quantile`` quantile of the weights ``w`` (the maximum for ``quantile = 1``)."""
    if not (0 < quantile <= 1):
        raise ValueError(f"quantile = {quantile!r}: expected a number in (0, 1]")
    w = torch.as_tensor(w, dtype=torch.float64).flatten()
    return float(w.max()) if quantile == 1 else float(torch.quantile(w, quantile))


def overweight_share(w: torch.Tensor, w_max: float) -> float:
    """The share of sum(w) above ``w_max``: sum(max(w - w_max, 0)) / sum(w)."""
    w = _positive(w)
    total = float(w.sum())
    return float(torch.clamp(w - w_max, min=0).sum()) / total if total > 0 else 0.0


def expected_efficiency(w: torch.Tensor, w_max: float) -> float:
    """The acceptance of accept-reject at ``w_max`` on the points ``w`` (zeros included, as tried points): the mean
    of min(1, w / w_max)."""
    w = torch.as_tensor(w, dtype=torch.float64).flatten()
    return float(torch.clamp(w / w_max, max=1.0).mean())
