r"""DWLS / ULS estimation of ordinal factor models with robust inference (WLSMV, ULSMV).

Second stage of the three-stage estimator (Muthén, 1984; Muthén, du Toit & Spisic, 1997) as
lavaan computes it: minimize

.. math:: F = \sum_g \frac{n_g - 1}{2N}\,(s_g - \sigma_g(\theta))' W_g
          (s_g - \sigma_g(\theta)),

with :math:`s_g` the thresholds and polychoric correlations of group :math:`g`,
:math:`W_g = \operatorname{diag}(\Gamma_g)^{-1}` (DWLS, WLSMV) or :math:`I` (ULS, ULSMV), by
Gauss-Newton steps with step halving. With :math:`\Delta_g = \partial\sigma_g/\partial\theta'`,
:math:`f_g = n_g / N`, :math:`E = \sum_g f_g \Delta_g' W_g \Delta_g` (equality constraints
through :math:`K (K' E K)^{-1} K'`):

* robust covariance matrix of the estimates
  :math:`(N - G)^{-1} E^{-1} (\sum_g f_g \Delta_g' W_g \Gamma_g W_g \Delta_g) E^{-1}`;
* test statistic :math:`T = \sum_g (n_g - 1) F_g` and its mean- and variance-adjusted
  (scaled-shifted) version :math:`a T + b` with :math:`a = \sqrt{df / \operatorname{tr}
  (U\Gamma)^2}`, :math:`b = df - a \operatorname{tr}(U\Gamma)`,
  :math:`U = V - V\Delta E^{-1}\Delta' V`, :math:`V = \oplus_g f_g W_g`,
  :math:`\Gamma = \oplus_g \Gamma_g / f_g` (Asparouhov & Muthén, 2010);
* the robust CFI, TLI and RMSEA of Savalei (2021): the normal-theory ML discrepancy of the
  polychoric matrix at the DWLS estimates, scaled by
  :math:`\hat c = \operatorname{tr}[(I - \Delta E^{-1}\Delta' W)' V_{ML}
  (I - \Delta E^{-1}\Delta' W)\Gamma] / df` (lavaan's ``lav_fit_catml_dwls``).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import linalg, stats

from burnoutkit.errors import (
    BurnoutkitError,
    ConvergenceError,
    ConvergenceWarning,
    DataError,
    ListwiseDeletionWarning,
    SparseCategoryWarning,
)
from burnoutkit.factors import _sem_fit
from burnoutkit.factors._ordinal_model import OrdinalModel
from burnoutkit.factors._ordinal_stats import OrdinalStats, ordinal_stats

__all__ = ["OrdinalData", "SparseCategoryWarning", "fit_ordinal", "prepare_ordinal"]

#: Categories used by fewer respondents than this (in a group) are flagged.
SPARSE_CATEGORY_MIN = 5


# --------------------------------------------------------------------------- data
@dataclass(frozen=True, slots=True)
class OrdinalData:
    """Complete rows of every group as category codes, and their first-stage statistics."""

    stats: list[OrdinalStats]
    variables: list[str]
    levels: dict[str, tuple[float, ...]]
    group_labels: tuple[str, ...]
    n_dropped: int
    missing: str = "listwise"


def _group_order(col: pd.Series) -> list:
    if isinstance(col.dtype, pd.CategoricalDtype):
        present = set(col.dropna().unique())
        return [c for c in col.cat.categories if c in present]
    return list(pd.unique(col.dropna()))


def prepare_ordinal(
    data: pd.DataFrame,
    *,
    variables: Sequence[str],
    group: str | None,
    fn: str = "cfa",
    gamma: bool = True,
    missing: str = "listwise",
) -> OrdinalData:
    """Check the data, drop incomplete rows (announced), code the categories, compute stage 1.

    With ``missing="pairwise"`` only rows without any answer (or without a group) are dropped;
    the others keep their missing answers (code ``-1``), as lavaan's ``missing = "pairwise"``.

    The categories of an item are its distinct observed values over all groups, in order (as
    R's ``ordered()``); a category that is empty in one group stops the fit (lavaan does the
    same), a category used by fewer than :data:`SPARSE_CATEGORY_MIN` respondents of a group
    raises a :class:`SparseCategoryWarning`.
    """
    variables = list(variables)
    if not isinstance(data, pd.DataFrame):
        raise BurnoutkitError(f"The data of {fn} must be a pandas DataFrame; got {type(data)}.")
    absent = [v for v in variables if v not in data.columns]
    if absent:
        raise DataError(f"Variables {absent} of the model are not columns of the data.")
    nonnum = [v for v in variables if not pd.api.types.is_numeric_dtype(data[v])]
    if nonnum:
        raise DataError(
            f"Columns {nonnum} are not numeric; code the ordinal responses as numbers (1, 2, "
            "3, ...) before fitting."
        )
    if group is not None and group not in data.columns:
        raise DataError(f"The group column {group!r} is not in the data.")
    frame = data[variables + ([group] if group is not None else [])]
    keep = np.ones(len(frame), dtype=bool)
    reasons = []
    if group is not None:
        no_group = frame[group].isna().to_numpy()
        if no_group.any():
            reasons.append(f"{int(no_group.sum())} with a missing group ({group!r})")
        keep &= ~no_group
    if missing == "pairwise":
        incomplete = frame[variables].isna().all(axis=1).to_numpy() & keep
        if incomplete.any():
            reasons.append(f"{int(incomplete.sum())} without any answer")
        how = "before fitting (pairwise deletion keeps every row with an answer)"
        uses = ("the thresholds use every answer of an item, the polychoric correlations "
                "every pair of answers")
    else:
        incomplete = frame[variables].isna().any(axis=1).to_numpy() & keep
        if incomplete.any():
            worst = frame.loc[incomplete, variables].isna().sum().sort_values(ascending=False)
            worst = worst[worst > 0].head(3)
            detail = ", ".join(f"{k}: {v}" for k, v in worst.items())
            reasons.append(f"{int(incomplete.sum())} with missing responses (most in {detail})")
        how = "listwise before fitting"
        uses = ("the polychoric correlations and their weight matrix use complete rows only "
                "(missing='pairwise' uses every answer)")
    keep &= ~incomplete
    n_dropped = int((~keep).sum())
    if n_dropped:
        warnings.warn(
            f"{n_dropped} of {len(frame)} rows were dropped {how}: "
            + "; ".join(reasons)
            + f". The count is in the result (n_dropped); {uses}.",
            ListwiseDeletionWarning,
            stacklevel=4,
        )
    X = frame.loc[keep, variables].to_numpy(dtype=float)
    if len(X) == 0:
        raise DataError(f"No complete rows are left for {fn}; check the missing values.")
    # a missing answer (NaN) compares False, so only answered values are checked
    nonint = [v for v, col in zip(variables, X.T, strict=True)
              if np.any(np.abs(col - np.round(col)) > 0)]
    if nonint:
        raise DataError(
            f"Items {nonint} have non-integer values; ordinal estimation (WLSMV/ULSMV) needs "
            "integer category codes. Recode them or use estimator='ML' or 'MLR'."
        )
    levels: dict[str, tuple[float, ...]] = {}
    codes = np.empty(X.shape, dtype=np.int64)
    n_cat = np.empty(len(variables), dtype=np.int64)
    for j, v in enumerate(variables):
        answered = ~np.isnan(X[:, j])
        lev = np.unique(X[answered, j])
        levels[v] = tuple(float(a) for a in lev)
        codes[:, j] = np.where(answered, np.searchsorted(lev, np.where(answered, X[:, j], 0)), -1)
        n_cat[j] = len(lev)
    const = [v for v, k in zip(variables, n_cat, strict=True) if k < 2]
    if const:
        raise DataError(
            f"Items {const} have a single observed category; a constant item cannot be "
            "modelled. Drop it from the model."
        )
    if group is None:
        labels: list = [""]
        gcol = np.zeros(len(X), dtype=int)
    else:
        labels = _group_order(frame[group])  # first appearance in the data, as lavaan
        gvals = frame.loc[keep, group].to_numpy()
        gcol = np.full(len(X), -1)
        for k, lab in enumerate(labels):
            gcol[gvals == lab] = k
    sparse: list[str] = []
    stats_list: list[OrdinalStats] = []
    for k, lab in enumerate(labels):
        rows = gcol == k
        c = codes[rows]
        where = f" in group {lab!r}" if group is not None else ""
        if len(c) < 2:
            raise DataError(
                f"Only {len(c)} complete row(s){where}; an ordinal CFA needs many more. Check "
                "the group column and the missing values."
            )
        empty = []
        for j, v in enumerate(variables):
            cnt = np.bincount(c[c[:, j] >= 0, j], minlength=n_cat[j])
            zero = [levels[v][a] for a in np.flatnonzero(cnt == 0)]
            if zero:
                empty.append(f"{v!r} (category {', '.join(f'{z:g}' for z in zero)}; "
                             f"frequencies {cnt.tolist()})")
            few = np.flatnonzero((cnt > 0) & (cnt < SPARSE_CATEGORY_MIN))
            for a in few:
                sparse.append(f"{v!r} category {levels[v][a]:g}{where}: {int(cnt[a])} "
                              "respondent(s)")
        if empty:
            raise DataError(
                f"Some response categories are empty{where}: {'; '.join(empty)}. Thresholds "
                "cannot be estimated for an empty category (lavaan stops here too). Collapse "
                "the empty category with its neighbour for this item in every group (e.g. "
                "recode 1 and 2 as 2), or leave the group out."
            )
        stats_list.append(ordinal_stats(c, n_cat, variables, label=str(lab), gamma=gamma))
    if sparse:
        warnings.warn(
            f"Sparse response categories (fewer than {SPARSE_CATEGORY_MIN} respondents): "
            + "; ".join(sparse[:10])
            + (f"; and {len(sparse) - 10} more" if len(sparse) > 10 else "")
            + ". Their thresholds and the polychoric correlations of these items are poorly "
            "estimated; consider collapsing the category with its neighbour.",
            SparseCategoryWarning,
            stacklevel=4,
        )
    return OrdinalData(
        stats=stats_list,
        variables=variables,
        levels=levels,
        group_labels=tuple(str(lab) for lab in labels),
        n_dropped=n_dropped,
        missing=missing,
    )


# --------------------------------------------------------------------------- estimation
@dataclass(slots=True)
class OrdinalFit:
    """Estimates and the pieces of inference of an ordinal model."""

    model: OrdinalModel
    estimator: str
    theta: np.ndarray
    x: np.ndarray
    implied: list
    jac: list[np.ndarray]
    weights: list[np.ndarray]
    fx: float
    converged: bool
    iterations: int
    max_gradient: float
    E_inv: np.ndarray  # nx x nx, constrained inverse of the information
    vcov_x: np.ndarray
    tr_ug: float = math.nan  # tr(U Gamma)
    tr_ug2: float = math.nan  # tr((U Gamma)^2)


def _weights(stats_: list[OrdinalStats], estimator: str) -> list[np.ndarray]:
    out = []
    for s in stats_:
        if estimator == "ULSMV":
            out.append(np.ones(s.nth + len(s.pair_i)))
            continue
        d = np.diag(s.gamma)
        if not np.all(np.isfinite(d)) or np.any(d <= 0):
            raise DataError(
                f"The asymptotic variances of some thresholds or polychoric correlations"
                f"{' in group ' + repr(s.label) if s.label else ''} are not positive; the "
                "DWLS weights cannot be formed. Check for items with (nearly) empty categories."
            )
        out.append(1.0 / d)
    return out


def _objective(model: OrdinalModel, x, obs, W, c) -> tuple[float, list | None]:
    imp = model.implied(x)
    if imp is None:
        return math.inf, None
    f = 0.0
    for g, gi in enumerate(imp):
        r = obs[g] - gi.wls_est
        f += c[g] * float(np.sum(W[g] * r * r))
    return f, imp


def _jac_theta(model: OrdinalModel, ja: np.ndarray) -> np.ndarray:
    if model.nx == model.ntheta and np.array_equal(model.x_theta, np.arange(model.nx)):
        return ja
    out = np.zeros((ja.shape[0], model.ntheta))
    np.add.at(out.T, model.x_theta, ja.T)
    return out


def optimize(model: OrdinalModel, obs, W, c, theta0, *, max_iter: int = 500,
             tol: float = 1e-10):
    """Gauss-Newton with step halving on ``sum_g c_g r_g' W_g r_g``."""
    theta = np.asarray(theta0, dtype=float).copy()
    x = model.x_from_theta(theta)
    f, imp = _objective(model, x, obs, W, c)
    if imp is None:
        raise ConvergenceError(
            "The starting values give an inadmissible model (a non-positive latent-response "
            "variance). Give starting values (start(...)*x) or simplify the model."
        )
    converged = False
    it = 0
    lam = 0.0
    while it < max_iter:
        it += 1
        jac = model.jacobian(imp)
        H = np.zeros((model.ntheta, model.ntheta))
        grad = np.zeros(model.ntheta)
        for g, gi in enumerate(imp):
            Jt = _jac_theta(model, jac[g])
            WJ = W[g][:, None] * Jt
            H += c[g] * (Jt.T @ WJ)
            grad += c[g] * (WJ.T @ (obs[g] - gi.wls_est))
        scale = max(1.0, float(np.max(np.abs(np.diag(H)))))
        accepted = False
        for _attempt in range(30):
            Hd = H + lam * np.diag(np.diag(H) + 1e-12 * scale)
            try:
                step = linalg.cho_solve(linalg.cho_factor(Hd, check_finite=False), grad,
                                        check_finite=False)
            except (linalg.LinAlgError, ValueError):
                step = np.linalg.lstsq(Hd + 1e-10 * scale * np.eye(len(H)), grad, rcond=None)[0]
            t = 1.0
            while t > 1e-4:
                new = theta + t * step
                f_new, imp_new = _objective(model, model.x_from_theta(new), obs, W, c)
                if imp_new is not None and f_new <= f + 1e-14 * max(1.0, abs(f)):
                    accepted = True
                    break
                t *= 0.5
            if accepted:
                break
            lam = max(1e-4, lam * 10.0)
        if not accepted:
            break
        change = float(np.max(np.abs(t * step))) if len(step) else 0.0
        theta, imp, f_old, f = new, imp_new, f, f_new
        lam = lam / 10.0 if lam > 1e-6 else 0.0
        if change < tol * (1.0 + float(np.max(np.abs(theta)))) or (
            f_old - f <= 1e-15 * max(1.0, f) and change < 1e-7
        ):
            converged = True
            break
    # gradient at the solution (per observation, lavaan's scale)
    jac = model.jacobian(imp)
    grad = np.zeros(model.ntheta)
    for g, gi in enumerate(imp):
        Jt = _jac_theta(model, jac[g])
        grad += c[g] * ((W[g][:, None] * Jt).T @ (obs[g] - gi.wls_est))
    max_grad = float(np.max(np.abs(grad))) / model.ntotal if len(grad) else 0.0
    converged = converged or max_grad < 1e-8
    return theta, f, imp, jac, converged, it, max_grad


