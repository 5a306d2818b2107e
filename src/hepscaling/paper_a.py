"""Paper A (Batson & Kahn, "Scaling laws in jet classification") end to end: data, features, the per-point task of
the sweep, and the summaries that the chapter's notebooks plot.

One sweep feeds Figs. 1, 2, 5 and Table 1 (and Fig. 7's loss-vs-k curves): :func:`run_main_sweep`. Its results live
in one sweep directory per data configuration (``data/sweeps/paper_a-<hash>``), so the first notebook that calls it
computes the points and the others read them; an interrupted run resumes. Fig. 3 (LR on fewer EFPs) and Fig. 6
(other EMD radii, other LOT reference sizes) add points to the same directory: a point is identified by its content,
so e.g. the LOT points with the default reference size are shared with the main sweep.

Classifiers (paper A §4): ``knn_emd``, ``knn_lot``, ``knn_efp``, ``lr_efp``, ``dnn_efp``, ``dnn_lot``.

Data sizes come from a *preset* (``PRESETS["tiny" | "quick" | "paper"]``, chosen by the notebook's profile), so all
notebooks of the chapter agree on one configuration.

Choices where the paper is silent (stated on the book pages):

* a training set of size T is a uniform random subset (without replacement) of the training pool, drawn with the
  point's own seed; if it happens to contain only one class, one jet is swapped for a random jet of the other class;
* kNN EMD uses a separate, smaller pool and smaller validation/test sets (as the paper does: T <= 3.5e4, test 1e4);
  the jets are centred and pT-normalised before the EMD (``hepscaling.features.emd``); Fig. 6's R scan uses the
  un-normalised EMD of eq. (3) instead, since with normalised jets R only rescales all distances;
* kNN probabilities are the fraction of top neighbours; every classifier's probabilities are clipped to
  [1e-3, 1 - 1e-3] before eq. (7);
* kNN EFP uses standardised EFPs (the raw EFPs span many orders of magnitude between degrees), LR and the DNNs too.
"""
from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

from .cache import code_version, read_entry
from .models.knn import DEFAULT_K_GRID, knn_on_distances, knn_on_features
from .models.logistic import logistic_on_features
from .models.losses import DEFAULT_EPS
from .models.mlp import train_mlp
from .models.paper_a_data import _MEMO, describe_source, features, load_split  # noqa: F401
from .paths import data_dir
from .scaling.sweep import build_grid, run_sweep

CLASSIFIERS = ("knn_emd", "knn_lot", "knn_efp", "lr_efp", "dnn_efp", "dnn_lot")
FEATURE_OF = {"knn_emd": "emd", "knn_lot": "lot", "knn_efp": "efp", "lr_efp": "efp", "dnn_efp": "efp",
              "dnn_lot": "lot"}

#: Data configuration and grid per preset. ``emd`` holds the EMD pool/validation/test sizes, ``emd_small`` the smaller
#: sets used to compare EMD radii in Fig. 6.
PRESETS: dict[str, dict] = {
    "tiny": {
        "source": "local", "n_train": 400, "n_val": 200, "n_test": 300,
        "emd": {"n_pool": 150, "n_val": 60, "n_test": 80, "R": 0.8},
        "emd_small": {"n_pool": 100, "n_val": 40, "n_test": 60},
        "lot_n_ref": 16, "efp_dmax": 6,
        "T_values": [20, 50, 100, 200, 400], "T_values_emd": [20, 50, 100, 150], "lr_T_min": 100,
        "repeats": {"lr": (2, 1e5), "knn": (2, 5000), "dnn": (2, 300)},
        "dnn_max_epochs": 30, "dnn_patience": 5,
    },
    "quick": {
        "source": "local", "n_train": 30000, "n_val": 5000, "n_test": 10000,
        "emd": {"n_pool": 1500, "n_val": 150, "n_test": 250, "R": 0.8},
        "emd_small": {"n_pool": 400, "n_val": 150, "n_test": 200},
        "lot_n_ref": 64, "efp_dmax": 6,
        "T_values": [20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000],
        "T_values_emd": [20, 50, 100, 200, 300, 500, 700, 1000, 1500], "lr_T_min": 400,
        "repeats": {"lr": (3, 1e5), "knn": (3, 5000), "dnn": (3, 300)},
        "dnn_max_epochs": 200, "dnn_patience": 20,
    },
    "paper": {
        "source": "public", "n_train": 1200000, "n_val": 10000, "n_test": 40000,
        "emd": {"n_pool": 35000, "n_val": 5000, "n_test": 10000, "R": 0.8},
        "emd_small": {"n_pool": 10000, "n_val": 2000, "n_test": 4000},
        "lot_n_ref": 225, "efp_dmax": 6,
        "T_values": [20, 50, 100, 200, 300, 500, 1000, 2000, 5000, 10000, 30000, 100000, 300000, 1200000],
        "T_values_emd": [20, 50, 100, 200, 300, 500, 1000, 2000, 5000, 10000, 20000, 35000], "lr_T_min": 400,
        "repeats": {"lr": (10, 1e5), "knn": (10, 5000), "dnn": (5, 300)},
        "dnn_max_epochs": 200, "dnn_patience": 20,
    },
}


