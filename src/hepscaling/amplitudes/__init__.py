"""Exact amplitudes for paper B (Bahl et al., amplitude surrogates).

Public API::

    matrix_element(process, momenta) -> (N,) float64        # |M|^2, MadGraph convention (engine="auto": compiled
                                                            # CPU kernels where they exist, else the torch recursion)
    phase_space(process, n_points, sqrt_s, cuts, seed) -> momenta, weights   # massive RAMBO (flat)
    unweighted_events(process, n_points, sqrt_s, cuts, seed) -> momenta, |M|^2, info   # fixed sqrt(s), flat RAMBO
    collider_events(process, n_events, collider_energy=14000., seed=0) -> momenta, |M|^2, info   # pp collider

    log_invariants(momenta) -> (N, n(n-1)/2)              # z_ij = log p_i.p_j, the MLP-I inputs

Processes: ``PROCESSES`` (MadGraph-style strings); ``get_process(name).dof`` is d = 3 n_f - 4. The loop-induced
``g g > a a g`` is the exact one-loop amplitude of :mod:`.loop_photons` (massless quark loop; BDK primitive
amplitudes summed over the photon insertions), through the same entry points.
"""
from .model import DEFAULT as SM_DEFAULT, SMParameters
from .processes import DEFAULT_CUTS, PROCESSES, Process, get_process, helicity_amplitudes, matrix_element
from .phasespace import phase_space, rambo, unweighted_events
from .collider import COLLIDER_CUTS, collider_events
from .pdf import DEFAULT_PDF, PDF_SETS, PartonDensity
from .invariants import log_invariants

__all__ = [
    "matrix_element", "phase_space", "unweighted_events", "rambo", "PROCESSES", "Process", "get_process",
    "helicity_amplitudes", "SMParameters", "SM_DEFAULT", "DEFAULT_CUTS", "collider_events", "COLLIDER_CUTS",
    "PartonDensity", "PDF_SETS", "DEFAULT_PDF", "log_invariants",
]
