"""Paper B's Tables 2–15 as transcribed in fit_tables.yaml: every table with its number of rows, and values checked
against the paper's text (including continuation rows, one-sided errors, "K ≃ 0" and a power of ten shared by value
and errors)."""
import math

import pytest

from hepscaling.amplitudes import PROCESSES
from hepscaling.papers.amplitude_surrogates import fit_tables

# rows per table, counted in the paper: (D fits, N fits, C fits)
ROWS = {2: (4, 3, 3), 3: (3, 0, 3), 4: (1, 0, 0), 5: (3, 0, 3), 6: (4, 0, 3), 7: (4, 0, 3), 8: (3, 0, 3), 9: (1, 0, 0),
        10: (3, 0, 3), 11: (3, 0, 3), 12: (4, 0, 3), 13: (3, 0, 3), 14: (3, 0, 3), 15: (3, 0, 3)}


@pytest.fixture(scope="module")
def t():
    return fit_tables.load()


def row(t, table, X, second_value):
    sel = t[(t["table"] == table) & (t["X"] == X) & (t["second_value"] == second_value)]
    assert len(sel) == 1, (table, X, second_value)
    return sel.iloc[0]


def test_every_table_with_its_rows(t):
    assert sorted(t["table"].unique()) == list(range(2, 16))
    for table, (nd, nn, nc) in ROWS.items():
        counts = t[t["table"] == table]["X"].value_counts()
        assert (counts.get("D", 0), counts.get("N", 0), counts.get("C", 0)) == (nd, nn, nc), table
    assert len(t) == sum(map(sum, ROWS.values())) == 81
    assert set(t.loc[t["X"] == "D", "second"]) == {"N"} and set(t.loc[t["X"] != "D", "second"]) == {"D"}
    assert (t["source"] == "Table " + t["table"].astype(str) + ", " + t["section"]).all()
    assert set(t.loc[t["table"] == 2, "section"]) == {"§4.1"} and set(t.loc[t["table"] > 2, "section"]) == {"App. C"}


def test_processes_models_losses(t):
    assert set(t["process"]) - set(PROCESSES) == {"g g > a a g g"}  # g g > a a g is in the engine (one loop)
    by_table = t.groupby("table")[["process", "model", "loss"]].first()
    assert tuple(by_table.loc[2]) == ("u u~ > t t~ h", "mlp_i", "mse")
    assert tuple(by_table.loc[3]) == ("u u~ > t t~ h", "mlp_i", "het")
    assert tuple(by_table.loc[4]) == ("u u~ > t t~ h", "lloca", "mse")
    assert tuple(by_table.loc[9]) == ("u u~ > z g g g g", "lloca", "mse")
    assert by_table.loc[13, "process"] == "u u~ > w+ w- z" and by_table.loc[15, "process"] == "g g > a a g g"
    assert fit_tables.processes(t)[0] == "u u~ > t t~ h" and len(fit_tables.processes(t)) == 11


