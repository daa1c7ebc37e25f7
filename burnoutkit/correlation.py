"""Pearson and polychoric correlation matrices, vectorized across item pairs.

:func:`correlation` returns a :class:`CorrelationResult`: the matrix with item labels, the
pairwise numbers of observations, the polychoric thresholds and a record of any repair of a
matrix that was not positive definite. Polychoric correlations follow R's
``psych::polychoric`` step by step (two-step maximum likelihood, psych's defaults) but solve all
item pairs at once.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import special

from burnoutkit._result import Result
from burnoutkit.errors import BurnoutkitWarning, DataError, NonPositiveDefiniteWarning

__all__ = ["CorrelationResult", "correlation"]

Method = Literal["pearson", "polychoric"]
Missing = Literal["pairwise", "listwise"]

#: psych::polychoric refuses items with more response categories than this (``max.cat``).
MAX_CATEGORIES = 8


# ---------------------------------------------------------------------------------- input
def _as_frame(data: Any, where: str) -> pd.DataFrame:
    """Return the item columns of ``data`` (a DataFrame, a 2-D array or checked Responses)."""
    items = getattr(data, "items", None)
    if isinstance(items, pd.DataFrame) and hasattr(data, "bank"):
        return items
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, np.ndarray) and data.ndim == 2:
        return pd.DataFrame(data, columns=[f"V{j + 1}" for j in range(data.shape[1])])
    raise DataError(
        f"{where}() needs a pandas DataFrame with one column per item (or a 2-D numpy array); "
        f"got {type(data).__name__}."
    )


def _item_frame(
    data: Any,
    items: Sequence[str] | None,
    *,
    where: str,
    min_items: int = 2,
) -> pd.DataFrame:
    """Select ``items`` from ``data`` as a new float DataFrame and check it can be analysed.

    Raises :class:`~burnoutkit.DataError` naming the culprit for absent, duplicated,
    non-numeric, all-missing or constant items and for too few items.
    """
    frame = _as_frame(data, where)
    if items is None:
        names = list(frame.columns)
    elif isinstance(items, str):
        raise DataError(
            f"The 'items' parameter of {where} must be a list of column names; got the string "
            f"{items!r}. Write items=[{items!r}, ...]."
        )
    else:
        names = list(items)
    duplicated = sorted({name for name in names if names.count(name) > 1}, key=str)
    if duplicated:
        raise DataError(f"Items {duplicated} are listed more than once in 'items' of {where}.")
    absent = [name for name in names if name not in frame.columns]
    if absent:
        lowered = {str(c).lower(): c for c in frame.columns}
        hints = []
        for name in absent:
            close = difflib.get_close_matches(str(name).lower(), list(lowered), n=1)
            if close:
                hints.append(f"{lowered[close[0]]!r} (for {name!r})")
        hint = f" Did you mean {', '.join(hints)}?" if hints else ""
        raise DataError(f"Items {absent} are not columns of the data passed to {where}.{hint}")
    if len(names) < min_items:
        raise DataError(
            f"{where} needs at least {min_items} items; got {len(names)} ({names}). "
            "Pass more columns in 'items'."
        )
    selected = frame.loc[:, names]
    bad_type = [
        name
        for name in names
        if not (
            pd.api.types.is_numeric_dtype(selected[name])
            and not pd.api.types.is_bool_dtype(selected[name])
        )
    ]
    if bad_type:
        raise DataError(
            f"Items {bad_type} are not numeric (dtypes "
            f"{[str(selected[n].dtype) for n in bad_type]}). {where} analyses numeric item "
            "responses: recode them, or leave them out of 'items'."
        )
    out = pd.DataFrame(
        selected.to_numpy(dtype=float, na_value=np.nan, copy=True),
        index=frame.index.copy(),
        columns=names,
    )
    values = out.to_numpy()
    if np.isinf(values).any():
        bad = [n for n, col in zip(names, values.T, strict=True) if np.isinf(col).any()]
        raise DataError(f"Items {bad} contain infinite values; set them to NaN or fix them.")
    all_missing = [n for n, col in zip(names, values.T, strict=True) if np.isnan(col).all()]
    if all_missing:
        raise DataError(
            f"Items {all_missing} have no observed responses (all missing); leave them out of "
            f"'items' for {where}."
        )
    constant = []
    for name, col in zip(names, values.T, strict=True):
        obs = col[~np.isnan(col)]
        if obs.size < 2 or np.all(obs == obs[0]):
            constant.append(name)
    if constant:
        raise DataError(
            f"Items {constant} have no variance (every observed response is the same); "
            f"{where} cannot use them. Leave them out of 'items'."
        )
    return out


def _check_choice(value: Any, name: str, choices: Sequence[str], where: str) -> None:
    if value not in choices:
        raise DataError(
            f"The {name!r} parameter of {where} must be one of {list(choices)}; got {value!r}."
        )


def _listwise(frame: pd.DataFrame, where: str) -> pd.DataFrame:
    complete = frame.dropna(how="any")
    if len(complete) < 2:
        raise DataError(
            f"Only {len(complete)} respondents answered all of the items {list(frame.columns)}, "
            f"too few for {where} with missing='listwise'. Use missing='pairwise'."
        )
    return complete


# ---------------------------------------------------------------------------------- pearson
def _pairwise_moments(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairwise-complete covariance matrix and pairwise counts (R ``cov(use="pairwise")``).

    Each pair uses its own complete cases and their means; vectorized with matrix products on
    data centred by the item means (which removes the cancellation of raw sums).
    """
    mask = ~np.isnan(x)
    m = mask.astype(float)
    xc = np.where(mask, x - np.nanmean(x, axis=0), 0.0)
    n = m.T @ m
    s_x = xc.T @ m  # s_x[i, j]: sum of item i over rows where i and j are observed
    s_xy = xc.T @ xc
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = (s_xy - s_x * s_x.T / n) / (n - 1)
    cov[n < 2] = np.nan
    return cov, n


