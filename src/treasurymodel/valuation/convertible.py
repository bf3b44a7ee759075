"""Convertible notes on a Tsiveriotis–Fernandes CRR tree, per 100 of principal.

Conventions (see :doc:`/theory/valuation` for the model and :doc:`/howto/valuation` for use):

* time is ACT/365F years from the valuation date; ``rate``, ``credit_spread`` and
  ``dividend_yield`` are continuously compounded annual rates;
* values are per 100 of principal and *dirty* (they include interest accrued since the last
  coupon) unless ``clean=True``;
* the valuation date lies from the issue date to the day before maturity; events (coupons,
  puts, the first call date) sit on the tree step nearest their date, and events on or before
  the valuation date are past: valued on a coupon date a note is ex-coupon (nothing accrued,
  dirty = clean), and valued on a put date its put is gone;
* coupons go to the cash component, to every holder of record whatever is decided on their
  step (call, put, conversion are decided on the value without the coupon); a put or call
  pays its price plus accrued interest (linear between coupon steps, zero on one);
* a soft call (``call_trigger``) is allowed at a node whose share price is at least
  ``call_trigger × conversion_price``: an approximation of the contractual "m of n trading
  days" test;
* conversion is allowed at every step (American), with ``conversion_rate / 10`` shares per 100.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
from typing import Any, Literal, overload

import numpy as np

from .. import schedule
from .._typing import ArrayInput, ArrayLike, FloatArray
from ..instruments import ConvertibleNote
from ._inputs import (
    broadcast,
    check_choice,
    check_flag,
    check_note,
    check_note_date,
    check_steps,
    output,
    years,
)
from ._lattice import (
    CALL_CASH,
    CallCash,
    Lattice,
    accrual_by_step,
    build_lattice,
    check_range,
    roll_back,
    step_index,
    tree_parameters,
)
from .curve import Curve, check_curve_use, curve_or_none, flat_value

__all__ = [
    "Method",
    "bond_floor",
    "conversion_premium",
    "parity",
    "value_convertible",
]

Method = Literal["direct", "shared"]
"""How a batch of scenarios is valued: one tree each, or one shared tree per parameter group."""

METHODS: tuple[Method, ...] = ("direct", "shared")

SHARED_REFINEMENT = 16
"""Sub-trees per group on the shared path: the step-0 grid spacing is ``2 dx / 16``."""

_MIN_SHARED = 2 * SHARED_REFINEMENT


@functools.lru_cache(maxsize=64)
def note_lattice(note: ConvertibleNote, valuation_date: _dt.date, steps: int) -> Lattice:
    """The note's events on a ``steps``-step grid from ``valuation_date`` to maturity."""
    horizon = years(valuation_date, note.maturity)
    dt = horizon / steps
    per_100 = 100.0 / note.principal

    def step_of(day: _dt.date) -> int:
        return step_index(years(valuation_date, day), dt, steps)

    cash = np.zeros(steps + 1)
    flows = schedule.cash_flows(note, start=valuation_date, end=note.maturity)
    for day, amount in zip(flows.dates, flows.interest, strict=True):
        cash[step_of(day)] += float(amount) * per_100

    # Accrued interest at each step: linear in steps between the steps of coupon dates.
    periods = []
    everything = schedule.cash_flows(note, start=note.issued, end=note.maturity)
    start = note.issued
    for day, amount in zip(everything.dates, everything.interest, strict=True):
        if day > valuation_date:
            periods.append(
                (
                    years(valuation_date, start) / dt,
                    years(valuation_date, day) / dt,
                    float(amount) * per_100,
                )
            )
        start = day
    call_step: int | None = None
    if note.call_from is not None:
        call_step = step_of(note.call_from) if note.call_from > valuation_date else 0
    return build_lattice(
        horizon=horizon,
        cash=cash,
        accrued=accrual_by_step(steps, periods),
        redemption=100.0,
        put_steps=[step_of(day) for day in note.puts if day > valuation_date],
        put_price=note.put_price * 100.0,
        call_step=call_step,
        call_price=note.call_price * 100.0,
        call_trigger=(
            None if note.call_trigger is None else note.call_trigger * note.conversion_price
        ),
        ratio=note.conversion_rate / 10.0,
    )


