"""score, norms and norm_table: R reference, hand-computed cases and properties."""

from __future__ import annotations

import json
import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

import burnoutkit as bk

REFERENCE = Path(__file__).parent / "reference"
NAN = float("nan")


def make_bank(
    scales: dict[str, list[int]],
    *,
    min_share: float = 0.6,
    method: str = "mean",
    transform: tuple[float, float] | None = None,
    rmin: int = 1,
    rmax: int = 5,
    systems: dict[str, list[str]] | None = None,
    non_composite: tuple[str, ...] = (),
    derived: list[dict] | None = None,
    bank_id: str = "toy",
) -> bk.ItemBank:
    """A bank with items '<scale><i>' keyed as given (+1 / -1)."""
    scoring = {"method": method, "min_share": min_share}
    if transform is not None:
        scoring["transform"] = {"range": list(transform)}
    system_of = {s: system for system, members in (systems or {}).items() for s in members}
    spec = {
        "instrument": {
            "id": bank_id,
            "name": "Toy inventory",
            "version": "1",
            "language": "en",
            "license": "CC0-1.0",
            "citation": "Test bank.",
        },
        "response_format": {"min": rmin, "max": rmax},
        "scoring": scoring,
        "scales": [
            {"id": s, "name": s.upper(), **({"system": system_of[s]} if s in system_of else {})}
            for s in scales
        ],
        "items": [
            {"id": f"{s}{i + 1}", "scale": s, "keyed": key}
            for s, keys in scales.items()
            for i, key in enumerate(keys)
        ],
    }
    if systems:
        spec["systems"] = [
            {"id": system, "name": system, "composite": system not in non_composite}
            for system in systems
        ]
    if derived:
        spec["derived_scores"] = derived
    return bk.ItemBank.from_dict(spec)


