"""Fixture writers for the Top Tagging format (used by the data tests)."""
import warnings

import numpy as np
import pandas as pd


def random_jets(n, seed=0, max_const=60):
    """Massless constituents around a jet axis, pT-ordered, zero-padded to 200 (E, px, py, pz)."""
    rng = np.random.default_rng(seed)
    p4 = np.zeros((n, 200, 4))
    for i in range(n):
        m = rng.integers(1, max_const)
        pt = np.sort(rng.exponential(10.0, m))[::-1] + 0.1
        eta = rng.normal(0.3, 0.3, m)
        phi = rng.normal(3.0, 0.3, m)
        p4[i, :m] = np.stack([pt * np.cosh(eta), pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta)], 1)
    labels = rng.integers(0, 2, n)
    return p4, labels


def write_public_like(path, p4, labels, drop=(), key="table", fmt="table"):
    """Write a file the way the public dataset is laid out, with pandas directly (independent of our writer)."""
    n = len(p4)
    cols = {}
    for i in range(200):
        for k, c in enumerate(("E", "PX", "PY", "PZ")):
            cols[f"{c}_{i}"] = p4[:, i, k].astype(np.float32)
    for c in ("truthE", "truthPX", "truthPY", "truthPZ"):
        cols[c] = np.zeros(n, np.float32)
    cols["ttv"] = np.zeros(n, np.int64)
    cols["is_signal_new"] = labels
    df = pd.DataFrame(cols).drop(columns=list(drop))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df.to_hdf(path, key=key, mode="w", format=fmt)
    return path
