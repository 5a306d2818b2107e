"""Sphinx extension of the book: formulas render without a network.

MathJax comes from the ``sphinx-mathjax-offline`` package (pinned in requirements.lock; it ships MathJax 3) and is
copied into the built site's ``_static/mathjax/``; the pages load ``tex-svg.js``, whose SVG output needs no web fonts,
so formulas render from ``file://`` too (browsers refuse web fonts there). Registered in ``book/_config.yml``
(``sphinx: extra_extensions``).
"""
from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

MATHJAX_SCRIPT = "mathjax/tex-svg.js"


def mathjax_source() -> Path:
    """The MathJax folder of the installed ``sphinx-mathjax-offline`` package."""
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the book's math needs the package sphinx-mathjax-offline (pinned in requirements.lock; "
                           "`make setup` installs it)")
    d = Path(list(spec.submodule_search_locations)[0]) / "static" / "mathjax"
    if not (d / "tex-svg.js").is_file():
        raise RuntimeError(f"sphinx-mathjax-offline at {d.parent.parent} has no static/mathjax/tex-svg.js")
    return d


def _use_local_mathjax(app, config) -> None:
    config.mathjax_path = MATHJAX_SCRIPT


def _copy_mathjax(app, exc) -> None:
    if exc is None and app.builder.format == "html":
        shutil.copytree(mathjax_source(), Path(app.outdir) / "_static" / "mathjax", dirs_exist_ok=True)


def setup(app):
    mathjax_source()                                    # fail early, with the reason, when the package is missing
    app.connect("config-inited", _use_local_mathjax, priority=900)
    app.connect("build-finished", _copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
