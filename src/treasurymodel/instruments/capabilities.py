"""What an instrument can do, as small runtime-checkable protocols.

The analysis modules ask an instrument what it *can do* (``isinstance(inst, Collateralized)``)
rather than what it *is* (``isinstance(inst, TermLoan)``), so that a new kind that declares the
same attributes and methods is handled without editing them. Every registered kind satisfies
:class:`InstrumentKind`; the others are optional capabilities:

=====================  ========================================================================
Protocol               Kinds today
=====================  ========================================================================
:class:`HasMaturity`      convertible note, secured note, term loan, note (the debt kinds)
:class:`InterestBearing`  the debt kinds (a coupon or a loan rate)
:class:`Collateralized`   secured note, term loan (coins pledged)
:class:`MarginCallable`   term loan (a loan-to-value limit and a liquidation penalty)
:class:`Amortizing`       term loan (scheduled principal repayments)
:class:`Convertible`      convertible note, preferred stock (``converts`` says whether it does)
:class:`DividendPaying`   preferred stock
:class:`IssuerCallable`   convertible note, preferred stock
:class:`Puttable`         convertible note
:class:`HasSpringing`        secured note (springing-maturity clauses)
=====================  ========================================================================

A protocol checks the presence of its members, not their values: a term loan without a
``max_ltv`` is still :class:`MarginCallable` (its ``max_ltv`` is ``None``), and a preferred
series with ``conversion_ratio=0`` is :class:`Convertible` with ``converts`` false.

Examples
--------
>>> import datetime as dt
>>> from treasurymodel import TermLoan, Note
>>> loan = TermLoan(name="L", principal=1e6, issued=dt.date(2024, 1, 1),
...                 maturity=dt.date(2027, 1, 1), max_ltv=0.5, pledged_units=40)
>>> isinstance(loan, Collateralized), isinstance(loan, Convertible)
(True, False)
>>> isinstance(Note(name="N", principal=1e6, maturity=dt.date(2030, 1, 1)), HasMaturity)
True
"""

from __future__ import annotations

import datetime as _dt
from typing import ClassVar, Literal, Protocol, runtime_checkable

__all__ = [
    "Amortizing",
    "Collateralized",
    "Convertible",
    "DividendPaying",
    "HasMaturity",
    "InstrumentKind",
    "InterestBearing",
    "IssuerCallable",
    "MarginCallable",
    "Puttable",
    "HasSpringing",
]

Claim = Literal["debt", "preferred"]


@runtime_checkable
class InstrumentKind(Protocol):
    """What every registered instrument kind declares.

    ``KIND`` is the file tag, ``CLAIM`` the class of claim in a liquidation (``"debt"`` ranks
    above every ``"preferred"``), ``FACE_FIELD`` the name of the field holding the amount
    outstanding, ``face`` that amount in the instrument's currency, and ``with_face(x)`` a
    copy with ``x`` outstanding (a kind scales whatever depends on it, such as a loan's
    scheduled repayments).

    Examples
    --------
    >>> from treasurymodel import PreferredStock
    >>> p = PreferredStock(name="P", notional=5e6, rate=0.1)
    >>> isinstance(p, InstrumentKind), p.CLAIM, p.FACE_FIELD, p.face
    (True, 'preferred', 'notional', 5000000.0)
    """

    KIND: ClassVar[str]
    CLAIM: ClassVar[Claim]
    FACE_FIELD: ClassVar[str]

    @property
    def name(self) -> str: ...

    @property
    def currency(self) -> str | None: ...

    @property
    def face(self) -> float: ...

    def with_face(self, face: float) -> InstrumentKind: ...


@runtime_checkable
class HasMaturity(Protocol):
    """Debt: a principal repaid at a stated maturity (the issue date may be unknown).

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Note, PreferredStock
    >>> isinstance(Note(name="N", principal=1e6, maturity=dt.date(2030, 1, 1)), HasMaturity)
    True
    >>> isinstance(PreferredStock(name="P", notional=1e6, rate=0.1), HasMaturity)
    False
    """

    @property
    def principal(self) -> float: ...

    @property
    def issued(self) -> _dt.date | None: ...

    @property
    def maturity(self) -> _dt.date: ...


@runtime_checkable
class InterestBearing(Protocol):
    """Pays interest ``frequency`` times a year, accrued on the ``DAY_COUNT`` convention.

    ``coupon_rate`` is the fixed rate (or the assumed rate of a floating loan), ``floating``
    whether ``interest_rate(index_level)`` follows an index.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Note
    >>> n = Note(name="N", principal=1e6, coupon=0.05, maturity=dt.date(2030, 1, 1))
    >>> isinstance(n, InterestBearing), n.coupon_rate, n.interest_rate(0.9), n.DAY_COUNT
    (True, 0.05, 0.05, '30/360')
    """

    DAY_COUNT: ClassVar[Literal["30/360", "ACT/360"]]

    @property
    def frequency(self) -> int: ...

    @property
    def coupon_rate(self) -> float: ...

    @property
    def floating(self) -> bool: ...

    def interest_rate(self, index_level: float | None = None) -> float: ...


