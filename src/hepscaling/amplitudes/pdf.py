"""Leading-order parton densities of the proton, from the sets that ship inside the ``pythia8mc`` wheel.

Pythia 8 carries its LO proton PDFs (``share/Pythia8/pdfdata``) and selects them with ``PDF:pSet``; we take the
set through ``Pythia.getPDFPtr`` once, tabulate ``x f(x, Q^2)`` per flavour on a grid in ``(log x, log Q^2)`` and
interpolate that grid in torch (cubic in log x, linear in log Q^2), so that millions of phase-space points cost
a second instead of one Python call each. For the sets offered here the interpolation agrees with Pythia's own
values to better than 3e-3 relative for g, u, d and their antiquarks, 1e-2 for c and b just above their thresholds
(1e-6 < x < 0.9, 25 < Q^2 < 1e7 GeV^2, wherever x f > 1e-3;
``tests/amplitudes/test_collider.py``); the weights of generated events use the interpolated values consistently,
so the generated distribution carries that accuracy.

Default set: CTEQ6L1 (``PDF:pSet = 8``), MadGraph's long-standing LO default. Pythia's NNPDF 3.1 LO grids are not
offered: their quark densities are ragged at large x (the u~ density jumps by a factor two between x = 0.56 and
0.57), which no smooth tabulation reproduces. The amplitudes keep their fixed alpha_s = 0.118; the set's own
alpha_s only enters its evolution.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import torch

#: name -> Pythia's ``PDF:pSet`` (LO proton sets shipped with pythia8mc 8.317)
PDF_SETS = {
    "CTEQ6L1": 8,
    "MSTW2008lo": 5,
    "CTEQ5L": 2,
}
DEFAULT_PDF = "CTEQ6L1"
#: PDG ids with a density: gluon and the five light flavours and their antiquarks
PARTONS = (21, 1, 2, 3, 4, 5, -1, -2, -3, -4, -5)
#: parton names of the amplitude engine -> PDG id
PDG_ID = {"g": 21, "d": 1, "u": 2, "s": 3, "c": 4, "b": 5, "d~": -1, "u~": -2, "s~": -3, "c~": -4, "b~": -5}

X_MIN, Q2_MIN, Q2_MAX = 1e-7, 25.0, 1e8
_NX, _NQ = 600, 200


def check_pdf(name: str) -> str:
    if name not in PDF_SETS:
        raise ValueError(f"pdf = {name!r} is not a known LO proton set; known: {', '.join(PDF_SETS)}")
    return name


@lru_cache(maxsize=4)
def _table(name: str) -> tuple[np.ndarray, np.ndarray, dict]:
    """(log x nodes, log Q^2 nodes, {pdg id: x f table (NQ, NX)}) from Pythia's own evaluation of ``name``."""
    import pythia8mc

    check_pdf(name)
    py = pythia8mc.Pythia("", False)
    for s in ("Print:quiet = on", f"PDF:pSet = {PDF_SETS[name]}"):
        py.readString(s)
    pdf = py.getPDFPtr(2212)
    if pdf is None or not pdf.isSetup():
        raise ValueError(f"pdf = {name!r}: Pythia could not set up PDF:pSet = {PDF_SETS[name]}")
    lx = np.linspace(math.log(X_MIN), 0.0, _NX)
    lq = np.linspace(math.log(Q2_MIN), math.log(Q2_MAX), _NQ)
    xs, q2s = np.exp(lx), np.exp(lq)
    xs[-1] = 1.0
    tables = {}
    for pid in PARTONS:
        t = np.empty((_NQ, _NX))
        for j, q2 in enumerate(q2s):
            t[j] = [pdf.xf(pid, float(x), float(q2)) if x < 1.0 else 0.0 for x in xs]
        tables[pid] = np.clip(t, 0.0, None)
    return lx, lq, tables


class PartonDensity:
    """``x f_i(x, Q^2)`` of the proton for the set ``name`` (see :data:`PDF_SETS`), batched in torch.

    >>> pdf = PartonDensity()
    >>> pdf.xf(21, torch.tensor([0.01]), torch.tensor([1e4]))   # x g(x) at Q = 100 GeV
    """

    def __init__(self, name: str = DEFAULT_PDF, device=None):
        self.name = check_pdf(name)
        self.device = torch.device(device) if device is not None else torch.device("cpu")
        lx, lq, tables = _table(name)
        self._lx0, self._dlx, self._nx = float(lx[0]), float(lx[1] - lx[0]), len(lx)
        self._lq0, self._dlq, self._nq = float(lq[0]), float(lq[1] - lq[0]), len(lq)
        self._t = {pid: torch.as_tensor(t, dtype=torch.float64, device=self.device) for pid, t in tables.items()}

    def xf(self, pid: int, x: torch.Tensor, q2: torch.Tensor) -> torch.Tensor:
        """x f(x, Q^2) for PDG id ``pid`` (0 for x >= 1; Q^2 clamped to the tabulated [25, 1e8] GeV^2)."""
        if pid not in self._t:
            raise ValueError(f"no parton density for PDG id {pid}; known: {PARTONS}")
        x = torch.as_tensor(x, dtype=torch.float64, device=self.device)
        q2 = torch.as_tensor(q2, dtype=torch.float64, device=self.device).expand_as(x)
        t = self._t[pid]
        ux = (torch.log(torch.clamp(x, min=X_MIN, max=1.0)) - self._lx0) / self._dlx
        ix = torch.clamp(ux.floor().long(), 1, self._nx - 3)
        fx = ux - ix
        uq = (torch.log(torch.clamp(q2, min=Q2_MIN, max=Q2_MAX)) - self._lq0) / self._dlq
        iq = torch.clamp(uq.floor().long(), 0, self._nq - 2)
        fq = torch.clamp(uq - iq, 0.0, 1.0)
        # Catmull-Rom cubic in log x on the two bracketing Q^2 rows, then linear in log Q^2
        c = (-0.5 * fx**3 + fx**2 - 0.5 * fx, 1.5 * fx**3 - 2.5 * fx**2 + 1,
             -1.5 * fx**3 + 2 * fx**2 + 0.5 * fx, 0.5 * fx**3 - 0.5 * fx**2)
        flat = t.reshape(-1)
        out = 0.0
        for dq, wq in ((0, 1 - fq), (1, fq)):
            base = (iq + dq) * self._nx
            val = sum(ck * flat[base + ix - 1 + k] for k, ck in enumerate(c))
            out = out + wq * val
        return torch.where(x >= 1.0, torch.zeros_like(out), torch.clamp(out, min=0.0))

    def f(self, pid: int, x: torch.Tensor, q2: torch.Tensor) -> torch.Tensor:
        """The density f(x, Q^2) = xf / x."""
        x = torch.as_tensor(x, dtype=torch.float64, device=self.device)
        return self.xf(pid, x, q2) / x


@lru_cache(maxsize=8)
def parton_density(name: str = DEFAULT_PDF, device: str | None = None) -> PartonDensity:
    """A shared :class:`PartonDensity` per set and device (the table is built once per process)."""
    return PartonDensity(name, device)
