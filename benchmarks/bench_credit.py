"""Closed-form BTC Risk of every security over a (volatility, return) grid (issue 14).

Prints the time of one ``btc_risks(company, asset_volatility=vol[:, None],
expected_return=mu[None, :], ...)`` call over a 1,000 x 1,000 grid for every debt and
preferred security of the bundled ``mstr-2026-02`` data set (twelve securities, so twelve
million probabilities), the time of a Python loop of scalar ``btc_risk`` calls over a sample of
the same grid points (extrapolated to the whole grid), and their ratio (goal: at least 100x).
Both events are measured: the probability at the horizon (one normal distribution function a
point) and the probability of touching the barrier before it (two, and a log-space term).

Then the simulated credit view: ``treasurymodel.credit.simulated_credit`` (impairment by
horizon and expected loss of all twelve securities, from one run of the scenario engine that
also records the credit events) against one plain ``simulate`` of the same paths (same
model, years, paths and seed; goal: at most 1.3x). The calendar cache is warmed first.

Times are medians of repeats, interleaved so that load from other processes affects both
sides alike. Run: ``python benchmarks/bench_credit.py [--quick]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import numpy as np
from _common import load_average, timed

import treasurymodel as tm

SIDE = 1_000
N_LOOP = 300
GOAL = 100.0
SIM_GOAL = 1.3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, shorter loop")
    parser.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args()
    repeats = args.repeats or (2 if args.quick else 5)
    n_loop = 60 if args.quick else N_LOOP

    company = tm.datasets.load("mstr-2026-02")
    names = [i.name for i in company.seniority_order()]
    vol = np.linspace(0.2, 1.5, SIDE)
    mu = np.linspace(-0.5, 0.8, SIDE)
    rng = np.random.default_rng(20260201)
    sample = [(int(i), int(j)) for i, j in rng.integers(0, SIDE, size=(n_loop, 2))]
    points = SIDE * SIDE
    print(
        f"BTC Risk, mstr-2026-02, {len(names)} securities x {SIDE:,} x {SIDE:,} "
        f"(volatility, return) grid, {repeats} repeats; load average {load_average()}"
    )

    for event in tm.credit.EVENTS:
        kw: dict[str, Any] = {"horizon": 2.0, "asset_price": 68_141.0, "event": event}
        grid = tm.credit.btc_risks(
            company, asset_volatility=vol[:, None], expected_return=mu[None, :], **kw
        )
        for i, j in sample[:20]:  # the two paths agree
            for name in names:
                one = tm.credit.btc_risk(
                    company, name, asset_volatility=float(vol[i]),
                    expected_return=float(mu[j]), **kw,
                )  # fmt: skip
                assert grid[name][i, j] == one, (event, name, i, j)

        def run_vector(kw: dict[str, Any] = kw) -> float:
            start = time.perf_counter()
            tm.credit.btc_risks(
                company, asset_volatility=vol[:, None], expected_return=mu[None, :], **kw
            )
            return time.perf_counter() - start

        def run_loop(kw: dict[str, Any] = kw) -> float:
            start = time.perf_counter()
            for i, j in sample:
                v, m = float(vol[i]), float(mu[j])
                for name in names:
                    tm.credit.btc_risk(company, name, asset_volatility=v, expected_return=m, **kw)
            return (time.perf_counter() - start) * (points / n_loop)

        vector_times: list[float] = []
        loop_times: list[float] = []
        for _ in range(repeats):
            vector_times.append(run_vector())
            loop_times.append(run_loop())
        t_vec = statistics.median(vector_times)
        t_loop = statistics.median(loop_times)
        per_call = t_loop / (points * len(names))
        ratio = t_loop / t_vec
        verdict = "meets" if ratio >= GOAL else "MISSES"
        print(f"  event={event!r}")
        print(f"    one call, every security     : {t_vec:9.2f} s")
        print(
            f"    loop of scalar calls         : {t_loop:9.0f} s  (extrapolated from "
            f"{n_loop * len(names):,} calls, {per_call * 1e6:.1f} us a call)"
        )
        print(
            f"    ratio loop / one call        : {ratio:9.0f}x  ({verdict} the {GOAL:.0f}x goal)"
        )

    simulated(company, repeats=repeats, quick=args.quick)


def simulated(company: tm.Company, *, repeats: int, quick: bool) -> None:
    """The simulated credit view of every security against one plain simulate run."""
    paths = 4_000 if quick else 20_000
    kw: dict[str, Any] = {
        "model": tm.GBM(asset_price=68_141.0, drift=0.0, volatility=0.6),
        "years": 5,
        "paths": paths,
        "seed": 7,
    }
    print(
        f"Simulated credit view, mstr-2026-02, {paths:,} GBM paths over 5 years (weekly), "
        f"{repeats} repeats; load average {load_average()}"
    )
    tm.credit.simulated_credit(company, **kw)  # warm the calendar cache
    tm.simulate(company, **kw)
    plain: list[float] = []
    credit: list[float] = []
    for _ in range(repeats):
        plain.append(timed(lambda: tm.simulate(company, **kw)))
        credit.append(timed(lambda: tm.credit.simulated_credit(company, **kw)))
    t_plain = statistics.median(plain)
    t_credit = statistics.median(credit)
    ratio = t_credit / t_plain
    verdict = "meets" if ratio <= SIM_GOAL else "MISSES"
    print(f"  one plain simulate             : {t_plain:9.2f} s")
    print(f"  simulated_credit, 12 securities: {t_credit:9.2f} s")
    print(f"  ratio                          : {ratio:9.2f}x  ({verdict} the {SIM_GOAL}x goal)")


if __name__ == "__main__":
    main()
