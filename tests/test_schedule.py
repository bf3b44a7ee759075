"""Tests of treasurymodel.schedule (issue 3): day counts, schedules, accrual, cash flows.

Published figures come from /work/shared/domain/strategy-facts.md (Strategy's filings,
press releases and dashboard). Expected numbers are worked out by hand in the comments;
30/360 is the US bond basis (D1 = 31 -> 30; D2 = 31 -> 30 when D1 is 30 or 31) and
``days = 360 (Y2 - Y1) + 30 (M2 - M1) + (D2 - D1)``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tests.mstr_facts import (
    LOAN_2022,
    NOTE_2028,
    NOTE_2029,
    NOTE_2030A,
    NOTE_2030B,
    NOTE_2031,
    NOTE_2032,
    STRC,
    STRD,
    STRE,
    STRF,
    STRK,
)
from tests.strategies import (
    asset_price_arrays,
    companies,
    convertible_notes,
    dates,
    notes,
    preferred_stocks,
    secured_notes,
    term_loans,
    usd_amounts,
)
from treasurymodel import (
    Company,
    ConvertibleNote,
    Note,
    PreferredStock,
    SecuredNote,
    TermLoan,
    ValidationError,
)
from treasurymodel.instruments import Amortization, Debt, Instrument
from treasurymodel.schedule import (
    CashFlows,
    DayCount,
    LadderRow,
    accrued_interest,
    add_months,
    annual_obligations,
    call_in_window,
    cash_flows,
    conversion_value,
    coupon_dates,
    dividend_dates,
    interest_rate,
    obligations_ladder,
    payment_dates,
    puts_in_window,
    shares_on_conversion,
    year_fraction,
)

D = dt.date
ONE_DAY = dt.timedelta(days=1)

# The instruments from strategy-facts.md are built by hand in tests/mstr_facts.py.


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _month_end(day: dt.date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


# --- day counts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (D(2025, 3, 15), D(2025, 9, 15), 180),  # 30*6
        (D(2025, 1, 31), D(2025, 2, 28), 28),  # D1 31->30: 30*1 + (28-30)
        (D(2025, 1, 30), D(2025, 3, 31), 60),  # D1 = 30 so D2 31->30: 30*2 + 0
        (D(2025, 1, 31), D(2025, 3, 31), 60),  # both -> 30: 30*2
        (D(2025, 1, 15), D(2025, 3, 31), 76),  # D1 = 15 so D2 stays 31: 60 + 16
        (D(2025, 2, 28), D(2025, 8, 31), 183),  # no February rule: 180 + (31-28)
        (D(2024, 2, 29), D(2024, 8, 31), 182),  # 180 + (31-29)
        (D(2025, 3, 31), D(2025, 9, 30), 180),  # D1 31->30: 180 + 0
        (D(2025, 8, 31), D(2026, 2, 28), 178),  # D1 31->30: 360 - 30*6 + (28-30)
        (D(2025, 9, 15), D(2026, 2, 1), 136),  # 360 + 30*(2-9) + (1-15)
        (D(2024, 6, 17), D(2024, 12, 15), 178),  # 30*6 + (15-17)
        (D(2025, 1, 1), D(2025, 1, 1), 0),
        (D(2025, 9, 15), D(2025, 3, 15), -180),  # reversed dates give a negative fraction
    ],
)
def test_thirty_360_bond_basis(start: dt.date, end: dt.date, days: int) -> None:
    assert year_fraction(start, end) == days / 360
    assert year_fraction(start, end, "30/360") == days / 360


@pytest.mark.parametrize(
    ("start", "end", "day_count", "expected"),
    [
        (D(2024, 1, 1), D(2025, 1, 1), "ACT/365F", 366 / 365),  # leap year: 366 days
        (D(2025, 1, 1), D(2026, 1, 1), "ACT/365F", 1.0),
        (D(2025, 1, 1), D(2025, 7, 1), "ACT/360", 181 / 360),  # 31+28+31+30+31+30
        (D(2024, 1, 1), D(2024, 7, 1), "ACT/360", 182 / 360),  # with 29 February
        (D(2025, 2, 28), D(2025, 8, 31), "ACT/365F", 184 / 365),
    ],
)
def test_actual_day_counts(start: dt.date, end: dt.date, day_count: Any, expected: float) -> None:
    assert year_fraction(start, end, day_count) == expected


def test_year_fraction_bad_input() -> None:
    with pytest.raises(ValidationError) as info:
        year_fraction(D(2025, 1, 1), D(2026, 1, 1), "ACT/ACT")  # type: ignore[arg-type]
    assert (info.value.field, info.value.value) == ("day_count", "ACT/ACT")
    with pytest.raises(ValidationError) as info:
        year_fraction("2025-01-01", D(2026, 1, 1))  # type: ignore[arg-type]
    assert (info.value.field, info.value.value) == ("start", "2025-01-01")
    with pytest.raises(ValidationError) as info:
        year_fraction(D(2025, 1, 1), dt.datetime(2026, 1, 1))
    assert info.value.field == "end"


@given(dates(), st.integers(min_value=0, max_value=600))
def test_thirty_360_whole_months(start: dt.date, months: int) -> None:
    # The same day of month (<= 28) n months later is exactly n/12 of a year.
    start = start.replace(day=min(start.day, 28))
    end = add_months(start, months)
    assert year_fraction(start, end) == pytest.approx(months / 12, abs=1e-15)


@given(dates(), dates(), dates())
def test_actual_day_counts_are_additive(a: dt.date, b: dt.date, c: dt.date) -> None:
    bases: tuple[DayCount, ...] = ("ACT/365F", "ACT/360")
    for basis in bases:
        whole = year_fraction(a, c, basis)
        parts = year_fraction(a, b, basis) + year_fraction(b, c, basis)
        assert whole == pytest.approx(parts, abs=1e-12)


@pytest.mark.crosscheck
@given(dates(), dates())
def test_thirty_360_matches_quantlib(a: dt.date, b: dt.date) -> None:
    ql = pytest.importorskip("QuantLib")
    basis = ql.Thirty360(ql.Thirty360.BondBasis)
    expected = basis.dayCount(ql.Date(a.day, a.month, a.year), ql.Date(b.day, b.month, b.year))
    assert year_fraction(a, b) * 360 == pytest.approx(expected, abs=1e-9)


# --- payment schedules --------------------------------------------------------------------


def test_schedule_of_2032_notes() -> None:
    # 2.25% due 2032 pay 15 June and 15 December (strategy-facts.md).
    days = payment_dates(maturity=D(2032, 6, 15), frequency=2, after=D(2024, 6, 17))
    assert len(days) == 16  # 2024-12-15, then 2025..2032 twice a year, the last in June
    assert days[0] == D(2024, 12, 15)
    assert days[-1] == D(2032, 6, 15)
    assert {(d.month, d.day) for d in days} == {(6, 15), (12, 15)}
    assert coupon_dates(NOTE_2032) == days


@pytest.mark.parametrize(
    ("maturity", "frequency", "after", "end_of_month", "expected"),
    [
        # A month-end maturity keeps month ends, February included.
        (D(2028, 2, 29), 2, D(2026, 12, 1), None,
         [D(2027, 2, 28), D(2027, 8, 31), D(2028, 2, 29)]),
        (D(2025, 8, 31), 4, D(2024, 10, 1), None,
         [D(2024, 11, 30), D(2025, 2, 28), D(2025, 5, 31), D(2025, 8, 31)]),
        # 30 June is a month end: quarterly dates are 31 March, 31 December, 30 September.
        (D(2025, 6, 30), 4, D(2024, 7, 1), None,
         [D(2024, 9, 30), D(2024, 12, 31), D(2025, 3, 31), D(2025, 6, 30)]),
        # ... unless month ends are switched off: the day 30 is kept (cut in February).
        (D(2025, 6, 30), 4, D(2024, 7, 1), False,
         [D(2024, 9, 30), D(2024, 12, 30), D(2025, 3, 30), D(2025, 6, 30)]),
        (D(2025, 6, 30), 2, D(2024, 1, 1), False,
         [D(2024, 6, 30), D(2024, 12, 30), D(2025, 6, 30)]),
        # Not a month end: the day is cut to February's length and does not drift after it.
        (D(2026, 8, 30), 2, D(2025, 1, 1), None, [D(2025, 2, 28), D(2025, 8, 30), D(2026, 2, 28),
                                                  D(2026, 8, 30)]),
        # Monthly around a leap February.
        (D(2024, 4, 30), 12, D(2024, 1, 15), None, [D(2024, 1, 31), D(2024, 2, 29), D(2024, 3, 31),
                                                   D(2024, 4, 30)]),
        (D(2024, 4, 29), 12, D(2024, 1, 15), None, [D(2024, 1, 29), D(2024, 2, 29), D(2024, 3, 29),
                                                   D(2024, 4, 29)]),
        # Annual, and "after" on a schedule date excludes it.
        (D(2030, 3, 1), 1, D(2027, 3, 1), None, [D(2028, 3, 1), D(2029, 3, 1), D(2030, 3, 1)]),
        # Nothing after maturity.
        (D(2030, 3, 1), 1, D(2030, 3, 1), None, []),
    ],
)  # fmt: skip
def test_payment_dates_end_of_month(
    maturity: dt.date,
    frequency: int,
    after: dt.date,
    end_of_month: bool | None,
    expected: list[dt.date],
) -> None:
    got = payment_dates(
        maturity=maturity, frequency=frequency, after=after, end_of_month=end_of_month
    )
    assert got == tuple(expected)


@given(
    dates(dt.date(2012, 1, 1), dt.date(2060, 1, 1)),
    st.sampled_from([1, 2, 4, 12]),
    st.integers(min_value=0, max_value=4000),
    st.sampled_from([None, True, False]),
)
def test_schedule_properties(
    maturity: dt.date, frequency: int, days_before: int, end_of_month: bool | None
) -> None:
    after = maturity - dt.timedelta(days=days_before)
    got = payment_dates(
        maturity=maturity, frequency=frequency, after=after, end_of_month=end_of_month
    )
    step = 12 // frequency
    # Month ends are kept only when maturity is one (``end_of_month`` defaults to exactly that).
    eom = _month_end(maturity) and end_of_month is not False
    if days_before == 0:
        assert got == ()
        return
    # Strictly increasing, all after ``after``, ending at maturity.
    assert all(b > a for a, b in itertools.pairwise(got))
    assert got[-1] == maturity
    assert got[0] > after
    # Exactly ``step`` months apart, every date on the day rule.
    months = [_month_index(d) for d in got]
    assert all(b - a == step for a, b in itertools.pairwise(months))
    for d in got:
        last = calendar.monthrange(d.year, d.month)[1]
        assert d.day == (last if eom else min(maturity.day, last))
    # Complete: the schedule date ``step`` months before the first one is not after ``after``.
    year, month = divmod(_month_index(got[0]) - step, 12)
    last = calendar.monthrange(year, month + 1)[1]
    previous = D(year, month + 1, last if eom else min(maturity.day, last))
    assert previous <= after


@pytest.mark.crosscheck
@given(
    dates(dt.date(2015, 1, 1), dt.date(2060, 1, 1)),
    st.sampled_from([1, 2, 4, 12]),
    st.integers(min_value=1, max_value=4000),
)
def test_schedule_matches_quantlib(maturity: dt.date, frequency: int, days_before: int) -> None:
    ql = pytest.importorskip("QuantLib")
    issued = maturity - dt.timedelta(days=days_before)

    def qd(d: dt.date) -> Any:
        return ql.Date(d.day, d.month, d.year)

    schedule = ql.Schedule(
        qd(issued),
        qd(maturity),
        ql.Period(12 // frequency, ql.Months),
        ql.NullCalendar(),
        ql.Unadjusted,
        ql.Unadjusted,
        ql.DateGeneration.Backward,
        _month_end(maturity),
    )
    expected = [D(d.year(), d.month(), d.dayOfMonth()) for d in schedule][1:]
    assert payment_dates(maturity=maturity, frequency=frequency, after=issued) == tuple(expected)


@pytest.mark.parametrize("frequency", [0, 3, 6, 24, 2.0, True, "2"])
def test_payment_dates_bad_frequency(frequency: Any) -> None:
    with pytest.raises(ValidationError) as info:
        payment_dates(maturity=D(2030, 1, 1), frequency=frequency, after=D(2025, 1, 1))
    assert info.value.field == "frequency"
    assert info.value.value == frequency
    assert type(info.value.value) is type(frequency)


def test_payment_dates_bad_dates() -> None:
    with pytest.raises(ValidationError) as info:
        payment_dates(maturity="2030-01-01", frequency=2, after=D(2025, 1, 1))  # type: ignore[arg-type]
    assert (info.value.field, info.value.value) == ("maturity", "2030-01-01")


def test_coupon_dates_special_cases() -> None:
    assert coupon_dates(NOTE_2029) == ()  # a zero coupon pays nothing before maturity
    # A floating loan pays even when its assumed rate is zero.
    floating = TermLoan(
        name="L",
        principal=1e6,
        spread=0.03,
        frequency=4,
        issued=D(2025, 1, 15),
        maturity=D(2026, 1, 15),
    )
    assert coupon_dates(floating) == (
        D(2025, 4, 15),
        D(2025, 7, 15),
        D(2025, 10, 15),
        D(2026, 1, 15),
    )
    # ``after`` before the issue date is clipped to it.
    assert coupon_dates(NOTE_2032, after=D(2000, 1, 1)) == coupon_dates(NOTE_2032)
    assert coupon_dates(NOTE_2032, after=D(2032, 1, 1)) == (D(2032, 6, 15),)
    # A plain note with no issue date needs a start.
    undated = Note(name="n", principal=1e6, coupon=0.05, maturity=D(2027, 6, 30))
    with pytest.raises(ValidationError) as info:
        coupon_dates(undated)
    assert (info.value.field, info.value.value) == ("n.issued", None)
    assert coupon_dates(undated, after=D(2026, 7, 1)) == (D(2026, 12, 31), D(2027, 6, 30))


def test_interest_rate() -> None:
    assert interest_rate(NOTE_2032) == 0.0225
    loan = TermLoan(
        name="L",
        principal=1e6,
        rate=0.0375,
        spread=0.037,
        floor=0.0375,
        issued=D(2022, 3, 23),
        maturity=D(2025, 3, 23),
    )
    assert interest_rate(loan) == 0.0375
    assert interest_rate(loan, 0.05) == pytest.approx(0.087, abs=1e-15)


# --- accrued interest ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        # 1,010e6 * 0.625% = 6,312,500 a year. Last coupon 2025-09-15; 30/360 days to
        # 2026-02-01 = 136 (see above): 6,312,500 * 136 / 360 = 2,384,722.22.
        (D(2026, 2, 1), 2_384_722.22),
        # The day before the 2026-03-15 coupon: 360 + 30*(3-9) + (14-15) = 179 days.
        (D(2026, 3, 14), 6_312_500 * 179 / 360),
        (D(2026, 3, 15), 0.0),  # a payment date: accrual resets
        (D(2026, 3, 16), 6_312_500 * 1 / 360),
        # First (short) period from the issue date 2024-09-19: 30*(12-9) + (1-19) = 72 days.
        (D(2024, 12, 1), 6_312_500 * 72 / 360),
        (D(2024, 9, 19), 0.0),  # on the issue date
        (D(2024, 1, 1), 0.0),  # before issue
        (D(2028, 9, 15), 0.0),  # at maturity the last coupon is paid
    ],
)
def test_accrued_interest_2028_notes(on: dt.date, expected: float) -> None:
    assert accrued_interest(NOTE_2028, on) == pytest.approx(expected, abs=0.01)


def test_accrued_interest_zero_coupon() -> None:
    assert accrued_interest(NOTE_2029, D(2027, 5, 5)) == 0.0


def test_accrued_interest_term_loan_act_360() -> None:
    # $205M at 3.75%, monthly on the 23rd. On 2022-07-01, 8 actual days since 2022-06-23:
    # 205e6 * 0.0375 * 8 / 360 = 170,833.33. At SOFR 5% + 3.70%: 205e6 * 0.087 * 8/360.
    loan = LOAN_2022
    assert accrued_interest(loan, D(2022, 7, 1)) == pytest.approx(170_833.33, abs=0.01)
    assert accrued_interest(loan, D(2022, 7, 1), index_level=0.05) == pytest.approx(
        205e6 * 0.087 * 8 / 360, rel=1e-12
    )


def test_accrued_interest_bad_input() -> None:
    with pytest.raises(ValidationError) as info:
        accrued_interest(NOTE_2028, D(2028, 9, 16))
    assert (info.value.field, info.value.value) == ("on", D(2028, 9, 16))
    with pytest.raises(ValidationError) as info:
        accrued_interest(NOTE_2028, "2026-01-01")  # type: ignore[arg-type]
    assert (info.value.field, info.value.value) == ("on", "2026-01-01")


_DEBTS = st.one_of(convertible_notes(), secured_notes(), term_loans(), notes())


def _next_payment(inst: Debt, on: dt.date) -> tuple[dt.date, float]:
    nxt = payment_dates(maturity=inst.maturity, frequency=inst.frequency, after=on - ONE_DAY)[0]
    flows = cash_flows(inst, start=nxt - ONE_DAY, end=nxt)
    # A zero-coupon instrument has no flow before maturity.
    return nxt, float(flows.interest[0]) if flows.dates else 0.0


@given(_DEBTS, st.data())
def test_accrued_interest_bounded_and_resets(inst: Debt, data: st.DataObject) -> None:
    low = (inst.issued or inst.maturity - dt.timedelta(days=3650)) + ONE_DAY
    on = data.draw(dates(low, inst.maturity))
    accrued = accrued_interest(inst, on)
    nxt, coupon = _next_payment(inst, on)
    # Between zero and one full coupon (the coupon paid at the end of the period).
    assert 0.0 <= accrued <= coupon * (1 + 1e-12)
    if on == nxt:
        assert accrued == 0.0
    else:
        # It grows through the period ...
        assert accrued_interest(inst, on + ONE_DAY) >= accrued * (1 - 1e-12) or on + ONE_DAY == nxt
    # ... and resets to zero on the payment date.
    assert accrued_interest(inst, nxt) == 0.0


@given(
    notes(),
    st.data(),
)
def test_accrued_interest_is_linear_in_30_360(inst: Note, data: st.DataObject) -> None:
    # In a regular period accrual is coupon/frequency * (30/360 days elapsed / days in period).
    assume(inst.coupon > 0)
    schedule = payment_dates(
        maturity=inst.maturity, frequency=inst.frequency, after=inst.maturity - dt.timedelta(3650)
    )
    assume(len(schedule) >= 3)
    index = data.draw(st.integers(min_value=1, max_value=len(schedule) - 1))
    prev, nxt = schedule[index - 1], schedule[index]
    assume(inst.issued is None or inst.issued <= prev)
    on = data.draw(dates(prev, nxt))
    full = inst.principal * inst.coupon / inst.frequency
    expected = full * year_fraction(prev, on) / year_fraction(prev, nxt)
    if on == nxt:
        expected = 0.0
    assert accrued_interest(inst, on) == pytest.approx(expected, rel=1e-12, abs=1e-9)


# --- cash flows ---------------------------------------------------------------------------


def test_2032_notes_pay_9m_every_june_and_december() -> None:
    # 800e6 * 2.25% / 2 = $9.0M on each 15 June and 15 December.
    flows = cash_flows(NOTE_2032, start=D(2024, 12, 15), end=D(2032, 6, 15))
    assert len(flows.dates) == 15  # 2025-06-15 .. 2032-06-15
    assert all((d.month, d.day) in ((6, 15), (12, 15)) for d in flows.dates)
    np.testing.assert_allclose(flows.interest, np.full(15, 9.0e6), rtol=1e-12)
    np.testing.assert_array_equal(flows.dividends, np.zeros(15))
    assert flows.principal.tolist() == [0.0] * 14 + [800e6]
    assert flows.total[-1] == pytest.approx(809e6, rel=1e-12)
    assert flows.instrument == "2.25% due 2032"


def test_2032_notes_first_short_coupon() -> None:
    # Issued 2024-06-17: the first period accrues from issue, 178/360 (see the table above):
    # 800e6 * 0.0225 * 178 / 360 = 8,900,000.
    flows = cash_flows(NOTE_2032, start=D(2024, 6, 1), end=D(2024, 12, 31))
    assert flows.dates == (D(2024, 12, 15),)
    assert float(flows.interest[0]) == pytest.approx(8.9e6, rel=1e-12)
    # Whole life: 8.9 + 15 * 9.0 = 143.9 ($M) of interest.
    life = cash_flows(NOTE_2032, start=D(2024, 6, 17), end=D(2032, 6, 15))
    assert float(life.interest.sum()) == pytest.approx(143.9e6, rel=1e-12)


def test_2029_notes_no_cash_flow_before_maturity() -> None:
    # 0% due 2029: nothing until 2029-12-01, then the $3,000M principal.
    before = cash_flows(NOTE_2029, start=D(2026, 2, 1), end=D(2029, 11, 30))
    assert before.dates == ()
    assert before.total.shape == (0,)
    at = cash_flows(NOTE_2029, start=D(2026, 2, 1), end=D(2029, 12, 1))
    assert at.dates == (D(2029, 12, 1),)
    assert at.principal.tolist() == [3_000e6]
    assert at.interest.tolist() == [0.0]


def test_strf_pays_32_1m_a_quarter() -> None:
    # 1,284.0e6 * 10% / 4 = $32.1M on each calendar quarter end.
    flows = cash_flows(STRF, start=D(2026, 1, 1), end=D(2026, 12, 31))
    assert flows.dates == (D(2026, 3, 31), D(2026, 6, 30), D(2026, 9, 30), D(2026, 12, 31))
    np.testing.assert_allclose(flows.dividends, np.full(4, 32.1e6), rtol=1e-12)
    assert flows.interest.tolist() == [0.0] * 4
    assert flows.principal.tolist() == [0.0] * 4  # perpetual: no principal


def test_strc_rate_schedule_in_cash_flows() -> None:
    # Each month pays notional * (rate in force on the month's first day) / 12:
    # 3,379.5e6 / 12 = 281.625e6 times 9%, 10%, 10.25%, 10.5%, 10.75%, 11%, 11.25%.
    flows = cash_flows(STRC, start=D(2025, 8, 1), end=D(2026, 2, 28))
    assert flows.dates == (
        D(2025, 8, 31),
        D(2025, 9, 30),
        D(2025, 10, 31),
        D(2025, 11, 30),
        D(2025, 12, 31),
        D(2026, 1, 31),
        D(2026, 2, 28),
    )
    expected = [
        25_346_250.0,  # 281.625e6 * 0.09
        28_162_500.0,  # * 0.10
        28_866_562.5,  # * 0.1025
        29_570_625.0,  # * 0.105
        30_274_687.5,  # * 0.1075
        30_978_750.0,  # * 0.11
        31_682_812.5,  # * 0.1125
    ]
    np.testing.assert_allclose(flows.dividends, expected, rtol=1e-12)


def test_term_loan_interest_and_amortization() -> None:
    # $100M at 6%, quarterly, ACT/360 on the principal outstanding at the period's start;
    # $25M repaid on 2024-07-15, the rest at maturity.
    #   2024-01-15 -> 04-15: 91 days (31+29+31) on 100M: 100e6 * 0.06 * 91/360 = 1,516,666.67
    #   2024-04-15 -> 07-15: 91 days (30+31+30) on 100M:                          1,516,666.67
    #   2024-07-15 -> 10-15: 92 days (31+31+30) on 75M:  75e6 * 0.06 * 92/360 = 1,150,000
    #   2024-10-15 -> 01-15: 92 days (31+30+31) on 75M:                          1,150,000
    loan = TermLoan(
        name="L",
        principal=100e6,
        rate=0.06,
        frequency=4,
        issued=D(2024, 1, 15),
        maturity=D(2025, 1, 15),
        amortization=[Amortization(date=D(2024, 7, 15), amount=25e6)],
    )
    flows = cash_flows(loan, start=D(2024, 1, 15), end=D(2025, 1, 15))
    assert flows.dates == (D(2024, 4, 15), D(2024, 7, 15), D(2024, 10, 15), D(2025, 1, 15))
    np.testing.assert_allclose(
        flows.interest, [1_516_666.67, 1_516_666.67, 1_150_000.0, 1_150_000.0], atol=0.01
    )
    assert flows.principal.tolist() == [0.0, 25e6, 0.0, 75e6]
    # Annual obligation on 2024-08-01: 75e6 outstanding * 6% = 4.5e6.
    assert annual_obligations([loan], on=D(2024, 8, 1)) == pytest.approx(4.5e6, rel=1e-12)


def test_term_loan_amortization_on_maturity_counted_once() -> None:
    # $100M with $40M amortized on the maturity date itself: $100M is repaid in all,
    # $40M + $60M on maturity (a regression test: the amortization was counted twice).
    loan = TermLoan(
        name="L",
        principal=100e6,
        rate=0.05,
        frequency=1,
        issued=D(2024, 1, 1),
        maturity=D(2025, 1, 1),
        amortization=[Amortization(date=D(2025, 1, 1), amount=40e6)],
    )
    flows = cash_flows(loan, start=D(2024, 1, 1), end=D(2025, 1, 1))
    assert flows.dates == (D(2025, 1, 1),)
    assert flows.principal.tolist() == [100e6]
    # 366 days (2024 is a leap year) on 100M: 100e6 * 0.05 * 366 / 360.
    assert float(flows.interest[0]) == pytest.approx(100e6 * 0.05 * 366 / 360, rel=1e-12)


def test_cash_flows_window_is_half_open() -> None:
    on_date = cash_flows(NOTE_2032, start=D(2026, 6, 15), end=D(2026, 12, 15))
    assert on_date.dates == (D(2026, 12, 15),)  # start excluded, end included
    assert cash_flows(NOTE_2032, start=D(2026, 6, 15), end=D(2026, 6, 15)).dates == ()


def test_cash_flows_bad_window() -> None:
    with pytest.raises(ValidationError) as info:
        cash_flows(NOTE_2032, start=D(2027, 1, 1), end=D(2026, 1, 1))
    assert (info.value.field, info.value.value) == ("end", D(2026, 1, 1))


def test_cash_flows_equality() -> None:
    a = cash_flows(STRF, start=D(2026, 1, 1), end=D(2026, 12, 31))
    b = cash_flows(STRF, start=D(2026, 1, 1), end=D(2026, 12, 31))
    assert a == b
    assert a != cash_flows(STRF, start=D(2026, 1, 1), end=D(2026, 6, 30))
    assert isinstance(a, CashFlows)


@given(
    st.sampled_from([ConvertibleNote, SecuredNote, Note]),
    dates(dt.date(2015, 1, 1), dt.date(2055, 1, 1)),
    st.sampled_from([1, 2, 4, 12]),
    st.integers(min_value=1, max_value=40),
    usd_amounts(),
    st.integers(min_value=1, max_value=10_000).map(lambda bp: bp / 100_000),
)
def test_full_period_coupons_sum_to_principal_coupon_years(
    cls: type[Any],
    maturity: dt.date,
    frequency: int,
    periods: int,
    principal: float,
    coupon: float,
) -> None:
    # Issued on a schedule date ``periods`` periods before maturity: every period is a
    # full one and pays principal * coupon / frequency, in all principal * coupon * years.
    step = 12 // frequency
    year, month = divmod(_month_index(maturity) - periods * step, 12)
    last = calendar.monthrange(year, month + 1)[1]
    day = last if _month_end(maturity) else min(maturity.day, last)
    issued = D(year, month + 1, day)
    extra: dict[str, Any] = {"conversion_price": 100.0} if cls is ConvertibleNote else {}
    inst = cls(
        name="x",
        principal=principal,
        coupon=coupon,
        frequency=frequency,
        issued=issued,
        maturity=maturity,
        **extra,
    )
    flows = cash_flows(inst, start=issued, end=maturity)
    assert len(flows.dates) == periods
    np.testing.assert_allclose(flows.interest, principal * coupon / frequency, rtol=1e-12)
    years = periods / frequency
    assert float(flows.interest.sum()) == pytest.approx(principal * coupon * years, rel=1e-12)
    assert float(flows.principal.sum()) == principal


@given(convertible_notes())
def test_first_stub_coupon_is_short(note: ConvertibleNote) -> None:
    # A first period starting on the issue date pays principal * coupon * 30/360 fraction,
    # never more than a full coupon.
    assume(note.coupon > 0)
    first = payment_dates(maturity=note.maturity, frequency=note.frequency, after=note.issued)[0]
    flows = cash_flows(note, start=note.issued, end=first)
    regular = note.principal * note.coupon / note.frequency
    assert float(flows.interest[0]) <= regular * (1 + 1e-12)
    if add_months(first, -12 // note.frequency, end_of_month=_month_end(note.maturity)) < (
        note.issued
    ):
        stub = note.principal * note.coupon * year_fraction(note.issued, first)
        assert float(flows.interest[0]) == pytest.approx(stub, rel=1e-12, abs=1e-9)


@given(st.one_of(convertible_notes(), secured_notes(), term_loans(), notes()), st.data())
def test_cash_flows_split_at_any_date(inst: Debt, data: st.DataObject) -> None:
    # Conservation: flows in (a, c] are the flows in (a, b] followed by those in (b, c].
    a, b, c = sorted(
        data.draw(
            st.lists(dates(dt.date(2000, 1, 1), dt.date(2072, 1, 1)), min_size=3, max_size=3)
        )
    )
    whole = cash_flows(inst, start=a, end=c)
    left = cash_flows(inst, start=a, end=b)
    right = cash_flows(inst, start=b, end=c)
    assert whole.dates == left.dates + right.dates
    for field in ("interest", "principal", "dividends"):
        np.testing.assert_array_equal(
            getattr(whole, field), np.concatenate([getattr(left, field), getattr(right, field)])
        )


@given(st.one_of(convertible_notes(), secured_notes(), term_loans(), notes()))
def test_whole_principal_repaid_once(inst: Debt) -> None:
    start = inst.issued or D(2000, 1, 1)
    flows = cash_flows(inst, start=start, end=inst.maturity)
    assert float(flows.principal.sum()) == pytest.approx(inst.principal, rel=1e-12)
    assert np.all(flows.principal >= 0.0)
    assert np.all(flows.interest >= 0.0)
    assert flows.dates[-1] == inst.maturity
    assert all(b > a for a, b in itertools.pairwise(flows.dates))


# --- preferred dividend calendar ------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "after", "until", "issued", "expected"),
    [
        (4, D(2026, 2, 1), D(2026, 12, 31), None,
         [D(2026, 3, 31), D(2026, 6, 30), D(2026, 9, 30), D(2026, 12, 31)]),
        # "after" on a quarter end excludes it; "until" on one includes it.
        (4, D(2026, 3, 31), D(2026, 9, 30), None, [D(2026, 6, 30), D(2026, 9, 30)]),
        # Monthly: every month end, 29 February in a leap year.
        (12, D(2027, 12, 31), D(2028, 4, 15), None,
         [D(2028, 1, 31), D(2028, 2, 29), D(2028, 3, 31)]),
        (2, D(2025, 1, 1), D(2026, 12, 31), None,
         [D(2025, 6, 30), D(2025, 12, 31), D(2026, 6, 30), D(2026, 12, 31)]),
        (1, D(2025, 12, 31), D(2028, 12, 30), None, [D(2026, 12, 31), D(2027, 12, 31)]),
        # Nothing before the issue date: STRE pays quarterly from 2025-12-31.
        (4, D(2025, 1, 1), D(2026, 3, 31), D(2025, 11, 10), [D(2025, 12, 31), D(2026, 3, 31)]),
        (12, D(2025, 1, 1), D(2025, 9, 30), D(2025, 7, 29),
         [D(2025, 7, 31), D(2025, 8, 31), D(2025, 9, 30)]),
        # An empty window.
        (4, D(2026, 4, 1), D(2026, 6, 29), None, []),
    ],
)  # fmt: skip
def test_dividend_dates_period_ends(
    frequency: int,
    after: dt.date,
    until: dt.date,
    issued: dt.date | None,
    expected: list[dt.date],
) -> None:
    pref = PreferredStock(name="P", notional=1e9, rate=0.1, frequency=frequency, issued=issued)
    assert dividend_dates(pref, after=after, until=until) == tuple(expected)


@given(preferred_stocks(), dates(), st.integers(min_value=0, max_value=3000))
def test_dividend_dates_properties(pref: PreferredStock, after: dt.date, span: int) -> None:
    until = after + dt.timedelta(days=span)
    got = dividend_dates(pref, after=after, until=until)
    step = 12 // pref.frequency
    start = after if pref.issued is None else max(after, pref.issued)
    for d in got:
        assert _month_end(d)
        assert d.month % step == 0  # the last month of a calendar period
        assert start < d <= until
    months = [_month_index(d) for d in got]
    assert all(b - a == step for a, b in itertools.pairwise(months))
    # Complete: no period end is missed at either side of the window.
    if got:
        year, month = divmod(months[0] - step, 12)
        previous = D(year, month + 1, calendar.monthrange(year, month + 1)[1])
        assert previous <= start
        year, month = divmod(months[-1] + step, 12)
        following = D(year, month + 1, calendar.monthrange(year, month + 1)[1])
        assert following > until
    else:
        # No period end in (start, until]: the window is shorter than one period.
        assert (until - start).days < 31 * step


# --- obligations ----------------------------------------------------------------------------


def test_obligations_ladder_by_year_and_date() -> None:
    # 2026: 2032 notes pay 2 x 9.0M = 18.0M interest; STRF 4 x 32.1M = 128.4M dividends;
    # STRE 4 x (775e6 * 10% / 4) EUR = 77.5M EUR at 1.188 USD = 92.07M USD.
    instruments: list[Instrument] = [NOTE_2032, STRF, STRE]
    fx = {"EUR": 1.188}
    rows = obligations_ladder(
        instruments, start=D(2025, 12, 31), end=D(2026, 12, 31), fx=fx, currency="USD"
    )
    assert [r.period for r in rows] == ["2026"]
    assert rows[0].interest == pytest.approx(18.0e6, rel=1e-12)
    assert rows[0].dividends == pytest.approx(128.4e6 + 92.07e6, rel=1e-12)
    assert rows[0].principal == 0.0
    by_date = obligations_ladder(
        instruments, start=D(2025, 12, 31), end=D(2026, 6, 30), by="date", fx=fx, currency="USD"
    )
    quarter = 32.1e6 + 775e6 * 0.10 / 4 * 1.188  # 32.1M + 23.0175M
    assert [(r.period, round(r.total, 2)) for r in by_date] == [
        ("2026-03-31", round(quarter, 2)),
        ("2026-06-15", 9.0e6),
        ("2026-06-30", round(quarter, 2)),
    ]


def test_obligations_ladder_principal_by_year() -> None:
    # 2030 notes: (A) 800M due 2030-03-15 with its last 2.5M coupon (800e6 * 0.625% / 2);
    # (B) 2,000M due 2030-03-01 with no coupon. 2031 notes: 603.75M due 2031-03-15.
    rows = obligations_ladder(
        [NOTE_2030A, NOTE_2030B, NOTE_2031], start=D(2029, 12, 31), end=D(2031, 12, 31)
    )
    assert [r.period for r in rows] == ["2030", "2031"]
    assert rows[0].principal == 2_800e6
    # 2030 interest: (A) 2.5M in March; 2031 notes 2 x 603.75e6 * 0.875% / 2 = 5.2828125M.
    assert rows[0].interest == pytest.approx(2.5e6 + 5_282_812.5, rel=1e-12)
    assert rows[1].principal == 603.75e6
    assert rows[1].interest == pytest.approx(603.75e6 * 0.00875 / 2, rel=1e-12)
    assert rows[1].total == rows[1].interest + rows[1].principal + rows[1].dividends


def test_obligations_ladder_bad_input() -> None:
    with pytest.raises(ValidationError) as info:
        obligations_ladder([STRE], start=D(2026, 1, 1), end=D(2026, 12, 31), currency="USD")
    assert (info.value.field, info.value.value) == ("STRE.currency", "EUR")
    with pytest.raises(ValidationError) as info:
        obligations_ladder(
            [STRF],
            start=D(2026, 1, 1),
            end=D(2026, 12, 31),
            by="month",  # type: ignore[arg-type]
        )
    assert (info.value.field, info.value.value) == ("by", "month")
    with pytest.raises(ValidationError) as info:
        obligations_ladder([STRF], start=D(2026, 1, 1), end=D(2025, 12, 31))
    assert info.value.field == "end"


@given(companies(max_instruments=5), st.integers(min_value=0, max_value=3650))
def test_ladders_conserve_cash_flows(co: Company, days: int) -> None:
    start = co.as_of
    end = start + dt.timedelta(days=days)
    fx = dict(co.fx)
    by_year = obligations_ladder(co.instruments, start=start, end=end, fx=fx, currency=co.currency)
    by_date = obligations_ladder(
        co.instruments, start=start, end=end, by="date", fx=fx, currency=co.currency
    )
    direct = sum(
        float(cash_flows(i, start=start, end=end).total.sum()) * co.fx_rate(i.currency)
        for i in co.instruments
    )
    assert sum(r.total for r in by_year) == pytest.approx(direct, rel=1e-9, abs=1e-3)
    assert sum(r.total for r in by_date) == pytest.approx(direct, rel=1e-9, abs=1e-3)
    assert [r.period for r in by_date] == sorted({r.period for r in by_date})
    years = {r.period[:4] for r in by_date}
    assert {r.period for r in by_year} == years


def test_annual_obligations_published_888m() -> None:
    # "Annual interest + dividends, as the company states it: $888M" (Feb 2026). By hand:
    # interest 6.3125 + 5.0 + 5.2828125 + 18.0 = 34.5953125 ($M; the 0% notes pay none);
    # dividends STRF 128.4 + STRC 3,379.5 * 11.25% = 380.19375 + STRE 775 * 10% * 1.188 =
    # 92.07 + STRK 112.168 + STRD 140.24 = 853.07175; total 887.667 -> $888M.
    instruments: list[Instrument] = [
        NOTE_2028,
        NOTE_2029,
        NOTE_2030A,
        NOTE_2030B,
        NOTE_2031,
        NOTE_2032,
        STRF,
        STRC,
        STRE,
        STRK,
        STRD,
    ]
    total = annual_obligations(instruments, on=D(2026, 2, 1), fx={"EUR": 1.188}, currency="USD")
    assert total == pytest.approx(887.6670625e6, rel=1e-12)
    assert round(total / 1e6) == 888


def test_annual_obligations_leaves_out_matured_debt() -> None:
    # On 2028-09-15 the 2028 notes have matured; the 2032 notes still pay 18.0M a year.
    assert annual_obligations([NOTE_2028, NOTE_2032], on=D(2028, 9, 15)) == pytest.approx(18e6)
    # Before it, 6.3125M + 18.0M.
    assert annual_obligations([NOTE_2028, NOTE_2032], on=D(2028, 9, 14)) == pytest.approx(
        24.3125e6, rel=1e-12
    )
    # STRC's rate on 2025-08-15 is the launch rate 9%: 3,379.5 * 9% = 304.155M.
    assert annual_obligations([STRC], on=D(2025, 8, 15)) == pytest.approx(304.155e6, rel=1e-12)


def test_ladder_row_total() -> None:
    assert LadderRow(period="2026", interest=1.5, dividends=2.0, principal=3.0).total == 6.5


# --- convertible helpers ------------------------------------------------------------------


def test_shares_on_conversion_of_2028_notes() -> None:
    # 1,010e6 / 183.19 = 5,513,401.39 shares; $1,000 converts into 5.45881 shares.
    assert shares_on_conversion(NOTE_2028) == pytest.approx(5_513_401.39, abs=0.01)
    assert shares_on_conversion(NOTE_2028, 1000.0) == pytest.approx(5.458813, abs=1e-6)


def test_conversion_value_float_and_array() -> None:
    # At $366.38 (twice the conversion price) the 2028 notes convert into 2 x $1,010M.
    value = conversion_value(NOTE_2028, 366.38)
    assert isinstance(value, float)
    assert value == pytest.approx(2_020e6, rel=1e-12)
    prices = np.array([[0.0, 183.19], [91.595, 366.38]])
    values = conversion_value(NOTE_2028, prices)
    assert isinstance(values, np.ndarray)
    assert values.shape == (2, 2)
    np.testing.assert_allclose(values, [[0.0, 1_010e6], [505e6, 2_020e6]], rtol=1e-12)


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf"), None, "100", True, 1 + 1j])
def test_conversion_value_bad_price(bad: Any) -> None:
    with pytest.raises(ValidationError) as info:
        conversion_value(NOTE_2028, bad)
    assert info.value.field == "share_price"
    with pytest.raises(ValidationError):
        conversion_value(NOTE_2028, [100.0, bad])


def test_conversion_value_takes_every_kind_of_number() -> None:
    # 5,513,401.39 shares (1,010M / 183.19) at $100: 551,340,138.6.
    expected = 1_010e6 / 183.19 * 100.0
    prices: list[Any] = [100.0, 100, np.float32(100.0), np.int64(100), np.array(100.0)]
    for price in prices:
        value = conversion_value(NOTE_2028, price)
        assert type(value) is float
        assert value == pytest.approx(expected, rel=1e-12)
    listed = conversion_value(NOTE_2028, [100.0, 0.0])
    assert isinstance(listed, np.ndarray)
    assert listed.tolist() == pytest.approx([expected, 0.0], rel=1e-12)


@pytest.mark.parametrize(
    ("function", "args", "kwargs", "field"),
    [
        # Found in review: each of these raised a raw AttributeError, TypeError or ValueError,
        # or gave a NaN or a negative count.
        (add_months, ("2026-01-31", 1), {}, "anchor"),
        (add_months, (D(2026, 1, 31), 1.5), {}, "months"),
        (add_months, (D(2026, 1, 31), True), {}, "months"),
        (add_months, (D(2026, 1, 31), 100_000), {}, "months"),
        (payment_dates, (), {"maturity": D(2030, 1, 1), "frequency": 2, "after": D(2025, 1, 1),
                             "end_of_month": "yes"}, "end_of_month"),
        (coupon_dates, (NOTE_2032,), {"after": "2026-01-01"}, "after"),
        (coupon_dates, (STRF,), {}, "instrument"),
        (accrued_interest, (STRF, D(2026, 1, 1)), {}, "instrument"),
        (accrued_interest, (LOAN_2022, D(2023, 1, 1)), {"index_level": "5%"}, "index_level"),
        (interest_rate, (STRF,), {}, "instrument"),
        (interest_rate, (LOAN_2022, float("nan")), {}, "index_level"),
        (cash_flows, ("STRF",), {"start": D(2026, 1, 1), "end": D(2027, 1, 1)}, "instrument"),
        (cash_flows, (LOAN_2022,), {"start": D(2023, 1, 1), "end": D(2024, 1, 1),
                                     "index_level": float("inf")}, "index_level"),
        (dividend_dates, (NOTE_2032,), {"after": D(2026, 1, 1), "until": D(2027, 1, 1)},
         "preferred"),
        (shares_on_conversion, (NOTE_2028, -1_000.0), {}, "principal"),
        (shares_on_conversion, (NOTE_2028, "1000"), {}, "principal"),
        (shares_on_conversion, (STRK,), {}, "note"),
        (conversion_value, (STRK, 100.0), {}, "note"),
        (puts_in_window, (STRF,), {"start": D(2026, 1, 1), "end": D(2027, 1, 1)}, "note"),
        (call_in_window, (NOTE_2032,), {"start": D(2026, 1, 1), "end": "2027-01-01"}, "end"),
        (obligations_ladder, ("STRF",), {"start": D(2026, 1, 1), "end": D(2027, 1, 1)},
         "instruments"),
        (obligations_ladder, ([STRF, "STRC"],), {"start": D(2026, 1, 1), "end": D(2027, 1, 1)},
         "instruments[1]"),
        (obligations_ladder, ([STRE],), {"start": D(2026, 1, 1), "end": D(2027, 1, 1),
                                         "fx": {"EUR": "1.188"}}, "fx.EUR"),
        (obligations_ladder, ([STRE],), {"start": D(2026, 1, 1), "end": D(2027, 1, 1),
                                         "fx": 1.188}, "fx"),
        (obligations_ladder, ([STRF],), {"start": D(2026, 1, 1), "end": D(2027, 1, 1),
                                         "currency": "usd"}, "currency"),
        (annual_obligations, ([STRE],), {"on": D(2026, 1, 1), "fx": {"EUR": -1.0}}, "fx.EUR"),
        (annual_obligations, ([LOAN_2022],), {"on": D(2023, 1, 1), "index_level": "x"},
         "index_level"),
    ],
)  # fmt: skip
def test_schedule_functions_reject_bad_input(
    function: Any, args: tuple[Any, ...], kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        function(*args, **kwargs)
    assert info.value.field == field


def test_rate_schedule_and_fx_accept_numpy_numbers() -> None:
    # STRE: EUR 775M x 10% = EUR 77.5M a year at 1.188 = $92.07M (strategy-facts.md).
    total = annual_obligations([STRE], on=D(2026, 2, 1), fx={"EUR": np.float64(1.188)})
    assert total == pytest.approx(92.07e6, rel=1e-12)
    one: Any = np.int64(1)
    assert add_months(D(2026, 1, 31), one) == D(2026, 2, 28)


@given(
    convertible_notes(),
    asset_price_arrays(),
    st.floats(min_value=0.0, max_value=10.0, allow_subnormal=False),
)
def test_conversion_value_is_linear(
    note: ConvertibleNote, prices: npt.NDArray[np.float64], k: float
) -> None:
    values = conversion_value(note, prices)
    np.testing.assert_allclose(values, note.principal / note.conversion_price * prices, rtol=1e-9)
    np.testing.assert_allclose(conversion_value(note, k * prices), k * values, rtol=1e-9)
    np.testing.assert_allclose(
        conversion_value(note, prices + prices[::-1]),
        values + values[::-1],
        rtol=1e-9,
    )
    assert conversion_value(note, 0.0) == 0.0
    # Elementwise: the array result agrees with the float one.
    assert float(values[0]) == conversion_value(note, float(prices[0]))


def test_puts_and_calls_in_window() -> None:
    # 2028 notes: holder put 2027-09-15, issuer call from 2027-12-20 (strategy-facts.md).
    assert puts_in_window(NOTE_2028, start=D(2027, 1, 1), end=D(2027, 12, 31)) == (D(2027, 9, 15),)
    assert puts_in_window(NOTE_2028, start=D(2027, 9, 15), end=D(2027, 12, 31)) == ()
    assert puts_in_window(NOTE_2028, start=D(2027, 1, 1), end=D(2027, 9, 15)) == (D(2027, 9, 15),)
    # 2030 (B) notes: put 2028-03-01, call from 2027-03-05 (strategy-facts.md).
    assert puts_in_window(NOTE_2030B, start=D(2026, 1, 1), end=D(2030, 1, 1)) == (D(2028, 3, 1),)
    assert call_in_window(NOTE_2030B, start=D(2026, 1, 1), end=D(2027, 3, 5))
    assert not call_in_window(NOTE_2030B, start=D(2026, 1, 1), end=D(2027, 3, 4))
    plain = attrs.evolve(NOTE_2030B, puts=(), call_from=None, call_trigger=None)
    assert puts_in_window(plain, start=D(2026, 1, 1), end=D(2030, 1, 1)) == ()
    assert not call_in_window(NOTE_2028, start=D(2027, 1, 1), end=D(2027, 12, 19))
    assert call_in_window(NOTE_2028, start=D(2027, 1, 1), end=D(2027, 12, 20))
    assert call_in_window(NOTE_2028, start=D(2028, 1, 1), end=D(2028, 6, 30))  # still callable
    assert not call_in_window(NOTE_2028, start=D(2028, 9, 15), end=D(2029, 1, 1))  # matured
    assert not call_in_window(plain, start=D(2026, 1, 1), end=D(2030, 1, 1))  # no call
    # An empty window (start == end) holds no day (a regression test: it used to say True).
    assert not call_in_window(NOTE_2028, start=D(2028, 1, 1), end=D(2028, 1, 1))
    assert puts_in_window(NOTE_2028, start=D(2027, 9, 15), end=D(2027, 9, 15)) == ()
    with pytest.raises(ValidationError) as info:
        puts_in_window(NOTE_2028, start=D(2028, 1, 1), end=D(2027, 1, 1))
    assert (info.value.field, info.value.value) == ("end", D(2027, 1, 1))
    with pytest.raises(ValidationError):
        call_in_window(NOTE_2028, start=D(2028, 1, 1), end=D(2027, 1, 1))


@given(convertible_notes(), dates(), st.integers(min_value=0, max_value=4000))
def test_puts_in_window_are_the_puts_in_the_window(
    note: ConvertibleNote, start: dt.date, span: int
) -> None:
    end = start + dt.timedelta(days=span)
    got = puts_in_window(note, start=start, end=end)
    assert got == tuple(p for p in note.puts if start < p <= end)
    callable_ = call_in_window(note, start=start, end=end)
    if note.call_from is None:
        assert not callable_
    else:
        # Callable on some day in (start, end] within [call_from, maturity].
        assert callable_ == (max(start + ONE_DAY, note.call_from) <= min(end, note.maturity))
