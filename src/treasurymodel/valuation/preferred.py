"""Perpetual preferred stock: fixed and variable dividends, issuer call, conversion option.

Values are per 100 of stated amount (per share for a $100 series such as STRF or STRK), in
the series' currency, with dividends discounted continuously at ``rate + credit_spread``
(ACT/365F from the valuation date). Dividends are assumed paid in full: the credit spread
prices the risk that they are not.

The dividend ``D = 100 × rate / f`` of a series paying ``f`` times a year falls on the
calendar period ends (:func:`treasurymodel.schedule.dividend_dates`); the first is the next
such date, ``t_1`` years away. A perpetual stream of equal dividends is worth

.. math::

    V = D\\,e^{-y t_1}\\,\\frac{1}{1 - e^{-y/f}},\\qquad y = r + s,

which, just after a payment (``t_1 = 1/f``), is ``D / (e^{y/f} − 1)`` and, to first order,
``100 × rate / y``. After the first, dividends are spaced exactly ``1/f`` years apart
(calendar quarters differ from a quarter year by a day or two).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any, overload

import numpy as np

from .. import schedule
from .._typing import ArrayLike, FloatArray
from ..errors import ValidationError
from ..instruments import PreferredStock
from ..validators import check_finite
from ._inputs import (
    MAX_HORIZON,
    as_array,
    broadcast,
    check_date,
    check_flag,
    check_steps,
    output,
    years,
)
from ._lattice import (
    accrual_by_step,
    build_lattice,
    check_range,
    roll_back,
    step_index,
    tree_parameters,
)

__all__ = ["value_preferred"]

_MAX_PERIODS = 12 * 200


class _Dividends:
    """Dividend dates, times, amounts and the tail rate of a series from a valuation date."""

    def __init__(
        self,
        preferred: PreferredStock,
        valuation_date: _dt.date,
        *,
        until: _dt.date,
        forward_rates: Sequence[float] | None,
    ) -> None:
        step = 12 // preferred.frequency
        first = schedule.dividend_dates(
            preferred, after=valuation_date, until=valuation_date + _dt.timedelta(days=800)
        )[0]
        last_change = max((s.date for s in preferred.rate_schedule), default=None)
        n_forward = 0 if forward_rates is None else len(forward_rates)
        dates: list[_dt.date] = []
        rates: list[float] = []
        k = 0
        while True:
            pay = schedule.add_months(first, k * step, end_of_month=True)
            begins = schedule.add_months(pay, -step, end_of_month=True) + _dt.timedelta(days=1)
            if forward_rates is not None:
                rate = forward_rates[min(k, n_forward - 1)]
            else:
                rate = preferred.rate_on(begins)
            # Stop once past ``until``, the forward path and the last known rate change:
            # this period and all later ones pay ``rate`` (the tail).
            if (
                k >= 1
                and pay > until
                and k >= n_forward
                and (last_change is None or begins > last_change)
            ):
                break
            if k >= _MAX_PERIODS:  # a call date or a rate step centuries away
                raise ValidationError(
                    preferred.name,
                    pay,
                    f"needs more than {_MAX_PERIODS} dividend periods valued one by one "
                    "(a call_from or rate_schedule date too far after the valuation date)",
                )
            dates.append(pay)
            rates.append(rate)
            k += 1
        self.frequency = preferred.frequency
        self.dates = dates
        self.previous = schedule.add_months(first, -step, end_of_month=True)
        # The first dividend on its date; later ones exactly 1/f years apart (so the value
        # does not depend on how many periods are listed explicitly).
        t1 = years(valuation_date, dates[0])
        self.times = t1 + np.arange(len(dates)) / preferred.frequency
        self.amounts = np.array(rates) * (100.0 / preferred.frequency)
        self.tail = rate * (100.0 / preferred.frequency)  # each later dividend

    def accrued(self, on: _dt.date) -> float:
        """Dividend accrued on ``on`` (days elapsed in the current period over its days)."""
        prev = self.previous
        for pay, amount in zip(self.dates, self.amounts, strict=True):
            if on < pay:
                return float(amount) * (on - prev).days / (pay - prev).days if on > prev else 0.0
            prev = pay
        return 0.0  # pragma: no cover - the schedule always extends past ``on``


def _straight(div: _Dividends, y: FloatArray, *, upto: int | None = None) -> FloatArray:
    """Value of the dividends (the first ``upto`` only, if given) at yield ``y``."""
    times = div.times if upto is None else div.times[:upto]
    amounts = div.amounts if upto is None else div.amounts[:upto]
    value = np.exp(-np.outer(y, times)) @ amounts
    if upto is None:
        growth = np.exp(-y / div.frequency)
        value = value + div.tail * np.exp(-y * div.times[-1]) * growth / (1.0 - growth)
    return np.asarray(value, dtype=np.float64)


def _check_forward(forward_rates: Any) -> tuple[float, ...] | None:
    if forward_rates is None:
        return None
    if isinstance(forward_rates, str | bytes):
        raise ValidationError("forward_rates", forward_rates, "must be a sequence of rates")
    try:
        rates = tuple(check_finite("forward_rates", r) for r in forward_rates)
    except TypeError:
        raise ValidationError(
            "forward_rates", forward_rates, "must be a sequence of rates"
        ) from None
    if not 0 < len(rates) <= _MAX_PERIODS or any(not 0.0 <= r < 1.0 for r in rates):
        raise ValidationError(
            "forward_rates",
            forward_rates,
            f"must be a sequence of 1 to {_MAX_PERIODS} rates in [0, 1)",
        )
    return rates


@overload
def value_preferred(  # type: ignore[overload-overlap]
    preferred: PreferredStock,
    *,
    valuation_date: _dt.date,
    rate: float,
    credit_spread: float,
    share_price: float | None = None,
    volatility: float | None = None,
    dividend_yield: float = 0.0,
    forward_rates: Sequence[float] | None = None,
    horizon: float = 30.0,
    steps: int = 1000,
    clean: bool = False,
) -> float: ...
@overload
def value_preferred(
    preferred: PreferredStock,
    *,
    valuation_date: _dt.date,
    rate: ArrayLike,
    credit_spread: ArrayLike,
    share_price: ArrayLike | None = None,
    volatility: ArrayLike | None = None,
    dividend_yield: ArrayLike = 0.0,
    forward_rates: Sequence[float] | None = None,
    horizon: float = 30.0,
    steps: int = 1000,
    clean: bool = False,
) -> FloatArray: ...
def value_preferred(
    preferred: PreferredStock,
    *,
    valuation_date: _dt.date,
    rate: ArrayLike,
    credit_spread: ArrayLike,
    share_price: ArrayLike | None = None,
    volatility: ArrayLike | None = None,
    dividend_yield: ArrayLike = 0.0,
    forward_rates: Sequence[float] | None = None,
    horizon: float = 30.0,
    steps: int = 1000,
    clean: bool = False,
) -> float | FloatArray:
    """Value of a perpetual preferred series per 100 of stated amount.

    * **Fixed rate**: the perpetuity of the module docstring.
    * **Variable rate**: each period pays the rate in force on its first day
      (``preferred.rate_schedule``), held constant after the last known step; or the path
      ``forward_rates`` (annual rates of the next periods, the first for the next
      dividend), held at its last entry after it.
    * **Issuer call** (``preferred.call_from``): the issuer redeems on ``call_from`` at
      ``call_price`` plus accrued dividends when that is worth less than leaving the series
      outstanding (a deterministic comparison; later call dates are not considered).
    * **Conversion** (``preferred.conversion_ratio > 0`` and a ``share_price``): the
      Tsiveriotis–Fernandes tree of :func:`treasurymodel.valuation.value_convertible`, with the
      dividends as its cash flows, run over ``horizon`` years (to the last dividend date
      inside it) in ``steps`` steps. At the horizon the holder takes the larger of the
      shares and the straight perpetuity from then on, so the conversion right is cut
      there: a slight undervaluation that shrinks as the horizon grows.

    Parameters
    ----------
    preferred
        The preferred series.
    valuation_date
        Date of the valuation; not before ``preferred.issued`` when that is given. A dividend
        paid on it is past (the value is ex-dividend, dirty = clean).
    rate, credit_spread
        Continuously compounded risk-free rate (in ``[-1, 1]``) and credit spread (in
        ``[0, 5]``), floats or arrays; their sum must be positive.
    share_price, volatility, dividend_yield
        Common share price (currency of the stated amount), its volatility and dividend
        yield, for a convertible series, with the ranges of
        :func:`treasurymodel.valuation.value_convertible`; without a ``share_price`` the series is
        valued without conversion (and ``volatility`` and ``dividend_yield`` must be left
        out).
    forward_rates
        Optional dividend-rate path for a variable series (see above).
    horizon
        Years covered by the tree of a convertible series, at most 200.
    steps
        Steps of that tree, 2 to 100,000.
    clean
        Subtract the dividend accrued in the current period (days elapsed over days in the
        period).

    Examples
    --------
    STRF, 10% paid quarterly, at a 4% rate and a 6% spread, valued on a dividend date:

    >>> import datetime as dt
    >>> from treasurymodel import PreferredStock
    >>> from treasurymodel.valuation import value_preferred
    >>> strf = PreferredStock(name="STRF", notional=1_284e6, rate=0.10, frequency=4)
    >>> round(value_preferred(strf, valuation_date=dt.date(2025, 12, 31), rate=0.04,
    ...     credit_spread=0.06), 2)
    98.79

    STRK, 8% and 0.1 share per $100, with the common at $114.45:

    >>> strk = PreferredStock(name="STRK", notional=1_402e6, rate=0.08, conversion_ratio=0.1)
    >>> straight = value_preferred(strk, valuation_date=dt.date(2025, 12, 31), rate=0.04,
    ...     credit_spread=0.06)
    >>> with_option = value_preferred(strk, valuation_date=dt.date(2025, 12, 31), rate=0.04,
    ...     credit_spread=0.06, share_price=114.45, volatility=0.6, steps=400)
    >>> round(straight, 2), round(with_option, 2)
    (79.03, 89.45)
    """
    if not isinstance(preferred, PreferredStock):
        raise ValidationError("preferred", preferred, "must be a PreferredStock")
    day = check_date("valuation_date", valuation_date)
    if preferred.issued is not None and day < preferred.issued:
        raise ValidationError(
            "valuation_date",
            day,
            f"must not be before the issue date of {preferred.name!r} ({preferred.issued})",
        )
    forwards = _check_forward(forward_rates)
    convertible = share_price is not None
    if convertible:
        if preferred.conversion_ratio <= 0.0:
            raise ValidationError(
                "share_price", share_price, f"given, but {preferred.name!r} does not convert"
            )
        if volatility is None:
            raise ValidationError("volatility", None, "is needed with a share_price")
    elif volatility is not None:
        raise ValidationError("volatility", volatility, "needs a share_price")
    elif np.any(as_array("dividend_yield", dividend_yield) != 0.0):
        raise ValidationError("dividend_yield", dividend_yield, "needs a share_price")
    span = check_finite("horizon", horizon)
    if not 0.0 < span <= MAX_HORIZON:
        raise ValidationError("horizon", horizon, f"must be in (0, {MAX_HORIZON:g}] years")
    n = check_steps(steps)
    quoted = check_flag("clean", clean)
    market: dict[str, Any] = {"rate": rate, "credit_spread": credit_spread}
    if convertible:
        market |= {
            "share_price": share_price,
            "volatility": volatility,
            "dividend_yield": dividend_yield,
        }
    flat, shape, scalar = broadcast(**market)
    y = flat["rate"] + flat["credit_spread"]
    if (y <= 0.0).any():
        k = int(np.argmax(y <= 0.0))
        raise ValidationError(
            "rate", float(flat["rate"][k]), "plus credit_spread must be positive for a perpetual"
        )
    until = day + _dt.timedelta(days=round(span * 365.0)) if convertible else day
    if preferred.call_from is not None and preferred.call_from > until:
        until = preferred.call_from
    div = _Dividends(preferred, day, until=until, forward_rates=forwards)
    if convertible:
        value = _convertible(
            preferred,
            div,
            day,
            until=day + _dt.timedelta(days=round(span * 365.0)),
            steps=n,
            s=flat["share_price"],
            sigma=flat["volatility"],
            r=flat["rate"],
            spread=flat["credit_spread"],
            q=flat["dividend_yield"],
        )
    else:
        value = _straight(div, y)
        if preferred.call_from is not None:
            value = np.minimum(value, _called(preferred, div, day, y))
    if quoted:
        value = value - div.accrued(day)
    return output(value, shape, scalar)  # type: ignore[no-any-return]


def _called(
    preferred: PreferredStock, div: _Dividends, day: _dt.date, y: FloatArray
) -> FloatArray:
    """Value if the issuer redeems on ``call_from`` (or today, if that date has passed)."""
    assert preferred.call_from is not None
    when = max(preferred.call_from, day)
    paid = sum(1 for d in div.dates if d <= when)
    t = years(day, when)
    redemption = preferred.call_price * 100.0 + (div.accrued(when) if when > day else 0.0)
    return _straight(div, y, upto=paid) + redemption * np.exp(-y * t)


def _convertible(
    preferred: PreferredStock,
    div: _Dividends,
    day: _dt.date,
    *,
    until: _dt.date,
    steps: int,
    s: FloatArray,
    sigma: FloatArray,
    r: FloatArray,
    spread: FloatArray,
    q: FloatArray,
) -> FloatArray:
    """Tree value of a convertible series; the straight perpetuity takes over at the end."""
    inside = [k for k, d in enumerate(div.dates) if d <= until] or [0]
    last = inside[-1]
    end = float(div.times[last])
    dt = end / steps

    cash = np.zeros(steps + 1)
    periods = []
    start = years(day, div.previous)
    for k in range(last + 1):
        t = float(div.times[k])
        cash[step_index(t, dt, steps)] += float(div.amounts[k])
        periods.append((start / dt, t / dt, float(div.amounts[k])))
        start = t
    call_step: int | None = None
    if preferred.call_from is not None and preferred.call_from <= div.dates[last]:
        call_step = (
            step_index(years(day, preferred.call_from), dt, steps)
            if preferred.call_from > day
            else 0
        )
    lattice = build_lattice(
        horizon=end,
        cash=cash,
        accrued=accrual_by_step(steps, periods),
        redemption=0.0,
        call_step=call_step,
        call_price=preferred.call_price * 100.0,
        ratio=preferred.conversion_ratio,
    )
    # At the horizon: the straight perpetuity from there on, against the shares.
    y = r + spread
    growth = np.exp(-y / div.frequency)
    tail = [div.amounts[k] for k in range(last + 1, len(div.amounts))]
    later = np.zeros_like(y)
    for j, amount in enumerate(tail, start=1):
        later = later + amount * growth**j
    later = later + div.tail * growth ** (len(tail) + 1) / (1.0 - growth)
    # The dividend of the horizon date is paid whether or not the holder converts there.
    params = tree_parameters(lattice, sigma=sigma, rate=r, dividend_yield=q)
    check_range(lattice, s, params.dx)
    values = roll_back(
        lattice,
        s_base=s,
        params=params,
        spread=spread,
        final_cash=later,
        final_bonus=float(cash[steps]),
    )
    return np.asarray(values[0], dtype=np.float64)
