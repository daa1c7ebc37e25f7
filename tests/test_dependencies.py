"""The environment factor_analyzer needs.

factor_analyzer 0.5.1 calls ``sklearn.utils.check_array(force_all_finite=...)``; scikit-learn
1.8 removed that argument, so ``FactorAnalyzer.fit`` raises ``TypeError`` there. pyproject.toml
caps scikit-learn below 1.8. These tests fail loudly if the cap is lifted (or bypassed) while
factor_analyzer still has the call.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest

from burnoutkit._compat import fit_factor_analyzer

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def _factor_analyzer_calls_force_all_finite() -> bool:
    import factor_analyzer.factor_analyzer as module

    return "force_all_finite" in Path(module.__file__).read_text()


@pytest.mark.filterwarnings(
    "ignore:'force_all_finite' was renamed to 'ensure_all_finite':FutureWarning"
)
def test_factor_analyzer_fit_runs():
    """FactorAnalyzer.fit on raw data, the call scikit-learn 1.8 breaks."""
    from factor_analyzer import FactorAnalyzer

    rng = np.random.default_rng(0)
    f = rng.standard_normal((200, 1))
    x = f @ np.full((1, 6), 0.7) + 0.7 * rng.standard_normal((200, 6))
    model = FactorAnalyzer(n_factors=1, rotation=None, method="minres")
    model.fit(x)
    assert model.loadings_.shape == (6, 1)


def test_compat_shim_fits_without_leaking_warnings():
    rng = np.random.default_rng(1)
    r = np.corrcoef(rng.standard_normal((300, 5)) + rng.standard_normal((300, 1)), rowvar=False)
    loadings, problems = fit_factor_analyzer(r, 1, "minres")
    assert loadings.shape == (5, 1) and problems == []


def test_scikit_learn_cap_is_honoured():
    """Installed scikit-learn < 1.8 while factor_analyzer still passes force_all_finite."""
    if not _factor_analyzer_calls_force_all_finite():
        pytest.skip("factor_analyzer no longer passes force_all_finite; the cap can be lifted")
    installed = _version(metadata.version("scikit-learn"))
    assert installed < (1, 8), (
        f"scikit-learn {metadata.version('scikit-learn')} is installed, but factor_analyzer "
        f"{metadata.version('factor_analyzer')} calls check_array(force_all_finite=...), which "
        "scikit-learn 1.8 removed. Install scikit-learn<1.8 (as pyproject.toml requires)."
    )


def test_pyproject_keeps_the_cap():
    if not PYPROJECT.exists():
        pytest.skip("not a source checkout")
    if not _factor_analyzer_calls_force_all_finite():
        pytest.skip("factor_analyzer no longer passes force_all_finite; the cap can be lifted")
    text = PYPROJECT.read_text()
    spec = re.search(r'"scikit-learn([^"]*)"', text)
    assert spec is not None, "pyproject.toml no longer lists scikit-learn"
    assert "<1.8" in spec.group(1).replace(" ", ""), (
        "pyproject.toml lifted the scikit-learn<1.8 cap, but factor_analyzer still calls "
        "check_array(force_all_finite=...), removed in scikit-learn 1.8."
    )
    assert '"factor_analyzer==0.5.1"' in text
