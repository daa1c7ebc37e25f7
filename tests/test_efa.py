"""bk.efa against psych::fa (tests/reference/efa_bfi.R -> efa_bfi.json).

Tolerances. minres and ml are iterative fits and psych stops its L-BFGS-B at R's default
``factr``, so what is left is optimizer error on both sides: loadings, factor correlations,
communalities and the fit indices (RMSEA and its interval, TLI, RMSR, fit function) agree to
1e-3 absolute (measured: ~1e-5). Statistics on the chi-square scale (chi-square, empirical
chi-square, BIC and their variants, in the thousands for bfi) agree to 1e-5 relative (measured:
< 1e-6, i.e. ~1e-3 absolute). psych's principal axes are replicated step by step, so ``pa`` and
the closed forms agree to 1e-8.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import burnoutkit as bk
from burnoutkit.banks.model import Instrument, Item, ItemBank, ResponseFormat, Scale
from burnoutkit.factors import rotation as rotation_module
from burnoutkit.factors.rotation import rotate_loadings

REF = json.loads((Path(__file__).parent / "reference" / "efa_bfi.json").read_text())
ITEMS: list[str] = REF["items"]
ROTATION = {"oblimin": "oblimin", "geominQ": "geomin", "promax": "promax", "varimax": "varimax",
            "none": None}
FITS = [
    (f"{fm}_{rot}", fm, ROTATION[rot], 5)
    for fm in ("minres", "ml", "pa")
    for rot in ("oblimin", "geominQ", "promax", "varimax", "none")
] + [("minres_oblimin_3", "minres", "oblimin", 3), ("minres_none_1", "minres", None, 1)]
# psych name -> EFAResult attribute
FIT_STATS = {
    "STATISTIC": "chi_square",
    "PVAL": "p_value",
    "objective": "objective",
    "chi": "chi_square_empirical",
    "EPVAL": "p_value_empirical",
    "rms": "rmsr",
    "crms": "crms",
    "TLI": "tli",
    "BIC": "bic",
    "SABIC": "sabic",
    "EBIC": "ebic",
    "ESABIC": "esabic",
    "fit": "fit",
    "fit_off": "fit_off",
    "null_model": "null_objective",
    "null_chisq": "null_chi_square",
}


CHI_SCALE = {"STATISTIC", "chi", "BIC", "SABIC", "EBIC", "ESABIC", "null_chisq"}


def _assert_fit(res, ref: dict, tol: float) -> None:
    for name, attr in FIT_STATS.items():
        if name in CHI_SCALE:
            expected = pytest.approx(ref[name], rel=min(tol, 1e-5), abs=0)
        else:
            expected = pytest.approx(ref[name], abs=tol, rel=0)
        assert getattr(res, attr) == expected, name
    np.testing.assert_allclose(
        [res.rmsea, res.rmsea_ci_low, res.rmsea_ci_high], ref["RMSEA"][:3], atol=tol
    )


@pytest.fixture(scope="module")
def complete(bfi: pd.DataFrame) -> pd.DataFrame:
    return bfi[ITEMS].dropna()


def _matrix(value: list) -> np.ndarray:
    m = np.array(value, dtype=float)
    return m.reshape(-1, 1) if m.ndim == 1 else m


def _align(ours: np.ndarray, ref: np.ndarray) -> tuple[list[int], np.ndarray]:
    """Column permutation and signs of ``ours`` that best match ``ref`` (Tucker congruence)."""
    from scipy.optimize import linear_sum_assignment

    c = ours.T @ ref
    rows, cols = linear_sum_assignment(-np.abs(c))
    perm = [0] * ref.shape[1]
    signs = np.ones(ref.shape[1])
    for i, j in zip(rows, cols, strict=True):
        perm[j] = i
        signs[j] = np.sign(c[i, j])
    return perm, signs


@pytest.mark.parametrize(("key", "method", "rotation", "k"), FITS, ids=[f[0] for f in FITS])
def test_efa_matches_psych(complete, key, method, rotation, k):
    """R: psych::fa(na.omit(bfi[items]), nfactors = k, fm = method, rotate = rotation)"""
    ref = REF[key]
    res = bk.efa(complete, k, method=method, rotation=rotation)
    tol = 1e-8 if method == "pa" else 1e-3
    loadings = _matrix(ref["loadings"])
    perm, signs = _align(res.loadings.to_numpy(), loadings)
    # factor order and sign are psych's without any re-alignment
    assert perm == list(range(k))
    assert np.all(signs > 0)
    np.testing.assert_allclose(res.loadings.to_numpy(), loadings, atol=tol, rtol=0)
    np.testing.assert_allclose(res.structure.to_numpy(), _matrix(ref["Structure"]), atol=tol)
    if ref["Phi"] is not None:
        np.testing.assert_allclose(res.factor_correlations.to_numpy(), _matrix(ref["Phi"]),
                                   atol=tol)
    else:
        np.testing.assert_allclose(res.factor_correlations.to_numpy(), np.eye(k))
    np.testing.assert_allclose(res.communalities.to_numpy(), ref["communality"], atol=tol)
    np.testing.assert_allclose(res.uniquenesses.to_numpy(), ref["uniquenesses"], atol=tol)
    np.testing.assert_allclose(res.complexity.to_numpy(), ref["complexity"], atol=tol)
    np.testing.assert_allclose(res.eigenvalues.to_numpy(), ref["values"], atol=tol)
    np.testing.assert_allclose(res.eigenvalues_observed.to_numpy(), ref["e_values"], atol=1e-8)
    vacc = _matrix(ref["Vaccounted"])
    np.testing.assert_allclose(res.variance["ss_loadings"], vacc[0], atol=tol)
    np.testing.assert_allclose(res.variance["proportion_var"], vacc[1], atol=tol)
    if k > 1:
        np.testing.assert_allclose(res.variance["cumulative_proportion"], vacc[4], atol=tol)
    assert res.df == ref["dof"]
    assert res.n_obs == REF["n"]
    _assert_fit(res, ref, tol)
    assert res.confidence_level == pytest.approx(ref["RMSEA"][3])
    assert res.null_df == ref["null_dof"]
    # closed forms: the independence model does not depend on the fit
    assert res.null_chi_square == pytest.approx(ref["null_chisq"], rel=1e-10)


def test_efa_pairwise_default_matches_psych(bfi):
    """R: psych::fa(bfi[items], nfactors = 5) (pairwise correlations of all 2800 rows)."""
    ref = REF["pairwise_minres_oblimin"]
    res = bk.efa(bfi[ITEMS], 5)
    assert res.missing == "pairwise"
    assert (res.n_rows, res.n_complete, res.n_obs) == (2800, 2436, 2800)
    assert res.pairwise_n is not None
    assert res.harmonic_n == pytest.approx(ref["nh"], rel=1e-12)
    np.testing.assert_allclose(res.loadings.to_numpy(), _matrix(ref["loadings"]), atol=1e-3)
    np.testing.assert_allclose(res.factor_correlations.to_numpy(), _matrix(ref["Phi"]),
                               atol=1e-3)
    _assert_fit(res, ref, 1e-3)


def test_efa_listwise_matches_complete_cases(bfi, complete):
    """missing='listwise' is the complete-case analysis, with the dropped rows counted."""
    res = bk.efa(bfi[ITEMS], 5, missing="listwise")
    ref = bk.efa(complete, 5)
    assert (res.n_rows, res.n_complete, res.n_obs) == (2800, 2436, 2436)
    np.testing.assert_allclose(res.loadings, ref.loadings, atol=1e-12)
    assert res.chi_square == pytest.approx(ref.chi_square, rel=1e-12)


def test_efa_correlation_matrix_input_matches_psych():
    """R: psych::fa(polychoric(x)$rho, nfactors = 5, n.obs = nrow(x))"""
    ref = REF["poly_minres_oblimin"]
    rho = pd.DataFrame(REF["polychoric_rho"], index=ITEMS, columns=ITEMS)
    snapshot = rho.copy()
    res = bk.efa(rho, 5, n_obs=REF["n"])
    pd.testing.assert_frame_equal(rho, snapshot)
    assert res.correlation == "matrix"
    np.testing.assert_allclose(res.loadings.to_numpy(), _matrix(ref["loadings"]), atol=1e-3)
    np.testing.assert_allclose(res.factor_correlations.to_numpy(), _matrix(ref["Phi"]),
                               atol=1e-3)
    _assert_fit(res, ref, 1e-3)


def test_efa_matrix_input_without_n_obs_has_no_chi_square():
    rho = pd.DataFrame(REF["polychoric_rho"], index=ITEMS, columns=ITEMS)
    res = bk.efa(rho, 5)
    assert res.n_obs is None
    assert np.isnan(res.chi_square) and np.isnan(res.rmsea)
    assert res.rmsr == pytest.approx(REF["poly_minres_oblimin"]["rms"], abs=1e-3)


def test_efa_polychoric_from_raw_data_matches_psych(complete):
    """R: psych::fa(x, nfactors = 5, cor = "poly")"""
    ref = REF["poly_raw_minres_oblimin"]
    res = bk.efa(complete, 5, correlation="polychoric")
    assert res.correlation == "polychoric"
    np.testing.assert_allclose(res.correlation_matrix.to_numpy(),
                               np.array(REF["polychoric_rho"]), atol=1e-3)
    np.testing.assert_allclose(res.loadings.to_numpy(), _matrix(ref["loadings"]), atol=1e-3)
    assert res.chi_square == pytest.approx(ref["STATISTIC"], rel=1e-3)


@pytest.mark.parametrize(
    ("key", "rotation"),
    [("rot_oblimin", "oblimin"), ("rot_geominQ", "geomin"), ("rot_promax", "promax"),
     ("rot_varimax", "varimax")],
)
def test_rotations_match_gparotation(key, rotation):
    """R: GPArotation::oblimin(A), GPArotation::geominQ(A), psych::kaiser(A, "Promax"),
    stats::varimax(A) on psych's unrotated 5-factor minres loadings of bfi."""
    out = rotate_loadings(np.array(REF["rot_input"]), rotation)
    assert out.converged
    np.testing.assert_allclose(out.loadings, np.array(REF[key]["loadings"]), atol=1e-8)
    if "Phi" in REF[key]:
        np.testing.assert_allclose(out.phi, np.array(REF[key]["Phi"]), atol=1e-8)
    # psych's convention: loadings = unrotated @ rot.mat
    np.testing.assert_allclose(np.array(REF["rot_input"]) @ out.rotation_matrix, out.loadings,
                               atol=1e-10)


