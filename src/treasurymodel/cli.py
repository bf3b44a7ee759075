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
import csv
import datetime as _dt
import importlib
import importlib.util
import io as _io
import json
import math
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final, NoReturn

import attrs
import numpy as np

from . import datasets
from ._typing import ArrayLike
from .company import Company
from .errors import TreasuryModelError, ValidationError, printable, shown
from .instruments import SecuredNote, TermLoan
from .io import atomic_write
from .io import load as _load_file

__all__ = [
    "GRID_MULTIPLES",
    "build_parser",
    "load_source",
    "main",
    "render_csv",
    "render_json",
    "render_table",
    "report_data",
]

PROG: Final = "treasurymodel"

GRID_MULTIPLES: Final = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
"""Default NAV-sensitivity grid: these multiples of the (first) BTC price.

Examples
--------
>>> from treasurymodel.cli import GRID_MULTIPLES
>>> [round(68_000 * m) for m in GRID_MULTIPLES]
[17000, 34000, 51000, 68000, 85000, 102000, 136000]
"""


# ---------------------------------------------------------------------------------------
# Loading a source: a bundled data set name or a file
# ---------------------------------------------------------------------------------------


def load_source(source: str) -> tuple[Company, str]:
    """A company file if ``source`` names one that exists, else a bundled data set by name.

    Returns the company and a label. A path that exists wins over a data set of the same
    name (``validate mstr-2026-02`` reads the file ``mstr-2026-02`` when there is one).

    Examples
    --------
    >>> from treasurymodel.cli import load_source
    >>> company, label = load_source("mstr-2022q2")
    >>> company.name, label
    ('MicroStrategy', 'data set mstr-2022q2')
    """
    if not isinstance(source, str):
        raise ValidationError("source", source, "must be a data set name or a file path (a str)")
    if source in datasets.names() and not os.path.lexists(source):
        return datasets.load(source), f"data set {source}"
    looks_like_name = os.sep not in source and "." not in os.path.basename(source)
    if looks_like_name and not os.path.exists(source):
        raise ValidationError(
            "source",
            source,
            f"is neither a bundled data set ({', '.join(datasets.names())}) nor a file",
        )
    return _load_file(source), source


# ---------------------------------------------------------------------------------------
# The report, as plain data
# ---------------------------------------------------------------------------------------


def _column(value: Any, n: int) -> list[float | None]:
    if value is None:
        return [None] * n
    return [float(v) for v in np.broadcast_to(np.asarray(value, dtype=np.float64), (n,))]


def _metrics_rows(
    company: Company, prices: Sequence[float], share_price: float | None
) -> list[dict[str, float | None]]:
    from .metrics import Metrics, metrics

    m = metrics(company, btc_price=np.asarray(prices, dtype=np.float64), share_price=share_price)
    n = len(prices)
    names = [field.name for field in attrs.fields(Metrics)]  # the fields, in their order
    columns = {name: _column(getattr(m, name), n) for name in names}
    return [{name: columns[name][i] for name in names} for i in range(n)]


def _margin_calls(company: Company) -> dict[str, Any]:
    from .liquidation import joint_margin_call_price, margin_call_price

    loans = [i for i in company.instruments if isinstance(i, TermLoan) and i.max_ltv is not None]
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
    from .liquidation import springing_trigger_price

    rows: list[dict[str, Any]] = []
    for note in company.instruments:
        if not isinstance(note, SecuredNote):
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
    from .liquidation import maturity_wall

    wall = maturity_wall(company, springing=springing, puts=puts)  # type: ignore[arg-type]
    return {
        "springing": wall.springing,
        "puts": wall.puts,
        "until": wall.until,
        "rows": wall.to_records(),
        "springing_tests": _springing_tests(company),
    }


