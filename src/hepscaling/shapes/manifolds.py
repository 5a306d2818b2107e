"""SHAPER's manifolds of energy flows, discretised: which shapes an observable's name stands for, and their points.

An observable is named ``"<N>-<shape>iness"`` with optional suffixes ``+point`` and ``+pileup`` (Ba, Dogra,
Gambhir, Tasissa, Thaler, arXiv 2302.12266; the talk's slides "Hearing jets ring" and "New IRC-safe observables"):

==================  ===========================================================  ==============================
shape               one of the N components                                      its free parameters
==================  ===========================================================  ==============================
``subjettiness``    a point (Dirac delta)                                        centre, weight
``ringiness``       a uniform circle (ring)                                      centre, radius, weight
``diskiness``       a uniform disk                                               centre, radius, weight
``ellipsiness``     a uniform ellipse (filled)                                   centre, semi-axes, angle, weight
``+point``          adds a point at each component's centre                     its own weight
``+pileup``         adds one uniform disk of radius R centred on the jet axis    its weight (the pileup fraction)
==================  ===========================================================  ==============================

All weights together lie on the simplex (they sum to 1, the jet's normalised pT).  ``N-subjettiness+point`` is refused
(a point on a point is a point).

**Discretisation.**  Each continuous shape is replaced by a fixed number of equal-weight points, as SHAPER samples it
(SHAPER draws fresh random points at every step; we keep a fixed, quasi-uniform set so that the EMD is a deterministic
function of the parameters):

* ring: ``n`` equally spaced points on the unit circle, at angles ``2π(k + 1/2)/n``;
* disk: the sunflower (Vogel) set ``r_k = √((k + 1/2)/n)``, ``θ_k = k·π(3 − √5)`` — the radii are the mid-quantiles
  of the uniform disk's radial distribution (density ``2r``), the angles advance by the golden angle;
* point: the origin.

A component's points are ``c + B·v_k`` for its template points ``v_k``: ``B`` is a similarity (``a·1 + b·J``, a
rotation times a scale: the radius is ``√(a² + b²)``) for rings and disks — the rotation only turns the discrete
points along the ring, the continuous shape is unchanged — and any 2×2 matrix for ellipses (the image of the uniform
unit disk under ``B`` is the uniform ellipse with semi-axes the singular values of ``B``).  The map from parameters to
points is therefore linear, which is what :mod:`hepscaling.shapes.shaper` exploits.  The discretisation costs at
most ``π r / (2n)`` in distance between a ring of radius r and its ``n`` points (each point stands for an arc of
length ``2πr/n``); for the disk the radial part is exact to ``O(r/n²)`` and the angular part is quasi-uniform.

Public API
----------
``parse(observable) -> ShapeSpec``               name → (n, shape, point, pileup), with one clear error
``OBSERVABLES``                                  the names the pages use
``ring_template(n)``, ``disk_template(n)``       the unit templates, ``(n, 2)``
``Model``                                         the discretised manifold of one observable (templates, parts,
                                                 blocks); ``build_model(spec, n_points, n_pileup_points, R)``
``Model.support(centres, transforms, weights)``  the shape's points ``(K, 2)`` and weights ``(K,)``
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

__all__ = ["SHAPES", "OBSERVABLES", "ShapeSpec", "parse", "ring_template", "disk_template", "Model", "build_model",
           "GOLDEN_ANGLE"]

SHAPES = ("subjettiness", "ringiness", "diskiness", "ellipsiness")
#: how a component's template points may be transformed (see the module docstring)
TRANSFORM = {"subjettiness": "translation", "ringiness": "similarity", "diskiness": "similarity",
             "ellipsiness": "affine"}
GOLDEN_ANGLE = np.pi * (3.0 - np.sqrt(5.0))
OBSERVABLES = ("1-subjettiness", "2-subjettiness", "3-subjettiness", "1-ringiness", "1-diskiness", "1-ellipsiness",
               "1-ringiness+point", "1-diskiness+point", "1-ellipsiness+point", "1-ringiness+pileup",
               "1-diskiness+pileup", "1-subjettiness+pileup", "2-ringiness", "2-diskiness")

_NAME = re.compile(r"^(\d+)-([a-z]+)((?:\+[a-z]+)*)$")


class ObservableError(ValueError):
    """An observable's name or a shape parameter is not as expected."""


@dataclass(frozen=True)
class ShapeSpec:
    n: int            # number of components
    shape: str        # one of SHAPES
    point: bool       # "+point": a point at each component's centre
    pileup: bool      # "+pileup": a uniform disk of radius R on the jet axis
    name: str = ""

    @property
    def transform(self) -> str:
        return TRANSFORM[self.shape]