@runtime_checkable
class Collateralized(Protocol):
    """Has coins of the held asset pledged to it (unavailable to other creditors).

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import SecuredNote
    >>> s = SecuredNote(name="S", principal=1e6, issued=dt.date(2021, 6, 14),
    ...                 maturity=dt.date(2028, 6, 15), pledged_units=100)
    >>> isinstance(s, Collateralized), s.pledged_units
    (True, 100.0)
    """

    @property
    def pledged_units(self) -> float: ...

    @property
    def collateral_asset(self) -> str | None:
        """The asset pledged (``None``: the company's primary asset)."""
        ...


@runtime_checkable
class MarginCallable(Collateralized, Protocol):
    """Collateralized with a loan-to-value limit: a margin call below a price.

    ``max_ltv`` is ``None`` when the instrument carries no limit (no margin call).

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import SecuredNote, TermLoan
    >>> loan = TermLoan(name="L", principal=1e6, issued=dt.date(2024, 1, 1),
    ...                 maturity=dt.date(2027, 1, 1), max_ltv=0.5, pledged_units=40)
    >>> isinstance(loan, MarginCallable), loan.max_ltv
    (True, 0.5)
    >>> isinstance(SecuredNote(name="S", principal=1e6, issued=dt.date(2021, 6, 14),
    ...                        maturity=dt.date(2028, 6, 15)), MarginCallable)
    False
    """

    @property
    def max_ltv(self) -> float | None: ...

    @property
    def liquidation_penalty(self) -> float: ...


@runtime_checkable
class Amortizing(Protocol):
    """Repays part of its principal on scheduled dates before maturity.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import TermLoan
    >>> from treasurymodel.instruments import Amortization
    >>> loan = TermLoan(name="L", principal=100.0, issued=dt.date(2024, 1, 1),
    ...     maturity=dt.date(2027, 1, 1),
    ...     amortization=[Amortization(date=dt.date(2025, 1, 1), amount=30.0)])
    >>> isinstance(loan, Amortizing), loan.outstanding_on(dt.date(2025, 1, 1))
    (True, 70.0)
    """

    @property
    def amortization(self) -> tuple[object, ...]: ...

    def outstanding_on(self, on: _dt.date) -> float: ...


@runtime_checkable
class Convertible(Protocol):
    """May convert into common shares.

    ``converts`` says whether this instance does (a preferred series with a zero conversion
    ratio does not), ``shares_per_face`` is common shares per unit of face and
    ``shares_if_converted`` the shares issued if all of it converts.

    Examples
    --------
    >>> from treasurymodel import PreferredStock
    >>> strk = PreferredStock(name="STRK", notional=1_000.0, rate=0.08, conversion_ratio=0.1)
    >>> isinstance(strk, Convertible), strk.converts, strk.shares_if_converted
    (True, True, 1.0)
    """

    @property
    def converts(self) -> bool: ...

    @property
    def shares_per_face(self) -> float: ...

    @property
    def shares_if_converted(self) -> float: ...


@runtime_checkable
class DividendPaying(Protocol):
    """Pays dividends (not interest) on a notional, possibly cumulative.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import PreferredStock
    >>> p = PreferredStock(name="P", notional=1e6, rate=0.1)
    >>> isinstance(p, DividendPaying), p.rate_on(dt.date(2026, 1, 1))
    (True, 0.1)
    """

    @property
    def notional(self) -> float: ...

    @property
    def frequency(self) -> int: ...

    @property
    def cumulative(self) -> bool: ...

    def rate_on(self, when: _dt.date) -> float: ...


@runtime_checkable
class IssuerCallable(Protocol):
    """The issuer may redeem from ``call_from`` at ``call_price`` (a fraction of face).

    Examples
    --------
    >>> from treasurymodel import PreferredStock
    >>> isinstance(PreferredStock(name="P", notional=1e6, rate=0.1), IssuerCallable)
    True
    """

    @property
    def call_from(self) -> _dt.date | None: ...

    @property
    def call_price(self) -> float: ...


@runtime_checkable
class Puttable(Protocol):
    """Holders may require repurchase on the ``puts`` dates at ``put_price`` (a fraction).

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import ConvertibleNote
    >>> n = ConvertibleNote(name="C", principal=1e6, issued=dt.date(2024, 1, 1),
    ...     maturity=dt.date(2030, 1, 1), conversion_price=100.0, puts=[dt.date(2028, 1, 1)])
    >>> isinstance(n, Puttable), n.puts
    (True, (datetime.date(2028, 1, 1),))
    """

    @property
    def puts(self) -> tuple[_dt.date, ...]: ...

    @property
    def put_price(self) -> float: ...


@runtime_checkable
class HasSpringing(Protocol):
    """Carries springing-maturity clauses that may bring its maturity forward.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import SecuredNote
    >>> s = SecuredNote(name="S", principal=1e6, issued=dt.date(2021, 6, 14),
    ...                 maturity=dt.date(2028, 6, 15))
    >>> isinstance(s, HasSpringing), s.springing
    (True, ())
    """

    @property
    def springing(self) -> tuple[object, ...]: ...
