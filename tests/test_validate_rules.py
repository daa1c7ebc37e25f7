"""The COSMIN rating rules and the item recommendations, on hand-made numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from burnoutkit.report import cosmin
from burnoutkit.report.items import recommend
from burnoutkit.report.thresholds import ValidationThresholds

T = ValidationThresholds()


def _fit(**indices):
    return {"structure": "correlated", "estimator": "MLR", "n_obs": 500,
            "cfi": 0.90, "tli": 0.90, "rmsea": 0.08, "srmr": 0.10, **indices}


@pytest.mark.parametrize(
    ("indices", "rating"),
    [
        ({}, "-"),
        ({"cfi": 0.951}, "+"),
        ({"tli": 0.96}, "+"),
        ({"rmsea": 0.059}, "+"),
        ({"srmr": 0.079}, "+"),
        ({"cfi": 0.95}, "-"),  # "> .95": the cut-off itself does not suffice
        ({"rmsea": 0.06}, "-"),
    ],
)
def test_structural_validity_needs_one_index_by_cosmin(indices, rating):
    assert cosmin.rate_structural_validity(_fit(**indices), {}, T).rating == rating


def test_structural_validity_all_rule():
    strict = ValidationThresholds(fit_rule="all")
    assert cosmin.rate_structural_validity(_fit(cfi=0.96, tli=0.96, rmsea=0.05), {},
                                           strict).rating == "-"
    good = _fit(cfi=0.96, tli=0.96, rmsea=0.05, srmr=0.05)
    assert cosmin.rate_structural_validity(good, {}, strict).rating == "+"


def _scales(alphas):
    return pd.DataFrame({"id": [f"s{i}" for i in range(len(alphas))], "alpha": alphas,
                         "omega_total": alphas})


def test_internal_consistency_depends_on_structural_validity():
    assert cosmin.rate_internal_consistency(_scales([0.8, 0.75]), "+", T).rating == "+"
    low = cosmin.rate_internal_consistency(_scales([0.8, 0.65]), "+", T)
    assert low.rating == "-" and "s1" in low.finding
    assert cosmin.rate_internal_consistency(_scales([0.8, 0.75]), "-", T).rating == "?"
    assert cosmin.rate_internal_consistency(_scales([0.8, 0.75]), "?", T).rating == "?"


def _comparisons(*decisions):
    return pd.DataFrame({"level": ["metric", "scalar"][: len(decisions)],
                         "delta_cfi": -0.001, "delta_rmsea": 0.0, "decision": decisions})


def _items(*rows):
    return pd.DataFrame(rows, columns=["item", "parameter", "dmacs", "noninvariant"])


def test_invariance_rating():
    values = {"group": "form", "groups": "A, B", "highest_level": "scalar"}
    ok = cosmin.rate_measurement_invariance(_comparisons("invariant", "invariant"), _items(),
                                            values, T)
    assert ok.rating == "+"
    small = _items(("x1", "intercept", 0.1, False))
    assert cosmin.rate_measurement_invariance(_comparisons("invariant", "invariant"), small,
                                              values, T).rating == "+"
    dif = _items(("x1", "intercept", 0.45, True))
    res = cosmin.rate_measurement_invariance(_comparisons("invariant", "invariant"), dif,
                                             values, T)
    assert res.rating == "-" and "x1" in res.finding
    failed = cosmin.rate_measurement_invariance(_comparisons("invariant", "not invariant"),
                                                _items(), {**values, "highest_level": "metric"},
                                                T)
    assert failed.rating == "-" and "scalar" in failed.finding
    untested = cosmin.rate_measurement_invariance(_comparisons("invariant"), _items(),
                                                  {**values, "item_tests": "failed"}, T)
    assert untested.rating == "?"


def test_reliability_and_measurement_error():
    icc = pd.DataFrame({"scale": ["a", "b"], "icc2_1": [0.8, 0.69], "n": [50, 50],
                        "stability_corrected": [0.9, 0.8]})
    assert cosmin.rate_reliability(icc, T).rating == "-"
    assert cosmin.rate_reliability(icc.assign(icc2_1=[0.8, 0.7]), T).rating == "+"
    error = pd.DataFrame({"scale": ["a", "b"], "sem": [0.3, 0.4], "sdc": [0.8, 1.1],
                          "mic": [float("nan")] * 2})
    assert cosmin.rate_measurement_error(error, T).rating == "?"
    assert cosmin.rate_measurement_error(error.assign(mic=[1.0, 1.2]), T).rating == "+"
    assert cosmin.rate_measurement_error(error.assign(mic=[1.0, 1.0]), T).rating == "-"
    assert cosmin.rate_measurement_error(error.assign(mic=[1.0, float("nan")]), T).rating == "?"


@pytest.mark.parametrize(("confirmed", "rating"), [(3, "+"), (2, "-"), (4, "+")])
def test_hypotheses_need_75_percent(confirmed, rating):
    table = pd.DataFrame({"id": list("abcd"), "kind": "correlation",
                          "confirmed": [True] * confirmed + [False] * (4 - confirmed)})
    assert cosmin.rate_hypotheses(table, T).rating == rating


def test_no_hypotheses_is_unknown():
    empty = pd.DataFrame(columns=["id", "kind", "confirmed"])
    assert cosmin.rate_hypotheses(empty, T).rating == "?"


def test_criterion_validity():
    table = pd.DataFrame({"outcome": ["y", "z"], "type": ["continuous", "binary"],
                          "score": "core", "statistic": ["pearson_r", "auc"],
                          "estimate": [-0.75, 0.72], "n": [100, 100], "size": [0.75, 0.72],
                          "meets": [True, True]})
    assert cosmin.rate_criterion_validity(table, T).rating == "+"
    worse = table.assign(meets=[True, False])
    res = cosmin.rate_criterion_validity(worse, T)
    assert res.rating == "-" and "z" in res.finding


def _row(**values):
    base = {"loading": 0.7, "cross_loading": float("nan"), "cross_factor": None,
            "item_rest_r": 0.6, "missing_share": 0.01, "floor": 0.1, "ceiling": 0.1,
            "noninvariant": False, "dmacs": float("nan")}
    return pd.Series({**base, **values})


@pytest.mark.parametrize(
    ("values", "recommendation", "reason"),
    [
        ({}, "keep", ""),
        ({"loading": 0.44}, "revise", "loading 0.44 < 0.45"),
        ({"loading": 0.31}, "drop", "loading 0.31 < 0.32"),
        ({"cross_loading": 0.3, "cross_factor": "md"}, "revise", "cross-loading 0.30 on md"),
        ({"noninvariant": True, "dmacs": 0.45}, "revise", "dMACS 0.45"),
        ({"item_rest_r": 0.29}, "revise", "item-rest r 0.29 < 0.30"),
        ({"item_rest_r": 0.19}, "drop", "item-rest r 0.19 < 0.20"),
        ({"missing_share": 0.06}, "revise", "missing 6.0% > 5%"),
        ({"ceiling": 0.55}, "revise", "ceiling 55.0% > 50%"),
        ({"loading": float("nan")}, "keep", ""),
    ],
)
def test_item_recommendations(values, recommendation, reason):
    evidence, got = recommend(_row(**values), T)
    assert got == recommendation
    assert reason in evidence and bool(evidence) == (recommendation != "keep")
