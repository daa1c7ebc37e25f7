"""The ``burnoutkit`` command line.

Every subcommand checks its input before it starts a long computation and stops with exit code 2
and a one-line message that names the problem (the file, column, item or row) on bad input;
``--debug`` adds the traceback. ``burnoutkit COMMAND --help`` shows examples for each command.

Examples
--------
.. code-block:: console

    $ burnoutkit banks
    $ burnoutkit lint my_bank.yaml
    $ burnoutkit score bai responses.csv --id-column id --out scores.csv
    $ burnoutkit screen bai responses.csv --id-column id --out flags.csv --exclude kept.csv
    $ burnoutkit validate bai responses.csv --id-column id --group form --out report.html
    $ burnoutkit simulate --n 3000 --seed 1 --out cohort/
    $ burnoutkit main --out reports/
"""

from __future__ import annotations

import argparse
import sys
import traceback
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from burnoutkit.errors import BurnoutkitError, BurnoutkitWarning, DataError

__all__ = ["build_parser", "main"]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130

REPORT_SUFFIXES = (".html", ".htm", ".md", ".json")

_EXAMPLES = """\
examples:
  burnoutkit banks                                   list the built-in item banks
  burnoutkit lint my_bank.yaml                       check an item bank, every problem at once
  burnoutkit score bai answers.csv --id-column id    score responses (scores to stdout)
  burnoutkit score bai answers.sav --out scores.csv  SPSS files keep their value labels
  burnoutkit screen bai answers.csv --id-column id   flag careless responders
  burnoutkit validate bai answers.csv --id-column id --group form --out report.html
                                                     validate an item bank on your data
  burnoutkit simulate --n 3000 --seed 7 --out sim/   a synthetic cohort with its ground truth
  burnoutkit main --out reports/                     the BAI on the shipped reference cohort

Run 'burnoutkit COMMAND --help' for the options and examples of each command.
Exit codes: 0 success, 2 bad input (the message names the file, column, item or row).
"""

_BANKS_EXAMPLES = """\
examples:
  burnoutkit banks
"""

_LINT_EXAMPLES = """\
examples:
  burnoutkit lint bai                  a built-in bank
  burnoutkit lint my_bank.yaml         your own bank: every error and warning at once

The exit code is 2 when the bank has errors, 0 when it has only warnings or none.
"""

_SCORE_EXAMPLES = """\
examples:
  burnoutkit score bai answers.csv --id-column id
  burnoutkit score my_bank.yaml answers.parquet --id-column id --out scores.csv
  burnoutkit score bai answers.sav --on-problem missing --out scores.csv
"""

_SCREEN_EXAMPLES = """\
examples:
  burnoutkit screen bai answers.csv --id-column id
      careless-responding indices and flags, one row per respondent, to stdout
  burnoutkit screen bai answers.csv --id-column id --out flags.csv --exclude kept.csv
      write the flags, the data without the flagged respondents (kept.csv) and the list of
      excluded respondents with the reasons (kept.exclusions.csv)
"""

_VALIDATE_EXAMPLES = """\
examples:
  burnoutkit validate bai answers.csv --id-column id --out report.html
  burnoutkit validate my_bank.yaml answers.csv --id-column id --group form \\
      --retest retest.csv --outcomes absence_days,wellbeing --out report.html
  burnoutkit validate bai answers.csv --id-column id --profiles --exclude-careless \\
      --seed 7 --out report.json
  burnoutkit validate bai answers.csv --quiet > report.md

The report's format follows the suffix of --out: .html, .md or .json; without --out the
Markdown report is printed. Every input is checked before the analyses start.
"""

_SIMULATE_EXAMPLES = """\
examples:
  burnoutkit simulate --n 3000 --seed 7 --out sim/
  burnoutkit simulate --n 500 --seed 1 --out small/ --quiet
"""

_MAIN_EXAMPLES = """\
examples:
  burnoutkit main --out reports/
"""


