"""Loading item banks from YAML: built-in names or file paths."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from burnoutkit.banks.model import (
    DerivedScore,
    Hypothesis,
    Instrument,
    Item,
    ItemBank,
    ResponseFormat,
    Scale,
    ScoringRule,
    System,
    Variable,
)
from burnoutkit.errors import BankError

__all__ = [
    "bank_from_dict",
    "bank_to_dict",
    "builtin_bank_path",
    "list_banks",
    "load_bank",
    "read_bank_file",
    "read_bank_spec",
]


def _builtin_dir() -> Path:
    return Path(str(resources.files("burnoutkit.banks") / "builtin"))


def list_banks() -> list[str]:
    """Names of the built-in item banks.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> bk.list_banks()
    ['bai', 'bat', 'bisbas', 'cbi', 'eri', 'olbi']
    """
    return sorted(path.stem for path in _builtin_dir().glob("*.yaml"))


def builtin_bank_path(name: str) -> Path:
    """Path of a built-in bank's YAML file; raise :class:`BankError` for an unknown name.

    Examples
    --------
    >>> from burnoutkit.banks.loader import builtin_bank_path
    >>> builtin_bank_path("cbi").name
    'cbi.yaml'
    """
    path = _builtin_dir() / f"{name.lower()}.yaml"
    if not path.is_file():
        raise BankError(
            f"There is no built-in item bank called {name!r}. Built-in banks: {list_banks()}. "
            "To load your own bank, pass the path of its YAML file."
        )
    return path


def _looks_like_path(name_or_path: str | Path) -> bool:
    text = str(name_or_path)
    return (
        isinstance(name_or_path, Path)
        or text.endswith((".yaml", ".yml"))
        or "/" in text
        or "\\" in text
    )


def resolve_bank_path(name_or_path: str | Path) -> Path:
    """Return the YAML file behind a built-in name or a path; raise :class:`BankError` if none."""
    if _looks_like_path(name_or_path):
        path = Path(name_or_path)
        if not path.is_file():
            raise BankError(
                f"Item-bank file {str(path)!r} does not exist. Pass an existing YAML file or a "
                f"built-in bank name ({', '.join(list_banks())})."
            )
        return path
    return builtin_bank_path(str(name_or_path))


def load_bank(name_or_path: str | Path) -> ItemBank:
    """Load an item bank by built-in name (``"bai"``, ``"cbi"``, ...) or from a YAML file.

    Parameters
    ----------
    name_or_path : str or path-like
        A built-in bank name (see :func:`list_banks`) or the path of a YAML file in the
        item-bank format (``docs/item-bank-format.md``).

    Returns
    -------
    ItemBank

    Raises
    ------
    BankError
        If the file does not exist, is not valid YAML, or does not follow the format; the
        message lists every problem at once, each naming the file, the item or scale and the
        field. :func:`burnoutkit.lint_bank` returns the same problems as a table, with warnings.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> bank = bk.load_bank("bai")
    >>> bank.instrument.name
    'Burnout Architecture Inventory'
    """
    return read_bank_file(resolve_bank_path(name_or_path))


def read_bank_spec(path: Path) -> Mapping[str, Any]:
    """Parse one YAML bank file into a mapping; raise :class:`BankError` naming the file if not."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BankError(f"{path}: cannot be read ({exc}).") from exc
    except UnicodeDecodeError as exc:
        raise BankError(f"{path}: is not UTF-8 text ({exc}). Save it as UTF-8.") from exc
    try:
        spec = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise BankError(
            f"{path}: not valid YAML ({exc}). Fix the syntax and load it again."
        ) from exc
    if not isinstance(spec, Mapping):
        raise BankError(
            f"{path}: the file must hold a YAML mapping with the keys 'instrument', "
            f"'response_format', 'scales' and 'items'; found {type(spec).__name__}."
        )
    return spec


def read_bank_file(path: Path) -> ItemBank:
    """Parse and validate one YAML bank file."""
    return bank_from_dict(read_bank_spec(path), source=str(path))


def bank_from_dict(spec: Mapping[str, Any], *, source: str = "<dict>") -> ItemBank:
    """Build an :class:`ItemBank` from the parsed YAML mapping.

    The mapping is validated against the JSON Schema first, then the cross-references that a
    schema cannot express (an item's scale exists, ids are unique, pairs are matched) are
    checked; every error found is reported in one :class:`BankError`. ``spec`` is not modified.

    Examples
    --------
    >>> from burnoutkit.banks.loader import bank_from_dict
    >>> spec = {
    ...     "instrument": {"id": "demo", "name": "Demo", "version": "1", "language": "en",
    ...                    "license": "CC0-1.0", "citation": "Nobody (2026)."},
    ...     "response_format": {"min": 1, "max": 4},
    ...     "scales": [{"id": "calm", "name": "Calm"}],
    ...     "items": [{"id": "c1", "scale": "calm", "keyed": 1},
    ...               {"id": "c2", "scale": "clam", "keyed": 1}],
    ... }
    >>> bank_from_dict(spec, source="demo.yaml")
    Traceback (most recent call last):
    ...
    burnoutkit.errors.BankError: Item bank demo.yaml has 1 problem(s):
      - demo.yaml: item 'c2', field 'scale': scale 'clam' is not declared under 'scales'. ...
    """
    from burnoutkit.banks.lint import collect_errors

    errors = collect_errors(spec, source=source)
    if errors:
        listing = "\n".join(f"  - {error}" for error in errors)
        raise BankError(
            f"Item bank {source} has {len(errors)} problem(s):\n{listing}\n"
            "Fix them in the YAML file (bk.lint_bank lists warnings too)."
        )
    return _build(spec, source)


