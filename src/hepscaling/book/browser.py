"""The built book as a reader sees it: every page opened in headless Chromium, scripts run, the rendered DOM checked.

:func:`check_site` opens each HTML page of ``book/_build/html`` with ``chromium --headless --dump-dom`` (a virtual-time
budget lets MathJax typeset), and reports, per page, what a reader must not see:

* raw LaTeX (``\\(``, ``\\[``, ``$$``, ``\\frac`` ... left in the visible text) or math that was never typeset;
* raw markdown table text (``| --- |`` rows) instead of a table;
* a Python warning or traceback in an output;
* an image or a link to a file of the site that does not exist.

:func:`screenshots` writes PNGs of chosen pages for a person to look at. Chromium comes from Debian's ``chromium``
package (``make setup`` installs it where it can); :func:`find_chromium` says whether it is there.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# the flags of a quiet, offline, sandbox-free run as root (no background connections, no first-run UI)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
         "--disable-dev-shm-usage", "--mute-audio"]

RAW_LATEX = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$\$|\\(?:frac|alpha|beta|sum|int|mathrm|times|cdot|sqrt)\b")
RAW_TABLE = re.compile(r"\|\s*:?-{3,}:?\s*\|")
PY_NOISE = re.compile(r"Traceback \(most recent call last\)|\b[A-Z]\w*(?:Warning|Error):\s")
SKIP_TEXT = {"script", "style", "pre", "code", "textarea", "svg", "mjx-container", "mjx-assistive-mml"}


class BrowserError(RuntimeError):
    pass


def find_chromium() -> str | None:
    """Path of a Chromium (``$HEPSCALING_CHROMIUM`` or the first of :data:`CHROMIUM_NAMES` on the PATH), or None."""
    env = os.environ.get("HEPSCALING_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def _run(args: list[str], timeout: float) -> subprocess.CompletedProcess:
    chromium = find_chromium()
    if chromium is None:
        raise BrowserError("no Chromium found (Debian's `chromium` package; `make setup` installs it where it can, or "
                           "set HEPSCALING_CHROMIUM)")
    with tempfile.TemporaryDirectory(prefix="hepscaling-chromium-") as profile:
        return subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                              text=True, timeout=timeout)


def dump_dom(page: Path, budget_ms: int = 6000, timeout: float = 90) -> str:
    """The DOM of ``page`` after its scripts ran for ``budget_ms`` of virtual time."""
    proc = _run([f"--virtual-time-budget={budget_ms}", "--dump-dom", Path(page).resolve().as_uri()], timeout)
    if proc.returncode != 0 or "<html" not in proc.stdout:
        raise BrowserError(f"chromium could not render {page} (exit {proc.returncode}): {proc.stderr[-500:]}")
    return proc.stdout


def screenshot(page: Path, png: Path, width: int = 1280, height: int = 2000, budget_ms: int = 6000) -> Path:
    """A PNG of ``page`` as Chromium renders it (``width`` x ``height`` pixels)."""
    png = Path(png)
    png.parent.mkdir(parents=True, exist_ok=True)
    proc = _run([f"--virtual-time-budget={budget_ms}", f"--window-size={width},{height}",
                 f"--screenshot={png.resolve()}", Path(page).resolve().as_uri()], 120)
    if proc.returncode != 0 or not png.is_file():
        raise BrowserError(f"chromium could not take a screenshot of {page}: {proc.stderr[-500:]}")
    return png


class _Page(HTMLParser):
    """Visible text (outside code, scripts and typeset math), image sources, links and whether math was typeset."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.images: list[str] = []
        self.links: list[str] = []
        self.scripts: list[str] = []
        self.math_spans = 0
        self.typeset = 0
        self._skip: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag in SKIP_TEXT or "highlight" in classes:
            self._skip.append(tag)
        if tag == "mjx-container":
            self.typeset += 1
        if "math" in classes and tag in ("span", "div"):
            self.math_spans += 1
        if tag == "img" and a.get("src"):
            self.images.append(a["src"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "script" and a.get("src"):
            self.scripts.append(a["src"])

    def handle_endtag(self, tag):
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def _local_target(page: Path, ref: str) -> Path | None:
    """The file a relative reference of ``page`` points to (None for external links, anchors, data URIs)."""
    u = urlparse(ref)
    if u.scheme in ("http", "https", "mailto", "data", "javascript") or u.netloc or not u.path:
        return None
    path = unquote(u.path)
    target = Path(path) if u.scheme == "file" else (page.parent / path)
    return target.resolve()


def check_dom(page: Path, dom: str) -> list[str]:
    """What a reader must not see on one rendered page (empty when the page is fine)."""
    p = _Page()
    p.feed(dom)
    text = " ".join(p.text)
    problems = []
    m = RAW_LATEX.search(text)
    if m:
        problems.append(f"raw LaTeX in the text: ...{text[max(0, m.start() - 40):m.end() + 40].strip()}...")
    if p.math_spans and not p.typeset:
        problems.append(f"{p.math_spans} formulas were never typeset (MathJax did not run)")
    m = RAW_TABLE.search(text)
    if m:
        problems.append(f"raw markdown table text: ...{text[max(0, m.start() - 60):m.end() + 20].strip()}...")
    m = PY_NOISE.search(text)
    if m:
        problems.append(f"a Python warning or traceback: ...{text[m.start():m.end() + 100].strip()}...")
    for kind, refs in (("image", p.images), ("link", p.links), ("script", p.scripts)):
        for ref in refs:
            target = _local_target(page, ref)
            if target is not None and not target.exists():
                problems.append(f"broken {kind}: {ref}")
    return problems


def site_pages(html_dir: Path) -> list[Path]:
    """The book's pages (every HTML file but Sphinx's own search and index pages)."""
    skip = {"search.html", "genindex.html", "py-modindex.html"}
    return sorted(p for p in Path(html_dir).rglob("*.html")
                  if p.name not in skip and "_static" not in p.parts and "_sources" not in p.parts)


def check_site(html_dir: Path, pages: list[Path] | None = None, budget_ms: int = 6000) -> dict[str, list[str]]:
    """``{page (relative path): [problems]}`` for the pages with problems (empty dict: every page is fine)."""
    html_dir = Path(html_dir)
    out = {}
    for page in pages or site_pages(html_dir):
        problems = check_dom(page, dump_dom(page, budget_ms))
        if problems:
            out[str(page.relative_to(html_dir))] = problems
    return out


def screenshots(html_dir: Path, out_dir: Path, pages: list[str] | None = None) -> list[Path]:
    """Screenshots of the landing page and the first page of each chapter (or of ``pages``, paths relative to
    ``html_dir``) into ``out_dir``, named after the pages."""
    html_dir = Path(html_dir)
    if pages is None:
        pages = ["intro.html"]
        chapters = sorted({p.parent for p in html_dir.glob("notebooks/*/*.html")})
        for ch in chapters:
            first = sorted(q for q in ch.glob("*.html") if q.name != "index.html")
            if first:
                pages.append(str(first[0].relative_to(html_dir)))
    return [screenshot(html_dir / rel, Path(out_dir) / (rel.replace("/", "__").removesuffix(".html") + ".png"))
            for rel in pages]