def _information(model: OrdinalModel, jac, W) -> np.ndarray:
    """Return ``K (K' E K)^-1 K'`` with ``E = sum_g f_g D_g' W_g D_g``; refuse a singular E."""
    from burnoutkit.factors.cfa import _rank_check

    E = np.zeros((model.nx, model.nx))
    for g, D in enumerate(jac):
        E += model.weights[g] * (D.T @ (W[g][:, None] * D))
    K = model.K()
    Et = K.T @ E @ K
    _rank_check(model, Et)
    return K @ linalg.inv(Et, check_finite=False) @ K.T


# --------------------------------------------------------------------------- tests
def _traces(model: OrdinalModel, jac, W, E_inv, gammas):
    """tr(U Gamma), tr((U Gamma)^2) and the middle of the sandwich (lavaan's scaling)."""
    f = model.weights
    # A_g = f_g W_g Gamma_g / f_g = W_g Gamma_g ; B_g = f_g W_g D_g
    DtA = []  # D_g' A_g   (nx x n_g)
    trA = trA2 = 0.0
    middle = np.zeros((model.nx, model.nx))
    Bs = []
    for g, D in enumerate(jac):
        A = W[g][:, None] * gammas[g]
        trA += float(np.trace(A))
        trA2 += float(np.sum(A * A.T))
        B = f[g] * W[g][:, None] * D
        Bs.append(B)
        DA = D.T @ A
        DtA.append(DA)
        middle += DA @ B  # f_g D' W Gamma W D
    B_all = np.concatenate(Bs, axis=0)
    DA_all = np.concatenate(DtA, axis=1)  # nx x ntot
    C = E_inv @ DA_all  # nx x ntot
    tr_BC = float(np.sum(B_all * C.T))
    tr_ug = trA - tr_BC
    # tr(A B C): (C A) per block
    CA = np.concatenate(
        [C[:, sl] @ (W[g][:, None] * gammas[g]) for g, sl in enumerate(_slices(jac))], axis=1
    )
    tr_ABC = float(np.sum(CA * B_all.T))
    CB = C @ B_all
    tr_ug2 = trA2 - 2.0 * tr_ABC + float(np.sum(CB * CB.T))
    return tr_ug, tr_ug2, middle


