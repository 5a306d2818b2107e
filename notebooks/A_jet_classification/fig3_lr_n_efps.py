# ---
# jupyter:
#   jupytext:
#     text_representation: {extension: .py, format_name: percent}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
# hepscaling:
#   title: "Figure 3 — logistic regression on different numbers of EFPs"
#   paper: A
#   reproduces: "Fig. 3"
#   data: "local substitute: Pythia 8 + FastJet top/QCD jets (particle level); public Top Tagging set with profile paper"
# ---

# %% [markdown]
# # Figure 3 — how many EFPs?
#
# **What the paper shows.** Logistic regression (liblinear, standardised inputs) on the first n EFPs.
# *Left*: loss vs T for several n — broken power laws with similar slopes before the break and shallower slopes
# after it for fewer features. *Right*: at the full T = 1.2·10⁶, loss vs n — again broken power laws, with the breaks
# roughly where EFPs of the next degree d start (d ≤ 6 gives 313 EFPs): EFPs are interchangeable only within a degree.
#
# Here "the first n EFPs" are taken in order of degree (stable within a degree), so the degree boundaries are at
# n = 1, 4, 12, 35, 101, 313. The all-313 curve is the main sweep's LR EFP.

# %% tags=["parameters"]
profile = "quick"
seed = 0
source = ""          # "" = the profile's; "local" (Pythia 8 + FastJet substitute) or "public" (Top Tagging Landscape)
T_max = 0            # largest training-set size T (0 = the profile's grid)
scheduler = "local"
n_features_left = [4, 12, 35, 101, 313]
n_features_right = [1, 2, 3, 4, 6, 9, 12, 18, 25, 35, 50, 70, 101, 150, 220, 313]
repeats = 1          # repeats per (n, T) point for this figure (the paper's LR repeats: 10 for T <= 1e5)
T_min = 500          # fits of the left panel from this T (the paper's large-T range)

# %%
import numpy as np
import matplotlib.pyplot as plt
from IPython.display import display

from hepscaling import plotting
from hepscaling.papers import jet_classification as jc
from hepscaling.papers.jet_classification import summaries as S
from hepscaling.record import record
from hepscaling.scaling.fit import fit_groups
from hepscaling.tables import Table, fmt

plotting.style()
page = jc.Page(profile, seed, source=source, T_max=T_max, scheduler=scheduler, items=["Fig. 3"])
cfg = page.cfg
bounds = jc.efp_degree_counts(cfg["efp_dmax"])
T_right = max(T for T in cfg["T_values"] if T <= cfg["n_train"])
pts = jc.lr_nefp_points(cfg, n_features_left, repeats=repeats)
pts += [p for p in jc.lr_nefp_points(cfg, n_features_right, T_values=[T_right], repeats=repeats) if p not in pts]
table = page.run(pts)
table["n_features"] = table["n_features"].fillna(bounds[cfg["efp_dmax"]]).astype(int)
summary = jc.summarize(table, by=("n_features", "T"))
display(page.data)
left = summary[summary["n_features"].isin(n_features_left)]
slopes = {n: f for n, f in fit_groups(left, by="n_features", x="T", y="loss", x_range=(T_min, None)).items() if f}

# %%
fig, (axl, axr) = plt.subplots(1, 2, figsize=(13, 5.2))
cmap = plt.get_cmap("viridis")
for i, n in enumerate(n_features_left):
    s = summary[summary["n_features"] == n]
    d = min(k for k, v in bounds.items() if v >= n)
    axl.errorbar(s["T"], s["loss"], yerr=s["loss_sem"], color=cmap(i / max(len(n_features_left) - 1, 1)), marker="o",
                 ms=4, capsize=2, label=f"n = {n} (d ≤ {d})")
plotting.decorate(axl, "training-set size $T$", "test loss", "LR on the first n EFPs", logy=True)

s = summary[summary["T"] == T_right].sort_values("n_features")
axr.errorbar(s["n_features"], s["loss"], yerr=s["loss_sem"], color=plotting.color("lr_efp"), marker="o", ms=4)
for d, n in bounds.items():
    axr.axvline(n + 0.5, color="0.6", ls=":", lw=1)
    axr.text(n * 0.92, 0.97, f"d≤{d}", fontsize=8, color="0.4", ha="right", va="top", rotation=90,
             transform=axr.get_xaxis_transform())
