"""screen: careless-responding indices against base R, hand-computed cases, cohort recovery."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _reference import assert_same_json
from _validate_shared import short_form_bank
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import burnoutkit as bk
from burnoutkit.datasets import load_bfi, load_reference_cohort
from burnoutkit.screening import default_cutoffs

REFERENCE = Path(__file__).parent / "reference"
SCRIPT = REFERENCE / "screening.R"
REF = json.loads((REFERENCE / "screening.json").read_text(encoding="utf-8"))
INDEX_COLUMNS = [
    "longstring",
    "longstring_avg",
    "irv",
    "mahalanobis_d2",
    "mahalanobis_p",
    "even_odd",
    "psychsyn",
    "psychant",
    "missing_share",
]


def _array(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in np.atleast_1d(values)], dtype=float)


def _strings(values) -> list[str]:
    return [str(v) for v in np.atleast_1d(values)]


def make_bank(
    scales: dict[str, list[int]],
    *,
    rmin: int = 1,
    rmax: int = 5,
    min_share: float = 0.5,
    pairs: dict[str, str] | None = None,
) -> bk.ItemBank:
    """A bank with items '<scale><i>' keyed as given; ``pairs`` maps gain to loss items."""
    pairs = pairs or {}
    gain = {item[:-1] for item in pairs}
    loss = {item[:-1] for item in pairs.values()}
    spec = {
        "instrument": {
            "id": "toy",
            "name": "Toy inventory",
            "version": "1",
            "language": "en",
            "license": "CC0-1.0",
            "citation": "Test bank.",
        },
        "response_format": {"min": rmin, "max": rmax},
        "scoring": {"method": "mean", "min_share": min_share},
        "scales": [
            {
                "id": s,
                "name": s.upper(),
                **({"valence": "gain"} if s in gain else {}),
                **({"valence": "loss"} if s in loss else {}),
            }
            for s in scales
        ],
        "items": [
            {
                "id": f"{s}{i + 1}",
                "scale": s,
                "keyed": key,
                **({"pair": pairs[f"{s}{i + 1}"]} if f"{s}{i + 1}" in pairs else {}),
            }
            for s, keys in scales.items()
            for i, key in enumerate(keys)
        ],
    }
    return bk.ItemBank.from_dict(spec)


def bfi_bank(keys: dict[str, list[str]]) -> bk.ItemBank:
    """psych's bfi keys (psychTools::bfi.keys) as a bank with the 1-6 response format."""
    spec = {
        "instrument": {
            "id": "bfi",
            "name": "Big Five Inventory items of the SAPA project (psych's bfi)",
            "version": "1",
            "language": "en",
            "license": "GPL-2 | GPL-3",
            "citation": "Revelle, W. psychTools: Tools to accompany the psych package.",
        },
        "response_format": {"min": 1, "max": 6},
        "scoring": {"method": "mean", "min_share": 0.2},
        "scales": [{"id": scale, "name": scale} for scale in keys],
        "items": [
            {"id": key.lstrip("-"), "scale": scale, "keyed": -1 if key.startswith("-") else 1}
            for scale, scale_keys in keys.items()
            for key in scale_keys
        ],
    }
    return bk.ItemBank.from_dict(spec)


@pytest.fixture(scope="module")
def cohort():
    return load_reference_cohort()


@pytest.fixture(scope="module")
def cohort_result(cohort, bai):
    return bk.screen(bai, cohort.data, id_column="id", random_state=20261123)


# ---------------------------------------------------------------- the R reference


def _reference_cases(bai):
    keys = REF["bfi"]["keys"]
    bfi = load_bfi().iloc[: REF["bfi"]["rows"]]
    cohort_rows = load_reference_cohort().data.iloc[: REF["cohort"]["rows"]]
    return {
        "bfi auto": (bfi_bank(keys), bfi, {}, REF["bfi"]["auto"]),
        "bfi pair_r=.40": (bfi_bank(keys), bfi, {"pair_r": 0.40}, REF["bfi"]["fixed_040"]),
        "cohort auto": (bai, cohort_rows, {}, REF["cohort"]["auto"]),
    }