def _bfi_bank() -> ItemBank:
    keys = np.array(REF["keys"])
    scales = ["agree", "conscientious", "extraversion", "neuroticism", "openness"]
    items = []
    for i, item in enumerate(ITEMS):
        j = int(np.nonzero(keys[i])[0][0])
        items.append(Item(id=item, scale=scales[j], keyed=int(keys[i, j])))
    return ItemBank(
        instrument=Instrument(id="bfi", name="bfi", version="1", language="en", license="GPL-2",
                              citation="Revelle et al. (2010)"),
        response_format=ResponseFormat(min=1, max=6),
        scales=tuple(Scale(id=s, name=s) for s in scales),
        items=tuple(items),
    )


def test_congruence_with_bank_matches_psych(complete):
    """R: psych::factor.congruence(fa(x, 5)$loadings, make.keys(items, bfi.keys))"""
    bank = _bfi_bank()
    plain = bk.efa(complete, 5)
    res = bk.efa(complete, 5, bank=bank)
    ref = np.array(REF["congruence_minres_oblimin"])  # psych's factors (rows) x scales
    scales = list(res.congruence.columns)
    # every factor of the bank-ordered result is one of psych's factors, possibly reflected
    perm, signs = _align(res.loadings.to_numpy(), plain.loadings.to_numpy())
    ours = res.congruence.to_numpy()
    for j in range(5):
        i = perm.index(j)
        np.testing.assert_allclose(ours[i] * signs[j], ref[j], atol=1e-3)
    # factors follow the bank's scales and point in the keyed direction
    assert list(res.factor_scales.values()) == scales
    assert np.all(np.diag(ours) > 0.8)
    assert not res.flags["misplaced"].any()
    tidy = res.tidy()
    assert list(tidy.columns[:3]) == ["item", "scale", "factor"]


