"""The balance sheet: holdings, share counts, cash and the instruments a company carries."""

from __future__ import annotations

import datetime as _dt
import functools
import math
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Final

import attrs

from ._render import fmt, html_table, text_table
from .errors import ValidationError
from .instruments import (
    ConvertibleNote,
    Debt,
    Instrument,
    PreferredStock,
)
from .instruments.capabilities import Collateralized, DividendPaying, HasMaturity, HasSpringing
from .instruments.registry import is_instrument
from .validators import (
    _CURRENCY,
    check_finite,
    is_date,
    name_text,
    non_negative,
    optional,
    positive,
    required_currency,
    to_float,
    to_tuple,
)

__all__ = ["Company", "Holdings", "Market"]


def _unit_interval(instance: Any, attribute: attrs.Attribute[Any], value: float) -> None:
    if not 0.0 <= check_finite(f"Holdings.{attribute.name}", value) <= 1.0:
        raise ValidationError(f"Holdings.{attribute.name}", value, "must lie in [0, 1]")


@attrs.frozen(kw_only=True)
class Holdings:
    """Units of the reserve asset held and their total cost.

    Parameters
    ----------
    asset
        Ticker of the held asset (``"BTC"`` by default; nothing assumes BTC).
    units
        Units held.
    cost_basis
        Total cost of the units held, in the reporting currency.
    staking_yield
        Annual yield in units of the asset (0.03: 3 % more units a year), from 0 to 1. Read
        by the simulation; the static metrics value the units held today.
    price_currency
        Currency the asset's price is quoted in (``None``: the company's reporting
        currency). A price in another currency is converted at the FX rate of that
        currency into the reporting currency (see :func:`treasurymodel.assets.reserve_value`).

    Examples
    --------
    >>> h = Holdings(units=713_502, cost_basis=54.26e9)
    >>> round(h.average_cost)
    76047
    """

    asset: str = attrs.field(default="BTC", validator=name_text)
    units: float = attrs.field(converter=to_float, validator=non_negative)
    cost_basis: float = attrs.field(default=0.0, converter=to_float, validator=non_negative)
    staking_yield: float = attrs.field(default=0.0, converter=to_float, validator=_unit_interval)
    price_currency: str | None = attrs.field(default=None, validator=optional(required_currency))

    @property
    def average_cost(self) -> float:
        """Cost basis per unit (NaN when nothing is held).

        Examples
        --------
        >>> Holdings(units=2.0, cost_basis=100.0).average_cost
        50.0
        """
        return self.cost_basis / self.units if self.units > 0 else float("nan")


def _to_fx(value: Any) -> Any:
    """Converter: a mapping or pairs to sorted ``(code, rate)`` pairs; odd input left as is."""
    if isinstance(value, Mapping):
        items: list[Any] = list(value.items())
    elif isinstance(value, str | bytes):
        return value
    else:
        try:
            items = list(value)
        except TypeError:
            return value
    if not all(isinstance(item, tuple | list) and len(item) == 2 for item in items):
        return value
    pairs = [(k, to_float(v)) for k, v in items]
    if not all(isinstance(k, str) for k, _ in pairs):
        return tuple(pairs)  # the validator names the bad key
    return tuple(sorted(pairs))


def _prices_validator(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple) or not all(
        isinstance(p, tuple) and len(p) == 2 for p in value
    ):
        raise ValidationError(
            "Market.asset_prices", value, "must map asset tickers to prices, e.g. {'ETH': 3900}"
        )
    seen: set[str] = set()
    for asset, price in value:
        if not isinstance(asset, str) or not asset.strip():
            raise ValidationError("Market.asset_prices", asset, "keys must be asset tickers")
        if asset in seen:
            raise ValidationError("Market.asset_prices", asset, "gives this asset twice")
        seen.add(asset)
        if check_finite(f"Market.asset_prices.{asset}", price) <= 0:
            raise ValidationError(f"Market.asset_prices.{asset}", price, "must be positive")


