"""One point of the moment-pooling scan (paper E, vignette III): train one Moment EFN of order k and latent dimension
L on quark/gluon jets and measure it.

The sweep directory is keyed on this module's code (and what it imports: the jets, the network, the training loop),
so editing the page helpers (:mod:`.moments`) never invalidates finished points.

A point is ``{"k": k, "L": L, "repeat": r}``.  Every run:

* inputs per particle: z_i = pT_i / Σ pT (over the kept constituents) and x_i = (Δy_i, Δφ_i) / R, the position
  relative to the jet's pT-weighted centroid (the jet axis of the EnergyFlow preprocessing) in units of the jet
  radius; the ``max_particles`` hardest constituents of each jet;
* :class:`hepscaling.models.moment_efn.MomentEFN` (LeakyReLU Φ and F, widths from the profile), initial weights from
  the point's seed;
* :func:`hepscaling.models.train.train`: binary cross-entropy with logits, Adam, batches of ``batch_size``, up to
  ``epochs`` epochs with early stopping on the validation loss (``patience`` epochs) and the best weights restored;
* the test AUC (scikit-learn's ``roc_auc_score``; label 1 = quark) and, for L = 1, the learned latent Φ on a polar
  grid of distances r to the axis (16 azimuths per r), for the latent page.
"""
from __future__ import annotations

import functools
import json
import math

import numpy as np
import torch

from ...data import quark_gluon as qg
from ...jets.kinematics import preprocess
from ...models.moment_efn import MomentEFN, effective_latent_dimension, n_pooled
from ...models.train import train

#: Distances to the jet axis (radians) at which an L = 1 latent is recorded, and the azimuths averaged over.
LATENT_R = np.geomspace(1e-4, 0.4, 41)
LATENT_AZIMUTHS = 16


class TaskError(ValueError):
    pass


def settings(dcfg: dict) -> qg.QGSettings:
    return qg.QGSettings(mpi=bool(dcfg["mpi"]), pthat_min=float(dcfg["pthat_window"][0]),
                         pthat_max=float(dcfg["pthat_window"][1]))


def jet_inputs(p4: np.ndarray, max_particles: int, R: float) -> tuple[np.ndarray, np.ndarray]:
    """``(z, x)``: momentum fractions ``(N, M)`` and positions ``(N, M, 2)`` relative to the pT-weighted centroid in
    units of ``R``, for the ``max_particles`` hardest constituents (renormalised to Σ z = 1); padding has z = 0."""
    x = preprocess(p4[:, :max_particles], centre_jets=True, normalise_pt=True)
    return x[..., 0].astype(np.float32), (x[..., 1:] / R).astype(np.float32)


@functools.lru_cache(maxsize=2)
def _prepared(key: str) -> dict:
    dcfg = json.loads(key)
    s = settings(dcfg)
    data = qg.load({sp: dcfg[f"n_{sp}"] for sp in qg.SPLITS}, seed=dcfg["data_seed"], settings=s,
                   shard_size=dcfg["shard_size"])
    out = {}
    for sp, d in data.items():
        z, x = jet_inputs(d["p4"], dcfg["max_particles"], s.jet_R)
        out[sp] = {"z": z, "x": x, "y": d["label"].astype(np.float32), "p4": d["p4"],
                   "n_constituents": d["n_constituents"]}
    out["sidecars"] = {sp: d["sidecars"] for sp, d in data.items()}
    return out


def prepared(dcfg: dict) -> dict:
    """The jets of every split (generated once, then read from the data directory) as network inputs."""
    return _prepared(json.dumps(dcfg, sort_keys=True))


def _tensors(part: dict) -> tuple[torch.Tensor, ...]:
    return torch.from_numpy(part["z"]), torch.from_numpy(part["x"]), torch.from_numpy(part["y"])


def build_model(dcfg: dict, k: int, L: int, seed: int) -> MomentEFN:
    return MomentEFN(L, k, phi_sizes=tuple(dcfg["phi_sizes"]), F_sizes=tuple(dcfg["F_sizes"]),
                     generator=torch.Generator().manual_seed(seed))


def latent_on_grid(model: MomentEFN, R: float) -> tuple[np.ndarray, np.ndarray]:
    """Φ (L = 1) at distance r (``LATENT_R``, radians) from the axis: mean and standard deviation over azimuths."""
    a = np.linspace(0, 2 * np.pi, LATENT_AZIMUTHS, endpoint=False)
    pts = np.stack([LATENT_R[:, None] * np.cos(a), LATENT_R[:, None] * np.sin(a)], -1) / R
    with torch.no_grad():
        phi = model.latent(torch.as_tensor(pts, dtype=torch.float32))[..., 0].numpy().astype(float)
    return phi.mean(1), phi.std(1)


def point_task(point: dict, seed: int, dcfg: dict) -> dict:
    """Train one Moment EFN; returns the test AUC and the run's facts (and the latent for L = 1)."""
    from sklearn.metrics import roc_auc_score

    k, L = int(point["k"]), int(point["L"])
    if k < 1 or L < 1:
        raise TaskError(f"moments: k and L must be positive integers, got k={point['k']!r}, L={point['L']!r}")
    torch.set_num_threads(1)
    data = prepared(dcfg)
    model = build_model(dcfg, k, L, seed)
    res = train(model, "bce_with_logits", _tensors(data["train"]), _tensors(data["val"]), lr=float(dcfg["lr"]),
                batch_size=int(dcfg["batch_size"]), epochs=int(dcfg["epochs"]), patience=int(dcfg["patience"]),
                seed=seed, progress=False, device="cpu")
    z, x, y = _tensors(data["test"])
    with torch.no_grad():
        logits = torch.cat([model(z[i:i + 2048], x[i:i + 2048]) for i in range(0, len(z), 2048)]).numpy()
    out = {"auc": float(roc_auc_score(y.numpy(), logits)), "n_test_quark": int(y.sum()),
           "n_test_gluon": int(len(y) - y.sum()), "val_loss": float(res.best_val_loss),
           "best_epoch": int(res.best_epoch), "epochs_run": int(res.epochs_run),
           "stopped_early": bool(res.stopped_early),
           "n_params": int(sum(p.numel() for p in model.parameters())), "n_pooled": n_pooled(L, k),
           "L_eff": effective_latent_dimension(L, k), "flops_train": int(res.flops_train),
           "wall_s": round(float(res.wall_s), 2)}
    if L == 1:
        mean, std = latent_on_grid(model, settings(dcfg).jet_R)
        out.update(latent_r=[float(r) for r in LATENT_R], latent_phi=[float(v) for v in mean],
                   latent_phi_spread=[float(v) for v in std])
    if not math.isfinite(out["auc"]):
        raise TaskError(f"moments: the AUC of k={k}, L={L} is not finite")
    return out
