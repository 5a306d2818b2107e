"""Profiles: named sets of notebook parameters and paper configurations, one YAML file each in ``profiles/``.

A notebook's parameters are its own defaults (its ``parameters`` cell), overridden by the profile, overridden by the
command line (``-p name value``). A profile file looks like::

    description: what this profile is for
    extends: quick       # optional: another profile's name, or a path relative to this file's folder
    defaults:            # applied to every notebook that declares the parameter
      seed: 0
      n_jets_train: 20000
    notebooks:           # per notebook id (path under notebooks/ without .py)
      A_jet_classification/fig1_loss_vs_T:
        T_max: 20000
    papers:              # per paper package: that paper's configuration (the one source of sizes)
      jet_classification:
        n_train: 30000

With ``extends`` the base profile is loaded first (recursively) and this file is deep-merged over it: mappings are
merged key by key, lists and scalars are replaced.

Every notebook declares a ``profile`` parameter; the runner sets it to :func:`reference` of the profile (its name
for a file in ``profiles/``, its absolute path otherwise), which the notebook can hand to :func:`load` or
:func:`paper_config`. :func:`content_hash` is part of every notebook's run key, so editing a profile re-executes.
"""
from __future__ import annotations

import copy
import hashlib
import json
import os
from pathlib import Path

import yaml

from .paths import profiles_dir

DEFAULT_PROFILE = "quick"
KEYS = ("description", "extends", "defaults", "notebooks", "papers")
_SECTIONS = ("defaults", "notebooks", "papers")   # mappings, {} when absent


class ProfileError(ValueError):
    pass


def available() -> list[str]:
    return sorted(p.stem for p in profiles_dir().glob("*.yaml"))


def _is_path(text: str) -> bool:
    return Path(text).suffix in (".yaml", ".yml") or "/" in text or os.sep in text


def _unknown(name: str, where: str = "") -> ProfileError:
    return ProfileError(f"unknown profile {name!r}{where}: expected one of {available()} (files in {profiles_dir()}) "
                        "or the path of a YAML file")


def _locate(name: str | os.PathLike) -> Path:
    """The file of a profile given by name (``tiny``) or by path (relative to the working directory)."""
    text = os.fspath(name)
    path = Path(text)
    if not (path.suffix in (".yaml", ".yml") and path.is_file()):
        path = profiles_dir() / f"{text}.yaml"
    if not path.is_file():
        raise _unknown(text)
    return path.resolve()


def _locate_base(ref, child: Path) -> Path:
    """The file named by ``extends: ref`` in ``child``: a path relative to ``child``'s folder, or a profile name."""
    if not isinstance(ref, str) or not ref.strip():
        raise ProfileError(f"profile file {child}: `extends` must be a profile name or the path of a YAML file "
                           f"(relative to {child.parent}), got {ref!r}")
    if _is_path(ref):
        path = (child.parent / ref).expanduser()
        if not path.is_file():
            raise ProfileError(f"profile file {child}: `extends: {ref}` names no file ({path} does not exist)")
        return path.resolve()
    path = profiles_dir() / f"{ref}.yaml"
    if not path.is_file():
        raise _unknown(ref, f" (`extends` in {child})")
    return path.resolve()


def _read(path: Path) -> dict:
    """One profile file as written, its keys and sections checked."""
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as e:
        raise ProfileError(f"profile file {path} is not valid YAML: {e}") from e
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise ProfileError(f"profile file {path}: expected a mapping with keys 'defaults' and 'notebooks'")
    unknown = sorted(set(map(str, data)) - set(KEYS))
    if unknown:
        raise ProfileError(f"profile file {path}: unknown top-level keys {unknown}; expected "
                           + ", ".join(repr(k) for k in KEYS))
    for key in _SECTIONS:
        if data.get(key) is None:
            data.pop(key, None)                # `papers:` with nothing after it: an empty section
        elif not isinstance(data[key], dict):
            raise ProfileError(f"profile file {path}: {key!r} must be a mapping, got {type(data[key]).__name__}")
    for package, conf in (data.get("papers") or {}).items():
        if not isinstance(conf, dict):
            raise ProfileError(f"profile file {path}: papers.{package} must be a mapping of that paper's settings, "
                               f"got {conf!r}")
    return data


