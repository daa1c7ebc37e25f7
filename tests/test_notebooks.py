"""The notebooks: each runs top to bottom, offline, with its small parameters; each follows the
house rules (paired .ipynb without outputs, a first cell tagged ``parameters``, seeded, public
API only, ``bk.show_versions()`` last); the replication notebook's typed-in reference numbers
are the ones the R scripts in tests/reference/ wrote.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import math
import os
import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
REF_DIR = Path(__file__).resolve().parent / "reference"


def _executor() -> Any:
    """scripts/execute_notebooks.py, which the docs build uses too."""
    spec = importlib.util.spec_from_file_location(
        "execute_notebooks", ROOT / "scripts" / "execute_notebooks.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXECUTOR = _executor()
PATHS = EXECUTOR.notebook_paths()
SMALL = EXECUTOR.small_parameters()


def _ids(path: Path) -> str:
    return path.stem


def test_every_notebook_is_found():
    stems = [path.stem for path in PATHS]
    assert stems[:1] == ["01_quickstart"] and "07_replication" in stems, stems
    unknown = set(SMALL) - set(stems)
    assert not unknown, f"notebooks/small.toml names notebooks that do not exist: {unknown}"


def test_small_parameters_are_injected_after_the_parameters_cell():
    pytest.importorskip("jupytext")
    path = NOTEBOOKS / "07_replication.py"
    plain = EXECUTOR.read_notebook(path)
    small = EXECUTOR.read_notebook(path, {"N_INIT": 3, "NAME": "x"})
    assert len(small.cells) == len(plain.cells) + 1
    injected = small.cells[1]
    assert injected.metadata["tags"] == [EXECUTOR.INJECTED_TAG]
    assert injected.source.splitlines()[1:] == ["N_INIT = 3", "NAME = 'x'"]
    assert [c.source for c in small.cells[2:]] == [c.source for c in plain.cells[1:]]


def _executed_by_the_docs_build(path: Path) -> Any | None:
    """The run the docs build made of ``path`` (scripts/test.sh sets the folder), if any.

    The copy is used only if it is newer than the notebook and ran with the small parameters.
    """
    folder = os.environ.get("BURNOUTKIT_EXECUTED_NOTEBOOKS")
    if not folder:
        return None
    executed = Path(folder) / f"{path.stem}.ipynb"
    if not executed.exists() or executed.stat().st_mtime < path.stat().st_mtime:
        return None
    import nbformat

    notebook = nbformat.read(executed, as_version=4)
    injected = [c for c in notebook.cells if EXECUTOR.INJECTED_TAG in c.metadata.get("tags", [])]
    if bool(injected) != bool(SMALL.get(path.stem)):
        return None
    return notebook


@pytest.mark.slow
@pytest.mark.parametrize("path", PATHS, ids=_ids)
def test_notebook_executes(path, tmp_path, monkeypatch):
    """Runs the notebook with the values of notebooks/small.toml, in a scratch directory (or
    checks the run the docs build has just made of it)."""
    pytest.importorskip("jupytext")
    pytest.importorskip("nbclient")
    notebook = _executed_by_the_docs_build(path)
    if notebook is None:
        monkeypatch.setenv("MPLBACKEND", "Agg")
        notebook = EXECUTOR.read_notebook(path, SMALL.get(path.stem))
        EXECUTOR.execute(notebook, workdir=tmp_path, timeout=600)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.get("execution_count") for cell in code_cells), "not every cell ran"
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert not errors


# ------------------------------------------------------------------ structure (fast)
def _read(path: Path) -> Any:
    jupytext = pytest.importorskip("jupytext")
    return jupytext.read(path)


def _code(notebook: Any) -> str:
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")


@pytest.mark.parametrize("path", PATHS, ids=_ids)
def test_notebook_is_percent_format_with_parameters_first(path):
    text = path.read_text(encoding="utf-8")
    assert "format_name: percent" in text, f"{path.name}: not a jupytext percent-format file"
    notebook = _read(path)
    assert notebook.cells[0].cell_type == "code", f"{path.name}: the first cell must be code"
    assert "parameters" in notebook.cells[0].metadata.get("tags", []), (
        f"{path.name}: tag the first cell `parameters` (# %% tags=[\"parameters\"])"
    )
    assert EXECUTOR.parameters_cell(notebook) == 0


@pytest.mark.parametrize("path", PATHS, ids=_ids)
def test_notebook_ends_with_show_versions(path):
    notebook = _read(path)
    last = notebook.cells[-1]
    assert last.cell_type == "code" and last.source.strip() == "bk.show_versions()", (
        f"{path.name}: the last cell must be `bk.show_versions()`"
    )


@pytest.mark.parametrize("path", PATHS, ids=_ids)
def test_small_parameters_exist_in_the_parameters_cell(path):
    notebook = _read(path)
    defined = {
        target.id
        for node in ast.parse(notebook.cells[0].source).body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    unknown = set(SMALL.get(path.stem, {})) - defined
    assert not unknown, f"notebooks/small.toml sets {unknown}, not in {path.name}'s parameters"


@pytest.mark.parametrize("path", PATHS, ids=_ids)
def test_notebook_is_seeded(path):
    """Every random_state is the RANDOM_STATE parameter (or derived from it); no global seeds."""
    code = _code(_read(path))
    states = re.findall(r"random_state\s*=\s*([^,)\n]+)", code)
    assert all("RANDOM_STATE" in value for value in states), (path.name, states)
    if states:
        assert "RANDOM_STATE" in _read(path).cells[0].source
    assert "np.random.seed" not in code and "default_rng()" not in code


@pytest.mark.parametrize("path", PATHS, ids=_ids)
def test_notebook_uses_public_api_and_shipped_data(path):
    code = _code(_read(path))
    private = re.findall(r"\bburnoutkit(?:\.\w+)*\._\w+|\bbk(?:\.\w+)*\._\w+", code)
    private = [name for name in private if not name.endswith("__version__")]
    assert not private, f"{path.name} uses private names: {private}"
    assert "tests/" not in code and "tests\\" not in code, f"{path.name} reads from tests/"
    assert not re.search(r"read_(csv|parquet|json|excel)\(\s*['\"]", code), (
        f"{path.name} reads a file by path; use the loaders in burnoutkit.datasets"
    )
    assert "http://" not in code and "https://" not in code, f"{path.name} uses the network"


@pytest.mark.parametrize("path", PATHS, ids=_ids)
def test_ipynb_pair_is_in_sync_and_has_no_outputs(path):
    """The committed .ipynb is `jupytext --sync` of the .py: same cells, no outputs."""
    nbformat = pytest.importorskip("nbformat")
    pair = path.with_suffix(".ipynb")
    assert pair.exists(), f"{pair.name} is missing: run `jupytext --sync notebooks/{path.name}`"
    ipynb = nbformat.read(pair, as_version=4)
    text = _read(path)
    ours = [(cell.cell_type, cell.source) for cell in text.cells]
    theirs = [(cell.cell_type, cell.source) for cell in ipynb.cells]
    assert ours == theirs, (
        f"{pair.name} is out of sync with {path.name}: run `jupytext --sync notebooks/{path.name}`"
    )
    for cell in ipynb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, (
                f"{pair.name} has outputs: clear them (jupytext --sync writes none)"
            )
    tags = ipynb.cells[0].metadata.get("tags", [])
    assert "parameters" in tags


# ------------------------------------------------------------------ replication notebook
def _literals(path: Path) -> dict[str, Any]:
    """The upper-case constants assigned from literals in the notebook's code cells."""
    values: dict[str, Any] = {}
    for node in ast.parse(_code(_read(path))).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id.isupper():
                try:
                    values[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    continue
    return values


@pytest.fixture(scope="module")
def replication() -> dict[str, Any]:
    return _literals(NOTEBOOKS / "07_replication.py")


def _ref(name: str) -> dict:
    return json.loads((REF_DIR / f"{name}.json").read_text())


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-8, abs_tol=1e-12)


