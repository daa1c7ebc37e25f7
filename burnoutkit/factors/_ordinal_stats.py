r"""First-stage statistics of ordinal items: thresholds, polychoric correlations and their NACOV.

For each group the ``p`` ordinal items (codes ``0 .. K_i - 1``) give

* thresholds :math:`\tau_{ik} = \Phi^{-1}(\sum_{c \le k} n_{ic} / n)` (univariate probit ML);
* polychoric correlations :math:`\rho_{ij}` by bivariate ML with the thresholds fixed
  (two-step estimator), all item pairs solved at once;
* the asymptotic covariance matrix of :math:`s = (\tau', \rho')'` as Muthén (1984) derives it
  and ``lavaan:::muthen1984`` computes it: with the casewise scores :math:`S` (thresholds from
  the univariate likelihoods, correlations from the bivariate ones),
  :math:`A_{11}` the block-diagonal cross-product of the threshold scores of each item,
  :math:`A_{22}` the diagonal cross-product of the correlation scores and
  :math:`A_{21}` the cross-product of the correlation scores with the bivariate threshold
  scores,

  .. math:: B^{-1} = \begin{pmatrix} A_{11}^{-1} & 0 \\
            -A_{22}^{-1} A_{21} A_{11}^{-1} & A_{22}^{-1}\end{pmatrix},\qquad
            \Gamma = n\, B^{-1} S'S\, B^{-T}.

Every casewise score depends on the respondent only through one or two categories, so the
scores are tables indexed by category (item) or cell (pair), computed for all pairs at once and
gathered by the response codes; :math:`\Gamma` is one cross-product of the casewise influence
functions :math:`S B^{-T}`.

Missing answers (code ``-1``, lavaan's ``missing = "pairwise"``): the thresholds of an item use
the respondents who answered it, a polychoric correlation the respondents who answered both
items, and every casewise score of a missing answer is zero; :math:`n` is the number of rows.

The statistics are ordered as lavaan orders ``WLS.obs``: all thresholds item by item, then the
correlations column-wise below the diagonal, ``(2,1), (3,1), ..., (p,1), (3,2), ...``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import special
from scipy.linalg import blas

from burnoutkit.correlation import _bvn_cdf, _bvn_pdf_terms, _cells, _solve_rho
from burnoutkit.errors import BurnoutkitWarning

__all__ = ["OrdinalStats", "ordinal_stats", "pair_index"]

_SQRT_EPS = float(np.sqrt(np.finfo(float).eps))


@dataclass(frozen=True, slots=True)
class OrdinalStats:
    """Thresholds, polychoric correlations and their asymptotic covariance for one group."""

    label: str
    n: int
    items: tuple[str, ...]
    n_cat: np.ndarray  # categories per item (p)
    counts: np.ndarray  # (p, K) category counts
    th: np.ndarray  # thresholds, item by item (nth)
    th_item: np.ndarray  # item index of each threshold (nth)
    th_pad: np.ndarray  # (p, K-1) thresholds, +inf past the last one
    corr: np.ndarray  # (p, p) polychoric correlation matrix
    pair_i: np.ndarray  # row item of every correlation (lavaan order)
    pair_j: np.ndarray  # column item
    gamma: np.ndarray | None  # NACOV (n * asymptotic covariance), (nth + P) square
    zero_cell_pairs: tuple[tuple[str, str], ...] = ()

    @property
    def wls_obs(self) -> np.ndarray:
        """Return the sample statistics ``(thresholds, correlations)`` as one vector."""
        return np.concatenate([self.th, self.corr[self.pair_i, self.pair_j]])

    @property
    def nth(self) -> int:
        """Number of thresholds."""
        return len(self.th)


def pair_index(p: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column item of the correlations in lavaan's ``vech(diagonal = FALSE)`` order."""
    j, i = np.triu_indices(p, 1)
    return i, j


