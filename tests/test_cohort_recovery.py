"""Recovery of the population model from the reference cohort and from fresh draws.

Each test runs on the shipped cohort (seed 20261123) and on a fresh seed. Tolerances are
sampling-error bands: unless a test says otherwise, an estimate must lie within 4 standard
errors of its population value (N = 3000). A correct generator fails one such check with
probability 6e-5; with about 250 such checks (most of them the 77 invariant items, twice) the
file fails by chance on about 1.5% of new seeds, while a mis-specified generator (a wrong sign,
a slope off by .1) fails it. Where no closed-form standard error exists, the tolerance is 4
Monte Carlo standard deviations over replicate cohorts, computed by
``python benchmarks/bench_simulate_cohort.py --monte-carlo 200`` (docs/reference-cohort.md).

Reliability and CFA use burnoutkit's own ``bk.alpha`` and ``bk.cfa``, which are checked
against psych and lavaan in tests/test_reliability.py and tests/test_cfa_lavaan.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.stats import multivariate_normal
from sklearn.metrics import adjusted_rand_score

import burnoutkit as bk
from burnoutkit.datasets import (
    REFERENCE_SEED,
    Cohort,
    load_reference_cohort,
    simulate_cohort,
)

FRESH_SEED = 8
N = 3000
# Monte Carlo SDs of the slopes of G and L on B estimated from the items (generating CFA) and of
# their difference, over 200 cohorts of N = 3000 (seeds 2000-2199; docs/reference-cohort.md).
SLOPE_SD = 0.023
DIFFERENCE_SD = 0.025
CORE = ["ex", "md", "re"]


@pytest.fixture(scope="module", params=["shipped", "fresh"])
def cohort(request) -> Cohort:
    if request.param == "shipped":
        return load_reference_cohort()
    return simulate_cohort(N, random_state=FRESH_SEED)


@pytest.fixture(scope="module")
def bank() -> bk.ItemBank:
    return bk.load_bank("bai")


def _keyed(cohort: Cohort, bank: bk.ItemBank) -> pd.DataFrame:
    items = cohort.data[bank.item_ids].copy()
    for item in bank.reversed_items:
        items[item] = 6 - items[item]
    return items


def _clean(cohort: Cohort) -> np.ndarray:
    return ~cohort.truth.respondents["careless"].to_numpy()


def _fit(model: str, data: pd.DataFrame) -> bk.CFAResult:
    """ML on the pairwise-complete covariance matrix (missing answers are MCAR)."""
    return bk.cfa(model=model, sample_cov=data.cov(), sample_nobs=len(data))


def _cfi(model: bk.CFAResult) -> float:
    return float(model.glance()["cfi"].iloc[0])


def _bank_model(bank: bk.ItemBank, scales: list[str]) -> str:
    return "\n".join(f"{s} =~ " + " + ".join(bank.items_of(s)) for s in scales)


def _generating_model(bank: bk.ItemBank, cohort: Cohort) -> tuple[str, list[str]]:
    """Core + sensitivity as generated: cross-loading, acquiescence factor, pair residuals."""
    scales = [*CORE, "gs", "ls"]
    items = [i for s in scales for i in bank.items_of(s)]
    lines = [_bank_model(bank, scales)]
    cross = cohort.truth.cross_loadings
    for row in cross[cross["item"].isin(items) & cross["factor"].isin(scales)].itertuples():
        lines.append(f"{row.factor} =~ {row.item}")
    lines.append("acq =~ " + " + ".join(f"1*{i}" for i in items))
    lines += [f"acq ~~ 0*{s}" for s in scales]
    lines += [f"{g} ~~ {loss}" for g, loss in bank.pairs]
    return "\n".join(lines), items


def _severity_slopes(fitted: bk.CFAResult) -> dict[str, float]:
    """Standardized slopes of G and L on B = standardized sum of the core factors."""
    est = fitted.tidy()
    names = [*CORE, "gs", "ls"]
    phi = pd.DataFrame(np.eye(5), index=names, columns=names)
    cov = est[(est["op"] == "~~") & est["lhs"].isin(names) & est["rhs"].isin(names)]
    for _, row in cov.iterrows():
        if row["lhs"] != row["rhs"]:
            phi.loc[row["lhs"], row["rhs"]] = row["std_all"]
            phi.loc[row["rhs"], row["lhs"]] = row["std_all"]
    ones = np.ones(3)
    sd_b = np.sqrt(ones @ phi.loc[CORE, CORE].to_numpy() @ ones)
    acq = est[(est["lhs"] == "acq") & (est["op"] == "=~")]
    return {
        "gs": float(phi.loc["gs", CORE].to_numpy() @ ones / sd_b),
        "ls": float(phi.loc["ls", CORE].to_numpy() @ ones / sd_b),
        "acquiescence": float(acq["std_all"].abs().mean()),
    }


def _ols_slope(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    fit = sm.OLS(y, sm.add_constant(x)).fit()
    return float(fit.params[1]), float(fit.bse[1])


# ------------------------------------------------------------------ measurement
def test_scale_alphas_are_in_range(cohort, bank):
    """Cronbach's alpha (pairwise, as psych::alpha) of every scale lies in [.70, .92]."""
    keyed = _keyed(cohort, bank)
    alphas = {s: bk.alpha(keyed, items=bank.items_of(s)).alpha for s in bank.scale_ids}
    assert min(alphas.values()) >= 0.70, alphas
    assert max(alphas.values()) <= 0.92, alphas


