"""Detector cards: every number of the parametrised detector, as frozen (hashable, cacheable) dataclasses.

A :class:`Card` holds a :class:`Tracker` (acceptance, efficiencies, momentum and impact-parameter resolutions, field),
a :class:`LeptonID` (which tracked electrons and muons become PF electrons and muons) and a tuple of
:class:`Calorimeter` s (cell grids, resolutions, thresholds, dead cells).  Two documented cards:

* ``"cms"`` — a CMS-like particle-flow response for papers C, D and E (CMS 2016 Open Data, AspenOpenJets; JetClass
  used Delphes' CMS card).  ``"cms_hf"`` adds the forward calorimeter HF (3 < |eta| < 5.19).
* ``"delphes_atlas"`` — the granularity, resolutions and efficiencies of the Delphes ATLAS card
  (``delphes/delphes`` ``cards/delphes_card_ATLAS.tcl`` at commit 15772b7), for paper A's substitute of the Top
  Tagging Landscape set; its asymmetric/overlapping forward tower lists are made symmetric (stated in the card).

Conventions: energies and momenta in GeV, lengths in mm inside the code (Pythia's unit); the impact parameters come
out in the card's ``length_unit`` (cm for ``cms``: the unit of CMS MiniAOD/PFNano and of AspenOpenJets' d0, dz).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Binned", "Resolution", "ImpactResolution", "Tracker", "LeptonID", "CaloRegion", "Calorimeter", "Card",
           "CARDS", "load_card", "describe"]


def _tuple(x, name, dtype=float):
    try:
        return tuple(dtype(v) for v in x)
    except TypeError:
        raise TypeError(f"{name}: expected a sequence of numbers, got {x!r}") from None


def _check_edges(edges, name, start_zero=False):
    e = np.asarray(edges, dtype=float)
    if e.ndim != 1 or len(e) < 2 or np.any(np.diff(e) <= 0) or e[0] < 0:
        raise ValueError(f"{name}: expected at least two increasing |eta| edges >= 0, got {edges!r}")
    if start_zero and e[0] != 0:
        raise ValueError(f"{name}: the first |eta| edge must be 0, got {edges[0]}")


def _region(abseta, edges):
    """Index of the |eta| region of each value (``-1`` outside ``[edges[0], edges[-1])``)."""
    i = np.searchsorted(np.asarray(edges), abseta, side="right") - 1
    return np.where((i >= 0) & (i < len(edges) - 1), i, -1)


# --------------------------------------------------------------------------------------------------- functions
@dataclass(frozen=True)
class Binned:
    """A step function of (|eta|, pT): ``values[i][j]`` for ``eta_edges[i] <= |eta| < eta_edges[i+1]`` and
    ``pt_lows[j] <= pT < pt_lows[j+1]`` (the last pT bin is open); 0 below ``pt_lows[0]`` and outside the |eta| edges.
    Used for efficiencies (values in [0, 1])."""
    eta_edges: tuple
    pt_lows: tuple
    values: tuple

    def __post_init__(self):
        object.__setattr__(self, "eta_edges", _tuple(self.eta_edges, "Binned.eta_edges"))
        object.__setattr__(self, "pt_lows", _tuple(self.pt_lows, "Binned.pt_lows"))
        object.__setattr__(self, "values", tuple(_tuple(r, "Binned.values") for r in self.values))
        _check_edges(self.eta_edges, "Binned.eta_edges")
        if np.any(np.diff(self.pt_lows) <= 0) or len(self.pt_lows) < 1:
            raise ValueError(f"Binned.pt_lows: expected increasing pT bin lower edges, got {self.pt_lows!r}")
        v = np.asarray(self.values, dtype=float)
        if v.shape != (len(self.eta_edges) - 1, len(self.pt_lows)):
            raise ValueError(f"Binned.values: expected shape ({len(self.eta_edges) - 1}, {len(self.pt_lows)}) "
                             f"(|eta| bins x pT bins), got {v.shape}")
        if np.any((v < 0) | (v > 1)):
            raise ValueError(f"Binned.values: efficiencies must lie in [0, 1], got {self.values!r}")

    @classmethod
    def constant(cls, value: float, eta_max: float, pt_min: float = 0.0) -> "Binned":
        return cls((0.0, eta_max), (pt_min,), ((value,),))

    def __call__(self, abseta, pt) -> np.ndarray:
        abseta, pt = np.asarray(abseta, float), np.asarray(pt, float)
        i = _region(abseta, self.eta_edges)
        j = np.searchsorted(np.asarray(self.pt_lows), pt, side="right") - 1
        ok = (i >= 0) & (j >= 0)
        v = np.asarray(self.values)
        return np.where(ok, v[np.maximum(i, 0), np.maximum(j, 0)], 0.0)

    def rows(self) -> list[str]:
        pts = [f"{a:g}–{b:g}" for a, b in zip(self.pt_lows[:-1], self.pt_lows[1:])] + [f"> {self.pt_lows[-1]:g}"]
        out = []
        for i, r in enumerate(self.values):
            cells = ", ".join(f"{p}: {v:g}" for p, v in zip(pts, r))
            out.append(f"{self.eta_edges[i]:g} ≤ \\|η\\| < {self.eta_edges[i + 1]:g}: pT (GeV) {cells}")
        return out


@dataclass(frozen=True)
class Resolution:
    """Relative resolution in |eta| regions, sigma(x)/x = sqrt(stochastic^2/x + constant^2 + (noise/x)^2 +
    (linear*x)^2) with x = pT (``variable="pT"``; the tracker: sigma(pT)/pT = constant (+) linear*pT) or x = E
    (``variable="E"``; a calorimeter: stochastic/sqrt(E) (+) constant (+) noise/E).  Coefficients per region."""
    eta_edges: tuple
    stochastic: tuple = ()
    constant: tuple = ()
    noise: tuple = ()
    linear: tuple = ()
    variable: str = "pT"

    def __post_init__(self):
        object.__setattr__(self, "eta_edges", _tuple(self.eta_edges, "Resolution.eta_edges"))
        _check_edges(self.eta_edges, "Resolution.eta_edges")
        n = len(self.eta_edges) - 1
        for k in ("stochastic", "constant", "noise", "linear"):
            v = _tuple(getattr(self, k), f"Resolution.{k}") or (0.0,) * n
            if len(v) != n or any(x < 0 for x in v):
                raise ValueError(f"Resolution.{k}: expected {n} non-negative coefficients (one per |eta| region), "
                                 f"got {getattr(self, k)!r}")
            object.__setattr__(self, k, v)
        if self.variable not in ("pT", "E"):
            raise ValueError(f"Resolution.variable: expected 'pT' or 'E', got {self.variable!r}")

    def relative(self, abseta, x) -> np.ndarray:
        """sigma(x)/x; regions outside the |eta| edges take the nearest region's coefficients."""
        i = np.clip(np.searchsorted(np.asarray(self.eta_edges), abseta, side="right") - 1, 0, len(self.eta_edges) - 2)
        x = np.maximum(np.asarray(x, float), 1e-9)
        s, c, n, b = (np.asarray(getattr(self, k))[i] for k in ("stochastic", "constant", "noise", "linear"))
        return np.sqrt(s * s / x + c * c + (n / x) ** 2 + (b * x) ** 2)

    def rows(self) -> list[str]:
        x = self.variable
        out = []
        for i in range(len(self.eta_edges) - 1):
            terms = []
            if self.stochastic[i]:
                terms.append(f"{self.stochastic[i]:g}/√{x}")
            if self.constant[i]:
                terms.append(f"{self.constant[i]:g}")
            if self.noise[i]:
                terms.append(f"{self.noise[i]:g}/{x}")
            if self.linear[i]:
                terms.append(f"{self.linear[i]:g}·{x}")
            out.append(f"{self.eta_edges[i]:g} ≤ \\|η\\| < {self.eta_edges[i + 1]:g}: σ/{x} = "
                       + (" ⊕ ".join(terms) or "0"))
        return out


