"""Pythia's LO cross sections: additive over adjacent p̂T bins, and the forced-decay branching fraction applied."""
import pytest

from hepscaling.data.cross_sections import CrossSectionError, pythia_cross_section


def _qcd(lo, hi, n=4000, seed=3):
    return pythia_cross_section(["HardQCD:all = on", f"PhaseSpace:pTHatMin = {lo}", f"PhaseSpace:pTHatMax = {hi}"],
                                n_events=n, seed=seed)


def test_cross_sections_add_over_adjacent_pthat_bins():
    a, b, ab = _qcd(300, 470), _qcd(470, 600), _qcd(300, 600)
    total, err = a["sigma_pb"] + b["sigma_pb"], (a["error_pb"] ** 2 + b["error_pb"] ** 2 + ab["error_pb"] ** 2) ** 0.5
    assert abs(total - ab["sigma_pb"]) < 4 * err
    assert a["sigma_pb"] > 5 * b["sigma_pb"]            # a steeply falling spectrum


def test_forced_w_decays_scale_ttbar_by_the_hadronic_branching_fraction_squared():
    base = ["Top:gg2ttbar = on", "Top:qqbar2ttbar = on"]
    inclusive = pythia_cross_section(base, n_events=3000, seed=5)
    hadronic = pythia_cross_section(base + ["24:onMode = off", "24:onIfAny = 1 2 3 4 5"], n_events=3000, seed=5)
    ratio = hadronic["sigma_pb"] / inclusive["sigma_pb"]
    assert 0.60 ** 2 < ratio < 0.72 ** 2                 # BR(W → hadrons) ≈ 0.67 at LO in Pythia


def test_a_rejected_setting_is_named():
    with pytest.raises(CrossSectionError, match="NoSuch:flag"):
        pythia_cross_section(["NoSuch:flag = on"], n_events=10)