def test_bank_model_fits_like_real_data_and_one_factor_does_not(cohort, bank):
    """The bank's 16 correlated factors: CFI in [.93, .97]; one factor: CFI at least .3 lower.

    R: lavaan::cfa(model, sample.cov = cov(d, use = "pairwise"), sample.nobs = 3000) gives
    chi-square 6378.29 on 2805 df (CFI .956) for the shipped cohort (model 1.1), as bk.cfa does.
    """
    data = cohort.data[bank.item_ids]
    true = _cfi(_fit(_bank_model(bank, bank.scale_ids), data))
    one = _cfi(_fit("g =~ " + " + ".join(bank.item_ids), data))
    assert 0.93 <= true <= 0.97
    assert one < true - 0.30


def test_generating_structure_fits_almost_perfectly(cohort, bank):
    """With the planted cross-loading, method factor and pair residuals the misfit is gone.

    This shows that the misfit of the bank model comes from the planted structure, not from
    the ordinal responses (careless responders excluded, as they are flagged).
    """
    model, items = _generating_model(bank, cohort)
    fitted = _fit(model, cohort.data.loc[_clean(cohort), items])
    assert _cfi(fitted) >= 0.99  # Monte Carlo mean .999, SD .001
    # The acquiescence loading is .15 on y*; ordinal Pearson data attenuate it by about .95.
    assert _severity_slopes(fitted)["acquiescence"] == pytest.approx(0.15, abs=0.03)


def test_weak_items_have_the_lowest_item_rest_correlation(cohort, bank):
    keyed = _keyed(cohort, bank)
    for item in cohort.truth.weak_items:
        scale = bank.item(item).scale
        block = keyed[bank.items_of(scale)]
        rest = {i: block[i].corr(block.drop(columns=i).mean(axis=1)) for i in block}
        assert min(rest, key=rest.get) == item


def test_pooled_category_use_of_burnout_keyed_items(cohort):
    """Roughly the population's 12/26/30/22/10 %: within .015 (item offsets shift single items
    by design)."""
    loadings = cohort.truth.loadings
    items = loadings.loc[loadings["category_group"] == "burnout", "item"]
    values = cohort.data.loc[_clean(cohort), items].to_numpy().ravel()
    values = values[~np.isnan(values)]
    use = np.bincount(values.astype(int), minlength=6)[1:] / values.size
    population = cohort.truth.parameters["population"]["category_use"]["burnout"]
    assert population == [0.12, 0.26, 0.30, 0.22, 0.10]
    assert use == pytest.approx(population, abs=0.015)


def test_noninvariant_item_is_shifted_in_form_b_only(cohort, bank):
    """er3 is higher in form B (shift .5 SD on y*); every other item is within 4 SE."""
    data = cohort.data[_clean(cohort)]
    in_b = (data["form"] == "B").to_numpy()
    shifted = cohort.truth.noninvariant_item
    for item in bank.item_ids:
        a, b = data.loc[~in_b, item].dropna(), data.loc[in_b, item].dropna()
        diff = b.mean() - a.mean()
        se = np.sqrt(a.var() / len(a) + b.var() / len(b))
        if item == shifted:
            assert diff > 0.30, (item, diff)
        else:
            assert abs(diff) < 4 * se, (item, diff, se)


# ------------------------------------------------------------------ latent structure
def test_latent_scores_have_the_population_moments(cohort):
    """Means 0 (SE 1/sqrt(N)) and correlations as in truth (SE <= 1/sqrt(N))."""
    truth = cohort.truth
    latent = truth.respondents[truth.factor_correlations.columns]
    bound = 4 / np.sqrt(N)
    assert np.abs(latent.mean()).max() < bound
    assert np.abs(latent.std() - 1).max() < bound
    diff = latent.corr().to_numpy() - truth.factor_correlations.to_numpy()
    assert np.abs(diff).max() < bound


