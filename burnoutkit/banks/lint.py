"""Checking item banks: every problem at once, each naming the file, item, scale and field.

Two layers of checks run on the parsed YAML:

1. the JSON Schema (``bank.schema.json``): required fields, types, allowed values, unknown
   (misspelt) field names, id syntax;
2. cross-references a schema cannot express (``_checks.py``): unique ids, items pointing at
   declared scales, scales at declared systems, gain/loss pairs that match, labels and missing
   codes that fit the response range, derived scores built from declared scales, scales with
   enough items.

:func:`collect_errors` is what the loader uses (errors only, as messages); :func:`lint_bank` is
the public entry point and returns a :class:`LintResult` with errors *and* warnings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from burnoutkit._result import Result
from burnoutkit.banks._checks import CHECKS, error
from burnoutkit.banks._problem import PROBLEM_COLUMNS, Problem
from burnoutkit.banks._schema import schema_problems
from burnoutkit.banks.model import ItemBank
from burnoutkit.errors import BankError

__all__ = ["LintResult", "collect_errors", "find_problems", "lint_bank"]


def find_problems(spec: Any) -> list[Problem]:
    """All problems of a parsed bank (schema violations first, then cross-references)."""
    if not isinstance(spec, Mapping):
        return [
            error(
                "the bank must be a mapping with the keys 'instrument', 'response_format', "
                f"'scales' and 'items'; found {type(spec).__name__}."
            )
        ]
    problems = schema_problems(spec)
    for check in CHECKS:
        problems.extend(check(spec))
    return problems


def collect_errors(spec: Mapping[str, Any], *, source: str) -> list[str]:
    """Return the errors that make ``spec`` unusable as a bank, one message each (empty if none).

    Each message names the file (``source``), the item or scale, and the field. Warnings are
    left out; :func:`lint_bank` reports them.

    Examples
    --------
    >>> from burnoutkit.banks.lint import collect_errors
    >>> spec = {"instrument": {"id": "demo", "name": "Demo", "version": "1", "language": "en",
    ...                        "license": "CC0-1.0"},
    ...         "response_format": {"min": 1, "max": 5},
    ...         "scales": [{"id": "calm", "name": "Calm"}],
    ...         "items": [{"id": "c1", "scale": "calm", "keyed": 2}]}
    >>> for message in collect_errors(spec, source="demo.yaml"):
    ...     print(message)
    demo.yaml: field 'instrument.citation': required field 'citation' is missing. Add it.
    demo.yaml: item 'c1', field 'keyed': must be +1 or -1 (-1 marks a reverse-keyed item); found 2.
    """
    return [p.format(source) for p in find_problems(spec) if p.severity == "error"]


# ---------------------------------------------------------------------------------- result
@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class LintResult(Result):
    """What :func:`lint_bank` found: one row per problem, errors and warnings.

    Attributes
    ----------
    problems : pandas.DataFrame
        Columns ``file, item, scale, field, severity, message``; ``severity`` is ``"error"``
        (the bank cannot be loaded) or ``"warning"`` (it loads, but something is probably
        wrong). ``item`` and ``scale`` are empty where a problem concerns neither.
    source : str
        The file (or ``"<dict>"``) that was checked.
    """

    problems: pd.DataFrame
    source: str

    @property
    def n_errors(self) -> int:
        """Number of errors."""
        return int((self.problems["severity"] == "error").sum())

    @property
    def n_warnings(self) -> int:
        """Number of warnings."""
        return int((self.problems["severity"] == "warning").sum())

    @property
    def ok(self) -> bool:
        """``True`` when the bank has no errors (it loads); warnings may remain."""
        return self.n_errors == 0

    def tidy(self) -> pd.DataFrame:
        """One row per problem (a copy of :attr:`problems`)."""
        return self.problems.copy()

    def glance(self) -> pd.DataFrame:
        """One row: ``source, n_errors, n_warnings, ok``."""
        return pd.DataFrame(
            [
                {
                    "source": self.source,
                    "n_errors": self.n_errors,
                    "n_warnings": self.n_warnings,
                    "ok": self.ok,
                }
            ]
        )

    def messages(self) -> list[str]:
        """Every problem as one line naming file, item or scale, field and what to do."""
        return [
            f"{row.severity}: "
            + Problem(
                item=row.item,
                scale=row.scale,
                field=row.field,
                severity=row.severity,
                message=row.message,
            ).format(row.file)
            for row in self.problems.itertuples(index=False)
        ]


def _result(problems: list[Problem], source: str) -> LintResult:
    table = pd.DataFrame([p.row(source) for p in problems], columns=PROBLEM_COLUMNS)
    table = table.astype(object).where(table.notna(), None)
    return LintResult(problems=table, source=source)


def lint_bank(bank: str | Path | ItemBank | Mapping[str, Any], /) -> LintResult:
    """Check an item bank and report every problem at once, errors and warnings.

    Parameters
    ----------
    bank : str, path-like, ItemBank or mapping
        A built-in bank name (``"bai"``), the path of a YAML file, an :class:`ItemBank`, or
        the parsed YAML as a dict.

    Returns
    -------
    LintResult
        ``.problems`` has one row per problem (``file, item, scale, field, severity,
        message``); ``.ok`` is ``True`` when there are no errors.

    Notes
    -----
    A malformed bank never raises: a file that does not exist, or that is not valid YAML, is
    reported as a problem too. The errors are exactly those :func:`burnoutkit.load_bank`
    raises in one :class:`~burnoutkit.BankError`. Warnings flag structures that load but are
    probably wrong: a scale with fewer than three items, a system without scales, an unpaired
    gain or loss item in a bank that has gain/loss pairs.

    Examples
    --------
    >>> import burnoutkit as bk
    >>> bk.lint_bank("bai").ok
    True
    >>> spec = bk.load_bank("olbi").to_dict()
    >>> spec["items"][0]["keyed"] = 2
    >>> spec["items"][1]["scale"] = "exhuastion"
    >>> result = bk.lint_bank(spec)
    >>> result.problems[["item", "field", "severity"]]
         item  field severity
    0  olbi_1  keyed    error
    1  olbi_2  scale    error
    >>> print(result.problems.message[1])  # doctest: +NORMALIZE_WHITESPACE
    scale 'exhuastion' is not declared under 'scales'. Did you mean 'exhaustion'?
    Declared scales: disengagement, exhaustion.
    """
    if isinstance(bank, ItemBank):
        return _result(find_problems(bank.to_dict()), bank.source)
    if isinstance(bank, Mapping):
        return _result(find_problems(bank), "<dict>")
    if not isinstance(bank, str | Path):
        raise TypeError(
            "lint_bank takes a bank name, a YAML path, an ItemBank or a dict; "
            f"got {type(bank).__name__}."
        )
    from burnoutkit.banks.loader import read_bank_spec, resolve_bank_path

    try:
        path = resolve_bank_path(bank)
        spec = read_bank_spec(path)
    except BankError as exc:
        return _result([error(str(exc))], str(bank))
    return _result(find_problems(spec), str(path))
