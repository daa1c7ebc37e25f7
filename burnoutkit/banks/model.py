"""The item-bank data model: one immutable :class:`ItemBank` per instrument.

The YAML format is documented in ``docs/item-bank-format.md`` and validated against
``burnoutkit/banks/bank.schema.json``. This module holds only the in-memory objects and the
questions a bank can answer about itself (which items make a scale, which are reversed, which gain
item is matched to which loss item).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

__all__ = [
    "DerivedScore",
    "Hypothesis",
    "Instrument",
    "Item",
    "ItemBank",
    "ResponseFormat",
    "Scale",
    "ScoringRule",
    "System",
    "Variable",
]

Valence = Literal["gain", "loss"]
Expectation = Literal["positive", "negative", "weak"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Instrument:
    """Who made the instrument, what it is called and how to cite it."""

    id: str
    name: str
    version: str
    language: str
    license: str
    citation: str
    description: str = ""
    url: str = ""
    notes: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ResponseFormat:
    """The response scale: integer codes ``min..max``, their labels, and missing-value codes."""

    min: int
    max: int
    labels: Mapping[int, str] = field(default_factory=dict)
    missing_codes: tuple[float, ...] = ()

    @property
    def n_categories(self) -> int:
        """Number of response categories, ``max - min + 1``."""
        return self.max - self.min + 1


@dataclass(frozen=True, slots=True, kw_only=True)
class System:
    """A higher-order grouping of scales (e.g. the reward-prediction system).

    ``composite`` says whether a system score (the mean of its scale scores) is meaningful.
    """

    id: str
    name: str
    description: str = ""
    composite: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class Scale:
    """A scale (first-order construct), optionally in a ``system`` and with a ``valence``."""

    id: str
    name: str
    system: str | None = None
    valence: Valence | None = None
    description: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """One item: its scale, its key (+1 or -1) and, for gain items, its matched loss item."""

    id: str
    scale: str
    keyed: int = 1
    text: str | None = None
    pair: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoringRule:
    """How scale scores are formed.

    ``method`` is ``"mean"`` or ``"sum"`` (a prorated sum: mean of answered items times the number
    of items). A scale score is missing when fewer than ``min_share`` of its items were answered.
    ``transform`` optionally rescales keyed item scores linearly from ``[min, max]`` of the
    response format to ``transform_range`` (e.g. ``(0, 100)`` for the Copenhagen Burnout
    Inventory) before they are combined.
    """

    method: Literal["mean", "sum"] = "mean"
    min_share: float = 0.5
    transform_range: tuple[float, float] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DerivedScore:
    """An instrument-specific score computed from scales.

    ``kind="ratio"``: ``numerator / denominator`` of the two scales' *mean* item scores, which
    equals the sum-score ratio with the item-count correction (the effort-reward ratio
    ``E / (R * k_E / k_R)`` of Siegrist's ERI).

    ``kind="item_mean"``: the mean of the keyed item scores over all items of ``scales`` (for
    example the BAT total score, the mean of its 23 items). With no missing responses it equals
    the mean of the scale scores weighted by their numbers of items, which differs from the
    unweighted mean of scale scores (a system score) when the scales have unequal lengths.
    ``numerator`` and ``denominator`` are ``None`` for this kind, ``scales`` is empty for a ratio.
    """

    id: str
    name: str
    kind: Literal["ratio", "item_mean"]
    numerator: str | None = None
    denominator: str | None = None
    scales: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Variable:
    """A declared outcome or covariate column that travels with the responses."""

    id: str
    name: str = ""
    type: Literal["continuous", "binary", "count", "categorical", "ordinal"] = "continuous"
    description: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Hypothesis:
    """An expected correlation between two scores, stated before the data are seen.

    Construct-validity hypotheses in the sense of COSMIN (Prinsen et al., 2018): the direction
    and size of the correlation between two scale (or composite system) scores that the theory
    behind the instrument predicts. ``expected`` is ``"positive"`` or ``"negative"`` (the sign,
    with ``|r| >= min_abs_r`` and, when given, ``|r| <= max_abs_r``) or ``"weak"``
    (``|r| <= max_abs_r`` whatever the sign: a discriminant hypothesis). ``source`` says where
    the expectation comes from.

    Examples
    --------
    >>> from burnoutkit.banks.model import Hypothesis
    >>> h = Hypothesis(id="core", scales=("ex", "md"), expected="positive", min_abs_r=0.3,
    ...                source="Maslach & Leiter (2016)")
    >>> h.holds(0.54), h.holds(0.12), h.holds(-0.5)
    (True, False, False)
    """

    id: str
    scales: tuple[str, str]
    expected: Expectation
    min_abs_r: float = 0.0
    max_abs_r: float | None = None
    source: str = ""
    description: str = ""

    def holds(self, r: float) -> bool:
        """Whether a correlation ``r`` agrees with the hypothesis (False for NaN)."""
        if r != r:  # NaN
            return False
        size = abs(r)
        if self.max_abs_r is not None and size > self.max_abs_r:
            return False
        if self.expected == "weak":
            return True
        sign_ok = r > 0 if self.expected == "positive" else r < 0
        return sign_ok and size >= self.min_abs_r

    def statement(self) -> str:
        """Return the hypothesis in words, e.g. ``"r(ex, md) positive, |r| >= 0.30"``."""
        pair = f"r({self.scales[0]}, {self.scales[1]})"
        if self.expected == "weak":
            return f"{pair} weak, |r| <= {self.max_abs_r:.2f}"
        text = f"{pair} {self.expected}"
        bounds = []
        if self.min_abs_r > 0:
            bounds.append(f"|r| >= {self.min_abs_r:.2f}")
        if self.max_abs_r is not None:
            bounds.append(f"|r| <= {self.max_abs_r:.2f}")
        return text + (", " + ", ".join(bounds) if bounds else "")


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemBank:
    """An instrument: metadata, response format, scales, items and scoring rule.

    Build one with :func:`burnoutkit.load_bank` (a built-in name or a YAML path) or
    :meth:`ItemBank.from_dict`.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> bai = bk.load_bank("bai")
    >>> bai.items_of("ex")[:3]
    ['ex1', 'ex2', 'ex3']
    >>> bai.pairs[0]
    ('gs1', 'ls1')
    """

    instrument: Instrument
    response_format: ResponseFormat
    scales: tuple[Scale, ...]
    items: tuple[Item, ...]
    scoring: ScoringRule = field(default_factory=ScoringRule)
    systems: tuple[System, ...] = ()
    derived_scores: tuple[DerivedScore, ...] = ()
    outcomes: tuple[Variable, ...] = ()
    covariates: tuple[Variable, ...] = ()
    hypotheses: tuple[Hypothesis, ...] = ()
    source: str = "<dict>"

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_yaml(cls, path: str | Path) -> ItemBank:
        """Load and validate a bank from a YAML file (see :func:`burnoutkit.load_bank`)."""
        from burnoutkit.banks.loader import read_bank_file

        return read_bank_file(Path(path))

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any], *, source: str = "<dict>") -> ItemBank:
        """Build a bank from the parsed YAML mapping, validating it against the schema."""
        from burnoutkit.banks.loader import bank_from_dict

        return bank_from_dict(spec, source=source)

    # ------------------------------------------------------------------ questions
    @property
    def id(self) -> str:
        """The instrument id (e.g. ``"bai"``)."""
        return self.instrument.id

    @property
    def item_ids(self) -> list[str]:
        """All item ids in bank order."""
        return [item.id for item in self.items]

    @property
    def scale_ids(self) -> list[str]:
        """All scale ids in bank order."""
        return [scale.id for scale in self.scales]

    def item(self, item_id: str) -> Item:
        """Return the item with this id; raise :class:`~burnoutkit.BankError` if it is absent."""
        for item in self.items:
            if item.id == item_id:
                return item
        from burnoutkit.errors import BankError

        raise BankError(f"Item {item_id!r} is not in bank {self.id!r} ({self.source}).")

    def scale(self, scale_id: str) -> Scale:
        """Return the scale with this id; raise :class:`~burnoutkit.BankError` if absent."""
        for scale in self.scales:
            if scale.id == scale_id:
                return scale
        from burnoutkit.errors import BankError

        raise BankError(
            f"Scale {scale_id!r} is not in bank {self.id!r}; its scales are {self.scale_ids}."
        )

    def items_of(self, scale_id: str) -> list[str]:
        """Item ids of one scale, in bank order."""
        self.scale(scale_id)
        return [item.id for item in self.items if item.scale == scale_id]

    def scales_of(self, system_id: str) -> list[str]:
        """Scale ids of one system, in bank order."""
        return [scale.id for scale in self.scales if scale.system == system_id]

    @property
    def keys(self) -> pd.Series:
        """Scoring keys: a Series of +1/-1 indexed by item id."""
        return pd.Series({item.id: item.keyed for item in self.items}, name="keyed", dtype=int)

    @property
    def reversed_items(self) -> list[str]:
        """Ids of the reverse-keyed items."""
        return [item.id for item in self.items if item.keyed == -1]

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """Matched (gain item, loss item) pairs, in the order of the gain items."""
        valence = {scale.id: scale.valence for scale in self.scales}
        return [
            (item.id, item.pair)
            for item in self.items
            if item.pair is not None and valence.get(item.scale) == "gain"
        ]

    def scales_with_valence(self, valence: Valence) -> list[str]:
        """Scale ids whose ``valence`` is ``"gain"`` or ``"loss"``."""
        return [scale.id for scale in self.scales if scale.valence == valence]

    def tidy(self) -> pd.DataFrame:
        """One row per item: item, scale, system, valence, keyed, pair, text."""
        scales = {scale.id: scale for scale in self.scales}
        rows = [
            {
                "item": item.id,
                "scale": item.scale,
                "system": scales[item.scale].system if item.scale in scales else None,
                "valence": scales[item.scale].valence if item.scale in scales else None,
                "keyed": item.keyed,
                "pair": item.pair,
                "text": item.text,
            }
            for item in self.items
        ]
        return pd.DataFrame(rows)

    def to_lavaan(
        self, structure: str = "correlated", *, scales: Sequence[str] | None = None
    ) -> str:
        """Return the bank's CFA model in lavaan syntax.

        See :func:`burnoutkit.banks.lavaan.bank_to_lavaan` for the three structures
        (``"correlated"``, ``"higher_order"``, ``"bifactor"``) and the ``scales`` subset.
        """
        from burnoutkit.banks.lavaan import bank_to_lavaan

        return bank_to_lavaan(self, structure=structure, scales=scales)

    def to_dict(self) -> dict[str, Any]:
        """Return the bank as a mapping in the YAML format (the inverse of :meth:`from_dict`).

        Optional fields at their defaults are left out. The result validates against the schema,
        and ``ItemBank.from_dict(bank.to_dict())`` rebuilds an equal bank (``source`` aside).

        Examples
        --------
        >>> import burnoutkit as bk
        >>> spec = bk.load_bank("cbi").to_dict()
        >>> spec["items"][12]
        {'id': 'cbi_w7', 'scale': 'work', 'keyed': -1}
        >>> bk.ItemBank.from_dict(spec).reversed_items
        ['cbi_w7']
        """
        from burnoutkit.banks.loader import bank_to_dict

        return bank_to_dict(self)

    def __repr__(self) -> str:
        return (
            f"<ItemBank {self.id!r} v{self.instrument.version}: {len(self.items)} items, "
            f"{len(self.scales)} scales, {len(self.systems)} systems, {len(self.pairs)} pairs>"
        )