def prepare(note: Any, valuation_date: Any, steps: Any) -> Lattice:
    """Check the contract inputs and return the note's lattice (cached)."""
    note = check_note(note)
    day = check_note_date(note, valuation_date)
    return note_lattice(note, day, check_steps(steps))


def accrued_per_100(note: ConvertibleNote, valuation_date: _dt.date) -> float:
    """Accrued interest on ``valuation_date`` per 100 of principal (30/360, schedule rules)."""
    return schedule.accrued_interest(note, valuation_date) * 100.0 / note.principal


def tree_values(
    lattice: Lattice,
    *,
    share_price: FloatArray,
    volatility: FloatArray,
    rate: FloatArray,
    credit_spread: FloatArray,
    dividend_yield: FloatArray,
    method: Method = "direct",
    smooth: bool = True,
    call_cash: CallCash = "risk_free",
    curves: StepCurves | None = None,
) -> FloatArray:
    """Dirty values per 100 of flat, equally long input arrays (no input checks).

    ``curves`` holds the per-step rate and spread of curves, which replace ``rate`` and
    ``credit_spread`` (see :func:`step_curves`).
    """
    step_rate, step_spread = (None, None) if curves is None else curves
    if method == "direct":
        params = tree_parameters(
            lattice,
            sigma=volatility,
            rate=rate,
            dividend_yield=dividend_yield,
            step_rate=step_rate,
        )
        check_range(lattice, share_price, params.dx)
        values = roll_back(
            lattice,
            s_base=share_price,
            params=params,
            spread=credit_spread,
            smooth=smooth,
            call_cash=call_cash,
            step_spread=step_spread,
        )
        return np.asarray(values[0], dtype=np.float64)
    return _shared_values(
        lattice,
        share_price=share_price,
        volatility=volatility,
        rate=rate,
        credit_spread=credit_spread,
        dividend_yield=dividend_yield,
        smooth=smooth,
        call_cash=call_cash,
        curves=curves,
    )


StepCurves = tuple[FloatArray | None, FloatArray | None]
"""The rate and the spread of each tree step, from curves (``None`` for a flat input)."""


def step_curves(lattice: Lattice, rate: Any, credit_spread: Any) -> tuple[Any, Any, StepCurves]:
    """Split :class:`Curve` inputs off: flat placeholders for them, and their step rates.

    Returns ``(rate, credit_spread, (step_rate, step_spread))`` where a curve input is
    replaced by ``0.0`` (so that it broadcasts) and its per-step forwards are checked
    against the range of the input.
    """
    rate_curve = curve_or_none("rate", rate)
    spread_curve = curve_or_none("credit_spread", credit_spread)
    step_rate = step_spread = None
    if rate_curve is not None:
        step_rate = rate_curve.step_rates(lattice.horizon, lattice.steps)
        check_curve_use("rate", rate_curve, step_rate)
        rate = 0.0
    if spread_curve is not None:
        step_spread = spread_curve.step_rates(lattice.horizon, lattice.steps)
        check_curve_use("credit_spread", spread_curve, step_spread)
        credit_spread = 0.0
    return flat_value(rate), flat_value(credit_spread), (step_rate, step_spread)


