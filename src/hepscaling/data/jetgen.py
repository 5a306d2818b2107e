"""Detector-level jets from Pythia 8: the machinery shared by the JetClass-like and AspenOpenJets-like generators.

One *batch* of Pythia events (``pythia8mc``'s ``nextBatch``, an awkward array) goes through these steps, each
vectorised over the whole batch (no Python loop over events or jets):

1. **Truth** (:func:`resonance_candidates`): in the event record, the last copy of every resonance of the process
   (H 25, t 6, W 24, Z 23 — the copy that decays) and its decay products *as produced in the decay*; a W or Z among
   them is followed to its own last copy and replaced by its decay products.  The leaves (quarks, gluons, charged
   leptons, neutrinos) are classified against the decay the class asks for (:data:`PATTERNS`); a resonance whose
   decay does not fit is no candidate.  Events can be required to hold a Z -> nu nu (:attr:`Process.require_z_nunu`)
   and are then dropped *before* the detector when they do not.
2. **Detector** (:func:`hepscaling.detector.simulate`, card ``"cms"`` by default): the visible final state
   (status > 0, no neutrinos, |eta| < the jets' |eta| cut + R + 0.5) with production vertices -> particle-flow
   candidates (px, py, pz, E, pdgId, charge, d0, d0Err, dz, dzErr, puppiWeight).
3. **Jets**: anti-kT, R = 0.8, E-scheme (scikit-hep ``fastjet`` on the whole batch), on the candidates' four-momenta,
   optionally multiplied by their PUPPI weight (the AOJ convention; the weight is 1 without pile-up).
4. **Selection**: pT window and |eta| cut on the jet; for resonance processes, *matching* — the jet axis within
   ``match_dR`` (eta-phi distance, as ROOT's ``DeltaR``) of every visible decay product (neutrinos are not required)
   and, where :attr:`Selection.require_resonance`, of the resonance itself.
5. **Constituents and observables**: the selected jets' candidates, pT-ordered; the soft-drop mass (beta = 0,
   z_cut = 0.1, R0 = 0.8; :mod:`hepscaling.jets.softdrop`, identical to FastJet contrib SoftDrop); the normalised
   N-subjettiness tau_1..tau_4 (FastJet contrib Nsubjettiness, beta = 1, R0 = 0.8, one-pass kT axes: CMS's
   definition, :func:`nsubjettiness_taus`) on the candidates' four-momenta.

:func:`generate` loops over batches of one Pythia instance until it has the jets asked for and returns them as a
:class:`JetBlock` (per-jet columns and flat constituent columns with offsets) plus timing and efficiency statistics.
"""
from __future__ import annotations

import hashlib
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from ..jets._quiet import quiet_stdout
from ..jets.softdrop import softdrop_mass
from .pythia import _cluster, _constituent_index_numpy, _jagged_numpy

__all__ = ["Process", "Selection", "JetBlock", "PATTERNS", "PF_FIELDS", "make_pythia", "event_record",
           "resonance_candidates", "process_batch", "generate", "nsubjettiness_taus", "stream_seed",
           "sigma_pb"]

PF_FIELDS = ("px", "py", "pz", "E", "d0", "d0Err", "dz", "dzErr", "charge", "pdgId", "puppiWeight")
QUARKS = (1, 2, 3, 4, 5)
CHARGED_LEPTONS = (11, 13, 15)
NEUTRINOS = (12, 14, 16)
MAX_LEAVES = 4            # visible decay products kept per candidate (H -> 4q has four)
MAX_CANDIDATES = 2        # resonance candidates per event (two tops in ttbar)

# Decay patterns: counts of the leaves (b and c counted also as quarks) a candidate's decay must have.
#   nq quarks (d u s c b), nb b quarks, nc c quarks, ng gluons, nl charged leptons (e, mu, tau), nnu neutrinos
PATTERNS = {
    "bb": dict(nq=2, nb=2, ng=0, nl=0, nnu=0),
    "cc": dict(nq=2, nc=2, ng=0, nl=0, nnu=0),
    "gg": dict(nq=0, ng=2, nl=0, nnu=0),
    "qq": dict(nq=2, ng=0, nl=0, nnu=0),
    "4q": dict(nq=4, ng=0, nl=0, nnu=0),
    "2q1l": dict(nq=2, ng=0, nl=1, nnu=1),
    "bqq": dict(nq=3, nb_min=1, ng=0, nl=0, nnu=0),
    "bl": dict(nq=1, nb=1, ng=0, nl=1, nnu=1),
}


