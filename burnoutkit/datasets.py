"""Shipped data sets: the reference cohort and public data for replications.

The files live in the repository's ``datasets/`` folder and are installed with the package (as
``burnoutkit/_datasets``), so the loaders work from a wheel as well as from a checkout.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

from burnoutkit.errors import DatasetError

__all__ = ["dataset_path", "load_bfi", "load_holzinger_swineford"]


def dataset_path(*parts: str) -> Path:
    """Path of a shipped data file, from the installed package or a source checkout."""
    installed = Path(str(resources.files("burnoutkit"))) / "_datasets"
    checkout = Path(__file__).resolve().parent.parent / "datasets"
    for root in (installed, checkout):
        path = root.joinpath(*parts)
        if path.exists():
            return path
    raise DatasetError(
        f"The data file {'/'.join(parts)!r} is missing from this burnoutkit installation "
        f"(looked in {installed} and {checkout}). Reinstall burnoutkit with pip."
    )


def load_bfi() -> pd.DataFrame:
    """The 25 Big Five items of psych's ``bfi`` (N = 2800) with gender, education and age.

    Items are 1-6 ratings (A1-O5); ``id`` is the SAPA respondent number (the R row name).
    Redistributed from the R package psychTools (GPL-2 | GPL-3); data from the SAPA project.

    References
    ----------
    Revelle, W., Wilt, J., & Rosenthal, A. (2010). Individual differences in cognition: New
    methods for examining the personality-cognition link. In A. Gruszka et al. (Eds.), *Handbook
    of Individual Differences in Cognition* (pp. 27-49). Springer.

    Examples
    --------
    >>> from burnoutkit.datasets import load_bfi
    >>> load_bfi().shape
    (2800, 29)
    """
    return pd.read_csv(dataset_path("public", "bfi.csv"))


def load_holzinger_swineford() -> pd.DataFrame:
    """Holzinger & Swineford's (1939) mental-ability data, as shipped with lavaan (N = 301).

    Nine tests ``x1``-``x9`` (visual, textual, speed), with ``school`` (Pasteur, Grant-White),
    sex, age and grade.

    References
    ----------
    Holzinger, K. J., & Swineford, F. (1939). *A study in factor analysis: The stability of a
    bi-factor solution*. Supplementary Educational Monographs, 48. University of Chicago.

    Examples
    --------
    >>> from burnoutkit.datasets import load_holzinger_swineford
    >>> load_holzinger_swineford()["school"].value_counts().sort_index().to_dict()
    {'Grant-White': 145, 'Pasteur': 156}
    """
    return pd.read_csv(dataset_path("public", "holzinger_swineford_1939.csv"))
