"""Events of a pp collider (hepscaling.amplitudes.collider): PDFs against Pythia, cross sections against the engine's
own fixed-sqrt(s) integral, the unweighted distribution against the weighted one, and the degrees of freedom."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from hepscaling.amplitudes import log_invariants, matrix_element, phase_space
from hepscaling.amplitudes.collider import (GEV2_TO_PB, ColliderPhaseSpace, collider_events, reduced_maximum,
                                            to_partonic_frame)
from hepscaling.amplitudes.pdf import PDF_SETS, PartonDensity
from hepscaling.amplitudes.processes import check_momenta, get_process
from hepscaling.geometry import twonn

pythia8mc = pytest.importorskip("pythia8mc")


@pytest.mark.parametrize("name", sorted(PDF_SETS))
def test_pdf_table_matches_pythia(name):
    """The torch tabulation reproduces Pythia's x f(x, Q^2) wherever x f > 1e-3: to 3e-3 for g, u, d and their
    antiquarks (the partons of our processes), to 1e-2 for c and b (steep just above their thresholds)."""
    py = pythia8mc.Pythia("", False)
    py.readString("Print:quiet = on")
    py.readString(f"PDF:pSet = {PDF_SETS[name]}")
    ref_pdf = py.getPDFPtr(2212)
    rng = np.random.default_rng(7)
    x = np.exp(rng.uniform(np.log(1e-6), np.log(0.9), 1500))
    q2 = np.exp(rng.uniform(np.log(25.0), np.log(1e7), 1500))
    pdf = PartonDensity(name)
    for pid, tol in ((21, 3e-3), (1, 3e-3), (2, 3e-3), (-1, 3e-3), (-2, 3e-3), (4, 1e-2), (5, 1e-2)):
        ref = np.array([ref_pdf.xf(pid, float(a), float(b)) for a, b in zip(x, q2)])
        got = pdf.xf(pid, torch.tensor(x), torch.tensor(q2)).numpy()
        m = ref > 1e-3
        assert m.sum() > 500
        assert np.abs(got[m] / ref[m] - 1).max() < tol, (name, pid)
    assert float(pdf.xf(21, torch.tensor([1.0]), torch.tensor([100.0]))) == 0.0


@pytest.mark.parametrize("kwargs, word", [
    ({"pdf": "NNPDF99"}, "pdf"),
    ({"collider_energy": 100.0}, "collider_energy"),
    ({"collider_energy": -1.0}, "collider_energy"),
    ({"cuts": {"pt_min": 0.0}}, "pt_min"),
    ({"cuts": {"ptj": 20.0}}, "unknown cut"),
    ({"cuts": {"pt_min": 14000.0}}, "collider_energy"),
    ({"scale": "mz"}, "scale"),
    ({"scale": 1.0}, "scale"),
    ({"frame": "breit"}, "frame"),
    ({"overweight": 0.5}, "overweight"),
    ({"channels": "all"}, "channels"),
    ({"pair_map": "polar"}, "pair_map"),
])
def test_bad_input_names_the_parameter(kwargs, word):
    kw = {"process": "u u~ > z g", "n_events": 10, **kwargs}
    with pytest.raises(ValueError, match=word):
        collider_events(**kw)


def test_cuts_that_leave_no_phase_space():
    # |eta| < 0.5 and Delta R > 4 between gluons: Delta R <= sqrt(1 + pi^2) = 3.3 inside the cut, nothing passes
    with pytest.raises(ValueError, match="cuts .* leave no phase space"):
        collider_events("g g > g g g", 10, cuts={"eta_max": 0.5, "dr_min": 4.0}, adapt_iterations=1,
                        adapt_points=2000, n_pilot=2000)


def test_reduced_maximum_closed_form():
    w = torch.tensor([10.0, 4.0, 3.0, 2.0, 1.0] + [0.0] * 5, dtype=torch.float64)
    # total 20; w_max = 4 leaves 6 = 0.3 of it above; w_max = 3 leaves 8 = 0.4 above
    assert reduced_maximum(w, 0.35) == 4.0
    assert reduced_maximum(w, 0.45) == 3.0
    assert reduced_maximum(w, 1e-9) == 10.0


@pytest.fixture(scope="module")
def zg_events():
    return collider_events("u u~ > z g", 6000, seed=3, adapt_iterations=5, adapt_points=10000, n_pilot=20000)


def test_events_are_physical_in_both_frames(zg_events):
    mom, me, info = zg_events
    proc = get_process("u u~ > z g")
    check_momenta(proc, mom, tol=1e-9)
    # partonic frame: back-to-back beams of sqrt(s_hat)/2, parton a along +z
    assert torch.allclose(mom[:, 0, 3], mom[:, 0, 0]) and torch.allclose(mom[:, 1, 3], -mom[:, 1, 0])
    s_hat = info["x1"] * info["x2"] * info["collider_energy"] ** 2
    assert torch.allclose(4 * mom[:, 0, 0] ** 2, s_hat, rtol=1e-10)
    # |M|^2 recomputed from the written momenta
    assert torch.allclose(matrix_element(proc, mom), me, rtol=1e-10)
    # every gluon inside the cuts (pT is boost invariant)
    pt = torch.sqrt(mom[:, 3, 1] ** 2 + mom[:, 3, 2] ** 2)
    assert float(pt.min()) > 20.0
    assert info["efficiency"] > 0.03       # flat RAMBO at 1 TeV: 6.8e-3
    assert (info["weights"] >= 1).all() and info["overweight_fraction"] < 0.05


def test_same_seed_same_events_and_lab_frame():
    kw = dict(adapt_iterations=2, adapt_points=3000, n_pilot=5000)
    a = collider_events("u d~ > w+ z", 300, seed=5, frame="lab", **kw)
    b = collider_events("u d~ > w+ z", 300, seed=5, frame="lab", **kw)
    c = collider_events("u d~ > w+ z", 300, seed=6, frame="lab", **kw)
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    assert not torch.equal(a[0], c[0])
    mom, _, info = a
    check_momenta(get_process("u d~ > w+ z"), mom, tol=1e-9)
    # lab frame: the beams carry x1 sqrt(S)/2 and x2 sqrt(S)/2, in either orientation
    half = info["collider_energy"] / 2
    e_in = torch.sort(mom[:, :2, 0], dim=1).values
    x_sorted = torch.sort(torch.stack((info["x1"], info["x2"]), 1), dim=1).values
    assert torch.allclose(e_in, x_sorted * half, rtol=1e-12)
    # both orientations occur (the u comes from either beam)
    assert (mom[:, 0, 3] > 0).any() and (mom[:, 0, 3] < 0).any()
    # the partonic frame is the lab frame boosted
    part = to_partonic_frame(mom)
    check_momenta(get_process("u d~ > w+ z"), part, tol=1e-9)
    m_lab = mom[:, 2:].sum(1)
    m_part = part[:, 2:].sum(1)
    inv = lambda p: p[:, 0] ** 2 - (p[:, 1:] ** 2).sum(-1)  # noqa: E731
    assert torch.allclose(inv(m_lab), inv(m_part), rtol=1e-10)


def _partonic_sigma_pb(process, s_hat_sqrt, n, seed, cuts):
    p, w = phase_space(process, n, s_hat_sqrt, cuts, seed=seed)
    f = matrix_element(process, p) * w / (2 * s_hat_sqrt**2)
    return float(f.mean()) * GEV2_TO_PB, float(f.std() / math.sqrt(n)) * GEV2_TO_PB


def test_cross_section_equals_fixed_sqrt_s_integral_folded_with_the_luminosity():
    """sigma(u u~ > Z g, pT > 20 GeV) at a fixed scale: the collider integral equals the engine's own fixed-sqrt(s)
    (RAMBO) cross section folded with the u u~ luminosity, int dtau L(tau) sigma_hat(tau S)."""
    S = 14000.0**2
    cuts = {"pt_min": 20.0, "eta_max": None, "dr_min": 0.4}
    _, _, info = collider_events("u u~ > z g", 4000, seed=11, scale=91.1876, cuts=cuts, adapt_iterations=6,
                                 adapt_points=20000, n_pilot=100000)
    sigma, err = info["cross_section_pb"], info["cross_section_error_pb"]
    pdf = PartonDensity()
    mz = 91.1876
    rs_min = math.sqrt(mz**2 + 20.0**2) + 20.0
    # Gauss-Legendre in log tau between threshold and tau = 0.2 (above it the luminosity is < 1e-9 of the total)
    lt0, lt1 = math.log(rs_min**2 / S) + 1e-9, math.log(0.2)
    nodes, wts = np.polynomial.legendre.leggauss(20)
    total = var = 0.0
    q2 = torch.tensor(mz**2, dtype=torch.float64)
    yn, yw = np.polynomial.legendre.leggauss(48)
    for k, (t, wt) in enumerate(zip(nodes, wts)):
        lt = 0.5 * (lt1 - lt0) * t + 0.5 * (lt1 + lt0)
        tau = math.exp(lt)
        ymax = -0.5 * math.log(tau)
        Y = torch.tensor(ymax * yn, dtype=torch.float64)
        x1, x2 = math.sqrt(tau) * torch.exp(Y), math.sqrt(tau) * torch.exp(-Y)
        lum_y = pdf.f(2, x1, q2) * pdf.f(-2, x2, q2) + pdf.f(-2, x1, q2) * pdf.f(2, x2, q2)
        lum = float((lum_y * torch.tensor(yw)).sum()) * ymax          # L(tau) = int dY
        s_pb, s_err = _partonic_sigma_pb("u u~ > z g", math.sqrt(tau * S), 4000, seed=100 + k, cuts=cuts)
        jac = 0.5 * (lt1 - lt0) * tau                                  # dtau = tau dlog(tau)
        total += wt * jac * lum * s_pb
        var += (wt * jac * lum * s_err) ** 2
    assert abs(sigma - total) < 4 * math.sqrt(err**2 + var) + 0.01 * total, (sigma, err, total, math.sqrt(var))
    assert err < 0.01 * sigma


@pytest.mark.parametrize("process, settings", [
    ("u u~ > t t~ h", [("pt_y", "recoil"), ("tau_y", "recoil")]),
    ("u u~ > z g g", [("pt_y", "recoil"), ("tau_y", "recoil")]),
    ("u u~ > z g g", [("pt_y", "recoil"), ("pt_y", "orders"), ("pt_y", "one")]),
    ("u u~ > z g g", [("pt_y", "recoil", "both"), ("pt_y", "recoil", "box"), ("pt_y", "recoil", "dr")]),
    ("g g > g g g", [("pt_y", "recoil"), ("tau_y", "recoil")]),
])
def test_phase_space_maps_give_one_cross_section(process, settings):
    """Through the (p_T, y) map (Kleiss-Pittau multichannel over gluon orders and recoiling gluons, per-class VEGAS
    grids, adaptive channel weights; or the gluon orders alone, one class; or one channel) and through the (tau, Y) +
    RAMBO map; a gluon drawn relative to the previous gluon in (Delta y, Delta phi), in (log Delta R, angle) or
    both as channel classes): one cross section within the Monte-Carlo errors."""
    out = []
    for ps_map, channels, *pair in settings:      # weighted estimates after VEGAS adaptation (no unweighting)
        ps = ColliderPhaseSpace(process, ps_map=ps_map, channels=channels, pair_map=(pair or ["both"])[0])
        grid, g = ps.grid(), torch.Generator().manual_seed(2)
        for it in range(6):
            mom, w, rec, _, _ = ps.sample(grid, 10000, g)
            ok = w > 0
            w[ok] = w[ok] * matrix_element(process, mom[ok])
            if it < 5:
                grid.accumulate(rec, w)
                grid.adapt()
        mom, w, _, _, _ = ps.sample(grid, 60000, g)
        ok = w > 0
        w[ok] = w[ok] * matrix_element(process, mom[ok])
        out.append((float(w.mean()) * GEV2_TO_PB, float(w.std()) / math.sqrt(w.numel()) * GEV2_TO_PB))
    (a, ea) = out[0]
    for b, eb in out[1:]:
        assert abs(a - b) < 4 * math.hypot(ea, eb), out


@pytest.mark.parametrize("pair_map, n_classes", [("box", 2), ("dr", 2), ("both", 4)])
def test_multichannel_density_is_normalised(pair_map, n_classes):
    """The multichannel density g(x) of the recoil channel set integrates to one over the (p_T, y) variables: the
    mean of 1/g over points drawn uniformly from one channel's box, weighted by that channel's Jacobian, is the
    phase-space volume — checked as <1 / g> = <J_1> (both estimate the same volume) for Z g g; with the gluon pair
    drawn in (Delta y, Delta phi), in (log Delta R, angle) or both (each a class of its own)."""
    ps = ColliderPhaseSpace("u u~ > z g g", channels="recoil", pair_map=pair_map)
    assert ps.n_classes == n_classes and len(ps.channels) == 2 * n_classes
    grid = ps.grid()
    g = torch.Generator().manual_seed(3)
    _, w_mc, _, _, _ = ps.sample(grid, 200000, g)          # weight = PDFs * flux / g(x)
    u = torch.rand((200000, ps.dim), generator=g, dtype=torch.float64)
    _, w_one, _, _, _ = ps.events(u)                       # one channel, flat: weight = PDFs * flux * J_1
    a, b = float(w_mc.mean()), float(w_one.mean())
    ea = float(w_mc.std()) / math.sqrt(w_mc.numel())
    eb = float(w_one.std()) / math.sqrt(w_one.numel())
    assert abs(a - b) < 4 * math.hypot(ea, eb), (a, ea, b, eb)


@pytest.mark.parametrize("process", ["u u~ > z g g g", "g g > g g g"])
def test_every_channel_inverts_its_map(process):
    """For every channel of the default set (gluon orders, recoiling gluons; (Delta y, Delta phi) and (log Delta R,
    angle) pairs), the inverse map recovers the point of the unit cube and the Jacobian of the forward map, for all
    points inside the cuts (the per-particle and per-pair coordinates shared between channels included)."""
    ps = ColliderPhaseSpace(process)
    assert any(polar for _, _, polar in ps.channels) and not all(polar for _, _, polar in ps.channels)
    g = torch.Generator().manual_seed(7)
    n_kin = 3 * len(ps.others) + 1
    for order, last, polar in ps.channels:
        u = torch.rand((4000, n_kin), generator=g, dtype=torch.float64)
        pf, _, _, jac, ok, _ = ps._pt_y(u, order, last, polar)
        assert int(ok.sum()) > 50
        uc, jc = ps._pt_y_inverse(pf[ok], order, last, polar, ps._kinematics(pf[ok]))
        torch.testing.assert_close(uc, u[ok], rtol=0, atol=1e-9)
        torch.testing.assert_close(jc, jac[ok], rtol=1e-9, atol=0)


def test_channel_weights_adapt_and_seed_reproduces():
    """Kleiss-Pittau channel weights move away from equal (and stay above their floor) after adaptation on
    Z g g, and one seed gives the same events twice."""
    kw = dict(adapt_iterations=4, adapt_points=5000, n_pilot=20000)
    m1, me1, i1 = collider_events("u u~ > z g g", 100, seed=5, **kw)
    m2, me2, i2 = collider_events("u u~ > z g g", 100, seed=5, **kw)
    assert torch.equal(m1, m2) and torch.equal(me1, me2)
    a = i1["channel_weights"]
    assert len(a) == 4 and abs(sum(a) - 1) < 1e-12 and min(a) >= 0.025 - 1e-12 and abs(a[0] - 0.25) > 0.01


def test_unweighted_events_follow_the_weighted_distribution():
    """The sqrt(s_hat) spectrum of unweighted W Z events agrees with that of weighted, unadapted points."""
    proc = "u d~ > w+ z"
    mom, _, info = collider_events(proc, 5000, seed=4, adapt_iterations=5, adapt_points=10000, n_pilot=20000)
    rs = torch.sqrt(info["x1"] * info["x2"]) * info["collider_energy"]
    ps = ColliderPhaseSpace(proc, ps_map="tau_y")
    g = torch.Generator().manual_seed(9)
    u = torch.rand((120000, ps.dim), generator=g, dtype=torch.float64)
    m2, w, x1, x2, _ = ps.events(u)
    w = w * matrix_element(proc, m2)
    rs_w = torch.sqrt(x1 * x2) * ps.sqrt_S
    edges = torch.tensor([180.0, 250, 300, 350, 420, 500, 650, 900, 14000], dtype=torch.float64)
    h_unw = torch.histogram(rs, edges, weight=info["weights"]).hist
    h_w = torch.histogram(rs_w, edges, weight=w).hist
    p_ref = h_w / h_w.sum()
    expected = p_ref * h_unw.sum()
    # weighted reference: its own Monte-Carlo error per bin
    w2 = torch.histogram(rs_w, edges, weight=w**2).hist
    ref_err = torch.sqrt(w2) / h_w.sum() * h_unw.sum()
    chi2 = float((((h_unw - expected) ** 2) / (expected + ref_err**2)).sum())
    assert chi2 < 25.0, (chi2, h_unw, expected)   # 8 bins: p(chi2 > 25) ~ 2e-3


@pytest.mark.parametrize("process", ["u u~ > z g", "u u~ > z g g", "u u~ > z g g g"])
def test_degrees_of_freedom(process):
    """TwoNN on log p_i.p_j finds 3 n_f - 4 with free sqrt(s_hat) and 3 n_f - 5 at a fixed sqrt(s).

    The points are the generator's own flat (tau, Y) + RAMBO map (every point that passes the cuts) and flat RAMBO
    at 1 TeV: they fill the same support as the physical events; the physical (unweighted) density, concentrated by
    the PDFs and the soft/collinear peaks, pulls TwoNN down (Z g g g: 6 instead of 8 at 2e4 points), and boundaries
    already pull it down by ~0.7 for a uniform 8-cube."""
    N = 20000
    ps = ColliderPhaseSpace(process, ps_map="tau_y")
    n_f = len(ps.masses)
    g = torch.Generator().manual_seed(1)
    u = torch.rand((4 * N, ps.dim), generator=g, dtype=torch.float64)
    mom, w, _, _, _ = ps.events(u)
    free = twonn(log_invariants(mom[w > 0][:N]))
    fixed_p, _ = phase_space(process, N, 1000.0, seed=2)
    fixed = twonn(log_invariants(fixed_p))
    assert round(free) == 3 * n_f - 4, (free, fixed)
    assert round(fixed) == 3 * n_f - 5, (free, fixed)
    assert 0.7 < free - fixed < 1.3


def test_dataset_through_the_cache_and_the_lloca_loader(tmp_path, monkeypatch):
    import json

    from hepscaling.amplitudes.io import generate_collider_dataset, load_lloca_amplitudes, write_dataset

    monkeypatch.setenv("HEPSCALING_CACHE", str(tmp_path / "cache"))
    d = generate_collider_dataset("u u~ > z g", 300, seed=8)
    d2 = generate_collider_dataset("u u~ > z g", 300, seed=8)      # read back from the cache
    assert np.array_equal(d["momenta"], d2["momenta"]) and np.array_equal(d["me"], d2["me"])
    out = write_dataset(tmp_path / "zg.npy", d)
    m, a = load_lloca_amplitudes(out)
    assert np.array_equal(m, d["momenta"]) and np.array_equal(a, d["me"])
    meta = json.loads((tmp_path / "zg.npy.json").read_text())
    assert meta["collider_energy"] == 14000.0 and meta["pdf"] == "CTEQ6L1" and meta["seed"] == 8
    assert meta["frame"] == "partonic" and meta["cuts"]["pt_min"] == 20.0
    rows = meta["overweights"]["rows"]
    assert all(d["weights"][r] > 1 for r in rows) and (d["weights"] >= 1).all()
    assert sum(d["weights"] > 1) == len(rows)
