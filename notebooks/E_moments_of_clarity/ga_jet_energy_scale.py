# ---
# jupyter:
#   jupytext:
#     text_representation: {extension: .py, format_name: percent}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
# hepscaling:
#   title: "Gaussian Ansatz IV — jet-energy calibration of detector-level jets"
#   paper: E
#   reproduces: "GA JES"
#   data: "Pythia 8 QCD dijets, anti-kT R = 0.4, particle level vs hepscaling.detector (cms)"
# ---

# %% [markdown]
# # Jet-energy calibration with the Gaussian Ansatz
#
# **What the talk shows.** Part I, "Example 3: Jet Energy Calibrations" (after Gambhir, Nachman & Thaler,
# arXiv 2205.05084): measure a jet in the detector (x), infer the particle-level (GEN) jet pT (z) and its
# uncertainty. The jet-energy scale (JES) is p̂_T ≈ p_T,GEN, the jet-energy resolution (JER) its width. The talk trains
# on 100k CMS Open Data SIM/GEN QCD jets (AK5, 500 < pT_GEN < 1000 GeV) and finds the calibrated response "close to
# 1.00 —
# unbiased estimates", prior-independent, with resolutions read off the Ansatz: ẑ(x) = B(x), σ̂²(x) = −C(x, ẑ)⁻¹.
#
# **What we compute.** The CMS Open Data SIM/GEN jets are not on this machine: we make our own. Pythia 8
# `HardQCD:all` dijets at √s = 13 TeV, 100 < pTHat < 1000 GeV, with Pythia's pTHat bias (a flat-ish spectrum);
# anti-kT R = 0.4 jets of the visible final state (particle level) and of the particle-flow candidates of the same
# events after `hepscaling.detector` (card `cms`: tracker, ECAL, HCAL, thresholds, dead cells); each particle jet is
# matched to the nearest detector jet within ΔR < 0.2 (`hepscaling.detector.jets.matched_jets`). The Gaussian Ansatz
# is trained with x = (log pT_det, η_det, number of candidates) and z = log pT_particle, so ẑ − z is the fractional
# bias and σ̂ the fractional resolution. We show the detector's response before calibration, the closure after, σ̂
# against the measured resolution, and the same calibration trained on the physical (steeply falling) spectrum.

# %% tags=["parameters"]
profile = "quick"
seed = 0

# %%
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

from hepscaling import plotting
from hepscaling.papers.moments_of_clarity import gaussian_ansatz as gav
from hepscaling.record import record
from hepscaling.tables import Table

plotting.style()
jes = gav.JES(profile, seed, items=["GA JES"])
cfg = jes.cfg
for spectrum in gav.SPECTRA:
    jes.fitted(spectrum)                 # generated and trained here (or read from the cache)
display(jes.data)

# %%
close = jes.closure_summary("flat")
r = close["response"]
test = jes.test("flat", "flat")
pi = jes.prior_independence()

fig, axes = plt.subplots(1, 3, figsize=(18, 5.2))
ax = axes[0]
ax.errorbar(r["centre"], r["raw"], yerr=r["raw_err"], fmt="o", color="tab:blue",
            label="before: mean pT_det / pT_particle")
ax.errorbar(r["centre"] * 1.02, r["cal"], yerr=r["cal_err"], fmt="s", color="tab:orange",
            label="after: mean exp(ẑ) / pT_particle")
ax.fill_between(r["centre"], 1 - r["resid_core"], 1 + r["resid_core"], color="grey", alpha=0.15,
                label="± measured resolution (core width)")
ax.axhline(1, color="k", lw=1)
ax.axhspan(0.97, 1.03, color="tab:green", alpha=0.08, label="±3 % (the claim's tolerance)")
ax.set(xscale="log", xlabel="particle-level jet pT [GeV]", ylabel="response", ylim=(0.85, 1.15),
       title="jet-energy response: before and after")
ax.legend(fontsize=9, loc="lower right")

