"""bk.validate: the ratings against the reference cohort's truth, and the call's contract.

The truth tests use the main job's report (the BAI on the whole cohort, groups = ``form``,
retest file, three outcomes) and compare it with ``cohort.truth``: the planted non-invariant
item, the weak items, the cross-loading items, the careless responders, the asymmetry and the
retest stability. The contract tests use a fast three-scale bank cut from the BAI.
"""

from __future__ import annotations

import _validate_shared as shared
import numpy as np
import pandas as pd
import pytest

import burnoutkit as bk
from burnoutkit.report.cosmin import PROPERTIES
from burnoutkit.report.validate import resolve_estimator

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report() -> bk.ValidationReport:
    return shared.main_report()


@pytest.fixture(scope="module")
def truth():
    return shared.cohort().truth


# ------------------------------------------------------------------------ against the truth
def test_every_property_is_rated_in_order(report):
    assert report.properties["key"].tolist() == list(PROPERTIES)
    assert set(report.properties["rating"]) <= {"+", "-", "?"}
    assert report.properties["finding"].str.len().gt(20).all()
    computed = report.properties.set_index("key")["status"]
    assert (computed == "computed").all(), computed


def test_structure_and_internal_consistency_are_sufficient(report):
    # The generating model is the bank's 16-factor model (plus small misfit): it fits by
    # COSMIN's criteria, and every scale has alpha above .70 (loadings .56-.82 on 4-6 items).
    assert report.rating("structural_validity") == "+"
    assert report.rating("internal_consistency") == "+"
    fit = report.values["structural_validity"]["rated_fit"]
    assert fit["estimator"] == report.settings["estimator_used"] and fit["rmsea"] < 0.06


def test_planted_noninvariant_item_is_flagged(report, truth):
    items = report.items.set_index("item")
    planted = truth.noninvariant_item
    assert items.loc[planted, "noninvariant"]
    assert items.loc[planted, "dmacs"] >= report.thresholds.dmacs_min
    assert items.loc[planted, "recommendation"] == "revise"
    assert items.index[items["noninvariant"]].tolist() == [planted]
    assert report.rating("measurement_invariance") == "-"
    assert planted in report.properties.set_index("key").loc["measurement_invariance", "finding"]
    # the intercept is what was shifted, and in form B it is higher
    dmacs = report.tables["measurement_invariance"]["dmacs"].set_index("item")
    assert dmacs.loc[planted, "group"] == "B"
    assert dmacs.loc[planted, "delta_intercept"] < 0  # reference A minus focal B


@pytest.mark.parametrize("n", [1500, 3000])
def test_partial_invariance_releases_one_constraint_at_a_time(n, truth):
    """Releasing every significant constraint at once left three-item factors without an
    invariant intercept (unidentified) once N made the spill-over of er3 significant; released
    one at a time, the planted intercept is the only one."""
    bank = shared.short_form_bank()
    data = shared.cohort().data.head(n)[["id", "form", *bank.item_ids]]
    report = bk.validate(bank, data, id_column="id", group="form", random_state=1)
    released = report.tables["measurement_invariance"]["released"]
    assert released["release"].tolist() == [f"{truth.noninvariant_item} ~ 1"]
    assert not [n for n in report.notes if n.startswith("measurement_invariance") and "failed" in n]
    items = report.items.set_index("item")
    assert items.index[items["noninvariant"]].tolist() == [truth.noninvariant_item]


