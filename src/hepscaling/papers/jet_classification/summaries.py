"""The numbers paper A's pages show: mean losses over repeats, power-law fits per classifier, rank orders.

Everything a page computes from the sweep table lives here, so each page holds only narrative, plots and the claims
it tests.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ...scaling.fit import fit_groups

#: Paper A, Fig. 2 / Table 1: fits with C = 0 for T >= 500, the DNNs only up to 2e5 (their slope softens above).
FIT_T_MIN = 500
DNN_T_MAX = 200_000


def summarize(table: pd.DataFrame, by=("classifier", "T")) -> pd.DataFrame:
    """Mean test loss over repeats with its standard deviation and standard error, per classifier and T."""
    by = [b for b in by if b in table.columns]
    g = table.groupby(by, dropna=False)["loss"]
    s = g.agg(loss="mean", loss_std="std", n="count").reset_index()
    s["loss_std"] = s["loss_std"].fillna(0.0)
    s["loss_sem"] = s["loss_std"] / np.sqrt(s["n"])
    return s.sort_values(by).reset_index(drop=True)


def fit_slopes(summary: pd.DataFrame, T_min: float = FIT_T_MIN, dnn_T_max: float = DNN_T_MAX,
               form: str = "pure") -> dict:
    """Power-law fits per classifier (Fig. 2 / Table 1: C = 0, T >= T_min, DNNs only up to dnn_T_max).
    Returns {classifier: PowerLawFit}; classifiers with fewer than three points in range are left out."""
    fits = fit_groups(summary, by="classifier", x="T", y="loss", form=form, min_points=3,
                      x_range=lambda c: (T_min, dnn_T_max if c.startswith("dnn") else None))
    return {c: f for c, f in fits.items() if f is not None}


def floor_fits(summary: pd.DataFrame, classifiers, T_min: float = 0) -> dict:
    """Fits L = A T^-α + C (Fig. 5: scipy curve_fit, from T_min) per classifier: {classifier: fit or None}."""
    s = summary[summary["classifier"].isin(list(classifiers))]
    fits = fit_groups(s, by="classifier", x="T", y="loss", form="floor", x_range=(T_min, None))
    return {c: fits.get(c) for c in classifiers}


def loss_at(summary: pd.DataFrame, T: float) -> dict:
    """{classifier: mean loss at the T of the grid nearest to ``T`` (in log)}"""
    out = {}
    for clf, s in summary.groupby("classifier"):
        i = int(np.argmin(np.abs(np.log(s["T"].to_numpy(float)) - np.log(T))))
        out[clf] = float(s["loss"].iloc[i])
    return out


def nearest_T(summary: pd.DataFrame, T: float) -> float:
    """The T of the grid nearest to ``T`` in log."""
    Ts = summary["T"].unique()
    return float(min(Ts, key=lambda t: abs(np.log(t / T))))


def grid_reaches(summary: pd.DataFrame, T: float, factor: float = 2.0) -> bool:
    """True when the grid has a T within ``factor`` of ``T`` (a statement the paper makes at T can be tested)."""
    return abs(np.log(nearest_T(summary, T) / T)) <= np.log(factor)


def losses_at_grid_T(summary: pd.DataFrame, T: float) -> dict:
    """{classifier: (mean loss, standard error)} of the classifiers measured at the grid point nearest to ``T``."""
    s = summary[summary["T"] == nearest_T(summary, T)]
    return {c: (float(l), float(e)) for c, l, e in zip(s["classifier"], s["loss"], s["loss_sem"])}


def rank_order(losses: dict) -> list[str]:
    """Classifiers sorted from lowest to highest loss (values may be numbers or (loss, error) pairs)."""
    key = (lambda kv: kv[1][0]) if losses and isinstance(next(iter(losses.values())), tuple) else (lambda kv: kv[1])
    return [k for k, _ in sorted(losses.items(), key=key)]


def lowest_at_each_T(summary: pd.DataFrame, min_classifiers: int = 3) -> dict:
    """{T: classifier with the lowest mean loss} at every grid T where at least ``min_classifiers`` were measured."""
    out = {}
    for T, s in summary.groupby("T"):
        if len(s) >= min_classifiers:
            out[float(T)] = s.loc[s["loss"].idxmin(), "classifier"]
    return out


def rank_changes(summary: pd.DataFrame) -> int:
    """How often the rank order changes between consecutive grid T (comparing the classifiers measured at both)."""
    Ts = sorted(summary["T"].unique())
    n = 0
    for a, b in zip(Ts[:-1], Ts[1:]):
        la = summary[summary["T"] == a].set_index("classifier")["loss"]
        lb = summary[summary["T"] == b].set_index("classifier")["loss"]
        common = sorted(set(la.index) & set(lb.index))
        if len(common) >= 2 and list(la[common].sort_values().index) != list(lb[common].sort_values().index):
            n += 1
    return n


def improves_with_T(summary: pd.DataFrame) -> dict:
    """{classifier: loss at its largest T < loss at its smallest T}."""
    return {c: bool(s.sort_values("T")["loss"].iloc[-1] < s.sort_values("T")["loss"].iloc[0])
            for c, s in summary.groupby("classifier")}


def max_pairwise_pull(fits: dict) -> float:
    """The largest |α_i − α_j| / √(σ_i² + σ_j²) over pairs of fits (NaN with fewer than two): "equal slopes within
    errors" means a small value."""
    f = [x for x in fits.values() if x is not None]
    pulls = [abs(a.params["alpha"] - b.params["alpha"]) / np.hypot(a.errors["alpha"], b.errors["alpha"])
             for i, a in enumerate(f) for b in f[i + 1:]]
    return float(max(pulls)) if pulls else float("nan")


