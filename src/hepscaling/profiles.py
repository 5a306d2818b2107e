"""Profiles: named sets of notebook parameters, one YAML file each in ``profiles/``.

A notebook's parameters are its own defaults (its ``parameters`` cell), overridden by the profile, overridden by the
command line (``-p name value``). A profile file looks like::

    description: what this profile is for
    defaults:            # applied to every notebook that declares the parameter
      seed: 0
      n_jets_train: 20000
    notebooks:           # per notebook id (path under notebooks/ without .py)
      A_jet_classification/fig1_loss_vs_T:
        T_max: 20000

Every notebook declares a ``profile`` parameter; the runner sets it to the profile's name.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from .paths import profiles_dir

DEFAULT_PROFILE = "quick"


class ProfileError(ValueError):
    pass


def available() -> list[str]:
    return sorted(p.stem for p in profiles_dir().glob("*.yaml"))


def load(name: str) -> dict:
    """Load a profile by name (``tiny``, ``quick``, ``paper``) or by path to a YAML file."""
    path = Path(name)
    if not (path.suffix in (".yaml", ".yml") and path.is_file()):
        path = profiles_dir() / f"{name}.yaml"
    if not path.is_file():
        raise ProfileError(f"unknown profile {name!r}: expected one of {available()} (files in {profiles_dir()}) "
                           "or the path of a YAML file")
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as e:
        raise ProfileError(f"profile file {path} is not valid YAML: {e}") from e
    if not isinstance(data, dict):
        raise ProfileError(f"profile file {path}: expected a mapping with keys 'defaults' and 'notebooks'")
    unknown = set(data) - {"description", "defaults", "notebooks"}
    if unknown:
        raise ProfileError(f"profile file {path}: unknown top-level keys {sorted(unknown)}; "
                           "expected 'description', 'defaults', 'notebooks'")
    data.setdefault("defaults", {})
    data.setdefault("notebooks", {})
    data["defaults"] = data["defaults"] or {}
    data["notebooks"] = data["notebooks"] or {}
    data["name"] = path.stem
    data["path"] = str(path)
    return data


def parameters_for(profile: dict, notebook_id: str, declared: dict) -> dict:
    """The profile's values for one notebook: the ``defaults`` it declares, then its own ``notebooks`` entry.

    ``declared`` maps the notebook's declared parameter names to their default values; a per-notebook entry that the
    notebook does not declare is an error (a typo in a profile must not be silently ignored).
    """
    out = {k: v for k, v in profile["defaults"].items() if k in declared}
    own = profile["notebooks"].get(notebook_id) or {}
    unknown = sorted(set(own) - set(declared))
    if unknown:
        raise ProfileError(f"profile {profile['name']!r} sets {unknown} for notebook {notebook_id!r}, which declares "
                           f"only {sorted(declared)}")
    out.update(own)
    if "profile" in declared:
        out["profile"] = profile["name"]
    return out
