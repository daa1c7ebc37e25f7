"""Tests of alpha, split-half, omega and the per-scale reliability table.

Reference values: tests/reference/reliability_psych.R (psych 2.2.9, psychTools 2.2.9,
GPArotation 2022.10.2) on psychTools' bfi, epi, sat.act and ability and lavaan's
HolzingerSwineford1939.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import warnings
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _reference import assert_same_json

import burnoutkit as bk
from burnoutkit.reliability._alpha import _boot_alphas, _jackknife_alphas

_assert_same = partial(assert_same_json, rel=1e-10, abs_tol=1e-12)

REFERENCE = Path(__file__).parent / "reference"
SCRIPT = REFERENCE / "reliability_psych.R"

CLOSED_FORM = 1e-10  # alpha, item statistics, Feldt, split halves: closed forms
OMEGA_TOL = 1e-4  # iterative (minres, oblimin); the bound is 1e-3


def _load(path: Path) -> dict:
    with path.open() as fh:
        return json.load(fh)


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _table(block) -> pd.DataFrame:
    data = {col: np.array(values, dtype=float) for col, values in
            zip(block["columns"], block["data"], strict=True)}
    return pd.DataFrame(data, index=_as_list(block["rownames"]))


@pytest.fixture(scope="module")
def ref() -> dict:
    return _load(REFERENCE / "reliability_psych.json")


@pytest.fixture(scope="module")
def frames(bfi, holzinger_swineford) -> dict[str, pd.DataFrame]:
    data = REFERENCE / "data"
    return {
        "bfi": bfi,
        "epi": pd.read_csv(data / "epi.csv"),
        "sat": pd.read_csv(data / "sat_act.csv"),
        "ability": pd.read_csv(data / "ability.csv"),
        "hs": holzinger_swineford,
    }


def _frame_for(name: str, frames) -> pd.DataFrame:
    return frames[name.split("_")[0].replace("bfi25", "bfi")]


@pytest.fixture(scope="module")
def bfi_bank() -> bk.ItemBank:
    """The five bfi scales (psychTools' bfi.keys; neuroticism reversed into emotional
    stability) and DeYoung's (2006) metatraits as composite systems."""
    reversed_items = {"A1", "C4", "C5", "E1", "E2", "O2", "O5", "N1", "N2", "N3", "N4", "N5"}
    scales = {"agree": "A", "conscientious": "C", "extraversion": "E",
              "emotional_stability": "N", "openness": "O"}
    owner = {"extraversion": "plasticity", "openness": "plasticity", "agree": "stability",
             "conscientious": "stability", "emotional_stability": "stability"}
    systems = {"plasticity": None, "stability": None}
    spec = {
        "instrument": {"id": "bfi", "name": "Big Five Inventory (SAPA)", "version": "1",
                       "language": "en", "license": "GPL-2", "citation": "Revelle et al. (2010)"},
        "response_format": {"min": 1, "max": 6},
        "systems": [{"id": sid, "name": sid} for sid in systems],
        "scales": [{"id": sid, "name": sid, **({"system": owner[sid]} if sid in owner else {})}
                   for sid in scales],
        "items": [{"id": f"{letter}{i}", "scale": sid,
                   "keyed": -1 if f"{letter}{i}" in reversed_items else 1}
                  for sid, letter in scales.items() for i in range(1, 6)],
    }
    return bk.ItemBank.from_dict(spec)


def test_bfi_is_the_data_r_used(ref, bfi):
    """R: colSums(psychTools::bfi[, 1:25], na.rm = TRUE) and the counts of NA."""
    check = ref["bfi_check"]
    items = [f"{t}{i}" for t in "ACENO" for i in range(1, 6)]
    assert len(bfi) == check["n"]
    np.testing.assert_array_equal(bfi[items].sum().to_numpy(), check["column_sums"])
    np.testing.assert_array_equal(bfi[items].isna().sum().to_numpy(), check["n_missing"])


