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
    """Skip the tests that need R or Chromium where they are not installed.

    Browser tests are not skipped in CI (``CI=true``): there a missing browser fails them.
    """
    import os
    import shutil
    from pathlib import Path

    skips = {}
    if not shutil.which("Rscript"):
        skips["r"] = pytest.mark.skip(
            reason="Rscript not found; scripts/install_r.sh installs R and the reference packages"
        )
    browser = all(Path(p).is_file() for p in ("/usr/bin/chromium", "/usr/bin/chromedriver"))
    if not browser and os.environ.get("CI") != "true":
        skips["browser"] = pytest.mark.skip(
            reason="/usr/bin/chromium or /usr/bin/chromedriver not found; "
            "scripts/install_chromium.sh installs them"
        )
    for item in items:
        for marker, skip in skips.items():
            if marker in item.keywords:
                item.add_marker(skip)
