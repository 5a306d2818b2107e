"""Exact colour algebra for the colour-ordered bases (SU(3), full colour, no leading-colour truncation).

Generators are normalised as Tr(T^a T^b) = delta^{ab} (``T = lambda / sqrt(2)``), matching the colour-ordered
Feynman rules of the engine (3-gluon vertex ``i/sqrt(2) g_s V``, 4-gluon ``i/2 g_s^2 W``, quark-gluon
``i/sqrt(2) g_s gamma^mu``).  Colour matrices are computed once numerically from explicit Gell-Mann matrices:

* quark line with k gluons: ``M = sum_sigma (T^{a_sigma1} ... T^{a_sigmak})_{i j} A_sigma`` (k! orderings);
* n gluons: ``M = sum_{sigma in S_{n-1}} Tr(T^{a_sigma1} ... T^{a_sigma(n-1)} T^{a_n}) A_sigma`` ((n-1)! orderings),
  reduced exactly to the (n-2)! Kleiss-Kuijf basis ``A(1, rho, n)`` (``C' = K^T C K``).

``sum_colours |M|^2 = A^dagger C A``.  Entries are real rationals; we compute them in float64 (relative error
~1e-15) using C_{sigma tau} = R[sigma^-1 tau], where R is one row of the Gram matrix.
"""
from __future__ import annotations

import functools
import itertools

import numpy as np


def gell_mann() -> np.ndarray:
    l = np.zeros((8, 3, 3), dtype=complex)
    l[0][0, 1] = l[0][1, 0] = 1
    l[1][0, 1], l[1][1, 0] = -1j, 1j
    l[2][0, 0], l[2][1, 1] = 1, -1
    l[3][0, 2] = l[3][2, 0] = 1
    l[4][0, 2], l[4][2, 0] = -1j, 1j
    l[5][1, 2] = l[5][2, 1] = 1
    l[6][1, 2], l[6][2, 1] = -1j, 1j
    l[7][0, 0] = l[7][1, 1] = 1 / np.sqrt(3)
    l[7][2, 2] = -2 / np.sqrt(3)
    return l


def generators() -> np.ndarray:
    """T^a with Tr(T^a T^b) = delta^{ab}: shape (8, 3, 3)."""
    return gell_mann() / np.sqrt(2)


def _string_tensor(k: int) -> np.ndarray:
    """(T^{a1} ... T^{ak})_{ij} as an array of shape (8,)*k + (3, 3)."""
    T = generators()
    X = T
    for _ in range(k - 1):
        X = np.einsum("...ij,bjk->...bik", X, T)
    return X


def _gram_from_row(perms: list[tuple[int, ...]], row_fn) -> np.ndarray:
    n = len(perms)
    C = np.empty((n, n))
    row: dict[tuple[int, ...], float] = {}
    for i, s in enumerate(perms):
        inv = np.argsort(s)
        for j, t in enumerate(perms):
            rel = tuple(int(inv[x]) for x in t)  # sigma^-1 o tau (as position map)
            if rel not in row:
                row[rel] = row_fn(rel)
            C[i, j] = row[rel]
    return C


@functools.lru_cache(maxsize=None)
def quark_line_matrix(k: int) -> np.ndarray:
    """Colour matrix of (T^{sigma1}...T^{sigmak})_{ij} for all k! orderings (itertools.permutations order)."""
    if k == 0:
        return np.array([[3.0]])
    X = _string_tensor(k)
    perms = list(itertools.permutations(range(k)))

    def row_fn(rel):
        Y = np.transpose(X, tuple(rel) + (k, k + 1))
        v = np.vdot(Y, X)  # sum X * conj(Y)
        assert abs(v.imag) < 1e-9
        return float(v.real)

    return _gram_from_row(perms, row_fn)


@functools.lru_cache(maxsize=None)
def trace_matrix(n: int) -> np.ndarray:
    """Gram matrix of Tr(T^{sigma} T^{a_n}) for sigma in permutations of the first n-1 gluons."""
    X = _string_tensor(n)
    Tr = np.einsum("...ii->...", X)
    perms = [p + (n - 1,) for p in itertools.permutations(range(n - 1))]

    def row_fn(rel):
        Y = np.transpose(Tr, rel)
        v = np.vdot(Y, Tr)
        assert abs(v.imag) < 1e-9
        return float(v.real)

    return _gram_from_row(perms, row_fn)


def trace_orderings(n: int) -> list[tuple[int, ...]]:
    """Orderings (sigma_1..sigma_{n-1}, n-1) of the trace basis, same order as :func:`trace_matrix`."""
    return [p + (n - 1,) for p in itertools.permutations(range(n - 1))]


def kk_orderings(n: int) -> list[tuple[int, ...]]:
    """Kleiss-Kuijf basis A(rho_1 .. rho_{n-2}, n-2? ) -- here: orderings (0, rho, n-1) with rho in S_{n-2}."""
    return [(0,) + p + (n - 1,) for p in itertools.permutations(range(1, n - 1))]


def _shuffles(a: tuple, b: tuple):
    if not a:
        yield b
        return
    if not b:
        yield a
        return
    for s in _shuffles(a[1:], b):
        yield (a[0],) + s
    for s in _shuffles(a, b[1:]):
        yield (b[0],) + s


@functools.lru_cache(maxsize=None)
def kk_matrix(n: int) -> np.ndarray:
    """K with A_trace = K A_kk, using the Kleiss-Kuijf relation
    A(0, alpha, n-1, beta) = (-1)^{|beta|} sum_{sigma in alpha shuffle beta^T} A(0, sigma, n-1)."""
    tr = trace_orderings(n)
    kk = kk_orderings(n)
    kidx = {o: i for i, o in enumerate(kk)}
    K = np.zeros((len(tr), len(kk)))
    for i, o in enumerate(tr):
        # rotate the cyclic ordering so that gluon 0 comes first
        j = o.index(0)
        c = o[j:] + o[:j]
        m = c.index(n - 1)
        alpha, beta = c[1:m], c[m + 1 :]
        sign = (-1) ** len(beta)
        for s in _shuffles(alpha, beta[::-1]):
            K[i, kidx[(0,) + s + (n - 1,)]] += sign
    return K


@functools.lru_cache(maxsize=None)
def gluon_kk_matrix(n: int) -> np.ndarray:
    """Colour matrix in the (n-2)! Kleiss-Kuijf basis: K^T C K."""
    K = kk_matrix(n)
    return K.T @ trace_matrix(n) @ K
