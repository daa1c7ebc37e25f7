"""Parse the lavaan model syntax that burnoutkit's CFA engine understands.

The supported subset covers what item banks emit and what measurement models need:

===========  ==================================  =====================================
operator     meaning                             example
===========  ==================================  =====================================
``=~``       is measured by (loadings)           ``ex =~ ex1 + ex2 + ex3``
``~~``       (co)variance                        ``ex1 ~~ ex2``, ``f1 ~~ 0*f2``
``~``        is regressed on                     ``G ~ B``
``~ 1``      intercept / mean                    ``x1 ~ 1``, ``f ~ 0*1``
``==``       equality of two labels              ``a == b``
===========  ==================================  =====================================

Each right-hand term may carry modifiers joined by ``*``: a number fixes the parameter
(``0*x``, ``1*x``), ``NA`` frees it, a name labels it (``a*x``; equal labels mean equal
parameters), ``start(.5)`` gives a starting value, and ``c(...)`` gives one modifier per group
(``c(a, b)*x``, ``c(1, NA)*x``). Comments start with ``#`` or ``!``; statements end at a new
line or ``;``, and a line ending in ``+`` (or an operator) continues on the next line.

:func:`parse_model` turns the text into statements; :func:`parameter_table` adds what lavaan's
``cfa()`` adds automatically and returns the parameter table (one row per parameter per group).

Examples
--------
>>> from burnoutkit.factors.syntax import parameter_table
>>> pt = parameter_table("visual =~ x1 + x2 + x3")
>>> pt[["lhs", "op", "rhs", "free", "ustart"]].head(3)
      lhs op rhs  free  ustart
0  visual =~  x1     0     1.0
1  visual =~  x2     1     NaN
2  visual =~  x3     2     NaN
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from burnoutkit.errors import IdentificationError, ModelSyntaxError

__all__ = [
    "GROUP_EQUAL_CHOICES",
    "IdentificationError",
    "ModelSyntaxError",
    "Statement",
    "parameter_table",
    "parse_model",
]

GROUP_EQUAL_CHOICES = (
    "loadings",
    "intercepts",
    "means",
    "residuals",
    "residual.covariances",
    "lv.variances",
    "lv.covariances",
    "regressions",
)

_OPERATORS = ("=~", "~~", "==", "~")  # longest first; "~ 1" is resolved after the split
_UNSUPPORTED = {
    ":=": "defined parameters (':=')",
    "<~": "formative factors ('<~')",
    "~*~": "scale factors ('~*~')",
    "|": "thresholds ('|'); fit ordinal items with a WLSMV-capable tool",
    "<": "inequality constraints ('<')",
    ">": "inequality constraints ('>')",
}
_NAME = re.compile(r"^[A-Za-z_.][A-Za-z0-9_.]*$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True, slots=True)
class Modifier:
    """One modifier slot per group (a single entry applies to every group)."""

    fixed: tuple[float | None, ...] = ()  # a number fixes; NaN frees explicitly (``NA*x``)
    label: tuple[str | None, ...] = ()
    start: tuple[float | None, ...] = ()


@dataclass(frozen=True, slots=True)
class Statement:
    """One parsed formula element: ``lhs op rhs`` with its modifiers and source line."""

    lhs: str
    op: str
    rhs: str
    modifier: Modifier = field(default_factory=Modifier)
    line: int = 0


# --------------------------------------------------------------------------- parsing
def _strip_comment(line: str) -> str:
    out = []
    quote = None
    for ch in line:
        if quote:
            out.append(ch)
            if ch == quote:
                quote = None
            continue
        if ch in "\"'":
            quote = ch
        elif ch in "#!":
            break
        out.append(ch)
    return "".join(out)


def _split_top(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside parentheses."""
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


