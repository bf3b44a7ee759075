"""``treasurymodel report``: metrics, margin calls, maturity wall, springing tests, NAV grid.

:func:`report_data` gathers everything the command shows as plain data; :func:`render_json`,
:func:`render_csv` and :func:`render_table` print it.
"""

from __future__ import annotations

import argparse
import csv
import io as _io
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np

from .._render import fmt as _fmt
from .._typing import ArrayLike
from ..company import Company
from ..errors import ValidationError
from ..instruments.capabilities import HasSpringing, MarginCallable
from ._common import (
    SeveralAssets,
    _asset_price_argument,
    _option_error,
    _price,
    _source_argument,
    _subcommand,
    load_source,
    usage_error,
)
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
  treasurymodel report company.toml --share-price 120 --format json > report.json
  treasurymodel report two-assets.toml --asset-price 50000 --asset-price ETH=3000

A company holding several assets: --asset-price P is the primary asset's price, the others
moving in proportion from their [market] prices unless fixed with --asset-price ASSET=P;
break prices are the primary's price with every asset price moving together."""


def _column(value: Any, n: int) -> list[float | None]:
    if value is None:
        return [None] * n
    return [float(v) for v in np.broadcast_to(np.asarray(value, dtype=np.float64), (n,))]


def _metrics_rows(
    company: Company,
    prices: Sequence[float],
    share_price: float | None,
    several: SeveralAssets | None = None,
) -> list[dict[str, float | None]]:
    from ..kpi import Metrics, metrics

    grid = np.asarray(prices, dtype=np.float64)
    m = metrics(
        company,
        asset_price=grid if several is None else several.at(grid),
        share_price=share_price,
    )
    n = len(prices)
    names = [field.name for field in attrs.fields(Metrics)]  # the fields, in their order
    columns = {name: _column(getattr(m, name), n) for name in names}
    return [{name: columns[name][i] for name in names} for i in range(n)]


def _margin_calls(company: Company) -> dict[str, Any]:
    from ..liquidation import joint_margin_call_price, margin_call_assets, margin_call_price

    loans = [
        i for i in company.instruments if isinstance(i, MarginCallable) and i.max_ltv is not None
    ]
    several = len(company.holdings) > 1
    rows = [
        {
            "instrument": loan.name,
            "max_ltv": loan.max_ltv,
            "pledged_units": loan.pledged_units,
            "price": margin_call_price(company, loan.name),
            # several assets: each loan's price is its own collateral asset's
            **({"asset": loan.collateral_asset or company.assets[0]} if several else {}),
        }
        for loan in loans
    ]
    if not several:
        joint = joint_margin_call_price(company) if loans else None
        return {"joint": joint, "instruments": rows}
    pledged = sorted(margin_call_assets(company)) if loans else []
    # one collateral asset: the loans together, in its price; several: no single price
    joint = joint_margin_call_price(company) if len(pledged) == 1 else None
    return {
        "joint": joint,
        "joint_asset": pledged[0] if len(pledged) == 1 else None,
        "instruments": rows,
    }


def _springing_tests(company: Company, several: SeveralAssets | None) -> list[dict[str, Any]]:
    from ..liquidation import springing_trigger_price

    rows: list[dict[str, Any]] = []
    for note in company.instruments:
        if not isinstance(note, HasSpringing):
            continue
        references = {c.date: c for c in note.springing}
        if several is None:
            triggers = list(springing_trigger_price(company, note.name))
        else:  # common scale factors, as prices of the primary asset
            base = several.shock_reference[several.assets[0]]
            triggers = [
                (when, None if scale is None else base * scale)
                for when, scale in springing_trigger_price(
                    company, note.name, shock=True, asset_price=several.shock_reference
                )
            ]
        for when, price in triggers:
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


def _maturity_wall(
    company: Company, springing: str, puts: bool, several: SeveralAssets | None = None
) -> dict[str, Any]:
    from ..liquidation import maturity_wall

    if several is None:
        wall = maturity_wall(company, springing=springing, puts=puts)  # type: ignore[arg-type]
        rows = [row.to_record() for row in wall]
    else:  # common scale factors, as prices of the primary asset
        wall = maturity_wall(
            company,
            springing=springing,  # type: ignore[arg-type]
            puts=puts,
            shock=True,
            asset_price=several.shock_reference,
        )
        base = several.shock_reference[several.assets[0]]
        rows = [{**row.to_record(), "breakeven_price": base * row.breakeven_price} for row in wall]
    return {
        "springing": wall.springing,
        "puts": wall.puts,
        "until": wall.until,
        "rows": rows,
        "springing_tests": _springing_tests(company, several),
    }


