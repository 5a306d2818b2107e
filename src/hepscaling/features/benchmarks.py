"""Side-by-side timings of the feature code against its anchors, measured in the same run on the same jets and cores.

* EFPs: :func:`hepscaling.features.efp.compute_efps` vs ``energyflow.EFPSet(('d<=', 6)).batch_compute`` (n_jobs =
  all cores);
* EMD kNN: :func:`hepscaling.features.emd.knn_emd` vs brute force (:func:`pairwise_emd` of every query/train pair,
  threads over all cores, then a sort): exact-solve ratio and wall-time ratio;
* LOT: :func:`hepscaling.features.lot.lot_embedding` vs a plain per-jet POT loop.

Each ``run_*`` returns a dict and :func:`save_result` writes it as ``data/benchmarks/<name>.json`` (with date,
machine, cores, load average), which the features chapter page shows; ``benchmarks/bench_*.py`` are the command-line
entry points.  No timed tests: these are measurements, not assertions.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from ..atomic import write_text
from ..paths import data_dir

__all__ = ["machine_info", "real_jets", "run_efp", "run_emd_knn", "run_lot", "save_result", "load_result",
           "results_dir"]


def results_dir() -> Path:
    d = data_dir() / "benchmarks"
    d.mkdir(parents=True, exist_ok=True)
    return d


def machine_info() -> dict:
    from .emd import n_cores

    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        load = os.getloadavg()
    except OSError:  # pragma: no cover
        load = (float("nan"),) * 3
    return {"host": platform.node(), "cpu": cpu, "cores": n_cores(), "load_avg_1_5_15": [round(x, 2) for x in load],
            "python": platform.python_version(),
            "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def save_result(name: str, result: dict) -> Path:
    """Write ``result`` (plus machine info) atomically to ``data/benchmarks/<name>.json``."""
    result = dict(result)
    result.setdefault("machine", machine_info())
    path = results_dir() / f"{name}.json"
    write_text(path, json.dumps(result, indent=2))
    return path


def load_result(name: str) -> dict | None:
    path = results_dir() / f"{name}.json"
    if not path.is_file():
        return None
    with open(path) as f:
        return json.load(f)


def real_jets(n: int, split: str = "test", seed: int = 0):
    """n real generated jets (local Pythia 8 + FastJet substitute) as (pT, y, phi) and their labels."""
    from ..data.topqcd import get_jets
    from ..jets.kinematics import to_ptyphi

    p4, labels = get_jets(split, int(n), source="local", seed=seed)
    return to_ptyphi(p4), np.asarray(labels)


def _timeit(fn, *args, **kw):
    t = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - t


# ----------------------------------------------------------------------------------------------------------- EFP
def run_efp(n_jets: int = 64, dmax: int = 6, seed: int = 0) -> dict:
    import energyflow as ef

    from .efp import compute_efps
    from .emd import n_cores

    jets, _ = real_jets(n_jets, seed=seed)
    cores = n_cores()
    _, t_plan = _timeit(compute_efps, jets[:2], dmax=dmax)  # plan the graphs, compile the K4 kernel (one-off)
    ours, t_ours = _timeit(compute_efps, jets, dmax=dmax)
    s = ef.EFPSet(("d<=", dmax), measure="hadr", beta=1, normed=True)
    trimmed = [j[j[:, 0] > 0] for j in jets]
    s.batch_compute(trimmed[:2], n_jobs=1)  # first call outside the timed region
    ref, t_ef = _timeit(s.batch_compute, trimmed, n_jobs=cores)
    ref = np.asarray(ref)[:, 1:]
    rel = float(np.max(np.abs(ours - ref) / np.abs(ref)))
    # the same on one core (both single-process) on the first 16 jets
    n1 = min(16, n_jets)
    _, t_ours1 = _timeit(compute_efps, jets[:n1], dmax=dmax, n_jobs=1)
    _, t_ef1 = _timeit(s.batch_compute, trimmed[:n1], n_jobs=1)
    mult = (jets[..., 0] > 0).sum(1)
    return {"benchmark": "efp", "n_jets": int(n_jets), "dmax": dmax, "n_efp": int(ours.shape[1]),
            "mean_multiplicity": float(mult.mean()), "cores": cores,
            "energyflow_ms_per_jet": 1e3 * t_ef / n_jets, "ours_ms_per_jet": 1e3 * t_ours / n_jets,
            "energyflow_ms_per_jet_core": 1e3 * t_ef * cores / n_jets,
            "speedup": t_ef / t_ours, "speedup_1core": t_ef1 / t_ours1, "n_jets_1core": n1,
            "max_rel_diff": rel, "one_off_setup_s": t_plan}


# ----------------------------------------------------------------------------------------------------------- EMD
def run_emd_knn(n_train: int = 4000, n_query: int = 64, k: int = 50, R: float = 0.8, seed: int = 0) -> dict:
    from .emd import knn_emd, n_cores, pairwise_emd

    jets, _ = real_jets(n_train + n_query, seed=seed)
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(jets))
    train, query = jets[perm[:n_train]], jets[perm[n_train:]]
    knn_emd(train[:200], query[:2], 5, R=R)  # compile the bound kernels (one-off)
    (idx, dist, st), t_knn = _timeit(knn_emd, train, query, k, R=R, return_stats=True, progress=False)
    D, t_bf = _timeit(pairwise_emd, query, train, R=R, progress=False)
    ref = np.lexsort((np.broadcast_to(np.arange(n_train), D.shape), D), axis=1)[:, :k]
    same = bool(np.array_equal(ref, idx)) and bool(np.allclose(np.take_along_axis(D, ref, 1), dist, rtol=1e-12))
    return {"benchmark": "emd_knn", "n_train": n_train, "n_query": n_query, "k": k, "R": R, "cores": n_cores(),
            "exact_solves": st["solves"], "brute_force_solves": st["brute_force_solves"],
            "solve_ratio": st["brute_force_solves"] / st["solves"], "knn_s": t_knn, "brute_force_s": t_bf,
            "wall_ratio": t_bf / t_knn, "brute_force_us_per_pair_core": 1e6 * t_bf * n_cores() / D.size,
            "same_as_brute_force": same}


# ----------------------------------------------------------------------------------------------------------- LOT
def run_lot(n_jets: int = 3000, n_ref: int = 225, seed: int = 0) -> dict:
    from .emd import n_cores
    from .lot import lot_embedding, lot_embedding_pot

    jets, _ = real_jets(n_jets, seed=seed)
    lot_embedding(jets[:2], n_ref=n_ref, n_jobs=1)  # imports and first calls outside the timed region
    lot_embedding_pot(jets[:2], n_ref=n_ref)
    ours, t_ours = _timeit(lot_embedding, jets, n_ref=n_ref)
    ours1, t_ours1 = _timeit(lot_embedding, jets, n_ref=n_ref, n_jobs=1)
    pot, t_pot = _timeit(lot_embedding_pot, jets, n_ref=n_ref)
    return {"benchmark": "lot", "n_jets": n_jets, "n_ref": n_ref, "cores": n_cores(),
            "ours_jets_per_s": n_jets / t_ours, "ours_1proc_jets_per_s": n_jets / t_ours1,
            "pot_loop_jets_per_s": n_jets / t_pot, "speedup": t_pot / t_ours, "speedup_1proc": t_pot / t_ours1,
            "max_abs_diff": float(max(np.abs(ours - pot).max(), np.abs(ours1 - pot).max()))}
