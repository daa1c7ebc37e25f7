r"""The measurement model of ordinal items: parameter table, implied statistics and Jacobian.

Each ordinal item :math:`y_i` is the discretized latent response :math:`y_i^*`; the factor model
holds for :math:`y^*` (lavaan's LISREL form, see :mod:`burnoutkit.factors._sem_engine`)::

    Sigma0 = Lambda A Psi A' Lambda' + Theta,     mu0 = nu + Lambda A alpha

and the statistics the model reproduces are the thresholds and the correlations of the scaled
latent responses :math:`\Delta y^*`::

    tau*_ik = Delta_i (tau_ik - mu0_i),            rho_ij = Delta_i Delta_j Sigma0_ij.

Delta parameterization (lavaan's default): the scales :math:`\Delta_i` are parameters (fixed
to 1 unless freed, e.g. in later groups of an invariance model) and the residual variances are
whatever makes :math:`\operatorname{diag}(\Delta \Sigma_0 \Delta) = 1`,
:math:`\theta_{ii} = \Delta_i^{-2} - (\Lambda\Phi\Lambda')_{ii}`.
Theta parameterization: the residual variances are parameters (fixed to 1 unless freed) and
:math:`\Delta_i = \Sigma_{0,ii}^{-1/2}`.

The parameter table follows lavaan's for ``ordered`` items: thresholds ``item | t1``, scales
``item ~*~ item``, intercepts of the items fixed to 0, factor means fixed to 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from burnoutkit.errors import BurnoutkitError, ModelSyntaxError
from burnoutkit.factors._ordinal_stats import OrdinalStats
from burnoutkit.factors._sem_engine import (
    ALPHA,
    BETA,
    LAMBDA,
    NU,
    PSI,
    THETA,
    GroupData,
    GroupState,
    SEMModel,
    start_values,
)
from burnoutkit.factors.syntax import (
    Statement,
    VariableRoles,
    _equal_class,
    _normalize_partial,
    _partial_spec,
    parameter_table,
)

__all__ = ["OrdinalModel", "ordinal_parameter_table"]

_CORE_OPS = ("=~", "~~", "~", "~1")
_EQUAL_CLASSES = (
    "loadings", "intercepts", "means", "thresholds", "residuals", "residual.covariances",
    "lv.variances", "lv.covariances", "regressions",
)


def ordinal_parameter_table(
    statements: Sequence[Statement],
    *,
    n_thresholds: dict[str, int],
    ngroups: int = 1,
    std_lv: bool = False,
    orthogonal: bool = False,
    group_equal: Sequence[str] = (),
    group_partial: Sequence[str] = (),
    parameterization: str = "delta",
    identification: str = "lavaan",
) -> pd.DataFrame:
    """Build the parameter table of an ordinal CFA, as lavaan's with ``ordered = TRUE``.

    Parameters
    ----------
    statements : sequence of Statement
        The parsed model.
    n_thresholds : dict of str to int
        Thresholds of every ordinal item (categories minus one).
    ngroups : int
        Number of groups.
    std_lv, orthogonal : bool
        As in :func:`burnoutkit.factors.syntax.parameter_table`.
    group_equal : sequence of str
        Classes held equal across groups, ``"thresholds"`` included.
    group_partial : sequence of str
        Exemptions, e.g. ``"x3 | t2"``, ``"f =~ x2"``, ``"x5 ~ 1"``.
    parameterization : {"delta", "theta"}
        Which latent-response parameters are fixed (scales or residual variances).
    identification : {"lavaan", "wu_estabrook"}
        What is released in groups 2, 3, ... as constraints are added. ``"lavaan"``: lavaan's
        ``group.equal`` defaults (equal thresholds free the scales, or the residual variances,
        and the factor means). ``"wu_estabrook"``: Wu & Estabrook (2016), as
        ``semTools::measEq.syntax(ID.cat = "Wu.Estabrook.2016")``: an item's intercept is
        freed once one of its thresholds is held equal (unless the intercepts are held equal),
        its scale (residual variance) once two are; factor means are freed once the
        intercepts are equal. In both, factor variances are freed once the loadings are equal
        when factors are identified by their variances (``std_lv``).
    """
    bad = [g for g in group_equal if g not in _EQUAL_CLASSES]
    if bad:
        raise ModelSyntaxError(
            f"Unknown group_equal class(es) {bad}; choose from {list(_EQUAL_CLASSES)}."
        )
    base = parameter_table(list(statements), ngroups=ngroups, meanstructure=True,
                           std_lv=std_lv, orthogonal=orthogonal)
    roles: VariableRoles = base.attrs["roles"]
    lv = set(roles.lv)
    ordered = set(n_thresholds)
    partial = {_normalize_partial(s) for s in group_partial}
    ge = set(group_equal)
    thr_equal = "thresholds" in ge
    # Wu & Estabrook: per item, the thresholds held equal decide what can be freed
    n_equal_th = {
        v: sum(1 for k in range(n_thresholds[v]) if thr_equal and f"{v}|t{k + 1}" not in partial)
        for v in ordered
    }
    nrow0 = len(base) // ngroups
    rows: list[dict] = []
    for g in range(ngroups):
        block = base.iloc[g * nrow0:(g + 1) * nrow0]
        recs = block.to_dict("records")
        for r in recs:
            r["free_flag"] = bool(r["free"] > 0)
            if r["lhs"] in ordered and r["user"] == 0:
                if r["op"] == "~~" and r["lhs"] == r["rhs"]:
                    r["free_flag"], r["ustart"] = False, 1.0
                elif r["op"] == "~1":
                    r["free_flag"], r["ustart"] = False, 0.0
        th_rows = [
            {"lhs": v, "op": "|", "rhs": f"t{k + 1}", "user": 0, "group": g + 1,
             "free_flag": True, "ustart": np.nan, "exo": 0, "label": ""}
            for v in roles.ov if v in ordered for k in range(n_thresholds[v])
        ]
        delta_rows = [
            {"lhs": v, "op": "~*~", "rhs": v, "user": 0, "group": g + 1, "free_flag": False,
             "ustart": 1.0, "exo": 0, "label": ""}
            for v in roles.ov if v in ordered
        ]
        if g > 0:
            for r in recs + delta_rows:
                a, o, b, u = r["lhs"], r["op"], r["rhs"], r["user"]
                if u:
                    continue
                release = False
                if o == "~1" and a in lv:
                    if identification == "lavaan":
                        release = ("intercepts" in ge or thr_equal) and "means" not in ge
                    else:
                        release = "intercepts" in ge and "means" not in ge
                elif o == "~~" and a == b and a in lv:
                    release = std_lv and "loadings" in ge and "lv.variances" not in ge
                elif a in ordered and (
                    (o == "~*~" and parameterization == "delta")
                    or (o == "~~" and a == b and parameterization == "theta")
                ):
                    if identification == "lavaan":
                        release = thr_equal
                    else:
                        held = "residuals" in ge and f"{a}~~{a}" not in partial
                        release = n_equal_th[a] >= 2 and not held
                elif o == "~1" and a in ordered and identification != "lavaan":
                    held = "intercepts" in ge and f"{a}~1" not in partial
                    release = n_equal_th[a] >= 1 and not held
                if release:
                    r["free_flag"], r["ustart"] = True, np.nan
        order = {"=~": 0, "~": 0, "|": 1, "~~": 2, "~*~": 3, "~1": 4}
        allrows = recs + th_rows + delta_rows
        allrows.sort(key=lambda r: order.get(r["op"], 5))
        rows += allrows
    pt = pd.DataFrame(rows)
    pt["id"] = np.arange(1, len(pt) + 1)
    pt["plabel"] = [f".p{i}." for i in pt["id"]]
    pt["label"] = pt["label"].fillna("")
    # group.equal labels (user labels win; exemptions by group_partial)
    nper = len(pt) // ngroups
    if ngroups > 1 and group_equal:
        for i in range(nper):
            lhs, op, rhs = pt.at[i, "lhs"], pt.at[i, "op"], pt.at[i, "rhs"]
            cls = _equal_class(lhs, op, rhs, lv)
            if cls not in ge or _partial_spec(lhs, op, rhs) in partial:
                continue
            rows_g = [g * nper + i for g in range(ngroups)]
            if not all(pt.at[r, "free_flag"] for r in rows_g):
                continue
            if any(pt.at[r, "label"] for r in rows_g):
                continue
            for r in rows_g:
                pt.at[r, "label"] = pt.at[rows_g[0], "plabel"]
    pt = _number(pt, [s for s in statements if s.op == "=="])
    pt.attrs["roles"] = roles
    pt.attrs["ngroups"] = ngroups
    pt.attrs["meanstructure"] = True
    pt.attrs["parameterization"] = parameterization
    return pt


def _number(pt: pd.DataFrame, eq_stmts: Sequence[Statement]) -> pd.DataFrame:
    """Assign the free-row numbers and the ``eq`` classes (equal labels and ``==``)."""
    pt = pt.copy()
    free_flag = pt["free_flag"].to_numpy(dtype=bool)
    pt["free"] = 0
    pt.loc[free_flag, "free"] = np.arange(1, int(free_flag.sum()) + 1)
    free_rows = np.flatnonzero(free_flag)
    parent = {int(r): int(r) for r in free_rows}

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    constraints: list[tuple[str, str]] = []
    by_label: dict[str, int] = {}
    labels = pt["label"].to_numpy(dtype=object)
    plabels = pt["plabel"].to_numpy(dtype=object)
    for r in free_rows:
        lab = labels[r]
        if not lab:
            continue
        if lab in by_label:
            first = by_label[lab]
            parent[find(int(r))] = find(first)
            constraints.append((plabels[first], plabels[r]))
        else:
            by_label[lab] = int(r)
    all_labels = set(labels) - {""}
    for s in eq_stmts:
        for side in (s.lhs, s.rhs):
            if side not in all_labels:
                raise ModelSyntaxError(
                    f"Line {s.line}: {side!r} in '{s.lhs} == {s.rhs}' is not a parameter label; "
                    f"labels in the model: {sorted(all_labels)}."
                )
        a = [r for r in free_rows if labels[r] == s.lhs]
        b = [r for r in free_rows if labels[r] == s.rhs]
        if not a or not b:
            raise ModelSyntaxError(
                f"Line {s.line}: '{s.lhs} == {s.rhs}' refers to a fixed parameter; equality "
                "constraints apply to free parameters."
            )
        parent[find(int(b[0]))] = find(int(a[0]))
        constraints.append((plabels[a[0]], plabels[b[0]]))
    roots: dict[int, int] = {}
    eq = np.zeros(len(pt), dtype=int)
    for r in free_rows:
        root = find(int(r))
        if root not in roots:
            roots[root] = len(roots) + 1
        eq[r] = roots[root]
    pt["eq"] = eq
    pt = pt.drop(columns=["free_flag", "mod_idx"], errors="ignore")
    pt = pt[["id", "lhs", "op", "rhs", "user", "group", "free", "ustart", "exo", "label",
             "plabel", "eq"]]
    pt.attrs["constraints"] = constraints
    return pt


@dataclass(slots=True)
class GroupImplied:
    """Model-implied pieces of one group at one parameter vector."""

    state: GroupState  # core matrices (sigma = Sigma0, mu = mu0)
    tau: np.ndarray  # (nth,) structural thresholds
    delta: np.ndarray  # (p,) scales
    th_star: np.ndarray  # (nth,) implied thresholds
    rho: np.ndarray  # (P,) implied correlations
    resid: np.ndarray  # (p,) residual variances (derived in delta, parameters in theta)

    @property
    def wls_est(self) -> np.ndarray:
        """Implied statistics in the order of the sample statistics."""
        return np.concatenate([self.th_star, self.rho])


class OrdinalModel:
    """A compiled ordinal parameter table fitted to the first-stage statistics of every group.

    Parameters
    ----------
    partable : pandas.DataFrame
        Output of :func:`ordinal_parameter_table`.
    stats : list of OrdinalStats
        One per group, items in the order ``ov_names``.
    ov_names : list of str
        The observed (ordinal) variables.
    """

    def __init__(self, partable: pd.DataFrame, stats: list[OrdinalStats], ov_names: list[str]):
        self.partable = partable
        self.stats = stats
        self.ngroups = len(stats)
        self.ov_names = list(ov_names)
        self.p = len(ov_names)
        self.parameterization = partable.attrs.get("parameterization", "delta")
        self.constraints = list(partable.attrs.get("constraints", []))
        self.col_lhs = partable["lhs"].to_numpy(dtype=object)
        self.col_op = partable["op"].to_numpy(dtype=object)
        self.col_rhs = partable["rhs"].to_numpy(dtype=object)
        self.row_group = partable["group"].to_numpy(dtype=int) - 1
        self.row_free = partable["free"].to_numpy(dtype=int)
        self.row_eq = partable["eq"].to_numpy(dtype=int)
        self.row_value = partable["ustart"].to_numpy(dtype=float).copy()
        self.nx = int(self.row_free.max()) if len(self.row_free) else 0
        self.ntheta = int(self.row_eq.max()) if len(self.row_eq) else 0
        free_rows = np.flatnonzero(self.row_free > 0)
        self.x_rows = free_rows[np.argsort(self.row_free[free_rows])]
        self.x_theta = self.row_eq[self.x_rows] - 1
        self.x_group = self.row_group[self.x_rows]
        nobs = np.array([s.n for s in stats], dtype=float)
        self.ntotal = float(nobs.sum())
        self.nobs = nobs
        self.weights = nobs / self.ntotal
        self.meanstructure = True
        self.fiml = False
        roles = partable.attrs["roles"]
        self.roles = roles
        if roles.ov_x:
            raise BurnoutkitError(
                f"Observed covariates {list(roles.ov_x)} as predictors are not supported with "
                "ordinal indicators; model them as indicators of a factor, or use estimator='ML'."
            )
        idx = {v: i for i, v in enumerate(self.ov_names)}
        self._ov_idx = idx
        # core (LISREL) part
        core_mask = np.isin(self.col_op, _CORE_OPS)
        sub = partable[core_mask].copy()
        sub_free_global = sub["free"].to_numpy(dtype=int)
        is_free = sub_free_global > 0
        order = np.argsort(sub_free_global[is_free])
        core_free = np.zeros(len(sub), dtype=int)
        free_pos = np.flatnonzero(is_free)[order]
        core_free[free_pos] = np.arange(1, len(free_pos) + 1)
        sub["free"] = core_free
        sub["eq"] = core_free
        sub["exo"] = 0
        sub.attrs = dict(partable.attrs)
        sub.attrs["constraints"] = []
        groups = [
            GroupData(n=s.n, cov=s.corr.copy(), mean=np.zeros(self.p), label=s.label)
            for s in stats
        ]
        self.core = SEMModel(sub.reset_index(drop=True), groups, self.ov_names)
        self.core_rows = np.flatnonzero(core_mask)
        # global x index of each core x
        self.core_x_global = sub_free_global[is_free][order] - 1
        self.lv_names = self.core.lv_names
        self._eta_idx = self.core._eta_idx
        self.has_beta = self.core.has_beta
        # thresholds and scales
        self.n_cat = stats[0].n_cat
        nth_item = self.n_cat - 1
        self.th_item = np.repeat(np.arange(self.p), nth_item)
        self.nth = int(nth_item.sum())
        th_start = np.concatenate([[0], np.cumsum(nth_item)[:-1]])
        self.th_pos = {}  # (group, item, k) -> position in the threshold vector
        self.th_rows: list[np.ndarray] = []  # per group: row of every threshold
        self.delta_rows: list[np.ndarray] = []  # per group: row of every item's scale
        for g in range(self.ngroups):
            th_r = np.full(self.nth, -1)
            de_r = np.full(self.p, -1)
            for r in np.flatnonzero(self.row_group == g):
                op = self.col_op[r]
                if op == "|":
                    i = idx[self.col_lhs[r]]
                    k = int(self.col_rhs[r][1:]) - 1
                    if k >= nth_item[i]:
                        raise BurnoutkitError(
                            f"Threshold {self.col_lhs[r]} | {self.col_rhs[r]}: the item has only "
                            f"{nth_item[i]} threshold(s)."
                        )
                    th_r[th_start[i] + k] = r
                elif op == "~*~":
                    de_r[idx[self.col_lhs[r]]] = r
            if (th_r < 0).any() or (de_r < 0).any():  # pragma: no cover - built together
                raise BurnoutkitError("The parameter table lacks thresholds or scales.")
            self.th_rows.append(th_r)
            self.delta_rows.append(de_r)
        self.pair_i, self.pair_j = stats[0].pair_i, stats[0].pair_j
        self.nstat = self.nth + len(self.pair_i)
        # residual-variance rows of the items (per group), for reporting
        self.resid_rows: list[np.ndarray] = []
        for g in range(self.ngroups):
            rr = np.full(self.p, -1)
            for r in np.flatnonzero((self.row_group == g) & (self.col_op == "~~")):
                if self.col_lhs[r] == self.col_rhs[r] and self.col_lhs[r] in idx:
                    rr[idx[self.col_lhs[r]]] = r
            self.resid_rows.append(rr)

    # ------------------------------------------------------------------ parameters
    def x_from_theta(self, theta: np.ndarray) -> np.ndarray:
        """Free-row values from the estimated parameters."""
        return theta[self.x_theta]

    def K(self) -> np.ndarray:
        """Return the indicator matrix K of x = K theta."""
        K = np.zeros((self.nx, self.ntheta))
        K[np.arange(self.nx), self.x_theta] = 1.0
        return K

    def row_values(self, x: np.ndarray) -> np.ndarray:
        """Value of every parameter-table row (fixed values, or x)."""
        est = self.row_value.copy()
        est[self.x_rows] = x
        return np.where(np.isnan(est), 0.0, est)

    def _core_state(self, g: int, xc: np.ndarray) -> GroupState:
        core = self.core
        b = core._base[g]
        st = GroupState(
            lam=b.lam.copy(), theta=b.theta.copy(), psi=b.psi.copy(),
            beta=None if b.beta is None else b.beta.copy(), nu=b.nu.copy(),
            alpha=b.alpha.copy(),
        )
        ix = core.group_x[g]
        sl = core.group_slots[g]
        vals = xc[ix]
        for mat in (LAMBDA, THETA, PSI, BETA, NU, ALPHA):
            sel = sl.mat == mat
            if sel.any():
                core._put(st, mat, sl.row[sel], sl.col[sel], vals[sel])
        if st.beta is not None:
            m = st.beta.shape[0]
            st.A = np.linalg.inv(np.eye(m) - st.beta)
            st.LA = st.lam @ st.A
            phi = st.A @ st.psi @ st.A.T
            st.Aalpha = st.A @ st.alpha
        else:
            st.LA = st.lam
            phi = st.psi
            st.Aalpha = st.alpha
        st.LPhi = st.lam @ phi
        st.sigma = st.LPhi @ st.lam.T + st.theta
        st.sigma = 0.5 * (st.sigma + st.sigma.T)
        st.mu = st.nu + st.lam @ st.Aalpha
        return st

    def implied(self, x: np.ndarray) -> list[GroupImplied] | None:
        """Implied pieces of every group (None when outside the admissible region)."""
        xc = x[self.core_x_global]
        est = self.row_values(x)
        out = []
        for g in range(self.ngroups):
            try:
                st = self._core_state(g, xc)
            except np.linalg.LinAlgError:
                return None
            tau = est[self.th_rows[g]]
            d0 = np.diag(st.sigma)
            if self.parameterization == "delta":
                delta = est[self.delta_rows[g]]
                common = d0 - np.diag(st.theta)
                resid = 1.0 / delta**2 - common
            else:
                if np.any(d0 <= 0) or not np.all(np.isfinite(d0)):
                    return None
                delta = 1.0 / np.sqrt(d0)
                resid = np.diag(st.theta).copy()
            th_star = delta[self.th_item] * (tau - st.mu[self.th_item])
            rho = delta[self.pair_i] * delta[self.pair_j] * st.sigma[self.pair_i, self.pair_j]
            if not (np.all(np.isfinite(th_star)) and np.all(np.isfinite(rho))):
                return None
            out.append(GroupImplied(state=st, tau=tau, delta=delta, th_star=th_star, rho=rho,
                                    resid=resid))
        return out

    # ------------------------------------------------------------------ derivatives
    def jacobian(self, imp: list[GroupImplied]) -> list[np.ndarray]:
        """d(implied statistics)/dx' of every group (nstat x nx, dense)."""
        out = []
        core = self.core
        ia, ja, ti = self.pair_i, self.pair_j, self.th_item
        for g, gi in enumerate(imp):
            D = np.zeros((self.nstat, self.nx))
            st = gi.state
            sl = core.group_slots[g]
            cols = self.core_x_global[core.group_x[g]]
            if len(cols):
                U, V, M = core.derivative_vectors(st, sl)
                dsig = U[ia] * V[ja] + V[ia] * U[ja]  # (P, k)
                dd = gi.delta
                if self.parameterization == "delta":
                    D[self.nth:, cols] = (dd[ia] * dd[ja])[:, None] * dsig
                    D[:self.nth, cols] = -dd[ti][:, None] * M[ti]
                else:
                    s0 = np.diag(st.sigma)
                    dlog = -(U * V) / s0[:, None]  # d log Delta_i, (p, k)
                    D[self.nth:, cols] = ((dd[ia] * dd[ja])[:, None] * dsig
                                          + gi.rho[:, None] * (dlog[ia] + dlog[ja]))
                    D[:self.nth, cols] = (gi.th_star[:, None] * dlog[ti]
                                          - dd[ti][:, None] * M[ti])
            # thresholds
            fx = self.row_free[self.th_rows[g]]
            sel = fx > 0
            D[np.flatnonzero(sel), fx[sel] - 1] += gi.delta[ti[sel]]
            # scales (delta parameterization)
            if self.parameterization == "delta":
                fx = self.row_free[self.delta_rows[g]]
                for i in np.flatnonzero(fx > 0):
                    c = fx[i] - 1
                    rows_t = np.flatnonzero(ti == i)
                    D[rows_t, c] += gi.th_star[rows_t] / gi.delta[i]
                    pr = np.flatnonzero((ia == i) | (ja == i))
                    D[self.nth + pr, c] += gi.rho[pr] / gi.delta[i]
            out.append(D)
        return out

    # ------------------------------------------------------------------ start values
    def start_x(self) -> np.ndarray:
        """Return starting values (theta space).

        One-factor loadings per factor on the polychoric correlations, the sample thresholds,
        unit scales and residual variances, zero intercepts; user ``start()`` values win.
        """
        x = np.full(self.nx, np.nan)
        core_theta = start_values(self.core)
        xc = self.core.x_from_theta(core_theta)
        x[self.core_x_global] = xc
        for g in range(self.ngroups):
            s = self.stats[g]
            fx = self.row_free[self.th_rows[g]]
            sel = fx > 0
            x[fx[sel] - 1] = s.th[sel]
            fx = self.row_free[self.delta_rows[g]]
            x[fx[fx > 0] - 1] = 1.0
            # free residual variances (theta parameterization) start at 1
            rr = self.resid_rows[g]
            fr = self.row_free[rr[rr >= 0]]
            x[fr[fr > 0] - 1] = 1.0
            # item intercepts start at 0
        x = np.where(np.isnan(x), 0.0, x)
        # user start values
        us = self.row_value[self.x_rows]
        x = np.where(np.isnan(us), x, us)
        # equality classes: the first member decides
        theta = np.zeros(self.ntheta)
        seen = np.zeros(self.ntheta, dtype=bool)
        for j in range(self.nx):
            t = self.x_theta[j]
            if not seen[t]:
                theta[t] = x[j]
                seen[t] = True
        return theta
