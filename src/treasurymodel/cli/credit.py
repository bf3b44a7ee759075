"""The ``treasurymodel credit`` subcommand: the credit view of every security.

Registered by :mod:`treasurymodel.cli` through :func:`add_parser`. For each debt and preferred
security, most senior first, it prints the BTC Rating, the BTC Risk (closed form, lognormal
asset) over the horizon and the BTC Credit spread; with ``--price`` and ``--risk-free`` also
the effective yield, the market spread and the credit surplus; with ``--simulate`` the
probability of impairment and the expected loss from a Monte Carlo run of the scenario engine;
and the common's BTC Rating. The data behind it is :func:`credit_data` (one
:class:`~treasurymodel.credit.CreditTable`).
"""

from __future__ import annotations

import argparse
import csv
import io as _io
import math
import sys
from typing import Any, Final

from .._render import fmt as _fmt
from ..company import Company
from ..credit import (
    DEFINITIONS,
    EVENTS,
    YIELD_TO,
    CreditTable,
    SimulatedCredit,
    credit_table,
    simulated_credit,
)
from ..errors import ValidationError
from ..simulation import GBM
from ._common import (
    SeveralAssets,
    _asset_price_argument,
    _cli_prices,
    _number_argument,
    _price,
    _source_argument,
    _subcommand,
    load_source,
)
from .render import _json_text, _table

__all__ = ["add_parser", "credit_data", "render_csv", "render_json", "render_table"]

_EPILOG: Final = """examples:
  treasurymodel credit mstr-2026-02 --vol 0.5
  treasurymodel credit mstr-2026-02 --vol 0.6 --return 0.1 --horizon 5 --event before_horizon
  treasurymodel credit mstr-2026-02 --vol 0.5 --definition dashboard \\
      --price STRF=105 --price STRD=75 --risk-free 0.04 --format csv
  treasurymodel credit mstr-2026-02 --vol 0.6 --simulate --paths 10000 --years 5 --seed 1

BTC Risk is the probability that a security's BTC Rating falls below 1x by the horizon, with
the asset price lognormal (volatility --vol, expected return --return, continuously
compounded). BTC Credit = -ln(1 - BTC Risk) / horizon. --simulate runs the scenario engine on
--paths GBM paths with the same volatility and return over --years (default: the horizon):
impairment is a missed or deferred dividend or a default while the security is outstanding;
expected loss is what the liquidation by seniority at default leaves unpaid, undiscounted, as
a fraction of the security's notional."""

_OPTIONS: Final = {
    "asset_volatility": "--vol",
    "expected_return": "--return",
    "horizon": "--horizon",
    "asset_price": "--asset-price",
    "share_price": "--share-price",
    "risk_free_rate": "--risk-free",
    "to": "--yield-to",
    "years": "--years",
    "paths": "--paths",
    "seed": "--seed",
}


def _market_price(text: str) -> tuple[str, float]:
    """An argparse ``type=``: ``NAME=PRICE``."""
    name, sep, value = text.rpartition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"must be NAME=PRICE, got {text!r}")
    return name, _price(value)


