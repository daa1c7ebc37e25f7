"""The analyses behind :func:`burnoutkit.validate`, one function per report section.

Every step reads the shared :class:`Context` (the checked responses, scores and settings),
calls the public analysis functions, and stores three things: the result objects
(``ctx.sections``), the tables and headline values the report shows (``ctx.tables[key]``,
``ctx.values[key]``). Nothing here computes a statistic that a public function does not
return, except the few closed forms that combine them (the smallest detectable change, the
correlation of two scores with its Fisher-z interval, an AUC, dMACS); those are documented in
``docs/methods/validation.md`` and recomputed independently by the tests.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from burnoutkit.asymmetry import asymmetry
from burnoutkit.banks.model import ItemBank
from burnoutkit.errors import BurnoutkitError, DataError
from burnoutkit.factors import (
    InvarianceCriteria,
    cfa,
    efa,
    invariance,
    invariance_sources,
    parallel_analysis,
)
from burnoutkit.reliability import alpha, reliability, sem, test_retest
from burnoutkit.report.thresholds import ValidationThresholds
from burnoutkit.responses import Responses, check_responses
from burnoutkit.scoring import ScoreResult, score

__all__ = ["SECTION_KEYS", "Context"]

#: Report sections in order (the measurement properties, then the profile analysis).
SECTION_KEYS = (
    "data_quality",
    "structural_validity",
    "internal_consistency",
    "measurement_invariance",
    "reliability",
    "measurement_error",
    "hypotheses_testing",
    "criterion_validity",
    "profiles",
)

#: Invariance levels whose equality constraints the item tests release, and their classes.
_LEVEL_CLASS = {
    "thresholds": "thresholds",
    "metric": "loadings",
    "scalar": "intercepts",
    "strict": "residuals",
}
#: Estimators of continuous items (modification indices and dMACS need them).
_CONTINUOUS = ("ML", "MLR")

_FIT_COLUMNS = [
    "npar", "chisq", "df", "p_value", "cfi", "tli", "rmsea", "rmsea_ci_low", "rmsea_ci_high",
    "srmr", "aic", "bic",
]  # fmt: skip
_ROBUST_COLUMNS = [
    "chisq_scaled", "p_value_scaled", "scaling_factor", "cfi_robust", "tli_robust",
    "rmsea_robust",
]  # fmt: skip
_RELIABILITY_COLUMNS = [
    "kind", "id", "name", "n", "k", "alpha", "alpha_ci_low", "alpha_ci_high", "omega_total",
    "omega_cfa", "omega_h", "composite_reliability", "average_r", "sd", "sem",
]  # fmt: skip


@dataclass
class Context:
    """Everything the steps share: inputs, settings, and what they produce."""

    bank: ItemBank
    thresholds: ValidationThresholds
    settings: dict[str, Any]
    responses: Responses
    analysed: Responses
    scores: ScoreResult
    screening: Any = None
    excluded: pd.DataFrame | None = None
    sections: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, dict[str, pd.DataFrame]] = field(default_factory=dict)
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    item_evidence: dict[str, Any] = field(default_factory=dict)

    # ---------------------------------------------------------------- bookkeeping
    def start(self, key: str) -> None:
        """Open section ``key`` (status ``computed`` until a step says otherwise)."""
        self.tables.setdefault(key, {})
        self.values.setdefault(key, {"status": "computed", "message": ""})

    def skip(self, key: str, message: str, status: str = "not requested") -> None:
        """Mark section ``key`` as not computed, with the reason."""
        self.start(key)
        self.values[key].update(status=status, message=message)

    @contextmanager
    def step(self, key: str, name: str, *, required: bool = True) -> Iterator[None]:
        """Run one analysis: record its warnings as notes, its time, and any failure.

        A failure of a ``required`` analysis marks the section ``failed`` (its property is
        rated ``?``); a failure of an auxiliary one is only noted.
        """
        self.start(key)
        t0 = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                yield
            except (BurnoutkitError, np.linalg.LinAlgError) as exc:
                message = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
                if required and self.values[key]["status"] != "failed":
                    self.values[key].update(status="failed", message=f"{name} failed: {message}")
                self.notes.append(f"{key}: {name} failed: {message}")
        for warning in caught:
            text = f"{key}: {warning.category.__name__}: {str(warning.message).strip()}"
            if text not in self.notes:
                self.notes.append(text)
        self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - t0

    @property
    def items(self) -> pd.DataFrame:
        """The analysed item responses (respondent ids as index)."""
        return self.analysed.items

    @property
    def frame(self) -> pd.DataFrame:
        """Analysed items with the covariates (respondent ids as index)."""
        return pd.concat([self.analysed.covariates, self.analysed.items], axis=1)


# =============================================================================== helpers
def score_bounds(bank: ItemBank) -> tuple[dict[str, float], dict[str, float]]:
    """Lowest and highest possible score of every scale of ``bank``."""
    rf = bank.response_format
    low, high = float(rf.min), float(rf.max)
    if bank.scoring.transform_range is not None:
        low, high = bank.scoring.transform_range
    lows, highs = {}, {}
    for scale in bank.scale_ids:
        k = len(bank.items_of(scale)) if bank.scoring.method == "sum" else 1
        lows[scale], highs[scale] = low * k, high * k
    return lows, highs


def correlation_ci(r: float, n: int, confidence_level: float) -> tuple[float, float]:
    """Fisher-z interval of a Pearson correlation."""
    if n <= 3 or not abs(r) < 1:
        return float("nan"), float("nan")
    z = float(stats.norm.ppf(0.5 + confidence_level / 2))
    center, half = math.atanh(r), z / math.sqrt(n - 3)
    return math.tanh(center - half), math.tanh(center + half)


def auc(score_values: np.ndarray, outcome: np.ndarray) -> float:
    """Area under the ROC curve of ``score_values`` for a 0/1 ``outcome`` (ties count 1/2)."""
    pos, neg = score_values[outcome == 1], score_values[outcome == 0]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    ranks = stats.rankdata(np.concatenate([pos, neg]))
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def keyed_loadings(fit: Any, bank: ItemBank) -> pd.Series:
    """Standardized loading of each item on its own scale factor, pointing with the scale.

    The bank's models enter items unrecoded, so a reverse-keyed item loads negatively; the
    loading is multiplied by the item's key and each factor is oriented so that the sum of its
    keyed loadings is positive (a factor of reverse-keyed items only points the other way).
    """
    table = fit.loadings
    if "group" in table.columns:
        table = table[table["group"] == table["group"].min()]
    scale_of = {item.id: item.scale for item in bank.items}
    own = table[[scale_of.get(item) == factor for item, factor in
                 zip(table["item"], table["factor"], strict=True)]]
    keyed = own.set_index("item")["std_all"] * bank.keys.reindex(own["item"]).to_numpy()
    factor = own.set_index("item")["factor"]
    orientation = np.sign(keyed.groupby(factor).sum()).replace(0, 1)
    return (keyed * factor.map(orientation)).reindex(bank.item_ids)


def dmacs_table(fit: Any, data: pd.DataFrame, group: str, flagged: pd.DataFrame,
                bank: ItemBank) -> pd.DataFrame:
    r"""Return the dMACS (Nye & Drasgow, 2011) of each flagged item (partially invariant fit).

    For item :math:`j` with intercepts :math:`\tau` and loadings :math:`\lambda` in the
    reference group (the first) and a focal group with factor mean :math:`\mu_F` and variance
    :math:`\sigma_F^2`, the difference of the expected item scores is
    :math:`D(\eta) = \Delta\tau + \Delta\lambda\,\eta`, so with a normal focal factor

    .. math:: d_{MACS} = \sqrt{(\Delta\tau + \Delta\lambda\mu_F)^2
              + \Delta\lambda^2\sigma_F^2} \,/\, SD_p,

    with :math:`SD_p` the pooled within-group SD of the item (answers observed, divisor
    :math:`n_g - 1`).
    """
    params = fit.parameters
    labels = list(fit.group_labels)
    scale_of = {item.id: item.scale for item in bank.items}
    rows = []
    for item in flagged["item"].drop_duplicates():
        factor = scale_of[item]

        def value(op: str, lhs: str, rhs: str, g: int, _p: pd.DataFrame = params) -> float:
            hit = _p[(_p["op"] == op) & (_p["lhs"] == lhs) & (_p["rhs"] == rhs)
                     & (_p["group"] == g)]
            return float(hit["estimate"].iloc[0]) if len(hit) else float("nan")

        answered = data[[item, group]].dropna()
        by_group = answered.groupby(group, observed=True)[item]
        n_g, var_g = by_group.count(), by_group.var(ddof=1)
        pooled = math.sqrt(float(((n_g - 1) * var_g).sum() / (n_g - 1).sum()))
        lam_r, tau_r = value("=~", factor, item, 1), value("~1", item, "", 1)
        for g in range(2, len(labels) + 1):
            lam_f, tau_f = value("=~", factor, item, g), value("~1", item, "", g)
            mu_f, var_f = value("~1", factor, "", g), value("~~", factor, factor, g)
            d_tau, d_lam = tau_r - tau_f, lam_r - lam_f
            rows.append(
                {
                    "item": item,
                    "factor": factor,
                    "group": labels[g - 1],
                    "reference": labels[0],
                    "delta_intercept": d_tau,
                    "delta_loading": d_lam,
                    "factor_mean": mu_f,
                    "factor_variance": var_f,
                    "sd_pooled": pooled,
                    "dmacs": math.sqrt((d_tau + d_lam * mu_f) ** 2 + d_lam**2 * var_f) / pooled,
                }
            )
    return pd.DataFrame(rows, columns=["item", "factor", "group", "reference", "delta_intercept",
                                       "delta_loading", "factor_mean", "factor_variance",
                                       "sd_pooled", "dmacs"])


def continuous_missing(settings: dict[str, Any]) -> str:
    """Missing-data handling of the ML-family fits beside an ordinal model.

    Pairwise deletion belongs to the ordinal estimators; the ML and MLR fits that screen items
    (modification indices, score tests, dMACS) and compare structures use listwise deletion
    then (or FIML when it was asked for).
    """
    return "listwise" if settings["missing"] == "pairwise" else settings["missing"]


def release_constraints(
    fit: Any, data: pd.DataFrame, ctx: Context, *, group: str, equal: list[str], estimator: str
) -> tuple[Any, pd.DataFrame, pd.DataFrame]:
    """Partial invariance by sequential release (Byrne, Shavelson & Muthen, 1989).

    Starting from ``fit`` (the most constrained of the metric and scalar models), the loading or
    intercept constraint with the largest univariate score test is released if its Holm-adjusted
    p is below ``thresholds.dif_p``, the model is refitted and the remaining constraints are
    tested again, until no significant constraint is left. A release that would leave a factor
    with fewer than two items whose loading (the marker's counts: it is fixed) or intercept is
    still equal across groups is not made; such a constraint is reported as blocked, its item
    flagged as non-invariant without a dMACS.

    Returns the final fit, the released constraints in order (score-test rows with the
    ``release`` spec and the ``step``) and the blocked ones.
    """
    t = ctx.thresholds
    s = ctx.settings
    scale_of = {item.id: item.scale for item in ctx.bank.items}
    freed: dict[str, set[str]] = {"loading": set(), "intercept": set()}
    released: list[pd.Series] = []
    blocked = pd.DataFrame()
    for step in range(1, 2 * len(scale_of) + 1):
        tests = invariance_sources(fit)
        candidates = tests[tests["parameter"].isin(["loading", "intercept"])
                           & (tests["p_holm"] < t.dif_p)]
        chosen = None
        stuck = []
        for index, row in candidates.iterrows():
            kind, item = row["parameter"], row["item"]
            still_equal = [i for i in ctx.bank.items_of(scale_of[item])
                           if i != item and i not in freed[kind]]
            if len(still_equal) < 2:
                stuck.append(index)
                continue
            chosen = row
            break
        if chosen is None:
            blocked = candidates.loc[stuck].drop_duplicates("item")
            break
        kind, item = chosen["parameter"], chosen["item"]
        spec = f"{scale_of[item]} =~ {item}" if kind == "loading" else f"{item} ~ 1"
        freed[kind].add(item)
        released.append(pd.concat([chosen, pd.Series({"release": spec, "step": step})]))
        specs = [r["release"] for r in released]
        fit = cfa(data, bank=ctx.bank, structure=s["structure"], group=group,
                  estimator=estimator, missing=continuous_missing(s), group_equal=equal,
                  group_partial=specs)
    columns = ["item", "factor", "parameter", "group", "x2", "df", "p_value", "constraint",
               "p_holm", "release", "step"]
    released_table = (pd.DataFrame(released).reset_index(drop=True) if released
                      else pd.DataFrame(columns=columns))
    return fit, released_table, blocked.reset_index(drop=True)


def _fit_row(fit: Any, structure: str) -> dict[str, Any]:
    measures = fit.fit_measures
    row: dict[str, Any] = {"structure": structure, "estimator": fit.estimator,
                           "n_obs": int(fit.n_obs)}
    names = _FIT_COLUMNS + ([] if fit.estimator == "ML" else _ROBUST_COLUMNS)
    for name in names:
        row[name] = float(measures[name]) if name in measures.index else float("nan")
    return row


def rated_fit(row: dict[str, Any]) -> dict[str, Any]:
    """Return the four indices COSMIN rates: the robust CFI, TLI and RMSEA, and the SRMR.

    With ML the plain indices; with a robust estimator (MLR, WLSMV) their robust versions
    (Brosseau-Liard & Savalei, 2014; Savalei, 2021), as lavaan reports them.
    """

    def pick(name: str) -> float:
        robust = row.get(f"{name}_robust", float("nan"))
        return float(robust) if robust == robust else float(row[name])

    return {
        "structure": row["structure"],
        "estimator": row["estimator"],
        "n_obs": row["n_obs"],
        "cfi": pick("cfi"),
        "tli": pick("tli"),
        "rmsea": pick("rmsea"),
        "srmr": row["srmr"],
    }


# ================================================================================ steps
def data_quality(ctx: Context) -> None:
    """Screening summary, missingness and floor/ceiling of the scale scores."""
    key = "data_quality"
    with ctx.step(key, "data quality"):
        items = ctx.items
        n_resp = ctx.responses.n_respondents
        answered = items.notna()
        values = ctx.values[key]
        values.update(
            n_respondents=int(n_resp),
            n_analysed=len(items),
            n_excluded=int(n_resp - len(items)),
            excluded=bool(ctx.settings["exclude_careless"]),
            missing_share=float(1 - answered.to_numpy().mean()),
            max_item_missing=float(1 - answered.mean().min()),
            n_complete=int(answered.all(axis=1).sum()),
            n_with_missing=int((~answered.all(axis=1)).sum()),
        )
        if ctx.screening is not None:
            summary = ctx.screening.summary.reset_index()
            ctx.tables[key]["screening"] = summary
            values["n_flagged"] = int(ctx.screening.n_flagged)
            values["share_flagged"] = float(ctx.screening.n_flagged / n_resp)
        if ctx.excluded is not None and len(ctx.excluded):
            ctx.tables[key]["excluded"] = ctx.excluded.reset_index(drop=True)
        lows, highs = score_bounds(ctx.bank)
        scales = ctx.scores.scales
        rows = []
        for scale in ctx.bank.scale_ids:
            values_s = scales[scale].dropna()
            n = len(values_s)
            rows.append(
                {
                    "scale": scale,
                    "n": n,
                    "lowest": lows[scale],
                    "highest": highs[scale],
                    "floor": float(np.isclose(values_s, lows[scale]).mean()) if n else np.nan,
                    "ceiling": float(np.isclose(values_s, highs[scale]).mean()) if n else np.nan,
                }
            )
        table = pd.DataFrame(rows)
        ctx.tables[key]["floor_ceiling"] = table
        values["max_floor"] = float(table["floor"].max())
        values["max_ceiling"] = float(table["ceiling"].max())
        ctx.item_evidence["missing_share"] = 1 - answered.mean()


def structural_validity(ctx: Context) -> None:
    """Parallel analysis, EFA congruence, the bank's CFA model, alternatives, cross-loadings."""
    key = "structural_validity"
    s = ctx.settings
    items = ctx.items
    ctx.start(key)
    values = ctx.values[key]
    values["n_scales"] = len(ctx.bank.scale_ids)
    if s["n_iter"] > 0:
        with ctx.step(key, "parallel analysis", required=False):
            pa = parallel_analysis(items, n_iter=s["n_iter"], random_state=s["random_state"])
            ctx.sections["parallel_analysis"] = pa
            values["pa_factors"] = int(pa.n_factors)
            values["pa_components"] = int(pa.n_components)
            eig = pa.eigenvalues
            keep = [c for c in eig.columns if c in (
                "number", "observed_component", "observed_factor", "simulated_component_quantile",
                "simulated_factor_quantile")]
            ctx.tables[key]["eigenvalues"] = eig[keep].head(max(2 * len(ctx.bank.scale_ids), 10))
    with ctx.step(key, "EFA", required=False):
        n_scales = len(ctx.bank.scale_ids)
        if n_scales >= 2:
            res = efa(items, n_scales, bank=ctx.bank)
            ctx.sections["efa"] = res
            rows = [
                {"scale": scale, "factor": factor,
                 "congruence": float(abs(res.congruence.loc[factor, scale]))}
                for factor, scale in res.factor_scales.items()
            ]
            table = pd.DataFrame(rows)
            table = table.set_index("scale").reindex(ctx.bank.scale_ids).reset_index()
            ctx.tables[key]["efa_congruence"] = table
            good = table["congruence"] >= ctx.thresholds.congruence_min
            values["n_congruent"] = int(good.sum())
    primary = s["structure"]
    fits = []
    with ctx.step(key, f"CFA ({primary})"):
        fit = cfa(items, bank=ctx.bank, structure=primary, estimator=s["estimator_used"],
                  missing=s["missing"])
        ctx.sections["cfa"] = fit
        row = _fit_row(fit, primary)
        fits.append(row)
        values["rated_fit"] = rated_fit(row)
        values["n_dropped"] = int(fit.n_dropped)
        ctx.item_evidence["loadings"] = keyed_loadings(fit, ctx.bank)
    if fits:
        ctx.tables[key]["fit"] = pd.DataFrame(fits)
    if "cfa" in ctx.sections:
        with ctx.step(key, "cross-loadings", required=False):
            screen_fit = ctx.sections["cfa"]
            if s["estimator_used"] not in _CONTINUOUS:
                # modification indices need a continuous fit: screen with ML of the same model
                screen_fit = cfa(items, bank=ctx.bank, structure=primary, estimator="ML",
                                 missing=continuous_missing(s))
            values["cross_loading_estimator"] = screen_fit.estimator
            mi = screen_fit.modification_indices(op=["=~"], sort=True)
            n_candidates = len(mi)
            mi = mi.assign(
                p_bonferroni=np.minimum(1.0, stats.chi2.sf(mi["mi"], 1) * n_candidates)
            )
            t = ctx.thresholds
            passing = mi[(mi["p_bonferroni"] < t.cross_loading_p)
                         & (mi["sepc_all"].abs() >= t.cross_loading_min)]
            table = passing.rename(columns={"lhs": "factor", "rhs": "item"})[
                ["item", "factor", "mi", "p_bonferroni", "epc", "sepc_all"]
            ].reset_index(drop=True)
            ctx.tables[key]["cross_loadings"] = table
            values["n_cross_candidates"] = int(n_candidates)
            ctx.item_evidence["cross"] = table
    if s["structures"]:
        comparison = []
        fitted = {}
        for structure in s["structures"]:
            if structure == primary and s["comparison_estimator"] == s["estimator_used"] \
                    and "cfa" in ctx.sections:
                fitted[structure] = ctx.sections["cfa"]
                comparison.append(_fit_row(ctx.sections["cfa"], structure))
                continue
            with ctx.step(key, f"CFA ({structure}, {s['comparison_estimator']})", required=False):
                alt = cfa(items, bank=ctx.bank, structure=structure,
                          estimator=s["comparison_estimator"], missing=continuous_missing(s))
                fitted[structure] = alt
                comparison.append(_fit_row(alt, structure))
        ctx.sections["cfa_alternatives"] = fitted
        if comparison:
            ctx.tables[key]["model_comparison"] = pd.DataFrame(comparison)


def internal_consistency(ctx: Context) -> None:
    """Alpha, omega and item statistics per scale (and composite system)."""
    key = "internal_consistency"
    with ctx.step(key, "reliability"):
        res = reliability(ctx.bank, ctx.items)
        ctx.sections["reliability"] = res
        table = res.tidy()
        ctx.tables[key]["scales"] = table[[c for c in _RELIABILITY_COLUMNS if c in table.columns]]
    with ctx.step(key, "item statistics", required=False):
        stats_rows = []
        for scale in ctx.bank.scale_ids:
            if len(ctx.bank.items_of(scale)) < 2:
                continue
            res_a = alpha(ctx.items, bank=ctx.bank, scale=scale)
            stats_rows.append(res_a.item_stats.assign(scale=scale))
        item_stats = pd.concat(stats_rows, ignore_index=True) if stats_rows else pd.DataFrame(
            columns=["item", "scale", "r_drop", "floor", "ceiling"])
        ctx.item_evidence["item_stats"] = item_stats.set_index("item")


def measurement_invariance(ctx: Context) -> None:
    """Invariance of the bank's model across ``group``; score tests and dMACS per item."""
    key = "measurement_invariance"
    group = ctx.settings["group"]
    if group is None:
        ctx.skip(key, "no group column given (validate(..., group='column')).")
        return
    s = ctx.settings
    t = ctx.thresholds
    frame = ctx.frame
    ctx.start(key)
    values = ctx.values[key]
    data = frame[[*ctx.bank.item_ids, group]]
    missing_group = int(data[group].isna().sum())
    if missing_group:
        data = data[data[group].notna()]
        ctx.notes.append(
            f"{key}: {missing_group} respondent(s) without a value in {group!r} are left out of "
            "the invariance models."
        )
    values.update(group=group, n_missing_group=missing_group)
    criteria = InvarianceCriteria(
        delta_cfi=t.invariance_delta_cfi,
        delta_rmsea=t.invariance_delta_rmsea,
        delta_srmr_loadings=t.invariance_delta_srmr_loadings,
        delta_srmr_other=t.invariance_delta_srmr_other,
    )
    with ctx.step(key, "invariance"):
        inv = invariance(data, bank=ctx.bank, structure=s["structure"], group=group,
                         levels=s["invariance_levels"], estimator=s["estimator_used"],
                         criteria=criteria, missing=s["missing"])
        ctx.sections["invariance"] = inv
        ctx.tables[key]["fit"] = inv.fit_table
        ctx.tables[key]["comparisons"] = inv.comparisons
        values["groups"] = ", ".join(str(g) for g in inv.group_labels)
        held = "configural"
        for row in inv.comparisons.itertuples():
            if row.decision != "invariant":
                break
            held = row.level
        values["highest_level"] = held
    if "invariance" not in ctx.sections:
        return
    inv = ctx.sections["invariance"]
    item_estimator = s["estimator_used"]
    if item_estimator not in _CONTINUOUS:
        # score tests and dMACS need a continuous fit: screen the items with MLR invariance
        item_estimator = "MLR"
        with ctx.step(key, "invariance (MLR, item screening)", required=False):
            inv = invariance(data, bank=ctx.bank, structure=s["structure"], group=group,
                             levels=[lv for lv in s["invariance_levels"] if lv != "thresholds"],
                             estimator=item_estimator, criteria=criteria,
                             missing=continuous_missing(s))
            ctx.sections["invariance_items"] = inv
    values["item_test_estimator"] = item_estimator
    tests = []
    with ctx.step(key, "item score tests", required=False):
        for level in inv.levels:
            if level not in _LEVEL_CLASS or inv.estimator not in _CONTINUOUS:
                continue
            src = invariance_sources(inv, level=level)
            tests.append(src.assign(level=level))
    if not tests:
        values["item_tests"] = "failed"
    table = (pd.concat(tests, ignore_index=True) if tests else pd.DataFrame(
        columns=["item", "factor", "parameter", "group", "x2", "df", "p_value", "constraint",
                 "p_holm", "level"]))
    significant = table[table["p_holm"] < t.dif_p].copy()
    ctx.tables[key]["item_tests"] = significant.reset_index(drop=True)
    dmacs = pd.DataFrame(columns=["item", "dmacs"])
    constrained = [lv for lv in ("scalar", "metric") if lv in inv.levels]
    flagged = significant
    if len(significant) and constrained and inv.estimator in _CONTINUOUS:
        equal = [_LEVEL_CLASS[level] for level in inv.levels if level in ("metric", "scalar")]
        with ctx.step(key, "partial invariance", required=False):
            partial, released, blocked = release_constraints(
                inv.models[constrained[0]], data, ctx, group=group, equal=equal,
                estimator=inv.estimator,
            )
            flagged = pd.concat([released, blocked], ignore_index=True)
            ctx.sections["invariance_partial"] = partial
            ctx.tables[key]["released"] = released
            values["freed"] = "; ".join(released["release"])
            values["n_blocked"] = int(blocked["item"].nunique())
            dmacs = dmacs_table(partial, data, group, released, ctx.bank)
            ctx.tables[key]["dmacs"] = dmacs
    per_item = []
    for item in flagged["item"].drop_duplicates():
        d = dmacs.loc[dmacs["item"] == item, "dmacs"]
        size = float(d.max()) if len(d) else float("nan")
        important = bool(size >= t.dmacs_min) if size == size else True
        params = ", ".join(flagged.loc[flagged["item"] == item, "parameter"].unique())
        per_item.append({"item": item, "parameter": params, "dmacs": size,
                         "noninvariant": important})
    per_item_table = pd.DataFrame(per_item, columns=["item", "parameter", "dmacs", "noninvariant"])
    ctx.tables[key]["items"] = per_item_table
    values["n_noninvariant"] = int(per_item_table["noninvariant"].sum())
    ctx.item_evidence["invariance"] = per_item_table


def retest_reliability(ctx: Context) -> None:
    """ICC(2,1) per scale, corrected stability, SEM, SDC and limits of agreement."""
    retest = ctx.settings["retest_data"]
    if retest is None:
        for key in ("reliability", "measurement_error"):
            ctx.skip(key, "no retest data given (validate(..., retest=data_at_retest)).")
        return
    key = "reliability"
    s = ctx.settings
    t = ctx.thresholds
    z = float(stats.norm.ppf(0.5 + s["confidence_level"] / 2))
    ctx.start("measurement_error")
    with ctx.step(key, "test-retest"):
        second = check_responses(ctx.bank, retest, id_column=s["retest_id_column"])
        scores2 = score(ctx.bank, second)
        first = ctx.scores.scales
        matched = first.index.intersection(scores2.scales.index)
        values = ctx.values[key]
        values.update(n_retest=int(second.n_respondents), n_matched=len(matched),
                      n_unmatched=int(second.n_respondents - len(matched)))
        if len(matched) < 3:
            raise DataError(
                f"Only {len(matched)} respondent(s) of the retest data match analysed "
                "respondents by id; test-retest reliability needs at least 3. Check that both "
                "files use the same id column."
            )
        results = {}
        rows, error_rows = [], []
        for scale in ctx.bank.scale_ids:
            s1, s2 = first.loc[matched, scale], scores2.scales.loc[matched, scale]
            res = test_retest(s1, s2, confidence_level=s["confidence_level"])
            results[scale] = res
            icc2 = res.icc.set_index("type").loc["ICC2"]
            a1 = alpha(ctx.items.loc[matched], bank=ctx.bank, scale=scale).alpha
            a2 = alpha(second.items.loc[matched], bank=ctx.bank, scale=scale).alpha
            rows.append(
                {
                    "scale": scale,
                    "n": int(res.n),
                    "icc2_1": float(res.icc2_1),
                    "ci_low": float(icc2["ci_low"]),
                    "ci_high": float(icc2["ci_high"]),
                    "icc3_1": float(res.icc3_1),
                    "pearson_r": float(res.pearson_r),
                    "mean_change": float(res.mean_change),
                    "sd_change": float(res.sd_change),
                    "alpha_t1": float(a1),
                    "alpha_t2": float(a2),
                    "stability_corrected": float(res.icc2_1 / math.sqrt(a1 * a2))
                    if a1 > 0 and a2 > 0 else float("nan"),
                }
            )
            both = pd.concat([s1, s2], axis=1).dropna()
            measurement = sem(both.iloc[:, 0], reliability=min(float(res.icc2_1), 1.0))
            mic = t.mic_of(scale)
            sdc = z * math.sqrt(2) * measurement.sem
            error_rows.append(
                {
                    "scale": scale,
                    "n": len(both),
                    "sd": float(measurement.sd),
                    "sem": float(measurement.sem),
                    "sdc": float(sdc),
                    "loa_low": float(res.mean_change - z * res.sd_change),
                    "loa_high": float(res.mean_change + z * res.sd_change),
                    "mic": float("nan") if mic is None else mic,
                }
            )
        ctx.sections["retest"] = results
        ctx.tables[key]["icc"] = pd.DataFrame(rows)
        ctx.tables["measurement_error"]["error"] = pd.DataFrame(error_rows)
    if ctx.values[key]["status"] == "failed":
        ctx.values["measurement_error"].update(status="failed",
                                               message=ctx.values[key]["message"])


def score_frame(ctx: Context) -> pd.DataFrame:
    """Scale and composite system scores of the analysed respondents."""
    return pd.concat([ctx.scores.scales, ctx.scores.systems], axis=1)


def hypotheses_testing(ctx: Context) -> None:
    """Return the gain/loss asymmetry checks and the bank's expected correlations between scores."""
    key = "hypotheses_testing"
    ctx.start(key)
    s = ctx.settings
    rows: list[dict[str, Any]] = []
    if ctx.bank.pairs:
        with ctx.step(key, "asymmetry", required=False):
            res = asymmetry(ctx.bank, ctx.frame, severity=s["severity"],
                            missing=continuous_missing(s),
                            confidence_level=s["confidence_level"])
            ctx.sections["asymmetry"] = res
            checks = res.checks.copy()
            ctx.tables[key]["asymmetry_checks"] = checks
            ctx.tables[key]["asymmetry_slopes"] = res.slopes.copy()
            for row in checks.itertuples():
                rows.append(
                    {
                        "id": f"asymmetry_{row.check}",
                        "kind": "asymmetry",
                        "statement": f"asymmetry check '{row.check}' passes",
                        "estimate": float(row.estimate),
                        "result": row.verdict,
                        "confirmed": row.verdict == "pass",
                    }
                )
    if ctx.bank.hypotheses:
        with ctx.step(key, "expected correlations"):
            scores = score_frame(ctx)
            corr_rows = []
            for h in ctx.bank.hypotheses:
                pair = scores[list(h.scales)].dropna()
                n = len(pair)
                r = float(np.corrcoef(pair.iloc[:, 0], pair.iloc[:, 1])[0, 1]) if n > 2 \
                    else float("nan")
                low, high = correlation_ci(r, n, s["confidence_level"])
                confirmed = h.holds(r)
                corr_rows.append(
                    {
                        "id": h.id,
                        "score_a": h.scales[0],
                        "score_b": h.scales[1],
                        "expected": h.expected,
                        "min_abs_r": h.min_abs_r,
                        "max_abs_r": np.nan if h.max_abs_r is None else h.max_abs_r,
                        "r": r,
                        "ci_low": low,
                        "ci_high": high,
                        "n": n,
                        "confirmed": confirmed,
                        "source": h.source,
                    }
                )
                rows.append(
                    {
                        "id": h.id,
                        "kind": "correlation",
                        "statement": h.statement(),
                        "estimate": r,
                        "result": f"r = {r:.2f}",
                        "confirmed": confirmed,
                    }
                )
            ctx.tables[key]["correlations"] = pd.DataFrame(corr_rows)
    table = pd.DataFrame(rows, columns=["id", "kind", "statement", "estimate", "result",
                                        "confirmed"])
    ctx.tables[key]["hypotheses"] = table
    ctx.values[key].update(n_hypotheses=len(table),
                           n_confirmed=int(table["confirmed"].sum()))
    if table.empty and ctx.values[key]["status"] == "computed":
        failed = [note for note in ctx.notes if note.startswith(f"{key}: asymmetry failed")]
        if failed:
            ctx.skip(key, failed[0].split(": ", 1)[1], status="failed")
        else:
            ctx.skip(key, "the bank declares no hypotheses and has no gain/loss pairs.",
                     status="not applicable")


def outcome_type(bank: ItemBank, column: pd.Series) -> str:
    """Return the type of an outcome: from the bank's declaration, else from the values."""
    for variable in bank.outcomes:
        if variable.id == column.name:
            return variable.type
    values = column.dropna()
    if set(np.unique(values)) <= {0, 1}:
        return "binary"
    if np.all(values >= 0) and np.all(np.equal(np.mod(values, 1), 0)):
        return "count"
    return "continuous"


def association(x: pd.Series, y: pd.Series, kind: str) -> tuple[str, float, int]:
    """(statistic, estimate, n) of a score with an outcome: r, rho or AUC by outcome type."""
    both = pd.concat([x, y], axis=1).dropna()
    n = len(both)
    a, b = both.iloc[:, 0].to_numpy(float), both.iloc[:, 1].to_numpy(float)
    if n < 3:
        return {"binary": "auc", "continuous": "pearson_r"}.get(kind, "spearman_rho"), np.nan, n
    if kind == "binary":
        return "auc", auc(a, b), n
    if kind == "continuous":
        return "pearson_r", float(np.corrcoef(a, b)[0, 1]), n
    return "spearman_rho", float(stats.spearmanr(a, b).statistic), n


def criterion_validity(ctx: Context) -> None:
    """Correlation (r, rho) or AUC of every score with every outcome; the criterion score's."""
    key = "criterion_validity"
    outcomes = ctx.settings["outcomes"]
    if not outcomes:
        ctx.skip(key, "no outcomes given (validate(..., outcomes=['column', ...])).")
        return
    t = ctx.thresholds
    with ctx.step(key, "criterion validity"):
        scores = score_frame(ctx)
        covariates = ctx.analysed.covariates
        target = ctx.settings["criterion_score"]
        rows, crit = [], []
        for outcome in outcomes:
            column = pd.to_numeric(covariates[outcome], errors="coerce")
            column.name = outcome
            kind = outcome_type(ctx.bank, column)
            if kind in ("categorical",):
                ctx.notes.append(f"{key}: outcome {outcome!r} is categorical; left out.")
                continue
            for name in scores.columns:
                stat, est, n = association(scores[name], column, kind)
                rows.append({"outcome": outcome, "type": kind, "score": name, "statistic": stat,
                             "estimate": est, "n": n})
                if name == target:
                    size = (max(est, 1 - est) if stat == "auc" else abs(est))
                    cut = t.criterion_auc_min if stat == "auc" else t.criterion_r_min
                    crit.append({"outcome": outcome, "type": kind, "score": name,
                                 "statistic": stat, "estimate": est, "n": n,
                                 "size": size, "meets": bool(size >= cut)})
        ctx.tables[key]["associations"] = pd.DataFrame(rows)
        ctx.tables[key]["criterion"] = pd.DataFrame(
            crit, columns=["outcome", "type", "score", "statistic", "estimate", "n", "size",
                           "meets"])
        ctx.sections["criterion"] = ctx.tables[key]["criterion"]
        ctx.values[key]["score"] = target


def profile_analysis(ctx: Context) -> None:
    """Latent profiles of standardized scale scores and their relation to the outcomes."""
    key = "profiles"
    s = ctx.settings
    if not s["profiles"]:
        ctx.skip(key, "not requested (validate(..., profiles=True)).")
        return
    from burnoutkit.profiles import enumerate_profiles, fit_profiles, profile_outcomes

    indicators = s["profile_scales"]
    raw = ctx.scores.scales[list(indicators)].dropna()
    data = (raw - raw.mean()) / raw.std(ddof=1)
    ctx.start(key)
    ctx.values[key].update(indicators=", ".join(indicators), n=len(data))
    found = {}
    with ctx.step(key, "profile enumeration"):
        enum = enumerate_profiles(data, n_profiles=range(1, s["max_profiles"] + 1),
                                  n_init=s["profile_n_init"], n_boot=s["profile_n_boot"],
                                  progress=False, random_state=s["random_state"])
        found["enumeration"] = enum
        keep = ["model", "n_profiles", "log_likelihood", "n_parameters", "aic", "bic", "sabic",
                "icl", "entropy", "smallest_share", "blrt_p", "lmr_p"]
        ctx.tables[key]["enumeration"] = enum.fits[[c for c in keep if c in enum.fits.columns]]
        ctx.values[key]["recommended_n_profiles"] = enum.recommended_n_profiles
        ctx.values[key]["recommendation"] = enum.recommendation
    if "enumeration" in found and found["enumeration"].recommended_n_profiles:
        template = "burnout" if list(indicators) == ["ex", "md", "re"] else None
        with ctx.step(key, "profile model"):
            fitted = fit_profiles(data, n_profiles=found["enumeration"].recommended_n_profiles,
                                  template=template, n_init=s["profile_n_init"],
                                  random_state=s["random_state"])
            found["model"] = fitted
            ctx.tables[key]["means"] = fitted.means.reset_index(names="profile")
            ctx.tables[key]["shares"] = fitted.shares.copy()
            ctx.values[key]["entropy"] = float(fitted.entropy)
        outcomes = s["outcomes"]
        if "model" in found and outcomes:
            with ctx.step(key, "profile outcomes", required=False):
                frame = ctx.analysed.covariates[list(outcomes)].loc[data.index]
                frame = frame.apply(pd.to_numeric, errors="coerce")
                types = {o: outcome_type(ctx.bank, frame[o]) for o in outcomes}
                types = {o: k for o, k in types.items() if k in ("continuous", "binary", "count")}
                out = profile_outcomes(found["model"], frame[list(types)], method="bch",
                                       outcome_types=types,
                                       confidence_level=s["confidence_level"])
                found["outcomes"] = out
                ctx.tables[key]["outcome_estimates"] = out.estimates.copy()
                ctx.tables[key]["outcome_tests"] = out.tests.copy()
    ctx.sections["profiles"] = found