# ---------------------------------------------------------------------------------- alpha
ALPHA_CASES = [
    "bfi_agree",
    "bfi_conscientious",
    "bfi_extraversion",
    "bfi_neuroticism",
    "bfi_openness",
    "bfi_all25",
    "epi_E",
    "epi_N",
    "epi_L",
    "sat_act",
    "ability",
]
TOTAL = {
    "raw_alpha": "alpha",
    "std.alpha": "std_alpha",
    "G6(smc)": "lambda6",
    "average_r": "average_r",
    "S/N": "signal_noise",
    "ase": "ase",
    "mean": "mean",
    "sd": "sd",
    "median_r": "median_r",
}
DROP = {
    "raw_alpha": "raw_alpha",
    "std.alpha": "std_alpha",
    "G6(smc)": "lambda6",
    "average_r": "average_r",
    "S/N": "signal_noise",
    "alpha se": "alpha_se",
    "var.r": "var_r",
    "med.r": "median_r",
}
STATS = {
    "n": "n",
    "raw.r": "raw_r",
    "std.r": "std_r",
    "r.cor": "r_cor",
    "r.drop": "r_drop",
    "mean": "mean",
    "sd": "sd",
}


def _alpha_case(ref, frames, name, **kwargs):
    case = ref["alpha"][name]
    keys = _as_list(case["keys"]) or None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", bk.BurnoutkitWarning)  # respondents with no answers
        res = bk.alpha(_frame_for(name, frames), items=_as_list(case["items"]), keys=keys,
                       **kwargs)
    return case, res


@pytest.mark.parametrize("name", ALPHA_CASES)
def test_alpha_total_matches_psych(ref, frames, name):
    """R: psych::alpha(x, keys = <reversed items>)$total and $feldt (reliability_psych.R)."""
    case, res = _alpha_case(ref, frames, name)
    assert res.n == case["n_answered"]
    for r_name, attr in TOTAL.items():
        assert getattr(res, attr) == pytest.approx(case["total"][r_name], abs=CLOSED_FORM), attr
    feldt = res.intervals.set_index("method").loc["feldt"]
    assert feldt["ci_low"] == pytest.approx(case["feldt"]["lower"], abs=CLOSED_FORM)
    assert feldt["ci_high"] == pytest.approx(case["feldt"]["upper"], abs=CLOSED_FORM)
    assert (res.ci_low, res.ci_high) == (feldt["ci_low"], feldt["ci_high"])


@pytest.mark.parametrize("name", ALPHA_CASES)
def test_alpha_if_dropped_matches_psych(ref, frames, name):
    """R: psych::alpha(x, keys = <reversed items>)$alpha.drop."""
    case, res = _alpha_case(ref, frames, name)
    expected = _table(case["alpha_drop"])
    ours = res.alpha_if_dropped
    assert list(ours["item"]) == _as_list(case["items"])
    for r_name, col in DROP.items():
        np.testing.assert_allclose(
            ours[col].to_numpy(), expected[r_name].to_numpy(), atol=CLOSED_FORM, err_msg=col
        )


@pytest.mark.parametrize("name", ALPHA_CASES)
def test_item_statistics_match_psych(ref, frames, name):
    """R: psych::alpha(x, keys = <reversed items>)$item.stats."""
    case, res = _alpha_case(ref, frames, name)
    expected = _table(case["item_stats"])
    for r_name, col in STATS.items():
        np.testing.assert_allclose(
            res.item_stats[col].to_numpy(), expected[r_name].to_numpy(), atol=CLOSED_FORM,
            err_msg=col,
        )


def test_asymptotic_interval_is_psychs_duhachek_interval(ref, frames):
    """R: psych prints raw_alpha +/- 1.96 * ase as the 'Duhachek' interval."""
    case, res = _alpha_case(ref, frames, "bfi_agree", ci="asymptotic")
    t = case["total"]
    assert res.ci_method == "asymptotic"
    assert res.ci_low == pytest.approx(t["raw_alpha"] - 1.959963984540054 * t["ase"], abs=1e-12)
    # psych rounds the quantile to 1.96
    assert res.ci_low == pytest.approx(t["raw_alpha"] - 1.96 * t["ase"], abs=1e-6)
    assert res.ci_high == pytest.approx(t["raw_alpha"] + 1.96 * t["ase"], abs=1e-6)


