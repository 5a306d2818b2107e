"""Plot helpers of paper D's pages: families of loss curves, with fitted curves."""
from __future__ import annotations

import numpy as np
from matplotlib import colormaps

X_LABELS = {"D": "training jets $D$", "n_params": "non-embedding parameters $N$",
            "flops": "training compute $C$ [FLOPs]", "epochs": "epochs over $U$ unique jets"}
Y_LABEL = "test cross-entropy [nats]"


def colors(n: int, cmap: str = "viridis") -> list:
    cm = colormaps[cmap]
    return [cm(v) for v in np.linspace(0.1, 0.85, max(n, 1))]


def plot_family(ax, summary, x: str, by: str, curve=None, cmap: str = "viridis", label=None) -> None:
    """Test loss against ``x`` for every value of ``by`` (markers joined by lines); ``curve(group, xs)`` draws the
    fitted loss of a group (dashed) over the range of ``x``."""
    groups = sorted(summary[by].unique())
    for c, g in zip(colors(len(groups), cmap), groups):
        s = summary[summary[by] == g].sort_values(x)
        lab = label(g) if label else f"{by} = {g:.3g}" if not isinstance(g, str) else f"{by} = {g}"
        ax.errorbar(s[x], s["test_loss"], yerr=s.get("test_loss_std"), color=c, marker="o", ms=4, capsize=2,
                    label=lab)
        if curve is not None:
            xs = np.geomspace(s[x].min(), s[x].max(), 60)
            ys = curve(g, xs)
            if ys is not None:
                ax.plot(xs, ys, color=c, ls="--", lw=1)
    ax.set(xscale="log", yscale="log", xlabel=X_LABELS.get(x, x), ylabel=Y_LABEL)
    ax.legend(fontsize=7)
