"""Tracks: impact parameters of a straight line or a helix, curvature smearing.

Impact parameters (CMS conventions, lengths in mm, vertex at the origin): the point of closest approach (PCA) to the
z axis of the particle's trajectory from its production vertex (x, y, z).

* Straight line (``helix=False``, or a neutral particle, or no field): with u = (p_x, p_y)/pT,
  d0 = -x u_y + y u_x,  dz = z - (x u_x + y u_y) p_z/pT.
* Helix in a field B along +z: radius R = pT / (0.299792458 |q| B) (m, GeV, T), centre c = (x, y) + s R (u_y, -u_x)
  with s = sign(qB) (the Lorentz force of a positive charge points to (u_y, -u_x)); d0 = s (R - |c|) (written as
  -(s rho0^2 + 2R (x u_y - y u_x)) / (R + |c|), free of cancellations); the turning angle phi from the vertex to the
  PCA (negative when the PCA lies behind the vertex) gives dz = z + R phi p_z/pT, and the momentum direction at the
  PCA, s (-c_y, c_x)/|c|, replaces u.  For R -> infinity both reduce to the straight line.
"""
from __future__ import annotations

import numpy as np

__all__ = ["impact_parameters", "helix_radius_mm", "smear_curvature"]

C_LIGHT = 0.299792458  # GeV / (T m) per unit charge


def helix_radius_mm(pt, charge, b_field) -> np.ndarray:
    """Radius of curvature (mm) of a track of transverse momentum ``pt`` (GeV) and ``charge`` in ``b_field`` (T)."""
    with np.errstate(divide="ignore"):
        return 1000.0 * np.asarray(pt, float) / (C_LIGHT * np.abs(np.asarray(charge, float)) * float(b_field))


def impact_parameters(x, y, z, px, py, pz, charge, b_field: float = 0.0, helix: bool = True):
    """Transverse (d0) and longitudinal (dz) impact parameters (mm) and the transverse momentum direction at the
    point of closest approach, ``(d0, dz, ux, uy)``; see the module docstring for the closed forms."""
    x, y, z, px, py, pz = (np.asarray(a, float) for a in (x, y, z, px, py, pz))
    q = np.asarray(charge, float)
    pt = np.hypot(px, py)
    ptp = np.maximum(pt, 1e-300)
    ux, uy = px / ptp, py / ptp
    cross = x * uy - y * ux                      # r0 x u
    d0 = -cross
    dz = z - (x * ux + y * uy) * pz / ptp
    ux_pca, uy_pca = ux.copy(), uy.copy()
    if helix and b_field > 0:
        bend = (q != 0) & (pt > 0)
        if np.any(bend):
            s = np.sign(q[bend])
            R = helix_radius_mm(pt[bend], q[bend], b_field)
            xb, yb, uxb, uyb = x[bend], y[bend], ux[bend], uy[bend]
            cx, cy = xb + s * R * uyb, yb - s * R * uxb
            C = np.hypot(cx, cy)
            d0[bend] = -(s * (xb * xb + yb * yb) + 2 * R * cross[bend]) / (R + C)
            Cp = np.maximum(C, 1e-300)
            chx, chy = cx / Cp, cy / Cp
            # signed (counter-clockwise) angle from a0 = r0 - c to a1 = PCA - c = -R c_hat; travel = -s * angle
            a0x, a0y = xb - cx, yb - cy
            ang = np.arctan2(a0x * (-chy) - a0y * (-chx), a0x * (-chx) + a0y * (-chy))
            dz[bend] = z[bend] + R * (-s * ang) * pz[bend] / pt[bend]
            ux_pca[bend], uy_pca[bend] = -s * chy, s * chx
    return d0, dz, ux_pca, uy_pca


def smear_curvature(pt, sigma, normal) -> np.ndarray:
    """Measured pT from 1/pT' = (1/pT)(1 + sigma * normal) (the track's charge is kept: |1 + sigma normal|)."""
    return np.asarray(pt, float) / np.maximum(np.abs(1.0 + np.asarray(sigma) * np.asarray(normal)), 1e-12)
