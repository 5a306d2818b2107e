"""Profiles: the three shipped ones load and fit every notebook; precedence defaults < profile < -p; bad files."""
import copy
import json
import textwrap
from pathlib import Path

import pytest

from hepscaling import book, profiles
from hepscaling.profiles import ProfileError

NOTEBOOK = textwrap.dedent('''\
    # ---
    # jupyter:
    #   kernelspec: {display_name: Python 3, language: python, name: python3}
    # hepscaling:
    #   title: "demo"
    #   paper: "-"
    #   reproduces: "-"
    #   data: "none"
    # ---

    # %% tags=["parameters"]
    profile = "quick"
    seed = 0
    T_max = 1000
    lr = 0.001
    ''')


@pytest.fixture
def demo_nb(tmp_path):
    root = tmp_path / "notebooks"
    (root / "demo").mkdir(parents=True)
    p = root / "demo" / "nb.py"
    p.write_text(NOTEBOOK)
    return book.load_notebook(p, root)


def _profile_file(tmp_path, text, name="mine"):
    p = tmp_path / f"{name}.yaml"
    p.write_text(textwrap.dedent(text))
    return str(p)


def test_shipped_profiles_load():
    assert {"tiny", "quick", "paper"} <= set(profiles.available())
    for name in ("tiny", "quick", "paper"):
        prof = profiles.load(name)
        assert prof["name"] == name and prof["description"].strip()
        assert isinstance(prof["defaults"], dict) and isinstance(prof["notebooks"], dict)


@pytest.mark.parametrize("name", ["tiny", "quick", "paper"])
def test_every_profile_fits_every_notebook(name):
    """Every per-notebook entry names an existing notebook and declared parameters of the right type."""
    prof = profiles.load(name)
    nbs = {nb.id: nb for nb in book.inventory()}
    unknown = sorted(set(prof["notebooks"]) - set(nbs))
    assert not unknown, f"profile {name} sets parameters for notebooks that do not exist: {unknown}"
    for nb in nbs.values():
        params = book.resolve_parameters(nb, prof)          # raises ParameterError with the culprit named
        assert params["profile"] == name
        assert set(params) == set(nb.parameters)


def test_precedence_defaults_profile_cli(tmp_path, demo_nb):
    prof = profiles.load(_profile_file(tmp_path, """
        description: test
        defaults: {seed: 5, T_max: 2000, not_declared_here: 1}
        notebooks:
          demo/nb: {T_max: 3000}
        """))
    p = book.resolve_parameters(demo_nb, prof)
    mine = str((tmp_path / "mine.yaml").resolve())     # a file outside profiles/: its absolute path
    assert p == {"profile": mine, "seed": 5, "T_max": 3000, "lr": 0.001}
    p = book.resolve_parameters(demo_nb, prof, {"T_max": "1e5", "lr": "1"})
    assert p["T_max"] == 100000 and isinstance(p["T_max"], int)
    assert p["lr"] == 1.0 and isinstance(p["lr"], float)


def test_unknown_profile_names_the_choices():
    with pytest.raises(ProfileError, match=r"unknown profile 'nope'.*'paper'.*'quick'.*'tiny'"):
        profiles.load("nope")


@pytest.mark.parametrize("text, match", [
    ("defaults: [1, 2\n", "not valid YAML"),
    ("- just\n- a list\n", "expected a mapping"),
    ("defaults: {}\nnotebook: {}\n", r"unknown top-level keys \['notebook'\]"),
    ("defaults: {}\nnotebook: {}\n", "expected 'description', 'extends', 'defaults', 'notebooks', 'papers'"),
    ("defaults: [1, 2]\n", "'defaults' must be a mapping, got list"),
    ("papers: [jet_classification]\n", "'papers' must be a mapping"),
    ("papers:\n  jet_classification: 30000\n", "papers.jet_classification must be a mapping"),
    ("extends: no_such_profile\n", r"unknown profile 'no_such_profile' \(`extends` in .*mine.yaml\)"),
    ("extends: ../nowhere/base.yaml\n", r"`extends: ../nowhere/base.yaml` names no file"),
    ("extends: 3\n", "`extends` must be a profile name or the path of a YAML file"),
])
def test_bad_profile_files(tmp_path, text, match):
    with pytest.raises(ProfileError, match=match):
        profiles.load(_profile_file(tmp_path, text))


