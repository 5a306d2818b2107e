"""Per-particle JetClass inputs: Δη, Δφ, ΔR against a direct per-particle computation on real Pythia jets, momentum
balance of the relative features, pT-ordered truncation, particle-type flags from PDG ids, and clear errors."""
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hepscaling.features import jetclass_inputs
from hepscaling.features.jetclass import FEATURE_NAMES

FIXTURE = Path(__file__).with_name("jets_fixture.npz")


@pytest.fixture(scope="module")
def sample():
    """The 60 fixture jets, constituents shuffled among interleaved padding slots (order must not matter)."""
    p4 = np.load(FIXTURE)["p4"].astype(np.float64)
    rng = np.random.default_rng(0)
    n, m, _ = p4.shape
    out = np.zeros((n, m + 20, 4))
    mask = np.zeros((n, m + 20), bool)
    for i in range(n):
        real = p4[i][p4[i, :, 0] > 0]
        slots = np.sort(rng.choice(m + 20, size=len(real), replace=False))
        out[i, slots] = real[rng.permutation(len(real))]
        out[i, ~np.isin(np.arange(m + 20), slots)] = rng.normal(size=(m + 20 - len(real), 4))   # garbage padding
        mask[i, slots] = True
    return {"constituents": out, "mask": mask, "labels": np.zeros(n, int)}


def direct(p4_jet, p4):
    """Δη, Δφ, ΔR of one constituent to one jet axis, written independently of the builder."""
    def eta_phi(v):
        E, px, py, pz = v
        p = math.sqrt(px * px + py * py + pz * pz)
        return 0.5 * math.log((p + pz) / (p - pz)), math.atan2(py, px)
    ej, pj = eta_phi(p4_jet)
    e, p = eta_phi(p4)
    dphi = (p - pj + math.pi) % (2 * math.pi) - math.pi
    return e - ej, dphi, math.hypot(e - ej, dphi)


def test_angles_match_a_direct_computation(sample):
    x, mask, names, index = jetclass_inputs(sample, "kinematic", max_particles=200)
    c = {n: x[..., names.index(n)] for n in ("deta", "dphi", "delta_r")}
    p4, real = sample["constituents"], sample["mask"]
    for i in range(0, len(p4), 7):
        jet = p4[i][real[i]].sum(axis=0)
        for s in np.flatnonzero(mask[i]):
            deta, dphi, dr = direct(jet, p4[i, index[i, s]])
            assert c["deta"][i, s] == pytest.approx(deta, abs=2e-6)
            assert c["dphi"][i, s] == pytest.approx(dphi, abs=2e-6)
            assert c["delta_r"][i, s] == pytest.approx(dr, abs=2e-6)
    assert np.all(np.abs(c["dphi"][mask]) <= math.pi) and np.all(c["delta_r"][mask] < 2.0)


def test_relative_features_balance_without_truncation(sample):
    """Σ pT_i/pT_J cos Δφ_i = 1, Σ pT_i/pT_J sin Δφ_i = 0, Σ E_i/E_J = 1 when every constituent is kept; and
    log pT - log(pT/pT_J) is the same for every constituent of a jet (log pT_J)."""
    x, mask, names, _ = jetclass_inputs(sample, "kinematic", max_particles=200)
    f = {n: x[..., k].astype(np.float64) for k, n in enumerate(names)}
    r = np.where(mask, np.exp(f["log_pt_rel"]), 0.0)
    np.testing.assert_allclose((r * np.cos(f["dphi"])).sum(1), 1.0, rtol=2e-5)
    np.testing.assert_allclose((r * np.sin(f["dphi"])).sum(1), 0.0, atol=2e-5)
    np.testing.assert_allclose(np.where(mask, np.exp(f["log_e_rel"]), 0.0).sum(1), 1.0, rtol=2e-5)
    log_jet = np.where(mask, f["log_pt"] - f["log_pt_rel"], np.nan)
    np.testing.assert_allclose(np.nanmax(log_jet, 1) - np.nanmin(log_jet, 1), 0.0, atol=1e-5)


def test_truncation_keeps_the_highest_pt(sample):
    cap = 20
    x, mask, names, index = jetclass_inputs(sample, "kinematic", max_particles=cap)
    p4, real = sample["constituents"], sample["mask"]
    pt = np.hypot(p4[..., 1], p4[..., 2])
    assert x.shape == (len(p4), cap, 7) and mask.shape == (len(p4), cap)
    for i in range(len(p4)):
        n_real = int(real[i].sum())
        assert mask[i].sum() == min(n_real, cap) and np.all(mask[i, :mask[i].sum()])      # padding at the end
        top = np.sort(pt[i][real[i]])[::-1][:cap]
        np.testing.assert_allclose(np.exp(x[i, mask[i], 0]), top, rtol=1e-6)              # the top pT, in order
        assert set(index[i, mask[i]]) <= set(np.flatnonzero(real[i]))
        assert np.all(x[i, ~mask[i]] == 0) and np.all(index[i, ~mask[i]] == -1)
    # the angles of the kept particles do not depend on the cap (the jet axis uses every constituent)
    wide = jetclass_inputs(sample, "kinematic", max_particles=200)
    np.testing.assert_array_equal(wide.features[:, :cap][mask], x[mask])


