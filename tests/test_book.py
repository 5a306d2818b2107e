"""The book builder: inventory and metadata, parameter parsing, run keys, runner cells, failures, pages and toc."""
import json
import textwrap

import pytest

from hepscaling import book, profiles
from hepscaling.book import BookError, ParameterError

HEADER = textwrap.dedent('''\
    # ---
    # jupyter:
    #   jupytext:
    #     text_representation: {{extension: .py, format_name: percent}}
    #   kernelspec: {{display_name: Python 3, language: python, name: python3}}
    # hepscaling:
    #   title: "{title}"
    #   paper: "{paper}"
    #   reproduces: "{reproduces}"
    #   status: {status}
    #   data: "synthetic"
    # ---
    ''')


def make_nb(root, nb_id, body, title="t", paper="-", reproduces="-", status="reproduced"):
    p = root / f"{nb_id}.py"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(HEADER.format(title=title, paper=paper, reproduces=reproduces, status=status) + body)
    return book.load_notebook(p, root)


PARAMS = textwrap.dedent('''
    # %% [markdown]
    # # A page

    # %% tags=["parameters"]
    profile = "quick"
    seed = 0
    n = 3
    x = 0.5
    name = "abc"
    flag = False
    sizes = [1.0, 2.0]
    ''')


# ------------------------------------------------------------------------------------------------ real inventory
def test_inventory_of_the_repository():
    nbs = book.inventory()
    ids = [nb.id for nb in nbs]
    assert "fitting/scaling_fits" in ids and ids[0].startswith("fitting/")
    assert len(ids) == len(set(ids))
    ranks = [book._chapter_rank(nb.chapter) for nb in nbs]
    assert ranks == sorted(ranks), "notebooks are not in chapter order"


@pytest.mark.parametrize("nb", book.inventory(), ids=lambda nb: nb.id)
def test_notebook_metadata_is_complete(nb):
    assert nb.check_meta() == []
    papers = book.load_paper_figures()
    if nb.paper != "-":
        assert nb.paper in papers, f"{nb.id}: paper {nb.paper!r} is not in book/paper_figures.yaml"
        known = {it["id"] for it in papers[nb.paper]["items"]}
        assert set(nb.items()) <= known, f"{nb.id}: {sorted(set(nb.items()) - known)} not in paper {nb.paper}"


def test_paper_figures_list_every_item_of_the_papers():
    papers = book.load_paper_figures()
    ids = {k: [it["id"] for it in p["items"]] for k, p in papers.items()}
    assert sorted(ids) == ["A", "B", "C"]
    assert set(ids["A"]) == {f"Fig. {i}" for i in range(1, 8)} | {"Table 1"}
    assert set(ids["B"]) == {f"Fig. {i}" for i in range(1, 21)} | {f"Table {i}" for i in range(1, 16)}
    assert set(ids["C"]) == {f"Fig. {i}" for i in range(1, 5)} | {"Table 1", "Table 2"}
    for k, v in ids.items():
        assert len(v) == len(set(v)), f"paper {k} lists an item twice"


@pytest.mark.parametrize("text, items", [
    ("Fig. 1", ["Fig. 1"]),
    ("Fig. 2, Table 1", ["Fig. 2", "Table 1"]),
    ("Figs. 3-4 and Table 2", ["Fig. 3", "Fig. 4", "Table 2"]),
    ("Figure 5 (right)", ["Fig. 5"]),
    ("Tables 3–5", ["Table 3", "Table 4", "Table 5"]),
    ("-", []),
])
def test_parse_items(text, items):
    assert book.parse_items(text) == items


def test_find_by_id_name_and_suggestion():
    assert book.find("fitting/scaling_fits").id == "fitting/scaling_fits"
    assert book.find("notebooks/fitting/scaling_fits.py").id == "fitting/scaling_fits"
    assert book.find("scaling_fits").id == "fitting/scaling_fits"
    with pytest.raises(BookError, match=r"unknown notebook 'fitting/scaling_fit'.*did you mean fitting/scaling_fits"):
        book.find("fitting/scaling_fit")


