"""Events of a proton-proton collider: parton densities, a hadron-collider phase-space map, VEGAS, unweighting.

Paper B trains on unweighted points "that reproduce the physical distribution of the process" (§4): events of a
hadron collider, in which the partonic energy sqrt(s_hat) = sqrt(x1 x2 S) varies from event to event, so the
points fill d = 3 n_f - 4 dimensions (3 n_f - 5 at a fixed sqrt(s), see :mod:`.phasespace`).

Cross section (GeV^-2, times :data:`GEV2_TO_PB` for pb)::

    sigma = sum over beam orientations  int dx1 dx2 f_a(x1, muF^2) f_b(x2, muF^2) |M|^2 / (2 s_hat) dPhi_n

Phase-space map (one channel, aligned with the singularities the cuts regulate): every final-state particle but
one is drawn in (p_T, y, phi) — a gluon uniformly in 1/p_T^2 above the cut ``pt_min`` (the soft pole made flat), a
massive particle log-uniformly in m_T — with its rapidity and azimuth relative to the previously drawn particle's
(so that a collinear pair, or a system of strongly correlated rapidities, is a box VEGAS can map), inside the
rapidity range the cuts allow (the kinematic range for a massive particle); the last particle (a massive one where
there is one) balances p_T and takes its own rapidity; x1, x2 follow from the total energy and longitudinal
momentum::

    dx1 dx2 dPhi_n = (2 pi)^(4 - 3 n) 2^(-n) (2 / S) prod_(i < n) d^2 p_T,i dy_i  dy_n

With two or more gluons the map is a multichannel (Kleiss & Pittau 1994; ``channels`` selects the set, see
:data:`CHANNEL_SETS`): one channel per order in which the gluons are drawn (and, in pure-gluon processes, per
choice of the gluon that balances p_T), so that every pair of gluons is a neighbour, and its collinear region a box,
in some channel; with a massive particle and two or more gluons (``channels="recoil"``, the default) a second class
of channels draws the massive particles first and lets each gluon in turn balance p_T — the events where the gluons
recoil against each other and the Z (W) is soft, which the first class only reaches through a cancellation between
independently drawn p_T's. A gluon drawn after another gluon is placed relative to it either in a box of
(Delta y, Delta phi) or (``pair_map``, :data:`PAIR_MAPS`) in (Delta R, angle) with Delta R log-uniform from the cut
``dr_min`` to the corner of that box — the collinear pole d^2 Delta / Delta R^2 made flat, which a separable grid in
(Delta y, Delta phi) cannot follow; the default ``pair_map="both"`` has each channel in both forms, as classes of
their own (the (Delta R, angle) form undersamples widely separated gluons, the box form the nearly collinear ones;
the adapted channel weights put ~0.5-0.7 on the (Delta R, angle) gluon orders for Z + 3, 4 g). Channels related by a
permutation of the identical gluons form one class and share one VEGAS grid (their optimal maps are the same up to
relabelling); each class has its own grid, adapted on the points it drew, and a channel weight alpha_k adapted
towards minimum variance (:class:`.adaptive.MultiChannelGrids`). Each point is weighted by the density of all
channels together. Realised unweighting efficiencies (accepted / tried, cuts included, ``overweight`` 1e-3; 2-core
development machine, seeds 1-3; against flat RAMBO under the same rule for w_max see "Against flat RAMBO" below):

* Z g g, 4 x 1e4 adaptation points, 2e4 pilot (seed 1): 0.014 with the gluon orders alone, 0.064 with the recoil
  class (box pairs), 0.077 with (Delta R, angle) pairs, 0.107 with both (the default);
* Z g g g, 8 x 2e4 adaptation points, 5e4 pilot: 0.010 / 0.009 / (pilot missed the tail) with the gluon orders
  alone; 0.022 / 0.036 / 0.031 with the recoil class (box pairs); 0.040 (seed 1) with both pair maps;
* Z g g g g, the same settings: 0.0035 (orders, seed 0), 0.003 / 0.002 (recoil, seeds 1, 2); with 16 x 2e4
  adaptation points: 0.0024 (orders, seed 1), 0.013 / 0.009 (recoil, box pairs, seeds 1, 2); 0.017 (both pair maps,
  seed 1) and, seed 2, 0.012-0.020 on each of four 5e4 pilots, 0.015 on the four together (0.022 at ``overweight``
  3e-3, 0.038 at 1e-2) — its 96 channels in four grids need the longer adaptation (24 iterations: no gain). A 5e4
  pilot misses part of the weight tail: with a 2e5 pilot (seed 1, the grid of the 0.017 above) the realised
  efficiency is 0.0071 at a realised overweight share of 5.8e-4 (benchmarks/bench_collider.py; 0.0072 and 7.5e-4
  over 5e4 events with a 1e5 pilot, seed 2 0.0188 and 2.9e-3, see "CPU cost" below); the same caveat applies to
  every 5e4-pilot number here. Estimated on 2e5-point pilots (mean of min(1, w / w_max), overweight
  1e-3 / 3e-3 / 1e-2): recoil class with box pairs (the previous default), seed 1: 0.0039 / 0.0069 / 0.021; both
  pair maps, seed 1: 0.012 / 0.019 / 0.032, seed 2: 0.0072 / 0.017 / 0.033;
* W Z g g, 10 x 2e4 adaptation points, 3e5 pilot (seed 0): 0.0013 (orders), 0.0079 (recoil, box pairs);
* g g > g g g g (24 channels, one class; box pairs), 8 x 2e4: 0.040.

The weights left above ~60 x the mean after that adaptation (Z g g g g) are widely separated gluons with one
momentum fraction x ~ 0.3-0.5, where the PDFs fall steeply and which no channel follows: x1, x2 are functions of
all momenta in this map.

Against flat RAMBO (benchmarks/bench_collider.py, 2026-12-02, one thread, generator seed 1; flat RAMBO at a fixed
sqrt(s) = 1 TeV, both of its w_max rules from one 5e4-point pilot and applied to the same independent 2e5 points
inside the cuts; :mod:`.unweighting`). Efficiency ours | flat with the 0.9999 quantile of the pilot (the anchor of
earlier runs) | flat with our rule (reduced maximum, overweight 1e-3); the realised overweight share (the share of
the cross section above w_max on points its pilot did not see) in brackets, ours on the points after our pilot:

* Z g g (1e4 events): 0.094 (1.1e-3) | 3.1e-3 (6.4e-2) | 9.5e-4 (2.3e-2): 30x and 99x;
* Z g g g (1e4 events): 0.040 (7.5e-4) | 2.3e-3 (8.3e-2) | 8.0e-4 (1.9e-2): 17x and 50x;
* Z g g g g (2e3 events, 1e5 pilot): 0.0070 (7.0e-4) | 1.4e-3 (0.14) | 1.8e-4 (1.2e-2; 36 accepted of 2e5,
  1.5e-4 expected): 5x and 39x; seed 2 (3e3 events): 0.019 (1.5e-3), 14x and 106x;
* g g > g g g (1e4 events): 0.125 (7.5e-4) | 6.0e-4 (0.27) | 4.5e-5 (1.2e-2; 9 accepted): 210x and ~2800x;
* g g > g g g g (1e4 events): 0.048 (2.2e-3) | 5.2e-4 (0.28) | 1.7e-4 (0.15): 93x and 290x;
* W Z g (2e4 events; the same flat pilot, 1e7 independent flat points): 0.00443 (3.2e-3) | 1.98e-3 (5.2e-2) |
  3.16e-4 (1.8e-3; 3160 accepted): 2.2x and 14.0 +- 0.3x;
* W Z g g (2e4 events, likewise): 0.00641 (3.0e-3) | 1.86e-3 (7.8e-2) | 4.49e-4 (2.5e-2; 4485 accepted): 3.4x and
  14.3 +- 0.2x (binomial errors of both efficiencies; the flat w_max is that of the one 5e4-point pilot, its
  pilot-to-pilot spread not included). On 1e5 flat points (38 and 56 accepted) the same runs had read 11.8x and 11.2x.

The quantile rule leaves 6-28 % of the flat cross section above its w_max (its efficiency is bought with that bias);
under the same rule as ours, flat RAMBO's 5e4 pilot still misses its tail (realised shares 1-15 % where 1e-3 was
asked, the reduced maximum being the pilot maximum), so the same-rule ratios are lower bounds.

CPU cost, measured directly at the issue's sizes (benchmarks/bench_collider.py ``--flat-test 0``, 2026-12-02, one
thread each): two processes of half the events with seeds 1 and 2 side by side under ``nice``; the CPU seconds are
user + sys of each whole process (``/usr/bin/time -v``, interpreter start included), and the 2-core wall estimate is
the larger of the two (each runs on one core; the wall clock itself, under a load of 2-5 from other jobs on the 2
cores, was up to 30 min):

* Z g g g g, 2 x 5e4 events (16 x 2e4 adaptation points, 1e5 pilot): seed 1 879 CPU-s (adaptation 43), efficiency
  0.0072, realised overweight share 7.5e-4; seed 2 384 CPU-s (adaptation 45), efficiency 0.0188, share 2.9e-3;
  1e5 events in 14.7 min on 2 cores (goal 30 min). The seed spread of the earlier short runs (0.0070 / 0.019)
  stays: seed 2's realised share, 3x the asked 1e-3 (seed 1: below it), says its 1e5-point pilot saw less of the
  weight tail (a lower w_max: higher efficiency, larger bias; the adapted grids differ by seed too); both cross
  sections agree (4.473 +- 0.005, 4.471 +- 0.007 pb).
  0.12 CPU-ms per tried point (mapping, the 96-channel density, |M|^2 of the ~55 % inside the cuts);
* g g > g g g g, 2 x 5e4 events: 82 / 95 CPU-s (efficiency 0.048 / 0.034, share 1.3e-3 / 4.9e-4): 1.6 min (goal 30);
* u u~ > t t~ h, 2 x 5e5 events: 50 / 35 CPU-s (efficiency 0.096 / 0.135, share 7.9e-4 / 1.5e-3): 0.8 min (goal 10);
* u u~ > z g, 2 x 5e5 events: 12 / 10 CPU-s (efficiency 0.129 / 0.182): 0.2 min (goal 10);
* u d~ > w+ z, 2 x 5e5 events: 21 / 21 CPU-s (efficiency 0.103 / 0.103): 0.35 min (goal 10).

Peak memory 0.8-1.1 GB per process.

A q q~' initial state adds one coordinate: which beam carries which parton. VEGAS (:mod:`.adaptive`) adapts the
map over all 3 n - 2 (+1) coordinates; the unweighting then accepts a point with probability min(1, w / w_max).

This (p_T, y) map suits every process whose amplitude peaks where a p_T is small: gluon emission, and the t-channel
quark exchange of W Z. For q q~ > t t~ h (s-channel production near threshold, rapidities of t, t~, h strongly
correlated, which a separable map cannot follow) the map is instead (tau = x1 x2, Y = log(x1 / x2) / 2) with tau
log-uniform from threshold, Y uniform, and RAMBO at sqrt(s_hat) = sqrt(tau S) on the VEGAS-mapped uniforms
(``ps_map="tau_y"``). Both maps give the same cross sections (tested); they differ in efficiency (ttH: 0.1 against
0.005; W Z: 0.13 against 0.02 on 2e4-point VEGAS iterations).

Maximum weight: w_max is the reduced maximum of a pilot sample, the smallest value for which the weight above it
is at most the fraction ``overweight`` (default 1e-3) of the total. Points above w_max are kept with the weight
w / w_max > 1 (``info["weights"]``), so the weighted sample is exact; ``info["overweight_share"]`` is the realised
share of the cross section above w_max, the bias of a user who ignores those weights. A realised share above ten
times ``overweight`` means the pilot missed the tail: an error names the parameter to raise.

Default cuts (:data:`COLLIDER_CUTS`): MadGraph's default run-card generator cuts on jets, here every final-state
gluon: p_T > 20 GeV (``ptj``), |eta| < 5 (``etaj``), Delta R > 0.4 between gluons (``drjj``); paper B does not state
its cuts. Photons (the loop-induced g g > a a g, :mod:`.loop_photons`) take MadGraph's default run-card photon cuts
(:data:`PHOTON_CUTS`): p_T > 10 GeV (``pta``), |eta| < 2.5 (``etaa``), Delta R > 0.4 between the photons (``draa``)
and between a photon and a gluon (``draj``); in the (p_T, y) map they are drawn like the massive particles (first,
the last photon balancing p_T), uniformly in 1/p_T^2 above their cut. Default factorisation scale: mu_F = H_T / 2 =
sum of the final-state transverse masses / 2.
"""
from __future__ import annotations

