"""The validators of the package, in one module: every check names the field and the value.

Every validator raises :class:`treasurymodel.ValidationError` with the field written as
``ClassName.field`` so that a user can find the bad input without reading a traceback.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import math
import numbers
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final, Literal, TypeVar, overload

import attrs
import numpy as np

from ._typing import FloatArray
from .errors import ValidationError

__all__ = [
    "FREQUENCIES",
    "MAX_RANK",
    "boolean",
    "check_choice",
    "check_date",
    "check_finite",
    "check_flag",
    "check_life",
    "check_maturity_after_issue",
    "check_number",
    "check_reserve",
    "currency_code",
    "dated_entries",
    "finite",
    "finite_result",
    "frequency",
    "in_range",
    "increasing_dates",
    "is_date",
    "is_plain_text",
    "name_text",
    "non_negative",
    "one_of",
    "optional",
    "positive",
    "price_array",
    "real_number",
    "required_currency",
    "to_dates",
    "to_float",
    "to_int",
    "to_tuple",
]

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]

_S = TypeVar("_S", bound=str)


def _field(instance: Any, attribute: attrs.Attribute[Any]) -> str:
    return f"{type(instance).__name__}.{attribute.name}"


def _scalar(value: Any) -> Any:
    """A numeric 0-d array as its element; anything else unchanged."""
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        return value[()]
    return value


def check_finite(field: str, value: Any) -> float:
    """Return ``value`` as a float, or raise if it is not one finite real number.

    Python and numpy ints and floats are accepted, as is a 0-d numeric array. Booleans are
    rejected (``True`` is not an amount), and so is an array of more than one number.

    Examples
    --------
    >>> import numpy as np
    >>> check_finite("cash", 5), check_finite("cash", np.float32(0.5))
    (5.0, 0.5)
    >>> check_finite("cash", float("nan"))
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: cash: must be a finite number, got nan
    >>> check_finite("cash", [1.0, 2.0])
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: cash: must be a single number, got [1.0, 2.0]
    """
    value = _scalar(value)
    if isinstance(value, bool | np.bool_) or not isinstance(
        value, int | float | np.integer | np.floating
    ):
        if isinstance(value, list | tuple | np.ndarray):
            raise ValidationError(field, value, "must be a single number")
        raise ValidationError(field, value, "must be a number")
    try:
        result = float(value)
    except OverflowError:  # an int too large for a float
        raise ValidationError(field, value, "must be a finite number") from None
    if not math.isfinite(result):
        raise ValidationError(field, value, "must be a finite number")
    return result


def check_number(
    field: str, value: Any, *, minimum: float | None = None, strict: bool = False
) -> float:
    """:func:`check_finite`, and at least ``minimum`` (above it when ``strict``).

    Examples
    --------
    >>> check_number("units", 2, minimum=0.0, strict=True)
    2.0
    >>> check_number("units", 0.0, minimum=0.0, strict=True)
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: units: must be positive, got 0.0
    >>> check_number("fee", -0.5, minimum=0.0)
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: fee: must not be negative, got -0.5
    """
    x = check_finite(field, value)
    if minimum is not None and (x <= minimum if strict else x < minimum):
        if minimum == 0.0:
            reason = "must be positive" if strict else "must not be negative"
        else:
            reason = f"must be {'above' if strict else 'at least'} {minimum:g}"
        raise ValidationError(field, value, reason)
    return x


def price_array(field: str, value: Any, *, positive: bool = False) -> FloatArray:
    """``value`` (a number, a list of numbers or an array) as a float64 array of any shape.

    Every element must be a finite real number, non-negative (positive with
    ``positive=True``). A bad element is reported with its index, e.g. ``asset_price[2]``.
    Strings, booleans, ``None``, complex numbers and ragged lists are refused.

    Examples
    --------
    >>> price_array("asset_price", [1, 2.5]).tolist()
    [1.0, 2.5]
    >>> price_array("asset_price", [1.0, -2.0])
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: asset_price[1]: must be finite and non-negative, got -2.0
    >>> price_array("p", [None])
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: p: must be a number or an array of numbers, got [None]
    """
    reason = "must be a number or an array of numbers"
    if value is None or isinstance(value, bool | np.bool_ | str | bytes):
        raise ValidationError(field, value, reason)
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError):  # a ragged list
        raise ValidationError(field, value, reason) from None
    kind = raw.dtype.kind
    # numpy reads True in [100.0, True] as 1.0: refuse booleans inside a list too.
    if isinstance(value, list | tuple) and any(
        isinstance(x, bool | np.bool_) for x in np.asarray(value, dtype=object).flat
    ):
        raise ValidationError(field, value, reason)
    if kind == "O":
        # Python ints beyond int64, Fractions, ...: accept real numbers only (not None, bool).
        if not all(
            isinstance(x, numbers.Real) and not isinstance(x, bool | np.bool_) for x in raw.flat
        ):
            raise ValidationError(field, value, reason)
    elif kind not in "iuf":
        raise ValidationError(field, value, reason)
    try:
        arr = raw.astype(np.float64)
    except (OverflowError, TypeError, ValueError):
        raise ValidationError(field, value, "must be finite") from None
    bad = ~np.isfinite(arr) | ((arr <= 0.0) if positive else (arr < 0.0))
    if bad.any():
        what = "must be finite and positive" if positive else "must be finite and non-negative"
        if arr.ndim == 0:
            raise ValidationError(field, value, what)
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        where = ", ".join(str(i) for i in idx)
        raise ValidationError(f"{field}[{where}]", float(arr[idx]), what)
    return arr


def finite_result(field: str, value: Any, result: FloatArray, reason: str) -> FloatArray:
    """``result`` if every element is finite, else a ValidationError naming ``field``.

    For a result computed from valid inputs that leaves the float range: the input that
    drives it (``field``, received as ``value``) is named, and ``reason`` says what overflowed.
    Compute ``result`` under ``np.errstate(over="ignore")`` so that no warning comes first.

    Examples
    --------
    >>> import numpy as np
    >>> finite_result("end_shares", 1e-320, np.array([2.0]), "units per share").tolist()
    [2.0]
    >>> with np.errstate(over="ignore"):
    ...     ratio = np.float64(5.0) / 1e-320
    >>> finite_result("end_shares", 1e-320, ratio, "units per share")
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: end_shares: is out of range: units per share leaves \
the float range, got 1e-320
    """
    if not bool(np.isfinite(result).all()):
        if isinstance(value, np.ndarray) and value.ndim == 0:
            value = float(value)
        raise ValidationError(field, value, f"is out of range: {reason} leaves the float range")
    return result


def check_reserve(reserve: Any, asset_price: Any, field: str = "asset_price") -> None:
    """Refuse a price at which the BTC Reserve (units x price) leaves the float range.

    ``reserve`` is units x price computed under ``np.errstate(over="ignore")``; the price
    argument (``field``, received as ``asset_price``) is named.

    Examples
    --------
    >>> import numpy as np
    >>> check_reserve(np.array([1e10]), 1e5)
    >>> with np.errstate(over="ignore"):
    ...     reserve = np.float64(1_000.0) * 1e308
    >>> check_reserve(reserve, 1e308)
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: asset_price: is too large: the BTC Reserve (units held \
x price) leaves the float range, got 1e+308
    """
    if not bool(np.isfinite(reserve).all()):
        raise ValidationError(
            field,
            asset_price,
            "is too large: the BTC Reserve (units held x price) leaves the float range",
        )


def check_date(field: str, value: Any) -> _dt.date:
    """``value`` if it is a :class:`datetime.date` (not a datetime), else a ValidationError.

    Examples
    --------
    >>> import datetime as dt
    >>> check_date("on", dt.date(2026, 2, 1))
    datetime.date(2026, 2, 1)
    >>> check_date("on", "2026-02-01")
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: on: must be a datetime.date, got '2026-02-01'
    """
    if not isinstance(value, _dt.date) or isinstance(value, _dt.datetime):
        raise ValidationError(field, value, "must be a datetime.date")
    return value


@overload
def check_flag(field: str, value: Any, *, allow_none: Literal[False] = False) -> bool: ...
@overload
def check_flag(field: str, value: Any, *, allow_none: bool) -> bool | None: ...
def check_flag(field: str, value: Any, *, allow_none: bool = False) -> bool | None:
    """``value`` as a ``bool`` if it is ``True`` or ``False``, else a ValidationError.

    The one flag check of the package. A Python ``bool`` and a NumPy bool (``np.True_``, as
    returned by a comparison of NumPy values) are accepted and returned as a Python ``bool``;
    anything else is refused, integers ``0``/``1`` and strings such as ``"true"`` included, so
    that a misplaced number is never read as a flag. (A flag *field* of a record is checked by
    :func:`boolean`, which keeps the stricter rule that the stored value is a Python ``bool``.)
    With ``allow_none`` a ``None`` (meaning "the default rule") passes through too.

    Examples
    --------
    >>> import numpy as np
    >>> check_flag("puts", True), check_flag("puts", np.float64(1.0) > 0)
    (True, True)
    >>> check_flag("puts", 1)
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: puts: must be True or False, got 1
    >>> check_flag("keep_paths", None, allow_none=True) is None
    True
    """
    if allow_none and value is None:
        return None
    if not isinstance(value, bool | np.bool_):
        raise ValidationError(
            field, value, "must be True, False or None" if allow_none else "must be True or False"
        )
    return bool(value)


def one_of(*allowed: str) -> Validator:
    """Validator factory: a record field holding one of the strings ``allowed``.

    The attrs form of :func:`check_choice`, naming the field ``ClassName.field``.

    Examples
    --------
    >>> import attrs
    >>> @attrs.frozen
    ... class A:
    ...     by: str = attrs.field(validator=one_of("year", "date"))
    >>> A(by="month")
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: A.by: must be one of 'year', 'date', got 'month'
    """

    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        check_choice(_field(instance, attribute), value, allowed)

    return validate


def check_choice(field: str, value: Any, allowed: Sequence[_S]) -> _S:
    """``value`` if it is one of the strings ``allowed``, else a ValidationError listing them.

    The one choice check of the package: only a ``str`` equal to one of ``allowed`` passes
    (no case folding, no surrounding spaces); the allowed member is returned, so that a
    ``Literal`` sequence of choices types the result.

    Examples
    --------
    >>> check_choice("by", "year", ("year", "date"))
    'year'
    >>> check_choice("by", "month", ("year", "date"))
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: by: must be one of 'year', 'date', got 'month'
    """
    if isinstance(value, str):
        for choice in allowed:
            if value == choice:
                return choice
    names = ", ".join(repr(a) for a in allowed)
    raise ValidationError(field, value, f"must be one of {names}")


def to_float(value: Any) -> Any:
    """attrs converter: turn ints (not bools), numpy scalars and 0-d arrays into floats.

    Other values are left alone, so that the validator reports them with their original type.

    Examples
    --------
    >>> import numpy as np
    >>> to_float(3), to_float(np.array(2.5))
    (3.0, 2.5)
    >>> to_float(True)
    True
    """
    value = _scalar(value)
    if isinstance(value, bool | np.bool_):
        return value
    if isinstance(value, int | float | np.integer | np.floating):
        try:
            return float(value)
        except OverflowError:
            return value
    return value


def to_int(value: Any) -> Any:
    """attrs converter: turn numpy integers into Python ints, leave the rest for the validator.

    Examples
    --------
    >>> import numpy as np
    >>> to_int(np.int64(4)), to_int(4.0)
    (4, 4.0)
    """
    if isinstance(value, np.integer):
        return int(value)
    return value


def real_number(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validator: a finite real number (not a bool, not NaN or infinite).

    Examples
    --------
    >>> import attrs
    >>> @attrs.frozen
    ... class A:
    ...     x: float = attrs.field(validator=real_number)
    >>> A(x=float("inf"))
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: A.x: must be a finite number, got inf
    """
    check_finite(_field(instance, attribute), value)