def _nav_grid(
    company: Company, grid: Sequence[float], share_price: float | None
) -> list[dict[str, float | None]]:
    from .liquidation import nav_sensitivity

    table = nav_sensitivity(
        company, btc_prices=np.asarray(grid, dtype=np.float64), share_price=share_price
    )
    return table.rows()


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
    btc_prices: ArrayLike | Sequence[float] | None = None,
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
    btc_prices
        A price of the held asset, or a 1-d list or array of them (one ``metrics`` row
        each, in the order given); default the company's ``market.asset_price``.
    share_price
        Price of one share; default the company's ``market.share_price`` (may be absent).
    grid
        Asset prices of the NAV sensitivity grid (a price or a 1-d list, sorted for the
        table); default :data:`GRID_MULTIPLES` times the first of ``btc_prices``.
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
    >>> data = report_data(datasets.load("mstr-2022q2"), btc_prices=[20_000.0])
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
    if btc_prices is None:
        default = market.asset_price if market is not None else None
        if default is None:
            raise ValidationError(
                "btc_price",
                None,
                "is not stated in the company's [market] section; give one (--btc-price)",
            )
        prices = [default]
    else:
        prices = _price_list("btc_prices", btc_prices)
    if share_price is None and market is not None:
        share_price = market.share_price
    if grid is None:
        grid_prices = [prices[0] * k for k in GRID_MULTIPLES]
        if not math.isfinite(grid_prices[-1]):
            raise ValidationError(
                "btc_prices[0]",
                prices[0],
                f"is too large: the default NAV grid goes to {GRID_MULTIPLES[-1]:g} times it, "
                "beyond the float range (give a grid)",
            )
    else:
        grid_prices = _price_list("grid", grid)
    for field, values in (("btc_prices", prices), ("grid", grid_prices)):
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