def _fx_validator(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple) or not all(
        isinstance(p, tuple) and len(p) == 2 for p in value
    ):
        raise ValidationError(
            "Market.fx", value, "must map currency codes to rates, e.g. {'EUR': 1.188}"
        )
    seen: set[str] = set()
    for code, rate in value:
        if not isinstance(code, str) or not is_currency_code(code):
            raise ValidationError(
                "Market.fx", code, "keys must be three-letter currency codes (ASCII A-Z)"
            )
        if code in seen:
            raise ValidationError("Market.fx", code, "gives this currency twice")
        seen.add(code)
        if check_finite(f"Market.fx.{code}", rate) <= 0:
            raise ValidationError(f"Market.fx.{code}", rate, "must be positive")


@attrs.frozen(kw_only=True)
class Market:
    """Observed prices on a company's as-of date: the defaults for reports, never contract terms.

    Parameters
    ----------
    asset_price
        Price of the primary asset (the first holding), in its price currency.
    share_price
        Price of the common stock, in the reporting currency.
    asset_prices
        Prices of the other assets held, e.g. ``{"ETH": 3_900.0}`` (a price of the primary
        asset may be given here instead of ``asset_price``; giving both, they must agree).
    fx
        Reporting currency per unit of each foreign currency, e.g. ``{"EUR": 1.188}``: the
        rates at which instrument amounts and asset prices quoted in that currency are
        converted, unless a function is given other rates (``fx=``).

    Examples
    --------
    >>> Market(asset_price=68_141.0, share_price=114.45).share_price
    114.45
    >>> Market(asset_prices={"ETH": 3_900.0}, fx={"EUR": 1.188}).fx
    (('EUR', 1.188),)
    """

    asset_price: float | None = attrs.field(
        default=None, converter=to_float, validator=optional(positive)
    )
    share_price: float | None = attrs.field(
        default=None, converter=to_float, validator=optional(positive)
    )
    asset_prices: tuple[tuple[str, float], ...] = attrs.field(
        default=(), converter=_to_fx, validator=_prices_validator
    )
    fx: tuple[tuple[str, float], ...] = attrs.field(
        default=(), converter=_to_fx, validator=_fx_validator
    )

    def price_of(self, asset: str, *, primary: bool = False) -> float | None:
        """The observed price of ``asset`` (``primary``: it is the company's primary asset).

        Examples
        --------
        >>> m = Market(asset_price=90_000.0, asset_prices={"ETH": 3_000.0})
        >>> m.price_of("ETH"), m.price_of("BTC", primary=True), m.price_of("SOL")
        (3000.0, 90000.0, None)
        """
        if primary and self.asset_price is not None:
            return self.asset_price
        return dict(self.asset_prices).get(asset)


def check_company(value: Any, field: str = "company") -> Company:
    """``value`` if it is a :class:`Company`, else a ValidationError naming ``field``.

    Examples
    --------
    >>> check_company("MSTR")
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: company: must be a treasurymodel.Company, got 'MSTR'
    """
    if not isinstance(value, Company):
        raise ValidationError(field, value, "must be a treasurymodel.Company")
    return value


def one_asset(company: Company, what: str, instead: str = "") -> Company:
    """``company`` if it holds one asset priced in its reporting currency, else a
    ValidationError saying that ``what`` handles one asset (and what to use ``instead``).

    Examples
    --------
    >>> import datetime as dt
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), shares_basic=1,
    ...     holdings=[Holdings(asset="BTC", units=1), Holdings(asset="ETH", units=30)])
    >>> one_asset(co, "this model")
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: company: holds several assets ('BTC', 'ETH'); this \
model values one asset priced in the reporting currency, got 'X'
    """
    held = company.holdings
    if len(held) == 1 and held[0].price_currency in (None, company.currency):
        return company
    detail = (
        f"holds several assets {company.assets!r}"
        if len(held) > 1
        else (f"prices {held[0].asset} in {held[0].price_currency}")
    )
    reason = f"{detail}; {what} values one asset priced in the reporting currency"
    raise ValidationError("company", company.name, reason + (f" ({instead})" if instead else ""))


