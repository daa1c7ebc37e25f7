"""The population model of the reference cohort: its values, their validation, derived quantities.

Every value of the model is a field of :class:`Population` with the documented default. The
generator (:mod:`burnoutkit._cohort_simulate`) never uses a number that is not here or derived
here, and everything derived is computed in closed form or by deterministic numerical
integration, then rounded to 6 decimals so that the stored values are the values used.

The latent metric: every factor (the 16 BAI scales), the severity ``B`` and the acquiescence
factor have mean 0 and variance 1 in the population. Item loadings are standardized loadings on
the latent response ``y*``, which has variance 1 in the population (form A).
"""

from __future__ import annotations

import copy
import difflib
import functools
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np
from numpy.polynomial.hermite_e import hermegauss
from scipy.special import expit, ndtr, ndtri

from burnoutkit.errors import BurnoutkitError

__all__ = [
    "CORE",
    "FACTORS",
    "MODEL_VERSION",
    "Derived",
    "Population",
    "bai",
    "default_population",
    "derive",
    "resolve_population",
]

MODEL_VERSION = "1.1"

CORE = ("ex", "md", "re")
FACTORS = (
    "ex", "md", "re", "ar", "rr", "gs", "ls", "er", "dq", "ic", "sm", "cw", "ad", "rg", "ss", "pe",
)  # fmt: skip
_SYSTEM_OF = {
    "ex": "core", "md": "core", "re": "core", "ar": "reward", "rr": "reward",
    "gs": "sensitivity", "ls": "sensitivity", "er": "regulation", "dq": "regulation",
    "ic": "regulation", "sm": "identity", "cw": "identity", "ad": "motivation", "rg": "motivation",
    "ss": "self_betrayal", "pe": "self_betrayal",
}  # fmt: skip
# +1: a high factor score means more burnout-like functioning; -1: intact functioning.
_FACTOR_DIRECTION = {
    "ex": 1, "md": 1, "re": 1, "ar": -1, "rr": -1, "er": -1, "dq": -1, "ic": -1,
    "sm": 1, "cw": 1, "ad": 1, "rg": 1, "ss": 1, "pe": 1,
}  # fmt: skip

FIVE_PROFILES: dict[str, dict[str, Any]] = {
    "engaged": {"share": 0.35, "means": [-0.8, -0.8, -0.6]},
    "ineffective": {"share": 0.15, "means": [-0.3, -0.2, 1.0]},
    "overextended": {"share": 0.20, "means": [1.0, -0.2, -0.2]},
    "disengaged": {"share": 0.15, "means": [0.2, 1.1, 0.4]},
    "burnout": {"share": 0.15, "means": [1.3, 1.3, 0.9]},
}
SEVERITY_PROFILES: dict[str, dict[str, Any]] = {
    "low": {"share": 0.25, "means": [-0.9, -0.9, -0.9]},
    "mild": {"share": 0.35, "means": [-0.2, -0.2, -0.2]},
    "moderate": {"share": 0.25, "means": [0.5, 0.5, 0.5]},
    "severe": {"share": 0.15, "means": [1.3, 1.3, 1.3]},
}
_NAMED_PROFILES = {"five": FIVE_PROFILES, "severity": SEVERITY_PROFILES}

