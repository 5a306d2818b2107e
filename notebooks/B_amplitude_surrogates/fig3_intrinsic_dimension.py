# ---
# jupyter:
#   jupytext:
#     text_representation: {extension: .py, format_name: percent}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
# hepscaling:
#   title: "Figure 3 — ttH: the intrinsic dimension the surrogate learns"
#   paper: B
#   reproduces: "Fig. 3"
#   data: "local substitute: our exact tree-level |M|^2 of u u~ > t t~ h on unweighted 14 TeV pp events"
# ---

# %% [markdown]
# # Figure 3 — the intrinsic dimension of the last hidden layer (q q̄ → t t̄ H)
#
# **What the paper shows.** TwoNN (Facco et al. 2017; App. B) on the last-layer activations of ≥ 10⁴ points of the
# training data: for N ≥ 10⁴ and D ≳ 10² the surrogate's representation has dimension 5 — the 3n_f − 4 = 5 degrees
# of freedom of a 2 → 3 process with a varying √ŝ. Error bars: the spread over subsets.
#
# **What we compute.** `hepscaling.geometry.twonn` (the linear fit of −log(1 − F(µ)) against log µ with the largest
# 10 % of µ discarded, as the paper's Ref. [109]; it agrees with scikit-dimension's `TwoNN` to rounding) on the last
# hidden layer of every run of the D × N grid (Fig. 2's runs), evaluated on the first `n_dim` events of the training
# pool and test set; the error is the standard deviation of the estimate over 5 disjoint subsets
# (`hepscaling.geometry.twonn_subsets`; each a fifth of the points, so it overstates the error of the full estimate).

# %% tags=["parameters"]
profile = "quick"
seed = 0
D_max = 0            # largest training-set size (0 = the profile's)
N_max = 0            # largest network size (0 = the profile's)
scheduler = "local"

# %%
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from hepscaling import plotting
from hepscaling.papers import amplitude_surrogates as ps
from hepscaling.record import record
from hepscaling.tables import Table

plotting.style()
page = ps.Page(profile, seed, D_max=D_max, N_max=N_max, scheduler=scheduler, items=["Fig. 3"])
display(page.data)
grid = page.grid
d_true = ps.degrees_of_freedom(page.cfg["process"])
d_in, d_in_err = page.input_dimension()          # twoNN on the inputs z_ij themselves, at the same points

# %%
fig, axes = plt.subplots(1, 2, figsize=(13, 5.0), sharey=True)
for ax, x, by, cmap in ((axes[0], "D", "N", "viridis"), (axes[1], "n_params", "D", "plasma")):
    for c, g in zip(ps.colors(grid[by].nunique(), cmap), sorted(grid[by].unique())):
        s = grid[grid[by] == g].sort_values(x)
        ax.plot(s[x], s.dimension, "o-", color=c, label=f"{by} = {g:.3g}", ms=5)
        ax.fill_between(s[x], s.dimension - s.dimension_err, s.dimension + s.dimension_err, color=c, alpha=0.2)
    ax.axhline(d_true, color="k", ls="--", lw=1, label=f"3n_f − 4 = {d_true}")
    ax.axhline(d_in, color="grey", ls=":", lw=1.5, label=f"twoNN of the inputs: {d_in:.2f}")
    ax.set(xscale="log", xlabel=ps.X_LABELS["N" if x == "n_params" else x], ylabel=ps.Y_LABELS["dimension"])
    ax.legend(fontsize=8)
plotting.savefig(fig, "fig3_intrinsic_dimension",
                 caption=("Paper B, Fig. 3 on our events: twoNN dimension of the last hidden layer against the "
                          "training-set size per network size (left) and against the network size per training-set "
                          "size (right); bands: standard deviation over 5 subsets; dashed: d = 3n_f − 4 = 5; dotted: "
                          "twoNN of the network's inputs at the same points."))

# %%
display(Table(["N (target)", "D", "dimension", "± (subsets)"],
              [[f"{r.N:.0e}", f"{r.D:,}", f"{r.dimension:.2f}", f"{r.dimension_err:.2f}"] for r in grid.itertuples()]))
big = grid[(grid.N >= 1e4) & (grid.D >= 1e3)]
if big.empty:       # small profiles: the largest network and D of the grid
    big = grid[(grid.N == grid.N.max()) & (grid.D == grid.D.max())]
d_big = float(big.dimension.mean())
record("dimension_large_N_D", d_big, note="mean twoNN dimension over runs with N >= 1e4 and D >= 1e3")
record("dimension_inputs", d_in, note="twoNN of the standardised log p_i.p_j at the same points")
display(Markdown(f"TwoNN of the inputs z_ij themselves at the same {page.cfg['n_dim']:,} points: "
                 f"**{d_in:.2f} ± {d_in_err:.2f}** — the estimator's value for the 5-dimensional data manifold at this "
                 f"number of points (it is biased low on curved, bounded manifolds). A surrogate that has learned the "
                 f"manifold can show no more than that."))

# %% [markdown]
# ## Paper vs ours

# %%
page.claims.check("fig3.dimension_5", d_big,
                  detail=f"{len(big)} runs, N ≥ {big.N.min():.0e}, D ≥ {big.D.min():,}")
page.claims.check("fig3.same_as_inputs", d_big - d_in, error=float(big.dimension_err.mean()),
                  detail=f"network {d_big:.2f}, inputs {d_in:.2f} ± {d_in_err:.2f}")
page.claims

# %% [markdown]
# ## Differences from the paper
#
# - The dimension is measured on our own events and networks; the paper does not state its activation or how many
#   subsets give the error. TwoNN estimates of a bounded, curved manifold sit somewhat below the true dimension
#   at 10⁴ points (see the engine page: ~0.7 low for a uniform 8-cube), so "reaching 5" means reaching the value a
#   twoNN on 10⁴ points can show.
