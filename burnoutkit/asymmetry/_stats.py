"""Small statistical helpers shared by the asymmetry checks: fits, tests, reliability."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from burnoutkit.banks.model import ItemBank
from burnoutkit.errors import BankError
from burnoutkit.factors._sem_data import ListwiseDeletionWarning
from burnoutkit.factors.cfa import CFAResult, cfa


def _fit(data: pd.DataFrame, model: str, missing: str, std_lv: bool = True) -> CFAResult:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=ListwiseDeletionWarning)
        # the phantom severity factor has residual variance 0: its std_all covariances are 0/0
        with np.errstate(invalid="ignore", divide="ignore"):
            return cfa(data, model=model, std_lv=std_lv, missing=missing)


def _row(fit: CFAResult, lhs: str, op: str, rhs: str) -> pd.Series:
    t = fit.parameters
    hit = t[(t["lhs"] == lhs) & (t["op"] == op) & (t["rhs"] == rhs)]
    return hit.iloc[0]


def _std_slope(std: pd.DataFrame, lhs: str, rhs: str) -> dict[str, float]:
    """Standardized slope with its delta-method SE, Wald CI and p-value.

    ``std`` is :meth:`CFAResult.standardized_solution` of the severity model (as
    ``lavaan::standardizedSolution``).
    """
    r = std[(std["lhs"] == lhs) & (std["op"] == "~") & (std["rhs"] == rhs)].iloc[0]
    return {k: float(r[c]) for k, c in (("estimate", "std_all"), ("se", "se"),
                                          ("ci_low", "ci_low"), ("ci_high", "ci_high"),
                                          ("p_value", "p_value"))}


def _wald_equal(fit: CFAResult, a: str, b: str) -> dict[str, float]:
    r"""Wald test of :math:`b_a = b_b`, as ``lavaan::lavTestWald(fit, "a == b")``.

    :math:`W = (\hat b_a - \hat b_b)^2 / (V_{aa} + V_{bb} - 2 V_{ab})` with :math:`V` =
    :meth:`CFAResult.vcov`; chi-square with 1 df.
    """
    v = fit.vcov()
    t = fit.parameters
    est = {lab: float(t.loc[t["label"] == lab, "estimate"].iloc[0]) for lab in (a, b)}
    diff = est[b] - est[a]
    var = float(v.loc[a, a] + v.loc[b, b] - 2 * v.loc[a, b])
    w = diff**2 / var if var > 0 else np.nan
    return {
        "estimate": diff,
        "se": math.sqrt(var) if var > 0 else np.nan,
        "statistic": w,
        "p_value": float(stats.chi2.sf(w, 1)) if np.isfinite(w) else np.nan,
    }


def _lrt(restricted: CFAResult, free: CFAResult) -> tuple[float, int, float]:
    d = restricted.chisq - free.chisq
    df = restricted.df - free.df
    return float(d), int(df), float(stats.chi2.sf(max(d, 0.0), df))


def _invariance_steps(fits: dict[str, CFAResult], delta_cfi: float) -> pd.DataFrame:
    """Metric against configural and scalar against metric: LR test, delta CFI, decision."""
    rows = []
    for level, previous in (("metric", "configural"), ("scalar", "metric")):
        chisq, df, p_value = _lrt(fits[level], fits[previous])
        change = fits[level].cfi - fits[previous].cfi
        rows.append(
            {
                "level": level,
                "versus": previous,
                "chisq_diff": chisq,
                "df_diff": df,
                "p_value": p_value,
                "delta_cfi": change,
                "decision": "invariant" if change > -delta_cfi else "not invariant",
            }
        )
    return pd.DataFrame(rows)


def _holm(p: np.ndarray) -> np.ndarray:
    order = np.argsort(p)
    m = len(p)
    adj = np.empty(m)
    run = 0.0
    for rank, i in enumerate(order):
        run = max(run, min(1.0, (m - rank) * p[i]))
        adj[i] = run
    return adj


def _htmt(x: pd.DataFrame, a: Sequence[str], b: Sequence[str]) -> float:
    r = x[[*a, *b]].corr().abs().to_numpy()
    na = len(a)
    hetero = r[:na, na:].mean()
    mono_a = r[:na, :na][np.triu_indices(na, 1)].mean()
    mono_b = r[na:, na:][np.triu_indices(len(b), 1)].mean()
    return float(hetero / math.sqrt(mono_a * mono_b))


def _alpha(x: pd.DataFrame) -> float:
    c = x.cov().to_numpy()
    k = c.shape[0]
    return float(k / (k - 1) * (1 - np.trace(c) / c.sum()))


def _bank_parts(bank: ItemBank) -> tuple[str, str, list[tuple[str, str]]]:
    gains, losses = bank.scales_with_valence("gain"), bank.scales_with_valence("loss")
    pairs = list(bank.pairs)
    if len(gains) != 1 or len(losses) != 1 or not pairs:
        raise BankError(
            f"Bank {bank.id!r} needs exactly one gain scale, one loss scale and matched pairs "
            f"for the asymmetry checks; found gain scales {gains}, loss scales {losses} and "
            f"{len(pairs)} pairs. Add 'valence' to the two scales and 'pair' to the gain items."
        )
    return gains[0], losses[0], pairs


def _keyed(bank: ItemBank, data: pd.DataFrame, items: Sequence[str]) -> pd.DataFrame:
    fmt = bank.response_format
    out = data[list(items)].astype(float)
    for i in items:
        if bank.keys[i] < 0:
            out[i] = fmt.min + fmt.max - out[i]
    return out
