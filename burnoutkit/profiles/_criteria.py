"""Information criteria and classification diagnostics of a fitted mixture."""

from __future__ import annotations

import numpy as np

__all__ = ["SMALL_SHARE", "SMALL_SIZE", "criteria", "relative_entropy"]

#: A profile with an estimated share below SMALL_SHARE or fewer than SMALL_SIZE expected members is
#: flagged as small (Lubke & Neale, 2006; Ferguson, Moore & Hull, 2020).
SMALL_SHARE = 0.05
SMALL_SIZE = 25


def relative_entropy(z: np.ndarray) -> float:
    """``1 - sum(-z log z) / (n log K)``; 1 for a one-profile model."""
    n, k = z.shape
    if k == 1:
        return 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        ent = -np.sum(np.where(z > 0, z * np.log(z), 0.0))
    return float(1.0 - ent / (n * np.log(k)))


def criteria(loglik: float, n_parameters: int, n: int, z: np.ndarray) -> dict[str, float]:
    """AIC, BIC, sample-size adjusted BIC, CAIC and ICL; all on the "lower is better" scale.

    ``icl`` is ``BIC - 2 sum_i log max_k z_ik``, i.e. minus ``mclust::icl`` (which is on mclust's
    "higher is better" BIC scale).
    """
    k = n_parameters
    m2ll = -2.0 * loglik
    bic = m2ll + k * np.log(n)
    with np.errstate(divide="ignore"):
        hard = np.log(z.max(axis=1))
    return {
        "aic": m2ll + 2.0 * k,
        "bic": bic,
        "sabic": m2ll + k * np.log((n + 2.0) / 24.0),
        "caic": m2ll + k * (np.log(n) + 1.0),
        "icl": float(bic - 2.0 * hard.sum()),
    }
