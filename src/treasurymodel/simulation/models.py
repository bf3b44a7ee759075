"""Price models for Monte Carlo simulation: random log returns of the held asset.

A price model is anything with a ``spot`` price and a ``log_returns`` method (the
:class:`PriceModel` protocol). Three are provided: geometric Brownian motion
(:class:`GBM`), Merton's jump diffusion (:class:`MertonJumpDiffusion`) and a block bootstrap
of a user-supplied series of returns (:class:`BlockBootstrap`). The Monte Carlo driver
(:func:`treasurymodel.simulate`) draws each block of paths with its own random generator and
turns log returns into prices with one cumulative sum and one exponential; a model only has to
fill a ``(paths, steps)`` array of log returns.
"""

from __future__ import annotations

import math
from typing import Any, Protocol, runtime_checkable

import attrs
import numpy as np

from .._typing import FloatArray
from ..errors import ValidationError
from ..validators import non_negative, optional, positive, real_number, to_float

__all__ = ["GBM", "BlockBootstrap", "MertonJumpDiffusion", "PriceModel"]


@runtime_checkable
class PriceModel(Protocol):
    """What :func:`treasurymodel.simulate` needs from a price model.

    A price model has a positive ``spot`` (the asset price on the company's as-of date) and a
    method ``log_returns(rng, *, paths, steps, dt)`` returning a float64 array of shape
    ``(paths, steps)``: row ``i`` holds path ``i``'s log returns ``log(S[k+1] / S[k])`` over
    ``steps`` equal steps of ``dt`` years each. The price path is then
    ``S[k] = spot * exp(sum of the first k returns)``.

    Contract for implementers:

    * draw every random number from ``rng`` (a :class:`numpy.random.Generator`) and from
      nothing else, so that a seed reproduces the paths; the result must depend only on the
      model, the generator's state and the arguments;
    * return finite values, float64, shape ``(paths, steps)`` (a fresh array the caller may
      overwrite);
    * be picklable (a frozen attrs class is), so that it can travel to worker processes.

    Examples
    --------
    >>> import numpy as np
    >>> import attrs
    >>> from treasurymodel import GBM, PriceModel
    >>> isinstance(GBM(spot=100.0, drift=0.0, volatility=0.5), PriceModel)
    True
    >>> @attrs.frozen(kw_only=True)
    ... class Flat:
    ...     spot: float
    ...     def log_returns(self, rng, *, paths, steps, dt):
    ...         return np.zeros((paths, steps))
    >>> isinstance(Flat(spot=1.0), PriceModel)
    True
    """

    @property
    def spot(self) -> float:
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
    for name, value in (("paths", paths), ("steps", steps)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ValidationError(name, value, "must be a whole number >= 1")
    if isinstance(dt, bool) or not isinstance(dt, int | float | np.floating):
        raise ValidationError("dt", dt, "must be a positive number of years")
    if not math.isfinite(float(dt)) or dt <= 0:
        raise ValidationError("dt", dt, "must be a positive number of years")


@attrs.frozen(kw_only=True)
class GBM:
    """Geometric Brownian motion: lognormal prices with constant drift and volatility.

    Over a step of ``dt`` years the log return is

    .. math:: \\ln\\frac{S_{t+dt}}{S_t} = (\\mu - \\tfrac12\\sigma^2)\\,dt + \\sigma\\sqrt{dt}\\,Z,

    with :math:`Z` standard normal, so :math:`E[S_t] = S_0 e^{\\mu t}`.

    Parameters
    ----------
    spot
        Asset price on the as-of date, > 0.
    drift
        Annual expected rate of return :math:`\\mu` (continuously compounded; 0.0 for none;
        the risk-free rate for risk-neutral paths).
    volatility
        Annual volatility :math:`\\sigma` >= 0 (``0.5`` for 50%). Zero gives the deterministic
        path :math:`S_0 e^{\\mu t}` and draws no random numbers.

    Examples
    --------
    >>> import numpy as np
    >>> m = GBM(spot=68_141.0, drift=0.0, volatility=0.5)
    >>> r = m.log_returns(np.random.default_rng(7), paths=3, steps=52, dt=1 / 52)
    >>> r.shape
    (3, 52)
    >>> GBM(spot=100.0, drift=0.05, volatility=0.0).log_returns(
    ...     np.random.default_rng(0), paths=1, steps=2, dt=0.5)
    array([[0.025, 0.025]])
    >>> GBM(spot=100.0, drift=0.0, volatility=-0.1)
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: GBM.volatility: must not be negative, got -0.1
    """

    spot: float = attrs.field(converter=to_float, validator=positive)
    drift: float = attrs.field(default=0.0, converter=to_float, validator=real_number)
    volatility: float = attrs.field(converter=to_float, validator=non_negative)

    def log_returns(
        self, rng: np.random.Generator, *, paths: int, steps: int, dt: float
    ) -> FloatArray:
        """Log returns, shape ``(paths, steps)``; see the class docstring for the formula.

        Examples
        --------
        >>> import numpy as np
        >>> GBM(spot=1.0, volatility=0.2).log_returns(
        ...     np.random.default_rng(1), paths=4, steps=3, dt=0.25).shape
        (4, 3)
        """
        _check_grid(paths, steps, dt)
        mean = (self.drift - 0.5 * self.volatility**2) * dt
        if self.volatility == 0.0:
            return np.full((paths, steps), mean)
        out = rng.standard_normal((paths, steps))
        out *= self.volatility * math.sqrt(dt)
        out += mean
        return out


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
    spot
        Asset price on the as-of date, > 0.
    drift
        Annual expected rate of return :math:`\\mu`.
    volatility
        Annual volatility of the diffusion part :math:`\\sigma` >= 0.
    intensity
        Expected number of jumps a year :math:`\\lambda` >= 0.
    jump_mean
        Mean of the log jump size :math:`\\mu_J` (``-0.2`` for jumps of about -18%).
    jump_volatility
        Standard deviation of the log jump size :math:`\\sigma_J` >= 0.

    Examples
    --------
    >>> import numpy as np
    >>> m = MertonJumpDiffusion(spot=68_141.0, drift=0.0, volatility=0.4, intensity=2.0,
    ...     jump_mean=-0.15, jump_volatility=0.1)
    >>> m.log_returns(np.random.default_rng(3), paths=2, steps=5, dt=1 / 52).shape
    (2, 5)
    >>> round(m.jump_compensator, 6)
    -0.134978
    """

    spot: float = attrs.field(converter=to_float, validator=positive)
    drift: float = attrs.field(default=0.0, converter=to_float, validator=real_number)
    volatility: float = attrs.field(converter=to_float, validator=non_negative)
    intensity: float = attrs.field(converter=to_float, validator=non_negative)
    jump_mean: float = attrs.field(converter=to_float, validator=real_number)
    jump_volatility: float = attrs.field(converter=to_float, validator=non_negative)

    @property
    def jump_compensator(self) -> float:
        """:math:`\\kappa = E[e^J] - 1`, the expected relative price change of one jump.

        Examples
        --------
        >>> MertonJumpDiffusion(spot=1.0, volatility=0.0, intensity=1.0, jump_mean=0.0,
        ...     jump_volatility=0.0).jump_compensator
        0.0
        """
        return math.expm1(self.jump_mean + 0.5 * self.jump_volatility**2)

    def log_returns(
        self, rng: np.random.Generator, *, paths: int, steps: int, dt: float
    ) -> FloatArray:
        """Log returns, shape ``(paths, steps)``; see the class docstring for the formula.

        Random numbers are drawn in a fixed order: the diffusion normals (if the volatility
        is positive), the jump counts (if the intensity is positive), then one normal per step
        that has jumps.

        Examples
        --------
        >>> import numpy as np
        >>> m = MertonJumpDiffusion(spot=1.0, volatility=0.0, intensity=0.0, jump_mean=-0.1,
        ...     jump_volatility=0.05)
        >>> m.log_returns(np.random.default_rng(0), paths=1, steps=2, dt=1.0)
        array([[0., 0.]])
        """
        _check_grid(paths, steps, dt)
        sigma, lam = self.volatility, self.intensity
        mean = (self.drift - 0.5 * sigma**2 - lam * self.jump_compensator) * dt
        if sigma == 0.0:
            out = np.full((paths, steps), mean)
        else:
            out = rng.standard_normal((paths, steps))
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
    if isinstance(value, str | bytes):
        return value
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
    bad = [i for i, x in enumerate(value) if not math.isfinite(x)]
    if bad:
        raise ValidationError(f"{field}[{bad[0]}]", value[bad[0]], "must be a finite number")


def _block_validator(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    field = f"{type(instance).__name__}.{attribute.name}"
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(field, value, "must be a whole number >= 1")


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
    spot
        Asset price on the as-of date, > 0.
    returns
        Historical log returns ``log(P[t+1] / P[t])`` (finite, at least one), one per period.
        Stored as a tuple of floats; a numpy array or a list is accepted.
    block
        Length of a block in periods, ``1 <= block <= len(returns)``.
    periods_per_year
        Optional frequency of the series (52 for weekly returns). When given, a simulation
        must step at the same frequency (``dt == 1 / periods_per_year``), which guards against
        bootstrapping daily returns onto weekly steps.

    Examples
    --------
    >>> import numpy as np
    >>> m = BlockBootstrap(spot=100.0, returns=[0.01, -0.02, 0.03, 0.0], block=2)
    >>> r = m.log_returns(np.random.default_rng(5), paths=2, steps=5, dt=1 / 52)
    >>> r.shape
    (2, 5)
    >>> set(r.ravel().tolist()) <= {0.01, -0.02, 0.03, 0.0}
    True
    >>> BlockBootstrap(spot=100.0, returns=[0.01, 0.02], block=3)
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: BlockBootstrap.block: exceeds the 2 returns given, got 3
    """

    spot: float = attrs.field(converter=to_float, validator=positive)
    returns: tuple[float, ...] = attrs.field(
        converter=_to_returns, validator=_returns_validator, repr=False
    )
    block: int = attrs.field(default=1, validator=_block_validator)
    periods_per_year: float | None = attrs.field(
        default=None, converter=to_float, validator=optional(positive)
    )
    _array: FloatArray = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
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
        >>> m = BlockBootstrap(spot=1.0, returns=[0.1, 0.2, 0.3], block=3)
        >>> r = m.log_returns(np.random.default_rng(0), paths=1, steps=3, dt=1.0)
        >>> sorted(r.ravel().tolist())
        [0.1, 0.2, 0.3]
        """
        _check_grid(paths, steps, dt)
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


def _describe(model: object) -> str:
    """A one-line description of a price model, for reports.

    Examples
    --------
    >>> _describe(GBM(spot=68_141.0, drift=0.0, volatility=0.5))
    'GBM(spot=68,141, drift=0%, volatility=50%)'
    """
    if isinstance(model, GBM):
        return (
            f"GBM(spot={model.spot:,.0f}, drift={model.drift:.0%}, "
            f"volatility={model.volatility:.0%})"
        )
    if isinstance(model, MertonJumpDiffusion):
        return (
            f"MertonJumpDiffusion(spot={model.spot:,.0f}, drift={model.drift:.0%}, "
            f"volatility={model.volatility:.0%}, intensity={model.intensity:g}, "
            f"jump_mean={model.jump_mean:g}, jump_volatility={model.jump_volatility:g})"
        )
    if isinstance(model, BlockBootstrap):
        return (
            f"BlockBootstrap(spot={model.spot:,.0f}, returns={len(model.returns)}, "
            f"block={model.block})"
        )
    return repr(model)
