"""Balance-sheet metrics over a grid of BTC prices: one vectorized call vs a loop (issue 4).

Prints the time of ``metrics(company, asset_price=prices, share_price=...)`` for 1,000,000 BTC
prices in one call, the time of a Python loop of scalar calls over a sample of the same prices
(extrapolated to 1,000,000), and their ratio (goal: well over 100x). The company is the
bundled ``mstr-2026-02`` data set (six convertibles, five preferred series), so every call
also does the if-converted dilution and the annual-obligations sum.

Times are medians of repeats, interleaved so that load from other processes affects both
sides alike. Run: ``python benchmarks/bench_metrics.py [--quick]``.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import treasurymodel as tm

N_VECTOR = 1_000_000
N_LOOP = 20_000
GOAL = 100.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, shorter loop")
    parser.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args()
    repeats = args.repeats or (3 if args.quick else 7)
    n_loop = 2_000 if args.quick else N_LOOP

    company = tm.datasets.load("mstr-2026-02")
    rng = np.random.default_rng(20260201)
    prices = rng.uniform(5_000.0, 250_000.0, N_VECTOR)
    shares = prices * 114.45 / 68_141.0  # a share price moving with BTC
    loop_prices = [float(p) for p in prices[:n_loop]]
    loop_shares = [float(s) for s in shares[:n_loop]]

    # Warm up both paths (imports, caches) and check they agree on the sample.
    vec = tm.metrics(company, asset_price=prices, share_price=shares)
    for i in range(0, n_loop, max(n_loop // 50, 1)):
        one = tm.metrics(company, asset_price=loop_prices[i], share_price=loop_shares[i])
        assert vec.nav_per_share_diluted[i] == one.nav_per_share_diluted
        assert vec.mnav is not None
        assert vec.mnav[i] == one.mnav

    def run_vector() -> float:
        start = time.perf_counter()
        tm.metrics(company, asset_price=prices, share_price=shares)
        return time.perf_counter() - start

    def run_loop() -> float:
        start = time.perf_counter()
        for p, s in zip(loop_prices, loop_shares, strict=True):
            tm.metrics(company, asset_price=p, share_price=s)
        return (time.perf_counter() - start) * (N_VECTOR / n_loop)

    vector_times: list[float] = []
    loop_times: list[float] = []
    for _ in range(repeats):
        vector_times.append(run_vector())
        loop_times.append(run_loop())

    t_vec = statistics.median(vector_times)
    t_loop = statistics.median(loop_times)
    per_call = t_loop / N_VECTOR
    print(f"metrics, mstr-2026-02, {N_VECTOR:,} BTC prices with share prices ({repeats} repeats)")
    print(f"  one vectorized call            : {t_vec * 1e3:9.1f} ms")
    print(
        f"  loop of scalar calls           : {t_loop:9.1f} s  "
        f"(extrapolated from {n_loop:,} calls, {per_call * 1e6:.1f} us a call)"
    )
    ratio = t_loop / t_vec
    verdict = "meets" if ratio >= GOAL else "MISSES"
    print(f"  ratio loop / vectorized        : {ratio:9.0f}x  ({verdict} the {GOAL:.0f}x goal)")


if __name__ == "__main__":
    main()
