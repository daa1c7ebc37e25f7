"""Invariance: recovery of a planted non-invariant intercept, lavaan parity on the simulated
data, decisions, partial invariance and input errors.

Data and lavaan values: tests/reference/cfa_invariance_planted.R (simulated with a known truth:
the intercept of y4 is 0.40 higher in group "B").
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import burnoutkit as bk

REF_DIR = Path(__file__).parent / "reference"
SCRIPT = REF_DIR / "cfa_invariance_planted.R"
REF = json.loads((REF_DIR / "cfa_invariance_planted.json").read_text())
DATA = pd.read_csv(REF_DIR / "data" / "cfa_invariance_planted.csv")
TOL = 1e-3


@pytest.fixture(scope="module")
def planted():
    return bk.invariance(DATA, model=REF["model"], group="group",
                         levels=["configural", "metric", "scalar"])


def test_score_test_finds_the_planted_intercept(planted):
    """Truth: y4's intercept differs between groups; its released constraint must lead."""
    src = bk.invariance_sources(planted)  # default: the first level judged not invariant
    top = src.iloc[0]
    assert (top["item"], top["parameter"], top["group"]) == ("y4", "intercept", "B")
    assert top["p_holm"] < 1e-6
    assert src.iloc[1]["x2"] < top["x2"] / 3


def test_decisions_follow_the_truth(planted):
    cmp_ = planted.comparisons.set_index("level")
    assert cmp_.loc["metric", "decision"] == "invariant"  # loadings are equal in truth
    assert cmp_.loc["scalar", "p_value_diff"] < 1e-6
    assert planted.glance()["highest_invariant_level"].iloc[0] in ("metric", "scalar")


def test_planted_fits_and_scores_match_lavaan(planted):
    """R: cfa(model, data, group = "group", group.equal = ...); fitMeasures(); lavTestScore()"""
    for level in ("configural", "metric", "scalar"):
        fm = planted.models[level].fit_measures
        ref = REF["fit"][level]
        for ours, theirs in [("chisq", "chisq"), ("df", "df"), ("cfi", "cfi"), ("tli", "tli"),
                             ("rmsea", "rmsea"), ("srmr", "srmr"), ("aic", "aic"),
                             ("bic", "bic")]:
            assert fm[ours] == pytest.approx(ref[theirs], abs=TOL), (level, ours)
    _, uni = planted.models["scalar"].score_tests()
    np.testing.assert_allclose(uni["x2"], REF["score"]["x2"], atol=TOL)
    assert list(uni["lhs"]) == REF["score"]["lhs"]


def test_partial_invariance_frees_the_item():
    """R: cfa(..., group.equal = c("loadings", "intercepts"), group.partial = "y4 ~ 1")"""
    res = bk.invariance(DATA, model=REF["model"], group="group",
                        levels=["configural", "metric", "scalar"], free=["y4 ~ 1"])
    fm = res.models["scalar"].fit_measures
    assert fm["chisq"] == pytest.approx(REF["partial_fit"]["chisq"], abs=TOL)
    assert fm["df"] == REF["partial_fit"]["df"]
    assert res.comparisons.set_index("level").loc["scalar", "decision"] == "invariant"
    # an item name frees its loading, intercept and residual variance
    by_item = bk.invariance(DATA, model=REF["model"], group="group",
                            levels=["configural", "metric", "scalar", "strict"], free=["y4"])
    assert set(by_item.free) == {"f1 =~ y4", "y4 ~ 1", "y4 ~~ y4"}
    strict = by_item.models["strict"].tidy()
    y4_res = strict[(strict["lhs"] == "y4") & (strict["op"] == "~~")]
    assert y4_res["estimate"].nunique() == 2


def test_criteria_are_configurable(planted):
    strict_cfi = bk.InvarianceCriteria(delta_cfi=-0.001, delta_rmsea=0.0)
    res = bk.invariance(DATA, model=REF["model"], group="group",
                        levels=["configural", "metric", "scalar"], criteria=strict_cfi)
    assert res.comparisons.set_index("level").loc["scalar", "decision"] == "not invariant"
    row = planted.tidy().set_index("level").loc["scalar"]
    assert row["delta_cfi"] == pytest.approx(
        REF["fit"]["scalar"]["cfi"] - REF["fit"]["metric"]["cfi"], abs=TOL
    )


def test_result_contract(planted):
    assert planted.tidy().shape[0] == 3
    assert planted.glance().shape[0] == 1
    assert "InvarianceResult" in repr(planted)
    assert planted._repr_html_().startswith("<div")


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"levels": ["metric", "scalar"]}, "must start with 'configural'"),
        ({"levels": ["configural", "weak"]}, "must be one of"),
        ({"free": ["y44"]}, "Did you mean 'y4'"),
        ({"estimator": "WLS"}, "must be one of"),
    ],
)
def test_bad_input_is_named(kwargs, fragment):
    with pytest.raises(bk.BurnoutkitError, match=fragment):
        bk.invariance(DATA, model=REF["model"], group="group", **kwargs)


def test_one_group_is_an_error():
    with pytest.raises(bk.BurnoutkitError, match="at least two"):
        bk.invariance(DATA[DATA["group"] == "A"], model=REF["model"], group="group")


def test_sources_of_configural_level_is_an_error(planted):
    with pytest.raises(bk.BurnoutkitError, match="no equality constraints"):
        planted.sources("configural")


def test_input_not_mutated():
    before = DATA.copy()
    bk.invariance(DATA, model=REF["model"], group="group", levels=["configural", "metric"])
    pd.testing.assert_frame_equal(DATA, before)


@pytest.mark.r
def test_reference_script_reproduces_stored_values(tmp_path):
    """Re-run tests/reference/cfa_invariance_planted.R (data and lavaan values) and compare."""
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript is not installed")
    root = Path(__file__).resolve().parent.parent
    subprocess.run(["Rscript", str(SCRIPT), str(tmp_path)], cwd=root, check=True,
                   capture_output=True, timeout=600)
    fresh = pd.read_csv(tmp_path / "cfa_invariance_planted.csv")
    pd.testing.assert_frame_equal(fresh, DATA)
    new = json.loads((tmp_path / "cfa_invariance_planted.json").read_text())
    np.testing.assert_allclose(new["score"]["x2"], REF["score"]["x2"], rtol=1e-8)
    assert new["fit"]["scalar"]["chisq"] == pytest.approx(REF["fit"]["scalar"]["chisq"],
                                                          rel=1e-10)
