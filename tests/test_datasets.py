"""Shipped data sets, the reference-cohort files and the simulate_cohort API.

Recovery of the population values from the cohort is tested in tests/test_cohort_recovery.py.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import burnoutkit as bk
from burnoutkit.datasets import (
    REFERENCE_N,
    REFERENCE_SEED,
    Cohort,
    dataset_path,
    default_population,
    load_bfi,
    load_holzinger_swineford,
    load_reference_cohort,
    simulate_cohort,
)

FILES = ["cohort.csv", "retest.csv", "truth_respondents.csv", "truth_retest.csv", "truth.json"]
LATENT = [
    "ex", "md", "re", "B", "ar", "rr", "gs", "ls", "er", "dq", "ic", "sm", "cw", "ad", "rg",
    "ss", "pe", "acquiescence",
]  # fmt: skip


@pytest.fixture(scope="module")
def shipped() -> Cohort:
    return load_reference_cohort()


@pytest.fixture(scope="module")
def small() -> Cohort:
    return simulate_cohort(400, random_state=7)


# ------------------------------------------------------------------ public replication data
def test_load_bfi(bfi):
    assert bfi.shape == (2800, 29)
    assert list(bfi.columns[:2]) == ["id", "A1"]


def test_load_holzinger_swineford(holzinger_swineford):
    assert holzinger_swineford.shape == (301, 15)
    assert [f"x{i}" for i in range(1, 10)] == list(holzinger_swineford.columns[-9:])


def test_public_loaders_return_fresh_frames():
    first = load_bfi()
    first.loc[0, "A1"] = 99
    assert load_bfi().loc[0, "A1"] != 99
    assert load_holzinger_swineford() is not load_holzinger_swineford()


def test_dataset_path_names_the_missing_file():
    with pytest.raises(bk.DatasetError, match=r"'public/nope\.csv' is missing"):
        dataset_path("public", "nope.csv")


def test_datasets_is_a_public_module():
    assert bk.datasets.simulate_cohort is simulate_cohort
    assert "datasets" in bk.__all__


# ------------------------------------------------------------------ the shipped cohort
def test_reference_cohort_files_are_installed():
    folder = dataset_path("reference_cohort")
    for name in [*FILES, "README.md"]:
        assert (folder / name).is_file(), name


def test_reference_cohort_columns_follow_the_bank(shipped, bai):
    covariates = [v.id for v in bai.covariates]
    outcomes = [v.id for v in bai.outcomes]
    assert list(shipped.data.columns) == ["id", *covariates, *bai.item_ids, *outcomes]
    assert list(shipped.retest.columns) == ["id", *bai.item_ids]
    assert shipped.data.shape == (REFERENCE_N, 87)
    assert shipped.truth.seed == REFERENCE_SEED
    assert shipped.truth.parameters["n"] == REFERENCE_N


def test_reference_cohort_dtypes(shipped, bai):
    data = shipped.data
    assert (data[bai.item_ids].dtypes == np.float64).all()
    for column in ["occupation", "sex", "form"]:
        assert isinstance(data[column].dtype, pd.CategoricalDtype), column
    assert list(data["occupation"].cat.categories) == [
        "clinician", "teacher", "entrepreneur", "caregiver", "office",
    ]  # fmt: skip
    assert list(data["form"].cat.categories) == ["A", "B"]
    for column in ["age", "tenure", "absence_days", "turnover_intention"]:
        assert data[column].dtype == np.int64, column
    assert data["wellbeing"].dtype == np.float64
    assert (shipped.truth.respondents[LATENT].dtypes == np.float64).all()


def test_reference_cohort_values_are_in_range(shipped, bai):
    items = shipped.data[bai.item_ids].to_numpy()
    answered = items[~np.isnan(items)]
    assert set(np.unique(answered)) == {1.0, 2.0, 3.0, 4.0, 5.0}
    assert shipped.data["id"].is_unique
    assert shipped.data["turnover_intention"].isin([0, 1]).all()
    assert (shipped.data["absence_days"] >= 0).all()
    assert shipped.data["age"].between(21, 67).all()
    assert (shipped.data["tenure"] >= 0).all()
    assert (shipped.data["tenure"] <= shipped.data["age"] - 18).all()
    assert not shipped.data.drop(columns=bai.item_ids).isna().any().any()


def test_truth_rows_match_the_data(shipped):
    truth = shipped.truth
    assert truth.respondents["id"].tolist() == shipped.data["id"].tolist()
    assert set(shipped.retest["id"]) <= set(shipped.data["id"])
    flagged = truth.respondents.loc[truth.respondents["retest"], "id"]
    assert flagged.tolist() == shipped.retest["id"].tolist()
    assert truth.retest["id"].tolist() == shipped.retest["id"].tolist()
    n_missing = shipped.data[[r["item"] for r in truth.parameters["items"]]].isna().sum(axis=1)
    assert n_missing.tolist() == truth.respondents["n_missing"].tolist()


def test_regenerating_reproduces_the_shipped_files(tmp_path):
    """The documented seed reproduces every shipped file byte for byte."""
    simulate_cohort(REFERENCE_N, random_state=REFERENCE_SEED).save(tmp_path)
    shipped = dataset_path("reference_cohort")
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (shipped / name).read_bytes(), name


def test_loaded_cohort_equals_the_simulated_cohort(shipped):
    fresh = simulate_cohort(REFERENCE_N, random_state=REFERENCE_SEED)
    pd.testing.assert_frame_equal(shipped.data, fresh.data, check_exact=True)
    pd.testing.assert_frame_equal(shipped.retest, fresh.retest, check_exact=True)
    pd.testing.assert_frame_equal(
        shipped.truth.respondents, fresh.truth.respondents, check_exact=True
    )
    pd.testing.assert_frame_equal(shipped.truth.retest, fresh.truth.retest, check_exact=True)
    assert shipped.truth.parameters == fresh.truth.parameters


def test_save_load_round_trip(small, tmp_path):
    again = Cohort.load(small.save(tmp_path / "variant"))
    pd.testing.assert_frame_equal(again.data, small.data, check_exact=True)
    pd.testing.assert_frame_equal(again.truth.respondents, small.truth.respondents)
    assert again.truth.parameters == small.truth.parameters


def test_load_names_a_missing_file(small, tmp_path):
    small.save(tmp_path)
    (tmp_path / "retest.csv").unlink()
    with pytest.raises(bk.DatasetError, match=r"'retest\.csv' is missing"):
        Cohort.load(tmp_path)


def test_load_names_an_unknown_category(small, tmp_path):
    small.save(tmp_path)
    path = tmp_path / "cohort.csv"
    path.write_text(path.read_text().replace(",teacher,", ",pilot,", 1))
    with pytest.raises(bk.DatasetError, match=r"'occupation'.*\['pilot'\]"):
        Cohort.load(tmp_path)


# ------------------------------------------------------------------ truth
def test_truth_is_json_serializable(small):
    assert json.loads(small.truth.to_json()) == small.truth.parameters


def test_truth_names_the_planted_structure(shipped, bai):
    truth = shipped.truth
    assert truth.noninvariant_item == "er3"
    assert truth.weak_items == ["md3", "ad3"]
    assert truth.cross_loadings.to_dict("records") == [
        {"item": "ex2", "factor": "md", "loading": 0.25},
        {"item": "er2", "factor": "ic", "loading": -0.25},
        {"item": "rg5", "factor": "ad", "loading": 0.30},
    ]
    loadings = truth.loadings
    assert loadings["item"].tolist() == bai.item_ids
    assert loadings["keyed"].tolist() == bai.keys.tolist()
    assert (
        loadings.loc[~loadings["item"].isin(truth.weak_items), "loading"].between(0.55, 0.85).all()
    )
    assert (loadings["acquiescence"] == 0.15).all()
    taus = loadings[["tau1", "tau2", "tau3", "tau4"]].to_numpy()
    assert (np.diff(taus, axis=1) > 0).all()
    assert truth.parameters["pairs"] == [list(p) for p in bai.pairs]


def test_truth_latent_metric(shipped):
    """Slopes of G and L on B are their correlations with B (unit-variance factors)."""
    truth = shipped.truth
    r = truth.severity_correlations
    assert r["gs"] == pytest.approx(-0.35, abs=1e-6)
    assert r["ls"] == pytest.approx(0.10, abs=1e-6)
    phi = truth.factor_correlations
    assert np.allclose(np.diag(phi), 1.0)
    assert np.linalg.eigvalsh(phi.to_numpy()).min() > 0
    profiles = truth.profiles
    assert profiles["profile"].tolist() == [
        "engaged", "ineffective", "overextended", "disengaged", "burnout",
    ]  # fmt: skip
    assert profiles["share"].sum() == pytest.approx(1.0)
    assert (profiles["share"] * profiles["absence_mean"]).sum() == pytest.approx(9.0, abs=1e-4)
    assert (profiles["share"] * profiles["turnover_rate"]).sum() == pytest.approx(0.22, abs=1e-4)


# ------------------------------------------------------------------ API and variants
def test_same_seed_same_cohort():
    a = simulate_cohort(300, random_state=3)
    b = simulate_cohort(300, random_state=3)
    pd.testing.assert_frame_equal(a.data, b.data, check_exact=True)
    c = simulate_cohort(300, random_state=4)
    assert not a.data.equals(c.data)


def test_random_state_none_records_a_reproducible_seed():
    a = simulate_cohort(200, random_state=None)
    b = simulate_cohort(200, random_state=a.truth.seed)
    pd.testing.assert_frame_equal(a.data, b.data, check_exact=True)


def test_null_variant_changes_only_the_sensitivity_factors(bai):
    """Components draw from separate streams, so a variant differs only where it must."""
    a = simulate_cohort(500, random_state=11)
    b = simulate_cohort(500, random_state=11, asymmetry=False)
    slopes = b.truth.parameters["factor_slopes_on_core"]
    assert slopes["gs"] == slopes["ls"]
    assert b.truth.severity_correlations["gs"] == pytest.approx(-0.125, abs=1e-6)
    same = ["profile", "ex", "md", "re", "B", "ar", "sm", "pe", "careless"]
    pd.testing.assert_frame_equal(a.truth.respondents[same], b.truth.respondents[same])
    assert not np.allclose(a.truth.respondents["gs"], b.truth.respondents["gs"])
    others = [i for i in bai.item_ids if bai.item(i).scale not in ("gs", "ls")]
    pd.testing.assert_frame_equal(a.data[others], b.data[others])


def test_severity_variant_has_four_level_profiles():
    cohort = simulate_cohort(500, random_state=2, profiles="severity")
    profiles = cohort.truth.profiles
    assert profiles["profile"].tolist() == ["low", "mild", "moderate", "severe"]
    means = profiles[["ex", "md", "re"]].to_numpy()
    assert (means == means[:, :1]).all()
    population = cohort.truth.parameters["population"]
    assert set(population["absence_profile_offsets"].values()) == {0.0}
    assert set(population["turnover_profile_offsets"].values()) == {0.0}
    assert list(cohort.truth.respondents["profile"].cat.categories) == list(profiles["profile"])


def test_custom_profiles():
    profiles = {
        "low": {"share": 0.6, "means": [-0.5, -0.5, -0.5]},
        "high": {"share": 0.4, "means": [0.75, 0.75, 0.75]},
    }
    cohort = simulate_cohort(300, random_state=1, profiles=profiles, within_profile_sd=0.3)
    assert cohort.truth.profiles["profile"].tolist() == ["low", "high"]


def test_inputs_are_not_mutated():
    loadings = {"ex1": 0.7}
    slopes = {"ar": {"B": -0.3}}
    simulate_cohort(100, random_state=0, loadings=loadings, factor_slopes=slopes)
    assert loadings == {"ex1": 0.7}
    assert slopes == {"ar": {"B": -0.3}}


def test_default_population_lists_every_keyword():
    defaults = default_population()
    assert defaults["within_profile_sd"] == 0.30
    assert defaults["noninvariant_item"] == "er3"
    cohort = simulate_cohort(100, random_state=0, **defaults)
    assert cohort.truth.parameters["population"] == defaults


def test_zero_mess_variant():
    cohort = simulate_cohort(200, random_state=0, careless_share=0.0, missing_share=0.0)
    assert not cohort.truth.respondents["careless"].any()
    assert not cohort.data.isna().any().any()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 5}, r"'n' parameter of simulate_cohort must be an int in \[10, 10000000\]; got 5"),
        ({"random_state": np.random.default_rng(1)}, r"'random_state' parameter"),
        ({"random_state": -1}, r"'random_state' parameter .* got -1"),
        (
            {"gain_slop": -0.3},
            r"unknown population keyword 'gain_slop'. Did you mean 'gain_slope'\?",
        ),
        ({"profiles": "six"}, r"'profiles' parameter .* got 'six'"),
        ({"within_profile_sd": 0}, r"'within_profile_sd' parameter .* got 0"),
        ({"occupations": {"teacher": 0.5, "office": 0.4}}, r"sum to 1; got shares summing"),
        ({"loadings": {"ex9": 0.5}}, r"'loadings' parameter .* names 'ex9'"),
        ({"noninvariant_item": "er9"}, r"'noninvariant_item' parameter .* names 'er9'"),
        ({"cross_loadings": {"ex1": {"ex": 0.2}}}, r"other than the item's own 'ex'"),
        ({"asymmetry": "no"}, r"'asymmetry' parameter .* True or False"),
        ({"loadings": dict.fromkeys(["ex1", "ex2"], 0.95)}, r"no residual variance left"),
    ],
)
def test_bad_arguments_name_the_culprit(kwargs, message):
    kwargs = {"n": 100, "random_state": 0, **kwargs}
    with pytest.raises(bk.BurnoutkitError, match=message):
        simulate_cohort(**kwargs)


def test_impossible_factor_structure_is_refused():
    with pytest.raises(bk.BurnoutkitError, match="not positive definite"):
        simulate_cohort(100, random_state=0, system_residual_r={"regulation": -0.6})


def test_cohort_repr(shipped):
    assert repr(shipped) == "<Cohort n=3000, seed=20261123, 5 profiles, retest n=300>"
