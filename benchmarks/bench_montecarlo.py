"""Monte Carlo speed and memory, measured side by side in one run (issue 9).

Prints:

1. single process, the 2026 structure (``mstr-2026-02``), 100,000 paths x 520 weekly steps:
   total time / the time numpy's default generator takes to draw the same number of normal
   variates (the floor; goal: at most 3x);
2. throughput with a 2-worker ProcessPoolExecutor / single-process throughput (goal: at least
   1.6x; the pool is started and warmed up before timing);
3. peak resident memory of 1,000,000 paths x 520 steps, measured in a fresh subprocess with
   its high-water mark of resident memory (``VmHWM``; ``resource.getrusage`` where /proc is
   missing) (goal: at most 1.5 GiB);
4. bounded memory (``keep_paths=False``), 10,000,000 paths x 520 steps on one process (a fresh
   subprocess): paths per second, and the ratio of the run's time to drawing its normal
   variates, each chunk's variates drawn (and timed) just before the chunk runs, on the same
   chunk sizes in the same process, into one array kept from chunk to chunk as the run keeps
   its price matrix (into a new array each time, timed after the run, for comparison): the
   ratio of the totals and the median of the chunks' ratios (goal: at most 2x), and a
   path's time by part (its price
   paths with their draws, the engine, the aggregates); then the peak resident memory of
   the same run without the floor's arrays (another subprocess), which must stay below the
   peak of 100,000 paths kept in full;
5. tracing: 100,000 paths with ``record_paths=5`` (the worst five) / without (goal: under
   1.10x);
6. several assets (``--only multiasset``): 100,000 paths x 520 weekly steps of a basket of
   three correlated assets (``CorrelatedGBM`` through ``Basket``, the 2026 structure holding
   BTC, ETH and SOL) / drawing its 3 x 100,000 x 520 normal variates (goal: at most 2x); the
   basket's price paths alone against the same floor.
7. bounded mode on a Dask ``distributed.LocalCluster`` of 2 single-threaded worker processes
   / the same run in one process, 1,000,000 paths x 520 steps by default (``--dask-paths``):
   throughput ratio (goal: at least 1.6x), with the load average, and the CPU seconds of the
   workers and of this process (client and scheduler), which bound the ratio two idle cores
   would give (skipped without ``distributed``).

Times are medians of repeats, interleaved so that load from other processes affects both sides
alike. Run: ``python benchmarks/bench_montecarlo.py [--quick]``.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import importlib
import os
import statistics
import subprocess
import sys
import textwrap
import time
from typing import Any

import numpy as np
from _common import load_average, timed

import treasurymodel as tm

PATHS = 100_000
YEARS = 10
STEPS_PER_YEAR = 52
VOLATILITY = 0.5
GOAL_FLOOR_RATIO = 3.0
GOAL_SPEEDUP = 1.6
GOAL_PEAK_GIB = 1.5
GOAL_BOUNDED_RATIO = 2.0
GOAL_TRACE_RATIO = 1.10


def _company() -> tm.Company:
    return tm.datasets.load("mstr-2026-02")


def _model(company: tm.Company) -> tm.GBM:
    market = company.market
    asset_price = market.asset_price if market is not None and market.asset_price else 68_141.0
    return tm.GBM(asset_price=asset_price, drift=0.0, volatility=VOLATILITY)


def bench_floor(repeats: int, paths: int) -> None:
    company = _company()
    model = _model(company)
    steps = YEARS * STEPS_PER_YEAR

    def floor() -> None:
        np.random.default_rng(0).standard_normal(paths * steps)

    def run() -> None:
        tm.simulate(company, model=model, years=YEARS, paths=paths, seed=1)

    run()  # warm-up: imports, caches
    floors, runs = [], []
    for _ in range(repeats):
        floors.append(timed(floor))
        runs.append(timed(run))
    f, r = statistics.median(floors), statistics.median(runs)
    print(f"1. single process, {paths:,} paths x {steps} steps (mstr-2026-02, GBM 50% vol)")
    print(f"   floor (standard_normal of {paths * steps:,} variates): {f:.3f} s")
    print(f"   simulate: {r:.3f} s  ({paths / r:,.0f} paths/s)")
    print(f"   ratio simulate / floor: {r / f:.2f}x   (goal <= {GOAL_FLOOR_RATIO}x)")


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of processes, from /proc (0 where /proc is missing)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def bench_workers(repeats: int, paths: int) -> None:
    company = _company()
    model = _model(company)

    def serial() -> None:
        tm.simulate(company, model=model, years=YEARS, paths=paths, seed=1)

    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:

        def parallel() -> None:
            tm.simulate(company, model=model, years=YEARS, paths=paths, seed=1, executor=pool)

        parallel()  # start and warm the workers
        serial()
        pids = list(pool._processes)  # the workers, for their CPU time
        singles, doubles = [], []
        cpu_serial = cpu_parent = cpu_workers = 0.0
        for _ in range(repeats):
            c0 = time.process_time()
            singles.append(timed(serial))
            c1, w1 = time.process_time(), _cpu_seconds(pids)
            doubles.append(timed(parallel))
            c2, w2 = time.process_time(), _cpu_seconds(pids)
            cpu_serial += c1 - c0
            cpu_parent += c2 - c1
            cpu_workers += w2 - w1
    s, d = statistics.median(singles), statistics.median(doubles)
    print(f"2. {paths:,} paths x {YEARS * STEPS_PER_YEAR} steps, ProcessPoolExecutor(2) vs serial")
    print(
        f"   serial: {s:.3f} s ({paths / s:,.0f} paths/s); 2 workers: {d:.3f} s"
        f" ({paths / d:,.0f} paths/s)"
    )
    print(f"   throughput ratio: {s / d:.2f}x   (goal >= {GOAL_SPEEDUP}x; {os.cpu_count()} CPUs)")
    print(
        f"   best of {repeats}: {min(singles) / min(doubles):.2f}x; load average"
        f" {load_average()} (other processes on the CPUs lower this ratio)"
    )
    print(
        f"   CPU seconds per run: serial {cpu_serial / repeats:.3f}; with 2 workers"
        f" {(cpu_parent + cpu_workers) / repeats:.3f} (parent {cpu_parent / repeats:.3f},"
        f" workers {cpu_workers / repeats:.3f})"
    )


_MEMORY_SCRIPT = textwrap.dedent(
    """
    import resource, time
    import treasurymodel as tm

    def peak_kib():
        # VmHWM: this process's own high-water mark. ru_maxrss is not used on Linux: it keeps
        # the parent's resident size from before exec, which would count the benchmark's own
        # earlier runs.
        try:
            with open("/proc/self/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    company = tm.datasets.load("mstr-2026-02")
    asset_price = company.market.asset_price
    tm.simulate(company, model=tm.GBM(asset_price=asset_price, volatility={vol}), years=1,
                paths=10, seed=1)
    base = peak_kib()
    start = time.perf_counter()
    res = tm.simulate(company, model=tm.GBM(asset_price=asset_price, drift=0.0, volatility={vol}),
                      years={years}, paths={paths}, seed=1)
    elapsed = time.perf_counter() - start
    print(base, peak_kib(), elapsed, len(res.forced_sale))
    """
)


def bench_memory(paths: int) -> None:
    code = _MEMORY_SCRIPT.format(vol=VOLATILITY, years=YEARS, paths=paths)
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.split()
    base_kib, peak_kib, elapsed, n = int(out[0]), int(out[1]), float(out[2]), int(out[3])
    gib = 1024**2
    print(f"3. peak memory, {paths:,} paths x {YEARS * STEPS_PER_YEAR} steps, one process")
    print(
        f"   peak RSS {peak_kib / gib:.3f} GiB (of which {base_kib / gib:.3f} GiB before the"
        f" run: interpreter, numpy, treasurymodel); {elapsed:.1f} s for {n:,} paths"
        f"   (goal <= {GOAL_PEAK_GIB} GiB)"
    )


_BOUNDED_SCRIPT = textwrap.dedent(
    """
    import statistics, time
    import numpy as np
    import treasurymodel as tm
    from treasurymodel.simulation import montecarlo

    def peak_kib():
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])

    company = tm.datasets.load("mstr-2026-02")
    asset_price = company.market.asset_price
    model = tm.GBM(asset_price=asset_price, drift=0.0, volatility={vol})
    tm.simulate(company, model=model, years=1, paths=10, seed=1)
    base = peak_kib()
    steps = {years} * 52
    # The floor, interleaved: before each chunk of the run, the same number of normal variates
    # is drawn (and timed) in this process, so that load from other processes affects both
    # alike; the run's time is the total less the floors'. They are drawn into one array
    # kept from chunk to chunk, as the run keeps its matrix: the floor is the drawing, not
    # the allocator (a new array above 32 MiB is mapped afresh and its pages faulted in on
    # every chunk). The same draws into a new array each time are timed after the run, for
    # comparison.
    rng = np.random.default_rng(0)
    floors, runs, sizes = [], [], []
    inner = montecarlo._aggregate_chunk
    kept = {{}}

    def interleaved(chunk, edges, count):
        into = kept.get(chunk.size)
        if into is None:
            into = kept[chunk.size] = np.empty(chunk.size * steps)
        t0 = time.perf_counter()
        rng.standard_normal(out=into)
        t1 = time.perf_counter()
        out = inner(chunk, edges, count)
        floors.append(t1 - t0)
        runs.append(time.perf_counter() - t1)
        sizes.append(chunk.size)
        return out

    # where the time goes: the price paths (their draws included), the engine, the rest
    parts = {{"prices": 0.0, "engine": 0.0}}

    def timing(name, function):
        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            out = function(*args, **kwargs)
            parts[name] += time.perf_counter() - t0
            return out
        return timed

    montecarlo._price_source = timing("prices", montecarlo._price_source)
    montecarlo.simulate_drawn = timing("engine", montecarlo.simulate_drawn)
    if {timed}:  # (the run for the peak of memory draws no floor: its arrays would count)
        montecarlo._aggregate_chunk = interleaved
    start = time.perf_counter()
    res = tm.simulate(company, model=model, years={years}, paths={paths}, seed=1,
                      keep_paths={keep})
    elapsed = time.perf_counter() - start - sum(floors)
    peak = peak_kib()
    fresh = []
    for size in sizes:
        t0 = time.perf_counter()
        rng.standard_normal(size * steps)
        fresh.append(time.perf_counter() - t0)
    ratios = [r / f for r, f in zip(runs, floors)] if floors else [float("nan")]
    print(base, peak, elapsed, sum(floors), statistics.median(ratios), len(runs),
          parts["prices"], parts["engine"], sum(fresh))
    """
)


def _subprocess(code: str) -> list[str]:
    return subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.split()


def bench_bounded(paths: int, full_paths: int) -> None:
    gib = 1024**2

    def run(n: int, keep: bool, timed: bool) -> list[str]:
        return _subprocess(
            _BOUNDED_SCRIPT.format(vol=VOLATILITY, years=YEARS, paths=n, keep=keep, timed=timed)
        )

    out = run(paths, keep=False, timed=True)
    elapsed, floor = float(out[2]), float(out[3])
    median, chunks = float(out[4]), int(out[5])
    prices, engine, fresh = float(out[6]), float(out[7]), float(out[8])
    # the peaks of memory: the same bounded run without the floor's arrays, and the full run
    memory = run(paths, keep=False, timed=False)
    base, peak = int(memory[0]), int(memory[1])
    full_peak = int(run(full_paths, keep=True, timed=False)[1])
    steps = YEARS * STEPS_PER_YEAR
    print(f"4. bounded memory, {paths:,} paths x {steps} steps, one process")
    print(
        f"   peak RSS {peak / gib:.3f} GiB (before the run {base / gib:.3f} GiB);"
        f" {elapsed:.1f} s, {paths / elapsed:,.0f} paths/s"
    )
    print(
        f"   floor (the same normal variates, drawn before each of the {chunks:,} chunks into"
        f" one array kept from chunk to chunk): {floor:.1f} s; ratio of the totals"
        f" {elapsed / floor:.2f}x, median of the chunks' ratios {median:.2f}x"
        f"   (goal <= {GOAL_BOUNDED_RATIO}x)"
    )
    print(
        f"   (drawn into a new array each time instead, after the run: {fresh:.1f} s, a ratio"
        f" of {elapsed / fresh:.2f}x)"
    )
    per_path = 1e6 / paths
    print(
        f"   per path: floor {floor * per_path:.2f} us; price paths (their draws included)"
        f" {prices * per_path:.2f} us, engine {engine * per_path:.2f} us, aggregates and"
        f" the rest {(elapsed - prices - engine) * per_path:.2f} us"
    )
    print(
        f"   {full_paths:,} paths kept in full: peak RSS {full_peak / gib:.3f} GiB; bounded"
        f" {paths:,} paths {'below' if peak < full_peak else 'NOT below'} it"
    )


def bench_dask(repeats: int, paths: int) -> None:
    try:
        distributed: Any = importlib.import_module("distributed")
    except ImportError:
        print("6. Dask LocalCluster: skipped (distributed is not installed)")
        return
    company = _company()
    model = _model(company)
    kw: dict[str, Any] = {"model": model, "years": YEARS, "paths": paths, "seed": 1}
    kw["keep_paths"] = False
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        executor = client.get_executor()

        def serial() -> None:
            tm.simulate(company, **kw)

        def parallel() -> None:
            tm.simulate(company, executor=executor, **kw)

        tm.simulate(company, executor=executor, **{**kw, "paths": 20_000})
        serial()
        pids = list(client.run(os.getpid).values())  # the workers, for their CPU time
        singles, doubles = [], []
        loads = [load_average()]
        cpu_serial = cpu_parent = cpu_workers = 0.0
        for _ in range(repeats):
            c0 = time.process_time()
            singles.append(timed(serial))
            c1, w1 = time.process_time(), _cpu_seconds(pids)
            doubles.append(timed(parallel))
            c2, w2 = time.process_time(), _cpu_seconds(pids)
            cpu_serial += c1 - c0
            cpu_parent += c2 - c1  # the client and the scheduler run in this process
            cpu_workers += w2 - w1
            loads.append(load_average())
    s, d = statistics.median(singles), statistics.median(doubles)
    steps = YEARS * STEPS_PER_YEAR
    print(f"6. bounded, {paths:,} paths x {steps} steps: Dask LocalCluster(2 workers) vs serial")
    print(
        f"   serial: {s:.2f} s ({paths / s:,.0f} paths/s); cluster: {d:.2f} s"
        f" ({paths / d:,.0f} paths/s)"
    )
    print(
        f"   throughput ratio (medians of {repeats}, interleaved): {s / d:.2f}x"
        f"   (goal >= {GOAL_SPEEDUP}x; {os.cpu_count()} CPUs); best of each:"
        f" {min(singles) / min(doubles):.2f}x"
    )
    print(f"   load average before and after each pair: {' | '.join(loads)}")
    cs, cp, cw = (x / repeats for x in (cpu_serial, cpu_parent, cpu_workers))
    if cw > 0.0:
        # CPU time hardly depends on the load: the ratio two idle cores would give at most
        print(
            f"   CPU seconds per run: serial {cs:.2f}; cluster: workers {cw:.2f} + this"
            f" process (client, scheduler) {cp:.2f}; on two idle cores at most"
            f" {cs / ((cw + cp) / 2.0):.2f}x"
        )


def bench_trace(repeats: int, paths: int) -> None:
    company = _company()
    model = _model(company)

    def plain() -> None:
        tm.simulate(company, model=model, years=YEARS, paths=paths, seed=1)

    def traced() -> None:
        tm.simulate(company, model=model, years=YEARS, paths=paths, seed=1, record_paths=5)

    plain()
    a, b = [], []
    for _ in range(repeats):
        a.append(timed(plain))
        b.append(timed(traced))
    p, q = statistics.median(a), statistics.median(b)
    print(f"5. tracing the worst 5 of {paths:,} paths x {YEARS * STEPS_PER_YEAR} steps")
    print(
        f"   without: {p:.3f} s; with: {q:.3f} s; ratio {q / p:.3f}x (goal < {GOAL_TRACE_RATIO}x)"
    )


GOAL_MULTIASSET_RATIO = 2.0


def bench_multiasset(repeats: int, paths: int) -> None:
    company = _company()
    btc = _model(company).asset_price
    model = tm.simulation.CorrelatedGBM(
        tickers=("BTC", "ETH", "SOL"),
        asset_prices=(btc, 2_000.0, 150.0),
        drifts=(0.0, 0.0, 0.0),
        volatilities=(0.5, 0.7, 0.9),
        correlation=((1.0, 0.8, 0.7), (0.8, 1.0, 0.75), (0.7, 0.75, 1.0)),
    )
    units = company.holdings[0].units
    # about 80% of the reserve's value in BTC, 12% in ETH (staked at 3%) and 8% in SOL
    value = units * btc / 0.8
    basket = tm.simulation.Basket(
        model=model,
        units={"BTC": units, "ETH": 0.12 * value / 2_000.0, "SOL": 0.08 * value / 150.0},
        staking_yields={"ETH": 0.03},
    )
    steps = YEARS * STEPS_PER_YEAR

    def floor() -> None:
        np.random.default_rng(0).standard_normal(3 * paths * steps)

    def run() -> None:
        tm.simulate(company, model=basket, years=YEARS, paths=paths, seed=1)

    def prices() -> None:
        chunk = 8 * tm.simulation.montecarlo.BLOCK_PATHS
        for start in range(0, paths, chunk):
            size = min(chunk, paths - start)
            tm.simulation.montecarlo.price_paths(
                basket, seed=1, start=start, size=size, total=paths, steps=steps, dt=1 / 52
            )

    run()  # warm-up: imports, caches
    floors, runs, paths_only = [], [], []
    for _ in range(repeats):
        floors.append(timed(floor))
        runs.append(timed(run))
        paths_only.append(timed(prices))
    f, r, p = (statistics.median(x) for x in (floors, runs, paths_only))
    print(f"6. several assets: {paths:,} paths x {steps} steps, a basket of 3 correlated assets")
    print(f"   floor (standard_normal of {3 * paths * steps:,} variates): {f:.3f} s")
    print(f"   basket price paths alone: {p:.3f} s  ratio {p / f:.2f}x")
    print(
        f"   simulate (mstr-2026-02 holding the basket): {r:.3f} s  ratio {r / f:.2f}x"
        f" (goal <= {GOAL_MULTIASSET_RATIO:g}x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller runs")
    parser.add_argument(
        "--only",
        choices=["floor", "workers", "memory", "bounded", "trace", "multiasset", "dask"],
        default=None,
    )
    parser.add_argument(
        "--bounded-paths",
        type=int,
        default=10_000_000,
        help="paths of the bounded run (10,000,000; 1,000,000 takes a tenth of the time)",
    )
    parser.add_argument(
        "--dask-paths",
        type=int,
        default=1_000_000,
        help="paths of the Dask comparison (1,000,000; each side runs --quick ? 3 : 5 times)",
    )
    args = parser.parse_args()
    repeats = 3 if args.quick else 5
    print(
        f"treasurymodel {tm.__version__}, numpy {np.__version__}, {os.cpu_count()} CPUs,"
        f" load average {load_average()}"
    )
    if args.only in (None, "floor"):
        bench_floor(repeats, PATHS)
    if args.only in (None, "workers"):
        bench_workers(repeats, PATHS)
    if args.only in (None, "memory"):
        bench_memory(100_000 if args.quick else 1_000_000)
    if args.only in (None, "bounded"):
        bench_bounded(args.bounded_paths, 100_000)
    if args.only in (None, "trace"):
        bench_trace(repeats, PATHS)
    if args.only in (None, "multiasset"):
        bench_multiasset(repeats, PATHS)
    if args.only in (None, "dask"):
        bench_dask(3 if args.quick else 5, args.dask_paths)


if __name__ == "__main__":
    main()
