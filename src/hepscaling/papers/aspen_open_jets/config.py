"""Paper C's configuration, read from the profile: ``papers: aspen_open_jets:`` in ``profiles/<name>.yaml``.

Keys (all required; unknown keys are refused, so a typo cannot pass silently):

``ecm``           pp centre-of-mass energy of our substitutes and cross sections, GeV (CMS 2016: 13 TeV)
``xsec_events``   hard-process events per Pythia cross section of Table II (the statistical error ~ 1/√n)
``aoj_jets``, ``aoj_per_shard``   AOJ-like jets on the pages, and per generated file
                                  (:class:`hepscaling.data.aspen_like.AspenLikeSettings`)
``aoj_calibration_events``        events per component of the run that measures the AOJ-like composition
``jetclass_per_class``, ``jetclass_per_shard``   JetClass-like jets per class (training split) on the pages, and
                                  per generated file; keep ``jetclass_per_shard`` equal to paper D's
                                  ``jets_per_shard`` so both chapters read the same files
``omnijet``       the experiment of §III (Figs. 3, 4): an OmniJet-α-style tokenizer and GPT pretrained on the AOJ-like
                  jets and fine-tuned on JetClass-like QCD and top jets (keys: :data:`OMNIJET_DOC`)
"""
from __future__ import annotations

import copy
import numbers

from ... import profiles
from ...claims import DataUsed
from ..sections import exact_keys

PACKAGE = "aspen_open_jets"
_KEYS = {"ecm": float, "xsec_events": int, "aoj_jets": int, "aoj_per_shard": int, "aoj_calibration_events": int,
         "jetclass_per_class": int,
         "jetclass_per_shard": int}

#: The keys of ``omnijet:`` (all required; unknown keys are refused).
OMNIJET_DOC = """
``n_codes``           codebook size of both tokenizers (the paper: 8192)
``tokenizer``         the other keyword arguments of :func:`hepscaling.models.jet_tokenizer.train_tokenizer`
                      (positive numbers; e.g. ``hidden``, ``epochs``, ``batch_size``, ``lr``)
``max_constituents``  the pT-leading constituents a jet keeps (the paper: 128); sequences are 2 tokens longer
``gpt``               ``{d_model, n_layers, n_heads}`` of :class:`hepscaling.models.jet_gpt.JetGPT`, the same for
                      pretraining, fine-tuning and the scratch baseline
``pretrain``          ``{jets, val_jets, batch_size, lr, max_epochs, patience}``: the backbone and its tokenizer on
                      ``jets`` AOJ-like jets (generated with the settings above), the last ``val_jets`` of which
                      validate (best-validation weights; the paper: 180 M jets, 900 k steps, the final weights)
``finetune``          ``{D_values, batch_size, lr, max_epochs, max_steps, patience}``: each fine-tuning / scratch run
                      on D target jets, validated on as many (:func:`validation_size`) after every epoch; patience in
                      epochs (the paper: 10); a run stops after ``max_epochs`` epochs or ``max_steps`` optimiser
                      steps, whichever comes first (the paper has no cap: set both large for its sizes)
``n_test``            held-out JetClass-like jets per target (test split) the metrics compare against
``n_generate``        jets each trained model generates for the metrics
``kl_bins``           histogram bins of the KL divergence (quantiles of the test jets)
``repeats``           training seeds per fine-tuning point (the paper: 5)
"""
_OMNI_SCALARS = {"n_codes": int, "max_constituents": int, "n_test": int, "n_generate": int, "kl_bins": int,
                 "repeats": int}
_OMNI_SECTIONS = {"gpt": {"d_model": int, "n_layers": int, "n_heads": int},
                  "pretrain": {"jets": int, "val_jets": int, "batch_size": int, "lr": float, "max_epochs": int, "patience": int},
                  "finetune": {"D_values": list, "batch_size": int, "lr": float, "max_epochs": int,
                               "max_steps": int, "patience": int}}
_OMNI_KEYS = (*_OMNI_SCALARS, "tokenizer", *_OMNI_SECTIONS)
#: the paper's validation sets: as large as the training set up to 10⁵ jets, then 2·10⁵ (D = 10⁶) and 5·10⁵ (10⁷)
PAPER_VALIDATION = ((100_000, None), (1_000_000, 200_000), (None, 500_000))


