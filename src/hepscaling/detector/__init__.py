"""hepscaling.detector: a parametrised particle-flow detector (shared by papers A, C, D and E).

``simulate(particles, card="cms", seed=0)`` turns visible particles (awkward, events x particles: px, py, pz, E,
pdgId, charge, xProd, yProd, zProd) into particle-flow candidates (events x candidates: px, py, pz, E, pdgId, charge,
d0, d0Err, dz, dzErr, puppiWeight — the AspenOpenJets ``PFCands`` fields), vectorised over the whole batch.

| Step | What happens (card ``"cms"``; every number in :func:`describe`) |
|---|---|
| Input | visible final state; neutrinos (and neutralinos, gravitinos) dropped; charge from the PDG id if absent |
| Tracker | charged particles with \\|η\\| < 2.5 are tracked with a (species, \\|η\\|, pT) efficiency; curvature resolution σ(pT)/pT = a ⊕ b·pT (0.5 % at 10 GeV, 6 % at 1 TeV centrally); d0, dz of the helix in 3.8 T from the production vertex, smeared with σ(d0) = 10 µm ⊕ 90 µm·GeV/(p sin^3/2 θ), σ(dz) = 30 µm ⊕ 100 µm·GeV/(p sin^5/2 θ), reported as d0Err, dzErr (cm) |
| Lepton ID | tracked e → PF electron ±11 (ECAL energy) or else ±211; tracked μ → PF muon ±13 (\\|η\\| < 2.4, p of a few GeV) or else ±211 |
| ECAL | photons and untracked electrons, one cell each: barrel 0.0174 × 0.0174 (\\|η\\| < 1.479), endcap rings of constant crystal size to \\|η\\| = 3; σ/E = 2.8 %/√E ⊕ 0.3 % ⊕ 0.125/E (barrel); E > 0.5 (barrel) / 1 GeV (endcap) |
| HCAL | neutral hadrons and untracked charged hadrons: 0.087 × 0.087 towers to \\|η\\| = 1.74, CMS towers to 3; σ/E = 100 %/√E ⊕ 5 %; E > 1 GeV |
| Cells | deposits of a cell summed, smeared log-normally (mean 1); a live cell above threshold = one massless candidate at the cell centre (γ 22 from the ECAL, neutral hadron 130 from the HCAL) |
| Dead cells | seeded random 0.5 % (ECAL) and 0.2 % (HCAL) plus explicit (η, φ) lists; their energy is lost |
| Output | pT-ordered per event; charged hadrons with the pion mass; PUPPI weight 1 (no pile-up) |

Cards: ``"cms"`` (papers C, D, E), ``"cms_hf"`` (plus HF to \\|η\\| = 5.19: pdgId 1 and 2), ``"delphes_atlas"`` (the
Delphes ATLAS card, for paper A's substitute).  ``load_card(name, **changes)``, ``describe(card)`` (markdown table),
``particle_level(particles)`` / ``simulate(..., card="particle")`` (the input itself with the same fields), and
``particles_from_pythia(batch)`` (the visible final state of a Pythia ``nextBatch`` with production vertices).
Every random draw comes from ``numpy.random.default_rng(seed)``; the dead-cell map from the card's own seed.
"""
from .cards import (CARDS, Binned, CaloRegion, Calorimeter, Card, ImpactResolution, LeptonID, Resolution, Tracker,
                    describe, load_card)
from .calorimeter import CellGrid, grid
from .pythia_input import particles_from_pythia
from .simulate import INPUT_FIELDS, OUTPUT_FIELDS, particle_level, pdg_charge, simulate
from .tracker import helix_radius_mm, impact_parameters

__all__ = ["simulate", "particle_level", "particles_from_pythia", "load_card", "describe", "CARDS", "Card",
           "Tracker", "LeptonID", "Calorimeter", "CaloRegion", "Binned", "Resolution", "ImpactResolution",
           "CellGrid", "grid", "impact_parameters", "helix_radius_mm", "pdg_charge", "INPUT_FIELDS",
           "OUTPUT_FIELDS"]
