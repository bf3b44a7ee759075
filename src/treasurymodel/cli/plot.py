"""``treasurymodel plot``: the debt maturity ladder or NAV per share, to a PNG or SVG file."""

from __future__ import annotations

import argparse
from typing import Any, Final

from ..errors import ValidationError
from ._common import (
    SeveralAssets,
    _asset_price_argument,
    _check_output,
    _cli_prices,
    _figure_argument,
    _option_error,
    _price,
    _save_figure,
    _source_argument,
    _subcommand,
    load_source,
)

__all__ = ["add_parser"]

_EPILOG: Final = """examples:
  treasurymodel plot mstr-2026-02 -o ladder.png
  treasurymodel plot mstr-2022q2 --kind nav -o nav.svg
  treasurymodel plot two-assets.toml --kind nav --asset-price 80000 --asset-price ETH=2500 -o n.png

A company holding several assets is drawn against its primary asset's price, every other
asset moving in proportion from its [market] price (or from its price fixed by
--asset-price ASSET=P): a common shock, as in treasurymodel report and compare."""


def add_parser(subparsers: Any) -> None:
    """Add the ``plot`` subcommand to ``subparsers`` (:func:`~treasurymodel.cli.build_parser`).

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="treasurymodel")
    >>> add_parser(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["plot", "mstr-2026-02", "-o", "x.png"]).command
    'plot'
    """
    plot = _subcommand(
        subparsers,
        "plot",
        help="draw the maturity ladder or NAV per share against the BTC price",
        description="Draw a figure: the debt maturity ladder (default) or NAV per share "
        "against the BTC price. Needs matplotlib: pip install 'treasurymodel[plot]'.",
        epilog=_EPILOG,
        handler=_cmd_plot,
    )
    _source_argument(plot)
    plot.add_argument(
        "--kind", choices=("ladder", "nav"), default="ladder", help="which figure (ladder)"
    )
    plot.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        type=_figure_argument,
        help="output file, .png or .svg",
    )
    plot.add_argument(
        "--asset-price",
        metavar="P|ASSET=P",
        type=_asset_price_argument,
        action="append",
        help="nav only: price to mark as current; several assets held: the primary's, and "
        "ASSET=P for another's (default: [market])",
    )
    plot.add_argument(
        "--share-price", metavar="S", type=_price, help="nav only: share price to draw"
    )


def _cmd_plot(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.kind == "ladder" and (args.asset_price is not None or args.share_price is not None):
        parser.error("argument --asset-price/--share-price: only for --kind nav")
    _check_output(args.output, "--output")
    company, _ = load_source(args.source)
    from .. import plot

    try:
        if args.kind == "ladder":
            fig = plot.maturity_ladder(company)
        else:
            price = _cli_prices(company, args.asset_price, parser)
            several = isinstance(price, SeveralAssets)
            fig = plot.nav_chart(
                company,
                asset_price=price.reference if isinstance(price, SeveralAssets) else price,
                share_price=args.share_price,
                shock=several,  # several assets: every price moving with the primary's
            )
    except ValidationError as err:
        _option_error(parser, err, args)
    _save_figure(fig, args.output, "--output")
    return 0
