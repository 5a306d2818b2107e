"""hepscaling — a reproducible companion to the papers on neural scaling laws in particle physics.

Shared layers, which know no paper: ``data`` (loaders and local generators), ``jets`` (kinematics, observables),
``detector`` (a parametrised CMS-like particle-flow response), ``features`` (EFPs, EMD, LOT), ``amplitudes`` (exact tree-level matrix elements), ``models`` (networks, losses, the one
training loop with FLOP counts, kNN, logistic regression), ``scaling`` (sweeps and power-law fits), ``geometry``
(spectra and intrinsic dimensions), ``claims`` (papers' statements tested on the pages), ``tables``, ``plotting``,
``cache``, ``profiles``, ``provenance``, ``record``, ``book`` (the book builder). ``papers``: one package per paper.
"""
__version__ = "0.1.0"
