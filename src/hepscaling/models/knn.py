"""k-nearest-neighbour classifiers of paper A (kNN EMD, kNN LOT, kNN EFP).

The probability that a query jet is top is the fraction of top jets among its k nearest training jets (what
scikit-learn's ``KNeighborsClassifier.predict_proba`` returns with uniform weights), clipped away from 0 and 1 as
``sklearn.metrics.log_loss`` does (see :mod:`hepscaling.models.losses`).  ``k`` is a hyperparameter chosen on a validation set: we compute
the validation loss for every k in a grid and keep the best (paper A §4 and Fig. 7).

Three entry points share one core (:func:`knn_from_neighbours`):

* :func:`knn_on_features` — Euclidean kNN on feature vectors (LOT embedding, EFPs);
* :func:`knn_on_distances` — kNN from precomputed distance matrices (e.g. EMD between the query sets and a training
  pool; a training subset is a choice of columns, so one matrix serves every T and repeat);
* :func:`knn_on_neighbour_lists` — kNN from neighbour index lists (e.g. ``hepscaling.features.emd.knn_emd``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .losses import DEFAULT_EPS, binary_cross_entropy, clip_probabilities

DEFAULT_K_GRID = (1, 2, 3, 5, 8, 12, 16, 24, 32, 40, 50, 64, 80, 100, 128, 160, 200, 256)


@dataclass
class KNNResult:
    """Outcome of one kNN fit: the chosen k, its test loss, and the validation/test loss for every k tried."""
    k: int
    test_loss: float
    val_loss: float
    k_grid: list[int] = field(default_factory=list)
    val_losses: list[float] = field(default_factory=list)
    test_losses: list[float] = field(default_factory=list)
    test_proba: np.ndarray | None = None
    alt: dict = field(default_factory=dict)   # {eps: {"k", "val_loss", "test_loss"}} for other clippings of eq. (7)


def _check_labels(y, name: str) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"knn: {name} must be a 1-d array of 0/1 labels, got shape {y.shape}")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError(f"knn: {name} must contain only 0 (QCD) and 1 (top)")
    return y.astype(np.int8)


def usable_k_grid(k_grid, n_train: int) -> list[int]:
    """The k values of ``k_grid`` that a training set of ``n_train`` jets allows (at least k = n_train if none)."""
    if n_train < 1:
        raise ValueError("knn: the training set is empty")
    ks = sorted({int(k) for k in k_grid if 1 <= int(k) <= n_train})
    return ks or [n_train]


def knn_from_neighbours(neighbour_labels: np.ndarray, k_grid) -> np.ndarray:
    """Top fractions for every k: ``neighbour_labels`` (N, kmax) are the labels of each query's neighbours ordered by
    increasing distance; returns (len(k_grid), N) unclipped probabilities."""
    nl = np.asarray(neighbour_labels, dtype=np.float64)
    if nl.ndim != 2:
        raise ValueError(f"knn_from_neighbours: expected (n_query, k_max) neighbour labels, got shape {nl.shape}")
    ks = [int(k) for k in k_grid]
    if max(ks) > nl.shape[1]:
        raise ValueError(f"knn_from_neighbours: k = {max(ks)} exceeds the {nl.shape[1]} neighbours given")
    csum = np.cumsum(nl, axis=1)
    return np.stack([csum[:, k - 1] / k for k in ks])


def _select(pv, pt, y_val, y_test, ks, eps):
    vl = [binary_cross_entropy(y_val, p, eps) for p in pv]
    tl = [binary_cross_entropy(y_test, p, eps) for p in pt]
    return int(np.argmin(vl)), vl, tl  # ties: the smallest k


def _evaluate(val_nl, y_val, test_nl, y_test, k_grid, eps, keep_proba, alt_eps=()) -> KNNResult:
    ks = list(k_grid)
    pv = knn_from_neighbours(val_nl, ks)
    pt = knn_from_neighbours(test_nl, ks)
    best, vl, tl = _select(pv, pt, y_val, y_test, ks, eps)
    alt = {}
    for e in alt_eps:   # the same neighbours with another clipping of eq. (7): k chosen again on validation
        b, v, t = _select(pv, pt, y_val, y_test, ks, e)
        alt[float(e)] = {"k": ks[b], "val_loss": v[b], "test_loss": t[b]}
    return KNNResult(k=ks[best], test_loss=tl[best], val_loss=vl[best], k_grid=ks, val_losses=vl, test_losses=tl,
                     test_proba=clip_probabilities(pt[best], eps) if keep_proba else None, alt=alt)


def _nearest(D: np.ndarray, kmax: int) -> np.ndarray:
    """Column indices of the kmax smallest entries of each row of D, ordered by distance (stable for ties)."""
    n = D.shape[1]
    if kmax >= n:
        return np.argsort(D, axis=1, kind="stable")[:, :kmax]
    part = np.argpartition(D, kmax - 1, axis=1)[:, :kmax]
    order = np.argsort(np.take_along_axis(D, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def knn_on_distances(D_val, y_val, D_test, y_test, y_train, k_grid=DEFAULT_K_GRID, eps: float = DEFAULT_EPS,
                     keep_proba: bool = False, alt_eps=()) -> KNNResult:
    """kNN from distance matrices ``D_val`` (n_val, T) and ``D_test`` (n_test, T) to the T training jets."""
    y_train = _check_labels(y_train, "y_train")
    y_val, y_test = _check_labels(y_val, "y_val"), _check_labels(y_test, "y_test")
    D_val, D_test = np.asarray(D_val), np.asarray(D_test)
    for name, D, y in (("D_val", D_val, y_val), ("D_test", D_test, y_test)):
        if D.ndim != 2 or D.shape != (len(y), len(y_train)):
            raise ValueError(f"knn_on_distances: {name} must have shape ({len(y)}, {len(y_train)}) "
                             f"(queries x training jets), got {D.shape}")
        if not np.all(np.isfinite(D)):
            raise ValueError(f"knn_on_distances: {name} contains non-finite distances")
    ks = usable_k_grid(k_grid, len(y_train))
    kmax = max(ks)
    return _evaluate(y_train[_nearest(D_val, kmax)], y_val, y_train[_nearest(D_test, kmax)], y_test, ks, eps,
                     keep_proba, alt_eps)


def knn_on_neighbour_lists(idx_val, y_val, idx_test, y_test, y_train, k_grid=DEFAULT_K_GRID,
                           eps: float = DEFAULT_EPS, keep_proba: bool = False, alt_eps=()) -> KNNResult:
    """kNN from neighbour index lists (n_query, k_max) into the training set, ordered by increasing distance."""
    y_train = _check_labels(y_train, "y_train")
    y_val, y_test = _check_labels(y_val, "y_val"), _check_labels(y_test, "y_test")
    idx_val, idx_test = np.asarray(idx_val), np.asarray(idx_test)
    kmax_avail = min(idx_val.shape[1], idx_test.shape[1])
    ks = [k for k in usable_k_grid(k_grid, len(y_train)) if k <= kmax_avail] or [kmax_avail]
    return _evaluate(y_train[idx_val], y_val, y_train[idx_test], y_test, ks, eps, keep_proba, alt_eps)


def knn_on_features(X_train, y_train, X_val, y_val, X_test, y_test, k_grid=DEFAULT_K_GRID,
                    eps: float = DEFAULT_EPS, standardize: bool = False, keep_proba: bool = False,
                    alt_eps=()) -> KNNResult:
    """Euclidean kNN on feature vectors. ``standardize`` rescales each feature by the training mean and standard
    deviation first (raw EFPs span many orders of magnitude between degrees)."""
    from sklearn.neighbors import NearestNeighbors

    X_train = np.asarray(X_train, dtype=np.float64)
    X_val, X_test = np.asarray(X_val, dtype=np.float64), np.asarray(X_test, dtype=np.float64)
    y_train = _check_labels(y_train, "y_train")
    if X_train.ndim != 2 or len(X_train) != len(y_train):
        raise ValueError(f"knn_on_features: X_train must be (T, n_features) with T = len(y_train) = {len(y_train)}, "
                         f"got {X_train.shape}")
    for name, X in (("X_val", X_val), ("X_test", X_test)):
        if X.ndim != 2 or X.shape[1] != X_train.shape[1]:
            raise ValueError(f"knn_on_features: {name} must have {X_train.shape[1]} features, got shape {X.shape}")
    if standardize:
        mu, sd = X_train.mean(0), X_train.std(0)
        sd[sd == 0] = 1.0
        X_train, X_val, X_test = (X_train - mu) / sd, (X_val - mu) / sd, (X_test - mu) / sd
    ks = usable_k_grid(k_grid, len(y_train))
    nn = NearestNeighbors(n_neighbors=max(ks), algorithm="brute").fit(X_train)
    iv = nn.kneighbors(X_val, return_distance=False)
    it = nn.kneighbors(X_test, return_distance=False)
    return _evaluate(y_train[iv], _check_labels(y_val, "y_val"), y_train[it], _check_labels(y_test, "y_test"), ks,
                     eps, keep_proba, alt_eps)
