"""Local substitute for AspenOpenJets: Pythia 8 QCD dijets with the W, Z, top and H -> b b~ admixture of Table I.

Dataset card
------------
AspenOpenJets (Amram et al., arXiv:2412.10504) holds ~1.78e8 AK8 jets with pT > 300 GeV and |eta| < 2.5 from the
CMS 2016 JetHT Open Data, up to 150 particle-flow candidates each.  Its Table I estimates from CMS simulation how
many of them are fully merged W, Z, top and H -> b b~ jets (all quarks of the decay within Delta R < 0.8 of the
jet): 6.3e5, 1.8e5, 1.3e5 and 500; the rest (99.5 %) is taken to be QCD.  Our substitute is a physical mixture of
Pythia 8 processes through :func:`hepscaling.detector.simulate` (card ``"cms"``, no pile-up), with:

=========  ================  =====================================================================================
component  name              Pythia 8 hard process (13 TeV, pTHat > 250 GeV by default)
=========  ================  =====================================================================================
QCD        ``QCD``           ``HardQCD:all`` (2 -> 2 QCD, all flavours)
W          ``WJetsToQQ``     ``WeakBosonAndParton:qqbar2Wg`` + ``qg2Wq``, W -> q q' (as CMS's WJetsToQQ)
Z          ``ZJetsToQQ``     ``WeakBosonAndParton:qqbar2gmZg`` + ``qg2gmZq`` (pure Z), Z -> q q~ (d u s c b)
top        ``TTbar``         ``Top:gg2ttbar`` + ``Top:qqbar2ttbar``, all decays (as TTToHadronic + SemiLeptonic +
                             the dileptonic rest)
Hbb        ``GluGluHToBB``   ``HiggsSM:gg2Hg(l:t)`` + ``qg2Hq(l:t)`` + ``qqbar2Hg(l:t)`` (H + jet with the top-loop
                             mass dependence), H -> b b~ (as CMS's GluGluHToBB_Pt-200ToInf)
=========  ================  =====================================================================================

**Proportions** from Pythia's own cross sections: a calibration run of each component (``calibration_events``
events, its own seeds) measures sigma_c (``Info::sigmaGen``, which includes the branching fractions of the forced
decays) and the number of selected jets per event eps_c; the fraction of jets from component c is
f_c = sigma_c eps_c / sum_k sigma_k eps_k.  Each shard draws its jets per component from a multinomial with these
fractions (seeded), so the rare components appear with their physical rates (H -> b b~ is ~1e-5 of the jets: most
small samples have none).  The jets of a shard's events are shuffled event by event (all jets of one event stay
together, in pT order), as a stream of collision events would give them.  :func:`composition_table` gives
Table I's analogue: per component sigma, eps, the fraction of merged jets, the number expected among AOJ's 1.78e8
jets, and the jets and merged jets actually in the sample.  A jet is *merged* when every quark of its resonance's
decay lies within Delta R < 0.8 (eta-phi) of the jet axis (the paper's rule; the resonance itself is not required);
for the top only hadronic decays (b q q') can be merged.

Selection: anti-kT R = 0.8 on the candidates weighted by their PUPPI weight (1 without pile-up), pT > 300 GeV
(no jet-energy correction: our detector's response is calibrated on average), |eta| < 2.5, every jet of an event
(AOJ keeps all jets passing).  pTHat > 250 GeV loses the few jets above 300 GeV from softer hard processes (see
:data:`MEASURED`); no trigger turn-on is modelled.  MPI off by default (no underlying event) and no pile-up: our
multiplicities are lower than in real AOJ jets (the paper's ~50 per jet).

Layout (:mod:`hepscaling.data.aspen`): ``PFCands`` (N, 150, 11) = px, py, pz, E (unweighted candidate momenta),
d0, d0Err, dz, dzErr (cm; **-1 for neutral candidates**, as AOJ stores candidates without track details), charge,
pdgId (211, 130, 22, 11, 13 with signs), puppiWeight (1), pT-ordered, the first 150 of each jet, zero-padded;
``jet_kinematics`` = pt, eta, phi (of the clustered jet) and msoftdrop (soft drop beta = 0, z_cut = 0.1, R0 = 0.8 on
all the jet's weighted candidates); ``jet_tagging`` = nConstituents (all, may exceed 150), tau1..tau4
(FastJet contrib Nsubjettiness, beta = 1, R0 = 0.8, one-pass kT axes: CMS's ``FatJet_tau*`` definition, on all the
jet's weighted candidates), and the 7 ParticleNet scores and the ParticleNet mass set to **-1** (we have no ParticleNet; NaN, the natural
"missing", is refused by the AOJ loader, which requires finite values); ``event_info`` = run 1, luminosityBlock =
the shard number, event = the event's number in the shard (jets of one event share it).

Work unit: a shard of ``jets_per_shard`` jets, ``AOJlike_batch<shard:03d>.h5`` + ``.json`` sidecar (settings, the
fractions, seeds, per-component events, jets, merged jets, cross sections, timing, the rows of the non-QCD and of
the merged jets) under ``<data>/aspen_like/<settings digest>/seed<seed>-n<jets_per_shard>/``, next to
``composition.json`` (the calibration).  :func:`ensure` generates what is missing in parallel processes with a
progress bar; finished shards are kept (resumable); files are written atomically.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..atomic import write_text
from ..cache import code_version
from ..paths import data_dir
from ..progress import progress
from . import aspen
from .jetgen import JetBlock, Process, Selection, generate, stream_seed
from .pythia import default_workers, versions

__all__ = ["COMPONENTS", "AspenLikeSettings", "ensure", "calibrate", "composition_table", "shard_path", "shard_dir",
           "to_tables", "AOJ_N_JETS", "PAPER_TABLE_I", "MEASURED"]

AOJ_N_JETS = 1.78e8
PAPER_TABLE_I = {"QCD": 1.8e8, "W": 6.3e5, "Z": 1.8e5, "top": 1.3e5, "Hbb": 500.0}
_W_HAD = ("24:onMode = off", "24:onIfAny = 1 2 3 4 5")

COMPONENTS: dict[str, Process] = {
    "QCD": Process("QCD", ("HardQCD:all = on",)),
    "W": Process("WJetsToQQ", ("WeakBosonAndParton:qqbar2Wg = on", "WeakBosonAndParton:qg2Wq = on") + _W_HAD,
                 24, "qq"),
    "Z": Process("ZJetsToQQ", ("WeakBosonAndParton:qqbar2gmZg = on", "WeakBosonAndParton:qg2gmZq = on",
                               "WeakZ0:gmZmode = 2", "23:onMode = off", "23:onIfAny = 1 2 3 4 5"), 23, "qq"),
    "top": Process("TTbar", ("Top:gg2ttbar = on", "Top:qqbar2ttbar = on"), 6, "bqq"),
    "Hbb": Process("GluGluHToBB", ("HiggsSM:gg2Hg(l:t) = on", "HiggsSM:qg2Hq(l:t) = on",
                                   "HiggsSM:qqbar2Hg(l:t) = on", "25:onMode = off", "25:onIfMatch = 5 -5"),
                   25, "bb"),
}
N_TAGGING_PN = 8          # 7 ParticleNet scores + the ParticleNet mass
MISSING = -1.0            # ParticleNet columns; d0, d0Err, dz, dzErr of neutral candidates

MEASURED: dict[str, dict] = {}


@dataclass(frozen=True)
class AspenLikeSettings:
    """Every setting of the AOJ-like generator (hashed into the shard directory)."""
    selection: Selection = Selection(ecm=13000.0, mpi=False, pthat_min=250.0, pthat_max=-1.0, jet_R=0.8,
                                     jet_pt_min=300.0, jet_pt_max=float("inf"), jet_abseta_max=2.5, match_dR=0.8,
                                     require_resonance=False, require_match=False, puppi_weighted=True, card="cms",
                                     batch_events=200)
    jets_per_shard: int = 5000
    max_candidates: int = 150
    calibration_events: int = 1000
    components: tuple = tuple(COMPONENTS)

    def __post_init__(self):
        if isinstance(self.selection, dict):
            object.__setattr__(self, "selection", Selection(**self.selection))
        object.__setattr__(self, "components", tuple(self.components))
        unknown = [c for c in self.components if c not in COMPONENTS]
        if unknown or "QCD" not in self.components:
            raise ValueError(f"components: expected names among {list(COMPONENTS)} including 'QCD', got "
                             f"{list(self.components)}")
        if int(self.jets_per_shard) < 1 or int(self.calibration_events) < 1:
            raise ValueError("jets_per_shard and calibration_events: expected positive integers, got "
                             f"{self.jets_per_shard!r}, {self.calibration_events!r}")

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)

    def digest(self) -> str:
        payload = json.dumps({"settings": self.as_dict(), "code": code_version(__name__)}, sort_keys=True,
                             default=str)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


def shard_dir(seed: int, settings: AspenLikeSettings = AspenLikeSettings()) -> Path:
    return data_dir() / "aspen_like" / settings.digest() / f"seed{int(seed)}-n{int(settings.jets_per_shard)}"


def shard_path(shard: int, seed: int, settings: AspenLikeSettings = AspenLikeSettings()) -> Path:
    return shard_dir(seed, settings) / f"AOJlike_batch{int(shard):03d}.h5"


# ---------------------------------------------------------------------------------------------------- calibration
def _calibrate_one(args) -> dict:
    name, seed, settings_dict = args
    settings = AspenLikeSettings(**settings_dict)
    from .jetgen import make_pythia, process_batch
    from ..jets._quiet import quiet_stdout
    from .jetgen import sigma_pb

    proc = COMPONENTS[name]
    s = stream_seed("aspen_like", int(seed), "calibration", name)
    t0 = time.perf_counter()
    py = make_pythia(proc, s, settings.selection)
    n_ev = n_jets = n_merged = 0
    k = 0
    while n_ev < settings.calibration_events:
        with quiet_stdout():
            batch = py.nextBatch(min(settings.selection.batch_events, settings.calibration_events - n_ev))
        block, c = process_batch(batch, proc, settings.selection, stream_seed(s, "detector", k))
        n_ev += c["n_events"]
        n_jets += len(block)
        n_merged += int(block.jets["matched"].sum())
        k += 1
    sigma, err = sigma_pb(py)
    return {"component": name, "process": proc.name, "pythia_seed": s, "n_events": n_ev, "n_jets": n_jets,
            "n_merged": n_merged, "sigma_pb": sigma, "sigma_err_pb": err, "jets_per_event": n_jets / n_ev,
            "merged_per_event": n_merged / n_ev, "t_s": round(time.perf_counter() - t0, 3),
            "pythia_settings": settings.selection.pythia_strings(proc, s)}


def _pool_map(fn, jobs, workers, desc):
    import multiprocessing as mp

    workers = min(workers or default_workers(), len(jobs))
    if mp.current_process().daemon:
        workers = 1
    if workers <= 1:
        return [fn(j) for j in progress(jobs, desc=desc)]
    from concurrent.futures import ProcessPoolExecutor

    ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as ex:
        futs = [ex.submit(fn, j) for j in jobs]
        from concurrent.futures import as_completed
        for f in progress(as_completed(futs), total=len(futs), desc=desc):
            f.result()
        return [f.result() for f in futs]


def calibrate(seed: int = 0, settings: AspenLikeSettings = AspenLikeSettings(), workers: int | None = None) -> dict:
    """The components' cross sections, jets per event and jet fractions (cached in ``composition.json``)."""
    path = shard_dir(seed, settings) / "composition.json"
    if path.is_file():
        return json.loads(path.read_text())
    rows = _pool_map(_calibrate_one, [(c, int(seed), settings.as_dict()) for c in settings.components], workers,
                     f"calibrating the AOJ-like composition ({len(settings.components)} processes)")
    rate = {r["component"]: r["sigma_pb"] * r["jets_per_event"] for r in rows}
    total = sum(rate.values())
    for r in rows:
        r["jet_fraction"] = rate[r["component"]] / total
        r["merged_fraction_of_all_jets"] = r["sigma_pb"] * r["merged_per_event"] / total
        r["expected_merged_in_aoj"] = AOJ_N_JETS * r["merged_fraction_of_all_jets"]
        r["paper_table_i"] = PAPER_TABLE_I[r["component"]]
    out = {"seed": int(seed), "settings": settings.as_dict(), "settings_digest": settings.digest(),
           "components": {r["component"]: r for r in rows}, "versions": versions(),
           "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    write_text(path, json.dumps(out, indent=2, sort_keys=True, default=str))
    return out


# ---------------------------------------------------------------------------------------------------- shards
def to_tables(block: JetBlock, max_candidates: int = 150) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """PFCands ``(N, max_candidates, 11)``, jet_kinematics ``(N, 4)`` and jet_tagging ``(N, 13)`` of the jets."""
    c = block.constituents
    cols = dict(c)
    neutral = c["charge"] == 0
    for k in ("d0", "d0Err", "dz", "dzErr"):
        cols[k] = np.where(neutral, MISSING, c[k])
    pf = JetBlock({}, cols, block.offsets).padded(aspen.PFCANDS_FEATURES, max_candidates).astype(np.float32)
    j = block.jets
    kin = np.stack([j["pt"], j["eta"], j["phi"], j["sdmass"]], axis=1).astype(np.float32)
    tag = np.concatenate([np.stack([j["nparticles"]] + [j[f"tau{n}"] for n in range(1, 5)], axis=1),
                          np.full((len(block), N_TAGGING_PN), MISSING)], axis=1).astype(np.float32)
    return pf, kin, tag


def generate_shard(shard: int, seed: int, settings: AspenLikeSettings = AspenLikeSettings(),
                   fractions: dict | None = None, path: Path | None = None) -> dict:
    """Generate and write one shard (skipped when the file exists); returns its sidecar."""
    path = Path(path) if path is not None else shard_path(shard, seed, settings)
    if path.is_file():
        return aspen.read_sidecar(path) or {}
    if fractions is None:
        fractions = {k: v["jet_fraction"] for k, v in calibrate(seed, settings)["components"].items()}
    versions()
    t0, c0 = time.perf_counter(), time.process_time()
    names = list(settings.components)
    p = np.array([fractions[n] for n in names], dtype=np.float64)
    rng = np.random.default_rng(stream_seed("aspen_like", int(seed), "shard", int(shard), "counts"))
    counts = rng.multinomial(int(settings.jets_per_shard), p / p.sum())
    blocks, stats, comp, ev_offset = [], {}, [], 0
    for k, (name, n) in enumerate(zip(names, counts)):
        s = stream_seed("aspen_like", int(seed), "shard", int(shard), name)
        block, st = generate(COMPONENTS[name], int(n), s, settings.selection, expected_yield=1.0)
        st["pythia_settings"] = settings.selection.pythia_strings(COMPONENTS[name], s)
        st["n_merged"] = int(block.jets["matched"].sum()) if len(block) else 0
        if len(block):
            block.jets["event"] = block.jets["event"] + ev_offset
        ev_offset += st["n_events"]
        stats[name] = st
        blocks.append(block)
        comp.append(np.full(len(block), k))
    jets = JetBlock.concatenate(blocks)
    comp = np.concatenate(comp)
    # shuffle whole events; inside an event the jets stay in pT order
    ev = jets.jets["event"]
    uniq, inv = np.unique(ev, return_inverse=True)
    key = np.random.default_rng(stream_seed("aspen_like", int(seed), "shard", int(shard), "shuffle")).permutation(
        len(uniq))[inv]
    order = np.lexsort((-jets.jets["pt"], key))
    jets, comp = jets.take(order), comp[order]
    new_ev = np.r_[0, np.cumsum(key[order][1:] != key[order][:-1])] if len(order) else np.zeros(0, np.int64)
    event_info = np.stack([np.ones(len(jets), np.int64), np.full(len(jets), int(shard), np.int64),
                           new_ev.astype(np.int64)], axis=1)
    pf, kin, tag = to_tables(jets, settings.max_candidates)
    merged = jets.jets["matched"] if len(jets) else np.zeros(0, bool)
    sidecar = {
        "description": "hepscaling AspenOpenJets-like jets (Pythia 8 QCD + W/Z/top/H->bb admixture, "
                       "hepscaling.detector card 'cms'); see hepscaling.data.aspen_like",
        "format": "AspenOpenJets HDF5 (PFCands, jet_kinematics, jet_tagging, event_info)",
        "shard": int(shard), "seed": int(seed), "n_jets": len(jets), "settings": settings.as_dict(),
        "settings_digest": settings.digest(), "fractions": {n: float(f) for n, f in zip(names, p)},
        "counts": {n: int(c) for n, c in zip(names, counts)},
        "merged": {n: int((merged & (comp == k)).sum()) for k, n in enumerate(names)},
        "rows": {n: np.flatnonzero(comp == k).tolist() for k, n in enumerate(names) if n != "QCD"},
        "merged_rows": np.flatnonzero(merged).tolist(),
        "generation": stats, "versions": versions(), "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "t_generate_s": round(time.perf_counter() - t0, 4), "cpu_generate_s": round(time.process_time() - c0, 4),
    }
    aspen.write(path, pf, kin, tag, event_info, sidecar=sidecar)
    return sidecar


def _shard_worker(args):
    shard, seed, settings_dict, fractions = args
    return generate_shard(shard, seed, AspenLikeSettings(**settings_dict), fractions)


def ensure(n_jets: int, seed: int = 0, settings: AspenLikeSettings = AspenLikeSettings(),
           workers: int | None = None) -> list[Path]:
    """Make sure at least ``n_jets`` AOJ-like jets exist and return the paths of their files (shard by shard).

    ceil(n_jets / jets_per_shard) shards of ``settings.jets_per_shard`` jets; the composition is calibrated first
    (:func:`calibrate`, cached).  Missing shards are generated in ``workers`` parallel processes with a progress bar;
    existing ones are kept (resumable).  Read them with :func:`hepscaling.data.aspen.load` (one file at a time).
    """
    if isinstance(n_jets, bool) or not isinstance(n_jets, (int, np.integer)) or n_jets < 1:
        raise ValueError(f"n_jets: expected a positive integer, got {n_jets!r}")
    n_shards = -(-int(n_jets) // int(settings.jets_per_shard))
    paths = [shard_path(i, seed, settings) for i in range(n_shards)]
    missing = [i for i, p in enumerate(paths) if not p.is_file()]
    if missing:
        fractions = {k: v["jet_fraction"] for k, v in calibrate(seed, settings, workers)["components"].items()}
        _pool_map(_shard_worker, [(i, int(seed), settings.as_dict(), fractions) for i in missing], workers,
                  f"generating AOJ-like jets ({len(missing)} shards of {settings.jets_per_shard})")
    return paths


def composition_table(paths, seed: int | None = None, settings: AspenLikeSettings | None = None):
    """Table I's analogue for the shards ``paths``: one row per component with sigma (pb), jets per event, the jet
    fraction, the merged jets expected among AOJ's 1.78e8 jets (ours and the paper's), and the jets and merged jets
    in the sample."""
    import pandas as pd

    paths = [Path(p) for p in paths]
    sides = [aspen.read_sidecar(p) or {} for p in paths]
    if not sides or not all(sides):
        raise ValueError(f"composition_table: every shard needs its sidecar (.json); missing for "
                         f"{[str(p) for p, s in zip(paths, sides) if not s]}")
    if settings is None:
        settings = AspenLikeSettings(**sides[0]["settings"])
    if seed is None:
        seed = sides[0]["seed"]
    cal = calibrate(seed, settings)["components"]
    rows = []
    for name in settings.components:
        c = cal[name]
        rows.append({"component": name, "process": c["process"], "sigma_pb": c["sigma_pb"],
                     "sigma_err_pb": c["sigma_err_pb"], "jets_per_event": c["jets_per_event"],
                     "jet_fraction": c["jet_fraction"], "expected_merged_in_aoj": c["expected_merged_in_aoj"],
                     "paper_table_i": c["paper_table_i"],
                     "jets_in_sample": sum(s["counts"][name] for s in sides),
                     "merged_in_sample": sum(s["merged"][name] for s in sides)})
    df = pd.DataFrame(rows)
    # the paper counts every jet that is not a merged W/Z/top/H as QCD
    q = df.component == "QCD"
    df.loc[q, "expected_merged_in_aoj"] = AOJ_N_JETS - df.loc[~q, "expected_merged_in_aoj"].sum()
    return df
