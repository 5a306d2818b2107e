# ---
# jupyter:
#   jupytext:
#     text_representation: {extension: .py, format_name: percent}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
# hepscaling:
#   title: "Repetition — repeated data against fresh data, and the effective dataset size"
#   paper: D
#   reproduces: "Repetition"
#   data: "local substitute: JetClass-like jets (Pythia 8 + our CMS-like detector)"
# ---

# %% [markdown]
# # Repetition — U unique jets for several epochs against fresh data
#
# **What the paper states (abstract).** Data repetition, common in HEP because simulation is expensive, changes the
# scaling and amounts to a quantifiable gain in effective dataset size. (A secondary source: the gain is bounded.)
#
# **What we compute.** At one model size, runs that see U unique jets for e epochs and runs that see D fresh jets
# once. The fresh runs give the data law L(D) — here as a curve, not a fitted form
# (`hepscaling.scaling.repetition.data_curve`: the fresh losses made non-increasing in D and interpolated in log D),
# because one-pass runs on a few thousand jets are limited by their optimiser steps and steepen with D, which
# E + A/D^β cannot follow. Each repeated run's effective data D' is the fresh D that reaches its loss
# (`pd_.measured_gains`); the effective data of Muennighoff et al. (2023), D' = U + U R* (1 − e^(−R/R*)) with
# R = e − 1 repetitions, is fitted so that L(D') predicts the repeated runs
# (`hepscaling.scaling.repetition.fit_repetition`). The gain D'/U can never exceed 1 + R*.

# %% tags=["parameters"]
profile = "quick"
seed = 0
scheduler = "local"

# %%
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

from hepscaling import plotting
from hepscaling.papers import jet_tagging_scaling as pd_
from hepscaling.record import record
from hepscaling.tables import Table

plotting.style()
page = pd_.Page(profile, seed, scheduler=scheduler, items=["Repetition"])
display(page.data)
rep = page.repetition
law = pd_.fresh_law(rep)
rfit = pd_.repetition_fit(rep, law)
print(law.summary() if law is not None else "fewer than two fresh-data runs: no data law")
print(rfit.summary() if rfit is not None else "no repetition fit")

# %%
fig, ax = plt.subplots(figsize=(7.5, 5.2))
fresh = rep[rep.epochs == 1].sort_values("D")
seen = rep.D * rep.epochs
ax.plot(fresh.D, fresh.test_loss, "ko-", label="fresh data (one pass over D)")
cols = pd_.colors(len(page.cfg["repetition"]["U_values"]), "plasma")
for c, U in zip(cols, page.cfg["repetition"]["U_values"]):
    s = rep[(rep.D == U)].sort_values("epochs")
    ax.plot(s.D * s.epochs, s.test_loss, "s-", color=c, label=f"U = {U:,} repeated (1 … {s.epochs.max()} epochs)")
    if rfit is not None:
        ep = np.linspace(1, s.epochs.max(), 40)
        ax.plot(U * ep, law.predict(rfit.effective_data(np.full_like(ep, U), ep)), "--", color=c, lw=1)
ax.set(xscale="log", yscale="log", xlabel="jets seen (D, or U × epochs)", ylabel=pd_.Y_LABEL)
ax.legend(fontsize=7)
plotting.savefig(fig, "repetition",
                 caption=("Test loss against the number of jets seen: fresh data (black) and U unique jets seen for "
                          "several epochs; dashed: the fresh-data law at the fitted effective dataset size D'."))

# %%
cmp = pd_.repeated_vs_fresh(rep)
display(Table(["U", "epochs", "L repeated", "L fresh (same jets seen)", "L fresh (U once)", "log ratio"],
              [[f"{int(r.U):,}", int(r.epochs), f"{r.L_repeated:.4f}", f"{r.L_fresh_same_seen:.4f}",
                f"{r.L_fresh_U:.4f}", f"{r.log_ratio:+.3f}"] for r in cmp.itertuples()]))
