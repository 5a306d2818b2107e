"""Phase space: massive RAMBO (flat n-body, Kleiss-Stirling-Ellis) with generator cuts, and unweighting.

Weights are the n-body phase-space density in the convention
``dPhi_n = (2 pi)^4 delta^4(P - sum p) prod d^3p / ((2 pi)^3 2E)``; for two bodies the flat weight equals
``lambda^{1/2}(s, m1^2, m2^2) / (8 pi s)``.

Cuts (applied to final-state gluons; they keep away from the soft and collinear singularities):

* ``pt_min`` (GeV, default 20): transverse momentum of every final-state gluon;
* ``dr_min`` (default 0.4): Delta R = sqrt(Delta y^2 + Delta phi^2) between every pair of final-state gluons;
* ``eta_max`` (default None = no cut): |pseudo-rapidity| of every final-state gluon.

Points failing the cuts are regenerated; the returned weights are multiplied by the acceptance (passed / tried) so
that ``weights.mean()`` estimates the phase-space volume inside the cuts and ``(w * |M|^2).mean()`` the cross
section (before flux).
"""
from __future__ import annotations

import math

import torch

from .model import DEFAULT, SMParameters
from .processes import DEFAULT_CUTS, get_process, matrix_element
from .unweighting import quantile_maximum, reduced_maximum


def rambo_map(masses, r: torch.Tensor, sqrt_s) -> tuple[torch.Tensor, torch.Tensor]:
    """Massive RAMBO as a map: uniforms ``r`` (N, n, 4) in [0, 1) and the CM energy ``sqrt_s`` (a number or an (N,)
    tensor, GeV) to final-state momenta (N, n, 4) in the centre-of-mass frame and their weights (N,) (the
    phase-space density, see the module docstring). :func:`rambo` draws ``r`` uniformly; an adaptive sampler may
    draw it from its own map."""
    n = len(masses)
    dtype, device = r.dtype, r.device
    rs = torch.as_tensor(sqrt_s, dtype=dtype, device=device)
    c = 2 * r[..., 0] - 1
    phi = 2 * math.pi * r[..., 1]
    q0 = -torch.log(torch.clamp(r[..., 2] * r[..., 3], min=1e-300))
    st = torch.sqrt(torch.clamp(1 - c * c, min=0))
    q = torch.stack((q0, q0 * st * torch.cos(phi), q0 * st * torch.sin(phi), q0 * c), -1)
    Q = q.sum(1)
    M = torch.sqrt(Q[:, 0] ** 2 - (Q[:, 1:] ** 2).sum(-1))
    b = -Q[:, 1:] / M[:, None]
    x = rs / M
    gamma = Q[:, 0] / M
    a = 1 / (1 + gamma)
    bq = (b[:, None, :] * q[..., 1:]).sum(-1)
    p0 = x[:, None] * (gamma[:, None] * q[..., 0] + bq)
    p3 = x[:, None, None] * (q[..., 1:] + b[:, None, :] * q[..., :1] + a[:, None, None] * bq[..., None] * b[:, None, :])
    p = torch.cat((p0[..., None], p3), -1)
    s = rs**2
    w0 = (2 * math.pi) ** (4 - 3 * n) * (math.pi / 2) ** (n - 1) / (math.factorial(n - 1) * math.factorial(n - 2))
    w = (w0 * s ** (n - 2)).expand(r.shape[0]).clone()
    if any(m > 0 for m in masses):
        m = torch.tensor(masses, dtype=dtype, device=device)
        E = p[..., 0]
        rs_n = rs.expand(r.shape[0])
        xi = torch.sqrt(torch.clamp(1 - (sum(masses) / rs_n) ** 2, min=1e-12))
        for _ in range(60):
            e = torch.sqrt(m**2 + (xi[:, None] * E) ** 2)
            f = e.sum(1) - rs_n
            df = (xi[:, None] * E**2 / e).sum(1)
            step = f / df
            xi = torch.clamp(xi - step, min=1e-12, max=1.0)
            if float(step.abs().max()) < 1e-15:
                break
        k3 = xi[:, None, None] * p[..., 1:]
        k0 = torch.sqrt(m**2 + (xi[:, None] * E) ** 2)
        kabs = xi[:, None] * E
        w = w * (kabs.sum(1) / rs_n) ** (2 * n - 3) * (kabs / k0).prod(1) * rs_n / (kabs**2 / k0).sum(1)
        p = torch.cat((k0[..., None], k3), -1)
    return p, w


