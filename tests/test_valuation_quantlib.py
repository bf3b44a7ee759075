"""Cross-check of the convertible tree against QuantLib 1.44 (``pip install .[crosscheck]``).

QuantLib's ``BinomialConvertibleEngine`` with a CRR tree is the same model as ours when the
credit spread is zero: conventions are matched (ACT/365F flat curves with continuous
compounding, settlement days 0, evaluation date = valuation date, 30/360 coupons on a
backward schedule, puts and calls at a clean price plus accrued interest, conversion at any
time). With a spread QuantLib discounts with one rate blended by the conversion probability,
not the two-component split, so it is not an oracle there: the theory page states the
differences, and the last test pins them.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

import numpy as np
import pytest

from treasurymodel import ConvertibleNote, value_convertible

ql = pytest.importorskip("QuantLib")

pytestmark = pytest.mark.crosscheck

VD = dt.date(2026, 2, 5)

NOTES = [
    ConvertibleNote(
        name="0.625% 2028", principal=1_010e6, coupon=0.00625, issued=dt.date(2024, 9, 19),
        maturity=dt.date(2028, 9, 15), conversion_price=183.19, puts=[dt.date(2027, 9, 15)],
    ),
    ConvertibleNote(
        name="2.25% 2032", principal=800e6, coupon=0.0225, issued=dt.date(2024, 6, 17),
        maturity=dt.date(2032, 6, 15), conversion_price=204.33, puts=[dt.date(2029, 6, 15)],
    ),
    ConvertibleNote(
        name="0% 2029", principal=3e9, issued=dt.date(2024, 11, 21),
        maturity=dt.date(2029, 12, 1), conversion_price=672.40, puts=[dt.date(2028, 6, 1)],
    ),
    ConvertibleNote(
        name="5% quarterly, two puts", principal=1e8, coupon=0.05, frequency=4,
        issued=dt.date(2025, 1, 31), maturity=dt.date(2030, 1, 31), conversion_price=150.0,
        puts=[dt.date(2027, 1, 31), dt.date(2028, 5, 10)], put_price=1.01,
    ),
    ConvertibleNote(
        name="soft call 130%", principal=1e8, coupon=0.0125, issued=dt.date(2024, 3, 8),
        maturity=dt.date(2030, 3, 15), conversion_price=149.77, puts=[dt.date(2028, 9, 15)],
        call_from=dt.date(2027, 3, 22), call_trigger=1.3,
    ),
    ConvertibleNote(
        name="hard call", principal=1e8, coupon=0.04, issued=dt.date(2024, 3, 8),
        maturity=dt.date(2029, 3, 15), conversion_price=120.0, call_from=dt.date(2027, 3, 22),
    ),
]  # fmt: skip


def _date(day: dt.date) -> Any:
    return ql.Date(day.day, day.month, day.year)


def quantlib_value(
    note: ConvertibleNote,
    *,
    share_price: float,
    volatility: float,
    rate: float,
    credit_spread: float,
    dividend_yield: float = 0.0,
    steps: int = 1000,
) -> float:
    """QuantLib's value per 100 with our conventions (a call on every day from call_from)."""
    today = _date(VD)
    ql.Settings.instance().evaluationDate = today
    dc = ql.Actual365Fixed()
    process = ql.BlackScholesMertonProcess(
        ql.QuoteHandle(ql.SimpleQuote(share_price)),
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
        _date(note.issued), _date(note.maturity), ql.Period(12 // note.frequency, ql.Months),
        ql.NullCalendar(), ql.Unadjusted, ql.Unadjusted, ql.DateGeneration.Backward, month_end,
    )  # fmt: skip
    callability = ql.CallabilitySchedule()
    for put in note.puts:
        if put > VD:
            price = ql.BondPrice(note.put_price * 100.0, ql.BondPrice.Clean)
            callability.append(ql.Callability(price, ql.Callability.Put, _date(put)))
    if note.call_from is not None:
        day = max(note.call_from, VD + dt.timedelta(days=1))
        while day < note.maturity:
            price = ql.BondPrice(note.call_price * 100.0, ql.BondPrice.Clean)
            if note.call_trigger is None:
                callability.append(ql.Callability(price, ql.Callability.Call, _date(day)))
            else:
                callability.append(ql.SoftCallability(price, _date(day), note.call_trigger))
            day += dt.timedelta(days=1)
    bond = ql.ConvertibleFixedCouponBond(
        ql.AmericanExercise(_date(note.issued), _date(note.maturity)),
        note.conversion_rate / 10.0, callability, _date(note.issued), 0, [note.coupon],
        ql.Thirty360(ql.Thirty360.BondBasis), schedule, 100.0,
    )  # fmt: skip
    spread = ql.QuoteHandle(ql.SimpleQuote(credit_spread))
    bond.setPricingEngine(ql.BinomialConvertibleEngine(process, "crr", steps, spread))
    return float(bond.NPV())


@pytest.mark.parametrize("note", NOTES, ids=lambda n: n.name)
def test_zero_spread_matches_quantlib(note: ConvertibleNote) -> None:
    # Issue 7: within 0.1% at zero spread. The plain tree (smoothing=False) is QuantLib's tree
    # up to its up-probability and per-step discount formulas (and accrued interest between
    # coupon dates): within 0.03%.
    prices = np.array([60.0, 114.45, 250.0])
    market: dict[str, Any] = {
        "volatility": 0.55,
        "rate": 0.04,
        "credit_spread": 0.0,
        "dividend_yield": 0.01,
    }
    theirs = np.array([quantlib_value(note, share_price=s, **market) for s in prices])
    smooth = value_convertible(note, valuation_date=VD, share_price=prices, **market)
    plain = value_convertible(
        note, valuation_date=VD, share_price=prices, smoothing=False, **market
    )
    assert np.all(np.abs(smooth / theirs - 1.0) < 1e-3)
    assert np.all(np.abs(plain / theirs - 1.0) < 3e-4)


@pytest.mark.parametrize(
    ("index", "spread", "documented"),
    [(0, 0.03, 0.33), (0, 0.08, 0.83), (1, 0.03, 1.24), (1, 0.08, 3.20), (2, 0.08, -0.08)],
)
def test_with_a_spread_quantlib_differs_as_documented(
    index: int, spread: float, documented: float
) -> None:
    # Theory page, table "QuantLib with a credit spread" (S = 114.45, volatility 55%, r 4%):
    # our TF value over QuantLib's, minus 1, in percent.
    note = NOTES[index]
    market: dict[str, Any] = {"volatility": 0.55, "rate": 0.04, "credit_spread": spread}
    theirs = quantlib_value(note, share_price=114.45, **market)
    ours = value_convertible(note, valuation_date=VD, share_price=114.45, **market)
    assert (ours / theirs - 1.0) * 100 == pytest.approx(documented, abs=0.02)
