"""Shims around third-party APIs whose behaviour depends on the installed version.

factor_analyzer 0.5.1 calls ``sklearn.utils.check_array(force_all_finite=...)``: scikit-learn
1.6 and 1.7 accept the argument with a ``FutureWarning`` and 1.8 removed it (``pyproject.toml``
caps scikit-learn below 1.8; ``tests/test_dependencies.py`` guards the cap). The shim silences
only that deprecation and turns factor_analyzer's own convergence message into a
:class:`~burnoutkit.ConvergenceWarning`.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

import numpy as np

__all__ = ["blas_single_thread", "fit_factor_analyzer"]

_SKLEARN_RENAME = r".*'force_all_finite' was renamed to 'ensure_all_finite'.*"


def fit_factor_analyzer(
    r: np.ndarray, n_factors: int, method: str
) -> tuple[np.ndarray, list[str]]:
    """Unrotated ``minres`` or ``ml`` loadings of a correlation matrix from factor_analyzer.

    Returns the loadings and the convergence messages factor_analyzer emitted (empty when the
    optimizer reported success).
    """
    from factor_analyzer import FactorAnalyzer

    model = FactorAnalyzer(
        n_factors=n_factors,
        method=method,
        rotation=None,
        is_corr_matrix=True,
        use_smc=True,
        bounds=(0.005, 1),
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", message=_SKLEARN_RENAME, category=FutureWarning)
        model.fit(np.array(r, dtype=float, copy=True))
    problems: list[str] = []
    for w in caught:
        text = str(w.message)
        if text.startswith("Failed to converge"):
            problems.append(text)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return np.asarray(model.loadings_, dtype=float), problems


@contextlib.contextmanager
def blas_single_thread() -> Iterator[None]:
    """Run BLAS on one thread inside the block.

    Many small products are faster so, and much faster on a busy machine, where OpenBLAS
    threads wait for each other. A no-op without threadpoolctl (which scikit-learn installs).
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - scikit-learn depends on threadpoolctl
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield
