"""Confirmatory factor analysis with lavaan's conventions: ML and MLR, one or several groups.

:func:`cfa` fits a measurement model written in lavaan syntax (or derived from an item bank)
to raw data or to summary statistics and returns a :class:`CFAResult`: the parameter table with
standard errors and standardized estimates, the fit measures lavaan reports (chi-square, CFI,
TLI, RMSEA with its interval, SRMR, log-likelihood, AIC, BIC, and for MLR the scaled and robust
versions), composite reliability and AVE per factor, modification indices, residuals and score
tests of equality constraints.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from burnoutkit._result import Result
from burnoutkit.errors import (
    BurnoutkitError,
    ConvergenceError,
    ConvergenceWarning,
    HeywoodCaseWarning,
)
from burnoutkit.factors import _sem_fit, _sem_robust, _sem_score
from burnoutkit.factors._sem_data import PreparedData, prepare_data
from burnoutkit.factors._sem_engine import GroupState, SEMModel, fit_model, start_values
from burnoutkit.factors._sem_std import standardize
from burnoutkit.factors.syntax import (
    GROUP_EQUAL_CHOICES,
    IdentificationError,
    parameter_table,
    parse_model,
    variable_roles,
)

__all__ = ["LAVAAN_FIT_NAMES", "CFAResult", "cfa"]

Estimator = Literal["ML", "MLR", "WLSMV", "ULSMV"]
_STRUCTURES = ("correlated", "higher_order", "bifactor")

#: burnoutkit fit-measure names and the ``lavaan::fitMeasures`` names they equal.
LAVAAN_FIT_NAMES: dict[str, str] = {
    "npar": "npar",
    "n": "ntotal",
    "chisq": "chisq",
    "df": "df",
    "p_value": "pvalue",
    "baseline_chisq": "baseline.chisq",
    "baseline_df": "baseline.df",
    "baseline_p_value": "baseline.pvalue",
    "cfi": "cfi",
    "tli": "tli",
    "rmsea": "rmsea",
    "rmsea_ci_low": "rmsea.ci.lower",
    "rmsea_ci_high": "rmsea.ci.upper",
    "rmsea_p_close": "rmsea.pvalue",
    "rmsea_p_notclose": "rmsea.notclose.pvalue",
    "srmr": "srmr",
    "srmr_nomean": "srmr_bentler_nomean",
    "loglik": "logl",
    "loglik_h1": "unrestricted.logl",
    "aic": "aic",
    "bic": "bic",
    "sabic": "bic2",
    "chisq_scaled": "chisq.scaled",
    "df_scaled": "df.scaled",
    "p_value_scaled": "pvalue.scaled",
    "scaling_factor": "chisq.scaling.factor",
    "baseline_chisq_scaled": "baseline.chisq.scaled",
    "baseline_p_value_scaled": "baseline.pvalue.scaled",
    "baseline_scaling_factor": "baseline.chisq.scaling.factor",
    "cfi_scaled": "cfi.scaled",
    "tli_scaled": "tli.scaled",
    "cfi_robust": "cfi.robust",
    "tli_robust": "tli.robust",
    "rmsea_scaled": "rmsea.scaled",
    "rmsea_ci_low_scaled": "rmsea.ci.lower.scaled",
    "rmsea_ci_high_scaled": "rmsea.ci.upper.scaled",
    "rmsea_p_close_scaled": "rmsea.pvalue.scaled",
    "rmsea_robust": "rmsea.robust",
    "rmsea_ci_low_robust": "rmsea.ci.lower.robust",
    "rmsea_ci_high_robust": "rmsea.ci.upper.robust",
    "rmsea_p_close_robust": "rmsea.pvalue.robust",
    "fmin": "fmin",
    "baseline_df_scaled": "baseline.df.scaled",
    "rmsea_p_notclose_scaled": "rmsea.notclose.pvalue.scaled",
    "rmsea_p_notclose_robust": "rmsea.notclose.pvalue.robust",
    "wrmr": "wrmr",
}

_GLANCE = (
    "n", "npar", "chisq", "df", "p_value", "cfi", "tli", "rmsea", "rmsea_ci_low",
    "rmsea_ci_high", "srmr", "aic", "bic",
)
_GLANCE_MLR = ("chisq_scaled", "scaling_factor", "p_value_scaled", "cfi_robust", "tli_robust",
               "rmsea_robust")
_GLANCE_ORDINAL = ("chisq_scaled", "df_scaled", "p_value_scaled", "cfi_scaled", "tli_scaled",
                   "rmsea_scaled", "cfi_robust", "tli_robust", "rmsea_robust")


@dataclass(slots=True)
class _FitState:
    """What the methods of a result need to compute more (kept out of the repr)."""

    model: SEMModel
    theta: np.ndarray
    states: list[GroupState]
    E_inv: np.ndarray  # expected information, constrained inverse (x space, per case)
    prepared: PreparedData
    vcov_x: np.ndarray | None = None  # covariance matrix of the free parameters (x space)
    ordinal: Any = None  # the ordinal (WLSMV/ULSMV) fit, when there is one


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class CFAResult(Result):
    """A fitted confirmatory factor model.

    Attributes
    ----------
    model : str
        The model syntax that was fitted.
    estimator : {"ML", "MLR", "WLSMV", "ULSMV"}
    n_obs : int
        Number of rows used (after listwise deletion), over all groups.
    n_groups : int
    group_labels : tuple of str
        Group names in the order of the ``group`` numbers in the tables (``("",)`` for one).
    n_obs_by_group : tuple of int
    n_dropped : int
        Rows dropped because of missing values (also announced by a warning): listwise, every
        row with a missing value; with ``missing="fiml"``, only rows with every model
        variable missing.
    missing : {"listwise", "fiml", "pairwise"}
        How missing values were handled.
    converged : bool
    iterations : int
    parameters : pandas.DataFrame
        The parameter table (see :meth:`tidy`).
    fit_measures : pandas.Series
        Fit measures, named in snake_case; :data:`LAVAAN_FIT_NAMES` maps them to lavaan's.
        Ordinal fits (WLSMV, ULSMV) have the scaled-shifted test (``chisq_scaled``,
        ``scaling_factor``, ``shift_parameter``), the scaled and robust CFI, TLI and RMSEA,
        ``srmr`` and ``wrmr``, and no likelihood-based measures.
    loadings : pandas.DataFrame
        One row per loading: group, factor, item, estimate, se, std_all.
    factor_correlations : pandas.DataFrame
        Model-implied correlations between factors: group, factor1, factor2, correlation.
    residual_variances : pandas.DataFrame
        One row per indicator: group, item, estimate, se, std_all (the unexplained share),
        r_squared.
    reliability : pandas.DataFrame
        Composite reliability (omega) and average variance extracted per factor and group
        (ordinal fits: Green & Yang's categorical omega, as ``semTools::compRelSEM``).
    problems : tuple of str
        Messages of the warnings raised during the fit (Heywood cases, convergence).
    """

    model: str
    estimator: str
    n_obs: int
    n_groups: int
    group_labels: tuple[str, ...]
    n_obs_by_group: tuple[int, ...]
    n_dropped: int
    missing: str = "listwise"
    converged: bool
    iterations: int
    parameters: pd.DataFrame
    fit_measures: pd.Series
    loadings: pd.DataFrame
    factor_correlations: pd.DataFrame
    residual_variances: pd.DataFrame
    reliability: pd.DataFrame
    problems: tuple[str, ...] = ()
    _state: _FitState | None = field(default=None, repr=False, compare=False)

    # ------------------------------------------------------------------ headline numbers
    @property
    def chisq(self) -> float:
        """Likelihood-ratio chi-square against the saturated model (N F_ML)."""
        return float(self.fit_measures["chisq"])

    @property
    def df(self) -> int:
        """Degrees of freedom of the chi-square test."""
        return int(self.fit_measures["df"])

    @property
    def p_value(self) -> float:
        """p-value of the chi-square test."""
        return float(self.fit_measures["p_value"])

    @property
    def cfi(self) -> float:
        """Comparative fit index."""
        return float(self.fit_measures["cfi"])

    @property
    def tli(self) -> float:
        """Tucker-Lewis index."""
        return float(self.fit_measures["tli"])

    @property
    def rmsea(self) -> float:
        """Root mean square error of approximation."""
        return float(self.fit_measures["rmsea"])

    @property
    def srmr(self) -> float:
        """Standardized root mean square residual (lavaan's ``srmr``)."""
        return float(self.fit_measures["srmr"])

    @property
    def aic(self) -> float:
        """Akaike information criterion, ``-2 logL + 2 npar``."""
        return float(self.fit_measures["aic"])

    @property
    def bic(self) -> float:
        """Bayesian information criterion, ``-2 logL + npar log N``."""
        return float(self.fit_measures["bic"])

    # ------------------------------------------------------------------ tables
    def tidy(self) -> pd.DataFrame:
        """Return the parameter table, one row per parameter and group.

        Columns: ``lhs, op, rhs, group, group_label, label, free, estimate, se, z, p_value,
        ci_low, ci_high, std_lv, std_all``. Fixed parameters have ``free=False`` and missing
        ``se``.
        """
        return self.parameters.copy()

    def glance(self) -> pd.DataFrame:
        """One row of fit measures (with the scaled and robust ones for MLR)."""
        if self.estimator in ("WLSMV", "ULSMV"):
            names = [k for k in _GLANCE if k not in ("aic", "bic")] + list(_GLANCE_ORDINAL)
        else:
            names = list(_GLANCE) + (list(_GLANCE_MLR) if self.estimator == "MLR" else [])
        row = {"estimator": self.estimator, **{k: self.fit_measures[k] for k in names}}
        row["converged"] = self.converged
        return pd.DataFrame([row])

    # ------------------------------------------------------------------ inference
    def _free_labels(self) -> list[str]:
        """Return the free parameters' names as lavaan gives them (``lav_partable_labels``)."""
        st = self._need_state()
        t = self.parameters
        out = []
        for r in st.model.x_rows:
            lab = t["label"].iat[r]
            if not isinstance(lab, str) or not lab:
                lab = f"{t['lhs'].iat[r]}{t['op'].iat[r]}{t['rhs'].iat[r] or ''}"
                if t["group"].iat[r] > 1:
                    lab += f".g{t['group'].iat[r]}"
            out.append(lab)
        return out

    def vcov(self) -> pd.DataFrame:
        r"""Covariance matrix of the free parameters, as ``lavaan::vcov(fit)``.

        It is the matrix whose diagonal gives the ``se`` column of :meth:`tidy`: for
        ``estimator="ML"`` the inverse expected information :math:`(N\,\mathcal I)^{-1}`; for
        ``"MLR"`` the sandwich :math:`N^{-1}\mathcal I^{-1} J \mathcal I^{-1}`; with
        ``missing="fiml"`` the inverse observed information (the Hessian of the casewise
        log-likelihood). Equality constraints are imposed through
        :math:`K (K' \mathcal I K)^{-1} K'`, so parameters sharing a label are perfectly
        correlated.

        Returns
        -------
        pandas.DataFrame
            Square, rows and columns named like lavaan's: the label if the parameter has one,
            else ``lhs + op + rhs`` (``"G~sev"``, ``"visual=~x2"``, ``"x1~1"``), with ``.g2``,
            ``.g3`` ... appended in later groups. Labels shared by constrained parameters
            repeat, as in lavaan. Rows are in the order of the free parameters in the
            parameter table (lavaan's order).

        References
        ----------
        Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. *Journal
        of Statistical Software, 48*(2), 1-36.

        Examples
        --------
        >>> import numpy as np
        >>> import burnoutkit as bk
        >>> from burnoutkit.datasets import load_holzinger_swineford
        >>> hs = load_holzinger_swineford()
        >>> res = bk.cfa(hs, model="visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6")
        >>> v = res.vcov()  # R: vcov(cfa(model, data = hs))
        >>> bool(np.allclose(np.sqrt(v.loc["visual=~x2", "visual=~x2"]),
        ...                  res.tidy().query("lhs == 'visual' & rhs == 'x2'")["se"]))
        True
        """
        st = self._need_state()
        if st.vcov_x is None:  # pragma: no cover - every fit stores it
            raise BurnoutkitError("This result holds no covariance matrix of the parameters.")
        names = self._free_labels()
        v = 0.5 * (st.vcov_x + st.vcov_x.T)
        return pd.DataFrame(v, index=names, columns=names)

    def standardized_solution(self, *, confidence_level: float = 0.95) -> pd.DataFrame:
        r"""Completely standardized estimates with delta-method standard errors.

        As ``lavaan::standardizedSolution(fit, type = "std.all")``: with :math:`s(x)` the
        standardized value of a parameter as a function of the free parameters :math:`x`,

        .. math:: \widehat{\operatorname{Var}}(s) = J\,\widehat V\,J',\qquad
                  J = \partial s / \partial x'

        with :math:`\widehat V` = :meth:`vcov` and :math:`J` by central differences
        (step :math:`10^{-6}\max(1, |x_k|)`).

        Parameters
        ----------
        confidence_level : float, default 0.95
            Level of the Wald intervals.

        Returns
        -------
        pandas.DataFrame
            ``lhs, op, rhs, group, std_all, se, z, p_value, ci_low, ci_high``, one row per
            parameter of :meth:`tidy` (``==`` rows dropped). ``se`` is NaN where the
            standardized value is fixed or undefined.

        References
        ----------
        Bollen, K. A. (1989). *Structural Equations with Latent Variables* (pp. 349-350).
        Wiley.
        """
        st = self._need_state()
        level = confidence_level
        if not 0 < level < 1:
            raise BurnoutkitError(
                "The 'confidence_level' parameter of standardized_solution must be a float in "
                f"(0, 1); got {level!r}."
            )
        model = st.model
        x0 = model.x_from_theta(st.theta)
        if st.ordinal is not None:
            from burnoutkit.factors._ordinal_cfa import std_all_at as _ordinal_std

            def std_at(x: np.ndarray) -> np.ndarray:
                return _ordinal_std(model, x)
        else:

            def std_at(x: np.ndarray) -> np.ndarray:
                return _std_all_at(model, x)

        # fixed-zero variances (phantom factors) make some std_all 0/0: those stay NaN
        with np.errstate(invalid="ignore", divide="ignore"):
            base = std_at(x0)
            J = np.zeros((len(base), len(x0)))
            for k in range(len(x0)):
                h = 1e-6 * max(1.0, abs(x0[k]))
                xp, xm = x0.copy(), x0.copy()
                xp[k] += h
                xm[k] -= h
                J[:, k] = (std_at(xp) - std_at(xm)) / (2 * h)
        V = st.vcov_x if st.vcov_x is not None else st.E_inv / model.ntotal
        var = np.einsum("ij,jk,ik->i", J, V, J)
        var[var < 1e-15 * np.maximum(1.0, base**2)] = np.nan
        se = np.sqrt(var)
        q = stats.norm.ppf(0.5 + level / 2)
        t = self.parameters
        with np.errstate(invalid="ignore", divide="ignore"):
            zval = base / se
        out = pd.DataFrame(
            {
                "lhs": t["lhs"].to_numpy(),
                "op": t["op"].to_numpy(),
                "rhs": t["rhs"].to_numpy(),
                "group": t["group"].to_numpy(),
                "std_all": base,
                "se": se,
                "z": zval,
                "p_value": 2 * stats.norm.sf(np.abs(zval)),
                "ci_low": base - q * se,
                "ci_high": base + q * se,
            }
        )
        out = out[out["op"] != "=="]
        if self.n_groups == 1:
            out = out.drop(columns="group")
        return out.reset_index(drop=True)

    def predict(self, data: pd.DataFrame) -> pd.DataFrame:
        r"""Factor scores by the regression (Thurstone) method, as ``lavaan::lavPredict(fit)``.

        For respondent :math:`i` with observed variables :math:`o_i`,

        .. math:: \hat\eta_i = E(\eta) + \Phi \Lambda_{o_i}' \Sigma_{o_i}^{-1}
                  (y_{i,o_i} - \mu_{o_i}),

        with :math:`E(\eta) = (I - B)^{-1}\alpha`, :math:`\Phi` the model-implied factor
        covariance matrix and :math:`\mu, \Sigma` the model-implied moments. Without a mean
        structure the data are centred at their sample means (lavaan does the same).

        Parameters
        ----------
        data : pandas.DataFrame
            Rows to score, with a column for every observed variable of the model. Rows with
            missing values are scored from their observed variables (as lavaan does for a
            FIML fit); a row with none observed gets NaN.

        Returns
        -------
        pandas.DataFrame
            One column per latent variable of the model (in model order), indexed like
            ``data``.

        Raises
        ------
        BurnoutkitError
            The model has more than one group, or ``data`` lacks model variables.

        References
        ----------
        Thurstone, L. L. (1935). *The Vectors of Mind*. University of Chicago Press.
        """
        st = self._need_state()
        self._need_continuous("Factor scores (predict)")
        model = st.model
        if model.ngroups > 1:
            raise BurnoutkitError(
                "predict() scores one group; fit the model per group to score several."
            )
        absent = [v for v in model.ov_names if v not in data.columns]
        if absent:
            raise BurnoutkitError(
                f"Variables {absent} of the model are not in the data; pass the columns the "
                "model was fitted on."
            )
        s = st.states[0]
        y = data[model.ov_names].to_numpy(dtype=float)
        mu = s.mu if model.meanstructure else np.nanmean(y, axis=0)
        phi = s.phi
        eeta = s.Aalpha if model.meanstructure else np.zeros(model.m)
        cov_ey = phi @ s.lam.T  # Cov(eta, y)
        scores = np.full((len(y), model.m), np.nan)
        obs = ~np.isnan(y)
        patterns, inverse = np.unique(obs, axis=0, return_inverse=True)
        for k, pat in enumerate(patterns):
            rows = np.flatnonzero(inverse.ravel() == k)
            if not pat.any():
                continue
            sig = s.sigma[np.ix_(pat, pat)]
            w = np.linalg.solve(sig, cov_ey[:, pat].T).T  # Phi Lambda_o' Sigma_o^-1
            scores[rows] = eeta + (y[np.ix_(rows, np.flatnonzero(pat))] - mu[pat]) @ w.T
        keep = [model._eta_idx[f] for f in model.lv_names]
        return pd.DataFrame(scores[:, keep], index=data.index, columns=list(model.lv_names))

    def _need_state(self) -> _FitState:
        if self._state is None:
            raise BurnoutkitError("This result holds no fitted model state.")
        return self._state

    def _need_continuous(self, what: str) -> None:
        if self._state is not None and self._state.ordinal is not None:
            raise BurnoutkitError(
                f"{what} are not available yet for an ordinal ({self.estimator}) fit; refit "
                "with estimator='ML' or 'MLR' to compute them on the item scores."
            )

    def _need_complete(self, what: str) -> None:
        if self.missing == "fiml":
            raise BurnoutkitError(
                f"{what} are not available yet for a fit with missing='fiml'; refit with "
                "missing='listwise' to compute them."
            )

    def modification_indices(
        self, *, minimum: float = 0.0, sort: bool = True, op: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """Modification indices of the fixed parameters (score tests, expected information).

        Parameters
        ----------
        minimum : float, default 0.0
            Keep rows with ``mi`` above this value.
        sort : bool, default True
            Sort by ``mi``, largest first.
        op : sequence of str, optional
            Keep only these operators (e.g. ``["=~"]`` for cross-loadings).

        Returns
        -------
        pandas.DataFrame
            ``lhs, op, rhs, group, mi, epc, sepc_lv, sepc_all``, as ``lavaan::modindices``.

        Examples
        --------
        >>> import burnoutkit as bk
        >>> from burnoutkit.datasets import load_holzinger_swineford
        >>> hs = load_holzinger_swineford()
        >>> res = bk.cfa(hs, model="visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; "
        ...                        "speed =~ x7 + x8 + x9")
        >>> # lavaan::modindices(fit, sort. = TRUE)
        >>> res.modification_indices().iloc[0][["lhs", "op", "rhs"]].tolist()
        ['visual', '=~', 'x9']
        """
        st = self._need_state()
        self._need_continuous("Modification indices")
        self._need_complete("Modification indices")
        tab = _sem_score.modification_indices(
            st.model, st.states, st.E_inv, _variance_map(self.parameters)
        )
        if self.n_groups == 1:
            tab = tab.drop(columns="group")
        if op is not None:
            tab = tab[tab["op"].isin(list(op))]
        if minimum > 0:
            tab = tab[tab["mi"] > minimum]
        if sort:
            tab = tab.sort_values("mi", ascending=False, kind="stable")
        return tab.reset_index(drop=True)

    def score_tests(self) -> tuple[pd.Series, pd.DataFrame]:
        """Score tests of the equality constraints, as ``lavaan::lavTestScore``.

        Returns
        -------
        total : pandas.Series
            ``x2, df, p_value`` of releasing all constraints at once.
        univariate : pandas.DataFrame
            One row per constraint: the parameter it releases (``lhs, op, rhs, group``), the
            constraint in lavaan's labels, ``x2`` (df 1) and ``p_value``.
        """
        st = self._need_state()
        self._need_continuous("Score tests")
        self._need_complete("Score tests")
        total, uni = _sem_score.score_tests(st.model, st.states, st.E_inv)
        return pd.Series(total), uni

    def residuals(self, *, type: Literal["raw", "cor"] = "cor") -> pd.DataFrame:
        """Residual (co)variances and means, observed minus model-implied.

        Parameters
        ----------
        type : {"cor", "raw"}, default "cor"
            ``"cor"``: both matrices scaled by the observed standard deviations (Bentler's
            correlation residuals, the ones SRMR averages; ``lavResiduals(type = "cor.bentler")``);
            ``"raw"``: unscaled. With ``missing="fiml"`` the observed moments are the EM
            estimates of the unrestricted model, as in lavaan.
            For an ordinal fit (WLSMV, ULSMV) the residuals are those of the thresholds
            (``item | t1``) and of the polychoric correlations, whatever ``type``.

        Returns
        -------
        pandas.DataFrame
            ``group, lhs, op, rhs, observed, implied, residual``, sorted by ``|residual|``.
        """
        st = self._need_state()
        model = st.model
        if st.ordinal is not None:
            return self._ordinal_residuals()
        rows = []
        for g, s in enumerate(st.states):
            gd = model.groups[g]
            sd = np.sqrt(np.diag(gd.cov)) if type == "cor" else np.ones(model.p)
            for i in range(model.p):
                for j in range(i + 1):
                    o = gd.cov[i, j] / (sd[i] * sd[j])
                    e = s.sigma[i, j] / (sd[i] * sd[j])
                    rows.append((g + 1, model.ov_names[i], "~~", model.ov_names[j], o, e))
                if model.meanstructure:
                    o, e = gd.mean[i] / sd[i], s.mu[i] / sd[i]
                    rows.append((g + 1, model.ov_names[i], "~1", "", o, e))
        tab = pd.DataFrame(rows, columns=["group", "lhs", "op", "rhs", "observed", "implied"])
        tab["residual"] = tab["observed"] - tab["implied"]
        tab = tab.sort_values("residual", key=np.abs, ascending=False, kind="stable")
        if self.n_groups == 1:
            tab = tab.drop(columns="group")
        return tab.reset_index(drop=True)

    def _ordinal_residuals(self) -> pd.DataFrame:
        st = self._need_state()
        model, fit = st.model, st.ordinal
        rows = []
        names = model.ov_names
        for g, (s, gi) in enumerate(zip(model.stats, fit.implied, strict=True)):
            for k, i in enumerate(s.th_item):
                t = k - int(np.flatnonzero(s.th_item == i)[0]) + 1
                rows.append((g + 1, names[i], "|", f"t{t}", s.th[k], gi.th_star[k]))
            for a, b, r in zip(s.pair_i, s.pair_j, gi.rho, strict=True):
                rows.append((g + 1, names[a], "~~", names[b], s.corr[a, b], r))
        tab = pd.DataFrame(rows, columns=["group", "lhs", "op", "rhs", "observed", "implied"])
        tab["residual"] = tab["observed"] - tab["implied"]
        tab = tab.sort_values("residual", key=np.abs, ascending=False, kind="stable")
        if self.n_groups == 1:
            tab = tab.drop(columns="group")
        return tab.reset_index(drop=True)

    def implied_moments(self) -> list[dict[str, Any]]:
        """Model-implied covariance matrix and means of every group.

        For an ordinal fit: the implied correlation matrix of the latent responses (``cov``)
        and the implied thresholds (``thresholds``, indexed ``item|t1``, ...).
        """
        st = self._need_state()
        if st.ordinal is not None:
            model = st.model
            names = model.ov_names
            out = []
            for s, gi in zip(model.stats, st.ordinal.implied, strict=True):
                R = np.eye(model.p)
                R[s.pair_i, s.pair_j] = gi.rho
                R[s.pair_j, s.pair_i] = gi.rho
                idx = []
                for k, i in enumerate(s.th_item):
                    t = k - int(np.flatnonzero(s.th_item == i)[0]) + 1
                    idx.append(f"{names[i]}|t{t}")
                out.append({"cov": pd.DataFrame(R, index=names, columns=names),
                            "thresholds": pd.Series(gi.th_star, index=idx)})
            return out
        out = []
        for s in st.states:
            names = st.model.ov_names
            out.append(
                {
                    "cov": pd.DataFrame(s.sigma, index=names, columns=names),
                    "mean": pd.Series(s.mu, index=names),
                }
            )
        return out


def _std_all_at(model: SEMModel, x: np.ndarray) -> np.ndarray:
    """``std_all`` of every parameter-table row at the free-parameter vector ``x``."""
    states = model.states(np.zeros(model.ntheta), x=x)
    if states is None:
        return np.full(len(model.partable), np.nan)
    est = model.row_value.copy()
    est[model.x_rows] = x
    est = np.where(np.isnan(est), 0.0, est)
    lhs, op, rhs = model.col_lhs, model.col_op, model.col_rhs
    grp = model.row_group
    variances = {
        (int(g), a): float(e)
        for a, o, b, g, e in zip(lhs, op, rhs, grp, est, strict=True)
        if o == "~~" and a == b
    }
    return standardize(model, states, lhs, op, rhs, grp, est, variances)[1]


def _variance_map(params: pd.DataFrame) -> dict[tuple[int, str], float]:
    sel = (params["op"] == "~~") & (params["lhs"] == params["rhs"])
    return {
        (int(g) - 1, v): float(e)
        for g, v, e in zip(params.loc[sel, "group"], params.loc[sel, "lhs"],
                           params.loc[sel, "estimate"], strict=True)
    }


# --------------------------------------------------------------------------- checks
def _check_choice(fn: str, name: str, value: Any, choices: Sequence[Any]) -> None:
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise BurnoutkitError(
            f"The {name!r} parameter of {fn} must be one of {options}; got {value!r}."
        )


def _model_text(model: str | None, bank: Any, structure: str, fn: str) -> str:
    if model is not None:
        if not isinstance(model, str):
            raise BurnoutkitError(
                f"The 'model' parameter of {fn} must be lavaan syntax (a str); got {type(model)}."
            )
        return model
    if bank is None:
        raise BurnoutkitError(
            f"{fn} needs a model: pass model='f =~ x1 + x2 + x3' or bank=... (the bank emits "
            "its own model)."
        )
    _check_choice(fn, "structure", structure, _STRUCTURES)
    return bank.to_lavaan(structure=structure)


def _check_scale_identified(pt: pd.DataFrame) -> None:
    """Every factor needs a fixed loading or a fixed variance in every group."""
    lv = pt.attrs["roles"].lv
    lhs, op, rhs = pt["lhs"].to_numpy(), pt["op"].to_numpy(), pt["rhs"].to_numpy()
    grp, free = pt["group"].to_numpy(), pt["free"].to_numpy()
    ustart, eq = pt["ustart"].to_numpy(dtype=float), pt["eq"].to_numpy()
    groups_of_eq: dict[int, set[int]] = {}
    for e, g in zip(eq, grp, strict=True):
        if e > 0:
            groups_of_eq.setdefault(int(e), set()).add(int(g))
    ok: set[tuple[int, str]] = set()
    for i in range(len(lhs)):
        g, f = int(grp[i]), lhs[i]
        if op[i] == "=~":
            if free[i] == 0 and np.nan_to_num(ustart[i]) != 0:
                ok.add((g, f))
            elif free[i] > 0 and len(groups_of_eq.get(int(eq[i]), ())) > 1:
                ok.add((g, f))
        elif op[i] == "~~" and f == rhs[i] and free[i] == 0:
            ok.add((g, f))
    for g in sorted(set(grp.tolist())):
        for f in lv:
            if (int(g), f) not in ok:
                where = f" in group {g}" if pt.attrs["ngroups"] > 1 else ""
                raise IdentificationError(
                    f"The scale of factor {f!r}{where} is not identified: none of its loadings "
                    "is fixed and its variance is free. Fix a loading (1*item), or use "
                    "std_lv=True to fix its variance to 1."
                )


def _rank_check(model: SEMModel, info: np.ndarray) -> None:
    w, v = np.linalg.eigh(info)
    if len(w) and w[0] < 1e-10 * max(w[-1], 1e-300):
        vec = v[:, 0]
        top = np.argsort(-np.abs(vec))[:4]
        names = []
        factors = []
        for t in top:
            if abs(vec[t]) < 0.05:
                continue
            i = model.x_rows[np.flatnonzero(model.x_theta == t)[0]]
            lhs, op, rhs = model.col_lhs[i], model.col_op[i], model.col_rhs[i]
            names.append(f"{lhs} {op} {rhs}".strip())
            factors += [x for x in (lhs, rhs) if x in model.lv_names]
        fac = sorted(set(factors))
        hint = f" (factor(s) {fac})" if fac else ""
        raise IdentificationError(
            f"The model is not identified{hint}: the information matrix is singular and the "
            f"parameters {names} cannot be estimated separately. A factor needs three "
            "indicators, or two indicators and a correlation with another factor; fix a loading "
            "or a variance, or add equality constraints."
        )


def _check_fiml(fn: str, *, data: Any, estimator: str, meanstructure: Any, roles: Any) -> None:
    """Reject what ``missing="fiml"`` does not (yet) combine with."""
    if data is None:
        raise BurnoutkitError(
            f"{fn}: missing='fiml' needs the raw data (the incomplete rows); summary statistics "
            "are complete by construction, use missing='listwise'."
        )
    if estimator == "MLR":
        raise BurnoutkitError(
            f"{fn}: estimator='MLR' with missing='fiml' (robust standard errors and the "
            "Yuan-Bentler test for incomplete data) is not supported yet. Use estimator='ML' "
            "with missing='fiml' (normal-theory FIML), or estimator='MLR' with "
            "missing='listwise'."
        )
    if meanstructure is False:
        raise BurnoutkitError(
            f"{fn}: missing='fiml' estimates the means with the covariances; "
            "meanstructure=False cannot be combined with it."
        )
    if roles.ov_x:
        raise BurnoutkitError(
            f"{fn}: missing='fiml' with observed covariates as predictors "
            f"({list(roles.ov_x)}) is not supported; make them indicators of a factor or use "
            "missing='listwise'."
        )


# --------------------------------------------------------------------------- public API
def cfa(
    data: pd.DataFrame | None = None,
    /,
    *,
    model: str | None = None,
    bank: Any = None,
    structure: str = "correlated",
    group: str | None = None,
    estimator: Estimator = "ML",
    std_lv: bool = False,
    orthogonal: bool = False,
    meanstructure: bool | None = None,
    group_equal: Sequence[str] = (),
    group_partial: Sequence[str] = (),
    missing: str = "listwise",
    sample_cov: Any = None,
    sample_mean: Any = None,
    sample_nobs: Any = None,
    confidence_level: float = 0.95,
    ordered: bool | Sequence[str] | None = None,
    parameterization: str = "delta",
) -> CFAResult:
    r"""Fit a confirmatory factor model as ``lavaan::cfa``: ML, MLR, or WLSMV for ordinal items.

    Parameters
    ----------
    data : pandas.DataFrame, optional
        Item responses, one row per respondent (columns named as in the model). Omit it when
        fitting summary statistics (``sample_cov``, ``sample_nobs``).
    model : str, optional
        Model in lavaan syntax (see :mod:`burnoutkit.factors.syntax`). Default: the bank's
        model, ``bank.to_lavaan(structure)``.
    bank : ItemBank, optional
        Item bank that emits the model when ``model`` is not given.
    structure : {"correlated", "higher_order", "bifactor"}, default "correlated"
        Which of the bank's models to fit.
    group : str, optional
        Column with the group of each row; fits a multigroup model (groups ordered by first
        appearance, or by category order for a categorical column).
    estimator : {"ML", "MLR", "WLSMV", "ULSMV"}, default "ML"
        ``"ML"``: normal-theory standard errors (expected information) and chi-square.
        ``"MLR"``: Huber-White standard errors (observed information) and the Yuan-Bentler
        (Mplus variant) scaled chi-square with scaled and robust CFI, TLI and RMSEA.
        ``"WLSMV"`` / ``"ULSMV"``: the items are ordinal (lavaan's ``ordered = TRUE``):
        thresholds and polychoric correlations in a first stage, diagonally weighted (or
        unweighted) least squares in the second, robust standard errors and the mean- and
        variance-adjusted (scaled-shifted) test with scaled and robust CFI, TLI and RMSEA;
        see ``docs/methods/cfa-ordinal.md``.
    std_lv : bool, default False
        Identify factors by fixing their variances to 1 (default: first loading fixed to 1).
    orthogonal : bool, default False
        Fix the covariances among exogenous factors to 0.
    meanstructure : bool, optional
        Estimate intercepts; default True with several groups or ``~ 1`` in the model.
    group_equal : sequence of str, default ()
        Parameter classes held equal across groups (lavaan's ``group.equal``):
        ``"loadings", "intercepts", "means", "residuals", "residual.covariances",
        "lv.variances", "lv.covariances", "regressions"``.
    group_partial : sequence of str, default ()
        Parameters exempted from ``group_equal``, e.g. ``["visual =~ x2", "x3 ~ 1"]``.
    missing : {"listwise", "fiml", "pairwise"}, default "listwise"
        ``"listwise"``: rows with a missing value in a model variable are dropped and counted.
        ``"fiml"``: full-information (casewise) maximum likelihood, lavaan's
        ``missing = "ml"``: every row contributes the likelihood of its observed values; only
        rows with every model variable missing are dropped (counted and announced). Implies a
        mean structure; needs raw data and ``estimator="ML"`` (MLR with FIML is not supported
        yet); standard errors from the observed information, as lavaan's default.
        ``"pairwise"`` (WLSMV, ULSMV; lavaan's ``missing = "pairwise"``): the thresholds of an
        item use every respondent who answered it, a polychoric correlation every respondent
        who answered both items, and the weight matrix the casewise scores with zeros for
        missing answers; only rows without any answer are dropped.
    sample_cov : pandas.DataFrame or dict of DataFrame, optional
        Unbiased sample covariance matrix (divisor N - 1; rescaled by (N-1)/N as lavaan does),
        one per group in a dict keyed by group name.
    sample_mean : pandas.Series or dict of Series, optional
        Sample means (needed with a mean structure).
    sample_nobs : int or dict of int, optional
        Number of observations (per group).
    confidence_level : float, default 0.95
        Level of the Wald confidence intervals in the parameter table.
    ordered : bool or sequence of str, optional
        With ``estimator="WLSMV"`` or ``"ULSMV"``: the ordinal items. Default (``None`` or
        ``True``): every observed variable of the model, as lavaan's ``ordered = TRUE``; a
        list must name all of them (mixing continuous and ordinal indicators is not
        supported). The categories of an item are its distinct values in the data.
    parameterization : {"delta", "theta"}, default "delta"
        Ordinal models: ``"delta"`` fixes the scales of the latent responses (residual
        variances are derived), ``"theta"`` fixes their residual variances to 1.

    Returns
    -------
    CFAResult

    Raises
    ------
    ModelSyntaxError
        The model text cannot be read.
    IdentificationError
        Negative degrees of freedom, a factor without a scale, or a singular information
        matrix; the message names the factor and parameters.
    DataError
        Variables missing from the data, non-numeric or constant items, linearly dependent
        items (non-positive-definite covariance), too few rows.
    ConvergenceError
        The optimizer failed; the message says what to try.

    Warns
    -----
    ListwiseDeletionWarning
        Rows were dropped because of missing values (the count is in ``n_dropped``); with
        ``missing="fiml"`` only rows with every model variable missing.
    HeywoodCaseWarning
        A negative residual or factor variance, or a factor correlation beyond 1; names the
        item or factor.
    ConvergenceWarning
        The optimizer stopped close to, but not at, its criterion.

    Notes
    -----
    The fit function is lavaan's normal-theory ML discrepancy, summed over groups with weights
    :math:`n_g/N`,

    .. math:: F = \sum_g \frac{n_g}{N}\left[\log|\Sigma_g| + \mathrm{tr}(S_g\Sigma_g^{-1})
              - \log|S_g| - p + (\bar y_g - \mu_g)'\Sigma_g^{-1}(\bar y_g - \mu_g)\right],

    with :math:`S_g` the covariance matrix with divisor :math:`n_g`. The test statistic is
    :math:`T = N F` and the standard errors come from the expected information. It is minimised
    by Fisher scoring with analytic derivatives. Fit measures follow lavaan 0.6 exactly; see
    ``docs/methods/cfa.md``.

    With ``missing="fiml"`` the rows of group :math:`g` are grouped by missing-data pattern
    :math:`p` (:math:`n_p` rows observing the variables :math:`o_p`, with mean :math:`m_p` and
    covariance :math:`S_p`, divisor :math:`n_p`) and

    .. math:: -2\log L_g = \sum_p n_p\left[k_p\log 2\pi + \log|\Sigma_p|
              + \mathrm{tr}(\Sigma_p^{-1}S_p) + (m_p - \mu_p)'\Sigma_p^{-1}(m_p - \mu_p)\right],

    with :math:`\Sigma_p, \mu_p` the model-implied moments of :math:`o_p` (:math:`k_p`
    variables). The test statistic is :math:`-2(\log L - \log L_1)` against the unrestricted
    model fitted by EM; the baseline is the independence model fitted by FIML; SRMR compares
    with the EM moments. Standard errors come from the observed information (the analytic
    Hessian of :math:`-\log L`), as lavaan's default for ``missing = "ml"``.

    With ``estimator="WLSMV"`` (``"ULSMV"``) the model holds for latent responses
    :math:`y^*` cut at thresholds into the observed categories; the statistics are the
    thresholds and polychoric correlations :math:`s` with their asymptotic covariance matrix
    :math:`\Gamma` (Muthén, 1984), the estimates minimize
    :math:`(s - \sigma(\theta))' W (s - \sigma(\theta))` with
    :math:`W = \operatorname{diag}(\Gamma)^{-1}` (:math:`I`), standard errors are the
    sandwich :math:`E^{-1}\Delta'W\Gamma W\Delta E^{-1}/(N - G)` and the test is the
    scaled-shifted :math:`aT + b` (Asparouhov & Muthén, 2010); ``cfi_robust``, ``tli_robust``
    and ``rmsea_robust`` follow Savalei (2021). Everything agrees with lavaan 0.6-14; see
    ``docs/methods/cfa-ordinal.md``. Thresholds appear as ``item | t1`` rows and the scales of
    the latent responses as ``item ~*~ item`` rows of the parameter table, as in lavaan.

    References
    ----------
    Jöreskog, K. G. (1969). A general approach to confirmatory maximum likelihood factor
    analysis. *Psychometrika, 34*, 183-202.

    Muthén, B. (1984). A general structural equation model with dichotomous, ordered
    categorical, and continuous latent variable indicators. *Psychometrika, 49*(1), 115-132.

    Muthén, B., du Toit, S. H. C., & Spisic, D. (1997). *Robust inference using weighted
    least squares and quadratic estimating equations in latent variable modeling with
    categorical and continuous outcomes*. Unpublished technical report.

    Asparouhov, T., & Muthén, B. (2010). *Simple second order chi-square correction*.
    Mplus technical appendix.

    Savalei, V. (2021). Improving fit indices in structural equation modeling with
    categorical data. *Multivariate Behavioral Research, 56*(3), 390-407.

    Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. *Journal of
    Statistical Software, 48*(2), 1-36.

    Yuan, K.-H., & Bentler, P. M. (2000). Three likelihood-based methods for mean and
    covariance structure analysis with nonnormal missing data. *Sociological Methodology, 30*,
    165-200.

    Arbuckle, J. L. (1996). Full information estimation in the presence of incomplete data. In
    G. A. Marcoulides & R. E. Schumacker (Eds.), *Advanced structural equation modeling*
    (pp. 243-277). Erlbaum.

    Enders, C. K. (2010). *Applied missing data analysis*. Guilford Press.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> from burnoutkit.datasets import load_holzinger_swineford
    >>> hs = load_holzinger_swineford()
    >>> hs_model = '''visual  =~ x1 + x2 + x3
    ...               textual =~ x4 + x5 + x6
    ...               speed   =~ x7 + x8 + x9'''
    >>> res = bk.cfa(hs, model=hs_model)  # lavaan::cfa(HS.model, data = HolzingerSwineford1939)
    >>> round(res.chisq, 3), res.df, round(res.cfi, 3), round(res.rmsea, 3)
    (85.306, 24, 0.931, 0.092)
    >>> res.loadings.head(2)[["factor", "item", "estimate", "std_all"]].round(3)
       factor item  estimate  std_all
    0  visual   x1     1.000    0.772
    1  visual   x2     0.554    0.424

    Incomplete data by FIML (every row kept):

    >>> import numpy as np
    >>> holes = hs.copy()
    >>> holes.loc[holes.index % 10 == 0, "x1"] = np.nan
    >>> holes.loc[holes.index % 7 == 3, "x5"] = np.nan
    >>> fiml = bk.cfa(holes, model=hs_model, missing="fiml")  # lavaan: missing = "ml"
    >>> round(fiml.chisq, 3), fiml.n_obs, round(fiml.cfi, 3), round(fiml.rmsea, 3)
    (84.973, 301, 0.926, 0.092)

    Ordinal items (six-point Likert) by WLSMV, with the scaled-shifted test and the scaled and
    robust fit indices:

    >>> from burnoutkit.datasets import load_bfi
    >>> bfi = load_bfi()[[f"{t}{i}" for t in "AC" for i in range(1, 6)]].dropna()
    >>> ac = "A =~ A1 + A2 + A3 + A4 + A5; C =~ C1 + C2 + C3 + C4 + C5"
    >>> # lavaan::cfa(ac, data = bfi, ordered = TRUE, estimator = "WLSMV")
    >>> wl = bk.cfa(bfi, model=ac, estimator="WLSMV")
    >>> fm = wl.fit_measures
    >>> print(f"{fm['chisq_scaled']:.3f} {wl.df} {fm['cfi_robust']:.3f} {fm['rmsea_robust']:.3f}")
    593.496 34 0.905 0.087
    >>> wl.loadings.head(2)[["item", "estimate", "se", "std_all"]].round(3)
      item  estimate     se  std_all
    0   A1     1.000    NaN    0.408
    1   A2    -1.769  0.086   -0.722
    """
    fn = "cfa"
    _check_choice(fn, "estimator", estimator, ("ML", "MLR", "WLSMV", "ULSMV"))
    _check_choice(fn, "missing", missing, ("listwise", "fiml", "pairwise"))
    _check_choice(fn, "parameterization", parameterization, ("delta", "theta"))
    if missing == "pairwise" and estimator not in ("WLSMV", "ULSMV"):
        raise BurnoutkitError(
            f"{fn}: missing='pairwise' belongs to the ordinal estimators (WLSMV, ULSMV), as in "
            "lavaan; with ML use missing='fiml' to keep incomplete rows."
        )
    if not (isinstance(confidence_level, float) and 0 < confidence_level < 1):
        raise BurnoutkitError(
            f"The 'confidence_level' parameter of {fn} must be a float in (0, 1); "
            f"got {confidence_level!r}."
        )
    ordinal = estimator in ("WLSMV", "ULSMV")
    choices = GROUP_EQUAL_CHOICES + (("thresholds",) if ordinal else ())
    bad = [g for g in group_equal if g not in choices]
    if bad:
        raise BurnoutkitError(
            f"Unknown group_equal class(es) {bad} in {fn}; choose from {list(choices)}."
        )
    if ordered is not None and not ordinal:
        raise BurnoutkitError(
            f"{fn}: 'ordered' needs an ordinal estimator; pass estimator='WLSMV' (or 'ULSMV') "
            "to treat the items as ordinal."
        )
    if data is None and group is not None:
        raise BurnoutkitError(
            f"{fn}: 'group' names a column of the data; with summary statistics pass "
            "sample_cov, sample_mean and sample_nobs as dicts keyed by group."
        )
    text = _model_text(model, bank, structure, fn)
    statements = parse_model(text)
    if ordinal:
        from burnoutkit.factors._ordinal_cfa import ordinal_cfa

        if sample_cov is not None:
            raise BurnoutkitError(
                f"{fn}: estimator={estimator!r} needs the raw item responses, not sample_cov."
            )
        return ordinal_cfa(
            data, statements=statements, text=text, group=group, estimator=estimator,
            std_lv=std_lv, orthogonal=orthogonal, group_equal=group_equal,
            group_partial=group_partial, parameterization=parameterization, ordered=ordered,
            missing=missing, confidence_level=confidence_level, fn=fn,
        )
    roles = variable_roles(statements)
    has_int = any(s.op == "~1" for s in statements)
    multi = group is not None or isinstance(sample_cov, dict)
    ms = bool(meanstructure) if meanstructure is not None else (multi or has_int)
    if missing == "fiml":
        _check_fiml(fn, data=data, estimator=estimator, meanstructure=meanstructure, roles=roles)
        ms = True
    prepared = prepare_data(
        data,
        variables=list(roles.ov),
        group=group,
        missing=missing,
        sample_cov=sample_cov,
        sample_mean=sample_mean,
        sample_nobs=sample_nobs,
        need_means=ms,
        fn=fn,
    )
    if estimator == "MLR" and not prepared.raw:
        raise BurnoutkitError(
            "estimator='MLR' needs the raw data (casewise scores); summary statistics only "
            "support estimator='ML'."
        )
    pt = parameter_table(
        statements,
        ngroups=len(prepared.groups),
        meanstructure=ms,
        std_lv=std_lv,
        orthogonal=orthogonal,
        group_equal=group_equal,
        group_partial=group_partial,
    )
    return fit_table(pt, prepared, model_text=text, estimator=estimator,
                     confidence_level=confidence_level)


def fit_table(
    pt: pd.DataFrame,
    prepared: PreparedData,
    *,
    model_text: str,
    estimator: str = "ML",
    confidence_level: float = 0.95,
) -> CFAResult:
    """Fit a parameter table to prepared data and assemble the result."""
    model = SEMModel(pt, prepared.groups, prepared.variables)
    df = _sem_fit.ndat(model) - model.ntheta
    if df < 0:
        raise IdentificationError(
            f"The model has {model.ntheta} free parameters but only {_sem_fit.ndat(model)} "
            f"sample moments (df = {df}); it is not identified. Fix parameters, add equality "
            "constraints or add indicators."
        )
    _check_scale_identified(pt)
    out = fit_model(model, start_values(model))
    states = model.states(out.theta)
    problems: list[str] = []
    if states is None:  # pragma: no cover - fit_model keeps Sigma positive definite
        raise ConvergenceError("The fit ended outside the admissible region.")
    info_theta = model.information_theta(states)
    _rank_check(model, info_theta)
    if not out.converged:
        msg = (
            f"The ML fit did not converge after {out.iterations} iterations (largest gradient "
            f"{out.max_gradient:.2g}). Check for items with near-zero variance or very different "
            "scales, Heywood cases and factors with too few indicators; simplify the model or "
            "give starting values (start(...)*item)."
        )
        if out.max_gradient > 1e-3:
            raise ConvergenceError(msg)
        warnings.warn(msg, ConvergenceWarning, stacklevel=3)
        problems.append(msg)
    K = model.K()
    n = model.ntotal
    E_inv = K @ np.linalg.inv(info_theta) @ K.T
    fm, baseline = _fit_measures(model, states, out.fx)
    if model.fiml:
        # lavaan's default for missing = "ml": observed information (Hessian of the casewise fx)
        x = model.x_from_theta(out.theta)
        H = _sem_robust.hessian_x(model, x) if model.has_beta else model.hessian_x(states)
        vcov_x = _sem_robust.constrained_inverse(model, H) / n
    elif estimator == "MLR":
        pieces = _sem_robust.robust_pieces(model, out.theta, states)
        vcov_x = _sem_robust.sandwich_vcov(model, pieces)
        fm.update(_robust_measures(model, pieces, fm, baseline))
    else:
        vcov_x = E_inv / n
    params = _parameter_frame(model, out.theta, states, vcov_x, prepared, confidence_level)
    problems += _heywood(params, model, states)
    loadings, resid, corr = _derived_tables(params, model, states)
    rel = _reliability(model, states, prepared)
    return CFAResult(
        model=model_text,
        estimator=estimator,
        n_obs=int(n),
        n_groups=model.ngroups,
        group_labels=prepared.group_labels,
        n_obs_by_group=tuple(g.n for g in prepared.groups),
        n_dropped=prepared.n_dropped,
        missing=prepared.missing,
        converged=bool(out.converged),
        iterations=int(out.iterations),
        parameters=params,
        fit_measures=pd.Series(fm, dtype=float),
        loadings=loadings,
        factor_correlations=corr,
        residual_variances=resid,
        reliability=rel,
        problems=tuple(problems),
        _state=_FitState(model=model, theta=out.theta, states=states, E_inv=E_inv,
                         prepared=prepared, vcov_x=vcov_x),
    )


# --------------------------------------------------------------------------- assembly
def _fit_measures(model: SEMModel, states, fx: float):
    base, base_out = _sem_fit.fit_baseline(model)
    x2_null = 2 * base.ntotal * base_out.fx
    df_null = _sem_fit.ndat(base) - base.ntheta
    fm = _sem_fit.fit_measures(model, states, fx, baseline_x2=x2_null, baseline_df=df_null)
    return fm, (base, base_out)


def _robust_measures(
    model: SEMModel, pieces: dict, fm: dict[str, float], baseline
) -> dict[str, float]:
    x2, df, n, g = fm["chisq"], fm["df"], fm["n"], model.ngroups
    nan = math.nan
    out: dict[str, float] = {}
    if df > 0:
        tr = _sem_robust.trace_ugamma(model, pieces)
        c = tr / df
        if c < 0:
            c = nan
    else:
        tr, c = nan, nan
    base, base_out = baseline
    bstates = base.states(base_out.theta)
    bpieces = _sem_robust.robust_pieces(base, base_out.theta, bstates)
    x2b, dfb = fm["baseline_chisq"], fm["baseline_df"]
    c_null = _sem_robust.trace_ugamma(base, bpieces) / dfb
    x2s = x2 / c if np.isfinite(c) else nan
    x2bs = x2b / c_null
    out["chisq_scaled"] = x2s
    out["df_scaled"] = df
    out["p_value_scaled"] = float(stats.chi2.sf(x2s, df)) if df > 0 and np.isfinite(x2s) else nan
    out["scaling_factor"] = c
    out["baseline_chisq_scaled"] = x2bs
    out["baseline_p_value_scaled"] = float(stats.chi2.sf(x2bs, dfb))
    out["baseline_scaling_factor"] = c_null
    out["cfi_scaled"] = _sem_fit.cfi(x2s, df, x2bs, dfb)
    out["tli_scaled"] = _sem_fit.tli(x2s, df, x2bs, dfb)
    out["cfi_robust"] = _sem_fit.cfi(x2, df, x2b, dfb, c, c_null, robust=True)
    out["tli_robust"] = _sem_fit.tli(x2, df, x2b, dfb, c, c_null, robust=True)
    # scaled RMSEA: lavaan uses the unscaled X2 with df = trace(U Gamma)
    out["rmsea_scaled"] = _sem_fit.rmsea(x2, tr, n, g)
    lo, hi = _sem_fit.rmsea_ci(x2, tr, n, g)
    out["rmsea_ci_low_scaled"], out["rmsea_ci_high_scaled"] = lo, hi
    out["rmsea_p_close_scaled"] = _sem_fit.rmsea_pvalue(x2, tr, n, g)
    out["rmsea_robust"] = _sem_fit.rmsea(x2, df, n, g, c_hat=c)
    lo, hi = _sem_fit.rmsea_ci(x2s, df, n, g, c_hat=c)
    out["rmsea_ci_low_robust"], out["rmsea_ci_high_robust"] = lo, hi
    out["rmsea_p_close_robust"] = _sem_fit.rmsea_pvalue(x2s, df, n, g, c_hat=c)
    return out


def _parameter_frame(model, theta, states, vcov_x, prepared, level) -> pd.DataFrame:
    pt = model.partable
    est = model.row_value.copy()  # pt columns below are read once each
    est[model.x_rows] = model.x_from_theta(theta)
    est = np.where(np.isnan(est), 0.0, est)
    lhs, op, rhs = pt["lhs"].to_numpy(), pt["op"].to_numpy(), pt["rhs"].to_numpy()
    grp = pt["group"].to_numpy() - 1
    variances = {
        (int(g), a): float(e)
        for a, o, b, g, e in zip(lhs, op, rhs, grp, est, strict=True)
        if o == "~~" and a == b
    }
    std_lv, std_all = standardize(model, states, lhs, op, rhs, grp, est, variances)
    return estimate_table(pt, est, vcov_x, model.x_rows, level, std_lv, std_all,
                          prepared.group_labels)


def estimate_table(pt: pd.DataFrame, est: np.ndarray, vcov_x: np.ndarray, free_rows: np.ndarray,
                   level: float, std_lv: np.ndarray, std_all: np.ndarray,
                   group_labels: Sequence[Any]) -> pd.DataFrame:
    """Return the parameter table of a fit: estimates, Wald SEs, z, p, CIs, standardized.

    ``est`` holds every row of the parameter table ``pt``; ``vcov_x`` is the covariance of the
    free parameters, which sit in the rows ``free_rows``. Shared by every estimator.
    """
    se = np.full(len(pt), np.nan)
    var = np.diag(vcov_x).copy()
    var[var < 0] = np.nan
    se[free_rows] = np.sqrt(var)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = est / se
    p = 2 * stats.norm.sf(np.abs(z))
    q = stats.norm.ppf(1 - (1 - level) / 2)
    grp = pt["group"].to_numpy() - 1
    return pd.DataFrame(
        {
            "lhs": pt["lhs"].to_numpy(),
            "op": pt["op"].to_numpy(),
            "rhs": pt["rhs"].to_numpy(),
            "group": pt["group"].to_numpy(),
            "group_label": [group_labels[g] for g in grp],
            "label": pt["label"].to_numpy(),
            "free": pt["free"].to_numpy() > 0,
            "estimate": est,
            "se": se,
            "z": z,
            "p_value": p,
            "ci_low": est - q * se,
            "ci_high": est + q * se,
            "std_lv": std_lv,
            "std_all": std_all,
        }
    )


def _heywood(params: pd.DataFrame, model: SEMModel, states) -> list[str]:
    problems = []
    lv = set(model.lv_names)
    var = params[(params["op"] == "~~") & (params["lhs"] == params["rhs"])]
    multi = model.ngroups > 1
    for _, r in var[var["estimate"] < 0].iterrows():
        where = f" in group {r['group_label']!r}" if multi else ""
        if r["lhs"] in lv:
            msg = (
                f"Factor {r['lhs']!r} has a negative variance ({r['estimate']:.3g}){where}: a "
                "Heywood case. The factor may be empty or redundant with another; inspect its "
                "loadings or merge it."
            )
        else:
            msg = (
                f"Item {r['lhs']!r} has a negative residual variance ({r['estimate']:.3g})"
                f"{where}: a Heywood case (its communality exceeds 1). Check the item for "
                "redundancy with another item, a too small sample, or a misspecified factor."
            )
        warnings.warn(msg, HeywoodCaseWarning, stacklevel=4)
        problems.append(msg)
    for g, st in enumerate(states):
        idx = [model._eta_idx[f] for f in model.lv_names]
        phi = st.phi[np.ix_(idx, idx)]
        d = np.sqrt(np.abs(np.diag(phi)))
        with np.errstate(divide="ignore", invalid="ignore"):
            r = phi / np.outer(d, d)
        for i in range(len(idx)):
            for j in range(i):
                if np.isfinite(r[i, j]) and abs(r[i, j]) > 1:
                    where = f" in group {model.groups[g].label!r}" if multi else ""
                    msg = (
                        f"Factors {model.lv_names[j]!r} and {model.lv_names[i]!r} correlate "
                        f"{r[i, j]:.3f}{where}, beyond 1: a Heywood case. The two factors are "
                        "not distinct in these data; consider merging them."
                    )
                    warnings.warn(msg, HeywoodCaseWarning, stacklevel=4)
                    problems.append(msg)
    return problems


def _derived_tables(params: pd.DataFrame, model: SEMModel, states):
    lv = set(model.lv_names)
    multi = model.ngroups > 1
    ld = params[(params["op"] == "=~") & ~params["rhs"].isin(lv)]
    loadings = pd.DataFrame(
        {
            "group": ld["group_label"],
            "factor": ld["lhs"],
            "item": ld["rhs"],
            "estimate": ld["estimate"],
            "se": ld["se"],
            "std_all": ld["std_all"],
        }
    ).reset_index(drop=True)
    items = list(dict.fromkeys(ld["rhs"]))
    rv = params[(params["op"] == "~~") & (params["lhs"] == params["rhs"])
                & params["lhs"].isin(items)]
    resid = pd.DataFrame(
        {
            "group": rv["group_label"],
            "item": rv["lhs"],
            "estimate": rv["estimate"],
            "se": rv["se"],
            "std_all": rv["std_all"],
            "r_squared": 1 - rv["std_all"],
        }
    ).reset_index(drop=True)
    rows = []
    for g, st in enumerate(states):
        idx = [model._eta_idx[f] for f in model.lv_names]
        phi = st.phi[np.ix_(idx, idx)]
        d = np.diag(phi).copy()
        d[d <= 0] = np.nan
        r = phi / np.sqrt(np.outer(d, d))
        for i in range(len(idx)):
            for j in range(i):
                rows.append((model.groups[g].label, model.lv_names[j], model.lv_names[i], r[i, j]))
    corr = pd.DataFrame(rows, columns=["group", "factor1", "factor2", "correlation"])
    if not multi:
        loadings = loadings.drop(columns="group")
        resid = resid.drop(columns="group")
        corr = corr.drop(columns="group")
    return loadings, resid, corr


def _reliability(model: SEMModel, states, prepared: PreparedData) -> pd.DataFrame:
    """semTools::compRelSEM and AVE (obs.var = TRUE: sample variances in the denominator)."""
    rows = []
    lv_idx = [model._eta_idx[f] for f in model.lv_names]
    for g, st in enumerate(states):
        lam = st.lam[:, lv_idx]
        phi = st.phi[np.ix_(lv_idx, lv_idx)]
        S = model.groups[g].cov
        cross = (np.round(lam, 5) != 0).sum(axis=1) > 1
        for j, f in enumerate(model.lv_names):
            ind = np.flatnonzero(lam[:, j] != 0)
            if len(ind) < 2:
                continue
            lf = lam[ind, j]
            common = np.sum(np.outer(lf, lf)) * phi[j, j]
            omega = common / np.sum(S[np.ix_(ind, ind)])
            ave = (
                np.nan if cross[ind].any()
                else np.sum(lf**2) * phi[j, j] / np.sum(np.diag(S)[ind])
            )
            rows.append((model.groups[g].label, f, len(ind), omega, ave))
    tab = pd.DataFrame(rows, columns=["group", "factor", "n_items", "omega", "ave"])
    if model.ngroups == 1:
        tab = tab.drop(columns="group")
    return tab