@dataclass(frozen=True)
class Process:
    """One Pythia configuration and what counts as a signal jet in it.

    ``strings``: Pythia settings beyond the common ones (beam energy, MPI, seed, pTHat window).
    ``resonance``: |PDG id| of the resonance a signal jet must come from (None: no matching, e.g. QCD).
    ``pattern``: key of :data:`PATTERNS` its decay must have.  ``require_z_nunu``: keep only events with a
    Z -> nu nu (for ZZ with one Z forced invisible by a filter).
    """
    name: str
    strings: tuple[str, ...]
    resonance: int | None = None
    pattern: str | None = None
    require_z_nunu: bool = False

    def __post_init__(self):
        if (self.resonance is None) != (self.pattern is None):
            raise ValueError(f"process {self.name!r}: resonance and pattern go together (got {self.resonance!r}, "
                             f"{self.pattern!r})")
        if self.pattern is not None and self.pattern not in PATTERNS:
            raise ValueError(f"process {self.name!r}: pattern must be one of {sorted(PATTERNS)}, got "
                             f"{self.pattern!r}")


@dataclass(frozen=True)
class Selection:
    """Jet definition, cuts and matching of one generator (every field goes into the sidecars)."""
    ecm: float = 13000.0
    mpi: bool = False
    pthat_min: float = 450.0
    pthat_max: float = -1.0           # Pythia's convention: <= 0 means no upper limit
    jet_R: float = 0.8
    jet_pt_min: float = 500.0
    jet_pt_max: float = float("inf")
    jet_abseta_max: float = 2.0
    match_dR: float = 0.8
    require_resonance: bool = True    # the resonance itself within match_dR of the jet axis, too
    require_match: bool = True        # resonance processes keep matched jets only (False: every jet, flag kept)
    puppi_weighted: bool = False      # cluster PUPPI-weighted candidates (the AOJ convention)
    card: str = "cms"
    particle_eta_margin: float = 0.5  # particles up to |eta| < jet_abseta_max + R + margin enter the detector
    batch_events: int = 200

    def pythia_strings(self, process: Process, seed: int) -> list[str]:
        return ([f"Beams:eCM = {self.ecm}", f"PartonLevel:MPI = {'on' if self.mpi else 'off'}",
                 f"PhaseSpace:pTHatMin = {self.pthat_min}", f"PhaseSpace:pTHatMax = {self.pthat_max}",
                 "Random:setSeed = on", f"Random:seed = {int(seed)}", "Print:quiet = on", "Next:numberCount = 0"]
                + list(process.strings))


@dataclass
class JetBlock:
    """Selected jets: per-jet columns ``jets`` (arrays of length N) and their candidates as flat columns
    ``constituents`` (:data:`PF_FIELDS`, pT-ordered within each jet) with ``offsets`` (N + 1)."""
    jets: dict = field(default_factory=dict)
    constituents: dict = field(default_factory=dict)
    offsets: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @staticmethod
    def concatenate(blocks: list["JetBlock"]) -> "JetBlock":
        blocks = [b for b in blocks if len(b)]
        if not blocks:
            return JetBlock()
        jets = {k: np.concatenate([b.jets[k] for b in blocks]) for k in blocks[0].jets}
        cons = {k: np.concatenate([b.constituents[k] for b in blocks]) for k in blocks[0].constituents}
        sizes = np.concatenate([np.diff(b.offsets) for b in blocks])
        return JetBlock(jets, cons, np.r_[0, np.cumsum(sizes)].astype(np.int64))

    def take(self, rows) -> "JetBlock":
        """The jets at ``rows`` (indices), in that order."""
        rows = np.asarray(rows, dtype=np.int64)
        sizes = np.diff(self.offsets)[rows]
        first = self.offsets[:-1][rows]
        idx = np.repeat(first - np.r_[0, np.cumsum(sizes)[:-1]], sizes) + np.arange(sizes.sum())
        return JetBlock({k: v[rows] for k, v in self.jets.items()},
                        {k: v[idx] for k, v in self.constituents.items()},
                        np.r_[0, np.cumsum(sizes)].astype(np.int64))

    def padded(self, names=("E", "px", "py", "pz"), max_constituents: int | None = None) -> np.ndarray:
        """Constituent columns as a zero-padded array ``(N, M, len(names))`` (M: the longest jet, or the cap)."""
        sizes = np.diff(self.offsets)
        m = int(sizes.max(initial=0)) if max_constituents is None else int(max_constituents)
        out = np.zeros((len(sizes), max(m, 1), len(names)))
        pos = np.arange(sizes.sum()) - np.repeat(self.offsets[:-1], sizes)
        jet = np.repeat(np.arange(len(sizes)), sizes)
        keep = pos < m
        for k, name in enumerate(names):
            out[jet[keep], pos[keep], k] = self.constituents[name][keep]
        return out


