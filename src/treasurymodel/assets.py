"""Several reserve assets and other currencies: where every price and amount is converted.

A company holds one or more assets (:attr:`Company.holdings <treasurymodel.Company.holdings>`,
the first being the *primary* asset) and reports in one currency. This module is the one
place where the library turns market inputs into reporting-currency amounts:

* **Asset prices** (:func:`asset_prices`): a price argument is either a number or array (the
  primary asset's price; the other assets then take their price from
  ``company.market.asset_prices``) or a mapping ``{asset: number or array}`` (an asset left
  out takes its market price). Each price is in the asset's ``price_currency`` (the reporting
  currency by default) and is multiplied here by the FX rate of that currency.
* **Instrument amounts** (``claims``): principal, notional and annual interest and
  dividends in an instrument's own currency are multiplied here by the FX rate of that
  currency.
* **FX rates** (:func:`fx_rates`): reporting currency per unit of each foreign currency; the
  rates of ``company.market.fx`` (the as-of rates), overridden currency by currency by an
  ``fx`` argument whose rates may be arrays. The reporting currency's rate is 1.

All the arrays (prices and rates) broadcast together. With one asset priced in the
reporting currency and no ``fx`` argument, the results are exactly (bit for bit) those of
units × price.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, overload

import numpy as np

from . import schedule
from ._typing import ArrayLike, FloatArray
from .company import Company, check_company, is_currency_code
from .errors import ValidationError
from .instruments import PreferredStock
from .validators import check_reserve, price_array

__all__ = ["asset_prices", "fx_rates", "reserve_value"]

PriceInput = ArrayLike | Mapping[str, ArrayLike]
"""A price argument: the primary asset's price (number or array) or ``{asset: price}``."""


def _broadcast(named: dict[str, FloatArray], field: str) -> dict[str, FloatArray]:
    """The arrays of ``named`` broadcast together (a ValidationError naming ``field``)."""
    if len(named) < 2:
        return named
    try:
        arrays = np.broadcast_arrays(*named.values())
    except ValueError:
        shapes = {k: np.shape(v) for k, v in named.items()}
        raise ValidationError(
            field, shapes, "holds arrays whose shapes do not broadcast"
        ) from None
    return dict(zip(named, arrays, strict=True))


def fx_rates(company: Company, fx: Mapping[str, ArrayLike] | None = None) -> dict[str, FloatArray]:
    """Reporting currency per unit of each currency: ``company.market.fx`` updated by ``fx``.

    Parameters
    ----------
    company
        The company (its reporting currency and its as-of rates).
    fx
        Rates replacing the as-of ones, e.g. ``{"USD": 155.0}`` for a company reporting in
        JPY, or an array of rates per currency (scenarios, paths). ``None``: the as-of rates.

    Returns
    -------
    dict
        Currency code to a float64 array of rates (0-d for a number), the reporting currency
        included at 1. The arrays are not broadcast together here.

    Raises
    ------
    ValidationError
        If ``fx`` is not a mapping of three-letter codes to finite positive rates, or gives
        the reporting currency a rate other than 1.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings, Market
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1),
    ...     shares_basic=1, currency="JPY", market=Market(fx={"USD": 155.0}))
    >>> {k: float(v) for k, v in sorted(fx_rates(co).items())}
    {'JPY': 1.0, 'USD': 155.0}
    >>> fx_rates(co, fx={"USD": [150.0, 160.0]})["USD"].tolist()
    [150.0, 160.0]
    """
    check_company(company)
    rates: dict[str, FloatArray] = {k: np.asarray(v, dtype=np.float64) for k, v in company.fx}
    if fx is not None:
        if not isinstance(fx, Mapping):
            raise ValidationError("fx", fx, "must map currency codes to rates, e.g. {'EUR': 1.2}")
        for code, rate in fx.items():
            if not isinstance(code, str) or not is_currency_code(code):
                raise ValidationError("fx", code, "keys must be three-letter currency codes")
            rates[code] = price_array(f"fx.{code}", rate, positive=True)
    own = rates.get(company.currency)
    if own is not None and not bool((own == 1.0).all()):
        raise ValidationError(
            f"fx.{company.currency}", own.tolist(), "is the reporting currency: its rate is 1"
        )
    rates[company.currency] = np.asarray(1.0)
    return rates


