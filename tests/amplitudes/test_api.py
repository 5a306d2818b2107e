"""Public API: shapes, types, process table, and the errors on bad input."""
import numpy as np
import pytest
import torch

from hepscaling.amplitudes import PROCESSES, get_process, matrix_element, phase_space


def test_process_table_and_dof():
    assert len(PROCESSES) == 13
    assert get_process("g g > a a g").kind == "loop" and get_process("g g > a a g").dof == 5
    assert get_process("u u~ > t t~ h").dof == 5
    assert get_process("u u~ > z g g g g").dof == 11
    assert get_process("g g > g g").dof == 2
    assert get_process("u u~ > w+ w- z").dof == 5
    assert get_process("  u  u~>z   g ").name == "u u~ > z g"
    assert get_process("u u~ > z g g").symmetry_factor == 0.5


def test_numpy_in_numpy_out_and_tensor_in_tensor_out():
    p, _ = phase_space("u u~ > z g g", 7, 1000.0, seed=0)
    a = matrix_element("u u~ > z g g", p.numpy())
    b = matrix_element("u u~ > z g g", p)
    assert isinstance(a, np.ndarray) and a.dtype == np.float64 and a.shape == (7,)
    assert isinstance(b, torch.Tensor) and b.dtype == torch.float64
    assert np.array_equal(a, b.numpy())
    assert (a > 0).all()
    # batching does not change the numbers
    c = matrix_element("u u~ > z g g", p, batch_size=3)
    assert np.allclose(c.numpy(), a, rtol=1e-14)


def test_errors():
    p, _ = phase_space("u u~ > z g", 4, 1000.0, seed=0)
    with pytest.raises(ValueError, match="unknown process 'u u~ > z z'"):
        matrix_element("u u~ > z z", p)
    with pytest.raises(ValueError, match=r"shape \(N, 4, 4\).*got \(4, 5, 4\)"):
        matrix_element("u u~ > z g", torch.cat((p, p[:, :1]), 1))
    q = p.clone()
    q[2, 3, 1] += 1.0
    with pytest.raises(ValueError, match="momentum conservation violated in point 2 by 0.001"):
        matrix_element("u u~ > z g", q)
    q = p.clone()
    q[1, 2, 0] += 0.5
    q[1, 0, 0] += 0.25
    q[1, 1, 0] += 0.25
    with pytest.raises(ValueError, match=r"particle 2 \(z\) of point 1 is off shell"):
        matrix_element("u u~ > z g", q)
    with pytest.raises(ValueError, match="non-finite"):
        q = p.clone()
        q[0, 0, 0] = float("nan")
        matrix_element("u u~ > z g", q)
