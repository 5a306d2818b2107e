"""Paper E, vignette II (SHAPER, arXiv 2302.12266): configuration, jets, fits and the numbers the three pages show.

Configuration: ``papers: moments_of_clarity: shaper:`` in ``profiles/<name>.yaml``, exactly these keys:

=====================  =========================================================================================
``source``, ``split``  the top/QCD jets (:func:`hepscaling.data.topqcd.get_jets`: ``local`` Pythia substitute)
``n_jets``             jets (half top, half QCD) whose observables are histogrammed
``n_display``          jets of each class drawn with their fitted shapes
``R``, ``beta``        EMD_{β,R} (energyflow's convention, :mod:`hepscaling.shapes.shaper`)
``n_points``           points per ring/disk/ellipse; ``n_pileup_points``: points of the pileup disk
``n_init``             starts per fit; ``max_iter``: transport problems per fit at most; ``tol``: convergence
``observables``        the observables of the distributions page (names as :func:`hepscaling.shapes.parse`)
``closed_n_points``    points per shape in the closed-form checks (a ring of 200 particles)
``irc_n_jets``         jets on which the soft / collinear invariance is measured
``groom_n_jets``       jets (half top, half QCD) contaminated with uniform pileup
``groom_observable``   the shape fitted with and without ``+pileup`` (e.g. ``1-diskiness``)
``groom_fractions``    injected pileup fractions of the contaminated jet's pT (each in [0, 1))
``groom_n_particles``  particles of equal pT spread uniformly over the disk of radius R around the jet axis
=====================  =========================================================================================
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ...claims import ClaimSheet, DataUsed
from ...shapes import parse
from .config import ConfigError, vignette_config
from .shaper_fits import fit as _cached_fit

KEYS = {"source": str, "split": str, "n_jets": int, "n_display": int, "R": float, "beta": float, "n_points": int,
        "n_pileup_points": int, "n_init": int, "max_iter": int, "tol": float, "observables": list,
        "closed_n_points": int, "irc_n_jets": int, "groom_n_jets": int, "groom_observable": str,
        "groom_fractions": list, "groom_n_particles": int}


def load_config(profile) -> dict:
    """The checked ``shaper`` section of ``profile``."""
    cfg = vignette_config(profile, "shaper", KEYS, __name__)
    where = f"profile {cfg['profile']!r}: papers.moments_of_clarity.shaper"
    for name in cfg["observables"] + [cfg["groom_observable"]]:
        try:
            parse(name)
        except ValueError as e:
            raise ConfigError(f"{where}: {e}") from None
    if parse(cfg["groom_observable"]).pileup:
        raise ConfigError(f"{where}.groom_observable: give the shape without '+pileup' (the page fits both), got "
                          f"{cfg['groom_observable']!r}")
    fr = cfg["groom_fractions"]
    if not all(isinstance(f, (int, float)) and not isinstance(f, bool) and 0 <= f < 1 for f in fr) or 0 not in fr:
        raise ConfigError(f"{where}.groom_fractions: expected fractions in [0, 1) including 0, got {fr!r}")
    cfg["groom_fractions"] = sorted(float(f) for f in fr)
    return cfg


def data_used(cfg) -> DataUsed:
    from ...data.topqcd import describe
    return DataUsed(f"{describe(cfg['source'])}; {cfg['n_jets']} jets (half top) of the {cfg['split']} split",
                    dataset="substitute", sizes="reduced")


def sheet(cfg, items) -> ClaimSheet:
    return ClaimSheet("E", data_used(cfg), items=items)


# ------------------------------------------------------------------------------------------------------- jets
def get_jets(cfg, n_jets: int, seed: int = 0):
    """``n_jets`` top/QCD jets as (pT, y, φ) ``(n, M, 3)`` float64 (padding trimmed to the largest multiplicity) and
    labels (1 = top)."""
    from ...data.topqcd import get_jets as _get
    from ...jets.kinematics import to_ptyphi

    p4, labels = _get(cfg["split"], int(n_jets), source=cfg["source"], seed=int(seed))
    x = to_ptyphi(p4)
    m = int((x[..., 0] > 0).sum(axis=1).max())
    return np.ascontiguousarray(x[:, :m]), labels


def fit(cfg, jets, observable: str, seed: int = 0, **override) -> dict:
    """The cached SHAPER fit of ``observable`` on ``jets`` with the profile's settings (``override``: any of R,
    beta, n_points, n_pileup_points, n_init, max_iter, tol)."""
    kw = {k: cfg[k] for k in ("R", "beta", "n_points", "n_pileup_points", "n_init", "max_iter", "tol")}
    kw.update(override)
    return _cached_fit(np.ascontiguousarray(jets, dtype=np.float64), parse(observable).name, float(kw["R"]),
                       float(kw["beta"]), int(kw["n_points"]), int(kw["n_pileup_points"]), int(kw["n_init"]),
                       int(kw["max_iter"]), float(kw["tol"]), int(seed))


def observable_table(cfg, jets, labels, fits: dict) -> pd.DataFrame:
    """One row per jet: its class, every observable's value, the fitted radii / eccentricities / weights."""
    df = pd.DataFrame({"label": np.where(labels == 1, "top", "QCD")})
    for name, f in fits.items():
        df[name] = f["emd"]
        p = f["params"]
        for key, col in (("radii", "radius"), ("eccentricities", "eccentricity")):
            if key in p and p[key].shape[1] == 1:
                df[f"{name}:{col}"] = p[key][:, 0]
        if "point_weights" in p and p["point_weights"].shape[1] == 1:
            df[f"{name}:point_weight"] = p["point_weights"][:, 0]
        if "pileup_weight" in p:
            df[f"{name}:pileup_weight"] = p["pileup_weight"]
    return df


