"""Figs. 3 and 4 as the paper lays them out: one row per observable; generated distributions per D of the fine-tuned
and the scratch models (test jets filled, AOJ-like dotted in the fine-tuned column), then KL and W1 against D with
the mean over seeds, the envelope, the fits ∝ D^−γ (dashed) and the floors of a perfect generator (grey)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import colormaps

from . import summaries as S
from .constituents import OBSERVABLES

COLORS = {"finetuned": "#1f77b4", "scratch": "#d62728"}
CMAPS = {"finetuned": "Blues", "scratch": "Reds"}
LABELS = {"finetuned": "fine-tuned (pretrained on AOJ-like)", "scratch": "from scratch"}


def _edges(ref: np.ndarray, obs: str) -> np.ndarray:
    if obs == "multiplicity":
        return np.arange(-0.5, max(ref.max(), 1) * 1.6 + 1.5, max(1, int(ref.max() // 40)))
    lo, hi = np.quantile(ref, [0.0, 0.995])
    span = hi - lo
    return np.linspace(max(0.0, lo - 0.3 * span), hi + 0.3 * span, 41)


def plot_distributions(ax, page, obs: str, strategy: str, repeat: int = 0, aoj: bool = False) -> None:
    ref = np.asarray(page.test_observables[obs])
    e = _edges(ref, obs)
    ax.hist(ref, e, density=True, color="0.85", label="JetClass-like test")
    cm = colormaps[CMAPS[strategy]]
    for c, D in zip(np.linspace(0.35, 0.95, len(page.D_values)), page.D_values):
        ax.hist(np.clip(page.generated(strategy, D, repeat)[obs], e[0], e[-1]), e, density=True, histtype="step",
                color=cm(c), lw=1.2, label=f"D = {D:,}")
    if aoj:
        ax.hist(np.clip(page.aoj_observables[obs], e[0], e[-1]), e, density=True, histtype="step", color="k",
                ls=":", lw=1.2, label="AOJ-like")
    ax.set(xlabel=OBSERVABLES[obs], yticks=[])


def plot_metric(ax, page, metric: str, obs: str) -> None:
    col = f"{metric}_{obs}"
    for strategy in ("finetuned", "scratch"):
        c = S.curve(page.summary, page.target, strategy, col)
        ax.plot(c["D"], c["mean"], "o-", color=COLORS[strategy], ms=4, label=LABELS[strategy])
        ax.fill_between(c["D"], c["lo"], c["hi"], color=COLORS[strategy], alpha=0.2, lw=0)
        fit = S.gamma_fit(page.summary, page.target, strategy, col)
        if fit is not None:
            xs = np.geomspace(c["D"].min(), c["D"].max(), 50)
            ax.plot(xs, fit.predict(xs), "--", color=COLORS[strategy], lw=1,
                    label=f"∝ D^−{fit.params['alpha']:.2f}")
    floors = page.floors
    ax.axhline(floors.loc["none", col], color="0.4", ls=":", lw=1, label="real jets (sample-size floor)")
    for tok, ls in (("aoj", "-."), ("jetclass", "--")):
        ax.axhline(floors.loc[tok, col], color="0.6", ls=ls, lw=0.8, label=f"real jets through the {tok} tokenizer")
    ax.set(xscale="log", yscale="log", xlabel="training jets $D$",
           ylabel=f"{metric.upper()} ({OBSERVABLES[obs].split(' [')[0]})")


def figure(page):
    """The whole figure (5 observables × 4 columns)."""
    fig, axes = plt.subplots(len(OBSERVABLES), 4, figsize=(17, 3.1 * len(OBSERVABLES)))
    for row, obs in zip(axes, OBSERVABLES):
        plot_distributions(row[0], page, obs, "finetuned", aoj=True)
        plot_distributions(row[1], page, obs, "scratch")
        plot_metric(row[2], page, "kl", obs)
        plot_metric(row[3], page, "w1", obs)
    axes[0, 0].set_title("fine-tuned")
    axes[0, 1].set_title("from scratch")
    axes[0, 2].set_title("KL(test ‖ generated)")
    axes[0, 3].set_title("Wasserstein-1")
    axes[0, 0].legend(fontsize=6)
    axes[0, 1].legend(fontsize=6)
    axes[0, 2].legend(fontsize=6)
    fig.tight_layout()
    return fig
