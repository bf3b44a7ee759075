"""Bounded-memory Monte Carlo: streaming aggregates against kept per-path arrays; traces."""

from __future__ import annotations

import concurrent.futures
import functools
from typing import Any

import numpy as np
import pytest

import treasurymodel as tm
from treasurymodel import ValidationError
from treasurymodel.simulation import montecarlo
from treasurymodel.simulation.aggregates import MOMENT_FIELDS, OUTCOME_FIELDS, _hist
from treasurymodel.simulation.montecarlo import price_paths
from treasurymodel.simulation.recording import RECORDABLE
from treasurymodel.simulation.result import Event

PATHS = 3_000  # three blocks, the last one partial


@functools.cache
def _setup() -> tuple[tm.Company, dict[str, Any]]:
    co = tm.datasets.load("mstr-2026-02")
    kw: dict[str, Any] = {
        "model": tm.GBM(asset_price=68_141.0, drift=0.3, volatility=0.8),
        "years": 3,
        "steps_per_year": 12,
        "seed": 5,
        "premium": tm.simulation.PeakCompressionPremium(initial=1.3, floor=0.7, sensitivity=3.0),
        "impact": tm.simulation.ImpactModel(daily_volume=20_000.0),
    }
    return co, kw


@functools.cache
def _kept() -> tm.simulation.SimulationResult:
    co, kw = _setup()
    res = tm.simulate(co, paths=PATHS, keep_paths=True, record=("share_price",), **kw)
    assert isinstance(res, tm.simulation.SimulationResult)
    return res


def _bounded(**extra: Any) -> tm.simulation.SimulationAggregates:
    co, kw = _setup()
    agg = tm.simulate(co, paths=PATHS, keep_paths=False, record=("share_price",), **kw, **extra)
    assert isinstance(agg, tm.simulation.SimulationAggregates)
    return agg


def _check_against_kept(agg: tm.simulation.SimulationAggregates) -> None:
    res = _kept()
    assert agg.paths == res.paths == PATHS
    events: tuple[tuple[Event, str], ...] = (
        ("default", "default_time"),
        ("forced_sale", "first_forced_sale"),
        ("seizure", "first_seizure"),
    )
    for event, field in events:
        steps = getattr(res, field)
        expected = np.bincount(steps[steps >= 0], minlength=res.steps + 1)
        assert agg.event_counts[event].tolist() == expected.tolist()  # exact
        assert agg.probability(event) == res.probability(event)
        assert np.array_equal(agg.survival_curve(event), res.survival_curve(event))
    for name in MOMENT_FIELDS:
        v = getattr(res, name)
        assert agg.mean[name] == pytest.approx(float(v.mean()), rel=1e-12, abs=1e-9), name
        assert agg.variance(name) == pytest.approx(float(v.var(ddof=1)), rel=1e-9, abs=1e-9)
        assert agg.minimum[name] == float(v.min())
        assert agg.maximum[name] == float(v.max())
    for name in OUTCOME_FIELDS:
        h = agg.outcomes[name]
        assert h.counts[0].tolist() == _hist(getattr(res, name), h.edges).tolist(), name
    assert np.array_equal(
        agg.histograms["share_price"].counts, res.histograms["share_price"].counts
    )


def test_the_stress_case_has_events() -> None:
    res = _kept()
    assert 0.5 < res.probability("forced_sale") < 1.0
    assert 0.0 < res.probability("default") < 0.5


@pytest.mark.parametrize("chunk_size", [1024, 2048, 10_000])
def test_streaming_aggregates_equal_the_kept_arrays_for_any_chunk_size(chunk_size: int) -> None:
    _check_against_kept(_bounded(chunk_size=chunk_size))


def test_streaming_aggregates_equal_the_kept_arrays_on_executors() -> None:
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        _check_against_kept(_bounded(executor=ex, chunk_size=1024))
    with concurrent.futures.ProcessPoolExecutor(2) as ex:
        _check_against_kept(_bounded(executor=ex, chunk_size=1024))


