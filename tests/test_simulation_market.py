"""Several companies on one market: shared prices, sales summed into one impact model."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
from typing import Any

import attrs
import numpy as np
import pytest

import treasurymodel as tm
from treasurymodel import ValidationError
from treasurymodel.simulation.result import PATH_FIELDS


def _paths(co: tm.Company, n: int = 12, weeks: int = 156) -> tuple[np.ndarray, list[dt.date]]:
    rng = np.random.default_rng(3)
    steps = rng.normal(-0.01, 0.07, (n, weeks))
    steps[0] = 0.02  # one path rising steadily: the company never has to sell
    prices = 68_141.0 * np.exp(np.concatenate((np.zeros((n, 1)), np.cumsum(steps, 1)), 1))
    return prices, list(tm.simulation.simulation_dates(co.as_of, years=3))


def _same(a: tm.simulation.SimulationResult, b: tm.simulation.SimulationResult) -> None:
    for name in PATH_FIELDS:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


def test_without_impact_each_company_gets_its_result_alone() -> None:
    mstr = tm.datasets.load("mstr-2026-02")
    xxi = tm.datasets.load("xxi-2026-01")  # as of 2 January 2026: its events fall on step 0
    prices, dates = _paths(mstr)
    premium = tm.simulation.PeakCompressionPremium(initial=1.3, floor=0.7, sensitivity=2.0)
    m = tm.simulation.simulate_market(
        [mstr, xxi], prices=prices, dates=dates, premiums=[premium, None]
    )
    _same(
        m.results[0],
        tm.simulation.simulate_paths(mstr, prices=prices, dates=dates, premium=premium),
    )
    _same(m.results[1], tm.simulation.simulate_paths(xxi, prices=prices, dates=dates))
    assert m.results[0].forced_sale.any()


def test_one_company_with_impact_is_the_engine_alone() -> None:
    mstr = tm.datasets.load("mstr-2026-02")
    prices, dates = _paths(mstr)
    impact = tm.simulation.ImpactModel(daily_volume=15_000.0)
    premium = tm.simulation.PeakCompressionPremium(initial=1.3, floor=0.7, sensitivity=2.0)
    m = tm.simulation.simulate_market(
        [mstr], prices=prices, dates=dates, premiums=[premium], impact=impact
    )
    alone = tm.simulation.simulate_paths(
        mstr, prices=prices, dates=dates, premium=premium, impact=impact
    )
    assert alone.forced_sale.any()
    _same(m.results[0], alone)


def _quiet(as_of: dt.date) -> tm.Company:
    # no obligations at all: it never sells
    return tm.Company(name="Quiet", as_of=as_of, holdings=tm.Holdings(units=1_000.0),
                      shares_basic=1e6)  # fmt: skip


def test_a_sale_lowers_the_price_every_company_faces_later() -> None:
    mstr = tm.datasets.load("mstr-2026-02")
    prices, dates = _paths(mstr)
    impact = tm.simulation.ImpactModel(daily_volume=15_000.0)
    quiet = _quiet(mstr.as_of)
    m = tm.simulation.simulate_market([mstr, quiet], prices=prices, dates=dates, impact=impact)
    seller, other = m.results
    assert not other.forced_sale.any()
    sold = seller.units_sold > 0.0
    assert sold.any()
    assert (~sold).any()
    end = prices[:, -1]
    # the quiet company faces the price the seller's sales moved (the same factor), below the
    # path's own price where the seller sold and equal to it where it did not
    assert np.array_equal(other.final_price, seller.final_price)
    assert np.all(other.final_price[sold] < end[sold])
    assert np.array_equal(other.final_price[~sold], end[~sold])
    # alone, the quiet company faces the path's own price
    alone = tm.simulation.simulate_paths(quiet, prices=prices, dates=dates, impact=impact)
    assert np.array_equal(alone.final_price, end)
    # two sellers move the price further than one: the summed sales
    twin = tm.simulation.simulate_market([mstr, mstr], prices=prices, dates=dates, impact=impact)
    assert np.all(twin.results[0].final_price[sold] < seller.final_price[sold])
    assert m.probability_at_least(1) == pytest.approx(float(np.mean(sold)))
    assert m.probability_at_least(2) == 0.0
    assert twin.probability_at_least(2) > 0.0
    assert m.names == ("Strategy", "Quiet")
    assert "Quiet" in repr(m)
    assert m.to_dict()["p_forced_sale"].tolist()[1] == 0.0


def test_bad_markets_are_refused() -> None:
    mstr = tm.datasets.load("mstr-2026-02")
    prices, dates = _paths(mstr, n=1, weeks=4)
    dates = dates[:5]
    eth = tm.datasets.load("sbet-2025-10")
    with pytest.raises(ValidationError) as info:
        tm.simulation.simulate_market([mstr, eth], prices=prices, dates=dates)
    assert info.value.field == "companies[1]"
    with pytest.raises(ValidationError) as info:
        tm.simulation.simulate_market([], prices=prices, dates=dates)
    assert info.value.field == "companies"
    with pytest.raises(ValidationError) as info:
        tm.simulation.simulate_market([mstr], prices=prices, dates=dates, policies=[None, None])
    assert info.value.field == "policies"
    with pytest.raises(ValidationError) as info:
        tm.simulation.simulate_market([mstr], prices=prices, dates=dates, record=["nope"])
    assert info.value.field == "record"
    m = tm.simulation.simulate_market([mstr], prices=prices, dates=dates)
    with pytest.raises(ValidationError):
        m.probability_at_least(0)


def test_simulate_over_a_list_is_the_market_on_the_paths_simulate_draws() -> None:
    mstr = tm.datasets.load("mstr-2026-02")
    xxi = tm.datasets.load("xxi-2026-01")
    model = tm.GBM(asset_price=68_141.0, drift=-0.3, volatility=0.7)
    impact = tm.simulation.ImpactModel(daily_volume=15_000.0)
    mc = tm.simulate(
        [mstr, xxi], model=model, years=2, steps_per_year=12, paths=2_500, seed=4,
        chunk_size=1024, impact=impact, keep_paths=True,
    )  # fmt: skip
    # mstr's as-of date (1 Feb 2026) is the later one: the grid starts there
    dates = tm.simulation.simulation_dates(mstr.as_of, years=2, steps_per_year=12)
    prices = tm.simulation.montecarlo.price_paths(
        model, seed=4, start=0, size=2_500, total=2_500, steps=24, dt=1 / 12
    )
    whole = tm.simulation.simulate_market([mstr, xxi], prices=prices, dates=dates, impact=impact)
    for a, b in zip(mc.results, whole.results, strict=True):
        _same(a, b)
    assert np.array_equal(mc.forced_sellers, whole.forced_sellers)
    assert mc.quarters == whole.quarters
    # the order of the list does not move the grid (the latest as-of date either way)
    swapped = tm.simulate(
        [xxi, mstr], model=model, years=2, steps_per_year=12, paths=2_500, seed=4,
        impact=impact, keep_paths=True,
    )  # fmt: skip
    _same(swapped.results[1], mc.results[0])
    _same(swapped.results[0], mc.results[1])


def test_a_list_of_one_company_is_the_single_company_call() -> None:
    mstr = tm.datasets.load("mstr-2026-02")
    model = tm.GBM(asset_price=68_141.0, drift=-0.2, volatility=0.7)
    premium = tm.simulation.PeakCompressionPremium(initial=1.3, floor=0.7, sensitivity=2.0)
    for impact in (None, tm.simulation.ImpactModel(daily_volume=15_000.0)):
        kw: dict[str, Any] = {
            "model": model,
            "years": 3,
            "steps_per_year": 12,
            "paths": 1_500,
            "seed": 9,
            "impact": impact,
        }
        alone = tm.simulate(mstr, premium=premium, keep_paths=True, **kw)
        listed = tm.simulate([mstr], premium=[premium], **kw)
        assert alone.forced_sale.any()
        _same(listed.results[0], alone)


def test_without_impact_a_list_gives_each_company_its_separate_run() -> None:
    mstr = tm.datasets.load("mstr-2026-02")
    xxi = tm.datasets.load("xxi-2026-01")
    moved = attrs.evolve(xxi, as_of=mstr.as_of)  # the same grid as mstr alone
    model = tm.GBM(asset_price=68_141.0, drift=-0.3, volatility=0.8)
    policy = tm.simulation.FundingPolicy(issue_equity=False)
    kw: dict[str, Any] = {
        "model": model,
        "years": 3,
        "steps_per_year": 12,
        "paths": 2_048,
        "seed": 2,
    }
    m = tm.simulate([mstr, moved], policy=policy, **kw)
    a = tm.simulate(mstr, policy=policy, keep_paths=True, **kw)
    b = tm.simulate(moved, policy=policy, keep_paths=True, **kw)
    _same(m.results[0], a)
    _same(m.results[1], b)
    assert a.forced_sale.any()
    # the joint count is the two companies' forced sales, quarter by quarter: at least one
    # seller in some quarter wherever either sold to meet an obligation
    either = (a.units_sold > 0.0) | (b.units_sold > 0.0)
    assert m.probability_at_least(1) == pytest.approx(float(np.mean(either)))


def test_with_impact_one_companys_sales_lower_the_price_the_other_sees() -> None:
    # a constructed case: "Seller" owes 3,000,000 in 6 weeks with no cash and may not issue
    # shares, so it must sell coins; "Quiet" owes nothing and never trades
    day = dt.date(2026, 1, 1)
    seller = tm.Company(name="Seller", as_of=day, holdings=tm.Holdings(units=500.0),
        shares_basic=1e6, instruments=[tm.Note(name="N", principal=3e6, coupon=0.0,
        maturity=day + dt.timedelta(weeks=6))])  # fmt: skip
    quiet = _quiet(day)
    model = tm.GBM(asset_price=50_000.0, drift=0.0, volatility=0.4)
    impact = tm.simulation.ImpactModel(daily_volume=100.0)
    kw: dict[str, Any] = {
        "model": model,
        "years": 0.5,
        "paths": 1_024,
        "seed": 5,
        "impact": impact,
    }
    m = tm.simulate([seller, quiet], policy=tm.simulation.FundingPolicy(issue_equity=False), **kw)
    alone = tm.simulate(quiet, keep_paths=True, **kw)
    assert m.results[0].forced_sale.all()
    assert not m.results[1].forced_sale.any()
    # alone, the quiet company sees the path's own price; next to the seller, a lower one
    prices = tm.simulation.montecarlo.price_paths(
        model, seed=5, start=0, size=1_024, total=1_024, steps=26, dt=1 / 52
    )
    assert np.array_equal(alone.final_price, prices[:, -1])
    assert np.all(m.results[1].final_price < prices[:, -1])
    # by the square-root law: the seller sold q coins on one step, so the price both see
    # afterwards is the path's price / (1 + permanent_fraction * scale * sqrt(q))
    q = m.results[0].units_sold
    factor = 1.0 + impact.permanent_fraction * impact.scale * np.sqrt(q)
    np.testing.assert_allclose(m.results[1].final_price, prices[:, -1] / factor, rtol=1e-12)
    assert m.probability_at_least(1) == 1.0
    assert m.probability_at_least(2) == 0.0


def test_a_list_does_not_depend_on_chunks_or_executor() -> None:
    mstr = tm.datasets.load("mstr-2026-02")
    xxi = tm.datasets.load("xxi-2026-01")
    kw: dict[str, Any] = {
        "model": tm.GBM(asset_price=68_141.0, drift=-0.3, volatility=0.7),
        "years": 2,
        "steps_per_year": 12,
        "paths": 3_000,
        "seed": 11,
        "impact": tm.simulation.ImpactModel(daily_volume=15_000.0),
    }
    base = tm.simulate([mstr, xxi], **kw)
    again = tm.simulate([mstr, xxi], **kw)
    small = tm.simulate([mstr, xxi], chunk_size=1_000, **kw)
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        pooled = tm.simulate([mstr, xxi], executor=pool, chunk_size=1024, **kw)
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as processes:
        spread = tm.simulate([mstr, xxi], executor=processes, **kw)
    for other in (again, small, pooled, spread):
        for a, b in zip(base.results, other.results, strict=True):
            _same(a, b)
        assert np.array_equal(base.forced_sellers, other.forced_sellers)
    other_seed = tm.simulate([mstr, xxi], **{**kw, "seed": 12})
    assert not np.array_equal(other_seed.results[0].final_price, base.results[0].final_price)


def test_bad_lists_are_refused_before_any_work() -> None:
    mstr = tm.datasets.load("mstr-2026-02")
    eth = tm.datasets.load("sbet-2025-10")
    kw: dict[str, Any] = {
        "model": tm.GBM(asset_price=68_141.0, volatility=0.5),
        "years": 1,
        "paths": 100,
        "seed": 1,
    }
    cases: list[tuple[list[Any], dict[str, Any], str]] = [
        ([mstr, eth], {}, "company[1]"),
        ([], {}, "company"),
        ([mstr, "x"], {}, "company[1]"),
        ([mstr, mstr], {"policy": [None]}, "policy"),
        ([mstr, mstr], {"premium": [None, "x"]}, "premium[1]"),
        ([mstr], {"keep_paths": "no"}, "keep_paths"),
        ([mstr], {"record": ["nope"]}, "record"),
        ([mstr], {"record": ["cash"], "record_edges": {}}, "record_edges"),
        ([mstr], {"record_paths": [100]}, "record_paths"),  # paths 0 .. 99
        ([mstr], {"record_paths": -1}, "record_paths"),
        ([mstr], {"record_paths": 2, "choose_paths": "best"}, "choose_paths"),
        ([mstr], {"paths": 0}, "paths"),
        ([mstr], {"executor": 3}, "executor"),
        ([mstr], {"seed": -1}, "seed"),
    ]
    for companies, extra, field in cases:
        with pytest.raises(ValidationError) as info:
            tm.simulate(companies, **{**kw, **extra})
        assert info.value.field == field, (extra, info.value)
    with pytest.raises(ValidationError) as info:
        tm.simulate([mstr, eth], **kw)
    assert "Strategy" in info.value.reason
    assert "SharpLink" in info.value.reason
    with pytest.raises(ValidationError) as info:  # a list of policies needs a list of companies
        tm.simulate(mstr, policy=[None], **kw)  # type: ignore[call-overload]
    assert info.value.field == "policy"


def test_a_list_runs_the_policys_inflows_as_the_engine_does() -> None:
    # an operating burn and production (FundingPolicy inflows): a list of one company is
    # the company alone, and so is each company of a list without impact
    mstr = tm.datasets.load("mstr-2026-02")
    prices, dates = _paths(mstr)
    burn = tm.simulation.FundingPolicy(operating_cash_flow=-400e6, issue_equity=False)
    miner = tm.simulation.FundingPolicy(operating_cash_flow=50e6, production=2_000.0)
    for policy in (burn, miner):
        alone = tm.simulation.simulate_paths(mstr, prices=prices, dates=dates, policy=policy)
        m = tm.simulation.simulate_market(
            [mstr, _quiet(mstr.as_of)], prices=prices, dates=dates, policies=[policy, None]
        )
        _same(m.results[0], alone)
    plain = tm.simulation.simulate_paths(mstr, prices=prices, dates=dates)
    assert not np.array_equal(alone.final_units, plain.final_units)  # the inflows count
