"""Claims: the paper files validate, every test kind decides as documented, moving a number flips a verdict, and the
sheet writes what the landing page reads."""
import json
import math

import pytest

from hepscaling import papers
from hepscaling.claims import (Claim, ClaimError, ClaimSheet, DataUsed, evaluate, item_status, parse_claims,
                               read_sidecar)
from hepscaling.tables import Table, fmt

SUB = DataUsed("toy jets", dataset="substitute", sizes="reduced")


def claim(test, value=None, error=None, cid="x"):
    return Claim(id=cid, statement="s", source="§1", test=test, value=value, error=error)


@pytest.mark.parametrize("test, value, error, ours, our_err, expected", [
    ({"within_sigma": 2}, 0.133, 0.007, 0.140, None, True),      # 1σ away
    ({"within_sigma": 2}, 0.133, 0.007, 0.150, None, False),     # 2.4σ away
    ({"within_sigma": 2}, 0.133, 0.007, 0.150, 0.010, True),     # our error widens the band: 1.4σ
    ({"outside_sigma": 2}, 0.0, None, 0.3, 0.1, True),
    ({"outside_sigma": 2}, 0.0, None, 0.1, 0.1, False),
    ({"within": 0.05}, 1.0, None, 1.04, None, True),
    ({"within": 0.05}, 1.0, None, 1.06, None, False),
    ({"within_rel": 0.1}, 50.0, None, 54.0, None, True),
    ({"within_rel": 0.1}, 50.0, None, 56.0, None, False),
    ({"range": [0.8, 1.25]}, None, None, 1.0, None, True),
    ({"range": [0.8, 1.25]}, None, None, 1.3, None, False),
    ({"range": [None, 1.0]}, None, None, -5.0, None, True),
    ({"outside": [0.8, 1.25]}, None, None, 3.6, None, True),
    ({"outside": [0.8, 1.25]}, None, None, 1.0, None, False),
    ({"greater": 0}, None, None, 1e-9, None, True),
    ({"greater": 0}, None, None, 0.0, None, False),
    ({"less": 0}, None, None, -0.1, None, True),
    ({"at_least": 1.0}, None, None, 1.0, None, True),
    ({"at_least": 1.0}, None, None, 0.4, None, False),
    ({"at_most": 2}, None, None, 2.5, None, False),
    ({"equals": "knn_emd"}, None, None, "knn_emd", None, True),
    ({"equals": "knn_emd"}, None, None, "dnn_lot", None, False),
    ({"equals": 313}, None, None, 313, None, True),
    ({"equals": True}, None, None, True, None, True),
    ({"equals": True}, None, None, False, None, False),
    ({"order": ["a", "b", "c"]}, None, None, ["a", "x", "b", "c"], None, True),
    ({"order": ["a", "b", "c"]}, None, None, ["b", "a", "c"], None, False),
    ({"order": ["a", "b", "c"]}, None, None, ["a", "b"], None, False),
])
def test_every_test_kind_decides_as_documented(test, value, error, ours, our_err, expected):
    assert evaluate(claim(test, value, error), ours, our_err) is expected


def test_a_yes_no_statement_needs_a_truth_value():
    with pytest.raises(ClaimError, match="true/false"):
        evaluate(claim({"equals": True}), 1)


def test_claims_files_are_validated():
    items = {"Fig. 1"}
    ok = {"id": "a", "statement": "s", "source": "§5", "test": {"greater": 0}, "items": ["Fig. 1"]}
    assert parse_claims([ok], "f", items)["a"].items == ("Fig. 1",)
    for bad, msg in [({**ok, "test": {"bigger": 0}}, "test must be one of"),
                     ({**ok, "test": {"within_sigma": 2}}, "needs a numeric 'value'"),
                     ({**ok, "test": {"range": [1]}}, r"needs \[lo, hi\]"),
                     ({**ok, "items": ["Fig. 9"]}, "does not list"),
                     ({**ok, "colour": "red"}, "unknown keys"),
                     ({k: v for k, v in ok.items() if k != "source"}, "lacks 'source'"),
                     ({**ok, "error": -1, "value": 1.0, "test": {"within_sigma": 2}}, "error must be")]:
        with pytest.raises(ClaimError, match=msg):
            parse_claims([bad], "f", items)
    with pytest.raises(ClaimError, match="appears twice"):
        parse_claims([ok, ok], "f", items)


def test_every_paper_file_is_valid_and_paper_a_transcribes_its_numbers():
    reg = papers.registry()
    assert set(reg) >= {"A", "B", "C"}
    a = papers.load("jet_classification")
    assert a is reg["A"]
    alpha = a.claim("fig5.knn_lot_alpha")
    assert (alpha.value, alpha.error) == (0.133, 0.007) and alpha.source == "§5"   # §5: α_T = 0.133 ± 0.007
    assert (a.claim("fig5.knn_lot_C").value, a.claim("fig5.knn_lot_C").error) == (0.12, 0.01)
    assert a.claim("sec3.n_efps_d6").test == {"equals": 313}
    with pytest.raises(ClaimError, match="did you mean"):
        a.claim("fig5.knn_lot_alph")
    with pytest.raises(ClaimError, match="unknown paper"):
        papers.load("Z")