_FACTOR_SLOPES = {
    "ar": {"B": -0.45},
    "rr": {"B": -0.50},
    "er": {"B": -0.45},
    "dq": {"B": -0.40},
    "ic": {"B": -0.35},
    "sm": {"B": 0.55},
    "cw": {"B": 0.35},
    "ad": {"ex": 0.40},
    "rg": {"B": 0.40},
    "ss": {"B": 0.35},
    "pe": {"B": 0.50},
}
_SYSTEM_RESIDUAL_R = {
    "reward": 0.50,
    "sensitivity": 0.30,
    "regulation": 0.45,
    "identity": 0.35,
    "motivation": 0.30,
    "self_betrayal": 0.40,
}
_LOADINGS = {
    "ex1": 0.82, "ex2": 0.66, "ex3": 0.74, "ex4": 0.62, "ex5": 0.70,
    "md1": 0.70, "md2": 0.80, "md3": 0.40, "md4": 0.62, "md5": 0.74,
    "re1": 0.70, "re2": 0.60, "re3": 0.76, "re4": 0.58, "re5": 0.68,
    "ar1": 0.68, "ar2": 0.74, "ar3": 0.78, "ar4": 0.64, "ar5": 0.70,
    "rr1": 0.78, "rr2": 0.80, "rr3": 0.60, "rr4": 0.66, "rr5": 0.72,
    "gs1": 0.62, "gs2": 0.70, "gs3": 0.66, "gs4": 0.72, "gs5": 0.58, "gs6": 0.68,
    "ls1": 0.66, "ls2": 0.72, "ls3": 0.70, "ls4": 0.74, "ls5": 0.60, "ls6": 0.70,
    "er1": 0.76, "er2": 0.60, "er3": 0.72, "er4": 0.66, "er5": 0.78,
    "dq1": 0.80, "dq2": 0.66, "dq3": 0.72, "dq4": 0.76,
    "ic1": 0.76, "ic2": 0.68, "ic3": 0.80, "ic4": 0.70,
    "sm1": 0.80, "sm2": 0.70, "sm3": 0.72, "sm4": 0.58, "sm5": 0.76,
    "cw1": 0.76, "cw2": 0.82, "cw3": 0.74, "cw4": 0.62,
    "ad1": 0.74, "ad2": 0.78, "ad3": 0.40, "ad4": 0.66, "ad5": 0.80,
    "rg1": 0.82, "rg2": 0.78, "rg3": 0.60, "rg4": 0.72, "rg5": 0.56,
    "ss1": 0.80, "ss2": 0.72, "ss3": 0.64, "ss4": 0.58, "ss5": 0.70,
    "pe1": 0.76, "pe2": 0.82, "pe3": 0.78, "pe4": 0.66,
}  # fmt: skip
_CROSS_LOADINGS = {"ex2": {"md": 0.25}, "er2": {"ic": -0.25}, "rg5": {"ad": 0.30}}
_PAIR_RESIDUAL_R = {"gs1": 0.20, "gs2": 0.22, "gs3": 0.24, "gs4": 0.26, "gs5": 0.28, "gs6": 0.30}
_CATEGORY_USE = {
    "burnout": [0.12, 0.26, 0.30, 0.22, 0.10],
    "resource": [0.10, 0.22, 0.30, 0.26, 0.12],
    "gain": [0.10, 0.25, 0.34, 0.22, 0.09],
    "loss": [0.06, 0.19, 0.33, 0.28, 0.14],
}
# Popularity offsets (probit units, positive = higher responses) by position within a scale.
_OFFSET_PATTERN = (0.10, -0.15, 0.05, 0.15, -0.10, -0.05)
_OCCUPATIONS = {
    "clinician": 0.20,
    "teacher": 0.25,
    "entrepreneur": 0.10,
    "caregiver": 0.15,
    "office": 0.30,
}
_OCCUPATION_PROFILE_ODDS = {
    "clinician": {"burnout": 1.4, "overextended": 1.2},
    "teacher": {"burnout": 1.3, "disengaged": 1.2},
    "entrepreneur": {"overextended": 2.0, "disengaged": 0.6},
    "caregiver": {"burnout": 1.5, "ineffective": 1.2},
    "office": {"disengaged": 1.5, "ineffective": 1.3, "burnout": 0.8},
}
_ABSENCE_PROFILE_OFFSETS = {"overextended": -0.10, "disengaged": 0.15, "burnout": 0.15}
_TURNOVER_PROFILE_OFFSETS = {"disengaged": 0.50}
_LONGSTRING_CATEGORY_PROBS = [0.10, 0.20, 0.35, 0.25, 0.10]


