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
import math
from typing import Any

import attrs
import numpy as np
import pytest

from tests._quantlib import quantlib_bond
from tests.mstr_facts import NOTE_2028, NOTE_2029, NOTE_2032
from treasurymodel import ConvertibleNote
from treasurymodel.valuation import value_convertible

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


def quantlib_last_coupon_to_all(note: ConvertibleNote, **market: Any) -> float:
    """QuantLib's value with the coupon due at maturity paid to every holder.

    QuantLib pays a coupon to a holder who converts on its date only when the conversion
    is forced by a call; the library (like the indentures) pays it to every holder of
    record. Leaving the last coupon out of QuantLib's bond and adding its present value
    gives the library's rule at maturity, exactly for a note that nothing ends early.
    """
    bond, _ = quantlib_bond(ql, note, valuation_date=VD, last_coupon=False, **market)
    years = (note.maturity - VD).days / 365.0
    last = 100.0 * note.coupon / note.frequency
    return float(bond.NPV()) + last * math.exp(-market["rate"] * years)


PRICES = np.array([60.0, 114.45, 250.0])


@pytest.mark.parametrize("note", NOTES, ids=lambda n: n.name)
def test_zero_spread_matches_quantlib_with_the_last_coupon_paid_to_all(
    note: ConvertibleNote,
) -> None:
    # Issue 7: within 0.1% at zero spread (smoothed tree); the plain tree (smoothing=False)
    # is QuantLib's up to its up-probability and per-step discount formulas: within 0.03%.
    # Without puts, calls and dividends nothing ends the note early, and the two rules on
    # coupons differ only by the last coupon paid to converters (see above).
    plain_note = attrs.evolve(note, puts=(), call_from=None, call_trigger=None)
    market: dict[str, Any] = {"volatility": 0.55, "rate": 0.04, "credit_spread": 0.0}
    theirs = np.array(
        [quantlib_last_coupon_to_all(plain_note, share_price=s, **market) for s in PRICES]
    )
    smooth = value_convertible(plain_note, valuation_date=VD, share_price=PRICES, **market)
    plain = value_convertible(
        plain_note, valuation_date=VD, share_price=PRICES, smoothing=False, **market
    )
    assert np.all(np.abs(smooth / theirs - 1.0) < 1e-3)
    assert np.all(np.abs(plain / theirs - 1.0) < 3e-4)


@pytest.mark.parametrize("note", NOTES, ids=lambda n: n.name)
def test_zero_spread_lies_between_quantlib_and_quantlib_with_the_last_coupon(
    note: ConvertibleNote,
) -> None:
    # With puts, calls and a dividend yield (holders then convert early) the library's value
    # is at least QuantLib's (a holder converting on a coupon date keeps the coupon) and at
    # most QuantLib's with the last coupon paid to every holder (which also pays it to those
    # who put, are called or converted earlier); 0.03% of slack for the trees' differences.
    market: dict[str, Any] = {
        "volatility": 0.55, "rate": 0.04, "credit_spread": 0.0, "dividend_yield": 0.01,
    }  # fmt: skip
    low = np.array([quantlib_value(note, share_price=s, **market) for s in PRICES])
    high = np.array([quantlib_last_coupon_to_all(note, share_price=s, **market) for s in PRICES])
    ours = value_convertible(
        note, valuation_date=VD, share_price=PRICES, smoothing=False, **market
    )
    assert np.all(ours >= low * (1.0 - 3e-4))
    assert np.all(ours <= high * (1.0 + 3e-4))
    if note.coupon == 0.0:  # nothing to tell the rules apart
        np.testing.assert_allclose(ours, low, rtol=3e-4)


def test_a_call_on_a_coupon_step_keeps_the_coupon_at_every_step_count() -> None:
    # The reproducer of the issue "call/coupon order": 8% semiannual five-year note issued
    # 2021-01-01, conversion price 100, put at 105 on 2024-01-01, call at 110 from
    # 2023-01-02 (the day after a coupon date, which snaps onto the coupon's step at 1,000
    # and 1,500 steps); S 100, volatility 20%, rate 5%, no spread. Before the fix the value
    # was 124.42 at 1,000 and 1,500 steps and 125.97 at 2,000 and 3,000. QuantLib takes a
    # call on the value without the coupon and pays the coupon on top, as the library does.
    note = ConvertibleNote(
        name="8% 2026", principal=100.0, coupon=0.08, issued=dt.date(2021, 1, 1),
        maturity=dt.date(2026, 1, 1), conversion_price=100.0, puts=[dt.date(2024, 1, 1)],
        put_price=1.05, call_from=dt.date(2023, 1, 2), call_price=1.10,
    )  # fmt: skip
    market: dict[str, Any] = {
        "share_price": 100.0, "volatility": 0.2, "rate": 0.05, "credit_spread": 0.0,
    }  # fmt: skip
    day = dt.date(2021, 1, 1)
    bond, _ = quantlib_bond(ql, note, valuation_date=day, steps=3000, **market)
    theirs = float(bond.NPV())
    assert theirs == pytest.approx(125.97, abs=0.01)
    for steps in (1000, 1500, 2000, 3000):
        ours = value_convertible(note, valuation_date=day, steps=steps, **market)
        assert ours == pytest.approx(theirs, abs=0.015)


@pytest.mark.parametrize(
    ("index", "spread", "documented"),
    [
        (0, 0.03, 0.38),
        (0, 0.08, 0.88),
        (1, 0.03, 1.35),
        (1, 0.08, 3.32),
        (2, 0.08, -0.08),
        (5, 0.03, 0.11),
        (5, 0.08, 0.44),
    ],
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


@pytest.mark.parametrize("share_price", [60.0, 100.0, 150.0])
def test_the_tf_paper_bond_at_zero_spread_matches_quantlib(share_price: float) -> None:
    # The Tsiveriotis-Fernandes (1998) / Ayache-Forsyth-Vetzal (2003) bond (see
    # tests/test_valuation_published.py) at zero spread, where the models coincide; the
    # call forces conversion or the put pays before maturity on most paths, so the rule on
    # the last coupon matters little: within 0.03% at 2,000 steps.
    note = ConvertibleNote(
        name="TF 1998", principal=100.0, coupon=0.08, issued=dt.date(2021, 1, 1),
        maturity=dt.date(2026, 1, 1), conversion_price=100.0, puts=[dt.date(2024, 1, 1)],
        put_price=1.05, call_from=dt.date(2023, 1, 2), call_price=1.10,
    )  # fmt: skip
    market: dict[str, Any] = {
        "share_price": share_price, "volatility": 0.2, "rate": 0.05, "credit_spread": 0.0,
        "steps": 2000,
    }  # fmt: skip
    day = dt.date(2021, 1, 1)
    bond, _ = quantlib_bond(ql, note, valuation_date=day, **market)
    ours = value_convertible(note, valuation_date=day, **market)
    assert ours == pytest.approx(float(bond.NPV()), rel=3e-4)
