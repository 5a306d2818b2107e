"""One point of paper C's experiment (§III, Figs. 3 and 4): a sweep point of one of four stages.

The sweep directory is keyed on this module's code (and what it imports: the data, the tokenizer, the GPT, the
training loop), so editing the grids, summaries or pages never invalidates finished points. The stages run in order
(:func:`hepscaling.papers.aspen_open_jets.grids.run_points`); a later stage loads what an earlier one stored as a
sweep artifact (:func:`hepscaling.scaling.sweep.point_artifact`):

``{"stage": "tokenizer", "source": "aoj" | "jetclass"}``
    a VQ-VAE tokenizer (:func:`hepscaling.models.jet_tokenizer.train_tokenizer`) on the standardised constituents of
    the pretraining AOJ-like jets, or of JetClass-like jets of all ten classes (the scratch baseline's, as the paper's
    baseline uses OmniJet-α's JetClass tokenizer); returns the tokenizer (artifact), its codebook usage and its
    per-feature resolution on the validation jets.
``{"stage": "pretrain"}``
    the backbone (:class:`hepscaling.models.jet_gpt.JetGPT`) on the AOJ-like jets tokenized by the AOJ tokenizer:
    next-token cross-entropy, best-validation weights (artifact).
``{"stage": "reference", "target": "qcd" | "top", "tokenizer": "none" | "aoj" | "jetclass"}``
    the floors of the metrics: ``n_generate`` real held-out jets of the target (from the validation pool), as they
    are (``"none"``: the finite-sample floor of a perfect generator) or encoded and decoded by a tokenizer (the best a
    generator with that tokenizer can do), against the test jets.
``{"stage": "finetune", "target": ..., "strategy": "finetuned" | "scratch", "D": D, "repeat": r}``
    the GPT on the first D target jets, validated on the next ``validation_size(D)`` (next-token loss, patience in
    epochs, at most ``max_epochs``; best-validation weights), from the pretrained backbone with the AOJ tokenizer
    (``finetuned``) or randomly initialised with the JetClass tokenizer (``scratch``); then ``n_generate`` jets by
    multinomial sampling at temperature 1 with the KV cache, decoded by the frozen tokenizer, rebuilt as massless
    jets, and KL and W1 of jet pT, mass, τ21, τ32 and multiplicity against the test jets
    (:func:`hepscaling.metrics.distribution_distances`; KL on the test jets' quantile edges, KL(test ‖ generated) as
    the public OmniJet-α code).
"""
from __future__ import annotations

import functools
import json
import time

import numpy as np
import torch

from ...metrics import distribution_distances
from ...metrics.distances import quantile_edges
from ...models import jet_gpt, jet_tokenizer
from ...models.train import pick_device, train
from ...scaling.sweep import Artifact, point_artifact
from .config import validation_size
from .constituents import OBSERVABLES, jet_observables
from .data import pretraining_jets, scratch_tokenizer_jets, target_jets

STAGES = ("tokenizer", "pretrain", "reference", "finetune")
STRATEGIES = ("finetuned", "scratch")
FEATURES = ("pt", "deta", "dphi")


class TaskError(ValueError):
    pass


# ------------------------------------------------------------------------------------------------------ the jets
@functools.lru_cache(maxsize=8)
def _jets(key: str) -> dict:
    cfg, what = json.loads(key)
    if what == "aoj":
        return pretraining_jets(cfg, cfg["data_seed"])
    if what == "jetclass":
        return scratch_tokenizer_jets(cfg, cfg["data_seed"])
    return target_jets(cfg, what, cfg["data_seed"])


def jets(dcfg: dict, what: str) -> dict:
    """``"aoj"`` (pretraining), ``"jetclass"`` (the scratch tokenizer's) or a target's jets, once per process."""
    return _jets(json.dumps([dcfg, what], sort_keys=True))


def _take(part: dict, n: int | None = None) -> dict:
    return {k: v[:n] for k, v in part.items()}


def standardised(part: dict, max_constituents: int):
    """``(x, mask)`` torch tensors of a part's constituents, preprocessed as OmniJet-α
    (:func:`hepscaling.models.jet_tokenizer.standardise_constituents`: |Δη|, |Δφ| < 0.8, the first
    ``max_constituents`` by pT, log pT − 1.8, 3 Δη, 3 Δφ)."""
    x, m = jet_tokenizer.standardise_constituents(part["pt"], part["deta"], part["dphi"], part["mask"],
                                                  max_constituents=int(max_constituents))
    return torch.as_tensor(x), torch.as_tensor(m)


