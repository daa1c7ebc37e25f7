"""Careless-responding screening: long-string, IRV, Mahalanobis, even-odd, synonyms, missingness.

:func:`screen` computes the indices of the R package careless for every respondent, flags those
beyond documented cut-offs with the reason, and :meth:`ScreeningResult.exclude` returns the data
without them together with the list of who was excluded and why. The formulas, cut-offs and
their sources are in ``docs/methods/screening.md``; the numbers agree with a base-R
implementation of careless's definitions (``tests/reference/screening.R``).
"""

from burnoutkit.screening._cutoffs import INDEX_NAMES, default_cutoffs
from burnoutkit.screening.api import screen
from burnoutkit.screening.result import ScreeningResult

__all__ = ["INDEX_NAMES", "ScreeningResult", "default_cutoffs", "screen"]
