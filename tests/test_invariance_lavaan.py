"""Measurement invariance by school on Holzinger & Swineford (1939) against lavaan 0.6-14.

Reference values: tests/reference/cfa_invariance_holzinger_swineford.R -> .json.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _reference import assert_same_json

import burnoutkit as bk
from burnoutkit.factors.cfa import LAVAAN_FIT_NAMES

_assert_same_json = partial(assert_same_json, rel=1e-8, abs_tol=1e-10)

REF_DIR = Path(__file__).parent / "reference"
SCRIPT = REF_DIR / "cfa_invariance_holzinger_swineford.R"
REF = json.loads((REF_DIR / "cfa_invariance_holzinger_swineford.json").read_text())
TOL = 1e-3
HS = REF["model"]
LEVELS = ["configural", "metric", "scalar", "strict"]


def assert_params_match(res: bk.CFAResult, block: dict, *, std: bool = True) -> None:
    ref = pd.DataFrame(block).fillna({"rhs": ""})
    merged = res.tidy().merge(ref, on=["lhs", "op", "rhs", "group"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"]
    np.testing.assert_allclose(merged["estimate"], merged["est"], atol=TOL, rtol=0)
    free = merged["free"].to_numpy(dtype=bool)
    np.testing.assert_allclose(merged.loc[free, "se_x"], merged.loc[free, "se_y"], atol=TOL)


def assert_fit_matches(res: bk.CFAResult, ref_fit: dict) -> None:
    compared = 0
    for ours, theirs in LAVAAN_FIT_NAMES.items():
        if ours in res.fit_measures.index and ref_fit.get(theirs) is not None:
            got, want = float(res.fit_measures[ours]), ref_fit[theirs]
            assert got == pytest.approx(want, abs=TOL), f"{ours} ({theirs}): {got} vs {want}"
            compared += 1
    assert compared >= 20

@pytest.fixture(scope="module")
def inv_ml(holzinger_swineford):
    return bk.invariance(holzinger_swineford, model=HS, group="school", levels=LEVELS)


@pytest.fixture(scope="module")
def inv_mlr(holzinger_swineford):
    return bk.invariance(holzinger_swineford, model=HS, group="school", levels=LEVELS[:3],
                         estimator="MLR")


def test_published_chisq_and_df(inv_ml):
    """lavaan's tutorial: configural / metric / scalar chisq 115.851 / 124.044 / 164.103 on
    df 48 / 54 / 60 (R: cfa(HS.model, data, group = "school", group.equal = ...))."""
    t = inv_ml.fit_table.set_index("level")
    assert [round(t.loc[lev, "chisq"], 3) for lev in LEVELS[:3]] == [115.851, 124.044, 164.103]
    assert [int(t.loc[lev, "df"]) for lev in LEVELS[:3]] == [48, 54, 60]
    assert inv_ml.group_labels == tuple(REF["group_labels"])


@pytest.mark.parametrize("level", LEVELS)
def test_each_level_matches_lavaan(inv_ml, level):
    """R: cfa(HS.model, data = hs, group = "school", group.equal = <level>);
    parameterEstimates(); fitMeasures()"""
    res = inv_ml.models[level]
    assert_params_match(res, REF["ml"][level]["params"], std=False)
    assert_fit_matches(res, REF["ml"][level]["fit"])
    merged = res.tidy().merge(pd.DataFrame(REF["ml"][level]["params"]).fillna({"rhs": ""}),
                              on=["lhs", "op", "rhs", "group"])
    np.testing.assert_allclose(merged["std_all_x"], merged["std_all_y"], atol=TOL)


def test_difference_tests_match_lavaan(inv_ml):
    """R: lavTestLRT(configural, metric, scalar, strict)"""
    a = REF["lrt_ml"]
    cmp_ = inv_ml.comparisons
    np.testing.assert_allclose(cmp_["chisq_diff"], a["chisq_diff"][1:], atol=TOL)
    np.testing.assert_allclose(cmp_["df_diff"], a["df_diff"][1:])
    np.testing.assert_allclose(cmp_["p_value_diff"], a["p_value"][1:], atol=1e-6)
    np.testing.assert_allclose(inv_ml.fit_table["aic"], a["aic"], atol=TOL)
    np.testing.assert_allclose(inv_ml.fit_table["bic"], a["bic"], atol=TOL)


@pytest.mark.parametrize("level", ["configural", "metric", "scalar"])
def test_mlr_levels_match_lavaan(inv_mlr, level):
    """R: cfa(..., group = "school", group.equal = <level>, estimator = "MLR")"""
    res = inv_mlr.models[level]
    assert_params_match(res, REF["mlr"][level]["params"], std=False)
    assert_fit_matches(res, REF["mlr"][level]["fit"])


def test_mlr_scaled_difference_tests_match_lavaan(inv_mlr):
    """R: lavTestLRT(configural, metric, scalar) with MLR fits (method "satorra.bentler.2001")"""
    a = REF["lrt_mlr"]
    np.testing.assert_allclose(inv_mlr.comparisons["chisq_diff"], a["chisq_diff"][1:], atol=TOL)
    np.testing.assert_allclose(inv_mlr.comparisons["p_value_diff"], a["p_value"][1:], atol=1e-5)
    table = bk.compare_models(*inv_mlr.models.values()).table
    assert table.loc[2, "chisq_diff"] == pytest.approx(a["chisq_diff"][2], abs=TOL)


@pytest.mark.parametrize("level", ["metric", "scalar"])
def test_score_tests_match_lavtestscore(inv_ml, level):
    """R: lavTestScore(fit_<level>) (total and univariate tests of each released constraint)"""
    ref = REF[f"score_{level}"]
    total, uni = inv_ml.models[level].score_tests()
    assert total["x2"] == pytest.approx(ref["total"]["X2"], abs=TOL)
    assert total["df"] == ref["total"]["df"]
    assert list(uni["lhs"]) == ref["lhs"] and list(uni["rhs"].fillna("")) == [
        r or "" for r in ref["rhs"]
    ]
    np.testing.assert_allclose(uni["x2"], ref["x2"], atol=TOL)
    np.testing.assert_allclose(uni["p_value"], ref["p_value"], atol=1e-5)


def test_sources_rank_lavaan_largest_intercept_tests(inv_ml):
    """R: lavTestScore(scalar)$uni: .p27. == .p63. (x3 ~ 1) and .p31. == .p67. (x7 ~ 1) lead."""
    src = inv_ml.sources("scalar")
    assert list(src["item"][:2]) == ["x3", "x7"]
    assert set(src["parameter"][:2]) == {"intercept"}
    assert (src["p_holm"] >= src["p_value"]).all()


def test_partial_invariance_matches_lavaan(holzinger_swineford):
    """R: cfa(..., group.equal = c("loadings", "intercepts"),
    group.partial = c("x3 ~ 1", "x7 ~ 1")); lavTestScore()"""
    res = bk.invariance(holzinger_swineford, model=HS, group="school",
                        levels=["configural", "metric", "scalar"], free=["x3 ~ 1", "x7 ~ 1"])
    scalar = res.models["scalar"]
    assert_params_match(scalar, REF["partial"]["params"], std=False)
    assert_fit_matches(scalar, REF["partial"]["fit"])
    _, uni = scalar.score_tests()
    np.testing.assert_allclose(uni["x2"], REF["partial"]["score"]["x2"], atol=TOL)


def test_metric_with_std_lv_frees_later_variances(holzinger_swineford):
    """R: cfa(..., group = "school", group.equal = "loadings", std.lv = TRUE)"""
    res = bk.cfa(holzinger_swineford, model=HS, group="school", group_equal=["loadings"],
                 std_lv=True)
    assert_params_match(res, REF["metric_std_lv"]["params"], std=False)
    assert_fit_matches(res, REF["metric_std_lv"]["fit"])


def test_multigroup_modification_indices(inv_ml):
    """R: modindices(fit_scalar)"""
    ref = pd.DataFrame(REF["modindices_scalar"]).fillna({"rhs": ""})
    ours = inv_ml.models["scalar"].modification_indices(sort=False)
    merged = ours.merge(ref, on=["lhs", "op", "rhs", "group"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()
    for col in ("mi", "epc", "sepc_all"):
        np.testing.assert_allclose(merged[f"{col}_x"], merged[f"{col}_y"], atol=TOL)


@pytest.mark.r
def test_reference_script_reproduces_stored_values(tmp_path):
    """Re-run tests/reference/cfa_invariance_holzinger_swineford.R and compare."""
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript is not installed")
    out = tmp_path / "inv.json"
    root = Path(__file__).resolve().parent.parent
    subprocess.run(["Rscript", str(SCRIPT), str(out)], cwd=root, check=True,
                   capture_output=True, timeout=600)
    _assert_same_json(json.loads(out.read_text()), REF)
