"""Tests of CFA-based omega (omega_cfa, the omega_cfa column of reliability) and ordinal alpha.

Reference values:
- tests/reference/reliability_cfa_omega.R: lavaan 0.6-14 ``cfa`` + semTools 0.5-6
  ``compRelSEM`` on HolzingerSwineford1939, bfi agreeableness and the reference cohort's core
  scales (correlated, bifactor, higher-order; listwise and FIML);
- tests/reference/reliability_ordinal_alpha.R: psych 2.2.9 ``alpha(polychoric(x)$rho)``.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import warnings
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _reference import assert_same_json

import burnoutkit as bk
from burnoutkit.reliability._alpha import _alpha_stats
from burnoutkit.reliability._table import _omega_total_only

_assert_same = partial(assert_same_json, rel=1e-10, abs_tol=1e-12)

REFERENCE = Path(__file__).parent / "reference"
CFA_SCRIPT = REFERENCE / "reliability_cfa_omega.R"
ORDINAL_SCRIPT = REFERENCE / "reliability_ordinal_alpha.R"

# omega from an iterative ML fit: the style bound is 1e-3; observed deviations from semTools
# are below 1e-6 (both optimizers converge far tighter than that)
OMEGA_TOL = 1e-5
STD_LOADING_TOL = 1e-4
# ordinal alpha end to end: psych's polychoric() stops at optimize()'s tolerance
# (.Machine$double.eps^0.25 in rho, observed rho deviations about 2e-5), which moves alpha by
# about 3e-6; the alpha step itself is a closed form (1e-10 on psych's own matrix)
ORDINAL_TOL = 1e-5
CLOSED_FORM = 1e-10
CORE = ["ex", "md", "re"]


def _load(path: Path) -> dict:
    with path.open() as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def cfa_ref() -> dict:
    return _load(REFERENCE / "reliability_cfa_omega.json")


@pytest.fixture(scope="module")
def ordinal_ref() -> dict:
    return _load(REFERENCE / "reliability_ordinal_alpha.json")


@pytest.fixture(scope="module")
def cohort():
    return bk.datasets.load_reference_cohort()


def _strip(model: str) -> str:
    lines = [line.rstrip() for line in model.splitlines()]
    return "\n".join(line for line in lines if line and not line.lstrip().startswith("#"))


# ---------------------------------------------------------------------------------- data checks
def test_cohort_and_bfi_are_the_data_r_used(cfa_ref, cohort, bfi, bai):
    data = cfa_ref["data"]
    assert data["cohort_n"] == len(cohort.data)
    keyed = cohort.data.copy()
    rev = [i for i in bai.reversed_items if i in data["cohort_core_sums"]]
    keyed[rev] = 6 - keyed[rev]
    for item, total in data["cohort_core_sums"].items():
        assert keyed[item].sum() == pytest.approx(total, abs=1e-9), (
            f"{item}: the reference cohort changed; re-run {CFA_SCRIPT.name}"
        )
    agree = bfi[[f"A{i}" for i in range(1, 6)]].copy()
    agree["A1"] = 7 - agree["A1"]
    for item, total in data["bfi_agree_sums"].items():
        assert agree[item].sum() == pytest.approx(total, abs=1e-9)


@pytest.mark.parametrize("structure", ["correlated", "bifactor", "higher_order"])
def test_cohort_models_are_the_banks_models(cfa_ref, bai, structure):
    """The R script copies bank.to_lavaan(structure, scales=core) verbatim."""
    case = cfa_ref["cases"][f"core_{structure}"]
    assert _strip(case["model"]) == _strip(bai.to_lavaan(structure, scales=CORE))


# ---------------------------------------------------------------------------------- vs semTools
def _fit_case(name, case, holzinger_swineford, bfi, cohort, bai):
    if name.startswith("hs_"):
        return bk.omega_cfa(holzinger_swineford, model=case["model"])
    if name == "bfi_agree":
        return bk.omega_cfa(bfi, model=case["model"], keys=["A1"])
    structure = name.removeprefix("core_").removesuffix("_fiml")
    missing = "fiml" if name.endswith("_fiml") else "listwise"
    return bk.omega_cfa(cohort.data, bank=bai, scales=CORE, structure=structure,
                        missing=missing)


CASES = ["hs_correlated", "hs_higher_order", "bfi_agree", "core_correlated",
         "core_correlated_fiml", "core_bifactor", "core_higher_order"]


@pytest.mark.parametrize("name", CASES)
def test_omega_cfa_matches_semtools(cfa_ref, name, holzinger_swineford, bfi, cohort, bai):
    """R: semTools::compRelSEM(lavaan::cfa(model, data), return.total = TRUE,
    higher = <second-order factors>) (the call is stored with each case)."""
    case = cfa_ref["cases"][name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", bk.ListwiseDeletionWarning)
        res = _fit_case(name, case, holzinger_swineford, bfi, cohort, bai)
    assert res.n == case["n"]
    assert res.fit.chisq == pytest.approx(case["chisq"], rel=1e-4)
    std = res.fit.loadings.set_index(["factor", "item"])["std_all"]
    ref_std = case["std_loadings"]
    for f, i, v in zip(ref_std["factor"], ref_std["item"], ref_std["std_all"], strict=True):
        if (f, i) in std.index:  # second-order loadings are not item loadings
            assert std[(f, i)] == pytest.approx(v, abs=STD_LOADING_TOL)
    assert list(res.omega.index) == list(case["omega"])
    for factor, value in case["omega"].items():
        assert res.omega[factor] == pytest.approx(value, abs=OMEGA_TOL), factor


def test_headline_omegas(cfa_ref, cohort, bai):
    """omega_h is the general factor (bifactor) or the single second-order factor."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", bk.ListwiseDeletionWarning)
        bif = bk.omega_cfa(cohort.data, bank=bai, scales=CORE, structure="bifactor")
        ho = bk.omega_cfa(cohort.data, bank=bai, scales=CORE, structure="higher_order")
        cor = bk.omega_cfa(cohort.data, bank=bai, scales=CORE)
        one = bk.omega_cfa(cohort.data, bank=bai, scales=["ex"])
    cases = cfa_ref["cases"]
    assert bif.omega_h == pytest.approx(cases["core_bifactor"]["omega"]["g"], abs=OMEGA_TOL)
    assert bif.omega_total == pytest.approx(cases["core_bifactor"]["omega"]["total"],
                                            abs=OMEGA_TOL)
    assert ho.omega_h == pytest.approx(cases["core_higher_order"]["omega"]["core"],
                                       abs=OMEGA_TOL)
    assert math.isnan(cor.omega_h)
    assert one.omega_total == one.omega["ex"]
    kinds = dict(zip(bif.table["factor"], bif.table["kind"], strict=True))
    assert kinds == {"g": "general", "ex": "specific", "md": "specific", "re": "specific",
                     "total": "total"}
    assert ho.table.set_index("factor").loc["core", "kind"] == "second_order"
    assert ho.structure == "higher_order"
    assert bif.glance().loc[0, "omega_h"] == bif.omega_h
    assert "omega_h" in repr(bif)


