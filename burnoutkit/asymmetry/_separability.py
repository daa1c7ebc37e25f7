"""Check 1, separability: gain and loss sensitivity are distinct constructs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from burnoutkit.asymmetry._models import separability_models
from burnoutkit.asymmetry._stats import _fit, _htmt, _lrt, _row
from burnoutkit.factors.cfa import CFAResult


@dataclass(frozen=True, slots=True, kw_only=True)
class Separability:
    """Outcome of the separability check: its table, verdict, checks row and fitted models."""

    table: pd.DataFrame
    passed: bool
    row: dict[str, Any]
    syntax: dict[str, str]
    models: dict[str, CFAResult]


def check_separability(
    x: pd.DataFrame,
    gain_items: Sequence[str],
    loss_items: Sequence[str],
    pairs: Sequence[tuple[str, str]],
    *,
    missing: str,
    delta_cfi: float,
    significance: float,
) -> Separability:
    """Compare the one-factor and two-factor models and compute HTMT.

    Parameters
    ----------
    x : pandas.DataFrame
        Keyed gain and loss items.
    gain_items, loss_items : sequence of str
        The pair items of each side.
    pairs : sequence of tuple of str
        Matched ``(gain_item, loss_item)`` pairs.
    missing : {"fiml", "listwise"}
        Missing-data handling of the latent models.
    delta_cfi : float
        Largest drop in CFI accepted for an invariance step.
    significance : float
        Level of the tests behind the verdict.

    Returns
    -------
    Separability
    """
    sm = separability_models(gain_items, loss_items, pairs)
    one = _fit(x, sm["one_factor"], missing)
    two = _fit(x, sm["two_factor"], missing)
    chi, dfd, p = _lrt(one, two)
    r_gl = _row(two, "G", "~~", "L")
    htmt = _htmt(x, gain_items, loss_items)
    d_cfi = two.cfi - one.cfi
    sep_pass = p < significance and d_cfi >= delta_cfi and r_gl["ci_high"] < 0.90 and htmt < 0.85
    separ = pd.DataFrame(
        [
            {
                "chisq_diff": chi,
                "df_diff": dfd,
                "p_value": p,
                "cfi_one": one.cfi,
                "cfi_two": two.cfi,
                "delta_cfi": d_cfi,
                "r_latent": r_gl["estimate"],
                "ci_low": r_gl["ci_low"],
                "ci_high": r_gl["ci_high"],
                "htmt": htmt,
            }
        ]
    )
    sep_text = (
        f"Gain and loss sensitivity are {'separable' if sep_pass else 'not clearly separable'}: "
        f"two vs one factor chi2({dfd}) = {chi:.1f}, p = {p:.2g}, delta CFI = {d_cfi:.3f}; "
        f"latent r = {r_gl['estimate']:.2f} [{r_gl['ci_low']:.2f}, {r_gl['ci_high']:.2f}], "
        f"HTMT = {htmt:.2f}."
    )
    row = {
        "check": "separability",
        "verdict": "pass" if sep_pass else "fail",
        "statistic": "latent r",
        "estimate": r_gl["estimate"],
        "ci_low": r_gl["ci_low"],
        "ci_high": r_gl["ci_high"],
        "p_value": p,
        "explanation": sep_text,
    }
    return Separability(
        table=separ,
        passed=sep_pass,
        row=row,
        syntax=sm,
        models={"one_factor": one, "two_factor": two},
    )
