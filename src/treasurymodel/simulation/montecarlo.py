"""Monte Carlo at scale: many random price paths through the scenario engine, in chunks.

:func:`simulate` draws price paths from a :class:`~treasurymodel.simulation.PriceModel`, runs them
through the scenario engine (:func:`~treasurymodel.simulation.simulate_paths`) a chunk at a time
and joins
the per-path results into one :class:`~treasurymodel.simulation.SimulationResult`.

Reproducibility
    Paths are grouped into fixed blocks of ``BLOCK_PATHS`` paths. Block ``i`` draws its
    random numbers from ``numpy.random.Generator(PCG64(SeedSequence(seed, spawn_key=(i,))))``,
    which is the ``i``-th child of ``SeedSequence(seed).spawn(...)``. A chunk is a whole number
    of blocks and chunks are joined in block order, so the result depends only on the inputs
    and the seed: not on ``chunk_size``, on the executor or on the number of its workers.

Memory
    A chunk holds one ``(chunk paths) x (steps + 1)`` float64 matrix of prices; the engine
    keeps per-path results only. Peak memory therefore grows with the chunk size, not with
    ``paths x steps``.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as _dt
import math
import os
import pickle
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol, Self, TypeVar, cast, overload

import attrs
import numpy as np

from .._typing import FloatArray, IntArray
from ..company import Company
from ..errors import ValidationError
from ..validators import check_date, check_flag, check_number
from .aggregates import SimulationAggregates, outcome_edges
from .assets import Basket, MultiAssetModel, basket_price_paths
from .calendar import plan_for
from .engine import (
    _check_models,
    check_record,
    prices_read,
    simulate_drawn,
    simulate_paths,
    trace_paths,
)
from .fx import FxGBM, check_fx, convert, fx_paths
from .impact import ImpactModel
from .models import (
    _PRICE_RANGE,
    GBM,
    PriceModel,
    _check_grid,
    _check_horizon,
    _check_spot,
    _whole,
)
from .policy import FundingPolicy
from .premium import ConstantPremium, PremiumModel
from .result import SimulationResult
from .state import LazyPrices, _to_prices, basket_company
from .trace import check_record_paths, choose

if TYPE_CHECKING:
    from .joint import MarketAggregates
    from .market import MarketResult

__all__ = [
    "BLOCK_PATHS",
    "KEEP_PATHS_LIMIT",
    "estimate_memory",
    "price_paths",
    "simulate",
    "simulation_dates",
]

BLOCK_PATHS: Final = 1024
"""Paths per random-number block: block ``i`` is seeded with ``SeedSequence(seed,
spawn_key=(i,))``. Fixed forever: changing it changes every simulated path.

Examples
--------
>>> BLOCK_PATHS
1024
>>> -(-2500 // BLOCK_PATHS)  # 2,500 paths make 3 blocks (the last one partial)
3
"""

_CHUNK_ELEMENTS: Final = 2**23
"""Default chunk: about this many prices (64 MiB of float64) per chunk's price matrix
(15,360 paths of 520 weekly steps). The engine's fixed cost per visited step (about 60 µs of
interpreter and numpy calls) is then small against its arithmetic on the paths: one process
runs the 2026 structure about 5% faster than with half as many paths a chunk (the matrix
reused from chunk to chunk, :func:`_reusing_matrices`). A task sent to an executor costs a
worker about 15 ms besides its paths (measured on a Dask ``LocalCluster``), small at this
size too."""

_TASKS_PER_EXECUTOR: Final = 16
"""With an executor, the default chunk size aims at this many tasks (to balance workers)."""

KEEP_PATHS_LIMIT: Final = 1_000_000
"""Above this many paths :func:`simulate` keeps no per-path arrays unless asked
(``keep_paths=None``): it returns :class:`~treasurymodel.simulation.SimulationAggregates`.

Examples
--------
>>> KEEP_PATHS_LIMIT
1000000
"""

_IN_FLIGHT: Final = 32
"""Bounded runs on an executor: chunks submitted ahead of the one being merged."""

_MAX_STEPS_PER_YEAR: Final = 365

_MAX_PATHS: Final = 10**9
"""Most paths one simulation accepts (its result alone holds about 200 bytes a path)."""

_MAX_YEARS: Final = 10_000.0
"""Longest horizon in years (the calendar ends on 9999-12-31 anyway)."""

_MAX_STEPS: Final = int(_MAX_YEARS) * _MAX_STEPS_PER_YEAR
"""Most steps of one price path (10,000 years of daily steps)."""

_RESULT_BYTES_PER_PATH: Final = 450
"""Memory a simulated path holds at the peak: about 200 bytes of per-path results, twice
over while the chunks' results are joined, and some slack."""

_PRICE_MATRIX_COPIES: Final = 2
"""A chunk's price matrix (8 bytes a price) and the engine's working arrays of its size."""


