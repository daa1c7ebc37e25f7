"""Ordinal measurement invariance (WLSMV) against lavaan 0.6-14 and semTools 0.5-6.

Reference values: tests/reference/invariance_wlsmv.R -> .json: the models of
``semTools::measEq.syntax(ID.fac = "std.lv", ID.cat = "Wu.Estabrook.2016")`` for the sequence
configural, thresholds, thresholds + loadings, thresholds + loadings + intercepts (and + residual
variances with the theta parameterization), fitted by ``lavaan::cfa(estimator = "WLSMV")``, with
the scaled-shifted difference tests of ``lavTestLRT`` (Satorra 2000). Data: the
Holzinger-Swineford items cut into 3-5 categories by school, and the reference cohort's BAI core
scales by form. Tolerance 1e-3 (absolute) for estimates, standard errors, fit measures and
difference tests (baseline chi-squares: plus a relative 1e-7).
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _reference import assert_same_json
from test_cfa_wlsmv import assert_fit_matches, cut_holzinger_swineford

import burnoutkit as bk
from burnoutkit.datasets import load_reference_cohort
from burnoutkit.errors import BurnoutkitError

REF_DIR = Path(__file__).parent / "reference"
SCRIPT = REF_DIR / "invariance_wlsmv.R"
REF = json.loads((REF_DIR / "invariance_wlsmv.json").read_text())
TOL = 1e-3


@pytest.fixture(scope="module")
def hs_cut(holzinger_swineford) -> pd.DataFrame:
    return cut_holzinger_swineford(holzinger_swineford)


def assert_sequence_matches(res: bk.InvarianceResult, ref: dict) -> None:
    assert list(res.levels) == ref["levels"]
    for lev in ref["levels"]:
        fit = res.models[lev]
        want = pd.DataFrame(ref["params"][lev])
        want["rhs"] = want["rhs"].fillna("")
        merged = fit.tidy().merge(want, on=["lhs", "op", "rhs", "group"], how="outer",
                                  indicator=True)
        assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"]
        np.testing.assert_allclose(merged["estimate"], merged["est"], atol=TOL, rtol=0)
        free = merged["free"].to_numpy(dtype=bool)
        np.testing.assert_allclose(merged.loc[free, "se_x"], merged.loc[free, "se_y"],
                                   atol=TOL)
        assert_fit_matches(fit, ref["fit"][lev], minimum=25)
    lrt = ref["lrt"]
    cmp_ = res.comparisons
    np.testing.assert_allclose(cmp_["chisq_diff"], lrt["chisq_diff"][1:], atol=TOL)
    np.testing.assert_array_equal(cmp_["df_diff"], lrt["df_diff"][1:])
    np.testing.assert_allclose(cmp_["p_value_diff"], lrt["p_value"][1:], atol=TOL)


def test_wu_estabrook_sequence_matches_semtools(hs_cut):
    """R: measEq.syntax(..., ID.fac = "std.lv", ID.cat = "Wu.Estabrook.2016",
    group.equal = <level>) fitted by cfa(estimator = "WLSMV"); lavTestLRT(configural,
    thresholds, metric, scalar)."""
    res = bk.invariance(hs_cut, model=REF["hs_model"], group="school", estimator="WLSMV")
    assert res.levels == ("configural", "thresholds", "metric", "scalar")
    assert_sequence_matches(res, REF["hs_std"])
    # lavaan reports no robust CFI/RMSEA once thresholds are constrained; neither do we
    assert math.isnan(res.models["thresholds"].fit_measures["cfi_robust"])
    assert np.isfinite(res.models["configural"].fit_measures["cfi_robust"])
    assert list(res.comparisons["decision"]) == ["invariant", "invariant", "not invariant"]


def test_partial_invariance_matches_semtools(hs_cut):
    """R: group.partial = c("visual =~ x3", "x3 | t1", "x3 | t2", "x3 ~ 1", "x5 ~ 1"): an item
    in 'free' releases its loading, thresholds and intercept; an item whose thresholds are free
    keeps its intercept and scale fixed (Wu & Estabrook)."""
    res = bk.invariance(hs_cut, model=REF["hs_model"], group="school", estimator="WLSMV",
                        free=["x3", "x5 ~ 1"])
    assert_sequence_matches(res, REF["hs_partial"])
    scalar = res.models["scalar"].tidy()
    row = scalar.query("lhs == 'x3' and op == '~*~' and group == 2")
    assert not row["free"].iloc[0]
    row = scalar.query("lhs == 'x5' and op == '~1' and group == 2")
    assert row["free"].iloc[0]


def test_theta_parameterization_with_strict_matches_semtools(hs_cut):
    """R: parameterization = "theta", the sequence plus equal residual variances (strict)."""
    levels = ["configural", "thresholds", "metric", "scalar", "strict"]
    res = bk.invariance(hs_cut, model=REF["hs_model"], group="school", estimator="WLSMV",
                        parameterization="theta", levels=levels)
    assert_sequence_matches(res, REF["hs_theta"])


def test_cohort_by_form_matches_semtools():
    """R: the same sequence on the cohort's BAI core scales (complete cases) by form."""
    data = load_reference_cohort().data[REF["core_items"] + ["form"]].dropna()
    res = bk.invariance(data, model=REF["core_model"], group="form", estimator="WLSMV")
    assert_sequence_matches(res, REF["cohort_std"])
    assert res.glance()["estimator"].iloc[0] == "WLSMV"
    table = res.tidy()
    assert {"chisq_scaled", "cfi_scaled", "rmsea_scaled", "chisq_diff"} <= set(table.columns)


