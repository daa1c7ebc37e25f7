r"""Gain/loss sensitivity asymmetry checks: whether the asymmetry can be interpreted, and its size.

:func:`asymmetry` runs, on an item bank with matched gain/loss pairs, the chain of checks a
claim about gain/loss asymmetry needs before its numbers can be reported:

1. **separability**: gain and loss sensitivity are distinct constructs;
2. **comparability**: pair partners measure gain and loss on one metric (within-person
   invariance of loadings and intercepts);
3. **method control**: an acquiescence factor keeps a general response style from posing as
   asymmetry;
4. **the asymmetry index**: per-person index, its reliability, the group-level asymmetry;
5. **severity gradient**: slopes of gain and of loss sensitivity on burnout severity and the
   test that they differ.

Every latent model is fitted with :func:`burnoutkit.cfa` and agrees with lavaan on the same
syntax (``tests/reference/asymmetry_lavaan.R``). The formulas are in ``docs/methods/asymmetry.md``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from burnoutkit._result import Result
from burnoutkit.banks.model import ItemBank
from burnoutkit.errors import BankError, BurnoutkitWarning, DataError, LowReliabilityWarning
from burnoutkit.factors._sem_data import ListwiseDeletionWarning
from burnoutkit.factors.cfa import CFAResult, cfa

__all__ = [
    "AsymmetryResult",
    "asymmetry",
    "comparability_models",
    "separability_models",
    "severity_models",
]

_CHECKS = ("separability", "comparability", "method", "index", "severity")


# --------------------------------------------------------------------------- model syntax
def _pairs_cov(pairs: Sequence[tuple[str, str]]) -> list[str]:
    return [f"{g} ~~ {l_}" for g, l_ in pairs]


def separability_models(
    gain_items: Sequence[str], loss_items: Sequence[str], pairs: Sequence[tuple[str, str]]
) -> dict[str, str]:
    """Lavaan syntax of the one-factor and two-factor models of check 1 (fit with ``std_lv``).

    Both models keep the residual covariance of every matched pair (shared wording), so the
    comparison isolates the number of constructs.

    Examples
    --------
    >>> from burnoutkit.asymmetry import separability_models
    >>> print(separability_models(["g1", "g2"], ["l1", "l2"], [("g1", "l1")])["one_factor"])
    S =~ g1 + g2 + l1 + l2
    g1 ~~ l1
    """
    allitems = [*gain_items, *loss_items]
    two = [f"G =~ {' + '.join(gain_items)}", f"L =~ {' + '.join(loss_items)}"]
    return {
        "one_factor": "\n".join([f"S =~ {' + '.join(allitems)}", *_pairs_cov(pairs)]),
        "two_factor": "\n".join([*two, *_pairs_cov(pairs)]),
    }


def comparability_models(pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Lavaan syntax of the within-person invariance models of check 2 (fit with ``std_lv=False``).

    The first pair's items are the markers (loading 1); factor variances are free.
    ``configural``: free loadings and intercepts, pair residual covariances, factor means 0.
    ``metric``: pair partners share a loading label (``lk``). ``scalar``: pair partners also
    share an intercept label (``ik``), and the loss factor mean is free (the gain mean stays 0).

    Examples
    --------
    >>> from burnoutkit.asymmetry import comparability_models
    >>> print(comparability_models([("g1", "l1"), ("g2", "l2")])["scalar"])
    G =~ 1*g1 + l2*g2
    L =~ 1*l1 + l2*l2
    g1 ~~ l1
    g2 ~~ l2
    g1 ~ i1*1
    l1 ~ i1*1
    g2 ~ i2*1
    l2 ~ i2*1
    G ~ 0*1
    L ~ NA*1
    """
    gain = [g for g, _ in pairs]
    loss = [l_ for _, l_ in pairs]
    cov = _pairs_cov(pairs)
    means = [f"{i} ~ 1" for i in [*gain, *loss]]
    configural = [f"G =~ 1*{' + '.join(gain)}", f"L =~ 1*{' + '.join(loss)}", *cov, *means]
    configural += ["G ~ 0*1", "L ~ 0*1"]
    lab = ["1"] + [f"l{k + 1}" for k in range(1, len(pairs))]
    load = [
        f"G =~ {' + '.join(f'{a}*{g}' for a, g in zip(lab, gain, strict=True))}",
        f"L =~ {' + '.join(f'{a}*{x}' for a, x in zip(lab, loss, strict=True))}",
        *cov,
    ]
    metric = [*load, *means, "G ~ 0*1", "L ~ 0*1"]
    ints = []
    for k, (g, x) in enumerate(pairs):
        ints += [f"{g} ~ i{k + 1}*1", f"{x} ~ i{k + 1}*1"]
    scalar = [*load, *ints, "G ~ 0*1", "L ~ NA*1"]
    return {
        "configural": "\n".join(configural),
        "metric": "\n".join(metric),
        "scalar": "\n".join(scalar),
    }