def _nav_grid(
    company: Company,
    grid: Sequence[float],
    share_price: float | None,
    several: SeveralAssets | None = None,
) -> list[dict[str, float | None]]:
    from ..liquidation import nav_sensitivity

    if several is not None:  # the other assets move with the primary (or stay fixed)
        rows = _metrics_rows(company, grid, share_price, several)
        keys = ("asset_price", "nav", "nav_per_share", "nav_per_share_diluted")
        return [
            {
                **{key: row[key] for key in keys},
                "share_price": share_price,
                "mnav": row["mnav"],
                "mnav_simple": row["mnav_simple"],
            }
            for row in rows
        ]
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
        "price_currency": company.holdings[0].price_currency or company.currency,
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
    fixed_prices: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """Everything ``treasurymodel report`` shows, as plain Python data.

    Parameters
    ----------
    company
        The balance sheet.
    asset_prices
        A price of the held asset, or a 1-d list or array of them (one ``metrics`` row
        each, in the order given); default the company's ``market.asset_price``. For a
        company holding several assets, prices of the primary asset: every other asset
        moves in proportion from its ``[market]`` price (a common shock) unless it is in
        ``fixed_prices``.
    share_price
        Price of one share; default the company's ``market.share_price`` (may be absent).
    grid
        Asset prices of the NAV sensitivity grid (a price or a 1-d list, sorted for the
        table); default :data:`GRID_MULTIPLES` times the first of ``asset_prices``.
    springing, puts
        Maturity-wall options (see :func:`treasurymodel.liquidation.maturity_wall`).
    source
        Label of where the company came from (shown in ``company.source``).
    fixed_prices
        Only for a company holding several assets: ``{asset: price}`` of assets held at a
        fixed price while the primary's varies (the command line's ``--asset-price
        ETH=3000``). A price of the primary asset here is its price (as ``asset_prices``).

    Returns
    -------
    dict
        The keys ``company``, ``metrics``, ``margin_call_prices``, ``maturity_wall`` and
        ``nav_sensitivity``, documented in *Files and the command line*. Dates are
        :class:`datetime.date` objects and numbers floats (``inf`` kept as ``inf``). A
        company holding several assets adds ``several_assets``, the reading of its prices
        (the one reading of the command line): its maturity-wall breakevens and
        springing triggers are common shocks from the first row's prices, as prices of the
        primary asset, and its margin-call prices are each in the loan's collateral asset.

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
    several: SeveralAssets | None = None
    if len(company.holdings) > 1:
        several = _several(company, asset_prices, fixed_prices)
        prices = [row[company.assets[0]] for row in several.rows]
    elif fixed_prices:
        raise ValidationError(
            "fixed_prices", fixed_prices, "is for a company holding several assets"
        )
    elif asset_prices is None:
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
    data = {
        "company": _company_summary(company, source or company.name),
        "metrics": _metrics_rows(company, prices, share_price, several),
        "margin_call_prices": _margin_calls(company),
        "maturity_wall": _maturity_wall(company, springing, puts, several),
        "nav_sensitivity": {
            "share_price": share_price,
            "rows": _nav_grid(company, sorted(grid_prices), share_price, several),
        },
    }
    if several is not None:
        data["several_assets"] = several.to_record()
    return data


def _several(company: Company, asset_prices: Any, fixed_prices: Any) -> SeveralAssets:
    """The reading of the prices of a company holding several assets."""
    given: list[float | tuple[str, float]] = []
    if asset_prices is not None:
        given += _price_list("asset_prices", asset_prices)
    if fixed_prices is not None:
        if not isinstance(fixed_prices, Mapping):
            raise ValidationError("fixed_prices", fixed_prices, "must be a dict {asset: price}")
        for asset, price in fixed_prices.items():
            (value,) = _price_list(f"fixed_prices[{asset!r}]", [price])
            if value <= 0:
                raise ValidationError(f"fixed_prices[{asset!r}]", price, "must be positive")
            given.append((str(asset), value))
    return SeveralAssets.of(
        company, given, option="fixed_prices" if fixed_prices else "asset_prices"
    )


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
        if key not in ("instruments", "other_holdings"):
            yield ("company", "", "", "", key, value)
    several = plain.get("several_assets")
    if several is not None:
        for holding in plain["company"]["other_holdings"]:
            for key, value in holding.items():
                if key != "asset":
                    yield ("company", holding["asset"], "", "", key, value)
        yield ("several_assets", "", "", "", "reading", several["reading"])
        for asset, price in several["reference_prices"].items():
            yield ("several_assets", asset, "", "", "reference_price", price)
        for asset in several["fixed"]:
            yield ("several_assets", asset, "", "", "fixed", "true")
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
        if "asset" in row:  # several assets: the price is of this loan's collateral
            yield ("margin_call_prices", row["instrument"], "", "", "asset", row["asset"])
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
    ]
    if "several_assets" in data:
        out.extend(f"  {part}" for part in data["several_assets"]["reading"].split("; "))
    quoted = co.get("price_currency", ccy)
    if quoted != ccy:  # prices in another currency than the amounts: say so once, and in columns
        out.append(
            f"  {asset} prices are in {quoted}, amounts in {ccy} (at the file's [market] fx)"
        )
    out.append("")

    reserve = "Reserve, every asset" if "several_assets" in data else f"{asset} Reserve"
    labels: list[tuple[str, str, str]] = [
        ("share_price", "Share price", "price"),
        ("asset_reserve", f"{reserve} {money}", "money"),
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
        (
            "asset_years_of_coverage",
            "Reserve years of coverage"
            if "several_assets" in data
            else f"{asset} years of coverage",
            "plain",
        ),
        ("cash_months_of_coverage", "Cash months of coverage", "plain"),
        ("nav", f"Equity NAV {money}", "money"),
        ("nav_per_share", "NAV per share", "price"),
        ("nav_per_share_diluted", "NAV per share, diluted", "price"),
        ("shares_if_converted", "Shares if converted", "count"),
        ("unrealized_gain", f"Unrealized gain {money}", "money"),
        ("units_per_share", f"{asset} per diluted share", "small"),
    ]
    rows = data["metrics"]
    unit = "" if quoted == ccy else f" {quoted}"
    header = [
        "Balance-sheet metrics",
        *(f"at {asset} {r['asset_price']:,.2f}{unit}" for r in rows),
    ]
    body = [[label, *(_fmt(r[key], kind) for r in rows)] for key, label, kind in labels]
    out += _table(header, body, indent="")
    out.append("")

    calls = data["margin_call_prices"]
    several = data.get("several_assets")
    if several is not None:
        out.append(
            "Margin-call prices (price of a loan's collateral asset below which its LTV limit "
            "cannot be met)"
        )
    else:
        out.append(
            f"Margin-call prices ({asset} price below which a loan's LTV limit cannot be met)"
        )
    if calls["instruments"] and several is not None:
        body = [
            [r["instrument"], r["asset"], f"{r['max_ltv']:.0%}", _fmt(r["price"], "price")]
            for r in calls["instruments"]
        ]
        joint = calls["joint_asset"]
        body.append(
            ["all loans together", joint, "", _fmt(calls["joint"], "price")]
            if joint is not None
            else ["all loans together", "several", "", "none"]
        )
        out += _table(["loan", "asset", "max LTV", "price"], body)
    elif calls["instruments"]:
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
    moving = "" if several is None else ", every asset moving with it,"
    out.append(
        f"Maturity wall (springing: {wall['springing']}; puts {puts}; breakeven = {asset} "
        f"price{moving} at which the holdings cover everything due so far)"
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
    out.append(f"Springing tests ({asset} price{moving} below which the maturity springs)")
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
        metavar="P|ASSET=P",
        type=_asset_price_argument,
        action="append",
        help="price of one unit of the held (primary) asset; repeat for several prices "
        "(default: [market] asset_price). Several assets held: the others move with it from "
        "their [market] prices unless fixed with ASSET=P, e.g. ETH=3000",
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
    bare, fixed = _split_prices(company, args.asset_price or [], parser)
    try:
        data = report_data(
            company,
            asset_prices=bare or None,
            fixed_prices=fixed or None,
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


def _split_prices(
    company: Company, given: Sequence[float | tuple[str, float]], parser: argparse.ArgumentParser
) -> tuple[list[float], dict[str, float]]:
    """``--asset-price`` values as prices of the primary asset and ``{asset: fixed price}``.

    ``ASSET=P`` naming the primary asset is its price ``P``; naming an asset not held, or
    one twice, is a usage error.
    """
    bare: list[float] = []
    fixed: dict[str, float] = {}
    for value in given:
        if not isinstance(value, tuple):
            bare.append(value)
            continue
        asset, price = value
        if asset not in company.assets:
            held = ", ".join(company.assets)
            usage_error(
                parser,
                "--asset-price",
                ValidationError("--asset-price", asset, f"names no asset held ({held})"),
            )
        if asset in fixed:
            usage_error(
                parser, "--asset-price", ValidationError("--asset-price", asset, "is given twice")
            )
        fixed[asset] = price
    if len(company.holdings) == 1 and fixed:  # naming the one asset held: its price
        if bare:
            usage_error(
                parser,
                "--asset-price",
                ValidationError("--asset-price", company.assets[0], "is given as P and ASSET=P"),
            )
        bare, fixed = list(fixed.values()), {}
    return bare, fixed
