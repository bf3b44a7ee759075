"""Tests of the operating cash flow and the production (FundingPolicy inflows) in the engine.

Zero-volatility runs, with the amounts hand-computed from the calendar: weekly steps fall
``round(k * 365.25 / 52)`` days after the as-of date (halves up), so two years (104 steps) end
731 days on, and each flow accrues ``days / 365.25`` years' worth.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from treasurymodel import (
    GBM,
    Company,
    Holdings,
    Note,
    ValidationError,
    simulate,
)
from treasurymodel.simulation import FundingPolicy, SimulationResult

DAYS = 731  # round(104 * 365.25 / 52) = round(730.5), halves up
YEARS = DAYS / 365.25


def _company(cash: float, *, note: bool = False) -> Company:
    instruments = (
        [Note(name="N", principal=10e6, coupon=0.05, maturity=dt.date(2030, 1, 1))] if note else []
    )
    return Company(
        name="Inflows",
        as_of=dt.date(2026, 1, 1),
        holdings=Holdings(units=100.0),
        shares_basic=1e4,
        cash=cash,
        instruments=instruments,
    )


def _run(company: Company, policy: FundingPolicy, price: float = 50_000.0) -> SimulationResult:
    return simulate(
        company,
        model=GBM(asset_price=price, volatility=0.0),
        years=2,
        paths=2,
        seed=0,
        policy=policy,
        keep_paths=True,
    )


def test_an_operating_inflow_adds_to_cash_day_by_day() -> None:
    res = _run(_company(1e6), FundingPolicy(operating_cash_flow=2e6))
    # 1,000,000 + 2,000,000 x 731 / 365.25 = 5,002,737.85...
    np.testing.assert_allclose(res.final_cash, 1e6 + 2e6 * DAYS / 365.25, rtol=1e-12)
    np.testing.assert_allclose(res.final_units, 100.0, rtol=0)
    # NAV per share: (100 x 50,000 + cash) / 10,000
    np.testing.assert_allclose(res.nav_per_share, (5e6 + 1e6 + 2e6 * YEARS) / 1e4, rtol=1e-12)


def test_cash_is_conserved_with_an_inflow_and_coupons() -> None:
    # cash at the end = cash at the start + the inflow accrued - the interest paid
    res = _run(
        _company(1e6, note=True), FundingPolicy(operating_cash_flow=2e6, issue_equity=False)
    )
    assert (res.interest_paid > 0.0).all()
    assert not res.forced_sale.any()
    np.testing.assert_allclose(res.final_cash, 1e6 + 2e6 * YEARS - res.interest_paid, rtol=1e-12)
    # two years of 5% on 10,000,000 of semi-annual coupons on the steps: 4 coupons of 250,000
    np.testing.assert_allclose(res.interest_paid, 1e6, rtol=1e-9)


def test_a_burn_is_paid_from_cash() -> None:
    res = _run(_company(10e6), FundingPolicy(operating_cash_flow=-2e6))
    np.testing.assert_allclose(res.final_cash, 10e6 - 2e6 * YEARS, rtol=1e-12)
    assert not res.default.any()
    assert not res.forced_sale.any()


def test_a_burn_that_cash_cannot_fund_sells_coins_or_defaults() -> None:
    # Cash 1,000,000 against a burn of 2,000,000 a year: after step 25 (176 days) cash is
    # 1,000,000 - 2,000,000 x 176 / 365.25 = 36,276.5; step 26 (183 days) owes
    # 2,000,000 x 7 / 365.25 = 38,329.9, more than that.
    sells = _run(_company(1e6), FundingPolicy(operating_cash_flow=-2e6, issue_equity=False))
    assert (sells.first_forced_sale == 26).all()
    assert not sells.default.any()
    stuck = _run(
        _company(1e6),
        FundingPolicy(operating_cash_flow=-2e6, issue_equity=False, sell_asset=False),
    )
    assert (stuck.default_time == 26).all()


def test_production_adds_units() -> None:
    res = _run(_company(0.0), FundingPolicy(production=120.0))
    # 100 + 120 x 731 / 365.25 = 340.16...
    np.testing.assert_allclose(res.final_units, 100.0 + 120.0 * YEARS, rtol=1e-12)
    np.testing.assert_allclose(res.final_price, 50_000.0, rtol=0)


def test_zero_inflows_change_nothing() -> None:
    company = _company(1e6, note=True)
    model = GBM(asset_price=50_000.0, volatility=0.8)
    kw = {"years": 3, "paths": 1_100, "seed": 4, "keep_paths": True}
    a = simulate(company, model=model, policy=FundingPolicy(), **kw)  # type: ignore[call-overload]
    b = simulate(
        company,
        model=model,
        policy=FundingPolicy(operating_cash_flow=0.0, production=0.0),
        **kw,
    )  # type: ignore[call-overload]
    np.testing.assert_array_equal(a.nav_per_share, b.nav_per_share)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"operating_cash_flow": float("nan")}, "FundingPolicy.operating_cash_flow"),
        ({"operating_cash_flow": "1e6"}, "FundingPolicy.operating_cash_flow"),
        ({"production": -1.0}, "FundingPolicy.production: must not be negative"),
    ],
)
def test_bad_inflows_are_refused(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        FundingPolicy(**kwargs)  # type: ignore[arg-type]