def test_reliability_table_omega_cfa_matches_semtools(cfa_ref, bfi):
    """R: compRelSEM(cfa("agree =~ A1 + ... + A5", bfi with A1 reversed)) for the agree scale."""
    bank = bk.ItemBank.from_dict({
        "instrument": {"id": "bfi", "name": "bfi", "version": "1", "language": "en",
                       "license": "GPL", "citation": "Revelle et al. (2010)"},
        "response_format": {"min": 1, "max": 6},
        "scales": [{"id": "agree", "name": "Agreeableness"}],
        "items": [{"id": f"A{i}", "scale": "agree", "keyed": -1 if i == 1 else 1}
                  for i in range(1, 6)],
    })
    table = bk.reliability(bank, bfi).tidy().set_index("id")
    assert table.loc["agree", "omega_cfa"] == pytest.approx(
        cfa_ref["cases"]["bfi_agree"]["omega"]["agree"], abs=OMEGA_TOL
    )


def test_reliability_table_omega_cfa_of_systems(cohort, bai):
    """A system's omega_cfa is the total omega of its correlated scales (listwise in them)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", bk.ListwiseDeletionWarning)
        table = bk.reliability(bai, cohort.data, scales=CORE).tidy().set_index("id")
        cor = bk.omega_cfa(cohort.data, bank=bai, scales=CORE)
    assert table.loc["core", "omega_cfa"] == pytest.approx(cor.omega_total, abs=1e-6)


# ---------------------------------------------------------------------------------- contract
def test_omega_cfa_bad_input(holzinger_swineford, bai, cohort):
    hs = holzinger_swineford
    with pytest.raises(bk.DataError, match="needs a model"):
        bk.omega_cfa(hs)
    with pytest.raises(bk.DataError, match="'scales' selects"):
        bk.omega_cfa(cohort.data, model="ex =~ ex1 + ex2 + ex3", bank=bai, scales=["ex"])
    with pytest.raises(bk.DataError, match="'structure' parameter of omega_cfa"):
        bk.omega_cfa(cohort.data, bank=bai, structure="hierarchical")
    with pytest.raises(bk.DataError, match="must be lavaan syntax"):
        bk.omega_cfa(hs, model=["f =~ x1 + x2 + x3"])
    with pytest.raises(bk.DataError, match=r"\['x10'\]"):
        bk.omega_cfa(hs, model="f =~ x1 + x2 + x10")


def test_negative_loadings_are_named(holzinger_swineford):
    with pytest.warns(bk.BurnoutkitWarning, match="x1 on visual"):
        bk.omega_cfa(holzinger_swineford, model="visual =~ x2 + x1 + x3", keys=["x1"])


def test_omega_cfa_does_not_mutate(holzinger_swineford):
    before = holzinger_swineford.copy()
    with pytest.warns(bk.BurnoutkitWarning, match="x2 on visual"):
        bk.omega_cfa(holzinger_swineford, model="visual =~ x1 + x2 + x3", keys=["x2"])
    pd.testing.assert_frame_equal(holzinger_swineford, before)


# ---------------------------------------------------------------------------------- recovery
def test_omega_cfa_recovers_population_values():
    """Congeneric and bifactor data with known loadings: omegas within sampling error."""
    rng = np.random.default_rng(20261123)
    n = 5000
    lam = np.array([0.8, 0.7, 0.6, 0.5, 0.4])
    u2 = 1 - lam**2
    x = rng.normal(size=(n, 1)) * lam + rng.normal(size=(n, 5)) * np.sqrt(u2)
    data = pd.DataFrame(x, columns=[f"y{j}" for j in range(1, 6)])
    res = bk.omega_cfa(data, model="f =~ y1 + y2 + y3 + y4 + y5")
    pop = lam.sum() ** 2 / (lam.sum() ** 2 + u2.sum())
    # the sampling SD of omega here is about 0.004
    assert res.omega_total == pytest.approx(pop, abs=0.015)

    g = np.array([0.6, 0.5, 0.55, 0.45] * 3)
    s = np.zeros((12, 3))
    for f in range(3):
        s[f * 4:(f + 1) * 4, f] = [0.5, 0.4, 0.45, 0.35]
    u2 = 1 - g**2 - (s**2).sum(axis=1)
    x = (rng.normal(size=(n, 1)) * g + rng.normal(size=(n, 3)) @ s.T
         + rng.normal(size=(n, 12)) * np.sqrt(u2))
    names = [f"x{j}" for j in range(12)]
    model = "g =~ " + " + ".join(names) + "\n" + "\n".join(
        f"s{f} =~ " + " + ".join(names[f * 4:(f + 1) * 4]) for f in range(3)
    )
    orthogonal = "\ng ~~ 0*s0 + 0*s1 + 0*s2\ns0 ~~ 0*s1 + 0*s2\ns1 ~~ 0*s2"
    res = bk.omega_cfa(pd.DataFrame(x, columns=names), model=model + orthogonal, std_lv=True)
    sigma = np.outer(g, g) + s @ s.T + np.diag(u2)
    assert res.omega_h == pytest.approx(g.sum() ** 2 / sigma.sum(), abs=0.02)
    assert res.omega_total == pytest.approx(1 - u2.sum() / sigma.sum(), abs=0.01)


def _population_matrix(truth, bank, scale: str) -> np.ndarray:
    """Population correlations of a scale's keyed latent responses y* (form A)."""
    params = truth.parameters
    factors = params["factors"]
    phi = np.array(params["factor_correlations"])
    items = {d["item"]: d for d in params["items"]}
    names = bank.items_of(scale)
    lam = np.zeros((len(names), len(factors)))
    acq = np.zeros(len(names))
    resid = np.zeros(len(names))
    for j, name in enumerate(names):
        d = items[name]
        key = d["keyed"]
        lam[j, factors.index(d["scale"])] = d["loading"]
        for f, v in d["cross_loadings"].items():
            lam[j, factors.index(f)] = key * v
        acq[j] = key * d["acquiescence"]
        resid[j] = d["residual_variance"]
    return lam @ phi @ lam.T + np.outer(acq, acq) + np.diag(resid)


