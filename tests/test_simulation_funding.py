"""Tests of how the simulated company funds itself: the equity gate, collateral liquidation
and dividends paid in shares.

Every expected figure is derived in the test from the contract terms and the stated formulas
(docs/theory/simulation.rst), never copied from the engine.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.strategies import (
    asset_prices,
    companies,
    impact_models,
    premium_models,
    price_paths,
)
from tests.test_simulation_engine import _fixed_obligations
from treasurymodel import (
    Company,
    Holdings,
    Note,
    PreferredStock,
    TermLoan,
    ValidationError,
    datasets,
    margin_call_price,
)
from treasurymodel import ConvertibleNote as tm_ConvertibleNote
from treasurymodel.simulation import (
    ConstantPremium,
    ConvertibleIssuance,
    FundingPolicy,
    PreferredAtm,
    PreferredIssuance,
    TermLoanIssuance,
    accretive_share_price,
    simulate_paths,
)

AS_OF = dt.date(2026, 1, 1)


def weekly(weeks: int, start: dt.date = AS_OF) -> list[dt.date]:
    return [start + dt.timedelta(weeks=w) for w in range(weeks + 1)]


# --- the accretion identity ------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    co=companies(),
    price=asset_prices(),
    size=st.floats(min_value=1e-4, max_value=0.9),
    move=st.sampled_from((-1e-3, 1e-3)),
)
def test_at_the_accretive_price_btc_per_diluted_share_is_unchanged(
    co: Company, price: float, size: float, move: float
) -> None:
    u, n = co.holdings[0].units, co.diluted_shares
    before = u / n
    raised = size * u * price  # the money raised by the sale

    # Buying coins: shares sold at S add raised / S shares and raised / P coins.
    s_buy = accretive_share_price(co, asset_price=price)
    assert s_buy == pytest.approx(u * price / n, rel=1e-14)
    after = (u + raised / price) / (n + raised / s_buy)
    assert after == pytest.approx(before, rel=1e-12)
    s = s_buy * (1.0 + move)
    moved = (u + raised / price) / (n + raised / s)
    assert (moved > before) if move > 0 else (moved < before)

    # Paying an obligation of `raised`: compared with selling raised / P coins for it.
    s_pay = accretive_share_price(co, asset_price=price, amount=raised)
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
    got = accretive_share_price(co, asset_price=np.array([40_000.0, 50_000.0]), amount=10e6)
    assert isinstance(got, np.ndarray)
    assert got.tolist() == [30.0, 40.0]
    assert accretive_share_price(co, asset_price=5_000.0, amount=10e6) == 0.0  # coins can't pay
    with pytest.raises(ValidationError, match="asset_price"):
        accretive_share_price(co, asset_price=-1.0)
    with pytest.raises(ValidationError, match="amount"):
        accretive_share_price(co, asset_price=1.0, amount=float("nan"))


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
    assert low.units_sold[0] == pytest.approx(10e6 / 50_000.0, rel=1e-15)
    legacy = simulate_paths(
        co, prices=prices, dates=dates, policy=FundingPolicy.legacy(**_ample())
    )
    assert legacy.units_sold[0] == 0.0
    assert legacy.shares_issued[0] == pytest.approx(10e6 / 40.0, rel=1e-15)
    high = simulate_paths(
        co, prices=prices, dates=dates, policy=full, premium=ConstantPremium(mnav=1.25)
    )
    assert high.units_sold[0] == 0.0
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
    assert margin.units_sold[0] == pytest.approx(200.0, rel=1e-15)


def _ample() -> dict[str, Any]:
    return {"max_issuance_fraction": 1.0, "daily_turnover": 1.0}


def test_the_flywheel_buys_only_at_an_accretive_price() -> None:
    # No debt: the share price at mNAV m is m x 1,000 x 50,000 / 1M = 50 m against an
    # accretive price of 50. At m = 0.9 the accretion gate buys nothing (the mNAV rule
    # buy_asset_above_mnav=0.8 alone would); at m = 1.5 it buys.
    co = Company(name="F", as_of=AS_OF, holdings=Holdings(units=1_000.0), shares_basic=1e6)
    dates = weekly(4)
    prices = np.full(5, 50_000.0)
    policy = FundingPolicy(buy_asset_above_mnav=0.8)
    below = simulate_paths(
        co, prices=prices, dates=dates, policy=policy, premium=ConstantPremium(mnav=0.9)
    )
    assert below.units_bought[0] == 0.0
    legacy = simulate_paths(
        co,
        prices=prices,
        dates=dates,
        policy=FundingPolicy.legacy(buy_asset_above_mnav=0.8),
        premium=ConstantPremium(mnav=0.9),
    )
    assert legacy.units_bought[0] > 0.0
    above = simulate_paths(
        co, prices=prices, dates=dates, policy=policy, premium=ConstantPremium(mnav=1.5)
    )
    assert above.units_bought[0] > 0.0


def test_flat_path_on_the_february_2026_data_issues_common_only_through_the_mnav_gate() -> None:
    # mstr-2026-02 at the data set's $68,141: the accretive price is 713,502 x 68,141 /
    # 364,845,000 assumed-diluted shares = $133.26. At mNAV 1.0 the share price is
    # (713,502 x 68,141 - (debt + preferred - cash)) / 332,431,000 basic shares, well below.
    co = datasets.load("mstr-2026-02")
    price = 68_141.0
    threshold = 713_502 * price / 364_845_000
    assert accretive_share_price(co, asset_price=price) == pytest.approx(threshold, rel=1e-12)
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
    assert res.units_sold[0] == 0.0
    # The coins taken are worth what is owed plus the penalty; the loan is repaid.
    assert res.units_seized[0] * prices[t] == pytest.approx(205e6 * (1.0 + penalty), rel=1e-12)
    assert res.liquidation_penalty[0] == pytest.approx(205e6 * penalty, rel=1e-12)
    assert res.final_debt[0] == pytest.approx(co.total_debt - 205e6, rel=1e-12)
    # The surplus is back: every other coin is still held (the old rule kept the whole
    # pledge, about 115,000 coins worth about $400M, against the $205M loan).
    assert res.final_units[0] == pytest.approx(129_699 - 205e6 * (1 + penalty) / prices[t])
    assert res.units_seized[0] < 66_000


def _evolve_penalty(loan: TermLoan, penalty: float) -> TermLoan:
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
    assert shares.units_sold[0] == 0.0
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
        assert cash.units_sold[0] == pytest.approx(4.0, rel=1e-15)


def test_new_policy_fields_are_validated() -> None:
    with pytest.raises(ValidationError, match="equity_gate"):
        FundingPolicy(equity_gate="premium")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="accretion_margin"):
        FundingPolicy(accretion_margin=0.0)
    with pytest.raises(ValidationError, match="pay_dividends_in_shares_above"):
        FundingPolicy(pay_dividends_in_shares_above=-1.0)
    with pytest.raises(ValidationError, match="dividends_in_shares"):
        PreferredStock(name="P", notional=1.0, rate=0.1, dividends_in_shares="yes")  # type: ignore[arg-type]


# --- funding channels: new convertible notes and user channels ------------------------------


def _due_company(*, cash: float = 0.0, maturity: dt.date = dt.date(2026, 7, 1)) -> Company:
    # 1,000 coins, 1M shares, a zero-coupon 10M note; weekly steps are Thursdays from 1 Jan.
    note = Note(name="N", principal=10e6, maturity=maturity)
    return Company(
        name="R", as_of=AS_OF, holdings=Holdings(units=1_000.0), shares_basic=1e6, cash=cash,
        instruments=[note],
    )  # fmt: skip


def _notes_policy(channel: ConvertibleIssuance) -> FundingPolicy:
    return FundingPolicy(issue_equity=False, channels=(channel, "coins"))


def test_new_notes_refinance_a_maturity_and_their_coupons_follow() -> None:
    # The 10M falls due on step 26 (Thursday 2 July 2026); 1M of cash pays part, 9M of new 4%
    # semiannual notes the rest, at a share price of (50M - (10M - 1M)) / 1M = 41 and a
    # conversion price of 41 x 1.35 = 55.35. Their coupons fall on period ends: 31 December
    # 2026 (step 52) for the 182 of the period's 184 days since the issue, 9M x 2% x 182/184,
    # and 30 June 2027 (step 78, 1 July), 9M x 2%. Both are raised by new notes too; the one
    # issued on 31 December 2026 pays its own first coupon, a whole period, on 30 June 2027.
    # The coupons of 31 December 2027 fall after the last date (30 December 2027).
    dates = weekly(104)
    prices = np.full(105, 50_000.0)
    channel = ConvertibleIssuance(capacity_per_year=1e9, coupon=0.04, tenor_years=5)
    res = simulate_paths(
        _due_company(cash=1e6), prices=prices, dates=dates, policy=_notes_policy(channel)
    )
    first = 9e6 * 0.02 * 182 / 184
    second = 9e6 * 0.02 + first * 0.02
    assert res.units_sold[0] == 0.0
    assert res.notes_issued[0] == pytest.approx(9e6 + first + second, rel=1e-14)
    assert res.interest_paid[0] == pytest.approx(first + second, rel=1e-14)
    assert res.principal_paid[0] == 10e6
    assert res.final_debt[0] == pytest.approx(9e6 + first + second, rel=1e-14)
    assert res.final_cash[0] == 0.0
    assert res.notes_average_coupon[0] == pytest.approx(0.04, rel=1e-14)
    assert res.notes_average_premium[0] == pytest.approx(0.35, rel=1e-14)
    # the first tranche's conversion shares count in the diluted count: 9M / 55.35 of them
    assert res.final_diluted_shares[0] > 1e6 + 9e6 / 55.35


def test_a_closed_note_market_gives_the_old_behaviour() -> None:
    # The share price, 41, is below the market's floor of 100: nothing is issued and every
    # result is that of the policy without the channel (9M from 180 coins).
    dates = weekly(104)
    prices = np.full(105, 50_000.0)
    co = _due_company(cash=1e6)
    closed = ConvertibleIssuance(capacity_per_year=1e9, coupon=0.04, min_share_price=100.0)
    res = simulate_paths(co, prices=prices, dates=dates, policy=_notes_policy(closed))
    old = simulate_paths(co, prices=prices, dates=dates, policy=FundingPolicy(issue_equity=False))
    assert res == old
    assert res.units_sold[0] == pytest.approx(180.0, rel=1e-15)
    # the same with an mNAV floor above the premium model's 1.0
    shut = ConvertibleIssuance(capacity_per_year=1e9, min_mnav=1.01)
    assert simulate_paths(co, prices=prices, dates=dates, policy=_notes_policy(shut)) == old


def test_a_put_of_new_notes_is_rolled_within_the_yearly_capacity() -> None:
    # 10M due 1 March 2026 (step on 5 March), no cash. New zero-coupon semiannual notes with a
    # put on their second coupon date: 31 December 2026 for the notes of March (step 52) and
    # 31 December 2027 (step on 6 January 2028) for those of 31 December 2026. The share
    # price stays (50M - 10M) / 1M = 40 (new notes replace old debt one for one, and 100 coins
    # sold repay 5M), below the conversion price 54, so holders put and the put is rolled.
    dates = weekly(105)
    prices = np.full(106, 50_000.0)
    co = _due_company(maturity=dt.date(2026, 3, 1))
    ample = ConvertibleIssuance(capacity_per_year=1e9, tenor_years=3, put_years=1)
    res = simulate_paths(co, prices=prices, dates=dates, policy=_notes_policy(ample))
    assert res.notes_issued[0] == 30e6
    assert res.principal_paid[0] == 30e6
    assert res.final_debt[0] == 10e6
    assert res.units_sold[0] == 0.0
    # 15M a calendar year: 10M in March 2026, 5M of the December put (and 100 coins for the
    # other 5M); the 5M put of 2027 falls on a step of 2028, with a fresh 15M.
    small = attrs.evolve(ample, capacity_per_year=15e6)
    res = simulate_paths(co, prices=prices, dates=dates, policy=_notes_policy(small))
    assert res.notes_issued[0] == 20e6
    assert res.principal_paid[0] == 25e6
    assert res.units_sold[0] == pytest.approx(100.0, rel=1e-15)
    assert res.final_debt[0] == 5e6


def test_new_notes_convert_at_maturity_when_in_the_money() -> None:
    # No premium: the conversion price is the issue's share price, 40; the price is flat, so
    # at maturity on 31 December 2026 (the second semiannual period end after the issue on
    # 5 March) the stock is at the conversion price and the 10M converts into
    # 10M / 40 = 250,000 shares, with no cash.
    dates = weekly(80)
    prices = np.full(81, 50_000.0)
    co = _due_company(maturity=dt.date(2026, 3, 1))
    channel = ConvertibleIssuance(capacity_per_year=1e9, conversion_premium=0.0, tenor_years=1)
    res = simulate_paths(co, prices=prices, dates=dates, policy=_notes_policy(channel))
    assert res.shares_converted[0] == pytest.approx(250_000.0, rel=1e-15)
    assert res.final_debt[0] == 0.0
    assert res.principal_paid[0] == 10e6
    assert res.units_sold[0] == 0.0


class _Fixed:
    """A user channel returning what it was built with."""

    name = "fixed"

    def __init__(self, value: Any) -> None:
        self.value = value

    def available(self, state: Any) -> Any:
        return self.value


def test_a_user_channel_is_walked_in_its_place() -> None:
    # 3M from the user's channel, then 7M from 140 coins at 50,000.
    dates = weekly(30)
    prices = np.full(31, 50_000.0)
    policy = FundingPolicy(issue_equity=False, channels=(_Fixed(3e6), "coins"))
    res = simulate_paths(_due_company(), prices=prices, dates=dates, policy=policy)
    assert res.other_raised[0] == 3e6
    assert res.units_sold[0] == pytest.approx(140.0, rel=1e-15)
    # without "coins" in the list the rest is a default
    policy = FundingPolicy(channels=(_Fixed(3e6),))
    res = simulate_paths(_due_company(), prices=prices, dates=dates, policy=policy)
    assert res.default[0]
    assert res.units_sold[0] == 0.0


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (-1.0, "non-negative"),
        (float("nan"), "non-negative"),
        (np.ones(3), r"one amount per path \(2,\)"),
        ("lots", "numbers"),
    ],
)
def test_a_misbehaving_user_channel_is_refused_by_name(value: Any, reason: str) -> None:
    policy = FundingPolicy(channels=(_Fixed(value), "coins"))
    prices = np.full((2, 31), 50_000.0)
    with pytest.raises(ValidationError, match=f"channel 'fixed'.*{reason}"):
        simulate_paths(_due_company(), prices=prices, dates=weekly(30), policy=policy)


def test_channel_lists_and_fields_are_validated() -> None:
    with pytest.raises(ValidationError, match=r"channels\[0\]"):
        FundingPolicy(channels=("cash",))
    with pytest.raises(ValidationError, match=r"channels\[1\].*twice"):
        FundingPolicy(channels=("coins", "coins"))
    with pytest.raises(ValidationError, match=r"channels\[0\]"):
        FundingPolicy(channels=(42,))
    with pytest.raises(ValidationError, match="channels"):
        FundingPolicy(channels="coins")
    for field, value in [
        ("capacity_per_year", -1.0),
        ("coupon", 1.0),
        ("frequency", 3),
        ("conversion_premium", -0.1),
        ("tenor_years", 0),
        ("tenor_years", 2.5),
        ("min_share_price", float("nan")),
        ("min_mnav", -1.0),
    ]:
        kw: dict[str, Any] = {"capacity_per_year": 1e9, field: value}
        with pytest.raises(ValidationError, match=f"ConvertibleIssuance.{field}"):
            ConvertibleIssuance(**kw)
    with pytest.raises(ValidationError, match="put_years"):
        ConvertibleIssuance(capacity_per_year=1e9, tenor_years=3, put_years=3)


def test_refinancing_the_2027_28_puts_on_a_flat_path_sells_no_coin() -> None:
    # mstr-2026-02, flat at $68,141 to the end of 2029, the stock at mNAV 1 far below every
    # conversion price: $7.41B of convertibles are put in 2027 and 2028. With a market for new
    # 1% notes (put after 3 years, maturity after 5) of ample capacity, everything due is
    # rolled and no coin is sold; with that market closed, coins pay as before.
    co = datasets.load("mstr-2026-02")
    dates = [co.as_of + dt.timedelta(weeks=w) for w in range(205)]
    assert dates[-1] <= dt.date(2029, 12, 31) < dates[-1] + dt.timedelta(weeks=1)
    flat = np.full(len(dates), 68_141.0)
    puts = sum(
        d.principal for d in co.debts if isinstance(d, tm_ConvertibleNote) and d.puts
        and d.puts[0] < dt.date(2029, 1, 1)
    )  # fmt: skip
    assert puts == pytest.approx(7.41375e9, rel=1e-12)
    notes = ConvertibleIssuance(
        capacity_per_year=50e9, coupon=0.01, conversion_premium=0.35, tenor_years=5, put_years=3
    )
    policy = FundingPolicy(channels=("common", notes, "preferred", "coins"))
    rolled = simulate_paths(co, prices=flat, dates=dates, policy=policy)
    closed = simulate_paths(
        co,
        prices=flat,
        dates=dates,
        policy=attrs.evolve(
            policy, channels=("common", attrs.evolve(notes, min_share_price=1e6), "coins")
        ),
    )
    base = simulate_paths(co, prices=flat, dates=dates)
    assert rolled.units_sold[0] == 0.0
    assert not rolled.forced_sale[0]
    assert rolled.principal_paid[0] >= puts
    assert rolled.notes_issued[0] >= puts
    # the new notes' coupons are paid later on the path: more interest than the old notes'
    assert rolled.interest_paid[0] > base.interest_paid[0]
    assert closed == base
    assert base.units_sold[0] > 0.0


# --- properties --------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    paths=price_paths(paths=3, steps=40),
    premium=premium_models(),
    impact=impact_models(),
    puts=st.sampled_from(("always", "never")),
    springing=st.sampled_from(("worst", "best")),
    for_dividends=st.booleans(),
    capacity=st.sampled_from((0.0, 1e7, 1e9)),
    extra=st.sampled_from((1e6, 1e8, 1e10)),
    preferred=st.booleans(),
)
def test_more_capacity_never_sells_more_coins(
    data: st.DataObject,
    paths: tuple[Any, ...],
    premium: Any,
    impact: Any,
    puts: Any,
    springing: Any,
    for_dividends: bool,
    capacity: float,
    extra: float,
    preferred: bool,
) -> None:
    # Holds when nothing that falls due depends on the path (the conditions of
    # test_lower_price_paths_never_sell_fewer_coins: no equity, no dividend skipping, no
    # conversion or collateral, puts and springing decided alike on every path) and the
    # channel's notes fall due after the last date (no coupon, no put, a 5-year maturity)
    # with the market always open (the same for a new preferred series paying no dividend):
    # each step's shortfall after the channel is then no larger,
    # so fewer coins are sold at a price no lower (less impact); a path that runs out of coins
    # with less capacity has sold all it had.
    prices, dates, as_of = paths
    co = _fixed_obligations(data.draw(companies(as_of=as_of)))

    def policy(cap: float) -> FundingPolicy:
        notes: Any = ConvertibleIssuance(capacity_per_year=cap, tenor_years=5)
        if preferred:
            notes = PreferredIssuance(capacity_per_year=cap, rate=0.0)
        return FundingPolicy(
            issue_equity=False,
            sell_asset_for_dividends=for_dividends,
            holder_puts=puts,
            springing=springing,
            channels=(notes, "coins"),
        )

    kw: dict[str, Any] = {"prices": prices, "dates": dates, "premium": premium, "impact": impact}
    less = simulate_paths(co, policy=policy(capacity), **kw)
    more = simulate_paths(co, policy=policy(capacity + extra), **kw)
    assert (more.units_sold <= less.units_sold * (1 + 1e-12) + 1e-9).all()


# --- new preferred series --------------------------------------------------------------------


def _pref_policy(channel: PreferredIssuance) -> FundingPolicy:
    return FundingPolicy(issue_equity=False, channels=(channel, "coins"))


def test_a_new_preferred_series_refinances_and_pays_its_own_dividends() -> None:
    # The 10M note due 1 July falls on step 26 (2 July 2026), with no cash: 10M of a new 10%
    # quarterly series is sold. Its dividends fall on period ends: 30 September (step 39,
    # 1 October) for 90 of the quarter's 92 days, 10M x 2.5% x 90/92, and 31 December
    # (step 52), a whole quarter on the 10M plus 91/92 of one on what was sold on 1 October
    # (the quarter's last 91 days). Each is raised by selling more of the series.
    dates = weekly(52)
    prices = np.full(53, 50_000.0)
    channel = PreferredIssuance(capacity_per_year=1e9, rate=0.10, frequency=4)
    res = simulate_paths(_due_company(), prices=prices, dates=dates, policy=_pref_policy(channel))
    second = 10e6 * 0.025 * 90 / 92
    third = 10e6 * 0.025 + second * 0.025 * 91 / 92
    assert res.units_sold[0] == 0.0
    assert res.preferred_issued[0] == pytest.approx(10e6 + second + third, rel=1e-12)
    assert res.dividends_paid[0] == pytest.approx(second + third, rel=1e-12)
    assert res.final_preferred[0] == pytest.approx(10e6 + second + third, rel=1e-12)
    assert res.principal_paid[0] == 10e6
    assert res.preferred_average_rate[0] == pytest.approx(0.10, rel=1e-14)
    assert res.final_debt[0] == 0.0


def test_the_new_series_rate_widens_as_its_btc_rating_falls() -> None:
    # At the sale the reserve is 1,000 x 50,000 = 50M against 10M of debt and no preferred:
    # a BTC Rating of 5, three below the 8 at which the base 8% applies, so the rate is
    # 8% + 3 x 2% = 14%. A 12% ceiling, or a minimum rating of 6, shuts the market and the
    # note is paid with 200 coins, as without the channel.
    dates = weekly(30)
    prices = np.full(31, 50_000.0)
    wide = PreferredIssuance(capacity_per_year=1e9, rate=0.08, rating_for_rate=8.0, widening=0.02)
    res = simulate_paths(_due_company(), prices=prices, dates=dates, policy=_pref_policy(wide))
    assert res.preferred_issued[0] == 10e6
    assert res.preferred_average_rate[0] == pytest.approx(0.14, rel=1e-14)
    old = simulate_paths(
        _due_company(), prices=prices, dates=dates, policy=FundingPolicy(issue_equity=False)
    )
    assert old.units_sold[0] == pytest.approx(200.0, rel=1e-15)
    for shut in (attrs.evolve(wide, max_rate=0.12), attrs.evolve(wide, min_rating=6.0)):
        res = simulate_paths(_due_company(), prices=prices, dates=dates, policy=_pref_policy(shut))
        assert res == old


def test_preferred_issuance_fields_are_validated() -> None:
    for field, value in [
        ("capacity_per_year", -1.0),
        ("rate", 1.0),
        ("frequency", 5),
        ("rating_for_rate", 0.0),
        ("widening", -0.01),
        ("max_rate", 0.0),
        ("min_rating", -1.0),
        ("min_share_price", float("inf")),
        ("cumulative", "yes"),
    ]:
        kw: dict[str, Any] = {"capacity_per_year": 1e9, "rate": 0.1, field: value}
        with pytest.raises(ValidationError, match=f"PreferredIssuance.{field}"):
            PreferredIssuance(**kw)


class _RatingLender:
    """A user channel lending 3M while the BTC Rating is at least 4; it keeps what it saw."""

    name = "rating lender"

    def __init__(self) -> None:
        self.seen: list[tuple[float, float]] = []

    def available(self, state: Any) -> Any:
        self.seen.append((float(state.btc_rating[0]), float(state.units_per_share[0])))
        return np.where(state.btc_rating >= 4.0, 3e6, 0.0)


def test_a_user_channel_sees_the_btc_rating_and_units_per_share() -> None:
    # At the maturity step: 1,000 coins at 50,000 against 10M of debt is a BTC Rating of 5,
    # and 1,000 coins over 1M shares is 0.001 BTC per share: 3M lent, 140 coins sold. At
    # 35,000 the rating is 3.5: nothing lent, 10M / 35,000 coins sold.
    lender = _RatingLender()
    policy = FundingPolicy(issue_equity=False, channels=(lender, "coins"))
    prices = np.array([np.full(31, 50_000.0), np.full(31, 35_000.0)])
    res = simulate_paths(_due_company(), prices=prices, dates=weekly(30), policy=policy)
    assert lender.seen == [(5.0, 0.001)]  # one call, for both paths (the first path's values)
    assert res.other_raised.tolist() == [3e6, 0.0]
    assert res.units_sold[0] == pytest.approx(140.0, rel=1e-15)
    assert res.units_sold[1] == pytest.approx(10e6 / 35_000.0, rel=1e-15)


# --- a preferred series' own at-the-market program ---------------------------------------------


def test_each_series_can_have_its_own_at_the_market_program() -> None:
    # A 10M note due on step 26 and two series, A and B. A's program sells up to 1M of stated
    # amount a trading day at 0.95: the weekly step has 7 x 252 / 365 trading days, so it
    # raises 0.5M x 7 x 252/365 x 0.95 and A's notional grows by that over 0.95; B's program
    # (0.5M a day at par) raises 0.5M x 7 x 252/365; coins pay the rest at 50,000.
    a = PreferredStock(name="A", notional=5e6, rate=0.0, frequency=4)
    b = PreferredStock(name="B", notional=5e6, rate=0.0, frequency=4)
    co = attrs.evolve(_due_company(), instruments=[*_due_company().instruments, a, b])
    days = 7 * 252 / 365
    policy = FundingPolicy(
        issue_equity=False,
        channels=(
            PreferredAtm(series="A", daily_capacity=0.5e6, price=0.95),
            PreferredAtm(series="B", daily_capacity=0.5e6),
            "coins",
        ),
    )
    res = simulate_paths(co, prices=np.full(31, 50_000.0), dates=weekly(30), policy=policy)
    from_a = 0.5e6 * days * 0.95
    from_b = 0.5e6 * days
    assert res.preferred_raised[0] == pytest.approx(from_a + from_b, rel=1e-14)
    assert res.final_preferred[0] == pytest.approx(10e6 + from_a / 0.95 + from_b, rel=1e-14)
    assert res.units_sold[0] == pytest.approx((10e6 - from_a - from_b) / 50_000.0, rel=1e-14)


def test_a_program_for_an_unknown_series_is_refused() -> None:
    policy = FundingPolicy(channels=(PreferredAtm(series="STRZ", daily_capacity=1e6), "coins"))
    with pytest.raises(ValidationError, match=r"policy.channels\[0\].series.*STRZ"):
        simulate_paths(_due_company(), prices=np.full(31, 5e4), dates=weekly(30), policy=policy)
    with pytest.raises(ValidationError, match=r"PreferredAtm\.daily_capacity"):
        PreferredAtm(series="A", daily_capacity=-1.0)
    with pytest.raises(ValidationError, match=r"PreferredAtm\.price"):
        PreferredAtm(series="A", daily_capacity=1.0, price=0.0)


# --- term loans against free coins ---------------------------------------------------------


def _loan_policy(channel: TermLoanIssuance) -> FundingPolicy:
    return FundingPolicy(issue_equity=False, channels=(channel, "coins"))


def test_a_term_loan_against_free_coins_refinances_and_is_margined() -> None:
    # The 10M note due on step 26 (2 July 2026) is paid with a loan at 25% LTV: it pledges
    # 10M / (0.25 x 50,000) = 800 of the 1,000 coins. Its first interest date (31 July) is
    # after the last date (23 July). On the flat path nothing else happens. On the other
    # path BTC falls to 15,000 on step 28: at the 50% margin LTV the loan needs
    # 10M / (0.5 x 15,000) = 1,333.3 coins, more than the 1,000 held, so the lender sells
    # 10M / 15,000 = 666.7 of the 800 pledged and 133.3 return to the free coins.
    loan = TermLoanIssuance(
        capacity_per_year=1e9, rate=0.06, tenor_years=1, origination_ltv=0.25, max_ltv=0.5
    )
    dates = weekly(29)
    flat = np.full(30, 50_000.0)
    fall = np.where(np.arange(30) < 28, 50_000.0, 15_000.0)
    res = simulate_paths(
        _due_company(), prices=np.array([flat, fall]), dates=dates, policy=_loan_policy(loan)
    )
    assert res.loans_issued.tolist() == [10e6, 10e6]
    assert res.loans_average_rate.tolist() == [0.06, 0.06]
    assert res.units_sold.tolist() == [0.0, 0.0]
    assert res.final_debt.tolist() == [10e6, 0.0]
    assert res.units_seized[0] == 0.0
    assert res.units_seized[1] == pytest.approx(10e6 / 15_000.0, rel=1e-14)
    assert res.first_seizure.tolist() == [-1, 28]
    assert res.final_units[1] == pytest.approx(1_000.0 - 10e6 / 15_000.0, rel=1e-14)


def test_a_maturing_term_loan_is_rolled_with_the_coins_it_frees() -> None:
    # A 0% loan made on 2 July 2026 matures on its twelfth monthly period end, 30 June 2027
    # (step 78, 1 July). Its 800 pledged coins are freed before the funding, so a new loan
    # can pledge them again: 20M borrowed in all, 20M of principal paid, no coin sold.
    loan = TermLoanIssuance(capacity_per_year=12e6, rate=0.0, tenor_years=1)
    res = simulate_paths(
        _due_company(), prices=np.full(81, 50_000.0), dates=weekly(80), policy=_loan_policy(loan)
    )
    assert res.loans_issued[0] == 20e6
    assert res.principal_paid[0] == 20e6
    assert res.final_debt[0] == 10e6
    assert res.units_sold[0] == 0.0
    # The list's order matters: with the coins tried first, they pay the whole 10M (200 coins)
    # and the loan channel, after them, has nothing left to fund.
    small = attrs.evolve(loan, origination_ltv=0.1)
    res = simulate_paths(
        _due_company(),
        prices=np.full(31, 50_000.0),
        dates=weekly(30),
        policy=FundingPolicy(issue_equity=False, channels=("coins", small)),
    )
    assert res.loans_issued[0] == 0.0  # the coins paid everything first
    assert res.units_sold[0] == pytest.approx(200.0, rel=1e-15)


def test_term_loan_issuance_fields_are_validated() -> None:
    for field, value in [
        ("capacity_per_year", -1.0),
        ("rate", 1.0),
        ("frequency", 6),
        ("tenor_years", 0),
        ("origination_ltv", 0.0),
        ("max_ltv", 1.5),
        ("liquidation_penalty", 1.0),
    ]:
        kw: dict[str, Any] = {"capacity_per_year": 1e9, "rate": 0.05, field: value}
        with pytest.raises(ValidationError, match=rf"TermLoanIssuance\.{field}"):
            TermLoanIssuance(**kw)


def test_accretive_share_price_refuses_a_price_whose_reserve_overflows() -> None:
    # 1,000 units x 1e305 = 1e308 is a float (below 1.797e308); x 1e306 = 1e309 is not.
    # Threshold 1e308 / 1e6 shares = 1e302 (hand); beyond, asset_price is named, not an inf.
    co = Company(name="X", as_of=AS_OF, holdings=Holdings(units=1_000), shares_basic=1e6)
    assert accretive_share_price(co, asset_price=1e305) == pytest.approx(1e302, rel=1e-12)
    with pytest.raises(ValidationError) as info:
        accretive_share_price(co, asset_price=np.array([1.0, 1e306]))
    assert info.value.field == "asset_price"
    assert "BTC Reserve" in str(info.value)
