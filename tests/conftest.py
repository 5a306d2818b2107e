"""Shared fixtures. The suite runs with `make test` (or `python -m pytest tests`); notebooks run with profile tiny."""
import os
import sys
from dataclasses import dataclass
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


@dataclass
class TinyBook:
    """Every notebook executed once with profile tiny into a throwaway book, its pages written and its HTML built."""
    root: Path                  # the throwaway repository root (HEPSCALING_ROOT while building)
    out: Path                   # root/book/notebooks: the executed copies and their sidecars
    results: dict               # notebook id -> RunResult
    html: Path | None           # root/book/_build/html, None when a notebook failed or the HTML build did
    log: list


@pytest.fixture(scope="session")
def tiny_book(tmp_path_factory):
    """The book built once per test session with profile tiny (shared by the notebook and browser tests)."""
    import shutil

    from hepscaling import book, profiles
    root = tmp_path_factory.mktemp("tiny-book")
    shutil.copytree(REPO / "book", root / "book",
                    ignore=shutil.ignore_patterns("_build", "notebooks", "intro.md", "_toc.yml"))
    for name in ("notebooks", "profiles", "benchmarks", "requirements.lock", "pyproject.toml"):
        (root / name).symlink_to(REPO / name)
    env = {"HEPSCALING_ROOT": str(root),
           "HEPSCALING_DATA": os.environ.get("HEPSCALING_DATA") or str(REPO / "data"),
           "HEPSCALING_CACHE": os.environ.get("HEPSCALING_CACHE") or str(REPO / "data" / "cache")}
    log: list = []
    with pytest.MonkeyPatch.context() as mp:
        for k, v in env.items():
            mp.setenv(k, v)
        out = root / "book" / "notebooks"
        nbs, results = book.execute_all("tiny", out, force=True, log=log.append)
        book.write_pages(nbs, profiles.load("tiny"))
        html = None
        if all(r.ok for r in results) and book.build_html(log=log.append, check=False) == 0:
            html = root / "book" / "_build" / "html"
    return TinyBook(root, out, {r.notebook: r for r in results}, html, log)
