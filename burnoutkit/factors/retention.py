"""How many factors? Parallel analysis, Velicer's MAP, the scree and a side-by-side table.

Parallel analysis follows ``psych::fa.parallel`` (component and factor eigenvalues, simulated
normal data and resampled data) and MAP follows ``psych::vss``. All simulated data sets of a
parallel analysis are drawn, correlated, decomposed and factored in batched linear algebra.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from burnoutkit._compat import blas_single_thread
from burnoutkit._result import Result
from burnoutkit.errors import BurnoutkitError, DataError
from burnoutkit.factors.efa import _METHODS, _extract, efa
from burnoutkit.factors.suitability import (
    _check_choice,
    _check_int,
    _check_open_unit,
    _CorrelationInput,
    _prepare_correlation,
)
from burnoutkit.reliability._factor import minres as psych_minres

__all__ = [
    "MAPResult",
    "NFactorsResult",
    "ParallelAnalysisResult",
    "n_factors",
    "parallel_analysis",
    "velicer_map",
]

_CHUNK_BYTES = 64 * 2**20
_LOWER, _UPPER = 0.005, 1.0


# --------------------------------------------------------------------------- batched algebra
def _gram(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a[i].T @ b[i]`` for each data set of two (B, n, p) stacks, one BLAS call each."""
    return np.stack([ai.T @ bi for ai, bi in zip(a, b, strict=True)])


def _batched_corr(x: np.ndarray) -> np.ndarray:
    """Pearson correlations of a stack of complete data sets, shape (B, n, p) -> (B, p, p)."""
    xc = x - x.mean(axis=1, keepdims=True)
    cov = _gram(xc, xc)
    d = np.sqrt(np.einsum("bii->bi", cov))
    return cov / (d[:, :, None] * d[:, None, :])


def _wishart_corr(rng: np.random.Generator, b: int, n_obs: int, p: int) -> np.ndarray:
    """Correlation matrices of ``b`` samples of ``n_obs`` independent standard normal rows.

    The centred cross-product matrix of such a sample is Wishart(I, n - 1); Bartlett's
    decomposition ``W = A A'`` (``A`` lower triangular, ``A_ii^2 ~ chi2(n - i)`` for
    ``i = 1..p``, ``A_ij ~ N(0, 1)`` below the diagonal) draws it exactly from ``p(p + 1)/2``
    random numbers instead of ``n p``.
    """
    a = np.tril(rng.standard_normal((b, p, p)), k=-1)
    idx = np.arange(p)
    a[:, idx, idx] = np.sqrt(rng.chisquare(n_obs - 1 - idx, size=(b, p)))
    w = np.matmul(a, a.transpose(0, 2, 1))
    d = np.sqrt(np.einsum("bii->bi", w))
    return w / (d[:, :, None] * d[:, None, :])


