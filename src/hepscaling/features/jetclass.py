"""Per-particle inputs of a JetClass-like sample for the set transformer of paper D.

The three input groups follow the JetClass dataset (Qu, Li, Qian, "Particle Transformer for jet tagging",
arXiv:2202.03772, Table 2), in this order:

``"kinematic"`` (7)   log pT, log E, Δη, Δφ, log(pT/pT_jet), log(E/E_jet), ΔR
``"pid"`` (13)        kinematic + charge, isChargedHadron, isNeutralHadron, isPhoton, isElectron, isMuon
``"full"`` (17)       pid + tanh(d0), d0 error, tanh(dz), dz error

with Δη = η - η_jet (pseudorapidity), Δφ = φ - φ_jet wrapped into (-π, π], ΔR = sqrt(Δη² + Δφ²), energies and
momenta in the sample's units (GeV) and logarithms natural. The jet axis is the sum of *all* the jet's constituents
(E-scheme; the JetClass jet), before the multiplicity cap. The values are not standardised (the network does that,
:meth:`hepscaling.models.set_transformer.SetTransformer.init_standardization`).

Sample: a dict (the JetClass loader's return value) with

* ``"constituents"``: (N, M, 4) float, (E, px, py, pz) per constituent, any order, padded;
* ``"mask"``: (N, M) bool, True for real constituents;
* for ``"pid"`` and ``"full"``, per-constituent (N, M) arrays under their JetClass file names (or the short
  aliases in :data:`FIELD_ALIASES`): the charge (``part_charge``) and either the five flags ``part_isChargedHadron``,
  ``part_isNeutralHadron``, ``part_isPhoton``, ``part_isElectron``, ``part_isMuon`` or a PDG id (``part_pdgid``,
  with the charge derived from it when ``part_charge`` is absent); for ``"full"`` also ``part_d0val``,
  ``part_d0err``, ``part_dzval``, ``part_dzerr``;
* optionally ``"jets"`` (a pandas DataFrame or dict of (N,) arrays) with ``jet_pt``, ``jet_eta``, ``jet_phi``,
  ``jet_energy``, used as the jet axis with ``jet_axis="table"``.

Other keys (``labels``, ...) are ignored. The multiplicity cap keeps the ``max_particles`` constituents of highest
pT (pT-ordered, ties in the input order), as the paper's deterministic truncation policy.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["FEATURE_SETS", "FEATURE_NAMES", "FIELD_ALIASES", "JetClassInputs", "jetclass_inputs"]

KINEMATIC = ("log_pt", "log_e", "deta", "dphi", "log_pt_rel", "log_e_rel", "delta_r")
PID = ("charge", "is_charged_hadron", "is_neutral_hadron", "is_photon", "is_electron", "is_muon")
TRACK = ("tanh_d0", "d0_err", "tanh_dz", "dz_err")
FEATURE_NAMES = {"kinematic": KINEMATIC, "pid": KINEMATIC + PID, "full": KINEMATIC + PID + TRACK}
FEATURE_SETS = tuple(FEATURE_NAMES)

#: Accepted keys of each per-constituent field, first the JetClass file name.
FIELD_ALIASES = {
    "charge": ("part_charge", "charge"),
    "is_charged_hadron": ("part_isChargedHadron", "isChargedHadron"),
    "is_neutral_hadron": ("part_isNeutralHadron", "isNeutralHadron"),
    "is_photon": ("part_isPhoton", "isPhoton"),
    "is_electron": ("part_isElectron", "isElectron"),
    "is_muon": ("part_isMuon", "isMuon"),
    "pdgid": ("part_pdgid", "part_pid", "pdgId", "pdgid"),
    "d0": ("part_d0val", "part_d0", "d0"),
    "d0_err": ("part_d0err", "d0Err", "d0err"),
    "dz": ("part_dzval", "part_dz", "dz"),
    "dz_err": ("part_dzerr", "dzErr", "dzerr"),
}

#: Charge of the final-state particles a PDG id may name (antiparticle: opposite sign).
PDG_CHARGE = {11: -1, 13: -1, 22: 0, 111: 0, 130: 0, 211: 1, 310: 0, 321: 1, 2112: 0, 2212: 1, 3112: -1, 3122: 0,
              3222: 1, 3312: -1, 3322: 0, 3334: -1}


class JetClassInputs(NamedTuple):
    """``features`` (N, max_particles, F) float32, zero at padding; ``mask`` (N, max_particles) bool; ``names`` the
    F feature names; ``index`` (N, max_particles) the constituent index in the sample (-1 at padding)."""
    features: np.ndarray
    mask: np.ndarray
    names: tuple
    index: np.ndarray


def _field(sample: dict, name: str, shape, required: bool = True):
    for key in FIELD_ALIASES[name]:
        if key in sample:
            a = np.asarray(sample[key])
            if a.shape != shape:
                raise ValueError(f"jetclass_inputs: sample[{key!r}] must have the shape (N, M) = {shape} of the "
                                 f"constituents, got {a.shape}")
            return a.astype(np.float64)
    if required:
        raise ValueError(f"jetclass_inputs: the sample has no field for {name!r}; expected one of the keys "
                         f"{FIELD_ALIASES[name]}")
    return None


def _pid_flags(sample: dict, shape, real: np.ndarray) -> np.ndarray:
    """(N, M, 6): charge and the five particle-type flags."""
    names = ("is_charged_hadron", "is_neutral_hadron", "is_photon", "is_electron", "is_muon")
    charge = _field(sample, "charge", shape, required=False)
    flags = [_field(sample, n, shape, required=False) for n in names]
    if all(f is not None for f in flags):
        if charge is None:
            raise ValueError(f"jetclass_inputs: the 'pid' inputs need the charge; expected one of the keys "
                             f"{FIELD_ALIASES['charge']}")
        return np.stack([charge, *flags], axis=-1)
    pdg = _field(sample, "pdgid", shape, required=False)
    if pdg is None:
        raise ValueError("jetclass_inputs: the 'pid' inputs need the particle type: the five flags "
                         f"{[FIELD_ALIASES[n][0] for n in names]} or a PDG id under one of {FIELD_ALIASES['pdgid']}")
    apdg = np.abs(np.rint(pdg)).astype(np.int64)
    unknown = sorted(set(np.unique(apdg[real]).tolist()) - set(PDG_CHARGE))
    if unknown:
        raise ValueError(f"jetclass_inputs: PDG ids {unknown} are not final-state particles known here "
                         f"({sorted(PDG_CHARGE)})")
    if charge is None:
        table = np.zeros(max(PDG_CHARGE) + 1)
        table[list(PDG_CHARGE)] = list(PDG_CHARGE.values())
        charge = np.where(real, table[np.where(real, apdg, 0)] * np.sign(pdg), 0.0)
    lepton = (apdg == 11) | (apdg == 13)
    flags = [(charge != 0) & ~lepton, (charge == 0) & (apdg != 22), apdg == 22, apdg == 11, apdg == 13]
    return np.stack([charge, *(f.astype(np.float64) for f in flags)], axis=-1)


def _jet_axis(sample: dict, p4: np.ndarray, real: np.ndarray, jet_axis: str):
    if jet_axis == "constituents":
        j = np.where(real[..., None], p4, 0.0).sum(axis=1)
        E, px, py, pz = j.T
        pt = np.hypot(px, py)
        return pt, np.arcsinh(pz / pt), np.arctan2(py, px), E
    if jet_axis != "table":
        raise ValueError(f"jetclass_inputs: jet_axis must be 'constituents' or 'table', got {jet_axis!r}")
    if "jets" not in sample:
        raise ValueError("jetclass_inputs: jet_axis='table' needs sample['jets'] with jet_pt, jet_eta, jet_phi, "
                         "jet_energy")
    table = sample["jets"]
    out = []
    for col in ("jet_pt", "jet_eta", "jet_phi", "jet_energy"):
        if col not in table:
            raise ValueError(f"jetclass_inputs: sample['jets'] has no column {col!r} (jet_axis='table')")
        v = np.asarray(table[col], dtype=np.float64)
        if v.shape != (p4.shape[0],):
            raise ValueError(f"jetclass_inputs: sample['jets'][{col!r}] must have one value per jet "
                             f"({p4.shape[0]}), got shape {v.shape}")
        out.append(v)
    return tuple(out)


def jetclass_inputs(sample: dict, feature_set: str = "kinematic", max_particles: int = 128, *,
                    jet_axis: str = "constituents") -> JetClassInputs:
    """Per-particle inputs (see the module docstring for the features and the expected keys of ``sample``).

    ``max_particles``: the multiplicity cap; the output always has this many slots (the highest-pT constituents,
    in decreasing pT, then padding). ``jet_axis``: ``"constituents"`` (sum of all constituents) or ``"table"``
    (``sample["jets"]``'s ``jet_pt, jet_eta, jet_phi, jet_energy``)."""
    if feature_set not in FEATURE_NAMES:
        raise ValueError(f"jetclass_inputs: feature_set must be one of {FEATURE_SETS}, got {feature_set!r}")
    if isinstance(max_particles, bool) or not isinstance(max_particles, (int, np.integer)) or max_particles < 1:
        raise ValueError(f"jetclass_inputs: max_particles must be a positive integer, got {max_particles!r}")
    for key in ("constituents", "mask"):
        if key not in sample:
            raise ValueError(f"jetclass_inputs: the sample has no {key!r}; expected keys 'constituents' (N, M, 4) "
                             "(E, px, py, pz) and 'mask' (N, M)")
    p4 = np.asarray(sample["constituents"], dtype=np.float64)
    if p4.ndim != 3 or p4.shape[-1] != 4:
        raise ValueError(f"jetclass_inputs: sample['constituents'] must have shape (N, M, 4) = (E, px, py, pz), got "
                         f"{p4.shape}")
    real = np.asarray(sample["mask"])
    if real.shape != p4.shape[:2]:
        raise ValueError(f"jetclass_inputs: sample['mask'] must have shape (N, M) = {p4.shape[:2]}, got {real.shape}")
    real = real.astype(bool)
    n, m = real.shape
    bad = ~np.isfinite(p4).all(axis=-1) & real
    if bad.any():
        i = int(np.argwhere(bad)[0][0])
        raise ValueError(f"jetclass_inputs: jet {i} has a constituent with NaN or inf four-momentum")
    E, px, py, pz = np.moveaxis(p4, -1, 0)
    pt = np.hypot(px, py)
    empty = ~real.any(axis=1)
    if empty.any():
        raise ValueError(f"jetclass_inputs: jet {int(np.flatnonzero(empty)[0])} has no constituent "
                         f"({int(empty.sum())} empty jets)")
    nonpos = real & ((pt <= 0) | (E <= 0))
    if nonpos.any():
        i, k = np.argwhere(nonpos)[0]
        raise ValueError(f"jetclass_inputs: jet {i}, constituent {k} has pT = {pt[i, k]:.4g}, E = {E[i, k]:.4g}; "
                         "real constituents need pT > 0 and E > 0 (logarithms)")
    jpt, jeta, jphi, jE = _jet_axis(sample, p4, real, jet_axis)

    # pT-ordered truncation: real constituents by decreasing pT (stable), then padding
    k = int(max_particles)
    order = np.argsort(np.where(real, -pt, np.inf), axis=1, kind="stable")[:, :k]
    keep = np.take_along_axis(real, order, axis=1)
    if order.shape[1] < k:                                           # fewer slots than the cap: pad
        order = np.pad(order, ((0, 0), (0, k - order.shape[1])))
        keep = np.pad(keep, ((0, 0), (0, k - keep.shape[1])))

    def take(a):
        return np.where(keep, np.take_along_axis(a, order, axis=1), 0.0)

    tpt, tE = np.where(keep, take(pt), 1.0), np.where(keep, take(E), 1.0)        # 1: log of padding is 0
    deta = np.arcsinh(take(pz) / tpt) - jeta[:, None]
    dphi = np.arctan2(take(py), take(px)) - jphi[:, None]
    dphi = dphi - 2 * np.pi * np.ceil((dphi - np.pi) / (2 * np.pi))
    cols = [np.log(tpt), np.log(tE), deta, dphi, np.log(tpt / jpt[:, None]), np.log(tE / jE[:, None]),
            np.hypot(deta, dphi)]
    if feature_set in ("pid", "full"):
        pid = _pid_flags(sample, (n, m), real)
        cols += [take(pid[..., i]) for i in range(pid.shape[-1])]
    if feature_set == "full":
        d0, d0e, dz, dze = (_field(sample, name, (n, m)) for name in ("d0", "d0_err", "dz", "dz_err"))
        cols += [np.tanh(take(d0)), take(d0e), np.tanh(take(dz)), take(dze)]
    x = np.stack(cols, axis=-1)
    x = np.where(keep[..., None], x, 0.0).astype(np.float32)
    if not np.isfinite(x).all():
        i = int(np.argwhere(~np.isfinite(x).all(axis=(1, 2)))[0][0])
        raise ValueError(f"jetclass_inputs: jet {i} gives non-finite inputs (NaN or inf in a per-constituent field)")
    return JetClassInputs(features=x, mask=keep, names=FEATURE_NAMES[feature_set],
                          index=np.where(keep, order, -1))
