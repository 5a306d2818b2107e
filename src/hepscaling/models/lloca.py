"""The LLoCa-Transformer amplitude surrogate of paper B (§3.1, §4.3), built on the ``lloca`` package (version 2.0).

Lorentz Local Canonicalization (Spinner et al., arXiv:2505.20280, 2508.14898): a small Lorentz-equivariant *frames
net* predicts, for every particle i, a Lorentz transformation ``L_i`` (a local frame) with ``L_i -> L_i Λ⁻¹`` when
all momenta go ``p -> Λ p``; the local momenta ``L_i p_i`` are then Lorentz invariants, and a standard transformer
works on them.  In its attention, particle i reads the vector features of particle j through ``L_i L_j⁻¹`` (lloca's
``LLoCaAttention``), so nothing in the network ever breaks the symmetry.  One number per event (the standardised
log|M|²) is the mean over the particles of the transformer's per-particle outputs.

Architecture (after heidelberg-hepml/lloca-experiments' amplitude experiment, written here from the papers and the
``lloca`` API):

* **Frames net**: :class:`lloca.LearnedPDFrames` (a boost times a rotation, "polar decomposition") fed by
  :class:`lloca.MLPVectors`: one equivariant message-passing step over all pairs, each message a softmax-weighted,
  norm-normalised ``p_i + p_j``, the weights from an MLP (``frames_channels`` wide, 2 hidden layers) of the two
  particles' type one-hots and the standardised ``log m_ij²``.  Orthogonalisation (Gram-Schmidt) in float64.
* **Inputs of the transformer** per particle: the local momentum ``L_i p_i`` (4 invariants, in units of the
  momentum scale, see below) and the particle-type one-hot.
* **Backbone**: :class:`lloca.backbone.transformer.Transformer`, ``n_blocks`` pre-LayerNorm blocks of multi-head
  LLoCa attention and a GELU MLP (hidden width ``2 * channels``, as in lloca-experiments), ``channels`` wide with
  ``n_heads`` heads; each head's ``channels / n_heads`` features are half scalars and half four-vectors (for the
  default 16 per head: ``"8x0n+2x1n"``, the representation of lloca-experiments; :func:`head_reps`).  Only the
  vector features see the frame-to-frame transformations; a head of fewer than 4 features carries scalars only.

Design choices of this module
-----------------------------
**Reference momentum ``p_ref`` and the symmetry group.**  lloca 2.0 rescales the frame-to-frame transformations of
the attention (``preserve_variance=True``, its default) by ``1/γ_i`` per particle (``1/γ_i^k`` on a rank-k tensor
feature), ``γ_i = (L_i p_ref)⁰ / sqrt(p_ref² + ε²)`` (ε = 0.01 in the units of the momenta), to stop large boosts from
blowing up the feature variance; ``γ_i`` is detached (a fixed normalisation, no gradient).  We pass ``p_ref = P``,
the sum of the incoming momenta (the total momentum of the event), so ``γ_i`` is the Lorentz factor of particle i's
local frame relative to the event's centre-of-mass frame — the physically meaningful "how boosted is this frame"
(lloca's own choice for jets is the jet momentum, the same idea).  Because P is built from the inputs it transforms
covariantly, ``P -> Λ P``, so ``L_i P -> L_i Λ⁻¹ Λ P = L_i P`` and γ_i is an exact invariant: **the reference does
not break any symmetry, and the model is invariant under the whole proper orthochronous Lorentz group SO⁺(1,3)**
(every boost and rotation).  Only a *fixed* lab-frame reference (e.g. the beam direction (1, 0, 0, ±1) or (1, 0, 0, 0))
would break it, to the subgroup that leaves that vector unchanged (its little group; for (1, 0, 0, 0) the rotations
SO(3), for a beam direction the rotations about the beam axis and the null rotations ISO(2)).
It is not invariant under parity: the third axis of each frame is the cross product of the first two, an axial vector,
so a reflection ``p -> (E, -p)`` flips the sign of the third local component of every vector feature; the network is
then evaluated on mirrored local inputs and its output changes (the tests check both statements).  Spin-summed |M|²
of the processes here are parity-even functions of the momenta, so this costs only what the network must learn.

**Momentum normalisation.**  Amplitude momenta are in GeV (10-7000).  Every momentum is divided by one global number,
``momentum_scale`` (a buffer, GeV): a positive scalar commutes with every Lorentz transformation, so this keeps the
symmetry exact.  Given to the constructor, or else set on first use (:meth:`LLoCaTransformer.init_standardization`,
called automatically by the first forward pass) to the mean over that batch of ``sqrt(P²)`` — the partonic
centre-of-mass energy sqrt(ŝ), itself an invariant, so the scale does not depend on the frame the first batch comes
in.  Local momenta are then O(1): E_i / sqrt(ŝ) < 1 in the CM frame.  The same call sets the frames net's
standardisation of ``log m_ij²`` (mean and standard deviation over that batch, lloca's ``init_standardization``;
invariant statistics too).  Both are buffers (saved in the ``state_dict``); the call is a no-op once done.

**Particle types.**  One-hot vectors of a *type* per particle position, as scalar features of both the frames net and
the transformer.  ``particle_types=None`` gives every position its own type (one-hot of the index: the safe default,
no symmetry assumed, as lloca-experiments without ``permutation_symmetry``).  Positions with the same type are treated
identically, and since neither the frames net (sum over all pairs) nor the transformer (no positional encoding) nor
the mean over particles sees an order, **the prediction is invariant under any permutation of particles of equal
type**; it is not under swapping different types.  :func:`particle_types_for` gives equal types exactly to identical
particles on the same side of the process (same species, both incoming or both outgoing): e.g. ``u u~ > z g g g g`` ->
``[0, 1, 2, 3, 3, 3, 3]``, so the four gluons are interchangeable, the quark and antiquark are not.

**Precision.**  Momenta, the frames net's vectors, ``γ_i`` and the frames are float64 (``lloca``: float64
orthogonalisation).  The rest of the network runs in the dtype of its parameters (float32 by default, as in
lloca-experiments; ``model.double()`` for a float64 network — then the invariance holds to ~1e-11 of the output's size for boosts up
to γ = 10; the float32 network to ~1e-6).
The output is in the parameter dtype.

**Reproducibility.**  ``generator_seed`` (an int, or a ``torch.Generator`` from which one seed is drawn): the weights are
drawn inside :func:`torch.random.fork_rng` from that seed, so the same seed gives the same network and torch's global
random state is left untouched.  lloca's frames net draws Gaussian noise from the global generator on every call
(used only to regularise exactly light-like or collinear frame vectors, which do not occur for physical momenta); the
forward pass runs it inside ``fork_rng`` too, so neither building nor running the model moves the global state.

**FLOPs.**  No analytic ``flops`` method: :func:`hepscaling.models.train.train` measures them with
``torch.utils.flop_counter.FlopCounterMode`` (matrix products of the frames net, the frame transformations and the
transformer, including attention).
"""
from __future__ import annotations