# ----------------------------------------------------------------------------------------------------- parameters
def test_parameters_are_parsed_as_literals(tmp_path):
    nb = make_nb(tmp_path, "ch/a", PARAMS)
    assert nb.parameters == {"profile": "quick", "seed": 0, "n": 3, "x": 0.5, "name": "abc", "flag": False,
                             "sizes": [1.0, 2.0]}


@pytest.mark.parametrize("cell, match", [
    ("n = 2 * 3\n", r"parameter 'n'.*not a literal"),
    ("import os\n", "only `name = literal`"),
    ("a, b = 1, 2\n", "expected `name = literal`"),
])
def test_bad_parameters_cell(tmp_path, cell, match):
    with pytest.raises(ParameterError, match=match):
        make_nb(tmp_path, "ch/b", '\n# %% tags=["parameters"]\n' + cell)


def test_missing_parameters_cell(tmp_path):
    with pytest.raises(ParameterError, match="no cell tagged parameters"):
        make_nb(tmp_path, "ch/c", "\n# %%\nx = 1\n")


@pytest.mark.parametrize("name, raw, value", [
    ("n", "7", 7), ("n", "1e3", 1000), ("x", "3", 3.0), ("x", "1e-4", 1e-4), ("name", "xyz", "xyz"),
    ("flag", "true", True), ("flag", "0", False), ("sizes", "[1, 2.5]", [1.0, 2.5]), ("seed", "3", 3),
])
def test_cli_values_are_converted(tmp_path, name, raw, value):
    nb = make_nb(tmp_path, "ch/a", PARAMS)
    got = book.parse_cli_value(nb, name, raw)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize("name, raw, match", [
    ("n", "2.5", r"'n' of notebook 'ch/a' expects int \(default 3\), got float 2.5"),
    ("n", "many", r"'n' of notebook 'ch/a' expects int"),
    ("x", "abc", r"'x' of notebook 'ch/a' expects float"),
    ("flag", "maybe", r"'flag' of notebook 'ch/a' expects bool"),
    ("sizes", "3", r"'sizes' of notebook 'ch/a' expects list"),
    ("nn", "3", r"notebook 'ch/a' has no parameter 'nn' \(did you mean 'n'\?\); it declares: profile \(str\)"),
])
def test_cli_values_rejected_with_a_clear_message(tmp_path, name, raw, match):
    nb = make_nb(tmp_path, "ch/a", PARAMS)
    with pytest.raises(ParameterError, match=match):
        book.parse_cli_value(nb, name, raw)


def test_profile_cannot_be_set_with_p(tmp_path):
    nb = make_nb(tmp_path, "ch/a", PARAMS)
    with pytest.raises(ParameterError, match="--profile"):
        book.resolve_parameters(nb, profiles.load("tiny"), {"profile": "quick"})


# ------------------------------------------------------------------------------------------------- run key, cells
def test_run_key_covers_text_parameters_profile_and_code(tmp_path):
    nb = make_nb(tmp_path, "ch/a", PARAMS)
    p = dict(nb.parameters)
    k = book.run_key(nb, p, "tiny", code="c1")
    assert book.run_key(nb, dict(p), "tiny", code="c1") == k
    assert book.run_key(nb, dict(p, n=4), "tiny", code="c1") != k
    assert book.run_key(nb, p, "quick", code="c1") != k
    assert book.run_key(nb, p, "tiny", code="c2") != k
    nb2 = make_nb(tmp_path, "ch/a", PARAMS + "\n# %%\nprint(1)\n")
    assert book.run_key(nb2, p, "tiny", code="c1") != k


