"""Validators and converters shared by the instrument classes."""

from __future__ import annotations

import datetime as _dt
import itertools
import re
import unicodedata
from collections.abc import Iterable
from typing import Any, Final

import attrs

from ..errors import ValidationError
from ..validators import Validator

FREQUENCIES = (1, 2, 4, 12)


def _field(instance: Any, attribute: attrs.Attribute[Any]) -> str:
    return f"{type(instance).__name__}.{attribute.name}"


_CURRENCY: Final = re.compile(r"[A-Z]{3}")
"""A currency code: three ASCII capital letters (not ``ΑΒΓ``, not full-width ``ＵＳＤ``)."""

_BIDI_CONTROLS: Final = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def is_plain_text(text: str) -> bool:
    """True if ``text`` holds no control character, lone surrogate, line or paragraph
    separator, or bidirectional override: text that prints as it reads.

    Examples
    --------
    >>> is_plain_text("Strategy Inc. \u00e9"), is_plain_text("red\x1b[31m")
    (True, False)
    """
    if text.isprintable():
        return True
    return not any(
        unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") or ch in _BIDI_CONTROLS for ch in text
    )


def name_text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A non-empty string without surrounding white space or control characters."""
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise ValidationError(
            _field(instance, attribute), value, "must be a non-empty string without outer spaces"
        )
    if not is_plain_text(value):
        raise ValidationError(
            _field(instance, attribute),
            value,
            "must be plain text (no control characters, lone surrogates or direction overrides)",
        )


def currency_code(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """``None`` or a three-letter upper-case ASCII currency code such as ``"USD"``."""
    if value is None:
        return
    if not isinstance(value, str) or not _CURRENCY.fullmatch(value):
        raise ValidationError(
            _field(instance, attribute), value, "must be a three-letter code such as 'USD'"
        )


def required_currency(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A three-letter upper-case currency code such as ``"USD"`` (``None`` is refused)."""
    if value is None:
        raise ValidationError(
            _field(instance, attribute), value, "must be a three-letter code such as 'USD'"
        )
    currency_code(instance, attribute, value)


def frequency(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Payments a year: 1, 2, 4 or 12."""
    if isinstance(value, bool) or not isinstance(value, int) or value not in FREQUENCIES:
        raise ValidationError(_field(instance, attribute), value, "must be one of 1, 2, 4 or 12")


def boolean(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A real ``bool``."""
    if not isinstance(value, bool):
        raise ValidationError(_field(instance, attribute), value, "must be true or false")


MAX_RANK: Final = 1_000_000_000
"""Largest seniority rank (any larger whole number is refused, so every rank can be written)."""


def whole_number(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A whole number (an int, not a bool) from 1 to :data:`MAX_RANK`."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_RANK:
        raise ValidationError(
            _field(instance, attribute), value, f"must be a whole number from 1 to {MAX_RANK:,}"
        )


def dated_entries(cls: type, *, noun: str = "entries", ordered: bool = True) -> Validator:
    """Validator factory: a tuple of ``cls`` records, each with a ``date``.

    With ``ordered`` the dates must be strictly increasing; otherwise only distinct.
    """

    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        field = _field(instance, attribute)
        if not isinstance(value, tuple) or not all(isinstance(v, cls) for v in value):
            raise ValidationError(field, value, f"must be a list of {cls.__name__} {noun}")
        dates = [v.date for v in value]
        if ordered and any(b <= a for a, b in itertools.pairwise(dates)):
            raise ValidationError(field, dates, "dates must be strictly increasing")
        if not ordered and len(set(dates)) != len(dates):
            raise ValidationError(field, dates, "test dates must be distinct")

    return validate


def to_dates(value: Iterable[_dt.date]) -> tuple[_dt.date, ...]:
    """Converter: any iterable of dates to a tuple (a lone string is left for the validator)."""
    if isinstance(value, str | bytes | _dt.date):
        return value  # type: ignore[return-value]
    try:
        return tuple(value)
    except TypeError:
        return value  # type: ignore[return-value]


def to_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """Converter: any iterable (a list from a file, say) to a tuple."""
    if isinstance(value, str | bytes):
        return value  # type: ignore[return-value]
    try:
        return tuple(value)
    except TypeError:
        return value  # type: ignore[return-value]


def increasing_dates(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A tuple of dates in strictly increasing order."""
    name = _field(instance, attribute)
    if not isinstance(value, tuple):
        raise ValidationError(name, value, "must be a list of dates")
    for item in value:
        if not isinstance(item, _dt.date) or isinstance(item, _dt.datetime):
            raise ValidationError(name, item, "must hold only datetime.date values")
    for a, b in itertools.pairwise(value):
        if b <= a:
            raise ValidationError(name, value, "dates must be strictly increasing")


def check_life(
    owner: str,
    field: str,
    when: _dt.date,
    issued: _dt.date | None,
    maturity: _dt.date,
) -> None:
    """Raise unless ``issued < when <= maturity`` (``issued`` may be unknown)."""
    if when > maturity or (issued is not None and when <= issued):
        raise ValidationError(
            f"{owner}.{field}", when, "must fall after issue and on or before maturity"
        )


def check_maturity_after_issue(owner: str, issued: _dt.date | None, maturity: _dt.date) -> None:
    """Raise unless maturity is strictly after issue."""
    if issued is not None and maturity <= issued:
        raise ValidationError(f"{owner}.maturity", maturity, f"must be after issue ({issued})")
