"""Paper C's page helpers on synthetic positions with a known lattice and known dead cells."""
import numpy as np
import pytest

from hepscaling.papers.aspen_open_jets import config, occupancy


def _lattice_points(rng, n, p_eta=0.087, p_phi=2 * np.pi / 72, eta_max=1.7, dead=()):
    k_eta = rng.integers(-int(eta_max / p_eta), int(eta_max / p_eta), n)
    k_phi = rng.integers(0, 72, n)
    keep = np.ones(n, bool)
    for de, dp in dead:
        keep &= ~((k_eta == de) & (k_phi == dp))
    return (k_eta[keep] + 0.5) * p_eta, (k_phi[keep] + 0.5) * p_phi - np.pi


def test_lattice_period_and_dead_cells_are_recovered():
    rng = np.random.default_rng(1)
    dead = [(3, 10), (-7, 40), (0, 0)]
    eta, phi = _lattice_points(rng, 150_000, dead=dead)
    periods = np.linspace(0.02, 0.3, 561)
    p_eta = occupancy.lattice_period(eta[:20_000], periods)
    p_phi = occupancy.lattice_period(phi[:20_000], periods)
    assert p_eta == pytest.approx(0.087, abs=3e-4) and p_phi == pytest.approx(2 * np.pi / 72, abs=3e-4)
    counts, eta_edges, phi_edges = occupancy.occupancy(eta, phi, p_eta, p_phi, eta_max=1.5)
    found = {(round(float((eta_edges[i] + eta_edges[i + 1]) / 2 / 0.087 - 0.5)),
              round(float((phi_edges[j] + phi_edges[j + 1]) / 2 / (2 * np.pi / 72) + 36 - 0.5)) % 72)
             for i, j in occupancy.dead_cells(counts)}
    assert found == set(dead)


def test_unstructured_positions_have_no_lattice_and_no_dead_cells():
    rng = np.random.default_rng(2)
    eta = rng.uniform(-1.7, 1.7, 20_000)
    assert np.isnan(occupancy.lattice_period(eta, np.linspace(0.02, 0.3, 500)))


def test_granularity_boundary_where_the_cells_grow():
    rng = np.random.default_rng(3)
    fine = (rng.integers(0, 85, 20_000) + 0.5) * 0.0174            # barrel cells to |eta| = 1.479
    coarse = rng.uniform(1.479, 3.0, 10_000)                       # no 0.0174 lattice beyond
    edge, r = occupancy.granularity_boundary(np.r_[fine, coarse], 0.0174, np.arange(0, 3.01, 0.1))
    assert edge == pytest.approx(1.5, abs=0.1) and np.nanmin(r[:14]) > 0.9


def test_dead_cells_found_on_the_cms_card_are_the_cards_dead_towers():
    # candidates at the centres of the live HCAL towers of the CMS card (|eta| < 1.3): what the measurement finds
    # from the positions alone must be exactly the card's dead towers on the measured lattice
    from hepscaling.detector.calorimeter import grid
    from hepscaling.detector.cards import load_card

    g = grid(next(c for c in load_card("cms").calorimeters if c.name == "HCAL"))
    live = np.flatnonzero(~g.dead & (np.abs(g.eta_centre) < 1.3))
    pick = np.random.default_rng(4).choice(live, 300_000)
    eta, phi = g.eta_centre[pick], g.phi_centre[pick]
    periods = np.linspace(0.02, 0.3, 561)
    p_eta, p_phi = occupancy.lattice_period(eta[:20_000], periods), occupancy.lattice_period(phi[:20_000], periods)
    counts, eta_edges, phi_edges = occupancy.occupancy(eta, phi, p_eta, p_phi, eta_max=1.3)
    truth = occupancy.card_dead_cells(eta_edges, phi_edges)
    n_dead_in_range = int((g.dead & (np.abs(g.eta_centre) < eta_edges[-1])).sum())
    assert len(truth) == n_dead_in_range > 0
    assert {tuple(x) for x in occupancy.dead_cells(counts)} == {tuple(x) for x in truth}
    with pytest.raises(ValueError, match="calorimeter"):
        occupancy.card_dead_cells(eta_edges, phi_edges, calorimeter="HF")


def test_config_refuses_unknown_keys():
    prof = {"name": "t", "path": "t.yaml", "papers": {"aspen_open_jets": {"ecm": 13000.0, "xsec_events": 10,
                                                                         "typo": 1}}}
    with pytest.raises(config.ConfigError, match="typo"):
        config.load_config(prof)
