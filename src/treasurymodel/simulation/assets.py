"""Several reserve assets: correlated price models and the basket the engine simulates.

A multi-asset model draws the log returns of several assets at once, with their joint
dependence: :class:`CorrelatedGBM` (geometric Brownian motions whose shocks have a given
correlation matrix) and :class:`JointBootstrap` (a block bootstrap of aligned return series
that uses the same blocks for every asset, so that their cross-correlation is kept).

The scenario engine follows one reserve asset. A company holding several is simulated as a
*basket* (:class:`Basket`): the company buys and sells its assets pro rata to the units it
holds, so its reserve is a fixed mix of the assets scaled by a common factor, and the basket
price is a price model like any other (:func:`~treasurymodel.simulate` takes it). See "Several
assets" in ``docs/theory/simulation.rst`` for the policy, its formulas and its limits.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final, Protocol, runtime_checkable

import attrs
import numpy as np

from .._typing import FloatArray
from ..errors import ValidationError
from ..validators import check_finite, check_number, optional, positive, to_float, to_int
from .models import (
    GBM,
    _check_call,
    _check_grid,
    _check_horizon,
    _check_spot,
    _to_returns,
    _whole,
)

__all__ = [
    "Basket",
    "CorrelatedGBM",
    "JointBootstrap",
    "MultiAssetModel",
    "asset_price_paths",
]

_SYMMETRY_TOLERANCE: Final = 1e-12
"""Largest ``|C[i, j] - C[j, i]|`` (and ``|C[i, i] - 1|``) a correlation matrix may show."""

_PSD_TOLERANCE: Final = 1e-10
"""Largest negative pivot (and residual of ``L L^T - C``) accepted as rounding error."""

_MAX_RATE: Final = 10.0

_SLAB_DATES: Final = 32
"""Dates of a block's basket prices computed together (32 x 1,024 paths: 256 KiB a buffer)."""


@runtime_checkable
class MultiAssetModel(Protocol):
    """What :class:`Basket` needs from a model of several assets.

    ``tickers`` names the assets (unique), ``asset_prices`` gives their prices on the as-of
    date (in the same order) and ``asset_log_returns(rng, *, paths, steps, dt)`` returns a fresh
    float64 array of shape ``(n_assets, paths, steps)``: ``[i, p, k]`` is asset ``i``'s log
    return on path ``p`` over step ``k``. Every random number comes from ``rng``.

    Examples
    --------
    >>> from treasurymodel.simulation import CorrelatedGBM, MultiAssetModel
    >>> m = CorrelatedGBM(tickers=("BTC", "ETH"), asset_prices=(68_000.0, 2_000.0),
    ...     drifts=(0.0, 0.0), volatilities=(0.5, 0.7), correlation=((1, 0.8), (0.8, 1)))
    >>> isinstance(m, MultiAssetModel)
    True
    """

    @property
    def tickers(self) -> tuple[str, ...]:
        """The assets' names."""
        ...

    @property
    def asset_prices(self) -> tuple[float, ...]:
        """The assets' prices on the as-of date."""
        ...

    def asset_log_returns(
        self, rng: np.random.Generator, *, paths: int, steps: int, dt: float
    ) -> FloatArray:
        """Log returns, shape ``(n_assets, paths, steps)``."""
        ...


# --- attrs helpers ------------------------------------------------------------------------


def _to_tickers(value: Any) -> Any:
    if isinstance(value, str):
        return value
    try:
        return tuple(value)
    except TypeError:
        return value


