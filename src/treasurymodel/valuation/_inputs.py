"""Checking and broadcasting the inputs of the valuation functions (private).

One source of truth for what each market input accepts: :data:`KINDS` maps an argument's name
to its admissible range, and :func:`broadcast` checks the named arguments against it,
broadcasts them together and flattens them.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Literal

import numpy as np

from .._typing import FloatArray
from ..errors import ValidationError
from ..instruments import ConvertibleNote
from ..validators import check_choice, check_date, check_flag

__all__ = [
    "KINDS",
    "MAX_BUMP",
    "MAX_HORIZON",
    "MAX_PRICE",
    "MAX_RATE",
    "MAX_SPREAD",
    "MAX_STEPS",
    "MAX_VOLATILITY",
    "MIN_BUMP",
    "MIN_VOLATILITY",
    "Kind",
    "as_array",
    "broadcast",
    "check_choice",
    "check_date",
    "check_flag",
    "check_note",
    "check_note_date",
    "check_steps",
    "output",
    "years",
]

MAX_RATE = 1.0
"""Largest absolute risk-free rate or dividend yield accepted (100% continuously compounded)."""

MAX_SPREAD = 5.0
"""Largest credit spread accepted (500% continuously compounded)."""

MAX_VOLATILITY = 5.0
"""Largest annual volatility accepted (500%)."""

MIN_VOLATILITY = 1e-4
"""Smallest annual volatility accepted (0.01%). Below it the tree's node spacing
``sigma sqrt(dt)`` vanishes against the drift and the closed form divides by almost zero: the
model is then the deterministic bond, which is not what these functions price."""

MAX_PRICE = 1e9
"""Largest market price per 100 of principal accepted (ten million times the face value)."""

MIN_BUMP = 1e-6
"""Smallest finite-difference bump accepted by the sensitivities (relative or absolute)."""

MAX_BUMP = 0.5
"""Largest finite-difference bump accepted by the sensitivities (relative or absolute)."""

MAX_STEPS = 100_000
"""Most tree steps accepted (about a minute for one tree; 1,000 to 5,000 are typical)."""

MAX_HORIZON = 200.0
"""Longest tree horizon of a convertible preferred series, in years."""

Kind = Literal["finite", "non_negative", "price", "rate", "spread", "volatility"]

# (lowest, lowest allowed?, highest, reason)
_RANGES: dict[Kind, tuple[float, bool, float, str]] = {
    "finite": (-np.inf, True, np.inf, "must be finite"),
    "non_negative": (0.0, True, np.inf, "must be finite and non-negative"),
    "price": (
        0.0,
        True,
        MAX_PRICE,
        f"must be a finite price per 100 of principal in [0, {MAX_PRICE:,.0f}]",
    ),
    "rate": (
        -MAX_RATE,
        True,
        MAX_RATE,
        f"must be a finite rate in [-{MAX_RATE:g}, {MAX_RATE:g}] (a fraction: 0.04 for 4%)",
    ),
    "spread": (
        0.0,
        True,
        MAX_SPREAD,
        f"must be a finite spread in [0, {MAX_SPREAD:g}] (a fraction: 0.03 for 300bp)",
    ),
    "volatility": (
        MIN_VOLATILITY,
        True,
        MAX_VOLATILITY,
        f"must be a finite volatility in [{MIN_VOLATILITY:g}, {MAX_VOLATILITY:g}] "
        "(a fraction: 0.5 for 50%)",
    ),
}

KINDS: dict[str, Kind] = {
    "share_price": "non_negative",
    "price": "price",
    "asset_price": "non_negative",
    "mnav": "non_negative",
    "volatility": "volatility",
    "rate": "rate",
    "dividend_yield": "rate",
    "credit_spread": "spread",
}
"""The admissible range of each market input, by argument name."""


_NOT_NUMBERS = "must be a number or a non-empty array of numbers"


def as_array(field: str, value: Any, kind: Kind | None = None) -> FloatArray:
    """``value`` as a float64 array, or a ValidationError naming the first bad element.

    Refused: booleans, strings (also inside lists), ``None``, complex and object arrays,
    empty arrays, and values outside the range of ``kind`` (by default ``KINDS[field]``).
    """
    if isinstance(value, bool | np.bool_ | str | bytes) or value is None:
        raise ValidationError(field, value, _NOT_NUMBERS)
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError):  # ragged nested lists
        raise ValidationError(field, value, _NOT_NUMBERS) from None
    if raw.dtype.kind not in "iuf":  # bool, complex, strings, objects, dates
        raise ValidationError(field, value, _NOT_NUMBERS)
    if raw.size == 0:
        raise ValidationError(field, value, "must not be empty")
    arr = np.asarray(raw, dtype=np.float64)
    low, closed, high, reason = _RANGES[kind if kind is not None else KINDS[field]]
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(arr) | (arr > high) | ((arr < low) if closed else (arr <= low))
    if bad.any():
        if arr.ndim == 0:
            raise ValidationError(field, value, reason)
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        where = ", ".join(str(i) for i in idx)
        raise ValidationError(f"{field}[{where}]", float(arr[idx]), reason)
    return arr


def broadcast(**values: Any) -> tuple[dict[str, FloatArray], tuple[int, ...], bool]:
    """Check each named input (see :data:`KINDS`), broadcast them together and flatten.

    Returns the flat arrays by name, the broadcast shape and whether every input was a
    scalar (the caller then returns a float). An input that does not broadcast with the
    ones before it is named in the error.
    """
    arrays = {name: as_array(name, value) for name, value in values.items()}
    shape: tuple[int, ...] = ()
    for name, a in arrays.items():
        try:
            shape = np.broadcast_shapes(shape, a.shape)
        except ValueError:
            shapes = {n: arrays[n].shape for n in arrays}
            raise ValidationError(
                name, shapes, f"has shape {a.shape}, which does not broadcast with {shape}"
            ) from None
    flat = {
        name: np.ascontiguousarray(np.broadcast_to(a, shape).reshape(-1), dtype=np.float64)
        for name, a in arrays.items()
    }
    scalar = all(a.ndim == 0 for a in arrays.values())
    return flat, shape, scalar


def output(values: FloatArray, shape: tuple[int, ...], scalar: bool) -> Any:
    """A float when ``scalar``, else ``values`` reshaped to ``shape``."""
    if scalar:
        return float(values.reshape(-1)[0])
    return np.asarray(values, dtype=np.float64).reshape(shape)


def check_note(note: Any) -> ConvertibleNote:
    """``note`` if it is a :class:`~treasurymodel.ConvertibleNote`, else a ValidationError."""
    if not isinstance(note, ConvertibleNote):
        raise ValidationError("note", note, "must be a ConvertibleNote")
    return note


def check_note_date(note: ConvertibleNote, valuation_date: Any) -> _dt.date:
    """A valuation date of ``note``: on or after its issue date and before its maturity."""
    day = check_date("valuation_date", valuation_date)
    if day < note.issued:
        raise ValidationError(
            "valuation_date",
            day,
            f"must not be before the issue date of {note.name!r} ({note.issued})",
        )
    if day >= note.maturity:
        raise ValidationError(
            "valuation_date",
            day,
            f"must be before the maturity of {note.name!r} ({note.maturity})",
        )
    return day


def check_steps(value: Any, *, minimum: int = 2) -> int:
    """A whole number of tree steps in ``[minimum, MAX_STEPS]``."""
    if (
        isinstance(value, bool | np.bool_)
        or not isinstance(value, int | np.integer)
        or not minimum <= value <= MAX_STEPS
    ):
        raise ValidationError(
            "steps", value, f"must be a whole number from {minimum} to {MAX_STEPS:,}"
        )
    return int(value)


def years(start: _dt.date, end: _dt.date) -> float:
    """ACT/365F years from ``start`` to ``end``."""
    return (end - start).days / 365.0
