"""The library's one family of exceptions.

Every error the library raises on purpose derives from :class:`TreasuryModelError`.
Bad input is a :class:`ValidationError`, which is also a :class:`ValueError`, and names
the field that was wrong and the value it received.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ConvergenceError", "TreasuryModelError", "ValidationError"]


class TreasuryModelError(Exception):
    """Root of every error raised on purpose by treasurymodel.

    Examples
    --------
    >>> from treasurymodel import TreasuryModelError, ValidationError
    >>> issubclass(ValidationError, TreasuryModelError)
    True
    """


class ValidationError(TreasuryModelError, ValueError):
    """Invalid input: names the field and the value received.

    Parameters
    ----------
    field
        Dotted path of the offending field, e.g. ``"ConvertibleNote.principal"`` or
        ``"instruments[2].coupon"``.
    value
        The value that was received.
    reason
        What is wrong with it, in words (``"must be positive"``).
    context
        Optional prefix naming where the value came from (a file, an instrument).

    Examples
    --------
    >>> err = ValidationError("principal", -5.0, "must be positive")
    >>> str(err)
    'principal: must be positive, got -5.0'
    >>> err.field, err.value
    ('principal', -5.0)
    """

    def __init__(self, field: str, value: Any, reason: str, *, context: str | None = None) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        self.context = context
        prefix = f"{context}: " if context else ""
        super().__init__(f"{prefix}{field}: {reason}, got {value!r}")

    def with_context(self, context: str) -> ValidationError:
        """Return a copy whose message starts with ``context`` (a file or instrument name).

        Examples
        --------
        >>> err = ValidationError("coupon", 2.0, "must lie in [0, 1)")
        >>> str(err.with_context("company.toml, instrument 'A'"))
        "company.toml, instrument 'A': coupon: must lie in [0, 1), got 2.0"
        """
        joined = f"{context}, {self.context}" if self.context else context
        return ValidationError(self.field, self.value, self.reason, context=joined)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_validation_error, (self.field, self.value, self.reason, self.context))


def _rebuild_validation_error(
    field: str, value: Any, reason: str, context: str | None
) -> ValidationError:
    return ValidationError(field, value, reason, context=context)


class ConvergenceError(TreasuryModelError, ArithmeticError):
    """A numerical search found no solution (an implied volatility outside its bracket, say).

    Examples
    --------
    >>> from treasurymodel import ConvergenceError
    >>> issubclass(ConvergenceError, ArithmeticError)
    True
    """
