"""Paper E, vignette III — moment pooling (Gambhir, Osathapan, Tasissa, Thaler, arXiv 2403.08854): what the pages
"Moments AUC" and "Moments latent" need.

Configuration: ``papers: moments_of_clarity: moments:`` in ``profiles/<name>.yaml``, keys (all required):

``n_train``, ``n_val``, ``n_test``   jets per split, half quark and half gluon (paper: 10⁶ / 5·10⁴ / 5·10⁴ of the
                                     EnergyFlow q/g sample)
``shard_size``                       jets per generated shard (:mod:`hepscaling.data.quark_gluon`)
``mpi``                              multi-parton interactions (the EnergyFlow sample: on)
``pthat_window``                     ``[min, max]`` of Pythia's pTHat, GeV, around the 500–550 GeV jet window
``max_particles``                    hardest constituents per jet fed to the network
``k_values``, ``L_values``           the scan: every (k, L) of the product (paper: k = 1..4, L = 1..2^(8−k))
``phi_sizes``, ``F_sizes``           hidden widths of Φ and F (paper: [100, 100] and [100, 100, 100])
``lr``, ``batch_size``               Adam's learning rate and the batch size (paper: Keras' default 10⁻³, 512)
``epochs``, ``patience``             at most ``epochs`` epochs, early stopping after ``patience`` epochs without a
                                     better validation loss (paper: 50 epochs, patience 8 on the training loss)
``repeats``                          trainings per (k, L), each with its own seed (paper: 3)

The scan's points run on the shared sweep engine (one directory per data configuration and version of
:mod:`.moments_task`); the pages read the same runs, and the first page that needs a run trains it.
"""
from __future__ import annotations

import math
from functools import cached_property

import numpy as np
import pandas as pd
import torch

from ...claims import ClaimSheet, DataUsed
from ...scaling.sweep import run_sweep, sweep_directory, with_repeats
from . import moments_task as _task
from .config import ConfigError, vignette_config

KEYS = {"n_train": int, "n_val": int, "n_test": int, "shard_size": int, "mpi": bool, "pthat_window": list,
        "max_particles": int, "k_values": list, "L_values": list, "phi_sizes": list, "F_sizes": list,
        "lr": float, "batch_size": int, "epochs": int, "patience": int, "repeats": int}

#: 2403.08854's setup, for the data statement and the "paper sizes" test.
PAPER = {"n_train": 1_000_000, "n_val": 50_000, "n_test": 50_000, "k_values": [1, 2, 3, 4],
         "phi_sizes": [100, 100], "F_sizes": [100, 100, 100], "batch_size": 512, "epochs": 50, "repeats": 3}
#: The jets' radius (the network's inputs are positions in units of it).
JET_R = _task.qg.QGSettings().jet_R
#: The talk's / paper's value of the log-angularity regulator c (arXiv 2403.08854; the talk: c ~ Λ/(pT R) ~ 0.001).
PAPER_C = 0.005


def config(profile: str | dict) -> dict:
    """The checked ``moments`` section of ``profile``."""
    cfg = vignette_config(profile, "moments", KEYS, __name__)
    where = f"profile {cfg['profile']!r}: papers.moments_of_clarity.moments"
    for key in ("k_values", "L_values", "phi_sizes", "F_sizes"):
        v = cfg[key]
        if not all(isinstance(x, int) and not isinstance(x, bool) and x > 0 for x in v):
            raise ConfigError(f"{where}.{key} must be a list of positive integers, got {v!r}")
    for key in ("k_values", "L_values"):
        if cfg[key] != sorted(set(cfg[key])):
            raise ConfigError(f"{where}.{key} must be increasing without repeats, got {cfg[key]!r}")
    w = cfg["pthat_window"]
    if len(w) != 2 or not all(isinstance(x, (int, float)) for x in w) or not 0 < w[0] < 500 or w[1] <= 550:
        raise ConfigError(f"{where}.pthat_window must be [min, max] GeV with min < 500 < 550 < max (around the "
                          f"jet window), got {w!r}")
    for sp in ("n_train", "n_val", "n_test"):
        if cfg[sp] % 2:
            raise ConfigError(f"{where}.{sp} must be even (half quark, half gluon), got {cfg[sp]}")
    if cfg["shard_size"] % 2:
        raise ConfigError(f"{where}.shard_size must be even, got {cfg['shard_size']}")
    missing = [kl for kl in ((1, 1), (4, 1), (1, 4)) if kl[0] not in cfg["k_values"] or kl[1] not in cfg["L_values"]]
    if missing:
        raise ConfigError(f"{where}: the scan must contain (k, L) = (1, 1), (4, 1) and (1, 4) (the talk's claims); "
                          f"k_values {cfg['k_values']} × L_values {cfg['L_values']} lacks {missing}")
    return cfg


