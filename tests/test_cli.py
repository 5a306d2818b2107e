"""Command line: bad input gives one clear message and exit code 2; `run` writes a new copy under runs/."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from hepscaling import book, cli

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
    monkeypatch.setattr(book, "runs_dir", lambda: tmp_path / "runs")
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
    monkeypatch.setattr(book, "runs_dir", lambda: tmp_path / "runs")
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
    after = book_copy.stat().st_mtime_ns if book_copy.exists() else None
    assert before == after


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
