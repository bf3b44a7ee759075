"""Exchange-rate paths in the simulation: what a simulated rate costs (issue 19).

Metaplanet (``mtplf-2025-11``: yen, bitcoin priced in dollars, dollar loans) simulated over
two years of weekly steps, bounded (``keep_paths=False``), three ways:

1. every rate at ``Market.fx`` (no rate path: the prices are converted at one rate);
2. an uncorrelated :class:`~treasurymodel.simulation.FxGBM` (its own normals, a running sum,
   the exponential, the prices converted and the dollar loans restated each visited step);
3. an ``FxGBM`` correlated with the asset (also the asset's shocks recovered from its prices).

It prints each time and its ratio to (1). The asset paths are the same in all three. Times
are medians of repeats, interleaved so that load from other processes affects every side
alike. Run: ``python benchmarks/bench_fx.py [--quick]``.
"""

from __future__ import annotations

import argparse
import functools
import statistics

from _common import load_average, timed

import treasurymodel as tm
from treasurymodel.simulation import FxGBM

PATHS = 50_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    repeats = 3 if args.quick else 9

    company = tm.datasets.load("mtplf-2025-11")
    model = tm.GBM(asset_price=87_500.0, volatility=0.5)
    cases = {
        "rates at Market.fx": None,
        "FxGBM, uncorrelated": FxGBM(currency="USD", volatility=0.1),
        "FxGBM, correlation 0.3": FxGBM(currency="USD", volatility=0.1, correlation=0.3),
    }

    def run(fx: FxGBM | None) -> None:
        tm.simulate(company, model=model, years=2, paths=PATHS, seed=1, keep_paths=False, fx=fx)

    for fx in cases.values():
        run(fx)
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeats):
        for name, fx in cases.items():
            times[name].append(timed(functools.partial(run, fx)))
    base = statistics.median(times["rates at Market.fx"])
    print(f"Metaplanet, {PATHS:,} paths x 104 weekly steps (load average {load_average()})")
    for name in cases:
        t = statistics.median(times[name])
        print(f"  {name:<24} {t * 1e3:8.1f} ms   ratio {t / base:.2f}x")


if __name__ == "__main__":
    main()
