"""hepscaling.scaling — power-law fits (``fit``), the precision planner on eq. (1) laws (``planner``) and, from the
chapters, sweeps over T / D / N / C.

``from hepscaling.scaling.fit import fit_power_law, crossing`` is the public entry point of the fits;
``from hepscaling.scaling.planner import required, plan`` the one of the planner.
Two-variable laws L(N, D) and the compute-optimal frontier: ``fit_loss_surface``, ``compute_frontier`` in ``fit``;
repeated data (effective dataset size of Muennighoff et al.): ``effective_data``, ``fit_repetition`` in
``repetition``.
"""
