"""The one content-addressed cache for every expensive step.

Decorate a function with :func:`cached` and its results are stored on disk under a key that covers

* the *code version*: the source text of the function's module and of every ``hepscaling`` module that module
  imports (transitively), so editing a src function invalidates exactly the results that depend on it;
* every argument: numpy arrays and torch tensors by content (dtype, shape, bytes), :class:`pathlib.Path` arguments by
  the sha256 of the file they name (the *input data hashes*), everything else by a canonical text form — the seed is
  an argument like any other.

The cache directory is ``$HEPSCALING_CACHE`` if set, else ``data/cache`` in the repository.  Entries are written to a
temporary file and renamed into place (atomic); each entry stores the sha256 of its payload, and a truncated or
corrupt entry is detected on read, deleted and recomputed — never returned.  ``HEPSCALING_CACHE=off`` disables it.

Every edit of the code leaves the entries of the old version behind, so the cache only grows.  A hit refreshes the
entry's modification time, which therefore records when it was last used; :func:`usage` lists the cache per function
and :func:`prune` removes entries unused for some days and/or the least recently used ones above a size budget
(``python -m hepscaling cache`` and ``python -m hepscaling cache prune --max-size 5G --older-than 30``).
"""
from __future__ import annotations

import ast
import functools
import hashlib
import importlib
import inspect
import io
import json
import os
import pickle
import sys
import threading
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .atomic import write_bytes
from .paths import repo_root

_MAGIC = b"HEPSCACHE1\n"
_module_hash_memo: dict[str, str] = {}
_lock = threading.Lock()


def cache_dir() -> Path | None:
    """Directory of the cache (``$HEPSCALING_CACHE``, default ``<repo>/data/cache``); ``None`` when disabled."""
    env = os.environ.get("HEPSCALING_CACHE")
    if env is not None and env.strip().lower() in {"off", "0", "none", "disabled"}:
        return None
    d = Path(env) if env else repo_root() / "data" / "cache"
    d.mkdir(parents=True, exist_ok=True)
    return d


# ----------------------------------------------------------------------------------------------------------- hashing
def hash_bytes(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


def hash_file(path: str | os.PathLike, chunk: int = 1 << 22) -> str:
    """sha256 of a file's content."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            block = f.read(chunk)
            if not block:
                break
            h.update(block)
    return h.hexdigest()


def hash_array(a) -> str:
    """sha256 of an array's dtype, shape and bytes (numpy array or torch tensor)."""
    if hasattr(a, "detach") and hasattr(a, "cpu"):  # torch tensor
        a = a.detach().cpu().numpy()
    a = np.ascontiguousarray(a)
    h = hashlib.sha256()
    h.update(str(a.dtype).encode())
    h.update(str(a.shape).encode())
    if a.dtype == object:
        h.update(pickle.dumps(a.tolist(), protocol=4))
    else:
        h.update(a.view(np.uint8).reshape(-1).data if a.size else b"")
    return h.hexdigest()


def _canonical(obj: Any) -> Any:
    """A JSON-serialisable canonical form of an argument used for the key."""
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    if isinstance(obj, float):
        return repr(obj)
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating,)):
        return repr(float(obj))
    if isinstance(obj, np.ndarray) or (hasattr(obj, "detach") and hasattr(obj, "cpu")):
        return {"__array__": hash_array(obj)}
    if isinstance(obj, Path):
        p = obj.expanduser()
        if p.is_file():
            return {"__file__": hash_file(p)}
        if p.is_dir():
            return {"__dir__": sorted((str(q.relative_to(p)), hash_file(q)) for q in p.rglob("*") if q.is_file())}
        return {"__path__": str(p)}
    if isinstance(obj, dict):
        return {"__dict__": sorted((str(k), _canonical(v)) for k, v in obj.items())}
    if isinstance(obj, (list, tuple)):
        return {"__seq__": [_canonical(v) for v in obj]}
    if isinstance(obj, (set, frozenset)):
        return {"__set__": sorted(json.dumps(_canonical(v), sort_keys=True) for v in obj)}
    if hasattr(obj, "cache_key"):
        return {"__obj__": type(obj).__qualname__, "key": _canonical(obj.cache_key())}
    if hasattr(obj, "__dataclass_fields__"):
        return {"__dc__": type(obj).__qualname__,
                "fields": _canonical({k: getattr(obj, k) for k in obj.__dataclass_fields__})}
    if hasattr(obj, "to_numpy") and hasattr(obj, "columns"):  # pandas DataFrame
        return {"__frame__": [list(map(str, obj.columns)), hash_array(obj.to_numpy())]}
    if callable(obj) and hasattr(obj, "__qualname__"):
        return {"__callable__": f"{getattr(obj, '__module__', '')}.{obj.__qualname__}"}
    raise TypeError(f"cache: cannot hash argument of type {type(obj).__name__}; pass arrays, paths, numbers, "
                    "strings, lists or dicts (or give the object a cache_key() method)")


