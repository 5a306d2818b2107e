"""The book's generated pages: chapter pages, the landing page with the status of every figure, the toc.

Statuses are computed, never typed: each executed page writes the verdicts of the claims it tests and the data it
ran on to ``<page>.claims.json`` (:class:`hepscaling.claims.ClaimSheet`); a figure's or table's status follows from
the verdicts of all its claims (``src/hepscaling/papers/<paper>/paper.yaml``) over every executed page, and from
that data (:func:`hepscaling.claims.item_status`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..claims import SIDECAR_SUFFIX, DataUsed, ItemStatus, item_status, read_sidecar
from ..paths import notebooks_dir
from . import files
from .inventory import Notebook, read_chapter

STATIC_PAGES = ["how-to-rerun", "conventions", "about-the-data"]


def load_papers() -> dict:
    """Every paper with a package (``src/hepscaling/papers/*/paper.yaml``), by key."""
    from ..papers import registry
    return registry()


def _root(nbs: list[Notebook]) -> Path:
    """The ``notebooks/`` folder the notebooks come from (the repository's when there are none)."""
    return nbs[0].root if nbs else notebooks_dir()


def _doc(nb: Notebook) -> str:
    return f"notebooks/{nb.id}"


def _md_escape(s: str) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ")


def _executed(nb: Notebook) -> bool:
    return (files.book_dir() / "notebooks" / f"{nb.id}.ipynb").is_file()


def page_claims(nb: Notebook, out_root: Path | None = None) -> dict | None:
    """The claims sidecar of a notebook's executed copy (``None`` for pages without claims or not executed)."""
    out_root = out_root or files.book_dir() / "notebooks"
    return read_sidecar(out_root / f"{nb.id}{SIDECAR_SUFFIX}")


def _data(side: dict) -> DataUsed:
    return DataUsed(**side["data"])


def page_status(side: dict | None) -> ItemStatus | None:
    """A page's own status: over every claim it shows."""
    if not side:
        return None
    return item_status([c["verdict"] for c in side["claims"]], [_data(side)])


def status_text(st: ItemStatus | None) -> str:
    """``partly (substitute data, reduced sizes): 3 of 7 claims reproduced, 2 differ``, the status in a coloured
    span (``span.status-partly`` in ``book/_static/hepscaling.css``): text and colour, no glyphs."""
    if st is None:
        return "—"
    n = st.counts
    total = sum(n.values())
    badge = f'<span class="status status-{st.status.replace(" ", "-")}">{st.text()}</span>'
    if st.status == "not yet":
        return f"{badge}: none of {total} claims tested" if total else badge
    detail = f"{n['reproduced']} of {total} claims reproduced"
    if n["differs"]:
        detail += f", {n['differs']} differ"
    if n["not tested"]:
        detail += f", {n['not tested']} not tested"
    return f"{badge}: {detail}"


def chapter_page(chapter: str, nbs: list[Notebook], root: Path | None = None, out_root: Path | None = None) -> str:
    """The chapter's page: its index.md without front matter (or just a title), then a table of its notebooks with
    their computed status."""
    ch = read_chapter(chapter, root or _root(nbs))
    text = ch.body.strip("\n")
    if not any(line.startswith("# ") for line in text.splitlines()):
        text = f"# {ch.title}\n\n{text}" if text else f"# {ch.title}"
    text = text.rstrip() + "\n"
    rows = ["", "| page | reproduces | status (from its claims) | data |", "|---|---|---|---|"]
    for nb in nbs:
        side = page_claims(nb, out_root)
        link = f"{{doc}}`{_md_escape(nb.title)} <{nb.name}>`" if _executed(nb) else _md_escape(nb.title)
        rep = "—" if nb.paper == "-" else f"paper {nb.paper}: {nb.reproduces}"
        data = side["data"]["text"] if side else nb.data
        rows.append(f"| {link} | {_md_escape(rep)} | {_md_escape(status_text(page_status(side)))} | "
                    f"{_md_escape(data)} |")
    return text + "\n".join(rows) + "\n"


@dataclass
class ItemRow:
    """One figure/table of a paper on the landing page."""
    paper: str
    item: str
    caption: str
    pages: list = field(default_factory=list)      # notebooks whose header names the item
    status: ItemStatus | None = None
    data: list = field(default_factory=list)       # texts of the data its claims were tested on


def item_rows(nbs: list[Notebook], papers: dict | None = None, out_root: Path | None = None) -> dict:
    """``{paper key: [ItemRow]}``, plus ``"_unlisted"``: notebooks naming an item their paper does not list.

    A claim's verdict is taken from every executed page that tests it (any "differs" wins over "reproduced"); claims
    no page tested count as "not tested"."""
    papers = papers if papers is not None else load_papers()
    sides = {nb.id: page_claims(nb, out_root) for nb in nbs}
    verdicts: dict[tuple, list] = {}
    data_of: dict[tuple, list] = {}
    for side in filter(None, sides.values()):
        for c in side["claims"]:
            key = (side["paper"], c["id"])
            verdicts.setdefault(key, []).append(c["verdict"])
            if c["verdict"] != "not tested":
                data_of.setdefault(key, []).append(_data(side))
    covered: dict[tuple, list] = {}
    for nb in nbs:
        for item in nb.items():
            covered.setdefault((nb.paper, item), []).append(nb)
    out = {}
    for key, paper in papers.items():
        rows = []
        for it in paper.items:
            pages = covered.pop((key, it["id"]), [])
            vs, ds = [], []
            for c in paper.claims_of(it["id"]):
                got = [v for v in verdicts.get((key, c.id), []) if v != "not tested"]
                vs.append("differs" if "differs" in got else "reproduced" if got else "not tested")
                ds += data_of.get((key, c.id), [])
            st = item_status(vs, ds) if pages or any(v != "not tested" for v in vs) else None
            texts = sorted({d.text for d in ds} | {sides[nb.id]["data"]["text"] for nb in pages if sides[nb.id]})
            rows.append(ItemRow(key, it["id"], it["caption"], pages, st, texts))
        out[key] = rows
    out["_unlisted"] = covered
    return out


def intro_page(nbs: list[Notebook], profile: str, papers: dict | None = None, out_root: Path | None = None) -> str:
    """The landing page: the static head, then the computed status of every figure and table, and the chapters."""
    papers = papers if papers is not None else load_papers()
    static = files.book_dir() / "intro_head.md"
    head = static.read_text().rstrip() + "\n" if static.is_file() else "# hepscaling\n"
    rows = item_rows(nbs, papers, out_root)
    lines = [head, "",
             "<!-- generated by `python -m hepscaling book` from the pages' claims sidecars and "
             "src/hepscaling/papers/*/paper.yaml; do not edit by hand -->", "",
             f"This build executed every notebook with the **`{profile}`** profile "
             "(see {doc}`how-to-rerun` for the other profiles).", "",
             "## Status of every figure and table", "",
             "Computed, not typed: each paper's statements are transcribed once with their source "
             "(`src/hepscaling/papers/<paper>/paper.yaml`), every page tests the statements of its figures against "
             "the numbers it computed, and an item is **reproduced** when all its statements are, **partly** when "
             "some are, **differs** when none is, and **not yet** when none was tested. The qualifier in brackets "
             "says when the page ran on a substitute or at reduced sizes rather than on the paper's own data.", ""]
    missing_summary = []
    for key, paper in papers.items():
        lines += [f"### Paper {key}: {paper.title}", ""]
        if paper.arxiv:
            lines += [f"{paper.authors}, [arXiv:{paper.arxiv}](https://arxiv.org/abs/{paper.arxiv}).", ""]
        elif paper.authors:
            lines += [f"{paper.authors.rstrip('.')}.", ""]
        data_of_row = {r.item: "; ".join(_md_escape(t) for t in r.data) or
                       "; ".join(sorted({_md_escape(nb.data) for nb in r.pages})) for r in rows[key] if r.pages}
        shared = set(data_of_row.values())
        one_data = len(shared) == 1 and len(data_of_row) == len(rows[key])
        if one_data:   # the same data for every item: said once, the table keeps to the text column's width
            lines += [f"Data of every item: {shared.pop()}.", ""]
            lines += ["| item | what it shows | status | our page |", "|---|---|---|---|"]
        else:
            lines += ["| item | what it shows | status | our page | data |", "|---|---|---|---|---|"]
        missing = []
        for r in rows[key]:
            if r.pages:
                pages = ", ".join(f"{{doc}}`{_md_escape(nb.title)} <{_doc(nb)}>`" if _executed(nb)
                                  else f"`{nb.id}`" for nb in r.pages)
                cells = [r.item, _md_escape(r.caption), _md_escape(status_text(r.status)), pages]
                if not one_data:
                    cells.append(data_of_row[r.item])
            else:
                missing.append(r.item)
                cells = [r.item, _md_escape(r.caption), status_text(ItemStatus("not yet")), "— (no notebook yet)"]
                if not one_data:
                    cells.append("—")
            lines.append("| " + " | ".join(cells) + " |")
        count = {s: sum(1 for r in rows[key] if r.status and r.status.status == s)
                 for s in ("reproduced", "partly", "differs")}
        lines += ["", f"{count['reproduced']} of {len(rows[key])} reproduced, {count['partly']} partly, "
                      f"{count['differs']} differ, {len(rows[key]) - sum(count.values())} not yet "
                      f"({len(missing)} without a notebook).", ""]
        if missing:
            missing_summary.append(f"- **Paper {key}**: " + ", ".join(missing))
    lines += ["## Not yet covered", ""]
    lines += missing_summary or ["Every figure and table of the papers has a notebook."]
    lines.append("")
    if rows["_unlisted"]:
        lines += ["```{warning}", "These notebooks name figures/tables that their paper's paper.yaml does not list:"]
        lines += [f"- `{nb.id}`: paper {k[0]} {k[1]}" for k, v in rows["_unlisted"].items() for nb in v]
        lines += ["```", ""]
    lines += ["## Chapters", ""]
    chapters: dict[str, list[Notebook]] = {}
    for nb in nbs:
        chapters.setdefault(nb.chapter, []).append(nb)
    root = _root(nbs)
    for ch, lst in chapters.items():
        title = _md_escape(read_chapter(ch, root).title)
        lines.append(f"- {{doc}}`{title} <notebooks/{ch}/index>` — {len(lst)} page(s)")
    lines.append("")
    return "\n".join(lines)