def test_gain_and_loss_slopes_on_the_latent_metric(cohort):
    """OLS of the true G and L on the true B recovers -0.35 and +0.10 within 4 SE."""
    r = cohort.truth.respondents
    for factor, population in (("gs", -0.35), ("ls", 0.10)):
        slope, se = _ols_slope(r["B"].to_numpy(), r[factor].to_numpy())
        assert slope == pytest.approx(population, abs=4 * se), factor
    # r(G, L) at fixed B is .30: the partial correlation, SE (1 - r^2) / sqrt(N).
    resid = [sm.OLS(r[f], sm.add_constant(r["B"])).fit().resid for f in ("gs", "ls")]
    partial = np.corrcoef(resid)[0, 1]
    assert partial == pytest.approx(0.30, abs=4 * (1 - 0.30**2) / np.sqrt(N))


def test_gain_and_loss_slopes_from_the_items(cohort, bank):
    """The generating CFA recovers the slopes from the items within 4 Monte Carlo SDs.

    Monte Carlo SD over 200 cohorts: .020 (gain) and .022 (loss), and .022 for both slopes of
    the null variant; the tolerance uses .023 for both (docs/reference-cohort.md).
    """
    model, items = _generating_model(bank, cohort)
    slopes = _severity_slopes(_fit(model, cohort.data.loc[_clean(cohort), items]))
    assert slopes["gs"] == pytest.approx(-0.35, abs=4 * SLOPE_SD)
    assert slopes["ls"] == pytest.approx(0.10, abs=4 * SLOPE_SD)


@pytest.mark.parametrize("seed", [REFERENCE_SEED, FRESH_SEED])
def test_null_variant_is_null(seed, bank):
    """asymmetry=False: the gain and loss slopes differ by no more than 4 SE of the difference.

    On the latent metric the SE is that of the OLS slope of (G - L) on B. From the items the
    tolerance is 4 Monte Carlo SDs of the difference (.025 over 200 cohorts). The asymmetric
    cohort with the same seed differs by about .45, 18 such SDs.
    """
    null = simulate_cohort(N, random_state=seed, asymmetry=False)
    r = null.truth.respondents
    diff, se = _ols_slope(r["B"].to_numpy(), (r["gs"] - r["ls"]).to_numpy())
    assert abs(diff) < 4 * se
    model, items = _generating_model(bank, null)
    slopes = _severity_slopes(_fit(model, null.data.loc[_clean(null), items]))
    assert abs(slopes["gs"] - slopes["ls"]) < 4 * DIFFERENCE_SD
    assert slopes["gs"] == pytest.approx(-0.125, abs=4 * SLOPE_SD)

    asymmetric = simulate_cohort(N, random_state=seed)
    r = asymmetric.truth.respondents
    diff, se = _ols_slope(r["B"].to_numpy(), (r["gs"] - r["ls"]).to_numpy())
    assert diff == pytest.approx(-0.45, abs=4 * se)


# ------------------------------------------------------------------ profiles
def test_profile_shares(cohort):
    """Each share within 4 binomial SE, sqrt(p (1 - p) / N)."""
    shares = cohort.truth.profiles.set_index("profile")["share"]
    observed = cohort.truth.respondents["profile"].value_counts(normalize=True)
    for name, p in shares.items():
        assert observed[name] == pytest.approx(p, abs=4 * np.sqrt(p * (1 - p) / N)), name


def test_profiles_are_separable_as_documented(cohort):
    """A classifier that knows the true parameters reaches ARI about .981 at SD .30.

    The population value (.981) is from 20,000 respondents; the SD of the ARI at N = 3000 is
    about .005, so the band is .981 +- .02.
    """
    params = cohort.truth.parameters
    profiles = params["population"]["profiles"]
    sd = params["population"]["within_profile_sd"]
    r = cohort.truth.respondents
    z = np.asarray(params["core_mean"]) + np.asarray(params["core_sd"]) * r[CORE].to_numpy()
    loglik = np.column_stack(
        [
            np.log(spec["share"]) + multivariate_normal(spec["means"], sd**2 * np.eye(3)).logpdf(z)
            for spec in profiles.values()
        ]
    )
    ari = adjusted_rand_score(r["profile"].cat.codes, loglik.argmax(axis=1))
    assert ari == pytest.approx(0.981, abs=0.02)


# ------------------------------------------------------------------ outcomes
def test_outcome_means_and_rates(cohort):
    """Absence mean 9 (4 sample SE), turnover 22% (4 binomial SE), r(wellbeing, ex) = -.5."""
    data = cohort.data
    absence = data["absence_days"]
    assert absence.mean() == pytest.approx(9.0, abs=4 * absence.std() / np.sqrt(N))
    turnover = data["turnover_intention"].mean()
    assert turnover == pytest.approx(0.22, abs=4 * np.sqrt(0.22 * 0.78 / N))
    r = np.corrcoef(data["wellbeing"], cohort.truth.respondents["ex"])[0, 1]
    assert r == pytest.approx(-0.5, abs=4 * (1 - 0.25) / np.sqrt(N))


