"""One package per paper, all of the same shape — the only place where a paper's specifics live.

``papers/<package>/`` (``jet_classification`` = paper A, ``amplitude_surrogates`` = B, ``aspen_open_jets`` = C):

==============  ==================================================================================================
``paper.yaml``  the paper transcribed once: key, title, authors; every figure and table (``items``) and every
                quantitative statement (``claims``, with its source and test; see :mod:`hepscaling.claims`)
``config.py``   the paper's configuration read from the profile (``papers: <package>:`` in ``profiles/*.yaml``,
                the one source of sizes), validated, with the overrides a page may take
``data.py``     the paper's data and features (through the cache)
``task.py``     one sweep point (e.g. train classifier X on T jets); the sweep directory is keyed on this
                module's code alone, so editing page helpers never invalidates finished points
``grids.py``    the grids of points the pages need, and running them on the shared sweep engine
``summaries.py``  the tables and fits a page needs
``figures.py``  plot helpers shared by the paper's pages; ``__init__`` registers the paper's colours and labels
==============  ==================================================================================================

A package grows these modules as its chapter is built (B and C start with ``paper.yaml``). Shared layers (data,
features, models, scaling, geometry, plotting, book, claims) never import a paper package. :func:`registry` reads
every ``paper.yaml``; the landing page lists each paper's items with a status computed from the claims.
"""
from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..claims import Claim, ClaimError, parse_claims

PAPERS_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Paper:
    key: str                         # "A"
    package: str                     # "jet_classification"
    title: str
    authors: str = ""
    arxiv: str = ""
    dataset: str = ""                # the paper's own dataset, by name
    items: tuple = ()                # ({"id": "Fig. 1", "caption": "..."}, ...)
    claims: dict = field(default_factory=dict)   # {id: Claim}

    @property
    def item_ids(self) -> list[str]:
        return [it["id"] for it in self.items]

    def claim(self, claim_id: str) -> Claim:
        try:
            return self.claims[claim_id]
        except KeyError:
            close = difflib.get_close_matches(claim_id, list(self.claims), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise ClaimError(f"paper {self.key} ({self.package}/paper.yaml) has no claim {claim_id!r}{hint}") \
                from None

    def claims_of(self, item: str) -> list[Claim]:
        return [c for c in self.claims.values() if item in c.items]


def _read(path: Path) -> Paper:
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as e:
        raise ClaimError(f"{path}: not valid YAML: {e}") from None
    unknown = sorted(set(data) - {"paper", "items", "claims"})
    if unknown:
        raise ClaimError(f"{path}: unknown top-level keys {unknown}; expected 'paper', 'items', 'claims'")
    meta = data.get("paper") or {}
    for key in ("key", "title"):
        if not meta.get(key):
            raise ClaimError(f"{path}: 'paper' lacks {key!r}")
    items = []
    for i, it in enumerate(data.get("items") or []):
        if not isinstance(it, dict) or not it.get("id"):
            raise ClaimError(f"{path}: items[{i}] must be a mapping with 'id' (and 'caption'), got {it!r}")
        items.append({"id": str(it["id"]), "caption": str(it.get("caption", ""))})
    ids = [it["id"] for it in items]
    if len(ids) != len(set(ids)):
        raise ClaimError(f"{path}: an item id appears twice in {ids}")
    claims = parse_claims(data.get("claims") or [], str(path), set(ids))
    extra = sorted(set(meta) - {"key", "title", "authors", "arxiv", "dataset"})
    if extra:
        raise ClaimError(f"{path}: 'paper' has unknown keys {extra}")
    return Paper(key=str(meta["key"]), package=path.parent.name, title=str(meta["title"]),
                 authors=str(meta.get("authors", "")), arxiv=str(meta.get("arxiv", "")),
                 dataset=str(meta.get("dataset", "")), items=tuple(items), claims=claims)


@functools.lru_cache(maxsize=None)
def _registry(directory: str) -> dict[str, Paper]:
    out: dict[str, Paper] = {}
    for path in sorted(Path(directory).glob("*/paper.yaml")):
        p = _read(path)
        if p.key in out:
            raise ClaimError(f"papers: key {p.key!r} used by both {out[p.key].package} and {p.package}")
        out[p.key] = p
    return dict(sorted(out.items()))


def registry() -> dict[str, Paper]:
    """Every paper with a package, by key (``{"A": Paper, "B": ...}``), from ``papers/*/paper.yaml``."""
    return _registry(str(PAPERS_DIR))


def load(paper: str) -> Paper:
    """One paper by key (``"A"``) or package name (``"jet_classification"``)."""
    reg = registry()
    if paper in reg:
        return reg[paper]
    for p in reg.values():
        if p.package == paper:
            return p
    raise ClaimError(f"unknown paper {paper!r}: expected a key {list(reg)} or a package "
                     f"{[p.package for p in reg.values()]} (folders of {PAPERS_DIR} with a paper.yaml)")
