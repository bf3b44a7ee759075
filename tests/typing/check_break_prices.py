"""Break prices, the maturity wall and NAV sensitivity, as the how-to on break prices shows."""

from __future__ import annotations

import datetime as dt
from typing import Any, assert_type

import numpy as np
import numpy.typing as npt

import treasurymodel as tm
from tests.typing._runtime import is_array, is_float

FloatArray = npt.NDArray[np.float64]

mstr = tm.datasets.load("mstr-2022q2")

call = tm.margin_call_price(mstr, "BTC-backed term loan")
assert_type(call, float | None)
assert call is not None
is_float(call)
joint = tm.joint_margin_call_price(mstr)
assert_type(joint, float | None)

wall = tm.maturity_wall(mstr, springing="worst")
assert_type(wall, tm.liquidation.MaturityWall)
for row in wall:
    assert_type(row, tm.liquidation.MaturityWallRow)
    assert_type(row.period, str)
    assert_type(row.breakeven_price, float)
    assert_type(row.end, dt.date)
    is_float(row.breakeven_price)
assert_type(wall.row("2025").cumulative_due, float)
assert_type(wall.to_dict(), dict[str, Any])
shares_wall = tm.maturity_wall(mstr, conversion="shares", mnav=6.0, include_interest=True)
assert_type(shares_wall, tm.liquidation.MaturityWall)

coverage = tm.coverage_break_price(mstr, years=2)
assert_type(coverage, float)
is_float(coverage)

secured = "6.125% senior secured notes due 2028"
for day, price in tm.springing_trigger_price(mstr, secured):
    assert_type(day, dt.date)
    assert_type(price, float | None)

# A price grid as a list, a tuple or an integer array.
for asset_prices in (
    [10_000.0, 20_000.0, 30_000.0],
    (10_000, 20_000, 30_000),
    np.arange(1, 4) * 10_000,
):
    table = tm.nav_sensitivity(mstr, asset_prices=asset_prices, share_price=160.0)
    assert_type(table, tm.liquidation.NavSensitivity)
    assert_type(table.nav_per_share, FloatArray)
    is_array(table.nav_per_share, (3,))

# An equity raise, then the break prices again.
after = tm.raise_equity(mstr, 500e6, share_price=300.0, asset_price=20_000.0)
assert_type(after, tm.Company)
assert_type(tm.margin_call_price(after, "BTC-backed term loan"), float | None)
