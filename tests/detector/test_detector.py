"""Physics of the parametrised particle-flow detector (hepscaling.detector): responses, resolutions, thresholds,
dead cells, merging, tracking efficiency, impact parameters, charge, determinism, and a few real Pythia events."""
import dataclasses

import awkward as ak
import numpy as np
import pytest
from scipy import optimize, stats

from hepscaling import detector as D
from hepscaling.detector.calorimeter import grid

CMS = D.load_card("cms")
MASS = {12: 0.0, 14: 0.0, 16: 0.0, 22: 0.0, 130: 0.497611, 211: 0.13957039, 321: 0.493677, 2212: 0.93827,
        11: 0.000511, 13: 0.1056584}


def events(pdg, pt, eta, phi, charge=None, vertex=(0.0, 0.0, 0.0), per_event=1, energy=None):
    """Events of ``per_event`` particles each from flat arrays (or scalars broadcast to the longest array); with
    ``energy`` given, ``pt`` is ignored and derived from the energy and the particle's mass."""
    n = max(np.size(a) for a in (pdg, pt, eta, phi))
    pdg = np.broadcast_to(np.asarray(pdg), (n,)).astype(np.int64)
    pt, eta, phi = (np.broadcast_to(np.asarray(a, float), (n,)).copy() for a in (pt, eta, phi))
    m = np.array([MASS[abs(int(p))] for p in pdg])
    if energy is not None:
        pt = np.sqrt(np.asarray(energy, float) ** 2 - m ** 2) / np.cosh(eta)
    px, py, pz = pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta)
    E = np.sqrt(px ** 2 + py ** 2 + pz ** 2 + m ** 2)
    q = D.pdg_charge(pdg) if charge is None else np.broadcast_to(charge, (n,)).astype(float)
    vx, vy, vz = (np.broadcast_to(np.asarray(v, float), (n,)) for v in vertex)
    rec = ak.zip({"px": px, "py": py, "pz": pz, "E": E, "pdgId": pdg.astype(np.int32), "charge": q,
                  "xProd": vx, "yProd": vy, "zProd": vz})
    return ak.unflatten(rec, np.full(n // per_event, per_event))


def ideal(card, calorimeter_name=None, **changes):
    """The card with the named calorimeter's regions changed (e.g. no resolution) and/or its dead cells replaced."""
    cals = []
    for c in card.calorimeters:
        if calorimeter_name is None or c.name == calorimeter_name:
            reg = {k: v for k, v in changes.items() if k in ("stochastic", "constant", "noise", "threshold")}
            top = {k: v for k, v in changes.items() if k in ("dead_fraction", "dead_cells")}
            c = dataclasses.replace(c, regions=tuple(dataclasses.replace(r, **reg) for r in c.regions), **top)
        cals.append(c)
    return card.replace(calorimeters=tuple(cals))


def flat(out, field):
    return ak.to_numpy(ak.flatten(out[field]))


def first(out, field, fill=np.nan):
    return ak.to_numpy(ak.fill_none(ak.firsts(out[field]), fill))


def rng(seed):
    return np.random.default_rng(seed)


# --------------------------------------------------------------------------------------------- calorimeters
@pytest.mark.parametrize("energy,eta_range", [(50.0, (-1.3, 1.3)), (5.0, (1.7, 2.8))])
def test_photon_energy_response_and_fitted_width(energy, eta_range):
    N = 20000
    r = rng(1)
    eta = r.uniform(*eta_range, N)
    pt = energy / np.cosh(eta)
    out = D.simulate(events(22, pt, eta, r.uniform(-np.pi, np.pi, N)), CMS, seed=3)
    n = ak.to_numpy(ak.num(out))
    assert n.max() == 1
    resp = first(out, "E")[n == 1] / energy
    assert np.all(flat(out, "pdgId") == 22)
    reg = CMS.calorimeters[0].regions[0 if eta_range[1] < 1.479 else 1]
    sigma = np.sqrt(reg.stochastic ** 2 / energy + reg.constant ** 2 + (reg.noise / energy) ** 2)
    assert abs(resp.mean() - 1) < 4 * sigma / np.sqrt(len(resp))
    # Gaussian fit of the response histogram: its width is the stated resolution (log-normal ~ Gaussian here)
    h, e = np.histogram(resp, bins=80, range=(1 - 5 * sigma, 1 + 5 * sigma))
    x = 0.5 * (e[1:] + e[:-1])
    (a, mu, s), cov = optimize.curve_fit(lambda x, a, mu, s: a * np.exp(-0.5 * ((x - mu) / s) ** 2), x, h,
                                         p0=(h.max(), 1, sigma), sigma=np.sqrt(h + 1))
    assert abs(s / sigma - 1) < 0.03, (s, sigma)
    assert abs(resp.std() / sigma - 1) < 0.03
    # massless candidate along the cell centre's direction
    p = np.sqrt(first(out, "px") ** 2 + first(out, "py") ** 2 + first(out, "pz") ** 2)
    np.testing.assert_allclose(first(out, "E")[n == 1], p[n == 1], rtol=1e-12)


def test_neutral_hadron_response_and_tower_grid():
    N = 20000
    r = rng(2)
    eta, phi = r.uniform(-1.6, 1.6, N), r.uniform(-np.pi, np.pi, N)
    out = D.simulate(events(130, 0, eta, phi, energy=50.0), CMS, seed=4)
    n = ak.to_numpy(ak.num(out))
    resp = first(out, "E")[n == 1] / 50.0
    sigma = np.hypot(1.0 / np.sqrt(50.0), 0.05)
    assert abs(resp.mean() - 1) < 4 * sigma / np.sqrt(len(resp))
    assert abs(resp.std() / sigma - 1) < 0.05
    assert np.all(flat(out, "pdgId") == 130)
    # candidates sit at HCAL tower centres: eta on the 0.087 grid's centres, phi on the 72-cell grid's centres
    ceta = np.arcsinh(flat(out, "pz") / np.hypot(flat(out, "px"), flat(out, "py")))
    cphi = np.arctan2(flat(out, "py"), flat(out, "px"))
    np.testing.assert_allclose(np.mod(np.abs(ceta), 0.087), 0.0435, atol=1e-9)
    np.testing.assert_allclose(np.mod(cphi + np.pi, 2 * np.pi / 72), np.pi / 72, atol=1e-9)


def test_neutral_hadrons_below_threshold_vanish():
    N = 40000
    r = rng(3)
    eta, phi = r.uniform(-1.5, 1.5, N), r.uniform(-np.pi, np.pi, N)
    thr = CMS.calorimeters[1].regions[0].threshold
    # without resolution: exactly nothing below the threshold, everything above it
    card = ideal(CMS, "HCAL", stochastic=0.0, constant=0.0, dead_fraction=0.0)
    for E, expect in ((0.8 * thr, 0), (1.2 * thr, 1)):
        out = D.simulate(events(130, 0, eta, phi, energy=E), card, seed=5)
        assert np.all(ak.to_numpy(ak.num(out)) == expect)
    # with the resolution, a deposit survives exactly when its log-normal fluctuation lifts it over the threshold
    card = ideal(CMS, "HCAL", dead_fraction=0.0)
    for E in (0.55, 0.7):  # total energies (the K_L mass is 0.498 GeV)
        out = D.simulate(events(130, 0, eta, phi, energy=E), card, seed=6)
        frac = (ak.to_numpy(ak.num(out)) > 0).mean()
        s = np.hypot(1 / np.sqrt(E), 0.05)
        s2 = np.log1p(s * s)
        p = stats.norm.sf((np.log(thr / E) + 0.5 * s2) / np.sqrt(s2))
        assert abs(frac - p) < 4 * np.sqrt(p * (1 - p) / N) + 1e-4, (E, frac, p)
    assert p < 0.2  # the test compares a genuine suppression, not a near-certain pass


def test_dead_cells_seeded_fraction_and_explicit_list():
    N = 50000
    r = rng(4)
    eta, phi = r.uniform(-1.4, 1.4, N), r.uniform(-np.pi, np.pi, N)
    out = D.simulate(events(22, 30.0 / np.cosh(eta), eta, phi), CMS, seed=7)
    g = grid(CMS.calorimeters[0])
    dead = g.dead[g.cell_of(eta, phi)]
    assert 0.002 < dead.mean() < 0.01          # about the card's 0.5 % of the crystals are hit
    np.testing.assert_array_equal(ak.to_numpy(ak.num(out)) == 0, dead)  # no candidate exactly from dead cells
    # the map is the detector's (card seed), not the event seed's
    out2 = D.simulate(events(22, 30.0 / np.cosh(eta), eta, phi), CMS, seed=8)
    np.testing.assert_array_equal(ak.to_numpy(ak.num(out2)) == 0, dead)
    # an explicitly listed HCAL tower: nothing from it, its neighbours unaffected
    card = ideal(CMS, "HCAL", dead_fraction=0.0, dead_cells=((0.5, 1.0),))
    hc = grid(card.calorimeters[1])
    c = hc.cell_of([0.5], [1.0])[0]
    lo_e, hi_e, lo_p, hi_p = hc.eta_lo[c], hc.eta_hi[c], hc.phi_lo[c], hc.phi_hi[c]
    M = 2000
    inside = events(130, 10.0, r.uniform(lo_e, hi_e, M), r.uniform(lo_p, hi_p, M))
    beside = events(130, 10.0, r.uniform(lo_e, hi_e, M) + 0.087, r.uniform(lo_p, hi_p, M))
    assert ak.sum(ak.num(D.simulate(inside, card, seed=1))) == 0
    assert np.all(ak.to_numpy(ak.num(D.simulate(beside, card, seed=1))) == 1)
    with pytest.raises(ValueError, match="dead_cells"):
        grid(dataclasses.replace(card.calorimeters[1], dead_cells=((4.0, 0.0),)))


def test_two_photons_in_one_cell_merge():
    g = grid(CMS.calorimeters[0])
    live = np.flatnonzero(~g.dead & (np.abs(g.eta_centre) < 1.4))
    r = rng(5)
    N = 5000
    cells = r.choice(live, N)

    def inside(c):
        return (g.eta_lo[c] + r.uniform(0.05, 0.95, N) * (g.eta_hi[c] - g.eta_lo[c]),
                g.phi_lo[c] + r.uniform(0.05, 0.95, N) * (g.phi_hi[c] - g.phi_lo[c]))

    (e1, p1), (e2, p2) = inside(cells), inside(cells)
    E1, E2 = 20.0, 30.0
    eta = np.stack([e1, e2], 1).ravel()
    phi = np.stack([p1, p2], 1).ravel()
    pt = (np.array([E1, E2])[None, :] / np.cosh(np.stack([e1, e2], 1))).ravel()
    out = D.simulate(events(22, pt, eta, phi, per_event=2), CMS, seed=9)
    assert np.all(ak.to_numpy(ak.num(out)) == 1)
    E = first(out, "E")
    sigma = np.sqrt(0.028 ** 2 / 50 + 0.003 ** 2 + (0.125 / 50) ** 2)
    assert abs(E.mean() / (E1 + E2) - 1) < 4 * sigma / np.sqrt(N)
    assert abs(E.std() / (E1 + E2) / sigma - 1) < 0.06
    ceta = np.arcsinh(first(out, "pz") / np.hypot(first(out, "px"), first(out, "py")))
    np.testing.assert_allclose(ceta, g.eta_centre[cells], atol=1e-9)
    # one of them moved to the next ring: two candidates
    out = D.simulate(events(22, pt, eta + np.repeat([[0.0, 0.0174]], N, 0).ravel(), phi, per_event=2),
                     ideal(CMS, "ECAL", dead_fraction=0.0), seed=9)
    assert np.all(ak.to_numpy(ak.num(out)) == 2)


def test_weighted_position_is_the_energy_weighted_direction():
    card = ideal(CMS, "ECAL", dead_fraction=0.0).replace(position="weighted")
    g = grid(card.calorimeters[0])
    c = g.cell_of([0.3], [0.2])[0]
    e = g.eta_lo[c] + np.array([0.2, 0.7]) * 0.0174
    p = g.phi_lo[c] + np.array([0.6, 0.1]) * 2 * np.pi / 360
    out = D.simulate(events(22, np.array([10.0, 30.0]) / np.cosh(e), e, p, per_event=2), card, seed=1)
    ceta = np.arcsinh(first(out, "pz") / np.hypot(first(out, "px"), first(out, "py")))[0]
    assert ceta == pytest.approx((10 * e[0] + 30 * e[1]) / 40, abs=1e-12)
    assert np.arctan2(first(out, "py"), first(out, "px"))[0] == pytest.approx((10 * p[0] + 30 * p[1]) / 40, abs=1e-12)


# --------------------------------------------------------------------------------------------- tracker
@pytest.mark.parametrize("pt,eta_range,expect", [(0.3, (-1.4, 1.4), 0.75), (0.7, (-1.4, 1.4), 0.85),
                                                 (5.0, (-1.4, 1.4), 0.93), (5.0, (1.6, 2.4), 0.85),
                                                 (5.0, (2.6, 2.9), 0.0)])
def test_tracking_efficiency_recovered(pt, eta_range, expect):
    N = 20000
    r = rng(6)
    pdg = r.choice([211, -211], N)
    out = D.simulate(events(pdg, pt, r.uniform(*eta_range, N), r.uniform(-np.pi, np.pi, N)), CMS, seed=11)
    tracked = ak.to_numpy(ak.any(np.abs(out.pdgId) == 211, axis=1))
    assert abs(tracked.mean() - expect) < 4 * np.sqrt(max(expect * (1 - expect), 1e-4) / N)
    assert CMS.tracker.efficiency_hadron(np.abs(r.uniform(*eta_range, 10)), np.full(10, pt)).max() == expect
    # an untracked pion is not lost: its energy reaches the HCAL (neutral-hadron candidate above threshold)
    if expect < 1 and pt > 2:
        untracked = ~tracked
        assert np.all(ak.to_numpy(ak.all(out.pdgId[untracked] == 130, axis=1)))
        assert (ak.to_numpy(ak.num(out[untracked])) == 1).mean() > 0.95


@pytest.mark.parametrize("pt", [10.0, 100.0, 1000.0])
def test_pt_resolution_recovered(pt):
    N = 20000
    r = rng(7)
    eta = r.uniform(-0.85, 0.85, N)
    out = D.simulate(events(211, pt, eta, r.uniform(-np.pi, np.pi, N)), CMS, seed=12)
    sel = first(out, "pdgId", 0) == 211
    pt_meas = np.hypot(first(out, "px"), first(out, "py"))[sel]
    x = pt / pt_meas - 1                      # = sigma * N(0, 1) for curvature smearing
    sigma = np.hypot(0.005, 0.6e-4 * pt)
    assert abs(x.std() / sigma - 1) < 0.04
    assert abs(x.mean()) < 4 * sigma / np.sqrt(len(x))
    # the card meets the brief's CMS-like numbers: 0.5-1 % at 10 GeV, 5-10 % at 1 TeV (central)
    rel = CMS.tracker.resolution_hadron.relative(np.array([0.1]), np.array([pt]))[0]
    assert (0.005 <= rel <= 0.01) if pt == 10 else (0.05 <= rel <= 0.10) if pt == 1000 else rel < 0.02
    # charged hadrons carry the pion mass
    E = first(out, "E")[sel]
    p2 = (first(out, "px") ** 2 + first(out, "py") ** 2 + first(out, "pz") ** 2)[sel]
    np.testing.assert_allclose(E ** 2 - p2, 0.13957039 ** 2, rtol=1e-4, atol=1e-9 * pt ** 2)


def _pca_by_sampling(x, y, z, px, py, pz, q, B, helix):
    """Numerical point of closest approach to the z axis: dense sampling of the trajectory, then refinement."""
    pt = np.hypot(px, py)
    if helix:
        R = 1000 * pt / (0.299792458 * abs(q) * B)
        s = np.sign(q)
        cx, cy = x + s * R * py / pt, y - s * R * px / pt
        a0 = np.arctan2(y - cy, x - cx)

        def point(t):  # t = signed transverse path length along the motion
            a = a0 - s * t / R
            return cx + R * np.cos(a), cy + R * np.sin(a), z + t * pz / pt
        span = np.pi * R
    else:
        def point(t):
            return x + t * px / pt, y + t * py / pt, z + t * pz / pt
        span = 10 * np.hypot(x, y) + 10
    t = np.linspace(-span, span, 200001)
    X, Y, Z = point(t)
    i = np.argmin(X * X + Y * Y)
    res = optimize.minimize_scalar(lambda t: np.hypot(*point(t)[:2]), bracket=(t[max(i - 1, 0)], t[i],
                                                                               t[min(i + 1, len(t) - 1)]))
    X, Y, Z = point(res.x)
    return np.hypot(X, Y), Z


@pytest.mark.parametrize("helix", [False, True])
def test_impact_parameters_match_the_trajectory(helix):
    r = rng(8)
    for _ in range(20):
        x, y, z = r.uniform(-30, 30, 3)
        pt, phi, eta = r.uniform(0.3, 5.0), r.uniform(-np.pi, np.pi), r.uniform(-2, 2)
        q = r.choice([-1.0, 1.0])
        px, py, pz = pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta)
        d0, dz, ux, uy = D.impact_parameters([x], [y], [z], [px], [py], [pz], [q], 3.8, helix=helix)
        dist, zpca = _pca_by_sampling(x, y, z, px, py, pz, q, 3.8, helix)
        assert abs(d0[0]) == pytest.approx(dist, abs=1e-6)
        assert dz[0] == pytest.approx(zpca, abs=1e-5)
        assert np.hypot(ux[0], uy[0]) == pytest.approx(1.0)


def test_d0_closed_forms_through_the_detector():
    """A pion from a vertex displaced by x0 along x: moving along +y, d0 = -x0 (CMS sign) for either field; moving
    radially, the straight line gives 0 and the helix -s x0^2 / (R + sqrt(R^2 + x0^2))."""
    x0, z0, pt, N = 5.0, 10.0, 2.0, 4000
    exact = CMS.replace(tracker=dataclasses.replace(CMS.tracker, impact=D.ImpactResolution()))
    for q in (1, -1):
        pdg = 211 * q
        R = 1000 * pt / (0.299792458 * 3.8)
        tangent = events(pdg, pt, np.zeros(N), np.full(N, np.pi / 2), vertex=(x0, 0.0, z0))
        radial = events(pdg, pt, np.full(N, 0.5), np.zeros(N), vertex=(x0, 0.0, z0))
        o = D.simulate(tangent, exact, seed=1)
        sel = first(o, "pdgId", 0) == pdg
        assert sel.mean() > 0.85
        np.testing.assert_allclose(first(o, "d0")[sel], -x0 / 10, rtol=1e-9)        # cm
        np.testing.assert_allclose(first(o, "dz")[sel], z0 / 10, rtol=1e-9)
        o = D.simulate(radial, exact, seed=1)
        sel = first(o, "pdgId", 0) == pdg
        np.testing.assert_allclose(first(o, "d0")[sel], -q * x0 ** 2 / (R + np.hypot(R, x0)) / 10, rtol=1e-9)
        # dz: back along the arc to the PCA, z0 - R atan(x0 / R) sinh(eta)
        np.testing.assert_allclose(first(o, "dz")[sel], (z0 - R * np.arctan(x0 / R) * np.sinh(0.5)) / 10,
                                   rtol=1e-9)
        straight = exact.replace(tracker=dataclasses.replace(exact.tracker, helix=False))
        o = D.simulate(radial, straight, seed=1)
        sel = first(o, "pdgId", 0) == pdg
        np.testing.assert_allclose(first(o, "d0")[sel], 0.0, atol=1e-15)
        np.testing.assert_allclose(first(o, "dz")[sel], (z0 - x0 * np.sinh(0.5)) / 10, rtol=1e-12)
    # with the resolution: unbiased, with the reported spread
    o = D.simulate(events(211, pt, np.zeros(N), np.full(N, np.pi / 2), vertex=(x0, 0.0, z0)), CMS, seed=2)
    sel = first(o, "pdgId", 0) == 211
    d0, err = first(o, "d0")[sel], first(o, "d0Err")[sel]
    pull = (d0 + x0 / 10) / err
    assert abs(pull.mean()) < 4 / np.sqrt(sel.sum()) and abs(pull.std() - 1) < 0.05
    expect = np.hypot(0.010, 0.090 / pt) / 10       # cm at theta = 90 degrees
    np.testing.assert_allclose(err, expect, rtol=1e-9)
    dzerr = first(o, "dzErr")[sel]
    assert abs(((first(o, "dz")[sel] - z0 / 10) / dzerr).std() - 1) < 0.05
    assert 10e-4 <= expect <= 100e-4                 # 10-100 um, in cm


def test_charge_and_pdg_ids_of_tracks():
    N = 30000
    r = rng(9)
    pdg = r.choice([211, -211, 321, -321, 2212, -2212, 11, -11, 13, -13], N)
    out = D.simulate(events(pdg, r.uniform(3, 50, N), r.uniform(-2.3, 2.3, N), r.uniform(-np.pi, np.pi, N)),
                     CMS, seed=13)
    q_in = D.pdg_charge(pdg)
    qc = first(out, "charge", 0)
    pid = first(out, "pdgId", 0)
    charged = qc != 0
    assert charged.mean() > 0.8
    np.testing.assert_array_equal(qc[charged], q_in[charged])                  # charge of each track conserved
    # PF sign conventions: pi+ -> +211, e+ -> -11, mu+ -> -13
    kind = np.abs(pid[charged])
    expect = np.where(kind == 211, 211 * qc[charged], np.where(kind == 11, -11 * qc[charged], -13 * qc[charged]))
    np.testing.assert_array_equal(pid[charged], expect)
    assert set(np.unique(kind)) == {11, 13, 211}
    # kaons and protons are charged hadrons (211); leptons identified most of the time at these pT
    hadron = np.isin(np.abs(pdg), (321, 2212)) & charged
    assert np.all(np.abs(pid[hadron]) == 211)
    mu = (np.abs(pdg) == 13) & charged & (np.abs(np.arcsinh(first(out, "pz") / np.hypot(first(out, "px"),
                                                                                        first(out, "py")))) < 2.3)
    assert (np.abs(pid[mu]) == 13).mean() > 0.85
    assert np.all(flat(out, "charge")[np.isin(flat(out, "pdgId"), (22, 130))] == 0)
    assert np.all(flat(out, "puppiWeight") == 1.0)


def test_determinism_with_the_seed():
    r = rng(10)
    N = 300
    parts = events(r.choice([22, 130, 211, -211, 11, 13], N), r.uniform(0.5, 40, N), r.uniform(-2.8, 2.8, N),
                   r.uniform(-np.pi, np.pi, N), per_event=10)
    a, b, c = D.simulate(parts, "cms", seed=5), D.simulate(parts, "cms", seed=5), D.simulate(parts, "cms", seed=6)
    assert ak.to_list(a) == ak.to_list(b)
    assert ak.to_list(a) != ak.to_list(c)
    u = D.simulate(parts, "delphes_atlas", seed=5)
    assert ak.to_list(u) == ak.to_list(D.simulate(parts, "delphes_atlas", seed=5))


def test_candidates_are_pt_ordered_and_neutrinos_dropped():
    parts = events(np.array([12, 22, 211, -14]), np.array([50.0, 5.0, 20.0, 40.0]), np.zeros(4), np.linspace(0, 1, 4),
                   per_event=4)
    out = D.simulate(parts, "cms", seed=0)
    pt = np.hypot(flat(out, "px"), flat(out, "py"))
    assert len(pt) == 2 and pt[0] > pt[1]
    lev = D.particle_level(parts)
    assert set(flat(lev, "pdgId")) == {22, 211}
    assert np.all(np.diff(np.hypot(flat(lev, "px"), flat(lev, "py"))) <= 0)


def test_delphes_atlas_tower_position_is_uniform_in_the_cell():
    card = D.load_card("delphes_atlas")
    N = 5000
    r = rng(11)
    eta, phi = r.uniform(-1.4, 1.4, N), r.uniform(-np.pi, np.pi, N)
    out = D.simulate(events(22, 40.0 / np.cosh(eta), eta, phi), card, seed=2)
    g = grid(card.calorimeters[0])
    c = g.cell_of(eta, phi)
    ceta = np.arcsinh(first(out, "pz") / np.hypot(first(out, "px"), first(out, "py")))
    assert np.all((ceta >= g.eta_lo[c] - 1e-12) & (ceta <= g.eta_hi[c] + 1e-12))
    f = (ceta - g.eta_lo[c]) / (g.eta_hi[c] - g.eta_lo[c])
    assert stats.kstest(f, "uniform").pvalue > 1e-3
    # Delphes ATLAS ECAL: sigma(E)/E = 0.101/sqrt(E) (+) 0.0017
    resp = first(out, "E") / 40.0
    assert abs(resp.std() / np.hypot(0.101 / np.sqrt(40), 0.0017) - 1) < 0.06
    assert "0.101/√E" in D.describe(card) and "0.028/√E" in D.describe("cms")
    for name in D.CARDS:  # a well-formed markdown table: three cells per row (pipes inside cells escaped)
        rows = D.describe(name).splitlines()
        assert all(r.replace("\\|", "").count("|") == 4 for r in rows), name


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="pdgId"):
        D.simulate(ak.Array([[{"px": 1.0, "py": 0.0, "pz": 0.0, "E": 1.0}]]))
    with pytest.raises(ValueError, match="card"):
        D.load_card("cms2016")
    with pytest.raises(ValueError, match="9999999"):
        D.pdg_charge([9999999])


