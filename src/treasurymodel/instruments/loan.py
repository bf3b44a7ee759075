"""Term loans, optionally collateralized with a loan-to-value limit."""

from __future__ import annotations

import datetime as _dt
from typing import ClassVar, Literal

import attrs

from ..errors import ValidationError
from ..validators import (
    check_date,
    check_finite,
    check_life,
    check_maturity_after_issue,
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
)

__all__ = ["Amortization", "TermLoan"]


@attrs.frozen(kw_only=True)
class Amortization:
    """A scheduled repayment of ``amount`` of a loan's principal on ``date``.

    Examples
    --------
    >>> import datetime as dt
    >>> Amortization(date=dt.date(2024, 3, 23), amount=10e6).amount
    10000000.0
    """

    date: _dt.date = attrs.field(validator=is_date)
    amount: float = attrs.field(converter=to_float, validator=positive)


@attrs.frozen(kw_only=True)
class TermLoan:
    """A term loan: fixed or floating rate, optionally collateralized by coins with a max LTV.

    The loan pays interest ``frequency`` times a year. A floating loan (``spread`` given)
    pays ``max(index + spread, floor)``; the index level is a market input given to the
    functions that need it, and ``rate`` is the rate assumed when none is given.

    Parameters
    ----------
    name, principal, issued, maturity, frequency, currency
        As for the other debt instruments (``frequency`` defaults to 12, monthly).
    rate
        Fixed annual rate, or the assumed current rate of a floating loan, in ``[0, 1)``.
    spread, floor
        Floating-rate terms: spread over the index and the minimum all-in rate.
    max_ltv
        Maximum loan-to-value in ``(0, 1]``: loan / value of pledged coins must stay at or
        below it. ``None`` for an unsecured loan.
    pledged_units
        Coins currently pledged to this loan.
    collateral_asset
        Ticker of the asset pledged (``None``: the company's primary asset). The company
        checks that it holds that asset and at least the units pledged of it.
    liquidation_penalty
        Cost of a forced liquidation of the collateral, as a fraction of what is owed, in
        ``[0, 1)``: on a failed margin call the lender takes coins worth what is owed times
        ``1 + liquidation_penalty`` and returns the rest of the pledge.
    amortization
        Scheduled principal repayments before maturity; the rest is due at maturity.

    Examples
    --------
    >>> import datetime as dt
    >>> loan = TermLoan(name="BTC-backed term loan", principal=205e6, rate=0.0375,
    ...     spread=0.037, floor=0.0375, issued=dt.date(2022, 3, 23),
    ...     maturity=dt.date(2025, 3, 23), max_ltv=0.5, pledged_units=30_051)
    >>> loan.interest_rate(), loan.interest_rate(0.05)
    (0.0375, 0.087)
    """

    KIND: ClassVar[str] = "term_loan"
    CLAIM: ClassVar[Literal["debt", "preferred"]] = "debt"
    FACE_FIELD: ClassVar[str] = "principal"
    DAY_COUNT: ClassVar[Literal["30/360", "ACT/360"]] = "ACT/360"

    name: str = attrs.field(validator=name_text)
    principal: float = attrs.field(converter=to_float, validator=positive)
    rate: float = attrs.field(default=0.0, converter=to_float, validator=in_range(0.0, 1.0))
    frequency: int = attrs.field(default=12, converter=to_int, validator=frequency)
    issued: _dt.date = attrs.field(validator=is_date)
    maturity: _dt.date = attrs.field(validator=is_date)
    spread: float | None = attrs.field(
        default=None, converter=to_float, validator=optional(in_range(-1.0, 1.0))
    )
    floor: float | None = attrs.field(
        default=None, converter=to_float, validator=optional(in_range(0.0, 1.0))
    )
    max_ltv: float | None = attrs.field(
        default=None,
        converter=to_float,
        validator=optional(in_range(0.0, 1.0, low_closed=False, high_closed=True)),
    )
    pledged_units: float = attrs.field(default=0.0, converter=to_float, validator=non_negative)
    collateral_asset: str | None = attrs.field(default=None, validator=optional(name_text))
    liquidation_penalty: float = attrs.field(
        default=0.0, converter=to_float, validator=in_range(0.0, 1.0)
    )
    amortization: tuple[Amortization, ...] = attrs.field(
        default=(), converter=to_tuple, validator=dated_entries(Amortization)
    )
    currency: str | None = attrs.field(default=None, validator=currency_code)

    def __attrs_post_init__(self) -> None:
        owner = type(self).__name__
        check_maturity_after_issue(owner, self.issued, self.maturity)
        for step in self.amortization:
            check_life(owner, "amortization.date", step.date, self.issued, self.maturity)
        total = sum(a.amount for a in self.amortization)
        if total > self.principal:
            raise ValidationError(
                f"{owner}.amortization", total, f"exceeds the principal {self.principal}"
            )
        if self.floor is not None and self.spread is None:
            raise ValidationError(f"{owner}.floor", self.floor, "a floor needs a spread")

    def interest_rate(self, index_level: float | None = None) -> float:
        """The all-in annual rate: fixed, or ``max(index + spread, floor)`` when floating.

        Parameters
        ----------
        index_level
            Level of the floating index (a market input, a finite number). Ignored for a
            fixed loan; for a floating loan ``None`` means "use ``rate``".

        Raises
        ------
        ValidationError
            If ``index_level`` is not ``None`` or a finite number.

        Examples
        --------
        >>> import datetime as dt
        >>> TermLoan(name="L", principal=1e6, rate=0.05, issued=dt.date(2022, 1, 1),
        ...          maturity=dt.date(2023, 1, 1)).interest_rate(0.10)
        0.05
        """
        if index_level is not None:
            index_level = check_finite("index_level", index_level)
        if self.spread is None or index_level is None:
            return self.rate
        level = index_level + self.spread
        return max(level, self.floor) if self.floor is not None else level

    @property
    def face(self) -> float:
        """The principal outstanding (amortization already paid is not part of ``principal``).

        Examples
        --------
        >>> import datetime as dt
        >>> TermLoan(name="L", principal=100.0, rate=0.05, spread=0.03,
        ...     issued=dt.date(2022, 1, 1), maturity=dt.date(2025, 1, 1),
        ...     amortization=[Amortization(date=dt.date(2023, 1, 1), amount=40.0)]).face
        100.0
        """
        return self.principal

    @property
    def coupon_rate(self) -> float:
        """The fixed rate, or the assumed rate of a floating loan (``rate``).

        Examples
        --------
        >>> import datetime as dt
        >>> TermLoan(name="L", principal=100.0, rate=0.05, spread=0.03,
        ...     issued=dt.date(2022, 1, 1), maturity=dt.date(2025, 1, 1),
        ...     amortization=[Amortization(date=dt.date(2023, 1, 1), amount=40.0)]).coupon_rate
        0.05
        """
        return self.rate

    @property
    def floating(self) -> bool:
        """Whether the rate follows an index (a ``spread`` is given).

        Examples
        --------
        >>> import datetime as dt
        >>> TermLoan(name="L", principal=100.0, rate=0.05, spread=0.03,
        ...     issued=dt.date(2022, 1, 1), maturity=dt.date(2025, 1, 1),
        ...     amortization=[Amortization(date=dt.date(2023, 1, 1), amount=40.0)]).floating
        True
        """
        return self.spread is not None

    def outstanding_on(self, on: _dt.date) -> float:
        """Principal outstanding just after ``on`` (after the repayments due on or before it).

        Examples
        --------
        >>> import datetime as dt
        >>> loan = TermLoan(name="L", principal=100.0, rate=0.05, spread=0.03,
        ...     issued=dt.date(2022, 1, 1), maturity=dt.date(2025, 1, 1),
        ...     amortization=[Amortization(date=dt.date(2023, 1, 1), amount=40.0)])
        >>> loan.outstanding_on(dt.date(2022, 12, 31)), loan.outstanding_on(dt.date(2023, 1, 1))
        (100.0, 60.0)
        """
        check_date("on", on)
        paid = sum(a.amount for a in self.amortization if a.date <= on)
        return self.principal - paid

    def with_face(self, face: float) -> TermLoan:
        """A copy with ``principal`` set to ``face``; scheduled repayments shrink in proportion.

        The repayments scale with the principal, so they never exceed it.

        Examples
        --------
        >>> import datetime as dt
        >>> loan = TermLoan(name="L", principal=100.0, issued=dt.date(2022, 1, 1),
        ...     maturity=dt.date(2025, 1, 1),
        ...     amortization=[Amortization(date=dt.date(2023, 1, 1), amount=40.0)])
        >>> smaller = loan.with_face(50.0)
        >>> smaller.principal, smaller.amortization[0].amount
        (50.0, 20.0)
        """
        if not self.amortization:
            return attrs.evolve(self, principal=face)
        scale = face / self.principal
        steps = tuple(
            Amortization(date=a.date, amount=a.amount * scale) for a in self.amortization
        )
        return attrs.evolve(self, principal=face, amortization=steps)