def test_pid_flags_from_pdg_ids_and_track_features():
    p4 = np.array([[[10, 6, 8, 0], [5, 3, 4, 0.1], [2, 1.2, 1.6, 0], [1, 0.6, 0.8, 0], [9, 9, 9, 9]]], float)
    mask = np.array([[True, True, True, True, False]])
    pdg = np.array([[211, -11, 22, 2112, 13]])
    d0 = np.array([[0.5, -2.0, 0.0, 0.0, 7.0]])
    s = {"constituents": p4, "mask": mask, "part_pdgid": pdg, "part_d0val": d0, "part_d0err": np.abs(d0),
         "part_dzval": 2 * d0, "part_dzerr": np.ones_like(d0)}
    x, m, names, _ = jetclass_inputs(s, "full", max_particles=6)
    assert names == FEATURE_NAMES["full"] and x.shape == (1, 6, 17)
    col = {n: x[0, :4, k] for k, n in enumerate(names)}
    np.testing.assert_array_equal(col["charge"], [1, 1, 0, 0])                 # pi+, e+ (pdg -11), photon, neutron
    np.testing.assert_array_equal(col["is_charged_hadron"], [1, 0, 0, 0])
    np.testing.assert_array_equal(col["is_electron"], [0, 1, 0, 0])
    np.testing.assert_array_equal(col["is_photon"], [0, 0, 1, 0])
    np.testing.assert_array_equal(col["is_neutral_hadron"], [0, 0, 0, 1])
    np.testing.assert_array_equal(col["is_muon"], [0, 0, 0, 0])
    np.testing.assert_allclose(col["tanh_d0"], np.tanh([0.5, -2.0, 0, 0]), rtol=1e-6)
    np.testing.assert_allclose(col["tanh_dz"], np.tanh([1.0, -4.0, 0, 0]), rtol=1e-6)
    assert np.all(x[0, 4:] == 0) and m.sum() == 4
    # the same from the JetClass flags and charge; and the "pid" set is the first 13 columns
    flags = {"part_charge": np.array([[1, 1, 0, 0, 0]]), "part_isChargedHadron": np.array([[1, 0, 0, 0, 0]]),
             "part_isNeutralHadron": np.array([[0, 0, 0, 1, 0]]), "part_isPhoton": np.array([[0, 0, 1, 0, 0]]),
             "part_isElectron": np.array([[0, 1, 0, 0, 0]]), "part_isMuon": np.zeros((1, 5))}
    y = jetclass_inputs({"constituents": p4, "mask": mask, **flags}, "pid", max_particles=6).features
    np.testing.assert_array_equal(y, x[..., :13])


def test_jet_axis_from_the_table(sample):
    p4, real = sample["constituents"], sample["mask"]
    j = np.where(real[..., None], p4, 0).sum(1)
    pt = np.hypot(j[:, 1], j[:, 2])
    table = pd.DataFrame({"jet_pt": pt, "jet_eta": np.arcsinh(j[:, 3] / pt), "jet_phi": np.arctan2(j[:, 2], j[:, 1]),
                          "jet_energy": j[:, 0]})
    a = jetclass_inputs(sample, max_particles=30).features
    b = jetclass_inputs({**sample, "jets": table}, max_particles=30, jet_axis="table").features
    np.testing.assert_allclose(a, b, atol=1e-6)


@pytest.mark.parametrize("change, kwargs, match", [
    ({"mask": None}, {}, "no 'mask'"),
    ({"constituents": np.zeros((2, 3))}, {}, r"shape \(N, M, 4\)"),
    ({}, {"feature_set": "raw"}, "feature_set must be one of"),
    ({}, {"feature_set": "pid"}, "particle type"),
    ({}, {"max_particles": 0}, "max_particles must be a positive integer"),
    ({"empty": True}, {}, "jet 1 has no constituent"),
    ({}, {"jet_axis": "table"}, r"needs sample\['jets'\]"),
])
def test_bad_input_names_the_problem(sample, change, kwargs, match):
    s = dict(sample)
    for k, v in change.items():
        if k == "empty":
            s["mask"] = s["mask"].copy()
            s["mask"][1] = False
        elif v is None:
            del s[k]
        else:
            s[k] = v
    with pytest.raises(ValueError, match=match):
        jetclass_inputs(s, **kwargs)
