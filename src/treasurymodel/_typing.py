"""Type aliases shared by the numeric functions."""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = ["ArrayLike", "FloatArray", "FloatOrArray", "BoolArray", "IntArray"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
"""A numpy array of float64."""

BoolArray: TypeAlias = npt.NDArray[np.bool_]
"""A numpy array of booleans."""

IntArray: TypeAlias = npt.NDArray[np.int64]
"""A numpy array of int64."""

FloatOrArray: TypeAlias = float | FloatArray
"""A float, or a float64 array of any shape."""

ArrayLike: TypeAlias = float | int | FloatArray | npt.NDArray[np.int64] | list[float]
"""What a price argument accepts: a number, a list of numbers or a numpy array."""