def severity_models(
    gain_items: Sequence[str],
    loss_items: Sequence[str],
    pairs: Sequence[tuple[str, str]],
    *,
    core: dict[str, Sequence[str]] | None = None,
    covariate: str | None = None,
    method_factor: bool = True,
) -> dict[str, str]:
    """Lavaan syntax of the severity-gradient models of checks 3 and 5 (fit with ``std_lv``).

    Severity is either latent, ``B``, the unit-weighted sum of the core factors (a phantom
    factor: ``B =~ 0*x; B ~ 1*f1 + 1*f2 + ...; B ~~ 0*B``), or an observed ``covariate``.
    ``G ~ b1*B`` and ``L ~ b2*B``; the model ``equal`` gives both slopes the label ``b1``.
    With ``method_factor`` an acquiescence factor loads with one common loading ``a`` on every
    item in the raw (unreversed) direction and is uncorrelated with everything else.

    Examples
    --------
    >>> from burnoutkit.asymmetry import severity_models
    >>> m = severity_models(["g1", "g2"], ["l1", "l2"], [], covariate="sev", method_factor=False)
    >>> print(m["free"])
    G =~ g1 + g2
    L =~ l1 + l2
    G ~ b1*sev
    L ~ b2*sev
    """
    if (core is None) == (covariate is None):
        raise ValueError("give exactly one of core and covariate")
    lines = [f"G =~ {' + '.join(gain_items)}", f"L =~ {' + '.join(loss_items)}"]
    factors = ["G", "L"]
    items = [*gain_items, *loss_items]
    if core is not None:
        for f, its in core.items():
            lines.append(f"{f} =~ {' + '.join(its)}")
            items += list(its)
        first = next(iter(core.values()))[0]
        lines += [f"B =~ 0*{first}", f"B ~ {' + '.join(f'1*{f}' for f in core)}", "B ~~ 0*B"]
        factors += [*core, "B"]
        sev = "B"
    else:
        sev = str(covariate)
    lines += _pairs_cov(pairs)
    if method_factor:
        lines.append(f"ACQ =~ {' + '.join(f'a*{i}' for i in items)}")
        lines.append(f"ACQ ~~ {' + '.join(f'0*{f}' for f in factors)}")
        if covariate is not None:
            lines.append(f"ACQ ~ 0*{covariate}")
    free = [*lines, f"G ~ b1*{sev}", f"L ~ b2*{sev}"]
    equal = [*lines, f"G ~ b1*{sev}", f"L ~ b1*{sev}"]
    return {"free": "\n".join(free), "equal": "\n".join(equal)}