def add_parser(subparsers: Any) -> None:
    """Register the ``credit`` subcommand on ``subparsers`` (from ``add_subparsers``).

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="treasurymodel")
    >>> add_parser(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["credit", "mstr-2026-02", "--vol", "0.5"])
    >>> args.command, args.vol, args.expected_return, args.horizon, args.definition
    ('credit', 0.5, 0.0, 1.0, 'reserve')
    """
    credit = _subcommand(
        subparsers,
        "credit",
        help="BTC Rating, BTC Risk and BTC Credit of every security",
        description="The credit view of every debt and preferred security, most senior first:\n"
        "BTC Rating, BTC Risk (closed form, lognormal asset) and the BTC Credit spread; with\n"
        "market prices, the effective yield, the spread over a risk-free rate and the credit\n"
        "surplus; and the common stock's BTC Rating.",
        epilog=_EPILOG,
        handler=_cmd_credit,
    )
    _source_argument(credit)
    credit.add_argument(
        "--vol",
        required=True,
        type=_number_argument(positive=True, at_most=10),
        metavar="V",
        help="annual volatility of the asset, above 0 and at most 10 (0.5 for 50%%)",
    )
    credit.add_argument(
        "--return",
        dest="expected_return",
        type=_number_argument(),
        default=0.0,
        metavar="MU",
        help="expected annual return of the asset, continuously compounded, -10 to 10 (0)",
    )
    credit.add_argument(
        "--horizon", type=_price, default=1.0, metavar="T", help="years ahead, at most 1000 (1)"
    )
    credit.add_argument(
        "--event",
        choices=EVENTS,
        default="at_horizon",
        help="impairment below 1x on the horizon date (at_horizon) or at any time before it",
    )
    credit.add_argument(
        "--definition",
        choices=DEFINITIONS,
        default="reserve",
        help="BTC Rating definition (reserve: BTC Reserve / claims; dashboard: claims net of "
        "the USD Reserve; asset_coverage: reserve + cash + other assets over claims)",
    )
    credit.add_argument(
        "--asset-price",
        type=_asset_price_argument,
        action="append",
        metavar="P|ASSET=P",
        help="asset price (default: the file's [market] asset_price); several assets held: "
        "the primary's, the others moving in proportion from their [market] prices unless "
        "fixed with ASSET=P, e.g. ETH=3000",
    )
    credit.add_argument(
        "--share-price",
        type=_price,
        metavar="S",
        help="share price for the common's rating (default: [market] share_price)",
    )
    credit.add_argument(
        "--price",
        dest="prices",
        type=_market_price,
        action="append",
        metavar="NAME=PRICE",
        help="market price of a security (per share, or per 100 of a note); repeat",
    )
    credit.add_argument(
        "--risk-free",
        type=_number_argument(),
        metavar="R",
        help="risk-free rate for the market spread and the credit surplus (0.04 for 4%%)",
    )
    credit.add_argument(
        "--yield-to", choices=YIELD_TO, default="maturity", help="a note's yield runs to this"
    )
    credit.add_argument(
        "--simulate",
        action="store_true",
        help="add the simulated impairment probability and expected loss (Monte Carlo)",
    )
    credit.add_argument(
        "--paths",
        type=_number_argument(whole=True, positive=True),
        default=10_000,
        metavar="N",
        help="paths of the simulation (10000)",
    )
    credit.add_argument(
        "--years",
        type=_price,
        metavar="Y",
        help="years simulated (default: --horizon)",
    )
    credit.add_argument(
        "--seed",
        type=_number_argument(whole=True, non_negative=True),
        default=0,
        metavar="S",
        help="seed of the simulation (0)",
    )
    credit.add_argument(
        "--format", choices=("table", "json", "csv"), default="table", help="output format"
    )


def _option_error(err: ValidationError) -> ValidationError:
    """``err`` naming the command-line option its field came from."""
    field = err.field.split("[")[0]
    if field in _OPTIONS:
        return ValidationError(_OPTIONS[field], err.value, err.reason)
    if field == "market_prices":
        return ValidationError("--price", err.value, err.reason)
    return err


def credit_data(table: CreditTable, company: Company, source: str) -> dict[str, Any]:
    """The command's output as plain data: company, inputs, one row per security, the common.

    Examples
    --------
    >>> from treasurymodel import credit_table, datasets
    >>> co = datasets.load("mstr-2026-02")
    >>> data = credit_data(credit_table(co, asset_volatility=0.5, expected_return=0.0), co,
    ...                    "data set mstr-2026-02")
    >>> data["securities"][-1]["security"], data["inputs"]["definition"]
    ('STRD', 'reserve')
    """
    rows = [table.row(name) for name in table.security]
    sim = table.simulated
    return {
        "company": {
            "name": company.name,
            "ticker": company.ticker,
            "as_of": company.as_of,
            "currency": company.currency,
            "asset": company.holdings[0].asset,
            "source": source,
        },
        "inputs": {
            "asset_price": table.asset_price,
            "share_price": table.share_price,
            "asset_volatility": table.asset_volatility,
            "expected_return": table.expected_return,
            "horizon": table.horizon,
            "event": table.event,
            "definition": table.definition,
            "risk_free_rate": table.risk_free_rate,
        },
        "securities": rows,
        "common": {"btc_rating": table.common_rating, "share_price": table.share_price},
        "simulation": None
        if sim is None
        else {
            "paths": sim.paths,
            "years": sim.years,
            "horizons": sim.horizons.tolist(),
            "default_probability": sim.default_probability.tolist(),
            "impairment_by_horizon": {
                name: sim.impairment[i].tolist() for i, name in enumerate(sim.security)
            },
            "discount_rate": sim.discount_rate,
        },
    }


