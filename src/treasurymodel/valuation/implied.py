"""Implied volatility and implied credit spread of a convertible from its market price.

Both solve ``value_convertible(...) = price`` for one input inside a bracket, for every
element of broadcast inputs at once: each iteration values all unsolved elements on one tree
pass. The search is the Illinois variant of regula falsi, with a bisection step whenever the
bracket has not halved in two iterations, so it always converges once a root is bracketed.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable
from typing import Any, overload

import numpy as np

from .._typing import ArrayLike, FloatArray, IntArray
from ..errors import ConvergenceError, ValidationError
from ..instruments import ConvertibleNote
from ..validators import check_finite
from ._inputs import broadcast, output
from ._lattice import Lattice
from .convertible import accrued_per_100, prepare, tree_values

__all__ = ["implied_credit_spread", "implied_volatility"]

_MAX_ITERATIONS = 200


def _check_bracket(field: str, bracket: Any, *, low: float) -> tuple[float, float]:
    try:
        a, b = bracket
    except (TypeError, ValueError):
        raise ValidationError(field, bracket, "must be a pair (low, high)") from None
    a, b = check_finite(field, a), check_finite(field, b)
    if not low <= a < b:
        raise ValidationError(field, bracket, f"must satisfy {low} <= low < high")
    return a, b


def _solve(
    value: Callable[[FloatArray, IntArray], FloatArray],
    target: FloatArray,
    low: FloatArray,
    high: FloatArray,
    *,
    tolerance: float,
    what: str,
    scalar: bool,
) -> FloatArray:
    """Find x in [low, high] with value(x, rows) = target, elementwise (rows: indices)."""
    n = target.shape[0]
    everything = np.arange(n)
    both = value(np.concatenate([low, high]), np.concatenate([everything, everything]))
    f_lo, f_hi = both[:n] - target, both[n:] - target
    outside = f_lo * f_hi > 0.0
    if outside.any():
        k = int(np.argmax(outside))
        v1, v2 = sorted((f_lo[k] + target[k], f_hi[k] + target[k]))
        where = "" if scalar else f" (element {k})"
        raise ConvergenceError(
            f"price {target[k]:.6g}{where} is outside the values {v1:.6g} to {v2:.6g} that "
            f"the note takes for {what} in [{low[k]:.6g}, {high[k]:.6g}]: no implied {what} "
            "in that bracket"
        )
    a, b = low.copy(), high.copy()
    fa, fb = f_lo.copy(), f_hi.copy()
    x = np.where(fa == 0.0, a, b)
    active = (fa != 0.0) & (fb != 0.0)
    width_1 = np.abs(b - a)
    width_2 = width_1.copy()
    for _ in range(_MAX_ITERATIONS):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            return x
        ai, bi, fai, fbi = a[idx], b[idx], fa[idx], fb[idx]
        with np.errstate(divide="ignore", invalid="ignore"):
            c = bi - fbi * (bi - ai) / (fbi - fai)
        lo, hi = np.minimum(ai, bi), np.maximum(ai, bi)
        slow = np.abs(bi - ai) > 0.5 * width_2[idx]
        bisect = ~((c > lo) & (c < hi)) | slow
        c = np.where(bisect, 0.5 * (ai + bi), c)
        fc = value(c, idx) - target[idx]
        # Illinois: keep a bracket [a, b] with b the newest point.
        flip = fc * fbi < 0.0
        new_a = np.where(flip, bi, ai)
        new_fa = np.where(flip, fbi, np.where(bisect, fai, 0.5 * fai))
        a[idx], fa[idx], b[idx], fb[idx] = new_a, new_fa, c, fc
        x[idx] = c
        width_2[idx], width_1[idx] = width_1[idx], np.abs(c - new_a)
        done = (fc == 0.0) | (np.abs(c - new_a) <= tolerance)
        active[idx[done]] = False
    raise ConvergenceError(  # pragma: no cover - the bisection steps make this unreachable
        f"implied {what} did not converge in {_MAX_ITERATIONS} iterations"
    )


def _target(
    note: ConvertibleNote, valuation_date: _dt.date, price: FloatArray, clean: bool
) -> FloatArray:
    """The dirty price to solve for."""
    return price + accrued_per_100(note, valuation_date) if clean else price


@overload
def implied_volatility(  # type: ignore[overload-overlap]
    note: ConvertibleNote,
    *,
    price: float,
    valuation_date: _dt.date,
    share_price: float,
    rate: float,
    credit_spread: float,
    dividend_yield: float = 0.0,
    steps: int = 1000,
    clean: bool = False,
    bracket: tuple[float, float] = (0.01, 3.0),
    tolerance: float = 1e-7,
) -> float: ...
@overload
def implied_volatility(
    note: ConvertibleNote,
    *,
    price: ArrayLike,
    valuation_date: _dt.date,
    share_price: ArrayLike,
    rate: ArrayLike,
    credit_spread: ArrayLike,
    dividend_yield: ArrayLike = 0.0,
    steps: int = 1000,
    clean: bool = False,
    bracket: tuple[float, float] = (0.01, 3.0),
    tolerance: float = 1e-7,
) -> FloatArray: ...
def implied_volatility(
    note: ConvertibleNote,
    *,
    price: ArrayLike,
    valuation_date: _dt.date,
    share_price: ArrayLike,
    rate: ArrayLike,
    credit_spread: ArrayLike,
    dividend_yield: ArrayLike = 0.0,
    steps: int = 1000,
    clean: bool = False,
    bracket: tuple[float, float] = (0.01, 3.0),
    tolerance: float = 1e-7,
) -> float | FloatArray:
    """The volatility at which :func:`treasurymodel.value_convertible` equals ``price``.

    Parameters
    ----------
    note, valuation_date, share_price, rate, credit_spread, dividend_yield, steps
        As for :func:`treasurymodel.value_convertible`; market inputs and ``price``
        broadcast.
    price
        Market price per 100 of principal: dirty, or clean with ``clean=True``.
    clean
        Whether ``price`` is clean (accrued interest is then added before solving).
    bracket
        Volatilities searched, ``(low, high)``. The low end is raised where needed to keep
        the tree's probabilities in (0, 1).
    tolerance
        Width of the final bracket, in volatility.

    Raises
    ------
    ConvergenceError
        If a price lies outside the values the note takes over the bracket: a price below
        the low-volatility value (near the bond floor or the conversion value) has no
        implied volatility. The message names the price, the range and the element.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import ConvertibleNote, implied_volatility, value_convertible
    >>> note = ConvertibleNote(name="0% 2031", principal=1e9, issued=dt.date(2026, 1, 1),
    ...     maturity=dt.date(2031, 1, 1), conversion_price=100.0)
    >>> kw = dict(valuation_date=dt.date(2026, 1, 1), share_price=80.0, rate=0.04,
    ...     credit_spread=0.03, steps=300)
    >>> price = value_convertible(note, volatility=0.45, **kw)
    >>> round(implied_volatility(note, price=price, **kw), 6)
    0.45
    >>> implied_volatility(note, price=60.0, **kw)
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ConvergenceError: price 60 is outside the values 80 to 150.39...
    that the note takes for volatility in [0.01, 3]: no implied volatility in that bracket
    """
    lattice = prepare(note, valuation_date, steps)
    low, high = _check_bracket("bracket", bracket, low=0.0)
    tol = check_finite("tolerance", tolerance)
    if low <= 0.0:
        raise ValidationError("bracket", bracket, "volatilities must be positive")
    if tol <= 0.0:
        raise ValidationError("tolerance", tolerance, "must be positive")
    flat, shape, scalar = broadcast(
        {
            "price": (price, "non_negative"),
            "share_price": (share_price, "non_negative"),
            "rate": (rate, "finite"),
            "credit_spread": (credit_spread, "non_negative"),
            "dividend_yield": (dividend_yield, "finite"),
        }
    )
    s, r, spread, q = (flat[k] for k in ("share_price", "rate", "credit_spread", "dividend_yield"))
    target = _target(note, valuation_date, flat["price"], clean)
    floor = 1.000001 * np.abs(r - q) * math.sqrt(lattice.dt) + 1e-12
    lows = np.maximum(low, floor)
    if (lows >= high).any():
        k = int(np.argmax(lows >= high))
        raise ValidationError(
            "bracket", bracket, f"is below the lowest usable volatility {lows[k]}"
        )

    def value(x: FloatArray, rows: IntArray) -> FloatArray:
        return _values(lattice, s[rows], x, r[rows], spread[rows], q[rows])

    result = _solve(
        value,
        target,
        lows,
        np.full(target.shape, high),
        tolerance=tol,
        what="volatility",
        scalar=scalar,
    )
    return output(result, shape, scalar)  # type: ignore[no-any-return]


def _values(
    lattice: Lattice,
    s: FloatArray,
    sigma: FloatArray,
    r: FloatArray,
    spread: FloatArray,
    q: FloatArray,
) -> FloatArray:
    return tree_values(
        lattice, share_price=s, volatility=sigma, rate=r, credit_spread=spread, dividend_yield=q
    )


@overload
def implied_credit_spread(  # type: ignore[overload-overlap]
    note: ConvertibleNote,
    *,
    price: float,
    valuation_date: _dt.date,
    share_price: float,
    volatility: float,
    rate: float,
    dividend_yield: float = 0.0,
    steps: int = 1000,
    clean: bool = False,
    bracket: tuple[float, float] = (0.0, 1.0),
    tolerance: float = 1e-7,
) -> float: ...
@overload
def implied_credit_spread(
    note: ConvertibleNote,
    *,
    price: ArrayLike,
    valuation_date: _dt.date,
    share_price: ArrayLike,
    volatility: ArrayLike,
    rate: ArrayLike,
    dividend_yield: ArrayLike = 0.0,
    steps: int = 1000,
    clean: bool = False,
    bracket: tuple[float, float] = (0.0, 1.0),
    tolerance: float = 1e-7,
) -> FloatArray: ...
def implied_credit_spread(
    note: ConvertibleNote,
    *,
    price: ArrayLike,
    valuation_date: _dt.date,
    share_price: ArrayLike,
    volatility: ArrayLike,
    rate: ArrayLike,
    dividend_yield: ArrayLike = 0.0,
    steps: int = 1000,
    clean: bool = False,
    bracket: tuple[float, float] = (0.0, 1.0),
    tolerance: float = 1e-7,
) -> float | FloatArray:
    """The credit spread at which :func:`treasurymodel.value_convertible` equals ``price``.

    Parameters
    ----------
    note, valuation_date, share_price, volatility, rate, dividend_yield, steps
        As for :func:`treasurymodel.value_convertible`; market inputs and ``price``
        broadcast.
    price
        Market price per 100 of principal: dirty, or clean with ``clean=True``.
    clean
        Whether ``price`` is clean.
    bracket
        Spreads searched, ``(low, high)``, continuously compounded; ``low >= 0``.
    tolerance
        Width of the final bracket, in spread.

    Raises
    ------
    ConvergenceError
        If a price lies outside the values the note takes over the bracket: above the
        zero-spread value, or below the value at the widest spread (near the conversion
        value, where the spread hardly matters).

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import ConvertibleNote, implied_credit_spread, value_convertible
    >>> note = ConvertibleNote(name="0% 2031", principal=1e9, issued=dt.date(2026, 1, 1),
    ...     maturity=dt.date(2031, 1, 1), conversion_price=100.0)
    >>> kw = dict(valuation_date=dt.date(2026, 1, 1), share_price=80.0, volatility=0.5,
    ...     rate=0.04, steps=300)
    >>> price = value_convertible(note, credit_spread=0.025, **kw)
    >>> round(implied_credit_spread(note, price=price, **kw), 6)
    0.025
    """
    lattice = prepare(note, valuation_date, steps)
    low, high = _check_bracket("bracket", bracket, low=0.0)
    tol = check_finite("tolerance", tolerance)
    if tol <= 0.0:
        raise ValidationError("tolerance", tolerance, "must be positive")
    flat, shape, scalar = broadcast(
        {
            "price": (price, "non_negative"),
            "share_price": (share_price, "non_negative"),
            "volatility": (volatility, "positive"),
            "rate": (rate, "finite"),
            "dividend_yield": (dividend_yield, "finite"),
        }
    )
    s, sigma, r, q = (flat[k] for k in ("share_price", "volatility", "rate", "dividend_yield"))
    target = _target(note, valuation_date, flat["price"], clean)

    def value(x: FloatArray, rows: IntArray) -> FloatArray:
        return _values(lattice, s[rows], sigma[rows], r[rows], x, q[rows])

    result = _solve(
        value,
        target,
        np.full(target.shape, low),
        np.full(target.shape, high),
        tolerance=tol,
        what="credit spread",
        scalar=scalar,
    )
    return output(result, shape, scalar)  # type: ignore[no-any-return]