def _compare(res: bk.ScreeningResult, ref: dict) -> None:
    for column in INDEX_COLUMNS:
        ours = res.indices[column].to_numpy(dtype=float)
        if column not in ref:  # too few pairs: careless stops, burnoutkit reports NaN
            assert np.isnan(ours).all(), column
            continue
        theirs = _array(ref[column])
        np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs), err_msg=column)
        ok = ~np.isnan(theirs)
        np.testing.assert_allclose(ours[ok], theirs[ok], rtol=1e-8, atol=1e-12, err_msg=column)
    np.testing.assert_array_equal(
        res.counts["even_odd_scales"].to_numpy(), _array(ref["even_odd_scales"])
    )
    for kind, name in (("synonym", "synonyms"), ("antonym", "antonyms")):
        pairs = res.pairs[res.pairs["kind"] == kind]
        assert list(pairs["item_a"]) == _strings(ref[name]["first"])
        assert list(pairs["item_b"]) == _strings(ref[name]["second"])
        np.testing.assert_allclose(pairs["r"], _array(ref[name]["r"]), rtol=1e-10)
        assert pairs["critical_r"].eq(ref[name]["crit"]).all()
    for name in ("psychsyn", "psychant"):
        if name in ref:
            np.testing.assert_array_equal(
                res.counts[f"{name}_pairs"].to_numpy(), _array(ref[f"{name}_pairs"])
            )


@pytest.mark.parametrize("case", ["bfi auto", "bfi pair_r=.40", "cohort auto"])
def test_indices_match_base_r(case, bai):
    """R: tests/reference/screening.R, careless 1.2.2's longstring, irv, mahad (psych::outlier),
    evenodd, psychsyn and psychant written out in base R; resample_na = FALSE."""
    bank, data, kwargs, ref = _reference_cases(bai)[case]
    res = bk.screen(bank, data, id_column="id", resample_na=False, **kwargs)
    assert len(res.indices) == ref["n"]
    _compare(res, ref)


def test_complete_rows_match_psych_outlier(bai):
    """R: psych::outlier(x, plot = FALSE), what careless::mahad returns, on respondents who
    answered every item (for the others mahad sets missing deviations to 0)."""
    for bank, data, _, ref in _reference_cases(bai).values():
        res = bk.screen(bank, data, id_column="id", indices=["mahalanobis"])
        complete = data[bank.item_ids].notna().all(axis=1).to_numpy()
        assert complete.sum() > 50
        np.testing.assert_allclose(
            res.indices["mahalanobis_d2"].to_numpy()[complete],
            _array(ref["psych_outlier"])[complete],
            rtol=1e-8,
        )
        incomplete = ~complete
        assert np.all(
            res.indices["mahalanobis_d2"].to_numpy()[incomplete]
            != _array(ref["psych_outlier"])[incomplete]
        )


def test_bank_pairs_match_base_r(bai):
    """R: careless's syn_for_one over the BAI's declared gain/loss pairs (resample_na = FALSE)."""
    ref = REF["cohort"]["auto"]
    data = load_reference_cohort().data.iloc[: REF["cohort"]["rows"]]
    res = bk.screen(
        bai, data, id_column="id", indices=["psychsyn"], synonyms="bank", resample_na=False
    )
    assert list(res.pairs["item_a"]) == _strings(ref["given_synonyms"]["first"])
    assert list(res.pairs["item_b"]) == _strings(ref["given_synonyms"]["second"])
    theirs = _array(ref["psychsyn_given"])
    ours = res.indices["psychsyn"].to_numpy()
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
    np.testing.assert_allclose(ours[~np.isnan(theirs)], theirs[~np.isnan(theirs)], rtol=1e-8)
    assert (res.pairs["source"] == "bank").all()


@pytest.mark.r
def test_r_script_reproduces_the_stored_reference(tmp_path, bai):
    """Re-run tests/reference/screening.R; it must reproduce the stored JSON and screen()."""
    out = tmp_path / "screening.json"
    subprocess.run(
        [shutil.which("Rscript") or "Rscript", str(SCRIPT), str(out)],
        cwd=REFERENCE.parent.parent,
        check=True,
        capture_output=True,
        timeout=600,
    )
    fresh = json.loads(out.read_text(encoding="utf-8"))
    assert_same_json(fresh, REF, rel=1e-10, abs_tol=1e-12)


# ---------------------------------------------------------------- hand-computed cases