def preprocessed(part: dict, max_constituents: int) -> dict:
    """The constituents the model sees (after :func:`standardised`), back in ``pt, deta, dphi, mask``: the
    reference jets, so that generated and reference jets pass the same cuts and cap."""
    x, m = standardised(part, max_constituents)
    pt, deta, dphi = jet_tokenizer.unstandardise_constituents(x, m)
    return {"pt": pt, "deta": deta, "dphi": dphi, "mask": m.numpy()}


def tokens_of(tokenizer, part: dict, max_constituents: int) -> torch.Tensor:
    """Token sequences (start, codes, stop, padding) of a part's jets."""
    x, m = standardised(part, max_constituents)
    t = jet_gpt.to_sequences(tokenizer.encode(x, m).cpu(), tokenizer.n_codes)
    width = int((t != jet_gpt.special_tokens(tokenizer.n_codes)["pad"]).sum(1).max())
    return t[:, :max(width, 2)].contiguous()          # no all-padding columns: the same loss, less compute


def decoded(tokenizer, codes) -> dict:
    """The constituents ``pt, deta, dphi, mask`` the frozen tokenizer decodes from ``codes`` (``-1`` = padding)."""
    codes = torch.as_tensor(codes, dtype=torch.long)
    mask = codes >= 0
    with torch.no_grad():
        x = tokenizer.decode(codes.clamp(min=0), mask)
    pt, deta, dphi = jet_tokenizer.unstandardise_constituents(x, mask)
    m = mask.numpy()
    return {"pt": np.where(m, np.asarray(pt, np.float64), 0.0), "deta": np.where(m, np.asarray(deta, np.float64), 0.0),
            "dphi": np.where(m, np.asarray(dphi, np.float64), 0.0), "mask": m}


def observables_of(part: dict) -> dict[str, np.ndarray]:
    return jet_observables(part["pt"], part["deta"], part["dphi"], part["mask"])


@functools.lru_cache(maxsize=4)
def _test_observables(key: str) -> dict:
    dcfg, target = json.loads(key)
    return observables_of(preprocessed(jets(dcfg, target)["test"], dcfg["omnijet"]["max_constituents"]))


def test_observables(dcfg: dict, target: str) -> dict:
    return _test_observables(json.dumps([dcfg, target], sort_keys=True))


def kl_edges(reference, n_edges: int) -> np.ndarray:
    """The KL bin edges of one observable: ``n_edges`` reference quantiles (duplicates removed,
    :func:`hepscaling.metrics.distances.quantile_edges`); where the reference is constant between its 0.1 % and
    99.9 % quantiles (e.g. every jet at the multiplicity cap) one bin around that value."""
    try:
        return quantile_edges(reference, n_edges)
    except ValueError:
        v = float(np.median(reference))
        return np.array([v - 0.5, v + 0.5])


def distances(generated: dict, dcfg: dict, target: str) -> dict:
    """``{"kl_<obs>": ..., "w1_<obs>": ...}`` of generated observables against the target's test jets."""
    ref = test_observables(dcfg, target)
    bins = {k: kl_edges(v, int(dcfg["omnijet"]["kl_bins"])) for k, v in ref.items()}
    table = distribution_distances(generated, ref, bins=bins)
    out = {}
    for o in OBSERVABLES:
        out[f"kl_{o}"] = float(table.loc[o, "kl"])
        out[f"w1_{o}"] = float(table.loc[o, "w1"])
    return out


# ------------------------------------------------------------------------------------------------------- stages
def _source_artifact(context: dict, point: dict, name: str):
    return point_artifact(context["directory"], point, name)


def tokenizer_for(context: dict, source: str):
    return _source_artifact(context, {"stage": "tokenizer", "source": source}, "tokenizer")


def run_tokenizer(point: dict, seed: int, dcfg: dict, device: str | None) -> dict:
    source = point["source"]
    if source not in ("aoj", "jetclass"):
        raise TaskError(f"paper C tokenizer: source must be 'aoj' or 'jetclass', got {source!r}")
    data, o = jets(dcfg, source), dcfg["omnijet"]
    x, m = standardised(data["train"], o["max_constituents"])
    xv, mv = standardised(data["val"], o["max_constituents"])
    tok, history = jet_tokenizer.train_tokenizer(x, m, n_codes=int(o["n_codes"]), seed=seed, device=device,
                                                 val=(xv, mv), progress=False, **o["tokenizer"])
    tok = tok.cpu().eval()
    res = jet_tokenizer.reconstruction_resolution(tok, xv, mv)
    out = {"tokenizer": Artifact(tok), "n_train_jets": int(len(x)), "n_val_jets": int(len(xv)),
           "n_constituents_train": int(m.sum()), "n_params": int(history["n_params"]),
           "train_wall_s": float(history["wall_s"]), "n_replaced": int(history["n_replaced"])}
    for feat in ("pt_rel", "deta", "dphi"):
        out.update({f"{feat}_{k}": float(v) for k, v in res[feat].items()})
    out.update({f"usage_{k}": float(v) for k, v in res["codebook_usage"].items()})
    out["history"] = _plain_history(history["evals"])
    return out


