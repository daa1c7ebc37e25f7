"""MLR: Huber-White standard errors and the Yuan-Bentler (Mplus variant) scaled test statistic.

As lavaan's ``estimator = "MLR"`` (``se = "robust.huber.white"``, ``test =
"yuan.bentler.mplus"``, ``information = "observed"``):

* bread ``E``: the observed information, the Hessian of lavaan's fit function ``fx`` with
  respect to the free parameters (lavaan differentiates its analytic gradient numerically; here
  the Hessian is analytic for measurement models and uses lavaan's five-point differences, step
  1e-6, when the model has regressions); equality constraints enter through
  ``K (K' E K)^-1 K'``;
* meat ``B0 = sum_g (n_g/N) Delta_g' B1_g Delta_g``: the mean outer product of the casewise
  scores at the model-implied moments;
* ``vcov = E^-1 B0 E^-1 / N``;
* ``trace(U Gamma) = sum_g [tr(B1_g A1_g^-1) - (n_g/N) tr(B0_g E^-1)]`` with the unstructured
  (sample-moment) first-order and expected h1 informations ``B1``, ``A1``; the first trace has
  the closed form ``mean_i [d_i^2 + (d_i^4 - 2 d_i^2 + p) / 2]`` with ``d_i^2`` the Mahalanobis
  distance of case i from the sample mean (the ``d_i^2`` term only with a mean structure);
* scaling factor ``c = trace(U Gamma) / df`` and ``chisq.scaled = chisq / c``.
"""

from __future__ import annotations

import numpy as np

from burnoutkit.errors import BurnoutkitError
from burnoutkit.factors._sem_engine import SEMModel

__all__ = ["hessian_x", "robust_pieces", "sandwich_vcov", "trace_ugamma"]


def hessian_x(model: SEMModel, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Observed information: Hessian of fx in x space, as ``lav_model_hessian``."""
    nx = model.nx
    H = np.zeros((nx, nx))

    def grad(xx):
        sts = model.states(None, x=xx)
        if sts is None:
            raise BurnoutkitError(
                "The Hessian for robust (MLR) standard errors could not be computed: the "
                "model-implied covariance matrix is not positive definite near the estimate."
            )
        return model.gradient_x(sts)

    for j in range(nx):
        cols = []
        for step in (-2 * h, -h, h, 2 * h):
            xx = x.copy()
            xx[j] += step
            cols.append(grad(xx))
        H[:, j] = (cols[0] - 8 * cols[1] + 8 * cols[2] - cols[3]) / (12 * h)
    return 0.5 * (H + H.T)


def constrained_inverse(model: SEMModel, info_x: np.ndarray) -> np.ndarray:
    """K (K' I K)^-1 K': the inverse information under the equality constraints (x space)."""
    K = model.K()
    inner = K.T @ info_x @ K
    return K @ np.linalg.inv(inner) @ K.T


def first_order(model: SEMModel, states) -> list[np.ndarray]:
    """Per-group first-order information B0_g (x-space block of the group, unweighted)."""
    out = []
    for g, st in enumerate(states):
        sc = model.casewise_scores(st, g)
        out.append(sc.T @ sc / model.groups[g].n)
    return out


def h1_trace(model: SEMModel, g: int) -> float:
    """tr(B1 A1^-1) of the unstructured model of group g (closed form)."""
    gd = model.groups[g]
    if gd.data is None:
        raise BurnoutkitError("Robust statistics need the raw data of every group.")
    if model.roles.ov_x:
        raise BurnoutkitError(
            "MLR with exogenous observed covariates (fixed.x) is not supported; fit the model "
            "with estimator='ML' or make the covariates indicators of the model."
        )
    Z = gd.data - gd.mean
    Si = np.linalg.inv(gd.cov)
    d2 = np.einsum("ij,jk,ik->i", Z, Si, Z)
    p = model.p
    val = 0.5 * (d2**2 - 2 * d2 + p)
    if model.meanstructure:
        val = val + d2
    return float(np.mean(val))


def robust_pieces(model: SEMModel, theta: np.ndarray, states) -> dict:
    """Everything MLR needs: E^-1 (observed, constrained), B0 per group and the sandwich."""
    x = model.x_from_theta(theta)
    H = hessian_x(model, x) if model.has_beta else model.hessian_x(states)
    E_inv = constrained_inverse(model, H)
    B0_groups = first_order(model, states)
    B0 = np.zeros((model.nx, model.nx))
    for g, b in enumerate(B0_groups):
        ix = model.group_x[g]
        B0[np.ix_(ix, ix)] = model.weights[g] * b
    return {"E_inv": E_inv, "B0_groups": B0_groups, "B0": B0, "hessian": H}


def sandwich_vcov(model: SEMModel, pieces: dict) -> np.ndarray:
    """Huber-White covariance of the free parameters (x space)."""
    E_inv = pieces["E_inv"]
    return E_inv @ pieces["B0"] @ E_inv / model.ntotal


def trace_ugamma(model: SEMModel, pieces: dict) -> float:
    """trace(U Gamma) of the Yuan-Bentler Mplus-variant scaling."""
    E_inv = pieces["E_inv"]
    total = 0.0
    for g, b in enumerate(pieces["B0_groups"]):
        ix = model.group_x[g]
        h0 = model.weights[g] * float(np.sum(b * E_inv[np.ix_(ix, ix)].T))
        total += h1_trace(model, g) - h0
    return total