def _slices(jac) -> list[slice]:
    out = []
    start = 0
    for D in jac:
        out.append(slice(start, start + D.shape[0]))
        start += D.shape[0]
    return out


def _scaled_shifted(chisq: float, df: float, tr_ug: float, tr_ug2: float):
    if df <= 0 or not np.isfinite(tr_ug2) or tr_ug2 <= 0:
        return math.nan, math.nan, math.nan
    a = math.sqrt(df / tr_ug2)
    b = df - a * tr_ug
    return chisq * a + b, 1.0 / a, b


def _baseline(model: OrdinalModel, W, gammas):
    """Independence model: thresholds free, correlations zero (closed form)."""
    x2 = 0.0
    tr_ug = tr_ug2 = 0.0
    df = 0
    for g, s in enumerate(model.stats):
        r = s.corr[s.pair_i, s.pair_j]
        w = W[g][s.nth:]
        x2 += (s.n - 1) * float(np.sum(w * r * r))
        Gcc = gammas[g][s.nth:, s.nth:]
        A = w[:, None] * Gcc
        tr_ug += float(np.trace(A))
        tr_ug2 += float(np.sum(A * A.T))
        df += len(r)
    return x2, df, tr_ug, tr_ug2


def _catml(model: OrdinalModel, imp, jac, W, E_inv, gammas):
    """Savalei's (2021) robust pieces: XX3, df3, c.hat3 and their baseline counterparts."""
    nan = math.nan
    out = {"xx3": nan, "df3": nan, "c3": nan, "xx3_null": nan, "c3_null": nan}
    f = model.weights
    p = model.p
    ia, ja = model.pair_i, model.pair_j
    for s in model.stats:
        if np.linalg.eigvalsh(s.corr)[0] < np.sqrt(np.finfo(float).eps):
            return out
    # lavaan (0.6-14) cannot form the correlation-only model when thresholds or intercepts
    # take part in equality constraints; it reports NA, and so do we
    cls = model.x_theta
    removed = np.isin(model.col_op[model.x_rows], ("|", "~1"))
    if np.any(np.bincount(cls, minlength=model.ntheta)[cls[removed]] > 1):
        return out
    xx3 = xx3_null = 0.0
    kbs = 0.0
    blocks_V, blocks_W, blocks_G, rows_D = [], [], [], []
    for g, (s, gi) in enumerate(zip(model.stats, imp, strict=True)):
        S = np.eye(p)
        S[ia, ja] = gi.rho
        S[ja, ia] = gi.rho
        try:
            c = linalg.cholesky(S, lower=True)
        except linalg.LinAlgError:
            return out
        ldS = 2.0 * float(np.sum(np.log(np.diag(c))))
        Si = linalg.cho_solve((c, True), np.eye(p))
        ldR = float(np.linalg.slogdet(s.corr)[1])
        xx3 += s.n * (ldS + float(np.sum(s.corr * Si)) - ldR - p)
        xx3_null += s.n * (-ldR)
        nth = s.nth
        Gcc = gammas[g][nth:, nth:] / f[g]
        kbs += float(np.trace(Gcc))
        V = Si[np.ix_(ia, ia)] * Si[np.ix_(ja, ja)] + Si[np.ix_(ia, ja)] * Si[np.ix_(ja, ia)]
        blocks_V.append(f[g] * V)
        blocks_W.append(f[g] * W[g][nth:])
        blocks_G.append(Gcc)
        rows_D.append(jac[g][nth:])
    # df of the correlation-only model: thresholds and intercepts leave the table
    rows = model.x_rows
    keep = ~np.isin(model.col_op[rows], ("|", "~1"))
    npar3 = len(np.unique(model.x_theta[keep]))
    n_cor = sum(len(s.pair_i) for s in model.stats)
    df3 = n_cor - npar3
    if df3 <= 0:
        return out
    # ks = tr[(I - Dc F)' V (I - Dc F) Gamma], F = E^-1 Dc' Wc, blocks by group
    Dc = np.concatenate(rows_D, axis=0)  # ncor x nx
    Wc = np.concatenate(blocks_W)
    F = E_inv @ (Dc.T * Wc[None, :])  # nx x ncor
    ks = 0.0
    DVD = np.zeros((model.nx, model.nx))
    FGF = np.zeros((model.nx, model.nx))
    start = 0
    for V, Gm in zip(blocks_V, blocks_G, strict=True):
        sl = slice(start, start + len(V))
        start += len(V)
        VD = V @ Dc[sl]
        FG = F[:, sl] @ Gm
        ks += float(np.sum(V * Gm)) - 2.0 * float(np.sum(FG * VD.T))
        DVD += Dc[sl].T @ VD
        FGF += FG @ F[:, sl].T
    ks += float(np.sum(DVD * FGF.T))
    out.update(xx3=xx3, df3=float(df3), c3=ks / df3, xx3_null=xx3_null, c3_null=kbs / n_cor)
    return out


