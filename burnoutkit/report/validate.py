"""One call from an item bank and responses to a validation report: :func:`validate`.

The report is organised by the COSMIN measurement properties (Mokkink et al., 2010; Prinsen et
al., 2018): data quality, structural validity, internal consistency, cross-cultural validity /
measurement invariance, reliability, measurement error, hypotheses testing for construct
validity and criterion validity, each rated ``+``, ``-`` or ``?`` by the COSMIN criteria for good
measurement properties, and an item table with the evidence against every item and a
recommendation (keep, revise, drop). ``docs/methods/validation.md`` maps every section to the
public functions that compute it and every rating to its criterion and source.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from burnoutkit._result import Result
from burnoutkit._versions import versions
from burnoutkit.banks.loader import load_bank
from burnoutkit.banks.model import ItemBank
from burnoutkit.errors import BurnoutkitError, DataError
from burnoutkit.report import _steps, cosmin
from burnoutkit.report.items import item_table
from burnoutkit.report.thresholds import ValidationThresholds, resolve_thresholds
from burnoutkit.responses import Responses, check_responses
from burnoutkit.scoring import score

__all__ = ["ESTIMATORS", "ValidationReport", "resolve_estimator", "validate"]

#: Estimators ``validate`` accepts; ``"auto"`` is resolved by :func:`resolve_estimator`.
ESTIMATORS = ("auto", "ML", "MLR", "WLSMV", "ULSMV")
MISSING = ("auto", "listwise", "pairwise", "fiml")
_ORDINAL = ("WLSMV", "ULSMV")
_STRUCTURES = ("correlated", "higher_order", "bifactor")
_LEVELS = ("configural", "thresholds", "metric", "scalar", "strict")


#: Most response categories for which ``estimator="auto"`` treats the items as ordinal
#: (Rhemtulla, Brosseau-Liard & Savalei, 2012: below five categories the categorical
#: estimator is clearly better; from five on, robust ML performs as well).
ORDINAL_MAX_CATEGORIES = 4


def resolve_estimator(
    estimator: str,
    bank: ItemBank,
    *,
    missing: str = "auto",
) -> tuple[str, str, str]:
    """Return the estimator of the latent-variable models, its missing-data handling and why.

    ``estimator="auto"`` chooses WLSMV (polychoric correlations, diagonally weighted least
    squares, scaled-shifted test) when the bank's items have at most
    :data:`ORDINAL_MAX_CATEGORIES` (4) response categories: with fewer than five categories,
    treating the items as continuous biases loadings and fit, while from five categories on
    robust ML performs as well as the categorical estimator (Rhemtulla, Brosseau-Liard &
    Savalei, 2012). With five or more categories it chooses MLR (robust maximum likelihood:
    Huber-White standard errors, Yuan-Bentler scaled test), and with ``missing="fiml"`` ML.
    ``missing="auto"`` is pairwise deletion for the ordinal estimators (lavaan's
    ``missing = "pairwise"``: every answer is used) and listwise deletion for ML and MLR.
    Other names are used as given.

    Parameters
    ----------
    estimator : {"auto", "ML", "MLR", "WLSMV", "ULSMV"}
        The requested estimator.
    bank : ItemBank
        The bank (its response format gives the number of categories).
    missing : {"auto", "listwise", "pairwise", "fiml"}, default "auto"
        The requested missing-data handling.

    Returns
    -------
    (str, str, str)
        The estimator, the missing-data handling and one sentence on why (recorded in the
        report).

    Raises
    ------
    BurnoutkitError
        An unknown name, or a combination no estimator offers (pairwise with ML/MLR, FIML with
        an ordinal estimator).

    References
    ----------
    Rhemtulla, M., Brosseau-Liard, P. E., & Savalei, V. (2012). When can categorical variables
    be treated as continuous? *Psychological Methods, 17*(3), 354-373.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> from burnoutkit.report.validate import resolve_estimator
    >>> resolve_estimator("auto", bk.load_bank("bai"))[:2]  # five categories
    ('MLR', 'listwise')
    >>> resolve_estimator("WLSMV", bk.load_bank("bai"))[:2]
    ('WLSMV', 'pairwise')
    """
    if estimator not in ESTIMATORS:
        raise BurnoutkitError(
            f"The 'estimator' parameter of validate must be one of {list(ESTIMATORS)}; got "
            f"{estimator!r}."
        )
    _check_choice("missing", missing, MISSING)
    k = bank.response_format.n_categories
    if estimator == "auto":
        if missing == "fiml":
            used, why = "ML", "FIML (missing='fiml') is a maximum-likelihood method."
        elif k > ORDINAL_MAX_CATEGORIES:
            used, why = "MLR", (
                f"The items have {k} response categories (more than {ORDINAL_MAX_CATEGORIES}): "
                "treated as continuous, with robust maximum likelihood (MLR), which performs as "
                "well as WLSMV from five categories on (Rhemtulla et al., 2012); pass "
                "estimator='WLSMV' for the ordinal model."
            )
        else:
            used, why = "WLSMV", (
                f"The items have {k} response categories (at most {ORDINAL_MAX_CATEGORIES}): "
                "ordinal CFA with WLSMV (Rhemtulla et al., 2012)."
            )
    else:
        used, why = estimator, f"{estimator} as requested."
    ordinal = used in _ORDINAL
    if missing == "auto":
        missing = "pairwise" if ordinal else "listwise"
        why += (" Missing answers: pairwise deletion (every answer is used)." if ordinal
                else " Missing answers: listwise deletion.")
    if missing == "pairwise" and not ordinal:
        raise BurnoutkitError(
            "validate: missing='pairwise' needs an ordinal estimator (WLSMV, ULSMV); with ML "
            "use missing='fiml'."
        )
    if missing == "fiml" and used != "ML":
        raise BurnoutkitError(
            f"validate: missing='fiml' needs estimator='ML' (or 'auto'); got {used!r}."
        )
    return used, missing, why


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class ValidationReport(Result):
    """A validation report organised by COSMIN measurement properties (from :func:`validate`).

    Attributes
    ----------
    properties : pandas.DataFrame
        One row per measurement property: ``key``, ``property``, ``rating`` (``"+"``, ``"-"``
        or ``"?"``), ``finding`` (plain language), ``evidence`` (the numbers behind it),
        ``criterion`` (the rule and its source) and ``status`` (``computed``, ``not
        requested``, ``not applicable`` or ``failed``).
    items : pandas.DataFrame
        One row per item: ``item, scale, keyed, loading, cross_loading, cross_factor,
        item_rest_r, missing_share, floor, ceiling, noninvariant, dmacs, evidence,
        recommendation`` (``"keep"``, ``"revise"`` or ``"drop"``); see
        :mod:`burnoutkit.report.items` for the rules.
    sections : dict
        The result objects behind the report: ``screening``, ``scores``, ``reliability``,
        ``parallel_analysis``, ``efa``, ``cfa``, ``cfa_alternatives``, ``invariance``,
        ``invariance_partial``, ``retest`` (scale -> TestRetestResult), ``asymmetry``,
        ``criterion`` and ``profiles`` (those that were computed).
    tables : dict
        Section key -> table name -> DataFrame: every table the report shows.
    values : dict
        Section key -> headline values, with ``status`` and ``message`` of the section.
    settings : dict
        Every setting of the call (resolved estimator, seeds, bootstrap sizes, ...).
    thresholds : ValidationThresholds
        The cut-offs behind the ratings and recommendations.
    versions : dict
        burnoutkit, Python and dependency versions.
    bank_id, bank_version, bank_name : str
        The item bank validated.
    notes : tuple of str
        Every warning the analyses raised and every failure, prefixed by its section.
    timings : dict
        Seconds spent in each analysis.
    """

    properties: pd.DataFrame
    items: pd.DataFrame
    sections: dict[str, Any]
    tables: dict[str, dict[str, pd.DataFrame]]
    values: dict[str, dict[str, Any]]
    settings: dict[str, Any]
    thresholds: ValidationThresholds
    versions: dict[str, str]
    bank_id: str
    bank_version: str
    bank_name: str
    notes: tuple[str, ...]
    timings: dict[str, float]

    def tidy(self) -> pd.DataFrame:
        """One row per measurement property (a copy of :attr:`properties`)."""
        return self.properties.copy()

    def glance(self) -> pd.DataFrame:
        """One row: bank, respondents, counts of each rating and of each recommendation."""
        ratings = self.properties["rating"].value_counts()
        recs = self.items["recommendation"].value_counts()
        dq = self.values.get("data_quality", {})
        return pd.DataFrame(
            [
                {
                    "bank": self.bank_id,
                    "version": self.bank_version,
                    "n_respondents": dq.get("n_respondents"),
                    "n_analysed": dq.get("n_analysed"),
                    "n_plus": int(ratings.get("+", 0)),
                    "n_minus": int(ratings.get("-", 0)),
                    "n_unknown": int(ratings.get("?", 0)),
                    "n_keep": int(recs.get("keep", 0)),
                    "n_revise": int(recs.get("revise", 0)),
                    "n_drop": int(recs.get("drop", 0)),
                }
            ]
        )

    def rating(self, key: str) -> str:
        """Return the rating of property ``key`` (e.g. ``"structural_validity"``)."""
        hit = self.properties[self.properties["key"] == key]
        if hit.empty:
            raise BurnoutkitError(
                f"There is no property {key!r}; the properties are "
                f"{self.properties['key'].tolist()}."
            )
        return str(hit["rating"].iloc[0])

    # ------------------------------------------------------------------ renderers
    def to_dict(self) -> dict[str, Any]:
        """Return the report as a JSON-able dict (the schema is ``report.schema.json``)."""
        from burnoutkit.report._json import report_to_dict

        return report_to_dict(self)

    def to_json(self, path: str | PathLike[str] | None = None) -> str:
        """Return the report as JSON text; also written to ``path`` when given."""
        from burnoutkit.report._json import report_to_json

        text = report_to_json(self)
        _write(path, text)
        return text

    def to_markdown(self, path: str | PathLike[str] | None = None) -> str:
        """Return the report as Markdown; also written to ``path`` when given."""
        from burnoutkit.report._markdown import report_to_markdown

        text = report_to_markdown(self)
        _write(path, text)
        return text

    def to_html(self, path: str | PathLike[str] | None = None) -> str:
        """Return the report as one self-contained HTML page with embedded figures.

        Nothing is fetched when the page is opened: the style sheet is inline, the figures are
        SVG images in ``data:`` URIs, and there is no script.
        """
        from burnoutkit.report._html import report_to_html

        text = report_to_html(self)
        _write(path, text)
        return text

    def save(self, path: str | PathLike[str]) -> Path:
        """Write the report to ``path``, in the format of its suffix (.html, .md or .json)."""
        target = Path(path)
        writers = {".html": self.to_html, ".htm": self.to_html, ".md": self.to_markdown,
                   ".json": self.to_json}
        writer = writers.get(target.suffix.lower())
        if writer is None:
            raise BurnoutkitError(
                f"Cannot tell the report format from {str(target)!r}; use a file name ending "
                "in .html, .md or .json."
            )
        writer(target)
        return target

    def _repr_html_(self) -> str:
        from burnoutkit.report._html import report_fragment

        return report_fragment(self, figures=False)


def _write(path: str | PathLike[str] | None, text: str) -> None:
    if path is not None:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


# ================================================================================ inputs
def _check_choice(name: str, value: Any, choices: Sequence[Any]) -> None:
    if value not in choices:
        raise BurnoutkitError(
            f"The {name!r} parameter of validate must be one of {list(choices)}; got {value!r}."
        )


def _column_hint(name: str, columns: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(name), [str(c) for c in columns], n=1)
    return f" Did you mean {close[0]!r}?" if close else ""


def _check_columns(kind: str, names: Sequence[str], covariates: pd.DataFrame) -> None:
    missing = [name for name in names if name not in covariates.columns]
    if missing:
        raise DataError(
            f"The {kind} column(s) {missing} are not in the data."
            f"{_column_hint(missing[0], covariates.columns)} The data's other columns are "
            f"{list(covariates.columns)}."
        )


def _criterion_score(bank: ItemBank, requested: str | None) -> str:
    composite = [s.id for s in bank.systems if s.composite and bank.scales_of(s.id)]
    names = [*bank.scale_ids, *composite]
    if requested is not None:
        if requested not in names:
            raise DataError(
                f"The criterion score {requested!r} is neither a scale nor a composite system of "
                f"bank {bank.id!r}.{_column_hint(requested, names)} Choose from {names}."
            )
        return requested
    if "core" in composite:
        return "core"
    return composite[0] if composite else bank.scale_ids[0]


def _profile_scales(bank: ItemBank, requested: Sequence[str] | None) -> list[str]:
    if requested is not None:
        unknown = [s for s in requested if s not in bank.scale_ids]
        if unknown:
            raise DataError(
                f"Profile indicators {unknown} are not scales of bank {bank.id!r}; its scales "
                f"are {bank.scale_ids}."
            )
        return list(requested)
    core = bank.scales_of("core") if any(s.id == "core" for s in bank.systems) else []
    return core or list(bank.scale_ids)


# ============================================================================== validate
def validate(
    bank: ItemBank | str,
    data: pd.DataFrame | Responses | str | PathLike[str],
    *,
    group: str | None = None,
    retest: pd.DataFrame | str | PathLike[str] | None = None,
    outcomes: Sequence[str] | None = None,
    severity: str | None = None,
    thresholds: ValidationThresholds | Mapping[str, Any] | None = None,
    profiles: bool = False,
    screen: bool = True,
    exclude_careless: bool = False,
    id_column: str | None = None,
    progress: bool = False,
    random_state: int = 0,
    estimator: Literal["auto", "ML", "MLR", "WLSMV", "ULSMV"] = "auto",
    missing: Literal["auto", "listwise", "pairwise", "fiml"] = "auto",
    structure: str = "correlated",
    structures: Sequence[str] = _STRUCTURES,
    comparison_estimator: str = "ML",
    invariance_levels: Sequence[str] | None = None,
    n_iter: int = 20,
    criterion_score: str | None = None,
    profile_scales: Sequence[str] | None = None,
    max_profiles: int = 6,
    profile_n_init: int = 10,
    profile_n_boot: int = 0,
    confidence_level: float = 0.95,
) -> ValidationReport:
    r"""Validate an instrument: every COSMIN measurement property rated, every item judged.

    Runs the analyses of a validation study on one data set and rates each measurement
    property ``+`` (sufficient), ``-`` (insufficient) or ``?`` (indeterminate) by the COSMIN
    criteria for good measurement properties (Prinsen et al., 2018), with cut-offs from
    :class:`ValidationThresholds`:

    * **data quality**: careless-responding screening (:func:`burnoutkit.screen`), missing
      answers, floor and ceiling effects of the scale scores;
    * **structural validity**: parallel analysis (:func:`burnoutkit.parallel_analysis`), an
      EFA with one factor per scale (:func:`burnoutkit.efa`, Tucker congruence with the
      scales), the bank's CFA model (:func:`burnoutkit.cfa`) rated by its fit, the alternative
      structures compared, cross-loadings from the modification indices;
    * **internal consistency**: alpha and omega per scale (:func:`burnoutkit.reliability`);
    * **cross-cultural validity / measurement invariance** across ``group``
      (:func:`burnoutkit.invariance`, :func:`burnoutkit.invariance_sources`, dMACS);
    * **reliability** and **measurement error** with ``retest``
      (:func:`burnoutkit.test_retest`, :func:`burnoutkit.sem`);
    * **hypotheses testing**: the gain/loss asymmetry checks (:func:`burnoutkit.asymmetry`)
      when the bank has pairs, and the correlations between scores the bank declares under
      ``hypotheses``;
    * **criterion validity** with ``outcomes``;
    * the **profile analysis** with ``profiles=True`` (:func:`burnoutkit.enumerate_profiles`,
      :func:`burnoutkit.fit_profiles`, :func:`burnoutkit.profile_outcomes`).

    Parameters
    ----------
    bank : ItemBank or str
        The item bank, or the name or path :func:`burnoutkit.load_bank` accepts.
    data : pandas.DataFrame, Responses or path-like
        One row per respondent, one column per item; covariates and outcomes as other
        columns. Checked by :func:`burnoutkit.check_responses` (bad answers raise).
    group : str, optional
        Column whose groups (e.g. language versions) the invariance analysis compares.
    retest : pandas.DataFrame or path-like, optional
        The items answered again by some respondents, with the same id column.
    outcomes : sequence of str, optional
        Outcome columns of ``data`` for criterion validity (and the profile analysis).
    severity : str, optional
        Column of ``data`` with burnout severity for the asymmetry checks (default: the
        bank's core system, see :func:`burnoutkit.asymmetry`).
    thresholds : ValidationThresholds or mapping, optional
        Cut-offs; a mapping changes the named fields of the defaults.
    profiles : bool, default False
        Also run the latent profile analysis.
    screen : bool, default True
        Screen for careless responding.
    exclude_careless : bool, default False
        Leave the respondents the screening flags out of every analysis (they are listed in
        the report with the reasons). Needs ``screen=True``.
    id_column : str, optional
        Column with respondent ids (needed with ``retest``).
    progress : bool, default False
        Show a progress bar over the analyses.
    random_state : int, default 0
        Seed of every random step (screening's pair re-ordering, parallel analysis, profile
        starts).
    estimator : {"auto", "ML", "MLR", "WLSMV", "ULSMV"}, default "auto"
        Estimator of the latent-variable models; ``"auto"`` is WLSMV for items with at most 4
        response categories, MLR otherwise (the rule and its reasons:
        :func:`burnoutkit.report.validate.resolve_estimator`; the report states the reason).
        With an ordinal estimator the cross-loadings are screened with the modification
        indices of an ML fit of the same model, and the item-level invariance tests and dMACS
        use an MLR fit of the invariance models.
    missing : {"auto", "listwise", "pairwise", "fiml"}, default "auto"
        Missing data in the latent-variable models: ``"auto"`` is pairwise deletion with an
        ordinal estimator (every answer is used) and listwise deletion with ML/MLR;
        ``"fiml"`` needs ``estimator="ML"`` (or ``"auto"``). The ML-family fits that screen
        items beside an ordinal model use listwise deletion.
    structure : {"correlated", "higher_order", "bifactor"}, default "correlated"
        The bank's model whose fit rates structural validity and whose loadings judge items.
    structures : sequence of str, default ("correlated", "higher_order", "bifactor")
        Structures compared with ``comparison_estimator`` (empty: no comparison).
    comparison_estimator : str, default "ML"
        Estimator of the model comparison (ML keeps the higher-order model fast).
    invariance_levels : sequence of str, optional
        Levels of the invariance sequence; default ``("configural", "metric", "scalar")``,
        and Wu & Estabrook's ``("configural", "thresholds", "metric", "scalar")`` for an
        ordinal estimator (see :func:`burnoutkit.invariance`).
    n_iter : int, default 20
        Simulated data sets of the parallel analysis (0 skips it).
    criterion_score : str, optional
        The scale or composite system whose criterion validity is rated; default the bank's
        ``core`` system, else its first composite system, else its first scale.
    profile_scales : sequence of str, optional
        Profile indicators (standardized scale scores); default the core system's scales.
    max_profiles, profile_n_init, profile_n_boot : int, default 6, 10 and 0
        Largest number of profiles, random starts, and bootstrap samples of the BLRT (0 skips
        it; the BIC then decides).
    confidence_level : float, default 0.95
        Level of every interval, and of the smallest detectable change.

    Returns
    -------
    ValidationReport
        ``properties``, ``items``, ``sections``, ``tables``; ``to_html``, ``to_markdown``,
        ``to_json``, ``save``.

    Raises
    ------
    ResponseError
        The data (or the retest data) do not fit the bank.
    DataError
        ``group``, ``outcomes`` or ``severity`` name absent columns, or ``retest`` is given
        without ids.
    BurnoutkitError
        A parameter out of range.

    Notes
    -----
    An analysis that cannot be carried out on the data (a model that does not converge, too
    few respondents for the retest) does not stop the report: its property is rated ``?``
    and the reason is in the finding and in :attr:`ValidationReport.notes`. Warnings of the
    analyses are recorded in ``notes`` instead of being raised again.

    The smallest detectable change is :math:`SDC = z_{1-\alpha/2}\sqrt{2}\,SEM` with
    :math:`SEM = SD_{t1}\sqrt{1 - ICC(2,1)}` (de Vet et al., 2006); the limits of agreement
    are :math:`\bar d \pm z_{1-\alpha/2} s_d` (Bland & Altman, 1986). The stability corrected
    for unreliability is :math:`ICC(2,1)/\sqrt{\alpha_{t1}\alpha_{t2}}` (Spearman, 1904).

    References
    ----------
    Prinsen, C. A. C., Mokkink, L. B., Bouter, L. M., Alonso, J., Patrick, D. L., de Vet,
    H. C. W., & Terwee, C. B. (2018). COSMIN guideline for systematic reviews of
    patient-reported outcome measures. *Quality of Life Research, 27*(5), 1147-1157.

    Mokkink, L. B., de Vet, H. C. W., Prinsen, C. A. C., Patrick, D. L., Alonso, J., Bouter,
    L. M., & Terwee, C. B. (2018). COSMIN Risk of Bias checklist for systematic reviews of
    patient-reported outcome measures. *Quality of Life Research, 27*(5), 1171-1179.

    de Vet, H. C. W., Terwee, C. B., Knol, D. L., & Bouter, L. M. (2006). When to use agreement
    versus reliability measures. *Journal of Clinical Epidemiology, 59*(10), 1033-1039.

    Bland, J. M., & Altman, D. G. (1986). Statistical methods for assessing agreement between
    two methods of clinical measurement. *The Lancet, 327*(8476), 307-310.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> cohort = bk.datasets.load_reference_cohort()
    >>> report = bk.validate("bai", cohort.data.head(400), id_column="id",
    ...                      structures=(), n_iter=0)
    >>> report.rating("internal_consistency") in ("+", "-", "?")
    True
    >>> report.items.columns[:4].tolist()
    ['item', 'scale', 'keyed', 'loading']
    >>> report.save("bai_report.html")  # doctest: +SKIP
    """
    if isinstance(bank, str | PathLike):
        bank = load_bank(bank)
    if not isinstance(bank, ItemBank):
        raise TypeError(
            "The 'bank' parameter of validate must be an ItemBank or a bank name or path; got "
            f"{type(bank).__name__}."
        )
    t = resolve_thresholds(thresholds)
    estimator_used, missing, estimator_reason = resolve_estimator(
        estimator, bank, missing=missing
    )
    _check_choice("structure", structure, _STRUCTURES)
    for name in structures:
        _check_choice("structures", name, _STRUCTURES)
    _check_choice("comparison_estimator", comparison_estimator, ESTIMATORS[1:])
    levels = None if invariance_levels is None else list(invariance_levels)
    if levels is not None and (not levels or levels[0] != "configural"
                               or any(lv not in _LEVELS for lv in levels)):
        raise BurnoutkitError(
            "The 'invariance_levels' parameter of validate must start with 'configural' and "
            f"name levels from {list(_LEVELS)} in order; got {levels!r}."
        )
    for name, value, low in (("n_iter", n_iter, 0), ("max_profiles", max_profiles, 1),
                             ("profile_n_init", profile_n_init, 1),
                             ("profile_n_boot", profile_n_boot, 0)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
            raise BurnoutkitError(
                f"The {name!r} parameter of validate must be an int >= {low}; got {value!r}."
            )
    if not 0 < confidence_level < 1:
        raise BurnoutkitError(
            f"The 'confidence_level' parameter of validate must be in (0, 1); got "
            f"{confidence_level!r}."
        )
    if exclude_careless and not screen:
        raise BurnoutkitError(
            "exclude_careless=True needs screen=True: only screened respondents can be excluded."
        )
    if isinstance(outcomes, str):
        outcomes = [outcomes]
    outcomes = list(outcomes) if outcomes else []

    # ------------------------------------------------------------------ responses
    if isinstance(data, Responses):
        if id_column is not None and id_column != data.id_column:
            raise BurnoutkitError(
                "id_column applies when validate() checks raw data; these responses were "
                f"already checked with id_column={data.id_column!r}."
            )
        if data.bank != bank:
            raise DataError(
                f"These responses were checked against bank {data.bank.id!r}, not {bank.id!r}."
            )
        responses = data
    else:
        responses = check_responses(bank, data, id_column=id_column)
    if levels is None:
        levels = (
            ["configural", "thresholds", "metric", "scalar"]
            if estimator_used in _ORDINAL
            else ["configural", "metric", "scalar"]
        )
    covariates = responses.covariates
    if group is not None:
        _check_columns("group", [group], covariates)
    _check_columns("outcome", outcomes, covariates)
    if severity is not None:
        _check_columns("severity", [severity], covariates)
    if retest is not None and responses.id_column is None:
        raise DataError(
            "Retest data can only be matched to respondents by id: pass id_column= (the column "
            "with respondent ids in both data sets)."
        )
    settings: dict[str, Any] = {
        "group": group,
        "retest": retest is not None,
        "outcomes": outcomes,
        "severity": severity,
        "criterion_score": _criterion_score(bank, criterion_score),
        "profiles": bool(profiles),
        "profile_scales": _profile_scales(bank, profile_scales),
        "max_profiles": int(max_profiles),
        "profile_n_init": int(profile_n_init),
        "profile_n_boot": int(profile_n_boot),
        "screen": bool(screen),
        "exclude_careless": bool(exclude_careless),
        "id_column": responses.id_column,
        "random_state": random_state,
        "estimator": estimator,
        "estimator_used": estimator_used,
        "estimator_reason": estimator_reason,
        "missing": missing,
        "structure": structure,
        "structures": list(structures),
        "comparison_estimator": comparison_estimator,
        "invariance_levels": levels,
        "n_iter": int(n_iter),
        "confidence_level": float(confidence_level),
        "retest_data": retest,
        "retest_id_column": responses.id_column,
    }

    steps = [
        ("screening", None),
        ("data quality", _steps.data_quality),
        ("structural validity", _steps.structural_validity),
        ("internal consistency", _steps.internal_consistency),
        ("measurement invariance", _steps.measurement_invariance),
        ("test-retest", _steps.retest_reliability),
        ("hypotheses", _steps.hypotheses_testing),
        ("criterion validity", _steps.criterion_validity),
        ("profiles", _steps.profile_analysis),
    ]
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(steps), desc="validate", unit="step")

    # ------------------------------------------------------------------ screening
    screening = None
    excluded = None
    notes: list[str] = []
    analysed = responses
    if bar is not None:
        bar.set_postfix_str("screening")
    if screen:
        from burnoutkit.screening import screen as run_screen

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            screening = run_screen(bank, responses, random_state=random_state)
        notes += [f"data_quality: {w.category.__name__}: {w.message}" for w in caught]
        if exclude_careless and screening.n_flagged:
            _, excluded = screening.exclude()
            keep = ~screening.flagged.to_numpy(dtype=bool)
            frame = pd.concat([responses.covariates, responses.items], axis=1).iloc[keep]
            analysed = check_responses(bank, frame, id_column=responses.items.index.name)
    if bar is not None:
        bar.update(1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scores = score(bank, analysed)
    notes += [f"scores: {w.category.__name__}: {w.message}" for w in caught]

    ctx = _steps.Context(bank=bank, thresholds=t, settings=settings, responses=responses,
                         analysed=analysed, scores=scores, screening=screening,
                         excluded=excluded, notes=notes)
    ctx.sections["scores"] = scores
    if screening is not None:
        ctx.sections["screening"] = screening
    for name, run in steps[1:]:
        if bar is not None:
            bar.set_postfix_str(name)
        run(ctx)
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()

    properties = _rate(ctx)
    items = _items(ctx)
    public_settings = {k: v for k, v in settings.items() if k not in ("retest_data",
                                                                       "retest_id_column")}
    public_settings["seeds"] = {
        "screening": random_state if screen else None,
        "parallel_analysis": random_state if n_iter else None,
        "profiles": random_state if profiles else None,
    }
    return ValidationReport(
        properties=properties,
        items=items,
        sections=ctx.sections,
        tables=ctx.tables,
        values=ctx.values,
        settings=public_settings,
        thresholds=t,
        versions=_versions(),
        bank_id=bank.id,
        bank_version=bank.instrument.version,
        bank_name=bank.instrument.name,
        notes=tuple(ctx.notes),
        timings=ctx.timings,
    )


def _versions() -> dict[str, str]:
    """Package versions; burnoutkit's from the imported package when it is not installed."""
    from burnoutkit._version import __version__

    found = versions()
    if found.get("burnoutkit") in (None, "not installed"):
        found["burnoutkit"] = __version__
    return found


# ============================================================================== ratings
def _status(ctx: _steps.Context, key: str) -> tuple[str, str]:
    values = ctx.values.get(key, {})
    return values.get("status", "not requested"), values.get("message", "")


def _rate(ctx: _steps.Context) -> pd.DataFrame:
    t = ctx.thresholds
    rows = []

    def add(key: str, rating: cosmin.Rating, status: str) -> None:
        rows.append(
            {
                "key": key,
                "property": cosmin.PROPERTIES[key],
                "rating": rating.rating,
                "finding": rating.finding,
                "evidence": rating.evidence,
                "criterion": rating.criterion,
                "status": status,
            }
        )

    def unavailable(key: str, criterion: str) -> bool:
        status, message = _status(ctx, key)
        if status == "computed":
            return False
        text = message if message.endswith(".") else message + "."
        add(key, cosmin.Rating("?", f"Not assessed: {text}", "", criterion), status)
        return True

    tables, values = ctx.tables, ctx.values
    # data quality
    key = "data_quality"
    if not unavailable(key, "data quality"):
        rating = cosmin.rate_data_quality(
            values[key], tables[key]["floor_ceiling"],
            ctx.item_evidence.get("missing_share", pd.Series(dtype=float)), t)
        add(key, rating, "computed")
    # structural validity
    key = "structural_validity"
    structural = "?"
    fit = values.get(key, {}).get("rated_fit")
    if fit is None:
        status, message = _status(ctx, key)
        reason = message or "the bank's CFA model could not be fitted."
        add(key, cosmin.not_assessed(reason, "CFA fit (Prinsen et al., 2018)"),
            status if status != "computed" else "failed")
    else:
        rating = cosmin.rate_structural_validity(fit, values[key], t)
        structural = rating.rating
        add(key, rating, "computed")
    # internal consistency
    key = "internal_consistency"
    if "scales" in tables.get(key, {}):
        scales = tables[key]["scales"]
        add(key, cosmin.rate_internal_consistency(scales[scales["kind"] == "scale"], structural,
                                                  t), "computed")
    elif not unavailable(key, "alpha per scale"):
        add(key, cosmin.not_assessed("reliability could not be computed.", "alpha"), "failed")
    # measurement invariance
    key = "measurement_invariance"
    if not unavailable(key, "multigroup CFA (Prinsen et al., 2018)"):
        if "comparisons" in tables[key]:
            add(key, cosmin.rate_measurement_invariance(
                tables[key]["comparisons"], tables[key].get("items", pd.DataFrame(
                    columns=["item", "parameter", "dmacs", "noninvariant"])), values[key], t),
                "computed")
        else:
            add(key, cosmin.not_assessed("the invariance models could not be fitted.",
                                         "multigroup CFA"), "failed")
    # reliability and measurement error
    for key, rate, table in (("reliability", cosmin.rate_reliability, "icc"),
                             ("measurement_error", cosmin.rate_measurement_error, "error")):
        if not unavailable(key, "ICC >= .70 / SDC < MIC (Prinsen et al., 2018)"):
            if table in tables[key]:
                add(key, rate(tables[key][table], t), "computed")
            else:
                add(key, cosmin.not_assessed("the retest analysis failed.", table), "failed")
    # hypotheses
    key = "hypotheses_testing"
    if not unavailable(key, ">= 75% of hypotheses confirmed"):
        add(key, cosmin.rate_hypotheses(tables[key]["hypotheses"], t), "computed")
    # criterion validity
    key = "criterion_validity"
    if not unavailable(key, "r or AUC >= .70 (Prinsen et al., 2018)"):
        table = tables[key].get("criterion")
        if table is not None and len(table):
            add(key, cosmin.rate_criterion_validity(table, t), "computed")
        else:
            add(key, cosmin.not_assessed("no usable outcome.", "r or AUC"), "failed")
    return pd.DataFrame(rows)


def _items(ctx: _steps.Context) -> pd.DataFrame:
    ev = ctx.item_evidence
    empty_stats = pd.DataFrame(columns=["r_drop", "floor", "ceiling"])
    return item_table(
        ctx.bank,
        loadings=ev.get("loadings", pd.Series(dtype=float)),
        cross=ev.get("cross", pd.DataFrame(columns=["item", "factor", "sepc_all"])),
        item_stats=ev.get("item_stats", empty_stats),
        missing_share=ev.get("missing_share", pd.Series(dtype=float)),
        invariance=ev.get("invariance", pd.DataFrame(columns=["item", "noninvariant", "dmacs"])),
        thresholds=ctx.thresholds,
    )
