"""Quark and gluon jets as the EnergyFlow q/g sample defines them: Pythia 8 + FastJet, particle level.

Dataset card (the defaults of :class:`QGSettings`; every shard writes them to a JSON sidecar):

* Pythia 8 (``pythia8mc`` 8.317.2), pp at sqrt(s) = 14 TeV, default tune (Monash), hadronisation on.  Multi-parton
  interactions are a setting (``mpi``): the EnergyFlow sample has them on; our small profiles switch them off to
  save time (the ``paper`` profile switches them on).
* Gluon jets: ``WeakBosonAndParton:qqbar2gmZg`` (q q̄ → Z g); quark jets: ``WeakBosonAndParton:qg2gmZq``
  (q g → Z q).  The photon part of γ*/Z is dropped (``WeakZ0:gmZmode = 2``) and the Z decays to neutrinos only
  (``23:onMode = off``, ``23:onIfAny = 12 14 16``), so the event is one jet recoiling against missing momentum.
  The quark sample keeps only events whose hard outgoing quark is light (u, d, s: ``|id| <= 3``, from the
  event record's hard-process outgoing parton, status -23), as the EnergyFlow card says "Z + (u, d, s)".
* Hard-process window ``pthat_min < pTHat < pthat_max`` (default 450–650 GeV) around the jet window, so that ~16 %
  of the events give a jet in the window (3 % without it).  This is a bias, stated: in a 300–900 GeV generation
  (MPI off) 77 % of the quark and 87 % of the gluon jets in the window came from 450 < pTHat < 650, the others
  mostly from lower pTHat (jets with more pT than their hard parton: recoil against initial-state radiation, or an
  initial-state jet that is not the hard parton's — we have not checked which).  The ``paper`` profile widens the
  window.
* Jets: anti-kT, R = 0.4, E-scheme, FastJet (scikit-hep ``fastjet``, a whole ``nextBatch`` at once, through the
  helpers of :mod:`hepscaling.data.pythia`), on all visible final-state particles (status > 0, no neutrinos).
* Selection: the leading (hardest) jet of each event, kept when 500 < pT < 550 GeV and |y| < 1.7 (rapidity).
* Up to ``max_constituents`` (150) constituents, pT-ordered, zero-padded, as (E, px, py, pz) float32; the label is
  1 for quark jets and 0 for gluon jets (EnergyFlow's convention).

The work unit is a *shard*: ``n_per_class`` quark and as many gluon jets, from two Pythia instances seeded with
:func:`shard_seed` (distinct for every (seed, split, shard, process)), shuffled together, written atomically as
``.npz`` with a ``.json`` sidecar (settings, Pythia strings, seeds, versions, timing) under
``<data dir>/quark_gluon/<settings digest>/``.  :func:`ensure_shards` generates the missing shards of several splits
in parallel processes (an interrupted run resumes: finished shards are kept) and :func:`load` reads them.

This module only *imports* the Pythia/FastJet helpers of :mod:`hepscaling.data.pythia` (Pythia construction is
redone here for the Z + jet strings; clustering, flat event records and the leading-jet mask are reused), so the
top/QCD generator's code — and with it the digest of paper A's cached jets — is untouched.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..atomic import atomic_path
from ..cache import code_version
from ..jets._quiet import quiet_stdout
from ..paths import data_dir
from ..progress import progress
from ..provenance import register_input
from .pythia import (NEUTRINOS, _cluster, _constituent_index_numpy, _flat_record, _jagged_numpy, _y, default_workers,
                     leading_in_event, versions)

__all__ = ["QGSettings", "PROCESSES", "SPLITS", "generate_jets", "generate_shard", "ensure_shards", "load",
           "shard_seed", "shard_path", "select_jets", "make_pythia", "QUARK", "GLUON"]

PROCESSES = ("quark", "gluon")
SPLITS = ("train", "val", "test")
QUARK, GLUON = 1, 0
LIGHT_QUARKS = (1, 2, 3)
HARD_OUTGOING = -23            # Pythia status of the outgoing partons of the hardest process


@dataclass(frozen=True)
class QGSettings:
    """Every setting of the quark/gluon generator (hashed into the shard directory's name)."""
    ecm: float = 14000.0
    mpi: bool = False
    hadronisation: bool = True
    pthat_min: float = 450.0
    pthat_max: float = 650.0
    jet_R: float = 0.4
    jet_pt_min: float = 500.0
    jet_pt_max: float = 550.0
    jet_absy_max: float = 1.7
    max_constituents: int = 150
    light_quarks_only: bool = True
    batch_events: int = 500

    def __post_init__(self):
        if not 0 < self.pthat_min < self.pthat_max:
            raise ValueError(f"QGSettings: need 0 < pthat_min < pthat_max, got {self.pthat_min}, {self.pthat_max}")
        if not 0 < self.jet_pt_min < self.jet_pt_max:
            raise ValueError(f"QGSettings: need 0 < jet_pt_min < jet_pt_max, got {self.jet_pt_min}, "
                             f"{self.jet_pt_max}")
        if self.jet_R <= 0 or self.jet_absy_max <= 0 or self.max_constituents < 1 or self.batch_events < 1:
            raise ValueError("QGSettings: jet_R, jet_absy_max, max_constituents and batch_events must be positive")

    def pythia_strings(self, process: str, seed: int) -> list[str]:
        if process not in PROCESSES:
            raise ValueError(f"process: expected one of {PROCESSES}, got {process!r}")
        s = [f"Beams:eCM = {self.ecm}",
             f"PartonLevel:MPI = {'on' if self.mpi else 'off'}",
             f"HadronLevel:all = {'on' if self.hadronisation else 'off'}",
             f"PhaseSpace:pTHatMin = {self.pthat_min}",
             f"PhaseSpace:pTHatMax = {self.pthat_max}",
             "WeakZ0:gmZmode = 2", "23:onMode = off", "23:onIfAny = 12 14 16",
             "Random:setSeed = on", f"Random:seed = {int(seed)}",
             "Print:quiet = on", "Next:numberCount = 0"]
        s.append("WeakBosonAndParton:qg2gmZq = on" if process == "quark" else "WeakBosonAndParton:qqbar2gmZg = on")
        return s

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)

    def cache_key(self):
        return self.as_dict()

    def digest(self) -> str:
        """Hash of the settings and of this module's code (and of the hepscaling modules it imports)."""
        payload = json.dumps({"settings": self.as_dict(), "code": code_version(__name__)}, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


def shard_seed(seed: int, split: str, shard: int, process: str) -> int:
    """Pythia's ``Random:seed`` for one (seed, split, shard, process): distinct streams, in Pythia's range 1..9e8
    (and distinct from the top/QCD generator's streams)."""
    h = hashlib.sha256(f"hepscaling-quark-gluon|{int(seed)}|{split}|{int(shard)}|{process}".encode()).digest()
    return int.from_bytes(h[:8], "little") % 900_000_000 + 1


def make_pythia(process: str, seed: int, settings: QGSettings = QGSettings()):
    import pythia8mc

    with quiet_stdout():
        p = pythia8mc.Pythia("", False)
        for s in settings.pythia_strings(process, seed):
            if not p.readString(s):
                raise RuntimeError(f"Pythia rejected the setting {s!r}")
        if not p.init():
            raise RuntimeError(f"Pythia failed to initialise for process {process!r} (seed {seed})")
    return p


# --------------------------------------------------------------------------------------------------- selection
def _light_quark_events(r: dict, n_events: int) -> np.ndarray:
    """Per event: True when the hardest process's outgoing parton (status -23) is a u, d or s quark."""
    hard = np.flatnonzero(r["status"] == HARD_OUTGOING)
    ev = np.searchsorted(r["offsets"], hard, side="right") - 1
    ok = np.zeros(n_events, dtype=bool)
    light = np.isin(np.abs(r["id"][hard]), LIGHT_QUARKS)
    ok[ev[light]] = True
    bad = np.zeros(n_events, dtype=bool)
    bad[ev[~light]] = True              # another outgoing parton (c, b, g) vetoes the event
    return ok & ~bad


def select_jets(batch, process: str, settings: QGSettings = QGSettings()):
    """Cluster a Pythia ``nextBatch`` result and keep the leading jet of each event in the window.

    Returns ``(p4, n_constituents, event_index, n_vetoed)``: ``p4`` float32 ``(n, max_constituents, 4)``
    (E, px, py, pz), pT-ordered and zero-padded; ``n_constituents`` the jets' full multiplicities (before
    truncation); ``event_index`` the event of each jet; ``n_vetoed`` the events dropped as heavy-quark events."""
    r = _flat_record(batch)
    offsets = r["offsets"]
    n_events = len(offsets) - 1
    aid = np.abs(r["id"])
    vis = (r["status"] > 0) & ~np.isin(aid, NEUTRINOS)
    w = np.flatnonzero(vis)
    n_vis = np.cumsum(vis)
    pstart = np.r_[0, n_vis[offsets[1:] - 1]] if len(vis) else np.zeros(n_events + 1, np.int64)
    mom = [np.ascontiguousarray(r[k][w]) for k in ("px", "py", "pz", "e")]
    cs = _cluster(mom, pstart, settings.jet_R)
    with quiet_stdout():
        jets = cs.inclusive_jets(min_pt=settings.jet_pt_min)
        cidx = cs.constituent_index(min_pt=settings.jet_pt_min)
    jet_off, (jx, jy, jz, jE) = _jagged_numpy(jets, ("px", "py", "pz", "E"))
    evt = np.repeat(np.arange(n_events), np.diff(jet_off))
    jpt = np.hypot(jx, jy)
    sel = (jpt > settings.jet_pt_min) & (jpt < settings.jet_pt_max) & (np.abs(_y(jE, jz)) < settings.jet_absy_max)
    sel &= leading_in_event(evt, jpt)
    n_vetoed = 0
    if process == "quark" and settings.light_quarks_only:
        light = _light_quark_events(r, n_events)
        n_vetoed = int((~light).sum())
        sel &= light[evt]
    idx = np.flatnonzero(sel)
    ev_off, con_off, local = _constituent_index_numpy(cidx)
    if not np.array_equal(ev_off, jet_off):
        raise RuntimeError("FastJet returned jets and constituent indices that do not line up")
    M = settings.max_constituents
    out = np.zeros((len(idx), M, 4), dtype=np.float32)
    n_con = (con_off[idx + 1] - con_off[idx]).astype(np.int64)
    for j, (a, i) in enumerate(zip(con_off[idx], idx)):      # one selected jet per event: a short loop
        rows = local[a:con_off[i + 1]] + pstart[evt[i]]
        rows = rows[np.argsort(-np.hypot(mom[0][rows], mom[1][rows]), kind="stable")][:M]
        out[j, :len(rows)] = np.stack([mom[3][rows], mom[0][rows], mom[1][rows], mom[2][rows]], axis=1)
    return out, n_con, evt[idx], n_vetoed


def generate_jets(process: str, n_jets: int, seed: int, settings: QGSettings = QGSettings(),
                  max_events: int | None = None):
    """Generate exactly ``n_jets`` selected jets of one process (``"quark"`` or ``"gluon"``) with one Pythia.

    Returns ``(p4, n_constituents, stats)``; ``stats`` has the events generated, the selection efficiency, the
    vetoed heavy-quark events and the time inside Pythia and inside the clustering/selection."""
    if n_jets <= 0:
        raise ValueError(f"n_jets: expected a positive number of jets, got {n_jets}")
    with quiet_stdout():
        import awkward  # noqa: F401
        import fastjet  # noqa: F401
    t0 = time.perf_counter()
    py = make_pythia(process, seed, settings)
    t_init = time.perf_counter() - t0
    chunks, mults, n, n_events, n_vetoed = [], [], 0, 0, 0
    t_gen = t_sel = 0.0
    max_events = max_events or 100 * n_jets + 10_000
    while n < n_jets:
        if n_events >= max_events:
            raise RuntimeError(f"quark_gluon.generate_jets({process!r}): only {n} of {n_jets} jets after {n_events} "
                               "events; check the settings (pTHat window vs jet window)")
        want = int(min(settings.batch_events, np.ceil(n_jets / 0.3) + 10))
        if n > 0:  # once the yield is known: just enough events for the jets still missing
            want = int(min(want, max(20, np.ceil(1.15 * (n_jets - n) * n_events / n) + 10)))
        t = time.perf_counter()
        with quiet_stdout():
            batch = py.nextBatch(want)
        t1 = time.perf_counter()
        p4, n_con, _, vetoed = select_jets(batch, process, settings)
        t_gen += t1 - t
        t_sel += time.perf_counter() - t1
        n_events += len(batch)
        n_vetoed += vetoed
        chunks.append(p4)
        mults.append(n_con)
        n += len(p4)
    stats = {"process": process, "pythia_seed": int(seed), "n_events": int(n_events), "n_jets": int(n_jets),
             "n_jets_selected_total": int(n), "efficiency": round(n / n_events, 4),
             "n_events_vetoed_heavy_quark": int(n_vetoed), "t_init_s": round(t_init, 4),
             "t_pythia_s": round(t_gen, 4), "t_select_s": round(t_sel, 4)}
    return np.concatenate(chunks)[:n_jets], np.concatenate(mults)[:n_jets], stats


# ------------------------------------------------------------------------------------------------------ shards
def shard_dir(settings: QGSettings = QGSettings()) -> Path:
    return data_dir() / "quark_gluon" / settings.digest()


def shard_path(split: str, shard: int, seed: int, n_per_class: int, settings: QGSettings = QGSettings()) -> Path:
    if split not in SPLITS:
        raise ValueError(f"split: expected one of {SPLITS}, got {split!r}")
    return shard_dir(settings) / f"{split}-seed{int(seed)}-n{int(n_per_class)}-{int(shard):05d}.npz"


def generate_shard(split: str, shard: int, seed: int, n_per_class: int, settings: QGSettings = QGSettings(),
                   path: Path | None = None) -> dict:
    """Generate one shard (``n_per_class`` quark + ``n_per_class`` gluon jets, shuffled), write it and its sidecar;
    returns the sidecar.  An existing shard is not regenerated."""
    path = Path(path) if path is not None else shard_path(split, shard, seed, n_per_class, settings)
    side = path.with_suffix(".json")
    if path.is_file():
        return json.loads(side.read_text()) if side.is_file() else {}
    t0 = time.perf_counter()
    parts, mults, labels, stats = [], [], [], {}
    for process in PROCESSES:
        p4, n_con, st = generate_jets(process, n_per_class, shard_seed(seed, split, shard, process), settings)
        parts.append(p4)
        mults.append(n_con)
        labels.append(np.full(n_per_class, QUARK if process == "quark" else GLUON, dtype=np.int8))
        stats[process] = st
    perm = np.random.default_rng(shard_seed(seed, split, shard, "shuffle")).permutation(2 * n_per_class)
    sidecar = {
        "description": "hepscaling quark/gluon jets with the EnergyFlow q/g sample's cuts (Pythia 8 + FastJet, "
                       "particle level)",
        "format": "npz: p4 (n, max_constituents, 4) float32 (E, px, py, pz) pT-ordered zero-padded; label int8 "
                  "(1 quark, 0 gluon); n_constituents int64 (before truncation)",
        "split": split, "shard": int(shard), "seed": int(seed), "n_per_class": int(n_per_class),
        "settings": settings.as_dict(),
        "pythia_settings": {p: settings.pythia_strings(p, stats[p]["pythia_seed"]) for p in PROCESSES},
        "generation": stats, "versions": versions(), "settings_digest": settings.digest(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    with atomic_path(path, suffix=".npz") as tmp:
        np.savez(tmp, p4=np.concatenate(parts)[perm], label=np.concatenate(labels)[perm],
                 n_constituents=np.concatenate(mults)[perm])
    sidecar["generation"]["t_total_s"] = round(time.perf_counter() - t0, 4)
    with atomic_path(side) as tmp:
        tmp.write_text(json.dumps(sidecar, indent=2, sort_keys=True, default=str))
    return sidecar


def _worker(args):
    split, shard, seed, n_per_class, settings_dict = args
    return generate_shard(split, shard, seed, n_per_class, QGSettings(**settings_dict))


def ensure_shards(n_shards: dict, seed: int, n_per_class: int, settings: QGSettings = QGSettings(),
                  workers: int | None = None) -> dict:
    """Make sure shards ``0 .. n-1`` of every split in ``n_shards`` (split -> n) exist, generating the missing ones
    in ``workers`` parallel processes (default ``$HEPSCALING_WORKERS`` or the number of cores); returns split ->
    list of paths."""
    bad = sorted(set(n_shards) - set(SPLITS))
    if bad:
        raise ValueError(f"ensure_shards: unknown splits {bad}; expected some of {SPLITS}")
    paths = {sp: [shard_path(sp, i, seed, n_per_class, settings) for i in range(int(n))]
             for sp, n in n_shards.items()}
    jobs = [(sp, i, seed, n_per_class, settings.as_dict())
            for sp, ps in paths.items() for i, p in enumerate(ps) if not p.is_file()]
    if jobs:
        import multiprocessing as mp

        workers = min(workers or default_workers(), len(jobs))
        if mp.current_process().daemon:  # inside a Dask or multiprocessing worker: no children allowed
            workers = 1
        desc = f"generating quark/gluon jets ({len(jobs)} shards of {2 * n_per_class})"
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


def load(sizes: dict, seed: int = 0, settings: QGSettings = QGSettings(), shard_size: int = 1000,
         workers: int | None = None) -> dict:
    """The first ``n`` jets of every split in ``sizes`` (split -> n), generated where missing (one pool for all).

    Shards hold ``shard_size`` jets (``shard_size // 2`` per class), so a larger request reuses the shards of a
    smaller one and a split's first jets do not depend on how many are asked for.  Returns split ->
    ``{"p4", "label", "n_constituents", "sidecars"}``."""
    bad = sorted(set(sizes) - set(SPLITS))
    if bad:
        raise ValueError(f"load: unknown splits {bad}; expected some of {SPLITS}")
    if shard_size < 2 or shard_size % 2:
        raise ValueError(f"load: shard_size must be even and >= 2, got {shard_size}")
    for sp, n in sizes.items():
        if int(n) <= 0:
            raise ValueError(f"load: the number of {sp} jets must be positive, got {n}")
    paths = ensure_shards({sp: -(-int(n) // shard_size) for sp, n in sizes.items()}, seed, shard_size // 2,
                          settings, workers)
    return {sp: read(paths[sp], int(sizes[sp])) for sp in sizes}


def read(paths: list[Path], n_jets: int | None = None) -> dict:
    """Concatenate shards (in order) and keep the first ``n_jets``; each shard is registered as an input of the
    running notebook (:func:`hepscaling.provenance.register_input`)."""
    p4, lab, mult, sides = [], [], [], []
    for p in paths:
        register_input(p)
        with np.load(p) as f:
            p4.append(f["p4"])
            lab.append(f["label"])
            mult.append(f["n_constituents"])
        side = Path(p).with_suffix(".json")
        sides.append(json.loads(side.read_text()) if side.is_file() else {})
    sl = slice(None) if n_jets is None else slice(0, int(n_jets))
    return {"p4": np.concatenate(p4)[sl], "label": np.concatenate(lab)[sl],
            "n_constituents": np.concatenate(mult)[sl], "sidecars": sides}
