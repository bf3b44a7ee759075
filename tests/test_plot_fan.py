"""Tests of treasurymodel.plot.holdings_fan (the figure of ``treasurymodel stress --plot``)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from matplotlib.figure import Figure

import treasurymodel as tm
from treasurymodel import ValidationError
from treasurymodel.plot import holdings_fan

_CO = tm.datasets.load("mstr-2026-02")
_RES = tm.simulate(
    _CO,
    model=tm.GBM(asset_price=68_141.0, volatility=0.6),
    years=1,
    steps_per_year=12,
    paths=200,
    seed=3,
    record=("units", "nav_per_share"),
)


def test_panels_draw_the_recorded_quantiles() -> None:
    fig = holdings_fan(_RES, asset="ETH", currency="JPY")
    top, bottom = fig.axes
    assert [top.get_ylabel(), bottom.get_ylabel()] == ["ETH held", "NAV per share (JPY)"]
    for axis, name in ((top, "units"), (bottom, "nav_per_share")):
        median = axis.get_lines()[0]
        assert np.asarray(median.get_ydata()).tolist() == _RES.fan(name, [0.5])[:, 0].tolist()
        assert len(axis.collections) == 2  # the 5-95% and 25-75% bands
    assert np.asarray(bottom.get_lines()[1].get_ydata()).tolist() == [0.0, 0.0]  # zero line
    assert top.get_title() == "200 simulated paths"
    assert holdings_fan(_RES, title="T").axes[0].get_title() == "T"


def test_draws_into_an_empty_figure_it_is_given() -> None:
    given = Figure()
    assert holdings_fan(_RES, figure=given) is given
    with pytest.raises(ValidationError, match=r"^figure: must be an empty matplotlib Figure"):
        holdings_fan(_RES, figure=given)  # now it has axes


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"asset": 1}, "asset"), ({"currency": None}, "currency"), ({"title": 3}, "title")],
)
def test_bad_arguments_name_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        holdings_fan(_RES, **kwargs)  # type: ignore[arg-type]
    assert info.value.field == field


def test_needs_a_result_with_both_quantities_recorded() -> None:
    with pytest.raises(ValidationError, match=r"^result: must be a SimulationResult"):
        holdings_fan("not a result")
    only_units = tm.simulate(
        _CO, model=tm.GBM(asset_price=68_141.0, volatility=0.6), years=1, paths=50, seed=1,
        record=("units",),
    )  # fmt: skip
    with pytest.raises(ValidationError, match=r"^name: was not recorded"):
        holdings_fan(only_units)
