"""Recovery of the reference cohort's planted factor structure by the factor-analysis API.

Every expected value is read from ``cohort.truth``; nothing about the cohort is typed in here.

Choices that the tests depend on:

* **Careless responders are excluded** (``truth.respondents.careless``). The truth describes how
  attentive respondents answer; the 3 % random and long-string responders follow no factor
  model, and a researcher would screen them out before a factor analysis.
* **Loadings are compared on the latent-response metric.** The truth's loadings are
  standardized loadings of the latent response :math:`y^*` of each item (a threshold model).
  Normal-theory ML on the Pearson covariances of the 1-5 responses gives loadings attenuated by
  the categorization (about .95 of the :math:`y^*` loading here), so the comparison uses ML on
  the polychoric correlation matrix, whose point estimates are consistent for the
  :math:`y^*` loadings. Standard errors and chi-square of such a fit are not valid (that needs
  WLSMV); only point estimates are compared.
* **The fitted model is the generating model**: the bank's correlated-factors model plus the
  planted cross-loadings, an acquiescence factor (loading fixed equal on every item in the raw
  direction, uncorrelated with the scales) and the residual correlations of the matched
  gain/loss pairs, all read from the truth. The bank's model alone leaves the acquiescence
  variance in the loadings (deviations up to about .07 for reverse-keyed items).
"""

from __future__ import annotations

import dataclasses
import importlib

import numpy as np
import pandas as pd
import pytest

import burnoutkit as bk
from burnoutkit.datasets import Cohort, load_reference_cohort
from burnoutkit.factors._sem_engine import fit_model as engine_fit_model

cfa_module = importlib.import_module("burnoutkit.factors.cfa")

RANDOM_STATE = 20261123
LOADING_TOL = 0.05
# Parallel analysis counts correlated factors and a weak method factor only approximately.
RETENTION_TOL = 3
ALPHA = 0.05


@pytest.fixture(scope="module")
def cohort() -> Cohort:
    return load_reference_cohort()


@pytest.fixture(scope="module")
def bank() -> bk.ItemBank:
    return bk.load_bank("bai")


@pytest.fixture(scope="module")
def attentive(cohort) -> pd.DataFrame:
    resp = cohort.truth.respondents
    careless = set(resp.loc[resp["careless"].astype(bool), "id"])
    return cohort.data[~cohort.data["id"].isin(careless)].reset_index(drop=True)


@pytest.fixture(scope="module")
def polychoric(attentive, bank) -> bk.CorrelationResult:
    return bk.correlation(attentive, items=bank.item_ids, method="polychoric")


def _true_loadings(cohort: Cohort) -> pd.Series:
    """Signed standardized y* loading of each item on its own scale."""
    tab = cohort.truth.loadings.set_index("item")
    return tab["loading"] * tab["keyed"]


def _generating_model(cohort: Cohort, bank: bk.ItemBank) -> str:
    truth = cohort.truth
    lines = [bank.to_lavaan("correlated")]
    lines += [f"{r.factor} =~ {r.item}" for r in truth.cross_loadings.itertuples()]
    lines.append("acq =~ " + " + ".join(f"1*{item}" for item in bank.item_ids))
    lines += [f"acq ~~ 0*{scale}" for scale in bank.scale_ids]
    lines += [f"{a} ~~ {b}" for a, b in truth.parameters["pairs"]]
    return "\n".join(lines)


# --------------------------------------------------------------------------- loadings
@pytest.fixture(scope="module")
def generating_fit(cohort, bank, polychoric, attentive) -> bk.CFAResult:
    return bk.cfa(
        model=_generating_model(cohort, bank),
        sample_cov=polychoric.matrix,
        sample_nobs=len(attentive),
    )


