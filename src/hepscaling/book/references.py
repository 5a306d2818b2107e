"""Reference values: the numbers every notebook records, compared with ``tests/reference/<profile>.json``."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

from ..paths import repo_root
from .execution import execute_all
from .files import write_if_changed
from .inventory import Notebook

DEFAULT_RTOL = 1e-3
DEFAULT_ATOL = 1e-12


def reference_path(profile: str = "tiny") -> Path:
    return repo_root() / "tests" / "reference" / f"{profile}.json"


def load_results(out_root: Path, nb: Notebook) -> dict | None:
    p = out_root / f"{nb.id}.results.json"
    return json.loads(p.read_text()) if p.is_file() else None


def compare_to_reference(nb_id: str, results: dict, reference: dict) -> list[str]:
    """Differences between recorded numbers and the stored references (empty when all agree)."""
    ref = reference.get(nb_id)
    if ref is None:
        return [f"{nb_id}: no reference values; run `python -m hepscaling references --update` and commit "
                "tests/reference/tiny.json"]
    bad = []
    for name, entry in ref.items():
        if name not in results:
            bad.append(f"{nb_id}: {name!r} has a reference value but the notebook no longer records it")
            continue
        if entry.get("compare") is False:
            continue              # machine-dependent (e.g. a throughput): recorded and bound-checked, not compared
        got, want = results[name].get("value"), entry.get("value")
        if isinstance(want, (bool, str)) or isinstance(got, (bool, str)) or want is None or got is None:
            if got != want:
                bad.append(f"{nb_id}: {name} = {got!r}, reference {want!r}")
            continue
        rtol, atol = entry.get("rtol", DEFAULT_RTOL), entry.get("atol", DEFAULT_ATOL)
        if not abs(got - want) <= atol + rtol * abs(want):
            bad.append(f"{nb_id}: {name} = {got:.8g}, reference {want:.8g} (rtol {rtol}, atol {atol})")
    for name in results:
        if name not in ref:
            bad.append(f"{nb_id}: {name!r} is recorded but has no reference value; run "
                       "`python -m hepscaling references --update`")
    return bad


def update_references(profile: str = "tiny", only: list[str] | None = None, log=print) -> int:
    """Execute every notebook with ``profile`` and store its recorded numbers in tests/reference/<profile>.json.

    Tolerances (``rtol``/``atol``) already in the file are kept; new entries get the defaults.
    """
    path = reference_path(profile)
    old = json.loads(path.read_text()) if path.is_file() else {}
    with tempfile.TemporaryDirectory(prefix="hepscaling-ref-") as tmp:
        nbs, results = execute_all(profile, Path(tmp), force=True, only=only, log=log)
        failed = {r.notebook: r for r in results if not r.ok}
        new = {k: v for k, v in old.items() if k.startswith("_")}
        new.setdefault("_about", f"Recorded numbers of every notebook run with profile {profile!r}; regenerate with "
                                 "`python -m hepscaling references --update`. Per-entry rtol/atol override the "
                                 f"defaults rtol={DEFAULT_RTOL}, atol={DEFAULT_ATOL}; \"compare\": false marks a "
                                 "machine-dependent number (e.g. a throughput) that is not compared.")
        kept = {k: v for k, v in old.items() if not k.startswith("_")}
        if only:
            new.update(kept)
        for nb in nbs:
            if nb.id in failed:
                if nb.id in old:
                    new[nb.id] = old[nb.id]          # keep the old values of a notebook that failed now
                continue
            res = load_results(Path(tmp), nb) or {}
            entry = {}
            for name, rec in sorted(res.items()):
                e = {"value": rec.get("value")}
                prev = old.get(nb.id, {}).get(name, {})
                for tol in ("rtol", "atol", "compare"):
                    if tol in prev:
                        e[tol] = prev[tol]
                entry[name] = e
            new[nb.id] = entry
    path.parent.mkdir(parents=True, exist_ok=True)
    write_if_changed(path, json.dumps(new, indent=2, sort_keys=True) + "\n")
    log(f"wrote {path} ({sum(len(v) for k, v in new.items() if not k.startswith('_'))} values from "
        f"{len([k for k in new if not k.startswith('_')])} notebooks)")
    if failed:
        for r in failed.values():
            log(f"FAILED (its reference values were not updated): {r.summary}")
        return 1
    return 0

