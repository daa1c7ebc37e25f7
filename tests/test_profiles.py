"""fit_profiles and enumerate_profiles: behaviour, bad input, warnings, BLRT, standard errors.

Agreement with mclust is in test_profiles_mclust.py, three-step outcomes in
test_profiles_outcomes.py, recovery on the reference cohort in test_profiles_recovery.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import burnoutkit as bk
from burnoutkit.errors import ConvergenceError, ConvergenceWarning, DataError, SmallProfileWarning

REF_DIR = Path(__file__).parent / "reference"
MCLUST = json.loads((REF_DIR / "profiles_mclust.json").read_text())
TEMPLATE = bk.burnout_template()


@pytest.fixture(scope="module")
def sim5() -> pd.DataFrame:
    """Five Gaussian burnout profiles (tests/reference/profiles_mclust.R), columns ex, md, re."""
    data = pd.read_csv(REF_DIR / "data" / "profiles_sim5.csv")
    return data.rename(columns={"exhaustion": "ex", "mental_distance": "md",
                                "reduced_efficacy": "re"})


@pytest.fixture(scope="module")
def fitted(sim5) -> bk.ProfileResult:
    return bk.fit_profiles(sim5[["ex", "md", "re"]], n_profiles=5, template="burnout",
                           random_state=1)


def _simulate(means, shares, sd, n, seed, columns=("ex", "md", "re")):
    rng = np.random.default_rng(seed)
    means = np.asarray(means, dtype=float)
    labels = rng.choice(len(shares), size=n, p=shares)
    x = means[labels] + rng.normal(0.0, sd, (n, means.shape[1]))
    return pd.DataFrame(x, columns=list(columns)[: means.shape[1]]), labels


# ---------------------------------------------------------------------------------------------
# fit_profiles


def test_template_labels_and_order(fitted, sim5):
    assert fitted.profiles == tuple(TEMPLATE.index)
    assert list(fitted.means.index) == list(TEMPLATE.index)
    assert np.abs(fitted.means.to_numpy() - TEMPLATE.to_numpy()).max() < 0.15
    # the labels name the generating profiles: each label is the majority true profile
    table = pd.crosstab(sim5["profile"], fitted.assignment.astype(str))
    assert all(table[col].idxmax() == col for col in table.columns)
    assert fitted.template_distance.max() < 0.4
    assert fitted.warnings == ()


def test_result_tables_are_consistent(fitted):
    post = fitted.posterior.to_numpy()
    assert np.allclose(post.sum(axis=1), 1.0)
    assert fitted.shares["estimate"].sum() == pytest.approx(1.0)
    assert (fitted.assignment.astype(str).to_numpy()
            == np.asarray(fitted.profiles)[post.argmax(axis=1)]).all()
    assert np.allclose(fitted.classification.sum(axis=1), 1.0)
    assert np.allclose(np.diagonal(fitted.classification), fitted.average_posterior)
    assert fitted.shares["n_modal"].sum() == fitted.n
    tidy = fitted.tidy()
    k, d = 5, 3
    assert len(tidy) == k + 2 * k * d  # shares, means, variances (EEI: no covariances)
    assert {"profile", "parameter", "indicator", "estimate", "se", "ci_low", "ci_high"} <= set(
        tidy.columns)
    assert tidy["se"].notna().all() and (tidy["se"] > 0).all()
    glance = fitted.glance()
    assert glance.shape[0] == 1
    assert glance["bic"].iloc[0] == pytest.approx(
        -2 * fitted.log_likelihood + fitted.n_parameters * np.log(fitted.n))
    assert repr(fitted).startswith("<ProfileResult")
    assert "ProfileResult" in fitted._repr_html_()


def test_log_likelihood_and_bic_match_mclust(fitted):
    """R: Mclust(sim5, G = 5, modelNames = "EEI", control = emControl(tol = 1e-11))."""
    ref = next(f for f in MCLUST["fits"]
               if (f["data"], f["model"], f["G"]) == ("sim5", "EEI", 5))["tight"]
    assert fitted.log_likelihood == pytest.approx(ref["loglik"], abs=1e-3)
    assert fitted.bic == pytest.approx(-ref["bic"], abs=1e-3)
    assert fitted.n_parameters == ref["df"]


def test_same_solution_from_other_seeds(fitted, sim5):
    other = bk.fit_profiles(sim5[["ex", "md", "re"]], n_profiles=5, template="burnout",
                            random_state=99)
    assert other.log_likelihood == pytest.approx(fitted.log_likelihood, abs=1e-3)
    assert np.allclose(other.means, fitted.means, atol=1e-3)


def test_order_without_template_follows_first_indicator(sim5):
    res = bk.fit_profiles(sim5[["ex", "md", "re"]], n_profiles=3, random_state=1)
    assert res.profiles == ("profile_1", "profile_2", "profile_3")
    assert np.all(np.diff(res.means["ex"].to_numpy()) > 0)
    assert res.template_distance is None


def test_predict_and_augment(fitted, sim5):
    data = sim5[["ex", "md", "re"]]
    proba = fitted.predict_proba(data)
    assert np.allclose(proba.to_numpy(), fitted.posterior.to_numpy(), atol=1e-12)
    assert (fitted.predict(data) == fitted.assignment).all()
    aug = fitted.augment(sim5)
    assert list(aug.columns[-6:]) == [f"p_{p}" for p in fitted.profiles] + ["assigned_profile"]
    assert len(aug) == len(sim5) and (aug["profile"] == sim5["profile"]).all()
    with pytest.raises(DataError, match=r"overwrite columns \['assigned_profile'\]"):
        fitted.augment(aug[["ex", "md", "re", "assigned_profile"]])
    with pytest.raises(DataError, match=r"Indicators \['re'\] are not in the data"):
        fitted.predict(data[["ex", "md"]])


@pytest.mark.parametrize(("variances", "covariances"), [("varying", "zero"), ("equal", "equal"),
                                                         ("varying", "varying")])
def test_other_parameterizations_tidy(sim5, variances, covariances):
    res = bk.fit_profiles(sim5[["ex", "md", "re"]].iloc[:600], n_profiles=2,
                          variances=variances, covariances=covariances, random_state=1)
    tidy = res.tidy()
    n_cov = 0 if covariances == "zero" else 3
    assert len(tidy) == 2 + 2 * (3 + 3 + n_cov)
    assert res.model == {"varying": "V", "equal": "E"}[variances] * 2 + (
        "I" if covariances == "zero" else res.model[-1])
    if variances == "equal":
        var = tidy[tidy["parameter"] == "variance"].pivot(index="profile", columns="indicator",
                                                          values="estimate")
        assert np.allclose(var.iloc[0], var.iloc[1])


def test_missing_values(sim5):
    data = sim5[["ex", "md", "re"]].copy()
    data.iloc[[3, 10], 1] = np.nan
    with pytest.raises(DataError, match=r"2 rows have missing .*rows \['3', '10'\].*listwise"):
        bk.fit_profiles(data, n_profiles=2)
    res = bk.fit_profiles(data, n_profiles=2, missing="listwise", random_state=1)
    assert res.n == len(data) - 2
    assert 3 not in res.posterior.index


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_profiles": 0}, r"'n_profiles' parameter of fit_profiles must be an int in \[1, 40\]"),
        ({"n_profiles": 2.0}, "must be an int"),
        ({"n_profiles": 2, "variances": "free"},
         r"'variances' parameter .* \['equal', 'varying'\]"),
        ({"n_profiles": 2, "variances": "varying", "covariances": "equal"},
         "not one of the four parameterizations"),
        ({"n_profiles": 2, "n_init": 0}, "'n_init' parameter of fit_profiles must be an int >= 1"),
        ({"n_profiles": 2, "template": "mbi"}, "'template' parameter"),
        ({"n_profiles": 2, "template": TEMPLATE.rename(columns={"ex": "exhaustion"})},
         r"Template columns \['exhaustion'\] are not among the indicators"),
        ({"n_profiles": 2, "confidence_level": 95}, "'confidence_level'"),
        ({"n_profiles": 2, "standard_errors": "bootstrap"}, "'standard_errors'"),
        ({"n_profiles": 2, "missing": "pairwise"}, "'missing'"),
    ],
)
def test_bad_arguments(sim5, kwargs, message):
    with pytest.raises(DataError, match=message):
        bk.fit_profiles(sim5[["ex", "md", "re"]], **kwargs)


def test_bad_data(sim5):
    with pytest.raises(DataError, match="needs the profile indicators as a pandas DataFrame"):
        bk.fit_profiles([[1, 2], [3, 4]], n_profiles=1)
    with pytest.raises(DataError, match=r"Columns \['profile'\] are not numeric"):
        bk.fit_profiles(sim5, n_profiles=2)
    with pytest.raises(DataError, match=r"Indicators \['c'\] are constant"):
        bk.fit_profiles(sim5[["ex", "md"]].assign(c=1.0), n_profiles=2)
    with pytest.raises(DataError, match="more respondents than profiles"):
        bk.fit_profiles(sim5[["ex", "md", "re"]].iloc[:4], n_profiles=5)


def test_inputs_are_not_mutated(sim5):
    data = sim5[["ex", "md", "re"]].iloc[:400].copy()
    template = TEMPLATE.copy()
    before, tbefore = data.copy(), template.copy()
    res = bk.fit_profiles(data, n_profiles=3, template=template, random_state=1)
    bk.enumerate_profiles(data, n_profiles=[1, 2], n_boot=0, random_state=1)
    outcomes = pd.DataFrame({"y": np.arange(400.0)}, index=data.index)
    obefore = outcomes.copy()
    bk.profile_outcomes(res, outcomes)
    pd.testing.assert_frame_equal(data, before)
    pd.testing.assert_frame_equal(template, tbefore)
    pd.testing.assert_frame_equal(outcomes, obefore)


def test_small_profile_warning():
    data, _ = _simulate([[0, 0], [3, 3], [-3, 3]], [0.6, 0.385, 0.015], 0.5, 2000, seed=4,
                        columns=("a", "b"))
    with pytest.warns(SmallProfileWarning, match=r"small profile .*\(1\.\d%, about \d+ resp"):
        res = bk.fit_profiles(data, n_profiles=3, random_state=1)
    assert any("small profile" in w for w in res.warnings)


def test_singular_covariance_is_an_error_for_fit_and_a_warning_for_enumeration():
    """Collinear indicators: every full-covariance model is singular (mclust returns NA)."""
    rng = np.random.default_rng(0)
    a = rng.normal(size=300)
    data = pd.DataFrame({"a": a, "b": 2 * a + 1})
    with pytest.raises(ConvergenceError,
                       match=r"EEE model with 2 profiles .*\(singular covariance"):
        bk.fit_profiles(data, n_profiles=2, variances="equal", covariances="equal")
    with pytest.warns(ConvergenceWarning) as record:
        res = bk.enumerate_profiles(data, n_profiles=[1, 2], variances=["equal", "equal"],
                                    covariances=["zero", "equal"], n_boot=5, random_state=1,
                                    progress=False)
    messages = [str(w.message) for w in record]
    assert messages == list(res.warnings)
    assert messages[0].startswith("No admissible solution (their criteria are missing): EEE "
                                  "with 1 profiles (singular covariance matrix)")
    eee = res.fits[res.fits["model"] == "EEE"]
    assert eee["bic"].isna().all()
    assert eee["problems"].str.contains("no admissible solution: singular covariance").all()
    assert eee["problems"].iloc[1].count("tests not computed") == 1
    assert any("Bootstrap LRT problems" in w for w in res.warnings)
    eei = res.fits[res.fits["model"] == "EEI"]
    assert eei["bic"].notna().all() and eei["blrt_p"].iloc[1] > 0
    assert res.recommended_model == "EEI"


def test_standard_errors_agree_with_monte_carlo_spread():
    """Observed-information SEs of means and shares against their spread over 40 samples."""
    means, shares = [[-1.0, 0.0], [1.0, 0.5], [0.0, 2.0]], [0.5, 0.3, 0.2]
    est, ses = [], []
    for seed in range(40):
        data, _ = _simulate(means, shares, 0.6, 600, seed=100 + seed, columns=("a", "b"))
        res = bk.fit_profiles(data, n_profiles=3, random_state=seed, n_init=8)
        tidy = res.tidy().query("parameter in ['mean', 'share']")
        est.append(tidy["estimate"].to_numpy())
        ses.append(tidy["se"].to_numpy())
    ratio = np.mean(ses, axis=0) / np.std(est, axis=0, ddof=1)
    # with 40 replicates the SD itself is known to about +-11%
    assert np.all((ratio > 0.75) & (ratio < 1.3)), ratio


def test_sandwich_standard_errors_are_close_under_correct_specification(sim5):
    data = sim5[["ex", "md", "re"]]
    obs = bk.fit_profiles(data, n_profiles=5, random_state=1).tidy()["se"].to_numpy()
    rob = bk.fit_profiles(data, n_profiles=5, random_state=1,
                          standard_errors="sandwich").tidy()["se"].to_numpy()
    assert np.all(np.abs(rob / obs - 1) < 0.2)
    none = bk.fit_profiles(data, n_profiles=5, random_state=1, standard_errors=None)
    assert none.tidy()["se"].isna().all()


# ---------------------------------------------------------------------------------------------
# enumerate_profiles


@pytest.fixture(scope="module")
def enumeration(sim5) -> bk.EnumerationResult:
    # six profiles over-extract: the starts end at different small-gain maxima
    with pytest.warns(ConvergenceWarning, match="not replicated .* EEI with 6 profiles"):
        return bk.enumerate_profiles(sim5[["ex", "md", "re"]], n_profiles=range(1, 7),
                                     n_boot=39, random_state=3, progress=False)


def test_enumeration_criteria(enumeration, sim5):
    fits = enumeration.fits
    n = len(sim5)
    assert list(fits["n_profiles"]) == [1, 2, 3, 4, 5, 6]
    k, ll = fits["n_parameters"], fits["log_likelihood"]
    assert np.allclose(fits["aic"], -2 * ll + 2 * k)
    assert np.allclose(fits["bic"], -2 * ll + k * np.log(n))
    assert np.allclose(fits["sabic"], -2 * ll + k * np.log((n + 2) / 24))
    assert np.allclose(fits["caic"], -2 * ll + k * (np.log(n) + 1))
    assert (fits["icl"] >= fits["bic"]).all()
    assert fits["entropy"].iloc[0] == 1.0 and fits["entropy"].between(0, 1).all()
    assert np.allclose(fits["smallest_n"], fits["smallest_share"] * n)
    assert fits["bic"].idxmin() == 4
    assert enumeration.glance()["recommended_n_profiles"].iloc[0] == 5


def test_blrt_agrees_with_mclust(enumeration):
    """R: mclustBootstrapLRT(sim5, modelName = "EEI", maxG = 5, nboot = 199, control = tight).

    The observed statistics are mclust's at the same optima (2 to 5 profiles; for 6 we find a
    higher maximum than mclust's hierarchical start), and the decisions agree: significant up to
    5 profiles, not significant for 6 against 5 (mclust: p = .22).
    """
    ref = MCLUST["blrt"]
    fits = enumeration.fits.set_index("n_profiles")
    for g, obs, p in zip(ref["G"], ref["obs"], ref["p_value"], strict=True):
        if g <= 5:
            assert fits.loc[g, "blrt_stat"] == pytest.approx(obs, abs=2e-3)
            assert p < 0.01 and fits.loc[g, "blrt_p"] == pytest.approx(1 / 40)
        else:
            assert fits.loc[g, "blrt_stat"] >= obs - 1e-3
            assert p > 0.05 and fits.loc[g, "blrt_p"] > 0.05
    assert (fits["blrt_n_boot"].iloc[1:] == 39).all()
    assert np.isnan(fits.loc[1, "blrt_p"])


def test_recommendation_states_its_criteria(enumeration):
    text = enumeration.recommendation
    assert enumeration.recommended_model == "EEI"
    assert enumeration.recommended_n_profiles == 5
    assert "Nylund, Asparouhov & Muthén (2007)" in text
    assert "entropy" in text and "not used to choose" in text
    assert "The BLRT agrees: it stops at 5 profiles" in text


def test_enumeration_of_all_parameterizations(sim5):
    with pytest.warns(ConvergenceWarning, match="not replicated") as record:
        res = bk.enumerate_profiles(
            sim5[["ex", "md", "re"]], n_profiles=[4, 5, 6],
            variances=["equal", "varying", "equal", "varying"],
            covariances=["zero", "zero", "equal", "varying"], n_boot=0, random_state=1,
        )
    assert [str(w.message) for w in record] == list(res.warnings)
    flagged = res.fits[res.fits["problems"].str.contains("not replicated")]
    assert all(f"{m} with {g} profiles" in res.warnings[0]
               for m, g in zip(flagged["model"], flagged["n_profiles"], strict=True))
    assert list(res.fits["model"].unique()) == ["EEI", "VVI", "EEE", "VVV"]
    assert res.recommended_n_profiles == 5
    assert "not computed (n_boot=0)" in res.recommendation


def test_enumeration_bad_arguments(sim5):
    data = sim5[["ex", "md", "re"]]
    with pytest.raises(DataError, match="pairs 'variances' and 'covariances' element by element"):
        bk.enumerate_profiles(data, variances=["equal", "varying"],
                              covariances=["zero", "zero", "equal"])
    with pytest.raises(DataError, match="'n_profiles' parameter of enumerate_profiles is empty"):
        bk.enumerate_profiles(data, n_profiles=[])
    with pytest.raises(DataError, match="'n_boot' parameter of enumerate_profiles"):
        bk.enumerate_profiles(data, n_boot=-1)
    with pytest.raises(DataError, match="'significance_level'"):
        bk.enumerate_profiles(data, significance_level=5)