def test_ordinal_omega_recovers_the_cohorts_population_omega(cohort, bai):
    """Reference cohort: the polychoric (ordinal) one-factor omega of every scale against the
    same omega of the population correlations of the latent responses y* (truth loadings,
    cross-loadings, acquiescence and residual variances; the factor correlations), computed
    without the careless responders (they are not part of the population model, and pull the
    sample omegas down by about 0.006 on average).

    The Pearson omega of the 1-5 responses is not compared: coarse categories attenuate the
    correlations, so it estimates a different (smaller) quantity. The sampling SD of each
    scale's omega at n = 2900 is about 0.005; individual scales also differ by the profile
    mixture (the latent factors are not normal, which biases polychoric correlations a little)
    and, for ``er``, by the non-invariant item ``er3`` in form B.
    """
    resp = cohort.truth.respondents
    careless = set(resp.loc[resp["careless"], "id"])
    clean = cohort.data[~cohort.data["id"].isin(careless)]
    deviations = []
    for scale in bai.scale_ids:
        sigma = _population_matrix(cohort.truth, bai, scale)
        assert np.allclose(np.diag(sigma), 1.0, atol=1e-3), scale
        population = _omega_total_only(sigma, 1)
        sample = bk.omega(clean, bank=bai, scale=scale, n_factors=1,
                          method="polychoric").omega_total
        assert sample == pytest.approx(population, abs=0.02), scale
        deviations.append(sample - population)
    assert abs(np.mean(deviations)) < 0.005