ax = axes[1]
ax.errorbar(r["centre"], r["resid_core"], fmt="o", color="k", label="measured: core width of ẑ − z")
ax.plot(r["centre"], r["resid_std"], "x", color="grey", label="measured: std of ẑ − z (with tails)")
ax.plot(r["centre"], r["raw_log_core"], "^", color="tab:blue", mfc="none", label="raw: core width of log pT_det/pT")
ax.plot(r["centre"], r["sigma"], "s-", color="tab:orange", label="GA: mean σ̂(x)")
ax.set(xscale="log", xlabel="particle-level jet pT [GeV]", ylabel="fractional resolution", ylim=(0, None),
       title="resolution: σ̂ against the measured spread")
ax.legend(fontsize=9)

ax = axes[2]
sel = (test["pt_gen"] > cfg["closure_pt_min"]) & (test["pt_gen"] < cfg["closure_pt_max"])
pull = (test["z_hat"] - test["z"])[sel] / test["sigma"][sel]
ax.hist(pull, bins=np.linspace(-5, 5, 41), density=True, histtype="step", color="tab:orange", lw=1.5,
        label=f"(ẑ − z)/σ̂, {sel.sum():,} held-out jets")
u = np.linspace(-5, 5, 201)
ax.plot(u, np.exp(-u ** 2 / 2) / np.sqrt(2 * np.pi), "k--", lw=1, label="N(0, 1)")
ax.set(xlabel="pull", ylabel="density", title="pulls of the calibrated jets")
ax.legend(fontsize=9)
plotting.savefig(fig, "ga_jet_energy_scale",
                 caption=("Jet-energy calibration with the Gaussian Ansatz on our Pythia 8 QCD jets (anti-kT R = 0.4, "
                          "hepscaling.detector card cms), held-out jets of the flat-ish spectrum. Left: the mean "
                          "response pT_det/pT_particle before calibration and exp(ẑ)/pT_particle after, in bins of "
                          "the particle-level pT. Middle: the GA's mean σ̂ against the measured resolution "
                          "(half the 16–84 % range of ẑ − z; crosses: the standard deviation, which the "
                          "non-Gaussian tails inflate). Right: the pulls (ẑ − z)/σ̂ against a unit normal."))

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4.6))
ax = axes[0]
for spectrum, colour in zip(gav.SPECTRA, ("tab:orange", "tab:purple")):
    j = jes.jets(spectrum)
    ax.hist(j["pt_gen"], bins=np.geomspace(cfg["pt_min"], cfg["pt_max"], 31), histtype="step", lw=1.5,
            color=colour, label=f"{spectrum} spectrum ({len(j['pt_gen']):,} jets)")
ax.set(xscale="log", yscale="log", xlabel="particle-level jet pT [GeV]", ylabel="jets", title="the two priors")
ax.legend(fontsize=9)
ax = axes[1]
ax.errorbar(pi["centre"], pi["dz"], yerr=pi["dz_err"], fmt="o", color="k", label="mean ẑ_flat − ẑ_physical")
ax.errorbar(pi["centre"] * 1.02, pi["dsigma"], yerr=pi["dsigma_err"], fmt="s", color="tab:green", mfc="none",
            label="mean σ̂_flat / σ̂_physical − 1")
ax.axhline(0, color="grey", lw=1)
ax.axhspan(-0.02, 0.02, color="grey", alpha=0.12, label="±0.02 (the claim's tolerance on ẑ)")
ax.set(xscale="log", xlabel="detector-level jet pT [GeV]", ylabel="difference", ylim=(-0.3, 0.3),
       title="prior independence: same jets, two trainings")
ax.xaxis.set_minor_formatter(plt.NullFormatter())
ax.legend(fontsize=9)
plotting.savefig(fig, "ga_jet_energy_scale_prior",
                 caption=("Prior independence of the jet calibration. Left: the particle-level pT spectra of the "
                          "two training samples (Pythia's pTHat bias ∝ pTHat^" + f"{cfg['bias_power']:g}" + ", and "
                          "the physical spectrum). Right: ẑ and σ̂ of the two trained Ansätze on the same held-out "
                          "jets, in bins of the detector-level pT up to the physical sample's 95th percentile "
                          f"({pi['pt_det_max']:.0f} GeV)."))

# %%
rows = [[f"{c:.0f}", f"{n}", f"{a:.4f}", f"{b:.4f}", f"{w:.4f}", f"{v:.4f}", f"{s:.4f}"]
        for c, n, a, b, w, v, s in zip(r["centre"], r["n"], r["raw"], r["cal"], r["resid_core"], r["resid_std"],
                                       r["sigma"])]
