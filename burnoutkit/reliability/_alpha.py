"""Cronbach's alpha with psych's full output: CIs, alpha if item dropped, item statistics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import special, stats

from burnoutkit._result import Result
from burnoutkit.correlation import _check_choice, correlation
from burnoutkit.errors import DataError
from burnoutkit.reliability._common import (
    KeysLike,
    check_confidence_level,
    check_not_redundant,
    cov2cor,
    first_pc_negative,
    pairwise_cov,
    resolve_items,
    smc,
    warn_negative,
)

__all__ = ["AlphaResult", "alpha"]

CiMethod = Literal["feldt", "asymptotic", "percentile", "bca"]


def _lower(r: np.ndarray) -> np.ndarray:
    return r[np.tril_indices(r.shape[0], -1)]


def _alpha_stats(c: np.ndarray, r: np.ndarray) -> dict[str, float]:
    """Psych's internal ``alpha.1``: the statistics of one set of items."""
    k = c.shape[0]
    sum_c = c.sum()
    tr_c = np.trace(c)
    sum_r = r.sum()
    off = _lower(r)
    av_r = (sum_r - k) / (k * (k - 1))
    cc = c @ c
    q = (2 * k**2 / ((k - 1) ** 2 * sum_c**3)) * (
        sum_c * (np.trace(cc) + tr_c**2) - 2 * tr_c * cc.sum()
    )
    return {
        "raw_alpha": (1 - tr_c / sum_c) * k / (k - 1),
        "std_alpha": (1 - k / sum_r) * k / (k - 1),
        "lambda6": 1 - (k - smc(r).sum()) / sum_r,
        "average_r": av_r,
        "signal_noise": k * av_r / (1 - av_r),
        "q": q,
        "var_r": float(np.var(off, ddof=1)) if off.size > 1 else float("nan"),
        "median_r": float(np.median(off)),
    }


def feldt_interval(
    alpha: float, n: int, k: int, confidence_level: float = 0.95
) -> tuple[float, float]:
    """Feldt, Woodruff & Salih (1987) interval, as ``psych::alpha.ci``."""
    p = 1 - confidence_level
    df1 = n - 1
    df2 = (n - 1) * (k - 1)
    low = 1 - (1 - alpha) * stats.f.ppf(1 - p / 2, df1, df2)
    high = 1 - (1 - alpha) * stats.f.ppf(p / 2, df1, df2)
    return float(low), float(high)


