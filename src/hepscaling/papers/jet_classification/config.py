"""Paper A's configuration, read from the profile: ``papers: jet_classification:`` in ``profiles/<name>.yaml``.

The profile is the one source of sizes (training pool, validation and test sets, the T grids, repeats, DNN epochs);
a custom profile file (``--profile my.yaml``, possibly ``extends: quick``) works the same way. A page may override the
data ``source`` and the largest training-set size ``T_max`` (its notebook parameters), so
``python -m hepscaling run A_jet_classification/fig1_loss_vs_T -p T_max 100000 -p source public`` reruns a page on
other data or sizes without a new profile.

Keys of the section (all required; unknown keys are refused so a typo cannot pass silently):

``source``                    ``local`` (Pythia 8 + FastJet substitute) or ``public`` (Top Tagging Landscape files)
``n_train, n_val, n_test``    the training pool and the validation / test sets (paper: 1.2M / 1e4 / 4e4)
``emd``                       kNN EMD's own pool, validation and test sets and its angular scale R
                              (paper: T <= 3.5e4, 5e3, 1e4, R = 0.8)
``emd_small``                 smaller sets for the R scan of Fig. 6
``lot_n_ref``                 particles of the LOT reference jet; ``efp_dmax``: EFP degree (6: 313 EFPs)
``T_values, T_values_emd``    the training-set sizes of the sweep (kNN EMD on its own pool)
``lr_T_min``                  LR only from this T (paper: T >= 400, below it unregularised LR overfits)
``repeats``                   ``{lr|knn|dnn: [n, up_to_T]}``: n random training sets for T <= up_to_T, one above
``dnn_max_epochs, dnn_patience``   DNN training length and early-stopping patience (paper: 200, 20)
"""
from __future__ import annotations

import copy

from ... import profiles
from ...claims import DataUsed
from ..sections import exact_keys

PACKAGE = "jet_classification"

#: Paper A §4: training pool, validation and test sets; kNN EMD's pool, validation and test sets.
PAPER_SIZES = {"n_train": 1_200_000, "n_val": 10_000, "n_test": 40_000,
               "emd": {"n_pool": 35_000, "n_val": 5_000, "n_test": 10_000}}

_INT_KEYS = ("n_train", "n_val", "n_test", "lot_n_ref", "efp_dmax", "lr_T_min", "dnn_max_epochs", "dnn_patience")
_KEYS = ("source", *_INT_KEYS, "emd", "emd_small", "T_values", "T_values_emd", "repeats")
SOURCES = ("local", "public")
FAMILIES = ("lr", "knn", "dnn")


class ConfigError(ValueError):
    pass