class PaperAError(ValueError):
    pass


OVERRIDABLE = ("source", "n_train", "n_val", "n_test", "T_max")


def preset_spec(name: str, **overrides) -> str | dict:
    """What a notebook passes to the functions below: a preset's name, or the name plus overrides of its data source
    and sizes (``source``, ``n_train``, ``n_val``, ``n_test``, ``T_max``; an empty string or 0 means "the preset's").

    This is how ``python -m hepscaling run A_jet_classification/fig1_loss_vs_T -p T_max 100000 -p source public``
    reruns a page on other data or sizes without a new preset.
    """
    base = preset(name)
    unknown = sorted(set(overrides) - set(OVERRIDABLE))
    if unknown:
        raise PaperAError(f"paper_a: cannot override {unknown}; overridable: {list(OVERRIDABLE)}")
    over = {k: v for k, v in overrides.items() if v not in (None, "", 0) and (k == "T_max" or base.get(k) != v)}
    if "T_max" in over and over["T_max"] == max(base["T_values"]) and base["n_train"] >= over["T_max"]:
        del over["T_max"]
    return {"base": name, **over} if over else name


def preset_name(spec: str | dict) -> str:
    """The name of the preset a spec starts from."""
    return spec["base"] if isinstance(spec, dict) else spec


def preset_label(spec: str | dict) -> str:
    """Short text for titles: ``quick`` or ``quick, source=public, T_max=100000``."""
    if not isinstance(spec, dict):
        return spec
    return ", ".join([spec["base"]] + [f"{k}={v}" for k, v in spec.items() if k != "base"])


def preset(spec: str | dict) -> dict:
    """A deep copy of a preset (``tiny``, ``quick``, ``paper``), with the overrides of a :func:`preset_spec` applied.

    ``T_max`` keeps the grid points up to it, continues the grid with the paper's points beyond the preset's largest
    T, adds T_max itself, and grows the training pool to at least T_max.
    """
    if isinstance(spec, dict):
        spec = dict(spec)
        cfg = preset(spec.pop("base"))
        T_max = int(spec.pop("T_max", 0) or 0)
        for k, v in spec.items():
            if k not in OVERRIDABLE:
                raise PaperAError(f"paper_a: cannot override {k!r}; overridable: {list(OVERRIDABLE)}")
            if k == "source" and v not in ("local", "public"):
                raise PaperAError(f"paper_a: source must be 'local' or 'public', got {v!r}")
            if k.startswith("n_") and (not isinstance(v, int) or v <= 0):
                raise PaperAError(f"paper_a: {k} must be a positive integer, got {v!r}")
            cfg[k] = v
        if T_max:
            if T_max < 2:
                raise PaperAError(f"paper_a: T_max must be at least 2, got {T_max}")
            top = max(cfg["T_values"])
            Ts = {T for T in cfg["T_values"] if T <= T_max}
            Ts |= {T for T in PRESETS["paper"]["T_values"] if top < T <= T_max}
            cfg["T_values"] = sorted(Ts | {T_max})
            cfg["n_train"] = max(cfg["n_train"], T_max)
        return cfg
    if spec not in PRESETS:
        raise PaperAError(f"paper_a: unknown preset {spec!r}; expected one of {sorted(PRESETS)}")
    return copy.deepcopy(PRESETS[spec])


