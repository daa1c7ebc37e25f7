"""Shipped data sets: the reference cohort, its generator, and public data for replications.

The files live in the repository's ``datasets/`` folder and are installed with the package (as
``burnoutkit/_datasets``), so the loaders work from a wheel as well as from a checkout.

The reference cohort is synthetic: :func:`simulate_cohort` draws it from the population model
documented in ``docs/reference-cohort.md``, and :func:`load_reference_cohort` returns the shipped
draw (N = 3000, seed :data:`REFERENCE_SEED`) with its ground truth.
"""

from __future__ import annotations

import numbers
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from burnoutkit._cohort import Cohort, CohortTruth
from burnoutkit._cohort_population import default_population, resolve_population
from burnoutkit.errors import BurnoutkitError, DatasetError

__all__ = [
    "REFERENCE_N",
    "REFERENCE_SEED",
    "Cohort",
    "CohortTruth",
    "dataset_path",
    "default_population",
    "load_bfi",
    "load_diabetes",
    "load_holzinger_swineford",
    "load_reference_cohort",
    "simulate_cohort",
]

#: Seed of the shipped reference cohort.
REFERENCE_SEED = 20261123
#: Number of respondents in the shipped reference cohort.
REFERENCE_N = 3000


def dataset_path(*parts: str) -> Path:
    """Path of a shipped data file, from the installed package or a source checkout.

    Examples
    --------
    >>> from burnoutkit.datasets import dataset_path
    >>> dataset_path("public", "bfi.csv").name
    'bfi.csv'
    """
    installed = Path(str(resources.files("burnoutkit"))) / "_datasets"
    checkout = Path(__file__).resolve().parent.parent / "datasets"
    for root in (installed, checkout):
        path = root.joinpath(*parts)
        if path.exists():
            return path
    raise DatasetError(
        f"The data file {'/'.join(parts)!r} is missing from this burnoutkit installation "
        f"(looked in {installed} and {checkout}). Reinstall burnoutkit with pip."
    )


def load_bfi() -> pd.DataFrame:
    """Load the 25 Big Five items of psych's ``bfi`` (N = 2800) with gender, education, age.

    Items are 1-6 ratings (A1-O5); ``id`` is the SAPA respondent number (the R row name).
    Redistributed from the R package psychTools (GPL-2 | GPL-3); data from the SAPA project.

    References
    ----------
    Revelle, W., Wilt, J., & Rosenthal, A. (2010). Individual differences in cognition: New
    methods for examining the personality-cognition link. In A. Gruszka et al. (Eds.), *Handbook
    of Individual Differences in Cognition* (pp. 27-49). Springer.

    Examples
    --------
    >>> from burnoutkit.datasets import load_bfi
    >>> load_bfi().shape
    (2800, 29)
    """
    return pd.read_csv(dataset_path("public", "bfi.csv"))


def load_holzinger_swineford() -> pd.DataFrame:
    """Load Holzinger & Swineford's (1939) mental-ability data, as in lavaan (N = 301).

    Nine tests ``x1``-``x9`` (visual, textual, speed), with ``school`` (Pasteur, Grant-White),
    sex, age and grade.

    References
    ----------
    Holzinger, K. J., & Swineford, F. (1939). *A study in factor analysis: The stability of a
    bi-factor solution*. Supplementary Educational Monographs, 48. University of Chicago.

    Examples
    --------
    >>> from burnoutkit.datasets import load_holzinger_swineford
    >>> load_holzinger_swineford()["school"].value_counts().sort_index().to_dict()
    {'Grant-White': 145, 'Pasteur': 156}
    """
    return pd.read_csv(dataset_path("public", "holzinger_swineford_1939.csv"))


