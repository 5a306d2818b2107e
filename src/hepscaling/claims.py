"""Claims: a paper's quantitative statements, transcribed once, tested against our numbers on the page.

Every paper package has one data file, ``src/hepscaling/papers/<package>/paper.yaml``, with the paper's figures and
tables (``items``) and its statements (``claims``)::

    claims:
      - id: table1.knn_emd_steepest
        items: ["Table 1"]                         # the figures/tables the statement is about (may be empty)
        source: "§5, Table 1"                      # where the paper says it
        statement: "kNN EMD has the largest slope of all six classifiers"
        paper: "kNN EMD"                           # the paper's value or relation, as the page shows it
        ours: "classifier with the largest fitted slope"   # what our page computes
        test: {equals: knn_emd}                    # how ours is compared with the paper

A numeric claim gives ``value`` (and ``error``, the paper's 1σ) and a test such as ``{within_sigma: 2}``. The tests:

=====================  ===============================================================================
``within_sigma: n``    \\|ours − value\\| ≤ n·√(error² + our error²)
``outside_sigma: n``   \\|ours − value\\| > n·√(error² + our error²)   (the paper says two things differ)
``within: tol``        \\|ours − value\\| ≤ tol;    ``within_rel: r``: \\|ours − value\\| ≤ r·\\|value\\|
``range: [lo, hi]``    lo ≤ ours ≤ hi (``null`` for an open end); ``outside: [lo, hi]`` the opposite
``greater: x``         ours > x;  ``less: x``: ours < x;  ``at_least: x``: ours ≥ x;  ``at_most: x``: ours ≤ x
``equals: v``          ours == v (a name, a count, true/false)
``order: [a, b, …]``   ours (a list) contains a, b, … in this relative order
=====================  ===============================================================================

On a page::

    from hepscaling.claims import ClaimSheet, DataUsed
    sheet = ClaimSheet("A", data=DataUsed("local substitute: …", dataset="substitute", sizes="reduced"),
                       items=["Table 1"])
    sheet.check("table1.knn_emd_steepest", steepest, detail="α = 0.21 ± 0.03")
    sheet.check("table1.dnn_efp_eq_lr_efp", a_dnn - a_lr, error=math.hypot(e_dnn, e_lr))
    sheet.check("fig1.knn_emd_beats_lot", None, reason="kNN EMD only reaches T = 1500 here")
    sheet            # the table: statement | source | paper | ours | test | verdict

Each check computes the verdict — **reproduced**, **differs** or **not tested** (no number of ours, with the reason)
— and writes the sheet to the page's sidecar ``<notebook>.claims.json``. Claims of the sheet's items that the page
never checks show as "not tested", so no statement can be skipped silently. The landing page derives the status of
every figure and table from these sidecars and from the data each page ran on (:func:`item_status`); nothing is
typed by hand.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .atomic import write_text
from .tables import Table, fmt

VERDICTS = ("reproduced", "differs", "not tested")
TESTS = ("within_sigma", "outside_sigma", "within", "within_rel", "range", "outside", "greater", "less", "at_least",
         "at_most", "equals", "order")
DATASETS = ("paper", "substitute", "synthetic")
SIZES = ("paper", "reduced")
SIDECAR_SUFFIX = ".claims.json"


class ClaimError(ValueError):
    """A claims file, a claim id or a value given to a test is not as expected."""


# ------------------------------------------------------------------------------------------------------ the claims
@dataclass(frozen=True)
class Claim:
    id: str
    statement: str
    source: str
    test: dict
    paper: str = ""
    ours: str = ""
    items: tuple = ()
    value: Any = None
    error: float | None = None
    note: str = ""

    @property
    def kind(self) -> str:
        return next(iter(self.test))

    @property
    def arg(self):
        return self.test[self.kind]

    def describe_test(self) -> str:
        """The test in words: ``within 2σ of 0.133``, ``> 0``, ``= knn_emd``, ``in [0.8, 1.25]``."""
        k, a = self.kind, self.arg
        v = self.value
        if k == "within_sigma":
            return f"within {a:g}σ of {fmt(v)}"
        if k == "outside_sigma":
            return f"more than {a:g}σ from {fmt(v)}"
        if k == "within":
            return f"within ±{a:g} of {fmt(v)}"
        if k == "within_rel":
            return f"within {a:.0%} of {fmt(v)}"
        if k in ("range", "outside"):
            lo, hi = a
            text = f"[{'−∞' if lo is None else fmt(lo)}, {'∞' if hi is None else fmt(hi)}]"
            return ("in " if k == "range" else "outside ") + text
        sym = {"greater": ">", "less": "<", "at_least": "≥", "at_most": "≤", "equals": "="}
        if k in sym:
            return f"{sym[k]} {fmt(a)}"
        return "order " + " < ".join(map(str, a))


def _check_claim(d: dict, where: str, items: set[str]) -> Claim:
    if not isinstance(d, dict):
        raise ClaimError(f"{where}: each claim must be a mapping, got {d!r}")
    allowed = {f.name for f in Claim.__dataclass_fields__.values()}
    unknown = sorted(set(d) - allowed)
    if unknown:
        raise ClaimError(f"{where}: claim {d.get('id')!r} has unknown keys {unknown}; allowed: {sorted(allowed)}")
    for key in ("id", "statement", "source", "test"):
        if not d.get(key):
            raise ClaimError(f"{where}: claim {d.get('id')!r} lacks {key!r}")
    cid = d["id"]
    test = d["test"]
    if not isinstance(test, dict) or len(test) != 1 or next(iter(test)) not in TESTS:
        raise ClaimError(f"{where}: claim {cid!r}: test must be one of {list(TESTS)} with its argument, "
                         f"e.g. {{within_sigma: 2}}; got {test!r}")
    kind, arg = next(iter(test.items()))
    numeric_value = kind in ("within_sigma", "outside_sigma", "within", "within_rel")
    if numeric_value and not isinstance(d.get("value"), (int, float)):
        raise ClaimError(f"{where}: claim {cid!r}: test {kind!r} needs a numeric 'value' (the paper's number)")
    if kind in ("range", "outside") and not (isinstance(arg, list) and len(arg) == 2):
        raise ClaimError(f"{where}: claim {cid!r}: test {kind!r} needs [lo, hi] (null for an open end), got {arg!r}")
    if kind == "order" and not (isinstance(arg, list) and len(arg) >= 2):
        raise ClaimError(f"{where}: claim {cid!r}: test 'order' needs a list of at least two names, got {arg!r}")
    if kind in ("within_sigma", "outside_sigma", "within", "within_rel", "greater", "less", "at_least", "at_most") \
            and not isinstance(arg, (int, float)):
        raise ClaimError(f"{where}: claim {cid!r}: test {kind!r} needs a number, got {arg!r}")
    its = d.get("items") or []
    if isinstance(its, str):
        its = [its]
    bad = [i for i in its if i not in items]
    if bad:
        raise ClaimError(f"{where}: claim {cid!r} names items {bad} that the file's 'items' does not list")
    err = d.get("error")
    if err is not None and (not isinstance(err, (int, float)) or err < 0):
        raise ClaimError(f"{where}: claim {cid!r}: error must be a number >= 0, got {err!r}")
    return Claim(**{**d, "items": tuple(its), "paper": str(d.get("paper", fmt(d.get("value"), err)))})


def parse_claims(entries: list, where: str, items: set[str]) -> dict[str, Claim]:
    """Validate the ``claims`` list of a paper file; returns {id: Claim} in file order."""
    out: dict[str, Claim] = {}
    for i, d in enumerate(entries or []):
        c = _check_claim(d, f"{where} (claims[{i}])", items)
        if c.id in out:
            raise ClaimError(f"{where}: claim id {c.id!r} appears twice")
        out[c.id] = c
    return out


# --------------------------------------------------------------------------------------------------------- tests
def _num(x, cid: str, what: str = "ours") -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) and not hasattr(x, "__float__"):
        raise ClaimError(f"claim {cid!r}: {what} must be a number for this test, got {x!r}")
    v = float(x)
    if math.isnan(v):
        raise ClaimError(f"claim {cid!r}: {what} is NaN; pass None with a reason to mark the claim not tested")
    return v


def evaluate(claim: Claim, ours, error: float | None = None) -> bool:
    """True when ``ours`` (with its 1σ ``error``) passes the claim's test."""
    k, a = claim.kind, claim.arg
    if k == "equals":
        if isinstance(a, bool):   # a yes/no statement: ours must be a truth value, not a number that equals 1
            if not isinstance(ours, bool) and type(ours).__name__ != "bool_":
                raise ClaimError(f"claim {claim.id!r}: the paper's value is {a}; ours must be true/false, got {ours!r}")
            return bool(ours) == a
        return bool(ours == a)
    if k == "order":
        seq = list(ours)
        if not all(x in seq for x in a):
            return False
        pos = [seq.index(x) for x in a]
        return pos == sorted(pos)
    v = _num(ours, claim.id)
    if k in ("within_sigma", "outside_sigma"):
        s = math.hypot(claim.error or 0.0, 0.0 if error is None else _num(error, claim.id, "our error"))
        if s == 0:
            raise ClaimError(f"claim {claim.id!r}: test {k!r} needs an error (the paper's or ours); both are 0")
        inside = abs(v - float(claim.value)) <= a * s
        return inside if k == "within_sigma" else not inside
    if k == "within":
        return abs(v - float(claim.value)) <= a
    if k == "within_rel":
        return abs(v - float(claim.value)) <= a * abs(float(claim.value))
    if k in ("range", "outside"):
        lo, hi = a
        inside = (lo is None or v >= lo) and (hi is None or v <= hi)
        return inside if k == "range" else not inside
    return {"greater": v > a, "less": v < a, "at_least": v >= a, "at_most": v <= a}[k]


