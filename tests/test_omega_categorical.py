"""Categorical omega (Green & Yang, 2009) of ordinal CFAs against semTools 0.5-6.

Reference values: tests/reference/omega_categorical.R -> .json: ``semTools::compRelSEM(fit)``
of ``lavaan::cfa(..., ordered = TRUE, estimator = "WLSMV")`` fits (ord.scale = TRUE, the default
for ordinal items; and ord.scale = FALSE), ``AVE(fit)``, and semTools' own ``omegaCat()`` for the
total score and a second-order factor (compRelSEM 0.5-6 stops on those for ordinal models).
Tolerance 1e-3 (the omegas depend on iterative estimates; they typically agree to 1e-6).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _reference import assert_same_json
from test_cfa_wlsmv import cut_holzinger_swineford

import burnoutkit as bk
from burnoutkit.errors import DataError, ListwiseDeletionWarning
from burnoutkit.factors._ordinal_cfa import categorical_omega

REF_DIR = Path(__file__).parent / "reference"
SCRIPT = REF_DIR / "omega_categorical.R"
REF = json.loads((REF_DIR / "omega_categorical.json").read_text())
TOL = 1e-3


@pytest.fixture(scope="module")
def hs_cut(holzinger_swineford) -> pd.DataFrame:
    return cut_holzinger_swineford(holzinger_swineford)


def assert_omegas(res: bk.OmegaCFAResult, want: dict) -> None:
    for name, value in want.items():
        assert res.omega[name] == pytest.approx(value, abs=TOL), name


def test_categorical_omega_matches_comprelsem(hs_cut):
    """R: compRelSEM(cfa(model, hs_cut, ordered = TRUE, estimator = "WLSMV"))."""
    res = bk.omega_cfa(hs_cut, model=REF["hs_model"], ordered=True)
    assert res.fit.estimator == "WLSMV"
    assert_omegas(res, REF["hs"]["factors"])
    assert res.omega["total"] == pytest.approx(REF["hs"]["total"], abs=TOL)
    assert res.omega_total == res.omega["total"]


def test_latent_response_omega_matches_ord_scale_false(hs_cut):
    """R: compRelSEM(fit, ord.scale = FALSE)."""
    res = bk.omega_cfa(hs_cut, model=REF["hs_model"], estimator="WLSMV", ord_scale=False)
    assert_omegas(res, REF["hs"]["latent"])


def test_theta_parameterization_gives_the_same_omega(hs_cut):
    """R: compRelSEM(cfa(..., parameterization = "theta")): the scales enter the formula."""
    res = bk.cfa(hs_cut, model=REF["hs_model"], estimator="WLSMV", parameterization="theta")
    rel = res.reliability.set_index("factor")["omega"]
    for name, value in REF["hs_theta"]["factors"].items():
        assert rel[name] == pytest.approx(value, abs=TOL)


def test_cfa_reliability_table_is_comprelsem_and_ave(hs_cut):
    """CFAResult.reliability of an ordinal fit: compRelSEM(fit) and AVE(fit)."""
    rel = bk.cfa(hs_cut, model=REF["hs_model"], estimator="WLSMV").reliability
    rel = rel.set_index("factor")
    for name in REF["hs"]["factors"]:
        assert rel.loc[name, "omega"] == pytest.approx(REF["hs"]["factors"][name], abs=TOL)
        assert rel.loc[name, "ave"] == pytest.approx(REF["hs"]["ave"][name], abs=TOL)


def test_second_order_factor(hs_cut):
    """R: omegaCat() with L B Phi B' L' for g =~ visual + textual + speed."""
    res = bk.omega_cfa(hs_cut, model=REF["ho_model"], ordered=True)
    assert_omegas(res, REF["hs_ho"]["factors"])
    assert res.omega["total"] == pytest.approx(REF["hs_ho"]["total"], abs=TOL)
    assert res.omega["g"] == pytest.approx(REF["hs_ho"]["g"], abs=TOL)
    assert res.omega_h == res.omega["g"]


def test_bfi_with_reverse_keys(bfi):
    """R: A1, C4, C5 recoded 7 - x; compRelSEM(cfa(A + C, ordered = TRUE, "WLSMV"))."""
    items = [f"A{i}" for i in range(1, 6)] + [f"C{i}" for i in range(1, 6)]
    with pytest.warns(ListwiseDeletionWarning):
        res = bk.omega_cfa(bfi[items], model=REF["bfi_model"], keys=["A1", "C4", "C5"],
                           ordered=True)
    assert res.n == REF["bfi"]["n"]
    assert_omegas(res, REF["bfi"]["factors"])
    assert res.omega["total"] == pytest.approx(REF["bfi"]["total"], abs=TOL)


def test_categorical_omega_limits():
    """A common part equal to the latent-response correlations gives 1; no common part, 0."""
    th = [np.array([-0.5, 0.5])] * 3
    r = np.full((3, 3), 0.5)
    np.fill_diagonal(r, 1.0)
    assert categorical_omega(th, np.ones(3), np.zeros((3, 3)), r) == pytest.approx(0.0)
    assert categorical_omega(th, np.ones(3), r, r) == pytest.approx(1.0, abs=1e-12)


def test_ordered_needs_an_ordinal_estimator(hs_cut):
    with pytest.raises(DataError, match="ordered=True"):
        bk.omega_cfa(hs_cut, model=REF["hs_model"], ordered=True, estimator="ML")


@pytest.mark.r
def test_reference_script_reproduces_stored_values(tmp_path):
    """Re-run tests/reference/omega_categorical.R and compare with the stored JSON."""
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript is not installed")
    out = tmp_path / "omega.json"
    root = Path(__file__).resolve().parent.parent
    subprocess.run(["Rscript", str(SCRIPT), str(out)], cwd=root, check=True,
                   capture_output=True, timeout=600)
    assert_same_json(json.loads(out.read_text()), REF, rel=1e-8, abs_tol=1e-10)