import itertools
import math
import time

import torch

from ..progress import report
from .adaptive import MultiChannelGrids, VegasGrid
from .model import DEFAULT, SMParameters
from .pdf import DEFAULT_PDF, PDG_ID, check_pdf, parton_density
from .phasespace import pass_cuts, rambo_map
from .processes import get_process, matrix_element
from .unweighting import reduced_maximum  # noqa: F401  (the rule lives in .unweighting; importable here too)

GEV2_TO_PB = 0.3893793721e9
#: MadGraph's default run-card jet cuts (ptj, etaj, drjj), applied to every final-state gluon
COLLIDER_CUTS = {"pt_min": 20.0, "eta_max": 5.0, "dr_min": 0.4}
#: MadGraph's default run-card photon cuts (pta, etaa, draa, draj), applied to every final-state photon
PHOTON_CUTS = {"pt_min": 10.0, "eta_max": 2.5, "dr_min": 0.4, "dr_jet_min": 0.4}
DEFAULT_COLLIDER_ENERGY = 14000.0
FRAMES = ("partonic", "lab")
#: channel sets of the (p_T, y) map: one channel; every gluon order; every gluon order plus the recoil class
CHANNEL_SETS = ("one", "orders", "recoil")
#: coordinates of a gluon relative to the gluon drawn before it: (Delta y, Delta phi) uniform in a box, or
#: (Delta R, angle) with Delta R log-uniform above the cut dr_min (the collinear pole made flat)
PAIR_MAPS = ("box", "dr", "both")