# ---------------------------------------------------------------------------------------
# Rendering: JSON, CSV, table
# ---------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """JSON-ready data: dates as ISO strings, infinities as "inf"/"-inf", NaN as null."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float | np.floating):
        x = float(value)
        if math.isnan(x):
            return None
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return x
    return str(value)  # pragma: no cover - every value above is one of the kinds handled


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
    >>> doc["company"]["as_of"], doc["metrics"][0]["btc_price"]
    ('2026-02-01', 68141.0)
    """
    return _json_text(_checked_report(data))


def _json_text(data: Any) -> str:
    """``data`` as indented JSON, after :func:`_plain` (no NaN or infinity literals)."""
    return json.dumps(_plain(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


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


_CSV_COLUMNS: Final = ("section", "subject", "date", "btc_price", "field", "value")


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
            if key != "btc_price":
                yield ("metrics", "", "", row["btc_price"], key, value)
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
            if key != "btc_price":
                yield ("nav_sensitivity", "", "", row["btc_price"], key, value)


def render_csv(data: dict[str, Any]) -> str:
    """The report of :func:`report_data` as one CSV table in long form.

    The columns are ``section, subject, date, btc_price, field, value``: one row per
    figure (layout in the docs).

    Examples
    --------
    >>> from treasurymodel import datasets
    >>> from treasurymodel.cli import render_csv, report_data
    >>> lines = render_csv(report_data(datasets.load("mstr-2022q2"))).splitlines()
    >>> lines[0]
    'section,subject,date,btc_price,field,value'
    >>> [line for line in lines if line.startswith("margin_call_prices,BTC")]
    ['margin_call_prices,BTC-backed term loan,,,price,3561.841385121928']
    """
    out = _io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
    for row in _csv_rows(data):
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue()


def _fmt(value: float | None, kind: str) -> str:
    if value is None:
        return "-"
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if kind == "money":
        return f"{value / 1e6:,.1f}"
    if kind == "price":
        return f"{value:,.2f}"
    if kind == "ratio":
        return f"{value:,.3f}"
    if kind == "count":
        return f"{value:,.0f}"
    if kind == "small":
        return f"{value:.6g}"
    return f"{value:,.1f}"


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    align: str = "",
    indent: str = "  ",
) -> list[str]:
    """Aligned text columns; ``align`` has one ``l`` or ``r`` per column (``l`` + ``r``...)."""
    n = len(header)
    align = (align or "l" + "r" * (n - 1)).ljust(n, "r")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(n)]
    lines = []
    for r in [header, *rows]:
        cells = [
            str(c).ljust(widths[i]) if align[i] == "l" else str(c).rjust(widths[i])
            for i, c in enumerate(r)
        ]
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines


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
        ("btc_reserve", f"{asset} Reserve {money}", "money"),
        ("market_cap", f"Market cap {money}", "money"),
        ("enterprise_value", f"Enterprise value {money}", "money"),
        ("mnav", "mNAV (EV / reserve)", "ratio"),
        ("mnav_simple", "mNAV (market cap / reserve)", "ratio"),
        ("debt", f"Debt {money}", "money"),
        ("pref", f"Preferred {money}", "money"),
        ("cash", f"Cash {money}", "money"),
        ("amplification", "Amplification", "ratio"),
        ("net_leverage", "Net leverage", "ratio"),
        ("annual_obligations", f"Annual obligations {money}", "money"),
        ("btc_years_of_coverage", f"{asset} years of coverage", "plain"),
        ("usd_months_of_coverage", "Cash months of coverage", "plain"),
        ("nav", f"Equity NAV {money}", "money"),
        ("nav_per_share", "NAV per share", "price"),
        ("nav_per_share_diluted", "NAV per share, diluted", "price"),
        ("shares_if_converted", "Shares if converted", "count"),
        ("unrealized_gain", f"Unrealized gain {money}", "money"),
        ("btc_per_share", f"{asset} per diluted share", "small"),
    ]
    rows = data["metrics"]
    header = ["Balance-sheet metrics", *(f"at {asset} {r['btc_price']:,.2f}" for r in rows)]
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
            _fmt(r["btc_price"], "price"),
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


# ---------------------------------------------------------------------------------------
# Argument parsing
# ---------------------------------------------------------------------------------------


def _number_argument(
    *,
    whole: bool = False,
    positive: bool = False,
    non_negative: bool = False,
    at_least: float | None = None,
    at_most: float | None = None,
) -> Callable[[str], Any]:
    """An argparse ``type=``: a finite number (``1,000`` and ``1_000`` allowed) in a range.

    A bad value is a usage error (exit code 2) naming the option.
    """
    kind = "whole number" if whole else "number"

    def parse(text: str) -> Any:
        value = parse_number(text, whole=whole)
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be a finite {kind}, got {text!r}")
        if positive and value <= 0:
            raise argparse.ArgumentTypeError(f"must be a positive {kind}, got {text!r}")
        if non_negative and value < 0:
            raise argparse.ArgumentTypeError(f"must not be negative, got {text!r}")
        if at_least is not None and value < at_least:
            raise argparse.ArgumentTypeError(f"must be at least {at_least:g}, got {text!r}")
        if at_most is not None and value > at_most:
            raise argparse.ArgumentTypeError(f"must be at most {at_most:g}, got {text!r}")
        return value

    return parse


_GROUPED: Final = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?([eE][+-]?\d+)?")
"""A number with its thousands grouped by commas: ``1,000``, ``68,141.5``, ``-1,000,000``."""


def parse_number(text: str, *, whole: bool = False) -> float | int:
    """A number written on the command line: ``0.5``, ``1e6``, ``1_000`` or ``1,000,000``.

    A comma may only group thousands (three digits after each comma, one to three before
    the first); anything else, such as the decimal comma of ``0,5`` or ``68141,5``, is
    refused rather than read as something else. With ``whole`` the number must be an
    integer (``2.5`` and ``1e6`` are refused).

    Raises
    ------
    argparse.ArgumentTypeError
        If ``text`` is not such a number (argparse turns it into a usage error, exit 2).

    Examples
    --------
    >>> parse_number("68,141.5"), parse_number("1_000", whole=True), parse_number("-2e-1")
    (68141.5, 1000, -0.2)
    >>> parse_number("0,5")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: not a number: '0,5' (a comma only groups thousands, ...: 0.5)
    """
    kind = "whole number" if whole else "number"
    cleaned = text.strip()
    if "," in cleaned:
        if not _GROUPED.fullmatch(cleaned):
            hint = cleaned.replace(",", ".") if cleaned.count(",") == 1 else None
            tip = f"; write a decimal point: {hint}" if hint is not None else ""
            raise argparse.ArgumentTypeError(
                f"not a {kind}: {text!r} (a comma only groups thousands, as in 1,000,000{tip})"
            )
        cleaned = cleaned.replace(",", "")
    try:
        return int(cleaned) if whole else float(cleaned)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a {kind}: {text!r}") from None


_price = _number_argument(positive=True)


def _grid(text: str) -> list[float]:
    prices = [_price(part) for part in text.split(",") if part.strip()]
    if not prices:
        raise argparse.ArgumentTypeError(f"no prices given, got {text!r}")
    return prices


_FIGURE_SUFFIXES: Final = (".png", ".svg")
_FIGURE_DPI: Final = 150  # resolution of the PNG files the command writes


def _figure_argument(text: str) -> str:
    """An argparse ``type=``: the name of a figure file, ending in .png or .svg."""
    if os.path.splitext(text)[1].lower() not in _FIGURE_SUFFIXES:
        raise argparse.ArgumentTypeError(f"must end in .png or .svg, got {text!r}")
    return text


def _check_output(path: str, option: str) -> None:
    """Invalid input (exit code 1) if ``path`` cannot be written: checked before any work."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValidationError(option, path, f"cannot be written: no directory {folder!r}")
    if os.path.isdir(path):
        raise ValidationError(option, path, "cannot be written: it is a directory")


