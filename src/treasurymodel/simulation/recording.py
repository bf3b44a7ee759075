"""What the engine can record on every step: the values of the recordable quantities.

:func:`record_values` gives, at the end of a step, one value per path of each recordable
quantity (:data:`RECORDABLE`). The engine adds them to per-step histograms (``record``) and,
for traced paths (``record_paths``), keeps them whole. A defaulted path keeps its frozen
balance sheet (the one of its default); its price, and so its NAV and share price, still
move with the market.

Amounts raised and paid are cumulative since the start: the value at step ``t`` is the total
to the end of step ``t`` (so the last step's value is the per-path result of the same name).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np

from .._typing import FloatArray
from .calendar import ordered_sum
from .premium import ConstantPremium, PremiumState
from .state import PathState, Run, StepWork

__all__ = ["RECORDABLE", "STATE_RECORDABLE", "record_values"]

STATE_RECORDABLE: Final[tuple[str, ...]] = (
    "units",
    "cash",
    "shares",
    "nav_per_share",
    "units_per_share",
    "price",
)
"""The quantities of the first release (the balance sheet and the price)."""

_CUMULATIVE: Final[dict[str, str]] = {
    # recorded name -> PathState attribute (a running total since the start)
    "equity_raised": "equity_raised",
    "notes_issued": "notes_issued",
    "loans_issued": "loans_issued",
    "other_raised": "other_raised",
    "units_sold": "sold",
    "units_bought": "bought",
    "units_seized": "seized",
    "sale_proceeds": "sale_proceeds",
    "interest_paid": "interest_paid",
    "principal_paid": "principal_paid",
    "dividends_paid": "dividends_paid",
    "dividends_paid_in_shares": "dividends_in_shares",
    "shares_issued": "shares_issued",
    "shares_converted": "shares_converted",
}

RECORDABLE: Final[tuple[str, ...]] = (
    *STATE_RECORDABLE,
    "share_price",
    "mnav",
    "mnav_simple",
    "debt",
    "preferred",
    "unpaid_dividends",
    "price_impact",
    "preferred_raised",
    *_CUMULATIVE,
)
"""Quantities that ``record`` (histograms) and ``record_paths`` (traces) follow step by step.

``share_price`` is the premium model's price of the stock on the step's balance sheet;
``mnav`` is enterprise value over the reserve's value and ``mnav_simple`` market value of the
basic shares over it (as in :func:`~treasurymodel.metrics`); ``debt``, ``preferred`` and
``unpaid_dividends`` are what is outstanding; ``price_impact`` is the fraction by which the
company's own trades have moved the price it faces (negative after sales). The others are
running totals since the start: ``preferred_raised`` counts every preferred share sold (at
the market and new series), ``units_sold`` the coins sold, ``sale_proceeds`` their cash.

Examples
--------
>>> from treasurymodel.simulation import RECORDABLE
>>> "nav_per_share" in RECORDABLE
True
"""


def _vec(value: Any, n: int) -> FloatArray:
    """``value`` (a float, or an array of shape (n,)) as a float64 array of shape (n,), not
    copied when it already is one (the values are read, never written)."""
    if isinstance(value, (float, int)):
        out = np.empty(n)  # np.full's numbers, without its wrappers (a traced run asks often)
        out.fill(float(value))
        return out
    return np.asarray(value, dtype=np.float64)


def _balance(st: PathState, n: int) -> dict[str, FloatArray]:
    """The working balance sheet as :func:`.state._final_fields` gives it (the same
    operations, so the same numbers), without copying arrays."""
    conv: Any = 0.0
    first = st.issued.first
    for k in range(first):
        if st.debts[k].kind == "convertible":
            conv = conv + st.out[k] * st.debts[k].shares_per_principal
    conv = conv + st.issued.conv
    return {
        "final_units": _vec(st.units, n),
        "final_cash": _vec(st.cash, n),
        "final_shares": _vec(st.shares, n),
        "final_debt": _vec(ordered_sum(st.out[:first]) + st.issued.debt, n),
        "final_preferred": _vec(ordered_sum(st.notional), n),
        "unpaid_dividends": _vec(ordered_sum(st.arrears), n),
        "conversion_left": _vec(conv, n),
    }


def _premium_mnav(c: Run, st: PathState, price: Any, f: dict[str, FloatArray], t: int) -> Any:
    """The premium model's mNAV on the end-of-step balance sheet ``f``."""
    if isinstance(c.premium, ConstantPremium):
        return c.premium.mnav_level
    peak = st.peak
    if peak is not None and t > st.peak_done:
        # bring the running peak up to this step (the factor has not moved since the last
        # update: only event steps trade), exactly as the next event step would
        top = c.prices[:, st.peak_done + 1].copy()
        for col in range(st.peak_done + 2, t + 1):
            np.maximum(top, c.prices[:, col], out=top)
        np.maximum(peak, top * st.factor, out=peak)
        st.peak_done = t
    return c.premium.mnav(
        PremiumState(
            step=t,
            date=c.plan.dates[t],
            years=float(c.plan.years[t]),
            asset_price=price,
            peak=peak,
            units=f["final_units"],
            cash=f["final_cash"],
            debt=f["final_debt"],
            preferred=f["final_preferred"],
            shares=f["final_shares"],
        )
    )