def _univariate(counts: np.ndarray, n_cat: np.ndarray):
    """Thresholds (padded) and the score table ``U[i, c, k] = d log pi_ic / d tau_ik``."""
    p, K = counts.shape
    cum = np.cumsum(counts, axis=1)[:, :-1] / counts.sum(axis=1, keepdims=True)
    k_idx = np.arange(K - 1)[None, :]
    valid = k_idx < (n_cat[:, None] - 1)
    with np.errstate(divide="ignore"):
        th = np.where(valid, special.ndtri(np.clip(cum, 0.0, 1.0)), np.inf)
    # boundaries (p, K+1): -inf, thresholds, +inf
    bnd = np.concatenate([np.full((p, 1), -np.inf), th, np.full((p, 1), np.inf)], axis=1)
    cdf = special.ndtr(bnd)
    pi = cdf[:, 1:] - cdf[:, :-1]  # (p, K)
    dens = np.where(np.isfinite(th), np.exp(-0.5 * np.where(np.isfinite(th), th, 0.0) ** 2)
                    / np.sqrt(2 * np.pi), 0.0)  # (p, K-1)
    U = np.zeros((p, K, K - 1))
    c = np.arange(K)
    for k in range(K - 1):
        # category k has threshold k as its upper bound, category k + 1 as its lower bound
        U[:, k, k] = dens[:, k]
        U[:, k + 1, k] = -dens[:, k]
    with np.errstate(divide="ignore", invalid="ignore"):
        U = np.where(pi[:, :, None] > 0, U / pi[:, :, None], 0.0)
    U[~np.broadcast_to(valid[:, None, :], U.shape)] = 0.0
    U[c[None, :] >= n_cat[:, None]] = 0.0
    return th, pi, U


def _pair_tables(codes: np.ndarray, K: int, ia: np.ndarray, ja: np.ndarray) -> np.ndarray:
    """Contingency tables ``(P, K, K)`` of every pair (rows item I, columns item J)."""
    n, p = codes.shape
    onehot = np.zeros((n, p * K))
    answered = (codes >= 0).ravel()
    rows = np.repeat(np.arange(n), p)[answered]
    cols = ((np.arange(p) * K)[None, :].repeat(n, 0).ravel() + codes.ravel())[answered]
    onehot[rows, cols] = 1.0  # a missing answer (-1) adds to no cell
    cross = blas.dsyrk(1.0, onehot, trans=1, lower=0)  # upper triangle of onehot' onehot
    cross = np.triu(cross) + np.triu(cross, 1).T
    cross = cross.reshape(p, K, p, K).transpose(0, 2, 1, 3)
    return cross[ia, ja]


def _fit_rho(tab: np.ndarray, th_i: np.ndarray, th_j: np.ndarray, two_by_two: np.ndarray):
    """Two-step polychoric ML for every pair, with lavaan's handling of sparse 2 x 2 tables."""
    P = tab.shape[0]
    rho = np.full(P, np.nan)
    freq = tab.copy()
    special_rho = np.full(P, np.nan)
    if two_by_two.any():
        for p in np.flatnonzero(two_by_two):
            f = freq[p, :2, :2]
            zeros = np.flatnonzero(f.ravel() == 0)
            if len(zeros) == 2:
                special_rho[p] = 1.0 if f[0, 0] > 0 else -1.0
                continue
            if len(zeros) == 1:
                z = zeros[0]
                sign = 1.0 if z in (0, 3) else -1.0
                f[0, 0] += 0.5 * sign
                f[1, 1] += 0.5 * sign
                f[1, 0] -= 0.5 * sign
                f[0, 1] -= 0.5 * sign
            if f[0, 0] * f[1, 1] == f[0, 1] * f[1, 0]:
                special_rho[p] = 0.0
    todo = np.isnan(special_rho)
    if todo.any():
        prop = freq[todo] / freq[todo].sum(axis=(1, 2))[:, None, None]
        est, _ = _solve_rho(prop, th_i[todo], th_j[todo])
        rho[todo] = np.clip(est, -0.999, 0.999)
    rho[~todo] = special_rho[~todo]
    return rho


