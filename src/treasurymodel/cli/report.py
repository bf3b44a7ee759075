"""``treasurymodel report``: metrics, margin calls, maturity wall, springing tests, NAV grid.

:func:`report_data` gathers everything the command shows as plain data; :func:`render_json`,
:func:`render_csv` and :func:`render_table` print it.
"""

from __future__ import annotations

import argparse
import csv
import io as _io
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Final

import attrs
import numpy as np

from .._render import fmt as _fmt
from .._typing import ArrayLike
from ..company import Company
from ..errors import ValidationError
from ..instruments.capabilities import HasSpringing, MarginCallable
from ._common import _option_error, _price, _source_argument, _subcommand, load_source
from .render import _json_text, _plain, _table, _write

__all__ = [
    "GRID_MULTIPLES",
    "add_parser",
    "render_csv",
    "render_json",
    "render_table",
    "report_data",
]

GRID_MULTIPLES: Final = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
"""Default NAV-sensitivity grid: these multiples of the (first) BTC price.

Examples
--------
>>> from treasurymodel.cli import GRID_MULTIPLES
>>> [round(68_000 * m) for m in GRID_MULTIPLES]
[17000, 34000, 51000, 68000, 85000, 102000, 136000]
"""

_EPILOG: Final = """examples:
  treasurymodel report mstr-2026-02
  treasurymodel report mstr-2022q2 --asset-price 20000 --asset-price 10000
  treasurymodel report company.toml --share-price 120 --format json > report.json"""


def _column(value: Any, n: int) -> list[float | None]:
    if value is None:
        return [None] * n
    return [float(v) for v in np.broadcast_to(np.asarray(value, dtype=np.float64), (n,))]


def _metrics_rows(
    company: Company, prices: Sequence[float], share_price: float | None
) -> list[dict[str, float | None]]:
    from ..kpi import Metrics, metrics

    m = metrics(company, asset_price=np.asarray(prices, dtype=np.float64), share_price=share_price)
    n = len(prices)
    names = [field.name for field in attrs.fields(Metrics)]  # the fields, in their order
    columns = {name: _column(getattr(m, name), n) for name in names}
    return [{name: columns[name][i] for name in names} for i in range(n)]


def _margin_calls(company: Company) -> dict[str, Any]:
    from ..liquidation import joint_margin_call_price, margin_call_price

    loans = [
        i for i in company.instruments if isinstance(i, MarginCallable) and i.max_ltv is not None
    ]
    rows = [
        {
            "instrument": loan.name,
            "max_ltv": loan.max_ltv,
            "pledged_units": loan.pledged_units,
            "price": margin_call_price(company, loan.name),
        }
        for loan in loans
    ]
    joint = joint_margin_call_price(company) if loans else None
    return {"joint": joint, "instruments": rows}


def _springing_tests(company: Company) -> list[dict[str, Any]]:
    from ..liquidation import springing_trigger_price

    rows: list[dict[str, Any]] = []
    for note in company.instruments:
        if not isinstance(note, HasSpringing):
            continue
        references = {c.date: c for c in note.springing}
        for when, price in springing_trigger_price(company, note.name):
            clause = references[when]
            rows.append(
                {
                    "instrument": note.name,
                    "date": when,
                    "reference": clause.reference,
                    "liquidity_multiple": clause.liquidity_multiple,
                    "trigger_price": price,
                }
            )
    return rows


def _maturity_wall(company: Company, springing: str, puts: bool) -> dict[str, Any]:
    from ..liquidation import maturity_wall

    wall = maturity_wall(company, springing=springing, puts=puts)  # type: ignore[arg-type]
    return {
        "springing": wall.springing,
        "puts": wall.puts,
        "until": wall.until,
        "rows": [row.to_record() for row in wall],
        "springing_tests": _springing_tests(company),
    }


def _nav_grid(
    company: Company, grid: Sequence[float], share_price: float | None
) -> list[dict[str, float | None]]:
    from ..liquidation import nav_sensitivity

    table = nav_sensitivity(
        company, asset_prices=np.asarray(grid, dtype=np.float64), share_price=share_price
    )
    columns = table.to_dict()
    absent = {name for name in columns if getattr(table, name) is None}  # None, not NaN
    return [
        {name: None if name in absent else float(col[i]) for name, col in columns.items()}
        for i in range(len(table))
    ]


