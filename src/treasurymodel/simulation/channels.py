"""Funding channels: where a simulated company raises money when something falls due.

A :class:`~treasurymodel.simulation.FundingPolicy` walks an ordered list of channels (its
``channels``)
each time something is due: after the cash above the reserve floor and before the cash below
it. The built-in channels are named by strings (``"common"``, ``"preferred"``, ``"coins"``:
configured by the policy's own fields) or are frozen records that issue new securities
(:class:`ConvertibleIssuance`); any object following the :class:`FundingChannel` protocol is a
channel too. ``docs/theory/simulation.rst`` states the rules.
"""

from __future__ import annotations

import calendar
import datetime as _dt
from typing import Any, Protocol, runtime_checkable

import attrs
import numpy as np

from .._typing import FloatArray
from ..errors import ValidationError
from ..validators import (
    boolean,
    frequency,
    in_range,
    name_text,
    non_negative,
    optional,
    positive,
    to_float,
    to_int,
)

__all__ = [
    "BUILTIN_CHANNELS",
    "ChannelState",
    "ConvertibleIssuance",
    "FundingChannel",
    "PreferredAtm",
    "PreferredIssuance",
    "TermLoanIssuance",
]

BUILTIN_CHANNELS: tuple[str, ...] = ("common", "preferred", "coins")
"""Names of the channels configured by :class:`~treasurymodel.simulation.FundingPolicy`'s own
fields:
new common shares at the market, the preferred series sold at the market, and coin sales."""


def _whole_years(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, int) or not 1 <= value <= 50:
        raise ValidationError(
            f"{type(instance).__name__}.{attribute.name}", value, "must be whole years in [1, 50]"
        )


@attrs.frozen(kw_only=True)
class ConvertibleIssuance:
    """A market for new convertible notes, used to pay what falls due (refinancing).

    On a step where money is needed the channel sells new notes at par, up to what is left of
    ``capacity_per_year`` in the calendar year of the step, while the share price is at or
    above ``min_share_price`` and the premium model's mNAV at or above ``min_mnav`` (the
    market is closed otherwise). The notes sold on one step form a tranche: coupon
    ``coupon`` paid ``frequency`` times a year on the calendar's period ends (30 June and
    31 December for 2), the first one for the days since the issue
    (:meth:`coupon_dates`), conversion price the share price of the step times
    ``1 + conversion_premium``, a holder put at par on the coupon date ending year
    ``put_years`` (``None``: none) and maturity on the one ending year ``tenor_years``.
    Aligning the coupons of all tranches on the same dates keeps the engine's calendar
    short. The tranche then enters
    the path's calendar like any note: its coupons are due, holders put it when the stock is
    below the conversion price, and at maturity it converts into shares if the stock is at
    or above the conversion price and is repaid in cash otherwise.

    Parameters
    ----------
    name
        A label for the channel (in messages).
    capacity_per_year
        Principal that can be sold in one calendar year (reporting currency, >= 0).
    coupon
        Annual coupon rate in ``[0, 1)``.
    frequency
        Coupons a year: 1, 2, 4 or 12.
    conversion_premium
        Conversion price over the share price at issue, minus 1 (0.35: 35% above), >= 0.
    tenor_years
        Whole years to maturity, 1 to 50.
    put_years
        Whole years to the holder put (before maturity), or ``None``.
    min_share_price
        Share price below which the market is closed (reporting currency, >= 0).
    min_mnav
        mNAV below which the market is closed (>= 0).

    Examples
    --------
    >>> c = ConvertibleIssuance(capacity_per_year=5e9, coupon=0.01, conversion_premium=0.35,
    ...                         tenor_years=5, put_years=3)
    >>> c.tenor_years, c.put_years
    (5, 3)
    >>> ConvertibleIssuance(capacity_per_year=5e9, tenor_years=5, put_years=5)
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: ConvertibleIssuance.put_years: must be before the \
maturity (5 years), got 5
    """

    name: str = attrs.field(default="new convertible notes", validator=name_text)
    capacity_per_year: float = attrs.field(converter=to_float, validator=non_negative)
    coupon: float = attrs.field(default=0.0, converter=to_float, validator=in_range(0.0, 1.0))
    frequency: int = attrs.field(default=2, converter=to_int, validator=frequency)
    conversion_premium: float = attrs.field(
        default=0.35, converter=to_float, validator=in_range(0.0, 10.0, high_closed=True)
    )
    tenor_years: int = attrs.field(default=5, validator=_whole_years)
    put_years: int | None = attrs.field(default=None, validator=_whole_years)
    min_share_price: float = attrs.field(default=0.0, converter=to_float, validator=non_negative)
    min_mnav: float = attrs.field(default=0.0, converter=to_float, validator=non_negative)

    def __attrs_post_init__(self) -> None:
        if self.put_years is not None and self.put_years >= self.tenor_years:
            raise ValidationError(
                "ConvertibleIssuance.put_years",
                self.put_years,
                f"must be before the maturity ({self.tenor_years} years)",
            )

    def coupon_dates(self, issued: _dt.date) -> tuple[tuple[_dt.date, float], ...]:
        """The coupon dates of notes issued on ``issued``, with the fraction of a coupon due.

        The dates are the calendar's period ends (every ``12 / frequency`` months, at month
        ends), the first strictly after ``issued``; there are ``tenor_years × frequency`` of
        them and the last is the maturity. The first coupon is the fraction of its period
        elapsed since the issue (actual days over the period's days); the others are whole.
        The put, if any, falls on date number ``put_years × frequency``.

        Examples
        --------
        >>> import datetime as dt
        >>> c = ConvertibleIssuance(capacity_per_year=1e9, coupon=0.02, tenor_years=1)
        >>> [(str(d), round(f, 4)) for d, f in c.coupon_dates(dt.date(2026, 4, 1))]
        [('2026-06-30', 0.4972), ('2026-12-31', 1.0)]
        """
        months = 12 // self.frequency
        index = issued.year * 12 + issued.month - 1
        index -= index % months
        out: list[tuple[_dt.date, float]] = []
        previous: _dt.date | None = None
        while len(out) < self.tenor_years * self.frequency:
            year, month = divmod(index + months - 1, 12)
            day = _dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])
            index += months
            if day <= issued:
                previous = day
                continue
            if not out:
                if previous is None:
                    y0, m0 = divmod(index - 2 * months + months - 1, 12)
                    previous = _dt.date(y0, m0 + 1, calendar.monthrange(y0, m0 + 1)[1])
                out.append((day, (day - issued).days / (day - previous).days))
            else:
                out.append((day, 1.0))
        return tuple(out)