# --------------------------------------------------------------------------------------------- Pythia events
@pytest.fixture(scope="module")
def pythia_batch():
    pytest.importorskip("pythia8mc")
    from hepscaling.data import pythia as P
    from hepscaling.jets._quiet import quiet_stdout

    py = P.make_pythia("qcd", 4242)
    with quiet_stdout():
        return py.nextBatch(40)


def test_particles_from_pythia_conserve_four_momentum_and_charge(pythia_batch):
    allvis = D.particles_from_pythia(pythia_batch, drop=())
    assert set(ak.fields(allvis)) == set(D.INPUT_FIELDS)
    # the whole final state: (0, 0, 0, 14 TeV) and the charge of two protons
    np.testing.assert_allclose(ak.to_numpy(ak.sum(allvis.E, axis=1)), 14000.0, rtol=1e-6)
    for k in ("px", "py", "pz"):
        np.testing.assert_allclose(ak.to_numpy(ak.sum(allvis[k], axis=1)), 0.0, atol=1e-3 * 14000)
    np.testing.assert_allclose(ak.to_numpy(ak.sum(allvis.charge, axis=1)), 2.0, atol=1e-9)
    vis = D.particles_from_pythia(pythia_batch)
    assert not np.any(np.isin(np.abs(flat(vis, "pdgId")), (12, 14, 16)))
    # displaced vertices exist (K0S, Lambda, heavy-flavour decays) and point along the particles' flight: a decay
    # product's vertex lies in the forward hemisphere of its own momentum in most cases
    v = np.stack([flat(vis, k) for k in ("xProd", "yProd", "zProd")], 1)
    p = np.stack([flat(vis, k) for k in ("px", "py", "pz")], 1)
    disp = np.linalg.norm(v, axis=1) > 1.0
    assert 0.01 < disp.mean() < 0.5
    assert np.mean(np.einsum("ij,ij->i", v[disp], p[disp]) > 0) > 0.9