def _positive_int(v, where: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
        raise ConfigError(f"{where} must be a positive integer, got {v!r}")
    return v


def validate(section: dict, where: str) -> dict:
    """Check a ``papers: jet_classification:`` section; returns a normalised deep copy."""
    cfg = copy.deepcopy(section)
    exact_keys(cfg, _KEYS, where, __name__, ConfigError)
    if cfg["source"] not in SOURCES:
        raise ConfigError(f"{where}.source must be one of {SOURCES}, got {cfg['source']!r}")
    for k in _INT_KEYS:
        _positive_int(cfg[k], f"{where}.{k}")
    for k, need in (("emd", ("n_pool", "n_val", "n_test", "R")), ("emd_small", ("n_pool", "n_val", "n_test"))):
        d = cfg[k]
        if not isinstance(d, dict) or sorted(d) != sorted(need):
            raise ConfigError(f"{where}.{k} must be a mapping with exactly {list(need)}, got {d!r}")
        for n in need:
            if n == "R":
                if not isinstance(d[n], (int, float)) or d[n] <= 0:
                    raise ConfigError(f"{where}.{k}.R must be a positive number, got {d[n]!r}")
                d[n] = float(d[n])
            else:
                _positive_int(d[n], f"{where}.{k}.{n}")
    for k in ("T_values", "T_values_emd"):
        Ts = cfg[k]
        if not isinstance(Ts, list) or not Ts:
            raise ConfigError(f"{where}.{k} must be a non-empty list of training-set sizes, got {Ts!r}")
        for T in Ts:
            _positive_int(T, f"{where}.{k} entry")
        if Ts != sorted(set(Ts)):
            raise ConfigError(f"{where}.{k} must be increasing without repeats, got {Ts}")
    reps = cfg["repeats"]
    if not isinstance(reps, dict) or sorted(reps) != sorted(FAMILIES):
        raise ConfigError(f"{where}.repeats must map each of {list(FAMILIES)} to [n, up_to_T], got {reps!r}")
    for fam, rule in reps.items():
        if not (isinstance(rule, list) and len(rule) == 2 and isinstance(rule[1], (int, float))):
            raise ConfigError(f"{where}.repeats.{fam} must be [n, up_to_T], got {rule!r}")
        _positive_int(rule[0], f"{where}.repeats.{fam}[0]")
        reps[fam] = (int(rule[0]), float(rule[1]))
    return cfg


def extend_grid(T_values: list[int], T_max: int) -> list[int]:
    """The grid up to ``T_max``: the points of ``T_values`` up to it, then 1-3-10 decade points above the grid's
    largest T, and ``T_max`` itself."""
    top = max(T_values)
    Ts = {T for T in T_values if T <= T_max}
    decade = 10
    while decade <= T_max:
        Ts |= {m * decade for m in (1, 3) if top < m * decade <= T_max}
        decade *= 10
    return sorted(Ts | {T_max})


def load_config(profile: str | dict, source: str = "", T_max: int = 0) -> dict:
    """Paper A's configuration from ``profile`` (a name, a path or a loaded profile), with a page's overrides:
    ``source`` (``""`` = the profile's) and ``T_max`` (``0`` = the profile's grid; otherwise the grid up to T_max,
    extended with 1-3-10 points above the profile's largest T, the training pool grown to at least T_max).

    The result carries ``profile`` (its name) and ``label`` (``quick`` or ``quick, T_max=100000``) for titles."""
    prof = profile if isinstance(profile, dict) else profiles.load(profile)
    where = f"profile {prof['name']!r} ({prof['path']}): papers.{PACKAGE}"
    cfg = validate(profiles.paper_config(prof, PACKAGE), where)
    over = {}
    if source:
        if source not in SOURCES:
            raise ConfigError(f"source must be '' (the profile's), 'local' or 'public', got {source!r}")
        if source != cfg["source"]:
            over["source"] = cfg["source"] = source
    if T_max:
        if isinstance(T_max, bool) or not isinstance(T_max, int) or T_max < 2:
            raise ConfigError(f"T_max must be 0 (the profile's) or an integer >= 2, got {T_max!r}")
        if not (T_max == max(cfg["T_values"]) and cfg["n_train"] >= T_max):
            over["T_max"] = T_max
            cfg["T_values"] = extend_grid(cfg["T_values"], T_max)
            cfg["n_train"] = max(cfg["n_train"], T_max)
    cfg["profile"] = prof["name"]
    cfg["overrides"] = over
    cfg["label"] = ", ".join([prof["name"]] + [f"{k}={v}" for k, v in over.items()])
    return cfg


def data_config(cfg: dict, seed: int = 0) -> dict:
    """The part of the configuration that determines the data, the features and the training (the identity of the
    sweep directory, with the task's code version)."""
    keys = ("source", "n_train", "n_val", "n_test", "emd", "emd_small", "lot_n_ref", "efp_dmax", "dnn_max_epochs",
            "dnn_patience")
    out = {k: copy.deepcopy(cfg[k]) for k in keys}
    out["data_seed"] = int(seed)
    return out


def at_paper_sizes(cfg: dict) -> bool:
    """True when every set is at least as large as the paper's (§4) and the T grid reaches the full pool."""
    big = all(cfg[k] >= PAPER_SIZES[k] for k in ("n_train", "n_val", "n_test"))
    emd = all(cfg["emd"][k] >= v for k, v in PAPER_SIZES["emd"].items())
    return big and emd and max(cfg["T_values"]) >= PAPER_SIZES["n_train"]


def source_data_used(source: str, paper_sizes: bool = False) -> DataUsed:
    """What a page that reads ``source`` runs on, for its claims table and the landing page."""
    if source not in SOURCES:
        raise ConfigError(f"source must be one of {SOURCES}, got {source!r}")
    text = ("public Top Tagging set (the paper's)" if source == "public" else
            "local substitute: Pythia 8 + FastJet jets, particle level")
    return DataUsed(text, dataset="paper" if source == "public" else "substitute",
                    sizes="paper" if paper_sizes else "reduced")


def data_used(cfg: dict) -> DataUsed:
    """What a page of paper A's sweeps runs on (the paper's sizes only when every set is as large as the paper's)."""
    return source_data_used(cfg["source"], at_paper_sizes(cfg))


def data_statement(cfg: dict, seed: int = 0) -> str:
    """Markdown paragraph: which data and sizes a page ran on (from the source's own description)."""
    from .data import describe_source
    e = cfg["emd"]
    rep = ", ".join(f"{k.upper()} {n}x for T <= {t:g}" for k, (n, t) in cfg["repeats"].items())
    return (f"**Data** (profile `{cfg['label']}`, seed {seed}): {describe_source(cfg['source'])}\n\n"
            f"Training pool {cfg['n_train']:,} jets, validation {cfg['n_val']:,}, test {cfg['n_test']:,} "
            f"(paper: 1.2M / 1e4 / 4e4). kNN EMD: pool {e['n_pool']:,}, validation {e['n_val']:,}, test "
            f"{e['n_test']:,} (paper: T <= 3.5e4, validation 5e3, test 1e4). LOT reference: {cfg['lot_n_ref']} "
            f"particles. Repeats: {rep} (paper: LR 10x for T <= 1e5, kNN 10x for T <= 5000, DNN 5x for T <= 300).")
