# ---
# jupyter:
#   jupytext:
#     text_representation: {extension: .py, format_name: percent}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
# hepscaling:
#   title: "Top and QCD jets — how they are made and what they look like"
#   paper: A
#   reproduces: "§2 (three blobs vs one blob)"
#   data: "local substitute: Pythia 8.317 + FastJet top/QCD jets (particle level); public Top Tagging set when present"
# ---

# %% [markdown]
# # Top and QCD jets — the data of paper A
#
# **What the paper uses.** Batson & Kahn (§2) train on the Top Tagging Landscape benchmark (Kasieczka, Plehn et al.,
# SciPost Phys. 7 (2019) 014; Zenodo record 2603256): hadronic top jets and QCD jets from Pythia 8 at 14 TeV with
# multi-parton interactions off, passed through Delphes (ATLAS card), anti-kT R = 0.8 jets with 550 < pT < 650 GeV and
# |η| < 2, top jets matched to a top whose decay quarks lie inside the jet; up to 200 constituents as four-vectors;
# 1.2M / 400k / 400k jets for training / validation / test. In jet-image space "a top jet is 'three blobs' and a QCD
# jet is 'mostly one blob'".
#
# **What we use.** The public files cannot be downloaded on the machines that build this book, so by default every
# paper-A page runs on a **local substitute** generated here with the same recipe — Pythia 8 at 14 TeV with the
# hard-process window 500 < p̂T < 700 GeV, multi-parton interactions off and no pile-up; FastJet anti-kT R = 0.8; the
# leading jet of each event, kept when 550 < pT < 650 GeV and |η| < 2; the same top matching and file format — **but
# at particle level**: no detector simulation.
# The public set went through Delphes, which merges particles into calorimeter towers and tracks, smears energies
# and applies thresholds; our jets therefore have more, sharper constituents, and numbers such as losses are not
# expected to agree with the paper to better than that difference allows. With the public files in the data
# directory (`python -m hepscaling.data.download toptagging`) the same page shows them next to ours.
#
# Everything below comes from one call, `hepscaling.data.topqcd.get_jets(split, n_jets, source, seed)`.

# %% tags=["parameters"]
profile = "quick"
seed = 0
n_test = 0              # jets of the test split shown here (0 = paper A's test set of the profile: the same jets)
source = "local"        # "local" (Pythia 8 + FastJet substitute) or "public" (Top Tagging Landscape files)
compare_public = True   # also show the public test jets when test.h5 is in the data directory
n_pix = 33              # jet-image pixels per side, over [-1, 1] x [-1, 1] in (y, phi) after centring and rotation

# %%
import numpy as np
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from hepscaling import jets as J
from hepscaling import plotting
from hepscaling.claims import ClaimSheet
from hepscaling.data import topqcd
from hepscaling.papers.jet_classification.config import load_config, source_data_used
from hepscaling.record import record
from hepscaling.tables import Table

plotting.style()

# %% [markdown]
# ## Which data

# %%
n_test = n_test or load_config(profile)["n_test"]
p4, labels = topqcd.get_jets("test", n_test, source=source, seed=seed)
claims = ClaimSheet("A", source_data_used(source))
display(Markdown(f"**Data:** {topqcd.describe(source)}  \n**Jets shown:** {len(p4)} from the test split "
                 f"({int(labels.sum())} top, {int((labels == 0).sum())} QCD), seed {seed}."))

public = None
if compare_public and source != "public" and topqcd.public_path("test").is_file():
    public = topqcd.get_jets("test", n_test, source="public", seed=seed)
    display(Markdown(f"**Also shown:** {topqcd.describe('public')}"))
elif compare_public and source != "public":
    display(Markdown(f"*The public test file ({topqcd.public_path('test')}) is not present, so only the local jets "
                     "are shown.*"))

