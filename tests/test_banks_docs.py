"""The item-bank docs run: every Python block executes, and its output is the text block below it.

YAML blocks whose first line is ``# file: NAME`` are written to NAME (in a temporary directory)
before the Python blocks that follow them run.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).parent.parent / "docs"
PAGES = ["item-bank-format.md", "how-to/write-an-item-bank.md"]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def blocks(page: str) -> list[tuple[str, str]]:
    text = (DOCS / page).read_text(encoding="utf-8")
    return [(match.group(1), match.group(2)) for match in FENCE.finditer(text)]


def _clean(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


@pytest.mark.parametrize("page", PAGES)
def test_doc_examples_run(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    found = blocks(page)
    assert any(lang == "python" for lang, _ in found)
    for index, (lang, code) in enumerate(found):
        if lang == "yaml" and code.startswith("# file: "):
            name = code.splitlines()[0].removeprefix("# file: ").strip()
            (tmp_path / name).write_text(code, encoding="utf-8")
        elif lang == "python":
            output = io.StringIO()
            with contextlib.redirect_stdout(output):
                exec(compile(code, f"{page} block {index}", "exec"), namespace)
            following = found[index + 1] if index + 1 < len(found) else None
            if following is not None and following[0] == "text":
                assert _clean(output.getvalue()) == _clean(following[1]), f"block {index}"


def test_format_page_links_the_published_schema():
    text = (DOCS / "item-bank-format.md").read_text(encoding="utf-8")
    assert "(bank.schema.json)" in text
    assert (DOCS / "bank.schema.json").is_file()
