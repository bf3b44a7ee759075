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
from typing import Any, Literal, overload

import numpy as np

from .._typing import ArrayLike, FloatArray, IntArray
from ..errors import ConvergenceError, ValidationError
from ..instruments import ConvertibleNote
from ..validators import check_finite
from ._inputs import MAX_SPREAD, MAX_VOLATILITY, MIN_VOLATILITY, broadcast, check_flag, output
from .convertible import accrued_per_100, prepare, step_curves, tree_values
from .curve import Curve

__all__ = ["implied_credit_spread", "implied_volatility"]

_MAX_ITERATIONS = 200

Unknown = Literal["volatility", "credit_spread"]

# The bracket allowed for each unknown: (lowest, lowest allowed?, highest).
_BRACKETS: dict[Unknown, tuple[float, bool, float]] = {
    "volatility": (MIN_VOLATILITY, True, MAX_VOLATILITY),
    "credit_spread": (0.0, True, MAX_SPREAD),
}


def _check_bracket(unknown: Unknown, bracket: Any) -> tuple[float, float]:
    lowest, closed, highest = _BRACKETS[unknown]
    if isinstance(bracket, str | bytes):
        raise ValidationError("bracket", bracket, "must be a pair (low, high)")
    try:
        a, b = bracket
    except (TypeError, ValueError):
        raise ValidationError("bracket", bracket, "must be a pair (low, high)") from None
    a, b = check_finite("bracket", a), check_finite("bracket", b)
    if not ((lowest <= a) if closed else (lowest < a)) or not a < b <= highest:
        sign = "<=" if closed else "<"
        raise ValidationError(
            "bracket", bracket, f"must satisfy {lowest:g} {sign} low < high <= {highest:g}"
        )
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
    outside = np.sign(f_lo) * np.sign(f_hi) > 0.0  # signs: the product could overflow
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
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            c = bi - fbi * (bi - ai) / (fbi - fai)
        lo, hi = np.minimum(ai, bi), np.maximum(ai, bi)
        slow = np.abs(bi - ai) > 0.5 * width_2[idx]
        bisect = ~((c > lo) & (c < hi)) | slow
        c = np.where(bisect, 0.5 * (ai + bi), c)
        fc = value(c, idx) - target[idx]
        # Illinois: keep a bracket [a, b] with b the newest point.
        flip = np.sign(fc) * np.sign(fbi) < 0.0
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


def _implied(
    note: Any,
    unknown: Unknown,
    *,
    price: Any,
    valuation_date: Any,
    market: dict[str, Any],
    steps: Any,
    clean: Any,
    bracket: Any,
    tolerance: Any,
) -> Any:
    """The value of ``unknown`` at which the tree value equals ``price``, elementwise.

    ``market`` holds the other four market inputs of :func:`value_convertible` by name.
    """
    lattice = prepare(note, valuation_date, steps)
    quoted = check_flag("clean", clean)
    low, high = _check_bracket(unknown, bracket)
    tol = check_finite("tolerance", tolerance)
    if tol <= 0.0:
        raise ValidationError("tolerance", tolerance, "must be positive")
    rate, spread, curves = step_curves(lattice, market["rate"], market.get("credit_spread", 0.0))
    market = {**market, "rate": rate}
    if "credit_spread" in market:
        market["credit_spread"] = spread
    flat, shape, scalar = broadcast(price=price, **market)
    target = flat.pop("price")
    if quoted:  # solve for the dirty price
        target = target + accrued_per_100(note, valuation_date)
    lows = np.full(target.shape, low)
    if unknown == "volatility":
        # Below |r - q| sqrt(dt) the tree's up probability leaves (0, 1).
        r = flat["rate"]
        if curves[0] is not None:  # the rate of the step farthest from the yield
            rates = curves[0]
            r = np.where(
                np.abs(rates.max() - flat["dividend_yield"])
                > np.abs(rates.min() - flat["dividend_yield"]),
                rates.max(),
                rates.min(),
            )
        floor = 1.000001 * np.abs(r - flat["dividend_yield"]) * math.sqrt(lattice.dt)
        lows = np.maximum(lows, floor + 1e-12)
        if (lows >= high).any():
            k = int(np.argmax(lows >= high))
            raise ValidationError(
                "bracket", bracket, f"is below the lowest usable volatility {lows[k]}"
            )

    def value(x: FloatArray, rows: IntArray) -> FloatArray:
        inputs = {name: a[rows] for name, a in flat.items()}
        inputs[unknown] = x
        return tree_values(
            lattice,
            share_price=inputs["share_price"],
            volatility=inputs["volatility"],
            rate=inputs["rate"],
            credit_spread=inputs["credit_spread"],
            dividend_yield=inputs["dividend_yield"],
            curves=curves,
        )

    what = unknown.replace("_", " ")
    result = _solve(
        value,
        target,
        lows,
        np.full(target.shape, high),
        tolerance=tol,
        what=what,
        scalar=scalar,
    )
    return output(result, shape, scalar)


