"""Plot helpers shared by paper A's pages."""
from __future__ import annotations

import pandas as pd

from ... import plotting
from .task import CLASSIFIERS


def plot_losses(ax, summary: pd.DataFrame, classifiers=CLASSIFIERS, T_min: float = 0, T_max: float = float("inf"),
                errorbars: bool = True, **kw) -> None:
    """Mean test loss vs T (log-log) for each classifier, with the standard error over repeats."""
    for clf in classifiers:
        s = summary[(summary["classifier"] == clf) & (summary["T"] >= T_min) & (summary["T"] <= T_max)]
        if s.empty:
            continue
        ax.errorbar(s["T"], s["loss"], yerr=s["loss_sem"] if errorbars else None, color=plotting.color(clf),
                    marker=plotting.marker(clf), ms=5, lw=1.2, capsize=2, label=plotting.label(clf), **kw)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("training-set size $T$")
    ax.set_ylabel("test loss (binary cross-entropy)")


def plot_fit(ax, fit, color: str, label: str | None = None, band: bool = True, x=None, **kw) -> None:
    """A fitted power law over its range (or ``x``), with its 1σ band."""
    import numpy as np
    x = np.geomspace(*fit.x_range, 50) if x is None else x
    ax.plot(x, fit.predict(x), color=color, label=label, **kw)
    if band:
        ax.fill_between(x, fit.predict(x) - fit.band(x), fit.predict(x) + fit.band(x), color=color, alpha=0.15,
                        lw=0)
