"""Tests of bk.asymmetry: recovery on the reference cohort, a non-invariant pair, calibration."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import burnoutkit as bk
from burnoutkit.asymmetry import AsymmetryResult, asymmetry, gradient_test
from burnoutkit.datasets import load_reference_cohort, simulate_cohort


@pytest.fixture(scope="module")
def reference(bai) -> AsymmetryResult:
    return asymmetry(bai, load_reference_cohort().data, missing="listwise")


def test_recovery_of_true_slopes(reference):
    """Latent gain and loss slopes cover the true -0.35 and +0.10 (95% CIs)."""
    lat = reference.slopes[reference.slopes["version"] == "latent"].set_index("slope")
    for name, truth in (("gain", -0.35), ("loss", 0.10), ("asymmetry", 0.45)):
        assert lat.loc[name, "ci_low"] <= truth <= lat.loc[name, "ci_high"], name


def test_reference_checks_pass(reference):
    verdict = reference.checks.set_index("check")["verdict"]
    assert verdict["separability"] == "pass"
    assert verdict["comparability"] == "pass"
    assert verdict["severity"] == "pass"
    assert reference.interpretable
    assert reference.noninvariant_pairs == ()
    assert reference.tidy()["explanation"].str.len().gt(40).all()
    assert reference.glance().shape[0] == 1


def test_slope_tests_and_latent_index(reference):
    """The Wald test sits beside the LR test; the latent index is L minus G factor scores."""
    t = reference.slope_tests.set_index("test")
    assert list(t.index) == ["likelihood_ratio", "wald"]
    assert (t["df"] == 1).all()
    # asymptotically equivalent tests: same conclusion, similar size
    assert t.loc["wald", "statistic"] == pytest.approx(t.loc["likelihood_ratio", "statistic"],
                                                       rel=0.25)
    lat = reference.slopes[reference.slopes["version"] == "latent"].set_index("slope")
    std = reference.models["severity"].standardized_solution()
    g = std[(std["lhs"] == "G") & (std["op"] == "~")].iloc[0]
    assert lat.loc["gain", "se"] == pytest.approx(g["se"], rel=1e-12)
    assert lat.loc["gain", "ci_low"] == pytest.approx(g["ci_low"], rel=1e-12)
    idx = reference.index
    np.testing.assert_allclose(
        idx["asymmetry_latent"], idx["loss_latent"] - idx["gain_latent"], rtol=1e-12
    )
    ok = idx["asymmetry_latent"].notna()
    assert ok.sum() == reference.models["scalar"].n_obs
    assert idx.loc[ok, "asymmetry_latent"].corr(idx.loc[ok, "asymmetry"]) > 0.7
    aug = reference.augment(load_reference_cohort().data)
    assert "asymmetry_latent" in aug.columns


def test_method_factor_moves_both_slopes_up_without_it(reference):
    m = reference.method.set_index("model")
    assert m.loc["without method factor", "gain_slope"] > m.loc["with method factor", "gain_slope"]
    assert m.loc["without method factor", "loss_slope"] > m.loc["with method factor", "loss_slope"]


def test_noninvariant_pair_is_named(bai):
    """A loss item shifted by one response category breaks scalar equality of its pair."""
    data = simulate_cohort(1000, random_state=11, missing_share=0.0, careless_share=0.0).data
    before = data.copy()
    shifted = data.copy()
    shifted["ls3"] = np.minimum(shifted["ls3"] + 1, 5)
    with pytest.warns(bk.BurnoutkitWarning, match="ls3"):
        res = asymmetry(bai, shifted, missing="listwise")
    assert res.checks.set_index("check").loc["comparability", "verdict"] == "fail"
    assert res.noninvariant_pairs[0] == "gs3~ls3"
    assert "not interpretable" in res.checks.set_index("check").loc["comparability", "explanation"]
    assert before.equals(data)  # input not mutated


def test_bad_input(bai):
    data = load_reference_cohort().data.iloc[:200]
    with pytest.raises(bk.DataError, match="missing"):
        asymmetry(bai, data, missing="pairwise")
    with pytest.raises(bk.DataError, match="gs1"):
        asymmetry(bai, data.drop(columns=["gs1"]))
    with pytest.raises(bk.DataError, match="nope"):
        asymmetry(bai, data, severity="nope")


N_NULL = 200  # 300 null cohorts and the power run: benchmarks/bench_asymmetry_calibration.py


@pytest.mark.slow
def test_gradient_test_calibrated_under_null(bai):
    """Rejections at alpha .05 over null cohorts (N = 1000) lie in the 95% binomial interval."""
    p = np.array(
        [
            gradient_test(
                bai,
                simulate_cohort(
                    1000,
                    random_state=7000 + r,
                    asymmetry=False,
                    missing_share=0.0,
                    careless_share=0.0,
                ).data,
            )["p_value"]
            for r in range(N_NULL)
        ]
    )
    k = int((p < 0.05).sum())
    lo, hi = stats.binom.ppf([0.025, 0.975], N_NULL, 0.05)
    assert lo <= k <= hi
