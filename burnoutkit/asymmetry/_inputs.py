"""Validation of the arguments of :func:`burnoutkit.asymmetry` and the data the checks share."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from burnoutkit.asymmetry._stats import _bank_parts, _keyed
from burnoutkit.banks.model import ItemBank
from burnoutkit.errors import DataError


@dataclass(frozen=True, slots=True, kw_only=True)
class Inputs:
    """What every check needs: the bank's gain/loss structure, keyed items and severity.

    Attributes
    ----------
    gain_scale, loss_scale : str
        Ids of the gain and the loss scale.
    pairs : list of tuple of str
        Matched ``(gain_item, loss_item)`` pairs.
    gain_items, loss_items : list of str
        The pair items of each side, in pair order.
    core : dict of str to list of str or None
        Core scales and their items when severity is latent, else None.
    needed : list of str
        Every item column the checks read.
    x : pandas.DataFrame
        Reverse-keyed gain and loss items.
    sev : pandas.Series
        Observed severity score, standardized.
    label : str
        Name of the severity variable in reports.
    """

    gain_scale: str
    loss_scale: str
    pairs: list[tuple[str, str]]
    gain_items: list[str]
    loss_items: list[str]
    core: dict[str, list[str]] | None
    needed: list[str]
    x: pd.DataFrame
    sev: pd.Series
    label: str


def prepare(
    bank: ItemBank,
    data: pd.DataFrame,
    *,
    severity: str | None,
    missing: str,
    reliability_threshold: float,
) -> Inputs:
    """Validate the arguments and build the keyed items and the observed severity score.

    Parameters
    ----------
    bank : ItemBank
        Bank with one gain scale, one loss scale and matched pairs.
    data : pandas.DataFrame
        Raw item responses.
    severity : str or None
        Column with burnout severity, or None for the bank's ``core`` system.
    missing : str
        Missing-data handling of the latent models.
    reliability_threshold : float
        Minimum reliability of the index for individual use.

    Returns
    -------
    Inputs

    Raises
    ------
    BankError
        The bank has no gain/loss scales or pairs.
    DataError
        Items or the severity column are missing from ``data``, or an argument is invalid.
    """
    if missing not in ("fiml", "listwise"):
        raise DataError(
            f"The 'missing' parameter of asymmetry must be 'fiml' or 'listwise'; got {missing!r}."
        )
    if not 0 < reliability_threshold < 1:
        raise DataError(
            "The 'reliability_threshold' parameter of asymmetry must be in (0, 1); "
            f"got {reliability_threshold!r}."
        )
    gain_scale, loss_scale, pairs = _bank_parts(bank)
    gain_items = [g for g, _ in pairs]
    loss_items = [x for _, x in pairs]
    core = None
    if severity is None:
        if "core" not in {s.id for s in bank.systems}:
            raise DataError(f"Bank {bank.id!r} has no 'core' system; pass severity='<column>'.")
        core = {s: bank.items_of(s) for s in bank.scales_of("core")}
    elif severity not in data.columns:
        raise DataError(
            f"Severity column {severity!r} is not in the data; columns with numbers "
            "are e.g. " + str(list(data.select_dtypes("number").columns[:5])) + "."
        )
    core_items = [i for its in (core or {}).values() for i in its]
    needed = [*gain_items, *loss_items, *core_items]
    absent = [i for i in needed if i not in data.columns]
    if absent:
        raise DataError(
            f"Items {absent} are in the bank but not in the data; add them or "
            "pass a bank without them."
        )
    x = _keyed(bank, data, [*gain_items, *loss_items])

    # severity score (observed, standardized)
    if core is not None:
        kc = _keyed(bank, data, core_items)
        scale_means = pd.DataFrame({s: kc[its].mean(axis=1) for s, its in core.items()})
        sev_raw = scale_means.mean(axis=1, skipna=False)
        label = "burnout core (latent)"
    else:
        sev_raw = data[severity].astype(float)
        label = str(severity)
    sev = (sev_raw - sev_raw.mean()) / sev_raw.std()
    return Inputs(
        gain_scale=gain_scale,
        loss_scale=loss_scale,
        pairs=pairs,
        gain_items=gain_items,
        loss_items=loss_items,
        core=core,
        needed=needed,
        x=x,
        sev=sev,
        label=label,
    )