def data_config(cfg: dict, seed: int = 0) -> dict:
    """The part of a preset that determines the data and features (the identity of the sweep directory)."""
    keys = ("source", "n_train", "n_val", "n_test", "emd", "emd_small", "lot_n_ref", "efp_dmax", "dnn_max_epochs",
            "dnn_patience")
    out = {k: copy.deepcopy(cfg[k]) for k in keys}
    out["data_seed"] = int(seed)
    return out


def _feature_args(dcfg: dict, kind: str, point: dict | None = None) -> tuple:
    point = point or {}
    src = dcfg["source"]
    text = dcfg.get("source_text") or ""
    if kind == "emd":
        sizes = dcfg["emd_small"] if point.get("emd_set") == "small" else dcfg["emd"]
        params = {"R": float(point.get("R", dcfg["emd"]["R"])), "beta": 1.0,
                  "normalised": not point.get("emd_energy", False)}
        return ("emd", src, text, sizes["n_pool"], sizes["n_val"], sizes["n_test"], dcfg["data_seed"], params)
    n = (dcfg["n_train"], dcfg["n_val"], dcfg["n_test"])
    if kind == "lot":
        return ("lot", src, text, *n, dcfg["data_seed"], {"n_ref": int(point.get("n_ref", dcfg["lot_n_ref"]))})
    return ("efp", src, text, *n, dcfg["data_seed"], {"dmax": int(dcfg["efp_dmax"])})


def get_features(dcfg: dict, kind: str, point: dict | None = None) -> dict:
    """The features for a point (memoised per process: a Dask worker reads them from the cache once).

    ``dcfg["feature_files"]`` (set by :func:`prepare` in the process that computed them) maps the feature arguments
    to their cache files, so workers read exactly what the parent computed, without recomputing the cache key."""
    args = _feature_args(dcfg, kind, point)
    return _features_memo(args, (dcfg.get("feature_files") or {}).get(_args_key(args)))


def _args_key(args: tuple) -> str:
    return json.dumps(args, sort_keys=True, default=str)


def _features_memo(args: tuple, path: str | None = None) -> dict:
    key = ("features", _args_key(args))
    if key not in _MEMO:
        value = None
        if path:
            ok, value = read_entry(Path(path))
            value = value if ok else None
        _MEMO[key] = value if value is not None else features(*args)
    return _MEMO[key]


def subsample(y_pool: np.ndarray, T: int, seed: int) -> np.ndarray:
    """Indices of a random training set of size T from the pool (both classes present whenever T >= 2)."""
    n = len(y_pool)
    if not 1 <= T <= n:
        raise PaperAError(f"paper_a: training-set size T = {T} must lie in [1, {n}] (the training pool)")
    rng = np.random.default_rng(seed)
    idx = rng.choice(n, size=T, replace=False)
    if T >= 2 and len(np.unique(y_pool[idx])) == 1:
        other = np.flatnonzero(y_pool != y_pool[idx[0]])
        if len(other):
            idx[rng.integers(T)] = rng.choice(other)
    return np.sort(idx)


# ------------------------------------------------------------------------------------------------------------ task
def efp_degree_order(dmax: int = 6) -> np.ndarray:
    """Column order of the EFPs sorted by degree d (stable: energyflow's order within a degree)."""
    from .features.efp import efp_graphs
    return np.argsort([g.degree for g in efp_graphs(dmax)], kind="stable")


def efp_degree_counts(dmax: int = 6) -> dict[int, int]:
    """{d: number of EFPs of degree <= d} — the degree boundaries of Fig. 3 (1, 4, 12, 35, 101, 313 for d <= 6)."""
    from .features.efp import efp_graphs
    deg = np.array([g.degree for g in efp_graphs(dmax)])
    return {d: int((deg <= d).sum()) for d in range(1, dmax + 1)}


