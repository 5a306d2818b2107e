"""Drawing SHAPER fits: a jet's particles in the (y, φ) plane with the fitted shapes on top (matplotlib).

``draw_jet(ax, jet, axis=None, R=0.8)``                    particles as discs of area ∝ pT, relative to the axis
``draw_fit(ax, fit, i, colour=..., label=True)``           the fitted shapes of jet i (a fit from :func:`shaper`):
                                                            points as crosses (size ∝ weight), rings as circles,
                                                            disks and ellipses filled, the pileup disk dashed
Both draw relative to the jet's axis (``fit["axis"][i]``), so that a jet is centred at (0, 0).
"""
from __future__ import annotations

import numpy as np

from .manifolds import parse

__all__ = ["draw_jet", "draw_fit"]


def draw_jet(ax, jet, axis=None, R: float = 0.8, colour: str = "0.25", scale: float = 600.0):
    """Particles of one jet ``(M, 3)`` (pT, y, φ) as discs (area ∝ pT fraction) relative to ``axis`` (y, φ); the
    jet area (radius R) is drawn as a thin circle."""
    from matplotlib.patches import Circle

    jet = np.asarray(jet, float)
    real = jet[:, 0] > 0
    pt, y, phi = jet[real, 0], jet[real, 1], jet[real, 2]
    if axis is None:
        ref = phi[np.argmax(pt)]
        dphi = np.mod(phi - ref + np.pi, 2 * np.pi) - np.pi
        axis = (float(pt @ y / pt.sum()), ref + float(pt @ dphi / pt.sum()))
    dy = y - axis[0]
    dphi = np.mod(phi - axis[1] + np.pi, 2 * np.pi) - np.pi
    ax.scatter(dy, dphi, s=scale * pt / pt.sum(), color=colour, alpha=0.8, lw=0, zorder=5)
    ax.add_patch(Circle((0, 0), R, fill=False, ls=":", lw=0.8, color="0.5"))
    ax.set(xlim=(-1.1 * R, 1.1 * R), ylim=(-1.1 * R, 1.1 * R), aspect="equal", xlabel="Δy", ylabel="Δφ")
    return ax


def draw_fit(ax, fit: dict, i: int, colour: str = "tab:purple", label: bool = True, text_y: float = 0.03):
    """The fitted shape of jet ``i`` of ``fit`` (the dict :func:`~hepscaling.shapes.shaper` returns), relative to
    the jet's axis; ``label`` writes the observable's value and the parameters in the corner."""
    from matplotlib.patches import Circle, Ellipse

    spec = parse(fit["observable"])
    p, axis = fit["params"], np.asarray(fit["axis"][i], float)
    c = p["centres"][i] - axis
    c[:, 1] = np.mod(c[:, 1] + np.pi, 2 * np.pi) - np.pi
    w = p["weights"][i]
    lines = [f"{spec.name}: {fit['emd'][i]:.3f}"]
    for j in range(spec.n):
        if spec.shape == "subjettiness":
            ax.scatter(*c[j], marker="x", s=80 + 400 * w[j], color=colour, lw=2.5, zorder=10)
            lines.append(f"z={w[j]:.2f}")
            continue
        if spec.shape == "ringiness":
            ax.add_patch(Circle(c[j], p["radii"][i, j], fill=False, color=colour, lw=2.2, alpha=0.85, zorder=8))
            lines.append(f"r={p['radii'][i, j]:.2f}, z={w[j]:.2f}")
        elif spec.shape == "diskiness":
            ax.add_patch(Circle(c[j], p["radii"][i, j], color=colour, alpha=0.25, lw=0, zorder=4))
            ax.add_patch(Circle(c[j], p["radii"][i, j], fill=False, color=colour, lw=2, zorder=8))
            lines.append(f"r={p['radii'][i, j]:.2f}, z={w[j]:.2f}")
        else:
            a, b = p["semi_axes"][i, j]
            ang = np.degrees(p["angles"][i, j])
            ax.add_patch(Ellipse(c[j], 2 * a, 2 * b, angle=ang, color=colour, alpha=0.25, lw=0, zorder=4))
            ax.add_patch(Ellipse(c[j], 2 * a, 2 * b, angle=ang, fill=False, color=colour, lw=2, zorder=8))
            lines.append(f"√ab={p['radii'][i, j]:.2f}, e={p['eccentricities'][i, j]:.2f}, z={w[j]:.2f}")
        if spec.point:
            zp = p["point_weights"][i, j]
            ax.scatter(*c[j], marker="x", s=60 + 400 * zp, color=colour, lw=2.5, zorder=10)
            lines[-1] += f", z_pt={zp:.2f}"
    if spec.pileup:
        R = float(fit.get("R", 0.8))
        ax.add_patch(Circle((0, 0), R, fill=False, ls="--", color=colour, lw=1.2, zorder=3))
        lines.append(f"pileup z={p['pileup_weight'][i]:.2f}")
    if label:
        ax.text(0.03, text_y, "\n".join(lines), transform=ax.transAxes, fontsize=7.5, va="bottom",
                bbox=dict(facecolor="white", alpha=0.75, lw=0))
    return ax
