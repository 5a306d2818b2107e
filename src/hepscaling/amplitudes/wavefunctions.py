"""External wave functions and Dirac algebra in the chiral (Weyl) basis, batched in torch.

Four-vectors are stored contravariant, ``(..., 4) = (E, px, py, pz)``; ``dot(a, b) = a0 b0 - a.b`` (no complex
conjugation).  Dirac spinors are ``(..., 4)`` with the left-handed (``P_L = (1 - gamma5)/2``) components first:
``gamma^mu = [[0, sigma^mu], [sigmabar^mu, 0]]``.

Helicity sums only need a complete orthonormal set of states per particle, so massless and massive vector bosons use
real *linear* polarisation vectors (two transverse, plus the longitudinal one for massive bosons); fermions use
helicity spinors (Peskin & Schroeder conventions, ``u = (sqrt(p.sigma) xi, sqrt(p.sigmabar) xi)``).
"""
from __future__ import annotations

import torch


def dot(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Minkowski product over the last axis (broadcasting)."""
    return a[..., 0] * b[..., 0] - a[..., 1] * b[..., 1] - a[..., 2] * b[..., 2] - a[..., 3] * b[..., 3]


def msq(p: torch.Tensor) -> torch.Tensor:
    return dot(p, p)


def slash(J: torch.Tensor, psi: torch.Tensor) -> torch.Tensor:
    """``J-slash psi`` for a (complex) vector ``J`` (..., 4) and a spinor ``psi`` (..., 4), broadcasting."""
    J0, J1, J2, J3 = J.unbind(-1)
    p0, p1, p2, p3 = psi.unbind(-1)
    a = J0 + J3
    d = J0 - J3
    b = J1 - 1j * J2
    c = J1 + 1j * J2
    return torch.stack((d * p2 - b * p3, a * p3 - c * p2, a * p0 + b * p1, c * p0 + d * p1), dim=-1)


def chiral(psi: torch.Tensor, cL, cR) -> torch.Tensor:
    """``(cL P_L + cR P_R) psi``."""
    if cL == cR:
        return psi * cL
    return torch.cat((psi[..., :2] * cL, psi[..., 2:] * cR), dim=-1)


def bar_dot(r: torch.Tensor, psi: torch.Tensor) -> torch.Tensor:
    """``rbar psi = r^dagger gamma^0 psi`` (r a column spinor, e.g. v(p) or u(p)), broadcasting."""
    return (r[..., 2:].conj() * psi[..., :2]).sum(-1) + (r[..., :2].conj() * psi[..., 2:]).sum(-1)


def _xi(p: torch.Tensor):
    """Two-component helicity eigenstates (xi_+, xi_-) along the 3-momentum of ``p`` (..., 4); each (..., 2)."""
    px, py, pz = p[..., 1], p[..., 2], p[..., 3]
    pabs = torch.sqrt(px * px + py * py + pz * pz)
    pp = pabs + pz
    ok = pp > 1e-10 * torch.clamp(pabs, min=1e-300)
    pp_s = torch.where(ok, pp, torch.ones_like(pp))
    pabs_s = torch.where(pabs > 0, pabs, torch.ones_like(pabs))
    c = torch.sqrt(pp_s / (2 * pabs_s))
    den = torch.sqrt(2 * pabs_s * pp_s)
    sp = torch.complex(px, py) / den  # e^{i phi} sin(theta/2)
    one = torch.ones_like(c)
    zero = torch.zeros_like(c)
    c = torch.where(ok, c, zero).to(sp.dtype)
    sp = torch.where(ok, sp, one.to(sp.dtype))
    xi_p = torch.stack((c, sp), -1)
    xi_m = torch.stack((-sp.conj(), c), -1)
    # along -z: xi_+ = (0, 1), xi_- = (1, 0)
    xi_m = torch.where(ok[..., None], xi_m, torch.stack((one, zero), -1).to(sp.dtype))
    return xi_p, xi_m


def _sqrt_e_pm(p: torch.Tensor):
    E = p[..., 0]
    pabs = torch.sqrt(p[..., 1] ** 2 + p[..., 2] ** 2 + p[..., 3] ** 2)
    return torch.sqrt(torch.clamp(E - pabs, min=0.0)), torch.sqrt(E + pabs)


def u_spinor(p: torch.Tensor) -> torch.Tensor:
    """u(p, lambda) for lambda = +1, -1: shape (..., 2, 4) complex."""
    xp, xm = _xi(p)
    sm, sp = _sqrt_e_pm(p)
    sm, sp = sm[..., None].to(xp.dtype), sp[..., None].to(xp.dtype)
    up = torch.cat((sm * xp, sp * xp), -1)
    um = torch.cat((sp * xm, sm * xm), -1)
    return torch.stack((up, um), -2)


def v_spinor(p: torch.Tensor) -> torch.Tensor:
    """v(p, lambda) for lambda = +1, -1: shape (..., 2, 4) complex (Sum v vbar = pslash - m)."""
    xp, xm = _xi(p)
    sm, sp = _sqrt_e_pm(p)
    sm, sp = sm[..., None].to(xp.dtype), sp[..., None].to(xp.dtype)
    vp = torch.cat((sp * xm, -sm * xm), -1)
    vm = torch.cat((sm * xp, -sp * xp), -1)
    return torch.stack((vp, vm), -2)


def polarisations(k: torch.Tensor, mass: float = 0.0) -> torch.Tensor:
    """Real linear polarisation vectors of a vector boson with momentum ``k`` (..., 4).

    Returns (..., 2, 4) for a massless boson (two transverse) and (..., 3, 4) for a massive one (plus longitudinal).
    They are orthonormal (eps.eps = -1) and transverse (eps.k = 0).
    """
    kx, ky, kz = k[..., 1], k[..., 2], k[..., 3]
    kabs = torch.sqrt(kx * kx + ky * ky + kz * kz)
    pt = torch.sqrt(kx * kx + ky * ky)
    ok = pt > 1e-10 * torch.clamp(kabs, min=1e-300)
    pt_s = torch.where(ok, pt, torch.ones_like(pt))
    kabs_s = torch.where(kabs > 0, kabs, torch.ones_like(kabs))
    zero = torch.zeros_like(kx)
    one = torch.ones_like(kx)
    e1 = torch.stack((zero, kx * kz / (kabs_s * pt_s), ky * kz / (kabs_s * pt_s), -pt / kabs_s), -1)
    e2 = torch.stack((zero, -ky / pt_s, kx / pt_s, zero), -1)
    sgn = torch.where(kz >= 0, one, -one)
    e1 = torch.where(ok[..., None], e1, torch.stack((zero, sgn, zero, zero), -1))
    e2 = torch.where(ok[..., None], e2, torch.stack((zero, zero, one, zero), -1))
    eps = [e1, e2]
    if mass > 0:
        E = k[..., 0]
        e0 = torch.stack((kabs / mass, E * kx / (mass * kabs_s), E * ky / (mass * kabs_s), E * kz / (mass * kabs_s)), -1)
        eps.append(e0)
    return torch.stack(eps, -2)
