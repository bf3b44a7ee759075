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

import datetime as _dt
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from .._results import Tabular
from .._typing import IntArray
from ..company import Company
from ..errors import ValidationError
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
    _interest,
    _issuer_calls,
    _margin_calls,
    _maturities,
    _pay_dividends,
    _price_the_stock,
    _results,
    _scheduled_principal,
    _settle,
    _springing,
)
from .impact import ImpactModel
from .models import PriceModel, _whole
from .montecarlo import _chunk_paths, price_paths, simulation_dates
from .policy import FundingPolicy
from .premium import ConstantPremium, PremiumModel
from .result import SimulationResult
from .state import PathState, Run

__all__ = ["MarketResult", "simulate_market", "simulate_market_mc"]


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
    >>> m.results[0].btc_sold.tolist(), m.probability_at_least(1), m.probability_at_least(2)
    ([40.0], 1.0, 0.0)
    """

    names: tuple[str, ...] = attrs.field(converter=_tuple)
    results: tuple[SimulationResult, ...] = attrs.field(converter=_tuple)
    quarters: tuple[_dt.date, ...] = attrs.field(converter=_tuple)
    forced_sellers: IntArray = attrs.field(converter=_ints)

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

    def to_dict(self) -> dict[str, npt.NDArray[Any]]:
        """Per company: ``name``, and its probabilities of a forced sale and of a default.

        Examples
        --------
        >>> import datetime as dt, numpy as np
        >>> m = MarketResult(names=[], results=[], quarters=[], forced_sellers=np.zeros((0, 0)))
        >>> m.to_dict()["name"].tolist()
        []
        """
        return {
            "name": np.array(self.names, dtype=object),
            "p_forced_sale": np.array([r.probability("forced_sale") for r in self.results]),
            "p_default": np.array([r.probability("default") for r in self.results]),
        }

    _index = "name"

    def _title(self) -> str:
        paths = int(self.forced_sellers.shape[0])
        return f"MarketResult ({len(self.names)} companies, {paths:,} paths)"

    def _footer(self) -> str:
        if len(self.names) < 2:
            return ""
        return f"P(2 or more forced sellers in one quarter) {self.probability_at_least(2):.3f}"


def simulate_market_mc(
    companies: Sequence[Company],
    *,
    model: PriceModel,
    years: float,
    steps_per_year: int = 52,
    paths: int,
    seed: int,
    chunk_size: int | None = None,
    policies: Sequence[FundingPolicy | None] | None = None,
    premiums: Sequence[PremiumModel | None] | None = None,
    impact: ImpactModel | None = None,
) -> MarketResult:
    """Monte Carlo of several companies on one market: :func:`simulate_market` on random paths.

    The paths are those :func:`~treasurymodel.simulate` draws for the same ``model``,
    ``years``, ``steps_per_year``, ``paths`` and ``seed`` (from the first company's as-of
    date), run a chunk at a time in this process; the result is the one of
    :func:`simulate_market` on all the paths at once.

    Examples
    --------
    >>> import treasurymodel as tm
    >>> co, xxi = tm.datasets.load("mstr-2026-02"), tm.datasets.load("xxi-2026-01")
    >>> m = tm.simulation.simulate_market_mc([co, xxi], model=tm.GBM(spot=68_141.0,
    ...     volatility=0.6),
    ...                           years=1, paths=300, seed=1)
    >>> m.results[1].paths
    300
    """
    if isinstance(companies, Company) or not isinstance(companies, Sequence) or not companies:
        raise ValidationError("companies", companies, "must be a non-empty list of companies")
    if not isinstance(companies[0], Company):
        raise ValidationError("companies[0]", companies[0], "must be a treasurymodel.Company")
    dates = simulation_dates(companies[0].as_of, years=years, steps_per_year=steps_per_year)
    steps = len(dates) - 1
    n_paths = _whole("paths", paths, minimum=1, maximum=10**9)
    size = _chunk_paths(chunk_size, paths=n_paths, steps=steps, executor=None)
    parts: list[MarketResult] = []
    for start in range(0, n_paths, size):
        prices = price_paths(
            model, seed=seed, start=start, size=min(size, n_paths - start), total=n_paths,
            steps=steps, dt=1.0 / steps_per_year,
        )  # fmt: skip
        parts.append(
            simulate_market(
                companies,
                prices=prices,
                dates=dates,
                policies=policies,
                premiums=premiums,
                impact=impact,
            )
        )
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


def simulate_market(
    companies: Sequence[Company],
    *,
    prices: Any,
    dates: Sequence[_dt.date],
    policies: Sequence[FundingPolicy | None] | None = None,
    premiums: Sequence[PremiumModel | None] | None = None,
    impact: ImpactModel | None = None,
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
    if isinstance(companies, Company) or not isinstance(companies, Sequence) or not companies:
        raise ValidationError("companies", companies, "must be a non-empty list of companies")
    n_co = len(companies)
    for i, co in enumerate(companies):
        if not isinstance(co, Company):
            raise ValidationError(f"companies[{i}]", co, "must be a treasurymodel.Company")
        if co.holdings[0].asset != companies[0].holdings[0].asset:
            raise ValidationError(
                f"companies[{i}]", co.holdings[0].asset, "must hold the same asset as the first"
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
    the_dates = check_dates(companies[0], dates)
    for co in companies[1:]:
        check_dates(co, dates)
    arr = _check_prices(prices, len(the_dates))
    runs = [
        Run(plan_for(co, the_dates, p), arr, p, q, impact, {})
        for co, p, q in zip(companies, policy_list, premium_list, strict=True)
    ]
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
        for k, (c, st) in enumerate(zip(runs, states, strict=True)):
            st.factor = shared
            before_sold, before_bought = st.sold, st.bought
            if st.peak is not None and t > st.peak_done:  # exact peaks: every step
                np.maximum(st.peak, c.prices[:, t] * st.factor, out=st.peak)
                st.peak_done = t
            w = _begin_step(c, st, t)
            _margin_calls(c, st, w)
            if w.ev is not None or c.flywheel:
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


def _per_company(field: str, value: Any, n_co: int) -> list[Any]:
    """``value`` (a list or tuple with one entry per company, or None) as a list."""
    if value is None:
        return [None] * n_co
    if not isinstance(value, list | tuple) or len(value) != n_co:
        raise ValidationError(field, value, f"must be a list with one entry per company ({n_co})")
    return list(value)