def _available_memory() -> int | None:
    """Bytes of memory this process can expect to get (MemAvailable), or None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_PHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, OSError, ValueError):  # pragma: no cover - not POSIX
        return None


def _gib(n: float) -> str:
    return f"{n / 2**30:,.1f} GiB"


def _check_memory(field: str, value: Any, needed: float, what: str) -> None:
    """Refuse up front work whose memory estimate exceeds what the machine has available."""
    available = _available_memory()
    if available is not None and needed > available:
        raise ValidationError(
            field,
            value,
            f"needs about {_gib(needed)} of memory ({what}), more than the {_gib(available)} "
            "available; ask for less",
        )


def simulation_dates(
    as_of: _dt.date, *, years: float, steps_per_year: int = 52
) -> tuple[_dt.date, ...]:
    """The dates of a simulation grid: ``as_of`` and one date per step.

    Step ``k`` falls ``round(k * 365.25 / steps_per_year)`` days after ``as_of`` (halves
    rounded up), for ``k = 0 .. steps`` with ``steps = ceil(years * steps_per_year)``: the grid
    covers at least ``years`` years. ``steps_per_year`` is a whole number from 1 to 365, so
    the dates are strictly increasing. The price model sees equal steps of
    ``1 / steps_per_year`` years; the dates only place the steps on the calendar (whole days,
    so calendar gaps differ by at most a day).

    Examples
    --------
    >>> import datetime as dt
    >>> d = simulation_dates(dt.date(2026, 2, 1), years=1, steps_per_year=4)
    >>> [x.isoformat() for x in d]
    ['2026-02-01', '2026-05-03', '2026-08-03', '2026-11-02', '2027-02-01']
    >>> len(simulation_dates(dt.date(2026, 2, 1), years=10))
    521
    """
    as_of = check_date("as_of", as_of)
    per_year = _whole("steps_per_year", steps_per_year, minimum=1, maximum=_MAX_STEPS_PER_YEAR)
    horizon = check_number("years", years, minimum=0.0, strict=True)
    if horizon > _MAX_YEARS:
        raise ValidationError("years", years, f"must be at most {_MAX_YEARS:,.0f}")
    steps = max(math.ceil(horizon * per_year - 1e-9), 1)
    # round(k * 365.25 / steps_per_year), halves up, in exact integer arithmetic
    scale = 200 * per_year

    def days(k: int) -> int:
        return (73_050 * k + 100 * per_year) // scale

    if days(steps) > (_dt.date.max - as_of).days:
        raise ValidationError("years", years, f"runs past the last date, {_dt.date.max}")
    return tuple(as_of + _dt.timedelta(days=days(k)) for k in range(steps + 1))


def _check_model(model: Any, *, years: float) -> None:
    """A price model (an instance) whose prices can stay in range for ``years`` years."""
    if not isinstance(model, type) and isinstance(model, MultiAssetModel):
        raise ValidationError(
            "model",
            model,
            "is a model of several assets: give the company's basket, "
            "treasurymodel.Basket.for_company(company, model=...)",
        )
    if isinstance(model, type) or not isinstance(model, PriceModel):
        raise ValidationError(
            "model", model, "must be a price model (a spot price and a log_returns method)"
        )
    _check_spot("model.asset_price", model.asset_price)
    _check_horizon(model, years=years)
    if isinstance(model, Basket):
        model.check_horizon(years=years)


@attrs.frozen(kw_only=True)
class _Chunk:
    """One task: the paths ``start .. start + size`` of a simulation (picklable)."""

    company: Company
    model: Any
    seed: int
    start: int
    size: int
    total: int
    steps: int
    dt: float
    dates: tuple[_dt.date, ...]
    policy: FundingPolicy | None
    premium: PremiumModel | None
    impact: ImpactModel | None
    record: tuple[str, ...]
    record_edges: Mapping[str, Any] | None
    fx: Mapping[str, Any] = attrs.field(factory=dict)  # checked (check_fx)
    # the steps the engine reads whatever happens on the paths, whose prices are computed
    # while the running sum passes them, and the steps kept when those are all it reads
    # (None: every step): _steps_read
    early: frozenset[int] = frozenset()
    only: tuple[int, ...] | None = None


def price_paths(
    model: PriceModel, *, seed: int, start: int, size: int, total: int, steps: int, dt: float
) -> FloatArray:
    """Prices of paths ``start .. start + size`` of a ``total``-path simulation.

    Returns a ``(size, steps + 1)`` float64 array whose first column is ``model.asset_price``, in
    column-major (Fortran) order: the prices of one date are contiguous in memory. Block
    ``i`` of ``BLOCK_PATHS`` paths draws its log returns with its own generator seeded by
    ``SeedSequence(seed, spawn_key=(i,))``; ``start`` must be a multiple of
    ``BLOCK_PATHS``. The prices are ``asset_price * exp(cumsum(log returns))``.

    Examples
    --------
    >>> from treasurymodel import GBM
    >>> m = GBM(asset_price=100.0, drift=0.0, volatility=0.5)
    >>> p = price_paths(m, seed=1, start=0, size=3, total=3, steps=52, dt=1 / 52)
    >>> p.shape, p[:, 0].tolist()
    ((3, 53), [100.0, 100.0, 100.0])
    >>> whole = price_paths(m, seed=1, start=0, size=2048, total=3000, steps=4, dt=0.25)
    >>> part = price_paths(m, seed=1, start=1024, size=1024, total=3000, steps=4, dt=0.25)
    >>> bool((whole[1024:] == part).all())
    True
    """
    prices = _price_source(
        model, seed=seed, start=start, size=size, total=total, steps=steps, dt=dt
    )
    return prices if isinstance(prices, np.ndarray) else prices.full()


def _price_source(
    model: PriceModel,
    *,
    seed: int,
    start: int,
    size: int,
    total: int,
    steps: int,
    dt: float,
    early: frozenset[int] = frozenset(),
    only: tuple[int, ...] | None = None,
) -> FloatArray | LazyPrices:
    """:func:`price_paths` (the same checks and the same numbers), a one-asset model's prices
    left as log prices that become prices a date at a time, when the engine first reads
    that date (:class:`~.state.LazyPrices`): the engine visits only the steps on which
    something happens, so most dates are never exponentiated. With ``only`` (the steps the
    engine reads, :func:`~.engine.prices_read`), a GBM's prices are kept on those steps only
    (:func:`_gbm_prices_at`)."""
    seed = _whole("seed", seed, minimum=0)
    total = _whole("total", total, minimum=1, maximum=_MAX_PATHS)
    size = _whole("size", size, minimum=1)
    start = _whole("start", start, minimum=0)
    if start % BLOCK_PATHS:
        raise ValidationError("start", start, f"must be a multiple of {BLOCK_PATHS}")
    if start >= total:
        raise ValidationError("start", start, f"must be below total ({total})")
    if start + size > total:
        raise ValidationError("size", size, f"runs past the {total} paths (from {start})")
    _check_grid(size, steps, dt)
    steps = _whole("steps", steps, minimum=1, maximum=_MAX_STEPS)
    dt = float(dt)
    if steps * dt > _MAX_YEARS:
        raise ValidationError(
            "dt", dt, f"makes the paths longer than {_MAX_YEARS:,.0f} years ({steps} steps)"
        )
    _check_model(model, years=steps * dt)
    _check_memory(
        "size", size, 8.0 * size * (steps + 1), f"a {size:,} x {steps + 1:,} matrix of prices"
    )
    if isinstance(model, Basket) and not model.single:  # several assets: summed prices
        return basket_price_paths(
            model, seed=seed, start=start, size=size, total=total, steps=steps, dt=dt
        )
    if only is not None and type(model) is GBM and model.volatility > 0.0:
        blocks = _blocks(seed, start=start, size=size, total=total)
        kept = _gbm_prices_at(model, blocks, steps=steps, dt=dt, only=only)
        if kept is not None:
            return LazyPrices(
                kept,
                float(model.asset_price),
                done=range(len(only)),
                stored=only,
                dates=steps + 1,
            )
    done: set[int] = set()
    log_price = _log_prices(
        model,
        seed=seed,
        start=start,
        size=size,
        total=total,
        steps=steps,
        dt=dt,
        early=early,
        done=done,
    )
    return LazyPrices(log_price, float(model.asset_price), done=done)


_POOL = threading.local()
"""The price matrix a serial run hands from one chunk to the next (``_POOL.free``: a list,
set while :func:`_reusing_matrices` runs in this thread)."""


@contextlib.contextmanager
def _reusing_matrices(*, keep: bool = False) -> Iterator[None]:
    """Within: a chunk run here, one after another, gives its price matrix back when the
    engine is done with it (:func:`_release`) and the next chunk of the same shape fills it
    again (:func:`_matrix`) rather than allocating a new one. Above 32 MiB a new array is
    mapped afresh by the allocator and each of its pages faulted in, a cost per chunk that
    reuse avoids. The matrix is let go when the run ends; with ``keep`` (a task on an
    executor's worker) it is kept for the worker thread's next task."""
    before = getattr(_POOL, "free", None)
    if before is not None:  # already reusing (a serial run, or a worker's earlier task)
        yield
        return
    _POOL.free = []
    try:
        yield
    finally:
        if not keep:
            _POOL.free = before


def _matrix(shape: tuple[int, int]) -> FloatArray:
    """An uninitialized float64 matrix of ``shape``: the one given back by the previous
    chunk of a serial run when it has that shape, else a new one."""
    free: list[FloatArray] | None = getattr(_POOL, "free", None)
    if free:
        kept = free.pop()
        if kept.shape == shape:
            return kept
    return np.empty(shape)


def _release(matrix: FloatArray) -> None:
    """Give ``matrix`` back for the next chunk of a serial run (nothing else may read it)."""
    free: list[FloatArray] | None = getattr(_POOL, "free", None)
    if free is not None and not free:
        free.append(matrix)


def _log_prices(
    model: PriceModel,
    *,
    seed: int,
    start: int,
    size: int,
    total: int,
    steps: int,
    dt: float,
    early: frozenset[int] = frozenset(),
    done: set[int] | None = None,
) -> FloatArray:
    """The log prices of :func:`price_paths` relative to the spot, date-major: shape
    ``(steps + 1, size)`` in C order, checked to keep the prices in range (the arguments
    are checked by the caller). The prices are ``asset_price * exp(log_price)``.

    The steps of ``early`` hold their prices instead, computed as
    :class:`~.state.LazyPrices` computes them, while the running sum has just passed them
    (in cache), when the range is settled before the sum (:func:`_inside`); the steps so
    computed are added to ``done``."""
    # Built date-major, (steps + 1, size) in C order, so that the running sum adds whole rows
    # of contiguous memory and the engine reads a date's prices contiguously.
    log_price = _matrix((steps + 1, size))  # every element is written below
    log_price[0] = 0.0
    # the smallest and largest log returns of each block drawn by _gbm_rows (None once a
    # block is not: then every log price is checked)
    bounds: list[tuple[float, float]] | None = []
    for rng, col, take, rows in _blocks(seed, start=start, size=size, total=total):
        if type(model) is GBM and model.volatility > 0.0:
            drawn = _gbm_rows(model, rng, log_price[1:, col : col + take], dt, rows=rows)
            if bounds is not None:
                bounds.append(drawn)
            continue
        bounds = None
        returns = model.log_returns(rng, paths=rows, steps=steps, dt=dt)
        if not isinstance(returns, np.ndarray) or returns.shape != (rows, steps):
            raise ValidationError(
                "model.log_returns",
                getattr(returns, "shape", returns),
                f"must return an array of shape ({rows}, {steps})",
            )
        # The block is drawn whole (its paths do not depend on how it is split); a chunk
        # that ends inside it keeps its first paths only.
        log_price[1:, col : col + take] = returns[:take].T
    asset_price = float(model.asset_price)
    floor, ceiling = (math.log(x) - math.log(asset_price) for x in _PRICE_RANGE)
    settled = False
    if bounds:
        # np.min and np.max propagate NaN, which _inside turns down
        low, high = np.min([b[0] for b in bounds]), np.max([b[1] for b in bounds])
        settled = _inside(float(low), float(high), steps, floor, ceiling)
    convert = early if settled and done is not None else frozenset()
    for k in range(2, steps + 1):
        np.add(log_price[k - 1], log_price[k], out=log_price[k])
        if k - 1 in convert:  # its last read as a log price: now its prices
            _to_prices(log_price[k - 1], asset_price)
    for k in convert & {0, steps}:
        _to_prices(log_price[k], asset_price)
    if done is not None:
        done.update(convert)
    if settled:
        return log_price
    # min and max are NaN if any return is NaN (and inf - inf is NaN): one test covers all.
    if not (floor <= log_price.min() and log_price.max() <= ceiling):
        _refuse_paths(log_price, start=start, floor=floor, ceiling=ceiling)
    return log_price


def _inside(low: float, high: float, steps: int, floor: float, ceiling: float) -> bool:
    """Whether every running sum of ``steps`` log returns, each between ``low`` and ``high``,
    surely lies in ``[floor, ceiling]`` (``floor < 0 < ceiling``): the ``k``-th sum lies
    between ``k * min(low, 0)`` and ``k * max(high, 0)``, and the rounding of the sums is
    far below the margin of 1 left on each side. False when it cannot tell (then every log
    price is checked), and for NaN (every comparison with NaN is false).

    Examples
    --------
    >>> _inside(-0.3, 0.4, 520, -470.0, 450.0)
    True
    >>> _inside(-0.3, 0.9, 520, -470.0, 450.0)  # 520 x 0.9 could pass 449
    False
    >>> _inside(float("nan"), 0.1, 520, -470.0, 450.0)
    False
    """
    return steps * min(low, 0.0) >= floor + 1.0 and steps * max(high, 0.0) <= ceiling - 1.0


_GBM_SLICE: Final = 32
"""Steps of a block drawn at a time by :func:`_gbm_rows` (their variates stay in cache)."""


def _gbm_rows(
    model: GBM, rng: np.random.Generator, into: FloatArray, dt: float, *, rows: int
) -> tuple[float, float]:
    """A block's GBM log returns written date-major into ``into`` (shape (steps, paths), the
    block's first ``paths`` of its ``rows``): the numbers of ``model.log_returns`` for the
    block, bit for bit.

    :meth:`GBM.log_returns` draws its variates a date at a time (all of a date's paths, then
    the next date's), in the order of the price matrix, so the block is drawn a slice of
    dates at a time straight into place: the generator's normal variates come one after
    another whatever the size of each draw. Each slice is scaled and shifted by the same
    operations as :meth:`GBM.log_returns` (a slice, its scale, then its mean) while it is in
    cache; the paths of the block past ``into``'s are drawn and dropped.

    Returns the smallest and the largest log return written (NaN if any is NaN), read from
    each slice while it is in cache, so that the caller need not read every log price again
    to check their range (:func:`_inside`)."""
    scale, mean = model._step(dt)
    steps = into.shape[0]
    buf = np.empty((min(_GBM_SLICE, steps), rows))
    lows, highs = [], []
    for k in range(0, steps, _GBM_SLICE):
        part = buf[: min(_GBM_SLICE, steps - k)]
        smallest, largest = _gbm_slice(rng, part, scale, mean, into[k : k + part.shape[0]])
        lows.append(smallest)
        highs.append(largest)
    return float(np.min(lows)), float(np.max(highs))


def _blocks(
    seed: int, *, start: int, size: int, total: int
) -> list[tuple[np.random.Generator, int, int, int]]:
    """Each random-number block holding some of the paths ``start .. start + size`` of a
    ``total``-path simulation: its generator (``SeedSequence(seed, spawn_key=(i,))`` for
    block ``i``), its first column in the chunk, the paths it gives the chunk and the paths
    it draws."""
    out = []
    for block in range(start // BLOCK_PATHS, (start + size - 1) // BLOCK_PATHS + 1):
        lo = block * BLOCK_PATHS
        rng = np.random.Generator(
            np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block,)))
        )
        rows = min(BLOCK_PATHS, total - lo)
        out.append((rng, lo - start, min(rows, start + size - lo), rows))
    return out


def _gbm_slice(
    rng: np.random.Generator, part: FloatArray, scale: float, mean: float, into: FloatArray
) -> tuple[float, float]:
    """A slice of a block's GBM log returns: ``part`` (dates x the block's paths) drawn from
    ``rng`` and scaled in place, and ``z * scale + mean`` of the first ``into.shape[1]``
    paths written into ``into`` (the operations of :meth:`GBM.log_returns`, the shift
    written straight into place). Returns the smallest and largest return written, those of
    ``z * scale`` shifted by the same mean (NaN if any is NaN)."""
    rng.standard_normal(out=part)
    part *= scale
    kept = part if into.shape[1] == part.shape[1] else part[:, : into.shape[1]]
    np.add(kept, mean, out=into)
    return float(kept.min()) + mean, float(kept.max()) + mean


_SCRATCH_DATES: Final = 16
"""Dates of the running sums :func:`_gbm_prices_at` computes at a time, across the chunk's
paths (a scratch of about 2 MB for 15,360 paths, which stays in cache)."""


def _gbm_prices_at(
    model: GBM,
    blocks: list[tuple[np.random.Generator, int, int, int]],
    *,
    steps: int,
    dt: float,
    only: tuple[int, ...],
) -> FloatArray | None:
    """The prices of :func:`price_paths` for a GBM (the same numbers, bit for bit) on the
    steps ``only`` (sorted, from 0 and within ``steps``) of the chunk whose random-number
    blocks are ``blocks`` (:func:`_blocks`), date-major: shape ``(len(only), size)``, row
    ``i`` the prices of step ``only[i]`` as :class:`~.state.LazyPrices` computes them.

    The blocks' variates are drawn a slice of :data:`_SCRATCH_DATES` dates at a time (each
    block's generator gives the same stream whatever the size of each draw), scaled and
    shifted into a scratch of those dates across the chunk's paths, and summed on from the
    previous date there, in cache (the same running sums, in the same order, as
    :func:`_log_prices`); only the steps of ``only`` are written out, as prices. The price
    range is settled from the returns' extremes so far, slice by slice (:func:`_inside`);
    None when it cannot be (or a return is NaN): the caller then builds the whole matrix,
    which checks every log price and names the first path out of range."""
    asset_price = float(model.asset_price)
    floor, ceiling = (math.log(x) - math.log(asset_price) for x in _PRICE_RANGE)
    scale, mean = model._step(dt)
    size = sum(take for _, _, take, _ in blocks)
    out = _matrix((len(only), size))
    row_of = {t: i for i, t in enumerate(only)}
    out[row_of[0]] = 0.0
    _to_prices(out[row_of[0]], asset_price)
    width = _SCRATCH_DATES
    bufs = {rows: np.empty((min(width, steps), rows)) for _, _, _, rows in blocks}
    # scratch row 0: the running sums of the slice's previous date; rows 1..: the slice's
    sums = np.empty((min(width, steps) + 1, size))
    low, high = math.inf, -math.inf
    for k in range(0, steps, width):
        n = min(width, steps - k)
        for rng, col, take, rows in blocks:
            into = sums[1 : n + 1, col : col + take]
            smallest, largest = _gbm_slice(rng, bufs[rows][:n], scale, mean, into)
            if smallest != smallest or largest != largest:  # NaN
                _release(out)
                return None
            low, high = min(low, smallest), max(high, largest)
        if not _inside(low, high, k + n, floor, ceiling):
            _release(out)
            return None
        for j in range(1, n + 1):
            t = k + j
            if t > 1:  # the first date's sum is its return
                np.add(sums[j - 1], sums[j], out=sums[j])
            i = row_of.get(t)
            if i is not None:
                _to_prices(sums[j], asset_price, out=out[i])
        sums[0] = sums[n]
    return out


def _refuse_paths(log_price: FloatArray, *, start: int, floor: float, ceiling: float) -> None:
    """Name the first path whose (date-major) log prices are not finite or out of range."""
    inside = (log_price >= floor) & (log_price <= ceiling)  # False for NaN
    column = int(np.flatnonzero(~inside.all(axis=0))[0])
    step = int(np.flatnonzero(~inside[:, column])[0])
    value = float(log_price[step, column])
    path = start + column
    low, high = _PRICE_RANGE
    reason = (
        f"took the price of path {path} out of [{low:g}, {high:g}] at step {step} (the value"
        " is its log return since the start)"
        if math.isfinite(value)
        else f"gave a non-finite return on path {path}"
    )
    raise ValidationError("model.log_returns", value, reason)


def _run_chunk(chunk: _Chunk, prices: FloatArray | None = None) -> SimulationResult:
    """The chunk's paths through the engine (or given ``prices`` on the chunk's settings,
    every rate at the as-of rate)."""
    rates: dict[str, FloatArray] | None = None
    if prices is None:
        lazy = _read_by_date(chunk.company, chunk.fx)
        drawn = _price_source(
            chunk.model,
            seed=chunk.seed,
            start=chunk.start,
            size=chunk.size,
            total=chunk.total,
            steps=chunk.steps,
            dt=chunk.dt,
            early=chunk.early if lazy else frozenset(),
            only=chunk.only,  # None unless the prices are read a date at a time
        )
        if isinstance(drawn, LazyPrices) and lazy:
            result = simulate_drawn(
                chunk.company,
                prices=drawn,
                dates=chunk.dates,
                policy=chunk.policy,
                premium=chunk.premium,
                impact=chunk.impact,
                record=chunk.record,
                record_edges=chunk.record_edges,
            )
            # the result holds copies of what it reads of the prices: the matrix is free
            _release(drawn.log_price)
            return result
        prices = drawn.full() if isinstance(drawn, LazyPrices) else drawn
        rates = _chunk_rates(chunk, prices, chunk.start)
    return simulate_paths(
        chunk.company,
        prices=prices,
        dates=chunk.dates,
        policy=chunk.policy,
        premium=chunk.premium,
        impact=chunk.impact,
        record=chunk.record,
        record_edges=chunk.record_edges,
        fx=rates,
    )


def _steps_read(
    company: Company,
    dates: tuple[_dt.date, ...],
    policy: FundingPolicy | None,
    premium: PremiumModel | None,
    impact: ImpactModel | None,
    record: tuple[str, ...],
    fx: Mapping[str, Any] | None,
) -> tuple[frozenset[int], tuple[int, ...] | None]:
    """The steps the engine reads whatever happens on the paths (:func:`~.engine.prices_read`;
    empty when the inputs are wrong, and the engine then names what is wrong), whose prices
    are computed while the running sum passes them; and the steps a chunk keeps, when those
    are all the engine reads (sorted), else None (every step is kept): the steps are not all
    it reads, they are every step, or the prices are converted as a whole matrix."""
    read, complete = prices_read(company, dates, policy, premium, impact, record)
    if not complete or len(read) == len(dates) or not _read_by_date(company, fx):
        return read, None
    return read, tuple(sorted(read))


def _read_by_date(company: Company, fx: Mapping[str, Any] | None) -> bool:
    """Whether the engine may read a chunk's prices a date at a time: no exchange-rate path
    and the asset priced in the reporting currency (otherwise the prices are converted as a
    whole matrix first)."""
    return not fx and company.holdings[0].price_currency in (None, company.currency)


def _chunk_rates(chunk: _Chunk, prices: FloatArray, start: int) -> dict[str, FloatArray] | None:
    """The exchange rates on the paths from ``start`` whose prices are ``prices``."""
    if not chunk.fx:
        return None
    return fx_paths(
        chunk.fx,
        chunk.company,
        model=chunk.model,
        prices=prices,
        seed=chunk.seed,
        start=start,
        total=chunk.total,
        dt=chunk.dt,
    )


def _chunk_paths(chunk_size: Any, *, paths: int, steps: int, executor: Any) -> int:
    if chunk_size is not None:
        size = _whole("chunk_size", chunk_size, minimum=1)
        return -(-size // BLOCK_PATHS) * BLOCK_PATHS
    blocks = max(1, _CHUNK_ELEMENTS // (steps + 1) // BLOCK_PATHS)
    if executor is not None:
        wanted = -(-paths // (_TASKS_PER_EXECUTOR * BLOCK_PATHS))
        blocks = max(1, min(blocks, wanted))
    return blocks * BLOCK_PATHS


def _check_picklable(field: str, value: Any) -> None:
    try:
        pickle.dumps(value)
    except Exception as exc:  # pickling can fail with many types of error
        raise ValidationError(
            field, value, f"cannot be sent to worker processes (not picklable: {exc})"
        ) from None


def _check_executor(executor: Any) -> None:
    if executor is not None and (
        isinstance(executor, type) or not callable(getattr(executor, "submit", None))
    ):
        raise ValidationError(
            "executor", executor, "must be a concurrent.futures.Executor (with a submit method)"
        )


def _progress_bar(progress: Any, total: int) -> Any:
    if not check_flag("progress", progress):
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        raise ValidationError(
            "progress", progress, "needs the progress extra: pip install 'treasurymodel[progress]'"
        ) from None
    return tqdm(total=total, unit="path", unit_scale=True, desc="simulate")


@contextlib.contextmanager
def _progress(progress: Any, total: int) -> Iterator[Any]:
    """The run's progress bar (None without ``progress``), closed when the run ends,
    however it ends."""
    bar = _progress_bar(progress, total)
    try:
        yield bar
    finally:
        if bar is not None:
            bar.close()


@overload
def simulate(
    company: Sequence[Company],
    *,
    model: PriceModel,
    years: float,
    steps_per_year: int = 52,
    paths: int,
    seed: int,
    chunk_size: int | None = None,
    executor: concurrent.futures.Executor | None = None,
    progress: bool = False,
    policy: FundingPolicy | Sequence[FundingPolicy | None] | None = None,
    premium: PremiumModel | Sequence[PremiumModel | None] | None = None,
    impact: ImpactModel | None = None,
    record: Sequence[str] = (),
    record_edges: Mapping[str, Any] | None = None,
    record_paths: int | Sequence[int] | None = None,
    choose_paths: str = "worst",
    keep_paths: Literal[True],
) -> MarketResult: ...


@overload
def simulate(
    company: Sequence[Company],
    *,
    model: PriceModel,
    years: float,
    steps_per_year: int = 52,
    paths: int,
    seed: int,
    chunk_size: int | None = None,
    executor: concurrent.futures.Executor | None = None,
    progress: bool = False,
    policy: FundingPolicy | Sequence[FundingPolicy | None] | None = None,
    premium: PremiumModel | Sequence[PremiumModel | None] | None = None,
    impact: ImpactModel | None = None,
    record: Sequence[str] = (),
    record_edges: Mapping[str, Any] | None = None,
    record_paths: int | Sequence[int] | None = None,
    choose_paths: str = "worst",
    keep_paths: Literal[False],
) -> MarketAggregates: ...


@overload
def simulate(
    company: Sequence[Company],
    *,
    model: PriceModel,
    years: float,
    steps_per_year: int = 52,
    paths: int,
    seed: int,
    chunk_size: int | None = None,
    executor: concurrent.futures.Executor | None = None,
    progress: bool = False,
    policy: FundingPolicy | Sequence[FundingPolicy | None] | None = None,
    premium: PremiumModel | Sequence[PremiumModel | None] | None = None,
    impact: ImpactModel | None = None,
    record: Sequence[str] = (),
    record_edges: Mapping[str, Any] | None = None,
    record_paths: int | Sequence[int] | None = None,
    choose_paths: str = "worst",
    keep_paths: bool | None = None,
) -> MarketResult | MarketAggregates: ...


@overload
def simulate(
    company: Company,
    *,
    model: PriceModel,
    years: float,
    steps_per_year: int = 52,
    paths: int,
    seed: int,
    chunk_size: int | None = None,
    executor: concurrent.futures.Executor | None = None,
    progress: bool = False,
    policy: FundingPolicy | None = None,
    premium: PremiumModel | None = None,
    impact: ImpactModel | None = None,
    record: Sequence[str] = (),
    record_edges: Mapping[str, Any] | None = None,
    record_paths: int | Sequence[int] | None = None,
    choose_paths: str = "worst",
    keep_paths: Literal[True],
    fx: FxGBM | Sequence[FxGBM] | Mapping[str, Any] | None = None,
) -> SimulationResult: ...


@overload
def simulate(
    company: Company,
    *,
    model: PriceModel,
    years: float,
    steps_per_year: int = 52,
    paths: int,
    seed: int,
    chunk_size: int | None = None,
    executor: concurrent.futures.Executor | None = None,
    progress: bool = False,
    policy: FundingPolicy | None = None,
    premium: PremiumModel | None = None,
    impact: ImpactModel | None = None,
    record: Sequence[str] = (),
    record_edges: Mapping[str, Any] | None = None,
    record_paths: int | Sequence[int] | None = None,
    choose_paths: str = "worst",
    keep_paths: Literal[False],
    fx: FxGBM | Sequence[FxGBM] | Mapping[str, Any] | None = None,
) -> SimulationAggregates: ...


@overload
def simulate(
    company: Company,
    *,
    model: PriceModel,
    years: float,
    steps_per_year: int = 52,
    paths: int,
    seed: int,
    chunk_size: int | None = None,
    executor: concurrent.futures.Executor | None = None,
    progress: bool = False,
    policy: FundingPolicy | None = None,
    premium: PremiumModel | None = None,
    impact: ImpactModel | None = None,
    record: Sequence[str] = (),
    record_edges: Mapping[str, Any] | None = None,
    record_paths: int | Sequence[int] | None = None,
    choose_paths: str = "worst",
    keep_paths: bool | None = None,
    fx: FxGBM | Sequence[FxGBM] | Mapping[str, Any] | None = None,
) -> SimulationResult | SimulationAggregates: ...


def simulate(
    company: Company | Sequence[Company],
    *,
    model: PriceModel,
    years: float,
    steps_per_year: int = 52,
    paths: int,
    seed: int,
    chunk_size: int | None = None,
    executor: concurrent.futures.Executor | None = None,
    progress: bool = False,
    policy: FundingPolicy | Sequence[FundingPolicy | None] | None = None,
    premium: PremiumModel | Sequence[PremiumModel | None] | None = None,
    impact: ImpactModel | None = None,
    record: Sequence[str] = (),
    record_edges: Mapping[str, Any] | None = None,
    record_paths: int | Sequence[int] | None = None,
    choose_paths: str = "worst",
    keep_paths: bool | None = None,
    fx: FxGBM | Sequence[FxGBM] | Mapping[str, Any] | None = None,
) -> SimulationResult | SimulationAggregates | MarketResult | MarketAggregates:
    """Simulate ``paths`` random price paths of the held asset through the scenario engine.

    Prices come from ``model`` on the grid of :func:`simulation_dates` (``as_of`` and
    ``ceil(years * steps_per_year)`` equal steps of ``1 / steps_per_year`` years). Each chunk of
    paths is run through :func:`~treasurymodel.simulation.simulate_paths` with ``policy``,
    ``premium``
    and ``impact``, and the chunk results are joined in path order.

    Given a list of companies holding the same asset, runs them all on the *same* price
    paths with every company's coin sales (and purchases) summed into one ``impact`` model, so
    one company's forced selling lowers the price the others face on later steps, and returns
    a :class:`~treasurymodel.simulation.MarketResult`: one result per company and the joint
    ones (the
    probability that at least ``k`` companies are forced sellers in the same quarter). Each
    chunk is :func:`~treasurymodel.simulation.simulate_market` on the chunk's paths; a list of one
    company gives exactly the single-company result, and with no impact model each company's
    result is exactly its result alone. In bounded mode a list returns a
    :class:`~treasurymodel.simulation.MarketAggregates`: each company's
    :class:`~treasurymodel.simulation.SimulationAggregates` and the joint counts of forced
    sellers by quarter, which combine exactly across chunks and workers.

    Parameters
    ----------
    company
        The company on its as-of date (the simulation starts there), or a non-empty list of
        companies holding the same asset (a :class:`~treasurymodel.ValidationError` names
        both companies otherwise). A list starts on the latest of their as-of dates, where
        ``model.asset_price`` applies; it is bounded as one company is (``keep_paths``),
        traces the same paths of every company (``record_paths``) and records every
        company's per-step histograms (``record``) on its default edges (``record_edges``
        is refused).
    model
        Any :class:`~treasurymodel.simulation.PriceModel`: :class:`~treasurymodel.GBM`,
        :class:`~treasurymodel.MertonJumpDiffusion`, :class:`~treasurymodel.BlockBootstrap` or your
        own, or a :class:`~treasurymodel.simulation.Basket` of several assets (the engine then
        holds its basket units); its ``asset_price`` is the price on ``company.as_of``. Every
        simulated price must stay within [1e-200, 1e200], which keeps the engine's amounts finite
        and non-zero: a GBM or Merton model whose drift, volatility or jumps would take prices out
        of it within the horizon (at 8 standard deviations of the log price) is refused up front,
        naming that parameter, and any path that leaves it is refused by number.
    years
        Horizon in years, > 0 and at most 10,000 (the grid must end by 9999-12-31).
    steps_per_year
        Steps a year, a whole number from 1 to 365 (52: weekly).
    paths
        Number of paths, a whole number from 1 to 1,000,000,000.
    seed
        Integer seed >= 0 (Python or numpy integer; not a ``Generator``, whose state could not
        be split into the fixed per-block streams). The result depends only on the inputs and
        the seed.
    chunk_size
        Paths per chunk, a whole number >= 1 rounded up to a multiple of ``BLOCK_PATHS``
        (it never changes the result, only memory and speed: a chunk's price matrix takes
        ``8 * chunk * (steps + 1)`` bytes, so ``chunk_size`` beyond ``paths`` means one
        chunk of all the paths). ``None`` picks about 4 million prices per chunk (8 million
        with an executor, whose tasks each cost a little), and with an executor at most
        ``paths / 16`` paths so that every worker gets work.
    executor
        A :class:`concurrent.futures.Executor` that runs the chunks: a
        :class:`~concurrent.futures.ProcessPoolExecutor` on one machine, the executor of a Dask
        ``distributed`` client (``client.get_executor()``) on a cluster. ``None`` runs the
        chunks one after another in this process. The company, model and scenario settings are
        pickled to the workers.
    progress
        Show a tqdm progress bar (needs the ``progress`` extra: ``pip install
        'treasurymodel[progress]'``; without tqdm, ``progress=True`` raises
        :class:`~treasurymodel.ValidationError` before any work).
    policy, premium, impact
        Funding policy, premium model and market-impact model, passed to
        :func:`~treasurymodel.simulation.simulate_paths` unchanged (``None``: the engine's
        defaults).
        For a list of companies, ``policy`` and ``premium`` are one for all or a list with
        one entry per company; ``impact`` is the one market's.
    record, record_edges
        Quantities to follow step by step as per-step histograms (for fan charts, see
        :meth:`~treasurymodel.simulation.SimulationResult.fan`) and optional bin edges, passed to
        :func:`~treasurymodel.simulation.simulate_paths`. The default edges depend only on the
        company
        and the spot price, so every chunk uses the same ones and the histograms add up
        exactly. Recording visits every step, which costs time.
    record_paths, choose_paths
        Paths to trace (every recordable quantity at every step, and their events): path
        indices, or a count chosen by ``choose_paths`` (``"worst"`` final NAV per share,
        ``"first_default"``, or ``"random"``, a sample drawn from ``seed``), among all the
        paths of the run. After the run, the traced paths' prices are drawn again from their
        blocks and run on their own; their arrays are those of any run of the same inputs.
        For a list of companies the same paths are traced for every company (in each one's
        ``results[i].traces``): ``"worst"`` by the *first* company's final NAV per share,
        ``"first_default"`` the first paths on which *any* company defaults; their values
        are taken at the end of each step, after every company's trades of the step.
    keep_paths
        ``True`` keeps every path's outcome (a
        :class:`~treasurymodel.simulation.SimulationResult`);
        ``False`` keeps only streaming aggregates, whose size does not depend on ``paths``
        (a :class:`~treasurymodel.simulation.SimulationAggregates`: event counts by step, moments,
        fixed-bin histograms of outcomes, the ``record`` histograms and the traces; for a
        list of companies a :class:`~treasurymodel.simulation.MarketAggregates`).
        ``None`` (the default) keeps the paths up to :data:`KEEP_PATHS_LIMIT` paths, for one
        company or a list.
    fx
        Exchange rates (reporting currency per unit of a foreign currency) on the paths, for
        a company whose asset is priced, or whose instruments are, in another currency:
        ``None`` (the default) keeps every rate at the as-of rate (``Market.fx``); an
        :class:`~treasurymodel.simulation.FxGBM` (or a list of them, one a currency) draws a
        rate path with each price path, reproducibly from ``seed`` whatever the chunks; a
        mapping from currency to an array of rates, shape ``(steps + 1,)`` (one path for
        all) or ``(paths, steps + 1)``, gives them. ``model`` prices the asset in its own
        price currency; every amount is converted at the rate of the step on which it is
        paid (see :mod:`treasurymodel.simulation.fx`). One company only.

    Returns
    -------
    SimulationResult or SimulationAggregates or MarketResult or MarketAggregates
        Per-path arrays (forced sale, default, final units, ...) and summaries, exactly as
        :func:`~treasurymodel.simulation.simulate_paths` returns for the same price matrix; or,
        with
        ``keep_paths`` false, their aggregates; or, for a list of companies, a
        :class:`~treasurymodel.simulation.MarketResult` (bounded: a
        :class:`~treasurymodel.simulation.MarketAggregates`).

    Raises
    ------
    ValidationError
        If an argument is invalid, before any path is drawn; if the paths and chunks asked
        for would not fit in the memory available (an estimate of about 450 bytes a kept path
        of each company plus 16 bytes a price of each chunk in flight, stated in the
        message); if the executor refuses the work (it was shut down); if a path of a model
        other than GBM and Merton leaves the price range (the path is named).

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import Company, GBM, Holdings, Note, simulate
    >>> co = Company(name="Example", as_of=dt.date(2026, 2, 1),
    ...     holdings=Holdings(units=1_000, cost_basis=60e6), shares_basic=1e6, cash=1e6,
    ...     instruments=[Note(name="N", principal=40e6, coupon=0.05,
    ...                       maturity=dt.date(2028, 2, 1))])
    >>> res = simulate(co, model=GBM(asset_price=68_000.0, volatility=0.5), years=3, paths=2_000,
    ...                seed=1)
    >>> len(res.forced_sale)
    2000

    Two companies on one market (the bundled Strategy and Twenty One data sets), the sales
    of each moving the price both face:

    >>> import treasurymodel as tm
    >>> mstr, xxi = tm.datasets.load("mstr-2026-02"), tm.datasets.load("xxi-2026-01")
    >>> m = simulate([mstr, xxi], model=GBM(asset_price=68_141.0, volatility=0.6), years=2,
    ...              paths=500, seed=1, impact=tm.simulation.ImpactModel(daily_volume=15_000.0))
    >>> m.names, m.results[1].paths
    (('Strategy', 'Twenty One Capital'), 500)
    >>> 0.0 <= m.probability_at_least(2) <= m.probability_at_least(1) <= 1.0
    True
    """
    if isinstance(company, list | tuple):
        from .market import simulate_companies  # market.py imports this module

        if isinstance(model, Basket):
            raise ValidationError(
                "model",
                model,
                "is one company's basket of several assets; companies on one market share "
                "the paths of one asset (give a one-asset model)",
            )

        if fx is not None:
            raise ValidationError(
                "fx", fx, "is for one company (companies on one market share one asset's paths)"
            )
        return simulate_companies(
            company,
            model=model,
            years=years,
            steps_per_year=steps_per_year,
            paths=paths,
            seed=seed,
            chunk_size=chunk_size,
            executor=executor,
            progress=progress,
            policy=policy,
            premium=premium,
            impact=impact,
            keep_paths=keep_paths,
            record=record,
            record_edges=record_edges,
            record_paths=record_paths,
            choose_paths=choose_paths,
        )
    if not isinstance(company, Company):
        raise ValidationError(
            "company", company, "must be a treasurymodel.Company (or a list of companies)"
        )
    for name, given in (("policy", policy), ("premium", premium)):
        if isinstance(given, list | tuple):
            raise ValidationError(
                name, given, "must be one model for one company (a list needs a list of companies)"
            )
    policy = cast(FundingPolicy | None, policy)
    premium = cast(PremiumModel | None, premium)
    if isinstance(model, Basket):  # several assets: the engine holds basket units
        company = basket_company(company, model)
    dates = simulation_dates(company.as_of, years=years, steps_per_year=steps_per_year)
    steps = len(dates) - 1
    dt = 1.0 / steps_per_year
    _check_model(model, years=steps * dt)
    n_paths = _whole("paths", paths, minimum=1, maximum=_MAX_PATHS)
    rates = check_fx(fx, company, dates=steps + 1, paths=n_paths)
    shocks_known = isinstance(model, GBM) and model.volatility > 0.0
    for code, rate in rates.items():
        if isinstance(rate, FxGBM) and rate.correlation != 0.0 and not shocks_known:
            raise ValidationError(
                f"fx[{code!r}].correlation",
                rate.correlation,
                "needs a GBM asset model with a positive volatility (whose shocks are known)",
            )
    seed_value = _whole("seed", seed, minimum=0)
    _check_executor(executor)
    _check_models(
        FundingPolicy() if policy is None else policy,
        ConstantPremium(mnav=1.0) if premium is None else premium,
        impact,
    )
    names = check_record(record, record_edges)
    wanted = check_record_paths(record_paths, choose_paths)
    if isinstance(wanted, np.ndarray) and wanted.size and int(wanted.max()) >= n_paths:
        raise ValidationError("record_paths", int(wanted.max()), f"must index the {n_paths} paths")
    keep_paths = check_flag("keep_paths", keep_paths, allow_none=True)
    keep = n_paths <= KEEP_PATHS_LIMIT if keep_paths is None else keep_paths
    if isinstance(executor, concurrent.futures.ProcessPoolExecutor):
        for field, value in (
            ("company", company),
            ("model", model),
            ("policy", policy),
            ("premium", premium),
            ("impact", impact),
        ):
            _check_picklable(field, value)
    size = _chunk_paths(chunk_size, paths=n_paths, steps=steps, executor=executor)
    in_flight = 1
    if executor is not None:
        workers = getattr(executor, "_max_workers", 1)
        in_flight = min(workers if isinstance(workers, int) else 1, -(-n_paths // size))
    # rate paths: each currency's rates, and the prices converted (and, for a correlated
    # rate, the asset's log prices and shocks) in every chunk in flight
    fx_copies = 2 * len(rates) + 1 if rates else 0
    _check_memory(
        "paths" if chunk_size is None else "chunk_size",
        n_paths if chunk_size is None else chunk_size,
        estimate_memory(
            paths=n_paths,
            steps=steps,
            chunk_size=size,
            keep_paths=keep,
            chunks=in_flight,
            currencies=len(rates) if rates else 0,
        ),
        (f"{_RESULT_BYTES_PER_PATH} bytes a kept path, " if keep else "")
        + f"{(_PRICE_MATRIX_COPIES + fx_copies) * 8} bytes a price of {in_flight} chunk(s) of "
        f"{min(size, n_paths):,} paths x {steps + 1:,} dates",
    )
    early, only = _steps_read(company, dates, policy, premium, impact, names, rates)
    template = _Chunk(
        company=company,
        model=model,
        seed=seed_value,
        start=0,
        size=min(size, n_paths),
        total=n_paths,
        steps=steps,
        dt=dt,
        dates=dates,
        policy=policy,
        premium=premium,
        impact=impact,
        record=names,
        record_edges=record_edges,
        fx=rates,
        early=early,
        only=only,
    )
    if record_edges is not None:  # the engine checks the edges: on one flat path, up front
        _run_chunk(template, np.full((1, steps + 1), float(model.asset_price)))
    if not keep:
        return _simulate_bounded(template, size, executor, progress, wanted, choose_paths)
    chunks = [
        attrs.evolve(template, start=start, size=min(size, n_paths - start))
        for start in range(0, n_paths, size)
    ]
    with _progress(progress, n_paths) as bar:
        results = list(_run(chunks, executor, bar))
    result = results[0] if len(results) == 1 else SimulationResult.concat(results)
    if wanted is None:
        return result
    if isinstance(wanted, int):
        wanted = choose(
            wanted,
            choose_paths,
            paths=n_paths,
            nav_per_share=result.nav_per_share,
            default_time=result.default_time,
            seed=seed_value,
        )
    return attrs.evolve(result, traces=_trace(template, wanted))


def _traced_blocks(template: Any, idx: IntArray) -> Iterator[tuple[int, FloatArray, IntArray]]:
    """For each random-number block holding some of the paths ``idx`` (sorted) of
    ``template``'s run: its first path, its prices drawn again (those of the paths of
    ``idx`` only, unless exchange rates are drawn from the block's prices), and the rows of
    those paths in them (paths do not interact, so a path's arrays are those it has in any
    run)."""
    for block in np.unique(idx // BLOCK_PATHS):
        start = int(block) * BLOCK_PATHS
        picked = idx[idx // BLOCK_PATHS == block] - start
        drawn = _price_source(
            template.model,
            seed=template.seed,
            start=start,
            size=min(BLOCK_PATHS, template.total - start),
            total=template.total,
            steps=template.steps,
            dt=template.dt,
        )
        if isinstance(drawn, LazyPrices) and not getattr(template, "fx", None):
            # only the traced paths' prices, as price_paths computes them (no exchange rate
            # reads the block's other prices): their log prices, then prices
            chosen = drawn.log_price[:, picked]
            _to_prices(chosen, float(template.model.asset_price))
            yield start, chosen.T, np.arange(picked.size)
        else:
            yield start, drawn.full() if isinstance(drawn, LazyPrices) else drawn, picked


def _trace(template: _Chunk, paths: Any) -> Any:
    """Traces of simulation paths ``paths``: their prices drawn again from their blocks."""
    idx = np.asarray(paths, dtype=np.int64)
    rows: list[FloatArray] = []
    fx_rows: dict[str, list[FloatArray]] = {}
    for start, prices, picked in _traced_blocks(template, idx):
        rows.append(prices[picked])
        block_rates = _chunk_rates(template, prices, start)
        for code, r in (block_rates or {}).items():
            fx_rows.setdefault(code, []).append(r[picked])
    prices = np.concatenate(rows) if rows else np.empty((0, template.steps + 1))
    policy = FundingPolicy() if template.policy is None else template.policy
    premium = ConstantPremium(mnav=1.0) if template.premium is None else template.premium
    plan = plan_for(template.company, template.dates, policy, converts_fx=True)
    rates = {code: np.concatenate(r) for code, r in fx_rows.items()}
    co = template.company
    prices, reval = convert(co, prices, rates, debts=len(plan.debts), prefs=len(plan.prefs))
    return trace_paths(plan, prices, idx, policy, premium, template.impact, fx=reval)


def _edges_of(template: _Chunk) -> dict[str, FloatArray]:
    co = template.company
    return company_edges(co, float(template.model.asset_price) * _asset_rate(co))


def company_edges(co: Company, asset_price: float) -> dict[str, FloatArray]:
    """The outcome histogram edges of a bounded run of ``co`` from ``asset_price`` (in the
    reporting currency)."""
    claims = float(  # in the reporting currency, at the as-of rates
        sum((getattr(i, "principal", 0.0) or 0.0) * co.fx_rate(i.currency) for i in co.instruments)
        + sum(
            (getattr(i, "notional", 0.0) or 0.0) * co.fx_rate(i.currency) for i in co.instruments
        )
    )
    return outcome_edges(
        units=float(co.holdings[0].units),
        cash=float(co.cash),
        shares=float(co.shares_basic),
        diluted=float(co.shares_basic),
        claims=claims,
        asset_price=asset_price,
    )


def _asset_rate(company: Company) -> float:
    """The as-of rate of the asset's price currency (1 for the reporting currency)."""
    return company.fx_rate(company.holdings[0].price_currency)


