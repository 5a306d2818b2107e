"""Particle-level and detector-level jets of the same Pythia 8 QCD events, matched: what a jet-energy calibration
trains on.

:func:`matched_jets` generates ``HardQCD:all`` dijet events (``hepscaling.data.pythia.GeneratorSettings``' Pythia
setup: Monash tune, MPI off, no pile-up) in a pTHat window, optionally with Pythia's pTHat bias
(``PhaseSpace:bias2Selection``, events weighted ∝ (pTHat/pTHat_min)^``bias_power``, which flattens the falling
spectrum; the events' weights are returned but a prior-independent calibration does not need them), and

* clusters the visible final state (status > 0, no neutrinos) with anti-kT of radius ``R`` (FastJet, E-scheme):
  the *particle jets* (GEN);
* runs the same events through :func:`hepscaling.detector.simulate` (``card``, ``seed``) and clusters the
  particle-flow candidates with the same algorithm: the *detector jets* (SIM);
* keeps every particle jet with ``pt_min < pT < pt_max`` and \\|η\\| < ``abseta_max``, and matches it to the nearest
  detector jet of its event (in (η, φ)) when that lies within ΔR < ``match_dR`` (default R/2); unmatched particle
  jets are counted, not returned.

Returned (one row per matched pair, numpy): ``pt_gen``, ``eta_gen``, ``phi_gen``, ``pt_det``, ``eta_det``,
``phi_det``, ``n_det`` (detector candidates in the jet), ``n_gen`` (particles in the particle jet), ``dR``,
``event``, ``weight`` (Pythia's event weight; 1 without bias), ``pthat``; and the counts ``n_events``,
``n_gen_jets``, ``n_unmatched``; ``wall_s``.  Every argument is part of the cache key; Pythia's ``Random:seed`` and the
detector's seed are derived from ``seed`` (distinct per batch).
"""
from __future__ import annotations

import hashlib
import time

import numpy as np

from ..cache import cached
from ..data.pythia import GeneratorSettings, _cluster, _constituent_index_numpy, _jagged_numpy
from ..jets._quiet import quiet_stdout
from .pythia_input import particles_from_pythia
from .simulate import simulate

__all__ = ["matched_jets", "match_nearest", "pythia_seed"]


def pythia_seed(seed: int, batch: int, tag: str = "jes") -> int:
    """Pythia's ``Random:seed`` (1..9·10⁸) for batch ``batch`` of a run with ``seed``."""
    h = hashlib.sha256(f"hepscaling-matched-jets|{tag}|{int(seed)}|{int(batch)}".encode()).digest()
    return int.from_bytes(h[:8], "little") % 900_000_000 + 1


def _pythia(seed: int, ecm: float, pthat_min: float, pthat_max: float, bias_power: float):
    import pythia8mc

    settings = GeneratorSettings(ecm=ecm, pthat_min=pthat_min, pthat_max=pthat_max)
    strings = settings.pythia_strings("qcd", seed)
    if bias_power:
        strings += ["PhaseSpace:bias2Selection = on", f"PhaseSpace:bias2SelectionPow = {bias_power}",
                    f"PhaseSpace:bias2SelectionRef = {pthat_min}"]
    with quiet_stdout():
        p = pythia8mc.Pythia("", False)
        for s in strings:
            if not p.readString(s):
                raise RuntimeError(f"Pythia rejected the setting {s!r}")
        if not p.init():
            raise RuntimeError(f"Pythia failed to initialise QCD dijets (seed {seed})")
    return p


def _jets(particles, R: float, pt_min: float) -> dict:
    """anti-kT jets of an awkward (events x particles) array: flat pt, eta, phi, constituent counts, event index."""
    import awkward as ak

    counts = np.asarray(ak.num(particles), dtype=np.int64)
    flat = ak.flatten(particles)
    mom = [np.ascontiguousarray(ak.to_numpy(flat[k]), dtype=np.float64) for k in ("px", "py", "pz", "E")]
    cs = _cluster(mom, np.r_[0, np.cumsum(counts)], R)
    with quiet_stdout():
        jets = cs.inclusive_jets(min_pt=pt_min)
        cidx = cs.constituent_index(min_pt=pt_min)
    off, (jx, jy, jz) = _jagged_numpy(jets, ("px", "py", "pz"))
    _, con_off, _ = _constituent_index_numpy(cidx)
    pt = np.hypot(jx, jy)
    return {"pt": pt, "eta": np.arcsinh(jz / np.maximum(pt, 1e-300)), "phi": np.arctan2(jy, jx),
            "n": np.diff(con_off), "event": np.repeat(np.arange(len(counts)), np.diff(off))}


