"""Companies side by side: what a dense common-shock grid costs (issue 19).

:func:`treasurymodel.compare` computes NAV per share under every shock with one vectorized
call of :func:`treasurymodel.metrics` per company. For the four bundled data sets this prints

1. the time of ``compare`` with one shock (the fixed cost: metrics, ratings, margin calls,
   two maturity walls and the coverage price per company);
2. the time with 10,000 shocks, and its ratio to (1) (goal: under 2x, the shocks nearly free);
3. the time a Python loop of scalar ``metrics`` calls would take for the same 10,000 shocks
   (measured on a sample, extrapolated), and its ratio to the extra cost of (2) over (1).

Times are medians of repeats, interleaved so that load from other processes affects every
side alike. Run: ``python benchmarks/bench_compare.py [--quick]``.
"""

from __future__ import annotations

import argparse
import statistics

import numpy as np
from _common import load_average, timed

import treasurymodel as tm

N_SHOCKS = 10_000
N_LOOP = 500
GOAL = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    repeats = 3 if args.quick else 9

    companies = [tm.datasets.load(name) for name in tm.datasets.names()]
    shocks = np.linspace(-0.9, 2.0, N_SHOCKS)
    prices = [co.market.asset_price for co in companies if co.market is not None]
    assert len(prices) == len(companies)

    def one() -> None:
        tm.compare(companies, shocks=[0.0])

    def dense() -> None:
        tm.compare(companies, shocks=shocks)

    def loop() -> None:
        for co, price in zip(companies, prices, strict=True):
            assert price is not None
            for s in shocks[:N_LOOP]:
                tm.metrics(co, asset_price=float(price * (1.0 + s)))

    one()
    dense()
    t_one: list[float] = []
    t_dense: list[float] = []
    t_loop: list[float] = []
    for _ in range(repeats):
        t_one.append(timed(one))
        t_dense.append(timed(dense))
        t_loop.append(timed(loop) * N_SHOCKS / N_LOOP)
    one_s, dense_s, loop_s = (statistics.median(t) for t in (t_one, t_dense, t_loop))
    extra = max(dense_s - one_s, 1e-9)
    print(f"compare, {len(companies)} bundled data sets (load average {load_average()})")
    print(f"  1 shock:                    {one_s * 1e3:8.2f} ms")
    print(
        f"  {N_SHOCKS:,} shocks:              {dense_s * 1e3:8.2f} ms   "
        f"ratio {dense_s / one_s:.2f}x (goal < {GOAL:g}x)"
    )
    print(
        f"  loop of scalar metrics:     {loop_s * 1e3:8.0f} ms   "
        f"{loop_s / extra:,.0f}x the vectorized shocks' extra cost"
    )


if __name__ == "__main__":
    main()
