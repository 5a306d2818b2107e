"""What the pages of Figs. 3 (QCD) and 4 (top) start with: the configuration, the claims sheet, the experiment's
points for one target (computed by the first page that needs them), the summaries, and the claims of §III.C tested
on them (:meth:`Page.check_claims`), with what each claim needs of the D range (:data:`NEEDS`)."""
from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from ...claims import ClaimSheet
from ...tables import Table
from ...scaling.sweep import load_artifact
from . import summaries as S
from .config import load_config
from .data import TARGETS, experiment_data_used
from .grids import finetune_points, pretrain_points, reference_points, run_points, tokenizer_points

FIGURE = {"qcd": "Fig. 3", "top": "Fig. 4"}
#: claim (without the figure prefix) -> (the D values it needs in the profile, in words)
NEEDS = {
    "finetuned_beats_scratch": ([], "two strategies at any D"),
    "pt_scratch_needs_10x": ([], "a D range of at least a decade (D_ref = D_max/10 and 10 × D_ref)"),
    "multiplicity_scratch_needs_10x": ([], "a D range of at least a decade"),
    "pt_near_optimal_1e5": ([100_000, 1_000_000], "D = 10⁵ and larger D to define the optimum"),
    "multiplicity_near_optimal_1e4": ([10_000, 100_000], "D = 10⁴ and larger D"),
    "mass_tau21_saturate_1e3": ([1_000, 10_000], "D = 10³ and larger D"),
    "agree_at_largest_D": ([1_000_000], "D ≥ 10⁶"),
    "gamma_range": ([], "at least three D values"),
    "top_mass_peak_1e4": ([10_000], "D = 10⁴"),
    "top_mass_scratch_needs_more": ([10_000], "D = 10⁴"),
    "tau32_near_optimal_1e5": ([100_000, 1_000_000], "D = 10⁵ and larger D"),
}
MASS_RANGE = (0.0, 400.0)       # GeV: where the mode of the jet mass is searched


