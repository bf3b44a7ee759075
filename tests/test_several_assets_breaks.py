"""The springing trigger price, the credit barriers (BTC Risk, BTC Credit, credit_table) and
plot.nav_chart for a company holding several assets or one priced in another currency.

Every expected figure is worked by hand in the comment beside it. The company of most tests:
a convertible of $100M due 2027-12-15 and a secured note pledging 200 BTC whose maturity
springs on 2027-09-15 unless liquidity is at least 1.3 x the convertible (so at least $130M);
$10M of cash, 1M shares.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treasurymodel import (
    Company,
    ConvertibleNote,
    Holdings,
    Market,
    Note,
    PreferredStock,
    SecuredNote,
    TermLoan,
    ValidationError,
    credit_table,
    maturity_wall,
    springing_trigger_price,
)
from treasurymodel.credit import (
    btc_credit_spread,
    btc_risk,
    btc_risks,
    credit_surplus,
    market_spread,
)
from treasurymodel.instruments import SpringingMaturity

AS_OF = dt.date(2026, 1, 1)
M = 1e6


def _cvt(currency: str | None = None) -> ConvertibleNote:
    return ConvertibleNote(
        name="cvt",
        principal=100 * M,
        issued=dt.date(2024, 1, 1),
        maturity=dt.date(2027, 12, 15),
        conversion_price=50.0,
        currency=currency,
    )


def _sec(currency: str | None = None, pledged_on: str | None = None) -> SecuredNote:
    return SecuredNote(
        name="sec",
        principal=50 * M,
        issued=dt.date(2024, 1, 1),
        maturity=dt.date(2029, 1, 1),
        pledged_units=200,
        collateral_asset=pledged_on,
        currency=currency,
        springing=[
            SpringingMaturity(date=dt.date(2027, 9, 15), reference="cvt", liquidity_multiple=1.3)
        ],
    )


def _two(btc: float = 1_000.0, eth: float = 20_000.0, **changes: Any) -> Company:
    """BTC (priced at 100,000) and ETH (at 3,000), the springing secured note on BTC."""
    base: dict[str, Any] = {
        "name": "Two",
        "as_of": AS_OF,
        "shares_basic": 1e6,
        "cash": 10 * M,
        "holdings": [Holdings(asset="BTC", units=btc), Holdings(asset="ETH", units=eth)],
        "instruments": [_cvt(), _sec()],
        "market": Market(asset_price=100_000.0, asset_prices={"ETH": 3_000.0}),
    }
    base.update(changes)
    return Company(**base)


def _one(btc: float, **changes: Any) -> Company:
    """The same balance sheet holding BTC alone."""
    base: dict[str, Any] = {
        "name": "One",
        "as_of": AS_OF,
        "shares_basic": 1e6,
        "cash": 10 * M,
        "holdings": Holdings(asset="BTC", units=btc),
        "instruments": [_cvt(), _sec()],
        "market": Market(asset_price=100_000.0),
    }
    base.update(changes)
    return Company(**base)


def _trigger(co: Company, **kwargs: Any) -> float:
    """The one clause's trigger; 0 where the test cannot fail (the others cover it)."""
    (price,) = springing_trigger_price(co, "sec", **kwargs).trigger_price
    return 0.0 if price is None else price


# --- springing trigger price ------------------------------------------------------------------


def test_springing_second_asset_at_zero_units_is_the_one_asset_trigger() -> None:
    # (1.3 x 100M - 10M) / (1,000 - 200 pledged) BTC = 150,000.
    assert _trigger(_one(1_000.0)) == 150_000.0
    zero = _two(eth=0.0)
    assert _trigger(zero) == pytest.approx(150_000.0, rel=1e-12)
    # As a common scale of today's 100,000: 1.5.
    assert _trigger(zero, shock=True) * 100_000.0 == pytest.approx(150_000.0, rel=1e-12)


