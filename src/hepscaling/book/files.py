"""Where the book's outputs go (``book/``, ``runs/``) and how its generated text files are written."""
from __future__ import annotations

from pathlib import Path

from ..atomic import write_text
from ..paths import repo_root


def book_dir() -> Path:
    return repo_root() / "book"


def runs_dir() -> Path:
    return repo_root() / "runs"


def write_if_changed(path: Path, text: str) -> bool:
    """Atomically write ``text`` to ``path`` unless it already holds exactly that (keeps mtimes of unchanged pages)."""
    if path.exists() and path.read_text() == text:
        return False
    write_text(path, text)
    return True
