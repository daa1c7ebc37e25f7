"""Ordinal CFA (WLSMV / ULSMV) against lavaan 0.6-14 on the reference cohort.

The BAI core scales (exhaustion, mental distance, reduced efficacy; 15 five-category items,
three correlated factors, complete cases). Reference values come from
tests/reference/cfa_wlsmv_cohort.R -> .json, which reads the cohort's data files: when the
cohort is regenerated, re-run the script (nothing here is typed in from a fit). Tolerance 1e-3
(absolute) for estimates, robust standard errors, standardized values and fit measures.
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
from test_cfa_wlsmv import assert_fit_matches, assert_params_match

import burnoutkit as bk
from burnoutkit.datasets import load_reference_cohort
from burnoutkit.errors import ListwiseDeletionWarning

REF_DIR = Path(__file__).parent / "reference"
SCRIPT = REF_DIR / "cfa_wlsmv_cohort.R"
REF = json.loads((REF_DIR / "cfa_wlsmv_cohort.json").read_text())


@pytest.fixture(scope="module")
def core_items() -> pd.DataFrame:
    return load_reference_cohort().data[REF["items"]]


@pytest.mark.parametrize(
    "block, kw",
    [
        ("wlsmv", {"estimator": "WLSMV"}),
        ("theta", {"estimator": "WLSMV", "parameterization": "theta"}),
        ("ulsmv", {"estimator": "ULSMV"}),
    ],
)
def test_cohort_core_scales_match_lavaan(core_items, block, kw):
    """R: cfa(model, cohort[, items], ordered = TRUE, estimator = "WLSMV" | "ULSMV",
    parameterization = "delta" | "theta")"""
    n_complete = int(core_items.notna().all(axis=1).sum())
    ctx = (pytest.warns(ListwiseDeletionWarning) if n_complete < len(core_items)
           else _nothing())
    with ctx:
        res = bk.cfa(core_items, model=REF["model"], **kw)
    assert res.n_obs == REF[block]["n"] == n_complete
    assert_params_match(res, REF[block])
    assert_fit_matches(res, REF[block]["fit"])


def test_cohort_loadings_recover_truth(core_items):
    """The standardized loadings of the latent responses recover the generating ones.

    Items with a cross-loading in the population are left out (the fitted model has none);
    the tolerance covers sampling error and the acquiescence the generator adds.
    """
    truth = load_reference_cohort().truth
    with pytest.warns(ListwiseDeletionWarning):
        res = bk.cfa(core_items, model=REF["model"], estimator="WLSMV")
    true = truth.loadings.set_index("item")
    crossed = set(truth.cross_loadings["item"])
    items = [i for i in REF["items"] if i not in crossed]
    got = res.loadings.set_index("item").loc[items, "std_all"].to_numpy()
    want = (true.loc[items, "loading"] * true.loc[items, "keyed"]).to_numpy()
    assert np.max(np.abs(got - want)) < 0.1


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.mark.r
def test_reference_script_reproduces_stored_values(tmp_path):
    """Re-run tests/reference/cfa_wlsmv_cohort.R and compare with the stored JSON."""
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript is not installed")
    out = tmp_path / "cohort.json"
    root = Path(__file__).resolve().parent.parent
    subprocess.run(["Rscript", str(SCRIPT), str(out)], cwd=root, check=True,
                   capture_output=True, timeout=600)
    assert_same_json(json.loads(out.read_text()), REF, rel=1e-8, abs_tol=1e-10)
