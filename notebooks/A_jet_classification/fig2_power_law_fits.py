# ---
# jupyter:
#   jupytext:
#     text_representation: {extension: .py, format_name: percent}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
# hepscaling:
#   title: "Figure 2 — power-law fits with zero irreducible loss (T ≥ 500)"
#   paper: A
#   reproduces: "Fig. 2"
#   data: "local substitute: Pythia 8 + FastJet top/QCD jets (particle level); public Top Tagging set with profile paper"
# ---

# %% [markdown]
# # Figure 2 — power-law fits, C = 0
#
# **What the paper does.** Restrict Fig. 1 to T ≥ 500 (small-T behaviour is noisy or follows a different, "broken"
# power law), exclude T > 2·10⁵ for the two DNNs (their slope softens there), and fit the logarithm of eq. (1) with
# C = 0, i.e. a straight line log L = log A − α log T, by linear least squares. Left: the data in that range; right:
# the fitted lines. The slopes are listed in Table 1 (next page), where the statements about their ordering are
# tested.
#
# The DNNs' cut at T ≤ 2·10⁵ only bites on the `paper` profile's grid (up to 1.2·10⁶ jets: `python -m hepscaling run
# A_jet_classification/fig2_power_law_fits --profile paper`); the smaller profiles stop below it.
#
# Same sweep as Fig. 1 (read from the sweep directory, not recomputed); fits with
# `hepscaling.papers.jet_classification.fit_slopes` (one `hepscaling.scaling.fit` fit per classifier).

# %% tags=["parameters"]
profile = "quick"
seed = 0
source = ""          # "" = the profile's; "local" (Pythia 8 + FastJet substitute) or "public" (Top Tagging Landscape)
T_max = 0            # largest training-set size T (0 = the profile's grid)
scheduler = "local"
T_min = 500
dnn_T_max = 200000

# %%
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from hepscaling import plotting
from hepscaling.papers import jet_classification as jc
from hepscaling.record import record
from hepscaling.tables import Table, fmt

plotting.style()
page = jc.Page(profile, seed, source=source, T_max=T_max, scheduler=scheduler, items=["Fig. 2"])
summary, cfg = page.main_summary, page.cfg
display(page.data)
fits = jc.fit_slopes(summary, T_min=T_min, dnn_T_max=dnn_T_max)
missing = [c for c in jc.CLASSIFIERS if c not in fits]
if missing:
    display(Markdown(f"Too few T values ≥ {T_min} to fit: {', '.join(plotting.label(c) for c in missing)}."))

# %%
fig, (axl, axr) = plt.subplots(1, 2, figsize=(13, 5.2), sharey=True)
for clf in jc.CLASSIFIERS:
    jc.plot_losses(axl, summary, [clf], T_min=T_min, T_max=dnn_T_max if clf.startswith("dnn") else float("inf"))
    if clf in fits:
        f = fits[clf]
        jc.plot_fit(axr, f, plotting.color(clf),
                    label=f"{plotting.label(clf)}: α = {f.params['alpha']:.3f} ± {f.errors['alpha']:.3f}")
axr.set_xscale("log")
axr.set_xlabel("training-set size $T$")
axl.legend(fontsize=9)
axr.legend(fontsize=9)
axl.set_title(f"data, T ≥ {T_min}", fontsize=12)
axr.set_title("fits $L = A\\,T^{-\\alpha}$ (C = 0)", fontsize=12)
plotting.savefig(fig, "fig2_power_law_fits",
                 caption=("Paper A, Fig. 2: the losses for T ≥ 500 (left) and pure power-law fits with C = 0 (right)."
                          " Ours: the same on our data; bands are the fits' 1σ."))

# %%
rows = []
for clf, f in sorted(fits.items(), key=lambda kv: kv[1].params["alpha"]):
    rows.append([plotting.label(clf), fmt(f.params["alpha"], f.errors["alpha"]), f"{f.params['A']:.3g}",
                 f"{f.x_range[0]:g}–{f.x_range[1]:g}", f.n_points])
    record(f"alpha_{clf}", f.params["alpha"], note=f"C = 0 power-law slope, T in [{f.x_range[0]:g}, {f.x_range[1]:g}]")
display(Table(["classifier", "α (±1σ)", "A", "T range", "points"], rows))

# %% [markdown]
# ## Paper vs ours

# %%
if fits:
    smallest = min(fits, key=lambda c: fits[c].params["alpha"])
    page.claims.check("fig2.all_slopes_positive", fits[smallest].params["alpha"], error=fits[smallest].errors["alpha"],
                      detail=f"{plotting.label(smallest)}; {len(fits)} of 6 classifiers fitted")
else:
    page.claims.check("fig2.all_slopes_positive", None, reason=f"no classifier has three T values ≥ {T_min}")
page.claims
