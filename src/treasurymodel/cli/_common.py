"""What the subcommands share: loading a source, number options, figure files, errors."""

from __future__ import annotations

import argparse
import importlib.util
import math
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final, NoReturn

import attrs
import numpy as np

from .. import datasets
from ..company import Company
from ..errors import ValidationError, shown
from ..io import atomic_write
from ..io import load as _load_file
from .render import _status

__all__ = ["PROG", "SeveralAssets", "load_source", "parse_number", "usage_error"]

PROG: Final = "treasurymodel"


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


_FIGURE_SUFFIXES: Final = (".png", ".svg")


_FIGURE_DPI: Final = 150  # resolution of the PNG files the command writes


def _figure_argument(text: str) -> str:
    """An argparse ``type=``: the name of a figure file, ending in .png or .svg."""
    if os.path.splitext(text)[1].lower() not in _FIGURE_SUFFIXES:
        raise argparse.ArgumentTypeError(f"must end in .png or .svg, got {text!r}")
    return text


_PLOT_HINT: Final = "--plot needs matplotlib: pip install 'treasurymodel[plot]'"


def _check_figure_output(path: str, option: str) -> None:
    """Before any work: matplotlib is installed (else the ImportError the command line turns
    into its install hint) and the figure file ``path`` of ``option`` can be written."""
    if importlib.util.find_spec("matplotlib") is None:
        raise ImportError(_PLOT_HINT)
    _check_output(path, option)


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


_PRICE_OPTIONS: Final = {
    "asset_price": ("--asset-price", "asset_price"),
    "asset_prices": ("--asset-price", "asset_price"),
    "fixed_prices": ("--asset-price", "asset_price"),
    "share_price": ("--share-price", "share_price"),
    "grid": ("--grid", "grid"),
}
"""Error field -> (option, attribute of the parsed arguments) of ``report`` and ``plot``."""


def _option_error(
    parser: argparse.ArgumentParser, err: ValidationError, args: argparse.Namespace
) -> NoReturn:
    """Re-raise ``err``, as a usage error if it is about a price given on the command line."""
    option, attribute = _PRICE_OPTIONS.get(err.field.partition("[")[0], (None, ""))
    given = getattr(args, attribute, None) is not None
    if option is not None and given and err.value is not None:  # None: the file's gap
        usage_error(parser, option, err)
    raise err


def usage_error(parser: argparse.ArgumentParser, option: str, err: ValidationError) -> NoReturn:
    """Report ``err`` about command-line ``option`` as a usage error (exit code 2).

    One rule for the command line: a value given on it that is not a number, or is out of
    its range, is a usage error, whether argparse or the library finds it.
    """
    parser.error(f"argument {option}: {err.reason}, got {shown(err.value)}")


def _asset_price_argument(text: str) -> float | tuple[str, float]:
    """An argparse ``type=``: a price ``P`` (the primary asset's) or ``ASSET=P``."""
    key, sep, value = text.partition("=")
    if not sep:
        return float(_price(text))
    if not key.strip():
        raise argparse.ArgumentTypeError(f"must be P or ASSET=P, got {text!r}")
    return key.strip(), float(_price(value))


def _price_text(company: Company, asset: str, price: float) -> str:
    """``BTC 100,000.00`` (with the price currency when it is not the reporting one)."""
    held = next(h for h in company.holdings if h.asset == asset)
    ccy = held.price_currency
    foreign = f" {ccy}" if ccy is not None and ccy != company.currency else ""
    return f"{asset} {price:,.2f}{foreign}"


