"""Convertible senior notes."""

from __future__ import annotations

import datetime as _dt
import math
from typing import ClassVar

import attrs

from ..errors import ValidationError
from ..validators import in_range, is_date, optional, positive, to_float, to_int
from ._common import (
    check_life,
    check_maturity_after_issue,
    currency_code,
    frequency,
    increasing_dates,
    name_text,
    to_dates,
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