def test_profile_typo_for_a_notebook_is_an_error(tmp_path, demo_nb):
    prof = profiles.load(_profile_file(tmp_path, "notebooks:\n  demo/nb: {T_mx: 5}\n"))
    with pytest.raises(book.ParameterError, match=r"sets \['T_mx'\] for notebook 'demo/nb'"):
        book.resolve_parameters(demo_nb, prof)


def test_profile_value_of_wrong_type(tmp_path, demo_nb):
    prof = profiles.load(_profile_file(tmp_path, "notebooks:\n  demo/nb: {T_max: 2.5}\n"))
    with pytest.raises(book.ParameterError, match=r"profile 'mine'.*'T_max'.*expects int.*got float 2.5"):
        book.resolve_parameters(demo_nb, prof)


# ----------------------------------------------------------------------------------------------------- extends
def test_extends_deep_merges_over_a_shipped_profile(tmp_path, demo_nb):
    tiny = profiles.load("tiny")
    prof = profiles.load(_profile_file(tmp_path, """
        extends: tiny
        defaults: {n_train: 999, T_max: 2000}
        notebooks:
          A_jet_classification/fig6_hyperparameters: {R_values: [0.5]}
        papers:
          jet_classification: {n_train: 100, sizes: [1, 2]}
        """))
    assert prof["name"] == "mine" and prof["description"] == tiny["description"]     # inherited
    assert prof["defaults"] == dict(tiny["defaults"], n_train=999, T_max=2000)           # merged key by key
    fig6 = "A_jet_classification/fig6_hyperparameters"
    assert prof["notebooks"][fig6] == dict(tiny["notebooks"][fig6], R_values=[0.5])    # list replaced, rest kept
    assert prof["notebooks"]["A_jet_classification/fig7_knn_k"] == tiny["notebooks"]["A_jet_classification/fig7_knn_k"]
    expected = copy.deepcopy(tiny["papers"])                                        # whatever tiny configures,
    expected["jet_classification"] = dict(expected.get("jet_classification", {}), n_train=100, sizes=[1, 2])
    assert prof["papers"] == expected                                                # ... merged key by key
    assert "extends" not in prof
    assert book.resolve_parameters(demo_nb, prof)["T_max"] == 2000


def test_extends_a_path_relative_to_the_file_and_chains(tmp_path):
    (tmp_path / "base").mkdir()
    (tmp_path / "sub").mkdir()
    _profile_file(tmp_path / "base", """
        description: base
        defaults: {seed: 1, n_train: 10}
        papers:
          jet_classification: {n_train: 10, n_val: 5, lrs: [0.1, 0.01]}
          amplitudes: {n_points: 3}
        """, name="b")
    _profile_file(tmp_path / "sub", """
        extends: ../base/b.yaml
        defaults: {n_train: 20}
        papers:
          jet_classification: {n_val: 6, lrs: [0.5]}
        """, name="middle")
    top = _profile_file(tmp_path / "sub", """
        extends: middle.yaml
        papers:
          amplitudes: {n_points: 4}
        """, name="top")
    prof = profiles.load(top)
    assert prof["description"] == "base" and prof["defaults"] == {"seed": 1, "n_train": 20}
    assert prof["papers"] == {"jet_classification": {"n_train": 10, "n_val": 6, "lrs": [0.5]},
                              "amplitudes": {"n_points": 4}}