def render_json(data: dict[str, Any]) -> str:
    """:func:`credit_data` as one JSON object (``null`` where there is no market figure).

    Examples
    --------
    >>> import json
    >>> from treasurymodel import credit_table, datasets
    >>> co = datasets.load("mstr-2026-02")
    >>> t = credit_table(co, asset_volatility=0.5, expected_return=0.0)
    >>> doc = json.loads(render_json(credit_data(t, co, "x")))
    >>> doc["securities"][0]["effective_yield"] is None
    True
    """
    return _json_text(data)


def render_csv(data: dict[str, Any]) -> str:
    """:func:`credit_data` as CSV: one row per security, then the common's rating.

    Examples
    --------
    >>> from treasurymodel import credit_table, datasets
    >>> co = datasets.load("mstr-2026-02")
    >>> t = credit_table(co, asset_volatility=0.5, expected_return=0.0)
    >>> render_csv(credit_data(t, co, "x")).splitlines()[0].split(",")[:4]
    ['security', 'kind', 'rank', 'amount']
    """
    out = _io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = list(CreditTable.COLUMNS)
    if data.get("simulation") is not None:
        columns += CreditTable.SIMULATED_COLUMNS
    writer.writerow(columns)

    def cell(value: Any) -> Any:
        return "" if value is None else value  # no market figure

    for row in data["securities"]:
        writer.writerow([cell(row[c]) for c in columns])
    common = data["common"]["btc_rating"]
    if common is not None:
        writer.writerow(["common", "common", "", "", "", common] + [""] * (len(columns) - 6))
    return out.getvalue()


def render_table(data: dict[str, Any]) -> str:
    """:func:`credit_data` as aligned text (amounts in millions).

    Examples
    --------
    >>> from treasurymodel import credit_table, datasets
    >>> co = datasets.load("mstr-2026-02")
    >>> t = credit_table(co, asset_volatility=0.5, expected_return=0.0)
    >>> print(render_table(credit_data(t, co, "data set mstr-2026-02")).splitlines()[0])
    Strategy (MSTR), credit view as of 2026-02-01  [data set mstr-2026-02]
    """
    co, inputs = data["company"], data["inputs"]
    title = co["name"] + (f" ({co['ticker']})" if co["ticker"] else "")
    rate = inputs["risk_free_rate"]
    out = [
        f"{title}, credit view as of {co['as_of'].isoformat()}  [{co['source']}]",
        f"  {co['asset']} {inputs['asset_price']:,.2f}; "
        f"volatility {inputs['asset_volatility']:.1%}, "
        f"expected return {inputs['expected_return']:.1%}, horizon {inputs['horizon']:g} "
        f"year{'' if inputs['horizon'] == 1 else 's'} "
        f"({inputs['event']}); BTC Rating definition {inputs['definition']!r}"
        + ("" if rate is None else f"; risk-free {rate:.2%}"),
    ]
    if "several_assets" in data:  # the reading of a company holding several assets
        out.extend(f"  {part}" for part in data["several_assets"]["reading"].split("; "))
    out.append("")
    rows = data["securities"]
    market = any(r["market_price"] is not None for r in rows)
    header = [
        "security",
        "rank",
        f"claim ({co['currency']} M)",
        "BTC Rating",
        "break price",
        "BTC Risk",
        "BTC Credit",
    ]
    if market:
        header += ["price", "yield", "market spread", "surplus"]
    sim = data.get("simulation")
    if sim is not None:
        header += [f"impaired {sim['years']:g}y", "expected loss"]

    def pct(x: float | None) -> str:
        if x is None:
            return "-"
        return ("inf" if x > 0 else "-inf") if math.isinf(x) else f"{100 * x:.2f}%"

    body = []
    for r in rows:
        cells = [
            r["security"],
            str(r["rank"]),
            _fmt(r["claim"], "money"),
            _fmt(r["rating"], "ratio"),
            _fmt(r["break_price"], "price"),
            pct(r["risk"]),
            pct(r["spread"]),
        ]
        if market:
            cells += [
                "-" if r["market_price"] is None else _fmt(r["market_price"], "price"),
                pct(r["effective_yield"]),
                pct(r["market_spread"]),
                pct(r["credit_surplus"]),
            ]
        if sim is not None:
            cells += [pct(r["impairment"]), pct(r["expected_loss"])]
        body.append(cells)
    if body:
        out += _table(header, body, indent="")
    else:
        out.append("No debt and no preferred stock: no security has a claim on the reserve.")
    common = data["common"]
    out.append("")
    if common["btc_rating"] is None:
        out.append("Common stock: no share price given, no BTC Rating")
    else:
        out.append(
            f"Common stock: BTC Rating {_fmt(common['btc_rating'], 'ratio')} at share price "
            f"{_fmt(common['share_price'], 'price')}"
        )
    if sim is not None:
        out.append(
            f"Simulated: {sim['paths']:,} GBM paths over {sim['years']:g} years; the company "
            f"defaults on {pct(sim['default_probability'][-1])} of them; expected loss is "
            "undiscounted, a fraction of notional"
        )
    return "\n".join(out) + "\n"


