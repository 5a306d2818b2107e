"""Physics of the local Pythia 8 + FastJet substitute at tiny size (a few hundred jets, a few seconds)."""
import json

import numpy as np
import pytest

pytest.importorskip("pythia8mc")
pytest.importorskip("fastjet")

from hepscaling import jets as J  # noqa: E402
from hepscaling.data import pythia as P  # noqa: E402
from hepscaling.data import toptagging as tt  # noqa: E402

N = 250
S = P.GeneratorSettings()


@pytest.fixture(scope="module")
def samples():
    top, top_truth, st_t = P.generate_jets("top", N, seed=101)
    qcd, qcd_truth, st_q = P.generate_jets("qcd", N, seed=202)
    return top, top_truth, qcd, qcd_truth


def test_jets_in_window_and_format(samples):
    top, _, qcd, _ = samples
    for p4 in (top, qcd):
        assert p4.shape == (N, 200, 4) and p4.dtype == np.float32
        kin = J.jet_ptyphim(p4)
        pt, m = kin[:, 0], kin[:, 3]
        j = J.jet_p4(p4)
        eta = np.arcsinh(j[:, 3] / pt)
        mult = J.multiplicity(p4)
        full = mult < 200  # the window is defined on the full jet; truncation at 200 changes the sum slightly
        assert full.mean() > 0.9  # the window checks below run over (almost) every jet, not over none
        assert np.all((pt[full] > S.jet_pt_min - 1e-2) & (pt[full] < S.jet_pt_max + 1e-2))
        assert np.all(np.abs(eta[full]) < S.jet_abseta_max + 1e-4)
        cpt = np.hypot(p4[..., 1], p4[..., 2])
        assert np.all(np.diff(cpt, axis=1) <= 1e-3)  # pT-ordered, padding last
        assert np.all((p4[..., 0] > 0).sum(1) == (cpt > 0).sum(1))
        # m from jet_ptyphim is clamped at 0, so `m >= 0` could not fail: test the unclamped m^2 of the summed jet
        m2_jet = j[:, 0].astype(float) ** 2 - (j[:, 1:].astype(float) ** 2).sum(-1)
        assert np.all(m2_jet > 0) and np.all(m > 0) and mult.min() >= 2
        # no neutrinos cannot be checked from p4; visible final state => every constituent is (nearly) on-shell
        m2 = p4[..., 0].astype(float) ** 2 - (p4[..., 1:].astype(float) ** 2).sum(-1)
        assert np.all(m2[p4[..., 0] > 0] > -1e-2 * p4[..., 0][p4[..., 0] > 0] ** 2)


def test_top_mass_peak_and_tau32(samples):
    top, _, qcd, _ = samples
    mt, mq = J.mass(top), J.mass(qcd)
    assert 155 < np.median(mt) < 190, np.median(mt)
    assert np.mean((mt > 140) & (mt < 200)) > 0.55
    assert np.median(mq) < 110
    assert np.mean((mq > 140) & (mq < 200)) < 0.3
    t32_top, t32_qcd = J.tau32(top).mean(), J.tau32(qcd).mean()
    assert t32_top < t32_qcd - 0.15, (t32_top, t32_qcd)
    assert J.multiplicity(top).mean() > J.multiplicity(qcd).mean()


def test_qcd_mass_falls(samples):
    mq = J.mass(samples[2])
    counts, _ = np.histogram(mq, bins=[60, 110, 160, 210, 300])
    assert counts[0] > counts[1] > counts[2] > counts[3], counts


def test_top_truth_matches_jet(samples):
    top, truth, qcd, qcd_truth = samples
    assert np.all(qcd_truth == 0)
    E, px, py, pz = truth.astype(float).T
    mtop = np.sqrt(np.maximum(E ** 2 - px ** 2 - py ** 2 - pz ** 2, 0))
    assert abs(np.median(mtop) - 172.5) < 2  # Breit-Wigner: a few tops are far off shell
    assert np.mean(np.abs(mtop - 172.5) < 10) > 0.9  # Breit-Wigner tails (Gamma_t ~ 1.4 GeV) hold ~5 %
    j = J.jet_ptyphim(top)
    ty = 0.5 * np.log((E + pz) / (E - pz))
    dr = np.hypot(j[:, 1] - ty, J.wrap_phi(j[:, 2] - np.arctan2(py, px)))
    assert np.all(dr < S.match_dR)


def test_reproducible_and_seed_dependent():
    a, _, _ = P.generate_jets("qcd", 20, seed=7)
    b, _, _ = P.generate_jets("qcd", 20, seed=7)
    c, _, _ = P.generate_jets("qcd", 20, seed=8)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_rapidity_cut_before_clustering_changes_no_selected_jet():
    """The |y| < 3.6 pre-cut on particles is an optimisation; on real events it must not change any selected jet."""
    import dataclasses
    for process, seed in (("top", 5), ("qcd", 6)):
        py = P.make_pythia(process, seed)
        batch = py.nextBatch(150)
        cut, _, ev_cut = P.select_jets(batch, process, S)
        full, _, ev_full = P.select_jets(batch, process, dataclasses.replace(S, particle_absy_max=None))
        assert len(cut) > 10
        np.testing.assert_array_equal(ev_cut, ev_full)
        np.testing.assert_allclose(cut, full, rtol=0, atol=0)


