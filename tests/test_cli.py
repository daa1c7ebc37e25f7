"""The command line: results on good input, exit code 2 and a named problem on bad input."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import burnoutkit as bk
from burnoutkit.cli import EXIT_BAD_INPUT, EXIT_OK, build_parser, main
from burnoutkit.datasets import load_reference_cohort

COMMANDS = ["banks", "lint", "score", "screen", "validate", "simulate", "main"]
HOWTO = (
    Path(__file__).resolve().parent.parent / "docs" / "how-to" / "validate-from-the-command-line.md"
)


@pytest.fixture
def bai_csv(tmp_path, bai):
    rng = np.random.default_rng(1)
    data = pd.DataFrame(rng.integers(1, 6, size=(12, len(bai.items))), columns=bai.item_ids)
    data.insert(0, "id", [f"r{i}" for i in range(12)])
    path = tmp_path / "answers.csv"
    data.to_csv(path, index=False)
    return path, data


@pytest.fixture(scope="module")
def cohort_files(tmp_path_factory):
    """400 respondents of the reference cohort and the retest of those among them, as CSV."""
    cohort = load_reference_cohort()
    folder = tmp_path_factory.mktemp("cohort")
    data = cohort.data.head(400)
    retest = cohort.retest[cohort.retest["id"].isin(data["id"])]
    data.to_csv(folder / "cohort.csv", index=False)
    retest.to_csv(folder / "retest.csv", index=False)
    return folder / "cohort.csv", folder / "retest.csv", data


def _err(capsys) -> str:
    captured = capsys.readouterr()
    return captured.err


def _assert_one_problem(err: str, *names: str) -> None:
    """One error line naming every culprit, no traceback."""
    assert "Traceback" not in err
    first = [line for line in err.splitlines() if "error:" in line]
    assert len(first) == 1, err
    for name in names:
        assert name in err, f"{name!r} not named in: {err}"


# ---------------------------------------------------------------------------------------------
# existing commands


def test_banks_lists_every_builtin_bank(capsys):
    assert main(["banks"]) == EXIT_OK
    out = capsys.readouterr().out
    for name in bk.list_banks():
        assert name in out


def test_score_writes_one_row_per_respondent(bai_csv, tmp_path):
    path, data = bai_csv
    out = tmp_path / "scores.csv"
    assert main(["--quiet", "score", "bai", str(path), "--id-column", "id", "--out", str(out)]) == 0
    scores = pd.read_csv(out, index_col=0)
    assert list(scores.index) == list(data["id"])
    assert "ex" in scores.columns and "asymmetry" in scores.columns


def test_quiet_is_accepted_after_the_command(bai_csv, tmp_path, capsys):
    path, _ = bai_csv
    out = tmp_path / "scores.csv"
    code = main(["score", "bai", str(path), "--id-column", "id", "--out", str(out), "--quiet"])
    assert code == EXIT_OK
    assert capsys.readouterr().out == ""
    assert out.is_file()


def test_score_on_problem_missing_keeps_every_row_and_warns_once_per_line(
    bai_csv, tmp_path, capsys
):
    _, data = bai_csv
    bad = data.assign(ex2=data["ex2"].astype(object))
    bad.loc[3, "ex2"] = "often"
    path = tmp_path / "bad.csv"
    bad.to_csv(path, index=False)
    out = tmp_path / "scores.csv"
    code = main(
        [
            "score",
            "bai",
            str(path),
            "--id-column",
            "id",
            "--on-problem",
            "missing",
            "--out",
            str(out),
        ]
    )
    assert code == EXIT_OK
    assert len(pd.read_csv(out)) == len(data)
    err = capsys.readouterr().err
    assert "burnoutkit score: warning:" in err


def test_lint_clean_bank_exits_zero(capsys):
    assert main(["lint", "bai"]) == EXIT_OK
    assert "no problems" in capsys.readouterr().out


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == EXIT_BAD_INPUT
    assert "usage" in capsys.readouterr().out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_examples(command, capsys):
    assert main([command, "--help"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "examples:" in out
    assert f"burnoutkit {command}" in out


def _documented_commands() -> list[list[str]]:
    """Every ``$ burnoutkit ...`` command of the how-to guide, as argument lists."""
    text = HOWTO.read_text(encoding="utf-8").replace("\\\n", " ")
    commands = []
    for line in re.findall(r"^\$ (burnoutkit .*)$", text, flags=re.MULTILINE):
        for part in line.split("&&"):
            words = shlex.split(part.split(">")[0])
            assert words[0] == "burnoutkit"
            commands.append(words[1:])
    return commands


def test_the_how_to_guide_uses_only_existing_options():
    commands = _documented_commands()
    assert {words[0] for words in commands} >= {"lint", "screen", "validate", "simulate"}
    parser = build_parser()
    for words in commands:
        parser.parse_args(words)  # exits (a failure here) on an unknown command or option


def test_unknown_option_exits_2(capsys):
    assert main(["validate", "bai", "x.csv", "--no-such-option"]) == EXIT_BAD_INPUT
    assert "--no-such-option" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# bad input: exit code 2 and a one-line message naming the problem


def test_missing_data_file_exits_2(capsys, tmp_path):
    code = main(["score", "bai", str(tmp_path / "nope.csv")])
    assert code == EXIT_BAD_INPUT
    assert "nope.csv" in capsys.readouterr().err


def test_validate_missing_data_file_exits_2(capsys, tmp_path):
    assert main(["validate", "bai", str(tmp_path / "nope.csv")]) == EXIT_BAD_INPUT
    _assert_one_problem(_err(capsys), "nope.csv", "does not exist")


def test_screen_missing_data_file_exits_2(capsys, tmp_path):
    assert main(["screen", "bai", str(tmp_path / "nope.csv")]) == EXIT_BAD_INPUT
    _assert_one_problem(_err(capsys), "nope.csv", "does not exist")


def test_missing_bank_file_exits_2(capsys, bai_csv, tmp_path):
    path, _ = bai_csv
    assert main(["validate", str(tmp_path / "nobank.yaml"), str(path)]) == EXIT_BAD_INPUT
    _assert_one_problem(_err(capsys), "nobank.yaml")


def test_malformed_yaml_exits_2(capsys, tmp_path):
    bank = tmp_path / "broken.yaml"
    bank.write_text("instrument: [unclosed\n", encoding="utf-8")
    assert main(["lint", str(bank)]) == EXIT_BAD_INPUT
    captured = capsys.readouterr()
    assert "broken.yaml" in captured.out + captured.err


def test_validate_malformed_yaml_exits_2(capsys, bai_csv, tmp_path):
    path, _ = bai_csv
    bank = tmp_path / "broken.yaml"
    bank.write_text("instrument: [unclosed\n", encoding="utf-8")
    assert main(["validate", str(bank), str(path), "--id-column", "id"]) == EXIT_BAD_INPUT
    _assert_one_problem(_err(capsys), "broken.yaml", "not valid YAML")


def test_validate_bank_with_schema_errors_exits_2(capsys, bai_csv, tmp_path):
    path, _ = bai_csv
    bank = tmp_path / "wrong.yaml"
    bank.write_text(
        "instrument: {id: x, name: X, version: '1', language: en, license: MIT, citation: X}\n"
        "response_format: {min: 1, max: 5}\n"
        "scales: [{id: s, name: S}]\n"
        "items: [{id: i1, scale: t, keyed: 1}]\n",
        encoding="utf-8",
    )
    assert main(["validate", str(bank), str(path)]) == EXIT_BAD_INPUT
    err = _err(capsys)
    assert "wrong.yaml" in err and "i1" in err and "Traceback" not in err


def test_text_in_item_column_exits_2_naming_row_and_column(capsys, bai_csv, tmp_path):
    _, data = bai_csv
    bad = data.astype(object)
    bad.loc[3, "ex2"] = "often"
    path = tmp_path / "bad.csv"
    bad.to_csv(path, index=False)
    assert main(["score", "bai", str(path), "--id-column", "id"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "ex2" in err and "r3" in err and "often" in err
    assert "Traceback" not in err


def test_validate_text_in_item_column_exits_2(capsys, bai_csv, tmp_path):
    _, data = bai_csv
    bad = data.astype(object)
    bad.loc[5, "md3"] = "sometimes"
    path = tmp_path / "bad.csv"
    bad.to_csv(path, index=False)
    assert main(["validate", "bai", str(path), "--id-column", "id"]) == EXIT_BAD_INPUT
    _assert_one_problem(_err(capsys), "md3", "r5", "sometimes", "bad.csv")


def test_bank_and_data_that_do_not_match_exit_2(capsys, bai_csv, tmp_path):
    _, data = bai_csv
    path = tmp_path / "short.csv"
    data.drop(columns=["gs3", "ls3"]).to_csv(path, index=False)
    assert main(["score", "bai", str(path), "--id-column", "id"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "gs3" in err and "ls3" in err


def test_validate_bank_and_data_that_do_not_match_exit_2(capsys, bai_csv):
    path, _ = bai_csv
    assert main(["validate", "olbi", str(path), "--id-column", "id"]) == EXIT_BAD_INPUT
    _assert_one_problem(_err(capsys), "answers.csv", "olbi", "not in the data")


def test_validate_unknown_group_column_exits_2(capsys, cohort_files):
    data, _, _ = cohort_files
    code = main(["validate", "bai", str(data), "--id-column", "id", "--group", "fomr"])
    assert code == EXIT_BAD_INPUT
    _assert_one_problem(_err(capsys), "--group", "'fomr'", "Did you mean 'form'?")


def test_validate_item_as_group_column_exits_2(capsys, cohort_files):
    data, _, _ = cohort_files
    assert main(["validate", "bai", str(data), "--group", "ex1"]) == EXIT_BAD_INPUT
    _assert_one_problem(_err(capsys), "'ex1'", "is an item")


def test_validate_group_column_with_one_group_exits_2(capsys, tmp_path, cohort_files):
    _, _, data = cohort_files
    path = tmp_path / "one_form.csv"
    data.assign(form="A").to_csv(path, index=False)
    assert main(["validate", "bai", str(path), "--group", "form"]) == EXIT_BAD_INPUT
    _assert_one_problem(_err(capsys), "'form'", "at least two")


def test_validate_unknown_outcome_column_exits_2(capsys, cohort_files):
    data, _, _ = cohort_files
    code = main(
        ["validate", "bai", str(data), "--id-column", "id", "--outcomes", "wellbeing,absense_days"]
    )
    assert code == EXIT_BAD_INPUT
    _assert_one_problem(_err(capsys), "--outcomes", "'absense_days'", "'absence_days'")


def test_validate_unreadable_retest_file_exits_2(capsys, cohort_files, tmp_path):
    data, _, _ = cohort_files
    retest = tmp_path / "retest.csv"
    retest.write_bytes(bytes(range(256)) * 8)
    code = main(["validate", "bai", str(data), "--id-column", "id", "--retest", str(retest)])
    assert code == EXIT_BAD_INPUT
    _assert_one_problem(_err(capsys), "retest file", "retest.csv", "cannot be read")


def test_validate_missing_retest_file_exits_2(capsys, cohort_files, tmp_path):
    data, _, _ = cohort_files
    missing = tmp_path / "no_retest.csv"
    code = main(["validate", "bai", str(data), "--id-column", "id", "--retest", str(missing)])
    assert code == EXIT_BAD_INPUT
    _assert_one_problem(_err(capsys), "retest file", "no_retest.csv", "does not exist")


def test_validate_retest_that_does_not_match_the_bank_exits_2(capsys, cohort_files, tmp_path):
    data, retest, _ = cohort_files
    short = tmp_path / "short_retest.csv"
    pd.read_csv(retest).drop(columns=["er3"]).to_csv(short, index=False)
    code = main(["validate", "bai", str(data), "--id-column", "id", "--retest", str(short)])
    assert code == EXIT_BAD_INPUT
    _assert_one_problem(_err(capsys), "retest file", "short_retest.csv", "'er3'")


def test_validate_retest_with_other_ids_exits_2(capsys, cohort_files, tmp_path):
    data, retest, _ = cohort_files
    other = tmp_path / "other_retest.csv"
    frame = pd.read_csv(retest)
    frame.assign(id="x" + frame["id"]).to_csv(other, index=False)
    code = main(["validate", "bai", str(data), "--id-column", "id", "--retest", str(other)])
    assert code == EXIT_BAD_INPUT
    _assert_one_problem(_err(capsys), "other_retest.csv", "None of the")


def test_validate_retest_needs_an_id_column(capsys, cohort_files):
    data, retest, _ = cohort_files
    assert main(["validate", "bai", str(data), "--retest", str(retest)]) == EXIT_BAD_INPUT
    _assert_one_problem(_err(capsys), "--retest needs --id-column")


def test_validate_unknown_report_suffix_exits_2_before_any_work(capsys, tmp_path):
    out = tmp_path / "report.pdf"
    # the data file does not exist either: the report path is checked first, in no time
    assert main(["validate", "bai", "nope.csv", "--out", str(out)]) == EXIT_BAD_INPUT
    _assert_one_problem(_err(capsys), "report.pdf", ".html")


def test_screen_unknown_id_column_exits_2(capsys, bai_csv):
    path, _ = bai_csv
    assert main(["screen", "bai", str(path), "--id-column", "ID"]) == EXIT_BAD_INPUT
    _assert_one_problem(_err(capsys), "'ID'", "answers.csv")


def test_bad_input_through_a_subprocess_exits_2_without_traceback(tmp_path):
    data = tmp_path / "answers.csv"
    data.write_text("id,ex1\nr1,often\n", encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "burnoutkit",
        "validate",
        "bai",
        str(data),
        "--id-column",
        "id",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == EXIT_BAD_INPUT
    assert result.stderr.startswith("burnoutkit validate: error: ")
    assert "answers.csv" in result.stderr and "not in the data" in result.stderr
    assert "Traceback" not in result.stderr
    debug = subprocess.run(
        [*command[:3], "--debug", *command[3:]],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert debug.returncode == EXIT_BAD_INPUT
    assert "Traceback" in debug.stderr


def test_entry_point_is_installed():
    result = subprocess.run(
        [sys.executable, "-m", "burnoutkit", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "examples:" in result.stdout
    for command in COMMANDS:
        assert command in result.stdout


# ---------------------------------------------------------------------------------------------
# good input: screen and validate


def test_screen_writes_flags_and_the_kept_data(cohort_files, tmp_path, capsys):
    data, _, frame = cohort_files
    flags_path = tmp_path / "flags.csv"
    kept_path = tmp_path / "kept.csv"
    code = main(
        [
            "screen",
            "bai",
            str(data),
            "--id-column",
            "id",
            "--out",
            str(flags_path),
            "--exclude",
            str(kept_path),
        ]
    )
    assert code == EXIT_OK
    flags = pd.read_csv(flags_path, index_col=0)
    assert list(flags.index) == list(frame["id"])
    assert "flagged" in flags.columns
    kept = pd.read_csv(kept_path)
    exclusions = pd.read_csv(tmp_path / "kept.exclusions.csv")
    # nothing is dropped silently: every respondent is kept or listed as excluded
    assert len(kept) + len(exclusions) == len(frame)
    assert len(exclusions) == int(flags["flagged"].sum())
    assert set(kept["id"]) == set(flags.index[~flags["flagged"].astype(bool)])
    assert f"{len(exclusions)} excluded" in capsys.readouterr().err


SHORT_BANK = """\
instrument: {id: core9, name: Burnout core short form, version: '0.1', language: en,
  license: CC-BY-4.0, citation: Nine items of the BAI 1.0.}
