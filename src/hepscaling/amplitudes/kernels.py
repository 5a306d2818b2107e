"""Compiled CPU kernels (numba) for u u~ > t t~ h, u u~ > z + n g and the pure-gluon processes, where the batched
torch recursion loses to compiled code (issue 13 item 6: pyAmpliCol's throughput).  Same Feynman rules, wave
functions, colour matrices and helicity bookkeeping as :mod:`currents` (values agree to rounding,
``tests/amplitudes/test_kernels.py``); only the execution differs.

Why: the torch engine spends its time on small tensor operations, complex arithmetic on real quantities and memory
traffic of the (4, h..., N) tensors.  Here each phase-space point is one pass of scalar code that keeps every
current in a small per-thread buffer (cache resident), with gluon and Z currents real (real linear polarisations).

Quark line with one Z and n gluons (``parity_shortcut`` of :mod:`processes`: the left-handed chain only, the colour
matrix scaled by ``1 + (c_R/c_L)^2``).  The recursion of :func:`currents.quark_line_amplitudes_hn` is unrolled once
per process into a *program*: boson nodes (gluon currents J(seq), the Z and gluon polarisations) and fermion nodes
psi(G, E) (two-component Weyl spinors), each stored for all helicity states of its own legs (a node with legs L holds
prod_{l in L} h_l entries, like the torch tensors), and integer maps from a node's helicity index to each child's.
The kernel interprets that program point by point.

Pure gluons: the same boson nodes; the last vertex is contracted with the last polarisation as in
:func:`currents.gluon_amplitudes_hn`.  This kernel runs LANES points at once with the points innermost, so that the
compiler vectorises it (SIMD); the quark-line and t t~ h kernels are scalar, point by point.

t t~ h: the two QCD diagrams of :func:`currents.tth_amplitudes_hn`, written out per point.

Kernels release the GIL (``nogil``), so :func:`processes.matrix_element` runs one chunk per thread.  Without numba
(or with ``HEPSCALING_KERNELS=0``) the torch engine is used; GPU evaluation always uses the torch engine.
"""
from __future__ import annotations

import itertools
import math
import os
from functools import lru_cache

import numpy as np

from . import colour
from .currents import G3
from .model import QUARKS, SMParameters

try:  # numba is optional: everything falls back to the torch engine
    import numba
    from numba import njit
except Exception:  # pragma: no cover - exercised only where numba is missing
    numba = None


def available() -> bool:
    """True when the compiled kernels can be used (numba importable and not disabled by HEPSCALING_KERNELS=0)."""
    return numba is not None and os.environ.get("HEPSCALING_KERNELS", "1") != "0"


def supports(proc) -> bool:
    """Processes with a compiled kernel: u u~ > t t~ h, q q~ > z + n g (n >= 1) and the pure-gluon processes."""
    if proc.kind in ("tth", "gluons"):
        return True
    if proc.kind != "quarkline":
        return False
    rest = [x for x in proc.final if x != "g"]
    return rest == ["z"] and proc.initial[0] == proc.initial[1].rstrip("~") and proc.initial[0] in QUARKS \
        and len(proc.gluon_legs) >= 1


LANES = 16  # points per SIMD block of the pure-gluon kernel (measured: 8 lanes 1.4x, 16-64 lanes 4.3x the scalar code)