# ------------------------------------------------------------------------------------------------ Fig. 4 geometry
def class_spectra(features: dict, T: int) -> dict:
    """{"qcd" | "top": eigenvalues of eq. (8)} of the first ``T`` training jets of each class."""
    from ...geometry import covariance_spectrum
    X, y = features["X_train"], features["y_train"]
    return {lab: covariance_spectrum(X[y == cls][:T]) for cls, lab in ((0, "qcd"), (1, "top"))}


def emd_correlation_dimensions(emd: dict, n_q: int = 36, per_pt: bool = True) -> tuple[dict, np.ndarray, int]:
    """Correlation dimension (eq. 9) of QCD pairs, top pairs and cross-class pairs, from the EMD matrix the kNN EMD
    classifier uses (validation + test jets x the EMD training pool). With ``per_pt`` (for eq. 3's EMD in GeV) each
    pair's EMD is divided by the mean pT of its two jets, so Q is in units of the jet pT as on the paper's x-axis.
    Returns ({name: (Q_mid, dim)}, all positive pair distances, number of pairs)."""
    from ...geometry import correlation_dimension
    D = np.vstack([emd["D_val"], emd["D_test"]]).astype(np.float64)
    yq = np.concatenate([emd["y_val"], emd["y_test"]])
    yp = emd["y_train"]
    if per_pt:
        ptq = np.concatenate([emd["pt_val"], emd["pt_test"]])
        D = D / (0.5 * (ptq[:, None] + emd["pt_train"][None, :]))
    blocks = {"qcd": D[yq == 0][:, yp == 0], "top": D[yq == 1][:, yp == 1],
              # cross-class pairs both ways round: QCD queries x top pool and top queries x QCD pool
              "cross": np.concatenate([D[yq == 0][:, yp == 1].ravel(), D[yq == 1][:, yp == 0].ravel()])[None, :]}
    pos = D[D > 0]
    Q = np.geomspace(np.quantile(pos, 0.002), pos.max() * 1.0001, n_q)
    dims = {k: correlation_dimension(B, Q=Q, within=False) for k, B in blocks.items()}
    return dims, pos, int(sum(B.size for B in blocks.values()))


def has_interior_minimum(values: np.ndarray) -> bool:
    """True when a curve (NaN where undefined) has a strict local minimum away from its ends."""
    v = np.asarray(values, dtype=float)
    fin = np.isfinite(v)
    return bool(fin.sum() > 4 and np.any((v[1:-1] < v[:-2]) & (v[1:-1] < v[2:]) & fin[1:-1]))


