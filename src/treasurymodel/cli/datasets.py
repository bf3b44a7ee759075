"""``treasurymodel datasets``: list the bundled data sets, or print one."""

from __future__ import annotations

import argparse
from typing import Any, Final

from .. import datasets as _datasets
from ._common import _subcommand
from .render import _table, _write

__all__ = ["add_parser"]

_EPILOG: Final = """examples:
  treasurymodel datasets
  treasurymodel datasets mstr-2026-02 > my-company.toml"""


def add_parser(subparsers: Any) -> None:
    """Add the ``datasets`` subcommand to ``subparsers`` (:func:`~treasurymodel.cli.build_parser`).

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="treasurymodel")
    >>> add_parser(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["datasets"]).command
    'datasets'
    """
    ds = _subcommand(
        subparsers,
        "datasets",
        help="list the bundled data sets, or print one",
        description="List the bundled data sets; with a name, print that data set's file "
        "(with the source of every figure), a starting point for your own.",
        epilog=_EPILOG,
        handler=_cmd_datasets,
    )
    ds.add_argument("name", nargs="?", help="print this data set's TOML file")


def _cmd_datasets(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.name is not None:
        _write(_datasets.text(args.name))
        return 0
    rows = []
    for name in _datasets.names():
        co = _datasets.load(name)
        rows.append(
            [
                name,
                co.name,
                co.as_of.isoformat(),
                f"{co.holdings[0].units:,.0f} {co.holdings[0].asset}",
                f"{co.total_debt / 1e6:,.0f}M",
                f"{co.total_preferred / 1e6:,.0f}M",
                str(len(co.instruments)),
            ]
        )
    header = ["name", "company", "as of", "holdings", "debt", "preferred", "instruments"]
    _write("\n".join(_table(header, rows, align="lllrrrr", indent="")) + "\n")
    return 0
