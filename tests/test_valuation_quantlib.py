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

import datetime as dt
from typing import Any

import attrs
import numpy as np
import pytest

from tests._quantlib import quantlib_bond
from tests.mstr_facts import NOTE_2028, NOTE_2029, NOTE_2032
from treasurymodel import ConvertibleNote, value_convertible

ql = pytest.importorskip("QuantLib")

pytestmark = pytest.mark.crosscheck

VD = dt.date(2026, 2, 5)


def _puts_only(note: ConvertibleNote) -> ConvertibleNote:
    return attrs.evolve(note, call_from=None, call_trigger=None)


NOTES = [
    _puts_only(NOTE_2028),
    _puts_only(NOTE_2032),
    _puts_only(NOTE_2029),
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


def quantlib_value(note: ConvertibleNote, **market: Any) -> float:
    """QuantLib's value per 100 with our conventions (tests/_quantlib.py)."""
    bond, _ = quantlib_bond(ql, note, valuation_date=VD, **market)
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


@pytest.mark.parametrize(("share_price", "documented"), [(40.0, -1.53), (60.0, -2.69)])
def test_quantlib_is_below_tf_on_an_out_of_the_money_zero_coupon_note(
    share_price: float, documented: float
) -> None:
    # primer.md, "Valuing convertibles": with a spread QuantLib "falls below [the classic
    # split] ... (about 1% on an out-of-the-money 0% note at a 5% spread)". Measured (theory
    # page): a five-year 0% note, conversion price 100, volatility 50%, rate 4%, spread 5%,
    # QuantLib's value over ours, minus 1, in percent, at 1,000 steps.
    note = ConvertibleNote(
        name="0% five-year", principal=1e9, issued=VD, maturity=dt.date(2031, 2, 5),
        conversion_price=100.0,
    )  # fmt: skip
    market: dict[str, Any] = {"volatility": 0.5, "rate": 0.04, "credit_spread": 0.05}
    theirs = quantlib_value(note, share_price=share_price, **market)
    ours = value_convertible(note, valuation_date=VD, share_price=share_price, **market)
    assert (theirs / ours - 1.0) * 100 == pytest.approx(documented, abs=0.02)
    # At zero spread the two agree (the models coincide).
    zero = {**market, "credit_spread": 0.0}
    theirs = quantlib_value(note, share_price=share_price, **zero)
    ours = value_convertible(note, valuation_date=VD, share_price=share_price, **zero)
    assert ours == pytest.approx(theirs, rel=1e-3)
