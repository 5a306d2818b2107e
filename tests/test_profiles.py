"""Profiles: the three shipped ones load and fit every notebook; precedence defaults < profile < -p; bad files."""
import textwrap

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
    #   status: reproduced
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
    assert p == {"profile": "mine", "seed": 5, "T_max": 3000, "lr": 0.001}
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
