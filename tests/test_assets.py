"""Several reserve assets and the reporting currency: Company.holdings as a list, price
mappings, FX as a market input, break prices of one asset or of a common shock, files."""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import asset_prices, companies
from treasurymodel import (
    Company,
    Holdings,
    Market,
    Note,
    PreferredStock,
    TermLoan,
    ValidationError,
    buy_asset,
    coverage_break_price,
    dumps,
    joint_margin_call_price,
    loads,
    margin_call_price,
    maturity_wall,
    metrics,
    nav_sensitivity,
)
from treasurymodel.assets import reserve_value
from treasurymodel.credit import btc_ratings
from treasurymodel.kpi import share_price_for_mnav

AS_OF = dt.date(2026, 1, 1)
M = 1e6

_FIELDS = [
    f.name
    for f in attrs.fields(
        type(
            metrics(
                Company(name="x", as_of=AS_OF, holdings=Holdings(units=1), shares_basic=1),
                asset_price=1.0,
            )
        )
    )
]


def _two(units_btc: float = 1_000.0, units_eth: float = 20_000.0, **changes: Any) -> Company:
    """A BTC + ETH company: 300M of 5% notes due 2028, 10M cash, 1M shares."""
    base: dict[str, Any] = {
        "name": "Two",
        "as_of": AS_OF,
        "shares_basic": 1e6,
        "cash": 10 * M,
        "holdings": [
            Holdings(asset="BTC", units=units_btc, cost_basis=50 * M),
            Holdings(asset="ETH", units=units_eth, cost_basis=40 * M),
        ],
        "instruments": [
            Note(
                name="n",
                principal=300 * M,
                coupon=0.05,
                frequency=1,
                issued=dt.date(2024, 1, 1),
                maturity=dt.date(2028, 1, 1),
            ),
        ],
        "market": Market(asset_price=100_000.0, asset_prices={"ETH": 3_000.0}),
    }
    base.update(changes)
    return Company(**base)


def _same(a: Any, b: Any) -> None:
    for name in _FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        if x is None or y is None:
            assert x is y, name
        else:
            np.testing.assert_array_equal(x, y, err_msg=name)


# --- the company -------------------------------------------------------------------------


def test_one_holdings_is_a_one_tuple_and_the_first_listed_is_primary() -> None:
    co = _two()
    assert co.assets == ("BTC", "ETH")
    assert co.holding().asset == "BTC"
    assert co.holding("ETH").units == 20_000.0
    one = Company(name="x", as_of=AS_OF, holdings=Holdings(units=5), shares_basic=1)
    assert one.holdings == (Holdings(units=5),)