def finite(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Alias of :func:`real_number`.

    Examples
    --------
    >>> finite is not None
    True
    """
    real_number(instance, attribute, value)


def positive(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validator: a finite number strictly greater than zero.

    Examples
    --------
    >>> import attrs
    >>> @attrs.frozen
    ... class A:
    ...     x: float = attrs.field(validator=positive)
    >>> A(x=0.0)
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: A.x: must be positive, got 0.0
    """
    check_number(_field(instance, attribute), value, minimum=0.0, strict=True)


def non_negative(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validator: a finite number greater than or equal to zero.

    Examples
    --------
    >>> import attrs
    >>> @attrs.frozen
    ... class A:
    ...     x: float = attrs.field(validator=non_negative)
    >>> A(x=-1.0)
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: A.x: must not be negative, got -1.0
    """
    check_number(_field(instance, attribute), value, minimum=0.0)


def in_range(
    low: float, high: float, *, low_closed: bool = True, high_closed: bool = False
) -> Validator:
    """Validator factory: a finite number in an interval, ``[low, high)`` by default.

    Examples
    --------
    >>> import attrs
    >>> @attrs.frozen
    ... class A:
    ...     x: float = attrs.field(validator=in_range(0.0, 1.0))
    >>> A(x=1.0)
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: A.x: must lie in [0.0, 1.0), got 1.0
    """
    left = "[" if low_closed else "("
    right = "]" if high_closed else ")"
    text = f"must lie in {left}{low}, {high}{right}"

    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        name = _field(instance, attribute)
        x = check_finite(name, value)
        ok_low = x >= low if low_closed else x > low
        ok_high = x <= high if high_closed else x < high
        if not (ok_low and ok_high):
            raise ValidationError(name, value, text)

    return validate


def is_date(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validator: a :class:`datetime.date` (a datetime is refused: dates carry no time).

    Examples
    --------
    >>> import attrs, datetime
    >>> @attrs.frozen
    ... class A:
    ...     d: datetime.date = attrs.field(validator=is_date)
    >>> A(d="2025-01-01")
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: A.d: must be a datetime.date, got '2025-01-01'
    """
    check_date(_field(instance, attribute), value)


def optional(validator: Validator) -> Validator:
    """Validator factory: ``None`` or whatever ``validator`` accepts.

    Examples
    --------
    >>> import attrs
    >>> @attrs.frozen
    ... class A:
    ...     x: float | None = attrs.field(default=None, validator=optional(positive))
    >>> A().x is None
    True
    """

    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            validator(instance, attribute, value)

    return validate


# Record checks shared by the instruments, the company and the simulation policies.

FREQUENCIES: Final = (1, 2, 4, 12)
"""Payments a year a coupon or dividend schedule may have."""


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
