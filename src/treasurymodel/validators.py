"""Small reusable attrs validators whose messages name the field and the value received.

Every validator raises :class:`treasurymodel.ValidationError` with the field written as
``ClassName.field`` so that a user can find the bad input without reading a traceback.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable
from typing import Any

import attrs

from .errors import ValidationError

__all__ = [
    "check_finite",
    "finite",
    "in_range",
    "is_date",
    "non_negative",
    "optional",
    "positive",
    "real_number",
    "to_float",
]

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def _field(instance: Any, attribute: attrs.Attribute[Any]) -> str:
    return f"{type(instance).__name__}.{attribute.name}"


def check_finite(field: str, value: Any) -> float:
    """Return ``value`` as a float, or raise if it is not a finite real number.

    Booleans are rejected: ``True`` is not an amount.

    Examples
    --------
    >>> check_finite("cash", 5)
    5.0
    >>> check_finite("cash", float("nan"))
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: cash: must be a finite number, got nan
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            import numpy as np

            if isinstance(value, np.floating | np.integer) and not isinstance(value, np.bool_):
                value = float(value)
            else:
                raise ValidationError(field, value, "must be a number")
        except ImportError:  # pragma: no cover - numpy is a dependency
            raise ValidationError(field, value, "must be a number") from None
    result = float(value)
    if not math.isfinite(result):
        raise ValidationError(field, value, "must be a finite number")
    return result


def to_float(value: Any) -> Any:
    """attrs converter: turn ints (not bools) and numpy scalars into floats, leave the rest.

    Leaving other values alone lets the validator report them with their original type.

    Examples
    --------
    >>> to_float(3)
    3.0
    >>> to_float(True)
    True
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    try:
        import numpy as np

        if isinstance(value, np.floating | np.integer) and not isinstance(value, np.bool_):
            return float(value)
    except ImportError:  # pragma: no cover
        pass
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
    name = _field(instance, attribute)
    if check_finite(name, value) <= 0.0:
        raise ValidationError(name, value, "must be positive")


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
    name = _field(instance, attribute)
    if check_finite(name, value) < 0.0:
        raise ValidationError(name, value, "must not be negative")


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
    if not isinstance(value, _dt.date) or isinstance(value, _dt.datetime):
        raise ValidationError(_field(instance, attribute), value, "must be a datetime.date")


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
