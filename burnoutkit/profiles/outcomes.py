"""Relating fitted profiles to distal outcomes and covariates: :func:`profile_outcomes`."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import optimize, stats
from scipy.special import gammaln, log_softmax, logsumexp, softmax

from burnoutkit._result import Result
from burnoutkit.errors import BurnoutkitWarning, ConvergenceWarning, DataError
from burnoutkit.profiles.fit import ProfileResult

__all__ = ["ProfileOutcomesResult", "profile_outcomes"]

_FUNC = "profile_outcomes"
_TYPES = ("continuous", "binary", "count")
_METHODS = ("bch", "ml", "naive")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class ProfileOutcomesResult(Result):
    """Distal outcomes by profile and covariate effects on profile membership (three-step).

    Attributes
    ----------
    method : str
        ``"bch"``, ``"ml"`` or ``"naive"``.
    profiles : tuple of str
        Profile names (the first is the reference of the covariate model).
    n : int
        Respondents of the profile model.
    estimates : pandas.DataFrame
        ``outcome, type, profile, estimate, se, ci_low, ci_high``: the outcome mean (continuous),
        proportion (binary) or mean count (count) in each profile.
    tests : pandas.DataFrame
        Omnibus Wald test of equal estimates across profiles, per outcome: ``outcome, type,
        statistic, df, p_value, eta_squared, n`` (``eta_squared``: variance of the profile
        estimates, weighted by the profile shares, over the variance of the outcome).
    pairwise : pandas.DataFrame
        Pairwise Wald tests: ``outcome, profile_a, profile_b, difference, se, statistic,
        p_value, p_holm, effect, effect_size`` (Cohen's d for continuous outcomes, the odds ratio
        for binary ones, the rate ratio for counts).
    covariate_effects : pandas.DataFrame or None
        Multinomial logistic regression of profile membership on the covariates: ``profile,
        term, estimate, se, ci_low, ci_high, statistic, p_value, odds_ratio`` (log-odds of each
        profile against the reference profile).
    adjusted : pandas.DataFrame or None
        Covariate-adjusted outcome models (statsmodels GLMs: linear, logistic, negative binomial):
        ``outcome, family, term, estimate, se, ci_low, ci_high, statistic, p_value``; profile
        terms are contrasts with the reference profile. For counts, the row ``alpha`` is the
        negative-binomial dispersion, profiled out of the likelihood, so it has no standard
        error (its ``se`` and test columns are empty by construction).
    classification_error : pandas.DataFrame
        ``D[t, s]``: probability that a respondent of profile ``t`` is assigned to ``s``.
    confidence_level : float
    warnings : tuple of str
    """

    method: str
    profiles: tuple[str, ...]
    n: int
    estimates: pd.DataFrame
    tests: pd.DataFrame
    pairwise: pd.DataFrame
    covariate_effects: pd.DataFrame | None
    adjusted: pd.DataFrame | None
    classification_error: pd.DataFrame
    confidence_level: float
    warnings: tuple[str, ...]

    def tidy(self) -> pd.DataFrame:
        """Outcome estimates per profile, one row per outcome and profile."""
        return self.estimates.copy()

    def glance(self) -> pd.DataFrame:
        """One row: method, sample size, profiles, outcomes and covariates analysed."""
        return pd.DataFrame(
            [
                {
                    "method": self.method,
                    "n": self.n,
                    "n_profiles": len(self.profiles),
                    "n_outcomes": int(self.tests.shape[0]),
                    "n_covariate_terms": 0
                    if self.covariate_effects is None
                    else int(self.covariate_effects["term"].nunique()),
                }
            ]
        )


# ---------------------------------------------------------------------------------------------
# step 2: the classification-error matrix and the BCH weights


def classification_error(posterior: np.ndarray, assigned: np.ndarray) -> np.ndarray:
    """``D[t, s] = sum_i z_it [w_i = s] / sum_i z_it`` (Vermunt, 2010, eq. 6)."""
    k = posterior.shape[1]
    onehot = np.eye(k)[assigned]
    return (posterior.T @ onehot) / posterior.sum(axis=0)[:, None]


# ---------------------------------------------------------------------------------------------
# distal outcomes: weighted (BCH / naive) estimates and their sandwich covariance


def _weighted(y: np.ndarray, w: np.ndarray, kind: str) -> tuple[np.ndarray, np.ndarray, dict]:
    """Estimates and sandwich covariance from estimating equations sum_i w_it (y_i - m_t) = 0."""
    tot = w.sum(axis=0)
    m = (w * y[:, None]).sum(axis=0) / tot
    resid = y[:, None] - m[None]
    u = w * resid / tot[None]  # influence of respondent i on m_t
    vcov = u.T @ u
    extra = {}
    if kind == "continuous":
        extra["variance"] = (w * resid**2).sum(axis=0) / tot
    return m, vcov, extra


# ---------------------------------------------------------------------------------------------
# distal outcomes: ML three-step (Vermunt, 2010; Bakk, Tekle & Vermunt, 2013)


def _nb_logpmf(y: np.ndarray, mu: np.ndarray, alpha: float) -> np.ndarray:
    size = 1.0 / alpha
    return (
        gammaln(y + size)
        - gammaln(size)
        - gammaln(y + 1.0)
        + size * np.log(size / (size + mu))
        + y * np.log(mu / (size + mu))
    )


def _log_density(kind: str, y: np.ndarray, theta: np.ndarray, k: int) -> np.ndarray:
    """``log f(y_i | profile t)`` ``(n, K)`` with theta = (means, nuisance)."""
    m = theta[:k]
    if kind == "continuous":
        var = np.exp(theta[k : 2 * k])
        return -0.5 * (np.log(2 * np.pi * var)[None] + (y[:, None] - m[None]) ** 2 / var[None])
    if kind == "binary":
        p = np.clip(m, 1e-12, 1 - 1e-12)
        return y[:, None] * np.log(p)[None] + (1 - y[:, None]) * np.log1p(-p)[None]
    alpha = np.exp(theta[k])
    return _nb_logpmf(y[:, None], np.clip(m, 1e-12, None)[None], alpha)


def _ml_loglik(kind, y, theta, log_err, k):
    logpro = log_softmax(np.append(theta[-(k - 1) :], 0.0)) if k > 1 else np.zeros(1)
    return logsumexp(logpro[None] + log_err + _log_density(kind, y, theta, k), axis=1).sum()


def _ml_distal(
    kind: str,
    y: np.ndarray,
    log_err: np.ndarray,
    pro0: np.ndarray,
    start: np.ndarray,
    var0: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, bool]:
    """EM for one outcome with the classification errors fixed.

    Returns the profile estimates, the within-profile variances (continuous outcomes), the
    covariance matrix of the estimates and whether EM converged.
    """
    k = log_err.shape[1]
    pro = pro0.copy()
    m = start.copy()
    if kind == "binary":
        m = np.clip(m, 0.01, 0.99)
    if kind == "count":
        m = np.clip(m, 1e-3, None)
    var = np.clip(var0, 1e-8, None) if var0 is not None else None
    alpha = 0.5
    prev = -np.inf
    converged = False
    for _ in range(5000):
        theta = _pack(kind, m, var, alpha, pro, k)
        logh = np.log(pro)[None] + log_err + _log_density(kind, y, theta, k)
        norm = logsumexp(logh, axis=1)
        ll = norm.sum()
        h = np.exp(logh - norm[:, None])
        if abs(ll - prev) <= 1e-10 * (1 + abs(ll)):
            converged = True
            break
        prev = ll
        pro = h.mean(axis=0)
        tot = h.sum(axis=0)
        m = (h * y[:, None]).sum(axis=0) / tot
        if kind == "continuous":
            var = (h * (y[:, None] - m[None]) ** 2).sum(axis=0) / tot
        elif kind == "count":
            m = np.clip(m, 1e-12, None)

            def negll(la, m=m, h=h):
                return -(h * _nb_logpmf(y[:, None], m[None], np.exp(la))).sum()

            alpha = float(
                np.exp(optimize.minimize_scalar(negll, bounds=(-12, 5), method="bounded").x)
            )
    theta = _pack(kind, m, var, alpha, pro, k)
    hess = _num_hessian(lambda t: _ml_loglik(kind, y, t, log_err, k), theta)
    info = -hess
    try:
        vcov = np.linalg.inv(info)
        if not np.all(np.linalg.eigvalsh(info) > 0):
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        vcov = np.full_like(info, np.nan)
    return m, var, vcov[:k, :k], converged


def _pack(kind, m, var, alpha, pro, k):
    parts = [m]
    if kind == "continuous":
        parts.append(np.log(var))
    elif kind == "count":
        parts.append([np.log(alpha)])
    if k > 1:
        lp = np.log(np.clip(pro, 1e-300, None))
        parts.append(lp[:-1] - lp[-1])
    return np.concatenate([np.atleast_1d(np.asarray(p, float)) for p in parts])


def _num_hessian(f, theta: np.ndarray) -> np.ndarray:
    q = theta.size
    h = 1e-4 * np.maximum(np.abs(theta), 1e-2)
    out = np.empty((q, q))
    f0 = f(theta)
    for i in range(q):
        for j in range(i, q):
            ei = np.zeros(q)
            ej = np.zeros(q)
            ei[i] = h[i]
            ej[j] = h[j]
            if i == j:
                val = (f(theta + ei) - 2 * f0 + f(theta - ei)) / h[i] ** 2
            else:
                val = (
                    f(theta + ei + ej)
                    - f(theta + ei - ej)
                    - f(theta - ei + ej)
                    + f(theta - ei - ej)
                ) / (4 * h[i] * h[j])
            out[i, j] = out[j, i] = val
    return out


# ---------------------------------------------------------------------------------------------
# covariates: multinomial logistic regression of membership


def _mnl_fit(z: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Newton for sum_i sum_t target_it log p_t(z_i) with rows of target summing to 1.

    Returns beta ``(K - 1, q)`` (the first profile is the reference).
    """
    n, q = z.shape
    k = target.shape[1]
    beta = np.zeros((k - 1, q))
    for _ in range(200):
        p = softmax(np.column_stack([np.zeros(n), z @ beta.T]), axis=1)
        grad = ((target - p)[:, 1:].T @ z).ravel()
        hess = _mnl_info(z, p)
        step = np.linalg.solve(hess, grad)
        beta = beta + step.reshape(k - 1, q)
        if np.max(np.abs(step)) < 1e-10:
            break
    return beta


