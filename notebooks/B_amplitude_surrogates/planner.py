# ---
# jupyter:
#   jupytext:
#     text_representation: {extension: .py, format_name: percent}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
# hepscaling:
#   title: "A precision planner from our fitted laws, and its backtest"
#   paper: B
#   reproduces: "-"
#   data: "local substitute: our exact tree-level |M|^2 of ttH, Z+ng, WZ, WZg, WZgg, WWZ on unweighted 14 TeV pp events; gg -> γγg exact at one loop (massless quark loop, BDK amplitudes); gg -> γγgg replaced by gg -> gggg"
# ---

# %% [markdown]
# # The precision planner: how much data, network and compute for a target MSE — and does it predict?
#
# **Replaced:** the paper's loop-induced g g → γγ g g by our tree-level g g → g g g g (same n_f); its laws below are
# those of the replacement. g g → γγ g is the exact one-loop amplitude ({doc}`amplitude_engine`).
#
# **What the paper proposes (§5, §6).** "Scaling laws are a useful tool to achieve desired precision targets": fit
# eq. (1), L = (X_c/X)^α + K, and invert it; or, cheaper, take α from the bound 4/d, X_c from a low-cost surrogate
# and K ≃ 0 — "a conservative estimate for the needed resources". The paper ships no tool; this page is ours.
#
# **What we built.** `hepscaling.scaling.planner` inverts a law, X* = X_c (t − K)^(−1/α), with a 1σ range from the
# fit covariance and "not reachable" for targets at or below K. This page fits every process's laws on our runs (D at
# the largest N, N and C at the largest D; `hepscaling.papers.amplitude_surrogates.laws`), stores them for
# `python -m hepscaling plan --source ours`, and backtests them honestly: **fit the D scan on the smaller D only,
# predict the loss at the largest D we trained, and compare** with the measured loss, per process. The paper's
# cheap recipe gets the same test.

# %% tags=["parameters"]
profile = "quick"
seed = 0
scheduler = "local"
target_mse = 1e-3         # the target of the plan table (units: each process's training targets)

# %%
import contextlib
import io

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display

from hepscaling import cli, plotting
from hepscaling.papers import amplitude_surrogates as ps
from hepscaling.papers.amplitude_surrogates import fit_tables, laws
from hepscaling.papers.amplitude_surrogates import processes as P
from hepscaling.record import record
from hepscaling.tables import Table

plotting.style()
page = ps.ProcessPage(profile, seed, scheduler=scheduler, items=[])
display(page.data)
runs = page.runs
ours = page.store_laws(page="B_amplitude_surrogates/planner")
_, tth_page = ps.tth_exponents(profile, seed, scheduler)
ours = {"u u~ > t t~ h": laws.fit_laws(tth_page.grid, tth_page.compute), **ours}
laws.store(page.cfg["profile"], "u u~ > t t~ h", ours["u u~ > t t~ h"], page="B_amplitude_surrogates/planner",
           units="|M|² over its training-pool mean (raw targets, §4)")
display(Markdown(f"Laws written to `{laws.path(page.cfg['profile'])}` (read by `python -m hepscaling plan --source "
                 f"ours --profile {page.cfg['profile']}`)."))

# %% [markdown]
# ## The plan: smallest D, N and C reaching the target, from our laws and from the paper's

# %%
rows = []
for p, L in ours.items():
    entry = {"laws": L}
    recs = {x: r for x, r in L.items() if "params" in r}
    plan = laws.plan(entry, target_mse)[0] if recs else None
    theirs = fit_tables.plan(p, target_mse)[0]
    for x in ("D", "N", "C"):
        r = L.get(x, {})
        mine = "no law" if plan is None or x not in recs else str(plan[x])
        at = "" if not r else f"{r['second']} = {r['second_value']:.3g}"
        rows.append([P.short(p), laws.LABELS[x], at, mine, str(theirs[x]) if x in theirs.requirements else "–"])
display(Table(["process", "X", "ours fitted at", f"ours: X for MSE ≤ {target_mse:g}", "paper's laws (Tables 2–15)"],
              rows))

# %% [markdown]
# The same from the command line (one process):

# %%
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    rc = cli.main(["plan", "--process", "u u~ > z g g" if "u u~ > z g g" in ours else page.processes[0],
                   "--target-mse", f"{target_mse:g}", "--source", "ours", "--profile", page.cfg["profile"]])