def rambo(masses, N: int, sqrt_s: float, seed: int = 0, device=None, dtype=torch.float64, generator=None):
    """Flat massive n-body phase space in the centre-of-mass frame.

    Returns final-state momenta (N, n, 4) and weights (N,) (phase-space density, see module docstring).
    """
    masses = [float(m) for m in masses]
    n = len(masses)
    if n < 2:
        raise ValueError(f"rambo needs at least 2 final-state particles, got {n}")
    if sqrt_s <= sum(masses):
        raise ValueError(f"sqrt_s = {sqrt_s:g} GeV is below the threshold sum of masses = {sum(masses):g} GeV "
                         f"(short by {sum(masses) - sqrt_s:g} GeV)")
    device = torch.device(device) if device is not None else torch.device("cpu")
    gen = generator if generator is not None else torch.Generator().manual_seed(int(seed))
    r = torch.rand((N, n, 4), generator=gen, dtype=dtype, device="cpu").to(device)
    return rambo_map(masses, r, float(sqrt_s))


def pass_cuts(p: torch.Tensor, gluon_idx: list[int], cuts: dict) -> torch.Tensor:
    ok = torch.ones(p.shape[0], dtype=torch.bool, device=p.device)
    if not gluon_idx:
        return ok
    g = p[:, gluon_idx]
    pt = torch.sqrt(g[..., 1] ** 2 + g[..., 2] ** 2)
    if cuts.get("pt_min"):
        ok &= (pt > cuts["pt_min"]).all(1)
    pabs = torch.sqrt((g[..., 1:] ** 2).sum(-1))
    if cuts.get("eta_max") is not None:
        eta = torch.atanh(torch.clamp(g[..., 3] / torch.clamp(pabs, min=1e-300), -1 + 1e-15, 1 - 1e-15))
        ok &= (eta.abs() < cuts["eta_max"]).all(1)
    if cuts.get("dr_min") and len(gluon_idx) > 1:
        y = 0.5 * torch.log(torch.clamp(g[..., 0] + g[..., 3], min=1e-300) / torch.clamp(g[..., 0] - g[..., 3], min=1e-300))
        phi = torch.atan2(g[..., 2], g[..., 1])
        dy = y[:, :, None] - y[:, None, :]
        dphi = torch.remainder(phi[:, :, None] - phi[:, None, :] + math.pi, 2 * math.pi) - math.pi
        dr2 = dy**2 + dphi**2
        iu = torch.triu_indices(len(gluon_idx), len(gluon_idx), 1)
        ok &= (dr2[:, iu[0], iu[1]] > cuts["dr_min"] ** 2).all(1)
    return ok


def _resolve_cuts(cuts):
    c = dict(DEFAULT_CUTS)
    if cuts:
        unknown = set(cuts) - set(DEFAULT_CUTS)
        if unknown:
            raise ValueError(f"unknown cut(s) {sorted(unknown)}; known: {sorted(DEFAULT_CUTS)}")
        c.update(cuts)
    return c


def phase_space(process, n_points: int, sqrt_s: float, cuts: dict | None = None, seed: int = 0,
                sm: SMParameters = DEFAULT, device=None, dtype=torch.float64):
    """Flat (massive RAMBO) phase-space points for ``process`` at fixed partonic sqrt(s) in the CM frame.

    Returns ``momenta`` (n_points, n, 4) torch float64 — the two incoming partons first, along +z and -z — and
    ``weights`` (n_points,).  All returned points pass ``cuts`` (defaults :data:`DEFAULT_CUTS`).
    """
    proc = get_process(process)
    cuts = _resolve_cuts(cuts)
    masses = proc.masses(sm)[2:]
    if not (isinstance(sqrt_s, (int, float)) and math.isfinite(sqrt_s)):
        raise ValueError(f"sqrt_s must be a finite number in GeV, got {sqrt_s!r}")
    if sqrt_s <= sum(masses):
        raise ValueError(f"sqrt_s = {sqrt_s:g} GeV is below the threshold of {proc.name!r} "
                         f"(sum of final-state masses {sum(masses):g} GeV; short by {sum(masses) - sqrt_s:g} GeV)")
    gidx = [i - 2 for i in proc.gluon_legs if i >= 2]
    if 2 * len(gidx) * (cuts.get("pt_min") or 0.0) >= sqrt_s and gidx:
        raise ValueError(f"sqrt_s = {sqrt_s:g} GeV cannot satisfy pt_min = {cuts['pt_min']} GeV for {len(gidx)} gluons")
    device = torch.device(device) if device is not None else torch.device("cpu")
    gen = torch.Generator().manual_seed(int(seed))
    got_p, got_w = [], []
    n_have, n_tried = 0, 0
    chunk = max(1024, n_points)
    for _ in range(10000):
        p, w = rambo(masses, chunk, sqrt_s, device=device, dtype=dtype, generator=gen)
        ok = pass_cuts(p, gidx, cuts)
        n_tried += chunk
        got_p.append(p[ok])
        got_w.append(w[ok])
        n_have += int(ok.sum())
        if n_have >= n_points:
            break
        eff = max(n_have / n_tried, 1e-4)
        chunk = int(min(max(1.2 * (n_points - n_have) / eff, 1024), 2_000_000))
    else:
        raise ValueError(f"cuts {cuts} accept too few points for {proc.name!r} at sqrt_s = {sqrt_s:g} GeV")
    pf = torch.cat(got_p)[:n_points]
    wf = torch.cat(got_w)[:n_points] * (n_have / n_tried)
    E = sqrt_s / 2
    pin = torch.tensor([[E, 0, 0, E], [E, 0, 0, -E]], dtype=dtype, device=device).expand(n_points, 2, 4)
    return torch.cat((pin, pf), 1), wf