def test_src_version_changes_with_any_src_file(tmp_path, monkeypatch):
    import hepscaling
    v = book.src_version()
    assert v == book.src_version()
    pkg = tmp_path / "hepscaling"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("x = 1\n")
    monkeypatch.setattr(hepscaling, "__file__", str(pkg / "__init__.py"))
    v1 = book.src_version()
    (pkg / "__init__.py").write_text("x = 2\n")
    assert book.src_version() != v1 != v


def test_prepare_inserts_context_after_parameters_and_footer_last(tmp_path):
    nb = make_nb(tmp_path, "ch/a", PARAMS + "\n# %%\nprint(n)\n")
    node = book.prepare(nb, dict(nb.parameters, n=9), tmp_path / "out" / "a", "tiny")
    tags = [c.metadata.get("tags", []) for c in node.cells]
    i = next(i for i, t in enumerate(tags) if "parameters" in t)
    assert "injected-parameters" in tags[i + 1] and "n = 9" in node.cells[i + 1].source   # papermill's cell
    assert book.CONTEXT_TAG in tags[i + 2] and "remove-cell" in tags[i + 2]                  # then the context
    assert "output_stem=" in node.cells[i + 2].source and "'n': 9" in node.cells[i + 2].source
    assert book.FOOTER_TAG in tags[-1] and "remove-input" in tags[-1]
    assert node.cells[0].cell_type == "markdown"          # the YAML header is metadata, not a raw cell
    assert node.metadata["hepscaling"]["status"] == "reproduced"


# ----------------------------------------------------------------------------------------------- execution
FAILING = PARAMS + textwrap.dedent('''
    # %%
    y = n + 1

    # %%
    raise ValueError(f"bad value {y}")
    ''')

GOOD = PARAMS + textwrap.dedent('''
    # %%
    import json, os
    from hepscaling.record import record
    record("n_squared", n * n, lo=0, hi=1000)
    json.dump({"cwd": os.getcwd()}, open("where.json", "w"))
    ''')


def test_failing_notebook_reports_cell_line_and_error(tmp_path):
    nb = make_nb(tmp_path / "nbs", "ch/fail", FAILING)
    res = book.execute(nb, nb.parameters, tmp_path / "out", "tiny")
    assert not res.ok
    assert "notebook ch/fail" in res.error and "failed in cell 4" in res.error
    lines = nb.text.splitlines()
    line = int(res.error.split("(line ")[1].split()[0])
    assert lines[line - 1].startswith("# %%") and lines[line].startswith("raise ValueError")
    assert "ValueError: bad value 4" in res.error
    assert res.output.is_file()


def test_execute_all_skips_unchanged_and_reruns_on_change(tmp_path):
    nb = make_nb(tmp_path / "nbs", "ch/good", GOOD)
    out_root = tmp_path / "book"
    _, r1 = book.execute_all("tiny", out_root, notebooks=[nb], log=lambda *_: None)
    assert r1[0].ok and not r1[0].skipped, r1[0].error
    out = out_root / "ch"
    assert json.loads((out / "where.json").read_text())["cwd"] == str(out)        # cwd = output folder
    results = json.loads((out / "good.results.json").read_text())
    assert results["n_squared"]["value"] == 9.0
    prov = json.loads((out / "good.provenance.json").read_text())
    assert prov["profile"] == "tiny" and prov["parameters"]["n"] == 3 and prov["notebook"] == "ch/good"
    executed = json.loads((out / "good.ipynb").read_text())
    assert any("Provenance" in json.dumps(c.get("outputs", [])) for c in executed["cells"])
    _, r2 = book.execute_all("tiny", out_root, notebooks=[nb], log=lambda *_: None)
    assert r2[0].skipped                                                            # unchanged: skipped
    _, r3 = book.execute_all("quick", out_root, notebooks=[nb], log=lambda *_: None)
    assert r3[0].ok and not r3[0].skipped                                           # other profile: rerun


