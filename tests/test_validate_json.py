"""Every number in the validation report's JSON equals the number from the public functions.

The test walks the JSON of the main job's report (the BAI on the reference cohort with groups,
retest file and outcomes): every table of every section and every headline value is recomputed
here from the public API (``bk.screen``, ``bk.score``, ``bk.parallel_analysis``, ``bk.efa``,
``bk.cfa``, ``bk.reliability``, ``bk.alpha``, ``bk.invariance``, ``bk.invariance_sources``,
``bk.test_retest``, ``bk.sem``, ``bk.asymmetry``) or from scipy and scikit-learn where the report
combines their outputs (correlations with Fisher-z intervals, Spearman's rho, the AUC, dMACS,
the smallest detectable change). A table or value without a recomputation fails the test, so a
new number cannot enter the report unchecked. The numbers quoted in the findings and evidence
must be roundings of numbers in the tables.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from pathlib import Path
from typing import Any

import _validate_shared as shared
import jsonschema
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.metrics import roc_auc_score

import burnoutkit as bk
from burnoutkit.report._json import load_report_schema

pytestmark = [
    pytest.mark.slow,
    # the recomputations warn as the analyses do (listwise deletion, prorating, retest pairs)
    pytest.mark.filterwarnings("ignore::burnoutkit.errors.BurnoutkitWarning"),
]

BANK = bk.load_bank("bai")
SEED = 0
N_ITER = 20
Z = stats.norm.ppf(0.975)


# ================================================================================ fixtures
@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return json.loads(shared.main_report().to_json())


@cache
def inputs() -> dict[str, Any]:
    cohort = shared.cohort()
    responses = bk.check_responses(BANK, cohort.data, id_column="id")
    items = responses.items
    frame = pd.concat([responses.covariates, items], axis=1)
    scores = bk.score(BANK, responses)
    return {"cohort": cohort, "responses": responses, "items": items, "frame": frame,
            "scores": scores}


def settings() -> dict[str, Any]:
    """The settings the report records: the estimator used and the invariance levels."""
    return shared.main_report().settings


def section_values(key: str) -> dict[str, Any]:
    return shared.main_report().values[key]


@cache
def main_cfa() -> bk.CFAResult:
    return bk.cfa(inputs()["items"], bank=BANK, estimator=settings()["estimator_used"])


@cache
def screening_cfa() -> bk.CFAResult:
    """The fit whose modification indices screen cross-loadings (ML for ordinal estimators)."""
    estimator = section_values("structural_validity")["cross_loading_estimator"]
    if estimator == main_cfa().estimator:
        return main_cfa()
    return bk.cfa(inputs()["items"], bank=BANK, estimator=estimator)


@cache
def main_invariance() -> bk.InvarianceResult:
    data = inputs()["frame"][[*BANK.item_ids, "form"]]
    return bk.invariance(data, bank=BANK, group="form", levels=settings()["invariance_levels"],
                         estimator=settings()["estimator_used"])


@cache
def items_invariance() -> bk.InvarianceResult:
    """The invariance fit behind the item tests (MLR for ordinal estimators)."""
    estimator = section_values("measurement_invariance")["item_test_estimator"]
    if estimator == settings()["estimator_used"]:
        return main_invariance()
    data = inputs()["frame"][[*BANK.item_ids, "form"]]
    levels = [lv for lv in settings()["invariance_levels"] if lv != "thresholds"]
    return bk.invariance(data, bank=BANK, group="form", levels=levels, estimator=estimator)


@cache
def item_tests() -> pd.DataFrame:
    inv = items_invariance()
    tests = pd.concat(
        [bk.invariance_sources(inv, level=level).assign(level=level)
         for level in inv.levels if level != "configural"],
        ignore_index=True,
    )
    return tests[tests["p_holm"] < 0.05].reset_index(drop=True)


@cache
def partial() -> tuple[bk.CFAResult, pd.DataFrame, pd.DataFrame]:
    """Partial invariance by sequential release, written out: release the largest significant
    (Holm) loading or intercept constraint while the item's factor keeps at least two items with
    that parameter equal, refit, test the remaining constraints again."""
    scale_of = {item.id: item.scale for item in BANK.items}
    data = inputs()["frame"][[*BANK.item_ids, "form"]]
    fit = items_invariance().models["scalar"]
    freed: list[tuple[str, str]] = []
    released = []
    while True:
        tests = bk.invariance_sources(fit)
        significant = tests[tests["parameter"].isin(["loading", "intercept"])
                            & (tests["p_holm"] < 0.05)]
        allowed = [
            row for _, row in significant.iterrows()
            if sum(scale_of[i] == scale_of[row["item"]] and i != row["item"]
                   and (row["parameter"], i) not in freed for i in BANK.item_ids) >= 2
        ]
        if not allowed:
            blocked = significant.drop_duplicates("item").reset_index(drop=True)
            break
        row = allowed[0]
        freed.append((row["parameter"], row["item"]))
        spec = (f"{scale_of[row['item']]} =~ {row['item']}" if row["parameter"] == "loading"
                else f"{row['item']} ~ 1")
        released.append({**row.to_dict(), "release": spec, "step": len(freed)})
        fit = bk.cfa(data, bank=BANK, group="form", estimator=items_invariance().estimator,
                     group_equal=["loadings", "intercepts"],
                     group_partial=[r["release"] for r in released])
    return fit, pd.DataFrame(released).reset_index(drop=True), blocked


@cache
def dmacs() -> pd.DataFrame:
    """dMACS written out from Nye & Drasgow (2011), eq. 3, with a normal focal factor."""
    fit, released, _ = partial()
    p = fit.parameters
    data = inputs()["frame"]
    scale_of = {item.id: item.scale for item in BANK.items}
    rows = []
    for item in released["item"].drop_duplicates():
        f = scale_of[item]

        def est(op, lhs, rhs, g, p=p):
            return p.query("op == @op and lhs == @lhs and rhs == @rhs and group == @g")[
                "estimate"].item()

        sub = data[[item, "form"]].dropna()
        var = sub.groupby("form", observed=True)[item].var()
        n = sub.groupby("form", observed=True)[item].size()
        sd_p = math.sqrt(((n - 1) * var).sum() / (n.sum() - 2))
        lam = [est("=~", f, item, g) for g in (1, 2)]
        tau = [est("~1", item, "", g) for g in (1, 2)]
        mu, var_f = est("~1", f, "", 2), est("~~", f, f, 2)
        # integrate (d_tau + d_lam * eta)^2 over N(mu, var_f) numerically (Gauss-Hermite)
        nodes, weights = np.polynomial.hermite_e.hermegauss(40)
        eta = mu + math.sqrt(var_f) * nodes
        diff = (tau[0] - tau[1]) + (lam[0] - lam[1]) * eta
        value = math.sqrt((weights * diff**2).sum() / weights.sum()) / sd_p
        rows.append({"item": item, "factor": f, "group": "B", "reference": "A",
                     "delta_intercept": tau[0] - tau[1], "delta_loading": lam[0] - lam[1],
                     "factor_mean": mu, "factor_variance": var_f, "sd_pooled": sd_p,
                     "dmacs": value})
    return pd.DataFrame(rows)


@cache
def retest_scores() -> tuple[pd.DataFrame, pd.DataFrame, pd.Index, bk.Responses]:
    second = bk.check_responses(BANK, inputs()["cohort"].retest, id_column="id")
    s2 = bk.score(BANK, second).scales
    s1 = inputs()["scores"].scales
    matched = s1.index.intersection(s2.index)
    return s1, s2, matched, second


def score_frame() -> pd.DataFrame:
    s = inputs()["scores"]
    return pd.concat([s.scales, s.systems], axis=1)


# ============================================================================ recomputation
def _data_quality() -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    items = inputs()["items"]
    screening = bk.screen(BANK, inputs()["cohort"].data, id_column="id", random_state=SEED)
    scales = inputs()["scores"].scales
    floor = pd.DataFrame({
        "scale": BANK.scale_ids,
        "n": [int(scales[s].notna().sum()) for s in BANK.scale_ids],
        "lowest": 1.0,
        "highest": 5.0,
        "floor": [(scales[s].dropna() == 1).mean() for s in BANK.scale_ids],
        "ceiling": [(scales[s].dropna() == 5).mean() for s in BANK.scale_ids],
    })
    values = {
        "n_respondents": 3000,
        "n_analysed": len(items),
        "n_excluded": 0,
        "excluded": False,
        "missing_share": items.isna().to_numpy().mean(),
        "max_item_missing": items.isna().mean().max(),
        "n_complete": int(items.notna().all(axis=1).sum()),
        "n_with_missing": int(items.isna().any(axis=1).sum()),
        "n_flagged": screening.n_flagged,
        "share_flagged": screening.n_flagged / 3000,
        "max_floor": floor["floor"].max(),
        "max_ceiling": floor["ceiling"].max(),
    }
    return {"screening": screening.summary.reset_index(), "floor_ceiling": floor}, values


def _fit_columns(fit: bk.CFAResult, structure: str) -> dict[str, Any]:
    names = ["npar", "chisq", "df", "p_value", "cfi", "tli", "rmsea", "rmsea_ci_low",
             "rmsea_ci_high", "srmr", "aic", "bic"]
    if fit.estimator != "ML":
        names += ["chisq_scaled", "p_value_scaled", "scaling_factor", "cfi_robust",
                  "tli_robust", "rmsea_robust"]
    return {"structure": structure, "estimator": fit.estimator, "n_obs": fit.n_obs,
            **{n: fit.fit_measures.get(n, np.nan) for n in names}}


def _structural_validity() -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    items = inputs()["items"]
    pa = bk.parallel_analysis(items, n_iter=N_ITER, random_state=SEED)
    eig = pa.eigenvalues[["number", "observed_component", "observed_factor",
                          "simulated_component_quantile", "simulated_factor_quantile"]].head(32)
    efa = bk.efa(items, len(BANK.scale_ids), bank=BANK)
    factor_of = {scale: factor for factor, scale in efa.factor_scales.items()}
    congruence = pd.DataFrame({
        "scale": BANK.scale_ids,
        "factor": [factor_of[s] for s in BANK.scale_ids],
        "congruence": [abs(efa.congruence.loc[factor_of[s], s]) for s in BANK.scale_ids],
    })
    fit = main_cfa()
    mi = screening_cfa().modification_indices(op=["=~"])
    mi["p_bonferroni"] = np.minimum(1, stats.chi2.sf(mi["mi"], 1) * len(mi))
    cross = mi[(mi["p_bonferroni"] < 0.05) & (mi["sepc_all"].abs() >= 0.20)]
    cross = cross.rename(columns={"lhs": "factor", "rhs": "item"})[
        ["item", "factor", "mi", "p_bonferroni", "epc", "sepc_all"]]
    comparison = pd.DataFrame([
        _fit_columns(bk.cfa(items, bank=BANK, structure=s, estimator="ML"), s)
        for s in ("correlated", "higher_order", "bifactor")
    ])
    m = fit.fit_measures

    def robust(name: str) -> float:
        value = m.get(f"{name}_robust", np.nan)
        return value if value == value else m[name]

    values = {
        "n_scales": 16,
        "pa_factors": pa.n_factors,
        "pa_components": pa.n_components,
        "n_congruent": int((congruence["congruence"] >= 0.85).sum()),
        "rated_fit": {"structure": "correlated", "estimator": fit.estimator, "n_obs": fit.n_obs,
                      "cfi": robust("cfi"), "tli": robust("tli"), "rmsea": robust("rmsea"),
                      "srmr": m["srmr"]},
        "n_dropped": fit.n_dropped,
        "n_cross_candidates": len(mi),
        "cross_loading_estimator": screening_cfa().estimator,
    }
    tables = {
        "eigenvalues": eig,
        "efa_congruence": congruence,
        "fit": pd.DataFrame([_fit_columns(fit, "correlated")]),
        "cross_loadings": cross,
        "model_comparison": comparison,
    }
    return tables, values


def _internal_consistency() -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    table = bk.reliability(BANK, inputs()["items"]).tidy()
    return {"scales": table}, {}


def _measurement_invariance() -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    inv = main_invariance()
    tests = item_tests()
    size = dmacs()
    _, released, blocked = partial()
    flagged = pd.concat([released, blocked], ignore_index=True)
    largest = size.groupby("item")["dmacs"].max()
    per_item = pd.DataFrame({"item": flagged["item"].drop_duplicates().to_list()})
    per_item["parameter"] = [", ".join(flagged.loc[flagged["item"] == i, "parameter"].unique())
                             for i in per_item["item"]]
    per_item["dmacs"] = [largest.get(i, math.nan) for i in per_item["item"]]
    per_item["noninvariant"] = [not d < 0.20 for d in per_item["dmacs"]]
    held = "configural"
    for row in inv.comparisons.itertuples():
        if row.decision != "invariant":
            break
        held = row.level
    values = {"group": "form", "n_missing_group": 0, "groups": "A, B",
              "highest_level": held, "freed": "; ".join(released["release"]),
              "n_blocked": int(blocked["item"].nunique()),
              "item_test_estimator": items_invariance().estimator,
              "n_noninvariant": int(per_item["noninvariant"].sum())}
    tables = {"fit": inv.fit_table, "comparisons": inv.comparisons, "item_tests": tests,
              "released": released, "dmacs": size, "items": per_item}
    return tables, values


def _reliability() -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    s1, s2, matched, second = retest_scores()
    items = inputs()["items"]
    rows = []
    for scale in BANK.scale_ids:
        res = bk.test_retest(s1.loc[matched, scale], s2.loc[matched, scale])
        icc2 = res.icc.set_index("type").loc["ICC2"]
        a1 = bk.alpha(items.loc[matched], bank=BANK, scale=scale).alpha
        a2 = bk.alpha(second.items.loc[matched], bank=BANK, scale=scale).alpha
        rows.append({"scale": scale, "n": res.n, "icc2_1": icc2["estimate"],
                     "ci_low": icc2["ci_low"], "ci_high": icc2["ci_high"],
                     "icc3_1": res.icc.set_index("type").loc["ICC3", "estimate"],
                     "pearson_r": res.pearson_r, "mean_change": res.mean_change,
                     "sd_change": res.sd_change, "alpha_t1": a1, "alpha_t2": a2,
                     "stability_corrected": icc2["estimate"] / math.sqrt(a1 * a2)})
    values = {"n_retest": 300, "n_matched": len(matched), "n_unmatched": 300 - len(matched)}
    return {"icc": pd.DataFrame(rows)}, values


def _measurement_error() -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    s1, s2, matched, _ = retest_scores()
    rows = []
    for scale in BANK.scale_ids:
        both = pd.concat([s1.loc[matched, scale], s2.loc[matched, scale]], axis=1).dropna()
        res = bk.test_retest(s1.loc[matched, scale], s2.loc[matched, scale])
        m = bk.sem(both.iloc[:, 0], reliability=res.icc2_1)
        change = both.iloc[:, 1] - both.iloc[:, 0]
        rows.append({"scale": scale, "n": len(both), "sd": both.iloc[:, 0].std(ddof=1),
                     "sem": m.sem, "sdc": Z * math.sqrt(2) * m.sem,
                     "loa_low": change.mean() - Z * change.std(ddof=1),
                     "loa_high": change.mean() + Z * change.std(ddof=1), "mic": None})
    return {"error": pd.DataFrame(rows)}, {}


def _hypotheses_testing() -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    res = bk.asymmetry(BANK, inputs()["frame"], missing="listwise")
    scores = score_frame()
    corr = []
    for h in BANK.hypotheses:
        pair = scores[list(h.scales)].dropna()
        pr = stats.pearsonr(pair.iloc[:, 0], pair.iloc[:, 1])
        ci = pr.confidence_interval(0.95)
        r = pr.statistic
        if h.expected == "weak":
            ok = abs(r) <= h.max_abs_r
        else:
            ok = (r > 0 if h.expected == "positive" else r < 0) and abs(r) >= h.min_abs_r
        corr.append({"id": h.id, "score_a": h.scales[0], "score_b": h.scales[1],
                     "expected": h.expected, "min_abs_r": h.min_abs_r,
                     "max_abs_r": h.max_abs_r, "r": r, "ci_low": ci.low, "ci_high": ci.high,
                     "n": len(pair), "confirmed": ok, "source": h.source})
    corr = pd.DataFrame(corr)
    rows = [{"id": f"asymmetry_{c.check}", "kind": "asymmetry",
             "statement": f"asymmetry check '{c.check}' passes", "estimate": c.estimate,
             "result": c.verdict, "confirmed": c.verdict == "pass"}
            for c in res.checks.itertuples()]
    rows += [{"id": h.id, "kind": "correlation", "statement": h.statement(), "estimate": c.r,
              "result": f"r = {c.r:.2f}", "confirmed": c.confirmed}
             for h, c in zip(BANK.hypotheses, corr.itertuples(), strict=True)]
    hyp = pd.DataFrame(rows)
    values = {"n_hypotheses": len(hyp), "n_confirmed": int(hyp["confirmed"].sum())}
    return {"asymmetry_checks": res.checks, "asymmetry_slopes": res.slopes,
            "correlations": corr, "hypotheses": hyp}, values


def _criterion_validity() -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    data = inputs()["frame"]
    scores = score_frame()
    kinds = {"absence_days": "count", "turnover_intention": "binary", "wellbeing": "continuous"}
    rows = []
    for outcome, kind in kinds.items():
        for score in scores.columns:
            both = pd.concat([scores[score], data[outcome]], axis=1).dropna()
            x, y = both.iloc[:, 0], both.iloc[:, 1]
            if kind == "binary":
                stat, est = "auc", roc_auc_score(y, x)
            elif kind == "continuous":
                stat, est = "pearson_r", stats.pearsonr(x, y).statistic
            else:
                stat, est = "spearman_rho", stats.spearmanr(x, y).statistic
            rows.append({"outcome": outcome, "type": kind, "score": score, "statistic": stat,
                         "estimate": est, "n": len(both)})
    assoc = pd.DataFrame(rows)
    crit = assoc[assoc["score"] == "core"].copy()
    crit["size"] = [max(e, 1 - e) if s == "auc" else abs(e)
                    for s, e in zip(crit["statistic"], crit["estimate"], strict=True)]
    crit["meets"] = crit["size"] >= 0.70
    return {"associations": assoc, "criterion": crit}, {"score": "core"}


def _profiles() -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    return {}, {}  # not requested by the main job


RECOMPUTE = {
    "data_quality": _data_quality,
    "structural_validity": _structural_validity,
    "internal_consistency": _internal_consistency,
    "measurement_invariance": _measurement_invariance,
    "reliability": _reliability,
    "measurement_error": _measurement_error,
    "hypotheses_testing": _hypotheses_testing,
    "criterion_validity": _criterion_validity,
    "profiles": _profiles,
}


# ============================================================================== comparison
def _same(got: Any, want: Any, where: str) -> None:
    if isinstance(want, dict):
        assert isinstance(got, dict) and set(got) == set(want), where
        for key in want:
            _same(got[key], want[key], f"{where}.{key}")
        return
    want_missing = want is None or (isinstance(want, float) and math.isnan(want))
    if want_missing or got is None:
        assert got is None and want_missing, f"{where}: {got!r} != {want!r}"
        return
    if isinstance(want, bool | np.bool_):
        assert got is bool(want), f"{where}: {got!r} != {want!r}"
    elif isinstance(want, int | float | np.integer | np.floating):
        assert isinstance(got, int | float) and not isinstance(got, bool), where
        assert got == pytest.approx(float(want), rel=1e-7, abs=1e-10), f"{where}: {got} != {want}"
    else:
        assert got == str(want), f"{where}: {got!r} != {want!r}"


def _same_table(records: list[dict[str, Any]], want: pd.DataFrame, where: str) -> None:
    want = want.reset_index(drop=True)
    assert len(records) == len(want), f"{where}: {len(records)} rows, expected {len(want)}"
    for i, row in enumerate(records):
        for column, value in row.items():
            assert column in want.columns, f"{where}: column {column!r} is not recomputed"
            _same(value, want.loc[i, column], f"{where}[{i}].{column}")


def test_report_validates_against_its_schema(document):
    schema = load_report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(document, schema)
    docs = Path(__file__).parent.parent / "docs" / "report.schema.json"
    packaged = Path(bk.__file__).parent / "report" / "report.schema.json"
    assert docs.read_bytes() == packaged.read_bytes()


@pytest.mark.parametrize("section", list(RECOMPUTE))
def test_every_number_of_the_section_is_recomputed(document, section):
    """Walk one section of the JSON: every table and value equals its recomputation."""
    got = document["sections"][section]
    tables, values = RECOMPUTE[section]()
    assert set(got["tables"]) == set(tables), f"{section}: tables without a recomputation"
    for name, records in got["tables"].items():
        _same_table(records, tables[name], f"{section}.{name}")
    assert set(got["values"]) == set(values), f"{section}: values without a recomputation"
    for name, value in got["values"].items():
        _same(value, values[name], f"{section}.values.{name}")


def test_item_table_is_recomputed(document):
    items = inputs()["items"]
    fit = main_cfa()
    own = fit.loadings[[BANK.item(i).scale == f for i, f in zip(fit.loadings["item"],
                                                                fit.loadings["factor"],
                                                                strict=True)]]
    keyed = own.set_index("item")["std_all"] * BANK.keys
    orientation = np.sign(keyed.groupby(own.set_index("item")["factor"]).sum())
    loading = keyed * own.set_index("item")["factor"].map(orientation)
    stats_by_item = pd.concat([bk.alpha(items, bank=BANK, scale=s).item_stats
                               for s in BANK.scale_ids]).set_index("item")
    cross = _structural_validity()[0]["cross_loadings"]
    cross = cross.assign(size=cross["sepc_all"].abs()).sort_values("size", ascending=False)
    cross = cross.drop_duplicates("item").set_index("item")
    size = dmacs().groupby("item")["dmacs"].max()
    _, released, blocked = partial()
    flagged = set(released["item"]) | set(blocked["item"])
    for row in document["items"]:
        item = row["item"]
        want = {
            "scale": BANK.item(item).scale,
            "keyed": BANK.item(item).keyed,
            "loading": loading[item],
            "cross_loading": cross["sepc_all"].get(item),
            "cross_factor": cross["factor"].get(item),
            "item_rest_r": stats_by_item.loc[item, "r_drop"],
            "missing_share": items[item].isna().mean(),
            "floor": stats_by_item.loc[item, "floor"],
            "ceiling": stats_by_item.loc[item, "ceiling"],
            "noninvariant": item in flagged and not size.get(item, math.nan) < 0.20,
            "dmacs": size.get(item),
        }
        for column, value in want.items():
            _same(row[column], value, f"items.{item}.{column}")
        reasons_drop = row["loading"] < 0.32 or row["item_rest_r"] < 0.20
        reasons_revise = (row["loading"] < 0.45 or row["cross_loading"] is not None
                          or row["noninvariant"] or row["item_rest_r"] < 0.30
                          or row["missing_share"] > 0.05 or max(row["floor"], row["ceiling"]) > 0.5)
        expected = "drop" if reasons_drop else "revise" if reasons_revise else "keep"
        assert row["recommendation"] == expected, item
        assert bool(row["evidence"]) == (expected != "keep"), item


def _numbers(obj: Any) -> list[float]:
    if isinstance(obj, dict):
        return [x for v in obj.values() for x in _numbers(v)]
    if isinstance(obj, list):
        return [x for v in obj for x in _numbers(v)]
    if isinstance(obj, int | float) and not isinstance(obj, bool):
        return [float(obj)]
    return []


def test_numbers_in_findings_come_from_the_tables(document):
    """Every decimal number quoted in a finding or evidence is a rounded table number."""
    thresholds = _numbers(document["thresholds"])
    for prop in document["properties"]:
        section = document["sections"][prop["key"]]
        pool = _numbers(section["tables"]) + _numbers(section["values"]) + thresholds
        pool += _numbers([r for r in document["items"]])
        pool = np.array(pool + [100 * x for x in pool])
        text = f"{prop['finding']} {prop['evidence']}"
        for token in re.findall(r"-?\d+\.\d+", text):
            decimals = len(token.split(".")[1])
            hits = np.isclose(np.round(pool, decimals), float(token), atol=10 ** -(decimals + 3))
            assert hits.any(), f"{prop['key']}: {token} in {text!r} is in no table"
