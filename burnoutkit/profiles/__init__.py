"""Latent profile analysis: enumeration, fitting, labelling and relating profiles to outcomes.

The four Gaussian parameterizations use tidyLPA's words (``variances``, ``covariances``) and
reproduce mclust's models EEI, VVI, EEE and VVV.
"""

from burnoutkit.profiles.enumerate import EnumerationResult, enumerate_profiles
from burnoutkit.profiles.fit import ProfileResult, fit_profiles
from burnoutkit.profiles.outcomes import ProfileOutcomesResult, profile_outcomes
from burnoutkit.profiles.templates import burnout_template

__all__ = [
    "EnumerationResult",
    "ProfileOutcomesResult",
    "ProfileResult",
    "burnout_template",
    "enumerate_profiles",
    "fit_profiles",
    "profile_outcomes",
]
