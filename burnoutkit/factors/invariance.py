"""Measurement invariance across groups: nested multigroup CFAs, as lavaan's ``group.equal``.

:func:`invariance` fits the configural model and the models that add equal loadings (metric),
intercepts (scalar) and residual variances (strict), tests each against the previous one
(chi-square difference; Satorra-Bentler 2001 for MLR), reports the change in CFI, RMSEA and SRMR
with decisions by Chen's (2007) cut-offs, supports partial invariance (``free=``), and finds the
items behind a failed step with score tests of the released equality constraints
(:func:`invariance_sources`, as ``lavaan::lavTestScore``).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from burnoutkit._result import Result
from burnoutkit.errors import BurnoutkitError
from burnoutkit.factors._sem_data import prepare_data
from burnoutkit.factors.cfa import (
    CFAResult,
    _check_choice,
    _check_fiml,
    _model_text,
    fit_table,
)
from burnoutkit.factors.compare import compare_models
from burnoutkit.factors.syntax import parameter_table, parse_model, variable_roles

__all__ = [
    "LEVEL_CONSTRAINTS",
    "InvarianceCriteria",
    "InvarianceResult",
    "invariance",
    "invariance_sources",
]

#: What each invariance level adds to the previous ones (lavaan ``group.equal`` classes).
LEVEL_CONSTRAINTS: dict[str, tuple[str, ...]] = {
    "configural": (),
    "thresholds": ("thresholds",),
    "metric": ("loadings",),
    "scalar": ("intercepts",),
    "strict": ("residuals",),
    "means": ("means",),
    "lv_variances": ("lv.variances",),
    "lv_covariances": ("lv.covariances",),
}
_KIND = {"=~": "loading", "~1": "intercept", "~~": "residual", "~": "regression"}


@dataclass(frozen=True, slots=True, kw_only=True)
class InvarianceCriteria:
    """Cut-offs for the change in fit between nested invariance models (Chen, 2007).

    A step is flagged as non-invariant when the CFI drops by at least ``delta_cfi`` (a
    negative number) *and* the RMSEA rises by at least ``delta_rmsea`` *or* (with
    ``use_srmr=True``, Chen's rule) the SRMR rises by at least ``delta_srmr_loadings`` (metric
    step) or ``delta_srmr_other`` (scalar, strict and later steps). The defaults are Chen's
    for total N > 300 with equal group sizes; ``use_srmr=False`` keeps CFI and RMSEA only.
    """

    delta_cfi: float = -0.010
    delta_rmsea: float = 0.015
    delta_srmr_loadings: float = 0.030
    delta_srmr_other: float = 0.010
    use_srmr: bool = True


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class InvarianceResult(Result):
    """Fits, tests and decisions of a sequence of invariance models.

    Attributes
    ----------
    levels : tuple of str
        The levels fitted, least constrained first.
    models : dict of str to CFAResult
        The fit of every level.
    fit_table : pandas.DataFrame
        One row per level: ``level, npar, chisq, df, p_value, cfi, tli, rmsea, rmsea_ci_low,
        rmsea_ci_high, srmr, aic, bic`` (plus scaled and robust measures for MLR).
    comparisons : pandas.DataFrame
        One row per step: ``level, versus, chisq_diff, df_diff, p_value, delta_cfi,
        delta_rmsea, delta_srmr, cfi_flag, rmsea_flag, srmr_flag, decision`` (``decision`` is
        ``"invariant"`` or ``"not invariant"`` by the criteria). For MLR the deltas use the
        robust CFI and RMSEA.
    group : str
    group_labels : tuple of str
    estimator : str
    free : tuple of str
        Parameters exempted from the equality constraints (partial invariance).
    criteria : InvarianceCriteria
    """

    levels: tuple[str, ...]
    models: dict[str, CFAResult] = field(repr=False)
    fit_table: pd.DataFrame
    comparisons: pd.DataFrame
    group: str
    group_labels: tuple[str, ...]
    estimator: str
    free: tuple[str, ...]
    criteria: InvarianceCriteria

    def tidy(self) -> pd.DataFrame:
        """One row per level: its fit measures and the test against the previous level."""
        return self.fit_table.merge(self.comparisons, on="level", how="left")

    def glance(self) -> pd.DataFrame:
        """One row: groups, N, estimator and the most constrained level judged invariant."""
        supported = self.levels[0]
        for _, row in self.comparisons.iterrows():
            if row["decision"] != "invariant":
                break
            supported = row["level"]
        first = self.models[self.levels[0]]
        return pd.DataFrame(
            [
                {
                    "n": first.n_obs,
                    "n_groups": first.n_groups,
                    "estimator": self.estimator,
                    "levels": len(self.levels),
                    "highest_invariant_level": supported,
                }
            ]
        )

    def sources(self, level: str | None = None, *, top: int | None = None) -> pd.DataFrame:
        """Items behind a failed step: see :func:`invariance_sources`."""
        return invariance_sources(self, level=level, top=top)


def _expand_free(free: Sequence[str] | None, statements, groups_free_ok: bool = True) -> list[str]:
    if not free:
        return []
    roles = variable_roles(statements)
    specs: list[str] = []
    items = set(roles.ov)
    for entry in free:
        if not isinstance(entry, str):
            raise BurnoutkitError(f"Entries of 'free' must be str; got {entry!r}.")
        text = entry.strip()
        if any(op in text for op in ("=~", "~~", "~", "|")):
            specs.append(text)
            continue
        if text not in items:
            close = difflib.get_close_matches(text, sorted(items), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise BurnoutkitError(
                f"{text!r} in 'free' is not an item of the model.{hint} Give an item name (frees "
                "its loadings, intercept and residual variance) or a parameter such as "
                "'f =~ item' or 'item ~ 1'."
            )
        for s in statements:
            if s.op == "=~" and s.rhs == text:
                specs.append(f"{s.lhs} =~ {text}")
        specs += [f"{text} ~ 1", f"{text} ~~ {text}"]
    return specs


def invariance(
    data: pd.DataFrame,
    /,
    *,
    model: str | None = None,
    bank: Any = None,
    structure: str = "correlated",
    group: str,
    levels: Sequence[str] | None = None,
    free: Sequence[str] | None = None,
    estimator: str = "ML",
    std_lv: bool | None = None,
    criteria: InvarianceCriteria | None = None,
    missing: str = "listwise",
    parameterization: str = "delta",
) -> InvarianceResult:
    r"""Test measurement invariance across groups with nested multigroup CFAs.

    Parameters
    ----------
    data : pandas.DataFrame
        Item responses with a group column.
    model : str, optional
        Measurement model in lavaan syntax; default the bank's (``bank.to_lavaan(structure)``).
    bank : ItemBank, optional
        Item bank that emits the model when ``model`` is not given.
    structure : {"correlated", "higher_order", "bifactor"}, default "correlated"
        Which of the bank's models to test.
    group : str
        The grouping column (groups ordered by first appearance, or category order).
    levels : sequence of str, optional
        Levels in order, starting with ``"configural"``; each adds its constraints to the
        previous ones: ``"thresholds"`` (ordinal items) thresholds, ``"metric"`` loadings,
        ``"scalar"`` intercepts, ``"strict"`` residual variances, ``"means"`` factor means,
        ``"lv_variances"``, ``"lv_covariances"``. Default ``("configural", "metric",
        "scalar", "strict")``, and for ordinal estimators Wu & Estabrook's (2016) sequence
        ``("configural", "thresholds", "metric", "scalar")``.
    free : sequence of str, optional
        Partial invariance: items (their loadings, intercept and residual variance stay free
        across groups) or parameters in lavaan's ``group.partial`` form (``"visual =~ x2"``,
        ``"x3 ~ 1"``).
    estimator : {"ML", "MLR", "WLSMV", "ULSMV"}, default "ML"
        ``"MLR"`` uses robust standard errors, scaled difference tests (Satorra-Bentler 2001)
        and the robust CFI and RMSEA for the changes in fit. ``"WLSMV"`` / ``"ULSMV"`` treat
        the items as ordinal (see :func:`burnoutkit.cfa`): the models are identified as Wu &
        Estabrook (2016) propose (an item's intercept is freed in the other groups once one of
        its thresholds is held equal, its scale once two are; factor means once the
        intercepts are equal), the difference tests are Satorra's (2000) scaled-shifted ones
        (lavaan's ``lavTestLRT``) and the changes in fit use the scaled CFI and RMSEA.
    std_lv : bool, optional
        Identify factors by their variances (freed in the other groups once loadings are
        equal, as lavaan does). Default False, and True for ordinal estimators, whose
        Wu & Estabrook identification needs it (``ID.fac = "std.lv"``).
    criteria : InvarianceCriteria, optional
        Cut-offs for the change in fit; default Chen (2007).
    missing : {"listwise", "fiml", "pairwise"}, default "listwise"
        ``"listwise"``: rows with a missing value in a model variable are dropped and counted.
        ``"fiml"``: full-information ML (lavaan's ``missing = "ml"``) in every model; only rows
        with every model variable missing are dropped. Needs ``estimator="ML"``;
        :func:`invariance_sources` (score tests) is not available with it yet.
        ``"pairwise"``: ordinal estimators only, as :func:`burnoutkit.cfa`.
    parameterization : {"delta", "theta"}, default "delta"
        Ordinal estimators: which latent-response parameters are fixed (see
        :func:`burnoutkit.cfa`). ``"strict"`` (equal residual variances) needs ``"theta"``.

    Returns
    -------
    InvarianceResult

    Notes
    -----
    The levels are lavaan's ``cfa(..., group = , group.equal = )`` models: with equal
    intercepts the factor means are freed in all groups but the first. The difference test of
    level :math:`k` against :math:`k-1` is :math:`T_k - T_{k-1}` on :math:`df_k - df_{k-1}`
    degrees of freedom (Satorra-Bentler 2001 scaled for MLR). Chen's (2007) criteria flag
    non-invariance when :math:`\Delta CFI \le -.010` together with
    :math:`\Delta RMSEA \ge .015` or :math:`\Delta SRMR \ge .030` (loadings; :math:`.010`
    for intercepts and residuals).

    References
    ----------
    Chen, F. F. (2007). Sensitivity of goodness of fit indexes to lack of measurement
    invariance. *Structural Equation Modeling, 14*(3), 464-504.

    Meredith, W. (1993). Measurement invariance, factor analysis and factorial invariance.
    *Psychometrika, 58*(4), 525-543.

    Wu, H., & Estabrook, R. (2016). Identification of confirmatory factor analysis models of
    different levels of invariance for ordered categorical outcomes. *Psychometrika, 81*(4),
    1014-1045.

    Satorra, A. (2000). Scaled and adjusted restricted tests in multi-sample analysis of
    moment structures. In R. D. H. Heijmans, D. S. G. Pollock, & A. Satorra (Eds.),
    *Innovations in multivariate statistical analysis* (pp. 233-247). Kluwer.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> from burnoutkit.datasets import load_holzinger_swineford
    >>> hs = load_holzinger_swineford()
    >>> m = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
    >>> # lavaan::cfa(m, data = hs, group = "school", group.equal = c("loadings", "intercepts"))
    >>> res = bk.invariance(hs, model=m, group="school", levels=["configural", "metric", "scalar"])
    >>> res.fit_table[["level", "chisq", "df"]].round(3)
            level    chisq  df
    0  configural  115.851  48
    1      metric  124.044  54
    2      scalar  164.103  60
    >>> res.comparisons["decision"].tolist()
    ['invariant', 'not invariant']

    Ordinal items by WLSMV (Wu & Estabrook's sequence; R: the models of
    ``semTools::measEq.syntax(..., ID.fac = "std.lv", ID.cat = "Wu.Estabrook.2016")`` and
    ``lavaan::lavTestLRT``):

    >>> from burnoutkit.datasets import load_bfi
    >>> ac = load_bfi()[[f"{t}{i}" for t in "AC" for i in range(1, 6)] + ["gender"]].dropna()
    >>> ac_model = "A =~ A1 + A2 + A3 + A4 + A5; C =~ C1 + C2 + C3 + C4 + C5"
    >>> res = bk.invariance(ac, model=ac_model, group="gender", estimator="WLSMV")
    >>> res.comparisons[["level", "chisq_diff", "df_diff"]].round(3)
            level  chisq_diff  df_diff
    0  thresholds      34.371       30
    1      metric      21.014        8
    2      scalar      44.369        8
    """
    fn = "invariance"
    _check_choice(fn, "estimator", estimator, ("ML", "MLR", "WLSMV", "ULSMV"))
    _check_choice(fn, "missing", missing, ("listwise", "fiml", "pairwise"))
    _check_choice(fn, "parameterization", parameterization, ("delta", "theta"))
    ordinal = estimator in ("WLSMV", "ULSMV")
    if std_lv is None:
        std_lv = ordinal
    elif ordinal and not std_lv:
        raise BurnoutkitError(
            f"{fn}: with ordinal items the factors are identified by their variances "
            "(std_lv=True; Wu & Estabrook 2016): a marker loading leaves the factor means "
            "unidentified once the intercepts are fixed for the item scales. Leave std_lv out "
            "or pass std_lv=True."
        )
    if levels is None:
        levels = (("configural", "thresholds", "metric", "scalar") if ordinal
                  else ("configural", "metric", "scalar", "strict"))
    levels = list(levels)
    if not levels or levels[0] != "configural":
        raise BurnoutkitError(
            f"The 'levels' of {fn} must start with 'configural'; got {levels!r}."
        )
    for lev in levels:
        _check_choice(fn, "levels", lev, tuple(LEVEL_CONSTRAINTS))
    if len(set(levels)) != len(levels):
        raise BurnoutkitError(f"The 'levels' of {fn} repeat a level: {levels!r}.")
    if "thresholds" in levels and not ordinal:
        raise BurnoutkitError(
            f"The level 'thresholds' of {fn} needs ordinal items: pass estimator='WLSMV' (or "
            "'ULSMV')."
        )
    if ordinal and "strict" in levels and parameterization == "delta":
        raise BurnoutkitError(
            f"{fn}: residual variances of ordinal items are not parameters with "
            "parameterization='delta'; test strict invariance with parameterization='theta' "
            "(as semTools::measEq.syntax requires)."
        )
    if ordinal and missing == "fiml":
        raise BurnoutkitError(
            f"{fn}: estimator={estimator!r} supports missing='listwise' or 'pairwise'."
        )
    if not ordinal and missing == "pairwise":
        raise BurnoutkitError(
            f"{fn}: missing='pairwise' belongs to the ordinal estimators (WLSMV, ULSMV); with ML "
            "use missing='fiml' to keep incomplete rows."
        )
    if not isinstance(data, pd.DataFrame):
        raise BurnoutkitError(f"The data of {fn} must be a pandas DataFrame; got {type(data)}.")
    criteria = criteria or InvarianceCriteria()
    text = _model_text(model, bank, structure, fn)
    statements = parse_model(text)
    roles = variable_roles(statements)
    if missing == "fiml":
        _check_fiml(fn, data=data, estimator=estimator, meanstructure=True, roles=roles)
    partial = _expand_free(free, statements)
    models: dict[str, CFAResult] = {}
    equal: list[str] = []
    if ordinal:
        models, group_labels, partial = _ordinal_levels(
            data, statements=statements, text=text, group=group, levels=levels,
            estimator=estimator, std_lv=std_lv, partial=partial, free=free,
            parameterization=parameterization, fn=fn, missing=missing,
        )
    else:
        prepared = prepare_data(
            data, variables=list(roles.ov), group=group, missing=missing, need_means=True,
            fn=fn,
        )
        _check_groups(group, len(prepared.groups))
        group_labels = prepared.group_labels
        for lev in levels:
            equal += list(LEVEL_CONSTRAINTS[lev])
            pt = parameter_table(
                statements,
                ngroups=len(prepared.groups),
                meanstructure=True,
                std_lv=std_lv,
                group_equal=equal,
                group_partial=partial,
            )
            models[lev] = fit_table(pt, prepared, model_text=text, estimator=estimator)
    fit_cols = ["npar", "chisq", "df", "p_value", "cfi", "tli", "rmsea", "rmsea_ci_low",
                "rmsea_ci_high", "srmr", "aic", "bic"]
    if estimator == "MLR":
        fit_cols += ["chisq_scaled", "scaling_factor", "cfi_robust", "tli_robust",
                     "rmsea_robust"]
    if ordinal:
        fit_cols = ["npar", "chisq", "df", "p_value", "chisq_scaled", "p_value_scaled",
                    "scaling_factor", "shift_parameter", "cfi_scaled", "tli_scaled",
                    "rmsea_scaled", "rmsea_ci_low_scaled", "rmsea_ci_high_scaled", "srmr",
                    "cfi_robust", "tli_robust", "rmsea_robust"]
    fit_table_ = pd.DataFrame(
        [{"level": lev, **{c: models[lev].fit_measures[c] for c in fit_cols}} for lev in levels]
    )
    fit_table_["npar"] = fit_table_["npar"].astype(int)
    fit_table_["df"] = fit_table_["df"].astype(int)
    rows = []
    cfi_key = {"MLR": "cfi_robust", "WLSMV": "cfi_scaled", "ULSMV": "cfi_scaled"}.get(
        estimator, "cfi")
    rmsea_key = {"MLR": "rmsea_robust", "WLSMV": "rmsea_scaled", "ULSMV": "rmsea_scaled"}.get(
        estimator, "rmsea")
    for k in range(1, len(levels)):
        lo, hi = models[levels[k - 1]], models[levels[k]]
        cmp_ = compare_models(lo, hi).table.iloc[-1]
        d_cfi = float(hi.fit_measures[cfi_key] - lo.fit_measures[cfi_key])
        d_rmsea = float(hi.fit_measures[rmsea_key] - lo.fit_measures[rmsea_key])
        d_srmr = float(hi.fit_measures["srmr"] - lo.fit_measures["srmr"])
        srmr_cut = (
            criteria.delta_srmr_loadings if levels[k] == "metric" else criteria.delta_srmr_other
        )
        cfi_flag = d_cfi <= criteria.delta_cfi
        rmsea_flag = d_rmsea >= criteria.delta_rmsea
        srmr_flag = d_srmr >= srmr_cut
        bad = cfi_flag and (rmsea_flag or (criteria.use_srmr and srmr_flag))
        rows.append(
            {
                "level": levels[k],
                "versus": levels[k - 1],
                "chisq_diff": float(cmp_["chisq_diff"]),
                "df_diff": int(cmp_["df_diff"]),
                "p_value_diff": float(cmp_["p_value"]),
                "delta_cfi": d_cfi,
                "delta_rmsea": d_rmsea,
                "delta_srmr": d_srmr,
                "cfi_flag": bool(cfi_flag),
                "rmsea_flag": bool(rmsea_flag),
                "srmr_flag": bool(srmr_flag),
                "decision": "not invariant" if bad else "invariant",
            }
        )
    comparisons = pd.DataFrame(
        rows,
        columns=["level", "versus", "chisq_diff", "df_diff", "p_value_diff", "delta_cfi",
                 "delta_rmsea", "delta_srmr", "cfi_flag", "rmsea_flag", "srmr_flag", "decision"],
    )
    return InvarianceResult(
        levels=tuple(levels),
        models=models,
        fit_table=fit_table_,
        comparisons=comparisons,
        group=group,
        group_labels=group_labels,
        estimator=estimator,
        free=tuple(partial),
        criteria=criteria,
    )


def _check_groups(group: str, n: int) -> None:
    if n < 2:
        raise BurnoutkitError(
            f"The group column {group!r} has only {n} group(s) with data; invariance needs at "
            "least two."
        )


def _ordinal_levels(
    data: pd.DataFrame,
    *,
    statements,
    text: str,
    group: str,
    levels: list[str],
    estimator: str,
    std_lv: bool,
    partial: list[str],
    free: Sequence[str] | None,
    parameterization: str,
    fn: str,
    missing: str = "listwise",
) -> tuple[dict[str, CFAResult], tuple[str, ...], list[str]]:
    """Fit the levels with ordinal items (Wu & Estabrook identification)."""
    from burnoutkit._compat import blas_single_thread
    from burnoutkit.factors._ordinal_cfa import fit_ordinal_table
    from burnoutkit.factors._ordinal_fit import prepare_ordinal

    roles = variable_roles(statements)
    models: dict[str, CFAResult] = {}
    with blas_single_thread():
        od = prepare_ordinal(data, variables=list(roles.ov), group=group, fn=fn,
                             missing=missing)
        _check_groups(group, len(od.stats))
        # an item in 'free' also frees its thresholds
        items = {e.strip() for e in (free or []) if isinstance(e, str)} & set(roles.ov)
        n_cat = dict(zip(od.variables, od.stats[0].n_cat, strict=True))
        partial = list(partial) + [f"{v} | t{k + 1}" for v in sorted(items)
                                   for k in range(int(n_cat[v]) - 1)]
        equal: list[str] = []
        for lev in levels:
            equal += list(LEVEL_CONSTRAINTS[lev])
            models[lev] = fit_ordinal_table(
                statements, od, model_text=text, estimator=estimator, std_lv=std_lv,
                group_equal=equal, group_partial=partial, parameterization=parameterization,
                identification="wu_estabrook",
            )
    return models, od.group_labels, partial


def invariance_sources(
    result: InvarianceResult | CFAResult,
    /,
    *,
    level: str | None = None,
    top: int | None = None,
) -> pd.DataFrame:
    """Which items break invariance: univariate score tests of each equality constraint.

    Each equality constraint of a level (one per item parameter and non-reference group) is
    released alone; the score test says how much the chi-square would drop (df 1), as
    ``lavaan::lavTestScore(fit)$uni``.

    Parameters
    ----------
    result : InvarianceResult or CFAResult
        Output of :func:`invariance`, or a multigroup :func:`cfa` fit with equality constraints
        (for example a partial-invariance model with ``group_partial``), whose remaining
        constraints are tested.
    level : str, optional
        For an InvarianceResult: the level whose constraints are tested; default the first
        level judged not invariant (or the last level when all are invariant).
    top : int, optional
        Keep the ``top`` largest tests.

    Returns
    -------
    pandas.DataFrame
        ``item, factor, parameter ("loading", "intercept", "residual", ...), group, x2, df,
        p_value, p_holm`` sorted by ``x2``; ``p_holm`` is Holm-adjusted over the constraints
        of the level, and ``constraint`` names the constraint in lavaan's labels.

    References
    ----------
    Sörbom, D. (1989). Model modification. *Psychometrika, 54*(3), 371-384.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> from burnoutkit.datasets import load_holzinger_swineford
    >>> hs = load_holzinger_swineford()
    >>> m = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
    >>> res = bk.invariance(hs, model=m, group="school", levels=["configural", "metric", "scalar"])
    >>> # lavaan::lavTestScore(fit_scalar)$uni
    >>> bk.invariance_sources(res, level="scalar").head(2)[["item", "parameter", "x2"]].round(2)
      item  parameter     x2
    0   x3  intercept  19.19
    1   x7  intercept  15.02
    """
    if isinstance(result, CFAResult):
        if level is not None:
            raise BurnoutkitError(
                "level= applies to an InvarianceResult; a CFA fit's own constraints are tested."
            )
        out = _constraint_tests(result)
        return out.head(top) if top is not None else out
    if not isinstance(result, InvarianceResult):
        raise BurnoutkitError(
            f"invariance_sources takes an InvarianceResult (from bk.invariance) or a multigroup "
            f"CFAResult with equality constraints; got {type(result).__name__}."
        )
    if level is None:
        bad = result.comparisons[result.comparisons["decision"] != "invariant"]
        level = str(bad["level"].iloc[0]) if len(bad) else result.levels[-1]
    if level not in result.models:
        raise BurnoutkitError(
            f"Level {level!r} was not fitted; the levels are {list(result.levels)}."
        )
    if level == "configural":
        raise BurnoutkitError(
            "The configural model has no equality constraints to release; choose a later level."
        )
    out = _constraint_tests(result.models[level])
    return out.head(top) if top is not None else out


def _constraint_tests(fit: CFAResult) -> pd.DataFrame:
    """Univariate score tests of ``fit``'s equality constraints, sorted, Holm-adjusted."""
    if fit.n_groups < 2:
        raise BurnoutkitError(
            "invariance_sources needs a multigroup fit (cfa(..., group=...)) with equality "
            "constraints (group_equal=...)."
        )
    _, uni = fit.score_tests()
    labels = fit.group_labels
    out = pd.DataFrame(
        {
            "item": [r if o == "=~" else lh for lh, o, r in zip(uni["lhs"], uni["op"],
                                                                 uni["rhs"], strict=True)],
            "factor": [lh if o == "=~" else "" for lh, o in zip(uni["lhs"], uni["op"],
                                                                strict=True)],
            "parameter": [_kind(lh, o, r, fit) for lh, o, r in zip(uni["lhs"], uni["op"],
                                                                     uni["rhs"], strict=True)],
            "group": [labels[g - 1] for g in uni["group"]],
            "x2": uni["x2"],
            "df": uni["df"],
            "p_value": uni["p_value"],
            "constraint": uni["constraint"],
        }
    )
    out["p_holm"] = _holm(out["p_value"].to_numpy())
    return out.sort_values("x2", ascending=False, kind="stable").reset_index(drop=True)


def _kind(lhs: str, op: str, rhs: str, fit: CFAResult) -> str:
    lv = set(fit.loadings["factor"]) if len(fit.loadings) else set()
    if op == "~1":
        return "mean" if lhs in lv else "intercept"
    if op == "~~":
        if lhs in lv:
            return "factor variance" if lhs == rhs else "factor covariance"
        return "residual" if lhs == rhs else "residual covariance"
    return _KIND.get(op, op)


def _holm(p: np.ndarray) -> np.ndarray:
    m = len(p)
    order = np.argsort(p)
    adj = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        val = min(1.0, (m - rank) * p[i]) if np.isfinite(p[i]) else math.nan
        running = max(running, val) if np.isfinite(val) else running
        adj[i] = running if np.isfinite(val) else math.nan
    return adj
