"""CFA with incomplete data by FIML (``missing="fiml"``) against lavaan 0.6-14 (``missing = "ml"``).

Data: Holzinger & Swineford (1939) with 10% of x1-x9 missing completely at random and two rows
with every item missing, written by tests/reference/cfa_fiml.R to
tests/reference/data/hs_missing.csv (both sides read that file). Reference values:
tests/reference/cfa_fiml.json (full precision). Tolerance 1e-3 (absolute) for every estimate,
standard error and fit measure, as STYLE.md asks for iterative fits; the engine agrees to about
1e-5 (lavaan's own convergence tolerance).
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
from burnoutkit.factors._sem_robust import hessian_x
from burnoutkit.factors.cfa import LAVAAN_FIT_NAMES

_assert_same_json = partial(assert_same_json, rel=1e-8, abs_tol=1e-10)

REF_DIR = Path(__file__).parent / "reference"
SCRIPT = REF_DIR / "cfa_fiml.R"
DATA = REF_DIR / "data" / "hs_missing.csv"
REF = json.loads((REF_DIR / "cfa_fiml.json").read_text())
TOL = 1e-3
HS = REF["model"]


@pytest.fixture(scope="module")
def hs_missing() -> pd.DataFrame:
    return pd.read_csv(DATA)


@pytest.fixture(scope="module")
def fit_single(hs_missing):
    with pytest.warns(bk.ListwiseDeletionWarning, match="every model variable missing"):
        return bk.cfa(hs_missing, model=HS, missing="fiml")


@pytest.fixture(scope="module")
def fit_invariance(hs_missing):
    with pytest.warns(bk.ListwiseDeletionWarning, match="2 with every model variable missing"):
        return bk.invariance(hs_missing, model=HS, group="school", missing="fiml",
                             levels=["configural", "metric", "scalar"])


def assert_params_match(res: bk.CFAResult, block: dict, *, std_lv: bool = True) -> None:
    ref = pd.DataFrame(block)
    ref["rhs"] = ref["rhs"].fillna("")
    merged = res.tidy().merge(ref, on=["lhs", "op", "rhs", "group"], how="outer",
                              indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"]
    np.testing.assert_allclose(merged["estimate"], merged["est"], atol=TOL, rtol=0)
    free = merged["free"].to_numpy(dtype=bool)
    np.testing.assert_allclose(merged.loc[free, "se_x"], merged.loc[free, "se_y"], atol=TOL)
    np.testing.assert_allclose(merged["std_all_x"], merged["std_all_y"], atol=TOL)
    if std_lv:
        np.testing.assert_allclose(merged["std_lv_x"], merged["std_lv_y"], atol=TOL)


def assert_fit_matches(res: bk.CFAResult, ref_fit: dict) -> None:
    compared = 0
    for ours, theirs in LAVAAN_FIT_NAMES.items():
        if ours not in res.fit_measures.index or theirs not in ref_fit:
            continue
        want, got = ref_fit[theirs], float(res.fit_measures[ours])
        if want is None:
            assert math.isnan(got), ours
            continue
        assert got == pytest.approx(want, abs=TOL), f"{ours} ({theirs}): {got} vs {want}"
        compared += 1
    assert compared >= 20


# --------------------------------------------------------------------------- single group
def test_fiml_keeps_incomplete_rows_and_drops_empty_ones(fit_single):
    """R: lavInspect(cfa(HS.model, data = hs_missing, missing = "ml"), "ntotal") (299 of 301;
    lavaan warns that 2 cases are empty)"""
    assert fit_single.n_obs == REF["single"]["info"]["ntotal"] == 299
    assert fit_single.n_dropped == 2
    assert fit_single.missing == "fiml"
    assert fit_single.converged


def test_fiml_parameters_match_lavaan(fit_single):
    """R: parameterEstimates(cfa(HS.model, data = hs_missing, missing = "ml"),
    standardized = TRUE) (standard errors from the observed information, lavaan's default)"""
    assert REF["single"]["info"]["information"][0] == "observed"
    assert_params_match(fit_single, REF["single"]["params"])


def test_fiml_fit_measures_match_lavaan(fit_single):
    """R: fitMeasures(cfa(HS.model, data = hs_missing, missing = "ml")) (chisq against the EM
    h1 model, FIML baseline, CFI, TLI, RMSEA and its interval, SRMR, logl, AIC, BIC)"""
    assert_fit_matches(fit_single, REF["single"]["fit"])


def test_fiml_em_moments_match_lavaan(fit_single):
    """R: lavInspect(fit, "sampstat.h1") (EM estimates of the unrestricted model)"""
    raw = fit_single.residuals(type="raw")
    names = REF["single"]["ov_names"]
    p = len(names)
    cov = np.asarray(REF["single"]["h1_cov"]).reshape(p, p, order="F")
    mean = np.asarray(REF["single"]["h1_mean"])
    for _, r in raw.iterrows():
        i = names.index(r["lhs"])
        want = mean[i] if r["op"] == "~1" else cov[i, names.index(r["rhs"])]
        assert r["observed"] == pytest.approx(want, abs=1e-6)


def test_fiml_correlation_residuals_match_lavaan(fit_single):
    """R: resid(fit, type = "cor.bentler")$cov (observed moments: the EM estimates)"""
    res = fit_single.residuals(type="cor")
    names = REF["single"]["ov_names"]
    got = {}
    for _, r in res[res["op"] == "~~"].iterrows():
        i, j = names.index(r["lhs"]), names.index(r["rhs"])
        got[(max(i, j), min(i, j))] = r["residual"]
    want = REF["single"]["resid_cor"]  # lower triangle, column-major
    k = 0
    for j in range(len(names)):
        for i in range(j, len(names)):
            assert got[(i, j)] == pytest.approx(want[k], abs=TOL)
            k += 1


def test_fiml_reliability_matches_semtools(fit_single):
    """R: semTools::compRelSEM(fit); semTools::AVE(fit) (fit with missing = "ml")"""
    rel = fit_single.reliability.set_index("factor")
    for f in ("visual", "textual", "speed"):
        assert rel.loc[f, "omega"] == pytest.approx(REF["single"]["omega"][f], abs=TOL)
        assert rel.loc[f, "ave"] == pytest.approx(REF["single"]["ave"][f], abs=TOL)


def test_fiml_higher_order_matches_lavaan(hs_missing):
    """R: cfa(paste(HS.model, "g =~ visual + textual + speed"), data = hs_missing,
    missing = "ml") (standard errors from the numerical Hessian of the analytic gradient)"""
    with pytest.warns(bk.ListwiseDeletionWarning):
        res = bk.cfa(hs_missing, model=REF["ho_model"], missing="fiml")
    assert_params_match(res, REF["higher_order"]["params"])
    assert_fit_matches(res, REF["higher_order"]["fit"])


# --------------------------------------------------------------------------- groups
def test_fiml_multigroup_configural_matches_lavaan(hs_missing):
    """R: cfa(HS.model, data = hs_missing, missing = "ml", group = "school")"""
    with pytest.warns(bk.ListwiseDeletionWarning):
        res = bk.cfa(hs_missing, model=HS, group="school", missing="fiml")
    assert res.n_obs_by_group == tuple(REF["configural"]["info"]["nobs"])
    assert_params_match(res, REF["configural"]["params"])
    assert_fit_matches(res, REF["configural"]["fit"])


@pytest.mark.parametrize("level", ["configural", "metric", "scalar"])
def test_fiml_invariance_levels_match_lavaan(fit_invariance, level):
    """R: cfa(HS.model, data = hs_missing, missing = "ml", group = "school",
    group.equal = c("loadings", "intercepts")[seq_len(k)]) for configural, metric, scalar"""
    res = fit_invariance.models[level]
    assert res.missing == "fiml"
    assert_params_match(res, REF[level]["params"], std_lv=False)
    assert_fit_matches(res, REF[level]["fit"])


def test_fiml_invariance_difference_tests_match_lavaan(fit_invariance):
    """R: lavTestLRT(fit_configural, fit_metric, fit_scalar) (all with missing = "ml")"""
    a = REF["anova"]
    cmp_ = fit_invariance.comparisons
    np.testing.assert_allclose(fit_invariance.fit_table["df"], a["df"])
    np.testing.assert_allclose(fit_invariance.fit_table["chisq"], a["chisq"], atol=TOL)
    np.testing.assert_allclose(cmp_["chisq_diff"], a["chisq_diff"][1:], atol=TOL)
    np.testing.assert_allclose(cmp_["df_diff"], a["df_diff"][1:])
    np.testing.assert_allclose(cmp_["p_value_diff"], a["p_value"][1:], atol=1e-6)


# --------------------------------------------------------------------------- engine checks
def test_fiml_gradient_and_hessian_are_the_derivatives_of_the_objective(fit_single):
    """Analytic gradient and observed information against central differences of fx."""
    st = fit_single._state
    model = st.model
    theta = st.theta + 0.01  # away from the optimum, where the gradient is not zero
    g = model.gradient(theta)
    h = 1e-6
    num = np.array([
        (model.objective(theta + h * e) - model.objective(theta - h * e)) / (2 * h)
        for e in np.eye(len(theta))
    ])
    np.testing.assert_allclose(g, num, atol=1e-7)
    x = model.x_from_theta(theta)
    analytic = model.hessian_x(model.states(theta))
    np.testing.assert_allclose(analytic, hessian_x(model, x), atol=1e-6)


def test_fiml_on_complete_data_equals_ml_with_means(holzinger_swineford):
    """With no missing values FIML is ML with a mean structure: R: cfa(HS.model, data = hs,
    missing = "ml") and cfa(HS.model, data = hs, meanstructure = TRUE) agree (chisq 85.306)."""
    fiml = bk.cfa(holzinger_swineford, model=HS, missing="fiml")
    ml = bk.cfa(holzinger_swineford, model=HS, meanstructure=True)
    assert fiml.n_dropped == 0
    np.testing.assert_allclose(fiml.tidy()["estimate"], ml.tidy()["estimate"], atol=1e-5)
    for k in ("chisq", "baseline_chisq", "loglik", "loglik_h1", "srmr", "bic"):
        assert fiml.fit_measures[k] == pytest.approx(ml.fit_measures[k], abs=1e-5), k
    assert round(fiml.chisq, 3) == 85.306


def test_fiml_does_not_mutate_the_data(hs_missing):
    before = hs_missing.copy()
    with pytest.warns(bk.ListwiseDeletionWarning):
        bk.cfa(hs_missing, model=HS, missing="fiml")
    pd.testing.assert_frame_equal(hs_missing, before)


# --------------------------------------------------------------------------- what is refused
def test_fiml_refuses_mlr_naming_the_alternatives(hs_missing):
    with pytest.raises(bk.BurnoutkitError, match=r"not supported yet.*estimator='ML'"):
        bk.cfa(hs_missing, model=HS, missing="fiml", estimator="MLR")
    with pytest.raises(bk.BurnoutkitError, match="not supported yet"):
        bk.invariance(hs_missing, model=HS, group="school", missing="fiml", estimator="MLR")


def test_fiml_refuses_summary_statistics_and_no_means(holzinger_swineford):
    cov = holzinger_swineford[[f"x{i}" for i in range(1, 10)]].cov()
    with pytest.raises(bk.BurnoutkitError, match="needs the raw data"):
        bk.cfa(model=HS, sample_cov=cov, sample_nobs=301, missing="fiml")
    with pytest.raises(bk.BurnoutkitError, match="meanstructure=False"):
        bk.cfa(holzinger_swineford, model=HS, missing="fiml", meanstructure=False)
    with pytest.raises(bk.BurnoutkitError, match="'missing' parameter of cfa"):
        bk.cfa(holzinger_swineford, model=HS, missing="available")
    with pytest.raises(bk.BurnoutkitError, match="belongs to the ordinal estimators"):
        bk.cfa(holzinger_swineford, model=HS, missing="pairwise")


def test_fiml_refuses_score_tests_until_supported(fit_single, fit_invariance):
    with pytest.raises(bk.BurnoutkitError, match="missing='fiml'"):
        fit_single.modification_indices()
    with pytest.raises(bk.BurnoutkitError, match="missing='fiml'"):
        bk.invariance_sources(fit_invariance, level="scalar")


def test_fiml_names_items_never_observed_together(hs_missing):
    data = hs_missing.copy()
    data.loc[data["x1"].notna(), "x2"] = np.nan
    with pytest.raises(bk.DataError, match=r"\('x1', 'x2'\)"):
        bk.cfa(data, model=HS, missing="fiml")


# --------------------------------------------------------------------------- reference script
@pytest.mark.r
def test_reference_script_reproduces_stored_values(tmp_path):
    """Re-run tests/reference/cfa_fiml.R and compare with the stored JSON and data."""
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript is not installed")
    out, csv = tmp_path / "cfa_fiml.json", tmp_path / "hs_missing.csv"
    root = Path(__file__).resolve().parent.parent
    subprocess.run(["Rscript", str(SCRIPT), str(out), str(csv)], cwd=root, check=True,
                   capture_output=True, timeout=600)
    assert csv.read_text() == DATA.read_text()
    _assert_same_json(json.loads(out.read_text()), REF)
