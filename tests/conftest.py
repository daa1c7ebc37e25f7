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
