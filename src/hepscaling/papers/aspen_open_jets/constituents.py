"""A jet as paper C's generative model sees it, and back: the pT-ordered (pT, Δη, Δφ) of its leading constituents,
massless four-vectors rebuilt from them, and the five jet observables of Figs. 3 and 4.

* **Features** (:func:`features`): each constituent's pT, Δη = η − η_jet and Δφ = φ − φ_jet (wrapped to (−π, π]) to
  the axis of the jet summed from *all* its constituents (E-scheme), in decreasing pT.  The model's preprocessing
  (:func:`hepscaling.models.jet_tokenizer.standardise_constituents`: |Δη|, |Δφ| < 0.8, then the first
  ``max_constituents``, the paper's 128) is applied to generated and reference jets alike.
* **Jets from constituents** (:func:`massless_p4`): each (pT, Δη, Δφ) becomes a massless four-vector
  (E, px, py, pz) = pT (cosh Δη, cos Δφ, sin Δφ, sinh Δη), i.e. the jet placed at η = φ = 0.  For massless
  constituents a common shift in η is a longitudinal boost and a common shift in φ a rotation about the beam, so jet
  pT, mass and N-subjettiness (ΔR in rapidity–φ) are those of the jet at its real position: generated and
  reference jets are rebuilt the same way.  The mass of two constituents is m² = 2 pT₁ pT₂ (cosh Δη₁₂ − cos Δφ₁₂).
* **Observables** (:func:`jet_observables`): jet pT, mass, τ21 and τ32 (:mod:`hepscaling.jets.observables`: β = 1,
  R0 = 0.8, exclusive-kT axes; 0 where the denominator vanishes) and the multiplicity.
"""
from __future__ import annotations

import numpy as np

from ...jets import observables as obs

#: observable -> axis label of Figs. 3 and 4
OBSERVABLES = {"pt": "jet $p_T$ [GeV]", "mass": "jet mass [GeV]", "tau21": r"$\tau_{21}$", "tau32": r"$\tau_{32}$",
               "multiplicity": "constituents $N$"}


def features(constituents, mask, max_constituents: int | None = None) -> tuple[np.ndarray, ...]:
    """``(pt, deta, dphi, mask)`` of the ``max_constituents`` (default: all) highest-pT constituents of each jet,
    pT-ordered, float32 ``(N, max_constituents)`` (zero-padded) and a bool mask; from padded (E, px, py, pz)
    ``constituents`` ``(N, M, 4)`` with their ``mask`` ``(N, M)``."""
    c = np.asarray(constituents, dtype=np.float64)
    m = np.asarray(mask, dtype=bool)
    if c.ndim != 3 or c.shape[2] != 4 or m.shape != c.shape[:2]:
        raise ValueError(f"features: constituents must be (N, M, 4) with a mask (N, M), got {c.shape} and {m.shape}")
    max_constituents = c.shape[1] if max_constituents is None else max_constituents
    if int(max_constituents) < 1:
        raise ValueError(f"features: max_constituents must be a positive integer, got {max_constituents!r}")
    E, px, py, pz = np.moveaxis(np.where(m[..., None], c, 0.0), -1, 0)
    pt = np.hypot(px, py)
    jx, jy, jz = px.sum(1), py.sum(1), pz.sum(1)
    jeta = np.arcsinh(jz / np.maximum(np.hypot(jx, jy), 1e-12))
    jphi = np.arctan2(jy, jx)
    with np.errstate(divide="ignore", invalid="ignore"):
        eta = np.arcsinh(np.where(pt > 0, pz / np.where(pt > 0, pt, 1.0), 0.0))
    deta = eta - jeta[:, None]
    dphi = (np.arctan2(py, px) - jphi[:, None] + np.pi) % (2 * np.pi) - np.pi
    key = np.where(m & (pt > 0), -pt, np.inf)                    # real constituents first, highest pT first
    order = np.argsort(key, axis=1, kind="stable")[:, :int(max_constituents)]
    take = lambda a: np.take_along_axis(a, order, axis=1)         # noqa: E731
    keep = take(m & (pt > 0))
    out = [np.where(keep, take(a), 0.0).astype(np.float32) for a in (pt, deta, dphi)]
    width = int(max_constituents)
    if out[0].shape[1] < width:                                   # fewer slots in the file than asked: pad
        pad = [(0, 0), (0, width - out[0].shape[1])]
        out = [np.pad(a, pad) for a in out]
        keep = np.pad(keep, pad)
    return (*out, keep)


def massless_p4(pt, deta, dphi, mask) -> np.ndarray:
    """Massless four-vectors ``(N, M, 4)`` as (E, px, py, pz), float64, zero where ``mask`` is False."""
    pt, deta, dphi = (np.asarray(a, dtype=np.float64) for a in (pt, deta, dphi))
    m = np.asarray(mask, dtype=bool) & (pt > 0)
    if not (pt.shape == deta.shape == dphi.shape == m.shape):
        raise ValueError(f"massless_p4: pt, deta, dphi and mask must have one shape, got {pt.shape}, {deta.shape}, "
                         f"{dphi.shape}, {m.shape}")
    p4 = np.stack([pt * np.cosh(deta), pt * np.cos(dphi), pt * np.sin(dphi), pt * np.sinh(deta)], axis=-1)
    return np.where(m[..., None], p4, 0.0)


def jet_observables(pt, deta, dphi, mask) -> dict[str, np.ndarray]:
    """The five observables of Figs. 3 and 4 (:data:`OBSERVABLES`) of each jet, from its constituents."""
    p4 = massless_p4(pt, deta, dphi, mask)
    return {"pt": obs.pt(p4), "mass": obs.mass(p4), "tau21": obs.tau21(p4), "tau32": obs.tau32(p4),
            "multiplicity": obs.multiplicity(p4).astype(np.float64)}