def point_task(point: dict, seed: int, dcfg: dict, k_grid=DEFAULT_K_GRID, eps: float = DEFAULT_EPS,
               device: str | None = None) -> dict:
    """Train classifier ``point["classifier"]`` on a random training set of size ``point["T"]`` (seeded by ``seed``)
    and return its test loss (eq. 7) and diagnostics. Optional point keys: ``R``, ``emd_set`` ("small") and
    ``emd_energy`` (True: un-normalised EMD) for kNN EMD,
    ``n_ref`` (LOT), ``n_features`` (LR: the first n EFPs)."""
    clf, T = point["classifier"], int(point["T"])
    if clf not in CLASSIFIERS:
        raise PaperAError(f"paper_a: unknown classifier {clf!r}; expected one of {CLASSIFIERS}")
    f = get_features(dcfg, FEATURE_OF[clf], point)
    idx = subsample(f["y_train"], T, seed)
    ytr = f["y_train"][idx]
    if clf == "knn_emd":
        r = knn_on_distances(f["D_val"][:, idx], f["y_val"], f["D_test"][:, idx], f["y_test"], ytr, k_grid, eps)
    elif clf in ("knn_lot", "knn_efp"):
        r = knn_on_features(f["X_train"][idx], ytr, f["X_val"], f["y_val"], f["X_test"], f["y_test"], k_grid, eps,
                            standardize=(clf == "knn_efp"))
    if clf.startswith("knn"):
        return {"loss": r.test_loss, "val_loss": r.val_loss, "k": r.k, "k_grid": list(r.k_grid),
                "val_losses": list(map(float, r.val_losses)), "test_losses": list(map(float, r.test_losses))}
    if clf == "lr_efp":
        Xtr, Xv, Xt = f["X_train"][idx], f["X_val"], f["X_test"]
        nf = point.get("n_features")
        if nf is not None:   # the first n EFPs in order of degree (Fig. 3)
            cols = efp_degree_order(int(dcfg["efp_dmax"]))
            Xtr, Xv, Xt = Xtr[:, cols], Xv[:, cols], Xt[:, cols]
        r = logistic_on_features(Xtr, ytr, Xt, f["y_test"], Xv, f["y_val"],
                                 n_features=None if nf is None else int(nf), eps=eps, seed=seed)
        return {"loss": r.test_loss, "val_loss": r.val_loss, "n_features": r.n_features, "converged": r.converged}
    r, _ = train_mlp(f["X_train"][idx], ytr, f["X_val"], f["y_val"], f["X_test"], f["y_test"], seed=seed,
                     max_epochs=int(dcfg["dnn_max_epochs"]), patience=int(dcfg["dnn_patience"]), device=device,
                     eps=eps)
    return {"loss": r.test_loss, "val_loss": r.val_loss, "best_epoch": r.best_epoch, "epochs_run": r.epochs_run,
            "stopped_early": r.stopped_early}


# ---------------------------------------------------------------------------------------------------------- sweeps
def sweep_directory(dcfg: dict) -> Path:
    """``data/sweeps/paper_a-<hash>``: one directory per data configuration and code version."""
    h = hashlib.sha256(json.dumps(dcfg, sort_keys=True, default=str).encode())
    h.update(code_version(__name__).encode())
    return data_dir() / "sweeps" / f"paper_a-{h.hexdigest()[:16]}"


def prepare(preset_name: str, seed: int = 0, kinds=("efp", "lot", "emd"), points: list[dict] | None = None) -> dict:
    """Load the data and compute the features that the points need (in this process, through the cache), so that
    workers only read them. Returns the data configuration (with the source's description)."""
    cfg = preset(preset_name)
    dcfg = data_config(cfg, seed)
    dcfg["source_text"] = describe_source(dcfg["source"])
    for split, n in (("train", dcfg["n_train"]), ("val", dcfg["n_val"]), ("test", dcfg["n_test"])):
        load_split(dcfg["source"], split, n, seed)  # registers the input files in the provenance footer
    needed = {}
    for p in points or [{"classifier": c} for c in CLASSIFIERS if FEATURE_OF[c] in kinds]:
        args = _feature_args(dcfg, FEATURE_OF[p["classifier"]], p)
        needed[json.dumps(args, sort_keys=True, default=str)] = args
    files = {}
    for key in sorted(needed):
        _features_memo(needed[key])
        path = features.cache_path(*needed[key])
        if path is not None and path.exists():
            files[key] = str(path)
    dcfg["feature_files"] = files
    return dcfg