def data_config(cfg: dict, seed: int) -> dict:
    """What determines the jets and every run (the sweep directory's key): everything but the grid and repeats."""
    keys = ("n_train", "n_val", "n_test", "shard_size", "mpi", "pthat_window", "max_particles", "phi_sizes",
            "F_sizes", "lr", "batch_size", "epochs", "patience")
    return {**{k: cfg[k] for k in keys}, "data_seed": int(seed)}


def at_paper_sizes(cfg: dict) -> bool:
    return bool(cfg["mpi"] and cfg["n_train"] >= PAPER["n_train"] and cfg["n_test"] >= PAPER["n_test"]
                and cfg["k_values"] == PAPER["k_values"])


def data_used(cfg: dict) -> DataUsed:
    mpi = "MPI on" if cfg["mpi"] else "MPI off"
    return DataUsed(f"local substitute for the EnergyFlow q/g sample: Pythia 8 Z(→νν) + g / Z(→νν) + (u, d, s) at "
                    f"14 TeV, anti-kT R = 0.4, leading jet with 500 < pT < 550 GeV, |y| < 1.7, {mpi}, "
                    f"hadronisation on (hepscaling.data.quark_gluon)",
                    dataset="substitute", sizes="paper" if at_paper_sizes(cfg) else "reduced")


# ----------------------------------------------------------------------------------------------------- the scan
def grid_points(cfg: dict) -> list[dict]:
    """Every (k, L) of the profile's scan, ``repeats`` times."""
    return with_repeats([{"k": int(k), "L": int(L)} for k in cfg["k_values"] for L in cfg["L_values"]],
                        int(cfg["repeats"]))


def _cost(point: dict) -> float:
    from ...models.moment_efn import n_pooled
    return float(point["L"]) * 10 + n_pooled(int(point["L"]), int(point["k"]))


def run_points(cfg: dict, points: list[dict], seed: int = 0, scheduler: str = "local") -> pd.DataFrame:
    """Run (or read) the points; the tidy table, one row per run."""
    dcfg = data_config(cfg, seed)
    _task.prepared(dcfg)            # the jets, generated (in parallel) before the workers start
    return run_sweep(_task.point_task, points, sweep_directory("paper_e_moments", dcfg, _task.__name__),
                     base_seed=seed, scheduler=scheduler, context={"dcfg": dcfg}, priority=_cost,
                     meta={"paper": "E", "vignette": "moments", "profile": cfg["profile"]})


def auc_error(auc: float, n_pos: int, n_neg: int) -> float:
    """Hanley & McNeil (1982): the standard error of an AUC measured on ``n_pos`` + ``n_neg`` test samples."""
    a = float(auc)
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    var = (a * (1 - a) + (n_pos - 1) * (q1 - a * a) + (n_neg - 1) * (q2 - a * a)) / (n_pos * n_neg)
    return math.sqrt(max(var, 0.0))


def summarize(table: pd.DataFrame) -> pd.DataFrame:
    """One row per (k, L): mean AUC over repeats, its spread, and ``auc_err`` = the test-set error (Hanley–McNeil)
    combined with the spread of the mean over repeats (test-set error alone for one repeat)."""
    g = table.groupby(["k", "L"])
    s = g[["auc", "L_eff", "n_pooled", "n_params", "flops_train", "wall_s", "epochs_run", "n_test_quark",
           "n_test_gluon"]].mean()
    s["auc_std"] = g["auc"].std().fillna(0.0)
    s["n"] = g["auc"].count()
    s = s.reset_index()
    stat = [auc_error(a, int(p), int(n)) for a, p, n in zip(s.auc, s.n_test_quark, s.n_test_gluon)]
    s["auc_err"] = np.hypot(stat, s.auc_std / np.sqrt(s.n))
    for c in ("L_eff", "n_pooled", "n_params", "n"):
        s[c] = s[c].astype(int)
    return s.sort_values(["k", "L"]).reset_index(drop=True)