def test_rotate_returns_new_result(complete):
    res = bk.efa(complete, 5)
    before = res.loadings.copy()
    promax = res.rotate("promax")
    direct = bk.efa(complete, 5, rotation="promax")
    assert promax is not res and res.rotation == "oblimin" and promax.rotation == "promax"
    pd.testing.assert_frame_equal(res.loadings, before)
    np.testing.assert_allclose(promax.loadings, direct.loadings, atol=1e-12)
    assert promax.chi_square == pytest.approx(res.chi_square, rel=1e-12)
    with pytest.raises(bk.BurnoutkitError, match="'rotation' parameter"):
        res.rotate("quartimax")
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.rotation = "varimax"  # type: ignore[misc]


def test_efa_does_not_mutate_input(bfi):
    data = bfi[ITEMS].copy()
    snapshot = data.copy()
    bk.efa(data, 3)
    pd.testing.assert_frame_equal(data, snapshot)


def test_item_flags(complete):
    res = bk.efa(complete, 5)
    flags = res.flags.set_index("item")
    loadings = res.loadings.abs()
    expected_low = loadings.max(axis=1) < 0.40
    pd.testing.assert_series_equal(flags["low_primary"], expected_low, check_names=False)
    second = loadings.apply(lambda row: row.sort_values().iloc[-2], axis=1)
    pd.testing.assert_series_equal(flags["cross_loading"], second > 0.30, check_names=False)
    assert flags.loc["E3", "cross_loading"]  # E3 also loads on openness
    assert not flags["heywood"].any()


