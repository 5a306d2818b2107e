"""Paper B across processes (§5; App. A.2–A.4, B.2, C): the processes, their configuration from the profile, and the
runs every across-process page shares.

The processes are the paper's (strings of :mod:`hepscaling.amplitudes`, as in ``fit_tables.yaml``).  The loop-induced
g g → γγg is exact (the one-loop closed form of :mod:`hepscaling.amplitudes.loop_photons`); g g → γγgg (a six-point
one-loop amplitude, not in the engine) is replaced by the pure-gluon process of the same final-state multiplicity
(so the same d = 3n_f − 4) — :data:`SUBSTITUTES`; every page names the replacement in its first line.

Configuration: ``papers: amplitude_surrogates: processes:`` in the profile (optional: a profile without it has no
across-process chapter; the ttH keys and their meaning are unchanged).  Keys (all required, unknown keys refused):

``targets``                 ``log`` (standardised log|M|², the paper's default, §3.1) or ``raw``
``n_test``, ``n_dim``       test-set size; points whose last-layer activations give the intrinsic dimension
``D_values``, ``N_values``  the D scans of every process, one per network size (D above a process's ``D_max``
                            dropped; ``D_max`` itself added): Figs. 8, 12, 14, 16 and 18–20
``N_scan``                  the network sizes of the N scan at each process's largest D (the planner's N law; at
                            least four for a fit)
``compute``                 ``{N, D_values, steps}``: the compute scans per D (Figs. 13, 15, 17; a D above a process's
                            ``D_max`` becomes ``D_max``), each number of steps its own cosine run
``lloca``                   ``{process, D_values, channels, n_blocks, n_heads, steps, lr, batch_size}``: Fig. 9's
                            LLoCa-Transformer D scan (paper: Z + 4 g)
``runs``                    ``{process: {D_max, collider_adapt}}``: the processes this profile runs, each with its largest
                            training set and the event generator's ``[VEGAS iterations, points per iteration, pilot]``

The network shape, optimiser, η₀, batch, epochs, ``max_steps``, ``eval_every`` and ``repeats`` are the ttH section's
(one training setup for the whole paper, as the paper's §3).
"""
from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor

import pandas as pd

from ...amplitudes import get_process
from ...scaling.sweep import point_path, read_point, run_sweep, sweep_directory, with_repeats
from .config import TARGETS, ConfigError, _positive_list, _value
from .grids import _cost, steps_for

#: The paper's processes with no counterpart in our engine -> the engine process that replaces each (same n_f).
#: (g g > a a g is in the engine: hepscaling.amplitudes.loop_photons.)
SUBSTITUTES = {"g g > a a g g": "g g > g g g g"}

#: The paper's processes of §5 in the order of its tables (5–15), with the short names of its figures.
SHORT = {"u u~ > t t~ h": "ttH", "u u~ > z g": "Zg", "u u~ > z g g": "Zgg", "u u~ > z g g g": "Zggg",
         "u u~ > z g g g g": "Zgggg", "u d~ > w+ z": "WZ", "u d~ > w+ z g": "WZg", "u d~ > w+ z g g": "WZgg",
         "u u~ > w+ w- z": "WWZ", "g g > a a g": "γγg", "g g > a a g g": "γγgg"}
#: The same in ASCII (claim ids, recorded names).
SHORT_ASCII = {p: s.replace("γγ", "aa") for p, s in SHORT.items()}
#: Families as the paper groups them (Fig. 8's rows; App. A.2–A.4).
FAMILIES = {"Z + n g": ["u u~ > z g", "u u~ > z g g", "u u~ > z g g g", "u u~ > z g g g g"],
            "γγ + n g": ["g g > a a g", "g g > a a g g"],
            "W Z, W Z g, W W Z, W Z g g": ["u d~ > w+ z", "u d~ > w+ z g", "u u~ > w+ w- z", "u d~ > w+ z g g"]}