e_max = max(page.cfg["repetition"]["epochs"])
if law is not None:
    gm = pd_.measured_gains(rep, law)
    display(Table(["U", "epochs", "L repeated", "D' (fresh jets, same loss)", "D'/U", "U · epochs"],
                  [[f"{int(r.U):,}", int(r.epochs), f"{r.L:.4f}",
                    ("≤ " if r.clipped and r.L > law.L.max() else "≥ " if r.clipped else "") + f"{r.D_eff:,.0f}",
                    f"{r.gain:.2f}", f"{int(r.U * r.epochs):,}"] for r in gm.itertuples()]))
if rfit is not None:
    gains = rfit.gain(np.array(page.cfg["repetition"]["epochs"], float))
    display(Table(["epochs", "gain D'/U", "bound 1 + R*"],
                  [[e, f"{g:.3f}", f"{rfit.max_gain:.3f}"] for e, g in zip(page.cfg["repetition"]["epochs"], gains)]))
    record("R_star", rfit.R_star, lo=0, note="Muennighoff R* fitted to the repeated runs")
    record("gain_max_epochs", float(rfit.gain(e_max)), lo=1, note=f"D'/U after {e_max} epochs")
ratio = float(cmp.log_ratio.dropna().mean()) if cmp.log_ratio.notna().any() else float("nan")
record("log_ratio_repeated_fresh", ratio, note="mean log(L_repeated / L_fresh) at equal jets seen")

# %% [markdown]
# ## Paper vs ours

# %%
if rfit is None:
    for cid in ("repetition.gain_above_one", "repetition.gain_bounded"):
        page.claims.check(cid, None, reason="fewer than two fresh-data runs: no data law")
elif rfit.at_bound:
    page.claims.check("repetition.gain_above_one", None,
                      reason=f"R* = {rfit.R_star:.3g} ended at an end of its search range: the runs do not fix the gain")
    page.claims.check("repetition.gain_bounded", False, detail=f"R* = {rfit.R_star:.3g}, search range 0.01 … 10⁴")
else:
    page.claims.check("repetition.gain_above_one", float(rfit.gain(e_max)),
                      detail=f"R* = {rfit.R_star:.3g} ± {rfit.R_star_err:.2g}, after {e_max} epochs")
    constrained = bool(not rfit.at_bound and np.isfinite(rfit.log_R_star_err) and rfit.log_R_star_err < 1.0)
    page.claims.check("repetition.gain_bounded", constrained,
                      detail=(f"R* = {rfit.R_star:.3g}, known to a factor e^{rfit.log_R_star_err:.2g} "
                              f"(constrained: within a factor e), search range 0.01 … 10⁴"))
if np.isfinite(ratio):
    page.claims.check("repetition.worth_less_than_fresh", ratio, detail=f"{int(cmp.log_ratio.notna().sum())} runs")
else:
    page.claims.check("repetition.worth_less_than_fresh", None, reason="no fresh run with as many jets seen")
page.claims

# %% [markdown]
# ## Differences from the paper
#
# - The effective-data form is Muennighoff et al.'s (the abstract does not give the paper's); the data law is our
#   fresh runs' curve at one model size only.
# - Each repeated run has its own cosine schedule over all its epochs and keeps its best-validation weights, so a run
#   that starts to overfit its U jets stops improving instead of getting worse: the saturation of D'/U at many
#   epochs is that of the best loss reachable on U jets.
# - At these sizes a one-pass run is limited by its optimiser steps more than by its data (batch 32: a pass over 1000
#   jets is 32 steps). The fresh curve is therefore not a power law, and D' is read off it as it is. A repeated run
#   takes as many steps as the fresh run of as many jets seen, so the comparison is at equal steps and compute.
# - The fresh curve rests on the runs per D of `repetition.repeats` in the profile (2 in `quick`); their scatter moves
#   every D' read off it.
