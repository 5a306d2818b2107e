"""The notebook inventory: every ``notebooks/<chapter>/<name>.py`` with its header metadata, and the chapters.

* :func:`inventory` lists every jupytext percent-format notebook with its ``hepscaling:`` header metadata and the
  defaults of its ``parameters`` cell, in book order.
* Chapters are the folders under ``notebooks/``. Each has an ``index.md`` (the chapter page's text) that starts with
  optional YAML front matter and a ``# Title`` heading::

      ---
      order: 10
      ---
      # Fitting scaling laws

  Chapters with an ``order`` come first (ascending), then the others by folder name. A chapter without
  ``index.md`` is still built (titled by its folder name); :func:`check_chapters` reports it.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..paths import notebooks_dir
from .errors import BookError
from .parameters import parse_parameters

CHAPTER_INDEX = "index.md"
FRONT_MATTER_KEYS = ("order",)


@dataclass
class Notebook:
    id: str                     # path under notebooks/ without .py, e.g. "fitting/scaling_fits"
    path: Path
    meta: dict                  # the `hepscaling:` header block
    parameters: dict            # declared parameters and their defaults (in order)
    text: str = field(repr=False, default="")

    @property
    def chapter(self) -> str:
        return self.id.split("/")[0]

    @property
    def root(self) -> Path:
        """The ``notebooks/`` folder this notebook was loaded from."""
        return self.path.parents[len(Path(self.id).parts) - 1]

    @property
    def name(self) -> str:
        return self.id.rsplit("/", 1)[-1]

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or self.name.replace("_", " "))

    @property
    def paper(self) -> str:
        return str(self.meta.get("paper", "-"))

    @property
    def reproduces(self) -> str:
        r = self.meta.get("reproduces", "-")
        return "; ".join(map(str, r)) if isinstance(r, list) else str(r)

    @property
    def data(self) -> str:
        return str(self.meta.get("data", ""))

    def items(self) -> list[str]:
        """The papers' figures/tables this notebook reproduces, normalised (``["Fig. 2", "Table 1"]``), or its named
        items (``reproduces: "GA toy"`` or a list of names, for papers whose items are not numbered)."""
        r = self.meta.get("reproduces", "-")
        if isinstance(r, list):
            return [str(x) for x in r]
        found = parse_items(self.reproduces)
        if found or self.paper == "-":
            return found
        from ..papers import registry       # named items ("GA toy; GA MI"): those of the page's paper
        paper = registry().get(self.paper)
        known = set(paper.item_ids) if paper else set()
        return [t.strip() for t in self.reproduces.split(";") if t.strip() in known]

    def output_dir(self, root: Path) -> Path:
        return root / Path(self.id).parent

    def check_meta(self) -> list[str]:
        """Problems with the header metadata (empty when fine)."""
        bad = []
        for key in ("title", "paper", "reproduces", "data"):
            if key not in self.meta:
                bad.append(f"{self.path}: `hepscaling:` header lacks {key!r}")
        if "status" in self.meta:
            bad.append(f"{self.path}: remove `status:` from the header: a page's status is computed from the claims it "
                       "tests (hepscaling.claims), never typed by hand")
        for p in ("profile", "seed"):
            if p not in self.parameters:
                bad.append(f"{self.path}: the parameters cell does not declare {p!r}")
        return bad


_ITEM_RE = re.compile(r"(fig(?:ure)?s?\.?|tab(?:le)?s?\.?)|(\d+)\s*(?:[-–]\s*(\d+))?", re.IGNORECASE)


def parse_items(text: str) -> list[str]:
    """``"Fig. 2, Table 1"`` -> ``["Fig. 2", "Table 1"]``; ``"Figs. 1-3"`` -> three figures; ``"-"`` -> []."""
    out, kind = [], None
    for m in _ITEM_RE.finditer(text or ""):
        if m.group(1):
            kind = "Fig." if m.group(1).lower().startswith("fig") else "Table"
        elif kind is not None:
            a = int(m.group(2))
            b = int(m.group(3)) if m.group(3) else a
            out.extend(f"{kind} {i}" for i in range(a, b + 1))
    return list(dict.fromkeys(out))


def read_header(text: str) -> dict:
    """The YAML header of a jupytext percent file (the commented block between ``# ---`` lines)."""
    lines = text.splitlines()
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i >= len(lines) or lines[i].strip() != "# ---":
        return {}
    body = []
    for line in lines[i + 1:]:
        if line.strip() == "# ---":
            break
        body.append(line[2:] if line.startswith("# ") else line.lstrip("#"))
    else:
        return {}
    try:
        data = yaml.safe_load("\n".join(body)) or {}
    except yaml.YAMLError as e:
        raise BookError(f"the YAML header is not valid: {e}") from e
    return data if isinstance(data, dict) else {}



def load_notebook(path: Path, root: Path | None = None) -> Notebook:
    root = root or notebooks_dir()
    text = path.read_text()
    nb_id = path.relative_to(root).with_suffix("").as_posix()
    try:
        header = read_header(text)
    except BookError as e:
        raise BookError(f"{path}: {e}") from None
    meta = header.get("hepscaling") or {}
    if not isinstance(meta, dict):
        raise BookError(f"{path}: the `hepscaling:` header block must be a mapping")
    return Notebook(id=nb_id, path=path, meta=meta, parameters=parse_parameters(text, str(path)), text=text)


# -------------------------------------------------------------------------------------------------------- chapters
@dataclass(frozen=True)
class Chapter:
    name: str                       # the folder under notebooks/
    title: str                      # the index.md's `# Title`, else the folder name
    order: int | None               # the front matter's `order`, None when absent or invalid
    index: Path | None              # the index.md, None when the folder has none
    body: str = ""                  # the index.md's text without its front matter
    problems: tuple[str, ...] = ()

    @property
    def rank(self) -> tuple:
        """Sort key: chapters with an ``order`` first (ascending), then the others by folder name."""
        return (0, self.order, self.name) if self.order is not None else (1, 0, self.name)


def split_front_matter(text: str) -> tuple[str | None, str]:
    """``(front matter YAML text, rest)`` of a Markdown file; ``(None, text)`` when it does not start with ``---``.

    The front matter is the block between a first line ``---`` and the next line ``---`` (or ``...``); leading blank
    lines of the rest are dropped.
    """
    lines = text.lstrip("\ufeff").splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None, text
    for i, line in enumerate(lines[1:], 1):
        if line.strip() in ("---", "..."):
            return "".join(lines[1:i]), "".join(lines[i + 1:]).lstrip("\n")
    return None, text


def _title_of(body: str) -> str | None:
    for line in body.splitlines():
        if line.startswith("# ") and line[2:].strip():
            return line[2:].strip()
    return None


def read_chapter(chapter: str, root: Path | None = None) -> Chapter:
    """A chapter's title, order and page text from ``<root>/<chapter>/index.md`` (problems listed, never raised)."""
    root = root or notebooks_dir()
    idx = root / chapter / CHAPTER_INDEX
    fallback = chapter.replace("_", " ")
    if not idx.is_file():
        return Chapter(chapter, fallback, None, None, "", (
            f"{root / chapter}: chapter without {CHAPTER_INDEX} (it is built, titled {fallback!r}, after the "
            f"chapters with an order); add one with front matter `order: N` and a `# Title` heading",))
    text = idx.read_text()
    front, body = split_front_matter(text)
    problems, order = [], None
    if front is None and text.lstrip("\ufeff").splitlines()[:1] == ["---"]:
        problems.append(f"{idx}: the front matter opened by `---` on line 1 is never closed")
    meta = {}
    if front is not None:
        try:
            meta = yaml.safe_load(front)
        except yaml.YAMLError as e:
            problems.append(f"{idx}: the front matter is not valid YAML: {e}")
            meta = {}
        if meta is None:
            meta = {}
        if not isinstance(meta, dict):
            problems.append(f"{idx}: the front matter must be a mapping like `order: 10`, got {meta!r}")
            meta = {}
    unknown = sorted(set(map(str, meta)) - set(FRONT_MATTER_KEYS))
    if unknown:
        problems.append(f"{idx}: unknown front-matter keys {unknown}; expected only {list(FRONT_MATTER_KEYS)}")
    if "order" in meta:
        if isinstance(meta["order"], int) and not isinstance(meta["order"], bool):
            order = meta["order"]
        else:
            problems.append(f"{idx}: `order` must be an integer, got {meta['order']!r} (ignored)")
    title = _title_of(body)
    if title is None:
        problems.append(f"{idx}: no `# Title` heading (the chapter is titled {fallback!r})")
    return Chapter(chapter, title or fallback, order, idx, body, tuple(problems))


def _chapter_dirs(root: Path) -> list[str]:
    return sorted({p.relative_to(root).parts[0] for p in _notebook_files(root)})


def chapters(root: Path | None = None) -> list[Chapter]:
    """Every chapter (a folder under ``notebooks/`` holding notebooks), in book order."""
    root = root or notebooks_dir()
    return sorted((read_chapter(ch, root) for ch in _chapter_dirs(root)), key=lambda c: c.rank)


def chapter_order(root: Path | None = None) -> list[str]:
    """The chapters' folder names in book order."""
    return [c.name for c in chapters(root)]


def chapter_title(chapter: str, root: Path | None = None) -> str:
    return read_chapter(chapter, root).title


def check_chapters(root: Path | None = None) -> list[str]:
    """Problems with the chapters' ``index.md`` files (empty when fine): missing file, heading, bad front matter,
    two chapters with the same ``order``."""
    chs = chapters(root)
    bad = [p for c in chs for p in c.problems]
    seen: dict[int, str] = {}
    for c in chs:
        if c.order is not None:
            if c.order in seen:
                bad.append(f"{c.index}: order {c.order} is also the order of chapter {seen[c.order]!r}")
            seen.setdefault(c.order, c.name)
    return bad


# ------------------------------------------------------------------------------------------------------ notebooks
def _notebook_files(root: Path) -> list[Path]:
    out = []
    for p in root.rglob("*.py"):
        rel = p.relative_to(root)
        if len(rel.parts) < 2 or any(part.startswith((".", "_")) for part in rel.parts):
            continue
        if ".ipynb_checkpoints" in rel.parts:
            continue
        out.append(p)
    return out


def notebook_paths(root: Path | None = None) -> list[Path]:
    """Every notebook file, in book order (chapter order, see :func:`chapters`; then path)."""
    root = root or notebooks_dir()
    files = _notebook_files(root)
    rank = {ch: read_chapter(ch, root).rank for ch in {p.relative_to(root).parts[0] for p in files}}
    return sorted(files, key=lambda p: (rank[p.relative_to(root).parts[0]], p.relative_to(root).as_posix()))


def inventory(root: Path | None = None) -> list[Notebook]:
    """Every notebook under ``notebooks/``, in book order (chapter order from the index.md files, then file name)."""
    return [load_notebook(p, root) for p in notebook_paths(root)]


def find(nb_id: str, root: Path | None = None) -> Notebook:
    """One notebook by id (``chapter/name``; ``.py`` and a leading ``notebooks/`` are accepted)."""
    root = root or notebooks_dir()
    nb_id = nb_id.removesuffix(".py").removesuffix(".ipynb")
    nb_id = nb_id.removeprefix("notebooks/")
    ids = [p.relative_to(root).with_suffix("").as_posix() for p in notebook_paths(root)]
    if nb_id not in ids:
        by_name = [i for i in ids if i.rsplit("/", 1)[-1] == nb_id]
        if len(by_name) == 1:
            nb_id = by_name[0]
        else:
            close = difflib.get_close_matches(nb_id, ids, n=3, cutoff=0.4)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise BookError(f"unknown notebook {nb_id!r}: expected an id like 'chapter/name' from "
                            f"`python -m hepscaling list` ({len(ids)} notebooks under {root}){hint}")
    return load_notebook(root / f"{nb_id}.py", root)