if numba is not None:
    def _jit(fn):
        """Compiled without fast-math (exact IEEE arithmetic), GIL released; cached on disk where the package
        directory (or numba's user cache) is writable, compiled per session otherwise."""
        try:
            return njit(nogil=True, cache=True, fastmath=False, error_model="numpy")(fn)
        except RuntimeError:  # "cannot cache function ...: no locator available"
            return njit(nogil=True, cache=False, fastmath=False, error_model="numpy")(fn)

    @_jit
    def _xi(px, py, pz):
        """Helicity two-spinors xi_+, xi_- along (px, py, pz), as :func:`wavefunctions._xi`."""
        pabs = math.sqrt(px * px + py * py + pz * pz)
        pp = pabs + pz
        if pp > 1e-10 * max(pabs, 1e-300):
            pabs_s = pabs if pabs > 0 else 1.0
            c = math.sqrt(pp / (2 * pabs_s))
            den = math.sqrt(2 * pabs_s * pp)
            sp = complex(px, py) / den
            return complex(c, 0.0), sp, -sp.conjugate(), complex(c, 0.0)
        return 0j, 1 + 0j, 1 + 0j, 0j

    @_jit
    def _spinors(p, u, v):
        """u(p, +-) and v(p, +-) as :func:`wavefunctions.u_spinor` / ``v_spinor``: u[h, 4], v[h, 4], h = (+, -)."""
        E, px, py, pz = p[0], p[1], p[2], p[3]
        xp0, xp1, xm0, xm1 = _xi(px, py, pz)
        pabs = math.sqrt(px * px + py * py + pz * pz)
        sm = math.sqrt(max(E - pabs, 0.0))
        sp = math.sqrt(E + pabs)
        u[0, 0], u[0, 1], u[0, 2], u[0, 3] = sm * xp0, sm * xp1, sp * xp0, sp * xp1
        u[1, 0], u[1, 1], u[1, 2], u[1, 3] = sp * xm0, sp * xm1, sm * xm0, sm * xm1
        v[0, 0], v[0, 1], v[0, 2], v[0, 3] = sp * xm0, sp * xm1, -sm * xm0, -sm * xm1
        v[1, 0], v[1, 1], v[1, 2], v[1, 3] = sm * xp0, sm * xp1, -sp * xp0, -sp * xp1

    @_jit
    def _pols(k, mass, B, off):
        """Real linear polarisations of :func:`wavefunctions.polarisations` into rows off.. of B."""
        E, kx, ky, kz = k[0], k[1], k[2], k[3]
        kabs = math.sqrt(kx * kx + ky * ky + kz * kz)
        pt = math.sqrt(kx * kx + ky * ky)
        kabs_s = kabs if kabs > 0 else 1.0
        if pt > 1e-10 * max(kabs, 1e-300):
            B[off, 0] = 0.0
            B[off, 1] = kx * kz / (kabs_s * pt)
            B[off, 2] = ky * kz / (kabs_s * pt)
            B[off, 3] = -pt / kabs_s
            B[off + 1, 0] = 0.0
            B[off + 1, 1] = -ky / pt
            B[off + 1, 2] = kx / pt
            B[off + 1, 3] = 0.0
        else:
            B[off, 0] = 0.0
            B[off, 1] = 1.0 if kz >= 0 else -1.0
            B[off, 2] = 0.0
            B[off, 3] = 0.0
            B[off + 1, 0] = 0.0
            B[off + 1, 1] = 0.0
            B[off + 1, 2] = 1.0
            B[off + 1, 3] = 0.0
        if mass > 0:
            B[off + 2, 0] = kabs / mass
            B[off + 2, 1] = E * kx / (mass * kabs_s)
            B[off + 2, 2] = E * ky / (mass * kabs_s)
            B[off + 2, 3] = E * kz / (mass * kabs_s)

    @_jit
    def _boson_nodes(pi, maps, b_kind, b_leg, b_sign, b_off, b_size, b_mass, b_s3ptr, s3, b_s4ptr, s4, c3, r4, B, PB):
        """Boson nodes of one point in topological order: polarisations (kinds 0, 1), then the colour-ordered gluon
        currents J(seq) for all helicities of their legs (kind 2: sum of 3- and 4-vertices times c3 / P^2).  PB
        holds each node's outgoing momentum (b_sign = -1 for incoming legs)."""
        nb = b_kind.shape[0]
        for b in range(nb):
            off = b_off[b]
            if b_kind[b] < 2:
                _pols(pi[b_leg[b]], b_mass[b], B, off)
                for m in range(4):
                    PB[b, m] = b_sign[b] * pi[b_leg[b], m]
                continue
            c1 = s3[b_s3ptr[b], 0]
            c2 = s3[b_s3ptr[b], 1]
            for m in range(4):
                PB[b, m] = PB[c1, m] + PB[c2, m]
            P0, P1, P2, P3 = PB[b, 0], PB[b, 1], PB[b, 2], PB[b, 3]
            fac = c3 / (P0 * P0 - P1 * P1 - P2 * P2 - P3 * P3)
            for c in range(b_size[b]):
                o0 = 0.0
                o1 = 0.0
                o2 = 0.0
                o3 = 0.0
                for s in range(b_s3ptr[b], b_s3ptr[b + 1]):
                    x = s3[s, 0]
                    y = s3[s, 1]
                    r1 = b_off[x] + maps[s3[s, 2] + c]
                    r2 = b_off[y] + maps[s3[s, 3] + c]
                    a0, a1, a2, a3 = B[r1, 0], B[r1, 1], B[r1, 2], B[r1, 3]
                    e0, e1, e2, e3 = B[r2, 0], B[r2, 1], B[r2, 2], B[r2, 3]
                    k0, k1, k2, k3 = PB[x, 0], PB[x, 1], PB[x, 2], PB[x, 3]
                    l0, l1, l2, l3 = PB[y, 0], PB[y, 1], PB[y, 2], PB[y, 3]
                    j12 = a0 * e0 - a1 * e1 - a2 * e2 - a3 * e3
                    x1 = (k0 + 2 * l0) * a0 - (k1 + 2 * l1) * a1 - (k2 + 2 * l2) * a2 - (k3 + 2 * l3) * a3
                    x2 = (2 * k0 + l0) * e0 - (2 * k1 + l1) * e1 - (2 * k2 + l2) * e2 - (2 * k3 + l3) * e3
                    o0 += j12 * (k0 - l0) + x1 * e0 - x2 * a0
                    o1 += j12 * (k1 - l1) + x1 * e1 - x2 * a1
                    o2 += j12 * (k2 - l2) + x1 * e2 - x2 * a2
                    o3 += j12 * (k3 - l3) + x1 * e3 - x2 * a3
                for s in range(b_s4ptr[b], b_s4ptr[b + 1]):
                    ra = b_off[s4[s, 0]] + maps[s4[s, 3] + c]
                    rb = b_off[s4[s, 1]] + maps[s4[s, 4] + c]
                    rc = b_off[s4[s, 2]] + maps[s4[s, 5] + c]
                    a0, a1, a2, a3 = B[ra, 0], B[ra, 1], B[ra, 2], B[ra, 3]
                    e0, e1, e2, e3 = B[rb, 0], B[rb, 1], B[rb, 2], B[rb, 3]
                    f0, f1, f2, f3 = B[rc, 0], B[rc, 1], B[rc, 2], B[rc, 3]
                    ac = a0 * f0 - a1 * f1 - a2 * f2 - a3 * f3
                    bc = e0 * f0 - e1 * f1 - e2 * f2 - e3 * f3
                    ab = a0 * e0 - a1 * e1 - a2 * e2 - a3 * e3
                    o0 += r4 * (2 * e0 * ac - a0 * bc - f0 * ab)
                    o1 += r4 * (2 * e1 * ac - a1 * bc - f1 * ab)
                    o2 += r4 * (2 * e2 * ac - a2 * bc - f2 * ab)
                    o3 += r4 * (2 * e3 * ac - a3 * bc - f3 * ab)
                B[off + c, 0] = o0 * fac
                B[off + c, 1] = o1 * fac
                B[off + c, 2] = o2 * fac
                B[off + c, 3] = o3 * fac

    @_jit
    def _colour_sum(A, C):
        """sum_c sum_{o, o'} C[o, o'] Re(A[o, c]^* A[o', c]) for a real symmetric C (each pair once)."""
        no, H = A.shape
        tot = 0.0
        for o in range(no):
            for o2 in range(o, no):
                cc = C[o, o2] if o2 == o else 2.0 * C[o, o2]
                if cc == 0.0:
                    continue
                acc = 0.0
                for c in range(H):
                    acc += A[o, c].real * A[o2, c].real + A[o, c].imag * A[o2, c].imag
                tot += cc * acc
        return tot

    @_jit
    def _quarkline_kernel(p, maps, b_kind, b_leg, b_sign, b_off, b_size, b_mass, b_s3ptr, s3, b_s4ptr, s4, c3, r4,
                          q_off, q_size, q_prop, q_mptr, q_mlegs, q_tptr, qt, qt_g, amp_nodes, C, H, out):
        N = p.shape[0]
        nb = b_kind.shape[0]
        nq = q_off.shape[0]
        no = amp_nodes.shape[0]
        B = np.empty((b_off[nb - 1] + b_size[nb - 1], 4))
        PB = np.empty((nb, 4))
        Q = np.empty((q_off[nq - 1] + q_size[nq - 1], 2), dtype=np.complex128)
        A = np.empty((no, H), dtype=np.complex128)
        u = np.empty((2, 4), dtype=np.complex128)
        v = np.empty((2, 4), dtype=np.complex128)
        for i in range(N):
            pi = p[i]
            _boson_nodes(pi, maps, b_kind, b_leg, b_sign, b_off, b_size, b_mass, b_s3ptr, s3, b_s4ptr, s4, c3, r4,
                         B, PB)
            # ---- fermion nodes: node 0 is u(p0, -) (left-handed components); the row spinor is vbar(p1, +)
            _spinors(pi[0], u, v)
            Q[0, 0] = u[1, 0]
            Q[0, 1] = u[1, 1]
            _spinors(pi[1], u, v)
            w0 = v[0, 0].conjugate()
            w1 = v[0, 1].conjugate()
            for q in range(1, nq):
                off = q_off[q]
                P0, P1, P2, P3 = pi[0, 0], pi[0, 1], pi[0, 2], pi[0, 3]
                for t in range(q_mptr[q], q_mptr[q + 1]):
                    lg = q_mlegs[t]
                    P0 -= pi[lg, 0]
                    P1 -= pi[lg, 1]
                    P2 -= pi[lg, 2]
                    P3 -= pi[lg, 3]
                f = -1.0 / (P0 * P0 - P1 * P1 - P2 * P2 - P3 * P3)  # coupling i times propagator i / P^2
                pa = P0 + P3
                pd = P0 - P3
                pb = complex(P1, -P2)
                pc = complex(P1, P2)
                for c in range(q_size[q]):
                    t0 = 0j
                    t1 = 0j
                    for t in range(q_tptr[q], q_tptr[q + 1]):
                        rq = q_off[qt[t, 0]] + maps[qt[t, 2] + c]
                        rj = b_off[qt[t, 1]] + maps[qt[t, 3] + c]
                        g = qt_g[t]
                        J0, J1, J2, J3 = B[rj, 0], B[rj, 1], B[rj, 2], B[rj, 3]
                        s0 = Q[rq, 0]
                        s1 = Q[rq, 1]
                        t0 += g * ((J0 + J3) * s0 + complex(J1, -J2) * s1)
                        t1 += g * (complex(J1, J2) * s0 + (J0 - J3) * s1)
                    if q_prop[q]:
                        Q[off + c, 0] = f * (pd * t0 - pb * t1)
                        Q[off + c, 1] = f * (pa * t1 - pc * t0)
                    else:  # the last vertex: no propagator (its coupling's common factor i is a global phase)
                        Q[off + c, 0] = t0
                        Q[off + c, 1] = t1
            # ---- amplitudes per colour ordering and the colour sum over all helicities
            for o in range(no):
                off = q_off[amp_nodes[o]]
                for c in range(H):
                    A[o, c] = w0 * Q[off + c, 0] + w1 * Q[off + c, 1]
            tot = _colour_sum(A, C)
            out[i] = tot

    @_jit
    def _boson_nodes_lanes(p, i0, maps, b_kind, b_leg, b_sign, b_off, b_size, b_mass, b_s3ptr, s3, b_s4ptr, s4, c3, r4,
                           B, PB, acc, fac, tmp):
        """:func:`_boson_nodes` for LANES points at once (points i0 ..): B (rows, 4, LANES), PB (nodes, 4, LANES).
        The innermost loops run over the points, which the compiler turns into SIMD instructions (same operations
        in the same order per point as the scalar code)."""
        nb = b_kind.shape[0]
        for b in range(nb):
            off = b_off[b]
            if b_kind[b] < 2:
                for w in range(LANES):
                    _pols(p[i0 + w, b_leg[b]], b_mass[b], tmp, 0)
                    for h in range(b_size[b]):
                        for m in range(4):
                            B[off + h, m, w] = tmp[h, m]
                    for m in range(4):
                        PB[b, m, w] = b_sign[b] * p[i0 + w, b_leg[b], m]
                continue
            c1 = s3[b_s3ptr[b], 0]
            c2 = s3[b_s3ptr[b], 1]
            for m in range(4):
                for w in range(LANES):
                    PB[b, m, w] = PB[c1, m, w] + PB[c2, m, w]
            for w in range(LANES):
                P0, P1, P2, P3 = PB[b, 0, w], PB[b, 1, w], PB[b, 2, w], PB[b, 3, w]
                fac[w] = c3 / (P0 * P0 - P1 * P1 - P2 * P2 - P3 * P3)
            for c in range(b_size[b]):
                acc[:] = 0.0
                for s in range(b_s3ptr[b], b_s3ptr[b + 1]):
                    x = s3[s, 0]
                    y = s3[s, 1]
                    Ba = B[b_off[x] + maps[s3[s, 2] + c]]
                    Be = B[b_off[y] + maps[s3[s, 3] + c]]
                    Kx = PB[x]
                    Ly = PB[y]
                    for w in range(LANES):
                        a0, a1, a2, a3 = Ba[0, w], Ba[1, w], Ba[2, w], Ba[3, w]
                        e0, e1, e2, e3 = Be[0, w], Be[1, w], Be[2, w], Be[3, w]
                        k0, k1, k2, k3 = Kx[0, w], Kx[1, w], Kx[2, w], Kx[3, w]
                        l0, l1, l2, l3 = Ly[0, w], Ly[1, w], Ly[2, w], Ly[3, w]
                        j12 = a0 * e0 - a1 * e1 - a2 * e2 - a3 * e3
                        x1 = (k0 + 2 * l0) * a0 - (k1 + 2 * l1) * a1 - (k2 + 2 * l2) * a2 - (k3 + 2 * l3) * a3
                        x2 = (2 * k0 + l0) * e0 - (2 * k1 + l1) * e1 - (2 * k2 + l2) * e2 - (2 * k3 + l3) * e3
                        acc[0, w] += j12 * (k0 - l0) + x1 * e0 - x2 * a0
                        acc[1, w] += j12 * (k1 - l1) + x1 * e1 - x2 * a1
                        acc[2, w] += j12 * (k2 - l2) + x1 * e2 - x2 * a2
                        acc[3, w] += j12 * (k3 - l3) + x1 * e3 - x2 * a3
                for s in range(b_s4ptr[b], b_s4ptr[b + 1]):
                    Ba = B[b_off[s4[s, 0]] + maps[s4[s, 3] + c]]
                    Be = B[b_off[s4[s, 1]] + maps[s4[s, 4] + c]]
                    Bf = B[b_off[s4[s, 2]] + maps[s4[s, 5] + c]]
                    for w in range(LANES):
                        a0, a1, a2, a3 = Ba[0, w], Ba[1, w], Ba[2, w], Ba[3, w]
                        e0, e1, e2, e3 = Be[0, w], Be[1, w], Be[2, w], Be[3, w]
                        f0, f1, f2, f3 = Bf[0, w], Bf[1, w], Bf[2, w], Bf[3, w]
                        ac = a0 * f0 - a1 * f1 - a2 * f2 - a3 * f3
                        bc = e0 * f0 - e1 * f1 - e2 * f2 - e3 * f3
                        ab = a0 * e0 - a1 * e1 - a2 * e2 - a3 * e3
                        acc[0, w] += r4 * (2 * e0 * ac - a0 * bc - f0 * ab)
                        acc[1, w] += r4 * (2 * e1 * ac - a1 * bc - f1 * ab)
                        acc[2, w] += r4 * (2 * e2 * ac - a2 * bc - f2 * ab)
                        acc[3, w] += r4 * (2 * e3 * ac - a3 * bc - f3 * ab)
                Bo = B[off + c]
                for m in range(4):
                    for w in range(LANES):
                        Bo[m, w] = acc[m, w] * fac[w]

    @_jit
    def _gluon_kernel(p, maps, b_kind, b_leg, b_sign, b_off, b_size, b_mass, b_s3ptr, s3, b_s4ptr, s4, c3, r4,
                      t3ptr, t3, t4ptr, t4, eps_node, C, H, out):
        """Pure gluons, A(seq, n-1) = c3 V(seq) . eps_{n-1}, contracted as in :func:`currents.gluon_amplitudes_hn`:
        with P1 + P2 = -q at the last vertex every scalar product but J1.J2 belongs to one current (x = (P + 2q).J,
        y = (2P + q).eps, e = J.eps, once per current and point).  LANES points at a time (p padded to a
        multiple of LANES by the caller)."""
        N = p.shape[0]
        nb = b_kind.shape[0]
        no = t3ptr.shape[0] - 1
        rows = b_off[nb - 1] + b_size[nb - 1]
        B = np.empty((rows, 4, LANES))
        PB = np.empty((nb, 4, LANES))
        X = np.empty((rows, LANES))
        E = np.empty((rows, 2, LANES))
        Y = np.empty((nb, 2, LANES))
        A = np.empty((no, H, LANES))
        acc = np.empty((4, LANES))
        fac = np.empty(LANES)
        tmp = np.empty((3, 4))
        a0 = np.empty(LANES)
        a1 = np.empty(LANES)
        tot = np.empty(LANES)
        eo = b_off[eps_node]
        Hs = H // 2
        for i0 in range(0, N, LANES):
            _boson_nodes_lanes(p, i0, maps, b_kind, b_leg, b_sign, b_off, b_size, b_mass, b_s3ptr, s3, b_s4ptr, s4,
                               c3, r4, B, PB, acc, fac, tmp)
            Q = PB[eps_node]
            e_0 = B[eo]
            e_1 = B[eo + 1]
            for b in range(nb):
                Kb = PB[b]
                for w in range(LANES):
                    Y[b, 0, w] = ((2 * Kb[0, w] + Q[0, w]) * e_0[0, w] - (2 * Kb[1, w] + Q[1, w]) * e_0[1, w]
                                  - (2 * Kb[2, w] + Q[2, w]) * e_0[2, w] - (2 * Kb[3, w] + Q[3, w]) * e_0[3, w])
                    Y[b, 1, w] = ((2 * Kb[0, w] + Q[0, w]) * e_1[0, w] - (2 * Kb[1, w] + Q[1, w]) * e_1[1, w]
                                  - (2 * Kb[2, w] + Q[2, w]) * e_1[2, w] - (2 * Kb[3, w] + Q[3, w]) * e_1[3, w])
                for r in range(b_off[b], b_off[b] + b_size[b]):
                    J = B[r]
                    for w in range(LANES):
                        J0, J1, J2, J3 = J[0, w], J[1, w], J[2, w], J[3, w]
                        X[r, w] = ((Kb[0, w] + 2 * Q[0, w]) * J0 - (Kb[1, w] + 2 * Q[1, w]) * J1
                                   - (Kb[2, w] + 2 * Q[2, w]) * J2 - (Kb[3, w] + 2 * Q[3, w]) * J3)
                        E[r, 0, w] = J0 * e_0[0, w] - J1 * e_0[1, w] - J2 * e_0[2, w] - J3 * e_0[3, w]
                        E[r, 1, w] = J0 * e_1[0, w] - J1 * e_1[1, w] - J2 * e_1[2, w] - J3 * e_1[3, w]
            for o in range(no):
                for cs in range(Hs):
                    a0[:] = 0.0
                    a1[:] = 0.0
                    for s in range(t3ptr[o], t3ptr[o + 1]):
                        n1 = t3[s, 0]
                        r1 = b_off[n1] + maps[t3[s, 2] + cs]
                        r2 = b_off[t3[s, 1]] + maps[t3[s, 3] + cs]
                        J1_ = B[r1]
                        J2_ = B[r2]
                        for w in range(LANES):
                            j12 = (J1_[0, w] * J2_[0, w] - J1_[1, w] * J2_[1, w] - J1_[2, w] * J2_[2, w]
                                   - J1_[3, w] * J2_[3, w])
                            a0[w] += j12 * Y[n1, 0, w] - X[r1, w] * E[r2, 0, w] + X[r2, w] * E[r1, 0, w]
                            a1[w] += j12 * Y[n1, 1, w] - X[r1, w] * E[r2, 1, w] + X[r2, w] * E[r1, 1, w]
                    for s in range(t4ptr[o], t4ptr[o + 1]):
                        ra = b_off[t4[s, 0]] + maps[t4[s, 3] + cs]
                        rb = b_off[t4[s, 1]] + maps[t4[s, 4] + cs]
                        rc = b_off[t4[s, 2]] + maps[t4[s, 5] + cs]
                        Ja = B[ra]
                        Jb = B[rb]
                        Jc = B[rc]
                        for w in range(LANES):
                            jac = Ja[0, w] * Jc[0, w] - Ja[1, w] * Jc[1, w] - Ja[2, w] * Jc[2, w] - Ja[3, w] * Jc[3, w]
                            jbc = Jb[0, w] * Jc[0, w] - Jb[1, w] * Jc[1, w] - Jb[2, w] * Jc[2, w] - Jb[3, w] * Jc[3, w]
                            jab = Ja[0, w] * Jb[0, w] - Ja[1, w] * Jb[1, w] - Ja[2, w] * Jb[2, w] - Ja[3, w] * Jb[3, w]
                            a0[w] += r4 * (2 * E[rb, 0, w] * jac - E[ra, 0, w] * jbc - E[rc, 0, w] * jab)
                            a1[w] += r4 * (2 * E[rb, 1, w] * jac - E[ra, 1, w] * jbc - E[rc, 1, w] * jab)
                    for w in range(LANES):
                        A[o, 2 * cs, w] = c3 * a0[w]
                        A[o, 2 * cs + 1, w] = c3 * a1[w]
            tot[:] = 0.0
            for o in range(no):
                for o2 in range(o, no):
                    cc = C[o, o2] if o2 == o else 2.0 * C[o, o2]
                    if cc == 0.0:
                        continue
                    a0[:] = 0.0
                    for c in range(H):
                        Ao = A[o, c]
                        Ao2 = A[o2, c]
                        for w in range(LANES):
                            a0[w] += Ao[w] * Ao2[w]
                    for w in range(LANES):
                        tot[w] += cc * a0[w]
            for w in range(LANES):
                out[i0 + w] = tot[w]

    @_jit
    def _row_slash(r0, r1, r2, r3, J0, J1, J2, J3):
        a, d = J0 + J3, J0 - J3
        b, c = J1 - 1j * J2, J1 + 1j * J2
        return r2 * a + r3 * c, r2 * b + r3 * d, r0 * d - r1 * c, r1 * a - r0 * b

    @_jit
    def _slash(J0, J1, J2, J3, p0, p1, p2, p3):
        a, d = J0 + J3, J0 - J3
        b, c = J1 - 1j * J2, J1 + 1j * J2
        return d * p2 - b * p3, a * p3 - c * p2, a * p0 + b * p1, c * p0 + d * p1

    @_jit
    def _tth_kernel(p, gs, mt, wt, y, out):
        """u u~ > t t~ h, as :func:`currents.tth_amplitudes_hn` (colour sum 2 applied here)."""
        N = p.shape[0]
        u0 = np.empty((2, 4), dtype=np.complex128)
        v0 = np.empty((2, 4), dtype=np.complex128)
        u1 = np.empty((2, 4), dtype=np.complex128)
        v1 = np.empty((2, 4), dtype=np.complex128)
        u2 = np.empty((2, 4), dtype=np.complex128)
        v2 = np.empty((2, 4), dtype=np.complex128)
        u3 = np.empty((2, 4), dtype=np.complex128)
        v3 = np.empty((2, 4), dtype=np.complex128)
        L = np.empty((2, 4), dtype=np.complex128)
        rS1 = np.empty((2, 4), dtype=np.complex128)   # ubar(p2, i) S(q1)
        S2v = np.empty((2, 4), dtype=np.complex128)   # S(q2) v(p3, j)
        rb = np.empty((2, 4), dtype=np.complex128)    # ubar(p2, i) as a row
        m2 = mt * mt
        for n in range(N):
            pi = p[n]
            _spinors(pi[0], u0, v0)
            _spinors(pi[1], u1, v1)
            _spinors(pi[2], u2, v2)
            _spinors(pi[3], u3, v3)
            s01 = ((pi[0, 0] + pi[1, 0]) ** 2 - (pi[0, 1] + pi[1, 1]) ** 2 - (pi[0, 2] + pi[1, 2]) ** 2
                   - (pi[0, 3] + pi[1, 3]) ** 2)
            f0 = (1j * gs * gs) / s01
            # light current L^mu = vbar gamma^mu u for (u+, v-) and (u-, v+)
            for a in range(2):
                s0, s1, s2, s3 = u0[a, 0], u0[a, 1], u0[a, 2], u0[a, 3]
                h = 1 - a
                r0 = v1[h, 2].conjugate()
                r1 = v1[h, 3].conjugate()
                r2 = v1[h, 0].conjugate()
                r3 = v1[h, 1].conjugate()
                L[a, 0] = (r0 * s2 + r1 * s3 + r2 * s0 + r3 * s1) * f0
                L[a, 1] = (r0 * s3 + r1 * s2 - r2 * s1 - r3 * s0) * f0
                L[a, 2] = (-1j * (r0 * s3 - r1 * s2 - r2 * s1 + r3 * s0)) * f0
                L[a, 3] = (r0 * s2 - r1 * s3 - r2 * s0 + r3 * s1) * f0
            q10 = pi[2, 0] + pi[4, 0]
            q11 = pi[2, 1] + pi[4, 1]
            q12 = pi[2, 2] + pi[4, 2]
            q13 = pi[2, 3] + pi[4, 3]
            q20 = -(pi[3, 0] + pi[4, 0])
            q21 = -(pi[3, 1] + pi[4, 1])
            q22 = -(pi[3, 2] + pi[4, 2])
            q23 = -(pi[3, 3] + pi[4, 3])
            f1 = 1j / (q10 * q10 - q11 * q11 - q12 * q12 - q13 * q13 - m2 + 1j * mt * wt)
            f2 = 1j / (q20 * q20 - q21 * q21 - q22 * q22 - q23 * q23 - m2 + 1j * mt * wt)
            for i in range(2):
                rb[i, 0] = u2[i, 2].conjugate()
                rb[i, 1] = u2[i, 3].conjugate()
                rb[i, 2] = u2[i, 0].conjugate()
                rb[i, 3] = u2[i, 1].conjugate()
                x0, x1, x2, x3 = _row_slash(rb[i, 0], rb[i, 1], rb[i, 2], rb[i, 3], q10, q11, q12, q13)
                rS1[i, 0] = (x0 + mt * rb[i, 0]) * f1
                rS1[i, 1] = (x1 + mt * rb[i, 1]) * f1
                rS1[i, 2] = (x2 + mt * rb[i, 2]) * f1
                rS1[i, 3] = (x3 + mt * rb[i, 3]) * f1
                x0, x1, x2, x3 = _slash(q20, q21, q22, q23, v3[i, 0], v3[i, 1], v3[i, 2], v3[i, 3])
                S2v[i, 0] = (x0 + mt * v3[i, 0]) * f2
                S2v[i, 1] = (x1 + mt * v3[i, 1]) * f2
                S2v[i, 2] = (x2 + mt * v3[i, 2]) * f2
                S2v[i, 3] = (x3 + mt * v3[i, 3]) * f2
            tot = 0.0
            for a in range(2):
                for j in range(2):
                    c0, c1, c2, c3 = _slash(L[a, 0], L[a, 1], L[a, 2], L[a, 3], v3[j, 0], v3[j, 1], v3[j, 2],
                                            v3[j, 3])
                    for i in range(2):
                        e0, e1, e2, e3 = _row_slash(rb[i, 0], rb[i, 1], rb[i, 2], rb[i, 3], L[a, 0], L[a, 1],
                                                    L[a, 2], L[a, 3])
                        amp = (rS1[i, 0] * c0 + rS1[i, 1] * c1 + rS1[i, 2] * c2 + rS1[i, 3] * c3
                               + e0 * S2v[j, 0] + e1 * S2v[j, 1] + e2 * S2v[j, 2] + e3 * S2v[j, 3])
                        tot += amp.real * amp.real + amp.imag * amp.imag
            out[n] = 2.0 * y * y * tot


