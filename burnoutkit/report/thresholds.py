"""The cut-offs behind the ratings and item recommendations of :func:`burnoutkit.validate`.

Every cut-off is a field of :class:`ValidationThresholds` with a documented default and its
source (:data:`THRESHOLD_SOURCES`); ``docs/methods/validation.md`` explains how each is used.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from burnoutkit.errors import BurnoutkitError

__all__ = ["THRESHOLD_SOURCES", "ValidationThresholds", "resolve_thresholds"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ValidationThresholds:
    """Every cut-off behind the ratings (+ / - / ?) and item recommendations of a validation.

    The defaults are the COSMIN criteria for good measurement properties (Prinsen et al., 2018,
    Table 4) where COSMIN gives one, and otherwise the published rule named below. Pass an
    instance, or a mapping of the fields to change, as ``bk.validate(..., thresholds=...)``.

    ==============================  =========  ====================================================
    field                           default    rule and source
    ==============================  =========  ====================================================
    ``floor_ceiling``               .15        a scale has a floor (ceiling) effect when more than
                                               15% of respondents have its lowest (highest)
                                               possible score (Terwee et al., 2007; McHorney &
                                               Tarlov, 1995)
    ``item_missing_max``            .05        an item left unanswered by more than 5% of
                                               respondents needs revision (Schafer, 1999: 5% or
                                               less is inconsequential)
    ``item_extreme_max``            .50        an item with more than half of its answers in the
                                               lowest (highest) category discriminates only in the
                                               other half (burnoutkit convention; the 15% rule is
                                               for scale scores)
    ``cfi_min``, ``tli_min``        .95        structural validity "+": CFI or TLI > .95 *or*
    ``rmsea_max``                   .06        RMSEA < .06 *or* SRMR < .08 (Prinsen et al., 2018,
    ``srmr_max``                    .08        after Hu & Bentler, 1999)
    ``fit_rule``                    "any"      ``"any"``: one index suffices (COSMIN's *or*);
                                               ``"all"``: every index must meet its cut-off
    ``congruence_min``              .85        an EFA factor reproduces its scale when Tucker's
                                               congruence is at least .85 (Lorenzo-Seva & ten
                                               Berge, 2006: fair similarity)
    ``alpha_min``                   .70        internal consistency "+": sufficient structural
                                               validity and alpha >= .70 for each scale (Prinsen
                                               et al., 2018)
    ``invariance_delta_cfi``        -.010      a step of the invariance sequence fails when CFI
    ``invariance_delta_rmsea``      .015       drops by .010 or more together with a rise in RMSEA
    invariance_delta_srmr_loadings  .030       of .015 or in SRMR of .030 (loadings) / .010
    invariance_delta_srmr_other     .010       (intercepts, residuals) (Chen, 2007)
    ``dif_p``                       .05        an item parameter differs across groups when its
                                               score test (Sörbom, 1989) is significant after Holm's
                                               adjustment over the constraints of its level
    ``dmacs_min``                   .20        ... and the difference matters when its effect size
                                               dMACS (Nye & Drasgow, 2011) is at least .20, a small
                                               effect on Cohen's d metric; COSMIN "-" for
                                               cross-cultural validity is "important DIF"
    ``icc_min``                     .70        reliability "+": ICC >= .70 (Prinsen et al., 2018)
    ``mic``                         None       minimal important change, one value or one per
                                               scale; measurement error "+" when SDC < MIC, "?"
                                               without a MIC (Prinsen et al., 2018)
    ``hypotheses_share_min``        .75        hypotheses testing "+": at least 75% of the
                                               hypotheses confirmed (Mokkink et al., 2018, COSMIN
                                               user manual)
    ``criterion_r_min``             .70        criterion validity "+": correlation with the
    ``criterion_auc_min``           .70        criterion >= .70 or AUC >= .70 (Prinsen et al., 2018)
    ``loading_revise``              .45        revise an item whose standardized loading on its
                                               scale is below .45, "fair" in Comrey & Lee's (1992)
                                               scale (Tabachnick & Fidell, 2013)
    ``loading_drop``                .32        drop it below .32, "poor": less than 10% of its
                                               variance shared with the factor (Tabachnick &
                                               Fidell, 2013)
    ``cross_loading_min``           .20        revise an item with a cross-loading whose
    ``cross_loading_p``             .05        modification index is significant (Bonferroni over
                                               all candidate cross-loadings) and whose standardized
                                               expected value is at least .20 in absolute value
                                               (Saris, Satorra & van der Veld, 2009: judge a
                                               misspecification by its test and its size together)
    ``item_rest_revise``            .30        revise an item whose corrected item-rest correlation
                                               is below .30 (Nunnally & Bernstein, 1994)
    ``item_rest_drop``              .20        drop it below .20 (Streiner, Norman & Cairney, 2015)
    ==============================  =========  ====================================================

    References
    ----------
    Prinsen, C. A. C., Mokkink, L. B., Bouter, L. M., Alonso, J., Patrick, D. L., de Vet,
    H. C. W., & Terwee, C. B. (2018). COSMIN guideline for systematic reviews of
    patient-reported outcome measures. *Quality of Life Research, 27*(5), 1147-1157.

    Mokkink, L. B., Prinsen, C. A. C., Patrick, D. L., Alonso, J., Bouter, L. M., de Vet,
    H. C. W., & Terwee, C. B. (2018). *COSMIN methodology for systematic reviews of
    patient-reported outcome measures (PROMs): User manual* (version 1.0).

    Terwee, C. B., Bot, S. D. M., de Boer, M. R., van der Windt, D. A. W. M., Knol, D. L.,
    Dekker, J., Bouter, L. M., & de Vet, H. C. W. (2007). Quality criteria were proposed for
    measurement properties of health status questionnaires. *Journal of Clinical
    Epidemiology, 60*(1), 34-42.

    Hu, L., & Bentler, P. M. (1999). Cutoff criteria for fit indexes in covariance structure
    analysis. *Structural Equation Modeling, 6*(1), 1-55.

    Chen, F. F. (2007). Sensitivity of goodness of fit indexes to lack of measurement
    invariance. *Structural Equation Modeling, 14*(3), 464-504.

    Nye, C. D., & Drasgow, F. (2011). Effect size indices for analyses of measurement
    equivalence. *Journal of Applied Psychology, 96*(5), 966-980.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> t = bk.ValidationThresholds(icc_min=0.75)
    >>> t.icc_min, t.alpha_min
    (0.75, 0.7)
    >>> bk.ValidationThresholds.source("dmacs_min").split(";")[0]
    'Nye & Drasgow (2011)'
    """

    floor_ceiling: float = 0.15
    item_missing_max: float = 0.05
    item_extreme_max: float = 0.50
    cfi_min: float = 0.95
    tli_min: float = 0.95
    rmsea_max: float = 0.06
    srmr_max: float = 0.08
    fit_rule: Literal["any", "all"] = "any"
    congruence_min: float = 0.85
    alpha_min: float = 0.70
    invariance_delta_cfi: float = -0.010
    invariance_delta_rmsea: float = 0.015
    invariance_delta_srmr_loadings: float = 0.030
    invariance_delta_srmr_other: float = 0.010
    dif_p: float = 0.05
    dmacs_min: float = 0.20
    icc_min: float = 0.70
    mic: float | Mapping[str, float] | None = field(default=None, hash=False)
    hypotheses_share_min: float = 0.75
    criterion_r_min: float = 0.70
    criterion_auc_min: float = 0.70
    loading_revise: float = 0.45
    loading_drop: float = 0.32
    cross_loading_min: float = 0.20
    cross_loading_p: float = 0.05
    item_rest_revise: float = 0.30
    item_rest_drop: float = 0.20

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "fit_rule":
                if value not in ("any", "all"):
                    raise BurnoutkitError(
                        f"The 'fit_rule' threshold must be 'any' (COSMIN: one fit index "
                        f"suffices) or 'all'; got {value!r}."
                    )
                continue
            if f.name == "mic":
                _check_mic(value)
                continue
            low, high = (-1.0, 0.0) if f.name == "invariance_delta_cfi" else (0.0, 1.0)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise BurnoutkitError(
                    f"The {f.name!r} threshold must be a number in [{low:g}, {high:g}]; got "
                    f"{value!r}."
                )
            if not low <= float(value) <= high:
                raise BurnoutkitError(
                    f"The {f.name!r} threshold must be a number in [{low:g}, {high:g}]; got "
                    f"{value!r}."
                )
        if self.loading_drop > self.loading_revise:
            raise BurnoutkitError(
                f"loading_drop ({self.loading_drop}) must not exceed loading_revise "
                f"({self.loading_revise}): an item is dropped below the lower cut-off."
            )
        if self.item_rest_drop > self.item_rest_revise:
            raise BurnoutkitError(
                f"item_rest_drop ({self.item_rest_drop}) must not exceed item_rest_revise "
                f"({self.item_rest_revise})."
            )

    @staticmethod
    def source(name: str) -> str:
        """Return the source of the default of threshold ``name``."""
        if name not in THRESHOLD_SOURCES:
            raise BurnoutkitError(
                f"There is no threshold called {name!r}; the thresholds are "
                f"{sorted(THRESHOLD_SOURCES)}."
            )
        return THRESHOLD_SOURCES[name]

    def mic_of(self, scale: str) -> float | None:
        """Return the minimal important change of ``scale`` (None when not given)."""
        if self.mic is None:
            return None
        if isinstance(self.mic, Mapping):
            value = self.mic.get(scale)
            return None if value is None else float(value)
        return float(self.mic)

    def to_dict(self) -> dict[str, Any]:
        """Return the thresholds as a JSON-able mapping."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            out[f.name] = dict(value) if isinstance(value, Mapping) else value
        return out


def _check_mic(value: Any) -> None:
    def ok(number: Any) -> bool:
        return (
            not isinstance(number, bool) and isinstance(number, int | float) and number > 0
        )

    if value is None:
        return
    if isinstance(value, Mapping):
        bad = {key: v for key, v in value.items() if not ok(v)}
        if bad:
            raise BurnoutkitError(
                f"The 'mic' threshold maps scale ids to positive numbers (minimal important "
                f"changes in score units); these are not: {bad}."
            )
        return
    if not ok(value):
        raise BurnoutkitError(
            "The 'mic' threshold must be a positive number (the minimal important change in "
            f"score units), a mapping of scale id to such numbers, or None; got {value!r}."
        )


#: The source of every default in :class:`ValidationThresholds`.
THRESHOLD_SOURCES: dict[str, str] = {
    "floor_ceiling": "Terwee et al. (2007); McHorney & Tarlov (1995)",
    "item_missing_max": "Schafer (1999): a missing rate of 5% or less is inconsequential",
    "item_extreme_max": "burnoutkit convention for items (the 15% rule is for scale scores)",
    "cfi_min": "Prinsen et al. (2018), Table 4; Hu & Bentler (1999)",
    "tli_min": "Prinsen et al. (2018), Table 4; Hu & Bentler (1999)",
    "rmsea_max": "Prinsen et al. (2018), Table 4; Hu & Bentler (1999)",
    "srmr_max": "Prinsen et al. (2018), Table 4; Hu & Bentler (1999)",
    "fit_rule": "Prinsen et al. (2018): CFI or TLI or RMSEA or SRMR",
    "congruence_min": "Lorenzo-Seva & ten Berge (2006): .85-.94 fair similarity",
    "alpha_min": "Prinsen et al. (2018), Table 4",
    "invariance_delta_cfi": "Chen (2007)",
    "invariance_delta_rmsea": "Chen (2007)",
    "invariance_delta_srmr_loadings": "Chen (2007)",
    "invariance_delta_srmr_other": "Chen (2007)",
    "dif_p": "Sörbom (1989) score tests; Holm (1979) adjustment",
    "dmacs_min": "Nye & Drasgow (2011); a small effect on Cohen's d metric",
    "icc_min": "Prinsen et al. (2018), Table 4",
    "mic": "Prinsen et al. (2018), Table 4: SDC or LoA < MIC; no default MIC exists",
    "hypotheses_share_min": "Mokkink et al. (2018), COSMIN user manual: >= 75% confirmed",
    "criterion_r_min": "Prinsen et al. (2018), Table 4",
    "criterion_auc_min": "Prinsen et al. (2018), Table 4",
    "loading_revise": "Comrey & Lee (1992) 'fair'; Tabachnick & Fidell (2013)",
    "loading_drop": "Comrey & Lee (1992) 'poor'; Tabachnick & Fidell (2013)",
    "cross_loading_min": "Saris, Satorra & van der Veld (2009): MI and EPC together",
    "cross_loading_p": "Saris, Satorra & van der Veld (2009); Bonferroni over candidates",
    "item_rest_revise": "Nunnally & Bernstein (1994)",
    "item_rest_drop": "Streiner, Norman & Cairney (2015)",
}


def resolve_thresholds(
    thresholds: ValidationThresholds | Mapping[str, Any] | None,
) -> ValidationThresholds:
    """Return a :class:`ValidationThresholds` from an instance, a mapping of changes or None.

    Examples
    --------
    >>> from burnoutkit.report.thresholds import resolve_thresholds
    >>> resolve_thresholds({"alpha_min": 0.8}).alpha_min
    0.8
    >>> resolve_thresholds({"alpha": 0.8})
    Traceback (most recent call last):
    ...
    burnoutkit.errors.BurnoutkitError: Unknown threshold(s) ['alpha']. Did you mean 'alpha_min'? ...
    """
    if thresholds is None:
        return ValidationThresholds()
    if isinstance(thresholds, ValidationThresholds):
        return thresholds
    if not isinstance(thresholds, Mapping):
        raise BurnoutkitError(
            "The 'thresholds' parameter of validate must be a ValidationThresholds, a mapping "
            f"of threshold names to values, or None; got {type(thresholds).__name__}."
        )
    names = [f.name for f in dataclasses.fields(ValidationThresholds)]
    unknown = [key for key in thresholds if key not in names]
    if unknown:
        import difflib

        close = difflib.get_close_matches(str(unknown[0]), names, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise BurnoutkitError(
            f"Unknown threshold(s) {unknown}.{hint} The thresholds are {names}."
        )
    return ValidationThresholds(**dict(thresholds))
