"""The Gaussian Ansatz (Gambhir, Nachman, Thaler, arXiv 2205.03413, 2205.05084), in torch.

A network T(x, z) trained with the Donsker–Varadhan (DV) representation of the KL divergence,

    maximise  E_{p(x,z)}[T] − log E_{p(x)p(z)}[e^T]      (loss: its negative, :func:`dv_loss`),

converges to T*(x, z) = log p(x|z)/p(x) + const, so argmax_z T is the maximum-likelihood estimate of z given x and
−∂²T/∂z² its inverse covariance — neither depends on the prior p(z) the training sample was drawn from.  At the
optimum the objective equals the mutual information I(X; Z); any other T gives less, so on held-out data it is a
lower bound (:func:`mutual_information`).

The Ansatz makes both read-outs free of numerical maximisation and second derivatives::

    T(x, z) = A(x) + (z − B(x))·D(x) + ½ (z − B(x))ᵀ C(x, z) (z − B(x))

With D → 0, z = B(x) is a stationary point of T (the quadratic term and its gradient vanish there), C(x, B(x)) is
the Hessian there, and C negative definite makes it a maximum::

    ẑ(x) = B(x),      Σ̂(x) = −C(x, B(x))⁻¹          (σ̂ = √diag Σ̂)

**Our choices** (the talk leaves them open):

* C negative definite by construction: a network gives the entries of a lower-triangular L(x, z), whose diagonal
  passes through softplus (+10⁻³), and C = −L Lᵀ.  In one dimension C = −(softplus(c) + 10⁻³)².
* D → 0 by a penalty ``d_penalty`` · E|D(x)| added to the loss (an L1 penalty, as the public TensorFlow code
  does).  B and D are degenerate directions of T (shifting B by δ is, to first order, adding D = −Cδ); the penalty
  puts everything into B.
* Two MLPs (``depth`` hidden layers of ``hidden`` units, GELU: the curvature is read from C, but ReLU's kinks
  would still make B and C piecewise linear): ``head`` x → (A, B, D), the three functions of x sharing their hidden
  layers, and ``curv`` (x, z) → L — or x → L with ``c_uses_z=False``, which makes T exactly quadratic in z (the
  exact form for a Gaussian likelihood, and it converges faster on the toy; the talk's Ansatz is C(x, z), our
  default).  Inputs are standardised, x̃ = (x − x₀)/s_x and z̃ = (z − z₀)/s_z with the training sample's mean and
  standard deviation (per component, stored in the model); T is computed in these units (the DV objective is
  invariant under the reparametrisation) and :func:`calibrate` returns ẑ and σ̂ in the units of z.
* Marginal pairs: the training loop walks a fresh random permutation each epoch, so within a batch the pairs
  (x_i, z_{i+k}) (z rolled by k = 1, …, ``n_marginal``) are draws from p(x) p(z) — the "shuffle z within the batch"
  of the papers without a second random source.  :func:`mutual_information` uses ``n_shifts`` random rolls of the
  whole held-out set.
* The final weights of a cosine-decayed run are kept: the DV loss of a validation set is too noisy to pick a best
  step (``restore_best`` exists, off by default).

Training runs on the shared loop :func:`hepscaling.models.train.train` (Adam, seeds, cosine schedule, CUDA when
present).  :func:`train_mse_regressor` fits the mean-squared-error regression the talk compares with.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ..models.networks import MLP
from ..models.train import TrainResult, train

__all__ = ["GaussianAnsatz", "DVObjective", "dv_loss", "dv_bound", "train_gaussian_ansatz", "calibrate",
           "covariance", "mutual_information", "MIEstimate", "Regressor", "train_mse_regressor", "predict"]

C_FLOOR = 1e-3          # the diagonal of L is softplus(.) + C_FLOOR, so C = −L Lᵀ is negative definite


def _posint(v, name: str, who: str) -> int:
    if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1:
        raise ValueError(f"{who}: {name} must be a positive integer, got {v!r}")
    return int(v)


def _as_2d(a, name: str, who: str, dim: int | None = None) -> torch.Tensor:
    t = torch.as_tensor(np.asarray(a, dtype=np.float32) if not isinstance(a, torch.Tensor) else a,
                        dtype=torch.float32)
    if t.ndim == 1:
        t = t[:, None]
    if t.ndim != 2:
        raise ValueError(f"{who}: {name} must have shape (n,) or (n, dim), got {tuple(t.shape)}")
    if dim is not None and t.shape[1] != dim:
        raise ValueError(f"{who}: {name} has {t.shape[1]} components per sample, the model expects {dim}")
    if not torch.isfinite(t).all():
        raise ValueError(f"{who}: {name} contains NaN or infinite values")
    return t


# ------------------------------------------------------------------------------------------------------- the model
class GaussianAnsatz(nn.Module):
    """T(x, z) = A(x) + (z − B(x))·D(x) + ½ (z − B(x))ᵀ C(x, z) (z − B(x)), with C = −L Lᵀ negative definite.

    ``GaussianAnsatz(x_dim, z_dim, hidden=32, seed=0, depth=2, activation="gelu", c_uses_z=True)``: two MLPs of
    ``depth`` hidden layers of ``hidden`` units — ``head``: x → (A, B, D) (1 + 2 z_dim outputs: the three functions
    of x share their hidden layers) and ``curv``: (x, z) → the z_dim(z_dim+1)/2 entries of L (x alone with
    ``c_uses_z=False``: then T is exactly quadratic in z) — initial weights drawn from
    ``torch.Generator().manual_seed(seed)``, ``head`` first.  ``model(x, z)`` returns T, shape (n,);
    ``model.parts(x, z)`` returns (A, B, C, D) in standardised units.  Call :meth:`set_scales` (done by
    :func:`train_gaussian_ansatz`) before training on data that are not standardised."""

    def __init__(self, x_dim: int, z_dim: int, hidden: int = 32, seed: int = 0, depth: int = 2,
                 activation: str = "gelu", c_uses_z: bool = True):
        super().__init__()
        who = "GaussianAnsatz"
        self.x_dim, self.z_dim = _posint(x_dim, "x_dim", who), _posint(z_dim, "z_dim", who)
        hidden, depth = _posint(hidden, "hidden", who), _posint(depth, "depth", who)
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
            raise ValueError(f"{who}: seed must be an integer, got {seed!r}")
        if not isinstance(c_uses_z, bool):
            raise ValueError(f"{who}: c_uses_z must be true or false, got {c_uses_z!r}")
        self.c_uses_z = c_uses_z
        g = torch.Generator().manual_seed(int(seed))
        widths = (hidden,) * depth
        kw = {"activation": activation, "init": "xavier", "generator": g}
        self.head = MLP(self.x_dim, widths, 1 + 2 * self.z_dim, **kw)
        self.curv = MLP(self.x_dim + self.z_dim * c_uses_z, widths, self.z_dim * (self.z_dim + 1) // 2, **kw)
        rows, cols = torch.tril_indices(self.z_dim, self.z_dim)
        self.register_buffer("_tril_rows", rows, persistent=False)
        self.register_buffer("_tril_cols", cols, persistent=False)
        for name, d in (("x_loc", self.x_dim), ("z_loc", self.z_dim)):
            self.register_buffer(name, torch.zeros(d))
        for name, d in (("x_scale", self.x_dim), ("z_scale", self.z_dim)):
            self.register_buffer(name, torch.ones(d))
        self.hyper = {"x_dim": self.x_dim, "z_dim": self.z_dim, "hidden": hidden, "seed": int(seed),
                      "depth": depth, "activation": activation, "c_uses_z": c_uses_z}

    # ------------------------------------------------------------------ units
    def set_scales(self, x: torch.Tensor, z: torch.Tensor) -> None:
        """Standardise inputs with the mean and standard deviation (per component) of a training sample."""
        with torch.no_grad():
            for loc, scale, t in ((self.x_loc, self.x_scale, x), (self.z_loc, self.z_scale, z)):
                loc.copy_(t.mean(0))
                scale.copy_(t.std(0).clamp_min(1e-12))

    def _xt(self, x):
        return (x - self.x_loc) / self.x_scale

    def _zt(self, z):
        return (z - self.z_loc) / self.z_scale

    # ------------------------------------------------------------------ the Ansatz
    def abd(self, xt: torch.Tensor):
        """(A (n,), B (n, z_dim), D (n, z_dim)) at standardised x̃."""
        out = self.head(xt)
        d = self.z_dim
        return out[:, 0], out[:, 1:1 + d], out[:, 1 + d:]

    def lower(self, xt: torch.Tensor, zt: torch.Tensor | None) -> torch.Tensor:
        """L(x̃, z̃), shape (n, z_dim, z_dim): lower triangular, diagonal softplus(.) + C_FLOOR (``zt`` is ignored,
        and may be None, with ``c_uses_z=False``)."""
        raw = self.curv(torch.cat([xt, zt], dim=1) if self.c_uses_z else xt)
        if self.z_dim == 1:
            return (F.softplus(raw) + C_FLOOR)[:, :, None]
        n, d = len(raw), self.z_dim
        L = raw.new_zeros(n, d, d)
        L[:, self._tril_rows, self._tril_cols] = raw
        diag = torch.arange(d, device=raw.device)
        L[:, diag, diag] = F.softplus(L[:, diag, diag]) + C_FLOOR
        return L

    def curvature(self, xt: torch.Tensor, zt: torch.Tensor | None) -> torch.Tensor:
        """C(x̃, z̃) = −L Lᵀ, shape (n, z_dim, z_dim), negative definite (standardised units)."""
        L = self.lower(xt, zt)
        return -L @ L.transpose(1, 2)

    def parts(self, x: torch.Tensor, z: torch.Tensor):
        """(A (n,), B (n, z_dim), C (n, z_dim, z_dim), D (n, z_dim)) at (x, z), in standardised units."""
        xt, zt = self._xt(x), self._zt(z)
        a, b, d = self.abd(xt)
        return a, b, self.curvature(xt, zt), d

    @staticmethod
    def _ansatz(a, b, d, L, zt) -> torch.Tensor:
        r = zt - b
        if L.shape[1] == 1:
            quad = (L[:, 0, 0] * r[:, 0]).pow(2)
        else:
            quad = (L.transpose(1, 2) @ r[:, :, None])[:, :, 0].pow(2).sum(1)      # rᵀ L Lᵀ r = −rᵀ C r
        return a + (r * d).sum(1) - 0.5 * quad

    def terms(self, x: torch.Tensor, z: torch.Tensor, z_marginal: torch.Tensor | None = None):
        """(T(x, z) (n,), D(x) (n, z_dim), T(x, z_marginal) (k n,) or None): the Ansatz, its linear coefficient (for
        the D penalty) and, when ``z_marginal`` (k n rows: k blocks of n) is given, T at (x_i, z_marginal[j n + i])
        with A, B and D (and C when it does not depend on z) evaluated once."""
        xt, zt = self._xt(x), self._zt(z)
        a, b, d = self.abd(xt)
        if z_marginal is None:
            return self._ansatz(a, b, d, self.lower(xt, zt), zt), d, None
        n = len(x)
        k, rem = divmod(len(z_marginal), n)
        if rem or not k:
            raise ValueError(f"GaussianAnsatz.terms: z_marginal must have a multiple of {n} rows, got "
                             f"{len(z_marginal)}")
        rep = lambda u, m: u.repeat(m, *([1] * (u.ndim - 1)))                      # noqa: E731
        z_all = torch.cat([zt, self._zt(z_marginal)])
        # C once for the joint and all marginal pairs (one call of the network), or once per x
        L_all = self.lower(rep(xt, 1 + k), z_all) if self.c_uses_z else rep(self.lower(xt, None), 1 + k)
        t_all = self._ansatz(rep(a, 1 + k), rep(b, 1 + k), rep(d, 1 + k), L_all, z_all)
        return t_all[:n], d, t_all[n:]

    def forward(self, x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        return self.terms(x, z)[0]

    def flops(self, batch_size: int, n_marginal: int = 0) -> tuple[int, int]:
        """(forward, backward) FLOPs of T at ``batch_size`` points, plus ``n_marginal`` more z per point (the two
        MLPs' matrix multiplications; elementwise work not counted)."""
        f, b = self.head.flops(batch_size)
        cf, cb = self.curv.flops(batch_size)
        k = 1 + n_marginal if self.c_uses_z else 1
        return f + k * cf, b + k * cb


class DVObjective(nn.Module):
    """What the training loop trains: ``objective(x, z)`` returns, per sample i, the columns [T(x_i, z_i),
    T(x_i, z_{i+1}), ..., T(x_i, z_{i+K}), |D(x_i)|₁] — z rolled by 1, ..., K = ``n_marginal`` places: draws from
    p(x)p(z) when the batch is in random order (the batch must hold more than K samples).  The loss
    (:meth:`loss`) is :func:`dv_loss` of the joint column against all K marginal columns, plus ``d_penalty`` times
    the mean of the last.  More marginal pairs per batch make log E_marg[e^T] and its gradient less noisy, at the
    price of K evaluations of C (A, B and D are evaluated once)."""

    def __init__(self, model: GaussianAnsatz, d_penalty: float = 0.1, n_marginal: int = 1):
        super().__init__()
        self.model = model
        if isinstance(d_penalty, bool) or not isinstance(d_penalty, numbers.Real) or d_penalty < 0:
            raise ValueError(f"DVObjective: d_penalty must be a number >= 0, got {d_penalty!r}")
        self.d_penalty = float(d_penalty)
        self.n_marginal = _posint(n_marginal, "n_marginal", "DVObjective")

    def forward(self, x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        if len(x) <= self.n_marginal:
            raise ValueError(f"DVObjective: a batch of {len(x)} pairs cannot give {self.n_marginal} marginal "
                             "pairs per sample (rolls by 1..n_marginal must not return to the joint pair)")
        k = self.n_marginal
        z_m = torch.cat([torch.roll(z, s, dims=0) for s in range(1, k + 1)])
        t_joint, d, t_marg = self.model.terms(x, z, z_m)
        return torch.cat([t_joint[:, None], t_marg.reshape(k, -1).T, d.abs().sum(1, keepdim=True)], dim=1)

    def loss(self, out: torch.Tensor, _targets=None) -> torch.Tensor:
        return dv_loss(out[:, 0], out[:, 1:-1].reshape(-1)) + self.d_penalty * out[:, -1].mean()

    def flops(self, batch_size: int) -> tuple[int, int]:
        return self.model.flops(batch_size, self.n_marginal)


# ------------------------------------------------------------------------------------------------------- the loss
def _log_mean_exp(t: torch.Tensor) -> torch.Tensor:
    return torch.logsumexp(t, dim=0) - math.log(len(t))


def dv_bound(t_joint: torch.Tensor, t_marginal: torch.Tensor) -> torch.Tensor:
    """The Donsker–Varadhan bound E_joint[T] − log E_marg[e^T] (sample means; the log-mean-exp is computed stably)."""
    if t_joint.ndim != 1 or t_marginal.ndim != 1 or not len(t_joint) or not len(t_marginal):
        raise ValueError(f"dv_bound: T on joint and marginal pairs must be non-empty 1-d tensors, got shapes "
                         f"{tuple(t_joint.shape)} and {tuple(t_marginal.shape)}")
    return t_joint.mean() - _log_mean_exp(t_marginal)


def dv_loss(t_joint: torch.Tensor, t_marginal: torch.Tensor) -> torch.Tensor:
    """The Donsker–Varadhan loss −(E_joint[T] − log E_marg[e^T]); minimal (−I(X;Z)) at T = log p(x|z)/p(x) + c."""
    return -dv_bound(t_joint, t_marginal)


# --------------------------------------------------------------------------------------------------- training
def train_gaussian_ansatz(x, z, *, x_val=None, z_val=None, hidden: int = 32, depth: int = 2, seed: int = 0,
                          steps: int | None = None, epochs: int | None = None, batch_size: int = 512,
                          lr: float = 1e-3, d_penalty: float = 0.1, n_marginal: int = 1, schedule: str = "cosine",
                          eval_every: int | None = None, restore_best: bool = False, activation: str = "gelu",
                          c_uses_z: bool = True, device: str | None = None,
                          progress: bool = False) -> tuple[GaussianAnsatz, TrainResult]:
    """Train a :class:`GaussianAnsatz` on pairs ``(x, z)`` (arrays (n,) or (n, dim)) with the DV loss.

    The weights are drawn with ``seed`` and the batch order from a generator seeded with ``seed`` too.  Give
    ``steps`` or ``epochs`` (default: 2000 steps); ``n_marginal`` marginal pairs per joint pair in each batch
    (:class:`DVObjective`), ``d_penalty`` the weight of E|D(x)|.  With ``x_val, z_val`` the DV loss on them is
    evaluated every ``eval_every`` steps (the history); the final weights are kept unless ``restore_best`` (the DV
    loss of a validation set is noisy — one marginal pair per joint pair — so its best step is mostly chance, while
    the cosine schedule's last steps average the gradient noise away).  Adam with ``lr`` and a cosine decay
    (``schedule``); CUDA when present unless ``device`` says otherwise.  Returns the model (in eval mode, on the
    CPU) and the :class:`~hepscaling.models.train.TrainResult`."""
    who = "train_gaussian_ansatz"
    x, z = _as_2d(x, "x", who), _as_2d(z, "z", who)
    if len(x) != len(z):
        raise ValueError(f"{who}: x and z must have the same number of samples, got {len(x)} and {len(z)}")
    if len(x) < 2:
        raise ValueError(f"{who}: need at least 2 samples (a marginal pair needs a second z), got {len(x)}")
    if steps is None and epochs is None:
        steps = 2000
    model = GaussianAnsatz(x.shape[1], z.shape[1], hidden=hidden, seed=seed, depth=depth, activation=activation,
                           c_uses_z=c_uses_z)
    model.set_scales(x, z)
    objective = DVObjective(model, d_penalty, n_marginal)
    val = None
    if (x_val is None) != (z_val is None):
        raise ValueError(f"{who}: give both x_val and z_val, or neither")
    if x_val is not None:
        xv, zv = _as_2d(x_val, "x_val", who, x.shape[1]), _as_2d(z_val, "z_val", who, z.shape[1])
        val = (xv, zv, zv)
    result = train(objective, objective.loss, (x, z, z), val, lr=lr, batch_size=min(batch_size, len(x)),
                   steps=steps, epochs=epochs if steps is None else None, schedule=schedule, eval_every=eval_every,
                   restore_best=restore_best, seed=int(seed), device=device, progress=progress, desc="Gaussian Ansatz")
    model.cpu().eval()
    return model, result


# ------------------------------------------------------------------------------------------------- inference
def covariance(model: GaussianAnsatz, x) -> tuple[np.ndarray, np.ndarray]:
    """(ẑ (n, z_dim), Σ̂ (n, z_dim, z_dim)) in the units of z: ẑ = B(x), Σ̂ = −C(x, B(x))⁻¹."""
    model = model.cpu().eval()
    x = _as_2d(x, "x", "calibrate", model.x_dim)
    with torch.no_grad():
        xt = model._xt(x)
        b = model.abd(xt)[1]
        L = model.lower(xt, b)
        # −C⁻¹ = (L Lᵀ)⁻¹ = L⁻ᵀ L⁻¹, in standardised units; back to z: S Σ̃ S with S = diag(z_scale)
        eye = torch.eye(model.z_dim).expand(len(x), -1, -1)
        Linv = torch.linalg.solve_triangular(L.double(), eye.double(), upper=False)
        cov_t = Linv.transpose(1, 2) @ Linv
        s = model.z_scale.double()
        cov = cov_t * s[None, :, None] * s[None, None, :]
        z_hat = model.z_loc + model.z_scale * b
    return z_hat.numpy().astype(np.float64), cov.numpy()


def calibrate(model: GaussianAnsatz, x) -> tuple[np.ndarray, np.ndarray]:
    """(ẑ, σ̂), each (n, z_dim), in the units of z: ẑ = B(x), σ̂ = √diag(−C(x, ẑ)⁻¹)."""
    z_hat, cov = covariance(model, x)
    return z_hat, np.sqrt(np.diagonal(cov, axis1=1, axis2=2))


@dataclass(frozen=True)
class MIEstimate:
    """The DV bound on held-out pairs, in nats: ``value`` = ``joint`` − ``log_marginal``; ``error``: its standard
    error (delta method, the two terms' sampling errors added in quadrature); ``n``, ``n_marginal``: joint and
    marginal pairs used."""
    value: float
    error: float
    joint: float
    log_marginal: float
    n: int
    n_marginal: int


def _t_values(model: GaussianAnsatz, x: torch.Tensor, z: torch.Tensor, chunk: int = 65536) -> torch.Tensor:
    with torch.no_grad():
        return torch.cat([model(x[i:i + chunk], z[i:i + chunk]) for i in range(0, len(x), chunk)]).double()


def mutual_information(model: GaussianAnsatz, x, z, n_shifts: int = 16, seed: int = 0) -> MIEstimate:
    """The DV lower bound on I(X; Z) on held-out pairs ``(x, z)``: mean T over the joint pairs minus the log of the
    mean e^T over ``n_shifts`` marginal samples (x_i, z_{i+k}) for distinct random rolls k ∈ [1, n) drawn from
    ``numpy.random.default_rng(seed)``.  For the trained optimum this is I(X; Z); any other T gives less."""
    model = model.cpu().eval()
    who = "mutual_information"
    x, z = _as_2d(x, "x", who, model.x_dim), _as_2d(z, "z", who, model.z_dim)
    n = len(x)
    if len(z) != n or n < 2:
        raise ValueError(f"{who}: need as many z as x and at least 2 pairs, got {n} and {len(z)}")
    n_shifts = min(_posint(n_shifts, "n_shifts", who), n - 1)
    shifts = np.random.default_rng(seed).choice(np.arange(1, n), size=n_shifts, replace=False)
    tj = _t_values(model, x, z)
    tm = torch.cat([_t_values(model, x, torch.roll(z, int(k), dims=0)) for k in shifts])
    lme = float(_log_mean_exp(tm))
    w = torch.exp(tm - tm.max())
    rel_var = float(w.var() / w.mean() ** 2)            # var(e^T)/E[e^T]², scale-free
    err = math.sqrt(float(tj.var()) / n + rel_var / len(tm))
    return MIEstimate(value=float(tj.mean()) - lme, error=err, joint=float(tj.mean()), log_marginal=lme, n=n,
                      n_marginal=len(tm))


# ------------------------------------------------------------------------------------- the MSE comparison
class Regressor(nn.Module):
    """An MLP regression z ≈ f(x) on standardised inputs and targets (means and scales stored in the model)."""

    def __init__(self, x_dim: int, z_dim: int, hidden: int = 32, seed: int = 0, depth: int = 2,
                 activation: str = "gelu"):
        super().__init__()
        g = torch.Generator().manual_seed(int(seed))
        self.net = MLP(_posint(x_dim, "x_dim", "Regressor"), (_posint(hidden, "hidden", "Regressor"),)
                       * _posint(depth, "depth", "Regressor"), _posint(z_dim, "z_dim", "Regressor"),
                       activation=activation, init="xavier", generator=g)
        self.x_dim, self.z_dim = x_dim, z_dim
        for name, d, v in (("x_loc", x_dim, 0.0), ("x_scale", x_dim, 1.0), ("z_loc", z_dim, 0.0),
                           ("z_scale", z_dim, 1.0)):
            self.register_buffer(name, torch.full((d,), v))

    set_scales = GaussianAnsatz.set_scales

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The standardised prediction (what the MSE loss compares with the standardised z)."""
        return self.net((x - self.x_loc) / self.x_scale)

    def flops(self, batch_size: int) -> tuple[int, int]:
        return self.net.flops(batch_size)


def train_mse_regressor(x, z, *, x_val=None, z_val=None, hidden: int = 32, depth: int = 2, seed: int = 0,
                        steps: int | None = None, epochs: int | None = None, batch_size: int = 512,
                        lr: float = 1e-3, schedule: str = "cosine", eval_every: int | None = None,
                        restore_best: bool = False, activation: str = "gelu", device: str | None = None,
                        progress: bool = False) -> tuple[Regressor, TrainResult]:
    """Least-squares regression of z on x (the talk's "bread-and-butter" calibration): converges to the posterior
    mean E[z | x], which depends on the prior.  Same loop and conventions as :func:`train_gaussian_ansatz`."""
    who = "train_mse_regressor"
    x, z = _as_2d(x, "x", who), _as_2d(z, "z", who)
    if len(x) != len(z):
        raise ValueError(f"{who}: x and z must have the same number of samples, got {len(x)} and {len(z)}")
    if steps is None and epochs is None:
        steps = 2000
    model = Regressor(x.shape[1], z.shape[1], hidden=hidden, seed=seed, depth=depth, activation=activation)
    model.set_scales(x, z)
    zt = (z - model.z_loc) / model.z_scale
    val = None
    if (x_val is None) != (z_val is None):
        raise ValueError(f"{who}: give both x_val and z_val, or neither")
    if x_val is not None:
        xv, zv = _as_2d(x_val, "x_val", who, x.shape[1]), _as_2d(z_val, "z_val", who, z.shape[1])
        val = (xv, (zv - model.z_loc) / model.z_scale)
    result = train(model, "mse", (x, zt), val, lr=lr, batch_size=min(batch_size, len(x)), steps=steps,
                   epochs=epochs if steps is None else None, schedule=schedule, eval_every=eval_every,
                   restore_best=restore_best, seed=int(seed), device=device, progress=progress, desc="MSE regression")
    model.cpu().eval()
    return model, result


def predict(model: Regressor, x) -> np.ndarray:
    """The regression's ẑ(x), (n, z_dim), in the units of z."""
    model = model.cpu().eval()
    x = _as_2d(x, "x", "predict", model.x_dim)
    with torch.no_grad():
        return (model.z_loc + model.z_scale * model(x)).numpy().astype(np.float64)
