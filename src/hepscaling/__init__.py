"""hepscaling — a reproducible companion to the papers on neural scaling laws in particle physics.

Subpackages: ``data`` (loaders and local generators), ``jets`` (kinematics, observables), ``features`` (EFPs, EMD,
LOT), ``amplitudes`` (exact tree-level matrix elements), ``models`` (classifiers and regressors), ``scaling`` (sweeps
and power-law fits), ``geometry`` (spectra and intrinsic dimensions). Shared machinery: ``cache``, ``profiles``,
``provenance``, ``record``, ``plotting``.
"""
__version__ = "0.1.0"
