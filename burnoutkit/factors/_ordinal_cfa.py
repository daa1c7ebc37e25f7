"""Ordinal CFA (WLSMV / ULSMV): from data and model text to a :class:`CFAResult`.

The entry point is :func:`burnoutkit.cfa` with ``estimator="WLSMV"`` or ``"ULSMV"``; this module
builds the ordinal parameter table, runs the two stages (:mod:`._ordinal_stats`,
:mod:`._ordinal_fit`) and assembles the result with the same tables as a continuous fit:
thresholds appear as ``item | t1`` rows, scales as ``item ~*~ item`` rows, as in lavaan.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from burnoutkit._compat import blas_single_thread
from burnoutkit.correlation import _bvn_cdf
from burnoutkit.errors import BurnoutkitError, IdentificationError
from burnoutkit.factors._ordinal_fit import (
    OrdinalData,
    OrdinalFit,
    fit_ordinal,
    prepare_ordinal,
)
from burnoutkit.factors._ordinal_model import OrdinalModel, ordinal_parameter_table
from burnoutkit.factors._sem_engine import GroupState
from burnoutkit.factors._sem_std import standardize
from burnoutkit.factors.cfa import CFAResult, _FitState
from burnoutkit.factors.syntax import Statement, variable_roles

__all__ = ["ORDINAL_ESTIMATORS", "categorical_omega", "fit_ordinal_table", "ordinal_cfa"]

ORDINAL_ESTIMATORS = ("WLSMV", "ULSMV")


def resolve_ordered(ordered: Any, ov: Sequence[str], fn: str) -> list[str]:
    """Return the ordinal items: every observed variable (``None``/``True``) or the listed ones."""
    ov = list(ov)
    if ordered is None or ordered is True:
        return ov
    if ordered is False:
        raise BurnoutkitError(
            f"{fn}: ordered=False with an ordinal estimator; use estimator='ML' or 'MLR' for "
            "continuous indicators."
        )
    if isinstance(ordered, str):
        raise BurnoutkitError(
            f"The 'ordered' parameter of {fn} must be True or a list of item names; got the "
            f"string {ordered!r}. Write ordered=[{ordered!r}, ...]."
        )
    items = list(ordered)
    unknown = [v for v in items if v not in ov]
    if unknown:
        raise BurnoutkitError(
            f"Items {unknown} in 'ordered' are not observed variables of the model {ov}."
        )
    missing = [v for v in ov if v not in items]
    if missing:
        raise BurnoutkitError(
            f"{fn}: the observed variables {missing} are not in 'ordered'. Mixing continuous "
            "and ordinal indicators is not supported; treat all of them as ordinal (ordered="
            "True) or fit the continuous model with estimator='ML' or 'MLR'."
        )
    return ov


def ordinal_cfa(
    data: pd.DataFrame | None,
    *,
    statements: list[Statement],
    text: str,
    group: str | None,
    estimator: str,
    std_lv: bool,
    orthogonal: bool,
    group_equal: Sequence[str],
    group_partial: Sequence[str],
    parameterization: str,
    ordered: Any,
    missing: str,
    confidence_level: float,
    fn: str = "cfa",
) -> CFAResult:
    """Fit an ordinal CFA (see :func:`burnoutkit.cfa`)."""
    if data is None:
        raise BurnoutkitError(
            f"{fn}: estimator={estimator!r} needs the raw item responses (the thresholds, "
            "polychoric correlations and their weight matrix are computed from them)."
        )
    if missing not in ("listwise", "pairwise"):
        raise BurnoutkitError(
            f"{fn}: estimator={estimator!r} supports missing='listwise' (lavaan's default for "
            "ordinal data) or missing='pairwise'; FIML estimation of ordinal models is not "
            "available."
        )
    roles = variable_roles(statements)
    items = resolve_ordered(ordered, roles.ov, fn)
    with blas_single_thread():
        od = prepare_ordinal(data, variables=items, group=group, fn=fn, missing=missing)
        return fit_ordinal_table(
            statements, od, model_text=text, estimator=estimator, std_lv=std_lv,
            orthogonal=orthogonal, group_equal=group_equal, group_partial=group_partial,
            parameterization=parameterization, confidence_level=confidence_level,
        )


def fit_ordinal_table(
    statements: list[Statement],
    od: OrdinalData,
    *,
    model_text: str,
    estimator: str,
    std_lv: bool = False,
    orthogonal: bool = False,
    group_equal: Sequence[str] = (),
    group_partial: Sequence[str] = (),
    parameterization: str = "delta",
    identification: str = "lavaan",
    confidence_level: float = 0.95,
) -> CFAResult:
    """Build the ordinal parameter table, fit it and assemble a :class:`CFAResult`."""
    nth = {v: int(k) - 1 for v, k in zip(od.variables, od.stats[0].n_cat, strict=True)}
    pt = ordinal_parameter_table(
        statements, n_thresholds=nth, ngroups=len(od.stats), std_lv=std_lv,
        orthogonal=orthogonal, group_equal=group_equal, group_partial=group_partial,
        parameterization=parameterization, identification=identification,
    )
    model = OrdinalModel(pt, od.stats, od.variables)
    df = model.ngroups * model.nstat - model.ntheta
    if df < 0:
        raise IdentificationError(
            f"The model has {model.ntheta} free parameters but only "
            f"{model.ngroups * model.nstat} sample statistics (df = {df}); it is not "
            "identified. Fix parameters, add equality constraints or add indicators."
        )
    from burnoutkit.factors.cfa import _check_scale_identified

    _check_scale_identified(pt)
    fit, fm = fit_ordinal(model, estimator)
    return _assemble(model, fit, fm, od, model_text, estimator, confidence_level)


# --------------------------------------------------------------------------- assembly
def _std_states(model: OrdinalModel, fit: OrdinalFit) -> list[GroupState]:
    """Core states whose Sigma carries the latent-response variances (for standardizing)."""
    out = []
    for gi in fit.implied:
        st = gi.state
        sig = st.sigma.copy()
        if model.parameterization == "delta":
            sig[np.diag_indices(model.p)] = 1.0 / gi.delta**2
        new = GroupState(lam=st.lam, theta=st.theta, psi=st.psi, beta=st.beta, nu=st.nu,
                         alpha=st.alpha)
        new.A, new.LA, new.LPhi, new.Aalpha = st.A, st.LA, st.LPhi, st.Aalpha
        new.sigma, new.mu = sig, st.mu
        out.append(new)
    return out


def estimates(model: OrdinalModel, x: np.ndarray, implied) -> np.ndarray:
    """Row values with the derived residual variances (delta) or scales (theta) filled in."""
    est = model.row_values(x)
    user = model.partable["user"].to_numpy()
    for g, gi in enumerate(implied):
        if model.parameterization == "delta":
            rr = model.resid_rows[g]
            for i, r in enumerate(rr):
                if r >= 0 and model.row_free[r] == 0 and user[r] == 0:
                    est[r] = gi.resid[i]
        else:
            est[model.delta_rows[g]] = gi.delta
    return est


def std_all_at(model: OrdinalModel, x: np.ndarray) -> np.ndarray:
    """``std_all`` of every row at the free-parameter vector ``x``."""
    imp = model.implied(x)
    if imp is None:
        return np.full(len(model.partable), np.nan)
    est = estimates(model, x, imp)
    return _standardized(model, imp, est)[1]


def _standardized(model: OrdinalModel, implied, est: np.ndarray):
    fake = OrdinalFit.__new__(OrdinalFit)
    fake.implied = implied
    states = _std_states(model, fake)
    lhs, op, rhs = model.col_lhs, model.col_op, model.col_rhs
    grp = model.row_group
    variances = {
        (int(g), a): float(e)
        for a, o, b, g, e in zip(lhs, op, rhs, grp, est, strict=True)
        if o == "~~" and a == b
    }
    std_lv, std_all = standardize(model.core, states, lhs, op, rhs, grp, est, variances)
    for g, st in enumerate(states):
        sd = np.sqrt(np.abs(np.diag(st.sigma)))
        rows = model.th_rows[g]
        std_lv[rows] = est[rows]
        std_all[rows] = est[rows] / sd[model.th_item]
        rows = model.delta_rows[g]
        std_lv[rows] = est[rows]
        std_all[rows] = 1.0
    return std_lv, std_all


def _assemble(model: OrdinalModel, fit: OrdinalFit, fm: dict[str, float], od: OrdinalData,
              text: str, estimator: str, level: float) -> CFAResult:
    from burnoutkit.factors.cfa import _derived_tables, _heywood, estimate_table

    pt = model.partable
    est = estimates(model, fit.x, fit.implied)
    std_lv, std_all = _standardized(model, fit.implied, est)
    params = estimate_table(pt, est, fit.vcov_x, model.x_rows, level, std_lv, std_all,
                            od.group_labels)
    states = _std_states(model, fit)
    problems = _heywood(params, model.core, states)
    loadings, resid, corr = _derived_tables(params, model.core, states)
    rel = _reliability(model, fit)
    return CFAResult(
        model=text,
        estimator=estimator,
        n_obs=int(model.ntotal),
        n_groups=model.ngroups,
        group_labels=od.group_labels,
        n_obs_by_group=tuple(s.n for s in od.stats),
        n_dropped=od.n_dropped,
        missing=od.missing,
        converged=fit.converged,
        iterations=fit.iterations,
        parameters=params,
        fit_measures=pd.Series(fm, dtype=float),
        loadings=loadings,
        factor_correlations=corr,
        residual_variances=resid,
        reliability=rel,
        problems=tuple(problems),
        _state=_FitState(model=model, theta=fit.theta, states=states, E_inv=fit.E_inv,
                         prepared=od, vcov_x=fit.vcov_x, ordinal=fit),
    )


def categorical_omega(
    thresholds: list[np.ndarray], scales: np.ndarray, common: np.ndarray, r: np.ndarray
) -> float:
    r"""Return Green & Yang's (2009) omega of the sum of ordinal item scores.

    For items :math:`j, j'` with thresholds :math:`\tau_j` (scaled by the latent-response
    scales :math:`\Delta`) the covariance of the item scores implied by a latent-response
    correlation :math:`\rho` is :math:`\sigma_{jj'}(\rho) = \sum_{c,c'} \Phi_2(\tau_{jc},
    \tau_{j'c'}; \rho) - \sum_c \Phi(\tau_{jc}) \sum_{c'} \Phi(\tau_{j'c'})`; omega is
    :math:`\sum_{jj'} \sigma_{jj'}(\rho^T_{jj'}) / \sum_{jj'} \sigma_{jj'}(r_{jj'})` with
    :math:`\rho^T = \Delta C \Delta` from the model's common covariance matrix :math:`C` and
    :math:`r` the polychoric correlations (1 on the diagonal), as semTools' ``omegaCat``.
    """
    k = len(thresholds)
    t = [np.asarray(thresholds[i], dtype=float) * scales[i] for i in range(k)]
    true = scales[:, None] * np.asarray(common, dtype=float) * scales[None, :]
    rr = np.asarray(r, dtype=float).copy()
    np.fill_diagonal(rr, 1.0)
    ta, tb, pair = [], [], []
    for x in range(k):
        for y in range(k):
            aa, bb = np.meshgrid(t[x], t[y], indexing="ij")
            ta.append(aa.ravel())
            tb.append(bb.ravel())
            pair.append(np.full(aa.size, x * k + y))
    ta_, tb_, pr = np.concatenate(ta), np.concatenate(tb), np.concatenate(pair)
    p1 = np.array([float(np.sum(special.ndtr(tj))) for tj in t])
    marg = np.outer(p1, p1)

    def score_cov(rho: np.ndarray) -> float:
        p2 = np.bincount(pr, weights=_bvn_cdf(ta_, tb_, rho.ravel()[pr]), minlength=k * k)
        return float(np.sum(p2.reshape(k, k) - marg))

    return score_cov(true) / score_cov(rr)


def _reliability(model: OrdinalModel, fit: OrdinalFit) -> pd.DataFrame:
    """Categorical omega (compRelSEM's default for ordinal items) and AVE per factor."""
    rows = []
    lv_idx = [model._eta_idx[f] for f in model.lv_names]
    for g, gi in enumerate(fit.implied):
        st = gi.state
        lam = st.lam[:, lv_idx]
        phi = st.phi[np.ix_(lv_idx, lv_idx)]
        s = model.stats[g]
        R = s.corr
        th = [gi.tau[model.th_item == i] for i in range(model.p)]
        cross = (np.round(lam, 5) != 0).sum(axis=1) > 1
        for j, f in enumerate(model.lv_names):
            ind = np.flatnonzero(lam[:, j] != 0)
            if len(ind) < 2:
                continue
            lf = lam[ind, j]
            common = np.outer(lf, lf) * phi[j, j]
            omega = categorical_omega([th[i] for i in ind], gi.delta[ind], common,
                                      R[np.ix_(ind, ind)])
            sc = gi.delta[ind]
            ave = (np.nan if cross[ind].any()
                   else float(np.sum(lf**2 * sc**2) * phi[j, j] / len(ind)))
            rows.append((s.label, f, len(ind), omega, ave))
    tab = pd.DataFrame(rows, columns=["group", "factor", "n_items", "omega", "ave"])
    if model.ngroups == 1:
        tab = tab.drop(columns="group")
    return tab
