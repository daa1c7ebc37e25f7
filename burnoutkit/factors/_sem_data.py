"""From a DataFrame (or summary statistics) to the per-group sample statistics the CFA engine fits.

The rules are explicit: rows with a missing value in a model variable are dropped listwise and
counted (a :class:`ListwiseDeletionWarning` says how many and why); groups are ordered as they
first appear in the data (as lavaan does) unless the group column is categorical; a covariance
matrix that is not positive definite stops the fit with the names of the items involved.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from burnoutkit.errors import BurnoutkitError, BurnoutkitWarning, DataError
from burnoutkit.factors._sem_engine import GroupData

__all__ = ["ListwiseDeletionWarning", "PreparedData", "prepare_data"]


class ListwiseDeletionWarning(BurnoutkitWarning):
    """Rows with missing values in model variables were dropped before fitting."""


@dataclass(frozen=True, slots=True)
class PreparedData:
    """Per-group sample statistics plus the bookkeeping a result reports."""

    groups: list[GroupData]
    variables: list[str]
    group_labels: tuple[str, ...]
    n_dropped: int
    dropped_by_group: dict[str, int]
    raw: bool


def _suggest(name: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(name), [str(c) for c in choices], n=1)
    return f" Did you mean {close[0]!r}?" if close else ""


def _check_pd(cov: np.ndarray, variables: Sequence[str], where: str) -> None:
    d = np.diag(cov)
    const = [v for v, s in zip(variables, d, strict=True) if not s > 0]
    if const:
        raise DataError(
            f"Items {const} have zero variance{where}; a constant item cannot be modelled. "
            "Drop it from the model."
        )
    sd = np.sqrt(d)
    R = cov / np.outer(sd, sd)
    w, v = np.linalg.eigh(R)
    if w[0] <= 1e-10 * max(w[-1], 1.0):
        vec = v[:, 0] / np.max(np.abs(v[:, 0]))
        involved = [var for var, c in zip(variables, vec, strict=True) if abs(c) > 0.05]
        raise DataError(
            f"The sample covariance matrix{where} is not positive definite (smallest "
            f"eigenvalue of the correlation matrix {w[0]:.3g}): items {involved} are linearly "
            "dependent (for example a total score next to its items, or a duplicated item). "
            "Drop one of them from the model."
        )


def _group_order(col: pd.Series) -> list[Any]:
    if isinstance(col.dtype, pd.CategoricalDtype):
        present = set(col.dropna().unique())
        return [c for c in col.cat.categories if c in present]
    return list(pd.unique(col.dropna()))


def prepare_data(
    data: pd.DataFrame | None,
    *,
    variables: Sequence[str],
    group: str | None,
    missing: str,
    sample_cov: Any = None,
    sample_mean: Any = None,
    sample_nobs: Any = None,
    need_means: bool = False,
    fn: str = "cfa",
) -> PreparedData:
    """Validate the input and compute the sample statistics of every group."""
    variables = list(variables)
    if data is not None and sample_cov is not None:
        raise BurnoutkitError(
            f"{fn} takes either data or sample_cov (with sample_nobs), not both."
        )
    if data is None and sample_cov is None:
        raise BurnoutkitError(
            f"{fn} needs data (a DataFrame of item responses) or sample_cov and sample_nobs."
        )
    if data is None:
        return _from_summaries(
            variables, sample_cov, sample_mean, sample_nobs, need_means=need_means, fn=fn
        )
    if not isinstance(data, pd.DataFrame):
        raise BurnoutkitError(f"The data of {fn} must be a pandas DataFrame; got {type(data)}.")
    absent = [v for v in variables if v not in data.columns]
    if absent:
        raise DataError(
            f"Variables {absent} of the model are not columns of the data."
            + _suggest(absent[0], list(data.columns))
        )
    nonnum = [v for v in variables if not pd.api.types.is_numeric_dtype(data[v])]
    if nonnum:
        raise DataError(
            f"Columns {nonnum} are not numeric; code the responses as numbers before fitting."
        )
    if group is not None and group not in data.columns:
        raise DataError(
            f"The group column {group!r} is not in the data." + _suggest(group, list(data.columns))
        )
    if missing not in ("listwise",):
        raise BurnoutkitError(
            f"The 'missing' parameter of {fn} must be 'listwise'; got {missing!r}."
        )
    frame = data[variables + ([group] if group is not None else [])]
    dropped_by_group: dict[str, int] = {}
    reasons = []
    keep = np.ones(len(frame), dtype=bool)
    if group is not None:
        no_group = frame[group].isna().to_numpy()
        if no_group.any():
            reasons.append(f"{int(no_group.sum())} with a missing group ({group!r})")
        keep &= ~no_group
    incomplete = frame[variables].isna().any(axis=1).to_numpy() & keep
    if incomplete.any():
        worst = frame.loc[incomplete, variables].isna().sum().sort_values(ascending=False)
        worst = worst[worst > 0].head(3)
        detail = ", ".join(f"{k}: {v}" for k, v in worst.items())
        reasons.append(f"{int(incomplete.sum())} with missing responses (most in {detail})")
    keep &= ~incomplete
    n_dropped = int((~keep).sum())
    labels: list[Any] = _group_order(frame[group]) if group is not None else [""]
    groups: list[GroupData] = []
    for lab in labels:
        if group is None:
            rows = keep
        else:
            rows = keep & (frame[group] == lab).to_numpy()
            dropped_by_group[str(lab)] = int(((frame[group] == lab).to_numpy() & ~keep).sum())
        X = frame.loc[rows, variables].to_numpy(dtype=float)
        n = len(X)
        where = f" in group {lab!r}" if group is not None else ""
        if n < 2:
            raise DataError(
                f"Only {n} complete row(s){where}; a CFA needs many more. Check the group column "
                "and the missing values."
            )
        mean = X.mean(axis=0)
        Xc = X - mean
        cov = Xc.T @ Xc / n
        _check_pd(cov, variables, where)
        groups.append(GroupData(n=n, cov=cov, mean=mean, data=X, label=str(lab)))
    if n_dropped:
        warnings.warn(
            f"{n_dropped} of {len(frame)} rows were dropped listwise before fitting: "
            + "; ".join(reasons)
            + ". The count is in the result (n_dropped); impute or model the missing data if "
            "listwise deletion is not defensible.",
            ListwiseDeletionWarning,
            stacklevel=4,
        )
    return PreparedData(
        groups=groups,
        variables=variables,
        group_labels=tuple(str(lab) for lab in labels),
        n_dropped=n_dropped,
        dropped_by_group=dropped_by_group,
        raw=True,
    )


def _as_group_dict(obj: Any, what: str) -> dict[str, Any]:
    if isinstance(obj, Mapping):
        return {str(k): v for k, v in obj.items()}
    return {"": obj}


def _from_summaries(variables, sample_cov, sample_mean, sample_nobs, *, need_means, fn):
    covs = _as_group_dict(sample_cov, "sample_cov")
    if sample_nobs is None:
        raise BurnoutkitError(f"{fn} with sample_cov also needs sample_nobs (the N per group).")
    nobs = (
        {str(k): v for k, v in sample_nobs.items()}
        if isinstance(sample_nobs, Mapping)
        else {k: sample_nobs for k in covs}
    )
    means = _as_group_dict(sample_mean, "sample_mean") if sample_mean is not None else {}
    if need_means and not means:
        raise BurnoutkitError(
            f"{fn}: a mean structure (several groups or intercepts) needs sample_mean as well."
        )
    groups = []
    for lab, cov in covs.items():
        if lab not in nobs:
            raise BurnoutkitError(f"sample_nobs has no entry for group {lab!r}.")
        n = int(nobs[lab])
        if not isinstance(cov, pd.DataFrame):
            raise BurnoutkitError(
                "sample_cov must be a DataFrame (or a dict of DataFrames, one per group) with "
                "the item names as index and columns."
            )
        absent = [v for v in variables if v not in cov.columns or v not in cov.index]
        if absent:
            raise DataError(
                f"Variables {absent} of the model are not in sample_cov{_where(lab)}."
                + _suggest(absent[0], list(cov.columns))
            )
        S = cov.loc[variables, variables].to_numpy(dtype=float)
        if not np.allclose(S, S.T, rtol=1e-10, atol=1e-12):
            raise DataError(f"sample_cov{_where(lab)} is not symmetric.")
        # like lavaan (sample.cov.rescale = TRUE): the input is the unbiased covariance
        S = S * (n - 1) / n
        _check_pd(S, variables, _where(lab))
        if lab in means:
            m = pd.Series(means[lab])
            absent = [v for v in variables if v not in m.index]
            if absent:
                raise DataError(f"Variables {absent} are not in sample_mean{_where(lab)}.")
            mean = m.loc[variables].to_numpy(dtype=float)
        else:
            mean = np.zeros(len(variables))
        groups.append(GroupData(n=n, cov=S, mean=mean, data=None, label=lab))
    return PreparedData(
        groups=groups,
        variables=list(variables),
        group_labels=tuple(covs),
        n_dropped=0,
        dropped_by_group={},
        raw=False,
    )


def _where(lab: str) -> str:
    return f" for group {lab!r}" if lab else ""