# ------------------------------------------------------------------------------------------------------ the data
@dataclass(frozen=True)
class DataUsed:
    """What a page ran on: ``text`` names it (a public dataset or a named substitute); ``dataset`` is ``paper`` (the
    paper's own public dataset), ``substitute`` (a local stand-in, named in ``text``) or ``synthetic``; ``sizes``
    is ``paper`` (the paper's sizes) or ``reduced``."""
    text: str
    dataset: str = "substitute"
    sizes: str = "reduced"

    def __post_init__(self):
        if self.dataset not in DATASETS:
            raise ClaimError(f"DataUsed: dataset must be one of {DATASETS}, got {self.dataset!r}")
        if self.sizes not in SIZES:
            raise ClaimError(f"DataUsed: sizes must be one of {SIZES}, got {self.sizes!r}")

    @property
    def is_papers(self) -> bool:
        return self.dataset == "paper" and self.sizes == "paper"

    def qualifier(self) -> str:
        """``""`` on the paper's data at its sizes, else e.g. ``substitute data, reduced sizes``."""
        if self.is_papers:
            return ""
        parts = [] if self.dataset == "paper" else [f"{self.dataset} data"]
        if self.sizes != "paper":
            parts.append("reduced sizes")
        return ", ".join(parts)


# ----------------------------------------------------------------------------------------------------- the sheet
@dataclass
class Result:
    id: str
    verdict: str
    ours: str
    reason: str = ""
    value: Any = None
    error: float | None = None


