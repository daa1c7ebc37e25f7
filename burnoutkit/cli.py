"""The ``burnoutkit`` command line.

Examples
--------
.. code-block:: console

    $ burnoutkit banks
    $ burnoutkit lint my_bank.yaml
    $ burnoutkit score bai responses.csv --id-column id --out scores.csv
    $ burnoutkit simulate --n 3000 --seed 1 --out cohort/
    $ burnoutkit main --out reports/
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from burnoutkit.errors import BurnoutkitError

__all__ = ["build_parser", "main"]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2

_EXAMPLES = """\
examples:
  burnoutkit banks                                   list the built-in item banks
  burnoutkit lint my_bank.yaml                       check an item bank, every problem at once
  burnoutkit score bai answers.csv --id-column id    score responses (scores to stdout)
  burnoutkit score bai answers.sav --out scores.csv  SPSS files keep their value labels
  burnoutkit simulate --n 3000 --seed 7 --out sim/   a synthetic cohort with its ground truth
  burnoutkit main --out reports/                     the BAI on the shipped reference cohort
"""


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``burnoutkit`` command."""
    parser = argparse.ArgumentParser(
        prog="burnoutkit",
        description="Psychometrics for burnout assessment.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    parser.add_argument("--quiet", action="store_true", help="print only results and errors")
    parser.add_argument("--version", action="store_true", help="print versions and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser("banks", help="list the built-in item banks")

    lint = commands.add_parser("lint", help="check an item bank and list every problem")
    lint.add_argument("bank", help="built-in bank name or YAML file")

    score = commands.add_parser("score", help="score responses with an item bank")
    score.add_argument("bank", help="built-in bank name or YAML file")
    score.add_argument("data", help="responses: CSV, Parquet or SPSS .sav")
    score.add_argument("--id-column", default=None, help="column with respondent ids")
    score.add_argument(
        "--on-problem",
        choices=("raise", "missing"),
        default="raise",
        help="stop at bad answers (default) or set them to missing and list them",
    )
    score.add_argument("--out", default=None, help="write scores to this CSV (default: stdout)")

    simulate = commands.add_parser("simulate", help="simulate a cohort with its ground truth")
    simulate.add_argument("--n", type=int, default=3000, help="number of respondents")
    simulate.add_argument("--seed", type=int, required=True, help="random seed")
    simulate.add_argument("--out", required=True, help="output folder")

    main_job = commands.add_parser(
        "main", help="score the built-in inventory on the reference cohort and write a report"
    )
    main_job.add_argument("--out", default="reports", help="output folder (default: reports)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (2 for bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from burnoutkit._versions import show_versions

        show_versions()
        return EXIT_OK
    if args.command is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    handler = _HANDLERS[args.command]
    try:
        return handler(args)
    except (BurnoutkitError, FileNotFoundError, OSError) as exc:
        if args.debug:
            traceback.print_exc()
        message = str(exc).strip().splitlines()
        print(
            f"burnoutkit {args.command}: error: {message[0] if message else exc}", file=sys.stderr
        )
        for line in message[1:]:
            print(f"  {line}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _banks(args: argparse.Namespace) -> int:
    from burnoutkit.banks import list_banks, load_bank

    for name in list_banks():
        bank = load_bank(name)
        print(
            f"{name:<8} {bank.instrument.name} v{bank.instrument.version} ({len(bank.items)} items)"
        )
    return EXIT_OK


def _lint(args: argparse.Namespace) -> int:
    from burnoutkit.banks.lint import lint_bank

    result = lint_bank(args.bank)
    if result.problems.empty:
        if not args.quiet:
            print(f"{args.bank}: no problems found.")
        return EXIT_OK
    print(result.problems.to_string(index=False))
    return EXIT_BAD_INPUT if (result.problems["severity"] == "error").any() else EXIT_OK


def _score(args: argparse.Namespace) -> int:
    from burnoutkit.banks import load_bank
    from burnoutkit.responses import check_responses
    from burnoutkit.scoring import score

    bank = load_bank(args.bank)
    responses = check_responses(
        bank, Path(args.data), id_column=args.id_column, on_problem=args.on_problem
    )
    result = score(bank, responses)
    table = result.scores()
    if args.out:
        table.to_csv(args.out)
        if not args.quiet:
            print(f"Wrote {len(table)} respondents x {table.shape[1]} scores to {args.out}.")
    else:
        table.to_csv(sys.stdout)
    return EXIT_OK


def _simulate(args: argparse.Namespace) -> int:
    from burnoutkit.datasets import simulate_cohort

    cohort = simulate_cohort(args.n, random_state=args.seed)
    directory = cohort.save(Path(args.out))
    if not args.quiet:
        print(f"Wrote a cohort of {len(cohort.data)} respondents with its truth to {directory}.")
    return EXIT_OK


def _main_job(args: argparse.Namespace) -> int:
    from burnoutkit.report.main_job import run_main_job

    path = run_main_job(Path(args.out), quiet=args.quiet)
    if not args.quiet:
        print(f"Report written to {path}")
    return EXIT_OK


_HANDLERS = {
    "banks": _banks,
    "lint": _lint,
    "score": _score,
    "simulate": _simulate,
    "main": _main_job,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
