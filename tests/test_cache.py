"""The content-addressed cache: atomic writes, corrupt entries recomputed, code edits invalidate exactly dependents."""
import importlib
import os
import pickle
import time
from pathlib import Path

import numpy as np
import pytest

from hepscaling import cache
from hepscaling.cache import cached, read_entry, write_entry


def _counter():
    calls = []

    @cached
    def square_sum(a, shift=0.0):
        calls.append(1)
        return float(np.sum(np.asarray(a) ** 2) + shift)

    return square_sum, calls


def test_hit_miss_and_argument_keys(tmp_cache):
    f, calls = _counter()
    a = np.arange(5.0)
    assert f(a) == 30.0 and len(calls) == 1
    assert f(a) == 30.0 and len(calls) == 1                 # hit
    assert f(a.copy()) == 30.0 and len(calls) == 1          # same content, same key
    assert f(a, shift=1.0) == 31.0 and len(calls) == 2      # other argument
    b = a.copy()
    b[0] = 1.0
    assert f(b) == 31.0 and len(calls) == 3                 # other content
    assert f(a.astype(np.float32)) == 30.0 and len(calls) == 4   # dtype is part of the key
    assert f.cache_path(a).is_file() and str(f.cache_path(a)).startswith(str(tmp_cache))


def test_path_arguments_are_keyed_by_file_content(tmp_cache, tmp_path):
    calls = []

    @cached
    def size_of(path):
        calls.append(1)
        return len(Path(path).read_bytes())

    p = tmp_path / "input.dat"
    p.write_bytes(b"abc")
    assert size_of(p) == 3 and size_of(p) == 3 and len(calls) == 1
    p.write_bytes(b"abcd")                                  # same name, new content -> recomputed
    assert size_of(p) == 4 and len(calls) == 2