def load_diabetes() -> pd.DataFrame:
    """Load Reaven and Miller's diabetes data as mclust ships them (N = 145).

    Three measurements of non-obese adults, ``glucose`` and ``insulin`` (areas under the plasma
    glucose and insulin curves of an oral glucose tolerance test) and ``sspg`` (steady-state
    plasma glucose), with the clinical ``class`` (Normal, Chemical, Overt). This is mclust's
    version, used in its published examples; its documentation notes that ``insulin`` differs
    from the original data in one entry (row 104), so use it to replicate mclust, not to study
    diabetes. Redistributed from the R package mclust (GPL >= 2).

    References
    ----------
    Reaven, G. M., & Miller, R. G. (1979). An attempt to define the nature of chemical diabetes
    using a multidimensional analysis. *Diabetologia, 16*(1), 17-24.

    Scrucca, L., Fop, M., Murphy, T. B., & Raftery, A. E. (2016). mclust 5: Clustering,
    classification and density estimation using Gaussian finite mixture models. *The R
    Journal, 8*(1), 289-317.

    Examples
    --------
    >>> from burnoutkit.datasets import load_diabetes
    >>> load_diabetes()["class"].value_counts().sort_index().to_dict()
    {'Chemical': 36, 'Normal': 76, 'Overt': 33}
    """
    return pd.read_csv(dataset_path("public", "diabetes.csv"))


