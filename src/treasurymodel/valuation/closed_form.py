"""The Tsiveriotis–Fernandes value of a zero-coupon convertible in closed form.

For a note with no coupon, no holder put and no issuer call, converting only at maturity,
the two components are a Black–Scholes asset-or-nothing claim (shares, discounted at the
risk-free rate) and a cash-or-nothing claim (the redemption, discounted at the risk-free
rate plus the credit spread):

.. math::

    V = n\\,S\\,N(d_1) + F\\,e^{-(r + s)T}\\,N(-d_2),\\qquad
    d_{1,2} = \\frac{\\ln(nS/F) + (r \\pm \\sigma^2/2)\\,T}{\\sigma\\sqrt{T}},

with ``n`` shares per ``F = 100`` of principal. With a zero spread early conversion never
pays and this is the note's value; with a positive spread the tree's holder may convert
early where the cash component, discounted at the higher rate, is worth less than the
shares, so the tree value can be slightly higher (see :doc:`/theory/valuation`).
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any, overload

import numpy as np

from .._typing import ArrayLike, FloatArray
from ..errors import ValidationError
from ..instruments import ConvertibleNote
from ._inputs import broadcast, check_note, check_note_date, output, years
from ._lattice import normal_cdf

__all__ = ["normal_cdf", "value_zero_coupon_convertible"]


def _check_plain_zero(note: Any, valuation_date: Any) -> tuple[ConvertibleNote, _dt.date]:
    note = check_note(note)
    day = check_note_date(note, valuation_date)
    if note.coupon != 0.0:
        raise ValidationError(
            f"{note.name}.coupon", note.coupon, "must be 0 for the zero-coupon closed form"
        )
    if any(p > day for p in note.puts):
        raise ValidationError(
            f"{note.name}.puts", note.puts, "must be empty (past) for the closed form"
        )
    if note.call_from is not None:
        raise ValidationError(
            f"{note.name}.call_from", note.call_from, "must be None for the closed form"
        )
    return note, day


@overload
def value_zero_coupon_convertible(  # type: ignore[overload-overlap]
    note: ConvertibleNote,
    *,
    valuation_date: _dt.date,
    share_price: float,
    volatility: float,
    rate: float,
    credit_spread: float,
) -> float: ...
@overload
def value_zero_coupon_convertible(
    note: ConvertibleNote,
    *,
    valuation_date: _dt.date,
    share_price: ArrayLike,
    volatility: ArrayLike,
    rate: ArrayLike,
    credit_spread: ArrayLike,
) -> FloatArray: ...
def value_zero_coupon_convertible(
    note: ConvertibleNote,
    *,
    valuation_date: _dt.date,
    share_price: ArrayLike,
    volatility: ArrayLike,
    rate: ArrayLike,
    credit_spread: ArrayLike,
) -> float | FloatArray:
    """Closed-form Tsiveriotis–Fernandes value of a zero-coupon note, per 100 of principal.

    Valid for a note with no coupon, no future put and no call, on a share paying no
    dividends; the share converts only at maturity (European). Time is ACT/365F from
    ``valuation_date``; ``rate`` and ``credit_spread`` are continuously compounded. All
    market inputs broadcast.

    Parameters
    ----------
    note
        A zero-coupon convertible without a future put or a call.
    valuation_date
        Date of the valuation, from the issue date to the day before maturity.
    share_price
        Share price, ``>= 0``; float or array.
    volatility
        Annual volatility of the share price, a fraction in ``[1e-4, 5]``: below 1e-4 the
        formula divides by almost zero (its limit is the deterministic bond, not priced
        here). Float or array.
    rate, credit_spread
        Continuously compounded risk-free rate in ``[-1, 1]`` and credit spread in
        ``[0, 5]``; floats or arrays.

    Returns
    -------
    float or numpy.ndarray
        A float when every market input is a number, else an array of their broadcast shape.

    Raises
    ------
    ValidationError
        If the note has a coupon, a future put or a call, or an input is invalid (ranges as
        for :func:`treasurymodel.valuation.value_convertible`).

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import ConvertibleNote
    >>> from treasurymodel.valuation import value_zero_coupon_convertible
    >>> note = ConvertibleNote(name="0% 2031", principal=1e9, issued=dt.date(2026, 1, 1),
    ...     maturity=dt.date(2031, 1, 1), conversion_price=100.0)
    >>> round(value_zero_coupon_convertible(note, valuation_date=dt.date(2026, 1, 1),
    ...     share_price=80.0, volatility=0.5, rate=0.04, credit_spread=0.03), 2)
    107.05

    With a zero share price it is the redemption discounted at ``rate + credit_spread``:

    >>> round(value_zero_coupon_convertible(note, valuation_date=dt.date(2026, 1, 1),
    ...     share_price=0.0, volatility=0.5, rate=0.04, credit_spread=0.03), 6)
    70.455296
    """
    note, day = _check_plain_zero(note, valuation_date)
    flat, shape, scalar = broadcast(
        share_price=share_price, volatility=volatility, rate=rate, credit_spread=credit_spread
    )
    s, sigma, r, spread = (
        flat["share_price"],
        flat["volatility"],
        flat["rate"],
        flat["credit_spread"],
    )
    t = years(day, note.maturity)
    ratio = note.conversion_rate / 10.0
    parity = ratio * s
    root = sigma * math.sqrt(t)
    with np.errstate(divide="ignore"):
        d1 = (np.log(parity / 100.0) + (r + 0.5 * sigma * sigma) * t) / root
    d2 = d1 - root
    value = parity * normal_cdf(d1) + 100.0 * np.exp(-(r + spread) * t) * normal_cdf(-d2)
    return output(np.asarray(value, dtype=np.float64), shape, scalar)  # type: ignore[no-any-return]
