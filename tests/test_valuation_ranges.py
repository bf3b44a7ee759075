"""Documented input ranges of the valuation functions, at their edges.

Each rule is tested with values just outside it (refused with a ValidationError that names the
argument and states the range) and just inside it (a finite result; hand-computed where the
model has a closed limit). The API sweep (tests/test_api_sweep.py) covers the same functions
with its generic bad values; these are the hand-picked edges:

* volatility in [1e-4, 5] (and an implied-volatility bracket from 1e-4);
* a market price per 100 in [0, 1e9];
* the bumps of convertible_sensitivities in [1e-6, 0.5];
* a share price so small (subnormal) that its ratio or its bump leaves the float range: the
  documented limits of a zero share price (infinite premium, zero delta and gamma).

Warnings are errors in this suite (pyproject.toml), so a numpy overflow fails these tests.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import treasurymodel as tm
from tests.mstr_facts import STRK
from treasurymodel import (
    ConvergenceError,
    ConvertibleNote,
    ValidationError,
)
from treasurymodel.valuation import (
    conversion_premium,
    convertible_sensitivities,
    convertible_value_at_asset_price,
    implied_credit_spread,
    implied_volatility,
    value_convertible,
    value_preferred,
    value_zero_coupon_convertible,
)

VD = dt.date(2026, 1, 1)
# 0% five-year note, conversion price 100: 10 shares per 1,000, so parity per 100 = share price.
ZERO = ConvertibleNote(
    name="0% 2031",
    principal=1e9,
    issued=VD,
    maturity=dt.date(2031, 1, 1),
    conversion_price=100.0,
)
T = (ZERO.maturity - VD).days / 365.0
TREE: dict[str, Any] = {"valuation_date": VD, "rate": 0.04, "credit_spread": 0.03, "steps": 60}

# Just outside [1e-4, 5]: the sweep's tiny float, a subnormal, and the float just below 1e-4.
LOW_VOLATILITIES = [5e-324, 1e-310, 1e-8, float(np.nextafter(1e-4, 0.0))]

_CO = tm.datasets.load("mstr-2026-02")
_NOTE = _CO.instrument("0.625% convertible notes due 2028")

VOLATILITY_CALLS: dict[str, Callable[[float], Any]] = {
    "value_convertible": lambda v: value_convertible(ZERO, share_price=80.0, volatility=v, **TREE),
    "value_zero_coupon_convertible": lambda v: value_zero_coupon_convertible(
        ZERO, valuation_date=VD, share_price=80.0, volatility=v, rate=0.04, credit_spread=0.03
    ),
    "convertible_sensitivities": lambda v: convertible_sensitivities(
        ZERO, share_price=80.0, volatility=v, **TREE
    ),
    "implied_credit_spread": lambda v: implied_credit_spread(
        ZERO, price=90.0, valuation_date=VD, share_price=80.0, volatility=v, rate=0.04, steps=60
    ),
    "convertible_value_at_asset_price": lambda v: convertible_value_at_asset_price(
        _CO,
        _NOTE.name,
        asset_price=68_141.0,
        valuation_date=_CO.as_of,
        mnav=1.2,
        volatility=v,
        rate=0.04,
        credit_spread=0.05,
        steps=50,
    ),
    "value_preferred": lambda v: value_preferred(
        STRK,
        valuation_date=dt.date(2025, 12, 31),
        rate=0.04,
        credit_spread=0.06,
        share_price=114.45,
        volatility=v,
        steps=50,
    ),
}


@pytest.mark.parametrize("name", sorted(VOLATILITY_CALLS))
@pytest.mark.parametrize("volatility", LOW_VOLATILITIES)
def test_a_volatility_below_the_minimum_is_refused_by_name(name: str, volatility: float) -> None:
    with pytest.raises(ValidationError) as info:
        VOLATILITY_CALLS[name](volatility)
    assert info.value.field == "volatility"
    assert "[0.0001, 5]" in str(info.value)


def test_the_minimum_volatility_in_the_closed_form_is_the_deterministic_limit() -> None:
    # sigma = 1e-4 over 5 years: d1 = (ln(S/100) + 0.04 T) / (1e-4 sqrt T), about -103 at
    # S = 80 and +1,700 at S = 120, so N(d1) is 0 or 1 to double precision. At 80 the note is
    # the cash 100 discounted at rate + spread: 100 exp(-0.07 T); at 120 it is the shares.
    value = value_zero_coupon_convertible(
        ZERO, valuation_date=VD, share_price=np.array([80.0, 120.0]), volatility=1e-4,
        rate=0.04, credit_spread=0.03,
    )  # fmt: skip
    assert value[0] == pytest.approx(100.0 * math.exp(-0.07 * T), rel=1e-12)
    assert value[1] == pytest.approx(120.0, rel=1e-12)


def test_the_minimum_volatility_in_the_tree_is_the_deterministic_limit() -> None:
    # At zero rate, spread and yield the up probability is 1 / (1 + u), about 1/2, at any
    # volatility: the tree is buildable at 1e-4. The share stays within 80 exp(+-1e-4 sqrt 5
    # x few) of 80, far below the conversion value of 100: the note is its redemption, 100.
    kw: dict[str, Any] = {"valuation_date": VD, "rate": 0.0, "credit_spread": 0.0, "steps": 60}
    assert value_convertible(ZERO, share_price=80.0, volatility=1e-4, **kw) == pytest.approx(
        100.0, abs=1e-9
    )
    res = convertible_sensitivities(ZERO, share_price=80.0, volatility=1e-4, **kw)
    assert res.value == pytest.approx(100.0, abs=1e-9)
    assert res.delta == pytest.approx(0.0, abs=1e-9)
    assert math.isfinite(res.gamma)
    assert math.isfinite(res.vega)
    # A rate the tree cannot follow at this volatility and step count: refused by name, with
    # the advice to use more steps (the up probability would leave (0, 1)).
    with pytest.raises(ValidationError, match="use more steps") as info:
        value_convertible(ZERO, share_price=80.0, volatility=1e-4, **TREE)
    assert info.value.field == "volatility"


def test_the_minimum_volatility_in_the_balance_sheet_and_preferred_views() -> None:
    value = convertible_value_at_asset_price(
        _CO, _NOTE.name, asset_price=68_141.0, valuation_date=_CO.as_of, mnav=1.2,
        volatility=1e-4, rate=0.0, credit_spread=0.0, steps=50,
    )  # fmt: skip
    assert math.isfinite(value)
    assert value > 0.0
    pref = value_preferred(
        STRK, valuation_date=dt.date(2025, 12, 31), rate=0.0, credit_spread=0.06,
        share_price=114.45, volatility=1e-4, steps=50, horizon=5.0,
    )  # fmt: skip
    assert math.isfinite(pref)
    assert pref > 0.0


@pytest.mark.parametrize("low", [5e-324, 1e-6, float(np.nextafter(1e-4, 0.0))])
def test_an_implied_volatility_bracket_below_the_minimum_is_refused(low: float) -> None:
    with pytest.raises(ValidationError, match=r"0\.0001 <= low") as info:
        implied_volatility(
            ZERO, price=100.0, valuation_date=VD, share_price=80.0, rate=0.0, credit_spread=0.0,
            steps=60, bracket=(low, 3.0),
        )  # fmt: skip
    assert info.value.field == "bracket"


def test_an_implied_volatility_bracket_from_the_minimum_recovers_the_volatility() -> None:
    kw: dict[str, Any] = {"valuation_date": VD, "rate": 0.0, "credit_spread": 0.0, "steps": 60}
    price = value_convertible(ZERO, share_price=80.0, volatility=0.45, **kw)
    solved = implied_volatility(ZERO, price=price, share_price=80.0, bracket=(1e-4, 3.0), **kw)
    assert solved == pytest.approx(0.45, abs=1e-6)


# --- market price per 100: [0, 1e9] -------------------------------------------------------

HIGH_PRICES = [1e308, 1.5e9, float(np.nextafter(1e9, math.inf))]

PRICE_CALLS: dict[str, Callable[[float], Any]] = {
    "conversion_premium": lambda p: conversion_premium(ZERO, price=p, share_price=80.0),
    "implied_volatility": lambda p: implied_volatility(
        ZERO,
        price=p,
        valuation_date=VD,
        share_price=80.0,
        rate=0.04,
        credit_spread=0.03,
        steps=60,
    ),
    "implied_credit_spread": lambda p: implied_credit_spread(
        ZERO, price=p, valuation_date=VD, share_price=80.0, volatility=0.5, rate=0.04, steps=60
    ),
}


@pytest.mark.parametrize("name", sorted(PRICE_CALLS))
@pytest.mark.parametrize("price", HIGH_PRICES)
def test_a_price_above_the_maximum_is_refused_by_name(name: str, price: float) -> None:
    with pytest.raises(ValidationError) as info:
        PRICE_CALLS[name](price)
    assert info.value.field == "price"
    assert "[0, 1,000,000,000]" in str(info.value)


def test_a_price_at_the_maximum_is_accepted() -> None:
    # parity per 100 = share price (10 shares per 1,000): 1e9 / 80 - 1 = 12,499,999.
    assert conversion_premium(ZERO, price=1e9, share_price=80.0) == pytest.approx(12_499_999.0)
    # No volatility or spread reaches a price of ten million times the face value: the
    # solvers' documented ConvergenceError, and no overflow on the way (warnings are errors).
    with pytest.raises(ConvergenceError, match="outside the values"):
        PRICE_CALLS["implied_volatility"](1e9)
    with pytest.raises(ConvergenceError, match="outside the values"):
        PRICE_CALLS["implied_credit_spread"](1e9)


# --- bumps of convertible_sensitivities: [1e-6, 0.5] ---------------------------------------


@pytest.mark.parametrize("field", ["share_bump", "volatility_bump", "spread_bump"])
@pytest.mark.parametrize(
    "bump", [5e-324, 1e-300, float(np.nextafter(1e-6, 0.0)), float(np.nextafter(0.5, 1.0)),
             0.9, 1e308, 0.0, -0.01],
)  # fmt: skip
def test_a_bump_outside_its_range_is_refused_by_name(field: str, bump: float) -> None:
    kw: dict[str, Any] = {**TREE, field: bump}
    with pytest.raises(ValidationError) as info:
        convertible_sensitivities(ZERO, share_price=80.0, volatility=0.5, **kw)
    assert info.value.field == field
    assert "[1e-06, 0.5]" in str(info.value)


def test_the_largest_bumps_are_the_differences_of_the_bumped_values() -> None:
    # share_bump 0.5: delta = (V(120) - V(40)) / 80; volatility_bump 0.5 at 0.6: the down
    # bump stops at half the volatility, vega = (V(1.1) - V(0.3)) / 0.8. Each V one tree.
    res = convertible_sensitivities(
        ZERO, share_price=80.0, volatility=0.6, share_bump=0.5, volatility_bump=0.5,
        spread_bump=0.5, **TREE,
    )  # fmt: skip
    up = value_convertible(ZERO, share_price=120.0, volatility=0.6, **TREE)
    down = value_convertible(ZERO, share_price=40.0, volatility=0.6, **TREE)
    assert res.delta == pytest.approx((up - down) / 80.0, rel=1e-12)
    w_up = value_convertible(ZERO, share_price=80.0, volatility=1.1, **TREE)
    w_down = value_convertible(ZERO, share_price=80.0, volatility=0.3, **TREE)
    assert res.vega == pytest.approx((w_up - w_down) / 0.8, rel=1e-12)
    # the spread bump reaches 0.03 - 0.5 < 0 (the tree continues smoothly there); at 0.53:
    c_up = value_convertible(
        ZERO, share_price=80.0, volatility=0.6, **{**TREE, "credit_spread": 0.53}
    )
    assert math.isfinite(res.credit_rho)
    assert res.credit_rho < 0.0
    # the difference over [-0.47, 0.53] is steeper than over [0.03, 0.53] (convex in spread)
    assert res.credit_rho < (c_up - res.value) / 0.5


def test_the_smallest_bumps_give_finite_derivatives_near_the_default_ones() -> None:
    base = convertible_sensitivities(ZERO, share_price=80.0, volatility=0.5, **TREE)
    small = convertible_sensitivities(
        ZERO, share_price=80.0, volatility=0.5, share_bump=1e-6, volatility_bump=1e-6,
        spread_bump=1e-6, **TREE,
    )  # fmt: skip
    for name in ("delta", "gamma", "vega", "credit_rho"):
        assert math.isfinite(getattr(small, name)), name
    assert small.value == base.value
    # The value is smooth in the spread (no node moves): the 1e-6 and 1e-4 differences agree.
    assert small.credit_rho == pytest.approx(base.credit_rho, rel=1e-3)
    assert 0.0 <= small.parity_delta <= 1.0
    assert small.vega > 0.0


# --- a share price so small that a ratio or a bump leaves the float range -------------------


@pytest.mark.parametrize("share_price", [5e-324, 1e-310])
def test_a_subnormal_share_price_has_the_limits_of_a_zero_one(share_price: float) -> None:
    # conversion_premium: 100 / (5e-324) is beyond the float range: inf, as at zero.
    assert conversion_premium(ZERO, price=100.0, share_price=share_price) == math.inf
    assert conversion_premium(ZERO, price=100.0, share_price=0.0) == math.inf
    # sensitivities: the bumps S u^2 and S (1 +- 1e-6) do not change a subnormal price, so
    # delta and gamma take their zero-share-price values, and the value is the bond's.
    zero = convertible_sensitivities(ZERO, share_price=0.0, volatility=0.5, **TREE)
    for bump in (None, 1e-6):
        res = convertible_sensitivities(
            ZERO, share_price=share_price, volatility=0.5, share_bump=bump, **TREE
        )
        assert res.delta == 0.0
        assert res.gamma == 0.0
        assert res.conversion_premium == math.inf
        assert res.value == pytest.approx(zero.value, rel=1e-12)
        assert math.isfinite(res.vega)
        assert math.isfinite(res.credit_rho)


def test_a_tiny_normal_share_price_gives_finite_figures() -> None:
    # 1e-300 is a normal float: its bumps differ from it, and the premium 100 / 1e-300 - 1
    # is the finite 1e302.
    assert conversion_premium(ZERO, price=100.0, share_price=1e-300) == pytest.approx(1e302)
    res = convertible_sensitivities(ZERO, share_price=1e-300, volatility=0.5, **TREE)
    assert res.conversion_premium == pytest.approx(res.value / 1e-300)
    assert math.isfinite(res.delta)
    assert math.isfinite(res.gamma)
    assert 0.0 <= res.parity_delta <= 1.0
