"""The market side of the credit view: effective yields, spreads and the credit surplus.

Market prices are inputs, never data: pass what the security trades at. The yields are the
ones credit buyers quote:

* a preferred series: the *effective yield*, annual dividend per share (at the rate in force
  on the company's as-of date) over the price per share;
* a note: the yield to maturity (or to the first holder put) of its scheduled cash flows at a
  price per 100 of principal, compounded annually on an actual/365 clock: the bond floor's
  yield, ignoring any conversion option.

The *market spread* is the yield less a risk-free rate; the *credit surplus* is the market
spread less the model's BTC Credit spread (positive: the market pays more than the model asks).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any, Final, Literal, TypeAlias, overload

import numpy as np

from .. import schedule
from .._typing import ArrayInput, ArrayLike, FloatArray
from ..company import Company, check_company
from ..errors import ValidationError
from ..instruments.capabilities import DividendPaying
from ..validators import check_choice, check_finite, price_array
from ._claims import Definition, Seniority, out, resolve
from .risk import Event, btc_credit_spread

__all__ = ["YIELD_TO", "YieldTo", "credit_surplus", "effective_yield", "market_spread"]

YieldTo: TypeAlias = Literal["maturity", "put"]
YIELD_TO: Final[tuple[str, ...]] = ("maturity", "put")
"""The dates a note's yield may run to: its maturity, or its first holder put.

Examples
--------
>>> from treasurymodel.credit import YIELD_TO
>>> YIELD_TO
('maturity', 'put')
"""

_LOW, _HIGH = -0.99, 100.0  # bracket of a note's yield
_BISECTIONS: Final = 200


def _note_flows(company: Company, note: Any, to: str) -> tuple[FloatArray, FloatArray]:
    """(years from the as-of date, cash per 100 of principal) of a note's scheduled flows."""
    start = company.as_of
    end: _dt.date = note.maturity
    if to == "put":
        puts = [d for d in getattr(note, "puts", ()) if d > start]
        if not puts:
            raise ValidationError(
                "to", to, f"{note.name!r} has no holder put after the as-of date"
            )
        end = min(puts)
    if end <= start:
        raise ValidationError("security", note.name, "has matured on the company's as-of date")
    flows = schedule.cash_flows(note, start=start, end=end)
    times = [(d - start).days / 365.0 for d in flows.dates]
    cash = list(flows.interest + flows.principal)
    paid = float(flows.principal.sum())
    if to == "put" and end < note.maturity:  # the holder is repaid what is left at the put
        rest = note.principal - paid
        if flows.dates and flows.dates[-1] == end:
            cash[-1] += rest
        else:
            times.append((end - start).days / 365.0)
            cash.append(rest)
    scale = 100.0 / note.principal
    return np.asarray(times, dtype=np.float64), np.asarray(cash, dtype=np.float64) * scale


def _yield_to(times: FloatArray, cash: FloatArray, price: FloatArray) -> FloatArray:
    """The annual yield ``y`` with ``sum(cash / (1 + y) ** times) = price``, elementwise.

    A price whose yield lies outside (-99%, 10,000%) is refused, not clipped.
    """
    richest = float((cash * (1.0 + _LOW) ** (-times)).sum())
    cheapest = float((cash * (1.0 + _HIGH) ** (-times)).sum())
    bad = (price >= richest) | (price <= cheapest)
    if bad.any():
        value = float(price[bad].flat[0])
        raise ValidationError(
            "price", value, "implies a yield outside (-99%, 10,000%): not a price of this note"
        )
    lo = np.full(price.shape, _LOW)
    hi = np.full(price.shape, _HIGH)
    target = price[..., None]
    for _ in range(_BISECTIONS):  # bisection over the array of prices at once
        mid = 0.5 * (lo + hi)
        value = (cash * (1.0 + mid[..., None]) ** (-times)).sum(axis=-1)
        rich = value > target[..., 0]  # value too high: the yield must rise
        lo = np.where(rich, mid, lo)
        hi = np.where(rich, hi, mid)
    result: FloatArray = 0.5 * (lo + hi)
    return result


@overload
def effective_yield(
    company: Company, security: str, *, price: float, to: YieldTo = "maturity"
) -> float: ...
@overload
def effective_yield(
    company: Company, security: str, *, price: ArrayInput, to: YieldTo = "maturity"
) -> FloatArray: ...
def effective_yield(
    company: Company, security: str, *, price: ArrayLike, to: YieldTo = "maturity"
) -> float | FloatArray:
    """The yield a buyer earns at a market price: dividend yield or yield to maturity (or put).

    Parameters
    ----------
    company
        The balance sheet (its as-of date is the settlement date).
    security
        A preferred series (``price`` per share, in the series' currency) or a note
        (``price`` per 100 of principal, including accrued interest).
    price
        Market price (float or array), positive. A price whose yield lies outside
        (-99%, 10,000%) is refused: it is not a price of the security.
    to
        For a note: ``"maturity"`` (default) or ``"put"`` (the first holder put after the
        as-of date). Ignored for a preferred series.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings, Note, PreferredStock
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1),
    ...     shares_basic=1, instruments=[
    ...         Note(name="n", principal=1e6, coupon=0.05, frequency=1,
    ...              maturity=dt.date(2027, 1, 1)),
    ...         PreferredStock(name="P", notional=1e6, rate=0.10)])
    >>> effective_yield(co, "P", price=80.0)            # $10 a year on $80
    0.125
    >>> round(effective_yield(co, "n", price=100.0), 12)  # 105 in one year for 100
    0.05
    """
    check_company(company)
    claim = resolve(company, security)
    if claim is None:
        raise ValidationError("security", security, "the common has no yield to compute")
    check_choice("to", to, YIELD_TO)
    p = price_array("price", price, positive=True)
    inst = claim.instrument
    if isinstance(inst, DividendPaying):
        dividend = inst.rate_on(company.as_of) * inst.stated_amount
        with np.errstate(over="ignore"):  # a tiny price: inf, refused just below
            yields = dividend / p
        if bool((yields >= _HIGH).any()):  # the same bound as a note's: refused, not printed
            value = float(p[yields >= _HIGH].flat[0])
            raise ValidationError(
                "price", value, "implies a yield above 10,000%: not a price of this series"
            )
        return out(yields)
    times, cash = _note_flows(company, inst, to)
    return out(_yield_to(times, cash, p))


