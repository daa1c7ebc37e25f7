"""Loading item banks from YAML: built-in names or file paths."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from burnoutkit.banks.model import (
    DerivedScore,
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

__all__ = ["bank_from_dict", "builtin_bank_path", "list_banks", "load_bank", "read_bank_file"]


def _builtin_dir() -> Path:
    return Path(str(resources.files("burnoutkit.banks") / "builtin"))


def list_banks() -> list[str]:
    """Names of the built-in item banks.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> "bai" in bk.list_banks()
    True
    """
    return sorted(path.stem for path in _builtin_dir().glob("*.yaml"))


def builtin_bank_path(name: str) -> Path:
    """Path of a built-in bank's YAML file; raise :class:`BankError` for an unknown name."""
    path = _builtin_dir() / f"{name.lower()}.yaml"
    if not path.is_file():
        raise BankError(
            f"There is no built-in item bank called {name!r}. Built-in banks: {list_banks()}. "
            "To load your own bank, pass the path of its YAML file."
        )
    return path


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
        If the file does not exist, is not valid YAML, or does not follow the schema; the
        message names the file, the item or scale and the field.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> bank = bk.load_bank("bai")
    >>> bank.instrument.name
    'Burnout Architecture Inventory'
    """
    text = str(name_or_path)
    looks_like_path = isinstance(name_or_path, Path) or text.endswith((".yaml", ".yml")) or (
        "/" in text or "\\" in text
    )
    if looks_like_path:
        path = Path(name_or_path)
        if not path.is_file():
            raise BankError(
                f"Item-bank file {str(path)!r} does not exist. Pass an existing YAML file or a "
                f"built-in bank name ({', '.join(list_banks())})."
            )
        return read_bank_file(path)
    return read_bank_file(builtin_bank_path(text))


def read_bank_file(path: Path) -> ItemBank:
    """Parse and validate one YAML bank file."""
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise BankError(f"{path}: not valid YAML ({exc}). Fix the syntax and load it again.") from exc
    if not isinstance(spec, Mapping):
        raise BankError(f"{path}: the file must hold a YAML mapping with an 'instrument' key.")
    return bank_from_dict(spec, source=str(path))


def bank_from_dict(spec: Mapping[str, Any], *, source: str = "<dict>") -> ItemBank:
    """Build an :class:`ItemBank` from the parsed YAML mapping.

    The mapping is validated against the JSON Schema first, then the cross-references that a
    schema cannot express (an item's scale exists, ids are unique, pairs are matched) are
    checked; every problem found is reported in one :class:`BankError`.
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
    scoring = spec.get("scoring", {})
    transform = scoring.get("transform")
    return ItemBank(
        instrument=Instrument(**spec["instrument"]),
        response_format=ResponseFormat(
            min=int(response["min"]),
            max=int(response["max"]),
            labels={int(key): str(value) for key, value in response.get("labels", {}).items()},
            missing_codes=tuple(float(code) for code in response.get("missing_codes", ())),
        ),
        scoring=ScoringRule(
            method=scoring.get("method", "mean"),
            min_share=float(scoring.get("min_share", 0.5)),
            transform_range=tuple(transform["range"]) if transform else None,
        ),
        systems=tuple(System(**system) for system in spec.get("systems", ())),
        scales=tuple(Scale(**scale) for scale in spec["scales"]),
        items=tuple(Item(**item) for item in spec["items"]),
        derived_scores=tuple(DerivedScore(**score) for score in spec.get("derived_scores", ())),
        outcomes=tuple(Variable(**variable) for variable in spec.get("outcomes", ())),
        covariates=tuple(Variable(**variable) for variable in spec.get("covariates", ())),
        source=source,
    )