ACROSS = [p for fam in FAMILIES.values() for p in fam]
#: Final-state multiplicity of the paper's processes the engine does not have (γγ + 2 g).
N_FINAL = {"g g > a a g g": 4}

#: CPU milliseconds per unweighted event of our pp generator after the quick profile's VEGAS adaptation (measured on
#: the 2-core development machine; Z + 4 g: efficiency ~1.5·10⁻² after 16 × 2·10⁴ VEGAS points, its ~65 CPU-s
#: adaptation spread over the quick profile's 4,750 events) — only to start the costliest event sets first.
EVENT_COST_MS = {"u u~ > z g": 0.3, "u d~ > w+ z": 0.3, "u u~ > z g g": 1.0, "g g > g g g": 3.0, "g g > a a g": 5.0,
                 "u u~ > z g g g": 7.0,
                 "u d~ > w+ z g": 5.0, "u u~ > w+ w- z": 11.0, "g g > g g g g": 17.0, "u d~ > w+ z g g": 25.0,
                 "u u~ > z g g g g": 30.0}

_SECTION = {"targets": str, "n_test": int, "n_dim": int, "D_values": list, "N_values": list, "N_scan": list,
            "compute": dict,
            "lloca": dict, "runs": dict}
_COMPUTE = {"N": int, "D_values": list, "steps": list}
_LLOCA = {"process": str, "D_values": list, "channels": int, "n_blocks": int, "n_heads": int, "steps": int,
          "lr": float, "batch_size": int}
_RUN = ("D_max", "collider_adapt")
#: The ttH section's keys every process run shares (the training setup).
SHARED = ("collider_energy", "width_ratio", "base_width", "activation", "batch_size", "lr", "epochs", "max_steps",
          "eval_every", "repeats")


def engine_process(process: str) -> str:
    """The engine process that stands for one of the paper's (itself, or its replacement, :data:`SUBSTITUTES`)."""
    return SUBSTITUTES.get(process, process)


def n_final(process: str) -> int:
    """n_f of one of the paper's processes."""
    return N_FINAL[process] if process in N_FINAL else get_process(process).n_final


def dof(process: str) -> int:
    """d = 3 n_f − 4 (paper B §2)."""
    return 3 * n_final(process) - 4


def bound(n_f: int | float) -> float:
    """The lower bound α ≥ 4/d, d = 3 n_f − 4 (eqs. 4–8)."""
    return 4.0 / (3.0 * n_f - 4.0)


def short(process: str) -> str:
    """The paper's short name (``Zgg``); a replaced process names its replacement: ``γγg → ggg``."""
    name = SHORT.get(process, process)
    if process in SUBSTITUTES:
        return f"{name} → {'g' * n_final(process)}"
    return name


def replacement_note(processes) -> str:
    """One sentence naming what replaced what among ``processes`` ('' when nothing was replaced)."""
    rep = [p for p in processes if p in SUBSTITUTES]
    if not rep:
        return ""
    parts = [f"the paper's loop-induced {p.replace('a a', 'γγ').replace('g g >', 'gg →')} by our tree-level "
             f"{SUBSTITUTES[p].replace('g g >', 'gg →')} (same n_f = {n_final(p)}, d = {dof(p)})" for p in rep]
    return "Replaced: " + "; ".join(parts) + " — our engine has no six-point one-loop gg → γγgg amplitude."