def test_respondents_without_answers_are_left_out_with_a_warning(frames):
    items = ["V6", "V24", "V36", "V12", "V18", "V30", "V42", "V48", "V54"]
    reversed_items = ["V12", "V18", "V30", "V42", "V48", "V54"]
    with pytest.warns(bk.BurnoutkitWarning, match="60 respondents answered none"):
        res = bk.alpha(frames["epi"], items=items, keys=reversed_items)
    assert res.n == len(frames["epi"]) - 60


def test_negative_items_are_flagged_not_reversed(bfi):
    """psych::alpha(bfi[, 1:5]) warns that A1 should probably be reversed and keeps it."""
    items = ["A1", "A2", "A3", "A4", "A5"]
    with pytest.warns(bk.BurnoutkitWarning, match=r"Items \['A1'\] correlate negatively"):
        res = bk.alpha(bfi, items=items)
    assert (res.keys == 1).all()
    keyed = bk.alpha(bfi, items=items, keys=["A1"])
    assert res.alpha < keyed.alpha


def test_keys_from_bank_equal_explicit_keys(bfi, bfi_bank):
    by_bank = bk.alpha(bfi, bank=bfi_bank, scale="agree")
    by_keys = bk.alpha(bfi, items=["A1", "A2", "A3", "A4", "A5"], keys={"A1": -1})
    assert by_bank.alpha == by_keys.alpha
    pd.testing.assert_frame_equal(by_bank.item_stats, by_keys.item_stats)
    assert by_bank.keys.to_dict() == {"A1": -1, "A2": 1, "A3": 1, "A4": 1, "A5": 1}


def test_listwise_is_alpha_of_complete_cases(bfi):
    items = ["C1", "C2", "C3", "C4", "C5"]
    res = bk.alpha(bfi, items=items, keys=["C4", "C5"], missing="listwise")
    direct = bk.alpha(bfi[items].dropna(), keys=["C4", "C5"])
    assert res.alpha == pytest.approx(direct.alpha, abs=1e-14)
    assert res.n == res.n_complete == len(bfi[items].dropna())


def test_floor_and_ceiling_shares(bfi):
    res = bk.alpha(bfi, items=["A1", "A2", "A3", "A4", "A5"], keys=["A1"])
    a1 = bfi["A1"].dropna()
    row = res.item_stats.set_index("item").loc["A1"]
    assert row["floor"] == pytest.approx((a1 == 1).mean())
    assert row["ceiling"] == pytest.approx((a1 == 6).mean())


def test_tidy_glance_repr(bfi):
    res = bk.alpha(bfi, items=["A1", "A2", "A3", "A4", "A5"], keys=["A1"])
    tidy = res.tidy()
    assert len(tidy) == 5 and {"item", "raw_r", "raw_alpha_if_dropped"} <= set(tidy.columns)
    assert res.glance().loc[0, "alpha"] == res.alpha
    assert "AlphaResult" in repr(res) and "<table" in res._repr_html_()


def test_inputs_are_not_mutated(bfi):
    data = bfi.copy()
    bk.alpha(data, items=["A1", "A2", "A3", "A4", "A5"], keys=["A1"])
    bk.split_half(data, items=["A1", "A2", "A3", "A4", "A5"], keys=["A1"])
    bk.omega(data, items=["A1", "A2", "A3", "A4", "A5"], keys=["A1"], n_factors=1)
    pd.testing.assert_frame_equal(data, bfi)


