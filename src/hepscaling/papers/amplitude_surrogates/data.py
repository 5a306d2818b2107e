"""The events paper B's surrogates train on: unweighted pp events of one process with their exact |M|², split into a
training pool, a validation pool and a test set, and the MLP-I inputs and targets.

* Events: :func:`hepscaling.amplitudes.io.generate_collider_dataset` (cached on disk) — one set of
  ``train + val + test`` events, in the partonic centre-of-mass frame, split in that order.  A run with training-set
  size D takes the first D events of the training pool and the first ⌈D/4⌉ of the validation pool (paper §3.2: the
  validation set is a quarter of the training set); unweighted events are independent, so prefixes are random sets
  and the sets of a D scan are nested, which keeps a D scan smooth.
* Inputs (paper eq. 9): z_ij = log p_i·p_j over all pairs, standardised with the mean and standard deviation of the
  whole training pool (one preprocessing for every run; the paper does not say which set it standardises on).
* Targets: ``raw`` — |M|² divided by its mean over the training pool, a unit, not a preprocessing (paper §4: ttH is
  trained on non-preprocessed targets); ``log`` — log|M|² standardised over the training pool (§3.1).
  The MSE of every page is in these units; the exponents α do not depend on the unit, X_c and K do.
* Kept overweights (weight > 1, a share of about 10⁻³ of the events) enter as ordinary events.
"""
from __future__ import annotations

import numpy as np

from ...amplitudes import get_process, log_invariants
from ...amplitudes.io import generate_collider_dataset


def events(dcfg: dict) -> dict:
    """The process's events for a data configuration (:func:`.config.data_config`): ``momenta`` (N, n, 4), ``me``,
    ``weights``, ``meta`` (cached)."""
    pools = dcfg["pools"]
    n = pools["train"] + pools["val"] + pools["test"]
    iterations, points, pilot = dcfg["collider_adapt"]
    return generate_collider_dataset(dcfg["process"], n, float(dcfg["collider_energy"]), seed=int(dcfg["data_seed"]),
                                     adapt_iterations=iterations, adapt_points=points, n_pilot=pilot)


def prepare(dcfg: dict) -> dict:
    """Inputs and targets of every set: ``{"train"|"val"|"test": {"x", "y", "me", "momenta"}, "scale": ...}`` with
    ``x`` the standardised log-invariants (float32), ``y`` the targets (float32), ``me`` the exact |M|² (float64) and
    ``scale`` the numbers that map targets back to |M|² (:func:`to_me`)."""
    ev = events(dcfg)
    pools = dcfg["pools"]
    edges = np.cumsum([0, pools["train"], pools["val"], pools["test"]])
    z = log_invariants(ev["momenta"])
    me = np.asarray(ev["me"], dtype=np.float64)
    tr = slice(edges[0], edges[1])
    mu, sd = z[tr].mean(0), z[tr].std(0)
    sd[sd == 0] = 1.0
    x = ((z - mu) / sd).astype(np.float32)
    if dcfg["targets"] == "raw":
        scale = {"targets": "raw", "mean_me": float(me[tr].mean())}
    else:
        lm = np.log(me[tr])
        scale = {"targets": "log", "mean_log": float(lm.mean()), "std_log": float(lm.std())}
    y = to_targets(me, scale).astype(np.float32)
    out = {"scale": scale, "meta": ev["meta"], "n_particles": ev["momenta"].shape[1]}
    for name, a, b in (("train", edges[0], edges[1]), ("val", edges[1], edges[2]), ("test", edges[2], edges[3])):
        out[name] = {"x": x[a:b], "y": y[a:b], "me": me[a:b], "momenta": ev["momenta"][a:b]}
    return out


def to_targets(me, scale: dict) -> np.ndarray:
    """|M|² -> network targets (see module docstring)."""
    me = np.asarray(me, dtype=np.float64)
    if scale["targets"] == "raw":
        return me / scale["mean_me"]
    return (np.log(me) - scale["mean_log"]) / scale["std_log"]


def to_me(y, scale: dict) -> np.ndarray:
    """Network targets -> |M|² (the inverse of :func:`to_targets`)."""
    y = np.asarray(y, dtype=np.float64)
    if scale["targets"] == "raw":
        return y * scale["mean_me"]
    return np.exp(y * scale["std_log"] + scale["mean_log"])


def degrees_of_freedom(process: str) -> int:
    """d = 3 n_f − 4 of the process (paper B §2): the lower bound α ≥ 4/d uses it."""
    return get_process(process).dof
