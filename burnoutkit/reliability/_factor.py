"""The factor-analytic steps of psych::omega: minres, varimax, oblimin, Schmid-Leiman.

Each step follows the R code it reproduces (psych 2.2.9 ``fa``/``schmid``, stats ``varimax``,
GPArotation ``GPFoblq`` with the oblimin criterion), including the start values, sign and
column-order conventions, so that the iterations take the same path.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from burnoutkit.errors import ConvergenceWarning
from burnoutkit.reliability._common import smc

__all__: list[str] = []

_EPS = np.finfo(float).eps


def _top_loadings(s: np.ndarray, n_factors: int) -> np.ndarray:
    values, vectors = np.linalg.eigh(s)
    order = np.argsort(values)[::-1][:n_factors]
    return vectors[:, order] * np.sqrt(np.maximum(values[order], 0.0))


def minres(r: np.ndarray, n_factors: int) -> np.ndarray:
    """Unrotated minimum-residual loadings (psych ``fa(fm = "minres", rotate = "none")``).

    The uniquenesses minimize the sum of squared off-diagonal residuals (L-BFGS-B in
    [0.005, 1] from ``1 - smc``, with psych's gradient and R's optimizer settings); the
    loadings are the leading eigenvectors of ``R - diag(psi)`` scaled by the square roots of
    their eigenvalues. Column signs make each column sum positive, as psych does.
    """
    p = r.shape[0]
    lower = np.tril_indices(p, -1)

    def objective(psi: np.ndarray) -> float:
        s = r.copy()
        np.fill_diagonal(s, 1.0 - psi)
        values, vectors = np.linalg.eigh(s)
        values = np.where(values < _EPS, 100 * _EPS, values)
        order = np.argsort(values)[::-1][:n_factors]
        load = vectors[:, order] * np.sqrt(values[order])
        resid = (s - load @ load.T)[lower]
        return float(resid @ resid)

    def gradient(psi: np.ndarray) -> np.ndarray:
        s = r - np.diag(psi)
        load = _top_loadings(s, n_factors)
        return np.diag(load @ load.T) + psi - np.diag(r)

    start = np.diag(r) - smc(r)
    upper = max(float(smc(r).max()), 1.0)
    # R's optim(method = "L-BFGS-B") as psych calls it: parscale 0.01, factr 1e7, pgtol 0,
    # lmm 5, maxit 100; the same settings give the same optimum to about 1e-12
    scale = 0.01
    res = optimize.minimize(
        lambda y: objective(y * scale),
        start / scale,
        jac=lambda y: gradient(y * scale) * scale,
        method="L-BFGS-B",
        bounds=[(0.005 / scale, upper / scale)] * p,
        options={"ftol": 1e7 * _EPS, "gtol": 0.0, "maxcor": 5, "maxiter": 100},
    )
    psi = res.x * scale
    s = r.copy()
    np.fill_diagonal(s, np.diag(r) - psi)
    load = _top_loadings(s, n_factors)
    if n_factors > 1:
        signs = np.sign(load.sum(axis=0))
        signs[signs == 0] = 1
        load = load * signs
    elif load.sum() < 0:
        load = -load
    return load


def varimax(x: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """R's ``stats::varimax(x, normalize = TRUE, eps = 1e-5)``: rotated loadings."""
    nc = x.shape[1]
    if nc < 2:
        return x
    sc = np.sqrt((x * x).sum(axis=1))
    xn = x / sc[:, None]
    p = xn.shape[0]
    tt = np.eye(nc)
    d = 0.0
    for _ in range(1000):
        z = xn @ tt
        b = xn.T @ (z**3 - z * (z * z).sum(axis=0) / p)
        u, sv, vt = np.linalg.svd(b)
        tt = u @ vt
        d_past = d
        d = sv.sum()
        if d < d_past * (1 + eps):
            break
    return (xn @ tt) * sc[:, None]


def _vgq_oblimin(loadings: np.ndarray) -> tuple[np.ndarray, float]:
    """GPArotation's ``vgQ.oblimin`` with gamma = 0 (quartimin): gradient and criterion."""
    sq = loadings * loadings
    nf = loadings.shape[1]
    x = sq @ (1.0 - np.eye(nf))
    return loadings * x, float((sq * x).sum() / 4.0)


