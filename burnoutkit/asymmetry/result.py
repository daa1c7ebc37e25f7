"""The result object of :func:`burnoutkit.asymmetry`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from burnoutkit._result import Result
from burnoutkit.factors.cfa import CFAResult

__all__ = ["AsymmetryResult"]


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class AsymmetryResult(Result):
    """The gain/loss asymmetry checks (the result of :func:`asymmetry`).

    Attributes
    ----------
    checks : pandas.DataFrame
        One row per check: ``check, verdict`` (``"pass"``, ``"fail"`` or ``"warn"``),
        ``statistic``, ``estimate, ci_low, ci_high, p_value`` of its headline number, and
        ``explanation``, a sentence that can be quoted in a paper.
    separability : pandas.DataFrame
        Chi-square difference, delta CFI, latent correlation with CI, HTMT.
    comparability : pandas.DataFrame
        One row per invariance step (``metric``, ``scalar``): chi-square difference, delta CFI.
    pair_tests : pandas.DataFrame
        One row per pair: likelihood-ratio test of freeing its intercept equality in the scalar
        model (``chisq, p_value, p_holm, flagged``).
    noninvariant_pairs : tuple of str
        Pairs (``"gain~loss"``) responsible when scalar equality fails.
    method : pandas.DataFrame
        Slopes with and without the acquiescence factor and the shift of the asymmetry slope.
    index : pandas.DataFrame
        Per respondent: ``gain, loss`` (pair-item means on the raw common metric),
        ``difference`` (loss - gain, raw), ``asymmetry`` (z(loss) - z(gain)), ``severity``,
        and the latent index: ``gain_latent, loss_latent`` (regression factor scores of the
        scalar comparability model, as ``lavaan::lavPredict``) and ``asymmetry_latent``
        (``loss_latent - gain_latent``, on the metric of the marker pair).
    index_summary : pandas.DataFrame
        One row: reliability of the index, mean raw difference, Cohen's dz with CI, latent mean
        difference with CI, ``fit_for_individual_use``.
    slopes : pandas.DataFrame
        One row per slope (``gain, loss, asymmetry``) and ``version`` (``latent``,
        ``observed``): ``estimate, se, ci_low, ci_high, p_value``; latent slopes are standardized
        (SD of the factor per SD of severity) with delta-method SEs (as
        ``lavaan::standardizedSolution``), observed ones are the mixed-model slopes of the
        standardized scale scores per SD of the severity score.
    slope_tests : pandas.DataFrame
        Tests of equal latent slopes :math:`b_1 = b_2`, one row each: ``likelihood_ratio``
        (the verdict's test) and ``wald`` (``estimate`` :math:`b_2 - b_1` unstandardized, its
        ``se``), with ``statistic, df, p_value``.
    severity_invariance : pandas.DataFrame
        Invariance of the two-factor model across low vs high severity (median split).
    nonlinearity : pandas.DataFrame
        Quadratic term of the asymmetry index on severity.
    models : dict of str to CFAResult
        Every latent model fitted, by name.
    severity_label : str
    confidence_level : float
    n : int
    problems : tuple of str
    """

    checks: pd.DataFrame
    separability: pd.DataFrame
    comparability: pd.DataFrame
    pair_tests: pd.DataFrame
    noninvariant_pairs: tuple[str, ...]
    method: pd.DataFrame
    index: pd.DataFrame
    index_summary: pd.DataFrame
    slopes: pd.DataFrame
    slope_tests: pd.DataFrame
    severity_invariance: pd.DataFrame
    nonlinearity: pd.DataFrame
    models: dict[str, CFAResult] = field(repr=False)
    severity_label: str
    confidence_level: float
    n: int
    problems: tuple[str, ...] = ()

    def tidy(self) -> pd.DataFrame:
        """One row per check with its verdict, headline number and explanation."""
        return self.checks.copy()

    def glance(self) -> pd.DataFrame:
        """One row: N, the verdict of each check, the latent gain, loss and asymmetry slopes."""
        row: dict[str, Any] = {"n": self.n, "severity_variable": self.severity_label}
        for _, r in self.checks.iterrows():
            row[r["check"]] = r["verdict"]
        lat = self.slopes[self.slopes["version"] == "latent"].set_index("slope")
        for s in ("gain", "loss", "asymmetry"):
            row[f"{s}_slope"] = float(lat.loc[s, "estimate"]) if s in lat.index else np.nan
        return pd.DataFrame([row])

    @property
    def interpretable(self) -> bool:
        """True when separability and comparability both pass."""
        v = self.checks.set_index("check")["verdict"]
        return bool(v["separability"] == "pass" and v["comparability"] == "pass")

    def augment(self, data: pd.DataFrame) -> pd.DataFrame:
        """Return ``data`` with the per-person observed and latent index columns."""
        out = data.copy()
        for col in ("gain", "loss", "difference", "asymmetry", "gain_latent", "loss_latent",
                    "asymmetry_latent"):
            out[col] = self.index[col].to_numpy()
        return out
