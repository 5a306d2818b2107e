"""Local substitute for the Top Tagging Landscape jets: Pythia 8 + FastJet, particle level.

Settings (the defaults of :class:`GeneratorSettings`; every run writes them to a JSON sidecar):

* Pythia 8 (``pythia8mc`` 8.317.2), pp at sqrt(s) = 14 TeV, default tune (Monash), multi-parton interactions off.
* Signal: ``Top:gg2ttbar`` + ``Top:qqbar2ttbar`` with both W forced to decay hadronically (``24:onIfAny = 1 2 3 4
  5``).  Background: ``HardQCD:all`` dijets.  Both with the hard-process window 500 < pTHat < 700 GeV around the jet
  window.  (A jet at the window's edges from a hard process outside the pTHat window is lost — a small, documented
  bias.)
* Jets: anti-kT, R = 0.8, E-scheme, FastJet (scikit-hep ``fastjet``, vectorised over a whole ``nextBatch``), on all
  visible final-state particles (status > 0, no neutrinos) with |y| < 3.6 = 2 + 2R (particles further forward cannot
  be constituents of a jet with |eta| < 2 except in contrived soft configurations; ``tests/data`` checks on generated
  events that the selected jets are identical with and without this cut).  ``particle_pt_min`` (default 0: none)
  can drop softer particles, Delphes-like (its ATLAS card's tower thresholds are 0.5-1 GeV); that is a different
  dataset, not the default.
* Selection: the leading jet of each event (the hardest anti-kT jet; as in the Top Tagging set), kept when
  550 < pT < 650 GeV and |eta| < 2 (``leading_jet_only=False`` keeps every jet in the window instead).
  Top jets must be matched: a hadronic top (last copy before its decay) and its three decay quarks (b and the W's
  q q', as produced in the decays) all within dR < 0.8 (rapidity-phi) of the jet axis.
* Up to 200 constituents, pT-ordered, zero-padded, written in the Top Tagging format
  (:func:`hepscaling.data.toptagging.write`) with the matched top as ``truth*``.
* Optional parametric detector smearing (:mod:`hepscaling.data.smearing`), off by default: the substitute is
  particle level, whereas the public set went through Delphes.

Cost: per event, FastJet's anti-kT of the ~270 visible particles takes about 0.15-0.17 of Pythia's own generation
time on our 2-core machine; everything around it (particle selection, top matching, constituent gathering and
padding, writing) is vectorised numpy over a whole batch and adds ~0.03 (``benchmarks/bench_generator.py``).

The work unit is a *shard*: ``n_per_class`` top jets and as many QCD jets, from two Pythia instances seeded with
:func:`shard_seed` (distinct for every (seed, split, shard, process)), shuffled together, written atomically with a
sidecar.  :func:`ensure_shards` generates the missing shards of a split in parallel processes (finished ones are kept,
so an interrupted run resumes) with a progress bar.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..cache import code_version
from ..jets._quiet import quiet_stdout
from ..paths import data_dir
from ..progress import progress
from . import toptagging

__all__ = ["GeneratorSettings", "generate_jets", "generate_shard", "ensure_shards", "ensure_many", "shard_seed", "shard_path",
           "select_jets", "make_pythia", "PROCESSES"]

PROCESSES = ("top", "qcd")
SPLITS = ("train", "val", "test")
NEUTRINOS = (12, 14, 16)


@dataclass(frozen=True)
class GeneratorSettings:
    """Every setting of the local top/QCD generator (hashed into the shard names)."""
    ecm: float = 14000.0
    mpi: bool = False
    pthat_min: float = 500.0
    pthat_max: float = 700.0
    jet_R: float = 0.8
    jet_pt_min: float = 550.0
    jet_pt_max: float = 650.0
    jet_abseta_max: float = 2.0
    match_dR: float = 0.8
    max_constituents: int = 200
    particle_absy_max: float | None = 3.6
    particle_pt_min: float = 0.0  # GeV; 0 = every visible particle (the default: particle level, as the issue asks)
    leading_jet_only: bool = True  # the Top Tagging set keeps the leading jet of each event only
    smearing: bool = False
    batch_events: int = 400

    def pythia_strings(self, process: str, seed: int) -> list[str]:
        if process not in PROCESSES:
            raise ValueError(f"process: expected one of {PROCESSES}, got {process!r}")
        s = [f"Beams:eCM = {self.ecm}",
             f"PartonLevel:MPI = {'on' if self.mpi else 'off'}",
             f"PhaseSpace:pTHatMin = {self.pthat_min}",
             f"PhaseSpace:pTHatMax = {self.pthat_max}",
             "Random:setSeed = on", f"Random:seed = {int(seed)}",
             "Print:quiet = on", "Next:numberCount = 0"]
        if process == "top":
            s += ["Top:gg2ttbar = on", "Top:qqbar2ttbar = on", "24:onMode = off", "24:onIfAny = 1 2 3 4 5"]
        else:
            s += ["HardQCD:all = on"]
        return s

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)

    def cache_key(self):
        return self.as_dict()

    def digest(self) -> str:
        """Hash of the settings and of this module's code (and the hepscaling modules it imports)."""
        payload = json.dumps({"settings": self.as_dict(), "code": code_version(__name__)}, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


def shard_seed(seed: int, split: str, shard: int, process: str) -> int:
    """Pythia's ``Random:seed`` for one (seed, split, shard, process): distinct streams, in Pythia's range 1..9e8."""
    h = hashlib.sha256(f"hepscaling-topqcd|{int(seed)}|{split}|{int(shard)}|{process}".encode()).digest()
    return int.from_bytes(h[:8], "little") % 900_000_000 + 1


@functools.lru_cache(maxsize=1)
def versions() -> dict:
    import importlib.metadata as md

    out = {"python": platform.python_version()}
    for p in ("pythia8mc", "fastjet", "awkward", "numpy", "pandas", "tables", "hepscaling"):
        try:
            out[p] = md.version(p)
        except md.PackageNotFoundError:
            out[p] = "not installed"
    return out


def make_pythia(process: str, seed: int, settings: GeneratorSettings = GeneratorSettings()):
    import pythia8mc

    with quiet_stdout():
        p = pythia8mc.Pythia("", False)
        for s in settings.pythia_strings(process, seed):
            if not p.readString(s):
                raise RuntimeError(f"Pythia rejected the setting {s!r}")
        if not p.init():
            raise RuntimeError(f"Pythia failed to initialise for process {process!r} (seed {seed})")
    return p


# --------------------------------------------------------------------------------------------------- jet selection
def _y(E, pz):
    with np.errstate(divide="ignore", invalid="ignore"):
        return 0.5 * np.log(np.maximum(E + pz, 1e-300) / np.maximum(E - pz, 1e-300))


def _dr(y1, phi1, y2, phi2):
    dphi = np.mod(phi1 - phi2 + np.pi, 2 * np.pi) - np.pi
    return np.hypot(y1 - y2, dphi)


def _flat_record(batch) -> dict:
    """The particle record of a ``nextBatch`` result as flat numpy arrays plus per-event offsets (no copies)."""
    prt = batch["prt"]
    layout = prt.layout
    while not hasattr(layout, "offsets"):  # unwrap an IndexedArray etc. (not produced by pythia8mc 8.317)
        layout = layout.content
    offsets = np.asarray(layout.offsets, dtype=np.int64)
    rec = layout.content
    lo, hi = offsets[0], offsets[-1]

    def col(c):
        return np.asarray(c.data)[lo:hi] if hasattr(c, "data") else ak_to_numpy(c)[lo:hi]

    out = {k: col(rec[k]) for k in ("id", "status", "mother1", "daughter1")}
    p = rec["p"]
    for k in ("px", "py", "pz", "e"):
        out[k] = col(p[k])
    out["offsets"] = offsets - lo
    return out


def ak_to_numpy(content):
    import awkward as ak

    return ak.to_numpy(ak.Array(content))


def _top_decays(r: dict, n_events: int):
    """Per event and top sign (+1 top, -1 antitop): (y, phi) of [top, b, q, q'] ``(n_events, 2, 4, 2)``, the top
    four-momenta ``(n_events, 2, 4)`` (E, px, py, pz), and a validity mask ``(n_events, 2)``."""
    ids_all = r["id"]
    aid_all = np.abs(ids_all)
    cand = np.flatnonzero((aid_all <= 6) & (aid_all > 0))              # quarks only
    ids = ids_all[cand]
    ev_c = np.searchsorted(r["offsets"], cand, side="right") - 1
    start = r["offsets"][:-1][ev_c]
    mid = ids_all[r["mother1"][cand] + start]
    yphi = np.zeros((n_events, 2, 4, 2))
    top4 = np.zeros((n_events, 2, 4))
    valid = np.ones((n_events, 2), dtype=bool)
    is_top = np.abs(ids) == 6
    did = np.zeros_like(ids)
    did[is_top] = ids_all[r["daughter1"][cand[is_top]] + start[is_top]]
    aid = np.abs(ids)
    for k, s in enumerate((1, -1)):
        masks = [(ids == 6 * s) & (did != 6 * s),                      # top, last copy (decays to b W)
                 (ids == 5 * s) & (mid == 6 * s),                      # b from the top decay
                 (aid <= 5) & (mid == 24 * s)]                         # q q' from the W decay
        col = 0
        for m, w in zip(masks, (1, 1, 2)):
            sub = np.flatnonzero(m)
            where = cand[sub]
            ev = ev_c[sub]
            cnt = np.bincount(ev, minlength=n_events)
            valid[:, k] &= cnt == w
            first = np.r_[True, ev[1:] != ev[:-1]] if len(ev) else np.zeros(0, bool)
            rank = np.arange(len(ev)) - np.maximum.accumulate(np.where(first, np.arange(len(ev)), 0))
            ok = rank < w
            ev, where, rank = ev[ok], where[ok], rank[ok]
            E, px, py, pz = r["e"][where], r["px"][where], r["py"][where], r["pz"][where]
            yphi[ev, k, col + rank, 0] = _y(E, pz)
            yphi[ev, k, col + rank, 1] = np.arctan2(py, px)
            if col == 0:
                top4[ev, k] = np.stack([E, px, py, pz], axis=1)
            col += w
    return yphi, top4, valid


def select_jets(batch, process: str, settings: GeneratorSettings = GeneratorSettings(), return_all: bool = False,
                smear_seed: int = 0, timing: dict | None = None):
    """Cluster a Pythia ``nextBatch`` result and select (and for tops, match) jets.

    Returns ``(p4, truth, event_index)``: ``p4`` float32 ``(n, max_constituents, 4)`` (E, px, py, pz) pT-ordered
    zero-padded, ``truth`` ``(n, 4)`` the matched top (zeros for QCD), ``event_index`` the event each jet came from.
    ``return_all=True`` also returns every clustered jet above ``jet_pt_min`` as flat (E, px, py, pz, event) arrays.
    With ``settings.smearing`` the visible particles are smeared (seeded by ``smear_seed``) before clustering.
    ``timing``, if given, accumulates the CPU seconds spent inside FastJet under ``"cpu_fastjet_s"``.

    Only FastJet's clustering itself is not numpy: the particles go in as one flat awkward array, and the jets and
    their constituent indices come back as flat arrays (no per-jet Python, no awkward indexing).
    """
    r = _flat_record(batch)
    offsets = r["offsets"]
    n_events = len(offsets) - 1
    aid = np.abs(r["id"])
    vis = (r["status"] > 0) & (aid != NEUTRINOS[0]) & (aid != NEUTRINOS[1]) & (aid != NEUTRINOS[2])
    if settings.particle_pt_min > 0:
        vis &= np.hypot(r["px"], r["py"]) > settings.particle_pt_min
    if settings.particle_absy_max is not None:  # |y| < Y  <=>  |pz| < tanh(Y) E  (no logarithms)
        vis &= np.abs(r["pz"]) < np.tanh(settings.particle_absy_max) * r["e"]
    w = np.flatnonzero(vis)
    n_vis = np.cumsum(vis)
    pstart = np.r_[0, n_vis[offsets[1:] - 1]] if len(vis) else np.zeros(n_events + 1, np.int64)
    mom = [np.ascontiguousarray(r[k][w]) for k in ("px", "py", "pz", "e")]
    if settings.smearing:
        from .smearing import smear_particles
        e_, x_, y_, z_ = smear_particles(r["id"][w], mom[3], mom[0], mom[1], mom[2], seed=smear_seed)
        mom = [x_, y_, z_, e_]
    c0 = time.process_time()
    cs = _cluster(mom, pstart, settings.jet_R)
    with quiet_stdout():
        jets = cs.inclusive_jets(min_pt=settings.jet_pt_min)
        cidx = cs.constituent_index(min_pt=settings.jet_pt_min)
    if timing is not None:
        timing["cpu_fastjet_s"] = timing.get("cpu_fastjet_s", 0.0) + time.process_time() - c0
    jet_off, (jx, jy, jz, jE) = _jagged_numpy(jets, ("px", "py", "pz", "E"))
    evt = np.repeat(np.arange(n_events), np.diff(jet_off))
    jpt = np.hypot(jx, jy)
    jeta = np.arcsinh(jz / np.maximum(jpt, 1e-300))
    sel = (jpt > settings.jet_pt_min) & (jpt < settings.jet_pt_max) & (np.abs(jeta) < settings.jet_abseta_max)
    if settings.leading_jet_only:  # the hardest jet of its event (FastJet's list is not sorted)
        sel &= leading_in_event(evt, jpt)
    truth = np.zeros((len(jpt), 4))
    if process == "top":
        yphi, top4, valid = _top_decays(r, n_events)
        jyr = _y(jE, jz)
        jphi = np.arctan2(jy, jx)
        ye = yphi[evt]                                               # (n_jets, 2, 4, 2)
        dr = _dr(jyr[:, None, None], jphi[:, None, None], ye[..., 0], ye[..., 1])
        matched = (dr < settings.match_dR).all(axis=2) & valid[evt]  # (n_jets, 2)
        sel &= matched.any(axis=1)
        truth = top4[evt, np.argmax(matched, axis=1)]
    idx = np.flatnonzero(sel)
    # constituents of the selected jets: FastJet's per-event particle indices -> rows of `mom`; pT-order and pad
    ev_off, con_off, local = _constituent_index_numpy(cidx)
    if not np.array_equal(ev_off, jet_off):
        raise RuntimeError("FastJet returned jets and constituent indices that do not line up")
    M = settings.max_constituents
    out = np.zeros((len(idx), M, 4), dtype=np.float32)
    if len(idx):
        n_sel = con_off[idx + 1] - con_off[idx]
        first = np.r_[0, np.cumsum(n_sel)[:-1]]
        jet_of = np.repeat(np.arange(len(idx)), n_sel)
        pos = np.arange(n_sel.sum()) - np.repeat(first, n_sel)
        rows = local[np.repeat(con_off[idx], n_sel) + pos] + np.repeat(pstart[evt[idx]], n_sel)
        cpt = np.hypot(mom[0][rows], mom[1][rows])
        rows = rows[np.lexsort((-cpt, jet_of))]
        keep = pos < M
        for k, m in enumerate((mom[3], mom[0], mom[1], mom[2])):  # (E, px, py, pz)
            out[jet_of[keep], pos[keep], k] = m[rows[keep]]
    result = (out, truth[idx].astype(np.float32), evt[idx])
    if return_all:
        return result + ((jE, jx, jy, jz, evt),)
    return result


def leading_in_event(event: np.ndarray, pt: np.ndarray) -> np.ndarray:
    """Mask of the highest-pT entry of each event (``event`` sorted or not; ties: the first in input order)."""
    lead = np.zeros(len(pt), dtype=bool)
    if len(pt):
        order = np.lexsort((np.arange(len(pt)), -pt, event))      # by event, then pT descending, then input order
        first = np.r_[True, event[order][1:] != event[order][:-1]]
        lead[order[first]] = True
    return lead


def _cluster(mom, pstart, R):
    """FastJet anti-kT (E-scheme, FastJet's automatic strategy) of all events of a batch in one call."""
    import awkward as ak
    import fastjet

    content = ak.contents.RecordArray([ak.contents.NumpyArray(m) for m in mom], ["px", "py", "pz", "E"],
                                      parameters={"__record__": "Momentum4D"})
    parts = ak.Array(ak.contents.ListOffsetArray(ak.index.Index64(np.asarray(pstart, np.int64)), content))
    with quiet_stdout():
        return fastjet.ClusterSequence(parts, fastjet.JetDefinition(fastjet.antikt_algorithm, R))


def _jagged_numpy(arr, fields):
    """Offsets and flat numpy columns of a one-level jagged awkward record array (as FastJet returns its jets)."""
    import awkward as ak

    lay = ak.to_packed(arr).layout  # ListOffsetArray -> RecordArray, offsets from 0, contents trimmed
    return np.asarray(lay.offsets, dtype=np.int64), [np.asarray(lay.content.content(f).data) for f in fields]


def _constituent_index_numpy(cidx):
    """FastJet's ``constituent_index`` (events -> jets -> particle index within the event) as flat numpy:
    (jet offsets per event, constituent offsets per jet, particle indices)."""
    import awkward as ak

    lay = ak.to_packed(cidx).layout  # ListOffsetArray -> ListOffsetArray -> NumpyArray, offsets from 0
    return (np.asarray(lay.offsets, dtype=np.int64), np.asarray(lay.content.offsets, dtype=np.int64),
            np.asarray(lay.content.content.data))


# ---------------------------------------------------------------------------------------------------- generation
def generate_jets(process: str, n_jets: int, seed: int, settings: GeneratorSettings = GeneratorSettings(),
                  max_events: int | None = None):
    """Generate exactly ``n_jets`` selected jets of one process with one Pythia instance.

    Returns ``(p4, truth, stats)``; ``stats`` has the number of events, the time spent inside Pythia's
    ``nextBatch`` (``t_pythia_s``) and in clustering/selection (``t_select_s``), and the CPU time of each
    (``cpu_pythia_s``, ``cpu_select_s``, of which ``cpu_fastjet_s`` inside FastJet).
    """
    if n_jets <= 0:
        raise ValueError(f"n_jets: expected a positive number of jets, got {n_jets}")
    with quiet_stdout():  # one-off import costs (and FastJet's banner) are not part of the per-event timing
        import awkward  # noqa: F401
        import fastjet  # noqa: F401
    t0, c0 = time.perf_counter(), time.process_time()
    py = make_pythia(process, seed, settings)
    t_init, c_init = time.perf_counter() - t0, time.process_time() - c0
    chunks, truths, n, n_events = [], [], 0, 0
    t_gen = t_sel = c_gen = c_sel = 0.0
    timing: dict = {}
    max_events = max_events or 200 * n_jets + 10_000
    while n < n_jets:
        if n_events >= max_events:
            raise RuntimeError(f"generate_jets({process!r}): only {n} of {n_jets} jets after {n_events} events; "
                               "check the settings (pTHat window vs jet window)")
        t, c = time.perf_counter(), time.process_time()
        # batch size: the configured one, or (once the yield is known) just enough for the jets still missing
        want = int(min(settings.batch_events, np.ceil(n_jets / 0.35) + 10))  # yields are ~0.4-0.7 jets/event
        if n > 0:
            want = int(min(want, max(20, np.ceil(1.15 * (n_jets - n) * n_events / n) + 10)))
        with quiet_stdout():
            batch = py.nextBatch(want)
        t1, c1 = time.perf_counter(), time.process_time()
        p4, truth, _ = select_jets(batch, process, settings, smear_seed=seed * 1000 + len(chunks), timing=timing)
        t2, c2 = time.perf_counter(), time.process_time()
        t_gen += t1 - t
        c_gen += c1 - c
        t_sel += t2 - t1
        c_sel += c2 - c1
        n_events += len(batch)
        chunks.append(p4)
        truths.append(truth)
        n += len(p4)
    p4 = np.concatenate(chunks)[:n_jets]
    truth = np.concatenate(truths)[:n_jets]
    stats = {"process": process, "pythia_seed": int(seed), "n_events": int(n_events), "n_jets": int(n_jets),
             "n_jets_selected_total": int(n), "t_init_s": round(t_init, 4), "cpu_init_s": round(c_init, 4),
             "t_pythia_s": round(t_gen, 4), "t_select_s": round(t_sel, 4),
             "cpu_pythia_s": round(c_gen, 4), "cpu_select_s": round(c_sel, 4),
             "cpu_fastjet_s": round(timing.get("cpu_fastjet_s", 0.0), 4)}
    return p4, truth, stats


def shard_dir(settings: GeneratorSettings = GeneratorSettings()) -> Path:
    return data_dir() / "topqcd_local" / settings.digest()


def shard_path(split: str, shard: int, seed: int, n_per_class: int,
               settings: GeneratorSettings = GeneratorSettings()) -> Path:
    if split not in SPLITS:
        raise ValueError(f"split: expected one of {SPLITS}, got {split!r}")
    return shard_dir(settings) / f"{split}-seed{int(seed)}-n{int(n_per_class)}-{int(shard):05d}.h5"


def generate_shard(split: str, shard: int, seed: int, n_per_class: int,
                   settings: GeneratorSettings = GeneratorSettings(), path: Path | None = None) -> dict:
    """Generate one shard (``n_per_class`` top + ``n_per_class`` QCD jets, shuffled) and write it with its sidecar.

    Returns the sidecar dict (settings, seeds, versions, timing).  Skips the work if the file already exists.
    """
    path = Path(path) if path is not None else shard_path(split, shard, seed, n_per_class, settings)
    if path.is_file():
        return toptagging.read_sidecar(path) or {}
    import pandas  # noqa: F401  (one-off import costs are not part of the timed writing)
    import tables  # noqa: F401
    versions()
    t0 = time.perf_counter()
    parts, truths, labels, stats = [], [], [], {}
    for process in PROCESSES:
        s = shard_seed(seed, split, shard, process)
        p4, truth, st = generate_jets(process, n_per_class, s, settings)
        parts.append(p4)
        truths.append(truth)
        labels.append(np.full(n_per_class, 1 if process == "top" else 0))
        stats[process] = st
    p4 = np.concatenate(parts)
    truth = np.concatenate(truths)
    labels = np.concatenate(labels)
    perm = np.random.default_rng(shard_seed(seed, split, shard, "shuffle")).permutation(len(p4))
    t_w, c_w = time.perf_counter(), time.process_time()
    sidecar = {
        "description": "hepscaling local substitute for the Top Tagging Landscape jets (Pythia 8 + FastJet, "
                       "particle level)",
        "format": "Top Tagging Landscape HDF5 (pandas table, key 'table')",
        "split": split, "shard": int(shard), "seed": int(seed), "n_per_class": int(n_per_class),
        "settings": settings.as_dict(),
        "pythia_settings": {p: settings.pythia_strings(p, stats[p]["pythia_seed"]) for p in PROCESSES},
        "generation": stats,
        "versions": versions(),
        "settings_digest": settings.digest(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    toptagging.write(path, p4[perm], labels[perm], truth[perm], ttv=toptagging.TTV[split], sidecar=sidecar)
    os.chmod(path, 0o644)
    sidecar["generation"]["t_write_s"] = round(time.perf_counter() - t_w, 4)
    sidecar["generation"]["cpu_write_s"] = round(time.process_time() - c_w, 4)
    sidecar["generation"]["t_total_s"] = round(time.perf_counter() - t0, 4)
    path.with_suffix(".json").write_text(json.dumps(sidecar, indent=2, sort_keys=True, default=str))
    return sidecar


def _worker(args):
    split, shard, seed, n_per_class, settings_dict = args
    settings = GeneratorSettings(**settings_dict)
    return generate_shard(split, shard, seed, n_per_class, settings)


def default_workers() -> int:
    env = os.environ.get("HEPSCALING_WORKERS")
    if env:
        return max(1, int(env))
    return max(1, os.cpu_count() or 1)


def ensure_shards(split: str, n_shards: int, seed: int, n_per_class: int,
                  settings: GeneratorSettings = GeneratorSettings(), workers: int | None = None) -> list[Path]:
    """Make sure shards ``0 .. n_shards-1`` of ``split`` exist (generating the missing ones in ``workers`` parallel
    processes, default ``$HEPSCALING_WORKERS`` or the number of cores) and return their paths."""
    return ensure_many({split: n_shards}, seed, n_per_class, settings, workers)[split]


def ensure_many(n_shards: dict, seed: int, n_per_class: int, settings: GeneratorSettings = GeneratorSettings(),
                workers: int | None = None) -> dict:
    """Like :func:`ensure_shards` for several splits at once (one pool for all missing shards):
    ``n_shards`` maps split -> number of shards; returns split -> list of paths."""
    paths = {sp: [shard_path(sp, i, seed, n_per_class, settings) for i in range(n)] for sp, n in n_shards.items()}
    jobs = [(sp, i, seed, n_per_class, settings.as_dict())
            for sp, ps in paths.items() for i, p in enumerate(ps) if not p.is_file()]
    if jobs:
        workers = min(workers or default_workers(), len(jobs))
        import multiprocessing as mp
        if mp.current_process().daemon:  # e.g. inside a Dask or multiprocessing worker: no children allowed
            workers = 1
        desc = f"generating top/QCD jets ({len(jobs)} shards of {2 * n_per_class})"
        if workers <= 1:
            for job in progress(jobs, desc=desc):
                _worker(job)
        else:
            from concurrent.futures import ProcessPoolExecutor, as_completed

            ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
            with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as ex:
                futs = [ex.submit(_worker, j) for j in jobs]
                for f in progress(as_completed(futs), total=len(futs), desc=desc):
                    f.result()
    return paths