def test_springing_common_shock_is_one_asset_holding_the_sum_of_their_values() -> None:
    # 1,000 BTC x 100,000 + 20,000 ETH x 3,000 = 160M = 1,600 BTC at 100,000; 200 BTC pledged.
    # Liquidity needed beyond the cash: 120M, over 160M - 20M unencumbered: a scale of 6 / 7.
    shocked = _trigger(_two(), shock=True)
    assert shocked == pytest.approx(120 / 140, rel=1e-15)
    # One asset: 120M over 1,400 free BTC = 85,714.28...
    assert _trigger(_one(1_600.0)) == pytest.approx(120 * M / 1_400, rel=1e-15)
    assert shocked * 100_000.0 == pytest.approx(_trigger(_one(1_600.0)), rel=1e-12)


def test_springing_one_asset_with_the_others_fixed_by_hand() -> None:
    co = _two()
    # BTC: 120M - 60M of ETH, over 800 free BTC = 75,000.
    assert _trigger(co) == 75_000.0
    # ETH with BTC fixed at 100,000: its 800 free BTC (80M) count, not the 200 pledged:
    # (120M - 80M) / 20,000 ETH = 2,000.
    assert _trigger(co, asset="ETH") == 2_000.0
    # BTC at 50,000: (120M - 40M) / 20,000 = 4,000.
    assert _trigger(co, asset="ETH", asset_price={"BTC": 50_000.0}) == 4_000.0
    # ETH at 1,000 (a plain number is the primary's; a mapping names it): (120M - 20M) / 800.
    assert _trigger(co, asset_price={"ETH": 1_000.0}) == 125_000.0


def _yen(rate: float = 150.0, **changes: Any) -> Company:
    """The one-asset company in JPY: 1,200 BTC priced in USD, the notes in USD, 1.5bn JPY of
    cash (10M USD at 150)."""
    base: dict[str, Any] = {
        "name": "Yen",
        "as_of": AS_OF,
        "currency": "JPY",
        "shares_basic": 1e6,
        "cash": 10 * M * 150.0,
        "holdings": Holdings(units=1_200, price_currency="USD"),
        "instruments": [_cvt("USD"), _sec("USD")],
        "market": Market(asset_price=100_000.0, fx={"USD": rate}),
    }
    base.update(changes)
    return Company(**base)


def test_springing_for_a_yen_company_is_the_usd_trigger_in_usd() -> None:
    # (1.3 x 100M x 150 - 1.5bn) JPY / (1,000 free BTC x 150) = 120,000 USD, as the USD company
    # (1.3 x 100M - 10M) / 1,000. Pledged units count in BTC, not in BTC x 150.
    usd = _one(1_200.0)
    assert _trigger(usd) == 120_000.0
    assert _trigger(_yen()) == pytest.approx(120_000.0, rel=1e-12)
    # At 100 JPY per USD: (1.3 x 100M x 100 - 1.5bn) / (1,000 x 100) = 115,000.
    assert _trigger(_yen(), fx={"USD": 100.0}) == pytest.approx(115_000.0, rel=1e-12)
    # A common shock of the one asset is its price over today's.
    assert _trigger(_yen(), shock=True) == pytest.approx(1.2, rel=1e-12)


def test_springing_test_in_the_wall_with_the_other_assets_fixed_by_hand() -> None:
    # BTC with 60M of ETH fixed; the note springs on 2027-09-15 below 75,000 (as above).
    # 2027-09-15: 50M if sprung, covered by the ETH: 0. 2027-12-15: 150M if sprung (below
    # 75,000), (150M - 60M) / 1,000 = 90,000 > 75,000 so uncovered up to 75,000; else 100M,
    # (100M - 60M) / 1,000 = 40,000 < 75,000, covered: 75,000. 2029: 150M either way, 90,000.
    rows = maturity_wall(_two(), springing="test", by="date").rows
    assert [str(r.end) for r in rows] == ["2027-09-15", "2027-12-15", "2029-01-01"]
    assert [r.breakeven_price for r in rows] == [0.0, 75_000.0, 90_000.0]
    # ETH with BTC fixed, the note secured by 4,000 ETH: the 1,000 BTC (100M) are liquidity
    # and a resource; the note springs below (120M - 100M) / 16,000 free ETH = 1,250.
    # 2027-12-15: 150M if sprung: 50M / 20,000 = 2,500 > 1,250, uncovered up to 1,250; else
    # 100M, covered by the BTC: 1,250. 2029: 150M, 2,500.
    on_eth = attrs.evolve(_sec(pledged_on="ETH"), pledged_units=4_000)
    co = _two(instruments=[_cvt(), on_eth])
    assert _trigger(co, asset="ETH") == 1_250.0
    eth = maturity_wall(co, asset="ETH", springing="test", by="date").rows
    assert [r.breakeven_price for r in eth] == [0.0, 1_250.0, 2_500.0]


