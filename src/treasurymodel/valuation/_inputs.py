"""Checking and broadcasting the market inputs of the valuation functions (private)."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Literal

import numpy as np

from .._typing import FloatArray
from ..errors import ValidationError

__all__ = ["Kind", "as_array", "broadcast", "check_date", "check_steps", "output"]

Kind = Literal["finite", "non_negative", "positive"]

_REASONS = {
    "finite": "must be finite",
    "non_negative": "must be finite and non-negative",
    "positive": "must be finite and positive",
}


def as_array(field: str, value: Any, kind: Kind) -> FloatArray:
    """``value`` as a float64 array, or a ValidationError naming the first bad element."""
    if (
        isinstance(value, bool | np.bool_ | str | bytes)
        or (isinstance(value, np.ndarray) and value.dtype == np.bool_)
        or np.iscomplexobj(value)
    ):
        raise ValidationError(field, value, "must be a number or an array of numbers")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValidationError(field, value, "must be a number or an array of numbers") from None
    bad = ~np.isfinite(arr)
    if kind == "non_negative":
        bad |= arr < 0.0
    elif kind == "positive":
        bad |= arr <= 0.0
    if bad.any():
        if arr.ndim == 0:
            raise ValidationError(field, value, _REASONS[kind])
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        where = ", ".join(str(i) for i in idx)
        raise ValidationError(f"{field}[{where}]", float(arr[idx]), _REASONS[kind])
    return arr


def broadcast(
    fields: dict[str, tuple[Any, Kind]],
) -> tuple[dict[str, FloatArray], tuple[int, ...], bool]:
    """Check each ``(value, kind)``, broadcast them together and flatten.

    Returns the flat arrays by name, the broadcast shape and whether every input was a
    scalar (the caller then returns a float).
    """
    arrays = {name: as_array(name, value, kind) for name, (value, kind) in fields.items()}
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    except ValueError:
        shapes = {name: a.shape for name, a in arrays.items()}
        raise ValidationError(
            "share_price", shapes, "the array inputs do not broadcast together"
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


def check_date(field: str, value: Any) -> _dt.date:
    """A :class:`datetime.date` (not a datetime), or a ValidationError."""
    if not isinstance(value, _dt.date) or isinstance(value, _dt.datetime):
        raise ValidationError(field, value, "must be a datetime.date")
    return value


def check_steps(value: Any, *, minimum: int = 2) -> int:
    """A whole number of tree steps, at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValidationError("steps", value, f"must be a whole number >= {minimum}")
    return int(value)
