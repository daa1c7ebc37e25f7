"""Smoke tests of the gain/loss asymmetry figures: each draws the expected marks."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt

import burnoutkit as bk
from burnoutkit.plotting import (
    plot_asymmetry_by_profile,
    plot_pair_dumbbell,
    plot_sensitivity_by_severity,
)

N_PAIRS = 3


@pytest.fixture
def result() -> SimpleNamespace:
    """The attributes of an AsymmetryResult the figures read, with planted values."""
    rng = np.random.default_rng(4)
    n = 400
    sev = rng.normal(size=n)
    gain = 3 - 0.3 * sev + rng.normal(scale=0.5, size=n)
    loss = 3 + 0.1 * sev + rng.normal(scale=0.5, size=n)
    index = pd.DataFrame(
        {"gain": gain, "loss": loss, "asymmetry": loss - gain, "severity": sev,
         "profile": rng.choice(["engaged", "overextended", "burned out"], size=n)}
    )
    gi = [f"gs{k}" for k in range(1, N_PAIRS + 1)]
    li = [f"ls{k}" for k in range(1, N_PAIRS + 1)]
    pair_tests = pd.DataFrame(
        {"pair": [f"{g}~{x}" for g, x in zip(gi, li, strict=True)], "gain_item": gi,
         "loss_item": li, "flagged": [False, True, False]}
    )
    params = pd.DataFrame(
        {"lhs": gi + li, "op": "~1", "rhs": "", "estimate": rng.uniform(2, 4, 2 * N_PAIRS)}
    )
    return SimpleNamespace(
        index=index,
        pair_tests=pair_tests,
        models={"configural": SimpleNamespace(parameters=params)},
        severity_label="burnout core",
    )


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_sensitivity_by_severity_draws_two_series_of_ten_deciles(result):
    ax = plot_sensitivity_by_severity(result, n_bins=10)
    assert len(ax.figure.axes) == 1
    series = [ln for ln in ax.lines if len(ln.get_xdata()) == 10]
    assert len(series) == 2  # gain and loss, one point per decile
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["gain", "loss"]
    assert ax.get_xlabel() == "burnout core decile"


def test_pair_dumbbell_draws_one_bar_and_two_points_per_pair(result):
    ax = plot_pair_dumbbell(result)
    assert len(ax.figure.axes) == 1
    assert len(ax.collections) == 1  # the bars
    assert len(ax.collections[0].get_segments()) == N_PAIRS
    points = [ln for ln in ax.lines if len(ln.get_xdata()) == N_PAIRS]
    assert len(points) == 2  # gain items, loss items
    assert [t.get_text() for t in ax.get_yticklabels()] == ["gs1~ls1", "gs2~ls2 *", "gs3~ls3"]


def test_asymmetry_by_profile_draws_one_box_per_profile(result):
    ax = plot_asymmetry_by_profile(result)
    assert len(ax.figure.axes) == 1
    assert len(ax.get_xticklabels()) == 3
    assert len(ax.patches) == 3  # one box per profile


def test_asymmetry_by_profile_needs_profiles(result):
    result.index = result.index.drop(columns="profile")
    with pytest.raises(bk.DataError, match="profiles="):
        plot_asymmetry_by_profile(result)


def test_figures_draw_on_a_given_axes(result):
    fig, axes = plt.subplots(1, 3)
    plot_sensitivity_by_severity(result, ax=axes[0])
    plot_pair_dumbbell(result, ax=axes[1])
    plot_asymmetry_by_profile(result, ax=axes[2])
    assert len(fig.axes) == 3
    assert all(len(a.lines) + len(a.patches) > 0 for a in axes)
