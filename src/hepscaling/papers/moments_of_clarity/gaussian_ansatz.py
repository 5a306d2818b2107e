"""Paper E, vignette I — Gaussian Ansatz calibration on the Gaussian toy: what the pages ``ga_*`` plot and test.

Configuration: ``papers: moments_of_clarity: gaussian_ansatz:`` in ``profiles/<name>.yaml``, every key required
(:data:`KEYS`; :func:`load_config`):

================  ==================================================================================================
``n_train``       training pairs per prior (the public example: 10⁶)
``n_test``        held-out pairs per prior: calibration closure and the mutual information
``noise``         σ of x | z ~ N(z, σ²) (the talk: 1)
``half_width``    a of the uniform prior U(−a, a) (the talk: 5)
``prior_sigma``   s of the normal prior N(0, s²) (ours: the talk names no second prior's width)
``hidden``        units per hidden layer of every network (GA's two MLPs and the MSE regression)
``depth``         hidden layers per network
``c_uses_z``      true: C(x, z) as in the talk; false: C(x) (T exactly quadratic in z)
``steps``         Adam steps of every training (cosine decay to 0; the final weights are kept)
``batch_size``    pairs per step (one marginal pair per joint pair: z rolled by one within the batch)
``lr``            initial Adam learning rate
``d_penalty``     weight of E|D(x)| in the GA loss (drives D → 0, so that ẑ = B(x))
``n_shifts``      marginal samples per held-out pair in the DV estimate of the mutual information
``bulk``          |x| ≤ bulk: the range where the calibration is judged (inside the uniform prior's support)
``jes``           the jet-energy-scale page's block (:data:`JES_KEYS`, :func:`load_jes_config`)
================  ==================================================================================================

Every training goes through the cache (:func:`fit`, keyed on the sizes, the prior and the seed), so the three
pages train each model once.  Seeds: the training and test samples of prior p draw from
``SeedSequence([seed, role, p])``; the networks' weights and batch order from ``seed``.
"""
from __future__ import annotations

import math
import time
from functools import cached_property

import numpy as np
import torch

from ...cache import cached
from ...calibration import gaussian_ansatz as ga
from ...calibration import toy
from ...claims import ClaimSheet, DataUsed
from .config import vignette_config

KEYS = {"n_train": int, "n_test": int, "noise": float, "half_width": float, "prior_sigma": float, "hidden": int,
        "depth": int, "c_uses_z": bool, "steps": int, "batch_size": int, "lr": float, "d_penalty": float,
        "n_shifts": int, "bulk": float, "jes": dict}
PRIORS = toy.PRIORS
KINDS = ("ga", "mse")
_TRAIN, _TEST = 1, 2            # sample roles in the seed sequence


def load_config(profile) -> dict:
    """The checked ``gaussian_ansatz`` section of ``profile``."""
    cfg = vignette_config(profile, "gaussian_ansatz", KEYS, __name__)
    if not cfg["bulk"] < cfg["half_width"]:
        raise ValueError(f"profile {cfg['profile']!r}: papers.moments_of_clarity.gaussian_ansatz.bulk "
                         f"({cfg['bulk']}) must lie inside the uniform prior's support (half_width "
                         f"{cfg['half_width']}); see {__name__}")
    return cfg


def at_paper_sizes(cfg: dict) -> bool:
    """The public example's sizes: 10⁶ training pairs, 50 epochs (≥ 2.4·10⁴ steps of 2048)."""
    return cfg["n_train"] >= 1_000_000 and cfg["steps"] * cfg["batch_size"] >= 50 * 1_000_000


def data_used(cfg: dict) -> DataUsed:
    return DataUsed(f"synthetic Gaussian toy: z ~ U(−{cfg['half_width']:g}, {cfg['half_width']:g}) or "
                    f"N(0, {cfg['prior_sigma']:g}²), x = z + N(0, {cfg['noise']:g}²) "
                    "(hepscaling.calibration.toy)",
                    dataset="synthetic", sizes="paper" if at_paper_sizes(cfg) else "reduced")


