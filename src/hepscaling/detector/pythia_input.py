"""The visible final state of a Pythia 8 ``nextBatch`` with production vertices, as :func:`simulate` takes it.

``hepscaling.data.pythia`` is not touched (its code version keys paper A's cached jets): this module reads the same
awkward batch (``pythia8mc``'s ``Pythia.nextBatch(n)``: events with a ``prt`` list of particles with ``id``,
``status``, ``p`` = (px, py, pz, e) and the optional production vertex ``vProd`` = (x, y, z, t) in mm, missing
(``None``) when Pythia set none, i.e. at the origin).  Pythia's default decays give displaced vertices to the
daughters of K0S, Lambda, Sigma, Xi, Omega and of charm and bottom hadrons.
"""
from __future__ import annotations

import numpy as np

from .simulate import pdg_charge

__all__ = ["particles_from_pythia", "NEUTRINOS"]

NEUTRINOS = (12, 14, 16)


def _numpy(content, lo, hi):
    import awkward as ak

    if hasattr(content, "data"):
        return np.asarray(content.data)[lo:hi]
    return ak.to_numpy(ak.Array(content))[lo:hi]


def _vertices(vprod, lo, hi) -> dict:
    """x, y, z (mm) of the optional production vertices, 0 where missing."""
    import awkward as ak

    index = getattr(vprod, "index", None)
    content = getattr(vprod, "content", None)
    if index is not None and content is not None and all(hasattr(content[k], "data") for k in ("px", "py", "pz")):
        idx = np.asarray(index)[lo:hi]                       # IndexedOptionArray: -1 = no vertex
        ok = idx >= 0
        out = {}
        for k in ("px", "py", "pz"):
            col = np.zeros(hi - lo)
            col[ok] = np.asarray(content[k].data)[idx[ok]]
            out[k] = col
        return out
    v = ak.Array(vprod)[lo:hi]
    return {k: ak.to_numpy(ak.fill_none(v[k], 0.0)).astype(np.float64) for k in ("px", "py", "pz")}


def particles_from_pythia(batch, drop: tuple = NEUTRINOS):
    """Visible final-state particles (status > 0, ``drop`` ids removed) of a Pythia ``nextBatch`` result as an awkward
    Array (events x particles) with fields px, py, pz, E (GeV), pdgId, charge (e, from the PDG id) and the production
    vertex xProd, yProd, zProd (mm)."""
    import awkward as ak

    try:
        prt = batch["prt"]
    except Exception:
        raise ValueError("batch: expected a pythia8mc nextBatch result (records with a 'prt' particle list)") from None
    layout = prt.layout
    while not hasattr(layout, "offsets"):
        layout = layout.content
    offsets = np.asarray(layout.offsets, dtype=np.int64)
    rec = layout.content
    lo, hi = int(offsets[0]), int(offsets[-1])
    for f in ("id", "status", "p", "vProd"):
        if f not in rec.fields:
            raise ValueError(f"batch: the particle records have no field {f!r} (fields: {rec.fields})")
    ids = _numpy(rec["id"], lo, hi).astype(np.int64)
    status = _numpy(rec["status"], lo, hi)
    mom = {k: _numpy(rec["p"][k], lo, hi) for k in ("px", "py", "pz", "e")}
    vtx = _vertices(rec["vProd"], lo, hi)
    keep = (status > 0) & ~np.isin(np.abs(ids), drop)
    local = offsets - lo
    n_keep = np.r_[0, np.cumsum(keep)]
    counts = n_keep[local[1:]] - n_keep[local[:-1]]
    w = np.flatnonzero(keep)
    cols = {"px": mom["px"][w], "py": mom["py"][w], "pz": mom["pz"][w], "E": mom["e"][w],
            "pdgId": ids[w].astype(np.int32), "charge": pdg_charge(ids[w]),
            "xProd": vtx["px"][w], "yProd": vtx["py"][w], "zProd": vtx["pz"][w]}
    content = ak.contents.RecordArray([ak.contents.NumpyArray(np.ascontiguousarray(c)) for c in cols.values()],
                                      list(cols))
    off = np.r_[0, np.cumsum(counts)].astype(np.int64)
    return ak.Array(ak.contents.ListOffsetArray(ak.index.Index64(off), content))
