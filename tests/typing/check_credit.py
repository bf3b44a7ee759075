"""Credit: BTC Risk and BTC Credit, market spreads and the credit table (how-to: credit)."""

from __future__ import annotations

from typing import assert_type

import numpy as np
import numpy.typing as npt

import treasurymodel as tm
from tests.typing._runtime import is_array, is_float

FloatArray = npt.NDArray[np.float64]

co = tm.datasets.load("mstr-2026-02")

risk = tm.credit.btc_risk(co, "STRK", asset_volatility=0.5, expected_return=0.0)
assert_type(risk, float)
is_float(risk)
risk_grid = tm.credit.btc_risk(co, "STRK", asset_volatility=(0.3, 0.5), expected_return=0.0)
assert_type(risk_grid, FloatArray)
is_array(risk_grid, (2,))
by_price = tm.credit.btc_risk(
    co, "STRK", asset_volatility=0.5, expected_return=0.0, asset_price=np.array([50_000, 90_000])
)
assert_type(by_price, FloatArray)
is_array(by_price, (2,))

risks = tm.credit.btc_risks(co, asset_volatility=0.5, expected_return=0.0)
assert_type(risks, dict[str, float])
is_float(risks["STRK"])
risks_grid = tm.credit.btc_risks(
    co, asset_volatility=np.array([0.3, 0.5, 0.8]), expected_return=0.0
)
assert_type(risks_grid, dict[str, FloatArray])
is_array(risks_grid["STRK"], (3,))

spread = tm.credit.btc_credit_spread(
    co, "STRK", asset_volatility=0.5, expected_return=0.0, horizon=5
)
assert_type(spread, float)
is_float(spread)
spreads = tm.credit.btc_credit_spread(
    co, "STRK", asset_volatility=0.5, expected_return=0.0, horizon=[1.0, 5.0]
)
assert_type(spreads, FloatArray)
is_array(spreads, (2,))

assert_type(tm.credit.spread_from_risk(0.05, horizon=2.0), float)
is_float(tm.credit.spread_from_risk(0.05, horizon=2.0))
assert_type(tm.credit.spread_from_risk((0.05, 0.1)), FloatArray)
is_array(tm.credit.spread_from_risk((0.05, 0.1)), (2,))
assert_type(tm.credit.risk_from_spread(0.03), float)
assert_type(tm.credit.risk_from_spread([0.01, 0.03], horizon=2), FloatArray)
is_array(tm.credit.risk_from_spread([0.01, 0.03], horizon=2), (2,))

yield_strk = tm.credit.effective_yield(co, "STRK", price=80.0)
assert_type(yield_strk, float)
is_float(yield_strk)
yields = tm.credit.effective_yield(co, "STRK", price=(80, 100))
assert_type(yields, FloatArray)
is_array(yields, (2,))
market = tm.credit.market_spread(co, "STRF", price=105.0, risk_free_rate=0.04)
assert_type(market, float)
markets = tm.credit.market_spread(co, "STRF", price=np.array([95, 105]), risk_free_rate=0.04)
assert_type(markets, FloatArray)
is_array(markets, (2,))
surplus = tm.credit.credit_surplus(
    co, "STRK", price=80.0, risk_free_rate=0.04, asset_volatility=0.5, expected_return=0.0
)
assert_type(surplus, float)
is_float(surplus)
surpluses = tm.credit.credit_surplus(
    co, "STRK", price=[80, 90], risk_free_rate=0.04, asset_volatility=0.5, expected_return=0.0
)
assert_type(surpluses, FloatArray)
is_array(surpluses, (2,))

table = tm.credit_table(
    co, definition="dashboard", market_prices={"STRF": 105.0, "STRD": 80.0},
    risk_free_rate=0.04, asset_volatility=0.5, expected_return=0.0,
)  # fmt: skip
assert_type(table, tm.credit.CreditTable)
assert isinstance(table.row("STRD")["rating"], float)