# ------------------------------------------------------------------------------------------------ program builder
class _Maps:
    """Flat table of helicity-index maps parent -> child (mixed radix, first leg slowest, as the torch tensors)."""

    def __init__(self, hdims: dict[int, int]):
        self.hdims = hdims
        self.flat: list[int] = []
        self.cache: dict[tuple, int] = {}

    def get(self, parent: tuple[int, ...], child: tuple[int, ...]) -> int:
        key = (parent, child)
        if key not in self.cache:
            dims = [self.hdims[l] for l in parent]
            pos = [parent.index(l) for l in child]
            cdims = [self.hdims[l] for l in child]
            self.cache[key] = len(self.flat)
            for digits in itertools.product(*[range(d) for d in dims]):
                idx = 0
                for k, d in zip(pos, cdims):
                    idx = idx * d + digits[k]
                self.flat.append(idx)
        return self.cache[key]


class _Bosons:
    """Boson nodes of a program: polarisations and colour-ordered gluon currents J(seq), children first."""

    def __init__(self, maps: _Maps, sizes):
        self.maps, self.size = maps, sizes
        self.nodes: list[dict] = []
        self.index: dict = {}
        self.rows = 0

    def add(self, key, rec):
        rec["off"] = self.rows
        self.rows += rec["size"]
        self.index[key] = len(self.nodes)
        self.nodes.append(rec)
        return self.index[key]

    def leaf(self, key, leg: int, mass: float, sign: float, n_pol: int):
        return self.add(key, {"kind": 1 if mass > 0 else 0, "leg": leg, "mass": mass, "sign": sign, "size": n_pol,
                              "legs": (leg,), "s3": [], "s4": []})

    def current(self, seq: tuple[int, ...]):
        """The colour-ordered current J(seq) (with its propagator)."""
        key = (seq, False)
        if key in self.index:
            return self.index[key]
        if len(seq) == 1:
            return self.index[(seq, False)]
        legs = tuple(sorted(seq))
        get = self.maps.get
        s3 = []
        for k in range(1, len(seq)):
            x, y = self.current(seq[:k]), self.current(seq[k:])
            s3.append((x, y, get(legs, self.nodes[x]["legs"]), get(legs, self.nodes[y]["legs"])))
        s4 = []
        for j in range(1, len(seq) - 1):
            for k in range(j + 1, len(seq)):
                a, b, c = self.current(seq[:j]), self.current(seq[j:k]), self.current(seq[k:])
                s4.append((a, b, c) + tuple(get(legs, self.nodes[x]["legs"]) for x in (a, b, c)))
        return self.add(key, {"kind": 2, "leg": -1, "mass": 0.0, "sign": 1.0, "size": self.size(legs),
                              "legs": legs, "s3": s3, "s4": s4})


