"""Tests of the lavaan-syntax parser and of the parameter table (lavaan's ``lavaanify`` rules)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import burnoutkit as bk
from burnoutkit.factors.syntax import (
    ModelSyntaxError,
    parameter_table,
    parse_model,
    variable_roles,
)

HS = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"


def _row(pt, lhs, op, rhs, group=1):
    sel = (pt["lhs"] == lhs) & (pt["op"] == op) & (pt["rhs"] == rhs) & (pt["group"] == group)
    assert sel.sum() == 1, (lhs, op, rhs, group)
    return pt[sel].iloc[0]


def test_parse_operators_modifiers_comments_and_continuations():
    text = """
    # a comment line
    f1 =~ x1 + 0.5*x2 + a*x3 +   # continues on the next line
          NA*x4 + start(.7)*x5 ; f2 =~ x6 + x7 + x8
    f1 ~~ 0*f2
    x1 ~~ x2 ! another comment style
    f2 ~ z
    x1 ~ 1
    f1 ~ 0*1
    a == b
    f2 =~ b*x9
    """
    st = parse_model(text)
    trip = [(s.lhs, s.op, s.rhs) for s in st]
    assert trip[:5] == [("f1", "=~", f"x{i}") for i in range(1, 6)]
    assert ("f1", "~~", "f2") in trip and ("x1", "~~", "x2") in trip
    assert ("f2", "~", "z") in trip and ("x1", "~1", "") in trip and ("f1", "~1", "") in trip
    assert ("a", "==", "b") in trip
    mods = {(s.lhs, s.op, s.rhs): s.modifier for s in st}
    assert mods[("f1", "=~", "x2")].fixed == (0.5,)
    assert mods[("f1", "=~", "x3")].label == ("a",)
    assert math.isnan(mods[("f1", "=~", "x4")].fixed[0])
    assert mods[("f1", "=~", "x5")].start == (0.7,)
    assert mods[("f1", "~1", "")].fixed == (0.0,)


def test_multiple_lhs_and_group_vectors():
    st = parse_model("y1 + y2 ~ c(a, b)*x")
    assert [(s.lhs, s.rhs) for s in st] == [("y1", "x"), ("y2", "x")]
    assert st[0].modifier.label == ("a", "b")
    st = parse_model("f =~ c(1, NA)*x1 + x2 + x3")
    assert st[0].modifier.fixed[0] == 1.0 and math.isnan(st[0].modifier.fixed[1])


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("f =~ x1 + x2\ng := a*b", "':='"),
        ("f =~ x1 + x2\nx1 | t1", "thresholds"),
        ("f x1 x2", "no operator"),
        ("f =~ 2x1", "not a valid variable name"),
        ("f =~ f", "its own indicator"),
        ("f =~ c(a, 1)*x1", "mixes labels and values"),
        ("f =~ x1 ~~ x2", "not a valid variable name"),
    ],
)
def test_parse_errors_name_the_problem(text, fragment):
    with pytest.raises(ModelSyntaxError, match=fragment):
        parse_model(text)


def test_cfa_defaults_match_lavaanify():
    """R: lavaan::lavaanify(HS.model, auto = TRUE) (as cfa() builds it)."""
    pt = parameter_table(HS)
    assert len(pt) == 24  # 9 loadings + 9 residual + 3 factor variances + 3 covariances
    assert _row(pt, "visual", "=~", "x1")["free"] == 0
    assert _row(pt, "visual", "=~", "x1")["ustart"] == 1.0
    assert _row(pt, "visual", "=~", "x2")["free"] > 0
    assert _row(pt, "visual", "~~", "textual")["free"] > 0
    assert pt["free"].max() == 21
    ms = parameter_table(HS, meanstructure=True)
    assert _row(ms, "x1", "~1", "")["free"] > 0
    assert _row(ms, "visual", "~1", "")["free"] == 0


def test_std_lv_and_orthogonal():
    pt = parameter_table(HS, std_lv=True, orthogonal=True)
    assert _row(pt, "visual", "=~", "x1")["free"] > 0
    assert _row(pt, "visual", "~~", "visual")["ustart"] == 1.0
    assert _row(pt, "visual", "~~", "textual")["free"] == 0
    assert _row(pt, "visual", "~~", "textual")["ustart"] == 0.0


def test_user_modifiers_override_defaults_and_duplicates_merge():
    pt = parameter_table("f =~ NA*x1 + a*x1 + x2 + x3\nf ~~ 1*f\nx2 ~~ 0*x3")
    r = _row(pt, "f", "=~", "x1")
    assert r["free"] > 0 and r["label"] == "a"
    assert _row(pt, "f", "~~", "f")["free"] == 0
    # a user covariance written in the other order replaces the default
    pt = parameter_table("f1 =~ x1 + x2 + x3\nf2 =~ x4 + x5 + x6\nf2 ~~ 0*f1")
    covs = pt[(pt["op"] == "~~") & (pt["lhs"] != pt["rhs"])]
    assert len(covs) == 1 and covs.iloc[0]["free"] == 0


def test_single_indicator_and_fixed_x_covariates():
    pt = parameter_table("f =~ x1 + x2 + x3\ns =~ y1\nf ~ age + sex")
    assert _row(pt, "y1", "~~", "y1")["free"] == 0  # auto.fix.single
    roles = variable_roles(parse_model("f =~ x1 + x2 + x3\nf ~ age + sex"))
    assert roles.ov_x == ("age", "sex")
    exo = pt[pt["exo"] == 1]
    assert sorted(zip(exo["lhs"], exo["rhs"], strict=True)) == [
        ("age", "age"), ("age", "sex"), ("sex", "sex"),
    ]
    assert (exo["free"] == 0).all()


def test_auto_cov_y_among_dependent_factors():
    """R: lavaanify adds 'visual ~~ textual' for two regressed factors (auto.cov.y)."""
    pt = parameter_table("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nvisual + textual ~ age")
    assert _row(pt, "visual", "~~", "textual")["free"] > 0


def test_group_equal_labels_constraints_and_latent_means():
    """R: lavaanify(HS.model, ngroups = 2, meanstructure = TRUE,
    group.equal = c("loadings", "intercepts"))."""
    pt = parameter_table(HS, ngroups=2, meanstructure=True,
                         group_equal=["loadings", "intercepts"])
    assert len(pt) == 72
    cons = pt.attrs["constraints"]
    assert len(cons) == 15  # 6 loadings + 9 intercepts
    assert cons[0] == (".p2.", ".p38.")  # lavaan's own labels for visual =~ x2
    assert _row(pt, "visual", "~1", "", 1)["free"] == 0
    assert _row(pt, "visual", "~1", "", 2)["free"] > 0
    assert _row(pt, "visual", "=~", "x2", 1)["eq"] == _row(pt, "visual", "=~", "x2", 2)["eq"]
    # free parameters 63, estimated parameters 48 (lavaan's npar)
    assert pt["free"].max() == 63 and pt["eq"].max() == 48


def test_group_partial_and_user_equality():
    pt = parameter_table(HS, ngroups=2, meanstructure=True,
                         group_equal=["loadings", "intercepts"], group_partial=["x3 ~ 1"])
    assert _row(pt, "x3", "~1", "", 1)["eq"] != _row(pt, "x3", "~1", "", 2)["eq"]
    pt = parameter_table("f =~ x1 + a*x2 + b*x3\na == b")
    assert _row(pt, "f", "=~", "x2")["eq"] == _row(pt, "f", "=~", "x3")["eq"]
    assert pt.attrs["constraints"] == [(".p2.", ".p3.")]
    with pytest.raises(ModelSyntaxError, match="not a parameter label"):
        parameter_table("f =~ x1 + a*x2 + x3\na == zz")


def test_std_lv_frees_latent_variances_in_later_groups_with_equal_loadings():
    pt = parameter_table(HS, ngroups=2, meanstructure=True, std_lv=True,
                         group_equal=["loadings"])
    assert _row(pt, "visual", "~~", "visual", 1)["free"] == 0
    assert _row(pt, "visual", "~~", "visual", 2)["free"] > 0


def test_group_modifier_length_must_match():
    with pytest.raises(ModelSyntaxError, match="one per group"):
        parameter_table("f =~ x1 + c(a, b, c)*x2 + x3", ngroups=2)


def test_bank_models_parse(bai):
    """Every structure the bank emits is read (labels, NA*, fixed covariances, continuations)."""
    for structure in ("correlated", "higher_order", "bifactor"):
        pt = parameter_table(bai.to_lavaan(structure=structure))
        assert len(pt) > 0
    ho = parameter_table(bai.to_lavaan(structure="higher_order"))
    r1, r2 = _row(ho, "reward", "=~", "ar"), _row(ho, "reward", "=~", "rr")
    assert r1["free"] > 0 and r1["eq"] == r2["eq"]
    bif = parameter_table(bai.to_lavaan(structure="bifactor"))
    lv = bif[(bif["op"] == "~~") & (bif["lhs"] != bif["rhs"])]
    assert (lv["free"] == 0).all() and np.allclose(lv["ustart"], 0)


def test_exported_errors():
    assert issubclass(bk.ModelSyntaxError, bk.BurnoutkitError)
    assert issubclass(bk.IdentificationError, bk.BurnoutkitError)