def _rate(field: str, value: Any) -> float:
    rate = check_finite(field, value)
    if not -1.0 < rate < 1.0:
        raise ValidationError(field, value, "must be a rate in (-1, 1)")
    return rate


@overload
def market_spread(
    company: Company,
    security: str,
    *,
    price: float,
    risk_free_rate: float,
    to: YieldTo = "maturity",
) -> float: ...
@overload
def market_spread(
    company: Company,
    security: str,
    *,
    price: ArrayInput,
    risk_free_rate: float,
    to: YieldTo = "maturity",
) -> FloatArray: ...
def market_spread(
    company: Company,
    security: str,
    *,
    price: ArrayLike,
    risk_free_rate: float,
    to: YieldTo = "maturity",
) -> float | FloatArray:
    """The security's effective yield less a risk-free rate (a fraction: 0.07 is 700bp).

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings, PreferredStock
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1),
    ...     shares_basic=1, instruments=[PreferredStock(name="P", notional=1e6, rate=0.10)])
    >>> round(market_spread(co, "P", price=80.0, risk_free_rate=0.04), 12)
    0.085
    """
    rate = _rate("risk_free_rate", risk_free_rate)
    return out(np.asarray(effective_yield(company, security, price=price, to=to)) - rate)


@overload
def credit_surplus(  # type: ignore[overload-overlap]
    company: Company,
    security: str,
    *,
    price: float,
    risk_free_rate: float,
    asset_volatility: float,
    expected_return: float,
    horizon: float | None = None,
    asset_price: float | Mapping[str, float] | None = None,
    to: YieldTo = "maturity",
    event: Event = "at_horizon",
    definition: Definition = "reserve",
    seniority: Seniority | None = None,
) -> float: ...
@overload
def credit_surplus(
    company: Company,
    security: str,
    *,
    price: ArrayLike,
    risk_free_rate: float,
    asset_volatility: ArrayLike,
    expected_return: ArrayLike,
    horizon: ArrayLike | None = None,
    asset_price: ArrayLike | Mapping[str, ArrayLike] | None = None,
    to: YieldTo = "maturity",
    event: Event = "at_horizon",
    definition: Definition = "reserve",
    seniority: Seniority | None = None,
) -> FloatArray: ...
def credit_surplus(
    company: Company,
    security: str,
    *,
    price: ArrayLike,
    risk_free_rate: float,
    asset_volatility: ArrayLike,
    expected_return: ArrayLike,
    horizon: ArrayLike | None = None,
    asset_price: ArrayLike | Mapping[str, ArrayLike] | None = None,
    to: YieldTo = "maturity",
    event: Event = "at_horizon",
    definition: Definition = "reserve",
    seniority: Seniority | None = None,
) -> float | FloatArray:
    """Market spread less BTC Credit: what the market pays beyond the model's credit spread.

    ``market_spread(...) - btc_credit_spread(...)``; every array input broadcasts. Positive
    means the security yields more over the risk-free rate than its modelled credit risk
    asks for; ``-inf`` where BTC Credit is ``inf`` (a BTC Risk of 1, as at a zero price: see
    :func:`~treasurymodel.credit.btc_credit_spread`). BTC Credit is continuously compounded
    and the yield is not; the difference is second order at these rates and the company
    compares them as they are.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings, PreferredStock
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1_000),
    ...     shares_basic=1, instruments=[PreferredStock(name="P", notional=10e6, rate=0.10)])
    >>> s = credit_surplus(co, "P", price=100.0, risk_free_rate=0.04, asset_volatility=0.5,
    ...                    expected_return=0.0, asset_price=100_000.0)
    >>> round(s, 6)   # 6% market spread less a BTC Credit of N(-4.355) = 0.07bp
    0.059993
    """
    spread = market_spread(company, security, price=price, risk_free_rate=risk_free_rate, to=to)
    model = btc_credit_spread(
        company,
        security,
        asset_volatility=asset_volatility,
        expected_return=expected_return,
        horizon=horizon,
        asset_price=asset_price,
        event=event,
        definition=definition,
        seniority=seniority,
    )
    try:
        return out(np.subtract(spread, model))
    except ValueError:
        raise ValidationError(
            "price",
            np.shape(spread),
            f"does not broadcast with the model inputs {np.shape(model)}",
        ) from None