def test_longstring_by_hand():
    bank = make_bank({"a": [1, 1, 1, 1], "b": [1, 1, 1]})
    data = pd.DataFrame(
        [
            [1, 1, 2, 2, 2, np.nan, 2],  # runs 2, 3 | 1: longest 3, 6 answered / 3 runs
            [3, 3, 3, 3, 3, 3, 3],
            [1, 2, 1, 2, 1, 2, 1],
            [4, 4, np.nan, 4, 4, np.nan, 5],  # runs 2 | 2 | 1
        ],
        columns=bank.item_ids,
    )
    res = bk.screen(bank, data, indices=["longstring"])
    assert res.indices["longstring"].tolist() == [3, 7, 1, 2]
    assert res.indices["longstring_avg"].tolist() == pytest.approx([2.0, 7.0, 1.0, 5 / 3])
    # 7 items: the default cut-off is half the items, 4
    assert res.cutoffs["longstring"] == 4
    assert res.flags["longstring"].tolist() == [False, True, False, False]
    assert res.reasons[1] == "longstring 7 >= 4"


def _runs(row: np.ndarray) -> list[int]:
    """Lengths of the runs of identical answers; a missing answer ends a run."""
    runs = []
    for key, group in itertools.groupby(row.tolist(), key=lambda v: "nan" if v != v else v):
        length = len(list(group))
        if key != "nan":
            runs.append(length)
    return runs


@settings(max_examples=60, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 6), st.integers(1, 12)),
        elements=st.sampled_from([1.0, 2.0, 3.0, np.nan]),
    )
)
def test_longstring_and_irv_match_a_loop(matrix):
    n, p = matrix.shape
    bank = make_bank({"s": [1] * p})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", bk.ResponseWarning)  # rows with no answer
        res = bk.screen(
            bank, pd.DataFrame(matrix, columns=bank.item_ids), indices=["longstring", "irv"]
        )
    for i in range(n):
        runs = _runs(matrix[i])
        answered = matrix[i][~np.isnan(matrix[i])]
        if runs:
            assert res.indices["longstring"][i] == max(runs)
            assert res.indices["longstring_avg"][i] == pytest.approx(sum(runs) / len(runs))
        else:
            assert np.isnan(res.indices["longstring"][i])
        if len(answered) >= 2:
            assert res.indices["irv"][i] == pytest.approx(np.std(answered, ddof=1), abs=1e-12)
        else:
            assert np.isnan(res.indices["irv"][i])


def test_irv_and_missing_share_by_hand():
    bank = make_bank({"a": [1, 1, 1], "b": [1, 1, 1]})
    data = pd.DataFrame(
        [[1, 2, 3, 4, 5, np.nan], [2, np.nan, np.nan, np.nan, np.nan, np.nan]],
        columns=bank.item_ids,
    )
    res = bk.screen(bank, data, indices=["irv", "missing_share"])
    assert res.indices["irv"][0] == pytest.approx(np.std([1, 2, 3, 4, 5], ddof=1))
    assert np.isnan(res.indices["irv"][1])
    assert "only one item" in res.not_computed.loc[1, "irv"]
    assert res.indices["missing_share"].tolist() == pytest.approx([1 / 6, 5 / 6])
    assert res.cutoffs["missing_share"] == pytest.approx(0.5)
    assert res.flags["missing_share"].tolist() == [False, True]


def test_even_odd_by_hand():
    """Keyed answers, odd/even half means per scale, Spearman-Brown, careless's sign."""
    bank = make_bank({"a": [1, -1, 1, 1], "b": [1, 1, 1], "c": [1, 1, -1, 1, 1], "d": [1]})
    rng = np.random.default_rng(3)
    data = pd.DataFrame(rng.integers(1, 6, size=(6, 13)).astype(float), columns=bank.item_ids)
    data.iloc[0, 4] = np.nan
    res = bk.screen(bank, data, indices=["even_odd"])
    for i in range(len(data)):
        odd, even = [], []
        for scale in bank.scale_ids:
            items = bank.items_of(scale)
            values = [
                6 - data.loc[i, item] if bank.item(item).keyed < 0 else data.loc[i, item]
                for item in items
            ]
            o = [v for v in values[0::2] if not np.isnan(v)]
            e = [v for v in values[1::2] if not np.isnan(v)]
            if o and e:
                odd.append(np.mean(o))
                even.append(np.mean(e))
        r = np.corrcoef(odd, even)[0, 1]
        expected = -max(2 * r / (1 + r), -1.0)
        assert res.indices["even_odd"][i] == pytest.approx(expected, abs=1e-12)
        assert res.counts["even_odd_scales"][i] == len(odd) == 3