def _tickers(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    field = f"{type(instance).__name__}.{attribute.name}"
    if not isinstance(value, tuple) or not value:
        raise ValidationError(field, value, "must be a non-empty sequence of asset names")
    for i, name in enumerate(value):
        if not isinstance(name, str) or not name.strip():
            raise ValidationError(f"{field}[{i}]", name, "must be a non-empty string")
    if len(set(value)) != len(value):
        raise ValidationError(field, value, "must not repeat an asset")


def _numbers(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    field = f"{type(instance).__name__}.{attribute.name}"
    if not isinstance(value, tuple):
        raise ValidationError(field, value, "must be a one-dimensional sequence of numbers")
    n = len(instance.tickers) if isinstance(instance.tickers, tuple) else None
    if len(value) != n:
        raise ValidationError(field, value, f"must have one number per ticker ({n})")
    for i, x in enumerate(value):
        check_finite(f"{field}[{i}]", x)


def _within(limit: float, meaning: str, *, signed: bool = False) -> Any:
    """attrs validator: every element at most ``limit`` (in size if ``signed``)."""
    reason = (
        f"must lie between {-limit:g} and {limit:g}" if signed else f"must be at most {limit:g}"
    )

    def validate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        for i, x in enumerate(value):
            if (abs(x) if signed else x) > limit:
                field = f"{type(instance).__name__}.{attribute.name}[{i}]"
                raise ValidationError(field, x, f"{reason} ({meaning})")

    return validate


def _spots(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    for i, x in enumerate(value):
        _check_spot(f"{type(instance).__name__}.{attribute.name}[{i}]", x)


def _non_negative_each(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    for i, x in enumerate(value):
        if x < 0.0:
            field = f"{type(instance).__name__}.{attribute.name}[{i}]"
            raise ValidationError(field, x, "must not be negative")


def _to_matrix(value: Any) -> Any:
    """attrs converter: a square array-like of numbers as a tuple of tuples of floats."""
    if isinstance(value, str | bytes):
        return value
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        return value
    if array.ndim != 2 or array.dtype.kind not in "fiu":
        return value
    return tuple(tuple(float(x) for x in row) for row in array)


def psd_factor(field: str, matrix: FloatArray) -> FloatArray:
    """A lower-triangular ``L`` with ``L @ L.T == matrix`` for a positive semi-definite matrix.

    Cholesky's algorithm, letting a pivot within rounding of zero be zero (a singular
    correlation matrix, e.g. two perfectly correlated assets, is valid). Raises
    :class:`~treasurymodel.ValidationError` naming ``field`` if the matrix is not positive
    semi-definite.

    Examples
    --------
    >>> import numpy as np
    >>> psd_factor("c", np.array([[1.0, 1.0], [1.0, 1.0]])).tolist()
    [[1.0, 0.0], [1.0, 0.0]]
    >>> psd_factor("c", np.array([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]]))
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: c: must be positive semi-definite (a valid \
correlation matrix; smallest eigenvalue -0.8), got [[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], \
[-0.9, 0.9, 1.0]]
    """
    n = matrix.shape[0]
    lower = np.zeros((n, n))
    ok = True
    for j in range(n):
        pivot = matrix[j, j] - float(lower[j, :j] @ lower[j, :j])
        if pivot < -_PSD_TOLERANCE:
            ok = False
            break
        lower[j, j] = math.sqrt(max(pivot, 0.0))
        for i in range(j + 1, n):
            rest = matrix[i, j] - float(lower[i, :j] @ lower[j, :j])
            lower[i, j] = rest / lower[j, j] if lower[j, j] > _PSD_TOLERANCE else 0.0
    if ok and float(np.abs(lower @ lower.T - matrix).max()) <= _PSD_TOLERANCE:
        return lower
    smallest = float(np.linalg.eigvalsh(matrix).min())
    raise ValidationError(
        field,
        matrix.tolist(),
        "must be positive semi-definite (a valid correlation matrix; smallest eigenvalue"
        f" {smallest:.3g})",
    )


def _correlation(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    field = f"{type(instance).__name__}.{attribute.name}"
    n = len(instance.tickers)
    if not isinstance(value, tuple) or len(value) != n or any(len(r) != n for r in value):
        raise ValidationError(field, value, f"must be a {n} x {n} matrix (one row per ticker)")
    for i, row in enumerate(value):
        for j, x in enumerate(row):
            check_finite(f"{field}[{i}][{j}]", x)
            if abs(x) > 1.0:
                raise ValidationError(f"{field}[{i}][{j}]", x, "must lie between -1 and 1")
    c = np.array(value)
    for i in range(n):
        if abs(c[i, i] - 1.0) > _SYMMETRY_TOLERANCE:
            raise ValidationError(f"{field}[{i}][{i}]", float(c[i, i]), "must be 1 (the diagonal)")
    asym = np.abs(c - c.T)
    if float(asym.max()) > _SYMMETRY_TOLERANCE:
        i, j = (int(k) for k in np.unravel_index(int(asym.argmax()), asym.shape))
        raise ValidationError(
            f"{field}[{i}][{j}]",
            float(c[i, j]),
            f"must equal [{j}][{i}] = {float(c[j, i])} (symmetric)",
        )
    psd_factor(field, c)


_RATE_EACH: Final = _within(_MAX_RATE, "1,000% a year")
_SIGNED_RATE_EACH: Final = _within(_MAX_RATE, "±1,000% a year", signed=True)


@attrs.frozen(kw_only=True)
class CorrelatedGBM:
    """Geometric Brownian motions of several assets whose shocks are correlated.

    Asset ``i``'s log return over a step of ``dt`` years is

    .. math:: (\\mu_i - \\tfrac12\\sigma_i^2)\\,dt + \\sigma_i\\sqrt{dt}\\,(L Z)_i,

    with :math:`Z` a vector of independent standard normals and :math:`L` the lower-triangular
    factor of the correlation matrix :math:`C = L L^T` (Cholesky), so that the shocks of
    assets ``i`` and ``j`` have correlation :math:`C_{ij}`. Each asset on its own is a
    :class:`~treasurymodel.GBM`; the first asset's returns are exactly those of
    ``GBM(asset_price=asset_prices[0], drift=drifts[0], volatility=volatilities[0])`` with the same
    generator (its shocks are the first normals drawn).

    Parameters
    ----------
    tickers
        The assets' names, unique (``("BTC", "ETH", "SOL")``).
    asset_prices
        Prices on the as-of date, one per ticker, each from 1e-200 to 1e200.
    drifts
        Annual expected rates of return, one per ticker, each from -10 to 10.
    volatilities
        Annual volatilities, one per ticker, each from 0 to 10.
    correlation
        The correlation matrix of the shocks, ``n x n`` (nested sequences or a 2-d array):
        symmetric, ones on the diagonal, entries in [-1, 1] and positive semi-definite (a
        singular matrix, such as perfect correlation, is accepted).

    Examples
    --------
    >>> import numpy as np
    >>> m = CorrelatedGBM(tickers=("BTC", "ETH"), asset_prices=(68_000.0, 2_000.0),
    ...     drifts=(0.0, 0.0), volatilities=(0.5, 0.7), correlation=((1, 0.8), (0.8, 1)))
    >>> m.asset_log_returns(np.random.default_rng(1), paths=4, steps=52, dt=1 / 52).shape
    (2, 4, 52)
    >>> CorrelatedGBM(tickers=("BTC", "ETH"), asset_prices=(1.0, 1.0), drifts=(0.0, 0.0),
    ...     volatilities=(0.5, 0.7), correlation=((1, 0.8), (0.7, 1)))
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: CorrelatedGBM.correlation[0][1]: must equal [1][0] \
= 0.7 (symmetric), got 0.8
    """

    tickers: tuple[str, ...] = attrs.field(converter=_to_tickers, validator=_tickers)
    asset_prices: tuple[float, ...] = attrs.field(
        converter=_to_returns, validator=[_numbers, _spots]
    )
    drifts: tuple[float, ...] = attrs.field(
        converter=_to_returns, validator=[_numbers, _SIGNED_RATE_EACH]
    )
    volatilities: tuple[float, ...] = attrs.field(
        converter=_to_returns, validator=[_numbers, _non_negative_each, _RATE_EACH]
    )
    correlation: tuple[tuple[float, ...], ...] = attrs.field(
        converter=_to_matrix, validator=_correlation
    )
    _factor: FloatArray = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        factor = psd_factor("CorrelatedGBM.correlation", np.array(self.correlation))
        factor.flags.writeable = False
        object.__setattr__(self, "_factor", factor)

    def asset_log_returns(
        self, rng: np.random.Generator, *, paths: int, steps: int, dt: float
    ) -> FloatArray:
        """Log returns, shape ``(n_assets, paths, steps)``.

        Draws ``n_assets x steps x paths`` standard normals (asset by asset, the first
        asset's first; each asset's a date at a time, every path's normal of a step before
        the next step's, as :class:`~treasurymodel.GBM` draws them) and mixes them with the
        correlation factor, one asset (a whole ``(paths, steps)`` slab) at a time.

        Examples
        --------
        >>> import numpy as np
        >>> m = CorrelatedGBM(tickers=("A", "B"), asset_prices=(1.0, 1.0), drifts=(0.1, 0.0),
        ...     volatilities=(0.0, 0.0), correlation=np.eye(2))
        >>> m.asset_log_returns(np.random.default_rng(0), paths=1, steps=2, dt=0.5).tolist()
        [[[0.05, 0.05]], [[0.0, 0.0]]]
        """
        _check_call(rng, paths, steps, dt)
        out, means = self._shocks(rng, paths=paths, steps=steps, dt=dt)
        for i, mean in enumerate(means):
            out[i] += mean
        return out

    def _normals(
        self,
        rng: np.random.Generator,
        *,
        paths: int,
        steps: int,
        dt: float,
        date_major: bool = False,
    ) -> tuple[FloatArray, FloatArray, tuple[float, ...]]:
        """Raw standard normals ``(n_assets, paths, steps)`` (``(n_assets, steps, paths)``,
        as drawn, with ``date_major``), the mixing matrix and the means.

        Asset ``i``'s log returns are ``sum_j mix[i, j] * z[j] + means[i]`` with
        :math:`\\mathrm{mix} = \\mathrm{diag}(\\sigma\\sqrt{dt})\\,L`; ``mix[0, 0]`` is
        exactly ``sigma_0 * sqrt(dt)``, :class:`~treasurymodel.GBM`'s factor. With every
        volatility zero no number is drawn (``z`` and ``mix`` are zeros).
        """
        n = len(self.tickers)
        sd = math.sqrt(dt)
        means = tuple(
            (mu - 0.5 * s**2) * dt for mu, s in zip(self.drifts, self.volatilities, strict=True)
        )
        shape = (n, steps, paths) if date_major else (n, paths, steps)
        if not any(self.volatilities):
            return np.zeros(shape), np.zeros((n, n)), means
        # asset by asset, each a date at a time (every path's normal of a date before the
        # next date's), as GBM draws them: the first asset's are GBM's with the same generator
        z = rng.standard_normal((n, steps, paths))
        if not date_major:
            z = np.ascontiguousarray(z.transpose(0, 2, 1))
        mix = self._factor * (np.array(self.volatilities) * sd)[:, None]
        mix[0, 0] = self.volatilities[0] * sd  # exactly GBM's factor (L[0, 0] is 1)
        return z, mix, means

    def _shocks(
        self, rng: np.random.Generator, *, paths: int, steps: int, dt: float
    ) -> tuple[FloatArray, tuple[float, ...]]:
        """The random part of the log returns, ``(n_assets, paths, steps)``, and the means."""
        z, mix, means = self._normals(rng, paths=paths, steps=steps, dt=dt)
        n = z.shape[0]
        if n == 1:
            z *= mix[0, 0]
            return z, means
        # one pass of a matrix product (zero entries add exact zeros: the first asset's
        # shocks stay z[0] * mix[0, 0], and identical rows of the factor identical shocks)
        mixed: FloatArray = (mix @ z.reshape(n, -1)).reshape(n, paths, steps)
        return mixed, means


def _to_series(value: Any) -> Any:
    """attrs converter: a 2-d array-like of numbers as a tuple of rows of floats."""
    return _to_matrix(value)


def _series(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    field = f"{type(instance).__name__}.{attribute.name}"
    n = len(instance.tickers)
    if not isinstance(value, tuple) or not value or any(len(r) != n for r in value):
        raise ValidationError(
            field,
            getattr(value, "shape", value),
            f"must be a 2-d array of returns, one row per period and one column per ticker ({n})",
        )
    array = np.array(value)
    bad = ~np.isfinite(array)
    if bad.any():
        t, i = (int(k) for k in np.argwhere(bad)[0])
        raise ValidationError(f"{field}[{t}][{i}]", float(array[t, i]), "must be finite")


@attrs.frozen(kw_only=True)
class JointBootstrap:
    """Circular block bootstrap of aligned log-return series of several assets.

    As :class:`~treasurymodel.BlockBootstrap`, each path is built from blocks of ``block``
    consecutive periods starting at uniformly drawn positions (wrapping around the end), but
    one draw of block starts serves every asset: a path's returns on a step are the returns
    of all the assets on the same historical period, so their cross-correlation (and each
    series' short-range dependence) is kept. With one ticker, the returns are exactly those
    of ``BlockBootstrap`` with the same series, block and generator.

    Parameters
    ----------
    tickers
        The assets' names, unique.
    asset_prices
        Prices on the as-of date, one per ticker, each from 1e-200 to 1e200.
    returns
        Historical log returns, one row per period and one column per ticker (a 2-d array or
        nested sequences), aligned in time, finite, at least one row.
    block
        Length of a block in periods, ``1 <= block <= len(returns)``.
    periods_per_year
        Optional frequency of the series; when given a simulation must step at it.

    Examples
    --------
    >>> import numpy as np
    >>> m = JointBootstrap(tickers=("BTC", "ETH"), asset_prices=(68_000.0, 2_000.0),
    ...     returns=[[0.01, 0.02], [-0.03, -0.05], [0.02, 0.01]], block=2)
    >>> r = m.asset_log_returns(np.random.default_rng(4), paths=2, steps=5, dt=1 / 52)
    >>> r.shape
    (2, 2, 5)
    >>> pairs = set(zip(r[0].ravel().tolist(), r[1].ravel().tolist()))
    >>> pairs <= {(0.01, 0.02), (-0.03, -0.05), (0.02, 0.01)}
    True
    """

    tickers: tuple[str, ...] = attrs.field(converter=_to_tickers, validator=_tickers)
    asset_prices: tuple[float, ...] = attrs.field(
        converter=_to_returns, validator=[_numbers, _spots]
    )
    returns: tuple[tuple[float, ...], ...] = attrs.field(
        converter=_to_series, validator=_series, repr=False
    )
    block: int = attrs.field(default=1, converter=to_int)
    periods_per_year: float | None = attrs.field(
        default=None, converter=to_float, validator=optional(positive)
    )
    _columns: FloatArray = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        _whole("JointBootstrap.block", self.block, minimum=1)
        if self.block > len(self.returns):
            raise ValidationError(
                "JointBootstrap.block",
                self.block,
                f"exceeds the {len(self.returns)} periods given",
            )
        columns = np.ascontiguousarray(np.array(self.returns, dtype=np.float64).T)
        columns.flags.writeable = False
        object.__setattr__(self, "_columns", columns)

    def asset_log_returns(
        self, rng: np.random.Generator, *, paths: int, steps: int, dt: float
    ) -> FloatArray:
        """Bootstrapped log returns, shape ``(n_assets, paths, steps)``.

        Draws ``ceil(steps / block)`` block starts per path with ``rng.integers`` (exactly as
        :class:`~treasurymodel.BlockBootstrap`) and reads every asset at the same periods.

        Examples
        --------
        >>> import numpy as np
        >>> m = JointBootstrap(tickers=("A", "B"), asset_prices=(1.0, 1.0),
        ...     returns=[[0.1, 1.0], [0.2, 2.0], [0.3, 3.0]], block=3)
        >>> r = m.asset_log_returns(np.random.default_rng(0), paths=1, steps=3, dt=1.0)
        >>> (r[1] == 10 * r[0]).all()
        np.True_
        """
        _check_call(rng, paths, steps, dt)
        if self.periods_per_year is not None and abs(dt * self.periods_per_year - 1.0) > 1e-9:
            raise ValidationError(
                "dt",
                dt,
                f"must be 1 / {self.periods_per_year:g} (the frequency of the bootstrapped"
                " returns)",
            )
        n, block = self._columns.shape[1], self.block
        blocks = -(-steps // block)
        starts = rng.integers(0, n, size=(paths, blocks))
        index = starts[:, :, None] + np.arange(block)
        index %= n
        flat = index.reshape(paths, blocks * block)[:, :steps]
        out: FloatArray = self._columns[:, flat]
        return out


# --- the basket ---------------------------------------------------------------------------


def _to_mapping(value: Any) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    return value


@attrs.frozen(kw_only=True)
class Basket:
    """A company's reserve of several assets as one price model (pro-rata trading).

    The company is assumed to buy and sell its assets **pro rata to the units it holds**, and
    asset ``i``'s units grow by staking at the annual rate :math:`y_i` (units, compounded
    yearly: :math:`g_i(t) = (1 + y_i)^t`). Its holding of asset ``i`` at time ``t`` is then
    :math:`s(t)\\,u_i\\,g_i(t)` for a common trade scale :math:`s(t)` (1 at the start) and the
    reserve is worth :math:`s(t)\\,U\\,B(t)` with

    .. math:: U = \\sum_i u_i, \\qquad B(t) = \\frac{1}{U}\\sum_i u_i\\,g_i(t)\\,p_i(t),

    the *basket price* per basket unit. :func:`~treasurymodel.simulate` runs the engine on
    :math:`U` basket units at price :math:`B(t)` (``asset_price`` is :math:`B(0)`): every one-asset
    rule then applies unchanged to the basket. With a single asset held (any others at zero
    units) and no staking, :math:`B = p` and the log returns are exactly the model's.

    Parameters
    ----------
    model
        A :class:`MultiAssetModel` (:class:`CorrelatedGBM`, :class:`JointBootstrap`).
    units
        Units held of each asset on the as-of date, a mapping ticker -> units >= 0 naming
        every ticker of the model and nothing else; at least one must be positive.
    staking_yields
        Optional annual staking yields in units (``{"ETH": 0.03}``: 3% more ether a year),
        each from 0 to 10; tickers not named earn nothing.

    Notes
    -----
    Limits of the policy: the company cannot rebalance (sell one asset to buy another),
    pledged collateral is restated in basket units by its value on the as-of date and then
    moves with the basket, the impact model's daily volume is in basket units, and the
    recorded ``price`` and ``units`` are the basket's. :meth:`asset_units` gives each asset's
    units from the engine's final basket units and :func:`asset_price_paths` each asset's
    price paths.

    Examples
    --------
    >>> m = CorrelatedGBM(tickers=("BTC", "ETH"), asset_prices=(60_000.0, 2_000.0),
    ...     drifts=(0.0, 0.0), volatilities=(0.5, 0.7), correlation=((1, 0.8), (0.8, 1)))
    >>> b = Basket(model=m, units={"BTC": 100.0, "ETH": 1_000.0})
    >>> b.total_units, round(b.asset_price, 6)  # (100 x 60,000 + 1,000 x 2,000) / 1,100
    (1100.0, 7272.727273)
    >>> Basket(model=m, units={"BTC": 100.0, "SOL": 5.0})
    Traceback (most recent call last):
    ...
    treasurymodel.errors.ValidationError: Basket.units: must name the model's tickers \
('BTC', 'ETH') and no others, got ['BTC', 'SOL']
    """

    model: MultiAssetModel = attrs.field()
    units: Mapping[str, float] = attrs.field(converter=_to_mapping)
    staking_yields: Mapping[str, float] = attrs.field(factory=dict, converter=_to_mapping)
    _u: FloatArray = attrs.field(init=False, eq=False, repr=False, hash=False)
    _y: FloatArray = attrs.field(init=False, eq=False, repr=False, hash=False)

    @model.validator
    def _check_model(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, type) or not isinstance(value, MultiAssetModel):
            raise ValidationError(
                "Basket.model",
                value,
                "must be a multi-asset model (tickers, spots and asset_log_returns)",
            )

    def __attrs_post_init__(self) -> None:
        tickers = tuple(self.model.tickers)
        if not isinstance(self.units, dict) or set(self.units) != set(tickers):
            got = sorted(self.units) if isinstance(self.units, dict) else self.units
            raise ValidationError(
                "Basket.units", got, f"must name the model's tickers {tickers} and no others"
            )
        u = np.array(
            [check_number(f"Basket.units[{t!r}]", self.units[t], minimum=0.0) for t in tickers]
        )
        if not (u > 0.0).any():
            raise ValidationError("Basket.units", dict(self.units), "must hold some units")
        if not np.isfinite(u.sum()):
            raise ValidationError("Basket.units", dict(self.units), "must have a finite total")
        if not isinstance(self.staking_yields, dict):
            raise ValidationError(
                "Basket.staking_yields", self.staking_yields, "must map tickers to yields"
            )
        for name in self.staking_yields:
            if name not in tickers:
                raise ValidationError(
                    "Basket.staking_yields", name, f"must name one of the tickers {tickers}"
                )
        y_list = [
            check_number(
                f"Basket.staking_yields[{t!r}]",
                self.staking_yields.get(t, 0.0),
                minimum=0.0,
            )
            for t in tickers
        ]
        for t, value in zip(tickers, y_list, strict=True):
            if value > _MAX_RATE:
                raise ValidationError(
                    f"Basket.staking_yields[{t!r}]", value, f"must be at most {_MAX_RATE:g}"
                )
        y = np.array(y_list)
        for name, array in (("_u", u), ("_y", y)):
            array.flags.writeable = False
            object.__setattr__(self, name, array)
        _check_spot("Basket.asset_price", self.asset_price)

    @property
    def tickers(self) -> tuple[str, ...]:
        """The model's tickers, in its order.

        Examples
        --------
        >>> m = JointBootstrap(tickers=("BTC",), asset_prices=(1.0,), returns=[[0.0]])
        >>> Basket(model=m, units={"BTC": 1.0}).tickers
        ('BTC',)
        """
        return tuple(self.model.tickers)

    @property
    def total_units(self) -> float:
        """:math:`U = \\sum_i u_i`, the basket units the engine starts with.

        Examples
        --------
        >>> m = JointBootstrap(tickers=("A", "B"), asset_prices=(1.0, 2.0), returns=[[0.0, 0.0]])
        >>> Basket(model=m, units={"A": 1.0, "B": 3.0}).total_units
        4.0
        """
        return float(self._u.sum())

    @property
    def asset_price(self) -> float:
        """The basket price on the as-of date, :math:`B(0) = \\sum_i u_i p_i(0) / U`.

        Examples
        --------
        >>> m = JointBootstrap(tickers=("A", "B"), asset_prices=(1.0, 2.0), returns=[[0.0, 0.0]])
        >>> Basket(model=m, units={"A": 1.0, "B": 3.0}).asset_price  # (1 + 6) / 4
        1.75
        """
        active = self._u > 0.0
        if int(active.sum()) == 1:
            return float(np.asarray(self.model.asset_prices)[active][0])
        return (
            float(self._u @ np.asarray(self.model.asset_prices, dtype=np.float64))
            / self.total_units
        )

    @property
    def single(self) -> bool:
        """Whether one asset is held (the others at zero units) and earns no staking yield.

        The basket price is then that asset's price, and its log returns the model's.

        Examples
        --------
        >>> m = JointBootstrap(tickers=("A", "B"), asset_prices=(1.0, 2.0), returns=[[0.0, 0.0]])
        >>> Basket(model=m, units={"A": 1.0, "B": 0.0}).single
        True
        """
        active = np.flatnonzero(self._u > 0.0)
        return bool(active.size == 1 and self._y[active[0]] == 0.0)

    def check_horizon(self, *, years: float) -> None:
        """Refuse, up front, a :class:`CorrelatedGBM` asset that could leave the price range.

        Each asset held is checked as its own :class:`~treasurymodel.GBM` (see
        :func:`~treasurymodel.simulate`); other models are checked path by path.

        Examples
        --------
        >>> m = CorrelatedGBM(tickers=("A",), asset_prices=(1.0,), drifts=(0.0,),
        ...     volatilities=(10.0,), correlation=[[1.0]])
        >>> Basket(model=m, units={"A": 1.0}).check_horizon(years=100)
        Traceback (most recent call last):
        ...
        treasurymodel.errors.ValidationError: GBM.volatility: too large for a 100-year \
horizon: prices would leave [1e-200, 1e+200] (they reach 1e-2519 to 1e+347 at 8 standard \
deviations), got 10.0
        """
        model = self.model
        if not isinstance(model, CorrelatedGBM):
            return
        for i, (asset_price, mu, sigma) in enumerate(
            zip(model.asset_prices, model.drifts, model.volatilities, strict=True)
        ):
            if self._u[i] > 0.0:  # staking grows the asset's value like a drift
                drift = min(mu + math.log1p(float(self._y[i])), _MAX_RATE)
                _check_horizon(
                    GBM(asset_price=asset_price, drift=drift, volatility=sigma), years=years
                )

    def log_returns(
        self, rng: np.random.Generator, *, paths: int, steps: int, dt: float
    ) -> FloatArray:
        """Log returns of the basket price :math:`B`, shape ``(paths, steps)``.

        Examples
        --------
        >>> import numpy as np
        >>> m = CorrelatedGBM(tickers=("A", "B"), asset_prices=(1.0, 1.0), drifts=(0.0, 0.0),
        ...     volatilities=(0.0, 0.0), correlation=np.eye(2))
        >>> b = Basket(model=m, units={"A": 1.0, "B": 1.0}, staking_yields={"B": 1.0})
        >>> r = b.log_returns(np.random.default_rng(0), paths=1, steps=1, dt=1.0)
        >>> float(np.exp(r[0, 0]))  # B doubles its units: (1 + 2) / 2 = 1.5 times B(0)
        1.5
        """
        each = self.model.asset_log_returns(rng, paths=paths, steps=steps, dt=dt)
        n = len(self.tickers)
        if not isinstance(each, np.ndarray) or each.shape != (n, paths, steps):
            raise ValidationError(
                "model.asset_log_returns",
                getattr(each, "shape", each),
                f"must return an array of shape ({n}, {paths}, {steps})",
            )
        active = np.flatnonzero(self._u > 0.0)
        if self.single:
            out: FloatArray = each[active[0]]
            return out
        np.cumsum(each, axis=2, out=each)
        asset_prices = np.asarray(self.model.asset_prices, dtype=np.float64)
        total = self.total_units
        years = dt * np.arange(1, steps + 1)
        level = np.zeros((paths, steps))
        with np.errstate(over="ignore"):
            for i in active:
                slab = each[i]
                # a sum of logs: the product of a tiny holding and its price can underflow
                slab += math.log(self._u[i]) + math.log(asset_prices[i]) - math.log(total)
                if self._y[i] > 0.0:
                    slab += math.log1p(self._y[i]) * years
                np.exp(slab, out=slab)
                level += slab
        with np.errstate(divide="ignore", invalid="ignore"):
            np.log(level, out=level)
        out = np.empty((paths, steps))
        out[:, 0] = level[:, 0] - math.log(self.asset_price)
        np.subtract(level[:, 1:], level[:, :-1], out=out[:, 1:])
        return out

    def asset_units(self, basket_units: Any, *, years: float) -> FloatArray:
        """Units of each asset held with ``basket_units`` basket units at time ``years``.

        Under the pro-rata policy a holding of :math:`b` basket units at time ``t`` is
        :math:`(b / U)\\,u_i\\,g_i(t)` units of asset ``i``. ``basket_units`` is a number or
        an array (e.g. a result's ``final_units``); the result has one more
        trailing axis, one entry per ticker.

        Examples
        --------
        >>> m = JointBootstrap(tickers=("A", "B"), asset_prices=(1.0, 1.0), returns=[[0.0, 0.0]])
        >>> b = Basket(model=m, units={"A": 1.0, "B": 3.0}, staking_yields={"B": 0.1})
        >>> b.asset_units(2.0, years=2.0).round(6).tolist()  # half the basket, 2 years on
        [0.5, 1.815]
        """
        t = check_number("years", years, minimum=0.0)
        held = np.asarray(basket_units, dtype=np.float64)
        if held.dtype.kind != "f" or not np.isfinite(held).all() or (held < 0.0).any():
            raise ValidationError("basket_units", basket_units, "must be finite numbers >= 0")
        per_unit = self._u * np.exp(np.log1p(self._y) * t) / self.total_units
        out: FloatArray = held[..., None] * per_unit
        return out

    @classmethod
    def for_company(
        cls, company: Any, *, model: MultiAssetModel, units: Mapping[str, float] | None = None
    ) -> Basket:
        """The basket of ``company``'s reserve (its holdings) priced by ``model``.

        Reads ``company.holdings`` (asset, units and staking yield of each). ``units``
        overrides the units read.

        Examples
        --------
        >>> import datetime as dt
        >>> import treasurymodel as tm
        >>> co = tm.Company(name="X", as_of=dt.date(2026, 1, 1),
        ...     holdings=tm.Holdings(units=10.0), shares_basic=1e3)
        >>> m = JointBootstrap(tickers=("BTC",), asset_prices=(5.0,), returns=[[0.0]])
        >>> Basket.for_company(co, model=m).units
        {'BTC': 10.0}
        """
        held = company.holdings
        found = {h.asset: float(h.units) for h in held}
        yields = {h.asset: float(h.staking_yield) for h in held}
        tickers = tuple(model.tickers)
        for name in tickers:
            found.setdefault(name, 0.0)
        if set(found) != set(tickers):
            raise ValidationError(
                "model.tickers",
                tickers,
                f"must include every asset the company holds ({sorted(found)})",
            )
        return cls(
            model=model,
            units=found if units is None else units,
            staking_yields={k: v for k, v in yields.items() if v},
        )


def basket_price_paths(
    basket: Basket, *, seed: int, start: int, size: int, total: int, steps: int, dt: float
) -> FloatArray:
    """The basket's prices on paths ``start .. start + size``, as :func:`price_paths` returns.

    What ``price_paths`` (in ``treasurymodel.simulation.montecarlo``) does for a basket of several
    assets (the arguments are checked there): each block's asset log returns are summed over
    the steps date by date, exponentiated and added up with the weights
    :math:`u_i g_i(t) / U`, straight into the date-major price matrix. The same prices as the
    log returns of :meth:`Basket.log_returns` give, up to rounding (about 1e-15 relative), at
    about half the passes over memory.
    """
    from .models import _PRICE_RANGE
    from .montecarlo import BLOCK_PATHS

    n = len(basket.tickers)
    asset_prices = np.asarray(basket.model.asset_prices, dtype=np.float64)
    total_units = basket.total_units
    active = [int(i) for i in np.flatnonzero(basket._u > 0.0)]
    normals = getattr(basket.model, "_normals", None)
    prices = np.empty((steps + 1, size))
    prices[0] = basket.asset_price
    width = min(size, BLOCK_PATHS)
    work = np.empty((2, min(steps, _SLAB_DATES), width))
    carry = np.empty((len(active), width))
    weights = [
        math.log(basket._u[i]) + math.log(asset_prices[i]) - math.log(total_units) for i in active
    ]
    for block in range(start // BLOCK_PATHS, (start + size - 1) // BLOCK_PATHS + 1):
        lo = block * BLOCK_PATHS
        rows = min(BLOCK_PATHS, total - lo)
        rng = np.random.Generator(
            np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block,)))
        )
        mix: FloatArray | None = None
        if normals is not None:  # date-major: (assets, steps, paths)
            each, mix, means = normals(rng, paths=rows, steps=steps, dt=dt, date_major=True)
        else:
            each = basket.model.asset_log_returns(rng, paths=rows, steps=steps, dt=dt)
            means = (0.0,) * n
            if not isinstance(each, np.ndarray) or each.shape != (n, rows, steps):
                raise ValidationError(
                    "model.asset_log_returns",
                    getattr(each, "shape", each),
                    f"must return an array of shape ({n}, {rows}, {steps})",
                )
        drifts = [means[i] + math.log1p(float(basket._y[i])) * dt for i in active]
        take = min(rows, start + size - lo)
        target = prices[1:, lo - start : lo - start + take]
        # Date-major (a date's values contiguous), a slab of _SLAB_DATES dates at a time so
        # that the work stays in the processor's cache: for each asset, its returns (its row
        # of the mixed normals) with a step's mean and staking, the weight (or the running
        # sum so far) added to the first date, a running sum, the exponential, the sum.
        for s0 in range(0, steps, _SLAB_DATES):
            s1 = min(s0 + _SLAB_DATES, steps)
            buf, tmp = work[0, : s1 - s0, :take], work[1, : s1 - s0, :take]
            for position, i in enumerate(active):
                if mix is None:
                    np.add(each[i, :take, s0:s1].T, drifts[position], out=buf)
                else:
                    np.multiply(each[i, s0:s1, :take], mix[i, i], out=buf)
                    for j in range(i):
                        if mix[i, j] != 0.0:
                            np.multiply(each[j, s0:s1, :take], mix[i, j], out=tmp)
                            buf += tmp
                    buf += drifts[position]
                buf[0] += weights[position] if s0 == 0 else carry[position, :take]
                for k in range(1, s1 - s0):
                    np.add(buf[k - 1], buf[k], out=buf[k])
                carry[position, :take] = buf[-1]
                with np.errstate(over="ignore"):
                    if position == 0:
                        np.exp(buf, out=target[s0:s1])
                    else:
                        np.exp(buf, out=buf)
                        target[s0:s1] += buf
    low, high = _PRICE_RANGE
    if not (low <= prices.min() and prices.max() <= high):  # NaN fails both
        inside = (prices >= low) & (prices <= high)
        column = int(np.flatnonzero(~inside.all(axis=0))[0])
        step = int(np.flatnonzero(~inside[:, column])[0])
        raise ValidationError(
            "model",
            float(prices[step, column]),
            f"took the basket price of path {start + column} out of [{low:g}, {high:g}]"
            f" at step {step}",
        )
    return prices.T


def asset_price_paths(
    basket: Basket, *, seed: int, start: int, size: int, total: int, steps: int, dt: float
) -> FloatArray:
    """Each asset's prices on paths ``start .. start + size``, shape ``(size, steps + 1, n)``.

    The same random blocks as ``price_paths`` (in ``treasurymodel.simulation.montecarlo``)
    draws for the basket (and
    :func:`~treasurymodel.simulate` with the same ``seed`` and ``paths == total``): column
    ``[:, k, i]`` is asset ``i``'s price at step ``k`` on those paths, so the final prices of
    each asset on the simulated paths are ``[:, -1, :]``. Memory: ``8 x size x (steps + 1) x
    n`` bytes; ask for a chunk at a time.

    Examples
    --------
    >>> import numpy as np
    >>> import treasurymodel as tm
    >>> m = CorrelatedGBM(tickers=("A", "B"), asset_prices=(10.0, 20.0), drifts=(0.0, 0.0),
    ...     volatilities=(0.5, 0.5), correlation=np.eye(2))
    >>> b = Basket(model=m, units={"A": 1.0, "B": 1.0})
    >>> each = asset_price_paths(b, seed=3, start=0, size=5, total=5, steps=4, dt=0.25)
    >>> from treasurymodel.simulation.montecarlo import price_paths
    >>> basket = price_paths(b, seed=3, start=0, size=5, total=5, steps=4, dt=0.25)
    >>> bool(np.allclose(each.mean(axis=2), basket, rtol=1e-12))  # B = (pA + pB) / 2
    True
    """
    from .models import _PRICE_RANGE
    from .montecarlo import _MAX_PATHS, _MAX_STEPS, _MAX_YEARS, BLOCK_PATHS, _check_memory

    if not isinstance(basket, Basket):
        raise ValidationError("basket", basket, "must be a Basket")
    seed = _whole("seed", seed, minimum=0)
    total = _whole("total", total, minimum=1, maximum=_MAX_PATHS)
    size = _whole("size", size, minimum=1)
    start = _whole("start", start, minimum=0)
    if start % BLOCK_PATHS or start >= total:
        raise ValidationError("start", start, f"must be a multiple of {BLOCK_PATHS} below total")
    if start + size > total:
        raise ValidationError("size", size, f"runs past the {total} paths (from {start})")
    _check_grid(size, steps, dt)
    steps = _whole("steps", steps, minimum=1, maximum=_MAX_STEPS)
    dt = float(dt)
    if steps * dt > _MAX_YEARS:
        raise ValidationError(
            "dt", dt, f"makes the paths longer than {_MAX_YEARS:,.0f} years ({steps} steps)"
        )
    basket.check_horizon(years=steps * dt)
    n = len(basket.tickers)
    _check_memory(
        "size",
        size,
        8.0 * size * (steps + 1) * n,
        f"a {size:,} x {steps + 1:,} x {n} array of prices",
    )
    out = np.empty((size, steps + 1, n))
    out[:, 0, :] = np.asarray(basket.model.asset_prices, dtype=np.float64)
    for block in range(start // BLOCK_PATHS, (start + size - 1) // BLOCK_PATHS + 1):
        lo = block * BLOCK_PATHS
        rows = min(BLOCK_PATHS, total - lo)
        rng = np.random.Generator(
            np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block,)))
        )
        each = basket.model.asset_log_returns(rng, paths=rows, steps=steps, dt=dt)
        take = min(rows, start + size - lo)
        np.cumsum(each[:, :take], axis=2, out=each[:, :take])
        out[lo - start : lo - start + take, 1:, :] = np.moveaxis(each[:, :take], 0, 2)
    with np.errstate(over="ignore"):
        np.exp(out[:, 1:, :], out=out[:, 1:, :])
    out[:, 1:, :] *= out[:, :1, :]
    low, high = _PRICE_RANGE
    if not (low <= out.min() and out.max() <= high):  # NaN fails both
        path, step, asset = (int(k) for k in np.argwhere(~((out >= low) & (out <= high)))[0])
        raise ValidationError(
            "basket",
            float(out[path, step, asset]),
            f"took the price of {basket.tickers[asset]} on path {start + path} out of"
            f" [{low:g}, {high:g}] at step {step}",
        )
    return out