# --------------------------------------------------------------------------------------------- pages and toc
def test_intro_page_status_table(tmp_path):
    a = make_nb(tmp_path, "A_jet_classification/fig2", PARAMS, title="Fig 2 page", paper="A",
                reproduces="Fig. 2, Table 1", status="partly")
    b = make_nb(tmp_path, "A_jet_classification/fig9", PARAMS, title="bogus", paper="A", reproduces="Fig. 9",
                status="not yet")
    papers = book.load_paper_figures()
    text = book.intro_page([a, b], "tiny", papers)
    row = next(line for line in text.splitlines() if line.startswith("| Fig. 2 |"))
    assert "partly" in row and "synthetic" in row
    assert next(line for line in text.splitlines() if line.startswith("| Table 1 |")).count("partly") == 1
    assert "| Fig. 1 |" in text and "no notebook yet" in text
    not_yet = text.split("## Not yet covered")[1]
    assert "**Paper A**: Fig. 1, Fig. 3" in not_yet and "Fig. 2," not in not_yet.split("**Paper B**")[0]
    assert "fig9" in text and "does not list" in text                  # unknown item flagged, not dropped
    assert "**`tiny`** profile" in text


def test_toc_orders_chapters_and_lists_executed_notebooks(tmp_path, monkeypatch):
    monkeypatch.setattr(book, "_executed", lambda nb: True)
    nbs = [make_nb(tmp_path, i, PARAMS) for i in
           ("B_amplitude_surrogates/x", "fitting/scaling_fits", "A_jet_classification/y", "zz_extra/z")]
    nbs.sort(key=lambda nb: book._chapter_rank(nb.chapter))
    import yaml
    toc = yaml.safe_load(book.toc(nbs))
    assert toc["format"] == "jb-book" and toc["root"] == "intro"
    chapters = [c["file"] for c in toc["parts"][0]["chapters"]]
    assert chapters == ["notebooks/fitting/index", "notebooks/A_jet_classification/index",
                        "notebooks/B_amplitude_surrogates/index", "notebooks/zz_extra/index"]
    assert toc["parts"][0]["chapters"][0]["sections"] == [{"file": "notebooks/fitting/scaling_fits"}]


def test_reference_comparison():
    ref = {"ch/a": {"x": {"value": 1.0}, "y": {"value": 2.0, "rtol": 0.1}, "s": {"value": "ok"}}}
    good = {"x": {"value": 1.0000001}, "y": {"value": 2.15}, "s": {"value": "ok"}}
    assert book.compare_to_reference("ch/a", good, ref) == []
    bad = {"x": {"value": 1.01}, "y": {"value": 2.5}, "s": {"value": "no"}, "new": {"value": 1}}
    msgs = book.compare_to_reference("ch/a", bad, ref)
    assert len(msgs) == 4 and any("'new' is recorded but has no reference" in m for m in msgs)
    assert "references --update" in book.compare_to_reference("ch/b", good, ref)[0]
    ref["ch/a"]["x"]["compare"] = False                       # machine-dependent numbers are not compared
    assert len(book.compare_to_reference("ch/a", bad, ref)) == 3


def test_record_sidecar_accepts_numpy_scalars(tmp_path, monkeypatch):
    """Notebooks pass numpy numbers as values and bounds (e.g. hi=T from an array); the sidecar must still be JSON."""
    import numpy as np

    from hepscaling import provenance, record
    monkeypatch.setitem(provenance._context, "output_stem", str(tmp_path / "nb"))
    record.record("k_best", np.int64(7), lo=np.int64(1), hi=np.float32(400.0), note="demo")
    data = json.loads((tmp_path / "nb.results.json").read_text())
    assert data["k_best"] == {"value": 7.0, "lo": 1.0, "hi": 400.0, "note": "demo"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nb.results.json"]
    with pytest.raises(record.RecordError, match="bound hi must be a number"):
        record.record("bad", 1.0, hi="a lot")
