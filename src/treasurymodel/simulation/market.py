"""Several companies on one market: shared price paths, sales summed into one impact model.

:func:`simulate_market` steps several companies holding the same asset through the same price
paths, step by step in lockstep. Every company faces the same price: the path's price times
one shared permanent-impact factor, moved after each step by the coins *all* companies sold
(and bought) on that step, through one :class:`~treasurymodel.simulation.ImpactModel`. So one
company's
forced selling lowers the price the others face on later steps (stage 7 of the death spiral).
With no impact model the companies do not interact and each one's result is exactly its
result alone.
"""

from __future__ import annotations

import concurrent.futures
import datetime as _dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from .._results import Tabular
from .._typing import FloatArray, IntArray
from ..company import Company
from ..errors import ValidationError
from ..validators import check_flag
from .calendar import check_dates, plan_for
from .engine import (
    _begin_step,
    _check_models,
    _check_prices,
    _defaults,
    _dividends_due,
    _flywheel,
    _fund,
    _holder_puts,
    _inflows,
    _interest,
    _issuer_calls,
    _margin_calls,
    _maturities,
    _pay_dividends,
    _price_the_stock,
    _record_edges,
    _record_step,
    _results,
    _scheduled_principal,
    _settle,
    _springing,
    check_record,
)
from .impact import ImpactModel
from .joint import MarketAggregates, _company_table, _joint_footer, _same_market
from .models import _whole
from .montecarlo import (
    _MAX_PATHS,
    _PRICE_MATRIX_COPIES,
    _RESULT_BYTES_PER_PATH,
    KEEP_PATHS_LIMIT,
    _check_executor,
    _check_memory,
    _check_model,
    _check_picklable,
    _chunk_paths,
    _progress,
    _run_bounded,
    _traced,
    _traced_blocks,
    company_edges,
    estimate_memory,
    price_paths,
    simulation_dates,
)
from .policy import FundingPolicy
from .premium import ConstantPremium, PremiumModel
from .recording import RECORDABLE
from .result import SimulationResult
from .state import PathState, Run, StepWork, _one, _zero
from .trace import PathTraces, check_record_paths, choose

__all__ = ["MarketResult", "simulate_market"]


def _tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value)


def _ints(value: Any) -> IntArray:
    return np.asarray(value, dtype=np.int64)


def _quarter(d: _dt.date) -> int:
    return d.year * 4 + (d.month - 1) // 3