def is_currency_code(code: str) -> bool:
    """True for three ASCII capital letters such as ``"USD"``.

    Examples
    --------
    >>> is_currency_code("EUR"), is_currency_code("\uff35\uff33\uff24")
    (True, False)
    """
    return _CURRENCY.fullmatch(code) is not None


def add_exactly(partials: list[float], x: float) -> None:
    """Add ``x`` to an exact running sum kept as non-overlapping ``partials``, in place.

    Shewchuk's algorithm, the one :func:`math.fsum` runs: ``math.fsum(partials)`` is then the
    correctly rounded sum of every value added, as ``math.fsum`` of them all would be, and
    each addition costs a few steps (a double has at most about 40 partials), so a loader
    can check a running total after each instrument in linear time. A sum that leaves the
    float range becomes ``[inf]``.

    Examples
    --------
    >>> partials: list[float] = []
    >>> for x in (1e16, 1.0, -1e16):
    ...     add_exactly(partials, x)
    >>> math.fsum(partials)
    1.0
    """
    i = 0
    for y in list(partials):
        if abs(x) < abs(y):
            x, y = y, x
        hi = x + y
        if not math.isfinite(hi):
            partials[:] = [hi]
            return
        lo = y - (hi - x)
        if lo:
            partials[i] = lo
            i += 1
        x = hi
    partials[i:] = [x]


def pledge_excess(units: float, pledges: list[float], *, count: int | None = None) -> float:
    """How far the ``pledges`` (units pledged, one per instrument) exceed the ``units`` held.

    Returns 0.0 when they fit. The sum is exact (:func:`math.fsum`) and the only slack
    allowed is rounding: one unit in the last place of ``units`` per pledge (each amount
    written in decimal is within half of one of its float). So 0.1 + 0.2 coins pledged out
    of 0.3 held fit, while 900 coins too many out of 10^15 do not. ``pledges`` may also be
    the partials of :func:`add_exactly` with ``count`` the number of pledges added to them.
    A total beyond the float range exceeds any holding: the excess is ``inf``.

    Examples
    --------
    >>> pledge_excess(0.3, [0.1, 0.2]), pledge_excess(1e15, [1e15, 900.0])
    (0.0, 900.0)
    >>> pledge_excess(1.7e308, [1e308, 1e308])
    inf
    """
    n = len(pledges) if count is None else count
    try:
        total = math.fsum(pledges)
    except OverflowError:
        return math.inf
    if total <= units + n * math.ulp(units):
        return 0.0
    return total - units


def matured_debt(company_as_of: _dt.date, instruments: Any) -> int | None:
    """Position of the first debt instrument due on or before ``company_as_of``, or None.

    A company's debt is what it owes after its as-of date: a debt whose maturity falls on
    or before it has been repaid (leave it out of the file) or is in default, and the
    library refuses it everywhere (the metrics, the maturity wall and the simulations would
    otherwise disagree about it).

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Note
    >>> notes = [Note(name="a", principal=1, maturity=dt.date(2030, 1, 1)),
    ...          Note(name="b", principal=1, maturity=dt.date(2026, 1, 1))]
    >>> matured_debt(dt.date(2026, 1, 1), notes)
    1
    """
    for i, inst in enumerate(instruments):
        if isinstance(inst, HasMaturity) and inst.maturity <= company_as_of:
            return i
    return None


MATURED_REASON: Final = (
    "is on or before the company's as-of date {as_of}: a debt due by then is repaid "
    "(leave it out) or in default"
)


AS_OF_RANGE: Final = (_dt.date(2, 1, 1), _dt.date(9998, 12, 31))
"""The as-of dates a company may have: schedules look up to a year back (a dividend
period) and forward from it, and Python's calendar runs from year 1 to 9999."""


def _as_of_range(instance: Any, attribute: attrs.Attribute[Any], value: _dt.date) -> None:
    low, high = AS_OF_RANGE
    if not low <= value <= high:
        raise ValidationError(
            "Company.as_of", value, f"must lie between {low.isoformat()} and {high.isoformat()}"
        )