def test_replication_cfa_numbers_are_lavaans(replication):
    """R: tests/reference/cfa_holzinger_swineford.R (cfa, fitMeasures, parameterEstimates)."""
    ref = _ref("cfa_holzinger_swineford")
    lavaan_names = {"p_value": "pvalue", "rmsea_ci_low": "rmsea.ci.lower",
                    "rmsea_ci_high": "rmsea.ci.upper", "loglik": "logl",
                    "loglik_h1": "unrestricted.logl", "sabic": "bic2"}
    for ours, value in replication["LAVAAN_FIT"].items():
        assert _close(value, ref["ml"]["fit"][lavaan_names.get(ours, ours)]), ours
    params = ref["ml"]["params"]
    rows = list(zip(params["lhs"], params["op"], params["rhs"], params["est"], params["se"],
                    params["std_all"], strict=True))
    assert len(rows) == len(replication["LAVAAN_PARAMETERS"])
    for typed, stored in zip(replication["LAVAAN_PARAMETERS"], rows, strict=True):
        assert typed[:3] == stored[:3]
        assert all(_close(a, b) for a, b in zip(typed[3:], stored[3:], strict=True)), typed


def test_replication_invariance_numbers_are_lavaans(replication):
    """R: tests/reference/cfa_invariance_holzinger_swineford.R (group.equal, lavTestLRT)."""
    ref = _ref("cfa_invariance_holzinger_swineford")
    names = ["chisq", "df", "cfi", "rmsea", "srmr", "aic", "bic"]
    for level, values in replication["LAVAAN_INVARIANCE"].items():
        fit = ref["ml"][level]["fit"]
        assert all(_close(v, fit[n]) for v, n in zip(values, names, strict=True)), level
    levels = ["configural", "metric", "scalar", "strict"]
    lrt = ref["lrt_ml"]
    for level, (chisq, df, p) in replication["LAVAAN_LRT"].items():
        i = levels.index(level)
        assert _close(chisq, lrt["chisq_diff"][i]) and df == lrt["df_diff"][i]
        assert _close(p, lrt["p_value"][i])