def run_points(preset_name: str, points: list[dict], seed: int = 0, scheduler: str = "local",
               n_workers: int | None = None) -> pd.DataFrame:
    """Run (or read) paper-A points for a preset; returns the tidy table (one row per point)."""
    cfg = preset(preset_name)
    dcfg = data_config(cfg, seed)
    dcfg_full = prepare(preset_name, seed, points=points)
    return run_sweep(point_task, points, sweep_directory(dcfg), base_seed=seed, scheduler=scheduler,
                     n_workers=n_workers, context={"dcfg": dcfg_full},
                     priority=lambda p: float(p["T"]) * (10.0 if p["classifier"].startswith("dnn") else 1.0),
                     meta={"paper": "A", "preset": preset_label(preset_name)})


def lr_nefp_points(preset_name: str, n_features: list[int], T_values: list | None = None,
                   repeats: int | None = None) -> list[dict]:
    """LR on the first n EFPs (degree order) for each n and T (Fig. 3). n = all EFPs gives the main sweep's points."""
    cfg = preset(preset_name)
    total = efp_degree_counts(cfg["efp_dmax"])[cfg["efp_dmax"]]
    Ts = [T for T in (T_values or cfg["T_values"]) if T <= cfg["n_train"]]
    pts = []
    for n in n_features:
        if not 1 <= n <= total:
            raise PaperAError(f"paper_a: n_features = {n} outside [1, {total}]")
        extra = {} if n == total else {"n_features": int(n)}
        reps = cfg["repeats"] if repeats is None else {"lr": (int(repeats), float("inf"))}
        for p in build_grid(["lr_efp"], Ts, repeats=reps, T_ranges={"lr_efp": (cfg["lr_T_min"], float("inf"))}):
            pts.append({**p, **extra})
    return drop_redundant_repeats(pts, cfg)


def main_points(preset_name: str, classifiers=CLASSIFIERS) -> list[dict]:
    """The grid of the main sweep (Figs. 1, 2, 5, 7 and Table 1): classifier x T x repeat."""
    cfg = preset(preset_name)
    pts = []
    for c in classifiers:
        Ts = cfg["T_values_emd"] if c == "knn_emd" else cfg["T_values"]
        Ts = [T for T in Ts if T <= (cfg["emd"]["n_pool"] if c == "knn_emd" else cfg["n_train"])]
        pts += build_grid([c], Ts, repeats=cfg["repeats"], T_ranges={"lr_efp": (cfg["lr_T_min"], float("inf"))})
    return drop_redundant_repeats(pts, cfg)


def pool_size(cfg: dict, point: dict) -> int:
    """Size of the training pool a point draws its T jets from."""
    if point["classifier"] == "knn_emd":
        return int((cfg["emd_small"] if point.get("emd_set") == "small" else cfg["emd"])["n_pool"])
    return int(cfg["n_train"])


def drop_redundant_repeats(points: list[dict], cfg: dict) -> list[dict]:
    """Drop repeats > 0 of deterministic classifiers (kNN, LR) at T = the whole pool: every repeat would draw the
    same training set and give the same loss (the paper's pool of 1.2M never hits this; the small presets do)."""
    return [p for p in points if not (p.get("repeat", 0) > 0 and not p["classifier"].startswith("dnn")
                                      and int(p["T"]) >= pool_size(cfg, p))]


def run_main_sweep(preset_name: str, seed: int = 0, scheduler: str = "local", n_workers: int | None = None,
                   classifiers=CLASSIFIERS) -> pd.DataFrame:
    """The main sweep of paper A. The first caller computes it; later callers (other notebooks) read it."""
    return run_points(preset_name, main_points(preset_name, classifiers), seed, scheduler, n_workers)