@dataclass(frozen=True)
class ImpactResolution:
    """Impact-parameter resolutions (mm; p in GeV, theta the polar angle):
    sigma(d0) = d0_constant (+) d0_scattering / (p sin^(3/2) theta),
    sigma(dz) = dz_constant (+) dz_scattering / (p sin^(5/2) theta)  (multiple scattering grows in the forward
    direction; p sin^(3/2) theta = pT sin^(1/2) theta)."""
    d0_constant: float = 0.0
    d0_scattering: float = 0.0
    dz_constant: float = 0.0
    dz_scattering: float = 0.0

    def sigmas(self, pt, pz):
        pt = np.maximum(np.asarray(pt, float), 1e-9)
        p = np.hypot(pt, pz)
        sin = pt / p
        d0 = np.hypot(self.d0_constant, self.d0_scattering / (p * sin ** 1.5))
        dz = np.hypot(self.dz_constant, self.dz_scattering / (p * sin ** 2.5))
        return d0, dz


# --------------------------------------------------------------------------------------------------- components
@dataclass(frozen=True)
class Tracker:
    """Charged-particle tracking within |eta| < ``eta_max`` in a solenoidal field ``b_field`` (tesla, along +z).

    Efficiencies (:class:`Binned`) per species; the momentum resolution acts on the curvature, 1/pT' =
    (1/pT)(1 + sigma delta) with delta ~ N(0, 1) (sigma(pT)/pT = sigma to first order; the track charge is the
    particle's).  Impact parameters from the production vertex: the point of closest approach to the z axis of the
    helix in ``b_field`` (``helix=True``) or of the straight line (``helix=False``), smeared with
    :class:`ImpactResolution`.  Only particles produced within the transverse radius ``vertex_rho_max`` and
    ``|z| < vertex_abs_z_max`` (mm) can be tracked (later ones, e.g. from late K0S decays, reach the calorimeters
    untracked)."""
    eta_max: float
    b_field: float
    helix: bool
    efficiency_hadron: Binned
    efficiency_electron: Binned
    efficiency_muon: Binned
    resolution_hadron: Resolution
    resolution_muon: Resolution
    impact: ImpactResolution
    vertex_rho_max: float = 600.0
    vertex_abs_z_max: float = 1200.0

    def __post_init__(self):
        if not (self.eta_max > 0):
            raise ValueError(f"Tracker.eta_max: expected a positive |eta| coverage, got {self.eta_max}")
        if self.b_field < 0:
            raise ValueError(f"Tracker.b_field: expected a field >= 0 tesla, got {self.b_field}")
        for k in ("resolution_hadron", "resolution_muon"):
            if getattr(self, k).variable != "pT":
                raise ValueError(f"Tracker.{k}: a tracker resolution is in pT (variable='pT')")