def _build(spec: Mapping[str, Any], source: str) -> ItemBank:
    response = spec["response_format"]
    scoring = spec.get("scoring") or {}
    transform = scoring.get("transform")
    return ItemBank(
        instrument=Instrument(**spec["instrument"]),
        response_format=ResponseFormat(
            min=int(response["min"]),
            max=int(response["max"]),
            labels={int(key): str(value) for key, value in (response.get("labels") or {}).items()},
            missing_codes=tuple(float(code) for code in response.get("missing_codes", ())),
        ),
        scoring=ScoringRule(
            method=scoring.get("method", "mean"),
            min_share=float(scoring.get("min_share", 0.5)),
            transform_range=(
                (float(transform["range"][0]), float(transform["range"][1])) if transform else None
            ),
        ),
        systems=tuple(System(**system) for system in spec.get("systems", ())),
        scales=tuple(Scale(**scale) for scale in spec["scales"]),
        items=tuple(Item(**{**item, "keyed": int(item["keyed"])}) for item in spec["items"]),
        derived_scores=tuple(
            DerivedScore(**{**score, "scales": tuple(score.get("scales", ()))})
            for score in spec.get("derived_scores", ())
        ),
        outcomes=tuple(Variable(**variable) for variable in spec.get("outcomes", ())),
        covariates=tuple(Variable(**variable) for variable in spec.get("covariates", ())),
        hypotheses=tuple(_hypothesis(entry) for entry in spec.get("hypotheses", ())),
        source=source,
    )


def _hypothesis(entry: Mapping[str, Any]) -> Hypothesis:
    high = entry.get("max_abs_r")
    return Hypothesis(
        id=entry["id"],
        scales=(entry["scales"][0], entry["scales"][1]),
        expected=entry["expected"],
        min_abs_r=float(entry.get("min_abs_r", 0.0)),
        max_abs_r=None if high is None else float(high),
        source=entry.get("source", ""),
        description=entry.get("description", ""),
    )


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def _without_defaults(pairs: dict[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: value
        for key, value in pairs.items()
        if value is not None and not (key in defaults and value == defaults[key])
    }


def bank_to_dict(bank: ItemBank) -> dict[str, Any]:
    """Return ``bank`` as a mapping in the YAML format; see :meth:`ItemBank.to_dict`."""
    instrument = bank.instrument
    spec: dict[str, Any] = {
        "instrument": _without_defaults(
            {
                "id": instrument.id,
                "name": instrument.name,
                "version": instrument.version,
                "language": instrument.language,
                "license": instrument.license,
                "citation": instrument.citation,
                "description": instrument.description,
                "url": instrument.url,
                "notes": instrument.notes,
            },
            {"description": "", "url": "", "notes": ""},
        )
    }
    response = bank.response_format
    spec["response_format"] = {"min": response.min, "max": response.max}
    if response.labels:
        spec["response_format"]["labels"] = dict(response.labels)
    if response.missing_codes:
        spec["response_format"]["missing_codes"] = [_number(c) for c in response.missing_codes]
    scoring: dict[str, Any] = {
        "method": bank.scoring.method,
        "min_share": _number(bank.scoring.min_share),
    }
    if bank.scoring.transform_range is not None:
        scoring["transform"] = {"range": [_number(v) for v in bank.scoring.transform_range]}
    spec["scoring"] = scoring
    if bank.systems:
        spec["systems"] = [
            _without_defaults(
                {
                    "id": s.id,
                    "name": s.name,
                    "description": s.description,
                    "composite": s.composite,
                },
                {"description": "", "composite": True},
            )
            for s in bank.systems
        ]
    spec["scales"] = [
        _without_defaults(
            {
                "id": s.id,
                "name": s.name,
                "system": s.system,
                "valence": s.valence,
                "description": s.description,
            },
            {"description": ""},
        )
        for s in bank.scales
    ]
    spec["items"] = [
        _without_defaults(
            {"id": i.id, "scale": i.scale, "keyed": i.keyed, "text": i.text, "pair": i.pair}, {}
        )
        for i in bank.items
    ]
    if bank.derived_scores:
        spec["derived_scores"] = [
            _without_defaults(
                {
                    "id": d.id,
                    "name": d.name,
                    "kind": d.kind,
                    "numerator": d.numerator,
                    "denominator": d.denominator,
                    "scales": list(d.scales) if d.scales else None,
                    "description": d.description,
                },
                {"description": ""},
            )
            for d in bank.derived_scores
        ]
    for key, variables in (("outcomes", bank.outcomes), ("covariates", bank.covariates)):
        if variables:
            spec[key] = [
                _without_defaults(
                    {"id": v.id, "name": v.name, "type": v.type, "description": v.description},
                    {"description": ""},
                )
                for v in variables
            ]
    if bank.hypotheses:
        spec["hypotheses"] = [
            _without_defaults(
                {
                    "id": h.id,
                    "scales": list(h.scales),
                    "expected": h.expected,
                    "min_abs_r": _number(h.min_abs_r),
                    "max_abs_r": None if h.max_abs_r is None else _number(h.max_abs_r),
                    "source": h.source,
                    "description": h.description,
                },
                {"description": "", "min_abs_r": 0},
            )
            for h in bank.hypotheses
        ]
    return spec