@dataclass(frozen=True, kw_only=True)
class Population:
    """All values of the population model; see ``docs/reference-cohort.md`` for their sources.

    Every field is a keyword of :func:`burnoutkit.datasets.simulate_cohort`.
    """

    profiles: Any = "five"
    within_profile_sd: float = 0.30
    factor_slopes: Mapping[str, Mapping[str, float]] = field(
        default_factory=lambda: copy.deepcopy(_FACTOR_SLOPES)
    )
    gain_slope: float = -0.35
    loss_slope: float = 0.10
    asymmetry: bool = True
    system_residual_r: Mapping[str, float] = field(default_factory=lambda: dict(_SYSTEM_RESIDUAL_R))
    loadings: Mapping[str, float] = field(default_factory=lambda: dict(_LOADINGS))
    cross_loadings: Mapping[str, Mapping[str, float]] = field(
        default_factory=lambda: copy.deepcopy(_CROSS_LOADINGS)
    )
    acquiescence: float = 0.15
    pair_residual_r: Mapping[str, float] = field(default_factory=lambda: dict(_PAIR_RESIDUAL_R))
    category_use: Mapping[str, Any] = field(default_factory=lambda: copy.deepcopy(_CATEGORY_USE))
    item_offsets: Mapping[str, float] | None = None
    noninvariant_item: str = "er3"
    noninvariant_shift: float = 0.5
    form_b_share: float = 0.5
    occupations: Mapping[str, float] = field(default_factory=lambda: dict(_OCCUPATIONS))
    occupation_profile_odds: Mapping[str, Mapping[str, float]] | None = None
    female_share: float = 0.62
    age_mean: float = 43.0
    age_sd: float = 11.0
    age_range: tuple[int, int] = (21, 67)
    tenure_mean: float = 8.0
    absence_mean: float = 9.0
    absence_dispersion: float = 0.7
    absence_severity_slope: float = 0.35
    absence_profile_offsets: Mapping[str, float] | None = None
    turnover_rate: float = 0.22
    turnover_odds_ratios: Mapping[str, float] = field(
        default_factory=lambda: {"md": 1.8, "ex": 1.4}
    )
    turnover_profile_offsets: Mapping[str, float] | None = None
    wellbeing_exhaustion_r: float = -0.5
    retest_share: float = 0.10
    retest_stability: float = 0.85
    retest_interval_days: int = 14
    careless_share: float = 0.03
    careless_longstring_share: float = 0.5
    longstring_switch_prob: float = 0.05
    longstring_category_probs: tuple[float, ...] = tuple(_LONGSTRING_CATEGORY_PROBS)
    missing_share: float = 0.02

    def to_dict(self) -> dict[str, Any]:
        """Return the values as plain, JSON-serializable Python objects."""
        return _plain(asdict(self))


@functools.cache
def bai() -> Any:
    """Return the built-in BAI bank, loaded once (an ItemBank is immutable)."""
    from burnoutkit.banks import load_bank

    return load_bank("bai")


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v) for v in value]
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def default_population() -> dict[str, Any]:
    """Return the default population values as a dict (a fresh copy each call).

    After resolution, the defaults that depend on the profile table (``profiles="five"``) are
    filled in: profile offsets of the outcomes, occupation odds and item offsets.

    Examples
    --------
    >>> from burnoutkit.datasets import default_population
    >>> default_population()["gain_slope"], default_population()["loss_slope"]
    (-0.35, 0.1)
    """
    return resolve_population().to_dict()


# ---------------------------------------------------------------------------------- validation
def _fail(name: str, expected: str, got: Any) -> BurnoutkitError:
    return BurnoutkitError(
        f"The {name!r} parameter of simulate_cohort must be {expected}; got {got!r}."
    )


def _number(name: str, value: Any, low: float, high: float, *, open_low: bool = False) -> float:
    ok = isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)
    if ok:
        value = float(value)
        ok = math.isfinite(value) and (value > low if open_low else value >= low) and value <= high
    if not ok:
        bracket = "(" if open_low else "["
        raise _fail(name, f"a number in {bracket}{low}, {high}]", value)
    return value


def _shares(name: str, shares: Mapping[str, Any]) -> dict[str, float]:
    if not isinstance(shares, Mapping) or not shares:
        raise _fail(name, "a non-empty mapping of names to shares", shares)
    out = {str(k): _number(f"{name}[{k!r}]", v, 0.0, 1.0, open_low=True) for k, v in shares.items()}
    total = sum(out.values())
    if abs(total - 1.0) > 1e-9:
        raise BurnoutkitError(
            f"The {name!r} parameter of simulate_cohort must be shares that sum to 1; got "
            f"shares summing to {total:.6g}. Rescale them."
        )
    return out


def _keys_in(name: str, keys: Any, allowed: tuple[str, ...] | list[str]) -> None:
    for key in keys:
        if key not in allowed:
            hint = difflib.get_close_matches(str(key), list(allowed), n=1)
            did_you_mean = f" Did you mean {hint[0]!r}?" if hint else ""
            raise BurnoutkitError(
                f"The {name!r} parameter of simulate_cohort names {key!r}, which is not one of "
                f"{list(allowed)}.{did_you_mean}"
            )