@dataclass(frozen=True)
class LeptonID:
    """Which tracked leptons become PF leptons.  A tracked electron is a PF electron (pdgId ±11) with probability
    ``electron_efficiency``, its energy measured with ``electron_resolution`` (``variable="E"``: the ECAL; ``"pT"``:
    the track); otherwise a charged hadron (±211) with the track momentum.  A tracked muon is a PF muon (±13) with
    probability ``muon_efficiency``, otherwise a charged hadron."""
    electron_efficiency: Binned
    electron_resolution: Resolution
    muon_efficiency: Binned


@dataclass(frozen=True)
class CaloRegion:
    """Rings of cells between consecutive |eta| ``eta_edges`` (mirrored to negative eta), ``n_phi`` cells in phi per
    ring (one number, or one per ring; phi cells start at -pi), the relative energy resolution
    stochastic/sqrt(E) (+) constant (+) noise/E, and the thresholds a cell's measured energy must pass:
    E > ``threshold`` (GeV) and E / sigma(E) > ``significance_min``.  ``pdg_id`` overrides the calorimeter's
    candidate id in this region (CMS HF: 1 hadronic, 2 electromagnetic)."""
    eta_edges: tuple
    n_phi: object
    stochastic: float
    constant: float
    noise: float = 0.0
    threshold: float = 0.0
    significance_min: float = 0.0
    pdg_id: int | None = None

    def __post_init__(self):
        object.__setattr__(self, "eta_edges", _tuple(self.eta_edges, "CaloRegion.eta_edges"))
        _check_edges(self.eta_edges, "CaloRegion.eta_edges")
        n = len(self.eta_edges) - 1
        nphi = (int(self.n_phi),) * n if np.ndim(self.n_phi) == 0 else _tuple(self.n_phi, "CaloRegion.n_phi", int)
        if len(nphi) != n or min(nphi) < 1:
            raise ValueError(f"CaloRegion.n_phi: expected one positive number or {n} (one per ring), "
                             f"got {self.n_phi!r}")
        object.__setattr__(self, "n_phi", nphi)
        if min(self.stochastic, self.constant, self.noise, self.threshold, self.significance_min) < 0:
            raise ValueError("CaloRegion: resolutions and thresholds must be >= 0")