def fit_measures(model: OrdinalModel, fit: OrdinalFit, gammas) -> dict[str, float]:
    """Fit measures named as burnoutkit names lavaan's (``LAVAAN_FIT_NAMES``)."""
    nan = math.nan
    G = model.ngroups
    N = model.ntotal
    n_eff = N - G
    W = fit.weights
    est = fit.estimator
    obs = [s.wls_obs for s in model.stats]
    fg_terms = []
    x2 = 0.0
    for g, gi in enumerate(fit.implied):
        r = obs[g] - gi.wls_est
        Fg = float(np.sum(W[g] * r * r))
        fg_terms.append(Fg)
        x2 += (model.nobs[g] - 1) * Fg
    ndat = G * model.nstat
    df = ndat - model.ntheta
    fmin = sum((model.nobs[g] - 1) * fg_terms[g] for g in range(G)) / (2.0 * N)
    tr_ug, tr_ug2 = fit.tr_ug, fit.tr_ug2
    x2s, scf, shift = _scaled_shifted(x2, df, tr_ug, tr_ug2)
    bx2, bdf, btr, btr2 = _baseline(model, W, gammas)
    bx2s, bscf, _ = _scaled_shifted(bx2, bdf, btr, btr2)
    uls = est == "ULSMV"
    out: dict[str, float] = {
        "npar": float(model.ntheta),
        "n": N,
        "fmin": fmin,
        "chisq": x2,
        "df": float(df),
        "p_value": nan if uls or df <= 0 else float(stats.chi2.sf(x2, df)),
        "chisq_scaled": x2s,
        "df_scaled": float(df),
        "p_value_scaled": float(stats.chi2.sf(x2s, df)) if df > 0 and np.isfinite(x2s) else nan,
        "scaling_factor": scf,
        "shift_parameter": shift,
        "baseline_chisq": bx2,
        "baseline_df": float(bdf),
        "baseline_p_value": nan if uls else float(stats.chi2.sf(bx2, bdf)),
        "baseline_chisq_scaled": bx2s,
        "baseline_df_scaled": float(bdf),
        "baseline_p_value_scaled": float(stats.chi2.sf(bx2s, bdf)),
        "baseline_scaling_factor": bscf,
        "cfi": _sem_fit.cfi(x2, df, bx2, bdf),
        "tli": _sem_fit.tli(x2, df, bx2, bdf),
        "cfi_scaled": _sem_fit.cfi(x2s, df, bx2s, bdf),
        "tli_scaled": _sem_fit.tli(x2s, df, bx2s, bdf),
    }
    cat = _catml(model, fit.implied, fit.jac, W, fit.E_inv, gammas)
    out["cfi_robust"] = _sem_fit.cfi(cat["xx3"], df, cat["xx3_null"], bdf, cat["c3"],
                                     cat["c3_null"], robust=True)
    out["tli_robust"] = _sem_fit.tli(cat["xx3"], df, cat["xx3_null"], bdf, cat["c3"],
                                     cat["c3_null"], robust=True)
    out["rmsea"] = _sem_fit.rmsea(x2, df, n_eff, G)
    lo, hi = _sem_fit.rmsea_ci(x2, df, n_eff, G)
    out["rmsea_ci_low"], out["rmsea_ci_high"] = lo, hi
    out["rmsea_p_close"] = _sem_fit.rmsea_pvalue(x2, df, n_eff, G, h0=0.05, close=True)
    out["rmsea_p_notclose"] = _sem_fit.rmsea_pvalue(x2, df, n_eff, G, h0=0.08, close=False)
    out["rmsea_scaled"] = _sem_fit.rmsea(x2s, df, n_eff, G)
    lo, hi = _sem_fit.rmsea_ci(x2s, df, n_eff, G)
    out["rmsea_ci_low_scaled"], out["rmsea_ci_high_scaled"] = lo, hi
    out["rmsea_p_close_scaled"] = _sem_fit.rmsea_pvalue(x2s, df, n_eff, G, h0=0.05)
    out["rmsea_p_notclose_scaled"] = _sem_fit.rmsea_pvalue(x2s, df, n_eff, G, h0=0.08,
                                                           close=False)
    c3, df3, xx3 = cat["c3"], cat["df3"], cat["xx3"]
    if np.isfinite(c3) and np.isfinite(df3):
        xx3s = xx3 / c3
        out["rmsea_robust"] = _sem_fit.rmsea(xx3, df3, n_eff, G, c_hat=c3)
        lo, hi = _sem_fit.rmsea_ci(xx3s, df3, n_eff, G, c_hat=c3)
        out["rmsea_ci_low_robust"], out["rmsea_ci_high_robust"] = lo, hi
        out["rmsea_p_close_robust"] = _sem_fit.rmsea_pvalue(xx3s, df3, n_eff, G, c_hat=c3,
                                                            h0=0.05)
        out["rmsea_p_notclose_robust"] = _sem_fit.rmsea_pvalue(xx3s, df3, n_eff, G, c_hat=c3,
                                                               h0=0.08, close=False)
    else:
        for k in ("rmsea_robust", "rmsea_ci_low_robust", "rmsea_ci_high_robust",
                  "rmsea_p_close_robust", "rmsea_p_notclose_robust"):
            out[k] = nan
    # SRMR of the polychoric correlations (lavaan: srmr_bentler_nomean for categorical data)
    srmr = 0.0
    p = model.p
    for g, (s, gi) in enumerate(zip(model.stats, fit.implied, strict=True)):
        res = s.corr[s.pair_i, s.pair_j] - gi.rho
        srmr += model.weights[g] * math.sqrt(float(np.sum(res**2)) / (p * (p + 1) / 2))
    out["srmr"] = srmr
    # WRMR: sqrt(T / number of sample statistics of the first group), as lavaan
    out["wrmr"] = math.sqrt(x2 / model.nstat)
    return out


