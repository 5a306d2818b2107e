"""Gauge invariance, Lorentz invariance, Bose symmetry for every process; the checks are able to fail."""
import numpy as np
import pytest
import torch

import hepscaling.amplitudes.currents as currents
from hepscaling.amplitudes import PROCESSES, get_process, phase_space
from hepscaling.amplitudes.validation import gauge_residual, lorentz_residual, permutation_residual

FAST = ["u u~ > t t~ h", "u u~ > z g", "u u~ > z g g", "u u~ > z g g g", "u d~ > w+ z", "u d~ > w+ z g",
        "u d~ > w+ z g g", "u u~ > w+ w- z", "g g > g g", "g g > g g g", "g g > a a g"]
SLOW = ["u u~ > z g g g g", "g g > g g g g"]


def _params(names):
    return [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in names]


# the tree-level engine's gauge check (polarisation -> momentum); the loop-induced g g > a a g is built from
# spinor-helicity amplitudes, gauge invariant by construction (tests/amplitudes/test_loop_photons.py)
TREE = [n for n in PROCESSES if get_process(n).kind != "loop"]


@pytest.mark.parametrize("proc", _params([n for n in TREE if get_process(n).gluon_legs]))
def test_gauge_invariance(proc):
    p, _ = phase_space(proc, 6, 1000.0, seed=7)
    assert gauge_residual(proc, p).max() < 1e-11


@pytest.mark.parametrize("proc", _params(list(PROCESSES)))
def test_lorentz_invariance(proc):
    p, _ = phase_space(proc, 6, 1000.0, seed=8)
    assert lorentz_residual(proc, p, seed=1).max() < 1e-9


@pytest.mark.parametrize("proc", _params([n for n in PROCESSES if len(get_process(n).gluon_legs) >= 2]))
def test_bose_symmetry_of_gluons(proc):
    p, _ = phase_space(proc, 6, 1000.0, seed=9)
    for seed in range(2):
        assert permutation_residual(proc, p, seed=seed).max() < 1e-11


def test_parametrisations_are_not_empty():
    """The gauge and Bose tests run over processes filtered by their gluon legs: an empty or short filter would
    skip them silently.  The gluon legs are read off the process names here."""
    for name in PROCESSES:
        legs = name.replace(">", " ").split()
        assert list(get_process(name).gluon_legs) == [i for i, t in enumerate(legs) if t == "g"], name
    assert len([n for n in TREE if get_process(n).gluon_legs]) == 9
    assert len([n for n in PROCESSES if len(get_process(n).gluon_legs) >= 2]) == 8
    assert sorted(FAST + SLOW) == sorted(PROCESSES)


def test_gauge_check_detects_a_wrong_vertex(monkeypatch):
    p, _ = phase_space("u u~ > z g g", 4, 1000.0, seed=7)
    monkeypatch.setattr(currents, "G3", -currents.G3)
    assert gauge_residual("u u~ > z g g", p).max() > 1e-3


@pytest.mark.parametrize("n", [5, pytest.param(6, marks=pytest.mark.slow)])
def test_pure_gluon_colour_kk_basis_equals_full_trace_basis(n):
    """The (n-2)! Kleiss-Kuijf reduction reproduces the full (n-1)! trace-basis colour sum."""
    from hepscaling.amplitudes import colour
    from hepscaling.amplitudes.currents import Context, gluon_amplitudes, to_cf
    from hepscaling.amplitudes.processes import colour_sum
    from hepscaling.amplitudes.wavefunctions import polarisations

    p, _ = phase_space("g g > " + " ".join(["g"] * (n - 2)), 4, 1000.0, seed=10)
    pols = {i: to_cf(polarisations(p[:, i]).to(torch.complex128)) for i in range(n)}
    ctx = Context(p, {i: 2 for i in range(n)}, (0, 1))
    A_tr = gluon_amplitudes(ctx, pols, 1.2, [o[:-1] for o in colour.trace_orderings(n)])
    full = colour_sum(A_tr, torch.as_tensor(colour.trace_matrix(n)))
    A_kk = gluon_amplitudes(ctx, pols, 1.2, [o[:-1] for o in colour.kk_orderings(n)])
    red = colour_sum(A_kk, torch.as_tensor(colour.gluon_kk_matrix(n)))
    assert torch.allclose(full, red, rtol=1e-11)
    # and the Kleiss-Kuijf relations hold amplitude by amplitude
    K = torch.as_tensor(colour.kk_matrix(n), dtype=torch.complex128)
    assert torch.allclose(A_tr, torch.einsum("ij,njh->nih", K, A_kk), rtol=1e-9, atol=1e-9 * A_tr.abs().max())


def test_colour_matrices_known_values():
    from hepscaling.amplitudes import colour

    # quark line with one/two gluons (Tr T^a T^b = delta): C_F N = N^2 - 1 ; (N^2-1)^2/N and -(N^2-1)/N
    assert np.allclose(colour.quark_line_matrix(1), [[8.0]])
    assert np.allclose(colour.quark_line_matrix(2), [[64 / 3, -8 / 3], [-8 / 3, 64 / 3]])
    # four gluons: diagonal (N^2-1)(N^4-3N^2+3)/N^2
    assert np.allclose(np.diag(colour.trace_matrix(4)), 8 * 57 / 9)
