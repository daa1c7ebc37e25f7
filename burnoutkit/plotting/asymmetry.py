"""Figures of the gain/loss asymmetry checks (:func:`burnoutkit.asymmetry`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["plot_asymmetry_by_profile", "plot_pair_dumbbell", "plot_sensitivity_by_severity"]


def _ax(ax: Any) -> Any:
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(6, 4))
    return ax


def plot_sensitivity_by_severity(result: Any, *, n_bins: int = 10, ax: Any = None) -> Any:
    """Standardized gain and loss sensitivity by severity decile, means with 95% CIs.

    The asymmetry hypothesis predicts loss sensitivity rising and gain sensitivity falling with
    burnout severity: the two lines diverge from left to right.

    Parameters
    ----------
    result : AsymmetryResult
        Output of :func:`burnoutkit.asymmetry`.
    n_bins : int, default 10
        Number of severity bins (quantiles).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import burnoutkit as bk
    >>> from burnoutkit.datasets import load_reference_cohort
    >>> from burnoutkit.plotting import plot_sensitivity_by_severity
    >>> data = load_reference_cohort().data.iloc[:1500]
    >>> res = bk.asymmetry(bk.load_bank("bai"), data, missing="listwise")
    >>> ax = plot_sensitivity_by_severity(res)
    >>> ax.get_xlabel()
    'burnout core (latent) decile'
    """
    import seaborn as sns

    d = result.index[["gain", "loss", "severity"]].dropna()
    d = d.assign(
        gain=(d["gain"] - d["gain"].mean()) / d["gain"].std(),
        loss=(d["loss"] - d["loss"].mean()) / d["loss"].std(),
        decile=pd.qcut(d["severity"], n_bins, labels=False) + 1,
    )
    long = d.melt(
        id_vars="decile",
        value_vars=["gain", "loss"],
        var_name="valence",
        value_name="sensitivity (z)",
    )
    ax = _ax(ax)
    sns.pointplot(
        long, x="decile", y="sensitivity (z)", hue="valence", errorbar=("ci", 95), dodge=0.3, ax=ax
    )
    ax.set_xlabel(f"{result.severity_label} decile")
    return ax


def plot_pair_dumbbell(result: Any, *, ax: Any = None) -> Any:
    """Per-pair dumbbell plot: mean of the gain item and of its matched loss item.

    The means are the item intercepts of the configural model of the comparability check; pairs
    whose intercepts differ beyond chance (``result.pair_tests["flagged"]``) are starred.

    Parameters
    ----------
    result : AsymmetryResult
        Output of :func:`burnoutkit.asymmetry`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import burnoutkit as bk
    >>> from burnoutkit.datasets import load_reference_cohort
    >>> from burnoutkit.plotting import plot_pair_dumbbell
    >>> data = load_reference_cohort().data.iloc[:1500]
    >>> res = bk.asymmetry(bk.load_bank("bai"), data, missing="listwise")
    >>> ax = plot_pair_dumbbell(res)
    >>> [label.get_text() for label in ax.get_yticklabels()][:2]
    ['gs1~ls1', 'gs2~ls2']
    """
    x = result.index  # per-person means only; item means come from the pair tests' model
    pt = result.pair_tests
    fit = result.models["configural"].parameters
    means = fit[fit["op"] == "~1"].set_index("lhs")["estimate"]
    ax = _ax(ax)
    y = np.arange(len(pt))
    g = means.reindex(pt["gain_item"]).to_numpy()
    lo = means.reindex(pt["loss_item"]).to_numpy()
    ax.hlines(y, np.minimum(g, lo), np.maximum(g, lo), color="grey")
    ax.plot(g, y, "o", label="gain item")
    ax.plot(lo, y, "s", label="loss item")
    flagged = pt["flagged"].to_numpy()
    ax.set_yticks(y, [p + (" *" if f else "") for p, f in zip(pt["pair"], flagged, strict=True)])
    ax.set_xlabel(f"item mean (n = {len(x)})")
    ax.legend()
    return ax


def plot_asymmetry_by_profile(result: Any, *, ax: Any = None) -> Any:
    """Distribution of the asymmetry index by burnout profile (needs ``profiles=`` in the call).

    Parameters
    ----------
    result : AsymmetryResult
        Output of :func:`burnoutkit.asymmetry` called with ``profiles="<column>"``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure by default.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    DataError
        The result was computed without ``profiles=``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import burnoutkit as bk
    >>> from burnoutkit.datasets import load_reference_cohort
    >>> from burnoutkit.plotting import plot_asymmetry_by_profile
    >>> cohort = load_reference_cohort()
    >>> truth = cohort.truth.respondents[["id", "profile"]]  # the simulated profiles
    >>> data = cohort.data.merge(truth, on="id").iloc[:1500]
    >>> res = bk.asymmetry(bk.load_bank("bai"), data, missing="listwise", profiles="profile")
    >>> ax = plot_asymmetry_by_profile(res)
    >>> ax.get_ylabel()
    'asymmetry'
    """
    import seaborn as sns

    from burnoutkit.errors import DataError

    if "profile" not in result.index.columns:
        raise DataError("The result has no profiles; call bk.asymmetry(..., profiles='<column>').")
    ax = _ax(ax)
    sns.boxplot(result.index.dropna(subset=["asymmetry"]), x="profile", y="asymmetry", ax=ax)
    ax.axhline(0, color="grey", lw=0.8)
    return ax