def _aggregate_chunk(
    chunk: _Chunk, edges: Mapping[str, FloatArray] | None, count: int
) -> tuple[SimulationAggregates, tuple[IntArray, FloatArray, IntArray, IntArray]]:
    """One chunk of a bounded run: its aggregates, and its candidates for tracing (the
    ``count`` worst paths by NAV per share and the ``count`` first to default). ``edges``
    ``None``: the chunk's own (:func:`_edges_of`, the same for every chunk of a run; a task
    sent to an executor computes them rather than carrying them, and keeps its price matrix
    for the worker's next task)."""
    if edges is None:
        edges = _edges_of(chunk)
        with _reusing_matrices(keep=True):
            result = _run_chunk(chunk)
    else:
        result = _run_chunk(chunk)
    agg = SimulationAggregates.from_result(result, edges=edges)
    if not count:  # nothing to trace: no sorting
        none = np.empty(0, np.int64)
        return agg, (none, np.empty(0), none, none)
    worst = np.argsort(result.nav_per_share, kind="stable")[:count]
    hit = np.flatnonzero(result.default_time >= 0)
    first = hit[np.argsort(result.default_time[hit], kind="stable")][:count]
    return agg, (
        worst + chunk.start,
        result.nav_per_share[worst],
        first + chunk.start,
        result.default_time[first],
    )


