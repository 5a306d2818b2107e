"""Key numbers of a notebook, recorded in a machine-readable sidecar so the book doubles as a regression test.

In a notebook::

    from hepscaling.record import record
    record("alpha_knn_emd", fit.params["alpha"], lo=0, hi=1, note="slope of kNN-EMD loss vs T, T >= 500")

writes/updates ``<notebook>.results.json`` next to the executed notebook. ``lo``/``hi`` are physics-sanity bounds that
the notebook itself states; ``make test`` checks them, and checks the values against stored references with
tolerances (``tests/reference/``).
"""
from __future__ import annotations

import json
import math
from pathlib import Path

from . import provenance
from .atomic import write_text

_records: dict[str, dict] = {}


class RecordError(ValueError):
    pass


def _sidecar() -> Path | None:
    stem = provenance._context.get("output_stem")
    return Path(f"{stem}.results.json") if stem else None


def record(name: str, value, lo: float | None = None, hi: float | None = None, note: str = "") -> None:
    """Record a key number of this notebook (optionally with sanity bounds lo <= value <= hi). Returns nothing, so
    a ``record(...)`` ending a cell adds no stray output to the page."""
    if not isinstance(name, str) or not name:
        raise RecordError("record: name must be a non-empty string")
    if isinstance(value, bool):
        v = bool(value)
    elif isinstance(value, str):
        v = value
    else:
        try:
            v = float(value)
        except (TypeError, ValueError) as e:
            raise RecordError(f"record {name!r}: value must be a number, bool or string, got {type(value).__name__}") from e
    bounds = []
    for which, b in (("lo", lo), ("hi", hi)):
        if b is not None:
            try:
                b = float(b)        # numpy scalars are fine; the sidecar is JSON
            except (TypeError, ValueError) as e:
                raise RecordError(f"record {name!r}: bound {which} must be a number, got {type(b).__name__}") from e
        bounds.append(b)
    lo, hi = bounds
    entry = {"value": v, "lo": lo, "hi": hi, "note": str(note)}
    if isinstance(v, float) and not math.isfinite(v):
        entry["value"] = repr(v)
    _records[name] = entry
    path = _sidecar()
    if path is not None:
        data = {}
        if path.exists():
            data = json.loads(path.read_text())
        data[name] = entry
        write_text(path, json.dumps(data, indent=2, sort_keys=True))


def records() -> dict[str, dict]:
    """The numbers recorded so far in this process."""
    return dict(_records)


def check_bounds(results: dict[str, dict]) -> list[str]:
    """Failures of the sanity bounds stated in a results sidecar (empty list when all hold)."""
    bad = []
    for name, e in results.items():
        v, lo, hi = e.get("value"), e.get("lo"), e.get("hi")
        if isinstance(v, str) and v in ("nan", "inf", "-inf"):
            bad.append(f"{name} = {v} is not finite")
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            if (lo is not None or hi is not None) and v is not True:
                bad.append(f"{name} = {v!r} is not a number")
            continue
        if lo is not None and v < lo:
            bad.append(f"{name} = {v:.6g} below its bound {lo}")
        if hi is not None and v > hi:
            bad.append(f"{name} = {v:.6g} above its bound {hi}")
    return bad