def _shared_values(
    lattice: Lattice,
    *,
    share_price: FloatArray,
    volatility: FloatArray,
    rate: FloatArray,
    credit_spread: FloatArray,
    dividend_yield: FloatArray,
    smooth: bool,
    call_cash: CallCash,
    curves: StepCurves | None,
) -> FloatArray:
    """One tree per group of equal (volatility, rate, spread, yield), read by interpolation.

    Each group's share prices are read off ``SHARED_REFINEMENT`` trees whose step-0 nodes
    interleave into one uniform grid in log price, spacing ``2 dx / SHARED_REFINEMENT``;
    values between grid nodes are monotone cubic (PCHIP) interpolates. Groups with fewer
    than ``2 × SHARED_REFINEMENT`` positive prices, zero prices and prices within two tree
    spacings of a soft-call trigger in force today (where the value jumps) get a tree each.
    """
    out = np.empty(share_price.shape[0])
    keys = np.stack([volatility, rate, credit_spread, dividend_yield], axis=1)
    if bool(np.all(keys == keys[0])):  # one group (the usual case): no sorting needed
        group = np.zeros(keys.shape[0], dtype=np.int64)
        counts = np.array([keys.shape[0]])
    else:
        _, group, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
        group = group.reshape(-1)
    shared = (share_price > 0.0) & (counts[group] >= _MIN_SHARED)
    if lattice.call_trigger is not None and lattice.call[0] is not None:
        dx = volatility * math.sqrt(lattice.dt)
        with np.errstate(divide="ignore"):
            distance = np.abs(np.log(share_price / lattice.call_trigger))
        shared &= distance > 4.0 * dx
    direct = ~shared
    if direct.any():
        out[direct] = tree_values(
            lattice,
            share_price=share_price[direct],
            volatility=volatility[direct],
            rate=rate[direct],
            credit_spread=credit_spread[direct],
            dividend_yield=dividend_yield[direct],
            smooth=smooth,
            call_cash=call_cash,
            curves=curves,
        )
    if not shared.any():
        return out
    if bool(np.all(group == 0)):
        ids, first_shared = np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64)
    else:
        ids, first_shared = np.unique(group[shared], return_index=True)
    first = np.flatnonzero(shared)[first_shared]  # one row of each shared group
    k = SHARED_REFINEMENT
    sigma, r, s, q = volatility[first], rate[first], credit_spread[first], dividend_yield[first]
    step_rate, step_spread = (None, None) if curves is None else curves
    params = tree_parameters(lattice, sigma=sigma, rate=r, dividend_yield=q, step_rate=step_rate)
    h = 2.0 * params.dx / k  # grid spacing in log price, per group
    logs = np.log(np.where(shared, share_price, 1.0))
    slot = np.searchsorted(ids, group)  # position of each row's group among ids
    lo = np.full(ids.shape[0], np.inf)
    hi = np.full(ids.shape[0], -np.inf)
    np.minimum.at(lo, slot[shared], logs[shared])
    np.maximum.at(hi, slot[shared], logs[shared])
    x0 = lo - 2.0 * h
    needed = np.floor((hi - x0) / h) + 4.0  # grid nodes needed, with room for the stencil
    width = int(np.ceil(needed.max() / k))
    sub = np.arange(k, dtype=np.float64)
    s_base = np.exp(x0[:, None] + sub[None, :] * h[:, None]).reshape(-1)  # (groups * k,)
    rows = np.repeat(np.arange(ids.shape[0]), k)
    row_params = params.rows(rows)
    check_range(lattice, s_base, row_params.dx, width)
    values = roll_back(
        lattice,
        s_base=s_base,
        params=row_params,
        spread=s[rows],
        width=width,
        smooth=smooth,
        call_cash=call_cash,
        step_spread=step_spread,
    )  # (width, groups * k); grid node j * k + sub of a group is values[j, group * k + sub]
    grid = values.reshape(width, ids.shape[0], k).transpose(1, 0, 2).reshape(ids.shape[0], -1)
    where = slot[shared]
    t = (logs[shared] - x0[where]) / h[where]
    out[shared] = _pchip(grid, where, t)
    return out