def _common_options() -> argparse.ArgumentParser:
    """Options accepted both before and after the command (``burnoutkit --quiet score ...``)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks on errors"
    )
    common.add_argument(
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="no progress bars or notes: print only results, warnings and errors",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``burnoutkit`` command."""
    common = _common_options()
    parser = argparse.ArgumentParser(
        prog="burnoutkit",
        description="Psychometrics for burnout assessment.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="no progress bars or notes: print only results, warnings and errors",
    )
    parser.add_argument("--version", action="store_true", help="print versions and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str, examples: str) -> argparse.ArgumentParser:
        return commands.add_parser(
            name,
            help=help_text,
            description=help_text[0].upper() + help_text[1:] + ".",
            epilog=examples,
            parents=[common],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    command("banks", "list the built-in item banks", _BANKS_EXAMPLES)

    lint = command("lint", "check an item bank and list every problem", _LINT_EXAMPLES)
    lint.add_argument("bank", help="built-in bank name or YAML file")

    score = command("score", "score responses with an item bank", _SCORE_EXAMPLES)
    score.add_argument("bank", help="built-in bank name or YAML file")
    score.add_argument("data", help="responses: CSV, Parquet or SPSS .sav")
    score.add_argument(
        "--id-column", default=None, metavar="COL", help="column with respondent ids"
    )
    score.add_argument(
        "--on-problem",
        choices=("raise", "missing"),
        default="raise",
        help="stop at bad answers (default) or set them to missing and list them",
    )
    score.add_argument("--out", default=None, help="write scores to this CSV (default: stdout)")

    screen = command(
        "screen", "flag careless responders (long strings, inconsistency, ...)", _SCREEN_EXAMPLES
    )
    screen.add_argument("bank", help="built-in bank name or YAML file")
    screen.add_argument("data", help="responses: CSV, Parquet or SPSS .sav")
    screen.add_argument(
        "--id-column", default=None, metavar="COL", help="column with respondent ids"
    )
    screen.add_argument(
        "--out", default=None, help="write indices and flags to this CSV (default: stdout)"
    )
    screen.add_argument(
        "--exclude",
        default=None,
        metavar="OUT.csv",
        help="write the data without the flagged respondents to this CSV, and the excluded "
        "respondents with their reasons to OUT.exclusions.csv",
    )
    screen.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="N",
        help="random seed of the re-ordering of item pairs (default: 0)",
    )

    validate = command(
        "validate",
        "validate an item bank on responses and write a report",
        _VALIDATE_EXAMPLES,
    )
    validate.add_argument("bank", help="built-in bank name or YAML file")
    validate.add_argument("data", help="responses: CSV, Parquet or SPSS .sav")
    validate.add_argument(
        "--id-column", default=None, metavar="COL", help="column with respondent ids"
    )
    validate.add_argument(
        "--group",
        default=None,
        metavar="COL",
        help="column that defines groups for measurement invariance (e.g. form, sex)",
    )
    validate.add_argument(
        "--retest",
        default=None,
        metavar="FILE",
        help="retest responses (same items, same ids) for test-retest reliability; "
        "needs --id-column",
    )
    validate.add_argument(
        "--outcomes",
        default=None,
        metavar="COLS",
        help="comma-separated outcome columns for criterion validity (default: none, and "
        "criterion validity is not assessed)",
    )
    validate.add_argument(
        "--profiles", action="store_true", help="also fit latent profiles (slower)"
    )
    validate.add_argument(
        "--exclude-careless",
        action="store_true",
        help="leave respondents flagged as careless out of the analyses (they are counted "
        "and listed in the report)",
    )
    validate.add_argument(
        "--estimator",
        choices=["auto", "ML", "MLR", "WLSMV", "ULSMV"],
        default="auto",
        help="estimator of the latent-variable models (default: auto, WLSMV below five "
        "response categories and MLR from five on)",
    )
    validate.add_argument(
        "--missing",
        choices=["auto", "listwise", "pairwise", "fiml"],
        default="auto",
        help="missing answers in the latent-variable models (default: auto, pairwise with "
        "WLSMV/ULSMV and listwise with ML/MLR; fiml needs --estimator ML)",
    )
    validate.add_argument(
        "--seed", type=int, default=0, metavar="N", help="random seed (default: 0)"
    )
    validate.add_argument(
        "--out",
        default=None,
        metavar="REPORT",
        help="report file: .html, .md or .json (default: Markdown to stdout)",
    )

    simulate = command("simulate", "simulate a cohort with its ground truth", _SIMULATE_EXAMPLES)
    simulate.add_argument("--n", type=int, default=3000, help="number of respondents")
    simulate.add_argument("--seed", type=int, required=True, help="random seed")
    simulate.add_argument("--out", required=True, help="output folder")

    main_job = command(
        "main",
        "validate the built-in inventory on the reference cohort and write the HTML report",
        _MAIN_EXAMPLES,
    )
    main_job.add_argument("--out", default="reports", help="output folder (default: reports)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (2 for bad input).

    Examples
    --------
    >>> from burnoutkit.cli import main
    >>> main(["--quiet", "lint", "bai"])
    0
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2, message already printed)
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    if args.version:
        from burnoutkit._versions import show_versions

        show_versions()
        return EXIT_OK
    if args.command is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    handler = _HANDLERS[args.command]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", BurnoutkitWarning)
            warnings.showwarning = _warning_printer(args.command)
            return handler(args)
    except (BurnoutkitError, OSError) as exc:
        if args.debug:
            traceback.print_exc()
        _print_error(args.command, exc)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(f"burnoutkit {args.command}: interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED


def _print_error(command: str, exc: BaseException) -> None:
    message = str(exc).strip().splitlines() or [type(exc).__name__]
    print(f"burnoutkit {command}: error: {message[0]}", file=sys.stderr)
    for line in message[1:]:
        print(f"  {line.strip()}", file=sys.stderr)


def _warning_printer(command: str) -> Callable[..., None]:
    """Print each burnoutkit warning once, as one line; other warnings as Python does."""
    seen: set[str] = set()
    default = warnings.showwarning

    def show(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        if not issubclass(category, BurnoutkitWarning):
            default(message, category, *args, **kwargs)
            return
        text = " ".join(str(message).split())
        if text in seen:
            return
        seen.add(text)
        print(f"burnoutkit {command}: warning: {text}", file=sys.stderr)

    return show


def _note(args: argparse.Namespace, text: str) -> None:
    """Print a progress note to stderr unless ``--quiet``."""
    if not args.quiet:
        print(text, file=sys.stderr)


# ---------------------------------------------------------------------------------------------
# checking inputs


@dataclass(frozen=True)
class _Inputs:
    """Checked command-line inputs: the bank and the responses as a DataFrame."""

    bank: Any
    responses: Any
    frame: pd.DataFrame


def _read_responses(
    bank: Any, path: str, id_column: str | None, role: str, on_problem: str = "raise"
) -> _Inputs:
    """Check a response file against the bank; name the file in every error."""
    from burnoutkit.responses import check_responses

    file = Path(path)
    if not file.is_file():
        raise DataError(
            f"The {role} file {path!r} does not exist. Pass the path of a CSV, Parquet or SPSS "
            "(.sav) file."
        )
    try:
        responses = check_responses(bank, file, id_column=id_column, on_problem=on_problem)
    except BurnoutkitError as exc:
        text = str(exc)
        if path in text:
            raise
        raise type(exc)(f"{role} file {path!r}: {text}") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(
            f"The {role} file {path!r} cannot be read as a table ({_first_line(exc)}). Save it as "
            "comma-separated UTF-8 text with a header row, as Parquet or as SPSS .sav."
        ) from exc
    except ImportError as exc:
        raise DataError(f"The {role} file {path!r} cannot be read: {_first_line(exc)}") from exc
    except ValueError as exc:  # e.g. a corrupt Parquet file
        raise DataError(f"The {role} file {path!r} cannot be read ({_first_line(exc)}).") from exc
    return _Inputs(bank=bank, responses=responses, frame=_as_frame(responses))


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _as_frame(responses: Any) -> pd.DataFrame:
    """Return the checked responses as one DataFrame: id column (if any), items, others."""
    frame = responses.items.join(responses.covariates)
    if responses.id_column is None:
        return frame.reset_index(drop=True)
    return frame.reset_index()


def _load(args: argparse.Namespace) -> _Inputs:
    from burnoutkit.banks import load_bank

    bank = load_bank(args.bank)
    return _read_responses(bank, args.data, args.id_column, "data")


def _check_column(
    inputs: _Inputs, column: str, option: str, id_column: str | None, data: str
) -> None:
    """Raise a DataError unless ``column`` is a non-item column of the data."""
    if column in inputs.bank.item_ids:
        raise DataError(
            f"The {option} column {column!r} is an item of bank {inputs.bank.id!r}. Pass a column "
            "that is not an item (for example a group or outcome variable)."
        )
    if id_column is not None and column == id_column:
        raise DataError(f"The {option} column {column!r} is the id column. Pass another column.")
    available = [str(c) for c in inputs.responses.covariates.columns]
    if column not in available:
        import difflib

        close = difflib.get_close_matches(column, available, n=1, cutoff=0.6)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        listed = ", ".join(available) if available else "(none)"
        raise DataError(
            f"The {option} column {column!r} is not in the data file {data!r}.{hint} "
            f"Columns other than items: {listed}."
        )


def _outcome_columns(text: str | None) -> list[str] | None:
    if text is None:
        return None
    columns = [part.strip() for part in text.split(",")]
    if not all(columns):
        raise DataError(f"--outcomes must be a comma-separated list of column names; got {text!r}.")
    return columns


def _report_path(out: str | None) -> Path | None:
    if out is None:
        return None
    path = Path(out)
    if path.suffix.lower() not in REPORT_SUFFIXES:
        raise DataError(
            f"Cannot write a report to {out!r}: the suffix {path.suffix or '(none)'!r} is not "
            f"one of {', '.join(REPORT_SUFFIXES)}. Name the file report.html, report.md or "
            "report.json."
        )
    if path.parent != Path() and not path.parent.is_dir():
        raise DataError(
            f"Cannot write a report to {out!r}: the folder {str(path.parent)!r} does not exist."
        )
    return path


def _csv_path(out: str | None, option: str) -> Path | None:
    if out is None:
        return None
    path = Path(out)
    if path.parent != Path() and not path.parent.is_dir():
        raise DataError(
            f"Cannot write {option} {out!r}: the folder {str(path.parent)!r} does not exist."
        )
    return path


# ---------------------------------------------------------------------------------------------
# commands


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
    from burnoutkit.scoring import score

    out = _csv_path(args.out, "scores to")
    bank = load_bank(args.bank)
    responses = _read_responses(
        bank, args.data, args.id_column, "data", on_problem=args.on_problem
    ).responses
    result = score(bank, responses)
    table = result.scores()
    if out is not None:
        table.to_csv(out)
        if not args.quiet:
            print(f"Wrote {len(table)} respondents x {table.shape[1]} scores to {out}.")
    else:
        table.to_csv(sys.stdout)
    return EXIT_OK


def _screen(args: argparse.Namespace) -> int:
    out = _csv_path(args.out, "the flags to")
    kept_path = _csv_path(args.exclude, "the kept data to")
    inputs = _load(args)
    _note(args, f"Screening {len(inputs.frame)} respondents for careless responding ...")
    from burnoutkit.screening import screen

    result = screen(inputs.bank, inputs.frame, id_column=args.id_column, random_state=args.seed)
    table = _flag_table(result, args.id_column)
    if out is not None:
        table.to_csv(out)
        _note(args, f"Wrote indices and flags of {len(table)} respondents to {out}.")
    else:
        table.to_csv(sys.stdout)
    if kept_path is not None:
        kept, exclusions = result.exclude()
        kept.to_csv(kept_path, index=False, float_format="%.10g")
        exclusions_path = kept_path.with_suffix(".exclusions.csv")
        exclusions.to_csv(exclusions_path, index=False)
        _note(
            args,
            f"Wrote {len(kept)} of {len(inputs.frame)} respondents to {kept_path}; "
            f"{len(inputs.frame) - len(kept)} excluded, listed with their reasons in "
            f"{exclusions_path}.",
        )
    _note(args, f"{int(result.n_flagged)} of {len(inputs.frame)} respondents flagged.")
    return EXIT_OK


def _flag_table(result: Any, id_column: str | None) -> pd.DataFrame:
    """One row per respondent: the screening indices, each flag, ``flagged`` and the reasons."""
    table = result.indices.join(result.flags.add_prefix("flag_"))
    table["flagged"] = result.flagged
    table["reasons"] = result.reasons
    if id_column is not None and id_column in table.columns:
        return table.set_index(id_column)
    table.index.name = "row"
    return table


def _validate(args: argparse.Namespace) -> int:
    out = _report_path(args.out)
    outcomes = _outcome_columns(args.outcomes)
    if args.retest is not None and args.id_column is None:
        raise DataError(
            "--retest needs --id-column: the retest file is matched to the data by respondent id."
        )
    inputs = _load(args)
    if args.group is not None:
        _check_column(inputs, args.group, "--group", args.id_column, args.data)
        levels = inputs.responses.covariates[args.group].dropna().unique()
        if len(levels) < 2:
            raise DataError(
                f"The --group column {args.group!r} has {len(levels)} group(s) "
                f"({', '.join(map(str, levels)) or 'all missing'}); measurement invariance "
                "needs at least two. Pass a column with two or more groups."
            )
    for column in outcomes or ():
        _check_column(inputs, column, "--outcomes", args.id_column, args.data)
    retest = None
    if args.retest is not None:
        retest_inputs = _read_responses(inputs.bank, args.retest, args.id_column, "retest")
        shared = retest_inputs.responses.items.index.intersection(inputs.responses.items.index)
        if len(shared) == 0:
            raise DataError(
                f"None of the {retest_inputs.responses.n_respondents} respondent ids in the "
                f"retest file {args.retest!r} is in the data file {args.data!r} (id column "
                f"{args.id_column!r}). Use the same ids in both files."
            )
        retest = retest_inputs.frame
    _note(
        args,
        f"Validating {inputs.bank.id!r} ({len(inputs.bank.items)} items) on "
        f"{len(inputs.frame)} respondents ...",
    )
    from burnoutkit import validate

    report = validate(
        inputs.bank,
        inputs.frame,
        group=args.group,
        retest=retest,
        outcomes=outcomes,
        profiles=args.profiles,
        exclude_careless=args.exclude_careless,
        id_column=args.id_column,
        estimator=args.estimator,
        missing=args.missing,
        progress=not args.quiet,
        random_state=args.seed,
    )
    if out is None:
        print(report.to_markdown())
        return EXIT_OK
    report.save(out)
    _note(args, f"Report written to {out}")
    if report.notes:
        _note(
            args, f"The analyses left {len(report.notes)} note(s); they are listed in the report."
        )
    return EXIT_OK


def _simulate(args: argparse.Namespace) -> int:
    from burnoutkit.datasets import simulate_cohort

    if args.n < 1:
        raise DataError(f"--n must be a positive number of respondents; got {args.n}.")
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


_HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "banks": _banks,
    "lint": _lint,
    "score": _score,
    "screen": _screen,
    "validate": _validate,
    "simulate": _simulate,
    "main": _main_job,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