def _resolve_profiles(profiles: Any) -> dict[str, dict[str, Any]]:
    if isinstance(profiles, str):
        if profiles not in _NAMED_PROFILES:
            raise _fail("profiles", f"one of {sorted(_NAMED_PROFILES)} or a mapping", profiles)
        return copy.deepcopy(_NAMED_PROFILES[profiles])
    if not isinstance(profiles, Mapping) or len(profiles) < 1:
        raise _fail(
            "profiles",
            "'five', 'severity' or a mapping {name: {'share': p, 'means': [ex, md, re]}}",
            profiles,
        )
    out: dict[str, dict[str, Any]] = {}
    for name, spec in profiles.items():
        if not isinstance(spec, Mapping) or set(spec) != {"share", "means"}:
            raise _fail(f"profiles[{name!r}]", "a mapping with keys 'share' and 'means'", spec)
        means = list(spec["means"])
        if len(means) != 3:
            raise _fail(f"profiles[{name!r}]['means']", "three means (ex, md, re)", means)
        out[str(name)] = {
            "share": float(spec["share"]),
            "means": [_number(f"profiles[{name!r}]['means']", m, -5.0, 5.0) for m in means],
        }
    _shares("profiles", {k: v["share"] for k, v in out.items()})
    return out


def resolve_population(**population: Any) -> Population:
    """Validate keyword values and fill the defaults that depend on other values.

    Raises
    ------
    BurnoutkitError
        An unknown keyword (with the closest known name) or a value out of range.
    """
    known = [f.name for f in fields(Population)]
    for key in population:
        if key not in known:
            hint = difflib.get_close_matches(key, known, n=1)
            did_you_mean = f" Did you mean {hint[0]!r}?" if hint else ""
            raise BurnoutkitError(
                f"simulate_cohort got an unknown population keyword {key!r}.{did_you_mean} "
                "default_population() lists every keyword."
            )
    pop = Population(**population)
    bank = bai()
    items = bank.item_ids

    profiles = _resolve_profiles(pop.profiles)
    five = profiles == FIVE_PROFILES
    _number("within_profile_sd", pop.within_profile_sd, 0.0, 3.0, open_low=True)

    if not isinstance(pop.factor_slopes, Mapping):
        raise _fail("factor_slopes", "a mapping {factor: {predictor: slope}}", pop.factor_slopes)
    slopes = {str(f): dict(v) for f, v in pop.factor_slopes.items()}
    others = [f for f in FACTORS if f not in CORE and f not in ("gs", "ls")]
    _keys_in("factor_slopes", slopes, others)
    for f in others:
        slopes.setdefault(f, {})
    for f, preds in slopes.items():
        _keys_in(f"factor_slopes[{f!r}]", preds, ["B", *CORE])
        for p, v in preds.items():
            preds[p] = _number(f"factor_slopes[{f!r}][{p!r}]", v, -0.95, 0.95)
    gain = _number("gain_slope", pop.gain_slope, -0.95, 0.95)
    loss = _number("loss_slope", pop.loss_slope, -0.95, 0.95)
    if not isinstance(pop.asymmetry, bool):
        raise _fail("asymmetry", "True or False", pop.asymmetry)

    systems = sorted(set(_SYSTEM_OF.values()) - {"core"})
    _keys_in("system_residual_r", pop.system_residual_r, systems)
    resid_r = {s: 0.0 for s in systems}
    for s, v in pop.system_residual_r.items():
        resid_r[s] = _number(f"system_residual_r[{s!r}]", v, -0.9, 0.9)

    _keys_in("loadings", pop.loadings, items)
    loadings = dict(_LOADINGS)
    for i, v in pop.loadings.items():
        loadings[i] = _number(f"loadings[{i!r}]", v, 0.05, 0.95)
    cross: dict[str, dict[str, float]] = {}
    _keys_in("cross_loadings", pop.cross_loadings, items)
    for i, spec in pop.cross_loadings.items():
        _keys_in(f"cross_loadings[{i!r}]", spec, list(FACTORS))
        own = bank.item(i).scale
        if own in spec:
            raise _fail(
                f"cross_loadings[{i!r}]", f"factors other than the item's own {own!r}", spec
            )
        cross[i] = {
            f: _number(f"cross_loadings[{i!r}][{f!r}]", v, -0.6, 0.6) for f, v in spec.items()
        }
    acq = _number("acquiescence", pop.acquiescence, 0.0, 0.5)

    pairs = dict(bank.pairs)
    _keys_in("pair_residual_r", pop.pair_residual_r, list(pairs))
    pair_r = {g: 0.0 for g in pairs}
    for g, v in pop.pair_residual_r.items():
        pair_r[g] = _number(f"pair_residual_r[{g!r}]", v, 0.0, 0.9)

    _keys_in("category_use", pop.category_use, list(_CATEGORY_USE))
    use = copy.deepcopy(_CATEGORY_USE)
    for d, props in pop.category_use.items():
        props = list(props)
        if len(props) != bank.response_format.n_categories:
            raise _fail(f"category_use[{d!r}]", "five proportions (categories 1-5)", props)
        use[d] = list(_shares(f"category_use[{d!r}]", dict(enumerate(props))).values())

    offsets = _default_item_offsets(bank)
    if pop.item_offsets is not None:
        _keys_in("item_offsets", pop.item_offsets, items)
        for i, v in pop.item_offsets.items():
            offsets[i] = _number(f"item_offsets[{i!r}]", v, -1.5, 1.5)

    _keys_in("noninvariant_item", [pop.noninvariant_item], items)
    shift = _number("noninvariant_shift", pop.noninvariant_shift, -2.0, 2.0)
    form_b = _number("form_b_share", pop.form_b_share, 0.0, 1.0)

    occupations = _shares("occupations", pop.occupations)
    if pop.occupation_profile_odds is None:
        odds_in: Mapping[str, Mapping[str, float]] = _OCCUPATION_PROFILE_ODDS if five else {}
    else:
        odds_in = pop.occupation_profile_odds
    _keys_in("occupation_profile_odds", odds_in, list(occupations))
    odds = {o: {p: 1.0 for p in profiles} for o in occupations}
    for o, spec in odds_in.items():
        _keys_in(f"occupation_profile_odds[{o!r}]", spec, list(profiles))
        for p, v in spec.items():
            odds[o][p] = _number(
                f"occupation_profile_odds[{o!r}][{p!r}]", v, 0.0, 100.0, open_low=True
            )

    _number("female_share", pop.female_share, 0.0, 1.0)
    low_age, high_age = (int(a) for a in pop.age_range)
    if not 16 <= low_age < high_age <= 90:
        raise _fail("age_range", "(low, high) with 16 <= low < high <= 90", pop.age_range)
    _number("age_mean", pop.age_mean, low_age, high_age)
    _number("age_sd", pop.age_sd, 0.0, 40.0, open_low=True)
    _number("tenure_mean", pop.tenure_mean, 0.0, 40.0, open_low=True)

    _number("absence_mean", pop.absence_mean, 0.0, 365.0, open_low=True)
    _number("absence_dispersion", pop.absence_dispersion, 0.0, 1e6, open_low=True)
    _number("absence_severity_slope", pop.absence_severity_slope, -3.0, 3.0)
    absence_off = _profile_offsets(
        "absence_profile_offsets", pop.absence_profile_offsets, profiles,
        _ABSENCE_PROFILE_OFFSETS if five else {},
    )  # fmt: skip
    _number("turnover_rate", pop.turnover_rate, 0.0, 1.0, open_low=True)
    if pop.turnover_rate >= 1.0:
        raise _fail("turnover_rate", "a number in (0, 1)", pop.turnover_rate)
    _keys_in("turnover_odds_ratios", pop.turnover_odds_ratios, list(CORE))
    ors = {f: _number(f"turnover_odds_ratios[{f!r}]", v, 0.0, 100.0, open_low=True)
           for f, v in pop.turnover_odds_ratios.items()}  # fmt: skip
    turnover_off = _profile_offsets(
        "turnover_profile_offsets", pop.turnover_profile_offsets, profiles,
        _TURNOVER_PROFILE_OFFSETS if five else {},
    )  # fmt: skip
    _number("wellbeing_exhaustion_r", pop.wellbeing_exhaustion_r, -0.99, 0.99)

    _number("retest_share", pop.retest_share, 0.0, 1.0)
    _number("retest_stability", pop.retest_stability, 0.0, 1.0)
    if not isinstance(pop.retest_interval_days, int) or pop.retest_interval_days < 1:
        raise _fail("retest_interval_days", "a positive int", pop.retest_interval_days)
    _number("careless_share", pop.careless_share, 0.0, 0.5)
    _number("careless_longstring_share", pop.careless_longstring_share, 0.0, 1.0)
    _number("longstring_switch_prob", pop.longstring_switch_prob, 0.0, 1.0)
    ls_probs = list(
        _shares(
            "longstring_category_probs", dict(enumerate(pop.longstring_category_probs))
        ).values()
    )
    if len(ls_probs) != bank.response_format.n_categories:
        raise _fail("longstring_category_probs", "five proportions", pop.longstring_category_probs)
    _number("missing_share", pop.missing_share, 0.0, 0.5)

    resolved = Population(
        **{
            **{f.name: getattr(pop, f.name) for f in fields(Population)},
            "profiles": profiles,
            "factor_slopes": slopes,
            "gain_slope": gain,
            "loss_slope": loss,
            "system_residual_r": resid_r,
            "loadings": loadings,
            "cross_loadings": cross,
            "acquiescence": acq,
            "pair_residual_r": pair_r,
            "category_use": use,
            "item_offsets": offsets,
            "noninvariant_shift": shift,
            "form_b_share": form_b,
            "occupations": occupations,
            "occupation_profile_odds": odds,
            "age_range": (low_age, high_age),
            "absence_profile_offsets": absence_off,
            "turnover_odds_ratios": ors,
            "turnover_profile_offsets": turnover_off,
            "longstring_category_probs": tuple(ls_probs),
        }
    )
    derive(resolved)  # fails early if the values imply an impossible covariance structure
    return resolved