# ------------------------------------------------------------------------------------------------------- config
def validate_section(section, where: str) -> dict:
    """Check a ``processes:`` section (see the module docstring); returns a normalised deep copy."""
    from ..sections import exact_keys
    sec = copy.deepcopy(section)
    exact_keys(sec, tuple(_SECTION), where, __name__, ConfigError)
    for k in ("n_test", "n_dim"):
        sec[k] = _value(sec[k], int, f"{where}.{k}")
    if sec["targets"] not in TARGETS:
        raise ConfigError(f"{where}.targets must be one of {TARGETS}, got {sec['targets']!r}")
    for k in ("D_values", "N_values", "N_scan"):
        sec[k] = _positive_list(sec[k], f"{where}.{k}")
    for name, keys in (("compute", _COMPUTE), ("lloca", _LLOCA)):
        sub = sec[name]
        if not isinstance(sub, dict) or sorted(sub) != sorted(keys):
            raise ConfigError(f"{where}.{name} must be a mapping with exactly {list(keys)}, got {sub!r}")
        for k, kind in keys.items():
            w = f"{where}.{name}.{k}"
            sub[k] = _positive_list(sub[k], w) if kind is list else _value(sub[k], kind, w)
    runs = sec["runs"]
    if not isinstance(runs, dict) or not runs:
        raise ConfigError(f"{where}.runs must map processes to {{D_max, collider_adapt}}, got {runs!r}")
    out = {}
    for proc, spec in runs.items():
        w = f"{where}.runs[{proc!r}]"
        key = " ".join(str(proc).replace(">", " > ").split())
        if key not in SHORT or key == "u u~ > t t~ h":
            raise ConfigError(f"{w}: not one of the paper's §5 processes; expected one of {ACROSS}")
        if not isinstance(spec, dict) or sorted(spec) != sorted(_RUN):
            raise ConfigError(f"{w} must be a mapping with exactly {list(_RUN)}, got {spec!r}")
        d_max = _value(spec["D_max"], int, f"{w}.D_max")
        ad = spec["collider_adapt"]
        if not (isinstance(ad, list) and len(ad) == 3):
            raise ConfigError(f"{w}.collider_adapt must be [iterations, points, pilot points], got {ad!r}")
        out[key] = {"D_max": d_max, "collider_adapt": [_value(v, int, f"{w}.collider_adapt entry") for v in ad]}
    sec["runs"] = {p: out[p] for p in ACROSS if p in out}          # the paper's order
    lp = " ".join(sec["lloca"]["process"].replace(">", " > ").split())
    if lp not in sec["runs"]:
        raise ConfigError(f"{where}.lloca.process = {lp!r} is not among {where}.runs ({list(sec['runs'])})")
    sec["lloca"]["process"] = lp
    return sec


def process_config(cfg: dict, process: str) -> dict:
    """Everything that determines one process's runs: the shared training setup of ``cfg`` (the loaded paper-B
    configuration), the section's grids cut at the process's ``D_max``, its event generator settings."""
    sec = cfg.get("processes")
    if sec is None:
        raise ConfigError(f"profile {cfg['profile']!r} has no papers.amplitude_surrogates.processes section: the "
                          f"across-process pages need one (see {__name__})")
    if process not in sec["runs"]:
        raise ConfigError(f"profile {cfg['profile']!r}: process {process!r} is not in "
                          f"papers.amplitude_surrogates.processes.runs ({list(sec['runs'])})")
    run = sec["runs"][process]
    d_max = run["D_max"]
    D = [d for d in sec["D_values"] if d <= d_max]
    D = D if D and D[-1] == d_max else D + [d_max]
    comp = dict(sec["compute"])
    comp["D_values"] = sorted({min(d, d_max) for d in comp["D_values"]})
    out = {k: cfg[k] for k in SHARED}
    out.update(process=process, engine_process=engine_process(process), targets=sec["targets"],
               n_test=sec["n_test"], n_dim=sec["n_dim"], collider_adapt=run["collider_adapt"], D_max=d_max,
               D_values=D, N_values=list(sec["N_values"]), N_scan=list(sec["N_scan"]), compute=comp, profile=cfg["profile"], label=cfg["label"])
    if sec["lloca"]["process"] == process:
        lo = dict(sec["lloca"])
        lo["D_values"] = sorted({min(d, d_max) for d in lo["D_values"]})
        out["lloca"] = lo
    return out


