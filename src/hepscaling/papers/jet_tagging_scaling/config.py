"""Paper D's configuration, read from the profile: ``papers: jet_tagging_scaling:`` in ``profiles/<name>.yaml``.

The profile is the one source of sizes. Keys of the section (all required; unknown keys are refused):

``n_per_class``       ``{train, val, test}``: jets per class of each split of the JetClass-like substitute, the
                      ``n_per_class`` of :func:`hepscaling.data.jetclass_like.ensure` (the generator writes shards
                      in order, so the shards paper C's pages read with the same profile are the first of these and
                      are generated once)
``jets_per_shard``    jets per generated file (the ``JetClassLikeSettings.jets_per_shard`` of the generator)
``n_val``, ``n_test`` validation and test jets (all classes together; at most 10 n_per_class of their split)
``feature_set``       inputs of the main N × D grid: ``kinematic``, ``pid`` or ``full``
``max_particles``     multiplicity cap of the main grid (highest-pT constituents kept)
``N_values``          target non-embedding parameter counts of the grid (:func:`set_transformer_shape`)
``D_values``          training-set sizes (jets, all classes) of the grid; every grid run sees each jet once
``max_ND``            the grid keeps the (N, D) pairs with N · D <= max_ND (N the target count): an isoFLOP-style
                      corner cut (C ∝ N D), so that the largest models train only on the smaller sets and the
                      largest sets feed only the smaller models; every N keeps at least its two smallest D
``head_dim``, ``width_ratio``, ``ff_mult``   transformer shape: head width, d_model / n_blocks, MLP width / d_model
``batch_size``, ``lr``, ``weight_decay``     AdamW with a cosine schedule (not stated in the abstract: chosen, fixed)
``eval_every``        validation every so many steps (and at the start and the end); best-validation weights
``n_boot``            bootstrap resamplings of the surface fit's errors
``fit_min_steps``     the surface fit L(N, D) takes only *trained* grid runs: at least this many optimiser steps ...
``fit_min_drop``      ... and a best validation loss at least this fraction below the untrained network's (the
                      validation loss at step 0; ln 10 for our zero-initialised head): (L_0 − L_best) / L_0 >=
                      fit_min_drop.  A one-pass run on few jets takes few steps and stays near the uniform guess;
                      its loss measures the optimiser's budget, not the data's worth, and would pull the fitted D
                      term up and E to 0 (:func:`~.summaries.trained_runs`; 0 and 0 keep every run)
``repetition``        ``{N, U_values, epochs, repeats}``: U unique jets seen for each number of epochs, and
                      fresh-data runs with D = U and D = U · epochs; ``repeats`` runs per point of this scan (at
                      least the global ``repeats``): the fresh curve is read at single losses, so its run-to-run
                      scatter moves every D' read off it
``features``          ``{sets, N, D_values}``: the D scan per feature set
``multiplicity``      ``{caps, N, D_values}``: the D scan per multiplicity cap (with ``feature_set``)
``repeats``           training runs per point (different seeds)
"""
from __future__ import annotations

import copy
import numbers

from ... import profiles
from ...claims import DataUsed
from ...features.jetclass import FEATURE_SETS
from ..sections import exact_keys

PACKAGE = "jet_tagging_scaling"
N_CLASSES = 10
#: JetClass: 100 M training jets; the paper's models reach (per the secondary source) up to ~10⁹ parameters.
PAPER_RANGES = {"D": 1e8}

_SCALARS = {"jets_per_shard": int, "n_val": int, "n_test": int, "feature_set": str, "max_particles": int,
            "head_dim": int, "width_ratio": float, "ff_mult": int, "batch_size": int, "lr": float,
            "weight_decay": float, "eval_every": int, "n_boot": int, "repeats": int, "max_ND": float,
            "fit_min_steps": int, "fit_min_drop": float}
_LISTS = ("N_values", "D_values")
_SECTIONS = {"n_per_class": {"train": int, "val": int, "test": int},
             "repetition": {"N": int, "U_values": list, "epochs": list, "repeats": int},
             "features": {"sets": list, "N": int, "D_values": list},
             "multiplicity": {"caps": list, "N": int, "D_values": list}}
_KEYS = (*_SCALARS, *_LISTS, *_SECTIONS)


class ConfigError(ValueError):
    pass


def _value(v, kind, where: str, allow_zero: bool = False):
    if kind is str:
        if not isinstance(v, str) or not v:
            raise ConfigError(f"{where} must be a non-empty string, got {v!r}")
        return v
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or not (v > 0 or (allow_zero and v == 0)):
        raise ConfigError(f"{where} must be a {'non-negative' if allow_zero else 'positive'} number, got {v!r}")
    if kind is int:
        if float(v) != int(v):
            raise ConfigError(f"{where} must be an integer, got {v!r}")
        return int(v)
    return float(v)


def _increasing(v, where: str) -> list[int]:
    if not isinstance(v, list) or not v:
        raise ConfigError(f"{where} must be a non-empty list, got {v!r}")
    out = [_value(x, int, f"{where} entry") for x in v]
    if out != sorted(set(out)):
        raise ConfigError(f"{where} must be increasing without repeats, got {v}")
    return out


