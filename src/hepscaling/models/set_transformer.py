"""Paper D's jet classifier: a set transformer over the constituents of a jet.

Architecture (``SetTransformer``)
---------------------------------
``x`` (B, M, F) per-particle inputs (:func:`hepscaling.features.jetclass_inputs`) with ``mask`` (B, M) True for real
particles; the model is called as ``model(x, mask)`` and returns (B, n_classes) logits.

1. **Standardisation** (no parameters): ``(x - mean) / std`` per feature, with ``mean``/``std`` buffers set from
   training data by :meth:`SetTransformer.init_standardization` (identity until then); padded slots are set to 0.
2. **Embedding** (per particle, shared): ``Linear(F, e) -> GELU -> Linear(e, d)``, e = ``embed_hidden``
   (default d).  With ``pooling="cls"`` a learned class token (d) is prepended to the sequence.
3. ``n_blocks`` **pre-LN transformer blocks**: ``h += Dropout(Attn(LN(h)))``, ``h += Dropout(MLP(LN(h)))``;
   ``Attn`` is multi-head self-attention (``n_heads`` heads of d/n_heads, one ``Linear(d, 3d)`` for q, k, v and a
   ``Linear(d, d)`` output projection, dropout on the attention weights) in which padded particles are masked
   out as keys (score -inf, weight exactly 0); ``MLP`` is ``Linear(d, ff_mult d) -> GELU -> Dropout ->
   Linear(ff_mult d, d)``.
4. **Pooling**: the class token's output (``"cls"``) or the mean over real particles (``"mean"``); then
   ``LayerNorm -> Linear(d, n_classes)``.

No positional information enters, so the output is invariant under permutations of the particles and does not
depend on padded slots (nor on how many there are): tested in ``tests/models/test_set_transformer.py``.

Parameter count (Kaplan et al. 2020 / Hoffmann et al. 2022)
----------------------------------------------------------
``n_params`` counts the **non-embedding** parameters, as Kaplan et al. (who exclude the token and position
embeddings): the transformer blocks (attention, MLPs and their LayerNorms, weights and biases), the final LayerNorm
and the classification head.  The **embedding** is what maps a particle to the model width — the per-particle
embedding MLP — and the class token (``n_embedding_params``); ``n_params_total`` counts everything (the convention
of Hoffmann et al.).  The standardisation buffers are not parameters.  Closed form (``d`` = d_model, ``f`` =
ff_mult, ``C`` = n_classes)::

    n_params = n_blocks ((4 + 2f) d² + (9 + f) d) + 2 d + (d + 1) C

FLOPs (convention of :mod:`hepscaling.models.flops`: 2 per multiply-add, matrix products only)
--------------------------------------------------------------------------------------------------
For B jets padded to M = ``n_particles`` slots, S = M (+1 with a class token) tokens, e the embedding width::

    forward  = 2 B M (F e + e d)                                    embedding (every slot, padded ones included)
             + n_blocks [2 B S (4 d² + 2 f d²) + 4 B S² d]            q,k,v, output, MLP; q·k and weights·v
             + 2 B d C                                               head
    backward = 2 forward - 2 B M F e                                 (no input gradient of the first layer)

exact for ``torch.utils.flop_counter`` (tested), so :func:`hepscaling.models.train.train` counts a run's compute
analytically through ``model.flops(batch_size)``.  The count is for dense padded batches of M slots: the nominal
compute of the cap, which is what the book calls C.  Because it depends on M, ``forward`` requires
``x.shape[1] == model.n_particles`` (set the attribute to evaluate the same weights at another padding length).
With ``trim_padding`` (default) the forward pass first drops the trailing slots that are padding in *every* jet of
the batch (for pT-ordered inputs: the slots beyond the batch's longest jet); the output is unchanged (padded slots
never enter it) and only the work done shrinks, so C is then an upper bound of the FLOPs actually executed (equal
when some jet of every batch fills the cap; ``trim_padding=False`` computes the dense padded batch).  Per jet: forward + backward ≈ 6 n_params M + 12 n_blocks M² d: the
``C ≈ 6 N D`` of Kaplan/Chinchilla with D counted in particles, plus attention's length-dependent term.

Training
--------
Train with :func:`hepscaling.models.train.train` on ``(x, mask, labels)`` with ``loss=torch.nn.functional.
cross_entropy`` (labels: int64 class indices), ``optimizer="adamw"`` (decoupled weight decay, Loshchilov & Hutter)
and ``param_groups=model.param_groups(weight_decay=...)`` — weight decay on the weight matrices only, not on biases,
LayerNorm gains or the class token — and ``schedule="cosine"``.  Dropout draws from torch's global generator.

Initialisation (from ``generator``, in module order): every ``Linear`` weight ~ N(0, 1/fan_in), the attention output
and MLP output projections additionally scaled by 1/sqrt(2 n_blocks) (GPT-2); biases 0; LayerNorms (1, 0); class
token ~ N(0, 1); the head's weight and bias are 0, so the initial loss is exactly ln(n_classes).  With a
``generator`` torch's global random state is left untouched (so building a model does not shift dropout masks).
"""
from __future__ import annotations