def stream_seed(*parts) -> int:
    """A seed in Pythia's range 1..9e8 from any tuple of labels (distinct labels -> independent streams)."""
    h = hashlib.sha256("|".join(str(p) for p in ("hepscaling-jetgen",) + parts).encode()).digest()
    return int.from_bytes(h[:8], "little") % 900_000_000 + 1


def make_pythia(process: Process, seed: int, selection: Selection):
    import pythia8mc

    with quiet_stdout():
        p = pythia8mc.Pythia("", False)
        for s in selection.pythia_strings(process, seed):
            if not p.readString(s):
                raise RuntimeError(f"process {process.name!r}: Pythia rejected the setting {s!r}")
        if not p.init():
            raise RuntimeError(f"process {process.name!r}: Pythia failed to initialise (seed {seed})")
    return p


def sigma_pb(pythia) -> tuple[float, float]:
    """Pythia's estimate of the cross section of the events generated so far (and its error), in pb."""
    info = pythia.infoPython()
    return float(info.sigmaGen()) * 1e9, float(info.sigmaErr()) * 1e9


# ------------------------------------------------------------------------------------------------------ event record
def _numpy_col(content, lo, hi):
    import awkward as ak

    if hasattr(content, "data"):
        return np.asarray(content.data)[lo:hi]
    return ak.to_numpy(ak.Array(content))[lo:hi]


def event_record(batch) -> dict:
    """A ``nextBatch`` result as flat numpy columns: id, status, mother1, daughter1, daughter2, px, py, pz, e, the
    production vertex x, y, z (mm; 0 where Pythia set none), ``event`` of each particle, ``start`` (N + 1) offsets."""
    import awkward as ak

    layout = batch["prt"].layout
    while not hasattr(layout, "offsets"):
        layout = layout.content
    offsets = np.asarray(layout.offsets, dtype=np.int64)
    rec = layout.content
    lo, hi = int(offsets[0]), int(offsets[-1])
    r = {k: _numpy_col(rec[k], lo, hi) for k in ("id", "status", "mother1", "daughter1", "daughter2")}
    for k in ("px", "py", "pz", "e"):
        r[k] = _numpy_col(rec["p"][k], lo, hi)
    v = ak.Array(rec["vProd"])[lo:hi]
    for k, name in (("px", "x"), ("py", "y"), ("pz", "z")):
        r[name] = ak.to_numpy(ak.fill_none(v[k], 0.0)).astype(np.float64)
    start = offsets - lo
    r["start"] = start
    r["event"] = np.repeat(np.arange(len(start) - 1), np.diff(start))
    return r


def _eta_phi(px, py, pz):
    pt = np.hypot(px, py)
    with np.errstate(divide="ignore", invalid="ignore"):
        eta = np.where(pt > 0, np.arcsinh(pz / np.where(pt > 0, pt, 1.0)), np.copysign(50.0, pz))
    return eta, np.arctan2(py, px)


def _delta_r(eta1, phi1, eta2, phi2):
    dphi = np.mod(phi1 - phi2 + np.pi, 2 * np.pi) - np.pi
    return np.hypot(eta1 - eta2, dphi)


def _last_copy(r: dict, g: np.ndarray) -> np.ndarray:
    """Follow each particle (global index) down its chain of copies (a single daughter with the same id)."""
    g = np.asarray(g, dtype=np.int64).copy()
    for _ in range(200):
        d1, d2 = r["daughter1"][g], r["daughter2"][g]
        nxt = r["start"][r["event"][g]] + d1
        copy = (d1 > 0) & ((d2 == d1) | (d2 == 0))
        copy &= r["id"][np.where(copy, nxt, g)] == r["id"][g]
        if not copy.any():
            return g
        g = np.where(copy, nxt, g)
    raise RuntimeError("event record: a chain of more than 200 copies of one particle")


