"""CFA against lavaan 0.6-14 on Holzinger & Swineford (1939).

Reference values: tests/reference/cfa_holzinger_swineford.R -> .json (full precision).
Tolerance 1e-3 (absolute) for every estimate, standard error and fit measure, as STYLE.md asks
for iterative fits; the engine typically agrees to 1e-5.
"""

from __future__ import annotations

import json
import math
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
SCRIPT = REF_DIR / "cfa_holzinger_swineford.R"
REF = json.loads((REF_DIR / "cfa_holzinger_swineford.json").read_text())
TOL = 1e-3
HS = REF["model"]
VARS = [f"x{i}" for i in range(1, 10)]


def _ref_params(block: dict) -> pd.DataFrame:
    ref = pd.DataFrame(block)
    ref["rhs"] = ref["rhs"].fillna("")
    return ref


def assert_params_match(res: bk.CFAResult, block: dict, *, std: bool = True) -> None:
    ref = _ref_params(block)
    ours = res.tidy()
    merged = ours.merge(ref, on=["lhs", "op", "rhs", "group"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"]
    np.testing.assert_allclose(merged["estimate"], merged["est"], atol=TOL, rtol=0)
    free = merged["free"].to_numpy(dtype=bool)
    np.testing.assert_allclose(merged.loc[free, "se_x"], merged.loc[free, "se_y"], atol=TOL)
    if std:
        np.testing.assert_allclose(merged["std_lv_x"], merged["std_lv_y"], atol=TOL)
        np.testing.assert_allclose(merged["std_all_x"], merged["std_all_y"], atol=TOL)


def assert_fit_matches(res: bk.CFAResult, ref_fit: dict) -> None:
    compared = 0
    for ours, theirs in LAVAAN_FIT_NAMES.items():
        if ours not in res.fit_measures.index or theirs not in ref_fit:
            continue
        want = ref_fit[theirs]
        got = float(res.fit_measures[ours])
        if want is None:
            assert math.isnan(got), ours
            continue
        assert got == pytest.approx(want, abs=TOL), f"{ours} ({theirs}): {got} vs {want}"
        compared += 1
    assert compared >= 20


@pytest.fixture(scope="module")
def fit_ml(holzinger_swineford):
    return bk.cfa(holzinger_swineford, model=HS)


def test_published_holzinger_swineford_numbers(fit_ml):
    """lavaan's tutorial: chisq 85.306, df 24, CFI .931, TLI .896, RMSEA .092 [.071, .114],
    SRMR .065 (R: fitMeasures(cfa(HS.model, data = HolzingerSwineford1939)))."""
    fm = fit_ml.fit_measures
    assert round(fm["chisq"], 3) == 85.306 and fm["df"] == 24
    assert (round(fm["cfi"], 3), round(fm["tli"], 3)) == (0.931, 0.896)
    assert (round(fm["rmsea"], 3), round(fm["rmsea_ci_low"], 3),
            round(fm["rmsea_ci_high"], 3)) == (0.092, 0.071, 0.114)
    assert round(fm["srmr"], 3) == 0.065


def test_ml_parameters_match_lavaan(fit_ml):
    """R: parameterEstimates(cfa(HS.model, data = hs), standardized = TRUE)"""
    assert_params_match(fit_ml, REF["ml"]["params"])


def test_ml_fit_measures_match_lavaan(fit_ml):
    """R: fitMeasures(cfa(HS.model, data = hs))"""
    assert_fit_matches(fit_ml, REF["ml"]["fit"])


def test_modification_indices_match_lavaan(fit_ml):
    """R: modindices(cfa(HS.model, data = hs))"""
    ref = _ref_params(REF["ml"]["modindices"]).drop(columns="group")
    ours = fit_ml.modification_indices(sort=False)
    merged = ours.merge(ref, on=["lhs", "op", "rhs"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all() and len(merged) == 54
    for col in ("mi", "epc", "sepc_lv", "sepc_all"):
        np.testing.assert_allclose(merged[f"{col}_x"], merged[f"{col}_y"], atol=TOL)


def test_composite_reliability_and_ave_match_semtools(fit_ml):
    """R: semTools::compRelSEM(fit); semTools::AVE(fit)"""
    rel = fit_ml.reliability.set_index("factor")
    for f in ("visual", "textual", "speed"):
        assert rel.loc[f, "omega"] == pytest.approx(REF["ml"]["omega"][f], abs=1e-6)
        assert rel.loc[f, "ave"] == pytest.approx(REF["ml"]["ave"][f], abs=1e-6)


def test_correlation_residuals_match_lavaan(fit_ml):
    """R: resid(fit, type = "cor.bentler")$cov (the residuals SRMR averages)"""
    res = fit_ml.residuals(type="cor")
    names = REF["ml"]["ov_names"]
    got = {}
    for _, r in res.iterrows():
        i, j = names.index(r["lhs"]), names.index(r["rhs"])
        got[(max(i, j), min(i, j))] = r["residual"]
    want = REF["ml"]["resid_cor"]  # lower triangle, column-major
    k = 0
    for j in range(9):
        for i in range(j, 9):
            assert got[(i, j)] == pytest.approx(want[k], abs=TOL)
            k += 1


def test_mlr_matches_lavaan(holzinger_swineford):
    """R: cfa(HS.model, data = hs, estimator = "MLR"); parameterEstimates(); fitMeasures()"""
    res = bk.cfa(holzinger_swineford, model=HS, estimator="MLR")
    assert_params_match(res, REF["mlr"]["params"])
    assert_fit_matches(res, REF["mlr"]["fit"])
    fm = res.fit_measures
    assert fm["scaling_factor"] == pytest.approx(REF["mlr"]["fit"]["chisq.scaling.factor"],
                                                 abs=1e-4)
    assert {"cfi_robust", "rmsea_robust", "chisq_scaled"} <= set(res.glance().columns)


def test_std_lv_matches_lavaan(holzinger_swineford):
    """R: cfa(HS.model, data = hs, std.lv = TRUE)"""
    res = bk.cfa(holzinger_swineford, model=HS, std_lv=True)
    assert_params_match(res, REF["std_lv"]["params"])
    assert_fit_matches(res, REF["std_lv"]["fit"])


def test_meanstructure_matches_lavaan(holzinger_swineford):
    """R: cfa(HS.model, data = hs, meanstructure = TRUE)"""
    res = bk.cfa(holzinger_swineford, model=HS, meanstructure=True)
    assert_params_match(res, REF["meanstructure"]["params"])
    assert_fit_matches(res, REF["meanstructure"]["fit"])


def test_summary_statistics_match_lavaan(holzinger_swineford):
    """R: cfa(HS.model, sample.cov = cov(hs[, vars]), sample.nobs = 301)"""
    cov = holzinger_swineford[VARS].cov()
    res = bk.cfa(model=HS, sample_cov=cov, sample_nobs=len(holzinger_swineford))
    assert_params_match(res, REF["sample_cov"]["params"])
    assert_fit_matches(res, REF["sample_cov"]["fit"])


def test_higher_order_matches_lavaan(holzinger_swineford):
    """R: cfa(paste(HS.model, "g =~ visual + textual + speed"), data = hs)"""
    res = bk.cfa(holzinger_swineford, model=REF["ho_model"])
    assert_params_match(res, REF["higher_order"]["params"])
    assert_fit_matches(res, REF["higher_order"]["fit"])


def test_regression_on_covariates_matches_lavaan(holzinger_swineford):
    """R: cfa("visual =~ x1+x2+x3; textual =~ x4+x5+x6; visual + textual ~ ageyr + sex",
    data = hs) (fixed.x covariates); also modindices()"""
    res = bk.cfa(holzinger_swineford, model=REF["mimic_model"])
    assert_params_match(res, REF["mimic"]["params"])
    assert_fit_matches(res, REF["mimic"]["fit"])
    ref = _ref_params(REF["mimic"]["modindices"]).drop(columns="group")
    ours = res.modification_indices(sort=False)
    merged = ours.merge(ref, on=["lhs", "op", "rhs"], how="inner")
    assert len(merged) == len(ref)
    np.testing.assert_allclose(merged["mi_x"], merged["mi_y"], atol=TOL)


def test_labels_fixed_covariance_score_tests_and_anova(holzinger_swineford, fit_ml):
    """R: fit_eq <- cfa("visual =~ x1 + a*x2 + a*x3; ...; textual ~~ 0*speed", data = hs);
    lavTestScore(fit_eq); modindices(fit_eq); anova(fit_eq, fit)"""
    eq = REF["equality"]
    res = bk.cfa(holzinger_swineford, model=REF["eq_model"])
    assert_params_match(res, eq["params"])
    assert_fit_matches(res, eq["fit"])
    total, uni = res.score_tests()
    assert total["x2"] == pytest.approx(eq["score_total"]["X2"], abs=TOL)
    assert list(uni["rhs"]) == eq["score_uni"]["rhs"]
    np.testing.assert_allclose(uni["x2"], eq["score_uni"]["x2"], atol=TOL)
    ref_mi = _ref_params(eq["modindices"]).drop(columns="group")
    merged = res.modification_indices(sort=False).merge(ref_mi, on=["lhs", "op", "rhs"])
    assert len(merged) == len(ref_mi)
    np.testing.assert_allclose(merged["mi_x"], merged["mi_y"], atol=TOL)
    np.testing.assert_allclose(merged["sepc_all_x"], merged["sepc_all_y"], atol=TOL)
    table = bk.compare_models(res, fit_ml).table
    a = REF["anova_ml"]
    np.testing.assert_allclose(table["df"], a["df"])
    np.testing.assert_allclose(table["chisq"], a["chisq"], atol=TOL)
    np.testing.assert_allclose(table["aic"], a["aic"], atol=TOL)
    np.testing.assert_allclose(table["bic"], a["bic"], atol=TOL)
    assert table["chisq_diff"].iloc[1] == pytest.approx(a["chisq_diff"][1], abs=TOL)
    assert table["p_value"].iloc[1] == pytest.approx(a["p_value"][1], abs=1e-6)
    assert table["rmsea_diff"].iloc[1] == pytest.approx(a["rmsea"][1], abs=TOL)


@pytest.mark.r
def test_reference_script_reproduces_stored_values(tmp_path):
    """Re-run tests/reference/cfa_holzinger_swineford.R and compare with the stored JSON."""
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript is not installed")
    out = tmp_path / "cfa.json"
    root = Path(__file__).resolve().parent.parent
    subprocess.run(["Rscript", str(SCRIPT), str(out)], cwd=root, check=True,
                   capture_output=True, timeout=600)
    fresh = json.loads(out.read_text())
    _assert_same_json(fresh, REF)
