"""Provenance of an executed notebook: git state, profile, parameters, input data (sha256), package versions, time.

Loaders call :func:`register_input` for every data file they read; the footer cell that the runner appends to each
notebook calls :func:`footer`, which displays a table and writes ``<notebook>.provenance.json`` beside it.
"""
from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import subprocess
import time
from pathlib import Path

from .atomic import write_text
from .cache import hash_file
from .paths import repo_root

KEY_PACKAGES = ["hepscaling", "numpy", "scipy", "pandas", "torch", "scikit-learn", "energyflow", "wasserstein", "POT",
                "pythia8mc", "fastjet", "awkward", "dask", "matplotlib", "papermill", "jupyter-book"]

_inputs: dict[str, str] = {}
_start = time.time()
_context: dict = {}


def register_input(path: str | os.PathLike, sha256: str | None = None) -> str:
    """Record that an input data file was read; returns its sha256 (computed once per file and mtime)."""
    p = Path(path).resolve()
    key = str(p)
    if sha256 is None:
        sha256 = _file_sha_memo(key, p.stat().st_mtime_ns, p.stat().st_size)
    _inputs[key] = sha256
    return sha256


_sha_memo: dict[tuple, str] = {}


def _file_sha_memo(key: str, mtime: int, size: int) -> str:
    k = (key, mtime, size)
    if k not in _sha_memo:
        _sha_memo[k] = hash_file(key)
    return _sha_memo[k]


def inputs() -> dict[str, str]:
    return dict(_inputs)


def set_context(**kw) -> None:
    """Set by the runner at the top of a notebook: notebook id, profile, parameters, start time."""
    global _start
    _context.update(kw)
    if "start" in kw:
        _start = kw["start"]


def git_state() -> dict:
    root = repo_root()
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                             timeout=10).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                                    capture_output=True, text=True, timeout=10).stdout.strip())
    except (OSError, subprocess.SubprocessError):
        sha, dirty = "", False
    return {"sha": sha or "unknown", "dirty": dirty}


def package_versions(names=KEY_PACKAGES) -> dict[str, str]:
    out = {}
    for n in names:
        try:
            out[n] = importlib.metadata.version(n)
        except importlib.metadata.PackageNotFoundError:
            out[n] = "not installed"
    return out


def collect() -> dict:
    """Everything the footer shows, as a dict."""
    return {
        "notebook": _context.get("notebook"),
        "profile": _context.get("profile"),
        "parameters": _context.get("parameters", {}),
        "git": git_state(),
        "inputs": inputs(),
        "packages": package_versions(),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "wall_time_s": round(time.time() - _start, 2),
    }


def show_parameters(params: dict, origins: dict, command: str) -> None:
    """The page's "parameters of this build" table (name, value, where it came from) and the command that reruns
    it; the book runner puts this cell right after the notebook's introduction."""
    from IPython.display import HTML, display

    from .tables import Table
    where = {"default": "the notebook's default", "profile": "the profile", "-p": "the command line (-p)"}
    rows = [[k, repr(v), where.get(origins.get(k, "default"), origins.get(k, ""))] for k, v in params.items()]
    display(Table(["parameter", "value", "from"], rows, caption="Parameters of this build"))
    display(HTML(f'<p class="hepscaling-rerun">Rerun this page: <code>{command}</code> '
                 '(add <code>-p name value</code> to change a parameter; see <em>How to rerun</em>)</p>'))


def footer(write_to: str | os.PathLike | None = None):
    """Display the provenance footer (markdown) and write it as JSON next to the notebook."""
    info = collect()
    if write_to is None and _context.get("output_stem"):
        write_to = f"{_context['output_stem']}.provenance.json"
    if write_to:
        write_text(write_to, json.dumps(info, indent=2, default=str))
    g = info["git"]
    lines = ["### Provenance", "",
             f"- **git**: `{g['sha'][:12]}`{' (dirty working tree)' if g['dirty'] else ''}",
             f"- **profile**: `{info['profile']}`; **parameters**: "
             + ", ".join(f"`{k}={v!r}`" for k, v in info["parameters"].items()),
             f"- **wall time**: {info['wall_time_s']:.1f} s on {info['machine']}, Python {info['python']}"]
    if info["inputs"]:
        lines.append("- **input data**:")
        root = str(repo_root())
        for path, sha in sorted(info["inputs"].items()):
            lines.append(f"  - `{path.replace(root, '.')}` sha256 `{sha}`")
    else:
        lines.append("- **input data**: none read from files (everything generated in-process or from the cache)")
    lines.append("- **packages**: " + ", ".join(f"{k} {v}" for k, v in info["packages"].items()
                                                if v != "not installed"))
    text = "\n".join(lines)
    try:
        from IPython.display import Markdown, display
        display(Markdown(text))
    except ImportError:  # pragma: no cover
        print(text)
    return info
