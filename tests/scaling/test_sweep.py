"""The sweep engine: grids and seeds, exactly-once resumable execution, and recovery from a killed Dask worker."""
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

import cloudpickle
import pytest

from hepscaling.scaling import sweep
from hepscaling.scaling.sweep import (Artifact, ArtifactMissing, SweepError, derive_seed, gather, load_artifact,
                                      make_grid, point_artifact, point_id, point_path, read_point, run_sweep,
                                      with_repeats, write_point_atomic)

# the workers of a LocalCluster import tasks by reference; ship this test module's functions by value instead
cloudpickle.register_pickle_by_value(sys.modules[__name__])


def square_task(point, seed, log=None, sleep=0.0, fail_on=None):
    """Idempotent toy task: logs every start (point id, pid), sleeps, returns a value fixed by point and seed."""
    if log:
        with open(log, "a") as f:
            f.write(f"{point_id(point)} {os.getpid()}\n")
            f.flush()
    if fail_on is not None and point["x"] == fail_on:
        raise RuntimeError(f"deliberate failure at x={fail_on}")
    time.sleep(sleep)
    return {"value": point["x"] ** 2 + seed % 7, "pid": os.getpid()}


def starts(log: Path) -> list[tuple[str, int]]:
    if not log.exists():
        return []
    return [(a, int(b)) for a, b in (line.split() for line in log.read_text().splitlines() if line.strip())]


def test_grids_with_named_axes_and_point_dependent_repeats():
    g = make_grid(N=[10, 100], D=[1, 2, 3])
    assert len(g) == 6 and g[0] == {"N": 10, "D": 1} and g[-1] == {"N": 100, "D": 3}
    r = with_repeats(g, lambda p: 4 if p["D"] <= 1 else 1)
    assert len(r) == 2 * 4 + 4 * 1
    assert sorted(p["repeat"] for p in r if p == {**p, "N": 10, "D": 1}) == [0, 1, 2, 3]
    assert len({point_id(p) for p in r}) == len(r)               # every repeat is its own point (own seed)
    assert len(with_repeats(g, 2)) == 12
    with pytest.raises(ValueError, match="already has a 'repeat'"):
        with_repeats(r, 2)
    with pytest.raises(ValueError, match="int >= 1"):
        with_repeats(g, lambda p: 0)
    with pytest.raises(ValueError, match="axis 'D' is empty"):
        make_grid(N=[1], D=[])


def pretrain_task(point, seed):
    """Stands in for a pretraining run: returns a 'checkpoint' (not a plain value) as an artifact."""
    import numpy as np
    w = np.random.default_rng(seed).normal(size=(50, 50)) * point["scale"]
    return {"norm": float(np.linalg.norm(w)), "checkpoint": Artifact({"w": w, "scale": point["scale"]})}


def finetune_task(point, seed, pre_dir):
    """Stands in for fine-tuning: loads the pretrained point's artifact."""
    ck = point_artifact(pre_dir, {"scale": point["scale"]}, "checkpoint")
    return {"norm_from_checkpoint": float(((ck["w"] ** 2).sum()) ** 0.5), "scale": ck["scale"]}


def test_artifacts_go_through_the_cache_and_later_points_load_them(tmp_path, tmp_cache):
    pre = run_sweep(pretrain_task, [{"scale": 1.0}, {"scale": 2.0}], tmp_path / "pre", scheduler="sync")
    ref = pre["checkpoint"].iloc[1]
    assert isinstance(ref, str) and ref.startswith("artifact:")            # the record holds a reference only
    assert "w" not in (tmp_path / "pre" / "points").iterdir().__next__().read_text()
    ck = load_artifact(ref)
    assert ck["scale"] == 2.0 and abs(float((ck["w"] ** 2).sum()) ** 0.5 - pre["norm"].iloc[1]) < 1e-12
    assert any(tmp_cache.rglob("*.pkl"))                                   # stored in the one cache
    fine = run_sweep(finetune_task, [{"scale": 2.0, "lr": 0.1}], tmp_path / "fine", scheduler="sync",
                     context={"pre_dir": str(tmp_path / "pre")})
    assert fine["norm_from_checkpoint"].iloc[0] == pytest.approx(pre["norm"].iloc[1], rel=1e-12)
    # a pruned artifact: loading says so, and rerunning the sweep recomputes (only) the point that made it
    for f in tmp_cache.rglob("*.pkl"):
        f.unlink()
    with pytest.raises(ArtifactMissing, match="not in the cache"):
        load_artifact(ref)
    again = run_sweep(pretrain_task, [{"scale": 1.0}, {"scale": 2.0}], tmp_path / "pre", scheduler="sync")
    assert list(again["norm"]) == list(pre["norm"]) and load_artifact(again["checkpoint"].iloc[1])["scale"] == 2.0
    with pytest.raises(ValueError, match="artifact:<sha256>"):
        load_artifact("checkpoint.pt")