def _pchip(grid: FloatArray, row: Any, t: FloatArray) -> FloatArray:
    """Monotone cubic Hermite interpolation on uniform grids (unit spacing), row by row.

    Slopes are the Fritsch–Butland harmonic means of neighbouring differences (zero at a
    local extremum), so monotone data give a monotone interpolant.
    """
    diff = np.diff(grid, axis=1)  # (groups, n - 1)
    left, right = diff[:, :-1], diff[:, 1:]
    same = left * right > 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        harmonic = np.where(same, 2.0 * left * right / (left + right), 0.0)
    slope = np.zeros_like(grid)
    slope[:, 1:-1] = harmonic
    slope[:, 0], slope[:, -1] = diff[:, 0], diff[:, -1]
    node = np.clip(np.floor(t).astype(np.int64), 0, grid.shape[1] - 2)
    f = t - node
    y0, y1 = grid[row, node], grid[row, node + 1]
    m0, m1 = slope[row, node], slope[row, node + 1]
    f2 = f * f
    f3 = f2 * f
    return np.asarray(
        (2 * f3 - 3 * f2 + 1) * y0
        + (f3 - 2 * f2 + f) * m0
        + (-2 * f3 + 3 * f2) * y1
        + (f3 - f2) * m1,
        dtype=np.float64,
    )


