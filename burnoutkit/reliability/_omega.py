"""McDonald's omega from a Schmid-Leiman solution, as psych::omega computes it.

The coefficients are functions of a general-factor loading vector, group-factor loadings and
uniquenesses (:func:`_omega_coefficients`). Here they come from an exploratory Schmid-Leiman
transformation; a confirmatory bifactor model (semTools' ``compRelSEM``) gives the same
coefficients from its own loadings and residual variances.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from burnoutkit._result import Result
from burnoutkit.correlation import (
    CorrelationResult,
    _check_choice,
    _pairwise_pearson,
    correlation,
)
from burnoutkit.errors import BurnoutkitWarning, DataError, HeywoodCaseWarning
from burnoutkit.reliability._common import (
    KeysLike,
    _parse_keys,
    check_not_redundant,
    resolve_items,
    smc,
)
from burnoutkit.reliability._factor import SchmidLeiman, schmid_leiman

__all__ = ["OmegaResult", "omega"]


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class OmegaResult(Result):
    """Omega coefficients and the Schmid-Leiman solution behind them.

    Attributes
    ----------
    omega_h : float
        Omega hierarchical: the share of total-score variance due to the general factor.
        With ``n_factors=1`` it is the one-factor omega ``(sum of loadings)^2 / 1'R1``, not a
        hierarchical coefficient.
    omega_total : float
        Omega total: the share of total-score variance due to all common factors.
    omega_limit : float
        Asymptotic omega hierarchical ``omega_h / omega_total`` (the limit for a test of
        infinitely many such items; psych's ``omega.lim``).
    alpha : float
        Standardized alpha of the correlation matrix.
    lambda6 : float
        Guttman's lambda-6 (squared multiple correlations).
    ecv : float
        Explained common variance of the general factor.
    n_factors : int
        Number of group factors.
    method : str
        Correlations analysed: ``"pearson"`` or ``"polychoric"``.
    loadings : pandas.DataFrame
        One row per item: ``item``, ``g``, one column per group factor (``F1*``, ...),
        ``h2``, ``u2``, ``p2`` (g^2 / h2), as psych's ``schmid$sl``.
    groups : pandas.DataFrame
        One row for g and each group factor: ``factor``, ``omega_total``, ``omega_general``,
        ``omega_group`` (psych's ``omega.group``; each group's items are those loading most on
        it).
    oblique : pandas.DataFrame
        Oblimin pattern loadings of the first-order factors.
    phi : pandas.DataFrame
        Correlations of the first-order factors.
    keys : pandas.Series
        +1 / -1 per item as analysed (including any reversal by the general-factor sign rule).
    flipped : list of str
        Items reversed because they loaded negatively on the general factor (psych's
        ``flip = TRUE``, used only when no keys were given).
    n : int or None
        Number of respondents behind the correlations.
    """

    omega_h: float
    omega_total: float
    omega_limit: float
    alpha: float
    lambda6: float
    ecv: float
    n_factors: int
    method: str
    loadings: pd.DataFrame
    groups: pd.DataFrame
    oblique: pd.DataFrame
    phi: pd.DataFrame
    keys: pd.Series
    flipped: list[str]
    n: int | None

    def tidy(self) -> pd.DataFrame:
        """One row per item: the Schmid-Leiman loadings, h2, u2 and p2."""
        return self.loadings.copy()

    def glance(self) -> pd.DataFrame:
        """One row: omega_h, omega_total, omega_limit, alpha, lambda-6, ECV, n_factors."""
        return pd.DataFrame(
            [
                {
                    "omega_h": self.omega_h,
                    "omega_total": self.omega_total,
                    "omega_limit": self.omega_limit,
                    "alpha": self.alpha,
                    "lambda6": self.lambda6,
                    "ecv": self.ecv,
                    "n_factors": self.n_factors,
                    "method": self.method,
                }
            ]
        )


def _omega_coefficients(
    r: np.ndarray, general: np.ndarray, group: np.ndarray, u2: np.ndarray
) -> dict[str, float]:
    """Omega coefficients of the unit-weighted total of the items of ``r``.

    ``general`` and ``group`` are orthogonal (bifactor) loadings and ``u2`` the uniquenesses;
    the denominator is the observed total-score variance ``1'R1``.
    """
    k = r.shape[0]
    vt = r.sum()
    gsq = general.sum() ** 2
    common = vt - u2.sum()
    ev = np.concatenate([[general @ general], (group * group).sum(axis=0)])
    return {
        "omega_h": gsq / vt,
        "omega_total": common / vt,
        "omega_limit": gsq / common,
        "alpha": (vt - np.trace(r)) / vt * k / (k - 1),
        "lambda6": (vt + smc(r).sum() - np.trace(r)) / vt,
        "ecv": ev[0] / ev.sum(),
    }


def _group_table(r: np.ndarray, sl: SchmidLeiman, omega_total: float) -> pd.DataFrame:
    n_factors = sl.group.shape[1]
    owner = np.argmax(np.abs(sl.group), axis=1)
    rows = [
        {
            "factor": "g",
            "omega_total": omega_total,
            "omega_general": sl.general.sum() ** 2 / r.sum(),
            "omega_group": np.nan,
        }
    ]
    grs = 0.0
    for f in range(n_factors):
        members = owner == f
        if not members.any():
            rows.append(
                {
                    "factor": f"F{f + 1}*",
                    "omega_total": np.nan,
                    "omega_general": np.nan,
                    "omega_group": np.nan,
                }
            )
            continue
        v = r[np.ix_(members, members)].sum()
        gr = sl.group[members, f].sum()
        gg = sl.general[members].sum()
        grs += gr**2
        rows.append(
            {
                "factor": f"F{f + 1}*",
                "omega_total": (gr**2 + gg**2) / v,
                "omega_general": gg**2 / v,
                "omega_group": gr**2 / v,
            }
        )
    rows[0]["omega_group"] = grs / r.sum()
    return pd.DataFrame(rows)


def omega(
    data: Any,
    /,
    *,
    items: Sequence[str] | None = None,
    bank: Any = None,
    scale: str | None = None,
    keys: KeysLike = None,
    n_factors: int = 3,
    method: Literal["pearson", "polychoric"] = "pearson",
    missing: Literal["pairwise", "listwise"] = "pairwise",
) -> OmegaResult:
    r"""McDonald's omega hierarchical and total from a Schmid-Leiman solution.

    Agrees with R's ``psych::omega`` (2.2.9) with its defaults (``fm = "minres"``,
    ``rotate = "oblimin"``, ``poly = FALSE``); ``method="polychoric"`` is ``poly = TRUE``.

    Parameters
    ----------
    data : pandas.DataFrame or CorrelationResult
        Item responses (one column per item, NaN missing), or a correlation matrix from
        :func:`burnoutkit.correlation` (the summary the coefficients depend on).
    items : list of str, optional
        The items; default the items of ``scale``, else all items of ``bank``, else all
        columns (all items of the matrix for a correlation matrix).
    bank : ItemBank, optional
        Gives the reverse keys (and, with ``scale``, the items).
    scale : str, optional
        A scale id of ``bank``.
    keys : list of str or mapping, optional
        Without a bank: the items to reverse, or a mapping item -> +1/-1.
    n_factors : int, default 3
        Number of group factors. Three or more identify the general factor; with two psych sets
        their general loadings equal (a warning says so); with one, ``omega_h`` is the
        one-factor omega.
    method : {"pearson", "polychoric"}, default "pearson"
        Correlations to analyse (ignored when ``data`` is a correlation matrix).
    missing : {"pairwise", "listwise"}, default "pairwise"
        Missing-data handling of the correlations (psych: pairwise).

    Returns
    -------
    OmegaResult

    Raises
    ------
    DataError
        Bad items (see :func:`burnoutkit.alpha`); ``n_factors`` not in [1, number of items -
        1]; a correlation matrix with missing entries.

    Warns
    -----
    BurnoutkitWarning
        Items loaded negatively on the general factor (reversed, as psych does, when no keys
        were given); two group factors.
    HeywoodCaseWarning
        An item's communality reached the 0.995 bound.
    ConvergenceWarning
        The oblimin rotation did not converge.

    Notes
    -----
    The items' correlation matrix :math:`R` is factored by minimum residuals with
    ``n_factors`` factors and rotated by varimax and then oblimin (GPArotation's gradient
    projection algorithm, Bernaards & Jennrich, 2005); a one-factor minres solution of the
    factor correlations gives the general loadings :math:`\gamma`. The Schmid-Leiman loadings
    are :math:`g = P\gamma` and :math:`s_{jf} = \operatorname{sign}(p_{jf})\sqrt{p_{jf}^2 (1 -
    \gamma_f^2)}`, and with :math:`u_j^2 = 1 - h_j^2` from the orthogonal solution,

    .. math:: \omega_h = \frac{(\sum_j g_j)^2}{1'R1}, \qquad
              \omega_t = \frac{1'R1 - \sum_j u_j^2}{1'R1}, \qquad
              \omega_{lim} = \frac{(\sum_j g_j)^2}{1'R1 - \sum_j u_j^2}.

    Each step reproduces the R code, including R's L-BFGS-B settings for minres and the
    convergence criterion of GPArotation, so the loadings agree with psych to about 1e-10.

    References
    ----------
    McDonald, R. P. (1999). *Test Theory: A Unified Treatment*. Lawrence Erlbaum.

    Zinbarg, R. E., Revelle, W., Yovel, I., & Li, W. (2005). Cronbach's alpha, Revelle's
    beta, and McDonald's omega_h. *Psychometrika*, 70(1), 123-133.

    Schmid, J., & Leiman, J. M. (1957). The development of hierarchical factor solutions.
    *Psychometrika*, 22(1), 53-61.

    Bernaards, C. A., & Jennrich, R. I. (2005). Gradient projection algorithms and software
    for arbitrary rotation criteria in factor analysis. *Educational and Psychological
    Measurement*, 65(5), 676-696.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> from burnoutkit.datasets import load_holzinger_swineford
    >>> hs = load_holzinger_swineford()
    >>> # R: psych::omega(lavaan::HolzingerSwineford1939[, paste0("x", 1:9)], nfactors = 3)
    >>> res = bk.omega(hs, items=[f"x{i}" for i in range(1, 10)], n_factors=3)
    >>> round(res.omega_h, 3), round(res.omega_total, 3), round(res.omega_limit, 3)
    (0.449, 0.851, 0.528)
    >>> res.groups.round(3)
      factor  omega_total  omega_general  omega_group
    0      g        0.851          0.449        0.345
    1    F1*        0.887          0.240        0.647
    2    F2*        0.646          0.272        0.375
    3    F3*        0.716          0.189        0.527
    """
    where = "omega"
    _check_choice(method, "method", ("pearson", "polychoric"), where)
    _check_choice(missing, "missing", ("pairwise", "listwise"), where)
    n_obs: int | None
    if isinstance(data, CorrelationResult):
        if bank is not None or scale is not None:
            source_items = bank.items_of(scale) if scale is not None else items
            items = source_items if items is None else items
        names = list(data.matrix.columns) if items is None else list(items)
        absent = [n for n in names if n not in data.matrix.columns]
        if absent:
            raise DataError(f"{where}: items {absent} are not in the correlation matrix.")
        if bank is not None:
            key_values = pd.Series([int(bank.keys[n]) for n in names], index=names, dtype=int)
        else:
            key_values = _parse_keys(keys, names, where)
        r = data.matrix.loc[names, names].to_numpy(dtype=float, copy=True)
        if np.isnan(r).any():
            raise DataError(
                f"{where}: the correlation matrix has missing entries; omega needs every "
                "correlation. Leave out the items whose pairs could not be estimated."
            )
        kv = key_values.to_numpy(dtype=float)
        r = r * np.outer(kv, kv)
        method = data.method  # type: ignore[assignment]
        n_obs = data.n
    else:
        keyed_items = resolve_items(
            data,
            items=items,
            bank=bank,
            scale=scale,
            keys=keys,
            missing=missing,
            where=where,
            warn_empty=False,
        )
        keyed = keyed_items.keyed
        names = list(keyed.columns)
        key_values = keyed_items.keys
        if method == "polychoric":
            r = correlation(keyed, method="polychoric", missing=missing).matrix.to_numpy()
        else:
            r, _ = _pairwise_pearson(keyed.to_numpy())
        if np.isnan(r).any():
            raise DataError(
                f"{where}: some item pairs of {names} have too few joint responses for a "
                "correlation; leave one item of each such pair out."
            )
        n_obs = len(keyed)
    k = len(names)
    if isinstance(n_factors, bool) or not isinstance(n_factors, int) or not (
        1 <= n_factors <= max(1, k - 1)
    ):
        raise DataError(
            f"The 'n_factors' parameter of omega must be an int in [1, {max(1, k - 1)}] for "
            f"{k} items; got {n_factors!r}."
        )
    check_not_redundant(r, names, where)
    if n_factors == 2:
        warnings.warn(
            "omega with two group factors: the general factor is not identified, so (as psych "
            "with option = 'equal') both factors get the general loading sqrt(|phi_12|). Use "
            "three or more group factors for omega_h.",
            BurnoutkitWarning,
            stacklevel=2,
        )
    sl = schmid_leiman(r, n_factors)
    general = sl.general.copy()
    group = sl.group.copy()
    flipped: list[str] = []
    keyed_by_user = bank is not None or keys is not None
    negative = general < 0
    if negative.any():
        neg_names = [n for n, neg in zip(names, negative, strict=True) if neg]
        if keyed_by_user:
            warnings.warn(
                f"After reverse-keying, items {neg_names} load negatively on the general "
                "factor, which lowers omega_h. Check their keys.",
                BurnoutkitWarning,
                stacklevel=2,
            )
        else:
            sign = np.where(negative, -1.0, 1.0)
            r = r * np.outer(sign, sign)
            general = general * sign
            group = group * sign[:, None]
            flipped = neg_names
            key_values = key_values * sign.astype(int)
            warnings.warn(
                f"Items {neg_names} load negatively on the general factor and were reversed "
                "for omega (as psych::omega does with flip = TRUE). Pass keys or a bank to "
                "state the keys yourself.",
                BurnoutkitWarning,
                stacklevel=2,
            )
    heywood = [n for n, u in zip(names, sl.u2, strict=True) if u < 0.01]
    if heywood:
        warnings.warn(
            f"Items {heywood} have communalities of 0.99 or more in the {n_factors}-factor "
            "solution (a Heywood case); omega may be inflated. Try fewer factors.",
            HeywoodCaseWarning,
            stacklevel=2,
        )
    sl_signed = SchmidLeiman(
        general=general,
        group=group,
        h2=sl.h2,
        u2=sl.u2,
        oblique=sl.oblique,
        phi=sl.phi,
        orthogonal=sl.orthogonal,
        g_loadings=sl.g_loadings,
    )
    coef = _omega_coefficients(r, general, group, sl.u2)
    factor_names = [f"F{f + 1}*" for f in range(n_factors)]
    loadings = pd.DataFrame({"item": names, "g": general})
    for f, name in enumerate(factor_names):
        loadings[name] = group[:, f]
    loadings["h2"] = sl.h2
    loadings["u2"] = sl.u2
    loadings["p2"] = general**2 / sl.h2
    first = [f"F{f + 1}" for f in range(n_factors)]
    return OmegaResult(
        omega_h=float(coef["omega_h"]),
        omega_total=float(coef["omega_total"]),
        omega_limit=float(coef["omega_limit"]),
        alpha=float(coef["alpha"]),
        lambda6=float(coef["lambda6"]),
        ecv=float(coef["ecv"]),
        n_factors=n_factors,
        method=method,
        loadings=loadings,
        groups=_group_table(r, sl_signed, float(coef["omega_total"])),
        oblique=pd.DataFrame(sl.oblique, index=names, columns=first),
        phi=pd.DataFrame(sl.phi, index=first, columns=first),
        keys=key_values.copy(),
        flipped=flipped,
        n=n_obs,
    )