def deep_merge(base: dict, over: dict) -> dict:
    """``over`` merged into a copy of ``base``: mappings recursively, everything else (lists, scalars) replaced."""
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def _resolve(path: Path, chain: tuple[Path, ...]) -> dict:
    if path in chain:
        cycle = " -> ".join(str(p) for p in chain[chain.index(path):] + (path,))
        raise ProfileError(f"profile files extend each other in a cycle: {cycle}")
    data = _read(path)
    ref = data.pop("extends", None)
    if ref is None:
        return data
    base = _resolve(_locate_base(ref, path), chain + (path,))
    return deep_merge(base, data)


def load(name_or_path: str | os.PathLike) -> dict:
    """Load a profile by name (``tiny``, ``quick``, ``paper``) or by path to a YAML file, ``extends`` resolved.

    Returns the merged ``description``, ``defaults``, ``notebooks`` and ``papers`` plus ``name`` (the file's stem)
    and ``path`` (absolute).
    """
    path = _locate(name_or_path)
    data = _resolve(path, ())
    for key in _SECTIONS:
        data[key] = data.get(key) or {}
    data.setdefault("description", "")
    data["name"] = path.stem
    data["path"] = str(path)
    return data


def _as_profile(profile) -> dict:
    return profile if isinstance(profile, dict) else load(profile)


def reference(profile: dict) -> str:
    """How a notebook is told its profile: the bare name of a file in ``profiles/``, else the file's absolute path.

    Notebooks execute in their output folder, so a relative path would not resolve there;
    ``load(reference(p))`` loads the same profile from anywhere.
    """
    path = Path(profile["path"]).resolve()
    if path.suffix == ".yaml" and path.parent == profiles_dir().resolve():
        return path.stem
    return str(path)


def paper_config(profile, package: str) -> dict:
    """A deep copy of the profile's ``papers.<package>`` configuration (``profile``: a loaded dict, name or path)."""
    prof = _as_profile(profile)
    papers = prof.get("papers") or {}
    if package not in papers:
        have = f" (it configures {sorted(papers)})" if papers else ""
        raise ProfileError(f"profile {prof['name']!r} ({prof['path']}) has no `papers.{package}` section{have}: add "
                           f"one to that file, or start it with `extends: quick` to take the shipped configuration "
                           "and override only what differs")
    return copy.deepcopy(papers[package])


def _canonical(obj):
    if isinstance(obj, dict):
        return {(k if isinstance(k, str) else f"<{type(k).__name__}>{k!r}"): _canonical(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_canonical(v) for v in obj]
    return obj


def content_hash(profile: dict) -> str:
    """sha256 of the resolved profile (canonical JSON of everything but ``path``): any edit changes it."""
    content = {k: v for k, v in profile.items() if k != "path"}
    text = json.dumps(_canonical(content), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


def parameters_for(profile: dict, notebook_id: str, declared: dict) -> dict:
    """The profile's values for one notebook: the ``defaults`` it declares, then its own ``notebooks`` entry.

    ``declared`` maps the notebook's declared parameter names to their default values; a per-notebook entry that the
    notebook does not declare is an error (a typo in a profile must not be silently ignored). The ``profile``
    parameter is :func:`reference` of the profile.
    """
    out = {k: v for k, v in profile["defaults"].items() if k in declared}
    own = profile["notebooks"].get(notebook_id) or {}
    unknown = sorted(set(own) - set(declared))
    if unknown:
        raise ProfileError(f"profile {profile['name']!r} sets {unknown} for notebook {notebook_id!r}, which declares "
                           f"only {sorted(declared)}")
    out.update(own)
    if "profile" in declared:
        out["profile"] = reference(profile)
    return out