# ---------------------------------------------------------------------------------- bootstrap
def test_vectorized_bootstrap_equals_resampling(bfi):
    """Each bootstrap alpha equals alpha of the resampled rows (pairwise missing data)."""
    x = bfi[["C1", "C2", "C3", "E3", "E4"]].to_numpy(dtype=float)[:300]
    assert np.isnan(x).any()
    rng = np.random.default_rng(1)
    idx = rng.integers(0, len(x), size=(5, len(x)))
    weights = np.stack([np.bincount(i, minlength=len(x)) for i in idx]).astype(float)
    fast = _boot_alphas(x, weights)
    for b, rows in enumerate(idx):
        assert fast[b] == pytest.approx(bk.alpha(pd.DataFrame(x[rows])).alpha, abs=1e-12)
    complete = x[~np.isnan(x).any(axis=1)]
    w = weights[:, : len(complete)]
    fast = _boot_alphas(complete, w)
    for b in range(5):
        rows = np.repeat(np.arange(len(complete)), w[b].astype(int))
        assert fast[b] == pytest.approx(bk.alpha(pd.DataFrame(complete[rows])).alpha, abs=1e-12)


def test_vectorized_jackknife_equals_leaving_out(bfi):
    x = bfi[["C1", "C2", "C3"]].to_numpy(dtype=float)[:80]
    jack = _jackknife_alphas(x)
    for i in (0, 7, 41):
        rest = pd.DataFrame(np.delete(x, i, axis=0))
        assert jack[i] == pytest.approx(bk.alpha(rest).alpha, abs=1e-12)


@pytest.mark.parametrize("ci", ["percentile", "bca"])
def test_bootstrap_intervals(bfi, ci):
    items = ["A1", "A2", "A3", "A4", "A5"]
    res = bk.alpha(bfi, items=items, keys=["A1"], ci=ci, n_boot=500, random_state=3)
    again = bk.alpha(bfi, items=items, keys=["A1"], ci=ci, n_boot=500, random_state=3)
    assert (res.ci_low, res.ci_high) == (again.ci_low, again.ci_high)
    assert res.ci_low < res.alpha < res.ci_high
    feldt = res.intervals.set_index("method").loc["feldt"]
    assert res.ci_low == pytest.approx(feldt["ci_low"], abs=0.01)
    assert res.ci_high == pytest.approx(feldt["ci_high"], abs=0.01)
    assert res.boot.shape == (500,)


def test_bootstrap_needs_enough_samples(bfi):
    with pytest.raises(bk.DataError, match="n_boot"):
        bk.alpha(bfi, items=["A2", "A3", "A4"], ci="bca", n_boot=10)


# ---------------------------------------------------------------------------------- bad input
def test_alpha_degenerate_input(bfi):
    base = bfi[["A2", "A3", "A4"]].dropna()
    with pytest.raises(bk.DataError, match=r"\['flat'\] have no variance"):
        bk.alpha(base.assign(flat=4))
    with pytest.raises(bk.DataError, match=r"\(A2, copy\) are perfectly correlated"):
        bk.alpha(base.assign(copy=base["A2"]))
    with pytest.raises(bk.DataError, match="at least 2 items"):
        bk.alpha(base, items=["A2"])
    with pytest.raises(bk.DataError, match=r"\['gone'\] have no observed responses"):
        bk.alpha(base.assign(gone=np.nan))
    with pytest.raises(bk.DataError, match=r"keys name items \['B1'\]"):
        bk.alpha(base, keys=["B1"])
    with pytest.raises(bk.DataError, match="confidence_level"):
        bk.alpha(base, confidence_level=95)
    with pytest.raises(bk.DataError, match="'ci' parameter"):
        bk.alpha(base, ci="wald")


def test_fewer_respondents_than_items_warns():
    small = pd.DataFrame(
        {"a": [1, 2, 3, 4, 5], "b": [1, 3, 3, 4, 4], "c": [2, 2, 3, 5, 4],
         "d": [1, 2, 4, 4, 5], "e": [2, 1, 3, 4, 5], "f": [1, 2, 2, 5, 5]}
    )
    with pytest.warns(bk.BurnoutkitWarning, match="5 respondents for 6 items"):
        res = bk.alpha(small)
    assert np.isnan(res.alpha_if_dropped["alpha_se"]).all()


