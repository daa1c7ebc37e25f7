"""Calibration and power of the latent severity-gradient test of ``bk.asymmetry``.

Fits the latent severity model with free and with equal gain/loss slopes (likelihood-ratio test
of equal slopes, the test behind check 5) on simulated cohorts of N = 1000 without careless
responders or missing answers (complete data, so listwise ML uses every row):

* null: ``simulate_cohort(asymmetry=False)``, both slopes -0.125;
* alternative: the reference population, slopes -0.35 and +0.10.

Usage::

    python benchmarks/bench_asymmetry_calibration.py --null 200 --alt 100

The results are reported in ``docs/methods/asymmetry.md``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy import stats

import burnoutkit as bk
from burnoutkit.asymmetry import gradient_test
from burnoutkit.datasets import simulate_cohort


def run(n_rep: int, *, asymmetry: bool, n: int = 1000, seed0: int = 5000) -> np.ndarray:
    bank = bk.load_bank("bai")
    p = np.empty(n_rep)
    for r in range(n_rep):
        cohort = simulate_cohort(
            n, random_state=seed0 + r, asymmetry=asymmetry, missing_share=0.0, careless_share=0.0
        )
        p[r] = gradient_test(bank, cohort.data)["p_value"]
    return p


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--null", type=int, default=200)
    parser.add_argument("--alt", type=int, default=100)
    args = parser.parse_args()
    t0 = time.perf_counter()
    p0 = run(args.null, asymmetry=False)
    k = int((p0 < 0.05).sum())
    lo, hi = stats.binom.ppf([0.025, 0.975], args.null, 0.05) / args.null
    print(
        f"null: {k}/{args.null} rejections = {k / args.null:.3f} "
        f"(95% binomial interval around .05: [{lo:.3f}, {hi:.3f}])"
    )
    p1 = run(args.alt, asymmetry=True, seed0=9000)
    print(
        f"power (reference alternative, N = 1000): {(p1 < 0.05).mean():.3f} over {args.alt} cohorts"
    )
    print(f"time: {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
