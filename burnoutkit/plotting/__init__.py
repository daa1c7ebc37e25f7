"""Seaborn figures used by the notebooks and reports; one module per analysis family.

Every function takes a result object (or a DataFrame), draws on ``ax`` when given, and returns
the matplotlib Axes or FacetGrid it drew on.
"""

from burnoutkit.plotting.asymmetry import (
    plot_asymmetry_by_profile,
    plot_pair_dumbbell,
    plot_sensitivity_by_severity,
)
from burnoutkit.plotting.profiles import (
    plot_enumeration,
    plot_profile_means,
    plot_profile_outcomes,
)

__all__ = [
    "plot_asymmetry_by_profile",
    "plot_enumeration",
    "plot_pair_dumbbell",
    "plot_profile_means",
    "plot_profile_outcomes",
    "plot_sensitivity_by_severity",
]