def _resolve(cuts: dict | None) -> dict:
    c = dict(COLLIDER_CUTS)
    if cuts:
        unknown = set(cuts) - set(COLLIDER_CUTS)
        if unknown:
            raise ValueError(f"cuts: unknown cut(s) {sorted(unknown)}; known: {sorted(COLLIDER_CUTS)}")
        c.update(cuts)
    for k, v in c.items():
        if v is not None and not (isinstance(v, (int, float)) and math.isfinite(v) and v >= 0):
            raise ValueError(f"cuts: {k} = {v!r}, expected a finite non-negative number or None")
    return c


class ColliderPhaseSpace:
    """The map from [0, 1]^dim to weighted events of ``process`` at a pp collider (see module docstring)."""

    def __init__(self, process, collider_energy: float = DEFAULT_COLLIDER_ENERGY, cuts: dict | None = None,
                 pdf: str = DEFAULT_PDF, scale: str | float = "ht/2", sm: SMParameters = DEFAULT, device=None,
                 ps_map: str = "auto", channels: str = "recoil", pair_map: str = "both"):
        self.proc = proc = get_process(process)
        if pair_map not in PAIR_MAPS:
            raise ValueError(f"pair_map = {pair_map!r}; expected one of {PAIR_MAPS}")
        self.pair_map = pair_map
        self.sm = sm
        self.device = torch.device(device) if device is not None else torch.device("cpu")
        if not (isinstance(collider_energy, (int, float)) and math.isfinite(collider_energy) and collider_energy > 0):
            raise ValueError(f"collider_energy must be a positive number in GeV, got {collider_energy!r}")
        self.sqrt_S = float(collider_energy)
        self.cuts = _resolve(cuts)
        self.pdf_name = check_pdf(pdf)
        if isinstance(scale, str):
            if scale.lower().replace(" ", "") != "ht/2":
                raise ValueError(f"scale = {scale!r}: expected 'ht/2' or a fixed factorisation scale in GeV")
            self.scale = "ht/2"
        elif isinstance(scale, (int, float)) and math.isfinite(scale) and scale >= 5.0:
            self.scale = float(scale)
        else:
            raise ValueError(f"scale = {scale!r}: a fixed factorisation scale must be a number >= 5 GeV")
        self.masses = [float(m) for m in proc.masses(sm)[2:]]
        nf = len(self.masses)
        self.gluons = [i for i, p in enumerate(proc.final) if p == "g"]
        self.photons = [i for i, p in enumerate(proc.final) if p == "a"]
        pt_min = self.cuts["pt_min"] or 0.0
        for i, m in enumerate(self.masses):
            if m == 0 and i in self.gluons and pt_min <= 0:
                raise ValueError(f"cuts: pt_min = {self.cuts['pt_min']!r} leaves the gluons of {proc.name!r} "
                                 f"unregulated (soft and collinear poles): set a positive pt_min in GeV")
            if m == 0 and i not in self.gluons and i not in self.photons:
                raise ValueError(f"{proc.name!r}: massless final-state particle {proc.final[i]!r} has no cut")
        threshold = sum(self.masses) + pt_min * len(self.gluons) + PHOTON_CUTS["pt_min"] * len(self.photons)
        if self.sqrt_S <= threshold:
            raise ValueError(f"collider_energy = {self.sqrt_S:g} GeV is below the threshold of {proc.name!r} "
                             f"({threshold:g} GeV: final-state masses plus pt_min per gluon)")
        # photons are drawn like the massive particles: first, the last of them balancing p_T
        massive = [i for i, m in enumerate(self.masses) if m > 0] + self.photons
        self.last = massive[-1] if massive else nf - 1
        self.others = [i for i in range(nf) if i != self.last]
        # channels of the (p_T, y) map: every order in which the gluons are drawn (and, without a massive particle,
        # every choice of the gluon that balances p_T), so that each pair of gluons is a neighbour in some channel
        # With a massive particle and two or more gluons a second class of channels has a gluon balance p_T (the
        # massive particles drawn first): the region where the gluons recoil against each other and the massive
        # particle is soft, which no channel of the first class reaches as a box.
        if channels not in CHANNEL_SETS:
            raise ValueError(f"channels = {channels!r}; expected one of {CHANNEL_SETS}")
        self.channels, self.channel_class = [], []
        lasts = [self.last] if massive else list(self.gluons)
        if massive and len(self.gluons) >= 2 and channels == "recoil":
            lasts += list(self.gluons)
        self._dr0 = float(self.cuts["dr_min"] or 0.0)
        has_pair = len(self.gluons) >= 2 and self._dr0 > 0      # a gluon drawn after a gluon in some channel
        pair_modes = {"box": (False,), "dr": (True,), "both": (False, True)}[pair_map] if has_pair else (False,)
        for polar in pair_modes:
            for last in lasts:
                fixed = tuple(i for i in massive if i != last)
                for perm in itertools.permutations([i for i in self.gluons if i != last]):
                    self.channels.append((fixed + perm, last, polar))
                    self.channel_class.append(int(bool(massive) and last in self.gluons)
                                              + 2 * int(polar and len(pair_modes) > 1))
        if channels == "one":
            self.channels, self.channel_class = self.channels[:1], [0]
        # class indices 0..K-1 without gaps (the recoil class exists only with a massive particle)
        used = sorted(set(self.channel_class))
        self.channel_class = [used.index(k) for k in self.channel_class]
        self.n_classes = max(self.channel_class) + 1
        self.two_orientations = proc.initial[0] != proc.initial[1]
        if ps_map not in ("auto", "pt_y", "tau_y"):
            raise ValueError(f"ps_map = {ps_map!r}; expected 'auto', 'pt_y' or 'tau_y'")
        self.map = ps_map if ps_map != "auto" else ("tau_y" if proc.kind == "tth" else "pt_y")
        n_ps = 3 * (nf - 1) + 1 if self.map == "pt_y" else 2 + 4 * nf
        self.dim = n_ps + int(self.two_orientations)
        self.tau_min = (threshold / self.sqrt_S) ** 2   # sqrt(s_hat) >= sum of m_T >= masses + pt_min per gluon
        self.pdg = (PDG_ID[proc.initial[0]], PDG_ID[proc.initial[1]])
        self.pdf = parton_density(self.pdf_name, None if self.device.type == "cpu" else str(self.device))
        half = self.sqrt_S / 2
        self._pt = []   # per other particle: (massive?, lower bound, log range)
        self._ymax = []
        eta = self.cuts["eta_max"]
        for i in range(nf):
            m = self.masses[i]
            lo = m if m > 0 else (PHOTON_CUTS["pt_min"] if i in self.photons else pt_min)
            self._pt.append((m > 0, lo, math.log(half / lo)))
            ykin = math.acosh(half / lo)
            if i in self.photons:
                ykin = min(PHOTON_CUTS["eta_max"], ykin)
            self._ymax.append(min(eta, ykin) if (i in self.gluons and eta is not None) else ykin)
        self.norm = (2 * math.pi) ** (4 - 3 * nf) * 2.0 ** (-nf) * 2.0 / self.sqrt_S**2

    def _polar(self, polar: bool, prev: int, i: int) -> bool:
        """Whether gluon ``i`` is drawn in (Delta R, angle) relative to the previously drawn particle ``prev``."""
        return polar and self._dr0 > 0 and i in self.gluons and prev in self.gluons

    def _dr_range(self, dy: float):
        """Lower end and log range of the log-uniform Delta R of a gluon pair whose rapidity difference spans
        [-dy, dy] (azimuth difference [-pi, pi])."""
        return self._dr0, math.log(math.hypot(dy, math.pi) / self._dr0)

    def _pt_y(self, u: torch.Tensor, order=None, last=None, polar=False):
        """(p_T, y, phi) map of one channel (the particles drawn in ``order``, ``last`` balancing p_T): final-state
        momenta in the lab frame, x1, x2, Jacobian, inside-the-cuts mask."""
        order = self.others if order is None else order
        last = self.last if last is None else last
        dt = torch.float64
        N = u.shape[0]
        nf = len(self.masses)
        pf = torch.zeros((N, nf, 4), dtype=dt, device=self.device)
        jac = torch.full((N,), self.norm, dtype=dt, device=self.device)
        ptsum = torch.zeros((N, 2), dtype=dt, device=self.device)
        # the last particle's rapidity first; the others relative to it (the rapidities of a low-mass system are
        # strongly correlated: a shear makes that region a product of intervals, which VEGAS can map)
        col = 3 * len(order)
        y_last = self._ymax[last] * (2 * u[:, col] - 1)
        jac = jac * 2 * self._ymax[last]
        inside = torch.ones(N, dtype=torch.bool, device=self.device)
        col = 0
        prev_y, prev_phi, prev_ymax, prev = y_last, torch.zeros_like(y_last), self._ymax[last], -1
        for i in order:
            massive, lo, lr = self._pt[i]
            m = self.masses[i]
            if massive:
                mt = lo * torch.exp(lr * u[:, col])
                pt = torch.sqrt(torch.clamp(mt**2 - m * m, min=0))
                jac = jac * mt**2 * lr           # pT dpT = mT dmT
            else:                                 # 1 / pT^2 uniform: the soft pole dpT / pT^3 made flat
                d = lo**-2 - (self.sqrt_S / 2) ** -2
                pt = (lo**-2 - d * u[:, col]) ** -0.5
                mt = pt
                jac = jac * pt**4 * d / 2        # pT dpT
            dy = self._ymax[i] + prev_ymax
            if self._polar(polar, prev, i):             # (Delta R, angle), Delta R log-uniform: the collinear pole
                r0, lrr = self._dr_range(dy)     # d^2 Delta / Delta R^2 made flat
                dr = r0 * torch.exp(lrr * u[:, col + 1])
                ang = 2 * math.pi * u[:, col + 2]
                dphi, dyy = dr * torch.sin(ang), dr * torch.cos(ang)
                inside &= dphi.abs() <= math.pi
                phi, y = prev_phi + dphi, prev_y + dyy
                jac = jac * dr**2 * lrr * 2 * math.pi
            else:
                phi = prev_phi + math.pi * (2 * u[:, col + 1] - 1)
                y = prev_y + dy * (2 * u[:, col + 2] - 1)
                jac = jac * 2 * math.pi * 2 * dy
            inside &= y.abs() <= self._ymax[i]
            prev_y, prev_phi, prev_ymax, prev = y, phi, self._ymax[i], i
            px, py = pt * torch.cos(phi), pt * torch.sin(phi)
            pf[:, i] = torch.stack((mt * torch.cosh(y), px, py, mt * torch.sinh(y)), -1)
            ptsum += torch.stack((px, py), -1)
            col += 3
        m = self.masses[last]
        y = y_last
        col += 1
        px, py = -ptsum[:, 0], -ptsum[:, 1]
        mt = torch.sqrt(m * m + px**2 + py**2)
        pf[:, last] = torch.stack((mt * torch.cosh(y), px, py, mt * torch.sinh(y)), -1)
        E, pz = pf[..., 0].sum(1), pf[..., 3].sum(1)
        x1, x2 = (E + pz) / self.sqrt_S, (E - pz) / self.sqrt_S
        ok = inside & (x1 < 1) & (x2 < 1) & (x1 > 0) & (x2 > 0)
        if self.gluons:
            ok &= pass_cuts(pf, self.gluons, self.cuts)
        if self.photons:
            ok &= photon_cuts(pf, self.photons, self.gluons)
        return pf, x1, x2, jac, ok, col

    def _kinematics(self, pf: torch.Tensor) -> dict:
        """p_T, rapidity and azimuth of the momenta ``pf``, and a store for :meth:`_pt_y_inverse`'s per-particle
        and per-pair coordinates (the same in every channel that draws them alike)."""
        E, px, py, pz = pf.unbind(-1)
        return {"pt": torch.sqrt(px**2 + py**2), "phi": torch.atan2(py, px),
                "y": 0.5 * torch.log(torch.clamp(E + pz, min=1e-300) / torch.clamp(E - pz, min=1e-300))}

    def _pt_y_inverse(self, pf: torch.Tensor, order, last, polar=False, kin: dict | None = None):
        """The point of [0, 1]^(3 n - 2) that channel (``order``, ``last``) maps to the momenta ``pf``, and that
        channel's Jacobian there (the inverse of :meth:`_pt_y`); ``kin`` from :meth:`_kinematics` (shared by the
        channels of one batch)."""
        kin = self._kinematics(pf) if kin is None else kin
        pt, y, phi = kin["pt"], kin["y"], kin["phi"]
        N = pf.shape[0]
        u = torch.empty((N, 3 * len(order) + 1), dtype=pf.dtype, device=pf.device)
        ymax_last = self._ymax[last]
        u[:, 3 * len(order)] = (y[:, last] / ymax_last + 1) / 2
        jac = torch.full((N,), self.norm * 2 * ymax_last, dtype=pf.dtype, device=pf.device)
        prev = -1
        for k, i in enumerate(order):
            key = ("pt", i)
            if key not in kin:
                massive, lo, lr = self._pt[i]
                if massive:
                    mt = torch.sqrt(self.masses[i] ** 2 + pt[:, i] ** 2)
                    kin[key] = (torch.log(mt / lo) / lr, mt**2 * lr)
                else:
                    d = lo**-2 - (self.sqrt_S / 2) ** -2
                    kin[key] = ((lo**-2 - pt[:, i] ** -2) / d, pt[:, i] ** 4 * d / 2)
            u[:, 3 * k], j_pt = kin[key]
            pol = self._polar(polar, prev, i)
            key = ("pair", prev, i, last if prev < 0 else None, pol)
            if key not in kin:
                p_y = y[:, last] if prev < 0 else y[:, prev]
                p_phi = 0.0 if prev < 0 else phi[:, prev]
                dy = self._ymax[i] + self._ymax[last if prev < 0 else prev]
                dphi = torch.remainder(phi[:, i] - p_phi + math.pi, 2 * math.pi) - math.pi
                if pol:
                    r0, lrr = self._dr_range(dy)
                    dyy = y[:, i] - p_y
                    dr = torch.clamp(torch.sqrt(dphi**2 + dyy**2), min=1e-300)
                    kin[key] = (torch.log(dr / r0) / lrr,
                                torch.remainder(torch.atan2(dphi, dyy), 2 * math.pi) / (2 * math.pi),
                                dr**2 * lrr * 2 * math.pi)
                else:
                    kin[key] = ((dphi + math.pi) / (2 * math.pi), ((y[:, i] - p_y) / dy + 1) / 2,
                                2 * math.pi * 2 * dy)
            u[:, 3 * k + 1], u[:, 3 * k + 2], j_pair = kin[key]
            jac = jac * j_pt * j_pair
            prev = i
        return torch.clamp(u, 0.0, 1.0), jac

    def _tau_y(self, u: torch.Tensor):
        """(tau, Y) map with RAMBO at sqrt(s_hat): final-state momenta in the lab frame, x1, x2, Jacobian, mask."""
        nf = len(self.masses)
        N = u.shape[0]
        lt = -math.log(self.tau_min)
        tau = self.tau_min * torch.exp(lt * u[:, 0])
        ymax = -0.5 * torch.log(tau)
        Y = ymax * (2 * u[:, 1] - 1)
        jac = tau * lt * 2 * ymax
        x1, x2 = torch.sqrt(tau) * torch.exp(Y), torch.sqrt(tau) * torch.exp(-Y)
        rs = torch.sqrt(tau) * self.sqrt_S
        pf, wps = rambo_map(self.masses, u[:, 2:2 + 4 * nf].reshape(N, nf, 4), rs)
        E, pz = pf[..., 0], pf[..., 3]
        ch, sh = torch.cosh(Y)[:, None], torch.sinh(Y)[:, None]
        pf = torch.stack((E * ch + pz * sh, pf[..., 1], pf[..., 2], pz * ch + E * sh), -1)
        ok = torch.isfinite(wps) & (rs > sum(self.masses))
        if self.gluons:
            ok &= pass_cuts(pf, self.gluons, self.cuts)
        return pf, x1, x2, jac * wps, ok, 2 + 4 * nf

    def events(self, u: torch.Tensor):
        """Weighted events for points ``u`` (N, dim) of the unit hypercube.

        Returns ``momenta`` (N, n, 4) in the lab frame (parton a of the process first; it runs along -z when the
        orientation coordinate swapped the beams), ``weight_ps`` (N,) = everything but |M|^2 (PDFs, flux, phase
        space, map Jacobian; 0 outside the cuts or the kinematic range), ``x1``, ``x2`` and ``swapped`` (N,) bool.
        """
        u = u.to(self.device, torch.float64)
        pf, x1, x2, jac, ok, col = (self._pt_y(u, polar=self.channels[0][2]) if self.map == "pt_y"
                                    else self._tau_y(u))
        return self._weighted(u, pf, x1, x2, jac, ok, col)

    def grid(self, n_bins: int = 64):
        """A fresh adaptive map for :meth:`sample`: one :class:`VegasGrid` for a single channel, otherwise a
        :class:`MultiChannelGrids` with one grid per class of channels."""
        if self.map != "pt_y" or len(self.channels) == 1:
            return VegasGrid(self.dim, n_bins, device=self.device)
        return MultiChannelGrids(self.n_classes, self.dim, n_bins, device=self.device)

    def sample(self, grid, n: int, generator: torch.Generator):
        """``n`` weighted events drawn through ``grid`` (from :meth:`grid`): momenta (lab frame), the weight without
        |M|^2 (the inverse sampling density included), the record for ``grid.accumulate``, x1, x2.

        With several channels (the (p_T, y) map of two or more gluons), each point comes from a class drawn with the
        class weights alpha_k, then from a channel of that class drawn uniformly, through the class's VEGAS grid; its
        weight uses the density of all channels together::

            g(x) = sum_k alpha_k g_k(x),   g_k(x) = rho_k(u_o) / C_k  sum_(c in k) rho_k(u_c(x)) / J_c(x)

        (u_c: the point of channel c that maps to x, J_c its Jacobian; u_o the beam-orientation coordinate, if any,
        which all channels share)."""
        if isinstance(grid, VegasGrid):
            if self.map == "pt_y" and len(self.channels) > 1:
                raise ValueError(f"{self.proc.name!r} has {len(self.channels)} channels: sample through "
                                 f"ColliderPhaseSpace.grid(), not a single VegasGrid")
            u, jac_grid, idx = grid.sample(n, generator)
            mom, w, x1, x2, _ = self.events(u)
            return mom, w * jac_grid, idx, x1, x2
        n_kin = 3 * len(self.others) + 1
        K = len(grid.grids)
        cls = (grid.draw_classes(n, generator) if K > 1 else torch.zeros(n, dtype=torch.long)).to(self.device)
        u = torch.zeros((n, self.dim), dtype=torch.float64, device=self.device)
        idx = torch.zeros((n, self.dim), dtype=torch.long, device=self.device)
        by_class = [[c for c, k in enumerate(self.channel_class) if k == kk] for kk in range(K)]
        ch = torch.zeros(n, dtype=torch.long, device=self.device)
        for k in range(K):
            sel = cls == k
            m = int(sel.sum())
            if m:
                u[sel], _, idx[sel] = grid.grids[k].sample(m, generator)
                pick = torch.randint(len(by_class[k]), (m,), generator=generator).to(self.device)
                ch[sel] = torch.tensor(by_class[k], dtype=torch.long, device=self.device)[pick]
        nf = len(self.masses)
        pf = torch.zeros((n, nf, 4), dtype=torch.float64, device=self.device)
        x1 = torch.zeros(n, dtype=torch.float64, device=self.device)
        x2, ok = torch.zeros_like(x1), torch.zeros(n, dtype=torch.bool, device=self.device)
        for c, (order, last, polar) in enumerate(self.channels):
            sel = ch == c
            if bool(sel.any()):
                pf[sel], x1[sel], x2[sel], _, ok[sel], _ = self._pt_y(u[sel], order, last, polar)
        density = torch.zeros_like(x1)
        shares = torch.zeros((n, K), dtype=torch.float64, device=self.device)
        if bool(ok.any()):
            pk = pf[ok]
            u_o = u[ok, n_kin:]
            g_k = torch.zeros((pk.shape[0], K), dtype=torch.float64, device=self.device)
            kin = self._kinematics(pk)
            for c, (order, last, polar) in enumerate(self.channels):
                k = self.channel_class[c]
                uc, jc = self._pt_y_inverse(pk, order, last, polar, kin)
                g_k[:, k] += grid.grids[k].density(torch.cat((uc, u_o), 1)) / jc
            sizes = torch.tensor([len(c) for c in by_class], dtype=torch.float64, device=self.device)
            g_k = g_k / sizes * grid.alpha.to(self.device)
            dens = g_k.sum(1)
            density[ok] = dens
            shares[ok] = g_k / dens[:, None]
        jac = torch.where(ok, 1 / torch.where(ok, density, torch.ones_like(density)), torch.zeros_like(density))
        mom, w, x1, x2, _ = self._weighted(u, pf, x1, x2, jac, ok, n_kin)
        return mom, w, (cls, idx, shares), x1, x2

    def _weighted(self, u, pf, x1, x2, jac, ok, col):
        """Incoming partons, PDFs and flux for final-state momenta ``pf`` (see :meth:`events`)."""
        N = u.shape[0]
        dt = torch.float64
        x1c, x2c = torch.clamp(x1, 1e-12, 1.0), torch.clamp(x2, 1e-12, 1.0)
        if self.scale == "ht/2":
            mts = torch.sqrt(torch.clamp(pf[..., 0] ** 2 - pf[..., 3] ** 2, min=0)).sum(1)
            q2 = (mts / 2) ** 2
        else:
            q2 = torch.full((N,), self.scale**2, dtype=dt, device=self.device)
        a, b = self.pdg
        if self.two_orientations:
            swapped = u[:, col] >= 0.5
            lum = torch.where(swapped, self.pdf.f(b, x1c, q2) * self.pdf.f(a, x2c, q2),
                              self.pdf.f(a, x1c, q2) * self.pdf.f(b, x2c, q2)) * 2
        else:
            swapped = torch.zeros(N, dtype=torch.bool, device=self.device)
            lum = self.pdf.f(a, x1c, q2) * self.pdf.f(b, x2c, q2)
        s_hat = x1c * x2c * self.sqrt_S**2
        w = torch.where(ok, jac * lum / (2 * s_hat), torch.zeros_like(jac))
        half = self.sqrt_S / 2
        pa = torch.zeros((N, 4), dtype=dt, device=self.device)
        pb = torch.zeros((N, 4), dtype=dt, device=self.device)
        pa[:, 0], pa[:, 3] = torch.where(swapped, x2c, x1c) * half, torch.where(swapped, -x2c, x1c) * half
        pb[:, 0], pb[:, 3] = torch.where(swapped, x1c, x2c) * half, torch.where(swapped, x1c, -x2c) * half
        mom = torch.cat((pa[:, None], pb[:, None], pf), 1)
        return mom, w, x1, x2, swapped