# ---------------------------------------------------------------------------------- bootstrap
def _centred(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mask = ~np.isnan(x)
    return np.where(mask, x - np.nanmean(x, axis=0), 0.0), mask.astype(float)


def _alpha_from_sums(n: np.ndarray, s_x: np.ndarray, s_xy: np.ndarray) -> np.ndarray:
    """Raw alpha from stacks ``(B, k, k)`` of pairwise counts and sums (pairwise covariances)."""
    k = n.shape[-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        c = (s_xy - s_x * np.swapaxes(s_x, -1, -2) / n) / (n - 1)
        tr = np.trace(c, axis1=-2, axis2=-1)
        total = c.sum(axis=(-2, -1))
        return (1 - tr / total) * k / (k - 1)


def _boot_alphas(x: np.ndarray, weights: np.ndarray, chunk: int = 4_000_000) -> np.ndarray:
    """Raw alpha for each row of ``weights`` (``(B, n)`` resampling counts), vectorized."""
    xc, m = _centred(x)
    n_rows, k = x.shape
    if m.all():
        t = xc.sum(axis=1)
        sw = weights.sum(axis=1)
        s1 = weights @ xc
        s2 = weights @ (xc * xc)
        var_items = ((s2 - s1 * s1 / sw[:, None]) / (sw[:, None] - 1)).sum(axis=1)
        ts1 = weights @ t
        var_total = (weights @ (t * t) - ts1 * ts1 / sw) / (sw - 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return (1 - var_items / var_total) * k / (k - 1)
    out = np.empty(weights.shape[0])
    step = max(1, chunk // (n_rows * k))
    for start in range(0, weights.shape[0], step):
        w = weights[start : start + step][:, :, None]
        wx = np.swapaxes(w * xc[None], 1, 2)  # (b, k, n)
        wm = np.swapaxes(w * m[None], 1, 2)
        out[start : start + step] = _alpha_from_sums(wm @ m, wx @ m, wx @ xc)
    return out


def _jackknife_alphas(x: np.ndarray, chunk: int = 2_000_000) -> np.ndarray:
    """Leave-one-out raw alphas, by removing each row's contribution from the sums."""
    xc, m = _centred(x)
    n_rows, k = x.shape
    big_n = m.T @ m
    big_sx = xc.T @ m
    big_sxy = xc.T @ xc
    out = np.empty(n_rows)
    step = max(1, chunk // (k * k))
    for start in range(0, n_rows, step):
        xs = xc[start : start + step]
        ms = m[start : start + step]
        n = big_n - ms[:, :, None] * ms[:, None, :]
        sx = big_sx - xs[:, :, None] * ms[:, None, :]
        sxy = big_sxy - xs[:, :, None] * xs[:, None, :]
        out[start : start + step] = _alpha_from_sums(n, sx, sxy)
    return out


def _bootstrap_interval(
    x: np.ndarray,
    estimate: float,
    *,
    method: str,
    confidence_level: float,
    n_boot: int,
    random_state: Any,
) -> tuple[float, float, np.ndarray]:
    rng = np.random.default_rng(random_state)
    n = x.shape[0]
    weights = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(float)
    boot = _boot_alphas(x, weights)
    boot = boot[np.isfinite(boot)]
    if boot.size < 2:
        raise DataError(
            "alpha: fewer than 2 bootstrap samples gave a finite alpha; the data are too sparse "
            "for a bootstrap interval. Use ci='feldt'."
        )
    tail = (1 - confidence_level) / 2
    probs = np.array([tail, 1 - tail])
    if method == "bca":
        below = np.mean(boot < estimate) + 0.5 * np.mean(boot == estimate)
        z0 = special.ndtri(np.clip(below, 1 / (2 * boot.size), 1 - 1 / (2 * boot.size)))
        jack = _jackknife_alphas(x)
        jack = jack[np.isfinite(jack)]
        d = jack.mean() - jack
        denom = 6 * (d @ d) ** 1.5
        accel = float((d**3).sum() / denom) if denom > 0 else 0.0
        z = special.ndtri(probs)
        probs = special.ndtr(z0 + (z0 + z) / (1 - accel * (z0 + z)))
    low, high = np.quantile(boot, probs)
    return float(low), float(high), boot


# ---------------------------------------------------------------------------------- result
@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class AlphaResult(Result):
    """Cronbach's alpha and the tables psych::alpha reports.

    Attributes
    ----------
    alpha : float
        Raw (covariance-based) coefficient alpha.
    std_alpha : float
        Standardized alpha (from the correlation matrix).
    lambda6 : float
        Guttman's lambda-6 with squared multiple correlations (psych's ``G6(smc)``).
    average_r, median_r, var_r : float
        Mean, median and variance of the inter-item correlations.
    signal_noise : float
        Signal-to-noise ratio ``k * average_r / (1 - average_r)``.
    ase : float
        Asymptotic standard error of alpha (Duhachek & Iacobucci, 2004).
    ci_low, ci_high : float
        The interval chosen with ``ci``.
    ci_method : str
        ``"feldt"``, ``"asymptotic"``, ``"percentile"`` or ``"bca"``.
    confidence_level : float
        Coverage of the intervals.
    intervals : pandas.DataFrame
        Every interval computed: ``method``, ``ci_low``, ``ci_high``.
    n : int
        Respondents with at least one response (the n of the standard error and intervals).
    n_complete : int
        Respondents who answered every item.
    n_items : int
        Number of items.
    mean, sd : float
        Mean and SD of the respondents' mean item score (after reverse-keying).
    missing : str
        ``"pairwise"`` or ``"listwise"``.
    keys : pandas.Series
        +1 / -1 per item as applied.
    item_stats : pandas.DataFrame
        One row per item: ``item, keyed, n, raw_r, std_r, r_cor, r_drop, mean, sd, floor,
        ceiling`` (psych's ``item.stats`` plus the shares of responses in the lowest and
        highest category).
    alpha_if_dropped : pandas.DataFrame
        One row per item: ``item, raw_alpha, std_alpha, lambda6, average_r, signal_noise,
        alpha_se, var_r, median_r`` computed without that item (psych's ``alpha.drop``).
    boot : numpy.ndarray or None
        The bootstrap alphas, for ``ci="percentile"`` or ``"bca"``.
    method : str
        Correlations analysed: ``"pearson"`` (the item covariances) or ``"polychoric"``
        (ordinal alpha).
    """

    alpha: float
    std_alpha: float
    lambda6: float
    average_r: float
    median_r: float
    var_r: float
    signal_noise: float
    ase: float
    ci_low: float
    ci_high: float
    ci_method: str
    confidence_level: float
    intervals: pd.DataFrame
    n: int
    n_complete: int
    n_items: int
    mean: float
    sd: float
    missing: str
    keys: pd.Series
    item_stats: pd.DataFrame
    alpha_if_dropped: pd.DataFrame
    boot: np.ndarray | None = None
    method: str = "pearson"

    def tidy(self) -> pd.DataFrame:
        """One row per item: item statistics and alpha if the item is dropped."""
        drop = self.alpha_if_dropped.rename(
            columns={c: f"{c}_if_dropped" for c in self.alpha_if_dropped.columns if c != "item"}
        )
        return self.item_stats.merge(drop, on="item", how="left", sort=False)

    def glance(self) -> pd.DataFrame:
        """One row: alpha, its interval, standardized alpha, lambda-6, average r, n, items."""
        return pd.DataFrame(
            [
                {
                    "alpha": self.alpha,
                    "ci_low": self.ci_low,
                    "ci_high": self.ci_high,
                    "ci_method": self.ci_method,
                    "method": self.method,
                    "std_alpha": self.std_alpha,
                    "lambda6": self.lambda6,
                    "average_r": self.average_r,
                    "ase": self.ase,
                    "n": self.n,
                    "n_items": self.n_items,
                }
            ]
        )


# ---------------------------------------------------------------------------------- api
def alpha(
    data: Any,
    /,
    *,
    items: Sequence[str] | None = None,
    bank: Any = None,
    scale: str | None = None,
    keys: KeysLike = None,
    method: Literal["pearson", "polychoric"] = "pearson",
    missing: Literal["pairwise", "listwise"] = "pairwise",
    confidence_level: float = 0.95,
    ci: CiMethod = "feldt",
    n_boot: int = 1000,
    random_state: Any = None,
) -> AlphaResult:
    r"""Cronbach's alpha with confidence intervals, item statistics and alpha if item dropped.

    Agrees with R's ``psych::alpha`` (2.2.9): the same raw and standardized alpha, lambda-6,
    inter-item correlation summaries, item statistics, alpha-if-dropped table, asymptotic
    standard error and Feldt interval.

    Parameters
    ----------
    data : pandas.DataFrame
        One column per item; NaN is missing. Checked responses from
        :func:`burnoutkit.check_responses` are accepted too (their bank gives the keys).
    items : list of str, optional
        The item columns; default the items of ``scale``, else all items of ``bank``, else
        all columns.
    bank : ItemBank, optional
        Gives the reverse keys (and, with ``scale``, the items) and the response format used to
        reverse responses.
    scale : str, optional
        A scale id of ``bank``.
    keys : list of str or mapping, optional
        Without a bank: the items to reverse (``["A1"]``) or a mapping item -> +1/-1.
        Reversed responses are ``min + max - x`` with the lowest and highest response observed
        among the items, as psych.
    method : {"pearson", "polychoric"}, default "pearson"
        ``"pearson"``: coefficient alpha of the item covariances. ``"polychoric"``: ordinal
        alpha (Zumbo, Gadermann & Zeisser, 2007), alpha of the polychoric correlation matrix
        of the keyed items (:func:`burnoutkit.correlation` with ``method="polychoric"``), as
        ``psych::alpha(psych::polychoric(x)$rho, n.obs = nrow(x))``; ``alpha`` then equals
        ``std_alpha`` and refers to the latent response variables, not to the sum score.
    missing : {"pairwise", "listwise"}, default "pairwise"
        ``"pairwise"`` (psych's default, ``use = "pairwise"``): covariances from every pair's
        complete cases, item means and SDs from each item's responses and the total score as
        the mean of the answered items. ``"listwise"`` first drops respondents with any
        missing item.
    confidence_level : float, default 0.95
        Coverage of every interval.
    ci : {"feldt", "asymptotic", "percentile", "bca"}, default "feldt"
        The interval reported as ``ci_low``/``ci_high``; Feldt and asymptotic intervals are
        always in ``intervals``, bootstrap ones when asked for.
    n_boot : int, default 1000
        Bootstrap samples for ``ci="percentile"`` or ``"bca"``.
    random_state : int or numpy.random.Generator, optional
        Seed of the bootstrap.

    Returns
    -------
    AlphaResult

    Raises
    ------
    DataError
        Fewer than two items or respondents; absent, non-numeric, all-missing or constant
        items; items never answered together; perfectly correlated (e.g. duplicated) items;
        a bootstrap interval asked for with ``method="polychoric"``.

    Warns
    -----
    BurnoutkitWarning
        Items correlate negatively with the rest (never reversed silently); respondents who
        answered no item were left out; fewer respondents than items.

    Notes
    -----
    With :math:`C` the (pairwise) covariance matrix of the :math:`k` keyed items and :math:`R`
    the matching correlation matrix,

    .. math:: \alpha = \frac{k}{k-1}\Bigl(1 - \frac{\operatorname{tr} C}{1'C1}\Bigr),\quad
              \alpha_{std} = \frac{k}{k-1}\Bigl(1 - \frac{k}{1'R1}\Bigr),\quad
              \lambda_6 = 1 - \frac{k - \sum_j \mathrm{smc}_j}{1'R1}.

    The asymptotic standard error is :math:`\sqrt{Q/n}` with
    :math:`Q = \frac{2k^2}{(k-1)^2 (1'C1)^3}\bigl[1'C1\,(\operatorname{tr} C^2 +
    (\operatorname{tr} C)^2) - 2 \operatorname{tr} C \; 1'C^2 1\bigr]`; the asymptotic
    interval is :math:`\alpha \pm z\,\mathrm{ASE}` (psych prints it with :math:`z = 1.96`;
    here :math:`z` is the exact normal quantile of ``confidence_level``). The Feldt interval
    is :math:`[1 - (1-\alpha) F_{1-p/2},\ 1 - (1-\alpha) F_{p/2}]` with :math:`F` quantiles
    on :math:`n-1` and :math:`(n-1)(k-1)` degrees of freedom. Bootstrap intervals resample
    respondents (all samples computed at once); BCa uses Efron's bias correction and the
    jackknife acceleration.

    Respondents who answered none of the items are left out (psych counts them in ``n``; this
    changes only the standard error and the intervals). Alpha if item dropped is undefined
    for two items and is NaN then.

    *Ordinal alpha* (``method="polychoric"``) puts the polychoric correlation matrix
    :math:`\rho` in place of :math:`C` and :math:`R`: :math:`\alpha_{ord} = \frac{k}{k-1}
    (1 - k / 1'\rho 1)`. It estimates the reliability of a sum of the continuous latent
    responses behind the items, so it is larger than alpha of the observed 5- or 6-point
    responses, whose coarse categories add error (Chalmers, 2018). Report it beside, not
    instead of, the alpha of the score you use. Item statistics ``raw_r``, ``std_r``,
    ``r_cor`` and ``r_drop`` come from :math:`\rho` (as psych's for a correlation matrix);
    means, SDs, floor and ceiling from the responses. The standard error and the Feldt and
    asymptotic intervals use ``n`` respondents as if :math:`\rho` were a Pearson matrix (psych's
    ``ase``); bootstrap intervals are not offered (each sample would need its own polychoric
    matrix).

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika*, 16(3), 297-334.

    Guttman, L. (1945). A basis for analyzing test-retest reliability. *Psychometrika*, 10(4),
    255-282.

    Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for coefficient
    alpha. *Applied Psychological Measurement*, 11(1), 93-103.

    Duhachek, A., & Iacobucci, D. (2004). Alpha's standard error (ASE): An accurate and precise
    confidence interval estimate. *Journal of Applied Psychology*, 89(5), 792-808.

    Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.

    Zumbo, B. D., Gadermann, A. M., & Zeisser, C. (2007). Ordinal versions of coefficients
    alpha and theta for Likert rating scales. *Journal of Modern Applied Statistical Methods*,
    6(1), 21-29.

    Chalmers, R. P. (2018). On misconceptions and the limited usefulness of ordinal alpha.
    *Educational and Psychological Measurement*, 78(6), 1056-1071.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> from burnoutkit.datasets import load_bfi
    >>> bfi = load_bfi()
    >>> # R: psych::alpha(psychTools::bfi[, c("A1", "A2", "A3", "A4", "A5")], keys = "A1")
    >>> res = bk.alpha(bfi, items=["A1", "A2", "A3", "A4", "A5"], keys=["A1"])
    >>> round(res.alpha, 4), round(res.std_alpha, 4), round(res.lambda6, 4)
    (0.703, 0.713, 0.6828)
    >>> round(res.ci_low, 4), round(res.ci_high, 4)
    (0.6853, 0.7201)
    >>> res.alpha_if_dropped[["item", "raw_alpha"]].round(4)
      item  raw_alpha
    0   A1     0.7185
    1   A2     0.6172
    2   A3     0.6003
    3   A4     0.6858
    4   A5     0.6430

    Ordinal alpha, from the polychoric correlations of the 6-point items:

    >>> # R: x <- psychTools::bfi[, c("A1", "A2", "A3", "A4", "A5")]; x$A1 <- 7 - x$A1
    >>> #    psych::alpha(psych::polychoric(x)$rho, n.obs = nrow(x))$total$raw_alpha
    >>> ordinal = bk.alpha(bfi, items=["A1", "A2", "A3", "A4", "A5"], keys=["A1"],
    ...                    method="polychoric")
    >>> round(ordinal.alpha, 4)
    0.759
    """
    where = "alpha"
    check_confidence_level(confidence_level, where)
    _check_choice(ci, "ci", ("feldt", "asymptotic", "percentile", "bca"), where)
    _check_choice(method, "method", ("pearson", "polychoric"), where)
    if method == "polychoric" and ci in ("percentile", "bca"):
        raise DataError(
            f"alpha: ci={ci!r} is not available with method='polychoric' (each bootstrap "
            "sample would need its own polychoric matrix). Use ci='feldt' or 'asymptotic'."
        )
    if ci in ("percentile", "bca") and not (isinstance(n_boot, int) and n_boot >= 100):
        raise DataError(
            f"The 'n_boot' parameter of alpha must be an int >= 100 for bootstrap intervals; "
            f"got {n_boot!r}."
        )
    data_keyed = resolve_items(
        data, items=items, bank=bank, scale=scale, keys=keys, missing=missing, where=where
    )
    keyed = data_keyed.keyed
    names = list(keyed.columns)
    x = keyed.to_numpy()
    n, k = x.shape
    if method == "polychoric":
        r = correlation(keyed, method="polychoric", missing="pairwise").matrix.to_numpy(
            dtype=float, copy=True
        )
        if np.isnan(r).any():
            raise DataError(
                f"{where}: some item pairs of {names} have too few joint responses for a "
                "polychoric correlation; leave one item of each such pair out."
            )
        c = r
    else:
        c = pairwise_cov(keyed, where)
        r = cov2cor(c)
    check_not_redundant(r, names, where)
    has_keys = bool((data_keyed.keys == -1).any()) or bank is not None or keys is not None
    warn_negative(first_pc_negative(r, names), has_keys, where)
    total = _alpha_stats(c, r)
    ase = float(np.sqrt(total["q"] / n))

    drop_rows = []
    for i, name in enumerate(names):
        keep = np.arange(k) != i
        if k > 2:
            d = _alpha_stats(c[np.ix_(keep, keep)], r[np.ix_(keep, keep)])
            se = float(np.sqrt(d["q"] / n)) if n > k else float("nan")
        else:
            d = dict.fromkeys(
                ("raw_alpha", "std_alpha", "lambda6", "average_r", "signal_noise", "var_r",
                 "median_r"),
                float("nan"),
            )
            se = float("nan")
        drop_rows.append(
            {
                "item": name,
                "raw_alpha": d["raw_alpha"],
                "std_alpha": d["std_alpha"],
                "lambda6": d["lambda6"],
                "average_r": d["average_r"],
                "signal_noise": d["signal_noise"],
                "alpha_se": se,
                "var_r": d["var_r"],
                "median_r": d["median_r"],
            }
        )

    # item statistics (psych's item.stats)
    score = np.nanmean(x, axis=1)
    mask = ~np.isnan(x)
    raw_r = np.empty(k)
    for j in range(k):
        ok = mask[:, j]
        raw_r[j] = np.corrcoef(score[ok], x[ok, j])[0, 1]
    std_r = r.sum(axis=0) / np.sqrt(r.sum())
    if method == "polychoric":
        raw_r = std_r.copy()  # psych's item.stats$r of a correlation matrix
    rc = r.copy()
    np.fill_diagonal(rc, smc(r))
    r_cor = rc.sum(axis=0) / np.sqrt(rc.sum())
    r_drop = np.empty(k)
    for i in range(k):
        keep = np.arange(k) != i
        r_drop[i] = (c[:, i].sum() - c[i, i]) / np.sqrt(c[i, i] * c[np.ix_(keep, keep)].sum())
    raw = data_keyed.raw.to_numpy()
    answered = mask.sum(axis=0)
    item_stats = pd.DataFrame(
        {
            "item": names,
            "keyed": data_keyed.keys.to_numpy(),
            "n": answered,
            "raw_r": raw_r,
            "std_r": std_r,
            "r_cor": r_cor,
            "r_drop": r_drop,
            "mean": np.nanmean(x, axis=0),
            "sd": np.nanstd(x, axis=0, ddof=1),
            "floor": (raw == data_keyed.low).sum(axis=0) / answered,
            "ceiling": (raw == data_keyed.high).sum(axis=0) / answered,
        }
    )

    z = special.ndtri(0.5 + confidence_level / 2)
    feldt = feldt_interval(total["raw_alpha"], n, k, confidence_level)
    rows = [
        {"method": "feldt", "ci_low": feldt[0], "ci_high": feldt[1]},
        {
            "method": "asymptotic",
            "ci_low": total["raw_alpha"] - z * ase,
            "ci_high": total["raw_alpha"] + z * ase,
        },
    ]
    boot = None
    if ci in ("percentile", "bca"):
        low, high, boot = _bootstrap_interval(
            x,
            total["raw_alpha"],
            method=ci,
            confidence_level=confidence_level,
            n_boot=n_boot,
            random_state=random_state,
        )
        rows.append({"method": ci, "ci_low": low, "ci_high": high})
    intervals = pd.DataFrame(rows)
    chosen = intervals.set_index("method").loc[ci]
    return AlphaResult(
        alpha=float(total["raw_alpha"]),
        std_alpha=float(total["std_alpha"]),
        lambda6=float(total["lambda6"]),
        average_r=float(total["average_r"]),
        median_r=float(total["median_r"]),
        var_r=float(total["var_r"]),
        signal_noise=float(total["signal_noise"]),
        ase=ase,
        ci_low=float(chosen["ci_low"]),
        ci_high=float(chosen["ci_high"]),
        ci_method=ci,
        confidence_level=float(confidence_level),
        intervals=intervals,
        n=int(n),
        n_complete=int(mask.all(axis=1).sum()),
        n_items=int(k),
        mean=float(np.nanmean(score)),
        sd=float(np.nanstd(score, ddof=1)),
        missing=missing,
        keys=data_keyed.keys.copy(),
        item_stats=item_stats,
        alpha_if_dropped=pd.DataFrame(drop_rows),
        boot=boot,
        method=method,
    )
