"""`python -m hepscaling plan`: the paper's laws per process (required D, N, C with errors, 'not reachable' below K),
one clear message for an unknown process, a bad target or a model/loss the paper did not fit; `--source ours`."""
import re

import pytest

from hepscaling import cli
from hepscaling.papers.amplitude_surrogates import fit_tables


def run(argv, capsys):
    rc = cli.main(["plan", *argv])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_paper_plan_for_tth(capsys):
    rc, out, err = run(["--process", "u u~ > t t~ h", "--target-mse", "1e-4"], capsys)
    assert rc == 0 and not err
    assert "plan for u u~ > t t~ h, MLP-I, MSE loss: target MSE 0.0001" in out
    lines = {ln.split()[0]: ln for ln in out.splitlines() if ln.startswith("  ") and ln.split()[0] != "X"}
    assert set(lines) == {"D_train", "N", "C"}
    # D at N = 1e6 (Table 2): X = 53.6 * 1e-4^(-1/1.928) = 6.37e3
    assert re.search(r"N = 1e\+06\s+6\.37e\+03 \(\+6\.6e\+02 / −4\.9e\+02\)\s+Table 2, §4\.1", lines["D_train"])
    assert "D = 8.3e+05" in lines["C"] and "5.58e+13" in lines["C"]
    assert "D: the paper gives K ≃ 0" in out


def test_not_reachable_below_k_and_the_scan_that_reaches(capsys):
    rc, out, _ = run(["--process", "u u~ > t t~ h", "--target-mse", "1e-6", "--loss", "heteroscedastic"], capsys)
    assert rc == 0
    d_line = next(ln for ln in out.splitlines() if ln.startswith("  D_train"))
    assert "not reachable (target 1e-06 below K = 3.1e-06)" in d_line and "Table 3, App. C" in d_line
    assert "no fit in the paper" in next(ln for ln in out.splitlines() if ln.startswith("  N (parameters)"))
    assert "D: the scan at N = 1e+05 (Table 3, App. C) has a lower floor" in out


def test_every_process_of_the_paper_plans(capsys):
    for process in fit_tables.processes():
        rc, out, _ = run(["--process", process, "--target-mse", "1e-3"], capsys)
        assert rc == 0 and f"plan for {process}, MLP-I" in out, process
    rc, out, _ = run(["--process", "u u~  >  z g g g g", "--target-mse", "1e-3", "--model", "lloca"], capsys)
    assert rc == 0 and "Table 9, App. C" in out and out.count("no fit in the paper") == 2


@pytest.mark.parametrize("argv, match", [
    (["--process", "u u~ > t t~", "--target-mse", "1e-4"],
     "unknown process 'u u~ > t t~'; available: 'u u~ > t t~ h', 'u u~ > z g'"),
    (["--process", "u u~ > t t~ h", "--target-mse", "0"], "--target-mse must be a finite MSE > 0, got '0'"),
    (["--process", "u u~ > t t~ h", "--target-mse", "-1e-4"], "--target-mse must be a finite MSE > 0"),
    (["--process", "u u~ > t t~ h", "--target-mse", "tiny"], "--target-mse must be a finite MSE > 0, got 'tiny'"),
    (["--process", "u u~ > z g", "--target-mse", "1e-4", "--model", "lloca"],
     "the paper has no fits for u u~ > z g with --model lloca --loss mse; it has: --model mlp_i --loss mse (Table 5"),
    (["--process", "u u~ > z g", "--target-mse", "1e-4", "--model", "gpt"], "--model must be one of ['mlp_i', 'lloca']"),
    (["--process", "u u~ > z g", "--target-mse", "1e-4", "--source", "theirs"], "--source must be 'paper' or 'ours'"),
])
def test_bad_input_one_message(argv, match, capsys):
    rc, out, err = run(argv, capsys)
    assert rc == 2 and match in err and err.count("error:") == 1 and not out


def test_source_ours_without_laws_says_which_page_writes_them(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("HEPSCALING_DATA", str(tmp_path))            # no laws file there
    rc, out, _ = run(["--process", "u u~ > z g g", "--target-mse", "1e-4", "--source", "ours"], capsys)
    assert rc == 1 and "no fitted laws of ours for u u~ > z g g at profile 'quick'" in out
    assert "python -m hepscaling run B_amplitude_surrogates/planner --profile quick" in out