def _save_figure(fig: Any, path: str, option: str) -> None:
    """``fig.savefig(path)`` at 150 dpi, atomically, then the status line ``wrote PATH``.

    The figure is written to a temporary file in the same folder and renamed onto ``path``:
    a failed write leaves an existing file as it was. A failure to write is invalid input
    naming ``option``. The status line goes to standard error (standard output carries
    the command's data), and only once the file is in place.
    """
    suffix = os.path.splitext(path)[1].lower().lstrip(".")
    atomic_write(
        Path(path),
        lambda tmp: fig.savefig(tmp, dpi=_FIGURE_DPI, format=suffix),
        field=option,
    )
    _status(f"wrote {path}")


def _status(line: str) -> None:
    """A status line (``wrote fan.png``) on standard error, after any data on standard output."""
    if sys.stdout is not None:
        sys.stdout.flush()
    if sys.stderr is not None:
        sys.stderr.write(printable(line) + "\n")


_EXAMPLES: Final = {
    "report": """examples:
  treasurymodel report mstr-2026-02
  treasurymodel report mstr-2022q2 --btc-price 20000 --btc-price 10000
  treasurymodel report company.toml --share-price 120 --format json > report.json""",
    "datasets": """examples:
  treasurymodel datasets
  treasurymodel datasets mstr-2026-02 > my-company.toml""",
    "validate": """examples:
  treasurymodel validate company.toml
  treasurymodel validate company.json && echo valid""",
    "plot": """examples:
  treasurymodel plot mstr-2026-02 -o ladder.png
  treasurymodel plot mstr-2022q2 --kind nav -o nav.svg""",
}


Handler = Callable[[argparse.Namespace, argparse.ArgumentParser], int]


def _subcommand(
    sub: Any, name: str, *, help: str, description: str, epilog: str, handler: Handler
) -> argparse.ArgumentParser:
    """Add subcommand ``name``; its handler is called with the subcommand's own parser."""
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=help,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=handler, subparser=parser)
    return parser


