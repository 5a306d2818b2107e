"""Command line: bad input gives one clear message and exit code 2; `run` writes a new copy under runs/."""
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hepscaling import book, cli, profiles
from hepscaling.book import execution, files

REPO = Path(__file__).resolve().parents[1]
NB = "fitting/scaling_fits"


@pytest.mark.parametrize("argv, match", [
    (["run", "fitting/no_such_notebook"], "unknown notebook 'fitting/no_such_notebook'"),
    (["run", NB, "-p", "T_mx", "5"], "has no parameter 'T_mx'"),
    (["run", NB, "-p", "n_points", "2.5"], "parameter 'n_points' of notebook 'fitting/scaling_fits' expects int"),
    (["run", NB, "-p", "noise", "lots"], "parameter 'noise' of notebook 'fitting/scaling_fits' expects float"),
    (["run", NB, "-p", "seed", "1", "-p", "seed", "2"], "-p seed given twice"),
    (["run", NB, "--profile", "nope"], "unknown profile 'nope': expected one of ['paper', 'quick', 'tiny']"),
    (["book", "--profile", "nope", "--no-html"], "unknown profile 'nope'"),
    (["list", "--profile", "nope"], "unknown profile 'nope'"),
    (["references"], "needs --update"),
    (["cache", "prune"], "needs --max-size SIZE and/or --older-than DAYS"),
    (["cache", "prune", "--max-size", "5Q"], "expected a size like 5G"),
    (["cache", "prune", "--older-than", "-1"], "older_than_days must be >= 0"),
    (["cache", "--max-size", "1G"], "belong to `cache prune`"),
])
def test_bad_input_exits_2_with_one_message(argv, match, capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(files, "runs_dir", lambda: tmp_path / "runs")
    monkeypatch.setenv("HEPSCALING_CACHE", str(tmp_path / "cache"))
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert match in err, err
    assert err.count("error:") == 1 and "Traceback" not in err
    assert not (tmp_path / "runs").exists()                 # nothing was executed


def test_exit_code_of_the_real_command():
    proc = subprocess.run([sys.executable, "-m", "hepscaling", "run", NB, "-p", "x_max", "big"],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 2
    assert "parameter 'x_max' of notebook 'fitting/scaling_fits' expects float" in proc.stderr


def test_list(capsys):
    assert cli.main(["list", "--profile", "tiny"]) == 0
    out = capsys.readouterr().out
    assert NB in out and f"{len(book.inventory())} notebooks" in out


def test_run_writes_a_new_copy_and_leaves_the_book_alone(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(files, "runs_dir", lambda: tmp_path / "runs")
    book_copy = book.book_dir() / "notebooks" / f"{NB}.ipynb"
    before = book_copy.stat().st_mtime_ns if book_copy.exists() else None
    assert cli.main(["run", NB, "-p", "n_repeats", "5", "-p", "noise", "0.05", "--profile", "tiny"]) == 0
    out = capsys.readouterr().out
    (run_dir,) = (tmp_path / "runs" / NB).iterdir()
    for name in ("scaling_fits.ipynb", "scaling_fits.results.json", "scaling_fits.provenance.json",
                 "fit_range_and_floor.png", "fit_range_and_floor.pdf"):
        assert (run_dir / name).is_file(), name
        assert str(run_dir / name) in out                   # outputs are listed
    prov = json.loads((run_dir / "scaling_fits.provenance.json").read_text())
    assert prov["parameters"]["n_repeats"] == 5 and prov["parameters"]["noise"] == 0.05
    assert prov["profile"] == "tiny"
    stamp = json.loads((run_dir / "scaling_fits.stamp.json").read_text())       # complete, written atomically
    assert stamp["profile"] == "tiny" and stamp["parameters"]["n_repeats"] == 5 and len(stamp["key"]) == 64
    assert not [p.name for p in run_dir.iterdir() if p.name.startswith(".")]
    after = book_copy.stat().st_mtime_ns if book_copy.exists() else None
    assert before == after


DEMO = textwrap.dedent('''\
    # ---
    # jupyter:
    #   kernelspec: {{display_name: Python 3, language: python, name: python3}}
    # hepscaling:
    #   title: "{title}"
    #   paper: "-"
    #   reproduces: "-"
    #   data: "none"
    # ---

    # %% tags=["parameters"]
    profile = "quick"
    seed = 0
    n = 1

    # %%
    import json
    from hepscaling import profiles
    from hepscaling.record import record
    conf = profiles.paper_config(profile, "demo")
    record("n_times_scale", n * conf["scale"], lo=0, hi=1e6)
    json.dump({{"profile": profile, "path": profiles.load(profile)["path"]}}, open("{name}.seen.json", "w"))
    ''')


@pytest.fixture
def tmp_repo(tmp_path, monkeypatch):
    """A throwaway repository (HEPSCALING_ROOT): chapter `first` (index.md, order 10) and `second` (no index.md),
    a base profile in its profiles/, and `elsewhere/my.yaml` outside it (extends the base by relative path); the
    working directory is `elsewhere/`."""
    root = (tmp_path / "repo").resolve()
    for ch, name in (("second", "b"), ("first", "a")):
        (root / "notebooks" / ch).mkdir(parents=True)
        (root / "notebooks" / ch / f"{name}.py").write_text(DEMO.format(title=f"page {name}", name=name))
    (root / "notebooks" / "first" / "index.md").write_text("---\norder: 10\n---\n# The first chapter\n\nWords.\n")
    (root / "book").mkdir()
    (root / "profiles").mkdir()
    (root / "profiles" / "base.yaml").write_text("description: base\ndefaults: {seed: 0}\n"
                                                 "papers:\n  demo: {scale: 10}\n")
    elsewhere = (tmp_path / "elsewhere").resolve()
    elsewhere.mkdir()
    (elsewhere / "my.yaml").write_text("extends: ../repo/profiles/base.yaml\ndefaults: {n: 3}\n")
    monkeypatch.setenv("HEPSCALING_ROOT", str(root))
    monkeypatch.setenv("HEPSCALING_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(execution, "src_version", lambda: "code")   # skip or rerun: only the profile may decide
    monkeypatch.chdir(elsewhere)
    return root


def test_run_with_a_profile_file_outside_profiles(tmp_repo, capsys):
    assert cli.main(["run", "a", "--profile", "my.yaml", "-p", "n", "4"]) == 0
    my = str(tmp_repo.parent / "elsewhere" / "my.yaml")
    (run_dir,) = (tmp_repo / "runs" / "first" / "a").iterdir()
    assert json.loads((run_dir / "a.seen.json").read_text()) == {"profile": my, "path": my}
    assert json.loads((run_dir / "a.results.json").read_text())["n_times_scale"]["value"] == 40
    prov = json.loads((run_dir / "a.provenance.json").read_text())
    assert prov["profile"] == "my" and prov["parameters"] == {"profile": my, "seed": 0, "n": 4}
    assert json.loads((run_dir / "a.stamp.json").read_text())["profile_path"] == my
    assert str(run_dir / "a.results.json") in capsys.readouterr().out


def test_book_with_a_profile_file_outside_profiles(tmp_repo, capsys):
    assert cli.main(["book", "--profile", "my.yaml", "--no-html"]) == 0
    out = capsys.readouterr().out
    assert "warning:" in out and "second: chapter without index.md" in out
    assert "2 executed, 0 unchanged" in out
    my = str(tmp_repo.parent / "elsewhere" / "my.yaml")
    nbs = tmp_repo / "book" / "notebooks"
    assert json.loads((nbs / "second" / "b.seen.json").read_text())["profile"] == my
    assert json.loads((nbs / "first" / "a.results.json").read_text())["n_times_scale"]["value"] == 30
    page = (nbs / "first" / "index.md").read_text()
    assert page.startswith("# The first chapter\n\nWords.\n") and "order:" not in page
    assert (nbs / "second" / "index.md").read_text().startswith("# second\n")
    import yaml
    toc = yaml.safe_load((tmp_repo / "book" / "_toc.yml").read_text())
    assert [c["file"] for c in toc["parts"][0]["chapters"]] == ["notebooks/first/index", "notebooks/second/index"]
    assert "**`my`** profile" in (tmp_repo / "book" / "intro.md").read_text()

    assert cli.main(["list", "--profile", "my.yaml"]) == 0
    assert capsys.readouterr().out.count("up to date") == 2
    assert cli.main(["book", "--profile", "my.yaml", "--no-html"]) == 0            # nothing changed: skipped
    assert "0 executed, 2 unchanged" in capsys.readouterr().out
    (tmp_repo / "profiles" / "base.yaml").write_text("description: base\ndefaults: {seed: 0}\n"
                                                     "papers:\n  demo: {scale: 100}\n")
    assert cli.main(["list", "--profile", "my.yaml"]) == 0                          # the base profile was edited
    assert capsys.readouterr().out.count("stale") == 2
    assert cli.main(["book", "--profile", "my.yaml", "--no-html"]) == 0
    assert "2 executed, 0 unchanged" in capsys.readouterr().out
    assert json.loads((nbs / "first" / "a.results.json").read_text())["n_times_scale"]["value"] == 300
    assert profiles.reference(profiles.load("base")) == "base"                      # a file of this repo's profiles/


def test_environment_yml_has_the_lock_pins():
    import yaml
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    lock = [ln.strip() for ln in (REPO / "requirements.lock").read_text().splitlines()
            if ln.strip() and not ln.startswith("#")]
    assert sorted(p for p in pip if p != "-e .") == sorted(lock)
    assert "python=3.11" in env["dependencies"]


def test_ci_runs_make_test_only():
    text = (REPO / ".ci" / "run").read_text()
    commands = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")
                and not ln.startswith(("set ", "cd "))]
    assert commands == ["exec make test"]


def test_sizes():
    assert cli.parse_size("1024") == 1024
    assert cli.parse_size("5G") == 5 * 2**30 == cli.parse_size("5 GiB") == cli.parse_size("5gb")
    assert cli.parse_size("1.5M") == 3 * 2**19


def test_cache_info_and_prune(capsys, monkeypatch, tmp_path):
    from hepscaling.cache import cached

    monkeypatch.setenv("HEPSCALING_CACHE", str(tmp_path / "cache"))

    @cached
    def twice(x):
        return [x] * 1000

    twice(1), twice(2)
    assert cli.main(["cache"]) == 0
    out = capsys.readouterr().out
    assert "twice" in out and "2 entries" in out
    assert cli.main(["cache", "prune", "--max-size", "0", "--dry-run"]) == 0
    assert "would remove 2 files" in capsys.readouterr().out
    assert twice.cache_path(1).is_file()
    assert cli.main(["cache", "prune", "--max-size", "0"]) == 0
    assert "removed 2 files" in capsys.readouterr().out
    assert not twice.cache_path(1).exists() and twice(1) == [1] * 1000
