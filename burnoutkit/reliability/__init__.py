"""Reliability: alpha, omega (Schmid-Leiman and CFA), split-half, SEM, test-retest, tables.

Alpha comes with CIs and an ordinal (polychoric) variant; omega from a Schmid-Leiman solution
(psych) or from a fitted CFA (semTools' compRelSEM).

Every function agrees with R's psych where psych computes the same quantity; the docstrings
name the R call.
"""

from burnoutkit.reliability._alpha import AlphaResult, alpha
from burnoutkit.reliability._cfa_omega import OmegaCFAResult, omega_cfa
from burnoutkit.reliability._omega import OmegaResult, omega
from burnoutkit.reliability._retest import TestRetestResult, test_retest
from burnoutkit.reliability._sem import (
    DifferenceReliabilityResult,
    SEMResult,
    difference_reliability,
    sem,
)
from burnoutkit.reliability._split_half import SplitHalfResult, split_half
from burnoutkit.reliability._table import DEFAULT_THRESHOLDS, ReliabilityResult, reliability

__all__ = [
    "DEFAULT_THRESHOLDS",
    "AlphaResult",
    "DifferenceReliabilityResult",
    "OmegaCFAResult",
    "OmegaResult",
    "ReliabilityResult",
    "SEMResult",
    "SplitHalfResult",
    "TestRetestResult",
    "alpha",
    "difference_reliability",
    "omega",
    "omega_cfa",
    "reliability",
    "sem",
    "split_half",
    "test_retest",
]
