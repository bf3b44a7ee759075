"""The ``treasurymodel`` command: reports, validation and figures from a company file.

Run ``treasurymodel --help`` (or ``python -m treasurymodel --help``) for the subcommands:

``report``
    Balance-sheet metrics, margin-call prices, the maturity wall, springing tests and a NAV
    sensitivity grid, as an aligned table, one JSON object or CSV.
``datasets``
    List the bundled data sets, or print one as a starting point for your own file.
``validate``
    Check a company file; exit code 0 when it is valid.
``plot``
    Draw the debt maturity ladder or NAV per share against the BTC price.
``stress``
    Monte Carlo probabilities of a forced sale and of default, year by year.
``credit``
    BTC Rating, BTC Risk and BTC Credit of every security, and market spreads.
``compare``
    Several companies side by side: metrics, ratings, break prices and a common price shock.

Exit codes: 0 success, 1 invalid input (one line naming the file, instrument and key; never a
traceback), 2 usage error (the subcommand's usage and one line). The JSON and CSV layouts are
documented in the how-to page *Files and the command line*.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from typing import Any, Final

from ..errors import TreasuryModelError
from . import compare, credit, datasets, plot, report, stress, validate
from ._common import PROG, Handler, load_source, parse_number
from .report import GRID_MULTIPLES, render_csv, render_json, render_table, report_data

__all__ = [
    "GRID_MULTIPLES",
    "build_parser",
    "load_source",
    "main",
    "parse_number",
    "render_csv",
    "render_json",
    "render_table",
    "report_data",
]


class _ArgumentParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` that reads every negative number as a value, not an option.

    argparse takes an argument starting with ``-`` for an option unless it looks like a
    negative number, and its test (``-5``, ``-.5``, ``-0.5``) misses the exponent form, so
    ``--drift -1e-1`` failed with "expected one argument". This parser also accepts
    ``-1e3``, ``-1.5E+2`` and ``-inf`` as values (the option's own check then judges them).
    Subparsers are of the same class (``add_subparsers`` uses the parser's type).

    Examples
    --------
    >>> p = _ArgumentParser(prog="x")
    >>> _ = p.add_argument("--drift", type=float)
    >>> p.parse_args(["--drift", "-1e-1"]).drift
    -0.1
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = _NEGATIVE_NUMBER


_NEGATIVE_NUMBER: Final = re.compile(
    r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^-inf(inity)?$", re.IGNORECASE
)
"""What argparse should read as a negative number (a value) rather than an option."""


def build_parser() -> argparse.ArgumentParser:
    """The command's argument parser (subcommands report, datasets, validate, plot, stress).

    Examples
    --------
    >>> from treasurymodel.cli import build_parser
    >>> args = build_parser().parse_args(["report", "mstr-2026-02", "--format", "json"])
    >>> args.command, args.source, args.format
    ('report', 'mstr-2026-02', 'json')
    """
    parser = _ArgumentParser(
        prog=PROG,
        description="Capital structure and break prices of digital-asset treasury companies.",
        epilog="examples:\n  treasurymodel report mstr-2026-02\n  treasurymodel validate "
        "company.toml\n\nexit codes: 0 success, 1 invalid input, 2 usage error",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from .. import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    for command in (report, datasets, validate, plot, stress, credit, compare):
        command.add_parser(sub)
    return parser


RENAMED_OPTIONS: dict[str, str] = {"--btc-price": "--asset-price", "--spot": "--asset-price"}
"""Options of version 0.1 and their 0.2 names: given one, the command line says so (exit 2).

Examples
--------
>>> RENAMED_OPTIONS["--btc-price"]
'--asset-price'
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); returns the exit code.

    Returns 0 on success and 1 on invalid input (one line on standard error). A usage error
    raises :exc:`SystemExit` with code 2, and ``--help`` / ``--version`` with code 0, as
    ``argparse`` does; the console script turns either into the process's exit code.

    Examples
    --------
    >>> import contextlib, io
    >>> from treasurymodel.cli import main
    >>> with contextlib.redirect_stderr(io.StringIO()) as stderr:
    ...     code = main(["validate", "no-such-file.toml"])
    >>> code, stderr.getvalue().rstrip()
    (1, "treasurymodel: error: path: no such file, got 'no-such-file.toml'")
    """
    parser = build_parser()
    for arg in sys.argv[1:] if argv is None else argv:
        old = str(arg).split("=", 1)[0]
        if old in RENAMED_OPTIONS:  # a usage error that says what the option is called now
            parser.error(f"{old} was renamed {RENAMED_OPTIONS[old]} in treasurymodel 0.2")
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args, args.subparser)
    except TreasuryModelError as err:
        print(f"{PROG}: error: {_one_line(str(err))}", file=sys.stderr)
        return 1
    except ImportError as err:
        print(f"{PROG}: error: {_one_line(str(err))}", file=sys.stderr)
        return 1
    except OSError as err:
        if isinstance(err, BrokenPipeError):
            _silence_stdout()
            return 0
        print(f"{PROG}: error: {_one_line(str(err))}", file=sys.stderr)
        return 1
    except MemoryError:
        print(f"{PROG}: error: out of memory; ask for less work", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _silence_stdout() -> None:
    """After a closed pipe (``report | head``), stop Python complaining at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - best effort
        pass