@attrs.frozen(kw_only=True, eq=False, repr=False)
class MarketResult(Tabular):
    """Several companies simulated on one market: each one's result, and the joint ones.

    Attributes
    ----------
    names
        The companies' names, in the order given.
    results
        One :class:`~treasurymodel.simulation.SimulationResult` per company.
    quarters
        The first day of each calendar quarter the simulation covers.
    forced_sellers
        Shape ``(paths, quarters)``: how many companies sold coins to meet an obligation in
        that quarter on that path.

    Examples
    --------
    >>> import datetime as dt, numpy as np
    >>> import treasurymodel as tm
    >>> a = tm.Company(name="A", as_of=dt.date(2026, 1, 1), holdings=tm.Holdings(units=100),
    ...     shares_basic=1e6, instruments=[tm.Note(name="N", principal=2e6, coupon=0.0,
    ...     maturity=dt.date(2026, 2, 1))])
    >>> b = tm.Company(name="B", as_of=dt.date(2026, 1, 1), holdings=tm.Holdings(units=100),
    ...     shares_basic=1e6, cash=5e6)
    >>> dates = [dt.date(2026, 1, 1) + dt.timedelta(weeks=w) for w in range(9)]
    >>> m = tm.simulation.simulate_market([a, b], prices=np.full((1, 9), 50_000.0), dates=dates,
    ...     policies=[tm.simulation.FundingPolicy(issue_equity=False)] * 2)
    >>> m.results[0].units_sold.tolist(), m.probability_at_least(1), m.probability_at_least(2)
    ([40.0], 1.0, 0.0)
    """

    names: tuple[str, ...] = attrs.field(converter=_tuple)
    results: tuple[SimulationResult, ...] = attrs.field(converter=_tuple)
    quarters: tuple[_dt.date, ...] = attrs.field(converter=_tuple)
    forced_sellers: IntArray = attrs.field(converter=_ints)

    def __eq__(self, other: object) -> bool:
        """Equal when every company's result and the forced sellers per quarter are.

        Examples
        --------
        >>> import treasurymodel as tm
        >>> cos = [tm.datasets.load("mstr-2026-02"), tm.datasets.load("xxi-2026-01")]
        >>> kw = dict(model=tm.GBM(asset_price=68_141.0, volatility=0.6), years=1,
        ...           steps_per_year=12, paths=64, seed=3)
        >>> tm.simulate(cos, **kw) == tm.simulate(cos, **kw)
        True
        """
        if not isinstance(other, MarketResult):
            return NotImplemented
        return _same_market(self, other) and bool(
            np.array_equal(self.forced_sellers, other.forced_sellers)
        )

    __hash__ = None  # type: ignore[assignment]

    def probability_at_least(self, k: int) -> float:
        """Fraction of paths on which at least ``k`` companies were forced sellers in the
        same calendar quarter.

        Examples
        --------
        >>> import datetime as dt, numpy as np
        >>> m = MarketResult(names=["A", "B"], results=[], quarters=[dt.date(2026, 1, 1)],
        ...                  forced_sellers=np.array([[2], [1], [0], [0]]))
        >>> m.probability_at_least(1), m.probability_at_least(2)
        (0.5, 0.25)
        """
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
            raise ValidationError("k", k, "must be a whole number of companies >= 1")
        n = int(self.forced_sellers.shape[0])
        if n == 0:
            return 0.0
        hit = int(np.count_nonzero((self.forced_sellers >= k).any(axis=1)))
        return hit / n

    def probability_by_quarter(self, k: int) -> FloatArray:
        """For each quarter, the fraction of paths on which at least ``k`` companies were
        forced sellers in it.

        Examples
        --------
        >>> import datetime as dt, numpy as np
        >>> m = MarketResult(names=["A", "B"], results=[],
        ...                  quarters=[dt.date(2026, 1, 1), dt.date(2026, 4, 1)],
        ...                  forced_sellers=np.array([[2, 0], [1, 0], [0, 0], [0, 0]]))
        >>> m.probability_by_quarter(1).tolist()
        [0.5, 0.0]
        """
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
            raise ValidationError("k", k, "must be a whole number of companies >= 1")
        if self.forced_sellers.shape[0] == 0:
            return np.zeros(len(self.quarters))
        return np.asarray(np.mean(self.forced_sellers >= k, axis=0), dtype=np.float64)

    def to_dict(self) -> dict[str, npt.NDArray[Any]]:
        """Per company: ``name``, and its probabilities of a forced sale and of a default.

        Examples
        --------
        >>> import datetime as dt, numpy as np
        >>> m = MarketResult(names=[], results=[], quarters=[], forced_sellers=np.zeros((0, 0)))
        >>> m.to_dict()["name"].tolist()
        []
        """
        return _company_table(self.names, self.results)

    _index = "name"

    def _title(self) -> str:
        paths = int(self.forced_sellers.shape[0])
        return f"MarketResult ({len(self.names)} companies, {paths:,} paths)"

    def _footer(self) -> str:
        return _joint_footer(self.names, self.probability_at_least)


