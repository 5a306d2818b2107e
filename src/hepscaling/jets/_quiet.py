"""Silence C/C++ output (FastJet's banner, Pythia's listings) on file descriptor 1."""
from __future__ import annotations

import contextlib
import os
import sys


@contextlib.contextmanager
def quiet_stdout():
    """Silence C/C++ output on file descriptor 1 (Pythia's and FastJet's banners and listings)."""
    try:
        sys.stdout.flush()
        fd = os.dup(1)
    except (OSError, ValueError):
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        sys.stdout.flush() if not sys.stdout.closed else None
        os.dup2(fd, 1)
        os.close(fd)
