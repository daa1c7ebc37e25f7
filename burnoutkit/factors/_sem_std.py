"""Standardized parameters as lavaan computes them (``std.lv`` and ``std.all``).

``std.lv`` rescales factors to unit variance (model-implied factor variances); ``std.all`` also
rescales observed variables by their model-implied standard deviations. Covariances between
residuals are divided by the square roots of the two residual variances (lavaan's
``cov.std = TRUE``), so a residual covariance becomes a residual correlation.
"""

from __future__ import annotations

import numpy as np

from burnoutkit.factors._sem_engine import GroupState, SEMModel

__all__ = ["standardize"]


def standardize(
    model: SEMModel,
    states: list[GroupState],
    lhs: np.ndarray,
    op: np.ndarray,
    rhs: np.ndarray,
    group: np.ndarray,
    est: np.ndarray,
    variances: dict[tuple[int, str], float],
) -> tuple[np.ndarray, np.ndarray]:
    """Return (std_lv, std_all) for parameter rows.

    ``group`` is 0-based; ``variances`` maps (group, variable) to the raw estimate of the
    ``v ~~ v`` row, used for covariances (``cov.std``).
    """
    lv = set(model.lv_names)
    lv_index = {f: model._eta_idx[f] for f in model.lv_names}
    eta_sd, ov_sd, ov_var = [], [], []
    for st in states:
        phi = st.phi
        d = np.diag(phi).copy()
        d[d < 0] = np.nan
        eta_sd.append({f: float(np.sqrt(d[i])) for f, i in lv_index.items()})
        s = np.diag(st.sigma).copy()
        s[np.abs(s) < np.finfo(float).eps] = np.nan
        ov_var.append(dict(zip(model.ov_names, s, strict=True)))
        sp = s.copy()
        sp[sp < 0] = np.nan
        ov_sd.append(dict(zip(model.ov_names, np.sqrt(sp), strict=True)))
    n = len(est)
    std_lv = np.array(est, dtype=float).copy()
    std_all = np.full(n, np.nan)
    for i in range(n):
        a, o, b, g, e = lhs[i], op[i], rhs[i], int(group[i]), float(est[i])
        E, osd, O2 = eta_sd[g], ov_sd[g], ov_var[g]

        def rv(v, g=g):
            return np.sqrt(abs(variances.get((g, v), np.nan)))

        if o == "=~":
            if b in lv:
                val = e * E[a] / E[b]
                std_lv[i] = val
                std_all[i] = val
            else:
                val = e * E[a]
                std_lv[i] = val
                std_all[i] = val / osd.get(b, np.nan)
        elif o == "~":
            val = e
            if a in lv:
                val = val / E[a]
            if b in lv:
                val = val * E[b]
            std_lv[i] = val
            va = val
            if a not in lv:
                va = va / osd.get(a, np.nan)
            if b not in lv:
                va = va * osd.get(b, np.nan)
            std_all[i] = va
        elif o == "~~":
            if a in lv and b in lv:
                val = e / (E[a] * E[b]) if a == b else e / (rv(a) * rv(b))
                std_lv[i] = val
                std_all[i] = val
            else:
                std_lv[i] = e
                std_all[i] = e / O2.get(a, np.nan) if a == b else e / (rv(a) * rv(b))
        elif o == "~1":
            if a in lv:
                val = e / E[a]
                std_lv[i] = val
                std_all[i] = val
            else:
                std_lv[i] = e
                std_all[i] = e / osd.get(a, np.nan)
    return std_lv, std_all
