"""The screening indices by name: their columns, flag rules, default cut-offs and reasons.

One vocabulary is used everywhere: the names below are the keys of ``cutoffs``, the columns of
:attr:`ScreeningResult.flags` and the rows of :attr:`ScreeningResult.summary` and of
:meth:`ScreeningResult.evaluate`.

Examples
--------
>>> import burnoutkit as bk
>>> from burnoutkit.screening import default_cutoffs
>>> default_cutoffs(bk.load_bank("bai"))["longstring"]
10
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from burnoutkit.banks.model import ItemBank

__all__ = [
    "COMPUTED",
    "INDEX_NAMES",
    "default_cutoffs",
    "flag_frame",
    "reason_frame",
    "resolve_cutoffs",
    "rule_text",
]

#: What ``indices=`` accepts: each name computes the index columns listed.
COMPUTED: dict[str, tuple[str, ...]] = {
    "longstring": ("longstring", "longstring_avg"),
    "irv": ("irv",),
    "mahalanobis": ("mahalanobis_d2", "mahalanobis_p"),
    "even_odd": ("even_odd",),
    "psychsyn": ("psychsyn",),
    "psychant": ("psychant",),
    "missing_share": ("missing_share",),
}

#: Every index with a cut-off: (column of ``indices`` it cuts, comparison, careless when high).
_RULES: dict[str, tuple[str, str, bool]] = {
    "longstring": ("longstring", ">=", True),
    "longstring_avg": ("longstring_avg", ">=", True),
    "irv": ("irv", "<=", False),
    "mahalanobis": ("mahalanobis_p", "<", False),
    "even_odd": ("even_odd", ">", True),
    "psychsyn": ("psychsyn", "<", False),
    "psychant": ("psychant", ">", True),
    "missing_share": ("missing_share", ">", True),
}
INDEX_NAMES: tuple[str, ...] = tuple(_RULES)

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "<": operator.lt,
    ">": operator.gt,
}

#: Which ``indices=`` name computes each cut-off's column.
_FAMILY = {"longstring_avg": "longstring"} | {name: name for name in COMPUTED}


def column_of(name: str) -> str:
    """Return the column of :attr:`ScreeningResult.indices` that index ``name`` cuts."""
    return _RULES[name][0]


def careless_when_high(name: str) -> bool:
    """Return True when higher values of index ``name`` mean more careless responding."""
    return _RULES[name][2]


def family_of(name: str) -> str:
    """Return the ``indices=`` name that computes index ``name``."""
    return _FAMILY[name]


def default_cutoffs(bank: ItemBank) -> dict[str, float | None]:
    """Return the default cut-offs for a bank (None: reported, not flagged).

    ``longstring``: 10 identical consecutive answers, or half the bank's items when that is
    fewer; ``mahalanobis``: p < .001; ``even_odd``: above -.30 (consistency below .30);
    ``psychsyn``: below 0; ``missing_share``: above ``1 - bank.scoring.min_share``.
    ``longstring_avg``, ``irv`` and ``psychant`` are reported without a default cut-off, and so
    are ``even_odd`` and ``psychsyn`` when the bank is too small for them
    (:func:`too_small_for`). Sources are in :func:`burnoutkit.screen`.
    """
    n_items = len(bank.items)
    small = too_small_for(bank)
    return {
        "longstring": min(10, math.ceil(n_items / 2)),
        "longstring_avg": None,
        "irv": None,
        "mahalanobis": 0.001,
        "even_odd": None if "even_odd" in small else -0.30,
        "psychsyn": None if "psychsyn" in small else 0.0,
        "psychant": None,
        "missing_share": round(1.0 - bank.scoring.min_share, 12),
    }


#: Smallest bank for which even-odd consistency flags by default: scales with at least
#: :data:`EVEN_ODD_MIN_ITEMS` items (two per half), at least :data:`EVEN_ODD_MIN_SCALES` of them.
EVEN_ODD_MIN_SCALES = 10
EVEN_ODD_MIN_ITEMS = 4
#: Smallest bank (number of items) for which psychometric synonyms flag by default.
PSYCHSYN_MIN_ITEMS = 50


def too_small_for(bank: ItemBank) -> dict[str, str]:
    """Return the within-person indices whose default cut-off the bank is too small for.

    Even-odd consistency and psychometric synonyms are correlations computed within one
    respondent over a few points (scales, item pairs). Over few points a careful respondent's
    correlation scatters widely and the fixed cut-offs flag many of them: on the reference
    cohort, 12 scales of 3 items flag 10.6 % with even-odd and 5.9 % with synonyms, 4 scales of
    3 items 23.6 % and 19.2 %, against 3.3 % and 2.8 % with the BAI's 16 scales of 4-6 items (3 %
    are planted careless responders). Below :data:`EVEN_ODD_MIN_SCALES` scales of
    :data:`EVEN_ODD_MIN_ITEMS` or more items, or :data:`PSYCHSYN_MIN_ITEMS` items, the index is
    still computed and reported, but flags only with a cut-off passed explicitly.
    """
    reasons = {}
    long_scales = sum(len(bank.items_of(s)) >= EVEN_ODD_MIN_ITEMS for s in bank.scale_ids)
    if long_scales < EVEN_ODD_MIN_SCALES:
        reasons["even_odd"] = (
            f"the bank has {long_scales} scale(s) with {EVEN_ODD_MIN_ITEMS} or more items; "
            f"even-odd consistency flags by default from {EVEN_ODD_MIN_SCALES}"
        )
    if len(bank.items) < PSYCHSYN_MIN_ITEMS:
        reasons["psychsyn"] = (
            f"the bank has {len(bank.items)} items; psychometric synonyms flag by default from "
            f"{PSYCHSYN_MIN_ITEMS}"
        )
    return reasons


def resolve_cutoffs(
    bank: ItemBank, cutoffs: Mapping[str, float | None] | None, computed: list[str]
) -> dict[str, float | None]:
    """Defaults overridden by ``cutoffs``, for the indices that are computed."""
    if cutoffs is not None and not isinstance(cutoffs, Mapping):
        raise TypeError(
            "The 'cutoffs' parameter of screen must be a mapping from index name to cut-off "
            f"(e.g. {{'longstring': 12}}) or None; got {type(cutoffs).__name__}."
        )
    given = dict(cutoffs or {})
    unknown = [key for key in given if key not in _RULES]
    if unknown:
        raise ValueError(
            f"The 'cutoffs' parameter of screen has unknown index name(s) {unknown}; the "
            f"indices with cut-offs are {list(_RULES)}."
        )
    for key, value in given.items():
        ok = value is None or (
            isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)
        )
        if not ok:
            raise ValueError(
                f"The cut-off for {key!r} must be a finite number, or None to report the index "
                f"without flagging; got {value!r}."
            )
        if key == "mahalanobis" and value is not None and not 0.0 < value < 1.0:
            raise ValueError(
                f"The cut-off for 'mahalanobis' is a p-value and must be in (0, 1); got {value!r}."
            )
    resolved = default_cutoffs(bank) | given
    return {name: resolved[name] for name in _RULES if _FAMILY[name] in computed}


def _fmt(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e6:
        return str(int(value))
    return f"{value:.3g}"


def rule_text(name: str, cutoff: float | None) -> str:
    """Return the flag rule as text, e.g. ``"longstring >= 10"``."""
    if cutoff is None:
        return "not flagged (no cut-off)"
    column, op, _ = _RULES[name]
    return f"{column} {op} {_fmt(cutoff)}"


def flag_frame(indices: pd.DataFrame, cutoffs: Mapping[str, float | None]) -> pd.DataFrame:
    """One bool column per index with a cut-off; a missing value never flags."""
    flags = {}
    for name, cutoff in cutoffs.items():
        if cutoff is None:
            continue
        column, op, _ = _RULES[name]
        values = indices[column].to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            flags[name] = _OPS[op](values, cutoff) & ~np.isnan(values)
    return pd.DataFrame(flags, index=indices.index, dtype=bool)


def reason_frame(
    indices: pd.DataFrame, flags: pd.DataFrame, cutoffs: Mapping[str, float | None]
) -> pd.DataFrame:
    """Per flag column, ``""`` or the reason text, e.g. ``"longstring 23 >= 10"``."""
    out = {}
    for name in flags.columns:
        column, op, _ = _RULES[name]
        rule = f"{op} {_fmt(cutoffs[name])}"
        flagged = flags[name].to_numpy(dtype=bool)
        text = np.full(len(flags), "", dtype=object)
        values = indices[column].to_numpy(dtype=float)[flagged]
        if name == "longstring":
            shown = [f"longstring {_fmt(v)} {rule}" for v in values]
        elif name == "mahalanobis":
            shown = [f"mahalanobis p = {v:.2g} {rule}" for v in values]
        else:
            shown = [f"{name} {v:.3g} {rule}" for v in values]
        text[flagged] = shown
        out[name] = text
    return pd.DataFrame(out, index=indices.index, columns=flags.columns, dtype=object)


def join_reasons(reasons: pd.DataFrame) -> pd.Series:
    """Join the per-index reasons of each respondent with ``"; "``."""
    if reasons.shape[1] == 0:
        return pd.Series("", index=reasons.index, dtype=object, name="reasons")
    joined = reasons.iloc[:, 0].copy()
    for name in reasons.columns[1:]:
        part = reasons[name]
        both = (joined != "") & (part != "")
        joined = joined + np.where(both, "; ", "") + part
    return joined.astype(object).rename("reasons")