import math
import numbers

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["SetTransformer", "set_transformer_shape", "non_embedding_params", "POOLINGS"]

POOLINGS = ("cls", "mean")


def _pos_int(value, name: str, who: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{who}: {name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def non_embedding_params(d_model: int, n_blocks: int, ff_mult: int = 4, n_classes: int = 10) -> int:
    """Closed-form ``n_params`` (non-embedding parameters) of a :class:`SetTransformer`."""
    d, f = d_model, ff_mult
    return n_blocks * ((4 + 2 * f) * d * d + (9 + f) * d) + 2 * d + (d + 1) * n_classes


class _Block(nn.Module):
    """Pre-LN transformer block with masked multi-head self-attention."""

    def __init__(self, d: int, n_heads: int, ff_mult: int, dropout: float):
        super().__init__()
        self.n_heads, self.head_dim = n_heads, d // n_heads
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.ff1 = nn.Linear(d, ff_mult * d)
        self.ff2 = nn.Linear(ff_mult * d, d)
        self.act = nn.GELU()
        self.drop = nn.Dropout(dropout)

    def forward(self, h: torch.Tensor, key_bias: torch.Tensor) -> torch.Tensor:
        B, S, d = h.shape
        q, k, v = self.qkv(self.ln1(h)).view(B, S, 3, self.n_heads, self.head_dim).permute(2, 0, 3, 1, 4)
        if torch.is_grad_enabled():
            scores = torch.matmul(q * (1.0 / math.sqrt(self.head_dim)), k.transpose(-2, -1)) + key_bias
            o = torch.matmul(self.drop(torch.softmax(scores, dim=-1)), v)
        else:
            # Without gradients (validation, testing) torch's fused kernel computes the same attention (equal to
            # float32 rounding, tested): 2x faster on one CPU thread at our head width of 4.  Its backward pass is
            # slower than the explicit one's there (5.8 against 4.2 ms a step for N = 1e4, measured 2026-12-03),
            # so training keeps the matmul-softmax-matmul.
            o = F.scaled_dot_product_attention(q, k, v, attn_mask=key_bias,
                                               dropout_p=self.drop.p if self.training else 0.0)
        o = o.transpose(1, 2).reshape(B, S, d)
        h = h + self.drop(self.proj(o))
        return h + self.drop(self.ff2(self.drop(self.act(self.ff1(self.ln2(h))))))


class SetTransformer(nn.Module):
    """Permutation-invariant transformer classifier of jets as sets of particles (see the module docstring).

    Parameters
    ----------
    n_features : F, inputs per particle (7, 13 or 17 for the JetClass groups).
    d_model, n_blocks, n_heads : width, depth and heads (``d_model`` divisible by ``n_heads``).
    ff_mult : MLP hidden width / d_model.
    n_classes : outputs (10 for JetClass).
    n_particles : M, the padded length of the inputs (the multiplicity cap); enters the FLOP count only.
    pooling : ``"cls"`` (class token) or ``"mean"`` (masked mean over particles).
    dropout : dropout probability on attention weights, residual branches and the MLP hidden layer.
    embed_hidden : width of the embedding MLP's hidden layer (default d_model).
    trim_padding : drop the trailing slots that are padding in every jet of a batch before computing (exact; the
        FLOP count stays that of the padded batch).
    generator : ``torch.Generator`` of the initial weights (torch's global generator if None).
    """

    def __init__(self, n_features: int, d_model: int = 64, n_blocks: int = 2, n_heads: int = 4, ff_mult: int = 4,
                 n_classes: int = 10, *, n_particles: int = 128, pooling: str = "cls", dropout: float = 0.0,
                 embed_hidden: int | None = None, generator: torch.Generator | None = None,
                 trim_padding: bool = True):
        super().__init__()
        who = "SetTransformer"
        n_features, d_model, n_blocks, n_heads, ff_mult, n_classes, n_particles = (
            _pos_int(v, k, who) for k, v in (("n_features", n_features), ("d_model", d_model),
                                             ("n_blocks", n_blocks), ("n_heads", n_heads), ("ff_mult", ff_mult),
                                             ("n_classes", n_classes), ("n_particles", n_particles)))
        embed_hidden = d_model if embed_hidden is None else _pos_int(embed_hidden, "embed_hidden", who)
        if d_model % n_heads:
            raise ValueError(f"{who}: d_model ({d_model}) must be divisible by n_heads ({n_heads})")
        if pooling not in POOLINGS:
            raise ValueError(f"{who}: pooling must be one of {POOLINGS}, got {pooling!r}")
        if isinstance(dropout, bool) or not isinstance(dropout, numbers.Real) or not 0 <= dropout < 1:
            raise ValueError(f"{who}: dropout must be a number in [0, 1), got {dropout!r}")
        if generator is not None and not isinstance(generator, torch.Generator):
            raise ValueError(f"{who}: generator must be a torch.Generator or None, got {type(generator).__name__}")
        self.n_features, self.d_model, self.n_blocks, self.n_heads = n_features, d_model, n_blocks, n_heads
        self.ff_mult, self.n_classes, self.n_particles = ff_mult, n_classes, n_particles
        self.pooling, self.dropout, self.embed_hidden = pooling, float(dropout), embed_hidden
        self.trim_padding = bool(trim_padding)

        self.register_buffer("input_mean", torch.zeros(n_features))
        self.register_buffer("input_std", torch.ones(n_features))
        with torch.random.fork_rng(devices=[]):          # nn.Linear's own default init must not move the global RNG
            self.embed_in = nn.Linear(n_features, embed_hidden)
            self.embed_act = nn.GELU()
            self.embed_out = nn.Linear(embed_hidden, d_model)
            self.cls_token = nn.Parameter(torch.zeros(1, 1, d_model)) if pooling == "cls" else None
            self.blocks = nn.ModuleList(_Block(d_model, n_heads, ff_mult, self.dropout) for _ in range(n_blocks))
            self.norm = nn.LayerNorm(d_model)
            self.head = nn.Linear(d_model, n_classes)
        self._init_weights(generator)

    # ----------------------------------------------------------------------------------------- initialisation
    def _init_weights(self, generator):
        residual_scale = 1.0 / math.sqrt(2 * self.n_blocks)
        with torch.no_grad():
            def normal(layer: nn.Linear, scale: float = 1.0):
                nn.init.normal_(layer.weight, 0.0, scale / math.sqrt(layer.in_features), generator=generator)
                nn.init.zeros_(layer.bias)

            normal(self.embed_in)
            normal(self.embed_out)
            if self.cls_token is not None:
                nn.init.normal_(self.cls_token, 0.0, 1.0, generator=generator)
            for b in self.blocks:
                normal(b.qkv)
                normal(b.proj, residual_scale)
                normal(b.ff1)
                normal(b.ff2, residual_scale)
            nn.init.zeros_(self.head.weight)
            nn.init.zeros_(self.head.bias)

    def init_standardization(self, x: torch.Tensor, mask: torch.Tensor, min_std: float = 1e-6) -> None:
        """Set the input standardisation to the mean and standard deviation of each feature over the real particles
        of (training) inputs ``x`` (B, M, F) with ``mask`` (B, M); features with std < ``min_std`` (e.g. a flag
        that never fires) keep std 1."""
        self._check(x, mask, check_length=False)
        sel = x[mask.bool()].double()
        if sel.shape[0] < 2:
            raise ValueError("SetTransformer.init_standardization: need at least 2 real particles")
        mean, std = sel.mean(0), sel.std(0)
        std = torch.where(std < min_std, torch.ones_like(std), std)
        self.input_mean.copy_(mean.to(self.input_mean))
        self.input_std.copy_(std.to(self.input_std))

    # -------------------------------------------------------------------------------------------- counting
    @property
    def n_params(self) -> int:
        """Non-embedding parameters (Kaplan et al.): blocks, final LayerNorm and head."""
        return sum(p.numel() for m in (self.blocks, self.norm, self.head) for p in m.parameters())

    @property
    def n_embedding_params(self) -> int:
        """Embedding parameters: the per-particle embedding MLP and the class token."""
        n = sum(p.numel() for m in (self.embed_in, self.embed_out) for p in m.parameters())
        return n + (self.cls_token.numel() if self.cls_token is not None else 0)

    @property
    def n_params_total(self) -> int:
        """Every trainable parameter (the count of Hoffmann et al.)."""
        return sum(p.numel() for p in self.parameters())

    def flops(self, batch_size: int, n_particles: int | None = None) -> tuple[int, int]:
        """(forward, backward) FLOPs of one pass of ``batch_size`` jets padded to ``n_particles`` slots (default
        ``self.n_particles``); formula in the module docstring."""
        B = _pos_int(batch_size, "batch_size", "SetTransformer.flops")
        M = self.n_particles if n_particles is None else _pos_int(n_particles, "n_particles", "SetTransformer.flops")
        d, e, f, Fi, C = self.d_model, self.embed_hidden, self.ff_mult, self.n_features, self.n_classes
        S = M + (1 if self.pooling == "cls" else 0)
        first = 2 * B * M * Fi * e
        forward = (first + 2 * B * M * e * d
                   + self.n_blocks * (2 * B * S * (4 + 2 * f) * d * d + 4 * B * S * S * d)
                   + 2 * B * d * C)
        return forward, 2 * forward - first

    def flops_per_jet(self) -> int:
        """Training FLOPs per jet (forward + backward) at the padded length ``n_particles``."""
        fwd, bwd = self.flops(1)
        return fwd + bwd

    # ------------------------------------------------------------------------------------------ optimisation
    def param_groups(self, lr: float | None = None, weight_decay: float = 0.0) -> list[dict]:
        """AdamW groups: ``"decay"`` (every Linear weight matrix, ``weight_decay``) and ``"no_decay"`` (biases,
        LayerNorm parameters, class token; 0); with ``lr`` each group carries it."""
        if isinstance(weight_decay, bool) or not isinstance(weight_decay, numbers.Real) or weight_decay < 0:
            raise ValueError(f"SetTransformer.param_groups: weight_decay must be a number >= 0, got {weight_decay!r}")
        decay = [m.weight for m in self.modules() if isinstance(m, nn.Linear)]
        ids = {id(p) for p in decay}
        rest = [p for p in self.parameters() if id(p) not in ids]
        groups = [{"name": "decay", "params": decay, "weight_decay": float(weight_decay)},
                  {"name": "no_decay", "params": rest, "weight_decay": 0.0}]
        if lr is not None:
            for g in groups:
                g["lr"] = float(lr)
        return groups

    # ----------------------------------------------------------------------------------------------- forward
    def _check(self, x, mask, check_length: bool = True):
        if not isinstance(x, torch.Tensor) or x.ndim != 3 or x.shape[-1] != self.n_features:
            raise ValueError(f"SetTransformer: x must be a (B, M, {self.n_features}) tensor, got "
                             f"{tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__}")
        if not isinstance(mask, torch.Tensor) or tuple(mask.shape) != tuple(x.shape[:2]):
            raise ValueError(f"SetTransformer: mask must be a (B, M) = {tuple(x.shape[:2])} tensor, got "
                             f"{tuple(mask.shape) if isinstance(mask, torch.Tensor) else type(mask).__name__}")
        if check_length and x.shape[1] != self.n_particles:
            raise ValueError(f"SetTransformer: inputs have {x.shape[1]} particle slots but the model counts FLOPs "
                             f"for n_particles = {self.n_particles}; pad to that length or set model.n_particles")

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        self._check(x, mask)
        mask = mask.bool()
        if self.trim_padding:
            used = mask.any(0).nonzero()
            keep = int(used[-1]) + 1 if len(used) else 1
            if keep < mask.shape[1]:
                x, mask = x[:, :keep], mask[:, :keep]
        x = torch.where(mask[..., None], (x - self.input_mean) / self.input_std, torch.zeros((), dtype=x.dtype,
                                                                                             device=x.device))
        h = self.embed_out(self.embed_act(self.embed_in(x)))
        keys = mask
        if self.cls_token is not None:
            h = torch.cat([self.cls_token.expand(h.shape[0], 1, -1), h], dim=1)
            keys = torch.cat([torch.ones_like(mask[:, :1]), mask], dim=1)
        key_bias = torch.zeros(keys.shape, dtype=h.dtype, device=h.device).masked_fill(~keys, float("-inf"))
        key_bias = key_bias[:, None, None, :]
        for block in self.blocks:
            h = block(h, key_bias)
        if self.cls_token is not None:
            pooled = h[:, 0]
        else:
            w = mask.to(h.dtype)[..., None]
            pooled = (h * w).sum(1) / w.sum(1).clamp(min=1.0)
        return self.head(self.norm(pooled))

    def extra_repr(self) -> str:
        return (f"n_features={self.n_features}, d_model={self.d_model}, n_blocks={self.n_blocks}, "
                f"n_heads={self.n_heads}, ff_mult={self.ff_mult}, n_classes={self.n_classes}, "
                f"n_particles={self.n_particles}, pooling={self.pooling!r}, dropout={self.dropout}, "
                f"trim_padding={self.trim_padding}")


def set_transformer_shape(n_params: float, *, ratio: float = 32.0, head_dim: int = 16, ff_mult: int = 4,
                          n_classes: int = 10) -> dict:
    """Shape ``{"d_model", "n_blocks", "n_heads", "ff_mult"}`` (keywords of :class:`SetTransformer`) with about
    ``n_params``
    non-embedding parameters, width growing with depth at a fixed aspect ratio d_model / n_blocks ≈ ``ratio``
    (Kaplan et al. 2020 find the loss insensitive to it over a wide range).

    d_model is a multiple of ``head_dim`` (n_heads = d_model / head_dim).  For each depth the width whose count
    (:func:`non_embedding_params`) is closest to ``n_params`` is taken; among depths, the one whose d_model / n_blocks
    is closest to ``ratio`` in log (depth 1 when even that is narrower); the exact count of the shape is
    ``non_embedding_params(**shape, n_classes=n_classes)``."""
    who = "set_transformer_shape"
    if isinstance(n_params, bool) or not isinstance(n_params, numbers.Real) or not math.isfinite(n_params) \
            or n_params <= 0:
        raise ValueError(f"{who}: n_params must be a finite positive number, got {n_params!r}")
    if isinstance(ratio, bool) or not isinstance(ratio, numbers.Real) or not math.isfinite(ratio) or ratio <= 0:
        raise ValueError(f"{who}: ratio must be a finite positive number, got {ratio!r}")
    head_dim, ff_mult, n_classes = (_pos_int(v, k, who) for k, v in (("head_dim", head_dim), ("ff_mult", ff_mult),
                                                                      ("n_classes", n_classes)))

    def count(heads: int, depth: int) -> int:
        return non_embedding_params(heads * head_dim, depth, ff_mult, n_classes)

    def closest_heads(depth: int) -> int:
        lo, hi = 1, 2
        while count(hi, depth) < n_params:
            lo, hi = hi, hi * 2
        while hi - lo > 1:                                       # count is increasing in heads: bisect
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if count(mid, depth) < n_params else (lo, mid)
        return min((lo, hi), key=lambda h: (abs(count(h, depth) - n_params), h))

    best, depth = None, 1
    while True:
        heads = closest_heads(depth)
        d = heads * head_dim
        miss = abs(math.log(d / depth / ratio))
        if best is None or miss < best[2]:
            best = (heads, depth, miss)
        if d / depth <= ratio or heads == 1:
            break
        depth += 1
    heads, depth = best[0], best[1]
    return {"d_model": heads * head_dim, "n_blocks": depth, "n_heads": heads, "ff_mult": ff_mult}
