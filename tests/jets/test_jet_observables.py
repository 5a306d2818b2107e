"""Mass, multiplicity and N-subjettiness against hand computations and a brute-force exclusive-kT implementation.

Axes definition under test (stated in hepscaling.jets.observables): exclusive-kT axes — recluster the constituents
with d_ij = min(pT_i^2, pT_j^2) dR_ij^2, E-scheme recombination, no beam distance, until N pseudojets remain.
"""
import numpy as np
import pytest

from hepscaling import jets as J


def p4_from(pt, y, phi, m=0.0):
    pt, y, phi, m = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (pt, y, phi, m)))
    mt = np.sqrt(pt ** 2 + m ** 2)
    return np.stack([mt * np.cosh(y), pt * np.cos(phi), pt * np.sin(phi), mt * np.sinh(y)], axis=-1)


def _ypt(v):
    E, px, py, pz = v
    return np.hypot(px, py), 0.5 * np.log((E + pz) / (E - pz)), np.arctan2(py, px)


def brute_exclusive_kt(parts, n):
    """Pairwise kT merging (E-scheme) until n pseudojets remain; O(N^3), for tests only."""
    objs = [np.array(p, dtype=float) for p in parts]
    while len(objs) > n:
        best, bi, bj = np.inf, -1, -1
        for i in range(len(objs)):
            pti, yi, fi = _ypt(objs[i])
            for j in range(i + 1, len(objs)):
                ptj, yj, fj = _ypt(objs[j])
                dphi = (fi - fj + np.pi) % (2 * np.pi) - np.pi
                d = min(pti ** 2, ptj ** 2) * ((yi - yj) ** 2 + dphi ** 2)
                if d < best:
                    best, bi, bj = d, i, j
        merged = objs[bi] + objs[bj]
        objs = [o for k, o in enumerate(objs) if k not in (bi, bj)] + [merged]
    return objs


def brute_tau(parts, n, beta=1.0, R0=0.8):
    axes = brute_exclusive_kt(parts, n)
    num = den = 0.0
    for p in parts:
        pt, y, phi = _ypt(p)
        drs = []
        for a in axes:
            _, ya, fa = _ypt(a)
            dphi = (phi - fa + np.pi) % (2 * np.pi) - np.pi
            drs.append(np.hypot(y - ya, dphi))
        num += pt * min(drs) ** beta
        den += pt * R0 ** beta
    return num / den


@pytest.fixture(scope="module")
def toy_jets():
    rng = np.random.default_rng(42)
    out = np.zeros((6, 40, 4))
    for i in range(6):
        m = rng.integers(8, 25)
        # three prongs around (0, 0), like a top jet, plus soft spray
        centres = rng.normal(0, 0.3, (3, 2))
        k = rng.integers(0, 3, m)
        y = centres[k, 0] + rng.normal(0, 0.05, m)
        phi = 1.0 + centres[k, 1] + rng.normal(0, 0.05, m)
        pt = np.sort(rng.exponential(20, m))[::-1] + 0.5
        out[i, :m] = p4_from(pt, y, phi, m=rng.choice([0.0, 0.1396], m))
    return out


def test_mass_from_p4_sum():
    # two massless back-to-back (in the jet frame) photons of energy E: m = 2E; and a general hand sum
    x = np.zeros((2, 3, 4))
    x[0, 0] = [10, 0, 0, 10]
    x[0, 1] = [10, 0, 0, -10]
    x[1, :2] = [[5, 3, 0, 4], [13, 0, 12, 5]]
    E, px, py, pz = x[1].sum(0)
    np.testing.assert_allclose(J.mass(x), [20.0, np.sqrt(E ** 2 - px ** 2 - py ** 2 - pz ** 2)])
    np.testing.assert_array_equal(J.multiplicity(x), [2, 2])
    np.testing.assert_allclose(J.pt(x), [0.0, np.hypot(3, 12)])


def test_mass_matches_energyflow(toy_jets):
    ef = pytest.importorskip("energyflow")
    np.testing.assert_allclose(J.mass(toy_jets), ef.ms_from_p4s(toy_jets.sum(1)), rtol=1e-9)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_exclusive_kt_axes_match_brute_force(toy_jets, n):
    axes = J.exclusive_kt_axes(toy_jets, n)
    for i, jet in enumerate(toy_jets):
        parts = jet[jet[:, 0] > 0]
        ref = brute_exclusive_kt(parts, n)
        got = sorted(map(tuple, np.round(axes[i], 6)))
        want = sorted(map(tuple, np.round(np.array(ref), 6)))
        np.testing.assert_allclose(got, want, atol=1e-5)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_tau_n_matches_brute_force(toy_jets, n):
    tau = J.nsubjettiness(toy_jets, n)
    ref = [brute_tau(j[j[:, 0] > 0], n) for j in toy_jets]
    np.testing.assert_allclose(tau, ref, rtol=1e-9, atol=1e-12)


def test_tau_hand_values():
    # two massless particles at (y, phi) = (0, 0) and (0, 0.4) with pT 30 and 10:
    # tau_2 = 0; tau_1 with the E-scheme sum as axis is computed by hand here
    x = p4_from([30.0, 10.0], [0.0, 0.0], [0.0, 0.4])[None]
    axis = x[0].sum(0)
    _, ya, fa = _ypt(axis)
    d1 = np.hypot(0 - ya, 0 - fa)
    d2 = np.hypot(0 - ya, 0.4 - fa)
    want = (30 * d1 + 10 * d2) / (40 * 0.8)
    np.testing.assert_allclose(J.nsubjettiness(x, 1), [want])
    np.testing.assert_allclose(J.nsubjettiness(x, 2), [0.0], atol=1e-12)
    np.testing.assert_allclose(J.tau21(x), [0.0], atol=1e-12)
    # fewer constituents than axes: tau_N = 0 by definition, ratios stay finite
    assert J.nsubjettiness(x, 3)[0] == 0 and np.isfinite(J.tau32(x)).all()


def test_three_prong_jet_has_small_tau32():
    rng = np.random.default_rng(1)
    three = p4_from(np.r_[[100, 80, 60], rng.uniform(0.1, 1, 5)],
                    np.r_[[0.0, 0.4, -0.3], rng.normal(0, 0.02, 5)],
                    np.r_[[0.0, 0.1, 0.35], rng.normal(0, 0.02, 5)])
    one = p4_from(rng.exponential(20, 15), rng.normal(0, 0.1, 15), rng.normal(0, 0.1, 15))
    jets = np.zeros((2, 15, 4))
    jets[0, :8], jets[1] = three, one
    t32 = J.tau32(jets)
    assert t32[0] < 0.2 < t32[1]