def oblimin(
    a: np.ndarray, eps: float = 1e-5, max_iter: int = 1000
) -> tuple[np.ndarray, np.ndarray]:
    """GPArotation ``oblimin(A)`` (gradient projection, Bernaards & Jennrich 2005).

    Returns the pattern loadings and the factor correlations ``T'T``; starts from the identity.
    """
    nf = a.shape[1]
    tmat = np.eye(nf)
    al = 1.0
    loadings = a @ np.linalg.inv(tmat).T
    gq, f = _vgq_oblimin(loadings)
    g = -(loadings.T @ gq @ np.linalg.inv(tmat)).T
    converged = False
    for _ in range(max_iter + 1):
        gp = g - tmat @ np.diag((tmat * g).sum(axis=0))
        s = float(np.sqrt((gp * gp).sum()))
        if s < eps:
            converged = True
            break
        al *= 2.0
        for _ in range(11):
            x = tmat - al * gp
            v = 1.0 / np.sqrt((x * x).sum(axis=0))
            tmat_t = x * v
            loadings = a @ np.linalg.inv(tmat_t).T
            gq_t, f_t = _vgq_oblimin(loadings)
            if f - f_t > 0.5 * s * s * al:
                break
            al /= 2.0
        tmat = tmat_t
        f = f_t
        g = -(loadings.T @ gq_t @ np.linalg.inv(tmat_t)).T
    if not converged:
        warnings.warn(
            f"The oblimin rotation did not converge in {max_iter} iterations (as GPArotation "
            "would report); the omega coefficients may be inaccurate. Try another n_factors.",
            ConvergenceWarning,
            stacklevel=3,
        )
    return loadings, tmat.T @ tmat


def fa_varimax(r: np.ndarray, n_factors: int) -> np.ndarray:
    """Psych ``fa(r, n_factors, fm = "minres", rotate = "varimax")`` loadings.

    After the rotation psych makes every column sum positive and orders the columns by their
    sums of squares, largest first.
    """
    load = minres(r, n_factors)
    if n_factors == 1:
        return load
    load = varimax(load)
    signs = np.sign(load.sum(axis=0))
    signs[signs == 0] = 1
    load = load * signs
    order = np.argsort(-(load * load).sum(axis=0), kind="stable")
    return load[:, order]


@dataclass(frozen=True, slots=True)
class SchmidLeiman:
    """The pieces of psych's ``schmid()`` that omega needs."""

    general: np.ndarray  # loadings on g
    group: np.ndarray  # group-factor loadings (items x n_factors)
    h2: np.ndarray  # communalities of the orthogonal solution
    u2: np.ndarray  # 1 - h2
    oblique: np.ndarray  # oblimin pattern loadings
    phi: np.ndarray  # factor correlations
    orthogonal: np.ndarray  # varimax loadings
    g_loadings: np.ndarray  # loadings of the first-order factors on g


def schmid_leiman(r: np.ndarray, n_factors: int) -> SchmidLeiman:
    """Psych ``schmid(r, n_factors, fm = "minres", rotate = "oblimin")``.

    With two factors the general loadings are set equal (psych's ``option = "equal"``):
    ``sqrt(|phi_12|)``.
    """
    orth = fa_varimax(r, n_factors)
    if n_factors == 1:
        oblique = orth
        phi = np.ones((1, 1))
        gload = np.ones(1)
    else:
        oblique, phi = oblimin(orth)
        if n_factors > 2:
            gload = minres(phi, 1)[:, 0]
        else:
            root = np.sqrt(abs(phi[0, 1]))
            gload = np.array([root, np.sign(phi[0, 1]) * root])
    general = oblique @ gload
    h2 = (orth * orth).sum(axis=1)
    u2 = np.diag(r) - h2
    group_sq = oblique**2 - (oblique * gload) ** 2
    group = np.sign(oblique) * np.sqrt(np.maximum(group_sq, 0.0))
    return SchmidLeiman(
        general=general,
        group=group,
        h2=h2,
        u2=u2,
        oblique=oblique,
        phi=phi,
        orthogonal=orth,
        g_loadings=gload,
    )
