"""SHAPER observables (hepscaling.shapes) against closed forms, IRC safety and energyflow's exact EMD.

Conventions: EMD = min_π Σ π_ij (d_ij/R)^β with normalised pT (energyflow's ``emd.emd(norm=True)``); the talk's
``1/(β R^β)`` normalisation is ``convention="shaper"``.  The discretisation bound of a ring of radius r drawn with
n equally spaced points is π r/(2n) in distance (each point carries an arc of length 2πr/n).
"""
import numpy as np
import pytest

from hepscaling.shapes import ObservableError, emd, parse, shape_points, shaper
from hepscaling.shapes.manifolds import disk_template, ring_template

R = 0.8


def ring_jet(r, centre=(0.0, 0.0), n=200, phase=0.1, pt=1.0):
    t = 2 * np.pi * np.arange(n) / n + phase
    return np.stack([np.full(n, pt / n), centre[0] + r * np.cos(t), centre[1] + r * np.sin(t)], axis=1)


def ring_bound(r, n_shape, n_jet=200):
    """Upper bound on EMD(uniform n_jet-point ring, n_shape-point ring) / R: both to the continuous ring."""
    return np.pi * r / (2 * n_shape * R) + np.pi * r / (2 * n_jet * R)


def random_jet(seed, m=40):
    rng = np.random.default_rng(seed)
    pt = rng.exponential(1.0, m) ** 2
    xy = rng.normal(0, 0.15, (m, 2))
    return np.column_stack([pt, xy])


# ------------------------------------------------------------------------------------------- closed forms: the ring
def test_uniform_ring_subjettiness_is_r_over_R():
    r = 0.3
    out = shaper(ring_jet(r, (0.1, -0.2))[None], "1-subjettiness", R=R)
    assert out["emd"][0] == pytest.approx(r / R, rel=1e-6)
    assert np.allclose(out["params"]["centres"][0, 0], (0.1, -0.2), atol=1e-6)


def test_uniform_ring_ringiness_vanishes_to_discretisation_and_recovers_the_ring():
    r, n = 0.3, 64
    out = shaper(ring_jet(r, (0.1, -0.2))[None], "1-ringiness", R=R, n_points=n)
    assert 0 <= out["emd"][0] <= ring_bound(r, n)
    assert out["params"]["radii"][0, 0] == pytest.approx(r, rel=5e-3)
    assert np.allclose(out["params"]["centres"][0, 0], (0.1, -0.2), atol=2e-3)
    # a finer ring halves the bound and the value follows it
    fine = shaper(ring_jet(r, (0.1, -0.2), n=400)[None], "1-ringiness", R=R, n_points=200)
    assert fine["emd"][0] <= ring_bound(r, 200, 400) < 0.5 * ring_bound(r, n)


def _radial_w1(r, rho, n=200_001):
    """E|U − r| for U the radius of a uniform disk of radius rho (density 2u/rho²), by the midpoint rule."""
    u = (np.arange(n) + 0.5) / n * rho
    return float(np.sum(np.abs(u - r) * 2 * u / rho ** 2) * rho / n)


def test_ring_to_disk_closed_form_is_true():
    """The issue's statement, checked analytically: for a ring of radius r and a concentric uniform disk of radius
    rho >= r, radial transport (optimal, since |x − y| >= ||x| − |y||) costs f(rho) = 2rho/3 − r + 2r³/(3rho²);
    f' = 0 at rho³ = 2r³, where f = (2^(1/3) − 1) r.  (rho < r costs r − 2rho/3, decreasing.)"""
    r = 0.3
    f = lambda rho: 2 * rho / 3 - r + 2 * r ** 3 / (3 * rho ** 2)
    for rho in (0.31, 0.378, 0.5):
        assert _radial_w1(r, rho) == pytest.approx(f(rho), rel=1e-6)
    rhos = np.linspace(0.2, 0.6, 4001)
    vals = [_radial_w1(r, x, 20_001) for x in rhos]
    assert rhos[int(np.argmin(vals))] == pytest.approx(2 ** (1 / 3) * r, abs=2e-4)
    assert min(vals) == pytest.approx((2 ** (1 / 3) - 1) * r, rel=1e-5)


def test_uniform_ring_diskiness_is_cuberoot2_minus_1_times_r_over_R():
    r = 0.3
    out = shaper(ring_jet(r, (0.1, -0.2), n=400)[None], "1-diskiness", R=R, n_points=256)
    assert out["emd"][0] == pytest.approx((2 ** (1 / 3) - 1) * r / R, rel=0.01)
    assert out["emd"][0] >= (2 ** (1 / 3) - 1) * r / R * (1 - 1e-3)      # a discrete disk cannot beat the continuum much
    assert out["params"]["radii"][0, 0] == pytest.approx(2 ** (1 / 3) * r, rel=0.01)


