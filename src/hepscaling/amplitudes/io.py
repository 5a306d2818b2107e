"""Amplitude datasets: a writer (through the cache) and a loader for the LLoCa / L-GATr amplitude benchmark files.

LLoCa / L-GATr layout (heidelberg-hepml amplitude experiments): one ``<name>.npy`` per process (optionally sharded as
``<name>_<k>.npy``), a 2-d float array of shape ``(N, 4 n + 1)``: the n particles' four-momenta flattened as
``E, px, py, pz`` per particle (the two incoming partons first), and |M|^2 in the last column.  Dataset names and
their particle content: ``zg``, ``zgg``, ``zggg``, ``zgggg`` (q q~ > Z + n g), ``aag``, ``aagg`` (g g > a a + n g).

Our writer produces exactly that layout plus a JSON sidecar ``<file>.json`` (process, sqrt_s or collider energy, PDF,
scale, cuts, seed, unweighting info and the rows kept with a weight above one, SM parameters, package versions), so
our datasets and the public ones go through the same loader.

:func:`generate_collider_dataset` (events of a pp collider, :mod:`.collider`) is the one paper B trains on;
:func:`generate_dataset` keeps the fixed-sqrt(s) points of the engine's validation.
"""
from __future__ import annotations

import dataclasses
import json
import os
import re
from pathlib import Path

import numpy as np

from ..atomic import atomic_path
from ..cache import cached
from ..provenance import register_input
from .collider import DEFAULT_COLLIDER_ENERGY, collider_events
from .model import DEFAULT
from .pdf import DEFAULT_PDF
from .phasespace import phase_space, unweighted_events
from .processes import get_process, matrix_element

#: LLoCa / L-GATr dataset names -> number of particles (2 incoming + final state) and the closest process here
LLOCA_DATASETS = {
    "zg": (4, "u u~ > z g"),
    "zgg": (5, "u u~ > z g g"),
    "zggg": (6, "u u~ > z g g g"),
    "zgggg": (7, "u u~ > z g g g g"),
    "aag": (5, "g g > a a g"),   # loop-induced: the one-loop closed form of .loop_photons
    # loop-induced g g > a a g g (six-point one loop): not in the engine
    "aagg": (6, None),
}


@cached
def generate_dataset(process: str, n_points: int, sqrt_s: float, cuts: dict | None = None, seed: int = 0,
                     unweighted: bool = True) -> dict:
    """Phase-space points and exact |M|^2 for ``process``; cached on disk (key: code + all arguments).

    Returns ``{"momenta": (N, n, 4) float64, "me": (N,), "weights": (N,) or None, "meta": dict}``.
    """
    import torch

    proc = get_process(process)
    if unweighted:
        p, me, info = unweighted_events(proc, n_points, sqrt_s, cuts, seed=seed)
        w = None
    else:
        p, w = phase_space(proc, n_points, sqrt_s, cuts, seed=seed)
        me = matrix_element(proc, p)
        info = {}
        w = w.cpu().numpy()
    me = me.cpu().numpy() if isinstance(me, torch.Tensor) else np.asarray(me)
    meta = {
        "process": proc.name, "n_points": int(n_points), "sqrt_s": float(sqrt_s), "cuts": cuts, "seed": int(seed),
        "unweighted": bool(unweighted), "unweighting": info, "dof": proc.dof,
        "sm_parameters": dataclasses.asdict(DEFAULT),
        "convention": "MadGraph: summed/averaged over helicities and colours, identical-particle factor included",
        "versions": _versions(),
    }
    return {"momenta": p.cpu().numpy(), "me": me, "weights": w, "meta": meta}


@cached
def generate_collider_dataset(process: str, n_events: int, collider_energy: float = DEFAULT_COLLIDER_ENERGY,
                              seed: int = 0, pdf: str = DEFAULT_PDF, scale: str | float = "ht/2",
                              cuts: dict | None = None, frame: str = "partonic", overweight: float = 1e-3,
                              adapt_iterations: int = 8, adapt_points: int = 20000, n_pilot: int = 50000) -> dict:
    """Unweighted events of a pp collider and their exact |M|^2 (:func:`.collider.collider_events`), cached on disk
    (key: code, every argument and the seed): a rerun with the same parameters reads them back.

    Returns ``{"momenta": (N, n, 4), "me": (N,), "weights": (N,) (1 except kept overweights), "meta": dict}``; the
    meta states process, collider energy, PDF, scale, cuts, frame, seed, cross section and its error, efficiency,
    the overweight rows with their weights, SM parameters and versions.
    """
    proc = get_process(process)
    mom, me, info = collider_events(proc, n_events, collider_energy, seed, pdf=pdf, scale=scale, cuts=cuts,
                                    frame=frame, overweight=overweight, adapt_iterations=adapt_iterations,
                                    adapt_points=adapt_points, n_pilot=n_pilot)
    w = info["weights"].cpu().numpy()
    over = np.nonzero(w > 1)[0]
    meta = {
        "process": proc.name, "n_events": int(n_events), "collider": "pp", "collider_energy": float(collider_energy),
        "pdf": info["pdf"], "scale": info["scale"], "cuts": info["cuts"], "frame": frame, "seed": int(seed),
        "cross_section_pb": info["cross_section_pb"], "cross_section_error_pb": info["cross_section_error_pb"],
        "unweighting": {k: info[k] for k in ("efficiency", "n_tried", "w_max", "overweight",
                                             "overweight_fraction", "overweight_share")},
        "overweights": {"rows": over.tolist(), "weights": w[over].tolist()},
        "dof": proc.dof, "sm_parameters": dataclasses.asdict(DEFAULT),
        "convention": "MadGraph: summed/averaged over helicities and colours, identical-particle factor included",
        "versions": _versions(),
    }
    return {"momenta": mom.cpu().numpy(), "me": me.cpu().numpy(), "weights": w, "meta": meta}


