r"""Gain/loss sensitivity asymmetry checks: whether the asymmetry can be interpreted, and its size.

:func:`asymmetry` runs, on an item bank with matched gain/loss pairs, the chain of checks a
claim about gain/loss asymmetry needs before its numbers can be reported:

1. **separability**: gain and loss sensitivity are distinct constructs;
2. **comparability**: pair partners measure gain and loss on one metric (within-person
   invariance of loadings and intercepts);
3. **method control**: an acquiescence factor keeps a general response style from posing as
   asymmetry;
4. **the asymmetry index**: per-person index, its reliability, the group-level asymmetry;
5. **severity gradient**: slopes of gain and of loss sensitivity on burnout severity and the
   test that they differ.

Every latent model is fitted with :func:`burnoutkit.cfa` and agrees with lavaan on the same
syntax (``tests/reference/asymmetry_lavaan.R``). The formulas are in ``docs/methods/asymmetry.md``.
"""

from burnoutkit.asymmetry._models import (
    comparability_models,
    separability_models,
    severity_models,
)
from burnoutkit.asymmetry._severity import gradient_test as gradient_test
from burnoutkit.asymmetry._stats import _wald_equal as _wald_equal
from burnoutkit.asymmetry.api import asymmetry
from burnoutkit.asymmetry.result import AsymmetryResult

__all__ = [
    "AsymmetryResult",
    "asymmetry",
    "comparability_models",
    "separability_models",
    "severity_models",
]