def ordinal_stats(
    codes: np.ndarray,
    n_cat: np.ndarray,
    items: list[str],
    *,
    label: str = "",
    gamma: bool = True,
) -> OrdinalStats:
    """Compute the first-stage statistics of one group.

    Parameters
    ----------
    codes : ndarray of int, shape (n, p)
        Category codes ``0 .. n_cat[i] - 1``, ``-1`` for a missing answer (pairwise
        deletion); every category must be used.
    n_cat : ndarray of int, shape (p,)
        Number of categories of each item.
    items : list of str
        Item names (for messages).
    label : str
        Group label (for messages).
    gamma : bool, default True
        Compute the NACOV matrix (needed for weights and robust inference).
    """
    codes = np.asarray(codes, dtype=np.int64)
    n, p = codes.shape
    n_cat = np.asarray(n_cat, dtype=np.int64)
    K = int(n_cat.max())
    counts = _category_counts(codes, K)
    th_pad, _, U = _univariate(counts, n_cat)
    valid_th = np.arange(K - 1)[None, :] < (n_cat[:, None] - 1)
    th = th_pad[valid_th]
    th_item = np.repeat(np.arange(p), n_cat - 1)
    ia, ja = pair_index(p)
    tab = _pair_tables(codes, K, ia, ja)
    two = (n_cat[ia] == 2) & (n_cat[ja] == 2)
    rho = _fit_rho(tab, th_pad[ia], th_pad[ja], two)
    corr = np.eye(p)
    corr[ia, ja] = rho
    corr[ja, ia] = rho
    near_one = np.abs(rho) > 0.99
    if near_one.any():
        where = f" in group {label!r}" if label else ""
        pairs = [(items[a], items[b]) for a, b in zip(ia[near_one], ja[near_one], strict=True)]
        warnings.warn(
            f"The polychoric correlations of the item pairs {pairs[:5]}{where} are (nearly) 1: "
            "the items are (almost) duplicates. Drop one item of each pair.",
            BurnoutkitWarning,
            stacklevel=4,
        )
    has_zero = ((tab == 0) & _cell_exists(n_cat, ia, ja, K)).any(axis=(1, 2))
    zero_pairs = tuple(
        (items[a], items[b]) for a, b, z in zip(ia, ja, has_zero, strict=True) if z
    )
    G = None
    if gamma:
        G = _nacov(codes, counts, th_pad, U, tab, rho, ia, ja, K, valid_th)
    return OrdinalStats(
        label=label,
        n=n,
        items=tuple(items),
        n_cat=n_cat,
        counts=counts,
        th=th,
        th_item=th_item,
        th_pad=th_pad,
        corr=corr,
        pair_i=ia,
        pair_j=ja,
        gamma=G,
        zero_cell_pairs=zero_pairs,
    )


def _category_counts(codes: np.ndarray, K: int) -> np.ndarray:
    """Category counts ``(p, K)`` over the answered rows of each item."""
    return np.stack([np.bincount(col[col >= 0], minlength=K)[:K] for col in codes.T]).astype(
        float
    )


def _cell_exists(n_cat: np.ndarray, ia: np.ndarray, ja: np.ndarray, K: int) -> np.ndarray:
    a = np.arange(K)
    return (a[None, :, None] < n_cat[ia][:, None, None]) & (a[None, None, :] < n_cat[ja][:, None,
                                                                                         None])


