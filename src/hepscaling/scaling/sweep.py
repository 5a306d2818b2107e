"""The sweep engine: run a task function over a grid of points (any named axes), on Dask.

Shared by all papers; it knows none of them. A *point* is a small dict of plain values, e.g. ``{"classifier":
"knn_emd", "T": 500, "repeat": 3}`` or ``{"N": 1e5, "D": 1e4}``. A *task* is an importable function
``task(point, seed, **context) -> dict`` returning plain values (numbers, strings, short lists) and, where a point
produces something a later point needs (a trained checkpoint that fine-tuning loads), :class:`Artifact` values:
those are stored through the one cache (:func:`hepscaling.cache.put_value`) and the point's record holds a reference
(``"artifact:<sha256>"``) that :func:`load_artifact` reads back. A task must depend only on its arguments, so running
it twice gives the same answer.

* **Grids.** :func:`make_grid` (Cartesian product of named axes) and :func:`with_repeats` (a ``repeat`` axis whose
  length may depend on the point) build the points; a paper's package decides its own axes and repeat rules.

* **Seeds.** Each point gets its own seed, derived from the base seed and the point (:func:`derive_seed`, a hash), so
  a point's numbers do not depend on which other points are in the grid or in which order they run.
* **Resumable, exactly once.** Each finished point is written atomically to its own JSON file
  ``<directory>/points/<point id>.json`` (temporary file, fsync, then a hard link that refuses to overwrite), so a
  half-written result is never visible and the first finished copy of a point wins. A point whose file exists is never
  recomputed; an interrupted sweep (killed notebook, killed worker, lost batch job) picks up where it stopped.
  :func:`gather` reads the point files into a tidy table (one row per point) and writes ``results.parquet``.
* **Dask.** ``scheduler`` selects where the points run:

  - ``"sync"``: in this process, one after the other (tests, tiny profiles, debugging);
  - ``"local"`` (default): a ``distributed.LocalCluster`` of processes, one single-threaded worker per core;
  - ``"tcp://host:8786"`` (or ``"host:port"``): an existing Dask scheduler;
  - a path to a YAML file: a cluster description (see :func:`cluster_from_config`), e.g. SLURM or HTCondor through
    dask-jobqueue, so a sweep moves to a batch farm with no code change;
  - a ``distributed.Client``: used as is.

  Points whose worker dies are resubmitted (the task is idempotent and the result file atomic).
* **Progress.** A progress bar (quiet when not interactive) and, through ``on_progress``, the points done, the total
  and an estimate of the time left (:class:`Progress`); when quiet, a line every quarter of the sweep goes to
  :func:`hepscaling.progress.report` (the notebook's log file under the book runner, stderr otherwise).

Example::

    from hepscaling.scaling.sweep import make_grid, run_sweep, with_repeats
    points = with_repeats(make_grid(model=["mlp"], N=[1e3, 1e4], D=[100, 1000]),
                          lambda p: 5 if p["D"] <= 100 else 1)
    table = run_sweep(my_task, points, "data/sweeps/demo", base_seed=0, scheduler="local")

Cluster YAML (``scheduler="cluster.yaml"``)::

    cluster: slurm            # local | slurm | htcondor | pbs | sge | lsf | address
    jobqueue:                 # keyword arguments of dask_jobqueue.SLURMCluster (HTCondorCluster, ...)
      cores: 8
      processes: 8
      memory: 32GB
      walltime: "04:00:00"
      account: myproject
    scale: {jobs: 20}         # or  adapt: {minimum_jobs: 1, maximum_jobs: 50}
    # cluster: address  ->  address: tcp://scheduler.example.org:8786
    # cluster: local    ->  local: {n_workers: 4, threads_per_worker: 1}
"""
from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import socket
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import pandas as pd

from ..atomic import atomic_path, write_text
from ..progress import quiet as _quiet
from ..progress import report as _report
from ..progress import tqdm_class as _tqdm_class

POINTS_SUBDIR = "points"
RESULTS_FILE = "results.parquet"
MANIFEST_FILE = "sweep.json"

