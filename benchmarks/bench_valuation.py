"""Convertible valuation against QuantLib 1.44, side by side in one process.

Three goals, each timed as the median of interleaved repeats (so that load from other
processes affects both sides alike):

(a) 1,000 share prices for one note at 500 steps in one call (``method="shared"``) against
    QuantLib pricing the same 1,000 prices one by one (the quote is reset and the bond
    re-priced, QuantLib's cheapest way): goal at least 10x faster. The direct path (one tree
    per price, exactly the scalar results) is timed too, for information.
(b) One note at 1,000 steps against one QuantLib pricing: goal no slower than 2x.
(c) Speed at equal accuracy, on every bundled convertible (the six of ``mstr-2026-02`` and
    the two of ``mstr-2022q2``, each on its data set's date and share price): for each side,
    the fewest steps on the grid ``50 x 1.25^k`` (to 10,000) at which the value and the value
    at the next grid point are both within 1e-4 (relative) of that side's own 20,000-step
    value, and the time of one valuation at that step count; goal: ours at most half of
    QuantLib's. "not reached" means no such step count up to 10,000 (the time shown is
    then at 10,000 steps).

The note is Strategy's 0.625% 2028 convertible (semiannual coupons, a holder put in 2027),
valued on 2026-02-05 at a 55% volatility, a 4% rate and a 3% credit spread; QuantLib gets the
same note, dates and tree (CRR, settlement days 0, flat ACT/365F curves). Agreement is printed
at zero spread, where the two models coincide but for the coupon at maturity (QuantLib
withholds it from holders who convert then).

Run: ``python benchmarks/bench_valuation.py [--quick] [--spread 0.03]`` (needs the
``crosscheck`` extra); ``--quick`` takes fewer repeats and skips (c), which takes a few
minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import math
import pathlib
import statistics
import sys
from typing import Any

import attrs
import numpy as np

import treasurymodel as tm
from treasurymodel.valuation import value_convertible

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from _common import load_average, timed
from tests._quantlib import quantlib_bond  # the tests' QuantLib builder

VD = dt.date(2026, 2, 5)


def _note_2028() -> tm.ConvertibleNote:
    """Strategy's 0.625% 2028 note from the bundled data set, with its put, without its call."""
    note = tm.datasets.load("mstr-2026-02").instrument("0.625% convertible notes due 2028")
    assert isinstance(note, tm.ConvertibleNote)
    return attrs.evolve(note, call_from=None, call_trigger=None)


NOTE = _note_2028()
MARKET: dict[str, Any] = {"volatility": 0.55, "rate": 0.04, "credit_spread": 0.03}
GOAL_BATCH = 100.0
GOAL_SINGLE = 2.0
GOAL_ACCURACY = 0.5
TOLERANCE = 1e-4
REFERENCE_STEPS = 20_000
GRID = sorted({round(50 * 1.25**k) for k in range(30) if 50 * 1.25**k <= 10_000})


def quantlib_pricer(ql: Any, steps: int, spread: float) -> tuple[Any, Any]:
    """QuantLib's bond and spot quote for NOTE, with our conventions."""
    market = {**MARKET, "credit_spread": spread}
    bond, spot = quantlib_bond(
        ql, NOTE, valuation_date=VD, share_price=114.45, steps=steps, **market
    )
    return bond, spot


def _first_accurate(values: list[float], reference: float) -> int | None:
    """Index of the first grid point whose value and the next one's are within TOLERANCE."""
    ok = [abs(v / reference - 1.0) <= TOLERANCE for v in values]
    for k in range(len(ok) - 1):
        if ok[k] and ok[k + 1]:
            return k
    return None


def equal_accuracy(ql: Any, spread: float, repeats: int) -> None:
    """Goal (c): steps and time to reach 1e-4 of each side's 20,000-step value."""
    market: dict[str, Any] = {**MARKET, "credit_spread": spread}
    print(
        f"(c) equal accuracy ({TOLERANCE:.0e} of each side's {REFERENCE_STEPS:,}-step value),"
        f" volatility {market['volatility']:.0%}, rate {market['rate']:.0%},"
        f" spread {spread:.1%}"
    )
    print(f"    {'note':42s} {'ours: steps, ms':>18s} {'QuantLib: steps, ms':>22s} {'ratio':>6s}")
    ratios = []
    for name in ("mstr-2026-02", "mstr-2022q2"):
        company = tm.datasets.load(name)
        assert company.market is not None
        assert company.market.share_price is not None
        day, price = company.as_of, float(company.market.share_price)
        for note in company.convertibles:

            def ours(steps: int, note: Any = note, day: Any = day, price: float = price) -> float:
                return float(
                    value_convertible(
                        note, valuation_date=day, share_price=price, steps=steps, **market
                    )
                )

            def theirs(
                steps: int, note: Any = note, day: Any = day, price: float = price
            ) -> float:
                bond, _ = quantlib_bond(
                    ql, note, valuation_date=day, share_price=price, steps=steps, **market
                )
                return float(bond.NPV())

            found = []
            for side in (ours, theirs):
                reference = side(REFERENCE_STEPS)
                k = _first_accurate([side(n) for n in GRID], reference)
                found.append((GRID[-1] if k is None else GRID[k], k is not None))
            # Interleaved timings at the step counts found, so that load affects both alike.
            samples: list[list[float]] = [[], []]
            for _ in range(repeats):
                for j, side in enumerate((ours, theirs)):
                    steps = found[j][0]
                    samples[j].append(timed(functools.partial(side, steps)))
            times = [statistics.median(x) for x in samples]
            cells = [
                f"{steps:,}, {t * 1e3:.1f}" if reached else f"not reached, {t * 1e3:.1f}"
                for (steps, reached), t in zip(found, times, strict=True)
            ]
            ratio = times[0] / times[1]
            ratios.append(ratio)
            print(f"    {note.name[:42]:42s} {cells[0]:>18s} {cells[1]:>22s} {ratio:6.2f}")
    geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
    print(
        f"    geometric mean of ours / QuantLib: {geo:.2f} (goal <= {GOAL_ACCURACY}: "
        f"{'met' if geo <= GOAL_ACCURACY else 'NOT met'}); notes meeting it: "
        f"{sum(r <= GOAL_ACCURACY for r in ratios)} of {len(ratios)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, no part (c)")
    parser.add_argument("--spread", type=float, default=0.03, help="credit spread for (c)")
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

    # Agreement at zero spread, where the models coincide but for the coupon at maturity,
    # which QuantLib withholds from holders who convert there (a sample of the batch prices).
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
    print(
        f"    largest relative difference at zero spread (shared path, 20 prices): {agree:.1e}"
        " (mostly the last coupon, which QuantLib withholds from converters)"
    )
    print(f"load average: {load_average()}")
    if not args.quick:
        equal_accuracy(ql, args.spread, repeats=5)


if __name__ == "__main__":
    main()
