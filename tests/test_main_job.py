"""The main job writes the validation report of the BAI on the reference cohort."""

from __future__ import annotations

import json

import _validate_shared as shared
import pandas as pd
import pytest

from burnoutkit.report import main_job

pytestmark = pytest.mark.slow


def test_run_main_job_writes_the_report(tmp_path, monkeypatch, capsys):
    # the report itself is the shared one (the same call as main_job_report()); this test
    # checks what run_main_job does with it
    monkeypatch.setattr(main_job, "main_job_report", lambda **_: shared.main_report())
    path = main_job.run_main_job(tmp_path / "reports", quiet=False)
    assert path == tmp_path / "reports" / "bai_reference_cohort.html"
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    document = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert document["bank"]["id"] == "bai"
    assert document["settings"]["group"] == "form"
    assert document["settings"]["outcomes"] == list(main_job.MAIN_JOB_OUTCOMES)
    assert path.with_suffix(".md").read_text(encoding="utf-8").startswith("# Burnout")
    scores = pd.read_csv(path.with_name("bai_reference_cohort_scores.csv"), index_col=0)
    assert len(scores) == 3000 and {"ex", "core", "asymmetry"} <= set(scores.columns)
    out = capsys.readouterr().out
    assert "Structural validity" in out and "Items:" in out


def test_main_job_report_uses_the_cohort_settings():
    report = shared.main_report()
    s = report.settings
    assert (s["group"], s["retest"], s["id_column"]) == ("form", True, "id")
    assert s["outcomes"] == list(main_job.MAIN_JOB_OUTCOMES)
    assert report.values["reliability"]["n_matched"] == len(shared.cohort().retest)