def _imported_hepscaling_modules(module_name: str, source: str) -> set[str]:
    names: set[str] = set()
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return names
    pkg = module_name.rsplit(".", 1)[0] if "." in module_name else module_name
    mod = sys.modules.get(module_name)
    if mod is not None and hasattr(mod, "__path__"):  # a package's __init__: relative imports start at itself
        pkg = module_name
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("hepscaling"):
                    names.add(a.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = pkg.split(".")
                up = node.level - 1
                base = ".".join(base_parts[: len(base_parts) - up]) if up else pkg
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            if target.startswith("hepscaling"):
                names.add(target)
                for a in node.names:  # `from . import efp` imports a submodule
                    names.add(f"{target}.{a.name}")
    return names


def code_version(module_name: str) -> str:
    """Hash of a module's source and of every hepscaling module it imports, transitively."""
    with _lock:
        if module_name in _module_hash_memo:
            return _module_hash_memo[module_name]
    seen: dict[str, str] = {}
    stack = [module_name]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        try:
            mod = importlib.import_module(name)
        except ImportError:
            continue  # `from pkg import function` names a function, not a module
        try:
            src = inspect.getsource(mod)
        except (OSError, TypeError):
            src = ""
        seen[name] = hash_bytes(src.encode())
        stack.extend(_imported_hepscaling_modules(name, src) - set(seen))
    digest = hash_bytes(json.dumps(sorted(seen.items())).encode())
    with _lock:
        _module_hash_memo[module_name] = digest
    return digest


def make_key(fn: Callable, args: tuple, kwargs: dict, version: str | int | None = None) -> str:
    sig = inspect.signature(fn)
    bound = sig.bind(*args, **kwargs)
    bound.apply_defaults()
    payload = {
        "function": f"{fn.__module__}.{fn.__qualname__}",
        "code": code_version(fn.__module__),
        "version": version,
        "arguments": _canonical(dict(bound.arguments)),
    }
    return hash_bytes(json.dumps(payload, sort_keys=True).encode())


# ----------------------------------------------------------------------------------------------------------- storage
def _entry_path(fn: Callable, key: str) -> Path | None:
    d = cache_dir()
    if d is None:
        return None
    return d / f"{fn.__module__}.{fn.__qualname__}" / f"{key}.pkl"


def read_entry(path: Path) -> tuple[bool, Any]:
    """Return (ok, value); a missing, truncated or corrupt entry gives (False, None) and is removed."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        return False, None
    try:
        if not raw.startswith(_MAGIC):
            raise ValueError("bad magic")
        header_end = raw.index(b"\n", len(_MAGIC))
        digest = raw[len(_MAGIC):header_end].decode()
        payload = raw[header_end + 1:]
        if hash_bytes(payload) != digest:
            raise ValueError("checksum mismatch")
        return True, pickle.loads(payload)
    except Exception:
        try:
            path.unlink()
        except OSError:
            pass
        return False, None


def write_entry(path: Path, value: Any) -> None:
    """Atomically write a cache entry (temporary file in the same directory, then rename)."""
    buf = io.BytesIO()
    pickle.dump(value, buf, protocol=4)
    payload = buf.getvalue()
    write_bytes(path, _MAGIC + hash_bytes(payload).encode() + b"\n" + payload, fsync=True)


def _mark_used(path: Path) -> None:
    """Set the entry's modification time to now: it records the last use (for :func:`prune`)."""
    try:
        os.utime(path)
    except OSError:  # read-only cache or removed meanwhile: only the pruning order suffers
        pass


def cached(fn: Callable | None = None, *, version: str | int | None = None):
    """Decorator: memoise ``fn`` on disk in the content-addressed cache.

    ``version`` may be bumped by hand to invalidate results when a dependency outside hepscaling changed.
    The wrapped function gains ``.cache_path(*args, **kwargs)`` and ``.uncached`` (the original function).
    """
    def deco(f: Callable):
        @functools.wraps(f)
        def wrapper(*args, **kwargs):
            path = _entry_path(f, make_key(f, args, kwargs, version))
            if path is None:
                return f(*args, **kwargs)
            ok, value = read_entry(path)
            if ok:
                _stats["hits"] += 1
                _mark_used(path)
                return value
            _stats["misses"] += 1
            value = f(*args, **kwargs)
            write_entry(path, value)
            return value

        def cache_path(*args, **kwargs):
            return _entry_path(f, make_key(f, args, kwargs, version))

        wrapper.cache_path = cache_path
        wrapper.uncached = f
        return wrapper

    return deco(fn) if fn is not None else deco


# ----------------------------------------------------------------------------------------- content-addressed values
def _value_path(key: str, namespace: str) -> Path:
    d = cache_dir()
    if d is None:  # the cache is off: values that later work needs (sweep artifacts) still need a home
        from .paths import data_dir
        d = data_dir() / "cache-off-values"
    if not key or any(c not in "0123456789abcdef" for c in key):
        raise ValueError(f"cache: a value key is a sha256 hex digest, got {key!r}")
    return d / namespace / f"{key}.pkl"


def put_value(value: Any, namespace: str = "values") -> str:
    """Store ``value`` under the sha256 of its pickle (content-addressed, atomic); returns that key. Storing the same
    value twice writes it once. Used for sweep artifacts (trained checkpoints that later points load)."""
    buf = io.BytesIO()
    pickle.dump(value, buf, protocol=4)
    key = hash_bytes(buf.getvalue())
    path = _value_path(key, namespace)
    if not read_entry(path)[0]:
        write_entry(path, value)
    else:
        _mark_used(path)
    return key


def get_value(key: str, namespace: str = "values") -> tuple[bool, Any]:
    """``(True, value)`` for a key of :func:`put_value`, ``(False, None)`` when absent or corrupt (then removed)."""
    path = _value_path(key, namespace)
    ok, value = read_entry(path)
    if ok:
        _mark_used(path)
    return ok, value


def has_value(key: str, namespace: str = "values") -> bool:
    return _value_path(key, namespace).is_file()


_stats = {"hits": 0, "misses": 0}


def stats() -> dict:
    """Hits and misses of the cache in this process."""
    return dict(_stats)


# ------------------------------------------------------------------------------------------------------- housekeeping
_TMP_MAX_AGE_S = 3600.0  # temporary files of interrupted writes older than this are debris


def _files(directory: Path):
    """(path, size, last use, is_temporary) of every file of the cache."""
    for sub in sorted(p for p in directory.iterdir() if p.is_dir()):
        for f in sub.iterdir():
            try:
                st = f.stat()
            except FileNotFoundError:  # removed by another process meanwhile
                continue
            if f.is_file():
                yield f, st.st_size, st.st_mtime, f.name.startswith(".tmp-")


def usage(directory: str | os.PathLike | None = None) -> list[dict]:
    """The cache per cached function: ``{"function", "entries", "bytes", "last_used"}`` (last use as a Unix time),
    largest first.  ``directory`` defaults to :func:`cache_dir`."""
    d = Path(directory) if directory is not None else cache_dir()
    if d is None or not d.is_dir():
        return []
    rows: dict[str, dict] = {}
    for f, size, used, tmp in _files(d):
        r = rows.setdefault(f.parent.name, {"function": f.parent.name, "entries": 0, "bytes": 0, "last_used": 0.0})
        r["bytes"] += size
        if not tmp:
            r["entries"] += 1
            r["last_used"] = max(r["last_used"], used)
    return sorted(rows.values(), key=lambda r: -r["bytes"])


def prune(max_bytes: int | None = None, older_than_days: float | None = None, dry_run: bool = False,
          directory: str | os.PathLike | None = None, now: float | None = None) -> dict:
    """Remove cache entries unused for more than ``older_than_days`` days, then the least recently used ones until
    the cache holds at most ``max_bytes``; temporary files left by interrupted writes (older than an hour) always go.

    An entry removed here is recomputed when next needed, so pruning never changes a result.  ``dry_run`` only
    counts.  Returns ``{"removed", "removed_bytes", "kept", "kept_bytes"}``.
    """
    import time

    if max_bytes is None and older_than_days is None:
        raise ValueError("prune: give max_bytes and/or older_than_days")
    if max_bytes is not None and max_bytes < 0:
        raise ValueError(f"prune: max_bytes must be >= 0, got {max_bytes}")
    if older_than_days is not None and older_than_days < 0:
        raise ValueError(f"prune: older_than_days must be >= 0, got {older_than_days}")
    d = Path(directory) if directory is not None else cache_dir()
    out = {"removed": 0, "removed_bytes": 0, "kept": 0, "kept_bytes": 0}
    if d is None or not d.is_dir():
        return out
    now = time.time() if now is None else now
    entries, doomed = [], []
    for f, size, used, tmp in _files(d):
        if tmp:
            if now - used > _TMP_MAX_AGE_S:
                doomed.append((f, size))
        elif older_than_days is not None and now - used > older_than_days * 86400.0:
            doomed.append((f, size))
        else:
            entries.append((used, f, size))
    entries.sort(key=lambda e: (e[0], str(e[1])))         # least recently used first
    total = sum(e[2] for e in entries)
    i = 0
    while max_bytes is not None and total > max_bytes and i < len(entries):
        doomed.append((entries[i][1], entries[i][2]))
        total -= entries[i][2]
        i += 1
    for f, size in doomed:
        if not dry_run:
            try:
                f.unlink()
            except FileNotFoundError:
                continue
        out["removed"] += 1
        out["removed_bytes"] += size
    out["kept"], out["kept_bytes"] = len(entries) - i, total
    return out
