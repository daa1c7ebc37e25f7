"""Check 2, comparability: pair partners measure gain and loss on one metric."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from burnoutkit.asymmetry._models import comparability_models
from burnoutkit.asymmetry._stats import _fit, _holm, _invariance_steps, _lrt, _row
from burnoutkit.errors import BurnoutkitWarning
from burnoutkit.factors.cfa import CFAResult


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparability:
    """Outcome of the comparability check: invariance steps, pair tests, verdict, models."""

    table: pd.DataFrame
    pair_tests: pd.DataFrame
    noninvariant_pairs: tuple[str, ...]
    passed: bool
    row: dict[str, Any]
    problems: tuple[str, ...]
    models: dict[str, CFAResult]


def check_comparability(
    x: pd.DataFrame,
    pairs: Sequence[tuple[str, str]],
    *,
    missing: str,
    delta_cfi: float,
    significance: float,
) -> Comparability:
    """Test within-person invariance of pair partners and name the non-invariant pairs.

    Parameters
    ----------
    x : pandas.DataFrame
        Keyed gain and loss items.
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
    Comparability

    Warns
    -----
    BurnoutkitWarning
        Scalar equality of pair partners fails (names the pairs).
    """
    problems: list[str] = []
    models: dict[str, CFAResult] = {}
    cm = comparability_models(pairs)
    for k in ("configural", "metric", "scalar"):
        models[k] = _fit(x, cm[k], missing, std_lv=False)
    comp = _invariance_steps(models, delta_cfi)
    rows = []
    for k, (g, lo) in enumerate(pairs):
        model_k = cm["scalar"].replace(f"{lo} ~ i{k + 1}*1", f"{lo} ~ 1")
        fk = _fit(x, model_k, missing, std_lv=False)
        c, _, pp = _lrt(models["scalar"], fk)
        rows.append(
            {
                "pair": f"{g}~{lo}",
                "gain_item": g,
                "loss_item": lo,
                "chisq": c,
                "p_value": pp,
                "intercept_shift": _row(fk, lo, "~1", "")["estimate"]
                - _row(fk, g, "~1", "")["estimate"],
            }
        )
    pt = pd.DataFrame(rows)
    pt["p_holm"] = _holm(pt["p_value"].to_numpy())
    metric_ok = comp.loc[0, "decision"] == "invariant"
    scalar_ok = comp.loc[1, "decision"] == "invariant"
    pt["flagged"] = (pt["p_holm"] < significance) & (not scalar_ok)
    if not scalar_ok and not pt["flagged"].any():
        pt.loc[pt["chisq"].idxmax(), "flagged"] = True
    bad = tuple(pt.loc[pt["flagged"]].sort_values("chisq", ascending=False)["pair"])
    comp_pass = metric_ok and scalar_ok
    if comp_pass:
        comp_text = (
            f"Matched pairs measure gain and loss on one metric: equal loadings "
            f"(delta CFI = {comp.loc[0, 'delta_cfi']:.3f}) and equal intercepts "
            f"(delta CFI = {comp.loc[1, 'delta_cfi']:.3f}) of pair partners hold."
        )
    else:
        failed = "loadings" if not metric_ok else "intercepts"
        comp_text = (
            f"Pair partners do not have equal {failed} (delta CFI = "
            f"{comp.loc[0 if not metric_ok else 1, 'delta_cfi']:.3f}); pairs "
            f"responsible: {list(bad)}. Raw difference scores (loss minus gain) are "
            "not interpretable."
        )
        msg = (
            f"Scalar equality of gain/loss pair partners fails; pairs {list(bad)} are "
            "responsible. Raw loss-minus-gain differences are not interpretable: revise or "
            "drop these pairs, or report latent slopes only."
        )
        problems.append(msg)
        # stacklevel 3: the warning points at the caller of burnoutkit.asymmetry()
        warnings.warn(msg, BurnoutkitWarning, stacklevel=3)
    row = {
        "check": "comparability",
        "verdict": "pass" if comp_pass else "fail",
        "statistic": "delta CFI scalar",
        "estimate": comp.loc[1, "delta_cfi"],
        "ci_low": np.nan,
        "ci_high": np.nan,
        "p_value": comp.loc[1, "p_value"],
        "explanation": comp_text,
    }
    return Comparability(
        table=comp,
        pair_tests=pt,
        noninvariant_pairs=bad,
        passed=comp_pass,
        row=row,
        problems=tuple(problems),
        models=models,
    )
