"""Compare nested CFA models: chi-square difference tests, as ``lavaan::anova`` (``lavTestLRT``).

For ML fits the difference of the two chi-squares is referred to a chi-square with the
difference in degrees of freedom. For MLR fits the difference of the *unscaled* chi-squares is
divided by the Satorra-Bentler (2001) scaling factor ``(df0 c0 - df1 c1) / (df0 - df1)``, the
method lavaan uses by default for MLR (``"satorra.bentler.2001"``). AIC and BIC come along.
For WLSMV and ULSMV fits the test is the scaled-shifted difference test (Satorra, 2000), as
``lavTestLRT`` computes it for categorical data (``"satorra.2000"``); there is no AIC or BIC.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from burnoutkit._result import Result
from burnoutkit.errors import BurnoutkitError, BurnoutkitWarning
from burnoutkit.factors._sem_fit import rmsea
from burnoutkit.factors.cfa import CFAResult

__all__ = ["ModelComparisonResult", "compare_models"]


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class ModelComparisonResult(Result):
    r"""Chi-square difference tests between nested models, ordered from least to most df.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per model: ``model, df, aic, bic, chisq, chisq_diff, df_diff, p_value`` and,
        for ML, ``rmsea_diff`` (the RMSEA of the difference test, as lavaan prints it); for
        MLR, ``scaling_factor_diff``. Each row is tested against the row above it. For
        WLSMV/ULSMV fits ``chisq`` is the unscaled chi-square and ``aic``/``bic`` are missing.
    method : str
        ``"standard"`` (ML), ``"satorra.bentler.2001"`` (MLR) or ``"satorra.2000"``
        (WLSMV, ULSMV).
    """

    table: pd.DataFrame
    method: str

    def tidy(self) -> pd.DataFrame:
        """Return the comparison table, one row per model."""
        return self.table.copy()

    def glance(self) -> pd.DataFrame:
        """One row: number of models, method, and the last test."""
        last = self.table.iloc[-1]
        return pd.DataFrame(
            [
                {
                    "n_models": len(self.table),
                    "method": self.method,
                    "chisq_diff": last["chisq_diff"],
                    "df_diff": last["df_diff"],
                    "p_value": last["p_value"],
                }
            ]
        )


def sb2001(t0: float, df0: float, c0: float, t1: float, df1: float, c1: float):
    """Satorra-Bentler (2001) scaled difference of (restricted 0, less restricted 1)."""
    if df1 == 0:
        c1 = 1.0
    m = df0 - df1
    if m == 0:
        return t0 - t1, math.nan
    cd = (df0 * c0 - df1 * c1) / m
    if cd < 0:
        warnings.warn(
            "The Satorra-Bentler scaling factor of the difference test is negative; the test is "
            "not available for this pair (lavaan reports NA as well).",
            BurnoutkitWarning,
            stacklevel=3,
        )
        return math.nan, math.nan
    return (t0 - t1) / cd, cd


def compare_models(
    *results: CFAResult, names: Sequence[str] | None = None
) -> ModelComparisonResult:
    r"""Chi-square difference tests of nested CFA models, as ``lavaan::anova(fit1, fit2, ...)``.

    Parameters
    ----------
    *results : CFAResult
        Two or more fits of nested models to the same data, all with the same estimator (ML,
        MLR, WLSMV or ULSMV).
    names : sequence of str, optional
        Model names for the table (default ``"model1"``, ``"model2"``, ... in the order given).

    Returns
    -------
    ModelComparisonResult

    Raises
    ------
    BurnoutkitError
        Fewer than two models, mixed estimators, or different data (N or variables).

    Warns
    -----
    BurnoutkitWarning
        A more restricted model fits better than a less restricted one (not nested, or a fit
        did not reach its optimum), or two models have the same degrees of freedom.

    Notes
    -----
    For ML, :math:`T_d = T_0 - T_1` on :math:`df_0 - df_1` degrees of freedom. For MLR
    (Satorra & Bentler, 2001), with :math:`c_i` the scaling factors of the two models,

    .. math:: \bar c_d = \frac{df_0 c_0 - df_1 c_1}{df_0 - df_1},\qquad
              \bar T_d = \frac{T_0 - T_1}{\bar c_d},

    where :math:`T_i` are the unscaled chi-squares. ``rmsea_diff`` is
    :math:`\sqrt{\max(T_d/(N\,df_d) - 1/N, 0)}\sqrt{G}`. For WLSMV and ULSMV the difference
    of the unscaled statistics is scaled and shifted, :math:`T_d = a(T_0 - T_1) + b`, with
    :math:`a` and :math:`b` from the weight matrix, the Jacobians of both models and the
    asymptotic covariance of the thresholds and polychorics (Satorra, 2000; lavaan's
    ``lavTestLRT``, ``method = "satorra.2000"``, ``A.method = "delta"``).

    References
    ----------
    Satorra, A. (2000). Scaled and adjusted restricted tests in multi-sample analysis of moment
    structures. In R. D. H. Heijmans, D. S. G. Pollock, & A. Satorra (Eds.), *Innovations in
    multivariate statistical analysis* (pp. 233-247). Kluwer.

    Satorra, A., & Bentler, P. M. (2001). A scaled difference chi-square test statistic for
    moment structure analysis. *Psychometrika, 66*, 507-514.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> from burnoutkit.datasets import load_holzinger_swineford
    >>> hs = load_holzinger_swineford()
    >>> m = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
    >>> free = bk.cfa(hs, model=m)
    >>> orth = bk.cfa(hs, model=m, orthogonal=True)
    >>> # lavaan::anova(fit, fit_orthogonal)
    >>> bk.compare_models(free, orth).table[["df", "chisq_diff", "df_diff"]].round(3)
       df  chisq_diff  df_diff
    0  24         NaN      NaN
    1  27      68.222      3.0
    """
    if len(results) < 2:
        raise BurnoutkitError("compare_models needs at least two fitted models.")
    for r in results:
        if not isinstance(r, CFAResult):
            raise BurnoutkitError(
                f"compare_models takes CFAResult objects (from bk.cfa); got {type(r).__name__}."
            )
    names = list(names) if names is not None else [f"model{i + 1}" for i in range(len(results))]
    if len(names) != len(results):
        raise BurnoutkitError(f"Got {len(names)} names for {len(results)} models.")
    est = {r.estimator for r in results}
    if len(est) > 1:
        raise BurnoutkitError(
            f"All models must use the same estimator to be compared; got {sorted(est)}."
        )
    if len({r.n_obs for r in results}) > 1:
        raise BurnoutkitError(
            "The models were fitted to different numbers of rows "
            f"({[r.n_obs for r in results]}); nested models must share the data."
        )
    scaled = est == {"MLR"}
    ordinal = bool(est & _ORDINAL)
    order = np.argsort([r.df for r in results], kind="stable")
    rs = [results[i] for i in order]
    nm = [names[i] for i in order]
    rows = []
    for k, r in enumerate(rs):
        row = {
            "model": nm[k],
            "df": r.df,
            "aic": math.nan if ordinal else r.aic,
            "bic": math.nan if ordinal else r.bic,
            "chisq": r.chisq,
            "chisq_diff": math.nan,
            "df_diff": math.nan,
            "p_value": math.nan,
        }
        if k > 0:
            prev = rs[k - 1]
            ddf = r.df - prev.df
            raw = r.chisq - prev.chisq
            if raw < -(np.finfo(float).eps ** (1 / 3)):
                warnings.warn(
                    f"Model {nm[k]!r} is more restricted than {nm[k - 1]!r} but fits better "
                    f"(chi-square difference {raw:.4g}); the models are not nested, or the less "
                    "restricted fit did not reach its optimum.",
                    BurnoutkitWarning,
                    stacklevel=2,
                )
            if ordinal:
                # the scaled-shifted statistic and its p-value (missing when the test is
                # degenerate, as lavTestLRT)
                test = ordinal_difference(prev, r)
                td = test["chisq_diff"]
            elif scaled:
                td, cd = sb2001(
                    r.chisq, r.df, float(r.fit_measures["scaling_factor"]),
                    prev.chisq, prev.df, float(prev.fit_measures["scaling_factor"]),
                )
                row["scaling_factor_diff"] = cd
            else:
                td = raw
                row["rmsea_diff"] = rmsea(td, ddf, r.n_obs, r.n_groups) if ddf > 0 else math.nan
            row["chisq_diff"] = td
            row["df_diff"] = float(ddf)
            if ddf == 0:
                warnings.warn(
                    f"Models {nm[k - 1]!r} and {nm[k]!r} have the same degrees of freedom; "
                    "they cannot be nested, no test is made.",
                    BurnoutkitWarning,
                    stacklevel=2,
                )
                row["p_value"] = math.nan
            elif ordinal:
                row["p_value"] = test["p_value"]
            else:
                row["p_value"] = float(stats.chi2.sf(td, ddf)) if np.isfinite(td) else math.nan
        rows.append(row)
    table = pd.DataFrame(rows)
    return ModelComparisonResult(
        table=table,
        method="satorra.2000" if ordinal else "satorra.bentler.2001" if scaled else "standard",
    )


_ORDINAL = frozenset({"WLSMV", "ULSMV"})


def ordinal_difference(less: CFAResult, more: CFAResult) -> dict[str, float]:
    """Scaled-shifted difference test of a less and a more restricted ordinal fit."""
    from burnoutkit.factors._ordinal_fit import scaled_difference_test

    return scaled_difference_test(
        less._state.ordinal, more._state.ordinal, less.chisq, more.chisq, less.df, more.df
    )
