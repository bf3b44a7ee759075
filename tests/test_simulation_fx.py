"""Exchange-rate paths in the simulation (simulation/fx.py): every amount converted on its step.

The expected figures are derived by hand in the comments: the engine converts the asset price
on step ``t`` at the rate of step ``t``, and a foreign amount paid on step ``t`` at the rate of
step ``t``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import treasurymodel as tm
from treasurymodel import GBM, Company, Holdings, Market, Note, PreferredStock, TermLoan
from treasurymodel._typing import FloatArray
from treasurymodel.errors import ValidationError
from treasurymodel.simulation import FundingPolicy, FxGBM, simulate_paths

AS_OF = dt.date(2026, 1, 1)
DATES = [AS_OF + dt.timedelta(weeks=w) for w in range(53)]  # weekly, one year

# every per-path field of a result that holds an amount of money (reporting currency)
MONEY = (
    "final_cash",
    "final_price",
    "final_debt",
    "final_preferred",
    "unpaid_dividends",
    "nav_per_share",
    "equity_raised",
    "sale_proceeds",
    "interest_paid",
    "principal_paid",
    "dividends_paid",
    "liquidation_penalty",
)
# every per-path field that holds no money: counts, units, steps, flags
COUNTS = (
    "forced_sale",
    "first_forced_sale",
    "default",
    "default_time",
    "first_seizure",
    "units_sold",
    "units_seized",
    "final_units",
    "final_shares",
    "shares_issued",
)


def _company(k: float = 1.0, *, currency: str = "USD", debt_in: str | None = None) -> Company:
    """A company with a note, a margin loan and a preferred series; every amount x ``k`` in
    ``currency`` (the asset priced in USD, at ``k`` units of ``currency`` a dollar), or the
    instruments left in dollars with ``debt_in="USD"``."""
    m = 1.0 if debt_in == "USD" else k
    return Company(
        name="Scaled",
        as_of=AS_OF,
        currency=currency,
        shares_basic=1e6,
        cash=2e6 * k,
        other_assets=1e5 * k,
        holdings=Holdings(units=1_000.0, price_currency="USD"),
        market=Market(fx={"USD": k}) if currency != "USD" else None,
        instruments=[
            Note(
                name="N",
                principal=20e6 * m,
                coupon=0.05,
                maturity=dt.date(2026, 9, 1),
                currency=debt_in,
            ),
            TermLoan(
                name="L",
                principal=10e6 * m,
                rate=0.06,
                issued=dt.date(2025, 6, 1),
                maturity=dt.date(2026, 11, 1),
                max_ltv=0.5,
                pledged_units=300.0,
                currency=debt_in,
            ),
            PreferredStock(name="P", notional=5e6 * m, rate=0.08, currency=debt_in),
        ],
    )


def _prices(seed: int, paths: int = 64) -> FloatArray:
    rng = np.random.default_rng(seed)
    steps = rng.normal(-0.01, 0.08, size=(paths, 52))
    out: FloatArray = 60_000.0 * np.exp(
        np.concatenate([np.zeros((paths, 1)), steps.cumsum(axis=1)], 1)
    )
    return out


def _same(a: Any, b: Any, fields: tuple[str, ...]) -> None:
    for name in fields:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


# --- fx at 1, and a constant rate ----------------------------------------------------------


def test_fx_constant_at_one_gives_the_dollar_company_bit_for_bit() -> None:
    usd = _company()
    yen_at_one = _company(1.0, currency="JPY", debt_in="USD")
    prices = _prices(1)
    ref = simulate_paths(usd, prices=prices, dates=DATES)
    assert ref.forced_sale.any()
    assert ref.default.any()
    assert (ref.first_seizure >= 0).any()
    for fx in (None, {"USD": np.ones(53)}, {"USD": np.ones((64, 53))}):
        out = simulate_paths(yen_at_one, prices=prices, dates=DATES, fx=fx)
        _same(out, ref, MONEY + COUNTS)


def test_a_constant_euro_path_is_the_run_without_one_bit_for_bit() -> None:
    # Strategy's STRE is in euros: a path at the as-of rate restates nothing (ratio 1.0)
    mstr = tm.datasets.load("mstr-2026-02")
    rate = mstr.fx_rate("EUR")
    plain = tm.simulate(mstr, model=GBM(asset_price=68_141.0, volatility=0.6), years=1,
                        paths=300, seed=4)  # fmt: skip
    flat = tm.simulate(mstr, model=GBM(asset_price=68_141.0, volatility=0.6), years=1,
                       paths=300, seed=4, fx={"EUR": np.full(53, rate)})  # fmt: skip
    still = tm.simulate(mstr, model=GBM(asset_price=68_141.0, volatility=0.6), years=1,
                        paths=300, seed=4, fx=FxGBM(currency="EUR", volatility=0.0))  # fmt: skip
    _same(flat, plain, MONEY + COUNTS)
    _same(still, plain, MONEY + COUNTS)


@pytest.mark.parametrize("k", [128.0, 156.25, 0.0078125])
@pytest.mark.parametrize("debt_in", [None, "USD"])
def test_restating_in_another_currency_at_a_constant_rate_scales_every_amount(
    k: float, debt_in: str | None
) -> None:
    # every amount x k in yen (or the instruments left in dollars at k yen a dollar), the
    # asset priced in dollars at k: the same company seen in yen. Amounts are x k, counts,
    # units and steps unchanged.
    usd = _company()
    yen = _company(k, currency="JPY", debt_in=debt_in)
    prices = _prices(2)
    ref = simulate_paths(usd, prices=prices, dates=DATES)
    out = simulate_paths(yen, prices=prices, dates=DATES)
    assert ref.default.any()
    assert (ref.first_seizure >= 0).any()
    for name in COUNTS:  # steps and flags exactly; units to rounding (amount / price x k)
        mine, theirs = getattr(out, name), getattr(ref, name)
        if mine.dtype.kind == "f":
            np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-9, err_msg=name)
        else:
            assert np.array_equal(mine, theirs), name
    for name in MONEY:
        expected = getattr(ref, name) * k
        np.testing.assert_allclose(getattr(out, name), expected, rtol=1e-12, atol=0, err_msg=name)


def test_a_power_of_two_rate_scales_exactly() -> None:
    # multiplying every amount by 2^7 commutes with every rounding: the results are exact
    usd, yen = _company(), _company(128.0, currency="JPY", debt_in="USD")
    prices = _prices(3)
    ref = simulate_paths(usd, prices=prices, dates=DATES)
    out = simulate_paths(yen, prices=prices, dates=DATES)
    for name in MONEY:
        assert np.array_equal(getattr(out, name), getattr(ref, name) * 128.0), name
    _same(out, ref, COUNTS)


# --- a moving rate ---------------------------------------------------------------------------


def _yen_with_a_dollar_note(coupon: float = 0.0) -> Company:
    return Company(
        name="Yen",
        as_of=AS_OF,
        currency="JPY",
        shares_basic=1e6,
        cash=1e12,  # pays everything from cash
        holdings=Holdings(units=100.0, price_currency="USD"),
        market=Market(fx={"USD": 100.0}),
        instruments=[
            Note(
                name="USD note",
                principal=1e6,
                coupon=coupon,
                frequency=2,
                issued=dt.date(2025, 7, 1),
                maturity=dt.date(2026, 7, 1),
                currency="USD",
            )
        ],
    )


def test_a_dollar_maturity_costs_the_principal_at_the_rate_of_its_step() -> None:
    co = _yen_with_a_dollar_note()
    # 1 July 2026 is a Wednesday; the weekly steps fall on Thursdays: the maturity falls on
    # the first step on or after it, 2 July 2026, step 26
    assert DATES[26] == dt.date(2026, 7, 2)
    rates = np.full(53, 100.0)
    rates[20:26] = 120.0
    rates[26] = 150.0  # the step of the maturity
    rates[27:] = 90.0
    res = simulate_paths(co, prices=np.full(53, 50_000.0), dates=DATES, fx={"USD": rates})
    # $1,000,000 at 150 yen a dollar on step 26: 150,000,000 yen
    assert res.principal_paid.tolist() == [150_000_000.0]
    assert res.final_cash.tolist() == [1e12 - 150_000_000.0]
    assert res.final_debt.tolist() == [0.0]
    # the asset at $50,000 x 100 coins, at 90 yen a dollar on the last step
    assert res.final_price.tolist() == [4_500_000.0]


def test_a_dollar_coupon_is_paid_at_the_rate_of_its_step() -> None:
    co = _yen_with_a_dollar_note(coupon=0.04)
    # the coupons of a 4% semi-annual note on $1M are $20,000 each, on 1 July 2026 (step 26,
    # with the maturity); none falls in the year before it but that one
    rates = np.full(53, 100.0)
    rates[26] = 130.0
    res = simulate_paths(co, prices=np.full(53, 50_000.0), dates=DATES, fx={"USD": rates})
    # $20,000 x 130 = 2,600,000 yen of interest and $1M x 130 of principal
    assert res.interest_paid.tolist() == pytest.approx([2_600_000.0], rel=1e-12)
    assert res.principal_paid.tolist() == pytest.approx([130_000_000.0], rel=1e-12)


def test_the_debt_still_owed_is_restated_at_the_last_rate() -> None:
    co = _yen_with_a_dollar_note()
    rates = np.linspace(100.0, 140.0, 53)
    short = DATES[:20]  # ends before the maturity: the note is still owed
    res = simulate_paths(co, prices=np.full(20, 50_000.0), dates=short, fx={"USD": rates[:20]})
    # $1M at the rate of step 19, 100 + 40 x 19 / 52
    assert res.final_debt.tolist() == pytest.approx([1e6 * (100.0 + 40.0 * 19 / 52)], rel=1e-12)


def _margin_company(loan_currency: str) -> Company:
    # 100 coins pledged to a loan of $4M (or 600M yen = $4M at 150) at most 50% of the
    # collateral: a margin call when the dollar price falls below $80,000 a coin
    principal = 4e6 if loan_currency == "USD" else 600e6
    return Company(
        name="Margin",
        as_of=AS_OF,
        currency="JPY",
        shares_basic=1e6,
        cash=1e12,
        holdings=Holdings(units=150.0, price_currency="USD"),
        market=Market(fx={"USD": 150.0}),
        instruments=[
            TermLoan(
                name="Loan",
                principal=principal,
                issued=dt.date(2025, 6, 1),
                maturity=dt.date(2027, 6, 1),
                max_ltv=0.5,
                pledged_units=100.0,
                currency=loan_currency,
            )
        ],
    )


def test_an_fx_move_alone_calls_no_margin_on_a_dollar_loan_against_a_dollar_asset() -> None:
    co = _margin_company("USD")
    prices = np.full((3, 53), 100_000.0)
    prices[1, 30:] = 70_000.0  # the dollar price falls through $80,000 on step 30
    prices[2, 10:] = 40_000.0  # ... through $80,000 and $40,000 (100 + 50 coins) on step 10
    flat = simulate_paths(co, prices=prices, dates=DATES)
    yen_swings = np.where(np.arange(53) % 2 == 0, 300.0, 60.0)  # the yen halves, then x5
    moved = simulate_paths(co, prices=prices, dates=DATES, fx={"USD": yen_swings})
    assert flat.first_seizure.tolist() == [-1, -1, 10]
    assert moved.first_seizure.tolist() == flat.first_seizure.tolist()
    assert moved.units_seized.tolist() == flat.units_seized.tolist()
    # path 1: $4M / (0.5 x $70,000) = 114.29 coins needed; 14.29 topped up from the 50 free
    assert moved.final_units.tolist() == flat.final_units.tolist()
    # while a loan of 600M yen against the same coins is called when the yen strengthens:
    # on step 1, at 60 yen a dollar, it needs 600M / (0.5 x $100,000 x 60) = 200 coins
    # pledged, more than the 150 held: the lender seizes the collateral on every path
    yen_loan = simulate_paths(_margin_company("JPY"), prices=prices, dates=DATES,
                              fx={"USD": yen_swings})  # fmt: skip
    assert yen_loan.first_seizure.tolist() == [1, 1, 1]
    assert simulate_paths(_margin_company("JPY"), prices=prices, dates=DATES
                          ).first_seizure.tolist() == [-1, -1, 10]  # fmt: skip


# --- the Metaplanet data set ------------------------------------------------------------------


def _metaplanet(**kw: Any) -> Any:
    co = tm.datasets.load("mtplf-2025-11")
    return tm.simulate(co, model=GBM(asset_price=87_500.0, volatility=0.5), years=2, **kw)


def test_metaplanet_simulates_reproducibly_and_whatever_the_chunk_size() -> None:
    fx = FxGBM(currency="USD", volatility=0.1, drift=-0.03, correlation=0.3)
    a = _metaplanet(paths=2_500, seed=7, fx=fx)
    b = _metaplanet(paths=2_500, seed=7, fx=fx, chunk_size=1_024)
    c = _metaplanet(paths=2_500, seed=7, fx=fx)
    d = _metaplanet(paths=2_500, seed=8, fx=fx)
    _same(a, b, MONEY + COUNTS)
    _same(a, c, MONEY + COUNTS)
    assert not np.array_equal(a.nav_per_share, d.nav_per_share)
    # the rate moves the result: the same asset paths without it differ
    still = _metaplanet(paths=2_500, seed=7)
    assert not np.array_equal(a.nav_per_share, still.nav_per_share)
    # bounded: the aggregates of the same paths
    agg = _metaplanet(paths=2_500, seed=7, fx=fx, keep_paths=False, record_paths=2)
    assert agg.probability("default") == pytest.approx(float(a.default.mean()), abs=1e-12)
    assert agg.traces is not None
    assert agg.traces.values["price"].shape == (2, 105)


def test_fx_gbm_with_no_volatility_follows_its_drift_and_the_asset_paths_are_unchanged() -> None:
    # rate = 156 e^(0.05 t): the asset's final price in yen is its dollar price x 156 e^0.1
    co = tm.datasets.load("mtplf-2025-11")
    model = GBM(asset_price=87_500.0, volatility=0.5)
    kw: dict[str, Any] = {"model": model, "years": 2, "paths": 200, "seed": 3}
    plain = tm.simulate(co, **kw)
    drifting = tm.simulate(co, fx=FxGBM(currency="USD", volatility=0.0, drift=0.05), **kw)
    np.testing.assert_allclose(
        drifting.final_price, plain.final_price * np.exp(0.05 * 2), rtol=1e-12
    )


def test_fx_gbm_correlation_and_volatility_are_those_asked() -> None:
    # the log returns of the drawn rates: volatility 0.2 a year, correlation -0.6 with the
    # asset's (sample estimates over 4,000 paths x 52 weeks: standard errors below 0.5%)
    from treasurymodel.simulation.fx import fx_paths
    from treasurymodel.simulation.montecarlo import price_paths

    co = tm.datasets.load("mtplf-2025-11")
    model = GBM(asset_price=87_500.0, volatility=0.5)
    prices = price_paths(model, seed=1, start=0, size=4_000, total=4_000, steps=52, dt=1 / 52)
    fx = {"USD": FxGBM(currency="USD", volatility=0.2, correlation=-0.6)}
    rates = fx_paths(fx, co, model=model, prices=prices, seed=1, start=0, total=4_000,
                     dt=1 / 52)["USD"]  # fmt: skip
    assert rates[:, 0].tolist() == [156.0] * 4_000
    x, y = np.diff(np.log(prices)).ravel(), np.diff(np.log(rates)).ravel()
    assert float(np.std(y)) * np.sqrt(52) == pytest.approx(0.2, rel=0.01)
    assert float(np.corrcoef(x, y)[0, 1]) == pytest.approx(-0.6, abs=0.01)


# --- refusals ---------------------------------------------------------------------------------


def test_fx_refusals_name_the_field() -> None:
    co = _yen_with_a_dollar_note()
    prices = np.full(53, 50_000.0)
    cases: list[tuple[Any, str]] = [
        ({"EUR": np.ones(53)}, "fx"),
        ({"JPY": np.ones(53)}, "fx"),
        ({"USD": np.ones(52)}, "fx['USD']"),
        ({"USD": np.full(53, np.nan)}, "fx['USD']"),
        ({"USD": -np.ones(53)}, "fx['USD']"),
        ({"USD": FxGBM(currency="USD", volatility=0.1)}, "fx['USD']"),
        ("USD", "fx"),
    ]
    for fx, field in cases:
        with pytest.raises(ValidationError) as err:
            simulate_paths(co, prices=prices, dates=DATES, fx=fx)
        assert err.value.field == field, fx
    with pytest.raises(ValidationError) as err:
        tm.simulate(
            co,
            model=tm.MertonJumpDiffusion(
                asset_price=1.0, volatility=0.5, intensity=1.0, jump_mean=0.0, jump_volatility=0.1
            ),
            years=1,
            paths=10,
            seed=0,
            fx=FxGBM(currency="USD", volatility=0.1, correlation=0.5),
        )
    assert err.value.field == "fx['USD'].correlation"
    conv = tm.datasets.load("mstr-2026-02")
    with pytest.raises(ValidationError, match=r"GBP") as err:
        tm.simulate(conv, model=GBM(asset_price=1.0, volatility=0.5), years=1, paths=10, seed=0,
                    fx=FxGBM(currency="GBP", volatility=0.1))  # fmt: skip
    assert err.value.field == "fx"


# --- monotone in the rate ---------------------------------------------------------------------


@given(
    low=st.floats(50.0, 200.0),
    up=st.floats(1.0, 2.0),
    seed=st.integers(0, 2**16),
)
def test_a_weaker_reporting_currency_raises_nav_when_the_debt_is_in_it(
    low: float, up: float, seed: int
) -> None:
    # debt only in yen, the asset in dollars: more yen a dollar makes every coin worth more
    # yen, so fewer coins are sold to pay the same yen, and the NAV in yen is higher
    co = Company(
        name="Yen",
        as_of=AS_OF,
        currency="JPY",
        shares_basic=1e6,
        cash=0.0,
        holdings=Holdings(units=1_000.0, price_currency="USD"),
        market=Market(fx={"USD": 150.0}),
        instruments=[Note(name="N", principal=4e9, coupon=0.05, maturity=dt.date(2026, 9, 1))],
    )
    prices = _prices(seed, paths=16)
    policy = FundingPolicy(issue_equity=False)
    a = simulate_paths(co, prices=prices, dates=DATES, policy=policy, fx={"USD": np.full(53, low)})
    b = simulate_paths(co, prices=prices, dates=DATES, policy=policy,
                       fx={"USD": np.full(53, low * up)})  # fmt: skip
    assert (b.final_units >= a.final_units).all()
    assert (b.default <= a.default).all()
    both = ~a.default
    assert (b.nav_per_share[both] >= a.nav_per_share[both] * (1 - 1e-12)).all()


def test_a_moving_rate_for_a_foreign_convertible_is_refused_and_a_constant_one_is_not() -> None:
    # the engine compares the share price with the conversion price at the as-of rate
    co = Company(
        name="Yen",
        as_of=AS_OF,
        currency="JPY",
        shares_basic=1e6,
        cash=1e12,
        holdings=Holdings(units=100.0, price_currency="USD"),
        market=Market(fx={"USD": 100.0}),
        instruments=[
            tm.ConvertibleNote(
                name="CB",
                principal=1e6,
                conversion_price=50.0,
                issued=dt.date(2025, 7, 1),
                maturity=dt.date(2026, 7, 1),
                currency="USD",
            )
        ],
    )
    prices = np.full(53, 50_000.0)
    with pytest.raises(ValidationError, match="'CB', a convertible") as err:
        simulate_paths(co, prices=prices, dates=DATES, fx={"USD": np.full(53, 120.0)})
    assert err.value.field == "fx"
    # at the as-of rate: the share price at maturity is about the NAV a share, (1e12 yen +
    # 100 x $50,000 x 100 - $1M x 100) / 1e6 shares = about 1e6 yen, above the conversion
    # price of $50 x 100 = 5,000 yen: the $1M converts into 1e6 / 50 = 20,000 shares
    res = simulate_paths(co, prices=prices, dates=DATES)
    assert res.shares_converted.tolist() == [20_000.0]
    assert res.principal_paid.tolist() == [0.0]


# --- the command line ---------------------------------------------------------------------------


def test_stress_runs_metaplanet_with_an_fx_path(capsys: pytest.CaptureFixture[str]) -> None:
    from treasurymodel.cli import main

    base = ["stress", "mtplf-2025-11", "--vol", "0.5", "--paths", "300", "--years", "1"]
    assert main([*base, "--format", "json"]) == 0
    still = json.loads(capsys.readouterr().out)
    assert "fx" not in still["simulation"]
    fx = ["--fx-vol", "0.1", "--fx-corr", "0.3", "--fx-drift", "-0.03"]
    assert main([*base, *fx, "--format", "json"]) == 0
    moved = json.loads(capsys.readouterr().out)
    assert moved["simulation"]["fx"] == {
        "currency": "USD",
        "volatility": 0.1,
        "drift": -0.03,
        "correlation": 0.3,
    }
    # the same seed and asset paths, the rate moving: NAV per share in yen differs
    assert moved["distributions"]["nav_per_share"] != still["distributions"]["nav_per_share"]
    assert main([*base, *fx]) == 0
    assert "USD in JPY as geometric Brownian motion" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["stress", "mstr-2026-02", "--vol", "0.5", "--paths", "10", "--fx-vol", "0.1"])
    assert "--fx-vol" in capsys.readouterr().err


def test_companies_on_one_market_still_refuse_an_asset_priced_in_another_currency() -> None:
    # simulate_market gives every company the same price paths in one currency: no rates
    mp, xxi = tm.datasets.load("mtplf-2025-11"), tm.datasets.load("xxi-2026-01")
    model = GBM(asset_price=87_500.0, volatility=0.5)
    with pytest.raises(ValidationError, match="prices BTC in USD") as err:
        tm.simulate([mp, xxi], model=model, years=1, paths=10, seed=1)
    assert err.value.field == "company"
    with pytest.raises(ValidationError, match="one company") as err:
        tm.simulate(  # type: ignore[call-overload]  # a list takes no fx: refused at run time too
            [xxi], model=model, years=1, paths=10, seed=1, fx=FxGBM(currency="USD", volatility=0.1)
        )
    assert err.value.field == "fx"


@given(seed=st.integers(0, 2**16), vol=st.floats(0.0, 1.0))
def test_coins_sold_for_dollar_debt_do_not_depend_on_the_rate(seed: int, vol: float) -> None:
    # every foreign amount in dollars, the asset priced in dollars, no cash and no new shares:
    # a payment of A dollars on step t costs A x X_t yen, raised by selling coins worth
    # P_t x X_t yen each, so A / P_t coins whatever the rate X_t; the margin loan compares
    # L X_t with 0.5 u P_t X_t. The yen figures are the dollar ones x the last rate.
    co = _company(150.0, currency="JPY", debt_in="USD")
    co = Company(
        name=co.name,
        as_of=co.as_of,
        currency="JPY",
        shares_basic=co.shares_basic,
        holdings=co.holdings,
        market=co.market,
        instruments=co.instruments[:2],  # the note and the margin loan, in dollars
    )
    rng = np.random.default_rng(seed)
    walk = np.cumsum(rng.normal(0.0, vol * np.sqrt(1 / 52), size=(16, 52)), axis=1)
    rates = 150.0 * np.exp(np.concatenate([np.zeros((16, 1)), walk], axis=1))
    prices = _prices(seed, paths=16)
    policy = FundingPolicy(issue_equity=False)
    flat = simulate_paths(co, prices=prices, dates=DATES, policy=policy)
    moved = simulate_paths(co, prices=prices, dates=DATES, policy=policy, fx={"USD": rates})
    for name in ("default_time", "first_forced_sale", "first_seizure"):
        assert np.array_equal(getattr(moved, name), getattr(flat, name)), name
    for name in ("units_sold", "units_seized", "final_units"):
        np.testing.assert_allclose(getattr(moved, name), getattr(flat, name), rtol=1e-9, atol=1e-9)
    live = ~flat.default
    ratio = rates[:, -1] / 150.0
    np.testing.assert_allclose(moved.final_debt[live], flat.final_debt[live] * ratio[live],
                               rtol=1e-12)  # fmt: skip
    np.testing.assert_allclose(moved.nav_per_share[live], flat.nav_per_share[live] * ratio[live],
                               rtol=1e-9, atol=1e-9)  # fmt: skip


def test_a_basket_priced_in_dollars_is_converted_and_one_in_two_currencies_refused() -> None:
    from treasurymodel.simulation import Basket, CorrelatedGBM

    held = [
        Holdings(asset="BTC", units=100.0, price_currency="USD"),
        Holdings(asset="ETH", units=1_000.0, price_currency="USD"),
    ]
    co = Company(name="Y", as_of=AS_OF, currency="JPY", shares_basic=1e6, holdings=held,
                 market=Market(fx={"USD": 150.0}))  # fmt: skip
    flat = CorrelatedGBM(
        tickers=("BTC", "ETH"),
        asset_prices=(60_000.0, 2_000.0),
        drifts=(0.0, 0.0),
        volatilities=(0.0, 0.0),
        correlation=np.eye(2),
    )
    basket = Basket.for_company(co, model=flat)
    kw: dict[str, Any] = {"years": 1, "paths": 10, "seed": 1, "keep_paths": True}
    # basket price (100 x 60,000 + 1,000 x 2,000) / 1,100 dollars x 150, x e^0.1 after a year
    # of a rate drifting at 10%
    dollars = (100 * 60_000.0 + 1_000 * 2_000.0) / 1_100
    res = tm.simulate(co, model=basket, fx=FxGBM(currency="USD", volatility=0.0, drift=0.1), **kw)
    np.testing.assert_allclose(res.final_price, dollars * 150.0 * np.exp(0.1), rtol=1e-12)
    held[1] = Holdings(asset="ETH", units=1_000.0, price_currency="EUR")
    two = Company(name="Y", as_of=AS_OF, currency="JPY", shares_basic=1e6, holdings=held,
                  market=Market(fx={"USD": 150.0, "EUR": 160.0}))  # fmt: skip
    with pytest.raises(ValidationError, match="several currencies") as err:
        tm.simulate(two, model=Basket.for_company(two, model=flat), **kw)
    assert err.value.field == "company"


def test_traced_paths_see_the_same_rates_as_the_run() -> None:
    # a traced path is run again on its own: its prices and rates are drawn again from their
    # blocks, so its final price, NAV per share and payments are those of the run
    fx = FxGBM(currency="USD", volatility=0.2, correlation=0.5)
    wanted = [3, 1_500, 2_047]
    for keep in (True, False):
        res = _metaplanet(paths=2_100, seed=5, fx=fx, record_paths=wanted, keep_paths=keep)
        full = _metaplanet(paths=2_100, seed=5, fx=fx)
        traces = res.traces
        assert traces is not None
        assert traces.values["price"][:, -1].tolist() == full.final_price[wanted].tolist()
        assert traces.values["nav_per_share"][:, -1].tolist() == pytest.approx(
            full.nav_per_share[wanted].tolist(), rel=1e-12
        )
        assert traces.values["principal_paid"][:, -1].tolist() == pytest.approx(
            full.principal_paid[wanted].tolist(), rel=1e-12
        )


def test_a_defaulted_path_restates_its_frozen_foreign_debt_at_later_rates() -> None:
    # A yen company holds 100 BTC at $50,000 (100 yen a dollar), 90 of them pledged to a $2M
    # loan, and owes a $1M note on 1 July 2026 with no cash: the 10 free coins pay $0.5M of
    # it and the company defaults (step 26), owing $2.5M. Its balance sheet is frozen in
    # dollars: when the rate moves to 200 at step 40, the frozen debt is 2.5M x 200 = 500M
    # yen and NAV per share (90 x 50,000 x 200 - 500M) / 1M shares = 400 yen (at 100 it
    # stays 90 x 50,000 x 100 - 250M = 200M, 200 yen a share).
    from treasurymodel.simulation import simulation_dates

    as_of = dt.date(2026, 1, 1)
    dates = simulation_dates(as_of, years=1, steps_per_year=52)
    company = Company(
        name="Y",
        as_of=as_of,
        currency="JPY",
        shares_basic=1e6,
        holdings=Holdings(units=100.0, price_currency="USD"),
        market=Market(fx={"USD": 100.0}),
        instruments=[
            Note(name="N", principal=1e6, currency="USD", maturity=dt.date(2026, 7, 1)),
            TermLoan(name="L", principal=2e6, currency="USD", issued=dt.date(2025, 1, 1),
                     maturity=dt.date(2028, 7, 1), pledged_units=90.0),
        ],
    )  # fmt: skip
    n = len(dates)
    for last, debt, nav in ((100.0, 250e6, 200.0), (200.0, 500e6, 400.0)):
        rates = np.where(np.arange(n) < 40, 100.0, last)
        res = simulate_paths(
            company, prices=np.full(n, 50_000.0), dates=dates, fx={"USD": rates}, record_paths=[0]
        )
        assert res.default_time.tolist() == [26]
        assert res.final_units.tolist() == [90.0]
        assert res.final_debt[0] == pytest.approx(debt, rel=1e-12)
        assert res.nav_per_share[0] == pytest.approx(nav, rel=1e-12)
        assert res.traces is not None
        traced = res.traces.values["nav_per_share"][0]
        assert traced[[30, 45, 52]] == pytest.approx([200.0, nav, nav], rel=1e-12)


def test_a_currencys_drawn_rates_do_not_depend_on_the_order_or_the_others_in_fx() -> None:
    from treasurymodel.simulation.fx import fx_paths

    company = Company(
        name="Yen",
        as_of=dt.date(2026, 1, 1),
        currency="JPY",
        shares_basic=1e3,
        holdings=Holdings(units=1.0, price_currency="USD"),
        market=Market(fx={"USD": 150.0, "EUR": 170.0}),
    )
    model = GBM(asset_price=1.0, volatility=0.5)
    prices = np.ones((3, 5))
    usd = FxGBM(currency="USD", volatility=0.2)
    eur = FxGBM(currency="EUR", volatility=0.1)
    kw: dict[str, Any] = {"model": model, "prices": prices, "seed": 4, "start": 0, "total": 3}
    alone = fx_paths({"USD": usd}, company, dt=0.25, **kw)["USD"]
    first = fx_paths({"USD": usd, "EUR": eur}, company, dt=0.25, **kw)
    second = fx_paths({"EUR": eur, "USD": usd}, company, dt=0.25, **kw)
    np.testing.assert_array_equal(first["USD"], alone)
    np.testing.assert_array_equal(second["USD"], alone)
    np.testing.assert_array_equal(first["EUR"], second["EUR"])
    assert not np.allclose(np.log(first["EUR"] / 170.0), np.log(alone / 150.0) / 2.0)  # own draws
