"""Figures of latent profile analysis: what each one draws, and its input checks."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import burnoutkit as bk
from burnoutkit.datasets import simulate_cohort
from burnoutkit.plotting import plot_enumeration, plot_profile_means, plot_profile_outcomes

OUTCOMES = ["absence_days", "turnover_intention", "wellbeing"]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def cohort():
    return simulate_cohort(800, random_state=3)


@pytest.fixture(scope="module")
def core(cohort):
    # the latent core scores: five well-separated profiles, so the fits below do not warn
    return cohort.truth.respondents[["ex", "md", "re"]]


@pytest.fixture(scope="module")
def lpa(core):
    return bk.fit_profiles(core, n_profiles=5, template="burnout", random_state=1)


@pytest.fixture(scope="module")
def enum(core):
    return bk.enumerate_profiles(
        core, n_profiles=range(1, 5), variances=["equal", "varying"],
        covariances=["zero", "zero"], n_boot=0, progress=False, random_state=1,
    )


@pytest.fixture(scope="module")
def outcomes(cohort, lpa):
    data = cohort.data.loc[lpa.posterior.index, OUTCOMES]
    return {m: bk.profile_outcomes(lpa, data, method=m) for m in ("bch", "naive")}


def test_profile_means_draws_one_line_per_profile(lpa):
    ax = plot_profile_means(lpa)
    assert len(ax.lines) == lpa.n_profiles
    shares = lpa.shares.set_index("profile")["estimate"]
    labels = [bars.get_label() for bars in ax.containers]
    assert labels == [f"{p} ({shares[p]:.0%})" for p in lpa.profiles]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == labels
    assert [t.get_text() for t in ax.get_xticklabels()] == list(lpa.indicators)
    # each line passes through the estimated means (dodged horizontally, never vertically)
    for line, profile in zip(ax.lines, lpa.profiles, strict=True):
        np.testing.assert_allclose(line.get_ydata(), lpa.means.loc[profile].to_numpy())
    # one interval per profile and indicator, from ci_low to ci_high
    bars = [c for c in ax.collections if c.get_segments()]
    assert len(bars) == lpa.n_profiles
    first = lpa.parameters.query("parameter == 'mean' and profile == @lpa.profiles[0]")
    seg = np.array(bars[0].get_segments())
    np.testing.assert_allclose(seg[:, 0, 1], first["ci_low"].to_numpy())
    np.testing.assert_allclose(seg[:, 1, 1], first["ci_high"].to_numpy())


def test_profile_means_draws_on_the_given_axes(lpa):
    _, ax = plt.subplots()
    assert plot_profile_means(lpa, ax=ax, dodge=0) is ax
    np.testing.assert_allclose(ax.lines[0].get_xdata(), [0, 1, 2])


def test_enumeration_one_panel_per_criterion_one_line_per_model(enum):
    fig = plot_enumeration(enum)
    assert [ax.get_title() for ax in fig.axes] == ["BIC", "AIC", "SABIC", "ICL"]
    for ax, key in zip(fig.axes, ["bic", "aic", "sabic", "icl"], strict=True):
        assert [line.get_label() for line in ax.lines] == ["EEI", "VVI"]
        assert all(len(line.get_xdata()) == 4 for line in ax.lines)
        # the star marks the lowest value of the panel
        (star,) = ax.collections
        best = enum.fits.loc[enum.fits[key].idxmin()]
        np.testing.assert_allclose(star.get_offsets()[0], [best["n_profiles"], best[key]])
    assert "recommended: " in fig._suptitle.get_text()


def test_enumeration_selects_criteria_and_models(enum):
    fig = plot_enumeration(enum, criteria="caic", models=["VVI"])
    (ax,) = fig.axes
    assert ax.get_title() == "CAIC"
    assert [line.get_label() for line in ax.lines] == ["VVI"]
    vvi = enum.fits[enum.fits["model"] == "VVI"]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), vvi["caic"].to_numpy())


def test_profile_outcomes_forest_plot(outcomes, lpa):
    fig = plot_profile_outcomes(outcomes["bch"])
    assert [ax.get_title() for ax in fig.axes] == OUTCOMES
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == list(lpa.profiles)
    est = outcomes["bch"].estimates
    for ax, outcome in zip(fig.axes, OUTCOMES, strict=True):
        (points,) = ax.lines
        assert len(points.get_xdata()) == lpa.n_profiles
        np.testing.assert_allclose(
            points.get_xdata(), est.loc[est["outcome"] == outcome, "estimate"].to_numpy()
        )
    assert [ax.get_xlabel() for ax in fig.axes] == ["mean count", "proportion", "mean"]


def test_profile_outcomes_compares_methods_with_a_reference(outcomes, lpa):
    reference = pd.DataFrame(
        {"outcome": "wellbeing", "profile": list(lpa.profiles), "value": np.arange(5.0)}
    )
    fig = plot_profile_outcomes(outcomes, outcomes=["wellbeing"], reference=reference)
    (ax,) = fig.axes
    assert [bars.get_label() for bars in ax.containers] == ["bch", "naive"]
    assert ax.lines[2].get_label() == "reference"
    assert all(len(line.get_xdata()) == lpa.n_profiles for line in ax.lines)
    # first profile at the top
    np.testing.assert_allclose(ax.lines[2].get_xdata(), np.arange(5.0))
    assert ax.lines[2].get_ydata()[0] == max(ax.lines[2].get_ydata())
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["bch", "naive", "reference"]


def test_bad_input_names_the_parameter(lpa, enum, outcomes):
    with pytest.raises(bk.BurnoutkitError, match="'profile_result' parameter of plot_profile_m"):
        plot_profile_means(enum)
    with pytest.raises(bk.BurnoutkitError, match="'dodge' parameter"):
        plot_profile_means(lpa, dodge=-1)
    with pytest.raises(bk.BurnoutkitError, match="'enumeration_result' parameter"):
        plot_enumeration(lpa)
    with pytest.raises(bk.BurnoutkitError, match=r"'criteria' .*got 'entropy'"):
        plot_enumeration(enum, criteria=["BIC", "entropy"])
    with pytest.raises(bk.BurnoutkitError, match=r"'models' .*\['VVV'\]"):
        plot_enumeration(enum, models=["VVV"])
    with pytest.raises(bk.BurnoutkitError, match=r"outcomes_result\['x'\]"):
        plot_profile_outcomes({"x": lpa})
    with pytest.raises(bk.BurnoutkitError, match=r"'outcomes' parameter .*'sleep'"):
        plot_profile_outcomes(outcomes["bch"], outcomes=["sleep"])
    with pytest.raises(bk.BurnoutkitError, match="'reference' parameter"):
        plot_profile_outcomes(outcomes["bch"], reference=pd.DataFrame({"outcome": []}))


def test_inputs_are_not_mutated(lpa, outcomes):
    before = (lpa.parameters.copy(), outcomes["bch"].estimates.copy())
    plot_profile_means(lpa)
    plot_profile_outcomes(outcomes)
    pd.testing.assert_frame_equal(lpa.parameters, before[0])
    pd.testing.assert_frame_equal(outcomes["bch"].estimates, before[1])
