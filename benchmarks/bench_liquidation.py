"""Break prices (issue 5): the exact regime search against a vectorized bisection, and a NAV grid.

1. ``maturity_wall`` in the price-dependent modes (springing ``"test"``, conversion
   ``"shares"``, holder puts) finds each row's breakeven exactly, over the closed-form prices at
   which the scenario switches. The alternative the issue sketched is a vectorized monotone
   search: bisection on the coverage condition, all rows at once. Both are timed here on the
   bundled ``mstr-2026-02`` and ``mstr-2022q2`` data sets, with the largest difference between
   their answers (bisection runs 60 halvings on ``[0, 10^8]``, to about 1e-10 relative).
2. ``nav_sensitivity`` over 1,000,000 BTC prices in one call against a Python loop of scalar
   calls over a sample (extrapolated).

Times are medians of repeats, interleaved so that load from other processes affects both sides
alike. Run: ``python benchmarks/bench_liquidation.py [--quick]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import treasurymodel as tm
from treasurymodel import liquidation as liq

MODE: dict[str, Any] = {"springing": "test", "conversion": "shares", "puts": True, "mnav": 1.5}
N_GRID = 1_000_000
N_LOOP = 2_000


def _bisection_wall(company: tm.Company, halvings: int = 60) -> np.ndarray:
    """Breakeven of every row by bisection on ``units × P + 0 >= cumulative due(P)``."""
    wall = tm.maturity_wall(company, **MODE)  # for the window and row ends only
    opts = liq._Options(
        start=company.as_of,
        end=wall.until,
        include_interest=False,
        include_principal=True,
        index_level=None,
    )
    structure = liq._structure(
        company,
        opts,
        springing=MODE["springing"],
        conversion=MODE["conversion"],
        puts=MODE["puts"],
        mnav=MODE["mnav"],
        mnav_basis="ev",
    )
    _, _, period_of = liq._periods([p for s in structure for p in s.plans], opts, "year")
    n_periods = len(wall.rows)
    matrices = []
    for s in structure:
        m = np.zeros((len(s.plans), n_periods))
        for k, plan in enumerate(s.plans):
            for item in plan.items:
                m[k, period_of(item.date)] += item.amount
        matrices.append(m)
    units = company.holdings[0].units
    cols = np.arange(n_periods)

    def covered(prices: np.ndarray) -> np.ndarray:
        due = np.zeros((prices.size, n_periods))
        for s, m in zip(structure, matrices, strict=True):
            due += m[s.select(prices)]
        cum = np.cumsum(due, axis=1)[cols, cols]  # row j at its own price
        return np.asarray(units * prices >= cum)

    lo = np.zeros(n_periods)
    hi = np.full(n_periods, 1e8)
    for _ in range(halvings):
        mid = 0.5 * (lo + hi)
        ok = covered(mid)
        hi = np.where(ok, mid, hi)
        lo = np.where(ok, lo, mid)
    return np.where(covered(lo), lo, hi)


def _median_pair(
    a: Callable[[], object], b: Callable[[], object], repeats: int
) -> tuple[float, float]:
    ta: list[float] = []
    tb: list[float] = []
    for _ in range(repeats):
        start = time.perf_counter()
        a()
        ta.append(time.perf_counter() - start)
        start = time.perf_counter()
        b()
        tb.append(time.perf_counter() - start)
    return statistics.median(ta), statistics.median(tb)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, shorter loop")
    args = parser.parse_args()
    repeats = 3 if args.quick else 9
    n_loop = 200 if args.quick else N_LOOP

    print("1. maturity wall, springing='test', conversion='shares', puts=True, mNAV 1.5")
    for name in ("mstr-2022q2", "mstr-2026-02"):
        company = tm.datasets.load(name)
        exact = tm.maturity_wall(company, **MODE).breakeven_prices
        approx = _bisection_wall(company)
        diff = float(np.max(np.abs(exact - approx) / np.maximum(exact, 1.0)))
        t_exact, t_bisect = _median_pair(
            lambda c=company: tm.maturity_wall(c, **MODE),  # type: ignore[misc]
            lambda c=company: _bisection_wall(c),  # type: ignore[misc]
            repeats,
        )
        print(
            f"   {name:13} exact {t_exact * 1e3:7.2f} ms   bisection {t_bisect * 1e3:7.2f} ms   "
            f"ratio {t_bisect / t_exact:5.1f}x   max relative difference {diff:.1e}"
        )

    print(f"2. nav_sensitivity over {N_GRID:,} prices vs a loop of scalar calls")
    company = tm.datasets.load("mstr-2026-02")
    prices = np.random.default_rng(5).uniform(5_000.0, 250_000.0, N_GRID)
    sample = [float(p) for p in prices[:n_loop]]

    def loop() -> None:
        for p in sample:
            tm.nav_sensitivity(company, asset_prices=p, share_price=114.45)

    t_vec, t_loop = _median_pair(
        lambda: tm.nav_sensitivity(company, asset_prices=prices, share_price=114.45),
        loop,
        repeats,
    )
    t_loop *= N_GRID / n_loop
    print(
        f"   one call {t_vec:6.3f} s   loop (extrapolated) {t_loop:8.1f} s   "
        f"ratio {t_loop / t_vec:8.0f}x"
    )


if __name__ == "__main__":
    main()