display(Table(["pT_particle [GeV]", "jets", "mean pT_det/pT", "mean p̂T/pT", "core width of ẑ − z", "std of ẑ − z",
               "mean σ̂"], rows))
record("ga_jes_closure_max_bias", close["bias"], lo=0, hi=1,
       note="max |⟨ẑ − z⟩| over bins of true pT (log units)")
record("ga_jes_raw_max_bias", close["raw_bias"], lo=0, hi=1, 
       note="max |⟨log pT_det/pT⟩| over the same bins")
record("ga_jes_sigma_vs_core_max", close["sigma_ratio"], lo=0, hi=100, 
       note="max |⟨σ̂⟩/core width − 1| over bins")
record("ga_jes_sigma_vs_std_max", close["sigma_ratio_std"], lo=0, hi=100, 
       note="max |⟨σ̂⟩/std − 1| over bins")
record("ga_jes_prior_max_dz", pi["max_dz"], lo=0, hi=1, 
       note="max |⟨ẑ_flat − ẑ_physical⟩| over bins of pT_det")
record("ga_jes_prior_max_dsigma", pi["max_dsigma"], lo=0, hi=100, 
       note="max |⟨σ̂_flat/σ̂_physical⟩ − 1|")
pull_rms = float(np.sqrt(np.mean(pull ** 2)))
record("ga_jes_pull_rms", pull_rms, lo=0, hi=100, note="RMS of (ẑ − z)/σ̂ over the closure range")
record("ga_jes_n_test_jets", int(len(test["z"])), lo=1, note="held-out jets of the flat spectrum")

# %% [markdown]
# ## Paper vs ours

# %%
jes.claims.check("ga.jes.closure", close["bias"],
                 detail=f"{close['bins']} bins, {cfg['closure_pt_min']:g}–{cfg['closure_pt_max']:g} GeV; before "
                        f"calibration {close['raw_bias']:.3f}")
jes.claims.check("ga.jes.resolution", close["sigma_ratio_std"],
                 detail=f"against the Gaussian-core width instead: {close['sigma_ratio']:.2f}; RMS of the pulls "
                        f"{pull_rms:.2f}")
jes.claims.check("ga.jes.prior_independent", pi["max_dz"],
                 detail=f"σ̂ differs by up to {pi['max_dsigma']:.0%}")
jes.claims

# %% [markdown]
# ## Differences from the paper
#
# - **Data.** The talk uses CMS Open Data SIM/GEN AK5 jets (500–1000 GeV, ≤ 150 particles, 100k jets); we use our
#   Pythia 8 events (MPI off, no pile-up) through our parametrised CMS-like particle-flow detector, anti-kT R = 0.4,
#   100–1000 GeV, a few thousand jets (profile `quick`). Our particle-flow response is close to 1 before any
#   calibration (tracks measure most of the jet), so the calibration mostly has to learn the resolution; CMS's
#   uncalibrated response is further from 1.
# - **Inputs.** The talk's DNN takes (jet pT, η, φ) and its EFN/PFN the candidates; we take (log pT_det, η_det, number
#   of candidates) with the same MLP-based Ansatz as the toy pages, and calibrate log pT (so σ̂ is a fractional
#   resolution).
# - **Measured resolution.** The claim compares σ̂ with the standard deviation of the residuals ẑ − z per bin of true
#   pT; the Gaussian-core width (half the 16–84 % range, the usual JER definition) is shown too. Our detector's
#   response is not Gaussian: a narrow core (tracks) with tails (lost neutrals, dead cells, out-of-cone radiation), so
#   core width and standard deviation differ by up to a factor 2 in a bin, and the per-bin standard deviation of a
#   few hundred jets fluctuates with single tail jets. The Gaussian Ansatz, one quadratic log-likelihood per x, lands
#   between the two (see the middle panel and the pulls, narrower than N(0, 1) in the core, wider in the tails): at
#   `quick` sizes σ̂ is ~30–50 % above the core width and below the standard deviation in most bins, so the ±20 %
#   claim is not reproduced by our detector's jets. Longer training (1500 steps) does not change this.
# - **Prior independence.** Tested between a pTHat-biased and the physical spectrum, compared where the physical
#   spectrum still has jets (up to its 95th percentile in pT_det).