def _instance_of(cls: type) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    """Validator: an instance of ``cls`` (a ValidationError, not attrs' TypeError)."""

    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, cls):
            raise ValidationError(
                f"{type(instance).__name__}.{attribute.name}",
                value,
                f"must be a treasurymodel.{cls.__name__}",
            )

    return validate


def _to_holdings(value: Any) -> Any:
    """Converter: one :class:`Holdings` to a 1-tuple, a list of them to a tuple."""
    if isinstance(value, Holdings):
        return (value,)
    if isinstance(value, list | tuple):
        return tuple(value)
    return value


def _holdings_validator(instance: Company, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple) or not value:
        raise ValidationError(
            "Company.holdings", value, "must be a treasurymodel.Holdings or a list of them"
        )
    seen: set[str] = set()
    for i, item in enumerate(value):
        if not isinstance(item, Holdings):
            raise ValidationError(
                f"Company.holdings[{i}]", item, "must be a treasurymodel.Holdings"
            )
        if item.asset in seen:
            raise ValidationError(f"Company.holdings[{i}].asset", item.asset, "is not unique")
        seen.add(item.asset)


def _instruments_validator(instance: Company, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple):
        raise ValidationError("Company.instruments", value, "must be a list of instruments")
    for i, item in enumerate(value):
        if not is_instrument(item):
            raise ValidationError(f"Company.instruments[{i}]", item, "is not an instrument")


