"""Figures for latent profile analysis: profile means, enumeration criteria, outcomes by profile.

Each function's docstring has a runnable example on a simulated cohort.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from burnoutkit.errors import BurnoutkitError
from burnoutkit.profiles import EnumerationResult, ProfileOutcomesResult, ProfileResult

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_enumeration", "plot_profile_means", "plot_profile_outcomes"]

_CRITERIA = {"aic": "AIC", "bic": "BIC", "sabic": "SABIC", "caic": "CAIC", "icl": "ICL"}
_OUTCOME_TYPES = {"count": "mean count", "binary": "proportion", "continuous": "mean"}


def _require(obj: object, cls: type, name: str, func: str, hint: str) -> None:
    if not isinstance(obj, cls):
        raise BurnoutkitError(
            f"The {name!r} parameter of {func} must be a {cls.__name__}; got "
            f"{type(obj).__name__}. {hint}"
        )


def _dodge(n: int, width: float) -> np.ndarray:
    """Offsets that spread ``n`` series symmetrically over ``width``."""
    if n == 1:
        return np.zeros(1)
    return np.linspace(-width / 2, width / 2, n)


def plot_profile_means(
    profile_result: ProfileResult,
    /,
    *,
    ax: Axes | None = None,
    dodge: float = 0.2,
    palette: str | Sequence | None = None,
) -> Axes:
    """Plot the profile means over the indicators, one line per profile, with confidence intervals.

    Parameters
    ----------
    profile_result : ProfileResult
        A fitted profile model (:func:`burnoutkit.fit_profiles`).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is made when None.
    dodge : float, default 0.2
        Total horizontal spread of the profiles at each indicator, so that their intervals do not
        overlap; 0 draws them on top of each other.
    palette : str or sequence of colors, optional
        A seaborn palette; the default is ``"colorblind"``.

    Returns
    -------
    matplotlib.axes.Axes
        One line (with error bars) per profile, labelled ``"name (share%)"``; the x axis names
        the indicators.

    Raises
    ------
    BurnoutkitError
        ``profile_result`` is not a :class:`~burnoutkit.ProfileResult`, or ``dodge`` is negative.

    Notes
    -----
    The intervals are the Wald intervals of ``profile_result.parameters`` (observed-information
    standard errors) at ``profile_result.confidence_level``; the shares in the legend are the
    estimated mixing proportions, not the modal-assignment counts.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import burnoutkit as bk
    >>> from burnoutkit.datasets import load_reference_cohort
    >>> from burnoutkit.plotting import plot_profile_means
    >>> cohort = load_reference_cohort()
    >>> core = cohort.truth.respondents[["ex", "md", "re"]].iloc[:600]  # latent scores
    >>> res = bk.fit_profiles(core, n_profiles=5, template="burnout", random_state=1)
    >>> ax = plot_profile_means(res)
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['ex', 'md', 're']
    >>> plt.close("all")

    In R, ``tidyLPA::plot_profiles(tidyLPA::estimate_profiles(core, 5))`` draws the same figure.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    func = "plot_profile_means"
    _require(profile_result, ProfileResult, "profile_result", func,
             "Fit one with bk.fit_profiles(data, n_profiles=...).")
    if not isinstance(dodge, (int, float)) or isinstance(dodge, bool) or not dodge >= 0:
        raise BurnoutkitError(
            f"The 'dodge' parameter of {func} must be a float >= 0; got {dodge!r}."
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4.2))
    params = profile_result.parameters
    means = params[params["parameter"] == "mean"]
    indicators = list(profile_result.indicators)
    profiles = list(profile_result.profiles)
    shares = profile_result.shares.set_index("profile")["estimate"]
    colors = sns.color_palette(palette or "colorblind", len(profiles))
    x = np.arange(len(indicators), dtype=float)
    offsets = _dodge(len(profiles), float(dodge))
    for k, profile in enumerate(profiles):
        rows = means[means["profile"] == profile].set_index("indicator").loc[indicators]
        est = rows["estimate"].to_numpy(dtype=float)
        low = rows["ci_low"].to_numpy(dtype=float)
        high = rows["ci_high"].to_numpy(dtype=float)
        yerr = np.vstack([est - low, high - est])
        yerr = np.where(np.isfinite(yerr), yerr, 0.0)
        ax.errorbar(
            x + offsets[k], est, yerr=yerr, marker="o", capsize=0, lw=1.8, color=colors[k],
            label=f"{profile} ({shares[profile]:.0%})",
        )
    ax.set_xticks(x, indicators)
    level = f"{profile_result.confidence_level:.0%}"
    ax.set(xlabel="indicator", ylabel=f"profile mean ({level} CI)",
           title=f"{profile_result.n_profiles} profiles ({profile_result.model})")
    ax.legend(title="profile (share)", fontsize="small", frameon=False,
              loc="center left", bbox_to_anchor=(1.0, 0.5))
    return ax


