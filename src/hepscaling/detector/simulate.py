"""``simulate``: visible particles (awkward, events x particles) -> particle-flow candidates (events x candidates).

Vectorised over the whole batch: every step works on flat numpy arrays with an event index (no Python loop over
events or particles).  Random draws come from one ``numpy.random.Generator(seed)`` in a fixed order, so the same
input and seed give the same output (the draws of one event depend on the rest of the batch).
"""
from __future__ import annotations

import numpy as np

from .calorimeter import grid, merge_deposits
from .cards import CARDS, Card, load_card  # noqa: F401  (CARDS: named in the docstrings)
from .tracker import impact_parameters, smear_curvature

__all__ = ["simulate", "particle_level", "pdg_charge", "OUTPUT_FIELDS", "INPUT_FIELDS"]

INPUT_FIELDS = ("px", "py", "pz", "E", "pdgId", "charge", "xProd", "yProd", "zProd")
REQUIRED = ("px", "py", "pz", "E", "pdgId")
OUTPUT_FIELDS = ("px", "py", "pz", "E", "pdgId", "charge", "d0", "d0Err", "dz", "dzErr", "puppiWeight")
M_E, M_MU = 0.51099895e-3, 0.1056583755
_UNIT = {"mm": 1.0, "cm": 0.1}

# electric charge (units of e) of leptons and gauge bosons; hadrons from their quark content (pdg_charge)
_LEPTON_BOSON_CHARGE = {11: -1, 12: 0, 13: -1, 14: 0, 15: -1, 16: 0, 17: -1, 18: 0, 21: 0, 22: 0, 23: 0, 24: 1,
                        25: 0, 1000022: 0, 1000039: 0}
_QUARK3 = {1: -1, 2: 2, 3: -1, 4: 2, 5: -1, 6: 2}  # three times the quark charges


