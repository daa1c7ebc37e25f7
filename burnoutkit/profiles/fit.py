"""Fit one latent profile model: :func:`fit_profiles` and :class:`ProfileResult`."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from scipy.optimize import linear_sum_assignment

from burnoutkit._result import Result
from burnoutkit.errors import (
    BurnoutkitWarning,
    ConvergenceError,
    ConvergenceWarning,
    DataError,
    SmallProfileWarning,
)
from burnoutkit.profiles import _gaussian as gm
from burnoutkit.profiles._criteria import SMALL_SHARE, SMALL_SIZE, criteria, relative_entropy
from burnoutkit.profiles._information import MixtureCovariance, mixture_covariance
from burnoutkit.profiles._spec import check_int, check_missing, model_names, prepare_data
from burnoutkit.profiles.templates import burnout_template

__all__ = ["ProfileResult", "fit_profiles"]

_FUNC = "fit_profiles"


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class ProfileResult(Result):
    """A fitted latent profile model (a Gaussian mixture) with its classification diagnostics.

    Attributes
    ----------
    n_profiles : int
        Number of profiles.
    model : str
        mclust name of the parameterization (``"EEI"``, ``"VVI"``, ``"EEE"`` or ``"VVV"``).
    variances, covariances : str
        The parameterization in tidyLPA's words.
    indicators : tuple of str
        The indicator columns, in model order.
    profiles : tuple of str
        Profile names in their deterministic order: template names when labelled, otherwise
        ``profile_1, profile_2, ...`` ordered by the mean of the first indicator.
    n : int
        Number of respondents used.
    log_likelihood : float
        Maximized log-likelihood.
    n_parameters : int
        Number of free parameters (as ``mclust::nMclustParams``).
    aic, bic, sabic, caic, icl : float
        Information criteria, lower is better (``bic`` is minus mclust's BIC, ``icl`` minus
        ``mclust::icl``).
    entropy : float
        Relative entropy of the classification, ``1 - sum(-z log z) / (n log K)``.
    n_init, n_final : int
        Random starts and how many of them were run to convergence.
    n_replicated : int
        Final-stage starts that reached the best log-likelihood.
    converged : bool
        Whether EM met its convergence criterion for the reported solution.
    confidence_level : float
        Level of the confidence intervals.
    means : pandas.DataFrame
        Profile means, profiles by indicators.
    shares : pandas.DataFrame
        ``profile, estimate, se, ci_low, ci_high, n_modal, share_modal``: estimated shares and the
        size of each profile under modal assignment.
    parameters : pandas.DataFrame
        Long table ``profile, parameter, indicator, estimate, se, ci_low, ci_high`` with shares,
        means, variances and covariances (:meth:`tidy`).
    posterior : pandas.DataFrame
        Posterior profile probabilities, one row per respondent (index of the data).
    assignment : pandas.Series
        Modal (most likely) profile of every respondent, categorical.
    classification : pandas.DataFrame
        Average posterior probabilities by most likely profile (rows: assigned profile, columns:
        profile), as in Mplus.
    average_posterior : pandas.Series
        Average posterior probability of the assigned profile, per profile (the diagonal).
    template_distance : pandas.Series or None
        Euclidean distance (standard-deviation units) of each profile from its template pattern.
    warnings : tuple of str
        Every warning raised while fitting.
    """

    n_profiles: int
    model: str
    variances: str
    covariances: str
    indicators: tuple[str, ...]
    profiles: tuple[str, ...]
    n: int
    log_likelihood: float
    n_parameters: int
    aic: float
    bic: float
    sabic: float
    caic: float
    icl: float
    entropy: float
    n_init: int
    n_final: int
    n_replicated: int
    converged: bool
    confidence_level: float
    means: pd.DataFrame
    shares: pd.DataFrame
    parameters: pd.DataFrame
    posterior: pd.DataFrame
    assignment: pd.Series
    classification: pd.DataFrame
    average_posterior: pd.Series
    template_distance: pd.Series | None
    warnings: tuple[str, ...]
    pro: np.ndarray = field(repr=False)
    mean: np.ndarray = field(repr=False)
    cov: np.ndarray = field(repr=False)

    def tidy(self) -> pd.DataFrame:
        """Shares, means, variances and covariances with standard errors, one row each."""
        return self.parameters.copy()

    def glance(self) -> pd.DataFrame:
        """One row: model, profiles, fit criteria, entropy and the smallest profile."""
        return pd.DataFrame(
            [
                {
                    "model": self.model,
                    "n_profiles": self.n_profiles,
                    "n": self.n,
                    "log_likelihood": self.log_likelihood,
                    "n_parameters": self.n_parameters,
                    "aic": self.aic,
                    "bic": self.bic,
                    "sabic": self.sabic,
                    "caic": self.caic,
                    "icl": self.icl,
                    "entropy": self.entropy,
                    "smallest_share": float(self.pro.min()),
                    "n_replicated": self.n_replicated,
                    "converged": self.converged,
                }
            ]
        )

    def augment(self, data: pd.DataFrame) -> pd.DataFrame:
        """Return ``data`` (rows used) with ``p_<profile>`` columns and ``assigned_profile``."""
        if not isinstance(data, pd.DataFrame):
            raise DataError("augment needs the DataFrame the profiles were fitted on.")
        missing = self.posterior.index.difference(data.index)
        if len(missing):
            raise DataError(
                f"{len(missing)} fitted rows are not in the data passed to augment (first: "
                f"{list(missing[:3])}); pass the DataFrame the profiles were fitted on."
            )
        new = [f"p_{name}" for name in self.profiles] + ["assigned_profile"]
        clash = [c for c in new if c in data.columns]
        if clash:
            raise DataError(
                f"augment would overwrite columns {clash} of the data; rename or drop them first."
            )
        out = data.loc[self.posterior.index].copy()
        for name in self.profiles:
            out[f"p_{name}"] = self.posterior[name].to_numpy()
        out["assigned_profile"] = self.assignment.to_numpy()
        return out

    def predict_proba(self, data: pd.DataFrame) -> pd.DataFrame:
        """Posterior profile probabilities of new respondents under the fitted model.

        Parameters
        ----------
        data : pandas.DataFrame
            Must contain the indicator columns (other columns are ignored); no missing values.

        Returns
        -------
        pandas.DataFrame
            One column per profile, indexed like ``data``.
        """
        if not isinstance(data, pd.DataFrame):
            raise DataError("predict needs a DataFrame with the indicator columns.")
        absent = [c for c in self.indicators if c not in data.columns]
        if absent:
            raise DataError(
                f"Indicators {absent} are not in the data; predict needs the columns the "
                f"profiles were fitted on: {list(self.indicators)}."
            )
        x = data[list(self.indicators)]
        values, _, _ = prepare_data(x, "predict", check_constant=False)
        z = gm.posterior(values, self.pro, self.mean, self.cov)
        return pd.DataFrame(z, index=data.index, columns=list(self.profiles))

    def predict(self, data: pd.DataFrame) -> pd.Series:
        """Most likely profile of new respondents under the fitted model (categorical Series)."""
        proba = self.predict_proba(data)
        labels = np.asarray(self.profiles, dtype=object)[proba.to_numpy().argmax(axis=1)]
        return pd.Series(
            pd.Categorical(labels, categories=list(self.profiles)),
            index=data.index,
            name="profile",
        )


def _resolve_template(template: object, indicators: list[str]) -> pd.DataFrame | None:
    if template is None:
        return None
    if isinstance(template, str):
        if template != "burnout":
            raise DataError(
                f"The 'template' parameter of {_FUNC} must be 'burnout', a DataFrame of profile "
                f"means (rows: profile names, columns: indicators) or None; got {template!r}."
            )
        frame = burnout_template()
    elif isinstance(template, pd.DataFrame):
        frame = template.copy()
    else:
        raise DataError(
            f"The 'template' parameter of {_FUNC} must be 'burnout', a DataFrame or None; got "
            f"{type(template).__name__}."
        )
    frame.columns = [str(c) for c in frame.columns]
    absent = [c for c in frame.columns if c not in indicators]
    if absent:
        raise DataError(
            f"Template columns {absent} are not among the indicators {indicators}. Rename the "
            "indicator columns to the template's names (e.g. data.rename(columns={...})) or pass "
            "a template DataFrame whose columns are indicator names."
        )
    if frame.index.has_duplicates or frame.isna().any().any():
        raise DataError("The template needs unique profile names (its index) and no missing means.")
    return frame.astype(float)


def _order_and_label(
    mean: np.ndarray, x: np.ndarray, indicators: list[str], template: pd.DataFrame | None
) -> tuple[np.ndarray, list[str], np.ndarray | None]:
    """Permutation of the fitted profiles, their names, and template distances (new order)."""
    g = mean.shape[0]
    by_first = np.lexsort(mean.T[::-1])  # first indicator, ties broken by the next ones
    if template is None:
        return by_first, [f"profile_{k + 1}" for k in range(g)], None
    cols = [indicators.index(c) for c in template.columns]
    z = (mean[:, cols] - x[:, cols].mean(axis=0)) / x[:, cols].std(axis=0, ddof=1)
    target = template.to_numpy()
    cost = ((z[:, None, :] - target[None]) ** 2).sum(-1)
    rows, tcols = linear_sum_assignment(cost)
    labelled = sorted(zip(tcols, rows, strict=True))  # template order
    order = [r for _, r in labelled]
    names = [str(template.index[t]) for t, _ in labelled]
    dist = [float(np.sqrt(cost[r, t])) for t, r in labelled]
    rest = [k for k in by_first if k not in order]
    for i, k in enumerate(rest):
        order.append(k)
        names.append(f"profile_{len(labelled) + i + 1}")
        dist.append(np.nan)
    return np.asarray(order), names, np.asarray(dist)


def _parameter_table(
    fit: gm.GaussianMixtureFit,
    cov_se,
    names: list[str],
    indicators: list[str],
    confidence_level: float,
) -> pd.DataFrame:
    crit = stats.norm.ppf(0.5 + confidence_level / 2.0)
    g, d = fit.mean.shape
    rows = []

    def add(profile, parameter, indicator, est, se):
        rows.append(
            {
                "profile": profile,
                "parameter": parameter,
                "indicator": indicator,
                "estimate": float(est),
                "se": float(se),
                "ci_low": float(est - crit * se),
                "ci_high": float(est + crit * se),
            }
        )

    diagonal = fit.model in ("EEI", "VVI")
    for k in range(g):
        add(names[k], "share", "", fit.pro[k], cov_se.se_pro[k])
    for k in range(g):
        for j in range(d):
            add(names[k], "mean", indicators[j], fit.mean[k, j], cov_se.se_mean[k, j])
        for j in range(d):
            add(names[k], "variance", indicators[j], fit.cov[k, j, j], cov_se.se_cov[k, j, j])
        if not diagonal:
            for j in range(d):
                for m in range(j + 1, d):
                    add(
                        names[k],
                        "covariance",
                        f"{indicators[j]}~~{indicators[m]}",
                        fit.cov[k, j, m],
                        cov_se.se_cov[k, j, m],
                    )
    return pd.DataFrame(rows)


def _permute(fit: gm.GaussianMixtureFit, order: np.ndarray) -> gm.GaussianMixtureFit:
    from dataclasses import replace

    return replace(
        fit, pro=fit.pro[order], mean=fit.mean[order], cov=fit.cov[order], z=fit.z[:, order]
    )


def _warn(messages: list, message: str, category: type[Warning]) -> None:
    messages.append((message, category))


def fit_profiles(
    data: pd.DataFrame,
    /,
    *,
    n_profiles: int,
    variances: str = "equal",
    covariances: str = "zero",
    template: str | pd.DataFrame | None = None,
    n_init: int = 20,
    n_final: int | None = None,
    standard_errors: str | None = "observed",
    confidence_level: float = 0.95,
    missing: str = "error",
    random_state: int | np.random.Generator | None = None,
) -> ProfileResult:
    r"""Fit a latent profile model (Gaussian mixture) with a given number of profiles.

    Parameters
    ----------
    data : pandas.DataFrame
        One numeric column per indicator (e.g. scale scores), one row per respondent.
    n_profiles : int
        Number of profiles, in [1, 40].
    variances : {"equal", "varying"}, default "equal"
        Whether indicator variances are equal across profiles.
    covariances : {"zero", "equal", "varying"}, default "zero"
        Within-profile covariances: fixed to zero (local independence), equal across profiles,
        or free in every profile. ``"equal"/"zero"`` is the classic LPA (mclust EEI), then
        ``"varying"/"zero"`` (VVI), ``"equal"/"equal"`` (EEE) and ``"varying"/"varying"`` (VVV).
    template : "burnout", pandas.DataFrame or None, default None
        Named mean patterns to label the profiles with (rows: names, columns: indicators, in
        standard-deviation units); ``"burnout"`` is :func:`burnout_template`.
    n_init : int, default 20
        Random (k-means++) starts.
    n_final : int or None, default None
        Starts run to convergence after 20 EM iterations each (``max(2, n_init // 5)``,
        as Mplus's ``STARTS = 20 4``).
    standard_errors : {"observed", "sandwich"} or None, default "observed"
        Observed-information standard errors, sandwich (robust) ones, or none.
    confidence_level : float, default 0.95
        Level of the Wald confidence intervals.
    missing : {"error", "listwise"}, default "error"
        What to do with rows that have missing indicators.
    random_state : int, numpy.random.Generator or None
        Seed of the random starts.

    Returns
    -------
    ProfileResult

    Raises
    ------
    DataError
        Bad arguments or data (non-numeric or constant indicators, missing values).
    ConvergenceError
        No start reached an admissible solution (every one ended singular or with an empty
        profile).

    Warns
    -----
    ConvergenceWarning
        The best log-likelihood was not replicated, EM stopped at its iteration limit, or the
        information matrix is singular.
    SmallProfileWarning
        A profile has a share below 5% or fewer than 25 expected members.

    Notes
    -----
    The density of respondent :math:`i` is :math:`f(x_i) = \sum_k \pi_k \phi(x_i; \mu_k,
    \Sigma_k)`, fitted by EM (Dempster, Laird & Rubin, 1977) with SQUAREM acceleration
    (Varadhan & Roland, 2008) from ``n_init`` k-means++ starts, the best ``n_final`` of which
    are run to convergence (relative change of the log-likelihood below 1e-8 per cycle).
    Posterior probabilities are :math:`z_{ik} = \pi_k \phi_k(x_i) / f(x_i)`; the modal
    assignment is :math:`\arg\max_k z_{ik}`. Standard errors come from the observed information
    (the negative Hessian of the log-likelihood, by central differences of the analytic score);
    the last share's is obtained by the delta method. The log-likelihood and the BIC agree with
    ``mclust::Mclust`` at the same optimum.

    References
    ----------
    Dempster, A. P., Laird, N. M., & Rubin, D. B. (1977). Maximum likelihood from incomplete data
    via the EM algorithm. *Journal of the Royal Statistical Society B, 39*(1), 1-38.

    Fraley, C., & Raftery, A. E. (2002). Model-based clustering, discriminant analysis, and
    density estimation. *Journal of the American Statistical Association, 97*(458), 611-631.

    Varadhan, R., & Roland, C. (2008). Simple and globally convergent methods for accelerating
    the convergence of any EM algorithm. *Scandinavian Journal of Statistics, 35*(2), 335-353.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import burnoutkit as bk
    >>> rng = np.random.default_rng(1)
    >>> means = bk.burnout_template()
    >>> truth = rng.choice(5, size=1000, p=[.35, .15, .20, .15, .15])
    >>> data = pd.DataFrame(means.to_numpy()[truth] + rng.normal(0, .45, (1000, 3)),
    ...                     columns=means.columns)
    >>> res = bk.fit_profiles(data, n_profiles=5, template="burnout", random_state=1)
    >>> res.profiles
    ('engaged', 'ineffective', 'overextended', 'disengaged', 'burnout')
    >>> res.means.round(1)
                   ex   md   re
    engaged      -0.8 -0.8 -0.6
    ineffective  -0.3 -0.1  1.0
    overextended  1.0 -0.2 -0.2
    disengaged    0.1  1.0  0.4
    burnout       1.3  1.3  0.9
    >>> new = pd.DataFrame({"ex": [1.4], "md": [1.2], "re": [0.8]})
    >>> res.predict(new).tolist()
    ['burnout']
    >>> # R: mclust::Mclust(data, G = 5, modelNames = "EEI")  (same log-likelihood and BIC)
    """
    check_int(n_profiles, "n_profiles", _FUNC, 1, 40)
    check_int(n_init, "n_init", _FUNC, 1)
    if n_final is not None:
        check_int(n_final, "n_final", _FUNC, 1)
    check_missing(missing, _FUNC)
    if not isinstance(variances, str) or not isinstance(covariances, str):
        raise DataError(
            f"{_FUNC} fits one parameterization: give 'variances' and 'covariances' as strings "
            "(use enumerate_profiles to compare several)."
        )
    (model,) = model_names(variances, covariances, _FUNC)
    if standard_errors not in ("observed", "sandwich", None):
        raise DataError(
            f"The 'standard_errors' parameter of {_FUNC} must be 'observed', 'sandwich' or "
            f"None; got {standard_errors!r}."
        )
    if not (isinstance(confidence_level, float) and 0.0 < confidence_level < 1.0):
        raise DataError(
            f"The 'confidence_level' parameter of {_FUNC} must be a float in (0, 1); got "
            f"{confidence_level!r}."
        )
    x, indicators, index = prepare_data(data, _FUNC, missing)
    tmpl = _resolve_template(template, indicators)
    if x.shape[0] <= n_profiles:
        raise DataError(
            f"{_FUNC} needs more respondents than profiles; got {x.shape[0]} rows for "
            f"n_profiles={n_profiles}."
        )
    with gm.single_threaded_blas():
        fit = gm.fit_gaussian_mixture(
            x,
            n_profiles,
            model,
            n_init=n_init,
            n_final=n_final,
            random_state=random_state,
            tol=1e-8,
        )
    if not fit.ok:
        raise ConvergenceError(
            f"No start of the {model} model with {n_profiles} profiles reached an admissible "
            f"solution ({gm.STATUS_TEXT[fit.status]} in every start). Fit fewer profiles, a more "
            "constrained parameterization (variances='equal', covariances='zero'), or check the "
            "indicators for outliers and near-duplicates."
        )
    result, issued = _build_result(
        fit,
        x,
        indicators,
        index,
        tmpl,
        variances,
        covariances,
        n_init,
        n_final if n_final is not None else max(2, n_init // 5),
        standard_errors,
        confidence_level,
    )
    for message, category in issued:
        warnings.warn(message, category, stacklevel=2)
    return result


def _build_result(
    fit,
    x,
    indicators,
    index,
    tmpl,
    variances,
    covariances,
    n_init,
    n_final,
    standard_errors,
    confidence_level,
) -> tuple[ProfileResult, list[tuple[str, type[Warning]]]]:
    messages: list[tuple[str, type[Warning]]] = []
    model, g = fit.model, fit.n_profiles
    order, names, dist = _order_and_label(fit.mean, x, indicators, tmpl)
    fit = _permute(fit, order)
    what = f"{model} with {g} profile{'s' if g > 1 else ''}"
    if fit.status == gm.NOT_CONVERGED:
        _warn(
            messages,
            f"{what}: EM stopped at its iteration limit before converging; the "
            "estimates may be imprecise.",
            ConvergenceWarning,
        )
    n_rep = fit.n_replicated()
    if g > 1 and n_final > 1 and n_rep < 2:
        _warn(
            messages,
            f"{what}: the best log-likelihood ({fit.loglik:.3f}) was reached by only {n_rep} of "
            f"{fit.start_logliks.size} final-stage starts, so it may be a local maximum. Refit "
            "with more starts (e.g. n_init=100, n_final=25) and check that it replicates.",
            ConvergenceWarning,
        )
    n = x.shape[0]
    small = [
        (names[k], fit.pro[k])
        for k in range(g)
        if fit.pro[k] < SMALL_SHARE or fit.pro[k] * n < SMALL_SIZE
    ]
    if small:
        listing = ", ".join(f"{p!r} ({s:.1%}, about {s * n:.0f} respondents)" for p, s in small)
        _warn(
            messages,
            f"{what}: small profile{'s' if len(small) > 1 else ''} {listing}. Profiles below "
            f"{SMALL_SHARE:.0%} of the sample or {SMALL_SIZE} respondents rarely replicate; "
            "consider fewer profiles.",
            SmallProfileWarning,
        )
    if standard_errors is not None:
        cov_se = mixture_covariance(
            x,
            fit.pro,
            fit.mean,
            fit.cov,
            model,
            center=fit.center,
            scale=fit.scale,
            sandwich=standard_errors == "sandwich",
        )
        if cov_se.problem:
            _warn(messages, f"{what}: {cov_se.problem}.", ConvergenceWarning)
    else:
        cov_se = MixtureCovariance(
            np.full(g, np.nan),
            np.full(fit.mean.shape, np.nan),
            np.full(fit.cov.shape, np.nan),
            np.full((fit.n_parameters,) * 2, np.nan),
            None,
        )
    params = _parameter_table(fit, cov_se, names, indicators, confidence_level)
    crit = criteria(fit.loglik, fit.n_parameters, n, fit.z)
    posterior = pd.DataFrame(fit.z, index=index, columns=names)
    modal = fit.z.argmax(axis=1)
    assignment = pd.Series(
        pd.Categorical(np.asarray(names, dtype=object)[modal], categories=names),
        index=index,
        name="profile",
    )
    n_modal = np.bincount(modal, minlength=g)
    table = np.full((g, g), np.nan)
    for k in range(g):
        if n_modal[k]:
            table[k] = fit.z[modal == k].mean(axis=0)
    empty = [names[k] for k in range(g) if n_modal[k] == 0]
    if empty:
        _warn(
            messages,
            f"{what}: no respondent has {empty} as most likely profile, so "
            "their rows of the classification table are undefined.",
            SmallProfileWarning,
        )
    classification = pd.DataFrame(table, index=pd.Index(names, name="assigned"), columns=names)
    shares = params[params["parameter"] == "share"].drop(columns=["parameter", "indicator"])
    shares = shares.reset_index(drop=True).assign(n_modal=n_modal, share_modal=n_modal / n)
    if tmpl is not None and dist is not None:
        far = [
            (names[k], dist[k])
            for k in range(g)
            if np.isfinite(dist[k]) and dist[k] / np.sqrt(tmpl.shape[1]) > 0.5
        ]
        if far:
            listing = ", ".join(f"{p!r} ({v:.2f} SD)" for p, v in far)
            _warn(
                messages,
                f"{what}: profile{'s' if len(far) > 1 else ''} {listing} "
                "lie far from their template pattern (more than 0.5 SD per indicator on "
                "average); check the labels against the means.",
                BurnoutkitWarning,
            )
    result = ProfileResult(
        n_profiles=g,
        model=model,
        variances=variances,
        covariances=covariances,
        indicators=tuple(indicators),
        profiles=tuple(names),
        n=n,
        log_likelihood=fit.loglik,
        n_parameters=fit.n_parameters,
        aic=crit["aic"],
        bic=crit["bic"],
        sabic=crit["sabic"],
        caic=crit["caic"],
        icl=crit["icl"],
        entropy=relative_entropy(fit.z),
        n_init=n_init,
        n_final=n_final,
        n_replicated=n_rep,
        converged=fit.status == gm.OK,
        confidence_level=confidence_level,
        means=pd.DataFrame(fit.mean, index=names, columns=indicators),
        shares=shares,
        parameters=params,
        posterior=posterior,
        assignment=assignment,
        classification=classification,
        average_posterior=pd.Series(np.diagonal(table), index=names, name="average_posterior"),
        template_distance=(
            None if dist is None else pd.Series(dist, index=names, name="template_distance")
        ),
        warnings=tuple(m for m, _ in messages),
        pro=fit.pro,
        mean=fit.mean,
        cov=fit.cov,
    )
    return result, messages
