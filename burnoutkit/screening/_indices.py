r"""The careless-responding indices as vectorized numpy kernels.

Every kernel takes a float matrix ``x`` (respondents x items, NaN = missing answer) and returns
one value per respondent (NaN where the index is undefined for that respondent) together with a
reason string for each NaN, so that the caller can say why a value is missing. No kernel loops
over respondents; loops run over scales, numbers of missing answers or resampling rounds.

The definitions follow the R package careless (Yentes & Wilhelm, version 1.2.2); the handling of
missing answers and the minimum numbers of pairs are burnoutkit's and documented in
``docs/methods/screening.md``.

Examples
--------
>>> import numpy as np
>>> from burnoutkit.screening._indices import longstring
>>> longest, average, _ = longstring(np.array([[1, 1, 2, 2, 2, np.nan, 2.0]]))
>>> float(longest[0]), float(average[0])
(3.0, 2.0)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import stats

from burnoutkit.correlation import _pairwise_moments, _pairwise_pearson

__all__ = [
    "PAIR_R_FLOOR",
    "PAIR_R_START",
    "PAIR_R_STEP",
    "PAIR_TARGET",
    "even_odd",
    "irv",
    "item_correlations",
    "longstring",
    "mahalanobis",
    "missing_share",
    "rowwise_correlation",
    "sample_pairs",
    "within_person_pairs",
]

#: Critical correlation of careless's ``psychsyn`` / ``psychant`` (Meade & Craig, 2012).
PAIR_R_START = 0.60
#: Step and floor of the automatic lowering of the critical correlation.
PAIR_R_STEP = 0.05
PAIR_R_FLOOR = 0.30
#: Number of item pairs the automatic rule looks for before it stops lowering.
PAIR_TARGET = 10
#: careless computes a within-person correlation only over more than two answered pairs.
MIN_PAIRS = 3
#: Minimum number of scales with both halves answered for the even-odd index.
MIN_SCALES = 3
#: Resampling rounds of careless's ``psychsyn(resample_na = TRUE)``.
RESAMPLE_ROUNDS = 10

NO_ANSWER = "answered no item"


def _reasons(n: int) -> np.ndarray:
    return np.full(n, "", dtype=object)


# --------------------------------------------------------------------------- long-string
def longstring(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Longest and average run of identical consecutive answers (careless ``longstring``).

    A missing answer ends a run and is not itself a run: ``longstring`` is the longest run of
    identical answers, ``longstring_avg`` the number of answered items divided by the number
    of runs of answered items (careless's ``avgstr`` on complete rows).
    """
    n, p = x.shape
    answered = ~np.isnan(x)
    start = np.ones((n, p), dtype=bool)
    start[:, 1:] = x[:, 1:] != x[:, :-1]  # NaN != anything: a missing answer breaks a run
    run = np.cumsum(start, axis=1) - 1
    flat = (np.arange(n)[:, None] * p + run)[answered]
    lengths = np.bincount(flat, minlength=n * p).reshape(n, p)
    n_runs = (start & answered).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        longest = lengths.max(axis=1).astype(float)
        average = answered.sum(axis=1) / n_runs
    none = n_runs == 0
    longest[none] = np.nan
    average[none] = np.nan
    reasons = _reasons(n)
    reasons[none] = NO_ANSWER
    return longest, average, reasons


