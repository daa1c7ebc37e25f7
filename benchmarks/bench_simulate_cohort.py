"""Time simulate_cohort, and compute the Monte Carlo SDs behind the recovery-test tolerances.

Timing (the target is N = 100,000 in under 10 s):

    python benchmarks/bench_simulate_cohort.py [--n 100000] [--repeats 5]

Monte Carlo over replicate cohorts of N = 3000 (seeds 2000, 2001, ...), as quoted in
docs/reference-cohort.md and tests/test_cohort_recovery.py:

    python benchmarks/bench_simulate_cohort.py --monte-carlo 200            # slopes from items
    python benchmarks/bench_simulate_cohort.py --monte-carlo 50 --full     # + alphas, CFI, outcomes

The slopes of G and L on B come from semopy's ML fit of the generating structure of the core
and sensitivity factors (cross-loading, acquiescence factor, pair residual covariances) to the
pairwise covariance matrix of the non-careless respondents.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

import burnoutkit as bk
from burnoutkit.datasets import simulate_cohort

CORE = ["ex", "md", "re"]


def bench_time(n: int, repeats: int) -> None:
    simulate_cohort(1000, random_state=0)  # warm-up: imports, bank loading
    times = []
    for seed in range(repeats):
        start = time.perf_counter()
        cohort = simulate_cohort(n, random_state=seed)
        times.append(time.perf_counter() - start)
    print(
        f"simulate_cohort(n={n:,}): best {min(times):.2f} s, median "
        f"{statistics.median(times):.2f} s over {repeats} runs; data {cohort.data.shape}"
    )


def _generating_model(bank: bk.ItemBank) -> tuple[str, list[str]]:
    scales = [*CORE, "gs", "ls"]
    items = [i for s in scales for i in bank.items_of(s)]
    lines = [f"{s} =~ " + " + ".join(bank.items_of(s)) for s in scales]
    lines.append("md =~ ex2")
    lines.append("acq =~ " + " + ".join(f"1*{i}" for i in items))
    lines += [f"acq ~~ 0*{s}" for s in scales]
    lines += [f"{g} ~~ {loss}" for g, loss in bank.pairs]
    return "\n".join(lines), items


def _item_slopes(cohort, bank: bk.ItemBank) -> dict[str, float]:
    import semopy

    model, items = _generating_model(bank)
    data = cohort.data.loc[~cohort.truth.respondents["careless"].to_numpy(), items]
    fitted = semopy.Model(model)
    fitted.fit(cov=data.cov(), n_samples=len(data))
    est = fitted.inspect(std_est=True)
    names = [*CORE, "gs", "ls"]
    phi = pd.DataFrame(np.eye(5), index=names, columns=names)
    cov = est[(est["op"] == "~~") & est["lval"].isin(names) & est["rval"].isin(names)]
    for _, row in cov.iterrows():
        if row["lval"] != row["rval"]:
            phi.loc[row["lval"], row["rval"]] = phi.loc[row["rval"], row["lval"]] = row["Est. Std"]
    ones = np.ones(3)
    sd_b = np.sqrt(ones @ phi.loc[CORE, CORE].to_numpy() @ ones)
    acq = est[(est["rval"] == "acq") & (est["op"] == "~")]["Est. Std"].abs().mean()
    return {
        "gain_items": float(phi.loc["gs", CORE].to_numpy() @ ones / sd_b),
        "loss_items": float(phi.loc["ls", CORE].to_numpy() @ ones / sd_b),
        "acquiescence": float(acq),
        "cfi_generating": float(semopy.calc_stats(fitted)["CFI"].iloc[0]),
    }


def _full(cohort, bank: bk.ItemBank) -> dict[str, float]:
    import pingouin as pg
    import semopy

    keyed = cohort.data[bank.item_ids].copy()
    for item in bank.reversed_items:
        keyed[item] = 6 - keyed[item]
    alphas = [pg.cronbach_alpha(keyed[bank.items_of(s)])[0] for s in bank.scale_ids]
    out = {"alpha_min": min(alphas), "alpha_max": max(alphas)}
    cov = cohort.data[bank.item_ids].cov()
    true = "\n".join(f"{s} =~ " + " + ".join(bank.items_of(s)) for s in bank.scale_ids)
    for name, model in (("cfi_bank", true), ("cfi_one", "g =~ " + " + ".join(bank.item_ids))):
        fitted = semopy.Model(model)
        fitted.fit(cov=cov, n_samples=len(cohort.data))
        out[name] = float(semopy.calc_stats(fitted)["CFI"].iloc[0])
    r = cohort.truth.respondents
    for name, share in r["profile"].value_counts(normalize=True).items():
        out[f"share_{name}"] = share
    out["absence_mean"] = cohort.data["absence_days"].mean()
    out["turnover_rate"] = cohort.data["turnover_intention"].mean()
    out["r_wellbeing_ex"] = np.corrcoef(cohort.data["wellbeing"], r["ex"])[0, 1]
    return out


def monte_carlo(replicates: int, full: bool) -> None:
    bank = bk.load_bank("bai")
    rows = []
    for seed in range(2000, 2000 + replicates):
        for asymmetry in (True, False):
            cohort = simulate_cohort(3000, random_state=seed, asymmetry=asymmetry)
            r = cohort.truth.respondents
            row = {"asymmetry": asymmetry}
            row["gain_latent"] = np.polyfit(r["B"], r["gs"], 1)[0]
            row["loss_latent"] = np.polyfit(r["B"], r["ls"], 1)[0]
            row["difference_latent"] = row["gain_latent"] - row["loss_latent"]
            row |= _item_slopes(cohort, bank)
            row["difference_items"] = row["gain_items"] - row["loss_items"]
            if full and asymmetry:
                row |= _full(cohort, bank)
            rows.append(row)
    table = pd.DataFrame(rows).groupby("asymmetry").agg(["mean", "std"]).T
    with pd.option_context("display.max_rows", 200, "display.width", 120):
        print(f"Monte Carlo over {replicates} cohorts of N = 3000 (seeds from 2000)")
        print(table.round(4))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--monte-carlo", type=int, default=0, metavar="REPLICATES")
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args()
    if args.monte_carlo:
        monte_carlo(args.monte_carlo, args.full)
    else:
        bench_time(args.n, args.repeats)


if __name__ == "__main__":
    main()
