"""The vectorized generator of the reference cohort (no loop over respondents).

Every component draws from its own child of ``np.random.SeedSequence(seed)``, so two variants
with the same seed (for example ``asymmetry=False``) differ only where their values differ.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from burnoutkit._cohort import Cohort, CohortTruth
from burnoutkit._cohort_population import (
    CORE,
    FACTORS,
    MODEL_VERSION,
    Derived,
    Population,
    derive,
)

__all__ = ["simulate"]

_STREAMS = (
    "profiles", "latent", "covariates", "items", "outcomes", "retest", "careless", "missing",
)  # fmt: skip


def simulate(n: int, seed: int, pop: Population) -> Cohort:
    """Draw one cohort of ``n`` respondents from the resolved population ``pop``."""
    d = derive(pop)
    children = np.random.SeedSequence(seed).spawn(len(_STREAMS))
    streams = {
        name: np.random.default_rng(child) for name, child in zip(_STREAMS, children, strict=True)
    }
    width = max(4, len(str(n)))
    ids = np.char.add("p", np.char.zfill(np.arange(1, n + 1).astype(str), width)).astype(object)

    profile = streams["profiles"].choice(len(d.shares), size=n, p=d.shares)
    eta, severity, acq = _latent(streams["latent"], profile, pop, d)
    occupation, sex, age, tenure, form = _covariates(streams["covariates"], profile, pop, d)
    form_b = form == 1
    responses = _items(streams["items"], eta, acq, form_b, pop, d)

    careless_type = _careless(streams["careless"], responses, pop)
    responses = _missing(streams["missing"], responses, pop.missing_share)
    absence, turnover, wellbeing = _outcomes(streams["outcomes"], eta, severity, profile, pop, d)

    retest_idx, eta2, severity2, acq2, responses2 = _retest(
        streams["retest"], eta, acq, form_b, pop, d
    )
    responses2 = _missing(streams["retest"], responses2, pop.missing_share)

    occ_names = list(pop.occupations)
    data = pd.DataFrame({"id": pd.array(ids, dtype="str")})
    data["occupation"] = pd.Categorical.from_codes(occupation, categories=occ_names)
    data["sex"] = pd.Categorical.from_codes(sex, categories=["female", "male"])
    data["age"] = age
    data["tenure"] = tenure
    data["form"] = pd.Categorical.from_codes(form, categories=["A", "B"])
    items = pd.DataFrame(responses, columns=d.items)
    outcomes = pd.DataFrame(
        {"absence_days": absence, "turnover_intention": turnover, "wellbeing": wellbeing}
    )
    data = pd.concat([data, items, outcomes], axis=1)

    retest = pd.concat(
        [
            pd.DataFrame({"id": pd.array(ids[retest_idx], dtype="str")}),
            pd.DataFrame(responses2, columns=d.items),
        ],
        axis=1,
    )

    careless_names = ["none", "random", "longstring"]
    respondents = pd.DataFrame({"id": pd.array(ids, dtype="str")})
    respondents["profile"] = pd.Categorical.from_codes(profile, categories=d.profile_names)
    latent = pd.DataFrame(eta, columns=list(FACTORS))
    latent.insert(3, "B", severity)
    latent["acquiescence"] = acq
    respondents = pd.concat([respondents, latent], axis=1)
    respondents["careless"] = careless_type > 0
    respondents["careless_type"] = pd.Categorical.from_codes(careless_type, careless_names)
    respondents["retest"] = np.isin(np.arange(n), retest_idx)
    respondents["n_missing"] = np.isnan(responses).sum(axis=1).astype(np.int64)

    retest_latent = pd.DataFrame({"id": pd.array(ids[retest_idx], dtype="str")})
    latent2 = pd.DataFrame(eta2, columns=list(FACTORS))
    latent2.insert(3, "B", severity2)
    latent2["acquiescence"] = acq2
    retest_latent = pd.concat([retest_latent, latent2], axis=1)

    truth = CohortTruth(
        parameters=_parameters(n, seed, pop, d),
        respondents=respondents,
        retest=retest_latent,
    )
    return Cohort(data=data, retest=retest, truth=truth)


def _round(x: np.ndarray) -> np.ndarray:
    return np.round(x, 6) + 0.0


def _latent(
    rng: np.random.Generator, profile: np.ndarray, pop: Population, d: Derived
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = profile.size
    z = d.profile_means[profile] + pop.within_profile_sd * rng.standard_normal((n, 3))
    eta_core = (z - d.core_mean) / d.core_sd
    eps = rng.standard_normal((n, d.psi.shape[0])) @ np.linalg.cholesky(d.psi).T
    eta = _round(np.hstack([eta_core, eta_core @ d.slopes_on_core.T + eps]))
    severity = _round(eta[:, :3] @ d.b_weights)
    acq = _round(rng.standard_normal(n))
    return eta, severity, acq


def _covariates(
    rng: np.random.Generator, profile: np.ndarray, pop: Population, d: Derived
) -> tuple[np.ndarray, ...]:
    n = profile.size
    cum = np.cumsum(d.occupation_given_profile, axis=1)[profile]
    occupation = np.minimum((rng.random(n)[:, None] >= cum).sum(axis=1), cum.shape[1] - 1)
    sex = (rng.random(n) >= pop.female_share).astype(np.int64)
    low, high = pop.age_range
    age = np.clip(np.rint(pop.age_mean + pop.age_sd * rng.standard_normal(n)), low, high)
    age = age.astype(np.int64)
    # Gamma(shape 1.5) years in the job, never more than the years since the age of 18.
    tenure = np.floor(rng.gamma(1.5, pop.tenure_mean / 1.5, size=n))
    tenure = np.minimum(tenure, age - 18).astype(np.int64)
    form = (rng.random(n) < pop.form_b_share).astype(np.int64)
    return occupation, sex, age, tenure, form


def _items(
    rng: np.random.Generator,
    eta: np.ndarray,
    acq: np.ndarray,
    form_b: np.ndarray,
    pop: Population,
    d: Derived,
) -> np.ndarray:
    n = eta.shape[0]
    resid = rng.standard_normal((n, d.theta.shape[0])) @ np.linalg.cholesky(d.theta).T
    ystar = eta @ d.lam.T + acq[:, None] * d.alpha + resid
    ystar[:, d.noninvariant_index] += pop.noninvariant_shift * form_b
    responses = np.ones(ystar.shape)
    for c in range(d.thresholds.shape[1]):
        responses += ystar > d.thresholds[:, c]
    return responses


def _careless(rng: np.random.Generator, responses: np.ndarray, pop: Population) -> np.ndarray:
    """Overwrite the responses of careless respondents in place; return 0/1/2 type codes."""
    n, n_items = responses.shape
    kind = np.zeros(n, dtype=np.int64)
    n_careless = round(pop.careless_share * n)
    if n_careless == 0:
        return kind
    who = np.sort(rng.choice(n, size=n_careless, replace=False))
    n_long = round(pop.careless_longstring_share * n_careless)
    longstring = np.zeros(n_careless, dtype=bool)
    longstring[rng.choice(n_careless, size=n_long, replace=False)] = True
    kind[who] = np.where(longstring, 2, 1)

    random_rows = who[~longstring]
    responses[random_rows] = rng.integers(1, 6, size=(random_rows.size, n_items))
    long_rows = who[longstring]
    categories = 1 + rng.choice(
        5, size=(long_rows.size, n_items), p=np.asarray(pop.longstring_category_probs)
    )
    switch = rng.random((long_rows.size, n_items)) < pop.longstring_switch_prob
    switch[:, 0] = True
    run = np.cumsum(switch, axis=1) - 1
    responses[long_rows] = np.take_along_axis(categories, run, axis=1)
    return kind


def _missing(rng: np.random.Generator, responses: np.ndarray, share: float) -> np.ndarray:
    out = responses.copy()
    out[rng.random(out.shape) < share] = np.nan
    return out


def _outcomes(
    rng: np.random.Generator,
    eta: np.ndarray,
    severity: np.ndarray,
    profile: np.ndarray,
    pop: Population,
    d: Derived,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = severity.size
    names = d.profile_names
    off_a = np.array([pop.absence_profile_offsets[p] for p in names])[profile]
    mu = np.exp(d.absence_intercept + pop.absence_severity_slope * severity + off_a)
    size = pop.absence_dispersion
    absence = rng.negative_binomial(size, size / (size + mu)).astype(np.int64)

    off_t = np.array([pop.turnover_profile_offsets[p] for p in names])[profile]
    logit = d.turnover_intercept + eta[:, :3] @ d.turnover_slopes + off_t
    turnover = (rng.random(n) < 1.0 / (1.0 + np.exp(-logit))).astype(np.int64)

    r = pop.wellbeing_exhaustion_r
    wellbeing = r * eta[:, 0] + math.sqrt(1.0 - r**2) * rng.standard_normal(n)
    return absence, turnover, np.round(wellbeing, 2) + 0.0


def _retest(
    rng: np.random.Generator,
    eta: np.ndarray,
    acq: np.ndarray,
    form_b: np.ndarray,
    pop: Population,
    d: Derived,
) -> tuple[np.ndarray, ...]:
    n = eta.shape[0]
    idx = np.sort(rng.choice(n, size=round(pop.retest_share * n), replace=False))
    rho = pop.retest_stability
    keep = math.sqrt(1.0 - rho**2)
    fresh = rng.standard_normal((idx.size, eta.shape[1])) @ np.linalg.cholesky(d.phi).T
    eta2 = _round(rho * eta[idx] + keep * fresh)
    severity2 = _round(eta2[:, :3] @ d.b_weights)
    acq2 = _round(rho * acq[idx] + keep * rng.standard_normal(idx.size))
    responses2 = _items(rng, eta2, acq2, form_b[idx], pop, d)
    return idx, eta2, severity2, acq2, responses2


def _parameters(n: int, seed: int, pop: Population, d: Derived) -> dict:
    """Record every generating value (population + derived) as JSON-serializable data."""
    r6 = lambda x: (np.round(np.asarray(x, dtype=float), 6) + 0.0).tolist()  # noqa: E731
    item_table = []
    for r, item in enumerate(d.items):
        row = {
            "item": item,
            "scale": d.item_scale[r],
            "keyed": int(d.keys[r]),
            "loading": pop.loadings[item],
            "cross_loadings": dict(pop.cross_loadings.get(item, {})),
            "acquiescence": float(d.alpha[r]),
            "residual_variance": r6(d.theta[r, r]),
            "category_group": d.direction[r],
            "offset": pop.item_offsets[item],
            "thresholds": r6(d.thresholds[r]),
        }
        item_table.append(row)
    weak = [i for i in d.items if pop.loadings[i] < 0.5]
    return {
        "model": "burnoutkit reference cohort population model",
        "model_version": MODEL_VERSION,
        "n": int(n),
        "seed": int(seed),
        "population": pop.to_dict(),
        "latent_metric": (
            "Every factor, the severity B and the acquiescence factor have mean 0 and variance 1 "
            "in the population. Profile means are given in the profile metric; the factor "
            "metric is (mean - core_mean) / core_sd. Loadings are standardized loadings on y*, "
            "whose population variance is 1 (form A). Slopes are standardized regression "
            "coefficients; gain_slope and loss_slope equal the correlations of G and L with B."
        ),
        "factors": list(FACTORS),
        "core": list(CORE),
        "core_mean": r6(d.core_mean),
        "core_sd": r6(d.core_sd),
        "severity_weights": r6(d.b_weights),
        "profile_means_factor_metric": {
            p: r6(d.profile_means_factor[k]) for k, p in enumerate(d.profile_names)
        },
        "factor_correlations": r6(d.phi),
        "factor_slopes_on_core": {f: r6(d.slopes_on_core[r]) for r, f in enumerate(FACTORS[3:])},
        "factor_residual_covariance": r6(d.psi),
        "severity_correlations": dict(zip(FACTORS, r6(d.phi[:, :3] @ d.b_weights), strict=True)),
        "items": item_table,
        "weak_items": weak,
        "noninvariant_item": pop.noninvariant_item,
        "noninvariant_shift": pop.noninvariant_shift,
        "pairs": [list(pair) for pair in d.pairs],
        "occupation_given_profile": {
            p: dict(zip(pop.occupations, r6(d.occupation_given_profile[k]), strict=True))
            for k, p in enumerate(d.profile_names)
        },
        "absence_intercept": d.absence_intercept,
        "turnover_intercept": d.turnover_intercept,
        "turnover_log_odds_ratios": dict(zip(CORE, r6(d.turnover_slopes), strict=True)),
        "population_by_profile": d.profile_rates,
    }
