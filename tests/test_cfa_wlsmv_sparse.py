"""Ordinal CFA with sparse or empty response categories, and with binary items.

A category used by fewer than five respondents gets a :class:`SparseCategoryWarning` naming the
item, the category, the group and the count (the fit goes on and still agrees with lavaan, which
says nothing); a category empty in one group stops the fit with a :class:`DataError` naming the
item, the group and the frequencies, as lavaan's error does. Reference values:
tests/reference/cfa_wlsmv_sparse.R -> .json (lavaan 0.6-14), tolerance 1e-3.
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
from test_cfa_wlsmv import assert_fit_matches, assert_params_match, cut_holzinger_swineford

import burnoutkit as bk
from burnoutkit.errors import DataError, SparseCategoryWarning

REF_DIR = Path(__file__).parent / "reference"
SCRIPT = REF_DIR / "cfa_wlsmv_sparse.R"
REF = json.loads((REF_DIR / "cfa_wlsmv_sparse.json").read_text())
VARS = [f"x{i}" for i in range(1, 10)]


@pytest.fixture(scope="module")
def hs_cut(holzinger_swineford) -> pd.DataFrame:
    return cut_holzinger_swineford(holzinger_swineford)


@pytest.fixture(scope="module")
def sparse(hs_cut) -> pd.DataFrame:
    """The lowest category of x9 keeps its first three respondents only."""
    out = hs_cut.copy()
    x9 = out["x9"].to_numpy().copy()
    low = np.flatnonzero(x9 == 1)
    x9[low[3:]] = 2
    out["x9"] = x9
    return out


def test_sparse_category_warns_and_matches_lavaan(sparse):
    """R: cfa(model, sparse, ordered = TRUE, estimator = "WLSMV") (lavaan fits silently)."""
    assert np.bincount(sparse["x9"])[1:].tolist() == REF["x9_counts"]
    with pytest.warns(SparseCategoryWarning, match=r"'x9' category 1: 3 respondent"):
        res = bk.cfa(sparse, model=REF["model"], estimator="WLSMV")
    assert_params_match(res, REF["sparse"])
    assert_fit_matches(res, REF["sparse"]["fit"])


def test_binary_items_match_lavaan(holzinger_swineford):
    """R: every item split at its median: cfa(model, binary, ordered = TRUE, "WLSMV")."""
    binary = holzinger_swineford.copy()
    for v in VARS:
        binary[v] = (holzinger_swineford[v] > holzinger_swineford[v].median()).astype(int) + 1
    res = bk.cfa(binary, model=REF["model"], estimator="WLSMV")
    assert_params_match(res, REF["binary"])
    assert_fit_matches(res, REF["binary"]["fit"])


def test_empty_category_in_one_group_names_item_and_group(hs_cut):
    """lavaan: 'some categories of variable `x1' are empty in group 2; frequencies are [...]'."""
    data = hs_cut.copy()
    gw = (data["school"] == "Grant-White") & (data["x1"] == 3)
    data.loc[gw, "x1"] = 2
    with pytest.raises(DataError, match=r"empty in group 'Grant-White'.*'x1' \(category 3"):
        bk.cfa(data, model=REF["model"], group="school", estimator="WLSMV")
    with pytest.raises(DataError, match="Collapse the empty category"):
        bk.invariance(data, model=REF["model"], group="school", estimator="WLSMV")


def test_sparse_category_in_one_group_names_the_group(hs_cut):
    data = hs_cut.copy()
    rows = np.flatnonzero(((data["school"] == "Pasteur") & (data["x2"] == 1)).to_numpy())
    data.loc[data.index[rows[2:]], "x2"] = 2
    with pytest.warns(SparseCategoryWarning, match=r"'x2' category 1 in group 'Pasteur': 2"):
        res = bk.cfa(data, model=REF["model"], group="school", estimator="WLSMV")
    assert res.converged


def test_constant_item_is_refused(hs_cut):
    data = hs_cut.copy()
    data["x1"] = 2
    with pytest.raises(DataError, match=r"\['x1'\] have a single observed category"):
        bk.cfa(data, model=REF["model"], estimator="WLSMV")


@pytest.mark.r
def test_reference_script_reproduces_stored_values(tmp_path):
    """Re-run tests/reference/cfa_wlsmv_sparse.R and compare with the stored JSON."""
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript is not installed")
    out = tmp_path / "sparse.json"
    root = Path(__file__).resolve().parent.parent
    subprocess.run(["Rscript", str(SCRIPT), str(out)], cwd=root, check=True,
                   capture_output=True, timeout=600)
    assert_same_json(json.loads(out.read_text()), REF, rel=1e-8, abs_tol=1e-10)
