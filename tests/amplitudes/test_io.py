"""Dataset writer and the LLoCa / L-GATr amplitude-file loader (fixtures written in that layout)."""
import json

import numpy as np
import pytest

from hepscaling.amplitudes import matrix_element, phase_space
from hepscaling.amplitudes.io import LLOCA_DATASETS, generate_dataset, load_lloca_amplitudes, write_dataset


def _fixture(path, proc, n, seed=0):
    p, _ = phase_space(proc, n, 1000.0, seed=seed)
    me = matrix_element(proc, p).numpy()
    arr = np.concatenate([p.numpy().reshape(n, -1), me[:, None]], 1)  # LLoCa layout: momenta flat, |M|^2 last
    np.save(path, arr)
    return p.numpy(), me


def _assert_physical_layout(m, proc, sqrt_s=1000.0):
    """Independent of any writer: rows hold (E, px, py, pz) per particle, beams first, on shell, momentum conserved."""
    from hepscaling.amplitudes import SM_DEFAULT, get_process

    half = sqrt_s / 2
    np.testing.assert_allclose(m[:, 0], np.broadcast_to([half, 0, 0, half], m[:, 0].shape), atol=1e-9)
    np.testing.assert_allclose(m[:, 1], np.broadcast_to([half, 0, 0, -half], m[:, 1].shape), atol=1e-9)
    np.testing.assert_allclose(m[:, :2].sum(1), m[:, 2:].sum(1), atol=1e-7 * sqrt_s)
    names = get_process(proc).name.replace(">", "").split()
    mass = np.array([SM_DEFAULT.mass(n) for n in names])
    m2 = m[..., 0] ** 2 - (m[..., 1:] ** 2).sum(-1)
    np.testing.assert_allclose(m2, np.broadcast_to(mass ** 2, m2.shape), atol=1e-6 * sqrt_s ** 2 * 1e-3)
    assert (m[..., 0] > 0).all()


def test_loader_reads_lloca_layout(tmp_path):
    mom, me = _fixture(tmp_path / "zgg.npy", "u u~ > z g g", 20)
    m, a = load_lloca_amplitudes(tmp_path / "zgg.npy")
    assert m.shape == (20, 5, 4) and np.array_equal(m, mom) and np.array_equal(a, me)
    _assert_physical_layout(m, "u u~ > z g g")


def test_loader_shard_name_maps_to_its_dataset(tmp_path):
    """``zgggg_0.npy`` is a shard of ``zgggg`` (q q~ > Z g g g g, 7 particles): read back exactly what was written,
    in the physical layout, and |M|^2 recomputed from the loaded momenta agrees with the loaded last column."""
    n_particles, proc = LLOCA_DATASETS["zgggg"]
    assert (n_particles, proc) == (7, "u u~ > z g g g g")
    mom, me = _fixture(tmp_path / "zgggg_0.npy", proc, 4, seed=5)
    raw = np.load(tmp_path / "zgggg_0.npy")
    m, a = load_lloca_amplitudes(tmp_path / "zgggg_0.npy")
    assert m.dtype == np.float64 and a.dtype == np.float64
    assert np.array_equal(m, mom) and np.array_equal(a, me)
    assert np.array_equal(m[:, 3], raw[:, 12:16]) and np.array_equal(a, raw[:, -1])  # particle 3 = columns 12..15
    _assert_physical_layout(m, proc)
    np.testing.assert_allclose(matrix_element(proc, m), a, rtol=1e-12, atol=0)
    assert len(np.unique(a)) == len(a)  # distinct points: a row shuffle of either part would not go unseen
    # the shard name, not the column count, decides the expected particle count: a Z g g file named as a zgggg
    # shard is refused, naming the dataset
    _fixture(tmp_path / "zgggg_1.npy", "u u~ > z g g", 3)
    with pytest.raises(ValueError, match=r"zgggg_1\.npy.*5 particles, expected 7.*'zgggg'"):
        load_lloca_amplitudes(tmp_path / "zgggg_1.npy")
    # only a numeric suffix marks a shard: zg_wide.npy is not the zg dataset (4 particles), so 5 particles load
    mom5, me5 = _fixture(tmp_path / "zg_wide.npy", "u u~ > z g g", 3)
    m5, a5 = load_lloca_amplitudes(tmp_path / "zg_wide.npy")
    assert np.array_equal(m5, mom5) and np.array_equal(a5, me5)
    # an explicit particle count overrides the name
    with pytest.raises(ValueError, match="7 particles, expected 6"):
        load_lloca_amplitudes(tmp_path / "zgggg_0.npy", n_particles=6)


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
