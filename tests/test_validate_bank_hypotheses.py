"""The ``hypotheses`` section of the item-bank format: schema, lint, loader, round trip."""

from __future__ import annotations

import copy

import pytest

import burnoutkit as bk
from burnoutkit.banks.model import Hypothesis


@pytest.fixture
def spec() -> dict:
    return bk.load_bank("bai").to_dict()


def _problems(spec: dict) -> list[tuple[str | None, str, str]]:
    table = bk.lint_bank(spec).problems
    return list(zip(table["field"], table["severity"], table["message"], strict=True))


def test_bai_declares_hypotheses_that_load_and_round_trip(spec):
    bank = bk.load_bank("bai")
    assert len(bank.hypotheses) >= 8
    assert {h.expected for h in bank.hypotheses} == {"positive", "negative", "weak"}
    assert all(h.source for h in bank.hypotheses)
    assert bk.ItemBank.from_dict(spec).hypotheses == bank.hypotheses
    assert bk.lint_bank("bai").problems.empty


def test_hypothesis_rule():
    weak = Hypothesis(id="d", scales=("gs", "ls"), expected="weak", max_abs_r=0.5, source="x")
    assert weak.holds(0.3) and weak.holds(-0.49) and not weak.holds(0.6)
    neg = Hypothesis(id="n", scales=("ex", "rr"), expected="negative", min_abs_r=0.2,
                     max_abs_r=0.6, source="x")
    assert neg.holds(-0.3) and not neg.holds(-0.1) and not neg.holds(-0.7)
    assert not neg.holds(float("nan"))
    assert neg.statement() == "r(ex, rr) negative, |r| >= 0.20, |r| <= 0.60"


def _hypothesis(spec: dict, **changes) -> dict:
    spec = copy.deepcopy(spec)
    spec["hypotheses"] = [{"id": "h1", "scales": ["ex", "md"], "expected": "positive",
                           "min_abs_r": 0.3, "source": "theory", **changes}]
    return spec


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"scales": ["ex", "mdd"]}, "hypotheses[h1].scales", "Did you mean 'md'"),
        ({"scales": ["ex", "sensitivity"]}, "hypotheses[h1].scales", "composite: false"),
        ({"scales": ["ex"]}, "hypotheses[h1].scales", "exactly two scores"),
        ({"expected": "strong"}, "hypotheses[h1].expected", "'positive', 'negative', 'weak'"),
        ({"expected": "weak"}, "hypotheses[h1].max_abs_r", "required field 'max_abs_r'"),
        ({"expected": "weak", "max_abs_r": 0.5}, "hypotheses[h1].min_abs_r", "not used"),
        ({"max_abs_r": 0.2}, "hypotheses[h1].max_abs_r", "must be below max_abs_r"),
        ({"min_abs_r": 1.5}, "hypotheses[h1].min_abs_r", "<= 1"),
        ({"source": ""}, "hypotheses[h1].source", "must not be empty"),
        ({"sorce": "x"}, "hypotheses[h1].sorce", "Did you mean 'source'"),
    ],
)
def test_lint_names_the_hypothesis_and_field(spec, changes, field, fragment):
    problems = _problems(_hypothesis(spec, **changes))
    assert any(f == field and s == "error" and fragment in m for f, s, m in problems), problems
    with pytest.raises(bk.BankError, match="hypotheses"):
        bk.ItemBank.from_dict(_hypothesis(spec, **changes))


def test_system_scores_may_be_named(spec):
    bank = bk.ItemBank.from_dict(_hypothesis(spec, scales=["core", "reward"],
                                             expected="negative"))
    assert bank.hypotheses[0].scales == ("core", "reward")


def test_duplicates(spec):
    spec = _hypothesis(spec)
    spec["hypotheses"].append({**spec["hypotheses"][0]})
    problems = _problems(spec)
    assert any(s == "error" and "used more than once" in m for _, s, m in problems)
    spec["hypotheses"][1]["id"] = "h2"
    problems = _problems(spec)
    assert [s for _, s, _ in problems] == ["warning"]
    assert "already the subject of hypothesis 'h1'" in problems[0][2]