def _pairwise_pearson(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairwise-complete Pearson correlations (R ``cor(use="pairwise.complete.obs")``)."""
    mask = ~np.isnan(x)
    m = mask.astype(float)
    centre = np.nanmean(x, axis=0)
    xc = np.where(mask, x - centre, 0.0)
    n = m.T @ m
    s_x = xc.T @ m
    s_xx = (xc * xc).T @ m
    s_xy = xc.T @ xc
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_ij = s_x / n
        cxy = s_xy - s_x * s_x.T / n
        vx = s_xx - s_x * mean_ij  # sum of squares of i over the pair's complete cases
        r = cxy / np.sqrt(vx * vx.T)
    r[n < 2] = np.nan
    np.fill_diagonal(r, 1.0)
    return np.clip(r, -1.0, 1.0), n


# ---------------------------------------------------------------------------------- bvn
# Gauss-Legendre nodes and weights on [-1, 1] (half of each symmetric set), as in Genz's BVNU:
# 6 points for |r| < 0.3, 12 for |r| < 0.75, 20 otherwise.
_GL6_X = np.array([0.9324695142031522, 0.6612093864662647, 0.2386191860831970])
_GL6_W = np.array([0.1713244923791705, 0.3607615730481384, 0.4679139345726904])
_GL12_X = np.array(
    [
        0.9815606342467191,
        0.9041172563704750,
        0.7699026741943050,
        0.5873179542866171,
        0.3678314989981802,
        0.1252334085114692,
    ]
)
_GL12_W = np.array(
    [
        0.04717533638651177,
        0.1069393259953183,
        0.1600783285433464,
        0.2031674267230659,
        0.2334925365383547,
        0.2491470458134029,
    ]
)
_GL_X = np.array(
    [
        0.9931285991850949,
        0.9639719272779138,
        0.9122344282513259,
        0.8391169718222188,
        0.7463319064601508,
        0.6360536807265150,
        0.5108670019508271,
        0.3737060887154196,
        0.2277858511416451,
        0.07652652113349733,
    ]
)
_GL_W = np.array(
    [
        0.01761400713915212,
        0.04060142980038694,
        0.06267204833410906,
        0.08327674157670475,
        0.1019301198172404,
        0.1181945319615184,
        0.1316886384491766,
        0.1420961093183821,
        0.1491729864726037,
        0.1527533871307259,
    ]
)
_X20 = np.concatenate([1.0 - _GL_X, 1.0 + _GL_X])
_W20 = np.concatenate([_GL_W, _GL_W])
_RULES = (
    (0.3, np.concatenate([1.0 - _GL6_X, 1.0 + _GL6_X]), np.concatenate([_GL6_W, _GL6_W])),
    (0.75, np.concatenate([1.0 - _GL12_X, 1.0 + _GL12_X]), np.concatenate([_GL12_W, _GL12_W])),
    (0.925, _X20, _W20),
)
_TWO_PI = 2.0 * np.pi


def _bvn_upper(h: np.ndarray, k: np.ndarray, r: np.ndarray) -> np.ndarray:
    """``P(X > h, Y > k)`` for a standard bivariate normal with correlation ``r``.

    Genz's (2004) version of the Drezner & Wesolowsky (1990) algorithm, vectorized
    (Gauss-Legendre rules of 6, 12 or 20 points by ``|r|``, series expansion for
    ``|r| >= 0.925``); absolute error about 1e-15.
    ``h`` and ``k`` must be finite; the arguments broadcast.
    """
    h, k, r = np.broadcast_arrays(
        np.asarray(h, dtype=float), np.asarray(k, dtype=float), np.asarray(r, dtype=float)
    )
    out = np.empty(h.shape)
    hk = h * k
    small = np.abs(r) < 0.925
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        lower = 0.0
        for upper, nodes, weights in _RULES:
            part = (np.abs(r) >= lower) & (np.abs(r) < upper)
            lower = upper
            if not part.any():
                continue
            hp = h[part]
            kp = k[part]
            hs = (hp * hp + kp * kp) / 2.0
            asr = np.arcsin(r[part]) / 2.0
            sn = np.sin(asr[:, None] * nodes)
            vals = np.exp((sn * hk[part][:, None] - hs[:, None]) / (1.0 - sn * sn)) @ weights
            out[part] = vals * asr / _TWO_PI + special.ndtr(-hp) * special.ndtr(-kp)
        big = ~small
        if big.any():
            rb = r[big]
            hb = h[big]
            kb = np.where(rb < 0, -k[big], k[big])
            hkb = np.where(rb < 0, -hk[big], hk[big])
            inner = np.abs(rb) < 1.0
            as_ = np.where(inner, 1.0 - rb * rb, 1.0)
            a = np.sqrt(as_)
            bs = (hb - kb) ** 2
            asr = -(bs / as_ + hkb) / 2.0
            c = (4.0 - hkb) / 8.0
            d = (12.0 - hkb) / 80.0
            bvn = np.where(
                asr > -100.0,
                a * np.exp(np.maximum(asr, -100.0)) * (1 - c * (bs - as_) * (1 - d * bs) / 3
                                                       + c * d * as_ * as_),
                0.0,
            )
            b = np.sqrt(bs)
            sp = np.sqrt(_TWO_PI) * special.ndtr(-b / a)
            bvn = bvn - np.where(
                hkb > -100.0,
                np.exp(-np.maximum(hkb, -100.0) / 2.0) * sp * b * (1 - c * bs * (1 - d * bs) / 3),
                0.0,
            )
            a2 = a / 2.0
            xs = (a2[:, None] * _X20) ** 2
            asr2 = -(bs[:, None] / xs + hkb[:, None]) / 2.0
            ok = asr2 > -100.0
            sp2 = 1.0 + c[:, None] * xs * (1.0 + 5.0 * d[:, None] * xs)
            rs = np.sqrt(1.0 - xs)
            ep = np.exp(-(hkb[:, None] / 2.0) * xs / (1.0 + rs) ** 2) / rs
            terms = np.where(ok, np.exp(np.maximum(asr2, -100.0)) * (sp2 - ep), 0.0)
            bvn = np.where(inner, (a2 * (terms @ _W20) - bvn) / _TWO_PI, 0.0)
            pos = rb > 0
            res = np.empty(rb.shape)
            res[pos] = bvn[pos] + special.ndtr(-np.maximum(hb[pos], kb[pos]))
            neg = ~pos
            hn, kn, bn = hb[neg], kb[neg], bvn[neg]
            span = np.where(
                hn < 0, special.ndtr(kn) - special.ndtr(hn), special.ndtr(-hn) - special.ndtr(-kn)
            )
            res[neg] = np.where(hn >= kn, -bn, span - bn)
            out[big] = res
    return np.clip(out, 0.0, 1.0)


def _bvn_cdf(h: np.ndarray, k: np.ndarray, r: np.ndarray) -> np.ndarray:
    """``P(X < h, Y < k)`` for a standard bivariate normal; ``h``, ``k`` may be infinite."""
    h, k, r = np.broadcast_arrays(
        np.asarray(h, dtype=float), np.asarray(k, dtype=float), np.asarray(r, dtype=float)
    )
    finite = np.isfinite(h) & np.isfinite(k)
    out = np.empty(h.shape)
    out[finite] = _bvn_upper(-h[finite], -k[finite], r[finite])
    inf = ~finite
    if inf.any():
        hi, ki = h[inf], k[inf]
        val = np.where(
            (hi == -np.inf) | (ki == -np.inf),
            0.0,
            np.where(hi == np.inf, special.ndtr(ki), special.ndtr(hi)),
        )
        out[inf] = val
    return out


def _bvn_pdf_terms(
    h: np.ndarray, k: np.ndarray, r: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Bivariate normal density at ``(h, k)`` and its derivative in ``r`` (0 where infinite)."""
    finite = np.isfinite(h) & np.isfinite(k)
    hf = np.where(finite, h, 0.0)
    kf = np.where(finite, k, 0.0)
    one_m = 1.0 - r * r
    q = (hf * hf - 2.0 * r * hf * kf + kf * kf) / one_m
    with np.errstate(under="ignore"):
        pdf = np.where(finite, np.exp(-q / 2.0) / (_TWO_PI * np.sqrt(one_m)), 0.0)
    dpdf = pdf * (r + hf * kf - r * q) / one_m
    return pdf, dpdf


# ---------------------------------------------------------------------------------- polychoric
def _cells(grid: np.ndarray) -> np.ndarray:
    """Rectangle probabilities from a CDF grid ``(..., K+1, K+1)``."""
    return grid[..., 1:, 1:] - grid[..., :-1, 1:] - grid[..., 1:, :-1] + grid[..., :-1, :-1]


def _solve_rho(
    tab: np.ndarray, rc: np.ndarray, cc: np.ndarray, *, tol: float = 1e-10, max_iter: int = 100
) -> tuple[np.ndarray, np.ndarray]:
    """Maximize ``sum(tab * log P(rho))`` for every pair at once (safeguarded Newton).

    ``tab`` is ``(P, K, K)`` (cell proportions), ``rc``/``cc`` are ``(P, K-1)`` thresholds.
    Cells whose model probability is not positive are left out of the likelihood, as
    ``psych:::polyF`` does. Returns the estimates and a convergence flag per pair.
    """
    n_pairs = tab.shape[0]
    inf = np.full((n_pairs, 1), np.inf)
    h = np.concatenate([-inf, rc, inf], axis=1)[:, :, None]  # (P, K+1, 1)
    k = np.concatenate([-inf, cc, inf], axis=1)[:, None, :]  # (P, 1, K+1)
    lo = np.full(n_pairs, -1.0 + 1e-10)
    hi = np.full(n_pairs, 1.0 - 1e-10)
    # start from the Pearson correlation of the category codes (a close lower bound in size)
    codes = np.arange(tab.shape[1], dtype=float)
    pa = tab.sum(axis=2)
    pb = tab.sum(axis=1)
    ma = pa @ codes
    mb = pb @ codes
    va = pa @ codes**2 - ma**2
    vb = pb @ codes**2 - mb**2
    cab = np.einsum("pab,a,b->p", tab, codes, codes) - ma * mb
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = np.clip(np.nan_to_num(cab / np.sqrt(va * vb)), -0.9, 0.9)
    done = np.zeros(n_pairs, dtype=bool)
    for _ in range(max_iter):
        idx = np.flatnonzero(~done)
        if idx.size == 0:
            break
        r = rho[idx][:, None, None]
        grid = _bvn_cdf(h[idx], k[idx], r)
        pdf, dpdf = _bvn_pdf_terms(h[idx], k[idx], r)
        p = _cells(grid)
        dp = _cells(pdf)
        d2p = _cells(dpdf)
        t = tab[idx]
        use = p > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(use, dp / np.where(use, p, 1.0), 0.0)
            score = np.sum(t * ratio, axis=(1, 2))
            hess = np.sum(
                t * np.where(use, d2p / np.where(use, p, 1.0), 0.0) - t * ratio * ratio, axis=(1, 2)
            )
        cur = rho[idx]
        lo[idx] = np.where(score > 0, cur, lo[idx])
        hi[idx] = np.where(score < 0, cur, hi[idx])
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = cur - score / hess
        ok = (hess < 0) & np.isfinite(newton) & (newton >= lo[idx]) & (newton <= hi[idx])
        new = np.where(ok, newton, (lo[idx] + hi[idx]) / 2.0)
        new = np.where(score == 0, cur, new)
        step = np.abs(new - cur)
        rho[idx] = new
        done[idx] = (step < tol) | (hi[idx] - lo[idx] < tol)
    return rho, done


def _polychoric(
    x: np.ndarray, names: list[str], correct: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool, int, list[tuple[str, str]]]:
    """psych::polychoric on the codes in ``x`` (NaN = missing).

    Returns (rho, pairwise n, thresholds (items x K-1), global flag, number of item pairs with
    continuity-corrected cells, pairs that could not be estimated).
    """
    n_items = x.shape[1]
    observed = ~np.isnan(x)
    values = x[observed]
    if not np.all(values == np.round(values)):
        bad = [
            n
            for n, col in zip(names, x.T, strict=True)
            if np.any(col[~np.isnan(col)] != np.round(col[~np.isnan(col)]))
        ]
        raise DataError(
            f"Items {bad} have non-integer responses; polychoric correlations need integer "
            "category codes. Recode them or use method='pearson'."
        )
    xmin = values.min()
    n_cat = int(values.max() - xmin + 1)
    if n_cat > MAX_CATEGORIES:
        raise DataError(
            f"The items span {n_cat} response categories ({values.min():g} to {values.max():g}); "
            f"polychoric correlations are for at most {MAX_CATEGORIES} ordered categories (as "
            "psych::polychoric). Use method='pearson'."
        )
    codes = np.where(observed, x - xmin, -1).astype(np.int64)  # 0 .. n_cat-1, -1 = missing
    onehot = np.zeros((x.shape[0], n_items, n_cat), dtype=np.float32)  # counts < 2**24: exact
    rows, cols = np.nonzero(observed)
    onehot[rows, cols, codes[rows, cols]] = 1.0
    freq = onehot.sum(axis=0, dtype=float)  # (items, K)
    n_obs = freq.sum(axis=1)
    tau = special.ndtri(np.cumsum(freq, axis=1)[:, :-1] / n_obs[:, None])
    item_max = np.array([codes[observed[:, j], j].max() for j in range(n_items)])
    global_thresholds = bool(np.all(item_max == item_max[0]))
    flat = onehot.reshape(x.shape[0], n_items * n_cat)
    tables = (
        (flat.T @ flat).astype(float).reshape(n_items, n_cat, n_items, n_cat).transpose(0, 2, 1, 3)
    )
    iu, ju = np.tril_indices(n_items, -1)  # pair (i, j) with i > j: rows = item i as in psych
    tab = tables[iu, ju]  # (P, K, K)
    tot = tab.sum(axis=(1, 2))
    pair_n = np.zeros((n_items, n_items))
    pair_n[iu, ju] = tot
    pair_n = pair_n + pair_n.T
    np.fill_diagonal(pair_n, n_obs)
    valid = tot > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        prop = tab / np.where(valid, tot, 1.0)[:, None, None]
    n_fixed = 0
    if global_thresholds:
        rc = tau[iu]
        cc = tau[ju]
    else:
        zero_rows = np.all(prop == 0, axis=2)  # (P, K)
        zero_cols = np.all(prop == 0, axis=1)
        keep = (~zero_rows)[:, :, None] & (~zero_cols)[:, None, :]
        valid &= ((~zero_rows).sum(axis=1) >= 2) & ((~zero_cols).sum(axis=1) >= 2)
        fix = keep & (prop == 0)
        fixed_pair = fix.any(axis=(1, 2)) & valid
        if correct > 0:
            n_fixed = int(fixed_pair.sum())
            with np.errstate(invalid="ignore", divide="ignore"):
                prop = np.where(fix, correct / np.where(tot > 0, tot, 1.0)[:, None, None], prop)
        rc = _table_thresholds(prop.sum(axis=2), zero_rows)
        cc = _table_thresholds(prop.sum(axis=1), zero_cols)
    rho = np.full(len(iu), np.nan)
    if valid.any():
        est, _ = _solve_rho(prop[valid], rc[valid], cc[valid])
        rho[valid] = est
    mat = np.eye(n_items)
    mat[iu, ju] = rho
    mat[ju, iu] = rho
    failed = [(names[j], names[i]) for i, j, ok in zip(iu, ju, valid, strict=True) if not ok]
    return mat, pair_n, tau, global_thresholds, n_fixed, failed


def _table_thresholds(marg: np.ndarray, empty: np.ndarray) -> np.ndarray:
    """Thresholds of a pair table after psych drops its empty rows (``global=FALSE``).

    ``marg`` is ``(P, K)`` (corrected marginal proportions), ``empty`` flags the dropped
    categories; the boundary above the last kept category is ``+inf`` and dropped categories get
    zero-width intervals, which reproduces psych's reduced table.
    """
    k = marg.shape[1]
    cum = np.cumsum(marg, axis=1)[:, :-1]
    last_kept = k - 1 - np.argmax(~empty[:, ::-1], axis=1)
    position = np.arange(k - 1)[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        thr = special.ndtri(cum)
    return np.where(position >= last_kept[:, None], np.inf, thr)


def _cor_smooth(r: np.ndarray, eig_tol: float = 1e-12) -> tuple[np.ndarray, float, bool]:
    """psych::cor.smooth: raise small eigenvalues, rescale, and return to a correlation matrix.

    Returns the (possibly) smoothed matrix, the smallest eigenvalue before smoothing and whether
    smoothing was done (psych smooths when the smallest eigenvalue is below machine epsilon).
    """
    values, vectors = np.linalg.eigh(r)
    min_eig = float(values.min())
    if min_eig >= np.finfo(float).eps:
        return r, min_eig, False
    values = np.where(values < eig_tol, 100.0 * eig_tol, values)
    values = values * r.shape[0] / values.sum()
    smoothed = (vectors * values) @ vectors.T
    d = np.sqrt(np.diag(smoothed))
    smoothed = smoothed / np.outer(d, d)
    np.fill_diagonal(smoothed, 1.0)
    return smoothed, min_eig, True


# ---------------------------------------------------------------------------------- result
@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class CorrelationResult(Result):
    """A correlation matrix with its sample sizes, thresholds and repair record.

    Attributes
    ----------
    matrix : pandas.DataFrame
        The correlation matrix (items x items, labelled); after any repair.
    method : {"pearson", "polychoric"}
        How it was computed.
    missing : {"pairwise", "listwise"}
        How missing responses were handled.
    n : int
        Number of respondents (rows) used: all rows for ``"pairwise"``, complete rows for
        ``"listwise"``.
    n_pairwise : pandas.DataFrame
        Number of respondents who answered both items of each pair (the diagonal: each item).
    thresholds : pandas.DataFrame or None
        Polychoric thresholds, one row per item and threshold: ``item``, ``threshold`` (1 = the
        boundary between the first and second category) and ``estimate`` (``-inf``/``inf`` for a
        category nobody used). None for Pearson correlations.
    global_thresholds : bool
        Polychoric only: True when every pair used the items' own thresholds (psych's
        ``global=TRUE``, its default); False when items reach different highest categories and
        psych estimates thresholds from each pair's table (``global=FALSE``).
    corrected_pairs : int
        Polychoric, ``global_thresholds=False`` only: number of item pairs whose empty cells were
        replaced by ``correct / n`` (psych's continuity correction).
    smoothed : bool
        True when the matrix was not positive definite and was repaired with psych's
        ``cor.smooth`` (a :class:`~burnoutkit.NonPositiveDefiniteWarning` was issued).
    min_eigenvalue : float
        Smallest eigenvalue of the matrix before any repair (NaN if the matrix has missing
        entries).
    unsmoothed : pandas.DataFrame or None
        The matrix before the repair, when one was done.
    """

    matrix: pd.DataFrame
    method: str
    missing: str
    n: int
    n_pairwise: pd.DataFrame
    thresholds: pd.DataFrame | None = None
    global_thresholds: bool = True
    corrected_pairs: int = 0
    smoothed: bool = False
    min_eigenvalue: float = float("nan")
    unsmoothed: pd.DataFrame | None = None

    @property
    def items(self) -> list[str]:
        """The item labels, in matrix order."""
        return list(self.matrix.columns)

    def tidy(self) -> pd.DataFrame:
        """One row per item pair: ``item_1``, ``item_2``, ``estimate``, ``n``."""
        names = self.items
        i, j = np.tril_indices(len(names), -1)
        mat = self.matrix.to_numpy()
        n = self.n_pairwise.to_numpy()
        return pd.DataFrame(
            {
                "item_1": [names[a] for a in j],
                "item_2": [names[b] for b in i],
                "estimate": mat[i, j],
                "n": n[i, j].astype(int),
            }
        )

    def glance(self) -> pd.DataFrame:
        """One row: method, missing, n, number of items, smoothed, smallest eigenvalue."""
        return pd.DataFrame(
            [
                {
                    "method": self.method,
                    "missing": self.missing,
                    "n": self.n,
                    "n_items": len(self.items),
                    "smoothed": self.smoothed,
                    "min_eigenvalue": self.min_eigenvalue,
                }
            ]
        )


# ---------------------------------------------------------------------------------- api
def correlation(
    data: Any,
    /,
    *,
    items: Sequence[str] | None = None,
    method: Method = "pearson",
    missing: Missing = "pairwise",
    smooth: bool | None = None,
    correct: float = 0.5,
) -> CorrelationResult:
    r"""Pearson or polychoric correlation matrix of item responses.

    Parameters
    ----------
    data : pandas.DataFrame
        One column per item (other columns are ignored when ``items`` is given); NaN is missing.
    items : list of str, optional
        The item columns; default all columns.
    method : {"pearson", "polychoric"}, default "pearson"
        ``"polychoric"`` treats responses as ordered categories of a latent normal variable
        (integer codes, at most 8 categories).
    missing : {"pairwise", "listwise"}, default "pairwise"
        ``"pairwise"`` uses, for each pair of items, every respondent who answered both (the
        default of R's ``psych::polychoric`` and of ``cor(use = "pairwise")`` in psych);
        ``"listwise"`` first drops respondents with any missing item.
    smooth : bool, optional
        Repair a matrix that is not positive definite with psych's ``cor.smooth``. Default:
        True for polychoric (psych's default), False for Pearson (R's ``cor`` does not smooth).
        A repair is reported with a :class:`~burnoutkit.NonPositiveDefiniteWarning` and
        recorded in the result.
    correct : float, default 0.5
        psych's continuity correction for empty cells, used only when items reach different
        highest categories (psych's ``global=FALSE`` case); 0 turns it off.

    Returns
    -------
    CorrelationResult
        The matrix, pairwise n, thresholds (polychoric) and the repair record.

    Raises
    ------
    DataError
        Absent, non-numeric, all-missing or constant items; fewer than two items; for
        polychoric, non-integer codes or more than 8 categories.

    Warns
    -----
    NonPositiveDefiniteWarning
        The matrix was not positive definite (repaired when ``smooth`` is True).
    BurnoutkitWarning
        Some item pairs have no or too few joint responses (their entries are NaN), or empty
        cells were continuity-corrected.

    Notes
    -----
    Polychoric correlations are the two-step maximum-likelihood estimates of psych 2.2.9. The
    thresholds of item :math:`j` are :math:`\tau_{jc} = \Phi^{-1}(\sum_{c' \le c} p_{jc'})`
    from all of its observed responses; then for each pair the correlation :math:`\rho`
    maximizes

    .. math:: \ell(\rho) = \sum_{a,b} n_{ab} \log \pi_{ab}(\rho), \qquad
              \pi_{ab}(\rho) = \Phi_2(\tau_a, \tau_b; \rho) - \Phi_2(\tau_{a-1}, \tau_b; \rho)
              - \Phi_2(\tau_a, \tau_{b-1}; \rho) + \Phi_2(\tau_{a-1}, \tau_{b-1}; \rho)

    over the pair's contingency table :math:`n_{ab}` (cells with :math:`\pi_{ab} = 0` left
    out, as psych). All tables come from one matrix product of one-hot codes; :math:`\Phi_2` is
    Genz's (2004) algorithm vectorized over pairs and cells, and all :math:`\rho` are found
    together by Newton's method on the score :math:`\sum n_{ab}\, \partial_\rho \pi_{ab} /
    \pi_{ab}` (with :math:`\partial_\rho \Phi_2 = \phi_2`), safeguarded by bisection.
    psych's ``optimize()`` stops at a tolerance of about 1e-4 in :math:`\rho`, so the two
    agree to about that precision; the estimates here are converged to 1e-10.

    When items reach different highest categories psych switches to ``global=FALSE``: each
    pair's table loses its empty rows and columns, its other empty cells become ``correct / n``
    and the thresholds come from that table's margins; this is reproduced.

    References
    ----------
    Olsson, U. (1979). Maximum likelihood estimation of the polychoric correlation coefficient.
    *Psychometrika*, 44(4), 443-460.

    Genz, A. (2004). Numerical computation of rectangular bivariate and trivariate normal and t
    probabilities. *Statistics and Computing*, 14(3), 251-260.

    Revelle, W. (2022). *psych: Procedures for Psychological, Psychometric, and Personality
    Research* (R package version 2.2.9).

    Examples
    --------
    >>> import burnoutkit as bk
    >>> from burnoutkit.datasets import load_bfi
    >>> bfi = load_bfi()
    >>> # R: psych::polychoric(psychTools::bfi[, c("A1", "A2", "A3")])
    >>> res = bk.correlation(bfi, items=["A1", "A2", "A3"], method="polychoric")
    >>> res.matrix.round(3)
           A1     A2     A3
    A1  1.000 -0.408 -0.323
    A2 -0.408  1.000  0.555
    A3 -0.323  0.555  1.000
    >>> res.thresholds.head(2).round(4)
      item  threshold  estimate
    0   A1          1   -0.4367
    1   A1          2    0.3186
    """
    where = "correlation"
    _check_choice(method, "method", ("pearson", "polychoric"), where)
    _check_choice(missing, "missing", ("pairwise", "listwise"), where)
    if smooth is not None and not isinstance(smooth, bool):
        raise DataError(f"The 'smooth' parameter of {where} must be True, False or None.")
    if not (isinstance(correct, int | float) and 0 <= correct < 1):
        raise DataError(
            f"The 'correct' parameter of {where} must be a number in [0, 1); got {correct!r}."
        )
    frame = _item_frame(data, items, where=where)
    if missing == "listwise":
        frame = _listwise(frame, where)
    names = list(frame.columns)
    x = frame.to_numpy()
    n_rows = x.shape[0]
    thresholds = None
    global_thr = True
    n_fixed = 0
    if method == "pearson":
        r, pair_n = _pairwise_pearson(x)
        failed = [
            (names[j], names[i])
            for i, j in zip(*np.tril_indices(len(names), -1), strict=True)
            if pair_n[i, j] < 3
        ]
        r[pair_n < 3] = np.nan
        np.fill_diagonal(r, 1.0)
        do_smooth = bool(smooth) if smooth is not None else False
    else:
        r, pair_n, tau, global_thr, n_fixed, failed = _polychoric(x, names, correct)
        k1 = tau.shape[1]
        thresholds = pd.DataFrame(
            {
                "item": np.repeat(names, k1),
                "threshold": np.tile(np.arange(1, k1 + 1), len(names)),
                "estimate": tau.ravel(),
            }
        )
        do_smooth = True if smooth is None else smooth
    if failed:
        shown = ", ".join(f"({a}, {b})" for a, b in failed[:10])
        more = f" and {len(failed) - 10} more" if len(failed) > 10 else ""
        warnings.warn(
            f"The {method} correlation of item pairs {shown}{more} could not be estimated (too "
            "few respondents answered both, or one item has a single category among them); "
            "their entries are NaN and the matrix was not smoothed. Collect more data or leave "
            "one item of each pair out.",
            BurnoutkitWarning,
            stacklevel=2,
        )
    if n_fixed:
        warnings.warn(
            f"Empty cells of {n_fixed} item pairs were replaced by {correct}/n (psych's "
            "continuity correction, used because the items do not all reach the same highest "
            "category). Examine the response frequencies; pass correct=0 to turn it off.",
            BurnoutkitWarning,
            stacklevel=2,
        )
    smoothed = False
    unsmoothed = None
    min_eig = float("nan")
    if not np.isnan(r).any():
        if do_smooth:
            new, min_eig, smoothed = _cor_smooth(r)
            if smoothed:
                unsmoothed = pd.DataFrame(r, index=names, columns=names)
                change = float(np.max(np.abs(new - r)))
                warnings.warn(
                    f"The {method} correlation matrix of items {names} was not positive "
                    f"definite (smallest eigenvalue {min_eig:.3g}); it was smoothed as "
                    f"psych::cor.smooth does (largest change {change:.3g}). The unsmoothed "
                    "matrix is in result.unsmoothed; pass smooth=False to keep it.",
                    NonPositiveDefiniteWarning,
                    stacklevel=2,
                )
                r = new
        else:
            min_eig = float(np.linalg.eigvalsh(r).min())
            if min_eig < np.finfo(float).eps:
                warnings.warn(
                    f"The {method} correlation matrix of items {names} is not positive definite "
                    f"(smallest eigenvalue {min_eig:.3g}) and was not repaired (smooth=False). "
                    "Pass smooth=True to smooth it as psych::cor.smooth does, or use "
                    "missing='listwise'.",
                    NonPositiveDefiniteWarning,
                    stacklevel=2,
                )
    return CorrelationResult(
        matrix=pd.DataFrame(r, index=names, columns=names),
        method=method,
        missing=missing,
        n=int(n_rows),
        n_pairwise=pd.DataFrame(pair_n.astype(int), index=names, columns=names),
        thresholds=thresholds,
        global_thresholds=global_thr,
        corrected_pairs=n_fixed,
        smoothed=smoothed,
        min_eigenvalue=min_eig,
        unsmoothed=unsmoothed,
    )