def _simulate(company: Company, args: argparse.Namespace) -> SimulatedCredit:
    """The simulated credit view the options ask for (GBM paths at the closed form's inputs)."""
    asset_price = args.asset_price
    if asset_price is None:
        if company.market is None:
            raise ValidationError(
                "asset_price", None, "is required: the company has no [market] price to default to"
            )
        asset_price = company.market.asset_price
    years = args.horizon if args.years is None else args.years
    return simulated_credit(
        company,
        model=GBM(asset_price=asset_price, drift=args.expected_return, volatility=args.vol),
        years=years,
        paths=args.paths,
        seed=args.seed,
        horizons=[years],
    )


def _asset_price(
    company: Company, args: argparse.Namespace, parser: argparse.ArgumentParser
) -> tuple[float | dict[str, float] | None, SeveralAssets | None]:
    """The ``asset_price`` of ``credit_table`` from ``--asset-price`` (and the reading)."""
    if len(company.holdings) > 1 and args.simulate:
        held = ", ".join(company.assets)
        parser.error(
            f"argument --simulate: simulates one asset's price; {company.name!r} holds "
            f"several ({held}): leave out --simulate (the closed form reads them together)"
        )
    reading = _cli_prices(company, args.asset_price, parser)
    if isinstance(reading, SeveralAssets):
        return dict(reading.reference), reading
    return reading, None


def _cmd_credit(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    company, label = load_source(args.source)
    asset_price, reading = _asset_price(company, args, parser)
    args.asset_price = asset_price if reading is None else None
    prices: dict[str, float] = {}
    for name, price in args.prices or []:
        if name in prices:  # as for compare's --asset-price: never a silent choice of one
            raise ValidationError("--price", name, "is given twice")
        prices[name] = price
    try:
        table = credit_table(
            company,
            asset_volatility=args.vol,
            expected_return=args.expected_return,
            horizon=args.horizon,
            asset_price=asset_price,
            share_price=args.share_price,
            event=args.event,
            definition=args.definition,
            market_prices=prices,
            risk_free_rate=args.risk_free,
            to=args.yield_to,
            simulated=_simulate(company, args) if args.simulate else None,
        )
    except ValidationError as err:
        raise _option_error(err) from None
    data = credit_data(table, company, label)
    if reading is not None:
        data["several_assets"] = reading.to_record()
    render = {"json": render_json, "csv": render_csv, "table": render_table}[args.format]
    sys.stdout.write(render(data))
    return 0
