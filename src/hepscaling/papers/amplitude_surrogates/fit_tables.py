"""Paper B's fitted scaling laws, Tables 2–15, as one table: ``load()`` -> pandas DataFrame, one row per eq. (1) fit.

    L(X) = (X_c / X)^α_X + K_X,   X in {D, N, C},   fitted with a second resource held at ``second_value``

The numbers live in ``fit_tables.yaml`` next to this module, transcribed once from the paper (Table 2 in §4.1,
Tables 3–15 in App. C); its header states the conventions of the transcription.  Columns:

``table, section, source``           the paper's table number, its section, and ``"Table 2, §4.1"`` as one string
``process, model, loss``             engine process string, ``mlp_i`` | ``lloca``, ``mse`` | ``het``
``X, second, second_value``          the scanned resource (D, N, C) and the one held fixed (N for D scans, else D)
``Xc, Xc_up, Xc_down``               X_c and its printed +/− errors (positive; NaN where the paper prints no such side)
``alpha, alpha_err``                 α_X ± error
``K, K_up, K_down, k_approx_zero``   K_X and its errors; the paper's "K ≃ 0" is K = 0, NaN errors, k_approx_zero True

:func:`law` turns a row into the ``{"params", "errors"}`` form :mod:`hepscaling.scaling.planner` takes;
:func:`least_limited` picks, per X, the fit whose second resource is largest (the scan least limited by it), and
:func:`plan` puts those laws to the precision planner (``python -m hepscaling plan --source paper``).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

PATH = Path(__file__).with_name("fit_tables.yaml")
MODELS = {"mlp_i": "MLP-I", "lloca": "LLoCa-Transformer"}
LOSSES = {"mse": "MSE", "het": "heteroscedastic"}
X_LABELS = {"D": "D_train", "N": "N (parameters)", "C": "C [FLOPs]"}
COLUMNS = ["table", "section", "source", "process", "model", "loss", "X", "second", "second_value", "Xc", "Xc_up",
           "Xc_down", "alpha", "alpha_err", "K", "K_up", "K_down", "k_approx_zero"]
_TABLE_KEYS = ("table", "section", "process", "model", "loss", "rows")
_ROW_KEYS = ("X", "second", "second_value", "Xc", "Xc_up", "Xc_down", "alpha", "alpha_err", "K", "K_up", "K_down")


@lru_cache(maxsize=4)
def _read(path: str) -> pd.DataFrame:
    doc = yaml.safe_load(Path(path).read_text())
    records = []
    for t in doc["tables"]:
        missing = [k for k in _TABLE_KEYS if k not in t]
        if missing:
            raise ValueError(f"{path}: table {t.get('table')} lacks {missing}")
        for i, r in enumerate(t["rows"]):
            missing = [k for k in _ROW_KEYS if k not in r]
            if missing:
                raise ValueError(f"{path}: table {t['table']}, row {i + 1} lacks {missing}")
            rec = {"table": int(t["table"]), "section": t["section"], "source": f"Table {t['table']}, {t['section']}",
                   "process": t["process"], "model": t["model"], "loss": t["loss"],
                   "k_approx_zero": bool(r.get("k_approx_zero", False))}
            rec.update({k: (r[k] if k in ("X", "second") else (np.nan if r[k] is None else float(r[k])))
                        for k in _ROW_KEYS})
            records.append(rec)
    return pd.DataFrame.from_records(records, columns=COLUMNS)


def load(path=None) -> pd.DataFrame:
    """Every fit of Tables 2–15, one row each (a fresh copy; see the module docstring for the columns)."""
    return _read(str(path or PATH)).copy()


def processes(table: pd.DataFrame | None = None) -> list[str]:
    """The processes with at least one fit, in the order of the tables."""
    t = load() if table is None else table
    return list(dict.fromkeys(t["process"]))


def law(row) -> dict:
    """One row as ``{"params": {Xc, alpha, K}, "errors": {Xc: (up, down), alpha: err, K: (up, down)}}``.

    An error side the paper does not print is ``None`` (the planner then uses the other side); "K ≃ 0" gives K = 0
    with errors (0, 0), the flag staying in the row.
    """
    def side(v):
        return None if pd.isna(v) else float(v)

    k_err = (0.0, 0.0) if row["k_approx_zero"] else (side(row["K_up"]), side(row["K_down"]))
    return {"params": {"Xc": float(row["Xc"]), "alpha": float(row["alpha"]), "K": float(row["K"])},
            "errors": {"Xc": (side(row["Xc_up"]), side(row["Xc_down"])), "alpha": float(row["alpha_err"]),
                       "K": k_err}}


def least_limited(process: str, model: str = "mlp_i", loss: str = "mse", table: pd.DataFrame | None = None) -> dict:
    """``{X: row}`` for X in D, N, C: the fit with the largest second resource for this process, model and loss.

    X missing from the dict where the paper has no such scan (e.g. the LLoCa-Transformer only has D scans).
    """
    t = load() if table is None else table
    sel = t[(t["process"] == process) & (t["model"] == model) & (t["loss"] == loss)]
    out = {}
    for x in ("D", "N", "C"):
        rows = sel[sel["X"] == x]
        if len(rows):
            out[x] = rows.loc[rows["second_value"].idxmax()]
    return out


def plan(process: str, target: float, model: str = "mlp_i", loss: str = "mse", table: pd.DataFrame | None = None):
    """The paper's laws put to :func:`hepscaling.scaling.planner.plan`: ``(Plan, {X: row used})``, one law per X from
    :func:`least_limited` (X without a scan in the paper is absent from both)."""
    from ...scaling import planner

    rows = least_limited(process, model, loss, table)
    return planner.plan({x: law(r) for x, r in rows.items()}, target), rows