def timing_table(fits: dict, n_jets: int) -> pd.DataFrame:
    """Per observable: CPU and wall time per jet when computed, mean transport problems solved, fraction converged."""
    rows = [{"observable": k, "CPU ms per jet": 1e3 * f.get("cpu_seconds", np.nan) / n_jets,
             "wall ms per jet": 1e3 * f["seconds"] / n_jets,
             "transport problems per jet": float(np.mean(f["n_solves"])),
             "converged": float(np.mean(f["converged"]))} for k, f in fits.items()]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------- synthetic jets
def ring_jet(r: float, n: int = 200, centre=(0.0, 0.0), phase: float = 0.1, pt: float = 1.0) -> np.ndarray:
    """A uniform ring of ``n`` equal-pT particles, radius r, as (pT, y, φ) ``(n, 3)``."""
    t = 2 * np.pi * np.arange(n) / n + phase
    return np.stack([np.full(n, pt / n), centre[0] + r * np.cos(t), centre[1] + r * np.sin(t)], axis=1)


def ring_bound(r: float, n_shape: int, n_jet: int, R: float) -> float:
    """EMD(n_jet-particle ring, n_shape-point ring)/R ≤ π r/(2R)·(1/n_shape + 1/n_jet): both within that of the
    continuous ring (each point carries an arc 2πr/n)."""
    return np.pi * r / (2 * R) * (1 / n_shape + 1 / n_jet)


def contaminate(jets, fraction: float, n_particles: int, R: float, seed: int):
    """Each jet plus ``n_particles`` equal-pT particles uniform over the disk of radius R around its pT-weighted
    axis, carrying ``fraction`` of the contaminated jet's pT.  Returns ``(N, M + n_particles, 3)``."""
    from ...shapes import prepare

    jets = np.asarray(jets, float)
    if fraction == 0:
        return np.concatenate([jets, np.zeros((len(jets), n_particles, 3))], axis=1)
    _, axes = prepare(jets)
    rng = np.random.default_rng([int(seed), int(round(fraction * 1e6)), 17])
    rad = R * np.sqrt(rng.random((len(jets), n_particles)))
    th = 2 * np.pi * rng.random((len(jets), n_particles))
    pt_tot = jets[..., 0].sum(axis=1)
    pu = np.stack([np.repeat((fraction / (1 - fraction) * pt_tot / n_particles)[:, None], n_particles, axis=1),
                   axes[:, 0, None] + rad * np.cos(th), axes[:, 1, None] + rad * np.sin(th)], axis=-1)
    return np.concatenate([jets, pu], axis=1)


def irc_variants(jets, seed: int = 0):
    """Each jet with (a) a soft particle (pT fraction 1e-9) at a random place within R/2 of the axis, and (b) its
    hardest particle split collinearly 30 % / 70 %."""
    jets = np.asarray(jets, float)
    rng = np.random.default_rng([int(seed), 23])
    N = len(jets)
    soft = np.concatenate([jets, np.zeros((N, 1, 3))], axis=1)
    from ...shapes import prepare
    _, axes = prepare(jets)
    soft[:, -1] = np.column_stack([1e-9 * jets[..., 0].sum(axis=1), axes + rng.uniform(-0.4, 0.4, (N, 2))])
    split = np.concatenate([jets, np.zeros((N, 1, 3))], axis=1)
    hard = np.argmax(jets[..., 0], axis=1)
    split[np.arange(N), -1] = jets[np.arange(N), hard] * [0.7, 1, 1]
    split[np.arange(N), hard, 0] *= 0.3
    return soft, split