def test_pythia_event_energy_closure(pythia_batch):
    """Candidates' total energy vs the visible energy within the calorimeters' |eta| < 3 (500-700 GeV dijets)."""
    vis = D.particles_from_pythia(pythia_batch)
    out = D.simulate(vis, "cms", seed=1)
    pt = np.hypot(vis.px, vis.py)
    acc = np.abs(np.arcsinh(vis.pz / pt)) < 3.0
    ratio = ak.to_numpy(ak.sum(out.E, axis=1) / ak.sum(vis.E[acc], axis=1))
    assert abs(np.median(ratio) - 1) < 0.03, np.median(ratio)
    assert np.mean(np.abs(ratio - 1) < 0.10) >= 0.9, np.sort(ratio)
    # and in pT (the jets' scale): the scalar sum of pT within |eta| < 2.5
    cpt = np.hypot(out.px, out.py)
    cacc = np.abs(np.arcsinh(out.pz / cpt)) < 2.5
    r_ht = ak.to_numpy(ak.sum(cpt[cacc], axis=1) / ak.sum(pt[np.abs(np.arcsinh(vis.pz / pt)) < 2.5], axis=1))
    assert abs(np.median(r_ht) - 1) < 0.05
    # mostly charged hadrons and photons, like CMS PF in jets
    pid = np.abs(flat(out, "pdgId"))
    frac = {k: np.mean(pid == k) for k in (211, 22, 130)}
    assert frac[211] > 0.3 and frac[22] > 0.3 and 0.02 < frac[130] < 0.3, frac