def auc_at(summary: pd.DataFrame, k: int, L: int) -> tuple[float, float]:
    row = summary[(summary.k == k) & (summary.L == L)]
    if row.empty:
        raise KeyError(f"no run with k = {k}, L = {L} in the scan")
    return float(row.auc.iloc[0]), float(row.auc_err.iloc[0])


# ---------------------------------------------------------------------------------------------- the latent (L = 1)
def log_form(r, a, b, c):
    """The talk's closed form of the learned k = 4, L = 1 latent: Φ(r) = a + b log(c + r)."""
    return a + b * np.log(c + np.asarray(r, dtype=float))


def fit_log_latent(r, phi, r_max: float = 0.4) -> dict:
    """Least-squares fit of Φ(r) = a + b log(c + r) on the points with r ≤ ``r_max`` (uniform in log r, as
    recorded), with 10⁻⁷ ≤ c ≤ 1 (c ≫ r makes the form linear in r: c at its upper bound means "no logarithm");
    returns ``a, b, c``, their errors, ``r2`` (the fraction of Φ's variance the form explains) and, for
    comparison, ``r2_log`` of the plain logarithm a + b log r (c = 0)."""
    from scipy.optimize import curve_fit

    r = np.asarray(r, dtype=float)
    phi = np.asarray(phi, dtype=float)
    m = r <= r_max
    r, phi = r[m], phi[m]
    if len(r) < 4 or not np.all(np.isfinite(phi)):
        raise ValueError(f"fit_log_latent: need at least 4 finite points with r <= {r_max}, got {len(r)}")
    best = None
    for c0 in (1e-4, 1e-3, 1e-2, 1e-1):       # a few starts: the fit in c is not convex
        slope = np.polyfit(np.log(c0 + r), phi, 1)
        try:
            p, cov = curve_fit(log_form, r, phi, p0=[slope[1], slope[0], c0],
                               bounds=([-np.inf, -np.inf, 1e-7], [np.inf, np.inf, 1.0]), maxfev=20000)
        except RuntimeError:
            continue
        ss = float(np.sum((phi - log_form(r, *p)) ** 2))
        if best is None or ss < best[0]:
            best = (ss, p, cov)
    if best is None:
        raise ValueError("fit_log_latent: the fit did not converge from any start")
    ss, p, cov = best
    tot = float(np.sum((phi - phi.mean()) ** 2)) or 1.0
    plain = np.polyfit(np.log(r), phi, 1)
    ss_plain = float(np.sum((phi - np.polyval(plain, np.log(r))) ** 2))
    err = np.sqrt(np.clip(np.diag(cov), 0, None)) if np.all(np.isfinite(cov)) else np.full(3, np.nan)
    return {"a": float(p[0]), "b": float(p[1]), "c": float(p[2]), "a_err": float(err[0]), "b_err": float(err[1]),
            "c_err": float(err[2]), "r2": 1 - ss / tot, "r2_log": 1 - ss_plain / tot, "n_points": int(len(r))}


def log_angularity_moments(p4: np.ndarray, c: float, n_moments: int = 4, max_particles: int | None = None
                           ) -> np.ndarray:
    """Per jet, the pT-weighted moments ``Σ_i z_i [log(c + r_i)]^n``, n = 1..``n_moments``, of the log angularity
    (r_i: distance in (y, φ) to the pT-weighted centroid, radians); ``c > 0`` keeps them IRC safe."""
    from ...jets.kinematics import preprocess

    if not c > 0:
        raise ValueError(f"log_angularity_moments: c must be > 0 (IRC safety), got {c!r}")
    x = preprocess(p4 if max_particles is None else p4[:, :max_particles])
    z, lg = x[..., 0], np.log(c + np.hypot(x[..., 1], x[..., 2]))
    return np.stack([(z * lg ** n).sum(1) for n in range(1, n_moments + 1)], axis=1)