# --------------------------------------------------------------------------- result
@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class AsymmetryResult(Result):
    """The gain/loss asymmetry checks (the result of :func:`asymmetry`).

    Attributes
    ----------
    checks : pandas.DataFrame
        One row per check: ``check, verdict`` (``"pass"``, ``"fail"`` or ``"warn"``),
        ``statistic``, ``estimate, ci_low, ci_high, p_value`` of its headline number, and
        ``explanation``, a sentence that can be quoted in a paper.
    separability : pandas.DataFrame
        Chi-square difference, delta CFI, latent correlation with CI, HTMT.
    comparability : pandas.DataFrame
        One row per invariance step (``metric``, ``scalar``): chi-square difference, delta CFI.
    pair_tests : pandas.DataFrame
        One row per pair: likelihood-ratio test of freeing its intercept equality in the scalar
        model (``chisq, p_value, p_holm, flagged``).
    noninvariant_pairs : tuple of str
        Pairs (``"gain~loss"``) responsible when scalar equality fails.
    method : pandas.DataFrame
        Slopes with and without the acquiescence factor and the shift of the asymmetry slope.
    index : pandas.DataFrame
        Per respondent: ``gain, loss`` (pair-item means on the raw common metric),
        ``difference`` (loss - gain, raw), ``asymmetry`` (z(loss) - z(gain)), ``severity``,
        and the latent index: ``gain_latent, loss_latent`` (regression factor scores of the
        scalar comparability model, as ``lavaan::lavPredict``) and ``asymmetry_latent``
        (``loss_latent - gain_latent``, on the metric of the marker pair).
    index_summary : pandas.DataFrame
        One row: reliability of the index, mean raw difference, Cohen's dz with CI, latent mean
        difference with CI, ``fit_for_individual_use``.
    slopes : pandas.DataFrame
        One row per slope (``gain, loss, asymmetry``) and ``version`` (``latent``,
        ``observed``): ``estimate, se, ci_low, ci_high, p_value``; latent slopes are standardized
        (SD of the factor per SD of severity) with delta-method SEs (as
        ``lavaan::standardizedSolution``), observed ones are the mixed-model slopes of the
        standardized scale scores per SD of the severity score.
    slope_tests : pandas.DataFrame
        Tests of equal latent slopes :math:`b_1 = b_2`, one row each: ``likelihood_ratio``
        (the verdict's test) and ``wald`` (``estimate`` :math:`b_2 - b_1` unstandardized, its
        ``se``), with ``statistic, df, p_value``.
    severity_invariance : pandas.DataFrame
        Invariance of the two-factor model across low vs high severity (median split).
    nonlinearity : pandas.DataFrame
        Quadratic term of the asymmetry index on severity.
    models : dict of str to CFAResult
        Every latent model fitted, by name.
    severity_label : str
    confidence_level : float
    n : int
    problems : tuple of str
    """

    checks: pd.DataFrame
    separability: pd.DataFrame
    comparability: pd.DataFrame
    pair_tests: pd.DataFrame
    noninvariant_pairs: tuple[str, ...]
    method: pd.DataFrame
    index: pd.DataFrame
    index_summary: pd.DataFrame
    slopes: pd.DataFrame
    slope_tests: pd.DataFrame
    severity_invariance: pd.DataFrame
    nonlinearity: pd.DataFrame
    models: dict[str, CFAResult] = field(repr=False)
    severity_label: str
    confidence_level: float
    n: int
    problems: tuple[str, ...] = ()

    def tidy(self) -> pd.DataFrame:
        """One row per check with its verdict, headline number and explanation."""
        return self.checks.copy()

    def glance(self) -> pd.DataFrame:
        """One row: N, the verdict of each check, the latent gain, loss and asymmetry slopes."""
        row: dict[str, Any] = {"n": self.n, "severity_variable": self.severity_label}
        for _, r in self.checks.iterrows():
            row[r["check"]] = r["verdict"]
        lat = self.slopes[self.slopes["version"] == "latent"].set_index("slope")
        for s in ("gain", "loss", "asymmetry"):
            row[f"{s}_slope"] = float(lat.loc[s, "estimate"]) if s in lat.index else np.nan
        return pd.DataFrame([row])

    @property
    def interpretable(self) -> bool:
        """True when separability and comparability both pass."""
        v = self.checks.set_index("check")["verdict"]
        return bool(v["separability"] == "pass" and v["comparability"] == "pass")

    def augment(self, data: pd.DataFrame) -> pd.DataFrame:
        """Return ``data`` with the per-person observed and latent index columns."""
        out = data.copy()
        for col in ("gain", "loss", "difference", "asymmetry", "gain_latent", "loss_latent",
                    "asymmetry_latent"):
            out[col] = self.index[col].to_numpy()
        return out


# --------------------------------------------------------------------------- helpers
def _fit(data: pd.DataFrame, model: str, missing: str, std_lv: bool = True) -> CFAResult:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=ListwiseDeletionWarning)
        # the phantom severity factor has residual variance 0: its std_all covariances are 0/0
        with np.errstate(invalid="ignore", divide="ignore"):
            return cfa(data, model=model, std_lv=std_lv, missing=missing)


def _row(fit: CFAResult, lhs: str, op: str, rhs: str) -> pd.Series:
    t = fit.parameters
    hit = t[(t["lhs"] == lhs) & (t["op"] == op) & (t["rhs"] == rhs)]
    return hit.iloc[0]


def _std_slope(std: pd.DataFrame, lhs: str, rhs: str) -> dict[str, float]:
    """Standardized slope with its delta-method SE, Wald CI and p-value.

    ``std`` is :meth:`CFAResult.standardized_solution` of the severity model (as
    ``lavaan::standardizedSolution``).
    """
    r = std[(std["lhs"] == lhs) & (std["op"] == "~") & (std["rhs"] == rhs)].iloc[0]
    return {k: float(r[c]) for k, c in (("estimate", "std_all"), ("se", "se"),
                                          ("ci_low", "ci_low"), ("ci_high", "ci_high"),
                                          ("p_value", "p_value"))}


def _wald_equal(fit: CFAResult, a: str, b: str) -> dict[str, float]:
    r"""Wald test of :math:`b_a = b_b`, as ``lavaan::lavTestWald(fit, "a == b")``.

    :math:`W = (\hat b_a - \hat b_b)^2 / (V_{aa} + V_{bb} - 2 V_{ab})` with :math:`V` =
    :meth:`CFAResult.vcov`; chi-square with 1 df.
    """
    v = fit.vcov()
    t = fit.parameters
    est = {lab: float(t.loc[t["label"] == lab, "estimate"].iloc[0]) for lab in (a, b)}
    diff = est[b] - est[a]
    var = float(v.loc[a, a] + v.loc[b, b] - 2 * v.loc[a, b])
    w = diff**2 / var if var > 0 else np.nan
    return {
        "estimate": diff,
        "se": math.sqrt(var) if var > 0 else np.nan,
        "statistic": w,
        "p_value": float(stats.chi2.sf(w, 1)) if np.isfinite(w) else np.nan,
    }


