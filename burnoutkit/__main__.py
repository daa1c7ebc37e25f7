"""``python -m burnoutkit`` runs the command line."""

import sys

from burnoutkit.cli import main

sys.exit(main())
