"""Split-half reliability: Spearman-Brown and the extremes over every split (psych::splitHalf)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from burnoutkit._result import Result
from burnoutkit.errors import DataError
from burnoutkit.reliability._common import (
    KeysLike,
    check_not_redundant,
    cov2cor,
    first_pc_negative,
    pairwise_cov,
    resolve_items,
    smc,
    warn_negative,
)

__all__ = ["SplitHalfResult", "split_half"]


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class SplitHalfResult(Result):
    """Split-half reliabilities of a set of items.

    Attributes
    ----------
    spearman_brown : float
        Spearman-Brown corrected correlation of the odd-even split (items 1, 3, 5, ... against
        2, 4, 6, ... in the given order).
    odd_even_r : float
        The uncorrected correlation between the two halves of that split.
    max_split, min_split, mean_split : float
        Largest, smallest and mean split-half coefficient ``4 * r_AB / 1'R1`` (Guttman's
        lambda-4, psych's ``maxrb``, ``minrb``, ``meanr``) over the splits examined.
    best_split, worst_split : list of str
        The items of one half of the best and the worst split.
    n_splits : int
        Number of splits examined.
    exhaustive : bool
        True when every split into halves of ``k // 2`` and ``k - k // 2`` items was examined.
    alpha : float
        Standardized alpha of the correlation matrix.
    lambda2, lambda6 : float
        Guttman's lambda-2 and lambda-6 (with squared multiple correlations).
    average_r, median_r : float
        Mean and median inter-item correlation.
    n_items : int
        Number of items.
    split_values : numpy.ndarray
        The coefficient of every split examined.
    keys : pandas.Series
        +1 / -1 per item as applied.
    """

    spearman_brown: float
    odd_even_r: float
    max_split: float
    min_split: float
    mean_split: float
    best_split: list[str]
    worst_split: list[str]
    n_splits: int
    exhaustive: bool
    alpha: float
    lambda2: float
    lambda6: float
    average_r: float
    median_r: float
    n_items: int
    split_values: np.ndarray
    keys: pd.Series

    def tidy(self) -> pd.DataFrame:
        """One row per coefficient: ``coefficient``, ``estimate``."""
        names = [
            "spearman_brown",
            "max_split",
            "min_split",
            "mean_split",
            "alpha",
            "lambda2",
            "lambda6",
            "average_r",
            "median_r",
        ]
        return pd.DataFrame(
            {"coefficient": names, "estimate": [getattr(self, n) for n in names]}
        )

    def glance(self) -> pd.DataFrame:
        """One row: Spearman-Brown, split extremes and mean, lambda-2, lambda-6, alpha."""
        return pd.DataFrame(
            [
                {
                    "spearman_brown": self.spearman_brown,
                    "max_split": self.max_split,
                    "min_split": self.min_split,
                    "mean_split": self.mean_split,
                    "lambda2": self.lambda2,
                    "lambda6": self.lambda6,
                    "alpha": self.alpha,
                    "n_items": self.n_items,
                    "n_splits": self.n_splits,
                }
            ]
        )


def _halves(k: int, max_splits: int, rng: np.random.Generator) -> tuple[np.ndarray, bool]:
    """Return one half of every split (splits x items indicators) and whether all are there."""
    m = k // 2
    total = math.comb(k, m) // 2 if k % 2 == 0 else math.comb(k, m)
    if total <= max_splits:
        if k % 2 == 0:  # each split once: the half that holds the first item
            combos = [(0, *rest) for rest in itertools.combinations(range(1, k), m - 1)]
        else:
            combos = list(itertools.combinations(range(k), m))
        idx = np.array(combos, dtype=np.int64)
        exhaustive = True
    else:
        keys = rng.random((max_splits, k))
        idx = np.argsort(keys, axis=1)[:, :m]
        exhaustive = False
    ind = np.zeros((idx.shape[0], k))
    np.put_along_axis(ind, idx, 1.0, axis=1)
    return ind, exhaustive


def split_half(
    data: Any,
    /,
    *,
    items: Sequence[str] | None = None,
    bank: Any = None,
    scale: str | None = None,
    keys: KeysLike = None,
    missing: Literal["pairwise", "listwise"] = "pairwise",
    max_splits: int = 100_000,
    random_state: Any = None,
) -> SplitHalfResult:
    r"""Split-half reliability: Spearman-Brown, and the best, worst and mean of all splits.

    Agrees with R's ``psych::splitHalf`` (2.2.9) for an even number of items; see Notes for
    odd numbers.

    Parameters
    ----------
    data : pandas.DataFrame
        One column per item; NaN is missing.
    items : list of str, optional
        The item columns; default the items of ``scale``, else all items of ``bank``, else
        all columns.
    bank : ItemBank, optional
        Gives the reverse keys (and, with ``scale``, the items).
    scale : str, optional
        A scale id of ``bank``.
    keys : list of str or mapping, optional
        Without a bank: the items to reverse, or a mapping item -> +1/-1.
    missing : {"pairwise", "listwise"}, default "pairwise"
        How the correlation matrix treats missing responses (psych's default is pairwise).
    max_splits : int, default 100000
        Every split is examined when there are at most this many (always for up to 20 items);
        otherwise this many random splits.
    random_state : int or numpy.random.Generator, optional
        Seed for the random splits.

    Returns
    -------
    SplitHalfResult

    Raises
    ------
    DataError
        Fewer than two items; absent, non-numeric, all-missing or constant items;
        perfectly correlated items.

    Warns
    -----
    BurnoutkitWarning
        Items correlate negatively with the rest. Unlike psych (``check.keys = TRUE``) they are
        never reversed silently; pass ``keys`` or a bank.

    Notes
    -----
    All coefficients use the correlation matrix :math:`R` of the keyed items. For a split into
    halves with indicator vectors :math:`a` and :math:`b`, psych's split-half coefficient is
    :math:`4\,a'Rb / 1'R1` (Guttman's lambda-4 on standardized items, equal to the
    Spearman-Brown coefficient when the halves have equal variance); the Spearman-Brown value
    is :math:`2 r_{ab} / (1 + r_{ab})` with :math:`r_{ab} = a'Rb / \sqrt{a'Ra\; b'Rb}`. With
    :math:`S = 1'R1` and :math:`k` items, :math:`\lambda_2 = (S_{off} + \sqrt{k/(k-1)
    \sum_{i \ne j} r_{ij}^2}) / S` and :math:`\lambda_6 = (S_{off} + \sum_j
    \mathrm{smc}_j) / S`. All splits are evaluated at once as matrix products.

    For an odd number of items, psych 2.2.9 examines only the first half (in lexicographic
    order) of the :math:`\binom{k}{\lfloor k/2 \rfloor}` splits and divides their sum by a
    non-integer count, so its ``minrb``, ``maxrb`` and ``meanr`` can differ from the values
    here, which use every split.

    References
    ----------
    Guttman, L. (1945). A basis for analyzing test-retest reliability. *Psychometrika*, 10(4),
    255-282.

    Spearman, C. (1910). Correlation calculated from faulty data. *British Journal of
    Psychology*, 3(3), 271-295. Brown, W. (1910). Some experimental results in the correlation
    of mental abilities. *British Journal of Psychology*, 3(3), 296-322.

    Revelle, W., & Condon, D. M. (2019). Reliability from alpha to omega: A tutorial.
    *Psychological Assessment*, 31(12), 1395-1411.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> from burnoutkit.datasets import load_bfi
    >>> bfi = load_bfi()
    >>> items = ["A1", "A2", "A3", "A4", "A5", "C1", "C2", "C3", "C4", "C5"]
    >>> # R: psych::splitHalf(psychTools::bfi[, 1:10], key = c(-1, 1, 1, 1, 1, 1, 1, 1, -1, -1))
    >>> res = bk.split_half(bfi, items=items, keys=["A1", "C4", "C5"])
    >>> round(res.max_split, 4), round(res.min_split, 4), round(res.mean_split, 4)
    (0.808, 0.405, 0.7366)
    >>> res.n_splits
    126
    """
    where = "split_half"
    if not (isinstance(max_splits, int) and max_splits >= 1):
        raise DataError(
            f"The 'max_splits' parameter of split_half must be an int >= 1; got {max_splits!r}."
        )
    keyed_items = resolve_items(
        data, items=items, bank=bank, scale=scale, keys=keys, missing=missing, where=where,
        warn_empty=False,
    )
    keyed = keyed_items.keyed
    names = list(keyed.columns)
    r = cov2cor(pairwise_cov(keyed, where))
    check_not_redundant(r, names, where)
    has_keys = bool((keyed_items.keys == -1).any()) or bank is not None or keys is not None
    warn_negative(first_pc_negative(r, names), has_keys, where)
    k = len(names)
    total = r.sum()
    off = total - np.trace(r)
    lower = r[np.tril_indices(k, -1)]
    sumsq_off = 2.0 * float(lower @ lower)
    alpha = off / total * k / (k - 1)
    lambda6 = (off + smc(r).sum()) / total
    lambda2 = (off + np.sqrt(sumsq_off * k / (k - 1))) / total

    rng = np.random.default_rng(random_state)
    ind, exhaustive = _halves(k, max_splits, rng)
    row_sums = r.sum(axis=1)
    within_a = np.einsum("si,si->s", ind @ r, ind)
    between = ind @ row_sums - within_a
    values = 4.0 * between / total
    best = int(np.argmax(values))
    worst = int(np.argmin(values))

    odd = np.zeros(k)
    odd[0::2] = 1.0
    even = 1.0 - odd
    r_ab = (odd @ r @ even) / np.sqrt((odd @ r @ odd) * (even @ r @ even))
    return SplitHalfResult(
        spearman_brown=float(2 * r_ab / (1 + r_ab)),
        odd_even_r=float(r_ab),
        max_split=float(values[best]),
        min_split=float(values[worst]),
        mean_split=float(values.mean()),
        best_split=[n for n, a in zip(names, ind[best], strict=True) if a],
        worst_split=[n for n, a in zip(names, ind[worst], strict=True) if a],
        n_splits=int(values.size),
        exhaustive=exhaustive,
        alpha=float(alpha),
        lambda2=float(lambda2),
        lambda6=float(lambda6),
        average_r=float(lower.mean()),
        median_r=float(np.median(lower)),
        n_items=k,
        split_values=values,
        keys=keyed_items.keys.copy(),
    )
