"""The documentation: a methods page with a primary citation for every public analysis
function, an Examples section in every public function's docstring, and runnable how-to
guides. The Sphinx build itself (warnings as errors) is scripts/build_docs.sh.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import re
from pathlib import Path

import pytest

import burnoutkit as bk
from burnoutkit import datasets

DOCS = Path(__file__).resolve().parent.parent / "docs"
METHODS_PAGES = [*sorted((DOCS / "methods").glob("*.md")), DOCS / "scoring.md"]

# Public functions that are not analyses: they load, list or lint banks (documented in the
# item-bank format), or report versions.
NOT_ANALYSES = {"list_banks", "load_bank", "lint_bank", "show_versions", "versions"}
ANALYSES = sorted(
    name
    for name in bk.__all__
    if inspect.isfunction(getattr(bk, name)) and name not in NOT_ANALYSES
)
PUBLIC_FUNCTIONS = [
    (f"bk.{name}", getattr(bk, name))
    for name in bk.__all__
    if inspect.isfunction(getattr(bk, name))
] + [
    (f"bk.datasets.{name}", getattr(datasets, name))
    for name in datasets.__all__
    if inspect.isfunction(getattr(datasets, name))
]
# An APA-style reference: "Author, A. B. (1999)." or "Author, A. (2001a)."
CITATION = re.compile(r"^[-*]?\s*\S.*\(\d{4}[a-z]?\)\.", re.MULTILINE)


def _mentions(text: str, name: str) -> bool:
    return bool(re.search(rf"(\bbk\.{name}\b|`{name}`|`{name}\(|\b{name}\()", text))


def _references(text: str) -> str:
    match = re.search(r"^#+\s*References\s*$(.*?)(?=^#\s|\Z)", text, re.MULTILINE | re.DOTALL)
    return match.group(1) if match else ""


@pytest.mark.parametrize("name", ANALYSES)
def test_every_analysis_function_has_a_methods_page_with_a_citation(name):
    pages = [p for p in METHODS_PAGES if _mentions(p.read_text(encoding="utf-8"), name)]
    assert pages, f"no methods page in docs/methods/ (or docs/scoring.md) documents bk.{name}"
    cited = [p.name for p in pages if CITATION.search(_references(p.read_text(encoding="utf-8")))]
    assert cited, (
        f"the methods pages that document bk.{name} ({[p.name for p in pages]}) have no "
        "References section with a primary citation"
    )


@pytest.mark.parametrize(
    ("name", "function"), PUBLIC_FUNCTIONS, ids=[name for name, _ in PUBLIC_FUNCTIONS]
)
def test_every_public_function_has_examples(name, function):
    doc = inspect.getdoc(function) or ""
    assert re.search(r"^Examples\n-+$", doc, re.MULTILINE), f"{name} needs an Examples section"
    assert ">>>" in doc.split("Examples", 1)[1], f"{name}: its Examples section has no example"


def test_methods_pages_have_references():
    """Every methods page except the design note on the CFA engine cites its sources."""
    missing = [
        p.name
        for p in METHODS_PAGES
        if p.name not in {"index.md", "cfa-engine.md"}
        and not CITATION.search(_references(p.read_text(encoding="utf-8")))
    ]
    assert not missing, f"methods pages without a References section with citations: {missing}"


def test_toctrees_reach_the_methods_and_how_to_pages():
    """The methods index globs its folder; the how-to index lists every guide."""
    assert ":glob:" in (DOCS / "methods" / "index.md").read_text(encoding="utf-8")
    index = (DOCS / "how-to" / "index.md").read_text(encoding="utf-8")
    for page in (DOCS / "how-to").glob("*.md"):
        if page.name != "index.md":
            assert f"\n{page.stem}\n" in index, f"{page.name} is not in docs/how-to/index.md"


# ------------------------------------------------------------------ how-to guides run
FENCE = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)
# Smaller settings for the test run, stated here rather than hidden: the guide's BLRT with 100
# bootstrap samples takes about a minute; 19 is the fewest that can give p < .05.
FASTER = {"relate-profiles-to-outcomes.md": {"n_boot=100": "n_boot=19"}}


@pytest.mark.slow
@pytest.mark.parametrize("page", ["relate-profiles-to-outcomes.md", "replicate-a-paper.md"])
def test_how_to_code_runs(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    code = "\n".join(FENCE.findall((DOCS / "how-to" / page).read_text(encoding="utf-8")))
    assert code
    for old, new in FASTER.get(page, {}).items():
        assert old in code
        code = code.replace(old, new)
    import warnings

    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        # the guides show analyses as a user runs them; their statistical warnings (not
        # replicated optima, prorated scores) are part of the output a user reads
        warnings.simplefilter("ignore", bk.BurnoutkitWarning)
        exec(compile(code, page, "exec"), {"__name__": "__howto__"})