def _i64(x) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(x, dtype=np.int64))


def _csr(lists, width):
    ptr = np.zeros(len(lists) + 1, dtype=np.int64)
    rows = []
    for k, lst in enumerate(lists):
        ptr[k + 1] = ptr[k] + len(lst)
        rows += [tuple(r[:width]) for r in lst]
    return ptr, (_i64(rows).reshape(-1, width) if rows else np.zeros((0, width), dtype=np.int64))


def _boson_arrays(maps: _Maps, bos: _Bosons, sm: SMParameters) -> tuple:
    nodes = bos.nodes
    b_s3ptr, s3 = _csr([b["s3"] for b in nodes], 4)
    b_s4ptr, s4 = _csr([b["s4"] for b in nodes], 6)
    c3 = sm.gs / math.sqrt(2) * G3
    return (_i64(maps.flat), _i64([b["kind"] for b in nodes]), _i64([b["leg"] for b in nodes]),
            np.array([b["sign"] for b in nodes], dtype=np.float64), _i64([b["off"] for b in nodes]),
            _i64([b["size"] for b in nodes]), np.array([b["mass"] for b in nodes], dtype=np.float64),
            b_s3ptr, s3, b_s4ptr, s4, c3, (sm.gs**2 / 2) / c3)


@lru_cache(maxsize=None)
def _gluon_program(proc, sm: SMParameters):
    n = len(proc.particles)
    hdims = {l: 2 for l in range(n)}
    maps = _Maps(hdims)
    bos = _Bosons(maps, lambda legs: 2 ** len(legs))
    for l in range(n):
        bos.leaf(((l,), False), l, 0.0, -1.0 if l < 2 else 1.0, 2)
    top = tuple(range(n - 1))  # the legs of every ordering's top: all but the last
    t3, t4 = [], []
    for o in colour.kk_orderings(n):
        seq = tuple(o[:-1])
        r3 = []
        for k in range(1, len(seq)):
            x, y = bos.current(seq[:k]), bos.current(seq[k:])
            r3.append((x, y, maps.get(top, bos.nodes[x]["legs"]), maps.get(top, bos.nodes[y]["legs"])))
        r4 = []
        for j in range(1, len(seq) - 1):
            for k in range(j + 1, len(seq)):
                a, b, c = bos.current(seq[:j]), bos.current(seq[j:k]), bos.current(seq[k:])
                r4.append((a, b, c) + tuple(maps.get(top, bos.nodes[x]["legs"]) for x in (a, b, c)))
        t3.append(r3)
        t4.append(r4)
    C = colour.gluon_kk_matrix(n)
    return _boson_arrays(maps, bos, sm) + _csr(t3, 4) + _csr(t4, 6) + (
        bos.index[((n - 1,), False)], np.ascontiguousarray(C, dtype=np.float64), 2**n)