plotting.decorate(axr, "number of EFPs $n$ (degree order)", "test loss", f"T = {T_right:g} (paper: $1.2\\times 10^6$)",
                  logy=True, legend=False)
plotting.savefig(fig, "fig3_lr_n_efps",
                 caption=("Paper A, Fig. 3: logistic regression on the first n EFPs, loss against T for several n "
                          "(left) and against n at the full training set (right). Ours: the same, the right panel at "
                          "our largest T; dotted lines mark where EFPs of the next degree start."))

# %%
display(Table(["n EFPs", "α ± 1σ", "T range"], [[n, fmt(f.params["alpha"], f.errors["alpha"]),
                                                  f"{f.x_range[0]:g}–{f.x_range[1]:g}"] for n, f in slopes.items()],
              caption=f"Slopes for T ≥ {T_min} (C = 0)"))
for n, f in slopes.items():
    record(f"alpha_lr_{n}_efps", f.params["alpha"], note=f"C = 0 slope for T >= {T_min}, LR on the first n EFPs")
loss_by_n = dict(zip(s["n_features"], s["loss"]))
n_lo, n_hi = min(loss_by_n), max(loss_by_n)
record("lr_loss_fewest_efps_at_Tmax", loss_by_n[n_lo], hi=float(np.log(2)) + 0.01,
       note="no worse than the coin flip (one EFP, the jet mass-like d = 1 term, carries information)")
record("lr_loss_all_efps_at_Tmax", loss_by_n[n_hi], hi=float(np.log(2)), note="must beat the coin flip")
record("more_efps_lower_loss_at_Tmax", bool(loss_by_n[n_hi] < loss_by_n[n_lo]))
# where does adding features help most? log-log slope of loss vs n between consecutive grid points
ns = np.array(sorted(loss_by_n))
local = -np.diff(np.log([loss_by_n[n] for n in ns])) / np.diff(np.log(ns))
crosses = np.array([any(a < b_ <= b for b_ in bounds.values()) for a, b in zip(ns[:-1], ns[1:])])
display(Table(["n range", "local slope −d ln L / d ln n", ""],
              [[f"{a}→{b}", f"{v:.3f}", "adds a new degree" if c else ""]
               for a, b, v, c in zip(ns[:-1], ns[1:], local, crosses)], caption=f"Local slopes at T = {T_right:g}"))

# %% [markdown]
# ## Paper vs ours

# %%
page.claims.check("fig3.more_efps_lower_loss", loss_by_n[n_hi] - loss_by_n[n_lo], detail=f"n = {n_hi} vs n = {n_lo}")
lo_n, hi_n = n_features_left[0], n_features_left[-1]
if lo_n in slopes and hi_n in slopes:
    page.claims.check("fig3.fewer_efps_shallower", slopes[lo_n].params["alpha"] - slopes[hi_n].params["alpha"],
                      detail=f"α = {slopes[lo_n].params['alpha']:.3f} (n = {lo_n}) vs {slopes[hi_n].params['alpha']:.3f} "
                        f"(n = {hi_n})")
else:
    page.claims.check("fig3.fewer_efps_shallower", None, reason=f"fewer than three T values ≥ {T_min} for n = {lo_n} or {hi_n}")
early = {n: f for n, f in fit_groups(left, by="n_features", x="T", y="loss", x_range=(None, 2000)).items() if f}
page.claims.check("fig3.similar_slopes_before_break", S.max_pairwise_pull(early) if len(early) > 1 else None,
                  detail="n = " + ", ".join(str(n) for n in early) + ", T ≤ 2000",
                  reason="fewer than two numbers of EFPs with three T values up to 2000")
if crosses.any() and (~crosses).any():
    page.claims.check("fig3.breaks_at_degree_boundaries", float(local[crosses].mean() - local[~crosses].mean()),
                      detail=f"{local[crosses].mean():.3f} across vs {local[~crosses].mean():.3f} within")
else:
    page.claims.check("fig3.breaks_at_degree_boundaries", None,
                      reason="the n grid has no intervals both across and within degrees")
page.claims

# %% [markdown]
# Our largest T is far below the paper's 1.2·10⁶ unless the `paper` profile runs on the public data, so the right
# panel probes the feature count at a much smaller data budget, where the largest feature sets are still
# data-limited.
