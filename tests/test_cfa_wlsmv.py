"""Ordinal CFA (WLSMV / ULSMV) against lavaan 0.6-14 on public data.

Reference values: tests/reference/cfa_wlsmv_public.R -> .json (lavaan ``cfa(..., ordered =
TRUE, estimator = "WLSMV")``): the Holzinger-Swineford items cut at sample quantiles into 3, 4
and 5 categories, and the 25 bfi personality items (6 categories, complete cases). Tolerance
1e-3 (absolute) for estimates, robust standard errors, standardized values and fit measures;
chi-squares of the baseline model (in the thousands) to 1e-3 plus a relative 1e-7. The engine
typically agrees to 1e-5.
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
from burnoutkit.errors import BurnoutkitError, HeywoodCaseWarning, ListwiseDeletionWarning
from burnoutkit.factors._ordinal_fit import prepare_ordinal
from burnoutkit.factors.cfa import LAVAAN_FIT_NAMES

REF_DIR = Path(__file__).parent / "reference"
SCRIPT = REF_DIR / "cfa_wlsmv_public.R"
REF = json.loads((REF_DIR / "cfa_wlsmv_public.json").read_text())
TOL = 1e-3
HS_VARS = [f"x{i}" for i in range(1, 10)]
BFI_ITEMS = [f"{t}{i}" for t in "ACENO" for i in range(1, 6)]


def cut_holzinger_swineford(hs: pd.DataFrame) -> pd.DataFrame:
    """R: cut(x, quantile(x, seq(0, 1, length.out = k + 1)), include.lowest = TRUE)."""
    out = hs.copy()
    for v, k in zip(HS_VARS, REF["hs_n_cat"], strict=True):
        x = hs[v].to_numpy()
        breaks = np.quantile(x, np.linspace(0, 1, k + 1))
        out[v] = np.searchsorted(breaks[1:-1], x, side="left") + 1
    return out


@pytest.fixture(scope="module")
def hs_cut(holzinger_swineford) -> pd.DataFrame:
    return cut_holzinger_swineford(holzinger_swineford)


@pytest.fixture(scope="module")
def bfi_items(bfi) -> pd.DataFrame:
    return bfi[BFI_ITEMS]


def close(got: float, want: float, tol: float = TOL) -> bool:
    return abs(got - want) <= tol + 1e-7 * abs(want)


def assert_params_match(res: bk.CFAResult, block: dict) -> None:
    ref = pd.DataFrame(block["params"])
    ref["rhs"] = ref["rhs"].fillna("")
    merged = res.tidy().merge(ref, on=["lhs", "op", "rhs", "group"], how="outer",
                              indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"]
    np.testing.assert_allclose(merged["estimate"], merged["est"], atol=TOL, rtol=0)
    free = merged["free"].to_numpy(dtype=bool)
    np.testing.assert_allclose(merged.loc[free, "se_x"], merged.loc[free, "se_y"], atol=TOL)
    np.testing.assert_allclose(merged["std_lv_x"], merged["std_lv_y"], atol=TOL)
    np.testing.assert_allclose(merged["std_all_x"], merged["std_all_y"], atol=TOL)


def assert_fit_matches(res: bk.CFAResult, ref_fit: dict, *, minimum: int = 35) -> None:
    compared = 0
    for ours, theirs in LAVAAN_FIT_NAMES.items():
        if ours not in res.fit_measures.index or theirs not in ref_fit:
            continue
        want = ref_fit[theirs]
        got = float(res.fit_measures[ours])
        if want is None:
            assert math.isnan(got), ours
            continue
        assert close(got, want), f"{ours} ({theirs}): {got} vs {want}"
        compared += 1
    assert compared >= minimum


def fit(data, model, **kw) -> bk.CFAResult:
    return bk.cfa(data, model=model, **kw)


@pytest.fixture(scope="module")
def fit_hs(hs_cut) -> bk.CFAResult:
    return fit(hs_cut, REF["hs_model"], estimator="WLSMV")


@pytest.fixture(scope="module")
def fit_bfi(bfi_items) -> bk.CFAResult:
    with pytest.warns(ListwiseDeletionWarning, match="364 of 2800 rows"):
        return fit(bfi_items, REF["bfi_model"], estimator="WLSMV")


def test_cut_reproduces_r_categories(hs_cut):
    """The categories are R's cut() at quantile() breaks: same counts per category."""
    for v in HS_VARS:
        assert np.bincount(hs_cut[v])[1:].tolist() == REF["hs_counts"][v]