def test_even_odd_needs_three_scales():
    bank = make_bank({"a": [1, 1], "b": [1, 1]})
    data = pd.DataFrame([[1, 2, 4, 5], [2, 2, 3, 3]], columns=bank.item_ids)
    res = bk.screen(bank, data, indices=["even_odd"])
    assert res.indices["even_odd"].isna().all()
    assert (res.not_computed["even_odd"] == "fewer than 3 scales with both halves answered").all()
    assert any("even_odd needs at least 3 scales" in note for note in res.notes)


def test_mahalanobis_over_answered_items():
    """D2 over each respondent's answered items with the pairwise covariance (pandas), and the
    chi-square p with df = answered items (scipy)."""
    from scipy import stats

    bank = make_bank({"a": [1, 1, 1], "b": [1, 1, 1]})
    rng = np.random.default_rng(11)
    latent = rng.normal(size=(200, 1))
    x = np.clip(np.round(3 + latent + rng.normal(size=(200, 6))), 1, 5)
    x[rng.random(x.shape) < 0.15] = np.nan
    x[5] = np.nan
    x[5, 2] = 4.0  # one answer
    data = pd.DataFrame(x, columns=bank.item_ids)
    res = bk.screen(bank, data, indices=["mahalanobis"])
    cov = data.cov().to_numpy()
    mean = data.mean().to_numpy()
    for i in range(len(data)):
        o = ~np.isnan(x[i])
        if not o.any():
            continue
        d = x[i, o] - mean[o]
        d2 = float(d @ np.linalg.solve(cov[np.ix_(o, o)], d))
        assert res.indices["mahalanobis_d2"][i] == pytest.approx(d2, rel=1e-9)
        assert res.indices["mahalanobis_p"][i] == pytest.approx(
            stats.chi2.sf(d2, o.sum()), rel=1e-9
        )


def test_singular_covariance_is_reported():
    bank = make_bank({"a": [1, 1, 1]})
    data = pd.DataFrame({"a1": [1, 2, 3, 4], "a2": [2, 2, 2, 2], "a3": [5, 4, 3, 1]})
    with pytest.warns(bk.BurnoutkitWarning, match=r"a2.*no variance"):
        res = bk.screen(bank, data, indices=["mahalanobis"])
    assert res.indices["mahalanobis_d2"].isna().all()
    assert res.not_computed["mahalanobis_p"].str.contains("no variance").all()


def test_psychsyn_with_given_pairs_and_resampling():
    """careless's resample_na: when one side of the pairs does not vary, the pair members are
    put in random order; the result must be one of the 2^k orientations' correlations."""
    bank = make_bank({"a": [1, 1, 1, 1], "b": [1, 1, 1, 1]})
    pairs = [("a1", "b1"), ("a2", "b2"), ("a3", "b3"), ("a4", "b4")]
    data = pd.DataFrame(
        [
            [1, 2, 4, 5, 1, 3, 4, 5],  # varies on both sides
            [3, 3, 3, 3, 1, 2, 4, 5],  # first side constant
            [3, 3, 3, 3, 3, 3, 3, 3],  # both constant: undefined after resampling
            [1, 2, np.nan, np.nan, 2, np.nan, 4, 5],  # one complete pair
        ],
        columns=bank.item_ids,
    )
    fixed = bk.screen(bank, data, indices=["psychsyn"], synonyms=pairs, resample_na=False)
    assert fixed.indices["psychsyn"][0] == pytest.approx(
        np.corrcoef([1, 2, 4, 5], [1, 3, 4, 5])[0, 1]
    )
    assert fixed.indices["psychsyn"][1:].isna().all()
    assert "do not vary" in fixed.not_computed.loc[1, "psychsyn"]
    assert "fewer than 3 item pairs" in fixed.not_computed.loc[3, "psychsyn"]

    first = bk.screen(bank, data, indices=["psychsyn"], synonyms=pairs, random_state=5)
    again = bk.screen(bank, data, indices=["psychsyn"], synonyms=pairs, random_state=5)
    pd.testing.assert_frame_equal(first.indices, again.indices)
    assert first.indices["psychsyn"][0] == fixed.indices["psychsyn"][0]
    assert first.counts["psychsyn_resampled"].tolist() == [False, True, False, False]
    a, b = np.array([3, 3, 3, 3.0]), np.array([1, 2, 4, 5.0])
    candidates = []
    for swap in itertools.product([False, True], repeat=4):
        s = np.array(swap)
        u, v = np.where(s, b, a), np.where(s, a, b)
        if np.ptp(u) > 0 and np.ptp(v) > 0:
            candidates.append(np.corrcoef(u, v)[0, 1])
    assert min(abs(first.indices["psychsyn"][1] - c) for c in candidates) < 1e-12
    assert np.isnan(first.indices["psychsyn"][2])
    assert "also after 10 random re-orderings" in first.not_computed.loc[2, "psychsyn"]
    assert (first.pairs["source"] == "given").all()


