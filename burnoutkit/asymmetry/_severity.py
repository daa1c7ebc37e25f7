"""Check 5, severity gradient: slopes of gain and loss sensitivity on burnout severity."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from burnoutkit.asymmetry._inputs import Inputs
from burnoutkit.asymmetry._models import severity_models
from burnoutkit.asymmetry._stats import (
    _bank_parts,
    _fit,
    _invariance_steps,
    _keyed,
    _lrt,
    _row,
    _std_slope,
    _wald_equal,
)
from burnoutkit.banks.model import ItemBank
from burnoutkit.factors._sem_data import ListwiseDeletionWarning
from burnoutkit.factors.cfa import CFAResult, cfa


@dataclass(frozen=True, slots=True, kw_only=True)
class SeverityDesign:
    """Data and syntax of the latent severity models (checks 3 and 5).

    ``syntax`` has the requested ``method_factor`` setting, ``syntax_other`` the opposite one;
    ``sevname`` is the severity variable of the models (``"B"`` latent, ``"sev"`` observed).
    """

    frame: pd.DataFrame
    sevname: str
    syntax: dict[str, str]
    syntax_other: dict[str, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class LatentGradient:
    """Latent slopes of gain and loss on severity and the tests that they are equal."""

    gain: dict[str, float]
    loss: dict[str, float]
    asymmetry: float
    lr: float
    lr_p: float
    wald: dict[str, float]
    slope_tests: pd.DataFrame
    slopes: list[dict[str, Any]]
    models: dict[str, CFAResult]


@dataclass(frozen=True, slots=True, kw_only=True)
class Severity:
    """Outcome of the severity-gradient check: slopes, side analyses and checks row."""

    slopes: pd.DataFrame
    invariance: pd.DataFrame
    nonlinearity: pd.DataFrame
    row: dict[str, Any]
    problems: tuple[str, ...]


def severity_design(
    bank: ItemBank, data: pd.DataFrame, inp: Inputs, *, method_factor: bool
) -> SeverityDesign:
    """Build the data and the model syntax of the latent severity models.

    Parameters
    ----------
    bank : ItemBank
        Bank with one gain scale, one loss scale and matched pairs.
    data : pandas.DataFrame
        Raw item responses.
    inp : Inputs
        Validated inputs (:func:`prepare`).
    method_factor : bool
        Whether the requested severity model has the acquiescence factor.

    Returns
    -------
    SeverityDesign
    """
    gain_items, loss_items, pairs, core = inp.gain_items, inp.loss_items, inp.pairs, inp.core
    if core is None:
        frame = _keyed(bank, data, [*gain_items, *loss_items]).assign(sev=inp.sev.to_numpy())
        sv = severity_models(
            gain_items, loss_items, pairs, covariate="sev", method_factor=method_factor
        )
        sv0 = severity_models(
            gain_items, loss_items, pairs, covariate="sev", method_factor=not method_factor
        )
        sevname = "sev"
    else:
        frame = data[inp.needed].astype(float)
        sv = severity_models(gain_items, loss_items, pairs, core=core, method_factor=method_factor)
        sv0 = severity_models(
            gain_items, loss_items, pairs, core=core, method_factor=not method_factor
        )
        sevname = "B"
    return SeverityDesign(frame=frame, sevname=sevname, syntax=sv, syntax_other=sv0)


def latent_gradient(
    design: SeverityDesign, *, missing: str, confidence_level: float, z: float
) -> LatentGradient:
    """Fit the free and equal-slope severity models; standardized slopes, LR and Wald tests.

    Parameters
    ----------
    design : SeverityDesign
        Data and syntax of the severity models.
    missing : {"fiml", "listwise"}
        Missing-data handling of the latent models.
    confidence_level : float
        Level of the confidence intervals.
    z : float
        Normal quantile of ``confidence_level``.

    Returns
    -------
    LatentGradient
    """
    frame, sv, sevname = design.frame, design.syntax, design.sevname
    models = {
        "severity": _fit(frame, sv["free"], missing),
        "severity_equal": _fit(frame, sv["equal"], missing),
    }
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
    return LatentGradient(
        gain=gs,
        loss=ls,
        asymmetry=asym_est,
        lr=lr,
        lr_p=lrp,
        wald=wald,
        slope_tests=slope_tests,
        slopes=slopes,
        models=models,
    )


def check_severity(
    index: pd.DataFrame,
    inp: Inputs,
    two_factor_model: str,
    latent: LatentGradient,
    *,
    missing: str,
    delta_cfi: float,
    significance: float,
    z: float,
    interpretable: bool,
) -> Severity:
    """Add the observed mixed-model slopes, nonlinearity and invariance across severity.

    Parameters
    ----------
    index : pandas.DataFrame
        Per-respondent index (columns ``gain, loss, asymmetry, severity``).
    inp : Inputs
        Validated inputs (:func:`prepare`).
    two_factor_model : str
        Syntax of the two-factor model of check 1.
    latent : LatentGradient
        Latent slopes of the requested severity model.
    missing : {"fiml", "listwise"}
        Missing-data handling of the latent models.
    delta_cfi : float
        Largest drop in CFI accepted for an invariance step.
    significance : float
        Level of the tests behind the verdict.
    z : float
        Normal quantile of the confidence level.
    interpretable : bool
        Whether separability and comparability both passed.

    Returns
    -------
    Severity
    """
    problems: list[str] = []
    gs, ls, asym_est, lr, lrp, wald = (
        latent.gain, latent.loss, latent.asymmetry, latent.lr, latent.lr_p, latent.wald
    )
    slopes = [*latent.slopes, *_mixed_slopes(index, z)]
    nonlin = _nonlinearity(index)
    sev_inv = _severity_invariance(inp.x, inp.sev, two_factor_model, missing, delta_cfi)
    sev_inv_ok = bool((sev_inv["decision"] == "invariant").all())
    if not sev_inv_ok:
        problems.append(
            "The gain/loss items are not invariant across low and high severity; "
            "compare the severity slopes with caution."
        )
    sev_pass = lrp < significance and asym_est > 0
    sev_text = (
        f"Per SD of {inp.label}, gain sensitivity changes by {gs['estimate']:+.2f} "
        f"[{gs['ci_low']:+.2f}, {gs['ci_high']:+.2f}] and loss sensitivity by "
        f"{ls['estimate']:+.2f} [{ls['ci_low']:+.2f}, {ls['ci_high']:+.2f}] SD; the asymmetry "
        f"slope is {asym_est:+.2f} (LR chi2(1) = {lr:.1f}, p = {lrp:.2g}; Wald chi2(1) = "
        f"{wald['statistic']:.1f}, p = {wald['p_value']:.2g}); quadratic term "
        f"{nonlin.loc[0, 'estimate']:+.3f} (p = {nonlin.loc[0, 'p_value']:.2g}); gain/loss "
        f"items {'are' if sev_inv_ok else 'are not'} invariant across low vs high severity."
        + (
            ""
            if interpretable
            else " The slopes cannot be interpreted as asymmetry: "
            "the separability or comparability check failed."
        )
    )
    row = {
        "check": "severity",
        "verdict": ("pass" if sev_pass else "fail") if interpretable else "not interpretable",
        "statistic": "asymmetry slope",
        "estimate": asym_est,
        "ci_low": slopes[2]["ci_low"],
        "ci_high": slopes[2]["ci_high"],
        "p_value": lrp,
        "explanation": sev_text,
    }
    return Severity(
        slopes=pd.DataFrame(slopes),
        invariance=sev_inv,
        nonlinearity=nonlin,
        row=row,
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
    return _invariance_steps(fits, delta_cfi)


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