def simulate_market(
    companies: Sequence[Company],
    *,
    prices: Any,
    dates: Sequence[_dt.date],
    policies: Sequence[FundingPolicy | None] | None = None,
    premiums: Sequence[PremiumModel | None] | None = None,
    impact: ImpactModel | None = None,
    record: Sequence[str] = (),
) -> MarketResult:
    """Step several companies through the same price paths, their sales moving one price.

    Each company runs exactly as in :func:`~treasurymodel.simulation.simulate_paths` (its own
    policy and
    premium model), but all of them face one price: ``prices`` times a shared permanent
    factor. After every step the coins sold by all companies on that step, ``Q``, lower it by
    ``1 + permanent_fraction * scale * sqrt(Q)`` (and coins bought raise it the same way), so
    a sale by one company lowers the price every company sees on later steps. The companies
    must hold the same asset and the dates must start on or after every company's as-of date.

    Parameters
    ----------
    companies
        Two or more companies (one works too).
    prices, dates
        As for :func:`~treasurymodel.simulation.simulate_paths`.
    policies, premiums
        One per company (``None`` entries, or ``None`` for all: the defaults).
    impact
        The market's :class:`~treasurymodel.simulation.ImpactModel`, or ``None`` (no interaction).
    record
        Quantities of :data:`~treasurymodel.simulation.RECORDABLE` to follow as per-step
        histograms of every company (each company's result's ``histograms``, on the default
        edges of :func:`~treasurymodel.simulation.simulate_paths`), taken at the end of each
        step, after every company's trades of the step.

    Returns
    -------
    MarketResult

    Examples
    --------
    >>> import datetime as dt, numpy as np
    >>> import treasurymodel as tm
    >>> co = tm.datasets.load("mstr-2026-02")
    >>> twin = tm.datasets.load("mstr-2026-02")
    >>> path, dates = tm.simulation.preset_path(co, "crash-and-stay", to=20_000.0, years=2)
    >>> m = tm.simulation.simulate_market([co, twin], prices=path, dates=dates,
    ...                        impact=tm.simulation.ImpactModel(daily_volume=15_000.0))
    >>> alone = tm.simulation.simulate_paths(co, prices=path, dates=dates,
    ...                           impact=tm.simulation.ImpactModel(daily_volume=15_000.0))
    >>> bool(m.results[0].final_price[0] < alone.final_price[0])  # the twin's sales too
    True
    """
    companies, policy_list, premium_list = _check_market(companies, policies, premiums, impact)
    the_dates = check_dates(companies[0], dates)
    for co in companies[1:]:
        check_dates(co, dates)
    arr = _check_prices(prices, len(the_dates))
    names = check_record(record, None)
    return _run_market(companies, arr, the_dates, policy_list, premium_list, impact, record=names)


