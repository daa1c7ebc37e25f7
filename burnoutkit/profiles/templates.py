"""Named mean patterns that fitted profiles can be labelled against.

Examples
--------
>>> from burnoutkit.profiles import burnout_template
>>> burnout_template().round(1)
              ex   md   re
engaged     -0.8 -0.8 -0.6
ineffective -0.3 -0.2  1.0
overextended 1.0 -0.2 -0.2
disengaged   0.2  1.1  0.4
burnout      1.3  1.3  0.9
"""

from __future__ import annotations

import pandas as pd

__all__ = ["burnout_template"]

_BURNOUT = {
    "engaged": (-0.8, -0.8, -0.6),
    "ineffective": (-0.3, -0.2, 1.0),
    "overextended": (1.0, -0.2, -0.2),
    "disengaged": (0.2, 1.1, 0.4),
    "burnout": (1.3, 1.3, 0.9),
}


def burnout_template() -> pd.DataFrame:
    """Return the five burnout profiles of Leiter and Maslach (2016) as a template of means.

    One row per profile (engaged, ineffective, overextended, disengaged, burnout), one column per
    core burnout scale of the burnoutkit inventory (``ex`` exhaustion, ``md`` mental distance,
    ``re`` reduced efficacy), in standard-deviation units around the sample mean. These are the
    profile means of burnoutkit's reference cohort.

    Returns
    -------
    pandas.DataFrame
        A new frame on each call (changing it changes nothing else).

    Notes
    -----
    :func:`burnoutkit.fit_profiles` with ``template=burnout_template()`` (or ``"burnout"``)
    standardizes the fitted profile means by the sample mean and standard deviation of each
    indicator and gives each profile the template name that minimizes the total squared distance
    (Hungarian algorithm). Rename the columns to use the template with other indicator names.

    References
    ----------
    Leiter, M. P., & Maslach, C. (2016). Latent burnout profiles: A new approach to understanding
    the burnout experience. *Burnout Research, 3*(4), 89-100.
    https://doi.org/10.1016/j.burn.2016.09.001

    Examples
    --------
    >>> from burnoutkit.profiles import burnout_template
    >>> list(burnout_template().index)
    ['engaged', 'ineffective', 'overextended', 'disengaged', 'burnout']
    """
    return pd.DataFrame.from_dict(_BURNOUT, orient="index", columns=["ex", "md", "re"])
