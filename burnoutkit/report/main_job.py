"""The main job: the built-in inventory (BAI) on the shipped reference cohort.

It checks the responses, scores every scale and system, computes reliability per scale and
system and writes a Markdown report, a JSON report and the scores. ``burnoutkit main`` runs it.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from burnoutkit._versions import versions
from burnoutkit.banks import lint_bank, load_bank
from burnoutkit.datasets import load_reference_cohort
from burnoutkit.errors import BurnoutkitWarning
from burnoutkit.reliability import reliability
from burnoutkit.responses import check_responses
from burnoutkit.scoring import score

__all__ = ["run_main_job", "summarize_scores"]


def summarize_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """Describe score columns: n, missing, mean, sd, min, max, skew.

    Examples
    --------
    >>> import pandas as pd
    >>> from burnoutkit.report.main_job import summarize_scores
    >>> summarize_scores(pd.DataFrame({"ex": [1.0, 2.0, None]}))[["score", "n", "n_missing"]]
      score  n  n_missing
    0    ex  2          1
    """
    rows = []
    for column in scores.columns:
        values = scores[column].astype(float)
        rows.append(
            {
                "score": column,
                "n": int(values.notna().sum()),
                "n_missing": int(values.isna().sum()),
                "mean": values.mean(),
                "sd": values.std(ddof=1),
                "min": values.min(),
                "max": values.max(),
                "skew": values.skew(),
            }
        )
    return pd.DataFrame(rows)


def run_main_job(out: Path, *, quiet: bool = False) -> Path:
    """Validate the BAI on the reference cohort; write the report files into ``out``.

    Returns the path of the Markdown report. Files written: ``bai_reference_cohort.md``,
    ``bai_reference_cohort.json`` and ``bai_reference_cohort_scores.csv``.
    """
    out.mkdir(parents=True, exist_ok=True)
    bank = load_bank("bai")
    lint = lint_bank(bank)
    cohort = load_reference_cohort()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", BurnoutkitWarning)
        responses = check_responses(bank, cohort.data, id_column="id")
        scored = score(bank, responses)
        reliable = reliability(bank, responses)
    notes = [str(warning.message) for warning in caught]
    table = scored.scores()
    summary = summarize_scores(table)
    names = {part.id: part.name for part in (*bank.scales, *bank.systems, *bank.derived_scores)}
    names["asymmetry"] = "Asymmetry index: z(loss) - z(gain)"
    summary.insert(1, "name", summary["score"].map(names).fillna(""))

    stem = out / "bai_reference_cohort"
    table.to_csv(stem.with_name(stem.name + "_scores.csv"))
    report: dict[str, Any] = {
        "title": "BAI on the burnoutkit reference cohort",
        "bank": {"id": bank.id, "version": bank.instrument.version, "items": len(bank.items)},
        "lint": {"errors": int(lint.n_errors), "warnings": int(lint.n_warnings)},
        "data": {
            "respondents": int(responses.n_respondents),
            "seed": int(cohort.truth.seed),
            "missing_item_share": float(np.isnan(responses.items.to_numpy()).mean()),
            "problems": {key: int(value) for key, value in responses.problem_counts().items()},
        },
        "scores": summary.to_dict(orient="records"),
        "reliability": _reliability_table(reliable.tidy()).to_dict(orient="records"),
        "notes": notes,
        "versions": versions(),
    }
    json_path = stem.with_suffix(".json")
    json_path.write_text(json.dumps(report, indent=1, default=_jsonable) + "\n", encoding="utf-8")
    markdown = _markdown(report, summary, _reliability_table(reliable.tidy()))
    md_path = stem.with_suffix(".md")
    md_path.write_text(markdown, encoding="utf-8")
    if not quiet:
        print(markdown)
    return md_path


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def _blank_missing(table: pd.DataFrame) -> pd.DataFrame:
    return table.astype(object).where(table.notna(), None)


def _reliability_table(table: pd.DataFrame) -> pd.DataFrame:
    columns = ["kind", "id", "name", "n", "k", "alpha", "alpha_ci_low", "alpha_ci_high"]
    columns += ["omega_total", "omega_h", "lambda6", "average_r", "sem", "flags"]
    return table[columns]


def _markdown(report: dict[str, Any], summary: pd.DataFrame, reliable: pd.DataFrame) -> str:
    data = report["data"]
    lines = [
        f"# {report['title']}",
        "",
        f"Bank: {report['bank']['id']} v{report['bank']['version']} "
        f"({report['bank']['items']} items); lint: {report['lint']['errors']} errors, "
        f"{report['lint']['warnings']} warnings.",
        f"Respondents: {data['respondents']} (cohort seed {data['seed']}); "
        f"missing item responses: {100 * data['missing_item_share']:.1f}%.",
        "",
        "## Scores",
        "",
        summary.to_markdown(index=False, floatfmt=".3f"),
        "",
        "## Reliability",
        "",
        "Alpha with its Feldt 95% interval, omega total (one factor per scale; Schmid-Leiman for "
        "systems, where omega hierarchical needs at least three scales), lambda-6, mean "
        "inter-item correlation and the standard error of measurement.",
        "",
        _blank_missing(reliable).to_markdown(index=False, floatfmt=".3f", missingval="-"),
        "",
        "## Notes",
        "",
        *(f"- {note}" for note in report["notes"] or ["None."]),
        "",
        "## Versions",
        "",
        ", ".join(f"{name} {version}" for name, version in report["versions"].items()),
        "",
    ]
    return "\n".join(lines)
