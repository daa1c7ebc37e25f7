"""Comparison of a freshly re-run R reference output with the stored one."""

from __future__ import annotations

import math
from typing import Any

import pytest


def assert_same_json(
    new: Any,
    old: Any,
    *,
    rel: float = 1e-8,
    abs_tol: float = 1e-10,
    ignore: tuple[str, ...] = ("versions", "R"),
    path: str = "$",
) -> None:
    """Assert two parsed JSON documents agree: same keys and lengths, numbers to ``rel``.

    Keys in ``ignore`` (the R and package versions) are not compared; NaN equals NaN.
    """
    if isinstance(old, dict):
        assert isinstance(new, dict) and set(new) == set(old), path
        for key in old:
            if key not in ignore:
                assert_same_json(
                    new[key],
                    old[key],
                    rel=rel,
                    abs_tol=abs_tol,
                    ignore=ignore,
                    path=f"{path}.{key}",
                )
    elif isinstance(old, list):
        assert isinstance(new, list) and len(new) == len(old), path
        for i, (a, b) in enumerate(zip(new, old, strict=True)):
            assert_same_json(a, b, rel=rel, abs_tol=abs_tol, ignore=ignore, path=f"{path}[{i}]")
    elif isinstance(old, float) and isinstance(new, float | int):
        both_nan = math.isnan(old) and math.isnan(new)
        assert both_nan or new == pytest.approx(old, rel=rel, abs=abs_tol), path
    else:
        assert new == old, path