def test_two_items_have_no_alpha_if_dropped(bfi):
    res = bk.alpha(bfi[["A2", "A3"]].dropna())
    assert res.alpha_if_dropped[["raw_alpha", "std_alpha"]].isna().all().all()


def test_items_never_answered_together():
    data = pd.DataFrame({"a": [1, 2, 3, 4, np.nan, np.nan], "b": [np.nan] * 4 + [1, 2],
                         "c": [1, 2, 2, 3, 1, 2]})
    with pytest.raises(bk.DataError, match=r"\(a, b\)"):
        bk.alpha(data)


# ---------------------------------------------------------------------------------- split half
SPLIT_CASES = ["bfi_AC", "ability", "epi_L", "bfi_agree"]


@pytest.mark.parametrize("name", SPLIT_CASES)
def test_split_half_matches_psych(ref, frames, name):
    """R: psych::splitHalf(x, key = <+1/-1>); odd numbers of items: every split, in R by combn."""
    case = ref["split_half"][name]
    res = bk.split_half(_frame_for(name, frames), items=_as_list(case["items"]),
                        keys=_as_list(case["keys"]) or None)
    for key, attr in [("alpha", "alpha"), ("lambda2", "lambda2"), ("lambda6", "lambda6"),
                      ("av_r", "average_r"), ("med_r", "median_r")]:
        assert getattr(res, attr) == pytest.approx(case[key], abs=CLOSED_FORM), attr
    target = case.get("all_splits", case)
    assert res.max_split == pytest.approx(target["maxrb"], abs=CLOSED_FORM)
    assert res.min_split == pytest.approx(target["minrb"], abs=CLOSED_FORM)
    assert res.mean_split == pytest.approx(target["meanr"], abs=CLOSED_FORM)
    assert res.exhaustive
    if "all_splits" in case:
        assert res.n_splits == target["n_splits"]
        # psych examines a subset of the splits for odd numbers of items
        assert res.max_split >= case["maxrb"] - CLOSED_FORM
        assert res.min_split <= case["minrb"] + CLOSED_FORM


def test_split_half_best_split_and_spearman_brown(bfi):
    items = ["A1", "A2", "A3", "A4", "A5", "C1", "C2", "C3", "C4", "C5"]
    res = bk.split_half(bfi, items=items, keys=["A1", "C4", "C5"])
    keyed = bfi[items].copy()
    keyed[["A1", "C4", "C5"]] = 7 - keyed[["A1", "C4", "C5"]]
    r = keyed.cov().to_numpy()
    r = r / np.sqrt(np.outer(np.diag(r), np.diag(r)))
    a = np.array([item in res.best_split for item in items], dtype=float)
    assert 4 * a @ r @ (1 - a) / r.sum() == pytest.approx(res.max_split, abs=1e-12)
    odd = np.arange(10) % 2 == 0
    r_ab = r[np.ix_(odd, ~odd)].sum() / np.sqrt(r[np.ix_(odd, odd)].sum()
                                                * r[np.ix_(~odd, ~odd)].sum())
    assert res.spearman_brown == pytest.approx(2 * r_ab / (1 + r_ab), abs=1e-12)


def test_split_half_random_splits(ref, frames):
    case = ref["alpha"]["epi_E"]  # 24 items: 1,352,078 splits
    items, keys = _as_list(case["items"]), _as_list(case["keys"])
    res = bk.split_half(frames["epi"], items=items, keys=keys, max_splits=2000, random_state=5)
    again = bk.split_half(frames["epi"], items=items, keys=keys, max_splits=2000, random_state=5)
    assert not res.exhaustive and res.n_splits == 2000
    assert res.max_split == again.max_split
    assert res.min_split <= res.mean_split <= res.max_split


# ---------------------------------------------------------------------------------- omega
OMEGA_CASES = ["bfi25_5", "bfi25_3", "ability_4", "epi_3", "bfi25_5_poly", "bfi_agree_1",
               "bfi_consc_1", "hs_3"]