# %% [markdown]
# ## How the local jets were made
#
# The table is read from the JSON sidecar written next to every generated shard (settings, Pythia commands, package
# versions); the rates are the sums over the shards' own timings (CPU seconds in Pythia's `nextBatch`, and in
# clustering + selection + matching).
#
# The cost of making jets on top of Pythia is mostly FastJet's own anti-kT clustering of the ~270 visible particles
# of each event (|y| < 3.6); the selection, top matching, padding and writing around it are vectorised numpy and add
# a few per cent. The target of the data issue is an overhead of at most 0.15 × Pythia's time; on our 2-core machine
# FastJet alone takes about 0.15–0.17 × (the table shows this build's numbers), so the target is not met while every
# visible particle of every event is clustered. `benchmarks/bench_generator.py` measures both in one run.

# %%
if source == "local":
    meta = topqcd.local_metadata("test", n_test, seed)
    s = meta["settings"]
    rows = [
        ("collisions", f"pp, √s = {s['ecm'] / 1000:g} TeV, Pythia default tune, MPI {'on' if s['mpi'] else 'off'}"),
        ("signal", "tt̄, both W → hadrons (`Top:gg2ttbar`, `Top:qqbar2ttbar`, `24:onIfAny = 1 2 3 4 5`)"),
        ("background", "QCD 2 → 2 (`HardQCD:all`)"),
        ("hard-process window", f"{s['pthat_min']:g} < p̂T < {s['pthat_max']:g} GeV"),
        ("particles clustered", f"visible final state (no neutrinos), |y| < {s['particle_absy_max']}"),
        ("jets", f"anti-kT, R = {s['jet_R']:g}, E-scheme (FastJet)"),
        ("jets kept", ("the leading jet of each event, " if s.get("leading_jet_only") else "every jet ")
         + f"when {s['jet_pt_min']:g} < pT < {s['jet_pt_max']:g} GeV, |η| < {s['jet_abseta_max']:g}"),
        ("pile-up", "none (one hard interaction per event, as the Top Tagging set)"),
        ("top matching", f"top and its b, q, q' within ΔR < {s['match_dR']:g} of the jet axis"),
        ("constituents", f"up to {s['max_constituents']}, pT-ordered, zero-padded (E, px, py, pz)"),
        ("detector", "parametric smearing ON" if s["smearing"] else "none (particle level)"),
        ("versions", ", ".join(f"{k} {v}" for k, v in meta["versions"].items())),
        ("settings + code hash", f"`{meta['settings_digest']}`"),
        ("shards", f"{len(meta['files'])} files, Pythia seeds " +
         ", ".join(str(x[2]) for x in meta["pythia_seeds"][:6]) + (" …" if len(meta["pythia_seeds"]) > 6 else "")),
    ]
    t = meta["totals"]
    ev_rate = t["n_events"] / max(t["cpu_pythia_s"], 1e-9)
    jet_rate = t["n_jets"] / max(t["cpu_pythia_s"] + t["cpu_select_s"] + t["cpu_write_s"], 1e-9)
    overhead = (t["cpu_select_s"] + t["cpu_write_s"]) / max(t["cpu_pythia_s"], 1e-9)
    fastjet_share = t["cpu_fastjet_s"] / max(t["cpu_pythia_s"], 1e-9)
    rows.append(("generation rate", f"{ev_rate:.0f} events/s per core in Pythia; {jet_rate:.0f} selected jets/s per "
                                    f"core overall; clustering+selection+writing = {overhead:.2f} × Pythia's time, "
                                    f"of which FastJet's anti-kT alone {fastjet_share:.2f}"))
    display(Table(["setting", "value"], rows))
    display(Markdown("Pythia commands (top): `" + "`, `".join(meta["pythia_settings"]["top"]) + "`"))
    record("generator_events_per_s", ev_rate, lo=10, note="Pythia events/s per core, summed over shards (CPU time)")
    record("generator_overhead_ratio", overhead, lo=0, hi=1.0,
           note="(clustering + selection + writing) / Pythia generation, CPU time; target <= 0.15")
    record("generator_fastjet_ratio", fastjet_share, lo=0, hi=overhead + 1e-9,
           note="FastJet's anti-kT alone / Pythia generation, CPU time (the floor of the overhead ratio)")