def period_ends(issued: _dt.date, frequency: int, until: _dt.date) -> list[tuple[_dt.date, float]]:
    """Calendar period ends after ``issued`` up to ``until``, each with the fraction of its
    period after ``issued`` (the first one's elapsed share, 1 for the others).

    Examples
    --------
    >>> import datetime as dt
    >>> [(str(d), round(f, 4)) for d, f in period_ends(dt.date(2026, 2, 15), 4,
    ...                                                dt.date(2026, 9, 30))]
    [('2026-03-31', 0.4889), ('2026-06-30', 1.0), ('2026-09-30', 1.0)]
    """
    months = 12 // frequency
    index = issued.year * 12 + issued.month - 1
    index -= index % months
    year, month = divmod(index - 1, 12)
    previous = _dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])
    out: list[tuple[_dt.date, float]] = []
    while True:
        year, month = divmod(index + months - 1, 12)
        day = _dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])
        index += months
        if day > until:
            return out
        if day <= issued:
            previous = day
            continue
        out.append((day, (day - issued).days / (day - previous).days if not out else 1.0))


@attrs.frozen(kw_only=True)
class PreferredIssuance:
    """A market for a new perpetual preferred series, used to pay what falls due.

    On a step where money is needed the channel sells stated amount at par, up to what is
    left of ``capacity_per_year`` in the calendar year of the step. Everything one channel
    sells on a path forms one series, junior to every existing one, paying dividends
    ``frequency`` times a year on the calendar's period ends: on what is sold on a step, the
    annual rate of that step for the elapsed part of the first period, then whole periods.
    The rate is ``rate``, or, with ``rating_for_rate``, ``rate`` plus ``widening`` per unit
    of the BTC Rating below ``rating_for_rate``; the BTC Rating of the new series, which ranks
    below all debt and preferred, is the reserve's value over the debt and preferred
    outstanding (:math:`uP/(D + F)`). The market is closed when that rate would exceed
    ``max_rate``, when the rating is below ``min_rating``, when the share price is below
    ``min_share_price`` or the mNAV below ``min_mnav``. Unpaid dividends of a cumulative
    series accrue (without compounding); a non-cumulative series' are lost.

    Parameters
    ----------
    name
        A label for the channel.
    capacity_per_year
        Stated amount that can be sold in one calendar year (reporting currency, >= 0).
    rate
        Annual dividend rate at a BTC Rating at or above ``rating_for_rate``, in ``[0, 1)``.
    frequency
        Dividends a year: 1, 2, 4 or 12.
    cumulative
        Whether unpaid dividends accrue.
    rating_for_rate
        BTC Rating at or above which ``rate`` applies (> 0), or ``None`` for a fixed rate.
    widening
        Rate added per unit of BTC Rating below ``rating_for_rate`` (>= 0).
    max_rate
        Highest rate the company accepts, in ``(0, 1)``: the market is closed above it.
    min_rating, min_share_price, min_mnav
        BTC Rating, share price and mNAV below which the market is closed (>= 0).

    Examples
    --------
    >>> p = PreferredIssuance(capacity_per_year=2e9, rate=0.10, rating_for_rate=5.0,
    ...                       widening=0.01)
    >>> p.rate, p.max_rate
    (0.1, 0.2)
    """

    name: str = attrs.field(default="new preferred", validator=name_text)
    capacity_per_year: float = attrs.field(converter=to_float, validator=non_negative)
    rate: float = attrs.field(converter=to_float, validator=in_range(0.0, 1.0))
    frequency: int = attrs.field(default=4, converter=to_int, validator=frequency)
    cumulative: bool = attrs.field(default=True, validator=boolean)
    rating_for_rate: float | None = attrs.field(
        default=None, converter=to_float, validator=optional(positive)
    )
    widening: float = attrs.field(default=0.0, converter=to_float, validator=non_negative)
    max_rate: float = attrs.field(
        default=0.2, converter=to_float, validator=in_range(0.0, 1.0, low_closed=False)
    )
    min_rating: float = attrs.field(default=0.0, converter=to_float, validator=non_negative)
    min_share_price: float = attrs.field(default=0.0, converter=to_float, validator=non_negative)
    min_mnav: float = attrs.field(default=0.0, converter=to_float, validator=non_negative)


