"""Process table and the public ``matrix_element`` entry point.

Convention (MadGraph's): |M|^2 summed over final-state and averaged over initial-state helicities and colours,
divided by the identical-particle factor prod n_i!, with fixed alpha_s = 0.118 and the parameters of MadGraph's
default ``sm`` model (:mod:`model`).  Momenta are ``(N, n, 4)`` as (E, px, py, pz) in GeV, the two incoming partons
first (along +z and -z for generated data; any Lorentz frame is accepted).

``g g > a a g`` (kind ``"loop"``) is loop-induced: its |M|^2 is the closed-form one-loop amplitude of
:mod:`.loop_photons` (five massless quark flavours in the loop), same conventions.

Intrinsic dimension (paper B) of a 2 -> n_f process: d = 3 n_f - 4, the phase-space dimension at fixed sqrt(s)
(see :attr:`Process.dof`).
"""
from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from . import colour, kernels
from .currents import Context, gluon_amplitudes_hn, quark_line_amplitudes_hn, to_cf, tth_amplitudes_hn
from .model import DEFAULT, QUARKS, SMParameters
from .wavefunctions import polarisations

DEFAULT_CUTS = {"pt_min": 20.0, "dr_min": 0.4, "eta_max": None}


@dataclass(frozen=True)
class Process:
    name: str
    initial: tuple[str, ...]
    final: tuple[str, ...]
    kind: str  # "gluons", "quarkline", "tth", "loop" (g g > a a g, :mod:`.loop_photons`)

    @property
    def particles(self) -> tuple[str, ...]:
        return self.initial + self.final

    @property
    def n_final(self) -> int:
        return len(self.final)

    @property
    def dof(self) -> int:
        """Paper B's intrinsic dimension d = 3 n_f - 4: the number of independent Lorentz invariants p_i.p_j of a
        2 -> n_f event of a collider, where sqrt(s_hat) varies from event to event (3 n_f on-shell components, minus
        4 for momentum conservation, plus 1 for the free sqrt(s_hat), minus 1 for the rotation about the beam
        axis). At a fixed sqrt(s) the invariants span 3 n_f - 5. TwoNN finds both on our events
        (``tests/amplitudes/test_collider.py::test_degrees_of_freedom``)."""
        return 3 * self.n_final - 4

    def masses(self, sm: SMParameters = DEFAULT) -> tuple[float, ...]:
        return tuple(sm.mass(p) for p in self.particles)

    @property
    def symmetry_factor(self) -> float:
        f = 1
        for p in set(self.final):
            f *= math.factorial(self.final.count(p))
        return 1.0 / f

    @property
    def average_factor(self) -> float:
        a = 1.0
        for p in self.initial:
            a /= 16.0 if p == "g" else 6.0
        return a

    @property
    def gluon_legs(self) -> tuple[int, ...]:
        return tuple(i for i, p in enumerate(self.particles) if p == "g")

    @property
    def short(self) -> str:
        """Compact label used for file names (``uu_zgg``)."""
        ini = "".join(p.replace("~", "x") for p in self.initial)
        fin = "".join(p.replace("~", "x").replace("+", "p").replace("-", "m") for p in self.final)
        return f"{ini}_{fin}"


_NAMES = [
    "u u~ > t t~ h",
    "u u~ > z g", "u u~ > z g g", "u u~ > z g g g", "u u~ > z g g g g",
    "u d~ > w+ z", "u d~ > w+ z g", "u d~ > w+ z g g",
    "u u~ > w+ w- z",
    "g g > g g", "g g > g g g", "g g > g g g g",
    "g g > a a g",
]


def _make(name: str) -> Process:
    ini, fin = name.split(">")
    ini, fin = tuple(ini.split()), tuple(fin.split())
    if ini == ("g", "g") and "a" in fin:
        kind = "loop"
    elif ini == ("g", "g"):
        kind = "gluons"
    elif "t" in fin:
        kind = "tth"
    else:
        kind = "quarkline"
    return Process(name, ini, fin, kind)


PROCESSES: dict[str, Process] = {n: _make(n) for n in _NAMES}


def get_process(process: str | Process) -> Process:
    if isinstance(process, Process):
        return process
    if not isinstance(process, str):
        raise ValueError(f"process must be a string like 'u u~ > z g', got {type(process).__name__}")
    key = " ".join(process.replace(">", " > ").split())
    if key not in PROCESSES:
        raise ValueError(f"unknown process {process!r}; known processes: {', '.join(repr(k) for k in PROCESSES)}")
    return PROCESSES[key]