def test_partial_invariance_keeps_two_equal_items_per_factor(truth):
    """Shifting er1 up and md2 down and md3 up in form B (er3 is already shifted) leaves no
    two items of mental distance or emotion regulation with equal intercepts: one intercept per
    factor is released, and the release stops there, because a three-item factor must keep two
    items with that parameter equal (Byrne, Shavelson & Muthen, 1989). The constraints that
    could not be released are reported as blocked, their items flagged without a dMACS."""
    bank = shared.short_form_bank()
    data = shared.cohort().data.head(1500)[["id", "form", *bank.item_ids]].copy()
    in_b = data["form"] == "B"
    data.loc[in_b, "er1"] = (data.loc[in_b, "er1"] + 1).clip(upper=5)
    data.loc[in_b, "md2"] = (data.loc[in_b, "md2"] - 1).clip(lower=1)
    data.loc[in_b, "md3"] = (data.loc[in_b, "md3"] + 1).clip(upper=5)
    report = bk.validate(bank, data, id_column="id", group="form", random_state=1)
    released = report.tables["measurement_invariance"]["released"]
    scale_of = {item.id: item.scale for item in bank.items}
    per_factor = released.groupby([released["item"].map(scale_of), "parameter"]).size()
    assert per_factor.loc[("md", "intercept")] == 1 and per_factor.loc[("er", "intercept")] == 1
    assert (per_factor <= 1).all(), per_factor
    assert released["step"].tolist() == list(range(1, len(released) + 1))
    assert report.values["measurement_invariance"]["n_blocked"] >= 2
    items = report.items.set_index("item")
    shifted = ["md2", "md3", "er1", "er3"]
    assert items.loc[shifted, "noninvariant"].all()
    blocked = items.index[items["noninvariant"] & ~items.index.isin(released["item"])]
    assert len(blocked) >= 2 and items.loc[blocked, "dmacs"].isna().all()
    assert not [n for n in report.notes if n.startswith("measurement_invariance") and "failed" in n]


def test_weak_items_are_flagged_for_their_loading(report, truth):
    items = report.items.set_index("item")
    for item in truth.weak_items:
        assert items.loc[item, "recommendation"] in ("revise", "drop"), item
        assert "loading" in items.loc[item, "evidence"], items.loc[item, "evidence"]
    strong = items.drop(index=truth.weak_items)
    assert (strong["loading"] >= report.thresholds.loading_revise).all()


def test_cross_loading_items_are_flagged_on_the_right_factor(report, truth):
    items = report.items.set_index("item")
    for row in truth.cross_loadings.itertuples():
        assert items.loc[row.item, "cross_factor"] == row.factor, row.item
        assert np.sign(items.loc[row.item, "cross_loading"]) == np.sign(row.loading)
        assert items.loc[row.item, "recommendation"] == "revise"


def test_no_item_is_flagged_without_a_planted_reason(report, truth):
    planted = {truth.noninvariant_item, *truth.weak_items, *truth.cross_loadings["item"]}
    flagged = set(report.items.loc[report.items["recommendation"] != "keep", "item"])
    assert flagged == planted
    assert (report.items["recommendation"] != "drop").all()


def test_careless_responders_are_flagged(report, truth):
    screening = report.sections["screening"]
    careless = truth.respondents.set_index("id")["careless"]
    flagged = pd.Series(screening.flagged.to_numpy(), index=report.sections["scores"].scales.index)
    sensitivity = flagged[careless[careless].index].mean()
    assert sensitivity >= 0.8
    values = report.values["data_quality"]
    assert values["n_flagged"] == int(flagged.sum())
    assert f"flagged {values['n_flagged']} of 3000" in report.properties.loc[0, "finding"]


def test_asymmetry_is_found(report, truth):
    checks = report.tables["hypotheses_testing"]["asymmetry_checks"].set_index("check")
    assert truth.parameters["population"]["asymmetry"]
    assert checks.loc["severity", "verdict"] == "pass"
    assert checks.loc["severity", "estimate"] > 0  # the asymmetry grows with severity
    slopes = report.tables["hypotheses_testing"]["asymmetry_slopes"]
    latent = slopes[slopes["version"] == "latent"].set_index("slope")["estimate"]
    assert latent["gain"] < 0 < latent["asymmetry"]
    assert report.rating("hypotheses_testing") == "+"


def test_bank_hypotheses_agree_with_the_population(report, truth):
    """Each scale-level hypothesis holds for the generating factor correlations too."""
    bank = bk.load_bank("bai")
    table = report.tables["hypotheses_testing"]["correlations"].set_index("id")
    population = truth.factor_correlations
    for h in bank.hypotheses:
        a, b = h.scales
        if a in population.index and b in population.index:
            rho = population.loc[a, b]
            sign = {"positive": 1, "negative": -1}.get(h.expected)
            if sign is not None:
                assert np.sign(rho) == sign, h.id
        assert table.loc[h.id, "confirmed"], h.id