def _company_summary(company: Company, label: str) -> dict[str, Any]:
    summary = _primary_summary(company, label)
    if len(company.holdings) > 1:  # the other assets held (a one-asset report is unchanged)
        summary["other_holdings"] = [
            {"asset": h.asset, "units": h.units, "cost_basis": h.cost_basis}
            for h in company.holdings[1:]
        ]
    return summary


def _primary_summary(company: Company, label: str) -> dict[str, Any]:
    return {
        "name": company.name,
        "ticker": company.ticker,
        "as_of": company.as_of,
        "currency": company.currency,
        "source": label,
        "asset": company.holdings[0].asset,
        "units": company.holdings[0].units,
        "cost_basis": company.holdings[0].cost_basis,
        "pledged_units": company.pledged_units,
        "unencumbered_units": company.unencumbered_units,
        "cash": company.cash,
        "other_assets": company.other_assets,
        "debt": company.total_debt,
        "preferred": company.total_preferred,
        "shares_basic": company.shares_basic,
        "shares_diluted": company.diluted_shares,
        "instruments": [
            {
                "name": inst.name,
                "kind": type(inst).KIND,
                "amount": company.amount(inst),
                "currency": inst.currency or company.currency,
                "maturity": getattr(inst, "maturity", None),
            }
            for inst in company.seniority_order()
        ],
    }


def report_data(
    company: Company,
    *,
    asset_prices: ArrayLike | Sequence[float] | None = None,
    share_price: float | None = None,
    grid: ArrayLike | Sequence[float] | None = None,
    springing: str = "worst",
    puts: bool = False,
    source: str | None = None,
) -> dict[str, Any]:
    """Everything ``treasurymodel report`` shows, as plain Python data.

    Parameters
    ----------
    company
        The balance sheet.
    asset_prices
        A price of the held asset, or a 1-d list or array of them (one ``metrics`` row
        each, in the order given); default the company's ``market.asset_price``.
    share_price
        Price of one share; default the company's ``market.share_price`` (may be absent).
    grid
        Asset prices of the NAV sensitivity grid (a price or a 1-d list, sorted for the
        table); default :data:`GRID_MULTIPLES` times the first of ``asset_prices``.
    springing, puts
        Maturity-wall options (see :func:`treasurymodel.liquidation.maturity_wall`).
    source
        Label of where the company came from (shown in ``company.source``).

    Returns
    -------
    dict
        The keys ``company``, ``metrics``, ``margin_call_prices``, ``maturity_wall`` and
        ``nav_sensitivity``, documented in *Files and the command line*. Dates are
        :class:`datetime.date` objects and numbers floats (``inf`` kept as ``inf``).

    Raises
    ------
    ValidationError
        If ``company`` is not a :class:`~treasurymodel.Company`; if a price is not a finite
        number >= 0 or a list of prices is empty; if no BTC price is given and the company
        states none; or if ``springing`` or ``puts`` is invalid.

    Examples
    --------
    >>> from treasurymodel import datasets
    >>> from treasurymodel.cli import report_data
    >>> data = report_data(datasets.load("mstr-2022q2"), asset_prices=[20_000.0])
    >>> sorted(data)
    ['company', 'margin_call_prices', 'maturity_wall', 'metrics', 'nav_sensitivity']
    >>> round(data["margin_call_prices"]["instruments"][0]["price"], 2)
    3561.84
    """
    if not isinstance(company, Company):
        raise ValidationError("company", company, "must be a treasurymodel.Company")
    if source is not None and not isinstance(source, str):
        raise ValidationError("source", source, "must be a str or None")
    market = company.market
    if asset_prices is None:
        default = market.asset_price if market is not None else None
        if default is None:
            raise ValidationError(
                "asset_price",
                None,
                "is not stated in the company's [market] section; give one (--asset-price)",
            )
        prices = [default]
    else:
        prices = _price_list("asset_prices", asset_prices)
    if share_price is None and market is not None:
        share_price = market.share_price
    if grid is None:
        grid_prices = [prices[0] * k for k in GRID_MULTIPLES]
        if not math.isfinite(grid_prices[-1]):
            raise ValidationError(
                "asset_prices[0]",
                prices[0],
                f"is too large: the default NAV grid goes to {GRID_MULTIPLES[-1]:g} times it, "
                "beyond the float range (give a grid)",
            )
    else:
        grid_prices = _price_list("grid", grid)
    for field, values in (("asset_prices", prices), ("grid", grid_prices)):
        for i, price in enumerate(values):
            if not math.isfinite(company.holdings[0].units * price):
                raise ValidationError(
                    f"{field}[{i}]",
                    price,
                    "is too large: the BTC Reserve (units held x price) leaves the float range",
                )
    return {
        "company": _company_summary(company, source or company.name),
        "metrics": _metrics_rows(company, prices, share_price),
        "margin_call_prices": _margin_calls(company),
        "maturity_wall": _maturity_wall(company, springing, puts),
        "nav_sensitivity": {
            "share_price": share_price,
            "rows": _nav_grid(company, sorted(grid_prices), share_price),
        },
    }


