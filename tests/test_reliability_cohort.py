"""Reliability of the BAI on the reference cohort agrees with R's psych.

Reference values: tests/reference/reliability_cohort.R (psych::alpha, splitHalf, omega and
polychoric on datasets/reference_cohort/cohort.csv with the keys of bai.yaml).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pytest
from _reference import assert_same_json

import burnoutkit as bk

REFERENCE = Path(__file__).parent / "reference"
SCRIPT = REFERENCE / "reliability_cohort.R"
REF = json.loads((REFERENCE / "reliability_cohort.json").read_text(encoding="utf-8"))
CLOSED_FORM = 1e-6  # the tolerance for alpha, lambda-6, item statistics, splits
OMEGA_TOL = 1e-3  # iterative (minres + oblimin)
RHO_TOL = 1e-3  # iterative (psych's optimizer stops near 1e-4)
TAU_TOL = 1e-4

TOTAL = {"raw_alpha": "alpha", "std.alpha": "std_alpha", "G6(smc)": "lambda6",
         "average_r": "average_r", "S/N": "signal_noise", "ase": "ase", "mean": "mean",
         "sd": "sd", "median_r": "median_r"}
DROP = {"raw_alpha": "raw_alpha", "std.alpha": "std_alpha", "G6(smc)": "lambda6",
        "average_r": "average_r", "S/N": "signal_noise", "alpha se": "alpha_se",
        "var.r": "var_r", "med.r": "median_r"}
STATS = {"n": "n", "raw.r": "raw_r", "std.r": "std_r", "r.cor": "r_cor", "r.drop": "r_drop",
         "mean": "mean", "sd": "sd"}


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


@pytest.fixture(scope="module")
def data():
    return bk.datasets.load_reference_cohort().data


def test_reference_used_the_shipped_cohort_and_bank_keys(data, bai):
    assert REF["n"] == len(data)
    for scale, case in REF["alpha"].items():
        assert sorted(_as_list(case["keys"])) == sorted(
            set(bai.reversed_items) & set(bai.items_of(scale))
        )


@pytest.mark.parametrize("scale", sorted(REF["alpha"]))
def test_alpha_of_every_bai_scale_matches_psych(data, bai, scale):
    """R: psych::alpha(cohort[, items], keys = <reversed items>): $total, $feldt,
    $alpha.drop and $item.stats."""
    case = REF["alpha"][scale]
    res = bk.alpha(data, bank=bai, scale=scale)
    for r_name, attr in TOTAL.items():
        assert getattr(res, attr) == pytest.approx(case["total"][r_name], abs=CLOSED_FORM), attr
    feldt = res.intervals.set_index("method").loc["feldt"]
    assert feldt["ci_low"] == pytest.approx(case["feldt"]["lower"], abs=CLOSED_FORM)
    assert feldt["ci_high"] == pytest.approx(case["feldt"]["upper"], abs=CLOSED_FORM)
    dropped = res.alpha_if_dropped.set_index("item")
    stats = res.item_stats.set_index("item")
    items = _as_list(case["items"])
    for r_name, column in DROP.items():
        np.testing.assert_allclose(dropped.loc[items, column], case["alpha_drop"][r_name],
                                   atol=CLOSED_FORM, err_msg=column)
    for r_name, column in STATS.items():
        np.testing.assert_allclose(stats.loc[items, column], case["item_stats"][r_name],
                                   atol=CLOSED_FORM, err_msg=column)


@pytest.mark.parametrize("scale", sorted(REF["split_half"]))
def test_split_half_extremes_match_psych(data, bai, scale):
    """R: psych::splitHalf(cohort[, items], key = <+1/-1 from the bank>)."""
    case = REF["split_half"][scale]
    items = _as_list(case["items"])
    keys = [i for i in items if bai.item(i).keyed < 0] or None
    res = bk.split_half(data, items=items, keys=keys)
    for key, attr in [("maxrb", "max_split"), ("minrb", "min_split"), ("meanr", "mean_split"),
                      ("alpha", "alpha"), ("lambda2", "lambda2"), ("lambda6", "lambda6")]:
        assert getattr(res, attr) == pytest.approx(case[key], abs=CLOSED_FORM), attr


def test_omega_of_the_burnout_core_matches_psych(data):
    """R: psych::omega(cohort[, core items], nfactors = 3, key = <+1/-1 from the bank>)."""
    case = REF["omega"]
    items = case["items"]
    keys = dict(zip(items, (int(k) for k in case["key"]), strict=True))
    res = bk.omega(data, items=items, keys=keys, n_factors=3)
    assert res.omega_h == pytest.approx(case["omega_h"], abs=OMEGA_TOL)
    assert res.omega_total == pytest.approx(case["omega_tot"], abs=OMEGA_TOL)
    assert res.omega_limit == pytest.approx(case["omega_lim"], abs=OMEGA_TOL)


def test_polychoric_of_the_gain_and_loss_items_matches_psych(data):
    """R: psych::polychoric(cohort[, c(gs1..gs6, ls1..ls6)])$rho and $tau."""
    case = REF["polychoric"]
    items = case["items"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = bk.correlation(data, items=items, method="polychoric")
    np.testing.assert_allclose(res.matrix.loc[items, items].to_numpy(), case["rho"],
                               atol=RHO_TOL)
    tau = res.thresholds.pivot(index="item", columns="threshold", values="estimate")
    np.testing.assert_allclose(tau.loc[items].to_numpy(), case["tau"], atol=TAU_TOL)


@pytest.mark.r
def test_reference_script_reproduces_stored_output(tmp_path):
    """Re-run tests/reference/reliability_cohort.R and compare with the stored JSON."""
    if shutil.which("Rscript") is None:  # pragma: no cover - the conftest skips these
        pytest.skip("Rscript not found")
    root = Path(__file__).resolve().parent.parent
    subprocess.run(["Rscript", str(SCRIPT), str(tmp_path)], cwd=root, check=True,
                   capture_output=True, timeout=600)
    fresh = json.loads((tmp_path / "reliability_cohort.json").read_text(encoding="utf-8"))
    assert_same_json(fresh, REF, rel=1e-10, abs_tol=1e-12)