else:
    display(Markdown("These jets are the public files themselves (Pythia 8 + Delphes, see the record and "
                     "arXiv:1902.09914 for the generation settings); no local generator settings apply."))

# %% [markdown]
# ## Jet mass, N-subjettiness τ32 and multiplicity
#
# Mass from the sum of the constituents; τN normalised, β = 1, exclusive-kT axes (`hepscaling.jets.observables`).

# %%
def observables(p4):
    return {"mass": J.mass(p4), "tau32": J.tau32(p4), "tau21": J.tau21(p4), "mult": J.multiplicity(p4),
            "pt": J.pt(p4)}


obs = observables(p4)
obs_pub = observables(public[0]) if public is not None else None
panels = [("mass", "jet mass [GeV]", np.linspace(0, 300, 61)), ("tau32", r"$\tau_{32}$", np.linspace(0, 1, 41)),
          ("tau21", r"$\tau_{21}$", np.linspace(0, 1, 41)), ("mult", "constituents", np.arange(0, 201, 5)),
          ("pt", r"jet $p_T$ [GeV]", np.linspace(540, 660, 25))]
fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 4))
for ax, (key, xlabel, bins) in zip(axes, panels):
    for cls, name in ((1, "top"), (0, "qcd")):
        ax.hist(obs[key][labels == cls], bins=bins, density=True, histtype="step", lw=2,
                color=plotting.COLORS[name], label=f"{name} (local)")
        if obs_pub is not None:
            ax.hist(obs_pub[key][public[1] == cls], bins=bins, density=True, histtype="step", lw=1.5, ls="--",
                    color=plotting.COLORS[name], label=f"{name} (public, Delphes)")
    ax.set_xlabel(xlabel)
axes[0].set_ylabel("normalised")
axes[0].legend(loc="upper right", fontsize=9)
fig.tight_layout()
plotting.savefig(fig, "jet_observables",
                 caption=("Jet mass, τ32, τ21, multiplicity and pT of the top and QCD jets (local substitute, solid; "
                          "public Delphes jets, dashed, when present)."))

# %%
top, qcd = labels == 1, labels == 0
m_top = obs["mass"][top]
hist, edges = np.histogram(m_top, bins=np.arange(100, 251, 5))
mode_top = 0.5 * (edges[hist.argmax()] + edges[hist.argmax() + 1])
summary = {
    "top mass mode [GeV]": mode_top,
    "top jets with 135 < m < 210 GeV": np.mean((m_top > 135) & (m_top < 210)),
    "QCD jets with 135 < m < 210 GeV": np.mean((obs["mass"][qcd] > 135) & (obs["mass"][qcd] < 210)),
    "mean τ32 top": obs["tau32"][top].mean(), "mean τ32 QCD": obs["tau32"][qcd].mean(),
    "mean multiplicity top": obs["mult"][top].mean(), "mean multiplicity QCD": obs["mult"][qcd].mean(),
}
record("top_mass_mode", mode_top, lo=150, hi=195, note="mode of the top-jet mass (5 GeV bins), near m_t")
record("top_mass_window_fraction", summary["top jets with 135 < m < 210 GeV"], lo=0.4, hi=1.0)
record("qcd_mass_window_fraction", summary["QCD jets with 135 < m < 210 GeV"], lo=0.0, hi=0.4)
record("tau32_mean_top", summary["mean τ32 top"], lo=0.2, hi=0.75)
record("tau32_mean_qcd", summary["mean τ32 QCD"], lo=0.55, hi=0.95)
record("multiplicity_mean_top", summary["mean multiplicity top"], lo=20, hi=200)
record("multiplicity_mean_qcd", summary["mean multiplicity QCD"], lo=10, hi=200)
if obs_pub is not None:
    pl = public[1]
    summary.update({"public: mean τ32 top": obs_pub["tau32"][pl == 1].mean(),
                    "public: mean τ32 QCD": obs_pub["tau32"][pl == 0].mean(),
                    "public: mean multiplicity top": obs_pub["mult"][pl == 1].mean(),
                    "public: mean multiplicity QCD": obs_pub["mult"][pl == 0].mean()})
