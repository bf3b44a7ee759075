"""The registry of instrument kinds: file tag -> class, with a representative example.

Adding an instrument kind touches three places: the kind's own module (its terms, validated
at construction, and the capability members of :mod:`treasurymodel.instruments.capabilities`
it declares), this registry (one :func:`register` call and the :data:`Instrument` union) and
its tests. :data:`INSTRUMENT_KINDS` (read by the file format) and the shared checks of
``tests/test_instrument_kinds.py`` (every registered kind through every analysis function)
both come from here.

Examples
--------
>>> [entry.kind for entry in kinds()]
['term_loan', 'convertible_note', 'secured_note', 'note', 'preferred_stock']
>>> kind_entry("note").cls.__name__
'Note'
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any, TypeAlias, TypeGuard

import attrs

from ..errors import ValidationError
from .convertible import ConvertibleNote
from .loan import Amortization, TermLoan
from .note import Note
from .preferred import PreferredStock, RateStep
from .secured import SecuredNote, SpringingMaturity

__all__ = [
    "INSTRUMENT_KINDS",
    "Debt",
    "Instrument",
    "is_instrument",
    "KindEntry",
    "REFERENCE_NOTE",
    "kind_entry",
    "kinds",
    "register",
]

Debt: TypeAlias = ConvertibleNote | SecuredNote | TermLoan | Note
"""Any instrument with a principal and a maturity.

Examples
--------
>>> import datetime as dt
>>> from treasurymodel import Note, PreferredStock
>>> from treasurymodel.instruments import Debt
>>> isinstance(Note(name="n", principal=1e6, maturity=dt.date(2030, 1, 1)), Debt)
True
>>> isinstance(PreferredStock(name="p", notional=1e6, rate=0.1), Debt)
False
"""

Instrument: TypeAlias = Debt | PreferredStock
"""Any instrument a company can carry.

Examples
--------
>>> from treasurymodel import PreferredStock
>>> from treasurymodel.instruments import Instrument
>>> isinstance(PreferredStock(name="p", notional=1e6, rate=0.1), Instrument)
True
"""


@attrs.frozen(kw_only=True)
class KindEntry:
    """One registered kind: its file tag, its class and a representative example.

    ``example`` builds an instance that exercises the kind's optional terms (collateral,
    amortization, puts, conversion ...) and fits a company dated 2026-02-01: issued before,
    maturing after. A clause that refers to another instrument (a springing maturity) refers
    to :data:`REFERENCE_NOTE`, a plain note the shared checks put in every company. The shared
    tests run the example through every analysis function.

    Examples
    --------
    >>> entry = kind_entry("preferred_stock")
    >>> entry.cls.__name__, entry.example().name
    ('PreferredStock', 'example preferred_stock')
    """

    kind: str
    cls: type[Any]
    example: Callable[[], Instrument]


REFERENCE_NOTE = "reference note"
"""Name of the plain note an example may refer to (``tests/test_instrument_kinds.py``)."""

_REGISTRY: dict[str, KindEntry] = {}
_CLASSES: set[type[Any]] = set()

INSTRUMENT_KINDS: dict[str, type[Instrument]] = {}
"""The one registry mapping a file's ``kind`` to its class (filled by ``register``).