def test_quantiles_from_the_histograms_are_within_a_bin() -> None:
    agg = _bounded()
    res = _kept()
    for name in ("final_price", "nav_per_share", "units_sold"):
        edges = agg.outcomes[name].edges
        width = float(edges[2] - edges[1])
        for q in (0.1, 0.5, 0.9):
            exact = float(np.quantile(getattr(res, name), q))
            assert abs(float(agg.quantiles(name, [q])[0]) - exact) <= width + 1e-9 * abs(exact)


def test_merge_is_the_aggregate_of_the_joined_paths() -> None:
    co, kw = _setup()
    a = tm.simulate(co, paths=1024, keep_paths=True, **kw)
    edges = montecarlo._edges_of(
        montecarlo._Chunk(
            company=co, model=kw["model"], seed=5, start=0, size=1024, total=1024, steps=36,
            dt=1 / 12, dates=a.dates, policy=None, premium=None, impact=None, record=(),
            record_edges=None,
        )
    )  # fmt: skip
    one = tm.simulation.SimulationAggregates.from_result(a, edges=edges)
    both = tm.simulation.SimulationAggregates.combine([one, one])
    joined = tm.simulation.SimulationAggregates.from_result(
        tm.simulation.SimulationResult.concat([a, a]), edges=edges
    )
    assert both.paths == 2048
    for event in both.event_counts:
        assert both.event_counts[event].tolist() == joined.event_counts[event].tolist()
    for name in MOMENT_FIELDS:
        assert both.mean[name] == pytest.approx(joined.mean[name], rel=1e-12, abs=1e-9)
        assert both.m2[name] == pytest.approx(joined.m2[name], rel=1e-9, abs=1e-6)


def test_traced_paths_equal_those_of_a_run_keeping_everything() -> None:
    co, kw = _setup()
    kept = tm.simulate(co, paths=PATHS, keep_paths=True, record_paths=[5, 2500], **kw)
    bounded = _bounded(record_paths=[5, 2500], chunk_size=1024)
    # the keep-everything reference: every path of the run traced, from the same prices
    prices = np.concatenate(
        [
            price_paths(kw["model"], seed=5, start=s, size=min(1024, PATHS - s),
                        total=PATHS, steps=36, dt=1 / 12)
            for s in (0, 1024, 2048)
        ]
    )  # fmt: skip
    full = tm.simulation.simulate_paths(
        co, prices=prices, dates=kept.dates, premium=kw["premium"], impact=kw["impact"],
        record_paths=range(PATHS),
    )  # fmt: skip
    assert kept.traces is not None
    assert bounded.traces is not None
    assert full.traces is not None
    for name in RECORDABLE:
        ref = full.traces.values[name][[5, 2500]]
        assert np.array_equal(kept.traces.values[name], ref), name
        assert np.array_equal(bounded.traces.values[name], ref), name
    assert kept.events(2500) == bounded.events(2500)


def test_chosen_paths_are_the_same_kept_or_bounded() -> None:
    co, kw = _setup()
    res = _kept()
    for how in ("worst", "first_default", "random"):
        kept = tm.simulate(
            co, paths=PATHS, keep_paths=True, record_paths=3, choose_paths=how, **kw
        )
        bounded = _bounded(record_paths=3, choose_paths=how, chunk_size=1024)
        assert kept.traces is not None
        assert bounded.traces is not None
        assert kept.traces.paths.tolist() == bounded.traces.paths.tolist(), how
    worst = sorted(np.argsort(res.nav_per_share, kind="stable")[:3].tolist())
    chosen = tm.simulate(co, paths=PATHS, keep_paths=True, record_paths=3, **kw)
    assert chosen.traces is not None
    assert chosen.traces.paths.tolist() == worst


def test_the_default_keeps_paths_up_to_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    co, kw = _setup()
    assert isinstance(tm.simulate(co, paths=1024, **kw), tm.simulation.SimulationResult)
    monkeypatch.setattr(montecarlo, "KEEP_PATHS_LIMIT", 1000)
    assert isinstance(tm.simulate(co, paths=1024, **kw), tm.simulation.SimulationAggregates)


def test_memory_of_a_bounded_run_does_not_grow_with_paths() -> None:
    small = tm.simulation.estimate_memory(paths=10**5, steps=520, keep_paths=False)
    huge = tm.simulation.estimate_memory(paths=10**9, steps=520, keep_paths=False)
    assert small == huge
    assert tm.simulation.estimate_memory(paths=10**7, steps=520, keep_paths=True) > 10 * huge


