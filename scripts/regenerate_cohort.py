"""Regenerate the shipped reference cohort in datasets/reference_cohort/.

Run from the repository root:  python scripts/regenerate_cohort.py
The files are a pure function of the seed, N and the population model (version 1.1), so a run
on an unchanged checkout reproduces them byte for byte; tests/test_datasets.py checks this.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from burnoutkit.datasets import REFERENCE_N, REFERENCE_SEED, simulate_cohort

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "datasets" / "reference_cohort"


def main() -> int:
    cohort = simulate_cohort(REFERENCE_N, random_state=REFERENCE_SEED)
    cohort.save(TARGET)
    print(f"wrote {TARGET} ({cohort!r}) with numpy {np.__version__}, pandas {pd.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