@overload
def value_convertible(  # type: ignore[overload-overlap]
    note: ConvertibleNote,
    *,
    valuation_date: _dt.date,
    share_price: float,
    volatility: float,
    rate: float | Curve,
    credit_spread: float | Curve,
    dividend_yield: float = 0.0,
    steps: int = 1000,
    clean: bool = False,
    method: Method = "direct",
    smoothing: bool = True,
    call_cash: CallCash = "risk_free",
) -> float: ...
@overload
def value_convertible(
    note: ConvertibleNote,
    *,
    valuation_date: _dt.date,
    share_price: ArrayLike,
    volatility: ArrayLike,
    rate: ArrayLike | Curve,
    credit_spread: ArrayLike | Curve,
    dividend_yield: ArrayLike = 0.0,
    steps: int = 1000,
    clean: bool = False,
    method: Method = "direct",
    smoothing: bool = True,
    call_cash: CallCash = "risk_free",
) -> FloatArray: ...
def value_convertible(
    note: ConvertibleNote,
    *,
    valuation_date: _dt.date,
    share_price: ArrayLike,
    volatility: ArrayLike,
    rate: ArrayLike | Curve,
    credit_spread: ArrayLike | Curve,
    dividend_yield: ArrayLike = 0.0,
    steps: int = 1000,
    clean: bool = False,
    method: Method = "direct",
    smoothing: bool = True,
    call_cash: CallCash = "risk_free",
) -> float | FloatArray:
    """Value of a convertible note per 100 of principal: Tsiveriotis–Fernandes on a CRR tree.

    The value splits into an equity component, discounted at ``rate``, and a cash component
    (coupons, redemption, put cash), discounted at ``rate + credit_spread``. At each node, in
    this order, on the value without the coupon of the step: the issuer calls if holding is
    worth more than both the call price and the conversion value; the holder puts if the put
    pays more; the holder converts if the shares are worth more than the result (a call
    below the conversion value forces it). Then the coupon of the step is added: it goes to
    the holder of record whatever was decided.

    Parameters
    ----------
    note
        The convertible.
    valuation_date
        Date of the valuation, from the issue date to the day before maturity. Events on or
        before it are past (a coupon of that date is not in the value, a put of that date
        cannot be exercised).
    share_price
        Share price, in the currency of the conversion price, ``>= 0``; zero gives the bond
        floor (with puts). Float or array.
    volatility
        Annual volatility of the share price (lognormal), a fraction in ``[1e-4, 5]`` (0.55
        for 55%); float or array. Zero and values below 1e-4 are refused: the tree needs a
        spread of prices (and at a low volatility enough steps for its up probability to
        stay in (0, 1) at the rate and yield given).
    rate
        Continuously compounded risk-free rate, a fraction in ``[-1, 1]``; float or array,
        or a :class:`~treasurymodel.valuation.Curve` of zero rates (each tree step then has
        the curve's average forward rate over it).
    credit_spread
        Continuously compounded credit spread of the issuer, in ``[0, 5]``; float or array,
        or a :class:`~treasurymodel.valuation.Curve` (forward spreads in ``[0, 5]``).
    dividend_yield
        Continuous dividend yield of the share, in ``[-1, 1]``; float or array (0 for a
        company paying none).
    steps
        Tree steps from the valuation date to maturity, 2 to 100,000.
    clean
        Subtract the interest accrued on ``valuation_date`` (quoted price) when ``True``.
    method
        ``"direct"`` (default): one tree per scenario; an array gives exactly the values the
        scalar calls give. ``"shared"``: scenarios with equal volatility, rate, spread and
        yield share one tree, read by monotone cubic interpolation in log price; an order
        of magnitude faster for hundreds of share prices. Where the value is smooth in the
        share price it is within 1e-6 per 100 of the direct values (about 1e-4 for a
        soft-callable note, whose trigger each tree interpolates on its own levels); next
        to the direct tree's own jumps (exercise boundaries with a spread, a soft-call
        trigger) it differs by up to their size, hundredths to tenths per 100, and is as
        close to the converged value as the direct tree (see :doc:`/theory/valuation`).
    smoothing
        ``True`` (default): the last step before maturity uses the Black–Scholes values of
        the maturity claims instead of a binomial step, which removes most of the tree's
        oscillation in the share price and the number of steps (with a credit spread the
        plain tree's value jumps as nodes cross the conversion price at maturity), and a
        soft-call trigger is interpolated between the two node levels around it (two trees,
        weighted by its position), which removes the oscillation of a trigger fixed
        between nodes.
        ``False``: the plain CRR tree, step for step the tree QuantLib builds.
    call_cash
        Where the call price goes when a call binds (the holder takes the cash, not the
        shares). ``"risk_free"`` (default, classic Tsiveriotis–Fernandes): the value is the
        call price and the cash-only component is zero, so the call price is discounted at
        ``rate``. ``"credit_risky"``: the call price joins the cash component, discounted at
        ``rate + credit_spread``. Equal at zero spread; see :doc:`/theory/valuation`.

    Returns
    -------
    float or numpy.ndarray
        A float when every market input is a number (a float, an int or a numpy scalar);
        otherwise an array of their broadcast shape.

    Raises
    ------
    ValidationError
        For an input of the wrong type or out of range (naming it), an empty array, inputs
        that do not broadcast, or a tree that cannot be built (a volatility too low for
        ``steps`` at this rate and yield, or a top node that overflows a float).

    Examples
    --------
    A five-year 0% note, conversion price 100, share at 80:

    >>> import datetime as dt
    >>> from treasurymodel import ConvertibleNote
    >>> from treasurymodel.valuation import value_convertible
    >>> note = ConvertibleNote(name="0% 2031", principal=1e9, issued=dt.date(2026, 1, 1),
    ...     maturity=dt.date(2031, 1, 1), conversion_price=100.0)
    >>> round(value_convertible(note, valuation_date=dt.date(2026, 1, 1), share_price=80.0,
    ...     volatility=0.5, rate=0.04, credit_spread=0.03, steps=500), 2)
    107.05

    Arrays broadcast; a zero share price gives the bond floor:

    >>> value_convertible(note, valuation_date=dt.date(2026, 1, 1),
    ...     share_price=[0.0, 80.0, 400.0], volatility=0.5, rate=0.04, credit_spread=0.03,
    ...     steps=500).round(2)
    array([ 70.46, 107.05, 404.15])
    """
    lattice = prepare(note, valuation_date, steps)
    how = check_choice("method", method, METHODS)
    smooth = check_flag("smoothing", smoothing)
    cash_rule = check_choice("call_cash", call_cash, CALL_CASH)
    quoted = check_flag("clean", clean)
    rate, credit_spread, curves = step_curves(lattice, rate, credit_spread)
    flat, shape, scalar = broadcast(
        share_price=share_price,
        volatility=volatility,
        rate=rate,
        credit_spread=credit_spread,
        dividend_yield=dividend_yield,
    )
    values = tree_values(
        lattice,
        share_price=flat["share_price"],
        volatility=flat["volatility"],
        rate=flat["rate"],
        credit_spread=flat["credit_spread"],
        dividend_yield=flat["dividend_yield"],
        method=how,
        smooth=smooth,
        call_cash=cash_rule,
        curves=curves,
    )
    if quoted:
        values = values - accrued_per_100(note, valuation_date)
    return output(values, shape, scalar)  # type: ignore[no-any-return]