@dataclass(frozen=True)
class Calorimeter:
    """A calorimeter: contiguous :class:`CaloRegion` s, the kind of energy it receives (``accepts``: ``"em"`` —
    photons and electrons without a track; ``"had"`` — neutral hadrons and charged hadrons without a track), the
    pdgId of its candidates, and its dead cells: a seeded random fraction (``dead_fraction``, ``dead_seed``; a
    property of the detector, not of the event seed) plus the cells containing the (eta, phi) points ``dead_cells``."""
    name: str
    accepts: str
    pdg_id: int
    regions: tuple
    dead_fraction: float = 0.0
    dead_seed: int = 0
    dead_cells: tuple = ()

    def __post_init__(self):
        if self.accepts not in ("em", "had"):
            raise ValueError(f"Calorimeter {self.name}: accepts must be 'em' or 'had', got {self.accepts!r}")
        object.__setattr__(self, "regions", tuple(self.regions))
        for a, b in zip(self.regions[:-1], self.regions[1:]):
            if abs(a.eta_edges[-1] - b.eta_edges[0]) > 1e-12:
                raise ValueError(f"Calorimeter {self.name}: regions must be contiguous in |eta| "
                                 f"({a.eta_edges[-1]} != {b.eta_edges[0]})")
        if not 0 <= self.dead_fraction < 1:
            raise ValueError(f"Calorimeter {self.name}: dead_fraction must lie in [0, 1), got {self.dead_fraction}")
        object.__setattr__(self, "dead_cells", tuple((float(e), float(p)) for e, p in self.dead_cells))

    @property
    def eta_min(self) -> float:
        return self.regions[0].eta_edges[0]

    @property
    def eta_max(self) -> float:
        return self.regions[-1].eta_edges[-1]


@dataclass(frozen=True)
class Card:
    """A whole detector.  ``position``: where a calorimeter candidate sits — ``"centre"`` of its cell (the grid of
    CMS PF candidates visible in AspenOpenJets' Fig. 2), ``"weighted"`` (energy-weighted direction of the particles
    in the cell) or ``"uniform"`` (a random point in the cell, Delphes' SmearTowerCenter).  ``length_unit`` of the
    impact parameters (``"cm"`` or ``"mm"``).  Charged hadrons take ``charged_hadron_mass`` (the pion's, as CMS PF);
    calorimeter candidates are massless.  Pile-up is not simulated: every candidate has PUPPI weight 1."""
    name: str
    description: str
    tracker: Tracker
    lepton_id: LeptonID
    calorimeters: tuple
    position: str = "centre"
    length_unit: str = "cm"
    charged_hadron_mass: float = 0.13957039
    invisible: tuple = (12, 14, 16, 1000022, 1000039)
    notes: tuple = field(default=())

    def __post_init__(self):
        object.__setattr__(self, "calorimeters", tuple(self.calorimeters))
        if self.position not in ("centre", "weighted", "uniform"):
            raise ValueError(f"Card.position: expected 'centre', 'weighted' or 'uniform', got {self.position!r}")
        if self.length_unit not in ("cm", "mm"):
            raise ValueError(f"Card.length_unit: expected 'cm' or 'mm', got {self.length_unit!r}")
        for kind in ("em", "had"):
            cals = sorted((c for c in self.calorimeters if c.accepts == kind), key=lambda c: c.eta_min)
            for a, b in zip(cals[:-1], cals[1:]):
                if b.eta_min < a.eta_max - 1e-12:
                    raise ValueError(f"Card {self.name}: calorimeters {a.name} and {b.name} overlap in |eta|")

    def replace(self, **changes) -> "Card":
        return dataclasses.replace(self, **changes)