def test_constituents_are_those_of_fastjets_jets():
    """The selected constituents (gathered from FastJet's constituent indices) add up to FastJet's own jet."""
    py = P.make_pythia("qcd", 9)
    batch = py.nextBatch(120)
    p4, _, ev, (jE, jx, jy, jz, _) = P.select_jets(batch, "qcd", S, return_all=True)
    assert len(p4) > 20
    full = (p4[..., 0] > 0).sum(1) < S.max_constituents
    assert full.sum() > 20  # the comparison below is not over an empty set
    summed = p4[full].astype(float).sum(1)                             # (E, px, py, pz) of each selected jet
    fj = np.stack([jE, jx, jy, jz], axis=1)
    # every selected jet is one of FastJet's jets (nearest in 4-momentum, to float32 precision); a gather with a
    # wrong index base (off by one particle) fails here
    d = np.abs(summed[:, None, :] - fj[None, :, :]).max(axis=2)
    nearest = d.argmin(axis=1)
    np.testing.assert_allclose(summed, fj[nearest], rtol=2e-6, atol=2e-3)
    assert len(np.unique(nearest)) == len(nearest)


def test_generation_timing_splits_fastjet_from_the_rest():
    _, _, st = P.generate_jets("qcd", 10, seed=4)
    assert 0 < st["cpu_fastjet_s"] <= st["cpu_select_s"]
    assert st["cpu_pythia_s"] > 0 and st["n_events"] >= 10


def test_shard_seeds_distinct():
    seeds = {P.shard_seed(s, sp, i, p) for s in (0, 1) for sp in P.SPLITS for i in range(50) for p in P.PROCESSES}
    assert len(seeds) == 2 * 3 * 50 * 2
    assert all(1 <= s <= 900_000_000 for s in seeds)


def test_shard_written_in_public_format_and_resumable(tmp_path):
    path = tmp_path / "shard.h5"
    side = P.generate_shard("val", 0, seed=3, n_per_class=15, path=path)
    p4, labels, truth = tt.load(path, with_truth=True)
    assert p4.shape == (30, 200, 4) and labels.sum() == 15
    assert np.all(truth[labels == 0] == 0) and np.all(truth[labels == 1, 0] > 0)
    meta = json.loads(path.with_suffix(".json").read_text())
    assert meta["settings"]["jet_R"] == 0.8 and meta["versions"]["pythia8mc"].startswith("8.317")
    assert meta["generation"]["top"]["pythia_seed"] == P.shard_seed(3, "val", 0, "top")
    assert "Random:seed = %d" % P.shard_seed(3, "val", 0, "qcd") in meta["pythia_settings"]["qcd"]
    assert side["split"] == "val"
    mtime = path.stat().st_mtime_ns
    P.generate_shard("val", 0, seed=3, n_per_class=15, path=path)  # exists: kept, not regenerated
    assert path.stat().st_mtime_ns == mtime


def test_smearing_changes_momenta_but_keeps_directions():
    from hepscaling.data.smearing import smear_particles
    rng = np.random.default_rng(0)
    E = rng.uniform(1, 100, 1000)
    px, py, pz = E * 0.6, E * 0.0, E * 0.8
    ids = rng.choice([22, 211, 2112], 1000)
    e2, x2, y2, z2 = smear_particles(ids, E, px, py, pz, seed=1)
    e3, *_ = smear_particles(ids, E, px, py, pz, seed=1)
    np.testing.assert_array_equal(e2, e3)
    assert not np.allclose(e2, E)
    np.testing.assert_allclose(x2 / e2, 0.6)
    rel = e2 / E - 1
    assert rel[ids == 2112].std() > rel[ids == 22].std()  # hadron calorimeter is worse than the ECAL


def test_leading_jet_only_keeps_at_most_the_hardest_jet_of_each_event():
    import dataclasses
    ev = np.array([0, 0, 1, 2, 2, 2, 5])
    pt = np.array([600.0, 700.0, 560.0, 580.0, 580.0, 900.0, 600.0])
    np.testing.assert_array_equal(P.leading_in_event(ev, pt), [False, True, True, False, False, True, True])
    assert not P.leading_in_event(np.zeros(0, int), np.zeros(0)).any()
    py = P.make_pythia("qcd", 11)
    batch = py.nextBatch(200)
    lead, _, ev_lead, (jE, jx, jy, jz, jev) = P.select_jets(batch, "qcd", S, return_all=True)
    every, _, ev_every = P.select_jets(batch, "qcd", dataclasses.replace(S, leading_jet_only=False))
    assert len(np.unique(ev_lead)) == len(ev_lead)                        # one jet per event at most
    assert len(every) > len(lead) > 20                                    # dijets: often both jets in the window
    assert set(ev_lead) <= set(ev_every)
    # the kept jet is the hardest clustered jet of its event (constituent sums, for jets not cut at 200 particles)
    jpt = np.hypot(jx, jy)
    full = (lead[..., 0] > 0).sum(1) < S.max_constituents
    pt_lead = np.hypot(lead[full][..., 1].astype(float).sum(1), lead[full][..., 2].astype(float).sum(1))
    assert full.sum() > 20
    for e, p in zip(ev_lead[full], pt_lead):
        assert p == pytest.approx(jpt[jev == e].max(), rel=1e-5)
