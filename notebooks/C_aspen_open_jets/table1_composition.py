# ---
# jupyter:
#   jupytext:
#     text_representation: {extension: .py, format_name: percent}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
# hepscaling:
#   title: "Table I — what AOJ is made of: fully merged W, Z, top and H → bb̄ jets among QCD"
#   paper: C
#   reproduces: "Table 1"
#   data: "local substitute: AOJ-like jets (Pythia 8 cross sections and our CMS-like detector model)"
# ---

# %% [markdown]
# # Table I — the composition of AspenOpenJets
#
# **What the paper estimates.** From CMS simulation (Table II's samples), how many of the 178 M AOJ jets are fully
# merged W, Z, top and H → bb̄ jets (every quark of the decay within ΔR < 0.8 of the jet): 6.3·10⁵, 1.8·10⁵,
# 1.3·10⁵ and 500; the remaining 99.5 % are taken to be QCD.
#
# **What we compute.** The same estimate from Pythia 8 at leading order: each component's cross section times its
# selected jets per event (`hepscaling.data.aspen_like.composition_table`, the calibration that also sets the
# proportions of our AOJ-like sample), scaled to 1.78·10⁸ jets, beside the jets actually in our sample.

# %% tags=["parameters"]
profile = "quick"
seed = 0

# %%
import numpy as np
from IPython.display import display

from hepscaling.claims import ClaimSheet
from hepscaling.data.aspen_like import composition_table
from hepscaling.papers.aspen_open_jets import data as pc
from hepscaling.papers.aspen_open_jets.config import load_config
from hepscaling.record import record
from hepscaling.tables import Table, fmt

cfg = load_config(profile)
sheet = ClaimSheet("C", pc.data_used(cfg, f"{cfg['aoj_jets']:,} AOJ-like jets"), items=["Table 1"])
display(sheet.data)
_, paths = pc.aoj_like(cfg, seed)
comp = composition_table(paths)

# %%
display(Table(["component", "Pythia 8 process", "σ [pb]", "jets / event", "paper (of 1.78·10⁸)",
               "ours (of 1.78·10⁸)", "jets in our sample", "merged in our sample"],
              [[r.component, r.process, f"{r.sigma_pb:.4g} ± {r.sigma_err_pb:.2g}", f"{r.jets_per_event:.3g}",
                fmt(r.paper_table_i), fmt(r.expected_merged_in_aoj), f"{r.jets_in_sample:,}",
                f"{r.merged_in_sample:,}"] for r in comp.itertuples()]))

# %% [markdown]
# The paper counts its merged jets as simulated events × the 16.4 fb⁻¹ of the 2016 runs G and H (§II.A, App. A),
# with AOJ's triggers applied, and calls the rest QCD; we scale the fractions to AOJ's 1.78·10⁸ jets. The two agree
# only if our untriggered QCD rate times 16.4 fb⁻¹ gives 1.78·10⁸ jets — the next cell says how far apart they are.

# %%
LUMI_PB = 16.4e3                                          # 16.4 fb⁻¹ (§II.A), in pb⁻¹
rate = float((comp.sigma_pb * comp.jets_per_event).sum())  # selected jets per pb⁻¹, all components
lumi_scale = rate * LUMI_PB / 1.78e8
display(Table(["component", "paper", "ours (of 1.78·10⁸)", "ours (σ × 16.4 fb⁻¹)"],
              [[r.component, fmt(r.paper_table_i), fmt(r.expected_merged_in_aoj),
                fmt(r.expected_merged_in_aoj * lumi_scale) if r.component != "QCD" else fmt(rate * LUMI_PB)]
               for r in comp.itertuples()],
              caption=(f"Our untriggered jets with pT > 300 GeV in 16.4 fb⁻¹: {rate * LUMI_PB:.3g}, {lumi_scale:.2f}× "
                       "AOJ's 1.78·10⁸ (AOJ keeps only triggered events); counted per luminosity, as the paper "
                       "does, our merged-jet numbers rise by that factor.")))
record("lumi_over_jet_normalisation", lumi_scale, note="(σ ε summed) × 16.4 fb⁻¹ / 1.78e8")

# %% [markdown]
# ## Paper vs ours

# %%
frac = {r.component: r.expected_merged_in_aoj / 1.78e8 for r in comp.itertuples()}
for key, claim in (("W", "table1.w_fraction"), ("Z", "table1.z_fraction"), ("top", "table1.top_fraction"),
                   ("Hbb", "table1.hbb_fraction")):
    name = next(c for c in frac if c.lower().startswith(key.lower()))
    record(f"log10_merged_fraction_{key}", float(np.log10(frac[name])))
    sheet.check(claim, float(np.log10(frac[name])), detail=f"{frac[name] * 1.78e8:.3g} of 1.78·10⁸")
qcd = next(c for c in frac if c.upper().startswith("QCD"))
record("qcd_fraction", frac[qcd])
sheet.check("table1.qcd_995", frac[qcd])
sheet

# %% [markdown]
# ## Differences from the paper
#
# - Leading-order Pythia 8 cross sections (no K-factors; CMS normalises tt̄ and W/Z + jets to higher orders) and our
#   own detector model instead of CMS's simulation and reconstruction; no trigger or jet-quality efficiencies.
# - The fractions are relative to all QCD jets above 300 GeV; AOJ's trigger mix keeps fewer of the soft QCD jets, so
#   the paper's per-luminosity count of W, Z and top jets is a larger fraction of AOJ than ours (the table above:
#   counted per luminosity ours rise by the factor shown, ~1.6 with the quick profile). With the K-factors on top
#   (Table II's tt̄: ~1.6) our top count comes within a factor ~1.5 of the paper's and the W count within ~2 — the
#   two W and top verdicts above that read "differs" are these normalisations, not a different physics content.
#   H → bb̄ (~10⁻⁵ of the jets) agrees within the claim's tolerance either way.