# --------------------------------------------------------------------------------------------------- the cards
def _cms_ecal_endcap_edges(eta_lo=1.479, eta_hi=3.0, crystal_mm=28.62, z_mm=3205.0):
    """|eta| rings of the CMS-like ECAL endcap: cells of (nearly) constant transverse size, the 28.62 mm crystal
    face at z = 3.205 m, so Delta eta ~ Delta phi ~ (crystal/z) sinh|eta| (0.019 at |eta| = 1.5 to 0.09 at 3).
    Uniform steps in u = ln tanh(|eta|/2) (du/d|eta| = 1/sinh|eta|) give exactly that growth."""
    k = crystal_mm / z_mm
    u0, u1 = np.log(np.tanh(eta_lo / 2)), np.log(np.tanh(eta_hi / 2))
    n = int(round((u1 - u0) / k))
    edges = 2 * np.arctanh(np.exp(np.linspace(u0, u1, n + 1)))
    edges[0], edges[-1] = eta_lo, eta_hi
    deta = np.diff(edges)
    n_phi = np.maximum(np.round(2 * np.pi / deta), 1).astype(int)
    return tuple(edges.tolist()), tuple(n_phi.tolist())


_B = (0.0, 1.5, 2.5)  # barrel / endcap split of the tracker tables


def _cms_tracker() -> Tracker:
    return Tracker(
        eta_max=2.5, b_field=3.8, helix=True,
        # our CMS-like choices (CMS tracking, JINST 9 (2014) P10009: ~0.9-0.95 for isolated pions above 1 GeV in
        # the barrel, lower at low pT and in the endcaps; Delphes' CMS card uses 0.70/0.95 and 0.60/0.85)
        efficiency_hadron=Binned(_B, (0.1, 0.5, 1.0), ((0.75, 0.85, 0.93), (0.60, 0.72, 0.85))),
        efficiency_electron=Binned(_B, (0.1, 1.0, 100.0), ((0.73, 0.95, 0.99), (0.50, 0.83, 0.90))),
        efficiency_muon=Binned(_B, (0.1, 1.0), ((0.75, 0.99), (0.70, 0.98))),
        # sigma(pT)/pT = a (+) b pT: 0.5 % at 10 GeV and 6 % at 1 TeV at central |eta|, worse forward
        resolution_hadron=Resolution((0.0, 0.9, 1.5, 2.5), constant=(0.005, 0.008, 0.012),
                                     linear=(0.6e-4, 0.8e-4, 1.2e-4)),
        resolution_muon=Resolution((0.0, 0.9, 1.5, 2.5), constant=(0.005, 0.008, 0.012),
                                   linear=(0.6e-4, 0.8e-4, 1.2e-4)),
        # 10 um (+) 90 um GeV / (p sin^3/2 theta) in d0, 30 um (+) 100 um GeV / (p sin^5/2 theta) in dz
        impact=ImpactResolution(d0_constant=0.010, d0_scattering=0.090, dz_constant=0.030, dz_scattering=0.100),
    )


def _cms_lepton_id() -> LeptonID:
    return LeptonID(
        # PF electrons in jets are rare: identification from 2 GeV, 0.6 up to 10 GeV, then 0.9
        electron_efficiency=Binned((0.0, 2.5), (2.0, 10.0), ((0.6, 0.9),)),
        # PF electron energy from the ECAL (barrel and endcap as the photons)
        electron_resolution=Resolution((0.0, 1.479, 3.0), stochastic=(0.028, 0.05), constant=(0.003, 0.005),
                                       noise=(0.125, 0.25), variable="E"),
        # muon chambers to |eta| < 2.4; a muon needs p of a few GeV to reach them
        muon_efficiency=Binned((0.0, 2.4), (3.0, 10.0), ((0.90, 0.97),)),
    )


