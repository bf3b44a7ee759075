"""Term structures of rates and credit spreads: :class:`Curve`.

A curve is a set of zero rates (continuously compounded, ACT/365F years from the valuation
date) at increasing times. Between them the discount factor is interpolated log-linearly,
which makes the instantaneous forward rate constant on each interval:

* ``D(t) = exp(-z(t) t)``; on ``[t_{k-1}, t_k]`` (with ``t_0 = 0``, ``z_0 t_0 = 0``)
  ``z(t) t`` is linear in ``t``, the forward ``f_k = (z_k t_k - z_{k-1} t_{k-1}) /
  (t_k - t_{k-1})``;
* beyond the last time the last forward is held.

A one-point curve is therefore flat at its rate, and a flat curve gives exactly the values of
the flat number (the tree sees the same rate on every step).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, overload

import attrs
import numpy as np

from .._typing import ArrayInput, ArrayLike, FloatArray
from ..errors import ValidationError

__all__ = ["Curve", "MAX_CURVE_RATE", "MAX_CURVE_TIME"]

MAX_CURVE_TIME = 200.0
"""Latest time of a curve point, in years."""

MAX_CURVE_RATE = 5.0
"""Largest absolute zero rate of a curve point (500%); uses narrow it (see :class:`Curve`)."""


def _floats(field: str, value: Any) -> tuple[float, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence | np.ndarray):
        raise ValidationError(field, value, "must be a sequence of numbers")
    out = []
    for k, x in enumerate(value):
        if isinstance(x, bool | np.bool_) or not isinstance(
            x, int | float | np.integer | np.floating
        ):
            raise ValidationError(f"{field}[{k}]", x, "must be a number")
        if not math.isfinite(float(x)):
            raise ValidationError(f"{field}[{k}]", x, "must be finite")
        out.append(float(x))
    if not out:
        raise ValidationError(field, value, "must not be empty")
    return tuple(out)


def _times(value: Any) -> tuple[float, ...]:
    return _floats("times", value)


def _zero_rates(value: Any) -> tuple[float, ...]:
    return _floats("zero_rates", value)


def _check_times(instance: Curve, attribute: Any, value: tuple[float, ...]) -> None:
    del instance, attribute
    previous = 0.0
    for k, t in enumerate(value):
        if not previous < t <= MAX_CURVE_TIME:
            raise ValidationError(
                f"times[{k}]",
                t,
                f"must be above the time before it ({previous}) and at most {MAX_CURVE_TIME:g}"
                " years: times are strictly increasing, after the valuation date",
            )
        previous = t


def _check_rates(instance: Curve, attribute: Any, value: tuple[float, ...]) -> None:
    del attribute
    if len(value) != len(instance.times):
        raise ValidationError(
            "zero_rates", value, f"must have one rate per time ({len(instance.times)})"
        )
    for k, z in enumerate(value):
        if abs(z) > MAX_CURVE_RATE:
            raise ValidationError(
                f"zero_rates[{k}]",
                z,
                f"must lie in [-{MAX_CURVE_RATE:g}, {MAX_CURVE_RATE:g}] (a fraction: 0.04 for 4%)",
            )


@attrs.frozen(kw_only=True)
class Curve:
    """Zero rates at times: a term structure for ``rate`` or ``credit_spread``.

    Accepted wherever a flat ``rate`` or ``credit_spread`` is, by the convertible functions
    (:func:`~treasurymodel.valuation.value_convertible`,
    :func:`~treasurymodel.valuation.bond_floor`, the
    implied and sensitivity functions and
    :func:`~treasurymodel.valuation.convertible_value_at_asset_price`). A rate curve's
    forwards must lie in ``[-1, 1]`` and a spread curve's in ``[0, 5]``, as flat numbers do; a
    spread curve with a negative forward (a survival probability that rises) is refused where
    it is used.

    Parameters
    ----------
    times
        Years from the valuation date (ACT/365F), strictly increasing, in ``(0, 200]``.
    zero_rates
        Continuously compounded zero rates at ``times`` (fractions: 0.04 for 4%), one each.

    Notes
    -----
    Discount factors are interpolated log-linearly between the points (forward rates
    constant on each interval, from 0 to the first time too) and the last forward rate is
    held beyond the last time. :meth:`from_discount_factors` builds a curve from discount
    factors.

    Examples
    --------
    >>> from treasurymodel.valuation import Curve
    >>> curve = Curve(times=(1.0, 2.0), zero_rates=(0.03, 0.04))
    >>> round(curve.discount(1.5), 6)  # exp(-(0.03 + 0.5 * 0.05))
    0.946485
    >>> curve.forward_rates().tolist()
    [0.03, 0.05]
    >>> round(curve.zero_rate(3.0), 6)  # the last forward, 5%, held after two years
    0.043333
    """

    times: tuple[float, ...] = attrs.field(converter=_times, validator=_check_times)
    zero_rates: tuple[float, ...] = attrs.field(converter=_zero_rates, validator=_check_rates)

    @classmethod
    def from_discount_factors(cls, *, times: Sequence[float], discount_factors: Any) -> Curve:
        """A curve through discount factors at times (positive numbers).

        Examples
        --------
        >>> from treasurymodel.valuation import Curve
        >>> curve = Curve.from_discount_factors(times=[1.0, 2.0], discount_factors=[0.97, 0.92])
        >>> round(curve.discount(2.0), 12)
        0.92
        """
        t = _floats("times", times)
        factors = _floats("discount_factors", discount_factors)
        if len(factors) != len(t):
            raise ValidationError(
                "discount_factors", discount_factors, f"must have one factor per time ({len(t)})"
            )
        for k, d in enumerate(factors):
            if d <= 0.0:
                raise ValidationError(f"discount_factors[{k}]", d, "must be positive")
        zero = []
        for k, (tk, d) in enumerate(zip(t, factors, strict=True)):
            if tk <= 0.0:
                raise ValidationError(f"times[{k}]", tk, "must be positive")
            zero.append(-math.log(d) / tk)
        return cls(times=t, zero_rates=tuple(zero))

    @property
    def is_flat(self) -> bool:
        """Whether every zero rate is the same (the curve is then that flat rate)."""
        return all(z == self.zero_rates[0] for z in self.zero_rates)

    def forward_rates(self) -> FloatArray:
        """The constant forward rate of each interval ``(t_{k-1}, t_k]``, from ``t_0 = 0``."""
        t = np.asarray(self.times)
        zt = np.asarray(self.zero_rates) * t
        if np.all(np.asarray(self.zero_rates) == self.zero_rates[0]):
            return np.full(t.shape, self.zero_rates[0])  # flat: exactly its rate
        return np.asarray(np.diff(zt, prepend=0.0) / np.diff(t, prepend=0.0), dtype=np.float64)

    def _integral(self, t: FloatArray) -> FloatArray:
        """``z(t) t``: the integral of the forward rate from 0 to each ``t >= 0``."""
        times = np.asarray(self.times)
        zt = np.asarray(self.zero_rates) * times
        forwards = self.forward_rates()
        k = np.searchsorted(times, t, side="left")  # t in (times[k-1], times[k]]
        k = np.minimum(k, times.shape[0] - 1)
        start_t = np.where(k > 0, times[np.maximum(k - 1, 0)], 0.0)
        start_zt = np.where(k > 0, zt[np.maximum(k - 1, 0)], 0.0)
        return np.asarray(start_zt + forwards[k] * (t - start_t), dtype=np.float64)

    @overload
    def discount(self, t: float) -> float: ...
    @overload
    def discount(self, t: ArrayInput) -> FloatArray: ...
    def discount(self, t: ArrayLike) -> float | FloatArray:
        """Discount factor ``exp(-z(t) t)`` at ``t >= 0`` years; float or array."""
        arr = np.asarray(t, dtype=np.float64)
        value = np.exp(-self._integral(np.maximum(arr, 0.0)))
        return float(value) if value.ndim == 0 else value

    @overload
    def zero_rate(self, t: float) -> float: ...
    @overload
    def zero_rate(self, t: ArrayInput) -> FloatArray: ...
    def zero_rate(self, t: ArrayLike) -> float | FloatArray:
        """Continuously compounded zero rate at ``t > 0`` years (the first forward at 0)."""
        arr = np.asarray(t, dtype=np.float64)
        safe = np.where(arr > 0.0, arr, 1.0)
        value = np.where(arr > 0.0, self._integral(safe) / safe, self.forward_rates()[0])
        return float(value) if value.ndim == 0 else value

    def step_rates(self, horizon: float, steps: int) -> FloatArray:
        """The average forward rate of each of ``steps`` equal steps from 0 to ``horizon``."""
        forwards = self.forward_rates()
        if np.all(forwards == forwards[0]):
            return np.full(steps, float(forwards[0]))  # exactly the flat rate on every step
        grid = np.arange(steps + 1, dtype=np.float64) * (horizon / steps)
        return np.asarray(np.diff(self._integral(grid)) / (horizon / steps), dtype=np.float64)

    def shifted(self, by: float) -> Curve:
        """The curve with every zero rate moved by ``by`` (a parallel shift of the forwards)."""
        return Curve(times=self.times, zero_rates=tuple(z + by for z in self.zero_rates))


def curve_or_none(field: str, value: Any) -> Curve | None:
    """``value`` if it is a :class:`Curve` that is not flat (else ``None``).

    A flat curve is returned as ``None``: its caller then uses the flat number
    :func:`flat_value` gives, so that a flat curve and its rate give identical results.
    Lists of curves are refused.
    """
    if isinstance(value, Curve):
        return None if value.is_flat else value
    if isinstance(value, list | tuple) and any(isinstance(v, Curve) for v in value):
        raise ValidationError(field, value, "must be one Curve or numbers, not a list of curves")
    return None


def flat_value(value: Any) -> Any:
    """The rate of a flat :class:`Curve`, else ``value`` unchanged."""
    if isinstance(value, Curve) and value.is_flat:
        return value.zero_rates[0]
    return value


def check_curve_use(field: str, curve: Curve, forwards: FloatArray) -> None:
    """Refuse a curve whose forward rates over a tree leave the range of ``field``."""
    low, high = (-1.0, 1.0) if field == "rate" else (0.0, 5.0)
    bad = (forwards < low) | (forwards > high)
    if bad.any():
        k = int(np.argmax(bad))
        raise ValidationError(
            field,
            curve,
            f"has a forward rate of {float(forwards[k])!r} on step {k}, outside "
            f"[{low:g}, {high:g}]",
        )