def _versions() -> dict:
    import importlib.metadata as md

    out = {}
    for pkg in ("hepscaling", "torch", "numpy"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = None
    return out


def _atomic_write(path: Path, write_fn) -> None:
    with atomic_path(path, suffix=path.suffix) as tmp:
        write_fn(str(tmp))


def write_dataset(path: str | os.PathLike, data: dict) -> Path:
    """Write ``data`` (from :func:`generate_dataset`) as an LLoCa-layout ``.npy`` plus a ``.json`` sidecar."""
    path = Path(path)
    if path.suffix != ".npy":
        raise ValueError(f"dataset path {path} must end in .npy (LLoCa layout)")
    mom = np.asarray(data["momenta"], dtype=np.float64)
    me = np.asarray(data["me"], dtype=np.float64)
    if mom.ndim != 3 or mom.shape[2] != 4 or me.shape != (mom.shape[0],):
        raise ValueError(f"write_dataset: momenta must be (N, n, 4) and me (N,); got {mom.shape} and {me.shape}")
    arr = np.concatenate([mom.reshape(mom.shape[0], -1), me[:, None]], axis=1)

    def _w(tmp):
        with open(tmp, "wb") as f:
            np.save(f, arr)

    _atomic_write(path, _w)
    meta = dict(data.get("meta", {}))
    meta["layout"] = "rows: E,px,py,pz per particle (incoming first), |M|^2 last"

    def _wj(tmp):
        with open(tmp, "w") as f:
            json.dump(meta, f, indent=1, default=str)

    _atomic_write(path.with_suffix(".npy.json"), _wj)
    return path


def load_lloca_amplitudes(path: str | os.PathLike, n_particles: int | None = None):
    """Load an amplitude file in the LLoCa / L-GATr layout.

    Returns ``momenta`` (N, n, 4) float64 and ``amplitudes`` (N,) float64.  ``n_particles`` defaults to the value
    implied by a known dataset name (``zgggg.npy`` -> 7, shard ``zgggg_3.npy`` -> 7; only a numeric suffix marks a
    shard, so ``zg_mine.npy`` is not ``zg``); otherwise (columns - 1) / 4.
    Raises ValueError naming the file for a wrong layout, non-finite momenta or non-positive amplitudes.
    """
    path = Path(path)
    if not path.exists():
        raise ValueError(f"amplitude file {path} does not exist")
    register_input(path)
    try:
        arr = np.load(path, allow_pickle=False)
    except ValueError as exc:
        raise ValueError(f"amplitude file {path}: not a plain numeric .npy array ({exc})") from None
    if arr.ndim != 2 or arr.shape[1] < 9 or (arr.shape[1] - 1) % 4 != 0:
        raise ValueError(f"amplitude file {path}: expected a 2-d array with 4 n + 1 columns (momenta, then |M|^2), "
                         f"got shape {arr.shape}")
    n = (arr.shape[1] - 1) // 4
    name = path.stem
    shard = re.fullmatch(r"(.+)_\d+", name)  # <name>_<k>.npy is shard k of <name>; any other suffix is not a shard
    if name not in LLOCA_DATASETS and shard:
        name = shard.group(1)
    expected = n_particles if n_particles is not None else LLOCA_DATASETS.get(name, (None,))[0]
    if expected is not None and expected != n:
        raise ValueError(f"amplitude file {path}: {arr.shape[1]} columns = {n} particles, expected {expected} "
                         f"particles ({4 * expected + 1} columns) for dataset {name!r}")
    arr = arr.astype(np.float64, copy=False)
    mom = arr[:, :-1].reshape(arr.shape[0], n, 4)
    amp = arr[:, -1]
    if not np.isfinite(mom).all():
        bad = int(np.nonzero(~np.isfinite(mom).all(axis=(1, 2)))[0][0])
        raise ValueError(f"amplitude file {path}: non-finite momentum in row {bad}")
    if not (np.isfinite(amp).all() and (amp > 0).all()):
        bad = int(np.nonzero(~(np.isfinite(amp) & (amp > 0)))[0][0])
        raise ValueError(f"amplitude file {path}: |M|^2 in row {bad} (last column) is {amp[bad]!r}, expected > 0")
    return mom, amp