def frame(bank: bk.ItemBank, rows: list[list[float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=bank.item_ids, dtype=float)


def score_quietly(bank, data, **kwargs) -> bk.ScoreResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", bk.ProratingWarning)
        return bk.score(bank, data, **kwargs)


@pytest.fixture
def bai_data(bai: bk.ItemBank) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    items = pd.DataFrame(rng.integers(1, 6, size=(60, len(bai.item_ids))), columns=bai.item_ids)
    return pd.concat(
        [pd.DataFrame({"pid": [f"p{i:02d}" for i in range(60)]}), items], axis=1
    ).assign(age=rng.integers(20, 65, size=60))


# ---------------------------------------------------------------- the R reference


def _bfi_bank(keys: dict[str, list[str]]) -> bk.ItemBank:
    """psych's bfi keys as a bank: 1-6 responses, mean scoring, any answered item counts."""
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
        # psych's impute = "none" averages whatever is answered: 1 of 5 items (0.2) is enough.
        "scoring": {"method": "mean", "min_share": 0.2},
        "scales": [{"id": scale, "name": scale} for scale in keys],
        "items": [
            {"id": key.lstrip("-"), "scale": scale, "keyed": -1 if key.startswith("-") else 1}
            for scale, scale_keys in keys.items()
            for key in scale_keys
        ],
    }
    return bk.ItemBank.from_dict(spec)


def _read_reference(directory: Path) -> tuple[pd.DataFrame, dict]:
    scores = pd.read_csv(directory / "scoring_bfi.csv", index_col="id")
    meta = json.loads((directory / "scoring_bfi.json").read_text(encoding="utf-8"))
    return scores, meta


def test_scale_scores_match_psych(bfi):
    """R: psych::scoreItems(psychTools::bfi.keys, psychTools::bfi[, 1:25], impute = "none")$scores

    psych reverses with (max + min) - x using the min and max over all scored items, 1 and 6
    for bfi (recorded by the script), which is the bank's declared 1-6 response format.
    """
    ref, meta = _read_reference(REFERENCE)
    assert (meta["observed_min"], meta["observed_max"]) == (1, 6)
    assert meta["psych_version"] and meta["r_version"].startswith("R version")
    bank = _bfi_bank(meta["keys"])
    res = bk.score(bank, bfi, id_column="id")
    assert sorted(res.scales.index) == sorted(ref.index)
    ours = res.scales.loc[ref.index, list(ref.columns)]
    assert ours.isna().equals(ref.isna())
    assert np.nanmax(np.abs(ours.to_numpy() - ref.to_numpy())) <= 1e-10


@pytest.mark.r
def test_r_script_reproduces_the_stored_reference(tmp_path, bfi):
    """Re-run tests/reference/scoring_bfi.R and compare with the stored file and with score()."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        pytest.skip("Rscript is not installed")
    script = REFERENCE / "scoring_bfi.R"
    subprocess.run(
        [rscript, str(script), str(tmp_path)],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    fresh, meta = _read_reference(tmp_path)
    stored, stored_meta = _read_reference(REFERENCE)
    assert meta["keys"] == stored_meta["keys"]
    pd.testing.assert_frame_equal(fresh, stored, check_exact=False, rtol=0, atol=1e-12)
    res = bk.score(_bfi_bank(meta["keys"]), bfi, id_column="id")
    ours = res.scales.loc[fresh.index, list(fresh.columns)]
    assert np.nanmax(np.abs(ours.to_numpy() - fresh.to_numpy())) <= 1e-10


# ---------------------------------------------------------------- hand-computed cases


def test_prorating_explicit_cases():
    bank = make_bank({"a": [1, 1, 1, 1, 1]}, min_share=0.6)
    data = frame(
        bank,
        [
            [1, 2, 3, NAN, NAN],  # 3 of 5 answered: 0.6 >= 0.6 -> mean of the three
            [1, 2, NAN, NAN, NAN],  # 2 of 5: 0.4 < 0.6 -> missing
            [5, 5, 5, 5, 5],
            [NAN, 4, 4, NAN, 5],
        ],
    )
    with pytest.warns(bk.ProratingWarning, match=r"for 1 respondent\(s\) \(1\).*'a' 1") as rec:
        res = bk.score(bank, data)
    assert "60%" in str(rec[0].message)
    assert res.scales["a"].tolist()[0] == 2.0
    assert np.isnan(res.scales["a"].iloc[1])
    assert res.scales["a"].tolist()[2:] == [5.0, 13 / 3]
    assert res.n_answered["a"].tolist() == [3, 2, 5, 3]

    summed = make_bank({"a": [1, 1, 1, 1, 1]}, min_share=0.6, method="sum")
    res_sum = score_quietly(summed, data)
    np.testing.assert_allclose(res_sum.scales["a"], res.scales["a"] * 5, rtol=1e-15)
    assert res_sum.scales["a"].iloc[0] == 10.0  # prorated: mean 2 x 5 items


def test_min_share_boundaries():
    bank = make_bank({"a": [1, 1, 1, 1]}, min_share=0.75)
    data = frame(bank, [[2, 2, 2, NAN], [2, 2, NAN, NAN], [NAN] * 4])
    with pytest.warns(bk.ResponseWarning, match="1 empty_row"):
        res = bk.check_responses(bank, data, on_problem="missing")
    res = score_quietly(bank, res)
    assert res.scales["a"].iloc[0] == 2.0
    assert res.scales["a"].iloc[1:].isna().all()


def test_reverse_keys_use_the_response_format():
    bank = make_bank({"a": [1, -1, -1]}, min_share=0.3, rmin=1, rmax=5)
    res = bk.score(bank, frame(bank, [[1, 1, 5], [5, 2, NAN]]))
    assert res.scales["a"].tolist() == [(1 + 5 + 1) / 3, (5 + 4) / 2]
    zero_based = make_bank({"a": [1, -1]}, min_share=0.5, rmin=0, rmax=4)
    res = bk.score(zero_based, frame(zero_based, [[0, 0], [3, 1]]))
    assert res.scales["a"].tolist() == [2.0, 3.0]


def test_transform_to_0_100():
    bank = make_bank({"a": [1, 1, -1]}, transform=(0, 100))
    res = bk.score(bank, frame(bank, [[1, 5, 5], [2, 3, 4], [5, NAN, 1]]))
    # keyed then rescaled: 1->0, 2->25, 3->50, 4->75, 5->100
    assert res.scales["a"].tolist() == [(0 + 100 + 0) / 3, (25 + 50 + 25) / 3, 100.0]


def test_bai_scales_systems_by_hand(bai, bai_data):
    res = bk.score(bai, bai_data, id_column="pid")
    items = bai_data.set_index("pid")
    reversed_items = set(bai.reversed_items)
    for scale in bai.scale_ids:
        keyed = pd.DataFrame(
            {i: 6 - items[i] if i in reversed_items else items[i] for i in bai.items_of(scale)}
        )
        np.testing.assert_allclose(res.scales[scale], keyed.mean(axis=1), rtol=0, atol=1e-12)
    core = res.scales[["ex", "md", "re"]].mean(axis=1)
    np.testing.assert_allclose(res.systems["core"], core, rtol=0, atol=1e-12)
    assert "sensitivity" not in res.systems.columns  # composite: false
    assert list(res.systems.columns) == [s.id for s in bai.systems if s.composite]


def test_system_is_missing_when_any_scale_is_missing():
    bank = make_bank(
        {"a": [1, 1], "b": [1, 1], "c": [1, 1]},
        min_share=0.5,
        systems={"s": ["a", "b"], "t": ["c"]},
        non_composite=("t",),
    )
    data = frame(bank, [[1, 3, 2, 2, 4, 4], [1, 3, NAN, NAN, 4, 4]])
    res = score_quietly(bank, data)
    assert res.systems["s"].iloc[0] == 2.0
    assert np.isnan(res.systems["s"].iloc[1])
    assert list(res.systems.columns) == ["s"]


def test_derived_ratio_and_item_mean():
    bank = make_bank(
        {"e": [1, 1, 1], "r": [1, -1]},
        min_share=0.5,
        method="sum",
        derived=[
            {"id": "err", "name": "ratio", "kind": "ratio", "numerator": "e", "denominator": "r"},
            {"id": "total", "name": "total", "kind": "item_mean", "scales": ["e", "r"]},
        ],
    )
    data = frame(
        bank,
        [[2, 3, 4, 4, 2], [5, 5, 5, NAN, 5], [1, NAN, NAN, 1, 5], [1, NAN, NAN, NAN, 5]],
    )
    res = score_quietly(bank, data)
    # r items keyed [1, -1] on 1..5: row 0 -> (4 + 4) / 2 = 4; row 1 -> 1
    assert res.derived["err"].tolist()[:2] == [3.0 / 4.0, 5.0 / 1.0]
    assert np.isnan(res.derived["err"].iloc[2])  # e has 1 of 3 answered
    assert res.derived["total"].tolist()[:2] == [(2 + 3 + 4 + 4 + 4) / 5, (5 + 5 + 5 + 1) / 4]
    assert res.derived["total"].iloc[2] == 1.0  # 3 of 5 items answered: 1, 1, 6 - 5
    assert np.isnan(res.derived["total"].iloc[3])  # 2 of 5 items < 0.5


def test_ratio_with_zero_denominator_is_missing_and_warned():
    bank = make_bank(
        {"e": [1, 1], "r": [1, 1]},
        rmin=0,
        rmax=3,
        min_share=0.5,
        derived=[{"id": "q", "name": "q", "kind": "ratio", "numerator": "e", "denominator": "r"}],
    )
    with pytest.warns(bk.BurnoutkitWarning, match=r"'q' is missing for 1 respondent.*0"):
        res = bk.score(bank, frame(bank, [[2, 2, 0, 0], [2, 2, 1, 1]]))
    assert np.isnan(res.derived["q"].iloc[0])
    assert res.derived["q"].iloc[1] == 2.0


# ---------------------------------------------------------------- asymmetry


def test_asymmetry_is_standardized_loss_minus_gain(bai, bai_data):
    res = bk.score(bai, bai_data, id_column="pid")
    items = bai_data.set_index("pid")
    gain = items[bai.items_of("gs")].mean(axis=1)
    loss = items[bai.items_of("ls")].mean(axis=1)
    expected = (loss - loss.mean()) / loss.std() - (gain - gain.mean()) / gain.std()
    np.testing.assert_allclose(res.asymmetry, expected, rtol=0, atol=1e-12)
    assert res.asymmetry.name == "asymmetry"
    assert res.asymmetry_norms["source"].tolist() == ["sample", "sample"]
    assert res.asymmetry_norms.index.tolist() == ["gs", "ls"]


def test_asymmetry_against_a_reference(bai, bai_data):
    table = pd.DataFrame({"mean": [3.5, 2.5], "sd": [0.5, 0.8]}, index=["gs", "ls"])
    one = bai_data.iloc[[0]]
    res = bk.score(bai, one, id_column="pid", reference=table)
    items = one.set_index("pid")
    gain = items[bai.items_of("gs")].mean(axis=1).item()
    loss = items[bai.items_of("ls")].mean(axis=1).item()
    assert res.asymmetry.item() == pytest.approx((loss - 2.5) / 0.8 - (gain - 3.5) / 0.5, abs=1e-12)
    # a reference sample gives the same as its own means and SDs
    ref_scores = bk.score(bai, bai_data, id_column="pid")
    by_sample = bk.score(bai, one, id_column="pid", reference=ref_scores)
    summary = ref_scores.scales[["gs", "ls"]].agg(["mean", "std"]).T.rename(columns={"std": "sd"})
    by_table = bk.score(bai, one, id_column="pid", reference=summary)
    assert by_sample.asymmetry.item() == pytest.approx(by_table.asymmetry.item(), abs=1e-12)


def test_asymmetry_needs_a_reference_for_one_respondent(bai, bai_data):
    with pytest.warns(bk.BurnoutkitWarning, match=r"asymmetry index is missing .* reference="):
        res = bk.score(bai, bai_data.iloc[[0]], id_column="pid")
    assert res.asymmetry.isna().all()
    assert res.scales.notna().all().all()  # the other scores are unaffected


def test_no_asymmetry_without_pairs():
    bank = make_bank({"a": [1, 1]}, min_share=0.5)
    res = bk.score(bank, frame(bank, [[1, 2], [3, 4]]))
    assert res.asymmetry is None and res.asymmetry_norms is None
    assert "asymmetry" not in res.scores().columns
    with pytest.raises(bk.DataError, match="no gain/loss pairs"):
        bk.score(bank, frame(bank, [[1, 2]]), reference=res)


# ---------------------------------------------------------------- result object


def test_tidy_glance_augment(bai, bai_data):
    data = bai_data.copy()
    data.loc[0, bai.items_of("ex")[:3]] = np.nan
    res = score_quietly(bai, data, id_column="pid")
    tidy = res.tidy()
    n_scores = 16 + 6 + 0 + 1
    assert len(tidy) == 60 * n_scores
    assert list(tidy.columns) == ["respondent", "score", "kind", "value", "n_answered"]
    assert tidy["kind"].unique().tolist() == ["scale", "system", "asymmetry"]
    row = tidy[(tidy["respondent"] == "p00") & (tidy["score"] == "core")].iloc[0]
    assert row["n_answered"] == 2 + 5 + 5 and np.isnan(row["value"])
    glance = res.glance()
    assert glance["n_scale_scores_missing"].item() == 1
    assert glance["n_respondents"].item() == 60
    assert repr(res).startswith("<ScoreResult bank=bai, n_respondents=60")

    shuffled = data.sample(frac=1, random_state=3)
    augmented = res.augment(shuffled)
    assert augmented.index.equals(shuffled.index)
    np.testing.assert_allclose(
        augmented.set_index("pid")["ex"].loc[res.scales.index], res.scales["ex"]
    )
    assert augmented.shape[1] == data.shape[1] + n_scores
    with pytest.raises(bk.DataError, match=r"already columns of the data.*prefix"):
        res.augment(augmented)
    prefixed = res.augment(data, prefix="score_")
    assert "score_asymmetry" in prefixed.columns


def test_augment_by_row_position(bai, bai_data):
    res = bk.score(bai, bai_data)
    augmented = res.augment(bai_data)
    np.testing.assert_array_equal(augmented["ex"].to_numpy(), res.scales["ex"].to_numpy())
    with pytest.raises(bk.DataError, match="rows"):
        res.augment(bai_data.iloc[:5])


def test_score_accepts_responses_and_checks_the_bank(bai, bai_data):
    responses = bk.check_responses(bai, bai_data, id_column="pid")
    direct = bk.score(bai, bai_data, id_column="pid")
    pd.testing.assert_frame_equal(bk.score(bai, responses).scales, direct.scales)
    with pytest.raises(ValueError, match="already checked"):
        bk.score(bai, responses, id_column="pid")
    other = make_bank({"a": [1, 1]}, min_share=0.5)
    with pytest.raises(bk.DataError, match="checked against bank 'bai'"):
        bk.score(other, responses)
    with pytest.raises(TypeError, match="The bank comes first"):
        bk.score(bai_data, bai)


def test_score_passes_on_problem(bai, bai_data):
    bad = bai_data.copy()
    bad.loc[0, "ex1"] = 9
    with pytest.raises(bk.ResponseError, match="respondent 'p00', column 'ex1': 9"):
        bk.score(bai, bad, id_column="pid")
    with pytest.warns(bk.ResponseWarning):
        res = bk.score(bai, bad, id_column="pid", on_problem="missing")
    assert res.n_answered.loc["p00", "ex"] == 4


def test_scoring_does_not_mutate_inputs(bai, bai_data):
    data = bai_data.copy()
    data.loc[1, "md2"] = -9
    before = data.copy(deep=True)
    responses = bk.check_responses(bai, data, id_column="pid")
    items_before = responses.items.copy(deep=True)
    res = bk.score(bai, responses)
    bk.score(bai, data, id_column="pid")
    res.augment(data)
    pd.testing.assert_frame_equal(data, before)
    pd.testing.assert_frame_equal(responses.items, items_before)
    scores = res.scores()
    scores_before = scores.copy(deep=True)
    bk.norms(scores, reference=scores)
    bk.norm_table(scores)
    pd.testing.assert_frame_equal(scores, scores_before)


# ---------------------------------------------------------------- properties

PROPERTY_BANK = make_bank({"a": [1, -1, 1, -1], "b": [-1, 1, 1]}, min_share=0.5)
PLUS_BANK = make_bank({"a": [1, 1, 1, 1], "b": [1, 1, 1]}, min_share=0.5)
SUM_BANK = make_bank({"a": [1, -1, 1, -1], "b": [-1, 1, 1]}, min_share=0.5, method="sum")
T_BANK = make_bank({"a": [1, -1, 1, -1], "b": [-1, 1, 1]}, min_share=0.5, transform=(0, 100))

answers = arrays(
    float,
    st.tuples(st.integers(1, 12), st.just(7)),
    elements=st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0, NAN]),
)


def _scores(bank, matrix, **kwargs):
    data = pd.DataFrame(matrix, columns=bank.item_ids)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", bk.ProratingWarning)
        warnings.simplefilter("ignore", bk.ResponseWarning)
        return bk.score(bank, data, on_problem="missing", **kwargs).scales


@settings(max_examples=60, deadline=None)
@given(answers)
def test_reversing_twice_is_the_identity(matrix):
    """Reverse-keyed scoring of reversed answers equals forward scoring of the answers."""
    reversed_answers = matrix.copy()
    keys = PROPERTY_BANK.keys.to_numpy()
    reversed_answers[:, keys == -1] = 6 - reversed_answers[:, keys == -1]
    pd.testing.assert_frame_equal(
        _scores(PROPERTY_BANK, reversed_answers), _scores(PLUS_BANK, matrix)
    )


@settings(max_examples=60, deadline=None)
@given(answers)
def test_scores_stay_in_range(matrix):
    for bank, low, high in [
        (PROPERTY_BANK, {"a": 1, "b": 1}, {"a": 5, "b": 5}),
        (T_BANK, {"a": 0, "b": 0}, {"a": 100, "b": 100}),
        (SUM_BANK, {"a": 4, "b": 3}, {"a": 20, "b": 15}),
    ]:
        scores = _scores(bank, matrix)
        for scale in scores.columns:
            values = scores[scale].dropna()
            assert (values >= low[scale] - 1e-12).all() and (values <= high[scale] + 1e-12).all()


@settings(max_examples=60, deadline=None)
@given(answers, st.permutations(range(7)))
def test_column_order_does_not_matter(matrix, order):
    data = pd.DataFrame(matrix, columns=PROPERTY_BANK.item_ids)
    permuted = data[[PROPERTY_BANK.item_ids[i] for i in order]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", bk.BurnoutkitWarning)
        first = bk.score(PROPERTY_BANK, data, on_problem="missing").scales
        second = bk.score(PROPERTY_BANK, permuted, on_problem="missing").scales
    pd.testing.assert_frame_equal(first, second)


@settings(max_examples=60, deadline=None)
@given(answers, st.randoms(use_true_random=False))
def test_row_order_does_not_change_scores_per_id(matrix, random):
    data = pd.DataFrame(matrix, columns=PROPERTY_BANK.item_ids)
    data.insert(0, "pid", [f"id{i}" for i in range(len(data))])
    order = list(range(len(data)))
    random.shuffle(order)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", bk.BurnoutkitWarning)
        first = bk.score(PROPERTY_BANK, data, id_column="pid", on_problem="missing")
        second = bk.score(PROPERTY_BANK, data.iloc[order], id_column="pid", on_problem="missing")
    pd.testing.assert_frame_equal(first.scales, second.scales.loc[first.scales.index])
    pd.testing.assert_frame_equal(first.n_answered, second.n_answered.loc[first.scales.index])


@settings(max_examples=60, deadline=None)
@given(answers)
def test_sum_is_mean_times_items(matrix):
    mean, total = _scores(PROPERTY_BANK, matrix), _scores(SUM_BANK, matrix)
    pd.testing.assert_frame_equal(total, mean * pd.Series({"a": 4.0, "b": 3.0}))


# ---------------------------------------------------------------- norms


def test_norms_by_hand():
    reference = pd.DataFrame({"ex": [1.0, 2.0, 2.0, 3.0, 4.0, NAN]})
    scores = pd.DataFrame({"ex": [0.0, 1.0, 2.0, 4.0, 5.0, NAN]}, index=list("abcdef"))
    res = bk.norms(scores, reference=reference)
    # mid-rank: (below + ties / 2) / n, with n = 5 non-missing reference scores
    assert res.percentiles["ex"].tolist()[:5] == [0.0, 10.0, 40.0, 90.0, 100.0]
    sd = np.sqrt(1.3)
    expected_t = 50 + 10 * (scores["ex"] - 2.4) / sd
    np.testing.assert_allclose(res.t_scores["ex"], expected_t, rtol=0, atol=1e-12)
    assert res.t_scores.index.tolist() == list("abcdef")
    assert np.isnan(res.percentiles.loc["f", "ex"]) and np.isnan(res.t_scores.loc["f", "ex"])
    assert res.reference.loc["ex"].tolist() == [pytest.approx(2.4), pytest.approx(sd), 5]
    assert res.method == "empirical"
    tidy = res.tidy()
    assert list(tidy.columns) == ["respondent", "score", "value", "z", "t_score", "percentile"]
    np.testing.assert_allclose(tidy["value"], scores["ex"], atol=1e-12)


def test_percentiles_agree_with_scipy_mean_kind():
    """The mid-rank percentile is scipy.stats.percentileofscore(kind='mean')."""
    rng = np.random.default_rng(11)
    # mean scores of a 3-item scale: many ties on a grid of thirds, some values outside
    reference = pd.DataFrame(rng.integers(3, 16, size=(800, 3)) / 3, columns=["x", "y", "z"])
    scores = pd.DataFrame(rng.integers(2, 17, size=(200, 3)) / 3, columns=["x", "y", "z"])
    res = bk.norms(scores, reference=reference)
    for column in scores.columns:
        expected = [
            stats.percentileofscore(reference[column], value, kind="mean")
            for value in scores[column]
        ]
        np.testing.assert_allclose(res.percentiles[column], expected, rtol=0, atol=1e-9)


def test_scores_equal_to_ten_decimals_are_ties():
    res = bk.norms(pd.DataFrame({"x": [0.1 + 0.2]}), reference=pd.DataFrame({"x": [0.3, 0.5]}))
    assert res.percentiles["x"].item() == 25.0


def test_norms_with_score_results(bai, bai_data):
    ref = bk.score(bai, bai_data, id_column="pid")
    new = bk.score(bai, bai_data.iloc[:5], id_column="pid", reference=ref)
    res = bk.norms(new, reference=ref)
    assert list(res.t_scores.columns) == list(ref.scores().columns)
    z = (new.scales["ex"] - ref.scales["ex"].mean()) / ref.scales["ex"].std()
    np.testing.assert_allclose(res.z["ex"], z, atol=1e-12)
    np.testing.assert_allclose(res.t_scores["asymmetry"], 50 + 10 * res.z["asymmetry"])


def test_norms_from_a_table_are_normal_theory():
    table = pd.DataFrame({"mean": [3.0], "sd": [0.5], "n": [1200]}, index=["ex"])
    res = bk.norms(pd.DataFrame({"ex": [3.0, 3.5, NAN]}), reference=table)
    assert res.method == "normal"
    np.testing.assert_allclose(res.t_scores["ex"], [50.0, 60.0, NAN])
    np.testing.assert_allclose(res.percentiles["ex"], [50.0, 100 * stats.norm.cdf(1.0), NAN])


def test_norms_errors():
    scores = pd.DataFrame({"ex": [1.0, 2.0], "md": [2.0, 3.0], "sex": ["f", "m"]})
    reference = pd.DataFrame({"ex": [1.0, 2.0, 3.0]})
    with pytest.raises(bk.DataError, match=r"\['md'\] are not in the reference"):
        bk.norms(scores, reference=reference, columns=["ex", "md"])
    with pytest.raises(bk.DataError, match=r"\['sex'\] of the scores are not numeric"):
        bk.norms(scores, reference=scores, columns=["ex", "sex"])
    with pytest.raises(bk.DataError, match=r"'ex' \(n = 1, sd = nan\)"):
        bk.norms(scores[["ex"]], reference=reference.iloc[:1])
    with pytest.raises(bk.DataError, match="positive SD"):
        bk.norms(scores[["ex"]], reference=pd.DataFrame({"mean": [1.0], "sd": [0.0]}, ["ex"]))
    with pytest.raises(TypeError, match="ScoreResult or a DataFrame"):
        bk.norms([1, 2], reference=reference)


def test_norm_table():
    reference = pd.DataFrame({"ex": [1.0, 2.0, 2.0, 3.0, 4.0], "md": [1.0, 1.0, 1.0, 5.0, 5.0]})
    table = bk.norm_table(reference)
    assert list(table.columns) == ["score", "raw", "n", "percentile", "t_score"]
    ex = table[table["score"] == "ex"]
    assert ex["raw"].tolist() == [1.0, 2.0, 3.0, 4.0]
    assert ex["n"].tolist() == [1, 2, 1, 1]
    assert ex["percentile"].tolist() == [10.0, 40.0, 70.0, 90.0]
    md = table[table["score"] == "md"]
    assert md["percentile"].tolist() == [30.0, 80.0]
    chosen = bk.norm_table(reference, columns=["ex"], values=[1.5, 2.0])
    assert chosen["percentile"].tolist() == [20.0, 40.0]
    assert chosen["n"].tolist() == [0, 2]
    normal = pd.DataFrame({"mean": [2.0], "sd": [1.0]}, index=["ex"])
    with pytest.raises(bk.DataError, match="values="):
        bk.norm_table(normal)
    by_table = bk.norm_table(normal, values={"ex": [2.0, 3.0]})
    assert by_table["t_score"].tolist() == [50.0, 60.0]
    assert by_table["n"].isna().all()
