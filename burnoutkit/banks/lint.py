"""Checking item banks (placeholder: cross-reference checks only)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["collect_errors"]


def collect_errors(spec: Mapping[str, Any], *, source: str) -> list[str]:
    """Return the errors that make ``spec`` unusable as a bank (empty when it is usable)."""
    errors = []
    scales = {scale.get("id") for scale in spec.get("scales", [])}
    for item in spec.get("items", []):
        if item.get("scale") not in scales:
            errors.append(f"{source}: item {item.get('id')!r}: scale {item.get('scale')!r} unknown")
    return errors