def _bivariate_pieces(th_i: np.ndarray, th_j: np.ndarray, rho: np.ndarray):
    """Cell probabilities and their derivatives for every pair.

    Returns ``P, dP/drho, dP/dtau_i, dP/dtau_j`` with shapes ``(P, K, K)`` and
    ``(P, K, K, K-1)``.
    """
    npair, km1 = th_i.shape
    K = km1 + 1
    inf = np.full((npair, 1), np.inf)
    h = np.concatenate([-inf, th_i, inf], axis=1)  # (P, K+1)
    k = np.concatenate([-inf, th_j, inf], axis=1)
    r = rho[:, None, None]
    grid = _bvn_cdf(h[:, :, None], k[:, None, :], r)
    prob = _cells(grid)
    pdf, _ = _bvn_pdf_terms(h[:, :, None], k[:, None, :], r)
    dprob_rho = _cells(pdf)
    R = np.sqrt(1.0 - rho * rho)[:, None, None]

    def boundary_derivative(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        # g[u, b'] = phi(a_u) Phi((b_b' - rho a_u) / R) for the finite inner boundaries a_u;
        # D[u, c] = g[u, c + 1] - g[u, c]: d P(X < a_u, b_c < Y < b_c+1) / d a_u
        au = a[:, 1:-1]  # (P, K-1)
        fin = np.isfinite(au)
        au0 = np.where(fin, au, 0.0)
        dens = np.where(fin, np.exp(-0.5 * au0**2) / np.sqrt(2 * np.pi), 0.0)
        with np.errstate(invalid="ignore"):
            z = (b[:, None, :] - r * au0[:, :, None]) / R
        g = dens[:, :, None] * special.ndtr(z)
        g = np.where(fin[:, :, None], g, 0.0)
        return g[:, :, 1:] - g[:, :, :-1]  # (P, K-1, K)

    D1 = boundary_derivative(h, k)  # (P, K-1 thresholds of i, K categories of j)
    D2 = boundary_derivative(k, h)  # (P, K-1 thresholds of j, K categories of i)
    a = np.arange(K)
    kk = np.arange(K - 1)
    # dP_ab / d tau_i,k = D1[k, b] (1[a == k] - 1[a == k + 1])
    sgn = (a[:, None] == kk[None, :]).astype(float) - (a[:, None] == kk[None, :] + 1)
    dprob_ti = sgn[None, :, None, :] * D1.transpose(0, 2, 1)[:, None, :, :]
    dprob_tj = sgn[None, None, :, :] * D2.transpose(0, 2, 1)[:, :, None, :]
    return prob, dprob_rho, dprob_ti, dprob_tj


def _nacov(codes, counts, th_pad, U, tab, rho, ia, ja, K, valid_th) -> np.ndarray:
    n, p = codes.shape
    P = len(ia)
    # univariate pieces: A11 blocks from the category counts
    A11 = np.einsum("ic,ick,icl->ikl", counts, U, U)
    pad = ~valid_th  # (p, K-1)
    eye = np.eye(K - 1)[None]
    A11p = A11 + eye * (pad[:, :, None] & pad[:, None, :])
    A11inv = np.linalg.inv(A11p)
    A11inv[pad[:, :, None] | pad[:, None, :]] = 0.0
    # bivariate pieces
    prob, dprho, dpti, dptj = _bivariate_pieces(th_pad[ia], th_pad[ja], rho)
    ok = prob > _SQRT_EPS
    with np.errstate(divide="ignore", invalid="ignore"):
        inv_p = np.where(ok, 1.0 / np.where(ok, prob, 1.0), 0.0)
    s_rho = dprho * inv_p  # cell score of rho
    s_ti = dpti * inv_p[..., None]
    s_tj = dptj * inv_p[..., None]
    a22 = np.einsum("pab,pab->p", tab, s_rho * s_rho)
    A21_i = np.einsum("pab,pabk->pk", tab * s_rho, s_ti)
    A21_j = np.einsum("pab,pabk->pk", tab * s_rho, s_tj)
    C_i = np.einsum("pk,pkl->pl", A21_i, A11inv[ia])
    C_j = np.einsum("pk,pkl->pl", A21_j, A11inv[ja])
    G_i = np.einsum("pck,pk->pc", U[ia], C_i)
    G_j = np.einsum("pck,pk->pc", U[ja], C_j)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv_a22 = np.where(a22 > 0, 1.0 / a22, 0.0)
    # influence of a correlation: its own score (rows that answered both items) minus the
    # threshold scores of each item (rows that answered that item), all over a22
    E_rho = s_rho * inv_a22[:, None, None]
    E_i = G_i * inv_a22[:, None]
    E_j = G_j * inv_a22[:, None]
    # influence functions: thresholds then correlations, gathered by the response codes
    Q = np.einsum("ick,ikl->icl", U, A11inv)  # (p, K, K-1)
    missing = codes < 0
    safe = np.where(missing, 0, codes)
    IF_th = Q[np.arange(p)[None, :], safe, :]  # (n, p, K-1)
    IF_th[missing] = 0.0  # a missing answer scores zero
    IF_th = IF_th[:, valid_th]
    pairs = np.arange(P)[None, :]
    ci, cj = safe[:, ia], safe[:, ja]
    own = E_rho[pairs, ci, cj]
    own[missing[:, ia] | missing[:, ja]] = 0.0
    from_i = np.where(missing[:, ia], 0.0, E_i[pairs, ci])
    from_j = np.where(missing[:, ja], 0.0, E_j[pairs, cj])
    IF_cor = own - from_i - from_j  # (n, P)
    IF = np.concatenate([IF_th, IF_cor], axis=1)
    IF = np.asfortranarray(IF)
    G = blas.dsyrk(float(n), IF, trans=1, lower=0)
    G = np.triu(G) + np.triu(G, 1).T
    return G
