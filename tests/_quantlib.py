"""QuantLib's convertible with the library's conventions: one builder for tests and benchmarks.

Used by ``tests/test_valuation_quantlib.py`` and ``benchmarks/bench_valuation.py``. QuantLib is
passed in (``ql``), so importing this module does not need it. Conventions matched (see the
theory page, "QuantLib"): flat ACT/365F curves with continuous compounding, settlement days
0, evaluation date = valuation date, an ``AmericanExercise`` from issue to maturity, 30/360
coupons on a backward schedule, puts and calls at a clean price (plus accrued interest), and
a call on every day from ``call_from`` (soft calls as ``SoftCallability`` at the trigger).
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from treasurymodel import ConvertibleNote

__all__ = ["quantlib_bond"]


def _date(ql: Any, day: dt.date) -> Any:
    return ql.Date(day.day, day.month, day.year)


def quantlib_bond(
    ql: Any,
    note: ConvertibleNote,
    *,
    valuation_date: dt.date,
    share_price: float,
    volatility: float,
    rate: float,
    credit_spread: float,
    dividend_yield: float = 0.0,
    steps: int = 1000,
    last_coupon: bool = True,
) -> tuple[Any, Any]:
    """QuantLib's ``ConvertibleFixedCouponBond`` for ``note`` on a CRR tree, and its spot quote.

    ``bond.NPV()`` is the value per 100; ``spot.setValue(s)`` re-prices at share price ``s``.
    ``last_coupon=False`` leaves out the coupon paid at maturity: QuantLib pays it only to
    holders who do not convert there, the library to every holder (add its present value).
    """
    today = _date(ql, valuation_date)
    ql.Settings.instance().evaluationDate = today
    dc = ql.Actual365Fixed()
    spot = ql.SimpleQuote(share_price)
    process = ql.BlackScholesMertonProcess(
        ql.QuoteHandle(spot),
        ql.YieldTermStructureHandle(ql.FlatForward(today, dividend_yield, dc, ql.Continuous)),
        ql.YieldTermStructureHandle(ql.FlatForward(today, rate, dc, ql.Continuous)),
        ql.BlackVolTermStructureHandle(
            ql.BlackConstantVol(today, ql.NullCalendar(), volatility, dc)
        ),
    )
    month_end = (
        note.maturity.day == calendar.monthrange(note.maturity.year, note.maturity.month)[1]
    )
    schedule = ql.Schedule(
        _date(ql, note.issued), _date(ql, note.maturity),
        ql.Period(12 // note.frequency, ql.Months), ql.NullCalendar(), ql.Unadjusted,
        ql.Unadjusted, ql.DateGeneration.Backward, month_end,
    )  # fmt: skip
    callability = ql.CallabilitySchedule()
    for put in note.puts:
        if put > valuation_date:
            price = ql.BondPrice(note.put_price * 100.0, ql.BondPrice.Clean)
            callability.append(ql.Callability(price, ql.Callability.Put, _date(ql, put)))
    if note.call_from is not None:
        day = max(note.call_from, valuation_date + dt.timedelta(days=1))
        while day < note.maturity:
            price = ql.BondPrice(note.call_price * 100.0, ql.BondPrice.Clean)
            if note.call_trigger is None:
                callability.append(ql.Callability(price, ql.Callability.Call, _date(ql, day)))
            else:
                callability.append(ql.SoftCallability(price, _date(ql, day), note.call_trigger))
            day += dt.timedelta(days=1)
    coupons = [note.coupon] * (len(schedule) - 1)
    if not last_coupon:
        coupons[-1] = 0.0
    bond = ql.ConvertibleFixedCouponBond(
        ql.AmericanExercise(_date(ql, note.issued), _date(ql, note.maturity)),
        note.conversion_rate / 10.0, callability, _date(ql, note.issued), 0, coupons,
        ql.Thirty360(ql.Thirty360.BondBasis), schedule, 100.0,
    )  # fmt: skip
    spread = ql.QuoteHandle(ql.SimpleQuote(credit_spread))
    bond.setPricingEngine(ql.BinomialConvertibleEngine(process, "crr", steps, spread))
    return bond, spot
