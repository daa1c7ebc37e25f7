"""Composite reliability (omega) from a fitted confirmatory factor model, as semTools' compRelSEM.

The coefficients are ratios of model-implied common variance to the observed variance of an
unweighted sum of items. The loadings, regressions among factors and factor variances come from
:func:`burnoutkit.cfa`'s parameter table; the observed covariance matrix is the one the model was
fitted to (the complete rows' covariances, or the EM estimate with ``missing="fiml"``), which is
what ``compRelSEM(obs.var = TRUE)`` uses.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from burnoutkit._result import Result
from burnoutkit.correlation import _check_choice
from burnoutkit.errors import BurnoutkitWarning, DataError
from burnoutkit.factors._ordinal_cfa import categorical_omega
from burnoutkit.factors.cfa import CFAResult, cfa
from burnoutkit.factors.syntax import parse_model, variable_roles
from burnoutkit.reliability._common import KeysLike, resolve_items

__all__ = ["OmegaCFAResult", "omega_cfa"]

_STRUCTURES = ("correlated", "bifactor", "higher_order")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class OmegaCFAResult(Result):
    """Omega coefficients of every factor of a fitted CFA model and of the total score.

    Attributes
    ----------
    omega : pandas.Series
        Omega per factor, indexed by factor name, plus ``"total"`` (all modelled items as one
        composite) when the model has more than one first-order factor: the values of
        ``semTools::compRelSEM(fit, return.total = TRUE, higher = <second-order factors>)``.
    omega_total : float
        Omega of the sum of all modelled items (``omega["total"]``; for a one-factor model, the
        factor's omega).
    omega_h : float
        Omega hierarchical: the share of the total-score variance due to the general factor of
        a bifactor model, or to the second-order factor of a higher-order model with a single
        second-order factor over all items. NaN otherwise.
    table : pandas.DataFrame
        One row per coefficient: ``factor``, ``kind`` (``"factor"`` for the factors of a
        correlated-factors model and the first-order factors of a higher-order model,
        ``"general"`` and ``"specific"`` for a bifactor model, ``"second_order"``,
        ``"total"``), ``n_items``, ``items`` (comma-separated) and ``omega``.
    structure : str
        ``"correlated"``, ``"bifactor"``, ``"higher_order"`` (a bank's model) or ``"model"``
        (a model given as text).
    n : int
        Respondents behind the fit.
    keys : pandas.Series
        +1 / -1 per item as applied before the fit.
    fit : CFAResult
        The fitted model (fit measures, loadings, warnings); judge the fit before the omegas.
    """

    omega: pd.Series
    omega_total: float
    omega_h: float
    table: pd.DataFrame
    structure: str
    n: int
    keys: pd.Series
    fit: CFAResult

    def tidy(self) -> pd.DataFrame:
        """One row per factor (and the total): kind, number of items, items, omega."""
        return self.table.copy()

    def glance(self) -> pd.DataFrame:
        """One row: structure, omega_total, omega_h, n and the model's chi-square, CFI, RMSEA."""
        fm = self.fit.fit_measures
        return pd.DataFrame(
            [
                {
                    "structure": self.structure,
                    "omega_total": self.omega_total,
                    "omega_h": self.omega_h,
                    "n": self.n,
                    "n_items": len(self.keys),
                    "chisq": float(fm.get("chisq", np.nan)),
                    "df": float(fm.get("df", np.nan)),
                    "cfi": float(fm.get("cfi", np.nan)),
                    "rmsea": float(fm.get("rmsea", np.nan)),
                    "srmr": float(fm.get("srmr", np.nan)),
                }
            ]
        )


def _model_matrices(
    params: pd.DataFrame, items: list[str]
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Lambda (items x factors), B (factor on factor) and the model-implied factor covariances."""
    ld = params[params["op"] == "=~"]
    lv = list(dict.fromkeys(ld["lhs"]))
    pos = {f: i for i, f in enumerate(lv)}
    row = {v: i for i, v in enumerate(items)}
    m = len(lv)
    lam = np.zeros((len(items), m))
    beta = np.zeros((m, m))
    for lhs, rhs, est in zip(ld["lhs"], ld["rhs"], ld["estimate"], strict=True):
        if rhs in pos:
            beta[pos[rhs], pos[lhs]] = est
        else:
            lam[row[rhs], pos[lhs]] = est
    psi = np.zeros((m, m))
    cov = params[(params["op"] == "~~") & params["lhs"].isin(lv) & params["rhs"].isin(lv)]
    for lhs, rhs, est in zip(cov["lhs"], cov["rhs"], cov["estimate"], strict=True):
        psi[pos[lhs], pos[rhs]] = psi[pos[rhs], pos[lhs]] = est
    a = np.linalg.inv(np.eye(m) - beta)
    return lv, lam, beta, a @ psi @ a.T


def _continuous_ratio(s: np.ndarray):
    """Omega of a set of items: common variance over the observed variance of their sum."""

    def ratio(ind: np.ndarray, common: np.ndarray) -> float:
        return float(common.sum() / s[np.ix_(ind, ind)].sum())

    return ratio


def _categorical_ratio(thresholds: list[np.ndarray], scales: np.ndarray, r: np.ndarray):
    """Green & Yang's (2009) categorical omega of a set of items (see ``categorical_omega``)."""

    def ratio(ind: np.ndarray, common: np.ndarray) -> float:
        return categorical_omega([thresholds[i] for i in ind], scales[ind], common,
                                 r[np.ix_(ind, ind)])

    return ratio


def _coefficients(
    lv: list[str], lam: np.ndarray, beta: np.ndarray, phi: np.ndarray, ratio,
    items: list[str],
) -> pd.DataFrame:
    """Omegas as compRelSEM computes them: factors, the total, second-order factors.

    ``ratio(ind, common)`` turns the model-implied common covariance matrix of the items
    ``ind`` into omega (continuous: over the observed covariances; ordinal: Green & Yang).
    """
    rows: list[dict[str, Any]] = []
    first = [j for j in range(len(lv)) if np.count_nonzero(lam[:, j]) > 1]
    on_items = lam != 0
    all_rows = np.flatnonzero(on_items[:, first].any(axis=1)) if first else np.array([], int)
    general = [
        j for j in first
        if len(first) > 1 and on_items[all_rows, j].all()
    ]
    for j in first:
        ind = np.flatnonzero(on_items[:, j])
        lf = lam[ind, j]
        kind = "general" if j in general else ("specific" if general else "factor")
        rows.append({
            "factor": lv[j],
            "kind": kind,
            "n_items": len(ind),
            "items": ", ".join(items[i] for i in ind),
            "omega": ratio(ind, np.outer(lf, lf) * phi[j, j]),
        })
    if len(first) > 1:
        sub = lam[np.ix_(all_rows, first)]
        common = sub @ phi[np.ix_(first, first)] @ sub.T
        rows.append({
            "factor": "total",
            "kind": "total",
            "n_items": len(all_rows),
            "items": ", ".join(items[i] for i in all_rows),
            "omega": ratio(all_rows, common),
        })
    for h in range(len(lv)):
        lower = np.flatnonzero(beta[:, h] != 0)
        if lower.size == 0:
            continue
        cols = np.concatenate([[h], lower])
        ind = np.flatnonzero(on_items[:, cols].any(axis=1))
        sub = lam[np.ix_(ind, cols)]
        b = beta[np.ix_(cols, cols)]
        common = sub @ b @ phi[np.ix_(cols, cols)] @ b.T @ sub.T
        rows.append({
            "factor": lv[h],
            "kind": "second_order",
            "n_items": len(ind),
            "items": ", ".join(items[i] for i in ind),
            "omega": ratio(ind, common),
        })
    return pd.DataFrame(rows, columns=["factor", "kind", "n_items", "items", "omega"])


def omega_cfa(
    data: Any,
    /,
    *,
    model: str | None = None,
    bank: Any = None,
    scales: Sequence[str] | None = None,
    structure: Literal["correlated", "bifactor", "higher_order"] = "correlated",
    keys: KeysLike = None,
    estimator: Literal["ML", "MLR", "WLSMV", "ULSMV"] | None = None,
    std_lv: bool = False,
    missing: Literal["listwise", "fiml"] = "listwise",
    ordered: bool = False,
    ord_scale: bool = True,
) -> OmegaCFAResult:
    r"""Omega (composite reliability) of each factor of a confirmatory factor model.

    Fits the model with :func:`burnoutkit.cfa` and computes omega for every factor, the total
    score and any second-order factor, as ``semTools::compRelSEM`` (0.5-6) does with its
    defaults (``obs.var = TRUE``, ``tau.eq = FALSE``). For a bank, ``structure`` picks the
    model: one factor per scale (``"correlated"``), a bifactor model (general factor plus one
    specific factor per scale: ``omega_h`` is the general factor's omega) or a higher-order
    model (a second-order factor per system: its omega is ``compRelSEM(fit, higher = ...)``).

    Parameters
    ----------
    data : pandas.DataFrame
        Item responses, one column per item; NaN is missing. Checked responses from
        :func:`burnoutkit.check_responses` are accepted too (their bank gives the keys).
    model : str, optional
        The model in lavaan syntax. Default: the bank's model, ``bank.to_lavaan(structure,
        scales=scales)``.
    bank : ItemBank, optional
        Emits the model and gives the reverse keys and the response format.
    scales : list of str, optional
        With a bank and no ``model``: model only these scales (default all).
    structure : {"correlated", "bifactor", "higher_order"}, default "correlated"
        Which of the bank's models to fit (ignored with ``model``).
    keys : list of str or mapping, optional
        Without a bank: the items to reverse (``["A1"]``) or a mapping item -> +1/-1.
    estimator : {"ML", "MLR", "WLSMV", "ULSMV"}, optional
        Passed to :func:`burnoutkit.cfa`. Default ``"ML"``, or ``"WLSMV"`` with
        ``ordered=True``. ``"ML"`` and ``"MLR"`` give the same point estimates, hence the same
        omegas; ``"WLSMV"`` and ``"ULSMV"`` fit the items as ordinal (polychoric correlations)
        and give the categorical omega.
    std_lv : bool, default False
        Identify factors by their variances instead of a marker loading (omega does not
        depend on it).
    missing : {"listwise", "fiml"}, default "listwise"
        Passed to :func:`burnoutkit.cfa`. With ``"fiml"`` the observed covariance matrix in the
        denominator is the EM estimate from all rows (lavaan's ``sampstat`` with
        ``missing = "fiml"``). Ordinal estimators use complete rows only.
    ordered : bool, default False
        Treat the items as ordinal: fit the model by WLSMV (unless ``estimator`` names
        ``"ULSMV"``) and report the categorical omega of Green & Yang (2009), as
        ``compRelSEM`` does for a model fitted with ``ordered = TRUE``.
    ord_scale : bool, default True
        Ordinal fits only: ``True`` gives the reliability of the sum of the item scores as
        they are scored (categorical omega, ``compRelSEM(ord.scale = TRUE)``); ``False`` the
        reliability of the sum of the latent responses (``ord.scale = FALSE``: common variance
        over the sum of the polychoric correlations).

    Returns
    -------
    OmegaCFAResult

    Raises
    ------
    DataError
        Bad items (see :func:`burnoutkit.alpha`); ``scales`` without a bank; neither a model
        nor a bank.
    BurnoutkitError
        The CFA cannot be fitted (see :func:`burnoutkit.cfa`: syntax, identification,
        convergence).

    Warns
    -----
    BurnoutkitWarning
        An item loads negatively on its factor after reverse-keying (its omega describes a sum
        that adds a reversed item; check the keys).
    ListwiseDeletionWarning, HeywoodCaseWarning, ConvergenceWarning
        From :func:`burnoutkit.cfa`.

    Notes
    -----
    Reverse-keyed items (from the bank or ``keys``) are recoded ``min + max - x`` before the
    fit, so every omega is that of the sum score as it is scored. With :math:`\Lambda` the
    loadings, :math:`B` the regressions of factors on factors, :math:`\Psi` the factor
    (co)variances and disturbances, :math:`\Phi = (I - B)^{-1}\Psi(I - B)^{-\top}` the
    model-implied factor covariances and :math:`S_J` the observed covariance matrix of an item
    set :math:`J`:

    .. math:: \omega_f = \frac{(\sum_{j \in J_f} \lambda_{jf})^2\,\phi_{ff}}{1'S_{J_f}1},
              \qquad
              \omega_{total} = \frac{1'\Lambda\Phi\Lambda'1}{1'S1},
              \qquad
              \omega_{h} = \frac{1'\Lambda B\,\Phi\,B'\Lambda'1}{1'S_{J_h}1}
              \ \text{(second-order factor } h\text{)}.

    In a bifactor model :math:`\omega_g` (the general factor's :math:`\omega_f`) is omega
    hierarchical and a specific factor's :math:`\omega_f` is the subscale's omega
    hierarchical (variance of the specific factor over the subscale's total variance). Factors
    with a single indicator are skipped, as compRelSEM's ``dropSingle = TRUE``.

    With ``ordered=True`` (or an ordinal estimator) the model is fitted to the thresholds and
    polychoric correlations by WLSMV and omega is Green & Yang's (2009) categorical omega, the
    reliability of the sum of the item *scores*: for items :math:`j, j'` with thresholds
    :math:`\tau_{jc}` and latent-response correlation :math:`\rho_{jj'}` the covariance of
    the scores is

    .. math:: \sigma_{jj'}(\rho) = \sum_{c,c'} \Phi_2(\tau_{jc}, \tau_{j'c'}; \rho)
              - \sum_c \Phi(\tau_{jc}) \sum_{c'} \Phi(\tau_{j'c'}),

    and :math:`\omega = \sum_{jj'} \sigma_{jj'}(\rho^{T}_{jj'}) / \sum_{jj'}
    \sigma_{jj'}(r_{jj'})` with :math:`\rho^{T} = \Delta\Lambda_J\Phi\Lambda_J'\Delta`
    the common part (of a factor, of all factors for the total, or through :math:`B` for a
    second-order factor) and :math:`r` the polychoric correlations (1 on the diagonal). It
    agrees with ``semTools::compRelSEM`` for single factors; semTools 0.5-6 stops on the total
    and on second-order factors of ordinal models, where the same formula is applied to the
    model-implied common covariance matrix (semTools' ``omegaCat``).

    References
    ----------
    Raykov, T. (1997). Estimation of composite reliability for congeneric measures. *Applied
    Psychological Measurement*, 21(2), 173-184.

    McDonald, R. P. (1999). *Test Theory: A Unified Treatment*. Lawrence Erlbaum.

    Bentler, P. M. (2009). Alpha, distribution-free, and model-based internal consistency
    reliability. *Psychometrika*, 74(1), 137-143.

    Rodriguez, A., Reise, S. P., & Haviland, M. G. (2016). Evaluating bifactor models:
    Calculating and interpreting statistical indices. *Psychological Methods*, 21(2), 137-150.

    Green, S. B., & Yang, Y. (2009). Reliability of summed item scores using structural
    equation modeling: An alternative to coefficient alpha. *Psychometrika*, 74(1), 155-167.

    Jorgensen, T. D., Pornprasertmanit, S., Schoemann, A. M., & Rosseel, Y. (2022). semTools:
    Useful tools for structural equation modeling. R package version 0.5-6.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> from burnoutkit.datasets import load_holzinger_swineford
    >>> hs = load_holzinger_swineford()
    >>> hs_model = '''visual  =~ x1 + x2 + x3
    ...               textual =~ x4 + x5 + x6
    ...               speed   =~ x7 + x8 + x9'''
    >>> # R: semTools::compRelSEM(lavaan::cfa(hs_model, data = HolzingerSwineford1939),
    >>> #                         return.total = TRUE)
    >>> res = bk.omega_cfa(hs, model=hs_model)
    >>> res.omega.round(3)
    visual     0.612
    textual    0.885
    speed      0.686
    total      0.860
    Name: omega, dtype: float64

    A second-order factor (R: ``compRelSEM(fit, higher = "g")``):

    >>> res = bk.omega_cfa(hs, model=hs_model + "\n g =~ visual + textual + speed")
    >>> res.tidy()[["factor", "kind", "n_items", "omega"]].round(3)
        factor          kind  n_items  omega
    0   visual        factor        3  0.612
    1  textual        factor        3  0.885
    2    speed        factor        3  0.686
    3    total         total        9  0.860
    4        g  second_order        9  0.564

    Ordinal items (six-point Likert) by WLSMV: the categorical omega of Green & Yang (2009),
    the reliability of the sum of the item scores as they are scored:

    >>> from burnoutkit.datasets import load_bfi
    >>> ac = load_bfi()[[f"{t}{i}" for t in "AC" for i in range(1, 6)]].dropna()
    >>> # R: compRelSEM(cfa(ac_model, ac_reversed, ordered = TRUE, estimator = "WLSMV"))
    >>> res = bk.omega_cfa(ac, model="A =~ A1 + A2 + A3 + A4 + A5; C =~ C1 + C2 + C3 + C4 + C5",
    ...                    keys=["A1", "C4", "C5"], ordered=True)
    >>> res.omega.round(3)
    A        0.737
    C        0.761
    total    0.802
    Name: omega, dtype: float64
    """
    where = "omega_cfa"
    _check_choice(estimator if estimator is not None else "ML", "estimator",
                  ("ML", "MLR", "WLSMV", "ULSMV"), where)
    ordinal_est = estimator in ("WLSMV", "ULSMV")
    if ordered and estimator in ("ML", "MLR"):
        raise DataError(
            f"{where}: ordered=True fits the items as ordinal, which estimator={estimator!r} "
            "cannot; leave estimator out (WLSMV) or pass estimator='WLSMV' or 'ULSMV'."
        )
    if estimator is None:
        estimator = "WLSMV" if ordered else "ML"
    ordinal = ordered or ordinal_est
    if bank is None and hasattr(data, "bank") and isinstance(getattr(data, "items", None),
                                                             pd.DataFrame):
        bank = data.bank  # checked responses carry their bank
    if model is None:
        if bank is None:
            raise DataError(
                f"{where} needs a model: pass model='f =~ x1 + x2 + x3' or bank=... (the bank "
                "emits its own model)."
            )
        _check_choice(structure, "structure", _STRUCTURES, where)
        text = bank.to_lavaan(structure, scales=scales)
        label = structure
    else:
        if scales is not None:
            raise DataError(
                f"{where}: 'scales' selects the scales of the bank's model; with model= write "
                "only those factors into the model."
            )
        if not isinstance(model, str):
            raise DataError(
                f"The 'model' parameter of {where} must be lavaan syntax (a str); got "
                f"{type(model).__name__}."
            )
        text = model
        label = "model"
    roles = variable_roles(parse_model(text))
    items = list(roles.ov)
    keyed_items = resolve_items(
        data, items=items, bank=bank, scale=None, keys=keys, missing="pairwise", where=where,
        warn_empty=False,
    )
    keyed = keyed_items.keyed
    fit = cfa(keyed, model=text, estimator=estimator, std_lv=std_lv, missing=missing)
    state = fit._state
    order = list(state.model.ov_names)
    idx = [order.index(v) for v in items]
    lv, lam, beta, phi = _model_matrices(fit.parameters, items)
    if ordinal:
        ratio = _ordinal_ratio(fit, items, idx, ord_scale)
    else:
        s = np.asarray(state.model.groups[0].cov, dtype=float)[np.ix_(idx, idx)]
        ratio = _continuous_ratio(s)

    negative = fit.loadings[fit.loadings["std_all"] < 0]
    if len(negative):
        pairs = [f"{i} on {f}" for f, i in zip(negative["factor"], negative["item"], strict=True)]
        warnings.warn(
            f"{where}: items load negatively after reverse-keying ({', '.join(pairs)}), so the "
            "omegas describe sums that add these items as they are. Check their keys (bank or "
            "'keys').",
            BurnoutkitWarning,
            stacklevel=2,
        )
    table = _coefficients(lv, lam, beta, phi, ratio, items)
    if table.empty:
        raise DataError(
            f"{where}: the model has no factor with two or more items, so no omega can be "
            "computed."
        )
    omega = pd.Series(table["omega"].to_numpy(), index=table["factor"].to_numpy(), name="omega")
    first = table[table["kind"].isin(["factor", "general", "specific"])]
    omega_total = float(omega["total"]) if "total" in omega.index else float(first["omega"].iloc[0])
    omega_h = np.nan
    general = table[table["kind"] == "general"]
    second = table[table["kind"] == "second_order"]
    n_modelled = int(table["n_items"].max())
    if len(general) == 1:
        omega_h = float(general["omega"].iloc[0])
    elif len(second) == 1 and int(second["n_items"].iloc[0]) == n_modelled:
        omega_h = float(second["omega"].iloc[0])
    return OmegaCFAResult(
        omega=omega,
        omega_total=omega_total,
        omega_h=float(omega_h),
        table=table,
        structure=label,
        n=int(fit.n_obs),
        keys=keyed_items.keys.copy(),
        fit=fit,
    )


def _ordinal_ratio(fit: CFAResult, items: list[str], idx: list[int], ord_scale: bool):
    """Return the omega function of an ordinal fit: categorical, or of the latent responses."""
    stats_ = fit._state.model.stats[0]
    r = stats_.corr[np.ix_(idx, idx)]
    params = fit.parameters
    scales = params[params["op"] == "~*~"].set_index("lhs")["estimate"]
    sc = scales.reindex(items).to_numpy(dtype=float)
    if not ord_scale:
        # latent-response scale: the polychoric matrix rescaled by the scales, as compRelSEM
        s = r / np.outer(sc, sc)
        return _continuous_ratio(s)
    th = params[params["op"] == "|"]
    thresholds = [th.loc[th["lhs"] == v, "estimate"].to_numpy(dtype=float) for v in items]
    return _categorical_ratio(thresholds, sc, r)
