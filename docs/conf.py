"""Sphinx configuration of the burnoutkit documentation.

Build with ``bash scripts/build_docs.sh`` (installs the ``docs`` extra, executes the notebooks
into ``docs/tutorials/executed/`` and runs ``sphinx-build -W --keep-going``). The notebooks are
executed once by that script, not by Sphinx: MyST-NB only renders them
(``nb_execution_mode = "off"``), so a docs build never runs an analysis twice and a CI build can
render the small runs of ``notebooks/small.toml`` (``scripts/build_docs.sh --small``).
"""

from __future__ import annotations

import inspect
import re
import sys
import types
from pathlib import Path

HERE = Path(__file__).resolve().parent
try:
    import burnoutkit
except ImportError:  # a docs build from a source checkout without an installed burnoutkit
    sys.path.insert(0, str(HERE.parent))
    import burnoutkit

project = "burnoutkit"
author = "burnoutkit developers"
copyright = "burnoutkit developers"
release = burnoutkit.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_nb",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "**/.ipynb_checkpoints"]

# -- MyST and MyST-NB ---------------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
nb_execution_mode = "off"  # executed beforehand by scripts/execute_notebooks.py
nb_output_stderr = "show"  # warnings the analyses emit are part of the story
nb_merge_streams = True

# -- API reference ------------------------------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = True
autodoc_typehints = "none"  # the numpydoc Parameters sections carry the types
autodoc_default_options = {"members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_use_plots = False

# Docstrings cite as APA does, "*Journal, 43*(1), 272-311": in reStructuredText an emphasis
# must end before a space or punctuation, so the docs build inserts an escaped (invisible) space
# between "*" and a following "(" or letter.
_EMPHASIS_THEN_TEXT = re.compile(r"(?<![*\\w])(\*[^*\s][^*]*?[^*\s\\]\*)(?=[(\w])")


def _end_emphasis(app, what, name, obj, options, lines):
    """autodoc-process-docstring: make APA-style citations valid reStructuredText."""
    lines[:] = _EMPHASIS_THEN_TEXT.sub(r"\1\\ ", "\n".join(lines)).split("\n")


def setup(app):
    """Connect the docstring fix-up (the API page is written when this file is read)."""
    app.connect("autodoc-process-docstring", _end_emphasis, priority=400)


# -- HTML ---------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"burnoutkit {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_static_path: list[str] = []
# The published JSON Schemas, at the root of the site.
html_extra_path = [
    name for name in ("bank.schema.json", "report.schema.json") if (HERE / name).exists()
]
html_show_sourcelink = False


# -- The API page -------------------------------------------------------------------------------
# reference/api.md is written from ``burnoutkit.__all__`` at every build, grouped by the module
# that defines each name, so a new public function or class appears without editing a page.
API_SECTIONS = [
    ("banks", "Item banks", "Load, list and lint item banks (see the item-bank format)."),
    ("responses", "Responses", "Check responses against a bank."),
    ("scoring", "Scores and norms", "Scale, system and derived scores; norms."),
    ("screening", "Careless responding", "Screening indices and exclusion."),
    ("correlation", "Correlations", "Pearson and polychoric correlation matrices."),
    ("reliability", "Reliability", "Alpha, omega, split-half, SEM, difference scores, retest."),
    ("factors.suitability", "Factorability", "KMO and Bartlett's test."),
    ("factors.retention", "Number of factors", "Parallel analysis, MAP and friends."),
    ("factors", "Factor analysis", "EFA, CFA, model comparison and measurement invariance."),
    ("asymmetry", "Gain/loss asymmetry", "The checks of the asymmetry hypothesis."),
    ("profiles", "Latent profiles", "Enumeration, fitting and distal outcomes."),
    ("report", "Validation reports", "One call to validate a bank on data; the report."),
    ("errors", "Errors and warnings", "The exception and warning classes burnoutkit raises."),
    ("_versions", "Versions", "What a bug report needs."),
]
SUBMODULES = [
    ("datasets", "Data sets (``burnoutkit.datasets``)", "The shipped data and the generator."),
    ("plotting", "Figures (``burnoutkit.plotting``)", "seaborn/matplotlib figures."),
]


def _section(obj: object) -> str:
    module = getattr(obj, "__module__", "") or ""
    parts = module.split(".")[1:]
    for key, _, _ in API_SECTIONS:
        if parts[: len(key.split("."))] == key.split("."):
            return key
    return "other"


def _autosummary(names: list[str]) -> list[str]:
    lines = ["```{eval-rst}", ".. autosummary::", "   :toctree: generated", "   :nosignatures:", ""]
    lines += [f"   {name}" for name in names]
    return [*lines, "```", ""]


def write_api_page(app: object = None) -> None:
    """Write reference/api.md from ``burnoutkit.__all__``."""
    groups: dict[str, list[str]] = {}
    for name in burnoutkit.__all__:
        obj = getattr(burnoutkit, name)
        if name.startswith("_") or isinstance(obj, types.ModuleType):
            continue
        groups.setdefault(_section(obj), []).append(name)
    lines = [
        "# API reference",
        "",
        "Everything importable from `burnoutkit` (`import burnoutkit as bk`), grouped by",
        "analysis family, functions before the classes they return. Each page is the",
        "function's docstring: parameters, returns, the formula in Notes, the primary sources in",
        "References and an example on shipped data.",
        "",
        "```{eval-rst}",
        ".. currentmodule:: burnoutkit",
        "```",
        "",
    ]
    sections = [*API_SECTIONS, ("other", "Other", "")]
    for key, title, blurb in sections:
        names = groups.get(key)
        if not names:
            continue
        names.sort(key=lambda n: (not inspect.isfunction(getattr(burnoutkit, n)), n.lower()))
        lines += [f"## {title}", "", blurb, "", *_autosummary(names)]
    for module_name, title, blurb in SUBMODULES:
        module = getattr(burnoutkit, module_name, None)
        if module is None:
            __import__(f"burnoutkit.{module_name}")
            module = sys.modules[f"burnoutkit.{module_name}"]
        public = [n for n in module.__all__ if not isinstance(getattr(module, n), (int, str))]
        public.sort(key=lambda n: (not inspect.isfunction(getattr(module, n)), n.lower()))
        lines += [f"## {title}", "", blurb, "", "```{eval-rst}",
                  f".. currentmodule:: burnoutkit.{module_name}", "```", "",
                  *_autosummary(public)]
    text = "\n".join(lines).rstrip() + "\n"
    target = HERE / "reference" / "api.md"
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


write_api_page()
