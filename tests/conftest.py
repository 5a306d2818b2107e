"""Shared fixtures. The suite runs with `make test` (or `python -m pytest tests`); notebooks run with profile tiny."""
import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("HEPSCALING_QUIET", "1")   # no progress bars in test logs
os.environ.setdefault("MPLBACKEND", "Agg")       # this process only; the runner gives notebooks inline figures

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def tmp_cache(tmp_path, monkeypatch):
    """A private, empty cache directory (``$HEPSCALING_CACHE``) for one test."""
    d = tmp_path / "cache"
    monkeypatch.setenv("HEPSCALING_CACHE", str(d))
    return d


@pytest.fixture
def tmp_modules(tmp_path, monkeypatch):
    """Write temporary ``hepscaling._t_<name>`` modules (a temporary folder joins ``hepscaling.__path__``).

    Returns ``write(name, source)`` which (re)writes the module and returns its full module name; the module memo of
    the cache and ``sys.modules`` are cleared so that an edit is seen as it would be by a new process.
    """
    import importlib
    import linecache

    import hepscaling
    from hepscaling import cache

    folder = tmp_path / "mods"
    folder.mkdir()
    monkeypatch.setattr(hepscaling, "__path__", list(hepscaling.__path__) + [str(folder)])
    monkeypatch.setattr(sys, "dont_write_bytecode", True)   # an edit within the same second must not hit a .pyc
    written = []

    def forget():
        for m in written:
            sys.modules.pop(m, None)
            if hasattr(hepscaling, m.rsplit(".", 1)[1]):       # `from . import x` would reuse the attribute
                delattr(hepscaling, m.rsplit(".", 1)[1])
        cache._module_hash_memo.clear()

    def write(name: str, source: str) -> str:
        full = f"hepscaling._t_{name}"
        (folder / f"_t_{name}.py").write_text(source)
        if full not in written:
            written.append(full)
        forget()
        linecache.clearcache()
        importlib.invalidate_caches()
        return full

    yield write
    forget()
