"""What Fig. 2 reads off the η–φ positions of the candidates, measured from the positions alone (no detector card):
the cell lattice (its period and phase), where the granularity changes (barrel → endcap), and the dead cells.

A calorimeter places each neutral candidate at its cell's centre, so the candidates' η (or φ) values sit on a
lattice c₀ + k·p.  The *coherence* R(p) = |⟨exp(2πi η / p)⟩| is 1 for the lattice period p (and its integer
fractions p/m), ~0 for unrelated periods: :func:`lattice_period` returns the largest p with R(p) above a threshold.
"""
from __future__ import annotations

import numpy as np


def coherence(x, period) -> np.ndarray:
    """R(p) = |mean exp(2πi x / p)| for each period (array)."""
    x = np.asarray(x, dtype=np.float64)
    p = np.atleast_1d(np.asarray(period, dtype=np.float64))
    step = max(1, int(2e7 // max(len(x), 1)))            # periods per block: ~2·10⁷ phases at a time
    return np.concatenate([np.abs(np.exp(2j * np.pi * x[None, :] / p[i:i + step, None]).mean(axis=1))
                           for i in range(0, len(p), step)]) if len(p) else np.zeros(0)


def lattice_period(x, periods, threshold: float = 0.9) -> float:
    """The lattice period of the values ``x``: among ``periods``, the peak of R(p) in the last (largest-p) run of
    periods with R > threshold — the fundamental, not one of its fractions p/m; NaN if R never exceeds it."""
    periods = np.sort(np.asarray(periods, dtype=np.float64))
    r = coherence(x, periods)
    ok = np.flatnonzero(r > threshold)
    if not len(ok):
        return float("nan")
    run = [ok[-1]]
    while len(run) < len(ok) and ok[-len(run) - 1] == run[-1] - 1:
        run.append(ok[-len(run) - 1])
    return float(periods[max(run, key=lambda i: r[i])])


def lattice_offset(x, period: float) -> float:
    """The phase of the lattice: the c₀ in [0, p) with x ≈ c₀ + k·p."""
    z = np.exp(2j * np.pi * np.asarray(x, dtype=np.float64) / period).mean()
    return float((np.angle(z) / (2 * np.pi) * period) % period)


def granularity_boundary(abs_eta, period: float, edges, threshold: float = 0.5) -> tuple[float, np.ndarray]:
    """Where the lattice of ``period`` stops: the coherence of |η| in each bin of ``edges``, and the lower edge of the
    first bin (scanning outwards) with coherence below ``threshold`` (NaN if it never drops)."""
    abs_eta = np.asarray(abs_eta, dtype=np.float64)
    edges = np.asarray(edges, dtype=np.float64)
    r = np.full(len(edges) - 1, np.nan)
    for i, (lo, hi) in enumerate(zip(edges[:-1], edges[1:])):
        sel = abs_eta[(abs_eta >= lo) & (abs_eta < hi)]
        if len(sel) >= 20:
            r[i] = coherence(sel, period)[0]
    low = np.flatnonzero(r < threshold)
    return (float(edges[low[0]]) if len(low) else float("nan")), r


def occupancy(eta, phi, eta_period: float, phi_period: float, eta_max: float):
    """Counts on the measured lattice: ``(counts, eta_edges, phi_edges)`` with cells of ``eta_period`` ×
    ``phi_period`` aligned so that the lattice points are cell centres, covering |η| < eta_max."""
    e0 = lattice_offset(eta, eta_period) - eta_period / 2
    f0 = lattice_offset(phi, phi_period) - phi_period / 2
    k = np.ceil(eta_max / eta_period) + 1
    eta_edges = e0 + eta_period * np.arange(-k, k + 1)
    eta_edges = eta_edges[(eta_edges >= -eta_max - 1e-9) & (eta_edges <= eta_max + 1e-9)]
    n_phi = int(round(2 * np.pi / phi_period))
    phi_edges = f0 - np.pi + phi_period * np.arange(n_phi + 1)
    wrapped = (np.asarray(phi) - phi_edges[0]) % (2 * np.pi) + phi_edges[0]
    counts, _, _ = np.histogram2d(eta, wrapped, bins=[eta_edges, phi_edges])
    return counts, eta_edges, phi_edges


def dead_cells(counts, min_neighbours: float = 5.0) -> np.ndarray:
    """Indices (i_eta, i_phi) of empty cells whose 8 neighbours (φ wraps around) hold on average at least
    ``min_neighbours`` candidates — the chance of an empty live cell there is below e^(−min_neighbours)."""
    c = np.asarray(counts, dtype=np.float64)
    padded = np.pad(c, [(1, 1), (0, 0)], constant_values=np.nan)
    padded = np.concatenate([padded[:, -1:], padded, padded[:, :1]], axis=1)
    neigh = np.stack([padded[1 + di:1 + di + c.shape[0], 1 + dj:1 + dj + c.shape[1]]
                      for di in (-1, 0, 1) for dj in (-1, 0, 1) if (di, dj) != (0, 0)])
    mean = np.nanmean(neigh, axis=0)
    return np.argwhere((c == 0) & (mean >= min_neighbours))


def card_dead_cells(eta_edges, phi_edges, card: str = "cms", calorimeter: str = "HCAL") -> np.ndarray:
    """The check of :func:`dead_cells` against the truth: indices (i_eta, i_phi) of the cells of the measured lattice
    (``eta_edges`` × ``phi_edges``, as :func:`occupancy` returns them) whose centre lies in a dead cell of
    ``calorimeter`` in the detector ``card`` (:func:`hepscaling.detector.cards.load_card`)."""
    from ...detector.calorimeter import grid
    from ...detector.cards import load_card

    cals = {c.name: c for c in load_card(card).calorimeters}
    if calorimeter not in cals:
        raise ValueError(f"card_dead_cells: calorimeter must be one of {sorted(cals)}, got {calorimeter!r}")
    g = grid(cals[calorimeter])
    eta_edges, phi_edges = np.asarray(eta_edges, dtype=float), np.asarray(phi_edges, dtype=float)
    ec, pc = 0.5 * (eta_edges[1:] + eta_edges[:-1]), 0.5 * (phi_edges[1:] + phi_edges[:-1])
    E, P = np.meshgrid(ec, (pc + np.pi) % (2 * np.pi) - np.pi, indexing="ij")
    cell = g.cell_of(E.ravel(), P.ravel()).reshape(E.shape)
    dead = np.zeros(E.shape, dtype=bool)
    dead[cell >= 0] = g.dead[cell[cell >= 0]]
    return np.argwhere(dead)
