"""The compiled CPU kernels (numba) against the batched torch recursion: same |M|^2 to rounding, in any frame and on
the degenerate branches of the wave functions; the fallbacks."""
import numpy as np
import pytest
import torch

from hepscaling.amplitudes import PROCESSES, get_process, kernels, matrix_element, phase_space

pytestmark = pytest.mark.skipif(not kernels.available(), reason="numba not available: kernels not used")

KERNEL_PROCESSES = ["u u~ > t t~ h", "u u~ > z g", "u u~ > z g g", "u u~ > z g g g", "u u~ > z g g g g",
                    "g g > g g", "g g > g g g", "g g > g g g g"]


def _rotate_onto_z(p: torch.Tensor, leg: int, sign: float) -> torch.Tensor:
    """Rotate every point so that particle ``leg`` flies along sign * z (exercises the pT = 0 branches)."""
    k = p[:, leg, 1:] / p[:, leg, 1:].norm(dim=-1, keepdim=True)
    z = torch.tensor([0.0, 0.0, sign], dtype=p.dtype)
    v = torch.cross(k, z.expand_as(k), dim=-1)
    c = (k * z).sum(-1)
    vx = torch.zeros(p.shape[0], 3, 3, dtype=p.dtype)
    vx[:, 0, 1], vx[:, 0, 2], vx[:, 1, 2] = -v[:, 2], v[:, 1], -v[:, 0]
    vx = vx - vx.transpose(1, 2)
    R = torch.eye(3, dtype=p.dtype) + vx + vx @ vx / (1 + c)[:, None, None]  # Rodrigues: R k = z
    q = p.clone()
    q[..., 1:] = torch.einsum("nij,nkj->nki", R, p[..., 1:])
    return q


def _boost(p: torch.Tensor, beta) -> torch.Tensor:
    b = torch.tensor(beta, dtype=p.dtype)
    g = 1 / torch.sqrt(1 - b @ b)
    bp = p[..., 1:] @ b
    q = p.clone()
    q[..., 0] = g * (p[..., 0] + bp)
    q[..., 1:] = p[..., 1:] + ((g - 1) * bp / (b @ b) + g * p[..., 0])[..., None] * b
    return q


def test_only_the_intended_processes_have_kernels():
    assert sorted(n for n in PROCESSES if kernels.supports(get_process(n))) == sorted(KERNEL_PROCESSES)


@pytest.mark.parametrize("name", KERNEL_PROCESSES)
def test_kernel_equals_torch_recursion(name):
    n = 61 if name.count("g") < 5 else 13  # not multiples of the gluon kernel's SIMD block (padding)
    p, _ = phase_space(name, n, 1000.0, seed=3)
    frames = {"generated": p, "boosted": _boost(p, [0.3, -0.2, 0.5])}
    legs = [i for i, x in enumerate(get_process(name).particles) if x in ("g", "z", "t~") and i > 1][:2]
    for leg in legs:  # a final-state boson / the anti-top exactly along +z and along -z
        frames[f"leg {leg} along +z"] = _rotate_onto_z(p, leg, 1.0)
        frames[f"leg {leg} along -z"] = _rotate_onto_z(p, leg, -1.0)
    for frame, q in frames.items():
        a = matrix_element(name, q, engine="kernel", tol=1e-5)
        b = matrix_element(name, q, engine="torch", tol=1e-5)
        assert (b > 0).all()
        rel = float((a / b - 1).abs().max())
        assert rel < 1e-11, f"{name}, {frame}: kernel vs torch relative difference {rel:.2e}"
    # Lorentz invariance of the kernel itself, over a boost of rapidity ~0.6
    a, b = matrix_element(name, p, engine="kernel"), matrix_element(name, frames["boosted"], engine="kernel",
                                                                     tol=1e-5)
    assert float((a / b - 1).abs().max()) < 1e-9


def test_kernel_chunking_and_threads_do_not_change_values():
    p, _ = phase_space("u u~ > z g g", 101, 1000.0, seed=5)
    one = matrix_element("u u~ > z g g", p, batch_size=101, engine="kernel")
    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        many = matrix_element("u u~ > z g g", p, batch_size=7, engine="kernel")
    finally:
        torch.set_num_threads(threads)
    assert torch.equal(one, many)
    assert matrix_element("u u~ > z g g", p[:0], engine="kernel").shape == (0,)


def test_engine_choice_and_fallback(monkeypatch):
    p, _ = phase_space("u d~ > w+ z", 8, 1000.0, seed=0)
    with pytest.raises(ValueError, match=r"engine='kernel': no compiled kernel for 'u d~ > w\+ z'"):
        matrix_element("u d~ > w+ z", p, engine="kernel")
    with pytest.raises(ValueError, match="engine must be 'auto', 'torch' or 'kernel', got 'fast'"):
        matrix_element("u d~ > w+ z", p, engine="fast")
    q, _ = phase_space("u u~ > z g", 8, 1000.0, seed=0)
    torch_values = matrix_element("u u~ > z g", q, engine="torch", device="cpu")
    monkeypatch.setenv("HEPSCALING_KERNELS", "0")  # disabled: "auto" is the torch recursion, bit for bit
    assert not kernels.available()
    assert torch.equal(matrix_element("u u~ > z g", q, device="cpu"), torch_values)
