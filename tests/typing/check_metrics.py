"""Metrics, BTC Rating and the share price for an mNAV, with every kind of price argument."""

from __future__ import annotations

from typing import assert_type

import numpy as np
import numpy.typing as npt

import treasurymodel as tm
from tests.typing._runtime import is_array, is_float
from treasurymodel.credit import btc_rating, btc_ratings

FloatArray = npt.NDArray[np.float64]

co = tm.datasets.load("mstr-2026-02")
assert_type(co, tm.Company)

# A float (or an int, or a numpy float) in: Metrics of floats.
m = tm.metrics(co, asset_price=68_141.0, share_price=114.45)
assert_type(m, tm.Metrics[float])
assert_type(m.nav_per_share, float)
is_float(m.nav_per_share)
assert_type(tm.metrics(co, asset_price=68_141), tm.Metrics[float])
is_float(tm.metrics(co, asset_price=68_141).nav)
assert_type(tm.metrics(co, asset_price=np.float64(68_141.0)), tm.Metrics[float])

# An array-like in: Metrics of float64 arrays.
prices_list = [40_000.0, 68_141.0, 120_000.0]
prices_tuple = (40_000.0, 68_141.0, 120_000.0)
prices_ints = np.array([40_000, 68_141, 120_000])
prices_int32 = np.array([40_000, 68_141, 120_000], dtype=np.int32)
prices_float32 = np.array([40_000.0, 68_141.0, 120_000.0], dtype=np.float32)
prices_float64 = np.linspace(40_000.0, 120_000.0, 3)
for grid in (
    tm.metrics(co, asset_price=prices_list),
    tm.metrics(co, asset_price=prices_tuple),
    tm.metrics(co, asset_price=[40_000, 68_141, 120_000]),
    tm.metrics(co, asset_price=(40_000, 68_141, 120_000)),
    tm.metrics(co, asset_price=prices_ints),
    tm.metrics(co, asset_price=prices_int32),
    tm.metrics(co, asset_price=prices_float32),
    tm.metrics(co, asset_price=prices_float64),
    tm.metrics(co, asset_price=np.arange(40_000, 120_001, 40_000)),
):
    assert_type(grid, tm.Metrics[FloatArray])
    assert_type(grid.nav_per_share, FloatArray)
    is_array(grid.nav_per_share, (3,))

# A float price with an array of share prices, and the other way round.
by_share = tm.metrics(co, asset_price=68_141.0, share_price=(100.0, 114.45))
assert_type(by_share, tm.Metrics[FloatArray])
assert by_share.mnav is not None
is_array(by_share.mnav, (2,))
table = tm.metrics(co, asset_price=np.array([[40_000.0], [68_141.0]]), share_price=[90, 114])
assert_type(table, tm.Metrics[FloatArray])
assert table.mnav is not None
is_array(table.mnav, (2, 2))

# The share price at which the company trades at an mNAV.
one = tm.kpi.share_price_for_mnav(co, mnav=1.0, asset_price=68_141.0)
assert_type(one, float)
is_float(one)
many = tm.kpi.share_price_for_mnav(co, mnav=1.1, asset_price=(30_000, 68_141, 150_000))
assert_type(many, FloatArray)
is_array(many, (3,))
by_mnav = tm.kpi.share_price_for_mnav(co, mnav=[1.0, 2.0], asset_price=68_141.0)
assert_type(by_mnav, FloatArray)
is_array(by_mnav, (2,))

# BTC Rating of one security and of all of them.
rating = btc_rating(co, "STRD", asset_price=68_141.0)
assert_type(rating, float)
is_float(rating)
ratings_grid = btc_rating(co, "STRD", asset_price=(30_000.0, 68_141.0, 150_000.0))
assert_type(ratings_grid, FloatArray)
is_array(ratings_grid, (3,))
ratings = btc_ratings(co, asset_price=68_141.0, share_price=114.45)
assert_type(ratings, tm.credit.Ratings[float])
is_float(ratings["STRD"])
ratings_by_price = btc_ratings(co, asset_price=np.array([30_000, 150_000]))
assert_type(ratings_by_price, tm.credit.Ratings[FloatArray])
is_array(ratings_by_price["STRD"], (2,))

# BTC Yield, BTC Gain and BTC $ Gain over a period (Strategy's 2024 figures).
yield_2024 = tm.btc_yield(
    start_units=189_150, start_shares=196_000e3, end_units=447_470, end_shares=281_735e3
)
assert_type(yield_2024, float)
is_float(yield_2024)
yields = tm.btc_yield(
    start_units=100.0, start_shares=1_000.0, end_units=(110.0, 150.0), end_shares=1_200.0
)
assert_type(yields, FloatArray)
is_array(yields, (2,))
gain = tm.kpi.btc_gain(start_units=100, start_shares=1_000, end_units=150, end_shares=1_200)
assert_type(gain, float)
is_float(gain)
gains = tm.kpi.btc_gain(
    start_units=[100.0, 200.0], start_shares=1_000.0, end_units=150.0, end_shares=1_200.0
)
assert_type(gains, FloatArray)
is_array(gains, (2,))
dollars = tm.kpi.btc_dollar_gain(
    start_units=100.0, start_shares=1_000.0, end_units=150.0, end_shares=1_200.0,
    end_price=np.array([60_000, 90_000]),
)  # fmt: skip
assert_type(dollars, FloatArray)
is_array(dollars, (2,))

# The accretive share price of a raise.
accretive = tm.simulation.accretive_share_price(co, asset_price=68_141.0)
assert_type(accretive, float)
is_float(accretive)
accretive_grid = tm.simulation.accretive_share_price(co, asset_price=(60_000, 70_000), amount=1e9)
assert_type(accretive_grid, FloatArray)
is_array(accretive_grid, (2,))