def _lrt(restricted: CFAResult, free: CFAResult) -> tuple[float, int, float]:
    d = restricted.chisq - free.chisq
    df = restricted.df - free.df
    return float(d), int(df), float(stats.chi2.sf(max(d, 0.0), df))


def _holm(p: np.ndarray) -> np.ndarray:
    order = np.argsort(p)
    m = len(p)
    adj = np.empty(m)
    run = 0.0
    for rank, i in enumerate(order):
        run = max(run, min(1.0, (m - rank) * p[i]))
        adj[i] = run
    return adj


def _htmt(x: pd.DataFrame, a: Sequence[str], b: Sequence[str]) -> float:
    r = x[[*a, *b]].corr().abs().to_numpy()
    na = len(a)
    hetero = r[:na, na:].mean()
    mono_a = r[:na, :na][np.triu_indices(na, 1)].mean()
    mono_b = r[na:, na:][np.triu_indices(len(b), 1)].mean()
    return float(hetero / math.sqrt(mono_a * mono_b))


def _alpha(x: pd.DataFrame) -> float:
    c = x.cov().to_numpy()
    k = c.shape[0]
    return float(k / (k - 1) * (1 - np.trace(c) / c.sum()))


def _bank_parts(bank: ItemBank) -> tuple[str, str, list[tuple[str, str]]]:
    gains, losses = bank.scales_with_valence("gain"), bank.scales_with_valence("loss")
    pairs = list(bank.pairs)
    if len(gains) != 1 or len(losses) != 1 or not pairs:
        raise BankError(
            f"Bank {bank.id!r} needs exactly one gain scale, one loss scale and matched pairs "
            f"for the asymmetry checks; found gain scales {gains}, loss scales {losses} and "
            f"{len(pairs)} pairs. Add 'valence' to the two scales and 'pair' to the gain items."
        )
    return gains[0], losses[0], pairs


def _keyed(bank: ItemBank, data: pd.DataFrame, items: Sequence[str]) -> pd.DataFrame:
    fmt = bank.response_format
    out = data[list(items)].astype(float)
    for i in items:
        if bank.keys[i] < 0:
            out[i] = fmt.min + fmt.max - out[i]
    return out


