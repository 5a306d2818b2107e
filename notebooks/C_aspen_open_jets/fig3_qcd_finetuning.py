# ---
# jupyter:
#   jupytext:
#     text_representation: {extension: .py, format_name: percent}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
# hepscaling:
#   title: "Figure 3 — QCD jets: a GPT pretrained on AOJ-like jets and fine-tuned, against one trained from scratch"
#   paper: C
#   reproduces: "Fig. 3"
#   data: "local substitutes: AOJ-like and JetClass-like jets (Pythia 8 + our CMS-like detector model)"
# ---

# %% [markdown]
# # Figure 3 — fine-tuning on QCD jets against training from scratch
#
# **What the paper shows.** OmniJet-α (a VQ-VAE tokenizer with 8192 codes and a GPT over the token sequences) is
# pretrained on the 180 M AspenOpenJets jets, then fine-tuned on D = 10²…10⁷ JetClass QCD jets; a model of the same
# backbone is trained from scratch with the original OmniJet-α tokenizer (trained on all of JetClass). From each, jets
# are generated and compared with 200 k JetClass reference jets: distributions of jet pT, mass, τ21, τ32 and
# multiplicity per D, and the KL divergence (eq. 1) and Wasserstein-1 distance (eq. 2) of each against D, with the
# mean and envelope over five seeds and fits ∝ D^−γ. The fine-tuned model needs far fewer jets; above ~10⁶ jets both
# agree; the fine-tuned metrics fall with 0.2 < γ < 0.45.
#
# **What we run.** The same protocol at reduced size on our substitutes
# (`hepscaling.papers.aspen_open_jets.task`, one sweep point per tokenizer, backbone and fine-tuning run): a VQ-VAE
# (`hepscaling.models.jet_tokenizer`) on the AOJ-like jets and one on JetClass-like jets of all ten classes; a GPT
# (`hepscaling.models.jet_gpt`) pretrained on the AOJ-like jets; fine-tuning (and training from scratch) on the first
# D JetClass-like QCD jets with a validation set of D jets (the paper's rule), patience in epochs and the
# lowest-validation-loss weights; generation by multinomial sampling at temperature 1 with a KV cache, decoded by the
# frozen tokenizer, jets rebuilt from the decoded (pT, Δη, Δφ) as massless four-vectors.
#
# **Metrics, exactly.** KL(test ‖ generated) on 29 bins whose 30 edges are the test jets' 0.1 %…99.9 % quantiles,
# histogram densities, points outside the edges dropped, ε = 10⁻⁸ per bin (the public OmniJet-α code's choices:
# `hepscaling.metrics.kl_divergence`; the paper's eq. 1 writes the other order, KL(generated ‖ reference)); W1
# unbinned (`scipy.stats.wasserstein_distance`). Reference jets pass the model's preprocessing (|Δη|, |Δφ| < 0.8,
# the first constituents by pT up to the cap) and are rebuilt the same way. Grey lines: the metrics of as many *real*
# held-out jets as we generate (a perfect generator's floor from the finite samples) and of those jets through each
# tokenizer (the best a generator with that tokenizer can do).

# %% tags=["parameters"]
profile = "quick"
seed = 0
scheduler = "local"

# %%
from IPython.display import display

from hepscaling import plotting
from hepscaling.papers.aspen_open_jets import figures, summaries
from hepscaling.papers.aspen_open_jets.page import Page
from hepscaling.record import record

plotting.style()
page = Page(profile, seed, scheduler=scheduler, target="qcd")
display(page.data)
summary = page.summary

# %%
fig = figures.figure(page)
plotting.savefig(fig, "fig3_qcd_finetuning", caption=figures.caption(page))

# %% [markdown]
# ## The tokenizers and the backbone

# %%
tok = page.tokenizers
display(page.tokenizer_table())
pre = page.pretraining
print(page.pretraining_summary())
record("aoj_tokenizer_fraction_used", float(tok.loc["aoj", "usage_fraction_used"]))
record("pretrain_best_val_loss", float(pre.best_val_loss))

# %%
cols = [f"{m}_{o}" for m in summaries.METRICS for o in ("pt", "mass", "multiplicity")]
display(summary[["strategy", "D", *cols, "epochs_run", "best_epoch", "n"]].round(4))
display(page.floors.round(4))

# %% [markdown]
# ## Fits ∝ D^−γ

# %%
g = page.gammas
display(page.gamma_display())
med, n = summaries.median_gamma(g)
if n:
    record("median_gamma_finetuned", med)

# %% [markdown]
# ## Paper vs ours

# %%
frac, _ = summaries.finetuned_better_fraction(summary, "qcd")
record("finetuned_better_fraction", frac)
sheet = page.check_claims()
sheet

# %%
display(page.requirements_display())

# %% [markdown]
# ## Where the time goes
#
# The CPU seconds of every point of this page, by stage and, for the fine-tuning runs, by phase (`Page.cost`). The
# tokenizers and the backbone are computed once for Figs. 3 and 4 (the first page to run stores them in the sweep,
# the other reads them).

# %%
display(page.cost_display())

# %% [markdown]
# ## Differences from the paper
#
# Computed from the profile (`Page.differences`). The quick profile has the sizes the issue asked for (~10⁵ AOJ-like
# pretraining jets, a GPT of ~10⁵ parameters, 512 codes, D = 10²…10⁴, two seeds); each run is capped in optimiser
# steps to bound its cost on two cores, so the larger-D runs are compute-limited (see below). Its cost is dominated
# by the fine-tuning runs' training and validations (the paper's validation set of D jets is evaluated every epoch)
# and by generating the jets (Pythia, a few CPU-ms per jet) the first time.

# %%
from IPython.display import Markdown

display(Markdown(page.differences()))
