"""Figures of the validation report, as self-contained SVG text (fonts drawn as paths).

Each function takes the report and returns ``(caption, svg)`` pairs for one section; the HTML
renderer embeds them as ``data:`` URIs, so the page fetches nothing when opened.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from burnoutkit.report.validate import ValidationReport

__all__ = ["section_figures"]

_COLORS = {"keep": "#4c9a6a", "revise": "#e0a100", "drop": "#c0392b"}
_RC = {
    "svg.fonttype": "path",
    "svg.hashsalt": "burnoutkit",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _subplots(figsize: tuple[float, float]) -> tuple[Any, Any]:
    """Return a figure outside pyplot (no backend switch, no open figures left behind)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)
    return fig, fig.subplots()


def _svg(fig: Any) -> str:
    """Return the figure as SVG text, without the DOCTYPE and the RDF metadata block."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = re.sub(r"<!DOCTYPE[^>]*>\s*", "", buffer.getvalue())
    return re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.DOTALL)


def _loadings(report: ValidationReport) -> list[tuple[str, str]]:
    items = report.items.dropna(subset=["loading"])
    if items.empty:
        return []
    t = report.thresholds
    fig, ax = _subplots(figsize=(max(6.0, 0.11 * len(items) + 1.5), 3.2))
    x = np.arange(len(items))
    ax.bar(x, items["loading"], color=[_COLORS[r] for r in items["recommendation"]], width=0.8)
    ax.axhline(t.loading_revise, color="#e0a100", lw=0.8, ls="--")
    ax.axhline(t.loading_drop, color="#c0392b", lw=0.8, ls="--")
    ax.set_xticks(x, items["item"], rotation=90, fontsize=6)
    ax.set_ylabel("standardized loading")
    ax.set_ylim(0, 1)
    from matplotlib.patches import Patch

    handles = [Patch(color=color, label=name) for name, color in _COLORS.items()]
    ax.legend(handles=handles, ncol=3, frameon=False, loc="upper right")
    caption = (
        f"Standardized loading of every item on its scale (colour: recommendation; dashed: "
        f"{t.loading_revise:.2f} revise and {t.loading_drop:.2f} drop)."
    )
    return [(caption, _svg(fig))]


def _scree(report: ValidationReport) -> list[tuple[str, str]]:
    eig = report.tables.get("structural_validity", {}).get("eigenvalues")
    if eig is None or "observed_factor" not in eig.columns:
        return []
    fig, ax = _subplots(figsize=(6, 3))
    ax.plot(eig["number"], eig["observed_factor"], "o-", label="observed (factors)", ms=3)
    if "simulated_factor_quantile" in eig.columns:
        ax.plot(eig["number"], eig["simulated_factor_quantile"], "s--", ms=3,
                label="simulated 95th percentile")
    ax.axvline(report.values["structural_validity"].get("n_scales", 0), color="grey", lw=0.8,
               ls=":", label="number of scales")
    ax.set_xlabel("factor")
    ax.set_ylabel("eigenvalue")
    ax.legend(frameon=False)
    return [("Parallel analysis: factor eigenvalues of the data and of random data.", _svg(fig))]


def _reliability(report: ValidationReport) -> list[tuple[str, str]]:
    table = report.tables.get("internal_consistency", {}).get("scales")
    if table is None:
        return []
    scales = table[table["kind"] == "scale"]
    fig, ax = _subplots(figsize=(6, 0.22 * len(scales) + 1))
    y = np.arange(len(scales))[::-1]
    ax.plot(scales["alpha"], y, "o", label="alpha")
    ax.plot(scales["omega_total"], y, "s", mfc="none", label="omega total")
    ax.axvline(report.thresholds.alpha_min, color="grey", lw=0.8, ls="--")
    ax.set_yticks(y, scales["id"])
    ax.set_xlabel("reliability")
    ax.legend(frameon=False, loc="lower left")
    return [("Alpha and omega of every scale (dashed: the COSMIN cut-off).", _svg(fig))]


def _invariance(report: ValidationReport) -> list[tuple[str, str]]:
    dmacs = report.tables.get("measurement_invariance", {}).get("dmacs")
    if dmacs is None or dmacs.empty:
        return []
    fig, ax = _subplots(figsize=(6, 0.3 * len(dmacs) + 1))
    labels = [f"{row.item} ({row.group} vs {row.reference})" for row in dmacs.itertuples()]
    y = np.arange(len(dmacs))[::-1]
    ax.barh(y, dmacs["dmacs"], color="#5b7db1")
    ax.axvline(report.thresholds.dmacs_min, color="grey", lw=0.8, ls="--")
    ax.set_yticks(y, labels)
    ax.set_xlabel("dMACS")
    return [("Effect size of the differences found by the score tests (dashed: the cut-off).",
             _svg(fig))]


def _retest(report: ValidationReport) -> list[tuple[str, str]]:
    icc = report.tables.get("reliability", {}).get("icc")
    if icc is None or icc.empty:
        return []
    fig, ax = _subplots(figsize=(6, 0.22 * len(icc) + 1))
    y = np.arange(len(icc))[::-1]
    ax.errorbar(icc["icc2_1"], y, xerr=[icc["icc2_1"] - icc["ci_low"],
                                        icc["ci_high"] - icc["icc2_1"]], fmt="o", capsize=2,
                label="ICC(2,1)")
    ax.plot(icc["stability_corrected"], y, "s", mfc="none", label="corrected for unreliability")
    ax.axvline(report.thresholds.icc_min, color="grey", lw=0.8, ls="--")
    ax.set_yticks(y, icc["scale"])
    ax.set_xlabel("test-retest")
    ax.legend(frameon=False, loc="lower left")
    return [("Test-retest ICC of every scale with its interval (dashed: the COSMIN cut-off).",
             _svg(fig))]


def _hypotheses(report: ValidationReport) -> list[tuple[str, str]]:
    out = []
    corr = report.tables.get("hypotheses_testing", {}).get("correlations")
    if corr is not None and not corr.empty:
        fig, ax = _subplots(figsize=(6, 0.3 * len(corr) + 1))
        y = np.arange(len(corr))[::-1]
        for yi, row in zip(y, corr.itertuples(), strict=True):
            high = row.max_abs_r if row.max_abs_r == row.max_abs_r else 1.0
            if row.expected == "positive":
                span = (row.min_abs_r, high)
            elif row.expected == "negative":
                span = (-high, -row.min_abs_r)
            else:
                span = (-high, high)
            ax.plot(span, [yi, yi], color="#cfe3d6", lw=8, solid_capstyle="butt")
        colors = ["#4c9a6a" if c else "#c0392b" for c in corr["confirmed"]]
        ax.errorbar(corr["r"], y, xerr=[corr["r"] - corr["ci_low"], corr["ci_high"] - corr["r"]],
                    fmt="none", ecolor="grey", capsize=2)
        ax.scatter(corr["r"], y, c=colors, zorder=3)
        ax.axvline(0, color="grey", lw=0.6)
        ax.set_xlim(-1, 1)
        ax.set_yticks(y, corr["id"])
        ax.set_xlabel("correlation (band: expected)")
        out.append(("Expected correlations between scores: the observed r with its interval and "
                    "the band the hypothesis expects.", _svg(fig)))
    result = report.sections.get("asymmetry")
    if result is not None:
        from burnoutkit.plotting import plot_sensitivity_by_severity

        fig, ax = _subplots(figsize=(6, 3.2))
        try:
            plot_sensitivity_by_severity(result, ax=ax)
        except (ValueError, KeyError):
            pass
        else:
            out.append(("Gain and loss sensitivity by severity decile (standardized means with "
                        "95% intervals).", _svg(fig)))
    return out


def _profiles(report: ValidationReport) -> list[tuple[str, str]]:
    found = report.sections.get("profiles") or {}
    model = found.get("model")
    if model is None:
        return []
    from burnoutkit.plotting import plot_profile_means

    fig, ax = _subplots(figsize=(6, 3.2))
    plot_profile_means(model, ax=ax)
    return [("Profile means of the standardized indicators.", _svg(fig))]


_BY_SECTION = {
    "structural_validity": (_scree, _loadings),
    "internal_consistency": (_reliability,),
    "measurement_invariance": (_invariance,),
    "reliability": (_retest,),
    "hypotheses_testing": (_hypotheses,),
    "profiles": (_profiles,),
}


def section_figures(report: ValidationReport) -> dict[str, list[tuple[str, str]]]:
    """Figures of every section: section key -> list of ``(caption, svg text)``."""
    import matplotlib

    out: dict[str, list[tuple[str, str]]] = {}
    with matplotlib.rc_context(_RC):
        for key, makers in _BY_SECTION.items():
            figures = []
            for make in makers:
                figures.extend(make(report))
            if figures:
                out[key] = figures
    return out