print(buf.getvalue())
record("cli_plan_ours_exit_code", rc, lo=0, hi=0)

# %% [markdown]
# ## Backtest: fit on the smaller D, predict the largest
#
# Per process, the D scan at the largest N: eq. (1) fitted on every D but the largest (10 % errors, App. C), the loss
# predicted at the largest D with its 1σ band (fit covariance), against the measured loss (its own 10 %); pull =
# (measured − predicted)/σ. The paper's recipe — α = 4/d, K = 0, X_c from the run at the smallest D — predicts the same
# point; "conservative" when the measured loss is at or below it.

# %%
scans = {p: page.d_scans(p) for p in page.processes}
scans = {"u u~ > t t~ h": tth_page.grid, **scans}
bt, rc_, rows = {}, {}, []
for p, g in scans.items():
    s = g[g.N == g.N.max()]
    rc_[p] = laws.recipe(s, P.n_final(p))
    try:
        bt[p] = laws.backtest(s)
        b = bt[p]
        cells = [f"{b['x_fit_max']:,.0f}", f"{b['predicted']:.3g} ± {b['band']:.2g}", f"{b['measured']:.3g}",
                 f"{b['ratio']:.2f}", f"{b['pull']:+.1f}"]
    except laws.LawsError as e:
        cells = [str(e), "", "", "", ""]
    r = rc_[p]
    rows.append([P.short(p), f"{s.N.max():,.0f}", f"{s.D.max():,}", *cells, f"{r['predicted']:.3g}",
                 "yes" if r["conservative"] else "no"])
display(Table(["process", "N", "predict at D", "fit up to D", "predicted (1σ)", "measured", "measured / predicted",
               "pull", "recipe α = 4/d", "recipe conservative"], rows))
pulls = np.array([b["pull"] for b in bt.values()])
if len(pulls):
    record("backtest_median_abs_pull", float(np.median(np.abs(pulls))), lo=0)
    record("backtest_fraction_within_2sigma", float(np.mean(np.abs(pulls) <= 2)), lo=0, hi=1)
record("recipe_fraction_conservative", float(np.mean([r["conservative"] for r in rc_.values()])), lo=0, hi=1)

# %%
fig, ax = plt.subplots(figsize=(8, 4.8))
names = list(scans)
for i, p in enumerate(names):
    c = plotting.color(P.engine_process(p))
    if p in bt:
        b = bt[p]
        ax.errorbar(i - 0.1, b["measured"] / b["predicted"], yerr=b["sigma"] / b["predicted"], fmt="o", color=c,
                    capsize=3, label="eq. (1) fit on the smaller D" if i == 0 else None)
    ax.plot(i + 0.1, rc_[p]["ratio"], "s", mfc="none", color=c, label="recipe α = 4/d" if i == 0 else None)
ax.axhline(1, color="k", lw=1)
ax.set(yscale="log", xticks=range(len(names)), ylabel="measured / predicted loss at the largest D")
ax.set_xticklabels([P.short(p) for p in names], rotation=30, fontsize=8)
ax.legend(fontsize=8)
plotting.savefig(fig, "planner_backtest",
                 caption=("Backtest of the planner's laws: measured over predicted test MSE at the largest D we "
                          "trained, from eq. (1) fitted on the smaller D (circles, 1σ: fit band and the 10 % loss "
                          "error) and from the paper's recipe α = 4/d anchored at the smallest D (squares; below 1 = "
                          "conservative)."))

# %% [markdown]
# ## Paper vs ours

# %%
page.claims.check("sec5.recipe_conservative", float(np.mean([r["conservative"] for r in rc_.values()])),
                  detail=", ".join(f"{P.short(p)} {r['ratio']:.2f}" for p, r in rc_.items()))
page.claims

# %% [markdown]
# ## What the backtest says, and what it does not
#
# - A law fitted on four or five points extrapolated by one half-decade to a decade: the pulls measure that, not the
#   paper's regime (laws fitted over four decades). Where our largest D runs are under-trained (capped `max_steps`),
#   the measured loss sits *above* the extrapolation — an honest failure of the plan, not of the fit.
# - The planner's errors assume the fit's covariance is right; the paper's 10 % per-point error is a convention, so
#   a pull of 2–3 is not alarming, a factor of ten is.
# - The recipe's claim is one-sided (a bound); it is tested as "never below the measured loss".
