"""Model matrices, normal-theory likelihood, analytic derivatives and optimizer of the CFA engine.

The model is lavaan's LISREL "all-y" form, per group :math:`g`::

    Sigma = Lambda A Psi A' Lambda' + Theta,   mu = nu + Lambda A alpha,   A = (I - B)^-1

Observed variables that take part in regressions (and are not factor indicators) are carried by
dummy factors with a unit loading and zero residual variance, as lavaan does.

Every derivative of ``Sigma`` with respect to one matrix element is a symmetric rank-two matrix
``u v' + v u'`` and every derivative of ``mu`` a vector ``m``. With the columns ``u, v, m`` of all
parameters stacked in ``U, V, M`` (variables x parameters) the gradient, the expected (Fisher)
information and the casewise scores are a handful of matrix products; nothing loops over
parameters. The parameters are the rows of a lavaan parameter table (``x``: one per free row)
mapped onto the estimated parameters (``theta``: one per equality class).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import linalg, optimize

from burnoutkit.errors import BurnoutkitError, ConvergenceError

__all__ = ["GroupData", "Pattern", "SEMModel", "fit_model"]

LAMBDA, THETA, PSI, BETA, NU, ALPHA = range(6)
_MAT_NAMES = ("lambda", "theta", "psi", "beta", "nu", "alpha")


@dataclass(frozen=True, slots=True)
class Pattern:
    """The rows of one group that share a missing-data pattern."""

    obs: np.ndarray  # indices of the observed variables (model variable order)
    n: int
    mean: np.ndarray  # means of the observed variables
    cov: np.ndarray  # their covariance matrix, divisor n
    data: np.ndarray  # the rows (n x observed variables)


@dataclass(frozen=True, slots=True)
class GroupData:
    """Sample statistics of one group (covariance with divisor n) and, optionally, raw rows.

    With incomplete data (FIML) ``patterns`` holds the rows by missing-data pattern, ``cov`` and
    ``mean`` are the EM estimates of the unrestricted (h1) model and ``h1_m2ll`` is its
    ``-2 log L`` without the ``log(2 pi)`` terms.
    """

    n: int
    cov: np.ndarray
    mean: np.ndarray
    data: np.ndarray | None = None  # complete rows (n x p), model variable order
    label: str = ""
    patterns: tuple[Pattern, ...] | None = None
    h1_m2ll: float = np.nan


@dataclass(slots=True)
class _Slots:
    """Matrix positions of a set of parameters in one group."""

    mat: np.ndarray
    row: np.ndarray
    col: np.ndarray

    def __len__(self) -> int:
        return len(self.mat)


@dataclass(slots=True)
class GroupState:
    """Model matrices and their products for one group at one parameter value."""

    lam: np.ndarray
    theta: np.ndarray
    psi: np.ndarray
    beta: np.ndarray | None
    nu: np.ndarray
    alpha: np.ndarray
    A: np.ndarray | None = None
    LA: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    LPhi: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    Aalpha: np.ndarray = field(default_factory=lambda: np.zeros(0))
    sigma: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    mu: np.ndarray = field(default_factory=lambda: np.zeros(0))
    chol: np.ndarray | None = None
    sigma_inv: np.ndarray | None = None
    logdet: float = np.nan
    pattern_cache: list | None = None

    def finish(self) -> bool:
        """Compute the implied moments; return False when Sigma is not positive definite."""
        if self.beta is not None:
            m = self.beta.shape[0]
            try:
                self.A = np.linalg.inv(np.eye(m) - self.beta)
            except np.linalg.LinAlgError:
                return False
            self.LA = self.lam @ self.A
            phi = self.A @ self.psi @ self.A.T
            self.Aalpha = self.A @ self.alpha
        else:
            self.LA = self.lam
            phi = self.psi
            self.Aalpha = self.alpha
        self.LPhi = self.lam @ phi
        self.sigma = self.LPhi @ self.lam.T + self.theta
        self.sigma = 0.5 * (self.sigma + self.sigma.T)
        self.mu = self.nu + self.lam @ self.Aalpha
        try:
            c = linalg.cholesky(self.sigma, lower=True, check_finite=False)
        except (linalg.LinAlgError, ValueError):
            return False
        if not np.all(np.isfinite(c)):
            return False
        self.chol = c
        self.logdet = 2.0 * float(np.sum(np.log(np.diag(c))))
        eye = np.eye(len(c))
        self.sigma_inv = linalg.cho_solve((c, True), eye, check_finite=False)
        return True

    @property
    def phi(self) -> np.ndarray:
        """Model-implied covariance matrix of the factors."""
        if self.A is None:
            return self.psi
        return self.A @ self.psi @ self.A.T


class SEMModel:
    """A compiled parameter table: how ``theta`` fills the matrices of every group.

    Parameters
    ----------
    partable : pandas.DataFrame
        Output of :func:`burnoutkit.factors.syntax.parameter_table`.
    groups : list of GroupData
        Sample statistics in the variable order ``ov_names``.
    ov_names : sequence of str
        Observed variables in the order of the group data.
    """

    def __init__(self, partable: pd.DataFrame, groups: list[GroupData], ov_names: list[str]):
        roles = partable.attrs["roles"]
        self.partable = partable
        self.constraints = list(partable.attrs.get("constraints", []))
        # plain arrays: pandas copies ``attrs`` on every column access
        self.col_lhs = partable["lhs"].to_numpy(dtype=object)
        self.col_op = partable["op"].to_numpy(dtype=object)
        self.col_rhs = partable["rhs"].to_numpy(dtype=object)
        self.col_plabel = partable["plabel"].to_numpy(dtype=object)
        self.groups = groups
        self.ngroups = len(groups)
        self.ov_names = list(ov_names)
        self.p = len(self.ov_names)
        self.meanstructure = bool(partable.attrs["meanstructure"])
        self.roles = roles
        ov_ind = set(roles.ov_ind)
        lv = list(roles.lv)
        in_reg = []
        for lhs, op, rhs in zip(self.col_lhs, self.col_op, self.col_rhs, strict=True):
            if op == "~":
                in_reg += [lhs, rhs]
        dummies = [v for v in dict.fromkeys(in_reg) if v not in lv and v not in ov_ind]
        self.lv_names = lv
        self.dummy_names = dummies
        self.eta_names = lv + dummies
        self.m = len(self.eta_names)
        self.has_beta = any(op == "~" for op in self.col_op) or any(
            (op == "=~" and rhs in lv) for op, rhs in zip(self.col_op, self.col_rhs, strict=True)
        )
        ov_idx = {v: i for i, v in enumerate(self.ov_names)}
        eta_idx = {v: i for i, v in enumerate(self.eta_names)}
        dummy = set(dummies)
        self._ov_idx, self._eta_idx = ov_idx, eta_idx

        missing = [v for v in roles.ov if v not in ov_idx]
        if missing:
            raise BurnoutkitError(f"Variables {missing} of the model are not in the data.")

        mats, rows, cols = [], [], []
        for lhs, op, rhs in zip(self.col_lhs, self.col_op, self.col_rhs, strict=True):
            mat, r, c = self._slot(lhs, op, rhs, ov_idx, eta_idx, dummy, set(lv))
            mats.append(mat)
            rows.append(r)
            cols.append(c)
        self.row_mat = np.array(mats, dtype=int)
        self.row_r = np.array(rows, dtype=int)
        self.row_c = np.array(cols, dtype=int)
        self.row_group = partable["group"].to_numpy(dtype=int) - 1
        self.row_free = partable["free"].to_numpy(dtype=int)  # x index, 1-based, 0 fixed
        self.row_eq = partable["eq"].to_numpy(dtype=int)  # theta index, 1-based, 0 fixed
        self.ntheta = int(self.row_eq.max()) if len(self.row_eq) else 0
        self.nx = int(self.row_free.max()) if len(self.row_free) else 0
        # x -> theta map and the group of each x
        free_rows = np.flatnonzero(self.row_free > 0)
        order = np.argsort(self.row_free[free_rows])
        self.x_rows = free_rows[order]
        self.x_theta = self.row_eq[self.x_rows] - 1
        self.x_group = self.row_group[self.x_rows]
        fixed_vals = partable["ustart"].to_numpy(dtype=float).copy()
        exo = partable["exo"].to_numpy(dtype=int)
        for i in np.flatnonzero(exo == 1):
            g = self.groups[self.row_group[i]]
            lhs, op, rhs = self.col_lhs[i], self.col_op[i], self.col_rhs[i]
            if op == "~~":
                fixed_vals[i] = g.cov[ov_idx[lhs], ov_idx[rhs]]
            elif op == "~1":
                fixed_vals[i] = g.mean[ov_idx[lhs]]
        self.row_value = fixed_vals
        self._base = [self._base_matrices(g) for g in range(self.ngroups)]
        # free slots per group in x order
        self.group_x = [np.flatnonzero(self.x_group == g) for g in range(self.ngroups)]
        self.group_slots = [
            _Slots(
                self.row_mat[self.x_rows[ix]], self.row_r[self.x_rows[ix]],
                self.row_c[self.x_rows[ix]],
            )
            for ix in self.group_x
        ]
        nobs = np.array([g.n for g in groups], dtype=float)
        self.ntotal = float(nobs.sum())
        self.weights = nobs / self.ntotal
        self.fiml = any(gd.patterns is not None for gd in groups)

    # ------------------------------------------------------------------ compile
    def _slot(self, lhs, op, rhs, ov_idx, eta_idx, dummy, lv):
        def is_ov_regular(v):
            return v in ov_idx and v not in dummy and v not in lv

        def eta(v, what):
            if v in eta_idx:
                return eta_idx[v]
            raise BurnoutkitError(
                f"'{lhs} {op} {rhs}': {v!r} is used as a predictor or factor but is an indicator "
                f"of a factor; burnoutkit's CFA engine cannot {what}. Regress the factor instead."
            )

        if op == "=~":
            if rhs in lv:
                return BETA, eta_idx[rhs], eta_idx[lhs]
            if rhs in dummy:
                raise BurnoutkitError(
                    f"'{lhs} =~ {rhs}': {rhs!r} is both an indicator and in a regression; "
                    "this combination is not supported."
                )
            return LAMBDA, ov_idx[rhs], eta_idx[lhs]
        if op == "~":
            col = eta(rhs, "use an indicator as a predictor")
            if is_ov_regular(lhs):
                return LAMBDA, ov_idx[lhs], col
            return BETA, eta(lhs, "regress this variable"), col
        if op == "~~":
            a_reg, b_reg = is_ov_regular(lhs), is_ov_regular(rhs)
            if a_reg and b_reg:
                i, j = ov_idx[lhs], ov_idx[rhs]
                return THETA, max(i, j), min(i, j)
            if not a_reg and not b_reg:
                i, j = eta_idx[lhs], eta_idx[rhs]
                return PSI, max(i, j), min(i, j)
            raise BurnoutkitError(
                f"'{lhs} ~~ {rhs}': a covariance between an indicator residual and a factor or "
                "covariate is not supported; model it through a factor."
            )
        if op == "~1":
            if is_ov_regular(lhs):
                return NU, ov_idx[lhs], 0
            return ALPHA, eta_idx[lhs], 0
        raise BurnoutkitError(f"Operator {op!r} is not supported.")  # pragma: no cover

    def _base_matrices(self, g: int) -> GroupState:
        p, m = self.p, self.m
        lam = np.zeros((p, m))
        for d in self.dummy_names:
            lam[self._ov_idx[d], self._eta_idx[d]] = 1.0
        st = GroupState(
            lam=lam,
            theta=np.zeros((p, p)),
            psi=np.zeros((m, m)),
            beta=np.zeros((m, m)) if self.has_beta else None,
            nu=np.zeros(p),
            alpha=np.zeros(m),
        )
        rows = np.flatnonzero((self.row_group == g) & (self.row_free == 0))
        vals = self.row_value[rows]
        vals = np.where(np.isnan(vals), 0.0, vals)
        for i, v in zip(rows, vals, strict=True):
            self._put(st, self.row_mat[i], self.row_r[i], self.row_c[i], v)
        if not self.meanstructure:
            # saturated means: mu equals the sample mean
            st.nu = self.groups[g].mean.copy()
        return st

    @staticmethod
    def _put(st: GroupState, mat: int, r: Any, c: Any, v: Any) -> None:
        """Write value(s) ``v`` at row(s) ``r`` and column(s) ``c`` of one model matrix."""
        if mat == LAMBDA:
            st.lam[r, c] = v
        elif mat == THETA:
            st.theta[r, c] = v
            st.theta[c, r] = v
        elif mat == PSI:
            st.psi[r, c] = v
            st.psi[c, r] = v
        elif mat == BETA:
            st.beta[r, c] = v
        elif mat == NU:
            st.nu[r] = v
        else:
            st.alpha[r] = v

    # ------------------------------------------------------------------ state
    def x_from_theta(self, theta: np.ndarray) -> np.ndarray:
        """Free-row values from the estimated parameters."""
        return theta[self.x_theta]

    def states(self, theta: np.ndarray, *, x: np.ndarray | None = None) -> list[GroupState] | None:
        """Matrices and implied moments of every group (None if some Sigma is not PD)."""
        if x is None:
            x = self.x_from_theta(theta)
        out = []
        for g in range(self.ngroups):
            b = self._base[g]
            st = GroupState(
                lam=b.lam.copy(),
                theta=b.theta.copy(),
                psi=b.psi.copy(),
                beta=None if b.beta is None else b.beta.copy(),
                nu=b.nu.copy(),
                alpha=b.alpha.copy(),
            )
            ix = self.group_x[g]
            sl = self.group_slots[g]
            vals = x[ix]
            for mat in range(6):
                sel = sl.mat == mat
                if not sel.any():
                    continue
                self._put(st, mat, sl.row[sel], sl.col[sel], vals[sel])
            if not st.finish():
                return None
            out.append(st)
        return out

    # ------------------------------------------------------------------ derivatives
    def derivative_vectors(
        self, st: GroupState, slots: _Slots
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Columns ``u, v, m`` with dSigma = u v' + v u' and dmu = m for each slot."""
        p = self.p
        k = len(slots)
        U = np.zeros((p, k))
        V = np.zeros((p, k))
        M = np.zeros((p, k))
        mat, r, c = slots.mat, slots.row, slots.col
        cols = np.arange(k)
        sel = mat == LAMBDA
        if sel.any():
            j = cols[sel]
            U[r[sel], j] = 1.0
            V[:, j] = st.LPhi[:, c[sel]]
            if self.meanstructure:
                M[r[sel], j] = st.Aalpha[c[sel]]
        sel = mat == THETA
        if sel.any():
            j = cols[sel]
            U[r[sel], j] = 1.0
            diag = r[sel] == c[sel]
            V[c[sel], j] = np.where(diag, 0.5, 1.0)
        sel = mat == PSI
        if sel.any():
            j = cols[sel]
            diag = r[sel] == c[sel]
            U[:, j] = st.LA[:, r[sel]]
            V[:, j] = st.LA[:, c[sel]] * np.where(diag, 0.5, 1.0)
        sel = mat == BETA
        if sel.any():
            j = cols[sel]
            U[:, j] = st.LA[:, r[sel]]
            V[:, j] = st.LPhi[:, c[sel]]
            if self.meanstructure:
                M[:, j] = st.LA[:, r[sel]] * st.Aalpha[c[sel]]
        sel = mat == NU
        if sel.any():
            M[r[sel], cols[sel]] = 1.0
        sel = mat == ALPHA
        if sel.any():
            M[:, cols[sel]] = st.LA[:, r[sel]]
        return U, V, M

    def group_objective(self, st: GroupState, g: int) -> float:
        """F_ML of one group: log|Sigma| + tr(S Sigma^-1) - log|S| - p + d' Sigma^-1 d."""
        gd = self.groups[g]
        if gd.patterns is not None:
            return self.group_m2ll(st, g) / gd.n - gd.h1_m2ll / gd.n
        d = gd.mean - st.mu
        val = st.logdet + float(np.sum(gd.cov * st.sigma_inv)) - self._logdet_s(g) - self.p
        if self.meanstructure:
            val += float(d @ st.sigma_inv @ d)
        return val

    def pattern_moments(self, st: GroupState, g: int) -> list[tuple]:
        """Pieces of the casewise likelihood of group g, one tuple per missing-data pattern.

        ``(w, Si, C, d, logdet, k)``: the share ``n_p / n_g`` of the pattern, the inverse of the
        model-implied covariance matrix of its observed variables, their second moments about
        the model-implied means ``C = S_p + d d'`` and the mean residual ``d = m_p - mu_p``
        (all embedded in p x p, or p, arrays with zeros for the missing variables),
        ``log|Sigma_p|`` and the number of observed variables.
        """
        if st.pattern_cache is not None:
            return st.pattern_cache
        gd = self.groups[g]
        p = self.p
        out = []
        for pat in gd.patterns:
            o = pat.obs
            c = linalg.cholesky(st.sigma[np.ix_(o, o)], lower=True, check_finite=False)
            si = linalg.cho_solve((c, True), np.eye(len(o)), check_finite=False)
            d_o = pat.mean - st.mu[o]
            Si = np.zeros((p, p))
            Si[np.ix_(o, o)] = si
            C = np.zeros((p, p))
            C[np.ix_(o, o)] = pat.cov + np.outer(d_o, d_o)
            d = np.zeros(p)
            d[o] = d_o
            ld = 2.0 * float(np.sum(np.log(np.diag(c))))
            out.append((pat.n / gd.n, Si, C, d, ld, len(o)))
        st.pattern_cache = out
        return out

    def group_m2ll(self, st: GroupState, g: int) -> float:
        """-2 log L of group g (casewise, incomplete data) without the log(2 pi) terms."""
        n = self.groups[g].n
        return n * sum(
            w * (ld + float(np.sum(Si * C))) for w, Si, C, _, ld, _ in self.pattern_moments(st, g)
        )

    def _logdet_s(self, g: int) -> float:
        if not hasattr(self, "_ldS"):
            self._ldS = [float(np.linalg.slogdet(gd.cov)[1]) for gd in self.groups]
        return self._ldS[g]

    def objective(self, theta: np.ndarray) -> float:
        """Return lavaan's fx, 0.5 sum_g (n_g / N) F_ML,g (inf outside the admissible region)."""
        sts = self.states(theta)
        if sts is None:
            return np.inf
        return 0.5 * sum(
            w * self.group_objective(st, g) for g, (st, w) in enumerate(zip(sts, self.weights,
                                                                           strict=True))
        )

    def group_gradient(self, st: GroupState, g: int, slots: _Slots | None = None) -> np.ndarray:
        """dF_ML,g / d(parameter) for the group's free slots (or the given slots)."""
        gd = self.groups[g]
        slots = self.group_slots[g] if slots is None else slots
        U, V, M = self.derivative_vectors(st, slots)
        if gd.patterns is not None:
            # dF/dSigma and dF/dmu summed over the patterns, chained through U, V, M
            G = np.zeros((self.p, self.p))
            h = np.zeros(self.p)
            for w, Si, C, d, _, _ in self.pattern_moments(st, g):
                SiC = Si @ C
                G += w * (Si - SiC @ Si)
                h -= 2.0 * w * (Si @ d)
            return 2.0 * np.einsum("ik,ik->k", U, G @ V) + M.T @ h
        Si = st.sigma_inv
        C = gd.cov
        if self.meanstructure:
            d = gd.mean - st.mu
            C = C + np.outer(d, d)
        G = Si - Si @ C @ Si
        grad = 2.0 * np.einsum("ik,ik->k", U, G @ V)
        if self.meanstructure:
            grad += M.T @ (-2.0 * Si @ (gd.mean - st.mu))
        return grad

    def gradient_x(self, sts: list[GroupState]) -> np.ndarray:
        """Gradient of fx with respect to the free rows (x)."""
        out = np.zeros(self.nx)
        for g, st in enumerate(sts):
            out[self.group_x[g]] = 0.5 * self.weights[g] * self.group_gradient(st, g)
        return out

    def gradient(self, theta: np.ndarray) -> np.ndarray:
        """Gradient of fx with respect to theta."""
        sts = self.states(theta)
        return self.theta_from_x_grad(self.gradient_x(sts))

    def objective_and_gradient(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        """Fx and its gradient; a huge value (and no direction) outside the admissible region."""
        sts = self.states(theta)
        if sts is None:
            return 1e20, np.zeros(self.ntheta)
        f = 0.5 * sum(
            w * self.group_objective(st, g)
            for g, (st, w) in enumerate(zip(sts, self.weights, strict=True))
        )
        return f, self.theta_from_x_grad(self.gradient_x(sts))

    def theta_from_x_grad(self, gx: np.ndarray) -> np.ndarray:
        """Sum x-gradient entries into their equality classes (K' g)."""
        return np.bincount(self.x_theta, weights=gx, minlength=self.ntheta)

    @staticmethod
    def info_block(Si: np.ndarray, U, V, M, U2=None, V2=None, M2=None, meanstructure=True):
        """Return the expected information (per case, lavaan's scale) between two parameter sets."""
        if U2 is None:
            U2, V2, M2 = U, V, M
        SU2, SV2 = Si @ U2, Si @ V2
        Avu = V.T @ SU2  # v_k' Si u_l
        Auv = U.T @ SV2  # u_k' Si v_l  (= Avu of the transposed pair)
        Avv = V.T @ SV2
        Auu = U.T @ SU2
        info = Avu * Auv + Avv * Auu
        if meanstructure:
            info = info + M.T @ Si @ M2
        return info

    def group_information(self, st: GroupState, g: int) -> np.ndarray:
        """Return the expected information of one group for its free slots (x order), unweighted."""
        U, V, M = self.derivative_vectors(st, self.group_slots[g])
        if self.groups[g].patterns is not None:
            # expected information of the casewise likelihood: sum over the patterns
            return sum(
                w * self.info_block(Si, U, V, M, meanstructure=True)
                for w, Si, _, _, _, _ in self.pattern_moments(st, g)
            )
        return self.info_block(st.sigma_inv, U, V, M, meanstructure=self.meanstructure)

    def information_x(self, sts: list[GroupState]) -> np.ndarray:
        """Return the expected information in x space: sum_g (n_g/N) Delta_g' W_g Delta_g."""
        info = np.zeros((self.nx, self.nx))
        for g, st in enumerate(sts):
            ix = self.group_x[g]
            info[np.ix_(ix, ix)] = self.weights[g] * self.group_information(st, g)
        return info

    def K(self) -> np.ndarray:
        """Return the indicator matrix K of x = K theta."""
        K = np.zeros((self.nx, self.ntheta))
        K[np.arange(self.nx), self.x_theta] = 1.0
        return K

    def information_theta(self, sts: list[GroupState]) -> np.ndarray:
        """Return the expected information in theta space (K' I_x K)."""
        info = np.zeros((self.ntheta, self.ntheta))
        for g, st in enumerate(sts):
            ix = self.group_x[g]
            t = self.x_theta[ix]
            block = self.weights[g] * self.group_information(st, g)
            np.add.at(info, (t[:, None], t[None, :]), block)
        return info

    def group_hessian(self, st: GroupState, g: int) -> np.ndarray:
        """Analytic Hessian of F_ML,g for the group's free slots (models without Beta).

        ``H = -T(Si, Si) + T(Si, P) + T(P, Si) + 2 (W + W') + tr(G Sigma_kl)
        + 2 M' Si M - 2 d' Si mu_kl`` with ``P = Si C Si``, ``T(A, B)_kl = tr(A Sigma_l B
        Sigma_k)`` from the rank-two derivative columns, ``W_kl = d' Si Sigma_k Si mu_l``; the
        second derivatives of Sigma and mu are nonzero only for loading-loading,
        loading-factor (co)variance and loading-factor mean pairs.
        """
        if self.has_beta:
            raise BurnoutkitError("The analytic Hessian covers models without regressions.")
        gd = self.groups[g]
        sl = self.group_slots[g]
        U, V, M = self.derivative_vectors(st, sl)
        if gd.patterns is not None:
            # casewise likelihood: the same terms with the pattern's embedded moments
            H = sum(
                w * self._hessian_terms(st, sl, U, V, M, Si, C, d, True)
                for w, Si, C, d, _, _ in self.pattern_moments(st, g)
            )
            return 0.5 * (H + H.T)
        Si = st.sigma_inv
        C = gd.cov
        d = gd.mean - st.mu if self.meanstructure else np.zeros(self.p)
        if self.meanstructure:
            C = C + np.outer(d, d)
        H = self._hessian_terms(st, sl, U, V, M, Si, C, d, self.meanstructure)
        return 0.5 * (H + H.T)

    @staticmethod
    def _hessian_terms(st, sl, U, V, M, Si, C, d, meanstructure) -> np.ndarray:
        """Unsymmetrized Hessian of ``log|Sigma| + tr(Si C)`` for given Si, C and d."""
        P = Si @ C @ Si
        G = Si - P

        def T(A, B):
            AU, AV, BU, BV = A @ U, A @ V, B @ U, B @ V
            return (V.T @ AU) * (U.T @ BV) + (U.T @ AU) * (V.T @ BV) + (V.T @ AV) * (
                U.T @ BU
            ) + (U.T @ AV) * (V.T @ BU)

        H = -T(Si, Si) + T(Si, P) + T(P, Si)
        if meanstructure:
            a = Si @ d
            SM = Si @ M
            W = (U.T @ a)[:, None] * (V.T @ SM) + (V.T @ a)[:, None] * (U.T @ SM)
            H += 2 * (W + W.T) + 2 * M.T @ SM
        # second derivatives of Sigma (and mu)
        mat, r, c = sl.mat, sl.row, sl.col
        lam = np.flatnonzero(mat == LAMBDA)
        if len(lam):
            i, f = r[lam], c[lam]
            H[np.ix_(lam, lam)] += 2 * G[np.ix_(i, i)] * st.psi[np.ix_(f, f)]
            psi = np.flatnonzero(mat == PSI)
            if len(psi):
                gg, hh = r[psi], c[psi]
                LG = st.lam.T @ G  # m x p
                eq_g = f[:, None] == gg[None, :]
                eq_h = (f[:, None] == hh[None, :]) & (gg != hh)[None, :]
                block = 2 * (
                    eq_g * LG[hh[None, :], i[:, None]] + eq_h * LG[gg[None, :], i[:, None]]
                )
                H[np.ix_(lam, psi)] += block
                H[np.ix_(psi, lam)] += block.T
            alp = np.flatnonzero(mat == ALPHA)
            if len(alp) and meanstructure:
                a = Si @ d
                block = -2 * (f[:, None] == r[alp][None, :]) * a[i][:, None]
                H[np.ix_(lam, alp)] += block
                H[np.ix_(alp, lam)] += block.T
        return H

    def hessian_theta(self, sts: list[GroupState]) -> np.ndarray:
        """Hessian of fx in theta space (K' H K)."""
        out = np.zeros((self.ntheta, self.ntheta))
        for g, st in enumerate(sts):
            t = self.x_theta[self.group_x[g]]
            block = 0.5 * self.weights[g] * self.group_hessian(st, g)
            np.add.at(out, (t[:, None], t[None, :]), block)
        return out

    def hessian_x(self, sts: list[GroupState]) -> np.ndarray:
        """Hessian of fx in x space (block diagonal by group)."""
        out = np.zeros((self.nx, self.nx))
        for g, st in enumerate(sts):
            ix = self.group_x[g]
            out[np.ix_(ix, ix)] = 0.5 * self.weights[g] * self.group_hessian(st, g)
        return out

    def casewise_scores(self, st: GroupState, g: int) -> np.ndarray:
        """D log L_i / d x for every case of group g (n_g x free slots of g)."""
        gd = self.groups[g]
        if gd.data is None:
            raise BurnoutkitError(
                "Robust (MLR) statistics need the raw data; summary statistics are not enough."
            )
        U, V, M = self.derivative_vectors(st, self.group_slots[g])
        Si = st.sigma_inv
        Z = (gd.data - st.mu) @ Si  # rows: Sigma^-1 z_i
        sc = (Z @ U) * (Z @ V) - np.einsum("ik,ik->k", U, Si @ V)[None, :]
        if self.meanstructure:
            sc += Z @ M
        return sc


# --------------------------------------------------------------------------- optimizer
@dataclass(slots=True)
class FitOutput:
    """Result of :func:`fit_model`."""

    theta: np.ndarray
    fx: float
    converged: bool
    iterations: int
    max_gradient: float
    method: str


def fit_model(
    model: SEMModel,
    start: np.ndarray,
    *,
    max_iter: int = 500,
    tol: float = 1e-9,
) -> FitOutput:
    """Minimise lavaan's ML fit function by Fisher scoring with step halving.

    Falls back to L-BFGS-B with the analytic gradient when scoring stalls.
    """
    theta = np.asarray(start, dtype=float).copy()
    sts = model.states(theta)
    if sts is None:
        raise ConvergenceError(
            "The starting values give a model-implied covariance matrix that is not positive "
            "definite. Give starting values (start(...)*x) or check for linearly dependent items."
        )
    f = 0.5 * sum(w * model.group_objective(st, g)
                  for g, (st, w) in enumerate(zip(sts, model.weights, strict=True)))
    it = 0
    converged = False
    method = "fisher-scoring"
    g_theta = model.theta_from_x_grad(model.gradient_x(sts))
    newton_ok = not model.has_beta
    for it in range(1, max_iter + 1):
        step = None
        if newton_ok and it > 3:
            # Newton with the analytic Hessian when it is positive definite (fast final phase)
            try:
                H = model.hessian_theta(sts)
                cf = linalg.cho_factor(H, check_finite=False)
                step = -linalg.cho_solve(cf, g_theta, check_finite=False)
                method = "fisher-scoring+newton"
            except (linalg.LinAlgError, ValueError):
                step = None
        if step is None:
            info = model.information_theta(sts)
            try:
                cf = linalg.cho_factor(info, check_finite=False)
                step = -linalg.cho_solve(cf, g_theta, check_finite=False)
            except (linalg.LinAlgError, ValueError):
                step = -np.linalg.lstsq(info + 1e-8 * np.eye(len(info)), g_theta, rcond=None)[0]
        if not np.all(np.isfinite(step)):
            break
        t = 1.0
        slope = float(g_theta @ step)
        accepted = False
        while t > 1e-12:
            new = theta + t * step
            new_sts = model.states(new)
            if new_sts is not None:
                f_new = 0.5 * sum(
                    w * model.group_objective(st, g)
                    for g, (st, w) in enumerate(zip(new_sts, model.weights, strict=True))
                )
                if np.isfinite(f_new) and f_new <= f + 1e-4 * t * min(slope, 0.0) + 1e-15:
                    accepted = True
                    break
            t *= 0.5
        if not accepted:
            break
        change = np.max(np.abs(t * step)) if len(step) else 0.0
        theta, sts, f = new, new_sts, f_new
        g_theta = model.theta_from_x_grad(model.gradient_x(sts))
        if change < tol * (1.0 + np.max(np.abs(theta))) or np.max(np.abs(g_theta)) < 1e-12:
            converged = True
            break
    max_grad = float(np.max(np.abs(g_theta))) if len(g_theta) else 0.0
    if not converged and max_grad > 1e-7:
        method = "lbfgs"
        res = optimize.minimize(
            model.objective_and_gradient,
            theta,
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": 10 * max_iter, "ftol": 1e-15, "gtol": 1e-10, "maxcor": 50},
        )
        if np.isfinite(res.fun) and res.fun <= f and model.states(res.x) is not None:
            theta, f = res.x, float(res.fun)
        g_theta = model.gradient(theta)
        max_grad = float(np.max(np.abs(g_theta))) if len(g_theta) else 0.0
        it += int(res.nit)
    converged = converged or max_grad < 1e-6
    return FitOutput(
        theta=theta, fx=float(f), converged=converged, iterations=it, max_gradient=max_grad,
        method=method,
    )


# --------------------------------------------------------------------------- starting values
def _one_factor(S: np.ndarray) -> np.ndarray:
    """Return the loadings of a one-factor principal-axis solution of a covariance matrix."""
    k = len(S)
    if k == 1:
        return np.sqrt(np.maximum(np.diag(S), 1e-8)) * 0.7
    if k == 2:
        c = np.sqrt(max(abs(S[0, 1]), 1e-8))
        return np.array([c, c]) * np.sign(np.where(S[0, 1] < 0, [1.0, -1.0], [1.0, 1.0]))
    d = np.sqrt(np.maximum(np.diag(S), 1e-12))
    R = S / np.outer(d, d)
    h = 1.0 - 1.0 / np.clip(np.diag(np.linalg.pinv(R)), 1.0 + 1e-6, None)
    for _ in range(20):
        Rr = R.copy()
        np.fill_diagonal(Rr, h)
        w, v = np.linalg.eigh(Rr)
        lam = v[:, -1] * np.sqrt(max(w[-1], 1e-6))
        h = np.clip(lam**2, 0.005, 0.995)
    if lam.sum() < 0:
        lam = -lam
    return lam * d


def start_values(model: SEMModel) -> np.ndarray:
    """Return starting values in the spirit of lavaan's.

    One-factor loadings per factor, the unexplained variance as residual variance, zero
    covariances, sample means as intercepts.

    User ``start()`` values and the first group that holds a parameter decide its start.
    """
    x = np.full(model.nx, np.nan)
    lhs, op, rhs = model.col_lhs, model.col_op, model.col_rhs
    lv = set(model.lv_names)
    ov_idx = model._ov_idx
    for g in range(model.ngroups):
        S = model.groups[g].cov
        rows = np.flatnonzero(model.row_group == g)
        # indicators of every factor (observed only)
        loads: dict[str, dict[str, float]] = {}
        fvar: dict[str, float] = {}
        n_fac_of_item: dict[str, int] = {}
        for i in rows:
            if op[i] == "=~" and rhs[i] not in lv:
                n_fac_of_item[rhs[i]] = n_fac_of_item.get(rhs[i], 0) + 1
        for f in model.lv_names:
            items = [rhs[i] for i in rows if op[i] == "=~" and lhs[i] == f and rhs[i] not in lv]
            if not items:
                continue
            idx = [ov_idx[v] for v in items]
            lam = _one_factor(S[np.ix_(idx, idx)])
            shrink = np.array([1.0 / np.sqrt(n_fac_of_item[v]) for v in items])
            lam = lam * shrink
            # fixed loadings set the scale of the factor
            fixed = [
                (j, model.row_value[i])
                for j, v in enumerate(items)
                for i in rows
                if op[i] == "=~" and lhs[i] == f and rhs[i] == v and model.row_free[i] == 0
            ]
            var_row = [i for i in rows if op[i] == "~~" and lhs[i] == f and rhs[i] == f]
            var_fixed = bool(var_row) and model.row_free[var_row[0]] == 0
            if fixed and not var_fixed:
                j, val = fixed[0]
                scale = lam[j] / val if abs(val) > 1e-12 and abs(lam[j]) > 1e-8 else 1.0
                lam = lam / scale
                fvar[f] = float(scale**2)
            elif var_fixed:
                v0 = model.row_value[var_row[0]]
                lam = lam / np.sqrt(v0) if v0 > 0 else lam
                fvar[f] = float(v0)
            else:
                fvar[f] = 1.0
            loads[f] = dict(zip(items, lam, strict=True))
        # a factor measured only by other factors (higher order) starts with half the mean
        # variance of its indicators, not lavaan's 0.05: from 0.05 the first steps overshoot
        # and can run into a ridge of huge loadings and negative disturbance variances
        for f in model.lv_names:
            below = [rhs[i] for i in rows if op[i] == "=~" and lhs[i] == f and rhs[i] in fvar]
            if f not in fvar and below:
                fvar[f] = 0.5 * float(np.mean([fvar[b] for b in below]))
        communality = np.zeros(model.p)
        for f, d in loads.items():
            for v, lam_v in d.items():
                communality[ov_idx[v]] += lam_v**2 * fvar[f]
        for i in rows:
            fx_ = model.row_free[i]
            if fx_ == 0 or not np.isnan(x[fx_ - 1]):
                continue
            us = model.row_value[i]
            if not np.isnan(us):
                x[fx_ - 1] = us
                continue
            a, o, b = lhs[i], op[i], rhs[i]
            val = 0.0
            if o == "=~":
                val = loads.get(a, {}).get(b, 1.0) if b not in lv else 1.0
            elif o == "~~" and a == b:
                if a in lv:
                    val = fvar.get(a, 0.05)
                    if a not in model.roles.lv_x:
                        val = 0.5 * val
                elif a in ov_idx:
                    s = S[ov_idx[a], ov_idx[a]]
                    val = s - communality[ov_idx[a]]
                    val = max(val, 0.1 * s) if a not in model.dummy_names else s
                else:
                    val = 1.0
            elif o == "~1":
                val = model.groups[g].mean[ov_idx[a]] if a in ov_idx else 0.0
            x[fx_ - 1] = val
    x = np.where(np.isnan(x), 0.0, x)
    theta = np.zeros(model.ntheta)
    seen = np.zeros(model.ntheta, dtype=bool)
    for j in range(model.nx):
        t = model.x_theta[j]
        if not seen[t]:
            theta[t] = x[j]
            seen[t] = True
    return theta
