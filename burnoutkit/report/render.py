"""The one renderer behind every result's ``__repr__`` and ``_repr_html_``."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

__all__ = ["result_to_html", "result_to_text"]

_MAX_ROWS = 20


def _safe_table(result: Any, method: str) -> pd.DataFrame | None:
    try:
        table = getattr(result, method)()
    except NotImplementedError:
        return None
    return table if isinstance(table, pd.DataFrame) else None


def result_to_text(result: Any) -> str:
    """Return a short plain-text summary: the class name and the ``glance()`` row."""
    name = type(result).__name__
    glance = _safe_table(result, "glance")
    if glance is None or glance.empty:
        return f"<{name}>"
    fields = ", ".join(f"{key}={_format(value)}" for key, value in glance.iloc[0].items())
    return f"<{name} {fields}>"


def result_to_html(result: Any) -> str:
    """Return an HTML summary: the ``glance()`` row and the first rows of ``tidy()``."""
    name = html.escape(type(result).__name__)
    parts = [f"<div class='burnoutkit-result'><strong>{name}</strong>"]
    glance = _safe_table(result, "glance")
    if glance is not None and not glance.empty:
        parts.append(glance.to_html(index=False, float_format=_format, border=0))
    tidy = _safe_table(result, "tidy")
    if tidy is not None and not tidy.empty:
        parts.append(tidy.head(_MAX_ROWS).to_html(index=False, float_format=_format, border=0))
        if len(tidy) > _MAX_ROWS:
            parts.append(f"<p>… {len(tidy) - _MAX_ROWS} more rows in <code>.tidy()</code></p>")
    parts.append("</div>")
    return "\n".join(parts)


def _format(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
