"""Type aliases shared by the numeric functions.

The price arguments of the public functions are typed with two aliases, defined once here:

* :data:`ArrayInput`, an array of numbers: a numpy array of floats or integers (any shape) or
  a sequence of numbers (a list or a tuple). A function given one returns a float64 array.
* :data:`ArrayLike`, a number or an :data:`ArrayInput`: what a price argument accepts.

A function taking prices is typed with overloads ``float -> float`` and
``ArrayInput -> FloatArray``; its implementation takes :data:`ArrayLike`. The aliases only
describe what the functions already accept at run time: the run-time checks (finite numbers,
no booleans, ranges) are unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = ["ArrayInput", "ArrayLike", "BoolArray", "FloatArray", "FloatOrArray", "IntArray"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
"""A numpy array of float64."""

BoolArray: TypeAlias = npt.NDArray[np.bool_]
"""A numpy array of booleans."""

IntArray: TypeAlias = npt.NDArray[np.int64]
"""A numpy array of int64."""

FloatOrArray: TypeAlias = float | FloatArray
"""A float, or a float64 array of any shape."""

ArrayInput: TypeAlias = npt.NDArray[np.floating[Any] | np.integer[Any]] | Sequence[float]
"""An array of numbers: a numpy array of floats or integers, or a list or tuple of numbers."""

ArrayLike: TypeAlias = float | ArrayInput
"""What a price argument accepts: a number (int or float) or an :data:`ArrayInput`."""