# ------------------------------------------------------------------------------------------- closed forms: points
@pytest.mark.parametrize("d", [0.1, 0.4, 0.9])
def test_two_half_weight_points_give_d_over_2R(d):
    jet = np.array([[0.5, -d / 2, 0.3], [0.5, d / 2, 0.3]])
    out = shaper(jet[None], "1-subjettiness", R=R)
    assert out["emd"][0] == pytest.approx(d / (2 * R), rel=1e-9)
    assert shaper(jet[None], "2-subjettiness", R=R)["emd"][0] == pytest.approx(0, abs=1e-12)


@pytest.mark.parametrize("seed", [0, 1])
def test_beta2_subjettiness_is_the_pt_weighted_variance(seed):
    jet = random_jet(seed)
    z = jet[:, 0] / jet[:, 0].sum()
    xy = jet[:, 1:]
    var = float(z @ ((xy - z @ xy) ** 2).sum(axis=1))
    ef = shaper(jet[None], "1-subjettiness", R=R, beta=2.0)["emd"][0]
    sh = shaper(jet[None], "1-subjettiness", R=R, beta=2.0, convention="shaper")["emd"][0]
    assert ef == pytest.approx(var / R ** 2, rel=1e-10)          # (d/R)^β, no 1/β: energyflow's convention
    assert sh == pytest.approx(var / (2 * R ** 2), rel=1e-10)    # the talk's 1/(β R^β): half at β = 2
    b1 = shaper(jet[None], "1-subjettiness", R=R, beta=1.0)["emd"][0]
    assert shaper(jet[None], "1-subjettiness", R=R, beta=1.0, convention="shaper")["emd"][0] == pytest.approx(b1)


# -------------------------------------------------------------------------------------------- fitted parameters
def test_displaced_ring_centre_recovered_in_the_input_frame_across_the_phi_seam():
    r = 0.25
    for centre in [(1.3, 2.0), (-0.4, np.pi - 0.05)]:
        jet = ring_jet(r, centre)
        jet[:, 2] = np.mod(jet[:, 2] + np.pi, 2 * np.pi) - np.pi          # absolute φ in [−π, π): split by the seam
        out = shaper(jet[None], "1-ringiness", R=R, n_points=64)
        c = out["params"]["centres"][0, 0]
        assert c[0] == pytest.approx(centre[0], abs=2e-3)
        assert np.mod(c[1] - centre[1] + np.pi, 2 * np.pi) - np.pi == pytest.approx(0, abs=2e-3)
        assert out["emd"][0] <= ring_bound(r, 64)


def test_two_rings_recovered_with_their_weights():
    a, b = ring_jet(0.2, (-0.3, 0.0), pt=0.6), ring_jet(0.1, (0.35, 0.1), n=120, pt=0.4)
    jet = np.concatenate([a, b])
    out = shaper(jet[None], "2-ringiness", R=R, n_points=64, n_init=3, max_iter=120)
    p = out["params"]
    order = np.argsort(-p["weights"][0])
    assert np.allclose(p["centres"][0, order], [(-0.3, 0.0), (0.35, 0.1)], atol=5e-3)
    assert np.allclose(p["radii"][0, order], [0.2, 0.1], rtol=0.02)
    assert np.allclose(p["weights"][0, order], [0.6, 0.4], atol=0.01)
    assert out["emd"][0] <= 0.6 * ring_bound(0.2, 64) + 0.4 * ring_bound(0.1, 64, 120) + 1e-3


def test_uniform_ellipse_recovered():
    a, b, angle = 0.3, 0.15, 0.5
    v = disk_template(800) * [a, b]
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    xy = v @ rot.T + [0.2, -0.1]
    jet = np.column_stack([np.ones(len(xy)), xy])
    out = shaper(jet[None], "1-ellipsiness", R=R, n_points=128)
    p = out["params"]
    assert out["emd"][0] < 0.02
    assert np.allclose(p["semi_axes"][0, 0], [a, b], rtol=0.03)
    assert p["angles"][0, 0] == pytest.approx(angle, abs=0.05)
    assert p["eccentricities"][0, 0] == pytest.approx(np.sqrt(1 - (b / a) ** 2), abs=0.02)
    assert np.allclose(p["centres"][0, 0], [0.2, -0.1], atol=5e-3)
    # a disk cannot do as well on an elongated jet
    assert shaper(jet[None], "1-diskiness", R=R, n_points=128)["emd"][0] > 2 * out["emd"][0]


