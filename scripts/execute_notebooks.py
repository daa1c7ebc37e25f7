"""Execute the notebooks and write the executed ``.ipynb`` files (used by the docs build).

The notebooks are jupytext percent-format ``.py`` files in ``notebooks/``. Each one is read,
optionally given the small parameters of ``notebooks/small.toml`` (a cell inserted right after
its ``parameters`` cell, as papermill does), executed top to bottom in a scratch directory and
written with its outputs to ``--out``. The time each one took is printed.

Usage::

    python scripts/execute_notebooks.py --out docs/tutorials/executed            # full runs
    python scripts/execute_notebooks.py --small --out docs/tutorials/executed    # CI-sized runs
    python scripts/execute_notebooks.py --small notebooks/07_replication.py      # one notebook
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SMALL = NOTEBOOKS / "small.toml"
INJECTED_TAG = "injected-parameters"


def notebook_paths() -> list[Path]:
    """The notebooks, in order: ``notebooks/NN_*.py``."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))


def small_parameters(path: Path = SMALL) -> dict[str, dict[str, Any]]:
    """The small-run parameter values by notebook name (file stem)."""
    return tomllib.loads(path.read_text(encoding="utf-8"))


def parameters_cell(notebook: Any) -> int:
    """Index of the cell tagged ``parameters``; it must be the first code cell."""
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        if "parameters" in cell.metadata.get("tags", []):
            return index
        break
    raise ValueError("the first code cell of the notebook must be tagged 'parameters'")


def read_notebook(path: Path, overrides: dict[str, Any] | None = None) -> Any:
    """Read a percent-format notebook and inject ``overrides`` after its parameters cell."""
    import jupytext
    import nbformat

    notebook = jupytext.read(path)
    index = parameters_cell(notebook)
    if overrides:
        lines = ["# Injected parameters: a small run (values from notebooks/small.toml)"]
        lines += [f"{name} = {value!r}" for name, value in overrides.items()]
        cell = nbformat.v4.new_code_cell("\n".join(lines))
        cell.metadata["tags"] = [INJECTED_TAG]
        notebook.cells.insert(index + 1, cell)
    return notebook


def execute(notebook: Any, *, workdir: Path, timeout: int = 1800) -> Any:
    """Execute ``notebook`` in place with the current Python's kernel, from ``workdir``."""
    import nbclient

    os.environ.setdefault("MPLBACKEND", "Agg")
    client = nbclient.NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute()
    return notebook


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    import nbformat

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/NN_*.py")
    parser.add_argument("--small", action="store_true", help="use notebooks/small.toml")
    parser.add_argument("--out", type=Path, help="write the executed .ipynb files here")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per cell")
    args = parser.parse_args(argv)

    paths = [p.resolve() for p in args.notebooks] or notebook_paths()
    small = small_parameters() if args.small else {}
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    total = 0.0
    for path in paths:
        notebook = read_notebook(path, small.get(path.stem))
        start = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix=f"{path.stem}-") as scratch:
            execute(notebook, workdir=Path(scratch), timeout=args.timeout)
        seconds = time.perf_counter() - start
        total += seconds
        print(f"{path.stem:<32} {seconds:7.1f} s", flush=True)
        if args.out:
            nbformat.write(notebook, args.out / f"{path.stem}.ipynb")
    print(f"{'total':<32} {total:7.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
