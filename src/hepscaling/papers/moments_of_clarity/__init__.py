"""Paper E — Gambhir, "Moments of clarity in machine learning for jet physics" (talk, SLAC, May 2024).

Three vignettes, each from its own paper: Gaussian Ansatz calibration (arXiv 2205.03413, 2205.05084), SHAPER shape
observables (arXiv 2302.12266) and moment pooling (arXiv 2403.08854). The talk's copy has no figures: each page
reconstructs its plots from the papers' definitions. ``paper.yaml`` holds the items and the claims.
"""
