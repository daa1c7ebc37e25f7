"""Is a correlation matrix worth factoring? Kaiser-Meyer-Olkin and Bartlett's sphericity test.

Both functions take raw item responses (a DataFrame) or a correlation matrix, and agree with
``psych::KMO`` and ``psych::cortest.bartlett``. The private helpers here turn data into the
correlation matrix every factor-analytic function of :mod:`burnoutkit.factors` works on, with
the missing-data rule made explicit and the counts kept.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from burnoutkit._result import Result
from burnoutkit.errors import BurnoutkitError, DataError, NonPositiveDefiniteWarning

__all__ = ["BartlettResult", "KMOResult", "bartlett", "kmo"]

Missing = Literal["pairwise", "listwise"]
_MISSING = ("pairwise", "listwise")


# --------------------------------------------------------------------------- parameter checks
def _check_choice(fn: str, name: str, value: Any, choices: Sequence[Any]) -> None:
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise BurnoutkitError(
            f"The {name!r} parameter of {fn} must be one of {options}; got {value!r}."
        )


def _check_int(fn: str, name: str, value: Any, low: int, high: float | None = None) -> int:
    ok = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
    if ok and value >= low and (high is None or value <= high):
        return int(value)
    upper = "inf" if high is None else str(int(high))
    raise BurnoutkitError(
        f"The {name!r} parameter of {fn} must be an int in [{low}, {upper}]; got {value!r}."
    )


def _check_open_unit(fn: str, name: str, value: Any) -> float:
    ok = isinstance(value, (int, float, np.floating)) and not isinstance(value, bool)
    if ok and 0.0 < float(value) < 1.0:
        return float(value)
    raise BurnoutkitError(
        f"The {name!r} parameter of {fn} must be a float in (0, 1); got {value!r}."
    )


# --------------------------------------------------------------------------- correlation input
@dataclass(frozen=True, slots=True)
class _CorrelationInput:
    """A correlation matrix with its provenance and sample sizes."""

    r: np.ndarray
    items: list[str]
    n_obs: int | None
    np_obs: np.ndarray | None
    n_rows: int | None
    n_complete: int | None
    missing: str
    is_matrix: bool
    correlation: str
    values: np.ndarray | None  # the item responses used (rows x items), None for matrix input

    @property
    def n_pairwise_min(self) -> int | None:
        if self.np_obs is None:
            return self.n_obs
        return int(self.np_obs[np.triu_indices_from(self.np_obs, 1)].min())


def _looks_like_correlation(data: Any) -> bool:
    if isinstance(data, pd.DataFrame):
        if data.shape[0] != data.shape[1] or data.shape[0] < 2:
            return False
        if list(map(str, data.index)) != list(map(str, data.columns)):
            return False
        try:
            m = data.to_numpy(dtype=float)
        except (TypeError, ValueError):
            return False
    elif isinstance(data, np.ndarray):
        if data.ndim != 2 or data.shape[0] != data.shape[1] or data.shape[0] < 2:
            return False
        m = data.astype(float)
    else:
        return False
    if not np.all(np.isfinite(m)):
        return False
    return bool(np.allclose(m, m.T, atol=1e-10) and np.all(np.diag(m) > 0))


def _suggest(name: str, pool: Sequence[str]) -> str:
    same_case = [c for c in pool if c.lower() == name.lower()]
    close = same_case or difflib.get_close_matches(name, list(pool), n=1)
    return f" Did you mean {close[0]!r}?" if close else ""


def _select_items(data: pd.DataFrame, items: Sequence[str] | None, fn: str) -> list[str]:
    columns = [str(c) for c in data.columns]
    if items is None:
        chosen = columns
        non_numeric = [c for c in data.columns if not pd.api.types.is_numeric_dtype(data[c])]
        if non_numeric:
            raise DataError(
                f"Columns {[str(c) for c in non_numeric]} are not numeric. Pass the item "
                f"columns with items=[...] to {fn}."
            )
    else:
        if isinstance(items, str):
            raise BurnoutkitError(
                f"The 'items' parameter of {fn} must be a list of column names; got the string "
                f"{items!r}. Write items=[{items!r}]."
            )
        chosen = [str(i) for i in items]
        absent = [i for i in chosen if i not in columns]
        if absent:
            hint = _suggest(absent[0], columns)
            raise DataError(f"Items {absent} are not columns of the data.{hint}")
        duplicated = sorted({i for i in chosen if chosen.count(i) > 1})
        if duplicated:
            raise DataError(f"Items {duplicated} are listed more than once in items=.")
        non_numeric = [i for i in chosen if not pd.api.types.is_numeric_dtype(data[i])]
        if non_numeric:
            raise DataError(
                f"Items {non_numeric} are not numeric; recode them to numbers before {fn}."
            )
    if len(chosen) < 2:
        raise DataError(f"{fn} needs at least 2 items; got {chosen}.")
    return chosen


def _prepare_correlation(
    data: Any,
    *,
    items: Sequence[str] | None,
    missing: str,
    n_obs: int | None,
    fn: str,
    correlation: str = "pearson",
) -> _CorrelationInput:
    """Turn raw responses or a correlation matrix into a checked correlation matrix."""
    _check_choice(fn, "missing", missing, _MISSING)
    _check_choice(fn, "correlation", correlation, ("pearson", "polychoric"))
    if n_obs is not None:
        n_obs = _check_int(fn, "n_obs", n_obs, 2)
    if _looks_like_correlation(data):
        frame = (
            data
            if isinstance(data, pd.DataFrame)
            else pd.DataFrame(
                data,
                index=[f"V{i + 1}" for i in range(len(data))],
                columns=[f"V{i + 1}" for i in range(len(data))],
            )
        )
        frame.columns = [str(c) for c in frame.columns]
        frame.index = [str(c) for c in frame.index]
        names = _select_items(frame, items, fn) if items is not None else list(frame.columns)
        m = frame.loc[names, names].to_numpy(dtype=float)
        d = np.sqrt(np.diag(m))
        r = m / np.outer(d, d)
        r = (r + r.T) / 2.0
        np.fill_diagonal(r, 1.0)
        return _CorrelationInput(
            r=r,
            items=names,
            n_obs=n_obs,
            np_obs=None,
            n_rows=None,
            n_complete=None,
            missing=missing,
            is_matrix=True,
            correlation="matrix",
            values=None,
        )
    if isinstance(data, np.ndarray) and data.ndim == 2:
        data = pd.DataFrame(data, columns=[f"V{i + 1}" for i in range(data.shape[1])])
    if not isinstance(data, pd.DataFrame):
        raise DataError(
            f"{fn} takes a pandas DataFrame of item responses or a correlation matrix; "
            f"got {type(data).__name__}."
        )
    names = _select_items(data, items, fn)
    values = data[names].to_numpy(dtype=float, copy=True)
    if np.isinf(values).any():
        bad = [names[j] for j in np.where(np.isinf(values).any(axis=0))[0]]
        raise DataError(f"Items {bad} contain infinite values; set them to missing (NaN).")
    observed = ~np.isnan(values)
    empty = [names[j] for j in np.where(~observed.any(axis=0))[0]]
    if empty:
        raise DataError(f"Items {empty} have no responses; drop them from items=.")
    n_rows = values.shape[0]
    complete = observed.all(axis=1)
    n_complete = int(complete.sum())
    if missing == "listwise":
        values = values[complete]
        if values.shape[0] < 3:
            raise DataError(
                f"Only {values.shape[0]} rows answer every item, too few for {fn}. Use "
                "missing='pairwise' or drop the items with most missing responses."
            )
        observed = np.ones_like(values, dtype=bool)
    _check_variances(values, names)
    if correlation == "polychoric":
        r = _polychoric(data.loc[complete, names] if missing == "listwise" else data[names])
    else:
        r = _pearson(values, observed, names)
    counts = observed.astype(float)
    np_obs = counts.T @ counts
    np_obs_out = None if np.all(np_obs == values.shape[0]) else np_obs
    return _CorrelationInput(
        r=r,
        items=names,
        n_obs=n_obs if n_obs is not None else values.shape[0],
        np_obs=np_obs_out,
        n_rows=n_rows,
        n_complete=n_complete,
        missing=missing,
        is_matrix=False,
        correlation=correlation,
        values=values,
    )


def _check_variances(values: np.ndarray, names: list[str]) -> None:
    for j, name in enumerate(names):
        column = values[:, j]
        column = column[~np.isnan(column)]
        if column.size < 3:
            raise DataError(
                f"Item {name!r} has {column.size} responses; at least 3 are needed. Drop it "
                "from items=."
            )
        if np.ptp(column) == 0:
            raise DataError(
                f"Item {name!r} has no variance (every response is {column[0]:g}); drop it "
                "from items=."
            )


def _pearson(values: np.ndarray, observed: np.ndarray, names: list[str]) -> np.ndarray:
    if observed.all():
        r = np.corrcoef(values, rowvar=False)
    else:
        frame = pd.DataFrame(values)
        r = frame.corr(method="pearson", min_periods=3).to_numpy()
    if np.isnan(r).any():
        i, j = np.argwhere(np.isnan(r))[0]
        raise DataError(
            f"The correlation of items {names[i]!r} and {names[j]!r} cannot be computed: "
            "fewer than 3 rows answer both, or one of them is constant where both are "
            "answered. Drop one of them or use missing='listwise'."
        )
    r = (r + r.T) / 2.0
    np.fill_diagonal(r, 1.0)
    return r


def _polychoric(frame: pd.DataFrame) -> np.ndarray:
    """Polychoric correlations from :func:`burnoutkit.correlation` (the hook for ordinal data)."""
    try:
        from burnoutkit.correlation import correlation as _correlation  # type: ignore[attr-defined]
    except ImportError as exc:  # pragma: no cover - depends on the installed version
        raise DataError(
            "correlation='polychoric' needs burnoutkit.correlation, which this installation "
            "lacks. Estimate the polychoric matrix elsewhere and pass it as data with n_obs=."
        ) from exc
    result = _correlation(frame, method="polychoric")
    for attr in ("matrix", "r", "rho", "estimate"):
        value = getattr(result, attr, None)
        if isinstance(value, (pd.DataFrame, np.ndarray)):
            result = value
            break
    m = np.asarray(result, dtype=float)
    if m.shape != (frame.shape[1], frame.shape[1]):
        raise DataError(
            "burnoutkit.correlation returned a matrix of shape "
            f"{m.shape}; expected {(frame.shape[1], frame.shape[1])}."
        )
    return m


def _npd_items(r: np.ndarray, items: list[str], tol: float) -> list[str] | None:
    """Items that load most on the eigenvectors of non-positive eigenvalues, or None if PD."""
    values, vectors = np.linalg.eigh(r)
    bad = values < tol
    if not bad.any():
        return None
    weight = (vectors[:, bad] ** 2).sum(axis=1)
    order = np.argsort(-weight)
    top = [items[k] for k in order if weight[k] > 0.1][:5] or [items[order[0]]]
    return top


def _warn_if_not_positive_definite(r: np.ndarray, items: list[str], fn: str) -> str | None:
    culprits = _npd_items(r, items, np.finfo(float).eps)
    if culprits is None:
        return None
    message = (
        f"The correlation matrix given to {fn} is not positive definite; items {culprits} "
        "are most involved (linearly dependent or pairwise correlations from different "
        "rows). Drop or merge redundant items, or use missing='listwise'."
    )
    warnings.warn(message, NonPositiveDefiniteWarning, stacklevel=3)
    return message


# --------------------------------------------------------------------------- KMO
def _kaiser_label(msa: float) -> str:
    for bound, label in (
        (0.9, "marvelous"),
        (0.8, "meritorious"),
        (0.7, "middling"),
        (0.6, "mediocre"),
        (0.5, "miserable"),
    ):
        if msa >= bound:
            return label
    return "unacceptable"


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class KMOResult(Result):
    """Kaiser-Meyer-Olkin measure of sampling adequacy, overall and per item.

    Attributes
    ----------
    msa : float
        Overall measure of sampling adequacy (psych's ``MSA``).
    item_msa : pandas.Series
        Per-item MSA indexed by item (psych's ``MSAi``).
    label : str
        Kaiser's (1974) verbal label of ``msa``.
    n_obs : int or None
        Rows the correlations were computed from (None for a correlation-matrix input).
    n_complete : int or None
        Rows with every item answered.
    missing : str
        How missing responses were handled.
    """

    msa: float
    item_msa: pd.Series
    label: str
    n_obs: int | None
    n_complete: int | None
    missing: str

    def tidy(self) -> pd.DataFrame:
        """One row per item: ``item, msa``."""
        return pd.DataFrame({"item": self.item_msa.index, "msa": self.item_msa.to_numpy()})

    def glance(self) -> pd.DataFrame:
        """One row: ``msa, label, n_items, n_obs, n_complete, missing``."""
        return pd.DataFrame(
            [
                {
                    "msa": self.msa,
                    "label": self.label,
                    "n_items": len(self.item_msa),
                    "n_obs": self.n_obs,
                    "n_complete": self.n_complete,
                    "missing": self.missing,
                }
            ]
        )


def kmo(
    data: pd.DataFrame | np.ndarray,
    /,
    *,
    items: Sequence[str] | None = None,
    missing: Missing = "pairwise",
) -> KMOResult:
    r"""Kaiser-Meyer-Olkin measure of sampling adequacy (overall and per item).

    Parameters
    ----------
    data : pandas.DataFrame or numpy.ndarray
        Item responses (rows are respondents) or a correlation matrix (square, symmetric, with
        item names as index and columns).
    items : list of str, optional
        Item columns to use; default all columns.
    missing : {"pairwise", "listwise"}, default "pairwise"
        ``"pairwise"`` correlates each pair of items over the rows that answer both (the
        default of ``psych::KMO``); ``"listwise"`` keeps only rows that answer every item.
        The numbers of rows are reported in the result.

    Returns
    -------
    KMOResult
        ``msa`` overall, ``item_msa`` per item, Kaiser's verbal ``label``.

    Raises
    ------
    DataError
        If an item is missing, constant or not numeric, or the correlation matrix is singular
        (the items named are the ones most involved).

    Notes
    -----
    With :math:`R = (r_{ij})` the correlation matrix and :math:`Q = (q_{ij})` the
    anti-image (partial) correlations, :math:`q_{ij} = -s_{ij}/\sqrt{s_{ii}s_{jj}}` for
    :math:`S = R^{-1}`,

    .. math::

        \mathrm{MSA} = \frac{\sum_{i\ne j} r_{ij}^2}
                              {\sum_{i\ne j} r_{ij}^2 + \sum_{i\ne j} q_{ij}^2},\qquad
        \mathrm{MSA}_j = \frac{\sum_{i\ne j} r_{ij}^2}
                                {\sum_{i\ne j} r_{ij}^2 + \sum_{i\ne j} q_{ij}^2}.

    psych squares the off-diagonal elements of ``cov2cor(solve(R))``, whose sign differs from
    the partial correlation; squaring removes the difference. Kaiser's labels: .90 marvelous,
    .80 meritorious, .70 middling, .60 mediocre, .50 miserable, below unacceptable.

    References
    ----------
    Kaiser, H. F. (1970). A second generation little jiffy. *Psychometrika*, 35(4), 401-415.

    Kaiser, H. F. (1974). An index of factorial simplicity. *Psychometrika*, 39(1), 31-36.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> from burnoutkit.datasets import load_bfi
    >>> items = [f"{t}{i}" for t in "ACENO" for i in range(1, 6)]
    >>> bfi = load_bfi()[items].dropna()
    >>> res = bk.kmo(bfi)  # R: psych::KMO(na.omit(bfi[1:25]))
    >>> round(res.msa, 4), res.label
    (0.8486, 'meritorious')
    >>> round(float(res.item_msa["A1"]), 4)
    0.7541
    """
    fn = "kmo"
    inp = _prepare_correlation(data, items=items, missing=missing, n_obs=None, fn=fn)
    r = inp.r
    try:
        inv = np.linalg.inv(r)
        if not np.all(np.isfinite(inv)) or np.linalg.cond(r) > 1e14:
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        culprits = _npd_items(r, inp.items, 1e-12) or inp.items[:2]
        raise DataError(
            f"The correlation matrix is singular, so the anti-image of kmo is undefined; items "
            f"{culprits} are linearly dependent. Drop one of each redundant set."
        ) from None
    d = 1.0 / np.sqrt(np.diag(inv))
    q = inv * np.outer(d, d)
    np.fill_diagonal(q, 0.0)
    r0 = r.copy()
    np.fill_diagonal(r0, 0.0)
    r2 = (r0**2).sum(axis=0)
    q2 = (q**2).sum(axis=0)
    msa = float(r2.sum() / (r2.sum() + q2.sum()))
    item_msa = pd.Series(r2 / (r2 + q2), index=inp.items, name="msa")
    return KMOResult(
        msa=msa,
        item_msa=item_msa,
        label=_kaiser_label(msa),
        n_obs=inp.n_obs,
        n_complete=inp.n_complete,
        missing=inp.missing,
    )


# --------------------------------------------------------------------------- Bartlett
@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class BartlettResult(Result):
    """Bartlett's test that a correlation matrix is an identity matrix.

    Attributes
    ----------
    chi_square, df, p_value : float
        Test statistic, degrees of freedom :math:`p(p-1)/2` and upper-tail p-value.
    n_obs : int
        Sample size used in the statistic.
    n_items : int
        Number of items.
    n_complete : int or None
        Rows with every item answered (None for a correlation-matrix input).
    missing : str
        How missing responses were handled.
    """

    chi_square: float
    df: float
    p_value: float
    n_obs: int
    n_items: int
    n_complete: int | None
    missing: str

    def tidy(self) -> pd.DataFrame:
        """One row: the test (``statistic, df, p_value, n``)."""
        return pd.DataFrame(
            [
                {
                    "test": "bartlett",
                    "statistic": self.chi_square,
                    "df": self.df,
                    "p_value": self.p_value,
                    "n": self.n_obs,
                }
            ]
        )

    def glance(self) -> pd.DataFrame:
        """One row: ``chi_square, df, p_value, n_obs, n_items, n_complete, missing``."""
        return pd.DataFrame(
            [
                {
                    "chi_square": self.chi_square,
                    "df": self.df,
                    "p_value": self.p_value,
                    "n_obs": self.n_obs,
                    "n_items": self.n_items,
                    "n_complete": self.n_complete,
                    "missing": self.missing,
                }
            ]
        )


def bartlett(
    data: pd.DataFrame | np.ndarray,
    /,
    *,
    items: Sequence[str] | None = None,
    n_obs: int | None = None,
    missing: Missing = "pairwise",
) -> BartlettResult:
    r"""Bartlett's test of sphericity: that the items are uncorrelated in the population.

    Parameters
    ----------
    data : pandas.DataFrame or numpy.ndarray
        Item responses (rows are respondents) or a correlation matrix.
    items : list of str, optional
        Item columns to use; default all columns.
    n_obs : int, optional
        Sample size. Required for a correlation matrix; for raw data the default is the
        number of rows used (all rows with ``missing="pairwise"``, as ``psych``).
    missing : {"pairwise", "listwise"}, default "pairwise"
        How correlations are computed from incomplete rows (see :func:`kmo`).

    Returns
    -------
    BartlettResult
        ``chi_square``, ``df``, ``p_value``.

    Raises
    ------
    DataError
        If ``n_obs`` is absent for a correlation matrix, an item is missing or constant, or the
        matrix is not positive definite (its log-determinant is undefined).

    Notes
    -----
    .. math::

        \chi^2 = -\Big(n - 1 - \frac{2p + 5}{6}\Big)\ln|R|,\qquad
        df = \frac{p(p-1)}{2}.

    References
    ----------
    Bartlett, M. S. (1951). The effect of standardization on a chi-square approximation in
    factor analysis. *Biometrika*, 38(3/4), 337-344.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> from burnoutkit.datasets import load_bfi
    >>> items = [f"{t}{i}" for t in "ACENO" for i in range(1, 6)]
    >>> bfi = load_bfi()[items].dropna()
    >>> res = bk.bartlett(bfi)  # R: psych::cortest.bartlett(cor(x), n = nrow(x))
    >>> round(res.chi_square, 2), res.df
    (18146.07, 300.0)
    """
    fn = "bartlett"
    inp = _prepare_correlation(data, items=items, missing=missing, n_obs=n_obs, fn=fn)
    if inp.n_obs is None:
        raise DataError(
            "bartlett was given a correlation matrix without a sample size; pass n_obs=, the "
            "number of respondents the correlations come from."
        )
    p = inp.r.shape[0]
    culprits = _npd_items(inp.r, inp.items, 1e-12)
    sign, logdet = np.linalg.slogdet(inp.r)
    if culprits is not None or sign <= 0:
        raise DataError(
            f"The correlation matrix is singular or not positive definite (items "
            f"{culprits or inp.items[:2]} are most involved), so Bartlett's statistic is "
            "undefined. Drop redundant items, or use missing='listwise'."
        )
    statistic = -logdet * (inp.n_obs - 1 - (2 * p + 5) / 6)
    df = p * (p - 1) / 2
    return BartlettResult(
        chi_square=float(statistic),
        df=float(df),
        p_value=float(stats.chi2.sf(statistic, df)),
        n_obs=int(inp.n_obs),
        n_items=p,
        n_complete=inp.n_complete,
        missing=inp.missing,
    )
