"""CFA: diagnostics (identification, Heywood cases, non-positive-definite data, convergence,
missing data), input validation, summary statistics, the bank's models, and recovery of a
planted structure."""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest

import burnoutkit as bk
from burnoutkit.factors._sem_engine import fit_model as engine_fit_model

cfa_module = importlib.import_module("burnoutkit.factors.cfa")

HS = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"


def simulate_bank(bank: bk.ItemBank, n: int, seed: int, corr: float = 0.4,
                  structure: str = "correlated"):
    """Normal data with a known structure: one factor per scale (keyed loadings .55-.85).

    ``"correlated"``: scale factors correlate ``corr``; ``"higher_order"``: each scale factor
    loads .75 on its system's factor (systems correlate .30); ``"bifactor"``: every item also
    loads .45 (keyed) on an orthogonal general factor.
    """
    rng = np.random.default_rng(seed)
    scales = bank.scale_ids
    items = bank.item_ids
    keys = bank.keys
    L = np.zeros((len(items), len(scales)))
    for j, item in enumerate(items):
        L[j, scales.index(bank.item(item).scale)] = rng.uniform(0.55, 0.85) * keys[item]
    if structure == "higher_order":
        systems = sorted({bank.scale(s).system for s in scales})
        gamma = np.zeros((len(scales), len(systems)))
        for i, s in enumerate(scales):
            gamma[i, systems.index(bank.scale(s).system)] = 0.75
        psi_sys = 0.3 + 0.7 * np.eye(len(systems))
        phi = gamma @ psi_sys @ gamma.T + np.diag(1 - 0.75**2 * np.ones(len(scales)))
    else:
        phi = corr + (1 - corr) * np.eye(len(scales))
    sigma = L @ phi @ L.T
    if structure == "bifactor":
        lg = 0.45 * keys.loc[items].to_numpy(dtype=float)
        L = L * 0.8
        sigma = L @ phi @ L.T + np.outer(lg, lg)
    sigma += np.diag(1 - np.diag(sigma))
    X = rng.multivariate_normal(np.full(len(items), 3.0), sigma, size=n)
    return pd.DataFrame(X, columns=items), L


# --------------------------------------------------------------------------- recovery / bank
def test_bank_model_recovers_planted_loadings(bai):
    data, L = simulate_bank(bai, 3000, seed=11)
    res = bk.cfa(data, bank=bai, std_lv=True)
    assert res.converged
    est = res.loadings.set_index("item").loc[bai.item_ids, "estimate"].to_numpy()
    truth = L.sum(axis=1)
    assert np.max(np.abs(est - truth)) < 0.08
    assert res.cfi > 0.99 and res.rmsea < 0.02
    corr = res.factor_correlations["correlation"]
    assert abs(corr.mean() - 0.4) < 0.02


@pytest.mark.parametrize("structure", ["higher_order", "bifactor"])
def test_bank_structures_fit(bai, structure):
    data, _ = simulate_bank(bai, 1500, seed=3, corr=0.0, structure=structure)
    res = bk.cfa(data, bank=bai, structure=structure)
    assert res.converged and res.df > 0
    assert res.model == bai.to_lavaan(structure=structure)


# --------------------------------------------------------------------------- diagnostics
def test_heywood_case_is_named():
    """A three-indicator factor whose first item needs a communality above 1."""
    cov = pd.DataFrame([[1.0, 0.8, 0.8], [0.8, 1.0, 0.5], [0.8, 0.5, 1.0]],
                       index=["a", "b", "c"], columns=["a", "b", "c"])
    with pytest.warns(bk.HeywoodCaseWarning, match="Item 'a' has a negative residual"):
        res = bk.cfa(model="f =~ a + b + c", sample_cov=cov, sample_nobs=200)
    assert any("'a'" in p for p in res.problems)
    assert res.tidy().query("lhs == 'a' and op == '~~'")["estimate"].iloc[0] < 0


def test_linearly_dependent_items_are_named(holzinger_swineford):
    data = holzinger_swineford.copy()
    data["x10"] = data["x1"] + data["x2"]
    with pytest.raises(bk.DataError, match=r"not positive definite.*'x1', 'x2'.*'x10'"):
        bk.cfa(data, model=HS + " + x10")


def test_constant_item_is_named(holzinger_swineford):
    data = holzinger_swineford.copy()
    data["x3"] = 1.0
    with pytest.raises(bk.DataError, match=r"\['x3'\] have zero variance"):
        bk.cfa(data, model=HS)