@attrs.frozen(kw_only=True)
class TermLoanIssuance:
    """New term loans against the company's free coins, used to pay what falls due.

    On a step where money is needed the channel lends up to what is left of
    ``capacity_per_year`` in the calendar year, and at most ``origination_ltv`` of the value
    of the free (unpledged) coins: a loan of ``L`` pledges ``L / (origination_ltv × P)`` of
    them.
    The loans made on one step form a tranche that enters the path's calendar: interest at
    ``rate`` paid ``frequency`` times a year on the calendar's period ends (the first for the
    elapsed part of its period), the principal due on the period end ending year
    ``tenor_years`` (its pledge then freed, so it can be sold to repay it), and a margin check
    on every step: above ``max_ltv`` the company tops the pledge up from free coins, and if it
    cannot, the lender liquidates the coins that cover what is owed plus
    ``liquidation_penalty``, as for a :class:`~treasurymodel.TermLoan`.

    Parameters
    ----------
    name
        A label for the channel.
    capacity_per_year
        Principal that can be borrowed in one calendar year (reporting currency, >= 0).
    rate
        Annual interest rate in ``[0, 1)``.
    frequency
        Interest payments a year: 1, 2, 4 or 12.
    tenor_years
        Whole years to maturity, 1 to 50.
    origination_ltv
        Loan over the value of the coins pledged when it is made, in ``(0, 1]``.
    max_ltv
        Margin-call level, in ``(0, 1]``, at least ``origination_ltv``.
    liquidation_penalty
        Cost of a forced liquidation, a fraction of what is owed, in ``[0, 1)``.

    Examples
    --------
    >>> TermLoanIssuance(capacity_per_year=1e9, rate=0.08, origination_ltv=0.25,
    ...                  max_ltv=0.5).tenor_years
    3
    >>> TermLoanIssuance(capacity_per_year=1e9, rate=0.08, origination_ltv=0.6, max_ltv=0.5)
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: TermLoanIssuance.max_ltv: must be at least the \
origination LTV 0.6, got 0.5
    """

    name: str = attrs.field(default="new term loans", validator=name_text)
    capacity_per_year: float = attrs.field(converter=to_float, validator=non_negative)
    rate: float = attrs.field(converter=to_float, validator=in_range(0.0, 1.0))
    frequency: int = attrs.field(default=12, converter=to_int, validator=frequency)
    tenor_years: int = attrs.field(default=3, validator=_whole_years)
    origination_ltv: float = attrs.field(
        default=0.25,
        converter=to_float,
        validator=in_range(0.0, 1.0, low_closed=False, high_closed=True),
    )
    max_ltv: float = attrs.field(
        default=0.5,
        converter=to_float,
        validator=in_range(0.0, 1.0, low_closed=False, high_closed=True),
    )
    liquidation_penalty: float = attrs.field(
        default=0.0, converter=to_float, validator=in_range(0.0, 1.0)
    )

    def __attrs_post_init__(self) -> None:
        if self.max_ltv < self.origination_ltv:
            raise ValidationError(
                "TermLoanIssuance.max_ltv",
                self.max_ltv,
                f"must be at least the origination LTV {self.origination_ltv}",
            )

    def payment_dates(self, issued: _dt.date) -> tuple[tuple[_dt.date, float], ...]:
        """Interest dates of loans made on ``issued`` (the last is the maturity), with the
        fraction of a period's interest due on each (see
        :meth:`ConvertibleIssuance.coupon_dates`).

        Examples
        --------
        >>> import datetime as dt
        >>> loan = TermLoanIssuance(capacity_per_year=1e9, rate=0.08, frequency=2,
        ...                         tenor_years=1)
        >>> [str(d) for d, _ in loan.payment_dates(dt.date(2026, 3, 5))]
        ['2026-06-30', '2026-12-31']
        """
        notes = ConvertibleIssuance(
            capacity_per_year=0.0, frequency=self.frequency, tenor_years=self.tenor_years
        )
        return notes.coupon_dates(issued)