response_format: {min: 1, max: 5, missing_codes: [-9]}
scales:
  - {id: ex, name: Exhaustion}
  - {id: md, name: Mental distance}
  - {id: re, name: Reduced efficacy}
items:
  - {id: ex1, scale: ex, keyed: 1}
  - {id: ex3, scale: ex, keyed: 1}
  - {id: ex5, scale: ex, keyed: 1}
  - {id: md1, scale: md, keyed: 1}
  - {id: md2, scale: md, keyed: 1}
  - {id: md5, scale: md, keyed: 1}
  - {id: re1, scale: re, keyed: 1}
  - {id: re3, scale: re, keyed: 1}
  - {id: re5, scale: re, keyed: 1}
"""


@pytest.fixture(scope="module")
def short_bank(tmp_path_factory):
    path = tmp_path_factory.mktemp("bank") / "core9.yaml"
    path.write_text(SHORT_BANK, encoding="utf-8")
    return path


@pytest.mark.slow
def test_validate_builtin_bank_with_every_option_writes_html(cohort_files, tmp_path, capsys):
    data, retest, _ = cohort_files
    html = tmp_path / "report.html"
    code = main(
        [
            "validate",
            "bai",
            str(data),
            "--id-column",
            "id",
            "--group",
            "form",
            "--retest",
            str(retest),
            "--outcomes",
            "absence_days,wellbeing",
            "--exclude-careless",
            "--seed",
            "3",
            "--out",
            str(html),
        ]
    )
    assert code == EXIT_OK
    text = html.read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith("<!doctype html")
    assert "Burnout Architecture Inventory" in text
    err = capsys.readouterr().err
    assert "validate:" in err  # the progress bar, on standard error
    assert f"Report written to {html}" in err


@pytest.mark.parametrize("suffix", [".md", ".json"])
def test_validate_writes_the_format_of_the_suffix(cohort_files, short_bank, tmp_path, suffix):
    data, _, _ = cohort_files
    out = tmp_path / f"report{suffix}"
    args = ["--quiet", "validate", str(short_bank), str(data), "--id-column", "id"]
    assert main([*args, "--group", "form", "--out", str(out)]) == EXIT_OK
    text = out.read_text(encoding="utf-8")
    if suffix == ".json":
        report = json.loads(text)
        assert isinstance(report, dict) and "core9" in text
    else:
        assert text.startswith("# ") and "core9" in text


def test_validate_prints_markdown_without_out(cohort_files, short_bank, capsys):
    data, _, _ = cohort_files
    assert main(["--quiet", "validate", str(short_bank), str(data), "--id-column", "id"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("# ") and "core9" in captured.out
    assert captured.err == ""  # --quiet: no progress bar, no notes


def test_validate_seed_makes_the_report_reproducible(cohort_files, short_bank, tmp_path):
    data, _, _ = cohort_files
    paths = [tmp_path / "a.json", tmp_path / "b.json"]
    for path in paths:
        args = ["--quiet", "validate", str(short_bank), str(data), "--id-column", "id"]
        assert main([*args, "--seed", "5", "--out", str(path)]) == EXIT_OK
    first, second = (json.loads(path.read_text(encoding="utf-8")) for path in paths)
    for report in (first, second):  # run times differ between runs; everything else must not
        report.pop("timings", None)
    assert first["properties"] == second["properties"]
    assert first["items"] == second["items"]


def test_validate_estimator_and_missing_options(cohort_files, short_bank, tmp_path, capsys):
    """--estimator WLSMV uses pairwise deletion by default; a combination no estimator offers
    exits 2 with the problem named."""
    data, _, _ = cohort_files
    out = tmp_path / "report.json"
    args = ["--quiet", "validate", str(short_bank), str(data), "--id-column", "id"]
    assert main([*args, "--estimator", "WLSMV", "--out", str(out)]) == EXIT_OK
    settings = json.loads(out.read_text(encoding="utf-8"))["settings"]
    assert (settings["estimator_used"], settings["missing"]) == ("WLSMV", "pairwise")
    assert main([*args, "--estimator", "MLR", "--missing", "pairwise"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "pairwise' needs an ordinal estimator" in err and "Traceback" not in err
