"""The main job: the built-in inventory (BAI) validated on the shipped reference cohort.

:func:`run_main_job` calls :func:`burnoutkit.validate` with the cohort's language versions
(``form``) as groups, its retest file and its three outcomes, and writes the report as HTML,
Markdown and JSON, with the scores. ``burnoutkit main`` runs it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from burnoutkit.banks import load_bank
from burnoutkit.datasets import load_reference_cohort
from burnoutkit.report.validate import ValidationReport, validate

__all__ = ["MAIN_JOB_OUTCOMES", "main_job_report", "run_main_job", "summarize_scores"]

#: The reference cohort's outcome columns, used for criterion validity.
MAIN_JOB_OUTCOMES = ("absence_days", "turnover_intention", "wellbeing")


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


def main_job_report(*, progress: bool = False, random_state: int = 0) -> ValidationReport:
    """Return the validation report of the BAI on the reference cohort (the main job's).

    Groups: the language version of the form (``form``); retest: the cohort's retest file;
    outcomes: :data:`MAIN_JOB_OUTCOMES`; every other setting at its default.
    """
    cohort = load_reference_cohort()
    return validate(
        load_bank("bai"),
        cohort.data,
        id_column="id",
        group="form",
        retest=cohort.retest,
        outcomes=list(MAIN_JOB_OUTCOMES),
        progress=progress,
        random_state=random_state,
    )


def run_main_job(out: Path, *, quiet: bool = False) -> Path:
    """Validate the BAI on the reference cohort; write the report files into ``out``.

    Files written: ``bai_reference_cohort.html`` (the self-contained report),
    ``bai_reference_cohort.md``, ``bai_reference_cohort.json`` and
    ``bai_reference_cohort_scores.csv`` (every scale, system and derived score per
    respondent). Returns the path of the HTML report.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    report = main_job_report(progress=not quiet)
    stem = out / "bai_reference_cohort"
    html_path = stem.with_suffix(".html")
    report.to_html(html_path)
    report.to_markdown(stem.with_suffix(".md"))
    report.to_json(stem.with_suffix(".json"))
    report.sections["scores"].scores().to_csv(stem.with_name(stem.name + "_scores.csv"))
    if not quiet:
        table = report.properties[["property", "rating", "finding"]]
        print(table.to_string(index=False, max_colwidth=90))
        recs = report.items["recommendation"].value_counts()
        print(
            f"Items: {recs.get('keep', 0)} keep, {recs.get('revise', 0)} revise, "
            f"{recs.get('drop', 0)} drop."
        )
    return html_path