def test_retest_section_recovers_the_simulated_stability(report, truth):
    stability = truth.parameters["population"]["retest_stability"]
    icc = report.tables["reliability"]["icc"]
    assert icc["scale"].tolist() == bk.load_bank("bai").scale_ids
    # observed ICCs are the latent stability attenuated by measurement error ...
    expected = stability * np.sqrt(icc["alpha_t1"] * icc["alpha_t2"])
    assert np.abs(icc["icc2_1"] - expected).max() < 0.12
    # ... and corrected for unreliability they are near the simulated stability
    assert abs(icc["stability_corrected"].median() - stability) < 0.05
    error = report.tables["measurement_error"]["error"]
    assert (error["sdc"] > error["sem"]).all()
    assert report.rating("measurement_error") == "?"  # no MIC given


def test_criterion_validity_uses_the_core_score(report):
    crit = report.tables["criterion_validity"]["criterion"]
    assert crit["score"].unique().tolist() == ["core"]
    assert crit.set_index("outcome")["statistic"].to_dict() == {
        "absence_days": "spearman_rho",
        "turnover_intention": "auc",
        "wellbeing": "pearson_r",
    }
    # none of the outcomes is a gold standard of burnout: |r| and AUC stay below .70
    assert report.rating("criterion_validity") == "-"


def test_report_records_versions_settings_and_seeds(report):
    assert report.bank_id == "bai" and report.bank_version == "1.0"
    assert report.versions["burnoutkit"] == bk.__version__
    assert {"numpy", "pandas", "scipy", "python"} <= set(report.versions)
    s = report.settings
    assert s["estimator"] == "auto"
    assert s["estimator_used"] == "MLR" and s["missing"] == "listwise"  # five categories
    assert "5 response categories" in s["estimator_reason"]
    assert s["seeds"]["parallel_analysis"] == 0 and s["n_iter"] == 20
    assert s["group"] == "form" and s["retest"] is True


def test_auto_estimator_follows_the_number_of_categories():
    """estimator="auto": WLSMV with pairwise deletion below five categories, MLR with listwise
    deletion from five on (Rhemtulla et al., 2012), ML with FIML; the reason is recorded."""
    bank = bk.load_bank("bai")
    assert resolve_estimator("auto", bank)[:2] == ("MLR", "listwise")
    assert resolve_estimator("auto", bank, missing="fiml")[:2] == ("ML", "fiml")
    assert resolve_estimator("WLSMV", bank)[:2] == ("WLSMV", "pairwise")
    assert resolve_estimator("WLSMV", bank, missing="listwise")[:2] == ("WLSMV", "listwise")
    with pytest.raises(bk.BurnoutkitError, match="pairwise' needs an ordinal"):
        resolve_estimator("MLR", bank, missing="pairwise")
    with pytest.raises(bk.BurnoutkitError, match="fiml' needs estimator='ML'"):
        resolve_estimator("WLSMV", bank, missing="fiml")
    spec = bank.to_dict()
    spec["response_format"] = {**spec["response_format"], "min": 1, "max": 4, "labels": {}}
    four = bk.ItemBank.from_dict(spec)
    used, missing, reason = resolve_estimator("auto", four)
    assert (used, missing) == ("WLSMV", "pairwise") and "4 response categories" in reason


def test_ordinal_validation_uses_every_answer():
    """estimator="WLSMV": the rated models use pairwise deletion (every answer), the ML-family
    item screens listwise deletion; the reason is rendered."""
    short = shared.short_form_bank()
    data = shared.cohort().data[["id", "form", *short.item_ids]].head(800)
    assert data[short.item_ids].isna().any(axis=1).sum() > 50
    report = bk.validate(short, data, id_column="id", group="form", estimator="WLSMV",
                         random_state=1)
    assert report.settings["estimator_used"] == "WLSMV"
    assert report.settings["missing"] == "pairwise"
    assert report.values["structural_validity"]["rated_fit"]["n_obs"] == 800
    assert report.values["measurement_invariance"]["item_test_estimator"] == "MLR"
    assert "thresholds" in report.tables["measurement_invariance"]["fit"]["level"].tolist()
    assert "pairwise deletion" in report.settings["estimator_reason"]
    assert "WLSMV as requested" in report.to_markdown()