def test_moving_a_number_flips_the_verdict_and_the_sidecar(tmp_path):
    side = tmp_path / "page.claims.json"
    sheet = ClaimSheet("A", SUB, items=["Fig. 5"], sidecar=side)
    assert sheet.check("fig5.knn_lot_alpha", 0.140, error=0.004) == "reproduced"       # 0.9σ from 0.133
    first = {c["id"]: c for c in read_sidecar(side)["claims"]}
    assert first["fig5.knn_lot_alpha"]["verdict"] == "reproduced" and first["fig5.knn_lot_C"]["verdict"] == "not tested"
    assert sheet.check("fig5.knn_lot_alpha", 0.160, error=0.004) == "differs"          # 3.3σ
    row = next(c for c in read_sidecar(side)["claims"] if c["id"] == "fig5.knn_lot_alpha")
    assert row["verdict"] == "differs" and row["value"] == 0.16 and row["ours"] == "0.160 ± 0.004"
    assert sheet.check("fig5.dnn_curves_cross", False) == "differs"
    assert sheet.check("fig5.dnn_curves_cross", True) == "reproduced"


def test_unchecked_claims_show_as_not_tested_and_reasons_are_required(tmp_path):
    sheet = ClaimSheet("A", SUB, items=["Fig. 7"], sidecar=tmp_path / "p.claims.json")
    sheet.check("fig7.efp_larger_k", 40)
    rows = {r["id"]: r for r in sheet.rows()}
    assert set(rows) == {c.id for c in papers.load("A").claims_of("Fig. 7")}
    assert rows["fig7.k_order_50"]["verdict"] == "not tested"
    assert rows["fig7.k_order_50"]["reason"] == "not evaluated on this page"
    with pytest.raises(ClaimError, match="needs a reason"):
        sheet.check("fig7.k_order_50", None)
    assert sheet.check("fig7.k_order_50", None, reason="T too small") == "not tested"
    assert sheet.counts() == {"reproduced": 1, "differs": 0, "not tested": 2}
    assert sheet.summary() == "1 of 3 statements reproduced, 0 differ, 2 not tested (substitute data, reduced sizes)."
    json.loads((tmp_path / "p.claims.json").read_text())            # valid JSON on disk after every check


def test_undefined_numbers_are_not_tested_not_reproduced(tmp_path):
    sheet = ClaimSheet("A", SUB, items=["Fig. 5"], sidecar=tmp_path / "p.json")
    # an infinite fit error would put any value "within 2σ": it must not count as reproduced
    assert sheet.check("fig5.knn_lot_floor_eq_dnn_lot", 0.5, error=math.inf) == "not tested"
    assert sheet.check("fig5.knn_lot_alpha", math.nan) == "not tested"
    # a relation with no error on either side cannot be tested within σ
    assert sheet.check("fig5.knn_lot_floor_eq_dnn_lot", 0.01, error=0.0) == "not tested"
    assert "no error" in sheet.results["fig5.knn_lot_floor_eq_dnn_lot"].reason


def test_sheet_table_is_html_with_paper_ours_and_verdict(tmp_path):
    sheet = ClaimSheet("A", SUB, items=["Fig. 5"], sidecar=tmp_path / "p.json")
    sheet.check("fig5.knn_lot_alpha", 0.24, error=0.02)
    html = sheet._repr_html_()
    assert html.startswith("<table") and "<th>verdict</th>" in html and "0.133 ± 0.007" in html
    assert "0.240 ± 0.020" in html and "differs" in html and "within 2σ of 0.133" in html
    assert 'class="verdict-differs"' in html and "toy jets" in html
    with pytest.raises(ClaimError, match="no items"):
        ClaimSheet("A", SUB, items=["Fig. 99"])
    with pytest.raises(ClaimError, match="DataUsed"):
        ClaimSheet("A", "toy jets")


def test_item_status_rule():
    paper = DataUsed("public", dataset="paper", sizes="paper")
    assert item_status(["reproduced", "reproduced"], [paper]).text() == "reproduced"
    assert item_status(["reproduced", "reproduced"], [SUB]).text() == "reproduced (substitute data, reduced sizes)"
    assert item_status(["reproduced", "differs"], [paper]).status == "partly"
    assert item_status(["reproduced", "not tested"], [paper]).status == "partly"
    assert item_status(["differs", "not tested"], [paper]).status == "differs"
    assert item_status(["not tested"], [paper]).status == "not yet"
    assert item_status([], []).status == "not yet"
    assert DataUsed("x", dataset="paper", sizes="reduced").qualifier() == "reduced sizes"
    with pytest.raises(ClaimError, match="dataset"):
        DataUsed("x", dataset="public")


def test_tables_render_html_and_format_errors():
    t = Table(["a", "b"], [[1.23456, "x<y"], [None, True]], caption="cap")
    html = t.to_html()
    assert "<td>1.23</td>" in html and "x&lt;y" in html and "<caption>cap</caption>" in html and "<td>–</td>" in html
    assert "| a | b |" in t.to_markdown() and "x<y" in repr(t)
    assert fmt(0.1331, 0.0071) == "0.133 ± 0.007" and fmt(float("nan")) == "–" and fmt(False) == "no"
    with pytest.raises(ValueError, match="row 0 has 1 cells"):
        Table(["a", "b"], [[1]])
