"""Parameter covariance matrix, standardized-solution SEs and factor scores of ``bk.cfa``.

R: ``tests/reference/cfa_vcov.R`` fits ``lavaan::cfa(syntax, data = hs, estimator = ...)`` and
stores ``vcov(fit)``, ``standardizedSolution(fit, type = "std.all")`` and ``lavPredict(fit)``.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import burnoutkit as bk

REF_DIR = Path(__file__).resolve().parent / "reference"
SCRIPT = REF_DIR / "cfa_vcov.R"
REF = json.loads((REF_DIR / "cfa_vcov.json").read_text())


def _fit(hs: pd.DataFrame, name: str):
    m = REF["models"][name]
    return bk.cfa(hs, model=m["syntax"], estimator=m["estimator"])


@pytest.mark.parametrize("name", sorted(REF["models"]))
def test_vcov_diagonal_gives_the_standard_errors(holzinger_swineford, name):
    res = _fit(holzinger_swineford, name)
    t = res.tidy()
    v = res.vcov()
    np.testing.assert_allclose(
        np.sqrt(np.diag(v.to_numpy())), t.loc[t["free"], "se"].to_numpy(), rtol=1e-12, atol=0
    )
    np.testing.assert_array_equal(v.to_numpy(), v.to_numpy().T)


@pytest.mark.parametrize("name", sorted(REF["models"]))
def test_vcov_matches_lavaan(holzinger_swineford, name):
    """R: vcov(cfa(syntax, data = hs, estimator = estimator))."""
    res = _fit(holzinger_swineford, name)
    ref = REF["models"][name]
    v = res.vcov()
    assert list(v.index) == ref["names"]
    r = np.asarray(ref["vcov"], dtype=float)
    scale = np.sqrt(np.outer(np.diag(r), np.diag(r)))
    # entries scaled by the SDs; the residual ~2e-6 is the optimizers' convergence tolerance
    np.testing.assert_allclose(v.to_numpy() / scale, r / scale, atol=1e-5)


def test_vcov_of_fiml_fit_gives_its_standard_errors(holzinger_swineford):
    hs = holzinger_swineford.copy()
    hs.loc[hs.index[:20], "x1"] = np.nan
    res = bk.cfa(hs, model=REF["models"]["ml"]["syntax"], missing="fiml")
    t = res.tidy()
    np.testing.assert_allclose(
        np.sqrt(np.diag(res.vcov().to_numpy())), t.loc[t["free"], "se"].to_numpy(), rtol=1e-12
    )


@pytest.mark.parametrize("name", sorted(REF["models"]))
def test_standardized_solution_matches_lavaan(holzinger_swineford, name):
    """R: standardizedSolution(fit, type = "std.all")."""
    res = _fit(holzinger_swineford, name)
    ref = REF["models"][name]
    ours = res.standardized_solution()
    r = pd.DataFrame(
        {"lhs": ref["std_lhs"], "op": ref["std_op"], "rhs": ref["std_rhs"],
         "est_r": ref["std_all"], "se_r": ref["std_se"]}
    )
    r["rhs"] = r["rhs"].fillna("")
    m = ours.assign(rhs=ours["rhs"].fillna("")).merge(r, on=["lhs", "op", "rhs"])
    assert len(m) == len(r)
    np.testing.assert_allclose(m["std_all"], m["est_r"], atol=1e-6)
    free = m["se_r"].to_numpy(dtype=float) > 0
    np.testing.assert_allclose(m.loc[free, "se"], m.loc[free, "se_r"].astype(float), atol=1e-5)
    assert m.loc[~free, "se"].isna().all()


@pytest.mark.parametrize("name", sorted(REF["models"]))
def test_factor_scores_match_lavpredict(holzinger_swineford, name):
    """R: lavPredict(fit) (regression method)."""
    res = _fit(holzinger_swineford, name)
    ref = REF["models"][name]
    fs = res.predict(holzinger_swineford)
    assert list(fs.columns) == ref["score_names"]
    np.testing.assert_allclose(fs.to_numpy(), np.asarray(ref["scores"]), atol=1e-5)


def test_predict_names_missing_variables(holzinger_swineford):
    res = _fit(holzinger_swineford, "ml")
    with pytest.raises(bk.BurnoutkitError, match=r"\['x9'\]"):
        res.predict(holzinger_swineford.drop(columns="x9"))


@pytest.mark.r
def test_script_reproduces_reference(tmp_path):
    """Rscript tests/reference/cfa_vcov.R <tmp>.json gives the stored values."""
    out = tmp_path / "cfa_vcov.json"
    root = REF_DIR.parent.parent
    subprocess.run(["Rscript", str(SCRIPT), str(out)], check=True, capture_output=True, cwd=root)
    new = json.loads(out.read_text())
    for name, ref in REF["models"].items():
        np.testing.assert_allclose(new["models"][name]["vcov"], ref["vcov"], rtol=1e-8)