def _mnl_info(z: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Information matrix (negative Hessian) of the multinomial logit, order (profile, term)."""
    q = z.shape[1]
    pk = p[:, 1:]
    k1 = pk.shape[1]
    info = np.empty((k1, q, k1, q))
    for a in range(k1):
        for b in range(k1):
            w = pk[:, a] * ((a == b) - pk[:, b])
            info[a, :, b, :] = (z * w[:, None]).T @ z
    return info.reshape(k1 * q, k1 * q)


def _covariate_model(method, z, post, assigned, d_err, d_inv):
    n, k = post.shape
    q = z.shape[1]
    if method == "naive":
        target = np.eye(k)[assigned]
    elif method == "bch":
        target = d_inv[assigned]
    else:
        target = None
    if target is not None:
        beta = _mnl_fit(z, target)
        p = softmax(np.column_stack([np.zeros(n), z @ beta.T]), axis=1)
        bread = np.linalg.inv(_mnl_info(z, p))
        g = ((target - p)[:, 1:, None] * z[:, None, :]).reshape(n, -1)
        vcov = bread @ (g.T @ g) @ bread
        return beta, vcov
    # ML: EM with the classification errors fixed
    log_err = np.log(np.clip(d_err, 1e-15, 1.0))[:, assigned].T  # (n, K)
    beta = _mnl_fit(z, np.eye(k)[assigned])
    prev = -np.inf
    for _ in range(2000):
        logp = log_softmax(np.column_stack([np.zeros(n), z @ beta.T]), axis=1)
        joint = logp + log_err
        norm = logsumexp(joint, axis=1)
        ll = norm.sum()
        if abs(ll - prev) <= 1e-10 * (1 + abs(ll)):
            break
        prev = ll
        beta = _mnl_fit(z, np.exp(joint - norm[:, None]))

    def grad(flat):
        b = flat.reshape(k - 1, q)
        logp = log_softmax(np.column_stack([np.zeros(n), z @ b.T]), axis=1)
        joint = logp + log_err
        h = np.exp(joint - logsumexp(joint, axis=1)[:, None])
        return ((h - np.exp(logp))[:, 1:].T @ z).ravel()

    flat = beta.ravel()
    step = 1e-5 * np.maximum(np.abs(flat), 1e-2)
    hess = np.column_stack(
        [
            (
                grad(flat + np.eye(flat.size)[j] * step[j])
                - grad(flat - np.eye(flat.size)[j] * step[j])
            )
            / (2 * step[j])
            for j in range(flat.size)
        ]
    )
    hess = 0.5 * (hess + hess.T)
    vcov = np.linalg.inv(-hess)
    return beta, vcov


# ---------------------------------------------------------------------------------------------
# covariate-adjusted outcome models (statsmodels GLMs on expanded data)


def _adjusted_models(
    method, kind_of, y_frame, cov_frame, post, assigned, d_inv, d_err, names, level
):
    import statsmodels.api as sm

    _n, k = post.shape
    crit = stats.norm.ppf(0.5 + level / 2)
    zc = cov_frame.to_numpy(float)
    rows = []
    problems = []
    for outcome, kind in kind_of.items():
        y_all = y_frame[outcome].to_numpy(float)
        ok = np.isfinite(y_all)
        y = y_all[ok]
        m = int(ok.sum())
        design_c = zc[ok]
        # expanded data: respondent i appears once per profile t
        prof = np.tile(np.eye(k)[:, 1:], (m, 1))
        x = np.column_stack([np.ones(m * k), prof, np.repeat(design_c, k, axis=0)])
        yy = np.repeat(y, k)
        groups = np.repeat(np.arange(m), k)
        if method == "naive":
            w = np.eye(k)[assigned[ok]].ravel()
        elif method == "bch":
            w = d_inv[assigned[ok]].ravel()
        else:
            w = None
        family_name = {
            "continuous": "gaussian",
            "binary": "binomial (logit)",
            "count": "negative binomial (log)",
        }[kind]
        terms = (
            ["intercept"]
            + [f"profile[{p}]" for p in names[1:]]
            + [str(c) for c in cov_frame.columns]
        )
        if w is not None:
            keep = w != 0
            params, vcov = _weighted_glm(sm, kind, yy[keep], x[keep], w[keep], groups[keep])
        else:
            log_err = np.log(np.clip(d_err, 1e-15, 1.0))[:, assigned[ok]].T
            params, vcov = _ml_glm(sm, kind, y, x, log_err, k, m)
        if not np.all(np.isfinite(np.diagonal(vcov))):
            problems.append(f"{outcome}: the adjusted model's covariance matrix is singular")
        se = np.sqrt(np.clip(np.diagonal(vcov)[: len(terms)], 0, None))
        for term, est, s in zip(terms, params[: len(terms)], se, strict=True):
            stat = est / s if s > 0 else np.nan
            rows.append(
                {
                    "outcome": outcome,
                    "family": family_name,
                    "term": term,
                    "estimate": est,
                    "se": s,
                    "ci_low": est - crit * s,
                    "ci_high": est + crit * s,
                    "statistic": stat,
                    "p_value": 2 * stats.norm.sf(abs(stat)),
                }
            )
        if kind == "count":
            rows.append(
                {
                    "outcome": outcome,
                    "family": family_name,
                    "term": "alpha",
                    "estimate": float(params[-1]),
                    "se": np.nan,
                    "ci_low": np.nan,
                    "ci_high": np.nan,
                    "statistic": np.nan,
                    "p_value": np.nan,
                }
            )
    return pd.DataFrame(rows), problems


def _family(sm, kind, alpha=1.0):
    if kind == "continuous":
        return sm.families.Gaussian()
    if kind == "binary":
        return sm.families.Binomial()
    return sm.families.NegativeBinomial(alpha=alpha)


def _glm_newton(model, start):
    beta = start.copy()
    for _ in range(100):
        g = model.score(beta, scale=1.0)
        h = model.hessian(beta, scale=1.0)
        step = np.linalg.solve(h, g)
        beta = beta - step
        if np.max(np.abs(step)) < 1e-10:
            break
    return beta


def _weighted_glm(sm, kind, y, x, w, groups):
    """Weighted GLM (weights may be negative: BCH) with respondent-clustered sandwich SEs."""

    def fit(alpha):
        model = sm.GLM(y, x, family=_family(sm, kind, alpha), freq_weights=w)
        start = np.zeros(x.shape[1])
        if kind == "continuous":
            start[0] = np.average(y, weights=None)
        elif kind == "count":
            start[0] = np.log(max(y.mean(), 1e-3))
        beta = _glm_newton(model, start)
        return model, beta

    alpha = 1.0
    if kind == "count":

        def negll(la):
            model, beta = fit(np.exp(la))
            return -model.loglike(beta, scale=1.0)

        alpha = float(np.exp(optimize.minimize_scalar(negll, bounds=(-10, 4), method="bounded").x))
    model, beta = fit(alpha)
    # the sandwich does not depend on the Gaussian scale (it cancels), so scale = 1 throughout
    sc = model.score_obs(beta, scale=1.0)
    g = np.zeros((groups.max() + 1, x.shape[1]))
    np.add.at(g, groups, sc)
    bread = np.linalg.inv(-model.hessian(beta, scale=1.0))
    vcov = bread @ (g.T @ g) @ bread
    params = np.append(beta, alpha) if kind == "count" else beta
    return params, vcov


def _ml_glm(sm, kind, y, x, log_err, k, m):
    """ML three-step outcome GLM with covariates: EM with the classification errors fixed."""
    yy = np.repeat(y, k)
    q = x.shape[1]
    pro = np.full(k, 1.0 / k)
    h = np.exp(log_err - logsumexp(log_err, axis=1)[:, None])
    alpha = 1.0
    beta = np.zeros(q)
    var = 1.0
    prev = -np.inf

    def logf(beta, alpha, var):
        eta = x @ beta
        if kind == "continuous":
            out = -0.5 * (np.log(2 * np.pi * var) + (yy - eta) ** 2 / var)
        elif kind == "binary":
            out = yy * eta - np.logaddexp(0, eta)
        else:
            out = _nb_logpmf(yy, np.exp(eta), alpha)
        return out.reshape(m, k)

    for _ in range(500):
        w = h.ravel()
        model = sm.GLM(yy, x, family=_family(sm, kind, alpha), freq_weights=w)
        beta = _glm_newton(model, beta)
        if kind == "continuous":
            var = float((w * (yy - x @ beta) ** 2).sum() / w.sum())
        elif kind == "count":

            def negll(la, beta=beta, w=w):
                return -(w * _nb_logpmf(yy, np.exp(x @ beta), np.exp(la))).sum()

            alpha = float(
                np.exp(optimize.minimize_scalar(negll, bounds=(-10, 4), method="bounded").x)
            )
        pro = h.mean(axis=0)
        joint = np.log(pro)[None] + log_err + logf(beta, alpha, var)
        norm = logsumexp(joint, axis=1)
        ll = norm.sum()
        h = np.exp(joint - norm[:, None])
        if abs(ll - prev) <= 1e-10 * (1 + abs(ll)):
            break
        prev = ll
    nuis = [np.log(var)] if kind == "continuous" else [np.log(alpha)] if kind == "count" else []
    lp = np.log(pro)
    theta = np.concatenate([beta, nuis, lp[:-1] - lp[-1]])

    def loglik(t):
        b = t[:q]
        rest = t[q:]
        if kind == "continuous":
            v, rest = np.exp(rest[0]), rest[1:]
            a = 1.0
        elif kind == "count":
            a, rest = np.exp(rest[0]), rest[1:]
            v = 1.0
        else:
            a = v = 1.0
        logpro = log_softmax(np.append(rest, 0.0))
        return logsumexp(logpro[None] + log_err + logf(b, a, v), axis=1).sum()

    hess = _num_hessian(loglik, theta)
    try:
        vcov = np.linalg.inv(-hess)
    except np.linalg.LinAlgError:
        vcov = np.full_like(hess, np.nan)
    params = np.append(beta, alpha) if kind == "count" else beta
    return params, vcov


# ---------------------------------------------------------------------------------------------


def _outcome_type(values: np.ndarray) -> str:
    v = values[np.isfinite(values)]
    uniq = np.unique(v)
    if uniq.size <= 2 and np.all(np.isin(uniq, (0.0, 1.0))):
        return "binary"
    if np.all(v >= 0) and np.all(v == np.round(v)) and uniq.size > 2:
        return "count"
    return "continuous"


def _holm(p: np.ndarray) -> np.ndarray:
    m = p.size
    order = np.argsort(p)
    adj = np.empty(m)
    running = 0.0
    for rank, idx in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[idx]))
        adj[idx] = running
    return adj


def profile_outcomes(
    profile_result: ProfileResult,
    outcomes: pd.DataFrame | None = None,
    /,
    *,
    covariates: pd.DataFrame | None = None,
    method: str = "bch",
    outcome_types: Mapping[str, str] | None = None,
    confidence_level: float = 0.95,
) -> ProfileOutcomesResult:
    r"""Relate latent profiles to distal outcomes and covariates with bias-adjusted three-step.

    Step 1 is the fitted profile model, step 2 the modal assignment with its classification
    errors, step 3 the model for the outcomes (or covariates) in which the assigned profile
    stands in for the latent one, corrected for the classification errors.

    Parameters
    ----------
    profile_result : ProfileResult
        A fitted profile model (:func:`fit_profiles`).
    outcomes : pandas.DataFrame or None
        Distal outcomes, indexed like the data the profiles were fitted on (extra rows are
        ignored; missing values are dropped per outcome).
    covariates : pandas.DataFrame or None
        Numeric covariates (dummy-code categorical ones), indexed like the data. They predict
        profile membership (multinomial logistic regression) and adjust the outcome models.
    method : {"bch", "ml", "naive"}, default "bch"
        ``"bch"``: the BCH correction (Bolck, Croon & Hagenaars, 2004; Vermunt, 2010);
        ``"ml"``: the ML correction (Vermunt, 2010; Bakk, Tekle & Vermunt, 2013); ``"naive"``:
        the modal assignment taken as error-free (biased toward no differences; for comparison).
    outcome_types : mapping of str to {"continuous", "binary", "count"}, optional
        Outcome types; by default 0/1 columns are binary, non-negative integer columns with more
        than two values are counts (negative binomial), everything else is continuous.
    confidence_level : float, default 0.95
        Level of the Wald confidence intervals.

    Returns
    -------
    ProfileOutcomesResult

    Raises
    ------
    DataError
        Outcomes or covariates that do not line up with the fitted respondents, non-numeric
        columns, unknown types or methods.

    Warns
    -----
    BurnoutkitWarning
        A BCH estimate of a within-profile variance is not positive (small or poorly separated
        profiles).
    ConvergenceWarning
        An ML step-3 model did not converge or has a singular information matrix.

    Notes
    -----
    With :math:`z_{it}` the posterior probabilities and :math:`w_i` the modal assignment, the
    classification-error matrix is :math:`D_{ts} = \sum_i z_{it} [w_i = s] / \sum_i z_{it}`.
    BCH gives respondent :math:`i` the weight :math:`(D^{-1})_{w_i t}` in profile :math:`t`;
    profile estimates solve :math:`\sum_i (D^{-1})_{w_i t}(y_i - m_t) = 0` (the weighted mean
    for every outcome type: for the negative binomial with profile-specific means this is also
    the ML estimate), with the sandwich covariance
    :math:`\widehat{\mathrm{Cov}}(m_t, m_s) = \sum_i u_{it} u_{is}`,
    :math:`u_{it} = (D^{-1})_{w_i t}(y_i - m_t) / \sum_j (D^{-1})_{w_j t}`.
    ML maximizes :math:`\sum_i \log \sum_t \pi_t D_{t w_i} f(y_i \mid t)` with :math:`D`
    fixed (normal with profile-specific variances, Bernoulli, or negative binomial with a common
    dispersion), by EM, with standard errors from the observed information; the shares
    :math:`\pi_t` are re-estimated (StepMix keeps them at their step-1 values, so its ML
    estimates differ slightly). Standard errors treat step 1 as known (Bakk, Oberski & Vermunt,
    2014, show this is accurate when entropy is high). The omnibus test is the Wald
    :math:`\chi^2` of :math:`C m = 0` (all differences from the first profile), with
    :math:`K - 1` degrees of freedom; pairwise tests are Wald :math:`z` tests, Holm-adjusted in
    ``p_holm``.

    Covariates: a multinomial logistic regression of membership with the first profile as
    reference, fitted to the BCH weights (sandwich SEs) or by ML with :math:`D` fixed. Adjusted
    outcome models are statsmodels GLMs (identity/normal, logit/binomial, log/negative binomial
    with the dispersion profiled out) of the outcome on profile dummies and the covariates,
    fitted on the data expanded to one row per respondent and profile: with BCH weights (SEs
    clustered by respondent, Bakk & Vermunt, 2016), with modal assignment (naive), or by ML with
    :math:`D` fixed (EM; observed-information SEs).

    References
    ----------
    Bolck, A., Croon, M., & Hagenaars, J. (2004). Estimating latent structure models with
    categorical variables: One-step versus three-step estimators. *Political Analysis, 12*(1),
    3-27.

    Vermunt, J. K. (2010). Latent class modeling with covariates: Two improved three-step
    approaches. *Political Analysis, 18*(4), 450-469.

    Bakk, Z., Tekle, F. B., & Vermunt, J. K. (2013). Estimating the association between latent
    class membership and external variables using bias-adjusted three-step approaches.
    *Sociological Methodology, 43*(1), 272-311.

    Bakk, Z., Oberski, D. L., & Vermunt, J. K. (2014). Relating latent class assignments to
    external variables: Standard errors for correct inference. *Political Analysis, 22*(4),
    520-540.

    Bakk, Z., & Vermunt, J. K. (2016). Robustness of stepwise latent class modeling with
    continuous distal outcomes. *Structural Equation Modeling, 23*(1), 20-31.

    Morin, S., Legault, R., Laliberté, F., Bakk, Z., Giguère, C.-É., de la Sablonnière, R., &
    Lacourse, É. (2025). StepMix: A Python package for pseudo-likelihood estimation of
    generalized mixture models with external variables. *Journal of Statistical Software,
    113*(8), 1-39.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import burnoutkit as bk
    >>> rng = np.random.default_rng(3)
    >>> means = bk.burnout_template()
    >>> truth = rng.choice(5, size=1500, p=[.35, .15, .20, .15, .15])
    >>> data = pd.DataFrame(means.to_numpy()[truth] + rng.normal(0, .45, (1500, 3)),
    ...                     columns=means.columns)
    >>> wellbeing = pd.DataFrame({"wellbeing": np.array([1.0, .2, -.3, -.5, -1.2])[truth]
    ...                                        + rng.normal(0, 1, 1500)})
    >>> res = bk.fit_profiles(data, n_profiles=5, template="burnout", random_state=1)
    >>> out = bk.profile_outcomes(res, wellbeing, method="bch")
    >>> print(out.estimates[["profile", "estimate", "se"]].round(2).to_string(index=False))
         profile  estimate   se
         engaged      0.97 0.04
     ineffective      0.19 0.07
    overextended     -0.34 0.06
      disengaged     -0.52 0.09
         burnout     -1.27 0.08
    >>> float(out.tests["p_value"].iloc[0]) < 0.001
    True
    >>> # StepMix: StepMix(n_components=5, n_steps=3, measurement="gaussian_diag",
    >>> #                  structural="gaussian_diag", correction="BCH").fit(data, wellbeing)
    """
    if not isinstance(profile_result, ProfileResult):
        raise DataError(
            f"{_FUNC} needs the result of fit_profiles as its first argument; got "
            f"{type(profile_result).__name__}."
        )
    if method not in _METHODS:
        raise DataError(
            f"The 'method' parameter of {_FUNC} must be one of {list(_METHODS)}; got {method!r}."
        )
    if not (isinstance(confidence_level, float) and 0.0 < confidence_level < 1.0):
        raise DataError(
            f"The 'confidence_level' parameter of {_FUNC} must be a float in (0, 1); got "
            f"{confidence_level!r}."
        )
    if outcomes is None and covariates is None:
        raise DataError(f"{_FUNC} needs outcomes, covariates or both.")
    names = list(profile_result.profiles)
    index = profile_result.posterior.index
    post = profile_result.posterior.to_numpy()
    n, k = post.shape
    if k < 2:
        raise DataError(f"{_FUNC} needs a model with at least two profiles; this one has {k}.")
    assigned = post.argmax(axis=1)
    d_err = classification_error(post, assigned)
    try:
        d_inv = np.linalg.inv(d_err)
    except np.linalg.LinAlgError as exc:
        raise DataError(
            "The classification-error matrix is singular (a profile is never the most likely "
            "one), so the BCH and ML corrections are undefined; fit fewer profiles."
        ) from exc
    level = confidence_level
    crit = stats.norm.ppf(0.5 + level / 2)
    issued: list[tuple[str, type[Warning]]] = []

    def aligned(frame: pd.DataFrame | None, what: str) -> pd.DataFrame | None:
        if frame is None:
            return None
        if isinstance(frame, pd.Series):
            frame = frame.to_frame()
        if not isinstance(frame, pd.DataFrame):
            raise DataError(f"{what} must be a DataFrame indexed like the fitted data.")
        absent = index.difference(frame.index)
        if len(absent):
            raise DataError(
                f"{len(absent)} respondents of the profile model are not in the {what} "
                f"(first: {list(absent[:3])}); index the {what} like the data passed to "
                "fit_profiles."
            )
        frame = frame.loc[index]
        bad = [str(c) for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
        if bad:
            raise DataError(
                f"{what.capitalize()} columns {bad} are not numeric; dummy-code categorical "
                "variables (pandas.get_dummies(..., drop_first=True, dtype=float))."
            )
        return frame

    y_frame = aligned(outcomes, "outcomes")
    c_frame = aligned(covariates, "covariates")
    if c_frame is not None and not np.isfinite(c_frame.to_numpy(float)).all():
        rows = c_frame.index[~np.isfinite(c_frame.to_numpy(float)).all(axis=1)]
        raise DataError(
            f"{len(rows)} respondents have missing covariates (first: {list(rows[:3])}); "
            "impute them or drop those respondents before fitting the profiles."
        )
    kinds: dict[str, str] = {}
    if y_frame is not None:
        types = dict(outcome_types or {})
        unknown = [c for c in types if c not in y_frame.columns]
        if unknown:
            raise DataError(f"outcome_types names {unknown}, which are not outcome columns.")
        for col in y_frame.columns:
            kind = types.get(col, _outcome_type(y_frame[col].to_numpy(float)))
            if kind not in _TYPES:
                raise DataError(
                    f"The type of outcome {col!r} must be one of {list(_TYPES)}; got {kind!r}."
                )
            values = y_frame[col].to_numpy(float)
            v = values[np.isfinite(values)]
            if kind == "binary" and not np.all(np.isin(v, (0.0, 1.0))):
                raise DataError(
                    f"Outcome {col!r} is declared binary but has values other than 0 and 1."
                )
            if kind == "count" and not (np.all(v >= 0) and np.all(v == np.round(v))):
                raise DataError(
                    f"Outcome {col!r} is declared a count but has negative or non-integer values."
                )
            kinds[str(col)] = kind

    est_rows, test_rows, pair_rows = [], [], []
    for col, kind in kinds.items():
        y_all = y_frame[col].to_numpy(float)
        ok = np.isfinite(y_all)
        y = y_all[ok]
        a = assigned[ok]
        if method == "bch":
            w = d_inv[a]
        else:
            w = np.eye(k)[a]
        m, vcov, extra = _weighted(y, w, kind)
        var_t = extra.get("variance")
        if method == "bch" and kind == "continuous" and np.any(var_t <= 0):
            issued.append(
                (
                    f"Outcome {col!r}: a BCH within-profile variance is not positive "
                    "(small or poorly separated profiles); Cohen's d uses its absolute "
                    "value.",
                    BurnoutkitWarning,
                )
            )
        if method == "ml":
            log_err = np.log(np.clip(d_err, 1e-15, 1.0))[:, a].T
            m, var_t, vcov, converged = _ml_distal(kind, y, log_err, profile_result.pro, m, var_t)
            if not converged:
                issued.append(
                    (f"Outcome {col!r}: the ML step-3 EM did not converge.", ConvergenceWarning)
                )
            if not np.all(np.isfinite(vcov)):
                issued.append(
                    (
                        f"Outcome {col!r}: the ML information matrix is singular; no "
                        "standard errors.",
                        ConvergenceWarning,
                    )
                )
        se = np.sqrt(np.clip(np.diagonal(vcov), 0, None))
        for t in range(k):
            est_rows.append(
                {
                    "outcome": col,
                    "type": kind,
                    "profile": names[t],
                    "estimate": float(m[t]),
                    "se": float(se[t]),
                    "ci_low": float(m[t] - crit * se[t]),
                    "ci_high": float(m[t] + crit * se[t]),
                }
            )
        contrast = np.column_stack([-np.ones(k - 1), np.eye(k - 1)])
        diff = contrast @ m
        cv = contrast @ vcov @ contrast.T
        try:
            stat = float(diff @ np.linalg.solve(cv, diff))
        except np.linalg.LinAlgError:
            stat = np.nan
        pro = profile_result.pro
        grand = float(pro @ m)
        total_var = float(np.var(y, ddof=1))
        test_rows.append(
            {
                "outcome": col,
                "type": kind,
                "statistic": stat,
                "df": k - 1,
                "p_value": float(stats.chi2.sf(stat, k - 1)),
                "eta_squared": float(pro @ (m - grand) ** 2 / total_var),
                "n": int(ok.sum()),
            }
        )
        pairs = list(combinations(range(k), 2))
        p_raw = []
        for s, t in pairs:
            dlt = m[s] - m[t]
            sd = np.sqrt(max(vcov[s, s] + vcov[t, t] - 2 * vcov[s, t], 0.0))
            z = dlt / sd if sd > 0 else np.nan
            if kind == "continuous":
                pooled = float(pro @ np.abs(var_t)) if var_t is not None else np.nan
                effect, size = "cohen_d", dlt / np.sqrt(pooled)
            elif kind == "binary":
                ps, pt = np.clip(m[s], 1e-12, 1 - 1e-12), np.clip(m[t], 1e-12, 1 - 1e-12)
                effect, size = "odds_ratio", (ps / (1 - ps)) / (pt / (1 - pt))
            else:
                effect, size = "rate_ratio", m[s] / m[t]
            p = float(2 * stats.norm.sf(abs(z)))
            p_raw.append(p)
            pair_rows.append(
                {
                    "outcome": col,
                    "profile_a": names[s],
                    "profile_b": names[t],
                    "difference": float(dlt),
                    "se": float(sd),
                    "statistic": float(z),
                    "p_value": p,
                    "effect": effect,
                    "effect_size": float(size),
                }
            )
        adj = _holm(np.asarray(p_raw))
        for row, p in zip(pair_rows[-len(pairs) :], adj, strict=True):
            row["p_holm"] = float(p)

    cov_effects = None
    adjusted = None
    if c_frame is not None and c_frame.shape[1]:
        z = np.column_stack([np.ones(n), c_frame.to_numpy(float)])
        terms = ["intercept"] + [str(c) for c in c_frame.columns]
        beta, vcov = _covariate_model(method, z, post, assigned, d_err, d_inv)
        se = np.sqrt(np.clip(np.diagonal(vcov), 0, None)).reshape(beta.shape)
        rows = []
        for t in range(1, k):
            for j, term in enumerate(terms):
                b, s = float(beta[t - 1, j]), float(se[t - 1, j])
                stat = b / s if s > 0 else np.nan
                rows.append(
                    {
                        "profile": names[t],
                        "term": term,
                        "estimate": b,
                        "se": s,
                        "ci_low": b - crit * s,
                        "ci_high": b + crit * s,
                        "statistic": stat,
                        "p_value": float(2 * stats.norm.sf(abs(stat))),
                        "odds_ratio": float(np.exp(b)),
                    }
                )
        cov_effects = pd.DataFrame(rows)
        if kinds:
            adjusted, problems = _adjusted_models(
                method, kinds, y_frame, c_frame, post, assigned, d_inv, d_err, names, level
            )
            issued.extend((p, ConvergenceWarning) for p in problems)
    for message, category in issued:
        warnings.warn(message, category, stacklevel=2)
    pair_cols = [
        "outcome",
        "profile_a",
        "profile_b",
        "difference",
        "se",
        "statistic",
        "p_value",
        "p_holm",
        "effect",
        "effect_size",
    ]
    return ProfileOutcomesResult(
        method=method,
        profiles=tuple(names),
        n=n,
        estimates=pd.DataFrame(
            est_rows, columns=["outcome", "type", "profile", "estimate", "se", "ci_low", "ci_high"]
        ),
        tests=pd.DataFrame(
            test_rows, columns=["outcome", "type", "statistic", "df", "p_value", "eta_squared", "n"]
        ),
        pairwise=pd.DataFrame(pair_rows, columns=pair_cols),
        covariate_effects=cov_effects,
        adjusted=adjusted,
        classification_error=pd.DataFrame(
            d_err, index=pd.Index(names, name="profile"), columns=names
        ),
        confidence_level=level,
        warnings=tuple(m for m, _ in issued),
    )
