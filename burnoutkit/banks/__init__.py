"""Item banks: the schema, the loader, the linter and the built-in inventories."""

from burnoutkit.banks.loader import list_banks, load_bank
from burnoutkit.banks.model import ItemBank

__all__ = ["ItemBank", "list_banks", "load_bank"]