def _daughters(r: dict, g: np.ndarray, width: int = 3) -> np.ndarray:
    """Global indices ``(len(g), width)`` of the daughters of each particle ``g``, -1 where none."""
    d1, d2 = r["daughter1"][g], r["daughter2"][g]
    base = r["start"][r["event"][g]]
    out = np.full((len(g), width), -1, dtype=np.int64)
    rng = d2 > d1                       # a range d1..d2
    n = np.where(rng, d2 - d1 + 1, np.where(d1 > 0, 1 + ((d2 > 0) & (d2 < d1)), 0))
    if (n > width).any():
        raise RuntimeError(f"event record: a resonance with {int(n.max())} decay products (at most {width} expected)")
    for k in range(width):
        kth = np.where(rng, d1 + k, np.where(k == 0, d1, d2))
        out[:, k] = np.where(k < n, base + kth, -1)
    return out


def resonance_candidates(r: dict, process: Process, n_events: int):
    """Per event, up to :data:`MAX_CANDIDATES` decays of ``process.resonance`` that fit ``process.pattern``.

    Returns a dict of arrays: ``valid`` ``(n_events, K)``; the resonance (last copy) ``res_p4`` ``(n_events, K, 4)``
    (E, px, py, pz), ``res_eta``, ``res_phi`` ``(n_events, K)``; the visible leaves ``leaf_eta``, ``leaf_phi``,
    ``leaf_pid`` ``(n_events, K, MAX_LEAVES)`` with ``leaf_ok`` marking real entries; and ``z_nunu`` ``(n_events,)``,
    whether the event holds a Z -> nu nu.
    """
    ids = r["id"]
    aid = np.abs(ids)
    K, L = MAX_CANDIDATES, MAX_LEAVES
    out = {"valid": np.zeros((n_events, K), bool), "res_p4": np.zeros((n_events, K, 4)),
           "res_eta": np.zeros((n_events, K)), "res_phi": np.zeros((n_events, K)),
           "leaf_eta": np.zeros((n_events, K, L)), "leaf_phi": np.zeros((n_events, K, L)),
           "leaf_pid": np.zeros((n_events, K, L), np.int32), "leaf_ok": np.zeros((n_events, K, L), bool),
           "z_nunu": np.zeros(n_events, bool)}

    def leaves_of(res):
        """Leaves (global index, -1 padded) ``(len(res), 9)``: daughters, with W/Z replaced by their daughters."""
        d = _daughters(r, res)                                   # (n, 3)
        flat = d.ravel()
        real = flat >= 0
        is_boson = np.zeros_like(real)
        is_boson[real] = np.isin(aid[flat[real]], (23, 24))
        sub = np.full((len(flat), 3), -1, dtype=np.int64)
        if is_boson.any():
            sub[is_boson] = _daughters(r, _last_copy(r, flat[is_boson]))
        first = np.where(is_boson, -1, flat)
        return np.concatenate([first[:, None], sub], axis=1).reshape(len(res), -1)  # (n, 3 * 4)

    # Z -> nu nu anywhere in the event (last copies of Z)
    z = np.flatnonzero(aid == 23)
    if len(z):
        z = np.unique(_last_copy(r, z))
        dz = _daughters(r, z)
        nnu = ((dz >= 0) & np.isin(aid[np.where(dz >= 0, dz, 0)], NEUTRINOS)).sum(axis=1)
        out["z_nunu"][r["event"][z[nnu == 2]]] = True
    if process.resonance is None:
        return out

    res = np.flatnonzero(aid == process.resonance)
    if not len(res):
        return out
    res = np.unique(_last_copy(r, res))
    res = res[r["daughter1"][res] > 0]                                # decayed
    lv = leaves_of(res)
    ok = lv >= 0
    lid = np.where(ok, aid[np.where(ok, lv, 0)], 0)
    count = {"nq": np.isin(lid, QUARKS), "nb": lid == 5, "nc": lid == 4, "ng": lid == 21,
             "nl": np.isin(lid, CHARGED_LEPTONS), "nnu": np.isin(lid, NEUTRINOS)}
    count = {k: (v & ok).sum(axis=1) for k, v in count.items()}
    fits = np.ones(len(res), bool)
    for k, want in PATTERNS[process.pattern].items():
        fits &= (count["nb"] >= want) if k == "nb_min" else (count[k] == want)
    fits &= (count["nq"] + count["ng"] + count["nl"] + count["nnu"]) == ok.sum(axis=1)  # nothing else (no tops)
    res, lv, ok = res[fits], lv[fits], ok[fits]
    ev = r["event"][res]
    first = np.r_[True, ev[1:] != ev[:-1]] if len(ev) else np.zeros(0, bool)
    rank = np.arange(len(ev)) - np.maximum.accumulate(np.where(first, np.arange(len(ev)), 0))
    keep = rank < K
    res, lv, ok, ev, rank = res[keep], lv[keep], ok[keep], ev[keep], rank[keep]
    out["valid"][ev, rank] = True
    out["res_p4"][ev, rank] = np.stack([r[k][res] for k in ("e", "px", "py", "pz")], axis=1)
    out["res_eta"][ev, rank], out["res_phi"][ev, rank] = _eta_phi(r["px"][res], r["py"][res], r["pz"][res])
    visible = ok & ~np.isin(np.where(ok, aid[np.where(ok, lv, 0)], 0), NEUTRINOS)
    # compact the visible leaves to the first MAX_LEAVES columns
    order = np.argsort(~visible, axis=1, kind="stable")
    lv = np.take_along_axis(lv, order, axis=1)[:, :L]
    vis = np.take_along_axis(visible, order, axis=1)[:, :L]
    g = np.where(vis, lv, 0)
    eta, phi = _eta_phi(r["px"][g], r["py"][g], r["pz"][g])
    out["leaf_eta"][ev, rank] = np.where(vis, eta, 0.0)
    out["leaf_phi"][ev, rank] = np.where(vis, phi, 0.0)
    out["leaf_pid"][ev, rank] = np.where(vis, r["id"][g], 0)
    out["leaf_ok"][ev, rank] = vis
    return out


