"""Number formatting shared by the Markdown and HTML renderers of the validation report."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["LONG_TABLE", "TABLE_TITLES", "cell", "is_p_value"]

#: Tables with more rows than this are collapsed in HTML.
LONG_TABLE = 25

#: Readable names of the report's tables.
TABLE_TITLES = {
    "screening": "Careless-responding screening (indices, cut-offs, respondents flagged)",
    "excluded": "Respondents excluded from the analyses",
    "floor_ceiling": "Floor and ceiling of the scale scores",
    "eigenvalues": "Parallel analysis",
    "efa_congruence": "Exploratory factors matched to the scales (Tucker congruence)",
    "fit": "Model fit",
    "cross_loadings": "Cross-loadings suggested by the modification indices",
    "model_comparison": "Alternative structures",
    "scales": "Reliability per scale and composite system",
    "comparisons": "Invariance steps (changes in fit)",
    "item_tests": "Item parameters that differ across groups (score tests, Holm-adjusted)",
    "dmacs": "Size of the differences (dMACS) in the partially invariant model",
    "items": "Non-invariant items",
    "icc": "Test-retest agreement per scale",
    "error": "Measurement error per scale",
    "hypotheses": "Hypotheses",
    "asymmetry_checks": "Gain/loss asymmetry checks",
    "asymmetry_slopes": "Gain, loss and asymmetry slopes on severity",
    "correlations": "Expected correlations between scores",
    "criterion": "Criterion validity of the rated score",
    "associations": "Every score with every outcome",
    "enumeration": "Profile enumeration",
    "means": "Profile means (standardized)",
    "shares": "Profile shares",
    "outcome_estimates": "Outcomes by profile (BCH)",
    "outcome_tests": "Outcome differences between profiles",
}

_P_COLUMNS = ("p_value", "p_holm", "p_bonferroni", "blrt_p", "lmr_p", "p_value_scaled",
              "p_value_diff")
_INT_COLUMNS = ("n", "k", "df", "npar", "n_obs", "row", "n_profiles", "n_parameters",
                "n_computed", "n_flagged", "number", "n_modal")


def is_p_value(column: str) -> bool:
    """Whether a column holds p-values (shown with significant digits)."""
    return column in _P_COLUMNS or column.startswith("p_")


def cell(column: str, value: Any) -> str:
    """One table cell as text: p-values with 2 significant digits, other numbers with 3 decimals."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "–"
        if column in _INT_COLUMNS and value.is_integer():
            return str(int(value))
        if is_p_value(column):
            return f"{value:.2g}" if value >= 0.001 else f"{value:.1e}"
        if abs(value) >= 1000:
            return f"{value:.1f}"
        return f"{value:.3f}"
    return str(value)
