"""Tests of the scenario engine's settings: FundingPolicy, premium models, ImpactModel."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treasurymodel import (
    Company,
    Holdings,
    Note,
    ValidationError,
)
from treasurymodel.kpi import share_price_for_mnav
from treasurymodel.simulation import (
    CallablePremium,
    ConstantPremium,
    FundingPolicy,
    ImpactModel,
    PeakCompressionPremium,
    PremiumState,
)
from treasurymodel.simulation.premium import MIN_SHARE_PRICE, _share_price_from_mnav


def _state(price: Any, peak: Any = None) -> PremiumState:
    price = np.asarray(price, dtype=np.float64)
    one = np.ones_like(price)
    return PremiumState(
        step=1,
        date=dt.date(2026, 1, 8),
        years=7 / 365.25,
        asset_price=price,
        peak=None if peak is None else np.asarray(peak, dtype=np.float64),
        units=one,
        cash=one,
        debt=one,
        preferred=one,
        shares=one,
    )


# --- FundingPolicy -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cash_reserve_floor", -1.0),
        ("issue_equity", 1),
        ("min_mnav_to_issue", float("nan")),
        ("max_issuance_fraction", 1.5),
        ("daily_turnover", 0.0),
        ("trading_days_per_year", 400.0),
        ("preferred_series", " STRC"),
        ("preferred_daily_capacity", -5.0),
        ("preferred_price", 0.0),
        ("sell_asset", "yes"),
        ("skip_noncumulative_below_mnav", -0.1),
        ("buy_asset_above_mnav", float("inf")),
        ("buy_fraction", 2.0),
        ("issuer_calls", None),
        ("holder_puts", "sometimes"),
        ("springing", "never"),
    ],
)
def test_policy_refuses_bad_values(field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as err:
        FundingPolicy(**{field: value})
    assert err.value.field == f"FundingPolicy.{field}"


def test_policy_defaults_and_flywheel() -> None:
    p = FundingPolicy()
    assert (p.cash_reserve_floor, p.issue_equity, p.min_mnav_to_issue) == (0.0, True, 1.0)
    assert (p.sell_asset, p.holder_puts, p.springing) == (True, "rational", "test")
    assert not p.flywheel
    assert FundingPolicy(buy_asset_above_mnav=1.5).flywheel
    assert not FundingPolicy(buy_asset_above_mnav=1.5, buy_fraction=0.0).flywheel


# --- premium models ------------------------------------------------------------------------


def test_peak_compression_formula_by_hand() -> None:
    m = PeakCompressionPremium(initial=2.0, floor=0.8, sensitivity=4.0)
    # Drawdowns 0, 10%, 25%, 90%: 2.0, 2.0 - 0.4, 2.0 - 1.0, floored at 0.8.
    got = m.mnav(_state([100.0, 90.0, 75.0, 10.0], [100.0] * 4))
    assert got == pytest.approx([2.0, 1.6, 1.0, 0.8], rel=1e-15)
    # A starting peak above the path's own running peak counts.
    high = PeakCompressionPremium(initial=2.0, floor=0.8, sensitivity=4.0, peak=200.0)
    assert high.mnav(_state([150.0], [100.0])).tolist() == pytest.approx([1.0], rel=1e-15)
    with pytest.raises(ValidationError, match="floor"):
        PeakCompressionPremium(initial=1.0, floor=1.5, sensitivity=1.0)
    with pytest.raises(ValidationError, match="peak"):
        m.mnav(_state([1.0]))


def test_constant_premium() -> None:
    assert ConstantPremium(mnav=1.3).mnav(_state([1.0, 2.0])) == 1.3
    assert ConstantPremium().mnav(_state([1.0])) == 1.0
    with pytest.raises(ValidationError, match="ConstantPremium"):
        ConstantPremium(mnav=-1.0)


def test_callable_premium_checks_what_it_gets() -> None:
    ok = CallablePremium(fn=lambda s: 2.0 * s.asset_price, uses_peak=False)
    assert ok.mnav(_state([1.0, 2.0])).tolist() == [2.0, 4.0]  # type: ignore[union-attr]
    assert CallablePremium(fn=lambda s: 1.1).mnav(_state([1.0])) == 1.1
    for bad in (lambda s: -1.0, lambda s: np.array([np.nan, 1.0]), lambda s: np.ones(3)):
        with pytest.raises(ValidationError, match=r"CallablePremium\.fn"):
            CallablePremium(fn=bad).mnav(_state([1.0, 2.0]))
    with pytest.raises(ValidationError, match="fn"):
        CallablePremium(fn=3.0)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="uses_peak"):
        CallablePremium(fn=lambda s: 1.0, uses_peak="no")  # type: ignore[arg-type]


@settings(max_examples=50, deadline=None)
@given(
    mnav=st.floats(min_value=0.0, max_value=5.0),
    price=st.floats(min_value=1e3, max_value=1e6),
)
def test_share_price_is_the_metrics_inverse_of_mnav(mnav: float, price: float) -> None:
    co = Company(
        name="X",
        as_of=dt.date(2026, 1, 1),
        holdings=Holdings(units=1_000.0),
        shares_basic=1e6,
        cash=5e6,
        instruments=[Note(name="n", principal=40e6, maturity=dt.date(2030, 1, 1))],
    )
    want = share_price_for_mnav(co, mnav=mnav, asset_price=price)
    got = _share_price_from_mnav(
        mnav, reserve=1_000.0 * price, debt=40e6, preferred=0.0, cash=5e6, shares=1e6
    )
    assert float(got) == pytest.approx(max(want, MIN_SHARE_PRICE), rel=1e-12, abs=1e-9)


# --- market impact -------------------------------------------------------------------------


def test_impact_by_hand() -> None:
    m = ImpactModel(daily_volume=10_000.0, coefficient=0.1, permanent_fraction=0.5)
    assert m.fraction(2_500.0) == pytest.approx(0.05, rel=1e-15)
    assert m.execution_price(2_500.0, asset_price=105.0) == pytest.approx(100.0, rel=1e-15)
    assert m.execution_price(2_500.0, asset_price=100.0, buy=True) == pytest.approx(
        105.0, rel=1e-15
    )
    assert m.proceeds(2_500.0, asset_price=105.0) == pytest.approx(250_000.0, rel=1e-15)
    assert m.units_for_proceeds(250_000.0, asset_price=105.0) == pytest.approx(2_500.0, rel=1e-14)
    arr = m.fraction(np.array([0.0, 10_000.0]))
    assert arr.tolist() == [0.0, pytest.approx(0.1, rel=1e-15)]
    assert ImpactModel(daily_volume=1.0).permanent_fraction == pytest.approx(2.0 / 3.0)


def test_impact_refuses_bad_input() -> None:
    with pytest.raises(ValidationError, match="daily_volume"):
        ImpactModel(daily_volume=0.0)
    with pytest.raises(ValidationError, match="permanent_fraction"):
        ImpactModel(daily_volume=1.0, permanent_fraction=1.5)


_IMPACT = ImpactModel(daily_volume=1e4)


@pytest.mark.parametrize(
    ("method", "args", "kwargs", "field"),
    [
        ("fraction", (-1.0,), {}, "units"),
        ("fraction", ("1",), {}, "units"),
        ("fraction", (True,), {}, "units"),
        ("fraction", ([np.nan],), {}, "units"),
        ("fraction", (None,), {}, "units"),
        ("execution_price", (1.0,), {"asset_price": -5.0}, "asset_price"),
        ("execution_price", (1.0,), {"asset_price": 1e-300}, "asset_price"),
        ("execution_price", (1.0,), {"asset_price": ["a"]}, "asset_price"),
        ("proceeds", (1.0,), {"asset_price": 1e201}, "asset_price"),
        ("proceeds", (1e200,), {"asset_price": 1e200}, "units"),  # 1e400 overflows float64
        ("units_for_proceeds", (1.0,), {"asset_price": 0.0}, "asset_price"),
        # 1e10 / 1e-300 overflowed (a RuntimeWarning) before prices were held to the range
        ("units_for_proceeds", (1e10,), {"asset_price": 1e-300}, "asset_price"),
        ("units_for_proceeds", (1e300,), {"asset_price": 1e-200}, "amount"),
        ("units_for_proceeds", (math.inf,), {"asset_price": 1.0}, "amount"),
    ],
)
def test_impact_methods_refuse_bad_input_by_name(
    method: str, args: tuple[Any, ...], kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as err:
        getattr(_IMPACT, method)(*args, **kwargs)
    assert err.value.field == field


@pytest.mark.parametrize("price", [1e-200, 1e200])
def test_impact_accepts_the_ends_of_the_price_range(price: float) -> None:
    # one unit at the price, no impact: the proceeds are the price, and back
    m = ImpactModel(daily_volume=1.0, coefficient=0.0)
    assert m.proceeds(1.0, asset_price=price) == price
    assert m.units_for_proceeds(price, asset_price=price) == 1.0


@settings(max_examples=40, deadline=None)
@given(
    units=st.lists(st.floats(min_value=0.0, max_value=1e6), min_size=1, max_size=4),
    prices=st.lists(st.floats(min_value=1.0, max_value=1e6), min_size=1, max_size=3),
)
def test_impact_methods_broadcast_like_numpy_and_match_scalars(
    units: list[float], prices: list[float]
) -> None:
    m = ImpactModel(daily_volume=5e3, coefficient=0.2)
    q = np.array(units)[:, np.newaxis]  # (n, 1) against (k,): an (n, k) grid
    p = np.array(prices)
    for name in ("execution_price", "proceeds", "units_for_proceeds"):
        grid = getattr(m, name)(q, asset_price=p)
        assert isinstance(grid, np.ndarray)
        assert grid.shape == (len(units), len(prices))
        for i, j in np.ndindex(grid.shape):
            one = getattr(m, name)(units[i], asset_price=prices[j])
            assert type(one) is float
            assert grid[i, j] == one
    assert type(m.fraction(np.float64(units[0]))) is float
    assert m.fraction(np.array(units)).tolist() == [m.fraction(u) for u in units]


@settings(max_examples=60, deadline=None)
@given(
    volume=st.floats(min_value=1.0, max_value=1e6),
    coefficient=st.floats(min_value=0.0, max_value=2.0),
    price=st.floats(min_value=1.0, max_value=1e6),
    units=st.floats(min_value=0.0, max_value=1e7),
    more=st.floats(min_value=1e-6, max_value=1e6),
)
def test_proceeds_grow_with_units_and_invert_exactly(
    volume: float, coefficient: float, price: float, units: float, more: float
) -> None:
    m = ImpactModel(daily_volume=volume, coefficient=coefficient)
    raised = m.proceeds(units, asset_price=price)
    assert m.proceeds(units + more, asset_price=price) > raised or units + more == units
    back = m.units_for_proceeds(raised, asset_price=price)
    assert back == pytest.approx(units, rel=1e-9, abs=1e-9)
    # The execution price never exceeds the pre-trade price and stays positive.
    execution = m.execution_price(units, asset_price=price)
    assert 0.0 < execution <= price
    assert math.isclose(raised, units * execution, rel_tol=1e-12, abs_tol=1e-9)
