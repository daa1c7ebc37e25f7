"""The HTML form of a validation report: one self-contained page, nothing fetched when opened.

The style sheet is inline, the figures are SVG in ``data:`` URIs, there is no script, and no
element refers to another file or host. :func:`report_fragment` is the same content without the
page around it (and, by default, without figures): the notebook view.
"""

from __future__ import annotations

import base64
import html
from typing import TYPE_CHECKING, Any

from burnoutkit.report._format import LONG_TABLE, TABLE_TITLES, cell
from burnoutkit.report._json import report_to_dict
from burnoutkit.report.thresholds import THRESHOLD_SOURCES

if TYPE_CHECKING:
    from burnoutkit.report.validate import ValidationReport

__all__ = ["report_fragment", "report_to_html"]

_CSS = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222;
       margin: 0; background: #fafafa; line-height: 1.45; }
main { max-width: 1100px; margin: 0 auto; padding: 1.5rem 2rem 3rem; background: #fff; }
h1 { font-size: 1.6rem; margin-bottom: .3rem; }
h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
p.meta { color: #555; margin-top: 0; }
table { border-collapse: collapse; font-size: .82rem; margin: .4rem 0 1rem; }
th, td { border-bottom: 1px solid #e5e5e5; padding: .22rem .5rem; text-align: left;
         vertical-align: top; }
th { background: #f2f2f2; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.rating { display: inline-block; min-width: 1.6rem; text-align: center; font-weight: bold;
          border-radius: 4px; color: #fff; padding: 0 .3rem; }
.rating.plus { background: #2e7d4f; } .rating.minus { background: #b03a2e; }
.rating.unknown { background: #8a8a8a; }
tr.keep td:first-child { border-left: 4px solid #4c9a6a; }
tr.revise td:first-child { border-left: 4px solid #e0a100; }
tr.drop td:first-child { border-left: 4px solid #c0392b; }
.criterion, .status { color: #555; font-size: .88rem; }
figure { margin: .8rem 0 1.2rem; } figure img { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: .85rem; }
details summary { cursor: pointer; color: #2a5d9f; margin: .3rem 0; }
.scroll { overflow-x: auto; }
"""

_ITEM_COLUMNS = ["item", "scale", "loading", "cross_loading", "item_rest_r", "missing_share",
                 "floor", "ceiling", "noninvariant", "dmacs", "recommendation", "evidence"]
_RATING_CLASS = {"+": "plus", "-": "minus", "?": "unknown"}


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _badge(rating: str) -> str:
    return f"<span class='rating {_RATING_CLASS.get(rating, 'unknown')}'>{_e(rating)}</span>"


def _table(records: list[dict[str, Any]], columns: list[str] | None = None, *,
           row_class: str | None = None) -> str:
    if not records:
        return "<p class='status'>(no rows)</p>"
    columns = columns or list(records[0])
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = []
    for row in records:
        klass = f" class='{_e(row.get(row_class, ''))}'" if row_class else ""
        cells = []
        for c in columns:
            value = row.get(c)
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            cells.append(f"<td{' class=num' if numeric else ''}>{_e(cell(c, value))}</td>")
        body.append(f"<tr{klass}>{''.join(cells)}</tr>")
    return (f"<div class='scroll'><table><thead><tr>{head}</tr></thead><tbody>"
            f"{''.join(body)}</tbody></table></div>")


def _named_table(name: str, records: list[dict[str, Any]]) -> str:
    title = _e(TABLE_TITLES.get(name, name))
    table = _table(records)
    if len(records) > LONG_TABLE:
        return (f"<details><summary>{title} ({len(records)} rows)</summary>{table}</details>")
    return f"<h3>{title}</h3>{table}"


def _figure(caption: str, svg: str) -> str:
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (f"<figure><img alt='{_e(caption)}' src='data:image/svg+xml;base64,{data}'>"
            f"<figcaption>{_e(caption)}</figcaption></figure>")


def _summary(d: dict[str, Any]) -> str:
    rows = []
    for row in d["properties"]:
        rows.append(
            f"<tr><td><a href='#{_e(row['key'])}'>{_e(row['property'])}</a></td>"
            f"<td>{_badge(row['rating'])}</td><td>{_e(row['finding'])}</td>"
            f"<td class='criterion'>{_e(row['evidence'])}</td></tr>"
        )
    return ("<table><thead><tr><th>property</th><th>rating</th><th>finding</th>"
            f"<th>evidence</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _meta(d: dict[str, Any]) -> str:
    dq = d["sections"].get("data_quality", {}).get("values", {})
    s = d["settings"]
    return (
        f"<p class='meta'>Item bank <strong>{_e(d['bank']['id'])}</strong> version "
        f"{_e(d['bank']['version'])} ({d['bank']['n_items']} items); "
        f"{_e(dq.get('n_respondents', '?'))} respondents, {_e(dq.get('n_analysed', '?'))} "
        f"analysed; estimator {_e(s['estimator_used'])} (requested {_e(s['estimator'])}), "
        f"missing data {_e(s['missing'])}, seed {_e(s['random_state'])}; burnoutkit "
        f"{_e(d['versions'].get('burnoutkit', '?'))}.</p>"
        f"<p class='meta'>Why this estimator: {_e(s.get('estimator_reason', ''))}</p>"
    )


def _items(d: dict[str, Any], only_flagged: bool = False) -> str:
    items = d["items"]
    counts = {r: sum(1 for row in items if row["recommendation"] == r)
              for r in ("keep", "revise", "drop")}
    shown = [row for row in items if row["recommendation"] != "keep"] if only_flagged else items
    text = (f"<p>{counts['keep']} keep, {counts['revise']} revise, {counts['drop']} drop "
            "(rules: <code>burnoutkit.report.items</code>).</p>")
    return text + _table(shown, _ITEM_COLUMNS, row_class="recommendation")


def report_fragment(report: ValidationReport, *, figures: bool = True) -> str:
    """Return the report as an HTML ``<div>`` (the body of :func:`report_to_html`)."""
    d = report_to_dict(report)
    parts = [f"<div class='burnoutkit-report'><h1>{_e(d['title'])}</h1>", _meta(d)]
    parts += ["<h2 id='properties'>Measurement properties (COSMIN)</h2>",
              "<p class='criterion'>Rated by the COSMIN criteria for good measurement "
              "properties (Prinsen et al., 2018): + sufficient, - insufficient, ? "
              "indeterminate.</p>", _summary(d)]
    if not figures:
        parts += ["<h2>Items to revise or drop</h2>", _items(d, only_flagged=True),
                  "<p class='status'>The full report: <code>report.save('report.html')</code>."
                  "</p></div>"]
        return "\n".join(parts)
    figs = report_figures(report)
    parts += ["<h2 id='items'>Items</h2>", _items(d)]
    ratings = {row["key"]: row for row in d["properties"]}
    for key, section in d["sections"].items():
        parts.append(f"<section id='{_e(key)}'><h2>{_e(section['title'])}</h2>")
        if key in ratings:
            row = ratings[key]
            parts.append(f"<p>{_badge(row['rating'])} {_e(row['finding'])}</p>")
            if row["evidence"]:
                parts.append(f"<p class='criterion'>Evidence: {_e(row['evidence'])}.</p>")
            parts.append(f"<p class='criterion'>Criterion: {_e(row['criterion'])}.</p>")
        if section["status"] != "computed":
            parts.append(f"<p class='status'>{_e(section['status'].capitalize())}: "
                         f"{_e(section['message'])}</p>")
        for caption, svg in figs.get(key, []):
            parts.append(_figure(caption, svg))
        for name, records in section["tables"].items():
            parts.append(_named_table(name, records))
        parts.append("</section>")
    notes = "".join(f"<li>{_e(note)}</li>" for note in d["notes"]) or "<li>None.</li>"
    parts.append(f"<h2 id='notes'>Notes</h2><ul>{notes}</ul>")
    settings = [{"setting": k, "value": str(v)} for k, v in d["settings"].items()]
    thresholds = [{"threshold": k, "value": str(v), "source": THRESHOLD_SOURCES.get(k, "")}
                  for k, v in d["thresholds"].items()]
    versions = [{"package": k, "version": v} for k, v in d["versions"].items()]
    parts += ["<h2 id='settings'>Settings, thresholds and versions</h2>", _table(settings),
              _table(thresholds), _table(versions), "</div>"]
    return "\n".join(parts)


def report_figures(report: ValidationReport) -> dict[str, list[tuple[str, str]]]:
    """Return the report's figures by section (see :mod:`burnoutkit.report._figures`)."""
    from burnoutkit.report._figures import section_figures

    return section_figures(report)


def report_to_html(report: ValidationReport) -> str:
    """Return the report as a complete, self-contained HTML page."""
    title = f"{report.bank_name} ({report.bank_id} {report.bank_version}): validation report"
    return (
        "<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
        f"{report_fragment(report, figures=True)}\n</main>\n</body>\n</html>\n"
    )
