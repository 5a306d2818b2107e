# ---
# jupyter:
#   jupytext:
#     text_representation: {extension: .py, format_name: percent}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
# hepscaling:
#   title: "Table 1 — power-law slopes, sorted"
#   paper: A
#   reproduces: "Table 1"
#   status: partly
#   data: "local substitute: Pythia 8 + FastJet top/QCD jets (particle level); public Top Tagging set with profile paper"
# ---

# %% [markdown]
# # Table 1 — power-law slopes with 1σ errors, sorted
#
# **What the paper states** (§5, about its Table 1 — fits of Fig. 2, C = 0, T ≥ 500, DNNs up to 2·10⁵):
#
# 1. the shallowest slopes belong to the three EFP classifiers (kNN EFP, LR EFP, DNN EFP);
# 2. the DNN EFP and LR EFP slopes are equal within their error bars;
# 3. kNN EMD has the largest slope of all, distinct from kNN LOT;
# 4. kNN EMD and DNN LOT have similar slopes;
# 5. the DNNs have steeper slopes than the kNNs on the same inputs (DNN EFP > kNN EFP, DNN LOT > kNN LOT).
#
# The fit errors are lower bounds (they ignore the training-set sampling and DNN initialisation variance), as the
# paper notes. We test each statement on our fits; "within errors" means |Δα| < 2σ combined.

# %% tags=["parameters"]
profile = "quick"
seed = 0
preset = ""
source = ""          # "" = the preset's; "local" (Pythia 8 + FastJet substitute) or "public" (Top Tagging Landscape)
T_max = 0            # largest training-set size T (0 = the preset's)
n_train = 0          # jets in the training pool / validation / test sets (0 = the preset's; the profiles set them)
n_val = 0
n_test = 0
scheduler = "local"
n_workers = 0
T_min = 500
dnn_T_max = 200000

# %%
import math

from IPython.display import Markdown, display

from hepscaling import paper_a, plotting
from hepscaling.record import record

P = paper_a.preset_spec(preset or profile, source=source, T_max=T_max, n_train=n_train, n_val=n_val,
                         n_test=n_test)
summary = paper_a.summarize(paper_a.run_main_sweep(P, seed=seed, scheduler=scheduler, n_workers=n_workers or None))
display(Markdown(paper_a.data_statement(P, seed)))
fits = paper_a.fit_slopes(summary, T_min=T_min, dnn_T_max=dnn_T_max)
a = {c: f.params["alpha"] for c, f in fits.items()}
e = {c: f.errors["alpha"] for c, f in fits.items()}

rows = [[i + 1, plotting.label(c), paper_a.fmt(a[c], e[c]), f"{fits[c].x_range[0]:g}–{fits[c].x_range[1]:g}"]
        for i, c in enumerate(sorted(a, key=a.get))]
display(Markdown("**Our Table 1** (shallowest first)\n\n"
                 + paper_a.markdown_table(["", "classifier", "α_T ± 1σ", "T range"], rows)))
for c in a:
    record(f"alpha_{c}", a[c], lo=0, note="C = 0 slope (Table 1); the loss must fall with T")


# %%
def close(x, y):
    return abs(a[x] - a[y]) < 2 * math.hypot(e[x], e[y])


def check(name, needs, fn):
    if not all(c in a for c in needs):
        return [name, "not tested (classifier missing from the fit range)", "–"]
    ok, text = fn()
    return [name, text, "✓" if ok else "✗"]


efp = ["knn_efp", "lr_efp", "dnn_efp"]
others = [c for c in a if c not in efp]
stmts = [
    check("EFP classifiers shallowest", efp + ["knn_emd"],
          lambda: (max(a[c] for c in efp) < min(a[c] for c in others),
                   f"max EFP α = {max(a[c] for c in efp):.3f}, min other α = {min(a[c] for c in others):.3f}")),
    check("α(DNN EFP) = α(LR EFP) within errors", ["dnn_efp", "lr_efp"],
          lambda: (close("dnn_efp", "lr_efp"), f"{paper_a.fmt(a['dnn_efp'], e['dnn_efp'])} vs "
                                               f"{paper_a.fmt(a['lr_efp'], e['lr_efp'])}")),
    check("kNN EMD steepest", ["knn_emd"],
          lambda: (max(a, key=a.get) == "knn_emd", f"steepest: {plotting.label(max(a, key=a.get))}")),
    check("α(kNN EMD) ≠ α(kNN LOT)", ["knn_emd", "knn_lot"],
          lambda: (not close("knn_emd", "knn_lot"), f"{a['knn_emd']:.3f} vs {a['knn_lot']:.3f}")),
    check("α(kNN EMD) ≈ α(DNN LOT)", ["knn_emd", "dnn_lot"],
          lambda: (close("knn_emd", "dnn_lot"), f"{a['knn_emd']:.3f} vs {a['dnn_lot']:.3f}")),
    check("DNN steeper than kNN on EFPs", ["dnn_efp", "knn_efp"],
          lambda: (a["dnn_efp"] > a["knn_efp"], f"{a['dnn_efp']:.3f} vs {a['knn_efp']:.3f}")),
    check("DNN steeper than kNN on LOT", ["dnn_lot", "knn_lot"],
          lambda: (a["dnn_lot"] > a["knn_lot"], f"{a['dnn_lot']:.3f} vs {a['knn_lot']:.3f}")),
]
display(Markdown(paper_a.markdown_table(["paper's statement", "ours", ""], stmts)))
n_ok = sum(s[2] == "✓" for s in stmts)
n_tested = sum(s[2] in ("✓", "✗") for s in stmts)
record("table1_statements_confirmed", n_ok, lo=0, hi=len(stmts),
       note=f"of {n_tested} tested statements about the slope ordering")
record("steepest_classifier", max(a, key=a.get))
display(Markdown(f"**Verdict**: {n_ok} of {n_tested} tested statements hold on our data "
                 f"({'reproduced' if n_ok == n_tested and n_tested == len(stmts) else 'partly reproduced'})."))

# %% [markdown]
# Differences are plausible: our jets are particle-level Pythia jets without detector simulation, the quick preset
# spans little more than one decade above T = 500 (kNN EMD less), and three repeats per small-T point leave the
# slopes' errors large. The paper-profile run on the public Top Tagging data is the real test.