def _simulate_bounded(
    template: _Chunk,
    size: int,
    executor: Any,
    progress: bool,
    wanted: int | IntArray | None,
    how: str,
) -> SimulationAggregates:
    """Run the chunks, merging their aggregates as they come (in path order)."""
    # edges None: each chunk computes its own (the same for every chunk of a run), so that
    # tasks sent to an executor do not carry them
    edges = _edges_of(template) if executor is None else None
    agg, cand = _run_bounded(template, size, executor, progress, _aggregate_chunk, edges, wanted)
    if wanted is None:
        return agg
    return attrs.evolve(agg, traces=_trace(template, _traced(wanted, how, cand, template)))


class _Mergeable(Protocol):
    def merge(self, other: Self) -> Self: ...


_Agg = TypeVar("_Agg", bound=_Mergeable)


def _run_bounded(
    template: Any,
    size: int,
    executor: Any,
    progress: bool,
    aggregate: Callable[[Any, Any, int], tuple[_Agg, tuple[Any, ...]]],
    edges: Any,
    wanted: int | IntArray | None,
) -> tuple[_Agg, list[Any]]:
    """The chunks of a bounded run (``template`` of ``template.total`` paths, ``size`` paths
    each) through ``aggregate(chunk, edges, count)``, here or on ``executor`` with at most
    :data:`_IN_FLIGHT` chunks in flight: their aggregates merged in path order, and the
    candidates for tracing kept as the chunks come (the ``count`` worst paths by NAV per
    share and the ``count`` first to default: indices, values, indices, times)."""
    total = template.total
    count = wanted if isinstance(wanted, int) else 0
    starts = range(0, total, size)

    def chunk_at(start: int) -> Any:
        return attrs.evolve(template, start=start, size=min(size, total - start))

    agg: _Agg | None = None
    cand: list[Any] = [np.empty(0, np.int64), np.empty(0), np.empty(0, np.int64)]
    cand.append(np.empty(0, np.int64))

    def take(item: tuple[_Agg, Any], chunk: Any, bar: Any) -> None:
        nonlocal agg, cand
        part, (wi, wv, fi, ft) = item
        agg = part if agg is None else agg.merge(part)
        if count:
            ci, cv = np.concatenate((cand[0], wi)), np.concatenate((cand[1], wv))
            keep = np.argsort(cv, kind="stable")[:count]
            di, dt_ = np.concatenate((cand[2], fi)), np.concatenate((cand[3], ft))
            keep_d = np.argsort(dt_, kind="stable")[:count]
            cand = [ci[keep], cv[keep], di[keep_d], dt_[keep_d]]
        if bar is not None:
            bar.update(chunk.size)

    with _progress(progress, total) as bar:
        if executor is None:
            with _reusing_matrices():
                for start in starts:
                    chunk = chunk_at(start)
                    take(aggregate(chunk, edges, count), chunk, bar)
        else:
            pending: list[tuple[concurrent.futures.Future[Any], Any]] = []
            try:
                for start in starts:
                    chunk = chunk_at(start)
                    pending.append((executor.submit(aggregate, chunk, edges, count), chunk))
                    if len(pending) >= _IN_FLIGHT:
                        future, done = pending.pop(0)
                        take(future.result(), done, bar)
                while pending:
                    future, done = pending.pop(0)
                    take(future.result(), done, bar)
            except RuntimeError as exc:  # e.g. "cannot schedule new futures after shutdown"
                raise ValidationError("executor", executor, f"refused the work ({exc})") from None
            finally:
                for future, _ in pending:
                    future.cancel()
    assert agg is not None
    return agg, cand


