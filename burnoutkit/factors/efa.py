"""Exploratory factor analysis as psych::fa computes and reports it.

Extraction: ``minres`` and ``ml`` by factor_analyzer (the same objective functions and bounds as
``psych::fa``), ``pa`` by psych's iterated principal axes. Rotation: :mod:`.rotation`. Fit
statistics, variance accounted for, item flags and congruence with an item bank: here.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from scipy import optimize, stats

from burnoutkit._compat import fit_factor_analyzer
from burnoutkit._result import Result
from burnoutkit.errors import (
    BurnoutkitError,
    ConvergenceWarning,
    DataError,
    HeywoodCaseWarning,
)
from burnoutkit.factors.rotation import ROTATIONS, rotate_loadings
from burnoutkit.factors.suitability import (
    _check_choice,
    _check_int,
    _prepare_correlation,
    _warn_if_not_positive_definite,
)

if TYPE_CHECKING:
    from burnoutkit.banks.model import ItemBank

__all__ = ["EFAResult", "efa"]

Method = Literal["minres", "ml", "pa"]
Rotation = Literal["oblimin", "geomin", "promax", "varimax"]
_METHODS = ("minres", "ml", "pa")
_ROTATIONS = (*ROTATIONS, None)
_PREFIX = {"minres": "MR", "ml": "ML", "pa": "PA"}
_HEYWOOD = 0.99
_PA_MIN_ERR = 0.001
_PA_MAX_ITER = 50
_ALPHA = 0.1  # psych::fa's default: a 90% RMSEA interval


# --------------------------------------------------------------------------- result
@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class EFAResult(Result):
    """An exploratory factor analysis: loadings, factor correlations, fit and item flags.

    Attributes
    ----------
    loadings : pandas.DataFrame
        Pattern loadings, items x factors (psych's ``loadings``).
    structure : pandas.DataFrame
        Structure matrix ``loadings @ factor_correlations`` (psych's ``Structure``).
    factor_correlations : pandas.DataFrame
        Factor correlations (psych's ``Phi``); the identity for orthogonal or no rotation.
    unrotated : pandas.DataFrame
        Unrotated loadings, the start of :meth:`rotate`.
    rotation_matrix : pandas.DataFrame or None
        ``loadings = unrotated @ rotation_matrix`` before factor reordering (psych's
        ``rot.mat``).
    communalities, uniquenesses : pandas.Series
        ``h2`` (diagonal of the common-factor model) and ``u2 = 1 - h2``.
    complexity : pandas.Series
        Hofmann's item complexity of the pattern.
    eigenvalues : pandas.Series
        Eigenvalues of the correlation matrix with communalities on the diagonal (psych's
        ``values``).
    eigenvalues_observed : pandas.Series
        Eigenvalues of the correlation matrix (psych's ``e.values``).
    variance : pandas.DataFrame
        One row per factor: ``factor, ss_loadings, proportion_var, cumulative_var,
        proportion_explained, cumulative_proportion`` (psych's ``Vaccounted``).
    chi_square, df, p_value, objective : float
        Likelihood-ratio chi-square with Bartlett's correction (psych's ``STATISTIC``), its
        degrees of freedom (``dof``), p-value (``PVAL``) and the ML fit function (``objective``).
    chi_square_empirical, p_value_empirical : float
        Empirical chi-square from the residuals (``chi``, ``EPVAL``).
    rmsea, rmsea_ci_low, rmsea_ci_high : float
        RMSEA and its confidence interval at ``confidence_level`` (``RMSEA``).
    tli, bic, sabic, ebic, esabic : float
        Tucker-Lewis index, BIC, sample-size adjusted BIC and their empirical versions.
    rmsr, crms : float
        Root mean square of the off-diagonal residuals (``rms``) and its df-corrected version.
    fit, fit_off : float
        Share of the squared correlations reproduced (all, off-diagonal).
    null_chi_square, null_df, null_objective : float
        The independence model.
    flags : pandas.DataFrame
        One row per item: primary factor and loading, cross-loadings and the flags
        ``low_primary``, ``cross_loading``, ``heywood`` (and ``misplaced`` with a bank).
    congruence : pandas.DataFrame or None
        Tucker congruence of each factor (rows) with each scale of the bank (columns).
    factor_scales : dict
        Factor -> matched bank scale (Hungarian matching on absolute congruence).
    n_obs : int or None
        Sample size of the fit statistics (rows used; None for a matrix without ``n_obs``).
    n_rows, n_complete : int or None
        Rows in the data and rows with every item answered.
    warnings : tuple of str
        Every warning the fit emitted.
    """

    loadings: pd.DataFrame
    structure: pd.DataFrame
    factor_correlations: pd.DataFrame
    unrotated: pd.DataFrame
    rotation_matrix: pd.DataFrame | None
    communalities: pd.Series
    uniquenesses: pd.Series
    complexity: pd.Series
    eigenvalues: pd.Series
    eigenvalues_observed: pd.Series
    variance: pd.DataFrame
    n_factors: int
    method: str
    rotation: str | None
    correlation: str
    missing: str
    n_obs: int | None
    n_rows: int | None
    n_complete: int | None
    chi_square: float
    df: float
    p_value: float
    objective: float
    chi_square_empirical: float
    p_value_empirical: float
    rmsea: float
    rmsea_ci_low: float
    rmsea_ci_high: float
    confidence_level: float
    tli: float
    bic: float
    sabic: float
    ebic: float
    esabic: float
    rmsr: float
    crms: float
    fit: float
    fit_off: float
    null_chi_square: float
    null_df: float
    null_objective: float
    harmonic_n: float
    flags: pd.DataFrame
    congruence: pd.DataFrame | None
    factor_scales: dict[str, str]
    converged: bool
    correlation_matrix: pd.DataFrame
    pairwise_n: pd.DataFrame | None
    bank: ItemBank | None = field(default=None, repr=False)
    primary_threshold: float = 0.40
    cross_threshold: float = 0.30
    warnings: tuple[str, ...] = ()

    def tidy(self) -> pd.DataFrame:
        """One row per item and factor: ``item, factor, loading, structure, primary``."""
        long = self.loadings.stack().rename("loading").reset_index()
        long.columns = ["item", "factor", "loading"]
        long["structure"] = self.structure.stack().to_numpy()
        primary = self.flags.set_index("item")["primary_factor"]
        long["primary"] = long["factor"].to_numpy() == primary.loc[long["item"]].to_numpy()
        if self.bank is not None:
            scale_of = {item.id: item.scale for item in self.bank.items}
            long.insert(1, "scale", long["item"].map(scale_of))
        return long

    def glance(self) -> pd.DataFrame:
        """One row: the model and its fit statistics."""
        return pd.DataFrame(
            [
                {
                    "n_factors": self.n_factors,
                    "method": self.method,
                    "rotation": self.rotation,
                    "n_obs": self.n_obs,
                    "chi_square": self.chi_square,
                    "df": self.df,
                    "p_value": self.p_value,
                    "rmsea": self.rmsea,
                    "rmsea_ci_low": self.rmsea_ci_low,
                    "rmsea_ci_high": self.rmsea_ci_high,
                    "tli": self.tli,
                    "bic": self.bic,
                    "rmsr": self.rmsr,
                    "converged": self.converged,
                }
            ]
        )

    def fit_statistics(self) -> pd.DataFrame:
        """All fit statistics as a one-column table indexed by their psych names."""
        names = {
            "STATISTIC": self.chi_square,
            "dof": self.df,
            "PVAL": self.p_value,
            "objective": self.objective,
            "chi": self.chi_square_empirical,
            "EPVAL": self.p_value_empirical,
            "RMSEA": self.rmsea,
            "RMSEA.lower": self.rmsea_ci_low,
            "RMSEA.upper": self.rmsea_ci_high,
            "TLI": self.tli,
            "BIC": self.bic,
            "SABIC": self.sabic,
            "EBIC": self.ebic,
            "ESABIC": self.esabic,
            "rms": self.rmsr,
            "crms": self.crms,
            "fit": self.fit,
            "fit.off": self.fit_off,
            "null.chisq": self.null_chi_square,
            "null.dof": self.null_df,
            "null.model": self.null_objective,
        }
        return pd.DataFrame({"value": pd.Series(names, dtype=float)})

    def rotate(self, rotation: Rotation | None) -> EFAResult:
        """Return a new result with the same extraction and another rotation.

        Parameters
        ----------
        rotation : {"oblimin", "geomin", "promax", "varimax"} or None
            The rotation to apply to :attr:`unrotated`.

        Returns
        -------
        EFAResult
            A new result; this one is unchanged.

        Examples
        --------
        >>> import burnoutkit as bk
        >>> from burnoutkit.datasets import load_bfi
        >>> items = [f"{t}{i}" for t in "ACENO" for i in range(1, 6)]
        >>> res = bk.efa(load_bfi()[items].dropna(), 5)
        >>> res.rotate("varimax").rotation
        'varimax'
        >>> res.rotation
        'oblimin'
        """
        _check_choice("EFAResult.rotate", "rotation", rotation, _ROTATIONS)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = _assemble(
                r=self.correlation_matrix.to_numpy(),
                items=list(self.loadings.index),
                unrotated=self.unrotated.to_numpy(),
                eigenvalues=self.eigenvalues.to_numpy(),
                rotation=rotation,
                method=self.method,
                correlation=self.correlation,
                missing=self.missing,
                n_obs=self.n_obs,
                np_obs=None if self.pairwise_n is None else self.pairwise_n.to_numpy(),
                n_rows=self.n_rows,
                n_complete=self.n_complete,
                bank=self.bank,
                primary_threshold=self.primary_threshold,
                cross_threshold=self.cross_threshold,
                extraction_messages=[],
                extraction_converged=self.converged,
            )
        for w in caught:
            warnings.warn(w.message, w.category, stacklevel=2)
        return out


# --------------------------------------------------------------------------- extraction
def _smc(r: np.ndarray) -> np.ndarray:
    """Squared multiple correlations clipped to [0, 1], as ``psych::smc``."""
    inv = np.linalg.pinv(r)
    s = 1.0 - 1.0 / np.diag(inv)
    return np.clip(s, 0.0, 1.0)


def _principal_axes(r: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Psych's ``fm = "pa"``: iterated principal axes from SMCs (min.err .001, 50 iterations)."""
    rmat = r.copy()
    np.fill_diagonal(rmat, _smc(r))
    comm = float(np.trace(rmat))
    messages: list[str] = []
    values = np.linalg.eigvalsh(rmat)[::-1]
    loadings = np.zeros((r.shape[0], k))
    i = 1
    err = comm
    while err > _PA_MIN_ERR:
        w, v = np.linalg.eigh(rmat)
        values, vectors = w[::-1], v[:, ::-1]
        if np.any(values[:k] < 0):
            messages.append(
                "Principal axes met a negative eigenvalue of the reduced correlation matrix "
                f"at iteration {i}; the solution is not trustworthy. Try method='minres'."
            )
            break
        loadings = vectors[:, :k] * np.sqrt(values[:k])
        new = (loadings**2).sum(axis=1)
        comm1 = float(new.sum())
        np.fill_diagonal(rmat, new)
        err = abs(comm - comm1)
        comm = comm1
        i += 1
        if i > _PA_MAX_ITER:
            messages.append(
                f"Principal axes stopped after {_PA_MAX_ITER} iterations (psych's limit) with "
                f"the communalities still changing by {err:.2g}; use method='minres'."
            )
            break
    return loadings, values, messages


def _extract(r: np.ndarray, k: int, method: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Unrotated loadings, ``values`` as psych reports them, and convergence messages."""
    if method == "pa":
        loadings, values, messages = _principal_axes(r, k)
    else:
        loadings, engine_messages = fit_factor_analyzer(r, k, method)
        messages = [
            f"The {method} extraction of {k} factor(s) stopped before converging ({text}); "
            "the loadings may be off. Extract fewer factors or check the items for "
            "near-duplicates."
            for text in engine_messages
        ]
        reduced = r.copy()
        np.fill_diagonal(reduced, (loadings**2).sum(axis=1))
        values = np.linalg.eigvalsh(reduced)[::-1]
    signs = np.sign(loadings.sum(axis=0))
    signs[signs == 0] = 1.0
    loadings = loadings * signs
    loadings[loadings == 0] = 1e-15
    return loadings, values, messages


# --------------------------------------------------------------------------- fit statistics
def _cor_smooth(x: np.ndarray) -> np.ndarray:
    """psych::cor.smooth: repair a non-positive-definite correlation matrix (else unchanged)."""
    values, vectors = np.linalg.eigh(x)
    if values.min() >= np.finfo(float).eps:
        return x
    values = np.where(values < 1e-12, 100 * 1e-12, values)
    values = values * x.shape[0] / values.sum()
    out = (vectors * values) @ vectors.T
    d = np.sqrt(np.diag(out))
    return out / np.outer(d, d)


def _rmsea_bound(statistic: float, df: float, n_obs: int, target: float) -> float:
    upper = max(n_obs, statistic) + 2 * n_obs

    def f(ncp: float) -> float:
        return float(stats.ncx2.cdf(statistic, df, ncp)) - target if ncp > 0 else float(
            stats.chi2.cdf(statistic, df)
        ) - target

    try:
        root = optimize.brentq(f, 0.0, upper, xtol=1e-12, rtol=1e-14, maxiter=500)
    except ValueError:
        return float("nan")
    return float(np.sqrt(root / (n_obs - 1) / df))


def _fit_statistics(
    r: np.ndarray,
    f: np.ndarray,
    phi: np.ndarray,
    n_obs: int | None,
    np_obs: np.ndarray | None,
) -> dict[str, float]:
    """psych::factor.stats (psych 2.2.9) for a correlation matrix, pattern and Phi."""
    n = r.shape[0]
    k = f.shape[1]
    nan = float("nan")
    model = f @ phi @ f.T
    residual = r - model
    r2 = float((r * r).sum())
    rstar2 = float((residual * residual).sum())
    dof = n * (n - 1) / 2 - n * k + k * (k - 1) / 2
    off = residual.copy()
    np.fill_diagonal(off, 0.0)
    out: dict[str, float] = {"dof": dof}
    if np_obs is None:
        nobs = nan if n_obs is None else float(n_obs)
        rstar_off = float((off**2).sum())
        r2_off = r2 - float(np.trace(r))
        chi = rstar_off * nobs
        nh = nobs
        rms = np.sqrt(rstar_off / (n * (n - 1)))
        crms = np.sqrt(rstar_off / (2 * dof)) if dof > 0 else nan
    else:
        rstar_off = float((off**2 * np_obs).sum())
        rr = r * r * np_obs
        r2_off = float(rr.sum() - np.trace(rr))
        chi = rstar_off
        nh = float(stats.hmean(np_obs.ravel()))
        rms = np.sqrt(rstar_off / (nh * n * (n - 1)))
        crms = np.sqrt(rstar_off / (2 * nh * dof)) if dof > 0 else nan
    out.update(chi=chi, nh=nh, rms=float(rms), crms=float(crms))
    if dof > 0 and np.isfinite(chi):
        out["EPVAL"] = float(stats.chi2.sf(chi, dof))
        out["EBIC"] = float(chi - dof * np.log(nh))
        out["ESABIC"] = float(chi - dof * np.log((nh + 2) / 24))
    else:
        out.update(EPVAL=nan, EBIC=nan, ESABIC=nan)
    out["fit"] = 1 - rstar2 / r2
    out["fit_off"] = 1 - rstar_off / r2_off
    model_full = model.copy()
    np.fill_diagonal(model_full, np.diag(r))
    model_full = _cor_smooth(model_full)
    rs = _cor_smooth(r)
    try:
        m_inv_r = np.linalg.solve(model_full, rs)
    except np.linalg.LinAlgError:
        m_inv_r = np.eye(n)
    sign, logdet = np.linalg.slogdet(m_inv_r)
    objective = float(np.trace(m_inv_r) - logdet - n) if sign > 0 else rstar2
    out["objective"] = objective
    sign0, logdet0 = np.linalg.slogdet(rs)
    f0 = float(np.trace(rs) - logdet0 - n) if sign0 > 0 else r2
    out["null_model"] = f0
    out["null_dof"] = n * (n - 1) / 2
    keys = ("STATISTIC", "PVAL", "null_chisq", "TLI", "RMSEA", "RMSEA_L", "RMSEA_U", "BIC")
    out.update(dict.fromkeys(keys, nan))
    out["SABIC"] = nan
    if n_obs is None:
        return out
    nm = (n_obs - 1) - (2 * n + 5) / 6 - 2 * k / 3
    chisq = objective * nm
    statistic = max(chisq, 0.0) if np.isfinite(chisq) else chisq
    out["STATISTIC"] = statistic
    out["PVAL"] = float(stats.chi2.sf(statistic, dof)) if dof > 0 else nan
    out["null_chisq"] = f0 * ((n_obs - 1) - (2 * n + 5) / 6)
    m0 = f0 * 2 / (n * (n - 1))
    mm = objective / dof if dof != 0 else nan
    out["TLI"] = (m0 - mm) / (m0 - 1 / nm)
    if dof > 0:
        rmsea = float(np.sqrt(max(chisq / (dof * n_obs) - 1 / (n_obs - 1), 0.0)))
        tail = _ALPHA / 2
        p_stat = float(stats.chi2.cdf(statistic, dof))
        upper = _rmsea_bound(statistic, dof, n_obs, tail) if p_stat > tail else 0.0
        if np.isnan(upper) and rmsea <= 0:
            upper = 0.0
        lower = _rmsea_bound(statistic, dof, n_obs, 1 - tail) if p_stat > 1 - tail else 0.0
        if not np.isnan(upper) and upper < rmsea:
            upper = nan
        if not np.isnan(lower) and lower > rmsea:
            lower = nan
        out.update(RMSEA=rmsea, RMSEA_L=lower, RMSEA_U=upper)
        out["BIC"] = float(chisq - dof * np.log(n_obs))
        out["SABIC"] = float(chisq - dof * np.log((n_obs + 2) / 24))
    return out


# --------------------------------------------------------------------------- banks
def _key_matrix(bank: ItemBank, items: list[str]) -> pd.DataFrame:
    """Items x scales: the item's key (+1/-1) in its scale's column, 0 elsewhere."""
    scales = [s for s in bank.scale_ids if any(i.scale == s and i.id in items for i in bank.items)]
    keys = pd.DataFrame(0.0, index=items, columns=scales)
    for item in bank.items:
        if item.id in keys.index and item.scale in keys.columns:
            keys.loc[item.id, item.scale] = float(item.keyed)
    return keys


def _congruence(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Tucker's congruence coefficients between the columns of x and the columns of y."""
    num = x.T @ y
    den = np.sqrt(np.outer((x**2).sum(axis=0), (y**2).sum(axis=0)))
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / den


# --------------------------------------------------------------------------- assembly
def _assemble(
    *,
    r: np.ndarray,
    items: list[str],
    unrotated: np.ndarray,
    eigenvalues: np.ndarray,
    rotation: str | None,
    method: str,
    correlation: str,
    missing: str,
    n_obs: int | None,
    np_obs: np.ndarray | None,
    n_rows: int | None,
    n_complete: int | None,
    bank: ItemBank | None,
    primary_threshold: float,
    cross_threshold: float,
    extraction_messages: list[str],
    extraction_converged: bool,
) -> EFAResult:
    k = unrotated.shape[1]
    messages = list(extraction_messages)
    for text in extraction_messages:
        warnings.warn(text, ConvergenceWarning, stacklevel=4)
    converged = extraction_converged
    rot = rotation if k > 1 else None
    rot_mat: np.ndarray | None = None
    if rot is None:
        L = unrotated.copy()
        phi = np.eye(k)
    else:
        outcome = rotate_loadings(unrotated, rot)
        L, phi, rot_mat = outcome.loadings, outcome.phi, outcome.rotation_matrix
        if not outcome.converged:
            converged = False
            text = (
                f"The {rot} rotation did not converge in 1000 iterations (projected gradient "
                f"{outcome.gradient_norm:.2g} > 1e-5); the loadings may not be at a minimum of "
                "the criterion. Try another rotation or fewer factors."
            )
            messages.append(text)
            warnings.warn(text, ConvergenceWarning, stacklevel=4)
    signs = np.sign(L.sum(axis=0))
    signs[signs == 0] = 1.0
    L = L * signs
    phi = phi * np.outer(signs, signs)
    if rot_mat is not None:
        rot_mat = rot_mat * signs
    ev_rotated = np.diag(phi @ L.T @ L)
    order = list(np.argsort(-ev_rotated, kind="stable"))

    # ---- congruence with the bank and bank-based ordering
    congruence = None
    key_columns: list[str] = []
    factor_scales: dict[int, str] = {}
    if bank is not None:
        keys = _key_matrix(bank, items)
        if keys.shape[1] > 0:
            cong = _congruence(L, keys.to_numpy())
            rows, cols = optimize.linear_sum_assignment(-np.abs(np.nan_to_num(cong)))
            factor_scales = {int(i): str(keys.columns[j]) for i, j in zip(rows, cols, strict=True)}
            scale_rank = {s: n for n, s in enumerate(keys.columns)}
            matched = sorted(factor_scales, key=lambda f: scale_rank[factor_scales[f]])
            order = matched + [f for f in order if f not in factor_scales]
            for f, s in factor_scales.items():
                j = list(keys.columns).index(s)
                if cong[f, j] < 0:
                    L[:, f] = -L[:, f]
                    phi[f, :] = -phi[f, :]
                    phi[:, f] = -phi[:, f]
                    if rot_mat is not None:
                        rot_mat[:, f] = -rot_mat[:, f]
            congruence = _congruence(L, keys.to_numpy())
            key_columns = list(keys.columns)
    L = L[:, order]
    phi = phi[np.ix_(order, order)]
    names = [f"{_PREFIX[method]}{i + 1}" for i in range(k)]
    scale_by_name = {
        names[pos]: factor_scales[f] for pos, f in enumerate(order) if f in factor_scales
    }
    structure = L @ phi
    model = unrotated @ unrotated.T
    h2 = np.diag(model).copy()
    u2 = np.diag(r - model).copy()
    complexity = (L**2).sum(axis=1) ** 2 / (L**4).sum(axis=1)
    vx = np.diag(phi @ L.T @ L)
    vtotal = float((h2 + u2).sum())
    variance = pd.DataFrame(
        {
            "factor": names,
            "ss_loadings": vx,
            "proportion_var": vx / vtotal,
            "cumulative_var": np.cumsum(vx / vtotal),
            "proportion_explained": vx / vx.sum(),
            "cumulative_proportion": np.cumsum(vx / vx.sum()),
        }
    )
    fitstats = _fit_statistics(r, L, phi, n_obs, np_obs)

    # ---- flags
    absL = np.abs(L)
    primary = absL.argmax(axis=1)
    rows_out = []
    heywood_items = []
    for i, item in enumerate(items):
        p = primary[i]
        cross = [names[j] for j in range(k) if j != p and absL[i, j] > cross_threshold]
        row = {
            "item": item,
            "primary_factor": names[p],
            "primary_loading": L[i, p],
            "cross_factors": ", ".join(cross),
            "communality": h2[i],
            "low_primary": bool(absL[i, p] < primary_threshold),
            "cross_loading": bool(cross),
            "heywood": bool(h2[i] >= _HEYWOOD),
        }
        if h2[i] >= _HEYWOOD:
            heywood_items.append(item)
        rows_out.append(row)
    flags = pd.DataFrame(rows_out)
    if bank is not None:
        scale_of = {item.id: item.scale for item in bank.items}
        flags.insert(1, "scale", flags["item"].map(scale_of))
        factor_of_scale = {s: f for f, s in scale_by_name.items()}
        expected = flags["scale"].map(factor_of_scale)
        flags["misplaced"] = expected.notna() & (expected != flags["primary_factor"])
    if heywood_items:
        text = (
            f"Heywood case: items {heywood_items} have communalities of .99 or more (residual "
            "variance at the estimator's bound); their loadings and the fit are not "
            "trustworthy. Extract fewer factors, or drop or merge near-duplicate items."
        )
        messages.append(text)
        warnings.warn(text, HeywoodCaseWarning, stacklevel=4)

    cong_frame = None
    if congruence is not None:
        cong_frame = pd.DataFrame(congruence[order], index=names, columns=key_columns)

    def frame(m: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(m, index=items, columns=names)

    return EFAResult(
        loadings=frame(L),
        structure=frame(structure),
        factor_correlations=pd.DataFrame(phi, index=names, columns=names),
        unrotated=pd.DataFrame(
            unrotated, index=items, columns=[f"U{i + 1}" for i in range(k)]
        ),
        rotation_matrix=None
        if rot_mat is None
        else pd.DataFrame(
            rot_mat[:, order], index=[f"U{i + 1}" for i in range(k)], columns=names
        ),
        communalities=pd.Series(h2, index=items, name="communality"),
        uniquenesses=pd.Series(u2, index=items, name="uniqueness"),
        complexity=pd.Series(complexity, index=items, name="complexity"),
        eigenvalues=pd.Series(eigenvalues, index=range(1, len(items) + 1), name="eigenvalue"),
        eigenvalues_observed=pd.Series(
            np.linalg.eigvalsh(r)[::-1], index=range(1, len(items) + 1), name="eigenvalue"
        ),
        variance=variance,
        n_factors=k,
        method=method,
        rotation=rot,
        correlation=correlation,
        missing=missing,
        n_obs=n_obs,
        n_rows=n_rows,
        n_complete=n_complete,
        chi_square=fitstats["STATISTIC"],
        df=fitstats["dof"],
        p_value=fitstats["PVAL"],
        objective=fitstats["objective"],
        chi_square_empirical=fitstats["chi"],
        p_value_empirical=fitstats["EPVAL"],
        rmsea=fitstats["RMSEA"],
        rmsea_ci_low=fitstats["RMSEA_L"],
        rmsea_ci_high=fitstats["RMSEA_U"],
        confidence_level=1 - _ALPHA,
        tli=fitstats["TLI"],
        bic=fitstats["BIC"],
        sabic=fitstats["SABIC"],
        ebic=fitstats["EBIC"],
        esabic=fitstats["ESABIC"],
        rmsr=fitstats["rms"],
        crms=fitstats["crms"],
        fit=fitstats["fit"],
        fit_off=fitstats["fit_off"],
        null_chi_square=fitstats["null_chisq"],
        null_df=fitstats["null_dof"],
        null_objective=fitstats["null_model"],
        harmonic_n=fitstats["nh"],
        flags=flags,
        congruence=cong_frame,
        factor_scales=scale_by_name,
        converged=converged,
        correlation_matrix=pd.DataFrame(r, index=items, columns=items),
        pairwise_n=None if np_obs is None else pd.DataFrame(np_obs, index=items, columns=items),
        bank=bank,
        primary_threshold=primary_threshold,
        cross_threshold=cross_threshold,
        warnings=tuple(messages),
    )


# --------------------------------------------------------------------------- public function
def efa(
    data: pd.DataFrame | np.ndarray,
    /,
    n_factors: int,
    *,
    bank: ItemBank | None = None,
    items: Sequence[str] | None = None,
    method: Method = "minres",
    rotation: Rotation | None = "oblimin",
    correlation: Literal["pearson", "polychoric"] = "pearson",
    missing: Literal["pairwise", "listwise"] = "pairwise",
    n_obs: int | None = None,
    primary_threshold: float = 0.40,
    cross_threshold: float = 0.30,
) -> EFAResult:
    r"""Exploratory factor analysis with psych's extraction, rotation and fit statistics.

    Parameters
    ----------
    data : pandas.DataFrame or numpy.ndarray
        Item responses (rows are respondents) or a correlation matrix with item names as index
        and columns (then give ``n_obs`` for the fit statistics).
    n_factors : int
        Number of factors, in ``[1, n_items - 1]``.
    bank : ItemBank, optional
        The intended structure. Items default to the bank's items; factors are matched to
        scales (Hungarian algorithm on absolute Tucker congruence), ordered as the scales and
        signed so that the congruence with their scale is positive.
    items : list of str, optional
        Item columns; default the bank's items, else all columns.
    method : {"minres", "ml", "pa"}, default "minres"
        Minimum residual (unweighted least squares), maximum likelihood or iterated principal
        axes, as ``psych::fa(fm=)``.
    rotation : {"oblimin", "geomin", "promax", "varimax"} or None, default "oblimin"
        ``oblimin`` is quartimin (GPArotation's ``oblimin``), ``geomin`` is ``geominQ``
        (oblique, delta = .01), ``promax`` is psych's Kaiser-normalized promax (m = 4),
        ``varimax`` is ``stats::varimax``. A single factor is never rotated.
    correlation : {"pearson", "polychoric"}, default "pearson"
        Correlations computed from raw data; ``"polychoric"`` uses
        :func:`burnoutkit.correlation`.
    missing : {"pairwise", "listwise"}, default "pairwise"
        ``"pairwise"`` (psych's default) correlates each pair of items over the rows answering
        both, and weights the empirical fit statistics by the pairwise counts;
        ``"listwise"`` keeps the rows that answer every item. ``n_rows`` and ``n_complete``
        are reported either way.
    n_obs : int, optional
        Sample size for a correlation-matrix input (or to override the number of rows).
    primary_threshold, cross_threshold : float, default .40 and .30
        An item is flagged when its largest absolute pattern loading is below
        ``primary_threshold`` or another one exceeds ``cross_threshold``.

    Returns
    -------
    EFAResult
        Loadings, structure, factor correlations, communalities, variance accounted for, fit
        statistics, item flags and, with a bank, congruence with the intended scales.

    Raises
    ------
    BurnoutkitError
        If a parameter is out of range.
    DataError
        If an item is missing, constant or not numeric, or correlations cannot be computed.

    Warns
    -----
    HeywoodCaseWarning
        If a communality reaches .99 (the items are named).
    ConvergenceWarning
        If the extraction or the rotation stopped before converging.
    NonPositiveDefiniteWarning
        If the correlation matrix is not positive definite (the items most involved are
        named); the fit statistics then use psych's smoothed matrix.

    Notes
    -----
    ``minres`` minimizes :math:`\sum_{i<j}(r_{ij} - \sum_f \lambda_{if}\lambda_{jf})^2`
    over the uniquenesses :math:`\psi_i \in [.005, 1]`, ``ml`` minimizes
    :math:`\operatorname{tr}(\Sigma^{-1}R) - \ln|\Sigma^{-1}R| - p`
    with :math:`\Sigma = \Lambda\Lambda' + \Psi`; both start from
    :math:`\psi_i = 1 - \mathrm{SMC}_i`. After rotation each factor is signed so that its
    loadings sum to a positive number and factors are ordered by the variance they account
    for, :math:`\operatorname{diag}(\Phi\Lambda'\Lambda)` (psych's order), unless a bank
    orders them.

    The fit statistics follow ``psych::factor.stats``: with :math:`F` the ML fit function of
    the model-implied correlation matrix, :math:`n` observations, :math:`p` items and
    :math:`k` factors,

    .. math::

        \chi^2 = F\Big(n - 1 - \frac{2p + 5}{6} - \frac{2k}{3}\Big),\quad
        df = \frac{p(p-1)}{2} - pk + \frac{k(k-1)}{2},

    :math:`\mathrm{RMSEA} = \sqrt{\max(\chi^2/(df\,n) - 1/(n-1), 0)}` with a
    non-central chi-square interval, :math:`\mathrm{TLI} = (M_0 - M_k)/(M_0 - 1/m)` with
    :math:`M = F/df`, :math:`\mathrm{BIC} = \chi^2 - df\ln n`, and
    :math:`\mathrm{RMSR} = \sqrt{\sum_{i\ne j} e_{ij}^2 / (p(p-1))}` of the residuals
    :math:`e`. Tucker's congruence of factor :math:`x` with scale key :math:`y` is
    :math:`\sum x y / \sqrt{\sum x^2 \sum y^2}`.

    References
    ----------
    Harman, H. H., & Jones, W. H. (1966). Factor analysis by minimizing residuals (minres).
    *Psychometrika*, 31(3), 351-368.

    Jennrich, R. I. (2002). A simple general method for oblique rotation. *Psychometrika*,
    67(1), 7-19.

    Bernaards, C. A., & Jennrich, R. I. (2005). Gradient projection algorithms and software
    for arbitrary rotation criteria in factor analysis. *Educational and Psychological
    Measurement*, 65(5), 676-696.

    Tucker, L. R. (1951). *A method for synthesis of factor analysis studies* (Personnel
    Research Section Report No. 984). Department of the Army.

    Revelle, W. (2022). *psych: Procedures for psychological, psychometric, and personality
    research* (R package version 2.2.9).

    Examples
    --------
    >>> import burnoutkit as bk
    >>> from burnoutkit.datasets import load_bfi
    >>> items = [f"{t}{i}" for t in "ACENO" for i in range(1, 6)]
    >>> bfi = load_bfi()[items].dropna()
    >>> res = bk.efa(bfi, 5)  # R: psych::fa(na.omit(bfi[1:25]), 5)
    >>> round(float(res.loadings.loc["N1", "MR1"]), 2)
    0.83
    >>> round(res.rmsea, 4), round(res.tli, 4), res.df
    (0.0548, 0.8768, 185.0)
    >>> res.flags.query("cross_loading")["item"].tolist()
    ['E3', 'N4', 'O4']
    """
    fn = "efa"
    _check_choice(fn, "method", method, _METHODS)
    _check_choice(fn, "rotation", rotation, _ROTATIONS)
    thresholds = (("primary_threshold", primary_threshold), ("cross_threshold", cross_threshold))
    for name, value in thresholds:
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 < value < 1:
            raise BurnoutkitError(
                f"The {name!r} parameter of efa must be a float in (0, 1); got {value!r}."
            )
    if bank is not None and items is None:
        items = list(bank.item_ids)
    inp = _prepare_correlation(
        data, items=items, missing=missing, n_obs=n_obs, fn=fn, correlation=correlation
    )
    p = len(inp.items)
    k = _check_int(fn, "n_factors", n_factors, 1, p - 1)
    messages: list[str] = []
    npd = _warn_if_not_positive_definite(inp.r, inp.items, fn)
    if npd:
        messages.append(npd)
    try:
        unrotated, values, extraction_messages = _extract(inp.r, k, method)
    except np.linalg.LinAlgError as exc:
        raise DataError(
            f"The {method} extraction failed on this correlation matrix ({exc}); check the "
            "items for duplicates or use method='minres'."
        ) from exc
    if not np.all(np.isfinite(unrotated)):
        raise DataError(
            f"The {method} extraction produced non-finite loadings; the correlation matrix is "
            "probably singular. Drop redundant items or use method='minres'."
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = _assemble(
            r=inp.r,
            items=inp.items,
            unrotated=unrotated,
            eigenvalues=values,
            rotation=rotation,
            method=method,
            correlation=inp.correlation,
            missing=inp.missing,
            n_obs=inp.n_obs,
            np_obs=inp.np_obs,
            n_rows=inp.n_rows,
            n_complete=inp.n_complete,
            bank=bank,
            primary_threshold=float(primary_threshold),
            cross_threshold=float(cross_threshold),
            extraction_messages=extraction_messages,
            extraction_converged=not extraction_messages,
        )
    for w in caught:
        warnings.warn(w.message, w.category, stacklevel=2)
    if messages:
        import dataclasses

        result = dataclasses.replace(result, warnings=(*messages, *result.warnings))
    return result

