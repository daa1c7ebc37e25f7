"""One problem found in an item bank: where it is, how serious, and what to do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["PROBLEM_COLUMNS", "Problem"]

PROBLEM_COLUMNS = ["file", "item", "scale", "field", "severity", "message"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """A problem in a bank: the item and/or scale it concerns, the field, severity and message.

    ``field`` is the key inside the item or scale entry (``"keyed"``) when ``item`` or ``scale``
    names the entry, and a path such as ``"response_format.labels"`` or
    ``"systems[core].composite"`` otherwise.
    """

    item: str | None
    scale: str | None
    field: str | None
    severity: Literal["error", "warning"]
    message: str

    def located(self) -> str:
        """Where the problem is, for a one-line message: ``item 'ex3', field 'keyed'``."""
        parts = []
        if self.item is not None:
            parts.append(f"item {self.item!r}")
        elif self.scale is not None:
            parts.append(f"scale {self.scale!r}")
        if self.field is not None:
            parts.append(f"field {self.field!r}")
        return ", ".join(parts)

    def format(self, source: str) -> str:
        """One line naming the file, the item or scale, the field, and the message."""
        where = self.located()
        return f"{source}: {where}: {self.message}" if where else f"{source}: {self.message}"

    def row(self, source: str) -> dict[str, str | None]:
        """Return the problem as a row of :attr:`LintResult.problems`."""
        return {
            "file": source,
            "item": self.item,
            "scale": self.scale,
            "field": self.field,
            "severity": self.severity,
            "message": self.message,
        }
