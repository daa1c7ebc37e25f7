"""Argument checking shared by the profile functions: data, parameterizations, counts."""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from burnoutkit.errors import DataError

__all__ = [
    "MODEL_NAMES",
    "check_int",
    "check_missing",
    "model_names",
    "prepare_data",
]

#: (variances, covariances) -> mclust model name
MODEL_NAMES: dict[tuple[str, str], str] = {
    ("equal", "zero"): "EEI",
    ("varying", "zero"): "VVI",
    ("equal", "equal"): "EEE",
    ("varying", "varying"): "VVV",
}
_VARIANCES = ("equal", "varying")
_COVARIANCES = ("zero", "equal", "varying")


def check_int(value: object, name: str, func: str, low: int, high: int | None = None) -> int:
    """Return ``value`` as an int in ``[low, high]`` or raise the house-style error."""
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if ok and value >= low and (high is None or value <= high):
        return int(value)
    span = f"in [{low}, {high}]" if high is not None else f">= {low}"
    raise DataError(f"The {name!r} parameter of {func} must be an int {span}; got {value!r}.")


def check_missing(missing: str, func: str) -> str:
    if missing not in ("error", "listwise"):
        raise DataError(
            f"The 'missing' parameter of {func} must be 'error' or 'listwise'; got {missing!r}."
        )
    return missing


def model_names(
    variances: str | Sequence[str], covariances: str | Sequence[str], func: str
) -> list[str]:
    """Mclust names of the parameterizations asked for (tidyLPA's pairing of the two arguments).

    Strings are broadcast; two sequences are paired element by element, as in
    ``tidyLPA::estimate_profiles``.
    """
    var = [variances] if isinstance(variances, str) else list(variances)
    cov = [covariances] if isinstance(covariances, str) else list(covariances)
    for name, values, allowed in (
        ("variances", var, _VARIANCES),
        ("covariances", cov, _COVARIANCES),
    ):
        if not values:
            raise DataError(f"The {name!r} parameter of {func} is empty; give at least one value.")
        bad = [v for v in values if v not in allowed]
        if bad:
            raise DataError(
                f"The {name!r} parameter of {func} must be one of {list(allowed)}; got {bad[0]!r}."
            )
    if len(var) == 1:
        var = var * len(cov)
    if len(cov) == 1:
        cov = cov * len(var)
    if len(var) != len(cov):
        raise DataError(
            f"{func} pairs 'variances' and 'covariances' element by element, so they must have the "
            f"same length; got {len(var)} and {len(cov)}."
        )
    names = []
    for v, c in zip(var, cov, strict=True):
        if (v, c) not in MODEL_NAMES:
            raise DataError(
                f"variances={v!r} with covariances={c!r} is not one of the four parameterizations "
                "burnoutkit fits (equal/zero = EEI, varying/zero = VVI, equal/equal = EEE, "
                "varying/varying = VVV); choose one of those pairs."
            )
        name = MODEL_NAMES[(v, c)]
        if name not in names:
            names.append(name)
    return names


def prepare_data(
    data: object, func: str, missing: str = "error", *, check_constant: bool = True
) -> tuple[np.ndarray, list[str], pd.Index]:
    """Validate the indicators: a numeric DataFrame (or 2-D array) without missing values.

    Returns the values, the column names and the row index of the rows used.
    """
    if isinstance(data, pd.DataFrame):
        frame = data
    elif isinstance(data, np.ndarray) and data.ndim == 2:
        frame = pd.DataFrame(data, columns=[f"x{j + 1}" for j in range(data.shape[1])])
    else:
        raise DataError(
            f"{func} needs the profile indicators as a pandas DataFrame (one column per "
            f"indicator, one row per respondent); got {type(data).__name__}."
        )
    if frame.shape[1] == 0:
        raise DataError(f"{func} got a DataFrame without columns; pass the profile indicators.")
    non_numeric = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if non_numeric:
        raise DataError(
            f"Columns {[str(c) for c in non_numeric]} are not numeric; {func} models continuous "
            "indicators (scale scores). Select the indicator columns, e.g. data[['exhaustion', "
            "'mental_distance']]."
        )
    values = frame.to_numpy(dtype=float)
    finite = np.isfinite(values)
    if not finite.all():
        rows = ~finite.all(axis=1)
        if missing == "error":
            ids = [str(i) for i in frame.index[rows][:5]]
            cols = [str(c) for c in frame.columns[~finite.all(axis=0)]]
            raise DataError(
                f"{int(rows.sum())} rows have missing or infinite values (rows {ids}"
                f"{' ...' if rows.sum() > 5 else ''}; columns {cols}). Pass missing='listwise' to "
                "drop them, or impute them before fitting."
            )
        values = values[~rows]
        frame = frame.loc[~rows]
    sds = values.std(axis=0) if len(values) else np.zeros(values.shape[1])
    constant = [str(c) for c, sd in zip(frame.columns, sds, strict=True) if sd == 0]
    if check_constant and constant:
        raise DataError(
            f"Indicators {constant} are constant; a latent profile model cannot use them. "
            "Drop them from the data."
        )
    return values, [str(c) for c in frame.columns], frame.index


def as_list(values: Iterable[int] | int) -> list[int]:
    if isinstance(values, numbers.Integral):
        return [int(values)]
    return [int(v) for v in values]