def _omega_case(ref, frames, name):
    case = ref["omega"][name]
    items = _as_list(case["items"])
    keys = None
    if case["key"]:
        keys = dict(zip(items, (int(k) for k in _as_list(case["key"])), strict=True))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", bk.BurnoutkitWarning)  # items reversed as psych does
        res = bk.omega(_frame_for(name, frames), items=items, keys=keys,
                       n_factors=case["nfactors"],
                       method="polychoric" if case["poly"] else "pearson")
    return case, res


@pytest.mark.parametrize("name", OMEGA_CASES)
def test_omega_matches_psych(ref, frames, name):
    """R: psych::omega(x, nfactors, poly = poly, key = key): $omega_h, $omega.tot, $omega.lim,
    $alpha, $G6, $ECV."""
    case, res = _omega_case(ref, frames, name)
    for key, attr in [("omega_h", "omega_h"), ("omega_tot", "omega_total"),
                      ("omega_lim", "omega_limit"), ("alpha", "alpha"), ("G6", "lambda6"),
                      ("ECV", "ecv")]:
        assert getattr(res, attr) == pytest.approx(case[key], abs=OMEGA_TOL), attr
    flipped = [i for i, k in zip(_as_list(case["items"]), _as_list(case["flip_key"]),
                                 strict=True) if k < 0]
    assert res.flipped == ([] if case["key"] else flipped)


@pytest.mark.parametrize("name", OMEGA_CASES)
def test_schmid_leiman_loadings_match_psych(ref, frames, name):
    """R: psych::omega(...)$schmid$sl (g, F1*..Fk*, h2, u2, p2) and $omega.group."""
    case, res = _omega_case(ref, frames, name)
    sl = _table(case["sl"])
    ours = res.loadings.drop(columns="item").to_numpy()
    np.testing.assert_allclose(ours, sl.to_numpy(), atol=1e-3)
    groups = _table(case["omega_group"])
    np.testing.assert_allclose(
        res.groups.drop(columns="factor").to_numpy(), groups.to_numpy(), atol=1e-3
    )


def test_omega_from_a_correlation_matrix(bfi):
    items = [f"{t}{i}" for t in "ACE" for i in range(1, 6)]
    keys = ["A1", "C4", "C5", "E1", "E2"]
    from_data = bk.omega(bfi, items=items, keys=keys)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", bk.BurnoutkitWarning)
        matrix = bk.correlation(bfi, items=items)
    from_matrix = bk.omega(matrix, keys=keys)
    assert from_matrix.omega_h == pytest.approx(from_data.omega_h, abs=1e-12)
    assert from_matrix.n == len(bfi)


def test_omega_reverses_negative_items_as_psych_and_says_so(bfi):
    items = ["A1", "A2", "A3", "A4", "A5"]
    with pytest.warns(bk.BurnoutkitWarning, match=r"Items \['A1'\] load negatively"):
        res = bk.omega(bfi, items=items, n_factors=1)
    assert res.flipped == ["A1"] and res.keys["A1"] == -1


def test_omega_bad_n_factors_and_two_factors(bfi):
    items = ["A2", "A3", "A4", "A5"]
    with pytest.raises(bk.DataError, match=r"'n_factors' parameter of omega .* in \[1, 3\]"):
        bk.omega(bfi, items=items, n_factors=4)
    with pytest.warns(bk.BurnoutkitWarning, match="two group factors"):
        bk.omega(bfi, items=["A2", "A3", "A4", "C1", "C2", "C3"], n_factors=2)