# --------------------------------------------------------------------------- driver
def fit_ordinal_model(model: OrdinalModel, estimator: str) -> OrdinalFit:
    """Estimate an ordinal model and its robust covariance matrix."""
    stats_ = model.stats
    W = _weights(stats_, estimator)
    obs = [s.wls_obs for s in stats_]
    c = np.array([s.n - 1 for s in stats_], dtype=float)
    theta0 = model.start_x()
    theta, _, imp, jac, converged, it, max_grad = optimize(model, obs, W, c, theta0)
    E_inv = _information(model, jac, W)
    gammas = [s.gamma for s in stats_]
    tr_ug, tr_ug2, middle = _traces(model, jac, W, E_inv, gammas)
    vcov_x = E_inv @ middle @ E_inv / (model.ntotal - model.ngroups)
    fx = sum(model.weights[g] * 0.5 * (stats_[g].n - 1) / stats_[g].n
             * float(np.sum(W[g] * (obs[g] - imp[g].wls_est) ** 2)) for g in range(len(stats_)))
    if not converged:
        msg = (
            f"The {estimator} fit did not converge after {it} iterations (largest gradient "
            f"{max_grad:.2g}). Check for items with sparse categories, Heywood cases and "
            "factors with too few indicators; simplify the model or give starting values."
        )
        if max_grad > 1e-4:
            raise ConvergenceError(msg)
        warnings.warn(msg, ConvergenceWarning, stacklevel=4)
    return OrdinalFit(
        model=model, estimator=estimator, theta=theta, x=model.x_from_theta(theta),
        implied=imp, jac=jac, weights=W, fx=fx, converged=bool(converged), iterations=it,
        max_gradient=max_grad, E_inv=E_inv, vcov_x=vcov_x, tr_ug=tr_ug, tr_ug2=tr_ug2,
    )


