# ---
# jupyter:
#   jupytext:
#     text_representation: {extension: .py, format_name: percent}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
# hepscaling:
#   title: "Figure 5 — ttH: the learned uncertainties shrink with compute and data"
#   paper: B
#   reproduces: "Fig. 5"
#   data: "local substitute: our exact tree-level |M|^2 of u u~ > t t~ h on unweighted 14 TeV pp events"
# ---

# %% [markdown]
# # Figure 5 — distributions of the learned σ (q q̄ → t t̄ H, heteroscedastic MLP-I)
#
# **What the paper shows.** The distribution of the learned σ(x) over the test set moves to lower values as more
# compute is spent at fixed D (left, D = 3.16·10⁵) and as the training set grows at fixed compute (right).
#
# **What we show.** Histograms of log₁₀ σ (σ in target units) on the test set of the heteroscedastic runs of
# Fig. 4: the compute scan at its largest D (left) and the D scan at its largest N (right; each run trained for the
# same number of steps, so the compute grows with the batch at small D only).

# %% tags=["parameters"]
profile = "quick"
seed = 0
D_max = 0            # largest training-set size (0 = the profile's)
N_max = 0            # largest network size (0 = the profile's)
scheduler = "local"

# %%
import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from IPython.display import display

from hepscaling import plotting
from hepscaling.papers import amplitude_surrogates as ps
from hepscaling.record import record
from hepscaling.tables import Table

plotting.style()
page = ps.Page(profile, seed, D_max=D_max, N_max=N_max, scheduler=scheduler, items=["Fig. 5"])
display(page.data)
runs_c, runs_d = page.uncertainty_runs()
centres = 0.5 * (ps.SIGMA_BINS[1:] + ps.SIGMA_BINS[:-1])

# %%
fig, (axl, axr) = plt.subplots(1, 2, figsize=(13, 4.8), sharey=True)
for ax, runs, by, fmt in ((axl, runs_c, "flops", "C = {:.2e}"), (axr, runs_d, "D", "D = {:,}")):
    values = sorted(runs[by].unique())
    for c, v in zip(sns.color_palette("viridis", len(values)), values):
        h = ps.histogram_mean(runs[runs[by] == v], "sigma_hist")
        ax.step(centres, h, where="mid", color=c, label=fmt.format(v))
    ax.set(xlabel="log$_{10}$ σ (target units)", ylabel="fraction of test points")
    ax.legend(fontsize=8)
axl.set_title(f"compute scan, D = {runs_c.D.max():,}", fontsize=12)
axr.set_title(f"D scan, N ≈ {runs_d.N.max():.0e}", fontsize=12)
plotting.savefig(fig, "fig5_learned_uncertainties",
                 caption=("Paper B, Fig. 5 on our events: distribution of the learned σ on the test set for several "
                          "training budgets at fixed D (left) and several D (right)."))

# %%
med_c = runs_c.groupby("flops").sigma_median.mean()
med_d = runs_d.groupby("D").sigma_median.mean()
display(Table(["scan", "value", "median σ"],
              [["C [FLOPs]", f"{k:.2e}", f"{v:.3g}"] for k, v in med_c.items()]
              + [["D", f"{k:,}", f"{v:.3g}"] for k, v in med_d.items()]))
rho_c = ps.rank_correlation(np.log(med_c.index), np.log(med_c.values))
rho_d = ps.rank_correlation(np.log(med_d.index), np.log(med_d.values))
record("sigma_rank_corr_C", rho_c)
record("sigma_rank_corr_D", rho_d)

# %% [markdown]
# ## Paper vs ours

# %%
page.claims.check("fig5.sigma_falls_with_C", rho_c, detail=f"{len(med_c)} compute points")
page.claims.check("fig5.sigma_falls_with_D", rho_d, detail=f"{len(med_d)} dataset sizes")
page.claims

# %% [markdown]
# ## Differences from the paper
#
# - σ is in our target units (|M|² over its training-pool mean); the paper's right panel fixes C = 2.12·10¹⁵ FLOPs,
#   ours fixes the number of steps.
