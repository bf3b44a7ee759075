"""``treasurymodel validate``: check a company file (exit code 0 when it is valid)."""

from __future__ import annotations

import argparse
from typing import Any, Final

from ..errors import printable
from ._common import _subcommand, load_source
from .render import _write

__all__ = ["add_parser"]

_EPILOG: Final = """examples:
  treasurymodel validate company.toml
  treasurymodel validate company.json && echo valid"""


def add_parser(subparsers: Any) -> None:
    """Add the ``validate`` subcommand to ``subparsers`` (:func:`~treasurymodel.cli.build_parser`).

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="treasurymodel")
    >>> add_parser(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["validate", "company.toml"]).command
    'validate'
    """
    validate = _subcommand(
        subparsers,
        "validate",
        help="check a company file",
        description="Check a company file against the treasurymodel/2 format (or /1); exit code 0 "
        "when it is valid, 1 (with one line naming the file, instrument and key) when not.",
        epilog=_EPILOG,
        handler=_cmd_validate,
    )
    validate.add_argument(
        "file", metavar="FILE", help="a company file (.toml or .json), or a data set name"
    )


def _cmd_validate(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    company, _ = load_source(args.file)
    _write(
        f"{printable(args.file)}: valid {company.name!r} as of {company.as_of.isoformat()}, "
        f"{len(company.instruments)} instrument(s)\n"
    )
    return 0
