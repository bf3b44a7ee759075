"""Tests of the simulation of several reserve assets (CorrelatedGBM, JointBootstrap, Basket).

A company with several assets is built through the simulation's one seam,
``Basket(model=..., units=..., staking_yields=...)`` (what ``Basket.for_company`` reads from a
company's holdings): the company itself keeps one ``Holdings`` until the several-holdings
``Company`` lands. Equalities with the one-asset engine are checked bit for bit; statistics
within a stated number of standard errors.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import treasurymodel as tm
from treasurymodel import (
    GBM,
    BlockBootstrap,
    Company,
    Holdings,
    Market,
    ValidationError,
    simulate,
)
from treasurymodel.simulation import (
    PATH_FIELDS,
    Basket,
    CorrelatedGBM,
    JointBootstrap,
    asset_price_paths,
)
from treasurymodel.simulation.montecarlo import price_paths
from treasurymodel.simulation.state import basket_company

DATASETS = ("mstr-2026-02", "mstr-2022q2")


def _spot(company: Company) -> float:
    market = company.market
    assert market is not None
    assert market.asset_price is not None
    return float(market.asset_price)


def _assert_same(
    got: tm.simulation.SimulationResult, want: tm.simulation.SimulationResult
) -> None:
    for name in PATH_FIELDS:
        np.testing.assert_array_equal(getattr(got, name), getattr(want, name), err_msg=name)


def _assert_close(
    got: tm.simulation.SimulationResult, want: tm.simulation.SimulationResult
) -> None:
    for name in PATH_FIELDS:
        a, b = getattr(got, name), getattr(want, name)
        if a.dtype == np.float64:
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-6, err_msg=name)
        else:
            np.testing.assert_array_equal(a, b, err_msg=name)


def _two(
    asset_prices: tuple[float, float] = (60_000.0, 2_000.0),
    vols: tuple[float, float] = (0.5, 0.7),
    rho: float = 0.6,
    drifts: tuple[float, float] = (0.0, 0.0),
) -> CorrelatedGBM:
    return CorrelatedGBM(
        tickers=("BTC", "ETH"),
        asset_prices=asset_prices,
        drifts=drifts,
        volatilities=vols,
        correlation=((1.0, rho), (rho, 1.0)),
    )


# --- the models ---------------------------------------------------------------------------


def test_correlation_and_volatilities_are_recovered_from_simulated_returns() -> None:
    corr = np.array([[1.0, 0.6, 0.3], [0.6, 1.0, -0.2], [0.3, -0.2, 1.0]])
    vols = (0.5, 0.8, 1.2)
    m = CorrelatedGBM(
        tickers=("BTC", "ETH", "SOL"),
        asset_prices=(1.0, 1.0, 1.0),
        drifts=(0.1, -0.2, 0.0),
        volatilities=vols,
        correlation=corr,
    )
    dt_ = 1 / 52
    r = m.asset_log_returns(np.random.default_rng(19), paths=400, steps=50, dt=dt_)
    n = r[0].size  # 20,000 independent draws per asset
    sample = np.corrcoef(r.reshape(3, -1))
    # Standard error of a sample correlation of n normal pairs: (1 - rho^2) / sqrt(n), at
    # most 0.0071 here; allow 5 of them (a fixed seed: the test cannot flake).
    se = (1.0 - corr**2) / math.sqrt(n) + 1e-12
    assert (np.abs(sample - corr) <= 5 * se).all(), (sample, corr)
    # Standard error of a sample standard deviation: sigma / sqrt(2 n).
    sd = r.reshape(3, -1).std(axis=1, ddof=1) / math.sqrt(dt_)
    for got, want in zip(sd, vols, strict=True):
        assert abs(got - want) <= 5 * want / math.sqrt(2 * n)
    # mean log return (mu - sigma^2 / 2) dt, standard error sigma sqrt(dt / n)
    means = r.reshape(3, -1).mean(axis=1)
    for got, mu, s in zip(means, (0.1, -0.2, 0.0), vols, strict=True):
        assert abs(got - (mu - 0.5 * s**2) * dt_) <= 5 * s * math.sqrt(dt_ / n)


def test_first_asset_is_the_one_asset_gbm_with_the_same_generator() -> None:
    m = _two(rho=0.9)
    one = GBM(asset_price=60_000.0, drift=0.0, volatility=0.5)
    a = m.asset_log_returns(np.random.default_rng(5), paths=7, steps=11, dt=1 / 52)
    b = one.log_returns(np.random.default_rng(5), paths=7, steps=11, dt=1 / 52)
    np.testing.assert_array_equal(a[0], b)


def test_perfect_correlation_gives_identical_shocks() -> None:
    m = _two(vols=(0.5, 0.5), rho=1.0, asset_prices=(10.0, 10.0))
    r = m.asset_log_returns(np.random.default_rng(2), paths=5, steps=9, dt=0.1)
    np.testing.assert_array_equal(r[0], r[1])


def test_zero_volatility_returns_are_the_drifts_and_draw_nothing() -> None:
    m = _two(vols=(0.0, 0.0), drifts=(0.1, -0.3))
    rng = np.random.default_rng(0)
    r = m.asset_log_returns(rng, paths=2, steps=3, dt=0.5)
    np.testing.assert_array_equal(r[0], np.full((2, 3), 0.05))  # 0.1 x 0.5
    np.testing.assert_array_equal(r[1], np.full((2, 3), -0.15))
    assert rng.standard_normal() == np.random.default_rng(0).standard_normal()


def test_joint_bootstrap_uses_the_same_blocks_for_every_asset() -> None:
    series = np.random.default_rng(8).normal(0.0, 0.05, size=(37, 1))
    returns = np.hstack([series, 2.0 * series, -series])  # exact multiples in float64
    m = JointBootstrap(
        tickers=("A", "B", "C"), asset_prices=(1.0, 1.0, 1.0), returns=returns, block=5
    )
    r = m.asset_log_returns(np.random.default_rng(3), paths=20, steps=60, dt=1 / 52)
    np.testing.assert_array_equal(r[1], 2.0 * r[0])
    np.testing.assert_array_equal(r[2], -r[0])
    one = BlockBootstrap(asset_price=1.0, returns=series[:, 0], block=5)
    b = one.log_returns(np.random.default_rng(3), paths=20, steps=60, dt=1 / 52)
    np.testing.assert_array_equal(r[0], b)


def test_joint_bootstrap_checks_the_frequency() -> None:
    m = JointBootstrap(tickers=("A",), asset_prices=(1.0,), returns=[[0.1]], periods_per_year=52)
    with pytest.raises(ValidationError, match="dt"):
        m.asset_log_returns(np.random.default_rng(0), paths=1, steps=1, dt=1 / 12)


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("correlation", "field", "reason"),
    [
        (((1.0, 0.5), (0.4, 1.0)), r"correlation\[0\]\[1\]", "symmetric"),
        (((0.9, 0.5), (0.5, 1.0)), r"correlation\[0\]\[0\]", "diagonal"),
        (((1.0, 1.5), (1.5, 1.0)), r"correlation\[0\]\[1\]", "between -1 and 1"),
        (((1.0, 0.5, 0.0), (0.5, 1.0, 0.0)), "correlation", "2 x 2"),
        (((1.0, float("nan")), (float("nan"), 1.0)), r"correlation\[0\]\[1\]", "finite"),
        ("identity", "correlation", "2 x 2"),
    ],
)
def test_bad_correlation_matrices_are_refused(correlation: Any, field: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=f"CorrelatedGBM.{field}: .*{reason}"):
        CorrelatedGBM(
            tickers=("A", "B"),
            asset_prices=(1.0, 1.0),
            drifts=(0.0, 0.0),
            volatilities=(0.5, 0.5),
            correlation=correlation,
        )


def test_a_matrix_that_is_not_positive_semi_definite_is_refused() -> None:
    # every entry valid, but no three variables can have these correlations (eigenvalue -0.8)
    bad = ((1.0, 0.9, -0.9), (0.9, 1.0, 0.9), (-0.9, 0.9, 1.0))
    with pytest.raises(ValidationError, match="positive semi-definite"):
        CorrelatedGBM(
            tickers=("A", "B", "C"),
            asset_prices=(1.0, 1.0, 1.0),
            drifts=(0.0, 0.0, 0.0),
            volatilities=(0.5, 0.5, 0.5),
            correlation=bad,
        )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"tickers": ("A", "A")}, "tickers: must not repeat"),
        ({"tickers": ("A", "")}, r"tickers\[1\]"),
        ({"asset_prices": (1.0,)}, "asset_prices: must have one number per ticker"),
        ({"asset_prices": (1.0, 0.0)}, r"asset_prices\[1\]"),
        ({"volatilities": (0.5, -0.1)}, r"volatilities\[1\]: must not be negative"),
        ({"volatilities": (0.5, 11.0)}, r"volatilities\[1\]: must be at most 10"),
        ({"drifts": (0.0, float("inf"))}, r"drifts\[1\]"),
    ],
)
def test_bad_model_fields_are_named(kwargs: dict[str, Any], match: str) -> None:
    base: dict[str, Any] = {
        "tickers": ("A", "B"),
        "asset_prices": (1.0, 1.0),
        "drifts": (0.0, 0.0),
        "volatilities": (0.5, 0.5),
        "correlation": np.eye(2),
    }
    with pytest.raises(ValidationError, match=match):
        CorrelatedGBM(**(base | kwargs))


def test_basket_refuses_mismatched_tickers_and_empty_reserves() -> None:
    m = _two()
    with pytest.raises(ValidationError, match=r"Basket\.units: must name the model's tickers"):
        Basket(model=m, units={"BTC": 1.0})
    with pytest.raises(ValidationError, match=r"Basket\.units: must hold some units"):
        Basket(model=m, units={"BTC": 0.0, "ETH": 0.0})
    with pytest.raises(ValidationError, match=r"Basket.units\['ETH'\]"):
        Basket(model=m, units={"BTC": 1.0, "ETH": -1.0})
    with pytest.raises(ValidationError, match=r"Basket\.staking_yields: must name one of"):
        Basket(model=m, units={"BTC": 1.0, "ETH": 1.0}, staking_yields={"SOL": 0.05})
    with pytest.raises(ValidationError, match=r"Basket.staking_yields\['ETH'\]"):
        Basket(model=m, units={"BTC": 1.0, "ETH": 1.0}, staking_yields={"ETH": -0.01})
    with pytest.raises(ValidationError, match=r"Basket\.model"):
        Basket(model=GBM(asset_price=1.0, volatility=0.1), units={"BTC": 1.0})  # type: ignore[arg-type]
    company = tm.datasets.load("mstr-2026-02")
    eth_only = CorrelatedGBM(
        tickers=("ETH",),
        asset_prices=(2_000.0,),
        drifts=(0.0,),
        volatilities=(0.7,),
        correlation=[[1]],
    )
    with pytest.raises(ValidationError, match=r"model\.tickers: must include every asset"):
        Basket.for_company(company, model=eth_only)


def test_simulate_refuses_a_bare_multi_asset_model_and_points_to_the_basket() -> None:
    company = tm.datasets.load("mstr-2026-02")
    with pytest.raises(ValidationError, match=r"Basket\.for_company"):
        simulate(company, model=_two(), years=1, paths=10, seed=0)  # type: ignore[call-overload]


# --- the basket against the one-asset engine -----------------------------------------------


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("seed", [1, 7, 2026])
def test_one_asset_company_gives_exactly_the_one_asset_results(name: str, seed: int) -> None:
    company = tm.datasets.load(name)
    asset_price = _spot(company)
    gbm = GBM(asset_price=asset_price, drift=0.0, volatility=0.7)
    one = CorrelatedGBM(
        tickers=("BTC",),
        asset_prices=(asset_price,),
        drifts=(0.0,),
        volatilities=(0.7,),
        correlation=[[1]],
    )
    basket = Basket.for_company(company, model=one)
    assert basket_company(company, basket) is company
    kw: dict[str, Any] = {"years": 4, "paths": 1_500, "seed": seed, "keep_paths": True}
    want = simulate(company, model=gbm, **kw)
    got = simulate(company, model=basket, **kw)
    assert want.forced_sale.any()
    assert want.default.any()
    _assert_same(got, want)


@pytest.mark.parametrize("seed", [3, 11])
def test_one_asset_bootstrap_gives_exactly_the_one_asset_results(seed: int) -> None:
    company = tm.datasets.load("mstr-2022q2")
    asset_price = _spot(company)
    series = np.random.default_rng(1).normal(-0.005, 0.1, size=(150, 1))
    want = simulate(
        company,
        model=BlockBootstrap(asset_price=asset_price, returns=series[:, 0], block=4),
        years=3,
        paths=1_200,
        seed=seed,
        keep_paths=True,
    )
    joint = JointBootstrap(tickers=("BTC",), asset_prices=(asset_price,), returns=series, block=4)
    got = simulate(
        company,
        model=Basket.for_company(company, model=joint),
        years=3,
        paths=1_200,
        seed=seed,
        keep_paths=True,
    )
    _assert_same(got, want)


@pytest.mark.parametrize("name", DATASETS)
def test_a_second_asset_at_zero_units_changes_nothing(name: str) -> None:
    company = tm.datasets.load(name)
    asset_price = _spot(company)
    units = company.holdings[0].units
    two = _two(asset_prices=(asset_price, 3_000.0), vols=(0.6, 0.9), rho=0.7)
    basket = Basket(model=two, units={"BTC": units, "ETH": 0.0}, staking_yields={"ETH": 0.04})
    kw: dict[str, Any] = {"years": 3, "paths": 1_100, "seed": 5}
    want = simulate(company, model=GBM(asset_price=asset_price, volatility=0.6), **kw)
    _assert_same(simulate(company, model=basket, **kw), want)
    final = basket.asset_units(want.final_units, years=3.0)
    np.testing.assert_array_equal(final[:, 0], want.final_units)
    assert (final[:, 1] == 0.0).all()


def test_two_perfectly_correlated_identical_assets_are_one_asset_with_the_summed_units() -> None:
    company = tm.datasets.load("mstr-2022q2")
    asset_price = _spot(company)
    u1, u2 = 0.3 * company.holdings[0].units, 0.7 * company.holdings[0].units
    two = CorrelatedGBM(
        tickers=("BTC", "WBTC"),
        asset_prices=(asset_price, asset_price),
        drifts=(-0.1, -0.1),
        volatilities=(0.8, 0.8),
        correlation=np.ones((2, 2)),
    )
    basket = Basket(model=two, units={"BTC": u1, "WBTC": u2})
    summed = attrs.evolve(company, holdings=attrs.evolve(company.holdings[0], units=u1 + u2))
    kw: dict[str, Any] = {"years": 3, "paths": 1_100, "seed": 9}
    want = simulate(summed, model=GBM(asset_price=asset_price, drift=-0.1, volatility=0.8), **kw)
    got = simulate(company, model=basket, **kw)
    assert want.forced_sale.any()
    _assert_close(got, want)


# --- staking and the per-asset outputs ----------------------------------------------------


def _plain_company() -> Company:
    return Company(
        name="Two assets",
        as_of=dt.date(2026, 1, 1),
        holdings=Holdings(units=100.0),
        shares_basic=1e4,
        cash=1e6,
    )


def test_staking_growth_is_exact_in_a_zero_volatility_run() -> None:
    # 100 BTC at $60,000 and 1,000 ETH at $2,000 staked at 5% a year, for two years:
    # ETH units 1,000 x 1.05^2 = 1,102.5; reserve 6,000,000 + 1,102.5 x 2,000 = 8,205,000;
    # NAV per share (8,205,000 + 1,000,000 cash) / 10,000 shares = 920.5.
    model = _two(vols=(0.0, 0.0))
    basket = Basket(
        model=model, units={"BTC": 100.0, "ETH": 1_000.0}, staking_yields={"ETH": 0.05}
    )
    res = simulate(_plain_company(), model=basket, years=2, paths=3, seed=0, keep_paths=True)
    units = basket.asset_units(res.final_units, years=2.0)
    np.testing.assert_allclose(units[:, 0], 100.0, rtol=1e-12)
    np.testing.assert_allclose(units[:, 1], 1_102.5, rtol=1e-12)
    np.testing.assert_allclose(res.nav_per_share, 920.5, rtol=1e-12)
    np.testing.assert_allclose(res.final_price * res.final_units, 8_205_000.0, rtol=1e-12)


def test_asset_price_paths_are_the_paths_behind_the_basket() -> None:
    model = CorrelatedGBM(
        tickers=("BTC", "ETH", "SOL"),
        asset_prices=(60_000.0, 2_000.0, 150.0),
        drifts=(0.05, 0.0, -0.1),
        volatilities=(0.5, 0.7, 0.9),
        correlation=((1.0, 0.7, 0.5), (0.7, 1.0, 0.6), (0.5, 0.6, 1.0)),
    )
    units = {"BTC": 10.0, "ETH": 200.0, "SOL": 1_000.0}
    basket = Basket(model=model, units=units, staking_yields={"SOL": 0.07})
    kw: dict[str, Any] = {"seed": 4, "start": 1024, "size": 1500, "total": 3000, "steps": 26}
    each = asset_price_paths(basket, dt=1 / 52, **kw)
    assert each.shape == (1500, 27, 3)
    np.testing.assert_array_equal(each[:, 0, :], np.tile([60_000.0, 2_000.0, 150.0], (1500, 1)))
    t = np.arange(27) / 52
    growth = np.stack([np.ones(27), np.ones(27), 1.07**t], axis=1)
    value = (each * growth * np.array([10.0, 200.0, 1_000.0])).sum(axis=2) / 1_210.0
    np.testing.assert_allclose(value, price_paths(basket, dt=1 / 52, **kw), rtol=1e-12)


@given(
    scale=st.floats(min_value=1e-3, max_value=1e3),
    u=st.tuples(*[st.floats(min_value=0.0, max_value=1e6)] * 3).filter(lambda x: sum(x) > 1e-3),
)
def test_scaling_every_holding_leaves_the_basket_price_unchanged(
    scale: float, u: tuple[float, float, float]
) -> None:
    model = CorrelatedGBM(
        tickers=("A", "B", "C"),
        asset_prices=(3.0, 50.0, 700.0),
        drifts=(0.0, 0.1, 0.2),
        volatilities=(0.3, 0.6, 0.9),
        correlation=np.eye(3),
    )
    one = Basket(model=model, units=dict(zip("ABC", u, strict=True)))
    many = Basket(model=model, units={k: scale * x for k, x in zip("ABC", u, strict=True)})
    assert many.asset_price == pytest.approx(one.asset_price, rel=1e-12)
    a = one.log_returns(np.random.default_rng(1), paths=3, steps=5, dt=0.1)
    b = many.log_returns(np.random.default_rng(1), paths=3, steps=5, dt=0.1)
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def test_joint_bootstrap_basket_prices_are_the_weighted_asset_prices() -> None:
    rng = np.random.default_rng(12)
    returns = rng.multivariate_normal([0.0, 0.0], [[0.004, 0.003], [0.003, 0.006]], size=200)
    model = JointBootstrap(
        tickers=("BTC", "ETH"),
        asset_prices=(60_000.0, 2_000.0),
        returns=returns,
        block=4,
        periods_per_year=52,
    )
    basket = Basket(model=model, units={"BTC": 5.0, "ETH": 100.0}, staking_yields={"ETH": 0.04})
    kw: dict[str, Any] = {"seed": 2, "start": 0, "size": 1100, "total": 1100, "steps": 52}
    each = asset_price_paths(basket, dt=1 / 52, **kw)
    growth = np.stack([np.ones(53), 1.04 ** (np.arange(53) / 52)], axis=1)
    value = (each * growth * np.array([5.0, 100.0])).sum(axis=2) / 105.0
    np.testing.assert_allclose(value, price_paths(basket, dt=1 / 52, **kw), rtol=1e-12)
    # the bootstrapped log returns are pairs of one historical period
    logs = np.diff(np.log(each), axis=1).reshape(-1, 2)
    periods = {tuple(np.round(r, 9)) for r in returns}
    assert {tuple(np.round(r, 9)) for r in logs[:500]} <= periods


def test_a_basket_runs_bounded_and_traced() -> None:
    company = tm.datasets.load("mstr-2022q2")
    asset_price = _spot(company)
    basket = Basket.for_company(
        company,
        model=_two(asset_prices=(asset_price, 1_000.0), vols=(0.8, 1.0), rho=0.8),
        units={"BTC": company.holdings[0].units, "ETH": 50_000.0},
    )
    kw: dict[str, Any] = {"years": 2, "paths": 1_100, "seed": 3}
    full = simulate(company, model=basket, keep_paths=True, **kw)
    agg = simulate(company, model=basket, keep_paths=False, record_paths=2, **kw)
    assert agg.paths == 1_100
    assert agg.traces is not None
    assert agg.probability("default") == pytest.approx(float(full.default.mean()), abs=1e-12)
    assert full.default.any()


def test_the_engine_refuses_several_assets_outside_a_basket_and_converts_a_foreign_price() -> None:
    model = GBM(asset_price=100.0, volatility=0.5)
    two = Company(
        name="Two",
        as_of=dt.date(2026, 1, 1),
        shares_basic=1e3,
        holdings=[Holdings(asset="BTC", units=1.0), Holdings(asset="ETH", units=1.0)],
    )
    with pytest.raises(ValidationError, match=r"holds several assets.*Basket\.for_company") as a:
        simulate(two, model=model, years=1, paths=10, seed=0)
    assert a.value.field == "company"
    usd = Company(
        name="Yen",
        as_of=dt.date(2026, 1, 1),
        currency="JPY",
        shares_basic=1e3,
        holdings=Holdings(units=1.0, price_currency="USD"),
        market=Market(fx={"USD": 150.0}),
    )
    # an asset priced in US dollars is simulated in dollars and converted at Market.fx:
    # on a flat path the final price is 100 dollars x 150 yen a dollar
    flat = simulate(
        usd, model=GBM(asset_price=100.0, volatility=0.0), years=1, paths=10, seed=0,
        keep_paths=True,
    )  # fmt: skip
    assert flat.final_price.tolist() == [15_000.0] * 10


# --- pledges in basket units ----------------------------------------------------------------


def _pledging_company(asset: str, pledged: float) -> Company:
    # 1,000 BTC at $100,000 and 20,000 ETH at $3,000 (reserve $160M), a $20M term loan
    # secured by ``pledged`` units of ``asset`` with a 70% maximum loan-to-value
    return Company(
        name="Pledger",
        as_of=dt.date(2026, 1, 1),
        holdings=[Holdings(asset="BTC", units=1_000.0), Holdings(asset="ETH", units=20_000.0)],
        shares_basic=1e6,
        cash=5e6,
        instruments=[
            tm.TermLoan(
                name="loan",
                principal=20e6,
                rate=0.08,
                issued=dt.date(2025, 1, 1),
                maturity=dt.date(2028, 1, 1),
                pledged_units=pledged,
                collateral_asset=asset,
                max_ltv=0.7,
            )
        ],
    )


@pytest.mark.parametrize(
    ("asset", "pledged", "want"),
    [
        # 15,000 ETH x $3,000 = $45M; a basket unit is worth $160M / 21,000 units, so
        # 45M x 21,000 / 160M = 5,906.25 basket units
        ("ETH", 15_000.0, 5_906.25),
        # 200 BTC x $100,000 = $20M -> 20M x 21,000 / 160M = 2,625 basket units
        ("BTC", 200.0, 2_625.0),
    ],
)
def test_a_pledge_is_restated_in_basket_units_by_its_value(
    asset: str, pledged: float, want: float
) -> None:
    company = _pledging_company(asset, pledged)
    basket = Basket.for_company(company, model=_two(asset_prices=(100_000.0, 3_000.0)))
    merged = basket_company(company, basket)
    loan = merged.instrument("loan")
    assert isinstance(loan, tm.TermLoan)
    assert loan.collateral_asset is None
    assert loan.pledged_units == pytest.approx(want, rel=1e-14)
    assert merged.holdings[0].units == 21_000.0
    # the collateral is worth what it was on the as-of date
    assert loan.pledged_units * basket.asset_price == pytest.approx(pledged * (
        100_000.0 if asset == "BTC" else 3_000.0), rel=1e-14)  # fmt: skip


def _restated_loan(company: Company) -> tm.TermLoan:
    # the pledge of 15,000 ETH in basket units, by hand: $45M x 21,000 / $160M
    loan = company.instrument("loan")
    assert isinstance(loan, tm.TermLoan)
    return attrs.evolve(loan, pledged_units=5_906.25, collateral_asset=None)


def test_a_loan_on_the_second_asset_runs_as_the_one_asset_company_of_equal_value() -> None:
    # Both assets fall at the same deterministic rate, so the basket price is
    # B(t) = B(0) exp(-0.6 t) with B(0) = $160M / 21,000: the same run as one asset of
    # 21,000 units at B(0) with 5,906.25 units pledged (15,000 ETH at $3,000 = $45M).
    company = _pledging_company("ETH", 15_000.0)
    model = _two(asset_prices=(100_000.0, 3_000.0), vols=(0.0, 0.0), drifts=(-0.6, -0.6))
    basket = Basket.for_company(company, model=model)
    b0 = 160e6 / 21_000.0
    one = attrs.evolve(
        company,
        holdings=Holdings(asset="BTC", units=21_000.0),
        instruments=[_restated_loan(company)],
    )
    kw: dict[str, Any] = {"years": 2, "paths": 4, "seed": 3, "keep_paths": True}
    want = simulate(one, model=GBM(asset_price=b0, drift=-0.6, volatility=0.0), **kw)
    got = simulate(company, model=basket, **kw)
    assert want.forced_sale.all()  # the price falls by 70% over two years: coins are sold
    _assert_close(got, want)


def test_a_basket_without_the_pledged_asset_is_refused_by_name() -> None:
    company = _pledging_company("ETH", 15_000.0)  # a basket built by hand, without ETH
    one = CorrelatedGBM(
        tickers=("BTC", "SOL"),
        asset_prices=(100_000.0, 150.0),
        drifts=(0.0, 0.0),
        volatilities=(0.5, 0.9),
        correlation=((1.0, 0.5), (0.5, 1.0)),
    )
    with pytest.raises(ValidationError, match="must include ETH, the collateral of 'loan'") as e:
        basket_company(company, Basket(model=one, units={"BTC": 1_000.0, "SOL": 10.0}))
    assert e.value.field == "model.tickers"


def test_simulated_credit_takes_a_basket_as_simulate_does() -> None:
    # the same equal-value one-asset company as above: the same impairments and losses
    from treasurymodel.credit import simulated_credit

    company = _pledging_company("ETH", 15_000.0)
    model = _two(asset_prices=(100_000.0, 3_000.0), vols=(0.3, 0.3), rho=1.0, drifts=(-1.0, -1.0))
    one = attrs.evolve(
        company,
        holdings=Holdings(asset="BTC", units=21_000.0),
        instruments=[_restated_loan(company)],
    )
    kw: dict[str, Any] = {"years": 3, "paths": 200, "seed": 11}
    got = simulated_credit(company, model=Basket.for_company(company, model=model), **kw)
    want = simulated_credit(
        one, model=GBM(asset_price=160e6 / 21_000.0, drift=-1.0, volatility=0.3), **kw
    )
    assert want.result.forced_sale.any()  # a fall that forces sales on some paths
    for name in ("forced_sale", "first_forced_sale", "default_time", "units_sold"):
        np.testing.assert_allclose(getattr(got.result, name), getattr(want.result, name))
    for name in ("impairment", "expected_loss", "impaired_step", "recovery"):
        np.testing.assert_allclose(getattr(got, name), getattr(want, name), rtol=1e-9, atol=1e-9)
