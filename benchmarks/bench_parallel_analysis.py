"""Time bk.parallel_analysis against psych::fa.parallel on bfi with the same n_iter.

Both do the same work: component and one-factor minres eigenvalues of n_iter simulated normal
data sets and n_iter resampled data sets of the 25 bfi items (2436 complete cases). psych is
timed inside R (``system.time``), so R's start-up is not counted; each side reports the best of
``--repeats`` runs. psych runs on one core (``mc.cores = 1``).

Usage: python benchmarks/bench_parallel_analysis.py [--n-iter 20 100] [--repeats 3]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import time
from pathlib import Path

import burnoutkit as bk
from burnoutkit.datasets import load_bfi

HERE = Path(__file__).resolve().parent
ITEMS = [f"{t}{i}" for t in "ACENO" for i in range(1, 6)]


def time_python(n_iter: int, repeats: int) -> float:
    data = load_bfi()[ITEMS].dropna()
    best = float("inf")
    for seed in range(repeats):
        start = time.perf_counter()
        bk.parallel_analysis(data, n_iter=n_iter, random_state=seed)
        best = min(best, time.perf_counter() - start)
    return best


def time_r(n_iter: int, repeats: int) -> float | None:
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None
    out = subprocess.run(
        [rscript, str(HERE / "bench_parallel_analysis.R"), str(n_iter), str(repeats)],
        check=True,
        capture_output=True,
        text=True,
    )
    return min(float(line) for line in out.stdout.split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-iter", type=int, nargs="+", default=[20, 100])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"{'n_iter':>7} {'burnoutkit (s)':>15} {'psych (s)':>10} {'psych / burnoutkit':>19}")
    for n_iter in args.n_iter:
        ours = time_python(n_iter, args.repeats)
        theirs = time_r(n_iter, args.repeats)
        ratio = f"{theirs / ours:.1f}x" if theirs is not None else "n/a"
        shown = f"{theirs:.3f}" if theirs is not None else "no Rscript"
        print(f"{n_iter:>7} {ours:>15.3f} {shown:>10} {ratio:>19}")


if __name__ == "__main__":
    main()