def test_polychoric_cfa_recovers_every_standardized_loading(cohort, bank, generating_fit):
    """All 78 primary loadings within .05 of the truth (measured: max |dev| .043)."""
    truth = _true_loadings(cohort)
    lo = generating_fit.loadings
    own = lo[[bank.item(i).scale == f for f, i in zip(lo["factor"], lo["item"], strict=True)]]
    est = own.set_index("item")["std_all"]
    assert sorted(est.index) == sorted(truth.index)
    dev = (est - truth[est.index]).abs()
    assert dev.max() < LOADING_TOL, dev.sort_values().tail(5).round(3).to_dict()
    # no systematic bias either: the mean deviation is within sampling error of 0
    assert abs((est - truth[est.index]).mean()) < 0.01


def test_planted_cross_loadings_and_acquiescence_are_recovered(cohort, generating_fit):
    lo = generating_fit.loadings
    planted = cohort.truth.cross_loadings
    got = lo.merge(planted, on=["item", "factor"], how="right")
    assert got["std_all"].notna().all()
    assert np.allclose(got["std_all"], got["loading"], atol=LOADING_TOL), got
    acq = lo.loc[lo["factor"] == "acq"].set_index("item")["std_all"]
    true_acq = cohort.truth.loadings.set_index("item")["acquiescence"]
    assert np.allclose(acq, true_acq[acq.index], atol=LOADING_TOL)


def test_pearson_ml_loadings_are_attenuated(cohort, bank, attentive, generating_fit):
    """Why the comparison uses polychoric correlations: the Pearson-based fit of the same model
    gives every loading smaller in size, by about the polyserial attenuation factor."""
    pearson = bk.correlation(attentive, items=bank.item_ids)
    sd = attentive[bank.item_ids].std()
    cov = pearson.matrix * np.outer(sd, sd)
    fit = bk.cfa(model=generating_fit.model, sample_cov=cov, sample_nobs=len(attentive))
    key = ["factor", "item"]
    both = fit.loadings.merge(generating_fit.loadings, on=key, suffixes=("_pearson", "_poly"))
    own = both[both["factor"] != "acq"]
    ratio = own["std_all_pearson"] / own["std_all_poly"]
    assert (ratio < 1).all()
    assert 0.85 < ratio.mean() < 0.99


def test_polychoric_efa_finds_every_scale(bank, attentive, cohort):
    """Every factor's closest scale is its own, with Tucker congruence above .80 (fair
    similarity, Lorenzo-Seva & ten Berge 2006) and above .90 for all but mental distance: the
    core factor that correlates .62 with both others, carries the weak item md3 (loading .40)
    and the planted cross-loading of ex2, so oblimin spreads some of it (about .2) over
    exhaustion and reduced efficacy (congruence about .84 on the shipped cohort)."""
    n_scales = len(cohort.truth.factor_correlations)
    res = bk.efa(attentive, n_scales, bank=bank, correlation="polychoric")
    cong = res.congruence.to_numpy()
    diag = np.diag(cong)
    found = dict(zip(res.congruence.columns, diag.round(3), strict=True))
    assert (cong.argmax(axis=1) == np.arange(len(diag))).all(), found
    assert (cong.argmax(axis=0) == np.arange(len(diag))).all(), found
    assert diag.min() > 0.80, found
    assert np.sort(diag)[1] > 0.90, found


# --------------------------------------------------------------------------- retention
def test_parallel_analysis_suggests_about_the_true_number(cohort, bank, attentive):
    """16 correlated scale factors plus the acquiescence method factor: 17 in truth. Parallel
    analysis is approximate for correlated factors and a weak method factor (loading .15), so
    a suggestion within 3 of 17 counts as recovery (measured: 17)."""
    n_true = len(cohort.truth.factor_correlations) + 1
    res = bk.parallel_analysis(
        attentive, items=bank.item_ids, n_iter=20, random_state=RANDOM_STATE
    )
    assert abs(res.n_factors - n_true) <= RETENTION_TOL
    assert abs(res.n_components - n_true) <= RETENTION_TOL


# --------------------------------------------------------------------------- invariance
@pytest.fixture(scope="module")
def form_invariance(bank, attentive) -> bk.InvarianceResult:
    """The bank's full 78-item model across language versions, complete cases (listwise)."""
    with pytest.warns(bk.ListwiseDeletionWarning, match="rows were dropped"):
        return bk.invariance(
            attentive, bank=bank, group="form", levels=["configural", "metric", "scalar"]
        )


