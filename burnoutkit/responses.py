"""Checking responses against an item bank: types, ranges, ids and missingness.

:func:`check_responses` turns a DataFrame or a CSV, Parquet or SPSS file into a
:class:`Responses` object whose item columns are floats on the bank's response scale, indexed by
respondent id. Nothing is dropped silently: every answer that is recoded to missing is listed in
:attr:`Responses.problems`, and by default every problem other than a declared missing code is an
error that names the respondent, the column and the value.
"""

from __future__ import annotations

import difflib
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from burnoutkit._result import Result
from burnoutkit.banks.model import ItemBank
from burnoutkit.errors import DataError, ResponseError, ResponseWarning

__all__ = ["PROBLEM_TYPES", "Responses", "check_responses"]

#: The problem classes of :attr:`Responses.problems`, in the order they are checked.
PROBLEM_TYPES: tuple[str, ...] = (
    "missing_code",
    "not_numeric",
    "not_integer",
    "out_of_range",
    "empty_row",
)

_PROBLEM_TEXT = {
    "missing_code": "answer(s) with a declared missing code",
    "not_numeric": "answer(s) that are not numbers",
    "not_integer": "answer(s) that are not whole numbers",
    "out_of_range": "answer(s) outside the response range",
    "empty_row": "respondent(s) who answered no item",
}

_PROBLEM_COLUMNS = ["respondent", "column", "value", "problem"]
_SHOW = 5  # culprits shown per problem class in a message

OnProblem = Literal["raise", "missing"]


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Responses(Result):
    """Responses checked against an item bank (the result of :func:`check_responses`).

    Attributes
    ----------
    bank : ItemBank
        The bank the responses were checked against.
    items : pandas.DataFrame
        One float column per bank item, in bank order, on the bank's response scale (not yet
        reverse-keyed); missing answers are NaN. Indexed by respondent id: the index is named
        after the id column, or ``"row"`` (0, 1, ...) when no id column was given.
    covariates : pandas.DataFrame
        Every other column of the data except the id column, unchanged, with the same index.
    problems : pandas.DataFrame
        One row per recoded answer or empty respondent: ``respondent``, ``column`` (None for
        ``empty_row``), ``value`` (as found in the data) and ``problem`` (one of
        :data:`PROBLEM_TYPES`).
    n_respondents : int
        Number of respondents (rows); always the number of rows of the data.
    id_column : str or None
        The id column, or None when respondents are identified by row position.
    on_problem : {"raise", "missing"}
        How problems were handled.
    label_recodes : pandas.DataFrame
        SPSS value-label translations that changed a code: ``column``, ``code`` (in the file),
        ``label`` and ``value`` (the bank's code). Empty for other inputs.
    source : str
        Where the data came from: a file path or ``"<DataFrame>"``.
    """

    bank: ItemBank
    items: pd.DataFrame
    covariates: pd.DataFrame
    problems: pd.DataFrame
    n_respondents: int
    id_column: str | None = None
    on_problem: OnProblem = "raise"
    label_recodes: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["column", "code", "label", "value"])
    )
    source: str = "<DataFrame>"

    def problem_counts(self) -> dict[str, int]:
        """Count the problems of each type in :data:`PROBLEM_TYPES` (zeros included)."""
        counts = self.problems["problem"].value_counts()
        return {kind: int(counts.get(kind, 0)) for kind in PROBLEM_TYPES}

    def tidy(self) -> pd.DataFrame:
        """One row per item: its scale, answered and missing counts, and problems by type."""
        answered = self.items.notna().sum()
        per_item = (
            self.problems.dropna(subset=["column"])
            .groupby(["column", "problem"])
            .size()
            .unstack(fill_value=0)
        )
        rows = []
        for item in self.bank.items:
            row: dict[str, Any] = {
                "item": item.id,
                "scale": item.scale,
                "n_answered": int(answered[item.id]),
                "n_missing": int(self.n_respondents - answered[item.id]),
            }
            for kind in PROBLEM_TYPES[:-1]:
                has = item.id in per_item.index and kind in per_item.columns
                row[f"n_{kind}"] = int(per_item.loc[item.id, kind]) if has else 0
            rows.append(row)
        return pd.DataFrame(rows)

    def glance(self) -> pd.DataFrame:
        """One row: respondents, items, covariates, missing answers and problems by type."""
        n_cells = self.items.size
        n_missing = int(self.items.isna().to_numpy().sum())
        row: dict[str, Any] = {
            "bank": self.bank.id,
            "n_respondents": self.n_respondents,
            "n_items": self.items.shape[1],
            "n_covariates": self.covariates.shape[1],
            "n_missing": n_missing,
            "share_missing": n_missing / n_cells if n_cells else float("nan"),
        }
        row.update({f"n_{kind}": count for kind, count in self.problem_counts().items()})
        return pd.DataFrame([row])


