"""burnoutkit: psychometrics for burnout assessment.

Validate item banks (reliability, factor structure, gain/loss asymmetry) and relate latent
profiles of respondents to outcomes, with numbers that agree with R's psych, lavaan and mclust.
"""

from burnoutkit._version import __version__
from burnoutkit._versions import show_versions, versions
from burnoutkit.banks import ItemBank, list_banks, load_bank
from burnoutkit.errors import (
    BankError,
    BurnoutkitError,
    BurnoutkitWarning,
    ConvergenceError,
    ConvergenceWarning,
    DataError,
    DatasetError,
    HeywoodCaseWarning,
    LowReliabilityWarning,
    NonPositiveDefiniteWarning,
    ProratingWarning,
    ResponseError,
    ResponseWarning,
)

__all__ = [
    "BankError",
    "BurnoutkitError",
    "BurnoutkitWarning",
    "ConvergenceError",
    "ConvergenceWarning",
    "DataError",
    "DatasetError",
    "HeywoodCaseWarning",
    "ItemBank",
    "LowReliabilityWarning",
    "NonPositiveDefiniteWarning",
    "ProratingWarning",
    "ResponseError",
    "ResponseWarning",
    "__version__",
    "list_banks",
    "load_bank",
    "show_versions",
    "versions",
]