def plot_enumeration(
    enumeration_result: EnumerationResult,
    /,
    *,
    criteria: Sequence[str] = ("BIC", "AIC", "SABIC", "ICL"),
    models: Sequence[str] | None = None,
    height: float = 3.0,
    palette: str | Sequence | None = None,
) -> Figure:
    """Plot information criteria against the number of profiles, one line per parameterization.

    Parameters
    ----------
    enumeration_result : EnumerationResult
        The result of :func:`burnoutkit.enumerate_profiles`.
    criteria : sequence of str, default ("BIC", "AIC", "SABIC", "ICL")
        One panel per criterion, from ``"AIC"``, ``"BIC"``, ``"SABIC"``, ``"CAIC"``, ``"ICL"``
        (any case).
    models : sequence of str, optional
        mclust names of the parameterizations to draw (``"EEI"``, ``"VVI"``, ``"EEE"``,
        ``"VVV"``); all fitted ones when None.
    height : float, default 3.0
        Height of each panel in inches (panels are square-ish, side by side).
    palette : str or sequence of colors, optional
        A seaborn palette; the default is ``"colorblind"``.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per criterion, one line per parameterization; the lowest value in each panel is
        marked with a star. The recommended solution of ``enumeration_result`` is named in the
        figure title.

    Raises
    ------
    BurnoutkitError
        Not an :class:`~burnoutkit.EnumerationResult`, an unknown criterion or model.

    Notes
    -----
    All criteria are "lower is better" (``BIC`` is minus mclust's BIC). Rows whose fit failed
    have missing criteria and appear as gaps.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import burnoutkit as bk
    >>> from burnoutkit.datasets import load_reference_cohort
    >>> from burnoutkit.plotting import plot_enumeration
    >>> cohort = load_reference_cohort()
    >>> core = cohort.truth.respondents[["ex", "md", "re"]].iloc[:600]  # latent scores
    >>> enum = bk.enumerate_profiles(core, n_profiles=range(1, 6), variances=["equal", "varying"],
    ...                              covariances=["zero", "zero"], n_boot=0,
    ...                              progress=False, random_state=1)
    >>> fig = plot_enumeration(enum, criteria=["BIC", "ICL"])
    >>> [ax.get_title() for ax in fig.axes]
    ['BIC', 'ICL']
    >>> plt.close("all")

    In R, ``plot(mclust::mclustBIC(core, G = 1:5, modelNames = c("EEI", "VVI")))`` draws the
    BIC panel (with mclust's sign: higher is better).
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    func = "plot_enumeration"
    _require(enumeration_result, EnumerationResult, "enumeration_result", func,
             "Run bk.enumerate_profiles(data, n_profiles=...) first.")
    if isinstance(criteria, str):
        criteria = [criteria]
    columns = []
    for criterion in criteria:
        key = str(criterion).lower()
        if key not in _CRITERIA:
            raise BurnoutkitError(
                f"The 'criteria' parameter of {func} must name criteria from "
                f"{list(_CRITERIA.values())}; got {criterion!r}."
            )
        columns.append(key)
    if not columns:
        raise BurnoutkitError(f"The 'criteria' parameter of {func} must name at least one "
                              "criterion; got an empty sequence.")
    fits = enumeration_result.fits
    fitted = list(dict.fromkeys(fits["model"]))
    if models is None:
        models = fitted
    else:
        models = [models] if isinstance(models, str) else list(models)
        unknown = [m for m in models if m not in fitted]
        if unknown or not models:
            raise BurnoutkitError(
                f"The 'models' parameter of {func} must name fitted parameterizations from "
                f"{fitted}; got {unknown or models!r}."
            )
    colors = dict(zip(fitted, sns.color_palette(palette or "colorblind", len(fitted)),
                      strict=True))
    fig, axes = plt.subplots(1, len(columns), figsize=(1.2 + 2.9 * len(columns), height),
                             squeeze=False, layout="constrained")
    shown = fits[fits["model"].isin(models)]
    for ax, key in zip(axes[0], columns, strict=True):
        for model in models:
            rows = shown[shown["model"] == model].sort_values("n_profiles")
            ax.plot(rows["n_profiles"], rows[key].astype(float), marker="o", ms=4,
                    color=colors[model], label=model)
        values = shown[key].astype(float)
        if values.notna().any():
            best = shown.loc[values.idxmin()]
            ax.scatter([best["n_profiles"]], [best[key]], marker="*", s=180, zorder=3,
                       color=colors[best["model"]], edgecolor="black", linewidth=0.6)
        ax.set_title(_CRITERIA[key])
        ax.set_xlabel("number of profiles")
        ax.xaxis.get_major_locator().set_params(integer=True)
    axes[0][0].set_ylabel("criterion (lower is better)")
    axes[0][-1].legend(title="model", fontsize="small", frameon=False,
                       loc="center left", bbox_to_anchor=(1.0, 0.5))
    if enumeration_result.recommended_model is not None:
        fig.suptitle(
            f"recommended: {enumeration_result.recommended_model} with "
            f"{enumeration_result.recommended_n_profiles} profiles", fontsize="medium",
        )
    return fig


def plot_profile_outcomes(
    outcomes_result: ProfileOutcomesResult | Mapping[str, ProfileOutcomesResult],
    /,
    *,
    outcomes: Sequence[str] | None = None,
    reference: pd.DataFrame | None = None,
    dodge: float = 0.3,
    height: float = 3.2,
    palette: str | Sequence | None = None,
) -> Figure:
    """Forest plot of outcome estimates by profile with confidence intervals, one panel per outcome.

    Parameters
    ----------
    outcomes_result : ProfileOutcomesResult or mapping of str to ProfileOutcomesResult
        The result of :func:`burnoutkit.profile_outcomes`, or several (for example
        ``{"BCH": bch, "ML": ml, "naive": naive}``) drawn side by side in each row; they must
        share their profiles.
    outcomes : sequence of str, optional
        Outcomes to draw, in this order; all of them when None.
    reference : pandas.DataFrame, optional
        Values to mark for comparison (for example the population values of a simulation):
        columns ``outcome, profile, value``; drawn as black crosses.
    dodge : float, default 0.3
        Vertical spread of the results within a profile's row.
    height : float, default 3.2
        Height of the figure in inches.
    palette : str or sequence of colors, optional
        A seaborn palette; the default is ``"colorblind"``.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per outcome with the profiles on the y axis (first profile at the top); in each
        panel one series of points with horizontal interval lines per result, and one for
        ``reference`` when given.

    Raises
    ------
    BurnoutkitError
        Not a :class:`~burnoutkit.ProfileOutcomesResult` (or a mapping of them), results with
        different profiles, an unknown outcome, or ``reference`` without the needed columns.

    Notes
    -----
    The x axis is on the scale of each outcome: the mean (continuous), the proportion (binary)
    or the mean count (count) in each profile, with the intervals of ``estimates``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import burnoutkit as bk
    >>> from burnoutkit.datasets import load_reference_cohort
    >>> from burnoutkit.plotting import plot_profile_outcomes
    >>> cohort = load_reference_cohort()
    >>> core = cohort.truth.respondents[["ex", "md", "re"]].iloc[:600]  # latent scores
    >>> res = bk.fit_profiles(core, n_profiles=5, template="burnout", random_state=1)
    >>> out = bk.profile_outcomes(res, cohort.data.loc[core.index, ["wellbeing"]])
    >>> fig = plot_profile_outcomes(out)
    >>> [ax.get_title() for ax in fig.axes]
    ['wellbeing']
    >>> plt.close("all")
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    func = "plot_profile_outcomes"
    hint = "Pass the result of bk.profile_outcomes(...) or a dict of them."
    if isinstance(outcomes_result, Mapping):
        results = dict(outcomes_result)
        if not results:
            raise BurnoutkitError(f"The 'outcomes_result' parameter of {func} is an empty "
                                  f"mapping. {hint}")
    else:
        results = {None: outcomes_result}
    for label, res in results.items():
        name = "outcomes_result" if label is None else f"outcomes_result[{label!r}]"
        _require(res, ProfileOutcomesResult, name, func, hint)
    first = next(iter(results.values()))
    profiles = list(first.profiles)
    for label, res in results.items():
        if list(res.profiles) != profiles:
            raise BurnoutkitError(
                f"The results passed to {func} must share their profiles; {label!r} has "
                f"{list(res.profiles)}, the first has {profiles}. Relate outcomes to the same "
                "profile model."
            )
    available = list(dict.fromkeys(first.estimates["outcome"]))
    if outcomes is None:
        outcomes = available
    else:
        outcomes = [outcomes] if isinstance(outcomes, str) else list(outcomes)
        unknown = [o for o in outcomes if o not in available]
        if unknown or not outcomes:
            raise BurnoutkitError(
                f"The 'outcomes' parameter of {func} must name outcomes from {available}; got "
                f"{unknown or outcomes!r}."
            )
    if reference is not None:
        needed = {"outcome", "profile", "value"}
        if not isinstance(reference, pd.DataFrame) or not needed <= set(reference.columns):
            found = list(reference.columns) if isinstance(reference, pd.DataFrame) else (
                type(reference).__name__)
            raise BurnoutkitError(
                f"The 'reference' parameter of {func} must be a DataFrame with columns "
                f"['outcome', 'profile', 'value']; got {found}."
            )
    colors = sns.color_palette(palette or "colorblind", len(results))
    fig, axes = plt.subplots(1, len(outcomes), figsize=(1.5 + 3.0 * len(outcomes), height),
                             squeeze=False, sharey=True, layout="constrained")
    y = np.arange(len(profiles), dtype=float)[::-1]
    offsets = _dodge(len(results), float(dodge))[::-1]
    for ax, outcome in zip(axes[0], outcomes, strict=True):
        kind = ""
        for j, (label, res) in enumerate(results.items()):
            est = res.estimates[res.estimates["outcome"] == outcome].set_index("profile")
            est = est.reindex(profiles)
            kind = str(est["type"].dropna().iloc[0]) if est["type"].notna().any() else kind
            value = est["estimate"].to_numpy(dtype=float)
            xerr = np.vstack([value - est["ci_low"].to_numpy(dtype=float),
                              est["ci_high"].to_numpy(dtype=float) - value])
            ax.errorbar(value, y + offsets[j], xerr=np.where(np.isfinite(xerr), xerr, 0.0),
                        fmt="o", ms=5, capsize=0, color=colors[j],
                        label=label if label is not None else res.method)
        if reference is not None:
            ref = reference[reference["outcome"] == outcome].set_index("profile")
            ref = ref["value"].reindex(profiles).to_numpy(dtype=float)
            ax.plot(ref, y, "x", color="black", ms=7, mew=1.6, label="reference")
        ax.set_title(outcome)
        ax.set_xlabel(_OUTCOME_TYPES.get(kind, "estimate"))
    axes[0][0].set_yticks(y, profiles)
    level = f"{first.confidence_level:.0%}"
    if len(results) > 1 or reference is not None:
        last = axes[0][-1]
        handles = list(last.containers) + [h for h in last.lines if h.get_label() == "reference"]
        last.legend(handles=handles, title=f"estimate ({level} CI)", fontsize="small",
                    frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    else:
        fig.suptitle(f"{first.method.upper()} estimates with {level} intervals",
                     fontsize="medium")
    return fig
