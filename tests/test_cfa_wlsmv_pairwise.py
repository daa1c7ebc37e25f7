"""Ordinal CFA with pairwise deletion (``missing="pairwise"``) against lavaan 0.6-14.

The reference cohort's BAI core scales (15 five-category items, 2 % of answers missing at
random): listwise deletion would keep 2424 of 3000 rows; pairwise deletion uses every answer.
Reference values: tests/reference/cfa_wlsmv_pairwise.R -> .json (``cfa(..., ordered = items,
estimator = "WLSMV" | "ULSMV", missing = "pairwise")``, delta and theta, one group and by form),
including lavaan's sample statistics (``WLS.obs``) and their NACOV (``gamma``). Tolerance 1e-3
(absolute) for estimates, robust standard errors and fit measures; the first-stage statistics are
compared to 1e-6.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _reference import assert_same_json
from test_cfa_wlsmv import assert_fit_matches, assert_params_match

import burnoutkit as bk
from burnoutkit.datasets import load_reference_cohort
from burnoutkit.errors import BurnoutkitError, ListwiseDeletionWarning
from burnoutkit.factors._ordinal_fit import prepare_ordinal

REF_DIR = Path(__file__).parent / "reference"
SCRIPT = REF_DIR / "cfa_wlsmv_pairwise.R"
REF = json.loads((REF_DIR / "cfa_wlsmv_pairwise.json").read_text())


@pytest.fixture(scope="module")
def core() -> pd.DataFrame:
    return load_reference_cohort().data[[*REF["items"], "form"]]


@pytest.mark.parametrize(
    "block, kw",
    [
        ("wlsmv", {"estimator": "WLSMV"}),
        ("theta", {"estimator": "WLSMV", "parameterization": "theta"}),
        ("ulsmv", {"estimator": "ULSMV"}),
        ("group", {"estimator": "WLSMV", "group": "form"}),
    ],
)
def test_pairwise_matches_lavaan(core, block, kw):
    """R: cfa(model, data, ordered = items, estimator = ..., missing = "pairwise")"""
    assert core[REF["items"]].isna().any(axis=1).sum() > 500  # listwise would drop these
    with warnings.catch_warnings():
        warnings.simplefilter("error", ListwiseDeletionWarning)  # no row is dropped
        res = bk.cfa(core, model=REF["model"], missing="pairwise", **kw)
    assert res.missing == "pairwise" and res.n_dropped == 0
    assert res.n_obs == REF[block]["n"] == len(core)
    assert list(res.n_obs_by_group) == np.atleast_1d(REF[block]["n_group"]).tolist()
    assert_params_match(res, REF[block])
    assert_fit_matches(res, REF[block]["fit"])


@pytest.mark.parametrize("block", ["wlsmv", "group"])
def test_first_stage_statistics_match_lavaan(core, block):
    """Thresholds from every answer of an item, polychorics from every pair of answers, and
    the NACOV from casewise scores that are zero for missing answers (lavaan's WLS.obs and
    gamma): 1e-6."""
    group = "form" if block == "group" else None
    od = prepare_ordinal(core, variables=REF["items"], group=group, missing="pairwise")
    for stats, ref in zip(od.stats, REF[block]["stats"], strict=True):
        np.testing.assert_allclose(stats.wls_obs, ref["wls_obs"], atol=1e-6, rtol=0)
        np.testing.assert_allclose(stats.gamma, np.array(ref["nacov"]), atol=1e-6, rtol=0)


def test_pairwise_equals_listwise_on_complete_data(core):
    """Without missing answers the two are the same estimator."""
    complete = core.dropna()
    a = bk.cfa(complete, model=REF["model"], estimator="WLSMV")
    b = bk.cfa(complete, model=REF["model"], estimator="WLSMV", missing="pairwise")
    np.testing.assert_allclose(a.parameters["estimate"], b.parameters["estimate"], atol=1e-10)
    np.testing.assert_allclose(a.parameters["se"], b.parameters["se"], atol=1e-10)
    assert a.fit_measures["chisq_scaled"] == pytest.approx(b.fit_measures["chisq_scaled"],
                                                           abs=1e-8)


def test_rows_without_any_answer_are_dropped_and_announced(core):
    data = core.copy()
    data.loc[data.index[:3], REF["items"]] = np.nan
    with pytest.warns(ListwiseDeletionWarning, match="3 without any answer"):
        res = bk.cfa(data, model=REF["model"], estimator="WLSMV", missing="pairwise")
    assert res.n_dropped == 3 and res.n_obs == len(core) - 3


def test_pairwise_needs_an_ordinal_estimator(core):
    with pytest.raises(BurnoutkitError, match="missing='pairwise' belongs to the ordinal"):
        bk.cfa(core, model=REF["model"], estimator="MLR", missing="pairwise")


@pytest.mark.r
def test_reference_script_reproduces_stored_values(tmp_path):
    """Re-run tests/reference/cfa_wlsmv_pairwise.R and compare with the stored JSON."""
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript is not installed")
    out = tmp_path / "pairwise.json"
    root = Path(__file__).resolve().parent.parent
    subprocess.run(["Rscript", str(SCRIPT), str(out)], cwd=root, check=True,
                   capture_output=True, timeout=600)
    assert_same_json(json.loads(out.read_text()), REF, rel=1e-8, abs_tol=1e-10)


def test_invariance_sequence_with_pairwise_deletion_matches_semtools(core):
    """R: measEq.syntax(..., ID.cat = "Wu.Estabrook.2016", group.equal = <level>) fitted with
    missing = "pairwise" by form; lavTestLRT of the sequence."""
    from test_invariance_wlsmv import assert_sequence_matches

    res = bk.invariance(core, model=REF["model"], group="form", estimator="WLSMV",
                        missing="pairwise")
    assert all(fit.missing == "pairwise" and fit.n_obs == len(core)
               for fit in res.models.values())
    assert_sequence_matches(res, REF["invariance"])
