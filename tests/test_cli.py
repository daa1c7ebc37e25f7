"""The command line: results on good input, exit code 2 and a named problem on bad input."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import burnoutkit as bk
from burnoutkit.cli import EXIT_BAD_INPUT, EXIT_OK, main


@pytest.fixture
def bai_csv(tmp_path, bai):
    rng = np.random.default_rng(1)
    data = pd.DataFrame(rng.integers(1, 6, size=(12, len(bai.items))), columns=bai.item_ids)
    data.insert(0, "id", [f"r{i}" for i in range(12)])
    path = tmp_path / "answers.csv"
    data.to_csv(path, index=False)
    return path, data


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


def test_lint_clean_bank_exits_zero(capsys):
    assert main(["lint", "bai"]) == EXIT_OK
    assert "no problems" in capsys.readouterr().out


def test_missing_data_file_exits_2(capsys, tmp_path):
    code = main(["score", "bai", str(tmp_path / "nope.csv")])
    assert code == EXIT_BAD_INPUT
    assert "nope.csv" in capsys.readouterr().err


def test_malformed_yaml_exits_2(capsys, tmp_path):
    bank = tmp_path / "broken.yaml"
    bank.write_text("instrument: [unclosed\n", encoding="utf-8")
    assert main(["lint", str(bank)]) == EXIT_BAD_INPUT
    captured = capsys.readouterr()
    assert "broken.yaml" in captured.out + captured.err


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


def test_bank_and_data_that_do_not_match_exit_2(capsys, bai_csv, tmp_path):
    _, data = bai_csv
    path = tmp_path / "short.csv"
    data.drop(columns=["gs3", "ls3"]).to_csv(path, index=False)
    assert main(["score", "bai", str(path), "--id-column", "id"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "gs3" in err and "ls3" in err


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == EXIT_BAD_INPUT
    assert "usage" in capsys.readouterr().out


def test_entry_point_is_installed():
    result = subprocess.run(
        [sys.executable, "-m", "burnoutkit", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "examples:" in result.stdout