def match_nearest(event_a, eta_a, phi_a, event_b, eta_b, phi_b) -> tuple[np.ndarray, np.ndarray]:
    """For each object a: the index of the nearest object b of the same event in (η, φ) and that ΔR (−1 and ∞
    when the event has no b).  ``event_b`` must be sorted."""
    event_a, event_b = np.asarray(event_a), np.asarray(event_b)
    if np.any(np.diff(event_b) < 0):
        raise ValueError("match_nearest: event_b must be sorted")
    lo = np.searchsorted(event_b, event_a, side="left")
    hi = np.searchsorted(event_b, event_a, side="right")
    k = hi - lo
    a_of = np.repeat(np.arange(len(event_a)), k)
    first = np.repeat(np.cumsum(k) - k, k)
    b_of = np.repeat(lo, k) + np.arange(k.sum()) - first
    dphi = np.mod(np.asarray(phi_a)[a_of] - np.asarray(phi_b)[b_of] + np.pi, 2 * np.pi) - np.pi
    dr = np.hypot(np.asarray(eta_a)[a_of] - np.asarray(eta_b)[b_of], dphi)
    best = np.full(len(event_a), -1, dtype=np.int64)
    best_dr = np.full(len(event_a), np.inf)
    order = np.lexsort((dr, a_of))                 # by a, then ΔR ascending: the first of each a is the nearest
    a_sorted = a_of[order]
    head = np.r_[True, a_sorted[1:] != a_sorted[:-1]] if len(a_sorted) else np.zeros(0, bool)
    best[a_sorted[head]] = b_of[order][head]
    best_dr[a_sorted[head]] = dr[order][head]
    return best, best_dr


@cached
def matched_jets(n_events: int, seed: int, *, ecm: float = 13000.0, pthat_min: float = 100.0,
                 pthat_max: float = 1000.0, bias_power: float = 4.0, R: float = 0.4, pt_min: float = 100.0,
                 pt_max: float = 1000.0, abseta_max: float = 2.4, match_dR: float | None = None, card: str = "cms",
                 batch_events: int = 500) -> dict:
    """Matched particle-level / detector-level anti-kT jets of ``n_events`` QCD dijet events (see the module)."""
    import awkward as ak

    if int(n_events) < 1:
        raise ValueError(f"matched_jets: n_events must be a positive integer, got {n_events!r}")
    if not 0 < pthat_min < pthat_max:
        raise ValueError(f"matched_jets: need 0 < pthat_min < pthat_max, got {pthat_min!r}, {pthat_max!r}")
    if not 0 < pt_min < pt_max:
        raise ValueError(f"matched_jets: need 0 < pt_min < pt_max, got {pt_min!r}, {pt_max!r}")
    dr_max = R / 2 if match_dR is None else float(match_dR)
    t0 = time.perf_counter()
    cols: dict[str, list] = {k: [] for k in ("pt_gen", "eta_gen", "phi_gen", "n_gen", "pt_det", "eta_det", "phi_det",
                                             "n_det", "dR", "event", "weight", "pthat")}
    n_gen_jets = n_unmatched = 0
    done = 0
    batch = 0
    while done < n_events:
        want = min(int(batch_events), int(n_events) - done)
        py = _pythia(pythia_seed(seed, batch), ecm, pthat_min, pthat_max, bias_power)
        with quiet_stdout():
            ev = py.nextBatch(want)
        weights = ak.to_numpy(ak.firsts(ev["info"]["weights"])).astype(np.float64)
        pthat = np.sqrt(ak.to_numpy(ev["info"]["pT2Hat"]).astype(np.float64))
        parts = particles_from_pythia(ev)
        cands = simulate(parts, card=card, seed=pythia_seed(seed, batch, "detector") % (2 ** 31))
        gen = _jets(parts, R, 0.5 * pt_min)
        det = _jets(cands, R, 0.25 * pt_min)
        sel = (gen["pt"] > pt_min) & (gen["pt"] < pt_max) & (np.abs(gen["eta"]) < abseta_max)
        g = {k: v[sel] for k, v in gen.items()}
        best, dr = match_nearest(g["event"], g["eta"], g["phi"], det["event"], det["eta"], det["phi"])
        ok = (best >= 0) & (dr < dr_max)
        n_gen_jets += int(sel.sum())
        n_unmatched += int((~ok).sum())
        b = best[ok]
        for k in ("pt", "eta", "phi", "n"):
            cols[f"{k}_gen"].append(g[k][ok])
            cols[f"{k}_det"].append(det[k][b])
        cols["dR"].append(dr[ok])
        cols["event"].append(g["event"][ok] + done)
        cols["weight"].append(weights[g["event"][ok]])
        cols["pthat"].append(pthat[g["event"][ok]])
        done += want
        batch += 1
    out = {k: np.concatenate(v) for k, v in cols.items()}
    out.update(n_events=int(n_events), n_gen_jets=n_gen_jets, n_unmatched=n_unmatched,
               wall_s=time.perf_counter() - t0)
    return out
