"""Several companies on one market, bounded memory and traces: streaming aggregates against
the kept per-path arrays of the same list; joint counts of forced sellers; traced paths."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import functools
from typing import Any

import attrs
import numpy as np
import pytest

import treasurymodel as tm
from treasurymodel import ValidationError
from treasurymodel.simulation import market, montecarlo
from treasurymodel.simulation.aggregates import MOMENT_FIELDS, OUTCOME_FIELDS, _hist
from treasurymodel.simulation.joint import MarketAggregates
from treasurymodel.simulation.recording import RECORDABLE
from treasurymodel.simulation.result import Event

PATHS = 3_000  # three blocks, the last one partial

_EVENTS: tuple[tuple[Event, str], ...] = (
    ("default", "default_time"),
    ("forced_sale", "first_forced_sale"),
    ("seizure", "first_seizure"),
)


@functools.cache
def _setup() -> tuple[list[tm.Company], dict[str, Any]]:
    mstr = tm.datasets.load("mstr-2026-02")
    xxi = tm.datasets.load("xxi-2026-01")
    kw: dict[str, Any] = {
        "model": tm.GBM(asset_price=68_141.0, drift=0.4, volatility=0.8),
        "years": 3,
        "steps_per_year": 12,
        "seed": 7,
        "premium": [
            tm.simulation.PeakCompressionPremium(initial=1.3, floor=0.7, sensitivity=3.0),
            None,
        ],
        "impact": tm.simulation.ImpactModel(daily_volume=15_000.0),
    }
    return [mstr, xxi], kw


@functools.cache
def _kept() -> tm.simulation.MarketResult:
    companies, kw = _setup()
    res = tm.simulate(companies, paths=PATHS, keep_paths=True, **kw)
    assert isinstance(res, tm.simulation.MarketResult)
    return res


def _bounded(**extra: Any) -> MarketAggregates:
    companies, kw = _setup()
    agg = tm.simulate(companies, paths=PATHS, keep_paths=False, **kw, **extra)
    assert isinstance(agg, MarketAggregates)
    return agg


def _check_against_kept(agg: MarketAggregates) -> None:
    kept = _kept()
    assert agg.names == kept.names
    assert agg.quarters == kept.quarters
    assert agg.paths == PATHS
    for a, res in zip(agg.results, kept.results, strict=True):
        assert a.paths == res.paths == PATHS
        for event, field in _EVENTS:
            steps = getattr(res, field)
            expected = np.bincount(steps[steps >= 0], minlength=res.steps + 1)
            assert a.event_counts[event].tolist() == expected.tolist()  # exact
            assert a.probability(event) == res.probability(event)
        for name in MOMENT_FIELDS:
            v = getattr(res, name)
            assert a.mean[name] == pytest.approx(float(v.mean()), rel=1e-12, abs=1e-9), name
            assert a.variance(name) == pytest.approx(float(v.var(ddof=1)), rel=1e-9, abs=1e-9)
            assert a.minimum[name] == float(v.min())
            assert a.maximum[name] == float(v.max())
        for name in OUTCOME_FIELDS:
            h = a.outcomes[name]
            assert h.counts[0].tolist() == _hist(getattr(res, name), h.edges).tolist(), name
    # the joint counts, counted here quarter by quarter from the kept table
    table = kept.forced_sellers
    n_co = len(kept.names)
    for q in range(table.shape[1]):
        for j in range(n_co + 1):
            assert agg.seller_counts[q, j] == int(np.sum(table[:, q] == j)), (q, j)
    for j in range(n_co + 1):
        assert agg.most_sellers[j] == int(np.sum(table.max(axis=1) == j))
    for k in range(1, n_co + 2):
        assert agg.probability_at_least(k) == kept.probability_at_least(k)
        np.testing.assert_array_equal(agg.probability_by_quarter(k), np.mean(table >= k, axis=0))
        np.testing.assert_array_equal(
            kept.probability_by_quarter(k), agg.probability_by_quarter(k)
        )


def test_the_stress_case_has_joint_forced_sales() -> None:
    kept = _kept()
    # not a trivial case: both companies sell, sometimes in the same quarter, not always
    assert 0.0 < kept.probability_at_least(2) < 1.0
    assert all(r.forced_sale.any() for r in kept.results)
    assert kept.results[0].default_time.max() >= 0


@pytest.mark.parametrize("chunk_size", [1024, 2048, None])
def test_bounded_aggregates_of_a_list_equal_the_kept_arrays(chunk_size: int | None) -> None:
    _check_against_kept(_bounded(chunk_size=chunk_size))


def test_bounded_aggregates_of_a_list_on_executors() -> None:
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        _check_against_kept(_bounded(executor=pool, chunk_size=1024))
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as processes:
        _check_against_kept(_bounded(executor=processes))


def _same_aggregates(a: tm.simulation.SimulationAggregates, b: Any) -> None:
    assert isinstance(b, tm.simulation.SimulationAggregates)
    assert a.dates == b.dates
    assert a.paths == b.paths
    assert a.count == b.count
    for event in a.event_counts:
        assert np.array_equal(a.event_counts[event], b.event_counts[event])
    for field in ("mean", "m2", "minimum", "maximum"):
        assert getattr(a, field) == getattr(b, field), field  # the same chunks: exact
    for name, h in a.outcomes.items():
        assert np.array_equal(h.counts, b.outcomes[name].counts)
        assert np.array_equal(h.edges, b.outcomes[name].edges)
    assert a.traces == b.traces


def test_a_bounded_list_of_one_company_is_the_single_company_bounded_run() -> None:
    companies, kw = _setup()
    mstr = companies[0]
    premium = kw["premium"][0]
    kw = {**kw, "premium": premium}
    for how in ("worst", "first_default", "random"):
        alone = tm.simulate(
            mstr, paths=PATHS, keep_paths=False, chunk_size=1024, record_paths=3,
            choose_paths=how, **kw,
        )  # fmt: skip
        listed = tm.simulate(
            [mstr], paths=PATHS, keep_paths=False, chunk_size=1024, record_paths=3,
            choose_paths=how, **kw,
        )  # fmt: skip
        assert alone.traces is not None
        assert alone.traces.paths.size
        _same_aggregates(alone, listed.results[0])
        # one company: a quarter has one seller at most, on the paths where it sold then
        sold = alone.probability("forced_sale")
        assert listed.probability_at_least(1) == sold
        assert listed.probability_at_least(2) == 0.0


def test_a_list_above_the_limit_is_bounded_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    companies, kw = _setup()
    monkeypatch.setattr(market, "KEEP_PATHS_LIMIT", 1000)
    agg = tm.simulate(companies, paths=PATHS, chunk_size=1024, **kw)
    assert isinstance(agg, MarketAggregates)
    _check_against_kept(agg)
    kept = tm.simulate(companies, paths=1000, **kw)
    assert isinstance(kept, tm.simulation.MarketResult)
    forced = tm.simulate(companies, paths=PATHS, keep_paths=True, **kw)
    assert isinstance(forced, tm.simulation.MarketResult)


def _owes(name: str, due: dt.date, *, cash: float = 0.0) -> tm.Company:
    return tm.Company(name=name, as_of=dt.date(2026, 1, 1), holdings=tm.Holdings(units=100.0),
        shares_basic=1e6, cash=cash, instruments=[tm.Note(name="N", principal=2e6,
        coupon=0.0, maturity=due)])  # fmt: skip


def test_joint_counts_of_a_hand_counted_market() -> None:
    # Four companies that may not issue shares, on weekly dates from 1 January 2026 for 30
    # weeks (quarters 2026Q1, Q2, Q3). A and B owe 2,000,000 in February and March with no
    # cash: both sell coins in Q1; C owes it in May: it sells in Q2; D has the cash and
    # never sells. So on every path the forced sellers by quarter are [2, 1, 0].
    companies = [
        _owes("A", dt.date(2026, 2, 1)),
        _owes("B", dt.date(2026, 3, 1)),
        _owes("C", dt.date(2026, 5, 1)),
        _owes("D", dt.date(2026, 2, 1), cash=5e6),
    ]
    dates = [dt.date(2026, 1, 1) + dt.timedelta(weeks=w) for w in range(31)]
    prices = np.vstack([np.full(31, 50_000.0), np.full(31, 80_000.0)])
    m = tm.simulation.simulate_market(
        companies, prices=prices, dates=dates,
        policies=[tm.simulation.FundingPolicy(issue_equity=False)] * 4,
    )  # fmt: skip
    assert m.quarters == (dt.date(2026, 1, 1), dt.date(2026, 4, 1), dt.date(2026, 7, 1))
    assert m.forced_sellers.tolist() == [[2, 1, 0], [2, 1, 0]]
    edges = [montecarlo.company_edges(co, 50_000.0) for co in companies]
    agg = MarketAggregates.from_result(m, edges=edges)
    # counted by hand: by quarter, paths with j = 0 .. 4 sellers
    assert agg.seller_counts.tolist() == [[0, 0, 2, 0, 0], [0, 2, 0, 0, 0], [2, 0, 0, 0, 0]]
    assert agg.most_sellers.tolist() == [0, 0, 2, 0, 0]
    assert [agg.probability_at_least(k) for k in (1, 2, 3, 4)] == [1.0, 1.0, 0.0, 0.0]
    assert agg.probability_by_quarter(1).tolist() == [1.0, 1.0, 0.0]
    # and a table of five paths and two quarters written out (3 companies)
    table = np.array([[0, 0], [1, 0], [2, 1], [0, 3], [1, 1]])
    fake = tm.simulation.MarketResult(
        names=["A", "B", "C"], results=[], quarters=m.quarters[:2], forced_sellers=table
    )
    agg = MarketAggregates.from_result(fake, edges=[])
    # quarter 1: j=0 on paths 0, 3; j=1 on 1, 4; j=2 on 2. Quarter 2: j=0 on 0, 1; j=1 on
    # 2, 4; j=3 on 3. Busiest quarter: 0, 1, 2, 3, 1.
    assert agg.seller_counts.tolist() == [[2, 2, 1, 0], [2, 2, 0, 1]]
    assert agg.most_sellers.tolist() == [1, 2, 1, 1]
    assert [agg.probability_at_least(k) for k in (1, 2, 3)] == [0.8, 0.4, 0.2]
    assert agg.merge(agg).most_sellers.tolist() == [2, 4, 2, 2]
    assert MarketAggregates.combine([agg, agg, agg]).paths == 15


def test_traced_paths_of_a_list_are_the_kept_paths() -> None:
    companies, kw = _setup()
    for how in ("worst", "first_default", "random"):
        m = tm.simulate(
            companies, paths=PATHS, keep_paths=True, record_paths=4, choose_paths=how, **kw
        )
        traces = [r.traces for r in m.results]
        assert all(t is not None for t in traces)
        idx = traces[0].paths
        assert idx.size == 4
        for r, t in zip(m.results, traces, strict=True):
            assert t is not None
            assert np.array_equal(t.paths, idx)  # the same paths for every company
            assert set(t.values) == set(RECORDABLE)
            # the last step of each trace is that path's kept outcome
            last = {name: v[:, -1] for name, v in t.values.items()}
            assert np.array_equal(last["units"], r.final_units[idx])
            assert np.array_equal(last["cash"], r.final_cash[idx])
            assert np.array_equal(last["units_sold"], r.units_sold[idx])
            assert np.array_equal(last["price"], r.final_price[idx])
            np.testing.assert_allclose(last["nav_per_share"], r.nav_per_share[idx], rtol=1e-12)
            assert np.array_equal(t.default_time, r.default_time[idx])
            assert np.array_equal(t.first_forced_sale, r.first_forced_sale[idx])
        if how == "worst":  # the documented rule: the first company's worst NAV per share
            order = np.argsort(m.results[0].nav_per_share, kind="stable")[:4]
            assert idx.tolist() == sorted(order.tolist())
        elif how == "first_default":  # the first paths on which any company defaults
            times = np.stack([r.default_time for r in m.results])
            first = np.where(times >= 0, times, 10**9).min(axis=0)
            assert int(first[idx].max()) <= int(np.sort(first)[3]) < 10**9
        bounded = tm.simulate(
            companies, paths=PATHS, keep_paths=False, chunk_size=1024, record_paths=4,
            choose_paths=how, **kw,
        )  # fmt: skip
        for a, b in zip(bounded.results, m.results, strict=True):
            assert a.traces == b.traces
    # path indices: the same for every company
    m = tm.simulate(companies, paths=PATHS, keep_paths=True, record_paths=[5, 2_999], **kw)
    assert [r.traces.paths.tolist() for r in m.results if r.traces] == [[5, 2_999]] * 2


def test_a_traced_list_of_one_is_the_single_company_trace() -> None:
    companies, kw = _setup()
    kw = {**kw, "premium": kw["premium"][0]}
    alone = tm.simulate(companies[0], paths=PATHS, keep_paths=True, record_paths=3, **kw)
    listed = tm.simulate(companies[:1], paths=PATHS, keep_paths=True, record_paths=3, **kw)
    assert alone.traces is not None
    assert alone.traces == listed.results[0].traces


def test_a_trace_shows_one_companys_sales_lowering_the_price_of_the_other() -> None:
    # "Seller" owes 3,000,000 in 6 weeks with no cash and may not issue shares: it sells
    # coins; "Quiet" owes nothing. The price both face at the end of step t is the path's
    # price divided by 1 + permanent_fraction * scale * sqrt(q) for the sale q of every step
    # up to t (the square-root law of ImpactModel), read off Seller's traced coins sold.
    day = dt.date(2026, 1, 1)
    seller = tm.Company(name="Seller", as_of=day, holdings=tm.Holdings(units=500.0),
        shares_basic=1e6, instruments=[tm.Note(name="N", principal=3e6, coupon=0.0,
        maturity=day + dt.timedelta(weeks=6))])  # fmt: skip
    quiet = tm.Company(name="Quiet", as_of=day, holdings=tm.Holdings(units=1_000.0),
                       shares_basic=1e6)  # fmt: skip
    impact = tm.simulation.ImpactModel(daily_volume=100.0)
    model = tm.GBM(asset_price=50_000.0, drift=0.0, volatility=0.4)
    m = tm.simulate(
        [seller, quiet], model=model, years=0.5, paths=1_024, seed=5, impact=impact,
        policy=tm.simulation.FundingPolicy(issue_equity=False), record_paths=[0, 7],
        keep_paths=True,
    )  # fmt: skip
    ts, tq = m.results[0].traces, m.results[1].traces
    assert ts is not None
    assert tq is not None
    prices = montecarlo.price_paths(
        model, seed=5, start=0, size=1_024, total=1_024, steps=26, dt=1 / 52
    )[[0, 7]]
    q = np.diff(ts.values["units_sold"], prepend=0.0, axis=1)
    assert (q > 0.0).sum(axis=1).tolist() == [1, 1]  # one sale on each path
    step_factor = 1.0 / (1.0 + impact.permanent_fraction * impact.scale * np.sqrt(q))
    factor = np.cumprod(step_factor, axis=1)
    np.testing.assert_allclose(tq.values["price_impact"], factor - 1.0, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(tq.values["price"], prices * factor, rtol=1e-12)
    np.testing.assert_array_equal(ts.values["price"], tq.values["price"])  # one market
    assert np.all(tq.values["price_impact"][:, -1] < 0.0)
    assert np.all(tq.values["units_sold"] == 0.0)
    # the story of the seller's path 0, in one table
    events = ts.events(0)
    assert "coins sold" in events.event
    assert "principal paid" in events.event


def test_bad_bounded_and_traced_lists_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    companies, kw = _setup()
    agg = _bounded(chunk_size=None)
    with pytest.raises(ValidationError) as info:
        agg.forced_sellers
    assert info.value.field == "forced_sellers"
    for bad in (0, 1.5, True):
        with pytest.raises(ValidationError) as info:
            agg.probability_at_least(bad)  # type: ignore[arg-type]
        assert info.value.field == "k"
    with pytest.raises(ValidationError) as info:
        MarketAggregates.from_result(_kept(), edges=[{}])
    assert info.value.field == "edges"
    other = attrs.evolve(agg, names=("X", "Y"))
    with pytest.raises(ValidationError) as info:
        agg.merge(other)
    assert info.value.field == "other"
    with pytest.raises(ValidationError) as info:
        MarketAggregates(names=["A"], results=[], quarters=[dt.date(2026, 1, 1)], paths=1,
                         seller_counts=[[1]], most_sellers=[1, 0])  # fmt: skip
    assert info.value.field == "seller_counts"
    cases: list[tuple[dict[str, Any], str]] = [
        ({"keep_paths": False, "record": ["nope"]}, "record"),
        ({"keep_paths": False, "record": "cash"}, "record"),
        ({"keep_paths": False, "record": ["cash"], "record_edges": {}}, "record_edges"),
        ({"keep_paths": False, "record_paths": [PATHS]}, "record_paths"),
        ({"keep_paths": False, "record_paths": 5_000}, "record_paths"),
        ({"keep_paths": False, "choose_paths": "last"}, "choose_paths"),
        ({"keep_paths": 0}, "keep_paths"),
    ]
    for extra, field in cases:
        with pytest.raises(ValidationError) as info:
            tm.simulate(companies, paths=PATHS, **{**kw, **extra})
        assert info.value.field == field, (extra, info.value)
    # the memory refusal covers lists, up front, naming the companies
    monkeypatch.setattr(montecarlo, "_available_memory", lambda: 10 * 2**20)
    with pytest.raises(ValidationError) as info:
        tm.simulate(companies, paths=PATHS, keep_paths=False, **kw)
    assert info.value.field == "paths"
    assert "2 companies" in info.value.reason


def test_estimate_memory_of_a_list() -> None:
    est = tm.simulation.estimate_memory
    # bounded: no growth with the paths
    assert est(paths=10**9, steps=520, companies=3) == est(paths=10**8, steps=520, companies=3)
    # kept: every company's results, 450 bytes a path each
    one = est(paths=10**5, steps=520, keep_paths=True)
    two = est(paths=10**5, steps=520, keep_paths=True, companies=2)
    assert two - one >= 450 * 10**5
    assert est(paths=10**5, steps=520, companies=1) == est(paths=10**5, steps=520)
    with pytest.raises(ValidationError) as info:
        est(paths=10, steps=10, companies=0)
    assert info.value.field == "companies"


def test_a_lists_histograms_by_step() -> None:
    # per-step histograms of every company, at the end of each step: a bounded list's add up
    # to the kept list's exactly; each step's counts cover every path; the last step's
    # histogram of coins held is that of the companies' kept final holdings
    companies, kw = _setup()
    record = ("units", "price_impact")
    kept = tm.simulate(companies, paths=PATHS, keep_paths=True, record=record, **kw)
    assert isinstance(kept, tm.simulation.MarketResult)
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        agg = tm.simulate(
            companies, paths=PATHS, keep_paths=False, record=record, executor=pool,
            chunk_size=1024, **kw,
        )  # fmt: skip
    assert isinstance(agg, MarketAggregates)
    for a, r in zip(agg.results, kept.results, strict=True):
        for name in record:
            assert np.array_equal(a.histograms[name].counts, r.histograms[name].counts)
            assert np.array_equal(
                r.histograms[name].counts.sum(axis=1), np.full(r.steps + 1, PATHS)
            )
        h = r.histograms["units"]
        assert h.counts[-1].tolist() == _hist(r.final_units, h.edges).tolist()
    # a list of one records what the company records alone
    one = {**kw, "premium": kw["premium"][0]}
    alone = tm.simulate(companies[0], paths=PATHS, keep_paths=True, record=record, **one)
    listed = tm.simulate(companies[:1], paths=PATHS, keep_paths=True, record=record, **one)
    for name in record:
        assert np.array_equal(
            alone.histograms[name].counts, listed.results[0].histograms[name].counts
        )
        assert np.array_equal(
            alone.histograms[name].edges, listed.results[0].histograms[name].edges
        )