def _cms_calorimeters(hf: bool = False, dead_seed: int = 2016) -> tuple:
    ee_edges, ee_nphi = _cms_ecal_endcap_edges()
    ecal = Calorimeter(
        "ECAL", "em", 22, (
            # barrel: 85 rings of 0.0174 (= 1.479/85) x 360 crystals in phi
            CaloRegion(tuple(np.linspace(0.0, 1.479, 86).tolist()), 360, stochastic=0.028, constant=0.003,
                       noise=0.125, threshold=0.5),
            CaloRegion(ee_edges, ee_nphi, stochastic=0.05, constant=0.005, noise=0.25, threshold=1.0),
        ), dead_fraction=0.005, dead_seed=dead_seed)
    hcal = Calorimeter(
        "HCAL", "had", 130, (
            # towers 1-20: 0.087 x 0.087 (72 in phi); towers 21-29: 0.087-0.35 x 0.174 (36 in phi)
            CaloRegion(tuple(np.round(np.arange(21) * 0.087, 3).tolist()), 72, stochastic=1.0, constant=0.05,
                       threshold=1.0),
            CaloRegion((1.74, 1.83, 1.93, 2.043, 2.172, 2.322, 2.5, 2.65, 2.868, 3.0), 36, stochastic=1.0,
                       constant=0.05, threshold=1.0),
        ), dead_fraction=0.002, dead_seed=dead_seed + 1)
    cals = (ecal, hcal)
    if hf:
        edges = (3.0, 3.139, 3.314, 3.489, 3.664, 3.839, 4.013, 4.191, 4.363, 4.538, 4.716, 4.889, 5.191)
        nphi = (36,) * 10 + (18, 18)
        cals += (Calorimeter("HF_EM", "em", 2, (CaloRegion(edges, nphi, stochastic=2.08, constant=0.107,
                                                           threshold=3.0),), dead_seed=dead_seed + 2),
                 Calorimeter("HF_HAD", "had", 1, (CaloRegion(edges, nphi, stochastic=2.70, constant=0.13,
                                                            threshold=3.0),), dead_seed=dead_seed + 3))
    return cals


CMS_NOTES = (
    "Each visible particle yields one object: a track (charged, |η| < 2.5, tracking efficiency) or a calorimeter "
    "deposit (photons and untracked electrons in the ECAL; neutral hadrons and untracked charged hadrons in the HCAL); "
    "untracked muons are lost, as are particles outside the calorimeters.",
    "A particle deposits all its energy in the one cell its direction points to (no shower spread, no bending of "
    "untracked charged particles); deposits of a cell are summed and smeared log-normally (mean 1, relative width "
    "the cell's resolution), and a cell above threshold is one massless candidate at the cell centre.",
    "Tracked charged hadrons (and leptons failing identification) are ±211 with the pion mass; PF electrons ±11 "
    "take the ECAL energy and the track direction; PF muons ±13 the track momentum.",
    "d0 and dz: CMS sign conventions (dxy = (−x p_y + y p_x)/pT at the point of closest approach), with respect to "
    "the nominal vertex at the origin (no beam spot, no pile-up); neutral candidates have d0 = dz = 0 and zero "
    "errors; PUPPI weight 1.",
    "Dead cells: a seeded random 0.5 % of the ECAL crystals and 0.2 % of the HCAL towers (our choice; not the 2016 "
    "CMS map).",
)


def _cms(hf: bool = False) -> Card:
    return Card(
        name="cms_hf" if hf else "cms",
        description="CMS-like particle flow (2016 detector, no pile-up): tracker |η| < 2.5 in 3.8 T, "
                    "ECAL 0.0174 × 0.0174 (barrel), HCAL 0.087 × 0.087 towers"
                    + ("; HF 3 < |η| < 5.19" if hf else "; calorimeters to |η| = 3"),
        tracker=_cms_tracker(), lepton_id=_cms_lepton_id(), calorimeters=_cms_calorimeters(hf),
        position="centre", length_unit="cm", notes=CMS_NOTES)


