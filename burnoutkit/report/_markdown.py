"""The Markdown form of a validation report (formatted from :func:`report_to_dict`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from burnoutkit.report._format import TABLE_TITLES, cell
from burnoutkit.report._json import report_to_dict

if TYPE_CHECKING:
    from burnoutkit.report.validate import ValidationReport

__all__ = ["records_to_markdown", "report_to_markdown"]

_ITEM_COLUMNS = ["item", "scale", "loading", "cross_loading", "item_rest_r", "missing_share",
                 "floor", "ceiling", "noninvariant", "recommendation", "evidence"]


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def records_to_markdown(records: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    """Return a list of row mappings as a Markdown (GitHub) table."""
    if not records:
        return "_(no rows)_"
    columns = columns or list(records[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    for row in records:
        lines.append("| " + " | ".join(_escape(cell(c, row.get(c))) for c in columns) + " |")
    return "\n".join(lines)


def report_to_markdown(report: ValidationReport) -> str:
    """Return the report as a Markdown document."""
    d = report_to_dict(report)
    dq = d["sections"].get("data_quality", {}).get("values", {})
    s = d["settings"]
    lines = [
        f"# {d['title']}",
        "",
        f"Respondents: {dq.get('n_respondents', '?')} ({dq.get('n_analysed', '?')} analysed). "
        f"Estimator: {s['estimator_used']} (requested: {s['estimator']}); missing data: "
        f"{s['missing']}; seed: {s['random_state']}.",
        "",
        f"Why this estimator: {s.get('estimator_reason', '')}",
        "",
        "## Measurement properties (COSMIN)",
        "",
        "Ratings by the COSMIN criteria for good measurement properties (Prinsen et al., 2018): "
        "+ sufficient, - insufficient, ? indeterminate.",
        "",
        records_to_markdown(d["properties"], ["property", "rating", "finding", "evidence"]),
        "",
        "## Items",
        "",
    ]
    counts = {r: sum(1 for row in d["items"] if row["recommendation"] == r)
              for r in ("keep", "revise", "drop")}
    lines += [
        f"{counts['keep']} keep, {counts['revise']} revise, {counts['drop']} drop.",
        "",
        records_to_markdown(d["items"], _ITEM_COLUMNS),
        "",
    ]
    ratings = {row["key"]: row for row in d["properties"]}
    for key, section in d["sections"].items():
        lines += [f"## {section['title']}", ""]
        if key in ratings:
            row = ratings[key]
            lines += [f"**Rating: {row['rating']}.** {row['finding']}", ""]
            if row["evidence"]:
                lines += [f"Evidence: {row['evidence']}.", ""]
            lines += [f"Criterion: {row['criterion']}.", ""]
        if section["status"] != "computed":
            lines += [f"_{section['status'].capitalize()}: {section['message']}_", ""]
        for name, records in section["tables"].items():
            lines += [f"### {TABLE_TITLES.get(name, name)}", "", records_to_markdown(records), ""]
    lines += ["## Notes", ""]
    lines += [f"- {_escape(note)}" for note in d["notes"]] or ["None."]
    lines += ["", "## Settings", ""]
    lines += [f"- {k}: {v}" for k, v in d["settings"].items()]
    lines += ["", "## Thresholds", ""]
    lines += [f"- {k}: {v}" for k, v in d["thresholds"].items()]
    lines += ["", "## Versions", ""]
    lines += [", ".join(f"{k} {v}" for k, v in d["versions"].items()), ""]
    return "\n".join(lines)
