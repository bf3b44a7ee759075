"""A convertible's value at a BTC price: the link from the balance sheet to the valuation.

The share price is not an input here but a function of the BTC price, through an assumed
multiple of net asset value (mNAV) and the company's balance sheet
(:func:`treasurymodel.kpi.share_price_for_mnav`):

* ``mnav_basis="ev"`` (default, the company's own mNAV, EV / BTC Reserve):
  ``S = (mnav × units × P − debt − pref + cash) / basic shares``;
* ``mnav_basis="market_cap"`` (market cap / BTC Reserve): ``S = mnav × units × P / basic shares``.

Debt and preferred are taken at their face amounts, as in the published mNAV. Where the EV
formula gives a negative share price (the claims exceed ``mnav`` times the BTC Reserve) the
share is worth nothing to a convertible holder, and the share price is taken as 0: the note
is then worth its bond floor. The volatility, rate and credit spread are inputs, held fixed
as the BTC price moves; let them move with it by passing arrays of the same shape.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Literal, overload

import numpy as np

from .._typing import ArrayLike, FloatArray
from ..company import Company
from ..errors import ValidationError
from ..instruments.capabilities import Convertible, HasMaturity
from ..kpi import share_price_for_mnav
from ._inputs import broadcast, check_choice, output
from .convertible import METHODS, Method, value_convertible
from .curve import Curve, curve_or_none, flat_value
from .preferred import value_preferred

__all__ = ["convertible_value_at_asset_price"]


@overload
def convertible_value_at_asset_price(  # type: ignore[overload-overlap]
    company: Company,
    name: str,
    *,
    asset_price: float,
    valuation_date: _dt.date,
    mnav: float,
    volatility: float,
    rate: float | Curve,
    credit_spread: float | Curve,
    dividend_yield: float = 0.0,
    mnav_basis: Literal["ev", "market_cap"] = "ev",
    steps: int = 1000,
    clean: bool = False,
    method: Method = "direct",
) -> float: ...
@overload
def convertible_value_at_asset_price(
    company: Company,
    name: str,
    *,
    asset_price: ArrayLike,
    valuation_date: _dt.date,
    mnav: ArrayLike,
    volatility: ArrayLike,
    rate: ArrayLike | Curve,
    credit_spread: ArrayLike | Curve,
    dividend_yield: ArrayLike = 0.0,
    mnav_basis: Literal["ev", "market_cap"] = "ev",
    steps: int = 1000,
    clean: bool = False,
    method: Method = "direct",
) -> FloatArray: ...
def convertible_value_at_asset_price(
    company: Company,
    name: str,
    *,
    asset_price: ArrayLike,
    valuation_date: _dt.date,
    mnav: ArrayLike,
    volatility: ArrayLike,
    rate: ArrayLike | Curve,
    credit_spread: ArrayLike | Curve,
    dividend_yield: ArrayLike = 0.0,
    mnav_basis: Literal["ev", "market_cap"] = "ev",
    steps: int = 1000,
    clean: bool = False,
    method: Method = "direct",
) -> float | FloatArray:
    """Value per 100 of a company's convertible note or convertible preferred at a BTC price.

    The share price is the one at which the company trades at ``mnav`` times its BTC
    Reserve (module docstring; negative values floored at 0); the instrument is then valued
    by :func:`treasurymodel.valuation.value_convertible` (a note) or
    :func:`treasurymodel.valuation.value_preferred` (a convertible preferred series, with its
    default
    horizon). Every market input broadcasts with ``asset_price``, so an array of BTC prices
    gives the note's value along a BTC path, and its differences the note's sensitivity to
    BTC.

    Parameters
    ----------
    company
        The balance sheet (units held, share count, debt, preferred, cash).
    name
        Name of a :class:`~treasurymodel.ConvertibleNote` or of a convertible
        :class:`~treasurymodel.PreferredStock` of the company.
    asset_price
        Price of the reserve asset, ``>= 0`` (float or array).
    valuation_date
        Date of the valuation.
    mnav
        Assumed mNAV on ``mnav_basis``, ``>= 0`` (float or array).
    volatility, rate, credit_spread, dividend_yield
        As for :func:`treasurymodel.valuation.value_convertible` (volatility in ``[1e-4, 5]``,
        rate and
        yield in ``[-1, 1]``, spread in ``[0, 5]``); they broadcast with ``asset_price``
        and ``mnav``, and the result has the broadcast shape (a float when all are numbers).
    mnav_basis
        ``"ev"`` or ``"market_cap"``: which mNAV ``mnav`` is.
    steps, clean, method
        As for :func:`treasurymodel.valuation.value_convertible` (``method`` is checked but only a
        note uses it; a preferred series has one tree per scenario).

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, ConvertibleNote, Holdings
    >>> from treasurymodel.valuation import convertible_value_at_asset_price
    >>> note = ConvertibleNote(name="CB", principal=500e6, issued=dt.date(2025, 1, 1),
    ...     maturity=dt.date(2030, 1, 1), conversion_price=100.0)
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=20_000),
    ...     shares_basic=20e6, instruments=[note])
    >>> convertible_value_at_asset_price(co, "CB", asset_price=[20_000.0, 100_000.0, 200_000.0],
    ...     valuation_date=dt.date(2026, 1, 1), mnav=1.2, volatility=0.6, rate=0.04,
    ...     credit_spread=0.05, steps=300).round(2)
    array([ 69.75, 120.21, 226.84])

    At $20,000 the EV formula gives a negative share price (1.2 × $400M < $500M of debt):
    the note is worth its bond floor.
    """
    if not isinstance(company, Company):
        raise ValidationError("company", company, "must be a Company")
    instrument = company.instrument(name)
    if not (isinstance(instrument, Convertible) and instrument.converts):
        raise ValidationError(
            "name", name, "is neither a convertible note nor a convertible preferred series"
        )
    if instrument.currency not in (None, company.currency):
        raise ValidationError(
            f"{name}.currency",
            instrument.currency,
            f"differs from the reporting currency {company.currency!r}: the share price is "
            "in the reporting currency",
        )
    how = check_choice("method", method, METHODS)
    rate_curve = curve_or_none("rate", rate)
    spread_curve = curve_or_none("credit_spread", credit_spread)
    if not isinstance(instrument, HasMaturity) and (rate_curve or spread_curve) is not None:
        raise ValidationError(
            "rate" if rate_curve is not None else "credit_spread",
            rate_curve or spread_curve,
            "must be a number for a preferred series: value_preferred takes flat rates",
        )
    flat, shape, scalar = broadcast(
        asset_price=asset_price,
        mnav=mnav,
        volatility=volatility,
        rate=0.0 if rate_curve is not None else flat_value(rate),
        credit_spread=0.0 if spread_curve is not None else flat_value(credit_spread),
        dividend_yield=dividend_yield,
    )
    price = share_price_for_mnav(
        company, mnav=flat.pop("mnav"), asset_price=flat.pop("asset_price"), mnav_basis=mnav_basis
    )
    share_price = np.maximum(np.asarray(price, dtype=np.float64), 0.0)
    market: dict[str, Any] = {
        "valuation_date": valuation_date,
        "share_price": share_price,
        "volatility": flat["volatility"],
        "rate": flat["rate"] if rate_curve is None else rate_curve,
        "credit_spread": flat["credit_spread"] if spread_curve is None else spread_curve,
        "dividend_yield": flat["dividend_yield"],
        "steps": steps,
        "clean": clean,
    }
    # Flat arrays of one length in, flat values out.
    # The pricer of the kind: a lattice with a maturity, or the perpetual preferred tree.
    if isinstance(instrument, HasMaturity):
        values = value_convertible(instrument, method=how, **market)
    else:
        values = value_preferred(instrument, **market)
    return output(values, shape, scalar)  # type: ignore[no-any-return]
