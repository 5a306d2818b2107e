"""Exact tree-level amplitudes for paper B (Bahl et al., amplitude surrogates).

Public API::

    matrix_element(process, momenta) -> (N,) float64        # |M|^2, MadGraph convention
    phase_space(process, n_points, sqrt_s, cuts, seed) -> momenta, weights   # massive RAMBO (flat)
    unweighted_events(process, n_points, sqrt_s, cuts, seed) -> momenta, |M|^2, info

Processes: ``PROCESSES`` (MadGraph-style strings); ``get_process(name).dof`` is d = 3 n_f - 4.
"""
from .model import DEFAULT as SM_DEFAULT, SMParameters
from .processes import DEFAULT_CUTS, PROCESSES, Process, get_process, helicity_amplitudes, matrix_element
from .phasespace import phase_space, rambo, unweighted_events

__all__ = [
    "matrix_element", "phase_space", "unweighted_events", "rambo", "PROCESSES", "Process", "get_process",
    "helicity_amplitudes", "SMParameters", "SM_DEFAULT", "DEFAULT_CUTS",
]
