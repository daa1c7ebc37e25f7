"""Tests of the item-bank format: schema, loader, lint, built-in banks and CFA syntax."""

from __future__ import annotations

import copy
import json
import re
import subprocess
from collections import Counter
from itertools import combinations
from pathlib import Path

import pandas as pd
import pytest
import yaml

import burnoutkit as bk
from burnoutkit.banks import lint_bank
from burnoutkit.banks._schema import load_schema
from burnoutkit.banks.lint import LintResult, collect_errors
from burnoutkit.banks.loader import bank_from_dict

REFERENCE = Path(__file__).parent / "reference"
DOCS = Path(__file__).parent.parent / "docs"
STRUCTURES = ("correlated", "higher_order", "bifactor")
BUILTIN = ["bai", "bat", "bisbas", "cbi", "eri", "olbi"]


# ---------------------------------------------------------------------------- helpers
def small_spec() -> dict:
    """A valid bank with systems, gain/loss pairs, a derived score and an outcome."""
    items = [{"id": f"ex{i}", "scale": "ex", "keyed": 1} for i in (1, 2, 3)]
    items += [{"id": f"md{i}", "scale": "md", "keyed": 1} for i in (1, 2, 3)]
    items[2]["keyed"] = -1
    items += [{"id": f"gs{i}", "scale": "gs", "keyed": 1, "pair": f"ls{i}"} for i in (1, 2, 3)]
    items += [{"id": f"ls{i}", "scale": "ls", "keyed": 1} for i in (1, 2, 3)]
    return {
        "instrument": {
            "id": "demo",
            "name": "Demo inventory",
            "version": "0.1",
            "language": "en",
            "license": "CC0-1.0",
            "citation": "Nobody (2026). Demo inventory.",
        },
        "response_format": {
            "min": 1,
            "max": 5,
            "labels": {1: "Never", 5: "Always"},
            "missing_codes": [-9],
        },
        "scoring": {"method": "mean", "min_share": 0.5},
        "systems": [
            {"id": "core", "name": "Core"},
            {"id": "sensitivity", "name": "Sensitivity", "composite": False},
        ],
        "scales": [
            {"id": "ex", "name": "Exhaustion", "system": "core"},
            {"id": "md", "name": "Mental distance", "system": "core"},
            {"id": "gs", "name": "Gain sensitivity", "system": "sensitivity", "valence": "gain"},
            {"id": "ls", "name": "Loss sensitivity", "system": "sensitivity", "valence": "loss"},
        ],
        "items": items,
        "derived_scores": [
            {
                "id": "ex_md",
                "name": "Ratio",
                "kind": "ratio",
                "numerator": "ex",
                "denominator": "md",
            }
        ],
        "outcomes": [{"id": "absence", "name": "Absence days", "type": "count"}],
    }


def item_entry(spec: dict, item_id: str) -> dict:
    return next(item for item in spec["items"] if item["id"] == item_id)


def scale_entry(spec: dict, scale_id: str) -> dict:
    return next(scale for scale in spec["scales"] if scale["id"] == scale_id)


