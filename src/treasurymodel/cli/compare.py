"""The ``treasurymodel compare`` subcommand: several companies side by side in one table.

Registered by :mod:`treasurymodel.cli` through :func:`add_parser`. Each source is a bundled
data set name or a company file, resolved as ``treasurymodel report`` resolves it; the rows
are labelled by the sources as typed. The figures are those of
:func:`treasurymodel.compare`, printed as an aligned table (companies across, figures down),
one JSON object or a CSV table with one row per company.
"""

from __future__ import annotations

import argparse
import csv
import io as _io
import math
import sys
from typing import Any, Final

import numpy as np

from ..comparison import Comparison, compare
from ..errors import ValidationError
from ._common import (
    _check_figure_output,
    _figure_argument,
    _number_argument,
    _price,
    _save_figure,
    _subcommand,
    load_source,
)
from .render import _json_text, _plain

__all__ = ["add_parser", "comparison_data", "render_csv", "render_json", "render_table"]

_EPILOG: Final = """examples:
  treasurymodel compare mstr-2026-02 xxi-2026-01 sbet-2025-10
  treasurymodel compare mstr-2026-02 xxi-2026-01 --asset-price BTC=60000 --format csv
  treasurymodel compare mstr-2026-02 my-company.toml --share-price my-company.toml=12.5
  treasurymodel compare mstr-2026-02 sbet-2025-10 --shocks=-0.9,-0.5,0,1 --format json
  treasurymodel compare mstr-2026-02 xxi-2026-01 mtplf-2025-11 --plot side-by-side.png

Prices default to each file's [market] section. Break prices are in each company's own
asset; "fall to it" is 1 - break price / price, which compares across assets."""