def test_absence_model(cohort):
    """NB2 regression on B and profile recovers log-rate .35 and size .7 within 4 SE."""
    r = cohort.truth.respondents
    design = pd.get_dummies(r["profile"], drop_first=True, dtype=float)
    design.insert(0, "B", r["B"])
    fit = sm.NegativeBinomial(cohort.data["absence_days"], sm.add_constant(design)).fit(
        disp=0, maxiter=200
    )
    assert fit.params["B"] == pytest.approx(0.35, abs=4 * fit.bse["B"])
    # statsmodels' alpha is 1 / size: 1 / 0.7 = 1.4286
    assert fit.params["alpha"] == pytest.approx(1 / 0.7, abs=4 * fit.bse["alpha"])


def test_turnover_model(cohort):
    """Logistic regression on ex, md and profile recovers OR 1.8 (md), 1.4 (ex) within 4 SE."""
    r = cohort.truth.respondents
    design = pd.get_dummies(r["profile"], drop_first=True, dtype=float)
    design.insert(0, "md", r["md"])
    design.insert(0, "ex", r["ex"])
    fit = sm.Logit(cohort.data["turnover_intention"], sm.add_constant(design)).fit(disp=0)
    assert fit.params["md"] == pytest.approx(np.log(1.8), abs=4 * fit.bse["md"])
    assert fit.params["ex"] == pytest.approx(np.log(1.4), abs=4 * fit.bse["ex"])


def test_disengaged_leave_about_as_often_as_burnout(cohort):
    """Population rates .419 and .423; the sample difference is within 4 SE of it."""
    rates = cohort.data.groupby(cohort.truth.respondents["profile"], observed=True)[
        "turnover_intention"
    ].agg(["mean", "size"])
    d, b = rates.loc["disengaged"], rates.loc["burnout"]
    se = np.sqrt(d["mean"] * (1 - d["mean"]) / d["size"] + b["mean"] * (1 - b["mean"]) / b["size"])
    assert d["mean"] - b["mean"] == pytest.approx(0.419 - 0.423, abs=4 * se)
    assert d["mean"] > 2 * rates.loc["engaged", "mean"]


# ------------------------------------------------------------------ retest and mess
def test_retest_stability(cohort):
    """Every factor correlates .85 with itself after two weeks (SE (1 - .85^2) / sqrt(300))."""
    t1 = cohort.truth.respondents.set_index("id").loc[cohort.truth.retest["id"]]
    t2 = cohort.truth.retest.set_index("id")
    n = len(t2)
    assert n == 300
    for factor in cohort.truth.factor_correlations.columns:
        r = np.corrcoef(t1[factor], t2[factor])[0, 1]
        assert r == pytest.approx(0.85, abs=4 * (1 - 0.85**2) / np.sqrt(n)), factor


def test_careless_responders(cohort, bank):
    """3% careless (exactly 90), half random (flat category use), half long-string."""
    r = cohort.truth.respondents
    assert r["careless"].sum() == 90
    assert (r["careless_type"] == "random").sum() == 45
    items = cohort.data[bank.item_ids].to_numpy()

    def longest_run(row: np.ndarray) -> int:
        row = row[~np.isnan(row)]
        breaks = np.flatnonzero(np.diff(row) != 0)
        edges = np.concatenate([[-1], breaks, [row.size - 1]])
        return int(np.diff(edges).max())

    runs = np.array([longest_run(row) for row in items])
    assert np.median(runs[(r["careless_type"] == "longstring").to_numpy()]) >= 15
    assert np.quantile(runs[~r["careless"].to_numpy()], 0.99) < 10
    random_values = items[(r["careless_type"] == "random").to_numpy()].ravel()
    random_values = random_values[~np.isnan(random_values)]
    use = np.bincount(random_values.astype(int), minlength=6)[1:] / random_values.size
    assert use == pytest.approx([0.2] * 5, abs=4 * np.sqrt(0.2 * 0.8 / random_values.size))


def test_missing_answers_are_mcar(cohort, bank):
    """2% of answers missing (4 binomial SE) and unrelated to severity (4 / sqrt(N))."""
    missing = cohort.data[bank.item_ids].isna()
    cells = missing.size
    assert missing.to_numpy().mean() == pytest.approx(0.02, abs=4 * np.sqrt(0.02 * 0.98 / cells))
    r = np.corrcoef(missing.sum(axis=1), cohort.truth.respondents["B"])[0, 1]
    assert abs(r) < 4 / np.sqrt(N)
