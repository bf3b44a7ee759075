"""Plain notes: debt with no asset trigger and no conversion."""

from __future__ import annotations

import datetime as _dt
from typing import ClassVar, Literal

import attrs

from ..validators import (
    check_finite,
    check_maturity_after_issue,
    currency_code,
    frequency,
    in_range,
    is_date,
    name_text,
    optional,
    positive,
    to_float,
    to_int,
)

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
    CLAIM: ClassVar[Literal["debt", "preferred"]] = "debt"
    FACE_FIELD: ClassVar[str] = "principal"
    DAY_COUNT: ClassVar[Literal["30/360", "ACT/360"]] = "30/360"

    name: str = attrs.field(validator=name_text)
    principal: float = attrs.field(converter=to_float, validator=positive)
    coupon: float = attrs.field(default=0.0, converter=to_float, validator=in_range(0.0, 1.0))
    frequency: int = attrs.field(default=2, converter=to_int, validator=frequency)
    issued: _dt.date | None = attrs.field(default=None, validator=optional(is_date))
    maturity: _dt.date = attrs.field(validator=is_date)
    currency: str | None = attrs.field(default=None, validator=currency_code)

    def __attrs_post_init__(self) -> None:
        check_maturity_after_issue(type(self).__name__, self.issued, self.maturity)

    @property
    def face(self) -> float:
        """The principal outstanding (the amount a creditor claims before interest).

        Examples
        --------
        >>> import datetime as dt
        >>> Note(name="n", principal=1e6, coupon=0.02, maturity=dt.date(2030, 1, 1)).face
        1000000.0
        """
        return self.principal

    @property
    def coupon_rate(self) -> float:
        """The annual coupon as a fraction (``coupon``).

        Examples
        --------
        >>> import datetime as dt
        >>> Note(name="n", principal=1e6, coupon=0.02, maturity=dt.date(2030, 1, 1)).coupon_rate
        0.02
        """
        return self.coupon

    @property
    def floating(self) -> bool:
        """Always ``False``: the coupon is fixed.

        Examples
        --------
        >>> import datetime as dt
        >>> Note(name="n", principal=1e6, coupon=0.02, maturity=dt.date(2030, 1, 1)).floating
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
        >>> n = Note(name="n", principal=1e6, coupon=0.02, maturity=dt.date(2030, 1, 1))
        >>> n.interest_rate(0.05)
        0.02
        """
        if index_level is not None:
            check_finite("index_level", index_level)
        return self.coupon

    def with_face(self, face: float) -> Note:
        """A copy with ``principal`` set to ``face`` (validated like any new record).

        Examples
        --------
        >>> import datetime as dt
        >>> Note(name="n", principal=1e3, maturity=dt.date(2030, 1, 1)).with_face(250.0).principal
        250.0
        """
        return attrs.evolve(self, principal=face)
