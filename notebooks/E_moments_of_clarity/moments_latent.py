# ---
# jupyter:
#   jupytext:
#     text_representation: {extension: .py, format_name: percent}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
# hepscaling:
#   title: "Moment pooling — the learned k = 4, L = 1 latent and the log angularity"
#   paper: E
#   reproduces: "Moments latent"
#   data: "local substitute: Pythia 8 Z + quark/gluon jets with the EnergyFlow q/g cuts (particle level)"
# ---

# %% [markdown]
# # The moment of truth: what a k = 4, L = 1 Moment EFN learns
#
# **What the talk shows** ("The Moment of Truth", after arXiv 2403.08854). With one latent dimension the learned
# per-particle function can be looked at: as a function of the distance r to the jet axis it is
# Φ(r) = c₁ + c₂ log(c₃ + r), a *log angularity*, with c₃ ~ Λ_QCD/(pT R) — a non-perturbative scale (c ≈ 0.005 in
# the paper; the talk quotes ~0.001). The k = 4 network then classifies on the first four energy-weighted moments of
# log(c + r), and "just this alone is enough to get an IRC-safe quark-gluon classifier with an AUC ~ 0.83" (0.831 in
# the paper, against 0.840 for the k = 4 EFN itself).
#
# **What we do.** Take the k = 4, L = 1 run of the AUC scan (the same sweep point: trained once, read here), record
# its Φ on circles of radius r around the axis (16 azimuths each), fit a + b log(c + r), and train a small MLP on the
# four moments Σ_i z_i [log(c + r_i)]ⁿ, n = 1..4, with our fitted c.

# %% tags=["parameters"]
profile = "quick"
seed = 0
scheduler = "local"

# %%
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display

from hepscaling import plotting
from hepscaling.papers.moments_of_clarity import moments as mo
from hepscaling.record import record
from hepscaling.tables import Table

plotting.style()
page = mo.Page(profile, seed, scheduler=scheduler, items=["Moments latent"])
display(page.data)
runs = page.runs
latent_runs = runs[(runs.k == 4) & (runs.L == 1)].sort_values("repeat")
run = latent_runs.iloc[0]
r = np.asarray(run.latent_r)
phi = np.asarray(run.latent_phi)
spread = np.asarray(run.latent_phi_spread)
fit = mo.fit_log_latent(r, phi)

# %%
fig, axes = plt.subplots(1, 3, figsize=(16, 4.6), constrained_layout=True)
rr = np.geomspace(r.min(), r.max(), 200)
for ax, xs in ((axes[0], "log"), (axes[1], "linear")):
    ax.plot(r, phi, "o", ms=4, color="C0", label="learned Φ (mean over azimuths)")
    ax.fill_between(r, phi - spread, phi + spread, color="C0", alpha=0.2, label="spread over azimuths")
    ax.plot(rr, mo.log_form(rr, fit["a"], fit["b"], fit["c"]), "k-", lw=1.5,
            label=f"a + b log(c + r), c = {fit['c']:.2g}")
    if r.min() < fit["c"] < r.max():
        ax.axvline(fit["c"], color="grey", ls=":", lw=1)
    ax.set(xscale=xs, xlim=(r.min(), r.max()), xlabel="distance to the jet axis r", ylabel="Φ(r)")
    ax.legend(fontsize=8)
t = page.jets["test"]
rad = np.hypot(t["x"][..., 0], t["x"][..., 1]) * mo.JET_R       # inputs are in units of R
edges = np.geomspace(1e-4, 0.4, 40)
for lab, name, col in ((1, "quark", "C1"), (0, "gluon", "C2")):
    m = (t["z"] > 0) & (t["y"][:, None] == lab)
    h, _ = np.histogram(rad[m], bins=edges, weights=t["z"][m])
    axes[2].stairs(h / m.any(1).sum(), edges, color=col, label=f"{name} jets")
axes[2].set(xscale="log", xlabel="distance to the jet axis r", ylabel="pT fraction per jet and bin")
axes[2].legend(fontsize=8)
plotting.savefig(fig, "moments_latent",
                 caption=("The learned latent Φ(r) of our k = 4, L = 1 Moment EFN against the distance r to the jet "
                          "axis (log and linear r), with the fit a + b log(c + r) (black; dotted: r = c), and where "
                          "the jets' pT lies (right: quark and gluon test jets). Φ's sign and scale are arbitrary "
                          "(F absorbs them). The talk shows the same curve from 2403.08854 with c ≈ 0.005."))

# %%
display(Table(["parameter", "value", "±"],
              [["a", f"{fit['a']:.3g}", f"{fit['a_err']:.2g}"], ["b", f"{fit['b']:.3g}", f"{fit['b_err']:.2g}"],
               ["c", f"{fit['c']:.3g}", f"{fit['c_err']:.2g}"],
               ["R² of a + b log(c + r)", f"{fit['r2']:.4f}", ""],
               ["R² of a + b log r (c = 0)", f"{fit['r2_log']:.4f}", ""]]))