def _charge3_one(pid: int) -> int | None:
    a = abs(int(pid))
    if a in _LEPTON_BOSON_CHARGE:
        c3 = 3 * _LEPTON_BOSON_CHARGE[a]
    elif a in (130, 310):
        c3 = 0
    else:
        q1, q2, q3 = (a // 1000) % 10, (a // 100) % 10, (a // 10) % 10
        if a >= 10**7 or q3 == 0 or q2 == 0 or any(q > 6 for q in (q1, q2, q3)):
            return None
        if q1 == 0:  # meson q2 q3bar; the PDG sign convention flips for down-type q2
            c3 = _QUARK3[q2] - _QUARK3[q3]
            if q2 % 2 == 1:
                c3 = -c3
        else:        # baryon q1 q2 q3
            c3 = _QUARK3[q1] + _QUARK3[q2] + _QUARK3[q3]
    return c3 if pid > 0 else -c3


def pdg_charge(pdg_id) -> np.ndarray:
    """Electric charge (units of e, float) of each PDG id: leptons and bosons from a table, hadrons from the quark
    content of the PDG numbering scheme (mesons: q2 q3-bar, the sign flipped for down-type q2; baryons: q1 q2 q3)."""
    ids = np.asarray(pdg_id, dtype=np.int64)
    uniq, inv = np.unique(ids, return_inverse=True)
    c3 = []
    for u in uniq:
        c = _charge3_one(int(u))
        if c is None:
            raise ValueError(f"pdgId: cannot derive the charge of PDG id {int(u)}; give the particles a 'charge' field")
        c3.append(c)
    return (np.asarray(c3, dtype=float) / 3.0)[inv].reshape(ids.shape)


# ------------------------------------------------------------------------------------------------------- input
def _flat_input(particles):
    """Flat float64/int columns and per-event counts from an awkward ``events x particles`` record array."""
    import awkward as ak

    if not isinstance(particles, ak.Array):
        raise TypeError(f"particles: expected an awkward Array (events x particles) of records, got "
                        f"{type(particles).__name__}")
    fields = ak.fields(particles)
    missing = [f for f in REQUIRED if f not in fields]
    if missing:
        raise ValueError(f"particles: missing field(s) {missing}; expected records with {INPUT_FIELDS} "
                         "(charge and xProd/yProd/zProd optional)")
    if particles.ndim != 2:
        raise ValueError(f"particles: expected events x particles (2 dimensions), got {particles.ndim}: "
                         f"{particles.type}")
    counts = ak.to_numpy(ak.num(particles, axis=1)).astype(np.int64)

    def col(name, dtype=np.float64):
        return np.asarray(ak.to_numpy(ak.flatten(particles[name], axis=1)), dtype=dtype)

    out = {k: col(k) for k in ("px", "py", "pz", "E")}
    out["pdgId"] = col("pdgId", np.int64)
    out["charge"] = col("charge") if "charge" in fields else pdg_charge(out["pdgId"])
    for k in ("xProd", "yProd", "zProd"):
        out[k] = col(k) if k in fields else np.zeros(len(out["px"]))
    for k, v in out.items():
        if not np.all(np.isfinite(v)):
            raise ValueError(f"particles: field {k!r} has non-finite values")
    return out, counts


def _to_awkward(cols: dict, event: np.ndarray, n_events: int):
    import awkward as ak

    counts = np.bincount(event, minlength=n_events)
    offsets = np.r_[0, np.cumsum(counts)].astype(np.int64)
    content = ak.contents.RecordArray([ak.contents.NumpyArray(np.ascontiguousarray(cols[k])) for k in OUTPUT_FIELDS],
                                      list(OUTPUT_FIELDS))
    return ak.Array(ak.contents.ListOffsetArray(ak.index.Index64(offsets), content))


def _order(event, px, py):
    """Permutation: by event, then pT descending (one float sort key: event + 0.5/(1 + pT), stable for ties)."""
    return np.argsort(event + 0.5 / (1.0 + np.hypot(px, py)), kind="stable")


# ------------------------------------------------------------------------------------------------------- paths
def particle_level(particles, length_unit: str = "cm"):
    """The particle-level path with the candidates' fields: the visible particles themselves (neutrinos dropped),
    their own pdgId and charge, straight-line d0 and dz from the production vertex (no field; errors 0), PUPPI
    weight 1, pT-ordered per event."""
    p, counts = _flat_input(particles)
    n_events = len(counts)
    event = np.repeat(np.arange(n_events), counts)
    aid = np.abs(p["pdgId"])
    vis = ~np.isin(aid, (12, 14, 16, 1000022, 1000039))
    d0, dz, _, _ = impact_parameters(p["xProd"], p["yProd"], p["zProd"], p["px"], p["py"], p["pz"], p["charge"],
                                     0.0, helix=False)
    cols = {k: p[k] for k in ("px", "py", "pz", "E")}
    cols.update(pdgId=p["pdgId"].astype(np.int32), charge=np.rint(p["charge"]).astype(np.int32),
                d0=d0 * _UNIT[length_unit], dz=dz * _UNIT[length_unit], d0Err=np.zeros(len(d0)),
                dzErr=np.zeros(len(d0)), puppiWeight=np.ones(len(d0)))
    o = _order(event[vis], p["px"][vis], p["py"][vis])
    return _to_awkward({k: v[vis][o] for k, v in cols.items()}, event[vis][o], n_events)


def simulate(particles, card: "str | Card" = "cms", seed: int = 0):
    """Particle-flow candidates of a parametrised detector (see :mod:`hepscaling.detector`).

    ``particles``: awkward Array (events x particles) of records with px, py, pz, E (GeV), pdgId and optionally charge
    (else from pdgId) and the production vertex xProd, yProd, zProd (mm; else the origin) — the visible final state
    (neutrinos and the card's ``invisible`` ids are dropped here).  ``card``: a card name (:data:`CARDS`), a
    :class:`Card`, or ``"particle"`` for :func:`particle_level`.  Returns an awkward Array (events x candidates) of
    records with :data:`OUTPUT_FIELDS` (d0, dz and their errors in the card's ``length_unit``), pT-ordered per event.
    """
    if isinstance(card, str) and card == "particle":
        return particle_level(particles)
    card = load_card(card)
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed: expected an integer, got {seed!r}")
    rng = np.random.default_rng(int(seed))
    p, counts = _flat_input(particles)
    n_events = len(counts)
    n = len(p["px"])
    event = np.repeat(np.arange(n_events, dtype=np.int64), counts)
    px, py, pz, E, q = p["px"], p["py"], p["pz"], p["E"], p["charge"]
    pid = p["pdgId"]
    aid = np.abs(pid)
    pt = np.hypot(px, py)
    with np.errstate(divide="ignore", invalid="ignore"):
        eta = np.where(pt > 0, np.arcsinh(pz / np.where(pt > 0, pt, 1.0)), np.copysign(np.inf, pz))
    phi = np.arctan2(py, px)
    abseta = np.abs(eta)

    t = card.tracker
    li = card.lepton_id
    visible = ~np.isin(aid, card.invisible)
    charged = visible & (q != 0)
    is_mu = charged & (aid == 13)
    is_e = charged & (aid == 11)
    rho0 = np.hypot(p["xProd"], p["yProd"])
    # random numbers are drawn in a fixed order, one per particle of the subset that needs them
    c = np.flatnonzero(charged & (abseta < t.eta_max) & (rho0 < t.vertex_rho_max)
                       & (np.abs(p["zProd"]) < t.vertex_abs_z_max))
    ce, cmu = is_e[c], is_mu[c]
    eff = t.efficiency_hadron(abseta[c], pt[c])
    if np.any(ce):
        eff[ce] = t.efficiency_electron(abseta[c][ce], pt[c][ce])
    if np.any(cmu):
        eff[cmu] = t.efficiency_muon(abseta[c][cmu], pt[c][cmu])
    u_track = rng.random(len(c))
    w = c[u_track < eff]                                       # the tracked particles
    tracked = np.zeros(n, dtype=bool)
    tracked[w] = True
    we, wmu = is_e[w], is_mu[w]
    u_id = rng.random(len(w))
    pf_e = np.zeros(len(w), dtype=bool)
    pf_mu = np.zeros(len(w), dtype=bool)
    if np.any(we):
        pf_e[we] = u_id[we] < li.electron_efficiency(abseta[w][we], pt[w][we])
    if np.any(wmu):
        pf_mu[wmu] = u_id[wmu] < li.muon_efficiency(abseta[w][wmu], pt[w][wmu])
    z_pt, z_d0, z_dz = rng.standard_normal((3, len(w)))

    # ---- tracks
    tq = q[w]
    sgn = np.sign(tq).astype(np.int64)
    tpid = np.where(pf_e, -11 * sgn, np.where(pf_mu, -13 * sgn, 211 * sgn))
    mass = np.where(pf_e, M_E, np.where(pf_mu, M_MU, card.charged_hadron_mass))
    apt, aeta, apz, aE = pt[w], abseta[w], pz[w], E[w]
    d0, dz, ux, uy = impact_parameters(p["xProd"][w], p["yProd"][w], p["zProd"][w], px[w], py[w], apz, tq,
                                       t.b_field, t.helix)
    s_d0, s_dz = t.impact.sigmas(apt, apz)
    res = t.resolution_hadron.relative(aeta, apt)
    if np.any(wmu):
        res[wmu] = t.resolution_muon.relative(aeta[wmu], apt[wmu])
    pt_meas = smear_curvature(apt, res, z_pt)
    if np.any(pf_e):  # PF electrons: their own resolution (ECAL energy or track pT), same normal draw
        er = li.electron_resolution
        k = np.flatnonzero(pf_e)
        if er.variable == "E":
            sig = er.relative(aeta[k], aE[k])
            s2 = np.log1p(sig * sig)
            e_meas = aE[k] * np.exp(-0.5 * s2 + np.sqrt(s2) * z_pt[k])   # log-normal: mean 1, width sigma
            p_meas = np.sqrt(np.maximum(e_meas ** 2 - M_E ** 2, 0.0))
            pt_meas[k] = p_meas * apt[k] / np.hypot(apt[k], apz[k])
        else:
            pt_meas[k] = smear_curvature(apt[k], er.relative(aeta[k], apt[k]), z_pt[k])
    tpz = apz * (pt_meas / np.maximum(apt, 1e-300))
    tpx, tpy = ux * pt_meas, uy * pt_meas
    tE = np.sqrt(pt_meas ** 2 + tpz ** 2 + mass ** 2)
    unit = _UNIT[card.length_unit]
    tracks = dict(event=event[w], px=tpx, py=tpy, pz=tpz, E=tE, pdgId=tpid, charge=sgn,
                  d0=(d0 + s_d0 * z_d0) * unit, d0Err=s_d0 * unit, dz=(dz + s_dz * z_dz) * unit,
                  dzErr=s_dz * unit)

    # ---- calorimeter deposits: one per untracked visible particle (muons leave none)
    untracked = visible & ~tracked & ~is_mu
    em = untracked & ((aid == 22) | (aid == 111) | is_e)
    had = untracked & ~em
    parts = [tracks]
    for cal in card.calorimeters:
        kind = em if cal.accepts == "em" else had
        m = kind & (abseta >= cal.eta_min) & (abseta < cal.eta_max)
        g = grid(cal)
        ev, cell, e_meas, ceta, cphi = merge_deposits(g, event[m], eta[m], phi[m], E[m], rng, card.position)
        cpt = e_meas / np.cosh(ceta)
        z0 = np.zeros(len(ev))
        parts.append(dict(event=ev, px=cpt * np.cos(cphi), py=cpt * np.sin(cphi), pz=cpt * np.sinh(ceta), E=e_meas,
                          pdgId=g.pdg_id[cell], charge=np.zeros(len(ev), np.int64), d0=z0, d0Err=z0, dz=z0,
                          dzErr=z0))
    cols = {k: np.concatenate([d[k] for d in parts]) for k in parts[0]}
    o = _order(cols["event"], cols["px"], cols["py"])
    out = {k: cols[k][o] for k in cols}
    out["pdgId"] = out["pdgId"].astype(np.int32)
    out["charge"] = out["charge"].astype(np.int32)
    out["puppiWeight"] = np.ones(len(o))
    return _to_awkward(out, out["event"], n_events)