def test_too_few_sample_pairs_is_a_note():
    bank = make_bank({"a": [1, 1, 1], "b": [1, 1, 1]})
    rng = np.random.default_rng(1)
    data = pd.DataFrame(rng.integers(1, 6, size=(80, 6)), columns=bank.item_ids)
    res = bk.screen(bank, data, indices=["psychsyn", "psychant"])
    assert res.indices[["psychsyn", "psychant"]].isna().all().all()
    assert any(note.startswith("psychsyn was not computed") for note in res.notes)
    assert res.not_computed["psychsyn"].str.contains("psychsyn needs at least 3").all()


def test_automatic_critical_value_on_bfi():
    """bfi has one item pair above .60: the critical value is lowered until 10 pairs qualify."""
    keys = REF["bfi"]["keys"]
    res = bk.screen(bfi_bank(keys), load_bfi(), id_column="id", indices=["psychsyn"])
    synonyms = res.pairs[res.pairs["kind"] == "synonym"]
    crit = synonyms["critical_r"].iloc[0]
    assert crit < 0.60 and len(synonyms) >= 10
    assert (synonyms["r"] > crit).all()
    assert any("lowered" in note for note in res.notes)
    fixed = bk.screen(bfi_bank(keys), load_bfi(), id_column="id", indices=["psychsyn"], pair_r=0.6)
    assert fixed.indices["psychsyn"].isna().all()  # careless: one pair, nothing to correlate


# ---------------------------------------------------------------- the result object


def test_result_tables_and_reasons(cohort_result, cohort, bai):
    res = cohort_result
    assert list(res.indices.columns) == ["id", *INDEX_COLUMNS]
    assert res.indices.index.equals(cohort.data.index)
    assert (res.indices["id"] == cohort.data["id"]).all()
    assert list(res.flags.columns) == [
        "longstring",
        "mahalanobis",
        "even_odd",
        "psychsyn",
        "missing_share",
    ]
    assert res.flags.dtypes.eq(bool).all()
    assert res.flagged.equals(res.flags.any(axis=1).rename("flagged"))
    assert res.n_flagged == int(res.flagged.sum())
    assert ((res.reasons != "") == res.flagged).all()
    assert res.cutoffs == default_cutoffs(bai)
    values = res.indices[INDEX_COLUMNS]
    reasons = res.not_computed[INDEX_COLUMNS]
    assert ((reasons != "") == values.isna()).all().all()  # every NaN has a reason
    assert list(res.summary.columns) == [
        "n_computed",
        "n_flagged",
        "share_flagged",
        "cutoff",
        "rule",
    ]
    assert res.summary.loc["longstring", "rule"] == "longstring >= 10"
    assert res.summary.loc["psychant", "rule"] == "not flagged (no cut-off)"
    assert res.summary.loc["mahalanobis", "n_flagged"] == res.flags["mahalanobis"].sum()
    for i in np.flatnonzero(res.flags["longstring"])[:5]:
        value = int(res.indices["longstring"].iloc[i])
        assert f"longstring {value} >= 10" in res.reasons.iloc[i]
    assert res.tidy().shape[0] == len(res.summary)
    assert res.glance()["n_flagged"][0] == res.n_flagged
    assert "ScreeningResult" in repr(res) and "ScreeningResult" in res._repr_html_()


