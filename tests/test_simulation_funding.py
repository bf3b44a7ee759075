"""Tests of how the simulated company funds itself: the equity gate, collateral liquidation
and dividends paid in shares.

Every expected figure is derived in the test from the contract terms and the stated formulas
(docs/theory/simulation.rst), never copied from the engine.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import btc_prices, companies
from treasurymodel import (
    Company,
    ConstantPremium,
    FundingPolicy,
    Holdings,
    Note,
    PreferredStock,
    TermLoan,
    ValidationError,
    accretive_share_price,
    datasets,
    margin_call_price,
    simulate_paths,
)

AS_OF = dt.date(2026, 1, 1)


def weekly(weeks: int, start: dt.date = AS_OF) -> list[dt.date]:
    return [start + dt.timedelta(weeks=w) for w in range(weeks + 1)]


# --- the accretion identity ------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    co=companies(),
    price=btc_prices(),
    size=st.floats(min_value=1e-4, max_value=0.9),
    move=st.sampled_from((-1e-3, 1e-3)),
)
def test_at_the_accretive_price_btc_per_diluted_share_is_unchanged(
    co: Company, price: float, size: float, move: float
) -> None:
    u, n = co.holdings.units, co.diluted_shares
    before = u / n
    raised = size * u * price  # the money raised by the sale

    # Buying coins: shares sold at S add raised / S shares and raised / P coins.
    s_buy = accretive_share_price(co, btc_price=price)
    assert s_buy == pytest.approx(u * price / n, rel=1e-14)
    after = (u + raised / price) / (n + raised / s_buy)
    assert after == pytest.approx(before, rel=1e-12)
    s = s_buy * (1.0 + move)
    moved = (u + raised / price) / (n + raised / s)
    assert (moved > before) if move > 0 else (moved < before)

    # Paying an obligation of `raised`: compared with selling raised / P coins for it.
    s_pay = accretive_share_price(co, btc_price=price, amount=raised)
    assert s_pay == pytest.approx((u * price - raised) / n, rel=1e-12)
    assert s_pay <= s_buy
    sell_coins = (u - raised / price) / n
    issue = u / (n + raised / s_pay)
    assert issue == pytest.approx(sell_coins, rel=1e-10)
    s = s_pay * (1.0 + move)
    issue = u / (n + raised / s)
    assert (issue > sell_coins) if move > 0 else (issue < sell_coins)


def test_accretive_share_price_broadcasts_and_refuses_bad_input() -> None:
    co = Company(name="X", as_of=AS_OF, holdings=Holdings(units=1_000), shares_basic=1e6)
    # 1,000 x P / 1e6 = P / 1,000; an obligation of 10M lowers it by 10M / 1e6 = 10.
    got = accretive_share_price(co, btc_price=np.array([40_000.0, 50_000.0]), amount=10e6)
    assert isinstance(got, np.ndarray)
    assert got.tolist() == [30.0, 40.0]
    assert accretive_share_price(co, btc_price=5_000.0, amount=10e6) == 0.0  # coins can't pay
    with pytest.raises(ValidationError, match="btc_price"):
        accretive_share_price(co, btc_price=-1.0)
    with pytest.raises(ValidationError, match="amount"):
        accretive_share_price(co, btc_price=1.0, amount=float("nan"))


# --- the equity gate -------------------------------------------------------------------------


def _gate_company() -> Company:
    # 1,000 coins, 1M shares (no other dilution), a 10M note due 2026-07-01, no cash.
    note = Note(name="N", principal=10e6, maturity=dt.date(2026, 7, 1))
    return Company(
        name="G",
        as_of=AS_OF,
        holdings=Holdings(units=1_000.0),
        shares_basic=1e6,
        instruments=[note],
    )


def test_the_accretion_gate_by_hand() -> None:
    # At 50,000 the accretive price is 1,000 x 50,000 / 1M = 50. At mNAV 1.0 the share price
    # is (50M - 10M) / 1M = 40: the accretion gate is shut, the note is paid with 200 coins;
    # the mNAV gate at 1.0 sells shares. At mNAV 1.25 the price is (62.5M - 10M) / 1M = 52.5,
    # at or above 50: both gates sell shares, 10M / 52.5 of them, and no coin.
    co = _gate_company()
    dates = weekly(30)
    prices = np.full(31, 50_000.0)
    full = FundingPolicy(max_issuance_fraction=1.0, daily_turnover=1.0)  # capacity is ample
    low = simulate_paths(co, prices=prices, dates=dates, policy=full)
    assert low.shares_issued[0] == 0.0
    assert low.btc_sold[0] == pytest.approx(10e6 / 50_000.0, rel=1e-15)
    legacy = simulate_paths(
        co, prices=prices, dates=dates, policy=FundingPolicy.legacy(**_ample())
    )
    assert legacy.btc_sold[0] == 0.0
    assert legacy.shares_issued[0] == pytest.approx(10e6 / 40.0, rel=1e-15)
    high = simulate_paths(
        co, prices=prices, dates=dates, policy=full, premium=ConstantPremium(mnav=1.25)
    )
    assert high.btc_sold[0] == 0.0
    assert high.shares_issued[0] == pytest.approx(10e6 / 52.5, rel=1e-15)
    # A 10% margin asks for 55 > 52.5: shut again.
    margin = simulate_paths(
        co,
        prices=prices,
        dates=dates,
        policy=FundingPolicy(accretion_margin=1.1, **_ample()),
        premium=ConstantPremium(mnav=1.25),
    )
    assert margin.shares_issued[0] == 0.0
    assert margin.btc_sold[0] == pytest.approx(200.0, rel=1e-15)


def _ample() -> dict[str, Any]:
    return {"max_issuance_fraction": 1.0, "daily_turnover": 1.0}


def test_the_flywheel_buys_only_at_an_accretive_price() -> None:
    # No debt: the share price at mNAV m is m x 1,000 x 50,000 / 1M = 50 m against an
    # accretive price of 50. At m = 0.9 the accretion gate buys nothing (the mNAV rule
    # buy_btc_above_mnav=0.8 alone would); at m = 1.5 it buys.
    co = Company(name="F", as_of=AS_OF, holdings=Holdings(units=1_000.0), shares_basic=1e6)
    dates = weekly(4)
    prices = np.full(5, 50_000.0)
    policy = FundingPolicy(buy_btc_above_mnav=0.8)
    below = simulate_paths(
        co, prices=prices, dates=dates, policy=policy, premium=ConstantPremium(mnav=0.9)
    )
    assert below.btc_bought[0] == 0.0
    legacy = simulate_paths(
        co,
        prices=prices,
        dates=dates,
        policy=FundingPolicy.legacy(buy_btc_above_mnav=0.8),
        premium=ConstantPremium(mnav=0.9),
    )
    assert legacy.btc_bought[0] > 0.0
    above = simulate_paths(
        co, prices=prices, dates=dates, policy=policy, premium=ConstantPremium(mnav=1.5)
    )
    assert above.btc_bought[0] > 0.0


def test_flat_path_on_the_february_2026_data_issues_common_only_through_the_mnav_gate() -> None:
    # mstr-2026-02 at the data set's $68,141: the accretive price is 713,502 x 68,141 /
    # 364,845,000 assumed-diluted shares = $133.26. At mNAV 1.0 the share price is
    # (713,502 x 68,141 - (debt + preferred - cash)) / 332,431,000 basic shares, well below.
    co = datasets.load("mstr-2026-02")
    price = 68_141.0
    threshold = 713_502 * price / 364_845_000
    assert accretive_share_price(co, btc_price=price) == pytest.approx(threshold, rel=1e-12)
    assert threshold == pytest.approx(133.26, abs=0.005)
    net = co.total_debt + co.total_preferred - co.cash
    share = (713_502 * price - net) / 332_431_000
    assert share < threshold
    dates = [co.as_of + dt.timedelta(weeks=w) for w in range(0, 4 * 52 + 1)]
    prices = np.full(len(dates), price)
    accretion = simulate_paths(co, prices=prices, dates=dates)
    mnav = simulate_paths(co, prices=prices, dates=dates, policy=FundingPolicy.legacy())
    assert accretion.shares_issued[0] == 0.0
    assert accretion.equity_raised[0] == 0.0
    assert mnav.shares_issued[0] > 0.0
    # every share the mNAV gate sold went at the mNAV-1 price, below the accretive price
    assert mnav.equity_raised[0] / mnav.shares_issued[0] < threshold


# --- collateral liquidation ------------------------------------------------------------------


def _slide_2022() -> tuple[Company, list[dt.date], Any]:
    # mstr-2022q2 on a straight slide from $20,000 to $3,000 over six months, daily.
    co = datasets.load("mstr-2022q2")
    dates = [co.as_of + dt.timedelta(days=d) for d in range(184)]
    prices = np.linspace(20_000.0, 3_000.0, len(dates))
    return co, dates, prices


@pytest.mark.parametrize("penalty", [0.0, 0.05])
def test_2022_slide_liquidates_only_the_coins_that_cover_the_loan(penalty: float) -> None:
    co, dates, prices = _slide_2022()
    loan = co.instrument("BTC-backed term loan")
    assert isinstance(loan, TermLoan)
    instruments = [
        inst if inst is not loan else _evolve_penalty(loan, penalty) for inst in co.instruments
    ]
    co = Company(
        name=co.name,
        as_of=co.as_of,
        holdings=co.holdings,
        shares_basic=co.shares_basic,
        cash=co.cash,
        instruments=instruments,
    )
    # With the $60M of cash paying the interest due meanwhile, the free coins do not move
    # before the call fails: it fails on the first day below the margin-call price of the
    # starting balance sheet, 205M / (0.5 x (30,051 + 85,058)) = $3,561.87.
    call = margin_call_price(co, "BTC-backed term loan")
    assert call == pytest.approx(205e6 / (0.5 * (129_699 - 14_590)), rel=1e-12)
    t = int(np.argmax(prices < call))
    res = simulate_paths(co, prices=prices, dates=dates, policy=FundingPolicy(issue_equity=False))
    assert res.first_seizure[0] == t
    assert res.btc_sold[0] == 0.0
    # The coins taken are worth what is owed plus the penalty; the loan is repaid.
    assert res.btc_seized[0] * prices[t] == pytest.approx(205e6 * (1.0 + penalty), rel=1e-12)
    assert res.liquidation_penalty[0] == pytest.approx(205e6 * penalty, rel=1e-12)
    assert res.final_debt[0] == pytest.approx(co.total_debt - 205e6, rel=1e-12)
    # The surplus is back: every other coin is still held (the old rule kept the whole
    # pledge, about 115,000 coins worth about $400M, against the $205M loan).
    assert res.final_units[0] == pytest.approx(129_699 - 205e6 * (1 + penalty) / prices[t])
    assert res.btc_seized[0] < 66_000


def _evolve_penalty(loan: TermLoan, penalty: float) -> TermLoan:
    import attrs

    return attrs.evolve(loan, liquidation_penalty=penalty)


def test_liquidation_penalty_is_validated() -> None:
    with pytest.raises(ValidationError, match="liquidation_penalty"):
        TermLoan(
            name="L",
            principal=1e6,
            issued=dt.date(2025, 1, 1),
            maturity=dt.date(2027, 1, 1),
            liquidation_penalty=-0.1,
        )


# --- dividends in shares ---------------------------------------------------------------------


def _strk_company(in_shares: bool) -> Company:
    # 1,000 coins, 1M shares, a 10M 8% quarterly series (200k a quarter), no cash, no debt.
    strk = PreferredStock(
        name="K", notional=10e6, rate=0.08, frequency=4, dividends_in_shares=in_shares
    )
    return Company(
        name="K Co", as_of=AS_OF, holdings=Holdings(units=1_000.0), shares_basic=1e6,
        instruments=[strk],
    )  # fmt: skip


def test_dividends_paid_in_shares_above_the_floor() -> None:
    # One dividend (31 March) at 50,000 and mNAV 1: share price (50M - 10M) / 1M = 40. With
    # a floor of 30 the 200k are paid in 200k / 40 = 5,000 new shares; with a floor of 45,
    # or a series whose terms do not allow it, in cash from 4 coins.
    dates = weekly(14)
    prices = np.full(15, 50_000.0)
    no_equity: dict[str, Any] = {"issue_equity": False}
    shares = simulate_paths(
        _strk_company(True),
        prices=prices,
        dates=dates,
        policy=FundingPolicy(pay_dividends_in_shares_above=30.0, **no_equity),
    )
    assert shares.dividend_shares[0] == pytest.approx(5_000.0, rel=1e-15)
    assert shares.dividends_paid_in_shares[0] == pytest.approx(200e3, rel=1e-15)
    assert shares.dividends_paid[0] == 0.0
    assert shares.btc_sold[0] == 0.0
    assert shares.final_shares[0] == pytest.approx(1e6 + 5_000.0, rel=1e-15)
    assert shares.unpaid_dividends[0] == 0.0
    for co, floor in ((_strk_company(True), 45.0), (_strk_company(False), 30.0)):
        cash = simulate_paths(
            co,
            prices=prices,
            dates=dates,
            policy=FundingPolicy(pay_dividends_in_shares_above=floor, **no_equity),
        )
        assert cash.dividend_shares[0] == 0.0
        assert cash.dividends_paid[0] == pytest.approx(200e3, rel=1e-15)
        assert cash.btc_sold[0] == pytest.approx(4.0, rel=1e-15)


def test_new_policy_fields_are_validated() -> None:
    with pytest.raises(ValidationError, match="equity_gate"):
        FundingPolicy(equity_gate="premium")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="accretion_margin"):
        FundingPolicy(accretion_margin=0.0)
    with pytest.raises(ValidationError, match="pay_dividends_in_shares_above"):
        FundingPolicy(pay_dividends_in_shares_above=-1.0)
    with pytest.raises(ValidationError, match="dividends_in_shares"):
        PreferredStock(name="P", notional=1.0, rate=0.1, dividends_in_shares="yes")  # type: ignore[arg-type]
