"""Convertible valuation against QuantLib 1.44, side by side in one process (issue 7).

Two goals, each timed as the median of interleaved repeats (so that load from other
processes affects both sides alike):

(a) 1,000 share prices for one note at 500 steps in one call (``method="shared"``) against
    QuantLib pricing the same 1,000 prices one by one (the quote is reset and the bond
    re-priced, QuantLib's cheapest way): goal at least 10x faster. The direct path (one tree
    per price, exactly the scalar results) is timed too, for information.
(b) One note at 1,000 steps against one QuantLib pricing: goal no slower than 2x.

The note is Strategy's 0.625% 2028 convertible (semiannual coupons, a holder put in 2027),
valued on 2026-02-05 at a 55% volatility, a 4% rate and a 3% credit spread; QuantLib gets the
same note, dates and tree (CRR, settlement days 0, flat ACT/365F curves). Agreement is printed
at zero spread, where the two models coincide.

Run: ``python benchmarks/bench_valuation.py [--quick]`` (needs the ``crosscheck`` extra).
"""

from __future__ import annotations

import argparse
import datetime as dt
import pathlib
import statistics
import sys
from typing import Any

import attrs
import numpy as np

import treasurymodel as tm
from treasurymodel import value_convertible

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from _common import timed
from tests._quantlib import quantlib_bond  # the tests' QuantLib builder

VD = dt.date(2026, 2, 5)
# Strategy's 0.625% 2028 note from the bundled data set, with its put and without its call.
NOTE = attrs.evolve(
    tm.datasets.load("mstr-2026-02").instrument("0.625% convertible notes due 2028"),
    call_from=None,
    call_trigger=None,
)
MARKET: dict[str, Any] = {"volatility": 0.55, "rate": 0.04, "credit_spread": 0.03}
GOAL_BATCH = 10.0
GOAL_SINGLE = 2.0


def quantlib_pricer(ql: Any, steps: int, spread: float) -> tuple[Any, Any]:
    """QuantLib's bond and spot quote for NOTE, with our conventions."""
    market = {**MARKET, "credit_spread": spread}
    return quantlib_bond(ql, NOTE, valuation_date=VD, share_price=114.45, steps=steps, **market)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    try:
        import QuantLib as ql  # noqa: N813 - QuantLib's usual alias
    except ImportError:
        print("QuantLib is not installed (pip install .[crosscheck]): nothing to compare")
        sys.exit(0)
    repeats_batch = 3 if args.quick else 7
    repeats_single = 11 if args.quick else 41

    prices = np.linspace(40.0, 400.0, 1000)
    price_list = [float(p) for p in prices]

    # (a) 1,000 prices at 500 steps.
    bond, spot = quantlib_pricer(ql, 500, MARKET["credit_spread"])

    def quantlib_loop() -> list[float]:
        out = []
        for p in price_list:
            spot.setValue(p)
            out.append(bond.NPV())
        return out

    def ours_shared() -> object:
        return value_convertible(
            NOTE, valuation_date=VD, share_price=prices, steps=500, method="shared", **MARKET
        )

    def ours_direct() -> object:
        return value_convertible(NOTE, valuation_date=VD, share_price=prices, steps=500, **MARKET)

    ours_shared(), quantlib_loop()  # warm-up: imports, caches
    t_ql, t_shared, t_direct = [], [], []
    for _ in range(repeats_batch):
        t_ql.append(timed(quantlib_loop))
        t_shared.append(timed(ours_shared))
        t_direct.append(timed(ours_direct))
    ql_batch = statistics.median(t_ql)
    shared = statistics.median(t_shared)
    direct = statistics.median(t_direct)

    # (b) one note at 1,000 steps.
    bond1, spot1 = quantlib_pricer(ql, 1000, MARKET["credit_spread"])
    bump = iter(range(10**9))

    def quantlib_one() -> float:
        spot1.setValue(114.45 + 1e-9 * next(bump))  # force a re-pricing
        return float(bond1.NPV())

    def ours_one() -> float:
        return float(
            value_convertible(NOTE, valuation_date=VD, share_price=114.45, steps=1000, **MARKET)
        )

    quantlib_one(), ours_one()
    t_q1, t_o1 = [], []
    for _ in range(repeats_single):
        t_q1.append(timed(quantlib_one))
        t_o1.append(timed(ours_one))
    ql_one = statistics.median(t_q1)
    one = statistics.median(t_o1)

    # Agreement at zero spread, where the models coincide (a sample of the batch prices).
    bond0, spot0 = quantlib_pricer(ql, 500, 0.0)
    sample = prices[::50]
    theirs = []
    for p in sample:
        spot0.setValue(float(p))
        theirs.append(bond0.NPV())
    zero: dict[str, Any] = {**MARKET, "credit_spread": 0.0}
    ours0 = value_convertible(
        NOTE, valuation_date=VD, share_price=prices, steps=500, method="shared", **zero
    )[::50]
    agree = float(np.max(np.abs(ours0 / np.array(theirs) - 1.0)))

    ratio_batch = ql_batch / shared
    ratio_single = one / ql_one
    print("Convertible valuation vs QuantLib 1.44 (medians of interleaved repeats)")
    print(f"(a) 1,000 share prices, 500 steps: QuantLib one by one {ql_batch * 1e3:8.1f} ms")
    print(
        f"    ours, one call, shared tree    {shared * 1e3:8.1f} ms  -> {ratio_batch:5.1f}x faster"
        f"  (goal >= {GOAL_BATCH:.0f}x: {'met' if ratio_batch >= GOAL_BATCH else 'NOT met'})"
    )
    print(
        f"    ours, one call, direct trees   {direct * 1e3:8.1f} ms  -> "
        f"{ql_batch / direct:5.1f}x faster (exact scalar results)"
    )
    print(
        f"(b) one note, 1,000 steps:         QuantLib {ql_one * 1e3:6.2f} ms,"
        f" ours {one * 1e3:6.2f} ms"
    )
    print(
        f"    ours / QuantLib = {ratio_single:4.2f}  (goal <= {GOAL_SINGLE:.0f}: "
        f"{'met' if ratio_single <= GOAL_SINGLE else 'NOT met'})"
    )
    print(f"    largest relative difference at zero spread (shared path, 20 prices): {agree:.1e}")


if __name__ == "__main__":
    main()
