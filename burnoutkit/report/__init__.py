"""Rendering of results and reports (HTML, Markdown, text)."""
