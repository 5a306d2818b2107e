"""One point of paper A's sweeps: train one classifier on a random training set of size T and measure its test loss.

The sweep directory is keyed on this module's code (and what it imports: the data, features and models), so editing
the grids, summaries or page helpers never invalidates finished points.

Classifiers (§4): ``knn_emd``, ``knn_lot``, ``knn_efp``, ``lr_efp``, ``dnn_efp``, ``dnn_lot``. Definitions (the
chapter's introduction lists them with the paper's words):

* the loss is eq. (7) as ``sklearn.metrics.log_loss`` computes it (probabilities clipped to [ε, 1 − ε], ε the float64
  machine epsilon); kNN points also report the loss with the clipping of 1e-3 this book used before (``loss_eps1e-3``);
* kNN EMD: eq. (3) — pT in GeV with the |Σ pT − Σ pT'| term, R = 0.8, β = 1 — on jets centred on their pT-weighted
  centroid, on its own, smaller pool and validation/test sets (as the paper: T <= 3.5e4, test 1e4); a point with
  ``emd_normalised=True`` uses pT-normalised jets instead (then R only rescales every distance);
* kNN EFP: the standard Euclidean distance on the EFPs, as the paper says; ``standardize=True`` standardises first;
* LR: liblinear, C = 1, on standardised EFPs (the paper does not say; ``scale=False`` fits the raw EFPs);
* DNNs: 3 x 128 ReLU (``width``/``depth`` change it, for the paper's "tripling width and depth" check), on
  standardised inputs;
* a training set of size T is a uniform random subset (without replacement) of the training pool, drawn with the
  point's own seed; if it happens to contain only one class, one jet is swapped for a random jet of the other class;
* kNN probabilities are the fraction of top neighbours (``KNeighborsClassifier.predict_proba``), k chosen on the
  validation set.
"""
from __future__ import annotations

import numpy as np

from ...models.knn import DEFAULT_K_GRID, knn_on_distances, knn_on_features
from ...models.logistic import logistic_on_features
from ...models.losses import DEFAULT_EPS, LEGACY_EPS
from ...models.mlp import train_mlp
from .data import get_features

CLASSIFIERS = ("knn_emd", "knn_lot", "knn_efp", "lr_efp", "dnn_efp", "dnn_lot")
FEATURE_OF = {"knn_emd": "emd", "knn_lot": "lot", "knn_efp": "efp", "lr_efp": "efp", "dnn_efp": "efp",
              "dnn_lot": "lot"}


class TaskError(ValueError):
    pass


def subsample(y_pool: np.ndarray, T: int, seed: int) -> np.ndarray:
    """Indices of a random training set of size T from the pool (both classes present whenever T >= 2)."""
    n = len(y_pool)
    if not 1 <= T <= n:
        raise TaskError(f"paper A: training-set size T = {T} must lie in [1, {n}] (the training pool)")
    rng = np.random.default_rng(seed)
    idx = rng.choice(n, size=T, replace=False)
    if T >= 2 and len(np.unique(y_pool[idx])) == 1:
        other = np.flatnonzero(y_pool != y_pool[idx[0]])
        if len(other):
            idx[rng.integers(T)] = rng.choice(other)
    return np.sort(idx)


def efp_degree_order(dmax: int = 6) -> np.ndarray:
    """Column order of the EFPs sorted by degree d (stable: energyflow's order within a degree)."""
    from ...features.efp import efp_graphs
    return np.argsort([g.degree for g in efp_graphs(dmax)], kind="stable")


def efp_degree_counts(dmax: int = 6) -> dict[int, int]:
    """{d: number of EFPs of degree <= d} — the degree boundaries of Fig. 3 (1, 4, 12, 35, 101, 313 for d <= 6)."""
    from ...features.efp import efp_graphs
    deg = np.array([g.degree for g in efp_graphs(dmax)])
    return {d: int((deg <= d).sum()) for d in range(1, dmax + 1)}


def point_task(point: dict, seed: int, dcfg: dict, k_grid=DEFAULT_K_GRID, eps: float = DEFAULT_EPS,
               device: str | None = None) -> dict:
    """Train classifier ``point["classifier"]`` on a random training set of size ``point["T"]`` (seeded by ``seed``)
    and return its test loss (eq. 7) and diagnostics. Optional point keys: ``R``, ``emd_set`` ("small") and
    ``emd_normalised`` for kNN EMD, ``n_ref`` (LOT), ``standardize`` (kNN EFP), ``n_features`` (LR: the first n EFPs
    in order of degree) and ``scale`` (LR), ``width`` and ``depth`` (DNNs)."""
    clf, T = point["classifier"], int(point["T"])
    if clf not in CLASSIFIERS:
        raise TaskError(f"paper A: unknown classifier {clf!r}; expected one of {CLASSIFIERS}")
    f = get_features(dcfg, FEATURE_OF[clf], point)
    idx = subsample(f["y_train"], T, seed)
    ytr = f["y_train"][idx]
    if clf == "knn_emd":
        r = knn_on_distances(f["D_val"][:, idx], f["y_val"], f["D_test"][:, idx], f["y_test"], ytr, k_grid, eps,
                             alt_eps=(LEGACY_EPS,))
    elif clf in ("knn_lot", "knn_efp"):
        r = knn_on_features(f["X_train"][idx], ytr, f["X_val"], f["y_val"], f["X_test"], f["y_test"], k_grid, eps,
                            standardize=bool(point.get("standardize", False)), alt_eps=(LEGACY_EPS,))
    if clf.startswith("knn"):
        legacy = r.alt[LEGACY_EPS]
        return {"loss": r.test_loss, "val_loss": r.val_loss, "k": r.k, "k_grid": list(r.k_grid),
                "val_losses": list(map(float, r.val_losses)), "test_losses": list(map(float, r.test_losses)),
                "loss_eps1e-3": legacy["test_loss"], "k_eps1e-3": legacy["k"]}
    if clf == "lr_efp":
        Xtr, Xv, Xt = f["X_train"][idx], f["X_val"], f["X_test"]
        nf = point.get("n_features")
        if nf is not None:
            cols = efp_degree_order(int(dcfg["efp_dmax"]))
            Xtr, Xv, Xt = Xtr[:, cols], Xv[:, cols], Xt[:, cols]
        r = logistic_on_features(Xtr, ytr, Xt, f["y_test"], Xv, f["y_val"],
                                 n_features=None if nf is None else int(nf), eps=eps, seed=seed,
                                 scale=bool(point.get("scale", True)))
        return {"loss": r.test_loss, "val_loss": r.val_loss, "n_features": r.n_features, "converged": r.converged}
    hidden = (int(point.get("width", 128)),) * int(point.get("depth", 3))
    r, _ = train_mlp(f["X_train"][idx], ytr, f["X_val"], f["y_val"], f["X_test"], f["y_test"], seed=seed,
                     hidden=hidden, max_epochs=int(dcfg["dnn_max_epochs"]), patience=int(dcfg["dnn_patience"]),
                     device=device, eps=eps)
    return {"loss": r.test_loss, "val_loss": r.val_loss, "best_epoch": r.best_epoch, "epochs_run": r.epochs_run,
            "stopped_early": r.stopped_early, "train_flops": float(r.flops)}
