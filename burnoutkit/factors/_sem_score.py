"""Score (Lagrange multiplier) tests: modification indices and released equality constraints.

Both use the expected information ``I`` (per case) and the gradient ``g`` of lavaan's fit
function at the estimate, as ``lavaan::modindices`` and ``lavaan::lavTestScore`` do.

* modification index of a fixed parameter j: ``mi = N g_j^2 / V_j`` with
  ``V_j = I_jj - I_j. E I_.j`` (``E`` the constrained inverse information of the model);
  expected parameter change ``epc = -g_j / V_j``;
* univariate score test of an equality constraint: releasing it adds one direction ``d`` (the
  parameters that may now move apart), and ``X2 = N (d'g)^2 / (w' I w)`` with
  ``w = d - E I d``; this is the top-left block of lavaan's bordered-matrix inverse, in closed
  form. The total test of all constraints is ``N g' I^+ g`` (Moore-Penrose inverse, as lavaan).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy import stats

from burnoutkit.errors import BurnoutkitError
from burnoutkit.factors._sem_engine import GroupState, SEMModel, _Slots
from burnoutkit.factors._sem_std import standardize

__all__ = ["candidate_rows", "modification_indices", "score_tests"]


def _key(lhs, op, rhs, g):
    if op == "~~" and rhs < lhs:
        lhs, rhs = rhs, lhs
    return (lhs, op, rhs, g)


def candidate_rows(model: SEMModel) -> list[tuple[str, str, str, int]]:
    """All parameters lavaan's ``lav_partable_full`` considers, minus the model's free ones."""
    roles = model.roles
    pt = model.partable
    lhs_, op_, rhs_ = model.col_lhs, model.col_op, model.col_rhs
    grp_ = model.row_group + 1
    eqs = list(
        dict.fromkeys(
            [a for a, o in zip(lhs_, op_, strict=True) if o == "~"]
            + [b for b, o in zip(rhs_, op_, strict=True) if o == "~"]
        )
    )
    lv = list(roles.lv)
    ov_nox = list(roles.ov_nox)
    ov_ind = set(roles.ov_ind)
    other = {v for v in roles.ov if v not in ov_ind}
    out: list[tuple[str, str, str, int]] = []
    for g in range(1, model.ngroups + 1):
        out += [(f, "=~", v, g) for f in lv for v in ov_nox if v not in eqs]
        for j, a in enumerate(ov_nox):
            for b in ov_nox[j:]:
                if a in other or b in other:
                    continue
                out.append((a, "~~", b, g))
        xs = list(roles.ov_x)
        out += [(xs[j], "~~", b, g) for j in range(len(xs)) for b in xs[j:]]
        out += [(a, "~~", b, g) for j, a in enumerate(lv) for b in lv[j:]]
        out += [
            (a, "~", b, g)
            for a, b in itertools.product(eqs, eqs)
            if a != b and not (a in ov_ind and b in lv)
        ]
        if model.meanstructure:
            out += [(v, "~1", "", g) for v in list(roles.ov) + lv]
    free_keys = {
        _key(a, o, b, g)
        for a, o, b, g, fr in zip(lhs_, op_, rhs_, grp_, model.row_free, strict=True)
        if fr > 0
    }
    fixed_rows = [
        (a, o, b, g)
        for a, o, b, g, fr, ex in zip(lhs_, op_, rhs_, grp_, model.row_free,
                                      pt["exo"].to_numpy(), strict=True)
        if fr == 0 and ex == 0
    ]
    seen = set()
    result = []
    for row in fixed_rows + out:
        k = _key(*row)
        if k in free_keys or k in seen:
            continue
        seen.add(k)
        result.append(row)
    return result


def modification_indices(
    model: SEMModel,
    states: list[GroupState],
    E_inv: np.ndarray,
    variances: dict[tuple[int, str], float],
) -> pd.DataFrame:
    """Modification indices for every fixed parameter (as ``lavaan::modindices``)."""
    rows = candidate_rows(model)
    lv = set(model.lv_names)
    dummy = set(model.dummy_names)
    slots_by_group: dict[int, list] = {g: [] for g in range(model.ngroups)}
    keep_rows = []
    for row in rows:
        a, o, b, g = row
        try:
            slot = model._slot(a, o, b, model._ov_idx, model._eta_idx, dummy, lv)
        except BurnoutkitError:
            continue
        slots_by_group[g - 1].append((len(keep_rows), slot))
        keep_rows.append(row)
    n_e = len(keep_rows)
    g_e = np.zeros(n_e)
    i11 = np.zeros(n_e)
    i12 = np.zeros((n_e, model.nx))
    for g, items in slots_by_group.items():
        if not items:
            continue
        st = states[g]
        w = model.weights[g]
        idx = np.array([k for k, _ in items])
        sl = _Slots(
            np.array([s[0] for _, s in items]),
            np.array([s[1] for _, s in items]),
            np.array([s[2] for _, s in items]),
        )
        Ue, Ve, Me = model.derivative_vectors(st, sl)
        Si = st.sigma_inv
        SUe, SVe = Si @ Ue, Si @ Ve
        diag = (
            np.einsum("ik,ik->k", Ve, SUe) ** 2
            + np.einsum("ik,ik->k", Ve, SVe) * np.einsum("ik,ik->k", Ue, SUe)
        )
        if model.meanstructure:
            diag = diag + np.einsum("ik,ik->k", Me, Si @ Me)
        i11[idx] = w * diag
        Um, Vm, Mm = model.derivative_vectors(st, model.group_slots[g])
        block = SEMModel.info_block(Si, Ue, Ve, Me, Um, Vm, Mm, meanstructure=model.meanstructure)
        i12[np.ix_(idx, model.group_x[g])] = w * block
        g_e[idx] = 0.5 * w * model.group_gradient(st, g, slots=sl)
    V = i11 - np.einsum("ij,ij->i", i12 @ E_inv, i12)
    V[V < np.finfo(float).eps ** (1 / 3)] = np.nan
    n = model.ntotal
    mi = n * g_e**2 / V
    epc = -g_e / V
    tab = pd.DataFrame(keep_rows, columns=["lhs", "op", "rhs", "group"])
    tab["mi"] = mi
    tab["epc"] = epc
    # standardized EPCs (lavaan: sign(epc) * standardize(|epc|), variances by their estimates)
    lhs, op, rhs = tab["lhs"].to_numpy(), tab["op"].to_numpy(), tab["rhs"].to_numpy()
    grp = tab["group"].to_numpy() - 1
    val = np.abs(epc)
    is_var = (op == "~~") & (lhs == rhs)
    for i in np.flatnonzero(is_var):
        val[i] = variances.get((grp[i], lhs[i]), val[i])
    sepc_lv, sepc_all = standardize(model, states, lhs, op, rhs, grp, val, variances)
    sign = np.sign(epc)
    tab["sepc_lv"] = sign * sepc_lv
    tab["sepc_all"] = sign * sepc_all
    small = is_var & (np.abs(val) < np.sqrt(np.finfo(float).eps))
    tab.loc[small, ["sepc_lv", "sepc_all"]] = 0.0
    tab = tab[np.isfinite(tab["mi"])].reset_index(drop=True)
    return tab


def _classes(nx: int, pairs: list[tuple[int, int]]) -> np.ndarray:
    parent = list(range(nx))

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra
    return np.array([find(i) for i in range(nx)])


def score_tests(
    model: SEMModel, states: list[GroupState], E_inv: np.ndarray
) -> tuple[dict[str, float], pd.DataFrame]:
    """Score-test the equality constraints (total and univariate), as ``lavTestScore``."""
    constraints = model.constraints
    if not constraints:
        raise BurnoutkitError(
            "The model has no equality constraints, so there is nothing to release; score "
            "tests apply to constrained models (labels, group_equal or '==')."
        )
    by_plabel = {lab: i for i, lab in enumerate(model.col_plabel)}
    pairs = []
    for a, b in constraints:
        ia, ib = by_plabel[a], by_plabel[b]
        pairs.append((int(model.row_free[ia]) - 1, int(model.row_free[ib]) - 1))
    g = model.gradient_x(states)
    info = model.information_x(states)
    n = model.ntotal
    total = float(n * g @ np.linalg.pinv(info, rcond=np.sqrt(np.finfo(float).eps)) @ g)
    rows = []
    for r, (xa, xb) in enumerate(pairs):
        others = pairs[:r] + pairs[r + 1 :]
        cls = _classes(model.nx, others)
        d = (cls == cls[xb]).astype(float)
        if cls[xa] == cls[xb]:
            x2 = 0.0
        else:
            w = d - E_inv @ (info @ d)
            denom = float(w @ info @ w)
            x2 = float(n * (d @ g) ** 2 / denom) if denom > 1e-12 else np.nan
        ib = by_plabel[constraints[r][1]]
        rows.append(
            {
                "lhs": model.col_lhs[ib],
                "op": model.col_op[ib],
                "rhs": model.col_rhs[ib],
                "group": int(model.row_group[ib]) + 1,
                "constraint": f"{constraints[r][0]} == {constraints[r][1]}",
                "x2": x2,
                "df": 1,
                "p_value": float(stats.chi2.sf(x2, 1)) if np.isfinite(x2) else np.nan,
            }
        )
    df = len(pairs)
    return (
        {"x2": total, "df": float(df), "p_value": float(stats.chi2.sf(total, df))},
        pd.DataFrame(rows),
    )
