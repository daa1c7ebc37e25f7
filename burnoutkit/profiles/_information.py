"""Standard errors of Gaussian-mixture estimates from the observed information matrix.

The free parameters are the first ``G - 1`` mixing proportions (the last one is one minus their
sum), the profile means and the unique covariance elements of the parameterization. The score of
every respondent is analytic; the observed information is the negative Hessian of the
log-likelihood, obtained by central differences of the analytic total score. Everything is
computed on the standardized scale and mapped back (a linear map, so the standard errors scale
exactly).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from burnoutkit.profiles._gaussian import _stable_loglik

__all__ = ["MixtureCovariance", "mixture_covariance"]


def _unique(d: int) -> tuple[np.ndarray, np.ndarray]:
    return np.triu_indices(d)


def _pack(pro: np.ndarray, mean: np.ndarray, cov: np.ndarray, model: str) -> np.ndarray:
    _g, d = mean.shape
    parts = [pro[:-1], mean.ravel()]
    j, k2 = _unique(d)
    if model == "EEI":
        parts.append(np.diagonal(cov[0]))
    elif model == "VVI":
        parts.append(np.diagonal(cov, axis1=-2, axis2=-1).ravel())
    elif model == "EEE":
        parts.append(cov[0][j, k2])
    else:
        parts.append(cov[:, j, k2].ravel())
    return np.concatenate(parts)


def _unpack(theta: np.ndarray, model: str, g: int, d: int):
    pro = np.append(theta[: g - 1], 1.0 - theta[: g - 1].sum())
    pos = g - 1
    mean = theta[pos : pos + g * d].reshape(g, d)
    pos += g * d
    rest = theta[pos:]
    cov = np.zeros((g, d, d))
    j, k2 = _unique(d)
    idx = np.arange(d)
    if model == "EEI":
        cov[:, idx, idx] = rest
    elif model == "VVI":
        cov[:, idx, idx] = rest.reshape(g, d)
    elif model == "EEE":
        cov[:, j, k2] = rest
        cov[:, k2, j] = rest
    else:
        block = rest.reshape(g, -1)
        cov[:, j, k2] = block
        cov[:, k2, j] = block
    return pro, mean, cov


def _scores(x: np.ndarray, theta: np.ndarray, model: str, g: int, d: int) -> np.ndarray:
    """Per-respondent scores ``(n, q)`` of the log-likelihood at ``theta``."""
    pro, mean, cov = _unpack(theta, model, g, d)
    _, z = _stable_loglik(x, pro, mean, cov)
    prec = np.linalg.inv(cov)
    r = x[:, None, :] - mean[None]  # (n, G, d)
    u = np.einsum("kjl,nkl->nkj", prec, r)  # P_k r_ik
    out = [
        z[:, :-1] / pro[:-1] - (z[:, -1] / pro[-1])[:, None],
        (z[..., None] * u).reshape(len(x), -1),
    ]
    if model in ("EEI", "VVI"):
        m = 0.5 * z[..., None] * (u * u - np.diagonal(prec, axis1=-2, axis2=-1)[None])
        out.append(m.sum(1) if model == "EEI" else m.reshape(len(x), -1))
    else:
        j, k2 = _unique(d)
        mult = np.where(j == k2, 1.0, 2.0)
        m = 0.5 * z[..., None] * (u[..., j] * u[..., k2] - prec[None, :, j, k2]) * mult
        out.append(m.sum(1) if model == "EEE" else m.reshape(len(x), -1))
    return np.concatenate(out, axis=1)


@dataclass
class MixtureCovariance:
    """Sampling covariance of the estimates, on the original scale of the data."""

    se_pro: np.ndarray  # (G,)
    se_mean: np.ndarray  # (G, d)
    se_cov: np.ndarray  # (G, d, d); NaN where the element is not a free parameter
    vcov: np.ndarray  # (q, q) of the free parameters in _pack order, original scale
    problem: str | None


def mixture_covariance(
    x: np.ndarray,
    pro: np.ndarray,
    mean: np.ndarray,
    cov: np.ndarray,
    model: str,
    *,
    center: np.ndarray,
    scale: np.ndarray,
    sandwich: bool = False,
) -> MixtureCovariance:
    """Observed-information (or sandwich) covariance of the estimates of a fitted mixture."""
    g, d = mean.shape
    xs = (x - center) / scale
    mean_s = (mean - center) / scale
    cov_s = cov / np.outer(scale, scale)
    theta = _pack(pro, mean_s, cov_s, model)
    q = theta.size
    hess = np.empty((q, q))
    step = 1e-5 * np.maximum(np.abs(theta), 1e-2)
    for k in range(q):
        e = np.zeros(q)
        e[k] = step[k]
        hess[:, k] = (
            _scores(xs, theta + e, model, g, d).sum(0) - _scores(xs, theta - e, model, g, d).sum(0)
        ) / (2.0 * step[k])
    info = -0.5 * (hess + hess.T)
    problem = None
    eig = np.linalg.eigvalsh(info)
    if not np.all(eig > 1e-10 * max(eig.max(), 1.0)):
        problem = (
            "the observed information matrix is singular or not positive definite (the "
            "solution may lie on a boundary or be unidentified); standard errors are not available"
        )
        vcov_s = np.full((q, q), np.nan)
    else:
        vcov_s = np.linalg.inv(info)
        if sandwich:
            s = _scores(xs, theta, model, g, d)
            vcov_s = vcov_s @ (s.T @ s) @ vcov_s
    # map to the original scale: theta_orig = D theta_std (+ constants)
    factor = np.ones(q)
    pos = g - 1
    factor[pos : pos + g * d] = np.tile(scale, g)
    pos += g * d
    j, k2 = _unique(d)
    if model == "EEI":
        factor[pos:] = scale**2
    elif model == "VVI":
        factor[pos:] = np.tile(scale**2, g)
    elif model == "EEE":
        factor[pos:] = scale[j] * scale[k2]
    else:
        factor[pos:] = np.tile(scale[j] * scale[k2], g)
    vcov = vcov_s * np.outer(factor, factor)
    se = np.sqrt(np.clip(np.diagonal(vcov), 0.0, None))
    se_pro = np.empty(g)
    se_pro[:-1] = se[: g - 1]
    block = vcov[: g - 1, : g - 1]
    se_pro[-1] = np.sqrt(max(block.sum(), 0.0)) if g > 1 else 0.0
    se_mean = se[g - 1 : g - 1 + g * d].reshape(g, d)
    rest = se[g - 1 + g * d :]
    se_cov = np.full((g, d, d), np.nan)
    idx = np.arange(d)
    if model == "EEI":
        se_cov[:, idx, idx] = rest
    elif model == "VVI":
        se_cov[:, idx, idx] = rest.reshape(g, d)
    elif model == "EEE":
        se_cov[:, j, k2] = rest
        se_cov[:, k2, j] = rest
    else:
        se_cov[:, j, k2] = rest.reshape(g, -1)
        se_cov[:, k2, j] = rest.reshape(g, -1)
    return MixtureCovariance(se_pro, se_mean, se_cov, vcov, problem)