def fit_ordinal(model: OrdinalModel, estimator: str) -> tuple[OrdinalFit, dict[str, float]]:
    """Fit and compute the fit measures."""
    fit = fit_ordinal_model(model, estimator)
    fm = fit_measures(model, fit, [s.gamma for s in model.stats])
    return fit, fm


def scaled_difference_test(fit1: OrdinalFit, fit0: OrdinalFit, chisq1: float, chisq0: float,
                           df1: float, df0: float) -> dict[str, float]:
    r"""Scaled-shifted difference test of nested ordinal models (Satorra, 2000).

    ``fit1`` is the less restricted model, ``fit0`` the restricted one, as lavaan's
    ``lavTestLRT(fit1, fit0)`` (``method = "satorra.2000"``, ``A.method = "delta"``,
    ``scaled.shifted = TRUE``): with :math:`P^{-1}` the (constrained) inverse information of
    model 1 and :math:`A` a basis of the restrictions (the orthogonal complement of
    :math:`\Delta_1^{+}\Delta_0` in the parameters of model 1),
    :math:`U = V \Delta_1 P^{-1} A' (A P^{-1} A')^{+} A P^{-1} \Delta_1' V`,
    :math:`a = \sqrt{m / \operatorname{tr}(U\Gamma)^2}`,
    :math:`b = m - a \operatorname{tr}(U\Gamma)` and :math:`T_d = a (T_0 - T_1) + b` on
    :math:`m = df_0 - df_1` degrees of freedom.
    """
    m1, m0 = fit1.model, fit0.model
    m = round(df0 - df1)
    nan = math.nan
    out = {"chisq_diff": chisq0 - chisq1, "df_diff": float(m), "p_value": nan, "a": nan,
           "b": nan}
    if m <= 0:
        return out
    K1 = m1.K()
    D1 = np.concatenate(fit1.jac, axis=0) @ K1
    D0 = np.concatenate(fit0.jac, axis=0) @ m0.K()
    H = np.linalg.pinv(D1) @ D0
    A = linalg.null_space(H.T).T  # rows: the restrictions, in model 1's parameters
    # P^-1 in model 1's parameters (equality classes): (K' E K)^-1 = K^+ E_inv K^+'
    K1p = np.linalg.pinv(K1)
    P_inv = K1p @ fit1.E_inv @ K1p.T
    APA = A @ P_inv @ A.T
    tiny = np.sqrt(np.finfo(float).eps)
    keep = ~((np.abs(APA.sum(axis=0)) < tiny) & (np.abs(APA.sum(axis=1)) < tiny))
    A = A[keep]
    PA = P_inv @ A.T
    M = PA @ np.linalg.pinv(A @ P_inv @ A.T) @ PA.T  # P^-1 A' (A P^-1 A')^+ A P^-1
    # tr(U Gamma) and tr((U Gamma)^2), U = V D M D' V, Gamma = blockdiag(f_g Gamma_g):
    # both are traces of powers of M C, C = sum_g f_g D_g' W_g Gamma_g W_g D_g
    C = np.zeros_like(M)
    for g, (D, W) in enumerate(zip(fit1.jac, fit1.weights, strict=True)):
        WD = W[:, None] * (D @ K1)
        C += m1.weights[g] * (WD.T @ m1.stats[g].gamma @ WD)
    MC = M @ C
    tr1 = float(np.trace(MC))
    tr2 = float(np.sum(MC * MC.T))
    if tr2 <= 0 or not np.isfinite(tr2):
        return out
    a = math.sqrt(m / tr2)
    b = m - a * tr1
    td = (chisq0 - chisq1) * a + b
    out.update(chisq_diff=td, p_value=float(stats.chi2.sf(td, m)), a=a, b=b)
    return out
