"""Logistic regression (paper A: scikit-learn, liblinear solver, on the 313 EFPs, T >= 400).

scikit-learn's default L2 strength (C = 1) is kept, as the paper states no other value. By default the features are
standardised with the training set's mean and standard deviation first (``scale=True``): the paper does not say, and
the raw EFPs span many orders of magnitude between degrees, so the same C would regularise each degree differently;
``scale=False`` fits the raw features, as a bare ``LogisticRegression(solver="liblinear")`` would.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .losses import DEFAULT_EPS, binary_cross_entropy, clip_probabilities


@dataclass
class LRResult:
    test_loss: float
    val_loss: float | None
    n_features: int
    converged: bool


def fit_logistic(X_train, y_train, C: float = 1.0, max_iter: int = 1000, seed: int = 0, scale: bool = True):
    """Fit (standardisation +) liblinear logistic regression; returns a fitted scikit-learn Pipeline."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X_train = np.asarray(X_train, dtype=np.float64)
    y_train = np.asarray(y_train)
    if X_train.ndim != 2 or len(X_train) != len(y_train):
        raise ValueError(f"fit_logistic: X_train must be (T, n_features) with T = len(y_train) = {len(y_train)}, "
                         f"got {X_train.shape}")
    if len(np.unique(y_train)) != 2:
        raise ValueError("fit_logistic: the training set must contain both classes (0 = QCD, 1 = top)")
    lr = LogisticRegression(solver="liblinear", C=C, max_iter=max_iter, random_state=seed)
    model = make_pipeline(StandardScaler(), lr) if scale else make_pipeline(lr)
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always", ConvergenceWarning)
        model.fit(X_train, y_train)
    model.converged_ = not any(issubclass(x.category, ConvergenceWarning) for x in w)
    return model


def predict_proba(model, X, eps: float = DEFAULT_EPS) -> np.ndarray:
    return clip_probabilities(model.predict_proba(np.asarray(X, dtype=np.float64))[:, 1], eps)


def logistic_on_features(X_train, y_train, X_test, y_test, X_val=None, y_val=None, n_features: int | None = None,
                         C: float = 1.0, eps: float = DEFAULT_EPS, seed: int = 0, scale: bool = True) -> LRResult:
    """Train LR on the first ``n_features`` columns (all by default) and return its test (and validation) loss."""
    X_train = np.asarray(X_train)
    nf = X_train.shape[1] if n_features is None else int(n_features)
    if not 1 <= nf <= X_train.shape[1]:
        raise ValueError(f"logistic_on_features: n_features must be in [1, {X_train.shape[1]}], got {n_features}")
    model = fit_logistic(X_train[:, :nf], y_train, C=C, seed=seed, scale=scale)
    tl = binary_cross_entropy(y_test, predict_proba(model, np.asarray(X_test)[:, :nf], eps), eps)
    vl = None
    if X_val is not None:
        vl = binary_cross_entropy(y_val, predict_proba(model, np.asarray(X_val)[:, :nf], eps), eps)
    return LRResult(test_loss=tl, val_loss=vl, n_features=nf, converged=model.converged_)