def _source_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "source",
        metavar="DATASET|FILE",
        help="a bundled data set name (see `treasurymodel datasets`) or a company file "
        "(.toml or .json)",
    )


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
    from . import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    report = _subcommand(
        sub,
        "report",
        help="metrics, margin calls, maturity wall, springing tests, NAV grid",
        description="Balance-sheet metrics, margin-call prices, the maturity wall, springing "
        "tests and a NAV sensitivity grid. Prices default to the file's [market] section.",
        epilog=_EXAMPLES["report"],
        handler=_cmd_report,
    )
    _source_argument(report)
    report.add_argument(
        "--btc-price",
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

    ds = _subcommand(
        sub,
        "datasets",
        help="list the bundled data sets, or print one",
        description="List the bundled data sets; with a name, print that data set's file "
        "(with the source of every figure), a starting point for your own.",
        epilog=_EXAMPLES["datasets"],
        handler=_cmd_datasets,
    )
    ds.add_argument("name", nargs="?", help="print this data set's TOML file")

    validate = _subcommand(
        sub,
        "validate",
        help="check a company file",
        description="Check a company file against the treasurymodel/2 format (or /1); exit code 0 "
        "when it is valid, 1 (with one line naming the file, instrument and key) when not.",
        epilog=_EXAMPLES["validate"],
        handler=_cmd_validate,
    )
    validate.add_argument(
        "file", metavar="FILE", help="a company file (.toml or .json), or a data set name"
    )

    plot = _subcommand(
        sub,
        "plot",
        help="draw the maturity ladder or NAV per share against the BTC price",
        description="Draw a figure: the debt maturity ladder (default) or NAV per share "
        "against the BTC price. Needs matplotlib: pip install 'treasurymodel[plot]'.",
        epilog=_EXAMPLES["plot"],
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
        "--btc-price", metavar="P", type=_price, help="nav only: price to mark as current"
    )
    plot.add_argument(
        "--share-price", metavar="S", type=_price, help="nav only: share price to draw"
    )

    _add_optional_subcommands(sub)
    return parser


def _add_optional_subcommands(sub: Any) -> None:
    """Subcommands of their own modules (``stress``: Monte Carlo; ``credit``: credit view;
    ``compare``: companies side by side)."""
    for module in ("_cli_stress", "_cli_credit", "_cli_compare"):
        name = f"{__package__}.{module}"
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name).add_parser(sub)


# ---------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------


def _write(text: str) -> None:
    """``text`` on standard output; a closed standard output is invalid input (exit 1)."""
    if sys.stdout is None:  # started with standard output closed (``>&-``)
        raise OSError("standard output is closed: nowhere to write the result")
    sys.stdout.write(text)
    sys.stdout.flush()


def _cmd_report(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    company, label = load_source(args.source)
    try:
        data = report_data(
            company,
            btc_prices=args.btc_price,
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


def _cmd_datasets(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.name is not None:
        _write(datasets.text(args.name))
        return 0
    rows = []
    for name in datasets.names():
        co = datasets.load(name)
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


def _cmd_validate(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    company, _ = load_source(args.file)
    _write(
        f"{printable(args.file)}: valid {company.name!r} as of {company.as_of.isoformat()}, "
        f"{len(company.instruments)} instrument(s)\n"
    )
    return 0


def _cmd_plot(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.kind == "ladder" and (args.btc_price is not None or args.share_price is not None):
        parser.error("argument --btc-price/--share-price: only for --kind nav")
    _check_output(args.output, "--output")
    company, _ = load_source(args.source)
    from . import plot

    try:
        if args.kind == "ladder":
            fig = plot.maturity_ladder(company)
        else:
            fig = plot.nav_chart(company, btc_price=args.btc_price, share_price=args.share_price)
    except ValidationError as err:
        _option_error(parser, err, args)
    _save_figure(fig, args.output, "--output")
    return 0


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


_PRICE_OPTIONS: Final = {
    "btc_price": ("--btc-price", "btc_price"),
    "btc_prices": ("--btc-price", "btc_price"),
    "share_price": ("--share-price", "share_price"),
    "grid": ("--grid", "grid"),
}
"""Error field -> (option, attribute of the parsed arguments) of ``report`` and ``plot``."""


def _option_error(
    parser: argparse.ArgumentParser, err: ValidationError, args: argparse.Namespace
) -> NoReturn:
    """Re-raise ``err``, as a usage error if it is about a price given on the command line."""
    option, attribute = _PRICE_OPTIONS.get(err.field.partition("[")[0], (None, ""))
    if option is not None and getattr(args, attribute, None) is not None:
        usage_error(parser, option, err)
    raise err


def usage_error(parser: argparse.ArgumentParser, option: str, err: ValidationError) -> NoReturn:
    """Report ``err`` about command-line ``option`` as a usage error (exit code 2).

    One rule for the command line: a value given on it that is not a number, or is out of
    its range, is a usage error, whether argparse or the library finds it.
    """
    parser.error(f"argument {option}: {err.reason}, got {shown(err.value)}")


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _silence_stdout() -> None:
    """After a closed pipe (``report | head``), stop Python complaining at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - best effort
        pass