# ------------------------------------------------------------------------------------------------------ detector
def visible_particles(r: dict, events: np.ndarray, abseta_max: float):
    """The visible final state of the chosen ``events`` (|eta| < ``abseta_max``) in the detector's input layout."""
    import awkward as ak
    from ..detector import pdg_charge

    aid = np.abs(r["id"])
    eta, _ = _eta_phi(r["px"], r["py"], r["pz"])
    chosen = np.zeros(len(r["start"]) - 1, bool)
    chosen[events] = True
    keep = (r["status"] > 0) & ~np.isin(aid, NEUTRINOS) & (np.abs(eta) < abseta_max) & chosen[r["event"]]
    w = np.flatnonzero(keep)
    counts = np.bincount(r["event"][w], minlength=len(chosen))[events]
    cols = {"px": r["px"][w], "py": r["py"][w], "pz": r["pz"][w], "E": r["e"][w],
            "pdgId": r["id"][w].astype(np.int32), "charge": np.asarray(pdg_charge(r["id"][w]), dtype=np.float64),
            "xProd": r["x"][w], "yProd": r["y"][w], "zProd": r["z"][w]}
    content = ak.contents.RecordArray([ak.contents.NumpyArray(np.ascontiguousarray(c)) for c in cols.values()],
                                      list(cols))
    off = np.r_[0, np.cumsum(counts)].astype(np.int64)
    return ak.Array(ak.contents.ListOffsetArray(ak.index.Index64(off), content))


def _flat_candidates(pf) -> tuple[np.ndarray, dict]:
    """The detector's output (events x candidates) as offsets and flat float64 columns :data:`PF_FIELDS`."""
    import awkward as ak

    lay = ak.to_packed(pf).layout
    while not hasattr(lay, "offsets"):
        lay = lay.content
    off = np.asarray(lay.offsets, dtype=np.int64)
    cols = {}
    for f in PF_FIELDS:
        c = lay.content.content(f)
        cols[f] = np.asarray(c.data if hasattr(c, "data") else ak.to_numpy(ak.Array(c)), dtype=np.float64)
    return off - off[0], {k: v[: off[-1] - off[0]] for k, v in cols.items()}