def _rate(rates: dict[str, FloatArray], code: str | None, company: Company) -> FloatArray:
    if code is None or code == company.currency:
        return np.asarray(1.0)
    if code not in rates:
        raise ValidationError("fx", code, "gives no rate for this currency (add it to fx=)")
    return rates[code]


def asset_prices(
    company: Company,
    asset_price: PriceInput,
    *,
    fx: Mapping[str, ArrayLike] | None = None,
    field: str = "asset_price",
) -> tuple[dict[str, FloatArray], bool]:
    """Each held asset's price converted into the reporting currency, broadcast together.

    Parameters
    ----------
    company
        The company.
    asset_price
        The primary asset's price (number or array), or a mapping ``{asset: price}``. An
        asset without a price here takes ``company.market``'s (``Market.price_of``);
        without one there either, it is an error.
    fx
        FX rates (see :func:`fx_rates`).
    field
        Name of the price argument in error messages.

    Returns
    -------
    tuple
        ``({asset: price in the reporting currency}, scalar)``, the arrays broadcast
        together in the order of the holdings; ``scalar`` is True when no input was an array.

    Raises
    ------
    ValidationError
        If a price is missing, negative or not finite, a mapping names an asset the company
        does not hold, or the shapes do not broadcast.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings, Market
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), shares_basic=1,
    ...     holdings=[Holdings(asset="BTC", units=1), Holdings(asset="ETH", units=10)],
    ...     market=Market(asset_prices={"ETH": 3_000.0}))
    >>> prices, scalar = asset_prices(co, [90_000.0, 100_000.0])
    >>> prices["ETH"].tolist(), scalar
    ([3000.0, 3000.0], False)
    """
    check_company(company)
    market = company.market
    given: dict[str, Any]
    if isinstance(asset_price, Mapping):
        given = dict(asset_price)
        for asset in given:
            if asset not in company.assets:
                raise ValidationError(
                    field, asset, f"names an asset {company.name!r} does not hold"
                )
    else:
        given = {company.assets[0]: asset_price}
    raw: dict[str, FloatArray] = {}
    for i, held in enumerate(company.holdings):
        name = (
            field if (i == 0 and not isinstance(asset_price, Mapping)) else f"{field}.{held.asset}"
        )
        if held.asset in given:
            raw[held.asset] = price_array(name, given[held.asset])
            continue
        observed = None if market is None else market.price_of(held.asset, primary=i == 0)
        if observed is None:
            raise ValidationError(
                field,
                asset_price if not isinstance(asset_price, Mapping) else dict(asset_price),
                f"gives no {held.asset} price and the company's market states none: pass "
                f"{{{held.asset!r}: price, ...}} or set Market.asset_prices",
            )
        raw[held.asset] = np.asarray(observed, dtype=np.float64)
    scalar = all(np.ndim(v) == 0 for v in raw.values())
    rates = fx_rates(company, fx)
    if fx is not None:
        scalar = scalar and all(np.ndim(v) == 0 for v in rates.values())
    converted: dict[str, FloatArray] = {}
    for held in company.holdings:
        rate = _rate(rates, held.price_currency, company)
        price = raw[held.asset]
        if held.price_currency is not None and held.price_currency != company.currency:
            with np.errstate(over="ignore"):
                price = price * rate
        converted[held.asset] = price
    return _broadcast(converted, field), scalar