def _is_nan(v) -> bool:
    try:
        return not isinstance(v, (bool, str)) and math.isnan(float(v))
    except (TypeError, ValueError):
        return False


def _show(ours, error) -> str:
    if isinstance(ours, (list, tuple)):
        return " < ".join(map(str, ours))
    return fmt(ours, error)


def _plain(v):
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if hasattr(v, "item") and getattr(v, "ndim", 1) == 0:
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return repr(v)
    return v


class ClaimSheet:
    """The claims a page tests, with computed verdicts; displays as a table and writes ``<notebook>.claims.json``.

    ``paper``: the paper's key (``"A"``) or package name; ``data``: what the page ran on; ``items``: the figures and
    tables the page covers (their claims are listed even when not checked, as "not tested")."""

    def __init__(self, paper: str, data: DataUsed, items=(), sidecar: str | Path | None = None):
        from .papers import load as load_paper
        self.paper = load_paper(paper)
        if not isinstance(data, DataUsed):
            raise ClaimError(f"ClaimSheet: data must be a hepscaling.claims.DataUsed, got {type(data).__name__}")
        self.data = data
        self.items = [items] if isinstance(items, str) else list(items)
        bad = [i for i in self.items if i not in self.paper.item_ids]
        if bad:
            raise ClaimError(f"ClaimSheet: paper {self.paper.key} has no items {bad}; it lists "
                             f"{self.paper.item_ids}")
        self.results: dict[str, Result] = {}
        self._sidecar = Path(sidecar) if sidecar is not None else None

    # ---------------------------------------------------------------------------------------------- checking
    def claim(self, claim_id: str) -> Claim:
        return self.paper.claim(claim_id)

    def check(self, claim_id: str, ours, error: float | None = None, detail: str = "", reason: str = "") -> str:
        """Test one claim against ``ours`` (with its 1σ ``error``); ``ours=None`` marks it not tested, with
        ``reason`` (ignored when ``ours`` is given). ``detail`` is shown beside our number. Returns the verdict."""
        c = self.claim(claim_id)
        if ours is not None and _is_nan(ours):
            ours, reason = None, "our value is undefined (NaN)"
        elif error is not None and not math.isfinite(float(error)):
            ours, reason = None, "our error is undefined (the fit's covariance is not finite)"
        elif ours is not None and c.kind in ("within_sigma", "outside_sigma") and not (c.error or error):
            ours, reason = None, f"no error to compare within (ours = {_show(ours, None)}; the paper gives none and " \
                                 "ours is 0, e.g. a single repeat)"
        if ours is None:
            if not reason:
                raise ClaimError(f"claim {claim_id!r}: a claim that is not tested needs a reason")
            res = Result(claim_id, "not tested", "–", reason=reason)
        else:
            ok = evaluate(c, ours, error)
            shown = _show(ours, error) + (f" ({detail})" if detail else "")
            res = Result(claim_id, "reproduced" if ok else "differs", shown, value=_plain(ours),
                         error=None if error is None else float(error))
        self.results[claim_id] = res
        self.write()
        return res.verdict

    def verdict(self, claim_id: str) -> str:
        return self.results[claim_id].verdict if claim_id in self.results else "not tested"

    # ---------------------------------------------------------------------------------------------- showing
    def claim_ids(self) -> list[str]:
        """The page's claims: those of its items (file order), then any other claim it checked."""
        ids = [c.id for c in self.paper.claims.values() if set(c.items) & set(self.items)]
        return ids + [i for i in self.results if i not in ids]

    def rows(self, ids=None) -> list[dict]:
        out = []
        for cid in ids or self.claim_ids():
            c = self.claim(cid)
            r = self.results.get(cid) or Result(cid, "not tested", "–", reason="not evaluated on this page")
            out.append({"id": cid, "items": list(c.items), "statement": c.statement, "source": c.source,
                        "paper": c.paper, "ours_what": c.ours, "ours": r.ours, "value": r.value, "error": r.error,
                        "test": c.describe_test(), "verdict": r.verdict, "reason": r.reason})
        return out

    def table(self, items=None, ids=None) -> Table:
        """The claims table (all the page's claims, or those of ``items`` / ``ids``)."""
        if ids is None and items is not None:
            items = [items] if isinstance(items, str) else list(items)
            ids = [cid for cid in self.claim_ids() if set(self.claim(cid).items) & set(items)]
        rows = self.rows(ids)
        body = [[r["statement"], r["source"], r["paper"],
                 r["ours"] if r["verdict"] != "not tested" else "–", r["test"],
                 r["verdict"] + (f": {r['reason']}" if r["reason"] else "")] for r in rows]
        q = self.data.qualifier()
        cap = f"Paper {self.paper.key} vs ours — on {self.data.text}" + (f" ({q})" if q else "")
        return Table(["statement", "where", "paper", "ours", "test", "verdict"], body, caption=cap,
                     row_classes=[f"verdict-{r['verdict'].replace(' ', '-')}" for r in rows])

    def counts(self) -> dict[str, int]:
        rows = self.rows()
        return {v: sum(r["verdict"] == v for r in rows) for v in VERDICTS}

    def summary(self) -> str:
        """One sentence, computed: ``3 of 7 statements reproduced, 2 differ, 2 not tested (substitute data).``"""
        n = self.counts()
        total = sum(n.values())
        q = self.data.qualifier()
        return (f"{n['reproduced']} of {total} statements reproduced, {n['differs']} differ, {n['not tested']} not "
                f"tested" + (f" ({q})." if q else "."))

    def _repr_html_(self) -> str:
        return self.table().to_html() + f"<p>{self.summary()}</p>"

    def __repr__(self) -> str:
        return self.table().to_text() + "\n" + self.summary()

    # ---------------------------------------------------------------------------------------------- sidecar
    def to_json(self) -> dict:
        return {"paper": self.paper.key, "items": self.items, "data": asdict(self.data), "claims": self.rows()}

    def sidecar_path(self) -> Path | None:
        if self._sidecar is not None:
            return self._sidecar
        from . import provenance
        stem = provenance._context.get("output_stem")
        return Path(f"{stem}{SIDECAR_SUFFIX}") if stem else None

    def write(self) -> None:
        p = self.sidecar_path()
        if p is not None:
            write_text(p, json.dumps(self.to_json(), indent=2, default=str))