# ---------------------------------------------------------------------------------- ordinal alpha
def _table(block) -> pd.DataFrame:
    data = {c: np.array(v, dtype=float) for c, v in zip(block["columns"], block["data"],
                                                         strict=True)}
    return pd.DataFrame(data, index=block["rownames"])


@pytest.mark.parametrize("name", ["agree", "conscientious"])
def test_ordinal_alpha_matches_psych(ordinal_ref, bfi, name):
    """R: psych::alpha(psych::polychoric(x)$rho, n.obs = nrow(x)) with the keyed items reversed
    (7 - x)."""
    case = ordinal_ref["cases"][name]
    reversed_items = case["reversed"]
    reversed_items = reversed_items if isinstance(reversed_items, list) else [reversed_items]
    res = bk.alpha(bfi, items=case["items"], keys=reversed_items, method="polychoric")
    total = case["total"]
    assert res.method == "polychoric"
    assert res.alpha == pytest.approx(total["raw_alpha"], abs=ORDINAL_TOL)
    assert res.std_alpha == pytest.approx(total["std.alpha"], abs=ORDINAL_TOL)
    assert res.lambda6 == pytest.approx(total["G6(smc)"], abs=ORDINAL_TOL)
    assert res.average_r == pytest.approx(total["average_r"], abs=ORDINAL_TOL)
    assert res.ase == pytest.approx(total["ase"], abs=ORDINAL_TOL)
    drop = _table(case["alpha_drop"])
    np.testing.assert_allclose(res.alpha_if_dropped["raw_alpha"], drop["raw_alpha"],
                               rtol=0, atol=ORDINAL_TOL)
    stats = _table(case["item_stats"])
    np.testing.assert_allclose(res.item_stats["r_drop"], stats["r.drop"], rtol=0,
                               atol=5 * ORDINAL_TOL)
    np.testing.assert_allclose(res.item_stats["r_cor"], stats["r.cor"], rtol=0,
                               atol=5 * ORDINAL_TOL)
    # ordinal alpha exceeds Pearson alpha of the same 6-point items
    assert res.alpha > case["pearson_alpha"]