def _find_operator(stmt: str, lineno: int) -> tuple[str, int]:
    depth = 0
    i = 0
    while i < len(stmt):
        ch = stmt[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0:
            for bad in (":=", "<~", "~*~"):
                if stmt.startswith(bad, i):
                    raise ModelSyntaxError(
                        f"Line {lineno}: {_UNSUPPORTED[bad]} are not supported by burnoutkit's "
                        f"CFA engine: {stmt.strip()!r}. Rewrite the model without them."
                    )
            for op in _OPERATORS:
                if stmt.startswith(op, i):
                    return op, i
            if ch in "|<>":
                raise ModelSyntaxError(
                    f"Line {lineno}: {_UNSUPPORTED[ch]} are not supported by burnoutkit's CFA "
                    f"engine: {stmt.strip()!r}."
                )
        i += 1
    raise ModelSyntaxError(
        f"Line {lineno}: no operator found in {stmt.strip()!r}; every statement needs one of "
        "'=~', '~~', '~' or '=='."
    )


def _logical_statements(model: str) -> list[tuple[str, int]]:
    """Join continuation lines and split on ';' and new lines."""
    pieces: list[tuple[str, int]] = []
    for lineno, raw in enumerate(model.splitlines(), start=1):
        for part in _split_top(_strip_comment(raw), ";"):
            if part.strip():
                pieces.append((part.strip(), lineno))
    out: list[tuple[str, int]] = []
    for text, lineno in pieces:
        if out:
            prev, prev_line = out[-1]
            continues = prev.rstrip().endswith(("+", "*", "=~", "~~", "~", ",", "("))
            starts = text.startswith(("+", "*", ","))
            has_op = any(op in text for op in ("=~", "~", "==", ":=", "|", "<", ">"))
            if continues or starts or not has_op:
                out[-1] = (f"{prev} {text}", prev_line)
                continue
        out.append((text, lineno))
    return out


def _parse_value(token: str, lineno: int, stmt: str) -> tuple[str, float | str | None]:
    """Classify one modifier value: ('fixed', number), ('free', None) or ('label', name)."""
    token = token.strip()
    if token in ("NA", "NaN"):
        return "free", None
    if _NUMBER.match(token):
        return "fixed", float(token)
    if len(token) >= 2 and token[0] == token[-1] and token[0] in "\"'":
        return "label", token[1:-1]
    if _NAME.match(token):
        return "label", token
    raise ModelSyntaxError(f"Line {lineno}: cannot read the modifier {token!r} in {stmt!r}.")


def _parse_modifiers(mods: list[str], lineno: int, stmt: str) -> Modifier:
    fixed: list[float | None] = []
    label: list[str | None] = []
    start: list[float | None] = []

    def put(target: list, values: list, kind: str) -> None:
        if target:
            raise ModelSyntaxError(
                f"Line {lineno}: two {kind} modifiers on one term in {stmt!r}; give one."
            )
        target.extend(values)

    for mod in mods:
        mod = mod.strip()
        m = re.match(r"^(start|label|c)\s*\((.*)\)$", mod, flags=re.S)
        if m and m.group(1) == "start":
            vals = []
            for tok in _split_top(m.group(2), ","):
                kind, val = _parse_value(tok, lineno, stmt)
                if kind != "fixed":
                    raise ModelSyntaxError(
                        f"Line {lineno}: start() needs numbers; got {tok.strip()!r} in {stmt!r}."
                    )
                vals.append(val)
            put(start, vals, "start")
            continue
        if m and m.group(1) == "label":
            vals = [_parse_value(tok, lineno, stmt)[1] for tok in _split_top(m.group(2), ",")]
            put(label, [str(v) for v in vals], "label")
            continue
        tokens = _split_top(m.group(2), ",") if m and m.group(1) == "c" else [mod]
        kinds = [_parse_value(tok, lineno, stmt) for tok in tokens]
        if all(k == "label" for k, _ in kinds):
            put(label, [v for _, v in kinds], "label")
        elif all(k in ("fixed", "free") for k, _ in kinds):
            put(fixed, [math.nan if k == "free" else v for k, v in kinds], "fixed/free")
        else:
            raise ModelSyntaxError(
                f"Line {lineno}: a c(...) modifier mixes labels and values in {stmt!r}; write "
                "labels and values as two modifiers, e.g. c(a, b)*c(1, NA)*x."
            )
    return Modifier(fixed=tuple(fixed), label=tuple(label), start=tuple(start))


def parse_model(model: str) -> list[Statement]:
    """Parse lavaan model syntax into a flat list of statements.

    Parameters
    ----------
    model : str
        Model text in the supported lavaan subset (see the module docstring).

    Returns
    -------
    list of Statement
        One statement per ``lhs op rhs`` element, in the order written; ``~ 1`` becomes
        ``op="~1"`` with an empty ``rhs``.

    Raises
    ------
    ModelSyntaxError
        The text uses an unsupported operator or cannot be read; the message names the line.

    Examples
    --------
    >>> from burnoutkit.factors.syntax import parse_model
    >>> [(s.lhs, s.op, s.rhs) for s in parse_model("f =~ a*x1 + x2; x1 ~~ 0*x2")]
    [('f', '=~', 'x1'), ('f', '=~', 'x2'), ('x1', '~~', 'x2')]
    """
    if not isinstance(model, str) or not model.strip():
        raise ModelSyntaxError("The model text is empty; write e.g. 'f =~ x1 + x2 + x3'.")
    statements: list[Statement] = []
    for stmt, lineno in _logical_statements(model):
        op, pos = _find_operator(stmt, lineno)
        lhs_text, rhs_text = stmt[:pos].strip(), stmt[pos + len(op) :].strip()
        if not lhs_text or not rhs_text:
            raise ModelSyntaxError(f"Line {lineno}: {stmt!r} needs a left and a right side.")
        if op == "==":
            for side in (lhs_text, rhs_text):
                if not (_NAME.match(side) or _NUMBER.match(side)):
                    raise ModelSyntaxError(
                        f"Line {lineno}: '==' compares two labels (e.g. 'a == b'); got {stmt!r}."
                    )
            statements.append(Statement(lhs=lhs_text, op="==", rhs=rhs_text, line=lineno))
            continue
        lhs_names = [t.strip() for t in _split_top(lhs_text, "+")]
        for name in lhs_names:
            if not _NAME.match(name):
                raise ModelSyntaxError(
                    f"Line {lineno}: {name!r} is not a valid variable name in {stmt!r}."
                )
        for term in _split_top(rhs_text, "+"):
            term = term.strip()
            if not term:
                raise ModelSyntaxError(f"Line {lineno}: an empty term in {stmt!r}.")
            parts = _split_top(term, "*")
            var, mods = parts[-1].strip(), parts[:-1]
            modifier = _parse_modifiers(mods, lineno, stmt)
            this_op, rhs = op, var
            if var == "1" or var == "0":
                if op != "~":
                    raise ModelSyntaxError(
                        f"Line {lineno}: '{var}' on the right of {op!r} in {stmt!r}; "
                        "intercepts are written 'x ~ 1'."
                    )
                if var == "0":
                    raise ModelSyntaxError(
                        f"Line {lineno}: write a fixed intercept as 'x ~ 0*1', not {stmt!r}."
                    )
                this_op, rhs = "~1", ""
            elif not _NAME.match(var):
                raise ModelSyntaxError(
                    f"Line {lineno}: {var!r} is not a valid variable name in {stmt!r}."
                )
            for lhs in lhs_names:
                if this_op == "=~" and lhs == rhs:
                    raise ModelSyntaxError(
                        f"Line {lineno}: factor {lhs!r} cannot be its own indicator."
                    )
                statements.append(
                    Statement(lhs=lhs, op=this_op, rhs=rhs, modifier=modifier, line=lineno)
                )
    return statements


# --------------------------------------------------------------------------- variable roles
@dataclass(frozen=True, slots=True)
class VariableRoles:
    """lavaan's variable classes for one model (the same in every group)."""

    lv: tuple[str, ...]
    ov: tuple[str, ...]
    ov_ind: tuple[str, ...]
    ov_x: tuple[str, ...]  # exogenous observed covariates (fixed.x)
    ov_nox: tuple[str, ...]
    lv_x: tuple[str, ...]
    lv_y: tuple[str, ...]
    ov_y: tuple[str, ...]


def _unique(seq: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(seq))


def variable_roles(statements: Sequence[Statement], *, fixed_x: bool = True) -> VariableRoles:
    """Classify variables as lavaan does (``lav_partable_vnames``)."""
    lv = _unique(s.lhs for s in statements if s.op == "=~")
    v_ind = _unique(s.rhs for s in statements if s.op == "=~")
    eqs_y = _unique(s.lhs for s in statements if s.op == "~")
    eqs_x = _unique(s.rhs for s in statements if s.op == "~")
    ov_ind = [v for v in v_ind if v not in lv]
    ov_y0 = [v for v in eqs_y if v not in lv and v not in ov_ind]
    ov_x = [v for v in eqs_x if v not in lv and v not in ov_ind and v not in ov_y0]
    extra = [
        v
        for s in statements
        if s.op in ("~~", "~1")
        for v in ((s.lhs, s.rhs) if s.op == "~~" else (s.lhs,))
        if v not in lv
    ]
    base = ov_ind + ov_y0 + ov_x
    ov = base + [v for v in _unique(extra) if v not in base]
    if fixed_x:
        # lavaan: an exogenous covariate that appears in a user (co)variance or intercept
        # statement is no longer treated as fixed
        touched = {
            v for s in statements if s.op in ("~~", "~1") for v in (s.lhs, s.rhs) if v
        }
        ov_x = [v for v in ov_x if v not in touched]
    else:
        ov_x = []
    ov_nox = [v for v in ov if v not in ov_x]
    lv_x = [f for f in lv if f not in v_ind and f not in eqs_y]
    lv_y = [f for f in lv if f in eqs_y and f not in v_ind and f not in eqs_x]
    ov_y = [v for v in ov if v in eqs_y and v not in v_ind and v not in eqs_x and v not in lv]
    return VariableRoles(
        lv=tuple(lv),
        ov=tuple(ov),
        ov_ind=tuple(ov_ind),
        ov_x=tuple(ov_x),
        ov_nox=tuple(ov_nox),
        lv_x=tuple(lv_x),
        lv_y=tuple(lv_y),
        ov_y=tuple(ov_y),
    )


# --------------------------------------------------------------------------- parameter table
def _key(lhs: str, op: str, rhs: str) -> tuple[str, str, str]:
    if op == "~~" and rhs < lhs:
        return (rhs, op, lhs)
    return (lhs, op, rhs)


def _pick(values: tuple, group: int, ngroups: int, what: str, stmt: Statement):
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    if len(values) != ngroups:
        raise ModelSyntaxError(
            f"Line {stmt.line}: the {what} modifier of '{stmt.lhs} {stmt.op} {stmt.rhs}' has "
            f"{len(values)} values but the model has {ngroups} group(s); give one per group."
        )
    return values[group]


def _merge(a: Statement, b: Statement) -> Statement:
    def one(x: tuple, y: tuple, what: str) -> tuple:
        if x and y and x != y and not (
            all(isinstance(v, float) and math.isnan(v) for v in x + y)
        ):
            raise ModelSyntaxError(
                f"Line {b.line}: '{b.lhs} {b.op} {b.rhs}' gets two different {what} modifiers "
                f"(also on line {a.line}); give one."
            )
        return x or y

    mod = Modifier(
        fixed=one(a.modifier.fixed, b.modifier.fixed, "value"),
        label=one(a.modifier.label, b.modifier.label, "label"),
        start=one(a.modifier.start, b.modifier.start, "start"),
    )
    return Statement(lhs=a.lhs, op=a.op, rhs=a.rhs, modifier=mod, line=a.line)


def _normalize_partial(spec: str) -> str:
    return re.sub(r"\s+", "", spec)


def _partial_spec(lhs: str, op: str, rhs: str) -> str:
    """Return a parameter as a ``group.partial`` entry is matched: ``lhs op rhs`` without spaces."""
    return _normalize_partial(f"{lhs}{op}{rhs}" if op != "~1" else f"{lhs}~1")


def parameter_table(
    model: str | Sequence[Statement],
    *,
    ngroups: int = 1,
    meanstructure: bool = False,
    std_lv: bool = False,
    orthogonal: bool = False,
    fixed_x: bool = True,
    group_equal: Sequence[str] = (),
    group_partial: Sequence[str] = (),
) -> pd.DataFrame:
    """Build lavaan's parameter table for ``cfa()`` from model syntax.

    Adds what ``lavaan::cfa()`` adds automatically: residual variances of observed variables,
    variances of factors, covariances among exogenous factors (``auto.cov.lv.x``) and among
    purely dependent variables (``auto.cov.y``), the first loading of each factor fixed to 1
    (or all factor variances fixed to 1 with ``std_lv=True``), the residual variance of a
    single indicator fixed to 0, fixed (co)variances and means of exogenous observed
    covariates (``fixed.x``), and with a mean structure free observed intercepts and factor
    means fixed to 0 (freed in groups 2, 3, ... when intercepts are held equal and means are
    not, as lavaan's ``group.equal`` does).

    Parameters
    ----------
    model : str or sequence of Statement
        Model syntax (see :func:`parse_model`).
    ngroups : int, default 1
        Number of groups; the table holds one block of rows per group.
    meanstructure : bool, default False
        Add intercepts (``~1`` rows).
    std_lv : bool, default False
        Identify factors by fixing their variances to 1 instead of their first loadings.
    orthogonal : bool, default False
        Fix the automatic covariances among factors to 0.
    fixed_x : bool, default True
        Treat exogenous observed covariates as fixed (their moments are the sample moments).
    group_equal : sequence of str, default ()
        Parameter classes held equal across groups: any of ``"loadings"``, ``"intercepts"``,
        ``"means"``, ``"residuals"``, ``"residual.covariances"``, ``"lv.variances"``,
        ``"lv.covariances"``, ``"regressions"``.
    group_partial : sequence of str, default ()
        Parameters exempted from ``group_equal``, written as lavaan does
        (``"visual =~ x2"``, ``"x3 ~ 1"``, ``"x3 ~~ x3"``).

    Returns
    -------
    pandas.DataFrame
        Columns ``id, lhs, op, rhs, user, group, free, ustart, exo, label, plabel, eq``: ``free``
        numbers the free parameters per row (0 = fixed), ``ustart`` is the fixed value or the
        user's starting value, ``exo`` marks moments of fixed covariates (filled from the
        data), ``eq`` is the index of the equality class (rows with the same ``eq`` are one
        estimated parameter). User ``==`` constraints are merged into ``eq``; the list of
        constraints as lavaan writes them is in ``table.attrs["constraints"]``.

    Raises
    ------
    ModelSyntaxError
        Unknown ``group_equal`` classes, a modifier with the wrong number of group values, or
        an ``==`` naming an unknown label.

    Examples
    --------
    >>> from burnoutkit.factors.syntax import parameter_table
    >>> pt = parameter_table("f =~ x1 + x2 + x3", ngroups=2, meanstructure=True,
    ...                      group_equal=["loadings"])
    >>> pt.attrs["constraints"]
    [('.p2.', '.p13.'), ('.p3.', '.p14.')]
    """
    statements = parse_model(model) if isinstance(model, str) else list(model)
    bad = [g for g in group_equal if g not in GROUP_EQUAL_CHOICES]
    if bad:
        raise ModelSyntaxError(
            f"Unknown group_equal class(es) {bad}; choose from {list(GROUP_EQUAL_CHOICES)}."
        )
    if not isinstance(ngroups, int) or ngroups < 1:
        raise ModelSyntaxError(f"ngroups must be a positive int; got {ngroups!r}.")
    roles = variable_roles(statements, fixed_x=fixed_x)
    lv = set(roles.lv)

    eq_stmts = [s for s in statements if s.op == "=="]
    seen: dict[tuple[str, str, str], Statement] = {}
    for s in statements:
        if s.op == "==":
            continue
        k = _key(s.lhs, s.op, s.rhs)
        # lavaan merges the modifiers of a repeated element (``f =~ NA*x1 + a*x1``)
        seen[k] = _merge(seen[k], s) if k in seen else s
    user_stmts = list(seen.values())

    # default rows, in lavaan's order
    default: list[tuple[str, str, str]] = []
    default += [(v, "~~", v) for v in roles.ov_nox]
    default += [(f, "~~", f) for f in roles.lv]
    default += [(a, "~~", b) for a, b in itertools.combinations(roles.lv_x, 2)]
    default += [(a, "~~", b) for a, b in itertools.combinations(roles.lv_y + roles.ov_y, 2)]
    xs = roles.ov_x
    default += [(xs[j], "~~", xs[i]) for j in range(len(xs)) for i in range(j, len(xs))]
    if meanstructure:
        default += [(v, "~1", "") for v in roles.ov] + [(f, "~1", "") for f in roles.lv]
    default = [d for d in default if _key(*d) not in seen]

    rows: list[dict] = []
    for s in user_stmts:
        rows.append({"lhs": s.lhs, "op": s.op, "rhs": s.rhs, "user": 1, "stmt": s})
    for lhs, op, rhs in default:
        rows.append({"lhs": lhs, "op": op, "rhs": rhs, "user": 0, "stmt": None})
    base = pd.DataFrame(rows)
    n = len(base)
    free = np.ones(n, dtype=bool)
    ustart = np.full(n, np.nan)
    exo = np.zeros(n, dtype=int)
    lhs_a, op_a, rhs_a = base["lhs"].to_numpy(), base["op"].to_numpy(), base["rhs"].to_numpy()
    user = base["user"].to_numpy()
    is_lv_lhs = np.array([x in lv for x in lhs_a])
    is_lv_rhs = np.array([x in lv for x in rhs_a])

    var_lv = (op_a == "~~") & is_lv_lhs & (lhs_a == rhs_a)
    if std_lv:
        free[var_lv] = False
        ustart[var_lv] = 1.0
    else:
        firsts = {}
        for i in range(n):
            if op_a[i] == "=~" and lhs_a[i] not in firsts:
                firsts[lhs_a[i]] = i
        for i in firsts.values():
            free[i] = False
            ustart[i] = 1.0
    # a factor with one indicator: that indicator's residual variance is fixed to 0
    counts: dict[str, list[str]] = {}
    for i in range(n):
        if op_a[i] == "=~":
            counts.setdefault(lhs_a[i], []).append(rhs_a[i])
    all_ind = [r for inds in counts.values() for r in inds]
    singles = {
        inds[0] for f, inds in counts.items() if len(inds) == 1 and all_ind.count(inds[0]) == 1
    }
    singles -= lv
    for i in range(n):
        if op_a[i] == "~~" and lhs_a[i] == rhs_a[i] and lhs_a[i] in singles and user[i] == 0:
            free[i] = False
            ustart[i] = 0.0
    if orthogonal:
        sel = (op_a == "~~") & is_lv_lhs & is_lv_rhs & (lhs_a != rhs_a) & (user == 0)
        free[sel] = False
        ustart[sel] = 0.0
    if meanstructure:
        sel = (op_a == "~1") & is_lv_lhs & (user == 0)
        free[sel] = False
        ustart[sel] = 0.0
    xset = set(roles.ov_x)
    if xset:
        sel = np.array(
            [
                (op_a[i] == "~~" and lhs_a[i] in xset and rhs_a[i] in xset and user[i] == 0)
                or (op_a[i] == "~1" and lhs_a[i] in xset and user[i] == 0)
                for i in range(n)
            ]
        )
        free[sel] = False
        ustart[sel] = np.nan
        exo[sel] = 1

    # replicate per group
    tables = []
    for g in range(ngroups):
        t = base.copy()
        t["group"] = g + 1
        t["free_flag"] = free.copy()
        t["ustart"] = ustart.copy()
        t["exo"] = exo.copy()
        t["label"] = ""
        if g > 0:
            if meanstructure and "intercepts" in group_equal and "means" not in group_equal:
                sel = (op_a == "~1") & is_lv_lhs & (user == 0)
                t.loc[sel, "free_flag"] = True
                t.loc[sel, "ustart"] = np.nan
            if std_lv and "loadings" in group_equal and "lv.variances" not in group_equal:
                sel = var_lv & (user == 0)
                t.loc[sel, "free_flag"] = True
                t.loc[sel, "ustart"] = np.nan
        # user modifiers last
        for i, s in enumerate(t["stmt"]):
            if s is None:
                continue
            mod = s.modifier
            val = _pick(mod.fixed, g, ngroups, "value", s)
            if val is not None:
                if math.isnan(val):
                    t.iat[i, t.columns.get_loc("free_flag")] = True
                    t.iat[i, t.columns.get_loc("ustart")] = np.nan
                else:
                    t.iat[i, t.columns.get_loc("free_flag")] = False
                    t.iat[i, t.columns.get_loc("ustart")] = val
            st = _pick(mod.start, g, ngroups, "start", s)
            if st is not None and t.iat[i, t.columns.get_loc("free_flag")]:
                t.iat[i, t.columns.get_loc("ustart")] = st
            lab = _pick(mod.label, g, ngroups, "label", s)
            if lab is not None:
                t.iat[i, t.columns.get_loc("label")] = lab
        tables.append(t)
    pt = pd.concat(tables, ignore_index=True)
    pt["id"] = np.arange(1, len(pt) + 1)
    pt["plabel"] = [f".p{i}." for i in pt["id"]]
    pt["free"] = 0
    pt.loc[pt["free_flag"], "free"] = np.arange(1, int(pt["free_flag"].sum()) + 1)

    # group.equal: rows of group 1 define the label shared by the other groups
    partial = {_normalize_partial(p) for p in group_partial}
    if ngroups > 1 and group_equal:
        nrow = n
        for i in range(nrow):
            lhs, op, rhs = lhs_a[i], op_a[i], rhs_a[i]
            cls = _equal_class(lhs, op, rhs, lv)
            if cls not in group_equal:
                continue
            spec = _partial_spec(lhs, op, rhs)
            if spec in partial:
                continue
            rows_g = [g * nrow + i for g in range(ngroups)]
            if not all(pt.at[r, "free_flag"] for r in rows_g):
                continue
            if any(pt.at[r, "label"] for r in rows_g):
                continue  # user labels win over group_equal
            lab = pt.at[rows_g[0], "plabel"]
            for r in rows_g:
                pt.at[r, "label"] = lab
    # equality classes from shared labels (free rows only), then user '==' statements
    free_rows = pt.index[pt["free_flag"]].to_numpy()
    parent = {int(r): int(r) for r in free_rows}

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    constraints: list[tuple[str, str]] = []
    by_label: dict[str, int] = {}
    for r in free_rows:
        lab = pt.at[r, "label"]
        if not lab:
            continue
        if lab in by_label:
            first = by_label[lab]
            parent[find(int(r))] = find(first)
            constraints.append((pt.at[first, "plabel"], pt.at[r, "plabel"]))
        else:
            by_label[lab] = int(r)
    labels_all = set(pt["label"]) - {""}
    for s in eq_stmts:
        for side in (s.lhs, s.rhs):
            if side not in labels_all:
                raise ModelSyntaxError(
                    f"Line {s.line}: {side!r} in '{s.lhs} == {s.rhs}' is not a parameter label; "
                    f"labels in the model: {sorted(labels_all)}."
                )
        a = pt.index[(pt["label"] == s.lhs) & pt["free_flag"]]
        b = pt.index[(pt["label"] == s.rhs) & pt["free_flag"]]
        if len(a) == 0 or len(b) == 0:
            raise ModelSyntaxError(
                f"Line {s.line}: '{s.lhs} == {s.rhs}' refers to a fixed parameter; equality "
                "constraints apply to free parameters."
            )
        parent[find(int(b[0]))] = find(int(a[0]))
        constraints.append((pt.at[a[0], "plabel"], pt.at[b[0], "plabel"]))
    roots = {}
    eq = np.zeros(len(pt), dtype=int)
    for r in free_rows:
        root = find(int(r))
        if root not in roots:
            roots[root] = len(roots) + 1
        eq[r] = roots[root]
    pt["eq"] = eq
    pt = pt.drop(columns=["stmt", "free_flag"])
    pt = pt[["id", "lhs", "op", "rhs", "user", "group", "free", "ustart", "exo", "label",
             "plabel", "eq"]]
    pt.attrs["constraints"] = constraints
    pt.attrs["roles"] = roles
    pt.attrs["ngroups"] = ngroups
    pt.attrs["meanstructure"] = meanstructure
    return pt


def _equal_class(lhs: str, op: str, rhs: str, lv: set[str]) -> str | None:
    """Return the ``group.equal`` class of a parameter (lavaan's names), or None."""
    if op == "=~":
        return "loadings"
    if op == "~":
        return "regressions"
    if op == "|":
        return "thresholds"
    if op == "~1":
        return "means" if lhs in lv else "intercepts"
    if op == "~~":
        both_lv = lhs in lv and rhs in lv
        if lhs == rhs:
            return "lv.variances" if both_lv else "residuals"
        if both_lv:
            return "lv.covariances"
        if lhs not in lv and rhs not in lv:
            return "residual.covariances"
    return None
