"""The book as a regression test: every notebook runs with profile tiny; its recorded numbers must satisfy their own
sanity bounds and agree with tests/reference/tiny.json (regenerate with `python -m hepscaling references --update`)."""
import json

import pytest

from hepscaling import book
from hepscaling.record import check_bounds

NOTEBOOKS = book.inventory()
REFERENCE = json.loads(book.reference_path("tiny").read_text()) if book.reference_path("tiny").is_file() else {}


def test_there_are_notebooks():
    assert any(nb.id == "fitting/scaling_fits" for nb in NOTEBOOKS)


def test_reference_has_no_stale_notebooks():
    ids = {nb.id for nb in NOTEBOOKS}
    stale = sorted(k for k in REFERENCE if not k.startswith("_") and k not in ids)
    assert not stale, f"tests/reference/tiny.json has entries for missing notebooks {stale}; run " \
                      "`python -m hepscaling references --update`"


@pytest.mark.notebooks
@pytest.mark.timeout(1200)
@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda nb: nb.id)
def test_notebook_runs_and_records_expected_numbers(nb, tiny_book):
    res, tiny_root = tiny_book.results[nb.id], tiny_book.out
    if not res.ok:
        pytest.fail(res.error, pytrace=False)             # notebook, cell, line, error and the traceback's tail
    results = book.load_results(tiny_root, nb)
    assert results, f"{nb.id} records no numbers (call hepscaling.record.record for its key numbers)"
    bad = check_bounds(results)
    if bad:
        pytest.fail(f"{nb.id}: recorded numbers outside their own sanity bounds:\n  " + "\n  ".join(bad),
                    pytrace=False)
    diff = book.compare_to_reference(nb.id, results, REFERENCE)
    if diff:
        pytest.fail("recorded numbers differ from tests/reference/tiny.json:\n  " + "\n  ".join(diff), pytrace=False)
    assert (tiny_root / f"{nb.id}.provenance.json").is_file()


@pytest.mark.notebooks
@pytest.mark.timeout(1200)
def test_a_custom_profile_file_works_on_every_notebook(tmp_path):
    """`--profile my.yaml` (outside profiles/, extending tiny, with other paper-A sizes): every notebook's parameters
    resolve, and a paper-A page runs on the file's sizes and says so."""
    from hepscaling import profiles
    my = tmp_path / "elsewhere" / "my.yaml"
    my.parent.mkdir()
    my.write_text("description: my sizes\nextends: tiny\npapers:\n  jet_classification:\n    n_test: 250\n"
                  "    T_values: [20, 100, 400]\n")
    prof = profiles.load(str(my))
    for nb in NOTEBOOKS:
        params = book.resolve_parameters(nb, prof)
        assert params["profile"] == str(my.resolve())               # the kernel gets a path it can open
    nb = book.find("A_jet_classification/fig7_knn_k")
    _, (res,) = book.execute_all(str(my), tmp_path / "out", force=True, notebooks=[nb], log=lambda *_: None)
    assert res.ok, res.error
    text = (tmp_path / "out" / "A_jet_classification" / "fig7_knn_k.ipynb").read_text()
    assert "profile `my`" in text and "test 250" in text                # the data statement shows the file's sizes
    claims = json.loads((tmp_path / "out" / "A_jet_classification" / "fig7_knn_k.claims.json").read_text())
    assert claims["paper"] == "A" and {c["id"] for c in claims["claims"]} >= {"fig7.efp_larger_k"}