def _delphes_atlas() -> Card:
    eff_b = (0.0, 1.5, 2.5)
    tracker = Tracker(
        eta_max=2.5, b_field=2.0, helix=True,
        efficiency_hadron=Binned(eff_b, (0.1, 1.0), ((0.70, 0.95), (0.60, 0.85))),
        efficiency_electron=Binned(eff_b, (0.1, 1.0, 100.0), ((0.73, 0.95, 0.99), (0.50, 0.83, 0.90))),
        efficiency_muon=Binned(eff_b, (0.1, 1.0), ((0.75, 0.99), (0.70, 0.98))),
        resolution_hadron=Resolution((0.0, 0.5, 1.5, 2.5), constant=(0.06, 0.10, 0.25),
                                     linear=(1.3e-3, 1.7e-3, 3.1e-3)),
        resolution_muon=Resolution((0.0, 0.5, 1.5, 2.5), constant=(0.01, 0.015, 0.025),
                                   linear=(1.0e-4, 1.5e-4, 3.5e-4)),
        impact=ImpactResolution(),  # the card has no impact-parameter smearing
        vertex_rho_max=1150.0, vertex_abs_z_max=3510.0,  # the card's tracker cylinder
    )
    lepton_id = LeptonID(
        electron_efficiency=Binned.constant(1.0, 2.5),
        electron_resolution=Resolution((0.0, 0.5, 1.5, 2.5), constant=(0.03, 0.05, 0.15),
                                       linear=(1.3e-3, 1.7e-3, 3.1e-3), variable="pT"),
        muon_efficiency=Binned.constant(1.0, 2.5),
    )
    barrel = tuple((np.arange(87) * 0.0174).tolist())                 # 0 ... 1.4964
    endcap = tuple((1.4964 + np.arange(85) * 0.0174).tolist())        # 1.4964 ... 2.958
    fwd = (2.958, 3.125, 3.3, 3.475, 3.65, 3.825, 4.0, 4.175, 4.35, 4.525, 4.7, 5.0)
    ecal = Calorimeter("ECAL", "em", 22, (
        CaloRegion(barrel, 360, stochastic=0.101, constant=0.0017, threshold=0.5, significance_min=2.0),
        CaloRegion(endcap, 360, stochastic=0.101, constant=0.0017, threshold=0.5, significance_min=2.0),
        CaloRegion(fwd[:3], 36, stochastic=0.101, constant=0.0017, threshold=0.5, significance_min=2.0),
        CaloRegion(fwd[2:], 36, stochastic=0.285, constant=0.035, threshold=0.5, significance_min=2.0),
    ))
    ten = tuple(np.round(np.arange(27) * 0.1, 1).tolist())            # 0 ... 2.6 in steps of 0.1
    hcal = Calorimeter("HCAL", "had", 130, (
        CaloRegion(ten[:18], 36, stochastic=0.5205, constant=0.0302, noise=1.59, threshold=1.0, significance_min=2.0),
        CaloRegion(ten[17:] + (3.2,), 36, stochastic=0.706, constant=0.05, threshold=1.0, significance_min=2.0),
        CaloRegion((3.2, 3.5, 3.7, 3.9, 4.1, 4.3, 4.5, 4.7, 4.9), 18, stochastic=1.0, constant=0.0942,
                   threshold=1.0, significance_min=2.0),
    ))
    return Card(
        name="delphes_atlas",
        description="Delphes ATLAS card (delphes/delphes cards/delphes_card_ATLAS.tcl, commit 15772b7): 2 T "
                    "tracker to |η| = 2.5, ECAL 0.0174 × 1°, HCAL 0.1 × 10° (20° forward), towers to "
                    "|η| = 4.9-5",
        tracker=tracker, lepton_id=lepton_id, calorimeters=(ecal, hcal), position="uniform", length_unit="mm",
        notes=("Transcribed from the card; our simplifications: symmetric tower lists (the card's HCAL list is "
               "asymmetric forward: we use 0.1 rings to 2.6, one ring 2.6-3.2, 20° rings 3.2-4.9), each particle's "
               "energy entirely in ECAL (e, γ) or HCAL (hadrons) (the card's K0S/Λ 0.3/0.7 split is not used), no "
               "propagation in the field, curvature (not pT) smearing, no impact-parameter smearing (as the card).",
               "Delphes' energy-flow subtraction of tracks from towers is replaced by: a tracked particle leaves no "
               "calorimeter deposit."))


_FACTORIES = {"cms": lambda: _cms(False), "cms_hf": lambda: _cms(True), "delphes_atlas": _delphes_atlas}
CARDS = tuple(_FACTORIES)


def load_card(name: "str | Card" = "cms", **changes) -> Card:
    """The card ``name`` (one of :data:`CARDS`), with top-level fields replaced by ``changes`` (e.g.
    ``position="weighted"``).  A :class:`Card` is returned as is (with ``changes`` applied)."""
    if isinstance(name, Card):
        card = name
    else:
        if name not in _FACTORIES:
            raise ValueError(f"card: expected one of {CARDS} or a Card, got {name!r}")
        card = _FACTORIES[name]()
    return dataclasses.replace(card, **changes) if changes else card