def _price_list(field: str, value: Any) -> list[float]:
    """A number or a 1-d sequence of numbers as a non-empty list of finite prices >= 0."""
    if isinstance(value, str | bytes | bool | np.bool_) or value is None:
        raise ValidationError(field, value, "must be a price or a list of prices")
    if isinstance(value, int | float | np.integer | np.floating):
        value = [value]
    try:
        items = list(value)
    except TypeError:
        raise ValidationError(field, value, "must be a price or a list of prices") from None
    if not items:
        raise ValidationError(field, value, "must hold at least one price")
    prices = []
    for i, item in enumerate(items):
        if isinstance(item, np.ndarray) and item.ndim == 0:
            item = item.item()
        if isinstance(item, bool | np.bool_) or not isinstance(
            item, int | float | np.integer | np.floating
        ):
            raise ValidationError(f"{field}[{i}]", item, "must be a number")
        try:
            price = float(item)
        except OverflowError:  # an int beyond float64
            raise ValidationError(f"{field}[{i}]", item, "must be finite") from None
        if not math.isfinite(price) or price < 0:
            raise ValidationError(f"{field}[{i}]", item, "must be finite and non-negative")
        prices.append(price)
    return prices


def render_json(data: dict[str, Any]) -> str:
    """The report of :func:`report_data` as one JSON object (layout in the docs).

    Dates become ``"YYYY-MM-DD"`` strings, infinite numbers the strings ``"inf"`` and
    ``"-inf"`` (JSON has no infinity), NaN ``null``.

    Examples
    --------
    >>> import json
    >>> from treasurymodel import datasets
    >>> from treasurymodel.cli import render_json, report_data
    >>> doc = json.loads(render_json(report_data(datasets.load("mstr-2026-02"))))
    >>> doc["company"]["as_of"], doc["metrics"][0]["asset_price"]
    ('2026-02-01', 68141.0)
    """
    return _json_text(_checked_report(data))


_REPORT_KEYS: Final = (
    "company",
    "metrics",
    "margin_call_prices",
    "maturity_wall",
    "nav_sensitivity",
)


def _checked_report(data: Any) -> dict[str, Any]:
    """``data`` if it has the keys of :func:`report_data`'s result, else a ValidationError."""
    if not isinstance(data, dict) or any(key not in data for key in _REPORT_KEYS):
        shown = sorted(data) if isinstance(data, dict) else data
        raise ValidationError(
            "data", shown, f"must be the dict report_data returns (keys {', '.join(_REPORT_KEYS)})"
        )
    return data


_CSV_COLUMNS: Final = ("section", "subject", "date", "asset_price", "field", "value")


