"""Calorimeter cell grids: (eta, phi) -> flat cell index, cell centres and bounds, per-cell resolution and thresholds,
the dead-cell map, and the merging of deposits into cells (vectorised over a whole batch of events).

Cells are rings in |eta| (mirrored: the rings of eta < 0 follow those of eta >= 0), each ring divided into ``n_phi``
equal cells starting at phi = -pi.  Cell index = offset of the (side, ring) + phi cell.
"""
from __future__ import annotations

import functools

import numpy as np

from .cards import Calorimeter

__all__ = ["CellGrid", "grid", "lognormal_factor", "merge_deposits"]

TWO_PI = 2 * np.pi


class CellGrid:
    """The cells of one :class:`~hepscaling.detector.cards.Calorimeter` (build with :func:`grid`, cached)."""

    def __init__(self, cal: Calorimeter):
        self.calorimeter = cal
        edges = [cal.regions[0].eta_edges[0]]
        nphi, region = [], []
        for k, r in enumerate(cal.regions):
            edges += list(r.eta_edges[1:])
            nphi += list(r.n_phi)
            region += [k] * (len(r.eta_edges) - 1)
        self.abs_edges = np.asarray(edges)
        self.n_rings = len(nphi)
        self.ring_nphi = np.asarray(nphi * 2, dtype=np.int64)             # (side, ring) -> n_phi, side 0: eta >= 0
        self.ring_offset = np.r_[0, np.cumsum(self.ring_nphi)].astype(np.int64)
        self.n_cells = int(self.ring_offset[-1])
        ring_region = np.asarray(region * 2)
        # per-cell properties
        ring_of_cell = np.repeat(np.arange(2 * self.n_rings), self.ring_nphi)
        self.cell_ring = ring_of_cell
        self.cell_iphi = np.arange(self.n_cells) - self.ring_offset[ring_of_cell]
        reg = ring_region[ring_of_cell]
        props = {k: np.asarray([getattr(r, k) for r in cal.regions], dtype=float)
                 for k in ("stochastic", "constant", "noise", "threshold", "significance_min")}
        for k, v in props.items():
            setattr(self, k, v[reg])
        self.pdg_id = np.asarray([cal.pdg_id if r.pdg_id is None else r.pdg_id for r in cal.regions])[reg]
        ring = ring_of_cell % self.n_rings
        side = np.where(ring_of_cell >= self.n_rings, -1.0, 1.0)
        lo, hi = self.abs_edges[ring], self.abs_edges[ring + 1]
        self.eta_lo = np.where(side > 0, lo, -hi)
        self.eta_hi = np.where(side > 0, hi, -lo)
        nph = self.ring_nphi[ring_of_cell]
        self.phi_lo = -np.pi + TWO_PI * self.cell_iphi / nph
        self.phi_hi = -np.pi + TWO_PI * (self.cell_iphi + 1) / nph
        self.eta_centre = 0.5 * (self.eta_lo + self.eta_hi)
        self.phi_centre = 0.5 * (self.phi_lo + self.phi_hi)
        # dead cells: a seeded random fraction plus the listed points
        dead = np.random.default_rng(cal.dead_seed).random(self.n_cells) < cal.dead_fraction
        if cal.dead_cells:
            pts = np.asarray(cal.dead_cells, dtype=float)
            c = self.cell_of(pts[:, 0], pts[:, 1])
            if np.any(c < 0):
                bad = [tuple(p) for p in pts[c < 0]]
                raise ValueError(f"Calorimeter {cal.name}: dead_cells {bad} lie outside its coverage "
                                 f"{cal.eta_min:g} <= |eta| < {cal.eta_max:g}")
            dead[c] = True
        self.dead = dead
        for a in ("dead", "eta_centre", "phi_centre", "threshold"):
            getattr(self, a).setflags(write=False)

    def cell_of(self, eta, phi) -> np.ndarray:
        """Flat cell index of each (eta, phi); -1 outside the calorimeter's |eta| coverage."""
        eta = np.asarray(eta, float)
        phi = np.asarray(phi, float)
        a = np.abs(eta)
        ring = np.searchsorted(self.abs_edges, a, side="right") - 1
        inside = (ring >= 0) & (ring < self.n_rings) & np.isfinite(a)
        ring = np.where(inside, ring, 0)
        g = ring + np.where(eta < 0, self.n_rings, 0)
        n = self.ring_nphi[g]
        iphi = np.floor((np.mod(phi + np.pi, TWO_PI)) / TWO_PI * n).astype(np.int64)
        iphi = np.minimum(iphi, n - 1)
        return np.where(inside, self.ring_offset[g] + iphi, -1)

    def relative_resolution(self, cell, energy) -> np.ndarray:
        e = np.maximum(np.asarray(energy, float), 1e-9)
        s, c, n = self.stochastic[cell], self.constant[cell], self.noise[cell]
        return np.sqrt(s * s / e + c * c + (n / e) ** 2)