class SweepError(RuntimeError):
    """Raised when points of a sweep failed; the message names the points and shows the first traceback."""


# ------------------------------------------------------------------------------------------------------ points, seeds
def _plain(v: Any) -> Any:
    """Plain JSON value of a point entry (numpy scalars -> Python)."""
    if hasattr(v, "item") and callable(v.item) and getattr(v, "ndim", 1) == 0:
        v = v.item()
    if isinstance(v, float) and v.is_integer() and abs(v) < 2 ** 53:
        return v  # keep floats as given (T=1e3 stays 1000.0): the key is the canonical JSON below
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    raise ValueError(f"sweep: point values must be plain numbers, strings, bools or lists; got {type(v).__name__} "
                     f"({v!r})")


def point_key(point: dict) -> str:
    """Canonical text of a point (sorted keys, plain JSON) — the identity of a point."""
    if not isinstance(point, dict) or not point:
        raise ValueError(f"sweep: a point must be a non-empty dict, got {point!r}")
    return json.dumps({str(k): _plain(v) for k, v in point.items()}, sort_keys=True, separators=(",", ":"))


def point_id(point: dict) -> str:
    """Short stable id of a point (sha256 of its canonical text, 20 hex digits)."""
    return hashlib.sha256(point_key(point).encode()).hexdigest()[:20]


def derive_seed(base_seed: int, point: dict) -> int:
    """The point's own seed: a hash of the base seed and the point, in [0, 2**31)."""
    h = hashlib.sha256(f"{int(base_seed)}|{point_key(point)}".encode()).digest()
    return int.from_bytes(h[:8], "little") % (2 ** 31)


def sweep_directory(prefix: str, config: dict, task_module: str) -> Path:
    """``data/sweeps/<prefix>-<hash>``: one directory per configuration (a plain dict: what determines the data and
    the runs) and version of the task's code (:func:`hepscaling.cache.code_version` of ``task_module``, which covers
    what it imports), so editing a paper's grids, summaries or pages never invalidates finished points."""
    from ..cache import code_version
    from ..paths import data_dir

    h = hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode())
    h.update(code_version(task_module).encode())
    return data_dir() / "sweeps" / f"{prefix}-{h.hexdigest()[:16]}"


def make_grid(**axes: Iterable) -> list[dict]:
    """Cartesian product of named axes: ``make_grid(classifier=["a", "b"], T=[10, 100])`` -> 4 points."""
    if not axes:
        raise ValueError("make_grid: give at least one axis, e.g. make_grid(T=[100, 1000])")
    names = list(axes)
    values = [list(v) for v in axes.values()]
    for n, v in zip(names, values):
        if not v:
            raise ValueError(f"make_grid: axis {n!r} is empty")
    return [dict(zip(names, combo)) for combo in itertools.product(*values)]


def with_repeats(points: Iterable[dict], repeats: int | Callable[[dict], int]) -> list[dict]:
    """Each point ``n`` times, with ``repeat = 0 .. n-1`` (a different derived seed each). ``repeats`` is an int or a
    function of the point (e.g. more repeats for small training sets, as the papers average small-T points)."""
    out = []
    for p in points:
        if "repeat" in p:
            raise ValueError(f"with_repeats: point {p} already has a 'repeat' axis")
        n = repeats(p) if callable(repeats) else repeats
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"with_repeats: the number of repeats must be an int >= 1, got {n!r} for point {p}")
        out.extend({**p, "repeat": r} for r in range(n))
    return out


# ------------------------------------------------------------------------------------------------------ artifacts
ARTIFACT_PREFIX = "artifact:"
ARTIFACT_NAMESPACE = "sweep-artifacts"


class Artifact:
    """A value a task returns that is not a plain number (e.g. a trained network's state dict). The sweep stores it
    through the cache and records ``"artifact:<sha256>"`` in the point's result; :func:`load_artifact` reads it."""

    def __init__(self, value: Any):
        self.value = value


