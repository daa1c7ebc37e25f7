"""Fit measures of a fitted CFA, with lavaan's formulas (``lav_fit_*`` in lavaan 0.6).

``chisq = 2 N fx`` (N, not N - 1, with the normal likelihood); the baseline is the independence
model of every group (variances and, with a mean structure, means free; moments of fixed
covariates kept); CFI, TLI, RMSEA (with its ``sqrt(G)`` multigroup factor, noncentral chi-square
interval and close-fit test) and SRMR (lavaan's ``srmr``, which is Bentler's: residuals scaled by
the *sample* standard deviations, means included when the model has a mean structure) follow
lavaan exactly, including its edge cases.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import optimize, stats

from burnoutkit.factors._sem_engine import GroupState, SEMModel, fit_model

__all__ = [
    "baseline_model",
    "cfi",
    "fit_measures",
    "loglik",
    "rmsea",
    "rmsea_ci",
    "rmsea_pvalue",
    "srmr",
    "tli",
]

_EPS = np.finfo(float).eps


def ndat(model: SEMModel) -> int:
    """Return the number of sample moments, p(p+1)/2 (+ p means) per group.

    The moments of fixed exogenous covariates (lavaan's ``fixed.x``) are reproduced exactly;
    they count neither as data nor as parameters, as in lavaan.
    """
    p = model.p
    nx = len(model.roles.ov_x)
    per_group = p * (p + 1) // 2 - nx * (nx + 1) // 2
    if model.meanstructure:
        per_group += p - nx
    return model.ngroups * per_group


# --------------------------------------------------------------------------- lavaan formulas
def _all_equal_zero(x: float) -> bool:
    return abs(x) < 1.5e-8  # R's all.equal(x, 0) tolerance


def cfi(x2, df, x2_null, df_null, c_hat=1.0, c_hat_null=1.0, robust=False) -> float:
    """Return the CFI as lavaan's ``lav_fit_cfi`` (robust when ``c_hat`` values are given)."""
    if any(not np.isfinite(v) for v in (x2, df, x2_null, df_null, c_hat, c_hat_null)):
        return math.nan
    if robust and df > 0 and c_hat != 1 and c_hat_null != 1:
        t1 = max(x2 - c_hat * df, 0.0)
        t2 = max(x2 - c_hat * df, x2_null - c_hat_null * df_null, 0.0)
    else:
        t1 = max(x2 - df, 0.0)
        t2 = max(x2 - df, x2_null - df_null, 0.0)
    if _all_equal_zero(t1) and _all_equal_zero(t2):
        return 1.0
    return 1.0 - t1 / t2


def tli(x2, df, x2_null, df_null, c_hat=1.0, c_hat_null=1.0, robust=False) -> float:
    """Return the TLI as lavaan's ``lav_fit_tli``."""
    if any(not np.isfinite(v) for v in (x2, df, x2_null, df_null, c_hat, c_hat_null)):
        return math.nan
    if robust and df > 0 and c_hat != 1 and c_hat_null != 1:
        t1 = (x2 - c_hat * df) * df_null
        t2 = (x2_null - c_hat_null * df_null) * df
    else:
        t1 = (x2 - df) * df_null
        t2 = (x2_null - df_null) * df
    if df > 0 and abs(t2) > 0:
        return 1.0 - t1 / t2
    return 1.0


def rmsea(x2, df, n, g=1, c_hat=1.0) -> float:
    """Return the RMSEA as lavaan's ``lav_fit_rmsea``: sqrt(max(X2/N/df - c/N, 0)) sqrt(G)."""
    if not np.isfinite(x2) or not np.isfinite(df):
        return math.nan
    if df > 0:
        return math.sqrt(max((x2 / n) / df - c_hat / n, 0.0)) * math.sqrt(g)
    return 0.0


def _pchisq(x, df, ncp):
    if ncp <= 0:
        return stats.chi2.cdf(x, df)
    return stats.ncx2.cdf(x, df, ncp)


def rmsea_ci(x2, df, n, g=1, c_hat=1.0, level=0.90) -> tuple[float, float]:
    """Return the noncentral chi-square interval of the RMSEA (``lav_fit_rmsea_ci``)."""
    if not (np.isfinite(x2) and np.isfinite(df) and np.isfinite(n)):
        return math.nan, math.nan
    upper_p = 1 - (1 - level) / 2
    lower_p = (1 - level) / 2

    def f_low(lam):
        return _pchisq(x2, df, lam) - upper_p

    def f_up(lam):
        return _pchisq(x2, df, lam) - lower_p

    if df < 1 or f_low(0.0) < 0:
        lo = 0.0
    else:
        try:
            lam_l = optimize.brentq(f_low, 0.0, x2, xtol=1e-12)
            lo = math.sqrt(c_hat * lam_l / (n * df))
        except ValueError:
            lo = math.nan
        if g > 1:
            lo *= math.sqrt(g)
    n_rmsea = max(n, x2 * 4)
    if df < 1 or f_up(n_rmsea) > 0 or f_up(0.0) < 0:
        hi = 0.0
    else:
        try:
            lam_u = optimize.brentq(f_up, 0.0, n_rmsea, xtol=1e-12)
            hi = math.sqrt(c_hat * lam_u / (n * df))
        except ValueError:
            hi = math.nan
        if g > 1:
            hi *= math.sqrt(g)
    return lo, hi


def rmsea_pvalue(x2, df, n, g=1, c_hat=1.0, h0=0.05, close=True) -> float:
    """Return lavaan's close-fit (``1 - pchisq``) or not-close-fit (``pchisq``) p-value."""
    if not (np.isfinite(x2) and np.isfinite(df)) or df <= 0:
        return math.nan
    ncp = (n * df * 1 / c_hat * h0**2) / g
    p = _pchisq(x2, df, ncp)
    return float(1 - p) if close else float(p)


# --------------------------------------------------------------------------- model pieces
def loglik(model: SEMModel, states: list[GroupState]) -> tuple[float, float]:
    """Log-likelihood of the model and of the unrestricted (h1) model, summed over groups.

    With fixed covariates the (saturated) marginal likelihood of the covariates is removed, as
    lavaan does, so the value is the likelihood conditional on them. With incomplete data (FIML)
    both are casewise: summed over the missing-data patterns, the h1 model at its EM estimates.
    """
    ll = ll1 = 0.0
    if model.fiml:
        for g, st in enumerate(states):
            gd = model.groups[g]
            c2pi = sum(pat.n * len(pat.obs) for pat in gd.patterns) * math.log(2 * math.pi)
            ll += -0.5 * (c2pi + model.group_m2ll(st, g))
            ll1 += -0.5 * (c2pi + gd.h1_m2ll)
        return ll, ll1
    p = model.p
    c = p * math.log(2 * math.pi)
    x_idx = [model.ov_names.index(v) for v in model.roles.ov_x]
    nx = len(x_idx)
    for g, st in enumerate(states):
        gd = model.groups[g]
        d = gd.mean - st.mu
        q = float(np.sum(gd.cov * st.sigma_inv)) + float(d @ st.sigma_inv @ d)
        ll += -gd.n / 2 * (c + st.logdet + q)
        ll1 += -gd.n / 2 * (c + model._logdet_s(g) + p)
        if nx:
            # fixed covariates: lavaan reports the likelihood conditional on them
            sxx = gd.cov[np.ix_(x_idx, x_idx)]
            lx = -gd.n / 2 * (nx * math.log(2 * math.pi) + np.linalg.slogdet(sxx)[1] + nx)
            ll -= lx
            ll1 -= lx
    return ll, ll1


def _rescale(x: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Rescale as ``lav_residuals_rescale``: entries below 1e-5 in absolute value stay as is."""
    scale = np.where(np.abs(x) < 1e-5, 1.0, scale)
    return x * scale


def srmr(model: SEMModel, states: list[GroupState]) -> tuple[float, float]:
    """Return lavaan's ``srmr`` (= ``srmr_bentler``) and ``srmr_bentler_nomean``.

    With incomplete data (FIML) the "sample" moments are the EM estimates of the h1 model.
    """
    tot = nomean = 0.0
    p = model.p
    il = np.tril_indices(p)
    for g, st in enumerate(states):
        gd = model.groups[g]
        var = np.diag(gd.cov).copy()
        var[~np.isfinite(var) | (var < _EPS)] = np.nan
        sc = np.outer(1 / np.sqrt(var), 1 / np.sqrt(var))
        r_cov = _rescale(gd.cov, sc) - _rescale(st.sigma, sc)
        stats_cov = r_cov[il]
        rms_cov = math.sqrt(np.sum(stats_cov**2) / len(stats_cov))
        if model.meanstructure:
            scm = 1 / np.sqrt(var)
            r_mean = _rescale(gd.mean, scm) - _rescale(st.mu, scm)
            allv = np.concatenate([r_mean, stats_cov])
            rms_tot = math.sqrt(np.sum(allv**2) / len(allv))
        else:
            rms_tot = rms_cov
        w = model.weights[g]
        tot += w * rms_tot
        nomean += w * rms_cov
    return tot, nomean


def baseline_model(model: SEMModel) -> SEMModel:
    """Return the independence model lavaan compares against (one per group)."""
    roles = model.roles
    xs = list(roles.ov_x)
    rows = []
    for g in range(model.ngroups):
        for v in model.ov_names:
            if v in xs:
                continue
            rows.append((v, "~~", v, g + 1, 1, 0))
        for j in range(len(xs)):
            for i in range(j, len(xs)):
                rows.append((xs[j], "~~", xs[i], g + 1, 0, 1))
        if model.meanstructure:
            for v in model.ov_names:
                rows.append((v, "~1", "", g + 1, 0 if v in xs else 1, 1 if v in xs else 0))
    pt = pd.DataFrame(rows, columns=["lhs", "op", "rhs", "group", "free_flag", "exo"])
    pt["id"] = np.arange(1, len(pt) + 1)
    pt["user"] = 0
    pt["ustart"] = np.nan
    pt["label"] = ""
    pt["plabel"] = [f".p{i}." for i in pt["id"]]
    pt["free"] = 0
    pt.loc[pt["free_flag"] == 1, "free"] = np.arange(1, int(pt["free_flag"].sum()) + 1)
    pt["eq"] = pt["free"]
    pt = pt.drop(columns=["free_flag"])
    from burnoutkit.factors.syntax import VariableRoles

    pt.attrs["roles"] = VariableRoles(
        lv=(), ov=tuple(model.ov_names), ov_ind=(), ov_x=tuple(xs),
        ov_nox=tuple(v for v in model.ov_names if v not in xs), lv_x=(), lv_y=(), ov_y=(),
    )
    pt.attrs["ngroups"] = model.ngroups
    pt.attrs["meanstructure"] = model.meanstructure
    pt.attrs["constraints"] = []
    return SEMModel(pt, model.groups, model.ov_names)


def fit_baseline(model: SEMModel):
    """Fit the independence model (closed form: the sample variances and means)."""
    base = baseline_model(model)
    start = np.zeros(base.ntheta)
    for j in range(base.nx):
        i = base.x_rows[j]
        g = base.row_group[i]
        k = base.ov_names.index(base.col_lhs[i])
        gd = base.groups[g]
        start[base.x_theta[j]] = gd.cov[k, k] if base.col_op[i] == "~~" else gd.mean[k]
    out = fit_model(base, start)
    return base, out


def fit_measures(
    model: SEMModel,
    states: list[GroupState],
    fx: float,
    *,
    baseline_x2: float,
    baseline_df: int,
) -> dict[str, float]:
    """Return the standard (normal-theory) fit measures, named in snake_case."""
    n = model.ntotal
    g = model.ngroups
    x2 = 2 * n * fx
    df = ndat(model) - model.ntheta
    npar = model.ntheta
    ll, ll1 = loglik(model, states)
    s_tot, s_nomean = srmr(model, states)
    lo, hi = rmsea_ci(x2, df, n, g)
    out = {
        "npar": float(npar),
        "n": n,
        "chisq": x2,
        "df": float(df),
        "p_value": float(stats.chi2.sf(x2, df)) if df > 0 else math.nan,
        "baseline_chisq": baseline_x2,
        "baseline_df": float(baseline_df),
        "baseline_p_value": float(stats.chi2.sf(baseline_x2, baseline_df)),
        "cfi": cfi(x2, df, baseline_x2, baseline_df),
        "tli": tli(x2, df, baseline_x2, baseline_df),
        "rmsea": rmsea(x2, df, n, g),
        "rmsea_ci_low": lo,
        "rmsea_ci_high": hi,
        "rmsea_p_close": rmsea_pvalue(x2, df, n, g, h0=0.05, close=True),
        "rmsea_p_notclose": rmsea_pvalue(x2, df, n, g, h0=0.08, close=False),
        "srmr": s_tot,
        "srmr_nomean": s_nomean,
        "loglik": ll,
        "loglik_h1": ll1,
        "aic": -2 * ll + 2 * npar,
        "bic": -2 * ll + npar * math.log(n),
        "sabic": -2 * ll + npar * math.log((n + 2) / 24),
    }
    return out
