"""The whole book: execute every notebook into ``book/notebooks/``, write the pages, run Jupyter Book; the listing.

:func:`build` executes every notebook into ``book/notebooks/<chapter>/`` (unchanged ones skipped, see
:func:`~hepscaling.book.execution.execute_all`), then writes ``book/_toc.yml``, the chapter pages and
``book/intro.md`` (status table computed from the pages' claims and ``src/hepscaling/papers/*/paper.yaml``) and runs Jupyter Book
1.x (``execute_notebooks: off``).
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from .. import profiles as _profiles
from ..paths import repo_root
from . import execution, files
from .errors import ParameterError
from .execution import execute_all, is_up_to_date, run_key
from .inventory import check_chapters, inventory
from .pages import page_claims, page_status, write_pages
from .parameters import resolve_parameters


def build(profile: str = _profiles.DEFAULT_PROFILE, html: bool = True, force: bool = False,
          only: list[str] | None = None, log=print) -> int:
    """Execute the notebooks into ``book/notebooks``, write the toc and landing page, build the HTML. Exit code.

    ``profile``: a name or the path of any profile file.
    """
    t0 = time.time()
    prof = _profiles.load(profile)
    bdir = files.book_dir()
    nbs = inventory()
    for p in check_chapters() + [p for nb in nbs for p in nb.check_meta()]:
        log(f"warning: {p}")
    executed, results = execute_all(prof, bdir / "notebooks", force=force, only=only, log=log, notebooks=nbs)
    failed = [r for r in results if not r.ok]
    write_pages(nbs, prof)
    if failed:
        log("\n" + "=" * 100)
        for r in failed:
            log(f"FAILED: {r.summary or r.error}\n")
        log(f"{len(failed)} of {len(results)} notebooks failed (tracebacks above); the HTML book was not built.")
        return 1
    n_run = sum(1 for r in results if not r.skipped)
    log(f"notebooks: {n_run} executed, {len(results) - n_run} unchanged ({time.time() - t0:.1f} s)")
    if not html:
        return 0
    return build_html(log=log)


def build_html(log=print) -> int:
    jb = Path(sys.executable).parent / "jupyter-book"
    cmd = [str(jb) if jb.exists() else "jupyter-book", "build", str(files.book_dir()), "--quiet"]
    log("building HTML: " + " ".join(cmd))
    t0 = time.time()
    proc = subprocess.run(cmd, cwd=repo_root())
    if proc.returncode != 0:
        log(f"jupyter-book build failed (exit {proc.returncode})")
        return proc.returncode
    log(f"HTML book in {files.book_dir() / '_build' / 'html'}/index.html ({time.time() - t0:.1f} s)")
    return 0


def listing(profile: str = _profiles.DEFAULT_PROFILE) -> list[dict]:
    """The inventory with the state of each notebook's book copy for ``profile``."""
    prof = _profiles.load(profile)
    code = execution.src_version()
    out = []
    for nb in inventory():
        st = page_status(page_claims(nb))
        row = {"id": nb.id, "paper": nb.paper, "reproduces": nb.reproduces, "title": nb.title,
               "status": "—" if st is None else st.status}
        try:
            params = resolve_parameters(nb, prof)
            out_dir = nb.output_dir(files.book_dir() / "notebooks")
            if is_up_to_date(nb, run_key(nb, params, prof, code), out_dir):
                row["book_copy"] = "up to date"
            elif (out_dir / f"{nb.name}.ipynb").is_file():
                row["book_copy"] = "stale"
            else:
                row["book_copy"] = "not built"
        except ParameterError as e:
            row["book_copy"] = f"error: {e}"
        out.append(row)
    return out