def validate(section: dict, where: str) -> dict:
    """Check a ``papers: jet_tagging_scaling:`` section; returns a normalised deep copy."""
    cfg = copy.deepcopy(section)
    exact_keys(cfg, _KEYS, where, __name__, ConfigError)
    for k, kind in _SCALARS.items():
        cfg[k] = _value(cfg[k], kind, f"{where}.{k}", allow_zero=k in ("weight_decay", "fit_min_steps", "fit_min_drop"))
    if cfg["fit_min_drop"] >= 1:
        raise ConfigError(f"{where}.fit_min_drop must lie in [0, 1) (a relative loss decrease), got {cfg['fit_min_drop']}")
    if cfg["feature_set"] not in FEATURE_SETS:
        raise ConfigError(f"{where}.feature_set must be one of {FEATURE_SETS}, got {cfg['feature_set']!r}")
    for k in _LISTS:
        cfg[k] = _increasing(cfg[k], f"{where}.{k}")
    for name, keys in _SECTIONS.items():
        sec = cfg[name]
        exact_keys(sec, tuple(keys), f"{where}.{name}", __name__, ConfigError)
        for k, kind in keys.items():
            w = f"{where}.{name}.{k}"
            if k == "sets":
                if not isinstance(sec[k], list) or not sec[k] or any(s not in FEATURE_SETS for s in sec[k]):
                    raise ConfigError(f"{w} must be a non-empty list of {FEATURE_SETS}, got {sec[k]!r}")
            elif kind is list:
                sec[k] = _increasing(sec[k], w)
            else:
                sec[k] = _value(sec[k], kind, w)
    short = [N for N in cfg["N_values"] if N * cfg["D_values"][min(1, len(cfg["D_values"]) - 1)] > cfg["max_ND"]]
    if short:
        raise ConfigError(f"{where}.max_ND = {cfg['max_ND']:g} leaves N = {short} with fewer than two D values of "
                          f"{cfg['D_values']} (the grid keeps N · D <= max_ND); raise it or drop those N")
    if min(cfg["repetition"]["epochs"]) < 2:
        raise ConfigError(f"{where}.repetition.epochs must all be >= 2 (one epoch is the fresh-data run), got "
                          f"{cfg['repetition']['epochs']}")
    pools = {s: N_CLASSES * cfg["n_per_class"][s] for s in ("train", "val", "test")}
    need = max(train_sizes(cfg))
    if need > pools["train"]:
        raise ConfigError(f"{where}: the largest training set ({need} jets, a D value or U·epochs of the repetition "
                          f"runs) exceeds the training split, 10 × n_per_class.train = {pools['train']}")
    for k, split in (("n_val", "val"), ("n_test", "test")):
        if cfg[k] > pools[split]:
            raise ConfigError(f"{where}.{k} = {cfg[k]} exceeds the {split} split, 10 × n_per_class.{split} = "
                              f"{pools[split]}")
    return cfg


def train_sizes(cfg: dict) -> list[int]:
    """Every training-set size any run uses (D values, U values and the fresh-data D = U · epochs)."""
    r = cfg["repetition"]
    return sorted({*grid_pairs(cfg)[1], *cfg["features"]["D_values"], *cfg["multiplicity"]["D_values"],
                   *r["U_values"], *(u * e for u in r["U_values"] for e in r["epochs"])})


def grid_pairs(cfg: dict) -> tuple[list[int], list[int]]:
    """The (N, D) pairs of the main grid as two lists: every N_values × D_values pair with N · D <= max_ND."""
    pairs = [(N, D) for N in cfg["N_values"] for D in cfg["D_values"] if N * D <= cfg["max_ND"]]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def load_config(profile: str | dict) -> dict:
    """Paper D's configuration from ``profile`` (a name or a loaded profile); carries ``profile`` and ``label``."""
    prof = profile if isinstance(profile, dict) else profiles.load(profile)
    where = f"profile {prof['name']!r} ({prof['path']}): papers.{PACKAGE}"
    cfg = validate(profiles.paper_config(prof, PACKAGE), where)
    cfg["profile"] = prof["name"]
    cfg["label"] = prof["name"]
    return cfg


def data_config(cfg: dict, seed: int = 0) -> dict:
    """What determines the jets and every run (the identity of the sweep directory, with the task's code)."""
    keys = ("n_per_class", "jets_per_shard", "n_val", "n_test", "head_dim", "width_ratio", "ff_mult", "batch_size",
            "lr", "weight_decay", "eval_every")
    out = {k: copy.deepcopy(cfg[k]) for k in keys}
    out["data_seed"] = int(seed)
    return out


def data_used(cfg: dict) -> DataUsed:
    """What paper D's pages run on: our JetClass-like jets (Pythia 8 + our CMS-like detector), reduced sizes."""
    n = cfg["n_per_class"]
    return DataUsed(f"local substitute: JetClass-like jets of the ten JetClass classes from Pythia 8 and our CMS-like "
                    f"detector (hepscaling.data.jetclass_like), {n['train']:,} / {n['val']:,} / {n['test']:,} per "
                    f"class for training / validation / test", dataset="substitute", sizes="reduced")
