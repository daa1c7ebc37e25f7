"""Factor rotations as psych::fa applies them.

factor_analyzer's :class:`~factor_analyzer.rotator.Rotator` is the engine: its gradient-projection
oblimin and geomin reproduce GPArotation's ``GPFoblq`` and its varimax and promax reproduce
``stats::varimax`` and psych's Kaiser-normalized ``Promax`` to machine precision when given
GPArotation's defaults (``eps = 1e-5``, ``maxit = 1000``; ``tests/test_efa.py`` checks this
against GPArotation). This module adds what the engine lacks: a convergence check of the
gradient-projection algorithm and psych's rotation-matrix convention.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ROTATIONS", "RotationOutcome", "rotate_loadings"]

#: rotation name -> (factor_analyzer method, oblique?)
ROTATIONS: dict[str, tuple[str, bool]] = {
    "oblimin": ("oblimin", True),
    "geomin": ("geomin_obl", True),
    "promax": ("promax", True),
    "varimax": ("varimax", False),
}

_EPS = 1e-5
_MAX_ITER = 1000
_GEOMIN_DELTA = 0.01


@dataclass(frozen=True, slots=True)
class RotationOutcome:
    """Rotated pattern, factor correlations, rotation matrix and convergence of one rotation.

    ``rotation_matrix`` follows psych's ``rot.mat``: ``loadings = unrotated @ rotation_matrix``.
    """

    loadings: np.ndarray
    phi: np.ndarray
    rotation_matrix: np.ndarray
    converged: bool
    gradient_norm: float


def _oblimin_gradient(L: np.ndarray) -> np.ndarray:
    """Gradient of the quartimin criterion (GPArotation ``vgQ.oblimin`` with ``gam = 0``)."""
    k = L.shape[1]
    X = (L**2) @ (1.0 - np.eye(k))
    return L * X


def _geomin_gradient(L: np.ndarray, delta: float = _GEOMIN_DELTA) -> np.ndarray:
    """Gradient of the geomin criterion (GPArotation ``vgQ.geomin``)."""
    k = L.shape[1]
    L2 = L**2 + delta
    pro = np.exp(np.log(L2).sum(axis=1) / k)
    return (2.0 / k) * (L / L2) * pro[:, None]


def _projected_gradient_norm(L: np.ndarray, T: np.ndarray, method: str) -> float:
    """``s`` of ``GPFoblq`` at the solution: the norm of the projected gradient."""
    Gq = _oblimin_gradient(L) if method == "oblimin" else _geomin_gradient(L)
    G = -(L.T @ Gq @ np.linalg.inv(T)).T
    Gp = G - T @ np.diag(np.ones(T.shape[0]) @ (T * G))
    return float(np.sqrt(np.sum(Gp**2)))


def rotate_loadings(unrotated: np.ndarray, rotation: str) -> RotationOutcome:
    """Rotate an unrotated loading matrix with psych's defaults for ``rotation``.

    ``oblimin`` and ``geomin`` are GPArotation's ``oblimin`` (quartimin, ``normalize = FALSE``)
    and ``geominQ`` (``delta = 0.01``); ``promax`` is psych's ``kaiser(., "Promax")`` (Kaiser
    normalization, varimax, then power ``m = 4``); ``varimax`` is ``stats::varimax`` with Kaiser
    normalization.
    """
    from factor_analyzer.rotator import Rotator

    engine_name, oblique = ROTATIONS[rotation]
    k = unrotated.shape[1]
    A = np.array(unrotated, dtype=float, copy=True)
    kwargs: dict[str, object] = {"max_iter": _MAX_ITER, "tol": _EPS}
    if rotation in ("promax", "varimax"):
        kwargs["normalize"] = True
    if rotation == "promax":
        kwargs["power"] = 4
    if rotation == "geomin":
        kwargs["delta"] = _GEOMIN_DELTA
    engine = Rotator(method=engine_name, **kwargs)
    L = np.asarray(engine.fit_transform(A), dtype=float)
    converged, gnorm = True, 0.0
    if rotation in ("oblimin", "geomin"):
        T = np.asarray(engine.rotation_, dtype=float)
        gnorm = _projected_gradient_norm(L, T, rotation)
        converged = gnorm < _EPS
        rot_mat = np.linalg.inv(T).T
        phi = T.T @ T
    elif rotation == "promax":
        rot_mat = np.asarray(engine.rotation_, dtype=float)
        phi = np.asarray(engine.phi_, dtype=float)
    else:
        rot_mat = np.asarray(engine.rotation_, dtype=float)
        phi = np.eye(k)
    if not oblique:
        phi = np.eye(k)
    return RotationOutcome(
        loadings=L,
        phi=(phi + phi.T) / 2.0,
        rotation_matrix=rot_mat,
        converged=converged,
        gradient_norm=gnorm,
    )