def toc(nbs: list[Notebook]) -> str:
    """``_toc.yml``: the chapters of executed notebooks in the order of ``nbs`` (book order), then the static pages."""
    chapters: dict[str, list[Notebook]] = {}
    for nb in nbs:
        if _executed(nb):
            chapters.setdefault(nb.chapter, []).append(nb)
    doc = {"format": "jb-book", "root": "intro", "parts": []}
    if chapters:
        doc["parts"].append({"caption": "Chapters", "chapters": [
            {"file": f"notebooks/{ch}/index", "sections": [{"file": _doc(nb)} for nb in lst]}
            for ch, lst in chapters.items()]})
    statics = [{"file": p} for p in STATIC_PAGES if (files.book_dir() / f"{p}.md").is_file()]
    if statics:
        doc["parts"].append({"caption": "Using this companion", "chapters": statics})
    return "# generated by `python -m hepscaling book`; do not edit by hand\n" + yaml.safe_dump(doc, sort_keys=False)


def write_pages(nbs: list[Notebook], profile: str | dict) -> None:
    """Write the chapter pages (``book/notebooks/<chapter>/index.md``), ``book/intro.md`` and ``book/_toc.yml``.

    ``profile``: the profile the notebooks were executed with (its name is shown on the landing page).
    """
    profile = profile["name"] if isinstance(profile, dict) else profile
    bdir = files.book_dir()
    chapters: dict[str, list[Notebook]] = {}
    for nb in nbs:
        chapters.setdefault(nb.chapter, []).append(nb)
    for ch, lst in chapters.items():
        if any(_executed(nb) for nb in lst):
            files.write_if_changed(bdir / "notebooks" / ch / "index.md", chapter_page(ch, lst))
    files.write_if_changed(bdir / "intro.md", intro_page(nbs, profile))
    files.write_if_changed(bdir / "_toc.yml", toc(nbs))


