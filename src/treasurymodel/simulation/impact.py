"""Market impact: the price a path trades at when it sells (or buys) the reserve asset.

The square-root law of market impact: a trade of :math:`q` units, against a daily volume of
:math:`V` units, moves the price by a fraction

.. math:: I(q) = c\\,\\sqrt{q / V},

with :math:`c = Y\\sigma_{daily}` of the order of the asset's daily volatility (:math:`Y`
close to 1 across markets; Tóth et al., "Anomalous price impact and the critical nature of
liquidity in financial markets", Phys. Rev. X 1, 021006, 2011). After the trade the price
relaxes to a permanent part of about two thirds of the peak impact (Farmer, Gerig, Lillo and
Waelbroeck, "How efficiency shapes market impact", Quantitative Finance 13, 2013).

The model applies an impact :math:`I` by *dividing* the price by :math:`1 + I` for a sale
(multiplying by :math:`1 + I` for a purchase). For small :math:`I` this is the classic
:math:`P(1 - I)`; unlike it, the price stays positive and the proceeds
:math:`qP/(1 + c\\sqrt{q/V})` grow with the quantity sold, so the quantity that raises an
amount has a closed form (:meth:`ImpactModel.units_for_proceeds`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import overload

import attrs
import numpy as np

from .._typing import ArrayInput, ArrayLike, FloatArray
from ..errors import ValidationError
from ..validators import in_range, non_negative, positive, to_float
from .models import _PRICE_RANGE

__all__ = ["ImpactModel"]


def _array(field: str, value: ArrayLike) -> FloatArray:
    try:
        raw = np.asarray(value)
        if raw.dtype.kind not in "iufO":  # bool, complex, text...
            raise TypeError
        arr = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValidationError(field, value, "must be a number or an array of numbers") from None
    if not bool(np.all(np.isfinite(arr))) or bool(np.any(arr < 0.0)):
        raise ValidationError(field, value, "must be finite and non-negative")
    return arr


def _price(value: ArrayLike) -> FloatArray:
    """``asset_price`` as an array, every element in the simulations' range (1e-200 to 1e200)."""
    p = _array("asset_price", value)
    low, high = _PRICE_RANGE
    if p.size and not (low <= float(p.min()) and float(p.max()) <= high):
        raise ValidationError("asset_price", value, f"must lie in [{low:g}, {high:g}]")
    return p


def _out(field: str, value: ArrayLike, compute: Callable[[], FloatArray]) -> float | FloatArray:
    """``compute()``, a float for 0-d; a result beyond float64 is blamed on ``field``."""
    try:
        with np.errstate(over="raise", invalid="raise"):
            result = compute()
    except FloatingPointError:
        raise ValidationError(field, value, "too large: the result overflows float64") from None
    return float(result) if result.ndim == 0 else result