def log_angularity_classifier(jets: dict, c: float, seed: int = 0, hidden=(32, 32), epochs: int = 200,
                              max_particles: int | None = None) -> dict:
    """A small MLP on the first four log-angularity moments (standardised with the training set), trained with the
    shared loop (BCE, Adam 10⁻³, batch 256, early stopping on validation, patience 10); returns the test AUC and its
    Hanley–McNeil error, and the AUC of each moment alone."""
    from sklearn.metrics import roc_auc_score

    from ...models.networks import MLP
    from ...models.train import train

    feats = {sp: log_angularity_moments(jets[sp]["p4"], c, max_particles=max_particles) for sp in ("train", "val",
                                                                                                   "test")}
    mu, sd = feats["train"].mean(0), feats["train"].std(0)
    t = {sp: (torch.tensor((f - mu) / sd, dtype=torch.float32), torch.tensor(jets[sp]["y"], dtype=torch.float32))
         for sp, f in feats.items()}
    model = MLP(4, tuple(hidden), 1, activation="relu", generator=torch.Generator().manual_seed(seed))
    train(_OneLogit(model), "bce_with_logits", t["train"], t["val"], lr=1e-3, batch_size=256, epochs=epochs,
          patience=10, seed=seed, progress=False, device="cpu")
    with torch.no_grad():
        score = model(t["test"][0]).squeeze(-1).numpy()
    y = jets["test"]["y"]
    auc = float(roc_auc_score(y, score))
    single = [max(a, 1 - a) for a in (roc_auc_score(y, feats["test"][:, n]) for n in range(4))]
    return {"auc": auc, "auc_err": auc_error(auc, int(y.sum()), int(len(y) - y.sum())), "c": float(c),
            "auc_single_moment": [float(a) for a in single]}


class _OneLogit(torch.nn.Module):
    """A network with one output column, returning (B,) logits as the loss takes them (shares its parameters)."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net(x).squeeze(-1)


# ----------------------------------------------------------------------------------------------------- the page
class Page:
    """``Page(profile, seed, scheduler=..., items=["Moments AUC"])``: ``.cfg``, ``.claims``, ``.runs`` (one row per
    training), ``.summary`` (one row per (k, L)), ``.jets`` (the network inputs per split) and ``.data`` (the data
    and training statement)."""

    def __init__(self, profile: str, seed: int = 0, scheduler: str = "local", items=()):
        self.cfg = config(profile)
        self.seed = int(seed)
        self.scheduler = scheduler
        self.claims = ClaimSheet("E", data_used(self.cfg), items=items)

    @cached_property
    def runs(self) -> pd.DataFrame:
        return run_points(self.cfg, grid_points(self.cfg), seed=self.seed, scheduler=self.scheduler)

    @cached_property
    def summary(self) -> pd.DataFrame:
        return summarize(self.runs)

    @cached_property
    def jets(self) -> dict:
        return _task.prepared(data_config(self.cfg, self.seed))

    def multiplicities(self) -> dict:
        """Mean constituent multiplicity of the test set's quark and gluon jets."""
        t = self.jets["test"]
        return {name: float(t["n_constituents"][t["y"] == lab].mean()) for name, lab in (("quark", 1), ("gluon", 0))}

    def statement(self) -> str:
        c = self.cfg
        grid = f"k ∈ {c['k_values']} × L ∈ {c['L_values']}"
        return (f"**Data** (profile `{c['profile']}`, seed {self.seed}): {data_used(c).text}; pTHat window "
                f"{c['pthat_window'][0]:g}–{c['pthat_window'][1]:g} GeV; {c['n_train']:,} training, {c['n_val']:,} "
                f"validation and {c['n_test']:,} test jets, half quark, half gluon (paper: 10⁶ / 5·10⁴ / 5·10⁴ "
                f"jets of the EnergyFlow sample, MPI on); the {c['max_particles']} hardest constituents per jet. "
                f"**Networks:** Moment EFNs with Φ widths {c['phi_sizes']} → L and F widths {c['F_sizes']} → 1, "
                f"LeakyReLU (paper: [100, 100] and [100, 100, 100]); Adam, learning rate {c['lr']:g}, batch "
                f"{c['batch_size']}, at most {c['epochs']} epochs with early stopping (patience {c['patience']}) on "
                f"the validation loss, {c['repeats']} training(s) per point; scan {grid} "
                f"(paper: k = 1..4, L up to 2^(8−k)).")

    @property
    def data(self):
        from IPython.display import Markdown
        return Markdown(self.statement())