def _assignment(text: str) -> tuple[str, float]:
    """An argparse ``type=``: ``KEY=PRICE`` with a positive price (``BTC=70,000``)."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"must be KEY=PRICE, got {text!r}")
    return key.strip(), _price(value)


def _shock_list(text: str) -> list[float]:
    parse = _number_argument()
    values = [parse(part) for part in text.split(",") if part.strip()]
    if not values:
        raise argparse.ArgumentTypeError(f"no shocks given, got {text!r}")
    return values


def add_parser(subparsers: Any) -> None:
    """Register the ``compare`` subcommand on ``subparsers`` (from ``add_subparsers``).

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="treasurymodel")
    >>> add_parser(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["compare", "mstr-2026-02", "sbet-2025-10",
    ...                           "--asset-price", "ETH=2,500", "--shocks=-0.5,0,1"])
    >>> args.sources, args.asset_price, args.shocks, args.format
    (['mstr-2026-02', 'sbet-2025-10'], [('ETH', 2500.0)], [-0.5, 0.0, 1.0], 'table')
    """
    cmd = _subcommand(
        subparsers,
        "compare",
        help="several companies side by side: metrics, ratings, break prices, coverage",
        description="Compare treasury companies side by side: NAV, mNAV, leverage, coverage,\n"
        "the rating of the most junior security and of the common, break prices (as prices\n"
        "and as the fall from today's price) and NAV per share under a common shock to every\n"
        "asset price.",
        epilog=_EPILOG,
        handler=_cmd_compare,
    )
    cmd.add_argument(
        "sources",
        nargs="+",
        metavar="DATASET|FILE",
        help="bundled data set names (see `treasurymodel datasets`) or company files",
    )
    cmd.add_argument(
        "--asset-price",
        metavar="ASSET=P",
        type=_assignment,
        action="append",
        help="price of an asset for every company holding it, e.g. BTC=70000; repeat for "
        "several assets (default: each file's [market] asset_price)",
    )
    cmd.add_argument(
        "--share-price",
        metavar="SOURCE=S",
        type=_assignment,
        action="append",
        help="share price of one company, named as on the command line, e.g. "
        "mstr-2026-02=120 (default: each file's [market] share_price, if any)",
    )
    cmd.add_argument(
        "--shocks",
        metavar="S1,S2,...",
        type=_shock_list,
        default=None,
        help="common shocks to every asset price for NAV per share, e.g. "
        "--shocks=-0.8,-0.4,0,1 (default -80%% to +100%%)",
    )
    cmd.add_argument(
        "--years",
        type=_number_argument(positive=True),
        default=2.0,
        metavar="Y",
        help="horizon of the near maturity wall and the coverage price (2)",
    )
    cmd.add_argument(
        "--springing",
        choices=("worst", "best", "test"),
        default="worst",
        help="maturity wall: every secured note springs (worst, default), none does "
        "(best), or each test is applied at the price (test)",
    )
    cmd.add_argument(
        "--puts",
        action="store_true",
        help="maturity wall: convertible holders put at their first put date",
    )
    cmd.add_argument(
        "--plot",
        metavar="FILE",
        type=_figure_argument,
        default=None,
        help="also draw the comparison figure to FILE (.png or .svg): mNAV, leverage, and NAV "
        "per share relative to today under the common shocks (needs matplotlib)",
    )
    cmd.add_argument(
        "--format", choices=("table", "json", "csv"), default="table", help="output format"
    )


_OPTION_OF: Final = {"asset_prices": "--asset-price", "share_prices": "--share-price"}


def _named_for_cli(err: ValidationError) -> ValidationError:
    """``err`` naming the command-line option its value came from.

    Examples
    --------
    >>> str(_named_for_cli(ValidationError("asset_prices", "XRP", "names no asset")))
    "--asset-price: names no asset, got 'XRP'"
    """
    head, bracket, rest = err.field.partition("[")
    option = {"years": "--years", "shocks": "--shocks", **_OPTION_OF}.get(head)
    if option is None:
        return err
    return ValidationError(option + bracket + rest, err.value, err.reason, context=err.context)


def comparison_data(result: Comparison) -> dict[str, Any]:
    """A comparison as plain data: the options and one dict per company.

    Each company's dict has the fields of :class:`~treasurymodel.comparison.ComparisonRow` and the
    lists ``nav_per_share_shocked`` and ``nav_per_share_diluted_shocked`` (one value per
    shock, in the order of ``shocks``).

    Examples
    --------
    >>> from treasurymodel import compare, datasets
    >>> data = comparison_data(compare([datasets.load("sbet-2025-10")], shocks=[-0.5, 0.0]))
    >>> data["shocks"], data["companies"][0]["asset"]
    ([-0.5, 0.0], 'ETH')
    """
    if not isinstance(result, Comparison):
        raise ValidationError("result", result, "must be a treasurymodel.comparison.Comparison")
    companies = []
    for i, row in enumerate(result.rows):
        record = row.to_record()
        record["nav_per_share_shocked"] = [float(v) for v in result.shock_nav_per_share[i]]
        record["nav_per_share_diluted_shocked"] = [
            float(v) for v in result.shock_nav_per_share_diluted[i]
        ]
        companies.append(record)
    return {
        "shocks": [float(s) for s in result.shocks],
        "years": result.years,
        "springing": result.springing,
        "puts": result.puts,
        "companies": companies,
    }


def render_json(result: Comparison) -> str:
    """:func:`comparison_data` as one JSON object (dates ISO, infinities ``"inf"``, gaps null).

    Examples
    --------
    >>> import json
    >>> from treasurymodel import compare, datasets
    >>> doc = json.loads(render_json(compare([datasets.load("mstr-2022q2")])))
    >>> doc["companies"][0]["as_of"], doc["companies"][0]["mnav"] is not None
    ('2022-06-30', True)
    """
    return _json_text(comparison_data(result))


def render_csv(result: Comparison) -> str:
    """One CSV row per company, the columns of
    :meth:`~treasurymodel.comparison.Comparison.to_dict`.

    Empty cells where a figure does not exist; infinities as ``inf`` and ``-inf``.

    Examples
    --------
    >>> from treasurymodel import compare, datasets
    >>> text = render_csv(compare([datasets.load("sbet-2025-10")], shocks=[0.0]))
    >>> text.splitlines()[0].split(",")[:4]
    ['label', 'company', 'ticker', 'as_of']
    """
    if not isinstance(result, Comparison):
        raise ValidationError("result", result, "must be a treasurymodel.comparison.Comparison")
    columns = result.to_dict()
    out = _io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(columns))
    for i in range(len(result)):
        writer.writerow([_cell(values[i]) for values in columns.values()])
    return out.getvalue()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, np.datetime64):
        return str(value)
    if isinstance(value, float | np.floating):
        x = float(value)
        if math.isnan(x):
            return ""
        return _plain(x)
    return value


def render_table(result: Comparison) -> str:
    """The comparison as aligned text: companies across, figures down.

    Examples
    --------
    >>> from treasurymodel import compare, datasets
    >>> print(render_table(compare([datasets.load("mstr-2022q2")])).splitlines()[1])
                                MicroStrategy
    """
    if not isinstance(result, Comparison):
        raise ValidationError("result", result, "must be a treasurymodel.comparison.Comparison")
    return result._report() + "\n"


def _cmd_compare(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.plot is not None:  # fail before the work
        _check_figure_output(args.plot, "--plot")
    companies = {}
    for source in args.sources:
        if source in companies:
            raise ValidationError("DATASET|FILE", source, "is given twice")
        companies[source] = load_source(source)[0]
    asset_prices: dict[str, float] = {}
    for asset, price in args.asset_price or []:
        if asset in asset_prices:
            raise ValidationError("--asset-price", asset, "is given twice")
        asset_prices[asset] = price
    share_prices: dict[str, float] = {}
    for source, price in args.share_price or []:
        if source in share_prices:
            raise ValidationError("--share-price", source, "is given twice")
        share_prices[source] = price
    options: dict[str, Any] = {}
    if args.shocks is not None:
        options["shocks"] = args.shocks
    try:
        result = compare(
            companies,
            asset_prices=asset_prices,
            share_prices=share_prices,
            years=args.years,
            springing=args.springing,
            puts=args.puts,
            **options,
        )
    except ValidationError as err:
        raise _named_for_cli(err) from None
    render = {"json": render_json, "csv": render_csv, "table": render_table}[args.format]
    sys.stdout.write(render(result))
    if args.plot is not None:
        from ..plot import comparison

        _save_figure(comparison(result), args.plot, "--plot")
    return 0
