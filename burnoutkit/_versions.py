"""Versions of burnoutkit, Python and the dependencies, for reports and bug reports."""

from __future__ import annotations

import platform
import sys
from importlib import metadata

__all__ = ["show_versions", "versions"]

_PACKAGES = (
    "burnoutkit",
    "numpy",
    "scipy",
    "pandas",
    "statsmodels",
    "pingouin",
    "factor_analyzer",
    "scikit-learn",
    "matplotlib",
    "seaborn",
    "pyyaml",
    "jsonschema",
    "pyarrow",
    "pyreadstat",
    "semopy",
    "stepmix",
    "tqdm",
)


def versions() -> dict[str, str]:
    """Return ``{name: version}`` for Python, the platform and every relevant package.

    Packages that are not installed are reported as ``"not installed"``.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> "pandas" in bk.versions()
    True
    """
    found = {"python": sys.version.split()[0], "platform": platform.platform()}
    for name in _PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def show_versions() -> None:
    """Print the versions a bug report needs.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> bk.show_versions()  # doctest: +ELLIPSIS
    python ...
    """
    found = versions()
    width = max(len(name) for name in found)
    for name, version in found.items():
        print(f"{name:<{width}}  {version}")
