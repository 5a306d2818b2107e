"""Notebook parameters override paper A's presets: data source and sizes (rerun a page on other data or T)."""
import pytest

from hepscaling import paper_a


def test_no_override_is_the_plain_preset_name():
    cfg = paper_a.preset("quick")
    spec = paper_a.preset_spec("quick", source="", T_max=0, n_train=cfg["n_train"], n_val=0, n_test=0)
    assert spec == "quick"  # the profile's own sizes keep the shared sweep directory of the chapter


def test_T_max_extends_grid_and_pool():
    base = paper_a.preset("quick")
    cfg = paper_a.preset(paper_a.preset_spec("quick", T_max=100000))
    assert max(cfg["T_values"]) == 100000 and cfg["n_train"] == 100000
    assert [T for T in cfg["T_values"] if T <= max(base["T_values"])] == base["T_values"]
    small = paper_a.preset(paper_a.preset_spec("quick", T_max=1000))
    assert max(small["T_values"]) == 1000 and small["n_train"] == base["n_train"]
    assert len(paper_a.main_points(paper_a.preset_spec("quick", T_max=1000))) < len(paper_a.main_points("quick"))


def test_source_override_and_label():
    spec = paper_a.preset_spec("quick", source="public")
    assert paper_a.preset(spec)["source"] == "public" and paper_a.preset_name(spec) == "quick"
    assert paper_a.preset_label(spec) == "quick, source=public"


@pytest.mark.parametrize("over", [{"source": "lhc"}, {"n_train": -5}, {"T_max": 1}, {"bogus": 3}])
def test_bad_overrides_name_the_parameter(over):
    with pytest.raises(paper_a.PaperAError) as e:
        paper_a.preset(paper_a.preset_spec("tiny", **over) if "bogus" not in over else {"base": "tiny", **over})
    assert list(over)[0] in str(e.value)
