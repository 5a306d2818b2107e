"""Paper C's samples, transcribed once (``cms_samples.yaml``: Table II and Table I), and the Pythia 8 processes our
substitute uses in their place, with their leading-order cross sections at 13 TeV.

Our analogue of each CMS Monte Carlo sample (:data:`ANALOGUES`) is a Pythia 8 hard process with the same final state;
cross sections come from :func:`hepscaling.data.cross_sections.pythia_cross_section` (hard process only, LO, Pythia's
default PDF; the CMS samples use NNPDF 3.1 and, for tt̄ and H, higher-order generators normalised to higher orders).
The W/Z + jets samples are binned in HT, the scalar sum of the partons' pT, which Pythia cannot cut on: at leading
order HT ≥ 2 p̂T for V + jet with V → qq̄′ (the V's decay quarks carry at least its pT), so events with p̂T > HT_min / 2
all pass HT > HT_min: our σ of that 2 → 2 subset is a lower bound, shown as such and not tested (the CMS samples
also hold V + 2, 3, 4 jets, MLM-matched).
"""
from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
import yaml

from ...data.cross_sections import pythia_cross_section

HERE = Path(__file__).resolve().parent
W_HADRONIC = ["24:onMode = off", "24:onIfAny = 1 2 3 4 5"]
Z_HADRONIC = ["23:onMode = off", "23:onIfAny = 1 2 3 4 5"]
TTBAR = ["Top:gg2ttbar = on", "Top:qqbar2ttbar = on"]


@functools.lru_cache(maxsize=1)
def transcribed() -> dict:
    """``cms_samples.yaml``: ``samples`` (Table II rows) and ``composition`` (Table I)."""
    return yaml.safe_load((HERE / "cms_samples.yaml").read_text())


def _pthat(lo, hi=None) -> list[str]:
    return [f"PhaseSpace:pTHatMin = {lo}"] + ([f"PhaseSpace:pTHatMax = {hi}"] if hi else [])


def analogue(sample: dict) -> tuple[str, list[list[str]]] | None:
    """Our Pythia process for one Table II row: ``(description, [settings, ...])`` whose cross sections add up (two
    entries for tt̄ → semi-leptonic: W⁺ or W⁻ leptonic); ``None`` for data."""
    name, proc = sample["name"], sample["process"]
    if proc == "data":
        return None
    if proc == "QCD":
        lo, hi = sample["pthat"]
        return f"HardQCD:all, {lo} < p̂T < {hi} GeV", [["HardQCD:all = on", *_pthat(lo, hi)]]
    if "TTToHadronic" in name:
        return "gg, qq̄ → tt̄, both W → qq′", [TTBAR + W_HADRONIC]
    if "TTToSemiLeptonic" in name:
        lep = ["24:onMode = off"]
        return ("gg, qq̄ → tt̄, one W → ℓν (e, µ, τ), the other → qq′",
                [TTBAR + lep + ["24:onPosIfAny = 1 2 3 4 5", "24:onNegIfAny = 11 13 15"],
                 TTBAR + lep + ["24:onPosIfAny = 11 13 15", "24:onNegIfAny = 1 2 3 4 5"]])
    if proc in ("W", "Z"):
        lo, hi = sample["ht"]
        boson = (["WeakBosonAndParton:qqbar2Wg = on", "WeakBosonAndParton:qg2Wq = on", *W_HADRONIC] if proc == "W"
                 else ["WeakBosonAndParton:qqbar2gmZg = on", "WeakBosonAndParton:qg2gmZq = on",
                       "WeakZ0:gmZmode = 2", *Z_HADRONIC])
        cut = _pthat(lo / 2, hi / 2 if hi else None)
        return (f"{proc} + jet (2 → 2), {proc} → qq̄′, {lo / 2:g} < p̂T{f' < {hi / 2:g}' if hi else ''} GeV "
                f"(≈ HT/2)", [boson + cut])
    if proc.startswith("H"):
        return ("gg → Hg, qg → Hq, qq̄ → Hg (top loop), H → bb̄, p̂T > 200 GeV",
                [["HiggsSM:gg2Hg(l:t) = on", "HiggsSM:qg2Hq(l:t) = on", "HiggsSM:qqbar2Hg(l:t) = on",
                  "25:onMode = off", "25:onIfMatch = 5 -5", *_pthat(200)]])
    raise ValueError(f"cms_samples.yaml: no Pythia analogue for the sample {name!r} (process {proc!r})")


def table2(n_events: int, ecm: float = 13000.0, seed: int = 1) -> pd.DataFrame:
    """Table II beside ours: one row per CMS sample — ``process``, ``sample`` (the CMS name), ``paper_xsec`` (pb),
    ``our_process``, ``our_xsec`` ± ``our_error`` (Pythia 8 LO, pb; NaN for data)."""
    rows = []
    for i, s in enumerate(transcribed()["samples"]):
        an = analogue(s)
        row = {"process": s["process"], "sample": s["name"], "paper_xsec": s.get("xsec_pb"),
               "our_process": "—", "our_xsec": None, "our_error": None}
        if an is not None:
            desc, parts = an
            res = [pythia_cross_section(p, n_events=n_events, seed=seed + 101 * i + j, ecm=ecm)
                   for j, p in enumerate(parts)]
            row.update({"our_process": desc, "our_xsec": sum(r["sigma_pb"] for r in res),
                        "our_error": sum(r["error_pb"] ** 2 for r in res) ** 0.5})
        rows.append(row)
    return pd.DataFrame(rows)
