# ---
# jupyter:
#   jupytext:
#     text_representation: {extension: .py, format_name: percent}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
# hepscaling:
#   title: "Definitions — what each reading of the paper changes"
#   paper: A
#   reproduces: "§3–4 (definitions)"
#   data: "local substitute: Pythia 8 + FastJet top/QCD jets (particle level); public Top Tagging set with profile paper"
# ---

# %% [markdown]
# # Definitions: what each choice changes
#
# Where the paper defines a quantity we follow it; where it is silent, or where the book used another reading
# before, the chapter's introduction says what we chose. This page runs the main sweep's grid with the other reading
# of each definition and shows how much it moves the losses and the fitted slope:
#
# * **kNN EMD**: eq. (3) with pT in GeV and the |Σ pT − Σ pT'| term (the book's pages) vs pT-normalised jets (the
#   energy term vanishes and R only rescales every distance);
# * **kNN EFP**: "the standard Euclidean distance" on the EFPs, as §4 says (the book's pages) vs standardised EFPs;
# * **LR EFP**: liblinear with C = 1 on standardised EFPs (the book's pages; the paper does not say) vs raw EFPs.
#
# The clipping of eq. (7) is compared on the Fig. 1 page.

# %% tags=["parameters"]
profile = "quick"
seed = 0
source = ""          # "" = the profile's; "local" (Pythia 8 + FastJet substitute) or "public" (Top Tagging Landscape)
T_max = 0            # largest training-set size T (0 = the profile's grid)
scheduler = "local"
T_min = 500          # slopes fitted from this T (kNN EMD: from T_min / 10, its pool is smaller)

# %%
import matplotlib.pyplot as plt
from IPython.display import display

from hepscaling import plotting
from hepscaling.papers import jet_classification as jc
from hepscaling.record import record
from hepscaling.scaling.fit import fit_groups
from hepscaling.scaling.sweep import point_id
from hepscaling.tables import Table, fmt

plotting.style()
page = jc.Page(profile, seed, source=source, T_max=T_max, scheduler=scheduler)
readings = jc.definition_points(page.cfg)
table = page.run([p for pair in readings.values() for pts in pair for p in pts])
summaries = {(c, i): jc.summarize(table[table["point_id"].isin([point_id(p) for p in pts])])
             for c, pair in readings.items() for i, pts in enumerate(pair)}
display(page.data)
READING = {"knn_emd": ("eq. (3), GeV", "pT-normalised"), "knn_efp": ("Euclidean on EFPs", "standardised EFPs"),
           "lr_efp": ("standardised EFPs", "raw EFPs")}

# %%
fig, axes = plt.subplots(1, 3, figsize=(15, 4.6))
fits = {}
for ax, c in zip(axes, jc.VARIANTS):
    lo = T_min / 10 if c == "knn_emd" else T_min
    for i, ls in ((0, "-"), (1, "--")):
        g = summaries[(c, i)]
        ax.errorbar(g["T"], g["loss"], yerr=g["loss_sem"], color=plotting.color(c), ls=ls, marker="o", ms=4,
                    capsize=2, label=READING[c][i])
        fits[(c, i)] = fit_groups(g, by="classifier", x="T", y="loss", x_range=(lo, None)).get(c)
    title = plotting.label(c) + (" (Fig. 6's smaller EMD sets)" if c == "knn_emd" else "")
    plotting.decorate(ax, "training-set size $T$", "test loss", title, logy=True)
plotting.savefig(fig, "definitions",
                 caption=("Not a figure of the paper: each classifier with two readings of its definition, the book's"
                          " (solid) and the other (dashed); kNN EMD on Fig. 6's smaller EMD sets."))

# %%
rows = []
for c in jc.VARIANTS:
    (fb, fo), last = (fits[(c, 0)], fits[(c, 1)]), [summaries[(c, i)].sort_values("T")["loss"].iloc[-1] for i in (0, 1)]
    rows.append([plotting.label(c), READING[c][0], READING[c][1],
                 fmt(fb.params["alpha"], fb.errors["alpha"]) if fb else "–",
                 fmt(fo.params["alpha"], fo.errors["alpha"]) if fo else "–", f"{last[0]:.4f}", f"{last[1]:.4f}"])
    record(f"loss_shift_{c}", (last[1] - last[0]) / last[0],
           note=f"relative loss change at the largest T: {READING[c][1]} vs {READING[c][0]}")
    if fb and fo:
        record(f"alpha_shift_{c}", fo.params["alpha"] - fb.params["alpha"], note="slope change from the other reading")
display(Table(["classifier", "book's reading", "other reading", "α (book)", "α (other)", "loss at largest T (book)",
               "loss at largest T (other)"], rows))

# %% [markdown]
# The book's pages use the first reading of each row; the last two columns give the size of each choice's effect at
# this profile's sizes.
