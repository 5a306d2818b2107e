"""One plotting style for the whole book: mplhep's style, one fixed colour per classifier and per process.

Figures are saved as PNG and PDF next to the executed notebook (the runner sets the working directory).
"""
from __future__ import annotations

import os
from pathlib import Path

import matplotlib

if not os.environ.get("DISPLAY") and "inline" not in matplotlib.get_backend().lower():
    matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# One colour per classifier and per process, used on every page of the book.
COLORS: dict[str, str] = {
    # paper A classifiers
    "knn_emd": "#1f77b4",
    "knn_lot": "#ff7f0e",
    "knn_efp": "#2ca02c",
    "lr_efp": "#d62728",
    "dnn_efp": "#9467bd",
    "dnn_lot": "#8c564b",
    # jet classes
    "top": "#e41a1c",
    "qcd": "#377eb8",
    "cross": "#4daf4a",
    # paper B processes
    "u u~ > t t~ h": "#1b9e77",
    "u u~ > z g": "#d95f02",
    "u u~ > z g g": "#7570b3",
    "u u~ > z g g g": "#e7298a",
    "u u~ > z g g g g": "#66a61e",
    "u d~ > w+ z": "#e6ab02",
    "u d~ > w+ z g": "#a6761d",
    "u d~ > w+ z g g": "#666666",
    "u u~ > w+ w- z": "#17becf",
    "g g > g g": "#bcbd22",
    "g g > g g g": "#7f7f7f",
    "g g > g g g g": "#aec7e8",
    # fits and references
    "fit": "#000000",
    "paper": "#999999",
}

LABELS: dict[str, str] = {
    "knn_emd": "kNN EMD", "knn_lot": "kNN LOT", "knn_efp": "kNN EFP",
    "lr_efp": "LR EFP", "dnn_efp": "DNN EFP", "dnn_lot": "DNN LOT",
    "top": "top", "qcd": "QCD", "cross": "top–QCD",
}

MARKERS: dict[str, str] = {"knn_emd": "o", "knn_lot": "s", "knn_efp": "^", "lr_efp": "v", "dnn_efp": "D",
                           "dnn_lot": "P"}


def color(name: str) -> str:
    """The fixed colour of a classifier/process/class; unknown names raise so a typo cannot pass silently."""
    try:
        return COLORS[name]
    except KeyError:
        raise KeyError(f"plotting.color: no colour defined for {name!r}; add it to hepscaling.plotting.COLORS") from None


def label(name: str) -> str:
    return LABELS.get(name, name)


def style() -> None:
    """Apply the book's style (mplhep's CMS-like style, slightly smaller fonts for the book's page width)."""
    try:
        import mplhep as hep
        plt.style.use(hep.style.ROOT)
    except Exception:  # pragma: no cover - mplhep missing
        pass
    plt.rcParams.update({"figure.figsize": (7, 5), "font.size": 14, "axes.labelsize": 15, "legend.fontsize": 11,
                         "savefig.bbox": "tight", "figure.dpi": 90})


def savefig(fig, name: str, directory: str | os.PathLike | None = None) -> list[Path]:
    """Save ``fig`` as ``name.png`` and ``name.pdf`` next to the executed notebook (or in ``directory``)."""
    d = Path(directory) if directory is not None else Path.cwd()
    d.mkdir(parents=True, exist_ok=True)
    out = []
    for ext in ("png", "pdf"):
        p = d / f"{name}.{ext}"
        fig.savefig(p, dpi=150 if ext == "png" else None)
        out.append(p)
    return out
