"""Progress on long work: a tqdm bar when someone watches, a log line when nobody does, never the page's output.

* :func:`progress` is a tqdm bar in a terminal (or a Jupyter widget where ipywidgets is installed), disabled in CI
  and in non-interactive runs (:func:`quiet`). It never imports ``tqdm.auto`` where ipywidgets is missing, whose
  ``TqdmWarning: IProgress not found`` would otherwise land in every executed notebook.
* :func:`report` is for the occasional progress line of long work (a sweep's points done, time left): inside a
  notebook executed by the book runner it goes to ``<notebook>.log`` next to the executed copy (the build log names
  it), so the rendered page shows the physics and not the plumbing; elsewhere, when quiet, to stderr (CI logs).
"""
from __future__ import annotations

import os
import sys
import time


def quiet() -> bool:
    """True in CI (``CI`` set), when ``HEPSCALING_QUIET`` is set, or when stderr is not a terminal."""
    if os.environ.get("HEPSCALING_QUIET") or os.environ.get("CI"):
        return True
    return not (hasattr(sys.stderr, "isatty") and sys.stderr.isatty())


def _in_kernel() -> bool:
    return "ipykernel" in sys.modules


def tqdm_class():
    """tqdm's notebook bar in a Jupyter kernel with ipywidgets, its text bar everywhere else."""
    if _in_kernel():
        try:
            import ipywidgets  # noqa: F401
            from tqdm.notebook import tqdm as bar
            return bar
        except ImportError:
            pass
    from tqdm.std import tqdm as bar
    return bar


def progress(iterable=None, total=None, desc=None, **kw):
    """A tqdm progress bar that stays quiet when not interactive."""
    return tqdm_class()(iterable, total=total, desc=desc, disable=quiet(), **kw)


def log_path():
    """``<notebook>.log`` of the notebook the book runner is executing, else None."""
    from .provenance import _context
    stem = _context.get("output_stem")
    return f"{stem}.log" if stem else None


def report(line: str) -> None:
    """One progress line: to the running notebook's log file, or to stderr when quiet outside the runner."""
    path = log_path()
    if path:
        with open(path, "a") as f:
            f.write(f"{time.strftime('%H:%M:%S')} {line}\n")
    elif quiet():
        print(line, file=sys.stderr, flush=True)
