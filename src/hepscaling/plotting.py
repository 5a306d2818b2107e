"""One plotting style for the whole book: mplhep's style, one fixed colour per name (registered by the papers).

Figures are saved as PNG and PDF next to the executed notebook (the runner sets the working directory).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import matplotlib

if not os.environ.get("DISPLAY") and "inline" not in matplotlib.get_backend().lower():
    matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# One colour per name (classifier, process, class), used on every page of the book. The shared entries are below;
# each paper package registers its own names when imported (:func:`register`), so this module knows no paper.
COLORS: dict[str, str] = {
    # jet classes
    "top": "#e41a1c",
    "qcd": "#377eb8",
    "cross": "#4daf4a",
    # fits and references
    "fit": "#000000",
    "paper": "#999999",
}

LABELS: dict[str, str] = {"top": "top", "qcd": "QCD", "cross": "top–QCD"}

MARKERS: dict[str, str] = {}


def register(colors: dict[str, str] | None = None, labels: dict[str, str] | None = None,
             markers: dict[str, str] | None = None) -> None:
    """Add a paper's names (classifiers, processes, ...) to the book's colours, labels and markers.

    A name may be registered twice only with the same colour (two papers must not paint one name differently)."""
    for name, c in (colors or {}).items():
        if COLORS.get(name, c) != c:
            raise ValueError(f"plotting.register: {name!r} already has colour {COLORS[name]}, not {c}")
        COLORS[name] = c
    LABELS.update(labels or {})
    MARKERS.update(markers or {})


def color(name: str) -> str:
    """The fixed colour of a classifier/process/class; unknown names raise so a typo cannot pass silently."""
    try:
        return COLORS[name]
    except KeyError:
        raise KeyError(f"plotting.color: no colour defined for {name!r}; register it with hepscaling.plotting.register "
                       "(paper packages do so in their __init__)") from None


def label(name: str) -> str:
    return LABELS.get(name, name)


def marker(name: str, default: str = "o") -> str:
    return MARKERS.get(name, default)


def style() -> None:
    """Apply the book's style (mplhep's CMS-like style, slightly smaller fonts for the book's page width)."""
    try:
        import mplhep as hep
        plt.style.use(hep.style.ROOT)
    except Exception:  # pragma: no cover - mplhep missing
        pass
    plt.rcParams.update({"figure.figsize": (7, 5), "font.size": 14, "axes.labelsize": 15, "legend.fontsize": 11,
                         "savefig.bbox": "tight", "figure.dpi": 90})


def decorate(ax, xlabel: str, ylabel: str | None = None, title: str | None = None, logx: bool = True,
             logy: bool = False, legend: bool = True) -> None:
    """The book's axes: labels, a small title, log scales (x by default) and a small legend."""
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title, fontsize=12)
    if legend:
        ax.legend(fontsize=9)


_figures = {"n": 0}


def savefig(fig, name: str, directory: str | os.PathLike | None = None, caption: str | None = None) -> None:
    """Save ``fig`` as ``name.png`` and ``name.pdf`` next to the executed notebook (or in ``directory``).

    In a notebook it then shows the figure followed by its numbered caption ("Figure n." and ``caption``: what the
    paper's figure shows and what ours shows) with links to both files, and closes it, so the figure appears once, at
    its caption, and the cell returns nothing."""
    d = Path(directory) if directory is not None else Path.cwd()
    d.mkdir(parents=True, exist_ok=True)
    for ext in ("png", "pdf"):
        fig.savefig(d / f"{name}.{ext}", dpi=150 if ext == "png" else None)
    if "ipykernel" not in sys.modules:
        return
    import html

    from IPython.display import HTML, display
    _figures["n"] += 1
    display(fig)
    plt.close(fig)
    text = f" {html.escape(caption)}" if caption else ""
    display(HTML(f'<p class="hepscaling-caption"><strong>Figure {_figures["n"]}.</strong>{text} '
                 f'<span class="hepscaling-downloads">Download: <a href="{name}.png">PNG</a> · '
                 f'<a href="{name}.pdf">PDF</a></span></p>'))