# ------------------------------------------------------------------------------------------------------- validation
def check_momenta(proc: Process, p: torch.Tensor, sm: SMParameters = DEFAULT, tol: float = 1e-6) -> None:
    """Raise ValueError if ``p`` has the wrong shape, violates momentum conservation or the on-shell conditions."""
    n = len(proc.particles)
    if p.ndim != 3 or p.shape[1] != n or p.shape[2] != 4:
        raise ValueError(f"momenta for {proc.name!r} must have shape (N, {n}, 4) as (E, px, py, pz); got {tuple(p.shape)}")
    if p.shape[0] == 0:
        return
    if not torch.isfinite(p).all():
        bad = int((~torch.isfinite(p)).any(-1).any(-1).nonzero()[0, 0])
        raise ValueError(f"momenta for {proc.name!r}: non-finite entries in point {bad}")
    scale = p[:, :2, 0].sum(1)
    viol = (p[:, :2].sum(1) - p[:, 2:].sum(1)).abs().amax(-1) / scale
    if float(viol.max()) > tol:
        i = int(viol.argmax())
        raise ValueError(f"momenta for {proc.name!r}: momentum conservation violated in point {i} by "
                         f"{float(viol[i]):.3g} relative to the incoming energy (tolerance {tol:g})")
    m2 = torch.tensor([m * m for m in proc.masses(sm)], dtype=p.dtype, device=p.device)
    p2 = p[..., 0] ** 2 - (p[..., 1:] ** 2).sum(-1)
    off = (p2 - m2).abs() / torch.clamp(p[..., 0] ** 2, min=1e-300)
    if float(off.max()) > tol:
        flat = int(off.argmax())
        i, j = divmod(flat, n)
        raise ValueError(f"momenta for {proc.name!r}: particle {j} ({proc.particles[j]}) of point {i} is off shell: "
                         f"p^2 = {float(p2[i, j]):.6g} GeV^2, expected m^2 = {float(m2[j]):.6g} GeV^2 "
                         f"(relative deviation {float(off[i, j]):.3g} > tolerance {tol:g})")


# ------------------------------------------------------------------------------------------------------ amplitudes
@lru_cache(maxsize=None)
def _colour_matrix(proc: Process) -> np.ndarray:
    if proc.kind == "gluons":
        return colour.gluon_kk_matrix(len(proc.particles))
    if proc.kind == "tth":
        return np.array([[2.0]])
    return colour.quark_line_matrix(len(proc.gluon_legs))


def orderings(proc: Process) -> list[tuple[int, ...]]:
    """The colour orderings whose amplitudes :func:`helicity_amplitudes` returns (same order as the colour matrix).

    For the loop-induced ``g g > a a g``: the 12 orderings of the primitive one-loop amplitudes summed into its single
    colour structure f^{abc} (:func:`.loop_photons.photon_orderings`)."""
    import itertools

    if proc.kind == "loop":
        from .loop_photons import photon_orderings

        return photon_orderings(tuple(proc.gluon_legs), tuple(i for i, p in enumerate(proc.particles) if p == "a"))
    n = len(proc.particles)
    if proc.kind == "gluons":
        return [o[:-1] for o in colour.kk_orderings(n)]
    if proc.kind == "tth":
        return [()]
    return [tuple(o) for o in itertools.permutations(proc.gluon_legs)]


def helicity_amplitudes(proc: Process | str, p: torch.Tensor, sm: SMParameters = DEFAULT,
                        replace: dict[int, torch.Tensor] | None = None, parity_shortcut: bool = False):
    """Colour-ordered helicity amplitudes ``A`` (N, n_orderings, n_helicities) and the colour matrix ``C``.

    ``sum_{hel, col} |M|^2 = sum_h A_h^dagger C A_h``.  ``replace`` maps a leg index to a (N, k, 4) tensor used
    instead of that leg's polarisation vectors (gauge checks: the leg's momentum).

    ``parity_shortcut``: for u u~ > z + n g only the left-handed quark chain is computed and ``C`` is scaled by
    ``1 + (c_R / c_L)^2``.  This is exact there: the right-handed chain is the parity image of the left-handed one
    with the Z coupling c_L -> c_R, and with real couplings and no internal widths the parity-odd part of the
    helicity sum vanishes at tree level (checked against the full calculation in the tests).
    """
    proc = get_process(proc)
    if proc.kind == "loop":
        raise ValueError(f"{proc.name!r} is loop-induced: it has no tree-level helicity amplitudes here; its one-loop "
                         f"amplitudes are hepscaling.amplitudes.loop_photons.photon_amplitudes")
    A, C = _amplitudes(proc, p, sm, replace, parity_shortcut)
    return A.permute(2, 0, 1), C


