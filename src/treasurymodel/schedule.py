"""Day counts, payment schedules and cash flows: pure functions of contract terms.

Conventions
-----------
* Coupon dates are generated backward from maturity, ``12 / frequency`` months apart, each
  computed from the maturity date directly (no drift): the day of month is the maturity's,
  cut to the month's length, and when maturity is the last day of its month every date is
  a month end (``end_of_month``).
* A regular coupon period pays ``principal × coupon / frequency``. A first period that
  starts on the issue date rather than on a schedule date (a stub) pays
  ``principal × coupon × year_fraction(issued, first_date)`` in 30/360.
* Notes accrue in 30/360 (US bond basis); term loans accrue interest in ACT/360 on the
  principal outstanding.
* Preferred dividends are paid on the last day of each period of the calendar year
  (quarter ends for quarterly series, month ends for monthly ones). Each regular period
  pays ``notional × rate / frequency`` at the rate in force on the period's first day.
* Windows are half-open: a flow on ``start`` is excluded, a flow on ``end`` included.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Literal, overload

import attrs
import numpy as np

from ._results import Tabular
from ._typing import ArrayInput, ArrayLike, FloatArray
from .errors import ValidationError
from .instruments import (
    ConvertibleNote,
    Debt,
    Instrument,
    PreferredStock,
)
from .instruments.capabilities import Amortizing, DividendPaying, HasMaturity
from .instruments.registry import is_instrument
from .validators import (
    FREQUENCIES,
    check_choice,
    check_date,
    check_finite,
    check_flag,
    check_number,
    price_array,
)

__all__ = [
    "CashFlows",
    "DayCount",
    "LadderRow",
    "ObligationsLadder",
    "accrued_interest",
    "add_months",
    "annual_obligations",
    "call_in_window",
    "cash_flows",
    "conversion_value",
    "coupon_dates",
    "dividend_dates",
    "interest_rate",
    "obligations_ladder",
    "payment_dates",
    "puts_in_window",
    "shares_on_conversion",
    "year_fraction",
]

DayCount = Literal["30/360", "ACT/365F", "ACT/360"]
"""Supported day-count conventions.