def unweighted_events(process, n_points: int, sqrt_s: float, cuts: dict | None = None, seed: int = 0,
                      sm: SMParameters = DEFAULT, n_pilot: int = 50000, max_quantile: float = 0.9999,
                      safety: float = 1.0, device=None, overweight: float | None = None, batch: int = 500_000):
    """Unweighted points (distributed as |M|^2 dPhi) by accept-reject on |M|^2 w.

    The acceptance threshold f_max is the ``max_quantile`` quantile of |M|^2 w in a pilot run (times ``safety``);
    ``max_quantile = 1`` uses the pilot maximum (exact up to pilot fluctuations, but with flat RAMBO the efficiency
    of multi-gluon processes drops to ~1e-4). With ``overweight`` set, f_max is instead the reduced maximum of the
    pilot (:func:`.unweighting.reduced_maximum`, the rule of :func:`.collider.collider_events`): the smallest value
    above which at most the fraction ``overweight`` of the pilot's cross section lies. Points with |M|^2 w > f_max
    are always accepted, so the region above the threshold is under-represented by the factor f_max / (|M|^2 w);
    ``info["overweight_fraction"]`` is the fraction of accepted points concerned (it grows for strongly peaked
    processes: ~1-5 % for Z g g or W Z at 1 TeV with the quantile default) and ``info["overweight_share"]`` the share
    of the cross section above f_max on all points tried after the pilot (the bias of this sample).
    ``batch``: at most this many points per |M|^2 call (memory).

    Returns ``momenta`` (n_points, n, 4), ``me`` (n_points,) the |M|^2 values, and ``info`` (efficiency, f_max,
    overweight fraction and share, points tried).
    """
    proc = get_process(process)
    if not (isinstance(batch, int) and batch >= 1000):
        raise ValueError(f"batch = {batch!r}: expected an integer >= 1000 (points per |M|^2 call)")
    pilot_p, pilot_w = phase_space(proc, n_pilot, sqrt_s, cuts, seed=seed + 7919, sm=sm, device=device)
    f = torch.cat([matrix_element(proc, pilot_p[i:i + batch], sm) for i in range(0, n_pilot, batch)]) * pilot_w
    if overweight is not None:
        fmax = reduced_maximum(f, overweight)
    else:
        fmax = quantile_maximum(f, max_quantile)
    fmax *= safety
    gen = torch.Generator().manual_seed(int(seed))
    keep_p, keep_m = [], []
    n_have = n_tried = n_over = 0
    over = total = 0.0
    sub = 0
    while n_have < n_points:
        eff = max(float(torch.clamp(f / fmax, max=1.0).mean()), 1e-4)
        want = int(min(max(1.3 * (n_points - n_have) / eff, 1000), batch))
        p, w = phase_space(proc, want, sqrt_s, cuts, seed=seed * 1_000_003 + sub, sm=sm, device=device)
        sub += 1
        me = matrix_element(proc, p, sm)
        fw = me * w
        r = torch.rand(want, generator=gen, dtype=torch.float64).to(fw.device)
        acc = r * fmax < fw
        n_over += int((acc & (fw > fmax)).sum())
        over += float(torch.clamp(fw - fmax, min=0).sum())
        total += float(fw.sum())
        keep_p.append(p[acc])
        keep_m.append(me[acc])
        n_have += int(acc.sum())
        n_tried += want
        if sub > 10000:
            raise ValueError(f"unweighting of {proc.name!r} did not converge")
    mom = torch.cat(keep_p)[:n_points]
    me = torch.cat(keep_m)[:n_points]
    info = {"efficiency": n_have / n_tried, "f_max": fmax, "overweight_fraction": n_over / max(n_have, 1),
            "overweight_share": over / total if total > 0 else float("nan"), "n_tried": n_tried,
            "rule": f"reduced maximum, overweight {overweight:g}" if overweight is not None
            else f"quantile {max_quantile:g}"}
    return mom, me, info
