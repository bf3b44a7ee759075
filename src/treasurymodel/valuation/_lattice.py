"""The Tsiveriotis–Fernandes binomial lattice shared by convertible notes and preferred stock.

Private machinery; the public functions live in :mod:`treasurymodel.valuation.convertible` and
:mod:`treasurymodel.valuation.preferred`. :doc:`/theory/valuation` states the model.

Layout and tricks (none changes a result beyond rounding):

* A batch of ``nb`` independent trees is rolled back together. Node values are stored in an
  array ``Z`` of shape ``(nodes, 2, nb)``: ``Z[:, 0]`` is the equity component E and
  ``Z[:, 1]`` the cash component B, stored *rescaled* as ``B~ = B / g_i`` with
  ``g_i = exp(-s (T - t_i))``. The rescaled cash component then rolls back at the risk-free
  rate like E, so one multiply-add updates both components.
* A batch row may start with ``width`` nodes instead of one: its step-0 nodes are spaced
  ``2 dx`` apart in log price, which is a tree started ``width - 1`` steps before the
  valuation date (the *shared* path reads many share prices off one such tree).
* Node ``j`` at step ``i`` has share price ``s_base * u**(2 j - i)``; the conversion values
  of every level are computed once and sliced per step.
* The arrays are not shrunk node by node: the active width is rounded up to a block of
  nodes, so array views are rebuilt only every few steps. The extra nodes carry values
  that no valid node reads.
* With ``smooth=True`` the last step is not a binomial step: the values one step before
  maturity are the Black–Scholes values of the two maturity claims over that step (shares
  above the redemption, cash below), the "binomial Black–Scholes" of Broadie and Detemple.
  A soft-call trigger is then interpolated between node levels: each row is rolled back
  twice, with the trigger on the level just below and just above it, and the two values
  are weighted by the trigger's position between the levels (Derman, Kani, Ergener and
  Bardhan, 1995), which removes the oscillation of a trigger fixed between nodes.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from typing import Any, Literal, overload

import attrs
import numpy as np

from .._typing import BoolArray, FloatArray
from ..errors import ValidationError

__all__ = [
    "CALL_CASH",
    "CallCash",
    "Lattice",
    "TreeParameters",
    "accrual_by_step",
    "build_lattice",
    "check_range",
    "normal_cdf",
    "roll_back",
    "step_index",
    "tree_parameters",
]

CallCash = Literal["risk_free", "credit_risky"]
"""Where a call price that binds goes: the equity component (classic TF) or the cash one."""

CALL_CASH: tuple[CallCash, ...] = ("risk_free", "credit_risky")

_BLOCK = 32
_MAX_EXPONENT = 700.0
_MAX_LOG_PRICE = 690.0  # the top node's log share price must stay below this
_ROW_BUDGET = 3_000_000  # float64 elements per chunk of rows (about 24 MB)
_ERFC = np.frompyfunc(math.erfc, 1, 1)
_CDF_ONE = 8.5  # 0.5 erfc(-x / sqrt 2) == 1.0 exactly from here up
_CDF_ZERO = -39.0  # and == 0.0 from here down


@overload
def normal_cdf(x: float) -> float: ...
@overload
def normal_cdf(x: FloatArray) -> FloatArray: ...
def normal_cdf(x: float | FloatArray) -> float | FloatArray:
    """Standard normal distribution function, ``0.5 erfc(-x / sqrt 2)``, elementwise.

    Uses the C library's ``erfc`` (through :func:`math.erfc`), accurate to a few units in
    the last place in both tails; infinities map to 0 and 1.

    Examples
    --------
    >>> normal_cdf(0.0)
    0.5
    >>> round(normal_cdf(1.959963984540054), 12)
    0.975
    >>> normal_cdf(np.array([-np.inf, np.inf])).tolist()
    [0.0, 1.0]
    """
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 0:
        return 0.5 * math.erfc(-float(arr) / math.sqrt(2.0))
    # Beyond these bounds the value is exactly 1.0 or 0.0 in double precision: only the
    # elements between them go through erfc, one by one (a tree's last step has few).
    value = np.where(arr >= _CDF_ONE, 1.0, 0.0)
    middle = ~((arr >= _CDF_ONE) | (arr <= _CDF_ZERO))  # NaN stays NaN
    value[middle] = 0.5 * np.asarray(_ERFC(-arr[middle] / math.sqrt(2.0)), dtype=np.float64)
    return value


@attrs.frozen(kw_only=True)
class Lattice:
    """Contract events on a tree's time grid, per 100 of face; no market data.

    ``cash[i]`` is paid at step ``i`` (coupons, dividends) to the holder of record, whatever
    else happens on the step: it is added to the cash component after the step's put, call
    and conversion decisions, which are taken on the value without it. ``put[i]`` /
    ``call[i]`` are the amounts of a holder put / issuer call exercisable at step ``i``
    (``None`` where there is none): the price plus the interest accrued at the step (zero on
    a step that pays cash). ``redemption`` is paid at the last step, on top of
    ``cash[steps]``. Plain tuples: the roll-back loop reads one entry a step.
    """

    steps: int
    horizon: float
    cash: tuple[float, ...]
    redemption: float
    put: tuple[float | None, ...]
    call: tuple[float | None, ...]
    call_trigger: float | None
    ratio: float

    @property
    def dt(self) -> float:
        """Length of one step in years."""
        return self.horizon / self.steps


def step_index(t: float, dt: float, steps: int) -> int:
    """The step nearest time ``t`` (years) on a grid of ``dt``, clipped to ``[0, steps]``."""
    return min(max(round(t / dt), 0), steps)


def build_lattice(
    *,
    horizon: float,
    cash: FloatArray,
    accrued: FloatArray,
    redemption: float,
    put_steps: Iterable[int] = (),
    put_price: float = 100.0,
    call_step: int | None = None,
    call_price: float = 100.0,
    call_trigger: float | None = None,
    ratio: float,
) -> Lattice:
    """A :class:`Lattice` from per-step cash and accrual (arrays of ``steps + 1``).

    A put (on each of ``put_steps``) or a call (on every step from ``call_step`` to the step
    before maturity) pays its price per 100 plus the interest accrued at the step; the cash
    of a coupon step (where nothing has accrued) is paid on top of it, as on any other node
    of that step (see :func:`roll_back`).
    """
    steps = cash.shape[0] - 1
    on_top = [float(a) for a in accrued]
    put: list[float | None] = [None] * (steps + 1)
    for k in put_steps:
        put[k] = put_price + on_top[k]
    call: list[float | None] = [None] * (steps + 1)
    if call_step is not None:
        call[call_step:steps] = [call_price + a for a in on_top[call_step:steps]]
    return Lattice(
        steps=steps,
        horizon=horizon,
        cash=tuple(float(c) for c in cash),
        redemption=redemption,
        put=tuple(put),
        call=tuple(call),
        call_trigger=call_trigger,
        ratio=ratio,
    )


def accrual_by_step(steps: int, periods: list[tuple[float, float, float]]) -> FloatArray:
    """Accrued amount at each step, linear in steps within each period.

    ``periods`` holds ``(start, end, amount)`` in (fractional) steps; each bound is rounded
    to the nearest step, so that the accrual is zero on the step where the amount is paid.
    """
    index = np.arange(steps + 1, dtype=np.float64)
    accrued = np.zeros(steps + 1)
    for start, end, amount in periods:
        a, b = float(round(start)), float(round(end))
        if b > a and amount > 0.0:
            inside = (index >= a) & (index < b)
            accrued[inside] = amount * (index[inside] - a) / (b - a)
    return accrued


@attrs.frozen(kw_only=True)
class TreeParameters:
    """Per-row market inputs and CRR parameters (log step, up probability, discount)."""

    sigma: FloatArray
    rate: FloatArray
    dividend_yield: FloatArray
    dx: FloatArray
    p: FloatArray
    disc: FloatArray
    step_rate: FloatArray | None = None  # per step, shared by the rows (a rate curve)
    dt: float = 0.0  # the step length, with step_rate

    def rows(self, index: Any) -> TreeParameters:
        """The parameters of some rows."""
        return TreeParameters(
            sigma=self.sigma[index],
            rate=self.rate[index],
            dividend_yield=self.dividend_yield[index],
            dx=self.dx[index],
            p=self.p[index],
            disc=self.disc[index],
            step_rate=self.step_rate,
            dt=self.dt,
        )

    def step(self, i: int) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Rate, up probability and one-step discount of step ``i`` (from ``t_i``), per row."""
        if self.step_rate is None:
            return self.rate, self.p, self.disc
        dt = self.dt
        r = np.full(self.sigma.shape, self.step_rate[i])
        up, down = np.exp(self.dx), np.exp(-self.dx)
        p = (np.exp((r - self.dividend_yield) * dt) - down) / (up - down)
        return r, p, np.exp(-r * dt)