def test_memory_counts_the_exchange_rates_drawn_as_paths() -> None:
    # A drawn rate keeps, per chunk in flight, its rates and its shocks, and the prices are
    # converted as a whole matrix: 2 x 1 + 1 = 3 more float64 matrices of the chunk's
    # 15,360 paths (2**23 // 521 rounded down to whole blocks of 1,024) x 521 dates, and
    # 2 x 2 + 1 = 5 for two rates; each chunk in flight holds its own.
    kw: dict[str, Any] = {"paths": 10**7, "steps": 520}
    base = tm.simulation.estimate_memory(**kw)
    matrix = 8 * 15360 * 521
    assert tm.simulation.estimate_memory(currencies=1, **kw) - base == 3 * matrix
    assert tm.simulation.estimate_memory(currencies=2, **kw) - base == 5 * matrix
    two_chunks = tm.simulation.estimate_memory(chunks=2, **kw)
    assert tm.simulation.estimate_memory(chunks=2, currencies=1, **kw) - two_chunks == 6 * matrix
    with pytest.raises(ValidationError) as info:
        tm.simulation.estimate_memory(currencies=-1, **kw)
    assert info.value.field == "currencies"


def test_bad_keep_paths_and_record_paths_are_refused() -> None:
    co, kw = _setup()
    with pytest.raises(ValidationError) as info:
        tm.simulate(co, paths=10, keep_paths="yes", **kw)  # type: ignore[call-overload]
    assert info.value.field == "keep_paths"
    with pytest.raises(ValidationError) as info:
        tm.simulate(co, paths=10, record_paths=[10], **kw)
    assert info.value.field == "record_paths"


@pytest.mark.distributed
def test_streaming_aggregates_equal_the_kept_arrays_on_a_dask_cluster() -> None:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        _check_against_kept(_bounded(executor=client.get_executor(), chunk_size=1024))


def test_chunks_run_here_hand_their_price_matrix_on(monkeypatch: pytest.MonkeyPatch) -> None:
    # Chunks run one after another in this process fill the same price matrix (given back
    # when the engine is done with it) and give the numbers of chunks that each allocate
    # their own; nothing is held once the run ends.
    co, kw = _setup()
    handed: list[int] = []
    matrix = montecarlo._matrix

    def spy(shape: tuple[int, int]) -> Any:
        out = matrix(shape)
        handed.append(id(out))
        return out

    monkeypatch.setattr(montecarlo, "_matrix", spy)
    reused = tm.simulate(co, paths=5 * 1024, chunk_size=1024, keep_paths=False, **kw)
    assert len(handed) == 5
    assert len(set(handed)) == 1  # one matrix for the five chunks
    kept = tm.simulate(co, paths=5 * 1024, chunk_size=1024, keep_paths=True, **kw)
    assert len(set(handed[5:])) == 1
    assert getattr(montecarlo._POOL, "free", None) is None  # let go
    monkeypatch.setattr(montecarlo, "_release", lambda matrix: None)  # each its own matrix
    handed.clear()
    assert tm.simulate(co, paths=5 * 1024, chunk_size=1024, keep_paths=False, **kw) == reused
    assert tm.simulate(co, paths=5 * 1024, chunk_size=1024, keep_paths=True, **kw) == kept


def test_a_worker_keeps_its_price_matrix_for_its_next_task() -> None:
    # A bounded run's task on an executor gives its price matrix back to its worker thread,
    # whose next task fills it again; the aggregates are those of the serial run.
    co, kw = _setup()
    run: dict[str, Any] = {"paths": 4 * 1024, "chunk_size": 1024, "keep_paths": False, **kw}
    serial = tm.simulate(co, **run)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        assert tm.simulate(co, executor=pool, **run) == serial
        kept = pool.submit(lambda: list(getattr(montecarlo._POOL, "free", None) or [])).result()
    assert [m.shape for m in kept] == [(3 * 12 + 1, 1024)]
    assert getattr(montecarlo._POOL, "free", None) is None  # not in this thread