def parse(observable: str) -> ShapeSpec:
    """``"1-ringiness+point+pileup"`` → ``ShapeSpec(1, "ringiness", True, True)``."""
    if not isinstance(observable, str):
        raise ObservableError(f"observable: expected a name such as '1-ringiness', got {observable!r}")
    name = observable.strip().lower().replace("_", "-")
    m = _NAME.match(name)
    hint = (f"expected '<N>-<shape>' with shape in {list(SHAPES)} and optional '+point' / '+pileup' "
            f"(e.g. '2-subjettiness', '1-ellipsiness+point+pileup')")
    if not m:
        raise ObservableError(f"observable {observable!r}: {hint}")
    n, shape, extras = int(m.group(1)), m.group(2), [e for e in m.group(3).split("+") if e]
    if shape == "ellipseiness":
        shape = "ellipsiness"
    if shape not in SHAPES or n < 1:
        raise ObservableError(f"observable {observable!r}: {hint}")
    bad = [e for e in extras if e not in ("point", "pileup")]
    if bad or len(set(extras)) != len(extras):
        raise ObservableError(f"observable {observable!r}: unknown or repeated suffix {bad or extras}; {hint}")
    point, pileup = "point" in extras, "pileup" in extras
    if point and shape == "subjettiness":
        raise ObservableError(f"observable {observable!r}: '+point' adds a point at each component's centre, which "
                              "for points changes nothing; use N-subjettiness")
    canonical = f"{n}-{shape}" + ("+point" if point else "") + ("+pileup" if pileup else "")
    return ShapeSpec(n, shape, point, pileup, canonical)


def ring_template(n: int) -> np.ndarray:
    """``n`` equally spaced points on the unit circle (angles 2π(k + 1/2)/n)."""
    n = _count(n, "n_points")
    t = 2 * np.pi * (np.arange(n) + 0.5) / n
    return np.stack([np.cos(t), np.sin(t)], axis=1)


def disk_template(n: int) -> np.ndarray:
    """``n`` quasi-uniform points in the unit disk: the sunflower set r = √((k + 1/2)/n), θ = k·golden angle."""
    n = _count(n, "n_points")
    k = np.arange(n)
    r = np.sqrt((k + 0.5) / n)
    t = k * GOLDEN_ANGLE
    return np.stack([r * np.cos(t), r * np.sin(t)], axis=1)


def _count(n, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ObservableError(f"{what}: expected a positive integer, got {n!r}")
    return int(n)


@dataclass
class Model:
    """The discretised manifold of one observable.

    ``templates`` ``(K, 2)``: every shape point's template coordinates; ``part`` ``(K,)``: the part (weight group)
    each point belongs to; ``part_block`` ``(P,)``: the block (set of shared centre + transform) of each part, -1 for
    the fixed pileup disk; ``part_size`` ``(P,)``; ``block_kind``: the transform of each block; ``part_role``:
    ``"shape"``, ``"point"`` or ``"pileup"`` per part.  Parts ``0..n-1`` are the N components, then the N centre
    points (``+point``), then the pileup disk (``+pileup``)."""
    spec: ShapeSpec
    templates: np.ndarray
    part: np.ndarray
    part_block: np.ndarray
    part_size: np.ndarray
    part_role: tuple
    block_kind: tuple
    R: float

    @property
    def n_parts(self) -> int:
        return len(self.part_size)

    @property
    def n_blocks(self) -> int:
        return len(self.block_kind)

    def block_rows(self, b: int) -> np.ndarray:
        """Indices of the shape points moved by block ``b``."""
        return np.flatnonzero(self.part_block[self.part] == b)

    def point_weights(self, weights) -> np.ndarray:
        """Per-point weights ``(K,)`` from the part weights ``(P,)``: each part's weight shared equally."""
        w = np.asarray(weights, dtype=np.float64)
        return (w / self.part_size)[self.part]

    def support(self, centres, transforms, weights):
        """The shape's points ``(K, 2)`` and weights ``(K,)`` for block centres ``(n_blocks, 2)``, transforms
        ``(n_blocks, 2, 2)`` and part weights ``(P,)`` (coordinates relative to the jet axis)."""
        centres = np.asarray(centres, dtype=np.float64).reshape(self.n_blocks, 2)
        transforms = np.asarray(transforms, dtype=np.float64).reshape(self.n_blocks, 2, 2)
        blk = self.part_block[self.part]
        pts = self.templates.copy()                       # the pileup disk: template already scaled, axis at 0
        moving = blk >= 0
        b = blk[moving]
        pts[moving] = centres[b] + np.einsum("kij,kj->ki", transforms[b], self.templates[moving])
        return pts, self.point_weights(weights)


def build_model(spec: ShapeSpec | str, n_points: int = 64, n_pileup_points: int | None = None,
                R: float = 0.8) -> Model:
    """The discretised manifold of ``spec`` (or an observable name): ``n_points`` points per ring/disk/ellipse,
    ``n_pileup_points`` (default ``n_points``) for the pileup disk of radius ``R``."""
    if isinstance(spec, str):
        spec = parse(spec)
    n_points = _count(n_points, "n_points")
    n_pu = n_points if n_pileup_points is None else _count(n_pileup_points, "n_pileup_points")
    template = {"subjettiness": np.zeros((1, 2)), "ringiness": ring_template(n_points),
                "diskiness": disk_template(n_points), "ellipsiness": disk_template(n_points)}[spec.shape]
    temps, part, blocks, sizes, roles = [], [], [], [], []

    def add(t, block, role):
        part.extend([len(sizes)] * len(t))
        temps.append(t)
        blocks.append(block)
        sizes.append(len(t))
        roles.append(role)

    for j in range(spec.n):
        add(template, j, "shape")
    if spec.point:
        for j in range(spec.n):
            add(np.zeros((1, 2)), j, "point")
    if spec.pileup:
        add(float(R) * disk_template(n_pu), -1, "pileup")
    return Model(spec=spec, templates=np.concatenate(temps), part=np.asarray(part), part_block=np.asarray(blocks),
                 part_size=np.asarray(sizes, dtype=np.float64), part_role=tuple(roles),
                 block_kind=(spec.transform,) * spec.n, R=float(R))