def test_tidy_glance_repr(complete):
    res = bk.efa(complete, 5)
    tidy = res.tidy()
    assert list(tidy.columns) == ["item", "factor", "loading", "structure", "primary"]
    assert len(tidy) == 25 * 5 and tidy["primary"].sum() == 25
    glance = res.glance()
    assert glance.shape[0] == 1 and glance.loc[0, "df"] == 185
    assert repr(res).startswith("<EFAResult ") and "\n" not in repr(res)
    assert "<table" in res._repr_html_()
    stats = res.fit_statistics()
    assert stats.loc["STATISTIC", "value"] == res.chi_square


def _duplicate_item_data(seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    f = rng.standard_normal(400)
    cols = {f"x{i}": 0.6 * f + 0.8 * rng.standard_normal(400) for i in range(1, 6)}
    cols["twin"] = f + 0.01 * rng.standard_normal(400)
    return pd.DataFrame(cols)


def test_heywood_case_warns_naming_item():
    data = _duplicate_item_data()
    with pytest.warns(bk.HeywoodCaseWarning, match=r"\['twin'\]"):
        res = bk.efa(data, 1)
    assert res.flags.set_index("item").loc["twin", "heywood"]
    assert any("twin" in w for w in res.warnings)


def test_non_positive_definite_matrix_warns_naming_items():
    r = np.full((6, 6), 0.3)
    np.fill_diagonal(r, 1.0)
    r[0, 1] = r[1, 0] = 0.9
    r[0, 2] = r[2, 0] = 0.9
    r[1, 2] = r[2, 1] = -0.5
    names = ["a", "b", "c", "d", "e", "f"]
    frame = pd.DataFrame(r, index=names, columns=names)
    with (
        pytest.warns(bk.HeywoodCaseWarning, match=r"\['a'\]"),
        pytest.warns(bk.NonPositiveDefiniteWarning, match=r"items \['a'"),
    ):
        res = bk.efa(frame, 1, n_obs=200)
    assert any("not positive definite" in w for w in res.warnings)


def test_rotation_non_convergence_warns(complete, monkeypatch):
    monkeypatch.setattr(rotation_module, "_MAX_ITER", 2)
    with pytest.warns(bk.ConvergenceWarning, match="oblimin rotation did not converge"):
        res = bk.efa(complete, 5)
    assert not res.converged


def test_extraction_non_convergence_warns(complete, monkeypatch):
    from factor_analyzer import FactorAnalyzer

    original = FactorAnalyzer._fit_factor_analysis

    def stopped_early(self, corr_mtx):
        import warnings

        warnings.warn("Failed to converge: ABNORMAL_TERMINATION_IN_LNSRCH", stacklevel=2)
        return original(self, corr_mtx)

    monkeypatch.setattr(FactorAnalyzer, "_fit_factor_analysis", stopped_early)
    with pytest.warns(bk.ConvergenceWarning, match="minres extraction of 5 factor"):
        res = bk.efa(complete, 5)
    assert not res.converged


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n_factors": 0}, bk.BurnoutkitError,
         r"The 'n_factors' parameter of efa must be an int in \[1, 24\]; got 0\."),
        ({"n_factors": 25}, bk.BurnoutkitError, "must be an int in"),
        ({"n_factors": 2.0}, bk.BurnoutkitError, "must be an int in"),
        ({"n_factors": 2, "method": "uls"}, bk.BurnoutkitError,
         "The 'method' parameter of efa must be one of"),
        ({"n_factors": 2, "rotation": "quartimax"}, bk.BurnoutkitError, "'rotation' parameter"),
        ({"n_factors": 2, "missing": "fiml"}, bk.BurnoutkitError, "'missing' parameter"),
        ({"n_factors": 2, "items": ["A1", "A2", "a3"]}, bk.DataError,
         r"Items \['a3'\] are not columns of the data\. Did you mean 'A3'\?"),
        ({"n_factors": 2, "primary_threshold": 4}, bk.BurnoutkitError, "primary_threshold"),
    ],
)
def test_bad_input(complete, kwargs, error, message):
    with pytest.raises(error, match=message):
        bk.efa(complete, **kwargs)


def test_constant_item_is_named(complete):
    data = complete.assign(A1=3)
    with pytest.raises(bk.DataError, match=r"Item 'A1' has no variance"):
        bk.efa(data, 2)