def _batched_pairwise_corr(x: np.ndarray) -> np.ndarray:
    """Pairwise-complete Pearson correlations of a stack of data sets with NaN, (B, n, p)."""
    m = (~np.isnan(x)).astype(float)
    x0 = np.where(m > 0, x, 0.0)
    n = _gram(m, m)
    sx = _gram(x0, m)  # sx[b, i, j]: x_i summed over the rows answering i and j
    sxx = _gram(x0**2, m)
    sxy = _gram(x0, x0)
    sy = sx.transpose(0, 2, 1)
    syy = sxx.transpose(0, 2, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = sxy - sx * sy / n
        r = cov / np.sqrt((sxx - sx**2 / n) * (syy - sy**2 / n))
    idx = np.arange(x.shape[2])
    r[:, idx, idx] = 1.0
    return r


def _batched_minres(
    r: np.ndarray, k: int, *, tol: float = 1e-10, max_iter: int = 5000
) -> np.ndarray:
    """Communalities of the ``k``-factor minres solution of each matrix in a (B, p, p) stack.

    Projected Barzilai-Borwein steps on the uniquenesses along the minres stationarity
    residual ``psi - diag(r - L L')`` (the gradient psych passes to ``optim``; iterated
    principal axes take unit steps along it), from psych's start ``1 - SMC`` and within
    psych's bounds ``[.005, 1]``. Only the matrices not yet converged are decomposed.
    """
    return _projected_minres(r, k, tol=tol, max_iter=max_iter)


def _projected_minres(r: np.ndarray, k: int, *, tol: float, max_iter: int) -> np.ndarray:
    b, p, _ = r.shape
    idx = np.arange(p)
    inv = np.linalg.inv(r)
    smc = np.clip(1.0 - 1.0 / np.einsum("bii->bi", inv), 0.0, 1.0)
    psi = np.clip(1.0 - smc, _LOWER, _UPPER)

    def evaluate(psi: np.ndarray, rr: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Stationarity residual, communalities and least-squares loss at ``psi``."""
        reduced = rr.copy()
        reduced[:, idx, idx] = 1.0 - psi
        w, v = np.linalg.eigh(reduced)
        w, v = w[:, ::-1], v[:, :, ::-1]
        top = np.maximum(w[:, :k], 0.0)
        h2 = np.einsum("bif,bf->bi", v[:, :, :k] ** 2, top)
        loss = (w[:, k:] ** 2).sum(axis=1) + ((w[:, :k] - top) ** 2).sum(axis=1)
        return psi - (1.0 - h2), h2, loss

    g, h2, loss = evaluate(psi, r)
    step = np.ones(b)
    active = np.arange(b)
    for _ in range(max_iter):
        a = active
        trial = np.clip(psi[a] - step[a, None] * g[a], _LOWER, _UPPER)
        g_t, h2_t, loss_t = evaluate(trial, r[a])
        # a Barzilai-Borwein step that does not lower the loss is replaced by the unit
        # (principal-axes) step, which always does: the path stays a descent path from
        # psych's start, as psych's L-BFGS-B does
        worse = loss_t > loss[a] * (1 + 1e-12)
        if worse.any():
            w_idx = a[worse]
            safe = np.clip(psi[w_idx] - g[w_idx], _LOWER, _UPPER)
            g_s, h2_s, loss_s = evaluate(safe, r[w_idx])
            trial[worse], g_t[worse], h2_t[worse], loss_t[worse] = safe, g_s, h2_s, loss_s
        projected = trial - np.clip(trial - g_t, _LOWER, _UPPER)
        s, y = trial - psi[a], g_t - g[a]
        sy = (s * y).sum(axis=1)
        ss = (s * s).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            bb = np.where(sy > 0, ss / sy, 1.0)
        step[a] = np.clip(np.nan_to_num(bb, nan=1.0), 0.05, 20.0)
        psi[a], g[a], h2[a], loss[a] = trial, g_t, h2_t, loss_t
        active = a[np.abs(projected).max(axis=1) >= tol]
        if active.size == 0:
            break
    return h2


def _factor_values(r: np.ndarray, h2: np.ndarray) -> np.ndarray:
    reduced = r.copy()
    idx = np.arange(r.shape[1])
    reduced[:, idx, idx] = h2
    return np.linalg.eigvalsh(reduced)[:, ::-1]


def _leading_exceedances(observed: np.ndarray, threshold: np.ndarray) -> int:
    """Count of leading observed values above the threshold (psych's ``fa.test``)."""
    below = np.nonzero(~(observed > threshold))[0]
    return int(below[0]) if below.size else len(observed)


# --------------------------------------------------------------------------- parallel analysis
@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class ParallelAnalysisResult(Result):
    """Horn's parallel analysis with component and factor eigenvalues, as psych::fa.parallel.

    Attributes
    ----------
    eigenvalues : pandas.DataFrame
        One row per position ``number``: the observed component and factor eigenvalues (the
        scree), the mean, quantile and standard deviation of the simulated (normal data) and
        resampled eigenvalues.
    n_factors : int
        Leading factor eigenvalues above the simulated quantile (psych's ``nfact``).
    n_components : int
        Leading component eigenvalues above the simulated quantile (psych's ``ncomp``).
    n_iter, quantile, method, factors_fitted, n_obs, random_state
        The settings.
    simulated_components, simulated_factors, resampled_components, resampled_factors :
    numpy.ndarray
        Every replicate's eigenvalues, shape (n_iter, n_items); the resampled ones are empty
        for a correlation-matrix input.
    """

    eigenvalues: pd.DataFrame
    n_factors: int
    n_components: int
    n_iter: int
    quantile: float
    method: str
    factors_fitted: int
    n_obs: int
    n_complete: int | None
    missing: str
    random_state: int | None
    simulated_components: np.ndarray
    simulated_factors: np.ndarray
    resampled_components: np.ndarray
    resampled_factors: np.ndarray

    def tidy(self) -> pd.DataFrame:
        """One row per eigenvalue position (see :attr:`eigenvalues`)."""
        return self.eigenvalues.copy()

    def glance(self) -> pd.DataFrame:
        """One row: the suggested numbers and the settings."""
        return pd.DataFrame(
            [
                {
                    "n_factors": self.n_factors,
                    "n_components": self.n_components,
                    "n_iter": self.n_iter,
                    "quantile": self.quantile,
                    "method": self.method,
                    "n_obs": self.n_obs,
                }
            ]
        )


def _simulate(
    rng: np.random.Generator,
    n_iter: int,
    n_obs: int,
    p: int,
    k: int,
    method: str,
    source: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Component and factor eigenvalues of n_iter normal (source None) or resampled data sets."""
    per_set = 8 * p * p * 8 if source is None else 8 * n_obs * p * 4
    chunk = max(1, int(_CHUNK_BYTES // per_set))
    comps, facts = [], []
    done = 0
    while done < n_iter:
        b = min(chunk, n_iter - done)
        if source is None:
            r = _wishart_corr(rng, b, n_obs, p)
        else:
            rows = rng.integers(0, source.shape[0], size=(b, n_obs, p))
            x = np.take_along_axis(source[None, :, :], rows, axis=1)
            if np.isnan(x).any():
                r = _batched_pairwise_corr(x)
                for _ in range(100):
                    bad = np.isnan(r).any(axis=(1, 2))
                    if not bad.any():
                        break
                    rows = rng.integers(0, source.shape[0], size=(int(bad.sum()), n_obs, p))
                    xb = np.take_along_axis(source[None, :, :], rows, axis=1)
                    r[bad] = _batched_pairwise_corr(xb)
            else:
                r = _batched_corr(x)
        comps.append(np.linalg.eigvalsh(r)[:, ::-1])
        if method == "minres":
            facts.append(_factor_values(r, _batched_minres(r, k)))
        else:
            facts.append(np.stack([_extract(m, k, method)[1] for m in r]))
        done += b
    return np.concatenate(comps), np.concatenate(facts)


def parallel_analysis(
    data: pd.DataFrame | np.ndarray,
    /,
    *,
    items: Sequence[str] | None = None,
    n_iter: int = 20,
    quantile: float = 0.95,
    method: Literal["minres", "ml", "pa"] = "minres",
    factors_fitted: int = 1,
    resample: bool = True,
    missing: Literal["pairwise", "listwise"] = "pairwise",
    n_obs: int | None = None,
    random_state: int | np.random.Generator | None = None,
) -> ParallelAnalysisResult:
    r"""Horn's parallel analysis for components and common factors, as ``psych::fa.parallel``.

    Parameters
    ----------
    data : pandas.DataFrame or numpy.ndarray
        Item responses or a correlation matrix (then ``n_obs`` is required and nothing is
        resampled).
    items : list of str, optional
        Item columns; default all columns.
    n_iter : int, default 20
        Number of simulated (and resampled) data sets.
    quantile : float, default 0.95
        Quantile of the simulated eigenvalues an observed eigenvalue must exceed.
    method : {"minres", "ml", "pa"}, default "minres"
        Factor method of the factor eigenvalues.
    factors_fitted : int, default 1
        Factors of the model whose communalities form the reduced matrix (psych's
        ``nfactors``).
    resample : bool, default True
        Also resample the data (each item independently, with replacement), as psych does for
        raw data.
    missing : {"pairwise", "listwise"}, default "pairwise"
        How correlations are computed from incomplete rows; the simulated data sets have as
        many rows as the data used.
    n_obs : int, optional
        Number of rows of the simulated data sets for a correlation-matrix input.
    random_state : int or numpy.random.Generator, optional
        Seed of the simulations.

    Returns
    -------
    ParallelAnalysisResult
        Observed, simulated and resampled eigenvalues and the suggested numbers.

    Raises
    ------
    BurnoutkitError
        If a parameter is out of range.
    DataError
        If a correlation matrix comes without ``n_obs`` or an item is missing or constant.

    Notes
    -----
    Component eigenvalues are those of the correlation matrix :math:`R`; factor eigenvalues are
    those of :math:`R` with the communalities of a ``factors_fitted``-factor solution on its
    diagonal. Each is compared with the ``quantile`` of the same eigenvalue in ``n_iter``
    correlation matrices of :math:`n \times p` independent standard normal variables; the
    suggested number is the count of leading observed eigenvalues above it. Simulated values
    are Monte Carlo estimates: their standard error is the reported ``sd`` divided by
    :math:`\sqrt{n_{iter}}`.

    References
    ----------
    Horn, J. L. (1965). A rationale and test for the number of factors in factor analysis.
    *Psychometrika*, 30(2), 179-185.

    Humphreys, L. G., & Montanelli, R. G. (1975). An investigation of the parallel analysis
    criterion for determining the number of common factors. *Multivariate Behavioral
    Research*, 10(2), 193-205.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> from burnoutkit.datasets import load_bfi
    >>> items = [f"{t}{i}" for t in "ACENO" for i in range(1, 6)]
    >>> bfi = load_bfi()[items].dropna()
    >>> # R: psych::fa.parallel(na.omit(bfi[1:25]), fm = "minres", fa = "both", n.iter = 20)
    >>> res = bk.parallel_analysis(bfi, n_iter=20, random_state=1)
    >>> res.eigenvalues["observed_component"].round(3).head(3).tolist()
    [5.134, 2.752, 2.143]
    >>> res.n_components
    5
    """
    fn = "parallel_analysis"
    n_iter = _check_int(fn, "n_iter", n_iter, 1)
    quantile = _check_open_unit(fn, "quantile", quantile)
    _check_choice(fn, "method", method, _METHODS)
    _check_choice(fn, "resample", resample, (True, False))
    inp = _prepare_correlation(data, items=items, missing=missing, n_obs=n_obs, fn=fn)
    p = len(inp.items)
    k = _check_int(fn, "factors_fitted", factors_fitted, 1, p - 1)
    if inp.n_obs is None:
        raise DataError(
            "parallel_analysis was given a correlation matrix without a sample size; pass "
            "n_obs=, the number of respondents, so that data sets of that size are simulated."
        )
    rng = (
        random_state
        if isinstance(random_state, np.random.Generator)
        else np.random.default_rng(random_state)
    )
    with blas_single_thread():
        return _parallel_analysis(inp, k, n_iter, quantile, method, resample, rng, random_state)


def _parallel_analysis(
    inp: _CorrelationInput,
    k: int,
    n_iter: int,
    quantile: float,
    method: str,
    resample: bool,
    rng: np.random.Generator,
    random_state: int | np.random.Generator | None,
) -> ParallelAnalysisResult:
    p = len(inp.items)
    observed_pc = np.linalg.eigvalsh(inp.r)[::-1]
    if method == "minres":
        # psych's own optimizer path (R's L-BFGS-B settings) for the observed matrix, so the
        # observed factor eigenvalues equal psych's to machine precision
        loadings = psych_minres(inp.r, k)
        observed_fa = _factor_values(inp.r[None], (loadings**2).sum(axis=1)[None])[0]
    else:
        observed_fa = _extract(inp.r, k, method)[1]
    n_sim = int(inp.n_obs or 0)
    sim_pc, sim_fa = _simulate(rng, n_iter, n_sim, p, k, method, None)
    if resample and inp.values is not None:
        res_pc, res_fa = _simulate(rng, n_iter, inp.values.shape[0], p, k, method, inp.values)
    else:
        res_pc = res_fa = np.empty((0, p))

    def summary(draws: np.ndarray, name: str) -> dict[str, np.ndarray]:
        if draws.shape[0] == 0:
            nan = np.full(p, np.nan)
            return {f"{name}_mean": nan, f"{name}_quantile": nan, f"{name}_sd": nan}
        sd = draws.std(axis=0, ddof=1) if draws.shape[0] > 1 else np.full(p, np.nan)
        return {
            f"{name}_mean": draws.mean(axis=0),
            f"{name}_quantile": np.quantile(draws, quantile, axis=0),
            f"{name}_sd": sd,
        }

    table = pd.DataFrame(
        {
            "number": np.arange(1, p + 1),
            "observed_component": observed_pc,
            "observed_factor": observed_fa,
            **summary(sim_pc, "simulated_component"),
            **summary(sim_fa, "simulated_factor"),
            **summary(res_pc, "resampled_component"),
            **summary(res_fa, "resampled_factor"),
        }
    )
    return ParallelAnalysisResult(
        eigenvalues=table,
        n_factors=_leading_exceedances(observed_fa, table["simulated_factor_quantile"].to_numpy()),
        n_components=_leading_exceedances(
            observed_pc, table["simulated_component_quantile"].to_numpy()
        ),
        n_iter=n_iter,
        quantile=quantile,
        method=method,
        factors_fitted=k,
        n_obs=int(n_sim),
        n_complete=inp.n_complete,
        missing=inp.missing,
        random_state=random_state if isinstance(random_state, int) else None,
        simulated_components=sim_pc,
        simulated_factors=sim_fa,
        resampled_components=res_pc,
        resampled_factors=res_fa,
    )


# --------------------------------------------------------------------------- MAP
@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class MAPResult(Result):
    """Velicer's minimum average partial criterion, as ``psych::vss(...)$map``.

    Attributes
    ----------
    map : pandas.Series
        Average squared partial correlation after removing 1, 2, ... components.
    n_factors : int
        The number of components at the minimum.
    """

    map: pd.Series
    n_factors: int

    def tidy(self) -> pd.DataFrame:
        """One row per number of components: ``n_factors, map``."""
        return pd.DataFrame({"n_factors": self.map.index, "map": self.map.to_numpy()})

    def glance(self) -> pd.DataFrame:
        """One row: the suggested number and the minimum."""
        return pd.DataFrame([{"n_factors": self.n_factors, "map_min": float(self.map.min())}])


def _map_values(r: np.ndarray, max_factors: int) -> np.ndarray:
    p = r.shape[0]
    w, v = np.linalg.eigh(r)
    w, v = w[::-1], v[:, ::-1]
    with np.errstate(invalid="ignore"):
        comp = v * np.sqrt(w)
    out = []
    for i in range(1, min(max_factors, p - 1) + 1):
        c = r - comp[:, :i] @ comp[:, :i].T
        d = 1.0 / np.sqrt(np.diag(c))
        rstar = c * np.outer(d, d)
        np.fill_diagonal(rstar, 0.0)
        out.append(float((rstar**2).sum() / (p * (p - 1))))
    return np.array(out)


def velicer_map(
    data: pd.DataFrame | np.ndarray,
    /,
    *,
    items: Sequence[str] | None = None,
    max_factors: int = 8,
    missing: Literal["pairwise", "listwise"] = "pairwise",
) -> MAPResult:
    r"""Velicer's minimum average partial (MAP) criterion for the number of components.

    Parameters
    ----------
    data : pandas.DataFrame or numpy.ndarray
        Item responses or a correlation matrix.
    items : list of str, optional
        Item columns; default all columns.
    max_factors : int, default 8
        Largest number of components removed (psych's ``n``); at most ``n_items - 1``.
    missing : {"pairwise", "listwise"}, default "pairwise"
        How correlations are computed from incomplete rows.

    Returns
    -------
    MAPResult
        The MAP values and the number of components at their minimum.

    Notes
    -----
    With :math:`A_m` the loadings of the first :math:`m` principal components,
    :math:`C_m = R - A_mA_m'` and :math:`R^*_m = D^{-1/2}C_mD^{-1/2}` (:math:`D` the diagonal
    of :math:`C_m`), :math:`\mathrm{MAP}_m = \sum_{i \ne j} (r^*_{m,ij})^2 / (p(p-1))`.
    The criterion picks the :math:`m \ge 1` of the smallest value (psych does not evaluate
    :math:`m = 0`).

    References
    ----------
    Velicer, W. F. (1976). Determining the number of components from the matrix of partial
    correlations. *Psychometrika*, 41(3), 321-327.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> from burnoutkit.datasets import load_bfi
    >>> items = [f"{t}{i}" for t in "ACENO" for i in range(1, 6)]
    >>> res = bk.velicer_map(load_bfi()[items].dropna())  # R: psych::vss(x, 8)$map
    >>> res.n_factors, round(float(res.map[5]), 5)
    (5, 0.01464)
    """
    fn = "velicer_map"
    inp = _prepare_correlation(data, items=items, missing=missing, n_obs=None, fn=fn)
    max_factors = _check_int(fn, "max_factors", max_factors, 1)
    values = _map_values(inp.r, max_factors)
    series = pd.Series(values, index=range(1, len(values) + 1), name="map")
    return MAPResult(map=series, n_factors=int(np.nanargmin(values)) + 1)


# --------------------------------------------------------------------------- side by side
@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class NFactorsResult(Result):
    """Retention criteria side by side.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per criterion: ``criterion, n_factors, rule``.
    parallel : ParallelAnalysisResult
        The parallel analysis (its ``eigenvalues`` table holds the scree).
    map : MAPResult
        Velicer's MAP.
    bic : pandas.Series
        BIC of the ``method`` factor model with 1..``max_factors`` factors.
    vss : pandas.DataFrame
        Very Simple Structure fit of complexity 1 and 2 (``vss1``, ``vss2``) by number of
        factors, as ``psych::vss``.
    """

    table: pd.DataFrame
    parallel: ParallelAnalysisResult
    map: MAPResult
    bic: pd.Series
    vss: pd.DataFrame

    def tidy(self) -> pd.DataFrame:
        """One row per criterion (see :attr:`table`)."""
        return self.table.copy()

    def glance(self) -> pd.DataFrame:
        """One row: the suggestion of each criterion."""
        row = dict(zip(self.table["criterion"], self.table["n_factors"], strict=True))
        return pd.DataFrame([row])


def n_factors(
    data: pd.DataFrame | np.ndarray,
    /,
    *,
    items: Sequence[str] | None = None,
    max_factors: int = 8,
    n_iter: int = 20,
    quantile: float = 0.95,
    method: Literal["minres", "ml", "pa"] = "minres",
    missing: Literal["pairwise", "listwise"] = "pairwise",
    n_obs: int | None = None,
    random_state: int | np.random.Generator | None = None,
) -> NFactorsResult:
    r"""Put the retention criteria side by side: parallel analysis, MAP, Kaiser, BIC, VSS.

    Parameters
    ----------
    data : pandas.DataFrame or numpy.ndarray
        Item responses or a correlation matrix (then ``n_obs`` is required).
    items : list of str, optional
        Item columns; default all columns.
    max_factors : int, default 8
        Largest number of factors examined by MAP and BIC.
    n_iter, quantile, random_state
        Passed to :func:`parallel_analysis`.
    method : {"minres", "ml", "pa"}, default "minres"
        Factor method of the factor eigenvalues and of the BIC fits.
    missing : {"pairwise", "listwise"}, default "pairwise"
        How correlations are computed from incomplete rows.
    n_obs : int, optional
        Sample size for a correlation-matrix input.

    Returns
    -------
    NFactorsResult
        ``table`` with one row per criterion, and the results behind it.

    Notes
    -----
    The criteria: parallel analysis of factor and of component eigenvalues (Horn, 1965), MAP
    (Velicer, 1976), Kaiser-Guttman (component eigenvalues above 1; Kaiser, 1960) and the
    smallest BIC of the factor models, and Very Simple Structure of complexity 1 and 2
    (Revelle & Rocklin, 1979) of varimax-rotated solutions,
    :math:`1 - \sum (R - S_cS_c')^2 / \sum R^2` with :math:`S_c` the pattern keeping each
    item's :math:`c` largest loadings (BIC and VSS as ``psych::vss``). The criteria often
    disagree; the scree (``result.parallel.eigenvalues``) and interpretability decide.

    References
    ----------
    Kaiser, H. F. (1960). The application of electronic computers to factor analysis.
    *Educational and Psychological Measurement*, 20(1), 141-151.

    Schwarz, G. (1978). Estimating the dimension of a model. *The Annals of Statistics*, 6(2),
    461-464.

    Revelle, W., & Rocklin, T. (1979). Very simple structure: An alternative procedure for
    estimating the optimal number of interpretable factors. *Multivariate Behavioral Research*,
    14(4), 403-414.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> from burnoutkit.datasets import load_bfi
    >>> items = [f"{t}{i}" for t in "ACENO" for i in range(1, 6)]
    >>> res = bk.n_factors(load_bfi()[items].dropna(), random_state=1)
    >>> res.table.set_index("criterion")["n_factors"].to_dict()["map"]
    5
    """
    fn = "n_factors"
    max_factors = _check_int(fn, "max_factors", max_factors, 1)
    pa = parallel_analysis(
        data,
        items=items,
        n_iter=n_iter,
        quantile=quantile,
        method=method,
        missing=missing,
        n_obs=n_obs,
        random_state=random_state,
    )
    mp = velicer_map(data, items=items, max_factors=max_factors, missing=missing)
    p = len(pa.eigenvalues)
    top = min(max_factors, p - 1)
    bics, vss_rows = {}, []
    for k in range(1, top + 1):
        fit = efa(data, k, items=items, method=method, rotation=None, missing=missing, n_obs=n_obs)
        bics[k] = fit.bic
        pattern = fit.rotate("varimax") if k > 1 else fit
        r = pattern.correlation_matrix.to_numpy()
        loadings = pattern.loadings.to_numpy()
        vss_rows.append(
            {
                "n_factors": k,
                "vss1": _vss_fit(r, loadings, 1),
                "vss2": _vss_fit(r, loadings, 2) if k > 1 else np.nan,
            }
        )
    bic = pd.Series(bics, name="bic", dtype=float)
    vss = pd.DataFrame(vss_rows)
    kaiser = int((pa.eigenvalues["observed_component"] > 1).sum())
    if bic.notna().any():
        best_bic = int(bic.idxmin())
    else:
        raise BurnoutkitError(
            "No factor model has positive degrees of freedom; lower max_factors."
        )
    q = f"{pa.quantile:.0%}"
    table = pd.DataFrame(
        [
            {
                "criterion": "parallel_factors",
                "n_factors": pa.n_factors,
                "rule": f"factor eigenvalues above the {q} quantile of {pa.n_iter} simulations",
            },
            {
                "criterion": "parallel_components",
                "n_factors": pa.n_components,
                "rule": f"component eigenvalues above the {q} quantile of {pa.n_iter} simulations",
            },
            {
                "criterion": "map",
                "n_factors": mp.n_factors,
                "rule": "minimum average squared partial correlation (Velicer)",
            },
            {
                "criterion": "kaiser",
                "n_factors": kaiser,
                "rule": "component eigenvalues above 1 (Kaiser-Guttman)",
            },
            {
                "criterion": "bic",
                "n_factors": best_bic,
                "rule": f"smallest BIC of the {method} models with 1 to {top} factors",
            },
            {
                "criterion": "vss1",
                "n_factors": int(vss["vss1"].idxmax()) + 1,
                "rule": "largest Very Simple Structure fit, complexity 1 (varimax)",
            },
            {
                "criterion": "vss2",
                "n_factors": int(vss["vss2"].idxmax()) + 1 if top > 1 else 1,
                "rule": "largest Very Simple Structure fit, complexity 2 (varimax)",
            },
        ]
    )
    return NFactorsResult(table=table, parallel=pa, map=mp, bic=bic, vss=vss)


def _vss_fit(r: np.ndarray, loadings: np.ndarray, complexity: int) -> float:
    """VSS fit as psych's ``vss``: each item's ``complexity`` largest loadings reproduce R."""
    simple = np.zeros_like(loadings)
    order = np.argsort(-np.abs(loadings), axis=1, kind="stable")[:, :complexity]
    rows = np.arange(loadings.shape[0])[:, None]
    simple[rows, order] = loadings[rows, order]
    residual = r - simple @ simple.T
    return float(1.0 - (residual**2).sum() / (r**2).sum())