display(Table(["quantity", "value"], [[k, f"{v:.3g}"] for k, v in summary.items()]))

# %% [markdown]
# ## Average jet images: three blobs and one blob
#
# Each jet is converted to (pT, y, φ) (`hepscaling.jets.to_ptyphi`), centred on its pT-weighted centroid, rotated so
# that its principal axis lies along y (and flipped so the harder half is at positive y and φ), normalised to unit
# total pT, and binned on a grid; the images are averaged per class. A logarithmic colour scale shows the
# substructure: the top image has the leading prong and two further prongs, the QCD image one core with
# a soft halo.

# %%
def mean_images(p4, labels):
    z = J.preprocess(p4, centre_jets=True, normalise_pt=True, rotate_jets=True)
    img = J.jet_images(z, npix=n_pix, half_width=1.0)
    return img[labels == 1].mean(0), img[labels == 0].mean(0)


sets = [("local", p4, labels)] + ([("public", public[0], public[1])] if public is not None else [])
fig, axes = plt.subplots(len(sets), 2, figsize=(10, 4.6 * len(sets)), squeeze=False)
for row, (name, x, lab) in zip(axes, sets):
    img_top, img_qcd = mean_images(x, lab)
    vmax = max(img_top.max(), img_qcd.max())
    for ax, img, cls in zip(row, (img_top, img_qcd), ("top", "QCD")):
        im = ax.imshow(img.T, origin="lower", extent=(-1, 1, -1, 1), cmap="viridis",
                       norm=plt.matplotlib.colors.LogNorm(vmin=vmax * 1e-4, vmax=vmax))
        ax.set_title(f"{cls} jets ({name}), mean of {int((lab == (cls == 'top')).sum())}")
        ax.set_xlabel("y' (rotated)")
    row[0].set_ylabel("φ' (rotated)")
    fig.colorbar(im, ax=row.tolist(), label="mean pT fraction per pixel")
plotting.savefig(fig, "average_jet_images",
                 caption=("Average jet images after centring, rotation and normalisation, on a logarithmic colour "
                          "scale: paper A §2's \"three blobs\" (top) and \"one blob\" (QCD)."))

# %%
# a number for "three blobs": the share of pT outside the central 0.2 x 0.2 core
img_top, img_qcd = mean_images(p4, labels)
c = n_pix // 2
core = slice(c - 1, c + 2)
outside_top = 1 - img_top[core, core].sum() / img_top.sum()
outside_qcd = 1 - img_qcd[core, core].sum() / img_qcd.sum()
record("image_pt_outside_core_top", outside_top, note="top jets spread pT over their prongs")
record("image_pt_outside_core_qcd", outside_qcd)

# %% [markdown]
# ## Paper vs ours

# %%
claims.check("sec2.three_blobs_one_blob", outside_top - outside_qcd,
             detail=f"pT outside the core: top {outside_top:.2f}, QCD {outside_qcd:.2f}")
display(claims.table())
display(Table(["quantity", "ours", "in paper A?"],
              [["top mass peak", f"mode {mode_top:.0f} GeV", "not stated (m_t = 173 GeV)"],
               ["mean τ32 top vs QCD", f"{summary['mean τ32 top']:.2f} vs {summary['mean τ32 QCD']:.2f}",
                "not stated"]], caption="Other properties of the jets (no statement of the paper to test)"))

# %% [markdown]
# Our jets are particle level: the public Delphes jets have fewer constituents (towers and tracks, thresholds) and
# broader mass peaks.