@pytest.mark.parametrize("name", ["agree", "conscientious"])
def test_ordinal_alpha_step_is_psychs_closed_form(ordinal_ref, name):
    """R: psych::alpha(rho, n.obs) on psych's own polychoric matrix (no polychoric step)."""
    case = ordinal_ref["cases"][name]
    rho = _table(case["rho"]).to_numpy()
    stats = _alpha_stats(rho, rho)
    total = case["total"]
    assert stats["raw_alpha"] == pytest.approx(total["raw_alpha"], abs=CLOSED_FORM)
    assert stats["lambda6"] == pytest.approx(total["G6(smc)"], abs=CLOSED_FORM)
    assert math.sqrt(stats["q"] / case["n"]) == pytest.approx(total["ase"], abs=CLOSED_FORM)


def test_ordinal_alpha_refuses_bootstrap(bfi):
    with pytest.raises(bk.DataError, match="ci='bca' is not available with method='polychoric'"):
        bk.alpha(bfi, items=["A2", "A3", "A4"], method="polychoric", ci="bca")
    with pytest.raises(bk.DataError, match="'method' parameter of alpha"):
        bk.alpha(bfi, items=["A2", "A3", "A4"], method="spearman")


# ---------------------------------------------------------------------------------- R re-runs
def _rerun(script: Path, packages: str, tmp_path: Path) -> dict:
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript is not installed")
    check = subprocess.run(["Rscript", "-e", packages], capture_output=True)
    if check.returncode != 0:
        pytest.skip(f"R packages are missing ({packages})")
    root = Path(__file__).parent.parent
    run = subprocess.run(["Rscript", str(script), str(tmp_path)], cwd=root,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return _load(tmp_path / f"{script.stem}.json")


@pytest.mark.r
def test_cfa_omega_script_reproduces_stored_output(tmp_path):
    """Re-runs tests/reference/reliability_cfa_omega.R and compares with the stored JSON."""
    new = _rerun(CFA_SCRIPT, "library(lavaan); library(semTools); library(psychTools)", tmp_path)
    _assert_same(new, _load(REFERENCE / "reliability_cfa_omega.json"))


@pytest.mark.r
def test_ordinal_alpha_script_reproduces_stored_output(tmp_path):
    """Re-runs tests/reference/reliability_ordinal_alpha.R and compares with the stored JSON."""
    new = _rerun(ORDINAL_SCRIPT, "library(psych); library(psychTools)", tmp_path)
    _assert_same(new, _load(REFERENCE / "reliability_ordinal_alpha.json"))