@lru_cache(maxsize=None)
def _quarkline_program(proc, sm: SMParameters):
    parts = proc.particles
    zleg = parts.index("z")
    gluons = proc.gluon_legs
    hdims = {l: (3 if l == zleg else 2) for l in range(2, len(parts))}
    maps = _Maps(hdims)
    size = lambda legs: int(np.prod([hdims[l] for l in legs])) if legs else 1  # noqa: E731
    bos = _Bosons(maps, size)
    zb = bos.leaf("z", zleg, sm.MZ, 1.0, 3)
    for l in gluons:
        bos.leaf(((l,), False), l, 0.0, 1.0, 2)

    Qin, T3 = QUARKS[parts[0]]
    gq = sm.gs / math.sqrt(2)
    gz = sm.gz * (T3 - Qin * sm.sw2)
    fer: list[dict] = [{"legs": (), "size": 1, "off": 0, "prop": False, "mlegs": (), "terms": []}]
    fidx: dict = {((), False, False): 0}
    foff = [1]

    def fnode(G, hasz, last=False):
        key = (G, hasz, last)
        if key in fidx:
            return fidx[key]
        legs = tuple(sorted(G + ((zleg,) if hasz else ())))
        terms = []
        for j in range(len(G)):
            c, b = fnode(G[:j], hasz), bos.current(G[j:])
            terms.append((c, b, maps.get(legs, fer[c]["legs"]), maps.get(legs, bos.nodes[b]["legs"]), gq))
        if hasz:
            c = fnode(G, False)
            terms.append((c, zb, maps.get(legs, fer[c]["legs"]), maps.get(legs, (zleg,)), gz))
        rec = {"legs": legs, "size": size(legs), "off": foff[0], "prop": not last,
               "mlegs": tuple(G) + ((zleg,) if hasz else ()), "terms": terms}
        foff[0] += rec["size"]
        fidx[key] = len(fer)
        fer.append(rec)
        return fidx[key]

    ords = [tuple(o) for o in itertools.permutations(gluons)]
    amp = [fnode(o, True, last=True) for o in ords]
    H = size(tuple(range(2, len(parts))))
    cL, cR = T3 - Qin * sm.sw2, -Qin * sm.sw2
    C = colour.quark_line_matrix(len(gluons)) * (1 + (cR / cL) ** 2)
    q_mptr, mlegs = _csr([[(l,) for l in f["mlegs"]] for f in fer], 1)
    q_tptr, qt = _csr([[t[:4] for t in f["terms"]] for f in fer], 4)
    qt_g = np.array([t[4] for f in fer for t in f["terms"]], dtype=np.float64)
    return _boson_arrays(maps, bos, sm) + (
        _i64([f["off"] for f in fer]), _i64([f["size"] for f in fer]),
        np.array([f["prop"] for f in fer], dtype=np.bool_), q_mptr, mlegs.reshape(-1), q_tptr, qt, qt_g,
        _i64(amp), np.ascontiguousarray(C, dtype=np.float64), H)


def helicity_colour_sum(proc, p: np.ndarray, sm: SMParameters) -> np.ndarray:
    """sum over helicities and colours of |M|^2 (no averaging or symmetry factors) for momenta ``p`` (N, n, 4)
    float64, C-contiguous; the compiled counterpart of ``_colour_sum(*_amplitudes(proc, p, sm, None, True))``."""
    out = np.empty(p.shape[0], dtype=np.float64)
    if p.shape[0] == 0:
        return out
    if proc.kind == "tth":
        _tth_kernel(p, sm.gs, sm.MT, sm.WT, sm.ymt / sm.vev, out)
    elif proc.kind == "gluons":
        n = p.shape[0]
        pad = -n % LANES
        if pad:  # whole SIMD blocks: repeat the last point, drop its values
            p = np.concatenate((p, np.repeat(p[-1:], pad, 0)))
        full = np.empty(n + pad, dtype=np.float64)
        _gluon_kernel(p, *_gluon_program(proc, sm), full)
        out[:] = full[:n]
    else:
        _quarkline_kernel(p, *_quarkline_program(proc, sm), out)
    return out