def _profile_offsets(
    name: str, given: Mapping[str, float] | None, profiles: Mapping[str, Any], default: dict
) -> dict[str, float]:
    spec = default if given is None else given
    _keys_in(name, spec, list(profiles))
    out = {p: 0.0 for p in profiles}
    for p, v in spec.items():
        out[p] = _number(f"{name}[{p!r}]", v, -5.0, 5.0)
    return out


def _default_item_offsets(bank: Any) -> dict[str, float]:
    offsets: dict[str, float] = {}
    for scale in bank.scale_ids:
        for pos, item in enumerate(bank.items_of(scale)):
            offsets[item] = _OFFSET_PATTERN[pos % len(_OFFSET_PATTERN)]
    return offsets


# ---------------------------------------------------------------------------------- derivation
@dataclass(frozen=True, kw_only=True)
class Derived:
    """Quantities implied by a :class:`Population` (all rounded to 6 decimals where stored)."""

    items: list[str]
    item_scale: list[str]
    keys: np.ndarray  # (78,)
    profile_names: list[str]
    shares: np.ndarray  # (K,)
    profile_means: np.ndarray  # (K, 3), profile metric
    core_mean: np.ndarray  # (3,)
    core_sd: np.ndarray  # (3,)
    profile_means_factor: np.ndarray  # (K, 3), factor metric
    b_weights: np.ndarray  # (3,): B = b_weights @ eta_core
    slopes_on_core: np.ndarray  # (13, 3): eta_other = slopes_on_core @ eta_core + eps
    psi: np.ndarray  # (13, 13) residual covariance of the other factors
    phi: np.ndarray  # (16, 16) factor correlation matrix
    within_cov: np.ndarray  # (16, 16) factor covariance given the profile
    lam: np.ndarray  # (78, 16) loadings on y*
    alpha: np.ndarray  # (78,) acquiescence loadings
    theta: np.ndarray  # (78, 78) residual covariance of y*
    direction: list[str]  # (78,) category-use group of each item
    thresholds: np.ndarray  # (78, 4)
    noninvariant_index: int
    pairs: list[tuple[str, str]]
    occupation_given_profile: np.ndarray  # (K, n_occupations)
    absence_intercept: float
    turnover_intercept: float
    turnover_slopes: np.ndarray  # (3,) log odds ratios on eta_core
    profile_rates: dict[str, dict[str, float]]  # population outcome values per profile