@functools.lru_cache(maxsize=16)
def grid(cal: Calorimeter) -> CellGrid:
    """The (cached) :class:`CellGrid` of a calorimeter."""
    return CellGrid(cal)


def lognormal_factor(rng: np.random.Generator, sigma) -> np.ndarray:
    """Multiplicative factors with mean 1 and standard deviation ``sigma`` (log-normal, always positive)."""
    sigma = np.asarray(sigma, float)
    s2 = np.log1p(sigma * sigma)
    return np.exp(-0.5 * s2 + np.sqrt(s2) * rng.standard_normal(sigma.shape))


def merge_deposits(g: CellGrid, event, eta, phi, energy, rng: np.random.Generator, position: str = "centre"):
    """Sum the deposits of each (event, live cell), smear, apply the thresholds.

    Returns ``(event, cell, energy, eta, phi)`` of the cells that pass (measured energy and position per
    ``position``), ordered by (event, cell).  Deposits outside the coverage or in dead cells are dropped."""
    cell = g.cell_of(eta, phi)
    keep = cell >= 0
    keep[keep] = ~g.dead[cell[keep]]
    event, cell, energy = event[keep], cell[keep], energy[keep]
    key = event.astype(np.int64) * g.n_cells + cell
    uk, inv = np.unique(key, return_inverse=True)
    e_true = np.bincount(inv, weights=energy, minlength=len(uk))
    ev, c = uk // g.n_cells, uk % g.n_cells
    rel = g.relative_resolution(c, e_true)
    e_meas = e_true * lognormal_factor(rng, rel)
    ok = (e_meas > g.threshold[c]) & (e_meas > g.significance_min[c] * rel * e_true)
    if position == "centre":
        ceta, cphi = g.eta_centre[c], g.phi_centre[c]
    elif position == "weighted":
        w = np.maximum(e_true, 1e-300)
        deta = np.bincount(inv, weights=energy * (eta[keep] - g.eta_centre[cell]), minlength=len(uk)) / w
        dphi_p = np.mod(phi[keep] - g.phi_centre[cell] + np.pi, TWO_PI) - np.pi
        dphi = np.bincount(inv, weights=energy * dphi_p, minlength=len(uk)) / w
        ceta, cphi = g.eta_centre[c] + deta, g.phi_centre[c] + dphi
    elif position == "uniform":
        u = rng.random((2, len(uk)))
        ceta = g.eta_lo[c] + u[0] * (g.eta_hi[c] - g.eta_lo[c])
        cphi = g.phi_lo[c] + u[1] * (g.phi_hi[c] - g.phi_lo[c])
    else:
        raise ValueError(f"position: expected 'centre', 'weighted' or 'uniform', got {position!r}")
    return ev[ok], c[ok], e_meas[ok], ceta[ok], cphi[ok]