def _toy_args(cfg: dict) -> dict:
    return {k: cfg[k] for k in ("noise", "half_width", "prior_sigma")}


def sample_seed(seed: int, role: int, prior: str) -> int:
    return int(np.random.SeedSequence([int(seed), role, PRIORS.index(prior)]).generate_state(1)[0])


def sample(cfg: dict, prior: str, role: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The training (``role="train"``) or test sample of ``prior``: ``(x, z)``, each (n, 1)."""
    n, r = (cfg["n_train"], _TRAIN) if role == "train" else (cfg["n_test"], _TEST)
    return toy.gaussian_toy(n, prior, seed=sample_seed(seed, r, prior), **_toy_args(cfg))


_FIT_KEYS = ("n_train", "noise", "half_width", "prior_sigma", "hidden", "depth", "c_uses_z", "steps", "batch_size",
             "lr", "d_penalty")


@cached
def fit(kind: str, prior: str, sizes: dict, seed: int) -> dict:
    """Train the Gaussian Ansatz (``kind="ga"``) or the MSE regression (``"mse"``) on the training sample of
    ``prior``; ``sizes``: the :data:`_FIT_KEYS` of the configuration.  Returns the weights (``state``), the
    constructor's arguments (``hyper``), the training history and the wall time."""
    if kind not in KINDS:
        raise ValueError(f"fit: kind must be one of {KINDS}, got {kind!r}")
    cfg = dict(sizes)
    x, z = sample(cfg, prior, "train", seed)
    common = {"hidden": cfg["hidden"], "depth": cfg["depth"], "seed": int(seed), "steps": cfg["steps"],
              "batch_size": cfg["batch_size"], "lr": cfg["lr"]}
    t0 = time.perf_counter()
    if kind == "ga":
        model, res = ga.train_gaussian_ansatz(x, z, d_penalty=cfg["d_penalty"], c_uses_z=cfg["c_uses_z"], **common)
    else:
        model, res = ga.train_mse_regressor(x, z, **common)
    return {"state": {k: v.cpu() for k, v in model.state_dict().items()},
            "hyper": {"hidden": cfg["hidden"], "depth": cfg["depth"], "seed": int(seed),
                      **({"c_uses_z": cfg["c_uses_z"]} if kind == "ga" else {})},
            "history": res.history, "wall_s": time.perf_counter() - t0, "device": res.device,
            "flops_train": res.flops_train}


def _model(kind: str, out: dict):
    cls = ga.GaussianAnsatz if kind == "ga" else ga.Regressor
    m = cls(1, 1, **out["hyper"])
    m.load_state_dict(out["state"])
    return m.eval()


def binned_bias(z_true: np.ndarray, z_est: np.ndarray, edges: np.ndarray) -> dict:
    """Closure b(z) = mean(ẑ − z) in bins of the true z: centres, bias, its standard error, counts."""
    idx = np.digitize(z_true, edges) - 1
    ok = (idx >= 0) & (idx < len(edges) - 1)
    d = (z_est - z_true)[ok]
    k = idx[ok]
    n = np.bincount(k, minlength=len(edges) - 1)
    s1 = np.bincount(k, weights=d, minlength=len(edges) - 1)
    s2 = np.bincount(k, weights=d * d, minlength=len(edges) - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s1 / n
        err = np.sqrt(np.maximum(s2 / n - mean ** 2, 0) / np.maximum(n - 1, 1))
    return {"z": 0.5 * (edges[1:] + edges[:-1]), "bias": mean, "err": err, "n": n}


def fit_slope(x: np.ndarray, y: np.ndarray, err: np.ndarray) -> tuple[float, float]:
    """Weighted least-squares slope of y = k x through the origin, with its standard error."""
    ok = np.isfinite(y) & np.isfinite(err) & (err > 0)
    w = 1.0 / err[ok] ** 2
    sxx = float((w * x[ok] ** 2).sum())
    return float((w * x[ok] * y[ok]).sum() / sxx), 1.0 / math.sqrt(sxx)


class Toy:
    """What the Gaussian Ansatz pages start with: ``Toy(profile, seed, items=[...])`` has ``.cfg``, ``.claims``
    (paper E's sheet for ``items``) and, per prior, the trained models (``.model(kind, prior)``), their read-outs on
    a grid of x (:meth:`curves`), the closure on the test sample (:meth:`closure`) and the DV estimate of the mutual
    information (:meth:`mutual_information`)."""

    def __init__(self, profile, seed: int = 0, items=()):
        self.cfg = load_config(profile)
        self.seed = int(seed)
        self.claims = ClaimSheet("E", data_used(self.cfg), items=items)
        self._fits: dict = {}
        torch.set_num_threads(1)            # the book runs one page per core

    # ---------------------------------------------------------------- models
    def fitted(self, kind: str, prior: str) -> dict:
        if (kind, prior) not in self._fits:
            self._fits[kind, prior] = fit(kind, prior, {k: self.cfg[k] for k in _FIT_KEYS}, self.seed)
        return self._fits[kind, prior]

    def model(self, kind: str, prior: str):
        return _model(kind, self.fitted(kind, prior))

    def test_sample(self, prior: str):
        return sample(self.cfg, prior, "test", self.seed)

    @cached_property
    def x_grid(self) -> np.ndarray:
        return np.linspace(-self.cfg["bulk"], self.cfg["bulk"], 141)

    # ---------------------------------------------------------------- read-outs
    def curves(self, prior: str, x: np.ndarray | None = None) -> dict:
        """On a grid of x: the GA's ẑ and σ̂, the MSE regression, and the closed forms (the likelihood's maximum x
        and width σ; the posterior mean E[z|x] the MSE regression converges to)."""
        x = self.x_grid if x is None else np.asarray(x, dtype=float)
        z_hat, sigma = ga.calibrate(self.model("ga", prior), x)
        return {"x": x, "z_hat": z_hat[:, 0], "sigma": sigma[:, 0],
                "mse": ga.predict(self.model("mse", prior), x)[:, 0],
                "posterior_mean": toy.posterior_mean(x, prior, **_toy_args(self.cfg))}

    def bulk_deviation(self, prior: str) -> dict:
        """max over |x| ≤ bulk of |ẑ − x| and |σ̂/σ − 1| (the GA) and of |f_MSE − E[z|x]|."""
        c = self.curves(prior)
        return {"z_hat": float(np.abs(c["z_hat"] - c["x"]).max()),
                "sigma": float(np.abs(c["sigma"] / self.cfg["noise"] - 1).max()),
                "mse_vs_posterior_mean": float(np.abs(c["mse"] - c["posterior_mean"]).max())}

    def closure(self, prior: str, n_bins: int = 14) -> dict:
        """b(z) = E[ẑ − z | z] of the GA and of the MSE regression on the test sample, in ``n_bins`` bins of
        |z| ≤ bulk, with the fitted slopes of b against z (and their errors) and the closed-form slope of the MSE
        regression's bias (exact for the normal prior)."""
        x, z = self.test_sample(prior)
        edges = np.linspace(-self.cfg["bulk"], self.cfg["bulk"], n_bins + 1)
        out = {}
        for kind in KINDS:
            m = self.model(kind, prior)
            est = ga.calibrate(m, x)[0] if kind == "ga" else ga.predict(m, x)
            b = binned_bias(z[:, 0].astype(float), est[:, 0], edges)
            b["slope"], b["slope_err"] = fit_slope(b["z"], b["bias"], b["err"])
            out[kind] = b
        zc = out["ga"]["z"]
        out["analytic_mse"] = toy.mse_bias(zc, prior, **_toy_args(self.cfg))
        out["analytic_mse_slope"] = (-self.cfg["noise"] ** 2 / (self.cfg["prior_sigma"] ** 2 + self.cfg["noise"] ** 2)
                                     if prior == "normal" else None)
        return out

    def mutual_information(self, prior: str) -> dict:
        """The DV bound of the trained GA on the test sample (value, error) and the exact I(X; Z), in nats."""
        x, z = self.test_sample(prior)
        est = ga.mutual_information(self.model("ga", prior), x, z, n_shifts=self.cfg["n_shifts"], seed=self.seed)
        return {"dv": est.value, "dv_err": est.error,
                "exact": toy.exact_mutual_information(prior, **_toy_args(self.cfg)), "estimate": est}

    def max_abs_d(self, prior: str) -> float:
        """max |D(x)| of the GA over the bulk, in standardised units (the penalty drives it to 0)."""
        m = self.model("ga", prior)
        with torch.no_grad():
            d = m.abd(m._xt(torch.tensor(self.x_grid[:, None], dtype=torch.float32)))[2]
        return float(d.abs().max())

    def t_mesh(self, prior: str, xs: np.ndarray, zs: np.ndarray) -> np.ndarray:
        """T(x, z) of the trained GA on the mesh ``zs × xs`` (rows: z)."""
        X, Z = np.meshgrid(xs, zs)
        m = self.model("ga", prior)
        with torch.no_grad():
            t = m(torch.tensor(X.reshape(-1, 1), dtype=torch.float32), torch.tensor(Z.reshape(-1, 1),
                                                                                    dtype=torch.float32))
        return t.numpy().reshape(X.shape)

    def log_likelihood_ratio(self, prior: str, xs: np.ndarray, zs: np.ndarray) -> np.ndarray:
        """The optimum log p(x|z)/p(x) on the mesh (rows: z), NaN where z is outside the prior's support."""
        c = self.cfg
        X, Z = np.meshgrid(xs, zs)
        ll = -0.5 * ((X - Z) / c["noise"]) ** 2 - math.log(c["noise"] * math.sqrt(2 * math.pi))
        out = ll - np.log(toy.marginal_pdf(X, prior, **_toy_args(c)))
        if prior == "uniform":
            out[np.abs(Z) > c["half_width"]] = np.nan
        return out

    # ---------------------------------------------------------------- text
    def statement(self) -> str:
        c = self.cfg
        walls = {f"{k} {p}": self.fitted(k, p)["wall_s"] for (k, p) in self._fits}
        timing = ", ".join(f"{k}: {v:.0f} s" for k, v in walls.items())
        return (f"**Data** (profile `{c['profile']}`, seed {self.seed}): {data_used(c).text}; "
                f"{c['n_train']:,} training and {c['n_test']:,} test pairs per prior. **Networks:** the Gaussian "
                f"Ansatz as two MLPs of {c['depth']} × {c['hidden']} GELU units (A, B, D from x; C from "
                f"{'(x, z)' if c['c_uses_z'] else 'x'}, C = −L Lᵀ), DV loss + {c['d_penalty']:g}·E|D|; the MSE "
                f"regression one MLP of the same shape. **Training:** Adam, η₀ = {c['lr']:g} with cosine decay, "
                f"{c['steps']:,} steps of {c['batch_size']:,} pairs, final weights"
                + (f" (training times: {timing})." if timing else "."))

    @property
    def data(self):
        from IPython.display import Markdown
        return Markdown(self.statement())


# =================================================================================================================
# The jet-energy-scale calibration (page ga_jet_energy_scale): Pythia QCD jets through hepscaling.detector
# =================================================================================================================
JES_DOC = """``papers: moments_of_clarity: gaussian_ansatz: jes:`` (every key required):

=====================  =============================================================================================
``n_events``           QCD dijet events of the flat-ish spectrum (pTHat bias ∝ pTHat^bias_power): training + test
``n_events_physical``  events of the physical (unbiased, steeply falling) spectrum: the second prior
``bias_power``         Pythia's ``PhaseSpace:bias2SelectionPow`` for the flat-ish spectrum
``ecm``                √s in GeV
``pthat_min``          hard-process window, GeV
``pthat_max``
``R``                  anti-kT radius of the particle and detector jets (matched within ΔR < R/2)
``pt_min``             particle-jet pT window kept, GeV (the prior's support)
``pt_max``
``abseta_max``         |η| of the particle jet
``test_fraction``      the last fraction of each sample's events held out (closure, resolution)
``hidden``, ``depth``  units and hidden layers of the GA's two MLPs
``c_uses_z``           C(x, z) (true) or C(x)
``steps``              Adam steps (cosine decay), ``batch_size`` pairs per step, ``lr`` initial rate
``batch_size``
``lr``
``d_penalty``          weight of E|D(x)|
``closure_pt_min``     true-pT range where closure and resolution are judged (inside the pt window)
``closure_pt_max``
``n_bins``             log-spaced bins of true pT over the closure range
=====================  =============================================================================================

x = (log pT_det/GeV, η_det, number of detector candidates in the jet), z = log pT_particle/GeV; so ẑ − z is the
fractional bias and σ̂ the fractional resolution (to first order)."""

JES_KEYS = {"n_events": int, "n_events_physical": int, "bias_power": float, "ecm": float, "pthat_min": float,
            "pthat_max": float, "R": float, "pt_min": float, "pt_max": float, "abseta_max": float,
            "test_fraction": float, "hidden": int, "depth": int, "c_uses_z": bool, "steps": int, "batch_size": int,
            "lr": float, "d_penalty": float, "closure_pt_min": float, "closure_pt_max": float, "n_bins": int}
SPECTRA = ("flat", "physical")
_JES_SAMPLE = 3                 # role in the seed sequence


def load_jes_config(profile) -> dict:
    """The checked ``gaussian_ansatz: jes:`` block of ``profile`` (see :data:`JES_DOC`)."""
    from .config import ConfigError, _check
    from ..sections import exact_keys

    parent = load_config(profile)
    where = f"profile {parent['profile']!r}: papers.moments_of_clarity.gaussian_ansatz.jes"
    jes = dict(parent["jes"])
    exact_keys(jes, list(JES_KEYS), where, __name__, ConfigError)
    cfg = {k: _check(jes[k], kind, f"{where}.{k}") for k, kind in JES_KEYS.items()}
    for lo, hi in (("pthat_min", "pthat_max"), ("pt_min", "closure_pt_min"), ("closure_pt_min", "closure_pt_max"),
                   ("closure_pt_max", "pt_max")):
        if not cfg[lo] < cfg[hi]:
            raise ConfigError(f"{where}: need {lo} < {hi}, got {cfg[lo]} and {cfg[hi]} (see {__name__})")
    if not cfg["test_fraction"] < 1:
        raise ConfigError(f"{where}.test_fraction must lie in (0, 1), got {cfg['test_fraction']}")
    cfg["profile"] = parent["profile"]
    return cfg


def jes_data_used(cfg: dict) -> DataUsed:
    return DataUsed(f"local substitute for the talk's CMS Open Data SIM/GEN jets: Pythia 8 HardQCD:all at "
                    f"√s = {cfg['ecm'] / 1000:g} TeV, {cfg['pthat_min']:g} < pTHat < {cfg['pthat_max']:g} GeV, "
                    f"anti-kT R = {cfg['R']:g} particle jets matched to jets of hepscaling.detector (card cms) "
                    "candidates (hepscaling.detector.jets.matched_jets)", dataset="substitute", sizes="reduced")


def jet_sample(cfg: dict, spectrum: str, seed: int) -> dict:
    """The matched jets of ``spectrum`` (``"flat"``: pTHat-biased; ``"physical"``: unbiased), through the cache."""
    if spectrum not in SPECTRA:
        raise ValueError(f"jet_sample: spectrum must be one of {SPECTRA}, got {spectrum!r}")
    from ...detector.jets import matched_jets

    s = int(np.random.SeedSequence([int(seed), _JES_SAMPLE, SPECTRA.index(spectrum)]).generate_state(1)[0])
    n = cfg["n_events"] if spectrum == "flat" else cfg["n_events_physical"]
    return matched_jets(n, s, ecm=cfg["ecm"], pthat_min=cfg["pthat_min"], pthat_max=cfg["pthat_max"],
                        bias_power=cfg["bias_power"] if spectrum == "flat" else 0.0, R=cfg["R"],
                        pt_min=cfg["pt_min"], pt_max=cfg["pt_max"], abseta_max=cfg["abseta_max"])


def jes_features(jets: dict) -> tuple[np.ndarray, np.ndarray]:
    """(x, z): x = (log pT_det, η_det, n_det) (n, 3), z = log pT_particle (n, 1); pT in GeV."""
    x = np.column_stack([np.log(jets["pt_det"]), jets["eta_det"], jets["n_det"].astype(float)])
    return x, np.log(jets["pt_gen"])[:, None]


def jes_split(jets: dict, test_fraction: float) -> tuple[np.ndarray, np.ndarray]:
    """Masks (train, test): the last ``test_fraction`` of the events are held out (jets of one event together)."""
    test = jets["event"] >= (1 - test_fraction) * jets["n_events"]
    return ~test, test


_JES_FIT_KEYS = ("n_events", "n_events_physical", "bias_power", "ecm", "pthat_min", "pthat_max", "R", "pt_min",
                 "pt_max", "abseta_max", "test_fraction", "hidden", "depth", "c_uses_z", "steps", "batch_size", "lr",
                 "d_penalty")


@cached
def fit_jes(spectrum: str, sizes: dict, seed: int) -> dict:
    """The Gaussian Ansatz trained on the training jets of ``spectrum``; ``sizes``: the :data:`_JES_FIT_KEYS`."""
    cfg = dict(sizes)
    jets = jet_sample(cfg, spectrum, seed)
    train, _ = jes_split(jets, cfg["test_fraction"])
    x, z = jes_features(jets)
    t0 = time.perf_counter()
    model, res = ga.train_gaussian_ansatz(x[train], z[train], hidden=cfg["hidden"], depth=cfg["depth"],
                                          seed=int(seed), steps=cfg["steps"], batch_size=cfg["batch_size"],
                                          lr=cfg["lr"], d_penalty=cfg["d_penalty"], c_uses_z=cfg["c_uses_z"])
    return {"state": {k: v.cpu() for k, v in model.state_dict().items()},
            "hyper": {"hidden": cfg["hidden"], "depth": cfg["depth"], "seed": int(seed),
                      "c_uses_z": cfg["c_uses_z"]},
            "history": res.history, "wall_s": time.perf_counter() - t0, "n_train": int(train.sum())}


def binned_stats(key: np.ndarray, values: dict, edges: np.ndarray) -> dict:
    """Per bin of ``key``: the mean, standard deviation, Gaussian-core width (half the 15.9–84.1 % quantile range,
    the usual jet-energy-resolution definition, insensitive to the tails) and standard error of the mean of each
    array in ``values`` (NaN for bins with fewer than 2 entries), and the counts."""
    idx = np.digitize(key, edges) - 1
    nb = len(edges) - 1
    out = {"centre": np.sqrt(edges[1:] * edges[:-1]) if edges[0] > 0 else 0.5 * (edges[1:] + edges[:-1]),
           "n": np.bincount(idx[(idx >= 0) & (idx < nb)], minlength=nb)}
    for name, v in values.items():
        mean, std = np.full(nb, np.nan), np.full(nb, np.nan)
        for b in range(nb):
            w = v[idx == b]
            if len(w) >= 2:
                mean[b], std[b] = w.mean(), w.std(ddof=1)
        core = np.full(nb, np.nan)
        for b in range(nb):
            w = v[idx == b]
            if len(w) >= 2:
                q16, q84 = np.percentile(w, [15.865, 84.135])
                core[b] = 0.5 * (q84 - q16)
        out[name] = mean
        out[name + "_std"] = std
        out[name + "_core"] = core
        out[name + "_err"] = std / np.sqrt(np.maximum(out["n"], 1))
    return out


class JES:
    """The jet-energy-scale page's helpers: ``JES(profile, seed, items=[...])`` has ``.cfg`` (the ``jes`` block),
    ``.claims``, the matched jets of each spectrum (:meth:`jets`), the trained GA per spectrum (:meth:`model`), and
    the read-outs: :meth:`test` (ẑ, σ̂ on a held-out sample), :meth:`response` (binned in true pT) and
    :meth:`prior_independence`."""

    def __init__(self, profile, seed: int = 0, items=()):
        self.cfg = load_jes_config(profile)
        self.seed = int(seed)
        self.claims = ClaimSheet("E", jes_data_used(self.cfg), items=items)
        self._fits: dict = {}
        torch.set_num_threads(1)

    def jets(self, spectrum: str) -> dict:
        return jet_sample(self.cfg, spectrum, self.seed)

    def fitted(self, spectrum: str) -> dict:
        if spectrum not in self._fits:
            self._fits[spectrum] = fit_jes(spectrum, {k: self.cfg[k] for k in _JES_FIT_KEYS}, self.seed)
        return self._fits[spectrum]

    def model(self, spectrum: str):
        out = self.fitted(spectrum)
        m = ga.GaussianAnsatz(3, 1, **out["hyper"])
        m.load_state_dict(out["state"])
        return m.eval()

    def test(self, sample: str = "flat", model: str = "flat") -> dict:
        """The held-out jets of ``sample`` with the calibration of the GA trained on ``model``: pt_gen, pt_det,
        eta_det, n_det, z, z_hat, sigma (log units), pt_cal = exp(ẑ)."""
        jets = self.jets(sample)
        _, test = jes_split(jets, self.cfg["test_fraction"])
        x, z = jes_features(jets)
        z_hat, sigma = ga.calibrate(self.model(model), x[test])
        out = {k: jets[k][test] for k in ("pt_gen", "pt_det", "eta_det", "n_det")}
        out.update(x=x[test], z=z[test, 0], z_hat=z_hat[:, 0], sigma=sigma[:, 0], pt_cal=np.exp(z_hat[:, 0]))
        return out

    def min_jets(self, spectrum: str = "flat") -> int:
        """Fewest held-out jets for a bin to count in the summaries: 20, or 1/20 of the held-out jets when there
        are fewer than 400 (small profiles), at least 2."""
        n_test = int(jes_split(self.jets(spectrum), self.cfg["test_fraction"])[1].sum())
        return int(min(20, max(2, n_test // 20)))

    def edges(self, n_bins: int | None = None) -> np.ndarray:
        c = self.cfg
        return np.geomspace(c["closure_pt_min"], c["closure_pt_max"], (n_bins or c["n_bins"]) + 1)

    def response(self, spectrum: str = "flat") -> dict:
        """In bins of the true pT (closure range): the raw response pT_det/pT_true, the calibrated pT_cal/pT_true,
        the log residuals ẑ − z (bias and its spread = the measured resolution) and the mean σ̂."""
        t = self.test(spectrum, spectrum)
        return binned_stats(t["pt_gen"], {"raw": t["pt_det"] / t["pt_gen"], "cal": t["pt_cal"] / t["pt_gen"],
                                          "resid": t["z_hat"] - t["z"], "raw_log": np.log(t["pt_det"] / t["pt_gen"]),
                                          "sigma": t["sigma"]}, self.edges())

    def closure_summary(self, spectrum: str = "flat") -> dict:
        """max |⟨ẑ − z⟩| over the bins (fractional bias), the same for the raw log response, and max |⟨σ̂⟩/w − 1|
        over the bins, w the measured resolution: the core width of ẑ − z (``sigma_ratio``) or its standard
        deviation (``sigma_ratio_std``); bins with ≥ :meth:`min_jets` jets."""
        r = self.response(spectrum)
        ok = r["n"] >= self.min_jets(spectrum)
        return {"bias": float(np.nanmax(np.abs(r["resid"][ok]))) if ok.any() else float("nan"),
                "raw_bias": float(np.nanmax(np.abs(r["raw_log"][ok]))) if ok.any() else float("nan"),
                "sigma_ratio": float(np.nanmax(np.abs(r["sigma"][ok] / r["resid_core"][ok] - 1)))
                if ok.any() else float("nan"),
                "sigma_ratio_std": float(np.nanmax(np.abs(r["sigma"][ok] / r["resid_std"][ok] - 1)))
                if ok.any() else float("nan"), "bins": int(ok.sum()), "response": r}

    def prior_independence(self) -> dict:
        """ẑ and σ̂ of the GA trained on the flat and on the physical spectrum, evaluated on the same held-out
        jets (flat sample), in bins of pT_det over the closure range up to the physical sample's 95th percentile
        of pT_det: mean ẑ_flat − ẑ_phys and mean σ̂_flat/σ̂_phys − 1 per bin, their max |·| (bins with ≥
        :meth:`min_jets` jets)."""
        t = self.test("flat", "flat")
        z_p, s_p = ga.calibrate(self.model("physical"), t["x"])
        phys = self.jets("physical")
        hi = min(self.cfg["closure_pt_max"], float(np.percentile(phys["pt_det"], 95)))
        edges = np.geomspace(self.cfg["closure_pt_min"], max(hi, 1.05 * self.cfg["closure_pt_min"]),
                             max(3, self.cfg["n_bins"] // 2) + 1)
        r = binned_stats(t["pt_det"], {"dz": t["z_hat"] - z_p[:, 0], "dsigma": t["sigma"] / s_p[:, 0] - 1}, edges)
        ok = r["n"] >= self.min_jets("flat")
        r["max_dz"] = float(np.nanmax(np.abs(r["dz"][ok]))) if ok.any() else float("nan")
        r["max_dsigma"] = float(np.nanmax(np.abs(r["dsigma"][ok]))) if ok.any() else float("nan")
        r["pt_det_max"] = hi
        return r

    def statement(self) -> str:
        c = self.cfg
        f, p = self.jets("flat"), self.jets("physical")
        walls = ", ".join(f"{s}: {self._fits[s]['wall_s']:.0f} s" for s in self._fits)
        return (f"**Data** (profile `{c['profile']}`, seed {self.seed}): {jes_data_used(c).text}. Flat-ish spectrum "
                f"(pTHat bias power {c['bias_power']:g}): {c['n_events']:,} events, {len(f['pt_gen']):,} matched jets "
                f"with {c['pt_min']:g} < pT_particle < {c['pt_max']:g} GeV, |η| < {c['abseta_max']:g} "
                f"({f['n_unmatched']} unmatched); physical spectrum: {c['n_events_physical']:,} events, "
                f"{len(p['pt_gen']):,} jets; the last {c['test_fraction']:.0%} of each sample's events held out "
                f"(generation: {f['wall_s']:.0f} s + {p['wall_s']:.0f} s). **Network:** the Gaussian Ansatz on "
                f"x = (log pT_det, η_det, n_candidates), z = log pT_particle; two MLPs of {c['depth']} × {c['hidden']} "
                f"GELU units, DV loss + {c['d_penalty']:g}·E|D|; Adam η₀ = {c['lr']:g}, cosine decay, "
                f"{c['steps']:,} steps of {c['batch_size']:,}" + (f" (training: {walls})." if walls else "."))

    @property
    def data(self):
        from IPython.display import Markdown
        return Markdown(self.statement())