def test_ordinal_invariance_bad_input(hs_cut, holzinger_swineford):
    m = REF["hs_model"]
    with pytest.raises(BurnoutkitError, match="std_lv=True"):
        bk.invariance(hs_cut, model=m, group="school", estimator="WLSMV", std_lv=False)
    with pytest.raises(BurnoutkitError, match="parameterization='theta'"):
        bk.invariance(hs_cut, model=m, group="school", estimator="WLSMV",
                      levels=["configural", "thresholds", "metric", "scalar", "strict"])
    with pytest.raises(BurnoutkitError, match="needs ordinal items"):
        bk.invariance(holzinger_swineford, model=m, group="school",
                      levels=["configural", "thresholds"])
    res = bk.invariance(hs_cut, model=m, group="school", estimator="WLSMV",
                        levels=["configural", "thresholds"])
    with pytest.raises(BurnoutkitError, match="ordinal"):
        res.sources("thresholds")


@pytest.mark.r
def test_reference_script_reproduces_stored_values(tmp_path):
    """Re-run tests/reference/invariance_wlsmv.R and compare with the stored JSON."""
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript is not installed")
    out = tmp_path / "inv.json"
    root = Path(__file__).resolve().parent.parent
    subprocess.run(["Rscript", str(SCRIPT), str(out)], cwd=root, check=True,
                   capture_output=True, timeout=900)
    assert_same_json(json.loads(out.read_text()), REF, rel=1e-8, abs_tol=1e-10)


def test_compare_models_gives_lavtestlrt_for_ordinal_fits(hs_cut):
    """bk.compare_models on the WLSMV fits of the sequence: lavTestLRT's scaled-shifted
    differences (Satorra 2000), unscaled chi-squares, no AIC/BIC."""
    res = bk.invariance(hs_cut, model=REF["hs_model"], group="school", estimator="WLSMV")
    table = bk.compare_models(*res.models.values(), names=list(res.models)).table
    lrt = REF["hs_std"]["lrt"]
    np.testing.assert_allclose(table["chisq_diff"][1:], lrt["chisq_diff"][1:], atol=TOL)
    np.testing.assert_array_equal(table["df_diff"][1:], lrt["df_diff"][1:])
    np.testing.assert_allclose(table["p_value"][1:], lrt["p_value"][1:], atol=TOL)
    chisq = [REF["hs_std"]["fit"][level]["chisq"] for level in res.models]
    np.testing.assert_allclose(table["chisq"], chisq, atol=TOL)
    assert table[["aic", "bic"]].isna().all().all()
