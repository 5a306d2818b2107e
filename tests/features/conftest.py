"""Real generated jets for the feature tests.

``jets_fixture.npz``: 60 jets (30 top, 30 QCD) of ``hepscaling.data.topqcd.get_jets("test", 60, source="local",
seed=0)`` — Pythia 8 + FastJet particle-level jets (the generator settings are stored in its ``source`` entry),
padding trimmed to the largest multiplicity (138), float32 (E, px, py, pz).
"""
from pathlib import Path

import numpy as np
import pytest

from hepscaling.jets.kinematics import to_ptyphi

FIXTURE = Path(__file__).with_name("jets_fixture.npz")


@pytest.fixture(scope="session")
def real_jets():
    d = np.load(FIXTURE)
    return to_ptyphi(d["p4"].astype(np.float64)), d["labels"]
