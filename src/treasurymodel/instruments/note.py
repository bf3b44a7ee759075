"""Plain notes: debt with no asset trigger and no conversion."""

from __future__ import annotations

import datetime as _dt
from typing import ClassVar

import attrs

from ..validators import in_range, is_date, optional, positive, to_float, to_int
from ._common import check_maturity_after_issue, currency_code, frequency, name_text

__all__ = ["Note"]


@attrs.frozen(kw_only=True)
class Note:
    """Plain debt: principal, coupon and maturity, with no asset trigger.

    Parameters
    ----------
    name, principal, coupon, frequency, maturity, currency
        As for :class:`~treasurymodel.ConvertibleNote`.
    issued
        Issue date, or ``None`` when it is not known (the coupon schedule then runs
        backward from maturity without limit).

    Examples
    --------
    >>> import datetime as dt
    >>> Note(name="Other secured debt", principal=11e6, maturity=dt.date(2027, 6, 30)).coupon
    0.0
    """

    KIND: ClassVar[str] = "note"

    name: str = attrs.field(validator=name_text)
    principal: float = attrs.field(converter=to_float, validator=positive)
    coupon: float = attrs.field(default=0.0, converter=to_float, validator=in_range(0.0, 1.0))
    frequency: int = attrs.field(default=2, converter=to_int, validator=frequency)
    issued: _dt.date | None = attrs.field(default=None, validator=optional(is_date))
    maturity: _dt.date = attrs.field(validator=is_date)
    currency: str | None = attrs.field(default=None, validator=currency_code)

    def __attrs_post_init__(self) -> None:
        check_maturity_after_issue(type(self).__name__, self.issued, self.maturity)
