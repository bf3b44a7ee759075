"""Preferred stock valuation and the balance-sheet link (BTC price -> share price -> value).

Expected values are written-out sums of discounted dividends (thousands of terms, not the
closed form the code uses) and share prices computed by hand from the mNAV definition.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.mstr_facts import STRF, STRK
from treasurymodel import (
    Company,
    ConvertibleNote,
    Holdings,
    Market,
    Note,
    PreferredStock,
    ValidationError,
)
from treasurymodel.instruments import RateStep
from treasurymodel.valuation import (
    convertible_value_at_asset_price,
    value_convertible,
    value_preferred,
)

DIV_DAY = dt.date(2025, 12, 31)  # a quarter end: a dividend date of every series
# STRF (10% quarterly) and STRK (8% quarterly, 0.1 share per $100) as in strategy-facts.md;
# a variable series on STRC's terms with a made-up April 2026 step to 12%, so that a rate
# change after the valuation date is tested.
STRC_LIKE = PreferredStock(
    name="STRC",
    notional=3_379.5e6,
    rate=0.09,
    frequency=12,
    rate_schedule=[
        RateStep(date=dt.date(2025, 9, 1), rate=0.10),
        RateStep(date=dt.date(2026, 2, 1), rate=0.1125),
        RateStep(date=dt.date(2026, 4, 1), rate=0.12),
    ],
)


def written_out(
    times: list[float], amounts: list[float], tail: float, f: int, y: float, n: int = 6000
) -> float:
    """Discounted dividends, summed term by term: the listed ones, then ``tail`` each 1/f."""
    total = sum(a * math.exp(-y * t) for t, a in zip(times, amounts, strict=True))
    last = times[-1]
    total += sum(tail * math.exp(-y * (last + k / f)) for k in range(1, n))
    return total


def years(a: dt.date, b: dt.date) -> float:
    return (b - a).days / 365.0


# --- straight preferred --------------------------------------------------------------------


def test_fixed_perpetual_on_a_dividend_date() -> None:
    # First dividend 2026-03-31 (90 days), then every quarter: 2.5 a quarter per 100.
    y = 0.04 + 0.06
    value = value_preferred(STRF, valuation_date=DIV_DAY, rate=0.04, credit_spread=0.06)
    assert value == pytest.approx(written_out([90 / 365], [2.5], 2.5, 4, y), rel=1e-12)
    # 2.5 e^{-0.1 * 90/365} / (1 - e^{-0.025}) = 98.789 (also in the docstring).
    assert value == pytest.approx(98.789, abs=1e-3)


@settings(max_examples=30)
@given(rate=st.floats(0.01, 0.2), y=st.floats(0.02, 0.3), f=st.sampled_from([1, 2, 4, 12]))
def test_first_order_is_dividend_over_yield(rate: float, y: float, f: int) -> None:
    # Just after a payment: D / (e^{y/f} - 1) = (100 rate / y)(1 - y / 2f + O((y/f)^2)).
    pref = PreferredStock(name="P", notional=1e6, rate=rate, frequency=f)
    value = value_preferred(pref, valuation_date=DIV_DAY, rate=y, credit_spread=0.0)
    first_day = {
        1: dt.date(2026, 12, 31), 2: dt.date(2026, 6, 30), 4: dt.date(2026, 3, 31),
        12: dt.date(2026, 1, 31),
    }[f]  # fmt: skip
    t1 = years(DIV_DAY, first_day)
    # Move the value to "just after a payment" (t1 = 1/f) before comparing.
    just_after = value * math.exp(-y * (1 / f - t1))
    approx = 100.0 * rate / y
    assert just_after / approx - 1.0 == pytest.approx(-y / (2 * f), abs=(y / f) ** 2)


def test_mid_period_value_and_clean_price() -> None:
    # 2026-02-15: 46 days into the 90-day quarter from 2025-12-31; next dividend in 44 days.
    day = dt.date(2026, 2, 15)
    dirty = value_preferred(STRF, valuation_date=day, rate=0.05, credit_spread=0.05)
    assert dirty == pytest.approx(written_out([44 / 365], [2.5], 2.5, 4, 0.10), rel=1e-12)
    clean = value_preferred(STRF, valuation_date=day, rate=0.05, credit_spread=0.05, clean=True)
    assert dirty - clean == pytest.approx(2.5 * 46 / 90, rel=1e-12)


def test_variable_rate_follows_the_schedule() -> None:
    # STRC on 2026-02-01: February pays 11.25% (in force on Feb 1), March 11.25%, April on
    # 12% (the last known step, held after it).
    # The first dividend on 2026-02-28, later ones 1/12 year apart.
    day = dt.date(2026, 2, 1)
    value = value_preferred(STRC_LIKE, valuation_date=day, rate=0.04, credit_spread=0.07)
    t1 = years(day, dt.date(2026, 2, 28))
    expected = written_out([t1, t1 + 1 / 12], [11.25 / 12, 11.25 / 12], 1.0, 12, 0.11)
    assert value == pytest.approx(expected, rel=1e-12)


def test_variable_rate_with_a_forward_path() -> None:
    day = dt.date(2026, 2, 1)
    path = [0.1125, 0.11, 0.105]
    value = value_preferred(
        STRC_LIKE, valuation_date=day, rate=0.04, credit_spread=0.07, forward_rates=path
    )
    # The path covers February to April; the schedule's April step (12%) comes after the
    # path's end, so the schedule keeps explicit periods to April, all at the path's rates,
    # and later periods pay the path's last rate.
    t1 = years(day, dt.date(2026, 2, 28))
    times = [t1, t1 + 1 / 12, t1 + 2 / 12]
    amounts = [100 * r / 12 for r in path]
    expected = written_out(times, amounts, 100 * 0.105 / 12, 12, 0.11)
    assert value == pytest.approx(expected, rel=1e-12)


def test_issuer_call_caps_a_rich_series() -> None:
    # 12% quarterly at an 8% yield trades above par: the issuer redeems at 100 on 2027-06-30,
    # after the dividend of that date.
    pref = PreferredStock(
        name="P", notional=1e8, rate=0.12, call_from=dt.date(2027, 6, 30), call_price=1.0
    )
    value = value_preferred(pref, valuation_date=DIV_DAY, rate=0.05, credit_spread=0.03)
    # Six dividends of 3 (the first on 2026-03-31, then every quarter year), then 100 on the
    # call date.
    t1 = years(DIV_DAY, dt.date(2026, 3, 31))
    expected = sum(3.0 * math.exp(-0.08 * (t1 + k / 4)) for k in range(6))
    expected += 100.0 * math.exp(-0.08 * years(DIV_DAY, dt.date(2027, 6, 30)))
    assert value == pytest.approx(expected, rel=1e-12)
    # A cheap series is left outstanding: the call changes nothing.
    cheap = attrs.evolve(pref, rate=0.05)
    kw: dict[str, Any] = {"valuation_date": DIV_DAY, "rate": 0.05, "credit_spread": 0.03}
    callable_value = value_preferred(cheap, **kw)
    never_called = value_preferred(attrs.evolve(cheap, call_from=None), **kw)
    assert callable_value == pytest.approx(never_called, rel=1e-14)


@settings(max_examples=30)
@given(y1=st.floats(0.02, 0.3), dy=st.floats(0.001, 0.1))
def test_value_falls_as_the_yield_rises(y1: float, dy: float) -> None:
    a = value_preferred(STRF, valuation_date=DIV_DAY, rate=y1, credit_spread=0.0)
    b = value_preferred(STRF, valuation_date=DIV_DAY, rate=y1, credit_spread=dy)
    assert b < a


def test_arrays_broadcast() -> None:
    rates = np.array([0.03, 0.04, 0.05])
    values = value_preferred(STRF, valuation_date=DIV_DAY, rate=rates, credit_spread=0.06)
    assert values.shape == (3,)
    for r, v in zip(rates, values, strict=True):
        assert v == value_preferred(
            STRF, valuation_date=DIV_DAY, rate=float(r), credit_spread=0.06
        )


# --- convertible preferred -----------------------------------------------------------------


def test_strk_conversion_option() -> None:
    kw: dict[str, Any] = {"valuation_date": DIV_DAY, "rate": 0.04, "credit_spread": 0.06}
    straight = value_preferred(STRK, **kw)
    s = np.array([1e-6, 50.0, 114.45, 1000.0, 20_000.0])
    conv = value_preferred(STRK, share_price=s, volatility=0.6, steps=400, **kw)
    parity = 0.1 * s
    assert np.all(conv >= parity)
    assert np.all(np.diff(conv) >= 0.0)
    # Nothing to convert into: the straight perpetuity, up to dividends sitting on the
    # nearest of 400 steps over 30 years (a discounting difference below y * dt / 2).
    assert conv[0] == pytest.approx(straight, rel=0.1 * 30 / 400 / 2)
    assert np.all(conv[1:] > straight)
    # Far in the money over a 5-year horizon at 30% volatility, the holder keeps the preferred
    # to the horizon (its dividends beat the common's none) and converts there, after the
    # dividend of that date (2030-09-30, the last before 2030-12-30): parity plus the 19
    # dividends of 2 from 2026-03-31 to 2030-09-30.
    far = value_preferred(STRK, share_price=20_000.0, volatility=0.3, horizon=5.0, **kw)
    t1 = years(DIV_DAY, dt.date(2026, 3, 31))
    dividends = sum(2.0 * math.exp(-0.1 * (t1 + k / 4)) for k in range(19))
    assert far - 2_000.0 == pytest.approx(dividends, rel=5e-4)


def test_strk_horizon_and_steps() -> None:
    # The conversion right is cut at the horizon: a longer horizon is worth more, by less and
    # less (the theory page gives the figures).
    kw: dict[str, Any] = {
        "valuation_date": DIV_DAY, "rate": 0.04, "credit_spread": 0.06, "share_price": 114.45,
        "volatility": 0.6, "steps": 400,
    }  # fmt: skip
    values = [value_preferred(STRK, horizon=h, **kw) for h in (10.0, 30.0, 60.0)]
    assert values[0] < values[1] < values[2]
    assert values[2] - values[1] < (values[1] - values[0]) / 3


def test_convertible_preferred_arrays_equal_scalars() -> None:
    s = np.array([80.0, 120.0, 300.0])
    kw: dict[str, Any] = {
        "valuation_date": DIV_DAY,
        "rate": 0.04,
        "credit_spread": 0.06,
        "steps": 120,
    }
    together = value_preferred(STRK, share_price=s, volatility=0.6, **kw)
    alone = [value_preferred(STRK, share_price=float(x), volatility=0.6, **kw) for x in s]
    np.testing.assert_allclose(together, alone, rtol=1e-13)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"share_price": 100.0, "volatility": 0.5, "preferred": STRF}, "share_price"),
        ({"share_price": 100.0}, "volatility"),
        ({"volatility": 0.5}, "volatility"),
        ({"dividend_yield": 0.02}, "dividend_yield"),
        ({"rate": -0.05, "credit_spread": 0.0}, "rate"),
        ({"rate": 4.0}, "rate"),
        ({"rate": ["0.04"]}, "rate"),
        ({"rate": []}, "rate"),
        ({"credit_spread": 7.0}, "credit_spread"),
        ({"forward_rates": []}, "forward_rates"),
        ({"forward_rates": [0.1, 2.0]}, "forward_rates"),
        ({"forward_rates": "0.1"}, "forward_rates"),
        ({"forward_rates": [0.1] * 2401}, "forward_rates"),
        ({"horizon": 0.0, "share_price": 1.0, "volatility": 0.5}, "horizon"),
        ({"horizon": 1e6, "share_price": 1.0, "volatility": 0.5}, "horizon"),
        ({"share_price": [], "volatility": 0.5}, "share_price"),
        ({"share_price": 100.0, "volatility": 0.0}, "volatility"),
        ({"steps": 1}, "steps"),
        ({"clean": "yes"}, "clean"),
        ({"valuation_date": "2026-01-01"}, "valuation_date"),
        ({"valuation_date": dt.datetime(2026, 1, 1)}, "valuation_date"),
        ({"credit_spread": [0.01, -0.01]}, "credit_spread[1]"),
        ({"preferred": attrs.evolve(STRF, issued=dt.date(2026, 6, 1))}, "valuation_date"),
        ({"preferred": "STRF"}, "preferred"),
    ],
)
def test_bad_inputs_name_the_field(kwargs: dict[str, object], field: str) -> None:
    pref: Any = kwargs.pop("preferred", STRK)
    kw: dict[str, Any] = {"valuation_date": DIV_DAY, "rate": 0.04, "credit_spread": 0.06}
    kw.update(kwargs)
    with pytest.raises(ValidationError) as info:
        value_preferred(pref, **kw)
    assert info.value.field == field


# --- the balance-sheet link ----------------------------------------------------------------

NOTE = ConvertibleNote(
    name="CB",
    principal=500e6,
    coupon=0.01,
    issued=dt.date(2025, 1, 1),
    maturity=dt.date(2030, 1, 1),
    conversion_price=100.0,
    puts=[dt.date(2028, 1, 1)],
)
COMPANY = Company(
    name="X",
    as_of=dt.date(2026, 1, 1),
    holdings=Holdings(units=20_000),
    shares_basic=20e6,
    cash=30e6,
    instruments=[
        NOTE,
        Note(name="plain", principal=100e6, maturity=dt.date(2031, 1, 1)),
        PreferredStock(name="PK", notional=200e6, rate=0.08, conversion_ratio=0.2),
    ],
)
MARKET: dict[str, Any] = {"volatility": 0.6, "rate": 0.04, "credit_spread": 0.05, "steps": 200}


@pytest.mark.parametrize(
    ("name", "asset_price", "mnav_basis", "share_price"),
    [
        # EV basis: S = (mNAV x units x P - debt - pref + cash) / basic shares
        #   = (1.5 x 20,000 x 100,000 - 600M - 200M + 30M) / 20M = (3,000M - 770M) / 20M.
        ("CB", 100_000.0, "ev", 111.5),
        # Market-cap basis: S = 1.5 x 2,000M / 20M.
        ("CB", 100_000.0, "market_cap", 150.0),
        # 1.5 x 20,000 x 20,000 = 600M < 770M of net claims: no equity, S = 0 (bond floor).
        ("CB", 20_000.0, "ev", 0.0),
        # The convertible preferred at the same share price as the note.
        ("PK", 100_000.0, "ev", 111.5),
    ],
)
def test_value_at_a_asset_price_is_the_value_at_the_hand_computed_share_price(
    name: str, asset_price: float, mnav_basis: Any, share_price: float
) -> None:
    value = convertible_value_at_asset_price(
        COMPANY, name, asset_price=asset_price, valuation_date=dt.date(2026, 1, 1), mnav=1.5,
        mnav_basis=mnav_basis, **MARKET,
    )  # fmt: skip
    instrument = COMPANY.instrument(name)
    kw: dict[str, Any] = {"valuation_date": dt.date(2026, 1, 1), "share_price": share_price}
    if isinstance(instrument, ConvertibleNote):
        direct = value_convertible(instrument, **kw, **MARKET)
    else:
        assert isinstance(instrument, PreferredStock)
        direct = value_preferred(instrument, **kw, **MARKET)
    assert isinstance(value, float)
    assert value == pytest.approx(direct, rel=1e-12)


def test_asset_prices_broadcast_with_the_market_inputs() -> None:
    # BTC prices (2, 1) against mNAVs (3,): a (2, 3) grid, each the scalar result.
    btc = np.array([[50_000.0], [100_000.0]])
    mnav = np.array([1.0, 1.5, 2.0])
    kw: dict[str, Any] = {"valuation_date": dt.date(2026, 1, 1), **MARKET, "steps": 60}
    grid = convertible_value_at_asset_price(COMPANY, "CB", asset_price=btc, mnav=mnav, **kw)
    assert grid.shape == (2, 3)
    for i, j in np.ndindex(2, 3):
        alone = convertible_value_at_asset_price(
            COMPANY, "CB", asset_price=float(btc[i, 0]), mnav=float(mnav[j]), **kw
        )
        assert grid[i, j] == pytest.approx(alone, rel=1e-13)


@settings(max_examples=15)
@given(
    prices=st.lists(st.floats(1_000.0, 500_000.0), min_size=2, max_size=8),
    mnav=st.floats(0.5, 3.0),
)
def test_value_is_non_decreasing_in_the_asset_price(prices: list[float], mnav: float) -> None:
    btc = np.sort(np.array(prices))
    values = convertible_value_at_asset_price(
        COMPANY, "CB", asset_price=btc, valuation_date=dt.date(2026, 1, 1), mnav=mnav,
        volatility=0.6, rate=0.04, credit_spread=0.0, steps=60,
    )  # fmt: skip
    assert values.shape == btc.shape
    assert np.all(np.diff(values) >= -1e-9 * values[1:])


@pytest.mark.parametrize(
    ("name", "company", "field"),
    [
        ("plain", COMPANY, "name"),
        ("missing", COMPANY, "name"),
        (None, COMPANY, "name"),
        ("CB", "not a company", "company"),
        (
            "CB",
            attrs.evolve(
                COMPANY,
                instruments=[attrs.evolve(NOTE, currency="EUR")],
                market=Market(fx={"EUR": 1.1}),
            ),
            "CB.currency",
        ),
    ],
)
def test_balance_sheet_bad_inputs(name: str, company: Any, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        convertible_value_at_asset_price(
            company,
            name, asset_price=100_000.0, valuation_date=dt.date(2026, 1, 1), mnav=1.5,
            **MARKET,
        )  # fmt: skip
    assert info.value.field == field


@pytest.mark.parametrize("name", ["CB", "PK"])
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"asset_price": ["100000"]}, "asset_price"),
        ({"asset_price": []}, "asset_price"),
        ({"asset_price": -1.0}, "asset_price"),
        ({"mnav": float("nan")}, "mnav"),
        ({"mnav": "1.5"}, "mnav"),
        ({"volatility": 0.0}, "volatility"),
        ({"rate": 4.0}, "rate"),
        ({"asset_price": [1e5, 2e5], "volatility": [0.5, 0.6, 0.7]}, "volatility"),
        ({"mnav_basis": "nav"}, "mnav_basis"),
        ({"method": "fast"}, "method"),
        ({"clean": "no"}, "clean"),
        ({"steps": 0}, "steps"),
        ({"valuation_date": "2026-01-01"}, "valuation_date"),
    ],
)
def test_balance_sheet_bad_market_inputs(name: str, changes: dict[str, Any], field: str) -> None:
    kw: dict[str, Any] = {
        "asset_price": 100_000.0, "valuation_date": dt.date(2026, 1, 1), "mnav": 1.5, **MARKET,
    }  # fmt: skip
    with pytest.raises(ValidationError) as info:
        convertible_value_at_asset_price(COMPANY, name, **(kw | changes))
    assert info.value.field == field
