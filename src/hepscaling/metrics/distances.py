"""Distances between a generated and a reference sample of one observable (paper C, eqs. 1 and 2).

**KL divergence** (:func:`kl_divergence`), from normalised histograms with ``scipy.stats.entropy``:

* *Binning.* By default as the public OmniJet-α code (``gabbro/metrics/utils.py``, ``quantiled_kl_divergence``):
  ``n_bins = 30`` bin **edges** at the reference quantiles ``linspace(0.001, 0.999, 30)`` (29 bins, equiprobable
  under the reference; the outer 0.1 % on each side of the reference lies outside).  ``bins`` may instead be an
  explicit, strictly increasing array of edges, or ``edges="uniform"`` gives ``bins`` uniform bins over the
  reference range [min, max].
* *What is histogrammed.* ``weights="density"`` (default, the public code): ``np.histogram(..., density=True)``
  values, i.e. count / (N · width) per bin, then normalised to unit sum by ``scipy.stats.entropy`` -- on unequal
  bins this weights each bin by 1/width, so it is *not* the KL divergence of the binned probabilities.
  ``weights="counts"``: the probability per bin (count / N), the paper's "normalized histogram bin counts"; this
  is the one that converges to the continuous KL divergence as the bins shrink (tests).
* *Empty bins.* ``eps`` (default 1e-8, the public code's) is added to every bin's value (density or probability)
  before normalisation, so a bin empty in one sample and not in the other gives a large but finite term.
* *Points outside the edges.* ``outside="drop"`` (default; ``np.histogram`` ignores them, as the public code):
  histograms are normalised over the points inside the edges, so mass a generator puts outside the reference's
  0.1-99.9 % range is not seen.  ``outside="clip"`` counts them in the first/last bin, ``outside="overflow"`` in
  two extra bins (below the first edge / above the last one; with ``weights="density"`` these get unit width).
* *Direction.* ``direction="ref||gen"`` (default): KL(reference ‖ generated) = Σ p_ref log(p_ref / p_gen), what
  the public code computes (``scipy.stats.entropy(hist_ref, hist_gen)``).  Paper C's eq. (1) writes
  KL(P‖Q) with P the generated and Q the reference distribution: ``direction="gen||ref"``.

**Wasserstein-1** (:func:`wasserstein_1`): unbinned, ``scipy.stats.wasserstein_distance`` (the L1 distance between
the two empirical CDFs), symmetric, in the units of the observable.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd
import scipy.stats

__all__ = ["kl_divergence", "wasserstein_1", "distribution_distances", "quantile_edges",
           "DIRECTIONS", "OUTSIDE", "WEIGHTS"]

DIRECTIONS = ("ref||gen", "gen||ref")
OUTSIDE = ("drop", "clip", "overflow")
WEIGHTS = ("density", "counts")
DEFAULT_N_EDGES = 30                 # public OmniJet-α code: n_bins=30 quantile edges
DEFAULT_QUANTILES = (0.001, 0.999)   # ... from the 0.1 % to the 99.9 % reference quantile


def _sample(x, name: str, who: str) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if a.ndim != 1:
        a = a.ravel() if a.ndim > 1 else a.reshape(1)
    if a.size == 0:
        raise ValueError(f"{who}: {name} is empty; expected a 1-d array of at least one finite value")
    bad = ~np.isfinite(a)
    if bad.any():
        raise ValueError(f"{who}: {name} has {int(bad.sum())} non-finite value(s) (nan/inf) out of {a.size}; "
                         "expected finite values only")
    return a


def quantile_edges(reference, n_edges: int = DEFAULT_N_EDGES, quantiles=DEFAULT_QUANTILES) -> np.ndarray:
    """``n_edges`` bin edges at the reference quantiles ``linspace(*quantiles, n_edges)``, duplicates removed
    (a reference with repeated values, e.g. a multiplicity, gives fewer, still strictly increasing edges)."""
    ref = _sample(reference, "reference", "quantile_edges")
    if isinstance(n_edges, bool) or not isinstance(n_edges, (int, np.integer)) or n_edges < 2:
        raise ValueError(f"quantile_edges: n_edges must be an integer >= 2, got {n_edges!r}")
    lo, hi = quantiles
    if not 0.0 <= lo < hi <= 1.0:
        raise ValueError(f"quantile_edges: quantiles must satisfy 0 <= lo < hi <= 1, got {quantiles!r}")
    edges = np.unique(np.quantile(ref, np.linspace(lo, hi, int(n_edges))))
    if edges.size < 2:
        raise ValueError("quantile_edges: the reference is constant between the requested quantiles; "
                         "pass explicit bin edges")
    return edges


def _edges(reference: np.ndarray, bins, edges: str, quantiles) -> np.ndarray:
    if isinstance(bins, (int, np.integer)) and not isinstance(bins, bool):
        if edges == "quantile":
            return quantile_edges(reference, int(bins), quantiles)
        if edges == "uniform":
            if bins < 1:
                raise ValueError(f"kl_divergence: bins must be >= 1 for uniform edges, got {bins}")
            lo, hi = float(reference.min()), float(reference.max())
            if hi <= lo:
                raise ValueError("kl_divergence: the reference is constant; pass explicit bin edges")
            return np.linspace(lo, hi, int(bins) + 1)
        raise ValueError(f"kl_divergence: edges must be 'quantile' or 'uniform', got {edges!r}")
    e = np.asarray(bins, dtype=float)
    if e.ndim != 1 or e.size < 2 or not np.all(np.isfinite(e)) or np.any(np.diff(e) <= 0):
        raise ValueError("kl_divergence: bins must be an integer or a 1-d, finite, strictly increasing array of "
                         f"at least 2 edges, got {bins!r}")
    return e


def _histogram(x: np.ndarray, e: np.ndarray, outside: str, weights: str, eps: float) -> np.ndarray:
    if outside == "clip":
        x = np.clip(x, e[0], e[-1])
    counts = np.histogram(x, e)[0].astype(float)
    widths = np.diff(e)
    if outside == "overflow":
        counts = np.concatenate([[np.sum(x < e[0])], counts, [np.sum(x > e[-1])]])
        widths = np.concatenate([[1.0], widths, [1.0]])
    total = counts.sum()
    if total == 0:
        h = np.zeros_like(counts)   # every point outside the edges: only eps is left (uniform)
    else:
        h = counts / total / widths if weights == "density" else counts / total
    return h + eps


def kl_divergence(generated, reference, bins=DEFAULT_N_EDGES, *, direction: str = "ref||gen",
                  eps: float = 1e-8, outside: str = "drop", weights: str = "density", edges: str = "quantile",
                  quantiles=DEFAULT_QUANTILES) -> float:
    """KL divergence between the histograms of ``generated`` and ``reference`` (1-d samples), in nats.

    ``bins``: an integer (the number of reference-quantile **edges**, default 30 as the public OmniJet-α code, or
    with ``edges="uniform"`` the number of uniform bins over the reference range) or an explicit array of edges.
    ``direction``: ``"ref||gen"`` (default, public code) or ``"gen||ref"`` (paper C's eq. (1)).  ``eps`` is added
    to every bin before normalisation (empty bins); ``outside`` is ``"drop"`` (default), ``"clip"`` or
    ``"overflow"``; ``weights`` is ``"density"`` (default, public code) or ``"counts"``.  Module docstring: details.
    """
    gen = _sample(generated, "generated", "kl_divergence")
    ref = _sample(reference, "reference", "kl_divergence")
    if direction not in DIRECTIONS:
        raise ValueError(f"kl_divergence: direction must be one of {DIRECTIONS}, got {direction!r}")
    if outside not in OUTSIDE:
        raise ValueError(f"kl_divergence: outside must be one of {OUTSIDE}, got {outside!r}")
    if weights not in WEIGHTS:
        raise ValueError(f"kl_divergence: weights must be one of {WEIGHTS}, got {weights!r}")
    if not (np.isfinite(eps) and eps >= 0):
        raise ValueError(f"kl_divergence: eps must be a finite number >= 0, got {eps!r}")
    e = _edges(ref, bins, edges, quantiles)
    h_gen = _histogram(gen, e, outside, weights, eps)
    h_ref = _histogram(ref, e, outside, weights, eps)
    p, q = (h_ref, h_gen) if direction == "ref||gen" else (h_gen, h_ref)
    return float(scipy.stats.entropy(p, q))


def wasserstein_1(generated, reference) -> float:
    """Unbinned Wasserstein-1 distance between two 1-d samples (``scipy.stats.wasserstein_distance``)."""
    gen = _sample(generated, "generated", "wasserstein_1")
    ref = _sample(reference, "reference", "wasserstein_1")
    return float(scipy.stats.wasserstein_distance(gen, ref))


def distribution_distances(generated: Mapping[str, np.ndarray], reference: Mapping[str, np.ndarray],
                           bins=DEFAULT_N_EDGES, **kl_kwargs) -> pd.DataFrame:
    """KL divergence and W1 per observable: a DataFrame indexed by observable (the order of ``reference``) with
    columns ``kl``, ``w1``, ``n_generated``, ``n_reference``.  ``bins`` (one value for all, or a dict per
    observable) and ``kl_kwargs`` go to :func:`kl_divergence`."""
    if not isinstance(generated, Mapping) or not isinstance(reference, Mapping):
        raise ValueError("distribution_distances: generated and reference must be dicts {observable: 1-d array}")
    missing = [k for k in reference if k not in generated]
    if missing or not reference:
        raise ValueError(f"distribution_distances: observables {missing or '(none)'} of reference missing from "
                         f"generated (generated has {list(generated)})")
    rows = []
    for name in reference:
        b = bins[name] if isinstance(bins, Mapping) else bins
        try:
            kl = kl_divergence(generated[name], reference[name], b, **kl_kwargs)
            w1 = wasserstein_1(generated[name], reference[name])
        except ValueError as err:
            raise ValueError(f"distribution_distances: observable {name!r}: {err}") from None
        rows.append({"observable": name, "kl": kl, "w1": w1, "n_generated": int(np.size(generated[name])),
                     "n_reference": int(np.size(reference[name]))})
    return pd.DataFrame(rows).set_index("observable")
