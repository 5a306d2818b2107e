"""The shared plotting layer knows no paper: each paper registers its names."""
import pytest

from hepscaling import plotting


def test_papers_register_their_colours_and_conflicts_are_refused():
    import hepscaling.papers.jet_classification  # noqa: F401  (registers paper A's classifiers)
    assert plotting.color("knn_emd") == "#1f77b4" and plotting.label("dnn_lot") == "DNN LOT"
    assert plotting.marker("lr_efp") == "v" and plotting.marker("unknown") == "o"
    plotting.register(colors={"knn_emd": "#1f77b4"})                    # the same colour again is fine
    with pytest.raises(ValueError, match="already has colour"):
        plotting.register(colors={"knn_emd": "#000001"})
    with pytest.raises(KeyError, match="register it"):
        plotting.color("no such classifier")


def test_the_shared_layer_lists_no_paper_names():
    import importlib
    import subprocess
    import sys
    code = "from hepscaling import plotting; print(sorted(plotting.COLORS))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "knn_emd" not in out and "u u~ > z g" not in out and "top" in out
    importlib.import_module("hepscaling.papers.amplitude_surrogates")
    assert plotting.color("u u~ > z g") == "#d95f02"
