"""hepscaling.scaling — power-law fits (``fit``) and, from the chapters, sweeps over T / D / N / C.

``from hepscaling.scaling.fit import fit_power_law, crossing`` is the public entry point of the fits.
"""
