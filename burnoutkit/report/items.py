"""The item table of a validation report: the evidence against every item and a recommendation.

:func:`item_table` joins the per-item numbers :func:`burnoutkit.validate` computed (the
standardized loading in the bank's CFA model, the largest cross-loading suggested by the
modification indices, the corrected item-rest correlation, the share of missing answers and
of answers in the extreme categories, and the invariance tests) and applies the cut-offs of
:class:`~burnoutkit.report.thresholds.ValidationThresholds`:

* **drop** when the loading is below ``loading_drop`` (.32) or the item-rest correlation below
  ``item_rest_drop`` (.20): the item shares too little with its scale to be repaired;
* **revise** when any other piece of evidence is against it: loading below ``loading_revise``
  (.45), a cross-loading, non-invariance across groups, item-rest correlation below
  ``item_rest_revise`` (.30), more than ``item_missing_max`` (5%) missing answers, more than
  ``item_extreme_max`` (50%) of the answers in the lowest or highest category;
* **keep** otherwise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from burnoutkit.banks.model import ItemBank
from burnoutkit.report.thresholds import ValidationThresholds

__all__ = ["ITEM_COLUMNS", "item_table", "recommend"]

#: Columns of the item table, in order.
ITEM_COLUMNS = [
    "item",
    "scale",
    "keyed",
    "loading",
    "cross_loading",
    "cross_factor",
    "item_rest_r",
    "missing_share",
    "floor",
    "ceiling",
    "noninvariant",
    "dmacs",
    "evidence",
    "recommendation",
]


def recommend(row: pd.Series, t: ValidationThresholds) -> tuple[str, str]:
    """Return ``(evidence, recommendation)`` for one row of the item table.

    Examples
    --------
    >>> import pandas as pd
    >>> from burnoutkit.report.items import recommend
    >>> from burnoutkit.report.thresholds import ValidationThresholds
    >>> row = pd.Series({"loading": 0.41, "cross_loading": float("nan"), "item_rest_r": 0.38,
    ...                  "missing_share": 0.02, "floor": 0.1, "ceiling": 0.1,
    ...                  "noninvariant": False, "dmacs": float("nan")})
    >>> recommend(row, ValidationThresholds())
    ('loading 0.41 < 0.45', 'revise')
    """
    drop: list[str] = []
    revise: list[str] = []
    loading = row["loading"]
    if loading == loading:
        if loading < t.loading_drop:
            drop.append(f"loading {loading:.2f} < {t.loading_drop:.2f}")
        elif loading < t.loading_revise:
            revise.append(f"loading {loading:.2f} < {t.loading_revise:.2f}")
    cross = row["cross_loading"]
    if cross == cross:
        factor = row.get("cross_factor")
        revise.append(f"cross-loading {cross:.2f} on {factor}")
    rest = row["item_rest_r"]
    if rest == rest:
        if rest < t.item_rest_drop:
            drop.append(f"item-rest r {rest:.2f} < {t.item_rest_drop:.2f}")
        elif rest < t.item_rest_revise:
            revise.append(f"item-rest r {rest:.2f} < {t.item_rest_revise:.2f}")
    if bool(row["noninvariant"]):
        dmacs = row["dmacs"]
        revise.append(
            "non-invariant across groups"
            + (f" (dMACS {dmacs:.2f})" if dmacs == dmacs else "")
        )
    missing = row["missing_share"]
    if missing == missing and missing > t.item_missing_max:
        revise.append(f"missing {100 * missing:.1f}% > {100 * t.item_missing_max:.0f}%")
    for side in ("floor", "ceiling"):
        share = row[side]
        if share == share and share > t.item_extreme_max:
            revise.append(f"{side} {100 * share:.1f}% > {100 * t.item_extreme_max:.0f}%")
    evidence = "; ".join(drop + revise)
    if drop:
        return evidence, "drop"
    if revise:
        return evidence, "revise"
    return evidence, "keep"


def item_table(
    bank: ItemBank,
    *,
    loadings: pd.Series,
    cross: pd.DataFrame,
    item_stats: pd.DataFrame,
    missing_share: pd.Series,
    invariance: pd.DataFrame,
    thresholds: ValidationThresholds,
) -> pd.DataFrame:
    """Build the item table (columns :data:`ITEM_COLUMNS`, one row per bank item).

    Parameters
    ----------
    bank : ItemBank
        The bank whose items are listed (in bank order).
    loadings : pandas.Series
        Keyed standardized loading of each item on its scale (NaN where not estimated).
    cross : pandas.DataFrame
        Cross-loadings that pass the cut-offs: ``item, factor, sepc_all`` (the largest per item
        is used).
    item_stats : pandas.DataFrame
        Indexed by item: ``r_drop, floor, ceiling`` (from :func:`burnoutkit.alpha`).
    missing_share : pandas.Series
        Share of respondents who left each item unanswered.
    invariance : pandas.DataFrame
        Non-invariance per item: ``item, noninvariant, dmacs`` (empty without groups).
    thresholds : ValidationThresholds
        The cut-offs of the recommendations.
    """
    rows = []
    largest = (
        cross.assign(size=cross["sepc_all"].abs())
        .sort_values("size", ascending=False, kind="stable")
        .drop_duplicates("item")
        .set_index("item")
        if len(cross)
        else pd.DataFrame(columns=["factor", "sepc_all"])
    )
    inv = invariance.set_index("item") if len(invariance) else pd.DataFrame()
    for item in bank.items:
        stats = item_stats.loc[item.id] if item.id in item_stats.index else None
        row = {
            "item": item.id,
            "scale": item.scale,
            "keyed": item.keyed,
            "loading": float(loadings.get(item.id, np.nan)),
            "cross_loading": (
                float(largest.loc[item.id, "sepc_all"]) if item.id in largest.index else np.nan
            ),
            "cross_factor": (
                str(largest.loc[item.id, "factor"]) if item.id in largest.index else None
            ),
            "item_rest_r": float(stats["r_drop"]) if stats is not None else np.nan,
            "missing_share": float(missing_share.get(item.id, np.nan)),
            "floor": float(stats["floor"]) if stats is not None else np.nan,
            "ceiling": float(stats["ceiling"]) if stats is not None else np.nan,
            "noninvariant": bool(inv.loc[item.id, "noninvariant"]) if item.id in inv.index
            else False,
            "dmacs": float(inv.loc[item.id, "dmacs"]) if item.id in inv.index else np.nan,
        }
        row["evidence"], row["recommendation"] = recommend(pd.Series(row), thresholds)
        rows.append(row)
    return pd.DataFrame(rows, columns=ITEM_COLUMNS)