@attrs.frozen(kw_only=True)
class SeveralAssets:
    """The command line's reading of the prices of a company holding several assets.

    The one place that reading lives (``report``, ``plot`` and ``credit`` use it). A price
    ``P`` given on the command line (``--asset-price P``) is the primary asset's; every other
    asset moves in proportion from its ``[market]`` price (the ratio of its ``[market]``
    price to the primary's: a common shock), unless the user fixes it with
    ``--asset-price ASSET=P``. Break prices are common shocks from the first row's prices:
    the primary asset's price at which, every asset price scaled by the same factor, the
    threshold is met (as :func:`treasurymodel.compare` reports them).

    Attributes
    ----------
    assets
        The assets held, the primary first.
    rows
        The price of every asset at each price of the primary asked for, in order.
    fixed
        The assets whose price the user fixed (they do not move with the primary).
    ratios
        The price of each moving asset per unit of the primary's price.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings, Market
    >>> co = Company(name="Two", as_of=dt.date(2026, 1, 1), shares_basic=1e6,
    ...     holdings=[Holdings(asset="BTC", units=1_000), Holdings(asset="ETH", units=20_000)],
    ...     market=Market(asset_prices={"BTC": 100_000.0, "ETH": 3_000.0}))
    >>> reading = SeveralAssets.of(co, [50_000.0])
    >>> reading.rows
    ({'BTC': 50000.0, 'ETH': 1500.0},)
    >>> for part in reading.note.split("; "):
    ...     print(part)
    several assets: prices move together from BTC 50,000.00, ETH 1,500.00
    break prices are BTC prices, every asset price moving in proportion (a common shock)
    >>> SeveralAssets.of(co, [80_000.0, ("ETH", 2_500.0)]).rows
    ({'BTC': 80000.0, 'ETH': 2500.0},)
    """

    company: Company
    assets: tuple[str, ...]
    rows: tuple[dict[str, float], ...]
    fixed: tuple[str, ...]
    ratios: dict[str, float]

    @classmethod
    def of(
        cls,
        company: Company,
        given: Sequence[float | tuple[str, float]] | None,
        *,
        option: str = "--asset-price",
    ) -> SeveralAssets:
        """The reading of ``given`` (the values of ``--asset-price``) for ``company``.

        Raises
        ------
        ValidationError
            Naming ``option``: an asset named twice or not held, the primary's price given
            both as ``P`` and as ``ASSET=P``; naming the file: an asset without a ``[market]``
            price that is neither given nor fixed.
        """
        assets = tuple(h.asset for h in company.holdings)
        primary = assets[0]
        bare: list[float] = []
        named: dict[str, float] = {}
        for value in given or []:
            if isinstance(value, tuple):
                asset, price = value
                if asset not in assets:
                    raise ValidationError(
                        option,
                        asset,
                        f"names no asset held by {company.name!r} ({', '.join(assets)})",
                    )
                if asset in named:
                    raise ValidationError(option, asset, "is given twice")
                named[asset] = price
            else:
                bare.append(float(value))
        if primary in named:
            if bare:
                raise ValidationError(
                    option, primary, "is the primary asset: give its price once (P or ASSET=P)"
                )
            bare.append(named.pop(primary))
        market = company.market

        def market_price(i: int, asset: str) -> float | None:
            return None if market is None else market.price_of(asset, primary=i == 0)

        base = market_price(0, primary)
        ratios: dict[str, float] = {}
        for i, asset in enumerate(assets[1:], start=1):
            if asset in named:
                continue
            own = market_price(i, asset)
            if own is None or base is None:
                missing = asset if own is None else primary
                raise ValidationError(
                    option,
                    None,
                    f"{company.name!r} states no [market] price of {missing}, so {asset} cannot "
                    f"move with {primary}: fix its price ({asset}=P)",
                )
            ratios[asset] = own / base
        if not bare:
            if base is None:
                raise ValidationError(
                    option,
                    None,
                    f"{company.name!r} states no [market] price of {primary}: give one",
                )
            bare = [base]
        rows = tuple(
            {primary: p, **{a: named[a] if a in named else ratios[a] * p for a in assets[1:]}}
            for p in bare
        )
        return cls(
            company=company,
            assets=assets,
            rows=rows,
            fixed=tuple(a for a in assets[1:] if a in named),
            ratios=ratios,
        )

    @property
    def reference(self) -> dict[str, float]:
        """The first row's prices (the prices a single-price view, such as the credit
        table, is computed at)."""
        return self.rows[0]

    @property
    def shock_reference(self) -> dict[str, float]:
        """Where the common shocks of the break prices start: the first row's price of the
        primary and every other asset in its ``[market]`` ratio to it (an asset without a
        ``[market]`` price at its fixed price). Only the ratios matter to a break price
        quoted in the primary's price, so it does not depend on the rows' order, and a
        price fixed with ``ASSET=P`` does not stay fixed in it."""
        primary = self.assets[0]
        base = self.rows[0][primary]
        market = self.company.market
        primary_market = None if market is None else market.price_of(primary, primary=True)
        out = {primary: base}
        for asset in self.assets[1:]:
            if asset in self.ratios:
                out[asset] = self.ratios[asset] * base
                continue
            own = None if market is None else market.price_of(asset, primary=False)
            out[asset] = (
                self.rows[0][asset]
                if own is None or not primary_market
                else own / primary_market * base
            )
        return out

    def at(self, primary: Any) -> dict[str, Any]:
        """Every asset's price (or array of prices) at the primary's ``primary``."""
        ref = self.reference
        return {
            a: primary
            if a == self.assets[0]
            else (self._fixed(ref[a], primary) if a in self.fixed else self.ratios[a] * primary)
            for a in self.assets
        }

    @staticmethod
    def _fixed(price: float, like: Any) -> Any:
        return price if np.ndim(like) == 0 else np.full(np.shape(like), price)

    @property
    def note(self) -> str:
        """One line saying which reading was used (shown by every command)."""
        ref = self.reference
        prices = ", ".join(_price_text(self.company, a, ref[a]) for a in self.assets)
        fixed = f" ({', '.join(self.fixed)} fixed)" if self.fixed else ""
        anchor = (
            "; break prices start from the [market] price ratios, fixed prices included"
            if self.fixed
            else ""
        )
        return (
            f"several assets: prices move together from {prices}{fixed}; break prices are "
            f"{self.assets[0]} prices, every asset price moving in proportion (a common shock)"
            f"{anchor}"
        )

    def to_record(self) -> dict[str, Any]:
        """The reading as plain data (the ``several_assets`` key of the JSON output)."""
        return {
            "assets": list(self.assets),
            "reference_prices": dict(self.reference),
            "shock_reference_prices": dict(self.shock_reference),
            "fixed": list(self.fixed),
            "prices": [dict(row) for row in self.rows],
            "reading": self.note,
        }