def _amplitudes(proc: Process, p: torch.Tensor, sm: SMParameters, replace, parity_shortcut: bool):
    """:func:`helicity_amplitudes` in the engine's internal layout: ``A`` is (n_orderings, n_helicities, N)."""
    parts = proc.particles
    n = len(parts)
    incoming = (0, 1)
    pols: dict[int, torch.Tensor] = {}
    hdims: dict[int, int] = {}
    for i, name in enumerate(parts):
        if name in ("g", "z", "w+", "w-", "a"):
            e = polarisations(p[:, i], sm.mass(name))  # real linear polarisations
        elif name == "h":
            e = torch.ones(p.shape[0], 1, dtype=p.dtype, device=p.device)
        else:
            e = None
        if replace is not None and i in replace:
            e = replace[i]
        if e is not None:
            pols[i] = to_cf(e)
            hdims[i] = e.shape[1] if name != "h" else 1
        else:
            hdims[i] = 2
    ctx = Context(p, hdims, incoming)
    if proc.kind == "gluons":
        A = gluon_amplitudes_hn(ctx, pols, sm.gs, orderings(proc))
    elif proc.kind == "tth":
        A = tth_amplitudes_hn(ctx, sm)
    else:
        species = {i: parts[i] for i in range(2, n) if parts[i] != "g"}
        flav_in = parts[0]
        flav_out = parts[1].rstrip("~")
        shortcut = parity_shortcut and sorted(species.values()) == ["z"] and flav_in == flav_out
        chains = (True,) if shortcut else (True, False)
        A = quark_line_amplitudes_hn(ctx, flav_in, flav_out, proc.gluon_legs, tuple(species), species, pols, sm,
                                  orderings(proc), chains=chains)
    C = torch.as_tensor(_colour_matrix(proc), dtype=p.dtype, device=p.device)
    if proc.kind == "quarkline" and shortcut:
        Q, T3 = QUARKS[parts[0]]
        cL, cR = T3 - Q * sm.sw2, -Q * sm.sw2
        C = C * (1 + (cR / cL) ** 2)
    return A, C


def colour_sum(A: torch.Tensor, C: torch.Tensor) -> torch.Tensor:
    """sum_h A^dagger C A for A (N, n_ord, H), complex or real."""
    return _colour_sum(A.permute(1, 2, 0), C)


def _colour_sum(A: torch.Tensor, C: torch.Tensor) -> torch.Tensor:
    """sum_h A^dagger C A for A (n_ord, H, N), complex or real: one matrix product over the orderings.

    C is real and symmetric, so the real and imaginary parts are summed separately."""
    k, H, N = A.shape
    Ar = torch.view_as_real(A.contiguous()) if A.is_complex() else A.contiguous()
    if k == 1:
        return float(C[0, 0]) * Ar.square().reshape(H, -1).sum(0).reshape(N, -1).sum(1)
    flat = Ar.reshape(k, -1)
    CA = torch.matmul(C.to(flat.dtype), flat)
    CA.mul_(flat)
    return CA.reshape(k * H, N, -1).sum((0, 2))


def _default_device():
    return torch.device("cuda") if torch.cuda.is_available() else torch.device("cpu")


def _batch_size(proc: Process) -> int:
    """Points per pass, measured on this engine (2-core AMD EPYC, 512 KiB L2 per core): large enough to amortise the
    per-operation overhead, small enough for the helicity tensors to stay near the cache."""
    if proc.kind == "tth":
        return 16384
    return 8192 if proc.n_final <= 2 else 4096


def _loop_matrix_element(proc: Process, p: torch.Tensor, sm: SMParameters, batch_size: int | None) -> torch.Tensor:
    """|M|^2 of a loop-induced process (numpy closed forms of :mod:`.loop_photons`), batches over the torch threads
    (numpy releases the GIL in its array operations)."""
    from .loop_photons import me2_aag

    x = p.detach().cpu().numpy()
    bs = batch_size or 2048
    chunks = [x[s : s + bs] for s in range(0, x.shape[0], bs)]
    threads = torch.get_num_threads()
    if threads > 1 and len(chunks) > 1:
        with ThreadPoolExecutor(threads) as pool:
            out = list(pool.map(lambda c: me2_aag(c, sm), chunks))
    else:
        out = [me2_aag(c, sm) for c in chunks]
    res = np.concatenate(out) if out else np.zeros(0)
    return torch.from_numpy(res).to(device=p.device)


