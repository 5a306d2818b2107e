# ---
# jupyter:
#   jupytext:
#     text_representation: {extension: .py, format_name: percent}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
# hepscaling:
#   title: "Table II — the CMS samples behind AspenOpenJets, and our Pythia 8 analogues"
#   paper: C
#   reproduces: "Table 2"
#   data: "Pythia 8 leading-order hard-process cross sections at 13 TeV (no dataset)"
# ---

# %% [markdown]
# # Table II — the CMS samples and their cross sections
#
# **What the paper lists.** The 2016 JetHT datasets AspenOpenJets is built from, and the CMS Monte Carlo samples
# (13 TeV, Pythia 8 tune CP5 for showers, NNPDF 3.1) that estimate its composition (Table I), each with the cross
# section it is normalised to.
#
# **What we compute.** For every Monte Carlo sample, the Pythia 8 hard process our substitutes use in its place
# (`hepscaling.papers.aspen_open_jets.samples.analogue`) and its leading-order cross section from Pythia itself
# (`hepscaling.data.cross_sections.pythia_cross_section`: hard process only, Pythia's default PDF). The QCD samples
# are Pythia 8 at leading order in the paper too, so they should agree; tt̄ (Powheg, normalised beyond NLO) should
# exceed our LO value by a K-factor of ~1.6; the W/Z + jets samples are cut in HT, which Pythia cannot cut on — our
# p̂T > HT/2 selection gives a lower bound and is shown without a test.

# %% tags=["parameters"]
profile = "quick"
seed = 0

# %%
import pandas as pd
from IPython.display import Markdown, display

from hepscaling.claims import ClaimSheet
from hepscaling.papers.aspen_open_jets.config import load_config, xsec_data_used
from hepscaling.papers.aspen_open_jets.samples import table2, transcribed
from hepscaling.record import record
from hepscaling.tables import Table, fmt

cfg = load_config(profile)
sheet = ClaimSheet("C", xsec_data_used(cfg), items=["Table 2"])
display(sheet.data)
t2 = table2(cfg["xsec_events"], ecm=cfg["ecm"], seed=seed + 1)

# %%
display(Table(["process", "CMS sample", "paper σ [pb]", "our Pythia 8 process", "our σ [pb]", "ours / paper"],
              [[r.process, r.sample.lstrip("/"), "—" if pd.isna(r.paper_xsec) else fmt(r.paper_xsec), r.our_process,
                "—" if pd.isna(r.our_xsec) else f"{r.our_xsec:.4g} ± {r.our_error:.2g}",
                "—" if pd.isna(r.paper_xsec) or pd.isna(r.our_xsec) else f"{r.our_xsec / r.paper_xsec:.2f}"]
               for r in t2.itertuples()]))
display(Markdown(f"Source of the paper's column: {transcribed()['source']}. Our cross sections: "
                 f"{cfg['xsec_events']:,} hard-process events each at √s = {cfg['ecm'] / 1000:g} TeV."))

# %% [markdown]
# ## Paper vs ours

# %%
def sigma(name_part):
    (row,) = t2[t2["sample"].str.contains(name_part)].itertuples()
    return row.our_xsec, row.our_error


s_lo, e_lo = sigma("QCD_Pt_300to470")
s_hi, e_hi = sigma("QCD_Pt_800to1000")
s_tt, e_tt = sigma("TTToHadronic")
record("sigma_qcd_300_470_pb", s_lo, note="Pythia 8 LO, HardQCD:all, 300 < pTHat < 470 GeV, 13 TeV")
record("sigma_ratio_300_470_over_800_1000", s_lo / s_hi)
record("sigma_tt_hadronic_pb", s_tt, note="Pythia 8 LO tt̄ with both W → qq′")
sheet.check("table2.qcd_300_470", s_lo, detail=f"± {e_lo:.2g} pb (statistical)")
sheet.check("table2.qcd_falls", s_lo / s_hi, detail=f"{s_lo:.4g} / {s_hi:.4g} pb")
sheet.check("table2.tt_hadronic", s_tt, detail=f"LO; paper / ours = {378.5 / s_tt:.2f} (a K-factor)")
sheet
