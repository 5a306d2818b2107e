"""Soft drop (hepscaling.jets.softdrop): closed-form cases and agreement with FastJet contrib's SoftDrop."""
import warnings

import numpy as np
import pytest

from hepscaling.jets.softdrop import softdrop_mass, softdrop_p4


def massless(pt, eta, phi):
    pt, eta, phi = map(np.asarray, (pt, eta, phi))
    return pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta), pt * np.cosh(eta)


def pair_mass(pt1, pt2, dr):
    """Invariant mass of two massless particles at the same eta, dr apart in phi."""
    return np.sqrt(2 * pt1 * pt2 * (1 - np.cos(dr)))


def test_two_prongs_kept_or_dropped_by_the_momentum_fraction():
    # z = 0.3 > 0.1: both prongs kept; z = 0.05 < 0.1: the soft one dropped, a massless particle is left
    px, py, pz, E = massless([700, 300, 950, 50], [0, 0, 0, 0], [0, 0.4, 0, 0.4])
    m = softdrop_mass(px, py, pz, E, [0, 2, 4])
    assert m[0] == pytest.approx(pair_mass(700, 300, 0.4), rel=1e-12)
    assert m[1] == pytest.approx(0.0, abs=1e-6)


def test_wide_soft_particle_groomed_away_and_beta_makes_it_stay():
    # two hard prongs (z = 0.4) 0.2 apart plus a soft particle (z ~ 0.03) 0.7 away: C/A merges it last, soft drop
    # (beta = 0) removes it; with beta = 2, z_cut = 0.1 the threshold at dR = 0.7 is 0.1 * (0.7/0.8)^2 = 0.077 > 0.03:
    # still removed; with z_cut = 0.01 it stays
    px, py, pz, E = massless([600, 400, 30], [0, 0, 0], [0, 0.2, 0.7])
    off = [0, 3]
    groomed = softdrop_mass(px, py, pz, E, off)[0]
    assert groomed == pytest.approx(pair_mass(600, 400, 0.2), rel=1e-9)
    assert softdrop_mass(px, py, pz, E, off, beta=2.0)[0] == pytest.approx(groomed, rel=1e-12)
    full = np.sqrt(E.sum() ** 2 - px.sum() ** 2 - py.sum() ** 2 - pz.sum() ** 2)
    assert softdrop_mass(px, py, pz, E, off, z_cut=0.01)[0] == pytest.approx(full, rel=1e-9)


def test_empty_and_single_particle_jets():
    px, py, pz, E = np.array([3.0]), np.array([4.0]), np.array([0.0]), np.array([np.sqrt(25.0 + 0.14 ** 2)])
    p = softdrop_p4(px, py, pz, E, [0, 0, 1])
    assert (p[0] == 0).all()
    assert np.sqrt(p[1, 0] ** 2 - (p[1, 1:] ** 2).sum()) == pytest.approx(0.14, rel=1e-6)


def test_bad_offsets_are_refused():
    with pytest.raises(ValueError, match="offsets"):
        softdrop_mass([1.0], [0.0], [0.0], [1.0], [1, 0])
    with pytest.raises(ValueError, match="entries"):
        softdrop_mass([1.0, 2.0], [0.0, 0.0], [0.0, 0.0], [1.0, 2.0], [0, 1])


def synthetic_jets(n_jets, seed):
    """Jets with 1-3 hard prongs, collinear splittings around them and soft wide-angle radiation."""
    rng = np.random.default_rng(seed)
    cols, offsets = [[], [], [], []], [0]
    for _ in range(n_jets):
        n_prong = rng.integers(1, 4)
        eta0, phi0 = rng.uniform(-2, 2), rng.uniform(-np.pi, np.pi)
        pts, etas, phis = [], [], []
        for _ in range(n_prong):
            ce, cp = eta0 + rng.normal(0, 0.25), phi0 + rng.normal(0, 0.25)
            k = rng.integers(3, 30)
            pts.append(rng.exponential(20, k) + 0.5)
            etas.append(ce + rng.normal(0, 0.03, k))
            phis.append(cp + rng.normal(0, 0.03, k))
        k = rng.integers(0, 40)
        pts.append(rng.exponential(2, k) + 0.2)
        etas.append(eta0 + rng.uniform(-0.7, 0.7, k))
        phis.append(phi0 + rng.uniform(-0.7, 0.7, k))
        four = massless(np.concatenate(pts), np.concatenate(etas), np.concatenate(phis))
        for c, v in zip(cols, four):
            c.append(v)
        offsets.append(offsets[-1] + len(four[0]))
    return [np.concatenate(c) for c in cols], np.asarray(offsets)


def fastjet_softdrop_mass(cols, offsets, z_cut, beta):
    import awkward as ak
    import fastjet

    from hepscaling.jets._quiet import quiet_stdout

    content = ak.contents.RecordArray([ak.contents.NumpyArray(c) for c in cols], ["px", "py", "pz", "E"],
                                      parameters={"__record__": "Momentum4D"})
    jets = ak.Array(ak.contents.ListOffsetArray(ak.index.Index64(offsets), content))
    with quiet_stdout(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cs = fastjet.ClusterSequence(jets, fastjet.JetDefinition(fastjet.cambridge_algorithm, 10.0))
        sd = cs.exclusive_jets_softdrop_grooming(njets=1, beta=beta, symmetry_cut=z_cut, R0=0.8)
    return ak.to_numpy(sd.msoftdrop)


@pytest.mark.parametrize("z_cut, beta", [(0.1, 0.0), (0.2, 1.0)])
def test_agrees_with_fastjet_contrib_softdrop(z_cut, beta):
    cols, offsets = synthetic_jets(150, seed=3)
    ours = softdrop_mass(*cols, offsets, z_cut=z_cut, beta=beta)
    ref = fastjet_softdrop_mass(cols, offsets, z_cut, beta)
    assert np.allclose(ours, ref, rtol=1e-9, atol=1e-9)
    # the grooming does something: some jets lose mass, none gains
    full = np.sqrt(np.maximum(np.add.reduceat(cols[3], offsets[:-1]) ** 2
                              - sum(np.add.reduceat(c, offsets[:-1]) ** 2 for c in cols[:3]), 0))
    assert (ours <= full * (1 + 1e-9)).all() and (ours < 0.9 * full).mean() > 0.1