def data_config(pcfg: dict, seed: int = 0) -> dict:
    """The data configuration of a process (the same keys as :func:`.config.data_config`, which the task reads):
    the identity of its sweep directory, with the task's code."""
    keys = ("collider_energy", "collider_adapt", "targets", "n_test", "n_dim", "width_ratio", "base_width",
            "activation", "batch_size", "eval_every")
    out = {k: pcfg[k] for k in keys}
    out["process"] = pcfg["engine_process"]
    d_max = max([*pcfg["D_values"], *pcfg["compute"]["D_values"], *pcfg.get("lloca", {}).get("D_values", [])])
    out["pools"] = {"train": d_max, "val": max(1, -(-d_max // 4)), "test": pcfg["n_test"]}
    out["data_seed"] = int(seed)
    return out


def pool_events(pcfg: dict) -> int:
    """Events generated for a process: training pool + validation pool + test set."""
    return sum(data_config(pcfg)["pools"].values())


# -------------------------------------------------------------------------------------------------------- points
def mlp_point(pcfg: dict, D: int, N: int, steps: int | None = None) -> dict:
    """One MLP-I run (MSE, the shared η₀); at the D scan's number of steps it measures the intrinsic dimension, so
    the compute scan's longest run *is* the D scan's run at the same D and N."""
    full = steps_for(pcfg, D)
    steps = full if steps is None else int(steps)
    point = {"model": "mlp_i", "loss": "mse", "N": int(N), "D": int(D), "steps": steps, "lr": float(pcfg["lr"])}
    if steps == full:
        point["dim"] = True
    return point


def d_points(pcfg: dict) -> list[dict]:
    """The grid of a process: a D scan per network size of ``N_values``, and the N scan (``N_scan``) at the largest
    D (a run in both is one run)."""
    d_max = max(pcfg["D_values"])
    pts = [(N, D) for N in pcfg["N_values"] for D in pcfg["D_values"]]
    pts += [(N, d_max) for N in pcfg["N_scan"] if N not in pcfg["N_values"]]
    return with_repeats([mlp_point(pcfg, D, N) for N, D in sorted(pts)], int(pcfg["repeats"]))


def c_points(pcfg: dict) -> list[dict]:
    """The compute scan: one run per number of steps (up to the D scan's) at a fixed N, for several D."""
    c = pcfg["compute"]
    pts = []
    for D in c["D_values"]:
        full = steps_for(pcfg, D)
        for s in sorted({min(s, full) for s in c["steps"]}):
            pts.append(mlp_point(pcfg, D, c["N"], steps=s))
    return with_repeats(pts, int(pcfg["repeats"]))


def lloca_points(pcfg: dict) -> list[dict]:
    """Fig. 9: the LLoCa-Transformer D scan (the process named in the section's ``lloca``)."""
    c = pcfg.get("lloca")
    if c is None:
        return []
    return with_repeats([{"model": "lloca", "loss": "mse", "D": int(D), "steps": c["steps"], "lr": c["lr"],
                          "batch_size": c["batch_size"], "channels": c["channels"], "n_blocks": c["n_blocks"],
                          "n_heads": c["n_heads"]} for D in c["D_values"]], int(pcfg["repeats"]))


def all_points(pcfg: dict) -> list[dict]:
    """Every run of a process, each once."""
    seen, out = set(), []
    for p in d_points(pcfg) + c_points(pcfg) + lloca_points(pcfg):
        key = tuple(sorted(p.items()))
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


# ----------------------------------------------------------------------------------------------------------- runs
def directory(pcfg: dict, seed: int = 0):
    """The sweep directory of a process: ``data/sweeps/paper_b-<hash>`` of its data configuration and the task's
    code — the ttH runs' engine, one directory per process."""
    from . import task
    return sweep_directory("paper_b", data_config(pcfg, seed), task.__name__)


def missing(pcfg: dict, seed: int = 0, points=None) -> list[dict]:
    """The points of a process not yet finished on disk."""
    d = directory(pcfg, seed)
    return [p for p in (points or all_points(pcfg)) if read_point(point_path(d, p)) is None]


def _events(dcfg: dict) -> int:
    """Generate (or read) a process's events into the cache; runs on a worker.  Returns the number of events."""
    import torch
    torch.set_num_threads(1)
    from .data import events
    return len(events(dcfg)["me"])


def _events_error(pcfg: dict, e: Exception) -> ConfigError:
    """The event generator's error, naming the profile entry that sets its parameters."""
    return ConfigError(f"profile {pcfg['profile']!r}, papers.amplitude_surrogates.processes.runs[{pcfg['process']!r}]"
                       f": the events of {pcfg['engine_process']!r} failed with collider_adapt = "
                       f"{pcfg['collider_adapt']} ([VEGAS iterations, points per iteration, pilot points]): {e}")


def run_all(pcfgs: list[dict], seed: int = 0, scheduler: str = "local", n_workers: int | None = None) -> dict:
    """Run every missing point of every process: ``{process: per-run table}``.

    With ``scheduler="local"`` one Dask cluster serves all processes: the missing event sets are generated on the
    workers first (in parallel, through the cache), then each process's points are submitted as soon as its events
    exist, so both cores stay busy across processes.  ``"sync"`` runs everything in this process."""
    from . import task
    todo = {p["process"]: missing(p, seed) for p in pcfgs}
    meta = lambda p: {"paper": "B", "profile": p["label"], "process": p["process"]}   # noqa: E731
    if not any(todo.values()) or scheduler == "sync":
        out = {}
        for p in pcfgs:
            dcfg = data_config(p, seed)
            if todo[p["process"]]:
                try:
                    task.prepared(dcfg)
                except ValueError as e:
                    raise _events_error(p, e) from None
            out[p["process"]] = run_sweep(task.point_task, all_points(p), directory(p, seed), base_seed=seed,
                                          scheduler="sync" if scheduler == "sync" else scheduler,
                                          context={"dcfg": dcfg}, priority=_cost, meta=meta(p), show_bar=False)
        return out
    from ...scaling.sweep import get_client
    client, close = get_client(scheduler, n_workers=n_workers)
    try:
        need = [p for p in pcfgs if todo[p["process"]]]
        # the costliest event sets first: they set the critical path
        need.sort(key=lambda p: -pool_events(p) * EVENT_COST_MS.get(p["engine_process"], 10.0))
        ev = {p["process"]: client.submit(_events, data_config(p, seed), key=f"events-{p['process']}", pure=False)
              for p in need}

        def one(p):
            if p["process"] in ev:
                try:
                    ev[p["process"]].result()
                except ValueError as e:
                    raise _events_error(p, e) from None
            return run_sweep(task.point_task, all_points(p), directory(p, seed), base_seed=seed, scheduler=client,
                             context={"dcfg": data_config(p, seed)}, priority=_cost, meta=meta(p), show_bar=False)

        with ThreadPoolExecutor(max_workers=len(pcfgs)) as pool:
            futs = {p["process"]: pool.submit(one, p) for p in pcfgs}
            return {k: f.result() for k, f in futs.items()}
    finally:
        close()


def split(table: pd.DataFrame, pcfg: dict) -> dict:
    """A process's per-run table -> ``{"D": D × N grid, "C": compute scan, "lloca": LLoCa scan}`` (runs; a run in
    both the D grid and the compute scan is in both)."""
    from ...scaling.sweep import point_id
    out = {}
    for name, pts in (("D", d_points(pcfg)), ("C", c_points(pcfg)), ("lloca", lloca_points(pcfg))):
        ids = {point_id(p) for p in pts}
        out[name] = table[table["point_id"].isin(ids)].reset_index(drop=True) if len(table) else table
    return out
