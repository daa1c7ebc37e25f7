"""The gain/loss asymmetry checks in one call: :func:`asymmetry`."""

from __future__ import annotations

import pandas as pd
from scipy import stats

from burnoutkit.asymmetry._comparability import check_comparability
from burnoutkit.asymmetry._index import check_index
from burnoutkit.asymmetry._inputs import prepare
from burnoutkit.asymmetry._method import check_method
from burnoutkit.asymmetry._separability import check_separability
from burnoutkit.asymmetry._severity import check_severity, latent_gradient, severity_design
from burnoutkit.asymmetry.result import AsymmetryResult
from burnoutkit.banks.model import ItemBank

__all__ = ["asymmetry"]


def asymmetry(
    bank: ItemBank,
    data: pd.DataFrame,
    /,
    *,
    severity: str | None = None,
    missing: str = "fiml",
    method_factor: bool = True,
    reliability_threshold: float = 0.70,
    delta_cfi: float = 0.010,
    significance: float = 0.05,
    confidence_level: float = 0.95,
    profiles: str | None = None,
) -> AsymmetryResult:
    r"""Check whether gain/loss sensitivity asymmetry can be interpreted, and estimate it.

    Parameters
    ----------
    bank : ItemBank
        Bank with one gain scale, one loss scale (``valence``) and matched ``pair`` items.
    data : pandas.DataFrame
        Raw item responses (columns named as the bank's items, NaN for missing answers).
    severity : str, optional
        Column of ``data`` with burnout severity. Default: the bank's ``core`` system; the
        latent model then uses latent severity (the sum of the core factors) and the observed
        model the core system score.
    missing : {"fiml", "listwise"}, default "fiml"
        Missing-data handling of the latent models (see :func:`burnoutkit.cfa`).
    method_factor : bool, default True
        Model acquiescence in the severity model (check 3 always fits both versions).
    reliability_threshold : float, default 0.70
        Minimum reliability of the asymmetry index for individual use.
    delta_cfi : float, default 0.010
        Largest drop in CFI accepted for an invariance step (Chen, 2007).
    significance : float, default 0.05
        Level of the tests behind the verdicts.
    confidence_level : float, default 0.95
        Level of every confidence interval.
    profiles : str, optional
        Column with burnout profiles; kept in :attr:`AsymmetryResult.index` for the figures.

    Returns
    -------
    AsymmetryResult

    Raises
    ------
    BankError
        The bank has no gain/loss scales or pairs.
    DataError
        Items or the severity column are missing from ``data``, or ``missing`` is unknown.

    Warns
    -----
    LowReliabilityWarning
        The asymmetry index is below ``reliability_threshold`` (unfit for individual use).
    BurnoutkitWarning
        Scalar equality of pair partners fails (names the pairs): raw differences are not
        interpretable.

    Notes
    -----
    Separability compares a one-factor and a two-factor model (both with pair residual
    covariances): :math:`\Delta\chi^2` with 1 df and :math:`\Delta CFI`; HTMT is the mean
    heterotrait correlation over the geometric mean of the mean monotrait correlations
    (Henseler et al., 2015). It passes when the test rejects, :math:`\Delta CFI \ge` ``delta_cfi``,
    the upper CI limit of the latent correlation is below .90 and HTMT is below .85.

    Comparability: pair partners share loadings (metric) and then intercepts (scalar); a step
    fails when :math:`\Delta CFI <` ``-delta_cfi``. Pairs are named by likelihood-ratio tests of
    freeing each pair's intercept equality (Holm-adjusted).

    The index is :math:`z(\bar L) - z(\bar G)`; its reliability is
    :math:`(\bar\rho - r_{GL}) / (1 - r_{GL})` with Cronbach's alphas (Lord, 1963). The group
    asymmetry is the raw mean difference :math:`d_i = \bar L_i - \bar G_i` with
    :math:`d_z = \bar d / s_d` and CI :math:`d_z \pm z\sqrt{1/n + d_z^2/(2n)}`.

    Severity gradient, latent: :math:`G = b_1 B + \zeta_G`, :math:`L = b_2 B + \zeta_L` with
    :math:`B = \eta_{ex} + \eta_{md} + \eta_{re}` (phantom factor) or an observed severity
    column; slopes are reported standardized (``std_all``) with delta-method SEs and Wald CIs
    (:meth:`CFAResult.standardized_solution`). :math:`b_1 = b_2` is tested by the likelihood
    ratio of the model with one shared label and, beside it, by the Wald statistic
    :math:`(\hat b_1 - \hat b_2)^2 / \widehat{\operatorname{Var}}(\hat b_1 - \hat b_2)`
    from :meth:`CFAResult.vcov` (asymptotically equivalent). The latent index is the
    difference of the regression factor scores :math:`\hat\eta_L - \hat\eta_G` of the
    scalar model.
    Observed: a linear mixed model :math:`z_{iv} = \beta_0 + \beta_1 v + \beta_2 s_i + \beta_3
    v s_i + u_i + e_{iv}` (statsmodels ``MixedLM``, random intercept per person), whose
    :math:`\beta_3` is the asymmetry slope.

    References
    ----------
    Chen, F. F. (2007). Sensitivity of goodness of fit indexes to lack of measurement
    invariance. *Structural Equation Modeling, 14*(3), 464-504.

    Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). A new criterion for assessing
    discriminant validity. *Journal of the Academy of Marketing Science, 43*(1), 115-135.

    Lord, F. M. (1963). Elementary models for measuring change. In C. W. Harris (Ed.),
    *Problems in Measuring Change* (pp. 21-38). University of Wisconsin Press.

    Maydeu-Olivares, A., & Coffman, D. L. (2006). Random intercept item factor analysis.
    *Psychological Methods, 11*(4), 344-362.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> from burnoutkit.datasets import load_reference_cohort
    >>> bank = bk.load_bank("bai")
    >>> data = load_reference_cohort().data.iloc[:1500]
    >>> res = bk.asymmetry(bank, data, missing="listwise")
    >>> res.tidy()[["check", "verdict"]]
               check verdict
    0   separability    pass
    1  comparability    pass
    2         method    pass
    3          index    pass
    4       severity    pass
    >>> # R: lavaan::cfa(severity_model, data, std.lv = TRUE); anova(fit_equal, fit_free)
    """
    inp = prepare(
        bank,
        data,
        severity=severity,
        missing=missing,
        reliability_threshold=reliability_threshold,
    )
    z = float(stats.norm.ppf(0.5 + confidence_level / 2))
    sep = check_separability(
        inp.x,
        inp.gain_items,
        inp.loss_items,
        inp.pairs,
        missing=missing,
        delta_cfi=delta_cfi,
        significance=significance,
    )
    comp = check_comparability(
        inp.x, inp.pairs, missing=missing, delta_cfi=delta_cfi, significance=significance
    )
    design = severity_design(bank, data, inp, method_factor=method_factor)
    latent = latent_gradient(design, missing=missing, confidence_level=confidence_level, z=z)
    meth = check_method(design, latent, method_factor=method_factor, missing=missing)
    idx = check_index(
        data,
        inp,
        comp.models["scalar"],
        missing=missing,
        profiles=profiles,
        reliability_threshold=reliability_threshold,
        z=z,
        comparable=comp.passed,
    )
    sev = check_severity(
        idx.table,
        inp,
        sep.syntax["two_factor"],
        latent,
        missing=missing,
        delta_cfi=delta_cfi,
        significance=significance,
        z=z,
        interpretable=sep.passed and comp.passed,
    )
    models = {**sep.models, **comp.models, **latent.models, **meth.models}
    return AsymmetryResult(
        checks=pd.DataFrame([sep.row, comp.row, meth.row, idx.row, sev.row]),
        separability=sep.table,
        comparability=comp.table,
        pair_tests=comp.pair_tests,
        noninvariant_pairs=comp.noninvariant_pairs,
        method=meth.table,
        index=idx.table,
        index_summary=idx.summary,
        slopes=sev.slopes,
        slope_tests=latent.slope_tests,
        severity_invariance=sev.invariance,
        nonlinearity=sev.nonlinearity,
        models=models,
        severity_label=inp.label,
        confidence_level=confidence_level,
        n=int(models["severity"].n_obs),
        problems=(*comp.problems, *idx.problems, *sev.problems),
    )
