"""Dataset writer and the LLoCa / L-GATr amplitude-file loader (fixtures written in that layout)."""
import json

import numpy as np
import pytest

from hepscaling.amplitudes import matrix_element, phase_space
from hepscaling.amplitudes.io import generate_dataset, load_lloca_amplitudes, write_dataset


def _fixture(path, proc, n, seed=0):
    p, _ = phase_space(proc, n, 1000.0, seed=seed)
    me = matrix_element(proc, p).numpy()
    arr = np.concatenate([p.numpy().reshape(n, -1), me[:, None]], 1)  # LLoCa layout: momenta flat, |M|^2 last
    np.save(path, arr)
    return p.numpy(), me


def test_loader_reads_lloca_layout(tmp_path):
    mom, me = _fixture(tmp_path / "zgg.npy", "u u~ > z g g", 20)
    m, a = load_lloca_amplitudes(tmp_path / "zgg.npy")
    assert m.shape == (20, 5, 4) and np.array_equal(m, mom) and np.array_equal(a, me)
    # shard names map to the same dataset
    _fixture(tmp_path / "zgggg_0.npy", "u u~ > z g g g g", 3)
    m, a = load_lloca_amplitudes(tmp_path / "zgggg_0.npy")
    assert m.shape == (3, 7, 4)


def test_loader_errors(tmp_path):
    _fixture(tmp_path / "zg.npy", "u u~ > z g g", 5)  # wrong particle count for the name
    with pytest.raises(ValueError, match="5 particles, expected 4"):
        load_lloca_amplitudes(tmp_path / "zg.npy")
    np.save(tmp_path / "bad.npy", np.ones((4, 10)))
    with pytest.raises(ValueError, match="4 n \\+ 1 columns"):
        load_lloca_amplitudes(tmp_path / "bad.npy")
    arr = np.ones((3, 17))
    arr[1, -1] = -2.0
    np.save(tmp_path / "neg.npy", arr)
    with pytest.raises(ValueError, match="row 1"):
        load_lloca_amplitudes(tmp_path / "neg.npy")
    with pytest.raises(ValueError, match="does not exist"):
        load_lloca_amplitudes(tmp_path / "nothing.npy")


def test_writer_round_trip(tmp_path, monkeypatch):
    monkeypatch.setenv("HEPSCALING_CACHE", str(tmp_path / "cache"))
    d = generate_dataset("u u~ > t t~ h", 50, 1000.0, seed=3)
    d2 = generate_dataset("u u~ > t t~ h", 50, 1000.0, seed=3)  # cache hit, identical
    assert np.array_equal(d["momenta"], d2["momenta"])
    out = write_dataset(tmp_path / "tth.npy", d)
    m, a = load_lloca_amplitudes(out)
    assert np.array_equal(m, d["momenta"]) and np.array_equal(a, d["me"])
    assert np.allclose(matrix_element("u u~ > t t~ h", m), a, rtol=1e-13)
    meta = json.loads((tmp_path / "tth.npy.json").read_text())
    assert meta["process"] == "u u~ > t t~ h" and meta["seed"] == 3 and meta["sqrt_s"] == 1000.0
    assert meta["dof"] == 5
