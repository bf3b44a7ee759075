"""Convertible notes: the Tsiveriotis–Fernandes tree, closed form, limits, sensitivities, implied.

Independent checks used here:

* a textbook, node-by-node Tsiveriotis–Fernandes tree written in plain Python (``naive_tf``)
  for the vectorized engine;
* Black–Scholes written out with :func:`math.erf` for the closed form;
* present values of cash flows written out by hand for the bond floor;
* hand-computed figures (in comments) for the published examples.

QuantLib cross-checks live in ``tests/test_valuation_quantlib.py``.
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

import treasurymodel as tm
from tests.strategies import convertible_notes
from treasurymodel import (
    ConvergenceError,
    ConvertibleNote,
    ValidationError,
    bond_floor,
    conversion_premium,
    convertible_sensitivities,
    implied_credit_spread,
    implied_volatility,
    parity,
    value_convertible,
    value_zero_coupon_convertible,
)
from treasurymodel.valuation._lattice import Lattice
from treasurymodel.valuation.closed_form import normal_cdf
from treasurymodel.valuation.convertible import note_lattice

VD = dt.date(2026, 2, 5)

# Strategy's notes (strategy-facts.md), as of 2026-02.
N2028 = ConvertibleNote(
    name="0.625% 2028",
    principal=1_010e6,
    coupon=0.00625,
    issued=dt.date(2024, 9, 19),
    maturity=dt.date(2028, 9, 15),
    conversion_price=183.19,
    puts=[dt.date(2027, 9, 15)],
)
N2029 = ConvertibleNote(
    name="0% 2029",
    principal=3_000e6,
    issued=dt.date(2024, 11, 21),
    maturity=dt.date(2029, 12, 1),
    conversion_price=672.40,
    puts=[dt.date(2028, 6, 1)],
)
N2030A = ConvertibleNote(
    name="0.625% 2030A",
    principal=800e6,
    coupon=0.00625,
    issued=dt.date(2024, 3, 8),
    maturity=dt.date(2030, 3, 15),
    conversion_price=149.77,
    puts=[dt.date(2028, 9, 15)],
    call_from=dt.date(2027, 3, 22),
    call_trigger=1.3,
)
N2032 = ConvertibleNote(
    name="2.25% 2032",
    principal=800e6,
    coupon=0.0225,
    issued=dt.date(2024, 6, 17),
    maturity=dt.date(2032, 6, 15),
    conversion_price=204.33,
    puts=[dt.date(2029, 6, 15)],
    call_from=dt.date(2029, 6, 20),
    call_trigger=1.3,
)
HARD_CALL = ConvertibleNote(
    name="4% hard call",
    principal=100e6,
    coupon=0.04,
    issued=dt.date(2024, 3, 8),
    maturity=dt.date(2029, 3, 15),
    conversion_price=120.0,
    call_from=dt.date(2027, 3, 22),
)
ZERO = ConvertibleNote(
    name="0% 2031",
    principal=1e9,
    issued=dt.date(2026, 1, 1),
    maturity=dt.date(2031, 1, 1),
    conversion_price=100.0,
)
T_ZERO = (ZERO.maturity - dt.date(2026, 1, 1)).days / 365.0


# --- independent references ---------------------------------------------------------------


def phi(x: float) -> float:
    """Standard normal distribution function from math.erf."""
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def bs_call(s: float, k: float, t: float, r: float, sigma: float) -> float:
    """Black–Scholes call on a share paying no dividend."""
    if s == 0.0:
        return 0.0
    d1 = (math.log(s / k) + (r + 0.5 * sigma**2) * t) / (sigma * math.sqrt(t))
    return s * phi(d1) - k * math.exp(-r * t) * phi(d1 - sigma * math.sqrt(t))


def tf_european(ratio: float, s: float, t: float, r: float, spread: float, sigma: float) -> float:
    """TF value of a zero-coupon note converting at maturity only, written out."""
    k = 100.0 / ratio
    d1 = (math.log(s / k) + (r + 0.5 * sigma**2) * t) / (sigma * math.sqrt(t))
    d2 = d1 - sigma * math.sqrt(t)
    return ratio * s * phi(d1) + 100.0 * math.exp(-(r + spread) * t) * phi(-d2)


def naive_tf(lat: Lattice, s0: float, sigma: float, r: float, spread: float, q: float) -> float:
    """A textbook TF tree, node by node, with a plain binomial last step."""
    n = lat.steps
    dt_ = lat.horizon / n
    u = math.exp(sigma * math.sqrt(dt_))
    d = 1.0 / u
    p = (math.exp((r - q) * dt_) - d) / (u - d)
    disc_e, disc_b = math.exp(-r * dt_), math.exp(-(r + spread) * dt_)
    final = lat.redemption + lat.cash[n]
    last_put = lat.put[n]
    if last_put is not None:
        final = max(final, last_put)
    eq: list[float] = []
    cash: list[float] = []
    for j in range(n + 1):
        conv = lat.ratio * s0 * u ** (2 * j - n)
        eq.append(conv if conv > final else 0.0)
        cash.append(0.0 if conv > final else final)
    for i in range(n - 1, -1, -1):
        new_e: list[float] = []
        new_b: list[float] = []
        for j in range(i + 1):
            e = disc_e * (p * eq[j + 1] + (1 - p) * eq[j])
            b = disc_b * (p * cash[j + 1] + (1 - p) * cash[j]) + lat.cash[i]
            price = s0 * u ** (2 * j - i)
            conv = lat.ratio * price
            put = lat.put[i]
            if put is not None and put > e + b:
                e, b = 0.0, put
            call = lat.call[i]
            trigger_ok = lat.call_trigger is None or price >= lat.call_trigger
            if call is not None and trigger_ok and e + b > max(call, conv):
                e, b = 0.0, call
            if conv > e + b:
                e, b = conv, 0.0
            new_e.append(e)
            new_b.append(b)
        eq, cash = new_e, new_b
    return eq[0] + cash[0]


# --- the closed form ----------------------------------------------------------------------


def test_closed_form_hand_example() -> None:
    # By hand: ratio 1, S 80, F 100, T = 1826/365, sigma 0.5, r 4%, s 3%:
    # d1 = (ln 0.8 + 0.165 T) / (0.5 sqrt T) = 0.53857, d2 = -0.57977,
    # N(d1) = 0.70491, N(-d2) = 0.71896, e^{-0.07 T} = 0.704553,
    # V = 80 * 0.70491 + 70.4553 * 0.71896 = 56.393 + 50.654 = 107.047.
    value = value_zero_coupon_convertible(
        ZERO, valuation_date=dt.date(2026, 1, 1), share_price=80.0, volatility=0.5, rate=0.04,
        credit_spread=0.03,
    )  # fmt: skip
    assert value == pytest.approx(107.047, abs=2e-3)


@settings(max_examples=30)
@given(
    s=st.floats(1.0, 500.0),
    sigma=st.floats(0.05, 1.5),
    r=st.floats(-0.01, 0.1),
)
def test_closed_form_at_zero_spread_is_bond_plus_call(s: float, sigma: float, r: float) -> None:
    # With no spread, max(ratio S_T, F) = F + ratio (S_T - F / ratio)+: a bond plus calls.
    value = value_zero_coupon_convertible(
        ZERO, valuation_date=dt.date(2026, 1, 1), share_price=s, volatility=sigma, rate=r,
        credit_spread=0.0,
    )  # fmt: skip
    expected = 100.0 * math.exp(-r * T_ZERO) + bs_call(s, 100.0, T_ZERO, r, sigma)
    assert value == pytest.approx(expected, rel=1e-10, abs=1e-10)


def test_closed_form_broadcasts_and_matches_written_out_formula() -> None:
    s = np.array([[10.0, 60.0], [100.0, 400.0]])
    got = value_zero_coupon_convertible(
        ZERO, valuation_date=dt.date(2026, 1, 1), share_price=s, volatility=0.6, rate=0.03,
        credit_spread=np.array([0.0, 0.05]),
    )  # fmt: skip
    assert got.shape == (2, 2)
    for i in range(2):
        for j in range(2):
            want = tf_european(1.0, float(s[i, j]), T_ZERO, 0.03, [0.0, 0.05][j], 0.6)
            assert got[i, j] == pytest.approx(want, rel=1e-12)


def test_normal_cdf_tails_and_symmetry() -> None:
    x = np.linspace(-30.0, 30.0, 121)
    values = normal_cdf(x)
    assert np.all(np.diff(values) >= 0.0)
    assert np.allclose(values + normal_cdf(-x), 1.0, rtol=0.0, atol=1e-15)
    # Far tail: Mills ratio phi(x) / |x| (1 - 1/x^2 + 3/x^4) to 1e-6 relative at x = -20.
    tail = math.exp(-200.0) / math.sqrt(2.0 * math.pi) / 20.0 * (1 - 1 / 400 + 3 / 160_000)
    assert normal_cdf(-20.0) == pytest.approx(tail, rel=1e-6)


@pytest.mark.parametrize(
    "note",
    [
        attrs.evolve(ZERO, coupon=0.01),
        attrs.evolve(ZERO, puts=[dt.date(2028, 1, 1)]),
        attrs.evolve(ZERO, call_from=dt.date(2028, 1, 1)),
    ],
    ids=["coupon", "put", "call"],
)
def test_closed_form_refuses_coupons_puts_calls(note: ConvertibleNote) -> None:
    with pytest.raises(ValidationError):
        value_zero_coupon_convertible(
            note, valuation_date=dt.date(2026, 1, 1), share_price=80.0, volatility=0.5,
            rate=0.04, credit_spread=0.0,
        )  # fmt: skip


@pytest.mark.parametrize("spread", [0.0, 0.03, 0.05])
@pytest.mark.parametrize("sigma", [0.3, 0.6])
def test_tree_matches_closed_form_within_five_basis_points(spread: float, sigma: float) -> None:
    # Issue 7: the closed form within 0.05% at 2,000 steps.
    s = np.array([30.0, 60.0, 80.0, 100.0, 130.0, 200.0])
    tree = value_convertible(
        ZERO, valuation_date=dt.date(2026, 1, 1), share_price=s, volatility=sigma, rate=0.04,
        credit_spread=spread, steps=2000,
    )  # fmt: skip
    closed = np.array([tf_european(1.0, x, T_ZERO, 0.04, spread, sigma) for x in s])
    assert np.all(np.abs(tree / closed - 1.0) < 5e-4)


def test_plain_tree_matches_closed_form_at_zero_spread() -> None:
    s = np.array([30.0, 60.0, 100.0, 200.0])
    tree = value_convertible(
        ZERO, valuation_date=dt.date(2026, 1, 1), share_price=s, volatility=0.5, rate=0.04,
        credit_spread=0.0, steps=2000, smoothing=False,
    )  # fmt: skip
    closed = np.array([tf_european(1.0, x, T_ZERO, 0.04, 0.0, 0.5) for x in s])
    assert np.all(np.abs(tree / closed - 1.0) < 5e-4)


# --- the engine against a plain tree --------------------------------------------------------


@pytest.mark.parametrize("note", [N2028, N2029, N2030A, N2032, HARD_CALL], ids=lambda n: n.name)
@pytest.mark.parametrize("spread", [0.0, 0.04])
def test_engine_matches_textbook_tree(note: ConvertibleNote, spread: float) -> None:
    steps = 90
    lat = note_lattice(note, VD, steps)
    s = np.array([0.4, 0.9, 1.1, 1.35, 2.5]) * note.conversion_price
    sigma = np.array([0.3, 0.5, 0.7, 0.5, 0.6])  # rows with different trees in one batch
    got = value_convertible(
        note, valuation_date=VD, share_price=s, volatility=sigma, rate=0.04,
        credit_spread=spread, dividend_yield=0.01, steps=steps, smoothing=False,
    )  # fmt: skip
    want = [naive_tf(lat, float(x), float(v), 0.04, spread, 0.01) for x, v in zip(s, sigma)]
    np.testing.assert_allclose(got, want, rtol=1e-11)


def test_lattice_events_of_the_2028_note() -> None:
    # 1000 steps from 2026-02-05 to 2028-09-15 (953 days): coupons of 0.3125 per 100 on
    # 15 Mar and 15 Sep; the put on 2027-09-15 pays 100 + the coupon of that date.
    lat = note_lattice(N2028, VD, 1000)
    dt_ = 953 / 365 / 1000
    k_put = round((dt.date(2027, 9, 15) - VD).days / 365 / dt_)
    assert lat.put[k_put] == pytest.approx(100.3125)
    assert lat.cash[k_put] == pytest.approx(0.3125)
    assert sum(lat.cash) == pytest.approx(6 * 0.3125)
    assert [p for p in lat.put if p is not None] == [lat.put[k_put]]
    assert all(c is None for c in lat.call)
    assert lat.ratio == pytest.approx(100 / 183.19)


# --- limits --------------------------------------------------------------------------------


def test_bond_floor_written_out() -> None:
    # 2% annual coupons on 2027-01-01 and 2028-01-01, 6% a year: 2 e^-0.06 + 102 e^-0.12.
    note = ConvertibleNote(
        name="n", principal=1e6, coupon=0.02, frequency=1, issued=dt.date(2024, 1, 1),
        maturity=dt.date(2028, 1, 1), conversion_price=50.0,
    )  # fmt: skip
    value = bond_floor(note, valuation_date=dt.date(2026, 1, 1), rate=0.04, credit_spread=0.02)
    assert value == pytest.approx(2 * math.exp(-0.06) + 102 * math.exp(-0.12), rel=1e-14)
    # With a put at par on 2027-01-01 at 10%: holding is worth 102 e^-0.1 = 92.3 < 100, so
    # the holder puts and receives 100 + the 2 coupon: 102 e^-0.1.
    with_put = attrs.evolve(note, puts=[dt.date(2027, 1, 1)])
    value = bond_floor(with_put, valuation_date=dt.date(2026, 1, 1), rate=0.06, credit_spread=0.04)
    assert value == pytest.approx(102 * math.exp(-0.1), rel=1e-14)


@pytest.mark.parametrize("note", [N2028, N2029, N2030A, N2032, ZERO], ids=lambda n: n.name)
def test_value_tends_to_bond_floor_as_share_price_falls(note: ConvertibleNote) -> None:
    day = dt.date(2026, 1, 1) if note is ZERO else VD
    floor = bond_floor(note, valuation_date=day, rate=0.04, credit_spread=0.05)
    low = value_convertible(
        note, valuation_date=day, share_price=np.array([0.0, 1e-6 * note.conversion_price]),
        volatility=0.5, rate=0.04, credit_spread=0.05, steps=2000,
    )  # fmt: skip
    # Events sit on the nearest of 2,000 steps, at most dt / 2 from their dates: a relative
    # discounting difference of at most (r + s) dt / 2.
    dt_ = note_lattice(note, day, 2000).dt
    np.testing.assert_allclose(low, floor, rtol=0.09 * dt_ / 2)


@pytest.mark.parametrize("note", [N2028, N2029, N2030A, N2032, HARD_CALL], ids=lambda n: n.name)
def test_value_tends_to_parity_as_share_price_grows(note: ConvertibleNote) -> None:
    s = np.array([100.0, 1000.0]) * note.conversion_price
    value = value_convertible(
        note, valuation_date=VD, share_price=s, volatility=0.5, rate=0.04, credit_spread=0.05,
        steps=500,
    )  # fmt: skip
    conv = parity(note, share_price=s)
    assert np.all(value >= conv)
    # What is left over parity is at most the coupons still to come (about 15 per 100).
    assert np.all(value / conv - 1.0 <= np.array([2e-3, 2e-4]))


def test_zero_share_price_note_with_hard_call_above_par() -> None:
    # A 4% note discounted at 1% would trade far above its call price: the issuer calls at
    # the first call date, so at S = 0 it is worth the coupons to then plus the call price.
    value = value_convertible(
        HARD_CALL, valuation_date=VD, share_price=0.0, volatility=0.5, rate=0.01,
        credit_spread=0.0, steps=2000,
    )  # fmt: skip
    assert value < bond_floor(HARD_CALL, valuation_date=VD, rate=0.01, credit_spread=0.0)
    t_call = (HARD_CALL.call_from - VD).days / 365  # type: ignore[operator]
    # Coupons 2 per 100 on 2026-03-15, 2026-09-15, 2027-03-15; called 2027-03-22 at 100
    # plus one week of accrued interest (2 * 7/180 by 30/360).
    pv = sum(
        2.0 * math.exp(-0.01 * (d - VD).days / 365)
        for d in (dt.date(2026, 3, 15), dt.date(2026, 9, 15), dt.date(2027, 3, 15))
    )
    pv += (100.0 + 2.0 * 7 / 180) * math.exp(-0.01 * t_call)
    assert value == pytest.approx(pv, rel=2e-4)


# --- properties ----------------------------------------------------------------------------

sigmas = st.floats(0.15, 1.0)
rates = st.floats(0.0, 0.08)
spreads = st.floats(0.0, 0.1)


def _prices(note: ConvertibleNote, n: int = 25) -> np.ndarray:
    return note.conversion_price * np.exp(np.linspace(-2.0, 2.0, n))


@settings(max_examples=25)
@given(note=convertible_notes(VD), sigma=sigmas, r=rates, spread=spreads, smooth=st.booleans())
def test_value_is_at_least_parity(
    note: ConvertibleNote, sigma: float, r: float, spread: float, smooth: bool
) -> None:
    s = _prices(note)
    value = value_convertible(
        note, valuation_date=VD, share_price=s, volatility=sigma, rate=r, credit_spread=spread,
        steps=60, smoothing=smooth,
    )  # fmt: skip
    assert np.all(value >= parity(note, share_price=s) * (1 - 1e-14))


@settings(max_examples=25)
@given(note=convertible_notes(VD), sigma=sigmas, r=rates, spread=spreads, smooth=st.booleans())
def test_value_is_non_decreasing_in_the_share_price_without_calls(
    note: ConvertibleNote, sigma: float, r: float, spread: float, smooth: bool
) -> None:
    # Without issuer calls the value is non-decreasing in S, with or without a spread. (A soft
    # call makes it jump down where S reaches the trigger; with a spread a hard call can too:
    # see the theory page.)
    note = attrs.evolve(note, call_from=None, call_trigger=None)
    value = value_convertible(
        note, valuation_date=VD, share_price=_prices(note, 60), volatility=sigma, rate=r,
        credit_spread=spread, steps=80, smoothing=smooth,
    )  # fmt: skip
    assert np.all(np.diff(value) >= -1e-9 * value[1:])


@settings(max_examples=25)
@given(note=convertible_notes(VD), sigma=sigmas, r=rates, smooth=st.booleans())
def test_at_zero_spread_value_is_non_decreasing_with_hard_calls(
    note: ConvertibleNote, sigma: float, r: float, smooth: bool
) -> None:
    note = attrs.evolve(note, call_trigger=None)
    value = value_convertible(
        note, valuation_date=VD, share_price=_prices(note, 60), volatility=sigma, rate=r,
        credit_spread=0.0, steps=80, smoothing=smooth,
    )  # fmt: skip
    assert np.all(np.diff(value) >= -1e-9 * value[1:])


@settings(max_examples=25)
@given(note=convertible_notes(VD), sigma=sigmas, r=rates, smooth=st.booleans())
def test_a_put_never_lowers_and_a_call_never_raises_the_value(
    note: ConvertibleNote, sigma: float, r: float, smooth: bool
) -> None:
    # Exact at zero spread, where the tree is a plain optimal-stopping game. With a spread the
    # TF split can break both (theory page): they are tested there only as documented.
    kw: dict[str, Any] = {
        "valuation_date": VD,
        "volatility": sigma,
        "rate": r,
        "credit_spread": 0.0,
    }
    s = _prices(note)
    base = value_convertible(note, share_price=s, steps=70, smoothing=smooth, **kw)
    no_put = value_convertible(
        attrs.evolve(note, puts=()), share_price=s, steps=70, smoothing=smooth, **kw
    )
    no_call = value_convertible(
        attrs.evolve(note, call_from=None, call_trigger=None),
        share_price=s, steps=70, smoothing=smooth, **kw,
    )  # fmt: skip
    assert np.all(base >= no_put - 1e-9 * no_put)
    assert np.all(base <= no_call + 1e-9 * no_call)


def test_with_a_spread_a_put_can_lower_the_value_as_documented() -> None:
    # The TF artefact stated on the theory page: a put at 101% 18 days before maturity, a
    # 7.55% spread, 77 steps; the holder's put turns an equity-like claim into cash.
    note = ConvertibleNote(
        name="late put", principal=1e9, coupon=0.02136, frequency=1,
        issued=dt.date(2025, 12, 30), maturity=dt.date(2035, 1, 14), conversion_price=12.0,
        puts=[dt.date(2034, 12, 27)], put_price=1.01,
    )  # fmt: skip
    kw: dict[str, Any] = {
        "valuation_date": VD, "share_price": 22.34, "volatility": 0.3485, "rate": 0.0178,
        "credit_spread": 0.0755, "steps": 77, "smoothing": False,
    }  # fmt: skip
    with_put = value_convertible(note, **kw)
    without = value_convertible(attrs.evolve(note, puts=()), **kw)
    assert 1.0 < without - with_put < 2.5


@settings(max_examples=20)
@given(
    note=convertible_notes(VD),
    sigma=sigmas,
    spread=spreads,
    scale=st.floats(0.01, 100.0),
)
def test_value_depends_on_share_price_only_through_parity(
    note: ConvertibleNote, sigma: float, spread: float, scale: float
) -> None:
    # Scaling the conversion price and the share price together changes nothing per 100.
    scaled = attrs.evolve(
        note, conversion_price=note.conversion_price * scale, conversion_rate=None
    )
    kw: dict[str, Any] = {
        "valuation_date": VD,
        "volatility": sigma,
        "rate": 0.03,
        "credit_spread": spread,
    }
    s = _prices(note, 7)
    a = value_convertible(note, share_price=s, steps=50, **kw)
    b = value_convertible(scaled, share_price=s * scale, steps=50, **kw)
    np.testing.assert_allclose(a, b, rtol=1e-9)


@settings(max_examples=15)
@given(note=convertible_notes(VD), factor=st.floats(0.001, 1000.0))
def test_value_per_100_does_not_depend_on_principal(note: ConvertibleNote, factor: float) -> None:
    bigger = attrs.evolve(note, principal=note.principal * factor)
    kw: dict[str, Any] = {
        "valuation_date": VD, "share_price": note.conversion_price, "volatility": 0.5,
        "rate": 0.04, "credit_spread": 0.03, "steps": 50,
    }  # fmt: skip
    assert value_convertible(bigger, **kw) == pytest.approx(
        value_convertible(note, **kw),
        rel=1e-12,
    )


@settings(max_examples=20)
@given(
    note=convertible_notes(VD),
    data=st.data(),
)
def test_arrays_equal_scalar_results_element_by_element(
    note: ConvertibleNote, data: st.DataObject
) -> None:
    n = data.draw(st.integers(1, 6))
    s = np.array(data.draw(st.lists(st.floats(0.0, 3.0), min_size=n, max_size=n)))
    s = s * note.conversion_price
    sigma = np.array(data.draw(st.lists(sigmas, min_size=n, max_size=n)))
    spread = data.draw(spreads)
    r = data.draw(rates)
    kw: dict[str, Any] = {"valuation_date": VD, "rate": r, "credit_spread": spread, "steps": 60}
    together = value_convertible(note, share_price=s, volatility=sigma, **kw)
    one_by_one = [
        value_convertible(note, share_price=float(a), volatility=float(b), **kw)
        for a, b in zip(s, sigma, strict=True)
    ]
    assert isinstance(one_by_one[0], float)
    np.testing.assert_allclose(together, one_by_one, rtol=1e-13, atol=0.0)


def test_outputs_follow_the_broadcast_shape() -> None:
    s = np.linspace(50.0, 250.0, 6).reshape(2, 3)
    sigma = np.array([[0.4], [0.6]])
    value = value_convertible(
        N2028, valuation_date=VD, share_price=s, volatility=sigma, rate=0.04, credit_spread=0.02,
        steps=50,
    )  # fmt: skip
    assert value.shape == (2, 3)
    assert value[1, 2] == value_convertible(
        N2028, valuation_date=VD, share_price=float(s[1, 2]), volatility=0.6, rate=0.04,
        credit_spread=0.02, steps=50,
    )  # fmt: skip


@pytest.mark.parametrize("note", [ZERO, N2028, N2029], ids=lambda n: n.name)
def test_convergence_as_steps_grow(note: ConvertibleNote) -> None:
    day = dt.date(2026, 1, 1) if note is ZERO else VD
    s = np.array([0.5, 0.8, 1.0, 1.3, 2.0]) * note.conversion_price
    kw: dict[str, Any] = {"valuation_date": day, "share_price": s, "volatility": 0.5, "rate": 0.04}
    for spread in (0.0, 0.03):
        ref = value_convertible(note, credit_spread=spread, steps=6000, **kw)
        err = [
            np.abs(value_convertible(note, credit_spread=spread, steps=n, **kw) - ref).max()
            for n in (100, 400, 1600)
        ]
        # O(1/N) at zero spread; with a spread the TF split jumps where nodes cross the put
        # and conversion boundaries, and the error falls more slowly (theory page).
        assert err[2] < err[0] / (8 if spread == 0.0 else 2)
        assert err[2] < 0.02


def test_clean_value_is_dirty_less_accrued_interest() -> None:
    # 2026-02-05 is 140 days (30/360) into the 180-day period from 2025-09-15: accrued
    # 0.3125 * 140 / 180 per 100.
    kw: dict[str, Any] = {
        "valuation_date": VD, "share_price": 114.45, "volatility": 0.5, "rate": 0.04,
        "credit_spread": 0.02, "steps": 200,
    }  # fmt: skip
    dirty = value_convertible(N2028, **kw)
    clean = value_convertible(N2028, clean=True, **kw)
    assert dirty - clean == pytest.approx(0.3125 * 140 / 180, rel=1e-12)


def test_conversion_premium_and_parity() -> None:
    # Conversion rate 5.45882 shares per $1,000 at $114.45: parity 62.4760 per 100.
    conv = parity(N2028, share_price=114.45)
    assert conv == pytest.approx(114.45 / 183.19 * 100, rel=1e-12)
    assert conversion_premium(N2028, price=80.0, share_price=114.45) == pytest.approx(
        80.0 / conv - 1.0
    )
    assert conversion_premium(N2028, price=80.0, share_price=0.0) == math.inf


# --- the shared path -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("note", "spread", "bound"),
    [
        (N2028, 0.0, 1e-3),
        (N2028, 0.03, 0.06),
        (N2029, 0.0, 2e-3),
        (N2029, 0.03, 0.1),
        (N2030A, 0.0, 1.0),
    ],
    ids=["2028", "2028-s", "2029", "2029-s", "2030A"],
)
def test_shared_path_is_within_its_documented_bound(
    note: ConvertibleNote, spread: float, bound: float
) -> None:
    # Theory page, "The shared path" (500 steps): median below 1e-5 per 100 for notes without
    # a soft call, largest differences next to the tree's own jumps (about 0.03-0.05 with a 3%
    # spread; up to about 0.8 near a soft-call trigger, the size of the direct tree's own
    # error there).
    s = note.conversion_price * np.exp(np.linspace(np.log(0.3), np.log(3.0), 200))
    kw: dict[str, Any] = {
        "valuation_date": VD, "share_price": s, "volatility": 0.55, "rate": 0.04,
        "credit_spread": spread, "steps": 500,
    }  # fmt: skip
    direct = value_convertible(note, **kw)
    shared = value_convertible(note, method="shared", **kw)
    diff = np.abs(shared - direct)
    assert diff.max() < bound
    if note.call_trigger is None:
        assert np.median(diff) < 1e-5


def test_shared_path_groups_and_fallbacks() -> None:
    # Two volatility groups of 40 prices, a zero price and a lone third group: every group is
    # read off its own tree; the zero and the lone scenario are valued directly (exactly).
    s = np.concatenate([np.linspace(60.0, 300.0, 40), np.linspace(60.0, 300.0, 40), [0.0, 150]])
    sigma = np.concatenate([np.full(40, 0.4), np.full(40, 0.7), [0.5, 0.9]])
    kw: dict[str, Any] = {"valuation_date": VD, "rate": 0.04, "credit_spread": 0.0, "steps": 200}
    direct = value_convertible(N2028, share_price=s, volatility=sigma, **kw)
    shared = value_convertible(N2028, share_price=s, volatility=sigma, method="shared", **kw)
    np.testing.assert_allclose(shared, direct, rtol=0.0, atol=2e-3)
    assert shared[-2] == direct[-2]
    assert shared[-1] == direct[-1]


def test_shared_path_is_exact_on_its_grid_nodes() -> None:
    # A price on the shared grid is a node of one of the shared trees: there the shared
    # value is that tree's value, which is the direct tree at that price.
    from treasurymodel.valuation import convertible as cvt

    prices = np.linspace(80.0, 200.0, 50)
    sigma, steps = 0.5, 200
    lat = note_lattice(N2028, VD, steps)
    h = 2.0 * sigma * math.sqrt(lat.dt) / cvt.SHARED_REFINEMENT
    x0 = math.log(80.0) - 2.0 * h
    on_grid = np.exp(x0 + h * np.array([5, 17, 40]))
    s = np.concatenate([prices, on_grid])
    kw: dict[str, Any] = {
        "valuation_date": VD,
        "volatility": sigma,
        "rate": 0.04,
        "credit_spread": 0.02,
    }
    shared = value_convertible(N2028, share_price=s, steps=steps, method="shared", **kw)
    direct = value_convertible(N2028, share_price=on_grid, steps=steps, **kw)
    np.testing.assert_allclose(shared[-3:], direct, rtol=1e-9)


# --- sensitivities -------------------------------------------------------------------------


def _closed(s: float, sigma: float, spread: float) -> float:
    return tf_european(1.0, s, T_ZERO, 0.04, spread, sigma)


def test_sensitivities_match_the_closed_form() -> None:
    res = convertible_sensitivities(
        ZERO, valuation_date=dt.date(2026, 1, 1), share_price=80.0, volatility=0.5, rate=0.04,
        credit_spread=0.03, steps=2000,
    )  # fmt: skip
    h = 1e-3
    delta = (_closed(80 + h, 0.5, 0.03) - _closed(80 - h, 0.5, 0.03)) / (2 * h)
    gamma = _closed(80 + h, 0.5, 0.03) - 2 * _closed(80, 0.5, 0.03) + _closed(80 - h, 0.5, 0.03)
    gamma /= h * h
    vega = (_closed(80, 0.5 + 1e-4, 0.03) - _closed(80, 0.5 - 1e-4, 0.03)) / 2e-4
    rho = (_closed(80, 0.5, 0.03 + 1e-5) - _closed(80, 0.5, 0.03 - 1e-5)) / 2e-5
    assert res.value == pytest.approx(_closed(80, 0.5, 0.03), rel=2e-4)
    assert res.delta == pytest.approx(delta, rel=1e-3)
    assert res.gamma == pytest.approx(gamma, rel=5e-3)
    assert res.vega == pytest.approx(vega, rel=2e-3)
    assert res.credit_rho == pytest.approx(rho, rel=5e-4)
    assert res.parity_delta == pytest.approx(res.delta)
    assert res.parity == 80.0
    assert res.conversion_premium == pytest.approx(res.value / 80.0 - 1.0)
    assert res.bond_floor == pytest.approx(100 * math.exp(-0.07 * T_ZERO))


def test_sensitivities_are_differences_of_the_stacked_values() -> None:
    # The one-pass rows are exactly the trees value_convertible builds one by one.
    kw: dict[str, Any] = {"valuation_date": VD, "rate": 0.04, "credit_spread": 0.03, "steps": 150}
    res = convertible_sensitivities(N2030A, share_price=130.0, volatility=0.6, **kw)
    u2 = math.exp(2 * 0.6 * math.sqrt(note_lattice(N2030A, VD, 150).dt))
    up = value_convertible(N2030A, share_price=130.0 * u2, volatility=0.6, **kw)
    down = value_convertible(N2030A, share_price=130.0 / u2, volatility=0.6, **kw)
    assert res.delta == pytest.approx((up - down) / (130.0 * u2 - 130.0 / u2), rel=1e-12)
    v_up = value_convertible(N2030A, share_price=130.0, volatility=0.61, **kw)
    v_down = value_convertible(N2030A, share_price=130.0, volatility=0.59, **kw)
    assert res.vega == pytest.approx((v_up - v_down) / 0.02, rel=1e-9)
    rel = convertible_sensitivities(
        N2030A, share_price=130.0, volatility=0.6, share_bump=0.01, **kw
    )
    up = value_convertible(N2030A, share_price=131.3, volatility=0.6, **kw)
    down = value_convertible(N2030A, share_price=128.7, volatility=0.6, **kw)
    assert rel.delta == pytest.approx((up - down) / 2.6, rel=1e-9)


@settings(max_examples=15)
@given(note=convertible_notes(VD), sigma=sigmas)
def test_sensitivity_signs_for_notes_without_calls(note: ConvertibleNote, sigma: float) -> None:
    # At zero spread (a plain optimal-stopping game): 0 <= dV/d(parity) <= 1 and a wider
    # spread lowers the value. With a spread the TF split can break both locally.
    note = attrs.evolve(note, call_from=None, call_trigger=None)
    s = _prices(note, 5)
    res = convertible_sensitivities(
        note, valuation_date=VD, share_price=s, volatility=sigma, rate=0.03,
        credit_spread=0.0, steps=60,
    )  # fmt: skip
    assert np.all(res.parity_delta >= -1e-9)
    assert np.all(res.parity_delta <= 1.0 + 1e-9)
    assert np.all(res.credit_rho <= 1e-9)
    assert np.all(res.value >= res.parity * (1 - 1e-14))


def test_sensitivities_at_zero_share_price_and_arrays() -> None:
    res = convertible_sensitivities(
        N2028, valuation_date=VD, share_price=np.array([0.0, 114.45]), volatility=0.5,
        rate=0.04, credit_spread=0.02, steps=80,
    )  # fmt: skip
    assert res.delta[0] == 0.0
    assert res.gamma[0] == 0.0
    assert res.conversion_premium[0] == math.inf
    one = convertible_sensitivities(
        N2028, valuation_date=VD, share_price=114.45, volatility=0.5, rate=0.04,
        credit_spread=0.02, steps=80,
    )  # fmt: skip
    assert isinstance(one.delta, float)
    assert one.delta == pytest.approx(float(res.delta[1]), rel=1e-13)


# --- implied volatility and spread ---------------------------------------------------------


@settings(max_examples=12)
@given(sigma=st.floats(0.15, 1.2), moneyness=st.floats(0.5, 1.6), spread=st.floats(0.0, 0.08))
def test_implied_volatility_round_trip(sigma: float, moneyness: float, spread: float) -> None:
    kw: dict[str, Any] = {
        "valuation_date": VD, "share_price": moneyness * N2028.conversion_price, "rate": 0.04,
        "credit_spread": spread, "steps": 100,
    }  # fmt: skip
    price = value_convertible(N2028, volatility=sigma, **kw)
    found = implied_volatility(N2028, price=price, **kw)
    # The final bracket is 1e-7 wide in volatility: the price within vega * 1e-7.
    assert value_convertible(N2028, volatility=found, **kw) == pytest.approx(price, abs=1e-5)
    assert found == pytest.approx(sigma, abs=1e-4)


@settings(max_examples=12)
@given(spread=st.floats(0.0, 0.15), moneyness=st.floats(0.3, 1.3), clean=st.booleans())
def test_implied_credit_spread_round_trip(spread: float, moneyness: float, clean: bool) -> None:
    kw: dict[str, Any] = {
        "valuation_date": VD, "share_price": moneyness * N2028.conversion_price,
        "volatility": 0.5, "rate": 0.04, "steps": 100, "clean": clean,
    }  # fmt: skip
    price = value_convertible(N2028, credit_spread=spread, **kw)
    found = implied_credit_spread(N2028, price=price, **kw)
    assert found == pytest.approx(spread, abs=1e-6)


def test_implied_arrays_equal_scalar_solves() -> None:
    kw: dict[str, Any] = {"valuation_date": VD, "rate": 0.04, "credit_spread": 0.02, "steps": 80}
    s = np.array([90.0, 150.0, 220.0])
    prices = value_convertible(N2028, share_price=s, volatility=np.array([0.3, 0.5, 0.9]), **kw)
    together = implied_volatility(N2028, price=prices, share_price=s, **kw)
    alone = [
        implied_volatility(N2028, price=float(p), share_price=float(x), **kw)
        for p, x in zip(prices, s, strict=True)
    ]
    np.testing.assert_allclose(together, alone, rtol=0, atol=1e-9)
    np.testing.assert_allclose(together, [0.3, 0.5, 0.9], atol=1e-5)


def test_implied_volatility_outside_range_is_a_clear_error() -> None:
    kw: dict[str, Any] = {
        "valuation_date": VD, "share_price": 114.45, "rate": 0.04, "credit_spread": 0.02,
        "steps": 80,
    }  # fmt: skip
    with pytest.raises(ConvergenceError, match=r"price 50 is outside the values .* volatility"):
        implied_volatility(N2028, price=50.0, **kw)
    with pytest.raises(ConvergenceError, match=r"price 400 .*\(element 1\)"):
        implied_volatility(N2028, price=[100.0, 400.0], **kw)
    with pytest.raises(ConvergenceError, match="credit spread"):
        implied_credit_spread(
            N2028, price=130.0, valuation_date=VD, share_price=114.45, volatility=0.5,
            rate=0.04, steps=80,
        )  # fmt: skip


# --- input checks --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"share_price": -1.0}, "share_price"),
        ({"share_price": [1.0, float("nan")]}, "share_price[1]"),
        ({"volatility": 0.0}, "volatility"),
        ({"rate": float("inf")}, "rate"),
        ({"credit_spread": -0.01}, "credit_spread"),
        ({"steps": 1}, "steps"),
        ({"steps": 10.0}, "steps"),
        ({"valuation_date": dt.date(2028, 9, 15)}, "valuation_date"),
        ({"valuation_date": "2026-01-01"}, "valuation_date"),
        ({"method": "fast"}, "method"),
        ({"share_price": True}, "share_price"),
        ({"volatility": 0.001, "steps": 10}, "volatility"),
        ({"share_price": [1.0, 2.0], "volatility": [0.5, 0.5, 0.5]}, "share_price"),
    ],
)
def test_bad_inputs_name_the_field(changes: dict[str, object], field: str) -> None:
    kw: dict[str, Any] = {
        "valuation_date": VD, "share_price": 100.0, "volatility": 0.5, "rate": 0.04,
        "credit_spread": 0.02, "steps": 50,
    }  # fmt: skip
    kw.update(changes)
    with pytest.raises(ValidationError) as info:
        value_convertible(N2028, **kw)
    assert info.value.field == field


def test_not_a_note_is_refused() -> None:
    not_a_note: Any = "note"
    with pytest.raises(ValidationError, match="ConvertibleNote"):
        value_convertible(
            not_a_note,
            valuation_date=VD, share_price=1.0, volatility=0.5, rate=0.0, credit_spread=0.0,
        )  # fmt: skip


def test_public_names_are_exported() -> None:
    for name in (
        "value_convertible", "value_zero_coupon_convertible", "bond_floor", "parity",
        "conversion_premium", "convertible_sensitivities", "ConvertibleSensitivities",
        "implied_volatility", "implied_credit_spread", "value_preferred",
        "convertible_value_at_btc_price",
    ):  # fmt: skip
        assert name in tm.__all__
        assert getattr(tm, name) is not None