@overload
def parity(note: ConvertibleNote, *, share_price: float) -> float: ...
@overload
def parity(note: ConvertibleNote, *, share_price: ArrayInput) -> FloatArray: ...
def parity(note: ConvertibleNote, *, share_price: ArrayLike) -> float | FloatArray:
    """Conversion value (parity) per 100 of principal: ``conversion_rate / 10 × share_price``.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import ConvertibleNote
    >>> from treasurymodel.valuation import parity
    >>> note = ConvertibleNote(name="n", principal=1e6, issued=dt.date(2024, 1, 1),
    ...     maturity=dt.date(2029, 1, 1), conversion_price=250.0)
    >>> parity(note, share_price=300.0)
    120.0
    >>> parity(note, share_price=[125.0, 250.0]).tolist()
    [50.0, 100.0]
    """
    note = check_note(note)
    flat, shape, scalar = broadcast(share_price=share_price)
    return output(flat["share_price"] * (note.conversion_rate / 10.0), shape, scalar)  # type: ignore[no-any-return]


@overload
def conversion_premium(  # type: ignore[overload-overlap]
    note: ConvertibleNote, *, price: float, share_price: float
) -> float: ...
@overload
def conversion_premium(
    note: ConvertibleNote, *, price: ArrayLike, share_price: ArrayLike
) -> FloatArray: ...
def conversion_premium(
    note: ConvertibleNote, *, price: ArrayLike, share_price: ArrayLike
) -> float | FloatArray:
    """Conversion premium: ``price / parity − 1`` (price per 100, on the basis you choose).

    Infinite where the share price is zero, or so small (below about 1e-300) that the ratio
    leaves the float range.

    Parameters
    ----------
    note
        The convertible.
    price
        Price per 100 of principal, in ``[0, 1e9]``; float or array.
    share_price
        Share price, ``>= 0``; float or array (broadcast with ``price``).

    Returns
    -------
    float or numpy.ndarray
        A float when both inputs are numbers, else an array of their broadcast shape.

    Examples
    --------
    >>> import datetime as dt
    >>> from treasurymodel import ConvertibleNote
    >>> from treasurymodel.valuation import conversion_premium
    >>> note = ConvertibleNote(name="n", principal=1e6, issued=dt.date(2024, 1, 1),
    ...     maturity=dt.date(2029, 1, 1), conversion_price=250.0)
    >>> round(conversion_premium(note, price=110.0, share_price=200.0), 6)
    0.375
    """
    note = check_note(note)
    flat, shape, scalar = broadcast(price=price, share_price=share_price)
    conv = flat["share_price"] * (note.conversion_rate / 10.0)
    return output(premium(flat["price"], conv), shape, scalar)  # type: ignore[no-any-return]


def premium(value: FloatArray, conv: FloatArray) -> FloatArray:
    """``value / conv - 1`` elementwise, infinite where ``conv`` is zero.

    Also infinite where ``conv`` is so small (subnormal) that the ratio leaves the float
    range: the same limit as at zero, without an overflow warning.
    """
    positive = conv > 0.0
    with np.errstate(over="ignore"):
        ratio = value / np.where(positive, conv, 1.0)
    return np.where(positive, ratio - 1.0, np.inf)


