"""Top vs QCD jets for paper A: ONE entry point, the same in-memory jets from either source.

    from hepscaling.data.topqcd import get_jets, describe
    p4, labels = get_jets("train", 20000)                  # local Pythia 8 + FastJet substitute (default)
    p4, labels = get_jets("test", 10000, source="public")  # Top Tagging Landscape files in $HEPSCALING_DATA
    print(describe("local"))

``p4`` float32 ``(N, 200, 4)`` (E, px, py, pz), pT-ordered, zero-padded; ``labels`` int64 ``(N,)``, 1 = top.
Every request is balanced (N/2 top and N/2 QCD; for odd N one class has one jet more) and *nested*: ``get_jets(split, n)`` is exactly the first
``n`` jets of ``get_jets(split, m)`` for any ``m > n`` (same split, source and seed), so T-sweeps share data.  The
jets come in top/QCD pairs, each pair in a seeded random order — shuffle before forming minibatches.

``source="local"``: jets are generated in shards of :data:`SHARD_JETS_PER_CLASS` top + as many QCD jets
(:mod:`hepscaling.data.pythia`), kept under ``$HEPSCALING_DATA/topqcd_local/<settings+code hash>/`` and reused: asking
for fewer jets than exist reads the first shards only.  Pythia seeds derive from (seed, split, shard, process), so
train, val and test never share events and another ``seed`` gives an independent sample.

``source="public"``: ``train.h5``/``val.h5``/``test.h5`` of Zenodo record 2603256 in ``$HEPSCALING_DATA`` (default
``data/``); the first N/2 top and N/2 QCD jets of a seeded permutation of each class.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..paths import data_dir
from . import toptagging
from .download import DATASETS, download_hint, recorded_sha256
from .pythia import GeneratorSettings, ensure_many, ensure_shards, shard_seed

__all__ = ["get_jets", "describe", "prepare", "local_metadata", "prune_stale", "public_path", "local_shards", "SPLITS", "SOURCES", "SHARD_JETS_PER_CLASS"]

SPLITS = ("train", "val", "test")
SOURCES = ("local", "public")
SHARD_JETS_PER_CLASS = 500
SETTINGS = GeneratorSettings()


class MissingDataError(FileNotFoundError):
    pass


def _check(split, n_jets, source, seed):
    if split not in SPLITS:
        raise ValueError(f"split: expected one of {SPLITS}, got {split!r}")
    if source not in SOURCES:
        raise ValueError(f"source: expected one of {SOURCES}, got {source!r}")
    if isinstance(n_jets, bool) or not isinstance(n_jets, (int, np.integer)) or n_jets <= 0:
        raise ValueError(f"n_jets: expected a positive integer, got {n_jets!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed: expected a non-negative integer, got {seed!r}")


def _pair_up(top: np.ndarray, qcd: np.ndarray, n_jets: int, split: str, seed: int, source: str):
    """Interleave top and QCD jets as pairs, each pair's order drawn from a seeded stream (prefix-stable); an odd
    ``n_jets`` is the first ``n_jets`` of the ``n_jets + 1`` arrangement."""
    n_pairs = (n_jets + 1) // 2
    rng = np.random.default_rng(shard_seed(seed, split, 0, f"pairs-{source}"))
    top_first = rng.random(n_pairs) < 0.5
    idx_top = 2 * np.arange(n_pairs) + np.where(top_first, 0, 1)
    idx_qcd = 2 * np.arange(n_pairs) + np.where(top_first, 1, 0)
    p4 = np.empty((2 * n_pairs,) + top.shape[1:], dtype=np.float32)
    labels = np.empty(2 * n_pairs, dtype=np.int64)
    p4[idx_top], labels[idx_top] = top[:n_pairs], 1
    p4[idx_qcd], labels[idx_qcd] = qcd[:n_pairs], 0
    return p4[:n_jets], labels[:n_jets]


def _n_shards(n_jets: int) -> int:
    return math.ceil(((n_jets + 1) // 2) / SHARD_JETS_PER_CLASS)


def _clean_stale_temporaries(max_age_s: float = 3600.0) -> None:
    """Remove temporary files of writes that were killed midway (older than an hour, so that a concurrent writer's
    file is never touched); finished shards are only ever created by an atomic rename."""
    import time

    from .pythia import shard_dir

    d = shard_dir(SETTINGS)
    if d.is_dir():
        for p in d.glob(".tmp-*"):
            try:
                if time.time() - p.stat().st_mtime > max_age_s:
                    p.unlink()
            except OSError:
                pass


def local_shards(split: str, n_jets: int, seed: int = 0, workers: int | None = None) -> list[Path]:
    """Generate (if missing) and return the shard files needed for ``n_jets`` jets of ``split``."""
    _clean_stale_temporaries()
    return ensure_shards(split, _n_shards(n_jets), seed, SHARD_JETS_PER_CLASS, SETTINGS, workers=workers)


def prepare(n_train: int = 0, n_val: int = 0, n_test: int = 0, seed: int = 0, workers: int | None = None) -> dict:
    """Generate the local shards of all three splits at once (one pool of worker processes, so small requests
    use every core too).  Calling it first is optional — :func:`get_jets` generates what is missing — but faster."""
    want = {sp: _n_shards(n) for sp, n in (("train", n_train), ("val", n_val), ("test", n_test)) if n > 0}
    _clean_stale_temporaries()
    return ensure_many(want, seed, SHARD_JETS_PER_CLASS, SETTINGS, workers=workers)


def _get_local(split, n_jets, seed):
    n_top = n_qcd = (n_jets + 1) // 2
    tops, qcds, got_t, got_q = [], [], 0, 0
    for path in local_shards(split, n_jets, seed):
        p4, lab = toptagging.load(path)
        t, q = p4[lab == 1], p4[lab == 0]
        tops.append(t[: n_top - got_t])
        qcds.append(q[: n_qcd - got_q])
        got_t += len(tops[-1])
        got_q += len(qcds[-1])
    top = np.concatenate(tops)
    qcd = np.concatenate(qcds) if qcds else np.zeros((0,) + top.shape[1:], np.float32)
    return _pair_up(top, qcd, n_jets, split, seed, "local")


def public_path(split: str) -> Path:
    return data_dir() / f"{split}.h5"


def _get_public(split, n_jets, seed):
    path = public_path(split)
    if not path.is_file():
        raise MissingDataError(f"source='public' needs {path.name} of the Top Tagging Landscape dataset in "
                               f"{path.parent}, which is missing: {download_hint('toptagging')}")
    labels = toptagging.read_labels(path)
    n_top = n_qcd = (n_jets + 1) // 2
    rows_by_class = []
    for cls, n in ((1, n_top), (0, n_qcd)):
        rows = np.flatnonzero(labels == cls)
        if len(rows) < n:
            raise ValueError(f"{path}: asked for {n} {'top' if cls else 'QCD'} jets, the file holds {len(rows)}")
        perm = np.random.default_rng(shard_seed(seed, split, cls, "public-subset")).permutation(len(rows))
        rows_by_class.append(rows[perm[:n]])
    rows = np.concatenate(rows_by_class)
    p4, lab = toptagging.load(path, rows=rows)
    return _pair_up(p4[:n_top], p4[n_top:], n_jets, split, seed, "public")


def get_jets(split: str, n_jets: int, source: str = "local", seed: int = 0):
    """``n_jets`` balanced top/QCD jets of ``split`` in {"train", "val", "test"} from ``source`` in {"local",
    "public"}: returns ``(p4, labels)`` — see the module docstring."""
    _check(split, n_jets, source, seed)
    if source == "local":
        return _get_local(split, int(n_jets), int(seed))
    return _get_public(split, int(n_jets), int(seed))


def describe(source: str = "local") -> str:
    """One line saying which data a notebook ran on (for its "which data" statement)."""
    if source == "local":
        from .pythia import versions

        v = versions()
        s = SETTINGS
        return (f"local substitute (particle level: no detector simulation, no pile-up): Pythia {v['pythia8mc']} "
                f"(pythia8mc) pp at {s.ecm / 1000:g} TeV, default tune, MPI {'on' if s.mpi else 'off'}, hadronic "
                f"ttbar (signal) vs QCD dijets (HardQCD:all), hard-process window {s.pthat_min:g} < pTHat < "
                f"{s.pthat_max:g} GeV; anti-kT R = {s.jet_R:g} (FastJet via scikit-hep fastjet {v['fastjet']}) on "
                f"visible final-state particles; "
                f"{'the leading jet of each event, kept when ' if s.leading_jet_only else 'every jet with '}"
                f"{s.jet_pt_min:g} < pT < {s.jet_pt_max:g} GeV, |eta| < {s.jet_abseta_max:g}; top jets "
                f"matched to top + 3 decay quarks within dR < {s.match_dR:g}; up to {s.max_constituents} "
                f"constituents{'; parametric smearing on' if s.smearing else ''}; settings+code hash "
                f"{s.digest()}")
    if source == "public":
        parts = []
        for rf in DATASETS["toptagging"]["files"]:
            p = data_dir() / rf.name
            if p.is_file():
                sha = recorded_sha256(p)
                if sha is None:
                    from ..provenance import register_input
                    sha = register_input(p)
                parts.append(f"{rf.name} sha256 {sha}")
            else:
                parts.append(f"{rf.name} missing")
        return ("public Top Tagging Landscape dataset (Kasieczka et al., SciPost Phys. 7 (2019) 014; Zenodo record "
                "2603256): Pythia 8 14 TeV + Delphes (ATLAS card), 550 < pT < 650 GeV, |eta| < 2, anti-kT R = 0.8; "
                + "; ".join(parts))
    raise ValueError(f"source: expected one of {SOURCES}, got {source!r}")


def local_metadata(split: str, n_jets: int, seed: int = 0) -> dict:
    """What the local jets of ``get_jets(split, n_jets, "local", seed)`` were made with: the settings, Pythia
    strings and versions of the first shard's sidecar, the per-shard Pythia seeds, and the measured generation rates
    summed over the shards (CPU seconds in Pythia's ``nextBatch``, in clustering/selection and, of that, inside
    FastJet)."""
    paths = local_shards(split, n_jets, seed)
    sides = [toptagging.read_sidecar(p) or {} for p in paths]
    first = sides[0]
    tot = {"n_events": 0, "n_jets": 0, "cpu_pythia_s": 0.0, "cpu_select_s": 0.0, "cpu_fastjet_s": 0.0,
           "cpu_write_s": 0.0}
    seeds = []
    for s in sides:
        g = s.get("generation", {})
        for proc in ("top", "qcd"):
            if proc in g:
                for k in ("n_events", "n_jets", "cpu_pythia_s", "cpu_select_s", "cpu_fastjet_s"):
                    tot[k] += g[proc].get(k, 0)
                seeds.append((s.get("shard"), proc, g[proc].get("pythia_seed")))
        tot["cpu_write_s"] += g.get("cpu_write_s", 0.0)
    return {"settings": first.get("settings", {}), "pythia_settings": first.get("pythia_settings", {}),
            "versions": first.get("versions", {}), "settings_digest": first.get("settings_digest"),
            "files": [str(p) for p in paths], "pythia_seeds": seeds, "totals": tot}


def prune_stale(dry_run: bool = False) -> list[Path]:
    """Remove local shard directories made by other generator settings/code (not the current hash)."""
    import shutil

    root = data_dir() / "topqcd_local"
    keep = SETTINGS.digest()
    stale = [d for d in root.iterdir() if d.is_dir() and d.name != keep] if root.is_dir() else []
    if not dry_run:
        for d in stale:
            shutil.rmtree(d)
    return stale


def main(argv=None) -> int:
    """``python -m hepscaling.data.topqcd [--profile quick] [--prune]``: generate the local jets of a profile."""
    import argparse
    import time

    from .. import profiles

    ap = argparse.ArgumentParser(prog="python -m hepscaling.data.topqcd", description=main.__doc__)
    ap.add_argument("--profile", default="quick", help="profile whose n_train/n_val/n_test to generate")
    ap.add_argument("--seed", type=int, default=None, help="default: the profile's seed")
    ap.add_argument("--workers", type=int, default=None, help="parallel processes (default: all cores)")
    ap.add_argument("--prune", action="store_true", help="delete shards of other generator versions first")
    a = ap.parse_args(argv)
    if a.prune:
        for d in prune_stale():
            print(f"removed {d}")
    prof = profiles.load(a.profile)["defaults"]
    seed = prof.get("seed", 0) if a.seed is None else a.seed
    t0 = time.time()
    sizes = {f"n_{sp}": int(prof.get(f"n_{sp}", 0)) for sp in SPLITS}
    prepare(**sizes, seed=seed, workers=a.workers)
    print(f"local top/QCD jets of profile {a.profile!r} ({sizes}) ready in {time.time() - t0:.0f} s under "
          f"{data_dir() / 'topqcd_local' / SETTINGS.digest()}")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main())
