"""Class enumeration: :func:`enumerate_profiles` and :class:`EnumerationResult`."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from tqdm.auto import tqdm

from burnoutkit._result import Result
from burnoutkit.errors import ConvergenceWarning, DataError, SmallProfileWarning
from burnoutkit.profiles import _gaussian as gm
from burnoutkit.profiles._criteria import SMALL_SHARE, SMALL_SIZE, criteria, relative_entropy
from burnoutkit.profiles._gaussian import MODELS
from burnoutkit.profiles._spec import check_int, check_missing, model_names, prepare_data

__all__ = ["EnumerationResult", "enumerate_profiles", "lmr_test"]

_FUNC = "enumerate_profiles"
_BOOT_CHUNK = 3_000_000  # respondents x profiles x starts per bootstrap chunk (memory bound)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class EnumerationResult(Result):
    """Fit criteria and likelihood-ratio tests for a range of profile solutions.

    Attributes
    ----------
    fits : pandas.DataFrame
        One row per parameterization and number of profiles: ``model, variances, covariances,
        n_profiles, log_likelihood, n_parameters, aic, bic, sabic, caic, icl, entropy,
        smallest_share, smallest_n, n_replicated, converged, blrt_stat, blrt_p, blrt_n_boot,
        lmr_stat, lmr_df, lmr_p, problems``. Criteria are "lower is better" (``bic`` is minus
        mclust's BIC, ``icl`` minus ``mclust::icl``). ``smallest_n`` is the expected size
        (``n`` times the smallest share). The tests compare each row with the row with one
        profile fewer (same parameterization); the first row of each parameterization has none.
        ``problems`` names what went wrong in a row (no admissible solution, a local maximum,
        a small profile, a bootstrap that failed); empty when nothing did.
    recommended_model : str or None
        mclust name of the recommended parameterization (None when nothing could be fitted).
    recommended_n_profiles : int or None
        Recommended number of profiles.
    recommendation : str
        The recommendation in words, with the criteria it follows and its caveats.
    n : int
        Respondents used.
    n_init, n_final, n_boot : int
        Random starts, final-stage starts, bootstrap samples per BLRT.
    warnings : tuple of str
        Every warning raised.
    """

    fits: pd.DataFrame
    recommended_model: str | None
    recommended_n_profiles: int | None
    recommendation: str
    n: int
    n_init: int
    n_final: int
    n_boot: int
    warnings: tuple[str, ...]

    def tidy(self) -> pd.DataFrame:
        """Return the fit table, one row per parameterization and number of profiles."""
        return self.fits.copy()

    def glance(self) -> pd.DataFrame:
        """One row: the recommended solution and its criteria."""
        row = {
            "recommended_model": self.recommended_model,
            "recommended_n_profiles": self.recommended_n_profiles,
            "n": self.n,
        }
        if self.recommended_model is not None:
            sel = self.fits[
                (self.fits["model"] == self.recommended_model)
                & (self.fits["n_profiles"] == self.recommended_n_profiles)
            ].iloc[0]
            row.update({k: sel[k] for k in ("bic", "entropy", "smallest_share", "blrt_p")})
        return pd.DataFrame([row])


def lmr_test(
    loglik_null: float,
    loglik_alt: float,
    n_parameters_null: int,
    n_parameters_alt: int,
    n_profiles_null: int,
    n_profiles_alt: int,
    n: int,
) -> tuple[float, float, float]:
    """Ad hoc adjusted Lo-Mendell-Rubin likelihood-ratio test, as ``tidyLPA::calc_lrt``.

    Returns the adjusted statistic, its degrees of freedom and the p-value.
    """
    lr = 2.0 * (loglik_alt - loglik_null)
    adjust = 1.0 + 1.0 / (((3 * n_profiles_alt - 1) - (3 * n_profiles_null - 1)) * np.log(n))
    stat = lr / adjust
    df = n_parameters_alt - n_parameters_null
    return float(stat), float(df), float(stats.chi2.sf(stat, df))


def _blrt(
    null: gm.GaussianMixtureFit,
    alt: gm.GaussianMixtureFit,
    n_boot: int,
    n_init: int,
    rng: np.random.Generator,
    bar,
) -> tuple[float, float, int]:
    """Parametric bootstrap LRT of ``null`` (k - 1 profiles) against ``alt`` (k profiles).

    Returns the observed statistic, the p-value and the number of usable bootstrap samples.
    """
    observed = 2.0 * (alt.loglik - null.loglik)
    k = alt.n_profiles
    starts = max(1, n_init // 4)
    chunk = max(1, _BOOT_CHUNK // (null.n * k * (starts + 1)))
    lrs = []
    done = 0
    while done < n_boot:
        m = min(chunk, n_boot - done)
        sims = gm.simulate(null, m, rng)
        ll0 = gm.fit_batch_logliks(
            sims,
            k - 1,
            null.model,
            null.standardized(),
            rng,
            n_init=starts if k - 1 > 1 else 0,
            n_final=1,
        )
        ll1 = gm.fit_batch_logliks(
            sims, k, alt.model, alt.standardized(), rng, n_init=starts, n_final=1
        )
        lr = 2.0 * (ll1 - ll0)
        lrs.append(lr[np.isfinite(lr)])
        done += m
        bar.update(m)
    lrs = np.concatenate(lrs) if lrs else np.empty(0)
    if lrs.size == 0:
        return observed, np.nan, 0
    return observed, float((1 + np.sum(lrs >= observed)) / (lrs.size + 1)), int(lrs.size)


def _as_counts(n_profiles: Iterable[int] | int) -> list[int]:
    values = [n_profiles] if isinstance(n_profiles, int | np.integer) else list(n_profiles)
    if not values:
        raise DataError(f"The 'n_profiles' parameter of {_FUNC} is empty; give e.g. range(1, 9).")
    for v in values:
        check_int(v, "n_profiles", _FUNC, 1, 40)
    return sorted({int(v) for v in values})


def enumerate_profiles(
    data: pd.DataFrame,
    /,
    *,
    n_profiles: Iterable[int] | int = range(1, 9),
    variances: str | Sequence[str] = "equal",
    covariances: str | Sequence[str] = "zero",
    n_init: int = 20,
    n_final: int | None = None,
    n_boot: int = 100,
    significance_level: float = 0.05,
    progress: bool = True,
    missing: str = "error",
    random_state: int | np.random.Generator | None = None,
) -> EnumerationResult:
    r"""Fit latent profile models with 1, 2, ... profiles and compare them.

    For every parameterization and number of profiles: log-likelihood, number of parameters,
    AIC, BIC, sample-size adjusted BIC, CAIC, ICL, relative entropy, the smallest profile, the
    bootstrap likelihood-ratio test (BLRT) and the adjusted Lo-Mendell-Rubin test against one
    profile fewer; then a recommendation based on the BIC and the BLRT.

    Parameters
    ----------
    data : pandas.DataFrame
        One numeric column per indicator, one row per respondent.
    n_profiles : iterable of int or int, default range(1, 9)
        Numbers of profiles to fit.
    variances : str or sequence of str, default "equal"
        ``"equal"`` or ``"varying"``; a sequence is paired element by element with
        ``covariances``, as in tidyLPA (``variances=["equal", "varying", "equal", "varying"],
        covariances=["zero", "zero", "equal", "varying"]`` fits all four parameterizations).
    covariances : str or sequence of str, default "zero"
        ``"zero"``, ``"equal"`` or ``"varying"``.
    n_init : int, default 20
        Random starts per model.
    n_final : int or None, default None
        Starts run to convergence (``max(2, n_init // 5)``, as Mplus's ``STARTS = 20 4``).
    n_boot : int, default 100
        Bootstrap samples per BLRT; 0 skips the BLRT.
    significance_level : float, default 0.05
        Level at which the BLRT counts as significant in the recommendation.
    progress : bool, default True
        Show a progress bar for the bootstrap.
    missing : {"error", "listwise"}, default "error"
        What to do with rows that have missing indicators.
    random_state : int, numpy.random.Generator or None
        Seed of the random starts and of the bootstrap.

    Returns
    -------
    EnumerationResult

    Warns
    -----
    ConvergenceWarning
        A model had no admissible solution, a best log-likelihood was not replicated, or a BLRT
        could not be computed (all are also named in the ``problems`` column).
    SmallProfileWarning
        The recommended solution has a profile below 5% of the sample or 25 respondents.

    Notes
    -----
    With :math:`\ell` the maximized log-likelihood, :math:`p` the number of free parameters
    (counted as ``mclust::nMclustParams``) and :math:`n` the sample size:
    :math:`AIC = -2\ell + 2p`, :math:`BIC = -2\ell + p \ln n` (mclust reports
    :math:`2\ell - p \ln n`), :math:`SABIC = -2\ell + p \ln((n + 2) / 24)`,
    :math:`CAIC = -2\ell + p(\ln n + 1)`, :math:`ICL = BIC - 2 \sum_i \ln \max_k z_{ik}`
    (minus ``mclust::icl``), and the relative entropy
    :math:`1 - \sum_{ik} -z_{ik} \ln z_{ik} / (n \ln K)`.

    The BLRT (McLachlan, 1987) compares :math:`LR = 2(\ell_K - \ell_{K-1})` with its
    distribution over ``n_boot`` data sets simulated from the fitted :math:`K-1`-profile model,
    each refitted with :math:`K-1` and :math:`K` profiles (from the fitted solutions and from
    the best of ``n_init // 4`` random starts); :math:`p = (1 + \#\{LR_b \ge LR\}) / (B + 1)`.
    The adjusted LMR test is the ad hoc correction of Lo, Mendell & Rubin (2001, eq. 15) as
    implemented by ``tidyLPA::calc_lrt``: :math:`LR / (1 + 1 / (3 \ln n))` (3 is the difference
    in parameters between univariate normal mixtures with :math:`K` and :math:`K-1`
    components), referred to a :math:`\chi^2` with :math:`p_K - p_{K-1}` degrees of freedom.
    It is not Mplus's TECH11, which uses the weighted-:math:`\chi^2` distribution of Vuong
    (1989).

    Following Nylund, Asparouhov and Muthén (2007), the recommendation takes the solution with
    the lowest BIC and checks it against the BLRT of that parameterization (the smallest
    :math:`K` whose test against :math:`K+1` profiles is not significant); entropy describes
    classification quality and is not an enumeration criterion.

    References
    ----------
    Lo, Y., Mendell, N. R., & Rubin, D. B. (2001). Testing the number of components in a normal
    mixture. *Biometrika, 88*(3), 767-778.

    McLachlan, G. J. (1987). On bootstrapping the likelihood ratio test statistic for the number
    of components in a normal mixture. *Applied Statistics, 36*(3), 318-324.

    Nylund, K. L., Asparouhov, T., & Muthén, B. O. (2007). Deciding on the number of classes in
    latent class analysis and growth mixture modeling: A Monte Carlo simulation study.
    *Structural Equation Modeling, 14*(4), 535-569.

    Biernacki, C., Celeux, G., & Govaert, G. (2000). Assessing a mixture model for clustering
    with the integrated completed likelihood. *IEEE Transactions on Pattern Analysis and Machine
    Intelligence, 22*(7), 719-725.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import burnoutkit as bk
    >>> rng = np.random.default_rng(2)
    >>> means = bk.burnout_template()
    >>> truth = rng.choice(5, size=1000, p=[.35, .15, .20, .15, .15])
    >>> data = pd.DataFrame(means.to_numpy()[truth] + rng.normal(0, .45, (1000, 3)),
    ...                     columns=means.columns)
    >>> res = bk.enumerate_profiles(data, n_profiles=range(1, 7), n_boot=0, random_state=1)
    >>> res.recommended_model, res.recommended_n_profiles
    ('EEI', 5)
    >>> print(res.fits[["n_profiles", "bic", "entropy"]].round(2).to_string(index=False))
     n_profiles     bic  entropy
              1 7857.70     1.00
              2 7203.21     0.80
              3 6973.53     0.79
              4 6725.78     0.86
              5 6605.82     0.88
              6 6627.28     0.85
    >>> # R: mclust::Mclust(data, G = 1:6, modelNames = "EEI")$BIC  (sign flipped)
    """
    counts = _as_counts(n_profiles)
    models = model_names(variances, covariances, _FUNC)
    check_int(n_init, "n_init", _FUNC, 1)
    if n_final is not None:
        check_int(n_final, "n_final", _FUNC, 1)
    check_int(n_boot, "n_boot", _FUNC, 0)
    check_missing(missing, _FUNC)
    if not (isinstance(significance_level, float) and 0.0 < significance_level < 1.0):
        raise DataError(
            f"The 'significance_level' parameter of {_FUNC} must be a float in (0, 1); got "
            f"{significance_level!r}."
        )
    x, _, _ = prepare_data(data, _FUNC, missing)
    n = x.shape[0]
    if n <= max(counts):
        raise DataError(
            f"{_FUNC} needs more respondents than profiles; got {n} rows for up to "
            f"{max(counts)} profiles."
        )
    rng = np.random.default_rng(random_state)
    keep = n_final if n_final is not None else max(2, n_init // 5)
    fits: dict[tuple[str, int], gm.GaussianMixtureFit] = {}
    with gm.single_threaded_blas():
        for model in models:
            for g in counts:
                fits[model, g] = gm.fit_gaussian_mixture(
                    x, g, model, n_init=n_init, n_final=keep, random_state=rng, tol=1e-8
                )
        pairs = [(m, g) for m in models for g in counts if g > 1 and (m, g - 1) in fits]
        runnable = [p for p in pairs if fits[p].ok and fits[p[0], p[1] - 1].ok]
        blrt: dict[tuple[str, int], tuple[float, float, int]] = {}
        if n_boot > 0 and runnable:
            with tqdm(
                total=len(runnable) * n_boot,
                disable=not progress,
                desc="Bootstrap LRT",
                unit="sample",
            ) as bar:
                for m, g in runnable:
                    blrt[m, g] = _blrt(fits[m, g - 1], fits[m, g], n_boot, n_init, rng, bar)
    result, issued = _assemble(
        fits, models, counts, blrt, pairs, n, n_init, keep, n_boot, significance_level
    )
    for message, category in issued:
        warnings.warn(message, category, stacklevel=2)
    return result


def _assemble(fits, models, counts, blrt, pairs, n, n_init, keep, n_boot, level):
    rows = []
    failed, local, blrt_failed = [], [], []
    for model in models:
        variances, covariances = MODELS[model]
        for g in counts:
            fit = fits[model, g]
            problems = []
            row = {
                "model": model,
                "variances": variances,
                "covariances": covariances,
                "n_profiles": g,
            }
            if fit.ok:
                crit = criteria(fit.loglik, fit.n_parameters, n, fit.z)
                n_rep = fit.n_replicated()
                row.update(
                    log_likelihood=fit.loglik,
                    n_parameters=fit.n_parameters,
                    **crit,
                    entropy=relative_entropy(fit.z),
                    smallest_share=float(fit.pro.min()),
                    smallest_n=float(fit.pro.min() * n),
                    n_replicated=n_rep,
                    converged=fit.status == gm.OK,
                )
                if fit.status != gm.OK:
                    problems.append("EM stopped at its iteration limit")
                failed_starts = int(np.sum(~np.isfinite(fit.start_logliks)))
                if failed_starts:
                    problems.append(
                        f"{failed_starts} of {fit.start_logliks.size} final-stage starts ended in "
                        "a singular covariance matrix or an empty profile (set aside)"
                    )
                if g > 1 and keep > 1 and n_rep < 2:
                    problems.append("best log-likelihood not replicated (possible local maximum)")
                    local.append(f"{model} with {g} profiles")
                if fit.pro.min() < SMALL_SHARE or fit.pro.min() * n < SMALL_SIZE:
                    problems.append(
                        f"small profile ({fit.pro.min():.1%}, about {fit.pro.min() * n:.0f} "
                        "respondents)"
                    )
            else:
                row.update(
                    log_likelihood=np.nan,
                    n_parameters=fit.n_parameters,
                    aic=np.nan,
                    bic=np.nan,
                    sabic=np.nan,
                    caic=np.nan,
                    icl=np.nan,
                    entropy=np.nan,
                    smallest_share=np.nan,
                    smallest_n=np.nan,
                    n_replicated=0,
                    converged=False,
                )
                problems.append(
                    f"no admissible solution: {gm.STATUS_TEXT[fit.status]} in every start"
                )
                failed.append(f"{model} with {g} profiles ({gm.STATUS_TEXT[fit.status]})")
            row.update(
                blrt_stat=np.nan,
                blrt_p=np.nan,
                blrt_n_boot=0,
                lmr_stat=np.nan,
                lmr_df=np.nan,
                lmr_p=np.nan,
            )
            if (model, g) in pairs:
                null = fits[model, g - 1]
                if fit.ok and null.ok:
                    stat, df, p = lmr_test(
                        null.loglik, fit.loglik, null.n_parameters, fit.n_parameters, g - 1, g, n
                    )
                    row.update(lmr_stat=stat, lmr_df=df, lmr_p=p)
                    if (model, g) in blrt:
                        obs, p_b, used = blrt[model, g]
                        row.update(blrt_stat=obs, blrt_p=p_b, blrt_n_boot=used)
                        if used < n_boot:
                            what = (
                                f"BLRT used {used} of {n_boot} bootstrap samples (the others "
                                "had no admissible solution)"
                            )
                            problems.append(what)
                            blrt_failed.append(f"{model} with {g} profiles: {what}")
                else:
                    what = (
                        f"tests not computed: the {g - 1 if not null.ok else g}-profile "
                        "model has no admissible solution"
                    )
                    problems.append(what)
                    if n_boot:
                        blrt_failed.append(f"{model} with {g} profiles: {what}")
            row["problems"] = "; ".join(problems)
            rows.append(row)
    table = pd.DataFrame(rows)
    issued: list[tuple[str, type[Warning]]] = []

    def warn(msg: str, cls: type[Warning]) -> None:
        issued.append((msg, cls))

    if failed:
        warn(
            "No admissible solution (their criteria are missing): "
            + "; ".join(failed)
            + ". Fewer profiles or a more constrained parameterization may be needed.",
            ConvergenceWarning,
        )
    if local:
        warn(
            "The best log-likelihood was not replicated across final-stage starts for "
            + ", ".join(local)
            + "; those solutions may be local maxima and their criteria "
            "too high. Rerun with more starts (e.g. n_init=100, n_final=25).",
            ConvergenceWarning,
        )
    if blrt_failed:
        warn("Bootstrap LRT problems: " + "; ".join(blrt_failed) + ".", ConvergenceWarning)
    model, g, text = _recommend(table, counts, n_boot, level, warn)
    result = EnumerationResult(
        fits=table,
        recommended_model=model,
        recommended_n_profiles=g,
        recommendation=text,
        n=n,
        n_init=n_init,
        n_final=keep,
        n_boot=n_boot,
        warnings=tuple(m for m, _ in issued),
    )
    return result, issued


def _fmt_p(p: float) -> str:
    return "p < .001" if p < 0.001 else f"p = {p:.3f}".replace("0.", ".")


def _recommend(table, counts, n_boot, level, warn):
    ok = table[np.isfinite(table["bic"])]
    if ok.empty:
        return None, None, "No model could be fitted, so there is no recommendation."
    best = ok.loc[ok["bic"].idxmin()]
    model, g = str(best["model"]), int(best["n_profiles"])
    parts = [
        "Following Nylund, Asparouhov & Muthén (2007), the recommendation rests on the BIC and "
        "the bootstrap likelihood-ratio test (BLRT); entropy measures classification quality and "
        "is not used to choose the number of profiles.",
        f"The BIC is lowest for {model} ({MODELS[model][0]} variances, {MODELS[model][1]} "
        f"covariances) with {g} profiles (BIC = {best['bic']:.1f}).",
    ]
    if g == max(counts) and len(counts) > 1:
        parts.append(
            f"That is the largest number fitted, so the BIC may keep falling: fit "
            f"more than {g} profiles to see where it turns."
        )
    sub = table[(table["model"] == model) & (table["n_profiles"] > 1)].sort_values("n_profiles")
    tested = sub[np.isfinite(sub["blrt_p"])]
    if n_boot == 0:
        parts.append("The BLRT was not computed (n_boot=0), so only the BIC was used.")
    elif tested.empty:
        parts.append("The BLRT could not be computed for this parameterization.")
    else:
        k_blrt = None
        for _, row in tested.iterrows():
            if row["blrt_p"] > level:
                k_blrt = int(row["n_profiles"]) - 1
                break
        here = tested[tested["n_profiles"] == g]
        after = tested[tested["n_profiles"] == g + 1]
        detail = []
        if not here.empty:
            detail.append(f"{g} vs {g - 1} profiles: {_fmt_p(here['blrt_p'].iloc[0])}")
        if not after.empty:
            detail.append(f"{g + 1} vs {g}: {_fmt_p(after['blrt_p'].iloc[0])}")
        detail_text = f" ({'; '.join(detail)})" if detail else ""
        if k_blrt is None:
            parts.append(
                f"The BLRT stays significant up to the largest number tested "
                f"({int(tested['n_profiles'].max())}){detail_text}; it does not stop at {g}."
            )
        elif k_blrt == g:
            parts.append(f"The BLRT agrees: it stops at {g} profiles{detail_text}.")
        else:
            parts.append(
                f"The BLRT disagrees: it stops at {k_blrt} profiles{detail_text}. Compare the "
                f"{k_blrt}- and {g}-profile solutions on interpretability and profile sizes."
            )
    problems = str(best["problems"])
    if best["smallest_share"] < SMALL_SHARE or best["smallest_n"] < SMALL_SIZE:
        msg = (
            f"The recommended solution ({model}, {g} profiles) has a small profile "
            f"({best['smallest_share']:.1%}, about {best['smallest_n']:.0f} respondents); "
            "small profiles rarely replicate."
        )
        parts.append(msg)
        warn(msg, SmallProfileWarning)
    if "not replicated" in problems:
        parts.append(
            "Its best log-likelihood was not replicated across starts; rerun with more "
            "starts before relying on it."
        )
    return model, g, " ".join(parts)
