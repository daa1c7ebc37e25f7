"""Contract tests over the public API (``burnoutkit.__all__``) and the installed package."""

from __future__ import annotations

import doctest
import importlib
import inspect
import os
import pkgutil
from importlib import metadata
from pathlib import Path

import pytest

import burnoutkit as bk

PUBLIC = [name for name in bk.__all__ if name != "__version__"]


def test_all_is_sorted_and_importable():
    assert list(bk.__all__) == sorted(bk.__all__)
    for name in bk.__all__:
        assert hasattr(bk, name), name


def test_version_matches_installed_metadata():
    assert bk.__version__ == metadata.version("burnoutkit")


@pytest.mark.parametrize("name", PUBLIC)
def test_public_objects_are_documented(name):
    obj = getattr(bk, name)
    doc = inspect.getdoc(obj)
    assert doc and len(doc.splitlines()[0]) > 10, f"{name} needs a summary line"
    if inspect.isfunction(obj):
        assert "Examples" in doc, f"{name} needs an Examples section"


def test_tests_run_against_the_installed_package():
    """In CI the package under test is the installed one, so a file missing from the wheel fails."""
    if os.environ.get("CI") != "true":
        pytest.skip("only enforced in CI (developers may use an editable install)")
    source_package = Path(__file__).resolve().parent.parent / "burnoutkit"
    assert Path(bk.__file__).resolve().parent != source_package
    assert "site-packages" in Path(bk.__file__).resolve().parts


def _modules():
    return sorted(
        info.name
        for info in pkgutil.walk_packages(bk.__path__, prefix="burnoutkit.")
        if info.name != "burnoutkit.__main__"
    )


@pytest.mark.parametrize("module_name", _modules())
def test_docstring_examples_run(module_name):
    """Every docstring example runs and prints what it shows (doctest)."""
    module = importlib.import_module(module_name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, module_name):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} doctest example(s) failed in {module_name}"


def test_results_use_the_shared_repr():
    """Every Result subclass keeps the short shared repr (declare dataclasses with repr=False)."""
    from burnoutkit._result import Result

    for module_name in _modules():
        importlib.import_module(module_name)
    pending = list(Result.__subclasses__())
    seen = []
    while pending:
        cls = pending.pop()
        seen.append(cls)
        pending.extend(cls.__subclasses__())
    offenders = [cls.__qualname__ for cls in seen if cls.__repr__ is not Result.__repr__]
    assert not offenders, f"these results override the shared repr: {offenders}"
