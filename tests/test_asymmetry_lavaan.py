"""Every latent model of ``bk.asymmetry`` agrees with lavaan on the same syntax and data.

R: see ``tests/reference/asymmetry_lavaan.R``; each model is fitted with
``lavaan::cfa(syntax, data = d, std.lv = ..., estimator = "ML")`` and compared through
``parameterEstimates(fit, standardized = TRUE)`` and ``fitMeasures(fit, c("chisq", "df", "cfi"))``.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import burnoutkit as bk
from burnoutkit.asymmetry import (
    _wald_equal,
    comparability_models,
    separability_models,
    severity_models,
)

REF_DIR = Path(__file__).resolve().parent / "reference"
SCRIPT = REF_DIR / "asymmetry_lavaan.R"
REF = json.loads((REF_DIR / "asymmetry_lavaan.json").read_text())
DATA = pd.read_csv(REF_DIR / "data" / "asymmetry_input.csv")
TOL = 1e-3


def _models() -> dict[str, tuple[str, bool]]:
    bank = bk.load_bank("bai")
    pairs = bank.pairs
    gi, li = [g for g, _ in pairs], [x for _, x in pairs]
    core = {s: bank.items_of(s) for s in bank.scales_of("core")}
    m = {k: (v, True) for k, v in separability_models(gi, li, pairs).items()}
    m |= {k: (v, False) for k, v in comparability_models(pairs).items()}
    sv = severity_models(gi, li, pairs, core=core)
    m["severity_free"] = (sv["free"], True)
    m["severity_equal"] = (sv["equal"], True)
    m["severity_no_method"] = (
        severity_models(gi, li, pairs, core=core, method_factor=False)["free"],
        True,
    )
    return m


MODELS = _models()


def test_reference_data_and_syntax_match():
    assert REF["n"] == len(DATA)
    assert set(REF["models"]) == set(MODELS)
    text = SCRIPT.read_text()
    for syntax, _ in MODELS.values():
        assert syntax in text


@pytest.mark.parametrize("name", sorted(MODELS))
def test_model_matches_lavaan(name):
    """R: lavaan::cfa(models[[name]]$syntax, data = d, std.lv = models[[name]]$std_lv)."""
    syntax, std_lv = MODELS[name]
    with np.errstate(invalid="ignore", divide="ignore"):
        fit = bk.cfa(DATA, model=syntax, std_lv=std_lv)
    ref = REF["models"][name]
    assert fit.chisq == pytest.approx(ref["chisq"], abs=TOL * max(1, ref["chisq"]))
    assert fit.df == ref["df"]
    assert fit.cfi == pytest.approx(ref["cfi"], abs=TOL)
    r = pd.DataFrame({k: ref[k] for k in ("lhs", "op", "rhs", "est", "se")})
    r["rhs"] = r["rhs"].fillna("")
    ours = fit.parameters[fit.parameters["op"] != "=="].copy()
    ours["rhs"] = ours["rhs"].fillna("")
    for t in (ours, r):  # a covariance may be written either way round
        cov = t["op"] == "~~"
        a, b = t.loc[cov, "lhs"].copy(), t.loc[cov, "rhs"].copy()
        t.loc[cov, "lhs"], t.loc[cov, "rhs"] = np.minimum(a, b), np.maximum(a, b)
    merged = ours.merge(r, on=["lhs", "op", "rhs"], how="inner")
    assert len(merged) == len(ours)
    # sign of the acquiescence factor is arbitrary: align it with lavaan's
    sign = np.ones(len(merged))
    acq = ((merged["lhs"] == "ACQ") & (merged["op"] == "=~")).to_numpy()
    if acq.any() and np.sign(merged.loc[acq, "estimate"].iloc[0]) != np.sign(
        merged.loc[acq, "est"].iloc[0]
    ):
        sign[acq] = -1
    np.testing.assert_allclose(
        merged["estimate"] * sign, merged["est"].astype(float), atol=TOL, rtol=TOL
    )
    ours_se, ref_se = merged["se_x"].astype(float), merged["se_y"].astype(float)
    free = (ref_se > 0).to_numpy() & ours_se.notna().to_numpy()
    assert free.sum() > 0
    np.testing.assert_allclose(ours_se[free], ref_se[free], atol=TOL, rtol=TOL)


@pytest.fixture(scope="module")
def severity_fit():
    syntax, std_lv = MODELS["severity_free"]
    with np.errstate(invalid="ignore", divide="ignore"):
        return bk.cfa(DATA, model=syntax, std_lv=std_lv)


def test_wald_test_of_equal_slopes_matches_lavaan(severity_fit):
    """R: lavTestWald(fit_sev, constraints = "b1 == b2")."""
    w = _wald_equal(severity_fit, "b1", "b2")
    assert w["statistic"] == pytest.approx(REF["wald"]["stat"], rel=TOL)
    assert w["p_value"] == pytest.approx(REF["wald"]["p_value"], abs=TOL)


def test_standardized_slope_se_match_lavaan(severity_fit):
    """R: standardizedSolution(fit_sev, type = "std.all") rows G ~ B and L ~ B."""
    std = severity_fit.standardized_solution()
    ref = REF["std_slopes"]
    for k, lhs in enumerate(ref["lhs"]):
        r = std[(std["lhs"] == lhs) & (std["op"] == "~") & (std["rhs"] == "B")].iloc[0]
        assert r["std_all"] == pytest.approx(ref["est_std"][k], abs=TOL)
        assert r["se"] == pytest.approx(ref["se"][k], abs=TOL)
        assert r["ci_low"] == pytest.approx(ref["ci_lower"][k], abs=TOL)
        assert r["ci_high"] == pytest.approx(ref["ci_upper"][k], abs=TOL)


def test_latent_index_factor_scores_match_lavpredict():
    """R: lavPredict(fit_scalar, method = "regression")."""
    syntax, std_lv = MODELS["scalar"]
    fit = bk.cfa(DATA, model=syntax, std_lv=std_lv)
    fs = fit.predict(DATA)
    ref = REF["factor_scores"]
    np.testing.assert_allclose(fs["G"], ref["G"], atol=TOL)
    np.testing.assert_allclose(fs["L"], ref["L"], atol=TOL)
    np.testing.assert_allclose(
        fs["L"] - fs["G"], np.asarray(ref["L"]) - np.asarray(ref["G"]), atol=TOL
    )


@pytest.mark.r
def test_script_reproduces_reference(tmp_path):
    """Rscript tests/reference/asymmetry_lavaan.R <tmp>.json gives the stored values."""
    out = tmp_path / "asymmetry_lavaan.json"
    subprocess.run(["Rscript", str(SCRIPT), str(out)], check=True, capture_output=True)
    new = json.loads(out.read_text())
    for name, ref in REF["models"].items():
        assert new["models"][name]["chisq"] == pytest.approx(ref["chisq"], rel=1e-8)
        np.testing.assert_allclose(new["models"][name]["est"], ref["est"], rtol=1e-8)
    assert new["wald"]["stat"] == pytest.approx(REF["wald"]["stat"], rel=1e-8)
    np.testing.assert_allclose(new["std_slopes"]["se"], REF["std_slopes"]["se"], rtol=1e-8)
    np.testing.assert_allclose(new["factor_scores"]["L"], REF["factor_scores"]["L"], rtol=1e-8)
