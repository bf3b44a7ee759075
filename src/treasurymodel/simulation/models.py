"""Price models for Monte Carlo simulation: random log returns of the held asset.

A price model is anything with an ``asset_price`` price and a ``log_returns`` method (the
:class:`PriceModel` protocol). Three are provided: geometric Brownian motion
(:class:`GBM`), Merton's jump diffusion (:class:`MertonJumpDiffusion`) and a block bootstrap
of a user-supplied series of returns (:class:`BlockBootstrap`). The Monte Carlo driver
(:func:`treasurymodel.simulate`) draws each block of paths with its own random generator and
turns log returns into prices with one cumulative sum and one exponential; a model only has to
fill a ``(paths, steps)`` array of log returns.
"""

from __future__ import annotations

import math
from typing import Any, Final, Protocol, runtime_checkable

import attrs
import numpy as np

from .._typing import FloatArray
from ..errors import ValidationError
from ..validators import (
    check_finite,
    check_number,
    non_negative,
    optional,
    positive,
    real_number,
    to_float,
    to_int,
)

__all__ = ["GBM", "BlockBootstrap", "MertonJumpDiffusion", "PriceModel"]

_PRICE_RANGE: Final = (1e-200, 1e200)
"""Prices a simulation may reach: a spot and every simulated price must lie in this range.

Far wider than any asset's history (400 orders of magnitude), it keeps every amount the
scenario engine computes from a price (value of the holdings, coins to sell for a payment)
finite and non-zero in float64. A model whose paths leave it is refused by name.
"""

_MAX_RATE: Final = 10.0
"""Largest annual volatility, absolute drift and log jump size a model accepts (1,000%)."""

_MAX_INTENSITY: Final = 1_000.0
"""Largest expected number of jumps a year."""

_TAIL_SDS: Final = 8.0
"""Standard deviations of the log price allowed for when checking a horizon up front."""


@runtime_checkable
class PriceModel(Protocol):
    """What :func:`treasurymodel.simulate` needs from a price model.

    A price model has an ``asset_price`` (the price on the company's as-of date, from 1e-200 to
    1e200) and a method ``log_returns(rng, *, paths, steps, dt)`` returning a float64 array
    of shape ``(paths, steps)``: row ``i`` holds path ``i``'s log returns
    ``log(S[k+1] / S[k])`` over ``steps`` equal steps of ``dt`` years each. The price path is
    then ``S[k] = asset_price * exp(sum of the first k returns)``.

    Contract for implementers:

    * draw every random number from ``rng`` (a :class:`numpy.random.Generator`) and from
      nothing else, so that a seed reproduces the paths; the result must depend only on the
      model, the generator's state and the arguments;
    * return finite values, float64, shape ``(paths, steps)`` (a fresh array the caller may
      overwrite), that keep every price within [1e-200, 1e200] (the driver checks each path
      and names the first one that leaves);
    * be picklable (a frozen attrs class is), so that it can travel to worker processes.

    In an attrs class, declare ``asset_price: float`` without an attrs ``converter``: pyright types
    a converted field as a descriptor, which does not satisfy this protocol's ``asset_price``
    (mypy accepts both); the models provided here validate ``asset_price`` and store it as a float
    after construction instead.

    Examples
    --------
    >>> import numpy as np
    >>> import attrs
    >>> from treasurymodel import GBM
    >>> from treasurymodel.simulation import PriceModel
    >>> isinstance(GBM(asset_price=100.0, drift=0.0, volatility=0.5), PriceModel)
    True
    >>> @attrs.frozen(kw_only=True)
    ... class Flat:
    ...     asset_price: float
    ...     def log_returns(self, rng, *, paths, steps, dt):
    ...         return np.zeros((paths, steps))
    >>> isinstance(Flat(asset_price=1.0), PriceModel)
    True
    """

    @property
    def asset_price(self) -> float:
        """Asset price at time zero (the company's as-of date)."""
        ...

    def log_returns(
        self, rng: np.random.Generator, *, paths: int, steps: int, dt: float
    ) -> FloatArray:
        """Log returns of ``paths`` paths over ``steps`` steps of ``dt`` years."""
        ...


