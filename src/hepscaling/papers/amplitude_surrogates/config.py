"""Paper B's configuration, read from the profile: ``papers: amplitude_surrogates:`` in ``profiles/<name>.yaml``.

The profile is the one source of sizes; a page may override the largest training-set size ``D_max`` and the largest
network ``N_max`` (its notebook parameters), so ``python -m hepscaling run B_amplitude_surrogates/fig2_data_and_size
-p D_max 100000 -p N_max 1000000`` reruns Fig. 2 at other sizes without a new profile.

Keys of the section (all required; unknown keys are refused, so a typo cannot pass silently):

``process``, ``collider_energy``  the process and the pp energy of its events (paper: q q̄ → t t̄ H; 14 TeV is our
                                  choice: Ref. [23]'s set is not described further)
``collider_adapt``                ``[iterations, points per iteration, pilot points]`` of the event generator's VEGAS
                                  adaptation and maximum-weight pilot (:func:`hepscaling.amplitudes.collider_events`)
``targets``                       ``raw``: |M|² divided by its mean over the training pool (paper B §4 trains ttH on
                                  non-preprocessed targets); ``log``: standardised log|M|² (the paper's default, §3.1)
``n_test``, ``n_dim``             test-set size; points whose last-layer activations give the intrinsic dimension
                                  (paper: ≥ 10⁴, App. B)
``D_values``, ``N_values``        the training-set sizes and network sizes (parameters) of the D × N grid
``width_ratio``, ``base_width``   MLP-I shape: width/depth ≈ width_ratio; µP's width multiplier is width/base_width
``activation``, ``batch_size``    not stated by the paper: chosen and kept fixed
``lr``                            initial Adam learning rate η₀ of every run but the η scan (paper: 10⁻³, Fig. 1)
``epochs``, ``max_steps``         the D and N scans train ``epochs`` epochs (paper: 10⁴), capped at ``max_steps``
``eval_every``                    validation every so many steps (paper: 10³)
``eta``                           η scan: ``{N_values, lr_values, D}`` (Fig. 1 left)
``compute``                       compute scan: ``{N, D_values, steps}``, each number of steps its own run (Fig. 1 right)
``het``                           heteroscedastic loss: ``{N_values, D_values, compute_D_values}`` (Figs. 4–6)
``lloca``                         LLoCa-Transformer D scan: ``{D_values, channels, n_blocks, n_heads, steps, lr,
                                  batch_size}`` (Fig. 7)
``repeats``                       training runs per point (different seeds)

Optional: ``processes``, the across-process chapter (§5): its own grids and the processes it runs, with the training
setup above (:mod:`.processes`).
"""
from __future__ import annotations

import copy
import numbers

from ... import profiles
from ...claims import DataUsed
from ..sections import exact_keys

PACKAGE = "amplitude_surrogates"

#: Paper B, Table 1 and §4: the ranges of its ttH scans.
PAPER_RANGES = {"N": (1e2, 1e6), "D": (10, 1e6), "C": (1e10, 1e17), "lloca_N": 6e6}

_SCALARS = {"process": str, "collider_energy": float, "targets": str, "n_test": int, "n_dim": int,
            "width_ratio": float, "base_width": int, "activation": str, "batch_size": int, "lr": float,
            "epochs": int, "max_steps": int, "eval_every": int, "repeats": int}
_LISTS = ("D_values", "N_values", "collider_adapt")
_SECTIONS = {"eta": {"N_values": list, "lr_values": list, "D": int},
             "compute": {"N": int, "D_values": list, "steps": list},
             "het": {"N_values": list, "D_values": list, "compute_D_values": list},
             "lloca": {"D_values": list, "channels": int, "n_blocks": int, "n_heads": int, "steps": int,
                       "lr": float, "batch_size": int}}
_KEYS = (*_SCALARS, *_LISTS, *_SECTIONS)
TARGETS = ("raw", "log")


class ConfigError(ValueError):
    pass


def _value(v, kind, where: str):
    if kind is str:
        if not isinstance(v, str) or not v:
            raise ConfigError(f"{where} must be a non-empty string, got {v!r}")
        return v
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or not v > 0:
        raise ConfigError(f"{where} must be a positive number, got {v!r}")
    if kind is int:
        if float(v) != int(v):
            raise ConfigError(f"{where} must be an integer, got {v!r}")
        return int(v)
    return float(v)


def _positive_list(v, where: str, integer: bool = True) -> list:
    if not isinstance(v, list) or not v:
        raise ConfigError(f"{where} must be a non-empty list, got {v!r}")
    out = [_value(x, int if integer else float, f"{where} entry") for x in v]
    if out != sorted(set(out)):
        raise ConfigError(f"{where} must be increasing without repeats, got {v}")
    return out


