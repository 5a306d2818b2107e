"""hepscaling.shapes — SHAPER: jet observables as the energy mover's distance to a manifold of shapes.

Ba, Dogra, Gambhir, Tasissa, Thaler, arXiv 2302.12266: for a manifold ℳ of energy flows (points, rings, disks,
ellipses, with a centre point and/or a uniform pileup disk added), the observable is the exact EMD between a jet and
the closest member of ℳ, and the closest member's parameters (centres, radii, eccentricities, weights, the pileup
fraction) come with it.

``manifolds``   the observables' names (``parse``: ``"2-subjettiness"``, ``"1-ringiness+point"``,
                ``"1-diskiness+pileup"``, ...) and their discretised shapes (``ring_template``, ``disk_template``,
                ``build_model``; a fixed number of quasi-uniform points per shape, linear in the parameters)
``shaper``      the fit: ``shaper(jets, observable, R=0.8, beta=1.0, ...) -> {"emd", "params", ...}`` — exact
                optimal transport (POT) inside a monotone majorise–minimise iteration on the transport plan, with
                exponentiated-gradient steps on the weights from the dual potentials; exact Lloyd/Weiszfeld for
                N-subjettiness; ``emd`` (one exact EMD), ``shape_points`` (a fitted shape as points)
``draw``        ``draw_jet`` and ``draw_fit``: a jet and its fitted shapes in the (y, φ) plane (matplotlib)
"""
from .manifolds import OBSERVABLES, SHAPES, ObservableError, ShapeSpec, build_model, disk_template, parse, ring_template
from .shaper import CONVENTIONS, emd, nsubjettiness, prepare, shape_points, shaper

__all__ = ["shaper", "emd", "shape_points", "prepare", "nsubjettiness", "parse", "build_model", "ring_template",
           "disk_template", "ShapeSpec", "ObservableError", "OBSERVABLES", "SHAPES", "CONVENTIONS"]
