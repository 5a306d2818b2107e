"""Paper C's configuration, read from the profile: ``papers: aspen_open_jets:`` in ``profiles/<name>.yaml``.

Keys (all required; unknown keys are refused, so a typo cannot pass silently):

``ecm``           pp centre-of-mass energy of our substitutes and cross sections, GeV (CMS 2016: 13 TeV)
``xsec_events``   hard-process events per Pythia cross section of Table II (the statistical error ~ 1/√n)
``aoj_jets``, ``aoj_per_shard``   AOJ-like jets on the pages, and per generated file
                                  (:class:`hepscaling.data.aspen_like.AspenLikeSettings`)
``aoj_calibration_events``        events per component of the run that measures the AOJ-like composition
``jetclass_per_class``, ``jetclass_per_shard``   JetClass-like jets per class (training split) on the pages, and
                                  per generated file; keep ``jetclass_per_shard`` equal to paper D's
                                  ``jets_per_shard`` so both chapters read the same files
"""
from __future__ import annotations

import copy
import numbers

from ... import profiles
from ...claims import DataUsed
from ..sections import exact_keys

PACKAGE = "aspen_open_jets"
_KEYS = {"ecm": float, "xsec_events": int, "aoj_jets": int, "aoj_per_shard": int, "aoj_calibration_events": int,
         "jetclass_per_class": int,
         "jetclass_per_shard": int}


class ConfigError(ValueError):
    pass


def load_config(profile: str | dict) -> dict:
    """The checked ``papers: aspen_open_jets:`` section of ``profile`` (a name, a path or a loaded profile), with
    ``profile`` (its name)."""
    prof = profile if isinstance(profile, dict) else profiles.load(profile)
    where = f"profile {prof['name']!r} ({prof['path']}): papers.{PACKAGE}"
    cfg = copy.deepcopy(profiles.paper_config(prof, PACKAGE))
    exact_keys(cfg, list(_KEYS), where, __name__, ConfigError)
    for k, kind in _KEYS.items():
        v = cfg[k]
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not v > 0 or (kind is int and v != int(v)):
            raise ConfigError(f"{where}.{k} must be a positive {'integer' if kind is int else 'number'}, got {v!r}")
        cfg[k] = kind(v)
    cfg["profile"] = prof["name"]
    return cfg


def xsec_data_used(cfg: dict) -> DataUsed:
    """What Table II's page runs on: Pythia 8 hard processes, no dataset."""
    return DataUsed(f"Pythia 8 leading-order hard-process cross sections at {cfg['ecm'] / 1000:g} TeV "
                    f"({cfg['xsec_events']:,} events each) beside the paper's CMS samples",
                    dataset="substitute", sizes="paper")
