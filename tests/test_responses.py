"""check_responses: one test per bad-input class, missing codes, file formats, no mutation."""

from __future__ import annotations

import re
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

import burnoutkit as bk
from burnoutkit.responses import PROBLEM_TYPES


@pytest.fixture
def data(bai: bk.ItemBank) -> pd.DataFrame:
    """Eight respondents with string ids, all 78 BAI items (1-5) and two covariates."""
    rng = np.random.default_rng(20260101)
    items = pd.DataFrame(rng.integers(1, 6, size=(8, len(bai.item_ids))), columns=bai.item_ids)
    return pd.concat(
        [
            pd.DataFrame({"pid": [f"r{i}" for i in range(8)]}),
            items,
            pd.DataFrame({"age": np.arange(30, 38), "sex": list("fmfmfmfm")}),
        ],
        axis=1,
    )


def _check_quietly(bank, data, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", bk.ResponseWarning)
        return bk.check_responses(bank, data, **kwargs)


# ---------------------------------------------------------------- clean data


def test_clean_data(bai, data):
    res = bk.check_responses(bai, data, id_column="pid")
    assert isinstance(res, bk.Responses)
    assert list(res.items.columns) == bai.item_ids
    assert res.items.index.name == "pid"
    assert res.items.index.tolist() == data["pid"].tolist()
    assert (res.items.dtypes == "float64").all()
    np.testing.assert_array_equal(res.items.to_numpy(), data[bai.item_ids].to_numpy(dtype=float))
    assert list(res.covariates.columns) == ["age", "sex"]
    assert res.covariates.index.equals(res.items.index)
    assert res.problems.empty
    assert list(res.problems.columns) == ["respondent", "column", "value", "problem"]
    assert res.n_respondents == 8
    assert res.id_column == "pid"


def test_without_id_column_rows_are_numbered(bai, data):
    res = bk.check_responses(bai, data.set_index(pd.Index(list("abcdefgh"))))
    assert res.items.index.name == "row"
    assert res.items.index.tolist() == list(range(8))
    # the id column is then an ordinary covariate
    assert list(res.covariates.columns) == ["pid", "age", "sex"]


def test_id_column_may_be_the_index(bai, data):
    res = bk.check_responses(bai, data.set_index("pid"), id_column="pid")
    assert res.items.index.tolist() == data["pid"].tolist()
    assert list(res.covariates.columns) == ["age", "sex"]


def test_unknown_columns_are_kept_as_covariates(bai, data):
    extra = data.assign(notes=["x"] * 8, EX1_old=1.5)
    res = bk.check_responses(bai, extra, id_column="pid")
    assert list(res.covariates.columns) == ["age", "sex", "notes", "EX1_old"]
    pd.testing.assert_series_equal(
        res.covariates["notes"], extra.set_index("pid")["notes"], check_names=False
    )


def test_missing_codes_are_recoded_and_listed_without_error(bai, data):
    coded = data.copy()
    coded.loc[2, "ex1"] = -9
    coded.loc[5, "pe4"] = -9
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a declared missing code is not worth a warning
        res = bk.check_responses(bai, coded, id_column="pid")
    assert np.isnan(res.items.loc["r2", "ex1"]) and np.isnan(res.items.loc["r5", "pe4"])
    assert res.problems.to_dict("records") == [
        {"respondent": "r2", "column": "ex1", "value": -9, "problem": "missing_code"},
        {"respondent": "r5", "column": "pe4", "value": -9, "problem": "missing_code"},
    ]
    assert res.glance()["n_missing_code"].item() == 2


def test_numbers_as_text_and_blanks(bai, data):
    text = data.astype({"ex1": object, "ex2": object})
    text["ex1"] = [" 3 ", "4", "5.0", "1", "2", "3", "4", "-9"]
    text["ex2"] = ["", None, np.nan, "2", "2", "2", "2", "2"]
    res = bk.check_responses(bai, text, id_column="pid")
    assert res.items["ex1"].tolist()[:7] == [3.0, 4.0, 5.0, 1.0, 2.0, 3.0, 4.0]
    assert np.isnan(res.items.loc["r7", "ex1"])
    assert res.items["ex2"].isna().tolist() == [True] * 3 + [False] * 5
    assert res.problems["problem"].tolist() == ["missing_code"]


def test_nullable_and_categorical_columns(bai, data):
    other = data.astype({"ex1": "Int64", "ex2": "category"})
    other["ex1"] = other["ex1"].astype("Int64")
    other.loc[1, "ex1"] = pd.NA
    res = bk.check_responses(bai, other, id_column="pid")
    assert np.isnan(res.items.loc["r1", "ex1"])
    assert res.items["ex2"].tolist() == data["ex2"].astype(float).tolist()


# ---------------------------------------------------------------- bad input, one test per class


def test_out_of_range_names_row_column_value(bai, data):
    bad = data.copy()
    bad.loc[4, "ex3"] = 7
    with pytest.raises(bk.ResponseError) as info:
        bk.check_responses(bai, bad, id_column="pid")
    message = str(info.value)
    assert "out_of_range" in message
    assert "respondent 'r4', column 'ex3': 7" in message
    assert "1..5" in message
    assert 'on_problem="missing"' in message


def test_zero_is_out_of_range_and_infinity_too(bai, data):
    bad = data.astype({"ex3": float})
    bad.loc[0, "ex3"] = 0
    bad.loc[1, "ex3"] = np.inf
    res = _check_quietly(bai, bad, id_column="pid", on_problem="missing")
    assert res.problems["problem"].tolist() == ["out_of_range", "out_of_range"]


def test_text_answer_names_row_column_value(bai, data):
    bad = data.astype({"md2": object})
    bad.loc[6, "md2"] = "often"
    with pytest.raises(bk.ResponseError) as info:
        bk.check_responses(bai, bad, id_column="pid")
    message = str(info.value)
    assert "not_numeric" in message
    assert "respondent 'r6', column 'md2': 'often'" in message


def test_boolean_answer_is_not_numeric(bai, data):
    bad = data.astype({"md2": object})
    bad.loc[1, "md2"] = True
    with pytest.raises(bk.ResponseError, match=r"not_numeric.*respondent 'r1', column 'md2'"):
        bk.check_responses(bai, bad, id_column="pid")


def test_non_integer_answer_names_row_column_value(bai, data):
    bad = data.astype({"re1": float})
    bad.loc[0, "re1"] = 2.5
    with pytest.raises(bk.ResponseError) as info:
        bk.check_responses(bai, bad, id_column="pid")
    assert "not_integer" in str(info.value)
    assert "respondent 'r0', column 're1': 2.5" in str(info.value)


def test_missing_item_column_suggests_case_match(bai, data):
    bad = data.rename(columns={"ex1": "EX1"})
    with pytest.raises(bk.ResponseError) as info:
        bk.check_responses(bai, bad, id_column="pid")
    message = str(info.value)
    assert "Item 'ex1' is in bank 'bai' but not in the data" in message
    assert "Did you mean 'EX1'?" in message


def test_missing_item_columns_listed_with_close_matches(bai, data):
    bad = data.rename(columns={"ex1": "EX1", "md2": "md_2"}).drop(columns=["ls3"])
    with pytest.raises(bk.ResponseError) as info:
        bk.check_responses(bai, bad, id_column="pid")
    message = str(info.value)
    assert "Items ['ex1', 'md2', 'ls3']" in message
    assert "'ex1' -> 'EX1'" in message and "'md2' -> 'md_2'" in message


def test_missing_item_column_without_match_says_what_to_do(bai, data):
    with pytest.raises(bk.ResponseError, match=r"Item 'ls3' .* empty column") as info:
        bk.check_responses(bai, data.drop(columns=["ls3"]), id_column="pid")
    assert "Did you mean" not in str(info.value)


def test_missing_items_is_an_error_even_with_on_problem_missing(bai, data):
    with pytest.raises(bk.ResponseError, match="'ls3'"):
        bk.check_responses(bai, data.drop(columns=["ls3"]), on_problem="missing")


def test_duplicate_ids_name_the_ids_and_rows(bai, data):
    bad = data.assign(pid=["a", "b", "a", "c", "d", "e", "f", "b"])
    for on_problem in ("raise", "missing"):
        with pytest.raises(bk.ResponseError) as info:
            bk.check_responses(bai, bad, id_column="pid", on_problem=on_problem)
        message = str(info.value)
        assert "2 duplicated id(s): 'a', 'b'" in message
        assert "row positions 0, 1, 2, 7" in message
        assert "id_column=None" in message


def test_duplicate_ids_allowed_by_row_position(bai, data):
    bad = data.assign(pid=["a"] * 8)
    res = bk.check_responses(bai, bad)
    assert res.n_respondents == 8
    assert res.covariates["pid"].tolist() == ["a"] * 8


def test_missing_id_values_name_the_rows(bai, data):
    bad = data.assign(pid=["a", None, "c", "d", np.nan, "f", "g", "h"])
    match = r"'pid' is missing in 2 row\(s\), at row positions 1, 4"
    with pytest.raises(bk.ResponseError, match=match):
        bk.check_responses(bai, bad, id_column="pid", on_problem="missing")


def test_absent_id_column_is_named(bai, data):
    with pytest.raises(bk.ResponseError, match=r"id column 'PID' is not in the data.*'pid'"):
        bk.check_responses(bai, data, id_column="PID")


def test_empty_rows_raise_by_default(bai, data):
    bad = data.astype({item: float for item in bai.item_ids})
    bad.loc[3, bai.item_ids] = np.nan
    bad.loc[5, bai.item_ids] = -9
    with pytest.raises(bk.ResponseError) as info:
        bk.check_responses(bai, bad, id_column="pid")
    assert "empty_row, 2 respondent(s) who answered no item: respondents 'r3', 'r5'" in str(
        info.value
    )


def test_empty_rows_are_kept_with_on_problem_missing(bai, data):
    bad = data.astype({item: float for item in bai.item_ids})
    bad.loc[3, bai.item_ids] = np.nan
    with pytest.warns(bk.ResponseWarning, match="1 empty_row"):
        res = bk.check_responses(bai, bad, id_column="pid", on_problem="missing")
    assert res.n_respondents == 8
    assert res.items.loc["r3"].isna().all()
    empty = res.problems[res.problems["problem"] == "empty_row"]
    assert empty["respondent"].tolist() == ["r3"]
    assert empty["column"].isna().all()


def test_duplicated_item_column(bai, data):
    bad = pd.concat([data, data[["ex1"]]], axis=1)
    with pytest.raises(bk.ResponseError, match=r"\['ex1'\] occur more than once"):
        bk.check_responses(bai, bad, id_column="pid")


def test_no_rows(bai, data):
    with pytest.raises(bk.ResponseError, match="no rows"):
        bk.check_responses(bai, data.iloc[:0])


def test_bad_parameters(bai, data):
    match = r"'on_problem' parameter .* 'raise' or 'missing'; got 'drop'"
    with pytest.raises(ValueError, match=match):
        bk.check_responses(bai, data, on_problem="drop")
    match = r"must be an ItemBank .* got DataFrame. The bank comes first"
    with pytest.raises(TypeError, match=match):
        bk.check_responses(data, bai)
    with pytest.raises(TypeError, match="got list"):
        bk.check_responses(bai, [[1, 2, 3]])
    with pytest.raises(TypeError, match="id_column"):
        bk.check_responses(bai, data, id_column=0)


def test_message_shows_first_five_and_the_count(bai, data):
    bad = data.copy()
    bad["ex1"] = 9
    bad.loc[0:2, "md1"] = 0
    with pytest.raises(bk.ResponseError) as info:
        bk.check_responses(bai, bad, id_column="pid")
    message = str(info.value)
    assert "11 problem(s) in 8 respondent(s)" in message
    assert "out_of_range, 11 answer(s) outside the response range" in message
    assert message.count("respondent 'r") == 5
    assert "and 6 more" in message


# ---------------------------------------------------------------- on_problem="missing"


def test_on_problem_missing_drops_nothing_and_lists_every_bad_cell(bai, data):
    bad = data.astype({"ex1": object, "md1": float, "re1": float})
    cells = {
        (1, "ex1"): ("often", "not_numeric"),
        (2, "md1"): (2.5, "not_integer"),
        (2, "re1"): (6.0, "out_of_range"),
        (4, "re1"): (-9.0, "missing_code"),
        (7, "ex1"): (0, "out_of_range"),
    }
    for (row, column), (value, _) in cells.items():
        bad.loc[row, column] = value
    with pytest.warns(bk.ResponseWarning) as record:
        res = bk.check_responses(bai, bad, id_column="pid", on_problem="missing")
    warning = str(record[0].message)
    assert "1 not_numeric, 1 not_integer, 2 out_of_range" in warning
    assert res.n_respondents == len(bad) == len(res.items) == len(res.covariates)
    assert res.items.shape[1] == len(bai.item_ids)
    listed = {
        (r.respondent, r.column): (r.value, r.problem) for r in res.problems.itertuples()
    }
    expected = {(f"r{row}", column): v for (row, column), v in cells.items()}
    assert listed == expected
    for respondent, column in expected:
        assert np.isnan(res.items.loc[respondent, column])
    # every other answer is untouched
    original = data.set_index("pid")[bai.item_ids].astype(float)
    keep = np.ones(original.shape, dtype=bool)
    for respondent, column in expected:
        keep[original.index.get_loc(respondent), original.columns.get_loc(column)] = False
    np.testing.assert_array_equal(res.items.to_numpy()[keep], original.to_numpy()[keep])
    counts = res.problem_counts()
    assert counts == {
        "missing_code": 1,
        "not_numeric": 1,
        "not_integer": 1,
        "out_of_range": 2,
        "empty_row": 0,
    }


def test_inputs_are_not_mutated(bai, data):
    bad = data.astype({"ex1": object})
    bad.loc[1, "ex1"] = "often"
    bad.loc[2, "md1"] = -9
    before = bad.copy(deep=True)
    _check_quietly(bai, bad, id_column="pid", on_problem="missing")
    pd.testing.assert_frame_equal(bad, before)
    indexed = data.set_index("pid")
    before = indexed.copy(deep=True)
    bk.check_responses(bai, indexed, id_column="pid")
    pd.testing.assert_frame_equal(indexed, before)


def test_tidy_glance_and_repr(bai, data):
    bad = data.copy()
    bad.loc[0, "ex1"] = 8
    bad.loc[1, "ex1"] = -9
    res = _check_quietly(bai, bad, id_column="pid", on_problem="missing")
    tidy = res.tidy()
    assert len(tidy) == len(bai.item_ids)
    row = tidy.set_index("item").loc["ex1"]
    assert (row["n_answered"], row["n_missing"]) == (6, 2)
    assert (row["n_out_of_range"], row["n_missing_code"]) == (1, 1)
    glance = res.glance()
    assert glance.shape[0] == 1
    assert {f"n_{kind}" for kind in PROBLEM_TYPES} <= set(glance.columns)
    assert glance["n_missing"].item() == 2
    assert repr(res).startswith("<Responses bank=bai, n_respondents=8")


# ---------------------------------------------------------------- files


def test_csv_round_trip(bai, data, tmp_path):
    path = tmp_path / "responses.csv"
    coded = data.copy()
    coded.loc[3, "ex2"] = -9
    coded.to_csv(path, index=False)
    direct = bk.check_responses(bai, coded, id_column="pid")
    for source in (path, str(path)):
        res = bk.check_responses(bai, source, id_column="pid")
        pd.testing.assert_frame_equal(res.items, direct.items)
        pd.testing.assert_frame_equal(res.problems, direct.problems)
        assert res.source == str(path)


def test_csv_with_text_reports_the_text(bai, data, tmp_path):
    path = tmp_path / "responses.csv"
    bad = data.astype({"ex2": object})
    bad.loc[3, "ex2"] = "n/a?"
    bad.to_csv(path, index=False)
    with pytest.raises(bk.ResponseError, match=r"respondent 'r3', column 'ex2': 'n/a\?'"):
        bk.check_responses(bai, path, id_column="pid")


def test_parquet_round_trip(bai, data, tmp_path):
    path = tmp_path / "responses.parquet"
    data.to_parquet(path, index=False)
    res = bk.check_responses(bai, path, id_column="pid")
    pd.testing.assert_frame_equal(res.items, bk.check_responses(bai, data, id_column="pid").items)
    assert list(res.covariates.columns) == ["age", "sex"]


def _labels(bank, shift=0):
    return {code - shift: label for code, label in bank.response_format.labels.items()}


def test_sav_round_trip_with_value_labels(bai, data, tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    path = tmp_path / "responses.sav"
    frame = data.astype({item: float for item in bai.item_ids})
    frame.loc[2, "ex1"] = -9
    pyreadstat.write_sav(
        frame,
        str(path),
        variable_value_labels={item: _labels(bai) for item in bai.item_ids},
    )
    res = bk.check_responses(bai, path, id_column="pid")
    direct = bk.check_responses(bai, frame, id_column="pid")
    pd.testing.assert_frame_equal(res.items, direct.items)
    assert res.label_recodes.empty
    assert res.problems["problem"].tolist() == ["missing_code"]


def test_sav_value_labels_translate_codes(bai, data, tmp_path):
    """A file coded 0 = Never .. 4 = Always is read as the bank's 1..5 through its labels."""
    pyreadstat = pytest.importorskip("pyreadstat")
    path = tmp_path / "zero_based.sav"
    frame = data.astype({item: float for item in bai.item_ids})
    frame[bai.item_ids] = frame[bai.item_ids] - 1
    pyreadstat.write_sav(
        frame, str(path), variable_value_labels={item: _labels(bai, 1) for item in bai.item_ids}
    )
    res = bk.check_responses(bai, path, id_column="pid")
    np.testing.assert_array_equal(res.items.to_numpy(), data[bai.item_ids].to_numpy(dtype=float))
    recodes = res.label_recodes
    assert len(recodes) == 5 * len(bai.item_ids)
    first = recodes.iloc[0].to_dict()
    assert first == {"column": "ex1", "code": 0.0, "label": "Never", "value": 1.0}


def test_sav_numeric_labels_keep_codes(bai, data, tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    path = tmp_path / "numeric_labels.sav"
    frame = data.astype({item: float for item in bai.item_ids})
    pyreadstat.write_sav(
        frame, str(path), variable_value_labels={"ex1": {1.0: "1", 5.0: "5"}}
    )
    res = bk.check_responses(bai, path, id_column="pid")
    assert res.items["ex1"].tolist() == data["ex1"].astype(float).tolist()


def test_sav_partly_matching_labels_are_an_error(bai, data, tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    path = tmp_path / "mixed.sav"
    frame = data.astype({item: float for item in bai.item_ids})
    pyreadstat.write_sav(
        frame, str(path), variable_value_labels={"ex1": {1.0: "Never", 5.0: "Very often"}}
    )
    with pytest.raises(bk.ResponseError, match=r"Column 'ex1' .*\(5 = 'Very often'\)"):
        bk.check_responses(bai, path, id_column="pid")


def test_sav_shifted_codes_need_every_label(bai, data, tmp_path):
    """0 = Never, 4 = Always with 1-3 unlabelled cannot be translated safely."""
    pyreadstat = pytest.importorskip("pyreadstat")
    path = tmp_path / "endpoints.sav"
    frame = data.astype({item: float for item in bai.item_ids})
    frame["ex1"] = [0, 1, 2, 3, 4, 0, 1, 2]
    pyreadstat.write_sav(
        frame, str(path), variable_value_labels={"ex1": {0.0: "Never", 4.0: "Always"}}
    )
    match = r"Column 'ex1' .*0 -> 1, 4 -> 5\), but the values 1, 2, 3 have no label"
    with pytest.raises(bk.ResponseError, match=match):
        bk.check_responses(bai, path, id_column="pid")


def test_sav_user_missing_values_are_missing_codes(bai, data, tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    path = tmp_path / "user_missing.sav"
    frame = data.astype({item: float for item in bai.item_ids})
    frame.loc[4, "ex1"] = 99
    labels = {**_labels(bai), 99: "No answer"}
    pyreadstat.write_sav(
        frame,
        str(path),
        missing_ranges={"ex1": [99]},
        variable_value_labels={"ex1": labels},
    )
    res = bk.check_responses(bai, path, id_column="pid")
    assert np.isnan(res.items.loc["r4", "ex1"])
    assert res.problems.to_dict("records") == [
        {"respondent": "r4", "column": "ex1", "value": 99.0, "problem": "missing_code"}
    ]


def test_sav_without_pyreadstat_names_the_extra(bai, data, tmp_path, monkeypatch):
    path = tmp_path / "responses.sav"
    path.write_bytes(b"not really a sav file")
    monkeypatch.setitem(sys.modules, "pyreadstat", None)
    with pytest.raises(ImportError, match=re.escape("burnoutkit[spss]")):
        bk.check_responses(bai, path)


def test_unreadable_paths(bai, tmp_path):
    with pytest.raises(bk.ResponseError, match="does not exist"):
        bk.check_responses(bai, tmp_path / "nope.csv")
    odd = tmp_path / "responses.xlsx"
    odd.write_bytes(b"")
    with pytest.raises(bk.ResponseError, match=r"'.xlsx' is not supported"):
        bk.check_responses(bai, odd)
