"""The JSON form of a :class:`~burnoutkit.report.validate.ValidationReport`.

:func:`report_to_dict` is the one source of the rendered reports: the Markdown and HTML
renderers format what it returns. Its layout is the JSON Schema ``report.schema.json`` shipped
beside this module (and published as ``docs/report.schema.json``).
"""

from __future__ import annotations

import json
import math
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from burnoutkit.report.cosmin import PROPERTIES

if TYPE_CHECKING:
    from burnoutkit.report.validate import ValidationReport

__all__ = [
    "SCHEMA_VERSION",
    "SECTION_TITLES",
    "jsonable",
    "load_report_schema",
    "report_to_dict",
    "report_to_json",
]

#: Version of the report layout (``report.schema.json``).
SCHEMA_VERSION = "1.0"

#: Title of every report section.
SECTION_TITLES = {**PROPERTIES, "profiles": "Latent profile analysis"}


def jsonable(value: Any) -> Any:
    """Return ``value`` with numpy and pandas scalars as Python ones and NaN as None."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, pd.DataFrame):
        return table_records(value)
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        number = float(value)
        return None if math.isnan(number) or math.isinf(number) else number
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str | int):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def table_records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Return a DataFrame as a list of JSON-able row mappings (the index is dropped)."""
    frame = table.reset_index(drop=True)
    return [
        {str(column): jsonable(value) for column, value in zip(frame.columns, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


def report_to_dict(report: ValidationReport) -> dict[str, Any]:
    """Return the report as a JSON-able dict, laid out as ``report.schema.json``."""
    from burnoutkit.report._steps import SECTION_KEYS

    sections = {}
    for key in sorted(report.values, key=lambda k: (*SECTION_KEYS, k).index(k)):
        values = report.values[key]
        rest = {k: v for k, v in values.items() if k not in ("status", "message")}
        sections[key] = {
            "title": SECTION_TITLES.get(key, key),
            "status": values.get("status", "computed"),
            "message": values.get("message", ""),
            "values": jsonable(rest),
            "tables": {name: table_records(table)
                       for name, table in report.tables.get(key, {}).items()},
        }
    return {
        "schema": "burnoutkit-validation-report",
        "schema_version": SCHEMA_VERSION,
        "title": f"{report.bank_name} ({report.bank_id} {report.bank_version}): validation "
                 "report",
        "bank": {"id": report.bank_id, "version": report.bank_version,
                 "name": report.bank_name, "n_items": len(report.items)},
        "settings": jsonable(report.settings),
        "thresholds": jsonable(report.thresholds.to_dict()),
        "versions": dict(report.versions),
        "properties": table_records(report.properties),
        "items": table_records(report.items),
        "sections": sections,
        "notes": list(report.notes),
        "timings": jsonable(report.timings),
    }


def report_to_json(report: ValidationReport) -> str:
    """Return the report as JSON text (indented, NaN written as null)."""
    return json.dumps(report_to_dict(report), indent=1, allow_nan=False) + "\n"


def load_report_schema() -> dict[str, Any]:
    """Return the JSON Schema of the report (draft 2020-12).

    Examples
    --------
    >>> from burnoutkit.report._json import load_report_schema
    >>> load_report_schema()["title"]
    'burnoutkit validation report'
    """
    text = (resources.files("burnoutkit.report") / "report.schema.json").read_text(
        encoding="utf-8"
    )
    return json.loads(text)