def simulate_cohort(n: int = 3000, *, random_state: int | None, **population: Any) -> Cohort:
    """Simulate a cohort of BAI respondents from the documented population model.

    Respondents belong to latent profiles on the burnout core (exhaustion, mental distance,
    reduced efficacy); the other 13 BAI factors depend on burnout severity ``B``; the 78 items
    are ordinal 1-5 responses from a threshold model with reverse-keyed items, weak items,
    cross-loadings, an acquiescence factor and correlated residuals within gain/loss pairs. The
    cohort carries covariates, outcomes, a retest subsample, careless responders and missing
    answers, and its :class:`CohortTruth` records every generating value.

    Parameters
    ----------
    n : int, default 3000
        Number of respondents, in [10, 10_000_000].
    random_state : int or None
        Seed of ``numpy.random.SeedSequence``; the same seed gives the same cohort. ``None``
        draws a fresh seed, which is recorded in ``truth.seed``. Required, so that every cohort
        can be reproduced.
    **population
        Values of the population model; every one has a documented default (see
        :func:`default_population` and ``docs/reference-cohort.md``). The most used:

        profiles : {"five", "severity"} or dict, default "five"
            The latent profiles: ``"five"`` (engaged, ineffective, overextended, disengaged,
            burnout), ``"severity"`` (four level profiles that differ only in severity), or a
            mapping ``{name: {"share": p, "means": [ex, md, re]}}``.
        within_profile_sd : float, default 0.30
            Standard deviation of each core dimension within a profile (profile metric).
        gain_slope, loss_slope : float, default -0.35 and 0.10
            Standardized slopes of gain sensitivity ``G`` and loss sensitivity ``L`` on ``B``.
        asymmetry : bool, default True
            ``False`` gives ``G`` and ``L`` the same slope, ``(gain_slope + loss_slope) / 2``:
            the null of the asymmetry checks.
        factor_slopes : dict, default see docs
            ``{factor: {predictor: slope}}`` for the other factors; predictors are ``"B"``,
            ``"ex"``, ``"md"``, ``"re"``.
        loadings, cross_loadings, acquiescence, pair_residual_r, category_use
            The measurement model (standardized loadings on the latent response ``y*``).
        noninvariant_item, noninvariant_shift
            The item whose intercept differs on form B, and by how much.
        absence_mean, absence_dispersion, absence_severity_slope
            The sickness-absence model.
        turnover_rate, turnover_odds_ratios, wellbeing_exhaustion_r
            The turnover-intention and wellbeing models.
        retest_share, retest_stability, careless_share, missing_share
            Retest subsample and mess.

    Returns
    -------
    Cohort
        ``data`` (``id``, covariates, 78 items as float 1-5 with NaN for missing answers,
        outcomes), ``retest`` (``id`` and items at the retest) and ``truth``.

    Raises
    ------
    BurnoutkitError
        An unknown keyword (the closest known name is suggested) or a value out of range.

    Notes
    -----
    Core dimensions ``z ~ N(mu_k, within_profile_sd^2 I)`` in profile ``k``; factors are
    standardized, ``eta = (z - m) / s``, with the population mixture mean ``m`` and SD ``s``.
    Severity ``B = 1'eta / sqrt(1'R 1)`` has mean 0 and variance 1. Each other factor is
    ``eta_j = a_j' eta_core + e_j`` with unit total variance; ``G = gain_slope B + e_G`` and
    ``L = loss_slope B + e_L`` with ``corr(e_G, e_L) = 0.30``. Items:
    ``y* = lambda' eta + 0.15 A + u`` with ``var(y*) = 1``, response ``1 + #{c: y* > tau_c}``.
    The full model, its parameter table and the sources of each value are in
    ``docs/reference-cohort.md``.

    References
    ----------
    Leiter, M. P., & Maslach, C. (2016). Latent burnout profiles: A new approach to
    understanding the burnout experience. *Burnout Research, 3*(4), 89-100.

    Borritz, M., Rugulies, R., Christensen, K. B., Villadsen, E., & Kristensen, T. S. (2006).
    Burnout as a predictor of self-reported sickness absence among human service workers.
    *Occupational and Environmental Medicine, 63*(2), 98-106.

    Examples
    --------
    >>> from burnoutkit.datasets import simulate_cohort
    >>> cohort = simulate_cohort(500, random_state=1)
    >>> cohort.data.shape
    (500, 87)
    >>> null = simulate_cohort(500, random_state=1, asymmetry=False)
    >>> null.truth.parameters["factor_slopes_on_core"]["gs"] == (
    ...     null.truth.parameters["factor_slopes_on_core"]["ls"])
    True
    """
    from burnoutkit._cohort_simulate import simulate

    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 10 <= n <= 10_000_000:
        raise BurnoutkitError(
            f"The 'n' parameter of simulate_cohort must be an int in [10, 10000000]; got {n!r}."
        )
    if random_state is None:
        seed = int(np.random.SeedSequence().entropy)
    elif isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        seed = int(random_state)
        if seed < 0:
            raise BurnoutkitError(
                "The 'random_state' parameter of simulate_cohort must be a non-negative int or "
                f"None; got {random_state!r}."
            )
    else:
        raise BurnoutkitError(
            "The 'random_state' parameter of simulate_cohort must be a non-negative int or None "
            f"(a seed that the truth can record); got {random_state!r}."
        )
    return simulate(int(n), seed, resolve_population(**population))


def load_reference_cohort() -> Cohort:
    """Load the shipped reference cohort: 3000 simulated BAI respondents with ground truth.

    Read from the installed files (``datasets/reference_cohort/``), not simulated; it equals
    ``simulate_cohort(3000, random_state=REFERENCE_SEED)``. The data dictionary is in
    ``datasets/reference_cohort/README.md``.

    Returns
    -------
    Cohort
        ``data`` (3000 rows: ``id``, covariates, 78 items, outcomes), ``retest`` (the retest
        subsample after two weeks) and ``truth``.

    Raises
    ------
    DatasetError
        A cohort file is missing from the installation.

    References
    ----------
    burnoutkit developers (2026). The burnoutkit reference cohort, population model version
    1.0. ``docs/reference-cohort.md``.

    Examples
    --------
    >>> from burnoutkit.datasets import load_reference_cohort
    >>> cohort = load_reference_cohort()
    >>> cohort.data.shape, cohort.retest.shape
    ((3000, 87), (300, 79))
    >>> cohort.truth.noninvariant_item
    'er3'
    """
    return Cohort.load(dataset_path("reference_cohort"))
