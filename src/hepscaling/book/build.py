"""The whole book: execute every notebook into ``book/notebooks/``, write the pages, run Jupyter Book; the listing.

:func:`build` executes every notebook into ``book/notebooks/<chapter>/`` (unchanged ones skipped, see
:func:`~hepscaling.book.execution.execute_all`), then writes ``book/_toc.yml``, the chapter pages and
``book/intro.md`` (status table computed from the pages' claims and ``src/hepscaling/papers/*/paper.yaml``), runs
Jupyter Book 1.x (``execute_notebooks: off``) and checks the site in headless Chromium (:mod:`.browser`).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

from .. import profiles as _profiles
from ..atomic import write_text
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


def build_html(log=print, check: bool = True) -> int:
    """Run Jupyter Book on ``book/``, copy each page's figure files (the PNG and PDF its captions link to) next to the
    page, then check every changed page in headless Chromium (:func:`check_html`). Exit code."""
    jb = Path(sys.executable).parent / "jupyter-book"
    cmd = [str(jb) if jb.exists() else "jupyter-book", "build", str(files.book_dir()), "--quiet"]
    log("building HTML: " + " ".join(cmd))
    t0 = time.time()
    proc = subprocess.run(cmd, cwd=repo_root())
    if proc.returncode != 0:
        log(f"jupyter-book build failed (exit {proc.returncode})")
        return proc.returncode
    html = files.book_dir() / "_build" / "html"
    copy_downloads(files.book_dir() / "notebooks", html / "notebooks")
    log(f"HTML book in {html}/index.html ({time.time() - t0:.1f} s)")
    return check_html(html, log=log) if check else 0


def copy_downloads(src: Path, dest: Path) -> int:
    """Copy the figure files (``*.png``, ``*.pdf``) of the executed notebooks next to their pages in the site."""
    n = 0
    for f in list(src.rglob("*.png")) + list(src.rglob("*.pdf")):
        target = dest / f.relative_to(src)
        if target.parent.is_dir() and (not target.exists() or target.stat().st_mtime < f.stat().st_mtime):
            shutil.copy2(f, target)
            n += 1
    return n


def check_html(html: Path, log=print) -> int:
    """Open every page that changed since its last clean check in headless Chromium; report raw LaTeX, raw
    markdown tables, Python warnings, broken images and links; write screenshots of the landing page and one page
    per chapter to ``book/_build/screenshots/``. Exit code 1 when a page has problems; without Chromium the check is
    skipped with a note."""
    import hashlib
    import json

    from . import browser
    if browser.find_chromium() is None:
        log("browser check skipped: no Chromium (Debian's `chromium`; `make setup` installs it where it can)")
        return 0
    record = html.parent / ".browser-checked.json"
    try:
        ok = json.loads(record.read_text())
    except (OSError, ValueError):
        ok = {}
    pages = browser.site_pages(html)
    digest = {str(p.relative_to(html)): hashlib.sha256(p.read_bytes()).hexdigest() for p in pages}
    todo = [p for p in pages if ok.get(str(p.relative_to(html))) != digest[str(p.relative_to(html))]]
    if not todo:
        log("browser check: no page changed since its last clean check")
        return 0
    t0 = time.time()
    problems = browser.check_site(html, todo)
    ok = {k: v for k, v in {**ok, **digest}.items() if k in digest and k not in problems}
    write_text(record, json.dumps(ok, indent=1, sort_keys=True))
    shots = browser.screenshots(html, html.parent / "screenshots")
    log(f"browser check of {len(todo)} pages in headless Chromium ({time.time() - t0:.1f} s); screenshots in "
        f"{shots[0].parent}")
    if problems:
        for page, ps in problems.items():
            for p in ps:
                log(f"  {page}: {p}")
        log(f"{len(problems)} pages show what a reader must not see (above)")
        return 1
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