def _check_grid(paths: Any, steps: Any, dt: Any) -> None:
    """Raise :class:`~treasurymodel.ValidationError` unless the path grid is valid.

    ``paths`` and ``steps`` must be whole numbers >= 1 and ``dt`` a positive finite number.

    Examples
    --------
    >>> _check_grid(10, 52, 1 / 52)
    >>> _check_grid(0, 52, 1 / 52)
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: paths: must be a whole number >= 1, got 0
    """
    _whole("paths", paths, minimum=1)
    _whole("steps", steps, minimum=1)
    check_number("dt", dt, minimum=0.0, strict=True)


def _whole(field: str, value: Any, *, minimum: int, maximum: int | None = None) -> int:
    """``value`` as an int if it is a whole number (Python or numpy, not a bool) in range.

    Examples
    --------
    >>> import numpy as np
    >>> _whole("block", np.int64(3), minimum=1)
    3
    >>> _whole("paths", 2.0, minimum=1, maximum=10)
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: paths: must be a whole number from 1 to 10, got 2.0
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, int | np.integer)
        or value < minimum
        or (maximum is not None and value > maximum)
    ):
        what = f">= {minimum}" if maximum is None else f"from {minimum:,} to {maximum:,}"
        raise ValidationError(field, value, f"must be a whole number {what}")
    return int(value)


def _check_call(rng: Any, paths: Any, steps: Any, dt: Any) -> None:
    """The checks of every ``log_returns``: a numpy Generator and a valid grid."""
    if not isinstance(rng, np.random.Generator):
        raise ValidationError("rng", rng, "must be a numpy.random.Generator")
    _check_grid(paths, steps, dt)


def _check_spot(field: str, value: Any) -> float:
    """``value`` as a float if it is a price in :data:`_PRICE_RANGE`, else a ValidationError.

    Examples
    --------
    >>> _check_spot("asset_price", 68_141)
    68141.0
    >>> _check_spot("price", 1e300)
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: price: must lie between 1e-200 and 1e+200, got 1e+300
    """
    price = check_number(field, value, minimum=0.0, strict=True)
    low, high = _PRICE_RANGE
    if not low <= price <= high:
        raise ValidationError(field, value, f"must lie between {low:g} and {high:g}")
    return price


def _spot(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    _check_spot(f"{type(instance).__name__}.{attribute.name}", value)


def _store_spot(model: Any) -> None:
    """Store a model's validated ``asset_price`` as a Python float (from an int or a numpy number).

    The ``asset_price`` fields have a validator but no attrs converter: pyright types a field
    with a converter as a descriptor, and a descriptor does not satisfy the ``asset_price``
    property of :class:`PriceModel`, so ``simulate(company, model=GBM(...))`` would not
    type-check. The models' ``__attrs_post_init__`` (run after the validators) converts
    instead.

    Examples
    --------
    >>> import numpy as np
    >>> GBM(asset_price=np.int64(68_141), volatility=0.5).asset_price
    68141.0
    """
    object.__setattr__(model, "asset_price", to_float(model.asset_price))


def _limit(limit: float, meaning: str, *, signed: bool = False) -> Any:
    """attrs validator (after the number checks): at most ``limit``, in size if ``signed``."""
    between = f"must lie between {-limit:g} and {limit:g}"
    reason = between if signed else f"must be at most {limit:g}"

    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if (abs(value) if signed else value) > limit:
            field = f"{type(instance).__name__}.{attribute.name}"
            raise ValidationError(field, value, f"{reason} ({meaning})")

    return validate


_RATE: Final = _limit(_MAX_RATE, "1,000% a year")
_SIGNED_RATE: Final = _limit(_MAX_RATE, "±1,000% a year", signed=True)
_JUMP: Final = _limit(_MAX_RATE, "a log jump of 10 is a factor of 22,026")
_SIGNED_JUMP: Final = _limit(_MAX_RATE, "a log jump of 10 is a factor of 22,026", signed=True)


@attrs.frozen(kw_only=True)
class GBM:
    """Geometric Brownian motion: lognormal prices with constant drift and volatility.

    Over a step of ``dt`` years the log return is

    .. math:: \\ln\\frac{S_{t+dt}}{S_t} = (\\mu - \\tfrac12\\sigma^2)\\,dt + \\sigma\\sqrt{dt}\\,Z,

    with :math:`Z` standard normal, so :math:`E[S_t] = S_0 e^{\\mu t}`.

    Parameters
    ----------
    asset_price
        Asset price on the as-of date, from 1e-200 to 1e200 (the range every simulated price
        must stay in; see :func:`~treasurymodel.simulate`).
    drift
        Annual expected rate of return :math:`\\mu` (continuously compounded; 0.0 for none;
        the risk-free rate for risk-neutral paths), from -10 to 10.
    volatility
        Annual volatility :math:`\\sigma`, from 0 to 10 (``0.5`` for 50%). Zero gives the
        deterministic path :math:`S_0 e^{\\mu t}` and draws no random numbers.

    Notes
    -----
    The limits of ±1,000% a year are far beyond any asset's history; they keep the arithmetic
    of the model finite. :func:`~treasurymodel.simulate` also refuses, up front, a drift or
    volatility that would take prices out of [1e-200, 1e200] within the horizon.

    Examples
    --------
    >>> import numpy as np
    >>> m = GBM(asset_price=68_141.0, drift=0.0, volatility=0.5)
    >>> r = m.log_returns(np.random.default_rng(7), paths=3, steps=52, dt=1 / 52)
    >>> r.shape
    (3, 52)
    >>> GBM(asset_price=100.0, drift=0.05, volatility=0.0).log_returns(
    ...     np.random.default_rng(0), paths=1, steps=2, dt=0.5)
    array([[0.025, 0.025]])
    >>> GBM(asset_price=100.0, drift=0.0, volatility=-0.1)
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: GBM.volatility: must not be negative, got -0.1
    """

    asset_price: float = attrs.field(validator=_spot)  # no converter: see _store_spot
    drift: float = attrs.field(
        default=0.0, converter=to_float, validator=[real_number, _SIGNED_RATE]
    )
    volatility: float = attrs.field(converter=to_float, validator=[non_negative, _RATE])

    def __attrs_post_init__(self) -> None:
        _store_spot(self)

    def log_returns(
        self, rng: np.random.Generator, *, paths: int, steps: int, dt: float
    ) -> FloatArray:
        """Log returns, shape ``(paths, steps)``; see the class docstring for the formula.

        The normal variates are drawn a date at a time: the first ``paths`` numbers of
        ``rng`` are every path's variate of the first step, the next ``paths`` the second
        step's, and so on (the order in which the Monte Carlo driver fills its date-major
        price matrix).

        Examples
        --------
        >>> import numpy as np
        >>> r = GBM(asset_price=1.0, volatility=0.2).log_returns(
        ...     np.random.default_rng(1), paths=4, steps=3, dt=0.25)
        >>> r.shape
        (4, 3)
        >>> z = np.random.default_rng(1).standard_normal(4)  # the first step of the 4 paths
        >>> bool(np.allclose(r[:, 0], 0.2 * 0.5 * z - 0.5 * 0.2**2 * 0.25))
        True
        """
        _check_call(rng, paths, steps, dt)
        scale, mean = self._step(dt)
        if self.volatility == 0.0:
            return np.full((paths, steps), mean)
        # drawn a date at a time (every path's variate of a date, then the next date's): the
        # order of the Monte Carlo driver's date-major price matrix, which it fills in place
        out = rng.standard_normal((steps, paths))
        out *= scale
        out += mean
        return np.ascontiguousarray(out.T)

    def _step(self, dt: float) -> tuple[float, float]:
        """The scale of a step's normal variate and its mean: ``sigma sqrt(dt)`` and
        ``(mu - sigma^2 / 2) dt`` (the Monte Carlo driver's fast path uses the same numbers)."""
        return self.volatility * math.sqrt(dt), (self.drift - 0.5 * self.volatility**2) * dt


@attrs.frozen(kw_only=True)
class MertonJumpDiffusion:
    """Merton's (1976) jump diffusion: GBM plus compound Poisson jumps in the log price.

    Jumps arrive at ``intensity`` :math:`\\lambda` a year; each multiplies the price by
    :math:`e^{J}` with :math:`J \\sim N(\\mu_J, \\sigma_J^2)`. Over a step of ``dt`` years

    .. math::
        \\ln\\frac{S_{t+dt}}{S_t} = (\\mu - \\tfrac12\\sigma^2 - \\lambda\\kappa)\\,dt
        + \\sigma\\sqrt{dt}\\,Z + \\sum_{i=1}^{N} J_i,
        \\qquad N \\sim \\mathrm{Poisson}(\\lambda\\,dt),
        \\qquad \\kappa = e^{\\mu_J + \\sigma_J^2/2} - 1.

    The drift is compensated by :math:`\\lambda\\kappa` so that, as for :class:`GBM`,
    :math:`E[S_t] = S_0 e^{\\mu t}`: ``drift`` stays the expected rate of return and jumps only
    add risk. The variance of a step's log return is
    :math:`(\\sigma^2 + \\lambda(\\mu_J^2 + \\sigma_J^2))\\,dt`.

    Parameters
    ----------
    asset_price
        Asset price on the as-of date, from 1e-200 to 1e200.
    drift
        Annual expected rate of return :math:`\\mu`, from -10 to 10.
    volatility
        Annual volatility of the diffusion part :math:`\\sigma`, from 0 to 10.
    intensity
        Expected number of jumps a year :math:`\\lambda`, from 0 to 1,000.
    jump_mean
        Mean of the log jump size :math:`\\mu_J`, from -10 to 10 (``-0.2`` for jumps of about
        -18%).
    jump_volatility
        Standard deviation of the log jump size :math:`\\sigma_J`, from 0 to 10.

    Examples
    --------
    >>> import numpy as np
    >>> m = MertonJumpDiffusion(asset_price=68_141.0, drift=0.0, volatility=0.4, intensity=2.0,
    ...     jump_mean=-0.15, jump_volatility=0.1)
    >>> m.log_returns(np.random.default_rng(3), paths=2, steps=5, dt=1 / 52).shape
    (2, 5)
    >>> round(m.jump_compensator, 6)
    -0.134978
    """

    asset_price: float = attrs.field(validator=_spot)  # no converter: see _store_spot
    drift: float = attrs.field(
        default=0.0, converter=to_float, validator=[real_number, _SIGNED_RATE]
    )
    volatility: float = attrs.field(converter=to_float, validator=[non_negative, _RATE])
    intensity: float = attrs.field(
        converter=to_float,
        validator=[non_negative, _limit(_MAX_INTENSITY, "jumps a year")],
    )
    jump_mean: float = attrs.field(converter=to_float, validator=[real_number, _SIGNED_JUMP])
    jump_volatility: float = attrs.field(converter=to_float, validator=[non_negative, _JUMP])

    def __attrs_post_init__(self) -> None:
        _store_spot(self)

    @property
    def jump_compensator(self) -> float:
        """:math:`\\kappa = E[e^J] - 1`, the expected relative price change of one jump.

        Examples
        --------
        >>> MertonJumpDiffusion(asset_price=1.0, volatility=0.0, intensity=1.0, jump_mean=0.0,
        ...     jump_volatility=0.0).jump_compensator
        0.0
        """
        return math.expm1(self.jump_mean + 0.5 * self.jump_volatility**2)

    def log_returns(
        self, rng: np.random.Generator, *, paths: int, steps: int, dt: float
    ) -> FloatArray:
        """Log returns, shape ``(paths, steps)``; see the class docstring for the formula.

        Random numbers are drawn in a fixed order: the diffusion normals (if the volatility
        is positive; a date at a time, every path's normal of a date before the next date's,
        as :class:`GBM` draws them), the jump counts (if the intensity is positive), then
        one normal per step that has jumps.

        Examples
        --------
        >>> import numpy as np
        >>> m = MertonJumpDiffusion(asset_price=1.0, volatility=0.0, intensity=0.0, jump_mean=-0.1,
        ...     jump_volatility=0.05)
        >>> m.log_returns(np.random.default_rng(0), paths=1, steps=2, dt=1.0)
        array([[0., 0.]])
        """
        _check_call(rng, paths, steps, dt)
        sigma, lam = self.volatility, self.intensity
        mean = (self.drift - 0.5 * sigma**2 - lam * self.jump_compensator) * dt
        if sigma == 0.0:
            out = np.full((paths, steps), mean)
        else:
            # a date at a time, as GBM draws them (the same paths with no jumps)
            out = np.ascontiguousarray(rng.standard_normal((steps, paths)).T)
            out *= sigma * math.sqrt(dt)
            out += mean
        if lam > 0.0:
            counts = rng.poisson(lam * dt, size=(paths, steps))
            where = np.flatnonzero(counts)
            if where.size:
                n = counts.ravel()[where].astype(np.float64)
                jumps = rng.standard_normal(where.size)
                jumps *= self.jump_volatility * np.sqrt(n)
                jumps += self.jump_mean * n
                out.ravel()[where] += jumps
        return out


def _to_returns(value: Any) -> Any:
    """attrs converter: a 1-d numeric sequence as a tuple of floats; anything else unchanged."""
    if isinstance(value, str | bytes):
        return value
    if isinstance(value, list | tuple) and any(isinstance(x, bool | np.bool_) for x in value):
        return tuple(value)  # numpy would read True as 1.0: the validator names the element
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        return value
    if array.ndim != 1 or array.dtype.kind not in "fiu":
        return value
    return tuple(float(x) for x in array)


def _returns_validator(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    field = f"{type(instance).__name__}.{attribute.name}"
    if not isinstance(value, tuple):
        raise ValidationError(field, value, "must be a one-dimensional sequence of numbers")
    if not value:
        raise ValidationError(field, value, "must not be empty")
    for i, x in enumerate(value):
        check_finite(f"{field}[{i}]", x)


def _block_validator(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    _whole(f"{type(instance).__name__}.{attribute.name}", value, minimum=1)


@attrs.frozen(kw_only=True)
class BlockBootstrap:
    """Circular block bootstrap of a historical series of log returns.

    Each path is built from blocks of ``block`` consecutive returns of the series, each block
    starting at a uniformly drawn position and wrapping around the end of the series
    (Politis and Romano's circular block bootstrap), laid end to end and cut to the number of
    steps. Blocks keep the short-range dependence of the series (volatility clusters);
    ``block=1`` is the plain i.i.d. bootstrap. Only returns of the series are ever used, so
    the paths have the series' drift and volatility: de-mean or rescale the series first to
    change them.

    Parameters
    ----------
    asset_price
        Asset price on the as-of date, from 1e-200 to 1e200.
    returns
        Historical log returns ``log(P[t+1] / P[t])`` (finite, at least one), one per period.
        Stored as a tuple of floats; a one-dimensional numpy array, list or tuple of numbers
        (not booleans) is accepted.
    block
        Length of a block in periods, a whole number with ``1 <= block <= len(returns)``.
    periods_per_year
        Optional frequency of the series (52 for weekly returns). When given, a simulation
        must step at the same frequency (``dt == 1 / periods_per_year``), which guards against
        bootstrapping daily returns onto weekly steps.

    Examples
    --------
    >>> import numpy as np
    >>> m = BlockBootstrap(asset_price=100.0, returns=[0.01, -0.02, 0.03, 0.0], block=2)
    >>> r = m.log_returns(np.random.default_rng(5), paths=2, steps=5, dt=1 / 52)
    >>> r.shape
    (2, 5)
    >>> set(r.ravel().tolist()) <= {0.01, -0.02, 0.03, 0.0}
    True
    >>> BlockBootstrap(asset_price=100.0, returns=[0.01, 0.02], block=3)
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: BlockBootstrap.block: exceeds the 2 returns given, got 3
    """

    asset_price: float = attrs.field(validator=_spot)  # no converter: see _store_spot
    returns: tuple[float, ...] = attrs.field(
        converter=_to_returns, validator=_returns_validator, repr=False
    )
    block: int = attrs.field(default=1, converter=to_int, validator=_block_validator)
    periods_per_year: float | None = attrs.field(
        default=None, converter=to_float, validator=optional(positive)
    )
    _array: FloatArray = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        _store_spot(self)
        if self.block > len(self.returns):
            raise ValidationError(
                "BlockBootstrap.block",
                self.block,
                f"exceeds the {len(self.returns)} returns given",
            )
        array = np.array(self.returns, dtype=np.float64)
        array.flags.writeable = False
        object.__setattr__(self, "_array", array)

    def log_returns(
        self, rng: np.random.Generator, *, paths: int, steps: int, dt: float
    ) -> FloatArray:
        """Bootstrapped log returns, shape ``(paths, steps)``.

        Draws ``ceil(steps / block)`` block starts per path with ``rng.integers``.

        Raises
        ------
        ValidationError
            If ``periods_per_year`` is set and ``dt`` is not ``1 / periods_per_year``.

        Examples
        --------
        >>> import numpy as np
        >>> m = BlockBootstrap(asset_price=1.0, returns=[0.1, 0.2, 0.3], block=3)
        >>> r = m.log_returns(np.random.default_rng(0), paths=1, steps=3, dt=1.0)
        >>> sorted(r.ravel().tolist())
        [0.1, 0.2, 0.3]
        """
        _check_call(rng, paths, steps, dt)
        if self.periods_per_year is not None and abs(dt * self.periods_per_year - 1.0) > 1e-9:
            raise ValidationError(
                "dt",
                dt,
                f"must be 1 / {self.periods_per_year:g} (the frequency of the bootstrapped"
                " returns)",
            )
        n, block = self._array.size, self.block
        blocks = -(-steps // block)
        starts = rng.integers(0, n, size=(paths, blocks))
        index = starts[:, :, None] + np.arange(block)
        index %= n
        flat = index.reshape(paths, blocks * block)[:, :steps]
        out: FloatArray = self._array[flat]
        return out


def _check_horizon(model: Any, *, years: float) -> None:
    """Refuse a GBM or Merton model whose prices could leave :data:`_PRICE_RANGE` in ``years``.

    The log price of either model is a drift :math:`m t` (``m`` the mean log return a year)
    plus a martingale of variance :math:`v^2 t`. Over the horizon :math:`T` a path stays
    within :math:`[\\min(0, mT) - 8v\\sqrt T,\\ \\max(0, mT) + 8v\\sqrt T]` of the log spot
    (:data:`_TAIL_SDS` = 8 standard deviations: for GBM, but for a chance below
    :math:`10^{-14}` a path; the jumps of Merton's model have fatter tails). If that band leaves
    the price range, the parameter whose share of it is largest is named. Every drawn path is
    checked as well (``price_paths``), which covers other
    models.

    Examples
    --------
    >>> _check_horizon(GBM(asset_price=68_141.0, volatility=0.5), years=10)
    >>> _check_horizon(GBM(asset_price=68_141.0, volatility=10.0), years=10)
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: GBM.volatility: too large for a 10-year horizon: \
prices would leave [1e-200, 1e+200] (they reach 1e-322 to 1e+115 at 8 standard deviations), \
got 10.0
    """
    if isinstance(model, GBM):
        sigma = model.volatility
        mean, var = model.drift - 0.5 * sigma**2, sigma**2
        jumps = 0.0
    elif isinstance(model, MertonJumpDiffusion):
        sigma, lam = model.volatility, model.intensity
        jump_var = lam * (model.jump_mean**2 + model.jump_volatility**2)
        jump_mean = lam * (model.jump_mean - model.jump_compensator)
        mean = model.drift - 0.5 * sigma**2 + jump_mean
        var = sigma**2 + jump_var
        jumps = abs(jump_mean) * years + _TAIL_SDS * math.sqrt(jump_var * years)
    else:
        return
    spread = _TAIL_SDS * math.sqrt(var * years)
    log_spot = math.log(model.asset_price)
    low = log_spot + min(0.0, mean * years) - spread
    high = log_spot + max(0.0, mean * years) + spread
    floor, ceiling = (math.log(x) for x in _PRICE_RANGE)
    if floor <= low and high <= ceiling:
        return
    share = {
        "drift": abs(model.drift) * years,
        "volatility": 0.5 * sigma**2 * years + _TAIL_SDS * sigma * math.sqrt(years),
        "intensity": jumps,
    }
    name = max(share, key=lambda k: share[k])
    raise ValidationError(
        f"{type(model).__name__}.{name}",
        getattr(model, name),
        f"too large for a {years:,.4g}-year horizon: prices would leave"
        f" [{_PRICE_RANGE[0]:g}, {_PRICE_RANGE[1]:g}] (they reach {_power(low)} to"
        f" {_power(high)} at {_TAIL_SDS:g} standard deviations)",
    )


def _power(log_price: float) -> str:
    """``exp(log_price)`` as a power of ten, ``1e-322``, for messages.

    Examples
    --------
    >>> _power(math.log(68_141.0)), _power(-742.0)
    ('1e+5', '1e-322')
    """
    return f"1e{log_price / math.log(10.0):+.0f}"
