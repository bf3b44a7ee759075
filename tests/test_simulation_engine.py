"""Tests of the scenario engine (treasurymodel.simulation.simulate_paths).

Hand-worked cases first (every expected figure derived in the test from the contract terms,
never copied from the engine), then the 2022 maturity wall, then properties: conservation on
every path, agreement with the scalar reference (tests/_reference_engine.py) path by path, and
monotonicity in the price path.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests._reference_engine import reference_path
from tests.strategies import (
    UnitsGrant,
    companies,
    companies_with_springing,
    funding_policies,
    impact_models,
    premium_models,
    price_paths,
)
from treasurymodel import (
    Company,
    ConvertibleNote,
    Holdings,
    Note,
    PreferredStock,
    SecuredNote,
    TermLoan,
    ValidationError,
    margin_call_price,
    springing_trigger_price,
)
from treasurymodel.instruments import SpringingMaturity
from treasurymodel.simulation import (
    CallablePremium,
    ConstantPremium,
    ConvertibleIssuance,
    FundingPolicy,
    ImpactModel,
    PeakCompressionPremium,
    PreferredAtm,
    PreferredIssuance,
    SimulationResult,
    TermLoanIssuance,
    simulate_paths,
)
from treasurymodel.simulation.result import PATH_FIELDS

AS_OF = dt.date(2026, 1, 1)
NO_ISSUANCE = FundingPolicy(issue_equity=False)


def weekly(weeks: int, start: dt.date = AS_OF) -> list[dt.date]:
    return [start + dt.timedelta(weeks=w) for w in range(weeks + 1)]


def step_on_or_after(dates: list[dt.date], when: dt.date) -> int:
    return next(i for i, d in enumerate(dates) if d >= when)


def company(**kw: Any) -> Company:
    base: dict[str, Any] = {
        "name": "Test Co",
        "as_of": AS_OF,
        "holdings": Holdings(units=1_000.0),
        "shares_basic": 1e6,
        "cash": 0.0,
    }
    base.update(kw)
    return Company(**base)


# --- hand-worked cases --------------------------------------------------------------------


def test_flat_price_with_enough_cash_forces_no_sale() -> None:
    # 4% semiannual on 50M: 1M on 2026-07-01 and 1M + 50M on 2027-01-01 (regular periods).
    note = Note(
        name="N",
        principal=50e6,
        coupon=0.04,
        issued=dt.date(2025, 1, 1),
        maturity=dt.date(2027, 1, 1),
    )
    co = company(cash=100e6, instruments=[note])
    dates = weekly(104)
    res = simulate_paths(co, prices=np.full(105, 60_000.0), dates=dates, policy=NO_ISSUANCE)
    assert not res.forced_sale[0]
    assert res.first_forced_sale[0] == -1
    assert res.units_sold[0] == 0.0
    assert res.interest_paid[0] == 2e6
    assert res.principal_paid[0] == 50e6
    assert res.final_cash[0] == 100e6 - 52e6
    assert res.final_debt[0] == 0.0
    assert not res.default[0]


def test_cash_short_sells_exactly_the_gap() -> None:
    # 10M cash against a 30M maturity: 20M raised by selling at 50,000 = 400 coins.
    note = Note(name="N", principal=30e6, maturity=dt.date(2026, 7, 1))
    co = company(cash=10e6, instruments=[note])
    dates = weekly(52)
    res = simulate_paths(co, prices=np.full(53, 50_000.0), dates=dates, policy=NO_ISSUANCE)
    assert res.units_sold[0] == pytest.approx(400.0, rel=1e-15)
    assert res.first_forced_sale[0] == step_on_or_after(dates, dt.date(2026, 7, 1))
    assert res.final_cash[0] == 0.0
    assert res.sale_proceeds[0] == 20e6


def _loan_company(penalty: float = 0.0) -> Company:
    loan = TermLoan(
        liquidation_penalty=penalty,
        name="L",
        principal=100e6,
        rate=0.0,
        issued=dt.date(2025, 1, 1),
        maturity=dt.date(2028, 1, 1),
        max_ltv=0.5,
        pledged_units=3_000.0,
    )
    return company(holdings=Holdings(units=5_000.0), instruments=[loan])


def test_crash_below_margin_call_price_seizes_the_collateral() -> None:
    co = _loan_company()
    # Margin-call price: 100M / (0.5 x (3,000 pledged + 2,000 unencumbered)) = 40,000.
    assert margin_call_price(co, "L") == pytest.approx(40_000.0, rel=1e-15)
    dates = weekly(10)
    below = np.array([80_000.0] * 3 + [39_000.0] * 8)
    above = np.array([80_000.0] * 3 + [41_000.0] * 8)
    at = np.array([80_000.0] * 3 + [40_000.0] * 8)
    res = simulate_paths(co, prices=np.array([below, above, at]), dates=dates)
    # Below: the lender takes the coins that cover the 100M owed at 39,000, 2,564.10 of the
    # 3,000 pledged; the other 435.90 return to the free coins, the loan is repaid.
    taken = 100e6 / 39_000.0
    assert res.units_seized[0] == pytest.approx(taken, rel=1e-15)
    assert res.units_seized[1:].tolist() == [0.0, 0.0]
    assert res.first_seizure.tolist() == [3, -1, -1]
    assert res.final_units[0] == pytest.approx(5_000.0 - taken, rel=1e-15)
    assert res.final_debt.tolist() == [0.0, 100e6, 100e6]
    assert res.liquidation_penalty.tolist() == [0.0, 0.0, 0.0]
    # Above and exactly at the margin-call price the company tops up and keeps every coin.
    assert res.final_units[1] == res.final_units[2] == 5_000.0
    assert not res.default.any()
    assert not res.forced_sale.any()


def test_a_seizure_worth_less_than_the_loan_leaves_the_rest_owed() -> None:
    # A one-step fall from 80,000 to 15,000: the 3,000 pledged coins are worth 45M against a
    # 100M loan. The lender takes them; 55M stays owed, unsecured (no further margin calls).
    co = _loan_company()
    prices = np.array([80_000.0] * 3 + [15_000.0] * 8)
    res = simulate_paths(co, prices=prices, dates=weekly(10))
    assert res.units_seized[0] == 3_000.0
    assert res.first_seizure[0] == 3
    assert res.final_debt[0] == 100e6 - 3_000 * 15_000.0
    assert res.final_units[0] == 2_000.0
    assert not res.default[0]


def test_a_liquidation_penalty_takes_coins_worth_what_is_owed_plus_the_penalty() -> None:
    # 5% penalty. At 39,000 the pledge (3,000 coins, 117M) covers 105M: the lender takes
    # 105M / 39,000 = 2,692.31 coins, the loan is repaid and 5M is the penalty. At 15,000 it
    # covers 45M only: all 3,000 go, 45M / 1.05 = 42.857M repays the loan, 2.143M is penalty.
    co = _loan_company(penalty=0.05)
    prices = np.array([[80_000.0] * 3 + [39_000.0] * 8, [80_000.0] * 3 + [15_000.0] * 8])
    res = simulate_paths(co, prices=prices, dates=weekly(10))
    assert res.units_seized[0] == pytest.approx(105e6 / 39_000.0, rel=1e-15)
    assert res.units_seized[0] * 39_000.0 == pytest.approx(100e6 + 5e6, rel=1e-15)
    assert res.liquidation_penalty[0] == pytest.approx(5e6, rel=1e-15)
    assert res.final_debt[0] == 0.0
    assert res.final_units[0] == pytest.approx(5_000.0 - 105e6 / 39_000.0, rel=1e-15)
    assert res.units_seized[1] == 3_000.0
    assert res.final_debt[1] == pytest.approx(100e6 - 45e6 / 1.05, rel=1e-15)
    assert res.liquidation_penalty[1] == pytest.approx(45e6 - 45e6 / 1.05, rel=1e-15)
    assert res.final_units[1] == 2_000.0


def _put_company(*puts: dt.date) -> Company:
    """150M of cash, 10M shares and a 100M convertible (conversion price 200) with ``puts``."""
    cvt = ConvertibleNote(
        name="C",
        principal=100e6,
        issued=dt.date(2024, 1, 1),
        maturity=dt.date(2030, 1, 1),
        conversion_price=200.0,
        puts=list(puts),
    )
    return company(cash=150e6, shares_basic=10e6, instruments=[cvt])


def test_put_window_with_stock_below_conversion_price_draws_cash() -> None:
    co = _put_company(dt.date(2027, 1, 1))
    dates = weekly(104)
    prices = np.full(105, 60_000.0)
    # mNAV 1: share price (60M - 100M + 150M) / 10M = 11 < 200: holders put at par.
    low = simulate_paths(co, prices=prices, dates=dates, policy=NO_ISSUANCE)
    assert low.principal_paid[0] == 100e6
    assert low.final_cash[0] == 50e6
    assert low.final_debt[0] == 0.0
    assert not low.forced_sale[0]
    # mNAV 40: share price (2,400M - 100M + 150M) / 10M = 245 >= 200: nobody puts.
    high = simulate_paths(
        co, prices=prices, dates=dates, policy=NO_ISSUANCE, premium=ConstantPremium(mnav=40.0)
    )
    assert high.principal_paid[0] == 0.0
    assert high.final_cash[0] == 150e6
    assert high.final_debt[0] == 100e6


def test_holder_put_modes() -> None:
    co = _put_company(dt.date(2027, 1, 1))
    dates = weekly(104)
    prices = np.full(105, 60_000.0)
    paid = {
        mode: simulate_paths(
            co,
            prices=prices,
            dates=dates,
            policy=FundingPolicy(issue_equity=False, holder_puts=mode),
            premium=ConstantPremium(mnav=40.0),  # the stock is above the conversion price
        ).principal_paid[0]
        for mode in ("rational", "always", "never")
    }
    assert paid == {"rational": 0.0, "always": 100e6, "never": 0.0}


def test_two_put_dates_in_one_step_put_the_principal_once() -> None:
    # Puts on 1 and 4 January 2027 both fall in the weekly step (31 Dec 2026, 7 Jan 2027]. The
    # first put takes the whole 100M; the second finds nothing left. (The engine used to claim
    # the principal once per put date: 200M due, and a negative outstanding afterwards.)
    co = _put_company(dt.date(2027, 1, 1), dt.date(2027, 1, 4))
    dates = weekly(60)
    assert step_on_or_after(dates, dt.date(2027, 1, 1)) == step_on_or_after(
        dates, dt.date(2027, 1, 4)
    )
    policy = FundingPolicy(issue_equity=False, holder_puts="always")
    res = simulate_paths(co, prices=np.full(61, 60_000.0), dates=dates, policy=policy)
    assert res.principal_paid[0] == 100e6
    assert res.final_cash[0] == 50e6
    assert res.final_debt[0] == 0.0
    assert res.units_sold[0] == 0.0


def test_two_springing_clauses_in_one_step_spring_the_note_once() -> None:
    # Clauses dated 2 and 4 March 2026 (one weekly step) on a 50M secured note, "worst": the
    # note is due once, 50M from the 60M of cash; both references stay outstanding.
    refs = [
        ConvertibleNote(
            name=name,
            principal=100e6,
            issued=dt.date(2024, 1, 1),
            maturity=dt.date(2028, 1, 1),
            conversion_price=1e6,
        )
        for name in ("R1", "R2")
    ]
    sec = SecuredNote(
        name="S",
        principal=50e6,
        issued=dt.date(2024, 1, 1),
        maturity=dt.date(2030, 1, 1),
        pledged_units=100.0,
        springing=[
            SpringingMaturity(date=dt.date(2026, 3, 2), reference="R1", liquidity_multiple=1.3),
            SpringingMaturity(date=dt.date(2026, 3, 4), reference="R2", liquidity_multiple=1.3),
        ],
    )
    co = company(cash=60e6, instruments=[*refs, sec])
    policy = FundingPolicy(issue_equity=False, springing="worst")
    res = simulate_paths(co, prices=np.full(21, 50_000.0), dates=weekly(20), policy=policy)
    assert res.principal_paid[0] == 50e6
    assert res.final_cash[0] == 10e6
    assert res.final_debt[0] == 200e6
    assert res.units_sold[0] == 0.0
    assert res.final_units[0] == 1_000.0


def test_convertible_in_the_money_at_maturity_converts_without_cash() -> None:
    cvt = ConvertibleNote(
        name="C",
        principal=100e6,
        issued=dt.date(2021, 1, 1),
        maturity=dt.date(2026, 6, 1),
        conversion_price=50.0,
    )
    co = company(instruments=[cvt])
    dates = weekly(30)
    # mNAV 1: share price (1,000 x P - 100M) / 1M: 100 at 200,000 (converts), 20 at 120,000.
    prices = np.array([np.full(31, 200_000.0), np.full(31, 120_000.0)])
    res = simulate_paths(co, prices=prices, dates=dates, policy=NO_ISSUANCE)
    # 100M / 1,000 x (1,000 / 50) = 2,000,000 shares.
    assert res.shares_converted[0] == pytest.approx(2e6, rel=1e-15)
    assert res.final_shares[0] == pytest.approx(3e6, rel=1e-15)
    assert res.units_sold[0] == 0.0
    # Out of the money: repaid in cash, by selling 100M / 120,000 coins.
    assert res.shares_converted[1] == 0.0
    assert res.units_sold[1] == pytest.approx(100e6 / 120_000.0, rel=1e-15)
    assert res.final_debt.tolist() == [0.0, 0.0]


def test_issuer_call_forces_conversion() -> None:
    cvt = ConvertibleNote(
        name="C",
        principal=100e6,
        coupon=0.01,
        issued=dt.date(2024, 1, 1),
        maturity=dt.date(2030, 1, 1),
        conversion_price=50.0,
        call_from=dt.date(2026, 3, 1),
        call_trigger=1.3,
    )
    co = company(instruments=[cvt])
    dates = weekly(60)
    # share price (1,000 x 200,000 - 100M) / 1M = 100 >= 1.3 x 50: called on the first event
    # step from 1 March (the 1 July coupon), after that coupon is paid.
    prices = np.full(61, 200_000.0)
    on = simulate_paths(
        co, prices=prices, dates=dates, policy=FundingPolicy(issue_equity=False, issuer_calls=True)
    )
    off = simulate_paths(co, prices=prices, dates=dates, policy=NO_ISSUANCE)
    assert on.shares_converted[0] == pytest.approx(2e6, rel=1e-15)
    assert on.final_debt[0] == 0.0
    assert on.interest_paid[0] == 0.5e6  # the 1 July 2026 coupon only
    assert off.shares_converted[0] == 0.0
    assert off.interest_paid[0] == 1e6  # 1 July 2026 and 1 January 2027


def _strf(cap: float) -> PreferredStock:
    return PreferredStock(
        name="STRF",
        notional=100e6,
        rate=0.10,
        frequency=4,
        cumulative=True,
        unpaid_rate=0.11,
        unpaid_step=0.01,
        unpaid_cap=cap,
    )


def test_unpaid_cumulative_dividends_compound_with_step_up_and_cap() -> None:
    co = company(instruments=[_strf(cap=0.13)])
    dates = weekly(78)  # to 2027-06-30: six quarter ends
    policy = FundingPolicy(issue_equity=False, sell_asset=False)
    res = simulate_paths(co, prices=np.full(79, 50_000.0), dates=dates, policy=policy)
    regular = 100e6 * 0.10 / 4
    unpaid = regular  # 2026-03-31: first unpaid period, compounding rate 11%
    for rate in (0.11, 0.12, 0.13, 0.13, 0.13):  # +1% a period, capped at 13%
        unpaid = unpaid * (1 + rate / 4) + regular
    assert res.unpaid_dividends[0] == pytest.approx(unpaid, rel=1e-13)
    assert res.dividends_paid[0] == 0.0
    assert not res.default[0]  # an unpaid dividend is not a default
    nav = 1_000 * 50_000.0 - 100e6 - unpaid
    assert res.nav_per_share[0] == pytest.approx(nav / 1e6, rel=1e-12)


def test_arrears_are_paid_first_once_money_is_there() -> None:
    # No money for the first dividend (cash 0, no sales), then a cash-rich path: the same
    # company with 10M cash pays arrears and regular dividends from cash as they come.
    co = company(cash=10e6, instruments=[_strf(cap=0.18)])
    dates = weekly(26)
    res = simulate_paths(
        co,
        prices=np.full(27, 50_000.0),
        dates=dates,
        policy=FundingPolicy(issue_equity=False, sell_asset=False),
    )
    assert res.dividends_paid[0] == 2 * 2.5e6
    assert res.unpaid_dividends[0] == 0.0
    assert res.final_cash[0] == 10e6 - 5e6


def test_noncumulative_dividends_are_skipped_below_the_mnav_trigger() -> None:
    strd = PreferredStock(name="STRD", notional=100e6, rate=0.10, cumulative=False)
    co = company(cash=50e6, instruments=[strd])
    dates = weekly(52)
    policy = FundingPolicy(issue_equity=False, skip_noncumulative_below_mnav=1.0)
    prices = np.full(53, 50_000.0)
    low = simulate_paths(
        co, prices=prices, dates=dates, policy=policy, premium=ConstantPremium(mnav=0.9)
    )
    high = simulate_paths(
        co, prices=prices, dates=dates, policy=policy, premium=ConstantPremium(mnav=1.1)
    )
    # Skipped: nothing paid, nothing owed. Paid: four quarters of 2.5M from cash.
    assert (low.dividends_paid[0], low.unpaid_dividends[0], low.final_cash[0]) == (0.0, 0.0, 50e6)
    assert (high.dividends_paid[0], high.final_cash[0]) == (10e6, 40e6)


def test_cumulative_dividends_deferred_below_the_mnav_trigger_accrue() -> None:
    co = company(cash=50e6, instruments=[_strf(cap=0.18)])
    policy = FundingPolicy(issue_equity=False, defer_cumulative_below_mnav=1.0)
    res = simulate_paths(
        co,
        prices=np.full(14, 50_000.0),
        dates=weekly(13),
        policy=policy,
        premium=ConstantPremium(mnav=0.9),
    )
    assert res.dividends_paid[0] == 0.0
    assert res.unpaid_dividends[0] == 2.5e6
    assert res.final_cash[0] == 50e6


def test_square_root_impact_on_a_sale_by_hand() -> None:
    # V = 10,000 a day, c = 0.1: selling 2,500 coins has impact 0.1 x sqrt(0.25) = 0.05, so at
    # 105 it raises 2,500 x 105 / 1.05 = 250,000 and leaves the price at 105 / (1 + 2/3 x 0.05).
    note = Note(name="N", principal=250_000.0, maturity=dt.date(2026, 1, 20))
    co = company(holdings=Holdings(units=10_000.0), instruments=[note])
    impact = ImpactModel(daily_volume=10_000.0, coefficient=0.1, permanent_fraction=2.0 / 3.0)
    dates = weekly(6)
    res = simulate_paths(
        co, prices=np.full(7, 105.0), dates=dates, policy=NO_ISSUANCE, impact=impact
    )
    assert res.units_sold[0] == pytest.approx(2_500.0, rel=1e-12)
    assert res.sale_proceeds[0] == pytest.approx(250_000.0, rel=1e-15)
    assert res.final_price[0] == pytest.approx(105.0 / (1.0 + 0.05 * 2.0 / 3.0), rel=1e-12)
    # The permanent part carries into later steps; without impact the price is untouched.
    none = simulate_paths(co, prices=np.full(7, 105.0), dates=dates, policy=NO_ISSUANCE)
    assert none.final_price[0] == 105.0
    assert none.units_sold[0] == pytest.approx(250_000.0 / 105.0, rel=1e-15)


def test_equity_issuance_is_capped_by_the_traded_value() -> None:
    note = Note(name="N", principal=2e6, maturity=dt.date(2026, 1, 8))
    co = company(instruments=[note])
    policy = FundingPolicy(
        max_issuance_fraction=0.1,
        daily_turnover=0.02,
        trading_days_per_year=365.0,  # a week is 7 trading days
        min_mnav_to_issue=1.0,
    )
    res = simulate_paths(
        co,
        prices=np.full(2, 50_000.0),
        dates=weekly(1),
        policy=policy,
        premium=ConstantPremium(mnav=2.0),
    )
    share_price = (2.0 * 1_000 * 50_000.0 - 2e6) / 1e6  # 98
    cap = 0.1 * 0.02 * 7 * (1e6 * share_price)  # 1,372,000
    assert res.equity_raised[0] == pytest.approx(cap, rel=1e-13)
    assert res.shares_issued[0] == pytest.approx(cap / share_price, rel=1e-13)
    assert res.units_sold[0] == pytest.approx((2e6 - cap) / 50_000.0, rel=1e-12)
    # Below the mNAV threshold nothing is issued.
    low = simulate_paths(
        co,
        prices=np.full(2, 50_000.0),
        dates=weekly(1),
        policy=policy,
        premium=ConstantPremium(mnav=0.99),
    )
    assert low.equity_raised[0] == 0.0
    assert low.units_sold[0] == pytest.approx(2e6 / 50_000.0, rel=1e-15)


def test_cash_then_equity_covers_a_payment_without_a_rounding_default() -> None:
    # 1,672,251.18 + (3,809,559.90 - 1,672,251.18) rounds to 3,809,559.90 - 4.7e-10 in
    # doubles: a waterfall that re-adds its pieces would see an unpaid sliver and default.
    note = Note(name="N", principal=3_809_559.90, maturity=dt.date(2026, 1, 8))
    co = company(cash=1_672_251.18, instruments=[note])
    assert 1_672_251.18 + (3_809_559.90 - 1_672_251.18) < 3_809_559.90
    res = simulate_paths(
        co,
        prices=np.full(2, 50_000.0),
        dates=weekly(1),
        policy=FundingPolicy(max_issuance_fraction=1.0),
        premium=ConstantPremium(mnav=2.0),
    )
    assert not res.default[0]
    assert res.units_sold[0] == 0.0
    assert res.final_cash[0] == 0.0
    assert res.equity_raised[0] == 3_809_559.90 - 1_672_251.18
    assert res.principal_paid[0] == 3_809_559.90


def test_flywheel_compounds_units() -> None:
    # No obligations, no debt, no cash: share price x shares = mNAV x units x P, so each
    # week's budget is 0.1 x 0.02 x 7 x 2 x units x P and buys 2.8% more coins.
    co = company()
    policy = FundingPolicy(
        max_issuance_fraction=0.1,
        daily_turnover=0.02,
        trading_days_per_year=365.0,
        buy_asset_above_mnav=1.5,
    )
    res = simulate_paths(
        co,
        prices=np.full(11, 50_000.0),
        dates=weekly(10),
        policy=policy,
        premium=ConstantPremium(mnav=2.0),
    )
    assert res.final_units[0] == pytest.approx(1_000 * 1.028**10, rel=1e-12)
    assert res.units_bought[0] == pytest.approx(1_000 * (1.028**10 - 1), rel=1e-12)
    assert res.units_sold[0] == 0.0
    assert abs(res.final_cash[0]) < 1e-6
    # Below the buying threshold, nothing happens.
    still = simulate_paths(
        co,
        prices=np.full(11, 50_000.0),
        dates=weekly(10),
        policy=policy,
        premium=ConstantPremium(mnav=1.4),
    )
    assert still.units_bought[0] == 0.0


def test_springing_test_uses_cash_plus_unencumbered_coins() -> None:
    cvt = ConvertibleNote(
        name="R",
        principal=100e6,
        issued=dt.date(2024, 1, 1),
        maturity=dt.date(2027, 6, 1),
        conversion_price=1e6,
    )
    sec = SecuredNote(
        name="S",
        principal=50e6,
        issued=dt.date(2024, 1, 1),
        maturity=dt.date(2030, 1, 1),
        pledged_units=100.0,
        springing=[
            SpringingMaturity(date=dt.date(2026, 3, 1), reference="R", liquidity_multiple=1.3)
        ],
    )
    co = company(cash=30e6, holdings=Holdings(units=1_100.0), instruments=[cvt, sec])
    # Liquidity 30M + 1,000 x P falls short of 1.3 x 100M below P = 100,000.
    ((_, trigger),) = springing_trigger_price(co, "S")
    assert trigger == pytest.approx(100_000.0, rel=1e-15)
    dates = weekly(20)
    prices = np.array([np.full(21, 99_000.0), np.full(21, 101_000.0)])
    res = simulate_paths(co, prices=prices, dates=dates, policy=NO_ISSUANCE)
    assert res.principal_paid.tolist() == [50e6, 0.0]
    # Sprung: 30M of cash, then 20M from coins (the 100 pledged ones are freed to repay it).
    assert res.units_sold[0] == pytest.approx(20e6 / 99_000.0, rel=1e-14)
    assert res.first_forced_sale[0] == step_on_or_after(dates, dt.date(2026, 3, 1))
    assert res.final_debt.tolist() == [100e6, 150e6]
    worst = simulate_paths(
        co, prices=prices, dates=dates, policy=FundingPolicy(issue_equity=False, springing="worst")
    )
    best = simulate_paths(
        co, prices=prices, dates=dates, policy=FundingPolicy(issue_equity=False, springing="best")
    )
    assert worst.principal_paid.tolist() == [50e6, 50e6]
    assert best.principal_paid.tolist() == [0.0, 0.0]


def test_secured_note_due_can_be_repaid_with_its_own_pledged_coins() -> None:
    sec = SecuredNote(
        name="S",
        principal=10e6,
        issued=dt.date(2024, 1, 1),
        maturity=dt.date(2026, 3, 1),
        pledged_units=500.0,
    )
    # 100 unencumbered coins at 50,000 (5M) are not enough; the 500 pledged ones are freed.
    co = company(holdings=Holdings(units=600.0), instruments=[sec])
    res = simulate_paths(co, prices=np.full(11, 50_000.0), dates=weekly(10), policy=NO_ISSUANCE)
    assert not res.default[0]
    assert res.units_sold[0] == pytest.approx(200.0, rel=1e-15)
    assert res.final_units[0] == pytest.approx(400.0, rel=1e-15)


def test_events_before_the_first_date_fall_on_step_zero() -> None:
    note = Note(
        name="N",
        principal=10e6,
        coupon=0.1,
        frequency=2,
        issued=dt.date(2025, 1, 5),
        maturity=dt.date(2030, 1, 5),
    )
    co = company(cash=1e6, instruments=[note])
    start = dt.date(2026, 1, 10)  # the 5 January coupon lies in (as_of, start]
    res = simulate_paths(
        co, prices=np.full(3, 50_000.0), dates=weekly(2, start), policy=NO_ISSUANCE
    )
    assert res.interest_paid[0] == 0.5e6
    assert res.final_cash[0] == 0.5e6


def test_default_freezes_the_path() -> None:
    notes = [
        Note(name="A", principal=60e6, maturity=dt.date(2026, 3, 1)),
        Note(name="B", principal=1e6, coupon=0.1, frequency=12, maturity=dt.date(2028, 1, 1)),
    ]
    co = company(instruments=notes)
    dates = weekly(52)
    res = simulate_paths(co, prices=np.full(53, 50_000.0), dates=dates, policy=NO_ISSUANCE)
    t = step_on_or_after(dates, dt.date(2026, 3, 1))
    assert res.default_time[0] == t
    # Everything is sold at the default (1,000 coins, 50M), paid pro rata with that step's
    # coupon of B; nothing moves afterwards (B's later coupons are not paid).
    assert res.units_sold[0] == 1_000.0
    short = simulate_paths(
        co, prices=np.full(t + 1, 50_000.0), dates=dates[: t + 1], policy=NO_ISSUANCE
    )
    for name in PATH_FIELDS:
        assert np.array_equal(getattr(res, name), getattr(short, name)), name
    paid = res.interest_paid[0] + res.principal_paid[0]
    assert paid == pytest.approx(50e6, rel=1e-15)
    assert res.final_cash[0] == 0.0


def test_peak_compression_premium_stops_issuance_in_a_drawdown() -> None:
    note = Note(name="N", principal=1e6, maturity=dt.date(2026, 3, 1))
    co = company(instruments=[note])
    prem = PeakCompressionPremium(initial=2.0, floor=0.5, sensitivity=4.0)
    dates = weekly(10)
    # Path 1 stays at its peak (mNAV 2); path 2 fell 30% from its peak (mNAV 2 - 1.2 = 0.8).
    flat = np.full(11, 50_000.0)
    fallen = np.array([50_000.0] * 2 + [35_000.0] * 9)
    policy = FundingPolicy(max_issuance_fraction=1.0)  # a week's capacity covers the 1M
    res = simulate_paths(
        co, prices=np.array([flat, fallen]), dates=dates, premium=prem, policy=policy
    )
    assert res.equity_raised[0] == 1e6
    assert res.units_sold[0] == 0.0
    assert res.equity_raised[1] == 0.0
    assert res.units_sold[1] == pytest.approx(1e6 / 35_000.0, rel=1e-15)


def test_callable_premium_sees_the_state() -> None:
    seen: list[float] = []

    def fn(state: Any) -> Any:
        seen.append(float(state.units[0]))
        return np.where(state.asset_price < 40_000.0, 0.5, 3.0)

    note = Note(name="N", principal=1e6, maturity=dt.date(2026, 3, 1))
    co = company(instruments=[note])
    res = simulate_paths(
        co,
        prices=np.array([np.full(11, 50_000.0), np.full(11, 30_000.0)]),
        dates=weekly(10),
        premium=CallablePremium(fn=fn, uses_peak=False),
    )
    assert seen == [1_000.0]  # one event step
    assert res.equity_raised[0] == 1e6
    assert res.equity_raised[1] == 0.0


# --- the 2022 maturity wall ------------------------------------------------------------------


def _mstr_2022(*, with_interest: bool) -> Company:
    """The Q2 2022 structure (primer, "A worked case"; strategy-facts.md), cash excluded."""
    k = 1.0 if with_interest else 0.0
    cvt25 = ConvertibleNote(
        name="0.75% 2025",
        principal=650e6,
        coupon=0.0075 * k,
        issued=dt.date(2020, 12, 11),
        maturity=dt.date(2025, 12, 15),
        conversion_price=397.99,
    )
    cvt27 = ConvertibleNote(
        name="0% 2027",
        principal=1_050e6,
        issued=dt.date(2021, 2, 19),
        maturity=dt.date(2027, 2, 15),
        conversion_price=1_432.46,
    )
    secured = SecuredNote(
        name="6.125% 2028",
        principal=500e6,
        coupon=0.06125 * k,
        issued=dt.date(2021, 6, 14),
        maturity=dt.date(2028, 6, 15),
        pledged_units=14_590.0,
        springing=[
            SpringingMaturity(
                date=dt.date(2025, 9, 15),
                reference="0.75% 2025",
                liquidity_multiple=1.3,
                min_outstanding=100e6,
            ),
            SpringingMaturity(
                date=dt.date(2026, 11, 16), reference="0% 2027", liquidity_multiple=1.3
            ),
        ],
    )
    loan = TermLoan(
        name="term loan",
        principal=205e6,
        rate=0.0375 * k,
        issued=dt.date(2022, 3, 23),
        maturity=dt.date(2025, 3, 23),
        max_ltv=0.5,
        pledged_units=30_051.0,
    )
    other = Note(name="other", principal=11e6, maturity=dt.date(2027, 6, 30))
    return Company(
        name="MicroStrategy 2022Q2",
        as_of=dt.date(2022, 6, 30),
        holdings=Holdings(units=129_699.0),
        shares_basic=11.3e6,
        cash=0.0,
        instruments=[loan, cvt25, cvt27, secured, other],
    )


_WALL_POLICY = FundingPolicy(issue_equity=False, springing="worst")
_WALL_DATES = weekly(340, dt.date(2022, 6, 30))  # to 2029-01-04


def _wall(co: Company, prices: list[float]) -> SimulationResult:
    matrix = np.repeat(np.array(prices)[:, None], len(_WALL_DATES), axis=1)
    return simulate_paths(
        co,
        prices=matrix,
        dates=_WALL_DATES,
        policy=_WALL_POLICY,
        premium=ConstantPremium(mnav=1.0),
    )


def test_2022_maturity_wall_prices_zero_coupon_variant() -> None:
    # Primer: with the 129,699 BTC as the only resource, everything due by end-2025 (loan 205M
    # + 2025 convertibles 650M + sprung secured notes 500M = 1,355M) needs $10,447.27, and
    # everything due by end-2027 (2,416M) needs $18,627.75. With no interest, no cash and no
    # issuance the engine must default exactly on the right side of each, to the cent.
    co = _mstr_2022(with_interest=False)
    assert round(1_355e6 / 129_699, 2) == 10_447.27
    assert round(2_416e6 / 129_699, 2) == 18_627.75
    res = _wall(co, [10_447.26, 10_447.27, 18_627.74, 18_627.75])
    end_2025 = res.step_of(dt.date(2025, 12, 31))
    end_2027 = res.step_of(dt.date(2027, 12, 31))
    t = res.default_time
    dec_2025 = step_on_or_after(_WALL_DATES, dt.date(2025, 12, 15))
    assert t[0] == dec_2025  # the 2025 convertibles cannot be paid
    assert end_2025 < t[1] <= end_2027  # survives 2025, not 2027
    assert end_2025 < t[2] <= end_2027
    assert t[3] == -1  # everything is paid
    assert res.units_sold[3] == pytest.approx(2_416e6 / 18_627.75, rel=1e-12)


def test_2022_maturity_wall_with_interest_shifts_by_the_interest_paid() -> None:
    # With coupons the thresholds rise by the interest paid by then, divided by 129,699.
    # Interest worked by hand from the terms (payments after 30 June 2022):
    #   0.75% 2025 notes: 650M x 0.75% / 2 = 2,437,500 on 7 dates (Dec 2022 .. Dec 2025);
    #   6.125% secured: 500M x 6.125% / 2 = 15,312,500 on 6 dates (Dec 2022 .. Jun 2025),
    #     plus interest accrued to the springing date 15 Sep 2025: 90/180 of a coupon;
    #   term loan: 205M x 3.75% x days / 360, monthly from 23 Jul 2022 to 23 Mar 2025, for
    #     the days from 23 Jun 2022 to 23 Mar 2025 (ACT/360);
    #   0% 2027 notes and the other 11M debt (assumed zero coupon): nothing.
    loan_days = (dt.date(2025, 3, 23) - dt.date(2022, 6, 23)).days
    interest = (
        7 * 2_437_500.0 + 6 * 15_312_500.0 + 0.5 * 15_312_500.0 + 205e6 * 0.0375 * loan_days / 360
    )
    p2025 = (1_355e6 + interest) / 129_699
    p2027 = (2_416e6 + interest) / 129_699
    co = _mstr_2022(with_interest=True)
    eps = 1e-9
    res = _wall(co, [p2025 * (1 - eps), p2025 * (1 + eps), p2027 * (1 - eps), p2027 * (1 + eps)])
    end_2025 = res.step_of(dt.date(2025, 12, 31))
    end_2027 = res.step_of(dt.date(2027, 12, 31))
    t = res.default_time
    assert 0 <= t[0] <= end_2025
    assert end_2025 < t[1] <= end_2027
    assert end_2025 < t[2] <= end_2027
    assert t[3] == -1
    assert res.interest_paid[3] == pytest.approx(interest, rel=1e-12)


def test_2022_springing_test_passes_near_the_worst_case_wall() -> None:
    # With the clause actually tested, at $10,447.26 liquidity on 15 Sep 2025 (about 95,500
    # unencumbered coins, ~$1.0B) exceeds 130% of the 2025 notes (~$846M): the secured notes do
    # not spring and 2025 is survived; the Nov 2026 test (130% of 1,050M) then fails.
    co = _mstr_2022(with_interest=False)
    matrix = np.full((1, len(_WALL_DATES)), 10_447.26)
    res = simulate_paths(
        co, prices=matrix, dates=_WALL_DATES, policy=FundingPolicy(issue_equity=False)
    )
    assert res.default_time[0] > res.step_of(dt.date(2025, 12, 31))
    assert res.default_time[0] <= res.step_of(dt.date(2027, 12, 31))


# --- validation ----------------------------------------------------------------------------


def test_invalid_inputs_are_refused_before_any_work() -> None:
    co = company(instruments=[Note(name="N", principal=1e6, maturity=dt.date(2027, 1, 1))])
    dates = weekly(2)
    good = np.full(3, 50_000.0)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"prices": np.full(4, 1.0)}, "prices"),
        ({"prices": np.array([1.0, 0.0, 1.0])}, "prices"),
        ({"prices": np.array([1.0, np.nan, 1.0])}, "prices"),
        ({"prices": np.ones((2, 2, 3))}, "prices"),
        ({"dates": [dates[0], dates[0], dates[2]]}, "dates"),
        ({"dates": [dt.date(2025, 1, 1), *dates[1:]]}, "dates"),
        ({"dates": ["2026-01-01", *dates[1:]]}, "dates"),
        ({"policy": "cash first"}, "policy"),
        ({"premium": 1.2}, "premium"),
        ({"impact": 0.1}, "impact"),
        ({"policy": FundingPolicy(preferred_series="STRX")}, "policy.preferred_series"),
        ({"record": ["units", "colour"]}, "record"),
        ({"record": "units"}, "record"),
        ({"record": None}, "record"),
        # prices must stay in [1e-200, 1e200]: 1e-297 overflowed the coins to sell
        ({"prices": np.array([1.0, 1e-297, 1.0])}, "prices"),
        ({"prices": np.array([1.0, 1e201, 1.0])}, "prices"),
        ({"prices": np.array([1.0, np.inf, 1.0])}, "prices"),
        ({"prices": [True, True, True]}, "prices"),
        ({"prices": ["5e4", "5e4", "5e4"]}, "prices"),
        ({"prices": np.empty((0, 3))}, "prices"),
        ({"record": ["units"], "record_edges": "units"}, "record_edges"),
        ({"record": ["price"], "record_edges": {"units": [0.0, 1.0]}}, "record_edges"),
        ({"record": ["units"], "record_edges": {"units": "x"}}, "record_edges['units']"),
        ({"record": ["units"], "record_edges": {"units": [0.0, np.nan]}}, "record_edges['units']"),
        ({"record": ["units"], "record_edges": {"units": [1.0, 0.0]}}, "record_edges['units']"),
        ({"record": ["units"], "record_edges": {"units": [[0.0, 1.0]]}}, "record_edges['units']"),
    ]
    for change, field in cases:
        kw: dict[str, Any] = {"prices": good, "dates": dates, **change}
        with pytest.raises(ValidationError) as err:
            simulate_paths(co, **kw)
        assert err.value.field == field, change
    with pytest.raises(ValidationError, match="company"):
        simulate_paths("co", prices=good, dates=dates)  # type: ignore[arg-type]


def test_refusals_name_the_reason() -> None:
    co = company(instruments=[Note(name="N", principal=1e6, maturity=dt.date(2027, 1, 1))])
    dates = weekly(2)
    prices = np.full((3, 3), 50_000.0)
    prices[2, 1] = 1e-297
    with pytest.raises(ValidationError, match=r"\[1e-200, 1e\+200\] \(path 2, step 1\)"):
        simulate_paths(co, prices=prices, dates=dates)
    prices[2, 1] = 1e-200  # the ends of the range are accepted
    prices[0, 2] = 1e200
    assert simulate_paths(co, prices=prices, dates=dates).paths == 3
    # NaN edges are reported as NaN (they once read "must be increasing")
    with pytest.raises(ValidationError, match="NaN"):
        simulate_paths(
            co, prices=prices, dates=dates, record=["units"], record_edges={"units": [0, np.nan]}
        )


def test_matured_instrument_is_refused() -> None:
    # Refused where the Company is validated (one rule for metrics, wall and simulation).
    with pytest.raises(ValidationError, match=r"N\.maturity"):
        company(
            as_of=dt.date(2026, 6, 1),
            instruments=[Note(name="N", principal=1e6, maturity=dt.date(2026, 6, 1))],
        )


def test_one_dimensional_prices_are_one_path_and_layout_does_not_matter() -> None:
    co = company(
        cash=1e6,
        instruments=[Note(name="N", principal=20e6, coupon=0.05, maturity=dt.date(2027, 1, 1))],
    )
    dates = weekly(60)
    rng = np.random.default_rng(3)
    prices = 40_000.0 * np.exp(np.cumsum(rng.normal(0, 0.05, (5, 61)), axis=1))
    base = simulate_paths(co, prices=prices, dates=dates)
    fortran = simulate_paths(co, prices=np.asfortranarray(prices), dates=dates)
    assert base == fortran
    single = simulate_paths(co, prices=prices[2], dates=dates)
    assert single.paths == 1
    assert single.units_sold[0] == base.units_sold[2]


# --- properties ------------------------------------------------------------------------------

# 150 examples, or the profile's budget when larger (HYPOTHESIS_PROFILE=thorough: 500)
_SETTINGS = settings(
    max_examples=max(150, settings().max_examples),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@st.composite
def _cases(draw: st.DrawFn, springing: bool = False) -> tuple[Any, ...]:
    co = draw(companies_with_springing() if springing else companies())
    prices, dates, _ = draw(price_paths(paths=4, steps=40, as_of=co.as_of))
    policy = draw(funding_policies())
    sell_preferred = draw(st.booleans())
    if co.preferreds and sell_preferred:
        policy = attrs.evolve(
            policy, preferred_series=co.preferreds[-1].name, preferred_daily_capacity=5e6
        )
    with_atm = draw(st.booleans())
    if co.preferreds and with_atm:  # a series' own program, tried first
        atm = PreferredAtm(
            series=co.preferreds[0].name,
            daily_capacity=draw(st.sampled_from((1e5, 5e6))),
            price=draw(st.sampled_from((0.9, 1.0))),
            min_mnav=draw(st.sampled_from((0.0, 1.0))),
        )
        policy = attrs.evolve(policy, channels=(atm, *policy.channels))
    return co, prices, dates, policy, draw(premium_models()), draw(impact_models())


@_SETTINGS
@given(case=_cases())
def test_conservation_on_every_path(case: tuple[Any, ...]) -> None:
    co, prices, dates, policy, premium, impact = case
    res = simulate_paths(
        co, prices=prices, dates=dates, policy=policy, premium=premium, impact=impact
    )
    # Units: start + bought - sold - seized.
    units = co.holdings[0].units + res.units_bought - res.units_sold - res.units_seized
    np.testing.assert_allclose(
        res.final_units, units, rtol=1e-12, atol=1e-9 * co.holdings[0].units
    )
    # Cash moves only by the recorded flows.
    inflow = (
        res.equity_raised
        + res.preferred_raised
        + res.notes_issued
        + res.preferred_issued
        + res.loans_issued
        + res.other_raised
        + res.sale_proceeds
    )
    outflow = res.purchase_cost + res.interest_paid + res.principal_paid + res.dividends_paid
    # rounding is relative to the largest amount handled (a default shares a whole debt)
    scale = co.cash + co.total_debt + co.total_preferred + inflow + outflow + 1.0
    np.testing.assert_allclose(
        res.final_cash, co.cash + inflow - outflow, rtol=0, atol=1e-12 * scale.max()
    )
    # Shares only by issuance (for cash and as dividends) and conversion.
    np.testing.assert_allclose(
        res.final_shares,
        co.shares_basic + res.shares_issued + res.shares_converted + res.dividend_shares,
        rtol=1e-14,
    )
    assert (res.liquidation_penalty >= 0).all()
    assert (res.dividends_paid_in_shares >= 0).all()
    assert (res.dividend_shares >= 0).all()
    assert (res.final_units >= -1e-9 * co.holdings[0].units).all()
    assert (res.final_cash >= -1e-9 * scale).all()
    assert (res.units_sold >= 0).all()
    assert (res.units_bought >= 0).all()
    # Events are consistent with their flags.
    assert np.array_equal(res.default, res.default_time >= 0)
    assert np.array_equal(res.forced_sale, res.first_forced_sale >= 0)
    assert (res.first_seizure[res.units_seized > 0] >= 0).all()


def _double_put_case() -> tuple[Any, ...]:
    """A counterexample to the engine/reference agreement before the fix (in the strategies'
    range: principal 5e9, conversion price 10, 1e6 shares, cash 1e10; steps of 14 days).

    Both put dates of the 5B convertible fall in one step and holders always put: the engine
    and the reference claimed the principal once per put date, leaving -5B outstanding; the
    note then "converted" at maturity into -500M shares, the issuance capacity went negative,
    and the vectorized waterfall (which runs each source on every path once any path owes
    something) charged it to paths that owed nothing, unlike the reference: NaN interest and
    principal paid, different shares issued. Now a debt falls due at most once a step.
    """
    as_of = dt.date(2026, 1, 1)
    dates = tuple(as_of + dt.timedelta(days=14 * k) for k in range(41))
    cvt = ConvertibleNote(
        name="convertible 1",
        principal=5e9,
        issued=dt.date(2024, 1, 1),
        maturity=dt.date(2026, 9, 1),
        conversion_price=10.0,
        puts=[dt.date(2026, 3, 2), dt.date(2026, 3, 5)],
    )
    notes = [
        Note(name="note 2", principal=2e9, maturity=dt.date(2027, 3, 1)),
        Note(name="note 3", principal=1e8, coupon=0.1, frequency=12, maturity=dt.date(2030, 1, 1)),
    ]
    co = Company(
        name="Example Corp",
        as_of=as_of,
        holdings=Holdings(units=100_000.0),
        shares_basic=1e6,
        cash=1e10,
        instruments=[cvt, *notes],
    )
    rng = np.random.default_rng(1)
    steps = np.concatenate((np.zeros((4, 1)), rng.normal(0.0, 0.3, (4, 40))), axis=1)
    prices = 50_000.0 * np.exp(np.cumsum(steps, axis=1))
    policy = FundingPolicy(holder_puts="always", min_mnav_to_issue=0.0, max_issuance_fraction=0.1)
    return co, prices, dates, policy, ConstantPremium(mnav=1.0), None


def _refinancing_case() -> tuple[Any, ...]:
    """New convertible notes (with coupons, a put and a maturity inside the horizon) refinance
    a maturity and a put on some paths only, a user channel after them, and dividends paid in
    shares above a floor: every path-dependent part of the funding channels at once."""
    co, prices, dates, _, _, _ = _double_put_case()
    pref = PreferredStock(name="K", notional=5e8, rate=0.08, frequency=4, dividends_in_shares=True)
    co = attrs.evolve(co, instruments=[*co.instruments, pref], cash=3e9)
    notes = ConvertibleIssuance(
        capacity_per_year=3e9, coupon=0.04, frequency=4, tenor_years=1, min_share_price=20.0
    )
    put_notes = ConvertibleIssuance(
        name="put notes", capacity_per_year=2e9, coupon=0.02, tenor_years=2, put_years=1
    )
    loans = TermLoanIssuance(
        capacity_per_year=2e9,
        rate=0.08,
        tenor_years=1,
        origination_ltv=0.4,
        max_ltv=0.5,
        liquidation_penalty=0.05,
    )
    new_pref = PreferredIssuance(
        capacity_per_year=1e9, rate=0.09, frequency=12, rating_for_rate=3.0, widening=0.02
    )
    policy = FundingPolicy(
        holder_puts="always",
        pay_dividends_in_shares_above=30.0,
        channels=("common", loans, notes, put_notes, new_pref, UnitsGrant(1e-4), "coins"),
    )
    return co, prices, dates, policy, ConstantPremium(mnav=1.5), ImpactModel(daily_volume=5e4)


@_SETTINGS
@given(case=st.one_of(_cases(), _cases(springing=True)))
@example(case=_double_put_case())
@example(case=_refinancing_case())
def test_vectorized_engine_matches_the_scalar_reference_path_by_path(
    case: tuple[Any, ...],
) -> None:
    co, prices, dates, policy, premium, impact = case
    res = simulate_paths(
        co, prices=prices, dates=dates, policy=policy, premium=premium, impact=impact
    )
    for i in range(prices.shape[0]):
        ref = reference_path(co, list(prices[i]), dates, policy, premium, impact)
        for name in PATH_FIELDS:
            got, want = getattr(res, name)[i], getattr(ref, name)
            assert got == want, f"path {i}, {name}: engine {got!r}, reference {want!r}"


def _fixed_obligations(co: Company) -> Company:
    """The company with nothing that depends on the path: no pledges or margin loans, and
    convertibles that never convert (so puts, when allowed, are always exercised)."""
    out = []
    for inst in co.instruments:
        if isinstance(inst, ConvertibleNote):
            inst = attrs.evolve(inst, conversion_price=1e15, conversion_rate=None)
        elif isinstance(inst, SecuredNote):
            inst = attrs.evolve(inst, pledged_units=0.0)
        elif isinstance(inst, TermLoan):
            inst = attrs.evolve(inst, pledged_units=0.0, max_ltv=None)
        out.append(inst)
    return attrs.evolve(co, instruments=out)


@_SETTINGS
@given(
    data=st.data(),
    paths=price_paths(paths=3, steps=40),
    premium=premium_models(),
    impact=impact_models(),
    puts=st.sampled_from(("rational", "always", "never")),
    springing=st.sampled_from(("worst", "best")),
    floor=st.sampled_from((0.0, 1e8)),
    for_dividends=st.booleans(),
)
def test_lower_price_paths_never_sell_fewer_coins(
    data: st.DataObject,
    paths: tuple[Any, ...],
    premium: Any,
    impact: Any,
    puts: Any,
    springing: Any,
    floor: float,
    for_dividends: bool,
) -> None:
    # Holds whenever what falls due does not depend on the path: no issuance or buying, no
    # dividend skipping, no conversion, puts and springing decided the same way on every
    # path, no collateral. (With rational puts on convertibles that can convert, it does not
    # hold: see test_a_higher_path_can_sell_more_when_a_put_is_timed_differently.)
    prices, dates, as_of = paths
    co = _fixed_obligations(data.draw(companies(as_of=as_of)))
    policy = FundingPolicy(
        issue_equity=False,
        cash_reserve_floor=floor,
        sell_asset_for_dividends=for_dividends,
        holder_puts=puts,
        springing=springing,
    )
    cut = data.draw(
        st.lists(
            st.floats(min_value=0.0, max_value=0.6), min_size=prices.size, max_size=prices.size
        )
    )
    lower = prices * (1.0 - np.array(cut).reshape(prices.shape))
    hi = simulate_paths(
        co, prices=prices, dates=dates, policy=policy, premium=premium, impact=impact
    )
    lo = simulate_paths(
        co, prices=lower, dates=dates, policy=policy, premium=premium, impact=impact
    )
    assert (lo.units_sold >= hi.units_sold * (1 - 1e-12) - 1e-9).all()


def test_a_higher_path_can_sell_more_when_a_put_is_timed_differently() -> None:
    # The documented limit of monotonicity: share price (1,000 x P - 10M) / 1M is at the
    # conversion price 40 at P = 50,000. The lower path is put at 49,000 (204 coins); the higher
    # one is not put at 51,000 and repays at maturity after a crash to 20,000 (500 coins).
    cvt = ConvertibleNote(
        name="C",
        principal=10e6,
        issued=dt.date(2024, 1, 1),
        maturity=dt.date(2026, 9, 1),
        conversion_price=40.0,
        puts=[dt.date(2026, 3, 1)],
    )
    co = company(instruments=[cvt])
    dates = weekly(52)
    t_put = step_on_or_after(dates, dt.date(2026, 3, 1))
    high = np.where(np.arange(53) <= t_put, 51_000.0, 20_000.0)
    low = np.where(np.arange(53) <= t_put, 49_000.0, 20_000.0)
    res = simulate_paths(co, prices=np.array([high, low]), dates=dates, policy=NO_ISSUANCE)
    assert res.units_sold[0] == pytest.approx(10e6 / 20_000.0, rel=1e-15)
    assert res.units_sold[1] == pytest.approx(10e6 / 49_000.0, rel=1e-15)
    assert res.units_sold[1] < res.units_sold[0]
