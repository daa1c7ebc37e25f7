"""Time bk.cfa against lavaan::cfa on the same models and data.

Cases: the Holzinger-Swineford three-factor model (N = 301, ML and MLR), the same model by
school (two groups), a simulated 16-factor x 5-item model (N = 3000), and the built-in BAI
inventory's 78-item, 16-factor model (N = 3000, data simulated from its structure). The
simulated data are written to a temporary CSV that both sides read. lavaan is timed inside R
(``system.time`` around ``cfa()``), so R's start-up is not counted; each side reports the best
of ``--repeats`` runs, and the chi-squares are printed side by side as a parity check. Both
sides fit the full model: estimates, standard errors, baseline model and fit measures.

Usage: python benchmarks/bench_cfa.py [--repeats 3] [--n 3000]
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
from burnoutkit.datasets import load_holzinger_swineford

HERE = Path(__file__).resolve().parent
HS = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"


def simulated_factors(n: int, n_factors: int = 16, per: int = 5, seed: int = 1):
    rng = np.random.default_rng(seed)
    p = n_factors * per
    loadings = np.zeros((p, n_factors))
    for f in range(n_factors):
        loadings[f * per : (f + 1) * per, f] = rng.uniform(0.5, 0.85, per)
    phi = 0.3 + 0.7 * np.eye(n_factors)
    sigma = loadings @ phi @ loadings.T
    sigma += np.diag(1 - np.diag(sigma))
    data = pd.DataFrame(rng.multivariate_normal(np.zeros(p), sigma, size=n),
                        columns=[f"y{i + 1}" for i in range(p)])
    model = "\n".join(
        f"f{f + 1} =~ " + " + ".join(f"y{f * per + k + 1}" for k in range(per))
        for f in range(n_factors)
    )
    return data, model


def simulated_bank(n: int, seed: int = 2):
    bank = bk.load_bank("bai")
    rng = np.random.default_rng(seed)
    scales, items, keys = bank.scale_ids, bank.item_ids, bank.keys
    loadings = np.zeros((len(items), len(scales)))
    for j, item in enumerate(items):
        loadings[j, scales.index(bank.item(item).scale)] = rng.uniform(0.55, 0.85) * keys[item]
    phi = 0.4 + 0.6 * np.eye(len(scales))
    sigma = loadings @ phi @ loadings.T
    sigma += np.diag(1 - np.diag(sigma))
    data = pd.DataFrame(rng.multivariate_normal(np.full(len(items), 3.0), sigma, size=n),
                        columns=items)
    return data, bank.to_lavaan(structure="correlated")


def time_python(data, model, estimator, group, repeats):
    best, res = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        res = bk.cfa(data, model=model, estimator=estimator, group=group)
        best = min(best, time.perf_counter() - start)
    return best, res.chisq


def time_r(csv: Path, model_file: Path, estimator, group, repeats):
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None, None
    out = subprocess.run(
        [rscript, str(HERE / "bench_cfa.R"), str(csv), str(model_file), estimator,
         group or "-", str(repeats)],
        check=True, capture_output=True, text=True,
    )
    lines = out.stdout.split("\n")
    times = [float(x) for x in lines if x and not x.startswith("chisq")]
    chisq = next(float(x.split()[1]) for x in lines if x.startswith("chisq"))
    return min(times), chisq


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--n", type=int, default=3000)
    args = parser.parse_args()
    hs = load_holzinger_swineford()
    sim, sim_model = simulated_factors(args.n)
    bank_data, bank_model = simulated_bank(args.n)
    cases = [
        ("HS 3 factors, ML", hs, HS, "ML", None),
        ("HS 3 factors, MLR", hs, HS, "MLR", None),
        ("HS by school (2 groups)", hs, HS, "ML", "school"),
        (f"16 x 5 simulated, N={args.n}", sim, sim_model, "ML", None),
        ("16 x 5 simulated, MLR", sim, sim_model, "MLR", None),
        (f"BAI 78 items, N={args.n}", bank_data, bank_model, "ML", None),
        ("BAI 78 items, MLR", bank_data, bank_model, "MLR", None),
    ]
    header = f"{'case':<28} {'burnoutkit (s)':>14} {'lavaan (s)':>11} {'ratio':>7}"
    print(header + f" {'chisq burnoutkit':>17} {'chisq lavaan':>13}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, data, model, estimator, group in cases:
            csv = Path(tmp) / "data.csv"
            model_file = Path(tmp) / "model.lav"
            data.to_csv(csv, index=False, float_format="%.10g")
            model_file.write_text(model)
            data = pd.read_csv(csv)  # both sides fit exactly the same numbers
            ours, chisq = time_python(data, model, estimator, group, args.repeats)
            theirs, chisq_r = time_r(csv, model_file, estimator, group, args.repeats)
            ratio = f"{theirs / ours:.1f}x" if theirs else "n/a"
            shown = f"{theirs:.3f}" if theirs else "no R"
            chisq_shown = f"{chisq_r:.4f}" if chisq_r is not None else "n/a"
            print(f"{name:<28} {ours:>14.3f} {shown:>11} {ratio:>7} {chisq:>17.4f} "
                  f"{chisq_shown:>13}")


if __name__ == "__main__":
    main()