# ------------------------------------------------------------------------------------------------------ observables
def nsubjettiness_taus(p4: dict, offsets: np.ndarray, n_max: int = 4, R0: float = 0.8,
                       axes: str = "OnePass_KT_Axes") -> np.ndarray:
    """Normalised N-subjettiness tau_1..tau_n_max ``(N, n_max)`` of jets given as flat px, py, pz, E + offsets.

    FastJet contrib ``Nsubjettiness`` through scikit-hep ``fastjet`` (``njettiness``): ``NormalizedMeasure`` with
    beta = 1 and ``R0``, ``axes`` one-pass-minimised exclusive-kT axes by default — the definition of the CMS
    ``FatJet_tau*`` that AspenOpenJets stores.  (:func:`hepscaling.jets.observables.nsubjettiness` is the same
    measure with plain exclusive-kT axes, ``axes="KT_Axes"`` here; without the minimisation tau_2 exceeds tau_1 for
    ~7 % of QCD jets.)  Jets with at most N constituents get tau_N = 0.
    """
    import awkward as ak
    import fastjet

    n = len(offsets) - 1
    if n == 0:
        return np.zeros((0, n_max))
    content = ak.contents.RecordArray(
        [ak.contents.NumpyArray(np.ascontiguousarray(p4[k], dtype=np.float64)) for k in ("px", "py", "pz", "E")],
        ["px", "py", "pz", "E"], parameters={"__record__": "Momentum4D"})
    jets = ak.Array(ak.contents.ListOffsetArray(ak.index.Index64(np.asarray(offsets, np.int64)), content))
    with quiet_stdout(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cs = fastjet.ClusterSequence(jets, fastjet.JetDefinition(fastjet.kt_algorithm, 1000.0))
        taus = cs.njettiness(njets=tuple(range(1, n_max + 1)), beta=1.0, R0=R0, axes_definition=axes)
    out = np.asarray(ak.to_numpy(taus), dtype=np.float64).reshape(n, n_max)
    sizes = np.diff(offsets)
    return np.where(sizes[:, None] > np.arange(1, n_max + 1)[None, :], out, 0.0)


# ------------------------------------------------------------------------------------------------------ one batch
def process_batch(batch, process: Process, selection: Selection, detector_seed: int,
                  timing: dict | None = None) -> tuple[JetBlock, dict]:
    """Truth, detector, jets, selection and observables for one ``nextBatch`` result (see the module docstring).

    Returns the selected jets and counters ``{"n_events", "n_events_detector", "n_jets_window",
    "n_jets_matched", "pthat"}`` (the last: every event's pTHat).  Per-jet columns: pt, eta, phi, energy, mass,
    nparticles, sdmass, tau1..tau4, event (index in the batch), pthat (of its event), matched (bool), and the matched resonance res_pt, res_eta, res_phi, res_mass with its
    visible decay products leaf_eta, leaf_phi, leaf_pid ``(N, MAX_LEAVES)`` (zeros when unmatched).
    """
    from ..detector import simulate

    t = time.perf_counter()
    r = event_record(batch)
    n_events = len(r["start"]) - 1
    pthat = np.sqrt(np.maximum(np.asarray(_numpy_col(batch["info"].layout.content("pT2Hat"), 0, n_events)), 0.0))
    cand = resonance_candidates(r, process, n_events)
    keep_ev = np.arange(n_events)
    if process.require_z_nunu:
        keep_ev = keep_ev[cand["z_nunu"]]
    if process.resonance is not None and selection.require_match:
        keep_ev = keep_ev[cand["valid"][keep_ev].any(axis=1)]   # no fitting decay: no signal jet possible
    eta_in = selection.jet_abseta_max + selection.jet_R + selection.particle_eta_margin
    particles = visible_particles(r, keep_ev, eta_in)
    t1 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        pf = simulate(particles, card=selection.card, seed=int(detector_seed))
    t2 = time.perf_counter()
    poff, pcol = _flat_candidates(pf)
    w = pcol["puppiWeight"] if selection.puppi_weighted else 1.0
    mom = [np.ascontiguousarray(pcol[k] * w) for k in ("px", "py", "pz", "E")]
    if selection.puppi_weighted:  # candidates with weight 0 do not take part in the clustering
        zero = pcol["puppiWeight"] <= 0
        for m in mom:
            m[zero] = 0.0
    cs = _cluster(mom, poff, selection.jet_R)
    with quiet_stdout():
        jets = cs.inclusive_jets(min_pt=selection.jet_pt_min)
        cidx = cs.constituent_index(min_pt=selection.jet_pt_min)
    jet_off, (jx, jy, jz, jE) = _jagged_numpy(jets, ("px", "py", "pz", "E"))
    evt_local = np.repeat(np.arange(len(keep_ev)), np.diff(jet_off))
    jpt = np.hypot(jx, jy)
    jeta, jphi = _eta_phi(jx, jy, jz)
    sel = (jpt > selection.jet_pt_min) & (jpt < selection.jet_pt_max) & (np.abs(jeta) < selection.jet_abseta_max)
    n_window = int(sel.sum())
    K, L = MAX_CANDIDATES, MAX_LEAVES
    matched = np.zeros(len(jpt), bool)
    which = np.zeros(len(jpt), np.int64)
    if process.resonance is not None:
        ev = keep_ev[evt_local]
        ok = cand["valid"][ev]                                             # (n_jets, K)
        d_leaf = _delta_r(jeta[:, None, None], jphi[:, None, None], cand["leaf_eta"][ev], cand["leaf_phi"][ev])
        all_in = np.where(cand["leaf_ok"][ev], d_leaf < selection.match_dR, True).all(axis=2)
        m = ok & all_in
        if selection.require_resonance:
            m &= _delta_r(jeta[:, None], jphi[:, None], cand["res_eta"][ev], cand["res_phi"][ev]) < selection.match_dR
        matched = m.any(axis=1)
        which = np.argmax(m, axis=1)
        if selection.require_match:
            sel &= matched
    idx = np.flatnonzero(sel)
    # constituents of the selected jets, pT-ordered
    ev_off, con_off, local = _constituent_index_numpy(cidx)
    if not np.array_equal(ev_off, jet_off):
        raise RuntimeError("FastJet returned jets and constituent indices that do not line up")
    n_sel = con_off[idx + 1] - con_off[idx]
    firsts = np.r_[0, np.cumsum(n_sel)[:-1]].astype(np.int64)
    jet_of = np.repeat(np.arange(len(idx)), n_sel)
    pos = np.arange(int(n_sel.sum())) - np.repeat(firsts, n_sel)
    rows = local[np.repeat(con_off[idx], n_sel) + pos] + np.repeat(poff[evt_local[idx]], n_sel)
    cpt = np.hypot(pcol["px"][rows], pcol["py"][rows])
    rows = rows[np.lexsort((-cpt, jet_of))]
    cons = {k: pcol[k][rows] for k in PF_FIELDS}
    offsets = np.r_[0, np.cumsum(n_sel)].astype(np.int64)
    t3 = time.perf_counter()
    # observables on the (weighted) four-momenta the jets were clustered from
    wsel = cons["puppiWeight"] if selection.puppi_weighted else 1.0
    p4 = {k: cons[k] * wsel for k in ("px", "py", "pz", "E")}
    block = JetBlock({}, cons, offsets)
    sd = softdrop_mass(p4["px"], p4["py"], p4["pz"], p4["E"], offsets, z_cut=0.1, beta=0.0, R0=selection.jet_R)
    taus = nsubjettiness_taus(p4, offsets, 4, R0=selection.jet_R)
    t4 = time.perf_counter()
    ev = keep_ev[evt_local[idx]]
    wh = which[idx]
    res_p4 = cand["res_p4"][ev, wh] if process.resonance is not None else np.zeros((len(idx), 4))
    mk = matched[idx]
    res_p4 = np.where(mk[:, None], res_p4, 0.0)
    block.jets = {
        "pt": jpt[idx], "eta": jeta[idx], "phi": jphi[idx], "energy": jE[idx],
        "mass": np.sqrt(np.maximum(jE[idx] ** 2 - jx[idx] ** 2 - jy[idx] ** 2 - jz[idx] ** 2, 0.0)),
        "nparticles": n_sel.astype(np.int64), "sdmass": sd,
        **{f"tau{n}": taus[:, n - 1] for n in range(1, 5)},
        "event": ev.astype(np.int64), "pthat": pthat[ev], "matched": mk,
        "res_pt": np.hypot(res_p4[:, 1], res_p4[:, 2]),
        "res_eta": np.where(mk, cand["res_eta"][ev, wh], 0.0), "res_phi": np.where(mk, cand["res_phi"][ev, wh], 0.0),
        "res_mass": np.sqrt(np.maximum(res_p4[:, 0] ** 2 - (res_p4[:, 1:] ** 2).sum(axis=1), 0.0)),
        "leaf_eta": np.where(mk[:, None], cand["leaf_eta"][ev, wh], 0.0),
        "leaf_phi": np.where(mk[:, None], cand["leaf_phi"][ev, wh], 0.0),
        "leaf_pid": np.where(mk[:, None], cand["leaf_pid"][ev, wh], 0).astype(np.int32),
    }
    if timing is not None:
        for k, dt in (("t_truth_s", t1 - t), ("t_detector_s", t2 - t1), ("t_jets_s", t3 - t2),
                      ("t_observables_s", t4 - t3)):
            timing[k] = timing.get(k, 0.0) + dt
    counts = {"n_events": n_events, "n_events_detector": int(len(keep_ev)), "n_jets_window": n_window,
              "n_jets_matched": int(matched[sel].sum()) if process.resonance is not None else 0, "pthat": pthat}
    return block, counts


# ------------------------------------------------------------------------------------------------------ generation
def generate(process: Process, n_jets: int, seed: int, selection: Selection, max_events: int | None = None,
             expected_yield: float = 0.3) -> tuple[JetBlock, dict]:
    """Generate exactly ``n_jets`` selected jets of one process with one Pythia instance (seeded ``seed``).

    Batches of up to ``selection.batch_events`` events; once the yield (jets per event) is known, just enough for
    the jets still missing.  ``n_jets = 0`` runs no events.  Returns the jets and statistics: events generated,
    jets per event (the efficiency), Pythia's cross section (pb) and the wall time of each step (``t_pythia_s``,
    ``t_truth_s``, ``t_detector_s``, ``t_jets_s``, ``t_observables_s``).
    """
    if n_jets < 0:
        raise ValueError(f"n_jets: expected a non-negative number of jets, got {n_jets}")
    stats = {"process": process.name, "pythia_seed": int(seed), "n_jets": int(n_jets), "n_events": 0,
             "n_events_detector": 0, "n_jets_window": 0, "n_jets_matched": 0, "n_jets_selected": 0}
    if n_jets == 0:
        return JetBlock(), stats
    with quiet_stdout():
        import awkward  # noqa: F401
        import fastjet  # noqa: F401
    t0 = time.perf_counter()
    py = make_pythia(process, seed, selection)
    timing = {"t_init_s": time.perf_counter() - t0, "t_pythia_s": 0.0}
    blocks, n, n_events = [], 0, 0
    max_events = max_events or int(2000 * n_jets / max(expected_yield, 1e-3)) + 20_000
    while n < n_jets:
        if n_events >= max_events:
            raise RuntimeError(f"process {process.name!r}: only {n} of {n_jets} jets after {n_events} events; check "
                               "the pTHat window against the jet window")
        want = selection.batch_events
        rate = n / n_events if n > 0 else expected_yield
        want = int(min(want, max(10, np.ceil(1.2 * (n_jets - n) / max(rate, 1e-3)) + 5)))
        t = time.perf_counter()
        with quiet_stdout():
            batch = py.nextBatch(want)
        timing["t_pythia_s"] += time.perf_counter() - t
        block, c = process_batch(batch, process, selection, stream_seed(seed, "detector", len(blocks)), timing)
        block.jets["event"] = block.jets["event"] + n_events
        for k in ("n_events", "n_events_detector", "n_jets_window", "n_jets_matched"):
            stats[k] += c[k]
        n_events += c["n_events"]
        blocks.append(block)
        n += len(block)
    jets = JetBlock.concatenate(blocks)
    stats["n_jets_selected"] = len(jets)
    jets = jets.take(np.arange(n_jets))
    stats["jets_per_event"] = stats["n_jets_selected"] / max(stats["n_events"], 1)
    stats["sigma_pb"], stats["sigma_err_pb"] = sigma_pb(py)
    stats.update({k: round(v, 4) for k, v in timing.items()})
    stats["t_total_s"] = round(time.perf_counter() - t0, 4)
    return jets, stats
