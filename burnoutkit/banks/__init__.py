"""Item banks: the schema, the loader, the linter, CFA syntax and the built-in inventories."""

from burnoutkit.banks.lavaan import bank_to_lavaan
from burnoutkit.banks.lint import LintResult, lint_bank
from burnoutkit.banks.loader import list_banks, load_bank
from burnoutkit.banks.model import ItemBank

__all__ = ["ItemBank", "LintResult", "bank_to_lavaan", "lint_bank", "list_banks", "load_bank"]
