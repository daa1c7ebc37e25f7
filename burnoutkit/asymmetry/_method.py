"""Check 3, method control: an acquiescence factor keeps response style from posing as asymmetry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from burnoutkit.asymmetry._severity import LatentGradient, SeverityDesign
from burnoutkit.asymmetry._stats import _fit, _row
from burnoutkit.factors.cfa import CFAResult


@dataclass(frozen=True, slots=True, kw_only=True)
class Method:
    """Outcome of the method check: slopes with and without the method factor, checks row."""

    table: pd.DataFrame
    shift: float
    row: dict[str, Any]
    models: dict[str, CFAResult]


def check_method(
    design: SeverityDesign,
    latent: LatentGradient,
    *,
    method_factor: bool,
    missing: str,
) -> Method:
    """Fit the severity model with the opposite method-factor setting and compare the slopes.

    Parameters
    ----------
    design : SeverityDesign
        Data and syntax of the severity models.
    latent : LatentGradient
        Slopes of the severity model as requested (``method_factor``).
    method_factor : bool
        Whether the requested severity model has the acquiescence factor.
    missing : {"fiml", "listwise"}
        Missing-data handling of the latent models.

    Returns
    -------
    Method
    """
    sevname = design.sevname
    gs, ls = latent.gain, latent.loss
    key_other = "severity_no_method" if method_factor else "severity_method"
    other = _fit(design.frame, design.syntax_other["free"], missing)
    g0 = _row(other, "G", "~", sevname)["std_all"]
    l0 = _row(other, "L", "~", sevname)["std_all"]
    with_m = (gs["estimate"], ls["estimate"]) if method_factor else (g0, l0)
    without = (g0, l0) if method_factor else (gs["estimate"], ls["estimate"])
    mfit = latent.models["severity"] if method_factor else other
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
    row = {
        "check": "method",
        "verdict": "pass" if abs(shift) < 0.05 else "warn",
        "statistic": "asymmetry slope shift",
        "estimate": shift,
        "ci_low": np.nan,
        "ci_high": np.nan,
        "p_value": np.nan,
        "explanation": meth_text,
    }
    return Method(table=meth, shift=shift, row=row, models={key_other: other})
