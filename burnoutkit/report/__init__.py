"""Validation reports and the rendering of results.

:func:`burnoutkit.validate` (:mod:`burnoutkit.report.validate`) composes the analyses into a
report organised by COSMIN measurement properties, rated with the cut-offs of
:class:`~burnoutkit.report.thresholds.ValidationThresholds` (:mod:`~burnoutkit.report.cosmin`,
:mod:`~burnoutkit.report.items`) and rendered as HTML, Markdown or JSON. :mod:`~.render` is the
one renderer behind every result's ``__repr__`` and ``_repr_html_``; :mod:`~.main_job` is the
main job.
"""