# ------------------------------------------------------------------------------ contract
@pytest.fixture(scope="module")
def core() -> bk.ValidationReport:
    return shared.core_report()


def test_core_report_has_every_section(core):
    assert set(core.values) == {
        "data_quality", "structural_validity", "internal_consistency", "measurement_invariance",
        "reliability", "measurement_error", "hypotheses_testing", "criterion_validity",
        "profiles",
    }  # fmt: skip
    assert core.values["profiles"]["status"] == "computed"
    assert {"enumeration", "means", "outcome_tests"} <= set(core.tables["profiles"])
    assert core.items["item"].tolist() == shared.core_bank().item_ids
    assert set(core.items["recommendation"]) <= {"keep", "revise", "drop"}


def test_failed_auxiliary_analysis_is_noted_not_fatal(core):
    # a bifactor model of three scales is not identified: noted, the rating stands
    assert any("bifactor" in note and "failed" in note for note in core.notes)
    assert core.values["structural_validity"]["status"] == "computed"
    assert core.rating("structural_validity") in ("+", "-")


def test_unrequested_properties_are_unknown():
    data, _ = shared.core_data()
    res = bk.validate(shared.core_bank(), data.head(300), screen=False, structures=(),
                      n_iter=0)
    rows = res.properties.set_index("key")
    for key in ("measurement_invariance", "reliability", "measurement_error",
                "criterion_validity"):
        assert rows.loc[key, "rating"] == "?"
        assert rows.loc[key, "status"] == "not requested"
        assert rows.loc[key, "finding"].startswith("Not assessed:")
    assert "screening" not in res.sections


def test_required_failure_gives_unknown_rating(monkeypatch):
    """When the CFA that rates structural validity fails, the property is "?" (failed) with the
    reason, internal consistency (which needs its loadings) is indeterminate, and the report
    is still written."""
    import burnoutkit.report._steps as steps

    def failing_cfa(*args, **kwargs):
        raise bk.BurnoutkitError("the model is not identified (test)")

    monkeypatch.setattr(steps, "cfa", failing_cfa)
    data, _ = shared.core_data()
    res = bk.validate(shared.core_bank(), data.head(300), structures=(), n_iter=0,
                      screen=False)
    rows = res.properties.set_index("key")
    assert rows.loc["structural_validity", "rating"] == "?"
    assert rows.loc["structural_validity", "status"] == "failed"
    assert rows.loc["internal_consistency", "rating"] == "?"
    assert any(note.startswith("structural_validity: CFA (correlated) failed") for note in
               res.notes)
    assert "not identified (test)" in res.to_markdown()


def test_impossible_estimator_and_missing_combinations_are_named():
    data, _ = shared.core_data()
    with pytest.raises(bk.BurnoutkitError, match="missing='fiml' needs estimator='ML'"):
        bk.validate(shared.core_bank(), data.head(300), estimator="MLR", missing="fiml")


def test_exclude_careless_drops_flagged_respondents_and_lists_them():
    data, _ = shared.core_data()
    bank = bk.load_bank("bai")
    sample = shared.cohort().data.head(600)
    res = bk.validate(bank, sample, id_column="id", exclude_careless=True, structures=(),
                      n_iter=0)
    flagged = int(res.sections["screening"].n_flagged)
    values = res.values["data_quality"]
    assert values["n_excluded"] == flagged > 0
    assert values["n_analysed"] == 600 - flagged
    excluded = res.tables["data_quality"]["excluded"]
    assert len(excluded) == flagged and excluded["reasons"].str.len().gt(0).all()
    assert len(res.sections["scores"].scales) == 600 - flagged
    assert data is not None


