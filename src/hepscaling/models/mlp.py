"""The DNN classifier of paper A (DNN EFP, DNN LOT), in torch.

Three fully-connected hidden layers of width 128 with ReLU, "critical" initialisation (He/Kaiming normal weights,
zero biases: the ReLU critical point of Roberts, Yaida & Hanin), Adam with learning rate 5e-4, batch size 16 for
T <= 300 and 128 above, at most 200 epochs, early stopping on the validation loss with patience 20 (the weights of the
best epoch are restored).  The paper's two-way softmax output is written as one logit with a sigmoid — the same
family of functions, without the redundant second logit.  Inputs are standardised with the training mean and
standard deviation.  Every random draw (initialisation, batch order) comes from one ``torch.Generator`` seeded by
``seed``; runs on CPU by default and on CUDA when present (``device=None``).

Built on the book's common pieces: the network is :class:`hepscaling.models.networks.MLP`, the loop
:func:`hepscaling.models.train.train` (loss :func:`hepscaling.models.losses.bce_with_logits`, the validation loss over
the whole validation set in one batch, evaluated before training and after every epoch; patience in epochs), which
also counts the training FLOPs (``MLPResult.flops``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .losses import DEFAULT_EPS, binary_cross_entropy, clip_probabilities


@dataclass
class MLPResult:
    test_loss: float
    val_loss: float
    best_epoch: int
    epochs_run: int
    stopped_early: bool
    history: list[float] = field(default_factory=list)   # validation loss per epoch
    flops: int = 0                                       # training FLOPs (convention of hepscaling.models.flops)


def default_batch_size(n_train: int) -> int:
    """Paper A: 16 for T <= 300, 128 for T > 300."""
    return 16 if n_train <= 300 else 128


def pick_device(device: str | None = None) -> str:
    """``device`` if given, else ``"cuda"`` when available, else ``"cpu"`` (:func:`hepscaling.models.train.pick_device`;
    imported on call so that importing this module does not import torch)."""
    from .train import pick_device as pick
    return pick(device)


def build_mlp(n_in: int, hidden=(128, 128, 128), generator=None):
    """The 3x128 ReLU network with critical (Kaiming normal, zero bias) initialisation; one output logit."""
    from .networks import MLP
    return MLP(n_in, hidden, n_out=1, activation="relu", init="kaiming", generator=generator)


def _standardise(X_train, *others):
    mu = X_train.mean(0)
    sd = X_train.std(0)
    sd[sd == 0] = 1.0
    return [((X - mu) / sd).astype(np.float32) for X in (X_train, *others)]


def train_mlp(X_train, y_train, X_val, y_val, X_test=None, y_test=None, seed: int = 0, hidden=(128, 128, 128),
              lr: float = 5e-4, batch_size: int | None = None, max_epochs: int = 200, patience: int = 20,
              device: str | None = None, eps: float = DEFAULT_EPS, n_threads: int | None = 1):
    """Train the DNN with early stopping; returns (MLPResult, predict_proba function).

    ``n_threads``: torch CPU threads (process-wide setting; default 1 — with batches of 16-128 and a 128-wide
    network, extra threads only add synchronisation cost; ``None`` leaves torch's setting alone)."""
    import torch

    from .train import train

    X_train = np.asarray(X_train, dtype=np.float64)
    X_val = np.asarray(X_val, dtype=np.float64)
    y_train = np.asarray(y_train)
    y_val = np.asarray(y_val)
    if X_train.ndim != 2 or len(X_train) != len(y_train):
        raise ValueError(f"train_mlp: X_train must be (T, n_features) with T = len(y_train) = {len(y_train)}, "
                         f"got {X_train.shape}")
    if X_val.ndim != 2 or X_val.shape[1] != X_train.shape[1] or len(X_val) != len(y_val):
        raise ValueError(f"train_mlp: X_val must be (n_val, {X_train.shape[1]}) matching y_val, got {X_val.shape}")
    if max_epochs < 1 or patience < 1:
        raise ValueError("train_mlp: max_epochs and patience must be >= 1")
    T = len(X_train)
    bs = default_batch_size(T) if batch_size is None else int(batch_size)

    Xs = _standardise(X_train, X_val, *([] if X_test is None else [np.asarray(X_test, dtype=np.float64)]))
    gen = torch.Generator().manual_seed(int(seed))
    net = build_mlp(X_train.shape[1], hidden, generator=gen)
    fit = train(net, "bce_with_logits",
                (torch.from_numpy(Xs[0]), torch.from_numpy(y_train.astype(np.float32))),
                (torch.from_numpy(Xs[1]), torch.from_numpy(y_val.astype(np.float32))),
                optimizer="adam", lr=lr, batch_size=bs, epochs=max_epochs, patience=patience, min_delta=1e-7,
                val_batch_size=len(X_val), generator=gen, device=device, progress=False, n_threads=n_threads)
    dev = torch.device(fit.device)

    def predict(X, already_standardised=False) -> np.ndarray:
        Xa = np.asarray(X, dtype=np.float32) if already_standardised else _standardise(X_train, np.asarray(X))[1]
        with torch.no_grad():
            # the sigmoid in float64: a float32 sigmoid is exactly 1 above a logit of ~17, which eq. (7) would clip
            out = torch.sigmoid(net(torch.from_numpy(Xa).to(dev)).squeeze(1).double()).cpu().numpy()
        return clip_probabilities(out, eps)

    vl = binary_cross_entropy(y_val, predict(Xs[1], True), eps)
    tl = float("nan")
    if X_test is not None:
        tl = binary_cross_entropy(np.asarray(y_test), predict(Xs[2], True), eps)
    res = MLPResult(test_loss=tl, val_loss=vl, best_epoch=fit.best_epoch, epochs_run=fit.epochs_run,
                    stopped_early=fit.stopped_early, history=[h["val_loss"] for h in fit.history[1:]],
                    flops=fit.flops_train)
    return res, predict