def test_negative_df_is_an_identification_error(holzinger_swineford):
    with pytest.raises(bk.IdentificationError, match="df = -1"):
        bk.cfa(holzinger_swineford, model="f =~ x1 + x2")


def test_factor_without_scale_is_named(holzinger_swineford):
    with pytest.raises(bk.IdentificationError, match="factor 'visual'"):
        bk.cfa(holzinger_swineford, model="visual =~ NA*x1 + x2 + x3\ntextual =~ x4 + x5 + x6")


def test_rank_deficient_information_names_the_factor(holzinger_swineford):
    """An orthogonal factor with two indicators: only the product of loading and variance."""
    with pytest.raises(bk.IdentificationError, match=r"factor\(s\) \['textual'\]"):
        bk.cfa(holzinger_swineford, model="visual =~ x1 + x2 + x3\ntextual =~ x4 + x5",
               orthogonal=True)


def test_non_convergence_raises_with_advice(holzinger_swineford, monkeypatch):
    def one_step(model, start, **kwargs):
        return engine_fit_model(model, start, max_iter=1)

    monkeypatch.setattr(cfa_module, "fit_model", one_step)
    with pytest.raises(bk.ConvergenceError, match="did not converge"):
        bk.cfa(holzinger_swineford, model=HS)


def test_listwise_deletion_is_counted_and_announced(holzinger_swineford):
    data = holzinger_swineford.copy()
    data.loc[[0, 5, 9], "x4"] = np.nan
    with pytest.warns(bk.ListwiseDeletionWarning, match="3 of 301 rows were dropped"):
        res = bk.cfa(data, model=HS)
    assert res.n_dropped == 3 and res.n_obs == 298


# --------------------------------------------------------------------------- inputs
def test_summary_statistics_with_means_and_groups(holzinger_swineford):
    items = [f"x{i}" for i in range(1, 10)]
    raw = bk.cfa(holzinger_swineford, model=HS, group="school", group_equal=["loadings"])
    covs, means, ns = {}, {}, {}
    for school, d in holzinger_swineford.groupby("school", sort=False):
        covs[school], means[school], ns[school] = d[items].cov(), d[items].mean(), len(d)
    summ = bk.cfa(model=HS, sample_cov=covs, sample_mean=means, sample_nobs=ns,
                  group_equal=["loadings"])
    assert summ.chisq == pytest.approx(raw.chisq, abs=1e-8)
    assert summ.group_labels == raw.group_labels
    with pytest.raises(bk.BurnoutkitError, match="needs the raw data"):
        bk.cfa(model=HS, sample_cov=covs, sample_mean=means, sample_nobs=ns, estimator="MLR")


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"estimator": "GLS"}, bk.BurnoutkitError, "must be one of 'ML', 'MLR'"),
        ({"confidence_level": 95}, bk.BurnoutkitError, "float in \\(0, 1\\)"),
        ({"model": "visual =~ x1 + x2 + xx3"}, bk.DataError, "Did you mean 'x3'"),
        ({"model": None}, bk.BurnoutkitError, "needs a model"),
        ({"group": "schol"}, bk.DataError, "Did you mean 'school'"),
        ({"group_equal": ["loading"]}, bk.BurnoutkitError, "Unknown group_equal"),
        ({"missing": "multiple"}, bk.BurnoutkitError, "'missing' parameter"),
        ({"missing": "pairwise"}, bk.BurnoutkitError, "belongs to the ordinal estimators"),
        ({"model": "visual =~ x1 + x2 + x3\nx1 | t1"}, bk.ModelSyntaxError, "thresholds"),
    ],
)
def test_bad_input_messages(holzinger_swineford, kwargs, error, fragment):
    args = {"model": HS, **kwargs}
    with pytest.raises(error, match=fragment):
        bk.cfa(holzinger_swineford, **args)


def test_non_numeric_column_is_named(holzinger_swineford):
    data = holzinger_swineford.copy()
    data["x5"] = data["x5"].astype(str)
    with pytest.raises(bk.DataError, match=r"\['x5'\] are not numeric"):
        bk.cfa(data, model=HS)


def test_saturated_model_fit_measures(holzinger_swineford):
    """R: fitMeasures(cfa("f =~ x1 + x2 + x3", data = hs)): chisq 0, df 0, pvalue NA,
    CFI 1, TLI 1, RMSEA 0 [0, 0], SRMR 0."""
    fm = bk.cfa(holzinger_swineford, model="f =~ x1 + x2 + x3").fit_measures
    assert fm["df"] == 0 and fm["chisq"] == pytest.approx(0, abs=1e-8)
    assert np.isnan(fm["p_value"]) and np.isnan(fm["rmsea_p_close"])
    assert (fm["cfi"], fm["tli"], fm["rmsea"], fm["rmsea_ci_low"], fm["rmsea_ci_high"]) == (
        1.0, 1.0, 0.0, 0.0, 0.0
    )
    assert fm["srmr"] == pytest.approx(0, abs=1e-8)


