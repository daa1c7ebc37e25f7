"""COSMIN ratings (+ / - / ?) of measurement properties from the numbers of a validation.

Each ``rate_*`` function takes the tables and values :func:`burnoutkit.validate` computed for one
property and returns a :class:`Rating`: the rating by the COSMIN criteria for good measurement
properties (Prinsen et al., 2018, Table 4, with the cut-offs of
:class:`~burnoutkit.report.thresholds.ValidationThresholds`), a plain-language finding and the
evidence in short numbers. The functions hold no statistics of their own: they only apply the
criteria, so the same numbers always give the same rating.

References
----------
Prinsen, C. A. C., Mokkink, L. B., Bouter, L. M., Alonso, J., Patrick, D. L., de Vet, H. C. W.,
& Terwee, C. B. (2018). COSMIN guideline for systematic reviews of patient-reported outcome
measures. *Quality of Life Research, 27*(5), 1147-1157.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from burnoutkit.report.thresholds import ValidationThresholds

__all__ = [
    "PROPERTIES",
    "Rating",
    "fit_criteria",
    "rate_criterion_validity",
    "rate_data_quality",
    "rate_hypotheses",
    "rate_internal_consistency",
    "rate_measurement_error",
    "rate_measurement_invariance",
    "rate_reliability",
    "rate_structural_validity",
]

#: Section key -> property name, in report order.
PROPERTIES: dict[str, str] = {
    "data_quality": "Data quality (missingness, careless responding, floor/ceiling)",
    "structural_validity": "Structural validity",
    "internal_consistency": "Internal consistency",
    "measurement_invariance": "Cross-cultural validity / measurement invariance",
    "reliability": "Reliability (test-retest)",
    "measurement_error": "Measurement error",
    "hypotheses_testing": "Hypotheses testing for construct validity",
    "criterion_validity": "Criterion validity",
}


@dataclass(frozen=True, slots=True)
class Rating:
    """The rating of one property: ``"+"``, ``"-"`` or ``"?"``, a finding and its evidence."""

    rating: str
    finding: str
    evidence: str
    criterion: str


def _f(value: float, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "NA"
    return f"{value:.{digits}f}"


def _names(values: Sequence[str], limit: int = 8) -> str:
    values = list(values)
    if len(values) <= limit:
        return ", ".join(values)
    return ", ".join(values[:limit]) + f" and {len(values) - limit} more"


def not_assessed(reason: str, criterion: str) -> Rating:
    """Return a ``"?"`` rating for a property that could not be assessed, with the reason."""
    return Rating("?", f"Not assessed: {reason}", "", criterion)


# ------------------------------------------------------------------------------ data quality
def rate_data_quality(values: Mapping[str, Any], floor_ceiling: pd.DataFrame,
                      item_missing: pd.Series, t: ValidationThresholds) -> Rating:
    """Rate data quality: no scale floor/ceiling effect and no item with too many missing.

    Floor and ceiling effects are part of COSMIN's interpretability (Terwee et al., 2007), not a
    measurement property with a COSMIN rating; the rating here is burnoutkit's summary: "+"
    when no scale has more than ``floor_ceiling`` of respondents at its lowest or highest
    possible score and no item is missing for more than ``item_missing_max`` of them.
    """
    criterion = (
        f"+ if no scale has > {t.floor_ceiling:.0%} of respondents at its lowest or highest "
        f"possible score (Terwee et al., 2007) and no item is missing for > "
        f"{t.item_missing_max:.0%} of respondents (Schafer, 1999)"
    )
    floors = floor_ceiling.loc[floor_ceiling["floor"] > t.floor_ceiling, "scale"].tolist()
    ceilings = floor_ceiling.loc[floor_ceiling["ceiling"] > t.floor_ceiling, "scale"].tolist()
    missing_items = item_missing[item_missing > t.item_missing_max].index.tolist()
    problems = []
    if floors:
        problems.append(f"floor effects in {_names(floors)}")
    if ceilings:
        problems.append(f"ceiling effects in {_names(ceilings)}")
    if missing_items:
        problems.append(f"items missing too often: {_names(missing_items)}")
    flagged = values.get("n_flagged")
    screening = (
        f"; screening flagged {flagged} of {values['n_respondents']} respondents as possibly "
        f"careless ({'excluded' if values.get('excluded') else 'kept in the analyses'})"
        if flagged is not None
        else ""
    )
    evidence = (
        f"missing answers {_f(100 * values['missing_share'], 1)}%, largest per item "
        f"{_f(100 * values['max_item_missing'], 1)}%; complete rows "
        f"{values['n_complete']} of {values['n_analysed']}; largest floor "
        f"{_f(100 * values['max_floor'], 1)}%, largest ceiling "
        f"{_f(100 * values['max_ceiling'], 1)}%"
        + (f"; flagged {flagged}" if flagged is not None else "")
    )
    if problems:
        return Rating("-", "Data quality needs attention: " + "; ".join(problems) + screening
                      + ".", evidence, criterion)
    finding = (
        "No scale shows a floor or ceiling effect and no item is left unanswered often"
        + screening + "."
    )
    return Rating("+", finding, evidence, criterion)


# ------------------------------------------------------------------------ structural validity
def fit_criteria(fit: Mapping[str, float], t: ValidationThresholds) -> dict[str, bool]:
    """Which of COSMIN's four fit criteria a fit meets: ``{"cfi": ..., "tli": ..., ...}``.

    Examples
    --------
    >>> from burnoutkit.report.cosmin import fit_criteria
    >>> from burnoutkit.report.thresholds import ValidationThresholds
    >>> fit_criteria({"cfi": .93, "tli": .92, "rmsea": .05, "srmr": .09}, ValidationThresholds())
    {'cfi': False, 'tli': False, 'rmsea': True, 'srmr': False}
    """
    def ok(value: float, good: bool) -> bool:
        return bool(value == value and good)

    return {
        "cfi": ok(fit["cfi"], fit["cfi"] > t.cfi_min),
        "tli": ok(fit["tli"], fit["tli"] > t.tli_min),
        "rmsea": ok(fit["rmsea"], fit["rmsea"] < t.rmsea_max),
        "srmr": ok(fit["srmr"], fit["srmr"] < t.srmr_max),
    }


def rate_structural_validity(fit: Mapping[str, Any], values: Mapping[str, Any],
                             t: ValidationThresholds) -> Rating:
    """Rate structural validity from the fit of the bank's model (Prinsen et al., 2018).

    ``fit`` holds ``cfi, tli, rmsea, srmr`` (the robust versions for MLR), ``structure`` and
    ``estimator``.
    """
    join = " or " if t.fit_rule == "any" else " and "
    criterion = (
        f"+ if CFI > {t.cfi_min:.2f}{join}TLI > {t.tli_min:.2f}{join}RMSEA < "
        f"{t.rmsea_max:.2f}{join}SRMR < {t.srmr_max:.2f} (Prinsen et al., 2018)"
    )
    met = fit_criteria(fit, t)
    good = any(met.values()) if t.fit_rule == "any" else all(met.values())
    evidence = (
        f"{fit['structure']} model, {fit['estimator']}, n = {fit['n_obs']}: CFI "
        f"{_f(fit['cfi'], 3)}, TLI {_f(fit['tli'], 3)}, RMSEA {_f(fit['rmsea'], 3)}, SRMR "
        f"{_f(fit['srmr'], 3)}"
    )
    extra = []
    if values.get("pa_factors") is not None:
        extra.append(
            f"parallel analysis retains {values['pa_factors']} factors for "
            f"{values['n_scales']} scales"
        )
    if values.get("n_congruent") is not None:
        extra.append(
            f"{values['n_congruent']} of {values['n_scales']} scales are reproduced by an "
            f"exploratory factor (congruence >= {t.congruence_min:.2f})"
        )
    if extra:
        evidence += "; " + "; ".join(extra)
    met_names = [name.upper() for name, ok in met.items() if ok]
    if good:
        finding = (
            f"The bank's {fit['structure']} model fits the data "
            f"({', '.join(met_names)} meet{'s' if len(met_names) == 1 else ''} the COSMIN "
            "criterion)."
        )
        return Rating("+", finding, evidence, criterion)
    finding = (
        f"The bank's {fit['structure']} model does not fit well enough: "
        + ("no fit index meets" if not met_names else "not every fit index meets")
        + " the COSMIN criterion."
    )
    return Rating("-", finding, evidence, criterion)


# ----------------------------------------------------------------------- internal consistency
def rate_internal_consistency(scales: pd.DataFrame, structural: str,
                              t: ValidationThresholds) -> Rating:
    """Rate internal consistency: sufficient structural validity and alpha >= .70 per scale."""
    criterion = (
        f"+ if structural validity is sufficient and alpha >= {t.alpha_min:.2f} for each scale; "
        "? if structural validity is not sufficient (Prinsen et al., 2018)"
    )
    low = scales.loc[~(scales["alpha"] >= t.alpha_min), "id"].tolist()
    evidence = (
        f"alpha {_f(scales['alpha'].min())} to {_f(scales['alpha'].max())} over "
        f"{len(scales)} scales; omega total {_f(scales['omega_total'].min())} to "
        f"{_f(scales['omega_total'].max())}"
    )
    if low:
        evidence += "; below the cut-off: " + ", ".join(
            f"{row.id} {_f(row.alpha)}" for row in scales.itertuples() if row.id in low
        )
    if structural != "+":
        return Rating(
            "?",
            "Alpha cannot be interpreted as internal consistency without sufficient structural "
            "validity (COSMIN); see the structural validity rating.",
            evidence,
            criterion,
        )
    if low:
        return Rating(
            "-",
            f"{len(low)} of {len(scales)} scales have alpha below {t.alpha_min:.2f}: "
            f"{_names(low)}.",
            evidence,
            criterion,
        )
    return Rating(
        "+", f"Every scale is internally consistent (alpha >= {t.alpha_min:.2f}).", evidence,
        criterion,
    )


# --------------------------------------------------------------------- measurement invariance
def rate_measurement_invariance(comparisons: pd.DataFrame, items: pd.DataFrame,
                                values: Mapping[str, Any], t: ValidationThresholds) -> Rating:
    """Rate cross-cultural validity / measurement invariance.

    "+" when every step of the invariance sequence holds by Chen's (2007) criteria and no item
    parameter differs importantly (Holm-adjusted score test below ``dif_p`` and, where it can be
    computed, dMACS >= ``dmacs_min``); "-" otherwise (Prinsen et al., 2018: "important
    differences between group factors or DIF").
    """
    criterion = (
        "+ if no important differences between groups in multigroup CFA: every invariance step "
        f"holds (Chen, 2007) and no item has a score test p_holm < {t.dif_p:.2f} with dMACS >= "
        f"{t.dmacs_min:.2f} (Nye & Drasgow, 2011); - otherwise (Prinsen et al., 2018)"
    )
    failed = comparisons.loc[comparisons["decision"] != "invariant", "level"].tolist()
    flagged = items.loc[items["noninvariant"], :] if len(items) else items
    steps = ", ".join(
        f"{row.level}: delta CFI {_f(row.delta_cfi, 3)}, delta RMSEA {_f(row.delta_rmsea, 4)}"
        for row in comparisons.itertuples()
    )
    item_text = ", ".join(
        f"{row.item} ({row.parameter}, dMACS {_f(row.dmacs)})" for row in flagged.itertuples()
    )
    evidence = f"across {values['group']} ({values['groups']}): {steps}"
    if item_text:
        evidence += f"; non-invariant: {item_text}"
    held = values.get("highest_level")
    if not failed and flagged.empty and values.get("item_tests") == "failed":
        return Rating(
            "?",
            f"Overall fit holds across {values['group']} up to the {held} level, but the "
            "item-level score tests could not be computed (see the notes).",
            evidence,
            criterion,
        )
    if not failed and flagged.empty:
        return Rating(
            "+",
            f"The measurement model is invariant across {values['group']} up to the "
            f"{held} level; no item functions differently.",
            evidence,
            criterion,
        )
    items_text = ""
    if not flagged.empty:
        names = flagged["item"].drop_duplicates().tolist()
        items_text = (
            f"{len(names)} item{'s' if len(names) > 1 else ''} "
            f"function{'' if len(names) > 1 else 's'} differently across {values['group']}: "
            f"{_names(names)}"
        )
    if failed:
        finding = (
            f"Invariance across {values['group']} fails at the {', '.join(failed)} step by "
            "Chen's criteria" + (f", and {items_text}" if items_text else "") + "."
        )
    else:
        finding = (
            f"Overall fit is invariant across {values['group']} up to the {held} level, but "
            f"{items_text}."
        )
    return Rating("-", finding, evidence, criterion)


# ----------------------------------------------------------------------------- reliability
def rate_reliability(icc: pd.DataFrame, t: ValidationThresholds) -> Rating:
    """Rate test-retest reliability: ICC(2,1) >= .70 for every scale (Prinsen et al., 2018)."""
    criterion = (
        f"+ if ICC >= {t.icc_min:.2f} for each scale (ICC(2,1), absolute agreement; Prinsen "
        "et al., 2018)"
    )
    low = icc.loc[~(icc["icc2_1"] >= t.icc_min), "scale"].tolist()
    evidence = (
        f"ICC(2,1) {_f(icc['icc2_1'].min())} to {_f(icc['icc2_1'].max())} over {len(icc)} "
        f"scales (n = {int(icc['n'].min())} to {int(icc['n'].max())}); corrected for "
        f"unreliability {_f(icc['stability_corrected'].min())} to "
        f"{_f(icc['stability_corrected'].max())}"
    )
    if low:
        return Rating(
            "-",
            f"{len(low)} of {len(icc)} scales have a test-retest ICC below {t.icc_min:.2f}: "
            f"{_names(low)}.",
            evidence,
            criterion,
        )
    return Rating("+", f"Every scale is stable over the retest interval (ICC >= "
                  f"{t.icc_min:.2f}).", evidence, criterion)


def rate_measurement_error(error: pd.DataFrame, t: ValidationThresholds) -> Rating:
    """Rate measurement error: SDC below the minimal important change (MIC); "?" without one."""
    criterion = (
        "+ if the smallest detectable change (SDC) is below the minimal important change (MIC); "
        "? if no MIC is given (Prinsen et al., 2018)"
    )
    evidence = (
        f"SEM {_f(error['sem'].min())} to {_f(error['sem'].max())}, SDC "
        f"{_f(error['sdc'].min())} to {_f(error['sdc'].max())} score points"
    )
    known = error[error["mic"].notna()]
    if known.empty:
        return Rating(
            "?",
            "The smallest detectable change is reported, but no minimal important change (MIC) "
            "is known to judge it against; give thresholds={'mic': ...}.",
            evidence,
            criterion,
        )
    above = known.loc[~(known["sdc"] < known["mic"]), "scale"].tolist()
    evidence += f"; MIC given for {len(known)} scale(s)"
    if above:
        return Rating("-", f"The SDC is not below the MIC for {_names(above)}.", evidence,
                      criterion)
    if len(known) < len(error):
        return Rating(
            "?",
            f"The SDC is below the MIC for the {len(known)} scale(s) with a MIC; the other "
            "scales have none.",
            evidence,
            criterion,
        )
    return Rating("+", "Changes smaller than the MIC can be detected for every scale.",
                  evidence, criterion)


# ------------------------------------------------------------------------------ hypotheses
def rate_hypotheses(hypotheses: pd.DataFrame, t: ValidationThresholds) -> Rating:
    """Rate hypotheses testing: at least 75% of the hypotheses confirmed (COSMIN manual)."""
    criterion = (
        f"+ if at least {t.hypotheses_share_min:.0%} of the hypotheses are confirmed; ? if none "
        "is defined (Prinsen et al., 2018; Mokkink et al., 2018)"
    )
    if hypotheses.empty:
        return not_assessed(
            "the bank declares no hypotheses and has no gain/loss pairs.", criterion
        )
    n = len(hypotheses)
    confirmed = int(hypotheses["confirmed"].sum())
    share = confirmed / n
    rejected = hypotheses.loc[~hypotheses["confirmed"].astype(bool), "id"].tolist()
    kinds = hypotheses["kind"].value_counts()
    evidence = (
        f"{confirmed} of {n} hypotheses confirmed ({_f(100 * share, 0)}%): "
        + ", ".join(
            f"{int(hypotheses.loc[hypotheses['kind'] == kind, 'confirmed'].sum())}/{count} "
            f"{kind}"
            for kind, count in kinds.items()
        )
    )
    if rejected:
        evidence += f"; not confirmed: {_names(rejected)}"
    if share >= t.hypotheses_share_min:
        return Rating("+", f"The scores behave as the theory predicts ({confirmed} of {n} "
                      "hypotheses confirmed).", evidence, criterion)
    return Rating("-", f"Only {confirmed} of {n} hypotheses are confirmed.", evidence, criterion)


# -------------------------------------------------------------------------------- criterion
def rate_criterion_validity(criterion_table: pd.DataFrame, t: ValidationThresholds) -> Rating:
    """Rate criterion validity: |r| >= .70 or AUC >= .70 with each criterion."""
    criterion = (
        f"+ if the correlation with the criterion is >= {t.criterion_r_min:.2f} or the AUC >= "
        f"{t.criterion_auc_min:.2f} for each criterion (Prinsen et al., 2018)"
    )
    rows = criterion_table
    evidence = "; ".join(
        f"{row.outcome}: {row.statistic} {_f(row.estimate, 3)} (n = {row.n})"
        for row in rows.itertuples()
    )
    score = rows["score"].iloc[0]
    failing = rows.loc[~rows["meets"].astype(bool), "outcome"].tolist()
    if failing:
        return Rating(
            "-",
            f"The {score} score does not reach the criterion cut-off for {_names(failing)}; the "
            "outcomes are related to the score but are not gold standards of it.",
            evidence,
            criterion,
        )
    return Rating("+", f"The {score} score agrees with every criterion.", evidence, criterion)
