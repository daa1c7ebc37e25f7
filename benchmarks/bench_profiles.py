"""Time bk.enumerate_profiles against mclust::Mclust on the same enumeration task.

Task: 1 to 8 profiles x the four parameterizations (EEI, VVI, EEE, VVV) on N = 3000 respondents
x 3 indicators (five simulated Gaussian burnout profiles, written to a temporary CSV that both
sides read). burnoutkit runs 20 random starts per model (the best 5 run to convergence, EM
tolerance 1e-8, no bootstrap: n_boot=0); mclust runs one EM per model from its hierarchical
initialization (tolerance 1e-5), so the two do different amounts of work: mclust is timed doing
what it does by default. mclust is timed inside R (``system.time`` around ``Mclust()``), so R's
start-up is not counted; each side reports the best of ``--repeats`` runs. The BICs are compared
model by model as a parity check (burnoutkit's are lower-is-better, mclust's the negative):
``higher`` counts the models where our log-likelihood is higher than mclust's by more than
0.01 (mclust's single start stopped at a lower maximum, or its looser tolerance stopped early).

Usage: python benchmarks/bench_profiles.py [--repeats 3] [--n 3000] [--n-boot 0]
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
MODELS = {"variances": ["equal", "varying", "equal", "varying"],
          "covariances": ["zero", "zero", "equal", "varying"]}


def simulated(n: int, seed: int = 1) -> pd.DataFrame:
    template = bk.burnout_template()
    rng = np.random.default_rng(seed)
    labels = rng.choice(5, size=n, p=[0.35, 0.15, 0.20, 0.15, 0.15])
    x = template.to_numpy()[labels] + rng.normal(0.0, 0.45, (n, 3))
    return pd.DataFrame(x, columns=template.columns)


def time_python(data: pd.DataFrame, repeats: int, n_boot: int):
    best, res = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", bk.ConvergenceWarning)
            warnings.simplefilter("ignore", bk.SmallProfileWarning)
            res = bk.enumerate_profiles(data, n_profiles=range(1, 9), n_init=20, n_boot=n_boot,
                                        random_state=1, progress=False, **MODELS)
        best = min(best, time.perf_counter() - start)
    return best, res


def time_r(csv: Path, repeats: int):
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None, None
    out = subprocess.run([rscript, str(HERE / "bench_profiles.R"), str(csv), str(repeats)],
                         check=True, capture_output=True, text=True)
    lines = [x for x in out.stdout.split("\n") if x]
    times = [float(x) for x in lines if not x.startswith("bic")]
    bic = {}
    for line in lines:
        if line.startswith("bic"):
            _, model, g, value = line.split()
            bic[model, int(g)] = float(value) if value != "NA" else np.nan
    return min(times), bic


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--n-boot", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "data.csv"
        simulated(args.n).to_csv(csv, index=False, float_format="%.10g")
        data = pd.read_csv(csv)  # both sides fit exactly the same numbers
        ours, res = time_python(data, args.repeats, args.n_boot)
        theirs, bic = time_r(csv, args.repeats)
    print(f"enumeration 1-8 profiles x EEI/VVI/EEE/VVV, N = {args.n} x 3, best of "
          f"{args.repeats}")
    print(f"{'burnoutkit (20 starts) s':>26} {'mclust (1 hc start) s':>22} {'ratio':>7}")
    shown = f"{theirs:.3f}" if theirs else "no R"
    ratio = f"{ours / theirs:.2f}x" if theirs else "n/a"
    print(f"{ours:>26.3f} {shown:>22} {ratio:>7}")
    if bic:
        fits = res.fits.set_index(["model", "n_profiles"])
        diff = np.array([-fits.loc[key, "bic"] - value for key, value in bic.items()])
        same = np.sum(np.abs(diff) <= 0.02)
        higher = np.sum(diff > 0.02)
        lower = np.sum(diff < -0.02)
        print(f"BIC parity over {len(diff)} models: {same} equal (|diff| <= 0.02), {higher} "
              f"higher likelihood in burnoutkit, {lower} lower; largest |diff| among the equal: "
              f"{np.abs(diff[np.abs(diff) <= 0.02]).max():.4f}")
        print(res.fits[["model", "n_profiles", "bic"]].assign(
            mclust_bic=[-bic[m, g] for m, g in zip(res.fits["model"], res.fits["n_profiles"],
                                                   strict=True)]).round(3).to_string(index=False))


if __name__ == "__main__":
    main()