@overload
def reserve_value(
    company: Company, asset_price: float, *, fx: Mapping[str, float] | None = None
) -> float: ...
@overload
def reserve_value(
    company: Company, asset_price: PriceInput, *, fx: Mapping[str, ArrayLike] | None = None
) -> float | FloatArray: ...
def reserve_value(
    company: Company, asset_price: PriceInput, *, fx: Mapping[str, ArrayLike] | None = None
) -> float | FloatArray:
    """Value of every asset held, in the reporting currency: Σ units × price × FX rate.

    Parameters
    ----------
    company
        The company.
    asset_price
        The primary asset's price or ``{asset: price}`` (see :func:`asset_prices`).
    fx
        FX rates (see :func:`fx_rates`).

    Returns
    -------
    float or numpy.ndarray
        A float when every input is a number, else an array of the broadcast shape.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings, Market
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), shares_basic=1,
    ...     holdings=[Holdings(asset="BTC", units=2), Holdings(asset="ETH", units=10)])
    >>> reserve_value(co, {"BTC": 100_000.0, "ETH": 3_000.0})
    230000.0
    >>> jp = Company(name="J", as_of=dt.date(2026, 1, 1), shares_basic=1, currency="JPY",
    ...     holdings=Holdings(units=2, price_currency="USD"), market=Market(fx={"USD": 150.0}))
    >>> reserve_value(jp, 100_000.0)  # 2 BTC x 100,000 USD x 150 JPY/USD
    30000000.0
    >>> reserve_value(jp, 100_000.0, fx={"USD": [140.0, 160.0]}).tolist()
    [28000000.0, 32000000.0]
    """
    total, scalar = _reserve(company, asset_price, fx=fx, field="asset_price")
    return float(total) if scalar else total


def _reserve(
    company: Company,
    asset_price: PriceInput,
    *,
    fx: Mapping[str, ArrayLike] | None,
    field: str,
) -> tuple[FloatArray, bool]:
    """Σ units × price (reporting currency), refused where it leaves the float range."""
    prices, scalar = asset_prices(company, asset_price, fx=fx, field=field)
    total: Any = None
    with np.errstate(over="ignore", under="ignore"):
        for held in company.holdings:
            value = held.units * prices[held.asset]
            total = value if total is None else total + value
    arr = np.asarray(total, dtype=np.float64)
    check_reserve(
        arr, asset_price if not isinstance(asset_price, Mapping) else dict(asset_price), field
    )
    return arr, scalar


def claims(company: Company, *, fx: Mapping[str, ArrayLike] | None = None) -> tuple[Any, Any, Any]:
    """Debt principal, preferred notional and annual obligations in the reporting currency.

    Without ``fx`` these are the company's own figures at its as-of rates
    (``company.total_debt``, ``company.total_preferred``)
    as floats; with ``fx`` each instrument's amount is converted at the rate given for its
    currency, and the results are arrays when a rate is.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings, Market, Note
    >>> co = Company(name="J", as_of=dt.date(2026, 1, 1), shares_basic=1, currency="JPY",
    ...     holdings=Holdings(units=1), market=Market(fx={"USD": 150.0}),
    ...     instruments=[Note(name="n", principal=1e6, coupon=0.05, currency="USD",
    ...                       maturity=dt.date(2030, 1, 1))])
    >>> debt, pref, annual = claims(co)
    >>> debt, annual
    (150000000.0, 7500000.0)
    >>> claims(co, fx={"USD": [100.0, 200.0]})[0].tolist()
    [100000000.0, 200000000.0]
    """
    check_company(company)
    if fx is None:
        obligations = schedule.annual_obligations(
            company.instruments, on=company.as_of, fx=dict(company.fx), currency=company.currency
        )
        return company.total_debt, company.total_preferred, obligations
    rates = fx_rates(company, fx)
    debt: Any = 0.0
    pref: Any = 0.0
    annual: Any = 0.0
    for code in sorted({i.currency or company.currency for i in company.instruments}):
        group = [i for i in company.instruments if (i.currency or company.currency) == code]
        rate = _rate(rates, code, company)
        face_debt = math.fsum(i.principal for i in group if not isinstance(i, PreferredStock))
        face_pref = math.fsum(i.notional for i in group if isinstance(i, PreferredStock))
        native = schedule.annual_obligations(
            group, on=company.as_of, fx={code: 1.0}, currency=code
        )
        debt = debt + face_debt * rate
        pref = pref + face_pref * rate
        annual = annual + native * rate
    return debt, pref, annual