def write(tmp_path: Path, spec: dict | str, name: str = "bank.yaml") -> Path:
    path = tmp_path / name
    text = spec if isinstance(spec, str) else yaml.safe_dump(spec, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def _matches(column: pd.Series, value: str | None) -> pd.Series:
    return column.isna() if value is None else column == value


def rows_for(result: LintResult, *, item=None, scale=None, field=None) -> pd.DataFrame:
    table = result.problems
    mask = _matches(table["item"], item) & _matches(table["field"], field)
    if scale is not None:
        mask &= table["scale"] == scale
    return table[mask]


def assert_reported(
    tmp_path: Path,
    spec: dict,
    *,
    item: str | None = None,
    scale: str | None = None,
    field: str | None,
    text: str,
    severity: str = "error",
) -> None:
    """The problem is one row of lint_bank(file) and, if an error, named by load_bank's error."""
    path = write(tmp_path, spec)
    result = lint_bank(path)
    rows = rows_for(result, item=item, scale=scale, field=field)
    assert len(rows) >= 1, result.problems.to_string()
    row = rows[rows["message"].str.contains(text, regex=False)]
    assert len(row) == 1, (text, rows.to_string())
    assert row["severity"].iloc[0] == severity
    assert row["file"].iloc[0] == str(path)
    if severity == "error":
        assert not result.ok
        with pytest.raises(bk.BankError) as excinfo:
            bk.load_bank(path)
        message = str(excinfo.value)
        assert str(path) in message
        assert text in message
        if item is not None:
            assert f"item {item!r}" in message
        elif scale is not None:
            assert f"scale {scale!r}" in message
        if field is not None:
            assert f"field {field!r}" in message
    else:
        assert result.ok
        bk.load_bank(path)  # warnings never stop loading


# ---------------------------------------------------------------------------- built-in banks
def test_list_banks_has_all_six():
    assert bk.list_banks() == BUILTIN


@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_bank_loads_and_lints_clean(name):
    bank = bk.load_bank(name)
    assert isinstance(bank, bk.ItemBank)
    result = lint_bank(name)
    assert result.problems.empty, result.problems.to_string()
    assert result.ok and result.n_warnings == 0
    assert result.glance().loc[0, "ok"]


@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_bank_records_coding_and_verification(name):
    bank = bk.load_bank(name)
    assert bank.instrument.citation
    if name != "bai":
        assert "Verified" in bank.instrument.notes
        assert all(item.text is None for item in bank.items), "licensed texts must not ship"


@pytest.mark.parametrize("name", BUILTIN)
def test_to_dict_round_trips(name):
    bank = bk.load_bank(name)
    spec = bank.to_dict()
    assert collect_errors(spec, source=name) == []
    rebuilt = bk.ItemBank.from_dict(spec, source=bank.source)
    assert rebuilt == bank


def _items_per_scale(bank: bk.ItemBank) -> dict[str, int]:
    return dict(Counter(item.scale for item in bank.items))


def test_cbi_key_matches_published():
    """Kristensen, Borritz, Villadsen & Christensen (2005), Work & Stress 19(3):192-207, and the
    English PUMA questionnaire's scoring notes: personal 6, work-related 7, client-related 6
    items; only work-related item 7 (energy for family and friends) is reverse-scored; items are
    scored 0-100 (never/almost never = 0 ... always = 100); at least 3 of 6 personal and 4 of 7
    work-related items must be answered."""
    bank = bk.load_bank("cbi")
    assert _items_per_scale(bank) == {"personal": 6, "work": 7, "client": 6}
    assert bank.reversed_items == ["cbi_w7"]
    assert bank.items_of("work")[6] == "cbi_w7"
    assert (bank.response_format.min, bank.response_format.max) == (1, 5)
    assert bank.scoring.transform_range == (0.0, 100.0)
    assert bank.scoring.method == "mean"
    share = bank.scoring.min_share
    assert 3 / 6 >= share > 2 / 6  # personal and client: 3 answered suffice, 2 do not
    assert 4 / 7 >= share > 3 / 7  # work-related: 4 answered suffice, 3 do not
    assert not bank.systems and not bank.derived_scores  # the CBI has no total score


def test_bat_key_matches_published():
    """Schaufeli, Desart & De Witte (2020), IJERPH 17(24):9495, and the BAT manual v2.0: 23 core
    items, exhaustion 8 (items 1-8), mental distance 5 (9-13), cognitive impairment 5 (14-18),
    emotional impairment 5 (19-23); 1 = never ... 5 = always; no reversed item; scale scores
    and the total score are item means."""
    bank = bk.load_bank("bat")
    assert _items_per_scale(bank) == {
        "exhaustion": 8,
        "mental_distance": 5,
        "cognitive_impairment": 5,
        "emotional_impairment": 5,
    }
    assert len(bank.items) == 23
    assert bank.reversed_items == []
    assert bank.response_format.labels[1] == "Never"
    assert bank.response_format.labels[5] == "Always"
    assert bank.scoring.method == "mean"
    (total,) = bank.derived_scores
    assert total.kind == "item_mean"
    assert set(total.scales) == set(bank.scale_ids)
    assert bank.scales_of("burnout") == bank.scale_ids


def test_olbi_key_matches_published():
    """Demerouti, Bakker, Vardakou & Kantas (2003), Eur J Psychol Assess 19(1):12-23; Halbesleben
    & Demerouti (2005), Work & Stress 19(3):208-220: disengagement = items 1, 3, 6, 7, 9, 11, 13,
    15; exhaustion = items 2, 4, 5, 8, 10, 12, 14, 16; four positively and four negatively worded
    items per scale. Coded 1 = strongly agree ... 4 = strongly disagree, the negatively worded
    items 2, 3, 4, 6, 8, 9, 11, 12 are reversed so that high scores mean burnout."""
    bank = bk.load_bank("olbi")
    number = {f"olbi_{i}": i for i in range(1, 17)}
    assert [number[i] for i in bank.items_of("disengagement")] == [1, 3, 6, 7, 9, 11, 13, 15]
    assert [number[i] for i in bank.items_of("exhaustion")] == [2, 4, 5, 8, 10, 12, 14, 16]
    assert sorted(number[i] for i in bank.reversed_items) == [2, 3, 4, 6, 8, 9, 11, 12]
    for scale in bank.scale_ids:
        keys = [bank.item(i).keyed for i in bank.items_of(scale)]
        assert keys.count(1) == keys.count(-1) == 4
    assert bank.response_format.labels == {
        1: "Strongly agree",
        2: "Agree",
        3: "Disagree",
        4: "Strongly disagree",
    }


def test_eri_key_matches_published():
    """Siegrist, Wege, Pühlhofer & Wahrendorf (2009), Int Arch Occup Environ Health 82(8):
    1005-1013: effort 3 (ERI1-3), reward 7 (ERI4-10), over-commitment 6 (OC1-6) items, coded
    1-4; reward items ERI5-7 and over-commitment item OC3 are reverse-keyed; effort-reward
    ratio E / (R x 3/7)."""
    bank = bk.load_bank("eri")
    assert _items_per_scale(bank) == {"effort": 3, "reward": 7, "overcommitment": 6}
    assert bank.reversed_items == ["eri_5", "eri_6", "eri_7", "eri_oc3"]
    assert (bank.response_format.min, bank.response_format.max) == (1, 4)
    (ratio,) = bank.derived_scores
    assert (ratio.kind, ratio.numerator, ratio.denominator) == ("ratio", "effort", "reward")
    # mean(E) / mean(R) == E / (R * 3/7) for sum scores E (3 items) and R (7 items)
    effort_sum, reward_sum = 9.0, 21.0
    assert (effort_sum / 3) / (reward_sum / 7) == pytest.approx(effort_sum / (reward_sum * 3 / 7))


def test_bisbas_key_matches_published():
    """Carver & White (1994), JPSP 67(2):319-333, and the authors' scoring key: BIS = 2, 8, 13,
    16, 19, 22, 24; BAS Drive = 3, 9, 12, 21; Fun Seeking = 5, 10, 15, 20; Reward
    Responsiveness = 4, 7, 14, 18, 23; items 1, 6, 11, 17 are fillers; coded 1 = very true for
    me ... 4 = very false for me, all items except 2 and 22 are reverse-scored."""
    bank = bk.load_bank("bisbas")
    number = {item: int(item.split("_")[1]) for item in bank.item_ids}
    expected = {
        "bis": [2, 8, 13, 16, 19, 22, 24],
        "bas_drive": [3, 9, 12, 21],
        "bas_fun": [5, 10, 15, 20],
        "bas_reward": [4, 7, 14, 18, 23],
    }
    assert {s: [number[i] for i in bank.items_of(s)] for s in bank.scale_ids} == expected
    assert len(bank.items) == 20
    assert not {1, 6, 11, 17} & set(number.values())  # fillers are not items of the bank
    not_reversed = sorted(number[i] for i in bank.item_ids if i not in bank.reversed_items)
    assert not_reversed == [2, 22]
    assert bank.response_format.labels[1] == "Very true for me"
    assert bank.response_format.labels[4] == "Very false for me"


def test_bai_structure():
    bank = bk.load_bank("bai")
    assert len(bank.items) == 78
    assert len(bank.pairs) == 6
    assert bank.pairs[0] == ("gs1", "ls1")


# ---------------------------------------------------------------------------- schema
def test_schema_in_docs_is_identical_to_packaged_schema():
    packaged = Path(bk.__file__).parent / "banks" / "bank.schema.json"
    assert (DOCS / "bank.schema.json").read_bytes() == packaged.read_bytes()


def test_schema_is_valid_draft_2020_12():
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_small_spec_is_valid(tmp_path):
    bank = bk.load_bank(write(tmp_path, small_spec()))
    assert lint_bank(bank).problems.empty
    assert bank.pairs == [("gs1", "ls1"), ("gs2", "ls2"), ("gs3", "ls3")]
    assert bank.reversed_items == ["ex3"]


def test_schema_misspelt_item_field(tmp_path):
    spec = small_spec()
    entry = item_entry(spec, "ex2")
    entry["sacle"] = entry.pop("scale")
    assert_reported(tmp_path, spec, item="ex2", field="sacle", text="Did you mean 'scale'?")
    assert_reported(tmp_path, spec, item="ex2", field="scale", text="required field 'scale'")


def test_schema_misspelt_top_level_field(tmp_path):
    spec = small_spec()
    spec["outcome"] = spec.pop("outcomes")
    assert_reported(tmp_path, spec, field="outcome", text="Did you mean 'outcomes'?")


def test_schema_wrong_type(tmp_path):
    spec = small_spec()
    spec["scoring"]["min_share"] = "half"
    assert_reported(tmp_path, spec, field="scoring.min_share", text="must be a number")


def test_schema_version_must_be_quoted(tmp_path):
    spec = small_spec()
    spec["instrument"]["version"] = 1.0
    assert_reported(tmp_path, spec, field="instrument.version", text="quote it in YAML")


def test_schema_invalid_id(tmp_path):
    spec = small_spec()
    item_entry(spec, "ex1")["id"] = "ex 1"
    assert_reported(tmp_path, spec, item="ex 1", field="id", text="is not a valid id")


def test_schema_min_share_out_of_range(tmp_path):
    spec = small_spec()
    spec["scoring"]["min_share"] = 0
    assert_reported(tmp_path, spec, field="scoring.min_share", text="must be > 0")


def test_schema_unknown_derived_kind(tmp_path):
    spec = small_spec()
    spec["derived_scores"][0]["kind"] = "difference"
    assert_reported(
        tmp_path, spec, field="derived_scores[ex_md].kind", text="must be one of 'ratio'"
    )


def test_schema_label_code_not_a_number(tmp_path):
    spec = small_spec()
    spec["response_format"]["labels"]["high"] = "Always"
    assert_reported(tmp_path, spec, field="response_format.labels.high", text="not a whole-number")


# ---------------------------------------------------------------------------- cross-references
def test_duplicate_item_ids(tmp_path):
    spec = small_spec()
    item_entry(spec, "md1")["id"] = "ex1"
    assert_reported(tmp_path, spec, item="ex1", field="id", text="is used 2 times")


def test_duplicate_scale_ids(tmp_path):
    spec = small_spec()
    spec["scales"].append({"id": "ex", "name": "Exhaustion again"})
    assert_reported(tmp_path, spec, scale="ex", field="id", text="is used 2 times")


def test_id_shared_by_item_and_scale(tmp_path):
    spec = small_spec()
    item_entry(spec, "ex1")["id"] = "md"
    assert_reported(tmp_path, spec, item="md", field="id", text="is used for an item and a scale")


def test_item_with_unknown_scale(tmp_path):
    spec = small_spec()
    item_entry(spec, "ex2")["scale"] = "exh"
    assert_reported(
        tmp_path, spec, item="ex2", scale="exh", field="scale", text="Did you mean 'ex'?"
    )


def test_scale_with_unknown_system(tmp_path):
    spec = small_spec()
    scale_entry(spec, "md")["system"] = "cor"
    assert_reported(tmp_path, spec, scale="md", field="system", text="system 'cor' is not declared")


@pytest.mark.parametrize("keyed", [2, 0, "-1", "+1", True])
def test_keyed_not_plus_or_minus_one(tmp_path, keyed):
    spec = small_spec()
    item_entry(spec, "md2")["keyed"] = keyed
    assert_reported(tmp_path, spec, item="md2", field="keyed", text="must be +1 or -1")


def test_gain_pair_does_not_exist(tmp_path):
    spec = small_spec()
    item_entry(spec, "gs2")["pair"] = "ls9"
    assert_reported(
        tmp_path, spec, item="gs2", field="pair", text="pair 'ls9' is not an item of this bank"
    )


def test_gain_pair_not_in_loss_scale(tmp_path):
    spec = small_spec()
    item_entry(spec, "gs2")["pair"] = "md2"
    assert_reported(
        tmp_path, spec, item="gs2", field="pair", text="must be an item of a scale with valence"
    )


def test_loss_item_claimed_by_two_gain_items(tmp_path):
    spec = small_spec()
    item_entry(spec, "gs3")["pair"] = "ls2"
    assert_reported(
        tmp_path, spec, item="gs3", field="pair", text="already the pair of gain item 'gs2'"
    )


def test_unpaired_loss_item_is_a_warning(tmp_path):
    spec = small_spec()
    spec["items"].append({"id": "ls4", "scale": "ls", "keyed": 1})
    assert_reported(
        tmp_path,
        spec,
        item="ls4",
        field="pair",
        text="not matched to any gain item",
        severity="warning",
    )


def test_unpaired_gain_item_is_a_warning(tmp_path):
    spec = small_spec()
    spec["items"].append({"id": "gs4", "scale": "gs", "keyed": 1})
    assert_reported(
        tmp_path, spec, item="gs4", field="pair", text="has no pair", severity="warning"
    )


def test_pairs_without_valence_scales_are_fine_when_absent(tmp_path):
    spec = small_spec()
    for item in spec["items"]:
        item.pop("pair", None)
    result = lint_bank(write(tmp_path, spec))
    assert result.problems.empty  # no pairs at all: unpaired valence items are not flagged


def test_pair_on_loss_item_must_point_back(tmp_path):
    spec = small_spec()
    item_entry(spec, "ls1")["pair"] = "gs2"
    assert_reported(
        tmp_path, spec, item="ls1", field="pair", text="is paired with 'ls2', not with 'ls1'"
    )


def test_pair_on_loss_item_mirroring_gain_item_is_fine(tmp_path):
    spec = small_spec()
    item_entry(spec, "ls1")["pair"] = "gs1"
    assert lint_bank(write(tmp_path, spec)).problems.empty


def test_pair_on_loss_item_alone_is_an_error(tmp_path):
    spec = small_spec()
    del item_entry(spec, "gs1")["pair"]
    item_entry(spec, "ls1")["pair"] = "gs1"
    assert_reported(tmp_path, spec, item="ls1", field="pair", text="add 'pair: ls1' to item 'gs1'")


def test_pair_on_item_without_valence(tmp_path):
    spec = small_spec()
    item_entry(spec, "ex1")["pair"] = "ls1"
    assert_reported(tmp_path, spec, item="ex1", field="pair", text="no valence")


def test_labels_outside_response_range(tmp_path):
    spec = small_spec()
    spec["response_format"]["labels"][6] = "Constantly"
    assert_reported(tmp_path, spec, field="response_format.labels", text="label code 6 is outside")


def test_min_not_below_max(tmp_path):
    spec = small_spec()
    spec["response_format"]["min"] = 5
    assert_reported(
        tmp_path, spec, field="response_format.max", text="must be greater than min (5)"
    )


def test_missing_code_inside_response_range(tmp_path):
    spec = small_spec()
    spec["response_format"]["missing_codes"] = [-9, 3]
    assert_reported(
        tmp_path, spec, field="response_format.missing_codes", text="missing code 3 lies inside"
    )


def test_derived_score_with_unknown_scale(tmp_path):
    spec = small_spec()
    spec["derived_scores"][0]["denominator"] = "mdd"
    assert_reported(
        tmp_path,
        spec,
        field="derived_scores[ex_md].denominator",
        text="scale 'mdd' is not declared",
    )


def test_derived_item_mean_with_unknown_scale(tmp_path):
    spec = small_spec()
    spec["derived_scores"].append(
        {"id": "total", "name": "Total", "kind": "item_mean", "scales": ["ex", "mx"]}
    )
    assert_reported(
        tmp_path, spec, field="derived_scores[total].scales", text="scale 'mx' is not declared"
    )


def test_scale_with_fewer_than_three_items_is_a_warning(tmp_path):
    spec = small_spec()
    spec["items"] = [item for item in spec["items"] if item["id"] != "md3"]
    assert_reported(
        tmp_path, spec, scale="md", field=None, text="has only 2 item(s)", severity="warning"
    )


def test_scale_with_no_items(tmp_path):
    spec = small_spec()
    spec["scales"].append({"id": "re", "name": "Reduced efficacy", "system": "core"})
    assert_reported(tmp_path, spec, scale="re", field=None, text="scale 're' has no items")


def test_system_without_scales_is_a_warning(tmp_path):
    spec = small_spec()
    spec["systems"].append({"id": "identity", "name": "Identity"})
    assert_reported(
        tmp_path, spec, field="systems[identity]", text="has no scales", severity="warning"
    )


def test_reversed_transform_range(tmp_path):
    spec = small_spec()
    spec["scoring"]["transform"] = {"range": [100, 0]}
    assert_reported(tmp_path, spec, field="scoring.transform.range", text="low < high")


def test_every_problem_is_reported_at_once(tmp_path):
    spec = small_spec()
    item_entry(spec, "ex1")["keyed"] = 3
    item_entry(spec, "md1")["scale"] = "nope"
    spec["response_format"]["missing_codes"] = [2]
    del spec["instrument"]["citation"]
    path = write(tmp_path, spec)
    with pytest.raises(bk.BankError, match=r"has 4 problem\(s\)") as excinfo:
        bk.load_bank(path)
    for fragment in ("'ex1'", "'md1'", "missing code 2", "'citation'"):
        assert fragment in str(excinfo.value)
    assert lint_bank(path).n_errors == 4


# ---------------------------------------------------------------------------- files and inputs
def test_missing_file(tmp_path):
    path = tmp_path / "nothere.yaml"
    with pytest.raises(bk.BankError, match="does not exist"):
        bk.load_bank(path)
    result = lint_bank(path)
    assert not result.ok
    assert result.problems.loc[0, "severity"] == "error"
    assert "does not exist" in result.problems.loc[0, "message"]


def test_unknown_builtin_name():
    with pytest.raises(bk.BankError, match="no built-in item bank called 'mbi'"):
        bk.load_bank("mbi")
    assert "no built-in item bank" in lint_bank("mbi").problems.loc[0, "message"]


def test_unparseable_yaml(tmp_path):
    path = write(tmp_path, "instrument: {id: demo\nitems: [\n")
    with pytest.raises(bk.BankError, match="not valid YAML"):
        bk.load_bank(path)
    result = lint_bank(path)
    assert not result.ok and "not valid YAML" in result.problems.loc[0, "message"]


def test_yaml_that_is_not_a_mapping(tmp_path):
    path = write(tmp_path, "- just\n- a list\n")
    with pytest.raises(bk.BankError, match="must hold a YAML mapping"):
        bk.load_bank(path)
    assert not lint_bank(path).ok


def test_lint_accepts_bank_dict_and_rejects_other_types():
    bank = bk.load_bank("cbi")
    assert lint_bank(bank).ok
    assert lint_bank(bank.to_dict()).ok
    assert lint_bank(bank.to_dict()).source == "<dict>"
    with pytest.raises(TypeError, match="lint_bank takes"):
        lint_bank(42)


def test_collect_errors_on_non_mapping():
    (message,) = collect_errors(["not", "a", "bank"], source="x.yaml")
    assert message.startswith("x.yaml: the bank must be a mapping")


def test_lint_result_tables():
    result = lint_bank("olbi")
    assert list(result.tidy().columns) == ["file", "item", "scale", "field", "severity", "message"]
    assert list(result.glance().columns) == ["source", "n_errors", "n_warnings", "ok"]
    assert repr(result).startswith("<LintResult source=")
    assert "LintResult" in result._repr_html_()
    spec = small_spec()
    item_entry(spec, "ex1")["keyed"] = 5
    (line,) = lint_bank(spec).messages()
    assert line == (
        "error: <dict>: item 'ex1', field 'keyed': must be +1 or -1 (-1 marks a reverse-keyed "
        "item); found 5."
    )


def test_inputs_are_not_mutated(tmp_path):
    spec = small_spec()
    spec["response_format"]["labels"] = {1: "Never", 5: "Always"}
    before = copy.deepcopy(spec)
    bank = bank_from_dict(spec)
    lint_bank(spec)
    assert spec == before
    bad = copy.deepcopy(spec)
    item_entry(bad, "ex1")["keyed"] = 7
    bad_before = copy.deepcopy(bad)
    with pytest.raises(bk.BankError):
        bank_from_dict(bad)
    lint_bank(bad)
    assert bad == bad_before
    scales = ["md", "ex"]
    bank.to_lavaan("correlated", scales=scales)
    assert scales == ["md", "ex"]
    bank.to_dict()["items"].clear()
    assert len(bank.items) == 12


# ---------------------------------------------------------------------------- lavaan syntax
def _logical_lines(syntax: str) -> list[str]:
    """Model lines without comments, continuation lines (ending in '+') joined."""
    lines, current = [], ""
    for raw in syntax.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        current = f"{current} {line}".strip()
        if not current.endswith("+"):
            lines.append(current)
            current = ""
    assert not current, "dangling continuation"
    return lines


def _term(text: str) -> tuple[str, str | None]:
    """'NA*x' -> ('x', 'NA'); 'x' -> ('x', None)."""
    modifier, _, name = text.strip().rpartition("*")
    return name, modifier or None


def count_parameters(syntax: str) -> dict[str, int]:
    """Count parameters the way lavaan::cfa() sets up the model (markers fixed to 1, residual
    and latent variances free, exogenous latent covariances free unless fixed)."""
    loadings: dict[tuple[str, str], dict] = {}
    first: dict[str, str] = {}
    fixed_cov: dict[frozenset, float] = {}
    fixed_var: dict[str, float] = {}
    labels: dict[str, list] = {}
    for line in _logical_lines(syntax):
        op = "=~" if "=~" in line else "~~"
        lhs, rhs = (part.strip() for part in line.split(op, 1))
        for text in rhs.split("+"):
            name, modifier = _term(text)
            if op == "=~":
                first.setdefault(lhs, name)
                entry = loadings.setdefault((lhs, name), {"free": None, "label": None})
                if modifier == "NA":
                    entry["free"] = True
                elif modifier is not None and re.fullmatch(r"-?[0-9.]+", modifier):
                    entry["free"] = False
                elif modifier is not None:
                    entry["label"] = modifier
            elif name == lhs:
                fixed_var[lhs] = float(modifier)
            else:
                fixed_cov[frozenset((lhs, name))] = float(modifier)
    latent = list(first)
    observed = sorted({rhs for (_, rhs) in loadings if rhs not in latent})
    n_loadings = 0
    for (lhs, rhs), entry in loadings.items():
        free = entry["free"] if entry["free"] is not None else rhs != first[lhs]
        n_loadings += free
        if free and entry["label"]:
            labels.setdefault(entry["label"], []).append((lhs, rhs))
    endogenous = {rhs for (_, rhs) in loadings if rhs in latent}
    exogenous = [f for f in latent if f not in endogenous]
    pairs = [frozenset(p) for p in combinations(exogenous, 2)]
    n_cov = sum(1 for p in pairs if p not in fixed_cov)
    n_var = len(observed) + sum(1 for f in latent if f not in fixed_var)
    return {
        "n_free": n_loadings + n_var + n_cov,
        "n_equality_constraints": sum(len(group) - 1 for group in labels.values()),
        "n_free_loadings": n_loadings,
        "n_free_variances": n_var,
        "n_free_covariances": n_cov,
        "n_fixed_zero_covariances": sum(1 for value in fixed_cov.values() if value == 0),
        "n_latent": len(latent),
        "n_observed": len(observed),
    }


@pytest.mark.parametrize("structure", STRUCTURES)
def test_bai_emits_the_reference_syntax(bai, structure):
    expected = (REFERENCE / "bai_models" / f"{structure}.lav").read_text(encoding="utf-8")
    assert bai.to_lavaan(structure) == expected


@pytest.mark.parametrize("structure", STRUCTURES)
def test_bai_parameter_counts_match_lavaan(bai, structure):
    """R: lavaan::lavaanify(model, model.type = "cfa", <cfa() defaults>) on
    tests/reference/bai_models/<structure>.lav (tests/reference/bank_lavaan_syntax.R)."""
    reference = json.loads((REFERENCE / "bank_lavaan_syntax.json").read_text())
    assert count_parameters(bai.to_lavaan(structure)) == reference["models"][structure]


def test_bai_parameter_counts_by_hand(bai):
    """16 scales, 78 items, 7 systems (2 with three scales, 5 with two)."""
    correlated = count_parameters(bai.to_lavaan())
    assert correlated["n_free"] == (78 - 16) + 78 + 16 + 16 * 15 // 2
    higher = count_parameters(bai.to_lavaan("higher_order"))
    assert higher["n_free"] - higher["n_equality_constraints"] == (
        (78 - 16) + 78 + 16 + 2 * 2 + 5 * 1 + 2 + 7 * 6 // 2
    )
    bifactor = count_parameters(bai.to_lavaan("bifactor"))
    assert bifactor["n_free"] == (78 - 1) + (78 - 16) + 78 + 17
    assert bifactor["n_fixed_zero_covariances"] == 17 * 16 // 2


@pytest.mark.r
def test_lavaan_reference_script_reproduces_counts(tmp_path):
    """Re-runs tests/reference/bank_lavaan_syntax.R: lavaan parses the stored BAI models and every
    built-in bank's three models, and its counts equal the stored ones and count_parameters."""
    root = Path(__file__).parent.parent
    script = REFERENCE / "bank_lavaan_syntax.R"
    out = tmp_path / "bai.json"
    subprocess.run(["Rscript", str(script), str(out)], cwd=root, check=True, timeout=300)
    stored = json.loads((REFERENCE / "bank_lavaan_syntax.json").read_text())
    assert json.loads(out.read_text())["models"] == stored["models"]

    models = tmp_path / "models"
    models.mkdir()
    syntax = {}
    for name in BUILTIN:
        bank = bk.load_bank(name)
        for structure in STRUCTURES:
            text = bank.to_lavaan(structure)
            syntax[f"{name}__{structure}"] = text
            (models / f"{name}__{structure}.lav").write_text(text, encoding="utf-8")
    out_all = tmp_path / "all.json"
    subprocess.run(
        ["Rscript", str(script), str(out_all), str(models)], cwd=root, check=True, timeout=300
    )
    counted = json.loads(out_all.read_text())["models"]
    assert set(counted) == set(syntax)
    for key, text in syntax.items():
        assert count_parameters(text) == counted[key], key


def test_correlated_model_lines(bai):
    lines = _logical_lines(bai.to_lavaan())
    assert lines[0] == "ex =~ ex1 + ex2 + ex3 + ex4 + ex5"
    assert len(lines) == 16
    assert not any("~~" in line for line in lines)


def test_marker_is_first_positively_keyed_item():
    olbi = bk.load_bank("olbi")
    lines = _logical_lines(olbi.to_lavaan())
    assert lines[1].startswith("exhaustion =~ olbi_5 + olbi_2 + olbi_4")  # olbi_2 is reversed
    bisbas = bk.load_bank("bisbas")
    drive = next(line for line in _logical_lines(bisbas.to_lavaan()) if line.startswith("bas_d"))
    assert drive == "bas_drive =~ bisbas_3 + bisbas_9 + bisbas_12 + bisbas_21"  # all reversed


def test_higher_order_two_scale_system_uses_equal_loadings(bai):
    lines = _logical_lines(bai.to_lavaan("higher_order"))
    assert "core =~ ex + md + re" in lines
    assert "reward =~ NA*ar + eq_reward*ar + eq_reward*rr" in lines
    assert "reward ~~ 1*reward" in lines


def test_higher_order_subset_changes_system_treatment(bai):
    lines = _logical_lines(bai.to_lavaan("higher_order", scales=["ex", "md", "ar", "gs", "ls"]))
    assert "core =~ NA*ex + eq_core*ex + eq_core*md" in lines  # core: 2 of its 3 scales
    assert not any(line.startswith("reward =~") for line in lines)  # 1 scale: first-order only
    assert "sensitivity =~ NA*gs + eq_sensitivity*gs + eq_sensitivity*ls" in lines


def test_higher_order_without_systems_is_first_order():
    cbi = bk.load_bank("cbi")
    assert _logical_lines(cbi.to_lavaan("higher_order")) == _logical_lines(cbi.to_lavaan())


def test_bifactor_is_orthogonal():
    bat = bk.load_bank("bat")
    lines = _logical_lines(bat.to_lavaan("bifactor"))
    general = next(line for line in lines if line.startswith("g =~"))
    assert general.count("+") == 22
    factors = ["g", *bat.scale_ids]
    fixed = {
        frozenset((line.split(" ~~ ")[0], term.split("*")[1]))
        for line in lines
        if " ~~ " in line
        for term in line.split(" ~~ ")[1].split(" + ")
        if term.startswith("0*")
    }
    assert fixed == {frozenset(p) for p in combinations(factors, 2)}


def test_scales_subset_keeps_bank_order(bai):
    lines = _logical_lines(bai.to_lavaan(scales=["rr", "ex"]))
    assert [line.split(" =~ ")[0] for line in lines] == ["ex", "rr"]


def test_to_lavaan_rejects_bad_arguments(bai):
    with pytest.raises(ValueError, match=r"'structure' parameter .* got 'hierarchical'"):
        bai.to_lavaan("hierarchical")
    with pytest.raises(bk.BankError, match="Did you mean 'ex' for 'exx'"):
        bai.to_lavaan(scales=["exx"])
    with pytest.raises(ValueError, match="at least one scale"):
        bai.to_lavaan(scales=[])
    with pytest.raises(ValueError, match="repeats"):
        bai.to_lavaan(scales=["ex", "ex"])
    with pytest.raises(bk.BankError, match="at least two specific factors"):
        bai.to_lavaan("bifactor", scales=["ex"])


def test_bifactor_rejects_tiny_specific_factor(tmp_path):
    spec = small_spec()
    spec["items"] = [i for i in spec["items"] if i["id"] not in ("md2", "md3")]
    bank = bk.load_bank(write(tmp_path, spec))
    with pytest.raises(bk.BankError, match=r"Scales \['md'\] .* fewer than two items"):
        bank.to_lavaan("bifactor")


@pytest.mark.parametrize("name", BUILTIN)
@pytest.mark.parametrize("structure", STRUCTURES)
def test_every_builtin_bank_emits_every_structure(name, structure):
    bank = bk.load_bank(name)
    syntax = bank.to_lavaan(structure)
    counts = count_parameters(syntax)
    assert counts["n_observed"] == len(bank.items)
    assert syntax == bank.to_lavaan(structure)  # deterministic