def test_thresholds_change_ratings_and_recommendations(core):
    data, retest = shared.core_data()
    lenient = bk.validate(shared.core_bank(), data, id_column="id", retest=retest,
                          thresholds={"icc_min": 0.5, "mic": 2.0, "loading_revise": 0.9},
                          structures=(), n_iter=0, screen=False)
    assert lenient.rating("reliability") == "+"
    assert lenient.rating("measurement_error") == "+"
    assert (lenient.items["recommendation"] != "keep").all()
    assert lenient.thresholds.icc_min == 0.5


def test_inputs_are_not_modified():
    data, retest = shared.core_data()
    before, before_retest = data.copy(), retest.copy()
    bk.validate(shared.core_bank(), data, id_column="id", retest=retest, structures=(),
                n_iter=0)
    pd.testing.assert_frame_equal(data, before)
    pd.testing.assert_frame_equal(retest, before_retest)


def test_progress_bar(capsys):
    data, _ = shared.core_data()
    bk.validate(shared.core_bank(), data.head(200), structures=(), n_iter=0, progress=True,
                screen=False)
    assert "validate" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"group": "from"}, bk.DataError, "Did you mean 'form'"),
        ({"outcomes": ["wellbeeing"]}, bk.DataError, "Did you mean 'wellbeing'"),
        ({"severity": "sev"}, bk.DataError, "severity"),
        ({"estimator": "GLS"}, bk.BurnoutkitError, "'estimator'"),
        ({"missing": "multiple"}, bk.BurnoutkitError, "'missing'"),
        ({"missing": "pairwise"}, bk.BurnoutkitError, "pairwise' needs an ordinal estimator"),
        ({"structure": "hierarchical"}, bk.BurnoutkitError, "'structure'"),
        ({"invariance_levels": ["metric"]}, bk.BurnoutkitError, "configural"),
        ({"n_iter": -1}, bk.BurnoutkitError, "'n_iter'"),
        ({"thresholds": {"alpha": 0.8}}, bk.BurnoutkitError, "alpha_min"),
        ({"thresholds": {"icc_min": 1.5}}, bk.BurnoutkitError, "icc_min"),
        ({"exclude_careless": True, "screen": False}, bk.BurnoutkitError, "screen=True"),
        ({"criterion_score": "cores"}, bk.DataError, "Did you mean 'core'"),
    ],
)
def test_bad_arguments_raise_named_errors(kwargs, error, match):
    data, _ = shared.core_data()
    with pytest.raises(error, match=match):
        bk.validate(shared.core_bank(), data.head(50), id_column="id", **kwargs)


def test_retest_needs_ids():
    data, retest = shared.core_data()
    with pytest.raises(bk.DataError, match="id_column"):
        bk.validate(shared.core_bank(), data.drop(columns="id"), retest=retest)


def test_bad_answers_raise_response_error():
    data, _ = shared.core_data()
    bad = data.head(50).copy()
    bad.loc[bad.index[0], "ex1"] = 9
    with pytest.raises(bk.ResponseError, match="ex1"):
        bk.validate(shared.core_bank(), bad, id_column="id")


def test_thresholds_validate_and_document_sources():
    assert bk.ValidationThresholds().alpha_min == 0.70
    for name in ("cfi_min", "icc_min", "dmacs_min", "loading_revise", "item_rest_revise"):
        assert bk.ValidationThresholds.source(name)
    with pytest.raises(bk.BurnoutkitError, match="fit_rule"):
        bk.ValidationThresholds(fit_rule="some")
    with pytest.raises(bk.BurnoutkitError, match="loading_drop"):
        bk.ValidationThresholds(loading_drop=0.5, loading_revise=0.4)
    with pytest.raises(bk.BurnoutkitError, match="mic"):
        bk.ValidationThresholds(mic={"ex": -1})
    assert bk.ValidationThresholds(mic={"ex": 0.5}).mic_of("ex") == 0.5
    assert bk.ValidationThresholds(mic={"ex": 0.5}).mic_of("md") is None