def _run_market(
    companies: Sequence[Company],
    arr: FloatArray,
    the_dates: tuple[_dt.date, ...],
    policy_list: Sequence[FundingPolicy],
    premium_list: Sequence[PremiumModel],
    impact: ImpactModel | None,
    traces: Sequence[dict[str, FloatArray]] | None = None,
    record: tuple[str, ...] = (),
) -> MarketResult:
    """The market loop on checked inputs. With ``traces`` (one dict per company, name ->
    an array of shape (paths, steps + 1)), every recordable quantity of every company is
    written into it at the end of every step, after every company's trades of the step have
    moved the shared price (a traced run: the last step's values are the results'). The
    ``record`` histograms are taken at the same moment."""
    n_co = len(companies)
    plans = [plan_for(co, the_dates, p) for co, p in zip(companies, policy_list, strict=True)]
    runs = [
        Run(plan, arr, p, q, impact, _record_edges(record, None, plan, float(arr[0, 0])))
        for plan, p, q in zip(plans, policy_list, premium_list, strict=True)
    ]
    kept_values = [{} for _ in runs] if traces is None else list(traces)
    recording = traces is not None or bool(record)
    states = [PathState(c) for c in runs]
    n, last = arr.shape[0], arr.shape[1] - 1
    a = impact.scale if impact is not None else 0.0
    phi = impact.permanent_fraction if impact is not None else 0.0
    qidx = np.array([_quarter(d) for d in the_dates])
    first_q = int(qidx[0])
    n_q = int(qidx[-1]) - first_q + 1
    sold_in = [np.zeros((n, n_q), dtype=np.bool_) for _ in range(n_co)]
    shared: Any = 1.0
    for t in range(last + 1):
        sold_total: Any = 0.0
        bought_total: Any = 0.0
        works: list[StepWork] = []
        for k, (c, st) in enumerate(zip(runs, states, strict=True)):
            st.factor = shared
            before_sold, before_bought = st.sold, st.bought
            if st.peak is not None and t > st.peak_done:  # exact peaks: every step
                np.maximum(st.peak, c.prices[:, t] * st.factor, out=st.peak)
                st.peak_done = t
            w = _begin_step(c, st, t)
            if c.inflows:
                _inflows(c, st, w)
            _margin_calls(c, st, w)
            if w.ev is not None or c.flywheel or not _zero(w.opex_due):
                _price_the_stock(c, st, w)
                if w.ev is not None:
                    _interest(c, st, w)
                    _issuer_calls(c, st, w)
                    _maturities(c, st, w)
                    _holder_puts(c, st, w)
                    _springing(c, st, w)
                    _scheduled_principal(c, st, w)
                    _dividends_due(c, st, w)
                _fund(c, st, w)
                _settle(c, st, w)
                _pay_dividends(c, st, w)
                _defaults(c, st, w)
                _flywheel(c, st, w)
            works.append(w)
            q_sold = st.sold - before_sold
            if not (isinstance(q_sold, float) and q_sold == 0.0):
                column = sold_in[k][:, int(qidx[t]) - first_q]
                column |= np.broadcast_to(np.asarray(q_sold) > 0.0, (n,))
            sold_total = sold_total + q_sold
            bought_total = bought_total + (st.bought - before_bought)
        if a != 0.0:
            if n_co == 1:
                shared = states[0].factor  # exactly the engine's own update
            else:
                shared = shared / (1.0 + phi * (a * np.sqrt(sold_total)))
                shared = shared * (1.0 + phi * (a * np.sqrt(bought_total)))
        if recording:  # the end of the step: after every company's trades
            for c, st, w, kept in zip(runs, states, works, kept_values, strict=True):
                st.factor = shared
                w.price = c.prices[:, t] if _one(shared) else c.prices[:, t] * shared
                _record_step(c, st, w, kept)
    for st in states:
        st.factor = shared
    sellers = np.zeros((n, n_q), dtype=np.int64)
    for k in range(n_co):
        sellers += sold_in[k]
    return MarketResult(
        names=[co.name for co in companies],
        results=[_results(c, st) for c, st in zip(runs, states, strict=True)],
        quarters=[_dt.date(q // 4, 3 * (q % 4) + 1, 1) for q in range(first_q, first_q + n_q)],
        forced_sellers=sellers,
    )


def _check_market(
    companies: Any, policies: Any, premiums: Any, impact: Any
) -> tuple[list[Company], list[FundingPolicy], list[PremiumModel]]:
    """The companies (one asset), and a funding policy and premium model for each."""
    if isinstance(companies, Company) or not isinstance(companies, Sequence) or not companies:
        raise ValidationError("companies", companies, "must be a non-empty list of companies")
    n_co = len(companies)
    for i, co in enumerate(companies):
        if not isinstance(co, Company):
            raise ValidationError(f"companies[{i}]", co, "must be a treasurymodel.Company")
        first = companies[0]
        if co.holdings[0].asset != first.holdings[0].asset:
            raise ValidationError(
                f"companies[{i}]",
                co.holdings[0].asset,
                f"{co.name!r} holds {co.holdings[0].asset} but companies[0] ({first.name!r}) holds"
                f" {first.holdings[0].asset}: companies on one market must hold the same asset",
            )
    pols = _per_company("policies", policies, n_co)
    prems = _per_company("premiums", premiums, n_co)
    policy_list = [FundingPolicy() if p is None else p for p in pols]
    premium_list = [ConstantPremium(mnav=1.0) if p is None else p for p in prems]
    for i, (p, q) in enumerate(zip(policy_list, premium_list, strict=True)):
        try:
            _check_models(p, q, impact)
        except ValidationError as err:  # name the list and the company's place in it
            if err.field in ("policy", "premium"):
                field = f"{'policies' if err.field == 'policy' else 'premiums'}[{i}]"
                raise ValidationError(field, err.value, err.reason) from None
            raise
    return list(companies), policy_list, premium_list


def _per_company(field: str, value: Any, n_co: int) -> list[Any]:
    """``value`` (a list or tuple with one entry per company, or None) as a list."""
    if value is None:
        return [None] * n_co
    if not isinstance(value, list | tuple) or len(value) != n_co:
        raise ValidationError(field, value, f"must be a list with one entry per company ({n_co})")
    return list(value)


@attrs.frozen(kw_only=True)
class _MarketChunk:
    """One task of a market Monte Carlo: paths ``start .. start + size`` (picklable)."""

    companies: tuple[Company, ...]
    model: Any
    seed: int
    start: int
    size: int
    total: int
    steps: int
    dt: float
    dates: tuple[_dt.date, ...]
    policies: tuple[FundingPolicy, ...]
    premiums: tuple[PremiumModel, ...]
    impact: ImpactModel | None
    record: tuple[str, ...] = ()


def _run_market_chunk(chunk: _MarketChunk) -> MarketResult:
    """The chunk's paths, drawn as :func:`~treasurymodel.simulate` draws them, on one market."""
    prices = price_paths(
        chunk.model,
        seed=chunk.seed,
        start=chunk.start,
        size=chunk.size,
        total=chunk.total,
        steps=chunk.steps,
        dt=chunk.dt,
    )
    return simulate_market(
        chunk.companies,
        prices=prices,
        dates=chunk.dates,
        policies=chunk.policies,
        premiums=chunk.premiums,
        impact=chunk.impact,
        record=chunk.record,
    )


def _join(parts: Sequence[MarketResult]) -> MarketResult:
    """Chunk results, in path order, as one."""
    first = parts[0]
    if len(parts) == 1:
        return first
    return MarketResult(
        names=first.names,
        results=[
            SimulationResult.concat([p.results[k] for p in parts]) for k in range(len(first.names))
        ],
        quarters=first.quarters,
        forced_sellers=np.concatenate([p.forced_sellers for p in parts]),
    )


def simulate_companies(
    companies: Any,
    *,
    model: Any,
    years: float,
    steps_per_year: int,
    paths: int,
    seed: int,
    chunk_size: int | None,
    executor: Any,
    progress: bool,
    policy: Any,
    premium: Any,
    impact: ImpactModel | None,
    keep_paths: bool | None,
    record: Any,
    record_edges: Any,
    record_paths: Any,
    choose_paths: Any,
) -> MarketResult | MarketAggregates:
    """:func:`~treasurymodel.simulate` over a list of companies (see its docstring).

    Every argument is checked before any path is drawn; the chunks run serially or on
    ``executor`` and are joined (or their aggregates merged) in path order, so the result
    does not depend on either.
    """
    names = check_record(record, None)
    if record_edges is not None:
        raise ValidationError(
            "record_edges",
            record_edges,
            "is for one company at a time (a list records on each company's default edges)",
        )
    if isinstance(companies, Company) or not isinstance(companies, Sequence) or not companies:
        raise ValidationError("company", companies, "must be a company or a non-empty list")
    policies = _broadcast(policy, len(companies))
    premiums = _broadcast(premium, len(companies))
    try:
        the_companies, policy_list, premium_list = _check_market(
            companies, policies, premiums, impact
        )
    except ValidationError as err:
        field = err.field
        for plural, singular in (("companies", "company"), ("policies", "policy")):
            if field.startswith(plural):
                field = singular + field[len(plural) :]
        if field.startswith("premiums"):
            field = "premium" + field[len("premiums") :]
        raise ValidationError(field, err.value, err.reason) from None
    as_of = max(co.as_of for co in the_companies)
    dates = simulation_dates(as_of, years=years, steps_per_year=steps_per_year)
    steps = len(dates) - 1
    dt = 1.0 / steps_per_year
    _check_model(model, years=steps * dt)
    n_paths = _whole("paths", paths, minimum=1, maximum=_MAX_PATHS)
    seed_value = _whole("seed", seed, minimum=0)
    _check_executor(executor)
    wanted = check_record_paths(record_paths, choose_paths)
    if isinstance(wanted, np.ndarray) and wanted.size and int(wanted.max()) >= n_paths:
        raise ValidationError("record_paths", int(wanted.max()), f"must index the {n_paths} paths")
    keep_flag = check_flag("keep_paths", keep_paths, allow_none=True)
    keep = n_paths <= KEEP_PATHS_LIMIT if keep_flag is None else keep_flag
    if isinstance(executor, concurrent.futures.ProcessPoolExecutor):
        for field, value in (
            ("company", companies),
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
    n_co = len(the_companies)
    _check_memory(
        "paths" if chunk_size is None else "chunk_size",
        n_paths if chunk_size is None else chunk_size,
        estimate_memory(
            paths=n_paths,
            steps=steps,
            chunk_size=size,
            keep_paths=keep,
            chunks=in_flight,
            companies=n_co,
        ),
        f"{n_co} companies, "
        + (f"each {_RESULT_BYTES_PER_PATH} bytes a kept path, " if keep else "")
        + f"{_PRICE_MATRIX_COPIES * 8} bytes a price of {in_flight} chunk(s) of"
        f" {min(size, n_paths):,} paths x {steps + 1:,} dates",
    )
    template = _MarketChunk(
        companies=tuple(the_companies),
        model=model,
        seed=seed_value,
        start=0,
        size=min(size, n_paths),
        total=n_paths,
        steps=steps,
        dt=dt,
        dates=dates,
        policies=tuple(policy_list),
        premiums=tuple(premium_list),
        impact=impact,
        record=names,
    )
    if not keep:
        return _simulate_bounded(template, size, executor, progress, wanted, choose_paths)
    chunks = [
        attrs.evolve(template, start=start, size=min(size, n_paths - start))
        for start in range(0, n_paths, size)
    ]
    with _progress(progress, n_paths) as bar:
        result = _join(list(_run_chunks(chunks, executor, bar)))
    if wanted is None:
        return result
    if isinstance(wanted, int):
        wanted = choose(
            wanted,
            choose_paths,
            paths=n_paths,
            nav_per_share=result.results[0].nav_per_share,
            default_time=_first_default(result),
            seed=seed_value,
        )
    traces = _trace(template, wanted)
    return attrs.evolve(
        result,
        results=[attrs.evolve(r, traces=t) for r, t in zip(result.results, traces, strict=True)],
    )


def _first_default(result: MarketResult) -> IntArray:
    """Per path, the first step on which any company defaulted (-1: none did)."""
    never = np.iinfo(np.int64).max
    first = np.full(int(result.forced_sellers.shape[0]), never, dtype=np.int64)
    for r in result.results:
        np.minimum(first, np.where(r.default_time >= 0, r.default_time, never), out=first)
    return np.where(first == never, -1, first)


def _trace(template: _MarketChunk, paths: Any) -> list[PathTraces]:
    """Traces of simulation paths ``paths`` of every company: their prices drawn again from
    their blocks and run on one market of their own (paths do not interact, so a traced
    path's arrays are those it has in any run)."""
    idx = np.asarray(paths, dtype=np.int64)
    rows = [prices[picked] for _, prices, picked in _traced_blocks(template, idx)]
    steps = len(template.dates)
    values = [
        {name: np.empty((idx.shape[0], steps)) for name in RECORDABLE} for _ in template.companies
    ]
    if not rows:
        never = np.empty(0, dtype=np.int64)
        return [
            PathTraces(paths=idx, dates=template.dates, values=v, default_time=never,
                       first_forced_sale=never, first_seizure=never)
            for v in values
        ]  # fmt: skip
    sub = _run_market(
        template.companies,
        np.asfortranarray(np.concatenate(rows)),
        template.dates,
        template.policies,
        template.premiums,
        template.impact,
        traces=values,
    )
    return [
        PathTraces(
            paths=idx,
            dates=template.dates,
            values=v,
            default_time=r.default_time,
            first_forced_sale=r.first_forced_sale,
            first_seizure=r.first_seizure,
        )
        for v, r in zip(values, sub.results, strict=True)
    ]


def _aggregate_chunk(
    chunk: _MarketChunk, edges: Sequence[Mapping[str, FloatArray]], count: int
) -> tuple[MarketAggregates, tuple[IntArray, FloatArray, IntArray, IntArray]]:
    """One chunk of a bounded market run: its aggregates, and its candidates for tracing
    (the ``count`` worst paths by the first company's NAV per share, and the ``count``
    first on which any company defaults)."""
    result = _run_market_chunk(chunk)
    agg = MarketAggregates.from_result(result, edges=edges)
    if not count:  # nothing to trace: no sorting
        none = np.empty(0, np.int64)
        return agg, (none, np.empty(0), none, none)
    nav = result.results[0].nav_per_share
    worst = np.argsort(nav, kind="stable")[:count]
    default_time = _first_default(result)
    hit = np.flatnonzero(default_time >= 0)
    first = hit[np.argsort(default_time[hit], kind="stable")][:count]
    return agg, (worst + chunk.start, nav[worst], first + chunk.start, default_time[first])


def _simulate_bounded(
    template: _MarketChunk,
    size: int,
    executor: Any,
    progress: bool,
    wanted: int | IntArray | None,
    how: str,
) -> MarketAggregates:
    """Run the chunks, merging their aggregates as they come (in path order)."""
    price0 = float(template.model.asset_price)
    edges = [company_edges(co, price0) for co in template.companies]
    agg, cand = _run_bounded(template, size, executor, progress, _aggregate_chunk, edges, wanted)
    if wanted is None:
        return agg
    traces = _trace(template, _traced(wanted, how, cand, template))
    return attrs.evolve(
        agg, results=[attrs.evolve(r, traces=t) for r, t in zip(agg.results, traces, strict=True)]
    )


def _broadcast(value: Any, n_co: int) -> Any:
    """``policy``/``premium`` of :func:`simulate`: one for all companies, or one each."""
    if isinstance(value, list | tuple):
        return value
    return None if value is None else [value] * n_co


def _run_chunks(chunks: Sequence[_MarketChunk], executor: Any, bar: Any) -> Iterator[MarketResult]:
    """Run the chunks, serially or on ``executor``, and yield their results in order."""
    if executor is None:
        for chunk in chunks:
            part = _run_market_chunk(chunk)
            if bar is not None:
                bar.update(chunk.size)
            yield part
        return
    futures: list[concurrent.futures.Future[MarketResult]] = []
    try:
        for chunk in chunks:
            futures.append(executor.submit(_run_market_chunk, chunk))
    except RuntimeError as exc:  # e.g. "cannot schedule new futures after shutdown"
        for future in futures:
            future.cancel()
        raise ValidationError("executor", executor, f"refused the work ({exc})") from None
    try:
        for future, chunk in zip(futures, chunks, strict=True):
            part = future.result()
            if bar is not None:
                bar.update(chunk.size)
            yield part
    finally:
        for future in futures:
            future.cancel()