class ConfigError(ValueError):
    pass


def load_config(profile: str | dict) -> dict:
    """The checked ``papers: aspen_open_jets:`` section of ``profile`` (a name, a path or a loaded profile), with
    ``profile`` (its name)."""
    prof = profile if isinstance(profile, dict) else profiles.load(profile)
    where = f"profile {prof['name']!r} ({prof['path']}): papers.{PACKAGE}"
    cfg = copy.deepcopy(profiles.paper_config(prof, PACKAGE))
    exact_keys(cfg, [*_KEYS, "omnijet"], where, __name__, ConfigError)
    cfg["omnijet"] = validate_omnijet(cfg["omnijet"], f"{where}.omnijet")
    for k, kind in _KEYS.items():
        v = cfg[k]
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not v > 0 or (kind is int and v != int(v)):
            raise ConfigError(f"{where}.{k} must be a positive {'integer' if kind is int else 'number'}, got {v!r}")
        cfg[k] = kind(v)
    cfg["profile"] = prof["name"]
    return cfg


def _positive(v, kind, where: str):
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or not v > 0 or (kind is int and v != int(v)):
        raise ConfigError(f"{where} must be a positive {'integer' if kind is int else 'number'}, got {v!r}")
    return kind(v)


def validate_omnijet(section, where: str) -> dict:
    """Check an ``omnijet:`` section (keys: :data:`OMNIJET_DOC`); returns a normalised deep copy."""
    cfg = copy.deepcopy(section)
    exact_keys(cfg, _OMNI_KEYS, where, __name__, ConfigError)
    for k, kind in _OMNI_SCALARS.items():
        cfg[k] = _positive(cfg[k], kind, f"{where}.{k}")
    if not isinstance(cfg["tokenizer"], dict):
        raise ConfigError(f"{where}.tokenizer must be a mapping of keyword arguments, got {cfg['tokenizer']!r}")
    for k, v in cfg["tokenizer"].items():
        if k in ("n_codes", "seed", "device", "val"):
            raise ConfigError(f"{where}.tokenizer.{k}: set by the task, not by the profile")
        cfg["tokenizer"][k] = _positive(v, int if isinstance(v, int) else float, f"{where}.tokenizer.{k}")
    for name, keys in _OMNI_SECTIONS.items():
        sec = cfg[name]
        exact_keys(sec, tuple(keys), f"{where}.{name}", __name__, ConfigError)
        for k, kind in keys.items():
            w = f"{where}.{name}.{k}"
            if kind is list:
                if not isinstance(sec[k], list) or not sec[k]:
                    raise ConfigError(f"{w} must be a non-empty list of training-set sizes, got {sec[k]!r}")
                vals = [_positive(x, int, f"{w} entry") for x in sec[k]]
                if vals != sorted(set(vals)):
                    raise ConfigError(f"{w} must be increasing without repeats, got {sec[k]}")
                sec[k] = vals
            else:
                sec[k] = _positive(sec[k], kind, w)
    if cfg["pretrain"]["val_jets"] >= cfg["pretrain"]["jets"]:
        raise ConfigError(f"{where}.pretrain.val_jets = {cfg['pretrain']['val_jets']} must be below pretrain.jets = "
                          f"{cfg['pretrain']['jets']} (the rest pretrain the backbone)")
    if cfg["gpt"]["d_model"] % cfg["gpt"]["n_heads"]:
        raise ConfigError(f"{where}.gpt.d_model = {cfg['gpt']['d_model']} must be a multiple of gpt.n_heads = "
                          f"{cfg['gpt']['n_heads']}")
    return cfg


def validation_size(D: int) -> int:
    """The paper's validation-set size for D training jets (§III.A): D up to 10⁵, 2·10⁵ for 10⁶, 5·10⁵ above."""
    for upto, n in PAPER_VALIDATION:
        if upto is None or D <= upto:
            return int(D) if n is None else int(n)
    raise AssertionError


def xsec_data_used(cfg: dict) -> DataUsed:
    """What Table II's page runs on: Pythia 8 hard processes, no dataset."""
    return DataUsed(f"Pythia 8 leading-order hard-process cross sections at {cfg['ecm'] / 1000:g} TeV "
                    f"({cfg['xsec_events']:,} events each) beside the paper's CMS samples",
                    dataset="substitute", sizes="paper")