def test_exclude_reports_who_and_why(cohort_result, cohort):
    res = cohort_result
    kept, excluded = res.exclude()
    assert len(kept) == len(cohort.data) - res.n_flagged
    pd.testing.assert_frame_equal(kept, cohort.data[~res.flagged.to_numpy()])
    assert list(excluded.columns) == ["row", "id", "reasons"]
    assert (excluded["id"] == cohort.data["id"].to_numpy()[excluded["row"]]).all()
    assert (excluded["reasons"] == res.reasons[res.flagged].to_numpy()).all()
    _, excluded_ls = res.exclude(by=["longstring"])
    assert len(excluded_ls) == res.flags["longstring"].sum()
    assert excluded_ls["reasons"].str.match(r"^longstring \d+ >= 10$").all()
    with pytest.raises(ValueError, match="psychant"):
        res.exclude(by=["psychant"])


def test_evaluate_against_brute_force(cohort_result):
    res = cohort_result
    rng = np.random.default_rng(4)
    truth = rng.random(len(res.flagged)) < 0.2
    truth_obj = truth.astype(object)
    truth_obj[:100] = None  # left out of the evaluation
    table = res.evaluate(truth_obj)
    known = np.arange(len(truth)) >= 100
    for name, column, sign in [("longstring", "longstring", 1), ("psychsyn", "psychsyn", -1)]:
        score = sign * res.indices[column].to_numpy()
        ok = known & ~np.isnan(score)
        pos, neg = score[ok & truth], score[ok & ~truth]
        greater = (pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean()
        assert table.loc[name, "auc"] == pytest.approx(greater, abs=1e-12)
        flag = res.flags[name].to_numpy()
        assert table.loc[name, "sensitivity"] == pytest.approx(flag[known & truth].mean())
        assert table.loc[name, "specificity"] == pytest.approx(1 - flag[known & ~truth].mean())
    assert table.loc["any flag", "auc"] == pytest.approx(
        (table.loc["any flag", "sensitivity"] + table.loc["any flag", "specificity"]) / 2
    )
    assert np.isnan(table.loc["irv", "sensitivity"])
    assert table["n"].eq(len(truth) - 100).all()
    with pytest.raises(bk.DataError, match="3000 respondents"):
        res.evaluate(truth[:10])
    with pytest.raises(bk.DataError, match="booleans"):
        res.evaluate(np.where(truth, "yes", "no"))


# ---------------------------------------------------------------- recovery on the cohort


def _truth_for(cohort, kind: str) -> np.ndarray:
    """True for planted careless responders of ``kind``, False for careful ones, None else."""
    types = cohort.truth.respondents["careless_type"].astype(str).to_numpy()
    return np.where(types == kind, True, np.where(types == "none", False, None))


def test_cohort_truth_is_aligned(cohort):
    assert (cohort.truth.respondents["id"].to_numpy() == cohort.data["id"].to_numpy()).all()
    types = set(cohort.truth.respondents["careless_type"].astype(str))
    assert {"random", "longstring"} <= types


def test_recovers_the_planted_careless_responders(cohort_result, cohort):
    """Combined flag: sensitivity >= .90 and specificity >= .95 against cohort.truth.

    Each kind of planted responder has an index that detects it by design: a long-string
    responder keeps one answer for runs of about 1/0.05 = 20 items (switch probability .05),
    far beyond the cut-off of 10 that careful respondents almost never reach; a uniform random
    responder ignores the item correlations, so its D2 over 78 items exceeds the chi-square
    .001 quantile almost surely. With about 90 planted responders the binomial SD of the
    sensitivity near 1 is about .015, so .90 leaves room for sampling. Specificity: five
    indices flag a careful respondent with about 0-2 % each (Johnson's .30 even-odd
    cut-off, a negative synonym correlation), so .95 bounds their union.
    """
    table = cohort_result.evaluate(cohort.truth.respondents["careless"].to_numpy())
    assert table.loc["any flag", "sensitivity"] >= 0.90
    assert table.loc["any flag", "specificity"] >= 0.95


def test_longstring_responders_are_found_by_the_longstring_indices(cohort_result, cohort):
    """By design: long runs of one answer (longstring, longstring_avg near 1), low variability
    (IRV), and the same answer to both items of antonym pairs (psychant)."""
    table = cohort_result.evaluate(_truth_for(cohort, "longstring"))
    assert table.loc["longstring", "auc"] >= 0.95
    assert table.loc["longstring_avg", "auc"] >= 0.95
    assert table.loc["longstring", "sensitivity"] >= 0.90
    assert table.loc["psychant", "auc"] >= 0.90
    assert table.loc["irv", "auc"] > 0.5


def test_random_responders_are_found_by_the_consistency_indices(cohort_result, cohort):
    """By design: answers unrelated to the item correlations (Mahalanobis), to the scale
    structure (even-odd) and to the synonym pairs (psychsyn), but not in long runs."""
    table = cohort_result.evaluate(_truth_for(cohort, "random"))
    assert table.loc["mahalanobis", "auc"] >= 0.95
    assert table.loc["mahalanobis", "sensitivity"] >= 0.90
    assert table.loc["even_odd", "auc"] >= 0.85
    assert table.loc["psychsyn", "auc"] >= 0.85
    assert table.loc["psychant", "auc"] >= 0.70
    assert table.loc["longstring", "auc"] < 0.5
    assert table.loc["irv", "auc"] < 0.5  # uniform answers vary more than careful ones


# ---------------------------------------------------------------- options and inputs


def test_cutoffs_override_and_disable(cohort, bai):
    res = bk.screen(
        bai,
        cohort.data.iloc[:300],
        id_column="id",
        cutoffs={"longstring": 6, "psychant": 0, "irv": 0.5, "mahalanobis": None},
        random_state=1,
    )
    assert list(res.flags.columns) == [
        "longstring",
        "irv",
        "even_odd",
        "psychsyn",
        "psychant",
        "missing_share",
    ]
    assert res.cutoffs["mahalanobis"] is None
    assert res.flags["longstring"].equals(res.indices["longstring"] >= 6)
    assert res.flags["irv"].equals((res.indices["irv"] <= 0.5).fillna(False))
    assert res.flags["psychant"].equals((res.indices["psychant"] > 0).fillna(False))
    assert res.summary.loc["irv", "rule"] == "irv <= 0.5"


def test_short_banks_do_not_flag_with_within_person_correlations(cohort):
    """Four three-item scales: even-odd and synonyms are computed but flag only when asked."""
    short = short_form_bank()
    data = cohort.data[["id", *short.item_ids]]
    res = bk.screen(short, data, id_column="id", random_state=1)
    assert res.cutoffs["even_odd"] is None and res.cutoffs["psychsyn"] is None
    assert res.indices["even_odd"].notna().mean() > 0.9
    assert any("even_odd is reported but does not flag" in note for note in res.notes)
    assert res.flagged.mean() < 0.06
    asked = bk.screen(short, data, id_column="id", cutoffs={"even_odd": -0.3}, random_state=1)
    assert asked.flags["even_odd"].equals((asked.indices["even_odd"] > -0.3).fillna(False))
    assert not any("even_odd is reported" in note for note in asked.notes)


def test_indices_subset(cohort, bai):
    res = bk.screen(bai, cohort.data.iloc[:50], indices=["missing_share", "longstring"])
    assert list(res.indices.columns) == ["longstring", "longstring_avg", "missing_share"]
    assert list(res.summary.index) == ["longstring", "longstring_avg", "missing_share"]
    assert set(res.cutoffs) == {"longstring", "longstring_avg", "missing_share"}


def test_responses_file_and_frame_agree(tmp_path, cohort, bai):
    data = cohort.data.iloc[:200]
    from_frame = bk.screen(bai, data, id_column="id", random_state=1)
    responses = bk.check_responses(bai, data, id_column="id")
    from_responses = bk.screen(bai, responses, random_state=1)
    path = tmp_path / "answers.csv"
    data.to_csv(path, index=False)
    from_file = bk.screen(bai, path, id_column="id", random_state=1)
    for other in (from_responses, from_file):
        np.testing.assert_array_equal(
            other.indices[INDEX_COLUMNS].to_numpy(), from_frame.indices[INDEX_COLUMNS].to_numpy()
        )
        assert other.reasons.tolist() == from_frame.reasons.tolist()
    kept, _ = from_responses.exclude()
    assert "id" in kept.columns and len(kept) == 200 - from_responses.n_flagged


def test_custom_index_is_kept(bai):
    rng = np.random.default_rng(2)
    data = pd.DataFrame(
        rng.integers(1, 6, size=(40, 78)), columns=bai.item_ids, index=[f"r{i}" for i in range(40)]
    )
    res = bk.screen(bai, data, indices=["longstring"])
    assert list(res.indices.index) == list(data.index)
    _, excluded = bk.screen(
        bai,
        data.assign(ex1=1, ex2=1, ex3=1, ex4=1, ex5=1, md1=1, md2=1, md3=1, md4=1, md5=1),
        indices=["longstring"],
    ).exclude()
    assert list(excluded.index) == list(data.index)
    assert excluded["row"].tolist() == list(range(40))


def test_inputs_are_not_mutated(cohort, bai):
    data = cohort.data.iloc[:300].copy()
    before = data.copy()
    bk.screen(bai, data, id_column="id", cutoffs={"longstring": 5}, random_state=1)
    pd.testing.assert_frame_equal(data, before)


# ---------------------------------------------------------------- bad input


def test_respondent_with_no_answer_is_flagged_and_named(bai):
    rng = np.random.default_rng(8)
    data = pd.DataFrame(rng.integers(1, 6, size=(120, 78)).astype(float), columns=bai.item_ids)
    data.insert(0, "pid", [f"p{i}" for i in range(120)])
    data.loc[7, bai.item_ids] = np.nan
    with pytest.warns(bk.ResponseWarning, match=r"answered no item.*p7"):
        res = bk.screen(bai, data, id_column="pid", random_state=1)
    assert res.flagged[7] and res.flags.loc[7, "missing_share"]
    assert res.reasons[7] == "missing_share 1 > 0.4"
    values = res.indices.loc[7, INDEX_COLUMNS].drop("missing_share")
    assert values.isna().all()
    assert (res.not_computed.loc[7, values.index] == "answered no item").all()


def test_answers_outside_the_format_raise(bai):
    data = pd.DataFrame(np.full((5, 78), 3.0), columns=bai.item_ids)
    data.loc[2, "ex3"] = 9
    with pytest.raises(bk.ResponseError, match=r"respondent 2, column 'ex3': 9"):
        bk.screen(bai, data)
    with pytest.warns(bk.ResponseWarning):
        res = bk.screen(bai, data, on_problem="missing", indices=["missing_share"])
    assert res.indices.loc[2, "missing_share"] == pytest.approx(1 / 78)


def test_bank_and_data_mismatch(bai):
    data = pd.DataFrame(np.full((5, 78), 3.0), columns=bai.item_ids).drop(columns=["md2"])
    with pytest.raises(bk.ResponseError, match="md2"):
        bk.screen(bai, data)
    other = bk.load_bank("cbi")
    responses = bk.check_responses(
        other, pd.DataFrame(np.full((3, 19), 2.0), columns=other.item_ids)
    )
    with pytest.raises(bk.DataError, match="cbi"):
        bk.screen(bai, responses)
    with pytest.raises(TypeError, match="ItemBank"):
        bk.screen("bai", data)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"cutoffs": {"longstrng": 3}}, ValueError, "longstrng"),
        ({"cutoffs": {"mahalanobis": 5}}, ValueError, "p-value"),
        ({"cutoffs": {"irv": "low"}}, ValueError, "finite number"),
        ({"indices": ["mahalanobis", "evenodd"]}, ValueError, "'evenodd' -> 'even_odd'"),
        ({"indices": []}, ValueError, "empty"),
        ({"synonyms": [("ex1", "exx9")]}, bk.DataError, "exx9"),
        ({"synonyms": [("ex1", "ex1")]}, ValueError, "two different"),
        ({"antonyms": "bank"}, ValueError, "antonyms"),
        ({"pair_r": 1.5}, ValueError, "pair_r"),
    ],
)
def test_bad_parameters(bai, kwargs, error, match):
    data = pd.DataFrame(np.full((5, 78), 3.0), columns=bai.item_ids)
    with pytest.raises(error, match=match):
        bk.screen(bai, data, **kwargs)


def test_bank_pairs_need_a_bank_with_pairs():
    cbi = bk.load_bank("cbi")
    data = pd.DataFrame(np.full((5, 19), 2.0), columns=cbi.item_ids)
    with pytest.raises(bk.BankError, match="declares no matched item pairs"):
        bk.screen(cbi, data, synonyms="bank")


def test_no_warning_on_clean_cohort(cohort, bai):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bk.screen(bai, cohort.data.iloc[:500], id_column="id", random_state=1)
