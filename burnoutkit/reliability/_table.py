"""Reliability of every scale and composite system of an item bank, in one table."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from burnoutkit._result import Result
from burnoutkit.correlation import _as_frame, _pairwise_moments, _pairwise_pearson
from burnoutkit.errors import (
    BurnoutkitError,
    BurnoutkitWarning,
    DataError,
    ListwiseDeletionWarning,
    LowReliabilityWarning,
)
from burnoutkit.reliability._alpha import alpha as _alpha
from burnoutkit.reliability._cfa_omega import omega_cfa as _omega_cfa
from burnoutkit.reliability._common import check_confidence_level, check_not_redundant
from burnoutkit.reliability._factor import fa_varimax
from burnoutkit.reliability._omega import omega as _omega

__all__ = ["DEFAULT_THRESHOLDS", "ReliabilityResult", "reliability"]

#: Default flag thresholds: a flag is raised when alpha, omega_total, omega_cfa or omega_h fall
#: below them, or the average inter-item correlation leaves [average_r_low, average_r_high]
#: (Clark & Watson, 1995).
DEFAULT_THRESHOLDS: Mapping[str, float] = {
    "alpha": 0.70,
    "omega_total": 0.70,
    "omega_cfa": 0.70,
    "omega_h": 0.50,
    "average_r_low": 0.15,
    "average_r_high": 0.50,
}

_COLUMNS = [
    "kind",
    "id",
    "name",
    "n",
    "k",
    "alpha",
    "alpha_ci_low",
    "alpha_ci_high",
    "std_alpha",
    "omega_total",
    "omega_cfa",
    "omega_h",
    "lambda6",
    "average_r",
    "composite_reliability",
    "sd",
    "sem",
    "flags",
]


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class ReliabilityResult(Result):
    """Reliability of every scale and composite system of a bank.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per scale (``kind="scale"``) and composite system (``kind="system"``):
        ``id, name, n, k, alpha, alpha_ci_low, alpha_ci_high, std_alpha, omega_total,
        omega_cfa, omega_h, lambda6, average_r, composite_reliability, sd, sem, flags``.
    thresholds : dict
        The thresholds behind ``flags``.
    confidence_level : float
        Coverage of the alpha intervals (Feldt).
    missing : str
        Missing-data handling (``"pairwise"`` or ``"listwise"``).
    bank_id : str
        The bank's instrument id.
    """

    table: pd.DataFrame
    thresholds: dict[str, float] = field(default_factory=dict)
    confidence_level: float = 0.95
    missing: str = "pairwise"
    bank_id: str = ""

    def tidy(self) -> pd.DataFrame:
        """One row per scale and composite system (the ``table``)."""
        return self.table.copy()

    def glance(self) -> pd.DataFrame:
        """One row: numbers of scales, systems and flagged rows, lowest alpha."""
        scales = self.table[self.table["kind"] == "scale"]
        return pd.DataFrame(
            [
                {
                    "bank": self.bank_id,
                    "n_scales": len(scales),
                    "n_systems": int((self.table["kind"] == "system").sum()),
                    "n_flagged": int((self.table["flags"] != "").sum()),
                    "min_alpha": float(scales["alpha"].min()) if len(scales) else np.nan,
                }
            ]
        )


def _omega_total_only(r: np.ndarray, n_factors: int) -> float:
    """Omega total from the orthogonal minres solution (does not need the general factor)."""
    load = fa_varimax(r, n_factors)
    u2 = np.diag(r) - (load * load).sum(axis=1)
    return float((r.sum() - u2.sum()) / r.sum())


def _score_scale(frame: pd.DataFrame, keys: pd.Series, low: float, high: float) -> np.ndarray:
    x = frame.to_numpy(dtype=float, copy=True)
    flip = (keys.loc[list(frame.columns)] == -1).to_numpy()
    x[:, flip] = low + high - x[:, flip]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # respondents with no answers -> NaN
        return np.nanmean(x, axis=1)


def _cfa_total(frame: pd.DataFrame, groups: list[list[str]], bank: Any, what: str) -> float:
    """Omega total of one factor per item group (correlated), listwise within the items."""
    if any(len(g) < 2 for g in groups) or sum(len(g) for g in groups) < 3:
        return np.nan
    model = "\n".join(f"F{j + 1} =~ {' + '.join(g)}" for j, g in enumerate(groups))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ListwiseDeletionWarning)
            return _omega_cfa(frame, model=model, bank=bank).omega_total
    except BurnoutkitError as exc:
        warnings.warn(
            f"reliability: the CFA of {what} could not be fitted, so its omega_cfa is NaN "
            f"({exc}). Fit it with bk.omega_cfa to see why.",
            BurnoutkitWarning,
            stacklevel=3,
        )
        return np.nan


def _flags(row: dict[str, Any], thresholds: Mapping[str, float]) -> str:
    out = []
    for name in ("alpha", "omega_total", "omega_cfa", "omega_h"):
        value = row.get(name)
        limit = thresholds.get(name)
        if limit is not None and value is not None and np.isfinite(value) and value < limit:
            out.append(f"{name}<{limit:.2f}")
    av = row.get("average_r")
    if av is not None and np.isfinite(av):
        if "average_r_low" in thresholds and av < thresholds["average_r_low"]:
            out.append(f"average_r<{thresholds['average_r_low']:.2f}")
        if "average_r_high" in thresholds and av > thresholds["average_r_high"]:
            out.append(f"average_r>{thresholds['average_r_high']:.2f}")
    return "; ".join(out)


def reliability(
    bank: Any,
    data: Any,
    /,
    *,
    scales: Sequence[str] | None = None,
    systems: bool = True,
    missing: Literal["pairwise", "listwise"] = "pairwise",
    confidence_level: float = 0.95,
    thresholds: Mapping[str, float] | None = None,
) -> ReliabilityResult:
    r"""Alpha, omega, lambda-6 and SEM of every scale and composite system of a bank.

    Parameters
    ----------
    bank : ItemBank
        The instrument: scales, items, reverse keys, systems, response format, scoring rule.
    data : pandas.DataFrame
        One column per bank item (other columns are ignored); NaN is missing. Checked responses
        from :func:`burnoutkit.check_responses` are accepted too.
    scales : list of str, optional
        Scale ids to report; default all scales of the bank.
    systems : bool, default True
        Also report every system marked ``composite`` whose scales are all reported.
    missing : {"pairwise", "listwise"}, default "pairwise"
        Missing-data handling, as in :func:`burnoutkit.alpha` (psych's default: pairwise).
    confidence_level : float, default 0.95
        Coverage of the Feldt intervals of alpha.
    thresholds : mapping, optional
        Flag thresholds; keys ``alpha``, ``omega_total``, ``omega_cfa``, ``omega_h``,
        ``average_r_low``, ``average_r_high`` (see :data:`DEFAULT_THRESHOLDS`; given keys
        replace defaults).

    Returns
    -------
    ReliabilityResult
        ``.tidy()`` has one row per scale and system.

    Raises
    ------
    DataError
        Bank items missing from the data, unknown scale ids, or a scale whose data cannot be
        analysed (see :func:`burnoutkit.alpha`).

    Warns
    -----
    LowReliabilityWarning
        Scales or systems with alpha below ``thresholds["alpha"]`` (named).
    BurnoutkitWarning
        Problems found by :func:`burnoutkit.alpha` (e.g. items correlating negatively with
        their scale after keying).

    Notes
    -----
    *Scales.* Alpha (with its Feldt interval), standardized alpha, lambda-6 and the average
    inter-item correlation are those of :func:`burnoutkit.alpha` on the scale's keyed items
    (psych::alpha). ``omega_total`` is psych's ``omega(nfactors = 1)$omega.tot`` =
    :math:`(1'R1 - \sum u_j^2)/1'R1` from a one-factor minres solution (NaN below 3 items).
    ``omega_cfa`` is semTools' ``compRelSEM`` omega of a one-factor ML CFA of the scale's
    keyed items (:func:`burnoutkit.omega_cfa`), fitted to the respondents who answered all of
    them (NaN below 3 items).
    ``omega_h`` needs a general factor above at least three group factors and is NaN for a
    single scale. ``sem`` is :math:`SD\sqrt{1 - \alpha}` in the units of the scale score
    (the mean of the answered keyed items; times ``k`` when the bank scores sums, rescaled when
    it transforms item scores).

    *Systems* (composites of scales). ``alpha``, ``std_alpha``, ``lambda6`` and
    ``average_r`` are those of all the system's keyed items together. ``omega_h`` and
    ``omega_total`` come from psych::omega with one group factor per scale (omega_h only for
    three or more scales; with two, omega total from the two-factor solution).
    ``omega_cfa`` is compRelSEM's total omega of a CFA with one correlated factor per scale,
    fitted to the respondents who answered all of the system's items.
    ``composite_reliability`` is Mosier's (1943) reliability of the system score as burnoutkit
    scores it, the unweighted mean of its scale scores,

    .. math:: \rho_C = 1 - \frac{\sum_s w_s^2 \sigma_s^2 (1 - \alpha_s)}{w' \Sigma w},
              \qquad w_s = 1/m,

    with :math:`\Sigma` the covariance matrix of the scale scores; the system's ``sem`` uses
    it (:math:`SD_C\sqrt{1 - \rho_C}`).

    References
    ----------
    Mosier, C. I. (1943). On the reliability of a weighted composite. *Psychometrika*, 8(3),
    161-168.

    Clark, L. A., & Watson, D. (1995). Constructing validity: Basic issues in objective scale
    development. *Psychological Assessment*, 7(3), 309-319.

    Revelle, W., & Condon, D. M. (2019). Reliability from alpha to omega: A tutorial.
    *Psychological Assessment*, 31(12), 1395-1411.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> from burnoutkit.datasets import load_bfi
    >>> bfi = load_bfi()
    >>> bank = bk.ItemBank.from_dict({
    ...     "instrument": {"id": "bfi", "name": "Big Five Inventory (SAPA)", "version": "1",
    ...                    "language": "en", "license": "GPL", "citation": "Revelle et al. 2010"},
    ...     "response_format": {"min": 1, "max": 6},
    ...     "scales": [{"id": "A", "name": "Agreeableness"},
    ...                {"id": "C", "name": "Conscientiousness"}],
    ...     "items": [{"id": f"{s}{i}", "scale": s,
    ...                "keyed": -1 if f"{s}{i}" in ("A1", "C4", "C5") else 1}
    ...               for s in "AC" for i in range(1, 6)],
    ... })
    >>> # R: psych::alpha(bfi[, paste0("A", 1:5)], keys = "A1")$total$raw_alpha
    >>> #    psych::omega(bfi[, paste0("A", 1:5)], nfactors = 1, key = c(-1, 1, 1, 1, 1))$omega.tot
    >>> res = bk.reliability(bank, bfi)
    >>> res.tidy()[["id", "k", "alpha", "omega_total"]].round(3)
      id  k  alpha  omega_total
    0  A  5  0.703        0.723
    1  C  5  0.727        0.731
    """
    where = "reliability"
    check_confidence_level(confidence_level, where)
    limits = dict(DEFAULT_THRESHOLDS)
    if thresholds is not None:
        unknown = [k for k in thresholds if k not in DEFAULT_THRESHOLDS]
        if unknown:
            raise DataError(
                f"{where}: unknown thresholds {unknown}; use {list(DEFAULT_THRESHOLDS)}."
            )
        limits.update({k: float(v) for k, v in thresholds.items()})
    frame = _as_frame(data, where)
    scale_ids = list(bank.scale_ids) if scales is None else list(scales)
    unknown_scales = [s for s in scale_ids if s not in bank.scale_ids]
    if unknown_scales:
        raise DataError(
            f"{where}: scales {unknown_scales} are not in bank {bank.id!r}; its scales are "
            f"{bank.scale_ids}."
        )
    needed = [i for s in scale_ids for i in bank.items_of(s)]
    absent = [i for i in needed if i not in frame.columns]
    if absent:
        raise DataError(
            f"{where}: items {absent} of bank {bank.id!r} are not columns of the data. Rename "
            "the columns to the bank's item ids, or pass scales= to leave those scales out."
        )
    keys = bank.keys
    low = float(bank.response_format.min)
    high = float(bank.response_format.max)
    unit = 1.0
    if bank.scoring.transform_range is not None:
        a, b = bank.scoring.transform_range
        unit = (b - a) / (high - low)

    rows: list[dict[str, Any]] = []
    scale_scores: dict[str, pd.Series] = {}
    scale_alpha: dict[str, float] = {}
    for sid in scale_ids:
        items = bank.items_of(sid)
        res = _alpha(frame, items=items, bank=bank, missing=missing,
                     confidence_level=confidence_level)
        k = len(items)
        omega_total = np.nan
        if k >= 3:
            om = _omega(frame, items=items, bank=bank, n_factors=1, missing=missing)
            omega_total = om.omega_total
        factor = unit * (k if bank.scoring.method == "sum" else 1)
        sd = res.sd * factor
        sub = frame.loc[:, items]
        if missing == "listwise":
            sub = sub.dropna(how="any")
        scale_scores[sid] = pd.Series(_score_scale(sub, keys, low, high) * factor, index=sub.index)
        scale_alpha[sid] = res.alpha
        rows.append(
            {
                "kind": "scale",
                "id": sid,
                "name": bank.scale(sid).name,
                "n": res.n,
                "k": k,
                "alpha": res.alpha,
                "alpha_ci_low": res.ci_low,
                "alpha_ci_high": res.ci_high,
                "std_alpha": res.std_alpha,
                "omega_total": omega_total,
                "omega_cfa": _cfa_total(frame, [items], bank, f"scale {sid!r}")
                if k >= 3 else np.nan,
                "omega_h": np.nan,
                "lambda6": res.lambda6,
                "average_r": res.average_r,
                "composite_reliability": np.nan,
                "sd": sd,
                "sem": sd * np.sqrt(max(1.0 - res.alpha, 0.0)),
            }
        )

    if systems:
        for system in bank.systems:
            members = bank.scales_of(system.id)
            if not system.composite or not members or any(s not in scale_ids for s in members):
                continue
            items = [i for s in members for i in bank.items_of(s)]
            res = _alpha(frame, items=items, bank=bank, missing=missing,
                         confidence_level=confidence_level)
            sub = frame.loc[:, items]
            if missing == "listwise":
                sub = sub.dropna(how="any")
            m = len(members)
            omega_h = np.nan
            omega_total = np.nan
            if m >= 3:
                om = _omega(sub, items=items, bank=bank, n_factors=m, missing=missing)
                omega_h, omega_total = om.omega_h, om.omega_total
            elif m == 2:
                kv = np.where(keys.loc[items] == -1, -1.0, 1.0)
                r, _ = _pairwise_pearson(sub.to_numpy(dtype=float) * kv)
                check_not_redundant(r, items, where)
                omega_total = _omega_total_only(r, 2)
            # Mosier composite reliability of the mean of the scale scores (in score units)
            scores = pd.concat([scale_scores[s] for s in members], axis=1)
            cov, _ = _pairwise_moments(scores.to_numpy())
            w = np.full(m, 1.0 / m)
            var_c = float(w @ cov @ w)
            err = sum(w[j] ** 2 * cov[j, j] * (1 - scale_alpha[s]) for j, s in enumerate(members))
            composite = float(1 - err / var_c)
            sd_c = float(np.sqrt(var_c))
            rows.append(
                {
                    "kind": "system",
                    "id": system.id,
                    "name": system.name,
                    "n": res.n,
                    "k": len(items),
                    "alpha": res.alpha,
                    "alpha_ci_low": res.ci_low,
                    "alpha_ci_high": res.ci_high,
                    "std_alpha": res.std_alpha,
                    "omega_total": omega_total,
                    "omega_cfa": _cfa_total(
                        frame, [bank.items_of(s) for s in members], bank,
                        f"system {system.id!r}",
                    ),
                    "omega_h": omega_h,
                    "lambda6": res.lambda6,
                    "average_r": res.average_r,
                    "composite_reliability": composite,
                    "sd": sd_c,
                    "sem": sd_c * np.sqrt(max(1.0 - composite, 0.0)),
                }
            )
    for row in rows:
        row["flags"] = _flags(row, limits)
    table = pd.DataFrame(rows, columns=_COLUMNS)
    low_alpha = table.loc[table["alpha"] < limits["alpha"], "id"].tolist()
    if low_alpha:
        warnings.warn(
            f"{where}: alpha is below {limits['alpha']:.2f} for {low_alpha} of bank "
            f"{bank.id!r}. Inspect their item statistics with bk.alpha(data, bank=bank, "
            "scale=...).",
            LowReliabilityWarning,
            stacklevel=2,
        )
    if table.empty:
        warnings.warn(f"{where}: no scales to report.", BurnoutkitWarning, stacklevel=2)
    return ReliabilityResult(
        table=table,
        thresholds=limits,
        confidence_level=float(confidence_level),
        missing=missing,
        bank_id=bank.id,
    )
