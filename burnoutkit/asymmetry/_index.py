"""Check 4, the asymmetry index: per-person index, its reliability and the group asymmetry."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from burnoutkit.asymmetry._inputs import Inputs
from burnoutkit.asymmetry._stats import _alpha, _row
from burnoutkit.errors import LowReliabilityWarning
from burnoutkit.factors.cfa import CFAResult


@dataclass(frozen=True, slots=True, kw_only=True)
class Index:
    """Outcome of the index check: per-person index, its one-row summary and checks row."""

    table: pd.DataFrame
    summary: pd.DataFrame
    row: dict[str, Any]
    problems: tuple[str, ...]


def check_index(
    data: pd.DataFrame,
    inp: Inputs,
    scalar: CFAResult,
    *,
    missing: str,
    profiles: str | None,
    reliability_threshold: float,
    z: float,
    comparable: bool,
) -> Index:
    """Compute the observed and latent asymmetry index, its reliability and Cohen's dz.

    Parameters
    ----------
    data : pandas.DataFrame
        Raw responses (for the index rows and the ``profiles`` column).
    inp : Inputs
        Validated inputs (:func:`prepare`).
    scalar : CFAResult
        Scalar comparability model (latent index and latent mean difference).
    missing : {"fiml", "listwise"}
        Missing-data handling of the latent models.
    profiles : str or None
        Column with burnout profiles to keep in the index.
    reliability_threshold : float
        Minimum reliability of the index for individual use.
    z : float
        Normal quantile of the confidence level.
    comparable : bool
        Whether the comparability check passed.

    Returns
    -------
    Index

    Warns
    -----
    LowReliabilityWarning
        The index is below ``reliability_threshold``.
    """
    problems: list[str] = []
    x, sev, gain_items, loss_items = inp.x, inp.sev, inp.gain_items, inp.loss_items
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
    fs = scalar.predict(x)
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
    lmean = _row(scalar, "L", "~1", "")
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
        f"{'' if comparable else ' (not interpretable: pairs not invariant)'}; the "
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
            f"The asymmetry index ({inp.loss_scale} minus {inp.gain_scale}) has reliability "
            f"{rel_idx:.2f} < {reliability_threshold:.2f}: do not use it to assess "
            "individuals; report group-level asymmetry or add items to the pairs."
        )
        problems.append(msg)
        # stacklevel 3: the warning points at the caller of burnoutkit.asymmetry()
        warnings.warn(msg, LowReliabilityWarning, stacklevel=3)
    row = {
        "check": "index",
        "verdict": "pass" if fit_ind and comparable else "warn",
        "statistic": "reliability",
        "estimate": rel_idx,
        "ci_low": np.nan,
        "ci_high": np.nan,
        "p_value": np.nan,
        "explanation": idx_text,
    }
    return Index(table=idx, summary=idx_sum, row=row, problems=tuple(problems))