def test_pileup_fraction_recovered_on_a_ring_with_uniform_contamination():
    rng = np.random.default_rng(3)
    f0, r = 0.25, 0.3
    ring = ring_jet(r, pt=1 - f0)
    n_pu = 400
    rad, th = R * np.sqrt(rng.random(n_pu)), 2 * np.pi * rng.random(n_pu)
    pu = np.column_stack([np.full(n_pu, f0 / n_pu), rad * np.cos(th), rad * np.sin(th)])
    jet = np.concatenate([ring, pu])
    out = shaper(jet[None], "1-ringiness+pileup", R=R, n_points=64, n_pileup_points=256, max_iter=120)
    plain = shaper(jet[None], "1-ringiness", R=R, n_points=64)
    assert out["params"]["pileup_weight"][0] == pytest.approx(f0, abs=0.03)
    assert out["params"]["radii"][0, 0] == pytest.approx(r, rel=0.03)
    assert out["emd"][0] < 0.5 * plain["emd"][0]


# ------------------------------------------------------------------------------------------------- IRC safety
@pytest.mark.parametrize("observable", ["1-subjettiness", "2-subjettiness", "1-ringiness", "1-diskiness+point"])
def test_infrared_and_collinear_safety(observable):
    """Unchanged to the fit's convergence tolerance (the minimiser's path may differ, its limit does not)."""
    jet = random_jet(5)
    kw = dict(R=R, n_points=32, tol=1e-7, max_iter=200)
    base = shaper(jet[None], observable, **kw)["emd"][0]
    soft = np.vstack([jet, [1e-12 * jet[:, 0].sum(), 0.4, -0.3]])           # a (nearly) zero-energy particle
    hard = np.argmax(jet[:, 0])
    split = np.vstack([jet, jet[hard]])                                     # the hardest particle split in two
    split[hard, 0] *= 0.3
    split[-1, 0] *= 0.7
    zero = np.vstack([jet, [0.0, 0.4, -0.3]])                               # an exactly zero pT entry is padding
    for other in (soft, split, zero):
        assert shaper(other[None], observable, **kw)["emd"][0] == pytest.approx(base, rel=1e-6)


# ---------------------------------------------------------------------------------------- energyflow's exact EMD
def test_exact_emd_agrees_with_energyflow_for_a_fixed_shape():
    ef = pytest.importorskip("energyflow")
    jet = random_jet(7)
    pts = 0.2 * ring_template(40) + [0.05, -0.02]
    shape = np.column_stack([np.full(40, 1 / 40), pts])
    for beta in (1.0, 0.5, 2.0):
        ours = emd(jet[:, 1:], jet[:, 0], pts, np.full(40, 1 / 40), R=R, beta=beta)
        theirs = ef.emd.emd(jet, shape, R=R, beta=beta, norm=True)
        assert ours == pytest.approx(theirs, rel=1e-9)


@pytest.mark.parametrize("observable", ["1-ringiness", "1-ellipsiness+point", "1-diskiness+pileup", "2-subjettiness"])
def test_fitted_value_is_the_exact_emd_to_the_fitted_shape(observable):
    ef = pytest.importorskip("energyflow")
    jet = random_jet(11)
    jet[:, 2] += 3.0                                                      # absolute φ, away from 0
    out = shaper(jet[None], observable, R=R, n_points=32, n_pileup_points=48)
    pts, w = shape_points(observable, out["params"], 0, axis=out["axis"][0], R=R, n_points=32, n_pileup_points=48)
    theirs = ef.emd.emd(jet, np.column_stack([w, pts]), R=R, beta=1.0, norm=True)
    assert out["emd"][0] == pytest.approx(theirs, rel=1e-7)


# ------------------------------------------------------------------------------------- manifolds nest and order
def test_nested_manifolds_never_do_worse_than_points():
    jets = np.stack([random_jet(s) for s in range(4)])
    sub = shaper(jets, "1-subjettiness", R=R)["emd"]
    for obs in ("1-ringiness", "1-diskiness", "1-ellipsiness", "1-ringiness+point"):
        assert np.all(shaper(jets, obs, R=R, n_points=32)["emd"] <= sub * (1 + 1e-9))
    sub2 = shaper(jets, "2-subjettiness", R=R)["emd"]
    assert np.all(shaper(jets, "2-ringiness", R=R, n_points=32)["emd"] <= sub2 * (1 + 1e-9))
    assert np.all(sub2 <= sub + 1e-12)


# ------------------------------------------------------------------------------------------------- bad input
def test_bad_input_is_refused_with_a_clear_message():
    jet = random_jet(0)[None]
    with pytest.raises(ObservableError, match="'<N>-<shape>'"):
        shaper(jet, "ringiness")
    with pytest.raises(ObservableError, match="changes nothing"):
        parse("2-subjettiness+point")
    with pytest.raises(ValueError, match=r"\(N, M, 3\)"):
        shaper(jet[..., :2], "1-ringiness")
    with pytest.raises(ValueError, match="beta"):
        shaper(jet, "1-ringiness", beta=3.0)
    with pytest.raises(ValueError, match=r"jets\[0\]: no particle"):
        shaper(np.zeros((1, 5, 3)), "1-ringiness")
    assert parse("1-Ellipseiness+Point+Pileup") == parse("1-ellipsiness+point+pileup")