def _round(x: Any) -> Any:
    return np.round(x, 6) + 0.0  # + 0.0 turns -0.0 into 0.0


def derive(pop: Population) -> Derived:
    """Compute the implied covariance structure, thresholds and outcome intercepts."""
    bank = bai()
    items = bank.item_ids
    item_scale = [bank.item(i).scale for i in items]
    keys = np.array([bank.item(i).keyed for i in items], dtype=float)

    names = list(pop.profiles)
    shares = np.array([pop.profiles[p]["share"] for p in names])
    mu = np.array([pop.profiles[p]["means"] for p in names], dtype=float)
    core_mean = shares @ mu
    dev = mu - core_mean
    core_cov = pop.within_profile_sd**2 * np.eye(3) + (dev * shares[:, None]).T @ dev
    core_sd = np.sqrt(np.diag(core_cov))
    r_core = core_cov / np.outer(core_sd, core_sd)
    mu_f = dev / core_sd
    within_core = pop.within_profile_sd**2 * np.diag(1.0 / core_sd**2)
    one = np.ones(3)
    b_weights = one / math.sqrt(one @ r_core @ one)

    others = [f for f in FACTORS if f not in CORE]
    slopes_spec: dict[str, dict[str, float]] = {
        f: dict(pop.factor_slopes.get(f, {})) for f in others
    }
    if pop.asymmetry:
        slopes_spec["gs"] = {"B": pop.gain_slope}
        slopes_spec["ls"] = {"B": pop.loss_slope}
    else:
        common = 0.5 * (pop.gain_slope + pop.loss_slope)
        slopes_spec["gs"] = {"B": common}
        slopes_spec["ls"] = {"B": common}
    a = np.zeros((len(others), 3))
    for r, f in enumerate(others):
        for pred, v in slopes_spec[f].items():
            a[r] += v * (b_weights if pred == "B" else np.eye(3)[CORE.index(pred)])
    explained = np.einsum("ij,jk,ik->i", a, r_core, a)
    if np.any(explained >= 1.0):
        bad = [others[i] for i in np.flatnonzero(explained >= 1.0)]
        raise BurnoutkitError(
            f"The factor slopes of {bad} explain all of their variance (R^2 >= 1). Use smaller "
            "slopes in 'factor_slopes', 'gain_slope' or 'loss_slope'."
        )
    psi_d = np.sqrt(1.0 - explained)
    corr = np.eye(len(others))
    for i, fi in enumerate(others):
        for j, fj in enumerate(others):
            if i != j and _SYSTEM_OF[fi] == _SYSTEM_OF[fj]:
                corr[i, j] = pop.system_residual_r[_SYSTEM_OF[fi]]
    psi = corr * np.outer(psi_d, psi_d)

    n_f = len(FACTORS)
    phi = np.empty((n_f, n_f))
    phi[:3, :3] = r_core
    phi[3:, :3] = a @ r_core
    phi[:3, 3:] = phi[3:, :3].T
    phi[3:, 3:] = a @ r_core @ a.T + psi
    within = np.empty((n_f, n_f))
    within[:3, :3] = within_core
    within[3:, :3] = a @ within_core
    within[:3, 3:] = within[3:, :3].T
    within[3:, 3:] = a @ within_core @ a.T + psi
    _require_pd("the factor correlation matrix", phi)

    n_i = len(items)
    lam = np.zeros((n_i, n_f))
    for r, (item, scale) in enumerate(zip(items, item_scale, strict=True)):
        lam[r, FACTORS.index(scale)] = keys[r] * pop.loadings[item]
        for f, v in pop.cross_loadings.get(item, {}).items():
            lam[r, FACTORS.index(f)] = v
    alpha = np.full(n_i, pop.acquiescence)
    common_var = np.einsum("ij,jk,ik->i", lam, phi, lam) + alpha**2
    if np.any(common_var >= 1.0):
        bad = [items[i] for i in np.flatnonzero(common_var >= 1.0)]
        raise BurnoutkitError(
            f"Items {bad} have no residual variance left (loadings, cross-loadings and "
            "acquiescence explain all of y*). Use smaller values."
        )
    theta_d = 1.0 - common_var
    theta = np.diag(theta_d)
    for g, l_item in bank.pairs:
        gi, li = items.index(g), items.index(l_item)
        theta[gi, li] = theta[li, gi] = pop.pair_residual_r[g] * math.sqrt(
            theta_d[gi] * theta_d[li]
        )

    direction = []
    for item, scale, key in zip(items, item_scale, keys, strict=True):
        if scale in ("gs", "ls"):
            group = "gain" if scale == "gs" else "loss"
            if key < 0:
                raise BurnoutkitError(f"Reverse-keyed sensitivity item {item!r} is not supported.")
        else:
            group = "burnout" if _FACTOR_DIRECTION[scale] * key > 0 else "resource"
        direction.append(group)

    # y* given profile k: normal with mean lam @ E[eta | k] and variance v_item.
    mean_f = np.zeros((len(names), n_f))
    mean_f[:, :3] = mu_f
    mean_f[:, 3:] = mu_f @ a.T
    y_mean = mean_f @ lam.T  # (K, 78)
    y_sd = np.sqrt(np.einsum("ij,jk,ik->i", lam, within, lam) + alpha**2 + theta_d)
    cum = np.array([np.cumsum(pop.category_use[d])[:-1] for d in direction])  # (78, 4)
    offsets = np.array([pop.item_offsets[i] for i in items])
    target = ndtr(ndtri(np.clip(cum, 1e-12, 1 - 1e-12)) - offsets[:, None])
    thresholds = _round(_mixture_quantiles(target, shares, y_mean.T, y_sd))

    occ = list(pop.occupations)
    base = np.array([pop.occupations[o] for o in occ])
    odds = np.array([[pop.occupation_profile_odds[o][p] for o in occ] for p in names])
    occ_given = base * odds
    occ_given = occ_given / occ_given.sum(axis=1, keepdims=True)

    # absence: log mu = b0 + c B + off_k;  B | k ~ N(b_k, v_B)
    b_k = mu_f @ b_weights
    v_b = b_weights @ within_core @ b_weights
    c = pop.absence_severity_slope
    off_a = np.array([pop.absence_profile_offsets[p] for p in names])
    absence_k = np.exp(off_a + c * b_k + 0.5 * c**2 * v_b)
    absence_intercept = float(_round(math.log(pop.absence_mean / (shares @ absence_k))))

    t_slopes = np.array([math.log(pop.turnover_odds_ratios.get(f, 1.0)) for f in CORE])
    off_t = np.array([pop.turnover_profile_offsets[p] for p in names])
    lp_mean = off_t + mu_f @ t_slopes
    lp_sd = math.sqrt(t_slopes @ within_core @ t_slopes)
    nodes, weights = hermegauss(80)
    weights = weights / weights.sum()

    def rate_by_profile(b0: float) -> np.ndarray:
        return expit(b0 + lp_mean[:, None] + lp_sd * nodes[None, :]) @ weights

    lo, hi = -20.0, 20.0
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        if shares @ rate_by_profile(mid) < pop.turnover_rate:
            lo = mid
        else:
            hi = mid
    turnover_intercept = float(_round(0.5 * (lo + hi)))
    rates = rate_by_profile(turnover_intercept)
    absence_means = np.exp(absence_intercept) * absence_k
    profile_rates = {
        p: {
            "absence_mean": float(_round(absence_means[k])),
            "turnover_rate": float(_round(rates[k])),
            "severity_mean": float(_round(b_k[k])),
        }
        for k, p in enumerate(names)
    }

    return Derived(
        items=items,
        item_scale=item_scale,
        keys=keys,
        profile_names=names,
        shares=shares,
        profile_means=mu,
        core_mean=core_mean,
        core_sd=core_sd,
        profile_means_factor=mu_f,
        b_weights=b_weights,
        slopes_on_core=a,
        psi=psi,
        phi=phi,
        within_cov=within,
        lam=lam,
        alpha=alpha,
        theta=theta,
        direction=direction,
        thresholds=thresholds,
        noninvariant_index=items.index(pop.noninvariant_item),
        pairs=list(bank.pairs),
        occupation_given_profile=occ_given,
        absence_intercept=absence_intercept,
        turnover_intercept=turnover_intercept,
        turnover_slopes=t_slopes,
        profile_rates=profile_rates,
    )


def _require_pd(what: str, matrix: np.ndarray) -> None:
    if np.linalg.eigvalsh(matrix).min() <= 1e-10:
        raise BurnoutkitError(
            f"The population values imply {what} that is not positive definite. Use smaller "
            "residual correlations ('system_residual_r') or slopes."
        )


def _mixture_quantiles(
    target: np.ndarray, shares: np.ndarray, means: np.ndarray, sds: np.ndarray
) -> np.ndarray:
    """Quantiles of per-item normal mixtures, by vectorized bisection.

    ``target`` is (items, q), ``means`` (items, K), ``sds`` (items,).
    """
    lo = np.full(target.shape, -12.0)
    hi = np.full(target.shape, 12.0)
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        cdf = (ndtr((mid[:, :, None] - means[:, None, :]) / sds[:, None, None]) * shares).sum(-1)
        below = cdf < target
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    return 0.5 * (lo + hi)
