"""Several companies on one market: bounded mode and traces, measured side by side in one run.

Strategy (``mstr-2026-02``) and Twenty One (``xxi-2026-01``, its as-of date moved to
Strategy's) on one market with an impact model, GBM paths of 520 weekly steps. Prints:

1. bounded (``keep_paths=False``) / kept paths, the same list and paths (goal: at most
   1.10x: the aggregates are a few passes over each chunk's per-path arrays);
2. the list / the two companies' separate bounded runs (the cost of the coupling: the
   market visits every step of every company; no goal, reported);
3. tracing: ``record_paths=5`` (the worst five) / without, bounded, 100,000 paths (goal:
   under 1.10x; the traced paths' blocks are drawn again and run alone, a fixed cost);
4. peak resident memory (``VmHWM``, a fresh subprocess each) of the bounded list at
   1,000,000 paths (``--quick``: 200,000) against the list of 100,000 paths kept in full,
   which the bounded run must stay below.

Times are medians of repeats, interleaved so that load from other processes affects both
sides alike. Run: ``python benchmarks/bench_market.py [--quick]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import textwrap
from typing import Any

import attrs
from _common import load_average, timed

import treasurymodel as tm

PATHS = 20_000
YEARS = 10
GOAL_BOUNDED_RATIO = 1.10
GOAL_TRACE_RATIO = 1.10

_SETUP = """
import attrs
import treasurymodel as tm
mstr = tm.datasets.load("mstr-2026-02")
xxi = attrs.evolve(tm.datasets.load("xxi-2026-01"), as_of=mstr.as_of)
kw = dict(model=tm.GBM(asset_price=68_141.0, volatility=0.5), years=10, seed=1,
          impact=tm.simulation.ImpactModel(daily_volume=15_000.0))
"""


def _companies() -> tuple[tm.Company, tm.Company]:
    mstr = tm.datasets.load("mstr-2026-02")
    return mstr, attrs.evolve(tm.datasets.load("xxi-2026-01"), as_of=mstr.as_of)


def _kw(paths: int) -> dict[str, Any]:
    return {
        "model": tm.GBM(asset_price=68_141.0, volatility=0.5),
        "years": YEARS,
        "paths": paths,
        "seed": 1,
        "impact": tm.simulation.ImpactModel(daily_volume=15_000.0),
    }


def _ratio(a: Any, b: Any, repeats: int) -> tuple[float, float, float]:
    """Median times of ``a`` and ``b`` (interleaved) and the median of their ratios."""
    ta: list[float] = []
    tb: list[float] = []
    for _ in range(repeats):
        ta.append(timed(a))
        tb.append(timed(b))
    ratios = [x / y for x, y in zip(ta, tb, strict=True)]
    return statistics.median(ta), statistics.median(tb), statistics.median(ratios)


def _peak(code: str) -> float:
    """Peak resident memory (GiB) of ``code`` run in a fresh interpreter."""
    script = (
        _SETUP
        + textwrap.dedent(code)
        + textwrap.dedent(
            """
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    print(int(line.split()[1]) * 1024)
        """
        )
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split()
    return int(out[-1]) / 2**30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and paths")
    args = parser.parse_args()
    repeats = 3 if args.quick else 5
    mstr, xxi = _companies()
    kw = _kw(PATHS)
    print(f"load average before: {load_average()}")
    tm.simulate([mstr, xxi], keep_paths=False, **kw)  # warm up

    def bounded() -> None:
        tm.simulate([mstr, xxi], keep_paths=False, **kw)

    def kept() -> None:
        tm.simulate([mstr, xxi], keep_paths=True, **kw)

    def separate() -> None:
        tm.simulate(mstr, keep_paths=False, **kw)
        tm.simulate(xxi, keep_paths=False, **kw)

    kw_trace = _kw(100_000)

    def traced() -> None:
        tm.simulate([mstr, xxi], keep_paths=False, record_paths=5, **kw_trace)

    def untraced() -> None:
        tm.simulate([mstr, xxi], keep_paths=False, **kw_trace)

    a, b, r = _ratio(bounded, kept, repeats)
    print(
        f"1. bounded / kept, 2 companies, {PATHS:,} paths x 520 steps: {a:.2f} s / {b:.2f} s"
        f" = {r:.2f}x (goal <= {GOAL_BOUNDED_RATIO:.2f}x)"
    )
    a, b, r = _ratio(bounded, separate, repeats)
    print(f"2. one market / two separate runs: {a:.2f} s / {b:.2f} s = {r:.2f}x (reported)")
    a, b, r = _ratio(traced, untraced, repeats)
    print(
        f"3. record_paths=5 / none (bounded, 100,000 paths): {a:.2f} s / {b:.2f} s = {r:.2f}x"
        f" (goal < {GOAL_TRACE_RATIO:.2f}x)"
    )
    big = 200_000 if args.quick else 1_000_000
    small = _peak("tm.simulate([mstr, xxi], paths=100_000, keep_paths=True, **kw)\n")
    large = _peak(f"tm.simulate([mstr, xxi], paths={big}, keep_paths=False, **kw)\n")
    print(
        f"4. peak memory: bounded {big:,} paths {large:.2f} GiB; kept 100,000 paths"
        f" {small:.2f} GiB ({'below' if large < small else 'NOT below'})"
    )
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
