"""The shared behaviour of every ``<Analysis>Result``.

Results are frozen dataclasses that inherit from :class:`Result`, declared as
``@dataclass(frozen=True, slots=True, kw_only=True, repr=False)`` (``repr=False`` keeps the short
shared repr). Subclasses implement :meth:`Result.tidy` and :meth:`Result.glance`; ``__repr__`` and
``_repr_html_`` come from here and delegate to :mod:`burnoutkit.report.render`.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["Result"]


class Result:
    """Mixin for analysis results: ``tidy()``, ``glance()``, a short repr and an HTML repr."""

    __slots__ = ()

    def tidy(self) -> pd.DataFrame:
        """Return the main table, one row per item, parameter, scale or profile."""
        raise NotImplementedError

    def glance(self) -> pd.DataFrame:
        """Return a one-row summary of the result."""
        raise NotImplementedError

    def __repr__(self) -> str:
        from burnoutkit.report.render import result_to_text

        return result_to_text(self)

    def _repr_html_(self) -> str:
        from burnoutkit.report.render import result_to_html

        return result_to_html(self)
