"""Paper E's configuration, read from the profile: ``papers: moments_of_clarity:`` in ``profiles/<name>.yaml``.

The section has one sub-section per vignette — ``gaussian_ansatz``, ``shaper``, ``moments`` — and each vignette's
module declares its keys (name → type) and documents them; :func:`vignette_config` returns one sub-section, checked:
unknown or missing keys are refused with one message naming the profile, the key and the module that documents it.
"""
from __future__ import annotations

import copy
import numbers

from ... import profiles
from ..sections import exact_keys

PACKAGE = "moments_of_clarity"
VIGNETTES = ("gaussian_ansatz", "shaper", "moments")


class ConfigError(ValueError):
    pass


def _check(v, kind, where: str):
    if kind is str:
        if not isinstance(v, str) or not v:
            raise ConfigError(f"{where} must be a non-empty string, got {v!r}")
        return v
    if kind is bool:
        if not isinstance(v, bool):
            raise ConfigError(f"{where} must be true or false, got {v!r}")
        return v
    if kind is dict:
        if not isinstance(v, dict) or not v:
            raise ConfigError(f"{where} must be a non-empty mapping of keys, got {v!r}")
        return dict(v)
    if kind is list:
        if not isinstance(v, list) or not v:
            raise ConfigError(f"{where} must be a non-empty list, got {v!r}")
        return list(v)
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or not v > 0:
        raise ConfigError(f"{where} must be a positive number, got {v!r}")
    if kind is int:
        if float(v) != int(v):
            raise ConfigError(f"{where} must be an integer, got {v!r}")
        return int(v)
    return float(v)


def vignette_config(profile: str | dict, vignette: str, keys: dict, module: str) -> dict:
    """The checked ``papers: moments_of_clarity: <vignette>:`` section of ``profile`` (a name, a path or a loaded
    profile).  ``keys`` maps each key to ``int``, ``float``, ``str``, ``bool``, ``list`` or ``dict`` (a
    nested block, checked by the vignette's module; positive numbers only);
    the result also carries ``profile`` (the profile's name)."""
    if vignette not in VIGNETTES:
        raise ConfigError(f"unknown vignette {vignette!r}; expected one of {VIGNETTES}")
    prof = profile if isinstance(profile, dict) else profiles.load(profile)
    where = f"profile {prof['name']!r} ({prof['path']}): papers.{PACKAGE}"
    section = profiles.paper_config(prof, PACKAGE)
    if not isinstance(section, dict) or vignette not in section:
        raise ConfigError(f"{where} lacks the sub-section {vignette!r} (see {module})")
    cfg = copy.deepcopy(section[vignette])
    exact_keys(cfg, list(keys), f"{where}.{vignette}", module, ConfigError)
    for k, kind in keys.items():
        cfg[k] = _check(cfg[k], kind, f"{where}.{vignette}.{k}")
    cfg["profile"] = prof["name"]
    return cfg
