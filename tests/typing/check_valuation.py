"""Valuation of convertibles and preferreds, floats in and array-likes in (how-to: valuation)."""

from __future__ import annotations

import datetime as dt
from typing import assert_type

import numpy as np
import numpy.typing as npt

import treasurymodel as tm
from tests.typing._runtime import is_array, is_float

FloatArray = npt.NDArray[np.float64]

co = tm.datasets.load("mstr-2026-02")
note = co.instrument("0.625% convertible notes due 2028")
assert isinstance(note, tm.ConvertibleNote)  # instrument() returns any kind: narrow it
day = dt.date(2026, 2, 5)

value = tm.valuation.value_convertible(
    note, valuation_date=day, share_price=114.45, volatility=0.55, rate=0.04, credit_spread=0.03,
    steps=200,
)  # fmt: skip
assert_type(value, float)
is_float(value)
for share_prices in ([60.0, 114.45, 250.0], (60, 114, 250), np.array([60, 114, 250])):
    values = tm.valuation.value_convertible(
        note, valuation_date=day, share_price=share_prices, volatility=0.55, rate=0.04,
        credit_spread=0.03, steps=200,
    )  # fmt: skip
    assert_type(values, FloatArray)
    is_array(values, (3,))

rates = tm.valuation.Curve(times=[0.5, 1.0, 2.0, 5.0], zero_rates=[0.043, 0.041, 0.039, 0.040])
on_curve = tm.valuation.value_convertible(
    note, valuation_date=day, share_price=114.45, volatility=0.55, rate=rates,
    credit_spread=0.03, steps=200,
)  # fmt: skip
assert_type(on_curve, float)
assert_type(rates.zero_rate(2.0), float)
is_float(rates.zero_rate(2.0))
assert_type(rates.discount([1.0, 2.0]), FloatArray)
is_array(rates.discount((1, 2)), (2,))

assert_type(tm.valuation.parity(note, share_price=114.45), float)
is_array(tm.valuation.parity(note, share_price=(100, 200)), (2,))
assert_type(tm.valuation.parity(note, share_price=(100, 200)), FloatArray)
assert_type(
    tm.valuation.bond_floor(note, valuation_date=day, rate=0.04, credit_spread=0.03), float
)
floors = tm.valuation.bond_floor(note, valuation_date=day, rate=[0.03, 0.04], credit_spread=0.03)
assert_type(floors, FloatArray)
is_array(floors, (2,))
premium = tm.valuation.conversion_premium(note, price=102.65, share_price=114.45)
assert_type(premium, float)
is_float(premium)
premiums = tm.valuation.conversion_premium(note, price=102.65, share_price=(100, 114.45))
assert_type(premiums, FloatArray)
is_array(premiums, (2,))

vol = tm.valuation.implied_volatility(
    note, price=100.0, valuation_date=day, share_price=114.45, rate=0.04, credit_spread=0.03,
    steps=200,
)  # fmt: skip
assert_type(vol, float)
is_float(vol)
vols = tm.valuation.implied_volatility(
    note, price=[100.0, 105.0], valuation_date=day, share_price=114.45, rate=0.04,
    credit_spread=0.03, steps=200,
)  # fmt: skip
assert_type(vols, FloatArray)
is_array(vols, (2,))

greeks = tm.valuation.convertible_sensitivities(
    note, valuation_date=day, share_price=114.45, volatility=0.55, rate=0.04,
    credit_spread=0.03, steps=200,
)  # fmt: skip
assert_type(greeks, tm.valuation.ConvertibleSensitivities[float])
assert_type(greeks.delta, float)
is_float(greeks.delta)

strf = co.instrument("STRF")
assert isinstance(strf, tm.PreferredStock)
pref = tm.valuation.value_preferred(
    strf, valuation_date=day, rate=0.04, credit_spread=0.07, steps=200
)
assert_type(pref, float)
is_float(pref)
prefs = tm.valuation.value_preferred(
    strf, valuation_date=day, rate=0.04, credit_spread=(0.05, 0.07), steps=200
)
assert_type(prefs, FloatArray)
is_array(prefs, (2,))

at_btc = tm.valuation.convertible_value_at_asset_price(
    co, note.name, asset_price=(30_000, 68_141), valuation_date=day, mnav=1.1, volatility=0.55,
    rate=0.04, credit_spread=0.03, steps=200,
)  # fmt: skip
assert_type(at_btc, FloatArray)
is_array(at_btc, (2,))