def record_values(
    c: Run, st: PathState, w: StepWork, names: Sequence[str]
) -> dict[str, FloatArray]:
    """Values of ``names`` at the end of step ``w.t``, one per path (arrays of shape (n,))."""
    n = c.n
    price = np.broadcast_to(np.asarray(w.price, dtype=np.float64), (n,))
    out: dict[str, FloatArray] = {}
    fields: dict[str, FloatArray] | None = None

    def balance() -> dict[str, FloatArray]:
        nonlocal fields
        if fields is None:
            fields = _balance(st, n)
            if st.snap:
                fields = {k: np.where(st.live, v, st.snap[k]) for k, v in fields.items()}
        return fields

    share_price: FloatArray | None = None
    for name in names:
        if name == "units":
            values = _vec(st.units, n)
        elif name == "cash":
            values = _vec(st.cash, n)
        elif name == "shares":
            values = _vec(st.shares, n)
        elif name == "price":
            values = np.array(price)
        elif name == "nav_per_share":
            f = balance()
            values = (
                f["final_units"] * price
                + f["final_cash"]
                + c.plan.other_assets
                - f["final_debt"]
                - f["final_preferred"]
                - f["unpaid_dividends"]
            ) / f["final_shares"]
        elif name == "units_per_share":
            f = balance()
            diluted = (
                c.plan.initial_diluted
                - ordered_sum([d.conversion_shares for d in c.plan.debts])
                + f["conversion_left"]
                + (f["final_shares"] - c.plan.initial_shares)
            )
            values = f["final_units"] / diluted
        elif name in ("share_price", "mnav", "mnav_simple"):
            f = balance()
            if share_price is None:
                mnav = _premium_mnav(c, st, price, f, w.t)
                from .state import _share_price

                share_price = _vec(
                    _share_price(
                        mnav,
                        f["final_units"],
                        price,
                        f["final_debt"],
                        f["final_preferred"],
                        f["final_cash"],
                        f["final_shares"],
                    ),
                    n,
                )
            reserve = f["final_units"] * price
            cap = f["final_shares"] * share_price
            with np.errstate(divide="ignore", invalid="ignore"):
                if name == "share_price":
                    values = share_price.copy()
                elif name == "mnav":
                    ev = cap + f["final_debt"] + f["final_preferred"] - f["final_cash"]
                    values = np.where(reserve > 0.0, ev / reserve, np.inf)
                else:
                    values = np.where(reserve > 0.0, cap / reserve, np.inf)
        elif name == "debt":
            values = balance()["final_debt"].copy()
        elif name == "preferred":
            values = balance()["final_preferred"].copy()
        elif name == "unpaid_dividends":
            values = balance()["unpaid_dividends"].copy()
        elif name == "price_impact":
            values = _vec(st.factor, n) - 1.0
        elif name == "preferred_raised":
            values = _vec(st.pref_raised + st.pref_issued, n)
        else:
            values = _vec(getattr(st, _CUMULATIVE[name]), n)
        out[name] = values
    return out
