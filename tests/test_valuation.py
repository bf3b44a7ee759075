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
import warnings
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import treasurymodel as tm
from tests.mstr_facts import NOTE_2028, NOTE_2029, NOTE_2030A, NOTE_2032
from tests.strategies import convertible_notes
from treasurymodel import (
    ConvergenceError,
    ConvertibleNote,
    ValidationError,
)
from treasurymodel.valuation import (
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

# Strategy's notes (strategy-facts.md, via tests/mstr_facts.py), as of 2026-02. The 2028 and
# 2029 notes are used with their puts but without their (assumed or dashboard-only) calls:
# the figures of the theory page are for those.
N2028 = attrs.evolve(NOTE_2028, call_from=None, call_trigger=None)
N2029 = attrs.evolve(NOTE_2029, call_from=None, call_trigger=None)
N2030A = NOTE_2030A
N2032 = NOTE_2032
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


def naive_tf(
    lat: Lattice,
    s0: float,
    sigma: float,
    r: float,
    spread: float,
    q: float,
    *,
    classic_call: bool = True,
) -> float:
    """A textbook TF tree, node by node, with a plain binomial last step.

    On each step: the call, the put, conversion, all on the value without the step's coupon,
    and then the coupon, which the holder of record receives whatever is decided. A binding
    call sets the value to the call price with no credit-risky part (``classic_call``, TF
    1998) or all of it credit-risky.
    """
    n = lat.steps
    dt_ = lat.horizon / n
    u = math.exp(sigma * math.sqrt(dt_))
    d = 1.0 / u
    p = (math.exp((r - q) * dt_) - d) / (u - d)
    disc_e, disc_b = math.exp(-r * dt_), math.exp(-(r + spread) * dt_)
    final = lat.redemption
    last_put = lat.put[n]
    if last_put is not None:
        final = max(final, last_put)
    eq: list[float] = []
    cash: list[float] = []
    for j in range(n + 1):
        conv = lat.ratio * s0 * u ** (2 * j - n)
        eq.append(conv if conv > final else 0.0)
        cash.append((0.0 if conv > final else final) + lat.cash[n])
    for i in range(n - 1, -1, -1):
        new_e: list[float] = []
        new_b: list[float] = []
        for j in range(i + 1):
            e = disc_e * (p * eq[j + 1] + (1 - p) * eq[j])
            b = disc_b * (p * cash[j + 1] + (1 - p) * cash[j])
            price = s0 * u ** (2 * j - i)
            conv = lat.ratio * price
            call = lat.call[i]
            trigger_ok = lat.call_trigger is None or price >= lat.call_trigger
            if call is not None and trigger_ok and e + b > max(call, conv):
                e, b = (call, 0.0) if classic_call else (0.0, call)
            put = lat.put[i]
            if put is not None and put > e + b:
                e, b = 0.0, put
            if conv > e + b:
                e, b = conv, 0.0
            new_e.append(e)
            new_b.append(b + lat.cash[i])
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
    # 15 Mar and 15 Sep; the put on 2027-09-15 pays 100 (nothing has accrued on a coupon
    # date), and the coupon of that date is paid on top, to every holder.
    lat = note_lattice(N2028, VD, 1000)
    dt_ = 953 / 365 / 1000
    k_put = round((dt.date(2027, 9, 15) - VD).days / 365 / dt_)
    assert lat.put[k_put] == pytest.approx(100.0)
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
@given(note=convertible_notes(VD), sigma=sigmas, r=rates, smooth=st.booleans())
def test_at_zero_spread_value_is_non_decreasing_in_the_share_price(
    note: ConvertibleNote, sigma: float, r: float, smooth: bool
) -> None:
    # At zero spread the tree is one optimal-stopping game whose payoffs all rise with S: the
    # value does too, with puts and hard calls. (A soft call makes it jump down where S reaches
    # the trigger; with a spread it can fall even without calls: see the two-step trees below.)
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


# --- TF with a spread, checked on two-step trees by hand ------------------------------------
#
# A zero-coupon note, conversion price 100 (one share per 100), two years, two steps
# (dt = 1), rate 0: the up factor is u = e^sigma, the up probability p = (1 - d) / (u - d)
# = 1 / (1 + u), and the cash component is discounted by e^-s a step. TF decides each exercise
# by the node's total value but values the result by its split: with a spread, a put that
# pays more than holding can lower the value today, a call can raise it, and a higher share
# price can lower it. These trees show each on numbers that can be checked by hand (the
# library's tree must give the same, to rounding); the theory page quotes them.


def _two_step(u: float, spread: float, share_price: float, **terms: Any) -> float:
    day = dt.date(2026, 1, 1)
    note = ConvertibleNote(
        name="two-step", principal=1e6, issued=day, maturity=day + dt.timedelta(days=730),
        conversion_price=100.0, **terms,
    )  # fmt: skip
    return value_convertible(
        note, valuation_date=day, share_price=share_price, volatility=math.log(u), rate=0.0,
        credit_spread=spread, steps=2, smoothing=False,
    )  # fmt: skip


def test_two_step_tree_a_put_lowers_the_value_with_a_spread() -> None:
    # u = 1.5, p = 0.4, s = 10%, S = 110, a put at par after one year (k = e^-0.1 = 0.904837).
    # Maturity: 247.5 and 110 convert (E), 48.9 takes 100 (B).
    # Year 1, up (S = 165): E = 0.4 * 247.5 + 0.6 * 110 = 165, B = 0: hold (165, 0).
    # Year 1, down (S = 73.3): E = 0.4 * 110 = 44, B = 0.6 * 100 k = 54.2902; holding is
    #   98.2902 < 100, so the holder puts: (0, 100).
    # Today with the put: E = 0.4 * 165 = 66, B = 0.6 * 100 k = 54.2902: 120.2902.
    # Without: E = 66 + 0.6 * 44 = 92.4, B = 0.6 * 54.2902 k = 29.4743: 121.8743.
    k = math.exp(-0.1)
    with_put = 0.4 * 165 + 0.6 * 100 * k
    without = 0.4 * 165 + 0.6 * 44 + 0.6 * (0.6 * 100 * k) * k
    assert with_put == pytest.approx(120.2902, abs=1e-4)
    assert without == pytest.approx(121.8743, abs=1e-4)
    put = [dt.date(2027, 1, 1)]
    assert _two_step(1.5, 0.1, 110.0, puts=put) == pytest.approx(with_put, rel=1e-12)
    assert _two_step(1.5, 0.1, 110.0) == pytest.approx(without, rel=1e-12)
    # At zero spread the same put raises the value, as it must.
    assert _two_step(1.5, 0.0, 110.0, puts=put) >= _two_step(1.5, 0.0, 110.0)


def test_two_step_tree_a_call_raises_the_value_with_a_spread() -> None:
    # u = 1.5, p = 0.4, s = 10%, S = 90, a hard call at par in year 1 (k = e^-0.1).
    # Maturity: 202.5 converts; 90 and 40 take 100.
    # Year 1, up (S = 135): E = 0.4 * 202.5 = 81, B = 0.6 * 100 k = 54.2902; holding is
    #   135.2902 > max(100, 135): the issuer calls and the holder converts: (135, 0).
    #   Without the call the holder keeps (81, 54.2902) (135.29 > 135).
    # Year 1, down (S = 60): B = 100 k = 90.4837.
    # Today with the call: E = 0.4 * 135 = 54, B = 0.6 * 90.4837 k = 49.1238: 103.1238.
    # Without: E = 0.4 * 81 = 32.4, B = (0.4 * 54.2902 + 0.6 * 90.4837) k = 68.7734: 101.1734.
    k = math.exp(-0.1)
    with_call = 0.4 * 135 + 0.6 * 100 * k * k
    without = 0.4 * 81 + (0.4 * 0.6 * 100 * k + 0.6 * 100 * k) * k
    assert with_call == pytest.approx(103.1238, abs=1e-4)
    assert without == pytest.approx(101.1734, abs=1e-4)
    call = {"call_from": dt.date(2027, 1, 1)}
    assert _two_step(1.5, 0.1, 90.0, **call) == pytest.approx(with_call, rel=1e-12)
    assert _two_step(1.5, 0.1, 90.0) == pytest.approx(without, rel=1e-12)
    assert _two_step(1.5, 0.0, 90.0, **call) <= _two_step(1.5, 0.0, 90.0)


def test_two_step_tree_value_falls_as_the_share_price_rises_with_a_spread() -> None:
    # u = 1.2, p = 1 / 2.2 = 5/11, s = 20% (k = e^-0.2 = 0.818731), no put, no call.
    # S = 69: at maturity 99.36 < 100, so every node takes 100. Year 1, up (S = 82.8): holding
    #   is 100 k = 81.873 < 82.8: the holder converts, (82.8, 0); down: (0, 81.873).
    #   Today: E = 5/11 * 82.8 = 37.636, B = 6/11 * 81.873 k = 36.563: 74.1993.
    # S = 70: at maturity 100.8 converts. Year 1, up (S = 84): E = 5/11 * 100.8 = 45.818,
    #   B = 6/11 * 100 k = 44.658; holding 90.476 > 84: no conversion, and 44.658 of it is
    #   now credit-risky. Today: E = 5/11 * 45.818 = 20.826,
    #   B = (5/11 * 44.658 + 6/11 * 81.873) k = 53.182: 74.0089 < 74.1993.
    k, p = math.exp(-0.2), 5 / 11
    at_69 = p * 82.8 + (1 - p) * 100 * k * k
    at_70 = p * p * 100.8 + (p * (1 - p) * 100 * k + (1 - p) * 100 * k) * k
    assert at_69 == pytest.approx(74.1993, abs=1e-4)
    assert at_70 == pytest.approx(74.0089, abs=1e-4)
    assert _two_step(1.2, 0.2, 69.0) == pytest.approx(at_69, rel=1e-12)
    assert _two_step(1.2, 0.2, 70.0) == pytest.approx(at_70, rel=1e-12)
    assert _two_step(1.2, 0.0, 70.0) >= _two_step(1.2, 0.0, 69.0)


def _coupon_two_step(u: float, spread: float, call_price: float, **kw: Any) -> float:
    """A two-year note with a 10% annual coupon and a hard call from year 1 (r = 0, S = 100)."""
    day = dt.date(2026, 1, 1)
    note = ConvertibleNote(
        name="two-step", principal=1e6, coupon=0.10, frequency=1, issued=day,
        maturity=dt.date(2028, 1, 1), conversion_price=100.0, call_from=dt.date(2027, 1, 1),
        call_price=call_price,
    )  # fmt: skip
    return float(
        value_convertible(
            note, valuation_date=day, share_price=100.0, volatility=math.log(u), rate=0.0,
            credit_spread=spread, steps=2, smoothing=False, **kw,
        )
    )  # fmt: skip


def test_two_step_tree_the_coupon_of_a_call_step_goes_to_the_holder() -> None:
    # Theory page, "Node rules and their order", worked example: u = 1.5, p = 0.4, r = s = 0,
    # S = 100, coupons of 10 in years 1 and 2, a call at 100 from year 1 (both on the tree's
    # steps: 365 days a step).
    # Maturity: S = 225, 100, 44.4 pay max(parity, 100) + 10 = 235, 110, 110.
    # Year 1, up (S = 150): holding without the coupon 0.4 * 235 + 0.6 * 110 = 160 >
    #   max(100, 150): the issuer calls, the holder converts (150) and keeps the coupon: 160.
    # Year 1, down (S = 66.7): holding 110 > 100: called at 100, plus the coupon: 110.
    # Today: 0.4 * 160 + 0.6 * 110 = 130. (Coupon first, the call amount including it, the
    # converting holder would lose it: 0.4 * 150 + 0.6 * 110 = 126. Without the call: 140.)
    assert _coupon_two_step(1.5, 0.0, 1.0) == pytest.approx(130.0, rel=1e-12)
    assert _coupon_two_step(1.5, 0.0, 5.0) == pytest.approx(140.0, rel=1e-12)  # never binds


def test_two_step_tree_call_cash_conventions() -> None:
    # Theory page, "The call price: two conventions": u = 1.2, p = 1/2.2 = 5/11, s = 10%
    # (k = e^-0.1), r = 0, S = 100, coupons of 10 in years 1 and 2, a call at 122 from year 1.
    # Maturity: S = 144 gives (144, 10); S = 100 and 69.4 give (0, 110).
    # Year 1, up (S = 120): E = 5/11 * 144 = 65.4545, B = (5/11 * 10 + 6/11 * 110) k = 58.4031;
    #   holding 123.8577 > max(122, 120): the call binds at 122 (the holder does not convert).
    #   Classic TF: (122, 0); credit-risky: (0, 122); then the coupon: B += 10.
    # Year 1, down (S = 83.3): (0, 110 k) = (0, 99.5321), not called; then (0, 109.5321).
    # Today, classic: 5/11 * 122 + (5/11 * 10 + 6/11 * 109.5321) k = 55.4545 + 58.1722.
    # Credit-risky: (5/11 * 132 + 6/11 * 109.5321) k = 108.3496.
    k, p = math.exp(-0.1), 5 / 11
    up_b = (p * 10 + (1 - p) * 110) * k
    assert p * 144 + up_b == pytest.approx(123.8577, abs=1e-4)
    down_b = 110 * k + 10
    classic = p * 122 + (p * 10 + (1 - p) * down_b) * k
    risky = (p * 132 + (1 - p) * down_b) * k
    assert classic == pytest.approx(113.6268, abs=1e-4)
    assert risky == pytest.approx(108.3496, abs=1e-4)
    assert _coupon_two_step(1.2, 0.1, 1.22) == pytest.approx(classic, rel=1e-12)
    value = _coupon_two_step(1.2, 0.1, 1.22, call_cash="credit_risky")
    assert value == pytest.approx(risky, rel=1e-12)
    # At zero spread the two conventions agree.
    zero = _coupon_two_step(1.2, 0.0, 1.22)
    assert _coupon_two_step(1.2, 0.0, 1.22, call_cash="credit_risky") == pytest.approx(zero)


@pytest.mark.parametrize("steps", [1000, 1500, 2000, 3000])
def test_a_call_on_a_coupon_step_keeps_the_coupon(steps: int) -> None:
    # The reproducer (the TF 1998 / Ayache-Forsyth-Vetzal 2003 bond at zero spread):
    # 8% semiannual five-year note, conversion price 100, put at 105 on 2024-01-01, call at
    # 110 from 2023-01-02, which snaps onto the step of the 2023-01-01 coupon at 1,000 and
    # 1,500 steps; S 100, volatility 20%, rate 5%. QuantLib 1.44 (BinomialConvertibleEngine,
    # CRR, 1,000 steps, built as in tests/_quantlib.py): 125.9676. Before the fix the library
    # gave 124.42 at 1,000 and 1,500 steps. Tolerance: the trees' own wobble, 0.015.
    note = ConvertibleNote(
        name="8% 2026", principal=100.0, coupon=0.08, issued=dt.date(2021, 1, 1),
        maturity=dt.date(2026, 1, 1), conversion_price=100.0, puts=[dt.date(2024, 1, 1)],
        put_price=1.05, call_from=dt.date(2023, 1, 2), call_price=1.10,
    )  # fmt: skip
    value = value_convertible(
        note, valuation_date=dt.date(2021, 1, 1), share_price=100.0, volatility=0.2, rate=0.05,
        credit_spread=0.0, steps=steps,
    )  # fmt: skip
    assert value == pytest.approx(125.9676, abs=0.015)


def test_call_cash_credit_risky_matches_the_textbook_tree() -> None:
    lat = note_lattice(HARD_CALL, VD, 90)
    s = np.array([0.8, 1.0, 1.2]) * HARD_CALL.conversion_price
    got = value_convertible(
        HARD_CALL, valuation_date=VD, share_price=s, volatility=0.4, rate=0.04,
        credit_spread=0.05, steps=90, smoothing=False, call_cash="credit_risky",
    )  # fmt: skip
    want = [naive_tf(lat, float(x), 0.4, 0.04, 0.05, 0.0, classic_call=False) for x in s]
    np.testing.assert_allclose(got, want, rtol=1e-11)
    classic = value_convertible(
        HARD_CALL, valuation_date=VD, share_price=s, volatility=0.4, rate=0.04,
        credit_spread=0.05, steps=90, smoothing=False,
    )  # fmt: skip
    assert np.all(classic > got)  # the call price escapes the spread


def test_call_cash_is_checked() -> None:
    bad: Any = "risky"
    with pytest.raises(ValidationError, match="call_cash"):
        value_convertible(
            HARD_CALL, valuation_date=VD, share_price=100.0, volatility=0.4, rate=0.04,
            credit_spread=0.05, call_cash=bad,
        )  # fmt: skip


def test_with_a_spread_the_value_can_fall_as_the_share_price_rises_as_documented() -> None:
    # Theory page, "Local decisions": a five-year 3% note at a 20% spread, 1,000 steps; the
    # value falls by more than half a point from S = 62.19 to 62.20, where the holders of
    # nodes near today convert early.
    day = dt.date(2026, 1, 1)
    note = ConvertibleNote(
        name="3% five-year", principal=1e6, coupon=0.03, issued=day,
        maturity=day + dt.timedelta(days=1825), conversion_price=100.0,
    )  # fmt: skip
    value = value_convertible(
        note, valuation_date=day, share_price=[62.19, 62.20], volatility=0.2, rate=0.03,
        credit_spread=0.2,
    )  # fmt: skip
    assert 0.5 < value[0] - value[1] < 0.7


def test_with_a_spread_a_put_can_lower_the_value_as_documented() -> None:
    # The TF artefact stated on the theory page: a put at 101% 18 days before maturity, a
    # 7.55% spread, 300 steps; the holder's put turns an equity-like claim into cash.
    note = ConvertibleNote(
        name="late put", principal=1e9, coupon=0.02136, frequency=1,
        issued=dt.date(2025, 12, 30), maturity=dt.date(2035, 1, 14), conversion_price=12.0,
        puts=[dt.date(2034, 12, 27)], put_price=1.01,
    )  # fmt: skip
    kw: dict[str, Any] = {
        "valuation_date": VD, "share_price": 22.34, "volatility": 0.3485, "rate": 0.0178,
        "credit_spread": 0.0755, "steps": 300, "smoothing": False,
    }  # fmt: skip
    with_put = value_convertible(note, **kw)
    without = value_convertible(attrs.evolve(note, puts=()), **kw)
    assert 0.1 < without - with_put < 0.4


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
    q = np.array(data.draw(st.lists(st.floats(0.0, 0.05), min_size=n, max_size=n)))
    spread = data.draw(spreads)
    r = data.draw(rates)
    kw: dict[str, Any] = {"valuation_date": VD, "rate": r, "credit_spread": spread, "steps": 60}
    together = value_convertible(note, share_price=s, volatility=sigma, dividend_yield=q, **kw)
    one_by_one = [
        value_convertible(
            note, share_price=float(a), volatility=float(b), dividend_yield=float(c), **kw
        )
        for a, b, c in zip(s, sigma, q, strict=True)
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


def test_on_a_coupon_date_the_value_is_ex_coupon() -> None:
    # 2026-03-15 is a coupon date of the 2028 note: the coupon of that date is past (paid to
    # the holder of the day before), nothing has accrued, so dirty = clean. The day before,
    # the value includes that coupon of 0.3125 and 179/180 of it as accrued interest.
    on, before = dt.date(2026, 3, 15), dt.date(2026, 3, 14)
    kw: dict[str, Any] = {
        "share_price": 114.45, "volatility": 0.5, "rate": 0.04, "credit_spread": 0.02,
        "steps": 400,
    }  # fmt: skip
    dirty = value_convertible(N2028, valuation_date=on, **kw)
    assert value_convertible(N2028, valuation_date=on, clean=True, **kw) == dirty
    floor = bond_floor(N2028, valuation_date=on, rate=0.04, credit_spread=0.02)
    assert bond_floor(N2028, valuation_date=on, rate=0.04, credit_spread=0.02, clean=True) == floor
    day_before = bond_floor(N2028, valuation_date=before, rate=0.04, credit_spread=0.02)
    assert day_before == pytest.approx((floor + 0.3125) * math.exp(-0.06 / 365), rel=1e-12)
    clean_before = bond_floor(
        N2028, valuation_date=before, rate=0.04, credit_spread=0.02, clean=True
    )
    assert day_before - clean_before == pytest.approx(0.3125 * 179 / 180, rel=1e-12)


def test_on_a_put_date_the_put_is_past() -> None:
    # The 2028 note's put date 2027-09-15 is also a coupon date: the day before, the put pays
    # 100 plus that coupon (100.3125) tomorrow, and with the share at 50 the holder takes it;
    # on the put date itself the put is past and the note is worth its remaining bond value.
    kw: dict[str, Any] = {"rate": 0.04, "credit_spread": 0.03}
    before = bond_floor(N2028, valuation_date=dt.date(2027, 9, 14), **kw)
    assert before == pytest.approx(100.3125 * math.exp(-0.07 / 365), rel=1e-12)
    on = bond_floor(N2028, valuation_date=dt.date(2027, 9, 15), **kw)
    # Coupons of 0.3125 on 2028-03-15 and 2028-09-15, and 100 at maturity.
    t1, t2 = 182 / 365, 366 / 365
    assert on == pytest.approx(0.3125 * math.exp(-0.07 * t1) + 100.3125 * math.exp(-0.07 * t2))
    # The tree with 367 steps of one day each, so that the put falls exactly on step 1.
    tree = value_convertible(
        N2028, valuation_date=dt.date(2027, 9, 14), share_price=50.0, volatility=0.5, steps=367,
        **kw,
    )  # fmt: skip
    assert tree == pytest.approx(before, rel=1e-12)


def test_the_day_before_maturity() -> None:
    # One day left: deep in the money the holder converts tomorrow, on the maturity date, and
    # also receives the last coupon (he holds it on the record date); far out of the money
    # the note pays 100 plus the last coupon tomorrow. With no dividend the shares tomorrow
    # are worth today's parity.
    day = dt.date(2028, 9, 14)
    kw: dict[str, Any] = {"valuation_date": day, "volatility": 0.5, "rate": 0.04, "steps": 10}
    s = np.array([10.0, 1000.0])
    value = value_convertible(N2028, share_price=s, credit_spread=0.03, **kw)
    assert value[0] == pytest.approx(100.3125 * math.exp(-0.07 / 365), rel=1e-12)
    assert value[1] == pytest.approx(
        1000.0 * 100 / 183.19 + 0.3125 * math.exp(-0.07 / 365), rel=1e-12
    )


def test_coarsest_and_finest_trees() -> None:
    # Two steps is the smallest tree; it is a valid (coarse) value between the bond floor and
    # the zero-spread value with no upper bound on conversion.
    kw: dict[str, Any] = {
        "valuation_date": VD, "share_price": 114.45, "volatility": 0.5, "rate": 0.04,
        "credit_spread": 0.03,
    }  # fmt: skip
    coarse = value_convertible(N2028, steps=2, **kw)
    fine = value_convertible(N2028, steps=4000, **kw)
    assert bond_floor(N2028, valuation_date=VD, rate=0.04, credit_spread=0.03) < coarse
    assert abs(coarse - fine) < 5.0


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


# Every public function of a note, with valid inputs: the note, then the keyword arguments,
# then the optional keywords it also takes. The tables below change one or two of them.
_MARKET: dict[str, Any] = {
    "valuation_date": VD, "share_price": 114.45, "volatility": 0.5, "rate": 0.04,
    "credit_spread": 0.02,
}  # fmt: skip
_TREE = ("dividend_yield", "steps", "clean")
CALLS: dict[str, tuple[Any, ConvertibleNote, dict[str, Any], tuple[str, ...]]] = {
    "value_convertible": (
        value_convertible, N2028, {**_MARKET, "steps": 50}, (*_TREE, "method", "smoothing")
    ),
    "convertible_sensitivities": (
        convertible_sensitivities, N2028, {**_MARKET, "steps": 50}, _TREE
    ),
    "implied_volatility": (
        implied_volatility, N2028,
        {**_MARKET, "volatility": None, "price": 100.0, "steps": 50}, (*_TREE, "bracket"),
    ),
    "implied_credit_spread": (
        implied_credit_spread, N2028,
        {**_MARKET, "credit_spread": None, "price": 100.0, "steps": 50}, (*_TREE, "bracket"),
    ),
    "bond_floor": (
        bond_floor, N2028, {"valuation_date": VD, "rate": 0.04, "credit_spread": 0.02}, ("clean",)
    ),
    "parity": (parity, N2028, {"share_price": 114.45}, ()),
    "conversion_premium": (conversion_premium, N2028, {"price": 100.0, "share_price": 114.45}, ()),
    "value_zero_coupon_convertible": (value_zero_coupon_convertible, ZERO, dict(_MARKET), ()),
}  # fmt: skip

NAN, INF = float("nan"), float("inf")
BAD_INPUTS: list[tuple[dict[str, Any], str]] = [
    # share prices and prices: non-negative finite numbers, arrays of them, not empty
    ({"share_price": -1.0}, "share_price"),
    ({"share_price": [1.0, NAN]}, "share_price[1]"),
    ({"share_price": [[1.0], [INF]]}, "share_price[1, 0]"),
    ({"share_price": True}, "share_price"),
    ({"share_price": "114.45"}, "share_price"),
    ({"share_price": ["1", "2"]}, "share_price"),
    ({"share_price": None}, "share_price"),
    ({"share_price": []}, "share_price"),
    ({"share_price": np.array([1.0, None], dtype=object)}, "share_price"),
    ({"share_price": 1 + 2j}, "share_price"),
    ({"price": -0.5}, "price"),
    ({"price": np.array([], dtype=np.float64)}, "price"),
    # volatility in (0, 5]: zero and a percentage are refused
    ({"volatility": 0.0}, "volatility"),
    ({"volatility": 55.0}, "volatility"),
    ({"volatility": [0.5, -0.1]}, "volatility[1]"),
    # rates and yields in [-1, 1], spreads in [0, 5]: 4 (meaning 4%) is refused
    ({"rate": INF}, "rate"),
    ({"rate": 4.0}, "rate"),
    ({"rate": [0.04, 1.5]}, "rate[1]"),
    ({"credit_spread": -0.01}, "credit_spread"),
    ({"credit_spread": 6.0}, "credit_spread"),
    ({"dividend_yield": NAN}, "dividend_yield"),
    ({"dividend_yield": "0.01"}, "dividend_yield"),
    # inputs that do not broadcast: the second one is named
    ({"share_price": [1.0, 2.0], "volatility": [0.5, 0.5, 0.5]}, "volatility"),
    ({"rate": [0.01, 0.02], "credit_spread": [0.0, 0.01, 0.02]}, "credit_spread"),
    ({"price": [100.0, 110.0], "share_price": [1.0, 2.0, 3.0]}, "share_price"),
    # tree steps: whole numbers from 2 to 100,000
    ({"steps": 1}, "steps"),
    ({"steps": 100_001}, "steps"),
    ({"steps": 10.0}, "steps"),
    ({"steps": True}, "steps"),
    # dates: a datetime.date from the issue date to the day before maturity
    ({"valuation_date": dt.date(2031, 1, 1)}, "valuation_date"),
    ({"valuation_date": dt.date(2028, 9, 15)}, "valuation_date"),
    ({"valuation_date": dt.date(2024, 1, 1)}, "valuation_date"),
    ({"valuation_date": "2026-02-05"}, "valuation_date"),
    ({"valuation_date": dt.datetime(2026, 2, 5)}, "valuation_date"),
    ({"valuation_date": np.datetime64("2026-02-05")}, "valuation_date"),
    # options
    ({"clean": "yes"}, "clean"),
    ({"clean": None}, "clean"),
    ({"smoothing": 0}, "smoothing"),
    ({"method": "fast"}, "method"),
    ({"method": None}, "method"),
    ({"bracket": (0.5, 0.1)}, "bracket"),
    ({"bracket": "ab"}, "bracket"),
    ({"bracket": (0.0, 100.0)}, "bracket"),
    # a tree too coarse for a low volatility, or whose top node overflows
    ({"volatility": 0.001, "steps": 10}, "volatility"),
    ({"share_price": 1e300, "steps": 50}, "share_price"),
]


def _applicable() -> list[Any]:
    cases = []
    for name, (_, _, base, optional) in CALLS.items():
        for changes, field in BAD_INPUTS:
            # A case applies where the function takes every argument it changes (and, for
            # the issue date, where the note is not the zero-coupon one issued in 2026).
            takes = all((k in base and base[k] is not None) or k in optional for k in changes)
            if name == "value_zero_coupon_convertible" and changes.get("valuation_date") in (
                dt.date(2028, 9, 15),
                dt.date(2024, 1, 1),
            ):
                takes = False
            if takes:
                cases.append(pytest.param(name, changes, field, id=f"{name}-{field}"))
    return cases


@pytest.mark.parametrize(("name", "changes", "field"), _applicable())
def test_bad_inputs_name_the_field(name: str, changes: dict[str, Any], field: str) -> None:
    function, note, base, _ = CALLS[name]
    kw = {k: v for k, v in base.items() if v is not None} | changes
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValidationError) as info:
            function(note, **kw)
    assert info.value.field == field


@pytest.mark.parametrize("name", list(CALLS))
@pytest.mark.parametrize(
    "other",
    [
        tm.datasets.load("mstr-2026-02").instrument("Other secured debt"),
        tm.datasets.load("mstr-2026-02").instrument("STRK"),
        None,
        "0.625% convertible notes due 2028",
    ],
    ids=["Note", "PreferredStock", "None", "a name"],
)
def test_only_a_convertible_note_is_valued(name: str, other: Any) -> None:
    function, _, base, _ = CALLS[name]
    kw = {k: v for k, v in base.items() if v is not None}
    with pytest.raises(ValidationError, match="ConvertibleNote") as info:
        function(other, **kw)
    assert info.value.field == "note"


# --- the numeric contract: float in, float out; arrays broadcast like numpy -----------------

# For each function, two array arguments of shapes (2, 1) and (3,): the result is (2, 3).
GRIDS: dict[str, dict[str, Any]] = {
    "value_convertible": {"share_price": [[60.0], [250.0]], "volatility": [0.3, 0.5, 0.8]},
    "convertible_sensitivities": {
        "share_price": [[60.0], [250.0]], "dividend_yield": [0.0, 0.01, 0.03],
    },
    "implied_volatility": {"price": [[100.0], [104.0]], "dividend_yield": [0.0, 0.01, 0.03]},
    "implied_credit_spread": {"price": [[95.0], [100.0]], "volatility": [0.4, 0.5, 0.6]},
    "bond_floor": {"rate": [[0.0], [0.04]], "credit_spread": [0.0, 0.03, 0.1]},
    "parity": {"share_price": [[0.0, 1.0, 2.0], [10.0, 100.0, 1000.0]]},
    "conversion_premium": {"price": [[90.0], [130.0]], "share_price": [0.0, 114.45, 300.0]},
    "value_zero_coupon_convertible": {
        "share_price": [[0.0], [130.0]], "credit_spread": [0.0, 0.03, 0.1],
    },
}  # fmt: skip


def _numbers(result: Any) -> list[Any]:
    """The numbers of a result (every field of a ConvertibleSensitivities)."""
    if isinstance(result, tm.valuation.ConvertibleSensitivities):
        return [getattr(result, f.name) for f in attrs.fields(type(result))]
    return [result]


@pytest.mark.parametrize("name", list(GRIDS))
def test_arrays_broadcast_to_the_scalar_results(name: str) -> None:
    function, note, base, _ = CALLS[name]
    kw = {k: v for k, v in base.items() if v is not None}
    grid = GRIDS[name]
    together = _numbers(function(note, **(kw | grid)))
    arrays = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in grid.values()))
    tol = 1e-9 if name.startswith("implied") else 0.0  # solved to 1e-7, scalar or not
    for index in np.ndindex(2, 3):
        scalars = {k: float(a[index]) for k, a in zip(grid, arrays, strict=True)}
        alone = _numbers(function(note, **(kw | scalars)))
        for array, value in zip(together, alone, strict=True):
            assert array.shape == (2, 3)
            assert type(value) is float
            np.testing.assert_allclose(array[index], value, rtol=1e-13, atol=tol)


