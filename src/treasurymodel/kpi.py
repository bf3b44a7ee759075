"""Balance-sheet metrics at a BTC (and share) price, BTC Ratings and the BTC Yield KPIs.

Every function here takes a float or a numpy array for each price and broadcasts: a float
in gives floats out, any array in gives ``numpy.ndarray`` out. The formulas are the ones the
companies publish; :doc:`/theory/metrics` states each of them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Generic, Literal, TypeVar, overload

import attrs
import numpy as np

from ._results import Tabular, broadcast_columns
from ._typing import ArrayInput, ArrayLike, FloatArray
from .assets import PriceInput, asset_prices, claims, fx_rates
from .assets import _reserve as _reserve_value
from .company import Company, check_company
from .credit.rating import btc_rating, btc_ratings
from .errors import ValidationError
from .instruments.capabilities import Convertible
from .validators import check_choice, price_array
from .validators import finite_result as _finite

__all__ = [
    "Metrics",
    "btc_dollar_gain",
    "btc_gain",
    "btc_rating",
    "btc_ratings",
    "btc_yield",
    "metrics",
    "share_price_for_mnav",
]

_T = TypeVar("_T", float, FloatArray)


# --- input handling -------------------------------------------------------------------


def _out(value: Any, scalar: bool) -> Any:
    """A float when ``scalar``; otherwise a read-only float64 ndarray."""
    if scalar:
        return float(value)
    arr = np.asarray(value, dtype=np.float64)
    arr.flags.writeable = False
    return arr


def _over(numerator: Any, denominator: Any, *, all_positive: bool = False) -> Any:
    """``numerator / denominator`` with ``x / 0 = ±inf`` and ``0 / 0 = 0`` (never NaN).

    ``all_positive=True`` promises that every denominator is positive (a plain division).
    A quotient too large for a float (a tiny positive denominator) is ``±inf``, its limit.
    """
    with np.errstate(over="ignore"):
        if all_positive:
            return numerator / denominator
        num = np.asarray(numerator, dtype=np.float64)
        den = np.asarray(denominator, dtype=np.float64)
        ok = den > 0.0
        safe = np.where(ok, den, 1.0)
        limit = np.where(num == 0.0, 0.0, np.copysign(np.inf, num))
        return np.where(ok, num / safe, limit)


def _market(
    company: Company, share: Any, reserve: Any, *, all_positive: bool = False
) -> tuple[Any, Any, Any, Any]:
    """Market cap, EV, mNAV and simple mNAV at share price ``share`` (of any sign)."""
    cap = company.shares_basic * share
    ev = cap + (company.total_debt + company.total_preferred - company.cash)
    return (
        cap,
        ev,
        _over(ev, reserve, all_positive=all_positive),
        _over(cap, reserve, all_positive=all_positive),
    )


# --- the record -----------------------------------------------------------------------


@attrs.frozen(kw_only=True, repr=False)
class Metrics(Tabular, Generic[_T]):
    """Everything read off a balance sheet at one BTC price (or an array of them).

    Each field is a float when every price given was a float, and otherwise a read-only
    ``numpy.ndarray`` with the broadcast shape of ``asset_price`` and ``share_price``. Amounts
    are in the company's reporting currency. The fields that need a share price
    (``market_cap``, ``enterprise_value``, ``mnav``, ``mnav_simple``) are ``None`` when no
    share price was given. Build it with :func:`metrics`.

    Attributes
    ----------
    asset_price, share_price
        The prices the record was computed at (``share_price`` may be ``None``); the primary
        asset's price as quoted, in its price currency (converted only in the amounts).
    asset_reserve
        BTC Reserve = units held × BTC price.
    cash, debt, pref
        Reported cash; aggregate debt principal; aggregate preferred notional (at the
        company's FX rates).
    market_cap
        Basic shares × share price.
    enterprise_value
        Market cap + debt + pref − cash.
    mnav
        Enterprise value / BTC Reserve (the company's own definition of mNAV).
    mnav_simple
        Market cap / BTC Reserve (the simpler ratio quoted elsewhere).
    amplification
        (Debt + pref) / BTC Reserve.
    net_leverage
        (Debt − cash) / BTC Reserve.
    annual_obligations
        Annualized interest on debt plus dividends on preferred, at the rates in force on
        the company's as-of date.
    asset_years_of_coverage
        BTC Reserve / annual obligations (``inf`` when there are no obligations).
    cash_months_of_coverage
        12 × cash / annual obligations (``inf`` when there are no obligations).
    nav
        BTC Reserve + cash + other assets − debt − pref.
    nav_per_share
        NAV / basic shares.
    nav_per_share_diluted
        NAV per share by the if-converted method (see :func:`metrics`).
    shares_if_converted
        The share count behind ``nav_per_share_diluted``: basic + other dilutive shares +
        the conversion shares of every instrument counted as converted at that price.
    unrealized_gain
        BTC Reserve − cost basis.
    units_per_share
        Units held / assumed diluted shares (the company's definition).

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings, Note, metrics
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1),
    ...     holdings=Holdings(units=1_000, cost_basis=50e6), shares_basic=1e6, cash=5e6,
    ...     instruments=[Note(name="n", principal=40e6, coupon=0.02,
    ...                       maturity=dt.date(2030, 1, 1))])
    >>> m = metrics(co, asset_price=100_000.0, share_price=80.0)
    >>> m.asset_reserve, m.nav, m.mnav
    (100000000.0, 65000000.0, 1.15)
    >>> m.amplification, m.annual_obligations
    (0.4, 800000.0)
    """

    asset_price: _T
    share_price: _T | None
    asset_reserve: _T
    cash: _T
    debt: _T
    preferred: _T
    market_cap: _T | None
    enterprise_value: _T | None
    mnav: _T | None
    mnav_simple: _T | None
    amplification: _T
    net_leverage: _T
    annual_obligations: _T
    asset_years_of_coverage: _T
    cash_months_of_coverage: _T
    nav: _T
    nav_per_share: _T
    nav_per_share_diluted: _T
    shares_if_converted: _T
    unrealized_gain: _T
    units_per_share: _T

    def to_dict(self) -> dict[str, Any]:
        """Every field as a 1-d column, one entry per price (a float record gives one row).

        An array of prices of any shape is flattened in C order; a field that needs a share
        price is a column of NaN when none was given (``None`` in the record).

        Examples
        --------
        >>> import datetime as dt
        >>> from treasurymodel import Company, Holdings, metrics
        >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1_000),
        ...     shares_basic=1e6, cash=5e6)
        >>> d = metrics(co, asset_price=[50_000.0, 100_000.0]).to_dict()
        >>> d["asset_price"].tolist(), d["nav"].tolist(), d["mnav"].tolist()
        ([50000.0, 100000.0], [55000000.0, 105000000.0], [nan, nan])
        >>> print(repr(metrics(co, asset_price=100_000.0, share_price=80.0)).splitlines()[3])
          share_price                     80
        """
        return dict(
            broadcast_columns({f.name: getattr(self, f.name) for f in attrs.fields(Metrics)})
        )

    _turn = True

    def _title(self) -> str:
        n = int(np.size(self.nav))
        return "Metrics" + ("" if n == 1 else f" at {n:,} prices")

    def _footer(self) -> str:
        return "amounts in the reporting currency"


# --- metrics --------------------------------------------------------------------------


def _conversion_candidates(company: Company) -> list[tuple[float, float, float]]:
    """(conversion price, amount added back, shares added) per convertible instrument.

    Sorted by conversion price in the reporting currency (the incremental NAV per
    incremental share), notes before preferred series at equal price.
    """
    rows: list[tuple[float, int, float, float]] = []
    for inst in company.instruments:
        if not (isinstance(inst, Convertible) and inst.converts):
            continue
        shares = inst.shares_if_converted
        kind = 0 if inst.CLAIM == "debt" else 1
        amount = company.amount(inst)
        rows.append((amount / shares, kind, amount, shares))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [(price, amount, shares) for price, _, amount, shares in rows]


def _cost_basis(company: Company) -> float:
    """Total cost basis of every asset held (the primary's alone for one asset: exact)."""
    if len(company.holdings) == 1:
        return company.holdings[0].cost_basis
    return math.fsum(h.cost_basis for h in company.holdings)


@overload
def metrics(
    company: Company,
    *,
    asset_price: float,
    share_price: float | None = None,
    fx: Mapping[str, float] | None = None,
) -> Metrics[float]: ...
@overload
def metrics(
    company: Company,
    *,
    asset_price: ArrayInput,
    share_price: ArrayLike | None = None,
    fx: Mapping[str, ArrayLike] | None = None,
) -> Metrics[FloatArray]: ...
@overload
def metrics(
    company: Company,
    *,
    asset_price: ArrayLike,
    share_price: ArrayInput,
    fx: Mapping[str, ArrayLike] | None = None,
) -> Metrics[FloatArray]: ...
@overload
def metrics(
    company: Company,
    *,
    asset_price: Mapping[str, ArrayLike],
    share_price: ArrayLike | None = None,
    fx: Mapping[str, ArrayLike] | None = None,
) -> Metrics[float] | Metrics[FloatArray]: ...
def metrics(
    company: Company,
    *,
    asset_price: PriceInput,
    share_price: ArrayLike | None = None,
    fx: Mapping[str, ArrayLike] | None = None,
) -> Metrics[float] | Metrics[FloatArray]:
    """Balance-sheet metrics of ``company`` at ``asset_price`` (and ``share_price``).

    Parameters
    ----------
    company
        The balance sheet.
    asset_price
        Price of one unit of the primary reserve asset (a float or an array, finite and
        non-negative), or a mapping ``{asset: price}`` for a company holding several assets;
        an asset without a price takes its ``company.market`` price (see
        :func:`treasurymodel.assets.asset_prices`). Each price is in its asset's price currency.
    share_price
        Price of one common share, or ``None``; broadcasts with ``asset_price``. Without it
        ``market_cap``, ``enterprise_value``, ``mnav`` and ``mnav_simple`` are ``None``.
    fx
        FX rates into the reporting currency (``{"USD": 155.0}``; numbers or arrays that
        broadcast with the prices), replacing the as-of rates of ``company.market.fx``
        currency by currency. Instrument amounts and prices in another currency are
        converted at these rates (see :func:`treasurymodel.assets.fx_rates`).

    Returns
    -------
    Metrics
        Floats if every price is a float (or a 0-d array), otherwise arrays of the
        broadcast shape.

    Notes
    -----
    The diluted NAV per share uses the if-converted method, price by price: start from
    basic + other dilutive shares (options and restricted units always count) and the NAV;
    take the convertible notes and convertible preferred series in ascending order of
    conversion price (amount in the reporting currency / conversion shares) and count one as
    converted (its amount added back to NAV, its shares added) only while that lowers NAV per
    share, that is while its conversion price is below the current NAV per share.

    Ratios over the BTC Reserve are ``±inf`` when the reserve is zero (``0`` if the numerator
    is also zero), or so small that the ratio leaves the float range (its limit); coverage
    ratios are ``inf`` when there are no annual obligations. No field is ever NaN.

    Raises
    ------
    ValidationError
        If ``company`` is not a :class:`~treasurymodel.Company`, a price is not a finite
        non-negative number (or a list or array of them; strings, booleans and ``None`` are
        refused), the shapes do not broadcast, or the BTC Reserve at a price (units held ×
        price) leaves the float range.

    Examples
    --------
    >>> import datetime as dt, numpy as np
    >>> from treasurymodel import Company, ConvertibleNote, Holdings
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1),
    ...     holdings=Holdings(units=1_000, cost_basis=60e6), shares_basic=1e6,
    ...     instruments=[ConvertibleNote(name="cvt", principal=20e6, issued=dt.date(2025, 1, 1),
    ...                                  maturity=dt.date(2030, 1, 1), conversion_price=50.0)])
    >>> m = metrics(co, asset_price=np.array([30_000.0, 100_000.0]))
    >>> m.nav.tolist(), m.nav_per_share.tolist()
    ([10000000.0, 80000000.0], [10.0, 80.0])
    >>> m.nav_per_share_diluted.tolist()  # converts only when $50 < NAV per share
    [10.0, 71.42857142857143]
    >>> m.mnav is None
    True
    >>> metrics(co, asset_price=100_000.0, share_price=90.0).mnav
    1.1
    """
    check_company(company)
    prices, scalar = asset_prices(company, asset_price, fx=fx)
    btc = prices[company.assets[0]]
    reserve, _ = _reserve_value(company, asset_price, fx=fx, field="asset_price")
    debt, preferred, obligations = claims(company, fx=fx)
    parts = [btc, reserve, np.asarray(debt), np.asarray(preferred), np.asarray(obligations)]
    if share_price is None:
        share: FloatArray | None = None
    else:
        share = price_array("share_price", share_price)
        scalar = scalar and share.ndim == 0
        parts.append(share)
    try:
        parts = list(np.broadcast_arrays(*parts))
    except ValueError:
        raise ValidationError(
            "share_price",
            None if share is None else share.shape,
            f"does not broadcast with asset_price {btc.shape}",
        ) from None
    btc, reserve = parts[0], parts[1]
    # the primary asset's price as quoted (its price currency), as given: btc is converted
    quoted: Any = btc
    code = company.holdings[0].price_currency
    if code not in (None, company.currency):
        quoted = btc / fx_rates(company, fx)[code]
    if share is not None:
        share = parts[-1]
    if not (np.ndim(debt) == np.ndim(preferred) == np.ndim(obligations) == 0):
        debt, preferred, obligations = parts[2], parts[3], parts[4]
    else:
        debt, preferred, obligations = float(debt), float(preferred), float(obligations)

    units = company.holdings[0].units
    cash = company.cash
    # A plain division needs a positive reserve, not just positive factors: units x price
    # can underflow to zero (1e-200 units at 1e-200), and 0 / 0 would be NaN.
    all_positive = bool((reserve > 0.0).all())
    nav = reserve + (cash + company.other_assets - debt - preferred)
    with np.errstate(over="ignore"):
        nav_per_share = nav / company.shares_basic
    if not bool(np.isfinite(nav_per_share).all()):
        raise ValidationError(
            "asset_price",
            asset_price,
            "is too large: NAV per share leaves the float range (few shares, a high price)",
        )

    # If-converted: a loop over the (few) instruments, vectorized over prices.
    cur_nav: Any = nav
    cur_shares: Any = company.shares_basic + company.other_dilutive_shares
    for price, amount, shares in _conversion_candidates(company):
        # price x shares may overflow to inf for astronomical share counts: inf < NAV is
        # False, which is the right answer (converting would not lower NAV per share).
        with np.errstate(over="ignore"):
            include = price * cur_shares < cur_nav
        cur_nav = np.where(include, cur_nav + amount, cur_nav)
        cur_shares = np.where(include, cur_shares + shares, cur_shares)
    shape = btc.shape

    def full(value: Any) -> Any:
        return value if scalar else np.broadcast_to(np.asarray(value, dtype=np.float64), shape)

    if np.ndim(obligations) == 0 and obligations > 0.0:
        years: Any = reserve / obligations
        months: Any = 12.0 * cash / obligations
    elif np.ndim(obligations) == 0:
        years, months = math.inf, math.inf
    else:
        years = _over(reserve, obligations)
        years = np.where(np.asarray(obligations) > 0.0, years, np.inf)
        months = np.where(np.asarray(obligations) > 0.0, _over(12.0 * cash, obligations), np.inf)

    market_cap = enterprise_value = mnav = mnav_simple = None
    if share is not None:
        with np.errstate(over="ignore"):
            cap, ev, ratio, simple = _market(company, share, reserve, all_positive=all_positive)
        if not bool(np.isfinite(ev).all() & np.isfinite(cap).all()):
            raise ValidationError(
                "share_price",
                share_price,
                "is too large: the market cap (basic shares x price) leaves the float range",
            )
        market_cap, enterprise_value = _out(cap, scalar), _out(ev, scalar)
        mnav, mnav_simple = _out(ratio, scalar), _out(simple, scalar)

    return Metrics(
        asset_price=_out(quoted, scalar),
        share_price=None if share is None else _out(share, scalar),
        asset_reserve=_out(reserve, scalar),
        cash=_out(full(cash), scalar),
        debt=_out(full(debt), scalar),
        preferred=_out(full(preferred), scalar),
        market_cap=market_cap,
        enterprise_value=enterprise_value,
        mnav=mnav,
        mnav_simple=mnav_simple,
        amplification=_out(
            full(_over(debt + preferred, reserve, all_positive=all_positive)), scalar
        ),
        net_leverage=_out(full(_over(debt - cash, reserve, all_positive=all_positive)), scalar),
        annual_obligations=_out(full(obligations), scalar),
        asset_years_of_coverage=_out(full(years), scalar),
        cash_months_of_coverage=_out(full(months), scalar),
        nav=_out(nav, scalar),
        nav_per_share=_out(nav_per_share, scalar),
        nav_per_share_diluted=_out(full(cur_nav / cur_shares), scalar),
        shares_if_converted=_out(full(cur_shares), scalar),
        unrealized_gain=_out(reserve - _cost_basis(company), scalar),
        units_per_share=_out(full(units / company.diluted_shares), scalar),
    )


@overload
def share_price_for_mnav(
    company: Company,
    *,
    mnav: float,
    asset_price: float,
    mnav_basis: Literal["ev", "market_cap"] = "ev",
) -> float: ...
@overload
def share_price_for_mnav(
    company: Company,
    *,
    mnav: ArrayLike,
    asset_price: ArrayInput,
    mnav_basis: Literal["ev", "market_cap"] = "ev",
) -> FloatArray: ...
@overload
def share_price_for_mnav(
    company: Company,
    *,
    mnav: ArrayInput,
    asset_price: ArrayLike,
    mnav_basis: Literal["ev", "market_cap"] = "ev",
) -> FloatArray: ...
@overload
def share_price_for_mnav(
    company: Company,
    *,
    mnav: ArrayLike,
    asset_price: Mapping[str, ArrayLike],
    mnav_basis: Literal["ev", "market_cap"] = "ev",
) -> float | FloatArray: ...
def share_price_for_mnav(
    company: Company,
    *,
    mnav: ArrayLike,
    asset_price: PriceInput,
    mnav_basis: Literal["ev", "market_cap"] = "ev",
) -> float | FloatArray:
    """The share price at which the company trades at ``mnav`` times its BTC Reserve.

    The inverse of ``metrics(...).mnav`` (``mnav_basis="ev"``, the default) or of
    ``metrics(...).mnav_simple`` (``mnav_basis="market_cap"``):

    * ``"ev"``: share price = (mNAV × BTC Reserve − debt − pref + cash) / basic shares;
    * ``"market_cap"``: share price = mNAV × BTC Reserve / basic shares.

    With ``mnav_basis="ev"`` the result is negative when ``mnav`` is below
    (debt + pref − cash) / BTC Reserve: no share price gives so low an mNAV. It is returned
    as it is (not clipped) so that a caller can see by how much; this is the one function
    of the library whose result can be a negative price, on purpose. The result is always
    finite.

    Parameters
    ----------
    company
        The balance sheet.
    mnav
        Target multiple; finite and non-negative (float or array).
    asset_price
        Price of the primary asset; finite and non-negative (float or array), or
        ``{asset: price}`` for several assets (:func:`treasurymodel.assets.asset_prices`).
        Broadcasts with ``mnav``.
    mnav_basis
        ``"ev"`` (the company's mNAV) or ``"market_cap"`` (the simple ratio).

    Raises
    ------
    ValidationError
        If ``company`` is not a :class:`~treasurymodel.Company`, ``mnav`` or ``asset_price`` is
        not a finite non-negative number (or array of them), the shapes do not broadcast,
        ``mnav_basis`` is unknown, or the price would leave the float range.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, Holdings, Note
    >>> co = Company(name="X", as_of=dt.date(2026, 1, 1), holdings=Holdings(units=1_000),
    ...     shares_basic=1e6, cash=5e6, instruments=[Note(name="n", principal=40e6,
    ...     maturity=dt.date(2030, 1, 1))])
    >>> round(share_price_for_mnav(co, mnav=1.15, asset_price=100_000.0), 9)
    80.0
    >>> share_price_for_mnav(co, mnav=1.0, asset_price=100_000.0, mnav_basis="market_cap")
    100.0
    """
    check_company(company)
    check_choice("mnav_basis", mnav_basis, ("ev", "market_cap"))
    target = price_array("mnav", mnav)
    reserve, _ = _reserve_value(company, asset_price, fx=None, field="asset_price")
    try:
        target, reserve = np.broadcast_arrays(target, reserve)
    except ValueError:
        raise ValidationError(
            "mnav", np.shape(target), f"does not broadcast with asset_price {reserve.shape}"
        ) from None
    with np.errstate(over="ignore", under="ignore"):
        value = target * reserve
        if mnav_basis == "ev":
            value = value - (company.total_debt + company.total_preferred - company.cash)
        price = value / company.shares_basic
    if not bool(np.isfinite(price).all()):
        raise ValidationError(
            "mnav", mnav, "is too large: the share price it implies leaves the float range"
        )
    return float(price) if price.ndim == 0 else np.asarray(price, dtype=np.float64)


# --- BTC Rating: moved to treasurymodel.credit (kept importable from here) ---------------


# --- BTC Yield, Gain, $ Gain ------------------------------------------------------------


def _kpi_inputs(
    start_units: ArrayLike, start_shares: ArrayLike, end_units: ArrayLike, end_shares: ArrayLike
) -> tuple[FloatArray, ...]:
    arrays = (
        price_array("start_units", start_units, positive=True),
        price_array("start_shares", start_shares, positive=True),
        price_array("end_units", end_units),
        price_array("end_shares", end_shares, positive=True),
    )
    try:
        return tuple(np.broadcast_arrays(*arrays))
    except ValueError:
        shapes = [a.shape for a in arrays]
        raise ValidationError("end_units", shapes, "input shapes do not broadcast") from None


def _yield(
    s_units: FloatArray, s_shares: FloatArray, e_units: FloatArray, e_shares: FloatArray
) -> FloatArray:
    # Each step is checked, so that an extreme input is named instead of giving inf or NaN.
    with np.errstate(all="ignore"):
        start = _finite("start_shares", s_shares, s_units / s_shares, "units per share")
        if not bool((start > 0.0).all()):
            raise ValidationError(
                "start_units", s_units, "is too small: units per share underflows to zero"
            )
        end = _finite("end_shares", e_shares, e_units / e_shares, "units per share")
        ratio = _finite("end_units", e_units, end / start, "the yield")
    result: FloatArray = ratio - 1.0
    return result


def _gain(
    s_units: FloatArray, s_shares: FloatArray, e_units: FloatArray, e_shares: FloatArray
) -> FloatArray:
    with np.errstate(all="ignore"):
        gain = s_units * _yield(s_units, s_shares, e_units, e_shares)
    return _finite("start_units", s_units, gain, "the gain (start units x yield)")


def _ret(value: FloatArray) -> float | FloatArray:
    return float(value) if value.ndim == 0 else np.asarray(value, dtype=np.float64)


@overload
def btc_yield(  # type: ignore[overload-overlap]
    *, start_units: float, start_shares: float, end_units: float, end_shares: float
) -> float: ...
@overload
def btc_yield(
    *, start_units: ArrayLike, start_shares: ArrayLike, end_units: ArrayLike, end_shares: ArrayLike
) -> FloatArray: ...
def btc_yield(
    *, start_units: ArrayLike, start_shares: ArrayLike, end_units: ArrayLike, end_shares: ArrayLike
) -> float | FloatArray:
    """BTC Yield over a period: the relative change of units per assumed diluted share.

    BTC Yield = (end units / end shares) / (start units / start shares) − 1, as a fraction
    (0.10 is 10%). Shares are assumed diluted shares, the company's definition.

    Examples
    --------
    >>> btc_yield(start_units=100.0, start_shares=1_000.0, end_units=150.0, end_shares=1_200.0)
    0.25
    """
    return _ret(_yield(*_kpi_inputs(start_units, start_shares, end_units, end_shares)))


@overload
def btc_gain(  # type: ignore[overload-overlap]
    *, start_units: float, start_shares: float, end_units: float, end_shares: float
) -> float: ...
@overload
def btc_gain(
    *, start_units: ArrayLike, start_shares: ArrayLike, end_units: ArrayLike, end_shares: ArrayLike
) -> FloatArray: ...
def btc_gain(
    *, start_units: ArrayLike, start_shares: ArrayLike, end_units: ArrayLike, end_shares: ArrayLike
) -> float | FloatArray:
    """BTC Gain over a period: units held at the start × BTC Yield.

    Examples
    --------
    >>> btc_gain(start_units=100.0, start_shares=1_000.0, end_units=150.0, end_shares=1_200.0)
    25.0
    """
    return _ret(_gain(*_kpi_inputs(start_units, start_shares, end_units, end_shares)))


@overload
def btc_dollar_gain(  # type: ignore[overload-overlap]
    *,
    start_units: float,
    start_shares: float,
    end_units: float,
    end_shares: float,
    end_price: float,
) -> float: ...
@overload
def btc_dollar_gain(
    *,
    start_units: ArrayLike,
    start_shares: ArrayLike,
    end_units: ArrayLike,
    end_shares: ArrayLike,
    end_price: ArrayLike,
) -> FloatArray: ...
def btc_dollar_gain(
    *,
    start_units: ArrayLike,
    start_shares: ArrayLike,
    end_units: ArrayLike,
    end_shares: ArrayLike,
    end_price: ArrayLike,
) -> float | FloatArray:
    """BTC $ Gain over a period: BTC Gain × the BTC price at the end of the period.

    Examples
    --------
    >>> btc_dollar_gain(start_units=100.0, start_shares=1_000.0, end_units=150.0,
    ...                 end_shares=1_200.0, end_price=80_000.0)
    2000000.0
    """
    inputs = _kpi_inputs(start_units, start_shares, end_units, end_shares)
    price = price_array("end_price", end_price)
    gain = _gain(*inputs)
    try:
        with np.errstate(over="ignore"):
            value = np.multiply(gain, price)
    except ValueError:
        raise ValidationError(
            "end_price", price.shape, f"does not broadcast with the units {gain.shape}"
        ) from None
    return _ret(_finite("end_price", end_price, value, "the gain x price"))
