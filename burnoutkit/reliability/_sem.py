"""Standard error of measurement, score bands and the reliability of difference scores."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from burnoutkit._result import Result
from burnoutkit.errors import DataError, LowReliabilityWarning
from burnoutkit.reliability._common import check_confidence_level

__all__ = [
    "DifferenceReliabilityResult",
    "SEMResult",
    "difference_reliability",
    "sem",
]


def _check_reliability(value: Any, name: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating):
        raise DataError(f"The {name!r} parameter of {where} must be a number; got {value!r}.")
    value = float(value)
    if not (np.isfinite(value) and value <= 1):
        raise DataError(
            f"The {name!r} parameter of {where} must be a reliability at most 1; got {value!r}."
        )
    return value


def _check_positive(value: Any, name: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating):
        raise DataError(f"The {name!r} parameter of {where} must be a number; got {value!r}.")
    if not (np.isfinite(value) and value > 0):
        raise DataError(f"The {name!r} parameter of {where} must be positive; got {value!r}.")
    return float(value)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class SEMResult(Result):
    """Standard error of measurement and confidence bands for individual scores.

    Attributes
    ----------
    sem : float
        Standard error of measurement ``sd * sqrt(1 - reliability)``.
    see : float
        Standard error of estimation of the true score ``sd * sqrt(reliability * (1 -
        reliability))``.
    reliability, sd, mean : float
        The inputs (``sd``/``mean`` of the reference population).
    confidence_level : float
        Coverage of the bands.
    bands : pandas.DataFrame
        One row per score: ``score``, ``observed_low``, ``observed_high`` (the observed-score
        band), ``true_score`` (Kelley's regressed estimate), ``true_low``, ``true_high``.
    """

    sem: float
    see: float
    reliability: float
    sd: float
    mean: float
    confidence_level: float
    bands: pd.DataFrame

    def tidy(self) -> pd.DataFrame:
        """One row per score with both bands."""
        return self.bands.copy()

    def glance(self) -> pd.DataFrame:
        """One row: SEM, SEE, reliability, SD, mean, confidence level."""
        return pd.DataFrame(
            [
                {
                    "sem": self.sem,
                    "see": self.see,
                    "reliability": self.reliability,
                    "sd": self.sd,
                    "mean": self.mean,
                    "confidence_level": self.confidence_level,
                }
            ]
        )


def sem(
    data: Any,
    /,
    *,
    reliability: float,
    sd: float | None = None,
    mean: float | None = None,
    confidence_level: float = 0.95,
) -> SEMResult:
    r"""Compute the standard error of measurement and score bands for individual scores.

    Parameters
    ----------
    data : float, sequence of float or pandas.Series
        Observed scores (e.g. scale scores). Their index, if any, labels the rows of ``bands``.
    reliability : float
        Reliability of the scores (e.g. ``bk.alpha(...).alpha``).
    sd, mean : float, optional
        SD and mean of the scores in the reference population. Default: the SD and mean of
        ``data`` (which then needs at least two scores).
    confidence_level : float, default 0.95
        Coverage of the bands.

    Returns
    -------
    SEMResult

    Raises
    ------
    DataError
        Reliability above 1, non-positive SD, or no SD/mean and fewer than two scores.

    Warns
    -----
    LowReliabilityWarning
        The reliability is not positive: the scores carry no true-score information.

    Notes
    -----
    With reliability :math:`\rho`, SD :math:`\sigma` and :math:`z` the normal quantile of
    the confidence level:

    * observed-score band :math:`x \pm z\,\mathrm{SEM}`, :math:`\mathrm{SEM} = \sigma
      \sqrt{1 - \rho}`, the band in which repeated measurements of the same person are
      expected;
    * true-score band :math:`\hat T \pm z\,\mathrm{SEE}` around Kelley's regressed
      estimate :math:`\hat T = \mu + \rho (x - \mu)`, with :math:`\mathrm{SEE} = \sigma
      \sqrt{\rho (1 - \rho)}`, the band recommended for the person's true score (Dudek,
      1979; Harvill, 1991). It is centred nearer the mean than the observed score.

    References
    ----------
    Dudek, F. J. (1979). The continuing misinterpretation of the standard error of measurement.
    *Psychological Bulletin*, 86(2), 335-337.

    Harvill, L. M. (1991). Standard error of measurement. *Educational Measurement: Issues and
    Practice*, 10(2), 33-41.

    Kelley, T. L. (1927). *Interpretation of Educational Measurements*. World Book.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> res = bk.sem([2.0, 3.5], reliability=0.8, sd=1.0, mean=3.0)
    >>> round(res.sem, 4), round(res.see, 4)
    (0.4472, 0.4)
    >>> res.bands.round(3)
       score  observed_low  observed_high  true_score  true_low  true_high
    0    2.0         1.123          2.877         2.2     1.416      2.984
    1    3.5         2.623          4.377         3.4     2.616      4.184
    >>> # R: sd * sqrt(1 - rel) and
    >>> #    mean + rel * (x - mean) + c(-1, 1) * qnorm(.975) * sd * sqrt(rel * (1 - rel))
    """
    where = "sem"
    check_confidence_level(confidence_level, where)
    rel = _check_reliability(reliability, "reliability", where)
    if isinstance(data, pd.Series):
        scores = data.astype(float)
    else:
        arr = np.atleast_1d(np.asarray(data, dtype=float))
        if arr.ndim != 1:
            raise DataError(f"{where}() needs a 1-D sequence of scores; got shape {arr.shape}.")
        scores = pd.Series(arr)
    observed = scores.dropna()
    if sd is None or mean is None:
        if len(observed) < 2:
            raise DataError(
                f"{where}: without 'sd' and 'mean' the scores must hold at least 2 values to "
                "estimate them; pass the reference population's sd= and mean=."
            )
    sd_value = _check_positive(sd, "sd", where) if sd is not None else float(observed.std(ddof=1))
    if sd is None and not sd_value > 0:
        raise DataError(f"{where}: the scores have no variance; pass the population's sd=.")
    mean_value = float(mean) if mean is not None else float(observed.mean())
    if rel <= 0:
        warnings.warn(
            f"The reliability passed to {where} is {rel:.3g}: the scores carry no true-score "
            "information and the true-score band is the population band.",
            LowReliabilityWarning,
            stacklevel=2,
        )
    rel_c = min(max(rel, 0.0), 1.0)
    sem_value = sd_value * np.sqrt(1 - rel_c)
    see_value = sd_value * np.sqrt(rel_c * (1 - rel_c))
    z = special.ndtri(0.5 + confidence_level / 2)
    x = scores.to_numpy()
    true = mean_value + rel_c * (x - mean_value)
    bands = pd.DataFrame(
        {
            "score": x,
            "observed_low": x - z * sem_value,
            "observed_high": x + z * sem_value,
            "true_score": true,
            "true_low": true - z * see_value,
            "true_high": true + z * see_value,
        },
        index=scores.index.copy(),
    )
    return SEMResult(
        sem=float(sem_value),
        see=float(see_value),
        reliability=rel,
        sd=sd_value,
        mean=mean_value,
        confidence_level=float(confidence_level),
        bands=bands,
    )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class DifferenceReliabilityResult(Result):
    """Reliability of a difference score ``X - Y``.

    Attributes
    ----------
    reliability : float
        Reliability of the difference.
    var_difference : float
        Observed variance of the difference, ``var_x + var_y - 2 r_xy sd_x sd_y``.
    sem : float
        Standard error of measurement of the difference, ``sqrt(var_x (1 - rel_x) + var_y (1 -
        rel_y))``.
    rel_x, rel_y, r_xy, var_x, var_y : float
        The inputs.
    """

    reliability: float
    var_difference: float
    sem: float
    rel_x: float
    rel_y: float
    r_xy: float
    var_x: float
    var_y: float

    def tidy(self) -> pd.DataFrame:
        """One row per quantity: ``quantity``, ``estimate``."""
        names = ["reliability", "var_difference", "sem", "rel_x", "rel_y", "r_xy", "var_x", "var_y"]
        return pd.DataFrame({"quantity": names, "estimate": [getattr(self, n) for n in names]})

    def glance(self) -> pd.DataFrame:
        """One row: reliability, variance and SEM of the difference."""
        return pd.DataFrame(
            [
                {
                    "reliability": self.reliability,
                    "var_difference": self.var_difference,
                    "sem": self.sem,
                }
            ]
        )


def difference_reliability(
    rel_x: float,
    rel_y: float,
    /,
    *,
    r_xy: float,
    var_x: float = 1.0,
    var_y: float = 1.0,
) -> DifferenceReliabilityResult:
    r"""Reliability of the difference between two scores (classical test theory).

    Parameters
    ----------
    rel_x, rel_y : float
        Reliabilities of the two scores.
    r_xy : float
        Observed correlation between the two scores.
    var_x, var_y : float, default 1.0
        Their variances. The defaults (equal variances) give the reliability of the difference
        of standardized scores, ``z(X) - z(Y)``, as in an asymmetry index such as
        ``z(loss) - z(gain)``.

    Returns
    -------
    DifferenceReliabilityResult

    Raises
    ------
    DataError
        A reliability above 1, a correlation outside [-1, 1], a non-positive variance, or a
        difference with no variance (perfectly correlated scores of equal spread).

    Warns
    -----
    LowReliabilityWarning
        The difference has reliability at or below 0 (it is all measurement error).

    Notes
    -----
    With errors uncorrelated across the two scores (Lord, 1963; Williams & Zimmerman, 1977),

    .. math:: \rho_{DD} = \frac{\sigma_X^2 \rho_{XX} + \sigma_Y^2 \rho_{YY}
              - 2 \rho_{XY} \sigma_X \sigma_Y}{\sigma_X^2 + \sigma_Y^2
              - 2 \rho_{XY} \sigma_X \sigma_Y},

    which for standardized scores (:math:`\sigma_X = \sigma_Y`) is
    :math:`(\bar\rho - \rho_{XY}) / (1 - \rho_{XY})` with :math:`\bar\rho =
    (\rho_{XX} + \rho_{YY})/2`. The difference is less reliable than its parts whenever the
    scores correlate.

    References
    ----------
    Lord, F. M. (1963). Elementary models for measuring change. In C. W. Harris (Ed.),
    *Problems in Measuring Change* (pp. 21-38). University of Wisconsin Press.

    Williams, R. H., & Zimmerman, D. W. (1977). The reliability of difference scores when
    errors are correlated. *Educational and Psychological Measurement*, 37(3), 679-689.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> # standardized difference, e.g. z(loss sensitivity) - z(gain sensitivity)
    >>> res = bk.difference_reliability(0.85, 0.80, r_xy=0.40)
    >>> round(res.reliability, 4)
    0.7083
    >>> # R: (0.85 + 0.80 - 2 * 0.40) / (2 - 2 * 0.40)
    """
    where = "difference_reliability"
    rx = _check_reliability(rel_x, "rel_x", where)
    ry = _check_reliability(rel_y, "rel_y", where)
    if isinstance(r_xy, bool) or not isinstance(r_xy, int | float | np.floating) or not (
        -1 <= r_xy <= 1
    ):
        raise DataError(
            f"The 'r_xy' parameter of {where} must be a number in [-1, 1]; got {r_xy!r}."
        )
    vx = _check_positive(var_x, "var_x", where)
    vy = _check_positive(var_y, "var_y", where)
    cov = float(r_xy) * np.sqrt(vx * vy)
    var_d = vx + vy - 2 * cov
    if var_d <= 1e-12 * (vx + vy):
        raise DataError(
            f"{where}: with r_xy = {r_xy} and equal spread the difference has no variance, so its "
            "reliability is undefined."
        )
    rel_d = (vx * rx + vy * ry - 2 * cov) / var_d
    if rel_d <= 0:
        warnings.warn(
            f"The difference score has reliability {rel_d:.3g}: the correlation between the "
            f"scores ({r_xy}) is at least their average reliability, so their difference is "
            "measurement error. Do not interpret individual differences.",
            LowReliabilityWarning,
            stacklevel=2,
        )
    return DifferenceReliabilityResult(
        reliability=float(rel_d),
        var_difference=float(var_d),
        sem=float(np.sqrt(vx * (1 - rx) + vy * (1 - ry))),
        rel_x=rx,
        rel_y=ry,
        r_xy=float(r_xy),
        var_x=vx,
        var_y=vy,
    )