def test_replication_psych_numbers_are_psychs(replication):
    """R: tests/reference/reliability_psych.R (psych::alpha, omega, splitHalf)."""
    ref = _ref("reliability_psych")
    names = {"A": "bfi_agree", "C": "bfi_conscientious", "E": "bfi_extraversion",
             "N": "bfi_neuroticism", "O": "bfi_openness"}
    for scale, (reversed_items, *values) in replication["PSYCH_ALPHA"].items():
        case = ref["alpha"][names[scale]]
        keys = case["keys"] if isinstance(case["keys"], list) else [case["keys"]]
        assert reversed_items == keys
        total = case["total"]
        stored = [total["raw_alpha"], total["std.alpha"], total["G6(smc)"], total["average_r"],
                  total["ase"], case["feldt"]["lower"], case["feldt"]["upper"]]
        assert all(_close(a, b) for a, b in zip(values, stored, strict=True)), scale
    omega = ref["omega"]["bfi25_5"]
    psych_names = {"omega_h": "omega_h", "omega_limit": "omega_lim", "omega_total": "omega_tot",
                   "alpha": "alpha", "lambda6": "G6", "ecv": "ECV"}
    for ours, value in replication["PSYCH_OMEGA"].items():
        assert _close(value, omega[psych_names[ours]]), ours
    flipped = [item for item, k in zip(omega["items"], omega["flip_key"], strict=True) if k < 0]
    assert replication["PSYCH_FLIPPED"] == flipped
    split = ref["split_half"]["bfi_agree"]
    stored = {"max_split": split["maxrb"], "min_split": split["minrb"],
              "mean_split": split["all_splits"]["meanr"], "lambda2": split["lambda2"],
              "lambda6": split["lambda6"], "alpha": split["alpha"]}
    for ours, value in replication["PSYCH_SPLIT_HALF"].items():
        assert _close(value, stored[ours]), ours


def test_replication_efa_numbers_are_psychs(replication):
    """R: tests/reference/efa_bfi.R (psych::fa, minres, oblimin, complete cases)."""
    ref = _ref("efa_bfi")["minres_oblimin"]
    for typed, stored in zip(replication["PSYCH_FA_LOADINGS"], ref["loadings"], strict=True):
        assert all(abs(a - b) <= 5e-7 for a, b in zip(typed, stored, strict=True))
    for typed, stored in zip(replication["PSYCH_FA_PHI"], ref["Phi"], strict=True):
        assert all(abs(a - b) <= 5e-7 for a, b in zip(typed, stored, strict=True))
    stored = {"chi_square": ref["STATISTIC"], "df": ref["dof"], "rmsea": ref["RMSEA"][0],
              "rmsea_ci_low": ref["RMSEA"][1], "rmsea_ci_high": ref["RMSEA"][2],
              "tli": ref["TLI"], "bic": ref["BIC"], "rmsr": ref["rms"], "crms": ref["crms"]}
    for ours, value in replication["PSYCH_FA_FIT"].items():
        assert _close(value, stored[ours]), ours


def test_replication_mclust_numbers_are_mclusts(replication):
    """R: tests/reference/profiles_mclust.R (Mclust, default and converged) and
    tests/reference/replication_mclust_diabetes.R (summary(mclustBIC), classification)."""
    fits = {(f["model"], f["G"]): f for f in _ref("profiles_mclust")["fits"]
            if f["data"] == "diabetes"}
    assert set(replication["MCLUST"]) == set(fits)
    for key, (bic_default, bic, loglik) in replication["MCLUST"].items():
        fit = fits[key]
        assert _close(bic_default, fit["default"]["bic"]), key
        assert _close(bic, fit["tight"]["bic"]) and _close(loglik, fit["tight"]["loglik"]), key
    diabetes = _ref("replication_mclust_diabetes")
    counts = dict(zip(diabetes["classification"]["classes"],
                      diabetes["classification"]["counts"], strict=True))
    assert replication["MCLUST_CLASSIFICATION"] == counts
    assert diabetes["top_models"][:2] == ["VVV,3", "VVV,4"]
    assert round(diabetes["top_bic"][0], 3) == -4751.316  # as the paper prints it
    code = _code(_read(NOTEBOOKS / "07_replication.py"))
    assert "-4751.316" in code and f"{diabetes['best_converged']['bic']:.6f}" in code


@pytest.mark.r
def test_replication_mclust_script_reproduces_stored_values(tmp_path):
    import shutil
    import subprocess

    from _reference import assert_same_json

    out = tmp_path / "replication_mclust_diabetes.json"
    subprocess.run(
        [shutil.which("Rscript") or "Rscript", str(REF_DIR / "replication_mclust_diabetes.R"),
         str(out)],
        cwd=ROOT, check=True, capture_output=True, timeout=600,
    )
    assert_same_json(json.loads(out.read_text()), _ref("replication_mclust_diabetes"))
