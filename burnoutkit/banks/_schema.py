"""The item-bank JSON Schema and readable messages for its violations.

``bank.schema.json`` (draft 2020-12) ships inside the package and is published in the docs.
:func:`schema_problems` validates a parsed bank and turns each violation into a
:class:`~burnoutkit.banks._problem.Problem` that names the item or scale, the field, what was
expected and what was found.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from burnoutkit.banks._problem import Problem

__all__ = ["load_schema", "schema_problems", "to_json_compatible"]

_LIST_SECTIONS = (
    "items",
    "scales",
    "systems",
    "derived_scores",
    "outcomes",
    "covariates",
    "hypotheses",
)

_TYPE_NAMES = {
    "string": "text (a string)",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping (key: value lines)",
    "array": "a list ('- ' entries)",
}

_FIELD_HINTS = {
    "keyed": " (1 when a high response means more of the scale's construct, -1 when reversed)",
    "scale": " (the id of the scale the item belongs to)",
    "version": " (quote it in YAML, for example version: '1.0')",
}


@cache
def load_schema() -> dict[str, Any]:
    """Return the packaged item-bank JSON Schema (draft 2020-12) as a dict.

    Examples
    --------
    >>> from burnoutkit.banks._schema import load_schema
    >>> load_schema()["$schema"]
    'https://json-schema.org/draft/2020-12/schema'
    """
    text = (resources.files("burnoutkit.banks") / "bank.schema.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    Draft202012Validator.check_schema(schema)
    return schema


def to_json_compatible(value: Any) -> Any:
    """Return a copy of a parsed YAML value with every mapping key turned into a string.

    YAML reads ``1: Never`` with an integer key; JSON (and so the schema) only has string keys.
    """
    if isinstance(value, Mapping):
        return {str(key): to_json_compatible(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_compatible(item) for item in value]
    return value


def schema_problems(spec: Any) -> list[Problem]:
    """Validate ``spec`` against the schema; return one readable problem per violation."""
    instance = to_json_compatible(spec)
    validator = Draft202012Validator(load_schema())
    errors = sorted(validator.iter_errors(instance), key=lambda e: [str(p) for p in e.path])
    problems = []
    for error in errors:
        problems.append(_translate(error, instance))
    return _dedupe(problems)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen = set()
    unique = []
    for problem in problems:
        key = (problem.item, problem.scale, problem.field, problem.message)
        if key not in seen:
            seen.add(key)
            unique.append(problem)
    return unique


def _entry_id(entry: Any) -> str | None:
    if isinstance(entry, Mapping) and isinstance(entry.get("id"), str) and entry["id"]:
        return entry["id"]
    return None


def _locate(instance: Any, path: Sequence[Any]) -> tuple[str | None, str | None, list[str]]:
    """Split a JSON path into (item, scale, field parts) for the problem table."""
    if not path:
        return None, None, []
    section = path[0]
    if section in _LIST_SECTIONS and len(path) >= 2 and isinstance(path[1], int):
        entries = instance.get(section) if isinstance(instance, Mapping) else None
        entry = entries[path[1]] if isinstance(entries, list) and path[1] < len(entries) else None
        name = _entry_id(entry) or f"{section}[{path[1]}]"
        rest = [str(part) for part in path[2:]]
        if section == "items":
            scale = entry.get("scale") if isinstance(entry, Mapping) else None
            return name, scale if isinstance(scale, str) else None, rest
        if section == "scales":
            return None, name, rest
        return None, None, [f"{section}[{name}]", *rest]
    return None, None, [str(part) for part in path]


def _describe(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (an empty value)"
    return repr(value)


def _translate(error: ValidationError, instance: Any) -> Problem:
    item, scale, field = _locate(instance, list(error.absolute_path))
    kind = error.validator
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    last = field[-1] if field else ""
    if "propertyNames" in error.relative_schema_path:
        field = [*field, str(error.instance)]
        message = (
            f"label code {error.instance!r} is not a whole-number response code. "
            "Write the labels as 'code: text' lines, for example 1: Never."
        )
    elif kind == "required":
        quoted = re.match(r"^'([^']+)' is a required property", error.message)
        missing = [name for name in error.validator_value if name not in error.instance]
        name = quoted.group(1) if quoted else (missing[0] if missing else "?")
        field = [*field, name]
        message = f"required field {name!r} is missing. Add it{_FIELD_HINTS.get(name, '')}."
    elif kind == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        unexpected = [key for key in error.instance if key not in allowed]
        name = unexpected[0] if unexpected else "?"
        field = [*field, name]
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        message = f"unknown field {name!r}.{hint} Allowed fields here: {', '.join(allowed)}."
    elif kind == "enum":
        choices = list(error.validator_value)
        if choices == [1, -1]:
            expected = "+1 or -1 (-1 marks a reverse-keyed item)"
        else:
            expected = "one of " + ", ".join(repr(choice) for choice in choices)
        message = f"must be {expected}; found {_describe(error.instance)}."
    elif kind == "type":
        expected = _TYPE_NAMES.get(str(error.validator_value), str(error.validator_value))
        hint = _FIELD_HINTS["version"] if last == "version" else ""
        message = f"must be {expected}; found {_describe(error.instance)}{hint}."
    elif kind == "pattern":
        if last == "language":
            message = (
                f"{error.instance!r} is not a language tag; use a BCP 47 tag such as 'en' or "
                "'de-AT'."
            )
        else:
            message = (
                f"{error.instance!r} is not a valid id: start with a letter and use only letters, "
                "digits and underscores (ids become column names and CFA variable names)."
            )
    elif kind in ("minItems", "maxItems"):
        n = error.validator_value
        if last == "range":
            found = _describe(error.instance)
            message = f"must hold exactly two numbers [low, high]; found {found}."
        elif last == "scales" and field and field[0].startswith("hypotheses["):
            count = len(error.instance) if isinstance(error.instance, list) else 0
            message = (
                f"must name exactly two scores (scale or composite system ids); found {count}."
            )
        else:
            message = f"must list at least {n} entr{'y' if n == 1 else 'ies'}; found none."
    elif kind == "minLength":
        message = "must not be empty."
    elif kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        op = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}
        message = f"must be {op[kind]} {error.validator_value}; found {error.instance!r}."
        if last == "min_share":
            message += " It is the share of a scale's items that must be answered, in (0, 1]."
    elif kind == "uniqueItems":
        message = f"lists a value more than once: {error.instance!r}."
    else:
        message = f"{error.message}."
    return Problem(
        item=item,
        scale=scale,
        field=".".join(field) or None,
        severity="error",
        message=message,
    )