def test_values_against_the_text(t):
    r = row(t, 2, "D", 1e6)                         # Table 2: (5.36 -0.23 +0.40) x 10^1, 1.928 ± 0.027, K ≃ 0
    assert (r.Xc, r.Xc_up, r.Xc_down, r.alpha, r.alpha_err) == (53.6, 4.0, 2.3, 1.928, 0.027)
    assert r.K == 0 and r.k_approx_zero and math.isnan(r.K_up)
    r = row(t, 2, "C", 8.3e5)                       # (19.81 -1.8 +0.21) x 10^-8
    assert r.K == pytest.approx(1.981e-7) and r.K_up == pytest.approx(2.1e-9) and r.K_down == pytest.approx(1.8e-8)
    r = row(t, 2, "N", 1e6)                         # (2.06 -0.19 +2.0), no power of ten; K 5.97 x 10^-8
    assert (r.Xc, r.Xc_up, r.Xc_down, r.alpha) == (2.06, 2.0, 0.19, 1.85) and r.K == pytest.approx(5.97e-8)
    r = row(t, 3, "D", 1e4)                         # K = (2.23 -0.22 +387) x 10^-7
    assert r.K_up == pytest.approx(3.87e-5) and not r.k_approx_zero
    r = row(t, 4, "D", 6e6)                         # LLoCa: 6.09 -0.29 +0.54, 1.303 ± 0.015, K ≃ 0
    assert (r.Xc, r.Xc_up, r.Xc_down, r.alpha, r.alpha_err, r.model) == (6.09, 0.54, 0.29, 1.303, 0.015, "lloca")
    r = row(t, 6, "D", 1e2)                         # only "+" printed: (2.65 +0.43) x 10^1
    assert r.Xc == pytest.approx(26.5) and r.Xc_up == pytest.approx(4.3) and math.isnan(r.Xc_down)
    r = row(t, 6, "D", 1e5)                         # a continuation row (no X printed): 10.92 +2.3 -0.74
    assert (r.Xc, r.Xc_up, r.Xc_down, r.alpha) == (10.92, 2.3, 0.74, 1.301)
    r = row(t, 8, "C", 3.13e5)                      # (1.68 +1.5) x 10^10, 1.002 ± 0.055, (3.79 +1.1) x 10^-4
    assert r.Xc == pytest.approx(1.68e10) and r.alpha == 1.002 and r.K == pytest.approx(3.79e-4)
    r = row(t, 9, "D", 6e6)                         # Table 9: 3.76 +0.44 -0.20, 0.911 ± 0.013, K ≃ 0
    assert (r.Xc, r.Xc_up, r.Xc_down, r.alpha, r.alpha_err, r.k_approx_zero) == (3.76, 0.44, 0.20, 0.911, 0.013, True)
    assert r.process == "u u~ > z g g g g"
    r = row(t, 15, "C", 4.44e5)                     # Table 15: (3.66 +1.3 -0.29) x 10^10, 1.112 ± 0.034, (1.60 +0.99 -0.14) x 10^-5
    assert r.Xc == pytest.approx(3.66e10) and r.Xc_up == pytest.approx(1.3e10) and r.Xc_down == pytest.approx(2.9e9)
    assert (r.alpha, r.alpha_err) == (1.112, 0.034)
    assert (r.K, r.K_up, r.K_down) == pytest.approx((1.60e-5, 9.9e-6, 1.4e-6))
    r = row(t, 15, "D", 1e5)                        # 11.77 +3.8 -0.90, 0.988 ± 0.029
    assert (r.Xc, r.alpha, r.process) == (11.77, 0.988, "g g > a a g g")


def test_alpha_D_at_the_largest_N_as_quoted_in_issue_15(t):
    quoted = {"u u~ > t t~ h": 1.93, "u u~ > z g": 2.24, "u u~ > z g g": 1.28, "u u~ > z g g g": 1.00,
              "u u~ > z g g g g": 0.77, "u d~ > w+ z": 1.72, "u d~ > w+ z g": 1.26, "u d~ > w+ z g g": 0.93,
              "u u~ > w+ w- z": 1.23, "g g > a a g": 1.45, "g g > a a g g": 0.97}
    for process, alpha in quoted.items():
        best = fit_tables.least_limited(process, table=t)
        assert best["D"]["second_value"] == 1e6 and abs(best["D"]["alpha"] - alpha) <= 0.005 + 1e-12, process


def test_sanity_of_every_row(t):
    assert (t["Xc"] > 0).all() and (t["alpha"] > 0).all() and (t["alpha_err"] > 0).all() and (t["K"] >= 0).all()
    assert (t["Xc_up"] > 0).all()                   # the "+" side is printed everywhere
    assert (t.loc[t["k_approx_zero"], "K"] == 0).all()
    assert t.loc[~t["k_approx_zero"], ["K_up"]].notna().all().all()


def test_law_and_least_limited(t):
    best = fit_tables.least_limited("u u~ > t t~ h", table=t)
    assert {x: r["second_value"] for x, r in best.items()} == {"D": 1e6, "N": 1e6, "C": 8.3e5}
    law = fit_tables.law(best["D"])
    assert law == {"params": {"Xc": 53.6, "alpha": 1.928, "K": 0.0},
                   "errors": {"Xc": (4.0, 2.3), "alpha": 0.027, "K": (0.0, 0.0)}}
    assert fit_tables.law(row(t, 6, "D", 1e2))["errors"]["Xc"][1] is None
    assert set(fit_tables.least_limited("u u~ > z g g g g", model="lloca", table=t)) == {"D"}
    assert fit_tables.least_limited("no such process", table=t) == {}