# --------------------------------------------------------------------------------------------- Fig. 6 scans
def scan_fits(table: pd.DataFrame, key: str) -> dict:
    """Fig. 6: for each value of ``key`` (``R`` or ``n_ref``), the mean losses and a C = 0 fit from
    T >= min(100, largest T / 10): ``{value: (summary, fit or None)}``."""
    s = summarize(table, by=(key, "T"))
    lo = {v: min(100, g["T"].max() / 10) for v, g in s.groupby(key)}
    fits = fit_groups(s, by=key, x="T", y="loss", x_range=lambda v: (lo[v], None))
    return {v: (g, fits[v]) for v, g in s.groupby(key)}


# ------------------------------------------------------------------------------------------------ Fig. 7 k curves
def k_curve(table: pd.DataFrame, classifier: str, T_req: float):
    """Validation loss vs k of a kNN classifier at the largest grid T at or below ``T_req`` (the smallest T if none),
    averaged over repeats: ``(T, k values, mean loss, standard error)``."""
    t = table[table["classifier"] == classifier]
    Ts = sorted(t["T"].unique())
    T = ([T for T in Ts if T <= T_req] or Ts[:1])[-1]
    rows = t[t["T"] == T]
    ks = list(rows["k_grid"].iloc[0])
    v = np.array([list(x)[:len(ks)] for x in rows["val_losses"]])
    sem = v.std(0) / np.sqrt(len(v)) if len(v) > 1 else np.zeros(len(ks))
    return T, np.array(ks), v.mean(0), sem


# ------------------------------------------------------------------------------------------- statements of §4-§5
def decades_measured(summary: pd.DataFrame) -> dict:
    """{classifier: log10(largest T / smallest T) of its grid}."""
    return {c: float(np.log10(s["T"].max() / s["T"].min())) for c, s in summary.groupby("classifier")}


def slope_change(summary: pd.DataFrame, classifier: str, T_break: float = 50, T_hi: float = 500):
    """Footnote 3's broken power law: the local slope below ``T_break`` (the two grid points around it) and the C = 0
    slope from ``T_break`` to ``T_hi``; returns (slope above − slope below, its 1σ error) or (None, None)."""
    from ...scaling.fit import FitError, fit_power_law
    s = summary[summary["classifier"] == classifier].sort_values("T")
    lo = s[s["T"] <= T_break].tail(2)
    hi = s[(s["T"] >= T_break) & (s["T"] <= T_hi)]
    if len(lo) < 2 or len(hi) < 3:
        return None, None
    l0, l1 = lo["loss"].to_numpy(float)
    e0, e1 = (lo["loss_sem"] / lo["loss"]).to_numpy(float)
    dlnT = np.log(lo["T"].iloc[1] / lo["T"].iloc[0])
    below, below_err = -np.log(l1 / l0) / dlnT, np.hypot(e0, e1) / dlnT
    try:
        f = fit_power_law(hi["T"].to_numpy(float), hi["loss"].to_numpy(float), "pure")
    except FitError:
        return None, None
    return f.params["alpha"] - below, float(np.hypot(f.errors["alpha"], below_err))


def stopped_early(table: pd.DataFrame) -> tuple[int, int]:
    """(DNN points that stopped early, DNN points) of a sweep table."""
    d = table[table["classifier"].str.startswith("dnn")]
    if d.empty or "stopped_early" not in d:
        return 0, 0
    return int(d["stopped_early"].astype(bool).sum()), len(d)


def relative_error(fit, name: str) -> float:
    """σ / |value| of a fitted parameter (inf when the value is 0)."""
    v = abs(fit.params[name])
    return float(fit.errors[name] / v) if v > 0 else float("inf")


def loss_pull(summary: pd.DataFrame, key: str) -> float:
    """The largest |L_i − L_j| / √(σ_i² + σ_j²) between the values of ``key`` at the largest T they share (pairs
    without an error — single repeats — are left out; NaN when none is left)."""
    T = max(set.intersection(*[set(g["T"]) for _, g in summary.groupby(key)]))
    s = summary[summary["T"] == T]
    L, E = s["loss"].to_numpy(float), s["loss_sem"].to_numpy(float)
    pulls = [abs(L[i] - L[j]) / np.hypot(E[i], E[j]) for i in range(len(L)) for j in range(i + 1, len(L))
             if np.hypot(E[i], E[j]) > 0]
    return float(max(pulls)) if pulls else float("nan")   # NaN: no pair with an error (single repeats)