def photon_cuts(p: torch.Tensor, photons: list[int], gluons: list[int], cuts: dict = PHOTON_CUTS) -> torch.Tensor:
    """Mask of the events whose photons pass :data:`PHOTON_CUTS` (p_T, |eta|, Delta R to each other and to the
    gluons)."""
    a = p[:, photons]
    pt = torch.sqrt(a[..., 1] ** 2 + a[..., 2] ** 2)
    pabs = torch.sqrt((a[..., 1:] ** 2).sum(-1))
    eta = torch.atanh(torch.clamp(a[..., 3] / torch.clamp(pabs, min=1e-300), -1 + 1e-15, 1 - 1e-15))
    ok = (pt > cuts["pt_min"]).all(1) & (eta.abs() < cuts["eta_max"]).all(1)

    def y_phi(v):
        plus, minus = torch.clamp(v[..., 0] + v[..., 3], min=1e-300), torch.clamp(v[..., 0] - v[..., 3], min=1e-300)
        y = 0.5 * torch.log(plus / minus)
        return y, torch.atan2(v[..., 2], v[..., 1])

    def dr2(u, v):
        (yu, fu), (yv, fv) = y_phi(u), y_phi(v)
        dphi = torch.remainder(fu[:, :, None] - fv[:, None, :] + math.pi, 2 * math.pi) - math.pi
        return (yu[:, :, None] - yv[:, None, :]) ** 2 + dphi**2

    if len(photons) > 1:
        d = dr2(a, a)
        iu = torch.triu_indices(len(photons), len(photons), 1)
        ok &= (d[:, iu[0], iu[1]] > cuts["dr_min"] ** 2).all(1)
    if gluons:
        ok &= (dr2(a, p[:, gluons]) > cuts["dr_jet_min"] ** 2).flatten(1).all(1)
    return ok