# --------------------------------------------------------------------------- IRV
def irv(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Intra-individual response variability: the SD (n - 1) of a respondent's answers."""
    answered = ~np.isnan(x)
    k = answered.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = np.where(answered, x, 0.0).sum(axis=1) / k
        dev = np.where(answered, x - centre[:, None], 0.0)
        out = np.sqrt((dev * dev).sum(axis=1) / (k - 1))
    out[k < 2] = np.nan
    reasons = _reasons(len(out))
    reasons[k == 1] = "answered only one item (an SD needs two)"
    reasons[k == 0] = NO_ANSWER
    return out, reasons


# --------------------------------------------------------------------------- missingness
def missing_share(x: np.ndarray) -> np.ndarray:
    """Share of the bank's items a respondent left unanswered."""
    return np.isnan(x).mean(axis=1)


# --------------------------------------------------------------------------- Mahalanobis
def mahalanobis(
    x: np.ndarray, item_ids: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    r"""Mahalanobis :math:`D^2` over each respondent's answered items and its chi-square p.

    The centre is the item means and the covariance matrix R's ``cov(x, use = "pairwise")``
    (as in ``psych::outlier``, which careless's ``mahad`` calls). For answered items :math:`O`
    and missing items :math:`M`, :math:`D^2 = x_O' \Sigma_{OO}^{-1} x_O`, computed from
    :math:`P = \Sigma^{-1}` as :math:`x_0' P x_0 - z_M' P_{MM}^{-1} z_M` with :math:`x_0` the
    centred answers (0 where missing) and :math:`z = P x_0`; the p-value is that of
    :math:`\chi^2` with as many degrees of freedom as answered items.

    Returns (d2, p, reasons, note); ``note`` is non-empty when no distance can be computed
    for anyone (the covariance matrix is singular).
    """
    n, p = x.shape
    answered = ~np.isnan(x)
    k = answered.sum(axis=1)
    d2 = np.full(n, np.nan)
    pval = np.full(n, np.nan)
    reasons = _reasons(n)
    reasons[k == 0] = NO_ANSWER
    cov, n_pair = _pairwise_moments(x)
    problem = _covariance_problem(cov, n_pair, item_ids, x.shape[0])
    if problem:
        reasons[k > 0] = problem
        return d2, pval, reasons, problem
    precision = np.linalg.inv(cov)
    precision = (precision + precision.T) / 2.0
    x0 = np.where(answered, x - np.nanmean(x, axis=0), 0.0)
    z = x0 @ precision
    d2 = np.einsum("ij,ij->i", z, x0)
    n_missing = p - k
    for m in np.unique(n_missing):
        if m == 0 or m == p:
            continue
        rows = np.flatnonzero(n_missing == m)
        missing_cols = np.nonzero(~answered[rows])[1].reshape(len(rows), m)
        p_mm = precision[missing_cols[:, :, None], missing_cols[:, None, :]]
        z_m = np.take_along_axis(z[rows], missing_cols, axis=1)
        d2[rows] -= np.einsum("ij,ij->i", z_m, np.linalg.solve(p_mm, z_m[:, :, None])[:, :, 0])
    d2[k == 0] = np.nan
    with np.errstate(invalid="ignore"):
        pval = stats.chi2.sf(d2, k)
    return d2, pval, reasons, ""


def _covariance_problem(
    cov: np.ndarray, n_pair: np.ndarray, item_ids: Sequence[str], n: int
) -> str:
    """Why the pairwise covariance matrix cannot be inverted, or ``""``."""
    few = [item_ids[j] for j in np.flatnonzero(np.diag(n_pair) < 2)]
    if few:
        return f"items {few} have fewer than two answers, so their covariances are undefined"
    if np.any(n_pair < 2):
        i, j = np.argwhere(n_pair < 2)[0]
        return (
            f"items {item_ids[i]!r} and {item_ids[j]!r} are answered together by fewer than two "
            "respondents, so their covariance is undefined"
        )
    constant = [item_ids[j] for j in np.flatnonzero(np.diag(cov) <= 0)]
    if constant:
        return f"items {constant} have no variance, so the covariance matrix is singular"
    eig = np.linalg.eigvalsh(cov)
    if eig[0] <= 1e-10 * eig[-1]:
        return (
            f"the pairwise covariance matrix of the {len(item_ids)} items is not positive "
            f"definite (smallest eigenvalue {eig[0]:.3g}; {n} respondents), so it has no inverse"
        )
    return ""


# --------------------------------------------------------------------------- correlations
def rowwise_correlation(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Correlate ``a[i]`` with ``b[i]`` for every row, over pairwise-complete positions.

    Returns (Pearson r, number of complete positions); r is NaN when either side is constant.
    """
    m = ~np.isnan(a) & ~np.isnan(b)
    k = m.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_a = np.where(m, a, 0.0).sum(axis=1) / k
        mean_b = np.where(m, b, 0.0).sum(axis=1) / k
        da = np.where(m, a - mean_a[:, None], 0.0)
        db = np.where(m, b - mean_b[:, None], 0.0)
        r = (da * db).sum(axis=1) / np.sqrt((da * da).sum(axis=1) * (db * db).sum(axis=1))
    constant = (_masked_range(a, m) == 0) | (_masked_range(b, m) == 0)
    r[constant | (k < 2)] = np.nan
    return np.clip(r, -1.0, 1.0), k


def _masked_range(v: np.ndarray, m: np.ndarray) -> np.ndarray:
    return np.where(m, v, -np.inf).max(axis=1) - np.where(m, v, np.inf).min(axis=1)


# --------------------------------------------------------------------------- even-odd
def even_odd(
    keyed: np.ndarray, scales: Sequence[np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Even-odd consistency in careless's sign (higher = more careless).

    ``keyed`` holds reverse-keyed answers already reversed; ``scales`` the column positions of
    each scale's items in bank order. Per scale, the odd half is the mean of its 1st, 3rd, ...
    answered items and the even half the mean of its 2nd, 4th, ...; the index is minus the
    Spearman-Brown corrected within-person correlation of the halves across scales (careless
    ``evenodd``, version 1.2.0 on), with the corrected value clamped at -1 before the sign flip.

    Returns (even_odd, number of scales used, reasons).
    """
    n = keyed.shape[0]
    halves = np.full((2, n, len(scales)), np.nan)
    for s, cols in enumerate(scales):
        for h, part in enumerate((cols[0::2], cols[1::2])):
            if len(part) == 0:
                continue
            values = keyed[:, part]
            answered = ~np.isnan(values)
            count = answered.sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                halves[h, :, s] = np.where(answered, values, 0.0).sum(axis=1) / count
    r, used = rowwise_correlation(halves[0], halves[1])
    with np.errstate(invalid="ignore", divide="ignore"):
        corrected = 2.0 * r / (1.0 + r)
    corrected = np.where(corrected < -1.0, -1.0, corrected)
    out = -corrected
    few = used < MIN_SCALES
    out[few] = np.nan
    reasons = _reasons(n)
    reasons[np.isnan(r) & ~few] = "the odd- or the even-half means do not vary across scales"
    reasons[few] = f"fewer than {MIN_SCALES} scales with both halves answered"
    reasons[np.isnan(keyed).all(axis=1)] = NO_ANSWER
    return out, used.astype(float), reasons


# --------------------------------------------------------------------------- synonyms
def item_correlations(x: np.ndarray) -> np.ndarray:
    """Pairwise-complete Pearson correlations of the items (R ``cor(x, use = "pairwise")``)."""
    return _pairwise_pearson(x)[0]


def sample_pairs(
    r: np.ndarray, *, antonyms: bool, pair_r: float | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Item pairs whose sample correlation exceeds the critical value (careless's rule).

    ``r`` is the item correlation matrix, R's ``cor(x, use = "pairwise.complete.obs")``
    (:func:`item_correlations`); synonyms are pairs with
    ``r > crit``, antonyms pairs with ``r < -crit``. With ``pair_r=None`` the critical value
    starts at .60 and is lowered in steps of .05 to at most .30 until at least
    :data:`PAIR_TARGET` pairs qualify. Pairs are listed as careless lists them: the later item
    first, ordered by the earlier item and then the later one.

    Returns (later item positions, earlier item positions, their correlations, crit used).
    """
    later, earlier = np.tril_indices(r.shape[0], -1)
    order = np.lexsort((later, earlier))
    later, earlier = later[order], earlier[order]
    values = r[later, earlier]
    signed = -values if antonyms else values
    if pair_r is not None:
        candidates = [float(pair_r)]
    else:
        steps = round((PAIR_R_START - PAIR_R_FLOOR) / PAIR_R_STEP)
        candidates = [round(PAIR_R_START - PAIR_R_STEP * s, 2) for s in range(steps + 1)]
    for crit in candidates:
        chosen = signed > crit
        if chosen.sum() >= PAIR_TARGET:
            break
    return later[chosen], earlier[chosen], values[chosen], crit


def within_person_pairs(
    x: np.ndarray,
    first: np.ndarray,
    second: np.ndarray,
    *,
    resample_na: bool,
    rng: np.random.Generator | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Within-person correlation of the answers to the first and second items of the pairs.

    careless's ``syn_for_one``: only over respondents with at least three pairs of which both
    items are answered; when the correlation is undefined (one side constant) and
    ``resample_na`` is true, the two items of every pair are put in random order and the
    correlation is recomputed, up to ten times (careless's ``resample_na = TRUE``).

    Returns (r, number of answered pairs, resampled (bool), reasons).
    """
    n = x.shape[0]
    a = x[:, first]
    b = x[:, second]
    r, k = rowwise_correlation(a, b)
    r[k < MIN_PAIRS] = np.nan
    resampled = np.zeros(n, dtype=bool)
    if resample_na and rng is not None:
        todo = np.flatnonzero(np.isnan(r) & (k >= MIN_PAIRS))
        for _ in range(RESAMPLE_ROUNDS):
            if todo.size == 0:
                break
            swap = rng.random((todo.size, len(first))) < 0.5
            a_new = np.where(swap, b[todo], a[todo])
            b_new = np.where(swap, a[todo], b[todo])
            r_new, _ = rowwise_correlation(a_new, b_new)
            r[todo] = r_new
            resampled[todo] = True
            todo = todo[np.isnan(r_new)]
    reasons = _reasons(n)
    undefined = np.isnan(r) & (k >= MIN_PAIRS)
    reasons[undefined] = "the answers to one side of the item pairs do not vary" + (
        f" (also after {RESAMPLE_ROUNDS} random re-orderings)" if resample_na else ""
    )
    reasons[k < MIN_PAIRS] = f"fewer than {MIN_PAIRS} item pairs with both items answered"
    reasons[np.isnan(x).all(axis=1)] = NO_ANSWER
    resampled &= ~np.isnan(r)
    return r, k.astype(float), resampled, reasons