def tree_parameters(
    lattice: Lattice,
    *,
    sigma: FloatArray,
    rate: FloatArray,
    dividend_yield: FloatArray,
    step_rate: FloatArray | None = None,
) -> TreeParameters:
    """CRR parameters of each row; a ValidationError if a probability leaves (0, 1).

    ``u = exp(sigma sqrt(dt))``, ``d = 1 / u``, ``p = (exp((r - q) dt) - d) / (u - d)``.
    With ``step_rate`` (the rate of each step, from a curve) ``rate`` is not used: ``p`` and
    the discount change from step to step, and every step's ``p`` is checked.
    """
    dt = lattice.dt
    dx = sigma * math.sqrt(dt)
    up = np.exp(dx)
    down = np.exp(-dx)
    if step_rate is not None:
        rate = np.full(sigma.shape, float(step_rate[0]))
        lowest = float(step_rate.min())
        highest = float(step_rate.max())
        p_low = (np.exp((lowest - dividend_yield) * dt) - down) / (up - down)
        p_high = (np.exp((highest - dividend_yield) * dt) - down) / (up - down)
        worst = np.where(p_low <= 0.0, lowest, highest)
        bad = ~((p_low > 0.0) & (p_high < 1.0))
        if bad.any():
            rate = np.where(bad, worst, rate)
    growth = np.exp((rate - dividend_yield) * dt)
    p = (growth - down) / (up - down)
    bad = ~((p > 0.0) & (p < 1.0))
    if bad.any():
        k = int(np.argmax(bad))
        raise ValidationError(
            "volatility",
            float(sigma[k]),
            f"is too low for a {lattice.steps}-step tree at rate {float(rate[k])!r} and "
            f"dividend_yield {float(dividend_yield[k])!r}: the up probability "
            f"{float(p[k])!r} is outside (0, 1); use more steps",
        )
    return TreeParameters(
        sigma=sigma,
        rate=rate,
        dividend_yield=dividend_yield,
        dx=dx,
        p=p,
        disc=np.exp(-rate * dt),
        step_rate=step_rate,
        dt=dt,
    )


