"""hepscaling.jets: four-vector conversions, centring/normalising, jet images and observables.

Jets arrive as padded ``(N, M, 4)`` arrays (E, px, py, pz) and are converted once with :func:`to_ptyphi` to
``(N, M, 3)`` = (pT, rapidity, phi), pT == 0 marking padding.
"""
from .kinematics import (center, centre, jet_p4, jet_ptyphim, normalise, normalize, preprocess, rapidity, rotate,
                         to_ptyphi, wrap_phi)
from .observables import exclusive_kt_axes, mass, multiplicity, nsubjettiness, pt, tau21, tau32
from .images import jet_images

__all__ = ["to_ptyphi", "centre", "center", "normalise", "normalize", "rotate", "preprocess", "jet_p4",
           "jet_ptyphim", "rapidity", "wrap_phi", "mass", "pt", "multiplicity", "nsubjettiness", "tau21", "tau32",
           "exclusive_kt_axes", "jet_images"]
