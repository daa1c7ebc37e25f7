"""Recovery of the reference cohort's planted profiles and their outcomes.

The indicators are what burnoutkit's scoring gives for the three core BAI scales (mean of the
five items of exhaustion, mental distance and reduced efficacy, reverse keys from the bank);
the truth is ``load_reference_cohort().truth`` (true profile of every respondent, population
outcome means by profile).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

import burnoutkit as bk
from burnoutkit.datasets import load_reference_cohort
from burnoutkit.errors import ConvergenceWarning, ProratingWarning
from burnoutkit.profiles import _gaussian as gm


@pytest.fixture(scope="module")
def cohort():
    cohort = load_reference_cohort()
    with pytest.warns(ProratingWarning):
        scores = bk.score(bk.load_bank("bai"), cohort.data).scores()
    core = scores[["ex", "md", "re"]].dropna()
    truth = cohort.truth.respondents["profile"].astype(str).to_numpy()[core.index]
    return cohort, core, truth


@pytest.fixture(scope="module")
def lpa(cohort):
    _, core, _ = cohort
    return bk.fit_profiles(core, n_profiles=5, template="burnout", random_state=1)


def test_bic_picks_five_profiles(cohort):
    _, core, _ = cohort
    with pytest.warns(ConvergenceWarning, match="not replicated"):
        res = bk.enumerate_profiles(
            core, n_profiles=range(1, 9), variances=["equal", "varying", "equal", "varying"],
            covariances=["zero", "zero", "equal", "varying"], n_boot=0, random_state=1,
        )
    fits = res.fits
    eei = fits[fits["model"] == "EEI"]
    # the classic LPA (EEI, the generating structure of the latent scores) and the overall
    # choice across the four parameterizations (VVI on these scale scores) both pick 5
    assert int(eei.loc[eei["bic"].idxmin(), "n_profiles"]) == 5
    assert res.recommended_n_profiles == 5


def test_blrt_picks_five_profiles(cohort):
    """The bootstrap LRT (39 samples: the smallest p-value is .025) rejects 4 profiles against 5
    and does not reject 5 against 6 (Nylund et al. 2007: the first non-significant test)."""
    _, core, _ = cohort
    # the six-profile solution splits a profile without a stable optimum: its best
    # log-likelihood is not replicated across starts, which the result warns about
    with pytest.warns(ConvergenceWarning, match="not replicated"):
        res = bk.enumerate_profiles(core, n_profiles=range(4, 7), variances="equal",
                                    covariances="zero", n_boot=39, random_state=1, progress=False)
    p = res.fits.set_index("n_profiles")["blrt_p"]
    assert p[5] < 0.05
    assert p[6] > 0.05
    assert res.recommended_n_profiles == 5


def test_adjusted_rand_index_matches_the_oracle(cohort, lpa):
    """The oracle is the Bayes classifier with the true memberships' parameters on the same
    scores (shares, profile means and pooled within-profile variances of the observed scale
    scores): no EEI classifier of these scores can do better."""
    _, core, truth = cohort
    ari = adjusted_rand_score(truth, lpa.assignment.astype(str))
    x = core.to_numpy()
    names = list(lpa.profiles)
    lab = np.array([names.index(t) for t in truth])
    pro = np.bincount(lab) / lab.size
    mean = np.array([x[lab == k].mean(axis=0) for k in range(5)])
    pooled = np.diag(sum(((x[lab == k] - mean[k]) ** 2).sum(axis=0) for k in range(5)) / len(x))
    oracle = adjusted_rand_score(lab, gm.posterior(x, pro, mean, np.stack([pooled] * 5)).argmax(1))
    assert ari >= oracle - 0.05
    assert ari >= 0.65


def test_lpa_on_latent_scores_recovers_profiles(cohort):
    data, _, _ = cohort
    latent = data.truth.respondents[["ex", "md", "re"]]
    res = bk.fit_profiles(latent, n_profiles=5, template="burnout", random_state=1)
    truth = data.truth.respondents["profile"].astype(str)
    assert adjusted_rand_score(truth, res.assignment.astype(str)) > 0.8


def test_template_labels_name_the_true_profiles(cohort, lpa):
    _, _, truth = cohort
    table = pd.crosstab(pd.Series(truth, name="truth"), lpa.assignment.astype(str))
    assert lpa.profiles == tuple(bk.burnout_template().index)
    assert all(table[label].idxmax() == label for label in lpa.profiles)


@pytest.mark.parametrize("method", ["bch", "ml"])
def test_outcome_means_cover_the_population_values(cohort, lpa, method):
    """Population values: truth.json population_by_profile (absence mean, turnover rate) and
    wellbeing_exhaustion_r times the profile's exhaustion mean (factor metric)."""
    data, _, _ = cohort
    params = data.truth.parameters
    pop = params["population_by_profile"]
    r = params["population"]["wellbeing_exhaustion_r"]
    truth = {
        "absence_days": {p: v["absence_mean"] for p, v in pop.items()},
        "turnover_intention": {p: v["turnover_rate"] for p, v in pop.items()},
        "wellbeing": {p: r * v[0] for p, v in params["profile_means_factor_metric"].items()},
    }
    outcomes = data.data[["absence_days", "turnover_intention", "wellbeing"]]
    est = bk.profile_outcomes(lpa, outcomes, method=method).estimates
    assert list(est["type"].unique()) == ["count", "binary", "continuous"]
    value = np.array([truth[o][p] for o, p in zip(est["outcome"], est["profile"], strict=True)])
    covered = (est["ci_low"] <= value) & (value <= est["ci_high"])
    assert covered.all(), est.assign(truth=value)[~covered]