def _traced(wanted: int | IntArray, how: str, cand: list[Any], template: Any) -> IntArray:
    """The paths to trace: given indices as they are, else ``wanted`` of them chosen by
    ``how`` (the worst or first-default candidates :func:`_run_bounded` kept, or a random
    sample)."""
    if not isinstance(wanted, int):
        return wanted
    if how == "worst":
        return np.sort(cand[0])
    if how == "first_default":
        return np.sort(cand[2])
    return choose(wanted, "random", paths=template.total, seed=template.seed)


def estimate_memory(
    *,
    paths: int,
    steps: int,
    chunk_size: int | None = None,
    keep_paths: bool | None = None,
    chunks: int = 1,
    companies: int = 1,
    currencies: int = 0,
) -> int:
    """Bytes a :func:`simulate` run of ``paths`` x ``steps`` needs at its peak, about: the
    price matrix and engine state of each of ``chunks`` chunks in flight (1 in one process;
    up to the executor's workers), plus the kept per-path results unless the run is bounded
    (``keep_paths`` as in :func:`simulate`). :func:`simulate` refuses, up front, a run whose
    estimate exceeds the memory available, and the command line (``stress``) prints it.
    ``paths`` and ``steps`` are whole numbers in the ranges :func:`simulate` accepts, and
    ``chunks`` from 1 to 1,000. For ``companies`` on one market (a list given to
    :func:`simulate`, 1 to 1,000 of them), the price matrix is shared and the engine state
    and kept results are each company's. ``currencies`` (0 to 1,000) is the number of
    exchange rates drawn as paths (``fx=`` of :func:`simulate`): each adds its rates and
    its drawing's shocks to every chunk in flight, and with any of them the prices are
    converted as a whole matrix.

    Examples
    --------
    >>> estimate_memory(paths=10**9, steps=520) < 2**30  # bounded: no per-path arrays
    True
    >>> estimate_memory(paths=10**6, steps=520, keep_paths=True) > 300 * 10**6
    True
    >>> estimate_memory(paths=10**9, steps=520, companies=3) < 2**30  # a bounded market
    True
    >>> one_rate = estimate_memory(paths=10**7, steps=520, currencies=1)
    >>> one_rate - estimate_memory(paths=10**7, steps=520)  # 3 more matrices of 15,360 x 521
    192061440
    """
    paths = _whole("paths", paths, minimum=1, maximum=_MAX_PATHS)
    steps = _whole("steps", steps, minimum=1, maximum=_MAX_STEPS)
    chunks = _whole("chunks", chunks, minimum=1, maximum=1_000)
    n_co = _whole("companies", companies, minimum=1, maximum=1_000)
    n_fx = _whole("currencies", currencies, minimum=0, maximum=1_000)
    keep = (
        paths <= KEEP_PATHS_LIMIT if keep_paths is None else check_flag("keep_paths", keep_paths)
    )
    size = _chunk_paths(chunk_size, paths=paths, steps=steps, executor=None)
    size = min(size, -(-paths // BLOCK_PATHS) * BLOCK_PATHS)
    # the price matrix, and each company's engine state
    # rate paths: each currency's rates and shocks, and the prices converted
    copies = _PRICE_MATRIX_COPIES + (2 * n_fx + 1 if n_fx else 0)
    chunk = 8 * size * (steps + 1) * copies + 8 * size * 200 * n_co
    kept = _RESULT_BYTES_PER_PATH * paths * n_co if keep else 0
    return int(chunk * chunks + kept + 64 * 2**20)  # and the interpreter with numpy


def _run(chunks: Sequence[_Chunk], executor: Any, bar: Any) -> Iterator[SimulationResult]:
    """Run the chunks, serially or on ``executor``, and yield their results in order."""
    tick: Callable[[_Chunk], None] = (
        (lambda chunk: bar.update(chunk.size)) if bar is not None else (lambda chunk: None)
    )
    if executor is None:
        with _reusing_matrices():
            for chunk in chunks:
                result = _run_chunk(chunk)
                tick(chunk)
                yield result
        return
    futures: list[concurrent.futures.Future[SimulationResult]] = []
    try:
        for chunk in chunks:
            futures.append(executor.submit(_run_chunk, chunk))
    except RuntimeError as exc:  # e.g. "cannot schedule new futures after shutdown"
        for future in futures:
            future.cancel()
        raise ValidationError("executor", executor, f"refused the work ({exc})") from None
    try:
        if bar is not None:
            owner = {id(f): c for f, c in zip(futures, chunks, strict=True)}
            for future in concurrent.futures.as_completed(futures):
                future.result()
                tick(owner[id(future)])
        for future in futures:
            yield future.result()
    finally:
        for future in futures:
            future.cancel()