def test_first_stage_matches_lavaan(hs_cut, bfi_items):
    """R: lavInspect(fit, "sampstat")$th, $cov and lavInspect(fit, "gamma") (Muthen 1984)."""
    od = prepare_ordinal(hs_cut, variables=HS_VARS, group=None)
    s = od.stats[0]
    ref = REF["hs_stage1"]
    np.testing.assert_allclose(s.th, ref["th"], atol=1e-8)
    np.testing.assert_allclose(s.corr.T[np.triu_indices(9, 1)], ref["cor"], atol=1e-6)
    gamma = np.array(ref["gamma"]).reshape(len(s.wls_obs), -1)
    np.testing.assert_allclose(s.gamma, gamma, atol=1e-6)
    with pytest.warns(ListwiseDeletionWarning):
        ob = prepare_ordinal(bfi_items, variables=BFI_ITEMS, group=None)
    sb = ob.stats[0]
    assert sb.n == REF["bfi_n"]
    ref = REF["bfi_stage1"]
    np.testing.assert_allclose(sb.th, ref["th"], atol=1e-8)
    np.testing.assert_allclose(sb.corr.T[np.triu_indices(25, 1)], ref["cor"], atol=1e-6)
    np.testing.assert_allclose(np.diag(sb.gamma), ref["gamma_diag"], rtol=1e-5)


def test_wlsmv_parameters_match_lavaan(fit_hs):
    """R: parameterEstimates(cfa(model, hs_cut, ordered = TRUE, estimator = "WLSMV"),
    standardized = TRUE)"""
    assert fit_hs.converged
    assert_params_match(fit_hs, REF["hs"])


def test_wlsmv_fit_measures_match_lavaan(fit_hs):
    """R: fitMeasures(fit): chisq, chisq.scaled (scaled-shifted), cfi/tli/rmsea .scaled and
    .robust (Savalei 2021), srmr, wrmr."""
    assert_fit_matches(fit_hs, REF["hs"]["fit"])
    fm = fit_hs.fit_measures
    assert fm["df"] == 24 and fm["npar"] == 39


@pytest.mark.parametrize(
    "block, kw",
    [
        ("hs_theta", {"estimator": "WLSMV", "parameterization": "theta"}),
        ("hs_uls", {"estimator": "ULSMV"}),
        ("hs_stdlv", {"estimator": "WLSMV", "std_lv": True}),
        ("hs_ho", {"estimator": "WLSMV"}),
    ],
)
def test_variants_match_lavaan(hs_cut, block, kw):
    """R: cfa(..., parameterization = "theta"), estimator = "ULSMV", std.lv = TRUE and a
    second-order factor (g =~ visual + textual + speed)."""
    model = REF["ho_model"] if block == "hs_ho" else REF["hs_model"]
    res = fit(hs_cut, model, **kw)
    assert_params_match(res, REF[block])
    assert_fit_matches(res, REF[block]["fit"])


def test_uls_has_no_standard_p_value(hs_cut):
    """lavaan reports no p-value for the unscaled ULS statistic (its distribution is unknown)."""
    res = fit(hs_cut, REF["hs_model"], estimator="ULSMV")
    assert math.isnan(res.fit_measures["p_value"])
    assert 0 < res.fit_measures["p_value_scaled"] < 1


def test_labels_and_residual_covariance_match_lavaan(hs_cut):
    """R: equal loadings by label (a*x2 + a*x3), a residual covariance x7 ~~ x8; x9 turns
    Heywood (negative residual variance), as in lavaan."""
    with pytest.warns(HeywoodCaseWarning, match="'x9'"):
        res = fit(hs_cut, REF["eq_model"], estimator="WLSMV")
    assert_params_match(res, REF["hs_eq"])
    assert_fit_matches(res, REF["hs_eq"]["fit"])
    assert any("x9" in p for p in res.problems)


def test_bfi_matches_lavaan(fit_bfi):
    """R: cfa(five factors, bfi[, 25 items], ordered = TRUE, estimator = "WLSMV")."""
    assert fit_bfi.n_obs == REF["bfi_n"] and fit_bfi.n_dropped == 2800 - REF["bfi_n"]
    assert_params_match(fit_bfi, REF["bfi"])
    assert_fit_matches(fit_bfi, REF["bfi"]["fit"])


@pytest.mark.parametrize("block, kw", [("hs_std", {}), ("hs_theta_std",
                                                      {"parameterization": "theta"})])