class Page:
    """``Page(profile, seed, scheduler=..., target="qcd")``: ``.cfg``, ``.claims`` (the figure's items),
    ``.table`` (every point of the target), ``.summary`` (fine-tuning means and envelopes), ``.tokenizers``,
    ``.floors``, the observables of the test and AOJ-like jets and of each generated sample."""

    def __init__(self, profile: str, seed: int = 0, scheduler: str = "local", target: str = "qcd"):
        if target not in TARGETS:
            raise ValueError(f"Page: target must be one of {list(TARGETS)}, got {target!r}")
        self.cfg = load_config(profile)
        self.o = self.cfg["omnijet"]
        self.seed, self.scheduler, self.target = int(seed), scheduler, target
        self.claims = ClaimSheet("C", experiment_data_used(self.cfg), items=[FIGURE[target]])

    @cached_property
    def table(self) -> pd.DataFrame:
        pts = (tokenizer_points() + pretrain_points() + reference_points([self.target])
               + finetune_points(self.cfg, [self.target]))
        return run_points(self.cfg, pts, seed=self.seed, scheduler=self.scheduler)

    @cached_property
    def summary(self) -> pd.DataFrame:
        return S.summarize(self.table)

    @property
    def D_values(self) -> list[int]:
        return list(self.o["finetune"]["D_values"])

    @cached_property
    def tokenizers(self) -> pd.DataFrame:
        return self.table[self.table["stage"] == "tokenizer"].set_index("source")

    @cached_property
    def pretraining(self) -> pd.Series:
        return self.table[self.table["stage"] == "pretrain"].iloc[0]

    @cached_property
    def floors(self) -> pd.DataFrame:
        """The metrics of real held-out jets against the test jets: as they are (``none``) and through each
        tokenizer; index = tokenizer."""
        f = self.table[self.table["stage"] == "reference"]
        return f.set_index("tokenizer")[S.metric_columns()]

    @cached_property
    def gammas(self) -> pd.DataFrame:
        return S.gamma_table(self.summary, self.target)

    # ---------------------------------------------------------------------------------------- observables
    def generated(self, strategy: str, D: int, repeat: int = 0) -> dict:
        t = self.table
        row = t[(t["stage"] == "finetune") & (t["strategy"] == strategy) & (t["D"] == D) & (t["repeat"] == repeat)]
        if row.empty:
            raise LookupError(f"no fine-tuning point {strategy}, D = {D}, repeat {repeat} for {self.target}")
        return load_artifact(row.iloc[0]["observables"])

    @cached_property
    def test_observables(self) -> dict:
        from .grids import data_config
        from .task import test_observables
        return test_observables(data_config(self.cfg, self.seed), self.target)

    @cached_property
    def aoj_observables(self) -> dict:
        """The AOJ-like validation jets of the pretraining, preprocessed as the model sees them (dotted lines)."""
        from .grids import data_config
        from .task import jets, observables_of, preprocessed
        return observables_of(preprocessed(jets(data_config(self.cfg, self.seed), "aoj")["val"],
                                           self.o["max_constituents"]))

    def mass_mode_offsets(self, strategy: str, D: int) -> list[float]:
        """|mode of the generated jet mass − mode of the test jets'| (GeV), one per seed."""
        ref = S.mode(self.test_observables["mass"], *MASS_RANGE)
        return [abs(S.mode(self.generated(strategy, D, r)["mass"], *MASS_RANGE) - ref)
                for r in range(int(self.o["repeats"]))]

    # --------------------------------------------------------------------------------------------- claims
    def missing(self, short: str) -> str:
        """Why a claim cannot be tested with this profile's D values ('' when it can)."""
        need, words = NEEDS[short]
        have = self.D_values
        if short == "gamma_range" and len(have) < 3:
            return f"needs {words}; profile {self.cfg['profile']!r} has {len(have)}"
        if short.endswith("scratch_needs_10x") and max(have) < 10 * min(have):
            return f"needs {words}; profile {self.cfg['profile']!r} spans {min(have):,}–{max(have):,}"
        if short == "agree_at_largest_D":
            return "" if max(have) >= need[0] else (f"the paper's statement is about D ≥ 10⁶; profile "
                                                     f"{self.cfg['profile']!r} reaches D = {max(have):,}")
        lacking = [d for d in need if d not in have and not (d == need[-1] and max(have) > d)]
        return f"needs {words}; profile {self.cfg['profile']!r} has D = {have}" if lacking else ""

    def tokenizer_table(self) -> Table:
        """The tokenizers (AOJ-like and JetClass-like): training jets, size, codebook usage and the per-feature
        resolution (half the 16–84 % range of reconstructed − true on the validation constituents)."""
        return Table(["tokenizer", "jets", "parameters", "codes used", "perplexity", "pT resolution (rel.)",
                      "Δη resolution", "Δφ resolution"],
                     [[k, f"{int(r.n_train_jets):,}", f"{int(r.n_params):,}",
                       f"{r.usage_n_used:.0f} / {r.usage_n_codes:.0f} ({r.usage_fraction_used:.0%})",
                       f"{r.usage_perplexity:.0f}", f"{r.pt_rel_resolution:.3f}", f"{r.deta_resolution:.4f}",
                       f"{r.dphi_resolution:.4f}"] for k, r in self.tokenizers.iterrows()],
                     caption="Per-feature resolution: half the 16–84 % range of reconstructed − true on the "
                             "validation jets' constituents (pT relative); codebook usage on the same constituents.")

    def pretraining_summary(self) -> str:
        pre = self.pretraining
        return (f"backbone: {int(pre.n_params):,} parameters; pretraining stopped after {int(pre.epochs_run)} "
                f"epochs, best validation loss {pre.best_val_loss:.3f} nats/jet-token at epoch {int(pre.best_epoch)}")

    def gamma_display(self) -> Table:
        """The fits ∝ D^−γ of every (strategy, metric, observable) curve, saturated ones marked."""
        return Table(["strategy", "metric", "observable", "γ", "saturated"],
                     [[r.strategy, r.metric, r.observable,
                       "–" if np.isnan(r.gamma) else f"{r.gamma:.2f} ± {r.gamma_err:.2f}",
                       "yes" if r.saturated else "no"] for r in self.gammas.itertuples()],
                     caption=f"Least squares of log metric on log D through the mean over seeds; curves that fall "
                             f"by less than ×{S.SATURATED_DROP} over the D range count as saturated and are not "
                             f"fitted.")

    def cost(self) -> pd.DataFrame:
        """Where the time of this page's points went, as recorded when they ran (``cpu_s``: CPU seconds of the point's
        process, all threads; ``elapsed_s``: its wall time): one row per stage, the fine-tuning runs also per D and
        phase (encoding the jets to tokens, training with the validations, generating, decoding with metrics).
        Points computed by the other page (the tokenizers, the backbone) are included: they are run once for both.
        NaN where a point was stored before the CPU time was recorded."""
        t = self.table
        rows = []

        def add(name, part):
            r = {"stage": name, "points": len(part), "cpu_s": part["cpu_s"].sum(min_count=1) if "cpu_s" in part
                 else np.nan, "wall_s": part["elapsed_s"].sum(min_count=1)}
            for ph in ("tokens", "train", "generate", "metrics"):
                c = f"cpu_{ph}_s"
                r[c] = part[c].sum(min_count=1) if c in part else np.nan
            rows.append(r)

        for stage in ("tokenizer", "pretrain", "reference"):
            add(stage, t[t["stage"] == stage])
        ft = t[t["stage"] == "finetune"]
        for D in self.D_values:
            add(f"finetune D = {D:,}", ft[ft["D"] == D])
        add("all fine-tuning", ft)
        add("total", t)
        return pd.DataFrame(rows)

    def cost_display(self) -> Table:
        c = self.cost()
        f = lambda v: "–" if pd.isna(v) else f"{v:,.0f}"  # noqa: E731
        return Table(["stage", "points", "CPU s", "wall s", "CPU s: tokens", "train + validation", "generation",
                      "decoding + metrics"],
                     [[r.stage, r.points, f(r.cpu_s), f(r.wall_s), f(r.cpu_tokens_s), f(r.cpu_train_s),
                       f(r.cpu_generate_s), f(r.cpu_metrics_s)] for r in c.itertuples()],
                     caption="Recorded when the points ran (on the machine that built this page, under its load): "
                             "CPU seconds of each point's process and its wall time, summed over the points; not "
                             "counted: generating and reading the jets, starting the workers, this page's plots.")

    def requirements_display(self) -> Table:
        return Table(["claim", "needs", "testable with this profile", "why not"],
                     self.requirements().values.tolist(),
                     caption="What each claim needs of the D range; profile `paper` (D up to 10⁷) tests all of "
                             "them.")

    def requirements(self) -> pd.DataFrame:
        """One row per claim of the page: what it needs, and whether this profile can test it."""
        fig = FIGURE[self.target].replace("Fig. ", "fig")
        rows = []
        for cid in self.claims.claim_ids():
            short = cid.split(".", 1)[1]
            if short in NEEDS:
                why = self.missing(short)
                rows.append({"claim": cid, "needs": NEEDS[short][1], "testable here": "no" if why else "yes",
                             "why not": why})
        assert all(r["claim"].startswith(fig) for r in rows)
        return pd.DataFrame(rows)

    def _geo(self, obs: str, fn) -> tuple[float, str]:
        vals = {m: fn(f"{m}_{obs}") for m in S.METRICS}
        return float(np.sqrt(vals["kl"] * vals["w1"])), ", ".join(f"{m.upper()} {v:.3g}" for m, v in vals.items())

    def check_claims(self) -> ClaimSheet:
        """Compute ours for each claim of the page's figure and test it (``summaries`` defines each number)."""
        fig, t, s = FIGURE[self.target].replace("Fig. ", "fig"), self.target, self.summary
        sheet = self.claims
        for cid in sheet.claim_ids():
            short = cid.split(".", 1)[1]
            why = self.missing(short)
            if why:
                sheet.check(cid, None, reason=why)
                continue
            if short == "finetuned_beats_scratch":
                frac, n = S.finetuned_better_fraction(s, t, D_max=999_999)
                sheet.check(cid, frac, detail=f"{n} comparisons")
            elif short.endswith("scratch_needs_10x"):
                obs = "pt" if short.startswith("pt") else "multiplicity"
                D_ref = max(self.D_values) / 10
                ks = {m: S.data_multiplier(s, t, f"{m}_{obs}", D_ref) for m in S.METRICS}
                k = float(np.sqrt(ks["kl"][0] * ks["w1"][0]))
                text = f"D_ref = {D_ref:,.0f}; " + ", ".join(
                    f"{m.upper()} {v:.3g}{'' if r else ' (scratch never gets there: a lower bound)'}"
                    for m, (v, r) in ks.items())
                if all(r for _, r in ks.values()):
                    sheet.check(cid, k, detail=text)
                else:
                    sheet.check(cid, None, reason=f"the scratch curve does not reach the fine-tuned value within "
                                                  f"our D range, so the multiplier is only bounded below ({text})")
            elif short.endswith("near_optimal_1e5") or short.endswith("near_optimal_1e4"):
                obs = {"pt": "pt", "mu": "multiplicity", "ta": "tau32"}[short[:2]]
                D = 100_000 if short.endswith("1e5") else 10_000
                r, detail = self._geo(obs, lambda c: S.optimality_ratio(s, t, "finetuned", c, D))
                sheet.check(cid, r, detail=detail)
            elif short == "mass_tau21_saturate_1e3":
                ratios = {f"{m.upper()} {o}": S.optimality_ratio(s, t, "finetuned", f"{m}_{o}", 1000)
                          for o in ("mass", "tau21") for m in S.METRICS}
                sheet.check(cid, max(ratios.values()), detail=", ".join(f"{k} {v:.2f}" for k, v in ratios.items()))
            elif short == "agree_at_largest_D":
                sheet.check(cid, S.largest_D_ratio(s, t), detail=f"D = {max(self.D_values):,}")
            elif short == "gamma_range":
                g, n = S.median_gamma(self.gammas)
                if n == 0:
                    sheet.check(cid, None, reason="every fine-tuned curve is saturated or could not be fitted")
                else:
                    sheet.check(cid, g, detail=f"median of {n} fits")
            elif short == "top_mass_peak_1e4":
                off = self.mass_mode_offsets("finetuned", 10_000)
                sheet.check(cid, float(np.mean(off)), detail="per seed " + ", ".join(f"{v:.1f}" for v in off))
            elif short == "top_mass_scratch_needs_more":
                ft, sc = self.mass_mode_offsets("finetuned", 10_000), self.mass_mode_offsets("scratch", 10_000)
                sheet.check(cid, float(np.mean(sc) - np.mean(ft)),
                            detail=f"scratch {np.mean(sc):.1f} GeV, fine-tuned {np.mean(ft):.1f} GeV")
            else:
                raise AssertionError(f"page {fig}: no computation for claim {cid}")
        return sheet

    def statement(self) -> str:
        o, c = self.o, self.cfg
        g, p, f = o["gpt"], o["pretrain"], o["finetune"]
        return (f"**Data** (profile `{c['profile']}`, seed {self.seed}): {experiment_data_used(c).text}. "
                f"**Tokenizers:** VQ-VAE (`hepscaling.models.jet_tokenizer`), {o['n_codes']:,} codes, settings "
                f"{o['tokenizer']}; one on the AOJ-like jets (fine-tuned strategy), one on JetClass-like jets of "
                f"all ten classes (scratch). **Backbone:** GPT (`hepscaling.models.jet_gpt`), d_model {g['d_model']}, "
                f"{g['n_layers']} layers, {g['n_heads']} heads, sequences of at most {o['max_constituents']} "
                f"constituents (+ start and stop). **Pretraining:** {p['jets'] - p['val_jets']:,} AOJ-like jets, "
                f"{p['val_jets']:,} to validate, batch {p['batch_size']}, lr {p['lr']:g}, at most {p['max_epochs']} "
                f"epochs, patience {p['patience']}. **Fine-tuning / scratch:** D = {f['D_values']}, validation as "
                f"the paper (= D up to 10⁵), AdamW lr {f['lr']:g}, batch {f['batch_size']}, patience "
                f"{f['patience']} epochs, at most {f['max_epochs']} epochs, best-validation weights; "
                f"{o['repeats']} seed(s) per point; {o['n_generate']:,} generated jets against {o['n_test']:,} "
                f"test jets.")

    def differences(self) -> str:
        """Markdown list: where this profile's sizes and training differ from the paper's (from the profile)."""
        o, c = self.o, self.cfg
        g, p, f = o["gpt"], o["pretrain"], o["finetune"]
        from ...models import jet_gpt
        n_gpt = jet_gpt.n_params(jet_gpt.JetGPT(o["n_codes"], g["d_model"], g["n_layers"], g["n_heads"],
                                                o["max_constituents"] + 2))
        step_cap = f["max_steps"] * f["batch_size"]
        lines = [
            "**Data.** AOJ-like and JetClass-like jets are Pythia 8 jets through our parametrised detector, not CMS "
            "2016 data and Delphes; no pile-up, no underlying event (multi-parton interactions off).",
            f"**Pretraining** on {p['jets'] - p['val_jets']:,} AOJ-like jets for at most {p['max_epochs']} epochs "
            "(the paper: 1.8·10⁸ jets, 900 k steps of 12 × 256 jets).",
            f"**Fine-tuning sizes:** D = {f['D_values'][0]:,} … {f['D_values'][-1]:,} (the paper: 10² … 10⁷), "
            f"{o['repeats']} seed(s) (5); {o['n_codes']:,} codes (8192); a GPT of {n_gpt:,} parameters "
            f"(d_model {g['d_model']}, {g['n_layers']} blocks; OmniJet-α: 256, 3 blocks, ~3·10⁶ with 8192 codes); "
            f"at most {o['max_constituents']} constituents per jet (128).",
            f"**Training length.** Every run stops after {f['max_steps']} optimiser steps of up to {f['batch_size']} "
            f"jets (≤ {step_cap:,} jets seen) or {f['max_epochs']} epochs, or when the validation loss has not "
            f"improved for {f['patience']} epochs (the paper: patience 10 epochs, no cap)."
            + (" With this cap the larger-D runs are limited by compute, not by data: they see each jet only a few "
               "times, so the D dependence here mixes data and training length." if step_cap < 10 * max(f["D_values"])
               else ""),
            f"**Metrics** from {o['n_generate']:,} generated against {o['n_test']:,} test jets (the paper: 200 k "
            "reference jets): the metrics have a sample-size floor (grey dotted line) far above the paper's.",
            "**Optimiser.** AdamW with a constant learning rate (the paper: Ranger).",
            "**Scratch tokenizer.** Trained by us on JetClass-like jets of all ten classes, as the paper's baseline "
            "uses OmniJet-α's tokenizer trained on all of JetClass.",
        ]
        return "\n".join(f"- {x}" for x in lines)

    @property
    def data(self):
        from IPython.display import Markdown
        return Markdown(self.statement())
