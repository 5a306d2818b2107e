# ---
# jupyter:
#   jupytext:
#     text_representation: {extension: .py, format_name: percent}
#   kernelspec: {display_name: Python 3, language: python, name: python3}
# hepscaling:
#   title: "Figure 2 — where AOJ-like candidates sit in η–φ: the cell grid and the dead cells"
#   paper: C
#   reproduces: "Fig. 2"
#   data: "local substitute: AOJ-like jets (Pythia 8 + our CMS-like detector model)"
# ---

# %% [markdown]
# # Figure 2 — the η–φ positions of the candidates
#
# **What the paper shows.** A 2D histogram of the AOJ candidates' η and φ: a grid-like structure (the calorimeter
# granularity), vertical features at the endcaps (|η| ~ 1.6) and several dead cells.
#
# **What we show.** The same histogram for the AOJ-like candidates, and what it says measured from the positions
# alone (`hepscaling.papers.aspen_open_jets.occupancy`): the period of the neutral hadrons' η lattice (the HCAL
# towers), where the photons' fine ECAL-barrel lattice stops (the endcap), and the empty cells surrounded by busy
# ones (the dead cells) — numbers the detector model put there, recovered from its output as one would from data.

# %% tags=["parameters"]
profile = "quick"
seed = 0

# %%
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display
from matplotlib.colors import LogNorm

from hepscaling import plotting
from hepscaling.claims import ClaimSheet
from hepscaling.papers.aspen_open_jets import data as pc
from hepscaling.papers.aspen_open_jets import occupancy as occ
from hepscaling.papers.aspen_open_jets.config import load_config
from hepscaling.record import record

plotting.style()
cfg = load_config(profile)
sheet = ClaimSheet("C", pc.data_used(cfg, f"{cfg['aoj_jets']:,} AOJ-like jets"), items=["Fig. 2"])
display(sheet.data)
aoj, _ = pc.aoj_like(cfg, seed)
parts = pc.particles(aoj)
neutral = parts[parts.species == 130]
photons = parts[parts.species == 22]

# %%
periods = np.linspace(0.01, 0.3, 2901)
central = neutral[neutral.eta.abs() < 1.3]                # uniform 0.087 × 0.087 HCAL towers
p_eta = occ.lattice_period(central.eta.to_numpy()[:50_000], periods)
p_phi = occ.lattice_period(central.phi.to_numpy()[:50_000], periods)
p_ecal = occ.lattice_period(photons.eta[photons.eta.abs() < 1.2].to_numpy()[:50_000], np.linspace(0.01, 0.05, 401))
edge, coh = occ.granularity_boundary(photons.eta.abs().to_numpy(), p_ecal, np.arange(0, 2.55, 0.1))
counts, eta_edges, phi_edges = occ.occupancy(central.eta.to_numpy(), central.phi.to_numpy(), p_eta, p_phi,
                                             eta_max=1.3)
dead = occ.dead_cells(counts)
truth = occ.card_dead_cells(eta_edges, phi_edges)           # the check: the card's own dead towers on this lattice
n_true_found = len({tuple(x) for x in dead} & {tuple(x) for x in truth})

fig, axes = plt.subplots(1, 2, figsize=(15, 6), gridspec_kw={"width_ratios": [1.6, 1]})
h = axes[0].hist2d(parts.eta, parts.phi, bins=[np.arange(-2.6, 2.6, 0.0174 * 2), np.linspace(-np.pi, np.pi, 361)],
                   norm=LogNorm(), cmap="viridis")
fig.colorbar(h[3], ax=axes[0], label="candidates")
for i, j in dead:
    axes[0].add_patch(plt.Rectangle((eta_edges[i], phi_edges[j]), eta_edges[i + 1] - eta_edges[i],
                                    phi_edges[j + 1] - phi_edges[j], fill=False, ec="red", lw=1.2))
axes[0].set(xlabel="candidate η", ylabel="candidate φ")
axes[1].plot(0.5 * (np.arange(0, 2.55, 0.1)[:-1] + np.arange(0, 2.55, 0.1)[1:]), coh, "o-")
axes[1].axvline(edge, color="k", ls="--", label=f"lattice stops at |η| = {edge:.2f}")
axes[1].set(xlabel="photon |η|", ylabel=f"coherence of the {p_ecal:.4f} lattice", ylim=(0, 1.05))
axes[1].legend()
plotting.savefig(fig, "fig2_eta_phi_occupancy",
                 caption=("Paper C, Fig. 2 on AOJ-like jets: η–φ positions of all candidates (left; red boxes: HCAL "
                          "towers with no neutral-hadron candidate while their neighbours are busy — dead cells); "
                          "right: how strongly the photons' η sit on the ECAL-barrel lattice, per |η| bin."))
display(Markdown(f"Measured from the positions: HCAL lattice **{p_eta:.4f}** in η and **{p_phi:.4f}** in φ "
                 f"(2π/72 = {2 * np.pi / 72:.4f}) within |η| < 1.3; ECAL-barrel lattice **{p_ecal:.4f}** in η, ending at "
                 f"|η| ≈ **{edge:.2f}**; **{len(dead)}** dead HCAL towers within |η| < {eta_edges[-1]:.3f}. The check against the "
                 f"detector card (which the measurement does not read): {n_true_found} of them are dead towers of the "
                 f"card, which has {len(truth)} dead towers in this range."))

# %% [markdown]
# ## Paper vs ours

# %%
record("hcal_eta_period", p_eta)
record("ecal_barrel_period", p_ecal)
record("ecal_lattice_edge", edge)
record("dead_hcal_towers", len(dead))
record("dead_hcal_towers_of_the_card_found", n_true_found, note=f"of the card's {len(truth)} in the same range")
sheet.check("fig2.cell_grid", p_eta, detail=f"φ period {p_phi:.4f}")
sheet.check("fig2.dead_cells", len(dead), detail=f"HCAL towers within |η| < {eta_edges[-1]:.3f}; {n_true_found} of the "
                                                 f"card's {len(truth)} dead towers there found")
sheet.check("fig2.endcap_1p6", edge, detail=f"the {p_ecal:.4f} photon lattice (ECAL barrel) stops")
sheet
