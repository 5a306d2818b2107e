"""hepscaling.features — the three jet representations of paper A §3, exact and fast.

* :mod:`.efp` — energy flow polynomials: ``compute_efps(jets, dmax=6, beta=1.0, normed=True)``, ``efp_graphs(dmax)``,
  cached ``efps_for``.
* :mod:`.emd` — energy mover's distance: ``pairwise_emd``, exact ``knn_emd``, cached ``pairwise_emd_for`` /
  ``knn_emd_for``.
* :mod:`.lot` — linearized optimal transport: ``lot_embedding(jets, n_ref=225)``, cached ``lot_for``.
* :mod:`.jetclass` — per-particle inputs of paper D's set transformer from a JetClass-like sample:
  ``jetclass_inputs(sample, feature_set="kinematic"|"pid"|"full", max_particles=128)``.

Jets are ``(N, M, 3)`` float arrays of (pT, y, phi) with pT == 0 padding (``hepscaling.jets.kinematics.to_ptyphi``).
Bad input raises :class:`JetInputError` (a ``ValueError``) naming the jet index.
"""
from ._validate import JetInputError, check_jets
from .jetclass import jetclass_inputs

__all__ = ["JetInputError", "check_jets", "jetclass_inputs"]