@pytest.mark.parametrize("name", list(GRIDS))
@pytest.mark.parametrize(
    "kind",
    [float, int, np.float64, np.float32, np.int64, np.array, list],
    ids=["float", "int", "np.float64", "np.float32", "np.int64", "0-d array", "list"],
)
def test_any_number_is_accepted(name: str, kind: Any) -> None:
    # A float, an int or a numpy scalar (or a 0-d array) gives a Python float; a list gives an
    # array of its shape. The value is the float's.
    function, note, base, _ = CALLS[name]
    kw = {k: v for k, v in base.items() if v is not None}
    field = next(iter(GRIDS[name]))
    number = np.asarray(GRIDS[name][field], dtype=np.float64).reshape(-1)[-1]
    given = [int(number)] if kind is list else kind(int(number))
    want = _numbers(function(note, **(kw | {field: float(int(number))})))
    got = _numbers(function(note, **(kw | {field: given})))
    for a, b in zip(got, want, strict=True):
        if kind is list:
            assert isinstance(a, np.ndarray)
            assert a.shape == (1,)
        else:
            assert type(a) is float
        np.testing.assert_allclose(a, b, rtol=1e-13)


def test_public_names_are_exported() -> None:
    for name in (
        "value_convertible", "value_zero_coupon_convertible", "bond_floor", "parity",
        "conversion_premium", "convertible_sensitivities", "ConvertibleSensitivities",
        "implied_volatility", "implied_credit_spread", "value_preferred",
        "convertible_value_at_asset_price",
    ):  # fmt: skip
        assert name in tm.valuation.__all__
        assert getattr(tm.valuation, name) is not None


def test_soft_call_trigger_interpolation_steadies_the_value() -> None:
    # Theory page, "Soft calls": the 0.625% 2030 (A) note at S = 160, zero spread, volatility
    # 55%. On the plain tree the trigger fixed between node levels makes the value swing by
    # about 0.25 per 100 between 250 and 2,000 steps; interpolated between the levels it
    # moves by less than 0.06. The plain tree's trigger sits on or above the contract's
    # (the first node level at or above it), so it calls later and values higher: its
    # lowest value, with nodes next to the trigger, is the nearest (within 0.15).
    kw: dict[str, Any] = {
        "valuation_date": VD, "share_price": 160.0, "volatility": 0.55, "rate": 0.04,
        "credit_spread": 0.0,
    }  # fmt: skip
    smooth = [value_convertible(N2030A, steps=n, **kw) for n in (250, 500, 1000, 2000)]
    steps = (250, 500, 1000, 2000)
    plain = [value_convertible(N2030A, steps=n, smoothing=False, **kw) for n in steps]
    assert max(smooth) - min(smooth) < 0.06
    assert max(plain) - min(plain) > 0.2
    assert 0.0 < min(plain) - smooth[-1] < 0.15
