"""Plot helpers of paper B's pages: one family of loss curves per value of a second parameter, with eq. (1) fits."""
from __future__ import annotations

import numpy as np
from matplotlib import colormaps

X_LABELS = {"D": "training-set size $D_\\mathrm{train}$", "N": "network size $N$ (parameters)",
            "flops": "training compute $C$ [FLOPs]", "lr": "initial learning rate $\\eta_0$"}
Y_LABELS = {"mse": "test MSE", "l1": "test L1 error", "epsilon": "$\\epsilon$ (eq. 23)",
            "dimension": "intrinsic dimension (twoNN)"}
GROUP_NAMES = {"N": "N", "D": "D", "steps": "steps"}


def colors(n: int, cmap: str = "viridis") -> list:
    """``n`` colours along a sequential colour map (small to large values of the second parameter)."""
    cm = colormaps[cmap]
    return [cm(v) for v in np.linspace(0.1, 0.85, max(n, 1))]


def plot_family(ax, summary, x: str, by: str, y: str = "mse", fits: dict | None = None, cmap: str = "viridis",
                marker: str = "o", linestyle: str = "-", label_suffix: str = "", err: str | None = None) -> None:
    """``y`` against ``x`` for every value of ``by`` (markers joined by lines), and the fit of each group (a shaded
    1σ band over the fitted range, the paper's "shaded lines"), on log-log axes."""
    groups = sorted(summary[by].unique())
    for c, g in zip(colors(len(groups), cmap), groups):
        s = summary[summary[by] == g].sort_values(x)
        f = None if fits is None else fits.get(g)
        lab = f"{GROUP_NAMES.get(by, by)} = {g:.3g}{label_suffix}"
        if f is not None:
            lab += f": α = {f.params['alpha']:.2f} ± {f.errors['alpha']:.2f}"
        kw = dict(color=c, marker=marker, linestyle=linestyle, label=lab, ms=5)
        if err and err in s:
            ax.errorbar(s[x], s[y], yerr=s[err], capsize=2, **kw)
        else:
            ax.plot(s[x], s[y], **kw)
        if f is not None:
            xs = np.geomspace(*f.x_range, 100)
            mid, half = f.predict(xs), f.band(xs)
            ax.fill_between(xs, np.clip(mid - half, mid * 1e-3, None), mid + half, color=c, alpha=0.25, lw=0)
            ax.plot(xs, mid, color=c, lw=1, alpha=0.6)
    ax.set(xscale="log", yscale="log", xlabel=X_LABELS.get(x, x), ylabel=Y_LABELS.get(y, y))
    ax.legend(fontsize=8)