@attrs.frozen(kw_only=True)
class PreferredAtm:
    """An at-the-market program of one of the company's existing preferred series.

    The same rule as the policy's ``"preferred"`` channel, for any series and with its own
    terms, so that each series can have its program: up to ``daily_capacity`` of stated
    amount a trading day (``trading_days_per_year / 365`` of a calendar day) is sold at
    ``price`` per unit of stated amount, while the premium model's mNAV is at or above
    ``min_mnav``. The series' notional, and so its dividends, grow.

    Parameters
    ----------
    series
        Name of a preferred series of the company (checked when the engine runs).
    daily_capacity
        Stated amount that can be sold a trading day (reporting currency, >= 0).
    price
        Proceeds per unit of stated amount (> 0; 0.95: at a 5% discount).
    min_mnav
        mNAV below which the program is closed (>= 0).

    Examples
    --------
    >>> PreferredAtm(series="STRC", daily_capacity=20e6, price=0.98).price
    0.98
    """

    series: str = attrs.field(validator=name_text)
    daily_capacity: float = attrs.field(converter=to_float, validator=non_negative)
    price: float = attrs.field(default=1.0, converter=to_float, validator=positive)
    min_mnav: float = attrs.field(default=0.0, converter=to_float, validator=non_negative)

    @property
    def name(self) -> str:
        """A label for the channel.

        Examples
        --------
        >>> PreferredAtm(series="STRK", daily_capacity=1e6).name
        'STRK at the market'
        """
        return f"{self.series} at the market"