@attrs.frozen(kw_only=True, repr=False)
class Company:
    """A treasury company's balance sheet on its as-of date.

    Parameters
    ----------
    name
        Company name.
    as_of
        Date of the balance sheet, from 0002-01-01 to 9998-12-31.
    holdings
        The reserve assets held: one :class:`Holdings` or a list of them, stored as a tuple
        (at least one, each asset once). The first listed is the *primary* asset, the one a
        plain ``asset_price`` refers to.
    shares_basic
        Basic common shares outstanding.
    cash
        Cash and equivalents (including any reserve for dividends), reporting currency.
    currency
        Reporting currency (``"USD"``).
    ticker
        Optional ticker of the common stock.
    other_assets
        Value attributed to everything else (the operating business).
    shares_diluted
        Assumed diluted shares as reported, or ``None`` to derive it.
    other_dilutive_shares
        Options and restricted units, used when deriving the diluted count.
    instruments
        Debt and preferred stock, with unique names.
    market
        Optional observed prices on the as-of date (report defaults only) and the FX rates
        (``Market.fx``) that convert amounts in other currencies: every instrument in a
        foreign currency, and every asset priced in one, needs a rate there (the reporting
        currency, if listed, at 1).

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Note
    >>> co = Company(name="Example", as_of=dt.date(2026, 1, 1),
    ...     holdings=Holdings(units=1000, cost_basis=50e6), shares_basic=1e6, cash=5e6,
    ...     instruments=[Note(name="n", principal=10e6, maturity=dt.date(2030, 1, 1))])
    >>> co.instrument("n").principal
    10000000.0
    >>> co.total_debt
    10000000.0
    """

    name: str = attrs.field(validator=name_text)
    as_of: _dt.date = attrs.field(validator=[is_date, _as_of_range])
    holdings: tuple[Holdings, ...] = attrs.field(
        converter=_to_holdings, validator=_holdings_validator
    )
    shares_basic: float = attrs.field(converter=to_float, validator=positive)
    cash: float = attrs.field(default=0.0, converter=to_float, validator=non_negative)
    currency: str = attrs.field(default="USD", validator=required_currency)
    ticker: str | None = attrs.field(default=None, validator=optional(name_text))
    other_assets: float = attrs.field(default=0.0, converter=to_float, validator=non_negative)
    shares_diluted: float | None = attrs.field(
        default=None, converter=to_float, validator=optional(positive)
    )
    other_dilutive_shares: float = attrs.field(
        default=0.0, converter=to_float, validator=non_negative
    )
    instruments: tuple[Instrument, ...] = attrs.field(
        default=(), converter=to_tuple, validator=_instruments_validator
    )
    market: Market | None = attrs.field(default=None, validator=optional(_instance_of(Market)))

    def __attrs_post_init__(self) -> None:
        seen_assets = set(self.assets)
        names = [i.name for i in self.instruments]
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise ValidationError("Company.instruments.name", name, "is not unique")
            seen.add(name)
        fx = dict(self.fx)
        if fx.get(self.currency, 1.0) != 1.0:
            raise ValidationError(
                f"Market.fx.{self.currency}",
                fx[self.currency],
                "is the reporting currency: its rate is 1",
            )
        if self.market is not None and self.market.asset_price is not None:
            listed = dict(self.market.asset_prices).get(self.holdings[0].asset)
            if listed is not None and listed != self.market.asset_price:
                raise ValidationError(
                    f"Market.asset_prices.{self.holdings[0].asset}",
                    listed,
                    f"differs from Market.asset_price {self.market.asset_price!r} (the same "
                    "asset, the primary one)",
                )
        for held in self.holdings:
            code = held.price_currency
            if code is not None and code != self.currency and code not in fx:
                raise ValidationError(
                    "Holdings.price_currency", code, "has no fx rate in Market.fx"
                )
        preferred_names = {i.name for i in self.instruments if i.CLAIM == "preferred"}
        for inst in self.instruments:
            if (
                inst.currency is not None
                and inst.currency != self.currency
                and inst.currency not in fx
            ):
                raise ValidationError(
                    f"{inst.name}.currency", inst.currency, "has no fx rate in Market.fx"
                )
            if isinstance(inst, HasSpringing):
                for clause in inst.springing:
                    if clause.reference not in seen or clause.reference == inst.name:
                        raise ValidationError(
                            f"{inst.name}.springing.reference",
                            clause.reference,
                            "names no other instrument of the company",
                        )
                    if clause.reference in preferred_names:
                        raise ValidationError(
                            f"{inst.name}.springing.reference",
                            clause.reference,
                            "names a preferred stock; a springing test refers to debt",
                        )
        for inst in self.instruments:
            if (
                isinstance(inst, Collateralized)
                and inst.collateral_asset is not None
                and inst.collateral_asset not in seen_assets
            ):
                raise ValidationError(
                    f"{inst.name}.collateral_asset",
                    inst.collateral_asset,
                    f"names no asset held by {self.name!r}",
                )
        for held in self.holdings:
            excess = pledge_excess(held.units, self._pledges(held.asset))
            if excess > 0.0:
                raise ValidationError(
                    "Company.instruments.pledged_units",
                    excess + held.units,
                    f"exceeds the {held.units!r} {held.asset} units held by {excess!r}",
                )
        late = matured_debt(self.as_of, self.instruments)
        if late is not None:
            inst = self.instruments[late]
            raise ValidationError(
                f"{inst.name}.maturity",
                inst.maturity,  # type: ignore[union-attr]
                MATURED_REASON.format(as_of=self.as_of),
            )
        self._check_totals(fx)

    # --- one screen in a terminal, a small table in a notebook ----------------------------

    _SHOWN: ClassVar[int] = 15  # instruments listed by repr (the rest counted)

    def _summary(self) -> list[str]:
        cur = self.currency
        h = self.holdings[0]
        title = f"Company {self.name!r}" + (f" ({self.ticker})" if self.ticker else "")
        lines = [
            f"{title} as of {self.as_of.isoformat()}, reporting in {cur}",
            "holdings "
            + ", ".join(f"{x.units:,.10g} {x.asset}" for x in self.holdings)
            + f" (cost basis {fmt(sum(x.cost_basis for x in self.holdings), 'money')}M); "
            f"cash {fmt(self.cash, 'money')}M; other assets {fmt(self.other_assets, 'money')}M",
            f"shares {self.shares_basic:,.0f} basic, {self.diluted_shares:,.0f} diluted",
        ]
        if self.market is not None:
            lines[-1] += (
                f"; market: {h.asset} {fmt(self.market.asset_price, 'price')}, "
                f"share {fmt(self.market.share_price, 'price')}"
            )
        n = len(self.instruments)
        lines.append(
            f"{n} instrument{'' if n == 1 else 's'}: debt {fmt(self.total_debt, 'money')}M, "
            f"preferred {fmt(self.total_preferred, 'money')}M ({cur})"
        )
        return lines

    def _instrument_cells(self, limit: int | None) -> tuple[list[str], list[list[str]]]:
        header = ["instrument", "kind", "amount (M)", "rate", "maturity"]
        rows = []
        for inst in self.instruments[:limit]:
            rate = getattr(inst, "coupon", getattr(inst, "rate", None))
            maturity = getattr(inst, "maturity", None)
            rows.append(
                [
                    inst.name,
                    type(inst).KIND,
                    fmt(self.amount(inst), "money"),
                    "-" if rate is None else f"{rate:.3%}",
                    "-" if maturity is None else maturity.isoformat(),
                ]
            )
        return header, rows

    def __repr__(self) -> str:
        """One screen: the balance sheet in four lines, then the instruments (at most 15).

        Examples
        --------
        >>> import treasurymodel as tm
        >>> print(repr(tm.datasets.load("mstr-2022q2")).splitlines()[0])
        Company 'MicroStrategy' (MSTR) as of 2022-06-30, reporting in USD
        """
        lines = self._summary()
        if self.instruments:
            header, rows = self._instrument_cells(self._SHOWN)
            for i, row in enumerate(rows):
                if len(row[0]) > 40:
                    rows[i][0] = row[0][:39] + "…"
            table = text_table("", header, rows, "").split("\n")[1:-1]
            lines += table
            if len(self.instruments) > self._SHOWN:
                lines.append(f"  ... {len(self.instruments) - self._SHOWN} more instruments")
        return "\n".join(lines[:1] + ["  " + line for line in lines[1:4]] + lines[4:])

    def _repr_html_(self) -> str:
        """The balance sheet as a caption and the instruments as a small HTML table.

        Examples
        --------
        >>> import treasurymodel as tm
        >>> tm.datasets.load("mstr-2022q2")._repr_html_()[:16]
        '<table><caption>'
        """
        head, *rest = self._summary()
        header, rows = self._instrument_cells(None)
        return html_table(head + ": " + "; ".join(rest), header, rows, "amounts in millions")

    @property
    def fx(self) -> tuple[tuple[str, float], ...]:
        """The as-of FX rates, ``(code, rate)`` pairs: those of ``market`` (or none).

        Examples
        --------
        >>> import datetime as dt
        >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1),
        ...              shares_basic=1, market=Market(fx={"EUR": 1.188}))
        >>> co.fx
        (('EUR', 1.188),)
        """
        return () if self.market is None else self.market.fx

    def _pledges(self, asset: str | None = None) -> list[float]:
        """Units pledged, one per secured instrument, of ``asset`` (the primary by default)."""
        target = self.holdings[0].asset if asset is None else asset
        return list(self._pledge_lists.get(target, ()))

    @functools.cached_property
    def _pledge_lists(self) -> dict[str, list[float]]:
        """Units pledged, one per secured instrument, grouped by the asset pledged (once)."""
        primary = self.holdings[0].asset
        pledged: dict[str, list[float]] = {}
        for inst in self.instruments:
            if isinstance(inst, Collateralized):
                asset = primary if inst.collateral_asset is None else inst.collateral_asset
                pledged.setdefault(asset, []).append(inst.pledged_units)
        return pledged

    def _check_totals(self, fx: dict[str, float]) -> None:
        """Every amount and every total the library forms must stay a finite float."""
        total = self.cash + self.other_assets
        for inst in self.instruments:
            face = inst.face
            amount = face * (fx.get(inst.currency, 1.0) if inst.currency else 1.0)
            total += amount
            if not math.isfinite(total):
                raise ValidationError(
                    f"{inst.name}.{inst.FACE_FIELD}",
                    face,
                    "is too large: the company's total claims and assets leave the float range",
                )
        shares = self.shares_basic + self.other_dilutive_shares + self.convertible_shares
        if not math.isfinite(shares):
            raise ValidationError(
                "Company.shares_basic",
                self.shares_basic,
                "is too large: the share counts with conversions leave the float range",
            )
        for held in self.holdings:
            if not math.isfinite(held.units + held.cost_basis):
                raise ValidationError(
                    "Holdings.units", held.units, "is too large with the cost basis"
                )

    @property
    def assets(self) -> tuple[str, ...]:
        """Tickers of the assets held, the primary first.

        Examples
        --------
        >>> import datetime as dt
        >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), shares_basic=1,
        ...     holdings=[Holdings(asset="BTC", units=1), Holdings(asset="ETH", units=30)])
        >>> co.assets
        ('BTC', 'ETH')
        """
        return tuple(h.asset for h in self.holdings)

    def holding(self, asset: str | None = None) -> Holdings:
        """The :class:`Holdings` of ``asset`` (the primary asset when ``None``).

        Raises
        ------
        ValidationError
            If the company holds no such asset.

        Examples
        --------
        >>> import datetime as dt
        >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), shares_basic=1,
        ...     holdings=[Holdings(asset="BTC", units=1), Holdings(asset="ETH", units=30)])
        >>> co.holding("ETH").units, co.holding().asset
        (30.0, 'BTC')
        """
        if asset is None:
            return self.holdings[0]
        for held in self.holdings:
            if held.asset == asset:
                return held
        raise ValidationError("asset", asset, f"names no asset held by {self.name!r}")

    def unencumbered(self, asset: str | None = None) -> float:
        """Units of ``asset`` (the primary by default) pledged to nothing.

        Examples
        --------
        >>> import datetime as dt
        >>> from treasurymodel import TermLoan
        >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), shares_basic=1,
        ...     holdings=[Holdings(asset="BTC", units=10), Holdings(asset="ETH", units=300)],
        ...     instruments=[TermLoan(name="L", principal=1e5, max_ltv=0.5, pledged_units=100,
        ...         collateral_asset="ETH", issued=dt.date(2025, 1, 1),
        ...         maturity=dt.date(2028, 1, 1))])
        >>> co.unencumbered("ETH"), co.unencumbered()
        (200.0, 10.0)
        """
        held = self.holding(asset)
        return max(held.units - self._pledged_by_asset.get(held.asset, 0.0), 0.0)

    @functools.cached_property
    def _pledged_by_asset(self) -> dict[str, float]:
        """Units pledged per asset, summed exactly once (a loop over the loans asking
        :meth:`unencumbered` stays linear)."""
        return {asset: math.fsum(units) for asset, units in self._pledge_lists.items()}

    # --- look-ups -------------------------------------------------------------------

    def instrument(self, name: str) -> Instrument:
        """The instrument called ``name``.

        Raises
        ------
        ValidationError
            If the company has no such instrument.

        Examples
        --------
        >>> import datetime as dt
        >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1),
        ...              shares_basic=1)
        >>> co.instrument("missing")
        Traceback (most recent call last):
        ...
        treasurymodel.errors.ValidationError: name: names no instrument of 'X', got 'missing'
        """
        if isinstance(name, str):
            found = self._by_name.get(name)
            if found is not None:
                return found
        raise ValidationError("name", name, f"names no instrument of {self.name!r}")

    @functools.cached_property
    def _by_name(self) -> dict[str, Instrument]:
        """The instruments by name (computed once: look-ups stay linear in the file)."""
        return {inst.name: inst for inst in self.instruments}

    @functools.cached_property
    def debts(self) -> tuple[Debt, ...]:
        """Debt instruments, in the order given."""
        return tuple(i for i in self.instruments if isinstance(i, HasMaturity))

    @functools.cached_property
    def preferreds(self) -> tuple[PreferredStock, ...]:
        """Preferred series, most senior first (rank 1 first, then order given)."""
        prefs = [i for i in self.instruments if isinstance(i, DividendPaying)]
        return tuple(sorted(prefs, key=lambda p: p.seniority))

    @functools.cached_property
    def convertibles(self) -> tuple[ConvertibleNote, ...]:
        """Convertible notes, in the order given."""
        return tuple(i for i in self.instruments if isinstance(i, ConvertibleNote))

    def seniority_order(self) -> tuple[Instrument, ...]:
        """Debt (all of it ranks first), then preferred series by rank.

        Examples
        --------
        >>> import datetime as dt
        >>> from treasurymodel import Note, PreferredStock
        >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1),
        ...     shares_basic=1, instruments=[PreferredStock(name="B", notional=1, rate=0.1,
        ...     seniority=2), PreferredStock(name="A", notional=1, rate=0.1, seniority=1),
        ...     Note(name="N", principal=1, maturity=dt.date(2030, 1, 1))])
        >>> [i.name for i in co.seniority_order()]
        ['N', 'A', 'B']
        """
        return (*self.debts, *self.preferreds)

    def fx_rate(self, currency: str | None) -> float:
        """Reporting currency per unit of ``currency`` (1 for the reporting currency or None).

        Examples
        --------
        >>> import datetime as dt
        >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1),
        ...              shares_basic=1, market=Market(fx={"EUR": 1.188}))
        >>> co.fx_rate("EUR"), co.fx_rate(None)
        (1.188, 1.0)
        """
        if currency is not None and not isinstance(currency, str):
            raise ValidationError("currency", currency, "must be a currency code or None")
        if currency is None or currency == self.currency:
            return 1.0
        rates = dict(self.fx)
        if currency not in rates:
            raise ValidationError("currency", currency, "has no fx rate in Market.fx")
        return rates[currency]

    def amount(self, instrument: Instrument) -> float:
        """Outstanding principal or notional of ``instrument`` in the reporting currency.

        Examples
        --------
        >>> import datetime as dt
        >>> from treasurymodel import PreferredStock
        >>> stre = PreferredStock(name="STRE", notional=775e6, rate=0.10, currency="EUR")
        >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1),
        ...              shares_basic=1, market=Market(fx={"EUR": 1.188}),
        ...              instruments=[stre])
        >>> round(co.amount(stre) / 1e6, 1)
        920.7
        """
        if not is_instrument(instrument):
            raise ValidationError("instrument", instrument, "is not an instrument")
        return instrument.face * self.fx_rate(instrument.currency)

    # --- aggregates -----------------------------------------------------------------

    @functools.cached_property
    def total_debt(self) -> float:
        """Aggregate principal of debt, reporting currency."""
        return sum((self.amount(d) for d in self.debts), 0.0)

    @functools.cached_property
    def total_preferred(self) -> float:
        """Aggregate notional of preferred stock, reporting currency."""
        return sum((self.amount(p) for p in self.preferreds), 0.0)

    @functools.cached_property
    def pledged_units(self) -> float:
        """Units of the primary asset pledged to secured notes and loans."""
        return sum(self._pledges(), 0.0)

    @property
    def unencumbered_units(self) -> float:
        """Units of the primary asset pledged to nothing (see ``unencumbered``).

        Examples
        --------
        >>> import datetime as dt
        >>> from treasurymodel import TermLoan
        >>> co = Company(name="X", as_of=dt.date(2022, 6, 30),
        ...     holdings=Holdings(units=100), shares_basic=1,
        ...     instruments=[TermLoan(name="L", principal=1e6, rate=0.04, max_ltv=0.5,
        ...         pledged_units=30, issued=dt.date(2022, 1, 1), maturity=dt.date(2025, 1, 1))])
        >>> co.unencumbered_units
        70.0
        """
        return max(self.holdings[0].units - self.pledged_units, 0.0)

    @functools.cached_property
    def convertible_shares(self) -> float:
        """Shares from converting every convertible note and convertible preferred."""
        notes = sum((c.shares_on_conversion for c in self.convertibles), 0.0)
        prefs = sum((p.conversion_shares for p in self.preferreds), 0.0)
        return notes + prefs

    @property
    def diluted_shares(self) -> float:
        """Assumed diluted shares: as reported, or basic + conversions + other dilutive.

        Examples
        --------
        >>> import datetime as dt
        >>> Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1),
        ...         shares_basic=100, other_dilutive_shares=5).diluted_shares
        105.0
        """
        if self.shares_diluted is not None:
            return self.shares_diluted
        return self.shares_basic + self.convertible_shares + self.other_dilutive_shares
