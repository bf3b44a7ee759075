"""Run-time counterparts of the ``assert_type`` checks in the typing files."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np

from treasurymodel import ValidationError

__all__ = ["is_array", "is_float", "rejected"]


def is_float(value: object) -> None:
    """Fail unless ``value`` is a float (a Python float or a numpy float64), not an array."""
    assert isinstance(value, float), f"expected a float, got {type(value).__name__}"


def is_array(value: object, shape: tuple[int, ...] | None = None) -> None:
    """Fail unless ``value`` is a float64 numpy array (of ``shape`` when given)."""
    assert isinstance(value, np.ndarray), f"expected an ndarray, got {type(value).__name__}"
    assert value.dtype == np.float64, f"expected float64, got {value.dtype}"
    if shape is not None:
        assert value.shape == shape, f"expected shape {shape}, got {value.shape}"


@contextlib.contextmanager
def rejected() -> Iterator[None]:
    """Fail unless the block raises :class:`treasurymodel.ValidationError`."""
    try:
        yield
    except ValidationError:
        return
    raise AssertionError("expected a ValidationError")
