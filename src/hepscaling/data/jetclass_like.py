"""Local substitute for JetClass: the ten JetClass jet classes from Pythia 8 and our CMS-like detector.

Dataset card
------------
JetClass (Qu, Li, Qian, arXiv:2202.03772) simulates its jets with MadGraph5_aMC@NLO + Pythia 8 + Delphes (CMS card)
and keeps anti-kT R = 0.8 jets with 500 < pT < 1000 GeV and |eta| < 2.  Ours replaces MadGraph by Pythia's own
leading-order hard processes and Delphes by :func:`hepscaling.detector.simulate` (card ``"cms"``, no pile-up):

=============  =================  ============================================================================
class (label)  file prefix        hard process (Pythia 8), decays forced with ``onMode`` / ``onIfAny`` / ``onIfMatch``
=============  =================  ============================================================================
QCD            ``ZJetsToNuNu``    ``WeakBosonAndParton:qqbar2gmZg`` + ``qg2gmZq`` (pure Z, ``WeakZ0:gmZmode = 2``),
                                  Z -> nu nu: the jet recoils against an invisible Z (mostly quark jets)
Hbb            ``HToBB``          ``HiggsSM:ffbar2HZ``, Z -> nu nu, H -> b b~
Hcc            ``HToCC``          same, H -> c c~
Hgg            ``HToGG``          same, H -> g g
H4q            ``HToWW4Q``        same, H -> W W* with both W -> q q' (d u s c b)
Hqql           ``HToWW2Q1L``      same, H -> W W*, one W -> q q', the other -> l nu with l = e or mu (tau not
                                  included); half of each file has W+ -> q q' and W- -> l nu, half the reverse
                                  (Pythia's ``24:onPosIfAny`` / ``onNegIfAny``)
Zqq            ``ZToQQ``          ``WeakDoubleBoson:ffbar2gmZgmZ`` (pure Z), Z -> q q~ or nu nu, events kept when
                                  one Z -> nu nu (the filter keeps ~35 %; it runs before the detector)
Wqq            ``WToQQ``          ``WeakDoubleBoson:ffbar2ZW``, Z -> nu nu, W -> q q'
Tbqq           ``TTBar``          ``Top:gg2ttbar`` + ``Top:qqbar2ttbar``, both W -> q q' (both tops are candidates)
Tbl            ``TTBarLep``       same, one W -> q q', the other -> l nu (l = e, mu), halves as for Hqql; the
                                  leptonic top's jet is kept
=============  =================  ============================================================================

Common settings: pp at sqrt(s) = 13 TeV, Pythia 8.317 default tune (Monash) and PDF, **multi-parton interactions off
by default** (``Selection.mpi``; MPI on costs ~4x the CPU time per event on our machine and adds the underlying
event that JetClass has), no pile-up, hadron decays as Pythia's defaults (K0S, Lambda, charm and bottom hadrons decay,
with displaced production vertices for the detector's impact parameters).  The hard process's pTHat (the
resonance's or the recoiling parton's pT in these 2 -> 2 processes) is generated in a window around the jet window,
**450 < pTHat < 1100 GeV** by default (measured efficiencies below): jets just above 500 GeV come from pTHat
slightly below it; a jet from a hard process outside the window is lost (a small bias at the window's edges).
The jet pT spectrum is the falling spectrum of each process inside the window, not JetClass's.

Jets: anti-kT R = 0.8 on the particle-flow candidates, 500 < pT < 1000 GeV, |eta| < 2.  **Matching** (JetClass's
rule as its paper states it: the jet contains the resonance and all its decay products): for the nine resonance
classes the resonance (last copy before its decay) and every visible decay product *as produced in the decay* (the
quarks, gluons and charged lepton; the W's of H -> W W* and t -> b W replaced by their decay products; neutrinos not
required) within Delta R < 0.8 (eta-phi) of the jet axis.  Every jet of an event that passes is kept (both tops of
a TTBar event can give a jet); QCD keeps every jet in the window.  Our own choice, not checked against the JetClass
production code.

Branches (the JetClass layout of :mod:`hepscaling.data.jetclass`): ``part_px, part_py, part_pz, part_energy`` the
candidates' four-momenta, pT-ordered; ``part_deta`` = sign(jet eta) (eta - jet eta) and ``part_dphi`` = phi - jet phi
(wrapped), as JetClass defines them; ``part_d0val, part_d0err, part_dzval, part_dzerr`` the detector's transverse
and longitudinal impact parameters and their errors in **mm** (JetClass/Delphes unit; 0 for neutral candidates);
``part_charge``; ``part_isChargedHadron`` (|pdgId| 211), ``isNeutralHadron`` (130), ``isPhoton`` (22),
``isElectron`` (11), ``isMuon`` (13) from the candidate's PF id.  ``jet_pt, jet_eta, jet_phi, jet_energy`` of the
FastJet jet (E-scheme sum of its candidates), ``jet_nparticles``, ``jet_sdmass`` (soft drop beta = 0,
z_cut = 0.1, R0 = 0.8, :mod:`hepscaling.jets.softdrop`), ``jet_tau1..4`` (FastJet contrib Nsubjettiness, beta = 1,
R0 = 0.8, one-pass kT axes as CMS; :func:`hepscaling.data.jetgen.nsubjettiness_taus`), and the one-hot
``label_*``.  No ``aux_*`` truth branches (the writer has none); :func:`generate_class` returns the truth in memory.

Efficiency and cost (quick profile defaults: 13 TeV, MPI off, 450 < pTHat < 1100 GeV, measured by
``benchmarks/bench_jet_samples.py`` on our shared 2-core machine; jets per generated event, CPU ms per jet):
see :data:`MEASURED`.

Work unit: a *shard* = one class, ``jets_per_shard`` jets, one file ``<Prefix>_<shard:03d>.root`` (+ ``.json``
sidecar with every setting, the Pythia strings, seeds, events, efficiency, cross section, timing and versions) under
``<data>/jetclass_like/<settings digest>/seed<seed>-n<jets_per_shard>/<split>/``.  :func:`ensure` generates the
missing shards of the classes asked for in parallel processes (default: ``$HEPSCALING_WORKERS`` or the number of
cores) with a progress bar; finished shards are kept, so an interrupted run resumes; a shard is written atomically
(never half a file).  Every Pythia instance and every detector batch has its own seed derived from
(seed, split, class, shard, variant), so the same arguments give the same jets.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..cache import code_version
from ..paths import data_dir
from ..progress import progress
from . import jetclass
from .jetgen import JetBlock, Process, Selection, generate, stream_seed
from .pythia import default_workers, versions

__all__ = ["CLASSES", "FILE_PREFIX", "JetClassLikeSettings", "ensure", "generate_class", "shard_path", "shard_dir",
           "to_branches", "MEASURED", "SPLITS"]

SPLITS = ("train", "val", "test")
_H = ("HiggsSM:ffbar2HZ = on", "23:onMode = off", "23:onIfAny = 12 14 16", "25:onMode = off")
_W_HAD = ("24:onMode = off", "24:onIfAny = 1 2 3 4 5")
_W_SEMI = (("24:onMode = off", "24:onPosIfAny = 1 2 3 4 5", "24:onNegIfAny = 11 13"),
           ("24:onMode = off", "24:onPosIfAny = 11 13", "24:onNegIfAny = 1 2 3 4 5"))
_TT = ("Top:gg2ttbar = on", "Top:qqbar2ttbar = on")

# label -> the Pythia configurations ("variants") that share its jets equally
CLASSES: dict[str, tuple[Process, ...]] = {
    "QCD": (Process("ZJetsToNuNu", ("WeakBosonAndParton:qqbar2gmZg = on", "WeakBosonAndParton:qg2gmZq = on",
                                    "WeakZ0:gmZmode = 2", "23:onMode = off", "23:onIfAny = 12 14 16")),),
    "Hbb": (Process("HToBB", _H + ("25:onIfMatch = 5 -5",), 25, "bb"),),
    "Hcc": (Process("HToCC", _H + ("25:onIfMatch = 4 -4",), 25, "cc"),),
    "Hgg": (Process("HToGG", _H + ("25:onIfMatch = 21 21",), 25, "gg"),),
    "H4q": (Process("HToWW4Q", _H + ("25:onIfMatch = 24 -24",) + _W_HAD, 25, "4q"),),
    "Hqql": tuple(Process("HToWW2Q1L", _H + ("25:onIfMatch = 24 -24",) + w, 25, "2q1l") for w in _W_SEMI),
    "Zqq": (Process("ZToQQ", ("WeakDoubleBoson:ffbar2gmZgmZ = on", "WeakZ0:gmZmode = 2", "23:onMode = off",
                              "23:onIfAny = 1 2 3 4 5 12 14 16"), 23, "qq", require_z_nunu=True),),
    "Wqq": (Process("WToQQ", ("WeakDoubleBoson:ffbar2ZW = on", "23:onMode = off", "23:onIfAny = 12 14 16") + _W_HAD,
                    24, "qq"),),
    "Tbqq": (Process("TTBar", _TT + _W_HAD, 6, "bqq"),),
    "Tbl": tuple(Process("TTBarLep", _TT + w, 6, "bl") for w in _W_SEMI),
}
FILE_PREFIX = {label: procs[0].name for label, procs in CLASSES.items()}
assert tuple(CLASSES) == jetclass.LABEL_NAMES

# Measured with the defaults (see the module docstring): jets per event (after the Z -> nu nu filter for Zqq, per
# generated event) and CPU milliseconds per selected jet, all steps (Pythia, detector, jets, observables).
MEASURED: dict[str, dict] = {}

PF_TYPE_FLAGS = {"part_isChargedHadron": (211,), "part_isNeutralHadron": (130,), "part_isPhoton": (22,),
                 "part_isElectron": (11,), "part_isMuon": (13,)}


@dataclass(frozen=True)
class JetClassLikeSettings:
    """Every setting of the JetClass-like generator (hashed into the shard directory)."""
    selection: Selection = Selection(ecm=13000.0, mpi=False, pthat_min=450.0, pthat_max=1100.0, jet_R=0.8,
                                     jet_pt_min=500.0, jet_pt_max=1000.0, jet_abseta_max=2.0, match_dR=0.8,
                                     require_resonance=True, require_match=True, puppi_weighted=False, card="cms",
                                     batch_events=200)
    jets_per_shard: int = 1000
    expected_yield: float = 0.4       # jets per event assumed for the first batch of a run

    def __post_init__(self):
        if isinstance(self.selection, dict):
            object.__setattr__(self, "selection", Selection(**self.selection))
        if int(self.jets_per_shard) < 1:
            raise ValueError(f"jets_per_shard: expected a positive integer, got {self.jets_per_shard!r}")

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)

    def digest(self) -> str:
        payload = json.dumps({"settings": self.as_dict(), "code": code_version(__name__)}, sort_keys=True,
                             default=str)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _check_classes(classes) -> tuple[str, ...]:
    if classes is None:
        return tuple(CLASSES)
    if isinstance(classes, str):
        classes = (classes,)
    out = []
    for c in classes:
        c = str(c)
        c = c[len("label_"):] if c.startswith("label_") else c
        by_prefix = {v: k for k, v in FILE_PREFIX.items()}
        c = by_prefix.get(c, c)
        if c not in CLASSES:
            raise ValueError(f"classes: unknown class {c!r}; expected labels {list(CLASSES)} or file prefixes "
                             f"{list(FILE_PREFIX.values())}")
        out.append(c)
    return tuple(dict.fromkeys(out))


def _check_split(split: str) -> str:
    if split not in SPLITS:
        raise ValueError(f"split: expected one of {SPLITS}, got {split!r}")
    return split


def shard_dir(split: str, seed: int, settings: JetClassLikeSettings = JetClassLikeSettings()) -> Path:
    return (data_dir() / "jetclass_like" / settings.digest() / f"seed{int(seed)}-n{int(settings.jets_per_shard)}"
            / _check_split(split))


def shard_path(label: str, shard: int, split: str, seed: int,
               settings: JetClassLikeSettings = JetClassLikeSettings()) -> Path:
    (label,) = _check_classes([label])
    return shard_dir(split, seed, settings) / f"{FILE_PREFIX[label]}_{int(shard):03d}.root"


# ---------------------------------------------------------------------------------------------------- generation
def generate_class(label: str, n_jets: int, seed: int, split: str = "train", shard: int = 0,
                   settings: JetClassLikeSettings = JetClassLikeSettings()) -> tuple[JetBlock, list[dict]]:
    """``n_jets`` jets of one class (shared equally by its variants, shuffled together), in memory.

    Returns the :class:`~hepscaling.data.jetgen.JetBlock` (with the matched resonance and its decay products per
    jet: res_pt, res_eta, res_phi, res_mass, leaf_eta, leaf_phi, leaf_pid) and one statistics dict per variant.
    """
    (label,) = _check_classes([label])
    variants = CLASSES[label]
    share = [n_jets // len(variants) + (k < n_jets % len(variants)) for k in range(len(variants))]
    blocks, stats = [], []
    for k, (proc, n) in enumerate(zip(variants, share)):
        s = stream_seed("jetclass_like", int(seed), split, label, int(shard), k)
        block, st = generate(proc, n, s, settings.selection, expected_yield=settings.expected_yield)
        st["variant"] = k
        st["pythia_settings"] = settings.selection.pythia_strings(proc, s)
        blocks.append(block)
        stats.append(st)
    jets = JetBlock.concatenate(blocks)
    perm = np.random.default_rng(stream_seed("jetclass_like", int(seed), split, label, int(shard), "shuffle"))
    return jets.take(perm.permutation(len(jets))), stats


def to_branches(block: JetBlock, label: str) -> tuple[dict, dict, dict]:
    """The ``part_*``, ``jet_*`` and ``label_*`` branches (JetClass layout) of jets of one class."""
    import awkward as ak

    (label,) = _check_classes([label])
    c, j = block.constituents, block.jets
    counts = np.diff(block.offsets)
    jet_of = np.repeat(np.arange(len(counts)), counts)
    pt = np.hypot(c["px"], c["py"])
    with np.errstate(divide="ignore", invalid="ignore"):
        eta = np.where(pt > 0, np.arcsinh(c["pz"] / np.where(pt > 0, pt, 1.0)), 0.0)
    phi = np.arctan2(c["py"], c["px"])
    jeta, jphi = j["eta"][jet_of], j["phi"][jet_of]
    deta = np.where(jeta > 0, eta - jeta, -(eta - jeta))
    dphi = np.mod(phi - jphi + np.pi, 2 * np.pi) - np.pi
    charged = c["charge"] != 0
    mm = 10.0  # the detector's cm -> JetClass's mm
    flat = {"part_px": c["px"], "part_py": c["py"], "part_pz": c["pz"], "part_energy": c["E"],
            "part_deta": deta, "part_dphi": dphi,
            "part_d0val": np.where(charged, c["d0"] * mm, 0.0), "part_d0err": np.where(charged, c["d0Err"] * mm, 0.0),
            "part_dzval": np.where(charged, c["dz"] * mm, 0.0), "part_dzerr": np.where(charged, c["dzErr"] * mm, 0.0),
            "part_charge": c["charge"]}
    apid = np.abs(c["pdgId"]).astype(np.int64)
    for name, ids in PF_TYPE_FLAGS.items():
        flat[name] = np.isin(apid, ids).astype(np.int32)
    particles = {k: ak.unflatten(np.asarray(v), counts) for k, v in flat.items()}
    jets = {"jet_pt": j["pt"], "jet_eta": j["eta"], "jet_phi": j["phi"], "jet_energy": j["energy"],
            "jet_nparticles": j["nparticles"].astype(np.float32), "jet_sdmass": j["sdmass"],
            **{f"jet_tau{n}": j[f"tau{n}"] for n in range(1, 5)}}
    labels = jetclass.one_hot_labels([label] * len(counts))
    return particles, jets, labels


def generate_shard(label: str, shard: int, split: str, seed: int,
                   settings: JetClassLikeSettings = JetClassLikeSettings(), path: Path | None = None) -> dict:
    """Generate and write one shard (skipped when the file exists); returns its sidecar."""
    path = Path(path) if path is not None else shard_path(label, shard, split, seed, settings)
    if path.is_file():
        return jetclass.read_sidecar(path) or {}
    versions()
    t0, c0 = time.perf_counter(), time.process_time()
    block, stats = generate_class(label, settings.jets_per_shard, seed, split, shard, settings)
    particles, jets, labels = to_branches(block, label)
    n_events = sum(s["n_events"] for s in stats)
    sidecar = {
        "description": "hepscaling JetClass-like jets (Pythia 8 + hepscaling.detector card 'cms'); see "
                       "hepscaling.data.jetclass_like",
        "format": "JetClass ROOT (TTree 'tree'; part_* jagged, jet_*, label_*)",
        "class": label, "file_prefix": FILE_PREFIX[label], "split": split, "shard": int(shard), "seed": int(seed),
        "n_jets": len(block), "settings": settings.as_dict(), "settings_digest": settings.digest(),
        "generation": stats, "n_events": int(n_events),
        "jets_per_event": sum(s["n_jets_selected"] for s in stats) / max(n_events, 1),
        "versions": versions(), "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    sidecar["t_generate_s"] = round(time.perf_counter() - t0, 4)
    sidecar["cpu_generate_s"] = round(time.process_time() - c0, 4)
    jetclass.write(path, particles, jets, labels, sidecar=sidecar)
    return sidecar


def _worker(args):
    label, shard, split, seed, settings_dict = args
    return generate_shard(label, shard, split, seed, JetClassLikeSettings(**settings_dict))


def ensure(n_per_class: int, split: str = "train", seed: int = 0, classes=None,
           settings: JetClassLikeSettings = JetClassLikeSettings(), workers: int | None = None) -> list[Path]:
    """Make sure at least ``n_per_class`` jets of each class in ``classes`` (default: all ten) exist for ``split``
    and return the paths of their files, class by class in JetClass's label order, shard by shard.

    Each class gets ceil(n_per_class / jets_per_shard) shards of ``settings.jets_per_shard`` jets (so the files
    may hold more jets than asked for; ``hepscaling.data.jetclass.load(paths, n_jets=..., classes=...)`` reads
    what is needed).  Missing shards are generated in ``workers`` parallel processes with a progress bar; existing
    ones are kept (resumable).  ``classes``: labels (``"QCD"``, ``"Tbqq"``, ...) or file prefixes (``"TTBar"``).
    """
    if isinstance(n_per_class, bool) or not isinstance(n_per_class, (int, np.integer)) or n_per_class < 1:
        raise ValueError(f"n_per_class: expected a positive integer, got {n_per_class!r}")
    _check_split(split)
    labels = [c for c in CLASSES if c in _check_classes(classes)]
    n_shards = -(-int(n_per_class) // int(settings.jets_per_shard))
    paths = [shard_path(c, i, split, seed, settings) for c in labels for i in range(n_shards)]
    jobs = [(c, i, split, int(seed), settings.as_dict()) for c in labels for i in range(n_shards)
            if not shard_path(c, i, split, seed, settings).is_file()]
    if jobs:
        # the most expensive classes first, so that the pool's last job is a short one
        jobs.sort(key=lambda j: -{"Zqq": 3, "H4q": 2, "Hqql": 2, "Tbl": 2}.get(j[0], 1))
        workers = min(workers or default_workers(), len(jobs))
        import multiprocessing as mp
        if mp.current_process().daemon:
            workers = 1
        desc = f"generating JetClass-like jets ({len(jobs)} shards of {settings.jets_per_shard}, {split})"
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
