"""Shared fixtures: shipped data sets and banks, loaded once per session."""

from __future__ import annotations

import pandas as pd
import pytest

import burnoutkit as bk
from burnoutkit.datasets import load_bfi, load_holzinger_swineford


@pytest.fixture(scope="session")
def bfi() -> pd.DataFrame:
    return load_bfi()


@pytest.fixture(scope="session")
def holzinger_swineford() -> pd.DataFrame:
    return load_holzinger_swineford()


@pytest.fixture(scope="session")
def bai() -> bk.ItemBank:
    return bk.load_bank("bai")


def pytest_collection_modifyitems(config, items):
    """Skip the tests that re-run R reference scripts where R is not installed."""
    import shutil

    if shutil.which("Rscript"):
        return
    skip = pytest.mark.skip(
        reason="Rscript not found; scripts/install_r.sh installs R and the reference packages"
    )
    for item in items:
        if "r" in item.keywords:
            item.add_marker(skip)