@attrs.frozen(kw_only=True)
class ImpactModel:
    """Square-root market impact of the company's own trades, with a permanent part.

    A sale of :math:`q` units at a pre-trade price :math:`P` executes at
    :math:`P / (1 + I)` with :math:`I = c\\sqrt{q/V}` (the temporary, total impact); from
    then on the path's prices are divided by :math:`1 + \\phi I` (the permanent part,
    :math:`\\phi` = ``permanent_fraction``). Purchases multiply instead of dividing.

    Parameters
    ----------
    daily_volume
        Units of the asset traded in a day (required: estimates of genuine spot volume differ
        by an order of magnitude between sources; choose and state your own).
    coefficient
        :math:`c`, the impact of selling one day's volume. The default 0.03 is
        :math:`Y\\sigma_{daily}` with :math:`Y = 1` and a daily volatility of 3%
        (about 57% a year, bitcoin's typical level).
    permanent_fraction
        :math:`\\phi` in ``[0, 1]``: the share of the impact that stays (2/3 by default).

    Notes
    -----
    The methods take a float or an array for ``units``, ``amount`` and ``asset_price`` and
    broadcast them (a float in gives a float out). Units and amounts must be finite and
    non-negative; prices must lie in ``[1e-200, 1e200]``, the range every simulated price
    lies in (:func:`~treasurymodel.simulation.simulate_paths`). A result beyond float64 (say, the
    units
    that raise 1e300 at a price of 1e-200) is refused by a ``ValidationError`` naming the
    quantity rather than returned as ``inf``.

    Examples
    --------
    >>> m = ImpactModel(daily_volume=100_000.0)
    >>> round(m.fraction(25_000.0), 6)
    0.015
    >>> round(m.execution_price(25_000.0, asset_price=60_000.0), 4)
    59113.3005
    >>> raised = m.proceeds(25_000.0, asset_price=60_000.0)
    >>> round(m.units_for_proceeds(raised, asset_price=60_000.0), 6)
    25000.0
    """

    daily_volume: float = attrs.field(converter=to_float, validator=positive)
    coefficient: float = attrs.field(default=0.03, converter=to_float, validator=non_negative)
    permanent_fraction: float = attrs.field(
        default=2.0 / 3.0, converter=to_float, validator=in_range(0.0, 1.0, high_closed=True)
    )

    @property
    def scale(self) -> float:
        """:math:`a = c / \\sqrt{V}`, so that :math:`I(q) = a\\sqrt{q}`.

        Examples
        --------
        >>> ImpactModel(daily_volume=100.0, coefficient=0.5).scale
        0.05
        """
        return self.coefficient / math.sqrt(self.daily_volume)

    @overload
    def fraction(self, units: float) -> float: ...
    @overload
    def fraction(self, units: ArrayInput) -> FloatArray: ...
    def fraction(self, units: ArrayLike) -> float | FloatArray:
        """Impact :math:`I = c\\sqrt{q/V}` of trading ``units`` (broadcasts).

        Examples
        --------
        >>> ImpactModel(daily_volume=100.0, coefficient=0.1).fraction(25.0)
        0.05
        """
        q = _array("units", units)
        return _out("units", units, lambda: self.scale * np.sqrt(q))

    @overload
    def execution_price(self, units: float, *, asset_price: float, buy: bool = False) -> float: ...
    @overload
    def execution_price(
        self, units: ArrayInput, *, asset_price: ArrayLike, buy: bool = False
    ) -> FloatArray: ...
    @overload
    def execution_price(
        self, units: ArrayLike, *, asset_price: ArrayInput, buy: bool = False
    ) -> FloatArray: ...
    def execution_price(
        self, units: ArrayLike, *, asset_price: ArrayLike, buy: bool = False
    ) -> float | FloatArray:
        """Average price of a trade of ``units``: :math:`P/(1+I)` (sale) or :math:`P(1+I)` (buy).

        Examples
        --------
        >>> m = ImpactModel(daily_volume=100.0, coefficient=0.1)
        >>> sale = m.execution_price(25.0, asset_price=105.0)
        >>> sale, m.execution_price(25.0, asset_price=100.0, buy=True)
        (100.0, 105.0)
        """
        q = _array("units", units)
        p = _price(asset_price)
        factor = 1.0 + self.scale * np.sqrt(q)
        return _out("units", units, lambda: p * factor if buy else p / factor)

    @overload
    def proceeds(self, units: float, *, asset_price: float) -> float: ...
    @overload
    def proceeds(self, units: ArrayInput, *, asset_price: ArrayLike) -> FloatArray: ...
    @overload
    def proceeds(self, units: ArrayLike, *, asset_price: ArrayInput) -> FloatArray: ...
    def proceeds(self, units: ArrayLike, *, asset_price: ArrayLike) -> float | FloatArray:
        """Cash raised selling ``units`` at pre-trade ``asset_price``: :math:`qP/(1 + a\\sqrt q)`.

        Examples
        --------
        >>> ImpactModel(daily_volume=100.0, coefficient=0.1).proceeds(25.0, asset_price=105.0)
        2500.0
        """
        q = _array("units", units)
        p = _price(asset_price)
        return _out("units", units, lambda: q * p / (1.0 + self.scale * np.sqrt(q)))

    @overload
    def units_for_proceeds(self, amount: float, *, asset_price: float) -> float: ...
    @overload
    def units_for_proceeds(self, amount: ArrayInput, *, asset_price: ArrayLike) -> FloatArray: ...
    @overload
    def units_for_proceeds(self, amount: ArrayLike, *, asset_price: ArrayInput) -> FloatArray: ...
    def units_for_proceeds(
        self, amount: ArrayLike, *, asset_price: ArrayLike
    ) -> float | FloatArray:
        """Units to sell to raise ``amount``: :math:`q = s^2` with :math:`P s^2 = A(1 + a s)`.

        .. math:: s = \\frac{A a + \\sqrt{A^2 a^2 + 4 P A}}{2P}

        Examples
        --------
        >>> ImpactModel(daily_volume=100.0, coefficient=0.1).units_for_proceeds(
        ...     2500.0, asset_price=105.0)
        25.0
        """
        a_ = _array("amount", amount)
        p = _price(asset_price)
        return _out("amount", amount, lambda: _sell_units(a_, p, self.scale))


def _sell_units(amount: FloatArray, asset_price: FloatArray, scale: float) -> FloatArray:
    """Units whose sale at ``asset_price`` raises ``amount`` at impact ``scale`` (a = c/sqrt V)."""
    if scale == 0.0:
        return amount / asset_price
    ra = amount * scale
    s = (ra + np.sqrt(ra * ra + 4.0 * asset_price * amount)) / (2.0 * asset_price)
    return s * s
