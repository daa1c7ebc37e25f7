"""bk.parallel_analysis, bk.velicer_map and bk.n_factors against psych.

Reference values: tests/reference/retention_bfi.R -> retention_bfi.json (psych::fa.parallel with
n.iter = 200 and psych::vss on the 25 bfi items, complete cases).

Tolerances. Observed component eigenvalues and MAP are closed forms: 1e-8. Observed factor
eigenvalues come from the one-factor minres fit, which follows psych's optimizer path (R's
L-BFGS-B settings), so they too are compared to 1e-8 (measured: 7e-15 on bfi). Simulated
and resampled eigenvalues are Monte Carlo estimates from independent random streams: the means
of our 200 and psych's 200 replicates must agree within 4.5 standard errors of their
difference, sqrt(sd_ours^2 / 200 + sd_psych^2 / 200), at each of the 25 positions (100 checks
per quantity, so a correct implementation fails with probability below 1e-3), and the 95th
percentiles within 4.5 standard errors of a normal quantile estimate, 2.11 sd / sqrt(n_iter)
for each. BIC: chi-square scale, 1e-5 relative (see tests/test_efa.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import burnoutkit as bk
from burnoutkit.factors.efa import _extract
from burnoutkit.factors.retention import _batched_corr, _batched_minres, _factor_values

REF = json.loads((Path(__file__).parent / "reference" / "retention_bfi.json").read_text())
ITEMS: list[str] = REF["items"]
N_ITER = 200
Z = 4.5


@pytest.fixture(scope="module")
def complete(bfi: pd.DataFrame) -> pd.DataFrame:
    return bfi[ITEMS].dropna()


@pytest.fixture(scope="module")
def parallel(complete) -> bk.ParallelAnalysisResult:
    return bk.parallel_analysis(complete, n_iter=N_ITER, random_state=20240501)


def test_observed_eigenvalues_match_psych(parallel):
    """R: fa.parallel(x, fm = "minres", fa = "both")$pc.values and $fa.values"""
    table = parallel.eigenvalues
    np.testing.assert_allclose(table["observed_component"], REF["pc_values"], atol=1e-8, rtol=0)
    np.testing.assert_allclose(table["observed_factor"], REF["fa_values"], atol=1e-8, rtol=0)


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        ("simulated_component", "simulated_components"),
        ("simulated_factor", "simulated_factors"),
        ("resampled_component", "resampled_components"),
        ("resampled_factor", "resampled_factors"),
    ],
)
def test_simulated_eigenvalues_within_monte_carlo_error(parallel, ours, theirs):
    """R: colMeans and quantiles of fa.parallel(x, n.iter = 200)$values, block by block."""
    table = parallel.eigenvalues
    ref = REF[theirs]
    sd_ours, sd_ref = table[f"{ours}_sd"].to_numpy(), np.array(ref["sd"])
    se_mean = np.sqrt(sd_ours**2 / N_ITER + sd_ref**2 / REF["n_iter"])
    diff = table[f"{ours}_mean"].to_numpy() - np.array(ref["mean"])
    assert np.all(np.abs(diff) < Z * se_mean)
    se_q = 2.11 * np.sqrt(sd_ours**2 / N_ITER + sd_ref**2 / REF["n_iter"])
    diff_q = table[f"{ours}_quantile"].to_numpy() - np.array(ref["q95"])
    assert np.all(np.abs(diff_q) < Z * se_q)


def test_suggested_numbers(parallel):
    """psych suggests 6 factors and 5 components for bfi with these settings."""
    assert parallel.n_components == REF["ncomp"]
    assert parallel.n_factors == REF["nfact"]
    assert parallel.glance().loc[0, "n_factors"] == parallel.n_factors


def test_batched_minres_agrees_with_factor_analyzer():
    """The vectorized minres reaches factor_analyzer's L-BFGS-B solution on random data.

    Random correlation matrices give flat minres criteria, where L-BFGS-B with numerical
    gradients stops up to ~1e-3 short of the stationary point that the batched solver reaches.
    """
    rng = np.random.default_rng(7)
    r = _batched_corr(rng.standard_normal((40, 300, 10)))
    for k in (1, 2):
        values = _factor_values(r, _batched_minres(r, k))
        for i in range(len(r)):
            np.testing.assert_allclose(values[i], _extract(r[i], k, "minres")[1], atol=1e-3)


def test_parallel_analysis_is_reproducible(complete):
    a = bk.parallel_analysis(complete, n_iter=5, random_state=3)
    b = bk.parallel_analysis(complete, n_iter=5, random_state=3)
    pd.testing.assert_frame_equal(a.eigenvalues, b.eigenvalues)
    c = bk.parallel_analysis(complete, n_iter=5, random_state=4)
    assert not np.allclose(a.simulated_components, c.simulated_components)


def test_parallel_analysis_with_missing_data(bfi):
    res = bk.parallel_analysis(bfi[ITEMS], n_iter=5, random_state=1)
    assert res.n_obs == 2800 and res.n_complete == 2436
    assert np.isfinite(res.resampled_components).all()


def test_parallel_analysis_of_a_matrix(complete):
    r = complete.corr()
    with pytest.raises(bk.DataError, match="pass n_obs="):
        bk.parallel_analysis(r)
    res = bk.parallel_analysis(r, n_obs=len(complete), n_iter=5, random_state=1)
    np.testing.assert_allclose(res.eigenvalues["observed_component"], REF["pc_values"],
                               atol=1e-8)
    assert res.resampled_components.shape == (0, 25)
    assert res.eigenvalues["resampled_component_mean"].isna().all()


def test_map_matches_psych(complete):
    """R: psych::vss(x, n = 8)$map and psych::vss(x, n = 24)$map"""
    res = bk.velicer_map(complete)
    np.testing.assert_allclose(res.map.to_numpy(), REF["map"], atol=1e-8, rtol=0)
    assert res.n_factors == int(np.argmin(REF["map"])) + 1
    full = bk.velicer_map(complete, max_factors=30)
    np.testing.assert_allclose(full.map.to_numpy(), REF["map_24"], atol=1e-8, rtol=0)
    assert list(res.tidy().columns) == ["n_factors", "map"]


def test_n_factors_table(complete):
    """BIC and VSS: psych::vss(x, n = 8)$vss.stats$BIC, $cfit.1, $cfit.2; Kaiser: eigenvalues
    of cor(x) above 1. VSS fits come from iterative minres fits: 1e-3."""
    res = bk.n_factors(complete, n_iter=10, random_state=1)
    table = res.table.set_index("criterion")["n_factors"]
    assert list(table.index) == ["parallel_factors", "parallel_components", "map", "kaiser",
                                 "bic", "vss1", "vss2"]
    np.testing.assert_allclose(res.vss["vss1"], REF["vss1"], atol=1e-3)
    np.testing.assert_allclose(res.vss["vss2"][1:], REF["vss2"][1:], atol=1e-3)
    assert table["vss1"] == int(np.argmax(REF["vss1"])) + 1
    assert table["vss2"] == int(np.argmax(REF["vss2"])) + 1
    assert table["map"] == int(np.argmin(REF["map"])) + 1
    assert table["kaiser"] == int((np.array(REF["pc_values"]) > 1).sum())
    np.testing.assert_allclose(res.bic.to_numpy(), REF["bic"], rtol=1e-5, atol=0)
    assert table["bic"] == int(np.argmin(REF["bic"])) + 1
    assert res.glance().shape == (1, 7)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_iter": 0}, r"The 'n_iter' parameter of parallel_analysis must be an int in "
                        r"\[1, inf\]; got 0\."),
        ({"quantile": 1.5}, "The 'quantile' parameter of parallel_analysis must be a float"),
        ({"method": "gls"}, "The 'method' parameter"),
        ({"factors_fitted": 30}, "The 'factors_fitted' parameter"),
    ],
)
def test_bad_input(complete, kwargs, message):
    with pytest.raises(bk.BurnoutkitError, match=message):
        bk.parallel_analysis(complete, **kwargs)


def test_inputs_not_mutated(bfi):
    data = bfi[ITEMS].copy()
    snapshot = data.copy()
    bk.parallel_analysis(data, n_iter=3, random_state=0)
    bk.velicer_map(data)
    pd.testing.assert_frame_equal(data, snapshot)