def _plain_history(history) -> list:
    if isinstance(history, dict):
        return {k: _plain_history(v) for k, v in history.items()}
    if isinstance(history, (list, tuple)):
        return [_plain_history(v) for v in history]
    if hasattr(history, "item"):
        return history.item() if getattr(history, "ndim", 0) == 0 else history.tolist()
    return history


def build_gpt(dcfg: dict, seed: int) -> jet_gpt.JetGPT:
    g = dcfg["omnijet"]["gpt"]
    torch.manual_seed(int(seed))
    return jet_gpt.JetGPT(int(dcfg["omnijet"]["n_codes"]), int(g["d_model"]), int(g["n_layers"]), int(g["n_heads"]),
                          int(dcfg["omnijet"]["max_constituents"]) + 2)


def fit_gpt(gpt, tokens: torch.Tensor, val_tokens: torch.Tensor, *, batch_size: int, lr: float, max_epochs: int,
            patience: int, seed: int, device: str | None, max_steps: int | None = None):
    """Train ``gpt`` in place with the shared loop (:func:`hepscaling.models.train.train`) on the next-token
    cross-entropy (:func:`hepscaling.models.jet_gpt.gpt_loss`, padding masked): AdamW, constant learning rate,
    validation after every epoch, ``patience`` epochs without improvement stop, best-validation weights; at most
    ``max_epochs`` epochs and ``max_steps`` steps.  On the CPU torch runs one intra-op thread: the points run side by
    side, one per core (two threads on a loaded 2-core machine cost 3× the CPU time per step, measured)."""
    bs = min(int(batch_size), len(tokens))
    per_epoch = -(-len(tokens) // bs)
    steps = int(max_epochs) * per_epoch if max_steps is None else min(int(max_epochs) * per_epoch, int(max_steps))
    cpu = device in (None, "cpu") and not torch.cuda.is_available()
    return train(gpt, jet_gpt.gpt_loss(gpt.n_codes), jet_gpt.gpt_train_data(tokens), jet_gpt.gpt_train_data(val_tokens),
                 optimizer="adamw", lr=float(lr),
                 batch_size=bs, steps=steps, eval_every=per_epoch, patience=int(patience), seed=int(seed) + 1,
                 device=device,
                 progress=False, val_batch_size=max(bs, 256), n_threads=1 if cpu else None)


def _fit_summary(fit) -> dict:
    return {"best_val_loss": float(fit.best_val_loss), "best_epoch": int(fit.best_epoch),
            "epochs_run": int(fit.epochs_run), "steps_run": int(fit.steps_run), "stopped_early": bool(fit.stopped_early),
            "flops": float(fit.flops_train), "train_wall_s": float(fit.wall_s), "device": fit.device,
            "val_curve": [[h["epoch"], h["val_loss"], h["train_loss"]] for h in fit.history]}


def run_pretrain(point: dict, seed: int, dcfg: dict, context: dict, device: str | None) -> dict:
    tok = tokenizer_for(context, "aoj")
    data = jets(dcfg, "aoj")
    gpt = build_gpt(dcfg, seed)
    p = dcfg["omnijet"]["pretrain"]
    cap = dcfg["omnijet"]["max_constituents"]
    fit = fit_gpt(gpt, tokens_of(tok, data["train"], cap), tokens_of(tok, data["val"], cap), batch_size=p["batch_size"],
                  lr=p["lr"], max_epochs=p["max_epochs"], patience=p["patience"], seed=seed, device=device)
    state = {k: v.detach().cpu().clone() for k, v in gpt.state_dict().items()}
    return {"backbone": Artifact(state), "n_params": int(jet_gpt.n_params(gpt)), **_fit_summary(fit)}


def run_reference(point: dict, seed: int, dcfg: dict, context: dict) -> dict:
    target, which = point["target"], point["tokenizer"]
    data = jets(dcfg, target)
    cap = dcfg["omnijet"]["max_constituents"]
    real = preprocessed(_take(data["val"], int(dcfg["omnijet"]["n_generate"])), cap)
    if which != "none":
        tok = tokenizer_for(context, which)
        x, m = standardised(real, cap)
        real = decoded(tok, tok.encode(x, m))
    obs = observables_of(real)
    return {**distances(obs, dcfg, target), "n_jets": int(len(real["pt"])),
            "mean_multiplicity": float(obs["multiplicity"].mean())}


def generate_jets(gpt, tok, dcfg: dict, n_jets: int, seed: int) -> dict:
    """``n_jets`` jets sampled from ``gpt`` (temperature 1, KV cache) and decoded by the frozen ``tok``."""
    codes = jet_gpt.generate(gpt, int(n_jets), max_len=int(dcfg["omnijet"]["max_constituents"]), seed=int(seed),
                             temperature=1.0, use_kv_cache=True, batch_size=min(int(n_jets), 500))
    return decoded(tok, codes)


def run_finetune(point: dict, seed: int, dcfg: dict, context: dict, device: str | None) -> dict:
    target, strategy, D = point["target"], point["strategy"], int(point["D"])
    if strategy not in STRATEGIES:
        raise TaskError(f"paper C fine-tuning: strategy must be one of {STRATEGIES}, got {strategy!r}")
    data = jets(dcfg, target)
    n_train, n_val = len(data["train"]["pt"]), len(data["val"]["pt"])
    n_v = validation_size(D)
    if not 1 <= D <= n_train or n_v > n_val:
        raise TaskError(f"paper C fine-tuning: D = {D} needs D ≤ {n_train} training and {n_v} ≤ {n_val} validation "
                        "jets of the target pool (omnijet.finetune.D_values)")
    tok = tokenizer_for(context, "aoj" if strategy == "finetuned" else "jetclass")
    gpt = build_gpt(dcfg, seed)
    if strategy == "finetuned":
        gpt.load_state_dict(_source_artifact(context, {"stage": "pretrain"}, "backbone"))
    f = dcfg["omnijet"]["finetune"]
    cap = dcfg["omnijet"]["max_constituents"]
    clock = _CpuClock()
    train_tokens, val_tokens = tokens_of(tok, _take(data["train"], D), cap), tokens_of(tok, _take(data["val"], n_v), cap)
    clock.lap("tokens")
    fit = fit_gpt(gpt, train_tokens, val_tokens, batch_size=f["batch_size"], lr=f["lr"], max_epochs=f["max_epochs"],
                  patience=f["patience"], seed=seed, device=device, max_steps=f["max_steps"])
    clock.lap("train")
    gen = generate_jets(gpt, tok, dcfg, int(dcfg["omnijet"]["n_generate"]), seed + 2)
    clock.lap("generate")
    obs = observables_of(gen)
    out = {**distances(obs, dcfg, target), **_fit_summary(fit), "n_val": n_v, "n_params": int(jet_gpt.n_params(gpt)),
           "empty_jets": int((obs["multiplicity"] == 0).sum()),
           "observables": Artifact({k: v.astype(np.float32) for k, v in obs.items()})}
    clock.lap("metrics")
    return {**out, **clock.laps}


class _CpuClock:
    """CPU seconds of this process (all its threads) per phase of a point: ``laps`` = ``{"cpu_<phase>_s": ...}``
    (where a point's time goes; wall time is ``elapsed_s`` of the sweep)."""

    def __init__(self):
        self.t, self.laps = time.process_time(), {}

    def lap(self, name: str) -> None:
        t = time.process_time()
        self.laps[f"cpu_{name}_s"] = t - self.t
        self.t = t


def point_task(point: dict, seed: int, dcfg: dict, directory: str, device: str | None = None) -> dict:
    """Sweep task: dispatch on ``point["stage"]`` (module docstring); every result also holds ``cpu_s``, the CPU
    seconds the point took in its process (all threads)."""
    stage = point.get("stage")
    run = {"tokenizer": lambda: run_tokenizer(point, seed, dcfg, device),
           "pretrain": lambda: run_pretrain(point, seed, dcfg, context, device),
           "reference": lambda: run_reference(point, seed, dcfg, context),
           "finetune": lambda: run_finetune(point, seed, dcfg, context, device)}
    if stage not in run:
        raise TaskError(f"paper C: point {point} has stage {stage!r}; expected one of {STAGES}")
    context = {"directory": directory}
    device = pick_device(device)
    t0 = time.process_time()
    out = run[stage]()
    return {**out, "cpu_s": time.process_time() - t0}


__all__ = ["STAGES", "STRATEGIES", "point_task", "jets", "decoded", "generate_jets", "distances", "build_gpt",
           "fit_gpt"]