Examples
--------
>>> from treasurymodel.instruments import INSTRUMENT_KINDS
>>> INSTRUMENT_KINDS["convertible_note"].__name__
'ConvertibleNote'
>>> sorted(INSTRUMENT_KINDS)
['convertible_note', 'note', 'preferred_stock', 'secured_note', 'term_loan']
"""


def register(cls: type[Any], *, example: Callable[[], Instrument]) -> type[Any]:
    """Register an instrument class under its ``KIND`` tag, with an example factory.

    The class must declare the members of
    :class:`~treasurymodel.instruments.capabilities.InstrumentKind` and a tag not yet taken.

    Raises
    ------
    ValidationError
        If the tag is taken or the class does not declare ``KIND``, ``CLAIM``,
        ``FACE_FIELD`` and ``face``.

    Examples
    --------
    >>> register(ConvertibleNote, example=lambda: None)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: kind: is already registered, got 'convertible_note'
    """
    tag = getattr(cls, "KIND", None)
    if not isinstance(tag, str) or not tag:
        raise ValidationError("cls", cls, "must declare a KIND tag")
    for member in ("CLAIM", "FACE_FIELD", "face", "name", "currency"):
        if not hasattr(cls, member) and member not in attrs.fields_dict(cls):
            raise ValidationError("cls", cls, f"must declare {member} (see InstrumentKind)")
    if tag in _REGISTRY:
        raise ValidationError("kind", tag, "is already registered")
    _REGISTRY[tag] = KindEntry(kind=tag, cls=cls, example=example)
    INSTRUMENT_KINDS[tag] = cls
    _CLASSES.add(cls)
    return cls


def is_instrument(value: object) -> TypeGuard[Instrument]:
    """Whether ``value`` is an instance of a registered kind.

    Examples
    --------
    >>> from treasurymodel import PreferredStock
    >>> is_instrument(PreferredStock(name="P", notional=1e6, rate=0.1)), is_instrument("P")
    (True, False)
    """
    return type(value) in _CLASSES


def kinds() -> tuple[KindEntry, ...]:
    """Every registered kind, in registration order.

    Examples
    --------
    >>> len(kinds())
    5
    """
    return tuple(_REGISTRY.values())


def kind_entry(kind: str) -> KindEntry:
    """The entry of the file tag ``kind``.

    Raises
    ------
    ValidationError
        If no kind has that tag.

    Examples
    --------
    >>> kind_entry("term_loan").cls.__name__
    'TermLoan'
    """
    if not isinstance(kind, str) or kind not in _REGISTRY:
        raise ValidationError("kind", kind, f"must be one of {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[kind]


_D = _dt.date


def _term_loan() -> TermLoan:
    return TermLoan(
        name="example term_loan",
        principal=100e6,
        rate=0.0375,
        spread=0.037,
        floor=0.0375,
        issued=_D(2024, 3, 23),
        maturity=_D(2028, 3, 23),
        max_ltv=0.5,
        pledged_units=5_000,
        liquidation_penalty=0.05,
        amortization=(Amortization(date=_D(2027, 3, 23), amount=20e6),),
    )


def _convertible_note() -> ConvertibleNote:
    return ConvertibleNote(
        name="example convertible_note",
        principal=500e6,
        coupon=0.00625,
        issued=_D(2024, 9, 19),
        maturity=_D(2030, 9, 15),
        conversion_price=180.0,
        puts=(_D(2028, 9, 15),),
        call_from=_D(2027, 9, 20),
        call_trigger=1.3,
    )


def _secured_note() -> SecuredNote:
    return SecuredNote(
        name="example secured_note",
        principal=200e6,
        coupon=0.06125,
        issued=_D(2021, 6, 14),
        maturity=_D(2029, 6, 15),
        pledged_units=3_000,
        springing=(
            SpringingMaturity(
                date=_D(2027, 6, 15),
                reference=REFERENCE_NOTE,
                liquidity_multiple=1.3,
            ),
        ),
    )


def _note() -> Note:
    return Note(name="example note", principal=10e6, coupon=0.02, maturity=_D(2027, 6, 30))


def _preferred_stock() -> PreferredStock:
    return PreferredStock(
        name="example preferred_stock",
        notional=300e6,
        rate=0.09,
        frequency=12,
        cumulative=True,
        seniority=1,
        conversion_ratio=0.1,
        rate_schedule=(RateStep(date=_D(2026, 6, 1), rate=0.10),),
        unpaid_rate=0.11,
        unpaid_step=0.01,
        unpaid_cap=0.18,
        issued=_D(2025, 7, 29),
    )


register(TermLoan, example=_term_loan)
register(ConvertibleNote, example=_convertible_note)
register(SecuredNote, example=_secured_note)
register(Note, example=_note)
register(PreferredStock, example=_preferred_stock)