def test_springing_test_in_the_wall_of_a_yen_company_counts_pledges_in_units() -> None:
    # The wall's springing test reads the same liquidity: the yen company's rows are the USD
    # company's. Counting the 200 pledged BTC as 200 "BTC x 150" units left 179,800 free
    # units instead of 150,000 and put the 2027-12-15 row at 100,111 instead of 120,000
    # (the 130M due then less the 10M of cash, over 1,000 BTC).
    usd = maturity_wall(_one(1_200.0), springing="test", by="date").rows
    yen = maturity_wall(_yen(), springing="test", by="date").rows
    assert [r.end for r in yen] == [r.end for r in usd]
    assert usd[1].breakeven_price == 120_000.0
    for a, b in zip(yen, usd, strict=True):
        assert a.breakeven_price == pytest.approx(b.breakeven_price, rel=1e-12)


@given(
    eth=st.floats(0.0, 1e5),
    more=st.floats(0.0, 1e5),
    scale=st.floats(0.01, 100.0),
)
def test_springing_is_monotone_in_units_and_scales_with_prices(
    eth: float, more: float, scale: float
) -> None:
    co, richer = _two(eth=eth), _two(eth=eth + more)
    assert _trigger(richer) <= _trigger(co)
    assert _trigger(richer, shock=True) <= _trigger(co, shock=True)
    # Every reference price x scale: the same threshold value, so the factor / scale.
    prices = {"BTC": 100_000.0 * scale, "ETH": 3_000.0 * scale}
    assert _trigger(co, shock=True, asset_price=prices) == pytest.approx(
        _trigger(co, shock=True) / scale, rel=1e-12
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"asset": "SOL"}, "asset"),
        ({"asset": "ETH", "shock": True}, "asset"),
        ({"shock": "yes"}, "shock"),
        ({"asset_price": {"BTC": [1.0, 2.0]}}, "asset_price"),
        ({"asset_price": {"ETH": -1.0}}, "asset_price.ETH"),
        ({"fx": {"EUR": [1.0, 1.1]}}, "fx"),
        ({"asset_price": -1.0}, "asset_price"),
        ({"shock": True, "asset_price": {"ETH": [1.0, 2.0]}}, "asset_price"),
    ],
)
def test_springing_refuses_what_it_cannot_read(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        springing_trigger_price(_two(), "sec", **kwargs)
    assert info.value.field == field


def test_springing_unknown_name_is_refused_before_the_prices() -> None:
    with pytest.raises(ValidationError) as info:
        springing_trigger_price(_two(market=None), "nope")
    assert (info.value.field, info.value.value) == ("name", "nope")


# --- credit: BTC Risk over the reserve's value -------------------------------------------------


def _debt(currency: str | None = None, scale: float = 1.0) -> list[Any]:
    return [
        Note(name="n", principal=80 * M * scale, maturity=dt.date(2030, 1, 1), currency=currency),
        PreferredStock(name="P", notional=40 * M * scale, rate=0.1, currency=currency),
    ]


def _credit_two(btc: float = 1_000.0, eth: float = 20_000.0) -> Company:
    return _two(btc, eth, instruments=_debt())


def _credit_one(btc: float) -> Company:
    return _one(btc, instruments=_debt())


def _n(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


_MODEL: dict[str, Any] = {
    "asset_volatility": 0.5,
    "expected_return": 0.125,
}  # mu = sigma^2 / 2: no drift term


def test_risk_second_asset_at_zero_units_is_the_one_asset_risk() -> None:
    zero, one = _credit_two(eth=0.0), _credit_one(1_000.0)
    for event in ("at_horizon", "before_horizon"):
        for security in ("n", "P"):
            assert btc_risk(zero, security, event=event, **_MODEL) == pytest.approx(
                btc_risk(one, security, event=event, **_MODEL), rel=1e-12
            )
    a = credit_table(zero, **_MODEL)
    b = credit_table(one, **_MODEL)
    np.testing.assert_allclose(a.break_price, b.break_price, rtol=1e-12)
    np.testing.assert_allclose(a.risk, b.risk, rtol=1e-12)
    np.testing.assert_allclose(a.spread, b.spread, rtol=1e-12)


def test_risk_common_shock_is_one_asset_holding_the_sum_of_their_values() -> None:
    two, one = _credit_two(), _credit_one(1_600.0)
    # The notes' claim, 80M, is half the 160M reserve: x = ln 0.5, nu = 0, sigma sqrt(T) = 0.5.
    expected = _n(math.log(0.5) / 0.5)
    assert btc_risk(two, "n", **_MODEL) == pytest.approx(expected, rel=1e-12)
    assert btc_risk(one, "n", **_MODEL) == pytest.approx(expected, rel=1e-12)
    # The preferred: 120M of 160M, x = ln 0.75; before the horizon twice N(x / 0.5) (nu = 0).
    assert btc_risk(two, "P", event="before_horizon", **_MODEL) == pytest.approx(
        2 * _n(math.log(0.75) / 0.5), rel=1e-12
    )
    table = credit_table(two, **_MODEL)
    # As the primary's price under the common shock: 0.5 and 0.75 of 100,000.
    np.testing.assert_allclose(table.break_price, [50_000.0, 75_000.0], rtol=1e-15)
    np.testing.assert_allclose(table.risk, credit_table(one, **_MODEL).risk, rtol=1e-12)
    assert table.asset == "BTC"
    assert table.asset_price == 100_000.0
    # The dashboard definition takes the 10M of cash off the claims: 70M / 160M.
    dash = credit_table(two, definition="dashboard", **_MODEL)
    assert dash.break_price[0] == pytest.approx(70 / 160 * 100_000.0, rel=1e-15)


def test_risk_takes_a_price_mapping_and_arrays() -> None:
    two = _credit_two()
    # ETH at 8,000: 100M + 160M = 260M; the notes at 80 / 260.
    got = btc_risk(two, "n", asset_price={"ETH": 8_000.0}, **_MODEL)
    assert got == pytest.approx(_n(math.log(80 / 260) / 0.5), rel=1e-12)
    grid = btc_risks(two, asset_price={"ETH": np.array([3_000.0, 8_000.0])}, **_MODEL)
    np.testing.assert_allclose(
        grid["n"], [_n(math.log(0.5) / 0.5), _n(math.log(80 / 260) / 0.5)], rtol=1e-12
    )
    table = credit_table(two, asset_price={"BTC": 50_000.0, "ETH": 8_000.0}, **_MODEL)
    # 50M + 160M = 210M: the notes break at 80 / 210 of every price, BTC at 19,047.6...
    assert table.break_price[0] == pytest.approx(50_000.0 * 80 / 210, rel=1e-15)
    assert table.rating[0] == pytest.approx(210 / 80, rel=1e-15)
    spread = btc_credit_spread(two, "n", asset_price={"ETH": 8_000.0}, **_MODEL)
    assert spread == pytest.approx(-math.log1p(-got), rel=1e-12)
    surplus = credit_surplus(
        two, "n", price=100.0, risk_free_rate=0.04, asset_price={"ETH": 8_000.0}, **_MODEL
    )
    market = market_spread(two, "n", price=100.0, risk_free_rate=0.04)
    assert surplus == pytest.approx(market - spread, rel=1e-12)


def test_risk_of_a_yen_company_is_that_of_the_usd_company() -> None:
    # JPY company, 1,000 BTC priced in USD, the claims in USD: every amount x 150 on both
    # sides of the barrier, so the same risk; the break price stays in USD.
    yen = Company(
        name="Yen",
        as_of=AS_OF,
        currency="JPY",
        shares_basic=1e6,
        holdings=Holdings(units=1_000, price_currency="USD"),
        instruments=_debt("USD"),
        market=Market(asset_price=100_000.0, fx={"USD": 150.0}),
    )
    usd = _credit_one(1_000.0)
    for security in ("n", "P"):
        assert btc_risk(yen, security, **_MODEL) == pytest.approx(
            btc_risk(usd, security, **_MODEL), rel=1e-12
        )
    table = credit_table(yen, **_MODEL)
    # 80M x 150 over 1,000 x 100,000 x 150: 0.8 of the reserve, BTC at 80,000 USD.
    np.testing.assert_allclose(table.break_price, [80_000.0, 120_000.0], rtol=1e-15)


@given(eth=st.floats(0.0, 1e5), more=st.floats(1.0, 1e5), k=st.floats(0.01, 100.0))
def test_risk_falls_with_units_held_and_is_scale_free(eth: float, more: float, k: float) -> None:
    co, richer = _credit_two(eth=eth), _credit_two(eth=eth + more)
    for security in ("n", "P"):
        assert btc_risk(richer, security, **_MODEL) <= btc_risk(co, security, **_MODEL)
    # k times the units at 1 / k of every price: the same reserve, the same risk.
    scaled = _credit_two(1_000.0 * k, eth * k)
    prices = {"BTC": 100_000.0 / k, "ETH": 3_000.0 / k}
    assert btc_risk(scaled, "P", asset_price=prices, **_MODEL) == pytest.approx(
        btc_risk(co, "P", **_MODEL), rel=1e-9, abs=1e-300
    )


@pytest.mark.parametrize(
    ("asset_price", "field"),
    [
        ({"SOL": 1.0}, "asset_price"),
        ({"ETH": -1.0}, "asset_price.ETH"),
        ({"ETH": [1.0, math.nan]}, "asset_price.ETH[1]"),
    ],
)
def test_risk_refuses_bad_prices_naming_them(asset_price: Any, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        btc_risk(_credit_two(), "n", asset_price=asset_price, **_MODEL)
    assert info.value.field == field


def test_risk_without_a_price_for_every_asset_is_refused() -> None:
    bare = _credit_two()
    bare = attrs.evolve(bare, market=Market(asset_price=100_000.0))
    with pytest.raises(ValidationError, match="gives no ETH price") as info:
        btc_risk(bare, "n", **_MODEL)
    assert info.value.field == "asset_price"
    with pytest.raises(ValidationError) as table_info:
        credit_table(bare, **_MODEL)
    assert table_info.value.field == "asset_price"


# --- plot.nav_chart ---------------------------------------------------------------------------

_loan = TermLoan(
    name="L",
    principal=30 * M,
    max_ltv=0.5,
    pledged_units=10_000,
    collateral_asset="ETH",
    issued=dt.date(2025, 1, 1),
    maturity=dt.date(2027, 1, 1),
)


def _chart_two(btc: float = 1_000.0, eth: float = 20_000.0, **changes: Any) -> Company:
    return _two(btc, eth, **{"instruments": _debt(), "market": _two().market, **changes})


def _lines(fig: Any) -> dict[str, Any]:
    return {line.get_label(): line for line in fig.axes[0].get_lines()}


def _mark(fig: Any, prefix: str) -> float:
    (value,) = [
        float(line.get_xdata()[0])
        for label, line in _lines(fig).items()
        if label.startswith(prefix)
    ]
    return value


def test_nav_chart_second_asset_at_zero_units_is_the_one_asset_chart() -> None:
    pytest.importorskip("matplotlib")
    from treasurymodel.plot import nav_chart

    grid = np.linspace(0.0, 300_000.0, 7)
    one = nav_chart(_credit_one(1_000.0), asset_prices=grid)
    cases: list[dict[str, Any]] = [{}, {"shock": True}]
    for kwargs in cases:
        fig = nav_chart(_chart_two(eth=0.0), asset_prices=grid, **kwargs)
        for label in ("NAV per share", "NAV per share, diluted"):
            np.testing.assert_allclose(
                _lines(fig)[label].get_ydata(), _lines(one)[label].get_ydata(), rtol=1e-12
            )
        # (80M + 40M - 10M) / 1,000 BTC = 110,000.
        assert _mark(fig, "NAV breakeven") == pytest.approx(110_000.0, rel=1e-12)
        assert _mark(fig, "BTC price") == 100_000.0


def test_nav_chart_common_shock_is_one_asset_holding_the_sum_of_their_values() -> None:
    pytest.importorskip("matplotlib")
    from treasurymodel.plot import nav_chart

    grid = np.linspace(0.0, 300_000.0, 7)
    fig = nav_chart(_chart_two(), asset_prices=grid, shock=True)
    one = nav_chart(_credit_one(1_600.0), asset_prices=grid)
    np.testing.assert_allclose(
        _lines(fig)["NAV per share"].get_ydata(),
        _lines(one)["NAV per share"].get_ydata(),
        rtol=1e-12,
        atol=1e-9,
    )
    # At BTC 100,000 (every price today's): (160M + 10M - 120M) / 1M shares = 50.
    assert _lines(fig)["NAV per share"].get_ydata()[2] == pytest.approx(50.0, rel=1e-12)
    # NAV = 0 where 160M x s = 110M: BTC at 68,750. The wall: the 80M of notes (no cash
    # counted), half the reserve: 50,000.
    assert _mark(fig, "NAV breakeven") == pytest.approx(68_750.0, rel=1e-12)
    assert _mark(fig, "Maturity-wall") == pytest.approx(50_000.0, rel=1e-12)
    assert fig.axes[0].get_xlabel() == "BTC price (USD), every asset price moving in proportion"


def test_nav_chart_one_asset_with_the_others_fixed_by_hand() -> None:
    pytest.importorskip("matplotlib")
    from treasurymodel.plot import nav_chart

    fig = nav_chart(_chart_two(), asset="ETH", asset_prices=[0.0, 3_000.0, 6_000.0])
    # 110M - 100M of BTC over 20,000 ETH: 500. NAV per share at ETH 0 / 3,000 / 6,000:
    # (100M + 10M - 120M) / 1M = -10, then +50, +110.
    assert _mark(fig, "NAV breakeven") == pytest.approx(500.0, rel=1e-12)
    assert _mark(fig, "ETH price") == 3_000.0
    np.testing.assert_allclose(
        _lines(fig)["NAV per share"].get_ydata(), [-10.0, 50.0, 110.0], rtol=1e-12
    )
    assert fig.axes[0].get_xlabel() == "ETH price (USD), other assets at fixed prices"
    # BTC at 50,000: (110M - 50M) / 20,000 = 3,000.
    fig = nav_chart(_chart_two(), asset="ETH", asset_price={"BTC": 50_000.0})
    assert _mark(fig, "NAV breakeven") == pytest.approx(3_000.0, rel=1e-12)


def test_nav_chart_common_shock_marks_a_margin_call_on_the_other_asset() -> None:
    pytest.importorskip("matplotlib")
    from treasurymodel.plot import nav_chart

    co = _chart_two(instruments=[_loan])
    # The loan needs 30M / 0.5 = 60M of collateral, topped up with ether only (a loan is
    # topped up with its own collateral asset, as margin_call_price has it): 10,000 pledged +
    # 10,000 free ETH are 60M at 3,000 ETH, so the call is at 3,000 = 1.0 of today's ETH
    # price, i.e. BTC at 1.0 x 100,000 under the common shock.
    fig = nav_chart(co, shock=True)
    assert _mark(fig, "Margin call: L") == pytest.approx(100_000.0, rel=1e-12)
    # With half the loan: 15M / 0.5 = 30M over 20,000 ETH = 1,500, half of 3,000: BTC 50,000.
    half = _chart_two(instruments=[attrs.evolve(_loan, principal=15 * M)])
    assert _mark(nav_chart(half, shock=True), "Margin call: L") == pytest.approx(
        50_000.0, rel=1e-12
    )
    with pytest.raises(ValidationError, match="use shock=True") as info:
        nav_chart(co)
    assert info.value.field == "asset"


def test_nav_chart_of_a_yen_company_is_in_usd_prices_and_yen_per_share() -> None:
    pytest.importorskip("matplotlib")
    from treasurymodel.plot import nav_chart

    yen = Company(
        name="Yen",
        as_of=AS_OF,
        currency="JPY",
        shares_basic=1e6,
        cash=10 * M * 150.0,
        holdings=Holdings(units=1_000, price_currency="USD"),
        instruments=_debt("USD"),
        market=Market(asset_price=100_000.0, fx={"USD": 150.0}),
    )
    fig = nav_chart(yen, asset_prices=[0.0, 100_000.0])
    # (120M - 10M) USD x 150 / (1,000 x 150) = 110,000 USD.
    assert _mark(fig, "NAV breakeven") == pytest.approx(110_000.0, rel=1e-12)
    # At 100,000: (100M + 10M - 120M) x 150 / 1M shares = -1,500 JPY.
    np.testing.assert_allclose(
        _lines(fig)["NAV per share"].get_ydata(), [-16_500.0, -1_500.0], rtol=1e-12
    )
    assert fig.axes[0].get_xlabel() == "BTC price (USD)"
    assert fig.axes[0].get_ylabel() == "NAV per share (JPY)"
    # At 100 JPY per USD the claims convert at 100, the yen cash stays:
    # (120M x 100 - 1.5bn) / (1,000 x 100) = 105,000 USD.
    fig = nav_chart(yen, fx={"USD": 100.0}, asset_prices=[0.0, 1.0])
    assert _mark(fig, "NAV breakeven") == pytest.approx(105_000.0, rel=1e-12)


@settings(max_examples=10)
@given(eth=st.floats(0.0, 1e5), more=st.floats(1.0, 1e5), k=st.floats(0.1, 10.0))
def test_nav_chart_breakeven_falls_with_units_and_scales_with_prices(
    eth: float, more: float, k: float
) -> None:
    pytest.importorskip("matplotlib")
    from treasurymodel.plot import nav_chart

    co, richer = _chart_two(eth=eth), _chart_two(eth=eth + more)
    cases: list[dict[str, Any]] = [{}, {"shock": True}]
    for kwargs in cases:
        a = _mark(nav_chart(co, asset_prices=[0.0, 1.0], **kwargs), "NAV breakeven")
        b = _mark(nav_chart(richer, asset_prices=[0.0, 1.0], **kwargs), "NAV breakeven")
        assert b <= a
    # Under a common shock the breakeven is a fraction of the reserve: every reference price
    # x k moves the primary's breakeven price by nothing (the fraction / k, times k x 100,000).
    prices = {"BTC": 100_000.0 * k, "ETH": 3_000.0 * k}
    base = _mark(nav_chart(co, asset_prices=[0.0, 1.0], shock=True), "NAV breakeven")
    scaled = nav_chart(co, asset_prices=[0.0, 1.0], shock=True, asset_price=prices)
    assert _mark(scaled, "NAV breakeven") == pytest.approx(base, rel=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"asset": "SOL"}, "asset"),
        ({"asset": "ETH", "shock": True}, "asset"),
        ({"shock": 1}, "shock"),
        ({"asset_price": {"ETH": -3.0}}, "asset_price.ETH"),
        ({"fx": {"usd": 1.0}}, "fx"),
    ],
)
def test_nav_chart_refuses_what_it_cannot_read(kwargs: dict[str, Any], field: str) -> None:
    pytest.importorskip("matplotlib")
    from treasurymodel.plot import nav_chart

    with pytest.raises(ValidationError) as info:
        nav_chart(_chart_two(), **kwargs)
    assert info.value.field == field


def test_nav_chart_common_shock_needs_a_positive_primary_price() -> None:
    pytest.importorskip("matplotlib")
    from treasurymodel.plot import nav_chart

    with pytest.raises(ValidationError, match="no positive BTC price") as info:
        nav_chart(_chart_two(), shock=True, asset_price={"BTC": 0.0})
    assert info.value.field == "asset_price"
