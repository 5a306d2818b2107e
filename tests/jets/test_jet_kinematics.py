"""to_ptyphi, centring, normalisation, rotation, images: against hand computations."""
import numpy as np
import pytest

from hepscaling import jets as J


def p4_from(pt, y, phi, m=0.0):
    pt, y, phi, m = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (pt, y, phi, m)))
    mt = np.sqrt(pt ** 2 + m ** 2)
    return np.stack([mt * np.cosh(y), pt * np.cos(phi), pt * np.sin(phi), mt * np.sinh(y)], axis=-1)


def test_rapidity_known_values():
    # E = 5, pz = 3 -> y = 0.5 ln(8/2) = ln 2 ; massive particle: y != eta
    p4 = np.array([[[5.0, 4.0, 0.0, 3.0], [0, 0, 0, 0]]])
    out = J.to_ptyphi(p4)
    assert out.shape == (1, 2, 3)
    np.testing.assert_allclose(out[0, 0], [4.0, np.log(2.0), 0.0])
    np.testing.assert_array_equal(out[0, 1], 0.0)  # padding
    x = p4_from([30.0, 5.0], [1.3, -0.7], [0.2, -0.1], m=[0.14, 0.5])[None]
    np.testing.assert_allclose(J.to_ptyphi(x)[0], [[30, 1.3, 0.2], [5, -0.7, -0.1]], atol=1e-12)


def test_phi_unwrapped_around_jet_axis():
    # a jet straddling phi = +-pi: constituents at 3.1 and -3.1 must stay 0.083 apart, not 6.2
    x = p4_from([100.0, 50.0, 20.0], [0.0, 0.1, -0.1], [3.1, -3.1, 3.0])[None]
    out = J.to_ptyphi(x)[0]
    assert out[:, 2].max() - out[:, 2].min() < 0.3
    np.testing.assert_allclose(J.wrap_phi(out[:, 2] - np.array([3.1, -3.1, 3.0])), 0, atol=1e-12)
    c = J.centre(J.to_ptyphi(x))[0]
    assert np.all(np.abs(c[:, 2]) < 0.2)


def test_wrap_phi_range():
    d = np.linspace(-20, 20, 1001)
    w = J.wrap_phi(d)
    assert np.all(w > -np.pi - 1e-12) and np.all(w <= np.pi + 1e-12)
    np.testing.assert_allclose(np.cos(w), np.cos(d), atol=1e-9)


def test_centre_normalise_rotate():
    rng = np.random.default_rng(0)
    x = p4_from(rng.exponential(10, (4, 30)), rng.normal(0.5, 0.3, (4, 30)), rng.normal(1, 0.3, (4, 30)))
    x[:, 25:] = 0
    c = J.centre(J.to_ptyphi(x))
    w = c[..., 0] / c[..., 0].sum(1, keepdims=True)
    np.testing.assert_allclose((w * c[..., 1]).sum(1), 0, atol=1e-12)
    np.testing.assert_allclose((w * c[..., 2]).sum(1), 0, atol=1e-12)
    assert np.all(c[:, 25:] == 0)
    n = J.normalise(c)
    np.testing.assert_allclose(n[..., 0].sum(1), 1)
    r = J.rotate(c)
    # rotation keeps pairwise distances and the centroid, and puts the principal axis along y
    d0 = np.hypot(c[0, :25, None, 1] - c[0, None, :25, 1], c[0, :25, None, 2] - c[0, None, :25, 2])
    d1 = np.hypot(r[0, :25, None, 1] - r[0, None, :25, 1], r[0, :25, None, 2] - r[0, None, :25, 2])
    np.testing.assert_allclose(d0, d1, atol=1e-12)
    pt = r[..., 0]
    assert np.all((pt * r[..., 1] ** 2).sum(1) >= (pt * r[..., 2] ** 2).sum(1))
    np.testing.assert_allclose((pt * r[..., 1] * r[..., 2]).sum(1), 0, atol=1e-9)


def test_images_conserve_pt():
    x = p4_from([[10.0, 5.0, 1.0]], [[0.0, 0.3, 5.0]], [[0.0, -0.2, 0.0]])
    z = J.to_ptyphi(x)
    img = J.jet_images(z, npix=21, half_width=1.0)
    assert img.shape == (1, 21, 21)
    assert img.sum() == pytest.approx(15.0)  # the particle at y = 5 is outside
    assert img[0, 10, 10] == pytest.approx(10.0)


def test_bad_shape():
    with pytest.raises(ValueError, match=r"\(N, M, 4\)"):
        J.to_ptyphi(np.zeros((3, 5, 3)))