def read_sidecar(path: str | Path) -> dict | None:
    """A page's claims sidecar, or None when the page has none."""
    p = Path(path)
    if not p.is_file():
        return None
    try:
        return json.loads(p.read_text())
    except ValueError:
        return None


# ------------------------------------------------------------------------------------------------ item status
STATUSES = ("reproduced", "partly", "differs", "not yet")


@dataclass
class ItemStatus:
    """The computed status of one figure/table: from the verdicts of its claims and the data they were tested on."""
    status: str
    counts: dict = field(default_factory=dict)
    qualifier: str = ""

    def text(self) -> str:
        if self.status == "not yet":
            return "not yet"
        return self.status + (f" ({self.qualifier})" if self.qualifier else "")


def item_status(verdicts: list[str], data: list[DataUsed]) -> ItemStatus:
    """Status of a figure/table from the verdicts of all its claims (over every page that tests them) and the data.

    * ``not yet``: no claim tested (no page, or every claim not tested);
    * ``reproduced``: every claim tested and reproduced;
    * ``differs``: claims tested, none reproduced;
    * ``partly``: anything in between (some reproduced, others differ or are not tested).

    The qualifier says when it was not the paper's dataset at the paper's sizes (``substitute data, reduced
    sizes``): "reproduced" on a substitute is shown as such, never as a plain "reproduced".
    """
    counts = {v: verdicts.count(v) for v in VERDICTS}
    tested = counts["reproduced"] + counts["differs"]
    if tested == 0:
        status = "not yet"
    elif counts["reproduced"] == len(verdicts):
        status = "reproduced"
    elif counts["reproduced"] == 0:
        status = "differs"
    else:
        status = "partly"
    quals = sorted({d.qualifier() for d in data if d.qualifier()})
    return ItemStatus(status, counts, "; ".join(quals))
