"""The library's one family of exceptions.

Every error the library raises on purpose derives from :class:`TreasuryModelError`.
Bad input is a :class:`ValidationError`, which is also a :class:`ValueError`, and names
the field that was wrong and the value it received.
"""

from __future__ import annotations

import math
from typing import Any, Final

__all__ = ["ConvergenceError", "MissingFileError", "TreasuryModelError", "ValidationError"]

MAX_SHOWN: Final = 200
"""Longest rendering of a received value in a message; longer ones are elided in the middle."""


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
        prefix = f"{printable(context)}: " if context else ""
        super().__init__(f"{prefix}{printable(field)}: {printable(reason)}, got {shown(value)}")

    def with_context(self, context: str) -> ValidationError:
        """Return a copy whose message starts with ``context`` (a file or instrument name).

        Examples
        --------
        >>> err = ValidationError("coupon", 2.0, "must lie in [0, 1)")
        >>> str(err.with_context("company.toml, instrument 'A'"))
        "company.toml, instrument 'A': coupon: must lie in [0, 1), got 2.0"
        """
        joined = f"{context}, {self.context}" if self.context else context
        return type(self)(self.field, self.value, self.reason, context=joined)

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_validation_error,
            (type(self), self.field, self.value, self.reason, self.context),
        )


def _rebuild_validation_error(
    cls: type[ValidationError], field: str, value: Any, reason: str, context: str | None
) -> ValidationError:
    return cls(field, value, reason, context=context)


class MissingFileError(ValidationError, FileNotFoundError):
    """A file that does not exist: both a :class:`ValidationError` and a
    :class:`FileNotFoundError`, so that either ``except`` clause catches it.

    Examples
    --------
    >>> from treasurymodel import MissingFileError, ValidationError, load
    >>> try:
    ...     load("no-such-file.toml")
    ... except FileNotFoundError as err:
    ...     print(type(err).__name__, isinstance(err, ValidationError))
    MissingFileError True
    """


def printable(text: str) -> str:
    """``text`` with every non-printable character escaped (``\\x1b``, ``\\ud800``).

    Terminal control characters and lone surrogates in a file name or a key never reach the
    terminal raw through a message; ordinary text, spaces and non-ASCII letters are kept.

    Examples
    --------
    >>> print(printable("caf\u00e9 \x1b[31mred"))
    caf\u00e9 \\x1b[31mred
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def shown(value: Any) -> str:
    """The ``repr`` of a received value for a message: printable, at most
    :data:`MAX_SHOWN` characters (elided in the middle), and never an error itself.

    An integer too long to print in decimal is described by its size.

    Examples
    --------
    >>> shown(-5.0), shown("x" * 500)[:12], len(shown("x" * 500))
    ('-5.0', "'xxxxxxxxxxx", 200)
    >>> shown(10**5000)
    'an integer of about 5,001 digits'
    """
    # Python prints at most 4,300 digits of an int by default: describe a huge one by its size.
    if isinstance(value, int) and not isinstance(value, bool) and abs(value).bit_length() > 4000:
        return f"an integer of about {math.floor(math.log10(abs(value))) + 1:,} digits"
    try:
        text = repr(value)
    except Exception:  # a repr that fails (a huge int inside a container, a broken object)
        text = f"<{type(value).__name__}>"
    text = printable(text)
    if len(text) > MAX_SHOWN:
        keep = MAX_SHOWN - 5
        text = f"{text[: keep - 40]} ... {text[-40:]}"
    return text


class ConvergenceError(TreasuryModelError, ArithmeticError):
    """A numerical search found no solution (an implied volatility outside its bracket, say).

    Examples
    --------
    >>> from treasurymodel import ConvergenceError
    >>> issubclass(ConvergenceError, ArithmeticError)
    True
    """
