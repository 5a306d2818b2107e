"""Optional parametric detector smearing of particle-level four-momenta (off by default).

A crude stand-in for a detector, *not* Delphes: each visible final-state particle's four-momentum is scaled by a
factor (1 + delta), delta ~ Normal(0, sigma), with resolutions typical of a general-purpose LHC detector
(ATLAS/CMS-like Delphes cards, quoted as relative resolutions; E, pT in GeV, ⊕ = sum in quadrature):

* charged particles (tracker):      sigma(pT)/pT = 5e-4 * pT ⊕ 0.01
* photons and electrons (ECAL):     sigma(E)/E   = 0.10 / sqrt(E) ⊕ 0.01
* neutral hadrons (HCAL):           sigma(E)/E   = 0.50 / sqrt(E) ⊕ 0.05

Directions are kept (no granularity, no thresholds, no pile-up).  The factor is clipped at 0.  Seeded: the same seed
gives the same numbers.
"""
from __future__ import annotations

import numpy as np

__all__ = ["RESOLUTIONS", "relative_resolution", "smear_particles"]

CHARGED = (11, 13, 211, 321, 2212, 3112, 3222, 3312, 3334)
ECAL = (11, 22)
RESOLUTIONS = {
    "charged": "sigma(pT)/pT = 5e-4*pT (+) 0.01",
    "ecal": "sigma(E)/E = 0.10/sqrt(E) (+) 0.01",
    "hcal": "sigma(E)/E = 0.50/sqrt(E) (+) 0.05",
}


def relative_resolution(pdg_id, E, pt) -> np.ndarray:
    """Relative resolution sigma/value of each particle (see module docstring)."""
    aid = np.abs(np.asarray(pdg_id))
    E = np.maximum(np.asarray(E, dtype=np.float64), 1e-6)
    pt = np.asarray(pt, dtype=np.float64)
    charged = np.isin(aid, CHARGED) & (aid != 11)
    ecal = np.isin(aid, ECAL)
    res_trk = np.hypot(5e-4 * pt, 0.01)
    res_ecal = np.hypot(0.10 / np.sqrt(E), 0.01)
    res_hcal = np.hypot(0.50 / np.sqrt(E), 0.05)
    return np.where(ecal, res_ecal, np.where(charged, res_trk, res_hcal))


def smear_particles(pdg_id, E, px, py, pz, seed: int):
    """Return smeared (E, px, py, pz) arrays (flat, one entry per particle)."""
    rng = np.random.default_rng(seed)
    E, px, py, pz = (np.asarray(a, dtype=np.float64) for a in (E, px, py, pz))
    sigma = relative_resolution(pdg_id, E, np.hypot(px, py))
    f = np.maximum(1.0 + sigma * rng.standard_normal(len(E)), 0.0)
    return E * f, px * f, py * f, pz * f
