"""Premium models: the share price of a simulated company, through its mNAV.

A premium model maps the state of every path at a step to an mNAV (the company's own
definition: enterprise value over BTC Reserve). The engine turns the mNAV into a share price
with ``_share_price_from_mnav``, the same formula as
:func:`treasurymodel.kpi.share_price_for_mnav`, floored at ``MIN_SHARE_PRICE`` (0.01).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any, Final, Protocol, runtime_checkable

import attrs
import numpy as np

from .._typing import FloatArray
from ..errors import ValidationError
from ..validators import non_negative, optional, positive, to_float

__all__ = [
    "MIN_SHARE_PRICE",
    "CallablePremium",
    "ConstantPremium",
    "PeakCompressionPremium",
    "PremiumModel",
    "PremiumState",
]

MAX_MNAV: Final = 1_000.0
"""Largest constant mNAV (a stock at a thousand times its BTC Reserve; beyond, share prices
computed from it leave the float range at extreme paths)."""

MIN_SHARE_PRICE: Final = 0.01
"""Lowest share price the engine uses (reporting currency): where mNAV × BTC Reserve does not
cover debt + preferred − cash, the formula gives zero or less, and a stock never trades there.
Conversions, puts and issuance then see a worthless stock.

Examples
--------
>>> from treasurymodel.simulation import MIN_SHARE_PRICE
>>> MIN_SHARE_PRICE
0.01
"""


@attrs.frozen(kw_only=True, eq=False)
class PremiumState:
    """What a premium model sees at one step, for every path at once (arrays of shape (paths,)).

    The arrays are the engine's working state: read them, never modify them.

    Attributes
    ----------
    step
        Index of the step (0 is the first date).
    date
        Date of the step.
    years
        Years since the first date (ACT/365.25).
    asset_price
        Asset price after market impact.
    peak
        Running maximum of ``asset_price`` since the first date (and the model's own starting peak,
        if any), or ``None`` when the model does not use it (``uses_peak`` false).
    units
        Units held (pledged or not).
    cash
        Cash.
    debt
        Outstanding debt principal, reporting currency.
    preferred
        Outstanding preferred notional, reporting currency.
    shares
        Basic shares outstanding.

    Examples
    --------
    >>> import datetime as dt, numpy as np
    >>> one = np.ones(2)
    >>> s = PremiumState(step=0, date=dt.date(2026, 1, 1), years=0.0, asset_price=one * 50.0,
    ...     peak=one * 100.0, units=one, cash=one, debt=one, preferred=one, shares=one)
    >>> (s.asset_price / s.peak).tolist()
    [0.5, 0.5]
    """

    step: int
    date: _dt.date
    years: float
    asset_price: FloatArray
    peak: FloatArray | None
    units: FloatArray
    cash: FloatArray
    debt: FloatArray
    preferred: FloatArray
    shares: FloatArray


@runtime_checkable
class PremiumModel(Protocol):
    """What the scenario engine needs from a premium model.

    ``mnav(state)`` returns the mNAV of every path (a float, or an array of shape (paths,)),
    finite and non-negative. ``uses_peak`` says whether the model reads ``state.peak`` (the
    engine only tracks the running peak when it does).

    Examples
    --------
    >>> isinstance(ConstantPremium(mnav=1.2), PremiumModel)
    True
    """

    @property
    def uses_peak(self) -> bool:
        """Whether :attr:`PremiumState.peak` is needed."""
        ...

    def mnav(self, state: PremiumState) -> FloatArray | float:
        """mNAV of every path at the step described by ``state``."""
        ...


def _at_most_max_mnav(instance: Any, attribute: attrs.Attribute[Any], value: float) -> None:
    if value > MAX_MNAV:
        raise ValidationError(
            f"{type(instance).__name__}.mnav", value, f"must be at most {MAX_MNAV:,.0f}"
        )


@attrs.frozen(kw_only=True)
class ConstantPremium:
    """The same mNAV on every path at every step.

    Parameters
    ----------
    mnav
        The multiple, from 0 to 1,000 (1.0: enterprise value equals the BTC Reserve).

    Examples
    --------
    >>> ConstantPremium(mnav=1.5).mnav(None)  # the state is not read
    1.5
    """

    mnav_level: float = attrs.field(
        default=1.0, converter=to_float, validator=[non_negative, _at_most_max_mnav], alias="mnav"
    )

    @property
    def uses_peak(self) -> bool:
        """Always false.

        Examples
        --------
        >>> ConstantPremium().uses_peak
        False
        """
        return False

    def mnav(self, state: Any) -> float:
        """The constant multiple."""
        return self.mnav_level


@attrs.frozen(kw_only=True)
class PeakCompressionPremium:
    """An mNAV that compresses as the asset falls from its running peak, down to a floor.

    .. math:: m = \\max\\bigl(m_{floor},\\; m_0 - k\\,(1 - P / P_{peak})\\bigr)

    where :math:`P_{peak}` is the running maximum of the (impacted) price since the first
    date, started at ``peak`` when given. At the peak the mNAV is ``initial``; a drawdown of
    :math:`d` lowers it by ``sensitivity`` × :math:`d`.

    Parameters
    ----------
    initial
        mNAV at the running peak, >= 0.
    floor
        Lowest mNAV, between 0 and ``initial``.
    sensitivity
        mNAV lost per unit of drawdown, >= 0 (4.0: a 25% drawdown costs 1.0 of mNAV).
    peak
        Optional starting peak (an all-time high before the first date), > 0.

    Examples
    --------
    >>> import datetime as dt, numpy as np
    >>> m = PeakCompressionPremium(initial=2.0, floor=0.8, sensitivity=4.0)
    >>> one = np.ones(3)
    >>> s = PremiumState(step=1, date=dt.date(2026, 1, 1), years=0.0,
    ...     asset_price=np.array([100.0, 75.0, 10.0]), peak=one * 100.0, units=one, cash=one,
    ...     debt=one, preferred=one, shares=one)
    >>> m.mnav(s).tolist()
    [2.0, 1.0, 0.8]
    """

    initial: float = attrs.field(converter=to_float, validator=non_negative)
    floor: float = attrs.field(converter=to_float, validator=non_negative)
    sensitivity: float = attrs.field(converter=to_float, validator=non_negative)
    peak: float | None = attrs.field(
        default=None, converter=to_float, validator=optional(positive)
    )

    def __attrs_post_init__(self) -> None:
        if self.floor > self.initial:
            raise ValidationError(
                "PeakCompressionPremium.floor", self.floor, f"exceeds initial {self.initial}"
            )

    @property
    def uses_peak(self) -> bool:
        """Always true.

        Examples
        --------
        >>> PeakCompressionPremium(initial=1.0, floor=1.0, sensitivity=0.0).uses_peak
        True
        """
        return True

    def mnav(self, state: PremiumState) -> FloatArray:
        """``max(floor, initial - sensitivity * (1 - price / peak))`` for every path."""
        if state.peak is None:
            raise ValidationError("PremiumState.peak", None, "is needed by this model")
        peak = state.peak if self.peak is None else np.maximum(state.peak, self.peak)
        drawdown = 1.0 - state.asset_price / peak
        return np.maximum(self.initial - self.sensitivity * drawdown, self.floor)


@attrs.frozen(kw_only=True)
class CallablePremium:
    """Any user function of the state: ``fn(state) -> mNAV`` (float or array of shape (paths,)).

    The engine checks what ``fn`` returns (finite, non-negative, the right shape). A lambda
    cannot be pickled: use a module-level function to run on worker processes.

    Parameters
    ----------
    fn
        The function.
    uses_peak
        Whether ``fn`` reads ``state.peak`` (default true; false saves work).

    Examples
    --------
    >>> import datetime as dt, numpy as np
    >>> m = CallablePremium(fn=lambda s: np.where(s.asset_price < 50.0, 0.9, 1.3), uses_peak=False)
    >>> one = np.ones(2)
    >>> s = PremiumState(step=0, date=dt.date(2026, 1, 1), years=0.0,
    ...     asset_price=np.array([40.0, 60.0]), peak=None, units=one, cash=one, debt=one,
    ...     preferred=one, shares=one)
    >>> m.mnav(s).tolist()
    [0.9, 1.3]
    """

    fn: Callable[[PremiumState], FloatArray | float] = attrs.field()
    uses_peak_flag: bool = attrs.field(default=True, alias="uses_peak")

    @fn.validator
    def _check_fn(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not callable(value):
            raise ValidationError("CallablePremium.fn", value, "must be callable")

    @uses_peak_flag.validator
    def _check_flag(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, bool):
            raise ValidationError("CallablePremium.uses_peak", value, "must be true or false")

    @property
    def uses_peak(self) -> bool:
        """Whether ``fn`` reads the running peak."""
        return self.uses_peak_flag

    def mnav(self, state: PremiumState) -> FloatArray | float:
        """Call ``fn`` and check what it returns."""
        value = self.fn(state)
        out = np.asarray(value, dtype=np.float64)
        if out.ndim not in (0, 1) or (out.ndim == 1 and out.shape != state.asset_price.shape):
            raise ValidationError(
                "CallablePremium.fn",
                out.shape,
                f"must return a float or an array of shape {state.asset_price.shape}",
            )
        if not bool(np.all(np.isfinite(out))) or bool(np.any(out < 0.0)):
            raise ValidationError(
                "CallablePremium.fn", value, "must return finite, non-negative mNAVs"
            )
        return float(out) if out.ndim == 0 else out


def _share_price_from_mnav(
    mnav: FloatArray | float,
    *,
    reserve: FloatArray | float,
    debt: FloatArray | float,
    preferred: FloatArray | float,
    cash: FloatArray | float,
    shares: FloatArray | float,
) -> FloatArray:
    """Share price at which EV / BTC Reserve equals ``mnav``, floored at 0.01 (internal).

    Unvalidated, on raw amounts: the public, validated form is
    :func:`treasurymodel.kpi.share_price_for_mnav`.

    .. math:: S = \\max\\Bigl(\\frac{m \\cdot R - (D + P - C)}{N},\\; S_{min}\\Bigr)

    with :math:`R` the BTC Reserve (units × price), :math:`D` debt, :math:`P` preferred
    notional, :math:`C` cash and :math:`N` basic shares: the inverse of the company's mNAV,
    as in :func:`treasurymodel.kpi.share_price_for_mnav`.

    Examples
    --------
    >>> round(_share_price_from_mnav(1.15, reserve=100e6, debt=40e6, preferred=0.0,
    ...                             cash=5e6, shares=1e6).tolist(), 9)
    80.0
    >>> _share_price_from_mnav(1.0, reserve=10.0, debt=40.0, preferred=0.0, cash=0.0,
    ...                       shares=1.0).tolist()
    0.01
    """
    value = (np.multiply(mnav, reserve) - (np.add(debt, preferred) - cash)) / shares
    return np.maximum(value, MIN_SHARE_PRICE)
