"""Mandatory closed forms and independent references for the amplitude engine."""
import numpy as np
import pytest
import torch

from hepscaling.amplitudes import matrix_element, phase_space
from hepscaling.amplitudes.validation import (five_gluon_parke_taylor, gg_gg_closed_form, tth_trace_reference,
                                              zg_closed_form)


def test_gg_to_gg_closed_form():
    p, _ = phase_space("g g > g g", 50, 800.0, seed=1)
    assert np.allclose(matrix_element("g g > g g", p), gg_gg_closed_form(p).numpy(), rtol=1e-11, atol=0)


def test_uu_to_zg_closed_form():
    p, _ = phase_space("u u~ > z g", 50, 500.0, seed=2)
    assert np.allclose(matrix_element("u u~ > z g", p), zg_closed_form(p).numpy(), rtol=1e-11, atol=0)


def test_five_gluon_parke_taylor():
    p, _ = phase_space("g g > g g g", 30, 1000.0, seed=3)
    assert np.allclose(matrix_element("g g > g g g", p), five_gluon_parke_taylor(p).numpy(), rtol=1e-10, atol=0)


def test_tth_against_trace_technique():
    p, _ = phase_space("u u~ > t t~ h", 8, 1200.0, seed=4)
    assert np.allclose(matrix_element("u u~ > t t~ h", p), tth_trace_reference(p), rtol=1e-10, atol=0)


def test_alpha_s_scaling():
    """|M|^2 scales as g_s^(2 n_g) (u u~ > z g g: alpha_s^2)."""
    import dataclasses

    from hepscaling.amplitudes import SM_DEFAULT

    p, _ = phase_space("u u~ > z g g", 5, 1000.0, seed=5)
    a = matrix_element("u u~ > z g g", p)
    b = matrix_element("u u~ > z g g", p, dataclasses.replace(SM_DEFAULT, alphas=0.236))
    assert np.allclose(b / a, 4.0, rtol=1e-12)


def test_soft_gluon_factorisation():
    """u u~ > z g g with one soft gluon -> eikonal factor x u u~ > z g (colour-correlated, exact colour)."""
    from hepscaling.amplitudes import SM_DEFAULT as sm

    rs = 1000.0
    p, _ = phase_space("u u~ > z g", 4, rs, seed=6)
    P = p[:, 0] + p[:, 1]
    g = torch.Generator().manual_seed(0)
    out = []
    for eps in (1e-1, 1e-3):
        n = torch.randn((4, 3), generator=g, dtype=torch.float64)
        n = n / n.norm(dim=1, keepdim=True)
        k = torch.cat((torch.full((4, 1), eps, dtype=torch.float64), eps * n), 1)
        Q = P - k
        M2 = Q[:, 0] ** 2 - (Q[:, 1:] ** 2).sum(-1)
        # Z and g in the Q rest frame along the original Z direction, then boosted to the lab
        d = p[:, 2, 1:] / p[:, 2, 1:].norm(dim=1, keepdim=True)
        pst = (M2 - sm.MZ**2) / (2 * torch.sqrt(M2))
        EZ = torch.sqrt(pst**2 + sm.MZ**2)
        z = torch.cat((EZ[:, None], pst[:, None] * d), 1)
        gl = torch.cat((pst[:, None], -pst[:, None] * d), 1)
        bvec = Q[:, 1:] / Q[:, :1]

        def boost(v):
            b2 = (bvec**2).sum(1, keepdim=True)
            gam = 1 / torch.sqrt(1 - b2)
            bp = (bvec * v[:, 1:]).sum(1, keepdim=True)
            E = gam * (v[:, :1] + bp)
            x = v[:, 1:] + ((gam - 1) * bp / b2 + gam * v[:, :1]) * bvec
            return torch.cat((E, x), 1)

        mom = torch.stack((p[:, 0], p[:, 1], boost(z), boost(gl), k), 1)
        me_n1 = matrix_element("u u~ > z g g", mom)
        me_n = matrix_element("u u~ > z g", p)

        def dd(a, b):
            return a[:, 0] * b[:, 0] - (a[:, 1:] * b[:, 1:]).sum(1)

        CF, CA = 4 / 3, 3.0
        q, qb, gg = p[:, 0], p[:, 1], p[:, 3]
        S = ((2 * CF - CA) * dd(q, qb) / (dd(q, k) * dd(qb, k)) + CA * dd(q, gg) / (dd(q, k) * dd(gg, k))
             + CA * dd(qb, gg) / (dd(qb, k) * dd(gg, k)))
        ratio = (me_n1 / (0.5 * sm.gs**2 * S * me_n)).numpy()
        out.append(np.abs(ratio - 1).max())
    assert out[1] < 1e-3
    assert out[1] < 0.1 * out[0]  # converges as the gluon gets softer