def test_write_is_atomic_and_leaves_no_partial_file(tmp_path):
    path = tmp_path / "entries" / "x.pkl"
    write_entry(path, {"a": 1})

    class Unpicklable:
        def __reduce__(self):
            raise RuntimeError("cannot pickle")

    with pytest.raises(RuntimeError):
        write_entry(path, Unpicklable())
    assert read_entry(path) == (True, {"a": 1})             # the old entry survives a failed overwrite
    assert [p.name for p in path.parent.iterdir()] == ["x.pkl"]   # and no temporary file is left


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_corrupt_entry_is_detected_and_recomputed(tmp_cache, damage):
    f, calls = _counter()
    a = np.arange(4.0)
    assert f(a) == 14.0
    path = f.cache_path(a)
    raw = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(raw[: len(raw) // 2])
    elif damage == "flip":
        path.write_bytes(raw[:-3] + bytes([raw[-3] ^ 0xFF]) + raw[-2:])
    elif damage == "garbage":
        path.write_bytes(b"not a cache entry")
    else:
        path.write_bytes(b"")
    assert read_entry(path) == (False, None) and not path.exists()   # never returned, removed
    path.write_bytes(raw[: len(raw) // 2] if damage != "empty" else b"")
    assert f(a) == 14.0 and len(calls) == 2                 # recomputed ...
    assert read_entry(path)[0]                              # ... and stored again, intact


def test_a_valid_pickle_with_a_wrong_checksum_is_not_trusted(tmp_cache):
    f, calls = _counter()
    a = np.ones(3)
    f(a)
    path = f.cache_path(a)
    raw = path.read_bytes()
    header = raw.split(b"\n", 2)[:2]                       # magic line, sha256 of the real payload
    forged = pickle.dumps(999.0, protocol=4)
    path.write_bytes(b"\n".join(header) + b"\n" + forged)   # well-formed pickle, stale checksum
    assert f(a) == 3.0 and len(calls) == 2


def test_cache_dir_relocatable_and_switchable(tmp_path, monkeypatch):
    monkeypatch.setenv("HEPSCALING_CACHE", str(tmp_path / "elsewhere"))
    assert cache.cache_dir() == tmp_path / "elsewhere"
    monkeypatch.setenv("HEPSCALING_CACHE", "off")
    assert cache.cache_dir() is None
    f, calls = _counter()
    f(np.ones(2))
    f(np.ones(2))
    assert len(calls) == 2                                  # disabled: always computed


BASE = """
SCALE = {scale}

def scale():
    return SCALE
"""
DEPENDENT = """
from hepscaling.cache import cached
from . import _t_base

CALLS = []

@cached
def compute(x):
    CALLS.append(x)
    return _t_base.scale() * x
"""
UNRELATED = """
from hepscaling.cache import cached

CALLS = []

@cached
def compute(x):
    CALLS.append(x)
    return x + 1
"""


def test_editing_a_module_invalidates_its_dependents_only(tmp_cache, tmp_modules):
    tmp_modules("base", BASE.format(scale=2))
    dep = tmp_modules("dep", DEPENDENT)
    unrel = tmp_modules("unrel", UNRELATED)

    def run():
        d, u = importlib.import_module(dep), importlib.import_module(unrel)
        return d.compute(10), len(d.CALLS), u.compute(10), len(u.CALLS)

    assert run() == (20, 1, 11, 1)                          # first run computes both
    tmp_modules("dep", DEPENDENT)                           # fresh processes (modules re-imported), no edit
    assert run() == (20, 0, 11, 0)                          # both are cache hits

    tmp_modules("base", BASE.format(scale=3))               # edit the module that `dep` imports
    assert run() == (30, 1, 11, 0)                          # dependent recomputed, unrelated still a hit

    tmp_modules("unrel", UNRELATED.replace("x + 1", "x + 2"))   # edit the unrelated module itself
    assert run() == (30, 0, 12, 1)


def test_code_version_follows_imports_transitively(tmp_modules):
    tmp_modules("base", BASE.format(scale=2))
    mid = tmp_modules("mid", "from . import _t_base\n")
    top = tmp_modules("top", "import hepscaling._t_mid\n")
    v1 = cache.code_version(top)
    tmp_modules("base", BASE.format(scale=5))
    assert cache.code_version(top) != v1
    assert cache.code_version(mid) != v1


def _entries_with_ages(f, ages_days, now):
    """One cache entry per argument, last used ``ages_days`` ago; returns their paths."""
    paths = []
    for i, age in enumerate(ages_days):
        f(np.full(1000, float(i)))
        p = f.cache_path(np.full(1000, float(i)))
        os.utime(p, (now - age * 86400, now - age * 86400))
        paths.append(p)
    return paths


def test_a_hit_marks_the_entry_as_used(tmp_cache):
    f, calls = _counter()
    a = np.arange(3.0)
    f(a)
    p = f.cache_path(a)
    os.utime(p, (1e9, 1e9))                       # long ago
    f(a)
    assert len(calls) == 1 and time.time() - p.stat().st_mtime < 60


def test_prune_by_age_then_least_recently_used(tmp_cache):
    f, calls = _counter()
    now = time.time()
    paths = _entries_with_ages(f, [40, 1, 10, 2], now)
    size = paths[0].stat().st_size
    assert all(p.stat().st_size == size for p in paths)
    res = cache.prune(older_than_days=30, now=now, dry_run=True)
    assert res["removed"] == 1 and all(p.exists() for p in paths)          # a dry run removes nothing
    res = cache.prune(older_than_days=30, max_bytes=2 * size, now=now)
    assert res == {"removed": 2, "removed_bytes": 2 * size, "kept": 2, "kept_bytes": 2 * size}
    assert [p.exists() for p in paths] == [False, True, False, True]        # 40 days old, then the 10-day one
    n = len(calls)
    assert f(np.full(1000, 0.0)) == 0.0 and len(calls) == n + 1              # a pruned entry is just recomputed
    assert [r["entries"] for r in cache.usage()] == [3]


def test_prune_removes_debris_of_interrupted_writes_only_when_old(tmp_cache):
    f, _ = _counter()
    f(np.arange(2.0))
    folder = f.cache_path(np.arange(2.0)).parent
    old, fresh = folder / ".tmp-x.pkl.abc", folder / ".tmp-y.pkl.def"
    old.write_bytes(b"partial")
    fresh.write_bytes(b"partial")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    res = cache.prune(older_than_days=365)
    assert res["removed"] == 1 and not old.exists() and fresh.exists() and f.cache_path(np.arange(2.0)).exists()
    with pytest.raises(ValueError, match="give max_bytes and/or older_than_days"):
        cache.prune()


def test_content_addressed_values_round_trip_and_detect_corruption(tmp_cache):
    import numpy as np

    from hepscaling.cache import get_value, has_value, put_value
    v = {"w": np.arange(10.0), "n": 3}
    k = put_value(v, namespace="t")
    assert put_value({"w": np.arange(10.0), "n": 3}, namespace="t") == k        # same content, same key
    assert put_value({"w": np.arange(10.0), "n": 4}, namespace="t") != k
    ok, back = get_value(k, namespace="t")
    assert ok and np.array_equal(back["w"], v["w"]) and has_value(k, namespace="t")
    path = next(tmp_cache.rglob(f"{k}.pkl"))
    path.write_bytes(path.read_bytes()[:-5])                                     # truncated
    assert get_value(k, namespace="t") == (False, None) and not has_value(k, namespace="t")
    import pytest
    with pytest.raises(ValueError, match="sha256"):
        get_value("../etc/passwd", namespace="t")
