# ---
# jupyter:
#   jupytext:
#     text_representation: {extension: .py, format_name: percent}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
# hepscaling:
#   title: "Figure 2 — ttH: test MSE against dataset size and network size"
#   paper: B
#   reproduces: "Fig. 2"
#   data: "local substitute: our exact tree-level |M|^2 of u u~ > t t~ h on unweighted 14 TeV pp events"
# ---

# %% [markdown]
# # Figure 2 — test MSE against training-set size and network size (q q̄ → t t̄ H, MLP-I)
#
# **What the paper shows.** Left: the test MSE against the training-set size D for network sizes N = 10²…10⁶,
# all trained for 10⁴ epochs; a power law in D with a plateau only for N = 10². Right: the same runs against N per
# D; small D force the loss into saturation, and a large D helps even a small network. The dataset size is the
# main driver; "increasing the NN size beyond [10²] only slightly improves the test loss". The fits (eq. 1) are
# Table 2's D and N rows, tested on the {doc}`table1_table2_fits` page.
#
# **What we run.** The D × N grid of the profile (rerun it at other sizes with `-p D_max 100000 -p N_max 1000000`),
# one µP MLP-I run per point (`hepscaling.papers.amplitude_surrogates.grid_points`), each for the profile's epochs
# capped at its maximum number of steps.

# %% tags=["parameters"]
profile = "quick"
seed = 0
D_max = 0            # largest training-set size (0 = the profile's)
N_max = 0            # largest network size (0 = the profile's)
scheduler = "local"

# %%
import matplotlib.pyplot as plt
from IPython.display import display

from hepscaling import plotting
from hepscaling.papers import amplitude_surrogates as ps
from hepscaling.record import record
from hepscaling.tables import Table

plotting.style()
page = ps.Page(profile, seed, D_max=D_max, N_max=N_max, scheduler=scheduler, items=["Fig. 2"])
display(page.data)
grid = page.grid
d_fits = ps.fit_scan(grid, x="D", by="N")
n_fits = ps.fit_scan(grid, x="n_params", by="D")

# %%
fig, (axl, axr) = plt.subplots(1, 2, figsize=(13, 5.2), sharey=True)
ps.plot_family(axl, grid, x="D", by="N", fits=d_fits)
ps.plot_family(axr, grid, x="n_params", by="D", fits=n_fits, cmap="plasma")
axr.set_xlabel(ps.X_LABELS["N"])
plotting.savefig(fig, "fig2_data_and_size",
                 caption=("Paper B, Fig. 2 on our events. Left: test MSE against the training-set size per network "
                          "size; right: against the network size (parameters) per training-set size. Bands: eq. (1) "
                          "fits with 10 % errors on log L (App. C)."))

# %%
rows = [[f"{r.N:.0e}", int(r.n_params), f"{r.D:,}", int(r.steps), f"{r.mse:.3g}", f"{r.flops:.2e}"]
        for r in grid.itertuples()]
display(Table(["N (target)", "parameters", "D", "steps", "test MSE", "C [FLOPs]"], rows))
N_top, D_top = grid.N.max(), grid.D.max()
f_D, f_N = d_fits.get(N_top), n_fits.get(D_top)
record("decades_gained_D", ps.decades_gained(grid, "D", {"N": N_top}), note="log10 MSE(D_min)/MSE(D_max), largest N")
record("decades_gained_N", ps.decades_gained(grid, "n_params", {"D": D_top}), note="log10 MSE(N_min)/MSE(N_max), largest D")

# %% [markdown]
# ## Paper vs ours

# %%
if f_D is None or f_N is None:
    page.claims.check("fig2.data_main_driver", None,
                      reason=f"no constrained fit of the D scan at N = {N_top:.0e} or of the N scan at D = {D_top:,}")
else:
    a_D, a_N = f_D.params["alpha"], f_N.params["alpha"]
    page.claims.check("fig2.data_main_driver", a_D - a_N, error=(f_D.errors["alpha"] ** 2 + f_N.errors["alpha"] ** 2) ** 0.5,
                      detail=f"α_D = {a_D:.2f} (N = {N_top:.0e}), α_N = {a_N:.2f} (D = {D_top:,})")
page.claims

# %% [markdown]
# ## Differences from the paper
#
# - Our events and targets (|M|² over the training-pool mean), not Ref. [23]'s; MSE values are in other units.
# - The paper trains every run 10⁴ epochs; ours are capped at the profile's `max_steps`, so the largest D see fewer
#   epochs (the table above lists each run's steps) and can sit above the paper's power law.
