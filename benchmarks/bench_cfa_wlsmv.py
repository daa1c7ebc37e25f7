"""Time the ordinal CFA (WLSMV) of bk.cfa against lavaan::cfa(ordered = TRUE) on the same data.

The case: 12 scales of the built-in BAI inventory (60 items: ten 5-item scales, ``gs`` with 6
items and ``dq`` with 4), N = 3000 respondents, five response categories, data simulated from a
graded (threshold) model with the bank's structure (loadings 0.55-0.85 on the latent
responses, reverse-keyed items loading negatively, factor correlations 0.4, item thresholds
around -1.4, -0.5, 0.4, 1.3). A smaller case (the three BAI core scales, 15 items) is timed
too. The data are written to a temporary CSV that both sides read. lavaan is timed inside R
(``system.time`` around ``cfa()``, R's start-up not counted); each side reports the best of
``--repeats`` runs. Both sides compute everything a default fit reports: thresholds,
polychoric correlations and their asymptotic covariance matrix, DWLS estimates, robust
standard errors, the scaled-shifted test with the baseline model, and (in the Python fit) the
scaled and robust fit measures. The scaled chi-squares and the largest difference between the
two sets of estimates are printed as a parity check.

Usage: python benchmarks/bench_cfa_wlsmv.py [--repeats 1] [--n 3000]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import burnoutkit as bk

HERE = Path(__file__).resolve().parent
SCALES_60 = ("ex", "md", "re", "ar", "rr", "gs", "er", "dq", "sm", "ad", "rg", "ss")
SCALES_15 = ("ex", "md", "re")


def simulated_ordinal(n: int, scales: tuple[str, ...], seed: int = 3):
    """Five-category responses from a graded model with the BAI bank's structure."""
    bank = bk.load_bank("bai")
    rng = np.random.default_rng(seed)
    items = [i for i in bank.item_ids if bank.item(i).scale in scales]
    keys = bank.keys
    loadings = np.zeros((len(items), len(scales)))
    for j, item in enumerate(items):
        loadings[j, scales.index(bank.item(item).scale)] = rng.uniform(0.55, 0.85) * keys[item]
    phi = 0.4 + 0.6 * np.eye(len(scales))
    sigma = loadings @ phi @ loadings.T
    sigma += np.diag(1 - np.diag(sigma))
    ystar = rng.multivariate_normal(np.zeros(len(items)), sigma, size=n)
    base = np.array([-1.4, -0.5, 0.4, 1.3])
    cats = np.empty(ystar.shape, dtype=int)
    for j in range(len(items)):
        tau = base + rng.normal(0, 0.15, 4)
        cats[:, j] = np.searchsorted(np.sort(tau), ystar[:, j]) + 1
    data = pd.DataFrame(cats, columns=items)
    model = "\n".join(
        f"{s} =~ " + " + ".join(i for i in items if bank.item(i).scale == s) for s in scales
    )
    return data, model


def time_python(data: pd.DataFrame, model: str, repeats: int):
    best, res = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        res = bk.cfa(data, model=model, estimator="WLSMV")
        best = min(best, time.perf_counter() - start)
    return best, res


def time_r(csv: Path, model_file: Path, params_file: Path, repeats: int):
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None, None
    out = subprocess.run(
        [rscript, str(HERE / "bench_cfa_wlsmv.R"), str(csv), str(model_file), str(repeats),
         str(params_file)],
        check=True, capture_output=True, text=True,
    )
    lines = [x for x in out.stdout.split("\n") if x]
    times = [float(x) for x in lines if not x.startswith("chisq")]
    chisq = next(float(x.split()[1]) for x in lines if x.startswith("chisq"))
    return min(times), chisq


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--n", type=int, default=3000)
    args = parser.parse_args()
    cases = [
        (f"BAI 3 scales, 15 items, N={args.n}", *simulated_ordinal(args.n, SCALES_15)),
        (f"BAI 12 scales, 60 items, N={args.n}", *simulated_ordinal(args.n, SCALES_60)),
    ]
    print(f"{'case':<34} {'burnoutkit (s)':>14} {'lavaan (s)':>11} {'ratio':>7} "
          f"{'chisq.scaled bk':>16} {'lavaan':>12} {'max |est diff|':>15}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, data, model in cases:
            csv = Path(tmp) / "data.csv"
            model_file = Path(tmp) / "model.lav"
            params_file = Path(tmp) / "params.csv"
            data.to_csv(csv, index=False)
            model_file.write_text(model)
            data = pd.read_csv(csv)
            ours, res = time_python(data, model, args.repeats)
            theirs, chisq_r = time_r(csv, model_file, params_file, args.repeats)
            if theirs is None:
                print(f"{name:<34} {ours:>14.3f} {'no R':>11}")
                continue
            ref = pd.read_csv(params_file, keep_default_na=False, na_values=["NA"])
            merged = res.tidy().merge(ref, on=["lhs", "op", "rhs"])
            diff = float(np.max(np.abs(merged["estimate"] - merged["est"])))
            print(f"{name:<34} {ours:>14.3f} {theirs:>11.3f} {theirs / ours:>6.1f}x "
                  f"{res.fit_measures['chisq_scaled']:>16.4f} {chisq_r:>12.4f} {diff:>15.2e}")


if __name__ == "__main__":
    main()
