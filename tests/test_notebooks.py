"""Every notebook runs top to bottom, offline, with its parameters set small."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

# Values that replace the `parameters` cell's defaults so each notebook runs quickly in CI.
SMALL = {
    "02_reliability": {"N_BOOT": 200},
    "03_factor_structure": {"N_ITER": 20},
    "04_gain_loss_asymmetry": {"N_ROWS": 1500},
    "05_profiles_and_outcomes": {"N_INIT": 5, "N_BOOT": 19, "MAX_PROFILES": 6, "N_REPLICATIONS": 3},
}


def _notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))


@pytest.mark.slow
@pytest.mark.parametrize("path", _notebooks(), ids=lambda path: path.stem)
def test_notebook_executes(path, tmp_path, monkeypatch):
    jupytext = pytest.importorskip("jupytext")
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")

    notebook = jupytext.read(path)
    tagged = [
        i for i, cell in enumerate(notebook.cells) if "parameters" in cell.metadata.get("tags", [])
    ]
    assert tagged, f"{path.name} needs a first code cell tagged 'parameters'"
    overrides = SMALL.get(path.stem, {})
    if overrides:
        source = "\n".join(f"{name} = {value!r}" for name, value in overrides.items())
        notebook.cells.insert(tagged[0] + 1, nbformat.v4.new_code_cell(source))
    assert "show_versions()" in notebook.cells[-1].source, (
        f"{path.name} must end with show_versions()"
    )
    monkeypatch.setenv("MPLBACKEND", "Agg")
    client = nbclient.NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
