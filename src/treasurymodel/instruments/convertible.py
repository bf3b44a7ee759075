"""Convertible senior notes."""

from __future__ import annotations

import datetime as _dt
import math
from typing import ClassVar, Literal

import attrs

from ..errors import ValidationError
from ..validators import (
    check_finite,
    check_life,
    check_maturity_after_issue,
    currency_code,
    frequency,
    in_range,
    increasing_dates,
    is_date,
    name_text,
    optional,
    positive,
    to_dates,
    to_float,
    to_int,
)

__all__ = ["ConvertibleNote"]

_RATE_TOLERANCE = 5e-3


@attrs.frozen(kw_only=True)
class ConvertibleNote:
    """An unsecured convertible note: terms only, no market data.

    A note converts into ``conversion_rate`` shares per 1,000 of principal, i.e. at
    ``conversion_price = 1000 / conversion_rate``. Give either; the other is derived. If
    both are given they must agree within 0.5% (filings round one of them).

    Parameters
    ----------
    name
        Unique name of the instrument within a company.
    principal
        Outstanding principal, in the note's currency.
    coupon
        Annual coupon rate as a fraction in ``[0, 1)`` (``0.00625`` for 0.625%).
    frequency
        Coupon payments a year: 1, 2, 4 or 12.
    issued, maturity
        Issue and maturity dates; maturity must be after issue.
    conversion_price, conversion_rate
        Price per share at which the note converts, or shares per 1,000 of principal.
    puts
        Dates on which holders may require repurchase at ``put_price`` plus accrued interest.
    put_price
        Put price as a fraction of principal (1.0 is par).
    call_from
        First date on which the issuer may redeem (call) the notes, or ``None``.
    call_trigger
        Share price over conversion price needed for a call (``1.30``); ``None`` for a
        call with no share-price condition.
    call_price
        Call price as a fraction of principal.
    currency
        Three-letter code; ``None`` means the owning company's reporting currency.

    Examples
    --------
    >>> import datetime as dt
    >>> note = ConvertibleNote(
    ...     name="0.625% due 2028", principal=1_010e6, coupon=0.00625,
    ...     issued=dt.date(2024, 9, 19), maturity=dt.date(2028, 9, 15),
    ...     conversion_price=183.19, puts=[dt.date(2027, 9, 15)],
    ... )
    >>> round(note.conversion_rate, 4)
    5.4588
    >>> note.puts
    (datetime.date(2027, 9, 15),)
    """

    KIND: ClassVar[str] = "convertible_note"
    CLAIM: ClassVar[Literal["debt", "preferred"]] = "debt"
    FACE_FIELD: ClassVar[str] = "principal"
    DAY_COUNT: ClassVar[Literal["30/360", "ACT/360"]] = "30/360"

    name: str = attrs.field(validator=name_text)
    principal: float = attrs.field(converter=to_float, validator=positive)
    coupon: float = attrs.field(default=0.0, converter=to_float, validator=in_range(0.0, 1.0))
    frequency: int = attrs.field(default=2, converter=to_int, validator=frequency)
    issued: _dt.date = attrs.field(validator=is_date)
    maturity: _dt.date = attrs.field(validator=is_date)
    conversion_price: float = attrs.field(
        default=None, converter=to_float, validator=optional(positive)
    )
    conversion_rate: float = attrs.field(
        default=None, converter=to_float, validator=optional(positive)
    )
    puts: tuple[_dt.date, ...] = attrs.field(
        default=(), converter=to_dates, validator=increasing_dates
    )
    put_price: float = attrs.field(default=1.0, converter=to_float, validator=positive)
    call_from: _dt.date | None = attrs.field(default=None, validator=optional(is_date))
    call_trigger: float | None = attrs.field(
        default=None, converter=to_float, validator=optional(positive)
    )
    call_price: float = attrs.field(default=1.0, converter=to_float, validator=positive)
    currency: str | None = attrs.field(default=None, validator=currency_code)

    def __attrs_post_init__(self) -> None:
        owner = type(self).__name__
        check_maturity_after_issue(owner, self.issued, self.maturity)
        price, rate = self.conversion_price, self.conversion_rate
        if price is None and rate is None:
            raise ValidationError(
                f"{owner}.conversion_price", None, "give conversion_price or conversion_rate"
            )
        if price is None:
            if not math.isfinite(1000.0 / rate):
                raise ValidationError(
                    f"{owner}.conversion_rate", rate, "is too small: 1000 / rate overflows"
                )
            object.__setattr__(self, "conversion_price", 1000.0 / rate)
        elif rate is None:
            if not math.isfinite(1000.0 / price):
                raise ValidationError(
                    f"{owner}.conversion_price", price, "is too small: 1000 / price overflows"
                )
            object.__setattr__(self, "conversion_rate", 1000.0 / price)
        elif abs(price * rate / 1000.0 - 1.0) > _RATE_TOLERANCE:
            raise ValidationError(
                f"{owner}.conversion_rate",
                rate,
                f"disagrees with conversion_price {price} (rate must be about {1000.0 / price:g})",
            )
        for put in self.puts:
            check_life(owner, "puts", put, self.issued, self.maturity)
        if self.call_from is not None:
            check_life(owner, "call_from", self.call_from, self.issued, self.maturity)
        if self.call_trigger is not None and self.call_from is None:
            raise ValidationError(
                f"{owner}.call_trigger", self.call_trigger, "needs call_from (first call date)"
            )

    @property
    def shares_on_conversion(self) -> float:
        """Shares issued if the whole principal converts.

        Examples
        --------
        >>> import datetime as dt
        >>> ConvertibleNote(name="n", principal=1000.0, issued=dt.date(2020, 1, 1),
        ...     maturity=dt.date(2025, 1, 1), conversion_rate=2.5).shares_on_conversion
        2.5
        """
        return self.principal / 1000.0 * self.conversion_rate

    @property
    def face(self) -> float:
        """The principal outstanding (the amount a creditor claims before interest).

        Examples
        --------
        >>> import datetime as dt
        >>> ConvertibleNote(name="c", principal=2e6, coupon=0.0225, issued=dt.date(2024, 6, 17),
        ...     maturity=dt.date(2032, 6, 15), conversion_price=200.0).face
        2000000.0
        """
        return self.principal

    @property
    def coupon_rate(self) -> float:
        """The annual coupon as a fraction (``coupon``).

        Examples
        --------
        >>> import datetime as dt
        >>> ConvertibleNote(name="c", principal=2e6, coupon=0.0225, issued=dt.date(2024, 6, 17),
        ...     maturity=dt.date(2032, 6, 15), conversion_price=200.0).coupon_rate
        0.0225
        """
        return self.coupon

    @property
    def floating(self) -> bool:
        """Always ``False``: the coupon is fixed.

        Examples
        --------
        >>> import datetime as dt
        >>> ConvertibleNote(name="c", principal=2e6, coupon=0.0225, issued=dt.date(2024, 6, 17),
        ...     maturity=dt.date(2032, 6, 15), conversion_price=200.0).floating
        False
        """
        return False

    def interest_rate(self, index_level: float | None = None) -> float:
        """The annual interest rate: the fixed ``coupon`` whatever the index level.

        Raises
        ------
        ValidationError
            If ``index_level`` is not ``None`` or a finite number.

        Examples
        --------
        >>> import datetime as dt
        >>> ConvertibleNote(name="c", principal=2e6, coupon=0.0225, issued=dt.date(2024, 6, 17),
        ...     maturity=dt.date(2032, 6, 15), conversion_price=200.0).interest_rate(0.05)
        0.0225
        """
        if index_level is not None:
            check_finite("index_level", index_level)
        return self.coupon

    @property
    def converts(self) -> bool:
        """Always ``True``: a convertible note converts.

        Examples
        --------
        >>> import datetime as dt
        >>> ConvertibleNote(name="n", principal=1000.0, issued=dt.date(2020, 1, 1),
        ...     maturity=dt.date(2025, 1, 1), conversion_rate=2.5).converts
        True
        """
        return True

    @property
    def shares_per_face(self) -> float:
        """Common shares per unit of principal (``conversion_rate / 1000``).

        Examples
        --------
        >>> import datetime as dt
        >>> ConvertibleNote(name="n", principal=1000.0, issued=dt.date(2020, 1, 1),
        ...     maturity=dt.date(2025, 1, 1), conversion_rate=2.5).shares_per_face
        0.0025
        """
        return self.conversion_rate / 1000.0

    @property
    def shares_if_converted(self) -> float:
        """Common shares issued if the whole principal converts (:attr:`shares_on_conversion`).

        Examples
        --------
        >>> import datetime as dt
        >>> ConvertibleNote(name="n", principal=1000.0, issued=dt.date(2020, 1, 1),
        ...     maturity=dt.date(2025, 1, 1), conversion_rate=2.5).shares_if_converted
        2.5
        """
        return self.shares_on_conversion

    def with_face(self, face: float) -> ConvertibleNote:
        """A copy with ``principal`` set to ``face`` (validated like any new record).

        Examples
        --------
        >>> import datetime as dt
        >>> ConvertibleNote(name="c", principal=1e3, issued=dt.date(2024, 6, 17),
        ...     maturity=dt.date(2032, 6, 15), conversion_price=200.0).with_face(250.0).principal
        250.0
        """
        return attrs.evolve(self, principal=face)
