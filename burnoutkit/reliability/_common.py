"""Helpers shared by the reliability functions: item selection, reverse keys, SMCs."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from burnoutkit.correlation import _check_choice, _item_frame, _listwise, _pairwise_moments
from burnoutkit.errors import BurnoutkitWarning, DataError

__all__: list[str] = []

KeysLike = Sequence[str] | Mapping[str, int] | pd.Series | None


@dataclass(frozen=True, slots=True)
class KeyedItems:
    """Item responses after reverse-keying, with what is needed to report them."""

    raw: pd.DataFrame  # responses as given (float, NaN = missing), empty rows removed
    keyed: pd.DataFrame  # reverse-keyed responses
    keys: pd.Series  # +1 / -1 per item
    low: float  # lowest response code used for reversing and floor shares
    high: float  # highest response code
    n_empty: int  # respondents with no response to any item (left out)


def resolve_items(
    data: Any,
    *,
    items: Sequence[str] | None,
    bank: Any,
    scale: str | None,
    keys: KeysLike,
    missing: str,
    where: str,
    min_items: int = 2,
    warn_empty: bool = True,
) -> KeyedItems:
    """Select the items, apply reverse keys from the bank or ``keys`` and handle missing rows.

    Reverse keys come only from the bank or from ``keys``; they are never guessed from data.
    Reversed responses are ``low + high - x`` with ``low``/``high`` the bank's response format,
    or (without a bank) the lowest and highest response observed among the items, as
    ``psych::alpha`` does. Respondents with no response are left out; ``warn_empty`` says so
    with a warning (for statistics whose n they would change).
    """
    _check_choice(missing, "missing", ("pairwise", "listwise"), where)
    if bank is None and hasattr(data, "bank") and isinstance(getattr(data, "items", None),
                                                             pd.DataFrame):
        bank = data.bank
    if scale is not None and bank is None:
        raise DataError(f"{where}: 'scale' needs a 'bank' (the scale's items come from it).")
    if bank is not None and keys is not None:
        raise DataError(
            f"{where}: pass reverse keys either through 'bank' or through 'keys', not both."
        )
    if scale is not None:
        scale_items = bank.items_of(scale)
        if items is None:
            items = scale_items
        else:
            extra = [i for i in items if i not in scale_items]
            if extra:
                raise DataError(
                    f"{where}: items {extra} are not in scale {scale!r} of bank {bank.id!r}; "
                    f"its items are {scale_items}."
                )
    elif bank is not None and items is None:
        items = bank.item_ids
    frame = _item_frame(data, items, where=where, min_items=min_items)
    names = list(frame.columns)
    if bank is not None:
        bank_keys = bank.keys
        unknown = [n for n in names if n not in bank_keys.index]
        if unknown:
            raise DataError(
                f"{where}: items {unknown} are not in bank {bank.id!r}, so their keys are "
                "unknown. Leave them out of 'items' or add them to the bank."
            )
        key_values = pd.Series([int(bank_keys[n]) for n in names], index=names, dtype=int)
        low = float(bank.response_format.min)
        high = float(bank.response_format.max)
    else:
        key_values = _parse_keys(keys, names, where)
        values = frame.to_numpy()
        low = float(np.nanmin(values))
        high = float(np.nanmax(values))
    empty = frame.isna().all(axis=1)
    n_empty = int(empty.sum())
    if n_empty and warn_empty:
        warnings.warn(
            f"{n_empty} respondents answered none of the items {names} and were left out of "
            f"{where} (psych counts them in n; drop them before calling psych to get the same "
            "standard errors and intervals).",
            BurnoutkitWarning,
            stacklevel=3,
        )
        frame = frame.loc[~empty]
    if missing == "listwise":
        frame = _listwise(frame, where)
    if len(frame) < 2:
        raise DataError(
            f"{where} needs at least 2 respondents with responses to items {names}; got "
            f"{len(frame)}."
        )
    if len(frame) <= len(names):
        warnings.warn(
            f"{where}: {len(frame)} respondents for {len(names)} items; with no more "
            "respondents than items the correlation matrix is singular, so lambda-6, squared "
            "multiple correlations and factor solutions are not trustworthy. Collect more "
            "responses.",
            BurnoutkitWarning,
            stacklevel=3,
        )
    flip = (key_values == -1).to_numpy()
    keyed = frame.copy()
    if flip.any():
        keyed.loc[:, flip] = low + high - frame.loc[:, flip]
    return KeyedItems(
        raw=frame, keyed=keyed, keys=key_values, low=low, high=high, n_empty=n_empty
    )


def _parse_keys(keys: KeysLike, names: list[str], where: str) -> pd.Series:
    out = pd.Series(1, index=names, dtype=int)
    if keys is None:
        return out
    if isinstance(keys, str):
        raise DataError(
            f"{where}: 'keys' must be a list of the items to reverse or a mapping item -> +1/-1; "
            f"got the string {keys!r}. Write keys=[{keys!r}]."
        )
    if isinstance(keys, Mapping | pd.Series):
        mapping = dict(keys.items())
        unknown = [k for k in mapping if k not in names]
        bad = {k: v for k, v in mapping.items() if v not in (1, -1)}
        if bad:
            raise DataError(f"{where}: keys must be +1 or -1; got {bad}.")
        if unknown:
            raise DataError(f"{where}: keys name items {unknown} that are not in 'items' {names}.")
        for k, v in mapping.items():
            out[k] = int(v)
        return out
    listed = [str(k) for k in keys]
    stripped = [k[1:] if k.startswith("-") and k[1:] in names else k for k in listed]
    unknown = [k for k in stripped if k not in names]
    if unknown:
        raise DataError(
            f"{where}: keys name items {unknown} that are not in 'items' {names}. 'keys' lists "
            "the items to reverse."
        )
    out[stripped] = -1
    return out


def pinv(x: np.ndarray) -> np.ndarray:
    """psych::Pinv: Moore-Penrose inverse dropping singular values below sqrt(eps) * max."""
    u, d, vt = np.linalg.svd(x)
    keep = d > max(np.sqrt(np.finfo(float).eps) * d[0], 0.0)
    return (vt[keep].T / d[keep]) @ u[:, keep].T


def smc(r: np.ndarray) -> np.ndarray:
    """Squared multiple correlations ``1 - 1/diag(R^-1)`` clipped to [0, 1] (psych::smc)."""
    s = 1.0 - 1.0 / np.diag(pinv(r))
    return np.clip(s, 0.0, 1.0)


def cov2cor(c: np.ndarray) -> np.ndarray:
    """Scale a covariance matrix to a correlation matrix (R ``cov2cor``)."""
    d = 1.0 / np.sqrt(np.diag(c))
    r = c * d[:, None] * d[None, :]
    np.fill_diagonal(r, 1.0)
    return r


def pairwise_cov(frame: pd.DataFrame, where: str) -> np.ndarray:
    """R ``cov(x, use = "pairwise")``; raises naming item pairs that never co-occur."""
    cov, n = _pairwise_moments(frame.to_numpy())
    names = list(frame.columns)
    bad = [
        (names[j], names[i])
        for i, j in zip(*np.tril_indices(len(names), -1), strict=True)
        if n[i, j] < 2
    ]
    if bad:
        shown = ", ".join(f"({a}, {b})" for a, b in bad[:10])
        raise DataError(
            f"{where}: item pairs {shown} were answered together by fewer than 2 respondents, so "
            "their covariance is unknown. Leave one item of each pair out, or collect more data."
        )
    return cov


def check_not_redundant(r: np.ndarray, names: list[str], where: str) -> None:
    """Raise for items that are perfectly (anti-)correlated with another item."""
    i, j = np.tril_indices(len(names), -1)
    same = np.abs(r[i, j]) > 1.0 - 1e-12
    if same.any():
        pairs = ", ".join(
            f"({names[b]}, {names[a]})" for a, b in zip(i[same], j[same], strict=True)
        )
        raise DataError(
            f"{where}: items {pairs} are perfectly correlated (identical or mirror-image "
            "responses), which makes the correlation matrix singular. Check for a duplicated "
            "column and keep one item of each pair."
        )


def first_pc_negative(r: np.ndarray, names: list[str]) -> list[str]:
    """Items with a negative loading on the first principal component (psych's check.keys rule).

    The component is oriented so that its loadings sum to a positive number, as
    ``psych::principal`` does.
    """
    values, vectors = np.linalg.eigh(r)
    v = vectors[:, -1] * np.sqrt(max(values[-1], 0.0))
    if v.sum() < 0:
        v = -v
    return [n for n, load in zip(names, v, strict=True) if load < 0]


def warn_negative(neg: list[str], keyed: bool, where: str) -> None:
    """Warn that items correlate negatively with the rest (never reverse them silently)."""
    if not neg:
        return
    if keyed:
        what = (
            f"After reverse-keying, items {neg} still correlate negatively with the other items "
            "(negative loading on the first principal component). Check their keys in the bank "
            "or in 'keys'."
        )
    else:
        what = (
            f"Items {neg} correlate negatively with the other items (negative loading on the "
            "first principal component) and were not reversed. If they are reverse-keyed, pass "
            f"keys={neg} or a bank; {where} is computed with the items as given."
        )
    warnings.warn(what, BurnoutkitWarning, stacklevel=3)


def check_confidence_level(confidence_level: float, where: str) -> None:
    """Raise unless ``0 < confidence_level < 1``."""
    if not (isinstance(confidence_level, int | float) and 0 < confidence_level < 1):
        raise DataError(
            f"The 'confidence_level' parameter of {where} must be a number in (0, 1); got "
            f"{confidence_level!r}."
        )