def test_group_with_summaries_is_an_error(holzinger_swineford):
    with pytest.raises(bk.BurnoutkitError, match="dicts keyed by group"):
        bk.cfa(model=HS, sample_cov=holzinger_swineford.filter(like="x").cov(), sample_nobs=301,
               group="school")


def test_data_and_summaries_together_is_an_error(holzinger_swineford):
    with pytest.raises(bk.BurnoutkitError, match="either data or sample_cov"):
        bk.cfa(holzinger_swineford, model=HS, sample_cov=holzinger_swineford.cov(numeric_only=True),
               sample_nobs=301)


# --------------------------------------------------------------------------- result object
def test_result_contract(holzinger_swineford):
    before = holzinger_swineford.copy()
    res = bk.cfa(holzinger_swineford, model=HS)
    pd.testing.assert_frame_equal(holzinger_swineford, before)
    tidy = res.tidy()
    assert list(tidy.columns) == ["lhs", "op", "rhs", "group", "group_label", "label", "free",
                                  "estimate", "se", "z", "p_value", "ci_low", "ci_high",
                                  "std_lv", "std_all"]
    assert tidy.loc[~tidy["free"], "se"].isna().all()
    g = res.glance()
    assert g.shape[0] == 1 and {"chisq", "cfi", "rmsea", "srmr", "aic"} <= set(g.columns)
    assert (res.chisq, res.df, res.cfi, res.tli, res.rmsea, res.srmr) == tuple(
        res.fit_measures[k] for k in ("chisq", "df", "cfi", "tli", "rmsea", "srmr")
    )
    assert "CFAResult" in repr(res) and "<div" in res._repr_html_()
    assert res.residual_variances["r_squared"].between(0, 1).all()
    assert res.implied_moments()[0]["cov"].shape == (9, 9)
    assert res.residuals(type="raw")["residual"].abs().max() > 0
    assert len(res.modification_indices(minimum=10, op=["=~"])) == 2
    with pytest.raises(bk.BurnoutkitError, match="no equality constraints"):
        res.score_tests()
    lo = res.tidy()
    lo90 = bk.cfa(holzinger_swineford, model=HS, confidence_level=0.90).tidy()
    assert (lo90["ci_high"] - lo90["ci_low"]).iloc[1] < (lo["ci_high"] - lo["ci_low"]).iloc[1]


def test_compare_models_errors_and_mlr(holzinger_swineford):
    ml = bk.cfa(holzinger_swineford, model=HS)
    mlr = bk.cfa(holzinger_swineford, model=HS, estimator="MLR")
    with pytest.raises(bk.BurnoutkitError, match="same estimator"):
        bk.compare_models(ml, mlr)
    with pytest.raises(bk.BurnoutkitError, match="at least two"):
        bk.compare_models(ml)
    mlr0 = bk.cfa(holzinger_swineford, model=HS, estimator="MLR", orthogonal=True)
    out = bk.compare_models(mlr, mlr0, names=["oblique", "orthogonal"])
    assert out.method == "satorra.bentler.2001"
    t = out.table
    c0, c1 = mlr0.fit_measures["scaling_factor"], mlr.fit_measures["scaling_factor"]
    cd = (27 * c0 - 24 * c1) / 3
    assert t["chisq_diff"].iloc[1] == pytest.approx((mlr0.chisq - mlr.chisq) / cd)
    assert out.glance()["df_diff"].iloc[0] == 3


def test_indefinite_sample_matrix_suggests_smoothing():
    """A pairwise-style indefinite matrix is not blamed on linear dependence."""
    import numpy as np
    import pandas as pd

    import burnoutkit as bk

    names = ["a", "b", "c", "d"]
    corr = np.array(
        [[1.0, 0.9, 0.9, 0.0], [0.9, 1.0, 0.2, 0.9], [0.9, 0.2, 1.0, 0.9], [0.0, 0.9, 0.9, 1.0]]
    )
    assert np.linalg.eigvalsh(corr)[0] < 0
    with pytest.raises(bk.DataError, match="indefinite") as info:
        bk.cfa(
            model="f =~ a + b + c + d",
            sample_cov=pd.DataFrame(corr, index=names, columns=names),
            sample_nobs=200,
        )
    assert "Smooth" in str(info.value)