# -------------------------------------------------------------------------------------------------------- summaries
def summarize(table: pd.DataFrame, by=("classifier", "T")) -> pd.DataFrame:
    """Mean test loss over repeats with its standard deviation and standard error, per classifier and T."""
    by = [b for b in by if b in table.columns]
    g = table.groupby(by, dropna=False)["loss"]
    s = g.agg(loss="mean", loss_std="std", n="count").reset_index()
    s["loss_std"] = s["loss_std"].fillna(0.0)
    s["loss_sem"] = s["loss_std"] / np.sqrt(s["n"])
    return s.sort_values(by).reset_index(drop=True)


def fit_slopes(summary: pd.DataFrame, T_min: float = 500, dnn_T_max: float = 2e5, form: str = "pure") -> dict:
    """Power-law fits per classifier (paper A Fig. 2 / Table 1: C = 0, T >= 500, DNNs only up to 2e5).
    Returns {classifier: PowerLawFit}; classifiers with fewer than three points in range are left out."""
    from .scaling.fit import fit_power_law
    out = {}
    for clf, s in summary.groupby("classifier"):
        hi = dnn_T_max if clf.startswith("dnn") else None
        sel = s[(s["T"] >= T_min) & ((s["T"] <= hi) if hi else True)]
        if len(sel) < 3:
            continue
        out[clf] = fit_power_law(sel["T"].to_numpy(float), sel["loss"].to_numpy(float), form)
    return out


def loss_at(summary: pd.DataFrame, T: float) -> dict:
    """{classifier: mean loss at the T of the grid nearest to ``T`` (in log)}"""
    out = {}
    for clf, s in summary.groupby("classifier"):
        i = int(np.argmin(np.abs(np.log(s["T"].to_numpy(float)) - np.log(T))))
        out[clf] = float(s["loss"].iloc[i])
    return out


# -------------------------------------------------------------------------------------------------- page helpers
def data_statement(preset_name: str, seed: int = 0) -> str:
    """Markdown paragraph: which data and sizes a page ran on (from the source's own description)."""
    cfg = preset(preset_name)
    e = cfg["emd"]
    rep = ", ".join(f"{k.upper()} {n}x for T <= {t:g}" for k, (n, t) in cfg["repeats"].items())
    return (f"**Data** (preset `{preset_label(preset_name)}`, seed {seed}): {describe_source(cfg['source'])}\n\n"
            f"Training pool {cfg['n_train']:,} jets, validation {cfg['n_val']:,}, test {cfg['n_test']:,} "
            f"(paper: 1.2M / 1e4 / 4e4). kNN EMD: pool {e['n_pool']:,}, validation {e['n_val']:,}, test "
            f"{e['n_test']:,} (paper: T <= 3.5e4, validation 5e3, test 1e4). LOT reference: {cfg['lot_n_ref']} "
            f"particles. Repeats: {rep} (paper: LR 10x for T <= 1e5, kNN 10x for T <= 5000, DNN 5x for T <= 300).")


def plot_losses(ax, summary: pd.DataFrame, classifiers=CLASSIFIERS, T_min: float = 0, T_max: float = float("inf"),
                errorbars: bool = True, **kw) -> None:
    """Mean test loss vs T (log-log) for each classifier, with the standard error over repeats."""
    from . import plotting
    for clf in classifiers:
        s = summary[(summary["classifier"] == clf) & (summary["T"] >= T_min) & (summary["T"] <= T_max)]
        if s.empty:
            continue
        ax.errorbar(s["T"], s["loss"], yerr=s["loss_sem"] if errorbars else None, color=plotting.color(clf),
                    marker=plotting.MARKERS.get(clf, "o"), ms=5, lw=1.2, capsize=2, label=plotting.label(clf), **kw)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("training-set size $T$")
    ax.set_ylabel("test loss (binary cross-entropy)")


def rank_order(losses: dict) -> list[str]:
    """Classifiers sorted from lowest to highest loss."""
    return [k for k, _ in sorted(losses.items(), key=lambda kv: kv[1])]


def markdown_table(header: list[str], rows: list[list]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def fmt(v: float, e: float | None = None, digits: int = 3) -> str:
    if e is None or not np.isfinite(e):
        return f"{v:.{digits}g}"
    return f"{v:.{digits}f} ± {e:.{digits}f}"