def test_extends_cycle_is_an_error_naming_the_files(tmp_path):
    a = _profile_file(tmp_path, "extends: b.yaml\n", name="a")
    _profile_file(tmp_path, "extends: ./a.yaml\n", name="b")
    with pytest.raises(ProfileError, match="cycle") as e:
        profiles.load(a)
    msg = str(e.value)
    assert str(tmp_path.resolve() / "a.yaml") in msg and str(tmp_path.resolve() / "b.yaml") in msg
    self_ref = _profile_file(tmp_path, "extends: self.yaml\n", name="self")
    with pytest.raises(ProfileError, match="cycle"):
        profiles.load(self_ref)


def test_unknown_key_in_a_base_profile_names_that_file(tmp_path):
    _profile_file(tmp_path, "defaults: {}\nnotebookz: {}\n", name="base")
    mine = _profile_file(tmp_path, "extends: base.yaml\n")
    with pytest.raises(ProfileError, match=r"base.yaml: unknown top-level keys \['notebookz'\]; expected 'desc"):
        profiles.load(mine)


# ---------------------------------------------------------------------------------------- reference, papers, hash
@pytest.mark.parametrize("name", ["tiny", "quick", "paper"])
def test_reference_of_a_shipped_profile_is_its_name(name):
    prof = profiles.load(name)
    assert profiles.reference(prof) == name
    assert Path(prof["path"]).is_absolute()
    assert profiles.load(profiles.reference(prof)) == prof


def test_reference_of_a_custom_file_is_its_absolute_path(tmp_path, monkeypatch):
    (tmp_path / "cfg").mkdir()
    _profile_file(tmp_path / "cfg", "extends: tiny\npapers:\n  demo: {n: 1}\n")
    monkeypatch.chdir(tmp_path)
    prof = profiles.load("cfg/mine.yaml")                          # relative to the working directory
    ref = profiles.reference(prof)
    assert ref == str((tmp_path / "cfg" / "mine.yaml").resolve()) and Path(ref).is_absolute()
    assert prof["path"] == ref
    monkeypatch.chdir(tmp_path / "cfg")                             # as a notebook, from another folder
    assert profiles.load(ref) == prof
    params = profiles.parameters_for(prof, "demo/nb", {"profile": "quick", "seed": 0})
    assert params["profile"] == ref


def test_paper_config_present_and_missing(tmp_path):
    path = _profile_file(tmp_path, """
        description: standalone
        papers:
          jet_classification: {n_train: 30000, classifiers: [knn, lr]}
        """)
    prof = profiles.load(path)
    conf = profiles.paper_config(prof, "jet_classification")
    assert conf == {"n_train": 30000, "classifiers": ["knn", "lr"]}
    conf["classifiers"].append("dnn")                                # a deep copy: the profile is unchanged
    assert prof["papers"]["jet_classification"]["classifiers"] == ["knn", "lr"]
    assert profiles.paper_config(profiles.reference(prof), "jet_classification")["n_train"] == 30000   # by path
    with pytest.raises(ProfileError) as e:
        profiles.paper_config(prof, "amplitude_surrogates")
    msg = str(e.value)
    assert str(Path(path).resolve()) in msg and "`papers.amplitude_surrogates`" in msg and "extends: quick" in msg


def test_content_hash_follows_the_content(tmp_path):
    path = _profile_file(tmp_path, "extends: tiny\npapers:\n  demo: {n: 1}\n")
    h = profiles.content_hash(profiles.load(path))
    assert len(h) == 64 and h == profiles.content_hash(profiles.load(path))
    assert h != profiles.content_hash(profiles.load("tiny"))
    prof = profiles.load(path)
    assert profiles.content_hash(dict(prof, path="/elsewhere/mine.yaml")) == h      # the path does not count
    Path(path).write_text("extends: tiny\npapers:\n  demo: {n: 2}\n")
    assert profiles.content_hash(profiles.load(path)) != h
    Path(path).write_text("papers:\n  demo: {n: 1}\nextends: tiny\n")              # same content, other order
    assert profiles.content_hash(profiles.load(path)) == h
    assert json.loads(json.dumps(prof)) == prof                                    # the profile is plain data
