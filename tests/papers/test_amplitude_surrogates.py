"""Paper B's package: the training task on synthetic regression data with known answers (a learned function, a learned
noise level, the dimension of the input manifold, the FLOP count), the eq. (1) fits recovering known exponents, the
grids and the configuration read from the profiles."""
import copy
import math

import numpy as np
import pandas as pd
import pytest

from hepscaling import profiles
from hepscaling.papers import amplitude_surrogates as ps
from hepscaling.papers.amplitude_surrogates import config as C
from hepscaling.papers.amplitude_surrogates import data as B_data
from hepscaling.papers.amplitude_surrogates import task
from hepscaling.scaling.sweep import point_id

SIGMA_TRUE = 0.2


def _toy(n, seed):
    """Inputs on a 2-d manifold in 6 coordinates; target a smooth function of it plus Gaussian noise of 0.2."""
    rng = np.random.default_rng(seed)
    u = rng.uniform(-1, 1, size=(n, 2))
    x = np.tanh(u @ np.random.default_rng(99).normal(size=(2, 6)))
    x = (x - x.mean(0)) / x.std(0)
    y = np.sin(2 * u[:, 0]) + u[:, 1] ** 2 + SIGMA_TRUE * rng.normal(size=n)
    me = np.exp(y)
    return {"x": x.astype(np.float32), "y": y.astype(np.float32), "me": me, "momenta": np.zeros((n, 5, 4))}


@pytest.fixture
def toy(monkeypatch):
    data = {"train": _toy(3000, 1), "val": _toy(750, 2), "test": _toy(2000, 3), "n_particles": 5,
            "scale": {"targets": "log", "mean_log": 0.0, "std_log": 1.0}}
    monkeypatch.setattr(task, "prepared", lambda dcfg: data)
    dcfg = ps.data_config(ps.load_config("tiny"))
    dcfg["pools"] = {"train": 3000, "val": 750, "test": 2000}
    dcfg["n_dim"] = 2000
    dcfg["eval_every"] = 100
    return dcfg


def test_mse_run_learns_the_function_and_counts_its_flops(toy):
    point = {"model": "mlp_i", "loss": "mse", "N": 3000, "D": 2560, "steps": 800, "lr": 3e-3, "dim": True}
    r = task.point_task(point, 7, toy)
    # the noise floor is SIGMA_TRUE^2 = 0.04; the variance of the target is ~0.6
    assert r["mse"] < 0.06
    assert r["mse"] > 0.8 * SIGMA_TRUE ** 2
    # exact FLOPs: D = 10 batches of 256, so every step is a full batch: forward + backward of the linear chain (flops.linear_flops)
    net = task.build_model(point, toy, 6, 5, 7)
    fwd, bwd = net.flops(256)
    assert r["flops"] == 800 * (fwd + bwd)
    assert abs(r["n_params"] - 3000) / 3000 < 0.1
    # the inputs live on a 2-d manifold: the last hidden layer cannot have more dimensions than that
    assert 1.2 < r["dimension"] < 2.8, r["dimension"]
    assert r["dimension_err"] > 0
    # same seed, same numbers
    assert task.point_task(point, 7, toy)["mse"] == r["mse"]


def test_heteroscedastic_run_learns_the_noise_level(toy):
    point = {"model": "mlp_i", "loss": "het", "N": 3000, "D": 3000, "steps": 1500, "lr": 3e-3}
    r = task.point_task(point, 3, toy)
    assert r["sigma_median"] == pytest.approx(SIGMA_TRUE, rel=0.3)
    assert 0.6 < r["pull_within_1"] < 0.77          # N(0, 1): 0.683
    assert abs(r["pull_mean"]) < 0.15
    assert sum(r["pull_hist"]) <= 2000 and len(r["sigma_hist"]) == len(ps.SIGMA_BINS) - 1


def test_bad_points_are_named(toy):
    with pytest.raises(ValueError, match="unknown model 'mlp'"):
        task.point_task({"model": "mlp", "loss": "mse", "N": 10, "D": 10, "steps": 1, "lr": 1e-3}, 0, toy)
    with pytest.raises(ValueError, match="D = 5000"):
        task.point_task({"model": "mlp_i", "loss": "mse", "N": 10, "D": 5000, "steps": 1, "lr": 1e-3}, 0, toy)


def test_fit_scan_recovers_a_known_power_law():
    rng = np.random.default_rng(0)
    D = np.geomspace(100, 1e6, 9)
    rows = []
    for N, alpha, Xc in ((1e3, 1.8, 60.0), (1e4, 1.2, 20.0)):
        L = (Xc / D) ** alpha * np.exp(0.03 * rng.normal(size=D.size))
        rows += [{"N": N, "D": d, "mse": v} for d, v in zip(D, L)]
    fits = ps.fit_scan(pd.DataFrame(rows), x="D", by="N")
    assert fits[1e3].params["alpha"] == pytest.approx(1.8, abs=3 * fits[1e3].errors["alpha"] + 0.02)
    assert fits[1e4].params["alpha"] == pytest.approx(1.2, abs=3 * fits[1e4].errors["alpha"] + 0.02)
    # a loss that rises with D says nothing about an exponent: no fit rather than a huge error that passes any test
    rising = pd.DataFrame({"N": 1.0, "D": D, "mse": 1e-3 * D ** 0.3})
    assert ps.fit_scan(rising, x="D", by="N")[1.0] is None