def test_score_tests_flag_the_planted_item_only(cohort, form_invariance):
    """Measured on the shipped cohort: er3 intercept x2 = 35.6 (Holm p < 1e-6), the next
    constraint (md1 intercept) x2 = 5.0 (Holm p = 1). A correct engine fails the 'no other
    item' part by chance at most 5 % of the time on a new cohort (Holm's familywise rate)."""
    planted = cohort.truth.noninvariant_item
    src = bk.invariance_sources(form_invariance, level="scalar")
    top = src.iloc[0]
    assert (top["item"], top["parameter"]) == (planted, "intercept")
    assert top["p_holm"] < ALPHA
    rest = src.iloc[1:]
    assert (rest["p_holm"] >= ALPHA).all(), rest.head(3)
    # loadings are invariant: no loading constraint is significant at the metric level
    metric = bk.invariance_sources(form_invariance, level="metric")
    assert (metric["p_holm"] >= ALPHA).all()


def test_freeing_the_planted_item_leaves_nothing_to_flag(cohort, bank, attentive):
    planted = cohort.truth.noninvariant_item
    with pytest.warns(bk.ListwiseDeletionWarning):
        res = bk.invariance(
            attentive, bank=bank, group="form", levels=["configural", "metric", "scalar"],
            free=[f"{planted} ~ 1"],
        )
    src = bk.invariance_sources(res, level="scalar")
    assert planted not in set(src.loc[src["parameter"] == "intercept", "item"])
    assert (src["p_holm"] >= ALPHA).all()


# --------------------------------------------------------------------------- diagnostics
# Covered in tests/test_cfa.py: negative residual variance (item named), linearly dependent
# items, constant item, negative df, factor without a scale, rank-deficient information
# (factor named), non-convergence (ConvergenceError); in tests/test_efa.py: Heywood
# communality, non-positive-definite matrix, rotation and extraction non-convergence.
def test_factor_correlation_beyond_one_is_named():
    """A Heywood case among factors: both factors are named."""
    names = ["a1", "a2", "a3", "b1", "b2", "b3"]
    cov = np.full((6, 6), 0.49)  # loadings .7 on two factors that correlate 1 ...
    cov[:3, 3:] *= 1.15  # ... and items of different factors that covary more than that
    cov[3:, :3] *= 1.15
    np.fill_diagonal(cov, 1.0)
    cov = pd.DataFrame(cov, index=names, columns=names)
    with pytest.warns(bk.HeywoodCaseWarning, match="Factors 'fa' and 'fb' correlate 1.150"):
        res = bk.cfa(model="fa =~ a1 + a2 + a3\nfb =~ b1 + b2 + b3", sample_cov=cov,
                     sample_nobs=500)
    assert any("'fa' and 'fb'" in p for p in res.problems)


def test_non_positive_definite_summary_matrix_names_the_items():
    """An indefinite input matrix (e.g. an unsmoothed pairwise matrix) is refused by name."""
    cov = pd.DataFrame([[1.0, 0.9, 0.9], [0.9, 1.0, 0.1], [0.9, 0.1, 1.0]],
                       index=list("abc"), columns=list("abc"))
    with pytest.raises(bk.DataError, match=r"not positive definite.*\['a', 'b', 'c'\]"):
        bk.cfa(model="f =~ a + b + c", sample_cov=cov, sample_nobs=200)


def test_near_convergence_warns_and_is_recorded(holzinger_swineford, monkeypatch):
    """An optimizer that stops just short of its criterion gives a ConvergenceWarning."""

    def short_of_criterion(model, start, **kwargs):
        out = engine_fit_model(model, start, **kwargs)
        return dataclasses.replace(out, converged=False, max_gradient=1e-5)

    monkeypatch.setattr(cfa_module, "fit_model", short_of_criterion)
    model = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
    with pytest.warns(bk.ConvergenceWarning, match="did not converge"):
        res = bk.cfa(holzinger_swineford, model=model)
    assert any("did not converge" in p for p in res.problems)
