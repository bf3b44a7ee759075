"""Secured notes and their springing-maturity clauses."""

from __future__ import annotations

import datetime as _dt
from typing import ClassVar, Literal

import attrs

from ..validators import (
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

__all__ = ["SecuredNote", "SpringingMaturity"]


@attrs.frozen(kw_only=True)
class SpringingMaturity:
    """A clause that brings a secured note's maturity forward to ``date``.

    The note falls due on ``date`` unless, on that date, the issuer's liquidity exceeds
    ``liquidity_multiple`` times the amount needed to repay the ``reference`` instrument
    (principal plus accrued interest), or unless less than ``min_outstanding`` of the
    reference instrument remains outstanding.

    Parameters
    ----------
    date
        The test date, to which maturity springs.
    reference
        Name of the instrument (usually a convertible maturing soon after) the test refers to.
    liquidity_multiple
        Liquidity needed, as a multiple of the reference repayment amount (``1.30``).
    min_outstanding
        Optional: if less than this principal of the reference remains, nothing springs.

    Examples
    --------
    >>> import datetime as dt
    >>> clause = SpringingMaturity(date=dt.date(2025, 9, 15),
    ...     reference="0.75% convertible notes due 2025", liquidity_multiple=1.30,
    ...     min_outstanding=100e6)
    >>> clause.liquidity_multiple
    1.3
    """

    date: _dt.date = attrs.field(validator=is_date)
    reference: str = attrs.field(validator=name_text)
    liquidity_multiple: float = attrs.field(default=1.0, converter=to_float, validator=positive)
    min_outstanding: float | None = attrs.field(
        default=None, converter=to_float, validator=optional(non_negative)
    )


@attrs.frozen(kw_only=True)
class SecuredNote:
    """A note secured by pledged coins, with optional springing maturities.

    A secured note has no loan-to-value trigger: the pledged coins are simply not available
    to other lenders. Its maturity may spring forward (see :class:`SpringingMaturity`).

    Parameters
    ----------
    name, principal, coupon, frequency, issued, maturity, currency
        As for :class:`~treasurymodel.ConvertibleNote`.
    pledged_units
        Units of the held asset pledged to this note.
    collateral_asset
        Ticker of the asset pledged (``None``: the company's primary asset). The company
        checks that it holds that asset and at least the units pledged of it.
    springing
        Zero or more :class:`SpringingMaturity` clauses; each test date lies within the
        note's life.

    Examples
    --------
    >>> import datetime as dt
    >>> note = SecuredNote(name="6.125% due 2028", principal=500e6, coupon=0.06125,
    ...     issued=dt.date(2021, 6, 14), maturity=dt.date(2028, 6, 15),
    ...     pledged_units=14_590,
    ...     springing=[SpringingMaturity(date=dt.date(2025, 9, 15), reference="2025 notes",
    ...                                  liquidity_multiple=1.3)])
    >>> note.springing[0].date
    datetime.date(2025, 9, 15)
    """

    KIND: ClassVar[str] = "secured_note"
    CLAIM: ClassVar[Literal["debt", "preferred"]] = "debt"
    FACE_FIELD: ClassVar[str] = "principal"
    DAY_COUNT: ClassVar[Literal["30/360", "ACT/360"]] = "30/360"

    name: str = attrs.field(validator=name_text)
    principal: float = attrs.field(converter=to_float, validator=positive)
    coupon: float = attrs.field(default=0.0, converter=to_float, validator=in_range(0.0, 1.0))
    frequency: int = attrs.field(default=2, converter=to_int, validator=frequency)
    issued: _dt.date = attrs.field(validator=is_date)
    maturity: _dt.date = attrs.field(validator=is_date)
    pledged_units: float = attrs.field(default=0.0, converter=to_float, validator=non_negative)
    collateral_asset: str | None = attrs.field(default=None, validator=optional(name_text))
    springing: tuple[SpringingMaturity, ...] = attrs.field(
        default=(),
        converter=to_tuple,
        validator=dated_entries(SpringingMaturity, noun="clauses", ordered=False),
    )
    currency: str | None = attrs.field(default=None, validator=currency_code)

    def __attrs_post_init__(self) -> None:
        owner = type(self).__name__
        check_maturity_after_issue(owner, self.issued, self.maturity)
        for clause in self.springing:
            check_life(owner, "springing.date", clause.date, self.issued, self.maturity)
        if self.springing:
            ordered = tuple(sorted(self.springing, key=lambda c: c.date))
            object.__setattr__(self, "springing", ordered)

    @property
    def face(self) -> float:
        """The principal outstanding (the amount a creditor claims before interest).

        Examples
        --------
        >>> import datetime as dt
        >>> SecuredNote(name="s", principal=5e6, coupon=0.06125, issued=dt.date(2021, 6, 14),
        ...     maturity=dt.date(2028, 6, 15)).face
        5000000.0
        """
        return self.principal

    @property
    def coupon_rate(self) -> float:
        """The annual coupon as a fraction (``coupon``).

        Examples
        --------
        >>> import datetime as dt
        >>> SecuredNote(name="s", principal=5e6, coupon=0.06125, issued=dt.date(2021, 6, 14),
        ...     maturity=dt.date(2028, 6, 15)).coupon_rate
        0.06125
        """
        return self.coupon

    @property
    def floating(self) -> bool:
        """Always ``False``: the coupon is fixed.

        Examples
        --------
        >>> import datetime as dt
        >>> SecuredNote(name="s", principal=5e6, coupon=0.06125, issued=dt.date(2021, 6, 14),
        ...     maturity=dt.date(2028, 6, 15)).floating
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
        >>> SecuredNote(name="s", principal=5e6, coupon=0.06125, issued=dt.date(2021, 6, 14),
        ...     maturity=dt.date(2028, 6, 15)).interest_rate(0.05)
        0.06125
        """
        if index_level is not None:
            check_finite("index_level", index_level)
        return self.coupon

    def with_face(self, face: float) -> SecuredNote:
        """A copy with ``principal`` set to ``face`` (validated like any new record).

        Examples
        --------
        >>> import datetime as dt
        >>> SecuredNote(name="s", principal=1e3, issued=dt.date(2021, 6, 14),
        ...     maturity=dt.date(2028, 6, 15)).with_face(250.0).principal
        250.0
        """
        return attrs.evolve(self, principal=face)