@overload
def implied_volatility(  # type: ignore[overload-overlap]
    note: ConvertibleNote,
    *,
    price: float,
    valuation_date: _dt.date,
    share_price: float,
    rate: float | Curve,
    credit_spread: float | Curve,
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
    rate: ArrayLike | Curve,
    credit_spread: ArrayLike | Curve,
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
    rate: ArrayLike | Curve,
    credit_spread: ArrayLike | Curve,
    dividend_yield: ArrayLike = 0.0,
    steps: int = 1000,
    clean: bool = False,
    bracket: tuple[float, float] = (0.01, 3.0),
    tolerance: float = 1e-7,
) -> float | FloatArray:
    """The volatility at which :func:`treasurymodel.valuation.value_convertible` equals ``price``.

    Parameters
    ----------
    note, valuation_date, share_price, rate, credit_spread, dividend_yield, steps
        As for :func:`treasurymodel.valuation.value_convertible`; market inputs and ``price``
        broadcast.
    price
        Market price per 100 of principal, in ``[0, 1e9]``: dirty, or clean with
        ``clean=True``.
    clean
        Whether ``price`` is clean (accrued interest is then added before solving).
    bracket
        Volatilities searched, ``(low, high)`` with ``1e-4 <= low < high <= 5``. The low end is
        raised where needed to keep the tree's probabilities in (0, 1).
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
    >>> from treasurymodel import ConvertibleNote
    >>> from treasurymodel.valuation import implied_volatility, value_convertible
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
    return _implied(  # type: ignore[no-any-return]
        note,
        "volatility",
        price=price,
        valuation_date=valuation_date,
        market={
            "share_price": share_price,
            "rate": rate,
            "credit_spread": credit_spread,
            "dividend_yield": dividend_yield,
        },
        steps=steps,
        clean=clean,
        bracket=bracket,
        tolerance=tolerance,
    )


@overload
def implied_credit_spread(  # type: ignore[overload-overlap]
    note: ConvertibleNote,
    *,
    price: float,
    valuation_date: _dt.date,
    share_price: float,
    volatility: float,
    rate: float | Curve,
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
    rate: ArrayLike | Curve,
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
    rate: ArrayLike | Curve,
    dividend_yield: ArrayLike = 0.0,
    steps: int = 1000,
    clean: bool = False,
    bracket: tuple[float, float] = (0.0, 1.0),
    tolerance: float = 1e-7,
) -> float | FloatArray:
    """The credit spread at which :func:`treasurymodel.valuation.value_convertible` equals
    ``price``.

    Parameters
    ----------
    note, valuation_date, share_price, volatility, rate, dividend_yield, steps
        As for :func:`treasurymodel.valuation.value_convertible`; market inputs and ``price``
        broadcast.
    price
        Market price per 100 of principal, in ``[0, 1e9]``: dirty, or clean with
        ``clean=True``.
    clean
        Whether ``price`` is clean.
    bracket
        Spreads searched, ``(low, high)``, continuously compounded, with
        ``0 <= low < high <= 5``.
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
    >>> from treasurymodel import ConvertibleNote
    >>> from treasurymodel.valuation import implied_credit_spread, value_convertible
    >>> note = ConvertibleNote(name="0% 2031", principal=1e9, issued=dt.date(2026, 1, 1),
    ...     maturity=dt.date(2031, 1, 1), conversion_price=100.0)
    >>> kw = dict(valuation_date=dt.date(2026, 1, 1), share_price=80.0, volatility=0.5,
    ...     rate=0.04, steps=300)
    >>> price = value_convertible(note, credit_spread=0.025, **kw)
    >>> round(implied_credit_spread(note, price=price, **kw), 6)
    0.025
    """
    return _implied(  # type: ignore[no-any-return]
        note,
        "credit_spread",
        price=price,
        valuation_date=valuation_date,
        market={
            "share_price": share_price,
            "volatility": volatility,
            "rate": rate,
            "dividend_yield": dividend_yield,
        },
        steps=steps,
        clean=clean,
        bracket=bracket,
        tolerance=tolerance,
    )