# ---------------------------------------------------------------------------------------------
# reading


def _read_data(data: Any) -> tuple[pd.DataFrame, str, dict[str, Any] | None]:
    """Return (frame, source, SPSS metadata or None) for a DataFrame or a file path."""
    if isinstance(data, pd.DataFrame):
        return data, "<DataFrame>", None
    if not isinstance(data, str | PathLike):
        raise TypeError(
            "The 'data' parameter must be a pandas DataFrame or the path of a CSV, Parquet or "
            f"SPSS (.sav) file; got {type(data).__name__}."
        )
    path = Path(data)
    if not path.is_file():
        raise ResponseError(
            f"The response file {str(path)!r} does not exist. Pass the path of an existing CSV, "
            "Parquet or SPSS (.sav) file, or a DataFrame."
        )
    suffix = path.suffix.lower()
    if suffix in {".csv", ".txt"}:
        return pd.read_csv(path), str(path), None
    if suffix in {".parquet", ".pq"}:
        return pd.read_parquet(path), str(path), None
    if suffix in {".sav", ".zsav"}:
        frame, meta = _read_sav(path)
        return frame, str(path), meta
    raise ResponseError(
        f"Cannot read responses from {str(path)!r}: the file type {suffix or '(none)'!r} is not "
        "supported. Save the data as .csv, .parquet or .sav, or read it yourself and pass a "
        "DataFrame."
    )


