"""Where things live: the repository root, the data directory, the notebooks and profiles."""
from __future__ import annotations

import os
from pathlib import Path


def repo_root() -> Path:
    """The repository root (``$HEPSCALING_ROOT`` if set, else found from this file's location)."""
    env = os.environ.get("HEPSCALING_ROOT")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "src" / "hepscaling").is_dir():
            return parent
    return Path.cwd()


def data_dir() -> Path:
    """Directory for generated and downloaded data (``$HEPSCALING_DATA``, default ``<repo>/data``)."""
    env = os.environ.get("HEPSCALING_DATA")
    d = Path(env) if env else repo_root() / "data"
    d.mkdir(parents=True, exist_ok=True)
    return d


def notebooks_dir() -> Path:
    return repo_root() / "notebooks"


def profiles_dir() -> Path:
    return repo_root() / "profiles"
