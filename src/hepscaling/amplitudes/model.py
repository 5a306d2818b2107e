"""Standard Model parameters: the defaults of MadGraph5_aMC@NLO's ``sm`` model.

Inputs (``param_card`` of ``sm``): MZ = 91.188, MT = 173, MH = 125, 1/alpha(MZ) = 132.507, G_F = 1.16639e-5,
alpha_s = 0.118 (fixed), Yukawa mass of the top = MT, light quarks massless.  MW and sin^2(theta_W) are *derived*
(MadGraph's electroweak scheme 1: alpha, G_F, MZ).  Widths enter the internal propagators (fixed-width
Breit-Wigner), external W, Z, t, H are on shell.

Coupling conventions used by the engine (vertex factors, all particles incoming unless stated):

* fermion - vector:  ``i gamma^mu (c_L P_L + c_R P_R)`` with photon ``c = e Q``, Z ``c_L = g_Z (T3 - Q s_W^2)``,
  ``c_R = -g_Z Q s_W^2`` (``g_Z = e / (s_W c_W)``), W ``c_L = e / (sqrt(2) s_W)``, ``c_R = 0``;
* fermion - Higgs: ``-i m_f / v``;
* W^-_mu(k1) W^+_nu(k2) V_rho(k3):  ``i g_V [g_{mu nu}(k1-k2)_rho + g_{nu rho}(k2-k3)_mu + g_{rho mu}(k3-k1)_nu]``
  with ``g_A = s_3 e`` and ``g_Z = s_3 e c_W / s_W``, ``s_3 = +1`` (the sign relative to the fermion couplings is
  fixed by the high-energy (unitarity) cancellation in u d~ > w+ z, checked in the tests; ``s_3 = -1`` makes
  |M|^2 grow like s^2);
* W^- W^+ V1 V2: ``i g_V1 g_V2 s_4 [2 g^{mu nu} g^{rho sigma} - g^{mu rho} g^{nu sigma} - g^{mu sigma} g^{nu rho}]``,
  ``s_4 = -1`` (fixed by the unitarity cancellation in u u~ > w+ w- z);
* H W W: ``i e M_W / s_W g^{mu nu}``, H Z Z: ``i e M_W / (s_W c_W^2) g^{mu nu}``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class SMParameters:
    MZ: float = 91.188
    MT: float = 173.0
    MH: float = 125.0
    alpha_inv: float = 132.507
    Gf: float = 1.16639e-5
    alphas: float = 0.118
    WZ: float = 2.441404
    WW: float = 2.0476
    WT: float = 1.50833649
    WH: float = 6.38233934e-3
    ymt: float = 173.0
    # sign conventions of the gauge self-couplings (see module docstring; fixed by the unitarity tests)
    s3: float = 1.0
    s4: float = -1.0

    # ---- derived quantities (MadGraph sm, EW scheme alpha(MZ), G_F, MZ)
    @property
    def alpha(self) -> float:
        return 1.0 / self.alpha_inv

    @property
    def MW(self) -> float:
        mz2 = self.MZ**2
        return math.sqrt(mz2 / 2 + math.sqrt(mz2**2 / 4 - math.pi * self.alpha * mz2 / (math.sqrt(2) * self.Gf)))

    @property
    def sw2(self) -> float:
        return 1.0 - self.MW**2 / self.MZ**2

    @property
    def sw(self) -> float:
        return math.sqrt(self.sw2)

    @property
    def cw(self) -> float:
        return self.MW / self.MZ

    @property
    def ee(self) -> float:
        return math.sqrt(4 * math.pi * self.alpha)

    @property
    def gw(self) -> float:  # SU(2) coupling g = e / s_W
        return self.ee / self.sw

    @property
    def gz(self) -> float:  # e / (s_W c_W)
        return self.ee / (self.sw * self.cw)

    @property
    def vev(self) -> float:
        return 2 * self.MW * self.sw / self.ee

    @property
    def gs(self) -> float:
        return math.sqrt(4 * math.pi * self.alphas)

    def mass(self, name: str) -> float:
        return {"t": self.MT, "t~": self.MT, "z": self.MZ, "w+": self.MW, "w-": self.MW, "h": self.MH}.get(name, 0.0)

    def width(self, name: str) -> float:
        return {"t": self.WT, "t~": self.WT, "z": self.WZ, "w+": self.WW, "w-": self.WW, "h": self.WH}.get(name, 0.0)

    def without_widths(self) -> "SMParameters":
        return replace(self, WZ=0.0, WW=0.0, WT=0.0, WH=0.0)


DEFAULT = SMParameters()

# quark quantum numbers: charge Q and weak isospin T3 (left-handed)
QUARKS = {"u": (2.0 / 3.0, 0.5), "d": (-1.0 / 3.0, -0.5), "t": (2.0 / 3.0, 0.5)}
