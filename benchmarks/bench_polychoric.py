"""Polychoric correlations of the 25 bfi items: burnoutkit against psych::polychoric.

Run from the repository root: ``python benchmarks/bench_polychoric.py [repeats]``. Both sides
read the same file (datasets/public/bfi.csv); R is timed inside R with ``system.time`` (elapsed
seconds, after a warm-up run), Python with ``time.perf_counter``. The best of ``repeats`` runs
is compared. psych runs its item pairs in parallel (``mc.cores``, 2 by default); it is timed
with 2 cores and with 1.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import burnoutkit as bk
from burnoutkit.datasets import load_bfi

ROOT = Path(__file__).resolve().parent.parent
ITEMS = [f"{trait}{i}" for trait in "ACENO" for i in range(1, 6)]


def time_python(repeats: int) -> tuple[float, np.ndarray]:
    data = load_bfi()
    res = bk.correlation(data, items=ITEMS, method="polychoric")  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        res = bk.correlation(data, items=ITEMS, method="polychoric")
        times.append(time.perf_counter() - start)
    return min(times), res.matrix.to_numpy()


def time_r(repeats: int, cores: int) -> tuple[float, str]:
    run = subprocess.run(
        ["Rscript", str(ROOT / "benchmarks" / "bench_polychoric.R"), str(repeats), str(cores)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = run.stdout.splitlines()
    times = [float(line.split()[1]) for line in lines if line.startswith("elapsed")]
    versions = next(line for line in lines if line.startswith("versions"))
    return min(times), versions


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    py_time, _ = time_python(repeats)
    print(f"burnoutkit.correlation(method='polychoric'), 25 bfi items: {py_time:.4f} s "
          f"(best of {repeats})")
    if shutil.which("Rscript") is None:
        print("Rscript not found: psych::polychoric not timed")
        return
    for cores in (2, 1):
        r_time, versions = time_r(repeats, cores)
        print(f"psych::polychoric, 25 bfi items, mc.cores = {cores}: {r_time:.4f} s "
              f"(best of {repeats}; {versions.removeprefix('versions ')})")
        print(f"  ratio psych / burnoutkit: {r_time / py_time:.1f}x")


if __name__ == "__main__":
    main()
