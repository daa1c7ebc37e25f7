"""profile_outcomes: BCH and ML three-step estimates against StepMix, bias removal, bad input.

StepMix 3.0 (Morin et al., 2025) is the reference: its measurement model ``gaussian_diag`` is
our VVI, so both sides fit the same step-1 model (to about 1e-7 in log-likelihood; StepMix adds
1e-6 to the variances) and then apply the corrections.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import burnoutkit as bk
from burnoutkit.errors import DataError
from burnoutkit.profiles.outcomes import classification_error

stepmix = pytest.importorskip("stepmix")
from stepmix.corrections import compute_bch_matrix  # noqa: E402
from stepmix.stepmix import StepMix  # noqa: E402

TEMPLATE = bk.burnout_template()


def _data(n, seed, sd=0.45):
    rng = np.random.default_rng(seed)
    truth = rng.choice(5, size=n, p=[0.35, 0.15, 0.20, 0.15, 0.15])
    x = pd.DataFrame(TEMPLATE.to_numpy()[truth] + rng.normal(0, sd, (n, 3)),
                     columns=TEMPLATE.columns)
    return x, truth, rng


@pytest.fixture(scope="module")
def setup():
    x, truth, rng = _data(1500, seed=5)
    age = rng.normal(0, 1, len(x))
    female = (rng.random(len(x)) < 0.5).astype(float)
    y = pd.DataFrame({
        "wellbeing": np.array([1.0, 0.2, -0.3, -0.5, -1.2])[truth] + rng.normal(0, 1, len(x)),
        "turnover": (rng.random(len(x)) < np.array([0.1, 0.2, 0.3, 0.4, 0.6])[truth]).astype(
            float),
    })
    z = pd.DataFrame({"age": age, "female": female})
    res = bk.fit_profiles(x, n_profiles=5, variances="varying", covariances="zero",
                          template="burnout", random_state=1)
    return x, y, z, res


def _stepmix(x, target, structural, correction, **params):
    model = StepMix(n_components=5, n_steps=3, measurement="gaussian_diag",
                    structural=structural, correction=correction, n_init=3, random_state=1,
                    progress_bar=0, max_iter=5000, abs_tol=1e-12, **params)
    return model.fit(x, target)


def _align(model, res):
    """StepMix class of each of our profiles (closest measurement means)."""
    means = model.get_parameters()["measurement"]["means"]
    return [int(np.argmin(((means - row) ** 2).sum(axis=1))) for row in res.mean]


def test_classification_error_matrix_is_stepmix(setup):
    """StepMix: stepmix.corrections.compute_bch_matrix(posterior, "modal")."""
    *_, res = setup
    post = res.posterior.to_numpy()
    d_ref, _ = compute_bch_matrix(post, "modal")
    assert np.allclose(classification_error(post, post.argmax(axis=1)), d_ref, atol=1e-12)


@pytest.mark.parametrize(
    ("outcome", "structural", "correction", "tol"),
    [
        ("wellbeing", "gaussian_diag", "BCH", 1e-4),
        ("turnover", "binary", "BCH", 1e-4),
        ("turnover", "binary", "ML", 1e-4),
        # StepMix keeps the profile shares at their step-1 values in the ML step; we re-estimate
        # them (Vermunt, 2010). Fixing them, our estimates agree with StepMix to 6e-5.
        ("wellbeing", "gaussian_diag", "ML", 2e-3),
    ],
)
def test_distal_outcomes_agree_with_stepmix(setup, outcome, structural, correction, tol):
    """StepMix(n_steps=3, measurement="gaussian_diag", structural=..., correction=...)."""
    x, y, _, res = setup
    model = _stepmix(x, y[[outcome]], structural, correction)
    perm = _align(model, res)
    params = model.get_parameters()["structural"]
    ref = (params["means"] if structural.startswith("gaussian") else params["pis"])[perm, 0]
    ours = bk.profile_outcomes(res, y[[outcome]], method=correction.lower())
    assert np.abs(ours.estimates["estimate"].to_numpy() - ref).max() < tol


@pytest.mark.parametrize("correction", ["BCH", "ML"])
def test_covariate_effects_agree_with_stepmix(setup, correction):
    """StepMix(n_steps=3, structural="covariate", correction=...): logits against profile 1."""
    x, _, z, res = setup
    iters = 1 if correction == "ML" else 100
    model = _stepmix(x, z, "covariate", correction,
                     structural_params={"max_iter": iters, "tol": 1e-12})
    beta = model.get_parameters()["structural"]["beta"][_align(model, res)]
    ref = (beta[1:] - beta[0]).ravel()
    ours = bk.profile_outcomes(res, covariates=z, method=correction.lower()).covariate_effects
    assert list(ours["term"].unique()) == ["intercept", "age", "female"]
    assert np.abs(ours["estimate"].to_numpy() - ref).max() < 1e-4
    assert np.allclose(ours["odds_ratio"], np.exp(ours["estimate"]))


def test_bch_removes_most_of_the_naive_attenuation():
    """Twenty samples with overlapping profiles (entropy about .7): the naive (modal) means are
    pulled toward each other; BCH and ML recover the true spread."""
    true = np.array([1.0, 0.2, -0.3, -0.5, -1.2])
    gap = {"naive": [], "bch": [], "ml": []}
    for seed in range(20):
        x, truth, rng = _data(1500, seed=200 + seed, sd=0.6)
        y = pd.DataFrame({"y": true[truth] + rng.normal(0, 1, len(x))})
        res = bk.fit_profiles(x, n_profiles=5, template="burnout", random_state=seed, n_init=8)
        for method in gap:
            est = bk.profile_outcomes(res, y, method=method).estimates["estimate"].to_numpy()
            gap[method].append(est[0] - est[4])  # engaged minus burnout
    true_gap = true[0] - true[4]
    bias = {m: np.mean(v) - true_gap for m, v in gap.items()}
    assert bias["naive"] < -0.15  # attenuated
    assert abs(bias["bch"]) < 0.3 * abs(bias["naive"])
    assert abs(bias["ml"]) < 0.3 * abs(bias["naive"])


def test_tests_and_effect_sizes(setup):
    _, y, _, res = setup
    out = bk.profile_outcomes(res, y, method="bch")
    assert list(out.tests["outcome"]) == ["wellbeing", "turnover"]
    assert list(out.tests["type"]) == ["continuous", "binary"]
    assert (out.tests["df"] == 4).all() and (out.tests["p_value"] < 1e-10).all()
    pw = out.pairwise
    assert len(pw) == 2 * 10
    assert (pw["p_holm"] >= pw["p_value"]).all()
    assert set(pw["effect"]) == {"cohen_d", "odds_ratio"}
    row = pw[(pw["outcome"] == "turnover") & (pw["profile_a"] == "engaged")
             & (pw["profile_b"] == "burnout")].iloc[0]
    est = out.estimates.set_index(["outcome", "profile"])["estimate"]
    pa, pb = est["turnover", "engaged"], est["turnover", "burnout"]
    assert row["effect_size"] == pytest.approx((pa / (1 - pa)) / (pb / (1 - pb)))
    assert out.glance()["n_outcomes"].iloc[0] == 2


def test_two_profile_omnibus_equals_pairwise_squared(setup):
    x, y, _, _ = setup
    res = bk.fit_profiles(x, n_profiles=2, random_state=1)
    out = bk.profile_outcomes(res, y[["wellbeing"]], method="bch")
    assert out.tests["statistic"].iloc[0] == pytest.approx(out.pairwise["statistic"].iloc[0] ** 2)


def test_adjusted_models_recover_planted_effects():
    """Negative-binomial, logistic and linear models of outcomes on profile and age."""
    x, truth, rng = _data(3000, seed=11)
    age = rng.normal(0, 1, len(x))
    mu = np.exp(np.log([2, 3, 4, 5, 8])[truth] + 0.2 * age)
    y = pd.DataFrame({
        "absence_days": rng.negative_binomial(1.5, 1.5 / (1.5 + mu)),
        "turnover": (rng.random(len(x)) < 1 / (1 + np.exp(-(np.array(
            [-2, -1.5, -1, -0.5, 0.5])[truth] + 0.3 * age)))).astype(int),
        "wellbeing": np.array([1.0, 0.2, -0.3, -0.5, -1.2])[truth] + 0.5 * age
        + rng.normal(0, 1, len(x)),
    })
    res = bk.fit_profiles(x, n_profiles=5, template="burnout", random_state=1)
    truth_coef = {
        "absence_days": [*np.log([3 / 2, 4 / 2, 5 / 2, 8 / 2]), 0.2],
        "turnover": [0.5, 1.0, 1.5, 2.5, 0.3],
        "wellbeing": [-0.8, -1.3, -1.5, -2.2, 0.5],
    }
    for method in ("bch", "ml"):
        adj = bk.profile_outcomes(res, y, covariates=pd.DataFrame({"age": age}),
                                  method=method).adjusted
        for outcome, coef in truth_coef.items():
            rows = adj[(adj["outcome"] == outcome)
                       & (adj["term"].str.startswith("profile") | (adj["term"] == "age"))]
            z = (rows["estimate"].to_numpy() - coef) / rows["se"].to_numpy()
            assert np.all(np.abs(z) < 3.3), (method, outcome, z)
        alpha = adj[(adj["outcome"] == "absence_days") & (adj["term"] == "alpha")]
        assert alpha["estimate"].iloc[0] == pytest.approx(1 / 1.5, rel=0.25)


def test_outcome_types_and_bad_input(setup):
    _, y, z, res = setup
    counts = pd.DataFrame({"days": np.arange(len(y)) % 7}, index=y.index)
    out = bk.profile_outcomes(res, counts)
    assert out.tests["type"].iloc[0] == "count"
    out = bk.profile_outcomes(res, counts, outcome_types={"days": "continuous"})
    assert out.tests["type"].iloc[0] == "continuous"
    with pytest.raises(DataError, match="needs the result of fit_profiles"):
        bk.profile_outcomes(y, y)
    with pytest.raises(DataError, match="'method' parameter of profile_outcomes"):
        bk.profile_outcomes(res, y, method="three-step")
    with pytest.raises(DataError, match="needs outcomes, covariates or both"):
        bk.profile_outcomes(res)
    with pytest.raises(DataError, match=r"1 respondents of the profile model are not in the "
                                        r"outcomes \(first: \[0\]\)"):
        bk.profile_outcomes(res, y.iloc[1:])
    with pytest.raises(DataError, match=r"declared binary but has values other than 0 and 1"):
        bk.profile_outcomes(res, y, outcome_types={"wellbeing": "binary"})
    with pytest.raises(DataError, match=r"outcome_types names \['absence'\]"):
        bk.profile_outcomes(res, y, outcome_types={"absence": "count"})
    with pytest.raises(DataError, match=r"Covariates columns \['sex'\] are not numeric"):
        bk.profile_outcomes(res, covariates=z.assign(sex="f"))
    with pytest.raises(DataError, match="missing covariates"):
        bk.profile_outcomes(res, covariates=z.assign(age=np.where(z.index == 5, np.nan, 1.0)))


def test_missing_outcome_values_are_dropped_per_outcome(setup):
    _, y, _, res = setup
    y2 = y.copy()
    y2.loc[:9, "wellbeing"] = np.nan
    out = bk.profile_outcomes(res, y2)
    assert list(out.tests["n"]) == [len(y) - 10, len(y)]
