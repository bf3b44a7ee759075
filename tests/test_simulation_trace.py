"""Recordable quantities step by step, traced paths and their event tables."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import numpy as np
import pytest

import treasurymodel as tm
from treasurymodel import ValidationError
from treasurymodel.simulation.recording import RECORDABLE
from treasurymodel.simulation.result import PATH_FIELDS
from treasurymodel.simulation.state import _hist

AS_OF = dt.date(2026, 1, 1)


def _weekly(weeks: int, start: dt.date = AS_OF) -> list[dt.date]:
    return [start + dt.timedelta(weeks=w) for w in range(weeks + 1)]


def _simple_company() -> tm.Company:
    # 1,000 coins, $5M cash, a zero-coupon $30M note due in 2028, 1M shares
    return tm.Company(
        name="Simple",
        as_of=AS_OF,
        holdings=tm.Holdings(units=1_000.0),
        shares_basic=1e6,
        cash=5e6,
        instruments=[tm.Note(name="N", principal=30e6, coupon=0.0, maturity=dt.date(2028, 1, 1))],
    )


def test_share_price_and_mnav_by_hand_on_a_flat_path() -> None:
    # reserve 1,000 x $50,000 = $50M; at an mNAV of 1.5 the enterprise value is $75M, so the
    # market cap is 75 - 30 (debt) + 5 (cash) = $50M: $50 a share and a simple mNAV of 1.0
    res = tm.simulation.simulate_paths(
        _simple_company(),
        prices=np.full((1, 5), 50_000.0),
        dates=_weekly(4),
        premium=tm.simulation.ConstantPremium(mnav=1.5),
        record_paths=[0],
    )
    assert res.traces is not None
    v = res.traces.path(0)
    assert v["share_price"] == pytest.approx([50.0] * 5, rel=1e-12)
    assert v["mnav"] == pytest.approx([1.5] * 5, rel=1e-12)
    assert v["mnav_simple"] == pytest.approx([1.0] * 5, rel=1e-12)
    assert v["debt"].tolist() == [30e6] * 5
    assert v["cash"].tolist() == [5e6] * 5
    assert v["price_impact"].tolist() == [0.0] * 5
    assert len(res.events(0)) == 0  # nothing happened


@functools.cache
def _stress() -> tuple[tm.Company, np.ndarray, list[dt.date], dict[str, Any]]:
    co = tm.datasets.load("mstr-2026-02")
    rng = np.random.default_rng(11)
    weeks = 130
    steps = rng.normal(-0.012, 0.07, (24, weeks))
    assert co.market is not None
    prices = co.market.asset_price * np.exp(
        np.concatenate((np.zeros((24, 1)), np.cumsum(steps, axis=1)), axis=1)
    )
    kw: dict[str, Any] = {
        "premium": tm.simulation.PeakCompressionPremium(initial=1.4, floor=0.7, sensitivity=3.0),
        "impact": tm.simulation.ImpactModel(daily_volume=20_000.0),
    }
    return co, prices, _weekly(weeks, co.as_of), kw


@functools.cache
def _traced_all() -> tm.simulation.SimulationResult:
    co, prices, dates, kw = _stress()
    return tm.simulation.simulate_paths(
        co, prices=prices, dates=dates, record=RECORDABLE, record_paths=range(24), **kw
    )


def test_recording_and_tracing_do_not_change_the_results() -> None:
    co, prices, dates, kw = _stress()
    plain = tm.simulation.simulate_paths(co, prices=prices, dates=dates, **kw)
    full = _traced_all()
    assert plain.default.any()
    assert plain.forced_sale.any()
    for name in PATH_FIELDS:
        assert np.array_equal(getattr(plain, name), getattr(full, name)), name


def test_last_traced_step_equals_the_per_path_results() -> None:
    res = _traced_all()
    assert res.traces is not None
    v = res.traces.values
    pairs = {
        "units_sold": res.units_sold,
        "equity_raised": res.equity_raised,
        "debt": res.final_debt,
        "preferred": res.final_preferred,
        "unpaid_dividends": res.unpaid_dividends,
        "units": res.final_units,
        "nav_per_share": res.nav_per_share,
        "units_per_share": res.units_per_share,
        "price": res.final_price,
        "preferred_raised": res.preferred_raised + res.preferred_issued,
        "interest_paid": res.interest_paid,
        "dividends_paid": res.dividends_paid,
        "sale_proceeds": res.sale_proceeds,
    }
    live = ~res.default
    for name, expected in pairs.items():
        got = v[name][:, -1]
        if name in ("units",):  # the working balance sheet: equal on live paths
            assert np.array_equal(got[live], expected[live]), name
        else:
            assert np.allclose(got, expected, rtol=1e-12, atol=1e-6), name


def test_histograms_count_the_traced_values() -> None:
    res = _traced_all()
    assert res.traces is not None
    for name in ("share_price", "mnav", "mnav_simple", "price_impact", "units_sold", "cash"):
        h = res.histograms[name]
        for t in (0, 40, 130):
            counts = _hist(res.traces.values[name][:, t], h.edges)
            assert counts.tolist() == h.counts[t].tolist(), (name, t)
            assert h.counts[t].sum() == 24


def test_sales_lower_the_price_a_path_faces() -> None:
    res = _traced_all()
    assert res.traces is not None
    v = res.traces.values
    sold = v["units_sold"][:, -1] > 0.0
    assert sold.any()
    assert np.all(v["price_impact"][sold, -1] < 0.0)
    assert np.all(v["price_impact"][~sold, -1] == 0.0)


def test_a_traced_subset_equals_the_rows_of_a_run_tracing_everything() -> None:
    co, prices, dates, kw = _stress()
    full = _traced_all()
    part = tm.simulation.simulate_paths(
        co, prices=prices, dates=dates, record_paths=[3, 17, 5], **kw
    )
    assert part.traces is not None
    assert full.traces is not None
    assert part.traces.paths.tolist() == [3, 5, 17]
    for name in RECORDABLE:
        assert np.array_equal(part.traces.values[name], full.traces.values[name][[3, 5, 17]])


def test_chosen_paths() -> None:
    co, prices, dates, kw = _stress()
    full = _traced_all()
    worst = tm.simulation.simulate_paths(co, prices=prices, dates=dates, record_paths=2, **kw)
    assert worst.traces is not None
    expected = sorted(np.argsort(full.nav_per_share)[:2].tolist())
    assert worst.traces.paths.tolist() == expected
    first = tm.simulation.simulate_paths(
        co, prices=prices, dates=dates, record_paths=1, choose_paths="first_default", **kw
    )
    assert first.traces is not None
    times = np.where(full.default, full.default_time, 10**9)
    assert first.traces.paths.tolist() == [int(np.argmin(times))]
    a = tm.simulation.simulate_paths(
        co, prices=prices, dates=dates, record_paths=3, choose_paths="random", **kw
    )
    b = tm.simulation.simulate_paths(
        co, prices=prices, dates=dates, record_paths=3, choose_paths="random", **kw
    )
    assert a.traces is not None
    assert b.traces is not None
    assert a.traces.paths.tolist() == b.traces.paths.tolist()
    assert len(set(a.traces.paths.tolist())) == 3


def test_the_event_table_adds_up_to_the_arrays() -> None:
    res = _traced_all()
    kinds = {
        "coins sold": res.units_sold,
        "shares sold": res.equity_raised,
        "principal paid": res.principal_paid,
        "interest paid": res.interest_paid,
        "dividends paid": res.dividends_paid,
    }
    for path in range(24):
        table = res.events(path)
        d = table.to_dict()
        assert list(d["date"]) == sorted(d["date"])  # in date order
        for kind, totals in kinds.items():
            total = float(d["amount"][d["event"] == kind].sum())
            assert total == pytest.approx(float(totals[path]), rel=1e-9, abs=1e-6), kind
        defaults = d["step"][d["event"] == "default"].tolist()
        assert defaults == ([int(res.default_time[path])] if res.default[path] else [])
        sales = d["step"][d["event"] == "coins sold"]
        if res.forced_sale[path]:
            assert int(sales.min()) == int(res.first_forced_sale[path])
        assert repr(table).startswith(f"EventTable(path {path}, ")
        assert "<table>" in table._repr_html_()
    frame = res.events(0).to_frame()
    assert list(frame.columns) == ["date", "step", "event", "amount", "unit"]


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"record_paths": -1}, "record_paths"),
        ({"record_paths": [0, 9]}, "record_paths"),
        ({"record_paths": ["a"]}, "record_paths"),
        ({"record_paths": True}, "record_paths"),
        ({"record_paths": 1, "choose_paths": "best"}, "choose_paths"),
        ({"record": ("share_prize",)}, "record"),
    ],
)
def test_bad_trace_arguments_are_refused(kw: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        tm.simulation.simulate_paths(
            _simple_company(), prices=np.full((2, 3), 50_000.0), dates=_weekly(2), **kw
        )
    assert info.value.field == field


def test_events_of_an_untraced_path_are_refused() -> None:
    res = tm.simulation.simulate_paths(
        _simple_company(), prices=np.full((2, 3), 50_000.0), dates=_weekly(2), record_paths=[1]
    )
    with pytest.raises(ValidationError):
        res.events(0)
    plain = tm.simulation.simulate_paths(
        _simple_company(), prices=np.full((2, 3), 50_000.0), dates=_weekly(2)
    )
    with pytest.raises(ValidationError):
        plain.events(0)


def test_plots_of_a_simulation() -> None:
    pytest.importorskip("matplotlib")
    from treasurymodel.plot import simulation_fan, survival, traced_path

    res = _traced_all()
    fig = traced_path(res, 3, title="Path three")
    assert len(fig.axes) == 6  # four panels, two with a second axis
    price_line = fig.axes[0].get_lines()[0]
    assert np.asarray(price_line.get_ydata()).tolist() == res.traces.values["price"][3].tolist()  # type: ignore[union-attr]
    surv = survival(res).axes[0].get_lines()
    assert np.asarray(surv[1].get_ydata()).tolist() == res.survival_curve("default").tolist()
    fan = simulation_fan(res, "share_price").axes[0].get_lines()[0]
    assert np.asarray(fan.get_ydata()).tolist() == res.fan("share_price", [0.5])[:, 0].tolist()
    with pytest.raises(ValidationError):
        simulation_fan(res, "not_recorded")
    with pytest.raises(ValidationError):
        traced_path(tm.simulation.simulate_paths(_simple_company(), prices=np.full((1, 3), 5e4),
                                      dates=_weekly(2)), 0)  # fmt: skip


def test_traced_path_draws_into_an_empty_figure_it_is_given() -> None:
    plt = pytest.importorskip("matplotlib.pyplot")
    from treasurymodel.plot import traced_path

    res = _traced_all()
    given = plt.figure()
    try:
        assert traced_path(res, 3, figure=given) is given
        line = given.axes[0].get_lines()[0]
        assert np.asarray(line.get_ydata()).tolist() == res.traces.values["price"][3].tolist()  # type: ignore[union-attr]
        with pytest.raises(ValidationError) as info:
            traced_path(res, 3, figure=given)  # drawn already
        assert info.value.field == "figure"
    finally:
        plt.close(given)
