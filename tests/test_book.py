"""The book builder: inventory and metadata, parameter parsing, run keys, runner cells, failures, pages and toc."""
import json
import textwrap

import pytest

from hepscaling import book, profiles
from hepscaling.book import BookError, ParameterError, execution, pages

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
    #   data: "synthetic"
    # ---
    ''')


def make_nb(root, nb_id, body, title="t", paper="-", reproduces="-"):
    p = root / f"{nb_id}.py"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(HEADER.format(title=title, paper=paper, reproduces=reproduces) + body)
    return book.load_notebook(p, root)


def make_index(root, chapter, title=None, order=None, text="Some words.\n"):
    """``<root>/<chapter>/index.md`` with optional ``order`` front matter and ``# title`` heading."""
    front = f"---\norder: {order}\n---\n" if order is not None else ""
    head = f"# {title}\n\n" if title else ""
    p = root / chapter / "index.md"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(front + head + text)
    return p


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
    order = book.chapter_order()
    ranks = [order.index(nb.chapter) for nb in nbs]
    assert ranks == sorted(ranks), "notebooks are not in chapter order"


def test_chapters_of_the_repository_have_index_pages_in_order():
    assert book.check_chapters() == []                 # every chapter has an index.md with order and title
    chs = book.chapters()
    assert [c.name for c in chs][:5] == ["fitting", "data_jets", "features", "A_jet_classification",
                                         "B_amplitude_surrogates"]
    assert [c.order for c in chs][:5] == [10, 20, 30, 40, 50]
    assert chs[0].title == "Fitting scaling laws" and chs[3].title.startswith("Paper A")
    assert all(c.index is not None and not c.body.startswith("---") for c in chs)


@pytest.mark.parametrize("nb", book.inventory(), ids=lambda nb: nb.id)
def test_notebook_metadata_is_complete(nb):
    assert nb.check_meta() == []
    papers = book.load_papers()
    if nb.paper != "-":
        assert nb.paper in papers, f"{nb.id}: paper {nb.paper!r} has no src/hepscaling/papers/*/paper.yaml"
        known = set(papers[nb.paper].item_ids)
        assert set(nb.items()) <= known, f"{nb.id}: {sorted(set(nb.items()) - known)} not in paper {nb.paper}"


def test_a_typed_status_is_refused(tmp_path):
    nb = make_nb(tmp_path, "ch/x", PARAMS)
    p = nb.path
    p.write_text(p.read_text().replace('#   data: "synthetic"', '#   data: "synthetic"\n#   status: reproduced'))
    (problem,) = book.load_notebook(p, tmp_path).check_meta()
    assert "remove `status:`" in problem and "computed from the claims" in problem


def test_papers_list_every_item_of_the_papers():
    papers = book.load_papers()
    ids = {k: p.item_ids for k, p in papers.items()}
    assert sorted(ids) == ["A", "B", "C", "D", "E"]
    assert set(ids["A"]) == {f"Fig. {i}" for i in range(1, 8)} | {"Table 1"}
    assert set(ids["B"]) == {f"Fig. {i}" for i in range(1, 21)} | {f"Table {i}" for i in range(1, 16)}
    assert set(ids["C"]) == {f"Fig. {i}" for i in range(1, 5)} | {"Table 1", "Table 2"}
    assert {"Compute frontier", "Repetition", "Features", "Multiplicity"} <= set(ids["D"])
    assert {"GA toy", "GA MI", "SHAPER observables", "Moments AUC", "Moments latent"} <= set(ids["E"])
    # every figure and table of paper A has at least one claim the pages test
    assert all(papers["A"].claims_of(i) for i in ids["A"])


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


def test_named_items_of_papers_without_numbered_figures(tmp_path):
    """Paper E's items are named ("GA toy"): a page reproduces them by name, ";"-separated or as a YAML list; free
    text that names no item of the paper (a section, "§2") gives none."""
    for text, items in (('"GA toy; GA MI"', ["GA toy", "GA MI"]), ('["GA prior"]', ["GA prior"]),
                        ('"§2 of the talk"', [])):
        nb = make_nb(tmp_path, "ch/x", PARAMS, paper="E")
        nb.path.write_text(nb.path.read_text().replace('#   reproduces: "-"', f"#   reproduces: {text}"))
        assert book.load_notebook(nb.path, tmp_path).items() == items, text


def test_find_by_id_name_and_suggestion():
    assert book.find("fitting/scaling_fits").id == "fitting/scaling_fits"
    assert book.find("notebooks/fitting/scaling_fits.py").id == "fitting/scaling_fits"
    assert book.find("scaling_fits").id == "fitting/scaling_fits"
    with pytest.raises(BookError, match=r"unknown notebook 'fitting/scaling_fit'.*did you mean fitting/scaling_fits"):
        book.find("fitting/scaling_fit")


# -------------------------------------------------------------------------------------------------------- chapters
def test_chapter_order_comes_from_index_front_matter(tmp_path):
    for nb_id in ("alpha/a", "beta/b", "gamma/c", "delta/d", "omega/o"):
        make_nb(tmp_path, nb_id, PARAMS)
    make_index(tmp_path, "gamma", "Gamma first", order=5)
    make_index(tmp_path, "alpha", "Alpha", order=30)
    make_index(tmp_path, "beta", "Beta", order=12)
    make_index(tmp_path, "omega", "Omega, no order")             # an index.md without front matter
    # delta has no index.md: still a chapter (after the ordered ones, by folder name), reported by check_chapters
    assert book.chapter_order(tmp_path) == ["gamma", "beta", "alpha", "delta", "omega"]
    assert [nb.id for nb in book.inventory(tmp_path)] == ["gamma/c", "beta/b", "alpha/a", "delta/d", "omega/o"]
    assert book.chapter_title("gamma", tmp_path) == "Gamma first"
    assert book.chapter_title("delta", tmp_path) == "delta"
    problems = book.check_chapters(tmp_path)
    assert len(problems) == 1 and "delta" in problems[0] and "without index.md" in problems[0], problems
    make_index(tmp_path, "delta", "Delta", order=1)
    assert book.chapter_order(tmp_path)[0] == "delta" and book.check_chapters(tmp_path) == []


@pytest.mark.parametrize("text, match", [
    ("---\norder: ten\n---\n# T\n", "`order` must be an integer, got 'ten'"),
    ("---\norder: [1\n---\n# T\n", "front matter is not valid YAML"),
    ("---\norder: 1\n# T\n", "never closed"),
    ("---\nordr: 1\n---\n# T\n", r"unknown front-matter keys \['ordr'\]"),
    ("---\norder: 1\n---\nno heading here\n", r"no `# Title` heading"),
])
def test_bad_chapter_index_is_reported_not_raised(tmp_path, text, match):
    make_nb(tmp_path, "ch/a", PARAMS)
    make_nb(tmp_path, "zz/b", PARAMS)
    make_index(tmp_path, "zz", "Last", order=99)
    (tmp_path / "ch" / "index.md").write_text(text)
    problems = book.check_chapters(tmp_path)
    assert len(problems) == 1 and "ch/index.md" in problems[0], problems
    assert __import__("re").search(match, problems[0]), problems[0]
    assert [nb.id for nb in book.inventory(tmp_path)]             # the inventory still loads


def test_two_chapters_with_the_same_order_are_reported(tmp_path):
    for ch in ("a", "b"):
        make_nb(tmp_path, f"{ch}/x", PARAMS)
        make_index(tmp_path, ch, ch.upper(), order=10)
    (problem,) = book.check_chapters(tmp_path)
    assert "order 10 is also the order of chapter 'a'" in problem and "b/index.md" in problem


def test_written_chapter_page_has_no_front_matter(tmp_path, monkeypatch):
    import yaml
    tiny = profiles.load("tiny")
    monkeypatch.setenv("HEPSCALING_ROOT", str(tmp_path))          # book/ and notebooks/ under tmp_path
    (tmp_path / "book").mkdir()
    root = tmp_path / "notebooks"
    make_nb(root, "later/x", PARAMS, title="Later page")
    make_nb(root, "first/y", PARAMS, title="First page")
    src = make_index(root, "first", "First chapter", order=10, text="Intro text.\n")
    make_index(root, "later", "Later chapter", order=20)
    monkeypatch.setattr(pages, "_executed", lambda nb: True)
    book.write_pages(book.inventory(), tiny)
    page = (tmp_path / "book" / "notebooks" / "first" / "index.md").read_text()
    assert page.startswith("# First chapter\n\nIntro text.\n") and "order: 10" not in page
    assert "| {doc}`First page <y>` |" in page
    assert src.read_text().startswith("---\norder: 10\n---\n")        # the source keeps its front matter
    toc = yaml.safe_load((tmp_path / "book" / "_toc.yml").read_text())
    assert [c["file"] for c in toc["parts"][0]["chapters"]] == ["notebooks/first/index", "notebooks/later/index"]
    intro = (tmp_path / "book" / "intro.md").read_text()
    chapters = intro.split("## Chapters")[1]
    assert chapters.index("First chapter") < chapters.index("Later chapter")
    assert "**`tiny`** profile" in intro


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
    tiny = profiles.load("tiny")
    k = book.run_key(nb, p, tiny, code="c1")
    assert book.run_key(nb, dict(p), profiles.load("tiny"), code="c1") == k      # nothing changed: same key
    assert book.run_key(nb, dict(p, n=4), tiny, code="c1") != k
    assert book.run_key(nb, p, profiles.load("quick"), code="c1") != k
    assert book.run_key(nb, p, tiny, code="c2") != k
    nb2 = make_nb(tmp_path, "ch/a", PARAMS + "\n# %%\nprint(1)\n")
    assert book.run_key(nb2, p, tiny, code="c1") != k


def test_run_key_follows_the_profile_content(tmp_path):
    """Editing a profile's `papers` section (which no notebook parameter reads) changes every run key; another
    notebook's entry or the description does not."""
    nb = make_nb(tmp_path / "nbs", "ch/a", PARAMS)
    f = tmp_path / "mine.yaml"
    f.write_text("extends: tiny\npapers:\n  demo: {n_train: 100}\n")
    prof = profiles.load(f)
    params = book.resolve_parameters(nb, prof)
    k = book.run_key(nb, params, prof, code="c")
    f.write_text("extends: tiny\npapers:\n  demo: {n_train: 100}\n")             # rewritten, same content
    assert book.run_key(nb, book.resolve_parameters(nb, profiles.load(f)), profiles.load(f), code="c") == k
    f.write_text("extends: tiny\npapers:\n  demo: {n_train: 200}\n")             # edited papers section
    prof2 = profiles.load(f)
    params2 = book.resolve_parameters(nb, prof2)
    assert params2 == params                                   # the notebook's parameters did not change ...
    assert book.run_key(nb, params2, prof2, code="c") != k      # ... but its run key did
    k2 = book.run_key(nb, params2, prof2, code="c")
    f.write_text("description: words\nextends: tiny\nnotebooks:\n  other/page: {n: 5}\npapers:\n  demo: {n_train: 200}\n")
    prof3 = profiles.load(f)                                   # another notebook's entry, a description: no rerun
    assert book.run_key(nb, book.resolve_parameters(nb, prof3), prof3, code="c") == k2


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
    assert node.metadata["hepscaling"]["data"] == "synthetic"


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


def test_execute_all_skips_unchanged_and_reruns_on_change(tmp_path, monkeypatch):
    monkeypatch.setattr(execution, "src_version", lambda: "code")   # immune to edits of src/ during the test
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
    tiny = profiles.load("tiny")
    stamp = json.loads((out / "good.stamp.json").read_text())
    assert stamp["key"] == book.run_key(nb, book.resolve_parameters(nb, tiny), tiny)
    assert stamp["profile"] == "tiny" and stamp["parameters"]["n"] == 3
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]         # no temporary files left
    _, r2 = book.execute_all("tiny", out_root, notebooks=[nb], log=lambda *_: None)
    assert r2[0].skipped                                                            # unchanged: skipped
    _, r3 = book.execute_all("quick", out_root, notebooks=[nb], log=lambda *_: None)
    assert r3[0].ok and not r3[0].skipped                                           # other profile: rerun


def test_stamps_are_written_atomically(tmp_path, monkeypatch):
    import os
    nb = make_nb(tmp_path / "nbs", "ch/a", PARAMS)
    out = tmp_path / "out"
    prof = profiles.load("tiny")
    params = book.resolve_parameters(nb, prof)
    path = book.write_stamp(out, nb, "key-1", prof, params, seconds=1.5)
    data = json.loads(path.read_text())
    assert data == {"key": "key-1", "profile": "tiny", "profile_path": prof["path"], "parameters": params,
                    "seconds": 1.5}
    assert book.is_up_to_date(nb, "key-1", out) is False                  # no executed notebook yet
    (out / "a.ipynb").write_text("{}")
    assert book.is_up_to_date(nb, "key-1", out) and not book.is_up_to_date(nb, "key-2", out)

    def interrupted(*args):                                               # the rename never happens
        raise OSError("interrupted")
    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(OSError, match="interrupted"):
        book.write_stamp(out, nb, "key-2", prof, params)
    monkeypatch.undo()
    assert json.loads(path.read_text())["key"] == "key-1"                 # the old stamp is intact ...
    assert sorted(p.name for p in out.iterdir()) == ["a.ipynb", "a.stamp.json"]   # ... and no temporary file left


PROFILED = PARAMS + textwrap.dedent('''
    # %%
    import json
    from hepscaling import profiles
    from hepscaling.record import record
    record("paper_n", profiles.paper_config(profile, "demo")["n"], lo=0, hi=100)
    json.dump({"profile": profile, "path": profiles.load(profile)["path"]}, open("profile_seen.json", "w"))
    ''')


def test_custom_profile_file_reaches_the_kernel_as_an_absolute_path(tmp_path, monkeypatch):
    """A profile file outside profiles/, given relative to the caller's cwd, still resolves inside the kernel (which
    runs in the output folder); editing it re-executes, an unchanged rebuild skips."""
    monkeypatch.setattr(execution, "src_version", lambda: "code")   # skip or rerun: only the profile may decide
    nb = make_nb(tmp_path / "nbs", "ch/prof", PROFILED)
    work = (tmp_path / "work").resolve()
    work.mkdir()
    monkeypatch.chdir(work)
    mine = work / "mine.yaml"
    mine.write_text("extends: tiny\nnotebooks:\n  ch/prof: {n: 5}\npapers:\n  demo: {n: 7}\n")
    out = tmp_path / "book" / "ch"
    quiet = lambda *_: None                                                # noqa: E731
    _, (r1,) = book.execute_all("mine.yaml", tmp_path / "book", notebooks=[nb], log=quiet)
    assert r1.ok and not r1.skipped, r1.error
    assert json.loads((out / "profile_seen.json").read_text()) == {"profile": str(mine), "path": str(mine)}
    assert json.loads((out / "prof.results.json").read_text())["paper_n"]["value"] == 7
    prov = json.loads((out / "prof.provenance.json").read_text())
    assert prov["profile"] == "mine" and prov["parameters"]["n"] == 5 and prov["parameters"]["profile"] == str(mine)
    _, (r2,) = book.execute_all(str(mine), tmp_path / "book", notebooks=[nb], log=quiet)
    assert r2.skipped                                                      # same profile by another path: skipped
    mine.write_text(mine.read_text().replace("n: 7", "n: 8"))               # edit the papers section only
    _, (r3,) = book.execute_all("mine.yaml", tmp_path / "book", notebooks=[nb], log=quiet)
    assert r3.ok and not r3.skipped, r3.error
    assert json.loads((out / "prof.results.json").read_text())["paper_n"]["value"] == 8


# --------------------------------------------------------------------------------------------- pages and toc
def _sidecar(out_root, nb_id, verdicts: dict, dataset="substitute", sizes="reduced"):
    """A claims sidecar as ClaimSheet writes it, with the given {claim id: verdict}."""
    from hepscaling.papers import load
    paper = load("A")
    claims = [{"id": cid, "items": list(paper.claim(cid).items), "verdict": v, "reason": ""}
              for cid, v in verdicts.items()]
    p = out_root / f"{nb_id}.claims.json"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps({"paper": "A", "items": [], "claims": claims,
                             "data": {"text": "toy jets", "dataset": dataset, "sizes": sizes}}))


def test_intro_page_status_is_computed_from_the_claims(tmp_path):
    from hepscaling.papers import load
    out = tmp_path / "out"
    a = make_nb(tmp_path, "A_jet_classification/fig2", PARAMS, title="Fig 2 page", paper="A",
                reproduces="Fig. 2, Table 1")
    b = make_nb(tmp_path, "A_jet_classification/fig9", PARAMS, title="bogus", paper="A", reproduces="Fig. 9")
    t1 = [c.id for c in load("A").claims_of("Table 1")]
    _sidecar(out, a.id, {"fig2.all_slopes_positive": "reproduced", t1[0]: "reproduced", t1[1]: "differs"})

    def row(text, item):
        return next(line for line in text.splitlines() if line.startswith(f"| {item} |"))
    text = book.intro_page([a, b], "tiny", out_root=out)
    assert 'status-reproduced">reproduced (substitute data, reduced sizes)</span>: 1 of 1 claims reproduced' \
        in row(text, "Fig. 2")
    assert "toy jets" in row(text, "Fig. 2")
    assert f'status-partly">partly (substitute data, reduced sizes)</span>: 1 of {len(t1)} claims reproduced, 1 differ' \
        in row(text, "Table 1")
    assert "| Fig. 1 |" in text and "no notebook yet" in text
    not_yet = text.split("## Not yet covered")[1]
    assert "**Paper A**: Fig. 1, Fig. 3" in not_yet and "Fig. 2," not in not_yet.split("**Paper B**")[0]
    assert "fig9" in text and "does not list" in text                  # unknown item flagged, not dropped
    assert "**`tiny`** profile" in text
    # moving one number flips a verdict, and the landing page follows: the item now differs ...
    _sidecar(out, a.id, {"fig2.all_slopes_positive": "differs"})
    assert 'status-differs">differs (substitute data, reduced sizes)</span>: 0 of 1 claims reproduced, 1 differ' \
        in row(book.intro_page([a, b], "tiny", out_root=out), "Fig. 2")
    # ... and on the paper's own data at its sizes a fully reproduced item carries no qualifier
    _sidecar(out, a.id, {"fig2.all_slopes_positive": "reproduced"}, dataset="paper", sizes="paper")
    assert 'status-reproduced">reproduced</span>: 1 of 1' in row(book.intro_page([a, b], "tiny", out_root=out), "Fig. 2")
    # no page tested anything: not yet
    _sidecar(out, a.id, {})
    assert 'status-not-yet">not yet</span>: none of 1 claims tested' in row(book.intro_page([a, b], "tiny", out_root=out),
                                                                          "Fig. 2")


def test_toc_orders_chapters_and_lists_executed_notebooks(tmp_path, monkeypatch):
    monkeypatch.setattr(pages, "_executed", lambda nb: True)
    for i in ("B_amplitude_surrogates/x", "fitting/scaling_fits", "A_jet_classification/y", "zz_extra/z"):
        make_nb(tmp_path, i, PARAMS)
    make_index(tmp_path, "fitting", "Fitting", order=10)
    make_index(tmp_path, "A_jet_classification", "Paper A", order=40)
    make_index(tmp_path, "B_amplitude_surrogates", "Paper B", order=50)
    nbs = book.inventory(tmp_path)                            # zz_extra has no index.md: it comes last
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
