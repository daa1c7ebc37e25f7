"""Tests of the score-level reliability tools: SEM and score bands, difference scores,
test-retest ICCs.

Reference values: tests/reference/reliability_psych.R ('icc' section: psych::ICC on the
state-anxiety scores of psychTools::sai, study ROB, times 1 and 3).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import burnoutkit as bk

REFERENCE = Path(__file__).parent / "reference"


@pytest.fixture(scope="module")
def icc_ref() -> dict:
    with (REFERENCE / "reliability_psych.json").open() as fh:
        return json.load(fh)["icc"]


@pytest.fixture(scope="module")
def sai() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "data" / "sai_rob.csv")


def _icc_table(block) -> pd.DataFrame:
    return pd.DataFrame(
        {c: np.array(v, dtype=float) for c, v in zip(block["columns"], block["data"], strict=True)}
    )


# ---------------------------------------------------------------------------------- sem
def test_sem_worked_example():
    """Harvill (1991): SD 6 and reliability .91 give SEM = 6 * sqrt(.09) = 1.8."""
    res = bk.sem([30.0], reliability=0.91, sd=6.0, mean=25.0)
    assert res.sem == pytest.approx(1.8)
    row = res.bands.iloc[0]
    assert row["true_score"] == pytest.approx(25 + 0.91 * 5)
    assert row["observed_high"] - row["observed_low"] == pytest.approx(2 * 1.959963984540054 * 1.8)
    assert res.see == pytest.approx(6 * np.sqrt(0.91 * 0.09))


def test_score_bands_have_their_coverage():
    """Simulated true scores and errors: the observed-score band covers a retest score and
    the true-score band covers the true score about 95% of the time."""
    rng = np.random.default_rng(5)
    n, rel, sd = 200_000, 0.8, 10.0
    true = rng.normal(50, sd * np.sqrt(rel), size=n)
    err_sd = sd * np.sqrt(1 - rel)
    x1 = true + rng.normal(0, err_sd, size=n)
    res = bk.sem(x1, reliability=rel, sd=sd, mean=50.0)
    b = res.bands
    covered_true = ((b["true_low"] <= true) & (true <= b["true_high"])).mean()
    assert covered_true == pytest.approx(0.95, abs=0.003)
    # the observed band x +/- 1.96 SEM covers the true score for 95% of measurements
    covered = ((b["observed_low"] <= true) & (true <= b["observed_high"])).mean()
    assert covered == pytest.approx(0.95, abs=0.003)


def test_sem_defaults_and_labels():
    scores = pd.Series([1.0, 2.0, 3.0, 4.0], index=["a", "b", "c", "d"])
    res = bk.sem(scores, reliability=0.75)
    assert res.sd == pytest.approx(scores.std()) and res.mean == pytest.approx(2.5)
    assert list(res.bands.index) == ["a", "b", "c", "d"]
    assert res.glance().loc[0, "sem"] == pytest.approx(scores.std() * 0.5)


def test_sem_bad_input():
    with pytest.raises(bk.DataError, match="reliability at most 1"):
        bk.sem([1.0, 2.0], reliability=1.2)
    with pytest.raises(bk.DataError, match="at least 2 values"):
        bk.sem([1.0], reliability=0.8)
    with pytest.raises(bk.DataError, match="'sd' parameter of sem must be positive"):
        bk.sem([1.0], reliability=0.8, sd=0, mean=1)
    with pytest.warns(bk.LowReliabilityWarning):
        bk.sem([1.0, 2.0], reliability=-0.1)


# ---------------------------------------------------------------------------------- difference
def test_difference_reliability_recovers_simulated_value():
    """Simulated true scores with known reliabilities: corr(observed D, true D)^2 matches."""
    rng = np.random.default_rng(8)
    n = 400_000
    cov_t = np.array([[0.8 * 4.0, 0.5 * 2 * 3], [0.5 * 2 * 3, 0.7 * 9.0]])
    t = rng.multivariate_normal([0, 0], cov_t, size=n)
    x = t[:, 0] + rng.normal(0, np.sqrt(0.2 * 4.0), size=n)
    y = t[:, 1] + rng.normal(0, np.sqrt(0.3 * 9.0), size=n)
    r_xy = np.corrcoef(x, y)[0, 1]
    res = bk.difference_reliability(0.8, 0.7, r_xy=r_xy, var_x=x.var(), var_y=y.var())
    empirical = np.corrcoef(x - y, t[:, 0] - t[:, 1])[0, 1] ** 2
    assert res.reliability == pytest.approx(empirical, abs=0.005)


def test_standardized_difference():
    """Lord (1963): with equal variances (rel_x + rel_y - 2 r) / (2 - 2 r)."""
    res = bk.difference_reliability(0.85, 0.80, r_xy=0.40)
    assert res.reliability == pytest.approx((0.85 + 0.80 - 0.8) / (2 - 0.8))
    assert res.var_difference == pytest.approx(1.2)
    assert res.sem == pytest.approx(np.sqrt(0.15 + 0.2))


def test_difference_reliability_warnings_and_errors():
    with pytest.warns(bk.LowReliabilityWarning, match="measurement error"):
        res = bk.difference_reliability(0.6, 0.6, r_xy=0.7)
    assert res.reliability < 0
    with pytest.raises(bk.DataError, match="no variance"):
        bk.difference_reliability(0.8, 0.8, r_xy=1.0)
    with pytest.raises(bk.DataError, match="'r_xy' parameter"):
        bk.difference_reliability(0.8, 0.8, r_xy=1.5)
    with pytest.raises(bk.DataError, match="'var_x' parameter"):
        bk.difference_reliability(0.8, 0.8, r_xy=0.2, var_x=-1)


# ---------------------------------------------------------------------------------- retest
def _retest(sai, icc_ref, **kwargs):
    t1 = sai[sai["time"] == 1]
    t3 = sai[sai["time"] == 3]
    with pytest.warns(bk.BurnoutkitWarning, match="5 only at t1"):
        return bk.test_retest(
            t1, t3, items=icc_ref["items"], keys=icc_ref["reversed"], id_column="id", **kwargs
        )


def test_icc_matches_psych(sai, icc_ref):
    """R: psych::ICC(paired scores, lmer = FALSE)$results (ICC, F, df1, df2, p, bounds)."""
    res = _retest(sai, icc_ref)
    expected = _icc_table(icc_ref["results"])
    ours = res.icc
    assert list(ours["type"]) == ["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"]
    for r_name, col in [("ICC", "estimate"), ("F", "f"), ("df1", "df1"), ("df2", "df2"),
                        ("p", "p_value"), ("lower bound", "ci_low"),
                        ("upper bound", "ci_high")]:
        np.testing.assert_allclose(ours[col].to_numpy(), expected[r_name].to_numpy(),
                                   atol=1e-10, err_msg=col)
    assert res.n == icc_ref["n_matched"] == 46
    assert (res.n_unmatched_t1, res.n_unmatched_t2, res.n_incomplete) == (5, 0, 0)
    assert res.pearson_r == pytest.approx(icc_ref["pearson_r"], abs=1e-12)
    assert res.mean_change == pytest.approx(icc_ref["mean_change"], abs=1e-12)
    low, high = icc_ref["t_test"]["conf.int"]
    assert (res.change_ci_low, res.change_ci_high) == (pytest.approx(low), pytest.approx(high))


def test_icc_interval_at_another_level(sai, icc_ref):
    """R: psych::ICC(paired scores, lmer = FALSE, alpha = 0.10)$results bounds."""
    res = _retest(sai, icc_ref, confidence_level=0.90)
    expected = _icc_table(icc_ref["results_90"])
    np.testing.assert_allclose(res.icc["ci_low"], expected["lower bound"], atol=1e-10)
    np.testing.assert_allclose(res.icc["ci_high"], expected["upper bound"], atol=1e-10)


def test_retest_with_score_series_and_pingouin():
    rng = np.random.default_rng(3)
    true = rng.normal(size=60)
    t1 = pd.Series(true + rng.normal(scale=0.5, size=60), index=range(60))
    t2 = pd.Series(true + 0.2 + rng.normal(scale=0.5, size=60), index=range(60))
    res = bk.test_retest(t1, t2)
    import pingouin

    long = pd.DataFrame({"id": np.repeat(range(60), 2), "time": np.tile([1, 2], 60),
                         "score": np.column_stack([t1, t2]).ravel()})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        table = pingouin.intraclass_corr(long, targets="id", raters="time", ratings="score")
    assert res.icc2_1 == pytest.approx(table.set_index("Type").loc["ICC(A,1)", "ICC"])
    assert res.icc3_k == pytest.approx(table.set_index("Type").loc["ICC(C,k)", "ICC"])
    assert res.icc2_1 < res.icc3_1  # the mean change lowers absolute agreement only


def test_retest_problems_are_reported():
    t1 = pd.DataFrame({"id": [1, 2, 3, 4, 5], "score": [1.0, 2.0, 3.0, np.nan, 5.0]})
    t2 = pd.DataFrame({"id": [2, 3, 4, 5, 6], "score": [2.5, 2.5, 4.0, 4.5, 1.0]})
    with pytest.raises(bk.DataError, match="at least 3 respondents"):
        with pytest.warns(bk.BurnoutkitWarning):
            bk.test_retest(t1.iloc[:3], t2.iloc[:2], id_column="id")
    with pytest.warns(bk.BurnoutkitWarning, match=r"1 only at t1.*1 only at t2.*1 without"):
        res = bk.test_retest(t1, t2, id_column="id")
    assert (res.n, res.n_unmatched_t1, res.n_unmatched_t2, res.n_incomplete) == (3, 1, 1, 1)
    dup = pd.DataFrame({"id": [1, 1, 2], "score": [1.0, 2.0, 3.0]})
    with pytest.raises(bk.DataError, match=r"ids \[1\] occur more than once"):
        bk.test_retest(dup, t2, id_column="id")
    with pytest.raises(bk.DataError, match="2 numeric columns"):
        bk.test_retest(t1.assign(other=1.0), t2, id_column="id")
