"""Tests of SimulationResult: joining chunks, summaries, histograms and plain exports."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treasurymodel import (
    Company,
    Holdings,
    Note,
    ValidationError,
)
from treasurymodel.simulation import FundingPolicy, SimulationResult, StepHistogram, simulate_paths
from treasurymodel.simulation.result import PATH_FIELDS, _empty_result

AS_OF = dt.date(2026, 1, 1)
DATES = [AS_OF + dt.timedelta(weeks=w) for w in range(7)]


def _company() -> Company:
    return Company(
        name="Test Co",
        as_of=AS_OF,
        holdings=Holdings(units=1_000.0),
        shares_basic=1e6,
        cash=5e6,
        instruments=[
            Note(name="N", principal=30e6, coupon=0.08, frequency=12, maturity=dt.date(2027, 6, 1))
        ],
    )


def _with(**arrays: Any) -> SimulationResult:
    base = _empty_result(len(next(iter(arrays.values()))))
    base = attrs.evolve(base, dates=tuple(DATES)) if "dates" not in arrays else base
    return attrs.evolve(base, **arrays)


def _paths(n: int, seed: int, weeks: int = 80) -> tuple[np.ndarray, list[dt.date]]:
    rng = np.random.default_rng(seed)
    steps = rng.normal(0.0, 0.08, (n, weeks))
    prices = 40_000.0 * np.exp(np.concatenate((np.zeros((n, 1)), np.cumsum(steps, axis=1)), 1))
    return prices, [AS_OF + dt.timedelta(weeks=w) for w in range(weeks + 1)]


def test_concat_of_chunks_equals_one_simulation() -> None:
    prices, dates = _paths(30, seed=5)
    co = _company()
    policy = FundingPolicy(issue_equity=False)
    record = ("units", "nav_per_share", "price")
    whole = simulate_paths(co, prices=prices, dates=dates, policy=policy, record=record)
    chunks = [
        simulate_paths(co, prices=prices[a:b], dates=dates, policy=policy, record=record)
        for a, b in ((0, 7), (7, 8), (8, 30))
    ]
    joined = SimulationResult.concat(chunks)
    assert joined == whole
    assert joined.paths == 30
    assert whole.default.any()  # the case is not trivial
    assert (~whole.default).any()
    for name in record:
        assert whole.histograms[name].counts.sum(axis=1).tolist() == [30] * len(dates)


def test_concat_refuses_what_does_not_match() -> None:
    a = _empty_result(2)
    with pytest.raises(ValidationError, match="results"):
        SimulationResult.concat([])
    other_dates = attrs.evolve(a, dates=(AS_OF, AS_OF + dt.timedelta(days=1)))
    with pytest.raises(ValidationError, match=r"results\[1\]"):
        SimulationResult.concat([a, other_dates])
    hist = StepHistogram(edges=[-np.inf, 0.0, np.inf], counts=np.zeros((2, 2), dtype=np.int64))
    with pytest.raises(ValidationError, match="histograms"):
        SimulationResult.concat([a, attrs.evolve(a, histograms={"units": hist})])
    with pytest.raises(ValidationError, match=r"results\[0\]"):
        SimulationResult.concat(["not a result"])  # type: ignore[list-item]


def test_event_probabilities_and_survival_curve_by_hand() -> None:
    # Four paths over six steps: defaults at steps 2, 5 and 2; one never defaults.
    res = _with(
        default=np.array([False, True, True, True]),
        default_time=np.array([-1, 2, 5, 2]),
        first_forced_sale=np.array([0, 1, -1, -1]),
        forced_sale=np.array([True, True, False, False]),
    )
    assert res.survival_curve().tolist() == [1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25]
    assert res.survival_curve("forced_sale").tolist() == [0.75, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    assert res.probability() == 0.75
    assert res.probability("default", by=DATES[3]) == 0.5
    assert res.probability("default", by=DATES[3] + dt.timedelta(days=6)) == 0.5
    assert res.probability("default", by=AS_OF - dt.timedelta(days=1)) == 0.0
    assert res.probability("seizure") == 0.0
    with pytest.raises(ValidationError, match="event"):
        res.probability("bankruptcy")  # type: ignore[arg-type]
    assert res.step_of(DATES[5]) == 5
    assert res.date_of(res.default_time).tolist() == [None, DATES[2], DATES[5], DATES[2]]


def test_quantiles_are_those_of_the_per_path_field() -> None:
    values = np.array([3.0, 1.0, 4.0, 1.0, 5.0])
    res = _with(units_sold=values)
    assert res.quantiles("units_sold", [0.0, 0.5, 1.0]).tolist() == [1.0, 3.0, 5.0]
    assert res.quantiles("units_sold", 0.25).tolist() == 1.0
    with pytest.raises(ValidationError, match="field"):
        res.quantiles("default", 0.5)
    with pytest.raises(ValidationError, match="q"):
        res.quantiles("units_sold", 1.5)


def test_exports_one_row_per_path() -> None:
    prices, dates = _paths(5, seed=2)
    res = simulate_paths(_company(), prices=prices, dates=dates)
    columns = res.to_dict()
    assert list(columns)[: len(PATH_FIELDS) + 1] == ["path", *PATH_FIELDS]
    assert {len(v) for v in columns.values()} == {5}
    assert columns["default_date"].dtype == np.dtype("datetime64[D]")
    assert columns["units_sold"].tolist() == res.units_sold.tolist()
    summary = res.summary()
    assert summary["paths"] == 5.0
    assert summary["p_default"] == res.probability("default")


def test_pandas_takes_the_exports() -> None:
    pd = pytest.importorskip("pandas")
    prices, dates = _paths(4, seed=3)
    res = simulate_paths(_company(), prices=prices, dates=dates)
    frame = pd.DataFrame(res.to_dict())
    assert frame.shape == (4, len(res.to_dict()))
    assert res.to_frame().shape == frame.shape


def test_equality_compares_arrays() -> None:
    a = _empty_result(3)
    assert a == _empty_result(3)
    assert a != attrs.evolve(a, units_sold=np.array([0.0, 1.0, 0.0]))
    assert a != _empty_result(2)
    assert a.__eq__(1) is NotImplemented


def test_result_refuses_ragged_arrays() -> None:
    with pytest.raises(ValidationError, match="units_sold"):
        attrs.evolve(_empty_result(3), units_sold=np.zeros(2))


def test_step_histogram_quantiles_by_hand() -> None:
    # Ten paths spread evenly over the bin [0, 10): the 10% and 90% quantiles are 1 and 9.
    h = StepHistogram(edges=[-np.inf, 0.0, 10.0, np.inf], counts=[[0, 10, 0], [0, 0, 4]])
    q = h.quantiles([0.1, 0.9])
    assert q[0].tolist() == [1.0, 9.0]
    assert q[1].tolist() == [10.0, 10.0]  # an open bin is reported at its finite edge
    with pytest.raises(ValidationError, match="edges"):
        StepHistogram(edges=[0.0, 0.0], counts=[[1]])
    with pytest.raises(ValidationError, match="counts"):
        StepHistogram(edges=[0.0, 1.0, 2.0], counts=[[1]])


@settings(max_examples=30, deadline=None)
@given(
    values=st.lists(st.floats(min_value=0.0, max_value=4e5), min_size=5, max_size=60),
    q=st.floats(min_value=0.05, max_value=0.95),
)
def test_fan_is_within_one_bin_of_the_exact_quantile(values: list[float], q: float) -> None:
    # Record the price on a flat grid: each path's recorded price is its (constant) price.
    prices = np.repeat(np.array(values)[:, None] + 1.0, 3, axis=1)
    co = Company(name="X", as_of=AS_OF, holdings=Holdings(units=1.0), shares_basic=1.0)
    edges = np.linspace(0.0, 4e5 + 1.0, 401)
    res = simulate_paths(
        co, prices=prices, dates=DATES[:3], record=("price",), record_edges={"price": edges}
    )
    fan = res.fan("price", [q])
    sorted_ = np.sort(prices[:, 0])
    lo = sorted_[max(int(np.ceil(q * len(values))) - 1, 0)]
    hi = sorted_[min(int(np.floor(q * len(values))), len(values) - 1)]
    width = edges[1] - edges[0]
    assert (fan[:, 0] >= lo - width - 1e-9).all()
    assert (fan[:, 0] <= hi + width + 1e-9).all()


def test_recording_defaults_and_errors() -> None:
    prices, dates = _paths(6, seed=9, weeks=10)
    res = simulate_paths(
        _company(), prices=prices, dates=dates, record=("units", "units_per_share")
    )
    assert set(res.histograms) == {"units", "units_per_share"}
    units = res.fan("units", [0.5])
    assert units.shape == (11, 1)
    assert units[0, 0] == pytest.approx(1_000.0, abs=4_000 / 798)
    with pytest.raises(ValidationError, match="name"):
        res.fan("cash", [0.5])
    with pytest.raises(ValidationError, match="record_edges"):
        simulate_paths(
            _company(),
            prices=prices,
            dates=dates,
            record=("units",),
            record_edges={"cash": [0, 1]},
        )
    with pytest.raises(ValidationError, match="record_edges"):
        simulate_paths(
            _company(),
            prices=prices,
            dates=dates,
            record=("units",),
            record_edges={"units": [1.0, 0.0]},
        )