def describe(card: "str | Card" = "cms") -> str:
    """A markdown table of every number of the card (for the book's pages)."""
    c = load_card(card)
    t = c.tracker
    rows = [("Card", "name", f"`{c.name}` — {c.description}"),
            ("Tracker", "acceptance, field", f"\\|η\\| < {t.eta_max:g}, B = {t.b_field:g} T, impact parameters of "
                                              f"{'the helix' if t.helix else 'the straight line'}"),
            ("Tracker", "production vertex", f"ρ < {t.vertex_rho_max:g} mm, \\|z\\| < {t.vertex_abs_z_max:g} mm")]
    for label, b in (("charged hadrons", t.efficiency_hadron), ("electrons", t.efficiency_electron),
                     ("muons", t.efficiency_muon)):
        rows += [("Tracker", f"efficiency, {label}", r) for r in b.rows()]
    rows += [("Tracker", "σ(pT)/pT, charged hadrons (curvature)", r) for r in t.resolution_hadron.rows()]
    rows += [("Tracker", "σ(pT)/pT, muons (curvature)", r) for r in t.resolution_muon.rows()]
    ip = t.impact
    rows += [("Tracker", "σ(d0)", f"{ip.d0_constant * 1e3:g} µm ⊕ {ip.d0_scattering * 1e3:g} µm·GeV / "
                                  "(p sin^3/2 θ)"),
             ("Tracker", "σ(dz)", f"{ip.dz_constant * 1e3:g} µm ⊕ {ip.dz_scattering * 1e3:g} µm·GeV / "
                                  "(p sin^5/2 θ)"),
             ("Tracker", "d0, dz unit", c.length_unit)]
    li = c.lepton_id
    rows += [("Lepton ID", "PF electron efficiency (tracked e)", r) for r in li.electron_efficiency.rows()]
    rows += [("Lepton ID", "PF electron resolution", r) for r in li.electron_resolution.rows()]
    rows += [("Lepton ID", "PF muon efficiency (tracked μ)", r) for r in li.muon_efficiency.rows()]
    for cal in c.calorimeters:
        for r in cal.regions:
            e = r.eta_edges
            d = np.diff(e)
            nphi = sorted(set(r.n_phi))
            uniform = np.allclose(d, d[0], rtol=1e-3)
            gran = f"Δη = {d[0]:.4g}" if uniform else f"Δη = {d.min():.3g}–{d.max():.3g}"
            if len(nphi) <= 2:
                gran += f", {'/'.join(str(n) for n in nphi)} cells in φ (Δφ = "
                gran += "/".join(f"{2 * np.pi / n:.4g}" for n in nphi) + ")"
            else:
                gran += (f", {nphi[0]}–{nphi[-1]} cells in φ per ring (Δφ = {2 * np.pi / nphi[-1]:.3g}–"
                         f"{2 * np.pi / nphi[0]:.3g})")
            res = f"σ/E = {r.stochastic:g}/√E ⊕ {r.constant:g}" + (f" ⊕ {r.noise:g}/E" if r.noise else "")
            thr = f"E > {r.threshold:g} GeV" + (f", E/σ > {r.significance_min:g}" if r.significance_min else "")
            pid = r.pdg_id if r.pdg_id is not None else cal.pdg_id
            rows.append((cal.name, f"{e[0]:.4g} ≤ \\|η\\| < {e[-1]:.4g} ({len(e) - 1} rings)",
                         f"{gran}; {res}; {thr}; candidates pdgId {pid}"))
        dead = f"{cal.dead_fraction:g} of the cells (seed {cal.dead_seed})"
        if cal.dead_cells:
            dead += f" + {len(cal.dead_cells)} listed"
        rows.append((cal.name, "dead cells", dead))
    rows.append(("Candidates", "calorimeter position", {"centre": "cell centre", "weighted": "energy-weighted "
                 "direction in the cell", "uniform": "uniform random in the cell"}[c.position]))
    rows.append(("Candidates", "masses", f"±211: {c.charged_hadron_mass:g} GeV; e, μ: their masses; "
                                         "calorimeter candidates: 0"))
    rows.append(("Candidates", "pile-up", "none; PUPPI weight 1"))
    rows += [("Notes", "", n) for n in c.notes]
    out = ["| Component | Quantity | Value |", "|---|---|---|"]
    def esc(text):  # every "|" inside a cell escaped once
        return str(text).replace("\\|", "|").replace("|", "\\|")

    out += [f"| {esc(a)} | {esc(b)} | {esc(v)} |" for a, b, v in rows]
    return "\n".join(out)
