"""Speed of the scenario engine (issue 8), measured side by side in one run.

Prints, for the 2026 structure (``mstr-2026-02``) and 10,000 paths x 520 weekly steps of GBM
prices (50% volatility):

1. the engine's time (:func:`treasurymodel.simulation.simulate_paths` on a ready price matrix) and
   its
   path-steps per second;
2. the ratio engine time / the time numpy's default generator takes to draw the same number
   of normal variates (the floor of any Monte Carlo; the Monte Carlo driver of issue 9 must
   stay within 3x of it *including* drawing, cumulating and exponentiating, so the engine's
   share has to be well below 1x);
3. the same with the price matrix in column-major (Fortran) order, and with a
   peak-compression premium (which reads every price once more: a strided pass over a
   row-major matrix, a fast one over a column-major matrix);
4. the funding channels: the default policy (the accretion gate, the default channels) and
   the rules of version 0.1 (``FundingPolicy.legacy()``), both to stay within 1.5x of the
   normals, and refinancing channels on (new convertible notes with coupons, a put and a
   maturity that enter each path's calendar, and a user channel), to stay within 2.5x.

Times are medians of repeats, interleaved so that load from other processes affects both sides
alike. Run: ``python benchmarks/bench_engine.py [--quick]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
from collections.abc import Callable

import numpy as np
from _common import load_average, timed

import treasurymodel as tm

PATHS = 10_000
STEPS = 520
VOLATILITY = 0.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    repeats = 3 if args.quick else 9

    company = tm.datasets.load("mstr-2026-02")
    asset_price = 68_141.0
    dates = [company.as_of + dt.timedelta(days=round(k * 365.25 / 52)) for k in range(STEPS + 1)]
    rng = np.random.default_rng(1)
    dt_year = 1.0 / 52
    log_returns = (-0.5 * VOLATILITY**2) * dt_year + VOLATILITY * np.sqrt(
        dt_year
    ) * rng.standard_normal((PATHS, STEPS))
    prices = np.empty((PATHS, STEPS + 1))
    prices[:, 0] = 0.0
    prices[:, 1:] = np.cumsum(log_returns, axis=1)
    prices = asset_price * np.exp(prices)
    fortran = np.asfortranarray(prices)
    peak_premium = tm.simulation.PeakCompressionPremium(initial=1.5, floor=0.7, sensitivity=2.0)
    notes = tm.simulation.ConvertibleIssuance(
        capacity_per_year=10e9, coupon=0.01, conversion_premium=0.35, tenor_years=5, put_years=3
    )
    refinancing = tm.simulation.FundingPolicy(channels=("common", notes, "preferred", "coins"))

    def floor() -> None:
        np.random.default_rng(0).standard_normal(PATHS * STEPS)

    cases: dict[str, Callable[[], object]] = {
        "engine, C order": lambda: tm.simulation.simulate_paths(
            company, prices=prices, dates=dates
        ),
        "engine, Fortran order": lambda: tm.simulation.simulate_paths(
            company, prices=fortran, dates=dates
        ),
        "engine, peak premium": lambda: tm.simulation.simulate_paths(
            company, prices=prices, dates=dates, premium=peak_premium
        ),
        "peak premium, Fortran": lambda: tm.simulation.simulate_paths(
            company, prices=fortran, dates=dates, premium=peak_premium
        ),
        "0.1 rules (legacy)": lambda: tm.simulation.simulate_paths(
            company, prices=prices, dates=dates, policy=tm.simulation.FundingPolicy.legacy()
        ),
        "refinancing channels": lambda: tm.simulation.simulate_paths(
            company, prices=prices, dates=dates, policy=refinancing
        ),
    }
    for case in cases.values():
        case()  # warm-up: imports, the cached event calendar
    floors: list[float] = []
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeats):
        floors.append(timed(floor))
        for name, case in cases.items():
            times[name].append(timed(case))

    base = statistics.median(floors)
    result = tm.simulation.simulate_paths(company, prices=prices, dates=dates)
    print(f"scenario engine, {company.name}, {PATHS:,} paths x {STEPS} weekly steps")
    print(f"load average: {load_average()}; repeats: {repeats} (medians)")
    print(f"numpy: {PATHS * STEPS:,} normal variates in {base * 1e3:.1f} ms")
    for name, values in times.items():
        t = statistics.median(values)
        rate = PATHS * STEPS / t
        print(
            f"{name:>24}: {t * 1e3:7.1f} ms  {rate / 1e6:7.1f} M path-steps/s  "
            f"ratio to the normals: {t / base:.2f}x"
        )
    refi = tm.simulation.simulate_paths(company, prices=prices, dates=dates, policy=refinancing)
    for label, res in (("default policy", result), ("refinancing", refi)):
        print(
            f"({label}: defaults {res.probability('default'):.1%}, forced sales "
            f"{res.probability('forced_sale'):.1%} over {STEPS / 52:.0f} years)"
        )
    print("targets: default channels within 1.5x, refinancing channels within 2.5x")


if __name__ == "__main__":
    main()