def to_partonic_frame(momenta: torch.Tensor) -> torch.Tensor:
    """Boost lab-frame events along z into the partonic centre-of-mass frame and rotate by pi about the x axis where
    needed, so that the first incoming parton runs along +z."""
    P = momenta[:, 0] + momenta[:, 1]
    beta = (P[:, 3] / P[:, 0])[:, None]
    gamma = 1 / torch.sqrt(1 - beta**2)
    E, pz = momenta[..., 0], momenta[..., 3]
    out = momenta.clone()
    out[..., 0] = gamma * (E - beta * pz)
    out[..., 3] = gamma * (pz - beta * E)
    flip = out[:, 0, 3] < 0
    out[flip, :, 2] = -out[flip, :, 2]
    out[flip, :, 3] = -out[flip, :, 3]
    # the incoming partons exactly along the beam axis, each with sqrt(s_hat) / 2
    half = 0.5 * torch.sqrt(torch.clamp(P[:, 0] ** 2 - P[:, 3] ** 2, min=0))
    out[:, 0] = torch.stack((half, 0 * half, 0 * half, half), -1)
    out[:, 1] = torch.stack((half, 0 * half, 0 * half, -half), -1)
    return out


def collider_events(process, n_events: int, collider_energy: float = DEFAULT_COLLIDER_ENERGY, seed: int = 0, *,
                    pdf: str = DEFAULT_PDF, scale: str | float = "ht/2", cuts: dict | None = None,
                    frame: str = "partonic", overweight: float = 1e-3, adapt_iterations: int = 8,
                    adapt_points: int = 20000, n_pilot: int = 50000, n_bins: int = 64, ps_map: str = "auto",
                    channels: str = "recoil", pair_map: str = "both", sm: SMParameters = DEFAULT, device=None,
                    batch: int = 50_000):
    """Unweighted events of ``process`` at a pp collider of energy ``collider_energy`` (GeV).

    Returns ``momenta`` (n_events, n, 4) float64 torch (incoming partons first; in the partonic centre-of-mass frame
    with parton a along +z by default, ``frame="lab"`` for the lab frame), ``me`` (n_events,) their |M|^2, and
    ``info``: ``cross_section_pb`` and its Monte-Carlo error, ``efficiency`` (accepted / tried), ``w_max``,
    ``weights`` (n_events,) torch (1 except for the kept overweights, see module docstring), ``overweight_fraction``
    (events with weight > 1), ``overweight_share``, ``x1``, ``x2``, ``n_tried``, ``seconds`` (of which
    ``seconds_adapt`` for VEGAS), the channel set (``channels``, ``n_channels``, the adapted class weights
    ``channel_weights``) and the settings. ``channels`` selects the multichannel set of the (p_T, y) map
    (:data:`CHANNEL_SETS`; "recoil" by default, "orders" the previous default, see the module docstring);
    ``pair_map`` how a gluon is drawn relative to the gluon before it (:data:`PAIR_MAPS`; "both" by default).
    ``batch``: at most this many points are mapped and evaluated at once (memory: a 2e5-point batch of Z g g g g
    holds 7-11 GB); ``info["cpu_seconds"]`` (of which ``cpu_seconds_adapt``) is the CPU time of this process, all
    threads. ``info["overweight_share_tried"]`` is the share of the cross section above w_max on every point tried
    after the pilot (an estimate of the bias independent of the pilot that chose w_max; NaN if the pilot sufficed).
    """
    t0, c0 = time.time(), time.process_time()
    if frame not in FRAMES:
        raise ValueError(f"frame = {frame!r}; expected one of {FRAMES}")
    if not (isinstance(n_events, int) and n_events > 0):
        raise ValueError(f"n_events must be a positive integer, got {n_events!r}")
    if not (0 < overweight < 0.1):
        raise ValueError(f"overweight = {overweight!r}: expected a fraction in (0, 0.1)")
    if not (isinstance(batch, int) and batch >= 1000):
        raise ValueError(f"batch = {batch!r}: expected an integer >= 1000 (points per |M|^2 batch)")
    ps = ColliderPhaseSpace(process, collider_energy, cuts, pdf, scale, sm, device, ps_map, channels, pair_map)
    proc = ps.proc
    gen = torch.Generator().manual_seed(int(seed))
    grid = ps.grid(n_bins)

    def weights_one(n):
        mom, w, idx, x1, x2 = ps.sample(grid, n, gen)
        me = torch.zeros_like(w)
        nz = w > 0
        if bool(nz.any()):
            me[nz] = matrix_element(proc, mom[nz], sm)
        return mom, me, w * me, idx, x1, x2

    def weights(n):
        if n <= batch:
            return weights_one(n)
        parts = [weights_one(min(batch, n - i)) for i in range(0, n, batch)]
        cat = [torch.cat([p[j] for p in parts]) for j in (0, 1, 2, 4, 5)]
        rec = parts[0][3]
        rec = (tuple(torch.cat([p[3][j] for p in parts]) for j in range(len(rec))) if isinstance(rec, tuple)
               else torch.cat([p[3] for p in parts]))
        return cat[0], cat[1], cat[2], rec, cat[3], cat[4]

    for it in range(adapt_iterations):
        _, _, w, idx, _, _ = weights(adapt_points)
        grid.accumulate(idx, w)
        grid.adapt()
        report(f"{proc.name}: VEGAS iteration {it + 1}/{adapt_iterations}, "
               f"sigma ~ {float(w.mean()) * GEV2_TO_PB:.4g} pb")
    t_adapt, c_adapt = time.time() - t0, time.process_time() - c0
    mom, me, w, _, x1, x2 = weights(n_pilot)
    n_pass = int((w > 0).sum())
    if n_pass < 100:
        raise ValueError(f"cuts {ps.cuts} leave no phase space for {proc.name!r} at collider_energy = "
                         f"{ps.sqrt_S:g} GeV: {n_pass} of {n_pilot} pilot points passed (at least 100 needed to "
                         f"estimate the maximum weight; loosen the cuts or raise n_pilot)")
    w_max = reduced_maximum(w, overweight)
    keep_mom, keep_me, keep_w, keep_x = [], [], [], []
    s1 = s2 = 0.0
    n_tried = n_have = n_inside = 0
    over_after = sum_after = 0.0        # the weight above w_max, and all weight, of the points after the pilot
    pilot = True
    last_report = time.time()
    while True:
        r = torch.rand(w.shape[0], generator=gen, dtype=torch.float64).to(w.device)
        acc = r * w_max < w
        keep_mom.append(mom[acc])
        keep_me.append(me[acc])
        keep_w.append(torch.clamp(w[acc] / w_max, min=1.0))
        keep_x.append(torch.stack((x1[acc], x2[acc]), -1))
        s1 += float(w.sum())
        s2 += float((w**2).sum())
        n_tried += w.shape[0]
        n_inside += int((w > 0).sum())
        n_have += int(acc.sum())
        if not pilot:
            over_after += float(torch.clamp(w - w_max, min=0).sum())
            sum_after += float(w.sum())
        pilot = False
        if n_have >= n_events:
            break
        eff = max(n_have / n_tried, 1e-5)
        if time.time() - last_report > 30:
            report(f"{proc.name}: {n_have}/{n_events} events, efficiency {eff:.3g}, "
                   f"{time.time() - t0:.0f} s")
            last_report = time.time()
        mom, me, w, _, x1, x2 = weights(int(min(max(1.2 * (n_events - n_have) / eff, 2000), 200_000)))
    momenta = torch.cat(keep_mom)[:n_events]
    me = torch.cat(keep_me)[:n_events]
    wts = torch.cat(keep_w)[:n_events]
    xs = torch.cat(keep_x)[:n_events]
    sigma = s1 / n_tried
    err = math.sqrt(max(s2 / n_tried - sigma**2, 0) / n_tried)
    over = wts > 1
    share = float((wts[over] - 1).sum() / wts.sum())
    if share > 10 * overweight:
        raise ValueError(f"{proc.name}: the maximum weight was exceeded by {share:.3g} of the cross section, more "
                         f"than 10x overweight = {overweight:g}: the pilot missed the tail; raise n_pilot "
                         f"(now {n_pilot}) or adapt_iterations (now {adapt_iterations})")
    if frame == "partonic":
        momenta = to_partonic_frame(momenta)
    info = {
        "process": proc.name, "collider_energy": ps.sqrt_S, "pdf": ps.pdf_name, "scale": ps.scale,
        "cuts": ps.cuts, "frame": frame, "seed": int(seed),
        **({"photon_cuts": dict(PHOTON_CUTS)} if ps.photons else {}),
        "cross_section_pb": sigma * GEV2_TO_PB, "cross_section_error_pb": err * GEV2_TO_PB,
        "efficiency": n_have / n_tried, "n_tried": n_tried, "n_inside": n_inside, "w_max": w_max, "weights": wts,
        "overweight": overweight, "overweight_fraction": float(over.float().mean()), "overweight_share": share,
        "overweight_share_tried": over_after / sum_after if sum_after > 0 else float("nan"),
        "x1": xs[:, 0], "x2": xs[:, 1], "seconds": time.time() - t0, "seconds_adapt": t_adapt,
        "cpu_seconds": time.process_time() - c0, "cpu_seconds_adapt": c_adapt, "n_pilot": n_pilot,
        "channels": channels, "pair_map": pair_map, "n_channels": len(ps.channels),
        "channel_weights": [float(a) for a in getattr(grid, "alpha", torch.ones(1))],
    }
    report(f"{proc.name}: {n_events} events, sigma = {info['cross_section_pb']:.5g} +- "
           f"{info['cross_section_error_pb']:.2g} pb, efficiency {info['efficiency']:.3g}, "
           f"{info['seconds']:.1f} s")
    return momenta, me, info
