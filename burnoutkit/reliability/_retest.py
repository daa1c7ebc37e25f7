"""Test-retest reliability: intraclass correlations, Pearson r and mean change."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from burnoutkit._result import Result
from burnoutkit.correlation import _item_frame
from burnoutkit.errors import BurnoutkitWarning, DataError
from burnoutkit.reliability._common import KeysLike, _parse_keys, check_confidence_level

__all__ = ["TestRetestResult", "test_retest"]

_ICC_ROWS = [
    ("ICC(1,1)", "ICC1", "single rater, one-way random"),
    ("ICC(A,1)", "ICC2", "single measurement, absolute agreement (two-way random)"),
    ("ICC(C,1)", "ICC3", "single measurement, consistency (two-way mixed)"),
    ("ICC(1,k)", "ICC1k", "mean of k raters, one-way random"),
    ("ICC(A,k)", "ICC2k", "mean of k measurements, absolute agreement (two-way random)"),
    ("ICC(C,k)", "ICC3k", "mean of k measurements, consistency (two-way mixed)"),
]


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class TestRetestResult(Result):
    """Agreement between scores at two occasions.

    Attributes
    ----------
    icc : pandas.DataFrame
        One row per intraclass correlation (Shrout & Fleiss names): ``type`` (``ICC1``,
        ``ICC2``, ``ICC3``, ``ICC1k``, ``ICC2k``, ``ICC3k``), ``description``, ``estimate``,
        ``ci_low``, ``ci_high``, ``f``, ``df1``, ``df2``, ``p_value``.
    icc2_1, icc3_1, icc2_k, icc3_k : float
        ICC(2,1) (absolute agreement), ICC(3,1) (consistency) and their k-measurement versions.
    pearson_r, r_ci_low, r_ci_high : float
        Pearson correlation between occasions with its Fisher-z interval.
    mean_change, change_ci_low, change_ci_high, sd_change : float
        Mean of ``t2 - t1`` with its t interval, and the SD of the change.
    n : int
        Respondents with a score at both occasions (the analysed pairs).
    n_unmatched_t1, n_unmatched_t2 : int
        Respondents present at only one occasion.
    n_incomplete : int
        Matched respondents left out because a score was missing.
    confidence_level : float
        Coverage of the intervals.
    """

    icc: pd.DataFrame
    icc2_1: float
    icc3_1: float
    icc2_k: float
    icc3_k: float
    pearson_r: float
    r_ci_low: float
    r_ci_high: float
    mean_change: float
    change_ci_low: float
    change_ci_high: float
    sd_change: float
    n: int
    n_unmatched_t1: int
    n_unmatched_t2: int
    n_incomplete: int
    confidence_level: float

    __test__ = False  # not a pytest test class

    def tidy(self) -> pd.DataFrame:
        """One row per intraclass correlation (see ``icc``)."""
        return self.icc.copy()

    def glance(self) -> pd.DataFrame:
        """One row: ICC(2,1), ICC(3,1), Pearson r, mean change, n and unmatched counts."""
        return pd.DataFrame(
            [
                {
                    "icc2_1": self.icc2_1,
                    "icc3_1": self.icc3_1,
                    "pearson_r": self.pearson_r,
                    "mean_change": self.mean_change,
                    "n": self.n,
                    "n_unmatched_t1": self.n_unmatched_t1,
                    "n_unmatched_t2": self.n_unmatched_t2,
                    "n_incomplete": self.n_incomplete,
                }
            ]
        )


def _scores(
    frame: Any,
    items: Sequence[str] | None,
    keys: KeysLike,
    id_column: str | None,
    label: str,
    span: tuple[float, float] | None,
) -> pd.Series:
    """One score per respondent, indexed by id."""
    where = "test_retest"
    if isinstance(frame, pd.Series):
        if id_column is not None:
            raise DataError(
                f"{where}: {label} is a Series, so there is no column {id_column!r}; its index is "
                "used as the respondent id."
            )
        if not pd.api.types.is_numeric_dtype(frame):
            raise DataError(f"{where}: the scores in {label} are not numeric.")
        return frame.astype(float)
    if not isinstance(frame, pd.DataFrame):
        raise DataError(
            f"{where}() needs {label} as a pandas Series of scores or a DataFrame; got "
            f"{type(frame).__name__}."
        )
    if id_column is not None:
        if id_column not in frame.columns:
            raise DataError(f"{where}: {label} has no id column {id_column!r}.")
        ids = frame[id_column]
        frame = frame.drop(columns=[id_column])
    else:
        ids = pd.Series(frame.index, index=frame.index)
    if items is None:
        numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
        if len(numeric) != 1:
            raise DataError(
                f"{where}: {label} has {len(numeric)} numeric columns ({numeric}); pass 'items' "
                "to score them (their mean), or pass one score column."
            )
        values = frame[numeric[0]].astype(float).to_numpy()
    else:
        x = _item_frame(frame, items, where=where, min_items=1)
        key_values = _parse_keys(keys, list(x.columns), where)
        arr = x.to_numpy(copy=True)
        flip = (key_values == -1).to_numpy()
        if flip.any() and span is not None:
            arr[:, flip] = span[0] + span[1] - arr[:, flip]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # rows with no answers -> NaN
            values = np.nanmean(arr, axis=1)
    out = pd.Series(values, index=pd.Index(ids.to_numpy(), name="id"))
    dup = out.index[out.index.duplicated()].unique().tolist()
    if dup:
        raise DataError(
            f"{where}: respondent ids {dup[:10]} occur more than once in {label}; each respondent "
            "needs one row per occasion."
        )
    return out


def _icc_table(y: np.ndarray, confidence_level: float) -> pd.DataFrame:
    """ICC estimates from pingouin and their intervals at ``confidence_level``."""
    import pingouin

    n, k = y.shape
    long = pd.DataFrame(
        {
            "target": np.repeat(np.arange(n), k),
            "rater": np.tile(np.arange(k), n),
            "score": y.ravel(),
        }
    )
    with warnings.catch_warnings():
        # pingouin 0.7 calls DataFrame.dropna(inplace=True), deprecated in pandas 3.1
        warnings.filterwarnings(
            "ignore", message="The inplace keyword", category=DeprecationWarning
        )
        table = pingouin.intraclass_corr(long, targets="target", raters="rater", ratings="score")
    est = dict(zip(table["Type"], table["ICC"], strict=True))
    f = dict(zip(table["Type"], table["F"], strict=True))
    df2 = dict(zip(table["Type"], table["df2"], strict=True))
    pval = dict(zip(table["Type"], table["pval"], strict=True))

    # mean squares for the intervals (McGraw & Wong, 1996; the formulas of psych::ICC)
    grand = y.mean()
    ss_rows = k * ((y.mean(axis=1) - grand) ** 2).sum()
    ss_cols = n * ((y.mean(axis=0) - grand) ** 2).sum()
    ss_err = ((y - grand) ** 2).sum() - ss_rows - ss_cols
    msb = ss_rows / (n - 1)
    msj = ss_cols / (k - 1)
    mse = ss_err / ((n - 1) * (k - 1))
    msw = (ss_cols + ss_err) / (n * (k - 1))
    a = 1 - confidence_level
    df1 = n - 1
    df1kd = n * (k - 1)
    df2kd = (n - 1) * (k - 1)
    f1 = msb / msw
    f3 = msb / mse
    f1l = f1 / stats.f.ppf(1 - a / 2, df1, df1kd)
    f1u = f1 * stats.f.ppf(1 - a / 2, df1kd, df1)
    f3l = f3 / stats.f.ppf(1 - a / 2, df1, df2kd)
    f3u = f3 * stats.f.ppf(1 - a / 2, df2kd, df1)
    icc2 = est["ICC(A,1)"]
    fj = msj / mse
    vn = df2kd * (k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2
    vd = df1 * k**2 * icc2**2 * fj**2 + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2
    v = vn / vd
    f2u = stats.f.ppf(1 - a / 2, n - 1, v)
    f2l = stats.f.ppf(1 - a / 2, v, n - 1)
    l2 = n * (msb - f2u * mse) / (f2u * (k * msj + (k * n - k - n) * mse) + n * msb)
    u2 = n * (f2l * msb - mse) / (k * msj + (k * n - k - n) * mse + n * f2l * msb)
    bounds = {
        "ICC(1,1)": ((f1l - 1) / (f1l + k - 1), (f1u - 1) / (f1u + k - 1)),
        "ICC(A,1)": (l2, u2),
        "ICC(C,1)": ((f3l - 1) / (f3l + k - 1), (f3u - 1) / (f3u + k - 1)),
        "ICC(1,k)": (1 - 1 / f1l, 1 - 1 / f1u),
        "ICC(A,k)": (l2 * k / (1 + l2 * (k - 1)), u2 * k / (1 + u2 * (k - 1))),
        "ICC(C,k)": (1 - 1 / f3l, 1 - 1 / f3u),
    }
    rows = []
    for pingouin_name, name, description in _ICC_ROWS:
        rows.append(
            {
                "type": name,
                "description": description,
                "estimate": float(est[pingouin_name]),
                "ci_low": float(bounds[pingouin_name][0]),
                "ci_high": float(bounds[pingouin_name][1]),
                "f": float(f[pingouin_name]),
                "df1": int(df1),
                "df2": int(df2[pingouin_name]),
                "p_value": float(pval[pingouin_name]),
            }
        )
    return pd.DataFrame(rows)


def test_retest(
    t1: Any,
    t2: Any,
    /,
    *,
    items: Sequence[str] | None = None,
    keys: KeysLike = None,
    id_column: str | None = None,
    confidence_level: float = 0.95,
) -> TestRetestResult:
    r"""Test-retest reliability: ICCs with intervals, Pearson r and mean change.

    Parameters
    ----------
    t1, t2 : pandas.DataFrame or pandas.Series
        The two occasions: Series of scores indexed by respondent id, or DataFrames with item
        columns (give ``items``; the score is the mean of the answered items) or one score
        column.
    items : list of str, optional
        Item columns to score at both occasions.
    keys : list of str or mapping, optional
        Items to reverse before scoring (``min + max - x`` with the lowest and highest
        response observed at either occasion).
    id_column : str, optional
        Column holding the respondent id in both DataFrames; default the index.
    confidence_level : float, default 0.95
        Coverage of every interval.

    Returns
    -------
    TestRetestResult

    Raises
    ------
    DataError
        Duplicated ids, absent columns, or fewer than 3 respondents with both scores.

    Warns
    -----
    BurnoutkitWarning
        Respondents present at one occasion only, or missing a score, were left out (their
        numbers are in the result).

    Notes
    -----
    The ICCs are those of Shrout & Fleiss (1979) in McGraw & Wong's (1996) terms, computed by
    :func:`pingouin.intraclass_corr` from the two-way ANOVA of the ``n x 2`` score matrix:
    ICC(2,1) :math:`= \frac{MS_R - MS_E}{MS_R + MS_E + 2 (MS_C - MS_E)/n}` (absolute
    agreement: a change in mean lowers it), ICC(3,1) :math:`= \frac{MS_R - MS_E}{MS_R +
    MS_E}` (consistency). Their intervals use the F distribution (McGraw & Wong, 1996), the
    same formulas as R's ``psych::ICC``, at any confidence level. The mean change has a paired
    t interval, Pearson's r a Fisher-z interval.

    References
    ----------
    Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: Uses in assessing rater
    reliability. *Psychological Bulletin*, 86(2), 420-428.

    McGraw, K. O., & Wong, S. P. (1996). Forming inferences about some intraclass correlation
    coefficients. *Psychological Methods*, 1(1), 30-46.

    Koo, T. K., & Li, M. Y. (2016). A guideline of selecting and reporting intraclass
    correlation coefficients for reliability research. *Journal of Chiropractic Medicine*,
    15(2), 155-163.

    Examples
    --------
    >>> import pandas as pd
    >>> import burnoutkit as bk
    >>> t1 = pd.Series([3.0, 2.5, 4.0, 1.5, 3.5, 2.0], index=list("abcdef"))
    >>> t2 = pd.Series([3.5, 2.0, 4.0, 2.0, 3.0, 2.5], index=list("abcdef"))
    >>> res = bk.test_retest(t1, t2)
    >>> round(res.icc2_1, 3), round(res.icc3_1, 3), res.n
    (0.862, 0.843, 6)
    >>> # R: psych::ICC(cbind(t1, t2), lmer = FALSE)
    """
    where = "test_retest"
    check_confidence_level(confidence_level, where)
    span = None
    if items is not None and keys is not None:
        both = [
            _item_frame(t, items, where=where, min_items=1).to_numpy()
            for t in (t1, t2)
            if isinstance(t, pd.DataFrame)
        ]
        if both:
            stacked = np.concatenate(both)
            span = (float(np.nanmin(stacked)), float(np.nanmax(stacked)))
    s1 = _scores(t1, items, keys, id_column, "t1", span)
    s2 = _scores(t2, items, keys, id_column, "t2", span)
    only1 = s1.index.difference(s2.index)
    only2 = s2.index.difference(s1.index)
    common = s1.index.intersection(s2.index, sort=False)
    pair = pd.DataFrame({"t1": s1.loc[common], "t2": s2.loc[common]})
    incomplete = pair.isna().any(axis=1)
    pair = pair.loc[~incomplete]
    if len(only1) or len(only2) or incomplete.any():
        parts = []
        if len(only1):
            parts.append(f"{len(only1)} only at t1 (e.g. {list(only1[:5])})")
        if len(only2):
            parts.append(f"{len(only2)} only at t2 (e.g. {list(only2[:5])})")
        if incomplete.any():
            parts.append(f"{int(incomplete.sum())} without a score at one occasion")
        warnings.warn(
            f"{where}: respondents left out: {'; '.join(parts)}. {len(pair)} respondents with "
            "both scores were analysed; the counts are in the result.",
            BurnoutkitWarning,
            stacklevel=2,
        )
    n = len(pair)
    if n < 3:
        raise DataError(
            f"{where} needs at least 3 respondents with scores at both occasions; got {n}. "
            "Check that the ids match (id_column) between t1 and t2."
        )
    y = pair.to_numpy()
    if np.ptp(y[:, 0]) == 0 or np.ptp(y[:, 1]) == 0:
        raise DataError(f"{where}: the scores at one occasion have no variance.")
    icc = _icc_table(y, confidence_level)
    est = icc.set_index("type")["estimate"]
    r = float(np.corrcoef(y[:, 0], y[:, 1])[0, 1])
    z = special.ndtri(0.5 + confidence_level / 2)
    if n > 3 and abs(r) < 1:
        half = z / np.sqrt(n - 3)
        r_low, r_high = float(np.tanh(np.arctanh(r) - half)), float(np.tanh(np.arctanh(r) + half))
    else:
        r_low = r_high = float("nan")
    change = y[:, 1] - y[:, 0]
    mean_change = float(change.mean())
    sd_change = float(change.std(ddof=1))
    t = stats.t.ppf(0.5 + confidence_level / 2, n - 1)
    half_t = t * sd_change / np.sqrt(n)
    return TestRetestResult(
        icc=icc,
        icc2_1=float(est["ICC2"]),
        icc3_1=float(est["ICC3"]),
        icc2_k=float(est["ICC2k"]),
        icc3_k=float(est["ICC3k"]),
        pearson_r=r,
        r_ci_low=r_low,
        r_ci_high=r_high,
        mean_change=mean_change,
        change_ci_low=mean_change - half_t,
        change_ci_high=mean_change + half_t,
        sd_change=sd_change,
        n=n,
        n_unmatched_t1=len(only1),
        n_unmatched_t2=len(only2),
        n_incomplete=int(incomplete.sum()),
        confidence_level=float(confidence_level),
    )


test_retest.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