def _read_sav(path: Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    try:
        import pyreadstat
    except ImportError as exc:
        raise ImportError(
            "Reading SPSS .sav files needs the optional dependency pyreadstat. Install it with "
            "pip install 'burnoutkit[spss]' (or pip install pyreadstat), or export the data as "
            "CSV and pass that file instead."
        ) from exc
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    return frame, {
        "value_labels": {
            column: dict(meta.value_labels[label_set])
            for column, label_set in meta.variable_to_label.items()
            if label_set in meta.value_labels
        },
        "missing_ranges": dict(meta.missing_ranges),
    }


def _normalize_label(label: Any) -> str:
    return " ".join(str(label).split()).casefold()


def _sav_recodes(
    bank: ItemBank, frame: pd.DataFrame, meta: Mapping[str, Any]
) -> tuple[dict[str, dict[float, float]], dict[str, set[float]], list[dict[str, Any]]]:
    """Translate SPSS value labels to bank codes; collect SPSS user-missing values.

    Returns (per-column code translations, per-column user-missing codes, records of changed
    codes for :attr:`Responses.label_recodes`).
    """
    bank_codes: dict[str, float] = {}
    alternatives: dict[str, set[float]] = {}
    for code, label in bank.response_format.labels.items():
        bank_codes[_normalize_label(label)] = float(code)
        for part in str(label).split("|"):
            alternatives.setdefault(_normalize_label(part), set()).add(float(code))
    for text, codes in alternatives.items():
        if len(codes) == 1:
            bank_codes.setdefault(text, next(iter(codes)))
    missing_codes = set(bank.response_format.missing_codes)
    translations: dict[str, dict[float, float]] = {}
    user_missing: dict[str, set[float]] = {}
    records: list[dict[str, Any]] = []
    for column in bank.item_ids:
        ranges = [
            (float(entry["lo"]), float(entry["hi"]))
            for entry in meta["missing_ranges"].get(column, ())
            if isinstance(entry["lo"], int | float) and isinstance(entry["hi"], int | float)
        ]

        def is_missing(code: float, ranges: list[tuple[float, float]] = ranges) -> bool:
            return code in missing_codes or any(low <= code <= high for low, high in ranges)

        values = pd.to_numeric(frame[column], errors="coerce").dropna().unique()
        declared = {
            float(v) for v in values if any(low <= v <= high for low, high in ranges)
        }
        if declared:
            user_missing[column] = declared
        labels = meta["value_labels"].get(column)
        if not labels:
            continue
        relevant = {
            float(code): label
            for code, label in labels.items()
            if isinstance(code, int | float) and not is_missing(float(code))
        }
        matched = {
            code: bank_codes[_normalize_label(label)]
            for code, label in relevant.items()
            if _normalize_label(label) in bank_codes
        }
        if not matched:
            continue  # labels are not the bank's (e.g. "1", "2", ...): use the codes as stored
        unmatched = {code: label for code, label in relevant.items() if code not in matched}
        if unmatched:
            shown = ", ".join(f"{_fmt(code)} = {label!r}" for code, label in unmatched.items())
            raise ResponseError(
                f"Column {column!r} of the SPSS file has value labels of which some match the "
                f"bank's response labels and some do not ({shown}). The bank's labels are "
                f"{dict(bank.response_format.labels)}. Fix the value labels in the file so that "
                "every label is one of the bank's (or none is), then read it again."
            )
        if all(code == value for code, value in matched.items()):
            continue  # the labels confirm the codes
        unlabelled = sorted(float(v) for v in values if not is_missing(v) and v not in matched)
        if unlabelled:
            raise ResponseError(
                f"Column {column!r} of the SPSS file is coded differently from the bank (its "
                f"labels map {', '.join(f'{_fmt(c)} -> {_fmt(v)}' for c, v in matched.items())})"
                f", but the values {_format_ids(unlabelled)} have no label, so they "
                "cannot be translated. Label every response code in the file, or recode the "
                "column to the bank's codes yourself."
            )
        translations[column] = matched
        for code, value in matched.items():
            if code != value:
                records.append(
                    {"column": column, "code": code, "label": relevant[code], "value": value}
                )
    return translations, user_missing, records


# ---------------------------------------------------------------------------------------------
# checking


def _fmt(value: Any) -> str:
    if isinstance(value, float | np.floating) and math.isfinite(value) and value == int(value):
        return str(int(value))
    if isinstance(value, str):
        return repr(value)
    return str(value)


def _format_ids(ids: list[Any]) -> str:
    shown = ", ".join(_fmt(i) for i in ids[:_SHOW])
    more = f" and {len(ids) - _SHOW} more" if len(ids) > _SHOW else ""
    return f"{shown}{more}"


def _checked_for(
    responses: Responses,
    bank: ItemBank,
    *,
    id_column: str | None,
    on_problem: str | None,
    function: str,
    role: str,
) -> Responses:
    """Return responses that ``check_responses`` already checked, if they fit ``bank``.

    ``function`` (e.g. ``"score"``) names the caller and ``role`` how it uses the bank (e.g.
    ``"being scored"``); ``id_column`` and ``on_problem`` only apply to raw data.
    """
    if id_column is not None or on_problem is not None:
        raise ValueError(
            f"id_column and on_problem apply when {function}() checks raw data; these responses "
            "were already checked. Pass them to check_responses instead."
        )
    if responses.bank != bank:
        raise DataError(
            f"These responses were checked against bank {responses.bank.id!r} "
            f"({responses.bank.source}), not the bank {role} ({bank.id!r}, {bank.source}). "
            f"Check them against the bank you {function} with."
        )
    return responses


def _check_on_problem(on_problem: Any, function: str) -> None:
    if on_problem not in ("raise", "missing"):
        raise ValueError(
            f"The 'on_problem' parameter of {function} must be 'raise' or 'missing'; "
            f"got {on_problem!r}."
        )


def _duplicated_columns(frame: pd.DataFrame, wanted: list[str]) -> list[str]:
    counts = pd.Series(frame.columns).value_counts()
    return [column for column in wanted if counts.get(column, 0) > 1]


def _missing_items_error(bank: ItemBank, frame: pd.DataFrame, absent: list[str]) -> ResponseError:
    present = [str(column) for column in frame.columns]
    folded = {column.casefold(): column for column in present}
    hints = []
    for item in absent:
        match = folded.get(item.casefold()) or next(
            iter(difflib.get_close_matches(item, present, n=1, cutoff=0.8)), None
        )
        if match is not None:
            hints.append(f"{item!r} -> {match!r}")
    shown = absent if len(absent) <= 10 else [*absent[:10], f"... ({len(absent)} in all)"]
    message = (
        f"Items {shown} are in bank {bank.id!r} but not in the data."
        if len(absent) > 1
        else f"Item {absent[0]!r} is in bank {bank.id!r} but not in the data."
    )
    if hints:
        if len(hints) == 1:
            message += f" Did you mean {hints[0].split(' -> ')[1]}?"
        else:
            message += f" Did you mean: {', '.join(hints[:10])}?"
        message += " Rename the columns to the bank's item ids (data.rename(columns={...}))."
    else:
        message += (
            " Rename the columns to the bank's item ids; if an item was not administered, add it"
            " as an empty column (data.assign(item=float('nan'))) to score it as missing."
        )
    return ResponseError(message)


def _respondent_index(
    frame: pd.DataFrame, id_column: str | None
) -> tuple[pd.Index, pd.DataFrame]:
    """Return the respondent index and the frame without the id column."""
    if id_column is None:
        return pd.RangeIndex(len(frame), name="row"), frame
    if id_column in frame.columns:
        if len(_duplicated_columns(frame, [id_column])):
            raise ResponseError(
                f"The id column {id_column!r} appears more than once in the data. Rename or drop "
                "the extra copies."
            )
        ids = frame[id_column]
        rest = frame.drop(columns=[id_column])
    elif frame.index.name == id_column:
        ids = frame.index.to_series()
        rest = frame
    else:
        close = difflib.get_close_matches(id_column, [str(c) for c in frame.columns], n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ResponseError(
            f"The id column {id_column!r} is not in the data (columns: "
            f"{[str(c) for c in frame.columns][:15]}{' ...' if frame.shape[1] > 15 else ''}).{hint}"
            " Pass the name of the column that identifies respondents, or id_column=None to "
            "identify them by row position."
        )
    missing = np.flatnonzero(pd.isna(ids).to_numpy())
    if len(missing):
        raise ResponseError(
            f"The id column {id_column!r} is missing in {len(missing)} row(s), at row positions "
            f"{_format_ids(missing.tolist())} (0-based). Every respondent needs an id: fill them "
            "in, or pass id_column=None to identify respondents by row position."
        )
    duplicated = ids[ids.duplicated(keep=False)]
    if len(duplicated):
        values = list(dict.fromkeys(duplicated.tolist()))
        positions = np.flatnonzero(ids.duplicated(keep=False).to_numpy()).tolist()
        raise ResponseError(
            f"The id column {id_column!r} has {len(values)} duplicated id(s): "
            f"{_format_ids(values)} (row positions {_format_ids(positions)}, 0-based). Scores "
            "are reported per id, so each id must occur once: remove the repeated submissions "
            "(e.g. data.drop_duplicates(subset=...)), give repeated measurements a combined id "
            "(id and wave), or pass id_column=None to identify respondents by row position."
        )
    return pd.Index(ids, name=id_column), rest


def _to_numeric(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return (numeric values, mask of non-numeric answers) for one item column."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        column = column.astype(object)
    if pd.api.types.is_bool_dtype(column.dtype):
        return pd.Series(np.nan, index=column.index), column.notna()
    if pd.api.types.is_numeric_dtype(column.dtype):
        return column.astype("float64"), pd.Series(False, index=column.index)
    values = column.astype(object)
    is_bool = values.map(lambda v: isinstance(v, bool | np.bool_))
    text = values.map(lambda v: v.strip() if isinstance(v, str) else v)
    blank = text.map(lambda v: isinstance(v, str) and v == "")
    text = text.mask(blank | is_bool, np.nan)
    numeric = pd.to_numeric(text, errors="coerce").astype("float64")
    not_numeric = (text.notna() & numeric.isna()) | is_bool
    return numeric, not_numeric


def check_responses(
    bank: ItemBank,
    data: pd.DataFrame | str | PathLike[str],
    /,
    *,
    id_column: str | None = None,
    on_problem: OnProblem = "raise",
) -> Responses:
    """Check responses against an item bank and return them ready for scoring.

    Every item of the bank must be a column of the data. Each answer must be a whole number in
    the bank's response range ``min..max`` or one of its declared missing codes; blank cells
    (NaN, None, empty text) are missing answers. Columns that are not items are kept as
    covariates. No row and no column is ever dropped.

    Parameters
    ----------
    bank : ItemBank
        The item bank (see :func:`burnoutkit.load_bank`).
    data : pandas.DataFrame or path-like
        One row per respondent, one column per item (named by item id), other columns
        optional. A path is read by its suffix: ``.csv`` (:func:`pandas.read_csv` defaults),
        ``.parquet`` or ``.sav``/``.zsav`` (SPSS, needs the ``burnoutkit[spss]`` extra).
    id_column : str, optional
        Column that identifies respondents (or the name of the DataFrame's index). Ids must be
        present and unique. When None, respondents are identified by row position
        (``"row"``: 0, 1, ...).
    on_problem : {"raise", "missing"}, default "raise"
        ``"raise"``: any problem other than a declared missing code raises
        :class:`~burnoutkit.ResponseError`. ``"missing"``: the offending answers are set to
        missing, respondents with no answer are kept, everything is listed in
        :attr:`Responses.problems` and a :class:`~burnoutkit.ResponseWarning` gives the counts.

    Returns
    -------
    Responses
        ``items`` (float, indexed by respondent id), ``covariates``, ``problems``.

    Raises
    ------
    ResponseError
        Whatever ``on_problem`` is: an item of the bank is not a column of the data (the message
        suggests close matches, e.g. a case difference), an item column or the id column occurs
        twice, the id column is absent, an id is missing, ids are duplicated, the data has no
        rows, or the file cannot be read. With ``on_problem="raise"``: answers that are not
        numbers, not whole numbers or outside ``min..max``, and respondents who answered no
        item; the message names the respondent ids, columns and values (the first few of each
        kind and their count).
    TypeError
        If ``bank`` is not an ItemBank or ``data`` is neither a DataFrame nor a path.
    ImportError
        If a ``.sav`` file is given and pyreadstat is not installed.

    Warns
    -----
    ResponseWarning
        With ``on_problem="missing"``, when answers were set to missing or respondents answered
        no item (declared missing codes alone do not warn).

    Notes
    -----
    Problem classes, one per cell, checked in this order: ``missing_code`` (the value is one
    of the bank's ``missing_codes``; recoded to missing and listed, never an error),
    ``not_numeric`` (text that is not a number, or a boolean), ``not_integer`` (e.g. 2.5),
    ``out_of_range`` (a whole number outside ``min..max``, or infinite), and per respondent
    ``empty_row`` (no item answered after recoding). Numbers stored as text (``"3"``) are
    accepted.

    Missing or duplicated ids are always errors: a missing value cannot repair an identity,
    and scores are reported, joined and normed per id. Pass ``id_column=None`` to identify
    respondents by row position instead.

    SPSS files: values declared as user-missing in the file are treated like the bank's
    missing codes (set to missing and listed as ``missing_code``). Value labels are honoured
    as follows: when every value label of an item column (other than those of missing codes)
    equals one of the bank's response labels (ignoring case and surrounding white space; a
    bank label with alternatives separated by ``|`` matches any of them), the
    file's codes are translated to the bank's codes through the labels (e.g. a file coded
    0 = "Never" ... 4 = "Always" becomes 1..5 for a bank with those labels); translations that
    change a code are listed in :attr:`Responses.label_recodes`; every code present in such a
    column must then have a label (an unlabelled code cannot be translated, and is an error).
    When no label matches (e.g. the labels are "1".."5"), the stored codes are used as they
    are. When only some labels match, the column is ambiguous and a ResponseError names it and
    its labels.

    Examples
    --------
    >>> import pandas as pd
    >>> import burnoutkit as bk
    >>> bank = bk.load_bank("bai")
    >>> data = pd.DataFrame({item: [3, 4, -9] for item in bank.item_ids})
    >>> data.loc[2, "ex1"] = 2
    >>> res = bk.check_responses(bank, data)
    >>> res.items.shape
    (3, 78)
    >>> res.problem_counts()["missing_code"]
    77
    >>> bad = data.assign(ex2=[3, 7, 2])
    >>> try:
    ...     bk.check_responses(bank, bad)
    ... except bk.ResponseError as err:
    ...     print(str(err).splitlines()[1])
      - out_of_range, 1 answer(s) outside the response range: respondent 1, column 'ex2': 7
    """
    if not isinstance(bank, ItemBank):
        raise TypeError(
            "The 'bank' parameter of check_responses must be an ItemBank (e.g. "
            f"bk.load_bank('bai')); got {type(bank).__name__}. The bank comes first: "
            "bk.check_responses(bank, data)."
        )
    _check_on_problem(on_problem, "check_responses")
    frame, source, sav_meta = _read_data(data)
    if len(frame) == 0:
        raise ResponseError(f"The data ({source}) has no rows: there is nothing to check.")
    if id_column is not None and not isinstance(id_column, str):
        raise TypeError(
            f"The 'id_column' parameter of check_responses must be a column name (str) or None; "
            f"got {id_column!r}."
        )

    item_ids = bank.item_ids
    repeated = _duplicated_columns(frame, item_ids)
    if repeated:
        raise ResponseError(
            f"Item column(s) {repeated} occur more than once in the data. Each item must be one "
            "column: rename or drop the extra copies."
        )
    absent = [item for item in item_ids if item not in frame.columns]
    if absent:
        raise _missing_items_error(bank, frame, absent)
    if id_column is not None and id_column in item_ids:
        raise ResponseError(
            f"The id column {id_column!r} is also an item of bank {bank.id!r}. Pass the column "
            "that identifies respondents."
        )

    index, rest = _respondent_index(frame, id_column)
    rmin, rmax = bank.response_format.min, bank.response_format.max
    missing_codes = np.asarray(bank.response_format.missing_codes, dtype=float)

    translations: dict[str, dict[float, float]] = {}
    user_missing: dict[str, set[float]] = {}
    recode_records: list[dict[str, Any]] = []
    if sav_meta is not None:
        translations, user_missing, recode_records = _sav_recodes(bank, frame, sav_meta)

    values = np.empty((len(frame), len(item_ids)), dtype=float)
    masks = {kind: np.zeros(values.shape, dtype=bool) for kind in PROBLEM_TYPES[:-1]}
    raw_columns: dict[str, pd.Series] = {}
    for j, item in enumerate(item_ids):
        raw = rest[item]
        numeric, not_numeric = _to_numeric(raw)
        num = numeric.to_numpy(dtype=float, copy=True)
        is_code = np.isin(num, missing_codes) | np.isin(
            num, np.asarray(sorted(user_missing.get(item, ())), dtype=float)
        )
        if item in translations:
            mapped = pd.Series(num).map(translations[item]).to_numpy(dtype=float)
            num = np.where(np.isnan(mapped) | is_code, num, mapped)
        present = ~np.isnan(num) & ~is_code
        finite = np.isfinite(num)
        with np.errstate(invalid="ignore"):
            not_integer = present & finite & (num != np.round(num))
        out_of_range = present & ~not_integer & ((num < rmin) | (num > rmax) | ~finite)
        masks["missing_code"][:, j] = is_code
        masks["not_numeric"][:, j] = not_numeric.to_numpy()
        masks["not_integer"][:, j] = not_integer
        masks["out_of_range"][:, j] = out_of_range
        bad = is_code | not_integer | out_of_range
        num[bad] = np.nan
        values[:, j] = num
        raw_columns[item] = raw

    empty = np.isnan(values).all(axis=1)
    problems = _problem_table(index, item_ids, masks, raw_columns, empty)

    serious = problems[problems["problem"] != "missing_code"]
    if len(serious) and on_problem == "raise":
        raise ResponseError(_problem_message(bank, serious, source, index.name))
    if len(serious):
        counts = serious["problem"].value_counts()
        parts = [f"{int(counts[kind])} {kind}" for kind in PROBLEM_TYPES if kind in counts]
        warnings.warn(
            f"Responses to bank {bank.id!r}: {', '.join(parts)}. The answers were set to "
            "missing and respondents who answered no item were kept (their scores will be "
            "missing); every case is listed in Responses.problems.",
            ResponseWarning,
            stacklevel=2,
        )

    items = pd.DataFrame(values, index=index.copy(), columns=pd.Index(item_ids))
    covariate_columns = [column for column in rest.columns if column not in set(item_ids)]
    covariates = rest[covariate_columns].copy()
    covariates.index = index.copy()
    return Responses(
        bank=bank,
        items=items,
        covariates=covariates,
        problems=problems,
        n_respondents=len(items),
        id_column=id_column,
        on_problem=on_problem,
        label_recodes=pd.DataFrame(recode_records, columns=["column", "code", "label", "value"]),
        source=source,
    )


def _problem_table(
    index: pd.Index,
    item_ids: list[str],
    masks: Mapping[str, np.ndarray],
    raw_columns: Mapping[str, pd.Series],
    empty: np.ndarray,
) -> pd.DataFrame:
    """Build :attr:`Responses.problems`, ordered by row and then by column (bank order)."""
    cell_kinds = list(masks)
    code = np.full((len(empty), len(item_ids)), -1, dtype=np.int8)
    for k, kind in enumerate(cell_kinds):
        code[masks[kind]] = k
    rows, cols = np.nonzero(code >= 0)  # row-major: sorted by row, then column
    values = np.empty(len(rows), dtype=object)
    for j in np.unique(cols):
        here = cols == j
        values[here] = raw_columns[item_ids[j]].iloc[rows[here]].to_numpy(dtype=object)
    columns = np.asarray(item_ids, dtype=object)[cols]
    kinds = np.asarray(cell_kinds, dtype=object)[code[rows, cols]]
    empty_rows = np.flatnonzero(empty)
    all_rows = np.concatenate([rows, empty_rows])
    order = np.lexsort(
        (np.concatenate([cols, np.full(len(empty_rows), len(item_ids))]), all_rows)
    )
    none = np.full(len(empty_rows), None, dtype=object)
    return pd.DataFrame(
        {
            "respondent": index.take(all_rows[order]),
            "column": pd.Series(np.concatenate([columns, none])[order], dtype=object),
            "value": pd.Series(np.concatenate([values, none])[order], dtype=object),
            "problem": pd.Series(
                np.concatenate([kinds, np.full(len(empty_rows), "empty_row", dtype=object)])[
                    order
                ],
                dtype=object,
            ),
        },
        columns=_PROBLEM_COLUMNS,
    )


def _problem_message(bank: ItemBank, problems: pd.DataFrame, source: str, id_name: Any) -> str:
    rf = bank.response_format
    codes = ", ".join(_fmt(code) for code in rf.missing_codes)
    expected = f"whole numbers {rf.min}..{rf.max}" + (
        f" or a missing code ({codes})" if codes else ""
    )
    respondents = problems["respondent"].nunique()
    lines = [
        f"Responses to bank {bank.id!r} ({source}) have {len(problems)} problem(s) in "
        f"{respondents} respondent(s) (respondents are identified by {id_name!r}); answers must "
        f"be {expected}:"
    ]
    for kind in PROBLEM_TYPES[1:]:
        subset = problems[problems["problem"] == kind]
        if subset.empty:
            continue
        if kind == "empty_row":
            found = f"respondents {_format_ids(subset['respondent'].tolist())}"
        else:
            cells = [
                f"respondent {_fmt(row.respondent)}, column {row.column!r}: {_fmt(row.value)}"
                for row in subset.head(_SHOW).itertuples()
            ]
            more = f"; and {len(subset) - _SHOW} more" if len(subset) > _SHOW else ""
            found = "; ".join(cells) + more
        lines.append(f"  - {kind}, {len(subset)} {_PROBLEM_TEXT[kind]}: {found}")
    lines.append(
        "Correct these answers in the data, or pass on_problem=\"missing\" to set them to "
        "missing (every case is then listed in Responses.problems)."
    )
    return "\n".join(lines)
