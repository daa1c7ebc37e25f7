"""bk.kmo and bk.bartlett against psych::KMO and psych::cortest.bartlett.

Reference values: tests/reference/suitability_bfi.R -> suitability_bfi.json. Both statistics
are closed forms of the correlation matrix, so they agree to 1e-8.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import burnoutkit as bk

REF = json.loads((Path(__file__).parent / "reference" / "suitability_bfi.json").read_text())
ITEMS: list[str] = REF["items"]


@pytest.fixture(scope="module")
def complete(bfi: pd.DataFrame) -> pd.DataFrame:
    return bfi[ITEMS].dropna()


def test_kmo_matches_psych(complete):
    """R: psych::KMO(cor(na.omit(bfi[items])))"""
    res = bk.kmo(complete)
    assert res.msa == pytest.approx(REF["kmo"]["MSA"], abs=1e-8)
    np.testing.assert_allclose(res.item_msa.to_numpy(), REF["kmo"]["MSAi"], atol=1e-8)
    assert list(res.item_msa.index) == ITEMS
    assert res.label == "meritorious"
    assert res.n_obs == REF["n"] == res.n_complete


def test_kmo_pairwise_default_matches_psych(bfi):
    """R: psych::KMO(bfi[items]) (pairwise correlations, psych's default)."""
    res = bk.kmo(bfi[ITEMS])
    assert res.missing == "pairwise"
    assert res.msa == pytest.approx(REF["pairwise"]["MSA"], abs=1e-8)
    np.testing.assert_allclose(res.item_msa.to_numpy(), REF["pairwise"]["MSAi"], atol=1e-8)
    assert (res.n_obs, res.n_complete) == (2800, 2436)


def test_kmo_of_a_correlation_matrix(complete):
    r = complete.corr()
    res = bk.kmo(r)
    assert res.msa == pytest.approx(REF["kmo"]["MSA"], abs=1e-8)
    assert res.n_obs is None


def test_bartlett_matches_psych(complete):
    """R: psych::cortest.bartlett(cor(x), n = nrow(x))"""
    res = bk.bartlett(complete)
    assert res.chi_square == pytest.approx(REF["bartlett"]["chisq"], rel=1e-8)
    assert res.df == REF["bartlett"]["df"]
    assert res.p_value == pytest.approx(REF["bartlett"]["p_value"], abs=1e-8)
    assert res.n_obs == REF["n"]
    matrix = bk.bartlett(complete.corr(), n_obs=REF["n"])
    assert matrix.chi_square == pytest.approx(REF["bartlett"]["chisq"], rel=1e-8)


def test_bartlett_pairwise_default_matches_psych(bfi):
    """R: psych::cortest.bartlett(cor(bfi[items], use = "pairwise"), n = nrow(bfi))"""
    res = bk.bartlett(bfi[ITEMS])
    assert res.chi_square == pytest.approx(REF["pairwise"]["chisq"], rel=1e-8)
    assert res.n_obs == REF["pairwise"]["n"]


def test_bartlett_on_matrix_needs_n_obs(complete):
    with pytest.raises(bk.DataError, match="pass n_obs="):
        bk.bartlett(complete.corr())


def test_singular_matrix_names_items(complete):
    data = complete[["A1", "A2", "A3"]].assign(A4=lambda d: d["A2"] + d["A3"])
    with pytest.raises(bk.DataError, match=r"singular.*'A4'"):
        bk.kmo(data)
    with pytest.raises(bk.DataError, match=r"singular or not positive definite.*'A4'"):
        bk.bartlett(data)


def test_tidy_glance_and_no_mutation(complete):
    snapshot = complete.copy()
    res = bk.kmo(complete)
    pd.testing.assert_frame_equal(complete, snapshot)
    assert list(res.tidy().columns) == ["item", "msa"] and len(res.tidy()) == 25
    assert res.glance().loc[0, "label"] == "meritorious"
    bart = bk.bartlett(complete)
    assert list(bart.tidy().columns) == ["test", "statistic", "df", "p_value", "n"]
    assert repr(bart).startswith("<BartlettResult ")


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"missing": "mean"}, bk.BurnoutkitError,
         "The 'missing' parameter of kmo must be one of 'pairwise', 'listwise'; got 'mean'."),
        ({"items": ["A1"]}, bk.DataError, "at least 2 items"),
        ({"items": "A1"}, bk.BurnoutkitError, "Write items=\\['A1'\\]"),
        ({"items": ["A1", "B7"]}, bk.DataError, r"Items \['B7'\] are not columns"),
    ],
)
def test_bad_input(complete, kwargs, error, message):
    with pytest.raises(error, match=message):
        bk.kmo(complete, **kwargs)
