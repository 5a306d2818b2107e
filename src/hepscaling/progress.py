"""Progress bars: tqdm when interactive, quiet in CI and in non-interactive runs."""
from __future__ import annotations

import os
import sys

from tqdm.auto import tqdm


def quiet() -> bool:
    """True in CI (``CI`` set), when ``HEPSCALING_QUIET`` is set, or when stderr is not a terminal."""
    if os.environ.get("HEPSCALING_QUIET") or os.environ.get("CI"):
        return True
    return not (hasattr(sys.stderr, "isatty") and sys.stderr.isatty())


def progress(iterable=None, total=None, desc=None, **kw):
    """A tqdm progress bar that stays quiet when not interactive."""
    return tqdm(iterable, total=total, desc=desc, disable=quiet(), **kw)