def test_seeds_are_per_point_and_stable():
    p = {"classifier": "knn_lot", "T": 500, "repeat": 2}
    q = dict(reversed(list(p.items())))
    assert derive_seed(0, p) == derive_seed(0, q)          # key order does not matter
    assert derive_seed(0, p) != derive_seed(1, p)
    assert derive_seed(0, p) != derive_seed(0, {**p, "repeat": 3})
    seeds = {derive_seed(0, {"T": 100, "repeat": r}) for r in range(1000)}
    assert len(seeds) == 1000


def test_sync_sweep_is_resumable_and_never_recomputes(tmp_path):
    log = tmp_path / "log.txt"
    pts = make_grid(x=list(range(6)))
    ctx = {"log": str(log)}
    # an interrupted sweep: only the first half ran
    run_sweep(square_task, pts[:3], tmp_path / "sw", scheduler="sync", context=ctx)
    assert len(starts(log)) == 3
    table = run_sweep(square_task, pts, tmp_path / "sw", scheduler="sync", context=ctx)
    assert len(starts(log)) == 6                              # only the missing three ran
    assert list(table["x"]) == list(range(6))
    for _, row in table.iterrows():
        assert row["value"] == row["x"] ** 2 + derive_seed(0, {"x": row["x"]}) % 7
    again = run_sweep(square_task, pts, tmp_path / "sw", scheduler="sync", context=ctx)
    assert len(starts(log)) == 6
    assert again.equals(table)
    assert (tmp_path / "sw" / "results.parquet").exists()
    # a corrupt point file (never written by the engine) is not read but recomputed
    point_path(tmp_path / "sw", pts[0]).write_text('{"point": {"x": 0}, "res')
    run_sweep(square_task, pts, tmp_path / "sw", scheduler="sync", context=ctx)
    assert len(starts(log)) == 7
    # another task in the same directory is refused
    with pytest.raises(ValueError, match="refusing to mix"):
        run_sweep(test_sweep_failures_are_reported, pts, tmp_path / "sw", scheduler="sync")


def test_atomic_write_first_copy_wins(tmp_path):
    p = tmp_path / "points" / "a.json"
    assert write_point_atomic(p, {"point": {"x": 1}, "result": {"v": 1}})
    assert not write_point_atomic(p, {"point": {"x": 1}, "result": {"v": 2}})
    assert read_point(p)["result"]["v"] == 1
    assert not [f for f in p.parent.iterdir() if f.name.startswith(".tmp-")]


def test_sweep_failures_are_reported(tmp_path):
    pts = make_grid(x=[1, 2, 3])
    with pytest.raises(SweepError, match="deliberate failure at x=2"):
        run_sweep(square_task, pts, tmp_path / "sw", scheduler="sync", context={"fail_on": 2}, retries=1)
    done = gather(tmp_path / "sw")
    assert sorted(done["x"]) == [1, 3]                         # the others are kept