def check_range(lattice: Lattice, s_base: FloatArray, dx: FloatArray, width: int = 1) -> None:
    """Refuse trees whose top node would overflow a float, naming the larger cause."""
    log_price = np.log(np.maximum(s_base, 1e-300))
    reach = dx * (lattice.steps + 2 * width)  # log of the top node over the base price
    over = log_price + reach > _MAX_LOG_PRICE
    if over.any():
        k = int(np.argmax(over))
        if log_price[k] > reach[k]:
            raise ValidationError(
                "share_price",
                float(s_base[k]),
                "is too high: the tree's top share price overflows a float",
            )
        raise ValidationError(
            "volatility",
            float(dx[k] / math.sqrt(lattice.dt)),
            f"is too high for a {lattice.steps}-step tree: its top share price overflows a float",
        )


@functools.lru_cache(maxsize=32)
def _widths(steps: int, width: int) -> tuple[int, ...]:
    """Active node count (rounded up to a block) used when rolling back to step ``i``."""
    full = width + steps
    return tuple(min(-(-(width + i) // _BLOCK) * _BLOCK, full - 1) for i in range(steps))


def _uniform(*arrays: FloatArray) -> bool:
    return all(bool(np.all(a == a[0])) for a in arrays)


def roll_back(
    lattice: Lattice,
    *,
    s_base: FloatArray,
    params: TreeParameters,
    spread: FloatArray,
    width: int = 1,
    smooth: bool = True,
    call_cash: CallCash = "risk_free",
    final_cash: FloatArray | None = None,
    final_bonus: float | None = None,
    step_spread: FloatArray | None = None,
) -> FloatArray:
    """Values at the valuation date: an array ``(width, nb)`` for ``nb`` batch rows.

    Row ``b`` is a tree whose step-0 nodes are ``s_base[b] * u**(2 j)``, ``j < width``.
    ``final_cash`` (per row) replaces the cash paid at the last step when the shares are
    not taken (by default ``redemption``, or the put there if larger); ``final_bonus`` is
    cash paid at the last step whether or not the shares are taken (by default
    ``cash[steps]``, the last coupon). ``call_cash`` says where a call price that binds goes:
    ``"risk_free"`` into the equity component (classic TF), ``"credit_risky"`` into the
    cash component. ``step_spread`` (the spread of each step, from a curve, shared by the
    rows) is added to each row's ``spread``.

    On each step, in this order: the continuation value (both components rolled back); the
    issuer's call; the holder's put (a called holder may still put); conversion, voluntary
    or forced by the call; and then the step's ``cash`` (coupon) is added to the cash
    component. The
    decisions compare values without that cash, which the holder of record receives
    whatever is decided (a put or call pays its price plus accrued interest, zero there).
    """
    nb = s_base.shape[0]
    full = width + lattice.steps
    levels = lattice.steps + 2 * full + 2 * _BLOCK
    rows = max(1, _ROW_BUDGET // (4 * levels))
    if final_cash is None:
        final = lattice.redemption
        last_put = lattice.put[-1]
        if last_put is not None:
            final = max(final, last_put)
        final_cash = np.full(nb, final)
    bonus = lattice.cash[-1] if final_bonus is None else final_bonus
    triggers: FloatArray | None = None
    weight: FloatArray | None = None
    if smooth and lattice.call_trigger is not None and any(c is not None for c in lattice.call):
        # The trigger between two node levels: one tree with it on the level below, one on
        # the level above, weighted by its position between them (Derman, Kani, Ergener and
        # Bardhan's interpolation for barriers on trees).
        positive = s_base > 0.0
        with np.errstate(divide="ignore"):
            gap = math.log(lattice.call_trigger) - np.log(np.where(positive, s_base, 1.0))
        level = gap / params.dx
        # Only where the trigger lies among the tree's levels (else both trees are the same).
        near = positive & (np.abs(level) <= lattice.steps + 2 * width + 2)
        level = np.where(near, level, 0.0)
        above = np.ceil(level)
        weight = np.where(near, level - (above - 1.0), 1.0)
        low = s_base * np.exp((above - 1.5) * params.dx)
        high = s_base * np.exp((above - 0.5) * params.dx)
        fixed = np.full(nb, lattice.call_trigger)
        triggers = np.concatenate([np.where(near, low, fixed), np.where(near, high, fixed)])
        both = np.concatenate([np.arange(nb), np.arange(nb)])
        s_base, params, spread, final_cash = (
            s_base[both],
            params.rows(both),
            spread[both],
            final_cash[both],
        )
    total = s_base.shape[0]
    if weight is not None and nb == 1:
        rows = 1  # two single trees: the one-row path's 1-d views beat a two-row batch
    out = np.empty((width, total))
    for start in range(0, total, rows):
        part = slice(start, min(start + rows, total))
        out[:, part] = _roll_back_rows(
            lattice,
            s_base=s_base[part],
            params=params.rows(part),
            spread=spread[part],
            width=width,
            smooth=smooth,
            classic=call_cash == "risk_free",
            final=final_cash[part],
            bonus=bonus,
            step_spread=step_spread,
            triggers=None if triggers is None else triggers[part],
        )
    if weight is not None:
        out = out[:, :nb] + weight[None, :] * (out[:, nb:] - out[:, :nb])
    return out


def _roll_back_rows(
    lattice: Lattice,
    *,
    s_base: FloatArray,
    params: TreeParameters,
    spread: FloatArray,
    width: int,
    smooth: bool,
    classic: bool,
    final: FloatArray,
    bonus: float,
    step_spread: FloatArray | None,
    triggers: FloatArray | None = None,
) -> FloatArray:
    n = lattice.steps
    nb = s_base.shape[0]
    full = width + n
    dx, p, disc = params.dx, params.p, params.disc
    widths = _widths(n, width)
    top = max([2 * full - 1] + [n - i + 2 * (r - 1) for i, r in enumerate(widths)])
    exponent = np.arange(top + 1, dtype=np.float64) - n  # level l is u**(l - n)
    with np.errstate(divide="ignore"):
        log_base = np.log(s_base)
    power = np.minimum(exponent[:, None] * dx[None, :], _MAX_EXPONENT - np.abs(log_base))
    prices = s_base[None, :] * np.exp(power)  # (levels, nb)
    conversion = lattice.ratio * prices
    trigger: BoolArray | None = None
    if lattice.call_trigger is not None and any(c is not None for c in lattice.call):
        trigger = prices >= (lattice.call_trigger if triggers is None else triggers[None, :])
    if step_spread is None:
        times = np.arange(n + 1, dtype=np.float64) * lattice.dt
        gam_table = np.exp(-np.outer(lattice.horizon - times, spread))  # (n + 1, nb): B = g B~
    else:  # g_i = exp(-dt (s_i + ... + s_{n-1})), times the row's own flat spread on top
        tail = np.concatenate([np.cumsum(step_spread[::-1])[::-1], [0.0]]) * lattice.dt
        times = np.arange(n + 1, dtype=np.float64) * lattice.dt
        own = np.exp(-np.outer(lattice.horizon - times, spread))
        gam_table = np.exp(-tail)[:, None] * own

    curved = params.step_rate is not None
    uniform = _uniform(dx, p, disc, spread) and (not curved or _uniform(params.dividend_yield))
    pu: Any
    pd: Any
    if uniform:
        # 0-d arrays: numpy multiplies by them faster than by Python floats.
        pu, pd = np.array(disc[0] * p[0]), np.array(disc[0] * (1.0 - p[0]))
        gam: list[Any] = [float(g) for g in gam_table[:, 0]]
    else:
        pu, pd = disc * p, disc * (1.0 - p)
        gam = list(gam_table)
    step_pu: list[Any] = []
    step_pd: list[Any] = []
    if curved:  # the rate changes with the step: so do p and the discount
        for i in range(n):
            _, p_i, disc_i = params.step(i)
            if uniform:
                step_pu.append(np.array(disc_i[0] * p_i[0]))
                step_pd.append(np.array(disc_i[0] * (1.0 - p_i[0])))
            else:
                step_pu.append(disc_i * p_i)
                step_pd.append(disc_i * (1.0 - p_i))
    cash, puts, calls = lattice.cash, lattice.put, lattice.call

    z = np.empty((full, 2, nb))
    if smooth:
        # One step before maturity: Black–Scholes values of the shares (if above the cash)
        # and of the cash (if above the shares) over the last step.
        dt = lattice.dt
        root = params.sigma * math.sqrt(dt)
        last_rate, _, last_disc = params.step(n - 1)
        shares = conversion[1 : 2 * full : 2]  # step n - 1 nodes, one spare
        with np.errstate(divide="ignore"):
            d1 = (np.log(shares / final) + (last_rate - params.dividend_yield) * dt) / root
        d1 = d1 + 0.5 * root
        z[:, 0] = shares * np.exp(-params.dividend_yield * dt) * normal_cdf(d1)
        z[:, 1] = (final * normal_cdf(root - d1) + bonus) * last_disc
        first = n - 1
    else:
        shares = conversion[0 : 2 * full - 1 : 2]
        convert = shares > final
        z[:, 0] = np.where(convert, shares, 0.0)
        z[:, 1] = (np.where(convert, 0.0, final) + bonus) / gam_table[n]
        first = n
    scratch = np.empty_like(z)
    hold = np.empty((full, nb))
    cap = np.empty_like(hold)
    mask = np.empty(hold.shape, dtype=np.bool_)
    result = z
    if uniform and nb == 1:  # one tree: 2-d and 1-d views are faster
        z, scratch, hold, cap, mask = z[..., 0], scratch[..., 0], hold[:, 0], cap[:, 0], mask[:, 0]
        conversion = conversion[:, 0]
        if trigger is not None:
            trigger = trigger[:, 0]
    mul, add, greater, copyto = np.multiply, np.add, np.greater, np.copyto
    current = -1
    for i in range(n - 1, -1, -1):
        r = widths[i]
        if r != current:
            current = r
            z_up, z_dn, tmp = z[1 : r + 1], z[:r], scratch[:r]
            e, b = z[:r, 0], z[:r, 1]
            h, c, m = hold[:r], cap[:r], mask[:r]
        if i < first:  # continuation: the discounted expectation of both components
            if curved:
                pu, pd = step_pu[i], step_pd[i]
            mul(z_up, pu, out=tmp)
            mul(z_dn, pd, out=z_dn)
            add(z_dn, tmp, out=z_dn)
        g = gam[i]
        mul(b, g, out=h)
        add(h, e, out=h)  # the value of holding, without the cash of the step
        lo = n - i
        cv = conversion[lo : lo + 2 * r - 1 : 2]
        call = calls[i]
        if call is not None:  # the issuer calls when holding is worth more than the call
            np.maximum(cv, call, out=c)
            greater(h, c, out=m)
            if trigger is not None:
                np.logical_and(m, trigger[lo : lo + 2 * r - 1 : 2], out=m)
            if classic:  # the call price is certain: the cash-only component is zero
                copyto(e, call, where=m)
                copyto(b, 0.0, where=m)
            else:
                copyto(e, 0.0, where=m)
                copyto(b, call / g, where=m)
            copyto(h, call, where=m)
        put = puts[i]
        if put is not None:  # the holder puts when the put pays more than holding (or the call)
            greater(put, h, out=m)
            copyto(e, 0.0, where=m)
            copyto(b, put / g, where=m)
            np.maximum(h, put, out=h)
        # Conversion, including the conversion forced by a call below the conversion value.
        greater(cv, h, out=m)
        copyto(e, cv, where=m)
        copyto(b, 0.0, where=m)
        if cash[i]:  # paid to the holder of record whatever was decided on the step
            add(b, cash[i] / g, out=b)
    g0 = gam_table[0]
    return np.asarray(result[:width, 0] + g0[None, :] * result[:width, 1], dtype=np.float64)
