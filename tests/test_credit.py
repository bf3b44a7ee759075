"""Tests of treasurymodel.credit: BTC Rating, BTC Risk, BTC Credit, market spreads, the table.

Published figures (source in each test), hand-computed cases, hypothesis properties (ordering,
scaling, monotonicity, round trips) and the closed forms against a Monte Carlo of the same
lognormal model.
"""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
import math
from collections.abc import Callable
from typing import Any, cast

import attrs
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.strategies import companies, scale_company
from treasurymodel import (
    Company,
    ConvertibleNote,
    Holdings,
    Market,
    Note,
    PreferredStock,
    ValidationError,
    credit_table,
    datasets,
    metrics,
)
from treasurymodel.credit import (
    COMMON,
    DEFINITIONS,
    EVENTS,
    CreditTable,
    btc_credit_spread,
    btc_rating,
    btc_ratings,
    btc_risk,
    btc_risks,
    credit_surplus,
    effective_yield,
    market_spread,
    risk_from_spread,
    spread_from_risk,
)

M = 1e6
AS_OF = dt.date(2026, 1, 1)
LATER = dt.date(2030, 1, 1)


def _normal_cdf(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def _convertibles(as_of: dt.date) -> list[ConvertibleNote]:
    """Strategy's six convertibles (principal in $M, conversion price), from the indentures."""
    terms = [
        ("2028", 1_010.0, 183.19, dt.date(2024, 9, 19), dt.date(2028, 9, 15)),
        ("2029", 3_000.0, 672.40, dt.date(2024, 11, 21), dt.date(2029, 12, 1)),
        ("2030A", 800.0, 149.77, dt.date(2024, 3, 8), dt.date(2030, 3, 15)),
        ("2030B", 2_000.0, 433.43, dt.date(2025, 2, 21), dt.date(2030, 3, 1)),
        ("2031", 603.75, 232.72, dt.date(2024, 3, 18), dt.date(2031, 3, 15)),
        ("2032", 800.0, 204.33, dt.date(2024, 6, 17), dt.date(2032, 6, 15)),
    ]
    return [
        ConvertibleNote(
            name=name, principal=p * M, issued=issued, maturity=maturity, conversion_price=cp
        )
        for name, p, cp, issued, maturity in terms
    ]


def _pref(name: str, notional_m: float, rank: int, **kw: Any) -> PreferredStock:
    return PreferredStock(name=name, notional=notional_m * M, rate=0.10, seniority=rank, **kw)


# --- published figures -----------------------------------------------------------------


def test_published_debt_rating_of_2_december_2025() -> None:
    # Source: Strategy's post on X of Tuesday 2 December 2025, reported by CoinMarketCap and
    # Binance Square: "at a Bitcoin price of $74,000 ... 5.9x assets to convertible debt, which
    # it refers to as the BTC Rating of its debt"; "at $25,000 BTC it would be 2.0x".
    # Inputs: 650,000 BTC held on 30 Nov 2025 (8-K of 1 Dec 2025); the six convertibles,
    # $8,213.75M; the new USD Reserve of $1,440M.
    # By hand: 650,000 x 74,000 = 48,100M; / 8,213.75M = 5.85600 -> 5.9;
    #          650,000 x 25,000 = 16,250M; / 8,213.75M = 1.97839 -> 2.0.
    co = Company(
        name="Strategy",
        as_of=dt.date(2025, 11, 30),
        holdings=Holdings(units=650_000),
        shares_basic=1.0,
        cash=1_440 * M,
        instruments=_convertibles(dt.date(2025, 11, 30)),
    )
    at_74k, at_25k = btc_rating(co, "2029", asset_price=np.array([74_000.0, 25_000.0]))
    assert at_74k == pytest.approx(48_100 / 8_213.75, rel=1e-12)
    assert at_25k == pytest.approx(16_250 / 8_213.75, rel=1e-12)
    assert (round(at_74k, 1), round(at_25k, 1)) == (5.9, 2.0)
    # The cash was not taken off: the "dashboard" definition would say 7.1x (48,100 / 6,773.75).
    dash = btc_rating(co, "2029", asset_price=74_000.0, definition="dashboard")
    assert dash == pytest.approx(48_100 / 6_773.75, rel=1e-12)
    assert round(dash, 1) == 7.1


def _january_2026() -> Company:
    # The capital structure behind the dashboard's BTC Rating chart of 18 January 2026
    # (Saylor on X, 18 Jan 2026; chart: STRF 9.1x, STRC 6.4x, STRK 5.2x, STRD 4.7x, MSTR 0.9x).
    # - 687,410 BTC held on 11 Jan 2026 (8-K of 12 Jan 2026);
    # - USD Reserve $2,250M on 4 Jan 2026 (8-K of 5 Jan 2026);
    # - the six convertibles, $8,213.75M;
    # - STRF $1,284.0M (no STRF sales in January per the 8-Ks of 12 and 20 Jan);
    # - STRC $3,085.0M = $3,379.5M on 1 Feb 2026 less the 2,945,371 shares ($294.5M) sold
    #   12-19 Jan (8-K of 20 Jan): an upper bound, sales of 20 Jan - 1 Feb are not netted;
    # - STRE EUR 775M at 1.16 USD/EUR (APPROXIMATE mid-January rate) = $899.0M;
    # - STRK $1,398.2M = $1,402.1M less the 38,796 shares ($3.9M) sold 12-19 Jan;
    # - STRD $1,402.4M (the data set's figure; an explicit input here).
    return Company(
        name="Strategy",
        as_of=dt.date(2026, 1, 18),
        holdings=Holdings(units=687_410),
        shares_basic=1.0,
        cash=2_250 * M,
        market=Market(fx={"EUR": 1.16}),
        instruments=[
            *_convertibles(dt.date(2026, 1, 18)),
            _pref("STRF", 1_284.0, 1),
            _pref("STRC", 3_085.0, 2),
            _pref("STRE", 775.0, 3, currency="EUR"),
            _pref("STRK", 1_398.2, 4),
            _pref("STRD", 1_402.4, 5),
        ],
    )


def test_published_preferred_ratings_of_18_january_2026() -> None:
    # Claims net of the USD Reserve ("dashboard"), by hand:
    #   STRF 8,213.75 - 2,250 + 1,284 = 7,247.75; STRC + 3,085 = 10,332.75;
    #   STRE + 899 = 11,231.75; STRK + 1,398.2 = 12,629.95; STRD + 1,402.4 = 14,032.35 ($M).
    # At $96,000 (BTC traded about $95,000-97,000 on 14-18 Jan 2026; Strategy's purchases of
    # 12-19 Jan averaged $95,284) the reserve is 65,991.36M and the ratings 9.105, 6.387,
    # 5.225, 4.703: 9.1, 6.4, 5.2, 4.7 as published. All four round so only for BTC in
    # [95,449, 96,459) (by hand, from the rounding intervals).
    co = _january_2026()
    r = btc_ratings(co, asset_price=96_000.0, definition="dashboard")
    reserve = 687_410 * 96_000 / M
    expected = {"STRF": 7_247.75, "STRC": 10_332.75, "STRK": 12_629.95, "STRD": 14_032.35}
    for name, claim in expected.items():
        assert r[name] == pytest.approx(reserve / claim, rel=1e-12)
    assert {k: round(r[k], 1) for k in expected} == {
        "STRF": 9.1,
        "STRC": 6.4,
        "STRK": 5.2,
        "STRD": 4.7,
    }
    low = btc_ratings(co, asset_price=95_400.0, definition="dashboard")
    assert round(low["STRC"], 1) == 6.3  # below the window: STRC no longer rounds to 6.4


def test_no_asset_price_gives_the_january_figures_without_netting_the_usd_reserve() -> None:
    # STRF / STRD is independent of the BTC price: claim(STRD) / claim(STRF). Published
    # 9.1 / 4.7 lies in [9.05 / 4.75, 9.15 / 4.65] = [1.9053, 1.9677]. By hand:
    #   dashboard: 14,032.35 / 7,247.75 = 1.9361 (inside);
    #   reserve and asset_coverage: 16,282.35 / 9,497.75 = 1.7144 (outside), and still
    #   1.7454 with STRC at its full 1 February notional.
    co = _january_2026()
    low, high = 9.05 / 4.75, 9.15 / 4.65
    cases: list[tuple[Any, float]] = [
        ("dashboard", 14_032.35 / 7_247.75),
        ("reserve", 16_282.35 / 9_497.75),
        ("asset_coverage", 16_282.35 / 9_497.75),  # the same cash joins both numerators
    ]
    for definition, ratio in cases:
        r = btc_ratings(co, asset_price=80_000.0, definition=definition)
        got = r["STRF"] / r["STRD"]
        assert got == pytest.approx(ratio, rel=1e-9)
        assert (low <= got <= high) == (definition == "dashboard")
    full = (16_282.35 + 294.5) / 9_497.75
    assert not low <= full <= high


def test_published_common_rating_of_early_2026() -> None:
    # Source: Chaitanya Jain (Strategy) on X, 18 Jan 2026: BTC Rating of MSTR = (BTC Reserve
    # - debt - preferred + USD Reserve) / market cap, shown as 0.9x. Inputs of the data set
    # mstr-2026-02, given explicitly: 713,502 BTC at $68,141; debt $8,243.75M; preferred
    # $8,388.7M (1,284 + 3,379.5 + 775 x 1.188 + 1,402.1 + 1,402.4); USD Reserve $2,250M;
    # 332,431,000 basic shares at $114.45 (5-6 Feb 2026).
    # By hand: reserve 48,618.74M; numerator 48,618.74 - 8,243.75 - 8,388.7 + 2,250
    # = 34,236.29M; market cap 38,046.73M; 0.89985 -> 0.9. Without the USD Reserve: 0.8407.
    co = Company(
        name="Strategy",
        ticker="MSTR",
        as_of=dt.date(2026, 2, 1),
        holdings=Holdings(units=713_502),
        shares_basic=332_431_000,
        cash=2_250 * M,
        market=Market(fx={"EUR": 1.188}),
        instruments=[
            *_convertibles(dt.date(2026, 2, 1)),
            Note(name="Other secured debt", principal=30 * M, maturity=dt.date(2032, 12, 31)),
            _pref("STRF", 1_284.0, 1),
            _pref("STRC", 3_379.5, 2),
            _pref("STRE", 775.0, 3, currency="EUR"),
            _pref("STRK", 1_402.1, 4),
            _pref("STRD", 1_402.4, 5),
        ],
    )
    reserve = 713_502 * 68_141 / M
    pref = 1_284 + 3_379.5 + 775 * 1.188 + 1_402.1 + 1_402.4
    cap = 332_431_000 * 114.45 / M
    got = btc_rating(co, "MSTR", asset_price=68_141.0, share_price=114.45, definition="dashboard")
    assert got == pytest.approx((reserve - 8_243.75 - pref + 2_250) / cap, rel=1e-12)
    assert round(got, 1) == 0.9
    plain = btc_rating(co, COMMON, asset_price=68_141.0, share_price=114.45)
    assert plain == pytest.approx((reserve - 8_243.75 - pref) / cap, rel=1e-12)
    assert round(plain, 1) == 0.8


# --- ratings: hand-computed case, seniority, the existing names ---------------------------


def _small() -> Company:
    return Company(
        name="X",
        ticker="XX",
        as_of=AS_OF,
        holdings=Holdings(units=1_000),
        shares_basic=1e6,
        cash=5 * M,
        other_assets=2 * M,
        instruments=[
            Note(name="debt", principal=10 * M, maturity=LATER),
            _pref("A", 10.0, 1),
            _pref("B", 30.0, 2),
        ],
    )


def test_hand_computed_ratings_under_each_definition() -> None:
    # Reserve 1,000 x $100,000 = 100M; cash 5M; other assets 2M; claims debt 10M, A 20M,
    # B 50M; market cap 1M x $40 = 40M.
    co = _small()
    expected = {
        "reserve": {"debt": 10.0, "A": 5.0, "B": 2.0, COMMON: (100 - 50) / 40},
        "dashboard": {"debt": 100 / 5, "A": 100 / 15, "B": 100 / 45, COMMON: (100 - 45) / 40},
        "asset_coverage": {
            "debt": 107 / 10,
            "A": 107 / 20,
            "B": 107 / 50,
            COMMON: (107 - 50) / 40,
        },
    }
    for definition, values in expected.items():
        got = btc_ratings(
            co, asset_price=100_000.0, share_price=40.0, definition=cast(Any, definition)
        )
        assert list(got) == ["debt", "A", "B", COMMON]
        for name, value in values.items():
            assert got[name] == pytest.approx(value, rel=1e-12), (definition, name)


def test_explicit_seniority_overrides_the_file() -> None:
    # B first (30M), then A with the debt (10M + 10M): B = 100/30, A and debt = 100/50.
    co = _small()
    r = btc_ratings(co, asset_price=100_000.0, seniority=["B", ["A", "debt"]])
    assert r == pytest.approx({"B": 100 / 30, "A": 2.0, "debt": 2.0})
    assert list(r) == ["B", "A", "debt"]


def test_cash_covering_the_claim_is_an_infinite_dashboard_rating() -> None:
    co = attrs.evolve(_small(), cash=12 * M)  # more than the 10M of debt
    assert btc_rating(co, "debt", asset_price=1.0, definition="dashboard") == math.inf
    assert btc_risk(
        co, "debt", asset_volatility=0.8, expected_return=-1.0, asset_price=1.0,
        definition="dashboard",
    ) == 0.0  # fmt: skip


def test_metrics_keeps_the_old_names() -> None:
    # the module of metrics() is treasurymodel.kpi (treasurymodel.metrics is the function)
    metrics_module = importlib.import_module("treasurymodel.kpi")

    assert metrics_module.btc_rating is btc_rating
    assert metrics_module.btc_ratings is btc_ratings
    assert callable(metrics)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"security": "missing"}, "security"),
        ({"security": 5}, "security"),
        ({"definition": "textbook"}, "definition"),
        ({"seniority": "debt"}, "seniority"),
        ({"seniority": ["debt", "A"]}, "seniority"),
        ({"seniority": ["debt", "A", "B", "A"]}, "seniority[3]"),
        ({"seniority": ["debt", "A", "nope"]}, "seniority[2]"),
        ({"seniority": ["debt", [], "A", "B"]}, "seniority[1]"),
        ({"security": COMMON}, "share_price"),
        ({"security": COMMON, "share_price": 0.0}, "share_price"),
        ({"asset_price": -1.0}, "asset_price"),
    ],
)
def test_rating_refuses_bad_input(kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {"security": "A", "asset_price": 1.0, **kwargs}
    with pytest.raises(ValidationError) as info:
        btc_rating(_small(), **args)
    assert info.value.field == field


# --- ratings: properties ------------------------------------------------------------------


@settings(max_examples=30)
@given(
    company=companies(max_instruments=6),
    price=st.floats(min_value=1.0, max_value=1e6),
    definition=st.sampled_from(DEFINITIONS),
    data=st.data(),
)
def test_a_more_senior_security_never_has_a_lower_rating(
    company: Company, price: float, definition: Any, data: st.DataObject
) -> None:
    names = [i.name for i in company.instruments]
    order = data.draw(st.permutations(names))
    for seniority in (None, order):
        r = btc_ratings(company, asset_price=price, definition=definition, seniority=seniority)
        values = list(r.values())
        assert all(a >= b for a, b in itertools.pairwise(values))


@settings(max_examples=30)
@given(
    company=companies(max_instruments=6),
    price=st.floats(min_value=1.0, max_value=1e6),
    share=st.floats(min_value=0.01, max_value=1e4),
    definition=st.sampled_from(DEFINITIONS),
)
def test_doubling_every_amount_and_the_reserve_leaves_ratings_unchanged(
    company: Company, price: float, share: float, definition: Any
) -> None:
    # scale_company doubles every amount (cash, claims, ...) but not units or shares: the
    # reserve doubles with the BTC price, the market cap with the share price.
    one = btc_ratings(company, asset_price=price, share_price=share, definition=definition)
    two = btc_ratings(
        scale_company(company, 2.0), asset_price=2 * price, share_price=2 * share,
        definition=definition,
    )  # fmt: skip
    assert list(one) == list(two)
    for name in one:
        assert two[name] == pytest.approx(one[name], rel=1e-9, abs=1e-12)


@settings(max_examples=25)
@given(
    company=companies(min_instruments=1, max_instruments=5),
    price=st.floats(min_value=10.0, max_value=1e6),
    vol=st.floats(min_value=0.05, max_value=2.0),
    mu=st.floats(min_value=-1.0, max_value=1.0),
    definition=st.sampled_from(DEFINITIONS),
    event=st.sampled_from(EVENTS),
)
def test_doubling_every_amount_and_the_price_leaves_risk_unchanged(
    company: Company, price: float, vol: float, mu: float, definition: Any, event: Any
) -> None:
    kw: dict[str, Any] = {
        "asset_volatility": vol, "expected_return": mu, "horizon": 2.0,
        "definition": definition, "event": event,
    }  # fmt: skip
    one = btc_risks(company, asset_price=price, **kw)
    two = btc_risks(scale_company(company, 2.0), asset_price=2 * price, **kw)
    for name, p in one.items():
        assert two[name] == pytest.approx(p, rel=1e-9, abs=1e-12)


def test_ratings_broadcast_over_prices() -> None:
    co = _small()
    grid = np.array([[1_000.0, 50_000.0], [100_000.0, 0.0]])
    arr = btc_ratings(co, asset_price=grid, share_price=40.0, definition="dashboard")
    for name, values in arr.items():
        assert isinstance(values, np.ndarray)
        assert values.shape == (2, 2)
        for idx in np.ndindex(2, 2):
            one = btc_rating(
                co, name, asset_price=float(grid[idx]), share_price=40.0, definition="dashboard"
            )
            assert values[idx] == one


# --- BTC Risk and BTC Credit ----------------------------------------------------------------


def _one_debt(principal: float = 50 * M, units: float = 1_000.0) -> Company:
    return Company(
        name="X",
        as_of=AS_OF,
        holdings=Holdings(units=units),
        shares_basic=1e6,
        instruments=[Note(name="debt", principal=principal, maturity=LATER)],
    )


def test_hand_computed_risk() -> None:
    # Break price 50M / 1,000 = $50,000 from $100,000; sigma 0.6, mu 0.1, T 2:
    # nu = 0.1 - 0.18 = -0.08; x = ln 0.5 = -0.693147; sigma sqrt T = 0.848528.
    # at: N((x - nu T) / (sigma sqrt T)) = N(-0.628320) = 0.264897;
    # before: + exp(2 nu x / sigma^2) N((x + nu T) / (sigma sqrt T))
    #       = + exp(0.308065) x N(-1.005444) = + 1.360790 x 0.157342 = 0.479006 in all.
    co = _one_debt()
    kw: dict[str, Any] = {
        "asset_volatility": 0.6, "expected_return": 0.1, "horizon": 2.0, "asset_price": 1e5,
    }  # fmt: skip
    x, nu, s = math.log(0.5), -0.08, 0.6 * math.sqrt(2.0)
    at = _normal_cdf((x - 2 * nu) / s)
    before = at + math.exp(2 * nu * x / 0.36) * _normal_cdf((x + 2 * nu) / s)
    assert btc_risk(co, "debt", **kw) == pytest.approx(at, rel=1e-12)
    assert btc_risk(co, "debt", event="before_horizon", **kw) == pytest.approx(before, rel=1e-12)
    assert at == pytest.approx(0.264897, abs=1e-6)
    assert before == pytest.approx(0.479006, abs=1e-6)
    spread = btc_credit_spread(co, "debt", **kw)
    assert spread == pytest.approx(-math.log(1 - at) / 2.0, rel=1e-12)


def test_risk_edge_cases() -> None:
    co = _one_debt()
    kw: dict[str, Any] = {"asset_volatility": 0.5, "expected_return": 0.0}
    # Already below the break price: certain for "before_horizon".
    assert btc_risk(co, "debt", asset_price=40_000.0, event="before_horizon", **kw) == 1.0
    # Nothing held: the rating is 0 whatever the price.
    empty = _one_debt(units=0.0)
    assert btc_risk(empty, "debt", asset_price=1e5, **kw) == 1.0
    # A zero price: below any positive break price at the horizon.
    assert btc_risk(co, "debt", asset_price=0.0, **kw) == 1.0
    # Far in the tail the barrier formula stays finite (no overflow, no NaN).
    far = btc_risk(
        co, "debt", asset_price=1e9, asset_volatility=0.01, expected_return=-5.0, horizon=0.1,
        event="before_horizon",
    )  # fmt: skip
    assert 0.0 <= far <= 1.0


@pytest.mark.parametrize("vol", [1e-200, 1e-160, 1e-12])
@pytest.mark.parametrize(
    ("mu", "horizon", "expected"),
    [
        (0.0, 1.0, 0.0),  # the price stays at $100,000: never down to $50,000
        (0.1, 1.0, 0.0),  # it rises
        (-0.5, 1.0, 0.0),  # $100,000 e^-0.5 = $60,653 at the horizon: above $50,000
        (-1.0, 1.0, 1.0),  # $100,000 e^-1 = $36,788: below it (passed at t = ln 2 = 0.69)
        (-1.0, 0.5, 0.0),  # half a year: $60,653 again
    ],
)
def test_a_vanishing_volatility_is_the_deterministic_path(
    vol: float, mu: float, horizon: float, expected: float
) -> None:
    # With sigma -> 0 the price is P0 exp(mu t) (the -sigma^2/2 vanishes) and falls
    # monotonically or not at all: both events are certain or impossible. A volatility whose
    # square underflows (1e-200, 1e-160) used to give NaN for "before_horizon".
    co = _one_debt()  # break price $50,000
    kw: dict[str, Any] = {
        "asset_volatility": vol, "expected_return": mu, "horizon": horizon, "asset_price": 1e5,
    }  # fmt: skip
    assert btc_risk(co, "debt", **kw) == expected
    assert btc_risk(co, "debt", event="before_horizon", **kw) == expected


def test_first_passage_far_in_the_tail_matches_the_direct_formula() -> None:
    # sigma 0.1, mu -2.495, T 1: nu = -2.5, x = ln 0.5. (x + nu T) / sigma = -31.93 is past
    # the switch to the asymptotic series, yet exp(2 nu x / sigma^2) = exp(346.6) and
    # N(-31.93) still fit in a double: the textbook formula computed directly.
    co = _one_debt()
    x, nu, s = math.log(0.5), -2.5, 0.1
    at = _normal_cdf((x - nu) / s)
    second = math.exp(2 * nu * x / s**2) * _normal_cdf((x + nu) / s)
    assert 0.0 < second < 1.0
    got = btc_risk(
        co, "debt", asset_volatility=s, expected_return=nu + s * s / 2, asset_price=1e5,
        event="before_horizon",
    )  # fmt: skip
    assert got == pytest.approx(at + second, rel=1e-9)


@settings(max_examples=40)
@given(
    gap=st.floats(min_value=-4.0, max_value=-0.01),
    vols=st.tuples(st.floats(0.05, 2.0), st.floats(0.05, 2.0)),
    mu=st.floats(min_value=-1.0, max_value=1.0),
    horizon=st.floats(min_value=0.1, max_value=10.0),
)
def test_risk_rises_with_volatility(
    gap: float, vols: tuple[float, float], mu: float, horizon: float
) -> None:
    # When the break price is below the price drifted to the horizon (gap = ln(B / P0) - mu T
    # < 0, the case of any security worth rating), more volatility means more risk, for both
    # events. (Above it, more volatility can lower the risk at the horizon: not a property.)
    x = gap + mu * horizon
    assume(x < 0.0)
    co = _one_debt()
    asset_price = 50_000.0 / math.exp(x)
    lo, hi = sorted(vols)
    for event in EVENTS:
        a, b = (
            btc_risk(co, "debt", asset_volatility=v, expected_return=mu, horizon=horizon,
                     asset_price=asset_price, event=cast(Any, event))
            for v in (lo, hi)
        )  # fmt: skip
        assert b >= a - 1e-12


@settings(max_examples=30)
@given(
    company=companies(min_instruments=1, max_instruments=6),
    price=st.floats(min_value=10.0, max_value=1e6),
    vol=st.floats(min_value=0.05, max_value=3.0),
    mu=st.floats(min_value=-1.0, max_value=1.0),
    horizon=st.floats(min_value=0.05, max_value=30.0),
    definition=st.sampled_from(DEFINITIONS),
)
def test_risk_never_falls_with_juniority_and_touching_is_likelier(
    company: Company, price: float, vol: float, mu: float, horizon: float, definition: Any
) -> None:
    kw: dict[str, Any] = {
        "asset_volatility": vol, "expected_return": mu, "horizon": horizon, "asset_price": price,
        "definition": definition,
    }  # fmt: skip
    at = list(btc_risks(company, **kw).values())
    before = list(btc_risks(company, event="before_horizon", **kw).values())
    assert all(0.0 <= p <= 1.0 for p in at + before)
    assert all(a <= b + 1e-12 for a, b in itertools.pairwise(at))
    assert all(a <= b + 1e-12 for a, b in itertools.pairwise(before))
    assert all(a <= b + 1e-12 for a, b in zip(at, before, strict=True))


@settings(max_examples=40)
@given(
    risk=st.floats(min_value=0.0, max_value=1.0 - 1e-9),
    horizon=st.floats(min_value=0.01, max_value=100.0),
)
def test_spread_and_risk_round_trip(risk: float, horizon: float) -> None:
    spread = spread_from_risk(risk, horizon=horizon)
    assert spread >= 0.0
    assert risk_from_spread(spread, horizon=horizon) == pytest.approx(risk, rel=1e-9, abs=1e-15)


def test_spread_of_certain_impairment_is_infinite_and_back() -> None:
    assert spread_from_risk(1.0, horizon=3.0) == math.inf
    assert risk_from_spread(math.inf, horizon=3.0) == 1.0


def test_risk_is_vectorized_over_every_model_input() -> None:
    co = _one_debt()
    vol = np.array([0.2, 0.5, 0.9])[:, None]
    mu = np.array([-0.2, 0.0, 0.3, 0.6])[None, :]
    grid = btc_risk(co, "debt", asset_volatility=vol, expected_return=mu, asset_price=80_000.0)
    assert isinstance(grid, np.ndarray)
    assert grid.shape == (3, 4)
    for i, j in np.ndindex(3, 4):
        one = btc_risk(
            co, "debt", asset_volatility=float(vol[i, 0]), expected_return=float(mu[0, j]),
            asset_price=80_000.0,
        )  # fmt: skip
        assert grid[i, j] == one
    prices = np.array([60_000.0, 90_000.0])
    r = btc_risks(co, asset_volatility=0.5, expected_return=0.0, asset_price=prices, horizon=3.0)
    debt = np.asarray(r["debt"])
    assert debt.shape == (2,)
    assert debt[0] > debt[1]


def test_closed_form_risk_matches_a_monte_carlo_of_the_same_model() -> None:
    # GBM sampled exactly at the horizon, and on a grid with the Brownian-bridge probability
    # of crossing between grid points (continuous monitoring without discretization bias).
    co = _one_debt(principal=60 * M)  # break price $60,000
    asset_price, vol, mu, horizon = 100_000.0, 0.7, 0.05, 2.0
    rng = np.random.default_rng(20260118)
    n = 200_000
    nu = mu - 0.5 * vol * vol
    end = math.log(asset_price) + nu * horizon + vol * math.sqrt(horizon) * rng.standard_normal(n)
    barrier = math.log(60_000.0)
    p_mc = float((end < barrier).mean())
    p_cf = btc_risk(co, "debt", asset_volatility=vol, expected_return=mu, horizon=horizon,
                    asset_price=asset_price)  # fmt: skip
    se = math.sqrt(p_cf * (1 - p_cf) / n)
    assert abs(p_mc - p_cf) < 4 * se

    paths, steps = 20_000, 50
    dt_ = horizon / steps
    incr = nu * dt_ + vol * math.sqrt(dt_) * rng.standard_normal((paths, steps))
    logs = np.concatenate([np.zeros((paths, 1)), np.cumsum(incr, axis=1)], axis=1)
    d = logs - (barrier - math.log(asset_price))  # distance above the barrier, in log price
    a, b = d[:, :-1], d[:, 1:]
    cross = np.where((a > 0) & (b > 0), np.exp(-2.0 * a * b / (vol * vol * dt_)), 1.0)
    survive = np.prod(1.0 - cross, axis=1)
    hit = 1.0 - survive
    p_mc = float(hit.mean())
    se = float(hit.std(ddof=1)) / math.sqrt(paths)
    p_cf = btc_risk(co, "debt", asset_volatility=vol, expected_return=mu, horizon=horizon,
                    asset_price=asset_price, event="before_horizon")  # fmt: skip
    assert abs(p_mc - p_cf) < 4 * se


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"asset_volatility": 0.0}, "asset_volatility"),
        ({"asset_volatility": math.nan}, "asset_volatility"),
        ({"asset_volatility": [0.5, -0.1]}, "asset_volatility[1]"),
        ({"expected_return": "high"}, "expected_return"),
        ({"horizon": 0.0}, "horizon"),
        ({"event": "touch"}, "event"),
        ({"definition": "x"}, "definition"),
        ({"security": COMMON}, "security"),
        ({"asset_price": None}, "asset_price"),  # no [market] price to default to
    ],
)
def test_risk_refuses_bad_input(kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {
        "security": "debt", "asset_volatility": 0.5, "expected_return": 0.0, "asset_price": 1e5,
        **kwargs,
    }  # fmt: skip
    with pytest.raises(ValidationError) as info:
        btc_risk(_one_debt(), **args)
    assert info.value.field == field


def test_risk_refuses_shapes_that_do_not_broadcast() -> None:
    with pytest.raises(ValidationError):
        btc_risk(_one_debt(), "debt", asset_volatility=np.ones(3) * 0.5,
                 expected_return=np.zeros(2), asset_price=1e5)  # fmt: skip


# --- the market side --------------------------------------------------------------------------


def _market_company() -> Company:
    return Company(
        name="X",
        as_of=AS_OF,
        holdings=Holdings(units=1_000),
        shares_basic=1e6,
        instruments=[
            Note(name="zero", principal=10 * M, coupon=0.0, maturity=dt.date(2028, 1, 1)),
            ConvertibleNote(
                name="cvt", principal=10 * M, coupon=0.02, frequency=1,
                issued=dt.date(2025, 1, 1), maturity=dt.date(2031, 1, 1),
                conversion_price=100.0, puts=[dt.date(2027, 1, 1)],
            ),
            PreferredStock(name="P", notional=10 * M, rate=0.10, frequency=4),
        ],
    )  # fmt: skip


def test_effective_yields_by_hand() -> None:
    co = _market_company()
    # Preferred: $10 a year on a price of $80.
    assert effective_yield(co, "P", price=80.0) == pytest.approx(0.125, rel=1e-15)
    # Zero coupon, 730 days = 2.0 years (ACT/365): (100 / 80) ** 0.5 - 1 = 0.118034.
    assert effective_yield(co, "zero", price=80.0) == pytest.approx(1.25**0.5 - 1, abs=1e-12)
    # To the put of 1 Jan 2027 (365 days): 2 + 100 = 102 for 96, 102 / 96 - 1 = 0.0625.
    assert effective_yield(co, "cvt", price=96.0, to="put") == pytest.approx(0.0625, abs=1e-12)
    # Vectorized: par gives the coupon; array in, array out, equal to the scalar results.
    prices = np.array([90.0, 100.0, 110.0])
    ys = effective_yield(co, "cvt", price=prices)
    # Par gives the coupon but for the leap day: five years are 1,826 days, 5.0027 on ACT/365.
    assert ys[1] == pytest.approx(0.02, abs=2e-5)
    assert ys.tolist() == [effective_yield(co, "cvt", price=float(p)) for p in prices]
    assert bool(np.all(np.diff(ys) < 0))
    assert market_spread(co, "P", price=80.0, risk_free_rate=0.04) == pytest.approx(0.085)


def test_credit_surplus_is_market_spread_less_model_spread() -> None:
    co = _market_company()
    kw: dict[str, Any] = {"asset_volatility": 0.9, "expected_return": 0.0, "asset_price": 25_000.0}
    model = btc_credit_spread(co, "P", **kw)
    assert model > 0.01  # a 30M claim on a 25M reserve: real risk
    surplus = credit_surplus(co, "P", price=np.array([80.0, 100.0]), risk_free_rate=0.04, **kw)
    assert surplus == pytest.approx([0.125 - 0.04 - model, 0.10 - 0.04 - model], rel=1e-12)


@pytest.mark.parametrize(
    ("security", "kwargs", "field"),
    [
        ("P", {"price": 0.0}, "price"),
        ("zero", {"price": 1e9}, "price"),  # a yield below -99%
        ("zero", {"price": 1e-9}, "price"),  # a yield above 10,000%
        ("P", {"price": 0.1}, "price"),  # $10 a year on $0.10: 10,000%, the same bound
        ("P", {"price": [80.0, 1e-9]}, "price"),
        ("zero", {"price": 90.0, "to": "put"}, "to"),
        ("P", {"price": 90.0, "to": "call"}, "to"),
        (COMMON, {"price": 90.0}, "security"),
    ],
)
def test_effective_yield_refuses_bad_input(
    security: str, kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        effective_yield(_market_company(), security, **kwargs)
    assert info.value.field == field


# --- the table ----------------------------------------------------------------------------


def test_table_rows_agree_with_the_functions() -> None:
    co = datasets.load("mstr-2026-02")
    kw: dict[str, Any] = {"asset_volatility": 0.6, "expected_return": 0.1, "horizon": 3.0}
    t = credit_table(
        co, definition="dashboard", market_prices={"STRF": 110.0}, risk_free_rate=0.04, **kw
    )
    assert isinstance(t, CreditTable)
    assert t.security == tuple(btc_ratings(co, asset_price=68_141.0, definition="dashboard"))
    for i, name in enumerate(t.security):
        assert t.rating[i] == btc_rating(co, name, asset_price=68_141.0, definition="dashboard")
        assert t.risk[i] == btc_risk(co, name, definition="dashboard", **kw)
        assert t.spread[i] == btc_credit_spread(co, name, definition="dashboard", **kw)
    strf = t.row("STRF")
    assert strf["effective_yield"] == pytest.approx(10 / 110)
    assert strf["credit_surplus"] == pytest.approx(10 / 110 - 0.04 - strf["spread"])
    assert t.row("STRD")["market_price"] is None
    assert t.common_rating == btc_rating(
        co, COMMON, asset_price=68_141.0, share_price=114.45, definition="dashboard"
    )


def test_table_reads_like_the_other_results() -> None:
    t = credit_table(datasets.load("mstr-2026-02"), asset_volatility=0.5, expected_return=0.0)
    text = repr(t)
    lines = text.splitlines()
    assert len(lines) <= 25
    assert max(len(line) for line in lines) <= 120
    assert lines[0].startswith("CreditTable(Strategy as of 2026-02-01")
    assert "STRD" in text
    assert "common: BTC Rating" in text
    wide = credit_table(
        datasets.load("mstr-2026-02"), asset_volatility=0.5, expected_return=0.0,
        market_prices={"STRF": 110.0, "0.625% convertible notes due 2028": 101.0},
        risk_free_rate=0.04,
    )  # fmt: skip
    assert max(len(line) for line in repr(wide).splitlines()) <= 120
    page = t._repr_html_()
    assert page.startswith("<table>")
    assert page.count("<tr>") == len(t) + 2
    columns = t.to_dict()
    assert list(columns) == list(CreditTable.COLUMNS)
    assert all(isinstance(v, np.ndarray) and len(v) == len(t) for v in columns.values())
    frame = t.to_frame()
    assert frame.shape == (len(t), len(CreditTable.COLUMNS) - 1)
    assert frame.loc["STRF", "rating"] == t.row("STRF")["rating"]
    with pytest.raises(ValidationError):
        t.row("nope")


def test_table_refuses_bad_market_prices() -> None:
    co = datasets.load("mstr-2026-02")
    with pytest.raises(ValidationError) as info:
        credit_table(co, asset_volatility=0.5, expected_return=0.0, market_prices={"X": 1.0})
    assert (info.value.field, info.value.value) == ("market_prices", "X")
    with pytest.raises(ValidationError) as info:
        credit_table(co, asset_volatility=0.5, expected_return=0.0, market_prices={"STRF": -1})
    assert info.value.field == "market_prices['STRF']"


@pytest.mark.parametrize(("field", "value"), [("asset_price", 1e308), ("share_price", 1e308)])
def test_table_refuses_a_price_whose_reserve_or_market_cap_overflows(
    field: str, value: float
) -> None:
    # 713,502 BTC x $1e308 is not a float: the ratings came out inf (a wrong number; the
    # true one is finite) and the common's rating 0.000 at a 300-digit share price.
    co = datasets.load("mstr-2026-02")
    kwargs: dict[str, Any] = {field: value}
    with pytest.raises(ValidationError) as info:
        credit_table(co, asset_volatility=0.5, expected_return=0.0, **kwargs)
    assert (info.value.field, info.value.value) == (field, value)


def test_html_table_has_full_names_and_right_aligned_figures() -> None:
    # The text repr cuts long names to keep its width; the HTML table has no width to keep to.
    t = credit_table(datasets.load("mstr-2026-02"), asset_volatility=0.5, expected_return=0.0)
    text, page = repr(t), t._repr_html_()
    assert "0.625% convertible notes due 2030 (A)" not in text  # 37 characters, cut
    assert "…" in text
    assert "0.625% convertible notes due 2030 (A)" in page
    assert "…" not in page
    assert '<td style="text-align:left">STRF</td><td style="text-align:right">2</td>' in page


# --- extreme but finite inputs: refused by name, or a documented limit ------------------------


def test_rating_refuses_a_price_whose_reserve_overflows() -> None:
    # 1,000 units x $1e305 = 1e308 (a float) over a 50M claim: 2e300. At $1e306 the reserve,
    # 1e309, is beyond the largest double (1.797e308): refused naming asset_price.
    co = _one_debt()
    assert btc_rating(co, "debt", asset_price=1e305) == pytest.approx(1e308 / 50e6, rel=1e-12)
    for call in (
        lambda: btc_rating(co, "debt", asset_price=1e306),
        lambda: btc_ratings(co, asset_price=[1.0, 1e306]),
    ):
        with pytest.raises(ValidationError) as info:
            call()
        assert info.value.field == "asset_price"
        assert "BTC Reserve" in str(info.value)


def test_common_rating_refuses_a_share_price_out_of_the_float_range() -> None:
    # Reserve 1,000 x $100,000 = 100M less the 50M debt over 1e6 shares x S: 50 / S.
    co = _one_debt()
    assert btc_rating(co, COMMON, asset_price=1e5, share_price=25.0) == 2.0
    # 1e6 shares x 1e303 = 1e309: the market cap overflows (too large) ...
    with pytest.raises(ValidationError, match="market cap") as info:
        btc_ratings(co, asset_price=1e5, share_price=1e303)
    assert info.value.field == "share_price"
    # ... and 50M / (1e6 x 5e-324) is beyond the float range (too small), not inf.
    with pytest.raises(ValidationError, match="float range") as info:
        btc_rating(co, COMMON, asset_price=1e5, share_price=5e-324)
    assert info.value.field == "share_price"
    # A share price is checked whenever it is given, even where only a security is rated.
    with pytest.raises(ValidationError) as info:
        btc_rating(co, "debt", asset_price=1e5, share_price=cast(Any, "x"))
    assert info.value.field == "share_price"


@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.parametrize("vol", [5e-324, 1e-310])
def test_a_subnormal_volatility_is_the_deterministic_path_without_warnings(
    vol: float, event: str
) -> None:
    # Warnings are errors in the suite: sigma sqrt(T) and sigma^2 underflow here, and the
    # answer is the deterministic path P0 e^(mu T): $100,000 e^-1 = $36,788 < $50,000.
    co = _one_debt()
    kw: dict[str, Any] = {"asset_volatility": vol, "asset_price": 1e5, "event": event}
    assert btc_risk(co, "debt", expected_return=-1.0, **kw) == 1.0
    assert btc_risk(co, "debt", expected_return=0.0, **kw) == 0.0
    assert btc_credit_spread(co, "debt", expected_return=0.0, **kw) == 0.0


def test_btc_credit_is_infinite_at_a_certain_impairment() -> None:
    # A zero price: no reserve, the rating is 0 < 1 at any horizon, BTC Risk 1, and
    # -ln(1 - 1) / T has no finite value: inf (documented), and the surplus -inf.
    co = _one_debt()
    kw: dict[str, Any] = {"asset_volatility": 0.5, "expected_return": 0.0, "horizon": 2.0}
    assert btc_risk(co, "debt", asset_price=0.0, **kw) == 1.0
    assert btc_credit_spread(co, "debt", asset_price=0.0, **kw) == math.inf
    pref = Company(
        name="X", as_of=AS_OF, holdings=Holdings(units=1_000), shares_basic=1e6,
        instruments=[PreferredStock(name="P", notional=10 * M, rate=0.10)],
    )  # fmt: skip
    surplus = credit_surplus(pref, "P", price=100.0, risk_free_rate=0.04, asset_price=0.0, **kw)
    assert surplus == -math.inf


def test_spread_from_risk_refuses_a_horizon_whose_spread_overflows() -> None:
    # -ln(1 - 0.5) / 1e-308 = 6.9e307 is a float; / 1e-309 = 6.9e308 is not: refused.
    assert spread_from_risk(0.5, horizon=1e-308) == pytest.approx(math.log(2) * 1e308)
    with pytest.raises(ValidationError) as info:
        spread_from_risk(0.5, horizon=1e-309)
    assert info.value.field == "horizon"
    assert spread_from_risk(0.0, horizon=5e-324) == 0.0  # no impairment: no spread
    assert spread_from_risk(1.0, horizon=5e-324) == math.inf  # certain: the documented inf


def test_risk_from_spread_takes_an_overflowing_product_as_its_limit() -> None:
    # 1e308 x 2 is beyond the float range; 1 - exp(-spread T) tends to 1 (no warning).
    assert risk_from_spread(1e308, horizon=2.0) == 1.0
    assert np.asarray(risk_from_spread(np.array([0.0, 1e308]), horizon=2.0)).tolist() == [0, 1]
    with pytest.raises(ValidationError) as info:
        risk_from_spread(cast(Any, [[0.1], [0.1, 0.2]]))
    assert info.value.field == "spread"


def test_a_preferred_price_whose_yield_overflows_is_refused() -> None:
    # $10 a year over $5e-324 is beyond the float range: the same refusal as any yield above
    # 10,000%, naming the price, for the yield, the market spread and the surplus.
    co = _market_company()
    calls: list[Callable[[], object]] = [
        lambda: effective_yield(co, "P", price=5e-324),
        lambda: market_spread(co, "P", price=5e-324, risk_free_rate=0.04),
        lambda: credit_surplus(
            co, "P", price=5e-324, risk_free_rate=0.04, asset_volatility=0.5,
            expected_return=0.0, asset_price=1e5,
        ),
    ]  # fmt: skip
    for call in calls:
        with pytest.raises(ValidationError) as info:
            call()
        assert info.value.field == "price"


def test_table_marks_a_missing_market_figure_none_and_nan_only_in_its_exports() -> None:
    # STRF priced at $110 ($10 a year: 9.09%), every other security unpriced; no risk-free
    # rate: no market spread nor surplus for any security.
    co = datasets.load("mstr-2026-02")
    t = credit_table(co, asset_volatility=0.5, expected_return=0.0, market_prices={"STRF": 110.0})
    i = t.security.index("STRF")
    assert t.market_price[i] == 110.0
    assert t.effective_yield[i] == pytest.approx(10 / 110)
    assert [p is None for p in t.market_price] == [name != "STRF" for name in t.security]
    assert t.market_spread == (None,) * len(t)
    assert t.credit_surplus == (None,) * len(t)
    row = t.row("STRD")
    assert [row[c] for c in ("market_price", "effective_yield", "market_spread")] == [None] * 3
    assert not any(isinstance(v, float) and math.isnan(v) for v in t.row("STRF").values())
    # The array exports mark the same figures NaN (the numpy and pandas convention).
    d = t.to_dict()
    assert d["market_price"].dtype == np.float64
    assert np.isnan(d["market_price"]).tolist() == [name != "STRF" for name in t.security]
    assert d["market_price"][i] == 110.0
    assert np.isnan(d["credit_surplus"]).all()
    assert np.isnan(t.to_frame().loc["STRD", "effective_yield"])
    strd = next(line for line in repr(t).splitlines() if line.split()[:1] == ["STRD"])
    assert "-" in strd.split()  # shown as "-", never "nan"
    assert "nan" not in repr(t)


def test_table_refuses_market_prices_that_are_not_a_dict() -> None:
    co = datasets.load("mstr-2026-02")
    for bad in ("STRF", [("STRF", 110.0)], 110.0):
        with pytest.raises(ValidationError) as info:
            credit_table(
                co, asset_volatility=0.5, expected_return=0.0, market_prices=cast(Any, bad)
            )
        assert info.value.field == "market_prices"
