"""The result of :func:`burnoutkit.screen`: indices, flags, reasons, exclusion and evaluation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from burnoutkit._result import Result
from burnoutkit.banks.model import ItemBank
from burnoutkit.errors import DataError
from burnoutkit.screening._cutoffs import (
    careless_when_high,
    column_of,
    join_reasons,
    reason_frame,
)

__all__ = ["ScreeningResult"]


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class ScreeningResult(Result):
    """Careless-responding indices and flags per respondent (the result of :func:`screen`).

    Every per-respondent table has one row per respondent of the screened data, in its order,
    with the data's index (for checked :class:`~burnoutkit.Responses`, their respondent ids).

    Attributes
    ----------
    indices : pandas.DataFrame
        The id column (when ``id_column`` was given), then ``longstring``, ``longstring_avg``,
        ``irv``, ``mahalanobis_d2``, ``mahalanobis_p``, ``even_odd``, ``psychsyn``,
        ``psychant``, ``missing_share`` (the columns of the indices that were computed). NaN
        where an index cannot be computed for a respondent; :attr:`not_computed` says why.
    flags : pandas.DataFrame
        One bool column per index with a cut-off (``longstring``, ``mahalanobis``,
        ``even_odd``, ``psychsyn`` and ``missing_share`` by default). A missing index value
        never flags.
    flagged : pandas.Series
        True where any flag is set.
    reasons : pandas.Series
        ``""``, or the flags of the respondent with value and cut-off, joined by ``"; "``
        (e.g. ``"longstring 23 >= 10; mahalanobis p = 3.1e-09 < 0.001"``).
    cutoffs : dict
        The cut-off used for each computed index (None: reported, not flagged); see
        :func:`screen` for the defaults and their sources.
    summary : pandas.DataFrame
        One row per index (index named ``index``): ``n_computed``, ``n_flagged``,
        ``share_flagged``, ``cutoff``, ``rule``.
    not_computed : pandas.DataFrame
        Same rows and index columns as :attr:`indices`: ``""`` where the value was computed,
        otherwise the reason it is NaN (e.g. ``"fewer than 3 item pairs with both items
        answered"``).
    counts : pandas.DataFrame
        Per respondent: ``n_answered`` items, ``even_odd_scales`` (scales with both halves
        answered), ``psychsyn_pairs`` and ``psychant_pairs`` (pairs with both items answered),
        and ``psychsyn_resampled``, ``psychant_resampled`` (the value comes from careless's
        random re-ordering of the pairs).
    pairs : pandas.DataFrame
        The item pairs behind ``psychsyn`` and ``psychant``: ``kind`` (``synonym`` or
        ``antonym``), ``item_a``, ``item_b``, ``r`` (their sample correlation, pairwise
        complete), ``source`` (``sample``, ``bank`` or ``given``) and ``critical_r``.
    notes : tuple of str
        Sample-level remarks, e.g. that the critical correlation for psychometric synonyms was
        lowered, or why an index could not be computed for anyone.
    bank : ItemBank
        The bank the responses were checked against.
    id_column : str or None
        The id column, when respondents were identified by one.
    data : pandas.DataFrame
        The screened data (for :meth:`exclude`): the DataFrame as given, or for a file or
        checked Responses the covariates and items (with the id column).
    """

    indices: pd.DataFrame
    flags: pd.DataFrame
    flagged: pd.Series
    reasons: pd.Series
    cutoffs: dict[str, float | None]
    summary: pd.DataFrame
    not_computed: pd.DataFrame
    counts: pd.DataFrame
    pairs: pd.DataFrame
    notes: tuple[str, ...]
    bank: ItemBank
    id_column: str | None
    data: pd.DataFrame

    @property
    def n_flagged(self) -> int:
        """Number of respondents with at least one flag."""
        return int(self.flagged.sum())

    def tidy(self) -> pd.DataFrame:
        """Return the summary with one row per index.

        Columns: ``index``, ``n_computed``, ``n_flagged``, ``share_flagged``, ``cutoff``,
        ``rule``.
        """
        return self.summary.reset_index()

    def glance(self) -> pd.DataFrame:
        """One row: respondents, items, indices, flagged respondents and the item pairs."""
        n = len(self.flagged)
        kinds = self.pairs["kind"] if len(self.pairs) else pd.Series(dtype=object)
        critical = {
            kind: (
                float(self.pairs.loc[kinds == kind, "critical_r"].iloc[0])
                if (kinds == kind).any()
                else float("nan")
            )
            for kind in ("synonym", "antonym")
        }
        return pd.DataFrame(
            [
                {
                    "n_respondents": n,
                    "n_items": len(self.bank.items),
                    "n_indices": len(self.summary),
                    "n_flagged": self.n_flagged,
                    "share_flagged": self.n_flagged / n if n else float("nan"),
                    "n_synonym_pairs": int((kinds == "synonym").sum()),
                    "synonym_r": critical["synonym"],
                    "n_antonym_pairs": int((kinds == "antonym").sum()),
                    "antonym_r": critical["antonym"],
                }
            ]
        )

    def exclude(self, by: Sequence[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Return the data without the flagged respondents, and who was excluded and why.

        Parameters
        ----------
        by : sequence of str, optional
            Exclude on these flags only (columns of :attr:`flags`); default: any flag.

        Returns
        -------
        kept : pandas.DataFrame
            The rows of :attr:`data` of respondents who are kept, unchanged and in order.
        excluded : pandas.DataFrame
            One row per excluded respondent, indexed like :attr:`indices`: ``row`` (0-based
            position in the data), the id column (when there is one) and ``reasons``.

        Raises
        ------
        ValueError
            If ``by`` names an index that has no flag.

        Examples
        --------
        >>> import burnoutkit as bk
        >>> cohort = bk.datasets.load_reference_cohort()
        >>> res = bk.screen(bk.load_bank("bai"), cohort.data, id_column="id", random_state=1)
        >>> kept, excluded = res.exclude(by=["longstring"])
        >>> len(kept) + len(excluded) == len(cohort.data)
        True
        >>> list(excluded.columns)
        ['row', 'id', 'reasons']
        """
        if by is None:
            mask = self.flagged.to_numpy(dtype=bool)
            reasons = self.reasons
        else:
            names = [by] if isinstance(by, str) else list(by)
            unknown = [name for name in names if name not in self.flags.columns]
            if unknown:
                raise ValueError(
                    f"The 'by' parameter of exclude names {unknown}, which have no flag; the "
                    f"flags are {list(self.flags.columns)}."
                )
            mask = self.flags[names].any(axis=1).to_numpy(dtype=bool)
            reasons = join_reasons(reason_frame(self.indices, self.flags[names], self.cutoffs))
        positions = np.flatnonzero(mask)
        table: dict[str, Any] = {"row": positions}
        if self.id_column is not None:
            table[self.id_column] = self.indices[self.id_column].to_numpy()[positions]
        table["reasons"] = reasons.to_numpy()[positions]
        excluded = pd.DataFrame(table, index=self.indices.index[positions])
        kept = self.data.iloc[np.flatnonzero(~mask)]
        return kept, excluded

    def evaluate(self, truth: Any) -> pd.DataFrame:
        """Sensitivity, specificity and AUC of every index against known careless responders.

        Parameters
        ----------
        truth : array-like of bool
            One value per respondent, in the order of the data (a Series with the same index
            as :attr:`indices` is aligned by index): True for a careless responder. Missing
            values (None, NaN, ``pd.NA``) leave a respondent out of the evaluation, e.g. to
            evaluate against one kind of careless responding at a time.

        Returns
        -------
        pandas.DataFrame
            One row per index and a last row ``any flag`` (index named ``index``):
            ``column`` (the continuous index), ``careless_when`` (``"high"`` or ``"low"``),
            ``n`` (respondents with a known truth), ``n_careless``, ``n_computed`` (of those
            ``n``, with a value), ``sensitivity`` and ``specificity`` of the flag (NaN without
            a cut-off; a missing value counts as not flagged), and ``auc``, the area under the
            ROC curve of the continuous index oriented so that higher means more careless
            (over respondents with a value; the probability that a careless responder scores
            higher than a careful one, ties counted one half). For ``any flag`` the AUC is
            that of the binary flag, (sensitivity + specificity) / 2.

        Raises
        ------
        DataError
            If ``truth`` has the wrong length or values other than booleans (or 0/1) and
            missing values, or no careless or no careful respondent.

        Examples
        --------
        >>> import burnoutkit as bk
        >>> cohort = bk.datasets.load_reference_cohort()
        >>> res = bk.screen(bk.load_bank("bai"), cohort.data, id_column="id", random_state=1)
        >>> table = res.evaluate(cohort.truth.respondents["careless"])
        >>> list(table.columns)  # doctest: +NORMALIZE_WHITESPACE
        ['column', 'careless_when', 'n', 'n_careless', 'n_computed', 'sensitivity',
         'specificity', 'auc']
        >>> bool(table.loc["any flag", "sensitivity"] > 0.9)
        True
        """
        t = _truth_vector(truth, self.indices.index)
        known = ~np.isnan(t)
        careless = known & (t == 1)
        n_careless = int(careless.sum())
        if n_careless == 0 or n_careless == int(known.sum()):
            raise DataError(
                f"evaluate() needs careless and careful respondents in 'truth'; it has "
                f"{n_careless} careless of {int(known.sum())} with a known truth."
            )
        rows = []
        names = list(self.summary.index)
        for name in names:
            column = column_of(name)
            values = self.indices[column].to_numpy(dtype=float)
            score = values if careless_when_high(name) else -values
            if name in self.flags.columns:
                flag = self.flags[name].to_numpy(dtype=bool)
                sens, spec = _rates(flag, careless, known)
            else:
                sens = spec = float("nan")
            rows.append(
                {
                    "index": name,
                    "column": column,
                    "careless_when": "high" if careless_when_high(name) else "low",
                    "n": int(known.sum()),
                    "n_careless": n_careless,
                    "n_computed": int((known & ~np.isnan(values)).sum()),
                    "sensitivity": sens,
                    "specificity": spec,
                    "auc": _auc(score, t),
                }
            )
        flag = self.flagged.to_numpy(dtype=bool)
        sens, spec = _rates(flag, careless, known)
        rows.append(
            {
                "index": "any flag",
                "column": "flagged",
                "careless_when": "high",
                "n": int(known.sum()),
                "n_careless": n_careless,
                "n_computed": int(known.sum()),
                "sensitivity": sens,
                "specificity": spec,
                "auc": _auc(flag.astype(float), t),
            }
        )
        return pd.DataFrame(rows).set_index("index")


def _truth_vector(truth: Any, index: pd.Index) -> np.ndarray:
    """Truth as floats: 1 careless, 0 careful, NaN unknown; aligned to the respondents."""
    if isinstance(truth, pd.Series) and not truth.index.equals(index):
        if truth.index.is_unique and set(truth.index) == set(index):
            truth = truth.reindex(index)
    values = np.asarray(truth, dtype=object).ravel()
    if len(values) != len(index):
        raise DataError(
            f"'truth' has {len(values)} values but {len(index)} respondents were screened. "
            "Pass one value per respondent, in the order of the data."
        )
    missing = pd.isna(pd.Series(values, dtype=object)).to_numpy()
    out = np.full(len(values), np.nan)
    for code, accepted in ((1.0, (True, 1)), (0.0, (False, 0))):
        out[_matches(values, missing, accepted)] = code
    bad = np.flatnonzero(np.isnan(out) & ~missing)
    if len(bad):
        shown = [values[i] for i in bad[:5]]
        raise DataError(
            f"'truth' must hold booleans (or 0/1) and missing values; found {shown} at "
            f"positions {bad[:5].tolist()}."
        )
    return out


def _matches(values: np.ndarray, missing: np.ndarray, accepted: tuple[Any, ...]) -> np.ndarray:
    series = pd.Series(values, dtype=object)
    numeric = pd.to_numeric(series.where(~missing), errors="coerce")
    is_bool = series.map(lambda v: isinstance(v, bool | np.bool_)).to_numpy()
    target_bool, target_num = accepted
    as_bool = is_bool & (series.map(lambda v: bool(v) is target_bool).to_numpy())
    as_num = ~is_bool & (numeric.to_numpy() == target_num)
    return (as_bool | as_num) & ~missing


def _rates(flag: np.ndarray, careless: np.ndarray, known: np.ndarray) -> tuple[float, float]:
    careful = known & ~careless
    sens = float((flag & careless).sum() / careless.sum())
    spec = float((~flag & careful).sum() / careful.sum())
    return sens, spec


def _auc(score: np.ndarray, truth: np.ndarray) -> float:
    """Mann-Whitney AUC: P(careless scores higher than careful) + 0.5 P(tie)."""
    ok = ~np.isnan(score) & ~np.isnan(truth)
    s = score[ok]
    positive = truth[ok] == 1
    n1 = int(positive.sum())
    n0 = int((~positive).sum())
    if n1 == 0 or n0 == 0:
        return float("nan")
    ranks = stats.rankdata(s)
    return float((ranks[positive].sum() - n1 * (n1 + 1) / 2.0) / (n1 * n0))