def _csv_rows(data: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    plain = _plain(_checked_report(data))
    for key, value in plain["company"].items():
        if key != "instruments":
            yield ("company", "", "", "", key, value)
    for inst in plain["company"]["instruments"]:
        for key in ("kind", "amount", "currency"):
            yield ("instrument", inst["name"], inst["maturity"] or "", "", key, inst[key])
    for row in plain["metrics"]:
        for key, value in row.items():
            if key != "asset_price":
                yield ("metrics", "", "", row["asset_price"], key, value)
    calls = plain["margin_call_prices"]
    for row in calls["instruments"]:
        yield ("margin_call_prices", row["instrument"], "", "", "price", row["price"])
    if calls["instruments"]:
        yield ("margin_call_prices", "joint", "", "", "price", calls["joint"])
    wall = plain["maturity_wall"]
    for row in wall["rows"]:
        for key in ("due", "cumulative_due", "breakeven_price"):
            yield ("maturity_wall", row["period"], row["end"], "", key, row[key])
    for test in wall["springing_tests"]:
        for key in ("reference", "trigger_price"):
            yield ("springing_tests", test["instrument"], test["date"], "", key, test[key])
    for row in plain["nav_sensitivity"]["rows"]:
        for key, value in row.items():
            if key != "asset_price":
                yield ("nav_sensitivity", "", "", row["asset_price"], key, value)


def render_csv(data: dict[str, Any]) -> str:
    """The report of :func:`report_data` as one CSV table in long form.

    The columns are ``section, subject, date, asset_price, field, value``: one row per
    figure (layout in the docs).

    Examples
    --------
    >>> from treasurymodel import datasets
    >>> from treasurymodel.cli import render_csv, report_data
    >>> lines = render_csv(report_data(datasets.load("mstr-2022q2"))).splitlines()
    >>> lines[0]
    'section,subject,date,asset_price,field,value'
    >>> [line for line in lines if line.startswith("margin_call_prices,BTC")]
    ['margin_call_prices,BTC-backed term loan,,,price,3561.841385121928']
    """
    out = _io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
    for row in _csv_rows(data):
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue()


def render_table(data: dict[str, Any]) -> str:
    """The report of :func:`report_data` as aligned, human-readable text.

    Amounts are in millions of the reporting currency, prices in full.

    Examples
    --------
    >>> from treasurymodel import datasets
    >>> from treasurymodel.cli import render_table, report_data
    >>> text = render_table(report_data(datasets.load("mstr-2022q2")))
    >>> print(text.splitlines()[0])
    MicroStrategy (MSTR), balance sheet as of 2022-06-30  [MicroStrategy]
    """
    co = _checked_report(data)["company"]
    ccy = co["currency"]
    asset = co["asset"]
    money = f"({ccy} M)"
    title = co["name"] + (f" ({co['ticker']})" if co["ticker"] else "")
    out = [
        f"{title}, balance sheet as of {co['as_of'].isoformat()}  [{co['source']}]",
        f"  {asset} held {co['units']:,.0f} ({co['pledged_units']:,.0f} pledged); "
        + "".join(f"{h['asset']} held {h['units']:,.0f}; " for h in co.get("other_holdings", []))
        + f"cash {co['cash'] / 1e6:,.1f}M; debt {co['debt'] / 1e6:,.1f}M; "
        f"preferred {co['preferred'] / 1e6:,.1f}M {ccy}",
        f"  shares: {co['shares_basic']:,.0f} basic, {co['shares_diluted']:,.0f} assumed diluted",
        "",
    ]

    labels: list[tuple[str, str, str]] = [
        ("share_price", "Share price", "price"),
        ("asset_reserve", f"{asset} Reserve {money}", "money"),
        ("market_cap", f"Market cap {money}", "money"),
        ("enterprise_value", f"Enterprise value {money}", "money"),
        ("mnav", "mNAV (EV / reserve)", "ratio"),
        ("mnav_simple", "mNAV (market cap / reserve)", "ratio"),
        ("debt", f"Debt {money}", "money"),
        ("preferred", f"Preferred {money}", "money"),
        ("cash", f"Cash {money}", "money"),
        ("amplification", "Amplification", "ratio"),
        ("net_leverage", "Net leverage", "ratio"),
        ("annual_obligations", f"Annual obligations {money}", "money"),
        ("asset_years_of_coverage", f"{asset} years of coverage", "plain"),
        ("cash_months_of_coverage", "Cash months of coverage", "plain"),
        ("nav", f"Equity NAV {money}", "money"),
        ("nav_per_share", "NAV per share", "price"),
        ("nav_per_share_diluted", "NAV per share, diluted", "price"),
        ("shares_if_converted", "Shares if converted", "count"),
        ("unrealized_gain", f"Unrealized gain {money}", "money"),
        ("units_per_share", f"{asset} per diluted share", "small"),
    ]
    rows = data["metrics"]
    header = ["Balance-sheet metrics", *(f"at {asset} {r['asset_price']:,.2f}" for r in rows)]
    body = [[label, *(_fmt(r[key], kind) for r in rows)] for key, label, kind in labels]
    out += _table(header, body, indent="")
    out.append("")

    calls = data["margin_call_prices"]
    out.append(f"Margin-call prices ({asset} price below which a loan's LTV limit cannot be met)")
    if calls["instruments"]:
        body = [
            [r["instrument"], f"{r['max_ltv']:.0%}", _fmt(r["price"], "price")]
            for r in calls["instruments"]
        ]
        body.append(["all loans together", "", _fmt(calls["joint"], "price")])
        out += _table(["loan", "max LTV", "price"], body)
    else:
        out.append("  none: no loan with a loan-to-value limit")
    out.append("")

    wall = data["maturity_wall"]
    puts = "exercised" if wall["puts"] else "ignored"
    out.append(
        f"Maturity wall (springing: {wall['springing']}; puts {puts}; breakeven = {asset} "
        "price at which the holdings cover everything due so far)"
    )
    body = [
        [
            r["period"],
            _fmt(r["due"], "money"),
            _fmt(r["cumulative_due"], "money"),
            _fmt(r["breakeven_price"], "price"),
        ]
        for r in wall["rows"]
    ]
    out += _table(["period", f"due {money}", f"cumulative {money}", "breakeven"], body)
    out.append("")

    tests = wall["springing_tests"]
    out.append(f"Springing tests ({asset} price below which the maturity springs)")
    if tests:
        body = [
            [
                t["instrument"],
                t["date"].isoformat(),
                t["reference"],
                f"{t['liquidity_multiple']:.0%}",
                "never" if t["trigger_price"] is None else _fmt(t["trigger_price"], "price"),
            ]
            for t in tests
        ]
        header = ["secured note", "test date", "reference", "liquidity", "springs below"]
        out += _table(header, body, align="lllrr")
    else:
        out.append("  none: no springing-maturity clause after the as-of date")
    out.append("")

    nav = data["nav_sensitivity"]
    share = nav["share_price"]
    title = "NAV sensitivity" + (f" (share price {share:,.2f})" if share is not None else "")
    out.append(title)
    body = [
        [
            _fmt(r["asset_price"], "price"),
            _fmt(r["nav"], "money"),
            _fmt(r["nav_per_share"], "price"),
            _fmt(r["nav_per_share_diluted"], "price"),
            _fmt(r["mnav"], "ratio"),
        ]
        for r in nav["rows"]
    ]
    header = [f"{asset} price", f"NAV {money}", "NAV/share", "diluted", "mNAV"]
    out += _table(header, body, align="rrrrr")
    return "\n".join(out) + "\n"


def _grid(text: str) -> list[float]:
    prices = [_price(part) for part in text.split(",") if part.strip()]
    if not prices:
        raise argparse.ArgumentTypeError(f"no prices given, got {text!r}")
    return prices


def add_parser(subparsers: Any) -> None:
    """Add the ``report`` subcommand to ``subparsers`` (:func:`~treasurymodel.cli.build_parser`).

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="treasurymodel")
    >>> add_parser(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["report", "mstr-2026-02"]).command
    'report'
    """
    report = _subcommand(
        subparsers,
        "report",
        help="metrics, margin calls, maturity wall, springing tests, NAV grid",
        description="Balance-sheet metrics, margin-call prices, the maturity wall, springing "
        "tests and a NAV sensitivity grid. Prices default to the file's [market] section.",
        epilog=_EPILOG,
        handler=_cmd_report,
    )
    _source_argument(report)
    report.add_argument(
        "--asset-price",
        metavar="P",
        type=_price,
        action="append",
        help="price of one unit of the held asset; repeat for several prices "
        "(default: [market] asset_price)",
    )
    report.add_argument(
        "--share-price",
        metavar="S",
        type=_price,
        help="price of one common share (default: [market] share_price, if any)",
    )
    report.add_argument(
        "--grid",
        metavar="P1,P2,...",
        type=_grid,
        help="BTC prices of the NAV sensitivity grid (default: 0.25x to 2x the first price)",
    )
    report.add_argument(
        "--springing",
        choices=("worst", "best", "test"),
        default="worst",
        help="maturity wall: every secured note springs (worst, default), none does "
        "(best), or each test is applied at the price (test)",
    )
    report.add_argument(
        "--puts",
        action="store_true",
        help="maturity wall: convertible holders put at their first put date",
    )
    report.add_argument(
        "--format", choices=("table", "json", "csv"), default="table", help="output format"
    )


def _cmd_report(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    company, label = load_source(args.source)
    try:
        data = report_data(
            company,
            asset_prices=args.asset_price,
            share_price=args.share_price,
            grid=args.grid,
            springing=args.springing,
            puts=args.puts,
            source=label,
        )
    except ValidationError as err:
        _option_error(parser, err, args)
    render: Callable[[dict[str, Any]], str] = {
        "json": render_json,
        "csv": render_csv,
        "table": render_table,
    }[args.format]
    _write(render(data))
    return 0