@overload
def bond_floor(  # type: ignore[overload-overlap]
    note: ConvertibleNote,
    *,
    valuation_date: _dt.date,
    rate: float | Curve,
    credit_spread: float | Curve,
    clean: bool = False,
) -> float: ...
@overload
def bond_floor(
    note: ConvertibleNote,
    *,
    valuation_date: _dt.date,
    rate: ArrayLike | Curve,
    credit_spread: ArrayLike | Curve,
    clean: bool = False,
) -> FloatArray: ...
def bond_floor(
    note: ConvertibleNote,
    *,
    valuation_date: _dt.date,
    rate: ArrayLike | Curve,
    credit_spread: ArrayLike | Curve,
    clean: bool = False,
) -> float | FloatArray:
    """Value of the note without its conversion right, per 100: the investment value.

    Coupons and redemption are discounted at ``rate + credit_spread`` (continuously, ACT/365F
    from ``valuation_date``; inputs as for :func:`value_convertible`), and the holder puts on
    a put date when the put (price plus accrued interest, plus the coupon on a coupon date)
    pays more than holding. Issuer calls are ignored: with no conversion value a call pays
    off for the issuer only when the straight bond trades above the call price. This is the
    limit of :func:`value_convertible` as the share price tends to zero (for such notes).
    ``rate`` and ``credit_spread`` may be :class:`~treasurymodel.valuation.Curve` objects: a
    cash flow at ``t`` is then discounted by the product of their discount factors.

    Examples
    --------
    A 2% annual-coupon note with two years left, discounted at 6%:

    >>> import datetime as dt
    >>> from treasurymodel import ConvertibleNote
    >>> from treasurymodel.valuation import bond_floor
    >>> note = ConvertibleNote(name="n", principal=1e6, coupon=0.02, frequency=1,
    ...     issued=dt.date(2024, 1, 1), maturity=dt.date(2028, 1, 1), conversion_price=50.0)
    >>> round(bond_floor(note, valuation_date=dt.date(2026, 1, 1), rate=0.04,
    ...     credit_spread=0.02), 4)
    92.3494
    """
    note = check_note(note)
    day = check_note_date(note, valuation_date)
    quoted = check_flag("clean", clean)
    rate_curve = curve_or_none("rate", rate)
    spread_curve = curve_or_none("credit_spread", credit_spread)
    for field, curve in (("rate", rate_curve), ("credit_spread", spread_curve)):
        if curve is not None:
            check_curve_use(field, curve, curve.forward_rates())
    flat, shape, scalar = broadcast(
        rate=0.0 if rate_curve is not None else flat_value(rate),
        credit_spread=0.0 if spread_curve is not None else flat_value(credit_spread),
    )
    y = flat["rate"] + flat["credit_spread"]

    def growth(start: _dt.date, end: _dt.date) -> FloatArray:
        """Discount factor from ``end`` back to ``start`` (dates after ``day``)."""
        factor = np.exp(-y * years(start, end))
        for curve in (rate_curve, spread_curve):
            if curve is not None:
                t0, t1 = years(day, start), years(day, end)
                factor = factor * (curve.discount(t1) / curve.discount(t0))
        return np.asarray(factor, dtype=np.float64)

    flows = schedule.cash_flows(note, start=day, end=note.maturity)
    coupons = {
        d: float(a) * 100.0 / note.principal
        for d, a in zip(flows.dates, flows.interest, strict=True)
    }
    puts = {d: note.put_price * 100.0 + accrued_per_100(note, d) for d in note.puts if day < d}
    dates = sorted(set(coupons) | set(puts) | {note.maturity}, reverse=True)
    value = np.full(y.shape, 100.0)
    later = note.maturity
    for d in dates:
        value = value * growth(d, later) + coupons.get(d, 0.0)
        if d in puts:
            value = np.maximum(value, puts[d] + coupons.get(d, 0.0))
        later = d
    value = value * growth(day, later)
    if quoted:
        value = value - accrued_per_100(note, day)
    return output(value, shape, scalar)  # type: ignore[no-any-return]