def validate(section: dict, where: str) -> dict:
    """Check a ``papers: amplitude_surrogates:`` section; returns a normalised deep copy."""
    cfg = copy.deepcopy(section)
    across = cfg.pop("processes", None) if isinstance(cfg, dict) else None
    exact_keys(cfg, _KEYS, where, __name__, ConfigError)
    for k, kind in _SCALARS.items():
        cfg[k] = _value(cfg[k], kind, f"{where}.{k}")
    if cfg["targets"] not in TARGETS:
        raise ConfigError(f"{where}.targets must be one of {TARGETS}, got {cfg['targets']!r}")
    for k in _LISTS:
        cfg[k] = _positive_list(cfg[k], f"{where}.{k}") if k != "collider_adapt" else cfg[k]
    ad = cfg["collider_adapt"]
    if not (isinstance(ad, list) and len(ad) == 3):
        raise ConfigError(f"{where}.collider_adapt must be [iterations, points, pilot points], got {ad!r}")
    cfg["collider_adapt"] = [_value(v, int, f"{where}.collider_adapt entry") for v in ad]
    for name, keys in _SECTIONS.items():
        sec = cfg[name]
        if not isinstance(sec, dict) or sorted(sec) != sorted(keys):
            raise ConfigError(f"{where}.{name} must be a mapping with exactly {list(keys)}, got {sec!r}")
        for k, kind in keys.items():
            w = f"{where}.{name}.{k}"
            sec[k] = (_positive_list(sec[k], w, integer=(k != "lr_values")) if kind is list
                      else _value(sec[k], kind, w))
    if cfg["n_dim"] > max(cfg["D_values"]) + cfg["n_test"]:
        raise ConfigError(f"{where}.n_dim = {cfg['n_dim']} exceeds the training pool plus the test set")
    if across is not None:
        from .processes import validate_section
        cfg["processes"] = validate_section(across, f"{where}.processes")
    return cfg


def _grow(values: list[int], top: int) -> list[int]:
    """``values`` up to ``top``, then 1-3-10 decade points above the largest, and ``top`` itself."""
    out = {v for v in values if v <= top}
    decade = 10
    while decade <= top:
        out |= {m * decade for m in (1, 3) if max(values) < m * decade <= top}
        decade *= 10
    return sorted(out | {top})


def load_config(profile: str | dict, D_max: int = 0, N_max: int = 0) -> dict:
    """Paper B's configuration from ``profile`` with a page's overrides ``D_max`` / ``N_max`` (0 = the profile's):
    the D (or N) grid up to that value, extended by 1-3-10 points above the profile's largest.  The result carries
    ``profile`` and ``label`` (``quick`` or ``quick, D_max=100000``)."""
    prof = profile if isinstance(profile, dict) else profiles.load(profile)
    where = f"profile {prof['name']!r} ({prof['path']}): papers.{PACKAGE}"
    cfg = validate(profiles.paper_config(prof, PACKAGE), where)
    over = {}
    for name, value, key in (("D_max", D_max, "D_values"), ("N_max", N_max, "N_values")):
        if not value:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 10:
            raise ConfigError(f"{name} must be 0 (the profile's) or an integer >= 10, got {value!r}")
        if value != max(cfg[key]):
            over[name] = value
            cfg[key] = _grow(cfg[key], value)
    cfg["profile"] = prof["name"]
    cfg["overrides"] = over
    cfg["label"] = ", ".join([prof["name"]] + [f"{k}={v}" for k, v in over.items()])
    return cfg


def pool_sizes(cfg: dict) -> dict:
    """Sizes of the event sets every run draws from: the training pool (the largest D of any scan), the validation
    pool (a quarter of it: every run validates on D/4 points, paper §3.2) and the test set."""
    d_max = max([*cfg["D_values"], cfg["eta"]["D"], *cfg["compute"]["D_values"], *cfg["het"]["D_values"],
                 *cfg["het"]["compute_D_values"], *cfg["lloca"]["D_values"]])
    return {"train": d_max, "val": max(1, -(-d_max // 4)), "test": cfg["n_test"]}


def data_config(cfg: dict, seed: int = 0) -> dict:
    """What determines the events and every run (the identity of the sweep directory, with the task's code)."""
    keys = ("process", "collider_energy", "collider_adapt", "targets", "n_test", "n_dim", "width_ratio", "base_width", "activation",
            "batch_size", "eval_every")
    out = {k: cfg[k] for k in keys}
    out["pools"] = pool_sizes(cfg)
    out["data_seed"] = int(seed)
    return out


def at_paper_sizes(cfg: dict) -> bool:
    """True when the grids reach the paper's largest D and N (Table 1)."""
    return max(cfg["D_values"]) >= PAPER_RANGES["D"][1] and max(cfg["N_values"]) >= PAPER_RANGES["N"][1]


def data_used(cfg: dict) -> DataUsed:
    """What paper B's pages run on: our own exact tree-level |M|² on our own unweighted pp events (a substitute for
    the MadGraph sets of the paper's Ref. [23])."""
    return DataUsed(f"local substitute: our exact tree-level |M|² of {cfg['process']} on unweighted "
                    f"{cfg['collider_energy'] / 1000:g} TeV pp events (hepscaling.amplitudes)",
                    dataset="substitute", sizes="paper" if at_paper_sizes(cfg) else "reduced")
