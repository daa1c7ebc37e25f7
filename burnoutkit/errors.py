"""The burnoutkit exception and warning families.

Every message names the culprit (item, column, row id, file, field), says what was expected,
what was found and what to do.

Examples
--------
>>> import burnoutkit as bk
>>> issubclass(bk.ResponseError, ValueError)
True
"""

from __future__ import annotations

__all__ = [
    "BankError",
    "BurnoutkitError",
    "BurnoutkitWarning",
    "ConvergenceError",
    "ConvergenceWarning",
    "DataError",
    "DatasetError",
    "HeywoodCaseWarning",
    "IdentificationError",
    "ListwiseDeletionWarning",
    "LowReliabilityWarning",
    "ModelSyntaxError",
    "NonPositiveDefiniteWarning",
    "ProratingWarning",
    "ResponseError",
    "ResponseWarning",
    "SmallProfileWarning",
    "SparseCategoryWarning",
]


class BurnoutkitError(ValueError):
    """Base class of every error burnoutkit raises on bad input or a failed fit."""


class BankError(BurnoutkitError):
    """An item bank is malformed or inconsistent (file, item and field are named)."""


class ResponseError(BurnoutkitError):
    """Responses do not fit the bank (row id, column and value are named)."""


class DataError(BurnoutkitError):
    """Data cannot be analysed as asked (constant item, too few rows, all missing, ...)."""


class DatasetError(BurnoutkitError):
    """A shipped or optional data set cannot be loaded."""


class ConvergenceError(BurnoutkitError):
    """An iterative estimator did not converge."""


class ModelSyntaxError(BurnoutkitError):
    """A model text is not valid in the lavaan syntax subset burnoutkit supports."""


class IdentificationError(BurnoutkitError):
    """A model cannot be estimated as specified (negative df, a factor without a scale, ...)."""


class BurnoutkitWarning(UserWarning):
    """Base class of every warning burnoutkit emits."""


class ResponseWarning(BurnoutkitWarning):
    """Responses were set to missing or look suspicious; see ``Responses.problems``."""


class ProratingWarning(BurnoutkitWarning):
    """Some scale scores are missing because too few items were answered."""


class ConvergenceWarning(BurnoutkitWarning):
    """An iterative estimator stopped before meeting its convergence criterion."""


class HeywoodCaseWarning(BurnoutkitWarning):
    """A communality reached or exceeded 1 (a residual variance at or below 0)."""


class NonPositiveDefiniteWarning(BurnoutkitWarning):
    """A correlation or covariance matrix was not positive definite and was repaired."""


class LowReliabilityWarning(BurnoutkitWarning):
    """A reliability coefficient is below the threshold for its intended use."""


class ListwiseDeletionWarning(BurnoutkitWarning):
    """Rows with missing values in model variables were dropped before fitting."""


class SmallProfileWarning(BurnoutkitWarning):
    """A latent profile is too small to interpret or to replicate (its size and share are named)."""


class SparseCategoryWarning(BurnoutkitWarning):
    """An ordinal item's category has very few respondents (item, category, group, count named)."""
