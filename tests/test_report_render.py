"""The renderers of the validation report: self-contained HTML, Markdown, JSON, notebook view."""

from __future__ import annotations

import base64
import json
import re
from html.parser import HTMLParser

import _validate_shared as shared
import jsonschema
import pytest

import burnoutkit as bk
from burnoutkit.report._json import load_report_schema

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report() -> bk.ValidationReport:
    return shared.core_report()


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.open: list[str] = []
        self.text: list[str] = []
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in ("meta", "img", "br", "link", "hr", "input"):
            self.open.append(tag)
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1:]}>"
        self.open.pop()
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style += data
        else:
            self.text.append(data)


def _parse(text: str) -> _Collector:
    parser = _Collector()
    parser.feed(text)
    parser.close()
    assert parser.open == [], f"unclosed tags: {parser.open}"
    return parser


def test_html_is_one_self_contained_page(report):
    page = report.to_html()
    assert page.startswith("<!DOCTYPE html>")
    parsed = _parse(page)
    names = [tag for tag, _ in parsed.tags]
    for banned in ("script", "link", "iframe", "object", "embed", "base"):
        assert banned not in names, banned
    assert "@import" not in parsed.style and "url(" not in parsed.style
    images = [attrs for tag, attrs in parsed.tags if tag == "img"]
    assert len(images) >= 4  # loadings, reliability, retest, correlations, profiles, ...
    for attrs in images:
        src = attrs["src"]
        assert src.startswith("data:image/svg+xml;base64,"), src[:40]
        svg = base64.b64decode(src.split(",", 1)[1]).decode("utf-8")
        assert "<svg" in svg and "<!DOCTYPE" not in svg and "<metadata>" not in svg
        assert not re.search(r"(href|src)=[\"']?(https?:|//)", svg), "the figure links out"
        assert attrs.get("alt")
    for tag, attrs in parsed.tags:
        for key in ("href", "src", "action", "poster"):
            value = attrs.get(key)
            if value is not None and key != "src":
                assert value.startswith("#"), f"<{tag} {key}={value!r}> leaves the page"


def test_html_shows_every_property_and_section(report):
    page = report.to_html()
    parsed = _parse(page)
    ids = {attrs.get("id") for _, attrs in parsed.tags}
    assert set(report.values) <= ids
    badges = [a for t, a in parsed.tags if t == "span" and "rating" in (a.get("class") or "")]
    assert len(badges) >= 2 * len(report.properties)  # summary table and each section
    text = " ".join(parsed.text)
    for prop in report.properties.itertuples():
        assert prop.property in text
    for item in report.items["item"]:
        assert item in text
    assert f"burnoutkit {bk.__version__}" in text


def test_html_is_deterministic(report):
    assert report.to_html() == report.to_html()


def test_markdown_has_the_tables(report):
    text = report.to_markdown()
    assert text.startswith("# Burnout Architecture Inventory (bai_core 1.0)")
    assert "## Measurement properties (COSMIN)" in text
    for prop in report.properties.itertuples():
        assert f"| {prop.property} | {prop.rating} |" in text
    item_rows = [line for line in text.splitlines() if line.startswith("| ex1 |")]
    assert item_rows
    assert "## Latent profile analysis" in text and "## Versions" in text


def test_json_follows_the_schema(report):
    document = json.loads(report.to_json())
    jsonschema.validate(document, load_report_schema())
    assert document["sections"]["profiles"]["status"] == "computed"
    assert list(document["sections"]) == [
        "data_quality", "structural_validity", "internal_consistency", "measurement_invariance",
        "reliability", "measurement_error", "hypotheses_testing", "criterion_validity",
        "profiles",
    ]  # fmt: skip
    assert "NaN" not in report.to_json()
    assert document == report.to_dict()


def test_notebook_view_is_a_fragment(report):
    fragment = report._repr_html_()
    assert fragment.startswith("<div") and "<html" not in fragment and "<img" not in fragment
    _parse(fragment)
    for prop in report.properties.itertuples():
        assert prop.property in fragment
    assert repr(report).startswith("<ValidationReport bank=bai_core")


def test_save_dispatches_by_suffix(report, tmp_path):
    for suffix, start in ((".html", "<!DOCTYPE html>"), (".md", "# "), (".json", "{")):
        path = report.save(tmp_path / "sub" / f"report{suffix}")
        assert path.read_text(encoding="utf-8").startswith(start)
    with pytest.raises(bk.BurnoutkitError, match=r"\.html, \.md or \.json"):
        report.save(tmp_path / "report.pdf")
    assert report.to_json(tmp_path / "r.json") == (tmp_path / "r.json").read_text("utf-8")


def test_tidy_and_glance(report):
    assert report.tidy()["key"].tolist() == report.properties["key"].tolist()
    glance = report.glance()
    assert glance.loc[0, "bank"] == "bai_core"
    assert glance.loc[0, "n_keep"] + glance.loc[0, "n_revise"] + glance.loc[0, "n_drop"] == 15
    with pytest.raises(bk.BurnoutkitError, match="no property"):
        report.rating("validity")