record("latent_c", fit["c"], lo=0, hi=1, note="fitted c of Phi(r) = a + b log(c + r), k = 4, L = 1")
if fit["c"] > 0.1:
    display(Markdown(f"**Here the learned latent is not a log angularity**: c = {fit['c']:.2g} is not small against "
                     "the jet radius, so over the jet Φ is close to a straight line in r — an ordinary angularity "
                     "(girth-like). This network has not resolved the small-r structure that the talk's latent "
                     "(10⁶ training jets) has; the fit's quality alone does not make the form logarithmic."))
else:
    display(Markdown(f"The learned latent bends at r ≈ c = {fit['c']:.2g}: logarithmic for r ≫ c, flat for r ≪ c."))
record("latent_fit_r2", fit["r2"], lo=0, hi=1, note="R^2 of the fit over 1e-4 < r < 0.4")

# %% [markdown]
# ## A classifier on four moments of the log angularity
#
# With our c, the four IRC-safe observables Σ_i z_i [log(c + r_i)]ⁿ (n = 1..4; c > 0 keeps them finite as r → 0)
# feed a small MLP (2 × 32, the shared training loop, early stopping on the validation set). We also show each
# moment's own AUC.

# %%
ours_c = 1e-5 < fit["c"] < mo.JET_R               # a logarithm inside the jet: use our c, else the paper's
c_used = fit["c"] if ours_c else mo.PAPER_C
c_source = "our fit" if ours_c else f"the paper's (our fitted c = {fit['c']:.2g} is not inside the jet)"
la = mo.log_angularity_classifier(page.jets, c_used, seed=seed, max_particles=page.cfg["max_particles"])
la_paper_c = (mo.log_angularity_classifier(page.jets, mo.PAPER_C, seed=seed, max_particles=page.cfg["max_particles"])
              if ours_c else la)
a41, e41 = mo.auc_at(page.summary, 4, 1)
display(Markdown(f"The moments below use c = {c_used:.3g}, {c_source}."))
display(Table(["classifier", "c", "test AUC", "±"],
              [["MLP on the 4 log-angularity moments", f"{c_used:.3g}", f"{la['auc']:.4f}", f"{la['auc_err']:.4f}"],
               ["MLP on the 4 log-angularity moments", f"{mo.PAPER_C:g} (paper)", f"{la_paper_c['auc']:.4f}",
                f"{la_paper_c['auc_err']:.4f}"],
               *[[f"moment n = {n + 1} alone", f"{c_used:.3g}", f"{a:.4f}", ""]
                 for n, a in enumerate(la["auc_single_moment"])],
               ["Moment EFN k = 4, L = 1", "—", f"{a41:.4f}", f"{e41:.4f}"]]))
record("log_angularity_c", c_used, lo=0, hi=1, note="c of the log-angularity moments (ours if inside the jet)")
record("log_angularity_auc", la["auc"], lo=0.5, hi=1.0, note="MLP on 4 log-angularity moments, our c")
record("efn_minus_log_angularity_auc", a41 - la["auc"], lo=-0.5, hi=0.5)

# %% [markdown]
# ## Paper vs ours
#
# Tolerances: the fit's form must explain at least 95 % of the learned latent's variance over 10⁻⁴ < r < 0.4 — a
# necessary condition only, since the form contains a straight line in r as its c → ∞ limit (we bound c ≤ 1); what
# makes the latent a *log* angularity is a small c, tested separately: c must lie within a factor 10 of the paper's
# 0.005 (the talk itself quotes ~0.001: an order-of-magnitude statement);
# the AUCs within 2σ of the paper's values, σ being our test set's Hanley–McNeil error (±0.013 for 1000 test jets),
# combined in quadrature for the difference.

# %%
page.claims.check("moments.latent_log_form", fit["r2"], detail=f"R² {fit['r2']:.4f}; plain log r: {fit['r2_log']:.4f}")
page.claims.check("moments.latent_c", fit["c"], detail=f"c = {fit['c']:.2g} ± {fit['c_err']:.1g}")
page.claims.check("moments.log_angularity_auc", la["auc"], error=la["auc_err"], detail=f"c = {la['c']:.2g}")
page.claims.check("moments.log_angularity_near_efn", a41 - la["auc"], error=float(np.hypot(e41, la["auc_err"])),
                  detail=f"EFN {a41:.3f}, log-angularity moments {la['auc']:.3f}")
page.claims

# %% [markdown]
# ## Differences from the paper
#
# - The latent is that of one training (the paper shows several, similar). Its sign and scale are arbitrary; only the
#   shape in r is meaningful, and only where the jets have particles (the histogram).
# - Without multi-parton interactions (quick profile) and with particle-level jets, the non-perturbative scale that c
#   reflects comes from hadronisation alone; the paper's c comes from the EnergyFlow sample with MPI on.
# - The classifier on the moments is a small MLP (paper: a DNN); with our few thousand training jets its AUC, like
#   the EFN's, is below the paper's (see the AUC page for the reasons).
# - With the quick profile's 3000 training jets and 30 epochs the k = 4, L = 1 network need not find the logarithm
#   (the page says so above when c is large); the moments of log(c + r) are then computed with the paper's c, and
#   the comparison "moments vs EFN" compares the closed form with a network that has not (yet) learned it. The test
#   of the talk's statement is the `paper` profile (10⁶ jets, MPI on), which we have not run on this machine.
