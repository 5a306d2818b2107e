"""One shape for the jets a loader returns: :class:`JetSample`.

Shared by :mod:`hepscaling.data.aspen` (AspenOpenJets HDF5) and :mod:`hepscaling.data.jetclass` (JetClass ROOT):

* ``constituents`` — float64 ``(N, M, 4)`` as (E, px, py, pz), in the file's order, zero-padded at the end;
* ``mask`` — bool ``(N, M)``, True for a real constituent;
* ``jets`` — a :class:`pandas.DataFrame` with one row per jet, its columns named as in the file;
* ``fields`` — the other per-constituent quantities, ``(N, M)`` each, under their names in the file
  (AspenOpenJets: ``fields["pdgId"]``, ``fields["d0"]``, ...; JetClass: ``fields["part_charge"]``, ...), zero where
  ``mask`` is False;
* ``labels`` / ``label_names`` — JetClass only: ``labels`` int64 ``(N,)`` indexing ``label_names``;
* ``event_info`` — AspenOpenJets only: run, luminosityBlock, event of each jet (int64 DataFrame);
* ``files`` — the files read.

:func:`summed_jets` sums the constituents (E-scheme) into jet pT, eta, phi, mass and energy.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["JetSample", "summed_jets"]


@dataclass
class JetSample:
    constituents: np.ndarray
    mask: np.ndarray
    jets: pd.DataFrame
    fields: dict[str, np.ndarray] = field(default_factory=dict)
    labels: np.ndarray | None = None
    label_names: tuple[str, ...] = ()
    event_info: pd.DataFrame | None = None
    files: tuple[str, ...] = ()
    dataset: str = ""

    def __post_init__(self):
        n = len(self.constituents)
        if self.constituents.ndim != 3 or self.constituents.shape[2] != 4:
            raise ValueError(f"constituents: expected shape (N, M, 4), got {self.constituents.shape}")
        if self.mask.shape != self.constituents.shape[:2]:
            raise ValueError(f"mask: expected shape {self.constituents.shape[:2]}, got {self.mask.shape}")
        if len(self.jets) != n:
            raise ValueError(f"jets: expected {n} rows, got {len(self.jets)}")
        for name, a in self.fields.items():
            if a.shape != self.mask.shape:
                raise ValueError(f"fields[{name!r}]: expected shape {self.mask.shape}, got {a.shape}")
        if self.labels is not None and self.labels.shape != (n,):
            raise ValueError(f"labels: expected shape ({n},), got {self.labels.shape}")
        if self.event_info is not None and len(self.event_info) != n:
            raise ValueError(f"event_info: expected {n} rows, got {len(self.event_info)}")

    def __len__(self) -> int:
        return len(self.constituents)

    @property
    def n_constituents(self) -> np.ndarray:
        """Number of real constituents of each jet, ``(N,)``."""
        return self.mask.sum(axis=1)

    def take(self, rows) -> "JetSample":
        """The jets at ``rows`` (indices or a boolean mask), in that order, as a new sample."""
        rows = np.asarray(rows)
        if rows.dtype == bool:
            rows = np.flatnonzero(rows)
        return JetSample(
            constituents=self.constituents[rows], mask=self.mask[rows],
            jets=self.jets.iloc[rows].reset_index(drop=True),
            fields={k: v[rows] for k, v in self.fields.items()},
            labels=None if self.labels is None else self.labels[rows], label_names=self.label_names,
            event_info=None if self.event_info is None else self.event_info.iloc[rows].reset_index(drop=True),
            files=self.files, dataset=self.dataset)


def summed_jets(constituents, mask=None) -> pd.DataFrame:
    """The jets' four-momenta summed from their constituents (E-scheme): columns pt, eta, phi, mass, energy.

    ``constituents`` ``(N, M, 4)`` as (E, px, py, pz); ``mask`` (optional) selects the constituents to sum.
    eta is the pseudorapidity asinh(pz / pt); mass is sqrt(max(E^2 - p^2, 0)).
    """
    p4 = np.asarray(constituents, dtype=np.float64)
    if p4.ndim != 3 or p4.shape[2] != 4:
        raise ValueError(f"constituents: expected shape (N, M, 4) as (E, px, py, pz), got {p4.shape}")
    if mask is not None:
        p4 = np.where(np.asarray(mask, dtype=bool)[..., None], p4, 0.0)
    E, px, py, pz = p4.sum(axis=1).T
    pt = np.hypot(px, py)
    with np.errstate(divide="ignore", invalid="ignore"):
        eta = np.where(pt > 0, np.arcsinh(pz / np.where(pt > 0, pt, 1.0)), 0.0)
    mass = np.sqrt(np.maximum(E ** 2 - px ** 2 - py ** 2 - pz ** 2, 0.0))
    return pd.DataFrame({"pt": pt, "eta": eta, "phi": np.arctan2(py, px), "mass": mass, "energy": E})