def matrix_element(process: str | Process, momenta, sm: SMParameters = DEFAULT, *, check: bool = True,
                   tol: float = 1e-6, batch_size: int | None = None, device=None, engine: str = "auto"):
    """Exact tree-level |M|^2 (MadGraph convention, see module docstring) for a batch of phase-space points.

    ``momenta``: (N, n, 4) numpy array or torch tensor.  Returns (N,) float64 of the same kind (numpy array for
    numpy input, tensor on the input's device for tensor input).  Computation runs in float64 on CUDA when
    available (``device`` overrides).  Raises ValueError for an unknown process, wrong shape, or momenta violating
    momentum conservation / on-shell conditions beyond ``tol`` (relative).

    ``engine``: ``"auto"`` (default) evaluates u u~ > t t~ h, u u~ > z + n g and the pure-gluon processes on the CPU
    with the compiled kernels of :mod:`kernels` when numba is available (:func:`kernels.supports`), everything else
    (and everything on a GPU) with the batched torch recursion; ``"torch"`` forces the torch recursion; ``"kernel"`` requires a compiled kernel
    and runs it on the CPU (ValueError if there is none).
    """
    if engine not in ("auto", "torch", "kernel"):
        raise ValueError(f"engine must be 'auto', 'torch' or 'kernel', got {engine!r}")
    proc = get_process(process)
    is_numpy = not isinstance(momenta, torch.Tensor)
    p = torch.as_tensor(np.asarray(momenta) if is_numpy else momenta)
    in_device = p.device
    if device is None and engine == "kernel":
        device = "cpu"  # the compiled kernels are CPU code; the result goes back to the input's device
    dev = torch.device(device) if device is not None else (_default_device() if is_numpy or p.device.type == "cpu"
                                                             and torch.cuda.is_available() else p.device)
    p = p.to(dtype=torch.float64, device=dev)
    if check:
        check_momenta(proc, p, sm, tol)
    if proc.kind == "loop":
        res = _loop_matrix_element(proc, p, sm, batch_size)
        return res.cpu().numpy() if is_numpy else res.to(in_device)
    threads = torch.get_num_threads()
    if dev.type == "cpu" and engine != "torch" and kernels.available() and kernels.supports(proc):
        res = _kernel_matrix_element(proc, p, sm, threads, batch_size)
    elif engine == "kernel":
        raise ValueError(f"engine='kernel': no compiled kernel for {proc.name!r} on {dev.type} "
                         f"(numba available: {kernels.available()}); use engine='auto' or 'torch'")
    else:
        res = _torch_matrix_element(proc, p, sm, threads, batch_size, dev)
    res = res * (proc.average_factor * proc.symmetry_factor)
    if is_numpy:
        return res.cpu().numpy()
    return res.to(in_device)


def _kernel_matrix_element(proc: Process, p: torch.Tensor, sm: SMParameters, threads: int,
                           batch_size: int | None) -> torch.Tensor:
    """The compiled CPU kernels (:mod:`kernels`), one contiguous chunk per thread (they release the GIL)."""
    pn = np.ascontiguousarray(p.detach().numpy())
    n = pn.shape[0]
    bs = batch_size or max(1, -(-n // max(threads, 1)))
    chunks = [pn[s : s + bs] for s in range(0, n, bs)]
    if threads > 1 and len(chunks) > 1:
        with ThreadPoolExecutor(threads) as pool:
            out = list(pool.map(lambda c: kernels.helicity_colour_sum(proc, c, sm), chunks))
    else:
        out = [kernels.helicity_colour_sum(proc, c, sm) for c in chunks]
    return torch.from_numpy(np.concatenate(out) if out else np.zeros(0))


def _torch_matrix_element(proc: Process, p: torch.Tensor, sm: SMParameters, threads: int, batch_size: int | None,
                          dev) -> torch.Tensor:
    bs = batch_size or _batch_size(proc)
    chunks = [p[s : s + bs] for s in range(0, p.shape[0], bs)]

    def one(chunk):
        with torch.no_grad():  # grad mode is per thread
            A, C = _amplitudes(proc, chunk, sm, None, True)
            return _colour_sum(A, C)

    def one_single(chunk):
        torch.set_num_threads(1)  # OpenMP's thread count is per calling thread: a pool thread starts at the default
        return one(chunk)

    if dev.type == "cpu" and threads > 1 and len(chunks) > 1 and proc.kind != "tth":
        # one batch per thread, each single-threaded: the recursion's many small operations lose more to the
        # intra-op barriers than they gain (measured: g g > g g g g at 2 intra-op threads ran at 0.6x of one
        # thread, one batch per thread at 1.0-1.4x of intra-op); t t~ h (few, large operations) stays intra-op
        torch.set_num_threads(1)
        try:
            with ThreadPoolExecutor(threads) as pool:
                out = list(pool.map(one_single, chunks))
        finally:
            torch.set_num_threads(threads)
    else:
        out = [one(c) for c in chunks]
    return torch.cat(out) if out else torch.zeros(0, dtype=torch.float64, device=dev)