Examples
--------
>>> import datetime as dt
>>> from typing import get_args
>>> from treasurymodel.schedule import DayCount, year_fraction
>>> get_args(DayCount)
('30/360', 'ACT/365F', 'ACT/360')
>>> year_fraction(dt.date(2025, 1, 1), dt.date(2026, 1, 1), "ACT/360")
1.0138888888888888
"""

_DAY_COUNTS = ("30/360", "ACT/365F", "ACT/360")


def _debt(instrument: object) -> Debt:
    if not (is_instrument(instrument) and isinstance(instrument, HasMaturity)):
        raise ValidationError(
            "instrument", instrument, "must be a debt instrument (a note, secured note or loan)"
        )
    return instrument


def _convertible(note: object) -> ConvertibleNote:
    if not isinstance(note, ConvertibleNote):
        raise ValidationError("note", note, "must be a ConvertibleNote")
    return note


def _preferred(preferred: object) -> PreferredStock:
    if not isinstance(preferred, PreferredStock):
        raise ValidationError("preferred", preferred, "must be a PreferredStock")
    return preferred


def _instrument(instrument: object, field: str = "instrument") -> Instrument:
    if not is_instrument(instrument):
        raise ValidationError(field, instrument, "is not an instrument")
    return instrument


def _index_level(value: object) -> float | None:
    return None if value is None else check_finite("index_level", value)


def year_fraction(start: _dt.date, end: _dt.date, day_count: DayCount = "30/360") -> float:
    """Fraction of a year between two dates under a day-count convention.

    ``"30/360"`` is the US bond basis: D1 = 31 becomes 30; D2 = 31 becomes 30 when D1 is
    30 or 31. ``"ACT/365F"`` and ``"ACT/360"`` divide actual days by 365 and 360.

    Examples
    --------
    >>> import datetime as dt
    >>> year_fraction(dt.date(2025, 3, 15), dt.date(2025, 9, 15))
    0.5
    >>> year_fraction(dt.date(2025, 1, 1), dt.date(2026, 1, 1), "ACT/365F")
    1.0
    >>> round(year_fraction(dt.date(2025, 1, 1), dt.date(2025, 2, 1), "ACT/360"), 6)
    0.086111
    """
    check_date("start", start)
    check_date("end", end)
    if day_count == "ACT/365F":
        return (end - start).days / 365.0
    if day_count == "ACT/360":
        return (end - start).days / 360.0
    if day_count != "30/360":
        raise ValidationError("day_count", day_count, f"must be one of {_DAY_COUNTS}")
    d1, d2 = start.day, end.day
    if d1 == 31:
        d1 = 30
    if d2 == 31 and d1 == 30:
        d2 = 30
    days = 360 * (end.year - start.year) + 30 * (end.month - start.month) + (d2 - d1)
    return days / 360.0


def _is_month_end(day: _dt.date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def add_months(anchor: _dt.date, months: int, *, end_of_month: bool = False) -> _dt.date:
    """Shift ``anchor`` by whole months, cutting the day to the month's length.

    With ``end_of_month=True`` and an anchor on the last day of its month the result is
    the last day of the target month.

    Examples
    --------
    >>> import datetime as dt
    >>> add_months(dt.date(2025, 8, 31), -6)
    datetime.date(2025, 2, 28)
    >>> add_months(dt.date(2025, 2, 28), 6, end_of_month=True)
    datetime.date(2025, 8, 31)
    """
    check_date("anchor", anchor)
    if isinstance(months, np.integer):
        months = int(months)
    if isinstance(months, bool) or not isinstance(months, int):
        raise ValidationError("months", months, "must be a whole number of months")
    index = anchor.year * 12 + (anchor.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if not _dt.MINYEAR <= year <= _dt.MAXYEAR:
        raise ValidationError("months", months, f"moves {anchor} outside the years 1 to 9999")
    last = calendar.monthrange(year, month)[1]
    if end_of_month and _is_month_end(anchor):
        return _dt.date(year, month, last)
    return _dt.date(year, month, min(anchor.day, last))


def payment_dates(
    *,
    maturity: _dt.date,
    frequency: int,
    after: _dt.date,
    end_of_month: bool | None = None,
) -> tuple[_dt.date, ...]:
    """Regular payment dates in ``(after, maturity]``, generated backward from maturity.

    Parameters
    ----------
    maturity
        Last payment date; the anchor of the schedule.
    frequency
        Payments a year: 1, 2, 4 or 12.
    after
        Only dates strictly after this one are returned (usually the issue date).
    end_of_month
        Keep month ends when maturity is a month end; by default, exactly then.

    Examples
    --------
    >>> import datetime as dt
    >>> payment_dates(maturity=dt.date(2026, 6, 15), frequency=2, after=dt.date(2025, 1, 1))
    (datetime.date(2025, 6, 15), datetime.date(2025, 12, 15), datetime.date(2026, 6, 15))
    """
    check_date("maturity", maturity)
    check_date("after", after)
    if (
        isinstance(frequency, bool)
        or not isinstance(frequency, int)
        or frequency not in FREQUENCIES
    ):
        raise ValidationError("frequency", frequency, "must be one of 1, 2, 4 or 12")
    end_of_month = check_flag("end_of_month", end_of_month, allow_none=True)
    eom = _is_month_end(maturity) if end_of_month is None else end_of_month
    step = 12 // frequency
    out: list[_dt.date] = []
    k = 0
    while True:
        day = add_months(maturity, -k * step, end_of_month=eom)
        if day <= after:
            break
        out.append(day)
        k += 1
    return tuple(reversed(out))


def _coupon_of(instrument: Debt) -> float:
    return instrument.coupon_rate


def interest_rate(instrument: Debt, index_level: float | None = None) -> float:
    """The annual interest rate of a debt instrument (floating loans at ``index_level``).

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Note
    >>> interest_rate(Note(name="n", principal=1e6, coupon=0.05, maturity=dt.date(2030, 1, 1)))
    0.05
    """
    _debt(instrument)
    index_level = _index_level(index_level)
    return instrument.interest_rate(index_level)


def coupon_dates(instrument: Debt, *, after: _dt.date | None = None) -> tuple[_dt.date, ...]:
    """Interest payment dates of a debt instrument after ``after`` (default: its issue date).

    A zero-coupon instrument has none.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import ConvertibleNote
    >>> note = ConvertibleNote(name="2.25% due 2032", principal=800e6, coupon=0.0225,
    ...     issued=dt.date(2024, 6, 17), maturity=dt.date(2032, 6, 15), conversion_price=204.33)
    >>> coupon_dates(note)[:2]
    (datetime.date(2024, 12, 15), datetime.date(2025, 6, 15))
    """
    _debt(instrument)
    if after is not None:
        check_date("after", after)
    if _coupon_of(instrument) == 0.0 and not instrument.floating:
        return ()
    start = after if after is not None else instrument.issued
    if start is None:
        raise ValidationError(
            f"{instrument.name}.issued", None, "is unknown: give the schedule a start date"
        )
    if instrument.issued is not None:
        start = max(start, instrument.issued)
    return payment_dates(maturity=instrument.maturity, frequency=instrument.frequency, after=start)


def _outstanding(instrument: Debt, on: _dt.date) -> float:
    """Principal outstanding just after ``on`` (after amortization paid on ``on``)."""
    if isinstance(instrument, Amortizing):
        return instrument.outstanding_on(on)
    return instrument.principal


def _period(instrument: Debt, pay_date: _dt.date) -> tuple[_dt.date, bool]:
    """Start of the coupon period ending on ``pay_date`` and whether it is a regular one.

    The first period is a stub when the issue date is not itself a schedule date.
    """
    step = 12 // instrument.frequency
    eom = _is_month_end(instrument.maturity)
    months = (instrument.maturity.year - pay_date.year) * 12 + (
        instrument.maturity.month - pay_date.month
    )
    previous = add_months(instrument.maturity, -(months + step), end_of_month=eom)
    if instrument.issued is not None and previous < instrument.issued:
        return instrument.issued, False
    return previous, True


def _interest_for_period(instrument: Debt, pay_date: _dt.date, index_level: float | None) -> float:
    start, regular = _period(instrument, pay_date)
    rate = interest_rate(instrument, index_level)
    if isinstance(instrument, Amortizing):
        # Accrued on the principal outstanding at the period's start, actual days.
        day_count = instrument.DAY_COUNT
        return _outstanding(instrument, start) * rate * year_fraction(start, pay_date, day_count)
    if regular:
        return instrument.principal * rate / instrument.frequency
    return instrument.principal * rate * year_fraction(start, pay_date, "30/360")


def accrued_interest(instrument: Debt, on: _dt.date, *, index_level: float | None = None) -> float:
    """Interest accrued but not yet paid on ``on`` (zero on a payment date).

    The accrual is the current period's coupon times the 30/360 fraction of the period
    elapsed (ACT/360 on the outstanding principal for a term loan); it lies between zero
    and one full coupon.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import ConvertibleNote
    >>> note = ConvertibleNote(name="0.625% due 2028", principal=1_010e6, coupon=0.00625,
    ...     issued=dt.date(2024, 9, 19), maturity=dt.date(2028, 9, 15),
    ...     conversion_price=183.19)
    >>> round(accrued_interest(note, dt.date(2026, 2, 1)), 2)
    2384722.22
    """
    _debt(instrument)
    check_date("on", on)
    index_level = _index_level(index_level)
    if on > instrument.maturity:
        raise ValidationError("on", on, f"is after the maturity of {instrument.name!r}")
    if instrument.issued is not None and on <= instrument.issued:
        return 0.0
    dates = coupon_dates(instrument, after=on - _dt.timedelta(days=1))
    if not dates or dates[0] == on:
        return 0.0
    nxt = dates[0]
    prev, _ = _period(instrument, nxt)
    full = _interest_for_period(instrument, nxt, index_level)
    day_count: DayCount = instrument.DAY_COUNT
    span = year_fraction(prev, nxt, day_count)
    elapsed = year_fraction(prev, on, day_count)
    fraction = min(max(elapsed / span, 0.0), 1.0) if span > 0 else 0.0
    return full * fraction


def dividend_dates(
    preferred: PreferredStock, *, after: _dt.date, until: _dt.date
) -> tuple[_dt.date, ...]:
    """Dividend dates of a preferred series in ``(after, until]``: calendar period ends.

    Examples
    --------
    >>> import datetime as dt
    >>> strf = PreferredStock(name="STRF", notional=1_284e6, rate=0.10, frequency=4)
    >>> dividend_dates(strf, after=dt.date(2026, 2, 1), until=dt.date(2026, 12, 31))
    ... # doctest: +NORMALIZE_WHITESPACE
    (datetime.date(2026, 3, 31), datetime.date(2026, 6, 30),
     datetime.date(2026, 9, 30), datetime.date(2026, 12, 31))
    """
    _preferred(preferred)
    check_date("after", after)
    check_date("until", until)
    step = 12 // preferred.frequency
    start = after if preferred.issued is None else max(after, preferred.issued)
    out: list[_dt.date] = []
    index = start.year * 12 + start.month - 1
    index -= index % step
    while True:
        year, month = divmod(index + step - 1, 12)
        day = _dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])
        if day > until:
            break
        if day > start:
            out.append(day)
        index += step
    return tuple(out)


@attrs.frozen(kw_only=True, repr=False)
class CashFlows(Tabular):
    """Scheduled cash flows of one instrument in a window, as parallel arrays.

    Attributes
    ----------
    instrument
        Name of the instrument.
    dates
        Payment dates, increasing.
    interest, principal, dividends
        Amounts paid on each date, in the instrument's currency.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Note
    >>> flows = cash_flows(Note(name="n", principal=100.0, coupon=0.1, frequency=1,
    ...     maturity=dt.date(2027, 1, 1)), start=dt.date(2025, 1, 1), end=dt.date(2027, 1, 1))
    >>> flows.total.tolist()
    [10.0, 110.0]
    """

    instrument: str
    dates: tuple[_dt.date, ...]
    interest: FloatArray
    principal: FloatArray
    dividends: FloatArray

    @property
    def total(self) -> FloatArray:
        """Interest + principal + dividends on each date."""
        return self.interest + self.principal + self.dividends

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CashFlows):
            return NotImplemented
        return (
            self.instrument == other.instrument
            and self.dates == other.dates
            and bool(np.array_equal(self.interest, other.interest))
            and bool(np.array_equal(self.principal, other.principal))
            and bool(np.array_equal(self.dividends, other.dividends))
        )

    __hash__ = None  # type: ignore[assignment]

    def to_dict(self) -> dict[str, Any]:
        """Columns ``date`` (``datetime64[D]``), ``interest``, ``principal``, ``dividends``
        and ``total``, one entry per payment date.

        Examples
        --------
        >>> import datetime as dt
        >>> from treasurymodel import Note
        >>> flows = cash_flows(Note(name="n", principal=100.0, coupon=0.1, frequency=1,
        ...     maturity=dt.date(2027, 1, 1)), start=dt.date(2025, 1, 1), end=dt.date(2027, 1, 1))
        >>> d = flows.to_dict()
        >>> [str(x) for x in d["date"]], d["principal"].tolist()
        (['2026-01-01', '2027-01-01'], [0.0, 100.0])
        """
        return {
            "date": np.array(self.dates, dtype="datetime64[D]"),
            "interest": np.array(self.interest, dtype=np.float64),
            "principal": np.array(self.principal, dtype=np.float64),
            "dividends": np.array(self.dividends, dtype=np.float64),
            "total": np.array(self.total, dtype=np.float64),
        }

    def _title(self) -> str:
        return f"CashFlows of {self.instrument!r}"

    def _footer(self) -> str:
        return "in the instrument's currency"


def _check_window(start: _dt.date, end: _dt.date) -> None:
    check_date("start", start)
    check_date("end", end)
    if end < start:
        raise ValidationError("end", end, f"must not be before start ({start})")


def cash_flows(
    instrument: Instrument,
    *,
    start: _dt.date,
    end: _dt.date,
    index_level: float | None = None,
) -> CashFlows:
    """Scheduled interest, principal and dividends of an instrument in ``(start, end]``.

    Contingent flows (puts, calls, springing maturities, conversions) are not scheduled
    flows: the analysis functions decide them. Convertible principal is counted at
    maturity, as if repaid in cash.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import ConvertibleNote
    >>> note = ConvertibleNote(name="2.25% due 2032", principal=800e6, coupon=0.0225,
    ...     issued=dt.date(2024, 6, 17), maturity=dt.date(2032, 6, 15), conversion_price=204.33)
    >>> flows = cash_flows(note, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    >>> flows.dates
    (datetime.date(2026, 6, 15), datetime.date(2026, 12, 15))
    >>> (flows.interest / 1e6).tolist()
    [9.0, 9.0]
    """
    _instrument(instrument)
    _check_window(start, end)
    index_level = _index_level(index_level)
    if isinstance(instrument, DividendPaying):
        days = dividend_dates(instrument, after=start, until=end)
        step = 12 // instrument.frequency
        amounts = [
            instrument.notional
            * instrument.rate_on(add_months(d, -step, end_of_month=True) + _dt.timedelta(days=1))
            / instrument.frequency
            for d in days
        ]
        zeros = np.zeros(len(days))
        return CashFlows(
            instrument=instrument.name,
            dates=days,
            interest=zeros,
            principal=zeros.copy(),
            dividends=np.asarray(amounts, dtype=np.float64),
        )
    flows: dict[_dt.date, list[float]] = {}
    if start < instrument.maturity:
        for day in coupon_dates(instrument, after=start):
            if day > end:
                break
            amount = _interest_for_period(instrument, day, index_level)
            flows.setdefault(day, [0.0, 0.0])[0] += amount
    if isinstance(instrument, Amortizing):
        for step_ in instrument.amortization:
            if start < step_.date <= end:
                flows.setdefault(step_.date, [0.0, 0.0])[1] += step_.amount
        if start < instrument.maturity <= end:
            # What is left after every amortization, including one due on maturity itself.
            flows.setdefault(instrument.maturity, [0.0, 0.0])[1] += _outstanding(
                instrument, instrument.maturity
            )
    elif start < instrument.maturity <= end:
        flows.setdefault(instrument.maturity, [0.0, 0.0])[1] += instrument.principal
    days = tuple(sorted(flows))
    interest = np.asarray([flows[d][0] for d in days], dtype=np.float64)
    principal = np.asarray([flows[d][1] for d in days], dtype=np.float64)
    return CashFlows(
        instrument=instrument.name,
        dates=days,
        interest=interest,
        principal=principal,
        dividends=np.zeros(len(days)),
    )


def _portfolio(
    instruments: object, fx: object, currency: object
) -> list[tuple[Instrument, float]]:
    """The instruments, each with its rate to the reporting currency; all checked first."""
    if isinstance(instruments, str | bytes | Mapping) or not isinstance(instruments, Iterable):
        raise ValidationError("instruments", instruments, "must be a list of instruments")
    if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
        raise ValidationError("currency", currency, "must be a three-letter code such as 'USD'")
    if fx is not None and not isinstance(fx, Mapping):
        raise ValidationError("fx", fx, "must map currency codes to rates, e.g. {'EUR': 1.188}")
    rates = {} if fx is None else dict(fx)
    out: list[tuple[Instrument, float]] = []
    for i, item in enumerate(instruments):
        inst = _instrument(item, f"instruments[{i}]")
        code = inst.currency
        if code is None or code == currency:
            out.append((inst, 1.0))
            continue
        if code not in rates:
            raise ValidationError(
                f"{inst.name}.currency", code, "has no fx rate to the reporting currency"
            )
        out.append((inst, check_number(f"fx.{code}", rates[code], minimum=0.0, strict=True)))
    return out


@attrs.frozen(kw_only=True)
class LadderRow:
    """One row of an obligations ladder: what is paid in a period, in the reporting currency.

    Examples
    --------
    >>> LadderRow(period="2026", interest=1.0, dividends=2.0, principal=3.0).total
    6.0
    """

    period: str
    interest: float
    dividends: float
    principal: float

    @property
    def total(self) -> float:
        """Interest + dividends + principal."""
        return self.interest + self.dividends + self.principal


def _ladder_rows(rows: Iterable[LadderRow]) -> tuple[LadderRow, ...]:
    return tuple(rows)


@attrs.frozen(kw_only=True, repr=False)
class ObligationsLadder(Tabular):
    """The rows of :func:`obligations_ladder`: a sequence of :class:`LadderRow` (iterate,
    index, ``len``) that also exports ``to_dict()`` and ``to_frame()``.

    Examples
    --------
    >>> ladder = ObligationsLadder(rows=[LadderRow(period="2026", interest=1.0, dividends=2.0,
    ...                                            principal=3.0)])
    >>> ladder[0].total, ladder.to_dict()["total"].tolist()
    (6.0, [6.0])
    """

    rows: tuple[LadderRow, ...] = attrs.field(converter=_ladder_rows)
    _index = "period"

    def __iter__(self) -> Iterator[LadderRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int) -> LadderRow:
        return self.rows[index]

    def to_dict(self) -> dict[str, Any]:
        """Columns ``period``, ``interest``, ``dividends``, ``principal`` and ``total``.

        Examples
        --------
        >>> ladder = ObligationsLadder(rows=[LadderRow(period="2026", interest=1.0,
        ...                                            dividends=0.0, principal=3.0)])
        >>> ladder.to_dict()["period"].tolist(), ladder.to_dict()["principal"].tolist()
        (['2026'], [3.0])
        """
        rows = self.rows
        return {
            "period": np.array([r.period for r in rows], dtype=object),
            "interest": np.array([r.interest for r in rows], dtype=np.float64),
            "dividends": np.array([r.dividends for r in rows], dtype=np.float64),
            "principal": np.array([r.principal for r in rows], dtype=np.float64),
            "total": np.array([r.total for r in rows], dtype=np.float64),
        }

    def _title(self) -> str:
        return f"ObligationsLadder ({len(self.rows)} period{'' if len(self.rows) == 1 else 's'})"

    def _footer(self) -> str:
        return "scheduled payments in the reporting currency"


def obligations_ladder(
    instruments: Iterable[Instrument],
    *,
    start: _dt.date,
    end: _dt.date,
    by: Literal["year", "date"] = "year",
    fx: Mapping[str, float] | None = None,
    currency: str = "USD",
    index_level: float | None = None,
) -> ObligationsLadder:
    """Scheduled obligations of several instruments in ``(start, end]``, by year or by date.

    Amounts in a foreign currency are converted with ``fx`` (reporting currency per unit);
    instruments whose currency is ``None`` or ``currency`` (the reporting currency, ``"USD"``
    unless given) are taken as they are.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Note
    >>> notes = [Note(name="a", principal=100.0, coupon=0.1, frequency=1,
    ...               maturity=dt.date(2026, 6, 30)),
    ...          Note(name="b", principal=50.0, maturity=dt.date(2027, 6, 30))]
    >>> [(r.period, r.total) for r in obligations_ladder(notes, start=dt.date(2025, 1, 1),
    ...                                                    end=dt.date(2027, 12, 31))]
    [('2025', 10.0), ('2026', 110.0), ('2027', 50.0)]
    """
    _check_window(start, end)
    check_choice("by", by, ("year", "date"))
    chosen = _portfolio(instruments, fx, currency)
    index_level = _index_level(index_level)
    buckets: dict[str, list[float]] = {}
    for instrument, rate in chosen:
        flows = cash_flows(instrument, start=start, end=end, index_level=index_level)
        for i, day in enumerate(flows.dates):
            key = str(day.year) if by == "year" else day.isoformat()
            row = buckets.setdefault(key, [0.0, 0.0, 0.0])
            row[0] += float(flows.interest[i]) * rate
            row[1] += float(flows.dividends[i]) * rate
            row[2] += float(flows.principal[i]) * rate
    return ObligationsLadder(
        rows=[
            LadderRow(period=key, interest=v[0], dividends=v[1], principal=v[2])
            for key, v in sorted(buckets.items())
        ]
    )


def annual_obligations(
    instruments: Iterable[Instrument],
    *,
    on: _dt.date,
    fx: Mapping[str, float] | None = None,
    currency: str = "USD",
    index_level: float | None = None,
) -> float:
    """Annualized interest plus preferred dividends at the rates in force on ``on``.

    Debt that has matured by ``on`` is left out. This is the company's "annual
    obligations" figure: principal × coupon summed over debt plus notional × rate over
    preferred series, in the reporting currency ``currency`` (``"USD"`` unless given;
    other currencies convert with ``fx``).

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Note, PreferredStock
    >>> annual_obligations([Note(name="n", principal=1000.0, coupon=0.02,
    ...                          maturity=dt.date(2030, 1, 1)),
    ...                     PreferredStock(name="P", notional=500.0, rate=0.10)],
    ...                    on=dt.date(2026, 1, 1))
    70.0
    """
    check_date("on", on)
    chosen = _portfolio(instruments, fx, currency)
    index_level = _index_level(index_level)
    total = 0.0
    for instrument, rate in chosen:
        if isinstance(instrument, DividendPaying):
            total += instrument.notional * instrument.rate_on(on) * rate
        elif instrument.maturity > on:
            total += _outstanding(instrument, on) * interest_rate(instrument, index_level) * rate
    return total


def shares_on_conversion(note: ConvertibleNote, principal: float | None = None) -> float:
    """Shares delivered when ``principal`` (default: all) of a convertible converts.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import ConvertibleNote
    >>> note = ConvertibleNote(name="n", principal=1e6, issued=dt.date(2020, 1, 1),
    ...     maturity=dt.date(2025, 1, 1), conversion_price=250.0)
    >>> shares_on_conversion(note), shares_on_conversion(note, 1000.0)
    (4000.0, 4.0)
    """
    _convertible(note)
    amount = (
        note.principal if principal is None else check_number("principal", principal, minimum=0.0)
    )
    return amount / 1000.0 * note.conversion_rate


@overload
def conversion_value(note: ConvertibleNote, share_price: float) -> float: ...
@overload
def conversion_value(note: ConvertibleNote, share_price: ArrayInput) -> FloatArray: ...
def conversion_value(note: ConvertibleNote, share_price: ArrayLike) -> float | FloatArray:
    """Value of the shares the whole note converts into at ``share_price`` (broadcasts).

    Examples
    --------
    >>> import datetime as dt, numpy as np
    >>> from treasurymodel import ConvertibleNote
    >>> note = ConvertibleNote(name="n", principal=1e6, issued=dt.date(2020, 1, 1),
    ...     maturity=dt.date(2025, 1, 1), conversion_price=250.0)
    >>> conversion_value(note, 300.0)
    1200000.0
    >>> conversion_value(note, np.array([100.0, 250.0])).tolist()
    [400000.0, 1000000.0]
    """
    _convertible(note)
    price = price_array("share_price", share_price)
    value = note.shares_on_conversion * price
    return float(value) if value.ndim == 0 else value


def puts_in_window(
    note: ConvertibleNote, *, start: _dt.date, end: _dt.date
) -> tuple[_dt.date, ...]:
    """Holder put dates of a convertible in ``(start, end]``.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import ConvertibleNote
    >>> note = ConvertibleNote(name="n", principal=1e6, issued=dt.date(2024, 1, 1),
    ...     maturity=dt.date(2030, 1, 1), conversion_price=250.0, puts=[dt.date(2028, 1, 1)])
    >>> puts_in_window(note, start=dt.date(2027, 1, 1), end=dt.date(2028, 12, 31))
    (datetime.date(2028, 1, 1),)
    """
    _convertible(note)
    _check_window(start, end)
    return tuple(p for p in note.puts if start < p <= end)


def call_in_window(note: ConvertibleNote, *, start: _dt.date, end: _dt.date) -> bool:
    """Whether the issuer may call the note on some day in ``(start, end]``.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import ConvertibleNote
    >>> note = ConvertibleNote(name="n", principal=1e6, issued=dt.date(2024, 1, 1),
    ...     maturity=dt.date(2030, 1, 1), conversion_price=250.0, call_from=dt.date(2027, 1, 1))
    >>> call_in_window(note, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    False
    """
    _convertible(note)
    _check_window(start, end)
    if note.call_from is None:
        return False
    # Some day d with start < d <= end and call_from <= d <= maturity (none if start == end).
    return start < end and note.call_from <= end and start < note.maturity