class ArtifactMissing(LookupError):
    """An artifact a record refers to is no longer stored (e.g. the cache was pruned); its point is recomputed."""


def load_artifact(ref: str) -> Any:
    """The value behind an ``"artifact:<sha256>"`` reference of a point's result."""
    from ..cache import get_value

    if not (isinstance(ref, str) and ref.startswith(ARTIFACT_PREFIX)):
        raise ValueError(f"load_artifact: expected a reference 'artifact:<sha256>' from a point's result, got {ref!r}")
    ok, value = get_value(ref[len(ARTIFACT_PREFIX):], namespace=ARTIFACT_NAMESPACE)
    if not ok:
        raise ArtifactMissing(f"artifact {ref} is not in the cache (pruned or written by another machine); rerun the "
                              "point that produced it")
    return value


def _store_artifacts(result: dict) -> dict:
    from ..cache import put_value

    def conv(v):
        if isinstance(v, Artifact):
            return ARTIFACT_PREFIX + put_value(v.value, namespace=ARTIFACT_NAMESPACE)
        if isinstance(v, dict):
            return {k: conv(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [conv(x) for x in v]
        return v
    return conv(result)


def _artifact_refs(v) -> list[str]:
    if isinstance(v, str):
        return [v] if v.startswith(ARTIFACT_PREFIX) else []
    if isinstance(v, dict):
        return [r for x in v.values() for r in _artifact_refs(x)]
    if isinstance(v, (list, tuple)):
        return [r for x in v for r in _artifact_refs(x)]
    return []


def _artifacts_present(rec: dict) -> bool:
    from ..cache import has_value
    return all(has_value(r[len(ARTIFACT_PREFIX):], namespace=ARTIFACT_NAMESPACE) for r in _artifact_refs(rec["result"]))


def _finished(directory, point: dict) -> bool:
    """True when the point's record exists with all its artifacts; a record whose artifacts were pruned from the
    cache is removed, so the point is recomputed."""
    path = point_path(directory, point)
    rec = read_point(path)
    if rec is None:
        return False
    if _artifacts_present(rec):
        return True
    path.unlink(missing_ok=True)
    return False


def finished(directory: str | os.PathLike, point: dict) -> bool:
    """True when ``point`` of the sweep in ``directory`` is finished (its record and artifacts are stored), i.e. a
    run would only read it."""
    return _finished(Path(directory), point)


def point_artifact(directory: str | os.PathLike, point: dict, name: str) -> Any:
    """The artifact ``name`` of a finished point of the sweep in ``directory`` (e.g. the pretrained checkpoint that a
    fine-tuning point starts from). Raises LookupError when the point is not finished or has no such artifact."""
    rec = read_point(point_path(directory, point))
    if rec is None:
        raise LookupError(f"sweep {directory}: point {point} is not finished; run it first")
    if name not in rec["result"]:
        raise LookupError(f"sweep {directory}: point {point} has no result {name!r} (it has {sorted(rec['result'])})")
    return load_artifact(rec["result"][name])


# -------------------------------------------------------------------------------------------------- point files
def point_path(directory: str | os.PathLike, point: dict) -> Path:
    return Path(directory) / POINTS_SUBDIR / f"{point_id(point)}.json"


def read_point(path: str | os.PathLike) -> dict | None:
    """A finished point's record, or None when absent. A file that does not parse (never produced by this module,
    whose writes are atomic) is removed and reported as absent, so it is recomputed rather than read."""
    p = Path(path)
    try:
        text = p.read_text()
    except FileNotFoundError:
        return None
    try:
        rec = json.loads(text)
        if not isinstance(rec, dict) or "point" not in rec or "result" not in rec:
            raise ValueError("not a point record")
        return rec
    except ValueError:
        try:
            p.unlink()
        except OSError:
            pass
        return None


def write_point_atomic(path: str | os.PathLike, record: dict) -> bool:
    """Write a point record atomically; returns False (and writes nothing) when the point is already finished."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(record, sort_keys=True, default=_json_default).encode()
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, p)          # atomic and refuses to overwrite: the first finished copy wins
            return True
        except FileExistsError:
            return False
        except OSError:              # file systems without hard links
            if p.exists():
                return False
            os.replace(tmp, p)
            return True
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass


def _json_default(o):
    if hasattr(o, "tolist"):
        return o.tolist()
    if hasattr(o, "item"):
        return o.item()
    raise TypeError(f"sweep: task results must be plain values (wrap other objects in sweep.Artifact); cannot store "
                    f"{type(o).__name__}")


def run_point(task: Callable, point: dict, seed: int, directory: str, context: dict | None = None) -> dict:
    """Run one point unless it is already finished; write its record atomically. Returns the stored record.
    This is what runs on a Dask worker (or in-process for ``scheduler="sync"``)."""
    path = point_path(directory, point)
    if _finished(directory, point):
        return read_point(path)
    t0 = time.time()
    result = task(dict(point), int(seed), **(context or {}))
    if not isinstance(result, dict):
        raise TypeError(f"sweep: task {getattr(task, '__name__', task)!r} must return a dict of plain values, "
                        f"got {type(result).__name__} for point {point}")
    result = _store_artifacts(result)
    rec = {"point": {str(k): _plain(v) for k, v in point.items()}, "point_id": point_id(point), "seed": int(seed),
           "result": result, "elapsed_s": time.time() - t0, "host": socket.gethostname(), "pid": os.getpid(),
           "finished_at": time.time()}
    write_point_atomic(path, rec)
    return read_point(path) or rec


# ----------------------------------------------------------------------------------------------------------- gather
def gather(directory: str | os.PathLike, points: list[dict] | None = None, write: bool = True) -> pd.DataFrame:
    """Tidy table of the finished points (one row each): point columns, ``seed``, result columns, ``elapsed_s``,
    ``point_id``. With ``points``, only those (in that order; unfinished ones are left out). Writes
    ``results.parquet`` atomically in ``directory`` (all finished points) when ``write``."""
    d = Path(directory)
    pdir = d / POINTS_SUBDIR
    records = []
    if points is None:
        files = sorted(pdir.glob("*.json")) if pdir.is_dir() else []
        for f in files:
            if f.name.startswith(".tmp-"):
                continue
            rec = read_point(f)
            if rec is not None:
                records.append(rec)
    else:
        for pt in points:
            rec = read_point(point_path(d, pt))
            if rec is not None:
                records.append(rec)
    rows = []
    for rec in records:
        row = dict(rec["point"])
        row["seed"] = rec["seed"]
        for k, v in rec["result"].items():
            if k in row and row[k] == v:
                continue
            if k in row:
                raise ValueError(f"sweep: result key {k!r} of point {rec['point']} clashes with a point key")
            row[k] = v
        row["elapsed_s"] = rec.get("elapsed_s")
        row["point_id"] = rec.get("point_id", point_id(rec["point"]))
        rows.append(row)
    table = pd.DataFrame(rows)
    if write and points is None and d.is_dir():
        _write_table_atomic(table, d / RESULTS_FILE)
    return table


def _write_table_atomic(table: pd.DataFrame, path: Path) -> None:
    with atomic_path(path, suffix=".parquet") as tmp:
        table.to_parquet(tmp, index=False)


def _clean_stale_tmp(directory: Path, older_than_s: float = 600.0) -> None:
    pdir = directory / POINTS_SUBDIR
    if not pdir.is_dir():
        return
    now = time.time()
    for f in pdir.glob(".tmp-*"):
        try:
            if now - f.stat().st_mtime > older_than_s:
                f.unlink()
        except OSError:
            pass


# --------------------------------------------------------------------------------------------------------- progress
@dataclass
class Progress:
    """Points done (of total), and a time-left estimate from the rate of the points run in this call."""
    total: int
    done: int = 0
    already_done: int = 0
    start: float = 0.0

    @property
    def elapsed_s(self) -> float:
        return time.time() - self.start

    @property
    def eta_s(self) -> float:
        ran = self.done - self.already_done
        if ran <= 0:
            return math.nan
        return self.elapsed_s / ran * (self.total - self.done)

    def line(self) -> str:
        eta = "?" if math.isnan(self.eta_s) else f"{self.eta_s:.0f} s"
        return (f"{self.done}/{self.total} points done ({self.already_done} from earlier runs), "
                f"{self.elapsed_s:.0f} s elapsed, about {eta} left")


def _default_reporter() -> Callable[[Progress], None]:
    state = {"last": -1.0}

    def report(p: Progress) -> None:
        if not _quiet():
            return  # the progress bar shows it
        frac = p.done / max(p.total, 1)
        if p.done == p.total or frac - state["last"] >= 0.25:
            state["last"] = frac
            _report("sweep: " + p.line())
    return report


# ---------------------------------------------------------------------------------------------------------- clusters
def cluster_from_config(config: dict | str | os.PathLike):
    """A Dask cluster (or scheduler address) from a config mapping or YAML file (format in the module docstring).
    Returns ``(cluster_or_address, owned)``; ``owned`` tells whether the caller must close it."""
    import yaml

    source = "config"
    if not isinstance(config, dict):
        source = str(config)
        try:
            config = yaml.safe_load(Path(config).read_text()) or {}
        except FileNotFoundError:
            raise ValueError(f"sweep: cluster config file {source} does not exist") from None
        if not isinstance(config, dict):
            raise ValueError(f"sweep: cluster config {source} must be a mapping with key 'cluster'")
    kind = str(config.get("cluster", "")).lower()
    if kind == "address":
        addr = config.get("address")
        if not addr:
            raise ValueError(f"sweep: cluster config {source}: 'cluster: address' needs 'address: tcp://host:port'")
        return addr, False
    if kind == "local":
        kw = {"n_workers": os.cpu_count() or 1, "threads_per_worker": 1, "processes": True,
              "dashboard_address": None}
        kw.update(config.get("local") or {})
        return local_cluster(**kw), True
    classes = {"slurm": "SLURMCluster", "htcondor": "HTCondorCluster", "pbs": "PBSCluster", "sge": "SGECluster",
               "lsf": "LSFCluster", "moab": "MoabCluster", "oar": "OARCluster"}
    if kind not in classes:
        raise ValueError(f"sweep: cluster config {source}: 'cluster' must be one of "
                         f"{['local', 'address', *classes]}, got {config.get('cluster')!r}")
    import dask_jobqueue
    cls = getattr(dask_jobqueue, classes[kind])
    cluster = cls(**(config.get("jobqueue") or {}))
    if config.get("adapt"):
        cluster.adapt(**config["adapt"])
    else:
        cluster.scale(**(config.get("scale") or {"jobs": 1}))
    return cluster, True


def worker_environ(threads_per_worker: int = 1) -> dict:
    """The environment variables the sweep's local worker processes start with, over Dask's defaults
    (``distributed.nanny.pre-spawn-environ``; ``None``: not set by the sweep, inherited from this process).

    * ``MALLOC_TRIM_THRESHOLD_`` not set. Dask sets it to 65536 so that idle workers hand memory back to the system;
      glibc then also fixes its mmap threshold at 128 KiB (setting either disables the adaptive one), so every
      tensor above 128 KiB is mapped fresh and unmapped when freed, and its pages fault in again, zeroed by the
      kernel, on every training step. For a small torch model that is 10× the system time: 13.9 against 1.3
      CPU-s (and 14× the page faults) for 40 steps of paper C's GPT and 1000 generated jets, the user time
      unchanged (measured 2026-12-02, one process, one thread). Our workers run few, short-lived tasks; the memory
      a task frees is reused by the next. Export ``MALLOC_TRIM_THRESHOLD_`` to keep Dask's behaviour (a value in
      this process's environment is inherited).
    * ``OMP_NUM_THREADS``, ``MKL_NUM_THREADS``, ``OPENBLAS_NUM_THREADS`` = ``threads_per_worker`` (Dask: 1, or this
      process's values), so the workers' threads together match the cores they were given."""
    n = str(int(threads_per_worker))
    return {"MALLOC_TRIM_THRESHOLD_": None, "OMP_NUM_THREADS": n, "MKL_NUM_THREADS": n, "OPENBLAS_NUM_THREADS": n}


def local_cluster(**kwargs):
    """A ``distributed.LocalCluster(**kwargs)`` whose worker processes start with :func:`worker_environ` (also
    when a worker is restarted). Dask's nanny copies the variables into this process's environment before it
    starts a worker (and prefers the values it finds there); they are restored afterwards."""
    import dask
    from distributed import LocalCluster

    env = worker_environ(int(kwargs.get("threads_per_worker") or 1))
    saved = dict(os.environ)
    try:
        os.environ.update({k: v for k, v in env.items() if v is not None})
        with dask.config.set({f"distributed.nanny.pre-spawn-environ.{k}": v for k, v in env.items()}):
            return LocalCluster(**kwargs)
    finally:
        for k in set(saved) | set(os.environ):
            if os.environ.get(k) != saved.get(k):
                if k in saved:
                    os.environ[k] = saved[k]
                else:
                    del os.environ[k]


def get_client(scheduler: Any = "local", n_workers: int | None = None, threads_per_worker: int = 1):
    """``(client, closer)`` for a scheduler spec (see module docstring); ``closer()`` releases what was created."""
    from distributed import Client

    if isinstance(scheduler, Client):
        return scheduler, lambda: None
    if not isinstance(scheduler, (str, os.PathLike)):
        raise ValueError(f"sweep: scheduler must be 'sync', 'local', a scheduler address, a cluster YAML file or a "
                         f"distributed.Client; got {scheduler!r}")
    s = str(scheduler)
    if s == "local":
        import logging
        cluster = local_cluster(n_workers=n_workers or os.cpu_count() or 1, threads_per_worker=threads_per_worker,
                                processes=True, dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
        return client, lambda: (client.close(), cluster.close())
    if s.endswith((".yaml", ".yml")):
        cluster, owned = cluster_from_config(s)
        client = Client(cluster)
        return client, (lambda: (client.close(), cluster.close())) if owned else client.close
    if "://" in s or (":" in s and s.rsplit(":", 1)[1].isdigit()):
        client = Client(s)
        return client, client.close
    raise ValueError(f"sweep: unknown scheduler {s!r}: expected 'sync', 'local', 'tcp://host:port', a path to a "
                     "cluster YAML file, or a distributed.Client")


# ------------------------------------------------------------------------------------------------------------- run
def _task_name(task: Callable) -> str:
    return f"{getattr(task, '__module__', '?')}.{getattr(task, '__qualname__', repr(task))}"


def _check_manifest(directory: Path, task: Callable, base_seed: int, meta: dict | None) -> None:
    path = directory / MANIFEST_FILE
    info = {"task": _task_name(task), "base_seed": int(base_seed), "meta": meta or {}}
    if path.exists():
        old = json.loads(path.read_text())
        if old.get("task") != info["task"] or old.get("base_seed") != info["base_seed"]:
            raise ValueError(f"sweep: directory {directory} holds a sweep of task {old.get('task')!r} with base seed "
                             f"{old.get('base_seed')}; refusing to mix in task {info['task']!r} with base seed "
                             f"{base_seed}. Use another directory.")
        return
    write_text(path, json.dumps(info, indent=2, sort_keys=True, default=str))


def run_sweep(task: Callable, points: list[dict], directory: str | os.PathLike, base_seed: int = 0,
              scheduler: Any = "local", n_workers: int | None = None, threads_per_worker: int = 1,
              context: dict | None = None, retries: int = 3, on_progress: Callable[[Progress], None] | None = None,
              show_bar: bool = True, meta: dict | None = None, priority: Callable[[dict], float] | None = None
              ) -> pd.DataFrame:
    """Run ``task(point, seed, **context)`` for every point not yet finished in ``directory``; return the tidy
    table of all ``points`` (one row each, in the given order).

    ``retries``: how many times a point whose worker died (or that raised) is resubmitted before the sweep fails.
    ``priority``: optional function of a point; larger runs first (e.g. the expensive large-T points).
    Raises :class:`SweepError` naming the failed points (the finished ones stay on disk)."""
    directory = Path(directory)
    if not points:
        raise ValueError("run_sweep: no points given")
    ids = [point_id(p) for p in points]
    if len(set(ids)) != len(ids):
        dup = next(p for p, i in zip(points, ids) if ids.count(i) > 1)
        raise ValueError(f"run_sweep: point {dup} appears more than once in the grid")
    _check_manifest(directory, task, base_seed, meta)
    _clean_stale_tmp(directory)
    (directory / POINTS_SUBDIR).mkdir(parents=True, exist_ok=True)

    todo = [p for p in points if not _finished(directory, p)]
    if priority is not None:
        todo.sort(key=lambda p: -priority(p))
    prog = Progress(total=len(points), done=len(points) - len(todo), already_done=len(points) - len(todo),
                    start=time.time())
    report = on_progress or _default_reporter()
    bar = _tqdm_class()(total=len(points), initial=prog.done, desc=f"sweep {directory.name}",
                        disable=_quiet() or not show_bar)
    failures: list[tuple[dict, str]] = []

    def step() -> None:
        prog.done += 1
        bar.update(1)
        bar.set_postfix_str("ETA " + ("?" if math.isnan(prog.eta_s) else f"{prog.eta_s:.0f}s"))
        report(prog)

    try:
        if todo and str(scheduler) == "sync":
            for p in todo:
                for attempt in range(retries + 1):
                    try:
                        run_point(task, p, derive_seed(base_seed, p), str(directory), context)
                        break
                    except Exception:
                        if attempt == retries:
                            failures.append((p, traceback.format_exc()))
                step()
        elif todo:
            _run_on_dask(task, todo, directory, base_seed, scheduler, n_workers, threads_per_worker, context,
                         retries, failures, step)
    finally:
        bar.close()
    gather(directory)  # refresh results.parquet with everything finished so far
    if failures:
        names = "; ".join(str(p) for p, _ in failures[:10])
        raise SweepError(f"sweep in {directory}: {len(failures)} of {len(points)} points failed ({names}"
                         f"{' ...' if len(failures) > 10 else ''}). First error:\n{failures[0][1]}")
    return gather(directory, points)


def _run_on_dask(task, todo, directory, base_seed, scheduler, n_workers, threads_per_worker, context, retries,
                 failures, step) -> None:
    from distributed import as_completed

    client, closer = get_client(scheduler, n_workers=n_workers, threads_per_worker=threads_per_worker)
    try:
        attempts: dict[str, int] = {}
        by_key: dict[str, dict] = {}
        # the directory is part of the task key: two sweeps sharing a client (one Client for several directories)
        # submit the same point ids, and Dask would hand one sweep's result to the other under a shared key
        tag = hashlib.sha256(str(Path(directory).resolve()).encode()).hexdigest()[:12]

        def submit(p):
            pid = point_id(p)
            n = attempts.get(pid, 0)
            attempts[pid] = n + 1
            fut = client.submit(run_point, task, p, derive_seed(base_seed, p), str(directory), context,
                                key=f"sweep-point-{tag}-{pid}-try{n}", pure=False)
            by_key[fut.key] = p
            return fut

        ac = as_completed([submit(p) for p in todo], with_results=False)
        for fut in ac:
            p = by_key.pop(fut.key)
            if fut.status == "finished":
                step()
                continue
            # error or lost worker: the point file tells whether the work got done before the failure
            if read_point(point_path(directory, p)) is not None:
                step()
                continue
            if attempts[point_id(p)] <= retries:
                ac.add(submit(p))
                continue
            try:
                exc = fut.exception()
                tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            except Exception as e:  # pragma: no cover
                tb = repr(e)
            failures.append((p, tb))
            step()
    finally:
        closer()