import math
import numbers
from typing import Sequence

import torch
from torch import nn

__all__ = ["LLoCaTransformer", "lloca_size", "particle_types_for", "head_reps", "HEAD_DIM"]

#: Features per attention head in the :func:`lloca_size` family (lloca-experiments: 8 scalars + 2 four-vectors).
HEAD_DIM = 16


def _import_lloca():
    try:
        import lloca  # noqa: F401
        from lloca import LearnedPDFrames, MLPVectors
        from lloca.backbone.transformer import Transformer
        from lloca.reps.tensorreps import TensorReps
        from lloca.reps.tensorreps_transform import TensorRepsTransform
    except ImportError as err:   # pragma: no cover - exercised only without lloca
        raise ImportError("hepscaling.models.lloca needs the 'lloca' package (pip install lloca==2.0.0)") from err
    return LearnedPDFrames, MLPVectors, Transformer, TensorReps, TensorRepsTransform


def _pos_int(value, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"LLoCaTransformer: {name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def head_reps(head_dim: int) -> str:
    """lloca tensor representation of one attention head of ``head_dim`` features: half of them (rounded down, at
    least one when ``head_dim >= 4``) in four-vectors (``1n``), the rest scalars (``0n``).
    16 -> ``"8x0n+2x1n"`` (lloca-experiments), 8 -> ``"4x0n+1x1n"``, 4 -> ``"1x1n"``, 2 -> ``"2x0n"``."""
    head_dim = _pos_int(head_dim, "channels / n_heads")
    n_vec = max(1, head_dim // 8) if head_dim >= 4 else 0
    n_scal = head_dim - 4 * n_vec
    return "+".join(f"{m}x{r}" for m, r in ((n_scal, "0n"), (n_vec, "1n")) if m)


def particle_types_for(process) -> list[int]:
    """Type index per particle of ``process`` (a name of :data:`hepscaling.amplitudes.PROCESSES` or a ``Process``):
    equal exactly for identical particles on the same side (same species, both incoming or both outgoing), numbered
    in order of first appearance.  ``"u u~ > t t~ h"`` -> ``[0, 1, 2, 3, 4]``; ``"g g > g g g"`` -> ``[0, 0, 1, 1, 1]``."""
    from ..amplitudes import get_process
    proc = get_process(process)
    keys = [("in", p) for p in proc.initial] + [("out", p) for p in proc.final]
    ids: dict = {}
    return [ids.setdefault(k, len(ids)) for k in keys]


class LLoCaTransformer(nn.Module):
    """LLoCa-Transformer amplitude surrogate: ``(B, n, 4)`` four-momenta (E, px, py, pz) in GeV -> ``(B, n_out)``.

    Parameters
    ----------
    n_particles : number n of external particles (incoming first).
    particle_types : one integer type per particle (equal types = interchangeable particles, see the module
        docstring; :func:`particle_types_for` builds them from a process); None: every particle its own type.
    channels, n_blocks, n_heads : transformer width, depth and heads (``channels`` a multiple of ``n_heads``).
    frames_channels : hidden width of the frames net's MLP.
    n_out : outputs per event (1: the regression target; 2 for a heteroscedastic mean and log-variance).
    generator_seed : int or ``torch.Generator`` for reproducible initial weights (None: torch's global generator).
    n_incoming : the first ``n_incoming`` particles are incoming; their sum is the reference momentum ``p_ref``.
    momentum_scale : GeV dividing every momentum; None: mean sqrt(P²) of the first batch (see the module docstring).
    mlp_factor : hidden width of the blocks' MLPs in units of ``channels``.
    """

    def __init__(self, n_particles: int, particle_types: Sequence[int] | None = None, *, channels: int = 32,
                 n_blocks: int = 2, n_heads: int = 2, frames_channels: int = 16, n_out: int = 1,
                 generator_seed: int | torch.Generator | None = None, n_incoming: int = 2,
                 momentum_scale: float | None = None, mlp_factor: int = 2):
        super().__init__()
        LearnedPDFrames, MLPVectors, Transformer, TensorReps, TensorRepsTransform = _import_lloca()
        self.n_particles = _pos_int(n_particles, "n_particles", 2)
        self.channels = _pos_int(channels, "channels")
        self.n_blocks = _pos_int(n_blocks, "n_blocks")
        self.n_heads = _pos_int(n_heads, "n_heads")
        self.frames_channels = _pos_int(frames_channels, "frames_channels")
        self.n_out = _pos_int(n_out, "n_out")
        self.mlp_factor = _pos_int(mlp_factor, "mlp_factor")
        self.n_incoming = _pos_int(n_incoming, "n_incoming")
        if self.n_incoming > self.n_particles:
            raise ValueError(f"LLoCaTransformer: n_incoming = {n_incoming} exceeds n_particles = {n_particles}")
        if self.channels % self.n_heads:
            raise ValueError(f"LLoCaTransformer: channels = {channels} must be a multiple of n_heads = {n_heads}")
        if particle_types is None:
            types = list(range(self.n_particles))
        else:
            try:
                types = [int(t) for t in particle_types]
            except (TypeError, ValueError):
                raise ValueError(f"LLoCaTransformer: particle_types must be a sequence of integers, got "
                                 f"{particle_types!r}") from None
            if len(types) != self.n_particles:
                raise ValueError(f"LLoCaTransformer: particle_types has {len(types)} entries but n_particles = "
                                 f"{n_particles}")
            if any(t != f for t, f in zip(types, particle_types)) or min(types) < 0:
                raise ValueError(f"LLoCaTransformer: particle_types must be non-negative integers, got "
                                 f"{list(particle_types)!r}")
        ids = {t: i for i, t in enumerate(sorted(set(types)))}   # compact numbering
        self.particle_types = tuple(ids[t] for t in types)
        self.n_types = len(ids)
        if momentum_scale is not None and not (isinstance(momentum_scale, numbers.Real)
                                               and math.isfinite(momentum_scale) and momentum_scale > 0):
            raise ValueError(f"LLoCaTransformer: momentum_scale must be a positive number (GeV) or None, got "
                             f"{momentum_scale!r}")
        self.attn_reps = head_reps(self.channels // self.n_heads)

        if isinstance(generator_seed, torch.Generator):
            seed = int(torch.randint(0, 2 ** 62, (1,), generator=generator_seed))
        elif generator_seed is None:
            seed = None
        elif isinstance(generator_seed, numbers.Integral) and not isinstance(generator_seed, bool):
            seed = int(generator_seed)
        else:
            raise ValueError(f"LLoCaTransformer: generator_seed must be an int, a torch.Generator or None, got "
                             f"{generator_seed!r}")

        with torch.random.fork_rng(devices=[], enabled=seed is not None):
            if seed is not None:
                torch.manual_seed(seed)
            equivectors = _partial(MLPVectors, num_scalars=self.n_types, hidden_channels=self.frames_channels,
                                   num_layers_mlp=2, include_edges=True, operation="add", nonlinearity="softmax",
                                   fm_norm=True, layer_norm=True)
            self.framesnet = LearnedPDFrames(
                equivectors, ortho_kwargs={"use_float64": True, "method": "gramschmidt", "eps_norm": 1e-15,
                                           "eps_reg": 1e-16, "eps_reg_lightlike": 1e-16})
            self.backbone = Transformer(in_channels=4 + self.n_types, attn_reps=self.attn_reps,
                                        out_channels=self.n_out, num_blocks=self.n_blocks, num_heads=self.n_heads,
                                        mlp_factor=self.mlp_factor, preserve_variance=True)
        assert self.backbone.hidden_channels == self.channels
        block = self.framesnet.equivectors.block
        # lloca's init_standardization stores float64 statistics (from float64 momenta): register them as float64 so
        # that a state_dict loads into a fresh model without rounding
        block.edge_mean, block.edge_std = block.edge_mean.double(), block.edge_std.double()
        self.to_local = TensorRepsTransform(TensorReps("1x1n"))
        onehot = [[1.0 if t == j else 0.0 for j in range(self.n_types)] for t in self.particle_types]
        self.register_buffer("type_onehot", torch.tensor(onehot, dtype=torch.get_default_dtype()))
        self.register_buffer("momentum_scale",
                             torch.tensor(float(momentum_scale) if momentum_scale is not None else 1.0,
                                          dtype=torch.float64))
        self.register_buffer("initialised", torch.tensor(False))
        self._fixed_scale = momentum_scale is not None
        self._init_seen = False

    # ------------------------------------------------------------------ helpers
    @property
    def n_params(self) -> int:
        """Number of trainable parameters (frames net + transformer)."""
        return sum(p.numel() for p in self.parameters() if p.requires_grad)

    @property
    def dtype(self) -> torch.dtype:
        """dtype of the network (its parameters); the frames are float64 regardless."""
        return self.backbone.linear_in.weight.dtype

    def extra_repr(self) -> str:
        return (f"n_particles={self.n_particles}, particle_types={list(self.particle_types)}, "
                f"channels={self.channels}, n_blocks={self.n_blocks}, n_heads={self.n_heads}, "
                f"attn_reps={self.attn_reps!r}, frames_channels={self.frames_channels}, n_out={self.n_out}, "
                f"n_params={self.n_params}")

    def _check(self, momenta) -> torch.Tensor:
        if not isinstance(momenta, torch.Tensor):
            raise ValueError(f"LLoCaTransformer: momenta must be a torch tensor of shape (batch, "
                             f"{self.n_particles}, 4), got {type(momenta).__name__}")
        if momenta.ndim != 3 or momenta.shape[-1] != 4:
            raise ValueError(f"LLoCaTransformer: momenta must have shape (batch, n_particles={self.n_particles}, 4) "
                             f"with (E, px, py, pz) last, got {tuple(momenta.shape)}")
        if momenta.shape[1] != self.n_particles:
            raise ValueError(f"LLoCaTransformer: momenta has {momenta.shape[1]} particles but the model was built "
                             f"for n_particles = {self.n_particles}")
        if not momenta.is_floating_point():
            raise ValueError(f"LLoCaTransformer: momenta must be floating point, got {momenta.dtype}")
        return momenta.to(torch.float64)

    def reference(self, momenta: torch.Tensor) -> torch.Tensor:
        """``p_ref``: the sum of the incoming momenta, (B, 4) — covariant, see the module docstring."""
        return momenta[:, :self.n_incoming].sum(dim=1)

    @torch.no_grad()
    def init_standardization(self, momenta: torch.Tensor, force: bool = False) -> None:
        """Set the momentum scale (unless given to the constructor) and the frames net's ``log m_ij²``
        standardisation from ``momenta`` (B, n, 4) in GeV; a no-op once done unless ``force``."""
        p = self._check(momenta)
        if bool(self.initialised) and not force:
            return
        if len(p) == 0:
            raise ValueError("LLoCaTransformer: momenta for init_standardization must hold at least one event")
        if not self._fixed_scale:
            P = self.reference(p)
            m = (P[:, 0] ** 2 - (P[:, 1:] ** 2).sum(-1)).clamp(min=0).sqrt()
            scale = m.mean()
            if not (torch.isfinite(scale) and scale > 0):
                raise ValueError("LLoCaTransformer: the incoming momenta of the first batch have no positive "
                                 "invariant mass sqrt(P^2); pass momentum_scale= explicitly")
            self.momentum_scale.fill_(float(scale))
        self.framesnet.equivectors.block.edge_inited.fill_(False)
        self.framesnet.equivectors.init_standardization(p / self.momentum_scale)
        self.initialised.fill_(True)

    # ------------------------------------------------------------------ forward
    def forward(self, momenta: torch.Tensor) -> torch.Tensor:
        """(B, n, 4) four-momenta (GeV, any float dtype; used in float64) -> (B, n_out) in the network's dtype."""
        p = self._check(momenta)
        if not self._init_seen:                                      # read the buffer (a device sync) until set
            if not bool(self.initialised):
                self.init_standardization(p)
            self._init_seen = True
        p = p / self.momentum_scale.to(torch.float64)
        B, n = p.shape[:2]
        dtype = self.dtype
        scalars = self.type_onehot.to(dtype).unsqueeze(0).expand(B, n, self.n_types)
        # lloca draws noise for degenerate (light-like / collinear) frame vectors from torch's global generator on
        # every call; fork it so that a forward pass leaves the global random state alone
        cuda = [p.device.index if p.device.index is not None else torch.cuda.current_device()] \
            if p.device.type == "cuda" else []
        with torch.random.fork_rng(devices=cuda):
            frames = self.framesnet(p, scalars=scalars)             # local frames L_i, float64, (B, n, 4, 4)
        local = self.to_local(p, frames)                             # L_i p_i: invariants, float64
        features = torch.cat([local.to(dtype), scalars], dim=-1)
        p_ref = self.reference(p)                                    # float64
        frames.to(dtype=dtype)
        attention = self.backbone.attention
        try:
            out = self.backbone(features, frames, p_ref=p_ref)       # (B, n, n_out)
        finally:
            # lloca caches the batch's frames on the attention module; drop them so that the model holds no graph
            # between calls (deepcopy, as in the FLOP counter, fails on non-leaf tensors; and it frees memory)
            attention.frames = attention.frames_qkv = attention.frames_out = None
        return out.mean(dim=1)


def _partial(cls, **kwargs):
    """``functools.partial`` for lloca's ``equivectors(n_vectors=...)`` factory convention."""
    import functools
    return functools.partial(cls, **kwargs)


def lloca_size(n_params_target: float, n_particles: int, particle_types: Sequence[int] | None = None,
               n_out: int = 1) -> dict:
    """Constructor arguments of the LLoCa-Transformer of the family closest (in log) to ``n_params_target``.

    Family (width and depth grow together, as the paper's µP MLP-I at a fixed width/depth ratio; the head size of
    lloca-experiments): ``k`` heads of :data:`HEAD_DIM` = 16 features, ``channels = 16 k``, ``n_blocks = k``,
    ``frames_channels = min(128, 8 k)`` (128: lloca-experiments' frames net), k = 1, 2, ...  k = 2 is the default
    model (channels 32, 2 blocks, 2 heads, frames 16); about 6e6 parameters (the paper's size) is k = 14.
    Returns ``{"channels", "n_blocks", "n_heads", "frames_channels", "n_params"}`` (``n_params`` exact, counted on a
    built model)."""
    if not (isinstance(n_params_target, numbers.Real) and math.isfinite(n_params_target) and n_params_target > 0):
        raise ValueError(f"lloca_size: n_params_target must be a positive number, got {n_params_target!r}")
    _pos_int(n_particles, "n_particles", 2)

    def count(k: int) -> tuple[dict, int]:
        kw = {"channels": HEAD_DIM * k, "n_blocks": k, "n_heads": k, "frames_channels": min(128, 8 * k)}
        net = LLoCaTransformer(n_particles, particle_types, n_out=n_out, generator_seed=0, **kw)
        return kw, net.n_params

    best, best_d, k = None, math.inf, 1
    while True:
        kw, n = count(k)
        d = abs(math.log(n / n_params_target))
        if d < best_d:
            best, best_d = dict(kw, n_params=n), d
        if n > n_params_target:
            break
        k += 1
    return best
