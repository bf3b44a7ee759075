"""Published convertible cases of peer libraries and papers, translated to the library.

Each test names its source, the expected value and its tolerance, and says in its docstring
how the source's model or conventions differ from ours. Expected values come from the
sources or from closed forms computed here, never from the library's own output.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest

from treasurymodel import ConvertibleNote
from treasurymodel.valuation import bond_floor, value_convertible


def _n(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def _bs_call(s: float, k: float, r: float, q: float, sigma: float, t: float) -> float:
    """Black–Scholes price of a European call (continuous rates and yield)."""
    root = sigma * math.sqrt(t)
    d1 = (math.log(s / k) + (r - q + 0.5 * sigma * sigma) * t) / root
    return s * math.exp(-q * t) * _n(d1) - k * math.exp(-r * t) * _n(d1 - root)


def _years(start: dt.date, end: dt.date) -> float:
    return (end - start).days / 365.0


# --- QuantLib test-suite/convertiblebonds.cpp -------------------------------------------------
#
# CommonVars: S = 50, dividend yield 2%, risk-free rate 5%, volatility 15%, credit spread
# 0.5%, ten years, annual coupons, redemption 100, conversion ratio 100 / S = 2.

QL_TODAY = dt.date(2026, 1, 5)
QL_MATURITY = dt.date(2036, 1, 5)


def test_quantlib_testbond_out_of_the_money_zero_coupon_is_a_plain_bond() -> None:
    """QuantLib ``testBond``, zero-coupon part: a convertible with a conversion ratio of 1e-16
    is worth the plain zero-coupon bond discounted at the risk-free rate plus the spread
    (``ForwardSpreadedTermStructure``); tolerance 0.01 per 100, QuantLib's.

    Differences: QuantLib uses Actual/360, the TARGET calendar and three settlement days,
    and its engine blends the discount rate by a conversion probability (zero here, so the
    full spread applies, as in TF's cash component); we use ACT/365F from the valuation
    date. The expected value is the plain bond in our conventions, ``100 e^{-(r+s)T}``.
    A conversion price of 1e18 stands for the ratio of 1e-16.
    """
    note = ConvertibleNote(
        name="QL testBond zero", principal=100.0, issued=QL_TODAY, maturity=QL_MATURITY,
        conversion_price=1e18,
    )  # fmt: skip
    t = _years(QL_TODAY, QL_MATURITY)
    expected = 100.0 * math.exp(-(0.05 + 0.005) * t)
    value = value_convertible(
        note, valuation_date=QL_TODAY, share_price=50.0, volatility=0.15, rate=0.05,
        credit_spread=0.005, dividend_yield=0.02, steps=1001,
    )  # fmt: skip
    assert value == pytest.approx(expected, abs=1e-2)


def test_quantlib_testbond_out_of_the_money_fixed_coupon_is_a_plain_bond() -> None:
    """QuantLib ``testBond``, fixed-coupon part: 5% annual coupons, ten years, conversion
    ratio 1e-16: the plain fixed-rate bond discounted at ``r + s``; tolerance 0.02 per 100,
    QuantLib's. Differences as in the zero-coupon case (our coupons are 30/360 amounts on a
    backward schedule; QuantLib's are Actual/360 amounts). Expected: ``sum 5 e^{-(r+s)t_k}
    + 100 e^{-(r+s)T}`` at our coupon times.
    """
    note = ConvertibleNote(
        name="QL testBond fixed", principal=100.0, coupon=0.05, frequency=1, issued=QL_TODAY,
        maturity=QL_MATURITY, conversion_price=1e18,
    )  # fmt: skip
    y = 0.05 + 0.005
    expected = 100.0 * math.exp(-y * _years(QL_TODAY, QL_MATURITY))
    for year in range(2027, 2037):
        expected += 5.0 * math.exp(-y * _years(QL_TODAY, dt.date(year, 1, 5)))
    value = value_convertible(
        note, valuation_date=QL_TODAY, share_price=50.0, volatility=0.15, rate=0.05,
        credit_spread=0.005, dividend_yield=0.02, steps=1001,
    )  # fmt: skip
    assert value == pytest.approx(expected, abs=2e-2)


def test_quantlib_testoption_zero_coupon_at_zero_spread_is_a_bond_plus_calls() -> None:
    """QuantLib ``testOption``: a zero-coupon convertible at zero spread equals the
    risk-free zero-coupon bond plus ``ratio`` European calls struck at ``100 / ratio``
    (QuantLib prices the calls on a 2,001-step tree; the expected value here is
    Black–Scholes); tolerance 0.05 per 100, QuantLib's.

    Differences: QuantLib's bond converts only at maturity (``EuropeanExercise``); ours may
    convert at any time. With QuantLib's 2% dividend yield early conversion is worth
    something, so the translation uses no dividend, where an American conversion right on a
    zero-coupon note is never exercised early and the two coincide; with the 2% yield the
    American value must be at least the European one (checked too).
    """
    note = ConvertibleNote(
        name="QL testOption", principal=100.0, issued=QL_TODAY, maturity=QL_MATURITY,
        conversion_price=50.0,
    )  # fmt: skip
    t = _years(QL_TODAY, QL_MATURITY)
    kw: dict[str, Any] = {
        "valuation_date": QL_TODAY, "share_price": 50.0, "volatility": 0.15, "rate": 0.05,
    }  # fmt: skip
    value = value_convertible(note, credit_spread=0.0, steps=2001, **kw)
    expected = 100.0 * math.exp(-0.05 * t) + 2.0 * _bs_call(50.0, 50.0, 0.05, 0.0, 0.15, t)
    assert value == pytest.approx(expected, abs=5e-2)
    with_yield = value_convertible(note, credit_spread=0.0, dividend_yield=0.02, steps=2001, **kw)
    european = 100.0 * math.exp(-0.05 * t) + 2.0 * _bs_call(50.0, 50.0, 0.05, 0.02, 0.15, t)
    assert with_yield >= european - 5e-2


# --- FinancePy unit_tests/test_FinBondConvertible.py -------------------------------------------
#
# St. Mary Land & Exploration 5.75% semiannual convertible due 2022-03-15 (the bond of the
# QuantLib Python example by G. Balaraman), valued on 2003-12-31: conversion ratio 3.84615
# per 100 (conversion price 26), S = 28.5, volatility 37%, rate 4% continuous, no credit
# spread; puts at 90 on 2007-03-20, 2012-03-15, 2017-03-15 (they never bind: the straight
# bond is above 100 then); calls at 1,100 on the same dates ("never called").

SM_NOTE = ConvertibleNote(
    name="SM 5.75% 2022", principal=100.0, coupon=0.0575, frequency=2,
    issued=dt.date(2002, 3, 15), maturity=dt.date(2022, 3, 15), conversion_price=26.0,
    puts=[dt.date(2007, 3, 20), dt.date(2012, 3, 15), dt.date(2017, 3, 15)], put_price=0.9,
)  # fmt: skip
SM_DAY = dt.date(2003, 12, 31)
FINANCEPY_BOND = 123.5343  # res["bond"] in test_calls_or_puts
FINANCEPY_CB_20 = 201.7815  # res["cbprice"] in test_calls_or_puts, num_steps_per_year = 20


def test_financepy_straight_bond_value() -> None:
    """FinancePy's ``bond`` value of the SM note, 123.5343: coupons and redemption discounted
    at 4% continuously on ACT/365F times, as our bond floor does; tolerance 1e-4 (FinancePy
    rounds to four places)."""
    floor = bond_floor(SM_NOTE, valuation_date=SM_DAY, rate=0.04, credit_spread=0.0)
    assert floor == pytest.approx(FINANCEPY_BOND, abs=1e-4)


def test_financepy_convertible_value() -> None:
    """FinancePy's convertible value of the SM note, 201.7815, and its converged value.

    FinancePy's tree is far from converged: its ``num_steps_per_year`` argument is used as
    the number of steps in all (``num_times = num_steps_per_year`` in
    ``bond_convertible.py``), so "20 steps a year" is a 20-step tree over 18 years; at 5
    it gives 197.34. Its model is a single-value tree with a hazard rate from the spread
    and recovery (zero spread here, so no default) and calls only on the listed dates.

    The converged value is derived here: at zero spread with no dividend and a coupon
    above zero, early conversion never pays and the calls at 1,100 are left out (ours
    would be callable on every day from the first date, which only matters where parity
    exceeds 1,100), so the note is FinancePy's straight bond plus 3.846 calls struck at
    26: ``123.5343 + (100 / 26) C(28.5, 26)``. Ours at 2,000 steps must be within 0.05%
    of it, and FinancePy's 20-step value within 2% (the coarse tree's error).
    """
    note = SM_NOTE  # without the calls, see above
    t = _years(SM_DAY, note.maturity)
    converged = FINANCEPY_BOND + 100.0 / 26.0 * _bs_call(28.5, 26.0, 0.04, 0.0, 0.37, t)
    value = value_convertible(
        note, valuation_date=SM_DAY, share_price=28.5, volatility=0.37, rate=0.04,
        credit_spread=0.0, steps=2000,
    )  # fmt: skip
    assert value == pytest.approx(converged, rel=5e-4)
    assert abs(FINANCEPY_CB_20 / converged - 1.0) < 2e-2


# --- Tsiveriotis and Fernandes (1998); Ayache, Forsyth and Vetzal (2003) ---------------------


TF_NOTE = ConvertibleNote(
    name="TF 1998", principal=100.0, coupon=0.08, issued=dt.date(2021, 1, 1),
    maturity=dt.date(2026, 1, 1), conversion_price=100.0, puts=[dt.date(2024, 1, 1)],
    put_price=1.05, call_from=dt.date(2023, 1, 2), call_price=1.10,
)  # fmt: skip


def test_tf_bond_at_zero_spread_against_quantlib() -> None:
    """The example bond of Tsiveriotis–Fernandes (1998), reused by Ayache–Forsyth–Vetzal
    (2003): five years, 4 per 100 semiannually, conversion ratio 1, put at 105 after three
    years, call at 110 from two years; S = 100, volatility 20%, r = 5%.

    At zero spread all the models agree (TF, AFV with no hazard, QuantLib's blended rate),
    so QuantLib 1.44's value on a 1,000-step CRR tree, 125.9676 (built as in
    ``tests/_quantlib.py``), is the reference; tolerance 0.015 per 100 (the trees' wobble).
    Differences: the call from two years is placed on the day after the coupon date (a
    call on the coupon date itself is the same under our order of operations), and calls
    are allowed every day to maturity, as the paper's "callable after two years".
    The papers' values with a credit spread (2%) use other models of default (TF's split;
    AFV's hazard rate with recovery) and were not available to translate.
    """
    for steps in (1000, 2000):
        value = value_convertible(
            TF_NOTE, valuation_date=dt.date(2021, 1, 1), share_price=100.0, volatility=0.2,
            rate=0.05, credit_spread=0.0, steps=steps,
        )  # fmt: skip
        assert value == pytest.approx(125.9676, abs=0.015)