# --------------------------------------------------------------------------- main
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
    >>> res = bk.asymmetry(bank, data, missing="listwise")  # doctest: +SKIP
    >>> res.tidy()[["check", "verdict"]]  # doctest: +SKIP
    >>> # R: lavaan::cfa(severity_model, data, std.lv = TRUE); anova(fit_equal, fit_free)
    """
    if missing not in ("fiml", "listwise"):
        raise DataError(
            f"The 'missing' parameter of asymmetry must be 'fiml' or 'listwise'; got {missing!r}."
        )
    if not 0 < reliability_threshold < 1:
        raise DataError(
            "The 'reliability_threshold' parameter of asymmetry must be in (0, 1); "
            f"got {reliability_threshold!r}."
        )
    gain_scale, loss_scale, pairs = _bank_parts(bank)
    gain_items = [g for g, _ in pairs]
    loss_items = [x for _, x in pairs]
    core = None
    if severity is None:
        if "core" not in {s.id for s in bank.systems}:
            raise DataError(f"Bank {bank.id!r} has no 'core' system; pass severity='<column>'.")
        core = {s: bank.items_of(s) for s in bank.scales_of("core")}
    elif severity not in data.columns:
        raise DataError(
            f"Severity column {severity!r} is not in the data; columns with numbers "
            "are e.g. " + str(list(data.select_dtypes("number").columns[:5])) + "."
        )
    core_items = [i for its in (core or {}).values() for i in its]
    needed = [*gain_items, *loss_items, *core_items]
    absent = [i for i in needed if i not in data.columns]
    if absent:
        raise DataError(
            f"Items {absent} are in the bank but not in the data; add them or "
            "pass a bank without them."
        )
    z = float(stats.norm.ppf(0.5 + confidence_level / 2))
    problems: list[str] = []
    models: dict[str, CFAResult] = {}
    x = _keyed(bank, data, [*gain_items, *loss_items])

    # severity score (observed, standardized)
    if core is not None:
        kc = _keyed(bank, data, core_items)
        scale_means = pd.DataFrame({s: kc[its].mean(axis=1) for s, its in core.items()})
        sev_raw = scale_means.mean(axis=1, skipna=False)
        label = "burnout core (latent)"
    else:
        sev_raw = data[severity].astype(float)
        label = str(severity)
    sev = (sev_raw - sev_raw.mean()) / sev_raw.std()

    # 1 separability --------------------------------------------------------------------
    sm = separability_models(gain_items, loss_items, pairs)
    one = models["one_factor"] = _fit(x, sm["one_factor"], missing)
    two = models["two_factor"] = _fit(x, sm["two_factor"], missing)
    chi, dfd, p = _lrt(one, two)
    r_gl = _row(two, "G", "~~", "L")
    htmt = _htmt(x, gain_items, loss_items)
    d_cfi = two.cfi - one.cfi
    sep_pass = p < significance and d_cfi >= delta_cfi and r_gl["ci_high"] < 0.90 and htmt < 0.85
    separ = pd.DataFrame(
        [
            {
                "chisq_diff": chi,
                "df_diff": dfd,
                "p_value": p,
                "cfi_one": one.cfi,
                "cfi_two": two.cfi,
                "delta_cfi": d_cfi,
                "r_latent": r_gl["estimate"],
                "ci_low": r_gl["ci_low"],
                "ci_high": r_gl["ci_high"],
                "htmt": htmt,
            }
        ]
    )
    sep_text = (
        f"Gain and loss sensitivity are {'separable' if sep_pass else 'not clearly separable'}: "
        f"two vs one factor chi2({dfd}) = {chi:.1f}, p = {p:.2g}, delta CFI = {d_cfi:.3f}; "
        f"latent r = {r_gl['estimate']:.2f} [{r_gl['ci_low']:.2f}, {r_gl['ci_high']:.2f}], "
        f"HTMT = {htmt:.2f}."
    )

    # 2 comparability -------------------------------------------------------------------
    cm = comparability_models(pairs)
    for k in ("configural", "metric", "scalar"):
        models[k] = _fit(x, cm[k], missing, std_lv=False)
    steps = []
    for k, prev in (("metric", "configural"), ("scalar", "metric")):
        c, d_, pp = _lrt(models[k], models[prev])
        dc = models[k].cfi - models[prev].cfi
        steps.append(
            {
                "level": k,
                "versus": prev,
                "chisq_diff": c,
                "df_diff": d_,
                "p_value": pp,
                "delta_cfi": dc,
                "decision": "invariant" if dc > -delta_cfi else "not invariant",
            }
        )
    comp = pd.DataFrame(steps)
    rows = []
    for k, (g, lo) in enumerate(pairs):
        model_k = cm["scalar"].replace(f"{lo} ~ i{k + 1}*1", f"{lo} ~ 1")
        fk = _fit(x, model_k, missing, std_lv=False)
        c, _, pp = _lrt(models["scalar"], fk)
        rows.append(
            {
                "pair": f"{g}~{lo}",
                "gain_item": g,
                "loss_item": lo,
                "chisq": c,
                "p_value": pp,
                "intercept_shift": _row(fk, lo, "~1", "")["estimate"]
                - _row(fk, g, "~1", "")["estimate"],
            }
        )
    pt = pd.DataFrame(rows)
    pt["p_holm"] = _holm(pt["p_value"].to_numpy())
    metric_ok = comp.loc[0, "decision"] == "invariant"
    scalar_ok = comp.loc[1, "decision"] == "invariant"
    pt["flagged"] = (pt["p_holm"] < significance) & (not scalar_ok)
    if not scalar_ok and not pt["flagged"].any():
        pt.loc[pt["chisq"].idxmax(), "flagged"] = True
    bad = tuple(pt.loc[pt["flagged"]].sort_values("chisq", ascending=False)["pair"])
    comp_pass = metric_ok and scalar_ok
    if comp_pass:
        comp_text = (
            f"Matched pairs measure gain and loss on one metric: equal loadings "
            f"(delta CFI = {comp.loc[0, 'delta_cfi']:.3f}) and equal intercepts "
            f"(delta CFI = {comp.loc[1, 'delta_cfi']:.3f}) of pair partners hold."
        )
    else:
        failed = "loadings" if not metric_ok else "intercepts"
        comp_text = (
            f"Pair partners do not have equal {failed} (delta CFI = "
            f"{comp.loc[0 if not metric_ok else 1, 'delta_cfi']:.3f}); pairs "
            f"responsible: {list(bad)}. Raw difference scores (loss minus gain) are "
            "not interpretable."
        )
        msg = (
            f"Scalar equality of gain/loss pair partners fails; pairs {list(bad)} are "
            "responsible. Raw loss-minus-gain differences are not interpretable: revise or "
            "drop these pairs, or report latent slopes only."
        )
        problems.append(msg)
        warnings.warn(msg, BurnoutkitWarning, stacklevel=2)

    # 3 + 5 latent severity models ------------------------------------------------------
    frame = _keyed(bank, data, [*gain_items, *loss_items]) if core is None else data[needed]
    if core is None:
        frame = frame.assign(sev=sev.to_numpy())
        sv = severity_models(
            gain_items, loss_items, pairs, covariate="sev", method_factor=method_factor
        )
        sv0 = severity_models(
            gain_items, loss_items, pairs, covariate="sev", method_factor=not method_factor
        )
        sevname = "sev"
    else:
        frame = data[needed].astype(float)
        sv = severity_models(gain_items, loss_items, pairs, core=core, method_factor=method_factor)
        sv0 = severity_models(
            gain_items, loss_items, pairs, core=core, method_factor=not method_factor
        )
        sevname = "B"
    models["severity"] = _fit(frame, sv["free"], missing)
    models["severity_equal"] = _fit(frame, sv["equal"], missing)
    key_other = "severity_no_method" if method_factor else "severity_method"
    models[key_other] = _fit(frame, sv0["free"], missing)
    std = models["severity"].standardized_solution(confidence_level=confidence_level)
    gs = _std_slope(std, "G", sevname)
    ls = _std_slope(std, "L", sevname)
    lr, _, lrp = _lrt(models["severity_equal"], models["severity"])
    wald = _wald_equal(models["severity"], "b1", "b2")
    slope_tests = pd.DataFrame(
        [
            {"test": "likelihood_ratio", "statistic": lr, "df": 1, "p_value": lrp,
             "estimate": np.nan, "se": np.nan},
            {"test": "wald", "statistic": wald["statistic"], "df": 1,
             "p_value": wald["p_value"], "estimate": wald["estimate"], "se": wald["se"]},
        ]
    )
    asym_est = ls["estimate"] - gs["estimate"]
    # SE of the difference from the LR statistic (signed root), for the CI
    asym_se = abs(asym_est) / math.sqrt(lr) if lr > 0 else np.nan
    slopes = [
        {"slope": "gain", "version": "latent", **gs},
        {"slope": "loss", "version": "latent", **ls},
        {
            "slope": "asymmetry",
            "version": "latent",
            "estimate": asym_est,
            "se": asym_se,
            "ci_low": asym_est - z * asym_se,
            "ci_high": asym_est + z * asym_se,
            "p_value": lrp,
        },
    ]
    other = models[key_other]
    g0 = _row(other, "G", "~", sevname)["std_all"]
    l0 = _row(other, "L", "~", sevname)["std_all"]
    with_m = (gs["estimate"], ls["estimate"]) if method_factor else (g0, l0)
    without = (g0, l0) if method_factor else (gs["estimate"], ls["estimate"])
    mfit = models["severity"] if method_factor else other
    acq = mfit.parameters[(mfit.parameters["lhs"] == "ACQ") & (mfit.parameters["op"] == "=~")]
    acq_std = float(acq["std_all"].abs().mean())
    shift = (with_m[1] - with_m[0]) - (without[1] - without[0])
    meth = pd.DataFrame(
        [
            {
                "model": "with method factor",
                "gain_slope": with_m[0],
                "loss_slope": with_m[1],
                "asymmetry_slope": with_m[1] - with_m[0],
                "acquiescence_loading": acq_std,
            },
            {
                "model": "without method factor",
                "gain_slope": without[0],
                "loss_slope": without[1],
                "asymmetry_slope": without[1] - without[0],
                "acquiescence_loading": np.nan,
            },
        ]
    )
    meth_text = (
        f"An acquiescence factor (mean standardized loading {acq_std:.2f}) was modelled; "
        f"without it the gain slope is {without[0]:+.2f} instead of {with_m[0]:+.2f}, "
        f"the loss slope {without[1]:+.2f} instead of {with_m[1]:+.2f}, and the "
        f"asymmetry slope moves by {shift:+.3f}."
    )

    # 4 index ---------------------------------------------------------------------------
    gain_m = x[gain_items].mean(axis=1)
    loss_m = x[loss_items].mean(axis=1)
    zg = (gain_m - gain_m.mean()) / gain_m.std()
    zl = (loss_m - loss_m.mean()) / loss_m.std()
    idx = pd.DataFrame(
        {
            "gain": gain_m,
            "loss": loss_m,
            "difference": loss_m - gain_m,
            "asymmetry": zl - zg,
            "severity": sev,
        },
        index=data.index,
    )
    fs = models["scalar"].predict(x)
    if missing == "listwise":
        fs[x.isna().any(axis=1)] = np.nan
    idx["gain_latent"] = fs["G"]
    idx["loss_latent"] = fs["L"]
    idx["asymmetry_latent"] = fs["L"] - fs["G"]
    if profiles is not None:
        idx["profile"] = data[profiles].to_numpy()
    cc = x.dropna()
    rel_g, rel_l = _alpha(cc[gain_items]), _alpha(cc[loss_items])
    r_obs = float(gain_m.corr(loss_m))
    rel_idx = ((rel_g + rel_l) / 2 - r_obs) / (1 - r_obs)
    dd = idx["difference"].dropna()
    n_d = len(dd)
    dz = float(dd.mean() / dd.std())
    se_dz = math.sqrt(1 / n_d + dz**2 / (2 * n_d))
    lmean = _row(models["scalar"], "L", "~1", "")
    fit_ind = rel_idx >= reliability_threshold
    idx_sum = pd.DataFrame(
        [
            {
                "reliability": rel_idx,
                "rel_gain": rel_g,
                "rel_loss": rel_l,
                "r_gain_loss": r_obs,
                "mean_difference": float(dd.mean()),
                "dz": dz,
                "dz_ci_low": dz - z * se_dz,
                "dz_ci_high": dz + z * se_dz,
                "latent_mean_difference": lmean["estimate"],
                "latent_ci_low": lmean["ci_low"],
                "latent_ci_high": lmean["ci_high"],
                "n": n_d,
                "fit_for_individual_use": fit_ind,
            }
        ]
    )
    idx_text = (
        f"Loss minus gain: d_z = {dz:.2f} [{dz - z * se_dz:.2f}, {dz + z * se_dz:.2f}]"
        f"{'' if comp_pass else ' (not interpretable: pairs not invariant)'}; the "
        f"index has reliability {rel_idx:.2f}, "
        + (
            "adequate for individual use."
            if fit_ind
            else f"below {reliability_threshold:.2f}: unfit for individual use, use it for "
            "group comparisons only."
        )
    )
    if not fit_ind:
        msg = (
            f"The asymmetry index ({loss_scale} minus {gain_scale}) has reliability "
            f"{rel_idx:.2f} < {reliability_threshold:.2f}: do not use it to assess "
            "individuals; report group-level asymmetry or add items to the pairs."
        )
        problems.append(msg)
        warnings.warn(msg, LowReliabilityWarning, stacklevel=2)

    # 5 observed mixed model, nonlinearity, invariance across severity -----------------
    obs = _mixed_slopes(idx, z)
    slopes += obs
    nonlin = _nonlinearity(idx)
    sev_inv = _severity_invariance(x, sev, sm["two_factor"], missing, delta_cfi)
    sev_inv_ok = bool((sev_inv["decision"] == "invariant").all())
    if not sev_inv_ok:
        problems.append(
            "The gain/loss items are not invariant across low and high severity; "
            "compare the severity slopes with caution."
        )
    sev_pass = lrp < significance and asym_est > 0
    sev_text = (
        f"Per SD of {label}, gain sensitivity changes by {gs['estimate']:+.2f} "
        f"[{gs['ci_low']:+.2f}, {gs['ci_high']:+.2f}] and loss sensitivity by "
        f"{ls['estimate']:+.2f} [{ls['ci_low']:+.2f}, {ls['ci_high']:+.2f}] SD; the asymmetry "
        f"slope is {asym_est:+.2f} (LR chi2(1) = {lr:.1f}, p = {lrp:.2g}; Wald chi2(1) = "
        f"{wald['statistic']:.1f}, p = {wald['p_value']:.2g}); quadratic term "
        f"{nonlin.loc[0, 'estimate']:+.3f} (p = {nonlin.loc[0, 'p_value']:.2g}); gain/loss "
        f"items {'are' if sev_inv_ok else 'are not'} invariant across low vs high severity."
        + (
            ""
            if sep_pass and comp_pass
            else " The slopes cannot be interpreted as asymmetry: "
            "the separability or comparability check failed."
        )
    )

    checks = pd.DataFrame(
        [
            {
                "check": "separability",
                "verdict": "pass" if sep_pass else "fail",
                "statistic": "latent r",
                "estimate": r_gl["estimate"],
                "ci_low": r_gl["ci_low"],
                "ci_high": r_gl["ci_high"],
                "p_value": p,
                "explanation": sep_text,
            },
            {
                "check": "comparability",
                "verdict": "pass" if comp_pass else "fail",
                "statistic": "delta CFI scalar",
                "estimate": comp.loc[1, "delta_cfi"],
                "ci_low": np.nan,
                "ci_high": np.nan,
                "p_value": comp.loc[1, "p_value"],
                "explanation": comp_text,
            },
            {
                "check": "method",
                "verdict": "pass" if abs(shift) < 0.05 else "warn",
                "statistic": "asymmetry slope shift",
                "estimate": shift,
                "ci_low": np.nan,
                "ci_high": np.nan,
                "p_value": np.nan,
                "explanation": meth_text,
            },
            {
                "check": "index",
                "verdict": "pass" if fit_ind and comp_pass else "warn",
                "statistic": "reliability",
                "estimate": rel_idx,
                "ci_low": np.nan,
                "ci_high": np.nan,
                "p_value": np.nan,
                "explanation": idx_text,
            },
            {
                "check": "severity",
                "verdict": ("pass" if sev_pass else "fail")
                if sep_pass and comp_pass
                else "not interpretable",
                "statistic": "asymmetry slope",
                "estimate": asym_est,
                "ci_low": slopes[2]["ci_low"],
                "ci_high": slopes[2]["ci_high"],
                "p_value": lrp,
                "explanation": sev_text,
            },
        ]
    )
    return AsymmetryResult(
        checks=checks,
        separability=separ,
        comparability=comp,
        pair_tests=pt,
        noninvariant_pairs=bad,
        method=meth,
        index=idx,
        index_summary=idx_sum,
        slopes=pd.DataFrame(slopes),
        slope_tests=slope_tests,
        severity_invariance=sev_inv,
        nonlinearity=nonlin,
        models=models,
        severity_label=label,
        confidence_level=confidence_level,
        n=int(models["severity"].n_obs),
        problems=tuple(problems),
    )


def _mixed_slopes(idx: pd.DataFrame, z: float) -> list[dict[str, Any]]:
    import statsmodels.formula.api as smf

    d = idx[["gain", "loss", "severity"]].dropna()
    zg = (d["gain"] - d["gain"].mean()) / d["gain"].std()
    zl = (d["loss"] - d["loss"].mean()) / d["loss"].std()
    sev = (d["severity"] - d["severity"].mean()) / d["severity"].std()
    long = pd.DataFrame(
        {
            "y": np.r_[zg.to_numpy(), zl.to_numpy()],
            "loss": np.r_[np.zeros(len(d)), np.ones(len(d))],
            "sev": np.r_[sev.to_numpy(), sev.to_numpy()],
            "pid": np.r_[np.arange(len(d)), np.arange(len(d))],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = smf.mixedlm("y ~ loss * sev", long, groups=long["pid"]).fit(reml=True)
    b, cov = fit.fe_params, fit.cov_params()
    out = []
    for name, w in (
        ("gain", {"sev": 1.0}),
        ("loss", {"sev": 1.0, "loss:sev": 1.0}),
        ("asymmetry", {"loss:sev": 1.0}),
    ):
        v = pd.Series(0.0, index=b.index)
        for k, val in w.items():
            v[k] = val
        est = float(v @ b)
        se = float(math.sqrt(v @ cov.loc[b.index, b.index].to_numpy() @ v))
        out.append(
            {
                "slope": name,
                "version": "observed",
                "estimate": est,
                "se": se,
                "ci_low": est - z * se,
                "ci_high": est + z * se,
                "p_value": float(2 * stats.norm.sf(abs(est / se))),
            }
        )
    return out


def _nonlinearity(idx: pd.DataFrame) -> pd.DataFrame:
    d = idx[["asymmetry", "severity"]].dropna()
    s = d["severity"].to_numpy()
    X = np.column_stack([np.ones(len(s)), s, s**2])
    y = d["asymmetry"].to_numpy()
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    s2 = resid @ resid / (len(y) - 3)
    cov = s2 * np.linalg.inv(X.T @ X)
    se = math.sqrt(cov[2, 2])
    t = beta[2] / se
    top = d["severity"] >= d["severity"].quantile(0.9)
    return pd.DataFrame(
        [
            {
                "term": "severity^2",
                "estimate": float(beta[2]),
                "se": se,
                "p_value": float(2 * stats.t.sf(abs(t), len(y) - 3)),
                "mean_asymmetry_top_decile": float(d.loc[top, "asymmetry"].mean()),
            }
        ]
    )


def _severity_invariance(
    x: pd.DataFrame, sev: pd.Series, model: str, missing: str, delta_cfi: float
) -> pd.DataFrame:
    grp = np.where(sev >= sev.median(), "high", "low")
    frame = x.assign(severity_group=pd.Categorical(grp, categories=["low", "high"]))
    frame = frame[sev.notna().to_numpy()]
    fits = {}
    for lvl, eq in (
        ("configural", ()),
        ("metric", ("loadings",)),
        ("scalar", ("loadings", "intercepts")),
    ):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=ListwiseDeletionWarning)
            fits[lvl] = cfa(
                frame,
                model=model,
                group="severity_group",
                group_equal=eq,
                missing=missing,
                meanstructure=True,
            )
    rows = []
    for k, prev in (("metric", "configural"), ("scalar", "metric")):
        c, d_, p = _lrt(fits[k], fits[prev])
        dc = fits[k].cfi - fits[prev].cfi
        rows.append(
            {
                "level": k,
                "versus": prev,
                "chisq_diff": c,
                "df_diff": d_,
                "p_value": p,
                "delta_cfi": dc,
                "decision": "invariant" if dc > -delta_cfi else "not invariant",
            }
        )
    return pd.DataFrame(rows)


def gradient_test(bank: ItemBank, data: pd.DataFrame, *, missing: str = "listwise") -> dict:
    """Run the latent severity-gradient test alone (for simulation studies)."""
    _, _, pairs = _bank_parts(bank)
    gi, li = [g for g, _ in pairs], [x for _, x in pairs]
    core = {s: bank.items_of(s) for s in bank.scales_of("core")}
    items = [*gi, *li, *[i for v in core.values() for i in v]]
    sv = severity_models(gi, li, pairs, core=core)
    free = _fit(data[items], sv["free"], missing)
    eq = _fit(data[items], sv["equal"], missing)
    lr, _, p = _lrt(eq, free)
    return {
        "gain": float(_row(free, "G", "~", "B")["std_all"]),
        "loss": float(_row(free, "L", "~", "B")["std_all"]),
        "lr": lr,
        "p_value": p,
    }