def test_claims_compare_only_nearby_sizes():
    fits = {100: None, 1000: ps.fit_scan(pd.DataFrame({"N": 1000, "D": np.geomspace(10, 1e5, 6),
                                                       "mse": np.geomspace(10, 1e5, 6) ** -1.5}),
                                         x="D", by="N")[1000]}
    assert ps.fit_near(fits, 2000)[0] == 1000 and ps.fit_near(fits, 2000)[1] is not None
    assert ps.fit_near(fits, 1e4)[1] is None               # a factor 10 away: not tested at these sizes


def test_grids_share_points_and_follow_the_paper():
    cfg = ps.load_config("quick")
    grid_ids = {point_id(p) for p in ps.grid_points(cfg)}
    eta = ps.eta_points(cfg)
    shared = [p for p in eta if point_id(p) in grid_ids]
    # the eta scan's runs at the default eta_0 on the grid's sizes are the grid's own runs
    assert len(shared) == len([n for n in cfg["eta"]["N_values"] if n in cfg["N_values"]])
    assert all(p["lr"] == cfg["lr"] and p.get("dim") for p in shared)
    # paper §3.2: validation on a quarter of the training set; §4.1: 1e4 epochs, here capped
    assert ps.pool_sizes(cfg)["val"] == max(cfg["D_values"]) // 4
    assert ps.steps_for(cfg, 100) == min(10000, cfg["max_steps"])
    assert ps.steps_for({**cfg, "max_steps": 10 ** 9}, 1000) == 10000 * 4
    # compute points: each number of steps its own run at one N
    comp = ps.compute_points(cfg)
    assert {p["steps"] for p in comp} == set(cfg["compute"]["steps"]) and {p["N"] for p in comp} == {
        cfg["compute"]["N"]}


def test_targets_round_trip_and_raw_unit():
    me = np.array([1e-6, 3e-5, 2e-4])
    for scale in ({"targets": "raw", "mean_me": 1e-4}, {"targets": "log", "mean_log": -10.0, "std_log": 2.0}):
        assert np.allclose(B_data.to_me(B_data.to_targets(me, scale), scale), me, rtol=1e-12)
    assert B_data.degrees_of_freedom("u u~ > t t~ h") == 5


def test_config_errors_name_the_key():
    prof = copy.deepcopy(profiles.load("tiny"))
    sec = prof["papers"]["amplitude_surrogates"]
    for change, match in ((lambda s: s.update(targets="linear"), "targets"),
                          (lambda s: s.update(D_values=[100, 50]), "D_values"),
                          (lambda s: s.update(typo=1), "unknown keys"),
                          (lambda s: s["eta"].pop("D"), "eta"),
                          (lambda s: s.update(collider_adapt=[2, 3]), "collider_adapt")):
        bad = copy.deepcopy(sec)
        change(bad)
        with pytest.raises(C.ConfigError, match=match):
            C.validate(bad, "test")
    with pytest.raises(C.ConfigError, match="D_max"):
        ps.load_config("tiny", D_max=5)
    cfg = ps.load_config("tiny", D_max=3000)
    assert cfg["D_values"][-1] == 3000 and 1000 in cfg["D_values"] and cfg["label"] == "tiny, D_max=3000"
    assert not math.isnan(ps.pool_sizes(cfg)["train"])


def test_claimed_exponents_are_those_of_the_transcribed_tables():
    """Tables 2-4 are transcribed in fit_tables.yaml; the pages' claims quote the same α ± error (one source of truth
    checked, so a typo in either place fails here)."""
    from hepscaling.claims import ClaimSheet, DataUsed
    from hepscaling.papers.amplitude_surrogates import fit_tables

    table = fit_tables.load()
    sheet = ClaimSheet("B", DataUsed("test"), items=["Table 2", "Table 3", "Table 4"])
    checked = 0
    for cid in sheet.claim_ids():
        name = cid.split(".", 1)[1]
        if not name.startswith("alpha_"):
            continue
        claim = sheet.claim(cid)
        n = int(cid[len("table"):cid.index(".")])
        rows = table[(table.table == n) & (table.X == name.split("_")[1])]
        if name.endswith("lloca"):
            row = rows.iloc[0]
        else:
            target = float(name.split("_")[2][1:].replace("e", "E"))
            row = rows.iloc[(abs(rows.second_value.apply(math.log) - math.log(target))).argsort().iloc[0]]
        assert (claim.value, claim.error) == (row.alpha, row.alpha_err), cid
        checked += 1
    assert checked == 17


def test_log_range_coverage_counts_decades():
    from hepscaling.papers.amplitude_surrogates import log_range_coverage
    # quick's N 1e2-1e5 covers 3 of the paper's 4 decades; D 1e2-1e4 covers 2 of 5; disjoint ranges cover nothing
    assert log_range_coverage((1e2, 1e5), (1e2, 1e6)) == pytest.approx(0.75)
    assert log_range_coverage((100, 10000), (10, 1e6)) == pytest.approx(0.4)
    assert log_range_coverage((1e7, 1e8), (1e2, 1e6)) == 0.0
    assert log_range_coverage((1, 1e9), (1e2, 1e6)) == pytest.approx(1.0)
    # a single paper value: covered when inside ours
    assert log_range_coverage((1e3, 1e7), (6e6, 6e6)) == 1.0
    assert log_range_coverage((1e3, 1e5), (6e6, 6e6)) == 0.0
    with pytest.raises(ValueError, match="positive"):
        log_range_coverage((0, 10), (1, 10))
