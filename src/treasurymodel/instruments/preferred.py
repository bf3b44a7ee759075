"""Perpetual preferred stock: fixed or variable dividends, cumulative or not, convertible."""

from __future__ import annotations

import datetime as _dt
from typing import ClassVar, Literal

import attrs

from ..errors import ValidationError
from ..validators import (
    boolean,
    check_date,
    check_number,
    currency_code,
    dated_entries,
    frequency,
    in_range,
    is_date,
    name_text,
    non_negative,
    optional,
    positive,
    to_float,
    to_int,
    to_tuple,
    whole_number,
)

__all__ = ["PreferredStock", "RateStep"]


@attrs.frozen(kw_only=True)
class RateStep:
    """A dividend rate in force from ``date`` on (for a variable series such as STRC).

    Examples
    --------
    >>> import datetime as dt
    >>> RateStep(date=dt.date(2026, 2, 1), rate=0.1125).rate
    0.1125
    """

    date: _dt.date = attrs.field(validator=is_date)
    rate: float = attrs.field(converter=to_float, validator=in_range(0.0, 1.0))


@attrs.frozen(kw_only=True)
class PreferredStock:
    """A perpetual preferred stock series.

    Dividends of ``rate`` a year on ``notional`` are paid ``frequency`` times a year on the
    last day of each period of the calendar year (quarter ends for ``frequency=4``, month
    ends for 12). A variable series carries a ``rate_schedule``; the rate of a period is
    the last step on or before the period's start, and ``rate`` before the first step.

    Unpaid dividends of a cumulative series accrue and, when ``unpaid_rate`` is given,
    compound at that rate, rising by ``unpaid_step`` each further unpaid period up to
    ``unpaid_cap`` (STRF: 11%, +1% a period, capped at 18%).

    Parameters
    ----------
    name
        Unique name of the series (``"STRF"``).
    notional
        Aggregate stated amount outstanding, in ``currency``.
    rate
        Annual dividend rate in ``[0, 1)`` on the stated amount.
    frequency
        Dividend payments a year: 1, 2, 4 or 12.
    cumulative
        Whether unpaid dividends accrue.
    dividends_in_shares
        Whether the terms let the issuer pay dividends in common shares instead of cash
        (STRK); the scenario engine uses it when its policy says so
        (``FundingPolicy.pay_dividends_in_shares_above``).
    seniority
        Rank among preferred series: 1 is the most senior (all debt ranks above).
    conversion_ratio
        Common shares per 100 of stated amount on conversion (0.1 for STRK; 0 if none).
    stated_amount
        Stated amount per share (100).
    rate_schedule
        Dated rate changes for a variable series, strictly increasing in date.
    unpaid_rate, unpaid_step, unpaid_cap
        Compounding terms of unpaid cumulative dividends.
    call_from, call_price
        First issuer redemption date and price (fraction of stated amount).
    issued
        First issue date, if known.
    currency
        Three-letter code; ``None`` means the company's reporting currency.

    Examples
    --------
    >>> strf = PreferredStock(name="STRF", notional=1_284.0e6, rate=0.10, frequency=4,
    ...     cumulative=True, seniority=1, unpaid_rate=0.11, unpaid_step=0.01,
    ...     unpaid_cap=0.18)
    >>> strf.shares
    12840000.0
    >>> strf.dividend_per_period / 1e6
    32.1
    """

    KIND: ClassVar[str] = "preferred_stock"
    CLAIM: ClassVar[Literal["debt", "preferred"]] = "preferred"
    FACE_FIELD: ClassVar[str] = "notional"

    name: str = attrs.field(validator=name_text)
    notional: float = attrs.field(converter=to_float, validator=positive)
    rate: float = attrs.field(converter=to_float, validator=in_range(0.0, 1.0))
    frequency: int = attrs.field(default=4, converter=to_int, validator=frequency)
    cumulative: bool = attrs.field(default=True, validator=boolean)
    dividends_in_shares: bool = attrs.field(default=False, validator=boolean)
    seniority: int = attrs.field(default=1, converter=to_int, validator=whole_number)
    conversion_ratio: float = attrs.field(default=0.0, converter=to_float, validator=non_negative)
    stated_amount: float = attrs.field(default=100.0, converter=to_float, validator=positive)
    rate_schedule: tuple[RateStep, ...] = attrs.field(
        default=(), converter=to_tuple, validator=dated_entries(RateStep)
    )
    unpaid_rate: float | None = attrs.field(
        default=None, converter=to_float, validator=optional(in_range(0.0, 1.0))
    )
    unpaid_step: float = attrs.field(default=0.0, converter=to_float, validator=in_range(0.0, 1.0))
    unpaid_cap: float | None = attrs.field(
        default=None, converter=to_float, validator=optional(in_range(0.0, 1.0))
    )
    call_from: _dt.date | None = attrs.field(default=None, validator=optional(is_date))
    call_price: float = attrs.field(default=1.0, converter=to_float, validator=positive)
    issued: _dt.date | None = attrs.field(default=None, validator=optional(is_date))
    currency: str | None = attrs.field(default=None, validator=currency_code)

    def __attrs_post_init__(self) -> None:
        owner = type(self).__name__
        if self.unpaid_cap is not None:
            start = self.unpaid_rate if self.unpaid_rate is not None else self.rate
            if self.unpaid_cap < start:
                raise ValidationError(
                    f"{owner}.unpaid_cap", self.unpaid_cap, f"is below the starting rate {start}"
                )
        if self.call_from is not None and self.issued is not None and self.call_from < self.issued:
            raise ValidationError(
                f"{owner}.call_from", self.call_from, f"must not be before issue ({self.issued})"
            )
        if not self.cumulative and self.unpaid_rate is not None:
            raise ValidationError(
                f"{owner}.unpaid_rate", self.unpaid_rate, "needs a cumulative series"
            )

    @classmethod
    def from_shares(
        cls, *, shares: float, stated_amount: float = 100.0, **terms: object
    ) -> PreferredStock:
        """Build a series from a share count and a stated amount per share.

        Examples
        --------
        >>> PreferredStock.from_shares(name="STRK", shares=14_021_000, rate=0.08,
        ...     conversion_ratio=0.1).notional
        1402100000.0
        """
        count = check_number("PreferredStock.shares", shares, minimum=0.0, strict=True)
        amount = check_number(
            "PreferredStock.stated_amount", stated_amount, minimum=0.0, strict=True
        )
        if "notional" in terms:
            raise ValidationError(
                "PreferredStock.notional", terms["notional"], "give shares or notional, not both"
            )
        return cls(notional=count * amount, stated_amount=amount, **terms)  # type: ignore[arg-type]

    @property
    def shares(self) -> float:
        """Number of preferred shares outstanding (notional / stated amount).

        Examples
        --------
        >>> PreferredStock(name="P", notional=1000.0, rate=0.1).shares
        10.0
        """
        return self.notional / self.stated_amount

    @property
    def conversion_shares(self) -> float:
        """Common shares issued if the whole series converts (0 if not convertible).

        Examples
        --------
        >>> PreferredStock(name="STRK", notional=1_402.1e6, rate=0.08,
        ...     conversion_ratio=0.1).conversion_shares
        1402100.0
        """
        return self.notional / 100.0 * self.conversion_ratio

    def rate_on(self, when: _dt.date) -> float:
        """The annual dividend rate in force on ``when``.

        Examples
        --------
        >>> import datetime as dt
        >>> strc = PreferredStock(name="STRC", notional=1e9, rate=0.09, frequency=12,
        ...     rate_schedule=[RateStep(date=dt.date(2025, 9, 1), rate=0.10)])
        >>> strc.rate_on(dt.date(2025, 8, 15)), strc.rate_on(dt.date(2025, 9, 1))
        (0.09, 0.1)
        """
        check_date("when", when)
        current = self.rate
        for step in self.rate_schedule:
            if step.date <= when:
                current = step.rate
            else:
                break
        return current

    @property
    def dividend_per_period(self) -> float:
        """Dividend of one regular period at the base ``rate``, in the series' currency.

        Examples
        --------
        >>> PreferredStock(name="P", notional=1000.0, rate=0.12, frequency=12).dividend_per_period
        10.0
        """
        return self.notional * self.rate / self.frequency

    @property
    def face(self) -> float:
        """The aggregate stated amount outstanding (``notional``).

        Examples
        --------
        >>> PreferredStock(name="P", notional=1000.0, rate=0.1).face
        1000.0
        """
        return self.notional

    @property
    def converts(self) -> bool:
        """Whether the series converts into common shares (a positive ``conversion_ratio``).

        Examples
        --------
        >>> PreferredStock(name="P", notional=1000.0, rate=0.1).converts
        False
        """
        return self.conversion_ratio > 0.0

    @property
    def shares_per_face(self) -> float:
        """Common shares per unit of stated amount (``conversion_ratio / 100``).

        Examples
        --------
        >>> PreferredStock(name="STRK", notional=1000.0, rate=0.08,
        ...                conversion_ratio=0.1).shares_per_face
        0.001
        """
        return self.conversion_ratio / 100.0

    @property
    def shares_if_converted(self) -> float:
        """Common shares issued if the whole series converts (:attr:`conversion_shares`).

        Examples
        --------
        >>> PreferredStock(name="STRK", notional=1000.0, rate=0.08,
        ...                conversion_ratio=0.1).shares_if_converted
        1.0
        """
        return self.conversion_shares

    def with_face(self, face: float) -> PreferredStock:
        """A copy with ``notional`` set to ``face`` (validated like any new record).

        Examples
        --------
        >>> import datetime as dt
        >>> PreferredStock(name="P", notional=1e3, rate=0.1).with_face(250.0).notional
        250.0
        """
        return attrs.evolve(self, notional=face)
