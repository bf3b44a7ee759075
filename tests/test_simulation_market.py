"""Several companies on one market: shared prices, sales summed into one impact model."""

from __future__ import annotations

import datetime as dt

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
    sold = seller.btc_sold > 0.0
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
    m = tm.simulation.simulate_market([mstr], prices=prices, dates=dates)
    with pytest.raises(ValidationError):
        m.probability_at_least(0)


def test_the_monte_carlo_of_a_market_is_the_market_on_the_same_paths() -> None:
    mstr = tm.datasets.load("mstr-2026-02")
    xxi = tm.datasets.load("xxi-2026-01")
    model = tm.GBM(spot=68_141.0, drift=-0.3, volatility=0.7)
    impact = tm.simulation.ImpactModel(daily_volume=15_000.0)
    mc = tm.simulation.simulate_market_mc(
        [mstr, xxi], model=model, years=2, steps_per_year=12, paths=2_500, seed=4,
        chunk_size=1024, impact=impact,
    )  # fmt: skip
    dates = tm.simulation.simulation_dates(mstr.as_of, years=2, steps_per_year=12)
    prices = tm.simulation.montecarlo.price_paths(
        model, seed=4, start=0, size=2_500, total=2_500, steps=24, dt=1 / 12
    )
    whole = tm.simulation.simulate_market([mstr, xxi], prices=prices, dates=dates, impact=impact)
    for a, b in zip(mc.results, whole.results, strict=True):
        _same(a, b)
    assert np.array_equal(mc.forced_sellers, whole.forced_sellers)
    # and each company's paths are the ones simulate draws
    alone = tm.simulate(mstr, model=model, years=2, steps_per_year=12, paths=2_500, seed=4,
                        keep_paths=True)  # fmt: skip
    plain = tm.simulation.simulate_market_mc(
        [mstr], model=model, years=2, steps_per_year=12, paths=2_500, seed=4
    )
    _same(plain.results[0], alone)
