"""From a DataFrame (or summary statistics) to the per-group sample statistics the CFA engine fits.

The rules are explicit: rows with a missing value in a model variable are dropped listwise and
counted (a :class:`ListwiseDeletionWarning` says how many and why), or, with ``missing="fiml"``,
kept and grouped by missing-data pattern (only rows with every model variable missing are dropped,
counted and announced); groups are ordered as they
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

from burnoutkit.errors import BurnoutkitError, DataError, ListwiseDeletionWarning
from burnoutkit.factors._sem_engine import GroupData, Pattern

__all__ = ["ListwiseDeletionWarning", "PreparedData", "prepare_data"]


@dataclass(frozen=True, slots=True)
class PreparedData:
    """Per-group sample statistics plus the bookkeeping a result reports."""

    groups: list[GroupData]
    variables: list[str]
    group_labels: tuple[str, ...]
    n_dropped: int
    dropped_by_group: dict[str, int]
    raw: bool
    missing: str = "listwise"


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
        if w[0] < -1e-8 * max(w[-1], 1.0):
            cause = (
                f"it is indefinite, which happens with a matrix estimated pairwise or element by "
                f"element (e.g. polychoric). Items {involved} carry the negative eigenvalue. "
                "Smooth it to the nearest positive definite matrix first (bk.correlation "
                "smooths polychoric matrices and reports it), or use complete cases."
            )
        else:
            cause = (
                f"items {involved} are linearly dependent (for example a total score next to "
                "its items, or a duplicated item). Drop one of them from the model."
            )
        raise DataError(
            f"The sample covariance matrix{where} is not positive definite (smallest "
            f"eigenvalue of the correlation matrix {w[0]:.3g}): {cause}"
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
    if missing not in ("listwise", "fiml"):
        raise BurnoutkitError(
            f"The 'missing' parameter of {fn} must be 'listwise' or 'fiml'; got {missing!r}."
        )
    fiml = missing == "fiml"
    frame = data[variables + ([group] if group is not None else [])]
    dropped_by_group: dict[str, int] = {}
    reasons = []
    keep = np.ones(len(frame), dtype=bool)
    if group is not None:
        no_group = frame[group].isna().to_numpy()
        if no_group.any():
            reasons.append(f"{int(no_group.sum())} with a missing group ({group!r})")
        keep &= ~no_group
    if fiml:
        incomplete = frame[variables].isna().all(axis=1).to_numpy() & keep
        if incomplete.any():
            reasons.append(
                f"{int(incomplete.sum())} with every model variable missing (rows "
                f"{list(frame.index[incomplete][:5])}{' ...' if incomplete.sum() > 5 else ''})"
            )
    else:
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
                f"Only {n} {'non-empty' if fiml else 'complete'} row(s){where}; a CFA needs many "
                "more. Check the group column and the missing values."
            )
        if fiml:
            groups.append(_fiml_group(X, variables, str(lab), where))
            continue
        mean = X.mean(axis=0)
        Xc = X - mean
        cov = Xc.T @ Xc / n
        _check_pd(cov, variables, where)
        groups.append(GroupData(n=n, cov=cov, mean=mean, data=X, label=str(lab)))
    if n_dropped and fiml:
        warnings.warn(
            f"{n_dropped} of {len(frame)} rows were excluded before the FIML fit: "
            + "; ".join(reasons)
            + ". They carry no information about the model; the count is in the result "
            "(n_dropped).",
            ListwiseDeletionWarning,
            stacklevel=4,
        )
    elif n_dropped:
        warnings.warn(
            f"{n_dropped} of {len(frame)} rows were dropped listwise before fitting: "
            + "; ".join(reasons)
            + ". The count is in the result (n_dropped); impute or model the missing data if "
            "listwise deletion is not defensible (missing='fiml').",
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
        missing=missing,
    )


def _fiml_group(X: np.ndarray, variables: list[str], label: str, where: str) -> GroupData:
    """Group the rows by missing-data pattern and estimate the h1 moments by EM."""
    observed = ~np.isnan(X)
    n = len(X)
    count = observed.sum(axis=0)
    none = [v for v, c in zip(variables, count, strict=True) if c == 0]
    if none:
        raise DataError(
            f"Items {none} have no observed value{where}; they cannot be modelled. Drop them "
            "from the model."
        )
    coverage = observed.T.astype(float) @ observed
    i, j = np.nonzero(np.triu(coverage == 0, 1))
    if len(i):
        pairs = [(variables[a], variables[b]) for a, b in zip(i[:3], j[:3], strict=True)]
        raise DataError(
            f"The item pairs {pairs} are never observed together{where}, so their covariance "
            "cannot be estimated (FIML needs some joint coverage). Drop one item of each pair."
        )
    keys, inverse = np.unique(observed, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    patterns = []
    for k, key in enumerate(keys):
        obs = np.flatnonzero(key)
        rows = X[inverse == k][:, obs]
        m = rows.mean(axis=0)
        rc = rows - m
        patterns.append(Pattern(obs=obs, n=len(rows), mean=m, cov=rc.T @ rc / len(rows),
                                data=rows))
    mean, cov = _em_h1(X, patterns)
    _check_pd(cov, variables, where)
    m2ll = 0.0
    for pat in patterns:
        o = pat.obs
        S = cov[np.ix_(o, o)]
        d = pat.mean - mean[o]
        ld = np.linalg.slogdet(S)[1]
        m2ll += pat.n * (ld + float(np.sum(np.linalg.inv(S) * (pat.cov + np.outer(d, d)))))
    return GroupData(n=n, cov=cov, mean=mean, data=None, label=label,
                     patterns=tuple(patterns), h1_m2ll=float(m2ll))


def _em_h1(
    X: np.ndarray, patterns: list[Pattern], max_iter: int = 500, tol: float = 1e-5
) -> tuple[np.ndarray, np.ndarray]:
    """Saturated-model means and covariances of incomplete normal data by EM.

    As lavaan's ``lav_mvnorm_missing_h1_estimate_moments``: start from the available-case
    means and variances (zero covariances), stop when no mean or covariance changes by more
    than ``tol``; a nearly singular update gets a small ridge.
    """
    n, p = X.shape
    mu0 = np.nanmean(X, axis=0)
    var0 = np.nanmean((X - mu0) ** 2, axis=0)
    var0 = np.where(np.isfinite(var0) & (var0 != 0), var0, 1.0)
    sigma0 = np.diag(var0)
    mu, sigma = mu0, sigma0
    il = np.tril_indices(p)
    for _ in range(max_iter):
        T1 = np.zeros(p)
        T2 = np.zeros((p, p))
        for pat in patterns:
            o = pat.obs
            m = np.setdiff1d(np.arange(p), o)
            Y = np.empty((pat.n, p))
            Y[:, o] = pat.data
            if len(m):
                soo = sigma[np.ix_(o, o)]
                B = np.linalg.solve(soo, sigma[np.ix_(o, m)]).T  # Sigma_mo Sigma_oo^-1
                Y[:, m] = mu[m] + (pat.data - mu[o]) @ B.T
                T2[np.ix_(m, m)] += pat.n * (sigma[np.ix_(m, m)] - B @ sigma[np.ix_(o, m)])
            T1 += Y.sum(axis=0)
            T2 += Y.T @ Y
        mu = T1 / n
        sigma = T2 / n - np.outer(mu, mu)
        if np.linalg.eigvalsh(sigma)[0] < 1e-6:
            sigma = sigma + np.diag(np.full(p, np.max(np.diag(sigma)) * 1e-8))
        delta = max(np.max(np.abs(mu - mu0)), np.max(np.abs(sigma[il] - sigma0[il])))
        if delta < tol:
            break
        mu0, sigma0 = mu, sigma
    return mu, sigma


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