def _cli_prices(
    company: Company,
    given: Sequence[float | tuple[str, float]] | None,
    parser: argparse.ArgumentParser,
) -> float | SeveralAssets | None:
    """The one price that ``--asset-price`` gives ``plot`` and ``credit``.

    A company holding one asset: its price (``P``, or ``ASSET=P`` naming that asset), or
    ``None`` for the file's. Several assets: their :class:`SeveralAssets` reading. Anything
    else given on the command line is a usage error; a price the file lacks is invalid input.
    """
    values = list(given or [])
    if len(company.holdings) == 1:
        for value in values:
            if isinstance(value, tuple) and value[0] != company.assets[0]:
                bad = ValidationError("--asset-price", value[0], "names no asset held")
                usage_error(parser, "--asset-price", bad)
        prices = [v[1] if isinstance(v, tuple) else v for v in values]
        if len(prices) > 1:
            usage_error(
                parser,
                "--asset-price",
                ValidationError("--asset-price", prices, "takes one price"),
            )
        return prices[0] if prices else None
    try:
        reading = SeveralAssets.of(company, values)
    except ValidationError as err:
        if err.value is not None:  # a value given on the command line
            usage_error(parser, "--asset-price", err)
        raise ValidationError("--asset-price", None, err.reason) from None
    if len(reading.rows) > 1:
        bad = ValidationError("--asset-price", values, "takes one price of the primary asset")
        usage_error(parser, "--asset-price", bad)
    return reading
