"""Term structures of rates and spreads (:class:`treasurymodel.valuation.Curve`) in valuation."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import treasurymodel as tm
from tests.mstr_facts import NOTE_2028
from treasurymodel import (
    ConvertibleNote,
    ValidationError,
)
from treasurymodel.valuation import (
    Curve,
    bond_floor,
    convertible_sensitivities,
    implied_volatility,
    value_convertible,
)

VD = dt.date(2026, 2, 5)
ZERO = ConvertibleNote(
    name="0% five-year", principal=1e9, issued=VD, maturity=dt.date(2031, 2, 5),
    conversion_price=100.0,
)  # fmt: skip
T_ZERO = 1826 / 365


def _n(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


# --- the curve itself ------------------------------------------------------------------------


def test_curve_by_hand() -> None:
    # Zero rates 3% at 1 year and 4% at 2 years: forwards 3% on (0, 1], (0.08 - 0.03) / 1 = 5%
    # on (1, 2] and after. D(1.5) = exp(-(0.03 + 0.5 * 0.05)) = exp(-0.055); D(3) =
    # exp(-(0.08 + 0.05)) = exp(-0.13), so z(3) = 0.13 / 3.
    curve = Curve(times=(1.0, 2.0), zero_rates=(0.03, 0.04))
    assert curve.forward_rates().tolist() == pytest.approx([0.03, 0.05], abs=1e-15)
    assert curve.discount(0.5) == pytest.approx(math.exp(-0.015), rel=1e-14)
    assert curve.discount(1.5) == pytest.approx(math.exp(-0.055), rel=1e-14)
    assert curve.discount(3.0) == pytest.approx(math.exp(-0.13), rel=1e-14)
    assert curve.zero_rate(3.0) == pytest.approx(0.13 / 3, rel=1e-14)
    assert curve.zero_rate(0.0) == pytest.approx(0.03)
    assert curve.discount(np.array([0.0, 2.0])).tolist() == pytest.approx([1.0, math.exp(-0.08)])
    # The average forward over steps of 0.75 years from 0 to 3: 3%, (0.25 * 3% + 0.5 * 5%) /
    # 0.75, then 5% twice.
    steps = curve.step_rates(3.0, 4)
    assert steps.tolist() == pytest.approx([0.03, (0.0075 + 0.025) / 0.75, 0.05, 0.05])
    shifted = curve.shifted(0.01)
    assert shifted.discount(1.5) == pytest.approx(math.exp(-0.055 - 0.015), rel=1e-14)


def test_curve_from_discount_factors() -> None:
    curve = Curve.from_discount_factors(times=[0.5, 2.0], discount_factors=[0.98, 0.9])
    assert curve.zero_rates == pytest.approx((-math.log(0.98) / 0.5, -math.log(0.9) / 2.0))
    assert curve.discount(2.0) == pytest.approx(0.9, rel=1e-14)
    # Log-linear between: D(1.25) = sqrt(0.98 * 0.9).
    assert curve.discount(1.25) == pytest.approx(math.sqrt(0.98 * 0.9), rel=1e-14)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"times": (), "zero_rates": ()}, "times"),
        ({"times": (1.0, 1.0), "zero_rates": (0.01, 0.02)}, "times[1]"),
        ({"times": (0.0,), "zero_rates": (0.01,)}, "times[0]"),
        ({"times": (-1.0,), "zero_rates": (0.01,)}, "times[0]"),
        ({"times": (300.0,), "zero_rates": (0.01,)}, "times[0]"),
        ({"times": (1.0, math.nan), "zero_rates": (0.01, 0.02)}, "times[1]"),
        ({"times": (1.0,), "zero_rates": (0.01, 0.02)}, "zero_rates"),
        ({"times": (1.0,), "zero_rates": (9.0,)}, "zero_rates[0]"),
        ({"times": (1.0,), "zero_rates": ("0.04",)}, "zero_rates[0]"),
        ({"times": (1.0,), "zero_rates": (True,)}, "zero_rates[0]"),
        ({"times": "1", "zero_rates": (0.04,)}, "times"),
    ],
)
def test_bad_curves_are_refused(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        Curve(**kwargs)
    assert info.value.field == field


def test_bad_discount_factors_are_refused() -> None:
    with pytest.raises(ValidationError, match=r"discount_factors\[1\]"):
        Curve.from_discount_factors(times=[1.0, 2.0], discount_factors=[0.9, 0.0])
    with pytest.raises(ValidationError, match="discount_factors"):
        Curve.from_discount_factors(times=[1.0, 2.0], discount_factors=[0.9])


def test_curves_out_of_range_for_their_use_are_refused() -> None:
    kw: dict[str, Any] = {"valuation_date": VD, "share_price": 100.0, "volatility": 0.5}
    # A spread falling from 5% at 1 year to 1% at 3 years: the forward after 1 year is -1%.
    falling = Curve(times=(1.0, 3.0), zero_rates=(0.05, 0.01))
    with pytest.raises(ValidationError) as info:
        value_convertible(ZERO, rate=0.04, credit_spread=falling, **kw)
    assert info.value.field == "credit_spread"
    with pytest.raises(ValidationError, match="credit_spread"):
        bond_floor(ZERO, valuation_date=VD, rate=0.04, credit_spread=falling)
    steep = Curve(times=(1.0, 2.0), zero_rates=(0.5, 1.5))  # forward 250% after 1 year
    with pytest.raises(ValidationError) as info:
        value_convertible(ZERO, rate=steep, credit_spread=0.0, **kw)
    assert info.value.field == "rate"
    curves: Any = [Curve(times=(1.0,), zero_rates=(0.04,))]
    with pytest.raises(ValidationError) as info:
        value_convertible(ZERO, rate=curves, credit_spread=0.0, **kw)
    assert info.value.field == "rate"


# --- flat curves are flat numbers --------------------------------------------------------------


@settings(max_examples=15, deadline=None)
@given(
    r=st.floats(-0.02, 0.12),
    s=st.floats(0.0, 0.2),
    t=st.floats(0.1, 30.0),
)
def test_a_flat_curve_gives_exactly_the_flat_numbers(r: float, s: float, t: float) -> None:
    rate, spread = Curve(times=(t,), zero_rates=(r,)), Curve(times=(t, 2 * t), zero_rates=(s, s))
    prices = np.array([0.0, 60.0, 114.45, 250.0])
    kw: dict[str, Any] = {"valuation_date": VD, "volatility": 0.55, "steps": 200}
    for method in ("direct", "shared"):
        a = value_convertible(
            NOTE_2028, share_price=prices, rate=r, credit_spread=s, method=method, **kw
        )
        b = value_convertible(
            NOTE_2028, share_price=prices, rate=rate, credit_spread=spread, method=method, **kw
        )
        assert np.array_equal(a, b)
    floor = bond_floor(NOTE_2028, valuation_date=VD, rate=r, credit_spread=s)
    assert bond_floor(NOTE_2028, valuation_date=VD, rate=rate, credit_spread=spread) == floor
    sa = convertible_sensitivities(NOTE_2028, share_price=114.45, rate=r, credit_spread=s, **kw)
    sb = convertible_sensitivities(
        NOTE_2028, share_price=114.45, rate=rate, credit_spread=spread, **kw
    )
    assert sa == sb


# --- curves that are not flat --------------------------------------------------------------------


def _tf_closed_form(s0: float, sigma: float, disc_r: float, disc_s: float, t: float) -> float:
    """TF with conversion at maturity only, ratio 1, F = 100, for deterministic curves.

    The equity part is the call on the share struck at F (its value needs only the
    risk-free discount factor to T); the cash part is F with both discount factors.
    """
    fwd = s0 / disc_r
    d1 = (math.log(fwd / 100.0) + 0.5 * sigma * sigma * t) / (sigma * math.sqrt(t))
    d2 = d1 - sigma * math.sqrt(t)
    return s0 * _n(d1) + 100.0 * disc_r * disc_s * _n(-d2)


@pytest.mark.parametrize("s0", [50.0, 100.0, 180.0])
def test_a_zero_coupon_note_on_curves_matches_the_closed_form(s0: float) -> None:
    # Rising rates (2% to 5%) and a spread curve (1% to 4%): for a European claim only the
    # discount factors to maturity matter. At zero spread early conversion never pays, so
    # the American tree converges to the closed form (0.05%, as for flat rates on the theory
    # page); with the spread curve the tree may lie slightly above it (early conversion
    # where the risky cash is worth less than the shares).
    rate = Curve(times=(0.5, 2.0, 5.0), zero_rates=(0.02, 0.03, 0.05))
    spread = Curve(times=(1.0, 5.0), zero_rates=(0.01, 0.04))
    kw: dict[str, Any] = {"valuation_date": VD, "share_price": s0, "volatility": 0.5}
    tree = value_convertible(ZERO, rate=rate, credit_spread=0.0, steps=2000, **kw)
    closed = _tf_closed_form(s0, 0.5, rate.discount(T_ZERO), 1.0, T_ZERO)
    assert tree == pytest.approx(closed, rel=5e-4)
    tree = value_convertible(ZERO, rate=rate, credit_spread=spread, steps=2000, **kw)
    closed = _tf_closed_form(s0, 0.5, rate.discount(T_ZERO), spread.discount(T_ZERO), T_ZERO)
    assert closed * (1 - 5e-4) <= tree <= closed * (1 + 3e-3)
    # The flat rate with the same discount factor to maturity gives nearly the same value.
    flat = value_convertible(
        ZERO, rate=rate.zero_rate(T_ZERO), credit_spread=0.0, steps=2000, **kw
    )
    assert flat == pytest.approx(
        value_convertible(ZERO, rate=rate, credit_spread=0.0, steps=2000, **kw), rel=5e-4
    )


def test_bond_floor_on_curves_by_hand() -> None:
    # 2% annual coupons on 2027-01-01 and 2028-01-01 from 2026-01-01 (t = 1 and 2): 2 D(1) +
    # 102 D(2) with D the product of the curves' discount factors: rate zero rates 3% at 1
    # and 4% at 2 years, spread 1% flat to 1 year then a 3% forward (zero 2% at 2 years).
    note = ConvertibleNote(
        name="n", principal=1e6, coupon=0.02, frequency=1, issued=dt.date(2024, 1, 1),
        maturity=dt.date(2028, 1, 1), conversion_price=50.0,
    )  # fmt: skip
    day = dt.date(2026, 1, 1)
    t1, t2 = 365 / 365, 730 / 365
    rate = Curve(times=(t1, t2), zero_rates=(0.03, 0.04))
    spread = Curve(times=(t1, t2), zero_rates=(0.01, 0.02))
    want = 2 * math.exp(-0.04) + 102 * math.exp(-0.08 - 0.04)
    got = bond_floor(note, valuation_date=day, rate=rate, credit_spread=spread)
    assert got == pytest.approx(want, rel=1e-13)
    assert bond_floor(note, valuation_date=day, rate=rate, credit_spread=0.01) == pytest.approx(
        2 * math.exp(-0.04) + 102 * math.exp(-0.08 - 0.02), rel=1e-13
    )


def test_credit_rho_on_a_spread_curve_is_a_parallel_shift() -> None:
    spread = Curve(times=(1.0, 3.0), zero_rates=(0.02, 0.04))
    kw: dict[str, Any] = {
        "valuation_date": VD, "share_price": 114.45, "volatility": 0.55, "rate": 0.04,
        "steps": 400,
    }  # fmt: skip
    sens = convertible_sensitivities(NOTE_2028, credit_spread=spread, **kw)
    up = value_convertible(NOTE_2028, credit_spread=spread.shifted(1e-4), **kw)
    down = value_convertible(NOTE_2028, credit_spread=spread.shifted(-1e-4), **kw)
    assert sens.credit_rho == pytest.approx((up - down) / 2e-4, rel=1e-6)
    assert sens.value == pytest.approx(value_convertible(NOTE_2028, credit_spread=spread, **kw))


def test_implied_volatility_on_a_rate_curve_round_trips() -> None:
    # Without its soft call, whose trigger makes the value wobble with the volatility.
    note = attrs.evolve(NOTE_2028, call_from=None, call_trigger=None)
    rate = Curve(times=(1.0, 3.0), zero_rates=(0.03, 0.045))
    kw: dict[str, Any] = {
        "valuation_date": VD, "share_price": np.array([80.0, 150.0]), "rate": rate,
        "credit_spread": 0.03, "steps": 300,
    }  # fmt: skip
    price = value_convertible(note, volatility=0.45, **kw)
    assert implied_volatility(note, price=price, **kw) == pytest.approx(0.45, abs=1e-6)


def test_asset_price_link_takes_curves_for_notes_not_for_preferred() -> None:
    co = tm.datasets.load("mstr-2026-02")
    note = co.convertibles[0].name
    kw: dict[str, Any] = {
        "asset_price": np.array([50_000.0, 90_000.0]), "valuation_date": VD, "mnav": 1.1,
        "volatility": 0.55, "credit_spread": 0.03, "steps": 200,
    }  # fmt: skip
    flat = tm.valuation.convertible_value_at_asset_price(co, note, rate=0.04, **kw)
    curve = tm.valuation.Curve(times=(2.0,), zero_rates=(0.04,))
    assert np.array_equal(
        tm.valuation.convertible_value_at_asset_price(co, note, rate=curve, **kw), flat
    )
    rising = tm.valuation.Curve(times=(1.0, 3.0), zero_rates=(0.03, 0.05))
    values = tm.valuation.convertible_value_at_asset_price(co, note, rate=rising, **kw)
    assert values[0] < values[1]
    with pytest.raises(ValidationError, match="rate"):
        tm.valuation.convertible_value_at_asset_price(co, "STRK", rate=rising, **kw)
