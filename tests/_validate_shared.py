"""Validation reports shared by the tests of ``bk.validate`` (computed once per session).

``main_report()`` is the main job's report: the BAI on the whole reference cohort with groups
(``form``), the retest file and the three outcomes. ``core_report()`` is a fast report of a
three-scale bank cut from the BAI (the burnout core) on 800 respondents, with every section
switched on, including the profile analysis. ``short_form_bank()`` is the 12-item short form of
notebook 06 (four three-item scales).
"""

from __future__ import annotations

from functools import cache

import burnoutkit as bk
from burnoutkit.datasets import load_reference_cohort
from burnoutkit.report.main_job import main_job_report

OUTCOMES = ["absence_days", "turnover_intention", "wellbeing"]
CORE_N = 800


@cache
def cohort() -> bk.datasets.Cohort:
    return load_reference_cohort()


@cache
def main_report() -> bk.ValidationReport:
    return main_job_report()


def core_bank() -> bk.ItemBank:
    """The BAI's burnout core (ex, md, re) as a bank of its own, with two hypotheses."""
    spec = bk.load_bank("bai").to_dict()
    keep = {"ex", "md", "re"}
    spec["instrument"] = {**spec["instrument"], "id": "bai_core"}
    spec["systems"] = [s for s in spec["systems"] if s["id"] == "core"]
    spec["scales"] = [s for s in spec["scales"] if s["id"] in keep]
    spec["items"] = [i for i in spec["items"] if i["scale"] in keep]
    spec["hypotheses"] = [
        h for h in spec["hypotheses"] if set(h["scales"]) <= keep
    ]
    return bk.ItemBank.from_dict(spec)


def core_data():
    data = cohort().data.head(CORE_N)
    retest = cohort().retest[cohort().retest["id"].isin(data["id"])]
    return data, retest


@cache
def core_report() -> bk.ValidationReport:
    data, retest = core_data()
    return bk.validate(
        core_bank(),
        data,
        id_column="id",
        group="form",
        retest=retest,
        outcomes=OUTCOMES,
        profiles=True,
        n_iter=10,
        random_state=1,
    )


SHORT_FORM = ["ex1", "ex3", "ex5", "md1", "md2", "md3", "re1", "re3", "re4", "er1", "er3", "er5"]


def short_form_bank() -> bk.ItemBank:
    """Three-item scales of the BAI (notebook 06's short form): the smallest identified case."""
    spec = bk.load_bank("bai").to_dict()
    keep = {"ex", "md", "re", "er"}
    spec["instrument"] = {**spec["instrument"], "id": "bai12"}
    spec["scales"] = [s for s in spec["scales"] if s["id"] in keep]
    spec["systems"] = [s for s in spec["systems"]
                       if any(sc["system"] == s["id"] for sc in spec["scales"])]
    spec["items"] = [i for i in spec["items"] if i["id"] in SHORT_FORM]
    spec["hypotheses"] = []
    spec.pop("derived_scores", None)
    return bk.ItemBank.from_dict(spec)