def test_standardized_solution_matches_lavaan(hs_cut, block, kw):
    """R: standardizedSolution(fit) (delta-method standard errors of std.all)."""
    res = fit(hs_cut, REF["hs_model"], estimator="WLSMV", **kw)
    ours = res.standardized_solution()
    ref = pd.DataFrame(REF[block])
    ref["rhs"] = ref["rhs"].fillna("")
    merged = ours.merge(ref, on=["lhs", "op", "rhs"], how="inner")
    assert len(merged) == len(ref)
    np.testing.assert_allclose(merged["std_all"], merged["est_std"], atol=TOL)
    ok = merged["se_y"].notna() & (merged["se_y"] > 1e-8)
    np.testing.assert_allclose(merged.loc[ok, "se_x"], merged.loc[ok, "se_y"], atol=TOL)


def test_vcov_gives_the_standard_errors(fit_hs):
    v = fit_hs.vcov()
    assert "x1|t1" in v.index and "visual=~x2" in v.index
    se = fit_hs.tidy().set_index(["lhs", "op", "rhs"])["se"]
    assert math.sqrt(v.loc["x1|t1", "x1|t1"]) == pytest.approx(se[("x1", "|", "t1")])
    assert math.sqrt(v.loc["visual=~x2", "visual=~x2"]) == pytest.approx(
        se[("visual", "=~", "x2")])


def test_tables_and_glance(fit_hs):
    g = fit_hs.glance()
    for col in ("chisq_scaled", "cfi_scaled", "rmsea_scaled", "cfi_robust", "rmsea_robust"):
        assert col in g.columns
    assert g["estimator"].iloc[0] == "WLSMV"
    assert list(fit_hs.loadings.columns) == ["factor", "item", "estimate", "se", "std_all"]
    rv = fit_hs.residual_variances
    np.testing.assert_allclose(rv["r_squared"], fit_hs.loadings["std_all"] ** 2, atol=1e-10)
    th = fit_hs.tidy().query("op == '|'")
    assert len(th) == 2 * 3 + 3 * 3 + 4 * 3


def test_residuals_and_implied(fit_hs):
    res = fit_hs.residuals()
    assert set(res["op"]) == {"|", "~~"}
    assert res["residual"].abs().max() < 0.2
    imp = fit_hs.implied_moments()[0]
    assert np.allclose(np.diag(imp["cov"]), 1.0)
    # the thresholds of a single-group model are reproduced exactly
    np.testing.assert_allclose(imp["thresholds"].to_numpy(), REF["hs_stage1"]["th"], atol=1e-6)


def test_continuous_only_methods_refuse_ordinal_fits(fit_hs, hs_cut):
    with pytest.raises(BurnoutkitError, match="ordinal"):
        fit_hs.modification_indices()
    with pytest.raises(BurnoutkitError, match="ordinal"):
        fit_hs.predict(hs_cut)


def test_bad_input(hs_cut, holzinger_swineford):
    m = REF["hs_model"]
    with pytest.raises(BurnoutkitError, match="not in 'ordered'"):
        bk.cfa(hs_cut, model=m, estimator="WLSMV", ordered=["x1", "x2"])
    with pytest.raises(BurnoutkitError, match="needs an ordinal estimator"):
        bk.cfa(hs_cut, model=m, ordered=True)
    with pytest.raises(BurnoutkitError, match="listwise"):
        bk.cfa(hs_cut, model=m, estimator="WLSMV", missing="fiml")
    with pytest.raises(BurnoutkitError, match="non-integer"):
        bk.cfa(holzinger_swineford, model=m, estimator="WLSMV")
    with pytest.raises(BurnoutkitError, match="parameterization"):
        bk.cfa(hs_cut, model=m, estimator="WLSMV", parameterization="probit")
    with pytest.raises(BurnoutkitError, match="thresholds"):
        bk.cfa(hs_cut, model=m, group_equal=["thresholds"], group="school")


@pytest.mark.r
def test_reference_script_reproduces_stored_values(tmp_path):
    """Re-run tests/reference/cfa_wlsmv_public.R and compare with the stored JSON."""
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript is not installed")
    out = tmp_path / "wlsmv.json"
    root = Path(__file__).resolve().parent.parent
    subprocess.run(["Rscript", str(SCRIPT), str(out)], cwd=root, check=True,
                   capture_output=True, timeout=600)
    partial(assert_same_json, rel=1e-8, abs_tol=1e-10)(json.loads(out.read_text()), REF)
