"""Reliability: alpha (with CIs), omega, lambda-6, split-half, SEM, test-retest, per-scale tables.

Every function agrees with R's psych where psych computes the same quantity; the docstrings
name the R call.
"""

from burnoutkit.reliability._alpha import AlphaResult, alpha
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
    "OmegaResult",
    "ReliabilityResult",
    "SEMResult",
    "SplitHalfResult",
    "TestRetestResult",
    "alpha",
    "difference_reliability",
    "omega",
    "reliability",
    "sem",
    "split_half",
    "test_retest",
]