def test_omega_recovers_population_values():
    """Bifactor data with known loadings: omega_total and omega_h within sampling error."""
    rng = np.random.default_rng(11)
    n, per = 4000, 4
    g = np.array([0.6, 0.5, 0.55, 0.45] * 3)
    s = np.zeros((12, 3))
    for f in range(3):
        s[f * per:(f + 1) * per, f] = [0.5, 0.4, 0.45, 0.35]
    u2 = 1 - g**2 - (s**2).sum(axis=1)
    x = (rng.normal(size=(n, 1)) * g + rng.normal(size=(n, 3)) @ s.T
         + rng.normal(size=(n, 12)) * np.sqrt(u2))
    sigma = np.outer(g, g) + s @ s.T + np.diag(u2)
    pop_total = 1 - u2.sum() / sigma.sum()
    pop_h = g.sum() ** 2 / sigma.sum()
    res = bk.omega(pd.DataFrame(x, columns=[f"x{j}" for j in range(12)]), n_factors=3)
    # the sampling SD of omega_total at n = 4000 is about 0.003 and of omega_h about 0.01
    assert res.omega_total == pytest.approx(pop_total, abs=0.012)
    assert res.omega_h == pytest.approx(pop_h, abs=0.05)


# ---------------------------------------------------------------------------------- table
def test_reliability_table_matches_psych(ref, bfi, bfi_bank):
    """R: psych::alpha and psych::omega on each bfi scale and on the systems' items (see the
    'bank' section of reliability_psych.R)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", bk.LowReliabilityWarning)
        res = bk.reliability(bfi_bank, bfi)
    table = res.tidy().set_index("id")
    alpha_ref = ref["alpha"]
    for scale in ["agree", "conscientious", "extraversion", "emotional_stability", "openness"]:
        row = table.loc[scale]
        case = alpha_ref[f"bfi_{scale.replace('emotional_stability', 'neuroticism')}"]
        assert row["alpha"] == pytest.approx(case["total"]["raw_alpha"], abs=CLOSED_FORM)
        assert row["alpha_ci_low"] == pytest.approx(case["feldt"]["lower"], abs=CLOSED_FORM)
        assert row["lambda6"] == pytest.approx(case["total"]["G6(smc)"], abs=CLOSED_FORM)
        assert row["omega_total"] == pytest.approx(
            ref["bank"]["scales"][scale]["omega_tot"], abs=OMEGA_TOL
        )
        sd = case["total"]["sd"]
        assert row["sem"] == pytest.approx(sd * math.sqrt(1 - case["total"]["raw_alpha"]))
        assert np.isnan(row["omega_h"])
    for system in ["plasticity", "stability"]:
        row = table.loc[system]
        case = ref["bank"][system]
        assert row["kind"] == "system"
        assert row["alpha"] == pytest.approx(case["raw_alpha"], abs=CLOSED_FORM)
        assert row["std_alpha"] == pytest.approx(case["std_alpha"], abs=CLOSED_FORM)
        assert row["lambda6"] == pytest.approx(case["G6"], abs=CLOSED_FORM)
        assert row["omega_total"] == pytest.approx(case["omega_tot"], abs=OMEGA_TOL)
        assert row["composite_reliability"] == pytest.approx(case["mosier"], abs=CLOSED_FORM)
        assert row["sd"] == pytest.approx(case["sd_composite"], abs=CLOSED_FORM)
    assert table.loc["stability", "omega_h"] == pytest.approx(
        ref["bank"]["stability"]["omega_h"], abs=OMEGA_TOL
    )
    assert np.isnan(table.loc["plasticity", "omega_h"])


def test_reliability_flags_and_warns(bfi, bfi_bank):
    with pytest.warns(bk.LowReliabilityWarning, match=r"\['openness'\]"):
        res = bk.reliability(bfi_bank, bfi, systems=False)
    table = res.tidy().set_index("id")
    assert "alpha<0.70" in table.loc["openness", "flags"]
    assert table.loc["agree", "flags"] == ""
    assert res.glance().loc[0, "n_scales"] == 5
    strict = bk.reliability(
        bfi_bank, bfi, systems=False,
        thresholds={"alpha": 0.5, "omega_total": 0.5, "omega_cfa": 0.5},
    )
    assert strict.tidy().set_index("id").loc["openness", "flags"] == ""


def test_reliability_missing_items_are_named(bfi, bfi_bank):
    with pytest.raises(bk.DataError, match=r"items \['O1', 'O2'"):
        bk.reliability(bfi_bank, bfi.drop(columns=["O1", "O2"]))
    with pytest.raises(bk.DataError, match="unknown thresholds"):
        bk.reliability(bfi_bank, bfi, thresholds={"beta": 0.7})


@pytest.mark.r
def test_reference_script_reproduces_stored_output(tmp_path):
    """Re-runs tests/reference/reliability_psych.R and compares with the stored JSON."""
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript is not installed")
    check = subprocess.run(
        ["Rscript", "-e", "library(psych); library(psychTools); library(GPArotation); "
         "library(lavaan)"], capture_output=True,
    )
    if check.returncode != 0:
        pytest.skip("R packages psych/psychTools/GPArotation/lavaan are not installed")
    root = Path(__file__).parent.parent
    run = subprocess.run(["Rscript", str(SCRIPT), str(tmp_path)], cwd=root,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    _assert_same(_load(tmp_path / "reliability_psych.json"),
                 _load(REFERENCE / "reliability_psych.json"))
    for name in ("epi.csv", "sat_act.csv", "ability.csv", "sai_rob.csv"):
        pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "data" / name),
                                      pd.read_csv(REFERENCE / "data" / name))

# ---------------------------------------------------------------------------------- contract
def _analyses():
    return {
        "alpha": lambda d: bk.alpha(d),
        "split_half": lambda d: bk.split_half(d),
        "omega": lambda d: bk.omega(d, n_factors=1),
        "correlation": lambda d: bk.correlation(d),
        "polychoric": lambda d: bk.correlation(d, method="polychoric"),
    }


@pytest.fixture(scope="module")
def clean(bfi) -> pd.DataFrame:
    return bfi[["C1", "C2", "C3", "E3", "E4"]].dropna().iloc[:400].reset_index(drop=True)


@pytest.mark.parametrize("analysis", list(_analyses()))
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d.assign(flat=3.0), r"\['flat'\] have no variance"),
        (lambda d: d.assign(empty=np.nan), r"\['empty'\] have no observed responses"),
        (lambda d: d[["C1"]], "at least 2 items"),
        (lambda d: d.assign(label="x"), r"\['label'\] are not numeric"),
    ],
    ids=["constant", "all_missing", "one_item", "non_numeric"],
)
def test_degenerate_input_is_named(clean, analysis, make, message):
    with pytest.raises(bk.DataError, match=message):
        _analyses()[analysis](make(clean))


@pytest.mark.parametrize("analysis", ["alpha", "split_half", "omega"])
def test_duplicated_item_is_named(clean, analysis):
    with pytest.raises(bk.DataError, match=r"\(C2, C2_copy\) are perfectly correlated"):
        _analyses()[analysis](clean.assign(C2_copy=clean["C2"]))


@pytest.mark.parametrize("analysis", ["alpha", "split_half", "omega"])
def test_fewer_respondents_than_items_is_a_warning(clean, analysis):
    few = pd.DataFrame({"a": [1, 2, 3, 4], "b": [1, 3, 3, 4], "c": [2, 2, 3, 5],
                        "d": [1, 2, 4, 4], "e": [2, 1, 3, 4]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _analyses()[analysis](few)
    assert any("4 respondents for 5 items" in str(w.message) for w in caught)
    assert all(issubclass(w.category, bk.BurnoutkitWarning) for w in caught)


def test_checked_responses_are_accepted(bfi, bfi_bank):
    """Responses from bk.check_responses carry their bank, which gives the keys."""
    responses = bk.check_responses(bfi_bank, bfi, id_column="id")
    res = bk.alpha(responses, scale="agree")
    direct = bk.alpha(bfi, bank=bfi_bank, scale="agree")
    assert res.alpha == pytest.approx(direct.alpha, abs=1e-14)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", bk.LowReliabilityWarning)
        table = bk.reliability(bfi_bank, responses, systems=False)
    assert table.tidy().set_index("id").loc["agree", "alpha"] == pytest.approx(direct.alpha)