@pytest.mark.parametrize(
    ("holdings", "field"),
    [
        ([], "Company.holdings"),
        ([Holdings(units=1), Holdings(units=2)], "Company.holdings[1].asset"),
        ([Holdings(units=1), "ETH"], "Company.holdings[1]"),
    ],
)
def test_bad_holdings_are_refused(holdings: Any, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        Company(name="x", as_of=AS_OF, holdings=holdings, shares_basic=1)
    assert info.value.field == field


def test_staking_yield_is_a_fraction_of_the_units() -> None:
    assert Holdings(units=1, staking_yield=0.03).staking_yield == 0.03
    for bad in (-0.01, 1.5, math.nan):
        with pytest.raises(ValidationError, match="staking_yield"):
            Holdings(units=1, staking_yield=bad)


def _loan(pledged: float, asset: str | None) -> TermLoan:
    return TermLoan(
        name="L",
        principal=30 * M,
        max_ltv=0.5,
        pledged_units=pledged,
        collateral_asset=asset,
        issued=dt.date(2025, 1, 1),
        maturity=dt.date(2028, 1, 1),
    )


def test_pledges_are_checked_per_asset() -> None:
    # 15,000 ETH pledged fits the 20,000 ETH held, though it exceeds the 1,000 BTC.
    co = _two(instruments=[_loan(15_000.0, "ETH")])
    assert co.unencumbered("ETH") == 5_000.0
    assert co.unencumbered_units == 1_000.0  # the primary asset: nothing pledged
    with pytest.raises(ValidationError, match="ETH units held"):
        _two(instruments=[_loan(25_000.0, "ETH")])
    with pytest.raises(ValidationError) as info:
        _two(instruments=[_loan(1.0, "SOL")])
    assert info.value.field == "L.collateral_asset"


def test_margin_call_of_a_loan_pledged_in_another_asset() -> None:
    # Need 30M / 0.5 = 60M of collateral over 15,000 pledged + 5,000 free ETH: ETH at 3,000.
    co = _two(instruments=[_loan(15_000.0, "ETH")])
    assert margin_call_price(co, "L") == pytest.approx(3_000.0, rel=1e-15)
    assert joint_margin_call_price(co) == pytest.approx(3_000.0, rel=1e-15)


def test_events_buy_and_sell_the_primary_asset_and_keep_the_others() -> None:
    co = _two(cash=20 * M)
    after = buy_asset(co, 100, asset_price=100_000.0)
    assert after.holdings[0].units == 1_100.0
    assert after.holdings[1] == co.holdings[1]


# --- prices ------------------------------------------------------------------------------


def test_nav_and_mnav_of_two_assets_by_hand() -> None:
    # Reserve 1,000 x 100,000 + 20,000 x 3,000 = 160M; NAV 160 + 10 − 300 = −130M;
    # EV at $200: 200 + 300 − 10 = 490M; mNAV 490 / 160 = 3.0625.
    m = metrics(_two(), asset_price={"BTC": 100_000.0, "ETH": 3_000.0}, share_price=200.0)
    assert m.asset_reserve == 160 * M
    assert m.nav == -130 * M
    assert m.mnav == 3.0625
    assert m.unrealized_gain == 70 * M  # 160M − (50M + 40M)
    # The primary's price alone: ETH from the market (3,000), the same figures.
    assert metrics(_two(), asset_price=100_000.0, share_price=200.0).mnav == 3.0625


def test_prices_arrays_broadcast_across_assets() -> None:
    prices = {"BTC": np.array([[50_000.0], [100_000.0]]), "ETH": np.array([1_000.0, 3_000.0])}
    m = metrics(_two(), asset_price=prices)
    assert np.shape(m.nav) == (2, 2)
    expected = [
        [1_000 * b + 20_000 * e + 10 * M - 300 * M for e in (1_000.0, 3_000.0)]
        for b in (50_000.0, 100_000.0)
    ]
    np.testing.assert_array_equal(m.nav, expected)


def test_the_primary_price_given_twice_must_agree() -> None:
    ok = _two(market=Market(asset_price=1e5, asset_prices={"BTC": 1e5, "ETH": 3e3}))
    assert ok.market is not None
    assert ok.market.price_of("BTC", primary=True) == 1e5
    with pytest.raises(ValidationError) as info:
        _two(market=Market(asset_price=1e5, asset_prices={"BTC": 2e5, "ETH": 3e3}))
    assert info.value.field == "Market.asset_prices.BTC"


def test_missing_and_unknown_prices_are_refused() -> None:
    bare = _two(market=None)
    with pytest.raises(ValidationError, match="gives no ETH price"):
        metrics(bare, asset_price=100_000.0)
    with pytest.raises(ValidationError, match="does not hold"):
        metrics(_two(), asset_price={"SOL": 150.0})
    with pytest.raises(ValidationError) as info:
        metrics(_two(), asset_price={"BTC": 1.0, "ETH": -1.0})
    assert info.value.field == "asset_price.ETH"
    with pytest.raises(ValidationError, match="do not broadcast"):
        metrics(_two(), asset_price={"BTC": [1.0, 2.0], "ETH": [1.0, 2.0, 3.0]})


@given(co=companies(max_instruments=4), price=asset_prices(), other=st.floats(1.0, 1e5))
def test_an_asset_at_zero_units_changes_nothing(co: Company, price: float, other: float) -> None:
    two = attrs.evolve(co, holdings=[co.holdings[0], Holdings(asset="XYZ", units=0.0)])
    prices = {co.assets[0]: price, "XYZ": other}
    _same(
        metrics(two, asset_price=prices, share_price=50.0),
        metrics(co, asset_price=price, share_price=50.0),
    )
    assert btc_ratings(two, asset_price=prices) == btc_ratings(co, asset_price=price)
    assert share_price_for_mnav(two, mnav=1.5, asset_price=prices) == share_price_for_mnav(
        co, mnav=1.5, asset_price=price
    )
    reference = {co.assets[0]: 1.0, "XYZ": other}
    assert maturity_wall(two, asset_price=reference).rows == maturity_wall(co).rows
    assert coverage_break_price(two, years=1, asset_price=reference) == coverage_break_price(
        co, years=1
    )


@given(
    units=st.lists(st.floats(0.0, 1e5), min_size=2, max_size=2),
    prices=st.lists(st.floats(1.0, 1e5), min_size=2, max_size=2),
    k=st.floats(0.0, 10.0),
    i=st.sampled_from([0, 1]),
)
def test_nav_is_linear_in_each_units_and_monotone_in_each_price(
    units: list[float], prices: list[float], k: float, i: int
) -> None:
    co = _two(*units)
    asset = co.assets[i]
    p = dict(zip(co.assets, prices, strict=True))
    base = float(metrics(co, asset_price=p).nav)
    scaled = _two(*[u * k if j == i else u for j, u in enumerate(units)])
    # NAV(k u_i) − NAV(u) = (k − 1) u_i p_i.
    assert float(metrics(scaled, asset_price=p).nav) - base == pytest.approx(
        (k - 1.0) * units[i] * prices[i], rel=1e-9, abs=1e-6 * (abs(base) + 3e8)
    )
    higher = {**p, asset: p[asset] * 1.5}
    assert metrics(co, asset_price=higher).nav >= base


# --- break prices ------------------------------------------------------------------------


def test_break_price_of_one_asset_with_the_others_fixed_by_hand() -> None:
    co = _two()
    # Everything due (300M) less 60M of ETH at 3,000, over 1,000 BTC: BTC at 240,000.
    assert maturity_wall(co).rows[-1].breakeven_price == 240_000.0
    # Less 100M of BTC at 100,000, over 20,000 ETH: ETH at 10,000.
    assert maturity_wall(co, asset="ETH").rows[-1].breakeven_price == 10_000.0
    # At BTC 50,000 the ETH must cover 250M: 12,500.
    wall = maturity_wall(co, asset="ETH", asset_price={"BTC": 50_000.0})
    assert wall.rows[-1].breakeven_price == 12_500.0


def test_common_shock_equals_one_asset_holding_the_sum_of_their_values() -> None:
    co = _two(instruments=[*_two().instruments, _loan(10_000.0, "ETH")])
    prices = {"BTC": 100_000.0, "ETH": 3_000.0}
    total = 1_000 * 100_000.0 + 20_000 * 3_000.0
    # One asset worth 1 per unit, 160M units, 30M of value (10,000 ETH) pledged to the loan.
    one = Company(
        name="One",
        as_of=AS_OF,
        shares_basic=1e6,
        cash=10 * M,
        holdings=Holdings(asset="V", units=total),
        instruments=[*_two().instruments, attrs.evolve(_loan(10_000.0 * 3_000.0, None))],
    )
    for years in (1, 2, 3):
        assert coverage_break_price(
            co, years=years, shock=True, asset_price=prices
        ) == pytest.approx(coverage_break_price(one, years=years), rel=1e-15)
    shocked = maturity_wall(co, shock=True, asset_price=prices)
    assert [r.breakeven_price for r in shocked] == pytest.approx(
        [r.breakeven_price for r in maturity_wall(one)], rel=1e-15
    )
    # By hand: 330M due (300M + the 30M loan) over 160M: a scale of 2.0625.
    assert shocked.rows[-1].breakeven_price == pytest.approx(330 / 160, rel=1e-15)
    # NAV under the shock s equals the one asset's NAV at price s.
    for s in (0.3, 1.0, 2.5):
        a = metrics(co, asset_price={k: v * s for k, v in prices.items()}).nav
        assert a == pytest.approx(metrics(one, asset_price=s).nav, rel=1e-12, abs=1e-3)


def test_the_others_fixed_refuses_what_it_cannot_value() -> None:
    co = _two(instruments=[_loan(10_000.0, "ETH")])
    with pytest.raises(ValidationError, match="use shock=True"):
        maturity_wall(co, asset="BTC")
    with pytest.raises(ValidationError, match="not be given with shock"):
        maturity_wall(co, asset="ETH", shock=True)
    with pytest.raises(ValidationError) as info:
        maturity_wall(co, asset="SOL")
    assert info.value.field == "asset"


@pytest.mark.parametrize("bad", ["90000", -1.0, {"ETH": 1.0}, [1.0, math.nan]])
def test_a_bad_reference_price_is_refused_even_where_it_is_not_needed(bad: Any) -> None:
    one = Company(name="x", as_of=AS_OF, holdings=Holdings(units=1), shares_basic=1)
    with pytest.raises(ValidationError) as info:
        maturity_wall(one, asset_price=bad)
    assert info.value.field.startswith("asset_price")


def test_nav_sensitivity_counts_the_other_assets_at_their_market_price() -> None:
    co = _two()
    s = nav_sensitivity(co, asset_prices=[100_000.0], share_price=200.0)
    assert s.nav.tolist() == [-130 * M]
    assert s.mnav is not None
    assert s.mnav.tolist() == [3.0625]


# --- the reporting currency ----------------------------------------------------------------


def _yen(rate: float = 150.0, **changes: Any) -> Company:
    """Illustrative JPY company: 1,000 BTC priced in USD, 100M USD of notes, 5bn JPY cash."""
    base: dict[str, Any] = {
        "name": "Yen",
        "as_of": AS_OF,
        "currency": "JPY",
        "shares_basic": 1e6,
        "cash": 5e9,
        "holdings": Holdings(units=1_000, price_currency="USD"),
        "instruments": [
            Note(
                name="usd",
                principal=100 * M,
                coupon=0.04,
                frequency=1,
                currency="USD",
                issued=dt.date(2025, 1, 1),
                maturity=dt.date(2030, 1, 1),
            )
        ],
        "market": Market(fx={"USD": rate}),
    }
    base.update(changes)
    return Company(**base)


def test_a_yen_company_by_hand() -> None:
    # Reserve 1,000 x 100,000 USD x 150 = 15bn JPY; debt 100M x 150 = 15bn JPY;
    # NAV 15bn + 5bn − 15bn = 5bn JPY; 5,000 JPY a share.
    m = metrics(_yen(), asset_price=100_000.0)
    assert (m.asset_reserve, m.debt, m.nav, m.nav_per_share) == (15e9, 15e9, 5e9, 5_000.0)
    assert m.annual_obligations == 4 * M * 150.0
    # The break price is in USD (the price currency). Due in (2026-01-01, 2031-01-01]: the
    # coupons of 2027 to 2030 (4 x 4M USD; the 2026 one falls on the as-of date) and the
    # principal: (15bn + 2.4bn − 5bn cash) JPY / 150 / 1,000 BTC.
    assert coverage_break_price(_yen(), years=5) == pytest.approx(
        (15e9 + 4 * 0.6e9 - 5e9) / 150.0 / 1_000, rel=1e-12
    )


def test_fx_at_one_equals_a_usd_company() -> None:
    usd = _yen(
        1.0,
        currency="USD",
        holdings=Holdings(units=1_000),
        market=None,
        instruments=[attrs.evolve(_yen().instruments[0], currency=None)],
    )
    jpy = _yen(1.0)
    prices = np.array([20_000.0, 68_000.0, 150_000.0])
    _same(
        metrics(jpy, asset_price=prices, share_price=90.0),
        metrics(usd, asset_price=prices, share_price=90.0),
    )
    _same(
        metrics(_yen(150.0), asset_price=prices, fx={"USD": 1.0}), metrics(usd, asset_price=prices)
    )
    assert [r.breakeven_price for r in maturity_wall(jpy)] == [
        r.breakeven_price for r in maturity_wall(usd)
    ]


def test_fx_arrays_broadcast_with_prices() -> None:
    co = _yen()
    rates = np.array([140.0, 150.0, 160.0])
    prices = np.array([[60_000.0], [100_000.0]])
    m = metrics(co, asset_price=prices, fx={"USD": rates})
    assert np.shape(m.nav) == (2, 3)
    for i, p in enumerate(prices[:, 0]):
        for j, r in enumerate(rates):
            one = metrics(co, asset_price=float(p), fx={"USD": float(r)})
            assert m.nav[i, j] == one.nav
            assert m.debt[i, j] == one.debt == 100 * M * r
    assert np.asarray(reserve_value(co, 100_000.0, fx={"USD": rates})).tolist() == [
        1_000 * 100_000.0 * r for r in rates
    ]


def test_fx_inputs_are_validated() -> None:
    with pytest.raises(ValidationError, match="has no fx rate"):
        _yen(market=None)
    with pytest.raises(ValidationError) as info:
        metrics(_yen(), asset_price=1.0, fx={"USD": -1.0})
    assert info.value.field == "fx.USD"
    with pytest.raises(ValidationError, match="reporting currency"):
        metrics(_yen(), asset_price=1.0, fx={"JPY": 2.0})
    with pytest.raises(ValidationError, match="three-letter"):
        metrics(_yen(), asset_price=1.0, fx={"usd": 1.0})


# --- files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("syntax", ["toml", "json"])
def test_several_assets_round_trip(syntax: Any) -> None:
    co = _two(
        holdings=[
            Holdings(asset="BTC", units=1_000, cost_basis=5e7),
            Holdings(asset="ETH", units=20_000, staking_yield=0.03, price_currency="EUR"),
        ],
        instruments=[
            _loan(15_000.0, "ETH"),
            PreferredStock(name="P", notional=1e7, rate=0.1, currency="EUR"),
        ],
        market=Market(asset_price=1e5, asset_prices={"ETH": 3e3}, fx={"EUR": 1.17}),
    )
    text = dumps(co, format=syntax)
    assert loads(text, format=syntax) == co
    if syntax == "toml":
        doc = tomllib.loads(text)
        assert doc["format"] == "treasurymodel/2"
        assert [h["asset"] for h in doc["holdings"]] == ["BTC", "ETH"]
        assert doc["market"]["fx"] == {"EUR": 1.17}


def test_a_version_1_file_keeps_its_meaning() -> None:
    text = """format = "treasurymodel/1"
[company]
name = "Old"
as_of = 2026-01-01
shares_basic = 1_000_000
fx = { EUR = 1.2 }
[holdings]
units = 10
[[instruments]]
kind = "preferred_stock"
name = "P"
notional = 1_000_000
rate = 0.1
currency = "EUR"
"""
    co = loads(text)
    assert co.fx == (("EUR", 1.2),)
    assert co.total_preferred == 1.2 * M
    assert loads(dumps(co)) == co
    with pytest.raises(ValidationError, match="given twice"):
        loads(text.replace("[holdings]", "[market]\nfx = { EUR = 1.1 }\n[holdings]"))


def test_file_rules_for_several_assets() -> None:
    text = """format = "treasurymodel/2"
[company]
name = "Two"
as_of = 2026-01-01
shares_basic = 1_000_000
[[holdings]]
asset = "BTC"
units = 10
[[holdings]]
asset = "ETH"
units = 100
[[instruments]]
kind = "term_loan"
name = "L"
principal = 1_000
issued = 2025-01-01
maturity = 2028-01-01
pledged_units = 50
collateral_asset = "ETH"
"""
    assert loads(text).unencumbered("ETH") == 50.0
    with pytest.raises(ValidationError) as info:
        loads(text.replace("pledged_units = 50", "pledged_units = 150"))
    assert info.value.field == "instruments[0].pledged_units"
    assert "holdings[1].units" in str(info.value)
    with pytest.raises(ValidationError) as info:
        loads(text.replace('asset = "ETH"', 'asset = "BTC"'))
    assert info.value.field == "holdings[1].asset"
    with pytest.raises(ValidationError) as info:
        loads(text.replace('collateral_asset = "ETH"', 'collateral_asset = "SOL"'))
    assert info.value.field == "instruments[0].collateral_asset"


def test_the_report_lists_every_asset_held(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from treasurymodel import dump
    from treasurymodel.cli import main

    path = tmp_path / "two.toml"
    dump(_two(), path)
    assert main(["report", str(path)]) == 0
    out = capsys.readouterr().out
    assert "BTC held 1,000 (0 pledged); ETH held 20,000; cash 10.0M" in out
    # Reserve at the market prices: 1,000 x 100,000 + 20,000 x 3,000 = 160M.
    assert "160.0" in out.split("Reserve, every asset")[1].splitlines()[0]


def test_margin_call_of_a_yen_company_is_in_the_currency_the_asset_is_quoted_in() -> None:
    # $10M owed at a 50% LTV on 400 pledged + 600 free coins: the loan needs $20M of collateral
    # over 1,000 coins, $20,000 a coin, whatever the yen rate (the need is 10M x 150 yen /
    # (0.5 x 1,000 coins x 150 yen per dollar)).
    for rate in (150.0, 100.0):
        co = Company(
            name="Y",
            as_of=AS_OF,
            currency="JPY",
            shares_basic=1e6,
            holdings=Holdings(units=1_000, price_currency="USD"),
            instruments=[
                TermLoan(
                    name="L",
                    principal=10e6,
                    currency="USD",
                    max_ltv=0.5,
                    pledged_units=400,
                    issued=dt.date(2025, 1, 1),
                    maturity=dt.date(2027, 1, 1),
                )
            ],
            market=Market(asset_price=50_000.0, share_price=1_000.0, fx={"USD": rate}),
        )
        assert margin_call_price(co, "L") == pytest.approx(20_000.0, rel=1e-15)
        assert joint_margin_call_price(co) == pytest.approx(20_000.0, rel=1e-15)


# --- compare: a company holding several assets, on a common shock ---------------------------

_ROW_NUMBERS = (
    "units",
    "asset_price",
    "asset_reserve",
    "debt",
    "nav",
    "nav_per_share",
    "mnav",
    "junior_rating",
    "common_rating",
    "wall_price",
    "wall_drop",
    "wall_price_all",
    "wall_drop_all",
    "coverage_price",
    "coverage_drop",
)


def _row_close(
    a: Any, b: Any, rel: float, names: tuple[str, ...] = _ROW_NUMBERS, tiny: float = 1e-9
) -> None:
    for name in names:
        x, y = getattr(a, name), getattr(b, name)
        assert (x is None) == (y is None), name
        if x is not None:
            assert x == pytest.approx(y, rel=rel, abs=tiny), name


def test_compare_two_assets_with_one_at_zero_units_is_the_one_asset_row() -> None:
    from treasurymodel import compare

    two = _two(units_eth=0.0, market=Market(asset_price=100_000.0, share_price=150.0,
                                            asset_prices={"ETH": 3_000.0}))  # fmt: skip
    one = attrs.evolve(two, holdings=[two.holdings[0]], name="One")
    got, want = compare([two, one])
    _row_close(got, want, rel=1e-12)
    np.testing.assert_allclose(
        compare([two]).shock_nav_per_share, compare([one]).shock_nav_per_share, rtol=1e-12
    )


def test_compare_several_assets_falls_are_common_shocks() -> None:
    from treasurymodel import compare

    # 1,000 BTC at 100,000 and 20,000 ETH at 3,000 are worth 160M; one asset worth the same at
    # the same price is 1,600 BTC, and every common fall of the two prices is a fall of it.
    share = Market(asset_price=100_000.0, share_price=150.0, asset_prices={"ETH": 3_000.0})
    two = _two(market=share)
    one = attrs.evolve(two, holdings=[Holdings(asset="BTC", units=1_600.0)], name="One")
    got, want = compare([two, one])
    # the reserve, NAV and the break prices and falls (the units differ by construction)
    same = tuple(n for n in _ROW_NUMBERS if n not in ("units", "asset_price", "debt",
                                                      "common_rating"))  # fmt: skip
    _row_close(got, want, rel=1e-12, names=same, tiny=1e-12)  # approx's own absolute floor
    # by hand: the 300M of notes due 2028 over 160M of reserve at today's prices: a wall at
    # 300 / 160 of today's prices, a primary price of 187,500 (a fall of -87.5%)
    assert got.wall_price_all == pytest.approx(187_500.0, rel=1e-12)
    assert got.units == 1_000.0
    shocks = compare([two, one], shocks=[-0.5, 0.0, 1.0])
    np.testing.assert_allclose(
        shocks.shock_nav_per_share[0], shocks.shock_nav_per_share[1], rtol=1e-12
    )


def test_compare_margin_call_of_a_loan_on_the_other_asset_is_a_common_shock() -> None:
    from treasurymodel import compare

    # $30M at a 50% LTV on ETH needs $60M of ETH: 20,000 ETH (15,000 pledged + 5,000 free)
    # at $3,000 each is worth exactly that, so the call is at ETH $3,000, no fall; ETH at
    # $6,000 makes it a 50% fall, the primary's $100,000 falling to $50,000 with it.
    co = _two(instruments=[_loan(15_000.0, "ETH")])
    (row,) = compare([co], asset_prices={"BTC": 100_000.0, "ETH": 6_000.0})
    assert row.margin_call_price == pytest.approx(50_000.0, rel=1e-12)
    assert row.margin_call_drop == pytest.approx(0.5, rel=1e-12)