def test_cluster_config_errors(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("cluster: nonsense\n")
    with pytest.raises(ValueError, match="'cluster' must be one of"):
        sweep.cluster_from_config(cfg)
    with pytest.raises(ValueError, match="needs 'address"):
        sweep.cluster_from_config({"cluster": "address"})
    with pytest.raises(ValueError, match="unknown scheduler"):
        sweep.get_client("nowhere")


def test_slurm_config_renders_a_batch_script():
    """A SLURM description becomes a dask-jobqueue cluster whose job script asks for the configured resources
    (no batch system is needed to render it; no job is submitted with scale jobs=0)."""
    cluster, owned = sweep.cluster_from_config({"cluster": "slurm", "scale": {"jobs": 0},
                                                "jobqueue": {"cores": 4, "memory": "8GB", "walltime": "01:00:00",
                                                             "scheduler_options": {"dashboard_address": None}}})
    try:
        script = cluster.job_script()
        assert owned and "#SBATCH" in script and "01:00:00" in script
    finally:
        cluster.close()


@pytest.mark.slow
def test_local_cluster_survives_a_killed_worker(tmp_path):
    """Real multi-process LocalCluster; SIGKILL a worker while it runs a point; every point ends up done once."""
    log = tmp_path / "log.txt"
    pts = make_grid(x=list(range(24)))
    ctx = {"log": str(log), "sleep": 0.4}
    killed: dict = {}

    def killer():
        deadline = time.time() + 60
        while time.time() < deadline:
            s = starts(log)
            if len(s) >= 6:
                victim = s[-1][1]                    # this worker has just started a point: kill it mid-point
                os.kill(victim, signal.SIGKILL)
                killed["pid"] = victim
                killed["point"] = s[-1][0]
                return
            time.sleep(0.02)

    th = threading.Thread(target=killer, daemon=True)
    th.start()
    table = run_sweep(square_task, pts, tmp_path / "sw", scheduler="local", n_workers=2, context=ctx, retries=3,
                      show_bar=False)
    th.join()
    assert "pid" in killed, "the worker was never killed: the test did not exercise recovery"
    # every point once in the table, with the right value, and one point file each
    assert sorted(table["x"]) == list(range(24))
    assert table["point_id"].is_unique
    for _, row in table.iterrows():
        assert row["value"] == row["x"] ** 2 + derive_seed(0, {"x": row["x"]}) % 7
    assert len(list((tmp_path / "sw" / "points").glob("*.json"))) == 24
    assert not list((tmp_path / "sw" / "points").glob(".tmp-*"))
    # the killed point was redone elsewhere; only points interrupted by the kill ran more than once
    assert table.set_index("point_id").loc[killed["point"], "pid"] != killed["pid"]
    s = starts(log)
    counts: dict[str, list[int]] = {}
    for pid_, proc in s:
        counts.setdefault(pid_, []).append(proc)
    assert set(counts) == {point_id(p) for p in pts}
    assert len(counts[killed["point"]]) >= 2
    for pid_, procs in counts.items():
        if len(procs) > 1:
            assert killed["pid"] in procs
    # nothing is recomputed on a second run
    n = len(s)
    again = run_sweep(square_task, pts, tmp_path / "sw", scheduler="sync", context=ctx)
    assert len(starts(log)) == n and again.equals(table)
    rec = json.loads(point_path(tmp_path / "sw", pts[0]).read_text())
    assert rec["point"] == {"x": 0}


@pytest.mark.slow
def test_two_sweeps_on_one_client_keep_their_own_points(tmp_path):
    """Regression: two sweeps of the same points in different directories, running at once on one shared Client,
    each write every point into their own directory with their own context (the Dask key names the directory)."""
    from concurrent.futures import ThreadPoolExecutor

    from distributed import Client, LocalCluster
    pts = make_grid(x=list(range(8)))
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    try:
        def one(name, seed):
            return run_sweep(square_task, pts, tmp_path / name, base_seed=seed, scheduler=client,
                             context={"sleep": 0.05}, show_bar=False)
        with ThreadPoolExecutor(2) as pool:
            a, b = pool.submit(one, "a", 0), pool.submit(one, "b", 3)
            ta, tb = a.result(), b.result()
    finally:
        client.close()
        cluster.close()
    for name, seed, table in (("a", 0, ta), ("b", 3, tb)):
        assert len(list((tmp_path / name / "points").glob("*.json"))) == 8
        assert sorted(table["x"]) == list(range(8))
        for _, row in table.iterrows():
            assert row["value"] == row["x"] ** 2 + derive_seed(seed, {"x": row["x"]}) % 7


def env_task(point, seed):
    """The allocator and thread settings a worker process started with (its /proc environment, not os.environ)."""
    env = dict(line.split("=", 1) for line in open("/proc/self/environ").read().split("\0") if "=" in line)
    return {k: env.get(k, "unset") for k in ("MALLOC_TRIM_THRESHOLD_", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
def test_local_workers_keep_glibc_adaptive_malloc_and_one_thread_per_worker(tmp_path, monkeypatch):
    # Dask's default MALLOC_TRIM_THRESHOLD_=65536 fixes glibc's mmap threshold: torch's tensors are then mapped and
    # unmapped on every step (10x the system time of a small GPT's training); the sweep's workers start without it
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    for threads in (1, 2):
        table = run_sweep(env_task, make_grid(x=[0]), tmp_path / f"env{threads}", scheduler="local", n_workers=1,
                          threads_per_worker=threads, show_bar=False)
        row = table.iloc[0]
        assert row["MALLOC_TRIM_THRESHOLD_"] == "unset"
        assert row["OMP_NUM_THREADS"] == row["MKL_NUM_THREADS"] == str(threads)
