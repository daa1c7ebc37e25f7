"""The CFA model a bank implies, as lavaan model syntax.

The measurement model is written once, in the bank: one factor per scale, optionally a
second-order factor per system, or a bifactor model. :func:`bank_to_lavaan` turns it into lavaan
syntax for R's ``lavaan::cfa()`` (and for the Python SEM packages that read lavaan syntax).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from burnoutkit.banks.model import ItemBank
from burnoutkit.errors import BankError

__all__ = ["STRUCTURES", "bank_to_lavaan"]

STRUCTURES = ("correlated", "higher_order", "bifactor")

_WIDTH = 88


def bank_to_lavaan(
    bank: ItemBank,
    /,
    *,
    structure: str = "correlated",
    scales: Sequence[str] | None = None,
) -> str:
    """Return the bank's confirmatory factor model in lavaan syntax.

    Parameters
    ----------
    bank : ItemBank
        The item bank.
    structure : {"correlated", "higher_order", "bifactor"}, default "correlated"
        ``"correlated"``: one factor per scale, ``scale =~ item1 + item2 + ...``; the factors
        correlate (lavaan's default for ``cfa()``).
        ``"higher_order"``: the first-order factors of the scales of each system load on a
        second-order factor named after the system; scales without a system stay first-order
        factors. A system with three or more (selected) scales gets a freely estimated
        second-order factor. A system with exactly two gets one whose two loadings are
        constrained equal through a shared label (``eq_<system>``) with the second-order
        variance fixed to 1: a second-order factor with two indicators is otherwise not
        identified (it adds four parameters, a loading, its variance and two disturbance
        variances, to explain three moments, the two first-order variances and their
        covariance). A system with one selected scale gets no second-order factor.
        ``"bifactor"``: a general factor ``g`` on every item plus one specific factor per
        scale, all factors mutually orthogonal (``g ~~ 0*ex`` and ``ex ~~ 0*md`` lines), as is
        conventional.
    scales : sequence of str, optional
        Model only these scales (in bank order). Default: all scales.

    Returns
    -------
    str
        lavaan model syntax, ending with a newline; the same bank always gives the same text.

    Raises
    ------
    BankError
        If ``scales`` names a scale the bank does not have, or a bifactor model would have fewer
        than two specific factors or a specific factor with fewer than two items.
    ValueError
        If ``structure`` is not one of the three structures or ``scales`` is empty or repeats
        a scale.

    Notes
    -----
    Items enter as they are: a reverse-keyed item (``keyed: -1``) is not recoded, so its loading
    is negative in the fitted model. lavaan identifies each factor by fixing the loading of its
    first indicator to 1, so the first indicator written for a factor is its first positively
    keyed item (then the others in bank order); the factor then points in the direction of its
    construct. A factor whose items are all reverse-keyed points the other way (all loadings
    positive). Fit the model to the raw responses, for example ``lavaan::cfa(model, data,
    ordered = TRUE)`` for ordinal items.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> olbi = bk.load_bank("olbi")
    >>> print(olbi.to_lavaan("higher_order"))  # doctest: +NORMALIZE_WHITESPACE
    # Oldenburg Burnout Inventory (olbi, version 2003): higher-order CFA model.
    # Reverse-keyed items enter unrecoded: their loadings are negative.
    # First-order factors, one per scale:
    disengagement =~ olbi_1 + olbi_3 + olbi_6 + olbi_7 + olbi_9 + olbi_11 + olbi_13 + olbi_15
    exhaustion =~ olbi_5 + olbi_2 + olbi_4 + olbi_8 + olbi_10 + olbi_12 + olbi_14 + olbi_16
    # Second-order factors, one per system:
    # burnout has two scales: equal loadings (label eq_burnout), variance fixed to 1.
    burnout =~ NA*disengagement + eq_burnout*disengagement + eq_burnout*exhaustion
    burnout ~~ 1*burnout
    <BLANKLINE>
    >>> print(bk.load_bank("cbi").to_lavaan(scales=["personal", "work"]))
    # Copenhagen Burnout Inventory (cbi, version 2005): correlated-factors CFA model.
    # Reverse-keyed items enter unrecoded: their loadings are negative.
    # Factors, one per scale (lavaan correlates them):
    personal =~ cbi_p1 + cbi_p2 + cbi_p3 + cbi_p4 + cbi_p5 + cbi_p6
    work =~ cbi_w1 + cbi_w2 + cbi_w3 + cbi_w4 + cbi_w5 + cbi_w6 + cbi_w7
    <BLANKLINE>

    In R: ``fit <- lavaan::cfa(model, data = responses, ordered = TRUE)``.
    """
    if structure not in STRUCTURES:
        raise ValueError(
            f"The 'structure' parameter of bank_to_lavaan must be one of "
            f"{', '.join(repr(s) for s in STRUCTURES)}; got {structure!r}."
        )
    selected = _select_scales(bank, scales)
    items = {scale: _indicators(bank, scale) for scale in selected}
    instrument = bank.instrument
    label = {
        "correlated": "correlated-factors",
        "higher_order": "higher-order",
        "bifactor": "bifactor",
    }[structure]
    lines = [
        f"# {instrument.name} ({instrument.id}, version {instrument.version}): {label} CFA model.",
        "# Reverse-keyed items enter unrecoded: their loadings are negative.",
    ]
    if structure == "correlated":
        lines.append("# Factors, one per scale (lavaan correlates them):")
        lines += [_measure(scale, items[scale]) for scale in selected]
    elif structure == "higher_order":
        lines.append("# First-order factors, one per scale:")
        lines += [_measure(scale, items[scale]) for scale in selected]
        lines += _second_order(bank, selected)
    else:
        lines += _bifactor(bank, selected, items)
    return "\n".join(lines) + "\n"


def _select_scales(bank: ItemBank, scales: Sequence[str] | None) -> list[str]:
    if scales is None:
        return [scale.id for scale in bank.scales if bank.items_of(scale.id)]
    if isinstance(scales, str):
        scales = [scales]
    requested = list(scales)
    if not requested:
        raise ValueError("The 'scales' parameter of bank_to_lavaan must name at least one scale.")
    repeated = sorted({s for s in requested if requested.count(s) > 1})
    if repeated:
        raise ValueError(f"The 'scales' parameter of bank_to_lavaan repeats {repeated}.")
    unknown = [s for s in requested if s not in bank.scale_ids]
    if unknown:
        hints = "".join(
            f" Did you mean {close[0]!r} for {name!r}?"
            for name in unknown
            if (close := difflib.get_close_matches(name, bank.scale_ids, n=1))
        )
        raise BankError(
            f"Scales {unknown} are not in bank {bank.id!r} ({bank.source}).{hints} "
            f"Its scales are {bank.scale_ids}."
        )
    return [scale for scale in bank.scale_ids if scale in requested]


def _indicators(bank: ItemBank, scale: str) -> list[str]:
    """Items of a scale with its first positively keyed item first (lavaan's marker)."""
    items = [item for item in bank.items if item.scale == scale]
    positive = [item.id for item in items if item.keyed == 1]
    if not positive:
        return [item.id for item in items]
    return [positive[0], *[item.id for item in items if item.id != positive[0]]]


def _measure(factor: str, indicators: Sequence[str]) -> str:
    """``factor =~ a + b + ...``, continued over lines ending in '+' when long."""
    lines = []
    current = f"{factor} =~ {indicators[0]}"
    for name in indicators[1:]:
        if len(current) + len(name) + 3 > _WIDTH:
            lines.append(current + " +")
            current = f"    {name}"
        else:
            current += f" + {name}"
    lines.append(current)
    return "\n".join(lines)


def _unique_name(base: str, taken: set[str]) -> str:
    name = base
    while name in taken:
        name += "_"
    return name


def _taken_names(bank: ItemBank) -> set[str]:
    return {
        *bank.item_ids,
        *bank.scale_ids,
        *(system.id for system in bank.systems),
    }


def _second_order(bank: ItemBank, selected: list[str]) -> list[str]:
    lines = []
    taken = _taken_names(bank)
    for system in bank.systems:
        members = [scale for scale in bank.scales_of(system.id) if scale in selected]
        if len(members) < 2:
            continue
        if not lines:
            lines.append("# Second-order factors, one per system:")
        if len(members) == 2:
            label = _unique_name(f"eq_{system.id}", taken)
            first, second = members
            lines += [
                f"# {system.id} has two scales: equal loadings (label {label}), "
                "variance fixed to 1.",
                f"{system.id} =~ NA*{first} + {label}*{first} + {label}*{second}",
                f"{system.id} ~~ 1*{system.id}",
            ]
        else:
            lines.append(_measure(system.id, members))
    return lines


def _bifactor(bank: ItemBank, selected: list[str], items: dict[str, list[str]]) -> list[str]:
    if len(selected) < 2:
        raise BankError(
            f"A bifactor model needs at least two specific factors; bank {bank.id!r} has "
            f"{len(selected)} selected scale(s) ({selected}). Select more scales or use "
            "structure='correlated'."
        )
    small = [scale for scale in selected if len(items[scale]) < 2]
    if small:
        raise BankError(
            f"Scales {small} of bank {bank.id!r} have fewer than two items, too few for a "
            "specific factor of a bifactor model. Leave them out with scales=[...]."
        )
    general = _unique_name("g", _taken_names(bank))
    every_item = [item for scale in selected for item in items[scale]]
    positive = [item.id for item in bank.items if item.id in every_item and item.keyed == 1]
    if positive:
        every_item = [positive[0], *[i for i in every_item if i != positive[0]]]
    factors = [general, *selected]
    lines = [
        "# General factor on every item:",
        _measure(general, every_item),
        "# Specific factors, one per scale:",
        *[_measure(scale, items[scale]) for scale in selected],
        "# All factors orthogonal:",
    ]
    for index, factor in enumerate(factors[:-1]):
        others = " + ".join(f"0*{other}" for other in factors[index + 1 :])
        lines.append(_continued(f"{factor} ~~ {others}"))
    return lines


def _continued(line: str) -> str:
    """Break a long ``a ~~ 0*b + 0*c + ...`` line after '+' signs."""
    if len(line) <= _WIDTH:
        return line
    head, terms = line.split(" ~~ ", 1)
    parts = terms.split(" + ")
    lines = []
    current = f"{head} ~~ {parts[0]}"
    for part in parts[1:]:
        if len(current) + len(part) + 3 > _WIDTH:
            lines.append(current + " +")
            current = f"    {part}"
        else:
            current += f" + {part}"
    lines.append(current)
    return "\n".join(lines)
