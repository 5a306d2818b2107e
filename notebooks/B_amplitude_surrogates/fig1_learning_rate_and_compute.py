# ---
# jupyter:
#   jupytext:
#     text_representation: {extension: .py, format_name: percent}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
# hepscaling:
#   title: "Figure 1 — ttH: µP learning-rate transfer and the scaling with compute"
#   paper: B
#   reproduces: "Fig. 1"
#   data: "local substitute: our exact tree-level |M|^2 of u u~ > t t~ h on unweighted 14 TeV pp events"
# ---

# %% [markdown]
# # Figure 1 — µP learning-rate transfer and the scaling with compute (q q̄ → t t̄ H, MLP-I)
#
# **What the paper shows.** Left: the test MSE of MLP-I against the initial learning rate η₀ for several network
# sizes N; with the maximal update parametrisation (µP, eqs. 18–21) the optimum stays at η₀ ≃ 10⁻³ for every N, so
# the learning rate tuned on a small network transfers to large ones. Right: the test MSE against the training
# compute C (FLOPs) at N = 10⁶ for three dataset sizes, each compute point its own run with its own cosine schedule;
# small D plateau early, only the largest D profits from more than ~10¹⁴ FLOPs. The fitted α_C are in Table 2.
#
# **What we run.** The same on our own events and at our sizes (below): MLP-I with µP as
# `hepscaling.models.mup.MLPI` (n in eqs. 19–21 read as the width multiplier width/base width), trained by the
# shared loop `hepscaling.models.train.train`; C is its exact FLOP count (2 per multiply-add, matrix products,
# forward + backward: per step 2B(3N_w − n_in·w₁), i.e. eq. (7) with ζ ≈ 6).

# %% tags=["parameters"]
profile = "quick"
seed = 0
D_max = 0            # largest training-set size (0 = the profile's)
N_max = 0            # largest network size (0 = the profile's)
scheduler = "local"

# %%
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

from hepscaling import plotting
from hepscaling.papers import amplitude_surrogates as ps
from hepscaling.record import record
from hepscaling.tables import Table

plotting.style()
page = ps.Page(profile, seed, D_max=D_max, N_max=N_max, scheduler=scheduler, items=["Fig. 1"])
display(page.data)
eta, comp = page.eta, page.compute
c_fits = ps.fit_scan(comp, x="flops", by="D")

# %%
fig, (axl, axr) = plt.subplots(1, 2, figsize=(13, 5.2))
ps.plot_family(axl, eta, x="lr", by="N", cmap="plasma")
axl.axvline(1e-3, color="grey", ls=":", lw=1)
axl.set_title(f"η scan, D = {page.cfg['eta']['D']:,}", fontsize=12)
ps.plot_family(axr, comp, x="flops", by="D", fits=c_fits)
axr.set_title(f"compute scan, N ≈ {page.cfg['compute']['N']:.0e}", fontsize=12)
plotting.savefig(fig, "fig1_learning_rate_and_compute",
                 caption=("Paper B, Fig. 1 on our events. Left: test MSE against the initial learning rate per "
                          "network size (µP; dotted: the paper's optimum 10⁻³). Right: test MSE against the training "
                          "FLOPs per training-set size, each point its own cosine-annealed run; bands: eq. (1) fits "
                          "(1σ)."))

# %%
best = ps.best_learning_rates(eta)
display(Table(["N", "parameters", "best η₀", "test MSE at best η₀"],
              [[f"{n:.0e}", int(eta[eta.N == n].n_params.iloc[0]), f"{best[n]:g}",
                f"{eta[(eta.N == n) & (eta.lr == best[n])].mse.iloc[0]:.3g}"] for n in best.index]))
display(Table(["X", "second parameter", "X_c", "α", "K"], ps.fit_rows(c_fits, "C [FLOPs]", "D")))
spread = ps.optimum_spread_decades(eta)
record("eta_optimum_spread_decades", spread, note="max - min log10 of the best learning rate over N")

# %% [markdown]
# ## Paper vs ours

# %%
page.claims.check("fig1.eta_optimum_fixed", spread,
                  detail="best η₀ per N: " + ", ".join(f"{n:.0e}: {v:g}" for n, v in best.items()))
page.claims.check("fig1.eta_optimum_1e-3", float(best.iloc[-1]), detail=f"N = {best.index[-1]:.0e}")
at_max = comp[comp.steps == comp.steps.max()].sort_values("D")
page.claims.check("fig1.more_data_lower_floor", ps.rank_correlation(at_max.D, at_max.mse),
                  detail=", ".join(f"D = {d:,}: {m:.3g}" for d, m in zip(at_max.D, at_max.mse)))
page.claims

# %% [markdown]
# ## Differences from the paper
#
# - **Data**: our exact tree-level |M|² of u ū → t t̄ H on our own unweighted 14 TeV events (CTEQ6L1, μ = H_T/2),
#   not the dataset of the paper's Ref. [23]. Targets are |M|² over their training-pool mean (a unit: the paper
#   trains ttH on raw targets), so our MSE values are in other units than the paper's; exponents compare, X_c and K
#   do not.
# - **Sizes**: the profile's (above) instead of N = 10⁶ and D up to 8.3·10⁵ with up to 10¹⁷ FLOPs. A compute scan
#   that never reaches the plateau of a large D fits a larger α_C than one that does.
# - **Learning rate**: with our short runs (the profile's `max_steps`, against the paper's 10⁴ epochs) the optimum
#   sits near 10⁻², not 10⁻³, for every N — the transfer across N that µP promises holds, the value moves with the
#   training length (the paper tunes η₀ "for the setup with the largest T_max", §3.2). So the `quick` and `tiny`
#   profiles train every other run at η₀ = 10⁻²; the `paper` profile keeps the paper's 10⁻³.
# - **Not stated by the paper, chosen here**: GELU, batch 256, width/depth ≈ 16, base width 32 (µP's n = width/32).