@attrs.frozen(kw_only=True)
class ChannelState:
    """What a :class:`FundingChannel` sees on a step: the path state, one value per path.

    Every array has shape ``(paths,)`` and holds the state at the start of the step (after
    margin calls): the asset price, the share price, the premium model's mNAV, units held,
    cash, debt and preferred outstanding, basic shares, BTC per assumed-diluted share, and
    the BTC Rating of a security junior to everything outstanding (reserve over debt plus
    preferred, infinite with nothing outstanding). ``owed`` is what is still to be raised
    when the channel is reached.

    Examples
    --------
    >>> import datetime as dt, numpy as np
    >>> s = ChannelState(step=3, date=dt.date(2026, 1, 22), asset_price=np.array([5e4]),
    ...     share_price=np.array([100.0]), mnav=np.array([1.2]), units=np.array([1e3]),
    ...     cash=np.array([0.0]), debt=np.array([1e7]), preferred=np.array([0.0]),
    ...     shares=np.array([1e6]), units_per_share=np.array([1e-3]), btc_rating=np.array([5.0]),
    ...     owed=np.array([2e6]))
    >>> s.paths
    1
    """

    step: int
    date: _dt.date
    asset_price: FloatArray
    share_price: FloatArray
    mnav: FloatArray
    units: FloatArray
    cash: FloatArray
    debt: FloatArray
    preferred: FloatArray
    shares: FloatArray
    units_per_share: FloatArray
    btc_rating: FloatArray
    owed: FloatArray

    @property
    def paths(self) -> int:
        """Number of paths.

        Examples
        --------
        >>> import datetime as dt, numpy as np
        >>> z = np.zeros(2)
        >>> ChannelState(step=0, date=dt.date(2026, 1, 1), asset_price=z, share_price=z, mnav=z,
        ...     units=z, cash=z, debt=z, preferred=z, shares=z, units_per_share=z,
        ...     btc_rating=z, owed=z).paths
        2
        """
        return int(self.asset_price.shape[0])


@runtime_checkable
class FundingChannel(Protocol):
    """A user-defined source of money: anything with a ``name`` and an ``available`` method.

    ``available(state)`` returns the cash the channel can provide on this step, per path (a
    number, or an array of shape ``(paths,)``), finite and non-negative; the engine takes what
    it needs of it, debt first. The money carries no obligation the engine serves later (a
    sale of other assets, a capital injection); model a security with later payments with
    :class:`ConvertibleIssuance`. A channel that returns a negative amount, NaN or the wrong
    shape is refused with a ``ValidationError`` naming it.

    Examples
    --------
    >>> class Grant:
    ...     name = "parent company"
    ...     def available(self, state):
    ...         return 1e6
    >>> isinstance(Grant(), FundingChannel)
    True
    """

    name: str

    def available(self, state: ChannelState) -> Any:
        """Cash available on this step, per path."""
        ...


def check_channel(channel: Any, position: int) -> None:
    """Refuse anything in a channel list that is not a channel (the field is named)."""
    field = f"FundingPolicy.channels[{position}]"
    if isinstance(channel, str):
        if channel not in BUILTIN_CHANNELS:
            raise ValidationError(field, channel, f"must be one of {BUILTIN_CHANNELS}")
        return
    if isinstance(
        channel, ConvertibleIssuance | PreferredIssuance | PreferredAtm | TermLoanIssuance
    ):
        return
    if not isinstance(channel, FundingChannel) or not isinstance(
        getattr(channel, "name", None), str
    ):
        raise ValidationError(
            field,
            channel,
            "must be a built-in channel name, a ConvertibleIssuance, a PreferredIssuance, a "
            "PreferredAtm, a TermLoanIssuance or an object with a str name and an "
            "available(state) method",
        )


def channel_amount(channel: FundingChannel, value: Any, paths: int) -> FloatArray:
    """Check what a user channel returned: numbers, shape () or (paths,), finite, >= 0."""
    field = f"channel {channel.name!r}"
    try:
        raw = np.asarray(value)
        if raw.dtype.kind not in "iuf":
            raise TypeError
        arr = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValidationError(field, value, "must return numbers") from None
    if arr.ndim == 0:
        arr = np.full(paths, float(arr))
    if arr.shape != (paths,):
        raise ValidationError(field, arr.shape, f"must return one amount per path ({paths},)")
    bad = ~np.isfinite(arr) | (arr < 0.0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValidationError(
            field, float(arr[i]), f"must return finite, non-negative amounts (path {i})"
        )
    return arr
